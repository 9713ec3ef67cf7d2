"""From ratings to a training set: chat-format examples, checked, with their figures.

Supervised examples are the answers rated at least ``min_stars`` (a thumb up counts as
5) and every answer the user corrected, whose target is then the correction. The
preference step gets the same answers as *desirable* and the answers scored 1–2 as
*undesirable* (KTO takes them unpaired, which is how thumbs come).

Each example is ``{"messages": [system, user, assistant, ..., user, assistant]}`` as the
model saw the conversation (the prompt recorded when the answer was rated), so
training matches the prompts the model gets at run time. The check removes
duplicates, empty texts, examples over the token limit and mixed-up roles, and counts
each removal.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from app.core.feedback.ratings import Rating

DEFAULT_MIN_STARS = 4
MAX_EXAMPLE_TOKENS = 1024  # the trainer's context; longer examples are left out, not cut
CHARS_PER_TOKEN = 3.2  # Qwen's tokenizer on mixed RU/EN chat text (measured on the eval set)


def estimate_tokens(text: str) -> int:
    return int(len(text) / CHARS_PER_TOKEN) + 1


@dataclass
class SetStats:
    """How the training set was made: what was selected and what the check removed."""

    rated: int = 0
    selected: int = 0
    corrected: int = 0
    empty: int = 0
    bad_roles: int = 0
    overlong: int = 0
    duplicates: int = 0
    examples: int = 0  # supervised examples kept
    desirable: int = 0
    undesirable: int = 0
    tokens: int = 0  # estimated tokens of the kept supervised examples
    languages: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class TrainingSet:
    examples: list[dict[str, Any]]  # supervised, chat format
    preferences: list[dict[str, Any]]  # {"messages": prompt, "completion", "label": bool}
    stats: SetStats


def prompt_messages(rating: Rating, system_prompt: str = "") -> list[dict[str, str]]:
    """The prompt the rated answer had: the recorded one, else system + question."""
    recorded = rating.context.get("messages") if isinstance(rating.context, Mapping) else None
    if isinstance(recorded, list) and recorded:
        return [{"role": str(m.get("role", "")), "content": str(m.get("content", ""))}
                for m in recorded if isinstance(m, Mapping)]
    msgs = [{"role": "system", "content": system_prompt}] if system_prompt else []
    return msgs + [{"role": "user", "content": rating.question}]


def roles_ok(messages: Sequence[Mapping[str, str]]) -> bool:
    """An optional system message, then user/assistant turns alternating, ending with
    the assistant's."""
    roles = [m.get("role") for m in messages]
    if roles and roles[0] == "system":
        roles = roles[1:]
    if len(roles) < 2 or len(roles) % 2:
        return False
    return all(r == ("user" if i % 2 == 0 else "assistant") for i, r in enumerate(roles))


_SPACE = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip().lower()


def build(ratings: Iterable[Rating], min_stars: int = DEFAULT_MIN_STARS, system_prompt: str = "",
          max_tokens: int = MAX_EXAMPLE_TOKENS) -> TrainingSet:
    """The checked training set made from ``ratings`` (oldest first; a later rating of
    the same question and target wins the duplicate check)."""
    stats = SetStats()
    seen: set[tuple[str, str]] = set()
    candidates: list[tuple[Rating, str, bool]] = []  # rating, completion, desirable
    for r in ratings:
        if not r.rated:
            continue
        stats.rated += 1
        score = r.score
        if r.correction:
            stats.corrected += 1
            candidates.append((r, r.correction, True))
            if (score is not None and score <= 2) or r.thumb == -1:
                candidates.append((r, r.answer, False))
        elif score is not None and score >= min_stars:
            candidates.append((r, r.answer, True))
        elif score is not None and score <= 2:
            candidates.append((r, r.answer, False))
    examples: list[dict[str, Any]] = []
    preferences: list[dict[str, Any]] = []
    for r, completion, desirable in reversed(candidates):  # newest first: the latest duplicate is kept
        stats.selected += 1
        prompt = prompt_messages(r, system_prompt)
        if not completion.strip() or not r.question.strip() or any(
                not m["content"].strip() for m in prompt if m["role"] != "system"):
            stats.empty += 1
            continue
        messages = [*prompt, {"role": "assistant", "content": completion.strip()}]
        if not roles_ok(messages):
            stats.bad_roles += 1
            continue
        tokens = sum(estimate_tokens(m["content"]) + 4 for m in messages)
        if tokens > max_tokens:
            stats.overlong += 1
            continue
        key = (_norm(prompt[-1]["content"]), _norm(completion) + ("+" if desirable else "-"))
        if key in seen:
            stats.duplicates += 1
            continue
        seen.add(key)
        meta = {"rating_id": r.id, "language": r.language}
        preferences.append({"messages": prompt, "completion": completion.strip(), "label": desirable, **meta})
        if desirable:
            examples.append({"messages": messages, **meta})
            stats.tokens += tokens
            stats.languages[r.language] = stats.languages.get(r.language, 0) + 1
    examples.reverse()
    preferences.reverse()
    stats.examples = len(examples)
    stats.desirable = sum(1 for p in preferences if p["label"])
    stats.undesirable = len(preferences) - stats.desirable
    return TrainingSet(examples, preferences, stats)


def write_jsonl(path: Path, items: Iterable[Mapping[str, Any]]) -> Path:
    """Write JSON lines atomically (a crash leaves the old file or none, never half)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for item in items:
                f.write(json.dumps(item, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
