"""Explicit memory commands, recognised without the model.

"Запомни, что …", "remember that …", "забудь …", "forget that …" (and "forget
everything") at the start of a message, after an optional address ("Sova,", «Сова,»)
and "please"/«пожалуйста». The same words inside a sentence ("I always forget my
keys", «Я забыл пароль») or as a question ("Do you remember …?") are not commands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Action = Literal["remember", "forget", "forget_all"]


@dataclass(frozen=True)
class Command:
    action: Action
    fact: str  # what to remember or forget ("" for forget_all)


_LEAD = (r"^\s*(?:(?:sova|сова|hey|эй)\s*[,!:]?\s*)?(?:(?:please|пожалуйста|pls)\s*[,!:]?\s*)?"
         r"(?:(?:i\s+want\s+you\s+to|i'?d\s+like\s+you\s+to|хочу,?\s+чтобы\s+ты|прошу\s+тебя)\s+)?")
_TAIL = r"\s*[,!:]?\s*(?:(?:please|пожалуйста)\s*[,!:]?\s*)?"
_FORGET_ALL = re.compile(
    _LEAD + r"(?:forget\s+(?:everything|all)(?:\s+(?:you\s+know\s+)?about\s+me)?"
    r"|забудь(?:те)?\s+(?:вс[её]|обо\s+мне\s+вс[её]))"
    r"(?:[\s,]+(?:что\s+(?:ты\s+)?знаешь\s+)?(?:обо\s+мне|about\s+me|you\s+know(?:\s+about\s+me)?))?"
    r"(?:[\s,]+(?:пожалуйста|please))?\s*[.!]*\s*$",
    re.IGNORECASE,
)
_REMEMBER = re.compile(
    _LEAD + r"(?:(?:не\s+забудь(?:те)?|запомнил[аи]?|запомни(?:те)?)(?!\w)" + _TAIL + r"(?:(?:то|о\s+том|про\s+то)\s*,?\s*)?(?:что\s+)?"
    r"|(?:don'?t\s+forget|do\s+not\s+forget)(?:\s+that\b|\s*[:,])" + _TAIL + r"(?:that\s+)?"
    r"|remember(?:\s+that\b|\s*[:,]|(?=\s+(?:my|i|i'm|i've|i'd|me|we|our|mine)\b))" + _TAIL
    + r"(?:that\s+)?|(?:please\s+)?note\s+that\s+|keep\s+in\s+mind\s+that\s+|имей\s+в\s+виду,?\s+что\s+)"
    r"(?P<fact>\S.*)$",
    re.IGNORECASE | re.DOTALL,
)
_FORGET = re.compile(
    _LEAD + r"(?:забудь(?:те)?" + _TAIL + r"(?:(?:о\s+том|про\s+то|то)\s*,?\s*)?(?:что\s+|про\s+|об?\s+)?"
    r"|forget" + _TAIL + r"(?:that\s+|about\s+|the\s+fact\s+that\s+)?)"
    r"(?P<fact>\S.*)$",
    re.IGNORECASE | re.DOTALL,
)
# "Forget it" is "never mind"; a pronoun alone names no fact.
_NO_FACT = re.compile(r"^(?:it|this|that|them|об?\s+этом|это|его|её|ее|их)\W*$", re.IGNORECASE)


def parse(text: str) -> Command | None:
    """The memory command a message gives, or None when it gives none."""
    if len(text) > 1000 or "?" in text.strip()[-1:]:
        return None  # a question or a pasted text, not a command
    if _FORGET_ALL.match(text):
        return Command("forget_all", "")
    for action, pattern in (("remember", _REMEMBER), ("forget", _FORGET)):
        m = pattern.match(text)
        if m is None:
            continue
        fact = _tidy(m.group("fact"))
        if not fact or _NO_FACT.match(fact):
            return None
        return Command(action, fact)  # type: ignore[arg-type]
    return None


def _tidy(fact: str) -> str:
    fact = " ".join(fact.split()).strip().rstrip(".!;,").strip()
    fact = fact.strip("\"'«»“”")
    return fact[:1].upper() + fact[1:] if fact else ""


REPLIES: dict[str, dict[str, str]] = {
    "remembered": {"en": "Got it, I'll remember: “{fact}”.", "ru": "Запомнила: «{fact}»."},
    "already": {"en": "I already remember that: “{fact}”.", "ru": "Я это уже помню: «{fact}»."},
    "updated": {"en": "Updated what I remember: “{old}” → “{fact}”.",
                "ru": "Обновила то, что помню: «{old}» → «{fact}»."},
    "forgot": {"en": "Forgotten: {facts}.", "ru": "Забыла: {facts}."},
    "not_found": {"en": "I found nothing like “{fact}” in my memory.",
                  "ru": "Я не нашла в памяти ничего похожего на «{fact}»."},
    "memory_off": {"en": "Memory is off for this persona, so I can't remember or forget anything here.",
                   "ru": "Память для этой персоны выключена, поэтому здесь я ничего не запоминаю и не забываю."},
    "forget_all": {"en": "To erase everything I remember, open Settings → Memory → “Forget everything”; "
                         "I'll ask you to confirm there.",
                   "ru": "Чтобы стереть всё, что я помню, откройте Настройки → Память → «Забыть всё»: "
                         "там я попрошу подтверждение."},
    "failed": {"en": "I could not change my memory: {reason}", "ru": "Не удалось изменить память: {reason}"},
}


def reply(kind: str, lang: str, **params: str) -> str:
    """A fixed reply to a memory command, in the question's language."""
    return REPLIES[kind]["ru" if lang == "ru" else "en"].format(**params)


def quote(text: str, lang: str) -> str:
    return f"«{text}»" if lang == "ru" else f"“{text}”"
