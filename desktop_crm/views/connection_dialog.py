"""Connecting to the office database: the form (host, port, database, user, password, SSL),
a Test that explains a failure in plain words, and the password prompt at start-up when the
computer has no secure keyring or nothing is stored in it."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QThreadPool, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
    QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from desktop_crm.services import connection
from desktop_crm.services.connection import SSL_MODES, Check, ServerConnection

from .widgets import note_label
from .workers import Worker, guarded

OK_STYLE = "color: #2e7d32;"
BAD_STYLE = "color: #c62828;"


# what a connection attempt found (services.connection.Check codes), in the user's words;
# %1 / %2 are filled in by check_text
CHECK_TEXTS = {
    "ok": QT_TRANSLATE_NOOP(
        "Connection",
        "Connected. The database is ready (PostgreSQL %1)."),
    "unknown_host": QT_TRANSLATE_NOOP(
        "Connection",
        "No computer called \u201c%1\u201d was found on the network. Check the server "
        "name, or use its IP address."),
    "unreachable": QT_TRANSLATE_NOOP(
        "Connection",
        "The server %1 does not answer on port %2. Check the address and the "
        "port, that the database server is running, and that no firewall "
        "blocks the port."),
    "timeout": QT_TRANSLATE_NOOP(
        "Connection",
        "The server %1 did not answer in time. It may be switched off, or a "
        "firewall may be blocking port %2."),
    "not_postgres": QT_TRANSLATE_NOOP(
        "Connection",
        "Something answers at %1 port %2, but it is not a PostgreSQL server. "
        "Check the port (PostgreSQL usually uses 5432)."),
    "login_failed": QT_TRANSLATE_NOOP(
        "Connection",
        "The server did not accept the user name \u201c%1\u201d with this password. "
        "Check both; your administrator can reset the password."),
    "password_required": QT_TRANSLATE_NOOP(
        "Connection",
        "The server asks for a password: type it in the password field."),
    "no_database": QT_TRANSLATE_NOOP(
        "Connection",
        "The server has no database called \u201c%1\u201d. Check the name with your "
        "administrator."),
    "ssl_unsupported": QT_TRANSLATE_NOOP(
        "Connection",
        "The server does not accept encrypted (SSL) connections. Choose the "
        "SSL mode \u201cprefer\u201d, or ask your administrator to turn SSL on."),
    "no_access": QT_TRANSLATE_NOOP(
        "Connection",
        "Connected, but your login may not read the Desktop CRM tables. Ask "
        "your administrator to give your login access."),
    "empty": QT_TRANSLATE_NOOP(
        "Connection",
        "Connected, but Desktop CRM has not been set up in this database yet."
        " An administrator can set it up now."),
    "older": QT_TRANSLATE_NOOP(
        "Connection",
        "This database was set up by an older version of Desktop CRM (schema "
        "%1, this app needs %2). An administrator should upgrade it once for "
        "everyone: click Upgrade database, or run \u201cdesktop-crm init\u201d."),
    "newer": QT_TRANSLATE_NOOP(
        "Connection",
        "This database was upgraded by a newer version of Desktop CRM (schema"
        " %1). Install the newer version of the app on this computer first."),
    "failed": QT_TRANSLATE_NOOP(
        "Connection",
        "Could not connect: %1"),
}


def check_text(result: Check, conn: ServerConnection) -> str:
    """What a connection attempt found, in the user's words."""
    code = result.code if result.code in CHECK_TEXTS else "failed"
    values = {
        "ok": (result.server_version,), "unknown_host": (conn.host,),
        "unreachable": (conn.host, str(conn.port)), "timeout": (conn.host, str(conn.port)),
        "not_postgres": (conn.host, str(conn.port)), "login_failed": (conn.user,),
        "no_database": (conn.database,), "older": (result.revision or "", result.head or ""),
        "newer": (result.revision or "",), "failed": (result.detail or result.code,),
    }.get(code, ())
    text = QCoreApplication.translate("Connection", CHECK_TEXTS[code])
    for n, value in enumerate(values, 1):
        text = text.replace(f"%{n}", value)
    return text


