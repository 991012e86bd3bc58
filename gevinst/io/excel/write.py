"""Writing workbooks: schema values into cells, table, field and guide sheets, the template and the export."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from gevinst import __version__
from gevinst.errors import InputError, Issue
from gevinst.io import atomic
from gevinst.io import workspace as ws
from gevinst.io.cells import EXCEL_MAX_TEXT
from gevinst.io.excel.help import (
    _GUIDE_INTRO,
    _description,
    _required_text,
    help_text,
    sheet_help,
    type_text,
)
from gevinst.io.excel.specs import (
    _FIELD_HEADERS,
    _NO,
    _REFERENCES,
    _TITLES,
    _YES,
    BOOL,
    DATE,
    DATETIME,
    ENUM,
    EXTRA_ROWS,
    FORMAT,
    FORMAT_VERSION,
    IMPACT,
    INT,
    MARKER_SHEET,
    NUMBER_LIST,
    TEXT,
    TEXT_LIST,
    Column,
    SheetSpec,
    schema_hash,
    sheet_specs,
)
from gevinst.io.excel.values import (
    _CellValueError,
    _get_path,
    _rows_of,
    _to_cell,
)
from gevinst.model.schema import (
    IMPACT_SYMBOLS,
    Measurement,
    Plan,
    Workspace,
)

# --------------------------------------------------------------------------- writing

_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_REQUIRED_FONT = Font(bold=True, color="FFE699")
_DATE_FORMAT = {"nb": "dd.mm.yyyy", "en": "yyyy-mm-dd"}


def build_workbook(
    plan: Plan | None = None,
    measurements: Sequence[Measurement] = (),
    *,
    workspace: Workspace | None = None,
    lang: str = "nb",
) -> Workbook:
    """The workbook for ``plan`` and its measurements; with ``plan=None`` the blank template.

    Raises :class:`InputError` if a value cannot be written exactly (a kommune name
    with a comma in a comma-separated list, control characters in text).
    """
    lang = "en" if lang == "en" else "nb"
    wb = openpyxl.Workbook()
    guide = wb.active
    assert guide is not None
    guide.title = _TITLES["guide"][lang == "en"]
    lists = wb.create_sheet(_TITLES["lists"][lang == "en"])
    list_ranges = _write_lists(lists, plan, workspace, lang)
    specs = sheet_specs()
    issues: list[Issue] = []
    marker_rows: list[tuple[str, str, str, str, str]] = []
    sheets: dict[str, Worksheet] = {}
    for spec in specs:
        sheet = wb.create_sheet(spec.title(lang), index=len(wb.sheetnames) - 1)
        sheets[spec.key] = sheet
        rows = _rows_of(spec, plan, measurements)
        if spec.layout == "fields":
            _write_fields(
                sheet,
                spec,
                rows[0] if rows else None,
                plan,
                workspace,
                lang,
                list_ranges,
                issues,
                marker_rows,
            )
        else:
            _write_table(sheet, spec, rows, lang, list_ranges, issues, marker_rows)
    if issues:
        raise InputError(issues)
    _add_references(sheets, specs, lang)
    _write_guide(guide, specs, workspace, lang)
    lists.sheet_state = "hidden"
    marker = wb.create_sheet(MARKER_SHEET)
    _write_marker(marker, plan, lang, marker_rows)
    marker.sheet_state = "veryHidden"
    wb.active = 0
    return wb


def _write_lists(
    sheet: Worksheet, plan: Plan | None, workspace: Workspace | None, lang: str
) -> dict[str, str]:
    """Dropdown values on a hidden sheet (lists with commas or > 255 characters work there)."""
    columns: dict[str, list[str]] = {}
    for spec in sheet_specs():
        for col in spec.columns:
            if col.kind == ENUM and col.enum is not None:
                columns.setdefault(col.enum.__name__, [m.label(lang) for m in col.enum])
    columns["bool"] = [_YES[lang], _NO[lang]]
    columns["impact"] = [IMPACT_SYMBOLS[k] for k in sorted(IMPACT_SYMBOLS, reverse=True)]
    if plan is not None:
        columns["measurable"] = list(plan.measurable())
    if workspace is not None:
        columns["municipalities"] = [m.name for m in workspace.municipalities]
    ranges: dict[str, str] = {}
    for n, (name, values) in enumerate(columns.items(), start=1):
        letter = get_column_letter(n)
        sheet.cell(1, n, name).font = Font(bold=True)
        for r, v in enumerate(values, start=2):
            sheet.cell(r, n, v)
        ranges[name] = f"{quote_sheetname(sheet.title)}!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _validation(col: Column, list_ranges: dict[str, str], lang: str) -> DataValidation | None:
    en = lang == "en"
    err_title = "Invalid value" if en else "Ugyldig verdi"
    source = None
    if col.kind == ENUM and col.enum is not None:
        source = list_ranges[col.enum.__name__]
    elif col.kind == BOOL:
        source = list_ranges["bool"]
    elif col.kind == IMPACT:
        source = list_ranges["impact"]
    elif col.key == "target_id" and "measurable" in list_ranges:
        dv = DataValidation(type="list", formula1=list_ranges["measurable"], allow_blank=True)
        dv.errorStyle = "warning"
        dv.error = "Not an ID in this plan" if en else "Ikke en ID i denne planen"
        dv.errorTitle = err_title
        return dv
    if source is not None:
        dv = DataValidation(type="list", formula1=source, allow_blank=not col.required)
        dv.error = "Choose a value from the list" if en else "Velg en verdi fra listen"
        dv.errorTitle = err_title
        return dv
    lo, hi = col.bounds
    if col.kind == INT and lo is not None and hi is not None:
        dv = DataValidation(
            type="whole",
            operator="between",
            formula1=str(int(lo)),
            formula2=str(int(hi)),
            allow_blank=True,
        )
        dv.error = (
            f"A whole number from {int(lo)} to {int(hi)}"
            if en
            else f"Et heltall fra {int(lo)} til {int(hi)}"
        )
        dv.errorTitle = err_title
        return dv
    return None


def _put(sheet: Worksheet, row: int, column: int, value: Any, col: Column, lang: str) -> None:
    if isinstance(value, str) and len(value) > EXCEL_MAX_TEXT:
        raise _CellValueError(
            "too_long_for_excel",
            f"≤ {EXCEL_MAX_TEXT:,}".replace(",", " ")
            + (" characters" if lang == "en" else " tegn"),
            (
                f"found {len(value):,} characters" if lang == "en" else f"fant {len(value):,} tegn"
            ).replace(",", " "),
        )
    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        raise _CellValueError(
            "invalid",
            "text without control characters" if lang == "en" else "tekst uten kontrolltegn",
        )
    cell = sheet.cell(row, column)
    cell.value = value
    if cell.data_type == "f":  # pragma: no cover - the schema refuses text starting with '='
        raise _CellValueError("formula")
    if col.kind == DATE and value is not None:
        cell.number_format = _DATE_FORMAT[lang]
    elif col.kind in (TEXT, TEXT_LIST, NUMBER_LIST, DATETIME) or isinstance(value, str):
        cell.number_format = "@"


def _write_value(
    sheet: Worksheet,
    spec: SheetSpec,
    row: int,
    column: int,
    col: Column,
    value: Any,
    lang: str,
    issues: list[Issue],
) -> None:
    """A schema value into a cell; a value Excel cannot hold exactly is an issue."""
    try:
        _put(sheet, row, column, _to_cell(col, value, lang), col, lang)
    except _CellValueError as exc:
        issues.append(
            Issue(
                exc.problem,
                sheet=spec.title(lang),
                row=row,
                field=col.header(lang),
                allowed=exc.allowed,
                detail=exc.detail,
            )
        )


def _style_header(cell, col: Column | None, lang: str) -> None:
    cell.fill = _HEADER_FILL
    cell.font = _REQUIRED_FONT if col is not None and col.required else _HEADER_FONT
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if col is not None:
        note = Comment(help_text(col, lang), "gevinst")
        note.width, note.height = 320, 140
        cell.comment = note


def _width(values: Iterable[Any], minimum: int = 8, maximum: int = 50) -> float:
    longest = max((len(str(v)) for v in values if v is not None), default=0)
    return float(min(maximum, max(minimum, longest + 2)))


def _write_table(
    sheet: Worksheet,
    spec: SheetSpec,
    rows: list[dict],
    lang: str,
    list_ranges: dict[str, str],
    issues: list[Issue],
    marker_rows: list,
) -> None:
    for n, col in enumerate(spec.columns, start=1):
        cell = sheet.cell(1, n, col.header(lang))
        _style_header(cell, col, lang)
        marker_rows.append(
            (spec.key, spec.title(lang), get_column_letter(n), col.key, col.header(lang))
        )
    for r, item in enumerate(rows, start=2):
        for n, col in enumerate(spec.columns, start=1):
            _write_value(sheet, spec, r, n, col, _get_path(item, col.key), lang, issues)
    last = len(rows) + 1 + EXTRA_ROWS
    for n, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(n)
        dv = _validation(col, list_ranges, lang)
        if dv is not None:
            dv.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(dv)
        values = [col.header(lang)] + [sheet.cell(r, n).value for r in range(2, len(rows) + 2)]
        values = [v.isoformat()[:10] if isinstance(v, dt.date) else v for v in values]
        sheet.column_dimensions[letter].width = _width(values, 10 if col.kind == DATE else 8)
    sheet.freeze_panes = "B2" if spec.columns[0].key in ("id", "parent_id", "target_id") else "A2"
    sheet.row_dimensions[1].height = 32


def _write_fields(
    sheet: Worksheet,
    spec: SheetSpec,
    item: dict | None,
    plan: Plan | None,
    workspace: Workspace | None,
    lang: str,
    list_ranges: dict[str, str],
    issues: list[Issue],
    marker_rows: list,
) -> None:
    for n, text in enumerate(_FIELD_HEADERS[lang], start=1):
        _style_header(sheet.cell(1, n, text), None, lang)
    for r, col in enumerate(spec.columns, start=2):
        head = sheet.cell(r, 1, col.header(lang))
        head.font = Font(bold=col.required)
        marker_rows.append((spec.key, spec.title(lang), f"A{r}", col.key, col.header(lang)))
        value = _get_path(item, col.key) if item is not None else col.default
        if (
            plan is None
            and col.kind == TEXT_LIST
            and workspace is not None
            and spec.key == "project"
        ):
            value = [m.name for m in workspace.municipalities]  # the template: all kommuner
        _write_value(sheet, spec, r, 2, col, value, lang, issues)
        note = help_text(col, lang)
        if col.kind == TEXT_LIST and workspace is not None and spec.key == "project":
            names = ", ".join(m.name for m in workspace.municipalities)
            note += (
                f". Municipalities in the workspace: {names}"
                if lang == "en"
                else f". Kommuner i arbeidsområdet: {names}"
            )
        explain = sheet.cell(r, 3, note)
        explain.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(r, 1).alignment = Alignment(vertical="top")
        sheet.cell(r, 2).alignment = Alignment(vertical="top", wrap_text=True)
        dv = _validation(col, list_ranges, lang)
        if dv is not None:
            dv.add(f"B{r}")
            sheet.add_data_validation(dv)
    sheet.column_dimensions["A"].width = _width([c.header(lang) for c in spec.columns], 12, 40)
    sheet.column_dimensions["B"].width = 48
    sheet.column_dimensions["C"].width = 80
    sheet.freeze_panes = "B2"


def _add_references(sheets: dict[str, Worksheet], specs: Sequence[SheetSpec], lang: str) -> None:
    """Dropdowns of ids for columns that refer to another sheet (effektmål-ID)."""
    by_key = {s.key: s for s in specs}
    for spec in specs:
        for n, col in enumerate(spec.columns, start=1):
            target = _REFERENCES.get(col.key)
            if target is None or target not in by_key or spec.layout != "table":
                continue
            tspec = by_key[target]
            id_col = next(i for i, c in enumerate(tspec.columns, start=1) if c.key == "id")
            tsheet = sheets[target]
            id_letter = get_column_letter(id_col)
            last = max(tsheet.max_row, 2) + EXTRA_ROWS
            dv = DataValidation(
                type="list",
                formula1=f"{quote_sheetname(tsheet.title)}!${id_letter}$2:${id_letter}${last}",
                allow_blank=False,
            )
            dv.errorStyle = "warning"
            dv.errorTitle = "Unknown ID" if lang == "en" else "Ukjent ID"
            dv.error = (
                f"Not an ID in the sheet «{tsheet.title}»"
                if lang == "en"
                else f"Ikke en ID i arket «{tsheet.title}»"
            )
            letter = get_column_letter(n)
            sheet = sheets[spec.key]
            dv.add(f"{letter}2:{letter}{max(sheet.max_row, 2) + EXTRA_ROWS}")
            sheet.add_data_validation(dv)


def _paragraph(sheet: Worksheet, row: int, text: str) -> None:
    """A paragraph of the guide: wrapped text across columns A–D."""
    cell = sheet.cell(row, 1, text)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
    sheet.row_dimensions[row].height = 32


def _write_guide(
    sheet: Worksheet, specs: Sequence[SheetSpec], workspace: Workspace | None, lang: str
) -> None:
    en = lang == "en"
    intro = _GUIDE_INTRO[lang]
    sheet.cell(1, 1, intro[0]).font = Font(bold=True, size=14)
    r = 3
    for text in intro[1:]:
        _paragraph(sheet, r, text)
        r += 1
    if workspace is not None:
        names = ", ".join(m.name for m in workspace.municipalities)
        text = (
            f"Municipalities in the workspace ({workspace.organisation}): {names}."
            if en
            else f"Kommuner i arbeidsområdet ({workspace.organisation}): {names}."
        )
        _paragraph(sheet, r, text)
        r += 1
    heads = (
        ("Column", "Required", "Type / allowed values", "Explanation")
        if en
        else (
            "Kolonne",
            "Påkrevd",
            "Type / tillatte verdier",
            "Forklaring",
        )
    )
    for spec in specs:
        r += 1
        sheet.cell(r, 1, (("Sheet «" if en else "Arket «") + spec.title(lang) + "»")).font = Font(
            bold=True, size=12
        )
        r += 1
        _paragraph(sheet, r, sheet_help(spec, lang))
        r += 1
        for n, h in enumerate(heads, start=1):
            _style_header(sheet.cell(r, n, h), None, lang)
        for col in spec.columns:
            r += 1
            values = (
                col.header(lang),
                _required_text(col, lang),
                type_text(col, lang),
                _description(col, lang),
            )
            for n, v in enumerate(values, start=1):
                cell = sheet.cell(r, n, v)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (34, 22, 46, 70), strict=True):
        sheet.column_dimensions[letter].width = width


def _write_marker(sheet: Worksheet, plan: Plan | None, lang: str, rows: list) -> None:
    meta = [
        ("format", FORMAT),
        ("format_version", FORMAT_VERSION),
        ("gevinst_version", __version__),
        ("schema", schema_hash()),
        ("lang", lang),
        ("project", plan.project.id if plan is not None else ""),
    ]
    for r, (k, v) in enumerate(meta, start=1):
        sheet.cell(r, 1, k)
        sheet.cell(r, 2, v)
    r = len(meta) + 2
    for n, h in enumerate(("sheet", "title", "cell", "key", "header"), start=1):
        sheet.cell(r, n, h)
    for row in rows:
        r += 1
        for n, v in enumerate(row, start=1):
            sheet.cell(r, n, v).number_format = "@"


def save_workbook(wb: Workbook, path: Path, *, reproducible: bool = False) -> Path:
    """Write ``wb`` to ``path`` atomically (temp file + rename).

    With ``reproducible`` the bytes depend only on the content: openpyxl stamps the
    save time into ``docProps/core.xml`` and every zip entry, so those are fixed
    (the committed template then stays unchanged when it is generated again).
    """
    path = Path(path)
    buffer = io.BytesIO()
    wb.save(buffer)
    data = _reproducible_zip(buffer.getvalue()) if reproducible else buffer.getvalue()
    atomic.write_bytes(path, data)
    return path


_FIXED_STAMP = "2000-01-01T00:00:00Z"


def _reproducible_zip(data: bytes) -> bytes:
    """The same xlsx with fixed timestamps in the zip entries and document properties."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                    rb"\g<1>" + _FIXED_STAMP.encode() + rb"\g<3>",
                    content,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, content)
    return out.getvalue()


def write_template(path: Path, *, workspace: Workspace | None = None, lang: str = "nb") -> Path:
    """Write the blank workbook (with the workspace's kommuner, if given)."""
    return save_workbook(
        build_workbook(None, (), workspace=workspace, lang=lang), path, reproducible=True
    )


def write_project(
    path: Path,
    plan: Plan,
    measurements: Sequence[Measurement] = (),
    *,
    workspace: Workspace | None = None,
    lang: str = "nb",
) -> Path:
    """Write one project's filled workbook (plan and measurements)."""
    wb = build_workbook(plan, measurements, workspace=workspace, lang=lang)
    return save_workbook(wb, path)


def export_project(
    root: Path, project_id: str, path: Path | None = None, *, lang: str = "nb"
) -> Path:
    """Load one project from the workspace and write its workbook (default ``<id>.xlsx``)."""
    workspace, plan, measurements = ws.load_project(root, project_id, lang=lang)
    target = Path(path) if path is not None else Path(f"{project_id}.xlsx")
    try:
        wb = build_workbook(plan, measurements, workspace=workspace, lang=lang)
    except InputError as exc:
        raise exc.located(file=ws.display(ws.Paths(root).plan(project_id))) from None
    return save_workbook(wb, target)
