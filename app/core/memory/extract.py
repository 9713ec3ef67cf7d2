"""Automatic extraction: the facts a user states about themselves, from one message.

Two steps. First the model reads only the user's own message (never the assistant's
turns or the system prompt, so neither can become a "fact about the user") and answers
with JSON constrained by a schema (a llama.cpp grammar), at most ``MAX_FACTS`` short
first-person facts with a topic each. Then a check without the model drops what should
not be stored:

- text no model should emit as memory (``<think>``, code, questions, overlong);
- facts not grounded in the message (no distinctive word of the fact is in it: the
  model's examples, guesses, the assistant's claims);
- facts read from a hypothetical or a question (the sentence they come from);
- passing states (today, right now, tired);
- facts the user deleted before, and duplicates of facts already stored;

and turns a refinement or a correction into an update of the older fact (same topic,
for topics with one value such as a name, a city or a job; same topic and close in
meaning for the others), which keeps the old text in the fact's history.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from app.core.llm.base import ChatRequest, GenerationOptions
from app.core.memory.store import TOPICS, Fact, MemoryStore, normalise

if TYPE_CHECKING:
    from app.core.types import CancelToken

log = logging.getLogger(__name__)

MAX_FACTS = 3
MAX_FACT_CHARS = 160
# Topics a person has one value of: a new fact of the topic replaces the old one.
SINGLE = frozenset({"name", "age", "profession", "workplace", "location", "education"})
# Same topic and at least this close (e5): a refinement of a fact of a many-valued topic.
REFINE = 0.9
# This close: the same fact again (a paraphrase) when it brings no new word.
DUPLICATE = 0.97

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
    "message), as briefly as possible. Return at most 3 facts, and an empty list when there are none."
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
)


@dataclass(frozen=True)
class Candidate:
    """A fact the model proposed."""

    text: str
    topic: str


@dataclass(frozen=True)
class Decision:
    """What to do with one candidate: ``add``, ``supersede`` (``target``) or ``drop`` (``reason``)."""

    action: str
    text: str
    topic: str
    reason: str = ""
    target: Fact | None = None


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


def corrects(message: str) -> bool:
    """Whether a message reads as a correction or an update of something said before."""
    return bool(_CORRECTION.search(message))


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
    content = f"Notes:\n{notes}\n\nUser's message: «{message[:2000]}»"
    return ChatRequest(({"role": "system", "content": _CORRECT_SYSTEM}, {"role": "user", "content": content}),
                       GenerationOptions(temperature=0.0, max_tokens=120, seed=7, json_schema=schema_))


def correction(output: str, message: str, known: Sequence[Fact]) -> Decision | None:
    """The supersede decision in the model's answer to ``correction_request``, when the
    corrected text passes the same check as any extracted fact."""
    try:
        data = json.loads(_THINK.sub("", output).strip())
        n, text = int(data.get("note", 0)), " ".join(str(data.get("now", "")).split())
    except (ValueError, AttributeError, TypeError):
        return None
    if not 1 <= n <= len(known) or not text:
        return None
    target = known[n - 1]
    if normalise(text) == normalise(target.text) or check(Candidate(text, target.topic), message):
        return None
    return Decision("supersede", text, target.topic, "", target)


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
            out.append(Candidate(" ".join(fact.split()), topic if topic in TOPICS else "other"))
    return out


# ---- the check without the model ---------------------------------------------------------

# Words every fact may share with any message: they ground nothing.
_GENERIC = frozenset("""
i me my mine am is are was be been have has had do does the a an and or of to in on at for with as
user users name named called work works working like likes love loves live lives
я мне меня мой моя мое моё мои у есть это и в на с по для как что зовут зов работа работаю работ
люблю любл нрав живу жив пользовател
""".split())
_HYPOTHETICAL = re.compile(
    r"\b(?:if\s+i\s+(?:were|was|had|could|became)|imagine|suppose|pretend|what\s+if|let'?s\s+say|in\s+my\s+dreams?)\b"
    r"|(?<!\w)(?:если\s+бы|представ\w*|допустим|предполож\w*|как\s+будто|вообрази\w*|мечта\w*)(?!\w)",
    re.IGNORECASE)
_PASSING = re.compile(
    r"\b(?:today|tonight|right\s+now|at\s+the\s+moment|this\s+morning|yesterday|tired|hungry|sleepy|bored)\b"
    r"|\b(?:this\s+week|(?:the\s+)?(?:last|past)\s+(?:few|couple\s+of|\w+)\s+days)\b"
    r"|(?<!\w)(?:сегодня|сейчас|вчера|утром|устал\w*|голод\w*|хочу\s+спать|скучно|на\s+этой\s+неделе"
    r"|последн\w*\s+(?:\w+\s+)?(?:дн\w*|дня|недел\w*))(?!\w)",
    re.IGNORECASE)
# Facts are written in the first person ("I …", «Я …», "My wife …", «У меня …», "We …");
# one without is a fragment or about someone else ("Сочи", «Барсик ему восемь лет»).
_FIRST_PERSON = re.compile(
    r"\b(?:i|i'm|i've|i'd|i'll|me|my|mine|we|we're|our|us)\b"
    r"|(?<!\w)(?:я|мне|меня|мной|мой|моя|моё|мое|мои|моего|моей|моих|мы|нас|нам|наш\w*)(?!\w)",
    re.IGNORECASE)
# Words that mark a correction of something said before: the new fact replaces the
# closest one of its topic even for topics with many values (diet, allergies, pets).
_CORRECTION = re.compile(
    r"\b(?:actually|correction|correct\s+that|i\s+meant|not\s+\w+\s+anymore|no\s+longer|any\s*more|"
    r"typo|mistake|got\s+(?:it|that)\s+wrong|instead|changed|switched|moved|now)\b"
    r"|(?<!\w)(?:поправ\w*|ошиб\w*|оговорил\w*|на\s+самом\s+деле|уже\s+не|больше\s+не|вместо|теперь|"
    r"перешл\w*|перешёл|перешел|переехал\w*|поменял\w*|сменил\w*|не\s+\w+,\s+а)(?!\w)",
    re.IGNORECASE)
# A wish is not a fact yet ("I want to learn the piano", «Хочу научиться готовить»);
# a plan with a date is (topic "plan", kept).
_WISH = re.compile(
    r"^\W*(?:i\s+(?:want|wish|would\s+like|'d\s+like|hope|plan|am\s+thinking|'m\s+thinking|might|may)\b"
    r"|i'?m\s+(?:thinking|hoping|considering)\b"
    r"|(?:я\s+)?(?:хочу|хотел\w*|мечтаю|думаю|подумываю|планирую|собираюсь)(?!\w))",
    re.IGNORECASE)
# How close a corrected fact must be to the one it replaces (same topic).
CORRECTS = 0.8
# A fact about someone the user knows, not about the user ("My flatmate is a chef").
# Family members and pets are the user's own facts ("My wife is Anna").
_OTHER = re.compile(
    r"^\W*(?:my|our|мо[йяеёи]|наш\w*)\s+(?:\w+\s+)?(?:boss|colleague|co-?worker|friend|flatmate|room-?mate|housemate|"
    r"neighbou?r|manager|teacher|buddy|classmate|coach|landlord|client|коллег\w*|друг\w*|друз\w*|подруг\w*|"
    r"знаком\w*|сосед\w*|начальни\w*|шеф\w*|руководител\w*|однокурсни\w*|одноклассни\w*|приятел\w*|"
    r"клиент\w*|тренер\w*|арендодател\w*)(?!\w)"
    r"|^\W*(?:у\s+меня\s+)?(?:коллег\w*|друг\w*|подруг\w*|знаком\w*|сосед\w*|начальни\w*)(?!\w)",
    re.IGNORECASE)
_THIRD = re.compile(r"^\W*(?:he|she|they|it|his|her|their|он|она|они|оно|его|её|ее|их)(?!\w)", re.IGNORECASE)
_NOT_PROSE = re.compile(r"[{}<>`]|https?://")
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")


def _stems(text: str) -> set[str]:
    from app.core.rag.lexical import stems

    return {s for s in stems(text) if len(s) >= 2}


def _distinctive(text: str) -> set[str]:
    return {s for s in _stems(text) if s not in _GENERIC and (len(s) >= 3 or s.isdigit())}


def statements(message: str) -> str:
    """The sentences of ``message`` that may state a fact about the user: in the first
    person, not questions, hypotheticals or about someone else."""
    keep = [s.strip() for s in _SENTENCE.split(message)
            if s.strip() and not s.strip().endswith("?") and _FIRST_PERSON.search(s)
            and not _HYPOTHETICAL.search(s) and not _OTHER.search(s)]
    return " ".join(keep)


def source_sentence(fact: str, message: str) -> str:
    """The sentence of ``message`` sharing the most distinctive words with ``fact``."""
    words = _distinctive(fact)
    sentences = [s for s in _SENTENCE.split(message) if s.strip()] or [message]
    return max(sentences, key=lambda s: len(words & _stems(s)))


def check(candidate: Candidate, message: str) -> str:
    """Why a candidate must be dropped whatever is stored ("" when it may be kept)."""
    text = candidate.text
    if len(text) > MAX_FACT_CHARS or len(text) < 2:
        return "length"
    if _NOT_PROSE.search(text) or text.rstrip().endswith("?"):
        return "not_a_statement"
    words = _distinctive(text)
    if not words or not words & _stems(message):
        return "ungrounded"
    if _OTHER.search(text) or _THIRD.search(text):
        return "other_person"
    if not _FIRST_PERSON.search(text):
        return "not_first_person"
    if _WISH.search(text) and candidate.topic != "plan":
        return "wish"
    sentence = source_sentence(text, message)
    if _OTHER.search(sentence):
        return "other_person"
    if _HYPOTHETICAL.search(sentence):
        return "hypothetical"
    if sentence.rstrip().endswith("?"):
        # "I'm a nurse, how do I sleep by day?" states a fact before its question.
        clauses = [c for c in re.split(r"[,;:—–]|\s-\s", sentence) if c.strip()]
        best = max(range(len(clauses)), key=lambda i: len(words & _stems(clauses[i])))
        if best == len(clauses) - 1:
            return "question"
    if candidate.topic != "plan" and (_PASSING.search(text) or _PASSING.search(sentence) and
                                      candidate.topic in ("other", "health")):
        return "passing"
    return ""


def decide(candidates: Sequence[Candidate], message: str, store: MemoryStore, scope: str) -> list[Decision]:
    """What to do with each candidate against the facts of ``scope`` (nothing is written)."""
    out: list[Decision] = []
    taken: list[str] = []
    for c in candidates:
        reason = check(c, message)
        if not reason and store.forgotten(c.text):
            reason = "forgotten"
        if not reason and any(normalise(c.text) == normalise(t) for t in taken):
            reason = "duplicate"
        if reason:
            out.append(Decision("drop", c.text, c.topic, reason))
            continue
        similar = store.similar(c.text, scope, limit=8)
        decision = Decision("add", c.text, c.topic)
        new_words = _stems(c.text)
        for r in similar:
            old_words = _stems(r.fact.text)
            if new_words <= old_words or r.score >= DUPLICATE and not new_words - old_words - _GENERIC:
                decision = Decision("drop", c.text, c.topic, "duplicate", r.fact)
                break
        if decision.action == "add":
            same_topic = [r for r in similar if r.fact.topic == c.topic]
            corrects = _CORRECTION.search(source_sentence(c.text, message))
            if c.topic in SINGLE and same_topic:
                decision = Decision("supersede", c.text, c.topic, "", same_topic[0].fact)
            elif same_topic and (same_topic[0].score >= REFINE or corrects and same_topic[0].score >= CORRECTS):
                decision = Decision("supersede", c.text, c.topic, "", same_topic[0].fact)
        out.append(decision)
        taken.append(c.text)
    return out


def run_model(model: Any, message: str, cancel: "CancelToken", priority: Any) -> Iterator[Any]:
    """Stream the extraction request through the model service (the scheduler)."""
    return model.generate(request(message), cancel, priority=priority, timeout_s=300)
