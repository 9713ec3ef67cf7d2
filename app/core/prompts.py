"""How Sova's prompts are put together: system prompt, numbered sources, history."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Sequence

from app.core import language
from app.core.language import Language
from app.core.llm.base import ImagePart, TextPart
from app.core.types import Citation, Message, MessageStatus, Role

_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_FOOTNOTE = re.compile(r"\[\d+\]")


def is_russian(text: str) -> bool:
    """True when the text is mostly Cyrillic (decides the language of fixed replies)."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(bool(_CYRILLIC.match(c)) for c in letters) > len(letters) / 3


def sources_block(citations: Sequence[Citation]) -> str:
    """The numbered passages as the model sees them."""
    parts = []
    for c in citations:
        where = c.path.rsplit("/", 1)[-1]
        if c.page:
            where += f", page {c.page}"
        if c.heading:
            where += f", {c.heading}"
        # Footnote marks in the document ("risk![1]") would read as citations.
        parts.append(f"[{c.n}] ({where})\n{_FOOTNOTE.sub('', c.text).strip()}")
    return "\n\n".join(parts)


# What the model is told about the answer's language, in that language: a 1.5B model
# follows an instruction written in the language it should answer in far more often.
_LANGUAGE_RULE = {
    "en": "Always answer in English.",
    "ru": "Всегда отвечай на русском языке.",
}
# How an answer says the documents do not have it (recognised by refusal()).
NOT_IN_DOCUMENTS = {
    "en": "The documents do not contain this.",
    "ru": "В документах этого нет.",
}
# The documents task comes after the passages and the question: small models follow
# what comes last.
# Asked to "reply only: <refusal>" when the passages do not answer, the 1.5B model
# refused most answerable questions of the dev part, wherever the rule stood; questions
# the documents cannot answer are mostly turned away before the model (grounding.py),
# so the model is only asked to say so in its own words. The task is in English for
# both languages (given Russian instructions, the model repeated them as its answer),
# names the answer's language, and the question comes last, where the answer begins.
_DOCUMENTS_TASK = (
    "Answer the question below from these passages, in {language}, in one to three sentences. After each "
    "sentence write the number of the passage it comes from, like [1]. If the passages do not answer the "
    "question, say that the documents do not contain the answer."
)
# For a model that answered with markers only (the 0.5B model does): no marker rule;
# the citation hook attaches them afterwards.
_DOCUMENTS_TASK_PLAIN = (
    "Answer the question below from these passages, in {language}, in one to three sentences. If the "
    "passages do not answer the question, say that the documents do not contain the answer."
)
_LANGUAGE_NAME = {"en": "English", "ru": "Russian"}
_FOREIGN_SOURCES = "Some passages are in another language: answer in {language} anyway."
_INSIST = {
    "en": "Important: write the whole answer in English.",
    "ru": "Важно: весь ответ напиши на русском языке, не на английском.",
}
# After an answer that only repeated the question (the 1.5B model does so now and then,
# continuing the "Question:" line it was given): said after the question, last.
_NO_ECHO = "Do not repeat the question: answer it."
_HEADINGS = {"en": ("Passages from the user's documents", "Question"),
             "ru": ("Passages from the user's documents", "Вопрос")}


def language_rule(lang: Language) -> str:
    """The system-prompt line that fixes the answer's language."""
    return _LANGUAGE_RULE[lang]


def documents_turn(question: str, citations: Sequence[Citation], lang: Language, cite: bool = True,
                   echo: bool = False) -> str:
    """The last user turn when documents are on: the passages, the task, the question
    (``cite``: the task asks for [n] markers; ``echo``: the last answer repeated the
    question, so the turn ends by asking not to)."""
    sources, q = _HEADINGS[lang]
    task = (_DOCUMENTS_TASK if cite else _DOCUMENTS_TASK_PLAIN).format(language=_LANGUAGE_NAME[lang])
    if any(language.detect(c.text) not in (lang, None) for c in citations):
        task += " " + _FOREIGN_SOURCES.format(language=_LANGUAGE_NAME[lang])
    turn = f"{sources}:\n\n{sources_block(citations)}\n\n{task}\n\n{q}: {question.strip()}"
    return f"{turn}\n\n{_NO_ECHO}" if echo else turn


# The question when the user sent a picture without words.
_ABOUT_PICTURE = {"en": "What is in this picture?", "ru": "Что на этой картинке?"}


