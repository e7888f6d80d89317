"""QApplication start-up: settings, translator, fonts, logging, database, main window."""

from __future__ import annotations

import logging
import platform
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication, QLibraryInfo, QLocale, QSize, QThreadPool, QTranslator, QtMsgType, qInstallMessageHandler,
)
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWizard

log = logging.getLogger(__name__)

I18N_DIR = Path(__file__).parent / "i18n"
ICON = Path(__file__).parent / "icons" / "desktop-crm.png"
# In order of preference: Windows, macOS, then the Linux families Debian ships.
CJK_FAMILIES = (
    "Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB",
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "SimHei", "SimSun",
)


def resolve_language(override: str | None = None) -> str:
    from desktop_crm.services.settings import Settings

    lang = override or Settings().get("language")
    if lang == "system":
        lang = "zh_CN" if QLocale.system().name().startswith("zh") else "en"
    return lang


_installed: list[QTranslator] = []


def install_translators(app: QApplication, lang: str) -> list[QTranslator]:
    """Load our translation and Qt's own for ``lang``; English needs none. Translators
    installed by an earlier call are removed first (the welcome switches language live)."""
    while _installed:
        app.removeTranslator(_installed.pop())
    installed = _installed
    # dates, weekday and month names follow the UI language, not the computer's
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China)
                       if lang.startswith("zh") else
                       QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    if lang == "en":
        return installed
    ours = QTranslator(app)
    if ours.load(str(I18N_DIR / f"desktop_crm_{lang}.qm")):
        app.installTranslator(ours)
        installed.append(ours)
    else:
        log.warning("no translation file for %s in %s", lang, I18N_DIR)
    qt = QTranslator(app)
    if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    return list(installed)


def choose_cjk_font() -> str | None:
    """The first installed font family that has Chinese glyphs, or None."""
    families = set(QFontDatabase.families())
    for name in CJK_FAMILIES:
        if name in families:
            return name
    for name in sorted(families):
        if QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(name):
            return name
    return None


def setup_fonts(app: QApplication) -> str | None:
    family = choose_cjk_font()
    if family is None:
        log.warning(
            "No Chinese font found: Chinese text will show as boxes. Install one "
            "(Debian/Ubuntu: apt-get install fonts-noto-cjk fonts-wqy-microhei).")
        return None
    font = QFont(app.font())
    font.setFamily(family)
    app.setFont(font)
    return family


def _qt_message(mode, context, message) -> None:
    level = {
        QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }.get(mode, logging.WARNING)
    logging.getLogger("qt").log(level, "%s", message)


def make_app(lang: str | None = None) -> tuple[QApplication, str, str | None]:
    qInstallMessageHandler(_qt_message)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("desktop-crm")
    app.setApplicationDisplayName("Desktop CRM")
    from desktop_crm import __version__

    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(ICON)))
    language = resolve_language(lang)
    install_translators(app, language)
    font = setup_fonts(app)
    return app, language, font


_showing_error = False


def _excepthook(exc_type, exc, tb) -> None:
    """Show an unexpected error in one line with where the log is; keep the app running, with
    every open window and form as it was (nothing is closed, nothing is discarded)."""
    global _showing_error
    from desktop_crm.services.db import is_connection_error

    if is_connection_error(exc):  # the server went away: the banner, not an error box
        from desktop_crm.views import connection_banner

        import shiboken6

        if connection_banner.current is not None and shiboken6.isValid(connection_banner.current):
            log.warning("lost connection in a slot: %s", str(exc).splitlines()[0])
            connection_banner.current.report(exc)
            return
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    log.error("unexpected error\n%s", text)
    app = QApplication.instance()
    if app is None or _showing_error:  # an error while the box is up: logged only
        return
    from PySide6 import __version__ as pyside_version

    from desktop_crm import logfile

    path = logfile.log_path()
    details = (f"{text}\nOS: {platform.platform()}\nPython: {platform.python_version()}\n"
               f"PySide6: {pyside_version}\nLog: {path or '-'}")
    summary = (traceback.format_exception_only(exc_type, exc)[-1].strip().splitlines() or
               [exc_type.__name__])[0]
    where = (QCoreApplication.translate("App", "The details are in the log file:\n%1")
             .replace("%1", str(path)) if path else
             QCoreApplication.translate("App", "No log file could be written."))
    box = QMessageBox(QMessageBox.Icon.Critical,
                      QCoreApplication.translate("App", "Unexpected error"),
                      QCoreApplication.translate(
                          "App", "Something went wrong. Your data is safe; the action that "
                          "failed was not saved, and the forms you have open are as you left "
                          "them.") + "\n\n" + summary[:300] + "\n\n" + where,
                      QMessageBox.StandardButton.Ok, app.activeWindow())
    box.setDetailedText(details)
    _showing_error = True
    try:
        box.exec()
    finally:
        _showing_error = False


