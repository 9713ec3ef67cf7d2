"""Personas: who answers, in what tone, language and memory scope.

A persona is a system prompt plus a tone control, the *spice level* (0 = plain and
polite … 5 = sarcastic roaster), which changes both the instructions the model gets and
its sampling, a temperature, a preferred answer language, the document collections new
chats start with, and a memory scope (shared facts, its own, or none). Personas live in
the ``personas`` table of the main database; the shipped defaults in
``resources/personas/`` are copied there once (a default the user deleted stays deleted).
Switching persona changes only the next request's prompt and options: never the model.

Personas travel as JSON files ``{"format": "sova-personas", "version": 1, "personas":
[...]}``; an import is checked whole before anything is stored.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Literal, Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from app.core.llm.base import GenerationOptions
from app.core.types import SovaError

if TYPE_CHECKING:
    from app.core.store.db import Database

FORMAT = "sova-personas"
FORMAT_VERSION = 1
MAX_IMPORT_BYTES = 512 * 1024  # a persona file is a few kB; more is not a persona file
MAX_IMPORT_PERSONAS = 100
MAX_SPICE = 5
DEFAULT_ID = "general"

Language = Literal["auto", "ru", "en"]
MemoryScope = Literal["shared", "own", "off"]


@dataclass(frozen=True)
class Spice:
    """What one spice level does: an instruction (per answer language) and sampling."""

    en: str
    ru: str
    temperature: float  # added to the persona's temperature
    top_p: float | None  # None: the Generation settings'


# Level 1 is the plain default (the general persona): no tone line and the Generation
# settings' sampling, so the answer-quality figures hold as they were measured. Measured
# with the 1.5B model (tests/integration/test_personas_real.py): level 5 answers carry
# sarcasm markers, level 0 answers politeness markers. The instruction is given in the
# answer's language, like the language rule (a small model follows those better).
SPICE: tuple[Spice, ...] = (
    Spice("Tone: polite, calm and neutral. No jokes, no irony, no slang.",
          "Тон: вежливый, спокойный и нейтральный. Без шуток, иронии и жаргона.", 0.0, 0.85),
    Spice("", "", 0.0, None),  # the default: no tone line, the Generation settings' sampling
    Spice("Tone: friendly and relaxed; a light touch of humour is welcome.",
          "Тон: дружелюбный и непринуждённый; лёгкий юмор уместен.", 0.1, 0.9),
    Spice("Tone: witty. Add a joke or an ironic remark, but stay helpful.",
          "Тон: остроумный. Добавь шутку или ироничное замечание, но оставайся полезным.", 0.2, 0.92),
    Spice("Tone: cheeky and ironic. Tease the user a little with sarcastic remarks, then give the real answer.",
          "Тон: дерзкий и ироничный. Слегка подколи пользователя саркастичным замечанием, затем дай настоящий ответ.",
          0.3, 0.95),
    Spice("Tone: a sarcastic roaster. Start with a biting, sarcastic jab at the question, mock it playfully, "
          "then still give the correct answer. Never be formal or polite.",
          "Тон: саркастичный насмешник. Начни с едкой саркастичной колкости по поводу вопроса, язвительно "
          "подшути над ним, а потом всё же дай правильный ответ. Никогда не будь формальным или вежливым.",
          0.4, 0.95),
)

SPICE_LEVELS = len(SPICE)


class PersonaError(SovaError):
    """A persona cannot be stored, imported or deleted; the message says why.

    Codes: ``persona_bad_file`` (reason), ``persona_version`` (version),
    ``persona_too_large`` (size, limit), ``persona_not_found`` (id), ``persona_last``.
    """

    code = "persona_error"


@dataclass(frozen=True)
class Persona:
    """One persona. ``names``/``prompts`` hold the shipped defaults' translations."""

    id: str
    name: str
    icon: str = "🦉"
    system_prompt: str = ""
    spice: int = 1
    temperature: float | None = None  # None: the Generation setting
    language: Language = "auto"  # the answer's language; auto: the question's
    collections: tuple[str, ...] | None = None  # new chats: None = documents off, () = all
    memory: MemoryScope = "shared"
    names: Mapping[str, str] = field(default_factory=dict)
    prompts: Mapping[str, str] = field(default_factory=dict)
    builtin: str = ""  # the shipped default this persona was copied from

    def display_name(self, lang: str = "en") -> str:
        """The name in the interface's language, when the persona has a translation."""
        return self.names.get(lang) or self.name

    def prompt_for(self, lang: str) -> str:
        """The system prompt for an answer in ``lang``."""
        return self.prompts.get(lang) or self.system_prompt

    @property
    def memory_scope(self) -> str | None:
        """The facts this persona reads and writes: '' shared, its id for its own, None off."""
        return {"shared": "", "own": self.id, "off": None}[self.memory]

    def instructions(self, lang: str) -> str:
        """The tone instruction of its spice level, in the answer's language."""
        spice = SPICE[max(0, min(MAX_SPICE, self.spice))]
        return spice.ru if lang == "ru" else spice.en

    def options(self, base: GenerationOptions) -> GenerationOptions:
        """``base`` with this persona's temperature and its spice level's sampling."""
        spice = SPICE[max(0, min(MAX_SPICE, self.spice))]
        temperature = base.temperature if self.temperature is None else self.temperature
        return base.with_(temperature=round(min(2.0, temperature + spice.temperature), 3),
                          top_p=base.top_p if spice.top_p is None else spice.top_p)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["collections"] = None if self.collections is None else list(self.collections)
        d["names"], d["prompts"] = dict(self.names), dict(self.prompts)
        return d


