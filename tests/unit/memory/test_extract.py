"""Extraction requests and how the model's answer is read."""

from __future__ import annotations

import json

from app.core.memory.extract import SCHEMA, parse, request, schema, tidy
from app.core.memory.rules import Candidate


def test_parse_reads_the_schema_and_nothing_else() -> None:
    assert parse('{"facts": [{"topic": "name", "fact": "Меня зовут Андрей"}]}') == [
        Candidate("Меня зовут Андрей", "name")]
    assert parse('<think>the user said a name</think>{"facts": [{"topic": "bogus", "fact": " I  am 30 "}]}') == [
        Candidate("I am 30", "other")]
    for broken in ("", "no json at all", '{"facts": [{"topic": "name", "fact": ', '{"facts": "x"}', "[1, 2]",
                   '<think>{"facts": [{"topic": "name", "fact": "thinking"}]}'):
        assert parse(broken) == []


def test_the_request_is_constrained_to_the_schema_in_the_message_language() -> None:
    ru = request("Меня зовут Андрей")
    assert ru.options.json_schema is not None and ru.options.temperature == 0.0
    assert ru.options.json_schema["properties"]["facts"]["items"]["properties"]["fact"]["pattern"].startswith("^[А-Я")
    assert request("My name is Andrew").options.json_schema["properties"]["facts"]["maxItems"] == 5
    assert schema(None) is SCHEMA
    # only the user's own message is read: no assistant turn of the conversation
    assert ru.messages[-1] == {"role": "user", "content": "Меня зовут Андрей"}


def test_the_labelled_dialogs_are_well_formed() -> None:
    from tests.conftest import TEST_DATA

    dialogs = [json.loads(x) for x in (TEST_DATA / "memory" / "dialogs.jsonl").read_text("utf-8").splitlines() if x]
    assert len(dialogs) >= 40
    assert sum(d["lang"] == "ru" for d in dialogs) == sum(d["lang"] == "en" for d in dialogs)
    for d in dialogs:
        for f in d["facts"]:
            assert d["turns"][f["turn"]]["role"] == "user"
    assert sum(bool(d["supersedes"]) for d in dialogs) >= 12


def test_tidy_mends_a_doubled_russian_subject() -> None:
    assert tidy("Я у меня кот  Барсик") == "У меня кот Барсик"
    assert tidy("Я мне 31") == "Мне 31"
    assert tidy("Я живу в Твери") == "Я живу в Твери"
    assert tidy("I have a\ncat") == "I have a cat"
