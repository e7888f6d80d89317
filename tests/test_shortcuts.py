"""Keyboard: every main action of the main window has a menu entry and a shortcut, no two
share a key, Ctrl+1..Ctrl+8 go to the sections in order, and the F1 window lists exactly the
menus' shortcuts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication

from desktop_crm.services.container import Services
from desktop_crm.views.main_window import MainWindow
from desktop_crm.views.shortcuts_dialog import ShortcutsDialog

# menu entries that deliberately have no key: rare, or (restore) replacing the data
NO_KEY = {"restore", "about", "staff", "export_customers", "export_contacts", "export_orders",
          "export_activities", "export_tickets"}
MAIN_ACTIONS = {"new_customer", "find_customer", "new_follow_up", "new_ticket",
                "new_opportunity", "log_interaction", "import", "export", "print_report",
                "settings", "refresh", "shortcuts", "quit"}


@pytest.fixture
def window(qtbot, sqlite_url):
    svc = Services.open(sqlite_url)
    svc.customers.create({"name": "张三", "phone": "13812345678"})
    w = MainWindow(svc)
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitExposed(w)
    yield w
    w.close()
    svc.close()


def menu_actions(w) -> list[QAction]:
    out = []
    for top in w.menuBar().actions():
        out += [a for a in top.menu().actions() if not a.isSeparator()]
    return out


def test_no_two_actions_or_shortcuts_share_a_key(window):
    keys: dict[str, str] = {}
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            text = key.toString()
            assert text not in keys, f"{text}: {keys.get(text)} and {action.text()}"
            keys[text] = action.text()
    for shortcut in window.findChildren(QShortcut):
        if shortcut.context() in (Qt.ShortcutContext.WindowShortcut,
                                  Qt.ShortcutContext.ApplicationShortcut):
            text = shortcut.key().toString()
            assert text not in keys, f"{text}: {keys.get(text)} and a QShortcut"
            keys[text] = "QShortcut"
    assert len(keys) >= len(MAIN_ACTIONS)


def test_every_menu_entry_of_the_main_menus_has_a_key(window):
    names = {a.objectName() for a in menu_actions(window)}
    assert MAIN_ACTIONS <= names
    missing = [a.objectName() for a in menu_actions(window)
               if a.shortcut().isEmpty() and a.objectName() not in NO_KEY]
    assert missing == []
    by_name = {a.objectName(): a for a in menu_actions(window)}
    std = QKeySequence.StandardKey
    for name, standard in (("new_customer", std.New), ("find_customer", std.Find),
                           ("print_report", std.Print), ("refresh", std.Refresh),
                           ("shortcuts", std.HelpContents)):
        assert by_name[name].shortcut() == QKeySequence(standard)
    assert by_name["settings"].shortcut() == QKeySequence("Ctrl+,")
    assert by_name["export"].shortcut() == QKeySequence("Ctrl+E")


def test_ctrl_digits_go_to_the_sections_in_order(qtbot, window):
    keys = list(window.sections)
    assert [a.shortcut().toString() for a in window.go_actions] == \
        [f"Ctrl+{n}" for n in range(1, len(keys) + 1)]
    assert [a.text() for a in window.go_actions] == \
        [window.nav.item(i).text() for i in range(window.nav.count())]
    for n in (3, 6, 2, 1):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0 + n), Qt.KeyboardModifier.ControlModifier)
        assert window.current_section() == keys[n - 1]


def test_print_is_offered_in_reports_only(window):
    action = next(a for a in menu_actions(window) if a.objectName() == "print_report")
    assert not action.isEnabled()
    window.show_section("reports")
    assert action.isEnabled()
    window.show_section("pool")
    assert not action.isEnabled()


def test_ctrl_e_exports_what_the_section_lists(qtbot, window):
    window.show_section("tickets")
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = QApplication.activeModalWidget() or next(
        w for w in QApplication.topLevelWidgets()
        if type(w).__name__ == "ExportDialog" and w.isVisible())
    assert type(dialog).__name__ == "ExportDialog"
    assert dialog.kind == "tickets"
    dialog.reject()


def test_log_interaction_needs_a_customer_then_opens_the_form(qtbot, window):
    assert window.log_interaction() is None
    assert window.current_section() == "customers"
    window.customers.select_row(0)
    dialog = window.log_interaction()
    assert dialog is not None and dialog.isVisible()
    dialog.reject()


def test_f1_lists_every_shortcut_of_the_menus(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = next(w for w in QApplication.topLevelWidgets()
                  if isinstance(w, ShortcutsDialog) and w.isVisible())
    expected = sorted(k.toString(QKeySequence.SequenceFormat.NativeText)
                      for a in menu_actions(window) for k in a.shortcuts())
    assert sorted(dialog.keys()) == expected
    assert "Ctrl+5" in dialog.keys() and "F5" in dialog.keys()
    dialog.reject()


def test_the_list_shows_menu_texts_without_mnemonics():
    from desktop_crm.views.shortcuts_dialog import plain

    assert plain("新建客户(&N)") == "新建客户"
    assert plain("导出当前列表(&E)…") == "导出当前列表"
    assert plain("E&xport what this section lists…") == "Export what this section lists"
    assert plain("Save && close") == "Save & close"
