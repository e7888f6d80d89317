"""The Calendar section's pages besides the grids: the today list (today's and overdue
follow-ups with one-click Done and Tomorrow, and the customers neglected by their cadence),
the agenda list, and the printed agenda."""

from __future__ import annotations

import datetime as dt
import html
import uuid

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QTextDocument
from PySide6.QtWidgets import (
    QApplication, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSplitter, QStyle,
    QStyledItemDelegate, QStyleOptionButton, QToolTip, QTreeWidget, QTreeWidgetItem,
    QVBoxLayout, QWidget,
)

from desktop_crm.services.calendar_items import CalendarItem, DayMark
from desktop_crm.services.followups import AgendaEntry, Neglected, TodayList

from . import fmt, labels
from .calendar_views import TYPE_COLOURS
from . import ui_state

OVERDUE = "#c62828"
ID_ROLE = Qt.ItemDataRole.UserRole


def day_title(day: dt.date) -> str:
    """"Thursday, 26 November" in the user's language."""
    return fmt.weekday_day_long(day)


def time_range(item: CalendarItem, tz) -> str:
    start = item.start.astimezone(tz)
    end = item.end.astimezone(tz)
    return f"{start:%H:%M}–{end:%H:%M}"


def _type_brush(code: str) -> QBrush:
    return QBrush(QColor(TYPE_COLOURS.get(code, "#64748b")))


class RowActions(QStyledItemDelegate):
    """Buttons painted in a cell, no widget per row (500 rows of three tool buttons took
    three seconds to build). Signals:
        clicked(str, str): the row's activity id and the button's action
    """

    clicked = Signal(str, str)

    def __init__(self, buttons: list[tuple[str, str]], parent=None):
        super().__init__(parent)
        self.buttons = buttons  # (action, label)
        self.tips: dict[str, str] = {}
        self._pressed: tuple[str, str] | None = None

    def button_rects(self, cell: QRect, fm) -> list[QRect]:
        out, x = [], cell.left() + 3
        for _action, text in self.buttons:
            w = fm.horizontalAdvance(text) + 16
            out.append(QRect(x, cell.top() + 2, w, max(10, cell.height() - 4)))
            x += w + 4
        return out

    def width_hint(self, fm) -> int:
        return sum(fm.horizontalAdvance(t) + 20 for _a, t in self.buttons) + 6

    def paint(self, painter, option, index) -> None:
        super().paint(painter, option, index)
        if not index.siblingAtColumn(0).data(ID_ROLE):
            return
        style = option.widget.style() if option.widget else QApplication.style()
        for r, (_action, text) in zip(self.button_rects(option.rect, option.fontMetrics),
                                      self.buttons):
            btn = QStyleOptionButton()
            btn.rect = r
            btn.text = text
            btn.fontMetrics = option.fontMetrics
            btn.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Raised
            style.drawControl(QStyle.ControlElement.CE_PushButton, btn, painter,
                              option.widget)

    def editorEvent(self, event, model, option, index) -> bool:
        aid = index.siblingAtColumn(0).data(ID_ROLE)
        if not aid or event.type() not in (QEvent.Type.MouseButtonPress,
                                           QEvent.Type.MouseButtonRelease):
            return False
        pos = event.position().toPoint()
        for r, (action, _text) in zip(self.button_rects(option.rect, option.fontMetrics),
                                      self.buttons):
            if r.contains(pos):
                if event.type() == QEvent.Type.MouseButtonPress:
                    self._pressed = (aid, action)
                elif self._pressed == (aid, action):
                    self._pressed = None
                    self.clicked.emit(aid, action)
                return True
        self._pressed = None
        return False

    def helpEvent(self, event, view, option, index) -> bool:
        for r, (action, _t) in zip(self.button_rects(option.rect, option.fontMetrics),
                                   self.buttons):
            if r.contains(event.pos()) and action in self.tips:
                QToolTip.showText(event.globalPos(), self.tips[action], view)
                return True
        return super().helpEvent(event, view, option, index)


