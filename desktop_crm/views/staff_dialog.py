"""Staff accounts (admins): who may log in, with which role, team and rights.

Add makes the person and, on the office database, their own server login; the first password
is shown once, to hand over. Disable stops the login without touching their records. On this
computer's database a password is only asked when several people share the PC.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView,
    QLabel, QLineEdit, QMessageBox, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout,
)

from desktop_crm.services.access import PERMISSIONS
from desktop_crm.services.errors import PermissionDenied, ServiceError, ValidationError
from desktop_crm.services.staff import StaffMember, StaffService

from . import labels
from .widgets import note_label

def role_name(role: str) -> str:
    from PySide6.QtCore import QCoreApplication

    names = {"admin": QCoreApplication.translate("StaffDialog", "Administrator"),
             "manager": QCoreApplication.translate("StaffDialog", "Manager"),
             "sales": QCoreApplication.translate("StaffDialog", "Salesperson"),
             "service": QCoreApplication.translate("StaffDialog", "Service agent")}
    return names.get(role, role)


def permission_name(p: str) -> str:
    from PySide6.QtCore import QCoreApplication

    names = {"export": QCoreApplication.translate("StaffDialog", "Export data"),
             "bulk_delete": QCoreApplication.translate("StaffDialog",
                                                       "Delete several records at once"),
             "see_sensitive": QCoreApplication.translate(
                 "StaffDialog", "See every phone, e-mail and address"),
             "manage_users": QCoreApplication.translate("StaffDialog", "Manage staff accounts"),
             "audit": QCoreApplication.translate("StaffDialog", "Read the whole audit log")}
    return names.get(p, p)


def error_text(err: ServiceError) -> str:
    if isinstance(err, PermissionDenied):
        return labels.permission_text(err)
    if isinstance(err, ValidationError):
        from PySide6.QtCore import QCoreApplication

        special = {
            "login_exists": QCoreApplication.translate(
                "StaffDialog", "The server already has a login called %1 (perhaps for another "
                "database). Choose another user name."),
            "invalid_login": QCoreApplication.translate(
                "StaffDialog", "A user name is 2-63 lower-case letters, digits, _ . or -, "
                "starting with a letter: %1"),
            "cannot_disable_self": QCoreApplication.translate(
                "StaffDialog", "You cannot disable your own account."),
            "cannot_demote_self": QCoreApplication.translate(
                "StaffDialog", "You cannot take away your own administrator role."),
        }
        return "\n".join(special[e.code].replace("%1", e.value) if e.code in special
                         else labels.error_text(e) for e in err.errors)
    return str(err)


class MemberDialog(QDialog):
    """Add a member (``member`` None) or change one."""

    def __init__(self, staff: StaffService, member: StaffMember | None = None, parent=None):
        super().__init__(parent)
        self.staff = staff
        self.member = member
        self.setWindowTitle(self.tr("New staff member") if member is None
                            else self.tr("Staff member %1").replace("%1", member.username))
        self.username = QLineEdit(member.username if member else "")
        self.username.setReadOnly(member is not None)
        self.username.setPlaceholderText(self.tr("e.g. wangwei (used to log in)"))
        self.display_name = QLineEdit(member.display_name if member else "")
        self.display_name.setPlaceholderText(self.tr("e.g. 王伟"))
        self.role = QComboBox()
        for r in ("sales", "service", "manager", "admin"):
            self.role.addItem(role_name(r), r)
        self.role.setCurrentIndex(max(0, self.role.findData(member.role if member else "sales")))
        self.team = QComboBox()
        self.team.setEditable(True)
        self.team.addItems([""] + staff.teams())
        self.team.setEditText(member.team if member else "")
        self.manager = QComboBox()
        self.manager.addItem(self.tr("Nobody"), None)
        for m in staff.list(include_inactive=False):
            if member is None or m.id != member.id:
                self.manager.addItem(m.display_name, m.id)
        if member and member.manager_id:
            self.manager.setCurrentIndex(max(0, self.manager.findData(member.manager_id)))
        self.rights = {}
        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Name"), self.display_name)
        form.addRow(self.tr("Role"), self.role)
        form.addRow(self.tr("Team"), self.team)
        form.addRow(self.tr("Reports to"), self.manager)
        self.password = None
        if member is None:
            self.password = QLineEdit()
            self.password.setEchoMode(QLineEdit.EchoMode.Password)
            self.password.setPlaceholderText(
                self.tr("Leave empty to make one up") if not staff.db.is_sqlite else
                self.tr("Only needed when several people share this PC"))
            form.addRow(self.tr("Password"), self.password)
        box = QVBoxLayout()
        for p in PERMISSIONS:
            check = QCheckBox(permission_name(p))
            check.setChecked(bool(member and p in member.permissions))
            self.rights[p] = check
            box.addWidget(check)
        form.addRow(self.tr("Extra rights"), box)
        note = note_label(self.tr("A role brings its own rights (a manager exports and sees "
                                  "phone numbers, an administrator everything); tick what this "
                                  "person needs beyond that."))
        self.message = QLabel()
        self.message.setStyleSheet("color: #c62828;")
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save |
                                   QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(self.message)
        lay.addWidget(buttons)
        self.new_password = ""

    def save(self) -> bool:
        rights = [p for p, c in self.rights.items() if c.isChecked()]
        try:
            if self.member is None:
                added, self.new_password = self.staff.add(
                    self.username.text(), self.display_name.text(), self.role.currentData(),
                    self.team.currentText(), self.password.text() or None,
                    self.manager.currentData())
                if rights:
                    self.staff.update(added.id, permissions=rights)
            else:
                self.staff.update(self.member.id, role=self.role.currentData(),
                                  team=self.team.currentText(),
                                  display_name=self.display_name.text(),
                                  manager_id=self.manager.currentData(), permissions=rights)
        except ServiceError as err:
            self.message.setText(error_text(err))
            self.message.show()
            return False
        self.accept()
        return True


class StaffDialog(QDialog):
    """The list of staff accounts with Add, Edit, Disable / Enable and Reset password."""

    def __init__(self, services, parent=None):
        super().__init__(parent)
        self.services = services
        self.staff = StaffService(services.db, services.user)
        self.setWindowTitle(self.tr("Staff accounts"))
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([
            self.tr("User name"), self.tr("Name"), self.tr("Role"), self.tr("Team"),
            self.tr("Reports to"), self.tr("Status")])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.edit())
        self.add_button = QPushButton(self.tr("Add…"))
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.toggle_button = QPushButton(self.tr("Disable"))
        self.password_button = QPushButton(self.tr("Reset password…"))
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.toggle_button.clicked.connect(self.toggle)
        self.password_button.clicked.connect(self.reset_password)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        where = (self.tr("Each person logs in to the office database with their own user name "
                         "and password; what they see follows their role.")
                 if not services.db.is_sqlite else
                 self.tr("On this computer's database, a password is asked at start-up only "
                         "once someone has one: set one for everyone who shares this PC."))
        note = note_label(where)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.toggle_button, self.password_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(note)
        lay.addWidget(self.table)
        lay.addWidget(self.message)
        lay.addLayout(buttons)
        self.resize(self.fontMetrics().horizontalAdvance("M") * 60,
                    self.fontMetrics().height() * 28)
        self.members: list[StaffMember] = []
        self.load()

    def load(self, select_id=None) -> None:
        self.members = self.staff.list()
        self.table.setRowCount(len(self.members))
        for row, m in enumerate(self.members):
            values = (m.username, m.display_name, role_name(m.role), m.team, m.manager,
                      self.tr("Active") if m.active else self.tr("Disabled"))
            for col, v in enumerate(values):
                item = QTableWidgetItem(v)
                if not m.active:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(row, col, item)
            if m.id == select_id:
                self.table.selectRow(row)
        self._selection_changed()

    def selected(self) -> StaffMember | None:
        rows = self.table.selectionModel().selectedRows()
        return self.members[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        m = self.selected()
        for b in (self.edit_button, self.toggle_button, self.password_button):
            b.setEnabled(m is not None)
        self.toggle_button.setText(self.tr("Enable") if m is not None and not m.active
                                   else self.tr("Disable"))

    def _say(self, text: str, ok: bool = True) -> None:
        self.message.setStyleSheet("color: #2e7d32;" if ok else "color: #c62828;")
        self.message.setText(text)
        self.message.show()

    def _show_password(self, member_name: str, password: str) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Password"), self.tr(
            "The password of %1 is:\n\n%2\n\nHand it over now: it is not shown again, and "
            "Desktop CRM does not keep it.").replace("%1", member_name).replace("%2", password),
            QMessageBox.StandardButton.Ok, self)
        copy = box.addButton(self.tr("Copy"), QMessageBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(password))
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.open()
        return box

    def add(self) -> MemberDialog:
        dlg = MemberDialog(self.staff, None, self)

        def done() -> None:
            name = dlg.username.text().strip().lower()
            self.load()
            self._say(self.tr("%1 added").replace("%1", name))
            if dlg.new_password and not dlg.password.text():
                self._show_password(name, dlg.new_password)
        dlg.accepted.connect(done)
        dlg.open()
        return dlg

    def edit(self) -> MemberDialog | None:
        m = self.selected()
        if m is None:
            return None
        dlg = MemberDialog(self.staff, m, self)
        dlg.accepted.connect(lambda: (self.load(m.id), self._say(
            self.tr("%1 saved").replace("%1", m.username))))
        dlg.open()
        return dlg

    def toggle(self) -> None:
        m = self.selected()
        if m is None:
            return
        try:
            self.staff.set_active(m.id, not m.active)
        except ServiceError as err:
            self._say(error_text(err), ok=False)
            return
        self.load(m.id)
        self._say((self.tr("%1 can log in again") if not m.active else
                   self.tr("%1 can no longer log in; their customers and history stay"))
                  .replace("%1", m.username))

    def reset_password(self) -> QMessageBox | None:
        m = self.selected()
        if m is None:
            return None
        try:
            password = self.staff.reset_password(m.id)
        except ServiceError as err:
            self._say(error_text(err), ok=False)
            return None
        self._say(self.tr("New password set for %1").replace("%1", m.username))
        return self._show_password(m.username, password)
