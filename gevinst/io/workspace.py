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
import hashlib
import io
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from gevinst.errors import InputError, Issue, id_rule, issues_from_validation
from gevinst.io import atomic, cache, transaction
from gevinst.io.cells import from_spreadsheet_safe, spreadsheet_safe
from gevinst.io.yamlfile import (
    dump_yaml,
    dump_yaml_keeping_comments,
    load_yaml,
    locate,
    read_text,
)
from gevinst.model.schema import Measurement, Plan, Workspace, is_safe_id
from gevinst.model.validate import measurement_issues, plan_issues, workspace_issues

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
        raise InputError(
            [
                Issue(
                    "unsafe_id",
                    field="id",
                    found=project_id,
                    allowed=id_rule(project=True, lang="en"),
                )
            ]
        )
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


# --------------------------------------------------------------------------- parse cache
#
# Each YAML file (the config, a plan) is parsed at most once per process while its bytes
# stay the same: the parsed mapping and its line numbers are kept under the file's
# absolute path with a digest of its bytes (BLAKE2b), so a second read of an unchanged
# file costs a read and a hash, not a parse. Changed bytes are parsed again; files that
# fail to parse are never kept. The mapping is shared between callers and only handed to
# the schema's validation, which does not change it, so every caller still gets its own
# Plan or Workspace. Where this pays: ``status A B C`` (the config once, not three times),
# a warm report kernel that runs many reports, the explorer's reloads.

_CACHE_LIMIT = 512
"""Files kept at most (about 80 kB each for a typical plan); the oldest go first."""

_yaml_cache: dict[str, tuple[bytes, tuple[dict, dict[str, int]]]] = {}


def _file_digest(path: Path) -> bytes | None:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
    except OSError:
        return None  # load_yaml reports the problem


def _parsed_yaml(path: Path, name: str) -> tuple[dict, dict[str, int]]:
    """:func:`~gevinst.io.yamlfile.load_yaml` through the per-process parse cache."""
    key = os.path.abspath(path)
    digest = _file_digest(path)
    hit = _yaml_cache.get(key)
    if digest is not None and hit is not None and hit[0] == digest:
        return hit[1]
    parsed = load_yaml(path, name)
    if digest is not None:
        _yaml_cache.pop(key, None)
        _yaml_cache[key] = (digest, parsed)
        while len(_yaml_cache) > _CACHE_LIMIT:
            del _yaml_cache[next(iter(_yaml_cache))]
    return parsed


def clear_parse_cache() -> None:
    """Forget every parsed file (tests; a long-lived process that wants the memory back)."""
    _yaml_cache.clear()


def parse_cache_size() -> int:
    """How many parsed files the cache holds."""
    return len(_yaml_cache)


# --------------------------------------------------------------------------- reading


def load_config(root: Path, *, lang: str = "nb") -> Workspace:
    transaction.recover(root)  # finish an import killed between its two renames
    path = Paths(root).config
    name = display(path)
    data, lines = _parsed_yaml(path, name)
    try:
        config = Workspace.model_validate(data)
    except ValidationError as exc:
        raise InputError(locate(issues_from_validation(exc, lang=lang), name, lines)) from None
    problems = workspace_issues(config, lang=lang)
    if problems:
        raise InputError(locate(problems, name, lines))
    return config


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
    data, lines = _parsed_yaml(path, name)
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
            record[k] = from_spreadsheet_safe(record[k] or "")
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
    problems = measurement_issues(plan, rows, lang=lang, today=dt.date.today())
    if problems:
        raise InputError(i.located(file=name) for i in problems)
    return rows


def load_measurements(root: Path, plan: Plan, *, lang: str = "nb") -> list[Measurement]:
    return [m for _, m in load_measurement_rows(root, plan, lang=lang)]


@dataclass
class Loaded:
    """A whole workspace in memory: the valid projects, and what was left out and why."""

    root: Path
    workspace: Workspace
    plans: dict[str, Plan] = field(default_factory=dict)
    measurements: dict[str, list[Measurement]] = field(default_factory=dict)
    excluded: dict[str, list[Issue]] = field(default_factory=dict)
    """Projects left out because their plan or their register has errors: id → the errors."""
    other_issues: list[Issue] = field(default_factory=list)
    """Problems that belong to no valid project id (a stray file in ``projects/``, a
    register without a plan, a plan file whose name is not a valid id)."""

    @property
    def issues(self) -> list[Issue]:
        """Every problem, the projects' first (what ``gevinst check`` lists)."""
        return [i for issues in self.excluded.values() for i in issues] + self.other_issues

    def only(self, ids: Iterable[str]) -> Loaded:
        """The same workspace narrowed to the projects ``ids`` (valid or excluded);
        an id that is neither is an :class:`InputError` (``unknown_project``)."""
        wanted = list(dict.fromkeys(ids))
        known = sorted({*self.plans, *self.excluded})
        unknown = [i for i in wanted if i not in known]
        if unknown:
            raise InputError(
                Issue(
                    "unknown_project",
                    file=display(Paths(self.root).projects),
                    found=i,
                    allowed=", ".join(known),
                )
                for i in unknown
            )
        return Loaded(
            root=self.root,
            workspace=self.workspace,
            plans={i: self.plans[i] for i in wanted if i in self.plans},
            measurements={i: self.measurements[i] for i in wanted if i in self.measurements},
            excluded={i: self.excluded[i] for i in wanted if i in self.excluded},
        )


