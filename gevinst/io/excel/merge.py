"""Merging an import into the workspace: plan changes, the measurement merge, the import of a workbook."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gevinst.errors import InputError, Issue
from gevinst.io import transaction
from gevinst.io import workspace as ws
from gevinst.io.excel.read import (
    read_workbook,
)
from gevinst.io.excel.specs import (
    SheetSpec,
    sheet_specs,
)
from gevinst.io.excel.values import (
    _as_dict,
    _display,
    _get_path,
    display_number,
)
from gevinst.io.intake import register_lock
from gevinst.io.yamlfile import read_text
from gevinst.model.schema import (
    Measurement,
    Plan,
    label,
)

# --------------------------------------------------------------------------- changes


@dataclass(frozen=True)
class Change:
    """One difference between the saved plan and the imported one."""

    action: str
    """``new_project``, ``added``, ``removed``, ``changed`` or ``reordered``."""
    sheet: str
    item: str = ""
    """The item's ID (empty for field sheets)."""
    field: str = ""
    old: str = ""
    new: str = ""

    def format(self, lang: str = "nb") -> str:
        en = lang == "en"
        where = f"{self.sheet} {self.item}".strip()
        if self.action == "new_project":
            return f"New project: {self.new}" if en else f"Nytt prosjekt: {self.new}"
        if self.action == "added":
            return f"+ {where}" + (" (new)" if en else " (ny)")
        if self.action == "removed":
            return f"- {where}" + (" (removed)" if en else " (fjernet)")
        if self.action == "reordered":
            return f"~ {where}: " + ("order of rows changed" if en else "rekkefølgen er endret")
        return f"~ {where} «{self.field}»: {self.old} → {self.new}"


def _cells_text(spec: SheetSpec, item: dict, lang: str) -> dict[str, str]:
    return {c.header(lang): _display(c, _get_path(item, c.key), lang) for c in spec.columns}


def plan_changes(old: Plan | None, new: Plan, *, lang: str = "nb") -> list[Change]:
    """What ``new`` changes compared with ``old`` (``None``: a new project).

    Items in table sheets are matched by ID: added, removed, or changed field by
    field (old → new); nested rows (uttak, beløp per år) are compared as a whole.
    """
    if old is None:
        return [Change("new_project", "", new=f"{new.project.id} ({new.project.name})")]
    out: list[Change] = []
    specs = sheet_specs()
    for spec in specs:
        if spec.parent is not None or spec.key == "measurements":
            continue
        kids = [s for s in specs if s.parent == spec.key]
        title = spec.title(lang)
        old_value, new_value = getattr(old, spec.key), getattr(new, spec.key)
        if spec.layout == "fields":
            pairs = [("", old_value, new_value)]
        else:
            old_by = {_row_key(i): i for i in old_value}
            new_by = {_row_key(i): i for i in new_value}
            out.extend(Change("removed", title, i) for i in old_by if i not in new_by)
            out.extend(Change("added", title, i) for i in new_by if i not in old_by)
            pairs = [(i, old_by[i], new_by[i]) for i in new_by if i in old_by]
            common_old = [i for i in old_by if i in new_by]
            common_new = [i for i in new_by if i in old_by]
            if common_old != common_new:
                out.append(Change("reordered", title))
        for item_id, a, b in pairs:
            if a == b:
                continue
            ta, tb = _cells_text(spec, _as_dict(a), lang), _cells_text(spec, _as_dict(b), lang)
            for header in tb:
                if ta[header] != tb[header]:
                    out.append(Change("changed", title, item_id, header, ta[header], tb[header]))
            for kid in kids:
                va, vb = getattr(a, kid.field or ""), getattr(b, kid.field or "")
                if va != vb:
                    out.append(
                        Change(
                            "changed",
                            title,
                            item_id,
                            label(spec.model, kid.field or "", lang),
                            _child_text(kid, va, lang),
                            _child_text(kid, vb, lang),
                        )
                    )
    return out


def _row_key(item: object) -> str:
    """What identifies a row of a table sheet: its id (a dependency: what it depends on)."""
    return str(getattr(item, "id", None) or getattr(item, "on", ""))


