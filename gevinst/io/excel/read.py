"""Reading workbooks: cell values into schema values, the marker sheet, field, table and child sheets."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from gevinst import __version__
from gevinst.errors import InputError, Issue, issues_from_validation, key_path
from gevinst.io import workspace as ws
from gevinst.io.cells import is_empty
from gevinst.io.excel.specs import (
    FORMAT,
    FORMAT_VERSION,
    MARKER_SHEET,
    Column,
    SheetSpec,
    _norm,
    sheet_specs,
)
from gevinst.io.excel.values import (
    _CellValueError,
    _from_cell,
    _set_path,
)
from gevinst.io.workbook import inspect_workbook
from gevinst.model.schema import (
    Measurement,
    Plan,
    Workspace,
    label,
)
from gevinst.model.validate import measurement_issues

# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Loc:
    sheet: str
    row: int | None = None
    cell: str = ""
    header: str = ""


@dataclass
class _Reader:
    """State while reading one workbook: issues and where each key path sits."""

    file: str
    lang: str
    workbook_lang: str = "nb"
    issues: list[Issue] = field(default_factory=list)
    where: dict[str, _Loc] = field(default_factory=dict)
    bad: set[tuple[str, str]] = field(default_factory=set)
    """(sheet, cell) already reported, so the schema's "missing" is not said twice."""

    def place(self, key: str, loc: _Loc) -> None:
        self.where.setdefault(key, loc)

    def add(
        self, problem: str, sheet: str, row: int | None = None, cell: str = "", **fields: Any
    ) -> None:
        """A problem in this workbook at ``sheet``, ``row`` and ``cell`` (e.g. ``B7``)."""
        self.issues.append(Issue(problem, file=self.file, sheet=sheet, row=row, key=cell, **fields))

    def header(self, col: Column) -> str:
        """A column's header in the workbook's language."""
        return col.header(self.workbook_lang)

    def column(
        self, spec: SheetSpec, lookup: dict[str, Column], sheet: str, head: Any
    ) -> Column | None:
        """The column a header cell names; an unknown header is reported."""
        col = lookup.get(_norm(head.value))
        if col is None:
            self.add(
                "unknown_field",
                sheet,
                head.row,
                head.coordinate,
                found=str(head.value),
                allowed=", ".join(self.header(c) for c in spec.columns),
            )
        return col

    def read_cell(self, item: dict[str, Any], col: Column, cell: Any, sheet: str) -> None:
        """The cell's value into ``item`` at the column's key (nothing if it is empty).

        A formula or a value the column does not accept is reported (and the cell
        remembered, so the schema's "missing" for it is not said twice).
        """
        value = cell.value
        header = self.header(col)
        if cell.data_type == "f" or isinstance(value, ArrayFormula | DataTableFormula):
            text = value.text if isinstance(value, ArrayFormula) else value
            self.bad.add((sheet, cell.coordinate))
            self.add(
                "excel_formula",
                sheet,
                cell.row,
                cell.coordinate,
                field=header,
                found=str(text) if text is not None else "formula",
                allowed=(
                    "a value typed in (no formula)"
                    if self.lang == "en"
                    else "en innskrevet verdi (ingen formel)"
                ),
            )
            return
        if is_empty(value):
            return
        try:
            _set_path(item, col.key, _from_cell(col, value, self.lang))
        except _CellValueError as exc:
            self.bad.add((sheet, cell.coordinate))
            self.add(
                exc.problem,
                sheet,
                cell.row,
                cell.coordinate,
                field=header,
                found=value,
                allowed=exc.allowed,
                detail=exc.detail,
            )

    def locate(self, issue: Issue, spec_of: dict[str, SheetSpec], prefix: str = "") -> Issue:
        """Move an issue with a schema key path onto its sheet, row and cell."""
        key = prefix + issue.key if prefix else issue.key
        probe = key
        while probe:
            loc = self.where.get(probe)
            if loc is not None:
                fld = loc.header
                if not fld and issue.field and probe != issue.field:
                    fld = _field_label(spec_of, probe, issue.field, self.workbook_lang)
                found = issue.found
                if issue.problem in ("too_short", "too_long") and found in ("list", "dict"):
                    found = None
                return dataclasses.replace(
                    issue,
                    file=self.file,
                    sheet=loc.sheet,
                    row=loc.row,
                    key=loc.cell,
                    field=fld,
                    found=found,
                    line=None,
                )
            probe = _parent_key(probe)
        return dataclasses.replace(issue, file=self.file, line=None)


_LAST_PART = re.compile(r"\.?(\[[^\]]*\]|[^.\[]+)$")


def _parent_key(key: str) -> str:
    """``costs[0].amounts[1980].[key]`` → ``costs[0].amounts[1980]`` → … → ``costs`` → ``""``."""
    parent = _LAST_PART.sub("", key)
    return parent if parent != key else ""


