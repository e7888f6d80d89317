"""Imports go views -> services -> models, never back (ARCHITECTURE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "desktop_crm"


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def files(sub: str):
    return sorted((PKG / sub).rglob("*.py"))


def test_services_and_models_never_import_qt():
    for sub in ("services", "models"):
        for f in files(sub):
            bad = {m for m in imports(f) if m.startswith("PySide6")}
            assert not bad, f"{f.relative_to(PKG)} imports {bad}"


def test_views_never_import_sqlalchemy_or_models():
    for f in files("views"):
        bad = {m for m in imports(f)
               if m.startswith("sqlalchemy") or m.startswith("desktop_crm.models")}
        assert not bad, f"{f.relative_to(PKG)} imports {bad}"


def test_models_import_nothing_of_ours_but_models():
    for f in files("models"):
        bad = {m for m in imports(f)
               if m.startswith("desktop_crm") and not m.startswith("desktop_crm.models")}
        assert not bad, f"{f.relative_to(PKG)} imports {bad}"
