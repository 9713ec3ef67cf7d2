"""Automatic extraction: what the model is asked, and how its answer is read.

The model reads only the user's own message (never the assistant's turns or the
system prompt, so neither can become a "fact about the user") and answers with JSON
constrained by a schema (a llama.cpp grammar): at most ``MAX_FACTS`` short
first-person facts with a topic each, in the message's language. A message that
corrects something said before is asked about once more, with the closest stored
facts in view. ``rules`` then decides what is kept.
"""

from __future__ import annotations

import json
import logging
import re
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from app.core.llm.base import ChatRequest, GenerationOptions
from app.core.memory.rules import MAX_FACT_CHARS, Candidate, Decision, check
from app.core.memory.store import TOPICS, Fact, normalise

if TYPE_CHECKING:
    from app.core.types import CancelToken

log = logging.getLogger(__name__)

MAX_FACTS = 5
# A fact starts in the message's language (a letter of its script): a small model asked
# to keep the language still wrote English facts for Russian messages, which the
# grounding check (words shared with the message) then had to drop.
_FIRST_LETTER = {"ru": "[А-ЯЁа-яё]", "en": "[A-Za-z]"}


def schema(lang: str | None = None) -> dict[str, Any]:
    """The output schema; with ``lang``, each fact starts in that language's script."""
    if lang not in _FIRST_LETTER:
        return SCHEMA
    fact = {"type": "string", "pattern": f'^{_FIRST_LETTER[lang]}[^"\\\\]*$'}
    items = {**SCHEMA["properties"]["facts"]["items"]}
    items["properties"] = {**items["properties"], "fact": fact}
    return {**SCHEMA, "properties": {"facts": {**SCHEMA["properties"]["facts"], "items": items}}}


SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "facts": {
            "type": "array",
            "maxItems": MAX_FACTS,
            "items": {
                "type": "object",
                "properties": {
                    "topic": {"type": "string", "enum": list(TOPICS)},
                    "fact": {"type": "string", "maxLength": MAX_FACT_CHARS},
                },
                "required": ["topic", "fact"],
            },
        }
    },
    "required": ["facts"],
}

_SYSTEM = (
    "You read one message a user wrote to an assistant and list the facts the user states about "
    "themselves that are worth remembering in later conversations: their name, age, profession, "
    "workplace, city, family members, pets, lasting likes and dislikes, hobbies, languages, health "
    "(allergies, diet), education, things they own, plans with a date. When the user corrects something "
    "they said before, list the corrected fact.\n"
    "Not facts about the user: things about other people, hypotheticals (\"if I were…\"), questions, "
    "jokes, requests, and passing states (tired, hungry, the weather, what they ate today).\n"
    "Write each fact in the first person and in the language of the message (Russian for a Russian "
    "message), as briefly as possible, one fact per item. Return at most 5 facts, and an empty list when "
    "there are none."
)
# Few-shot examples: what to take and what to leave, a correction, both languages. Their
# facts never pass the grounding check for another message, so a copied example is dropped.
_EXAMPLES: tuple[tuple[str, list[dict[str, str]]], ...] = (
    ("Мой коллега Иван — врач. Как объяснить ему, что такое Python?", []),
    ("I teach history at a school in Omsk and I have two kids. How can I plan lessons faster?",
     [{"topic": "profession", "fact": "I teach history at a school"}, {"topic": "location", "fact": "I live in Omsk"},
      {"topic": "family", "fact": "I have two kids"}]),
    ("Если бы я был космонавтом, я бы полетел на Марс. А сколько туда лететь?", []),
    ("Меня зовут Ольга, я не ем глютен. Посоветуй, что приготовить на ужин?",
     [{"topic": "name", "fact": "Меня зовут Ольга"}, {"topic": "health", "fact": "Я не ем глютен"}]),
    ("Sorry, I got that wrong earlier: my daughter is seven, not six. Which books suit her age?",
     [{"topic": "family", "fact": "My daughter is seven"}]),
    ("My parrot Kiwi screams every morning. Why do parrots do that?",
     [{"topic": "pet", "fact": "I have a parrot named Kiwi"}]),
    ("Поправка: я уже не бухгалтер, с мая работаю аналитиком. Какие курсы SQL посоветуешь?",
     [{"topic": "profession", "fact": "Я работаю аналитиком"}]),
    ("We're flying to Rome on June 3rd for our anniversary. What should we pack?",
     [{"topic": "plan", "fact": "I'm flying to Rome on June 3rd"}]),
    ("Я Марина, 41 год, бухгалтер из Перми, растим с мужем двоих сыновей. Как быстро освоить Excel?",
     [{"topic": "name", "fact": "Меня зовут Марина"}, {"topic": "age", "fact": "Мне 41 год"},
      {"topic": "profession", "fact": "Я работаю бухгалтером"}, {"topic": "location", "fact": "Я живу в Перми"},
      {"topic": "family", "fact": "У меня муж и двое сыновей"}]),
    ("Недавно купила квартиру в новостройке, в сентябре летим всей семьёй в Турцию. Что взять в отпуск?",
     [{"topic": "possession", "fact": "Я купила квартиру в новостройке"},
      {"topic": "plan", "fact": "В сентябре я лечу с семьёй в Турцию"}]),
)


