"""Batch report runs: every project report and the portfolio report, in parallel.

:func:`run_reports` is what ``gevinst report`` calls (and what a scheduler such as
Airflow can call directly). It

1. loads the workspace with :func:`gevinst.io.workspace.load_valid`: a project
   whose plan or register has errors is *excluded* – its report fails with those
   errors, nothing of it is run – and every other report is made; the portfolio
   report is made from the valid projects and names the excluded ones (only a
   broken workspace config or an unknown id is :class:`~gevinst.errors.InputError`);
2. takes a lock on ``OUT/.gevinst.lock`` so that two runs cannot write the same
   folder at once (the second gets :class:`ReportsLocked`);
3. runs ``prosjektrapport.ipynb`` once per project and ``porteføljerapport.ipynb``
   once with papermill (parameters ``project_id``, ``workspace``, ``as_of``,
   ``lang``), over a ``concurrent.futures`` executor – a pool of local worker
   processes by default, or a dask.distributed cluster (``scheduler=``);
4. exports each executed notebook to the steering-group HTML
   (:mod:`gevinst.report.export`) and writes ``OUT/<as-of>/<id>.ipynb`` and
   ``OUT/<as-of>/<id>.html`` (``portefolje.*`` for the portfolio), each atomically:
   a report that fails never replaces the last good one. The failed executed
   notebook, with papermill's error banner on top, goes to
   ``OUT/<as-of>/failed/<id>.ipynb``; one failure does not stop the others.

Speed. A report notebook runs in well under a second once pandas, matplotlib
and gevinst are imported, but starting Python, papermill, a kernel and those
imports costs seconds *per notebook* when each report is run on its own. So the
local workers are long-lived processes that import papermill and nbconvert once
(and build the exporter once), and each keeps one kernel warm
(:class:`~gevinst.report.warmkernel.WarmKernel`): between two notebooks the kernel's
namespace is reset, its imports stay. ``bench/bench_report.py`` measures the
effect. On a dask cluster each worker thread keeps its own warm kernel the same
way (:func:`_warm_kernel`); the cluster's workers must see the same paths
(workspace, notebooks, templates) as the machine that starts the run, and a run
whose cluster has had no worker for ``lost_workers_timeout`` seconds fails the
reports not yet made (:data:`LOST_WORKERS_TIMEOUT`) and releases its lock.

Incremental runs. Each report's build fingerprint
(:func:`~gevinst.report.fingerprint.build_fingerprint`) is recorded in
``OUT/<as-of>/.gevinst-bygget.json`` once it is written; the next run skips a
report whose fingerprint is unchanged (:attr:`ReportResult.skipped`) unless
``force=True``, and when every report is unchanged it does not load the workspace.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import multiprocessing
import multiprocessing.util
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gevinst.errors import ENVIRONMENT_ERRNOS, EnvironmentFault, InputError, Issue
from gevinst.io import atomic
from gevinst.io import workspace as ws
from gevinst.report import lifecycle, locate, meta, params
from gevinst.report.fingerprint import build_fingerprint, listing_digest
from gevinst.report.lifecycle import RunInterrupted
from gevinst.report.runlock import ReportsLocked, RunLock
from gevinst.report.text import t

REPORT_KINDS = ("project", "funder")
"""``project``: the steering-group reports; ``funder``: the report to the funder."""
FUNDER_DIR = "finansiering"
"""Sub-folder of ``OUT/<as-of>/`` for the funder reports."""
PORTFOLIO_KEY = "portefolje"
"""File stem of the portfolio report (``portefolje.html``)."""
LOCK_NAME = ".gevinst.lock"
FAILED_DIR = "failed"
DEFAULT_OUT = "reports"
DEFAULT_TIMEOUT = 600.0
"""Seconds one notebook cell may run before the report is given up."""
DASK_CONNECT_TIMEOUT = 30.0
"""Seconds to wait for a dask scheduler (``--scheduler``) before giving up."""
LOST_WORKERS_TIMEOUT = 60.0
"""Seconds a dask run waits with no worker connected to the scheduler (all lost, or
none started) before it fails the reports not yet made and releases its lock."""
MANIFEST_NAME = ".gevinst-bygget.json"
"""In ``OUT/<as-of>/``: the build fingerprint of each report written there."""


@dataclass(frozen=True)
class ReportTask:
    """One notebook to run: everything a worker needs, picklable."""

    key: str
    notebook: str
    parameters: dict[str, Any]
    metadata: dict[str, Any]
    cwd: str
    templates: str
    output_path: str
    timeout: float | None = DEFAULT_TIMEOUT
    warm: bool = True
    cost: float = 1.0
    """Estimated run time (relative), to submit the longest first."""
    stage: str = ""
    """A folder the worker can write to (the output folder, for the local workers): a
    finished report is written there by the worker and only renamed into place by
    the main process, so its bytes never pass through the main process."""


@dataclass
class TaskOutcome:
    """What a worker sends back: the executed notebook and the HTML, as bytes."""

    key: str
    ok: bool
    ipynb: bytes = b""
    html: bytes = b""
    error: str = ""
    seconds: float = 0.0
    worker: str = ""
    staged: dict[str, str] = field(default_factory=dict)
    """``{"ipynb": path, "html": path}``: the report written by the worker beside its
    place (:attr:`ReportTask.stage`) instead of sent as bytes."""


@dataclass
class ReportResult:
    """One report of a run, as written to disk."""

    key: str
    """The project id, or ``"portefolje"``."""
    title: str
    ok: bool
    html: Path | None = None
    """The report (``OUT/<as-of>/<key>.html``); on failure the previous good one, if any."""
    notebook: Path | None = None
    """The executed notebook; on failure ``OUT/<as-of>/failed/<key>.ipynb``."""
    error: str = ""
    seconds: float = 0.0
    issues: list[Issue] = field(default_factory=list)
    """For a project excluded because its input has errors: those errors (nothing was run)."""
    fault: EnvironmentFault | None = None
    """The report was made but could not be written: a fault of the machine (disk full)."""
    pdf: Path | None = None
    """The PDF/UA copy (``--pdf``), beside the HTML."""
    skipped: bool = False
    """Not made again: nothing it is made from changed since it was written (``--force``
    makes it anyway)."""


@dataclass
class RunSummary:
    out_dir: Path
    as_of: dt.date
    results: list[ReportResult] = field(default_factory=list)
    seconds: float = 0.0
    workspace_issues: list[Issue] = field(default_factory=list)
    """Problems in the workspace that belong to no project (a stray file in projects/)."""
    stale_lock: dict[str, Any] = field(default_factory=dict)
    """Who held the output folder's lock last without releasing it (a run that was killed)."""

    @property
    def environment_faults(self) -> list[ReportResult]:
        """Reports that could not be written because of the machine (disk full, read-only)."""
        return [r for r in self.results if r.fault is not None]

    @property
    def failed(self) -> list[ReportResult]:
        return [r for r in self.results if not r.ok]

    @property
    def skipped(self) -> list[ReportResult]:
        """Reports left as they were because nothing they are made from changed."""
        return [r for r in self.results if r.skipped]

    @property
    def excluded(self) -> list[ReportResult]:
        """The failed reports of projects whose input has errors (not run at all)."""
        return [r for r in self.results if r.issues]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.workspace_issues

    @property
    def exit_code(self) -> int:
        """0 when every report was written and the workspace is clean, else 1."""
        return 0 if self.ok else 1

    @property
    def portfolio_html(self) -> Path | None:
        for r in self.results:
            if r.key == PORTFOLIO_KEY and r.html is not None:
                return r.html
        return None


