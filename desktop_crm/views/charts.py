"""matplotlib embedded in Qt: a chart widget with Save as PNG and Copy, drawn with a CJK font.

matplotlib does not fall back to another font for missing glyphs: without a Chinese font in
``font.sans-serif`` a Chinese label comes out as boxes (and a warning). ``use_cjk_font`` puts
the first installed CJK font first. TrueType fonts (WenQuanYi Micro Hei, Microsoft YaHei,
SimHei) come before Noto Sans CJK (CFF outlines), which poppler complains about in PDFs.
"""

from __future__ import annotations

from collections.abc import Callable

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget,
)

CJK_FONTS = ("WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC",
             "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei")
_configured: str | None = None


def use_cjk_font() -> str:
    """Configure matplotlib for Chinese text once; returns the font chosen ("" if none)."""
    global _configured
    if _configured is not None:
        return _configured
    installed = {f.name for f in font_manager.fontManager.ttflist}
    chosen = next((name for name in CJK_FONTS if name in installed), "")
    rc = matplotlib.rcParams
    if chosen:
        rc["font.sans-serif"] = [chosen] + [f for f in rc["font.sans-serif"] if f != chosen]
    rc["font.family"] = "sans-serif"
    rc["axes.unicode_minus"] = False  # CJK fonts often lack U+2212
    rc["pdf.fonttype"] = 42           # text stays text in PDFs (digits too)
    rc["svg.fonttype"] = "none"
    _configured = chosen
    return chosen


class ChartView(QWidget):
    """A figure with a title row and Save as PNG / Copy buttons.

    Signals:
        picked(object): whatever ``on_pick`` returned for a click on the axes (None: nothing)
    """

    picked = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, name: str = "chart"):
        super().__init__(parent)
        use_cjk_font()
        self.name = name
        self.figure = Figure(figsize=(6, 4), dpi=100, layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.on_pick: Callable[[object], object] | None = None
        self.canvas.mpl_connect("button_press_event", self._clicked)

        self.hint = QLabel()
        self.hint.setWordWrap(True)
        save = QPushButton(self.tr("Save as PNG…"))
        save.clicked.connect(self.save_png_dialog)
        copy = QPushButton(self.tr("Copy"))
        copy.clicked.connect(self.copy)
        top = QHBoxLayout()
        top.addWidget(self.hint, 1)
        top.addWidget(save)
        top.addWidget(copy)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addWidget(self.canvas, 1)

    def _clicked(self, event) -> None:
        if event.inaxes is None or self.on_pick is None:
            return
        what = self.on_pick(event)
        if what is not None:
            self.picked.emit(what)

    def draw(self) -> None:
        self.canvas.draw_idle()

    def save_png(self, path: str) -> None:
        self.figure.savefig(path, format="png", dpi=150)

    def save_png_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save chart"), f"{self.name}.png",
                                              self.tr("PNG images (*.png)"))
        if path:
            if not path.lower().endswith(".png"):
                path += ".png"
            self.save_png(path)

    def copy(self) -> None:
        self.canvas.draw()
        QGuiApplication.clipboard().setPixmap(self.canvas.grab())
