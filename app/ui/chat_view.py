"""The chat view: message bubbles with rendered Markdown over a ChatModel.

A QListView with a delegate that lays each message out as QTextDocuments (header,
Markdown body, action footer). Layouts are cached by the row's version and the view
width, so while an answer streams only its own bubble is parsed again. Links inside a
bubble are hit-tested here: ``cite:<n>`` (a citation), ``sova:<action>`` (Copy, Stop,
Regenerate, Edit, Details), ``sova:rate:<what>`` (the rating controls of app.ui.rating)
and ordinary URLs; the view reports them as ``sig_anchor``.
"""

from __future__ import annotations

import html
import re
from collections import OrderedDict
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QContextMenuEvent,
    QFont,
    QHelpEvent,
    QMouseEvent,
    QPaintEvent,
    QPainter,
    QPalette,
    QPen,
    QResizeEvent,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QMenu,
    QStyleOptionViewItem,
    QStyledItemDelegate,
    QToolTip,
    QWidget,
)

from app.core.types import Citation, Message, MessageStatus, Role
from app.ui import rating as rating_ui
from app.ui.pictures import PictureBubbles
from app.ui.chat_model import ChatModel, ErrorRole, MessageRole, NoteRole, RatingRole, StreamingRole, VersionRole
from app.ui.theme import status_colors

OUTER_H = 12  # space between the view's edge and a bubble
OUTER_V = 6  # space between bubbles
PAD = 12  # space inside a bubble
MAX_ASSISTANT_W = 860
USER_WIDTH_SHARE = 0.78
STREAM_CURSOR = "▍"
DETAIL_KEYS = ("memory", "rated_example", "adapter", "images")  # what the Details dialog can explain

_FENCE_OR_CODE = re.compile(r"(```[\s\S]*?(?:```|$)|`[^`\n]*`)")
_CITE = re.compile(r"\[(\d{1,3})\]")


def linkify_citations(text: str, numbers: set[int]) -> str:
    """Turn ``[n]`` into Markdown links ``cite:n`` for known citations, outside code."""
    if not numbers:
        return text
    parts = _FENCE_OR_CODE.split(text)
    for i in range(0, len(parts), 2):  # even parts are outside code
        parts[i] = _CITE.sub(
            lambda m: f"[\\[{m.group(1)}\\]](cite:{m.group(1)})" if int(m.group(1)) in numbers else m.group(0),
            parts[i],
        )
    return "".join(parts)


_md = None


def _markdown() -> object:
    global _md
    if _md is None:
        from markdown_it import MarkdownIt

        # Raw HTML from the model is shown as text, never interpreted.
        _md = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(["table", "strikethrough"])
    return _md


def warm_up() -> None:
    """Import and build the Markdown parser (call on a worker thread at startup).

    Imported lazily on the UI thread, markdown-it cost the first bubble 20-60 ms.
    """
    _markdown()


_PRE_OPEN = re.compile(r"<pre><code[^>]*>")


def markdown_html(text: str, citations: tuple[Citation, ...], palette: QPalette) -> str:
    """The message's Markdown as Qt rich text: code in shaded boxes, [n] as cite: links."""
    rendered: str = _markdown().render(linkify_citations(text, {c.n for c in citations}))  # type: ignore[attr-defined]
    base = palette.color(QPalette.ColorRole.Base)
    fg = palette.color(QPalette.ColorRole.Text)
    code_bg = _mix(base, fg, 0.06).name()
    inline_bg = _mix(base, fg, 0.09).name()
    border = _mix(base, fg, 0.25).name()
    # Qt's rich text has no padding on <pre>: a one-cell table gives the code a box.
    rendered = _PRE_OPEN.sub(
        f"<table width='100%' cellspacing='0' cellpadding='8' bgcolor='{code_bg}'><tr><td><pre style='margin:0'>",
        rendered,
    )
    rendered = rendered.replace("\n</code></pre>", "</pre></td></tr></table>").replace("</code></pre>", "</pre></td></tr></table>")
    rendered = rendered.replace("<code>", f"<code style='background-color:{inline_bg}'>")
    rendered = rendered.replace("<table>", f"<table border='1' cellspacing='0' cellpadding='4' style='border-color:{border}; border-style:solid'>")
    return rendered


