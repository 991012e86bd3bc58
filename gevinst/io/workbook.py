"""The intake rules for every workbook that comes in, checked before openpyxl loads it.

Both ways a workbook enters gevinst – ``gevinst excel import`` (:mod:`gevinst.io.excel`)
and ``gevinst measure import`` (:mod:`gevinst.io.intake`) – call :func:`inspect_workbook`
first. It reads the zip directory and streams each sheet's XML (with ``defusedxml``, so no
entity expansion), and refuses, naming the limit:

* a file larger than :data:`MAX_FILE_BYTES`, or whose parts unpack to more than
  :data:`MAX_UNCOMPRESSED_BYTES` (a zip bomb);
* a cell beyond row :data:`MAX_ROWS` or column :data:`MAX_COLUMNS`, or sheets whose used
  ranges hold more than :data:`MAX_CELLS` cells in all (one cell at ``XFD1048576`` is
  refused in milliseconds; openpyxl would try to build a 17-billion-cell range);
* a formula in any cell of any sheet (``=SUM(…)``, ``=HYPERLINK(…)`` in a comment):
  a workbook carries values typed in, never what its author's Excel computed.

The used range of each sheet is computed from the cells that are really there, never
from the ``<dimension>`` the file claims, so both readers see the same rows.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import ElementTree as SafeET

from gevinst.errors import InputError, Issue

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Largest workbook file (10 MB; an exported plan is about 60 kB)."""
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
"""Largest total size of the workbook's parts once unpacked."""
MAX_ROWS = 20_000
"""Highest row a cell may sit in (a plan sheet uses a few hundred)."""
MAX_COLUMNS = 200
"""Highest column a cell may sit in (column GR; a plan sheet uses at most 40)."""
MAX_CELLS = 500_000
"""Most cells in the used ranges of all sheets together (what openpyxl builds)."""

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REF = re.compile(r"([A-Z]{1,3})([0-9]+)")


def column_number(letters: str) -> int:
    """``A`` -> 1, ``XFD`` -> 16384."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


@dataclass
class SheetInfo:
    """What one sheet really holds."""

    title: str
    max_row: int = 0
    """Last row with a cell (0: no cells)."""
    max_column: int = 0
    formulas: list[tuple[int, str]] = field(default_factory=list)
    """Cells holding a formula as (row, cell), e.g. ``[(7, "B7")]``."""


@dataclass
class WorkbookInfo:
    sheets: dict[str, SheetInfo]
    """By sheet title."""

    def formula_issues(self, name: str, lang: str = "nb") -> list[Issue]:
        """One issue per formula cell, in sheet order."""
        allowed = (
            "a value typed in (no formula)"
            if lang == "en"
            else "en innskrevet verdi (ingen formel)"
        )
        return [
            Issue("excel_formula", file=name, sheet=s.title, row=row, key=ref, allowed=allowed)
            for s in self.sheets.values()
            for row, ref in s.formulas
        ]


_LIMIT_WORDS = {
    "file size": "filstørrelse",
    "uncompressed size": "utpakket størrelse",
    "rows": "rader",
    "columns": "kolonner",
    "cells": "celler",
}


class _Limit(Exception):
    def __init__(self, what: str, found: str, allowed: str):
        super().__init__(what)
        self.what, self.found, self.allowed = what, found, allowed

    def error(self, name: str, lang: str) -> InputError:
        what = self.what if lang == "en" else _LIMIT_WORDS[self.what]
        return InputError(
            [Issue("workbook_limit", file=name, field=what, found=self.found, allowed=self.allowed)]
        )


def _n(value: int | str, unit: str = "") -> str:
    text = f"{value:,}".replace(",", " ") if isinstance(value, int) else value
    return f"{text} {unit}".strip()


def _limit(name: str, what: str, found: int | str, limit: int, unit: str = "") -> _Limit:
    return _Limit(what, _n(found, unit), f"≤ {_n(limit, unit)}")


def _not_xlsx(name: str, exc: Exception, sheet: str = "") -> InputError:
    return InputError(
        [Issue("not_xlsx", file=name, sheet=sheet, allowed=".xlsx", detail=type(exc).__name__)]
    )


def _sheet_paths(book: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> the part holding its XML (from workbook.xml and its relationships)."""
    workbook = SafeET.fromstring(book.read("xl/workbook.xml"))
    try:
        rels = SafeET.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        rels = None
    targets = {}
    if rels is not None:
        for rel in rels.iter(f"{_PKG_REL}Relationship"):
            target = rel.get("Target", "")
            path = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join("xl", target))
            )
            targets[rel.get("Id")] = path
    out = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        path = targets.get(sheet.get(f"{_REL}id") or "")
        if path:
            out[sheet.get("name", "")] = path
    return out