def build_messages(
    system_prompt: str,
    history: Sequence[Message],
    citations: Sequence[Citation] = (),
    lang: Language | None = None,
    insist: bool = False,
    cite: bool = True,
    echo: bool = False,
    picture_file: Callable[[dict[str, Any]], Path] | None = None,
) -> list[dict[str, Any]]:
    """Chat messages for the model: system prompt, then the history, whose last user
    turn carries the numbered sources and the task when there are citations.

    ``lang`` fixes the answer's language (default: the last question's); ``insist``
    repeats the language rule at the very end (after an answer in another language);
    ``cite`` False leaves the marker rule out (after an answer of markers only); ``echo``
    asks not to repeat the question (after an answer that did). ``picture_file`` (the
    stored file of a picture record) is given when the model sees images: the last
    question then carries its pictures as parts after its text. Empty interrupted
    answers are dropped: they carry nothing for the model.
    """
    msgs = [m for m in history if m.role != Role.SYSTEM
            and not (m.role == Role.ASSISTANT and m.status != MessageStatus.COMPLETE and not m.content.strip())]
    last_user = max((i for i, m in enumerate(msgs) if m.role == Role.USER), default=None)
    if lang is None:
        lang = language.answer_language(msgs[last_user].content if last_user is not None else "")
    system = system_prompt.strip()
    system = f"{system}\n\n{language_rule(lang)}" if system else language_rule(lang)
    out = [{"role": "system", "content": system}]
    for i, m in enumerate(msgs):
        content = m.content
        pictures = [str(r.get("description", "")) for r in (m.details or {}).get("images", []) if m.role == Role.USER]
        if any(pictures):
            # The pictures as the model can see them: what was read from each, then the words.
            content = "\n\n".join([*(d for d in pictures if d), content.strip() or _ABOUT_PICTURE[lang]])
        if i == last_user and citations:
            content = documents_turn(content, citations, lang, cite, echo)
        if i == last_user and insist:
            content = f"{content}\n\n{_INSIST[lang]}"
        records = (m.details or {}).get("images", []) if i == last_user and picture_file is not None else []
        files = [(picture_file(r), r) for r in records if "error" not in r]
        if files:
            out.append({"role": str(m.role), "content": [TextPart(content), *(
                ImagePart(str(f), _MIME.get(str(r.get("format", "")).upper(), "image/png")) for f, r in files)]})
        else:
            out.append({"role": str(m.role), "content": content})
    return out


_MIME = {"PNG": "image/png", "JPEG": "image/jpeg", "MPO": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif",
         "BMP": "image/bmp", "TIFF": "image/tiff"}


def refusal(text: str) -> bool:
    """Whether an answer is the "not in the documents" reply (or says so in its words)."""
    t = text.strip().lower().replace("ё", "е")
    return any(v.lower().replace("ё", "е").rstrip(".") in t for v in NOT_IN_DOCUMENTS.values()) or bool(
        _REFUSAL.search(t))


_REFUSAL = re.compile(
    r"(?:documents|sources|passages) (?:do not|don't|does not) (?:contain|mention|say|cover|answer)"
    r"|(?:в|из) (?:\w+ )?(?:документ\w*|источник\w*|отрывк\w*)(?: \w+)? (?:нет|не )"
    r"|(?:документ\w*|источник\w*|отрывк\w*) не (?:содерж|упомина|говор|отвеча)"
)


def nothing_found(question: str, missing: Sequence[str] = (), lang: Language | None = None) -> str:
    """The reply when documents are on but no passage can answer; names the question's
    terms the documents never mention, when there are such."""
    lang = lang or language.answer_language(question)
    terms = ", ".join(f"«{t}»" if lang == "ru" else f"“{t}”" for t in missing[:3])
    if lang == "ru":
        if terms:
            return f"В ваших документах нет ни слова о {terms}, поэтому я не буду выдумывать ответ."
        return "В ваших документах не нашлось ничего по этому вопросу, поэтому я не буду выдумывать ответ."
    if terms:
        return f"Your documents never mention {terms}, so I won't guess an answer."
    return "I could not find anything about this in your documents, so I won't guess an answer."


_QUESTION_LABEL = re.compile(r"^\W*(?:question|вопрос)\s*:", re.IGNORECASE)
_ECHO_WORD = re.compile(r"\w+", re.UNICODE)


def echoes(text: str, question: str) -> bool:
    """An answer that only repeats the question: it starts with a "Question:" label, or
    every word of it is one of the question's (markers and punctuation aside)."""
    if _QUESTION_LABEL.match(text):
        return True
    words = [w.lower() for w in _ECHO_WORD.findall(re.sub(r"\[\d+\]", " ", text))]
    asked = {w.lower() for w in _ECHO_WORD.findall(question)}
    return len(words) >= 3 and all(w in asked for w in words)


_ANSWER_LABEL = re.compile(r"^\W*(?:answer|ответ)\s*:\s*", re.IGNORECASE)


def strip_echo(text: str, question: str) -> str:
    """The answer without the repeated question before it ("Вопрос: …? Ответ: …"); the
    text itself when nothing but the echo is there."""
    if not _QUESTION_LABEL.match(text):
        return text
    asked = {w.lower() for w in _ECHO_WORD.findall(question)}

    def echo_line(line: str) -> bool:
        words = _ECHO_WORD.findall(_QUESTION_LABEL.sub(" ", re.sub(r"\[\d+\]", " ", line)))
        return all(w.lower() in asked for w in words)  # blank lines too

    lines = text.split("\n")
    k = 0
    while k < len(lines) and echo_line(lines[k]):
        k += 1
    rest = _ANSWER_LABEL.sub("", "\n".join(lines[k:]).strip())
    return rest or text


def markers_only(text: str) -> bool:
    """An answer with no words, only citation markers and punctuation ("[1]. [2]")."""
    return bool(text.strip()) and not re.sub(r"\[\d+\]|[\W_]", "", text)
