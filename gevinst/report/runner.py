"""Batch report runs: every project report and the portfolio report, in parallel.

:func:`run_reports` is what ``gevinst report`` calls (and what a scheduler such as
Airflow can call directly). It

1. validates the workspace (bad input → :class:`~gevinst.errors.InputError`);
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
effect. On a dask cluster each report gets a fresh kernel (gevinst does not own
the cluster's worker processes, so it keeps nothing running in them); the
cluster's workers must see the same paths (workspace, notebooks, output) as the
machine that starts the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import multiprocessing
import multiprocessing.util
import os
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gevinst.errors import InputError, Issue
from gevinst.io import atomic
from gevinst.io import workspace as ws
from gevinst.report import locate, meta, params

PORTFOLIO_KEY = "portefolje"
"""File stem of the portfolio report (``portefolje.html``)."""
LOCK_NAME = ".gevinst.lock"
FAILED_DIR = "failed"
DEFAULT_OUT = "reports"
DEFAULT_TIMEOUT = 600.0
"""Seconds one notebook cell may run before the report is given up."""


class ReportsLocked(Exception):
    """Another run holds the lock on the output folder."""

    def __init__(self, lock_path: Path):
        self.lock_path = lock_path
        super().__init__(f"another gevinst report run holds {lock_path}")

    def format(self, lang: str = "nb") -> str:
        if lang == "en":
            return (
                f"Another report run is writing to {self.lock_path.parent} right now "
                f"(lock: {self.lock_path}). Wait until it has finished and try again."
            )
        return (
            f"En annen rapportkjøring skriver til {self.lock_path.parent} akkurat nå "
            f"(lås: {self.lock_path}). Vent til den er ferdig, og prøv igjen."
        )


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


@dataclass
class RunSummary:
    out_dir: Path
    as_of: dt.date
    results: list[ReportResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[ReportResult]:
        return [r for r in self.results if not r.ok]

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def exit_code(self) -> int:
        """0 when every report was written, 1 when at least one failed."""
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
) -> RunSummary:
    """Run the report notebooks and write ``OUT/<as-of>/``; see the module docstring.

    ``project_ids=None`` runs every project and the portfolio; a list runs those
    projects (and the portfolio only with ``portfolio=True``). ``as_of`` defaults
    to today. ``jobs`` local worker processes run the notebooks, unless
    ``scheduler`` (a dask.distributed address, e.g. ``tcp://10.0.0.5:8786``) or an
    ``executor`` is given. ``progress=None`` shows a progress bar when stderr is a
    terminal.

    Raises :class:`~gevinst.errors.InputError` for bad input (the workspace, an
    unknown project id, the notebooks or template not found) and
    :class:`ReportsLocked` when another run holds the output folder. Failed
    reports do not raise: see :attr:`RunSummary.failed` and
    :attr:`RunSummary.exit_code`.
    """
    started = time.perf_counter()
    # the notebooks' own parameter checks, before anything runs: bad input, exit 2
    lang = params.check_lang(lang)
    day = params.check_as_of(as_of, dt.date.today(), lang)
    root = ws.resolve_root(workspace).resolve()
    loaded, issues = ws.check(root, lang=lang)
    if issues or loaded is None:
        raise InputError(issues)
    if project_ids is None:
        ids = sorted(loaded.plans)
        with_portfolio = True if portfolio is None else portfolio
    else:
        ids = params.check_projects(project_ids, loaded.plans, lang)
        with_portfolio = bool(portfolio)
    nb_dir = locate.notebooks_dir(notebooks).resolve()
    tpl_dir = locate.templates_dir(templates).resolve()
    if with_portfolio and not (nb_dir / locate.PORTFOLIO_NOTEBOOK).exists():
        raise InputError([Issue("file_missing", file=str(nb_dir / locate.PORTFOLIO_NOTEBOOK))])

    out_root = Path(out).resolve()
    out_dir = out_root / day.isoformat()
    out_root.mkdir(parents=True, exist_ok=True)
    keys = ([PORTFOLIO_KEY] if with_portfolio else []) + ids
    summary = RunSummary(out_dir=out_dir, as_of=day)
    with _locked(out_root / LOCK_NAME, lock_timeout), contextlib.ExitStack() as stack:
        if not keys:
            return summary
        local = executor is None and not scheduler
        if local:  # start the workers (and their kernels) first: they boot while we prepare
            executor = stack.enter_context(_local_pool(min(jobs, len(keys)), tpl_dir))
        elif executor is None:
            executor = stack.enter_context(_dask_client(scheduler)).get_executor(pure=False)
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
            warm=local,
        )
        tasks = [_task(context, None if key == PORTFOLIO_KEY else key) for key in keys]
        results = {
            r.key: r
            for r in _execute(tasks, executor, out_dir, _progress_bar(len(tasks), progress, lang))
        }
        summary.results = [results[k] for k in keys]
    summary.seconds = time.perf_counter() - started
    return summary


@contextlib.contextmanager
def _locked(path: Path, timeout: float):
    from filelock import FileLock, Timeout

    lock = FileLock(str(path), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise ReportsLocked(path) from None
    try:
        yield
    finally:
        lock.release()


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


def _task(c: _Context, project_id: str | None) -> ReportTask:
    if project_id is None:
        key = PORTFOLIO_KEY
        notebook = c.notebooks / locate.PORTFOLIO_NOTEBOOK
        kind, name = "portfolio", c.loaded.workspace.organisation
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


def _execute(tasks: list[ReportTask], executor: Executor, out_dir: Path, bar) -> list[ReportResult]:
    """Submit every task, longest first; store each report as soon as it is done."""
    results = []
    with bar:
        futures: dict[Future, ReportTask] = {
            executor.submit(run_task, t): t for t in sorted(tasks, key=lambda t: -t.cost)
        }
        for future in as_completed(futures):
            task = futures[future]
            try:
                outcome = future.result()
            except Exception as exc:  # a worker process died, the cluster went away, ...
                outcome = TaskOutcome(task.key, False, error=f"{type(exc).__name__}: {exc}")
            results.append(_store(outcome, task, out_dir))
            bar.set_postfix_str(task.key, refresh=False)
            bar.update(1)
    return results


def _dask_client(address: str):
    """A dask.distributed client for ``--scheduler``; bad address → InputError."""

    def bad(detail: str) -> InputError:
        return InputError([Issue("invalid", field="scheduler", found=address, detail=detail)])

    try:
        from distributed import Client
    except ImportError:
        raise bad("--scheduler krever dask.distributed: pip install 'gevinst[dask]'") from None
    try:
        return Client(address, timeout=30)
    except (OSError, TimeoutError, ValueError) as exc:
        raise bad(f"fikk ikke kontakt med dask-klyngen ({type(exc).__name__}: {exc})") from None


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


def _local_pool(workers: int, tpl_dir: Path) -> ProcessPoolExecutor:
    """Long-lived worker processes, started at once so that their kernels boot while
    the run is prepared. fork is fastest (the workers inherit what is imported), but
    forking a process that runs other threads is unsafe: then forkserver."""
    if sys.platform.startswith("linux"):
        method = "fork" if threading.active_count() == 1 else "forkserver"
    else:
        method = "spawn"
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(["gevinst.report.runner"])
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=init_worker, initargs=(str(tpl_dir), True)
    )
    pool.submit(os.getpid)  # the first submit starts the worker processes
    return pool


def _store(outcome: TaskOutcome, task: ReportTask, out_dir: Path) -> ReportResult:
    """Write a finished report into place, or keep the failed notebook aside."""
    html_path = out_dir / f"{task.key}.html"
    ipynb_path = out_dir / f"{task.key}.ipynb"
    failed_path = out_dir / FAILED_DIR / f"{task.key}.ipynb"
    title = task.metadata.get("title", task.key)

    def failed(error: str, notebook: Path | None = None) -> ReportResult:
        """The previous good report (if any) stays in place."""
        previous = html_path if html_path.exists() else None
        return ReportResult(
            task.key, title, False, previous, notebook, error=error, seconds=outcome.seconds
        )

    if outcome.ok:
        try:
            atomic.write_bytes(ipynb_path, outcome.ipynb)
            atomic.write_bytes(html_path, outcome.html)
        except OSError as exc:
            return failed(f"{type(exc).__name__}: {exc}")
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


# --------------------------------------------------------------------------- workers

_WORKER: dict[str, Any] = {"kernels": {}, "notebooks": {}, "warm_failed": False}
_WORKER_LOCK = threading.Lock()


def init_worker(templates: str | None = None, warm: bool = True) -> None:
    """Prepare a long-lived local worker: one kernel started and warm, exporter built.

    The kernel is launched first; papermill and nbconvert are imported (and the
    exporter built) while it boots. Never raises: a worker whose kernel will not
    start falls back to a fresh kernel per notebook, whose report then shows the
    real error.
    """
    from gevinst.report.warmkernel import DEFAULT_KERNEL, WarmKernel

    asyncio.set_event_loop(asyncio.new_event_loop())  # not one inherited through fork
    _WORKER.update(kernels={}, notebooks={}, warm_failed=False)
    multiprocessing.util.Finalize(None, shutdown_worker, exitpriority=10)
    kernel = None
    if warm:
        try:
            kernel = WarmKernel().launch()
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
            _WORKER["kernels"][DEFAULT_KERNEL] = kernel.ready()
        except Exception:
            _WORKER["warm_failed"] = True


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


def _warm_kernel(name: str):
    from gevinst.report.warmkernel import WarmKernel

    kernels = _WORKER["kernels"]
    kernel = kernels.get(name)
    if kernel is None and not _WORKER["warm_failed"]:
        try:
            kernel = kernels[name] = WarmKernel(name).start()
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
        return TaskOutcome(task.key, ok, ipynb, html, error, seconds, worker=str(os.getpid()))

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
