"""Import (导入) wizard: a spreadsheet of customers, contacts, orders, interactions or
follow-ups brought in step by step - the file (and sheet), the columns matched to fields
(guessed from Chinese and English headers, changed by the user, saved as a template), a
check that writes nothing and lists every rejected row with its reason, then the import with
a progress bar and Cancel. The rejected rows can be saved as a workbook with a reason column,
fixed and imported again. Reading, checking, importing and saving run in workers."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView, QButtonGroup, QComboBox, QFileDialog, QFormLayout, QGroupBox,
    QHBoxLayout, QHeaderView, QInputDialog, QLabel, QLineEdit, QMessageBox, QProgressBar,
    QPushButton, QRadioButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget, QWizard,
    QWizardPage,
)

from desktop_crm.services.errors import ServiceError
from desktop_crm.services.importing import (
    ON_DUPLICATE, ImportResult, ImportService, Mapping, UnreadableFile,
)

from . import import_labels as L
from .import_steps import NOTE_STYLE, CheckPage, RunPage, number, start
from .widgets import ERROR_STYLE, row_height
from .workers import Worker
from . import ui_state

log = logging.getLogger(__name__)

CUSTOMER_REF_KINDS = ("contacts", "orders", "interactions")
FILE_FILTER = "*.xlsx *.xlsm *.xls *.csv *.txt *.tsv"


class ImportWizard(QWizard):
    """The import wizard: file, columns, check, import.

    Args:
        services: the app's ``Services`` (its ``db`` and ``user``).
        path: a file to open at once (e.g. dropped on the window).
        kind: what to import (customers, contacts, orders, interactions, activities).

    Signals:
        imported(object): an import wrote something (its ``ImportResult``; after a cancel,
            the counts of the batches kept and no rejected rows)
    """

    imported = Signal(object)

    def __init__(self, services, parent=None, *, path: str | None = None,
                 kind: str | None = None, service: ImportService | None = None):
        super().__init__(parent)
        self.service = service or ImportService(services.db, services.user)
        self.reasons = L.Reasons()
        self.kind = kind or "customers"
        self.source = None
        self.mapping: Mapping | None = None
        self.on_duplicate = "skip"
        self.check: ImportResult | None = None
        self.result: ImportResult | None = None
        self.setWindowTitle(self.tr("Import"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Close"))
        self.resize(980, 740)
        ui_state.remember_size(self, "import_wizard")
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.check_page = CheckPage(self)
        self.import_page = RunPage(self)
        for page in (self.file_page, self.mapping_page, self.check_page, self.import_page):
            self.addPage(page)
        if path:
            self.file_page.open_file(path)

    def busy(self) -> bool:
        return any(p.worker is not None for p in (self.file_page, self.check_page,
                                                   self.import_page))

    def reject(self) -> None:  # Cancel, Esc or the window's close button
        if self.import_page.worker is not None:
            answer = QMessageBox.question(
                self, self.tr("Stop the import?"),
                self.tr("Stop the import? The rows imported so far stay; the import history "
                        "can undo them."))
            if answer != QMessageBox.StandardButton.Yes:
                return
        for page in (self.file_page, self.check_page, self.import_page):
            if page.worker is not None:
                page.worker.cancel()
        super().reject()

    # -- shared by the check and the import pages -----------------------------------------------

    def save_rejected(self, parent: QWidget, result: ImportResult, done) -> Worker | None:
        """Ask where, then write ``result``'s rejected rows with a reason column (worker);
        ``done(text, ok)`` says what happened."""
        folder = Path(self.source.path).parent if self.source else Path.home()
        stem = Path(result.file).stem or "import"
        name = self.tr("%1 - rejected rows.xlsx").replace("%1", stem)
        path, _filter = QFileDialog.getSaveFileName(
            parent, self.tr("Save rejected rows"), str(folder / name),
            self.tr("Excel workbook (*.xlsx)"))
        if not path:
            return None
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        reasons, service = self.reasons, self.service
        row_header, reason_header = self.tr("Row"), self.tr("Reason")

        def write():
            return service.write_rejected(result, path, reasons, reason_header=reason_header,
                                          row_header=row_header)

        def finished(n):
            done(self.tr("Saved %1 rejected rows to %2. Fix them there and import that file "
                         "again.").replace("%1", number(n)).replace("%2", path), True)

        def failed(exc):
            done(self.tr("Cannot write %1 (%2). Is the file open in another program?")
                 .replace("%1", path).replace("%2", str(exc)), False)

        return start(parent, write, finished=finished, failed=failed)

    def progress_text(self, stage: str, done: int, total: int) -> str:
        if stage == "validate":
            return self.tr("Checked %1 of %2 rows…").replace("%1", number(done)).replace(
                "%2", number(total))
        return self.tr("Imported %1 of %2 rows…").replace("%1", number(done)).replace(
            "%2", number(total))


def read_best_sheet(service: ImportService, kind: str, path: str, sheet: str | None):
    """``service.read``; with no sheet named, a workbook whose first sheet has no header the
    importer knows (a 说明 / notes sheet in front) opens on the sheet whose headers it
    recognises most of."""
    from desktop_crm.services.importing.fields import guess_fields

    source = service.read(path, sheet)
    if sheet is not None or len(source.sheets) < 2 or guess_fields(kind, source.headers):
        return source
    best, best_n = source, 0
    for name in source.sheets:
        if name == source.sheet:
            continue
        try:
            other = service.read(path, name)
        except UnreadableFile:
            continue
        n = len(guess_fields(kind, other.headers))
        if n > best_n:
            best, best_n = other, n
    return best


class FilePage(QWizardPage):
    """What to import and from which file (and sheet); the file is read in a worker."""

    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.w = wizard
        self.worker: Worker | None = None
        self._token = 0
        self.setTitle(self.tr("Choose what to import and the file"))
        self.setSubTitle(self.tr("An Excel workbook (.xlsx, .xls) or a CSV file (UTF-8, GBK or "
                                 "UTF-16). Its columns are recognised by their headers, in "
                                 "Chinese or English."))
        self.kind_combo = QComboBox()
        for kind in wizard.service.kinds():
            self.kind_combo.addItem(L.kind_name(kind), kind)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(wizard.kind)))
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(self.tr("Choose a file…"))
        self.path_edit.editingFinished.connect(self._path_edited)
        self.browse_button = QPushButton(self.tr("Choose file…"))
        self.browse_button.clicked.connect(self.browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.browse_button)
        self.sheet_label = QLabel(self.tr("Sheet"))
        self.sheet_combo = QComboBox()
        self.sheet_combo.setMinimumContentsLength(20)
        self.sheet_combo.activated.connect(self._sheet_chosen)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumHeight(8)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        form = QFormLayout()
        form.addRow(self.tr("Import"), self.kind_combo)
        form.addRow(self.tr("File"), file_row)
        form.addRow(self.sheet_label, self.sheet_combo)
        self.form = form
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.busy)
        lay.addWidget(self.info)
        lay.addWidget(self.error)
        lay.addSpacing(12)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(NOTE_STYLE)
        lay.addWidget(self.hint)
        lay.addStretch(1)
        self._show_sheets(())
        self._show_hint()

    def browse(self) -> None:
        start = self.path_edit.text().strip() or str(Path.home())
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Choose the file to import"), start,
            self.tr("Spreadsheets (%1)").replace("%1", FILE_FILTER) + ";;"
            + self.tr("All files (*)"))
        if path:
            self.open_file(path)

    def open_file(self, path: str, sheet: str | None = None) -> None:
        """Read ``path`` (a sheet of it) in a worker; the page is complete once it is read."""
        self.path_edit.setText(path)
        self.w.source = None
        self._token += 1
        token = self._token
        service = self.w.service
        self.error.hide()
        self.info.setText(self.tr("Reading %1…").replace("%1", Path(path).name))
        self.busy.show()
        if self.worker is not None:
            self.worker.cancel()
        kind = self.w.kind
        self.worker = start(self, lambda: read_best_sheet(service, kind, path, sheet),
                             finished=lambda src: self._read(token, src),
                             failed=lambda exc: self._failed(token, exc))
        self.completeChanged.emit()

    def _path_edited(self) -> None:
        text = self.path_edit.text().strip()
        if text and (self.w.source is None or text != self.w.source.path) \
                and self.worker is None:
            self.open_file(text)

    def _sheet_chosen(self, index: int) -> None:
        sheet = self.sheet_combo.itemText(index)
        if self.w.source is not None and sheet != self.w.source.sheet:
            self.open_file(self.w.source.path, sheet)

    def _kind_changed(self, _index: int) -> None:
        self.w.kind = self.kind_combo.currentData()
        self._show_hint()

    def _show_hint(self) -> None:
        """The headers the importer recognises for this kind, in the UI's language."""
        from desktop_crm.services.importing.fields import FIELDS

        chinese = QLocale().language() == QLocale.Language.Chinese
        names = []
        for f in FIELDS[self.w.kind].values():
            alias = next((a for a in f.aliases if a.isascii() != chinese), f.aliases[0])
            names.append(alias + ("*" if f.required else ""))
        self.hint.setText(self.tr("Columns it recognises by their headers (* required): %1. "
                                  "Other names can be matched by hand in the next step; a "
                                  "title above the header row is skipped.")
                          .replace("%1", "、".join(names) if chinese else ", ".join(names)))

    def _read(self, token: int, source) -> None:
        if token != self._token:
            return
        self.worker = None
        self.busy.hide()
        self.w.source = source
        self._show_sheets(source.sheets, source.sheet)
        self.info.setText(self.describe(source))
        self.completeChanged.emit()

    def _failed(self, token: int, exc: BaseException) -> None:
        if token != self._token:
            return
        self.worker = None
        self.busy.hide()
        self.info.setText("")
        if isinstance(exc, UnreadableFile):
            text = L.unreadable_text(exc)
        else:
            log.warning("reading an import file failed: %r", exc)
            text = self.tr("The file cannot be read: %1").replace("%1", str(exc))
        self.error.setText(text)
        self.error.show()
        self._show_sheets(())
        self.completeChanged.emit()

    def _show_sheets(self, sheets, current: str = "") -> None:
        self.sheet_combo.clear()
        self.sheet_combo.addItems(list(sheets))
        if current:
            self.sheet_combo.setCurrentText(current)
        many = len(sheets) > 1
        self.form.setRowVisible(self.sheet_combo, many)

    def describe(self, source) -> str:
        """What was found: the sheet or encoding and delimiter, the header row, the columns."""
        parts = []
        if source.format == "csv":
            parts.append(self.tr("CSV file, encoding: %1, columns separated by: %2")
                         .replace("%1", L.encoding_name(source.encoding))
                         .replace("%2", L.delimiter_name(source.delimiter)))
        else:
            parts.append(self.tr("Sheet “%1” of %2 in the workbook")
                         .replace("%1", source.sheet).replace("%2", number(len(source.sheets))))
        if source.header_row:
            parts.append(self.tr("Headers in row %1: %2").replace(
                "%1", number(source.header_row)).replace("%2", "、".join(source.headers[:12])
                                                    + ("…" if len(source.headers) > 12
                                                       else "")))
        else:
            parts.append(self.tr("No header row found: the columns are named A, B, C…"))
        return "\n".join(parts)

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        return self.w.source is not None and self.worker is None


