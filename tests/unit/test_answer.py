"""The answer pipeline: steps shape the prompt or answer without the model, hooks amend."""

from __future__ import annotations

from typing import Any, Iterator

from app.core.answer import AnswerContext
from app.core.types import CancelToken, ChatEvent, DoneEvent, MessageStatus, Status, StatusEvent, TokenEvent
from tests.fakes.llm import FakeLLM, FakeRegistry, fake_factory


def make(llm: FakeLLM):  # type: ignore[no-untyped-def]
    from app.core.assistant import Assistant

    a = Assistant(llm_factory=fake_factory(llm), registry=FakeRegistry())  # type: ignore[arg-type]
    a.settings.active_model = "fake"
    return a


class PersonaStep:
    name = "persona"

    def run(self, ctx: AnswerContext, cancel: CancelToken) -> Iterator[ChatEvent]:
        ctx.instructions.append("Speak like a pirate.")
        ctx.options = ctx.options.with_(temperature=1.3)
        ctx.details["persona"] = "pirate"
        yield StatusEvent(Status.FITTING_CONTEXT, {"dropped": 0})


class RememberStep:
    name = "remember"

    def run(self, ctx: AnswerContext, cancel: CancelToken) -> Iterator[ChatEvent]:
        if ctx.question.lower().startswith("remember that"):
            ctx.reply = "Noted."
        return iter(())


class SignHook:
    name = "sign"

    def run(self, ctx: AnswerContext, text: str, status: MessageStatus) -> str:
        return text + " -- Sova" if status == MessageStatus.COMPLETE else text


def test_a_step_adds_instructions_and_options_and_a_hook_amends_the_answer() -> None:
    llm = FakeLLM(reply="Ahoy")
    a = make(llm)
    a.pipeline.steps.append(PersonaStep())
    a.pipeline.hooks.append(SignHook())
    conv = a.new_conversation()
    events = list(a.ask(conv.id, "Hello"))
    assert any(isinstance(e, StatusEvent) and e.code == Status.FITTING_CONTEXT for e in events)
    system = llm.calls[0][0]
    assert system["role"] == "system" and "Speak like a pirate." in system["content"]
    assert llm.options[0] is not None and llm.options[0].temperature == 1.3
    done = events[-1]
    assert isinstance(done, DoneEvent) and done.message.content.strip().endswith("-- Sova")
    assert a.messages(conv.id)[-1].content == done.message.content


def test_a_step_may_answer_without_the_model() -> None:
    llm = FakeLLM(reply="never")
    a = make(llm)
    a.pipeline.steps.insert(0, RememberStep())
    conv = a.new_conversation()
    events = list(a.ask(conv.id, "Remember that I like tea"))
    assert [e.text for e in events if isinstance(e, TokenEvent)] == ["Noted."]
    assert llm.calls == []
    assert a.messages(conv.id)[-1].content == "Noted."


def test_a_failing_hook_never_costs_the_answer() -> None:
    class Broken:
        name = "broken"

        def run(self, ctx: AnswerContext, text: str, status: MessageStatus) -> str:
            raise RuntimeError("boom")

    a = make(FakeLLM(reply="kept"))
    a.pipeline.hooks.insert(0, Broken())
    conv = a.new_conversation()
    done = list(a.ask(conv.id, "q"))[-1]
    assert done.error is None and done.message.content.strip() == "kept"


def test_document_search_failure_is_a_coded_warning_and_the_answer_goes_on() -> None:
    a = make(FakeLLM(reply="answer without documents"))

    def broken(conv, q):  # type: ignore[no-untyped-def]
        raise OSError("index folder is gone")

    a.pipeline.step("documents")._find = broken  # type: ignore[attr-defined]
    conv = a.new_conversation()
    a.set_documents(conv.id, ())
    done = list(a.ask(conv.id, "q"))[-1]
    assert done.error_code == "documents_failed" and "index folder is gone" in str(done.error_params["reason"])
    assert done.message.content.strip() == "answer without documents"


class Replies(FakeLLM):
    """Answers each call with the next reply of a list."""

    def __init__(self, *replies: str) -> None:
        super().__init__(reply=replies[0])
        self._replies = list(replies)

    def stream_chat(self, messages, cancel, options=None):  # type: ignore[no-untyped-def]
        self.reply = self._replies[min(len(self.calls), len(self._replies) - 1)]
        return super().stream_chat(messages, cancel, options)


def test_an_answer_in_the_wrong_language_is_withdrawn_and_asked_again() -> None:
    from app.core.types import RestartEvent

    english = "You can build the package with dpkg-buildpackage, which is part of the dpkg-dev package."
    llm = Replies(english, "Пакет собирают командой dpkg-buildpackage из пакета dpkg-dev.")
    a = make(llm)
    conv = a.new_conversation()
    events = list(a.ask(conv.id, "Какой командой собрать пакет из исходников?"))
    restart = [e for e in events if isinstance(e, RestartEvent)]
    assert len(restart) == 1 and restart[0].code == "wrong_language" and restart[0].params == {"language": "ru"}
    # Stopped early: the English answer did not stream to its end.
    before = "".join(e.text for e in events[: events.index(restart[0])] if isinstance(e, TokenEvent))
    assert before and len(before) < len(english)
    done = events[-1]
    assert isinstance(done, DoneEvent) and done.error is None
    assert done.message.content == "Пакет собирают командой dpkg-buildpackage из пакета dpkg-dev."
    assert a.messages(conv.id)[-1].content == done.message.content
    # The second request repeats the rule at the very end.
    assert llm.calls[1][-1]["content"].endswith("весь ответ напиши на русском языке, не на английском.")


