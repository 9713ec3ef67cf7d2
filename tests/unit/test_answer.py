"""The answer pipeline: steps shape the prompt or answer without the model, hooks amend."""

from __future__ import annotations

from typing import Iterator

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
    assert system["role"] == "system" and system["content"].endswith("Speak like a pirate.")
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

    a.pipeline.steps[0]._retrieve = broken  # the documents step
    conv = a.new_conversation()
    a.set_documents(conv.id, ())
    done = list(a.ask(conv.id, "q"))[-1]
    assert done.error_code == "documents_failed" and "index folder is gone" in str(done.error_params["reason"])
    assert done.message.content.strip() == "answer without documents"