_stable: dict[str, str] = {}  # finished paragraphs of streaming answers -> their HTML


def _stable_split(text: str) -> int:
    """Where the finished paragraphs of a streaming text end (outside code fences)."""
    cut = text.rfind("\n\n")
    while cut > 0 and text.count("```", 0, cut) % 2:
        cut = text.rfind("\n\n", 0, cut)
    return max(cut, 0)


def render_markdown(doc: QTextDocument, text: str, citations: tuple[Citation, ...], palette: QPalette,
                    streaming: bool = False) -> None:
    """Fill ``doc`` with the message's Markdown (lists, code blocks, tables, links).

    While streaming, finished paragraphs are rendered once and reused, so each batch
    of tokens costs only the paragraph being written (the final render is whole).
    """
    doc.setIndentWidth(20)
    cut = _stable_split(text) if streaming else 0
    if cut:
        head = text[:cut]
        key = f"{palette.color(QPalette.ColorRole.Base).name()}{len(citations)}\0{head}"
        html_head = _stable.get(key)
        if html_head is None:
            _stable.clear()  # one streaming answer at a time
            html_head = _stable[key] = markdown_html(head, citations, palette)
        doc.setHtml(html_head + markdown_html(text[cut:], citations, palette))
    else:
        doc.setHtml(markdown_html(text, citations, palette))


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor(
        round(a.red() * (1 - t) + b.red() * t),
        round(a.green() * (1 - t) + b.green() * t),
        round(a.blue() * (1 - t) + b.blue() * t),
    )


@dataclass
class _Layout:
    header: QTextDocument
    body: QTextDocument
    footer: QTextDocument
    width: int  # bubble width
    height: int  # bubble height
    right: bool  # user bubbles sit on the right
    error: bool
    interrupted: bool
    header_h: int = 0  # document heights, cached: QTextDocument.size() re-checks the layout
    body_h: int = 0

    def bubble_rect(self, row_rect: QRect) -> QRect:
        x = row_rect.right() - OUTER_H - self.width if self.right else row_rect.left() + OUTER_H
        return QRect(x, row_rect.top() + OUTER_V, self.width, self.height)

    def body_origin(self, bubble: QRect) -> QPoint:
        return QPoint(bubble.left() + PAD, bubble.top() + PAD + self.header_h)

    def footer_origin(self, bubble: QRect) -> QPoint:
        return QPoint(bubble.left() + PAD, bubble.top() + PAD + self.header_h + self.body_h)


