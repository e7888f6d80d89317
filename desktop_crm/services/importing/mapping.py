"""Which column fills which field (the mapping step), saved as a template or a JSON file.

A mapping is ``field -> header text`` for one kind of import. The JSON form, for
``desktop-crm import --mapping FILE.json`` and for templates::

    {"kind": "customers", "fields": {"name": "客户名称", "phone": "手机", "owner": "负责人"}}

Templates are shared by the team (``shared_settings`` key ``import_templates``).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import FieldError, ValidationError
from .fields import FIELDS, KINDS

TEMPLATES_KEY = "import_templates"


@dataclass(frozen=True)
class Mapping:
    """``fields``: field name -> the header of the column that fills it."""

    kind: str
    fields: dict[str, str] = field(default_factory=dict)

    def with_field(self, name: str, header: str | None) -> "Mapping":
        """A copy with ``name`` filled from ``header`` (None or "": not imported)."""
        fields = {k: v for k, v in self.fields.items() if k != name and v != header}
        if header:
            fields[name] = header
        return Mapping(self.kind, fields)

    def missing(self) -> list[str]:
        """Required fields no column fills (a customer reference counts when either its code
        or its name is mapped)."""
        out = [f.name for f in FIELDS[self.kind].values()
               if f.required and f.name not in self.fields]
        if self.kind in ("contacts", "orders", "interactions") and not (
                {"customer_code", "customer"} & set(self.fields)):
            out.append("customer_code")
        return out

    def validate(self, headers: tuple[str, ...] | list[str] | None = None) -> "Mapping":
        """This mapping, or ``ValidationError``: unknown kind or field, a header the file does
        not have, a required field without a column (``missing_column``)."""
        if self.kind not in KINDS:
            raise ValidationError([FieldError("kind", "invalid_choice", self.kind,
                                              ", ".join(KINDS))])
        errors = [FieldError(name, "unknown_field", name) for name in self.fields
                  if name not in FIELDS[self.kind]]
        if headers is not None:
            have = set(headers)
            errors += [FieldError(name, "no_such_column", header)
                       for name, header in self.fields.items() if header not in have]
        errors += [FieldError(name, "missing_column") for name in self.missing()]
        if errors:
            raise ValidationError(errors)
        return self

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "fields": dict(self.fields)}

    @classmethod
    def from_dict(cls, data: Any, kind: str | None = None) -> "Mapping":
        if not isinstance(data, dict) or not isinstance(data.get("fields", {}), dict):
            raise ValidationError([FieldError("mapping", "invalid", "",
                                              '{"kind": ..., "fields": {field: header}}')])
        got_kind = str(data.get("kind") or kind or "")
        if kind and got_kind != kind:
            raise ValidationError([FieldError("mapping", "wrong_kind", got_kind, kind)])
        fields = {str(k): str(v) for k, v in (data.get("fields") or {}).items() if v}
        return cls(got_kind, fields)


def load_json(path: str | os.PathLike, kind: str | None = None) -> Mapping:
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError([FieldError("mapping", "unreadable", p.name, str(exc)[:200])]) \
            from exc
    return Mapping.from_dict(data, kind)


def save_json(mapping: Mapping, path: str | os.PathLike) -> None:
    tmp = Path(f"{path}.part")
    tmp.write_text(json.dumps(mapping.to_dict(), ensure_ascii=False, indent=2) + "\n",
                   encoding="utf-8")
    os.replace(tmp, path)
