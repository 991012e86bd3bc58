"""Measurement intake: new measurements into the register, all checked before any is written.

Two ways in:

* :func:`add_measurement` – one value (``gevinst measure add``);
* :func:`import_file` – a CSV file or the "Målinger" sheet of an Excel workbook
  that a benefit owner (gevinsteier) sends back (``gevinst measure import``).

A CSV file has the register's own header
(``target_id,date,value,comment,reported_by,recorded_at``; ``recorded_at`` may be
empty) or the short ``project,target_id,date,value,comment,reported_by``; the
columns may come in any order, ``comment``, ``reported_by`` and
``recorded_at`` may be left out, and a ``;``-separated file (what Excel saves
in Norway) is read as well. The project comes from a ``project`` column or from
``--project``. In an Excel workbook the sheet "Målinger" (or "Measurements") is
read; its header row is found by the Norwegian or English labels of the
measurement fields (``schema.label(Measurement, field)``), other columns are
ignored, and rows with neither date nor value (rows the owner left blank) are
skipped.

Every row is checked before anything is written: the project exists, the
target id is a benefit, dis-benefit or resultatmål of the plan, the date is a
date on or after the baseline date and not in the future, the value is a
number, and the same target and date does not appear twice in the file or
already in the register (the same value: "already recorded"; another value: a
conflict). Any problem → :class:`~gevinst.errors.InputError` naming file,
sheet, row and field, and the register stays byte-for-byte as it was.
Otherwise the new rows are appended – the existing bytes are kept as they are
– with ``recorded_at`` = now and ``reported_by`` from the row or ``--by``; each
file is replaced atomically (:mod:`gevinst.io.atomic`) under a lock, so that two
intakes at once cannot lose a row.

This module reads the clock (for ``recorded_at`` and "in the future"); pass
``now`` to fix it.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from gevinst.errors import ENVIRONMENT_ERRNOS, InputError, Issue, issues_from_validation
from gevinst.io import atomic, transaction
from gevinst.io import workspace as ws
from gevinst.io.cells import (
    ambiguous_number,
    from_spreadsheet_safe,
    is_empty,
    parse_date,
    parse_number,
)
from gevinst.io.workbook import inspect_workbook
from gevinst.io.yamlfile import read_text
from gevinst.model.schema import Measurement, Plan, Project, Workspace, label
from gevinst.model.validate import future_date_issue

SHEET_NAMES = ("Målinger", "Measurements")
PROJECT_COLUMN = "project"
REQUIRED = ("target_id", "date", "value")
OPTIONAL = ("comment", "reported_by", "recorded_at")
SHORT_COLUMNS = ["project", "target_id", "date", "value", "comment", "reported_by"]


# --------------------------------------------------------------------------- raw rows


@dataclass
class RawRow:
    """One row as read, before validation: where it came from and its cells by field."""

    file: str
    row: int | None
    sheet: str
    project: str | None
    cells: dict[str, Any]
    register_format: bool = False
    """From a CSV in the register's own format (``,``-separated, the register's header):
    numbers are then the register's machine form (``52.125`` is 52,125; see
    :func:`gevinst.io.workspace.measurement_rows`), not typed text to second-guess."""


@dataclass(frozen=True)
class NewMeasurement:
    """A validated row to be appended."""

    project: str
    measurement: Measurement
    file: str = ""
    row: int | None = None
    sheet: str = ""


@dataclass
class IntakeResult:
    """What was appended: the rows, and per project the register file and count."""

    rows: list[NewMeasurement]
    files: dict[str, Path] = field(default_factory=dict)
    skipped: list[NewMeasurement] = field(default_factory=list)
    """Rows already in the register, left out with ``skip_recorded``."""

    @property
    def added(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.rows:
            out[r.project] = out.get(r.project, 0) + 1
        return out


def _header_names() -> dict[str, str]:
    """Header text (case-folded) → field: the field names and their nb/en labels."""
    names: dict[str, str] = {}
    for f in (*REQUIRED, *OPTIONAL):
        for text in (f, label(Measurement, f, "nb"), label(Measurement, f, "en")):
            names[_fold(text)] = f
    for text in (
        PROJECT_COLUMN,
        "prosjekt",
        "project_id",
        label(Project, "id", "nb"),
        label(Project, "id", "en"),
    ):
        names[_fold(text)] = PROJECT_COLUMN
    return names


def _fold(text: Any) -> str:
    return " ".join(str(text).replace("*", " ").split()).casefold()


def _number(value: Any) -> Any:
    """Numbers as people write them (:func:`~gevinst.io.cells.parse_number`: ``12,5``,
    ``52 000``, ``−3``); other text, and text too large for a float, is left for the
    schema to refuse (its message then shows the text as typed)."""
    if not isinstance(value, str):
        return value
    number = parse_number(value)
    return number if number is not None and math.isfinite(number) else value.strip()


def _date(value: Any) -> Any:
    """Excel dates, and text as :func:`~gevinst.io.cells.parse_date` reads it (``1.10.2024``,
    ``2024-10-01``), as dates; other text is left for the schema to refuse."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        date = parse_date(value)
        return value.strip() if date is None else date
    return value


