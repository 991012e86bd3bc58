"""The økonomiplan workbook (``gevinst budget --excel FILE``): one sheet per kommune plus a summary.

Each kommune's sheet has one row per project and budget line (investering,
drift, egeninnsats, kontantgevinster forventet, uttak planlagt) and one column
per budget year with a sum column, then the kommune's totals per line. Numbers are real numbers with a thousands format, never
text, so the sheet can be summed and copied into the kommune's own budget
model. Written atomically (:func:`gevinst.io.excel.write.save_workbook`).
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from gevinst.io.cells import EXCEL_MAX_TEXT
from gevinst.io.excel.write import save_workbook
from gevinst.model.budget import ITEM_LABELS, ITEMS, BudgetView

NUMBER_FORMAT = "# ##0;-# ##0"
"""Whole kroner with a thousands separator (Excel shows the locale's separator)."""

SUMMARY_SHEET = ("Sammendrag", "Summary")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name for kommune ``name`` (≤ 31 characters, no ``[]:*?/\\``).

    >>> sheet_title("Nes: Akershus", set())
    'Nes_ Akershus'
    """
    base = _BAD_SHEET_CHARS.sub("_", name).strip("'")[:31] or "Kommune"
    title, n = base, 2
    while title.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def _label(item: str, lang: str) -> str:
    return ITEM_LABELS[item][0 if lang == "nb" else 1]


def _t(lang: str, nb: str, en: str) -> str:
    return nb if lang == "nb" else en


def _head(sheet: Worksheet, row: int, cells: list[str]) -> None:
    for col, value in enumerate(cells, start=1):
        c = sheet.cell(row, col, value)
        c.font = Font(bold=True)
        c.fill = _HEADER_FILL
        c.alignment = Alignment(horizontal="left" if col <= 2 else "right", wrap_text=True)


def _numbers(sheet: Worksheet, row: int, first_col: int, values: list[float]) -> None:
    for k, v in enumerate(values):
        c = sheet.cell(row, first_col + k, round(float(v), 2))
        c.number_format = NUMBER_FORMAT


def _block(sheet: Worksheet, row: int, view: BudgetView, lang: str, *,
           municipality: str | None) -> int:
    """Project × item rows, then totals per item; returns the next free row."""
    years = list(view.years)
    _head(sheet, row, [_t(lang, "Prosjekt", "Project"), _t(lang, "Post", "Item"),
                       *map(str, years), _t(lang, "Sum", "Total")])
    row += 1
    for pid in view.projects:
        for item in ITEMS:
            values = [view.total(item, municipality=municipality, project=pid, year=y) for y in years]
            if not any(values):
                continue
            sheet.cell(row, 1, pid[:EXCEL_MAX_TEXT])
            sheet.cell(row, 2, _label(item, lang))
            _numbers(sheet, row, 3, [*values, sum(values)])
            row += 1
    for item in ITEMS:
        values = [view.total(item, municipality=municipality, year=y) for y in years]
        sheet.cell(row, 1, _t(lang, "Sum alle prosjekter", "Total all projects")).font = Font(bold=True)
        sheet.cell(row, 2, _label(item, lang)).font = Font(bold=True)
        _numbers(sheet, row, 3, [*values, sum(values)])
        row += 1
    return row


def _widths(sheet: Worksheet, n_years: int) -> None:
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 28
    for k in range(n_years + 1):
        sheet.column_dimensions[get_column_letter(3 + k)].width = 14


def budget_workbook(
    view: BudgetView, prices: str, *, lang: str = "nb", organisation: str = ""
) -> openpyxl.Workbook:
    """The workbook (not yet saved): ``Sammendrag`` first, then one sheet per kommune.

    ``prices`` is the sentence stating real or nominal kroner and the assumption beyond
    the price index (:func:`gevinst.report.tables.budget_prices_text`)."""
    wb = openpyxl.Workbook()
    summary = wb.active
    summary.title = SUMMARY_SHEET[0 if lang == "nb" else 1]
    taken = {summary.title}
    years = list(view.years)
    span = f"{years[0]}–{years[-1]}" if years else ""
    title = _t(lang, f"Økonomiplan {span}", f"Financial plan {span}")
    summary.cell(1, 1, (f"{organisation}: " if organisation else "") + title).font = Font(bold=True, size=14)
    summary.cell(2, 1, prices)
    _head(summary, 4, [_t(lang, "Kommune", "Municipality"), _t(lang, "Post", "Item"),
                       *map(str, years), _t(lang, "Sum", "Total")])
    row = 5
    for m in view.municipalities:
        for item in ITEMS:
            values = [view.total(item, municipality=m, year=y) for y in years]
            summary.cell(row, 1, m)
            summary.cell(row, 2, _label(item, lang))
            _numbers(summary, row, 3, [*values, sum(values)])
            row += 1
    row += 1
    summary.cell(row, 1, _t(lang, "Per prosjekt (alle kommuner)", "Per project (all municipalities)")).font = Font(bold=True)
    row = _block(summary, row + 1, view, lang, municipality=None)
    if view.skipped:
        summary.cell(row + 1, 1, _t(lang, "Ikke med (planen kan ikke analyseres): ",
                                    "Left out (the plan cannot be analysed): ") + ", ".join(view.skipped))
    _widths(summary, len(years))
    summary.freeze_panes = "C5"
    for m in view.municipalities:
        sheet = wb.create_sheet(sheet_title(m, taken))
        sheet.cell(1, 1, f"{m}: {title}").font = Font(bold=True, size=14)
        sheet.cell(2, 1, prices)
        sheet.cell(3, 1, _t(
            lang,
            "Kostnader etter hvert prosjekts fordelingsnøkkel; gevinster og uttak etter kommunens andel av hver gevinst.",
            "Costs by each project's cost-sharing key; gains and take-outs by the municipality's share of each benefit.",
        ))
        nxt = _block(sheet, 5, view, lang, municipality=m)
        realised = view.realised.get(m, {})
        if realised:
            sheet.cell(nxt + 1, 1, _t(lang, "Uttak realisert hittil (fra målingene)",
                                      "Take-outs realised to date (from the measurements)")).font = Font(bold=True)
            for k, (pid, amount) in enumerate(sorted(realised.items())):
                sheet.cell(nxt + 2 + k, 1, pid)
                _numbers(sheet, nxt + 2 + k, 3, [amount])
        _widths(sheet, len(years))
        sheet.freeze_panes = "C6"
    return wb


def write_budget(
    path: Path, view: BudgetView, prices: str, *, lang: str = "nb", organisation: str = ""
) -> Path:
    """Write the økonomiplan workbook to ``path`` atomically (check the target first:
    :func:`gevinst.io.outputs.check_output`)."""
    return save_workbook(
        budget_workbook(view, prices, lang=lang, organisation=organisation), Path(path)
    )


__all__ = ["NUMBER_FORMAT", "SUMMARY_SHEET", "budget_workbook", "sheet_title", "write_budget"]