def inspect_workbook(path: Path, name: str, lang: str = "nb") -> WorkbookInfo:
    """Check a workbook against the limits above before it is loaded; see the module doc.

    Raises :class:`InputError` (``not_xlsx`` or ``workbook_limit`` naming the limit).
    """
    try:
        return _inspect(path, name)
    except _Limit as exc:
        raise exc.error(name, lang) from None


def _inspect(path: Path, name: str) -> WorkbookInfo:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _limit(name, "file size", size, MAX_FILE_BYTES, "bytes")
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _not_xlsx(name, exc) from None
    with book:
        unpacked = sum(i.file_size for i in book.infolist())
        if unpacked > MAX_UNCOMPRESSED_BYTES:
            raise _limit(name, "uncompressed size", unpacked, MAX_UNCOMPRESSED_BYTES, "bytes")
        try:
            paths = _sheet_paths(book)
        except (KeyError, SafeET.ParseError, ValueError) as exc:
            raise _not_xlsx(name, exc) from None
        sheets: dict[str, SheetInfo] = {}
        cells = 0
        for title, part in paths.items():
            info = SheetInfo(title)
            try:
                _scan_sheet(book, part, info, name)
            except KeyError:
                continue  # a chartsheet or a missing part: openpyxl reports what matters
            except _Limit:
                raise
            except Exception as exc:  # a damaged part: BadZipFile, zlib.error, EOFError, XML
                raise _not_xlsx(name, exc, title) from None
            cells += info.max_row * info.max_column
            if cells > MAX_CELLS:
                raise _limit(name, "cells", f"> {_n(MAX_CELLS)}", MAX_CELLS)
            sheets[title] = info
    return WorkbookInfo(sheets)


def _scan_sheet(book: zipfile.ZipFile, part: str, info: SheetInfo, name: str) -> None:
    """Stream one sheet's XML: the real used range and the formula cells."""
    row_number = 0
    column = 0
    cell_ref = ""
    with book.open(part) as stream:
        for event, elem in SafeET.iterparse(stream, events=("start", "end")):
            tag = elem.tag
            if event == "start":
                if tag == f"{_MAIN}row":
                    r = elem.get("r")
                    row_number = int(r) if r and r.isdigit() else row_number + 1
                    column = 0
                elif tag == f"{_MAIN}c":
                    ref = elem.get("r")
                    m = _REF.fullmatch(ref) if ref else None
                    if m:
                        column, row_number = column_number(m[1]), int(m[2])
                    else:
                        column += 1
                    cell_ref = ref or f"R{row_number}C{column}"
                    for what, n, limit in (
                        ("rows", row_number, MAX_ROWS),
                        ("columns", column, MAX_COLUMNS),
                    ):
                        if n > limit:
                            raise _limit(name, what, f"{info.title}!{cell_ref}", limit)
                    info.max_row = max(info.max_row, row_number)
                    info.max_column = max(info.max_column, column)
                elif tag == f"{_MAIN}f":
                    info.formulas.append((row_number, cell_ref))
            elif tag in (f"{_MAIN}c", f"{_MAIN}row"):
                elem.clear()


__all__ = [
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "MAX_UNCOMPRESSED_BYTES",
    "SheetInfo",
    "WorkbookInfo",
    "column_number",
    "inspect_workbook",
]