# --------------------------------------------------------------------------- reading files


def _raw_row(file: str, row: int, sheet: str, record: dict[str, Any]) -> RawRow:
    """A row's cells by field; a ``project`` cell becomes the row's project."""
    project = record.pop(PROJECT_COLUMN, None)
    return RawRow(file, row, sheet, None if is_empty(project) else str(project).strip(), record)


def read_csv_rows(text: str, name: str, *, lang: str = "nb") -> list[RawRow]:
    """Rows of an intake CSV (row 1 is the header)."""
    first = text.splitlines()[0] if text.splitlines() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = ws.csv_header(reader, name)
    names = _header_names()
    fields = [names.get(_fold(h)) for h in header]
    allowed = (
        f"{','.join(ws.MEASUREMENT_COLUMNS)}"
        + (" eller " if lang != "en" else " or ")
        + ",".join(SHORT_COLUMNS)
    )
    unknown = [h for h, f in zip(header, fields, strict=True) if f is None]
    dupes = sorted({f for f in fields if f is not None and fields.count(f) > 1})
    missing = [f for f in REQUIRED if f not in fields]
    if unknown or dupes or missing:
        detail = "; ".join(
            part
            for part in (
                ("ukjent: " if lang != "en" else "unknown: ") + ", ".join(unknown)
                if unknown
                else "",
                ("to ganger: " if lang != "en" else "twice: ") + ", ".join(dupes) if dupes else "",
                ("mangler: " if lang != "en" else "missing: ") + ", ".join(missing)
                if missing
                else "",
            )
            if part
        )
        raise InputError(
            [
                Issue(
                    "bad_header",
                    file=name,
                    row=1,
                    found=",".join(header),
                    allowed=allowed,
                    detail=detail,
                )
            ]
        )
    rows: list[RawRow] = []
    issues: list[Issue] = []
    register_format = delimiter == "," and header == ws.MEASUREMENT_COLUMNS
    for n, cells in ws.csv_data_rows(reader, len(header), name, issues, lang=lang):
        record = {f: v for f, v in zip(fields, cells, strict=True) if f is not None}
        row = _raw_row(name, n, "", record)
        row.register_format = register_format
        rows.append(row)
    if issues:
        raise InputError(issues)
    return rows


def _find_sheet(book: Any) -> Any | None:
    wanted = {_fold(s) for s in SHEET_NAMES}
    for sheet in book.worksheets:
        if _fold(sheet.title) in wanted:
            return sheet
    return None


def _project_from_workbook(book: Any) -> str | None:
    """The project id written in the workbook's project sheet (``prosjekt-ID | <id>``), if any."""
    keys = {_fold(label(Project, "id", "nb")), _fold(label(Project, "id", "en")), "id"}
    for sheet in book.worksheets:
        if _fold(sheet.title) not in {"prosjekt", "project"}:
            continue
        for row in sheet.iter_rows(min_row=1, max_row=60, max_col=6, values_only=True):
            cells = list(row)
            for k, cell in enumerate(cells[:-1]):
                if isinstance(cell, str) and _fold(cell) in keys and not is_empty(cells[k + 1]):
                    return str(cells[k + 1]).strip()
    return None