class TodayPanel(QWidget):
    """The start page: what is due today and what is overdue, and the neglected customers.

    Signals:
        done_requested(object): complete this CalendarItem at once (next by the cadence)
        note_requested(object): complete it with an outcome note (the form)
        tomorrow_requested(object): move it to tomorrow, same time
        open_requested(object): open the activity id in its form
        plan_requested(object): plan a follow-up for this Neglected customer
        customer_requested(object): open this customer id
    """

    done_requested = Signal(object)
    note_requested = Signal(object)
    tomorrow_requested = Signal(object)
    open_requested = Signal(object)
    plan_requested = Signal(object)
    customer_requested = Signal(object)

    def __init__(self, tz, parent=None):
        super().__init__(parent)
        self.tz = tz
        self.items: list[CalendarItem] = []
        self.listed: TodayList | None = None
        self.neglected: list[Neglected] = []
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 6, 0)
        self.heading = QLabel()
        font = self.heading.font()
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        self.heading.setFont(font)
        ll.addWidget(self.heading)
        self.summary = QLabel()
        self.summary.setStyleSheet("color: #475569;")
        ll.addWidget(self.summary)
        self.tree = QTreeWidget()
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels([self.tr("When"), self.tr("Type"), self.tr("Customer"),
                                   self.tr("Subject"), ""])
        self.tree.header().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(False)
        self.tree.itemDoubleClicked.connect(self._open)
        self.actions = RowActions([("done", self.tr("Done")), ("note", self.tr("Note…")),
                                   ("tomorrow", self.tr("Tomorrow"))], self.tree)
        self.actions.tips = {
            "done": self.tr("Mark done; the next follow-up is planned by the cadence"),
            "note": self.tr("Complete with an outcome note"),
            "tomorrow": self.tr("Reschedule to tomorrow, same time")}
        self.actions.clicked.connect(self._action)
        self.tree.setItemDelegateForColumn(4, self.actions)
        ll.addWidget(self.tree, 1)
        split.addWidget(left)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(6, 0, 0, 0)
        title = QLabel(self.tr("Neglected customers"))
        title.setFont(font)
        rl.addWidget(title)
        self.neglected_note = QLabel(self.tr(
            "Due for a follow-up by their tier's cadence, with nothing planned"))
        self.neglected_note.setWordWrap(True)
        self.neglected_note.setStyleSheet("color: #475569;")
        rl.addWidget(self.neglected_note)
        self.neglected_tree = QTreeWidget()
        self.neglected_tree.setRootIsDecorated(False)
        self.neglected_tree.setHeaderLabels([self.tr("Customer"), self.tr("Tier"),
                                             self.tr("Last contact"), self.tr("Due")])
        self.neglected_tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.neglected_tree.itemDoubleClicked.connect(self._open_customer)
        rl.addWidget(self.neglected_tree, 1)
        buttons = QHBoxLayout()
        self.plan_button = QPushButton(self.tr("Plan follow-up…"))
        self.plan_button.clicked.connect(self._plan)
        buttons.addStretch(1)
        buttons.addWidget(self.plan_button)
        rl.addLayout(buttons)
        split.addWidget(right)
        split.setSizes([640, 420])
        ui_state.remember_splitter(split, "calendar/today")
        lay = QVBoxLayout(self)
        lay.addWidget(split)

    def set_items(self, listed: TodayList, now: dt.datetime) -> None:
        self.listed = listed
        self.items = listed.items
        today = now.astimezone(self.tz).date()
        self.heading.setText(self.tr("Today, %1").replace("%1", day_title(today)))
        late_today = sum(1 for i in listed.today if i.overdue)
        self.summary.setText(
            self.tr("%n follow-up(s) today", "", len(listed.today)) + " · "
            + self.tr("%n overdue", "", listed.overdue_total + late_today))
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        groups = [(self.tr("Today (%1)").replace("%1", str(len(listed.today))), listed.today)]
        if listed.overdue:
            title = self.tr("Overdue (%1)").replace("%1", fmt.number(listed.overdue_total))
            if listed.overdue_total > len(listed.overdue):
                title += " · " + self.tr("the latest %1 shown").replace(
                    "%1", str(len(listed.overdue)))
            groups.append((title, listed.overdue))
        for title, items in groups:
            head = QTreeWidgetItem([title])
            head.setFirstColumnSpanned(True)
            head.setFont(0, bold)
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(head)
            for it in items:
                head.addChild(self._row(it, today))
            if not items:
                empty = QTreeWidgetItem([self.tr("Nothing due today. Well done.")])
                empty.setFirstColumnSpanned(True)
                empty.setFlags(Qt.ItemFlag.NoItemFlags)
                head.addChild(empty)
            head.setExpanded(True)
        for col in range(3):
            self.tree.resizeColumnToContents(col)
        self.tree.setColumnWidth(4, self.actions.width_hint(self.tree.fontMetrics()))

    def _row(self, it: CalendarItem, today: dt.date) -> QTreeWidgetItem:
        start = it.start.astimezone(self.tz)
        if start.date() < today:
            when = self.tr("%n day(s) overdue", "", (today - start.date()).days)
        else:
            when = time_range(it, self.tz)
        row = QTreeWidgetItem([when, labels.label(labels.ACTIVITY_TYPES, it.type),
                               it.customer_name, it.subject, ""])
        row.setData(0, ID_ROLE, str(it.id))
        row.setForeground(1, _type_brush(it.type))
        if it.overdue:
            for col in range(4):
                row.setForeground(col, QBrush(QColor(OVERDUE)))
        if it.recurring:
            row.setToolTip(3, self.tr("Repeats"))
        return row

    def _action(self, activity_id: str, action: str) -> None:
        item = next((i for i in self.items if str(i.id) == activity_id), None)
        if item is None:
            return
        {"done": self.done_requested, "note": self.note_requested,
         "tomorrow": self.tomorrow_requested}[action].emit(item)

    def _row_of(self, activity_id) -> QTreeWidgetItem | None:
        for g in range(self.tree.topLevelItemCount()):
            head = self.tree.topLevelItem(g)
            for k in range(head.childCount()):
                if head.child(k).data(0, ID_ROLE) == str(activity_id):
                    return head.child(k)
        return None

    def action_point(self, activity_id, action: str) -> QPoint:
        """Where the row's ``action`` button is (viewport coordinates), for tests."""
        row = self._row_of(activity_id)
        self.tree.scrollToItem(row)
        rect = self.tree.visualItemRect(row)
        cell = QRect(self.tree.header().sectionViewportPosition(4), rect.top(),
                     self.tree.header().sectionSize(4), rect.height())
        return self.actions.button_rects(cell, self.tree.fontMetrics())[
            [a for a, _t in self.actions.buttons].index(action)].center()

    def set_neglected(self, rows: list[Neglected], now: dt.datetime) -> None:
        self.neglected = rows
        self.neglected_tree.clear()
        today = now.astimezone(self.tz).date()
        for n in rows:
            due = n.due.astimezone(self.tz).date()
            late = (today - due).days
            due_text = self.tr("%n day(s) ago", "", late) if late > 0 else (
                self.tr("today") if late == 0 else self.tr("in %n day(s)", "", -late))
            last = fmt.date_cell(n.last_contact, self.tr("never"), self.tz)
            row = QTreeWidgetItem([n.name, labels.label(labels.TIERS, n.tier), last, due_text])
            row.setData(0, ID_ROLE, str(n.customer_id))
            if late > 0:
                row.setForeground(3, QBrush(QColor(OVERDUE)))
            self.neglected_tree.addTopLevelItem(row)
        self.neglected_note.setText(self.tr(
            "Due for a follow-up by their tier's cadence, with nothing planned"))
        for col in (1, 2, 3):
            self.neglected_tree.resizeColumnToContents(col)
        self.plan_button.setEnabled(bool(rows))

    def _open(self, row: QTreeWidgetItem, _col: int = 0) -> None:
        aid = row.data(0, ID_ROLE)
        if aid:
            self.open_requested.emit(uuid.UUID(aid))

    def _open_customer(self, row: QTreeWidgetItem, _col: int = 0) -> None:
        cid = row.data(0, ID_ROLE)
        if cid:
            self.customer_requested.emit(uuid.UUID(cid))

    def _plan(self) -> None:
        row = self.neglected_tree.currentItem() or self.neglected_tree.topLevelItem(0)
        if row is None:
            return
        cid = row.data(0, ID_ROLE)
        n = next((x for x in self.neglected if str(x.customer_id) == cid), None)
        if n is not None:
            self.plan_requested.emit(n)