class BubbleDelegate(QStyledItemDelegate):
    """Lays out and paints one message as a bubble."""

    def __init__(self, view: "ChatView") -> None:
        super().__init__(view)
        self._view = view
        self._cache: OrderedDict[tuple[object, ...], _Layout] = OrderedDict()
        self.busy = False  # an answer is being generated: no Regenerate/Edit links

    def clear(self) -> None:
        self._cache.clear()

    # ---- layout ---------------------------------------------------------------

    def layout_for(self, index: QModelIndex | QPersistentModelIndex) -> _Layout:
        model = index.model()
        row = index.row()
        message: Message = index.data(MessageRole)
        streaming = bool(index.data(StreamingRole))
        is_last_of_role = isinstance(model, ChatModel) and model.last_row(message.role) == row
        width = max(200, self._view.viewport().width())
        key = (index.data(VersionRole), width, is_last_of_role, self.busy)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        lay = self._build(index, message, streaming, is_last_of_role, width)
        self._cache[key] = lay
        if len(self._cache) > 400:
            self._cache.popitem(last=False)
        return lay

    def _build(self, index: QModelIndex | QPersistentModelIndex, message: Message, streaming: bool,
               is_last: bool, width: int) -> _Layout:
        pal = self._view.palette()
        user = message.role == Role.USER
        max_w = round(width * USER_WIDTH_SHARE) if user else min(width - 2 * OUTER_H, MAX_ASSISTANT_W)
        text_w = max(120, max_w - 2 * PAD)
        base_font = self._view.font()

        header = QTextDocument()
        header.setDocumentMargin(0)
        small = QFont(base_font)
        small.setPointSizeF(max(7.0, base_font.pointSizeF() * 0.85))
        header.setDefaultFont(small)
        who = self.tr("You") if user else (message.persona or self.tr("Sova"))
        extra = ""
        if not user and message.model:
            extra = f" · {html.escape(message.model)}"
            adapter = (message.details or {}).get("adapter")
            if adapter:  # the version fine-tuned on the user's ratings that wrote it
                extra += " · " + html.escape(self.tr("adapter %1").replace("%1", str(adapter)))
        elif user and (message.details or {}).get("spoken"):
            extra = " · " + html.escape(self.tr("by voice"))
        header.setHtml(f"<b>{html.escape(who)}</b><span style='color:{pal.color(QPalette.ColorRole.PlaceholderText).name()}'>{extra}</span>")

        body = QTextDocument()
        body.setDocumentMargin(0)
        body.setDefaultFont(base_font)
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        note = index.data(NoteRole) or ""
        thinking = self.tr("Thinking…")
        if streaming and not text:
            body.setHtml(f"<i style='color:{pal.color(QPalette.ColorRole.PlaceholderText).name()}'>"
                         f"{html.escape(note or thinking)}</i>")
        else:
            render_markdown(body, text + (STREAM_CURSOR if streaming else ""), message.citations, pal, streaming)
        body.setTextWidth(text_w)

        footer = QTextDocument()
        footer.setDocumentMargin(0)
        footer.setDefaultFont(small)
        error = index.data(ErrorRole)
        links: list[str] = []
        if streaming:
            links.append(self._link("stop", self.tr("Stop")))
            links.append(self._link("regenerate", self.tr("Regenerate")))
        else:
            links.append(self._link("copy", self.tr("Copy")))
            details = message.details or {}
            if not user and (message.citations or any(details.get(k) for k in DETAIL_KEYS)):
                links.append(self._link("details", self.tr("Details")))
            if is_last and not self.busy and message.role == Role.ASSISTANT:
                links.append(self._link("regenerate", self.tr("Regenerate")))
            if is_last and not self.busy and user:
                links.append(self._link("edit", self.tr("Edit")))
        notes: list[str] = []
        failed = message.status == MessageStatus.ERROR or (error is not None and not text)
        interrupted = not streaming and message.role == Role.ASSISTANT and message.status == MessageStatus.INTERRUPTED
        failed_text = self.tr("The answer failed.")
        interrupted_text = self.tr("Interrupted")
        status = status_colors(pal)  # red/amber that stay readable on a dark bubble
        if not streaming and failed:
            notes.append(f"<span style='color:{status.error}'>⚠ {html.escape(error or failed_text)}</span>")
        elif interrupted:
            reason = f": {html.escape(error)}" if error else ""
            notes.append(f"<span style='color:{status.warning}'>■ {html.escape(interrupted_text)}{reason}</span>")
        if not user and message.stats and not streaming and message.stats.completion_tokens:
            notes.append(
                f"<span style='color:{pal.color(QPalette.ColorRole.PlaceholderText).name()}'>"
                + html.escape(self.tr("%1 tok/s").replace("%1", f"{message.stats.tokens_per_second:.1f}"))
                + "</span>"
            )
        if not user and message.citations:
            notes.insert(0, self._sources_html(message.citations, text))  # documents feature
        line = " &nbsp;·&nbsp; ".join(links)
        pictures = list((message.details or {}).get("images", [])) if user else []
        if pictures:  # the question's pictures, above its actions (app.ui.pictures)
            notes.insert(0, self._view.pictures_html(footer, pictures, f"{index.row()}-{message.id}"))
        if rating_ui.rateable(message, streaming):
            # After the actions, set apart: a thumb, stars, "Comment…" (the rating feature).
            ratio = self._view.devicePixelRatioF()
            line += "&nbsp;" * 6 + rating_ui.footer_html(footer, index.data(RatingRole), pal, ratio)
        footer.setHtml(("<br>".join(notes) + "<br>" if notes else "") + line)
        footer.setTextWidth(text_w)

        if len(text) > 600 or "```" in text:
            content_w = text_w  # long answers use the full width (idealWidth costs a layout)
        else:
            content_w = max(body.idealWidth(), header.idealWidth(), footer.idealWidth())
            content_w = min(text_w, max(60, int(content_w) + 2))
        if user or content_w < text_w:
            body.setTextWidth(content_w)
            footer.setTextWidth(content_w)
        header.setTextWidth(content_w)
        spacing = 4
        header_h, body_h = round(header.size().height()), round(body.size().height())
        h = PAD + header_h + body_h + spacing + round(footer.size().height()) + PAD
        return _Layout(header, body, footer, content_w + 2 * PAD, h, user, failed, interrupted, header_h, body_h)

    # ---- sources line (documents feature) -------------------------------------------

    def _sources_html(self, citations: tuple[Citation, ...], text: str) -> str:
        """ "Sources: [1] file.pdf, p. 12 …": every passage the answer cites (all of them while
        it cites none), each a cite: link, so a source is one click away even when a small
        model forgets to write [n]."""
        cited = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
        shown = [c for c in citations if c.n in cited] or list(citations)
        parts = []
        for c in shown:
            where = html.escape(c.path.replace("\\", "/").rsplit("/", 1)[-1])
            if c.page:
                where += ", " + html.escape(self.tr("p. %1").replace("%1", str(c.page)))
            parts.append(f"<a href='cite:{c.n}'>[{c.n}]</a>&nbsp;{where}")
        return html.escape(self.tr("Sources:")) + " " + " &nbsp; ".join(parts)

    def _link(self, action: str, label: str) -> str:
        return f"<a href='sova:{action}'>{html.escape(label)}</a>"

    # ---- QStyledItemDelegate ---------------------------------------------------------

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        lay = self.layout_for(index)
        return QSize(max(200, self._view.viewport().width()), lay.height + 2 * OUTER_V)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        lay = self.layout_for(index)
        pal = self._view.palette()
        bubble = lay.bubble_rect(option.rect)
        base = pal.color(QPalette.ColorRole.Base)
        if lay.right:
            fill = _mix(base, pal.color(QPalette.ColorRole.Highlight), 0.16)
        else:
            fill = _mix(base, pal.color(QPalette.ColorRole.Text), 0.04)
        status = status_colors(pal)
        border = (QColor(status.error) if lay.error else QColor("#e0a030") if lay.interrupted
                  else _mix(base, pal.color(QPalette.ColorRole.Text), 0.14))
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(border, 1.2 if (lay.error or lay.interrupted) else 1.0))
        painter.setBrush(fill)
        painter.drawRoundedRect(QRectF(bubble).adjusted(0.5, 0.5, -0.5, -0.5), 10, 10)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        ctx.palette = pal
        exposed = painter.clipBoundingRect() if painter.hasClipping() else QRectF(option.rect)
        for doc, origin in (
            (lay.header, QPoint(bubble.left() + PAD, bubble.top() + PAD)),
            (lay.body, lay.body_origin(bubble)),
            (lay.footer, lay.footer_origin(bubble) + QPoint(0, 4)),
        ):
            painter.save()
            painter.translate(origin)
            # Only the part on screen: a long streaming answer is mostly off-screen.
            ctx.clip = QRectF(0, 0, doc.textWidth(), lay.height).intersected(
                exposed.translated(-origin.x(), -origin.y()))
            if not ctx.clip.isEmpty():
                doc.documentLayout().draw(painter, ctx)
            painter.restore()
        painter.restore()

    # ---- hit testing -----------------------------------------------------------------

    def anchor_at(self, index: QModelIndex, row_rect: QRect, pos: QPoint) -> str:
        """The link under a viewport position in this row, or ""."""
        lay = self.layout_for(index)
        bubble = lay.bubble_rect(row_rect)
        if not bubble.contains(pos):
            return ""
        for doc, origin in (
            (lay.body, lay.body_origin(bubble)),
            (lay.footer, lay.footer_origin(bubble) + QPoint(0, 4)),
        ):
            local = pos - origin
            href = doc.documentLayout().anchorAt(local.toPointF())
            if href == rating_ui.STRIP:
                # One image holds the thumbs and stars: where in it tells which one.
                box = _fragment_box(doc, href)
                return rating_ui.control_at(local.x() - box.left()) if box is not None else ""
            if href:
                return href
        return ""

    def link_rect(self, index: QModelIndex, row_rect: QRect, href: str) -> QRect:
        """Where a link is drawn (viewport coordinates); empty if absent. For tests."""
        lay = self.layout_for(index)
        bubble = lay.bubble_rect(row_rect)
        strip_x = rating_ui.control_center(href)
        for doc, origin in (
            (lay.body, lay.body_origin(bubble)),
            (lay.footer, lay.footer_origin(bubble) + QPoint(0, 4)),
        ):
            box = _fragment_box(doc, rating_ui.STRIP if strip_x is not None else href)
            if box is not None:
                x = box.left() + strip_x if strip_x is not None else box.center().x()
                return QRect(origin.x() + round(x) - 1, origin.y() + round(box.top()), 3, round(box.height()))
        return QRect()