def read_xlsx_rows(path: Path, name: str, *, lang: str = "nb") -> tuple[list[RawRow], str | None]:
    """Rows of the "Målinger" sheet, and the project id found in the workbook (if any).

    The workbook is checked first by :func:`gevinst.io.workbook.inspect_workbook` (size,
    used range, no formula in any cell), the rule the Excel import follows too; then it is
    read in openpyxl's read-only mode over the used range that inspection found.
    """
    import openpyxl

    info = inspect_workbook(path, name, lang)
    formulas = info.formula_issues(name, lang)
    if formulas:
        raise InputError(formulas)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except OSError as exc:
        if exc.errno in ENVIRONMENT_ERRNOS:
            raise
        raise InputError([Issue("not_xlsx", file=name, detail=str(exc)[:120])]) from None
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise InputError([Issue("not_xlsx", file=name, detail=type(exc).__name__)]) from None
    try:
        sheet = _find_sheet(book)
        if sheet is None:
            raise InputError(
                [
                    Issue(
                        "sheet_missing",
                        file=name,
                        found=", ".join(s.title for s in book.worksheets),
                        allowed=" / ".join(SHEET_NAMES),
                    )
                ]
            )
        used = info.sheets.get(sheet.title)
        if used is None or used.max_row == 0:
            all_rows: list[tuple[Any, ...]] = []
        else:
            try:  # read-only mode parses while iterating
                all_rows = list(
                    sheet.iter_rows(
                        min_row=1, max_row=used.max_row, max_col=used.max_column, values_only=True
                    )
                )
            except Exception as exc:
                raise InputError(
                    [Issue("not_xlsx", file=name, sheet=sheet.title, detail=type(exc).__name__)]
                ) from None
        names = _header_names()
        header_row, fields = None, []
        for n, row in enumerate(all_rows[:30], start=1):
            mapped = [names.get(_fold(c)) if isinstance(c, str) else None for c in row]
            if all(f in mapped for f in REQUIRED):
                header_row, fields = n, mapped
                break
        if header_row is None:
            raise InputError(
                [
                    Issue(
                        "bad_header",
                        file=name,
                        sheet=sheet.title,
                        allowed=", ".join(label(Measurement, f, lang) for f in REQUIRED),
                        detail="fant ingen overskriftsrad"
                        if lang != "en"
                        else "no header row found",
                    )
                ]
            )
        out: list[RawRow] = []
        for n, row in enumerate(all_rows[header_row:], start=header_row + 1):
            record: dict[str, Any] = {}
            for f, cell in zip(fields, row, strict=False):
                if f is not None and f not in record:
                    record[f] = cell
            if is_empty(record.get("date")) and is_empty(record.get("value")):
                continue  # a row the owner left blank (or only the prefilled id and name)
            cells = {k: ("" if v is None else v) for k, v in record.items()}
            out.append(_raw_row(name, n, sheet.title, cells))
        return out, _project_from_workbook(book)
    finally:
        book.close()


def read_intake_file(path: Path, *, lang: str = "nb") -> tuple[list[RawRow], str | None]:
    """The rows of an intake file (CSV or .xlsx) and a project id found in it, if any."""
    name = ws.display(path)
    if not path.exists():
        raise InputError([Issue("file_missing", file=name)])
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx_rows(path, name, lang=lang)
    if suffix in (".csv", ".txt"):
        return read_csv_rows(read_text(path, name), name, lang=lang), None
    raise InputError(
        [Issue("unsupported_file", file=name, found=path.suffix, allowed=".csv, .xlsx")]
    )


# --------------------------------------------------------------------------- validation


_MACHINE = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")