def _child_text(spec: SheetSpec, value: Any, lang: str) -> str:
    cols = [c for c in spec.columns if c.key != "parent_id"]
    if spec.mapping:
        key_col, value_col = cols
        parts = [
            f"{_display(key_col, k, lang)}: {_display(value_col, v, lang)}"
            for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))
        ]
    else:
        parts = [
            ", ".join(_display(c, _get_path(_as_dict(v), c.key), lang) for c in cols) for v in value
        ]
    return "; ".join(parts) or "–"


# --------------------------------------------------------------------------- measurements


@dataclass
class MeasurementMerge:
    """The measurement list after an import, and what changed."""

    measurements: list[Measurement]
    added: list[tuple[int, Measurement]] = field(default_factory=list)
    changed: list[tuple[int, Measurement, Measurement]] = field(default_factory=list)
    """(Excel row, old, new)."""
    deleted: list[Measurement] = field(default_factory=list)


def _differences(old: Measurement, new: Measurement) -> list[str]:
    """Fields of a recorded measurement that an imported row changes (empty: the same).

    ``recorded_at`` is never taken from a workbook: gevinst sets it at intake.
    """
    return [k for k in ("value", "comment", "reported_by") if getattr(old, k) != getattr(new, k)]


def merge_measurements(
    existing: Sequence[Measurement],
    imported: Sequence[tuple[int, Measurement]],
    *,
    now: dt.datetime,
    force: bool = False,
    file: str = "",
    sheet: str = "",
    lang: str = "nb",
) -> MeasurementMerge:
    """Merge imported rows (Excel row, measurement) into the recorded measurements.

    Rows are matched on ``target_id`` + ``date``. Recorded measurements are never
    silently altered: a changed or missing one is an :class:`InputError` naming the
    row, unless ``force`` (then a changed one is recorded again at ``now`` and a
    missing one is deleted). New rows get ``recorded_at = now`` whatever the workbook
    says (the audit trail is gevinst's, as in ``gevinst measure import``);
    ``reported_by`` stays as given. The result is the register's order with new
    rows appended in the workbook's order.
    """
    new_by = {(m.target_id, m.date): (row, m) for row, m in imported}
    result = MeasurementMerge([])
    issues: list[Issue] = []
    recorded = set()
    for old in existing:
        k = (old.target_id, old.date)
        recorded.add(k)
        if k not in new_by:
            result.deleted.append(old)
            issues.append(
                Issue(
                    "measurement_deleted",
                    file=file,
                    sheet=sheet,
                    found=f"{old.target_id} {old.date} = {display_number(old.value, lang)}",
                    allowed="--force",
                )
            )
            continue
        row, m = new_by[k]
        diff = _differences(old, m)
        if not diff:
            result.measurements.append(old)
            continue
        new = m.model_copy(update={"recorded_at": now})
        result.changed.append((row, old, new))
        result.measurements.append(new)
        shown = "; ".join(
            f"{label(Measurement, d, lang)} "
            f"{_measurement_text(getattr(old, d), lang)} → {_measurement_text(getattr(m, d), lang)}"
            for d in diff
        )
        issues.append(
            Issue(
                "measurement_changed",
                file=file,
                sheet=sheet,
                row=row,
                field=label(Measurement, diff[0], lang),
                found=f"{m.target_id} {m.date}: {shown}",
                allowed="--force",
            )
        )
    for row, m in imported:
        if (m.target_id, m.date) not in recorded:
            m = m.model_copy(update={"recorded_at": now})
            result.added.append((row, m))
            result.measurements.append(m)
    if issues and not force:
        raise InputError(issues)
    return result


def _measurement_text(value: Any, lang: str) -> str:
    if isinstance(value, float):
        return display_number(value, lang)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return repr(value)


# --------------------------------------------------------------------------- import


@dataclass
class ImportResult:
    """What an import found and did."""

    project_id: str
    plan: Plan
    changes: list[Change]
    merge: MeasurementMerge
    plan_path: Path
    measurements_path: Path
    written: list[Path] = field(default_factory=list)
    dry_run: bool = False


def _csv_rows(measurements: Sequence[Measurement]) -> str:
    """Measurement rows as CSV text, without the header."""
    return ws.measurement_rows(measurements)


