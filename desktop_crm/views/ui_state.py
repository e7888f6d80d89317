"""Per-user window layout: window geometry, a main window's state, splitter positions and
table headers (column order, widths, hidden columns, sort indicator), kept in an INI file.

The file is ``$DESKTOP_CRM_HOME/ui-state.ini`` when that variable is set (tests, the self-test),
else ``ui-state.ini`` in the platformdirs user config folder of "desktop-crm" (beside
settings.json). Each part is stored under a stable key, so a layout survives restarts.

A saved layout that no longer fits (another app version, with other columns; a damaged file)
is ignored: the widget keeps its defaults.

``remember_geometry(window, key)`` (a main window: size, place, maximised) and
``remember_size(dialog, key)`` (a dialog: its size; Qt places it over its parent) restore now
and save, with every header and splitter registered with ``remember_header`` /
``remember_splitter`` that lives in that window, when the window hides or closes.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QObject, QSettings, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHeaderView, QMainWindow, QMenu, QSplitter, QWidget

try:  # PySide6 ships shiboken6
    from shiboken6 import isValid as _alive
except ImportError:  # pragma: no cover
    def _alive(_obj) -> bool:
        return True

FILE_NAME = "ui-state.ini"
HEADER_FORMAT = 1  # bumped if what a header key holds changes

_settings: QSettings | None = None
_settings_path: str | None = None


def state_path() -> Path:
    override = os.environ.get("DESKTOP_CRM_HOME")
    if override:
        return Path(override) / FILE_NAME
    import platformdirs

    return Path(platformdirs.user_config_dir("desktop-crm", appauthor=False)) / FILE_NAME


def settings() -> QSettings:
    """The store (one per file; a new one when $DESKTOP_CRM_HOME points elsewhere)."""
    global _settings, _settings_path
    path = str(state_path())
    if _settings is None or _settings_path != path:
        if _settings is not None:
            _settings.sync()
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        _settings = QSettings(path, QSettings.Format.IniFormat)
        _settings_path = path
    return _settings


def sync() -> None:
    if _settings is not None:
        _settings.sync()


def _bytes(value) -> QByteArray | None:
    if isinstance(value, QByteArray) and not value.isEmpty():
        return value
    if isinstance(value, (bytes, bytearray)) and value:
        return QByteArray(bytes(value))
    return None


# -- windows ---------------------------------------------------------------------------------

def save_geometry(widget: QWidget, key: str) -> None:
    settings().setValue(f"geometry/{key}", widget.saveGeometry())


def restore_geometry(widget: QWidget, key: str) -> bool:
    data = _bytes(settings().value(f"geometry/{key}"))
    return bool(data is not None and widget.restoreGeometry(data))


def save_window_state(window: QMainWindow, key: str) -> None:
    settings().setValue(f"windowstate/{key}", window.saveState())


def restore_window_state(window: QMainWindow, key: str) -> bool:
    data = _bytes(settings().value(f"windowstate/{key}"))
    return bool(data is not None and window.restoreState(data))


def save_value(key: str, value) -> None:
    settings().setValue(f"values/{key}", value)


def value(key: str, default=None):
    return settings().value(f"values/{key}", default)


# -- splitters -------------------------------------------------------------------------------

def save_splitter(splitter: QSplitter, key: str) -> None:
    settings().setValue(f"splitter/{key}", splitter.saveState())


def restore_splitter(splitter: QSplitter, key: str) -> bool:
    data = _bytes(settings().value(f"splitter/{key}"))
    if data is None:
        return False
    before = splitter.saveState()
    if not splitter.restoreState(data) or not any(splitter.sizes()) \
            or len(splitter.sizes()) != splitter.count():
        splitter.restoreState(before)
        return False
    return True


# -- headers ---------------------------------------------------------------------------------

def save_header(header: QHeaderView, key: str) -> None:
    s = settings()
    s.setValue(f"header/{key}/state", header.saveState())
    s.setValue(f"header/{key}/columns", header.count())
    s.setValue(f"header/{key}/format", HEADER_FORMAT)


def restore_header(header: QHeaderView, key: str) -> bool:
    """Column order, widths, hidden columns and sort indicator as saved; False (and the
    defaults kept) when nothing is saved, or it was saved for other columns, or is damaged."""
    s = settings()
    data = _bytes(s.value(f"header/{key}/state"))
    if data is None:
        return False
    try:
        columns = int(s.value(f"header/{key}/columns", -1))
        fmt = int(s.value(f"header/{key}/format", -1))
    except (TypeError, ValueError):
        return False
    if fmt != HEADER_FORMAT or columns != header.count() or header.count() == 0:
        return False
    before = header.saveState()
    if not header.restoreState(data):
        header.restoreState(before)
        return False
    if header.count() - header.hiddenSectionCount() <= 0:  # nothing left to see
        header.restoreState(before)
        return False
    return True


# -- a header's menu of columns -------------------------------------------------------------

def install_column_menu(header: QHeaderView) -> None:
    """Right-clicking the header lists the columns, each ticked when shown: untick to hide it
    (the last shown one stays), and "Restore default columns". Install it before the saved
    layout is restored: the defaults are the layout as it is now."""
    header._ui_default_state = header.saveState()
    header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    header.customContextMenuRequested.connect(
        lambda pos: column_menu(header).popup(header.mapToGlobal(pos)))


def column_menu(header: QHeaderView) -> QMenu:
    menu = QMenu(header)
    menu.setObjectName("columnMenu")
    model = header.model()
    shown = header.count() - header.hiddenSectionCount()
    for logical in sorted(range(header.count()), key=header.visualIndex):
        title = model.headerData(logical, header.orientation(),
                                 Qt.ItemDataRole.DisplayRole) if model else None
        action = menu.addAction(str(title or logical + 1))
        action.setCheckable(True)
        action.setChecked(not header.isSectionHidden(logical))
        action.setEnabled(header.isSectionHidden(logical) or shown > 1)
        action.setData(logical)
        action.toggled.connect(
            lambda on, c=logical: _show_column(header, c, on))
    menu.addSeparator()
    reset = menu.addAction(QCoreApplication.translate("ColumnMenu", "Restore default columns"))
    reset.setObjectName("restoreColumns")
    reset.triggered.connect(lambda: restore_default_columns(header))
    return menu


def _show_column(header: QHeaderView, logical: int, on: bool) -> None:
    if not on and header.count() - header.hiddenSectionCount() <= 1:
        return
    header.setSectionHidden(logical, not on)
    if on and header.sectionSize(logical) < header.minimumSectionSize():
        header.resizeSection(logical, header.defaultSectionSize())


def restore_default_columns(header: QHeaderView) -> None:
    default = getattr(header, "_ui_default_state", None)
    if default is not None:
        header.restoreState(default)


# -- remembered parts, saved when their window hides -----------------------------------------

# strong references to the wrappers; a destroyed widget is skipped and dropped
_parts: dict[tuple[str, str], QObject] = {}


def remember_header(header: QHeaderView, key: str) -> bool:
    _parts[("header", key)] = header
    return restore_header(header, key)


def remember_splitter(splitter: QSplitter, key: str) -> bool:
    _parts[("splitter", key)] = splitter
    return restore_splitter(splitter, key)


def save_parts(window: QWidget | None = None) -> None:
    """Save the remembered headers and splitters (those in ``window`` when given)."""
    for (kind, key), obj in list(_parts.items()):
        if not _alive(obj):
            _parts.pop((kind, key), None)
            continue
        if window is not None and obj.window() is not window:
            continue
        if kind == "header":
            save_header(obj, key)
        else:
            save_splitter(obj, key)
    sync()


class _WindowKeeper(QObject):
    """Saves its window's geometry (or, for a dialog, its size) and remembered parts when the
    window hides or closes."""

    def __init__(self, window: QWidget, key: str, size_only: bool):
        super().__init__(window)
        self.key = key
        self.size_only = size_only
        window.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt)
        if obj is self.parent() and event.type() in (QEvent.Type.Hide, QEvent.Type.Close):
            if self.size_only:
                save_size(obj, self.key)
                save_parts(obj)
            else:
                save_window(obj, self.key)
        return False


def save_window(window: QWidget, key: str) -> None:
    """The window's geometry (and state, for a main window) and its remembered parts."""
    save_geometry(window, key)
    if isinstance(window, QMainWindow):
        save_window_state(window, key)
    save_parts(window)


def remember_geometry(window: QWidget, key: str) -> bool:
    """Restore the window's saved size and place now; save them (and its headers and
    splitters) when it hides or closes."""
    window._ui_state_keeper = _WindowKeeper(window, key, size_only=False)
    restored = restore_geometry(window, key)
    if isinstance(window, QMainWindow):
        restore_window_state(window, key)
    return restored


def save_size(window: QWidget, key: str) -> None:
    settings().setValue(f"size/{key}", window.size())


def restore_size(window: QWidget, key: str) -> bool:
    """The saved size, no larger than the screen's free area (a dialog opens where Qt puts
    it, over its parent)."""
    size = settings().value(f"size/{key}")
    if not isinstance(size, QSize) or not size.isValid() or size.isEmpty():
        return False
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        size = size.boundedTo(screen.availableSize())
    window.resize(size)
    return True


def remember_size(dialog: QWidget, key: str) -> bool:
    """Restore a dialog's saved size now; save it (and its headers and splitters) when it
    hides or closes."""
    dialog._ui_state_keeper = _WindowKeeper(dialog, key, size_only=True)
    return restore_size(dialog, key)