def _measurement(raw: RawRow, reported_by: str, now: dt.datetime, lang: str):
    record = dict(raw.cells)
    record["date"] = _date(record.get("date"))
    value = record.get("value")
    machine = raw.register_format and isinstance(value, str) and _MACHINE.fullmatch(value.strip())
    why = ambiguous_number(value, lang) if isinstance(value, str) and not machine else None
    if why is not None:
        ambiguous = Issue(
            "ambiguous_number",
            field="value",
            found=value.strip(),
            allowed=_words(
                lang, "et tall, f.eks. 17 000 eller 17,5", "a number, e.g. 17 000 or 17.5"
            ),
            detail=why,
        ).located(file=raw.file, row=raw.row, sheet=raw.sheet)
        m, problems, partial = _measurement(
            replace(raw, cells={**raw.cells, "value": 0}), reported_by, now, lang
        )
        if m is not None:
            partial = {"target_id": m.target_id, "date": m.date}
        return None, [*problems, ambiguous], partial
    record["value"] = float(value) if machine else _number(value)
    if isinstance(record.get("target_id"), str):
        record["target_id"] = record["target_id"].strip()
    for k in ("comment", "reported_by"):
        v = record.get(k)
        record[k] = "" if is_empty(v) else from_spreadsheet_safe(str(v))
    record["reported_by"] = record["reported_by"] or reported_by
    record["recorded_at"] = now
    for k in REQUIRED:
        if is_empty(record.get(k)):
            record.pop(k, None)
    try:
        return Measurement.model_validate(record), [], {}
    except ValidationError as exc:
        problems = [
            replace(i, key="").located(file=raw.file, row=raw.row, sheet=raw.sheet)
            for i in issues_from_validation(exc, lang=lang)
        ]
    # The fields that are fine are still checked against the plan, so that every
    # problem in the row is reported at once.
    failed = {i.field for i in problems}
    partial: dict[str, Any] = {}
    if "target_id" not in failed and isinstance(record.get("target_id"), str):
        partial["target_id"] = record["target_id"]
    if "date" not in failed and "date" in record:
        with contextlib.suppress(ValidationError):
            partial["date"] = _DATE.validate_python(record["date"])
    return None, problems, partial


_DATE = TypeAdapter(dt.date)


def _words(lang: str, nb: str, en: str) -> str:
    return en if lang == "en" else nb


