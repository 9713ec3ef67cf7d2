"""The answer's details: every passage given to the model, and why it was chosen.

When an answer goes wrong, the first question is "what did the model see?". This
dialog lists each numbered passage with its file, page, heading and collection, the
scores that put it there (the fused rank score, the meaning similarity, the keyword
score), how many neighbouring chunks were merged into it, whether the answer cites it,
and its full text. A passage's link opens it in the Source panel.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QCoreApplication, QLocale, QUrl, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from app.core.types import Citation, Message


def memory_html(message: Message) -> str:
    """The facts recalled for an answer, each a link to it on the Memory page."""
    used = [m for m in (message.details or {}).get("memory", []) if isinstance(m, dict)]
    if not used:
        return ""
    head = html.escape(QCoreApplication.translate("AnswerDetails", "Used memory (what you told Sova earlier):"))
    items = "".join(f"<li><a href='fact:{int(m.get('id', 0))}'>{html.escape(str(m.get('text', '')))}</a></li>"
                    for m in used)
    return f"<p><b>{head}</b></p><ul>{items}</ul>"


def learning_html(message: Message) -> str:
    """The rated answer given to the model as an example, and the adapter that answered."""
    details = message.details or {}
    parts = []
    example = details.get("rated_example")
    if isinstance(example, dict):
        if example.get("source") == "correction":
            how = QCoreApplication.translate("AnswerDetails", "the better answer you wrote")
        elif example.get("stars"):
            how = QCoreApplication.translate("AnswerDetails", "an answer you rated %1 of 5").replace(
                "%1", str(example.get("stars")))
        elif example.get("thumb") == 1:
            how = QCoreApplication.translate("AnswerDetails", "an answer you rated with a thumb up")
        else:
            how = QCoreApplication.translate("AnswerDetails", "an answer you rated highly")
        head = QCoreApplication.translate("AnswerDetails", "Learned from your rating:")
        intro = QCoreApplication.translate(
            "AnswerDetails", "the model was shown, as an example, %1 (to an earlier, similar question).").replace("%1", how)
        facts = []
        similarity = example.get("similarity")
        if isinstance(similarity, (int, float)):
            facts.append(QCoreApplication.translate("AnswerDetails", "similarity to this question %1").replace(
                "%1", QLocale().toString(float(similarity), "f", 2)))
        answer = str(example.get("answer", "")).strip()
        if len(answer) > 600:
            answer = answer[:599].rstrip() + "…"
        question = QCoreApplication.translate("AnswerDetails", "Earlier question: %1").replace(
            "%1", str(example.get("question", "")))
        parts.append(f"<p><b>{html.escape(head)}</b> {html.escape(intro)}<br>{html.escape(question)}"
                     f"<br><span style='color:gray'>{html.escape(' · '.join(facts))}</span></p>"
                     f"<blockquote style='margin-left:12px'>{html.escape(answer).replace(chr(10), '<br>')}</blockquote>")
    adapter = details.get("adapter")
    if adapter:
        label = QCoreApplication.translate("AnswerDetails", "Adapter: %1 (the model fine-tuned on your ratings)")
        parts.append(f"<p>{html.escape(label.replace('%1', str(adapter)))}</p>")
    return "".join(parts)


def _groups() -> dict[str, str]:
    """ImageNet's kinds of things (resources/imagenet/groups.tsv), in the interface's language."""
    return {
        "bear": QCoreApplication.translate("ImageKinds", "a bear"),
        "big cat": QCoreApplication.translate("ImageKinds", "a big cat"),
        "bird": QCoreApplication.translate("ImageKinds", "a bird"),
        "dog": QCoreApplication.translate("ImageKinds", "a dog"),
        "domestic cat": QCoreApplication.translate("ImageKinds", "a domestic cat"),
        "fish": QCoreApplication.translate("ImageKinds", "a fish"),
        "insect": QCoreApplication.translate("ImageKinds", "an insect"),
        "monkey or ape": QCoreApplication.translate("ImageKinds", "a monkey or an ape"),
        "wild dog or fox": QCoreApplication.translate("ImageKinds", "a wild dog or a fox"),
    }


def _colour(name: str) -> str:
    """A colour name of app.core.images.facts.COLOURS, in the interface's language."""
    return {
        "black": QCoreApplication.translate("Colours", "black"),
        "white": QCoreApplication.translate("Colours", "white"),
        "gray": QCoreApplication.translate("Colours", "gray"),
        "silver": QCoreApplication.translate("Colours", "silver"),
        "red": QCoreApplication.translate("Colours", "red"),
        "dark red": QCoreApplication.translate("Colours", "dark red"),
        "orange": QCoreApplication.translate("Colours", "orange"),
        "yellow": QCoreApplication.translate("Colours", "yellow"),
        "beige": QCoreApplication.translate("Colours", "beige"),
        "brown": QCoreApplication.translate("Colours", "brown"),
        "green": QCoreApplication.translate("Colours", "green"),
        "dark green": QCoreApplication.translate("Colours", "dark green"),
        "olive": QCoreApplication.translate("Colours", "olive"),
        "teal": QCoreApplication.translate("Colours", "teal"),
        "cyan": QCoreApplication.translate("Colours", "cyan"),
        "light blue": QCoreApplication.translate("Colours", "light blue"),
        "blue": QCoreApplication.translate("Colours", "blue"),
        "navy": QCoreApplication.translate("Colours", "navy"),
        "purple": QCoreApplication.translate("Colours", "purple"),
        "pink": QCoreApplication.translate("Colours", "pink"),
        "magenta": QCoreApplication.translate("Colours", "magenta"),
    }.get(name, name)