class AgendaView(QTreeWidget):
    """The agenda: the period's follow-ups as a list grouped by day.

    Signals:
        item_activated(str): the activity id, on double-click
    """

    item_activated = Signal(str)

    def __init__(self, tz, parent=None):
        super().__init__(parent)
        self.tz = tz
        self.setHeaderLabels([self.tr("Time"), self.tr("Type"), self.tr("Customer"),
                              self.tr("Subject"), self.tr("Owner")])
        self.header().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.itemDoubleClicked.connect(self._activated)

    def set_items(self, items: list[CalendarItem], marks: dict[dt.date, DayMark],
                  limited: bool = False) -> None:
        """``limited``: ``items`` are the first of more (a note says so at the end)."""
        self.clear()
        days: dict[dt.date, list[CalendarItem]] = {}
        for it in items:
            days.setdefault(it.start.astimezone(self.tz).date(), []).append(it)
        bold = QFont(self.font())
        bold.setBold(True)
        for day, its in days.items():
            title = day_title(day)
            mark = marks.get(day)
            if mark is not None:
                title += "  · " + (mark.name or (self.tr("Holiday") if mark.is_holiday
                                                  else self.tr("Working day")))
            head = QTreeWidgetItem([title, "", "", self.tr("%n follow-up(s)", "", len(its))])
            head.setFirstColumnSpanned(False)
            head.setFont(0, bold)
            if mark is not None and mark.is_holiday:
                head.setForeground(0, QBrush(QColor(OVERDUE)))
            self.addTopLevelItem(head)
            for it in its:
                row = QTreeWidgetItem([time_range(it, self.tz),
                                       labels.label(labels.ACTIVITY_TYPES, it.type),
                                       it.customer_name, it.subject, it.owner_name])
                row.setData(0, ID_ROLE, str(it.id))
                row.setForeground(1, _type_brush(it.type))
                if it.overdue:
                    row.setForeground(0, QBrush(QColor(OVERDUE)))
                if it.done:
                    for col in range(5):
                        row.setForeground(col, QBrush(QColor("#94a3b8")))
                head.addChild(row)
            head.setExpanded(True)
        if not days:
            self.addTopLevelItem(QTreeWidgetItem([self.tr("No follow-ups in this period")]))
        if limited:
            note = QTreeWidgetItem([self.tr(
                "Only the first %1 follow-ups are listed: choose an owner or types to see "
                "the rest").replace("%1", fmt.number(len(items)))])
            note.setFirstColumnSpanned(True)
            note.setForeground(0, QBrush(QColor("#b45309")))
            self.addTopLevelItem(note)
        for col in (0, 1, 2, 4):
            self.resizeColumnToContents(col)

    def _activated(self, row: QTreeWidgetItem, _col: int) -> None:
        aid = row.data(0, ID_ROLE)
        if aid:
            self.item_activated.emit(aid)