def _field_label(spec_of: dict[str, SheetSpec], key: str, name: str, lang: str) -> str:
    top = re.split(r"[.\[]", key, maxsplit=1)[0]
    spec = spec_of.get(top)
    if spec is not None and name in spec.model.model_fields:
        return label(spec.model, name, lang)
    return name


@dataclass
class _Marker:
    meta: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)


def _read_marker(wb: Workbook) -> _Marker | None:
    if MARKER_SHEET not in wb.sheetnames:
        return None
    marker = _Marker()
    sheet = wb[MARKER_SHEET]
    table = False
    for row in sheet.iter_rows(values_only=True):
        cells = ["" if v is None else str(v) for v in row[:5]]
        if not any(cells):
            continue
        if cells[0] == "sheet" and cells[1] == "title":
            table = True
            continue
        if not table:
            marker.meta[cells[0]] = cells[1]
        elif len(cells) >= 5:
            key, title, _, col_key, header = cells[:5]
            marker.titles.setdefault(key, title)
            marker.headers.setdefault(key, {})[_norm(header)] = col_key
    return marker


def _column_lookup(spec: SheetSpec, marker: _Marker | None) -> dict[str, Column]:
    """Header text (normalised) → column: the marker's headers, both languages, the keys."""
    by_key = {c.key: c for c in spec.columns}
    out: dict[str, Column] = {}
    if marker is not None:
        for header, key in marker.headers.get(spec.key, {}).items():
            if key in by_key:
                out[header] = by_key[key]
    for c in spec.columns:
        for name in (c.header("nb"), c.header("en"), c.key):
            out.setdefault(_norm(name), c)
    return out


@dataclass
class ReadResult:
    """A workbook read and validated: the plan, the measurement rows (Excel row, value)."""

    plan: Plan
    measurements: list[tuple[int, Measurement]]
    sheet: str
    """Title of the measurement sheet (for messages)."""
    lang: str
    """Language of the workbook's headers."""


def read_workbook(
    path: Path,
    *,
    workspace: Workspace | None = None,
    lang: str = "nb",
    name: str | None = None,
    today: dt.date | None = None,
) -> ReadResult:
    """Read and validate a gevinst workbook; every problem is collected.

    Runs the schema, the plan's cross-field checks (``parse_plan``) and the
    measurement checks (``measurement_issues``). Raises :class:`InputError`
    with every issue located by file, sheet, Excel row, cell and column header.
    """
    path = Path(path)
    name = name or ws.display(path)
    if not path.exists():
        raise InputError([Issue("file_missing", file=name)])
    info = inspect_workbook(path, name, lang)
    try:
        wb = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # zipfile.BadZipFile, InvalidFileException, KeyError …
        raise InputError(
            [Issue("not_xlsx", file=name, allowed=".xlsx", detail=type(exc).__name__)]
        ) from None
    marker = _read_marker(wb)
    if marker is not None:
        version = marker.meta.get("format_version", "")
        if marker.meta.get("format") != FORMAT or not version.isdigit():
            raise InputError([Issue("not_gevinst_workbook", file=name, sheet=MARKER_SHEET)])
        if int(version) > FORMAT_VERSION:
            raise InputError(
                [
                    Issue(
                        "newer_workbook",
                        file=name,
                        found=f"format_version {version}",
                        allowed=f"≤ {FORMAT_VERSION} (gevinst {__version__})",
                    )
                ]
            )
    reader = _Reader(file=name, lang=lang)
    if marker is not None:
        reader.workbook_lang = "en" if marker.meta.get("lang") == "en" else "nb"
    specs = sheet_specs()
    spec_of = {s.key: s for s in specs}
    sheets: dict[str, Worksheet] = {}
    by_title = {_norm(t): t for t in wb.sheetnames}
    for spec in specs:
        candidates = [spec.title("nb"), spec.title("en")]
        if marker is not None and spec.key in marker.titles:
            candidates.insert(0, marker.titles[spec.key])
        title = next((by_title[_norm(c)] for c in candidates if _norm(c) in by_title), None)
        if title is not None:
            sheets[spec.key] = wb[title]
        elif spec.layout == "fields" or (marker is not None and spec.key in marker.titles):
            reader.add("sheet_missing", candidates[0], allowed=candidates[0])
    if not sheets:
        raise InputError([Issue("not_gevinst_workbook", file=name)])
    if marker is None:
        guess = next(iter(sheets.values())).title
        reader.workbook_lang = (
            "en"
            if any(s.title("en") == guess for s in specs)
            and not any(s.title("nb") == guess for s in specs)
            else "nb"
        )

    data: dict[str, Any] = {}
    tables: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for spec in specs:
        sheet = sheets.get(spec.key)
        if sheet is None:
            continue
        lookup = _column_lookup(spec, marker)
        if spec.layout == "fields":
            data[spec.key] = _read_fields(reader, spec, sheet, lookup)
        else:
            tables[spec.key] = _read_table(reader, spec, sheet, lookup)

    # Lists of items, then child sheets onto their parents.
    for spec in specs:
        if spec.parent is None and spec.key != "measurements" and spec.key in tables:
            data[spec.key] = [item for _, item in tables[spec.key]]
    for spec in specs:
        if spec.parent is not None and spec.key in tables:
            _attach_children(reader, spec, spec_of[spec.parent], tables[spec.key], data, sheets)

    plan: Plan | None = None
    problems: list[Issue] = []
    try:
        plan = ws.parse_plan(data, name, {}, workspace, lang=lang)
    except InputError as exc:
        problems = [reader.locate(i, spec_of) for i in exc.issues]

    rows: list[tuple[int, Measurement]] = []
    m_spec = spec_of["measurements"]
    m_title = (
        sheets["measurements"].title
        if "measurements" in sheets
        else m_spec.title(reader.workbook_lang)
    )
    for row, item in tables.get("measurements", []):
        prefix = f"measurements[{row}]"
        try:
            rows.append((row, Measurement.model_validate(item)))
        except ValidationError as exc:
            for i in issues_from_validation(exc, lang=lang):
                problems.append(
                    reader.locate(dataclasses.replace(i, key=f"{prefix}.{i.key}"), spec_of)
                )
    if plan is not None:
        # recorded_at is set by gevinst at intake, never taken from the workbook
        unstamped = [(row, m.model_copy(update={"recorded_at": None})) for row, m in rows]
        for i in measurement_issues(plan, unstamped, lang=lang, today=today or dt.date.today()):
            key = f"measurements[{i.row}].{i.field}" if i.field else f"measurements[{i.row}]"
            problems.append(reader.locate(dataclasses.replace(i, key=key), spec_of))
    problems = [i for i in problems if (i.sheet, i.key) not in reader.bad]
    # a formula in a cell no column reads (a note beside the table, the guide) too
    reported = {(i.sheet, i.key) for i in reader.issues if i.problem == "excel_formula"}
    formulas = [i for i in info.formula_issues(name, lang) if (i.sheet, i.key) not in reported]
    issues = reader.issues + formulas + problems
    if issues:
        raise InputError(_sorted(issues, [s.title for s in sheets.values()]))
    assert plan is not None
    return ReadResult(plan, rows, m_title, reader.workbook_lang)


