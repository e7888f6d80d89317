"""The kanban board: one column per pipeline stage, cards dragged between them with the mouse.

One widget paints every column and card itself: a board of 5,000 deals would be 5,000 widgets
otherwise, and only the cards in view are painted. Dragging is the widget's own mouse handling
(press, move past the drag distance, release over a column), not ``QDrag``: the drop target
is computed from the position, so a test can drag with ``qtbot`` like a user, and the drop is
reported through ``card_dropped`` for the section to save. Each column scrolls on its own (the
mouse wheel over it, or its slim scroll bar); the board scrolls sideways when the columns do
not fit. Keyboard: arrows choose a card, Enter opens it, Ctrl+Left/Right moves it to the
previous or next column.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor, QFont, QFontMetrics, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QToolTip

from desktop_crm.services.pipeline import Card, Column

from . import fmt, labels

# the sizes at the usual font (9 pt); a larger font (a Windows text size above 100%, a CJK
# font with tall glyphs) makes cards, columns and headers grow with it (KanbanBoard._fonts)
COLUMN_WIDTH = 256
COLUMN_GAP = 10
MARGIN = 10
HEADER_HEIGHT = 64
CARD_HEIGHT = 92
CARD_GAP = 6
STRIDE = CARD_HEIGHT + CARD_GAP
SCROLLBAR = 6
AUTOSCROLL_ZONE = 36

STAGE_COLOURS = {"lead": "#90a4ae", "qualified": "#42a5f5", "proposal": "#7e57c2",
                 "negotiation": "#ffa726", "won": "#43a047", "lost": "#e53935"}
OTHER_STAGE = "#26a69a"


@dataclass
class _Col:
    column: Column
    cards: list[Card]
    offset: int = 0  # pixels scrolled down
    _sums: tuple[Decimal, Decimal] | None = None

    @property
    def stage(self):
        return self.column.stage

    def sums(self) -> tuple[Decimal, Decimal]:
        """(total, weighted) of the column, kept until its cards change."""
        if self._sums is None:
            self._sums = (sum((c.amount for c in self.cards), Decimal("0")),
                          sum((c.weighted for c in self.cards), Decimal("0")))
        return self._sums

    def changed(self) -> None:
        self._sums = None


@dataclass(frozen=True)
class DropTarget:
    column: int
    index: int  # where the card goes among the column's cards (the dragged one left out)


class KanbanBoard(QAbstractScrollArea):
    """Signals:
        card_dropped(Card, StageInfo, object): a card was dropped on a column, after the card
            given (None: on top); nothing is changed on the board until the section calls
            ``apply_move`` with the saved card
        card_activated(Card): double click or Enter on a card
        new_requested(StageInfo): double click on a column outside its cards
        current_changed(object): the chosen card (None when none)
    """

    card_dropped = Signal(object, object, object)
    card_activated = Signal(object)
    new_requested = Signal(object)
    current_changed = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("kanbanBoard")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.viewport().setMouseTracking(True)
        self.horizontalScrollBar().valueChanged.connect(self.viewport().update)
        self._cols: list[_Col] = []
        self.current: Card | None = None
        self.show_score = False
        # card -> lines explaining its lead score, for the tooltip (the section sets it)
        self.explain_score: Callable[[Card], list[str]] | None = None
        self._press: tuple[QPoint, Card] | None = None
        self._drag: Card | None = None
        self._drag_pos = QPoint()
        self._drag_grab = QPoint()  # where inside the card it was taken
        self._thumb: tuple[int, int, int] | None = None  # column, press y, offset at press
        self._autoscroll = QTimer(self)
        self._autoscroll.setInterval(40)
        self._autoscroll.timeout.connect(self._autoscroll_step)
        self._fonts()

    def _fonts(self) -> None:
        base = self.font()
        self._title_font = QFont(base)
        self._title_font.setBold(True)
        self._small_font = QFont(base)
        self._small_font.setPointSizeF(max(base.pointSizeF() - 1, 7))
        self._header_font = QFont(base)
        self._header_font.setBold(True)
        self._header_font.setPointSizeF(base.pointSizeF() + 1)
        fm_title, fm_small = QFontMetrics(self._title_font), QFontMetrics(self._small_font)
        fm_head = QFontMetrics(self._header_font)
        line = max(fm_title.lineSpacing(), fm_small.lineSpacing()) + 3
        self.card_height = max(CARD_HEIGHT, 4 * line + 12)
        self.stride = self.card_height + CARD_GAP
        # the third line: an amount and probability, then a date, with some air between
        widest = fm_small.horizontalAdvance("¥000,000,000 · 100%   0000-00-00")
        self.column_width = max(COLUMN_WIDTH, widest + 32 + SCROLLBAR)
        self._head_line = fm_head.lineSpacing() + 4
        self._sums_line = fm_small.lineSpacing() + 4
        self.header_height = max(HEADER_HEIGHT, 10 + self._head_line + 2 + self._sums_line + 10)

    # -- data -----------------------------------------------------------------------------------

    def set_columns(self, columns: list[Column]) -> None:
        """Show these columns; scroll positions and the chosen card are kept when they still
        exist."""
        offsets = {c.stage.id: c.offset for c in self._cols}
        self._cols = [_Col(col, list(col.cards), offsets.get(col.stage.id, 0))
                      for col in columns]
        for i in range(len(self._cols)):
            self._clamp(i)
        if self.current is not None:
            found = self.find(self.current.id)
            self._set_current(self._cols[found[0]].cards[found[1]] if found else None)
        self._update_scrollbar()
        self.viewport().update()

    def columns(self) -> list[Column]:
        """The columns as shown now (after local moves)."""
        return [Column(c.stage, list(c.cards)) for c in self._cols]

    def cards(self, column: int) -> list[Card]:
        return list(self._cols[column].cards)

    def column_sums(self, column: int) -> tuple[Decimal, Decimal]:
        """(total, weighted) amounts of a column as shown."""
        return self._cols[column].sums()

    def find(self, card_id: uuid.UUID) -> tuple[int, int] | None:
        """(column, row) of a card."""
        for ci, col in enumerate(self._cols):
            for ri, card in enumerate(col.cards):
                if card.id == card_id:
                    return ci, ri
        return None

    def column_of_stage(self, stage_id: uuid.UUID) -> int:
        return next(i for i, c in enumerate(self._cols) if c.stage.id == stage_id)

    def apply_move(self, card: Card, after_id: uuid.UUID | None) -> None:
        """Show a saved move: ``card`` (as the service returned it) goes to its stage's column
        right after ``after_id`` (None: top). Only the two columns concerned change."""
        found = self.find(card.id)
        if found is not None:
            del self._cols[found[0]].cards[found[1]]
            self._cols[found[0]].changed()
        ci = self.column_of_stage(card.stage_id)
        cards = self._cols[ci].cards
        self._cols[ci].changed()
        at = 0
        if after_id is not None:
            at = next((i + 1 for i, c in enumerate(cards) if c.id == after_id), 0)
        cards.insert(at, card)
        self._set_current(card)
        self._clamp(ci)
        self.ensure_visible(card.id)
        self.viewport().update()

    def replace_card(self, card: Card) -> None:
        """A card edited in the form: same place, new content (or gone if filtered out)."""
        found = self.find(card.id)
        if found is None:
            return
        ci, ri = found
        if self._cols[ci].stage.id != card.stage_id:
            self.apply_move(card, None)
            return
        self._cols[ci].cards[ri] = card
        self._cols[ci].changed()
        if self.current is not None and self.current.id == card.id:
            self.current = card
        self.viewport().update()

    def remove_card(self, card_id: uuid.UUID) -> None:
        found = self.find(card_id)
        if found is not None:
            del self._cols[found[0]].cards[found[1]]
            self._cols[found[0]].changed()
            if self.current is not None and self.current.id == card_id:
                self._set_current(None)
            self._clamp(found[0])
            self.viewport().update()

    def set_scores(self, scores: dict[uuid.UUID, int]) -> None:
        for col in self._cols:
            col.cards = [replace(c, score=scores.get(c.id, c.score)) for c in col.cards]
        self.viewport().update()

    # -- geometry -------------------------------------------------------------------------------

    def _column_x(self, ci: int) -> int:
        return MARGIN + ci * (self.column_width + COLUMN_GAP) - self.horizontalScrollBar().value()

    def column_rect(self, ci: int) -> QRect:
        return QRect(self._column_x(ci), MARGIN, self.column_width,
                     self.viewport().height() - 2 * MARGIN)

    def _body_rect(self, ci: int) -> QRect:
        r = self.column_rect(ci)
        head = self.header_height
        return QRect(r.left(), r.top() + head, r.width(), r.height() - head)

    def card_rect(self, ci: int, ri: int) -> QRect:
        """Where card ``ri`` of column ``ci`` is painted (viewport coordinates; it may lie
        outside the visible part of the column)."""
        body = self._body_rect(ci)
        top = body.top() + CARD_GAP + ri * self.stride - self._cols[ci].offset
        return QRect(body.left() + 6, top, self.column_width - 12 - SCROLLBAR, self.card_height)

    def _content_height(self, ci: int) -> int:
        return CARD_GAP + len(self._cols[ci].cards) * self.stride

    def _max_offset(self, ci: int) -> int:
        return max(0, self._content_height(ci) - self._body_rect(ci).height())

    def _clamp(self, ci: int) -> None:
        col = self._cols[ci]
        col.offset = max(0, min(col.offset, self._max_offset(ci)))

    def column_at(self, pos: QPoint) -> int | None:
        for ci in range(len(self._cols)):
            r = self.column_rect(ci).adjusted(-COLUMN_GAP // 2, 0, COLUMN_GAP // 2, 0)
            if r.left() <= pos.x() <= r.right():
                return ci
        return None

    def card_at(self, pos: QPoint) -> tuple[int, int] | None:
        ci = self.column_at(pos)
        if ci is None or not self._body_rect(ci).contains(pos):
            return None
        y = pos.y() - self._body_rect(ci).top() - CARD_GAP + self._cols[ci].offset
        ri = y // self.stride
        if 0 <= ri < len(self._cols[ci].cards) and y % self.stride < self.card_height \
                and self.card_rect(ci, ri).contains(pos):
            return ci, ri
        return None

    def drop_target(self, pos: QPoint, dragged: Card | None = None) -> DropTarget | None:
        """The column and place a card dropped at ``pos`` would go to."""
        ci = self.column_at(pos)
        if ci is None:
            return None
        cards = self._cols[ci].cards
        y = pos.y() - self._body_rect(ci).top() - CARD_GAP + self._cols[ci].offset
        # above the middle of painted card k: before it
        index = max(0, min(len(cards), (y + self.stride // 2) // self.stride))
        if dragged is not None:
            own = next((i for i, c in enumerate(cards) if c.id == dragged.id), None)
            if own is not None and index > own:
                index -= 1  # the dragged card's own place does not count
        return DropTarget(ci, index)

    def ensure_visible(self, card_id: uuid.UUID) -> None:
        found = self.find(card_id)
        if found is None:
            return
        ci, ri = found
        col, body = self._cols[ci], self._body_rect(ci)
        top = CARD_GAP + ri * self.stride
        if top < col.offset:
            col.offset = top - CARD_GAP
        elif top + self.card_height > col.offset + body.height():
            col.offset = top + self.card_height + CARD_GAP - body.height()
        self._clamp(ci)
        x = ci * (self.column_width + COLUMN_GAP)
        bar = self.horizontalScrollBar()
        if x < bar.value():
            bar.setValue(x)
        elif x + self.column_width + 2 * MARGIN > bar.value() + self.viewport().width():
            bar.setValue(x + self.column_width + 2 * MARGIN - self.viewport().width())
        self.viewport().update()

    def _update_scrollbar(self) -> None:
        total = 2 * MARGIN + len(self._cols) * (self.column_width + COLUMN_GAP) - COLUMN_GAP
        bar = self.horizontalScrollBar()
        bar.setRange(0, max(0, total - self.viewport().width()))
        bar.setPageStep(self.viewport().width())
        bar.setSingleStep(self.column_width // 4)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._update_scrollbar()
        for i in range(len(self._cols)):
            self._clamp(i)

    def sizeHint(self) -> QSize:
        return QSize(2 * MARGIN + 6 * (self.column_width + COLUMN_GAP), 600)

    # -- painting -------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self.viewport())
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.viewport().rect(), QColor("#eef1f5"))
        target = (self.drop_target(self._drag_pos, self._drag)
                  if self._drag is not None else None)
        exposed = event.rect()
        for ci in range(len(self._cols)):
            if self.column_rect(ci).intersects(exposed):
                self._paint_column(p, ci, target if target and target.column == ci else None)
        if self._drag is not None:
            r = QRect(self._drag_pos - self._drag_grab, QSize(self.column_width - 12 - SCROLLBAR,
                                                              self.card_height))
            p.setOpacity(0.85)
            self._paint_card(p, r, self._drag, lifted=True)
            p.setOpacity(1.0)
        p.end()

    def _stage_colour(self, stage) -> QColor:
        return QColor(STAGE_COLOURS.get(stage.code, OTHER_STAGE))

    def _paint_column(self, p: QPainter, ci: int, target: DropTarget | None) -> None:
        col = self._cols[ci]
        rect = self.column_rect(ci)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#dfe4ea") if target is None else QColor("#d3e3fd"))
        p.drawRoundedRect(QRectF(rect), 8, 8)
        # header: name and count, then total and weighted amounts
        colour = self._stage_colour(col.stage)
        p.setBrush(colour)
        p.drawRoundedRect(QRectF(rect.left(), rect.top(), rect.width(), 5), 2, 2)
        p.setPen(QColor("#1f2937"))
        p.setFont(self._header_font)
        name = labels.stage_name(col.stage)
        head = QRect(rect.left() + 10, rect.top() + 10, rect.width() - 20, self._head_line)
        count = str(len(col.cards))
        fm = QFontMetrics(self._header_font)
        p.drawText(head, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   fm.elidedText(name, Qt.TextElideMode.ElideRight,
                                 head.width() - fm.horizontalAdvance(count) - 12))
        p.setPen(QColor("#6b7280"))
        p.drawText(head, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, count)
        total, weighted = col.sums()
        p.setFont(self._small_font)
        sums = QRect(rect.left() + 10, head.bottom() + 3, rect.width() - 20, self._sums_line)
        p.setPen(QColor("#374151"))
        p.drawText(sums, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   self.tr("Total %1").replace("%1", labels.money_short(total)))
        if not (col.stage.is_won or col.stage.is_lost):
            p.drawText(sums, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       self.tr("Weighted %1").replace("%1", labels.money_short(weighted)))
        # the visible cards only
        body = self._body_rect(ci)
        p.save()
        p.setClipRect(body)
        first = max(0, (col.offset - CARD_GAP) // self.stride)
        last = min(len(col.cards), (col.offset + body.height()) // self.stride + 1)
        shown = col.cards[first:last + 1]
        skip = self._drag.id if self._drag is not None else None
        row = first
        for card in shown:
            r = self.card_rect(ci, row)
            if r.top() > body.bottom():
                break
            if card.id == skip:
                p.setPen(QPen(QColor("#9ca3af"), 1, Qt.PenStyle.DashLine))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRoundedRect(QRectF(r), 6, 6)
            else:
                self._paint_card(p, r, card, chosen=self.current is not None
                                 and card.id == self.current.id)
            row += 1
        if target is not None:
            # the line where the card would go (rows counted without the dragged card)
            y = body.top() + CARD_GAP + target.index * self.stride - col.offset - CARD_GAP // 2 - 1
            if skip is not None and any(c.id == skip for c in col.cards):
                # the dragged card still takes its place while in its own column
                own = next(i for i, c in enumerate(col.cards) if c.id == skip)
                if target.index > own:
                    y += self.stride
            p.setPen(QPen(QColor("#2563eb"), 3))
            p.drawLine(body.left() + 8, y, body.right() - 8 - SCROLLBAR, y)
        if not col.cards:
            p.setPen(QColor("#9ca3af"))
            p.setFont(self._small_font)
            p.drawText(body.adjusted(0, 20, 0, 0),
                       Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                       self.tr("No deals"))
        p.restore()
        # scroll bar
        content = self._content_height(ci)
        if content > body.height():
            track = QRect(body.right() - SCROLLBAR - 2, body.top() + 4, SCROLLBAR,
                          body.height() - 8)
            h = max(24, track.height() * body.height() // content)
            y = track.top() + (track.height() - h) * col.offset // max(1, self._max_offset(ci))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("#b6bec9"))
            p.drawRoundedRect(QRectF(track.left(), y, SCROLLBAR, h), 3, 3)

    def _paint_card(self, p: QPainter, r: QRect, card: Card, *, chosen: bool = False,
                    lifted: bool = False) -> None:
        p.setPen(QPen(QColor("#2563eb"), 2) if chosen else
                 QPen(QColor("#f59e0b"), 2) if card.stale else QPen(QColor("#d1d5db"), 1))
        p.setBrush(QColor("white"))
        p.drawRoundedRect(QRectF(r).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        if lifted:
            p.setPen(QPen(QColor("#2563eb"), 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRoundedRect(QRectF(r), 6, 6)
        inner = r.adjusted(10, 6, -10, -6)
        line = (inner.height()) // 4
        fm_title = QFontMetrics(self._title_font)
        fm_small = QFontMetrics(self._small_font)
        # 1: title, score badge
        p.setFont(self._title_font)
        p.setPen(QColor("#111827"))
        badge_w = 0
        if self.show_score and card.score is not None:
            badge = str(card.score)
            badge_w = fm_small.horizontalAdvance(badge) + 12
            b = QRect(inner.right() - badge_w + 1, inner.top() + 2, badge_w, line - 3)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("#e0e7ff") if card.score < 60 else QColor("#c7f0d8"))
            p.drawRoundedRect(QRectF(b), 7, 7)
            p.setPen(QColor("#3730a3") if card.score < 60 else QColor("#166534"))
            p.setFont(self._small_font)
            p.drawText(b, Qt.AlignmentFlag.AlignCenter, badge)
            p.setFont(self._title_font)
            p.setPen(QColor("#111827"))
            badge_w += 6
        row1 = QRect(inner.left(), inner.top(), inner.width() - badge_w, line)
        p.drawText(row1, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   fm_title.elidedText(card.title, Qt.TextElideMode.ElideRight, row1.width()))
        # 2: customer
        p.setFont(self._small_font)
        p.setPen(QColor("#4b5563"))
        row2 = QRect(inner.left(), inner.top() + line, inner.width(), line)
        p.drawText(row2, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   fm_small.elidedText(card.customer_name, Qt.TextElideMode.ElideRight,
                                       row2.width()))
        # 3: amount and probability; expected close
        row3 = QRect(inner.left(), inner.top() + 2 * line, inner.width(), line)
        p.setPen(QColor("#111827"))
        p.drawText(row3, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   f"{labels.money(card.amount)} · {card.probability}%")
        if card.expected_close is not None:
            overdue = card.status == "open" and card.expected_close < dt.date.today()
            p.setPen(QColor("#dc2626") if overdue else QColor("#4b5563"))
            p.drawText(row3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       fmt.date_cell(card.expected_close))
        # 4: owner; days in stage (stale flagged)
        row4 = QRect(inner.left(), inner.top() + 3 * line, inner.width(), line)
        days = self.tr("%n day(s)", "", card.days_in_stage)
        days_w = fm_small.horizontalAdvance(days) + (12 if card.stale else 0)
        p.setPen(QColor("#4b5563"))
        p.drawText(row4.adjusted(0, 0, -days_w - 8, 0),
                   Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   fm_small.elidedText(card.owner_name or self.tr("Unassigned"),
                                       Qt.TextElideMode.ElideRight, row4.width() - days_w - 8))
        if card.stale:
            b = QRect(row4.right() - days_w + 1, row4.top() + 1, days_w, row4.height() - 2)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("#fef3c7"))
            p.drawRoundedRect(QRectF(b), 6, 6)
            p.setPen(QColor("#b45309"))
            p.drawText(b, Qt.AlignmentFlag.AlignCenter, days)
        else:
            p.drawText(row4, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, days)

    # -- mouse ----------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        pos = event.position().toPoint()
        ci = self.column_at(pos)
        if ci is not None and self._on_scrollbar(ci, pos):
            self._thumb = (ci, pos.y(), self._cols[ci].offset)
            return
        hit = self.card_at(pos)
        if hit is None:
            self._set_current(None)
            return
        card = self._cols[hit[0]].cards[hit[1]]
        self._set_current(card)
        self._press = (pos, card)
        self._drag_grab = pos - self.card_rect(*hit).topLeft()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        if self._thumb is not None:
            ci, y0, off0 = self._thumb
            body = self._body_rect(ci)
            scale = self._content_height(ci) / max(1, body.height())
            self._cols[ci].offset = int(off0 + (pos.y() - y0) * scale)
            self._clamp(ci)
            self.viewport().update()
            return
        if self._drag is not None:
            self._drag_pos = pos
            self._maybe_autoscroll()
            self.viewport().update()
            return
        if self._press is not None and event.buttons() & Qt.MouseButton.LeftButton:
            start, card = self._press
            if (pos - start).manhattanLength() >= QApplication.startDragDistance():
                self._drag = card
                self._drag_pos = pos
                self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
                self.viewport().update()
            return
        hit = self.card_at(pos)
        self.viewport().setCursor(Qt.CursorShape.OpenHandCursor if hit
                                  else Qt.CursorShape.ArrowCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._thumb = None
        self._press = None
        dragged, self._drag = self._drag, None
        self._autoscroll.stop()
        self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
        if dragged is None:
            return
        self.viewport().update()
        target = self.drop_target(event.position().toPoint(), dragged)
        if target is not None:
            self._drop(dragged, target)

    def _drop(self, card: Card, target: DropTarget) -> None:
        col = self._cols[target.column]
        rest = [c for c in col.cards if c.id != card.id]
        after = rest[target.index - 1] if target.index > 0 else None
        if col.stage.id == card.stage_id:
            own = [c.id for c in col.cards]
            i = own.index(card.id) if card.id in own else -1
            before = col.cards[i - 1] if i > 0 else None
            if (before.id if before else None) == (after.id if after else None):
                return  # dropped where it was
        self.card_dropped.emit(card, col.stage, after)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        hit = self.card_at(pos)
        if hit is not None:
            self.card_activated.emit(self._cols[hit[0]].cards[hit[1]])
            return
        ci = self.column_at(pos)
        if ci is not None and self.column_rect(ci).contains(pos):
            self.new_requested.emit(self._cols[ci].stage)

    def wheelEvent(self, event: QWheelEvent) -> None:
        pos = event.position().toPoint()
        ci = self.column_at(pos)
        dy = event.angleDelta().y()
        if ci is None or event.modifiers() & Qt.KeyboardModifier.ShiftModifier or dy == 0:
            bar = self.horizontalScrollBar()
            bar.setValue(bar.value() - (dy or event.angleDelta().x()))
            return
        self._cols[ci].offset -= dy * self.stride // 120
        self._clamp(ci)
        self.viewport().update()

    def _on_scrollbar(self, ci: int, pos: QPoint) -> bool:
        body = self._body_rect(ci)
        return (self._content_height(ci) > body.height() and body.contains(pos)
                and pos.x() >= body.right() - SCROLLBAR - 4)

    def _maybe_autoscroll(self) -> None:
        ci = self.column_at(self._drag_pos)
        if ci is None:
            self._autoscroll.stop()
            return
        body = self._body_rect(ci)
        near = (self._drag_pos.y() < body.top() + AUTOSCROLL_ZONE
                or self._drag_pos.y() > body.bottom() - AUTOSCROLL_ZONE)
        if near and not self._autoscroll.isActive():
            self._autoscroll.start()
        elif not near:
            self._autoscroll.stop()

    def _autoscroll_step(self) -> None:
        if self._drag is None:
            self._autoscroll.stop()
            return
        ci = self.column_at(self._drag_pos)
        if ci is None:
            return
        body = self._body_rect(ci)
        step = -self.stride // 3 if self._drag_pos.y() < body.top() + AUTOSCROLL_ZONE \
            else self.stride // 3
        self._cols[ci].offset += step
        self._clamp(ci)
        self.viewport().update()

    def leaveEvent(self, event) -> None:
        QToolTip.hideText()
        super().leaveEvent(event)

    def viewportEvent(self, event) -> bool:
        if event.type() == event.Type.ToolTip:
            hit = self.card_at(event.pos())
            if hit is not None:
                card = self._cols[hit[0]].cards[hit[1]]
                QToolTip.showText(event.globalPos(), self._tooltip(card), self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def _tooltip(self, card: Card) -> str:
        parts = [card.title, card.customer_name,
                 self.tr("Amount %1 at %2%, weighted %3").replace("%1", labels.money(card.amount))
                 .replace("%2", str(card.probability))
                 .replace("%3", labels.money(card.weighted))]
        if card.stale:
            parts.append(self.tr("No change for %n day(s): move it on", "", card.days_in_stage))
        if self.show_score and card.score is not None:
            parts.append(self.tr("Lead score %1").replace("%1", str(card.score)))
            if self.explain_score is not None:
                parts += ["  " + line for line in self.explain_score(card)]
        return "\n".join(parts)

    # -- keyboard -------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape and self._drag is not None:
            self._drag = None
            self._press = None
            self._autoscroll.stop()
            self.viewport().update()
            return
        found = self.find(self.current.id) if self.current is not None else None
        if found is None:
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Right, Qt.Key.Key_Left, Qt.Key.Key_Up):
                first = next(((ci, 0) for ci, c in enumerate(self._cols) if c.cards), None)
                if first:
                    self._choose(*first)
                return
            return super().keyPressEvent(event)
        ci, ri = found
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.card_activated.emit(self.current)
        elif ctrl and key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            to = ci + (1 if key == Qt.Key.Key_Right else -1)
            if 0 <= to < len(self._cols):
                self.card_dropped.emit(self.current, self._cols[to].stage, None)
        elif key == Qt.Key.Key_Down:
            self._choose(ci, min(ri + 1, len(self._cols[ci].cards) - 1))
        elif key == Qt.Key.Key_Up:
            self._choose(ci, max(ri - 1, 0))
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            step = 1 if key == Qt.Key.Key_Right else -1
            to = ci + step
            while 0 <= to < len(self._cols) and not self._cols[to].cards:
                to += step
            if 0 <= to < len(self._cols):
                self._choose(to, min(ri, len(self._cols[to].cards) - 1))
        else:
            super().keyPressEvent(event)

    def _choose(self, ci: int, ri: int) -> None:
        card = self._cols[ci].cards[ri]
        self._set_current(card)
        self.ensure_visible(card.id)

    def _set_current(self, card: Card | None) -> None:
        changed = (self.current.id if self.current else None) != (card.id if card else None)
        self.current = card
        self.viewport().update()
        if changed:
            self.current_changed.emit(card)

    def card_center(self, card_id: uuid.UUID) -> QPoint:
        """Where a card is on screen (viewport coordinates): for tests and the benchmark."""
        ci, ri = self.find(card_id)
        self.ensure_visible(card_id)
        return self.card_rect(ci, ri).center()

    def drop_point(self, column: int, index: int) -> QPoint:
        """A viewport point that drops a card at ``index`` of ``column``."""
        body = self._body_rect(column)
        y = body.top() + CARD_GAP + index * self.stride - self._cols[column].offset \
            - self.stride // 4
        return QPoint(body.center().x(), max(body.top() + 2, y))