class MappingPage(QWizardPage):
    """The first rows of the file, which column fills which field, templates, and what to do
    with records that are already there."""

    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.w = wizard
        self._key = None
        self.fields: list = []
        self.chosen: dict[str, str] = {}  # field -> header
        self.combos: dict[str, QComboBox] = {}
        self.templates: dict[str, Mapping] = {}
        self.setTitle(self.tr("Match the columns"))
        self.setSubTitle(self.tr("Check which column of the file fills each field. Columns "
                                 "left out are not imported."))
        self.preview_label = QLabel()
        self.preview = QTableWidget()
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setWordWrap(False)
        self.preview.verticalHeader().setDefaultSectionSize(row_height(self.preview, 22))
        self.preview.setMinimumHeight(150)
        self.preview.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.preview.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.preview.verticalHeader().hide()

        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Column in the file"),
                                              self.tr("First value")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the combos take the focus
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        head.resizeSection(1, 190)
        head.setStretchLastSection(True)
        self.legend = QLabel(self.tr("* needs a column"))
        self.legend.setStyleSheet(NOTE_STYLE)
        self.issues = QLabel()
        self.issues.setWordWrap(True)
        self.issues.setStyleSheet(ERROR_STYLE)
        self.issues.hide()

        self.template_combo = QComboBox()
        self.template_combo.setMinimumContentsLength(14)
        self.template_combo.activated.connect(self._template_chosen)
        self.save_template_button = QPushButton(self.tr("Save as template…"))
        self.save_template_button.clicked.connect(self.save_template)
        self.template_note = QLabel()
        self.template_note.setWordWrap(True)
        self.template_note.setStyleSheet(NOTE_STYLE)
        self.template_note.hide()
        templates = QGroupBox(self.tr("Template"))
        tl = QVBoxLayout(templates)
        tl.addWidget(self.template_combo)
        tl.addWidget(self.save_template_button, 0, Qt.AlignmentFlag.AlignLeft)
        tl.addWidget(self.template_note)

        dup = QGroupBox(self.tr("Records already there"))
        dl = QVBoxLayout(dup)
        self.matching = QLabel()
        self.matching.setWordWrap(True)
        dl.addWidget(self.matching)
        self.dup_group = QButtonGroup(self)
        self.dup_buttons: dict[str, QRadioButton] = {}
        for code in ON_DUPLICATE:
            button = QRadioButton(L.on_duplicate_name(code))
            help_text = QLabel(L.on_duplicate_help(code))
            help_text.setWordWrap(True)
            help_text.setStyleSheet(NOTE_STYLE)
            help_text.setContentsMargins(22, 0, 0, 4)
            self.dup_group.addButton(button)
            self.dup_buttons[code] = button
            button.toggled.connect(lambda on, c=code: on and self._dup_chosen(c))
            dl.addWidget(button)
            dl.addWidget(help_text)
        self.dup_buttons[wizard.on_duplicate].setChecked(True)

        left = QVBoxLayout()
        left.addWidget(self.table, 1)
        left.addWidget(self.legend)
        left.addWidget(self.issues)
        right = QVBoxLayout()
        right.addWidget(templates)
        right.addWidget(dup)
        right.addStretch(1)
        lower = QHBoxLayout()
        lower.addLayout(left, 3)
        lower.addLayout(right, 2)
        lay = QVBoxLayout(self)
        lay.addWidget(self.preview_label)
        lay.addWidget(self.preview, 2)
        lay.addLayout(lower, 3)

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        w = self.w
        src = w.source
        key = (w.kind, src.path, src.sheet, src.headers)
        if key == self._key:
            return
        self._key = key
        self.fields = w.service.fields(w.kind)
        self.preview_label.setText(self.tr("The first rows of %1:").replace("%1", src.name))
        self._fill_preview(src)
        self.matching.setText(L.matching_help(w.kind))
        self._load_templates()
        guessed = w.service.guess_mapping(w.kind, src.headers)
        chosen = next((name for name, t in self.templates.items() if t == guessed), "")
        self.template_combo.setCurrentIndex(max(0, self.template_combo.findData(chosen)))
        self._build(dict(guessed.fields))

    def _fill_preview(self, src) -> None:
        rows = src.preview
        self.preview.clear()
        self.preview.setColumnCount(len(src.headers))
        self.preview.setRowCount(len(rows))
        self.preview.setHorizontalHeaderLabels(list(src.headers))
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells[:len(src.headers)]):
                self.preview.setItem(r, c, QTableWidgetItem(text))
        self.preview.resizeColumnsToContents()
        for c in range(self.preview.columnCount()):
            self.preview.setColumnWidth(c, min(self.preview.columnWidth(c), 220))

    def _required(self) -> set[str]:
        need = {f.name for f in self.fields if f.required}
        if self.w.kind in CUSTOMER_REF_KINDS:
            need |= {"customer_code", "customer"}
        return need

    def _build(self, fields: dict[str, str]) -> None:
        src = self.w.source
        headers = list(src.headers)
        self.chosen = {k: v for k, v in fields.items() if v in headers}
        self.combos = {}
        need = self._required()
        self.table.setRowCount(len(self.fields))
        bold = QFont(self.table.font())
        bold.setBold(True)
        for row, f in enumerate(self.fields):
            name = L.field_name(self.w.kind, f.name)
            item = QTableWidgetItem(name + (" *" if f.name in need else ""))
            if f.name in need:
                item.setFont(bold)
            self.table.setItem(row, 0, item)
            combo = QComboBox()
            combo.addItem(self.tr("(not imported)"), "")
            for h in headers:
                combo.addItem(h, h)
            combo.setCurrentIndex(max(0, combo.findData(self.chosen.get(f.name, ""))))
            combo.currentIndexChanged.connect(
                lambda _i, name=f.name, c=combo: self.set_column(name, c.currentData()))
            self.combos[f.name] = combo
            self.table.setCellWidget(row, 1, combo)
            self.table.setItem(row, 2, QTableWidgetItem())
        self.table.resizeRowsToContents()
        self._refresh()

    def set_column(self, field: str, header: str | None) -> None:
        """Fill ``field`` from the column ``header`` (None or "": not imported)."""
        if header:
            self.chosen[field] = header
        else:
            self.chosen.pop(field, None)
        combo = self.combos.get(field)
        if combo is not None and combo.currentData() != (header or ""):
            combo.setCurrentIndex(max(0, combo.findData(header or "")))
            return  # the combo's signal comes back here
        self._refresh()

    def _first_value(self, header: str) -> str:
        src = self.w.source
        i = src.headers.index(header)
        return next((row[i] for row in src.preview if i < len(row) and row[i].strip()), "")

    def _refresh(self) -> None:
        used: dict[str, list[str]] = {}
        for name, header in self.chosen.items():
            used.setdefault(header, []).append(name)
        twice = {h: names for h, names in used.items() if len(names) > 1}
        for row, f in enumerate(self.fields):
            item = self.table.item(row, 2)
            header = self.chosen.get(f.name)
            if header in twice:
                others = [L.field_name(self.w.kind, n) for n in twice[header] if n != f.name]
                item.setText(self.tr("Also chosen for %1").replace("%1", "、".join(others)))
                item.setForeground(Qt.GlobalColor.red)
            else:
                item.setText(self._first_value(header) if header else "")
                item.setData(Qt.ItemDataRole.ForegroundRole, None)
        problems = []
        for header, names in twice.items():
            problems.append(self.tr("The column “%1” is chosen for %2: each column can fill "
                                    "one field.").replace("%1", header).replace(
                                        "%2", "、".join(L.field_name(self.w.kind, n)
                                                       for n in names)))
        missing = Mapping(self.w.kind, dict(self.chosen)).missing()
        if missing:
            names = [self.tr("the customer code or name") if m == "customer_code"
                     and self.w.kind in CUSTOMER_REF_KINDS else L.field_name(self.w.kind, m)
                     for m in missing]
            problems.append(self.tr("Choose a column for: %1").replace("%1", "、".join(names)))
        self.issues.setText("\n".join(problems))
        self.issues.setVisible(bool(problems))
        self.save_template_button.setEnabled(not missing)
        self.w.mapping = Mapping(self.w.kind, dict(self.chosen))
        self.completeChanged.emit()

    def column_used_twice(self) -> bool:
        return len(set(self.chosen.values())) < len(self.chosen)

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        return bool(self.chosen) and not self.column_used_twice() and not Mapping(
            self.w.kind, dict(self.chosen)).missing()

    def _dup_chosen(self, code: str) -> None:
        self.w.on_duplicate = code

    # -- templates ------------------------------------------------------------------------------

    def _load_templates(self) -> None:
        self.templates = self.w.service.templates(self.w.kind)
        self.template_combo.clear()
        self.template_combo.addItem(self.tr("(recognised from the headers)"), "")
        for name in sorted(self.templates):
            self.template_combo.addItem(name, name)
        self._note("")

    def _template_chosen(self, index: int) -> None:
        name = self.template_combo.itemData(index)
        src = self.w.source
        if not name:
            from desktop_crm.services.importing.fields import guess_fields

            self._note("")
            self._build(guess_fields(self.w.kind, src.headers))
            return
        fields = self.templates[name].fields
        lacking = [h for h in fields.values() if h not in src.headers]
        self._note(
            self.tr("Not in this file: %1").replace("%1", "、".join(lacking)) if lacking else "")
        self._build(dict(fields))

    def save_template(self) -> None:
        current = self.template_combo.currentData() or ""
        name, ok = QInputDialog.getText(self, self.tr("Save as template"),
                                        self.tr("Name of the template (shared with the team):"),
                                        QLineEdit.EchoMode.Normal, current)
        name = (name or "").strip()
        if not ok or not name:
            return
        if name in self.templates and name != current:
            answer = QMessageBox.question(
                self, self.tr("Replace the template?"),
                self.tr("A template named “%1” exists. Replace it?").replace("%1", name))
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            self.w.service.save_template(name, self.w.kind, Mapping(self.w.kind,
                                                                    dict(self.chosen)))
        except ServiceError as exc:
            QMessageBox.warning(self, self.tr("Template not saved"),
                                self.tr("The template was not saved: %1").replace("%1",
                                                                                 str(exc)))
            return
        self._load_templates()
        self.template_combo.setCurrentIndex(max(0, self.template_combo.findData(name)))
        self._note(self.tr("Saved as “%1”.").replace("%1", name))

    def _note(self, text: str) -> None:
        self.template_note.setText(text)
        self.template_note.setVisible(bool(text))