def _fragment_box(doc: QTextDocument, href: str) -> QRectF | None:
    """The box (document coordinates) of the first text or image linked to ``href``."""
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            if frag.isValid() and frag.charFormat().anchorHref() == href:
                start = frag.position() - block.position()
                line = block.layout().lineForTextPosition(start)
                left = line.cursorToX(start)[0]
                right = line.cursorToX(start + frag.length())[0]
                top = doc.documentLayout().blockBoundingRect(block).top() + line.y()
                return QRectF(left, top, right - left, line.height())
            it += 1
        block = block.next()
    return None


class ChatView(PictureBubbles, QListView):
    """Shows a ChatModel as bubbles; follows the stream while scrolled to the bottom."""

    sig_anchor = Signal(int, str)  # row, href ("cite:2", "sova:copy", "https://…")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatView")
        self._delegate = BubbleDelegate(self)
        self.setItemDelegate(self._delegate)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(False)
        self.setWordWrap(True)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QListView.Shape.NoFrame)
        self.verticalScrollBar().setSingleStep(24)
        self._follow = True  # keep the newest text in sight
        self._heights: dict[int, int] = {}  # row -> last laid-out bubble height
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.verticalScrollBar().rangeChanged.connect(self._on_range)

    @property
    def delegate(self) -> BubbleDelegate:
        return self._delegate

    def setModel(self, model: ChatModel) -> None:  # type: ignore[override]
        super().setModel(model)
        model.dataChanged.connect(self._on_data_changed)
        model.modelReset.connect(self._on_reset)
        model.rowsInserted.connect(lambda *_: self._follow_if_needed())
        model.rowsRemoved.connect(lambda *_: self._heights.clear())

    def set_busy(self, busy: bool) -> None:
        """While generating, Regenerate/Edit links are hidden."""
        if self._delegate.busy != busy:
            self._delegate.busy = busy
            self.scheduleDelayedItemsLayout()
            self.viewport().update()

    # ---- following the stream ---------------------------------------------------

    def _on_scrolled(self, value: int) -> None:
        self._follow = value >= self.verticalScrollBar().maximum() - 4

    def _on_range(self, _min: int, maximum: int) -> None:
        if self._follow:
            self.verticalScrollBar().setValue(maximum)

    def _follow_if_needed(self) -> None:
        if self._follow:
            self.scrollToBottom()

    def _on_data_changed(self, top: QModelIndex, bottom: QModelIndex, roles: list[int] = []) -> None:
        # Relayout (coalesced by Qt) only when a bubble's height changed; otherwise
        # QListView repaints just the changed rows.
        for row in range(top.row(), bottom.row() + 1):
            index = self.model().index(row, 0)
            height = self._delegate.layout_for(index).height
            if self._heights.get(row) != height:
                self._heights[row] = height
                self.scheduleDelayedItemsLayout()
                return

    def _on_reset(self) -> None:
        self._heights.clear()
        self._delegate.clear()
        self._follow = True
        self.scrollToBottom()

    def paintEvent(self, e: QPaintEvent) -> None:
        super().paintEvent(e)
        model = self.model()
        if model is not None and model.rowCount() == 0:
            # An empty chat says what to do instead of showing a blank page.
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            rect = self.viewport().rect().adjusted(40, 0, -40, 0)
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), self.empty_text())
            painter.end()

    def empty_text(self) -> str:
        return self.tr("Ask a question below. Sova answers with a local model; nothing leaves this computer.\n\n"
                       "Turn on “Answer from documents” to get answers with sources from your files.")

    def resizeEvent(self, e: QResizeEvent) -> None:
        super().resizeEvent(e)
        self.scheduleDelayedItemsLayout()

    def changeEvent(self, e: QEvent) -> None:
        if e.type() in (QEvent.Type.LanguageChange, QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            self._delegate.clear()
            self.scheduleDelayedItemsLayout()
            self.viewport().update()
        super().changeEvent(e)

    # ---- links ---------------------------------------------------------------------

    def anchor_at(self, pos: QPoint) -> tuple[int, str]:
        index = self.indexAt(pos)
        if not index.isValid():
            return -1, ""
        return index.row(), self._delegate.anchor_at(index, self.visualRect(index), pos)

    def link_position(self, row: int, href: str) -> QPoint | None:
        """Viewport position of a link in a row (tests click it)."""
        index = self.model().index(row, 0)
        rect = self._delegate.link_rect(index, self.visualRect(index), href)
        return rect.center() if not rect.isNull() else None

    def mouseMoveEvent(self, e: QMouseEvent) -> None:
        _, href = self.anchor_at(e.position().toPoint())
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor if href else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(e)

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:
        if e.button() == Qt.MouseButton.LeftButton:
            row, href = self.anchor_at(e.position().toPoint())
            if href:
                self.sig_anchor.emit(row, href)
                e.accept()
                return
        super().mouseReleaseEvent(e)

    def viewportEvent(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip and isinstance(e, QHelpEvent):
            index = self.indexAt(e.pos())
            _, href = self.anchor_at(e.pos())
            text = rating_ui.tooltip(href, index.data(RatingRole)) if href.startswith(rating_ui.RATE) else ""
            if text:
                QToolTip.showText(e.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(e)

    def contextMenuEvent(self, e: QContextMenuEvent) -> None:
        index = self.indexAt(e.pos())
        if not index.isValid():
            return
        row = index.row()
        menu = QMenu(self)
        menu.addAction(self.tr("Copy"), lambda: self.sig_anchor.emit(row, "sova:copy"))
        lay = self._delegate.layout_for(index)
        footer = lay.footer.toHtml()
        if "sova:regenerate" in footer:
            menu.addAction(self.tr("Regenerate"), lambda: self.sig_anchor.emit(row, "sova:regenerate"))
        if "sova:edit" in footer:
            menu.addAction(self.tr("Edit and resend"), lambda: self.sig_anchor.emit(row, "sova:edit"))
        if "sova:stop" in footer:
            menu.addAction(self.tr("Stop"), lambda: self.sig_anchor.emit(row, "sova:stop"))
        if rating_ui.RATE + "comment" in footer:
            menu.addSeparator()
            menu.addAction(self.tr("Comment / suggest a better answer…"),
                           lambda: self.sig_anchor.emit(row, rating_ui.RATE + "comment"))
        menu.exec(e.globalPos())