def load_valid(root: Path, *, lang: str = "nb", registers: bool = True) -> Loaded:
    """Load every project that is valid and set aside, with its errors, every one that
    is not (:attr:`Loaded.excluded`), so that one broken plan does not stop the rest.

    This is the loader of ``gevinst report``, ``status``, ``portfolio`` and the
    portfolio notebook. Only a broken workspace config raises :class:`InputError`
    (nothing can be computed without it). ``gevinst check`` (:func:`check`) and
    :func:`load` refuse the workspace on any problem instead.

    ``registers=False`` reads the plans alone (``measurements`` stays empty, and a
    project is left out only for errors in its plan): for what needs the plans of
    the whole workspace and nothing else, such as a project report's double claims.
    """
    workspace = load_config(root, lang=lang)
    config_json = workspace.model_dump_json()
    loaded = Loaded(root=root, workspace=workspace)
    paths = Paths(root)
    if paths.projects.is_dir():
        for path in sorted(paths.projects.iterdir()):
            if path.name.startswith(".") or path.is_dir():
                continue
            if path.suffix != ".yaml":
                loaded.other_issues.append(
                    Issue(
                        "invalid",
                        file=display(path),
                        detail="only <id>.yaml files belong in projects/",
                    )
                )
                continue
            if not is_safe_id(path.stem, project=True):
                loaded.other_issues.append(
                    Issue(
                        "unsafe_id",
                        file=display(path),
                        found=path.stem,
                        allowed=id_rule(project=True, lang=lang),
                    )
                )
                continue
            try:
                plan, rows = _load_cached(
                    root, path.stem, workspace, config_json, lang, registers=registers
                )
            except InputError as exc:
                loaded.excluded[path.stem] = list(exc.issues)
                continue
            loaded.plans[plan.project.id] = plan
            if registers:
                loaded.measurements[plan.project.id] = [m for _, m in rows]
    if registers and paths.measurements_dir.is_dir():
        for path in sorted(paths.measurements_dir.glob("*.csv")):
            if not (paths.projects / f"{path.stem}.yaml").exists():
                loaded.other_issues.append(
                    Issue(
                        "unknown_project",
                        file=display(path),
                        found=path.stem,
                        allowed=", ".join(project_ids(root)),
                    )
                )
    return loaded


def check(root: Path, *, lang: str = "nb") -> tuple[Loaded | None, list[Issue]]:
    """Load and validate everything in the workspace; every problem is collected.

    ``(None, issues)`` when the config itself is broken; else the loaded valid part
    and every problem (empty when the workspace is fine)."""
    from gevinst.io.baselines import verify

    try:
        loaded = load_valid(root, lang=lang)
    except InputError as exc:
        return None, exc.issues
    return loaded, [*loaded.issues, *verify(root)]


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
    plan, rows = _load_cached(root, project_id, workspace, workspace.model_dump_json(), lang)
    return workspace, plan, [m for _, m in rows]


def _file_bytes(path: Path) -> bytes | None:
    """The file's bytes for a cache key: ``b"-"`` when there is no file (an absent
    register is not an empty one: that is an error), ``b"+"`` and the bytes when there
    is, None when it cannot be read (then nothing is cached)."""
    try:
        return b"+" + path.read_bytes()
    except FileNotFoundError:
        return b"-"
    except OSError:
        return None


def _load_cached(
    root: Path,
    project_id: str,
    workspace: Workspace,
    config_json: str,
    lang: str,
    *,
    registers: bool = True,
) -> tuple[Plan, list[tuple[int, Measurement]]]:
    """A valid plan and its register rows, through the results cache
    (:mod:`gevinst.io.cache`): the plan (kind ``plan``) under the plan file's bytes and
    the validated config, the rows (kind ``register``) under the register's bytes, the
    plan's and today's date (the future-date rule), each with the code. Problems are
    never kept: they raise :class:`InputError` as :func:`load_plan` and
    :func:`load_measurement_rows` raise them. ``registers=False``: the plan alone."""
    paths = Paths(root)  # an unsafe id is refused here, a missing plan by load_plan
    plan_path, register = paths.plan(project_id), paths.measurements(project_id)

    def unchanged(path: Path, before: bytes) -> Callable[[], bool]:
        return lambda: _file_bytes(path) == before  # not kept if it changed meanwhile

    def read_plan() -> Plan:
        return load_plan(root, project_id, workspace, lang=lang)

    plan_bytes = _file_bytes(plan_path)
    if cache.directory() is None or plan_bytes is None:
        plan = read_plan()
        return plan, (load_measurement_rows(root, plan, lang=lang) if registers else [])
    plan_key = cache.key("plan", project_id, plan_bytes, config_json)
    plan = cache.memo("plan", plan_key, read_plan, unchanged(plan_path, plan_bytes))
    if not registers:
        return plan, []
    register_bytes = _file_bytes(register)
    if register_bytes is None:
        return plan, load_measurement_rows(root, plan, lang=lang)
    rows_key = cache.key(
        "register", project_id, register_bytes, plan_key, dt.date.today().isoformat()
    )
    return plan, cache.memo(
        "register",
        rows_key,
        lambda: load_measurement_rows(root, plan, lang=lang),
        unchanged(register, register_bytes),
    )


# --------------------------------------------------------------------------- writing


def plan_to_yaml(plan: Plan) -> str:
    """The plan as YAML, omitting fields left at an empty default."""
    data = plan.model_dump(mode="json", exclude_defaults=False)
    return dump_yaml(_prune(data))


def plan_yaml(path: Path, plan: Plan) -> str:
    """The plan as YAML to replace the file at ``path``: the file's comments kept where
    its values stay (:func:`~gevinst.io.yamlfile.dump_yaml_keeping_comments`)."""
    if not path.exists():
        return plan_to_yaml(plan)
    data = _prune(plan.model_dump(mode="python", exclude_defaults=False))  # int keys stay int
    return dump_yaml_keeping_comments(read_text(path, display(path)), data)


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
        for k in ("comment", "reported_by"):
            d[k] = spreadsheet_safe(d[k])
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
