"""Values as people type them into spreadsheet cells and CSV files.

One reading of Norwegian numbers and dates for every way in: the Excel import
(:mod:`gevinst.io.excel`) and the measurement intake (:mod:`gevinst.io.intake`,
CSV text and Excel cells).

* Numbers: a decimal comma or point, thousands grouped by a space, a no-break
  space or a narrow no-break space, and the minus sign «−» as well as «-»
  (``1 234,5``, ``1234.5``, ``−3``).
* Dates: ISO ``2025-12-31`` or Norwegian ``31.12.2025`` (day and month may have
  one digit).
* Empty: ``None`` or text of white space only.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_NB_NUMBER = re.compile(r"[+-]?\d+(,\d+)?([eE][+-]?\d+)?")
_DOT_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"([+-]?)(\d{1,3}(?:[ \u00a0\u202f]\d{3})+)(\D.*)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NB_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def is_empty(value: Any) -> bool:
    """A cell with nothing in it: ``None`` or white space.

    >>> is_empty(None), is_empty("  "), is_empty(0)
    (True, True, False)
    """
    return value is None or (isinstance(value, str) and not value.strip())


def parse_number(text: str) -> float | None:
    """A number typed as text: ``1 234,5``, ``1234,5``, ``1234.5``, ``−3``; else ``None``.

    >>> parse_number("1 234,5"), parse_number("0.25"), parse_number("12 kr")
    (1234.5, 0.25, None)
    """
    t = text.strip().replace("\u2212", "-")
    m = _THOUSANDS.fullmatch(t)
    if m:
        t = m.group(1) + re.sub(r"\D", "", m.group(2)) + (m.group(3) or "")
    if _NB_NUMBER.fullmatch(t):
        return float(t.replace(",", "."))
    if _DOT_NUMBER.fullmatch(t):
        return float(t)
    return None


def parse_date(text: str) -> dt.date | None:
    """A date typed as text: ``2025-12-31`` or ``31.12.2025``; else (or no such day) ``None``.

    >>> parse_date(" 1.10.2024 "), parse_date("2024-10-01"), parse_date("31.02.2024")
    (datetime.date(2024, 10, 1), datetime.date(2024, 10, 1), None)
    """
    t = text.strip()
    try:
        if _ISO_DATE.fullmatch(t):
            return dt.date.fromisoformat(t)
        m = _NB_DATE.fullmatch(t)
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        pass
    return None


__all__ = ["is_empty", "parse_date", "parse_number"]