class _PersonaModel(BaseModel):
    """The checked shape of a persona in a file or in the table."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field("", max_length=64)
    name: str = Field(min_length=1, max_length=80)
    icon: str = Field("🦉", max_length=16)
    system_prompt: str = Field("", max_length=8000)
    spice: int = Field(1, ge=0, le=MAX_SPICE)
    temperature: float | None = Field(None, ge=0.0, le=2.0)
    language: Language = "auto"
    collections: list[str] | None = None
    memory: MemoryScope = "shared"
    names: dict[str, str] = Field(default_factory=dict)
    prompts: dict[str, str] = Field(default_factory=dict)
    builtin: str = Field("", max_length=64)

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("the name is empty")
        return v.strip()

    def persona(self) -> Persona:
        return Persona(
            id=self.id, name=self.name, icon=self.icon or "🦉", system_prompt=self.system_prompt, spice=self.spice,
            temperature=self.temperature, language=self.language,
            collections=None if self.collections is None else tuple(self.collections), memory=self.memory,
            names=self.names, prompts=self.prompts, builtin=self.builtin,
        )


def _slug(name: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:24]
    return f"{s or 'persona'}-{uuid.uuid4().hex[:6]}"


def parse_personas(text: str | bytes) -> list[Persona]:
    """The personas in an export file, checked. Raises PersonaError naming the problem."""
    size = len(text.encode("utf-8") if isinstance(text, str) else text)
    if size > MAX_IMPORT_BYTES:
        raise PersonaError(f"The file is too large for a persona file ({size} bytes; the limit is "
                           f"{MAX_IMPORT_BYTES}).", code="persona_too_large", size=size, limit=MAX_IMPORT_BYTES)
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PersonaError(f"The file is not valid JSON: {exc}", code="persona_bad_file", reason=str(exc)) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PersonaError("The file is not a Sova persona file.", code="persona_bad_file",
                           reason="no \"format\": \"sova-personas\"")
    version = data.get("version")
    if version != FORMAT_VERSION:
        raise PersonaError(f"The persona file has version {version!r}; this Sova reads version {FORMAT_VERSION}.",
                           code="persona_version", version=str(version))
    items = data.get("personas")
    if not isinstance(items, list) or not items:
        raise PersonaError("The persona file holds no personas.", code="persona_bad_file", reason="no personas")
    if len(items) > MAX_IMPORT_PERSONAS:
        raise PersonaError(f"The file holds {len(items)} personas; at most {MAX_IMPORT_PERSONAS} are imported at once.",
                           code="persona_too_large", size=len(items), limit=MAX_IMPORT_PERSONAS)
    out = []
    for i, item in enumerate(items, 1):
        try:
            out.append(_PersonaModel.model_validate(item).persona())
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ())) or "persona"
            reason = f"persona {i}, {where}: {first.get('msg', 'invalid')}"
            raise PersonaError(f"The persona file is damaged ({reason}).", code="persona_bad_file",
                               reason=reason) from exc
    return out


def dump_personas(personas: Sequence[Persona]) -> str:
    """An export file holding ``personas``."""
    return json.dumps({"format": FORMAT, "version": FORMAT_VERSION, "personas": [p.to_dict() for p in personas]},
                      ensure_ascii=False, indent=2)


def shipped_personas() -> list[Persona]:
    """The defaults in ``resources/personas/`` (in file-name order)."""
    from app.resources import resource_path

    folder = Path(resource_path("personas"))
    out: list[Persona] = []
    for path in sorted(folder.glob("*.json")):
        out.extend(parse_personas(path.read_text("utf-8")))
    return out


class PersonaStore:
    """The personas of this installation, in the main database's ``personas`` table."""

    def __init__(self, db: "Database", shipped: Sequence[Persona] | None = None) -> None:
        self.db = db
        self._seed(shipped if shipped is not None else shipped_personas())

    def _seed(self, shipped: Sequence[Persona]) -> None:
        """Copy shipped defaults not seeded before (a deleted default stays deleted)."""
        with self.db.transaction() as conn:
            row = conn.execute("SELECT value FROM memory_meta WHERE key='personas_seeded'").fetchone()
            seeded = set(json.loads(row[0])) if row else set()
            position = conn.execute("SELECT COALESCE(MAX(position), -1) FROM personas").fetchone()[0]
            for p in shipped:
                if p.id in seeded:
                    continue
                position += 1
                conn.execute("INSERT OR IGNORE INTO personas(id, data, position, updated_at) VALUES (?,?,?,?)",
                             (p.id, json.dumps(replace(p, builtin=p.id).to_dict(), ensure_ascii=False), position,
                              time.time()))
                seeded.add(p.id)
            conn.execute("INSERT OR REPLACE INTO memory_meta(key, value) VALUES ('personas_seeded', ?)",
                         (json.dumps(sorted(seeded)),))

    def list(self) -> list[Persona]:
        with self.db.read() as conn:
            rows = conn.execute("SELECT data FROM personas ORDER BY position, rowid").fetchall()
        return [_PersonaModel.model_validate(json.loads(r[0])).persona() for r in rows]

    def get(self, persona_id: str) -> Persona | None:
        with self.db.read() as conn:
            row = conn.execute("SELECT data FROM personas WHERE id=?", (persona_id,)).fetchone()
        return _PersonaModel.model_validate(json.loads(row[0])).persona() if row else None

    def resolve(self, persona_id: str | None, default_id: str = DEFAULT_ID) -> Persona:
        """The persona ``persona_id``, else the default one, else the first; a plain one
        when the table is empty (never fails: an answer needs a persona)."""
        for pid in (persona_id, default_id):
            if pid:
                p = self.get(pid)
                if p is not None:
                    return p
        first = self.list()
        return first[0] if first else Persona(id="", name="Sova")

    def save(self, persona: Persona) -> Persona:
        """Create (empty id) or replace a persona; returns it as stored. Raises PersonaError."""
        if not persona.id:
            persona = replace(persona, id=_slug(persona.name))
        try:
            checked = _PersonaModel.model_validate(persona.to_dict()).persona()
        except ValidationError as exc:
            raise PersonaError(f"The persona cannot be saved: {exc.errors()[0].get('msg')}", code="persona_bad_file",
                               reason=str(exc.errors()[0].get("msg"))) from exc
        with self.db.transaction() as conn:
            position = conn.execute("SELECT position FROM personas WHERE id=?", (checked.id,)).fetchone()
            if position is None:
                position = conn.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM personas").fetchone()
            conn.execute("INSERT OR REPLACE INTO personas(id, data, position, updated_at) VALUES (?,?,?,?)",
                         (checked.id, json.dumps(checked.to_dict(), ensure_ascii=False), position[0], time.time()))
        return checked

    def duplicate(self, persona_id: str, name: str | None = None) -> Persona:
        p = self.get(persona_id)
        if p is None:
            raise PersonaError(f"There is no persona {persona_id!r}.", code="persona_not_found", id=persona_id)
        return self.save(replace(p, id="", name=name or f"{p.name} (2)", names={}, builtin=""))

    def delete(self, persona_id: str) -> None:
        """Delete a persona (not the last one). Its own facts go with it (``Memory``)."""
        with self.db.transaction() as conn:
            if conn.execute("SELECT count(*) FROM personas").fetchone()[0] <= 1:
                raise PersonaError("The last persona cannot be deleted.", code="persona_last")
            conn.execute("DELETE FROM personas WHERE id=?", (persona_id,))
            conn.execute("UPDATE conversations SET persona=NULL WHERE persona=?", (persona_id,))

    def export(self, ids: Sequence[str] | None = None) -> str:
        """An export file of the given personas (all when None)."""
        personas = [p for p in self.list() if ids is None or p.id in ids]
        return dump_personas(personas)

    def import_text(self, text: str | bytes) -> list[Persona]:
        """Store the personas of an export file as new ones (an id already in use gets a
        new one). All or nothing: a bad file changes nothing. Raises PersonaError."""
        incoming = parse_personas(text)
        out: list[Persona] = []
        with self.db.transaction() as conn:
            position = conn.execute("SELECT COALESCE(MAX(position), -1) FROM personas").fetchone()[0]
            for p in incoming:
                pid = p.id
                if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", pid) or conn.execute(
                        "SELECT 1 FROM personas WHERE id=?", (pid,)).fetchone():
                    pid = _slug(p.name)
                stored = replace(p, id=pid)
                position += 1
                conn.execute("INSERT INTO personas(id, data, position, updated_at) VALUES (?,?,?,?)",
                             (pid, json.dumps(stored.to_dict(), ensure_ascii=False), position, time.time()))
                out.append(stored)
        return out


class PersonaStep:
    """The answer pipeline's first step: the conversation's persona sets the system
    prompt, the tone instruction, the sampling and (when fixed) the answer's language."""

    name = "persona"

    def __init__(self, personas: "PersonaStore", default_id: Callable[[], str]) -> None:
        self._personas = personas
        self._default_id = default_id

    def run(self, ctx: Any, cancel: Any) -> Iterator[Any]:
        yield from ()  # no events: the persona is known before the answer starts
        persona = self._personas.resolve(ctx.conversation.persona, self._default_id())
        ctx.persona = persona
        if persona.language != "auto":
            from app.core.language import answer_language

            ctx.language = answer_language(ctx.question, persona.language)
        prompt = persona.prompt_for(ctx.language).strip()
        if prompt:
            ctx.system_prompt = prompt
        tone = persona.instructions(ctx.language)
        if tone:
            ctx.instructions.append(tone)
        ctx.options = persona.options(ctx.options)
        ctx.details["persona"] = {"id": persona.id, "name": persona.display_name(ctx.language), "spice": persona.spice}
