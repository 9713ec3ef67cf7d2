"""Explicit memory commands: the labelled set, and what must not be a command."""

from __future__ import annotations

import json

import pytest

from app.core.memory.commands import parse, reply
from tests.conftest import TEST_DATA

COMMANDS = [json.loads(line) for line in (TEST_DATA / "memory" / "commands.jsonl").read_text("utf-8").splitlines()
            if line.strip()]


def test_the_labelled_set_is_balanced() -> None:
    assert len(COMMANDS) >= 40
    assert sum(c["lang"] == "ru" for c in COMMANDS) == sum(c["lang"] == "en" for c in COMMANDS)
    assert {c["action"] for c in COMMANDS} == {"remember", "forget", "forget_all", "none"}


@pytest.mark.parametrize("item", COMMANDS, ids=[c["id"] for c in COMMANDS])
def test_every_labelled_command_is_recognised(item: dict) -> None:
    cmd = parse(item["text"])
    if item["action"] == "none":
        assert cmd is None
        return
    assert cmd is not None and cmd.action == item["action"]
    if item["fact"]:
        assert cmd.fact == item["fact"][:1].upper() + item["fact"][1:]


@pytest.mark.parametrize("text", ["Forget it", "Запомни это", "remember?", "Do you remember me?", "x" * 2000])
def test_commands_without_a_fact_are_not_commands(text: str) -> None:
    assert parse(text) is None


def test_replies_are_in_the_question_language() -> None:
    assert reply("remembered", "ru", fact="Я юрист") == "Запомнила: «Я юрист»."
    assert reply("remembered", "en", fact="I am a lawyer") == "Got it, I'll remember: “I am a lawyer”."
