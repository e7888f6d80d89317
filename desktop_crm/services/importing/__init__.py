"""Importing customers, contacts, orders, interactions and follow-ups from spreadsheets (issue 7,
no Qt): ``readers`` (files, encodings, sheets, header rows), ``fields`` (what each kind can
fill and the headers that name it), ``mapping`` (columns to fields, templates), ``values``
and ``rows`` (checking and standardising cells), ``engine`` (matching and batched writes),
``undo``, ``report`` (the rejected rows as a workbook) and ``service`` (``ImportService``)."""

from .engine import ImportResult, RejectedRow
from .fields import KINDS, ON_DUPLICATE
from .mapping import Mapping, load_json, save_json
from .readers import Source, UnreadableFile
from .report import english
from .rows import Problem
from .service import FieldInfo, ImportRecord, ImportService
from .undo import UndoRefused

__all__ = ["FieldInfo", "ImportRecord", "ImportResult", "ImportService", "KINDS", "Mapping",
           "ON_DUPLICATE", "Problem", "RejectedRow", "Source", "UndoRefused", "UnreadableFile",
           "english", "load_json", "save_json"]
