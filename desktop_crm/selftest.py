"""``desktop-crm --self-test``: does this installation work? For installers and CI.

In a new temporary folder (``$DESKTOP_CRM_HOME`` pointed there, so the user's own database and
settings are never touched) it opens a fresh SQLite database, runs the migrations, creates,
finds and deletes a customer, renders every section of the main window offscreen, and writes a
one-page PDF with Chinese text. Each step prints ``ok <step> <ms>`` or ``FAIL <step>: <error>``;
the exit code is 0 when every step passed, else 1. Command line only, so it prints English.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

# a four-character Chinese fragment: trigram search needs three or more
CUSTOMER_NAME = "自检测试客户 Self-test Ltd"
SEARCH_TEXT = "检测试客"
PDF_TEXT = "桌面 CRM 自检：客户、跟进、工单 2026年10月"


class SelfTestError(Exception):
    """A step's check failed; the message says what was wrong."""


class _Run:
    def __init__(self, out: TextIO):
        self.out = out
        self.failed: list[str] = []

    def step(self, name: str, fn: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        try:
            result = fn()
        except Exception as exc:  # noqa: BLE001 - every failure is reported, the run goes on
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            msg = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
            print(f"FAIL {name}: {msg}", file=self.out, flush=True)
            if os.environ.get("DESKTOP_CRM_SELFTEST_TRACE"):
                traceback.print_exc(file=self.out)
            self.failed.append(name)
            return None
        ms = (time.perf_counter() - start) * 1000
        print(f"ok {name} {ms:.0f}", file=self.out, flush=True)
        return result


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise SelfTestError(message)


def _settle(app) -> None:
    """Let background loads (QThreadPool workers) finish and their results arrive."""
    from PySide6.QtCore import QThreadPool

    pool = QThreadPool.globalInstance()
    for _ in range(10):
        app.processEvents()
        pool.waitForDone(10000)
        app.processEvents()
        if pool.activeThreadCount() == 0:
            break


def _drawn(image) -> bool:
    """True if the image is not blank: it has more than one colour on a grid of samples."""
    w, h = image.width(), image.height()
    if w <= 0 or h <= 0:
        return False
    colours = set()
    for i in range(1, 24):
        for j in range(1, 24):
            colours.add(image.pixel(w * i // 24, h * j // 24))
            if len(colours) > 1:
                return True
    return False


def write_pdf(path: Path, family: str) -> int:
    """One A4 page with a Chinese heading and a line of text in ``family``; returns its size."""
    from PySide6.QtCore import QMarginsF, QRectF, Qt
    from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter

    writer = QPdfWriter(str(path))
    writer.setResolution(300)
    writer.setPageLayout(QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
        QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
    writer.setTitle("Desktop CRM self-test")
    writer.setCreator("Desktop CRM")
    painter = QPainter()
    if not painter.begin(writer):
        raise SelfTestError(f"cannot write {path}")
    try:
        width = writer.width()
        title = QFont(family)
        title.setPointSizeF(20)
        title.setBold(True)
        painter.setFont(title)
        painter.drawText(QRectF(0, 0, width, 400), Qt.AlignmentFlag.AlignLeft, "桌面 CRM 自检")
        body = QFont(family)
        body.setPointSizeF(11)
        painter.setFont(body)
        painter.drawText(QRectF(0, 450, width, 300), Qt.AlignmentFlag.AlignLeft, PDF_TEXT)
        painter.drawRect(QRectF(0, 800, width, 200))
    finally:
        finished = painter.end()
    if not finished:
        raise SelfTestError(f"cannot finish {path}")
    del writer  # closes the file
    return path.stat().st_size


def run(out: TextIO | None = None) -> int:
    """Runs every step; returns the exit code (0: all passed)."""
    out = out or sys.stdout
    started = time.perf_counter()
    r = _Run(out)
    home = Path(tempfile.mkdtemp(prefix="desktop-crm-selftest-"))
    saved = {k: os.environ.get(k) for k in ("DESKTOP_CRM_HOME", "DESKTOP_CRM_DB")}
    os.environ["DESKTOP_CRM_HOME"] = str(home)
    os.environ.pop("DESKTOP_CRM_DB", None)
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") \
            and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(f"desktop-crm self-test in {home}", file=out, flush=True)
    state: dict[str, Any] = {}
    try:
        _steps(r, home, state)
    finally:
        window = state.get("window")
        if window is not None:
            window.close()
            window.deleteLater()
        app = state.get("app")
        if app is not None:
            _settle(app)
        services = state.get("services")
        if services is not None:
            services.close()
        db = state.get("db")
        if db is not None:
            db.dispose()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(home, ignore_errors=True)
    total = (time.perf_counter() - started) * 1000
    if r.failed:
        print(f"self-test FAILED ({', '.join(r.failed)}) in {total:.0f} ms", file=out, flush=True)
        return 1
    print(f"self-test passed in {total:.0f} ms", file=out, flush=True)
    return 0


def _steps(r: _Run, home: Path, state: dict[str, Any]) -> None:
    url = f"sqlite:///{(home / 'crm.sqlite3').as_posix()}"

    def imports():
        import importlib

        # SQLAlchemy, the models and services; then Qt, matplotlib and every section
        for name in ("desktop_crm.services.container", "desktop_crm.views.main_window"):
            importlib.import_module(name)

    r.step("import", imports)
    if r.failed:
        return

    def migrate():
        from desktop_crm.services.db import Database

        db = state["db"] = Database(url)
        db.upgrade()
        current, head = db.current_revision(), db.head_revision()
        _check(current is not None and current == head,
               f"the schema is at {current}, the migrations' head is {head}")
        db.dispose()
        state.pop("db")
        return head

    r.step("migrations", migrate)
    if r.failed:
        return

    def open_services():
        from desktop_crm.services.container import Services

        state["services"] = Services.open(url)

    r.step("open database", open_services)
    if r.failed:
        return
    svc = state["services"]

    def create():
        rec = svc.customers.create({"name": CUSTOMER_NAME, "phone": "13812345678",
                                    "email": "selftest@example.com"})
        state["customer"] = rec
        _check(bool(rec.code), "the new customer has no code")

    def ids(text: str) -> set:
        from desktop_crm.services.customers import CustomerQuery

        return {row.id for row in svc.customers.page(CustomerQuery(text=text), limit=50).rows}

    def find():
        rec = state["customer"]
        for text in (SEARCH_TEXT, "zjcs", "13812345678", rec.code):
            _check(rec.id in ids(text), f"searching {text!r} does not find the new customer")

    def delete():
        rec = state["customer"]
        svc.customers.delete(rec.id)
        _check(rec.id not in ids(SEARCH_TEXT), "the deleted customer is still listed")

    r.step("create customer", create)
    if "customer" in state:
        r.step("find customer", find)
        r.step("delete customer", delete)

    def encrypted():
        # an offline replica's file (services/cipher.py): SQLCipher and its dialect bundled,
        # with FTS5 trigram; the key given here, the keyring is not needed
        import secrets

        from sqlalchemy import text

        from desktop_crm.services.cipher import encrypted_url, is_plain_sqlite
        from desktop_crm.services.db import Database

        path = home / "encrypted.sqlite3"
        db = Database(encrypted_url(path), password=secrets.token_hex(32))
        try:
            with db.session() as s:
                s.execute(text("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')"))
                s.execute(text("INSERT INTO t VALUES (:x)"), {"x": CUSTOMER_NAME})
            with db.read() as s:
                found = s.execute(text("SELECT count(*) FROM t WHERE t MATCH :q"),
                                  {"q": f'"{SEARCH_TEXT}"'}).scalar()
        finally:
            db.dispose()
        _check(found == 1, "the encrypted database's search index finds nothing")
        _check(not is_plain_sqlite(path) and CUSTOMER_NAME.encode() not in path.read_bytes(),
               "the encrypted database file is readable")

    r.step("encrypted database", encrypted)

    def qt_app():
        from desktop_crm.app import make_app

        app, language, font = make_app("zh_CN")
        state["app"], state["font"] = app, font
        from PySide6.QtCore import QCoreApplication

        shown = QCoreApplication.translate("MainWindow", "Customers")
        _check(shown != "Customers", "the Chinese translation is not loaded")
        _check(not app.windowIcon().isNull(), "the window icon is missing from the bundle")

    r.step("qt app and translations", qt_app)
    if "app" not in state:
        return

    def cjk_font():
        from desktop_crm.views.report_document import report_font_family

        family, has_chinese = report_font_family()
        _check(has_chinese, "no Chinese font found: Chinese text would show as boxes")
        state["pdf_font"] = family
        return family

    r.step("chinese font", cjk_font)

    def main_window():
        from desktop_crm.views.main_window import MainWindow

        window = state["window"] = MainWindow(svc)
        window.resize(1400, 900)
        window.show()
        _settle(state["app"])
        _check(bool(window.sections), "the main window has no sections")

    r.step("main window", main_window)
    window = state.get("window")
    if window is not None:
        for key in list(window.sections):
            def render(key=key):
                window.show_section(key)
                _settle(state["app"])
                image = window.sections[key].grab().toImage()
                _check(not image.isNull() and image.width() > 0 and image.height() > 0,
                       "the section rendered an empty picture")
                _check(_drawn(image), "the section rendered a blank picture")

            r.step(f"section {key}", render)

    def pdf():
        path = home / "self-test.pdf"
        size = write_pdf(path, state.get("pdf_font") or "")
        head = path.read_bytes()
        _check(head.startswith(b"%PDF"), "the file written is not a PDF")
        _check(size > 1024, f"the PDF has only {size} bytes")
        pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", head))
        _check(pages == 1, f"the PDF has {pages} pages, not one")
        return size

    r.step("pdf", pdf)