def _register_bytes(path: Path, merge: MeasurementMerge) -> bytes:
    """The new register, touching only what changed.

    Rows that stay keep their bytes; a forced change replaces that row, a forced
    deletion drops it, and new rows are appended (as ``gevinst measure`` does), so
    the register's diff shows exactly what the import did.
    """
    if not path.exists():
        return ws.measurements_to_csv(merge.measurements).encode("utf-8")
    raw = path.read_bytes()
    bom = raw[:3] if raw.startswith(b"\xef\xbb\xbf") else b""
    text = raw[len(bom) :].decode("utf-8")
    lines = io.StringIO(text).readlines()
    replaced = {(old.target_id, old.date): new for _, old, new in merge.changed}
    dropped = {(m.target_id, m.date) for m in merge.deleted}
    reader = csv.reader(io.StringIO(text))
    next(reader, None)
    out = ["".join(lines[: reader.line_num])]
    start = reader.line_num
    for cells in reader:
        chunk = "".join(lines[start : reader.line_num])
        start = reader.line_num
        key = None
        if len(cells) >= 2 and cells[0].strip():
            try:
                key = (cells[0].strip(), dt.date.fromisoformat(cells[1].strip()))
            except ValueError:
                key = None
        if key in dropped:
            continue
        if key in replaced:
            chunk = _csv_rows([replaced[key]])
        out.append(chunk)
    body = "".join(out)
    if body and not body.endswith("\n"):
        body += "\n"
    body += _csv_rows([m for _, m in merge.added])
    try:  # the surgical edit must give exactly the merged register; else rewrite it whole
        rows = ws.parse_measurements_csv(body, path.name)
    except InputError:
        rows = []
    if [m for _, m in rows] != merge.measurements:
        return ws.measurements_to_csv(merge.measurements).encode("utf-8")
    return bom + body.encode("utf-8")


def import_workbook(
    root: Path,
    path: Path,
    *,
    force: bool = False,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    lang: str = "nb",
) -> ImportResult:
    """Read a workbook into the workspace: ``projects/<id>.yaml`` and ``measurements/<id>.csv``.

    Validates everything first (raising :class:`InputError` with every problem and
    writing nothing), compares with the saved files, then writes only what changed,
    each file atomically. ``now`` (default: the current local time) is the
    ``recorded_at`` of new measurements.
    """
    root = Path(root)
    workspace = ws.load_config(root, lang=lang)
    read = read_workbook(path, workspace=workspace, lang=lang)
    plan = read.plan
    pid = plan.project.id
    paths = ws.Paths(root)
    plan_path, meas_path = paths.plan(pid), paths.measurements(pid)
    old_plan: Plan | None = None
    if plan_path.exists():
        try:
            old_plan = ws.load_plan(root, pid, workspace, lang=lang)
        except InputError:
            if not force:
                raise
    when = now or ws.recorded_now()
    source = ws.display(Path(path))

    def merged() -> MeasurementMerge:
        existing: list[Measurement] = []
        if meas_path.exists():
            name = ws.display(meas_path)
            text = read_text(meas_path, name)
            existing = [m for _, m in ws.parse_measurements_csv(text, name, lang=lang)]
        return merge_measurements(
            existing,
            read.measurements,
            now=when,
            force=force,
            file=source,
            sheet=read.sheet,
            lang=lang,
        )

    merge = merged()
    changes = plan_changes(old_plan, plan, lang=lang)
    result = ImportResult(pid, plan, changes, merge, plan_path, meas_path, dry_run=dry_run)
    if dry_run:
        return result
    # The register may be appended to by `gevinst measure` meanwhile: merge again under
    # the lock the intake uses, against the file as it is now; then the plan and the
    # register are replaced together, both or neither (gevinst.io.transaction).
    with register_lock(root):
        files: dict[Path, bytes] = {}
        if old_plan is None or old_plan != plan:
            files[plan_path] = ws.plan_yaml(plan_path, plan).encode("utf-8")
        if merge.added or merge.changed or merge.deleted:
            result.merge = merged()
            files[meas_path] = _register_bytes(meas_path, result.merge)
        if files:
            result.written = transaction.commit(root, files)
    return result