def agenda_html(entries: list[AgendaEntry], marks: dict[dt.date, DayMark], tz, *,
                title: str, subtitle: str) -> str:
    """The printed agenda: one block per day, each follow-up with where and how to reach the
    customer (a salesperson's trip sheet)."""
    esc = html.escape
    out = [f"<h2 style='margin:0'>{esc(title)}</h2>",
           f"<p style='color:#475569;margin-top:2px'>{esc(subtitle)}</p>"]
    days: dict[dt.date, list[AgendaEntry]] = {}
    for e in entries:
        days.setdefault(e.item.start.astimezone(tz).date(), []).append(e)
    head = "".join(f"<th align='left' style='border-bottom:1px solid #94a3b8'>{esc(h)}</th>"
                   for h in (QCoreApplication.translate("Calendar", "Time"), QCoreApplication.translate("Calendar", "Type"),
                             QCoreApplication.translate("Calendar", "Customer"), QCoreApplication.translate("Calendar", "Subject"),
                             QCoreApplication.translate("Calendar", "Contact and phone"), QCoreApplication.translate("Calendar", "Address")))
    for day, rows in days.items():
        mark = marks.get(day)
        note = f" · {esc(mark.name)}" if mark is not None and mark.name else ""
        out.append(f"<h3 style='margin-bottom:2px'>{esc(day_title(day))}{note}</h3>")
        out.append("<table width='100%' cellspacing='0' cellpadding='3'>"
                   f"<tr>{head}</tr>")
        for e in rows:
            it = e.item
            contact = " ".join(x for x in (e.contact_name, e.contact_phone) if x)
            phones = "<br>".join(esc(x) for x in (contact, e.phone) if x)
            done = QCoreApplication.translate("Calendar", "done")
            state = f" ({esc(done)})" if it.done else ""
            out.append(
                "<tr>"
                f"<td valign='top' style='border-bottom:1px solid #e2e8f0'>"
                f"{esc(time_range(it, tz))}</td>"
                f"<td valign='top' style='border-bottom:1px solid #e2e8f0'>"
                f"{esc(labels.label(labels.ACTIVITY_TYPES, it.type))}</td>"
                f"<td valign='top' style='border-bottom:1px solid #e2e8f0'><b>"
                f"{esc(it.customer_name)}</b><br><span style='color:#64748b'>"
                f"{esc(e.customer_code)}</span></td>"
                f"<td valign='top' style='border-bottom:1px solid #e2e8f0'>{esc(it.subject)}"
                f"{state}{'<br><i>' + esc(e.notes) + '</i>' if e.notes else ''}</td>"
                f"<td valign='top' style='border-bottom:1px solid #e2e8f0'>{phones}</td>"
                f"<td valign='top' style='border-bottom:1px solid #e2e8f0'>"
                f"{esc(e.address)}</td></tr>")
        out.append("</table>")
    if not days:
        empty = QCoreApplication.translate("Calendar", "No follow-ups in this period")
        out.append(f"<p>{esc(empty)}</p>")
    return "".join(out)


def agenda_document(entries, marks, tz, *, title: str, subtitle: str) -> QTextDocument:
    doc = QTextDocument()
    doc.setDefaultFont(QFont(QFont().family(), 9))
    doc.setHtml(agenda_html(entries, marks, tz, title=title, subtitle=subtitle))
    return doc
