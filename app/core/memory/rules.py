"""The check without the model: which candidate facts to keep, and what to do with them.

The model proposes; these rules decide, so a small model's mistakes cost little:

- text no model should emit as memory (``<think>``, code, questions, overlong, vague);
- facts not grounded in the message (no distinctive word of the fact is in it: the
  model's examples, guesses, the assistant's claims);
- facts about someone else, or read from a hypothetical, a question or a request;
- passing states (today, right now, tired) and wishes;
- facts the user deleted before, and duplicates of facts already stored;

and a refinement or a correction becomes an update of the older fact (same topic, for
topics with one value such as a name, a city or a job; same topic and close in meaning
for the others), which keeps the old text in the fact's history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Collection, Iterable, Sequence

from app.core.memory.store import Fact, MemoryStore, normalise

MAX_FACT_CHARS = 160
# Topics a person has one value of: a new fact of the topic replaces the old one.
SINGLE = frozenset({"name", "age", "profession", "workplace", "location", "education"})
# Same topic and at least this close (e5): a refinement of a fact of a many-valued topic.
REFINE = 0.9
# This close: the same fact again (a paraphrase) when it brings no new word.
DUPLICATE = 0.97



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


# Words every fact may share with any message: they ground nothing.
_GENERIC = frozenset("""
i me my mine am is are was be been have has had do does the a an and or of to in on at for with as
user users name named called work works working like likes love loves live lives
я мне меня мой моя мое моё мои у есть это и в на с по для как что зовут зов работа работаю работ
люблю любл нрав живу жив пользовател
one first it its this that these those so also too very really just still already
один одна одно перв это этот эта тот та так тоже также очень ещё еще просто
""".split())
_HYPOTHETICAL = re.compile(
    r"\b(?:if\s+i\s+(?:were|was|had|could|became)|imagine|suppose|pretend|what\s+if|let'?s\s+say|in\s+my\s+dreams?)\b"
    r"|(?<!\w)(?:если\s+бы|представ\w*|допустим|предполож\w*|как\s+будто|вообрази\w*|мечта\w*)(?!\w)",
    re.IGNORECASE)
_PASSING = re.compile(
    r"\b(?:today|tonight|right\s+now|at\s+the\s+moment|this\s+morning|yesterday|tired|hungry|sleepy|bored)\b"
    r"|\b(?:this\s+week|(?:the\s+)?(?:last|past)\s+(?:few|couple\s+of|\w+)\s+days)\b"
    r"|\b(?:just\s+(?:now|had|ate)|feel\s+like|in\s+the\s+mood)\b"
    r"|(?<!\w)(?:только\s+что|хочется|настроени\w*)(?!\w)"
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
# A request ("Suggest a film", «Посоветуй рецепт») states nothing about the user: a
# fact read from one is the model's guess.
_REQUEST = re.compile(
    r"^\W*(?:(?:can|could|would|will)\s+you|please|suggest|recommend|tell|explain|help|give|write|list|show|"
    r"посоветуй\w*|подскаж\w*|расскаж\w*|объясни\w*|помоги\w*|составь\w*|дай\w*|назови\w*|напиши\w*|"
    r"предложи\w*|порекомендуй\w*|покажи\w*)(?!\w)",
    re.IGNORECASE)
# A Russian statement often drops the pronoun («В июле едем в Сочи»): first-person verb
# forms of the commonest verbs count as first person (present and future only: a past
# form such as «купил» is the same for "he").
_RU_FIRST_VERB = re.compile(
    r"(?<!\w)(?:еду|едем|лечу|летим|иду|идём|идем|живу|живём|живем|работаю|работаем|учусь|учимся|"
    r"переезжаю|переезжаем|люблю|любим|хожу|ходим|играю|играем|занимаюсь|занимаемся|увлекаюсь|"
    r"собираюсь|собираемся|планирую|планируем|говорю|растим|воспитываю|держим|держу)(?!\w)",
    re.IGNORECASE)
# A plan needs a date to be kept ("this spring" is a wish; "on May 10th" a plan).
_DATED = re.compile(
    r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\b|(?<!\w)(?:январ|феврал|март|апрел|ма[йяе]|"
    r"июн|июл|август|сентябр|октябр|ноябр|декабр)\w*",
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
# Someone else is the subject: a pronoun, or an indefinite "A guy in my office …".
_THIRD = re.compile(r"^\W*(?:he|she|they|it|his|her|their|a|an|the|some|someone|somebody|"
                    r"он|она|они|оно|его|её|ее|их|один|одна|какой-то|какая-то|кто-то|некий|некая)(?!\w)",
                    re.IGNORECASE)
_NOT_PROSE = re.compile(r"[{}<>`]|https?://")
# A fact must stand on its own later: "there" or «там» points into a conversation that is gone.
_DEICTIC = re.compile(r"\b(?:there|here)\b|(?<!\w)(?:там|тут|здесь|туда|сюда)(?!\w)", re.IGNORECASE)
_LATIN = re.compile(r"^\W*[A-Za-z]")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# Clauses of a sentence; "…, while I was reading" stays with the clause it qualifies.
_CLAUSE = re.compile(r"[;:—–]|,(?!\s*(?:пока|когда|while|when)(?!\w))|\s-\s|\s(?:а|но|but)\s", re.IGNORECASE)
# Sentences; an emoji before a capital letter ends one too («… 😅 А почему …?»).
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+|(?<=[\U0001F300-\U0001FAFF\u2600-\u27BF])\s+(?=[A-ZА-ЯЁ])")


def _stems(text: str) -> set[str]:
    from app.core.rag.lexical import stems

    return {s for s in stems(text) if len(s) >= 2}


def _distinctive(text: str) -> set[str]:
    return {s for s in _stems(text) if s not in _GENERIC and (len(s) >= 3 or s.isdigit())}


# The introduction's words in any case, then a capitalised name not followed by more
# lowercase words ("Hi, I'm Priya and …", but not "Hi, I'm Sorry to bother you").
_NAME = re.compile(
    r"(?i:\b(?:my\s+name\s+is|call\s+me|(?:hi|hello|hey)(?:\s+there)?,?\s+i'?\s*a?m))\s+([A-Z][a-z]+)\b"
    r"(?![ \t]+(?!and\b)[a-z])"
    r"|(?i:(?<!\w)(?:меня\s+зовут|(?:привет|здравствуй\w*|добрый\s+\w+),?\s+я))\s+([А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?)(?![\w-])"
    r"(?![ \t]+(?!и(?!\w))[а-яё])")


def introduced_name(message: str) -> Candidate | None:
    """The name in an introduction ("Hi, I'm Priya.", «Меня зовут Андрей»), read without
    the model: the small model sometimes lists the rest of an introduction and not it."""
    m = _NAME.search(message)
    if not m:
        return None
    if m.group(1):
        return Candidate(f"My name is {m.group(1)}", "name")
    return Candidate(f"Меня зовут {m.group(2)}", "name")


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


def check(candidate: Candidate, message: str, own_names: Collection[str] = ()) -> str:
    """Why a candidate must be dropped whatever is stored ("" when it may be kept).
    ``own_names``: names in the user's stored facts (their pet, their child): a fact
    about one of them is a fact about the user ("Rocky is a retriever")."""
    text = candidate.text
    if len(text) > MAX_FACT_CHARS or len(text) < 2:
        return "length"
    if _NOT_PROSE.search(text) or text.rstrip().endswith("?"):
        return "not_a_statement"
    if _DEICTIC.search(text):
        return "vague"
    words = _distinctive(text)
    if not words or not words & _stems(message):
        return "ungrounded"
    if _OTHER.search(text) or _THIRD.search(text):
        return "other_person"
    if not _FIRST_PERSON.search(text) and not _RU_FIRST_VERB.search(text):
        first = _WORD.search(text)
        if not (first and first.group(0).lower() in own_names):
            return "not_first_person"
    if _WISH.search(text) and not (candidate.topic == "plan" and _DATED.search(text)):
        return "wish"
    sentence = source_sentence(text, message)
    if _OTHER.search(sentence):
        return "other_person"
    if _REQUEST.search(sentence):
        return "request"
    if _HYPOTHETICAL.search(sentence):
        return "hypothetical"
    clauses = [c for c in _CLAUSE.split(sentence) if c and c.strip()] or [sentence]
    best = max(range(len(clauses)), key=lambda i: len(words & _stems(clauses[i])))
    # "I'm a nurse, how do I sleep by day?" states a fact before its question.
    if sentence.rstrip().endswith("?") and best == len(clauses) - 1:
        return "question"
    # English states its subject: a fact read from a sentence where the user does not
    # speak of themselves ("Vindaloo sounds great" -> "I like vindaloo") is a guess.
    # Russian often drops the pronoun, so there the fact's own check must do. A
    # correction names what it corrects ("Correction: Nibbles is a gerbil").
    if _LATIN.match(text) and not _FIRST_PERSON.search(sentence) and not _CORRECTION.search(sentence):
        return "not_stated"
    # "Today I ate three doughnuts" is passing; "I have a cat, for two days he hasn't
    # eaten" is not: the clause the fact comes from decides. A name, a job or a city
    # stays true whatever day it is said ("Since today I live in Kazan").
    if candidate.topic != "plan" and (_PASSING.search(text) or _PASSING.search(clauses[best]) and
                                      candidate.topic not in SINGLE):
        return "passing"
    return ""


def decide(candidates: Sequence[Candidate], message: str, store: MemoryStore, scope: str) -> list[Decision]:
    """What to do with each candidate against the facts of ``scope`` (nothing is written)."""
    out: list[Decision] = []
    taken: list[str] = []
    for c in candidates:
        reason = check(c, message)
        if reason == "not_first_person":
            reason = check(c, message, own_names(r.fact.text for r in store.similar(c.text, scope, limit=3)))
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
        if decision.action == "supersede":
            # Two facts of one message replace the same fact: the one that keeps more of
            # what is still true of it («Рокки не лабрадор, а ретривер» keeps the name).
            target = decision.target
            for i, d in enumerate(out):
                if d.action == "supersede" and target is not None and d.target is not None \
                        and d.target.id == target.id:
                    keep = _distinctive(target.text)
                    if len(_distinctive(c.text) & keep) > len(_distinctive(d.text) & keep):
                        out[i] = Decision("drop", d.text, d.topic, "duplicate", target)
                    else:
                        decision = Decision("drop", c.text, c.topic, "duplicate", target)
                    break
        out.append(decision)
        taken.append(c.text)
    return out


def own_names(facts: Iterable[str]) -> set[str]:
    """Lowercased names (capitalised words after the first) in first-person facts that
    are not about someone else ("My colleague Ivan")."""
    out: set[str] = set()
    for text in facts:
        if _FIRST_PERSON.search(text) and not _OTHER.search(text):
            out |= {w.lower() for w in _WORD.findall(text)[1:] if w[:1].isupper() and len(w) > 1}
    return out


def drop_restated(decisions: Sequence[Decision]) -> list[Decision]:
    """Drop the adds that only restate what a correction of the same message replaced
    ("I left Yandex", «Я уже не джун»): the superseded fact's history keeps it."""
    removed = {i: _distinctive(d.target.text) - _distinctive(d.text)
               for i, d in enumerate(decisions) if d.action == "supersede" and d.target is not None}

    def restates(i: int, d: Decision) -> bool:
        words = _distinctive(d.text)
        return d.action != "drop" and any(words & r for j, r in removed.items() if j != i)

    return [Decision("drop", d.text, d.topic, "restated") if restates(i, d) else d for i, d in enumerate(decisions)]


def corrects(message: str) -> bool:
    """Whether a message reads as a correction or an update of something said before."""
    return bool(_CORRECTION.search(message))
