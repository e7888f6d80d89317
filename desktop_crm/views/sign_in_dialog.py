"""Who is at this PC: several people sharing one computer's database sign in with their own
name and password (set by an administrator in Staff accounts). On the office database the
server checks each person's own login instead, so this is never shown there."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout,
)

from desktop_crm.services.staff import sign_in


class SignInDialog(QDialog):
    def __init__(self, services, parent=None):
        super().__init__(parent)
        self.services = services
        self.user = None
        self.setWindowTitle(self.tr("Sign in"))
        self.who = QComboBox()
        for u in services.users.list():
            self.who.addItem(f"{u.display_name} ({u.username})", u.username)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setStyleSheet("color: #c62828;")
        self.message.setWordWrap(True)
        self.message.hide()
        intro = QLabel(self.tr("Several people use Desktop CRM on this computer. Choose your "
                               "name and type your password."))
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.who)
        form.addRow(self.tr("Password"), self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                   QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Sign in"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.try_sign_in)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(self.message)
        lay.addWidget(buttons)
        self.password.setFocus()

    def try_sign_in(self) -> bool:
        user = sign_in(self.services.db, self.who.currentData() or "", self.password.text())
        if user is None:
            self.message.setText(self.tr("That password is not right for this name."))
            self.message.show()
            self.password.selectAll()
            self.password.setFocus()
            return False
        self.user = user
        self.accept()
        return True
