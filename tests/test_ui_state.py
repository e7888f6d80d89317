"""Per-user window layout (views/ui_state.py) with pytest-qt: column widths, order, hidden
columns and sort order of the lists, splitters, the main window's size and section, and the
size of large dialogs survive closing and reopening; a layout saved for other columns or a
damaged file is ignored."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QHeaderView, QTableWidget

from desktop_crm.services.container import Services
from desktop_crm.views import ui_state
from desktop_crm.views.customer_dialog import CustomerDialog
from desktop_crm.views.customers_section import CustomersSection
from desktop_crm.views.main_window import MainWindow
from desktop_crm.views.tickets_section import TicketsSection


@pytest.fixture
def services(sqlite_url):
    svc = Services.open(sqlite_url)
    for name in ("张三", "王伟", "Acme Trading Ltd"):
        svc.customers.create({"name": name, "city": "北京"})
    yield svc
    svc.close()


def header_layout(header: QHeaderView) -> dict:
    return {
        "order": [header.logicalIndex(v) for v in range(header.count())],
        "widths": [header.sectionSize(c) for c in range(header.count())
                   if not header.isSectionHidden(c)],
        "hidden": [c for c in range(header.count()) if header.isSectionHidden(c)],
        "sort": (header.sortIndicatorSection(), header.sortIndicatorOrder()),
    }


def test_the_file_lives_in_the_app_home(_isolated_home):
    assert ui_state.state_path() == _isolated_home / "ui-state.ini"
    ui_state.save_value("probe", "x")
    ui_state.sync()
    assert (_isolated_home / "ui-state.ini").exists()


def test_main_window_size_section_and_customer_columns_survive_a_restart(qtbot, services):
    w = MainWindow(services)
    qtbot.addWidget(w)
    w.show()
    w.resize(760, 560)  # the default is 1400 x 900 (the offscreen screen is 800 x 800)
    w.show_section("tickets")
    header = w.customers.table.horizontalHeader()
    header.resizeSection(2, 211)
    header.moveSection(header.visualIndex(0), 3)  # the code column after three others
    header.setSectionHidden(4, True)
    header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)
    w.customers.splitter.setSizes([300, 400])
    splitter_sizes = w.customers.splitter.sizes()
    before = header_layout(header)
    tickets_header = w.tickets.table.horizontalHeader()
    tickets_header.setSectionHidden(2, True)
    w.close()

    again = MainWindow(services)
    qtbot.addWidget(again)
    again.show()
    assert (again.size().width(), again.size().height()) == (760, 560)
    assert again.current_section() == "tickets"
    assert header_layout(again.customers.table.horizontalHeader()) == before
    assert again.customers.splitter.sizes() == splitter_sizes
    assert again.tickets.table.horizontalHeader().isSectionHidden(2)
    # the restored sort order is the list's order
    assert again.customers.model.query.sort == again.customers.model.COLUMNS[0]
    assert again.customers.model.query.descending
    again.close()


def test_a_layout_saved_for_other_columns_keeps_the_defaults(qtbot, services):
    # saved by "another version" whose list had three columns
    other = QTableWidget(0, 3)
    qtbot.addWidget(other)
    other.horizontalHeader().resizeSection(0, 333)
    ui_state.save_header(other.horizontalHeader(), "customers/table")
    ui_state.sync()

    section = CustomersSection(services)
    qtbot.addWidget(section)
    header = section.table.horizontalHeader()
    assert header.count() == len(section.model.COLUMNS) != 3
    assert header.sectionSize(0) == 80  # the default width, not 333
    assert header.hiddenSectionCount() == 0
    assert [header.logicalIndex(v) for v in range(header.count())] == \
        list(range(header.count()))


def test_damaged_state_is_ignored(qtbot, services, _isolated_home):
    path = _isolated_home / "ui-state.ini"
    path.parent.mkdir(parents=True, exist_ok=True)
    ui_state.sync()
    s = QSettings(str(path), QSettings.Format.IniFormat)
    s.setValue("header/tickets/table/state", b"\x00\xff garbage, not a header")
    s.setValue("header/tickets/table/columns", 8)
    s.setValue("header/tickets/table/format", ui_state.HEADER_FORMAT)
    s.setValue("geometry/main", b"not a geometry")
    s.setValue("splitter/customers/splitter", "text instead of bytes")
    s.setValue("values/main/section", "no-such-section")
    s.setValue("size/customer", "huge")
    s.sync()
    del s
    ui_state._settings = None  # read the file again, as a new start does

    tickets = TicketsSection(services)
    qtbot.addWidget(tickets)
    header = tickets.table.horizontalHeader()
    assert header.hiddenSectionCount() == 0 and header.sectionSize(0) == 90
    w = MainWindow(services)
    qtbot.addWidget(w)
    assert w.current_section() == "home"
    assert w.size().width() == 1400
    assert not ui_state.restore_size(CustomerDialog(lambda v: None), "customer")


def test_a_layout_hiding_every_column_is_not_restored(qtbot):
    table = QTableWidget(0, 3)
    qtbot.addWidget(table)
    header = table.horizontalHeader()
    for c in range(3):
        header.setSectionHidden(c, True)
    ui_state.save_header(header, "probe/table")
    fresh = QTableWidget(0, 3)
    qtbot.addWidget(fresh)
    assert not ui_state.restore_header(fresh.horizontalHeader(), "probe/table")
    assert fresh.horizontalHeader().hiddenSectionCount() == 0


def test_column_menu_hides_shows_and_restores_columns(qtbot, services):
    section = CustomersSection(services)
    qtbot.addWidget(section)
    header = section.table.horizontalHeader()
    menu = ui_state.column_menu(header)
    columns = [a for a in menu.actions() if a.isCheckable()]
    assert len(columns) == header.count() and all(a.isChecked() for a in columns)
    assert columns[2].text() == section.model.headerData(2, Qt.Orientation.Horizontal)
    columns[2].setChecked(False)
    assert header.isSectionHidden(2)
    header.resizeSection(1, 400)
    reset = next(a for a in menu.actions() if a.objectName() == "restoreColumns")
    reset.trigger()
    assert not header.isSectionHidden(2) and header.sectionSize(1) == 240
    # the last shown column cannot be hidden
    for c in range(1, header.count()):
        header.setSectionHidden(c, True)
    last = [a for a in ui_state.column_menu(header).actions() if a.isCheckable()][0]
    assert not last.isEnabled()
    last.setChecked(False)
    assert not header.isSectionHidden(0)


def test_a_window_geometry_round_trip(qtbot):
    from PySide6.QtWidgets import QWidget

    w = QWidget()
    qtbot.addWidget(w)
    ui_state.remember_geometry(w, "probe/window")
    w.setGeometry(40, 50, 432, 321)
    w.show()
    w.close()
    again = QWidget()
    qtbot.addWidget(again)
    assert ui_state.remember_geometry(again, "probe/window")
    assert (again.width(), again.height()) == (432, 321)


def test_a_dialog_remembers_its_size(qtbot):
    dlg = CustomerDialog(lambda v: None)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.resize(dlg.width() + 37, 555)
    wanted = dlg.size()
    dlg.reject()  # hidden: the size is saved
    again = CustomerDialog(lambda v: None)
    qtbot.addWidget(again)
    assert again.size() == wanted