def _sorted(issues: list[Issue], order: list[str]) -> list[Issue]:
    rank = {t: n for n, t in enumerate(order)}
    return sorted(
        issues,
        key=lambda i: (rank.get(i.sheet, len(rank)), i.row or 0, i.key or ""),
    )


def _read_fields(
    reader: _Reader, spec: SheetSpec, sheet: Worksheet, lookup: dict[str, Column]
) -> dict[str, Any]:
    title = sheet.title
    reader.place(spec.key, _Loc(title))
    item: dict[str, Any] = {}
    seen: dict[str, int] = {}
    for cells in sheet.iter_rows(min_row=2, max_col=2):
        if len(cells) < 2:
            continue
        head, cell = cells[0], cells[1]
        if is_empty(head.value):
            if not is_empty(cell.value):
                reader.add("unknown_field", title, head.row, head.coordinate, found="")
            continue
        col = reader.column(spec, lookup, title, head)
        if col is None:
            continue
        header = reader.header(col)
        if col.key in seen:
            reader.add(
                "duplicate_key",
                title,
                head.row,
                head.coordinate,
                field=header,
                found=str(head.value),
                detail=f"rad {seen[col.key]}" if reader.lang != "en" else f"row {seen[col.key]}",
            )
            continue
        seen[col.key] = head.row
        reader.place(f"{spec.key}.{col.key}", _Loc(title, cell.row, cell.coordinate, header))
        reader.read_cell(item, col, cell, title)
    return item