def _guesses(labels: list[dict[str, object]]) -> list[str]:
    """The classifier's guesses, classes of one kind summed under the kind's name
    ("a domestic cat (91 %: tabby, tiger cat)"), largest first."""
    kinds = _groups()
    out: list[tuple[float, str]] = []
    grouped: dict[str, list[dict[str, object]]] = {}
    for lb in labels:
        if lb.get("group"):
            grouped.setdefault(str(lb["group"]), []).append(lb)
        else:
            score = float(lb.get("score", 0) or 0)  # type: ignore[arg-type]
            out.append((score, f"{lb.get('names', lb.get('name', ''))} ({round(100 * score)} %)"))
    for group, members in grouped.items():
        total = sum(float(m.get("score", 0) or 0) for m in members)  # type: ignore[arg-type]
        names = ", ".join(str(m.get("name", "")) for m in members)
        out.append((total, f"{kinds.get(group, group)} ({round(100 * total)} %: {names})"))
    return [text for _, text in sorted(out, key=lambda t: -t[0])]


def pictures_html(message: Message) -> str:
    """What was read from the question's pictures: their text, what they seem to show,
    their plain facts (or why a picture could not be read)."""
    parts: list[str] = []
    records = (message.details or {}).get("images", [])
    if records:
        # Which tier answered: said plainly, before what was read.
        if (message.details or {}).get("image_tier") == "vision":
            tier = QCoreApplication.translate("AnswerDetails", "The model %1 saw the pictures themselves; "
                                              "it was also given what Sova read from them:")
        else:
            tier = QCoreApplication.translate("AnswerDetails", "The model %1 does not see pictures: "
                                              "it answered from what Sova read from them:")
        parts.append(f"<p><i>{html.escape(tier).replace('%1', '<b>' + html.escape(message.model or '') + '</b>')}</i></p>")
    for record in records:
        name = html.escape(str(record.get("name", "")))
        read = record.get("read") or {}
        if not read:
            unread = QCoreApplication.translate("AnswerDetails", "it could not be read.")
            parts.append(f"<p><b>{name}</b>: {html.escape(unread)}</p>")
            continue
        facts = read.get("facts") or {}
        lines = [f"{facts.get('width')} × {facts.get('height')} {html.escape(str(facts.get('format', '')))}"]
        labels = read.get("labels") or []
        if labels:
            shown = html.escape(", ".join(_guesses(labels)))
            lines.append(html.escape(QCoreApplication.translate("AnswerDetails", "Seems to show (image classifier): %1")).replace("%1", shown))
        colours = facts.get("colours") or []
        if colours:
            lines.append(html.escape(QCoreApplication.translate("AnswerDetails", "Main colours: %1")).replace(
                "%1", ", ".join(html.escape(_colour(str(c[0]))) for c in colours)))
        taken = " ".join(str(x) for x in (facts.get("taken"), facts.get("camera")) if x)
        if taken:
            lines.append(html.escape(QCoreApplication.translate("AnswerDetails", "Taken: %1")).replace("%1", html.escape(taken)))
        if "text" in (read.get("missing") or []):
            lines.append(html.escape(QCoreApplication.translate("AnswerDetails", "Text recognition is not installed.")))
        head = html.escape(QCoreApplication.translate("AnswerDetails", "Read from the picture %1:")).replace("%1", f"<b>{name}</b>")
        text = str(read.get("text", "")).strip()
        none_found = QCoreApplication.translate("AnswerDetails", "No text found in it.")
        quote = (f"<blockquote style='margin-left:12px'>{html.escape(text).replace(chr(10), '<br>')}</blockquote>"
                 if text else f"<p style='color:gray'>{html.escape(none_found)}</p>")
        parts.append(f"<p>{head}<br><span style='color:gray'>{'<br>'.join(lines)}</span></p>{quote}")
    return "".join(parts)


