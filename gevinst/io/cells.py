"""Values as people type them into spreadsheet cells and CSV files.

One reading of Norwegian numbers and dates for every way in: the Excel import
(:mod:`gevinst.io.excel`) and the measurement intake (:mod:`gevinst.io.intake`,
CSV text and Excel cells).

* Numbers: a decimal comma or point, thousands grouped by a space, a no-break
  space or a narrow no-break space, and the minus sign «−» as well as «-»
  (``1 234,5``, ``1234.5``, ``−3``). Only forms with one meaning are read:
  ``17.000``, ``52.000`` and ``23,400`` are 17/52/23,4 to one reader and
  17 000/52 000/23 400 to another, so they are refused (:func:`ambiguous_number`
  says why and what to write), and so are thousands grouped by «.» or «,»
  (``1.234.567``).
* Dates: ISO ``2025-12-31`` or Norwegian ``31.12.2025`` (day and month may have
  one digit).
* Empty: ``None`` or text of white space only.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_AMBIGUOUS = re.compile(r"[+-]?[1-9]\d{0,2}[.,]\d{3}")
_DOT_GROUPS = re.compile(r"[+-]?\d{1,3}([.,])\d{3}(\1\d{3})*([.,]\d+)?")
_NB_NUMBER = re.compile(r"[+-]?\d+(,\d+)?([eE][+-]?\d+)?")
_DOT_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"([+-]?)(\d{1,3}(?:[ \u00a0\u202f]\d{3})+)(\D.*)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NB_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet evaluate text as a formula (OWASP's
CSV-injection rule)."""

EXCEL_MAX_TEXT = 32_767
"""Most characters an Excel cell holds; longer text is refused, never cut."""


def _needs_quote(text: str) -> bool:
    return text.startswith(FORMULA_STARTS) or (text.startswith("'") and _needs_quote(text[1:]))


def spreadsheet_safe(text: str) -> str:
    """Text as stored in a CSV that people open in Excel: one ``'`` before text starting
    with ``= + - @``, tab or CR, so that no spreadsheet runs it (OWASP); reversed exactly
    by :func:`from_spreadsheet_safe` (text already starting with ``'`` and such a
    character gets one more ``'``).

    >>> spreadsheet_safe("+cmd|' /C calc'!A0"), spreadsheet_safe("-2 kr"), spreadsheet_safe("ok")
    ("'+cmd|' /C calc'!A0", "'-2 kr", 'ok')
    >>> from_spreadsheet_safe(spreadsheet_safe("'@x")) == "'@x"
    True
    """
    return "'" + text if _needs_quote(text) else text


def from_spreadsheet_safe(text: str) -> str:
    """The text :func:`spreadsheet_safe` was given."""
    return text[1:] if text.startswith("'") and _needs_quote(text[1:]) else text


def is_empty(value: Any) -> bool:
    """A cell with nothing in it: ``None`` or white space.

    >>> is_empty(None), is_empty("  "), is_empty(0)
    (True, True, False)
    """
    return value is None or (isinstance(value, str) and not value.strip())


def ambiguous_number(text: str, lang: str = "nb") -> str | None:
    """Why a number typed as text has more than one reading, and what to write instead;
    ``None`` when it has one reading (or is no number at all).

    >>> print(ambiguous_number("17.000", "en"))
    17.000 is 17 with a decimal point but 17 000 with a thousands separator: write 17 or 17 000
    >>> ambiguous_number("17,5") is None, ambiguous_number("0,250") is None
    (True, True)
    """
    t = text.strip().replace("\u2212", "-")
    en = lang == "en"
    if _AMBIGUOUS.fullmatch(t):
        sep = "." if "." in t else ","
        whole, frac = t.split(sep)
        mark = "," if not en else "."
        digits = frac.rstrip("0")
        small = whole + (mark + digits if digits else "")
        # 1.234: only a fourth decimal makes it unambiguous
        write = small + "0" if len(digits) == 3 else small
        big = f"{whole} {frac}"
        word = (
            ("a decimal point" if sep == "." else "a decimal comma")
            if en
            else ("desimalpunktum" if sep == "." else "desimalkomma")
        )
        if en:
            return (
                f"{t} is {small} with {word} but {big} with a thousands separator: "
                f"write {write} or {big}"
            )
        return f"{t} er {small} med {word}, men {big} med tusenskille: skriv {write} eller {big}"
    if _DOT_GROUPS.fullmatch(t) and t.count(".") + t.count(",") >= 2:
        if en:
            return (
                f"{t}: «.» and «,» mean a decimal separator in one language and thousands in "
                "another: group thousands with a space (1 234 567,5) or not at all (1234567.5)"
            )
        return (
            f"{t}: «.» og «,» er desimaltegn på ett språk og tusenskille på et annet: "
            "skill tusener med mellomrom (1 234 567,5) eller ikke i det hele tatt (1234567,5)"
        )
    return None


def parse_number(text: str) -> float | None:
    """A number typed as text: ``1 234,5``, ``1234,5``, ``1234.5``, ``−3``; else ``None``
    (also for the ambiguous ``17.000``, see :func:`ambiguous_number`).

    >>> parse_number("1 234,5"), parse_number("0.25"), parse_number("12 kr"), parse_number("17.000")
    (1234.5, 0.25, None, None)
    """
    if ambiguous_number(text) is not None:
        return None
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


__all__ = [
    "EXCEL_MAX_TEXT",
    "FORMULA_STARTS",
    "ambiguous_number",
    "from_spreadsheet_safe",
    "is_empty",
    "parse_date",
    "parse_number",
    "spreadsheet_safe",
]