# --------------------------------------------------------------------------- the run


def run_reports(
    workspace: str | os.PathLike[str] | None,
    project_ids: Sequence[str] | None = None,
    *,
    portfolio: bool | None = None,
    as_of: dt.date | str | None = None,
    out: str | os.PathLike[str] = DEFAULT_OUT,
    jobs: int = 2,
    lang: str = "nb",
    notebooks: str | os.PathLike[str] | None = None,
    templates: str | os.PathLike[str] | None = None,
    scheduler: str | None = None,
    executor: Executor | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    progress: bool | None = None,
    lock_timeout: float = 0,
    now: dt.datetime | None = None,
    kind: str = "project",
    pdf: bool = False,
    force: bool = False,
    lost_workers_timeout: float = LOST_WORKERS_TIMEOUT,
) -> RunSummary:
    """Run the report notebooks and write ``OUT/<as-of>/``; see the module docstring.

    ``project_ids=None`` runs every project and the portfolio; a list runs those
    projects (and the portfolio only with ``portfolio=True``). ``as_of`` defaults
    to today. ``jobs`` local worker processes run the notebooks, unless
    ``scheduler`` (a dask.distributed address, e.g. ``tcp://10.0.0.5:8786``) or an
    ``executor`` is given. ``progress=None`` shows a progress bar when stderr is a
    terminal.

    Raises :class:`~gevinst.errors.InputError` for bad input (the workspace
    config, an unknown project id, the notebooks or template not found) and
    :class:`ReportsLocked` when another run holds the output folder,
    :class:`~gevinst.errors.EnvironmentFault` when the output folder cannot be
    written (read-only, disk full, no permission) or the dask scheduler cannot
    be reached, and :class:`~gevinst.report.lifecycle.RunInterrupted` after
    SIGTERM, SIGINT or SIGHUP (the workers and kernels are stopped first).
    ``kind="funder"`` runs ``finansiering.ipynb`` (the funder's yearly and final
    report) for the projects instead, into ``OUT/<as-of>/finansiering/``, without the
    portfolio report; ``pdf=True`` writes every report as PDF/UA too
    (:func:`gevinst.report.pdf.html_to_pdf`, ``<key>.pdf`` beside the HTML). Failed
    reports – including those of projects whose plan or register has errors
    (:attr:`RunSummary.excluded`) – do not raise: see :attr:`RunSummary.failed`
    and :attr:`RunSummary.exit_code`.
    """
    started = time.perf_counter()
    # the notebooks' own parameter checks, before anything runs: bad input, exit 2
    lang = params.check_lang(lang)
    if kind not in REPORT_KINDS:
        raise InputError(
            [Issue("not_allowed", field="kind", found=kind, allowed=", ".join(REPORT_KINDS))]
        )
    day = params.check_as_of(as_of, dt.date.today(), lang)
    root = ws.resolve_root(workspace).resolve()
    nb_dir = locate.notebooks_dir(notebooks).resolve()
    tpl_dir = locate.templates_dir(templates).resolve()
    if project_ids is None:
        ids = ws.project_ids(root)
        with_portfolio = True if portfolio is None else portfolio
    else:
        ids = list(dict.fromkeys(project_ids))
        with_portfolio = bool(portfolio)
    if kind == "funder":
        with_portfolio = False
    if with_portfolio and not (nb_dir / locate.PORTFOLIO_NOTEBOOK).exists():
        raise InputError([Issue("file_missing", file=str(nb_dir / locate.PORTFOLIO_NOTEBOOK))])
    out_root = Path(out).resolve()
    out_dir = out_root / day.isoformat()
    if kind == "funder":
        out_dir = out_dir / FUNDER_DIR
    summary = RunSummary(out_dir=out_dir, as_of=day)
    with _writable(out_root):
        out_root.mkdir(parents=True, exist_ok=True)
        lock = RunLock(out_root / LOCK_NAME, lock_timeout).acquire()
    with lock, lifecycle.interruptible(), contextlib.ExitStack() as stack:
        summary.stale_lock = lock.stale
        manifest = _Manifest(out_dir)
        listing = listing_digest(root) if project_ids is None else ""
        prints = _fingerprints(root, ids, with_portfolio, nb_dir, tpl_dir, day, lang, kind)
        fresh = set() if force else {k for k, fp in prints.items() if manifest.fresh(k, fp)}
        keys = ([PORTFOLIO_KEY] if with_portfolio else []) + ids
        if set(keys) <= fresh and (project_ids is not None or manifest.clean_listing == listing):
            # nothing changed: not even the workspace needs to be read
            summary.results = [_skipped(k, out_dir, lang) for k in keys]
            summary.seconds = time.perf_counter() - started
            return summary
        loaded = ws.load_valid(root, lang=lang)
        if project_ids is None:
            ids = sorted({*loaded.plans, *loaded.excluded})
            summary.workspace_issues = list(loaded.other_issues)
        else:
            loaded = loaded.only(ids)  # an unknown id is bad input
        keys = ([PORTFOLIO_KEY] if with_portfolio else []) + ids
        results = {
            pid: _excluded(pid, issues, out_dir, lang) for pid, issues in loaded.excluded.items()
        }
        for key in loaded.excluded:
            manifest.drop(key)
        results.update((k, _skipped(k, out_dir, lang)) for k in keys if k in fresh)
        runnable = [k for k in keys if k not in results]
        if project_ids is None:
            manifest.clean_listing = "" if summary.workspace_issues else listing
        manifest.save()
        if runnable:
            executor_given = executor
            local = executor is None and not scheduler
            stalled = None
            if local:  # start the workers (and their kernels) first: they boot while we prepare
                pool = stack.enter_context(_LocalPool(min(jobs, len(runnable)), tpl_dir, lock))
                executor = pool.executor
            elif executor is None:
                client = stack.enter_context(_dask_client(scheduler))
                executor = client.get_executor(pure=False)
                stalled = _lost_workers_watch(client, lost_workers_timeout, lang)
            context = _Context(
                loaded=loaded,
                root=root,
                notebooks=nb_dir,
                templates=tpl_dir,
                out_dir=out_dir,
                day=day,
                lang=lang,
                run_at=(now or dt.datetime.now().astimezone()).replace(microsecond=0),
                timeout=timeout,
                stage=local,
                warm=executor_given is None,  # warm kernels in our workers and dask's, not others'
                fingerprints=prints,
                kind=kind,
            )
            tasks = [_task(context, None if key == PORTFOLIO_KEY else key) for key in runnable]
            bar = _progress_bar(len(tasks), progress, lang)

            def record(result: ReportResult) -> None:
                if result.ok:
                    manifest.set(result.key, prints.get(result.key, ""))
                else:
                    manifest.drop(result.key)
                with contextlib.suppress(OSError, EnvironmentFault):
                    manifest.save()  # at worst the report is made again next time

            for r in _execute(tasks, executor, out_dir, bar, on_result=record, stalled=stalled):
                results[r.key] = r
        summary.results = [results[k] for k in keys]
        if pdf:
            _write_pdfs(summary.results, lang)
    summary.seconds = time.perf_counter() - started
    return summary