def test_an_answer_still_in_the_wrong_language_is_kept_with_a_warning() -> None:
    llm = Replies("Use dpkg-buildpackage to build it from the source tree, it is in dpkg-dev.")
    a = make(llm)
    conv = a.new_conversation()
    done = list(a.ask(conv.id, "Как собрать пакет?"))[-1]
    assert isinstance(done, DoneEvent) and done.error_code == "answer_language"
    assert done.message.status == MessageStatus.COMPLETE and "dpkg-buildpackage" in done.message.content
    assert len(llm.calls) == 2


def test_an_answer_in_the_right_language_is_asked_once() -> None:
    llm = Replies("Командой dpkg-buildpackage.")
    a = make(llm)
    conv = a.new_conversation()
    done = list(a.ask(conv.id, "Как собрать пакет?"))[-1]
    assert isinstance(done, DoneEvent) and done.error is None and len(llm.calls) == 1


def test_not_in_the_documents_cites_nothing() -> None:
    from app.core.answer import CitationHook
    from app.core.types import Citation

    a = make(FakeLLM())
    conv = a.new_conversation()
    ctx = a.pipeline.context(conv)
    ctx.citations = [Citation(1, "/d/a.pdf", 1, "H", "The documents say a lot about this.")]
    assert CitationHook().run(ctx, "The documents do not contain this [1].", MessageStatus.COMPLETE) == \
        "The documents do not contain this."



def with_passage(a: Any, citation: Any) -> Any:
    """A new conversation with documents on, whose search always finds ``citation``."""
    a._documents = type("Lib", (), {"retrieve": lambda self, q, c, k: [citation], "close": lambda self: None})()
    conv = a.new_conversation()
    a.set_documents(conv.id, ())
    return conv


def test_an_answer_of_bare_markers_is_asked_again_without_the_marker_rule() -> None:
    from app.core.types import Citation, RestartEvent

    llm = Replies("[1]. [2]", "Use dpkg-buildpackage in the source tree.")
    a = make(llm)
    conv = with_passage(a, Citation(1, "/d/g.pdf", 4, "Build", "Run dpkg-buildpackage in the source tree."))
    events = list(a.ask(conv.id, "How do I build the package?"))
    assert [e.code for e in events if isinstance(e, RestartEvent)] == ["markers_only"]
    assert "like [1]" in llm.calls[0][-1]["content"] and "like [1]" not in llm.calls[1][-1]["content"]
    done = events[-1]
    assert isinstance(done, DoneEvent) and done.message.content == "Use dpkg-buildpackage in the source tree [1]."


def test_an_answer_that_repeats_the_question_is_asked_again() -> None:
    from app.core.types import Citation, RestartEvent

    q = "Нашёл неточность в этом ЧаВо. Куда сообщить?"
    llm = Replies("Вопрос: Нашёл неточность в этом ЧаВо [1]. Куда сообщить [1]?",
                  "Сообщите об ошибке по адресу doc-debian@packages.debian.org.")
    a = make(llm)
    conv = with_passage(a, Citation(1, "/d/faq.pdf", 73, "ЧаВо", "Ошибки в ЧаВо: пишите на doc-debian@packages.debian.org."))
    events = list(a.ask(conv.id, q))
    assert [e.code for e in events if isinstance(e, RestartEvent)] == ["echo"]
    assert llm.calls[1][-1]["content"].endswith("Do not repeat the question: answer it.")
    done = events[-1]
    assert isinstance(done, DoneEvent) and "doc-debian@packages.debian.org" in done.message.content


def test_echo_check() -> None:
    from app.core.prompts import echoes

    q = "How do I build the package from source?"
    assert echoes("Question: How do I build the package from source? [1]", q)
    assert echoes("How do I build the package from source [2]?", q)
    assert not echoes("Run dpkg-buildpackage in the source tree [1].", q)
    assert not echoes("Yes [1].", q)  # too short to call an echo


def test_an_answer_after_the_echoed_question_is_kept_without_asking_again() -> None:
    from app.core.types import Citation, RestartEvent

    q = "Нашёл неточность в этом ЧаВо. Куда сообщить?"
    echo = "Вопрос: Нашёл неточность в этом ЧаВо [1]. Куда сообщить?\n\nОтвет: Пишите на doc-debian@packages.debian.org [1]."
    llm = Replies(echo)
    a = make(llm)
    conv = with_passage(a, Citation(1, "/d/faq.pdf", 73, "ЧаВо", "Об ошибках в ЧаВо пишите на doc-debian@packages.debian.org."))
    events = list(a.ask(conv.id, q))
    assert not [e for e in events if isinstance(e, RestartEvent)] and len(llm.calls) == 1
    done = events[-1]
    assert isinstance(done, DoneEvent) and done.message.content == "Пишите на doc-debian@packages.debian.org [1]."

def test_passages_that_cannot_answer_get_a_reply_naming_the_missing_term_without_the_model() -> None:
    from app.core.rag.grounding import Grounding
    from app.core.rag.library import Found
    from app.core.types import Citation

    llm = FakeLLM(reply="should not be asked")
    a = make(llm)
    found = Found([Citation(1, "/d/a.pdf", 3, "Networking", "Configure interfaces in /etc/network/interfaces.")],
                  Grounding(missing=("WireGuard",), coverage=0.2, known_coverage=0.6))
    a.pipeline.step("documents")._find = lambda conv, q: found  # type: ignore[attr-defined]
    conv = a.new_conversation()
    a.set_documents(conv.id, ())
    done = list(a.ask(conv.id, "How do I set up a WireGuard tunnel?"))[-1]
    assert isinstance(done, DoneEvent) and done.message.model is None and llm.calls == []
    assert done.message.content == "Your documents never mention “WireGuard”, so I won't guess an answer."
    assert done.message.citations == ()
