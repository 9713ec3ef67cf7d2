"""A picture as the text model sees it: a structured description of what was read from
it (its text, what it seems to show, plain facts), and the same for the answer's details.

The labels are the classifier's guesses at or above ``LABEL_MIN`` (three at most).
Measured on the 8 labelled photos (tests/data/images/labels.jsonl): at 0.15 a right
label is among those shown for 7 of 8 and 11 of the 14 shown are right; at 0.10 two
more wrong ones come in (16 shown, 11 right); at 0.20 the right label disappears for
two more photos (6 of 8). On a picture that is mostly text (``TEXT_WORDS`` words or
more) the classifier names the paper, not the content ("menu", "crossword puzzle",
"maze"), so its labels are left out unless it is very sure.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from app.core.images.facts import Facts, facts
from app.core.images.labels import Label
from app.core.images.text import ImageText
from app.core.types import CancelToken, SovaError

if TYPE_CHECKING:
    from app.core.images.labels import Classifier
    from app.core.images.reading import Picture

LABEL_MIN = 0.15
LABEL_SURE = 0.5  # what a label needs on a picture that is mostly text
TEXT_WORDS = 20
MAX_TEXT_CHARS = 6000  # the picture's text given to the model (a dense page is ~3000)


@dataclass(frozen=True)
class ImageDescription:
    """What Sova read from one picture."""

    name: str  # the file's name, as the user gave it
    facts: Facts
    text: str = ""
    text_confidence: float = 0.0
    labels: list[Label] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # parts that could not run: "text" | "labels"

    def for_model(self) -> str:
        """The description the language model gets, in place of the picture."""
        f = self.facts
        lines = [f"[Picture: {self.name}, {f.width} x {f.height} {f.format}"
                 + (f", {f.frames} frames" if f.frames > 1 else "") + "]"]
        if self.labels:
            lines.append("What it seems to show (an image classifier's guesses, with probabilities): "
                         + "; ".join(_guesses(self.labels)))
        if self.text:
            text = self.text if len(self.text) <= MAX_TEXT_CHARS else self.text[:MAX_TEXT_CHARS] + " [...]"
            lines.append("Text in the picture (read by OCR):\n\"\"\"\n" + text + "\n\"\"\"")
        elif "text" not in self.missing:
            lines.append("Text in the picture: none found.")
        if f.colours:
            lines.append("Main colours: " + ", ".join(f"{n} ({s:.0%})" for n, s in f.colours))
        if f.taken or f.camera:
            lines.append("Taken: " + ", ".join(p for p in (f.taken, f.camera) if p))
        if f.location:
            lines.append(f"Location: {f.location[0]:.5f}, {f.location[1]:.5f}")
        return "\n".join(lines)

    def as_details(self) -> dict[str, Any]:
        """For the answer's details (JSON)."""
        d = asdict(self)
        d["labels"] = [{"name": lb.name, "names": lb.names, "score": round(lb.score, 3), "group": lb.group}
                       for lb in self.labels]
        return d


def _guesses(labels: list[Label]) -> list[str]:
    """"a domestic cat (92%: tiger cat, Egyptian cat, tabby)" for classes of one kind,
    "espresso (95%)" for the others; largest first."""
    out: list[tuple[float, str]] = []
    groups: dict[str, list[Label]] = {}
    for lb in labels:
        if lb.group:
            groups.setdefault(lb.group, []).append(lb)
        else:
            out.append((lb.score, f"{lb.names} ({lb.score:.0%})"))
    for group, members in groups.items():
        total = sum(m.score for m in members)
        out.append((total, f"a {group} ({total:.0%}: " + ", ".join(m.name for m in members) + ")"))
    return [text for _, text in sorted(out, key=lambda t: -t[0])]


def describe(picture: "Picture", name: str, classifier: "Classifier | None", *, read_text: Any = None,
             with_location: bool = False, cancel: CancelToken | None = None) -> ImageDescription:
    """Read ``picture``'s text (``read_text``: the OCR function, None to skip) and ask the
    classifier what it shows; a part that cannot run is named in ``missing``, the
    rest is still described."""
    missing: list[str] = []
    text = ImageText("", 0.0, 0)
    if read_text is not None:
        try:
            text = read_text(picture, cancel=cancel)
        except SovaError:
            missing.append("text")
    else:
        missing.append("text")
    labels: list[Label] = []
    if classifier is not None:
        floor = LABEL_SURE if text.words >= TEXT_WORDS else LABEL_MIN
        top = classifier.classify(picture.image, top=5)
        # Classes of one kind (three breeds of cat) count together against the floor.
        totals: dict[str, float] = {}
        for lb in top:
            if lb.group:
                totals[lb.group] = totals.get(lb.group, 0.0) + lb.score
        labels = [lb for lb in top[:3] if max(lb.score, totals.get(lb.group, 0.0)) >= floor]
    else:
        missing.append("labels")
    return ImageDescription(name=name, facts=facts(picture, with_location), text=text.text,
                            text_confidence=text.confidence, labels=labels, missing=missing)