def _fingerprints(
    root: Path,
    ids: Sequence[str],
    with_portfolio: bool,
    nb_dir: Path,
    tpl_dir: Path,
    day: dt.date,
    lang: str,
    kind: str = "project",
) -> dict[str, str]:
    """The build fingerprint of each report (:func:`build_fingerprint`); a report whose
    files cannot be read (an id that is not one, a missing file) gets none: it is made."""
    wanted = [(PORTFOLIO_KEY, None)] if with_portfolio else []
    wanted += [(pid, pid) for pid in ids]
    prints = {}
    for key, pid in wanted:
        project_notebook = locate.FUNDER_NOTEBOOK if kind == "funder" else locate.PROJECT_NOTEBOOK
        notebook = nb_dir / (locate.PORTFOLIO_NOTEBOOK if pid is None else project_notebook)
        try:
            prints[key] = build_fingerprint(
                root,
                pid,
                notebook=notebook,
                template=tpl_dir / locate.TEMPLATE_NAME,
                as_of=day.isoformat(),
                lang=lang,
            )
        except (OSError, ValueError, InputError):
            continue
    return prints


class _Manifest:
    """``OUT/<as-of>/.gevinst-bygget.json``: which build fingerprint made each report.

    Written atomically after every report (a run that is stopped keeps what it
    made); a report that failed or whose project is excluded has no entry, so it is
    made again next time. ``clean_listing`` is the :func:`listing_digest` of the
    last ``--all`` run that found no problem outside the projects.
    """

    def __init__(self, out_dir: Path):
        self.path = out_dir / MANIFEST_NAME
        self.out_dir = out_dir
        self.reports: dict[str, str] = {}
        self.clean_listing = ""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.reports = {str(k): str(v) for k, v in dict(data.get("reports", {})).items()}
            self.clean_listing = str(data.get("clean_listing", ""))
        except (OSError, ValueError, TypeError, AttributeError):
            pass  # no manifest (or a damaged one): every report is made

    def fresh(self, key: str, fingerprint: str) -> bool:
        return (
            bool(fingerprint)
            and self.reports.get(key) == fingerprint
            and (self.out_dir / f"{key}.html").is_file()
            and (self.out_dir / f"{key}.ipynb").is_file()
        )

    def set(self, key: str, fingerprint: str) -> None:
        if fingerprint:
            self.reports[key] = fingerprint
        else:
            self.reports.pop(key, None)

    def drop(self, key: str) -> None:
        self.reports.pop(key, None)

    def save(self) -> None:
        if not self.reports and not self.clean_listing and not self.path.exists():
            return
        data = {"format": 1, "clean_listing": self.clean_listing, "reports": self.reports}
        with _writable(self.path):
            atomic.write_bytes(
                self.path, json.dumps(data, indent=1, sort_keys=True).encode("utf-8")
            )