class ConnectionForm(QWidget):
    """The fields and the Test button. ``checked(ok)`` after every test; ``result`` is the
    last outcome for the values now in the form (None once a field changes)."""

    checked = Signal(bool)

    def __init__(self, conn: ServerConnection | None = None, parent=None):
        super().__init__(parent)
        conn = conn or ServerConnection(host="", user="")
        self.result: Check | None = None
        self._worker: Worker | None = None
        self.host = QLineEdit(conn.host)
        self.host.setPlaceholderText(self.tr("e.g. crm-server or 192.168.1.20"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(conn.port)
        self.database = QLineEdit(conn.database)
        self.user = QLineEdit(conn.user)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.sslmode = QComboBox()
        ssl_names = {
            "disable": self.tr("Off"),
            "prefer": self.tr("Use if the server offers it"),
            "require": self.tr("Required"),
            "verify-ca": self.tr("Required, check the certificate"),
            "verify-full": self.tr("Required, check the certificate and name"),
        }
        for mode in SSL_MODES:
            self.sslmode.addItem(ssl_names[mode], mode)
        self.sslmode.setCurrentIndex(max(0, self.sslmode.findData(conn.sslmode)))
        self.remember = QCheckBox()
        self.keyring = connection.keyring_name()
        if self.keyring:
            self.remember.setText(self.tr("Remember the password on this computer (%1)")
                                  .replace("%1", self.keyring))
            self.remember.setChecked(True)
            self.keyring_note = None
        else:
            self.remember.hide()
            self.keyring_note = note_label(self.tr(
                "This computer has no secure password store, so Desktop CRM will ask for "
                "the password each time it starts. It never writes the password to a file."))
        stored = connection.stored_password(conn) if conn.host and conn.user else None
        if stored:
            self.password.setText(stored)
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.clicked.connect(self.test)
        self.setup_button = QPushButton()
        self.setup_button.hide()
        self.setup_button.clicked.connect(self.set_up)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()

        form = QFormLayout()
        form.addRow(self.tr("Server"), self.host)
        form.addRow(self.tr("Port"), self.port)
        form.addRow(self.tr("Database"), self.database)
        form.addRow(self.tr("User name"), self.user)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Encryption (SSL)"), self.sslmode)
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.setup_button)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(form)
        lay.addWidget(self.remember)
        if self.keyring_note is not None:
            lay.addWidget(self.keyring_note)
        lay.addLayout(buttons)
        lay.addWidget(self.message)
        for w in (self.host, self.database, self.user, self.password):
            w.textChanged.connect(self._changed)
        self.port.valueChanged.connect(self._changed)
        self.sslmode.currentIndexChanged.connect(self._changed)

    # -- values ---------------------------------------------------------------------------

    def connection(self) -> ServerConnection:
        return ServerConnection(host=self.host.text().strip(), port=self.port.value(),
                                database=self.database.text().strip(),
                                user=self.user.text().strip(),
                                sslmode=self.sslmode.currentData())

    def password_text(self) -> str | None:
        return self.password.text() or None

    def _changed(self, *_args) -> None:
        self.result = None
        self.setup_button.hide()

    def busy(self) -> bool:
        return self._worker is not None

    # -- test and set up ------------------------------------------------------------------

    def _show(self, text: str, ok: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(OK_STYLE if ok else BAD_STYLE)
        self.message.show()

    def test(self) -> bool:
        """Start a test in the background; False when a field is missing (said at once)."""
        conn = self.connection()
        missing = conn.problems()
        if missing:
            names = {"host": self.tr("the server"), "port": self.tr("the port"),
                     "database": self.tr("the database"), "user": self.tr("the user name")}
            self._show(self.tr("Fill in %1.").replace(
                "%1", self.tr(", ").join(names[m] for m in missing)), False)
            return False
        self._run(lambda: connection.check(conn, self.password_text()), conn,
                  self.tr("Connecting to %1…").replace("%1", conn.host))
        return True

    def set_up(self) -> None:
        conn, password = self.connection(), self.password_text()

        def work() -> Check:
            connection.set_up(conn, password)
            return connection.check(conn, password)
        self._run(work, conn, self.tr("Setting up the database on %1…").replace("%1", conn.host))

    def _run(self, fn, conn: ServerConnection, busy_text: str) -> None:
        self.test_button.setEnabled(False)
        self.setup_button.setEnabled(False)
        self.message.setStyleSheet("")
        self.message.setText(busy_text)
        self.message.show()
        worker = Worker(fn)
        self._worker = worker

        def done(result: Check) -> None:
            self._worker = None
            self.test_button.setEnabled(True)
            self.setup_button.setEnabled(True)
            self.show_result(result, conn)
            self.checked.emit(result.ok)

        def failed(exc: Exception) -> None:  # set_up refused (no CREATE right, ...)
            self._worker = None
            self.test_button.setEnabled(True)
            self.setup_button.setEnabled(True)
            self.result = None
            line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            if self.password_text():
                line = line.replace(self.password_text(), "***")
            self._show(self.tr("The database could not be set up: %1").replace("%1", line[:300]),
                       False)
            self.checked.emit(False)

        worker.signals.finished.connect(guarded(self, done))
        worker.signals.failed.connect(guarded(self, failed))
        QThreadPool.globalInstance().start(worker)

    def show_result(self, result: Check, conn: ServerConnection) -> None:
        """Say what a connection attempt found; offer to set up or upgrade the schema."""
        self.result = result
        self._show(check_text(result, conn), result.ok)
        self.setup_button.setVisible(result.code in ("empty", "older"))
        self.setup_button.setText(self.tr("Set up the database") if result.code == "empty"
                                  else self.tr("Upgrade database"))

    def keep_password(self) -> None:
        """After a successful connection: store the password in the keyring when asked to, or
        make sure none is left there when not."""
        conn = self.connection()
        if self.keyring and self.remember.isChecked() and self.password_text():
            connection.store_password(conn, self.password_text())
        else:
            connection.forget_password(conn)


class ConnectionDialog(QDialog):
    """Change the office database this computer works with. Connect tests first and closes
    only on success; the choice and the password (keyring) are saved by ``save()``."""

    def __init__(self, conn: ServerConnection | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Connect to the office database"))
        intro = QLabel(self.tr("Ask your administrator for the server, the database and your "
                               "user name and password."))
        intro.setWordWrap(True)
        self.form = ConnectionForm(conn or connection.saved(), self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                        QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Connect"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.connect_clicked)
        self.buttons.rejected.connect(self.reject)
        self.form.checked.connect(self._checked)
        self._accept_when_ok = False
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.form)
        lay.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 40)

    def connect_clicked(self) -> None:
        if self.form.result is not None and self.form.result.ok:
            self.save()
            return
        self._accept_when_ok = self.form.test()

    def _checked(self, ok: bool) -> None:
        if ok and self._accept_when_ok:
            self.save()
        self._accept_when_ok = False

    def save(self) -> None:
        self.form.keep_password()
        connection.save_choice(self.form.connection())
        self.accept()


class PasswordDialog(QDialog):
    """The password for the office database, asked at start-up when the keyring has none."""

    def __init__(self, conn: ServerConnection, reason: str = "", parent=None):
        super().__init__(parent)
        self.conn = conn
        self.setWindowTitle(self.tr("Password"))
        text = self.tr("Password of %1 for the database %2 on %3:").replace(
            "%1", conn.user).replace("%2", conn.database).replace("%3", conn.host)
        label = QLabel(text)
        label.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        lay = QVBoxLayout(self)
        if reason:
            why = QLabel(reason)
            why.setWordWrap(True)
            why.setStyleSheet(BAD_STYLE)
            lay.addWidget(why)
        lay.addWidget(label)
        lay.addWidget(self.password)
        self.remember = QCheckBox()
        name = connection.keyring_name()
        if name:
            self.remember.setText(self.tr("Remember the password on this computer (%1)")
                                  .replace("%1", name))
            lay.addWidget(self.remember)
        else:
            lay.addWidget(note_label(self.tr(
                "This computer has no secure password store, so Desktop CRM asks for the "
                "password each time it starts. It never writes the password to a file.")))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                   QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Connect"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def value(self) -> str:
        return self.password.text()


def connect_at_start(conn: ServerConnection, password: str | None = None, parent=None
                     ) -> tuple[ServerConnection, str | None] | None:
    """Before the main window opens: reach the office database with the keyring's password
    (or none: a server may trust this computer), ask for it when the server wants one, and
    open the connection dialog for any other problem. None when the user gives up."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    if password is None:
        password = connection.stored_password(conn)
    reason, remember = "", False
    while True:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result = connection.check(conn, password)
        finally:
            QApplication.restoreOverrideCursor()
        if result.ok:
            if remember and password:
                connection.store_password(conn, password)
            return conn, password
        if result.code in ("login_failed", "password_required"):
            ask = PasswordDialog(conn, check_text(result, conn) if password or reason else "",
                                 parent)
            if ask.exec() != QDialog.DialogCode.Accepted:
                return None
            password = ask.value() or None
            remember = ask.remember.isChecked()
            reason = "asked"
            continue
        dialog = ConnectionDialog(conn, parent)
        if password:
            dialog.form.password.setText(password)
        dialog.form.show_result(result, conn)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        conn, password, remember = dialog.form.connection(), dialog.form.password_text(), False
