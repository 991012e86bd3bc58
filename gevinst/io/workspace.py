"""The workspace on disk: a folder with a config, one YAML plan per project and
one measurement CSV per project.

::

    data/
      gevinst.yaml              the workspace config (Workspace)
      projects/<id>.yaml        one plan per project (Plan); <id> = project.id
      measurements/<id>.csv     the project's measurements (Measurement), appended over time

Every problem becomes an :class:`~gevinst.errors.Issue` naming the file, the
line or row, the key path and field, what was found and what is allowed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from gevinst.errors import InputError, Issue, issues_from_validation
from gevinst.io import atomic
from gevinst.io.yamlfile import dump_yaml, load_yaml, locate, read_text
from gevinst.model.schema import Measurement, Plan, Workspace, is_safe_id
from gevinst.model.validate import measurement_issues, plan_issues

CONFIG_NAME = "gevinst.yaml"
PROJECTS_DIR = "projects"
MEASUREMENTS_DIR = "measurements"
MEASUREMENT_COLUMNS: list[str] = list(Measurement.model_fields)
ENV_VAR = "GEVINST_WORKSPACE"


def resolve_root(
    arg: str | os.PathLike[str] | None = None, *, start: str | os.PathLike[str] | None = None
) -> Path:
    """Where the workspace is – the one rule that the CLI, the runner and the notebooks follow.

    1. ``arg`` (``--workspace``, the notebooks' ``workspace`` parameter) when given;
    2. else ``$GEVINST_WORKSPACE`` when set;
    3. else the nearest ``data/`` holding a ``gevinst.yaml``, looking in ``start`` (the
       working directory by default) and then in each folder above it – so a notebook
       whose kernel starts in ``notebooks/`` finds the checkout's ``data/``;
    4. else ``data`` (relative: the error then names ``data/gevinst.yaml``).

    A workspace found in the working directory itself is returned as ``data``
    (relative, as the user would type it); one found higher up as an absolute path.
    """
    if arg:
        return Path(arg)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    here = Path(start) if start is not None else Path.cwd()
    here = here.resolve()
    for folder in (here, *here.parents):
        candidate = folder / "data"
        if (candidate / CONFIG_NAME).is_file():
            return Path("data") if start is None and folder == here else candidate
    return Path("data")


def display(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _safe_project_id(project_id: str) -> str:
    """``project_id`` if it is safe in a file name, else an InputError (no ``../x``)."""
    if not is_safe_id(project_id, project=True):
        raise InputError([Issue("unsafe_id", field="id", found=project_id, allowed="a–z, 0–9, -")])
    return project_id


@dataclass(frozen=True)
class Paths:
    root: Path

    @property
    def config(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def projects(self) -> Path:
        return self.root / PROJECTS_DIR

    @property
    def measurements_dir(self) -> Path:
        return self.root / MEASUREMENTS_DIR

    def plan(self, project_id: str) -> Path:
        return self.projects / f"{_safe_project_id(project_id)}.yaml"

    def measurements(self, project_id: str) -> Path:
        return self.measurements_dir / f"{_safe_project_id(project_id)}.csv"


# --------------------------------------------------------------------------- reading


def load_config(root: Path, *, lang: str = "nb") -> Workspace:
    path = Paths(root).config
    name = display(path)
    data, lines = load_yaml(path, name)
    try:
        return Workspace.model_validate(data)
    except ValidationError as exc:
        raise InputError(locate(issues_from_validation(exc, lang=lang), name, lines)) from None


def project_ids(root: Path) -> list[str]:
    """Ids of the plans in ``projects/`` (file stems), sorted."""
    folder = Paths(root).projects
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.yaml") if not p.name.startswith("."))


def parse_plan(
    data: dict, name: str, lines: dict[str, int], workspace: Workspace | None, *, lang: str = "nb"
) -> Plan:
    """Validate plan data (from YAML or Excel); all problems at once."""
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        raise InputError(locate(issues_from_validation(exc, lang=lang), name, lines)) from None
    problems = plan_issues(plan, workspace, lang=lang)
    if problems:
        raise InputError(locate(problems, name, lines))
    return plan


def load_plan(
    root: Path, project_id: str, workspace: Workspace | None = None, *, lang: str = "nb"
) -> Plan:
    paths = Paths(root)
    path = paths.plan(project_id)
    name = display(path)
    if not path.exists():
        raise InputError(
            [
                Issue(
                    "unknown_project",
                    file=display(paths.projects),
                    found=project_id,
                    allowed=", ".join(project_ids(root)),
                )
            ]
        )
    data, lines = load_yaml(path, name)
    plan = parse_plan(data, name, lines, workspace, lang=lang)
    if plan.project.id != project_id:
        raise InputError(
            [
                Issue(
                    "id_mismatch",
                    file=name,
                    line=lines.get("project.id"),
                    key="project.id",
                    field="id",
                    found=plan.project.id,
                    allowed=project_id,
                )
            ]
        )
    return plan


def csv_header(rows: Iterator[list[str]], name: str) -> list[str]:
    """The header row of a CSV file, each name stripped; no row at all is an empty file."""
    try:
        header = next(rows)
    except StopIteration:
        raise InputError([Issue("empty_file", file=name)]) from None
    return [h.strip() for h in header]


def csv_data_rows(
    rows: Iterable[list[str]], width: int, name: str, issues: list[Issue], *, lang: str = "nb"
) -> Iterator[tuple[int, list[str]]]:
    """The data rows of a CSV file as (row number, cells), row 1 being the header.

    Blank rows are skipped; a row with another number of cells than the header
    (``width``) is added to ``issues`` (in row order) and skipped.
    """
    for n, cells in enumerate(rows, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != width:
            issues.append(
                Issue(
                    "invalid",
                    file=name,
                    row=n,
                    found=_columns(len(cells), lang),
                    allowed=_columns(width, lang),
                )
            )
            continue
        yield n, cells


def _columns(count: int, lang: str) -> str:
    return f"{count} columns" if lang == "en" else f"{count} kolonner"


def parse_measurements_csv(
    text: str, name: str, *, lang: str = "nb"
) -> list[tuple[int, Measurement]]:
    """Rows of a measurement CSV as (row number, Measurement); row 1 is the header."""
    reader = csv.reader(io.StringIO(text))
    header = csv_header(reader, name)
    if header != MEASUREMENT_COLUMNS:
        raise InputError(
            [
                Issue(
                    "bad_header",
                    file=name,
                    row=1,
                    found=",".join(header),
                    allowed=",".join(MEASUREMENT_COLUMNS),
                )
            ]
        )
    rows: list[tuple[int, Measurement]] = []
    issues: list[Issue] = []
    for n, cells in csv_data_rows(reader, len(header), name, issues, lang=lang):
        record = {k: (v if v.strip() != "" else None) for k, v in zip(header, cells, strict=True)}
        for k in ("comment", "reported_by"):
            record[k] = record[k] or ""
        if record["recorded_at"] is None:
            del record["recorded_at"]
        try:
            rows.append((n, Measurement.model_validate(record)))
        except ValidationError as exc:
            issues.extend(
                i.located(file=name, row=n) for i in issues_from_validation(exc, lang=lang)
            )
    if issues:
        raise InputError(issues)
    return rows


def load_measurement_rows(
    root: Path, plan: Plan, *, lang: str = "nb"
) -> list[tuple[int, Measurement]]:
    path = Paths(root).measurements(plan.project.id)
    if not path.exists():
        return []
    name = display(path)
    text = read_text(path, name)
    rows = parse_measurements_csv(text, name, lang=lang)
    problems = measurement_issues(plan, rows, lang=lang)
    if problems:
        raise InputError(i.located(file=name) for i in problems)
    return rows


def load_measurements(root: Path, plan: Plan, *, lang: str = "nb") -> list[Measurement]:
    return [m for _, m in load_measurement_rows(root, plan, lang=lang)]


@dataclass
class Loaded:
    """A whole workspace in memory."""

    root: Path
    workspace: Workspace
    plans: dict[str, Plan] = field(default_factory=dict)
    measurements: dict[str, list[Measurement]] = field(default_factory=dict)


def check(root: Path, *, lang: str = "nb") -> tuple[Loaded | None, list[Issue]]:
    """Load and validate everything in the workspace; every problem is collected."""
    issues: list[Issue] = []
    try:
        workspace = load_config(root, lang=lang)
    except InputError as exc:
        return None, exc.issues
    loaded = Loaded(root=root, workspace=workspace)
    paths = Paths(root)
    if paths.projects.is_dir():
        for path in sorted(paths.projects.iterdir()):
            if path.name.startswith(".") or path.is_dir():
                continue
            if path.suffix != ".yaml":
                issues.append(
                    Issue(
                        "invalid",
                        file=display(path),
                        detail="only <id>.yaml files belong in projects/",
                    )
                )
                continue
            if not is_safe_id(path.stem, project=True):
                issues.append(
                    Issue("unsafe_id", file=display(path), found=path.stem, allowed="a–z, 0–9, -")
                )
                continue
            try:
                plan = load_plan(root, path.stem, workspace, lang=lang)
            except InputError as exc:
                issues.extend(exc.issues)
                continue
            loaded.plans[plan.project.id] = plan
            try:
                loaded.measurements[plan.project.id] = load_measurements(root, plan, lang=lang)
            except InputError as exc:
                issues.extend(exc.issues)
    if paths.measurements_dir.is_dir():
        for path in sorted(paths.measurements_dir.glob("*.csv")):
            if (
                path.stem not in loaded.plans
                and not (paths.projects / f"{path.stem}.yaml").exists()
            ):
                issues.append(
                    Issue(
                        "unknown_project",
                        file=display(path),
                        found=path.stem,
                        allowed=", ".join(project_ids(root)),
                    )
                )
    return loaded, issues


def load(root: Path, *, lang: str = "nb") -> Loaded:
    """Load the whole workspace, or raise :class:`InputError` with every problem."""
    loaded, issues = check(root, lang=lang)
    if issues or loaded is None:
        raise InputError(issues)
    return loaded


def load_project(
    root: Path, project_id: str, *, lang: str = "nb"
) -> tuple[Workspace, Plan, list[Measurement]]:
    """One project with its workspace config and measurements (validated)."""
    workspace = load_config(root, lang=lang)
    plan = load_plan(root, project_id, workspace, lang=lang)
    return workspace, plan, load_measurements(root, plan, lang=lang)


# --------------------------------------------------------------------------- writing


def plan_to_yaml(plan: Plan) -> str:
    """The plan as YAML, omitting fields left at an empty default."""
    data = plan.model_dump(mode="json", exclude_defaults=False)
    return dump_yaml(_prune(data))


def _prune(data):
    """Drop keys whose value is None, "" or an empty list/dict (they are defaults)."""
    if isinstance(data, dict):
        return {k: _prune(v) for k, v in data.items() if v not in (None, "", [], {})}
    if isinstance(data, list):
        return [_prune(v) for v in data]
    return data


def recorded_now() -> dt.datetime:
    """The time stamp for ``recorded_at``: local time, whole seconds, as in the register."""
    return dt.datetime.now().replace(microsecond=0)


def _plain_number(value: float) -> str:
    """``850`` rather than ``850.0``; otherwise the shortest text that reads back exactly."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def measurement_rows(measurements: Iterable[Measurement]) -> str:
    """Register rows (no header) in the register's column order: the one row format."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for m in measurements:
        d = m.model_dump(mode="json")
        d["value"] = _plain_number(m.value)
        if m.recorded_at is not None:
            d["recorded_at"] = m.recorded_at.isoformat()
        writer.writerow(["" if d[c] is None else d[c] for c in MEASUREMENT_COLUMNS])
    return buf.getvalue()


def measurements_to_csv(measurements: Iterable[Measurement]) -> str:
    """A whole register: the header, then :func:`measurement_rows`."""
    return ",".join(MEASUREMENT_COLUMNS) + "\n" + measurement_rows(measurements)


def save_plan(root: Path, plan: Plan) -> Path:
    path = Paths(root).plan(plan.project.id)
    atomic.write_text(path, plan_to_yaml(plan))
    return path


def save_measurements(root: Path, project_id: str, measurements: list[Measurement]) -> Path:
    path = Paths(root).measurements(project_id)
    atomic.write_text(path, measurements_to_csv(measurements))
    return path
