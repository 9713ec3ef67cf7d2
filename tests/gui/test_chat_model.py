"""The chat list model passes Qt's model checks while messages stream in."""

from __future__ import annotations

import pytest

from app.core.types import Citation, Message, MessageStatus, Role
from app.ui.chat_model import ChatModel, CitationsRole, ErrorRole, MessageRole, StreamingRole, VersionRole

from tests.fakes.qt import QT_NOISE

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"), pytest.mark.qt_log_ignore(*QT_NOISE)]


def _messages() -> list[Message]:
    return [
        Message(Role.SYSTEM, "hidden", id=1),
        Message(Role.USER, "What is 2+2?", id=2),
        Message(Role.ASSISTANT, "**4**", id=3),
    ]


def test_qtmodeltester_through_a_streamed_answer(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = ChatModel()
    model.set_messages(_messages())
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 2  # system prompt is not shown
    row = model.append(Message(Role.USER, "And 3+3?"))
    answer = model.append(Message(Role.ASSISTANT, ""), streaming=True)
    assert (row, answer) == (2, 3)
    v0 = model.index(answer).data(VersionRole)
    for piece in ("It ", "is ", "6."):
        model.append_text(answer, piece)
    assert model.index(answer).data() == "It is 6."
    assert model.index(answer).data(VersionRole) > v0
    assert model.index(answer).data(StreamingRole) is True
    cit = (Citation(1, "/tmp/a.txt", None, "", "text"),)
    model.set_citations(answer, cit)
    assert model.index(answer).data(CitationsRole) == cit
    model.finish(answer, Message(Role.ASSISTANT, "It is 6.", id=9, status=MessageStatus.INTERRUPTED), "stopped")
    assert model.index(answer).data(StreamingRole) is False
    assert model.index(answer).data(ErrorRole) == "stopped"
    assert model.index(answer).data(MessageRole).id == 9
    model.truncate(2)  # the tester stays connected and checks every change signal
    assert model.rowCount() == 2
    model.refresh_all()
    model.set_messages(_messages())
    assert model.last_row(Role.USER) == 0 and model.last_row(Role.ASSISTANT) == 1


def test_empty_model(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = ChatModel()
    qtmodeltester.check(model, force_py=True)
    assert model.streaming_row() is None
