"""Personas: shipped defaults, CRUD, import/export, and what a persona does to an answer."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from app.core.assistant import Assistant
from app.core.llm.base import GenerationOptions
from app.core.personas import (
    FORMAT, MAX_IMPORT_BYTES, SPICE, Persona, PersonaError, parse_personas, shipped_personas,
)
from app.core.types import DoneEvent, Role
from tests.fakes.llm import FakeLLM, FakeRegistry, fake_factory


def make(llm: FakeLLM | None = None) -> Assistant:
    a = Assistant(llm_factory=fake_factory(llm or FakeLLM(reply="ok")), registry=FakeRegistry())  # type: ignore[arg-type]
    a.settings.active_model = "fake"
    return a


def done(events) -> DoneEvent:  # type: ignore[no-untyped-def]
    events = list(events)
    assert isinstance(events[-1], DoneEvent)
    return events[-1]


def test_four_shipped_defaults_in_russian_and_english() -> None:
    shipped = {p.id: p for p in shipped_personas()}
    assert set(shipped) == {"general", "roaster", "legal", "support"}
    for p in shipped.values():
        assert p.display_name("ru") != p.display_name("en")
        assert p.prompt_for("ru").strip() and p.prompt_for("en").strip()
    assert shipped["roaster"].spice == 5 and shipped["legal"].memory == "own"
    assert any(c.isascii() is False for c in shipped["legal"].prompt_for("ru"))


def test_defaults_are_seeded_once_and_a_deleted_one_stays_deleted() -> None:
    a = make()
    assert [p.id for p in a.personas()] == ["general", "roaster", "legal", "support"]
    a.delete_persona("roaster")
    a.close()
    b = make()
    assert "roaster" not in [p.id for p in b.personas()]
    b.close()


def test_create_edit_duplicate_delete() -> None:
    a = make()
    p = a.save_persona(Persona(id="", name="Pirate", system_prompt="Talk like a pirate.", spice=3))
    assert p.id.startswith("pirate-") and a.persona(p.id).system_prompt == "Talk like a pirate."
    a.save_persona(replace(p, name="Captain"))
    assert a.persona(p.id).name == "Captain"
    copy = a.duplicate_persona(p.id)
    assert copy.id != p.id and copy.name == "Captain (2)" and copy.spice == 3
    a.delete_persona(copy.id)
    assert copy.id not in [x.id for x in a.personas()]
    with pytest.raises(PersonaError):
        a.save_persona(Persona(id="", name="   "))
    a.close()


def test_the_last_persona_cannot_be_deleted() -> None:
    a = make()
    for p in a.personas()[1:]:
        a.delete_persona(p.id)
    with pytest.raises(PersonaError) as e:
        a.delete_persona(a.personas()[0].id)
    assert e.value.code == "persona_last"
    a.close()


def test_export_import_round_trip() -> None:
    a = make()
    mine = a.save_persona(Persona(id="", name="Тестер", system_prompt="Проверяй всё.", spice=2, temperature=0.7,
                                  language="ru", collections=("work",), memory="own", icon="🧪"))
    text = a.export_personas([mine.id])
    assert json.loads(text)["format"] == FORMAT
    imported = a.import_personas(text)
    assert len(imported) == 1 and imported[0].id != mine.id  # the id was taken: a copy
    assert replace(imported[0], id=mine.id) == mine
    a.close()


@pytest.mark.parametrize("text,code", [
    ("{not json", "persona_bad_file"),
    (json.dumps({"format": "something-else", "version": 1, "personas": []}), "persona_bad_file"),
    (json.dumps({"format": FORMAT, "version": 99, "personas": [{"name": "x"}]}), "persona_version"),
    (json.dumps({"format": FORMAT, "version": 1, "personas": []}), "persona_bad_file"),
    (json.dumps({"format": FORMAT, "version": 1, "personas": [{"name": "ok"}, {"name": "bad", "spice": 9}]}),
     "persona_bad_file"),
    (json.dumps({"format": FORMAT, "version": 1, "personas": [{"name": "x" * 10, "system_prompt": "y" * MAX_IMPORT_BYTES}]}),
     "persona_too_large"),
])
def test_bad_persona_files_are_refused_and_change_nothing(text: str, code: str) -> None:
    a = make()
    before = a.personas()
    with pytest.raises(PersonaError) as e:
        a.import_personas(text)
    assert e.value.code == code and str(e.value)
    assert a.personas() == before
    a.close()


def test_the_error_names_the_bad_field() -> None:
    with pytest.raises(PersonaError, match=r"persona 2, spice"):
        parse_personas(json.dumps({"format": FORMAT, "version": 1, "personas": [{"name": "a"}, {"name": "b", "spice": 7}]}))


def test_spice_changes_instructions_and_sampling() -> None:
    base = GenerationOptions(temperature=0.3, top_p=0.9)
    calm, roast = Persona(id="a", name="a", spice=0), Persona(id="b", name="b", spice=5)
    assert calm.instructions("en") != roast.instructions("en") and "sarcastic" in roast.instructions("en")
    assert "саркастич" in roast.instructions("ru")
    assert roast.options(base).temperature > calm.options(base).temperature
    assert Persona(id="c", name="c", spice=1).options(base) == base  # the default changes nothing
    assert Persona(id="d", name="d", temperature=1.0, spice=0).options(base).temperature == 1.0
    assert len(SPICE) == 6


def test_a_persona_shapes_the_answer_and_switching_never_reloads_the_model() -> None:
    llm = FakeLLM(reply="Hello there")
    a = make(llm)
    conv = a.new_conversation()
    assert a.conversation(conv.id).persona == "general"
    first = done(a.ask(conv.id, "Hi, who are you?"))
    assert first.message.persona == "Sova (general assistant)"
    a.set_conversation_persona(conv.id, "roaster")
    second = done(a.ask(conv.id, "Как дела?"))
    system = llm.calls[-1][0]["content"]
    assert "насмешник" in system and "саркастич" in system
    assert second.message.persona == "Язвительный насмешник"
    assert second.message.details["persona"]["id"] == "roaster"
    assert llm.options[-1].temperature == pytest.approx(a.settings.generation.temperature + 0.4)
    assert llm.loads == 1
    stored = a.messages(conv.id)
    assert [m.persona for m in stored if m.role == Role.ASSISTANT] == ["Sova (general assistant)",
                                                                       "Язвительный насмешник"]
    a.close()


def test_a_persona_with_a_fixed_language_answers_in_it() -> None:
    llm = FakeLLM(reply="Привет, это ответ на русском языке для проверки правила")
    a = make(llm)
    p = a.save_persona(Persona(id="", name="Russian only", language="ru"))
    conv = a.new_conversation(persona=p.id)
    done(a.ask(conv.id, "What is the weather like?"))
    assert "Всегда отвечай на русском языке." in llm.calls[-1][0]["content"]
    a.close()


def test_new_chats_take_the_persona_collections() -> None:
    a = make()
    conv = a.new_conversation(persona="legal")
    assert a.conversation(conv.id).collections == ()  # documents on, all collections
    general = a.new_conversation()
    assert a.conversation(general.id).collections is None
    a.set_conversation_persona(general.id, "support")  # empty chat: takes its collections
    assert a.conversation(general.id).collections == ()
    a.close()


def test_a_deleted_persona_falls_back_to_the_default() -> None:
    a = make()
    p = a.save_persona(Persona(id="", name="Temp"))
    conv = a.new_conversation(persona=p.id)
    a.delete_persona(p.id)
    assert a.conversation(conv.id).persona is None
    assert done(a.ask(conv.id, "hi there")).message.persona == "Sova (general assistant)"
    a.close()
