"""How a file's row is painted in the documents list."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.ui.documents.model import FractionRole, KindRole, RecordRole, StatusTextRole
from app.ui.documents.texts import collection_label


class DocumentDelegate(QStyledItemDelegate):
    """Two lines per file: name and collection, then the status with a thin progress bar."""

    PAD = 6

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        bold = QFont(option.font)
        bold.setBold(True)
        small = QFont(option.font)
        small.setPointSizeF(max(7.0, option.font.pointSizeF() * 0.9))
        return bold, small

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        bold, small = self._fonts(option)
        h = QFontMetrics(bold).height() + QFontMetrics(small).height() + 2 * self.PAD + 6
        return QSize(200, h)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        rec = index.data(RecordRole)
        kind = index.data(KindRole)
        status = index.data(StatusTextRole) or ""
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        pal = opt.palette
        fg = pal.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        dim = fg if selected else pal.color(QPalette.ColorRole.PlaceholderText)
        bold, small = self._fonts(opt)
        r = opt.rect.adjusted(self.PAD + 2, self.PAD, -self.PAD - 2, -self.PAD)
        painter.save()
        # Line 1: the file name (elided in the middle) and its collection on the right.
        fm_small = QFontMetrics(small)
        coll = collection_label(rec.collection) if rec is not None else ""
        coll_w = min(fm_small.horizontalAdvance(coll) + 10, r.width() // 3)
        fm_bold = QFontMetrics(bold)
        line1 = QRect(r.left(), r.top(), r.width(), fm_bold.height())
        painter.setFont(small)
        painter.setPen(dim)
        painter.drawText(line1, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                         fm_small.elidedText(coll, Qt.TextElideMode.ElideRight, coll_w))
        painter.setFont(bold)
        painter.setPen(fg)
        name = index.data(Qt.ItemDataRole.DisplayRole) or ""
        painter.drawText(line1.adjusted(0, 0, -coll_w - 6, 0), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         fm_bold.elidedText(name, Qt.TextElideMode.ElideMiddle, line1.width() - coll_w - 6))
        # Line 2: the status, coloured by outcome.
        line2 = QRect(r.left(), line1.bottom() + 2, r.width(), fm_small.height())
        color = {"failed": QColor("#c62828"), "password": QColor("#b26a00"), "stopped": QColor("#b26a00"),
                 "indexed": QColor("#2e7d32")}.get(kind, dim)
        painter.setFont(small)
        painter.setPen(fg if selected else color)
        painter.drawText(line2, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         fm_small.elidedText(status, Qt.TextElideMode.ElideRight, line2.width()))
        # A thin bar under the status while the file is being worked on.
        if kind == "active":
            frac = float(index.data(FractionRole) or 0.0)
            bar = QRect(r.left(), line2.bottom() + 3, r.width(), 3)
            painter.fillRect(bar, pal.color(QPalette.ColorRole.Midlight))
            if frac > 0:
                painter.fillRect(QRect(bar.left(), bar.top(), max(2, int(bar.width() * frac)), bar.height()),
                                 pal.color(QPalette.ColorRole.Highlight))
        painter.restore()
