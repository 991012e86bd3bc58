"""The batch report runner: output layout, failure isolation, the lock, the executors.

The runs use the small fixture notebooks in ``tests/fixtures/notebooks`` (a
parameterised project report, a variant that fails for project ``bravo``, and a
portfolio report) on a two-project workspace made from the example plan, so
that each run takes a few seconds. The real notebooks are run in
``tests/test_report_html.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from gevinst import __version__
from gevinst.cli.main import cli
from gevinst.errors import InputError
from gevinst.io import workspace as ws
from gevinst.io.yamlfile import load_yaml
from gevinst.report import locate
from gevinst.report.fingerprint import input_digest, input_files, input_fingerprint
from gevinst.report.params import check_as_of
from gevinst.report.runner import (
    LOCK_NAME,
    MANIFEST_NAME,
    PORTFOLIO_KEY,
    ReportsLocked,
    run_reports,
)
from gevinst.report.warmkernel import WarmKernel

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "notebooks"
EXAMPLE = REPO / "data"
AS_OF = "2026-01-31"


def make_workspace(root: Path, names: dict[str, str | None]) -> Path:
    """A workspace with one copy of the example plan ``digital-dialog`` per id in ``names``
    (the value, when given, replaces the project name), with its measurements."""
    (root / "projects").mkdir(parents=True)
    (root / "measurements").mkdir()
    shutil.copy(EXAMPLE / "gevinst.yaml", root / "gevinst.yaml")
    config = ws.load_config(root)
    data, _ = load_yaml(EXAMPLE / "projects" / "digital-dialog.yaml", "digital-dialog.yaml")
    for pid, name in names.items():
        d = json.loads(json.dumps(data, default=str))
        d["project"]["id"] = pid
        if name is not None:
            d["project"]["name"] = name
        ws.save_plan(root, ws.parse_plan(d, f"{pid}.yaml", {}, config))
        shutil.copy(
            EXAMPLE / "measurements" / "digital-dialog.csv", root / "measurements" / f"{pid}.csv"
        )
    assert ws.check(root)[1] == []
    return root


def notebooks_dir(tmp_path: Path, failing: bool = False, extra_cell: str = "") -> Path:
    """A copy of the fixture notebooks; ``failing`` uses the variant that fails for bravo."""
    d = tmp_path / "nb"
    d.mkdir(exist_ok=True)
    shutil.copy(FIXTURES / "porteføljerapport.ipynb", d / "porteføljerapport.ipynb")
    source = "prosjektrapport_feiler.ipynb" if failing else "prosjektrapport.ipynb"
    nb = nbformat.read(FIXTURES / source, as_version=4)
    if extra_cell:
        nb.cells.insert(3, nbformat.v4.new_code_cell(extra_cell))
    nbformat.write(nb, d / "prosjektrapport.ipynb")
    return d


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "data", {"alfa": None, "bravo": None})


def test_run_writes_notebook_and_html_per_report(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    summary = run_reports(small, out=out, notebooks=FIXTURES, as_of=AS_OF, jobs=2, progress=False)

    assert summary.exit_code == 0, [r.error for r in summary.failed]
    day = out / AS_OF
    assert summary.out_dir == day
    assert [r.key for r in summary.results] == [PORTFOLIO_KEY, "alfa", "bravo"]
    for key in (PORTFOLIO_KEY, "alfa", "bravo"):
        assert (day / f"{key}.html").is_file()
        assert (day / f"{key}.ipynb").is_file()
    assert summary.portfolio_html == day / "portefolje.html"
    assert not (day / "failed").exists()
    # nothing half-written left behind
    assert not list(day.glob(".gevinst-tmp-*"))

    nb = nbformat.read(day / "alfa.ipynb", as_version=4)
    assert nb.metadata.papermill.parameters == {
        "project_id": "alfa",
        "workspace": str(small.resolve()),
        "as_of": AS_OF,
        "lang": "nb",
    }
    meta = nb.metadata.gevinst
    assert meta["as_of"] == AS_OF
    assert meta["fingerprint"] == input_fingerprint(small, "alfa")
    assert meta["fingerprint_sha256"] == input_digest(small, "alfa")
    assert meta["version"] == __version__
    assert meta["title"] == "Prosjektrapport: Digital dialog med innbyggerne"
    # a fresh-looking kernel: the cells are numbered from 1
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))
    portfolio = nbformat.read(day / "portefolje.ipynb", as_version=4)
    assert portfolio.metadata.papermill.parameters["project_id"] == ""
    assert portfolio.metadata.gevinst["fingerprint"] == input_fingerprint(small)


def test_one_kernel_runs_notebook_after_notebook_without_leaking_state(
    small: Path, tmp_path: Path
) -> None:
    # jobs=1: the portfolio, alfa and bravo run one after the other on one warm
    # kernel; the fixture notebook asserts that the previous notebook's variable
    # is gone, and the execution counter restarts at 1 each time
    summary = run_reports(
        small, out=tmp_path / "out", notebooks=FIXTURES, as_of=AS_OF, jobs=1, progress=False
    )
    assert summary.exit_code == 0, [r.error for r in summary.failed]
    for key in ("alfa", "bravo"):
        nb = nbformat.read(tmp_path / "out" / AS_OF / f"{key}.ipynb", as_version=4)
        assert nb.cells[2].source.startswith("# Parameters")  # papermill's injected cell
        assert next(c.execution_count for c in nb.cells if c.cell_type == "code") == 1


def test_failing_project_is_isolated_and_previous_report_kept(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    first = run_reports(small, out=out, notebooks=FIXTURES, as_of=AS_OF, progress=False)
    assert first.exit_code == 0
    day = out / AS_OF
    good_html = (day / "bravo.html").read_bytes()
    good_ipynb = (day / "bravo.ipynb").read_bytes()
    alfa_before = (day / "alfa.html").read_bytes()

    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "report", "--all",
            "--workspace", str(small),
            "--out", str(out),
            "--as-of", AS_OF,
            "--notebooks", str(notebooks_dir(tmp_path, failing=True)),
        ],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    # the last good report of the failing project is untouched, byte for byte
    assert (day / "bravo.html").read_bytes() == good_html
    assert (day / "bravo.ipynb").read_bytes() == good_ipynb
    # the others were made again (a new time of run in the footer)
    assert (day / "alfa.html").read_bytes() != alfa_before
    assert (day / "portefolje.html").exists()
    # the failed executed notebook is kept with papermill's error banner
    failed = day / "failed" / "bravo.ipynb"
    nb = nbformat.read(failed, as_version=4)
    assert "papermill-error-cell-tag" in nb.cells[0].metadata.get("tags", [])
    assert any(
        o.get("output_type") == "error" and "Testfeil" in o.get("evalue", "")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    # the failure is listed with the path of the failed notebook and the error
    assert "bravo: ValueError: Testfeil i rapporten for bravo" in result.output
    assert str(failed) in result.output or "failed/bravo.ipynb" in result.output
    assert "1 rapporter feilet" in result.output
    assert "Åpne porteføljerapporten:" in result.output

    # the next good run replaces the report and clears the failed notebook
    again = run_reports(small, out=out, notebooks=FIXTURES, as_of=AS_OF, progress=False)
    assert again.exit_code == 0
    assert not failed.exists()
    assert (day / "bravo.html").read_bytes() != good_html  # new time of run


def test_a_dead_kernel_fails_one_report_and_the_worker_carries_on(
    small: Path, tmp_path: Path
) -> None:
    nbs = notebooks_dir(
        tmp_path, extra_cell='if project_id == "alfa":\n    import os\n    os._exit(1)'
    )
    summary = run_reports(
        small, out=tmp_path / "out", notebooks=nbs, as_of=AS_OF, jobs=1, progress=False,
        timeout=60,
    )  # fmt: skip
    assert [r.key for r in summary.failed] == ["alfa"]
    assert "DeadKernelError" in summary.failed[0].error or "died" in summary.failed[0].error
    assert summary.failed[0].notebook == tmp_path / "out" / AS_OF / "failed" / "alfa.ipynb"
    ok = {r.key for r in summary.results if r.ok}
    assert ok == {PORTFOLIO_KEY, "bravo"}  # bravo ran after alfa, on a restarted kernel


def test_the_lock_refuses_a_second_run(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from filelock import FileLock\n"
            "lock = FileLock(sys.argv[1]); lock.acquire()\n"
            "print('held', flush=True); time.sleep(60)",
            str(out / LOCK_NAME),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(ReportsLocked):
            run_reports(small, out=out, notebooks=FIXTURES, as_of=AS_OF, progress=False)
        result = CliRunner().invoke(
            cli,
            ["report", "--all", "--workspace", str(small), "--out", str(out),
             "--notebooks", str(FIXTURES)],
        )  # fmt: skip
        assert result.exit_code == 3
        assert "En annen rapportkjøring skriver til" in result.output
        assert not (out / AS_OF).exists()
    finally:
        holder.kill()
        holder.wait()
    # once the other run is gone, the folder is free again
    summary = run_reports(small, ["alfa"], out=out, notebooks=FIXTURES, as_of=AS_OF,
                          progress=False)  # fmt: skip
    assert summary.exit_code == 0


def test_bad_workspace_config_exits_2_and_runs_nothing(small: Path, tmp_path: Path) -> None:
    # a broken config stops everything (a broken plan stops only its own report:
    # tests/test_report_batch.py)
    config = small / "gevinst.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "ukjent_felt: 1\n", encoding="utf-8")
    out = tmp_path / "reports"
    result = CliRunner().invoke(
        cli,
        ["report", "--all", "--workspace", str(small), "--out", str(out),
         "--notebooks", str(FIXTURES), "--as-of", AS_OF],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "gevinst.yaml" in result.output
    assert not (out / AS_OF).exists()


def test_ids_and_arguments_are_checked(small: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        run_reports(small, ["alfa", "finnes-ikke"], out=tmp_path, notebooks=FIXTURES)
    assert err.value.issues[0].problem == "unknown_project"
    with pytest.raises(InputError):
        run_reports(small, out=tmp_path, notebooks=FIXTURES, as_of="31.01.2026")
    with pytest.raises(InputError):
        run_reports(small, out=tmp_path, notebooks=tmp_path)  # no notebooks there
    runner = CliRunner()
    assert runner.invoke(cli, ["report", "--workspace", str(small)]).exit_code == 2
    assert runner.invoke(cli, ["report", "alfa", "--all", "--workspace", str(small)]).exit_code == 2
    assert check_as_of(None, dt.date.today()) == dt.date.today()
    assert check_as_of("2026-01-31", dt.date.today()) == dt.date(2026, 1, 31)


def test_some_projects_only_and_the_open_hint(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = CliRunner().invoke(
        cli,
        ["report", "bravo", "--workspace", str(small), "--out", str(out),
         "--notebooks", str(FIXTURES), "--as-of", AS_OF, "--jobs", "1"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / AS_OF).iterdir()) == [
        MANIFEST_NAME,
        "bravo.html",
        "bravo.ipynb",
    ]
    assert "1 av 1 rapporter laget" in result.output
    assert "bravo.html" in result.output


def test_dask_local_cluster_runs_a_report(small: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        summary = run_reports(
            small,
            ["alfa"],
            out=tmp_path / "out",
            notebooks=FIXTURES,
            as_of=AS_OF,
            scheduler=cluster.scheduler_address,
            progress=False,
        )
    assert summary.exit_code == 0, [r.error for r in summary.failed]
    html = (tmp_path / "out" / AS_OF / "alfa.html").read_text(encoding="utf-8")
    assert "Prosjektrapport: Digital dialog med innbyggerne" in html


def test_fingerprint_covers_exactly_the_inputs(small: Path) -> None:
    rel = [p.relative_to(small).as_posix() for p in input_files(small, "alfa")]
    assert rel == ["gevinst.yaml", "measurements/alfa.csv", "projects/alfa.yaml"]
    assert len(input_files(small)) == 5
    alfa, bravo, everything = (
        input_fingerprint(small, "alfa"),
        input_fingerprint(small, "bravo"),
        input_fingerprint(small),
    )
    assert len(alfa) == 12 and alfa != bravo != everything
    with (small / "measurements" / "bravo.csv").open("a", encoding="utf-8") as fh:
        fh.write("G1,2026-01-15,23000,,Test,2026-01-16T10:00:00\n")
    assert input_fingerprint(small, "alfa") == alfa  # not an input of alfa's report
    assert input_fingerprint(small, "bravo") != bravo
    assert input_fingerprint(small) != everything


def test_warm_kernel_restarts_when_dead() -> None:
    kernel = WarmKernel().start()
    try:
        assert kernel.alive()
        kernel.km.provisioner.process.kill()
        time.sleep(0.5)
        assert not kernel.alive()
        kernel.prepare(None)  # starts a new kernel rather than failing
        assert kernel.alive()
    finally:
        kernel.shutdown()
    assert kernel.km is None


def test_runs_from_a_process_with_other_threads(small: Path, tmp_path: Path) -> None:
    # forking a process that runs other threads is unsafe: the pool then uses forkserver
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        summary = run_reports(
            small, ["alfa"], out=tmp_path / "out", notebooks=FIXTURES, as_of=AS_OF,
            progress=False,
        )  # fmt: skip
    finally:
        stop.set()
        other.join()
    assert summary.exit_code == 0, [r.error for r in summary.failed]


def test_notebooks_and_templates_are_found(tmp_path: Path, monkeypatch) -> None:
    assert locate.notebooks_dir() == REPO / "notebooks"
    assert locate.templates_dir() == REPO / "templates"
    monkeypatch.setenv(locate.NOTEBOOKS_ENV, str(FIXTURES))
    assert locate.notebooks_dir() == FIXTURES
    with pytest.raises(InputError) as err:
        locate.notebooks_dir(tmp_path)
    assert err.value.issues[0].problem == "file_missing"
    assert "--notebooks" in err.value.format("nb")
    monkeypatch.setenv(locate.TEMPLATES_ENV, str(tmp_path))
    with pytest.raises(InputError):
        locate.templates_dir()


def test_a_bad_scheduler_address_is_bad_input(small: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    result = CliRunner().invoke(
        cli,
        ["report", "alfa", "--workspace", str(small), "--out", str(tmp_path / "out"),
         "--notebooks", str(FIXTURES), "--scheduler", "bogus://x"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "dask-klynge" in result.output


# --------------------------------------------------------------------------- incremental runs


def _mtimes(day: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in day.glob("*.html")}


def test_an_unchanged_rerun_skips_every_report_and_force_rebuilds(
    small: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    args = ["report", "--all", "--workspace", str(small), "--out", str(out),
            "--notebooks", str(FIXTURES), "--as-of", AS_OF, "--jobs", "1"]  # fmt: skip
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    day = out / AS_OF
    built = json.loads((day / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert sorted(built["reports"]) == ["alfa", "bravo", PORTFOLIO_KEY]
    nb = nbformat.read(day / "alfa.ipynb", as_version=4)
    assert nb.metadata["gevinst"]["build_fingerprint"] == built["reports"]["alfa"]
    before = _mtimes(day)

    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert "3 rapporter er uendret og ikke laget på nytt" in again.output
    assert "rapporter laget på" not in again.output  # nothing was made
    assert _mtimes(day) == before

    forced = CliRunner().invoke(cli, [*args, "--force"])
    assert forced.exit_code == 0, forced.output
    assert "3 av 3 rapporter laget" in forced.output
    assert "uendret" not in forced.output
    assert all(_mtimes(day)[k] > before[k] for k in before)


def test_changing_one_plan_rebuilds_that_project_and_the_portfolio_only(
    small: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    kw = dict(out=out, notebooks=FIXTURES, as_of=AS_OF, jobs=1, progress=False)
    assert run_reports(small, **kw).exit_code == 0
    day = out / AS_OF
    before = _mtimes(day)
    plan = small / "projects" / "bravo.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + "\n# endret\n", encoding="utf-8")
    summary = run_reports(small, **kw)
    assert summary.exit_code == 0
    assert [r.key for r in summary.skipped] == ["alfa"]
    after = _mtimes(day)
    assert after["alfa.html"] == before["alfa.html"]
    assert after["bravo.html"] > before["bravo.html"]
    assert after[f"{PORTFOLIO_KEY}.html"] > before[f"{PORTFOLIO_KEY}.html"]
    # a changed notebook, language or as-of date makes a report again too
    other_day = run_reports(small, **{**kw, "as_of": "2026-02-28"})
    assert other_day.skipped == []
    assert run_reports(small, **{**kw, "lang": "en"}).skipped == []


def test_a_failed_or_missing_report_is_made_again(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    nb = notebooks_dir(tmp_path, failing=True)
    kw = dict(out=out, notebooks=nb, as_of=AS_OF, jobs=1, progress=False)
    first = run_reports(small, **kw)
    assert [r.key for r in first.failed] == ["bravo"]
    (out / AS_OF / "alfa.html").unlink()  # someone removed a report
    second = run_reports(small, **kw)
    assert [r.key for r in second.skipped] == [PORTFOLIO_KEY]
    assert [r.key for r in second.failed] == ["bravo"]  # failed again, not skipped
    assert (out / AS_OF / "alfa.html").is_file()


def test_finished_reports_are_streamed_to_disk_not_kept(tmp_path: Path, monkeypatch) -> None:
    # each report is written and let go of as soon as it arrives: when the worker
    # makes report k, none of the reports before k-1 is still held in memory
    import weakref
    from concurrent.futures import ThreadPoolExecutor

    from gevinst.report import runner

    made: list[weakref.ref] = []
    alive: list[int] = []

    def fake_run_task(task):
        k = int(task.key[1:])
        if k:  # wait until the main process has written the previous report
            deadline = time.monotonic() + 10
            while not (tmp_path / f"p{k - 1:03d}.html").exists() and time.monotonic() < deadline:
                time.sleep(0.005)
        alive.append(sum(r() is not None for r in made))
        outcome = runner.TaskOutcome(task.key, True, b"i" * 2**19, b"h" * 2**19)
        made.append(weakref.ref(outcome))
        return outcome

    monkeypatch.setattr(runner, "run_task", fake_run_task)
    blank = dict(notebook="", parameters={}, metadata={}, cwd="", templates="", output_path="")
    tasks = [runner.ReportTask(key=f"p{k:03d}", cost=-k, **blank) for k in range(40)]
    bar = runner._progress_bar(len(tasks), False, "nb")
    with ThreadPoolExecutor(max_workers=1) as pool:
        results = runner._execute(tasks, pool, tmp_path, bar)
    assert all(r.ok for r in results) and len(results) == 40
    assert (tmp_path / "p039.html").stat().st_size == 2**19
    assert max(alive) <= 1, alive  # at most the report just written (of 40 made)