def validate_rows(
    root: Path,
    rows: Iterable[RawRow],
    *,
    project: str | None = None,
    reported_by: str = "",
    now: dt.datetime,
    lang: str = "nb",
    workspace: Workspace | None = None,
    skip_recorded: bool = False,
) -> tuple[list[NewMeasurement], list[NewMeasurement]]:
    """Check every row (see the module docstring); all problems at once as InputError.

    Returns the rows to append and, with ``skip_recorded``, the rows left out
    because exactly the same measurement (target, date, value) is already in the
    register (without it such rows are refused as "already recorded").
    """
    rows = list(rows)
    issues: list[Issue] = []
    if workspace is None:
        workspace = ws.load_config(root, lang=lang)
    known = ws.project_ids(root)
    plans: dict[str, Plan] = {}
    register: dict[str, dict[tuple[str, dt.date], tuple[int, float]]] = {}
    broken: set[str] = set()

    def plan_of(pid: str) -> Plan | None:
        if pid in plans:
            return plans[pid]
        if pid in broken:
            return None
        try:
            plan = ws.load_plan(root, pid, workspace, lang=lang)
            existing = ws.load_measurement_rows(root, plan, lang=lang)
        except InputError as exc:
            broken.add(pid)
            issues.extend(exc.issues)
            return None
        plans[pid] = plan
        register[pid] = {(m.target_id, m.date): (n, m.value) for n, m in existing}
        return plan

    seen: dict[tuple[str, str, dt.date], tuple[int | None, float]] = {}
    out: list[NewMeasurement] = []
    skipped: list[NewMeasurement] = []
    today = now.date()
    for raw in rows:
        where = {"file": raw.file, "row": raw.row, "sheet": raw.sheet}
        pid = raw.project or project
        if raw.project and project and raw.project != project:
            issues.append(
                Issue(
                    "project_mismatch", field=PROJECT_COLUMN, found=raw.project, allowed=project
                ).located(**where)
            )
            continue
        m, problems, partial = _measurement(raw, reported_by, now, lang)
        issues.extend(problems)
        if not pid:
            issues.append(
                Issue(
                    "missing",
                    field=PROJECT_COLUMN,
                    detail=_words(
                        lang,
                        "oppgi prosjektet i en «project»-kolonne eller med --project",
                        "give the project in a 'project' column or with --project",
                    ),
                ).located(**where)
            )
            continue
        if pid not in known:
            issues.append(
                Issue(
                    "unknown_project", field=PROJECT_COLUMN, found=pid, allowed=", ".join(known)
                ).located(**where)
            )
            continue
        plan = plan_of(pid)
        if plan is None:
            continue
        target_id = m.target_id if m else partial.get("target_id")
        date = m.date if m else partial.get("date")
        if target_id is None:
            continue
        targets = plan.measurable()
        item = targets.get(target_id)
        if item is None:
            issues.append(
                Issue(
                    "unknown_reference",
                    field="target_id",
                    found=target_id,
                    allowed=", ".join(targets),
                ).located(**where)
            )
        future = future_date_issue(date, today, lang=lang) if date is not None else None
        if future is not None:
            issues.append(future.located(**where))
        if item is None or date is None:
            continue
        if date < item.baseline_date:
            issues.append(
                Issue(
                    "date_before_baseline",
                    field="date",
                    found=str(date),
                    allowed=_words(
                        lang,
                        f"{item.baseline_date} eller senere",
                        f"on or after {item.baseline_date}",
                    ),
                ).located(**where)
            )
        if m is None or date > today or date < item.baseline_date:
            continue
        key = (pid, m.target_id, m.date)
        if key in seen:
            first_row, first_value = seen[key]
            same = first_value == m.value
            ref = _words(lang, f"se rad {first_row}", f"see row {first_row}")
            issues.append(
                Issue(
                    "duplicate_row" if same else "conflicting_row",
                    field="date",
                    found=f"{m.target_id} {m.date} = {m.value:.12g}",
                    detail=ref
                    if same
                    else _words(
                        lang,
                        f"rad {first_row} har verdien {first_value:.12g}",
                        f"row {first_row} has the value {first_value:.12g}",
                    ),
                ).located(**where)
            )
            continue
        seen[key] = (raw.row, m.value)
        recorded = register[pid].get((m.target_id, m.date))
        if recorded is not None:
            reg_row, reg_value = recorded
            reg_file = ws.display(ws.Paths(root).measurements(pid))
            same = reg_value == m.value
            if same and skip_recorded:
                skipped.append(NewMeasurement(pid, m, raw.file, raw.row, raw.sheet))
                continue
            hint = (
                _words(
                    lang,
                    " (--skip-recorded hopper over rader som allerede er registrert)",
                    " (--skip-recorded skips rows that are already recorded)",
                )
                if same and raw.file
                else ""
            )
            issues.append(
                Issue(
                    "duplicate_measurement" if same else "conflicting_measurement",
                    field="date" if same else "value",
                    found=f"{m.target_id} {m.date} = {m.value:.12g}",
                    detail=_words(
                        lang,
                        f"allerede registrert i {reg_file} rad {reg_row}"
                        + ("" if same else f" med verdien {reg_value:.12g}")
                        + hint,
                        f"already recorded in {reg_file} row {reg_row}"
                        + ("" if same else f" with the value {reg_value:.12g}")
                        + hint,
                    ),
                ).located(**where)
            )
            continue
        out.append(NewMeasurement(pid, m, raw.file, raw.row, raw.sheet))
    if not rows:
        issues.append(
            Issue(
                "empty_file",
                detail=_words(lang, "ingen målinger å registrere", "no measurements to record"),
            )
        )
    if issues:
        raise InputError(issues)
    return out, skipped


# --------------------------------------------------------------------------- writing


def csv_lines(new: Iterable[Measurement]) -> str:
    """Register rows (no header) in the register's column order."""
    return ws.measurement_rows(new)