def _skipped(key: str, out_dir: Path, lang: str) -> ReportResult:
    """A report left as it is: nothing it is made from changed."""
    title = key if key != PORTFOLIO_KEY else t(lang, "Porteføljerapport", "Portfolio report")
    return ReportResult(
        key,
        title,
        True,
        out_dir / f"{key}.html",
        out_dir / f"{key}.ipynb",
        skipped=True,
    )


@contextlib.contextmanager
def _writable(path: Path):
    """An OSError of the environment (read-only, disk full, no permission) while
    preparing ``path`` becomes an :class:`EnvironmentFault` naming it."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in ENVIRONMENT_ERRNOS:
            raise
        raise EnvironmentFault.from_oserror(exc, str(exc.filename or path)) from None


@dataclass(frozen=True)
class _Context:
    """What every task of one run shares."""

    loaded: ws.Loaded
    root: Path
    notebooks: Path
    templates: Path
    out_dir: Path
    day: dt.date
    lang: str
    run_at: dt.datetime
    timeout: float | None
    warm: bool
    stage: bool = False
    fingerprints: dict[str, str] = field(default_factory=dict)
    kind: str = "project"


def _write_pdfs(results: list[ReportResult], lang: str) -> None:
    """``<key>.pdf`` beside each report made in this run (PDF/UA-1, A4), atomically;
    a PDF that cannot be made fails that report (the HTML stays)."""
    from gevinst.report.pdf import html_to_pdf

    for r in results:
        if not r.ok or r.html is None:
            continue
        target = r.html.with_suffix(".pdf")
        try:
            atomic.write_bytes(
                target, html_to_pdf(r.html.read_bytes(), base_url=str(r.html.parent))
            )
            r.pdf = target
        except OSError as exc:
            if exc.errno not in ENVIRONMENT_ERRNOS:
                raise
            r.ok, r.fault = False, EnvironmentFault.from_oserror(exc, str(target))
            r.error = r.fault.format(lang)


def _task(c: _Context, project_id: str | None) -> ReportTask:
    if project_id is None:
        key = PORTFOLIO_KEY
        notebook = c.notebooks / locate.PORTFOLIO_NOTEBOOK
        kind, name = "portfolio", c.loaded.workspace.organisation
    elif c.kind == "funder":
        key = project_id
        notebook = c.notebooks / locate.FUNDER_NOTEBOOK
        kind, name = "funder", c.loaded.plans[project_id].project.name
    else:
        key = project_id
        notebook = c.notebooks / locate.PROJECT_NOTEBOOK
        kind, name = "project", c.loaded.plans[project_id].project.name
    # the same metadata the notebook displays for the template (gevinst.report.meta)
    metadata = meta.report_metadata(
        kind=kind,
        name=name,
        root=c.root,
        project_id=project_id,
        as_of=c.day,
        lang=c.lang,
        run_at=c.run_at,
    )
    metadata["build_fingerprint"] = c.fingerprints.get(key, "")
    parameters = {
        "project_id": project_id or "",
        "workspace": str(c.root),
        "as_of": c.day.isoformat(),
        "lang": c.lang,
    }
    return ReportTask(
        key=key,
        notebook=str(notebook),
        parameters=parameters,
        metadata=metadata,
        cwd=str(notebook.parent),
        templates=str(c.templates),
        output_path=str(c.out_dir / f"{key}.ipynb"),
        timeout=c.timeout,
        warm=c.warm,
        cost=_cost(c.loaded, project_id),
        stage=str(c.out_dir) if c.stage else "",
    )


def _cost(loaded: ws.Loaded, project_id: str | None) -> float:
    """A rough guess of a report's run time, to start the longest first.

    A project report draws a fixed set of figures plus one chart per benefit; the
    portfolio report computes every project's cost/benefit without simulation.
    Longest first keeps the workers busy to the end (Graham's LPT rule).
    """
    if project_id is None:
        return 6 + 0.5 * len(loaded.plans)
    plan = loaded.plans[project_id]
    return 12 + len(plan.benefits) + len(plan.disbenefits) + 0.5 * len(plan.result_goals)


def _execute(
    tasks: list[ReportTask],
    executor: Executor,
    out_dir: Path,
    bar,
    *,
    on_result: Callable[[ReportResult], None] | None = None,
    stalled: Callable[[], str] | None = None,
) -> list[ReportResult]:
    """Submit every task, longest first; store each report as soon as it is done.

    A finished report's bytes are written to disk and let go of at once (the future
    holding them is dropped), so the main process's memory stays flat however many
    reports a run makes. ``stalled``, asked about once a second, returns a reason to
    give up the reports not yet made (the dask cluster lost all its workers), or "".
    """
    results = []
    with bar:
        futures: dict[Future, ReportTask] = {
            executor.submit(run_task, t): t for t in sorted(tasks, key=lambda t: -t.cost)
        }
        pending = set(futures)
        while pending:
            done, pending = wait(
                pending, timeout=None if stalled is None else 1.0, return_when=FIRST_COMPLETED
            )
            for future in done:
                task = futures.pop(future)
                try:
                    outcome = future.result()
                except Exception as exc:  # a worker process died, the cluster went away, ...
                    outcome = TaskOutcome(task.key, False, error=f"{type(exc).__name__}: {exc}")
                results.append(_store(outcome, task, out_dir))
                del outcome, future
                if on_result is not None:
                    on_result(results[-1])
                bar.set_postfix_str(task.key, refresh=False)
                bar.update(1)
            del done  # not held while waiting for the next one
            reason = stalled() if pending and stalled is not None else ""
            if reason:
                for future in pending:
                    future.cancel()
                    task = futures.pop(future)
                    results.append(
                        _store(TaskOutcome(task.key, False, error=reason), task, out_dir)
                    )
                    if on_result is not None:
                        on_result(results[-1])
                    bar.update(1)
                pending = set()
    return results


def _lost_workers_watch(client, timeout: float, lang: str) -> Callable[[], str]:
    """For :func:`_execute`: a reason to give up once the dask scheduler has had no
    worker for ``timeout`` seconds (all lost, or none ever connected)."""
    since: list[float | None] = [None]

    def workers() -> int:
        try:
            return len(client.scheduler_info().get("workers", {}))
        except Exception:  # the scheduler itself is gone
            return 0

    def stalled() -> str:
        if workers():
            since[0] = None
            return ""
        now = time.monotonic()
        if since[0] is None:
            since[0] = now
        if now - since[0] < timeout:
            return ""
        return t(
            lang,
            f"dask-klyngen har ikke hatt noen arbeider på {timeout:g} s (alle er borte, eller "
            "ingen er startet); rapporten er ikke laget",
            f"the dask cluster has had no worker for {timeout:g} s (all lost, or none "
            "started); the report was not made",
        )

    return stalled


def _dask_client(address: str):
    """A dask.distributed client for ``--scheduler``. A malformed address is bad input
    (:class:`InputError`); a scheduler that cannot be reached is a fault of the
    environment (:class:`EnvironmentFault`): the same command may work later."""

    def bad(detail: str) -> InputError:
        return InputError([Issue("invalid", field="scheduler", found=address, detail=detail)])

    try:
        from distributed import Client
    except ImportError:
        raise bad("--scheduler krever dask.distributed: pip install 'gevinst[dask]'") from None
    try:
        return Client(address, timeout=DASK_CONNECT_TIMEOUT)
    except ValueError as exc:  # no such scheme, no port, ...
        raise bad(f"ikke en gyldig adresse til en dask-klynge ({exc})") from None
    except (OSError, TimeoutError) as exc:
        raise EnvironmentFault(
            f"fikk ikke kontakt med dask-klyngen innen {DASK_CONNECT_TIMEOUT:g} s "
            f"({type(exc).__name__}: {exc})",
            f"could not reach the dask cluster within {DASK_CONNECT_TIMEOUT:g} s "
            f"({type(exc).__name__}: {exc})",
            path=address,
        ) from None


def _progress_bar(total: int, progress: bool | None, lang: str):
    from tqdm import tqdm

    show = sys.stderr.isatty() if progress is None else progress
    return tqdm(
        total=total,
        desc="Reports" if lang == "en" else "Rapporter",
        unit=" rapport" if lang != "en" else " report",
        file=sys.stderr,
        disable=not show,
        dynamic_ncols=True,
    )


class _LocalPool:
    """The run's worker processes, and the guarantee that none outlives the run.

    Started at once so that their kernels boot while the run is prepared. fork is
    fastest (the workers inherit what is imported), but forking a process that runs
    other threads is unsafe: then forkserver. The workers join one process group
    (:func:`lifecycle.join_run_group`), written into the lock file. A normal end
    shuts the pool down and waits; any exception – :class:`RunInterrupted` from a
    signal included – stops the workers (and through them their kernels) first.
    """

    def __init__(self, workers: int, tpl_dir: Path, lock: RunLock | None = None):
        if sys.platform.startswith("linux"):
            method = "fork" if threading.active_count() == 1 else "forkserver"
        else:
            method = "spawn"
        ctx = multiprocessing.get_context(method)
        if method == "forkserver":
            ctx.set_forkserver_preload(["gevinst.report.runner"])
        self.group = ctx.Value("i", 0)
        _PARENT["lock_fd"] = lock.fd if lock is not None and method == "fork" else None
        self.executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=ctx,
            initializer=init_worker,
            initargs=(str(tpl_dir), True, self.group, os.getpid()),
        )
        first = self.executor.submit(os.getpid)  # starts the workers
        if lock is not None:  # once a worker is up, the group exists: note it in the lock
            first.add_done_callback(lambda _: lock.update(group=self.group.value))

    def pids(self) -> list[int]:
        return [p.pid for p in (getattr(self.executor, "_processes", None) or {}).values()]

    def stop(self) -> None:
        """Stop every worker now (SIGTERM, then SIGKILL after a grace period)."""
        pids = self.pids()
        lifecycle.stop_group(self.group.value, pids)
        self.executor.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> _LocalPool:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.executor.shutdown(wait=True)
        else:
            self.stop()


_PARENT: dict[str, Any] = {"lock_fd": None}
"""What a forked worker inherited from the main process and must let go of."""


def _excluded(project_id: str, issues: list[Issue], out_dir: Path, lang: str) -> ReportResult:
    """The failed result of a project whose plan or register has errors (nothing run);
    the previous good report, if any, stays in place."""
    html_path = out_dir / f"{project_id}.html"
    error = t(
        lang,
        f"planen eller målingene har {len(issues)} feil; rapporten er ikke laget",
        f"the plan or the measurements have {len(issues)} errors; the report was not made",
    )
    previous = html_path if html_path.exists() else None
    return ReportResult(project_id, project_id, False, previous, None, error, issues=list(issues))


def _store(outcome: TaskOutcome, task: ReportTask, out_dir: Path) -> ReportResult:
    """Write a finished report into place, or keep the failed notebook aside."""
    html_path = out_dir / f"{task.key}.html"
    ipynb_path = out_dir / f"{task.key}.ipynb"
    failed_path = out_dir / FAILED_DIR / f"{task.key}.ipynb"
    title = task.metadata.get("title", task.key)

    def failed(
        error: str, notebook: Path | None = None, fault: EnvironmentFault | None = None
    ) -> ReportResult:
        """The previous good report (if any) stays in place."""
        previous = html_path if html_path.exists() else None
        return ReportResult(
            task.key, title, False, previous, notebook, error, outcome.seconds, fault=fault
        )

    if outcome.ok:
        try:
            if outcome.staged:
                _place(Path(outcome.staged["ipynb"]), ipynb_path)
                _place(Path(outcome.staged["html"]), html_path)
            else:
                atomic.write_bytes(ipynb_path, outcome.ipynb)
                atomic.write_bytes(html_path, outcome.html)
        except OSError as exc:
            if exc.errno in ENVIRONMENT_ERRNOS:
                fault = EnvironmentFault.from_oserror(exc, str(exc.filename or html_path))
                return failed(fault.format(task.parameters.get("lang", "nb")), fault=fault)
            return failed(f"{type(exc).__name__}: {exc}")
        finally:
            for staged in outcome.staged.values():
                with contextlib.suppress(OSError):
                    os.unlink(staged)
        with contextlib.suppress(FileNotFoundError):
            failed_path.unlink()
        return ReportResult(task.key, title, True, html_path, ipynb_path, seconds=outcome.seconds)
    notebook = None
    if outcome.ipynb:
        try:
            atomic.write_bytes(failed_path, outcome.ipynb)
            notebook = failed_path
        except OSError:
            notebook = None
    return failed(outcome.error, notebook)


def _place(staged: Path, target: Path) -> None:
    """Rename a report the worker wrote (and synced) beside ``target`` into place."""
    os.chmod(staged, target.stat().st_mode & 0o777 if target.exists() else 0o644)
    os.replace(staged, target)


def _stage(task: ReportTask, ipynb: bytes, html: bytes) -> dict[str, str]:
    """Write a finished report into ``task.stage`` (in the worker); {} when that fails
    (the bytes are then sent to the main process, which reports the fault)."""
    if not task.stage:
        return {}
    staged: dict[str, str] = {}
    try:
        for suffix, data in (("ipynb", ipynb), ("html", html)):
            path = Path(task.stage) / f".gevinst-tmp-{task.key}.{os.getpid()}.{suffix}"
            atomic.write_bytes(path, data)
            staged[suffix] = str(path)
    except OSError:
        for path in staged.values():
            with contextlib.suppress(OSError):
                os.unlink(path)
        return {}
    return staged


# --------------------------------------------------------------------------- workers

_WORKER: dict[str, Any] = {"kernels": {}, "notebooks": {}, "warm_failed": False}
_WORKER_LOCK = threading.Lock()


def init_worker(
    templates: str | None = None, warm: bool = True, group: Any = None, main: int | None = None
) -> None:
    """Prepare a long-lived local worker: one kernel started and warm, exporter built.

    First the worker joins the run's process group (``group``, see
    :func:`lifecycle.join_run_group`), lets go of the lock inherited through fork,
    and arranges to stop its kernels and exit when the main process ``main`` dies
    or it gets SIGTERM (:func:`lifecycle.guard_parent`). Then the kernel is
    launched; papermill and nbconvert are imported (and the exporter built) while
    it boots. Never raises: a worker whose kernel will not start falls back to a
    fresh kernel per notebook, whose report then shows the real error.
    """
    from gevinst.report.warmkernel import DEFAULT_KERNEL, WarmKernel

    if group is not None:
        with contextlib.suppress(OSError):
            lifecycle.join_run_group(group)
    if _PARENT.get("lock_fd") is not None:
        with contextlib.suppress(OSError):
            os.close(_PARENT["lock_fd"])  # the lock stays the main process's alone
        _PARENT["lock_fd"] = None
    _WORKER.update(kernels={}, notebooks={}, warm_failed=False, exit_hook=True)
    if main is not None:
        lifecycle.guard_parent(kill_kernels, main=main)
    asyncio.set_event_loop(asyncio.new_event_loop())  # not one inherited through fork
    multiprocessing.util.Finalize(None, shutdown_worker, exitpriority=10)
    kernel = None
    if warm:
        try:
            kernel = _WORKER["booting"] = WarmKernel().launch()
        except Exception:
            _WORKER["warm_failed"] = True
    # jsonschema (imported by nbformat) compiles a grammar for its optional IRI format
    # checker when rfc3987-syntax is installed: ~0.7 s of CPU per process, for a check
    # that nothing in a report worker makes. Only in these worker processes.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    with contextlib.suppress(Exception):
        _warm_exporter(templates)  # imports papermill (the engine) and nbconvert
    if kernel is not None:
        try:
            _WORKER["kernels"][(DEFAULT_KERNEL, threading.get_ident())] = kernel.ready()
        except Exception:
            _WORKER["warm_failed"] = True
        finally:
            _WORKER.pop("booting", None)


def _warm_exporter(templates: str | None) -> None:
    import nbformat

    from gevinst.report import engine, export  # noqa: F401 - engine registers itself

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# x")])
    nb.metadata["gevinst"] = {"lang": "nb"}
    export.notebook_to_html(nb, templates=templates)


def shutdown_worker() -> None:
    """Stop this process's warm kernels (at worker exit)."""
    kernels = _WORKER.get("kernels", {})
    while kernels:
        _, k = kernels.popitem()
        with contextlib.suppress(Exception):
            k.shutdown()