def instance_lock(url: str | None):
    """Take ``<file>.lock`` beside a local SQLite database: the QLockFile held for the app's
    run, None when there is nothing to lock (a server database), False when another Desktop
    CRM holds it. A lock left by a process that died is taken over."""
    from PySide6.QtCore import QLockFile

    from desktop_crm.services.backup import sqlite_path

    path = sqlite_path(url)
    if path is None:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = QLockFile(f"{path}.lock")
    lock.setStaleLockTime(0)  # stale only when its process is gone, however long it ran
    if lock.tryLock(100):
        return lock
    if lock.error() == QLockFile.LockError.LockFailedError:
        return False
    log.warning("cannot create the lock file %s.lock (error %s); running without it", path,
                lock.error())
    return None


def welcome(app: QApplication, lang: str | None):
    """The first-run welcome, once per computer: None when it is not needed (done before, or
    a database is already in the usual place), False when the user closed it, else the
    finished wizard (language, company name, database, demo data chosen)."""
    from desktop_crm.services.db import default_data_dir
    from desktop_crm.services.settings import Settings
    from desktop_crm.views.first_run import FirstRunWizard

    settings = Settings()
    if settings.get("welcomed"):
        return None
    if (default_data_dir() / "crm.sqlite3").exists():  # an install from before the welcome
        settings.set("welcomed", True)
        return None
    wizard = FirstRunWizard(lang or settings.get("language"),
                            on_language=lambda chosen: install_translators(app, chosen))
    if wizard.exec() != QWizard.DialogCode.Accepted:
        return False
    return wizard


def after_welcome(window, wizard) -> None:
    """Apply what the welcome asked once the database is open: the company name (when not
    set yet and this user may set it) and demo data."""
    from desktop_crm.services.errors import ServiceError
    from desktop_crm.services.report import ReportService
    from desktop_crm.views.demo_offer import DEMO_CUSTOMERS, run_demo

    services = window.services
    name = wizard.company_name()
    if name and services.user.role in ("admin", "manager"):
        reports = ReportService(services.db, services.user)
        current, version = reports.company()
        if not current:
            try:
                reports.save_company(name, version)
            except ServiceError as exc:
                log.warning("company name from the welcome not saved: %s", exc)
    if wizard.wants_demo():
        run_demo(window, DEMO_CUSTOMERS)


def run_gui(url: str | None = None, lang: str | None = None) -> int:
    import os

    from desktop_crm import logfile
    from desktop_crm.services.db import ENV_DB

    logfile.install()
    app, _language, font = make_app(lang)
    sys.excepthook = _excepthook
    wizard = None
    password = None
    if not (url or os.environ.get(ENV_DB)):
        wizard = welcome(app, lang)
        if wizard is False:
            return 0
        from desktop_crm.services import connection

        server = connection.saved()
        if server is not None:
            from desktop_crm.views.connection_dialog import connect_at_start

            reached = connect_at_start(server, wizard.password() if wizard else None)
            if reached is None:
                return 0
            server, password = reached
            url = server.url_string()
    lock = instance_lock(url)
    if lock is False:
        from desktop_crm.services.db import describe, resolve_url

        log.warning("%s is already open in another Desktop CRM window: not opened twice",
                    describe(resolve_url(url)))
        QMessageBox.information(
            None, QCoreApplication.translate("App", "Already open"),
            QCoreApplication.translate(
                "App", "This database is already open in another Desktop CRM window. Switch "
                "to that window (it may be minimised or in the system tray), or close it and "
                "start Desktop CRM again.\n\n%1").replace("%1", describe(resolve_url(url))))
        return 0
    from desktop_crm.services.cipher import CipherError
    from desktop_crm.services.container import SchemaError, Services

    try:
        services = Services.open(url, password=password)
    except SchemaError as exc:
        QMessageBox.critical(None, QCoreApplication.translate("App", "Database needs an upgrade"), str(exc))
        return 1
    except CipherError as exc:  # an encrypted file without its key, or with another one
        from desktop_crm.views.labels import cipher_text

        log.warning("cannot open the database: %s", exc)
        QMessageBox.critical(None, QCoreApplication.translate("App", "Cannot open the database"),
                             cipher_text(exc))
        return 1
    except Exception as exc:  # noqa: BLE001 - say what failed, not a traceback
        from desktop_crm.services.db import safe_url

        log.exception("cannot open the database")
        line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if password:
            line = line.replace(password, "***")
        QMessageBox.critical(
            None, QCoreApplication.translate("App", "Cannot open the database"),
            QCoreApplication.translate("App", "The database %1 could not be opened:\n%2")
            .replace("%1", safe_url(url or "") or QCoreApplication.translate("App", "(default)"))
            .replace("%2", line))
        return 1
    from desktop_crm.services.staff import needs_sign_in

    if needs_sign_in(services.db):  # several people share this PC's database
        from desktop_crm.views.sign_in_dialog import SignInDialog

        sign = SignInDialog(services)
        if sign.exec() != SignInDialog.DialogCode.Accepted:
            services.close()
            if lock:
                lock.unlock()
            return 0
        services = services.as_user(sign.user)
    from desktop_crm.views.demo_offer import offer_demo_data
    from desktop_crm.views.main_window import MainWindow

    window = MainWindow(services)
    if font is None:
        window.statusBar().showMessage(QCoreApplication.translate(
            "App", "No Chinese font found: Chinese text may show as boxes. "
            "Install fonts-noto-cjk or fonts-wqy-microhei."))
    window.show()
    if wizard:
        after_welcome(window, wizard)
    else:
        offer_demo_data(window)
    import os

    launched = os.environ.get("DESKTOP_CRM_QUIT_AFTER_START")  # bench/bench_startup.py
    if launched:
        import time

        from PySide6.QtCore import QTimer

        def painted() -> None:  # the first paint of the window is done
            print(f"window shown {time.time() - float(launched):.2f} s after launch",
                  flush=True)
            app.quit()
        QTimer.singleShot(0, painted)
    code = app.exec()
    QThreadPool.globalInstance().waitForDone(5000)
    services.close()
    if lock:
        lock.unlock()
    return code


