"""The facade with a fake model: conversation flow, saving, errors, regenerate, edit."""

from __future__ import annotations

import pytest

from app.core.assistant import Assistant
from app.core.llm import ModelCrashed, ModelError
from app.core.types import (
    CancelToken, Citation, DoneEvent, MessageStatus, Role, SourcesEvent, StatusEvent, TokenEvent,
)
from tests.fakes.llm import FakeLLM, FakeRegistry, fake_factory


def make(llm: FakeLLM) -> Assistant:
    a = Assistant(llm_factory=fake_factory(llm), registry=FakeRegistry())  # type: ignore[arg-type]
    a.settings.active_model = "fake"
    return a


def drain(events):  # type: ignore[no-untyped-def]
    events = list(events)
    assert isinstance(events[-1], DoneEvent)
    return events


def test_ask_streams_and_stores_both_messages() -> None:
    a = make(FakeLLM(reply="one two three"))
    conv = a.new_conversation()
    events = drain(a.ask(conv.id, "Count to three please, slowly and clearly"))
    text = "".join(e.text for e in events if isinstance(e, TokenEvent))
    assert text.split() == ["one", "two", "three"]
    done = events[-1]
    assert done.error is None and done.message.status == MessageStatus.COMPLETE
    assert done.message.stats.completion_tokens == 3
    msgs = a.messages(conv.id)
    assert [m.role for m in msgs] == [Role.USER, Role.ASSISTANT]
    assert msgs[1].content.split() == ["one", "two", "three"] and msgs[1].model == "Fake model"
    assert a.store.conversation(conv.id).title == "Count to three please, slowly and clearly"


def test_history_and_system_prompt_reach_the_model() -> None:
    llm = FakeLLM(reply="ok")
    a = make(llm)
    conv = a.new_conversation()
    drain(a.ask(conv.id, "first"))
    drain(a.ask(conv.id, "second"))
    sent = llm.calls[-1]
    assert sent[0]["role"] == "system" and "Sova" in sent[0]["content"]
    assert [m["content"].strip() for m in sent[1:]] == ["first", "ok", "second"]


def test_cancel_keeps_partial_answer_marked_interrupted() -> None:
    a = make(FakeLLM(reply="a b c d e f g h", delay=0.01))
    conv = a.new_conversation()
    cancel = CancelToken()
    events = []
    for e in a.ask(conv.id, "go", cancel):
        events.append(e)
        if sum(isinstance(x, TokenEvent) for x in events) == 2:
            cancel.cancel()
    done = events[-1]
    assert isinstance(done, DoneEvent)
    assert done.message.status == MessageStatus.INTERRUPTED
    assert done.message.content.split() == ["a", "b"]
    assert a.messages(conv.id)[-1].content.split() == ["a", "b"]


def test_crash_saves_partial_answer_and_next_question_restarts_model() -> None:
    llm = FakeLLM(reply="a b c d", crash_after=2)
    a = make(llm)
    conv = a.new_conversation()
    done = drain(a.ask(conv.id, "q1"))[-1]
    assert done.message.status == MessageStatus.INTERRUPTED
    assert "stopped" in (done.error or "")
    assert done.message.content.split() == ["a", "b"]
    assert llm.closed and a.llm is None  # host dropped, restarted on next request
    llm.crash_after = None
    done2 = drain(a.ask(conv.id, "q2"))[-1]
    assert done2.error is None and done2.message.status == MessageStatus.COMPLETE


def test_model_error_is_readable_and_stored() -> None:
    a = make(FakeLLM(fail_with=ModelError("model.gguf is truncated")))
    conv = a.new_conversation()
    done = drain(a.ask(conv.id, "hi"))[-1]
    assert done.error == "model.gguf is truncated"
    assert done.message.status == MessageStatus.ERROR
    assert a.messages(conv.id)[0].content == "hi"  # the question is never lost


def test_status_event_while_loading() -> None:
    a = make(FakeLLM(reply="x"))
    conv = a.new_conversation()
    events = drain(a.ask(conv.id, "hi"))
    assert isinstance(events[0], StatusEvent) and "Loading" in events[0].text