def kill_kernels() -> None:
    """Kill this worker's kernels at once and remove their files (from a signal handler)."""
    booting = _WORKER.get("booting")
    for k in [*_WORKER.get("kernels", {}).values(), *([booting] if booting else [])]:
        with contextlib.suppress(Exception):
            k.kill_now()


def _warm_kernel(name: str):
    """This thread's warm kernel ``name``, started on first use.

    A local worker runs one notebook at a time; a dask worker may run one per
    thread (``dask worker --nthreads``), so the kernels are kept per thread: two
    notebooks never share one. In a dask worker they stay warm for the next report
    and the next run, and end with the worker process (at exit, or by
    :func:`~gevinst.report.kernel_state.guard_parent` when it is killed).
    """
    from gevinst.report.warmkernel import WarmKernel

    kernels = _WORKER["kernels"]
    slot = (name, threading.get_ident())
    kernel = kernels.get(slot)
    if kernel is None and not _WORKER["warm_failed"]:
        if not _WORKER.get("exit_hook"):
            import atexit

            atexit.register(shutdown_worker)
            _WORKER["exit_hook"] = True
        try:
            kernel = kernels[slot] = WarmKernel(name).start()
        except Exception:
            _WORKER["warm_failed"] = True
            return None
    return kernel


def _template_notebook(path: str):
    from gevinst.report import engine

    stamp = os.stat(path).st_mtime_ns
    cached = _WORKER["notebooks"].get(path)
    if cached is None or cached[0] != stamp:
        cached = (stamp, engine.read_notebook(Path(path)))
        _WORKER["notebooks"][path] = cached
    return cached[1]


