"""Sizes that follow the font: at the usual font (9 pt, 12 px) the layout keeps its pixel sizes;
with a larger one (a Windows text size above 100 %) the kanban cards and columns, table rows,
default column widths and style-sheet font sizes grow with it instead of cutting text."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QTableView

from desktop_crm.views import kanban
from desktop_crm.views.kanban import KanbanBoard
from desktop_crm.views.widgets import font_px, row_height, scaled


@pytest.fixture
def app_font(qapp):
    """Set the application font's point size for a test; the usual 9 pt afterwards."""
    before = QApplication.font()

    def set_size(points: float) -> None:
        font = QApplication.font()
        font.setPointSizeF(points)
        QApplication.setFont(font)

    set_size(9)
    yield set_size
    QApplication.setFont(before)


def test_the_usual_font_keeps_the_usual_sizes(qtbot, app_font):
    board = KanbanBoard()
    qtbot.addWidget(board)
    assert (board.card_height, board.column_width, board.header_height) == \
        (kanban.CARD_HEIGHT, kanban.COLUMN_WIDTH, kanban.HEADER_HEIGHT)
    view = QTableView()
    qtbot.addWidget(view)
    assert row_height(view, 26) == 26 and scaled(view, 240) == 240
    assert font_px(1.5) == 18


def test_a_larger_font_makes_cards_rows_and_columns_larger(qtbot, app_font):
    app_font(13.5)  # 150 % text
    board = KanbanBoard()
    qtbot.addWidget(board)
    assert board.card_height > kanban.CARD_HEIGHT
    assert board.column_width > kanban.COLUMN_WIDTH
    assert board.stride == board.card_height + kanban.CARD_GAP
    # four lines of text fit on a card
    assert board.card_height >= 4 * board.fontMetrics().lineSpacing()
    view = QTableView()
    qtbot.addWidget(view)
    assert row_height(view, 26) > 26
    assert row_height(view, 26) > view.fontMetrics().lineSpacing() + 4
    assert scaled(view, 240) > 240
    assert font_px(1.5) == 27


def test_a_narrow_window_scrolls_the_wide_section_only(qtbot, sqlite_url):
    """A 1366 x 768 screen at 125 % leaves 1093 pixels: the window fits it, and a section
    whose bar of filters is wider than that scrolls sideways; a narrow one does not."""
    from desktop_crm.services.container import Services
    from desktop_crm.views.main_window import MainWindow

    svc = Services.open(sqlite_url)
    try:
        w = MainWindow(svc)
        qtbot.addWidget(w)
        w.show()
        assert w.minimumSizeHint().width() < 700
        w.resize(w.nav.width() + 700, 700)
        bar = w.stack_scroll.horizontalScrollBar()
        w.show_section("tiers")
        qtbot.waitUntil(lambda: not bar.isVisible(), timeout=3000)
        assert w.tiers.width() <= w.stack_scroll.viewport().width()
        w.show_section("customers")
        qtbot.waitUntil(lambda: bar.isVisible(), timeout=3000)
        assert w.customers.width() >= w.customers.minimumSizeHint().width()
        w.close()
    finally:
        svc.close()