def test_regenerate_replaces_the_last_answer() -> None:
    llm = FakeLLM(reply="first")
    a = make(llm)
    conv = a.new_conversation()
    drain(a.ask(conv.id, "q"))
    llm.reply = "second"
    drain(a.regenerate(conv.id))
    msgs = a.messages(conv.id)
    assert [m.content.strip() for m in msgs] == ["q", "second"]


def test_edit_last_user_message_and_resend() -> None:
    llm = FakeLLM(reply="ans")
    a = make(llm)
    conv = a.new_conversation()
    drain(a.ask(conv.id, "typo"))
    drain(a.edit_last_user(conv.id, "fixed"))
    msgs = a.messages(conv.id)
    assert [m.content.strip() for m in msgs] == ["fixed", "ans"]
    assert llm.calls[-1][-1]["content"] == "fixed"


def test_regenerate_without_question_is_a_clear_error() -> None:
    a = make(FakeLLM())
    conv = a.new_conversation()
    with pytest.raises(ModelError, match="no question"):
        a.regenerate(conv.id)


class FakeLibrary:
    def __init__(self, hits: list[Citation]) -> None:
        self.hits = hits

    def retrieve(self, query: str, collections: tuple[str, ...], k: int) -> list[Citation]:
        return self.hits

    def close(self) -> None:
        pass


def test_documents_on_puts_numbered_sources_in_the_prompt() -> None:
    llm = FakeLLM(reply="It is pronounced deb-ee-en [1].")
    a = make(llm)
    cit = Citation(1, "/docs/debian-faq.pdf", 4, "Basics", "Debian is pronounced Deb'-ee-en.")
    a._documents = FakeLibrary([cit])  # type: ignore[assignment]
    conv = a.new_conversation()
    a.set_documents(conv.id, ())
    events = drain(a.ask(conv.id, "How is Debian pronounced?"))
    sources = [e for e in events if isinstance(e, SourcesEvent)]
    assert sources and sources[0].citations == (cit,)
    turn = llm.calls[-1][-1]["content"]  # sources, then the question, then the task
    assert turn.index("[1]") < turn.index("Deb'-ee-en") < turn.index("How is Debian pronounced?")
    assert "page 4" in turn and "in English" in turn
    assert events[-1].message.citations == (cit,)


def test_documents_on_but_nothing_found_says_so_without_the_model() -> None:
    llm = FakeLLM(reply="invented")
    a = make(llm)
    a._documents = FakeLibrary([])  # type: ignore[assignment]
    conv = a.new_conversation()
    a.set_documents(conv.id, ())
    done = drain(a.ask(conv.id, "Как произносится слово Debian?"))[-1]
    assert "не нашлось" in done.message.content
    assert llm.calls == []


def test_switching_model_drops_the_loaded_one() -> None:
    llm = FakeLLM(reply="x")
    a = make(llm)
    a.load_model()
    assert a.llm is llm
    a.set_active_model("fake2")
    assert llm.closed and a.llm is None and a.settings.active_model == "fake2"
    with pytest.raises(ModelError):
        a.set_active_model("nope")


def test_generator_closed_early_still_saves() -> None:
    a = make(FakeLLM(reply="a b c d e"))
    conv = a.new_conversation()
    gen = a.ask(conv.id, "q")
    for e in gen:
        if isinstance(e, TokenEvent):
            break
    gen.close()  # e.g. the window closed mid-answer
    last = a.messages(conv.id)[-1]
    assert last.role == Role.ASSISTANT and last.status == MessageStatus.INTERRUPTED
    assert last.content.strip() == "a"


def test_stop_while_the_model_loads_is_an_interruption_not_an_error() -> None:
    from app.core.types import Cancelled

    class SlowLoad(FakeLLM):
        def load(self, progress, cancel):  # type: ignore[no-untyped-def]
            raise Cancelled()

    a = make(SlowLoad())
    conv = a.new_conversation()
    done = drain(a.ask(conv.id, "hi"))[-1]
    assert done.error is None
    assert done.message.status == MessageStatus.INTERRUPTED