def request(message: str) -> ChatRequest:
    """The extraction request for one user message."""
    msgs: list[dict[str, str]] = [{"role": "system", "content": _SYSTEM}]
    for text, facts in _EXAMPLES:
        msgs.append({"role": "user", "content": text})
        msgs.append({"role": "assistant", "content": json.dumps({"facts": facts}, ensure_ascii=False)})
    msgs.append({"role": "user", "content": message[:2000]})
    from app.core.language import detect

    return ChatRequest(tuple(msgs), GenerationOptions(temperature=0.0, max_tokens=200, seed=7,
                                                      json_schema=schema(detect(message))))


MAX_KNOWN = 5  # stored facts shown to the model when a message corrects one of them
_CORRECT_SYSTEM = (
    "The user corrects or updates something they told you before. Below are notes you keep about the "
    "user, numbered, and the user's new message. Say which note the message corrects (0 if none) and "
    "write that note as it is true now, in the first person and in the language of the message, briefly."
)


# The new text keeps what is still true of the old note and changes only what the
# message corrects; without examples the small model echoed the old note unchanged.
_CORRECT_EXAMPLES: tuple[tuple[tuple[str, ...], str, dict[str, Any]], ...] = (
    (("Я работаю бухгалтером в Сбере", "У меня есть собака Лайка"),
     "Поправка: из Сбера я ушёл, теперь в ВТБ. Как там с отпусками?",
     {"note": 1, "now": "Я работаю бухгалтером в ВТБ"}),
    (("I have a cat named Tom", "I'm a junior designer at a studio", "I live in Leeds"),
     "Good news, I'm not a junior anymore, they made me senior last week!",
     {"note": 2, "now": "I'm a senior designer at a studio"}),
    (("Я живу в Омске", "Я люблю джаз"),
     "Кстати, я теперь вегетарианка. Что приготовить на ужин?",
     {"note": 0, "now": "Я вегетарианка"}),
)


def correction_request(message: str, known: Sequence[str]) -> ChatRequest:
    """Which of ``known`` the message corrects, and the corrected text (constrained)."""
    from app.core.language import detect

    notes = "\n".join(f"{i}. {t}" for i, t in enumerate(known, 1))
    lang = detect(message)
    fact: dict[str, Any] = {"type": "string", "maxLength": MAX_FACT_CHARS}
    if lang in _FIRST_LETTER:
        fact = {"type": "string", "pattern": f'^{_FIRST_LETTER[lang]}[^"\\\\]*$'}
    schema_ = {"type": "object", "properties": {"note": {"type": "integer", "enum": list(range(len(known) + 1))},
                                                "now": fact}, "required": ["note", "now"]}
    msgs: list[dict[str, str]] = [{"role": "system", "content": _CORRECT_SYSTEM}]
    for ex_notes, ex_message, answer in _CORRECT_EXAMPLES:
        listed = "\n".join(f"{i}. {t}" for i, t in enumerate(ex_notes, 1))
        msgs.append({"role": "user", "content": f"Notes:\n{listed}\n\nUser's message: «{ex_message}»"})
        msgs.append({"role": "assistant", "content": json.dumps(answer, ensure_ascii=False)})
    msgs.append({"role": "user", "content": f"Notes:\n{notes}\n\nUser's message: «{message[:2000]}»"})
    return ChatRequest(tuple(msgs), GenerationOptions(temperature=0.0, max_tokens=120, seed=7, json_schema=schema_))


def correction(output: str, message: str, known: Sequence[Fact]) -> Decision | None:
    """The supersede decision in the model's answer to ``correction_request``, when the
    corrected text passes the same check as any extracted fact."""
    try:
        data = json.loads(_THINK.sub("", output).strip())
        n, text = int(data.get("note", 0)), tidy(str(data.get("now", "")))
    except (ValueError, AttributeError, TypeError):
        return None
    if not 1 <= n <= len(known) or not text:
        return None
    target = known[n - 1]
    if normalise(text) == normalise(target.text) or check(Candidate(text, target.topic), message):
        return None
    return Decision("supersede", text, target.topic, "", target)


# «Я у меня кот Барсик»: the small model starts with «Я» and then the phrase it meant.
_DOUBLE_SUBJECT = re.compile(r"^я\s+(?=(?:у\s+меня|мне|меня|мой|моя|моё|мое|мои|мы)(?!\w))", re.IGNORECASE)


def tidy(fact: str) -> str:
    """One line, single spaces, and no doubled Russian subject."""
    text = _DOUBLE_SUBJECT.sub("", " ".join(fact.split()))
    return text[:1].upper() + text[1:]


_THINK = re.compile(r"<think>.*?(?:</think>|$)", re.DOTALL | re.IGNORECASE)


def parse(output: str) -> list[Candidate]:
    """The candidates in the model's output; [] for anything that is not the schema's JSON."""
    text = _THINK.sub("", output).strip()
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        return []
    try:
        data = json.loads(text[start:end + 1])
    except ValueError:
        log.info("memory extraction: the model's output is not JSON")
        return []
    items = data.get("facts") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return []
    out = []
    for item in items[:MAX_FACTS]:
        if not isinstance(item, dict):
            continue
        fact = item.get("fact")
        topic = item.get("topic")
        if isinstance(fact, str) and fact.strip():
            out.append(Candidate(tidy(fact), topic if topic in TOPICS else "other"))
    return out


def run_model(model: Any, message: str, cancel: "CancelToken", priority: Any) -> Iterator[Any]:
    """Stream the extraction request through the model service (the scheduler)."""
    return model.generate(request(message), cancel, priority=priority, timeout_s=300)
