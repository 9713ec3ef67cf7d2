"""Citation markers for answers that forgot them.

Small local models often answer from the numbered sources without writing [n] (the
bundled 0.5B model answers "Как произносится слово Debian?" with just "Дебиан"). Once
an answer is complete and cites nothing, each sentence gets the marker of the source it
shares the most word stems with; a sentence that shares too little with every source
stays unmarked. So a marker only ever points at a passage containing the sentence's
words, and the user can check it with one click.
"""

from __future__ import annotations

import re
from typing import Sequence

from app.core.types import Citation

_WORD = re.compile(r"\w+", re.UNICODE)
_MARK = re.compile(r"\[\d+\]")
# A sentence: text up to its end punctuation (or a line end).
_SENTENCE = re.compile(r"[^.!?\n]*[^\s.!?\n][^.!?\n]*[.!?…]*", re.UNICODE)
STEM = 5  # characters: a crude stem that matches Russian and English inflections
# Frequent words that say nothing about which passage a sentence came from.
_STOP = frozenset(
    "this that with from have what which about there their these those your will would could should "
    "does into also been were when than then only they them such some more most other just like very "
    "это этот эта эти того чтобы только который которые можно если когда более может является также "
    "была были было будет есть всех всего очень".split()
)


def _stems(text: str) -> set[str]:
    return {w.lower()[:STEM] for w in _WORD.findall(text)
            if len(w) >= 4 and not w.isdigit() and w.lower() not in _STOP}


def add_missing_citations(answer: str, citations: Sequence[Citation]) -> str:
    """The answer with [n] after each sentence a source supports, if it cites none itself.

    Answers that already cite something, or that have code blocks, are returned as is.
    """
    if not citations or not answer.strip() or _MARK.search(answer) or "```" in answer:
        return answer
    sources = [(c.n, _stems(f"{c.heading} {c.text}")) for c in citations]
    out: list[str] = []
    pos = 0
    for m in _SENTENCE.finditer(answer):
        words = _stems(m.group(0))
        if not words:
            continue
        n, shared = max(((n, len(words & s)) for n, s in sources), key=lambda t: (t[1], -t[0]))
        if shared < (1 if len(words) <= 3 else 2):
            continue
        sentence = m.group(0)
        body = sentence.rstrip(".!?…")
        end = m.start() + len(body)
        out.append(answer[pos:end] + f" [{n}]")
        pos = end
    out.append(answer[pos:])
    return "".join(out)


__all__ = ["add_missing_citations"]