def _append_text(existing: bytes | None, new: list[Measurement]) -> bytes:
    """The register's bytes as they are, then the new rows (a header first if it is new)."""
    body = csv_lines(new).encode("utf-8")
    if existing is None or not existing.strip():
        return (",".join(ws.MEASUREMENT_COLUMNS) + "\n").encode("utf-8") + body
    sep = b"" if existing.endswith(b"\n") else b"\n"
    return existing + sep + body


def _write(root: Path, rows: list[NewMeasurement]) -> dict[str, Path]:
    """Append ``rows`` to their projects' registers; every file replaced atomically."""
    by_project: dict[str, list[Measurement]] = {}
    for r in rows:
        by_project.setdefault(r.project, []).append(r.measurement)
    paths = {pid: ws.Paths(root).measurements(pid) for pid in by_project}
    with contextlib.ExitStack() as stack:
        for pid, path in paths.items():
            existing = path.read_bytes() if path.exists() else None
            tmp = stack.enter_context(atomic.atomic_path(path))
            tmp.write_bytes(_append_text(existing, by_project[pid]))
    return paths


def register_lock(root: Path):
    """The lock every writer of the measurement registers holds (intake, Excel import):
    :func:`gevinst.io.transaction.workspace_lock`, outside the versioned workspace."""
    return transaction.workspace_lock(root)


def record(
    root: Path,
    rows: list[RawRow],
    *,
    project: str | None = None,
    reported_by: str = "",
    now: dt.datetime | None = None,
    lang: str = "nb",
    skip_recorded: bool = False,
) -> IntakeResult:
    """Validate ``rows`` and append them: nothing is written unless every row is good.

    Validation runs once without the lock (a refused intake touches nothing, not
    even the lock file) and again under the lock, against the register as it is
    when the rows are appended.
    """
    now = now or ws.recorded_now()
    kwargs: Mapping[str, Any] = {
        "project": project,
        "reported_by": reported_by,
        "now": now,
        "lang": lang,
        "skip_recorded": skip_recorded,
    }
    new, skipped = validate_rows(root, rows, **kwargs)
    if not new:
        return IntakeResult([], {}, skipped)
    with register_lock(root):
        new, skipped = validate_rows(root, rows, **kwargs)
        files = _write(root, new)
    return IntakeResult(new, files, skipped)


def add_measurement(
    root: Path,
    project: str,
    target_id: str,
    date: Any,
    value: Any,
    *,
    comment: str = "",
    reported_by: str = "",
    now: dt.datetime | None = None,
    lang: str = "nb",
) -> IntakeResult:
    """Record one measurement (``gevinst measure add``); the same checks as an import."""
    raw = RawRow(
        file="",
        row=None,
        sheet="",
        project=project,
        cells={
            "target_id": target_id,
            "date": date,
            "value": value,
            "comment": comment,
            "reported_by": reported_by,
        },
    )
    return record(root, [raw], project=project, reported_by=reported_by, now=now, lang=lang)


def import_file(
    root: Path,
    path: Path,
    *,
    project: str | None = None,
    reported_by: str = "",
    now: dt.datetime | None = None,
    lang: str = "nb",
    skip_recorded: bool = False,
) -> IntakeResult:
    """Record every measurement in a CSV or Excel file (``gevinst measure import``).

    With ``skip_recorded`` rows exactly as in the register (the same target,
    date and value – e.g. the earlier measurements listed in a workbook sent
    back) are left out instead of refused; a different value is still refused.
    """
    rows, found_project = read_intake_file(Path(path), lang=lang)
    default = project or found_project  # a project written in the workbook is only a default
    return record(
        root,
        [r if r.project else replace(r, project=default) for r in rows],
        project=project,
        reported_by=reported_by,
        now=now,
        lang=lang,
        skip_recorded=skip_recorded,
    )


__all__ = [
    "IntakeResult",
    "NewMeasurement",
    "RawRow",
    "add_measurement",
    "import_file",
    "read_intake_file",
    "record",
    "register_lock",
    "validate_rows",
]