def details_html(message: Message) -> str:
    """What an answer used: the pictures, the rated example and adapter, the recalled
    facts, then the passages of the documents."""
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", message.content)}
    parts = [pictures_html(message), learning_html(message), memory_html(message)]
    for c in message.citations:
        where = html.escape(c.path.replace("\\", "/").rsplit("/", 1)[-1])
        if c.page:
            where += ", " + html.escape(QCoreApplication.translate("AnswerDetails", "p. %1").replace("%1", str(c.page)))
        head = f"<a href='cite:{c.n}'><b>[{c.n}]</b></a> {where}"
        if c.heading:
            head += f" — <i>{html.escape(c.heading.strip(' >'))}</i>"
        facts = [
            QCoreApplication.translate("AnswerDetails", "collection “%1”").replace("%1", html.escape(c.collection or "default")),
            QCoreApplication.translate("AnswerDetails", "rank score %1").replace("%1", f"{c.score:.2f}"),
            QCoreApplication.translate("AnswerDetails", "meaning %1").replace("%1", f"{c.dense:.2f}"),
            QCoreApplication.translate("AnswerDetails", "keywords %1").replace("%1", f"{c.lexical:.1f}") if c.lexical else QCoreApplication.translate("AnswerDetails", "no shared keywords"),
        ]
        if c.merged:
            facts.append(QCoreApplication.translate("AnswerDetails", "%1 neighbouring chunks merged").replace("%1", str(c.merged)))
        facts.append(QCoreApplication.translate("AnswerDetails", "cited in the answer") if c.n in cited else QCoreApplication.translate("AnswerDetails", "not cited"))
        text = html.escape(c.text.strip()).replace("\n", "<br>")
        parts.append(f"<p>{head}<br><span style='color:gray'>{' · '.join(facts)}</span></p>"
                     f"<blockquote style='margin-left:12px'>{text}</blockquote>")
    return "".join(parts)


class AnswerDetailsDialog(QDialog):
    """The passages behind one answer."""

    sig_citation = Signal(object)  # Citation: show it in the Source panel
    sig_fact = Signal(int)  # a recalled fact's id: show it on the Memory page

    def __init__(self, message: Message, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Answer details"))
        self.resize(640, 560)
        self.message = message
        lay = QVBoxLayout(self)
        intro = QLabel(self.tr("The model was given these passages from your documents, best first. "
                               "The rank score orders them (meaning and keywords together); meaning is the "
                               "similarity of the passage to the question, keywords the score of the words "
                               "they share."))
        intro.setWordWrap(True)
        intro.setVisible(bool(message.citations))
        lay.addWidget(intro)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._on_anchor)
        self.browser.setHtml(details_html(message))
        lay.addWidget(self.browser, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _on_anchor(self, url: QUrl) -> None:
        href = url.toString()
        if href.startswith("fact:"):
            self.sig_fact.emit(int(href.split(":", 1)[1]))
            return
        if href.startswith("cite:"):
            n = int(href.split(":", 1)[1])
            citation: Citation | None = next((c for c in self.message.citations if c.n == n), None)
            if citation is not None:
                self.sig_citation.emit(citation)
