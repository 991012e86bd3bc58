"""Cell values: schema values into cells (export) and cells into schema values (import)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from gevinst.io.cells import ambiguous_number, parse_date, parse_number
from gevinst.io.excel.specs import (
    _FALSE_WORDS,
    _NO,
    _TRUE_WORDS,
    _YES,
    BOOL,
    DATE,
    DATETIME,
    ENUM,
    FLOAT,
    IMPACT,
    INT,
    NUMBER_LIST,
    TEXT,
    TEXT_LIST,
    Column,
    SheetSpec,
)
from gevinst.model.schema import (
    IMPACT_SYMBOLS,
    Measurement,
    Plan,
    parse_impact,
)

# --------------------------------------------------------------------------- values out


def _fmt_number(value: float, lang: str) -> str:
    """Exact text for a number (shortest repr), with a decimal comma in Norwegian; a form
    the import would refuse as ambiguous (``2,125``) gets a trailing zero (``2,1250``)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        text = str(int(value))
    else:
        text = repr(value)
    text = text.replace(".", ",") if lang != "en" else text
    return text + "0" if ambiguous_number(text) is not None else text


def display_number(value: float, lang: str = "nb") -> str:
    """A number for people: every digit kept, thousands grouped (``1 234 567,5``).

    >>> display_number(1234567.5), display_number(0.25, "en"), display_number(52000.0, "en")
    ('1 234 567,5', '0.25', '52,000')
    """
    text = _fmt_number(value, "en")
    if "e" in text or not text[-1:].isdigit():
        return text.replace(".", ",") if lang != "en" else text
    sign = "-" if text.startswith("-") else ""
    whole, _, frac = text.lstrip("-").partition(".")
    groups = [whole[max(0, n - 3) : n] for n in range(len(whole), 0, -3)][::-1]
    out = sign + ("," if lang == "en" else " ").join(groups)
    return out + (("." if lang == "en" else ",") + frac if frac else "")


def _display(col: Column, value: Any, lang: str) -> str:
    """A value as a person reads it (for the guide and the import's change list)."""
    if value is None or value == "" or value == []:
        return "–"
    try:
        cell = _to_cell(col, value, lang)
    except _CellValueError:
        cell = ", ".join(value) if isinstance(value, list) else value
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, float | int) and not isinstance(cell, bool):
        return display_number(float(cell), lang)
    return str(cell)


class _CellValueError(Exception):
    def __init__(self, problem: str, allowed: str = "", detail: str = ""):
        super().__init__(problem)
        self.problem, self.allowed, self.detail = problem, allowed, detail


def _to_cell(col: Column, value: Any, lang: str) -> Any:
    """The cell value for a schema value (``None`` for empty)."""
    if value is None:
        return None
    kind = col.kind
    if kind == TEXT:
        return value or None
    if kind in (INT, FLOAT):
        if isinstance(value, float) and float(f"{value:.16g}") != value:
            return _fmt_number(value, lang)  # Excel would round it: keep it exact as text
        if isinstance(value, int) and abs(value) >= 10**15:
            return str(value)
        return value
    if kind == DATE:
        return value
    if kind == DATETIME:
        return value.isoformat()
    if kind == BOOL:
        return (_YES if value else _NO)[lang if lang == "en" else "nb"]
    if kind == ENUM:
        return col.enum(value).label(lang) if col.enum else str(value)
    if kind == IMPACT:
        return IMPACT_SYMBOLS[int(value)]
    if kind == TEXT_LIST:
        if not value:
            return None
        bad = [v for v in value if "," in v]
        if bad:
            raise _CellValueError(
                "invalid",
                "names without commas" if lang == "en" else "navn uten komma",
                f"{bad[0]!r} cannot be written to a comma-separated list",
            )
        return ", ".join(value)
    if kind == NUMBER_LIST:
        return "; ".join(_fmt_number(float(v), lang) for v in value) if value else None
    raise TypeError(kind)


def _get_path(data: dict[str, Any] | None, key: str) -> Any:
    for part in key.split("."):
        if data is None:
            return None
        data = data.get(part)
    return data


def _rows_of(spec: SheetSpec, plan: Plan | None, measurements: Sequence[Measurement]) -> list[dict]:
    """The items of a sheet as plain dicts (python values, enums as members)."""
    if spec.key == "measurements":
        return [dict(m) for m in measurements]
    if plan is None:
        return []
    if spec.parent is None:
        value = getattr(plan, spec.key)
        items = value if isinstance(value, list) else [value]
        return [_as_dict(i) for i in items]
    parent_value = getattr(plan, spec.parent)
    parents = parent_value if isinstance(parent_value, list) else [parent_value]
    out = []
    for p in parents:
        child = getattr(p, spec.field or "")
        pid = {"parent_id": p.id} if hasattr(p, "id") and isinstance(parent_value, list) else {}
        if spec.mapping:
            out.extend({**pid, "key": k, "value": v} for k, v in child.items())
        else:
            out.extend({**pid, **_as_dict(c)} for c in child)
    return out