def _wait_for(cond, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    import time

    end = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < end, "condition not reached"
        time.sleep(0.005)


@pytest.mark.parametrize("how", ["regenerate", "edit"])
def test_superseding_an_answer_never_lets_the_old_one_overwrite_the_new(how: str) -> None:
    import threading

    llm = FakeLLM(reply=" ".join(["old"] * 200), delay=0.005)
    a = make(llm)
    conv = a.new_conversation()
    first: list[object] = []
    t = threading.Thread(target=lambda: first.extend(a.ask(conv.id, "q")))
    t.start()
    _wait_for(lambda: len(llm.calls) == 1)
    llm.reply = "new answer"
    # No explicit stop of the first request: the facade itself must stop it and wait.
    gen = a.regenerate(conv.id) if how == "regenerate" else a.edit_last_user(conv.id, "q2")
    events = drain(gen)
    t.join(10)
    assert events[-1].message.content.strip() == "new answer"
    assistants = [m for m in a.messages(conv.id) if m.role == Role.ASSISTANT]
    assert [m.content.strip() for m in assistants] == ["new answer"]
    assert isinstance(first[-1], DoneEvent)  # the old answer ended cleanly (interrupted)


def test_changing_sampling_options_never_reloads_the_model() -> None:
    llm = FakeLLM(reply="x")
    a = make(llm)
    conv = a.new_conversation()
    drain(a.ask(conv.id, "one"))
    a.settings.generation.temperature = 1.1
    a.apply_generation_settings()
    drain(a.ask(conv.id, "two"))
    assert llm.loads == 1 and not llm.closed
    assert [o.temperature for o in llm.options] == [0.3, 1.1]
    a.settings.generation.n_ctx = 2048  # what the model was loaded with: reload
    a.apply_generation_settings()
    drain(a.ask(conv.id, "three"))
    assert llm.loads == 2


def test_saved_settings_changes_are_announced() -> None:
    a = make(FakeLLM(reply="x"))
    a.save_settings()  # make() changed the active model
    seen: list[frozenset[str]] = []
    a.subscribe_settings(seen.append)
    a.settings.generation.temperature = 0.7
    a.settings.language = "ru"
    a.save_settings()
    a.save_settings()  # nothing changed: no announcement
    assert seen == [frozenset({"generation.temperature", "language"})]


def test_verbose_logs_setting_is_applied_when_saved() -> None:
    from app.core import logs

    a = make(FakeLLM(reply="x"))
    logs.setup_logging(a.paths)
    assert not logs.is_verbose()
    a.settings.verbose_logs = True
    a.save_settings()
    assert logs.is_verbose()
    a.settings.verbose_logs = False
    a.save_settings()
    assert not logs.is_verbose()


def test_deleting_a_conversation_mid_answer_never_writes_into_another_one() -> None:
    """SQLite reuses freed ids: a deleted chat's answer must not land in a new message."""
    import threading

    llm = FakeLLM(reply="b " * 5, delay=0.02)
    a = make(llm)
    b = a.new_conversation()
    drain(a.ask(b.id, "first question in B"))
    chat_a = a.new_conversation()
    llm.reply = "OLD-ANSWER-OF-DELETED-CHAT " * 50
    old: list[object] = []
    t = threading.Thread(target=lambda: old.extend(a.ask(chat_a.id, "question in A")))
    t.start()
    _wait_for(lambda: len(llm.calls) == 2)
    a.delete_conversation(chat_a.id)  # stops A's answer and waits for its last write
    assert isinstance(old[-1], DoneEvent) and not t.is_alive() or t.join(10) is None
    assert a.messages(chat_a.id) == []
    llm.reply = "fresh"
    drain(a.ask(b.id, "second question in B"))
    assert [m.content.strip() for m in a.messages(b.id)] == [
        "first question in B", "b b b b b", "second question in B", "fresh"]


def test_a_stale_write_is_refused_by_conversation() -> None:
    a = make(FakeLLM(reply="x"))
    b = a.new_conversation()
    drain(a.ask(b.id, "q"))
    answer = a.messages(b.id)[-1]
    a.store.update_message(answer.id, content="stale", conversation_id=b.id + 1000)
    assert a.messages(b.id)[-1].content == answer.content