def screenshot(url: str | None, section: str, out: str, size: tuple[int, int],
               lang: str | None = None, select_code: str | None = None,
               view: str | None = None, day=None, owner: str | None = None) -> int:
    """Render a main-window section with the current database to a PNG file."""
    app, _language, _font = make_app(lang)
    from desktop_crm.cli_i18n import Cli
    from desktop_crm.services.container import Services

    def unknown_owner() -> int:
        print("desktop-crm screenshot: " + Cli.tr("no staff member called {name}",
                                                  name=repr(owner)), file=sys.stderr)
        return 2
    from desktop_crm.views.main_window import MainWindow

    services = Services.open(url)
    if section == "home" and owner:  # the start page as that person sees it
        who = services.users.by_name(owner)
        if who is None:
            return unknown_owner()
        services = services.as_user(who)
    window = MainWindow(services)
    window.resize(QSize(*size))
    window.show_section(section)
    if section == "customers":
        cs = window.customers
        row = 0
        if select_code:
            rec = services.customers.get_by_code(select_code)
            row = cs.model.row_of(rec.id)
            if row < 0:  # not on the first page: find it as a user would
                cs.search.setText(rec.code)
                cs.apply_filters()
                row = cs.model.row_of(rec.id)
        if cs.model.rowCount() > 0:
            cs.select_row(max(row, 0))
    elif section == "calendar":
        cal = window.calendar
        if day is not None:
            cal.anchor = day
        who = services.users.by_name(owner) if owner else None
        if owner and who is None:
            return unknown_owner()
        if who is not None:
            cal.owner.setCurrentIndex(max(0, cal.owner.findData(str(who.id))))
        cal.set_view(view or "week")
    elif section == "pool" and window.pool.model.rowCount() > 0:
        # the owner history beside the list, as after a click on a customer
        window.pool.table.selectRow(0)
    elif section == "tiers" and window.tiers.run is not None:
        from desktop_crm.services.tiers import Selection

        # the RFM heat map with its best cell's customers listed, as after a click
        window.tiers.tabs.setCurrentIndex(2)
        window.tiers.show_selection(Selection(r=5, f=5))
    window.show()
    pool = QThreadPool.globalInstance()
    for _ in range(10):  # a result may start more work (the calendar then counts overdue)
        app.processEvents()
        pool.waitForDone(10000)
        app.processEvents()
        if pool.activeThreadCount() == 0:
            break
    pixmap = window.grab()
    ok = pixmap.save(out, "PNG")
    window.close()
    pool.waitForDone(10000)
    services.close()
    if not ok:
        print("desktop-crm screenshot: " + Cli.tr("could not write {path}", path=out),
              file=sys.stderr)
        return 1
    print(out)
    return 0