def _read_table(
    reader: _Reader, spec: SheetSpec, sheet: Worksheet, lookup: dict[str, Column]
) -> list[tuple[int, dict[str, Any]]]:
    """Rows of a table sheet as (Excel row, item dict); cell problems go to the reader."""
    title = sheet.title
    reader.place(spec.key, _Loc(title))
    rows = sheet.iter_rows()
    header_cells = next(rows, ())
    columns: dict[int, Column] = {}
    seen: set[str] = set()
    reported: set[int] = set()
    for cell in header_cells:
        if is_empty(cell.value):
            continue
        col = reader.column(spec, lookup, title, cell)
        reported.add(cell.column - 1)
        if col is not None and col.key in seen:
            reader.add("duplicate_key", title, 1, cell.coordinate, found=str(cell.value))
        elif col is not None:
            seen.add(col.key)
            columns[cell.column - 1] = col
            reported.discard(cell.column - 1)
    missing = [reader.header(c) for c in spec.columns if c.required and c.key not in seen]
    if missing:
        reader.add("missing_column", title, 1, found=None, allowed=", ".join(missing))
    out: list[tuple[int, dict[str, Any]]] = []
    for cells in rows:
        if all(is_empty(c.value) for c in cells):
            continue
        row = cells[0].row
        index = len(out)
        item: dict[str, Any] = {}
        for n, cell in enumerate(cells):
            col = columns.get(n)
            if col is None:
                if not is_empty(cell.value) and n not in reported:
                    reported.add(n)  # once per column
                    reader.add(
                        "unknown_field",
                        title,
                        row,
                        cell.coordinate,
                        found=cell.value,
                        detail="cell without a column header"
                        if reader.lang == "en"
                        else "celle uten kolonneoverskrift",
                    )
                continue
            if spec.key == "measurements":
                reader.place(
                    f"measurements[{row}].{col.key}",
                    _Loc(title, row, cell.coordinate, reader.header(col)),
                )
            reader.read_cell(item, col, cell, title)
        if spec.key == "measurements":
            reader.place(f"measurements[{row}]", _Loc(title, row))
        elif spec.parent is None:
            base = f"{spec.key}[{index}]"
            reader.place(base, _Loc(title, row))
            for n, col in columns.items():
                letter = get_column_letter(n + 1)
                reader.place(
                    f"{base}.{col.key}", _Loc(title, row, f"{letter}{row}", reader.header(col))
                )
        item["__cells__"] = {
            col.key: (f"{get_column_letter(n + 1)}{row}", reader.header(col))
            for n, col in columns.items()
        }
        out.append((row, item))
    if spec.parent is None:
        for _, item in out:
            item.pop("__cells__", None)
    return out


def _attach_children(
    reader: _Reader,
    spec: SheetSpec,
    parent: SheetSpec,
    rows: list[tuple[int, dict[str, Any]]],
    data: dict[str, Any],
    sheets: dict[str, Worksheet],
) -> None:
    title = sheets[spec.key].title
    name = spec.field or ""
    if parent.layout == "fields":
        targets = [(spec.parent or "", data.setdefault(parent.key, {}))]
        index_of = {None: 0}
    else:
        items = data.get(parent.key, [])
        targets = [(f"{parent.key}[{n}]", it) for n, it in enumerate(items)]
        index_of = {}
        for n, it in enumerate(items):
            index_of.setdefault(it.get("id"), n)
    for prefix, _ in targets:
        reader.place(f"{prefix}.{name}", _Loc(title))
    counters: dict[int, int] = {}
    for row, item in rows:
        cells = item.pop("__cells__", {})
        pid = item.pop("parent_id", None) if parent.layout == "table" else None
        if parent.layout == "table" and pid is None:
            if "parent_id" in cells:  # empty: missing; a bad value was reported already
                coordinate, header = cells["parent_id"]
                reader.add("missing", title, row, coordinate, field=header)
            continue
        n = index_of.get(pid)
        if n is None:
            coordinate, header = cells.get("parent_id", ("", ""))
            reader.add(
                "unknown_reference",
                title,
                row,
                coordinate,
                field=header,
                found=pid,
                allowed=", ".join(str(k) for k in index_of if k is not None),
            )
            continue
        prefix, target = targets[n]
        if spec.mapping:
            if "key" not in item or "value" not in item:
                for k in ("key", "value"):
                    if k not in item and k in cells:
                        coordinate, header = cells[k]
                        reader.add("missing", title, row, coordinate, field=header)
                continue
            mapping = target.setdefault(name, {})
            k = item["key"]
            if k in mapping:
                coordinate, header = cells["key"]
                reader.add("duplicate_key", title, row, coordinate, field=header, found=k)
                continue
            mapping[k] = item["value"]
            base = key_path([*_split_prefix(prefix), name, k])
            reader.place(f"{base}.[key]", _Loc(title, row, *cells.get("key", ("", ""))))
            reader.place(base, _Loc(title, row, *cells.get("value", ("", ""))))
        else:
            children = target.setdefault(name, [])
            c = counters.get(n, 0)
            counters[n] = c + 1
            base = f"{prefix}.{name}[{c}]"
            reader.place(base, _Loc(title, row))
            for k, (coordinate, header) in cells.items():
                reader.place(f"{base}.{k}", _Loc(title, row, coordinate, header))
            children.append(item)


def _split_prefix(prefix: str) -> list[str | int]:
    out: list[str | int] = []
    for m in re.finditer(r"([^.\[\]]+)|\[(\d+)\]", prefix):
        out.append(m.group(1) if m.group(1) is not None else int(m.group(2)))
    return out