def run_task(task: ReportTask) -> TaskOutcome:
    """Run one notebook and export it (in a worker). Never raises for a failing report."""
    import nbformat

    from gevinst.report import engine, export

    started = time.perf_counter()

    def outcome(ok: bool, ipynb: bytes = b"", html: bytes = b"", error: str = "") -> TaskOutcome:
        seconds = time.perf_counter() - started
        staged = _stage(task, ipynb, html) if ok else {}
        if staged:
            ipynb = html = b""
        return TaskOutcome(
            task.key, ok, ipynb, html, error, seconds, worker=str(os.getpid()), staged=staged
        )

    try:
        with _WORKER_LOCK:  # only the dask path can call this from several threads
            template = _template_notebook(task.notebook)
            kernel = _warm_kernel(engine.kernel_name_of(template)) if task.warm else None
        executed = engine.execute(
            template,
            task.parameters,
            input_path=task.notebook,
            output_path=task.output_path,
            cwd=task.cwd,
            warm_kernel=kernel,
            timeout=task.timeout,
            metadata=task.metadata,
        )
        if executed.kernel_suspect and kernel is not None:
            _restart_or_drop(kernel)
        ipynb = nbformat.writes(executed.nb).encode("utf-8")
        if executed.error:
            return outcome(False, ipynb, error=executed.error)
        try:
            html = export.notebook_to_html(
                executed.nb, templates=task.templates, title=task.metadata.get("title", "")
            )
        except Exception as exc:
            return outcome(False, ipynb, error=f"HTML-eksport: {type(exc).__name__}: {exc}")
        return outcome(True, ipynb, html.encode("utf-8"))
    except Exception as exc:
        return outcome(False, error=f"{type(exc).__name__}: {exc}")


def _restart_or_drop(kernel) -> None:
    try:
        kernel.restart()
    except Exception:
        for name, k in list(_WORKER["kernels"].items()):
            if k is kernel:
                del _WORKER["kernels"][name]
        with contextlib.suppress(Exception):
            kernel.shutdown()


__all__ = [
    "PORTFOLIO_KEY",
    "ReportResult",
    "ReportTask",
    "ReportsLocked",
    "RunInterrupted",
    "RunSummary",
    "TaskOutcome",
    "init_worker",
    "run_reports",
    "run_task",
]