def _as_dict(model: BaseModel) -> dict[str, Any]:
    return {k: _as_dict(v) if isinstance(v, BaseModel) else v for k, v in model.__dict__.items()}


# --------------------------------------------------------------------------- values in


def _number_allowed(col: Column, lang: str) -> str:
    if col.kind == INT:
        return "a whole number" if lang == "en" else "et heltall"
    return "a number, e.g. 1234.5 or 1 234,5" if lang == "en" else "et tall, f.eks. 1 234,5"


def _date_allowed(lang: str) -> str:
    return (
        "a date, e.g. 2025-12-31" if lang == "en" else "en dato, f.eks. 31.12.2025 eller 2025-12-31"
    )


def _refuse_ambiguous(text: str, col: Column, lang: str) -> None:
    why = ambiguous_number(text, lang)
    if why is not None:
        raise _CellValueError("ambiguous_number", _number_allowed(col, lang), why)


def _from_cell(col: Column, value: Any, lang: str) -> Any:
    """The schema value for a cell value (not empty); raises :class:`_CellValueError`."""
    kind = col.kind
    if isinstance(value, str) and value.lstrip().startswith("="):
        raise _CellValueError(
            "formula",
            "text that does not start with '='"
            if lang == "en"
            else "tekst som ikke begynner med «=»",
        )
    if kind == TEXT:
        if isinstance(value, bool):
            return _YES[lang] if value else _NO[lang]
        if isinstance(value, float):
            return str(int(value)) if value.is_integer() else repr(value)
        if isinstance(value, dt.datetime):
            return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)
    if kind in (INT, FLOAT):
        number: float | None
        if isinstance(value, bool | dt.date):
            number = None
        elif isinstance(value, int | float):
            number = float(value) if kind == FLOAT else value
        else:
            _refuse_ambiguous(str(value), col, lang)
            number = parse_number(str(value))
        if number is None:
            raise _CellValueError("wrong_type", _number_allowed(col, lang))
        if kind == INT and isinstance(number, float) and number.is_integer():
            return int(number)
        return number
    if kind == DATE:
        if isinstance(value, dt.datetime):
            if value.time() != dt.time():
                raise _CellValueError("bad_date", _date_allowed(lang))
            return value.date()
        if isinstance(value, dt.date):
            return value
        date = parse_date(value) if isinstance(value, str) else None
        if date is not None:
            return date
        raise _CellValueError("bad_date", _date_allowed(lang))
    if kind == DATETIME:
        if isinstance(value, dt.datetime | str):
            return value  # the schema parses ISO text
        raise _CellValueError("bad_date", _date_allowed(lang))
    if kind == BOOL:
        if isinstance(value, bool):
            return value
        if not isinstance(value, str):  # a number or a date is never read as yes/no
            raise _CellValueError("not_allowed", f"{_YES[lang]}, {_NO[lang]}")
        word = value.strip().casefold()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
        raise _CellValueError("not_allowed", f"{_YES[lang]}, {_NO[lang]}")
    if kind == ENUM:
        assert col.enum is not None
        try:
            return col.enum.from_label(str(value)).value
        except ValueError:
            raise _CellValueError(
                "not_allowed", " | ".join(m.label(lang) for m in col.enum)
            ) from None
    if kind == IMPACT:
        try:
            return parse_impact(value)
        except (TypeError, ValueError):
            raise _CellValueError(
                "not_allowed", ", ".join(IMPACT_SYMBOLS[k] for k in sorted(IMPACT_SYMBOLS))
            ) from None
    if kind == TEXT_LIST:
        text = _from_cell(dataclasses.replace(col, kind=TEXT), value, lang)
        return [p.strip() for p in text.split(",") if p.strip()]
    if kind == NUMBER_LIST:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return [float(value)]
        out = []
        for part in str(value).split(";"):
            if not part.strip():
                continue
            _refuse_ambiguous(part, col, lang)
            number = parse_number(part)
            if number is None:
                raise _CellValueError(
                    "wrong_type",
                    "numbers separated by ';', e.g. 0.2; 0.6; 1"
                    if lang == "en"
                    else "tall skilt med semikolon, f.eks. 0,2; 0,6; 1",
                )
            out.append(number)
        return out
    raise TypeError(kind)


def _set_path(data: dict[str, Any], key: str, value: Any) -> None:
    *parents, last = key.split(".")
    for p in parents:
        data = data.setdefault(p, {})
    data[last] = value
