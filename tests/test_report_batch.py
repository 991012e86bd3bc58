"""Batch runs that must hold under bad input and faults (issue 11, points 6, 7 and 9).

- one broken plan fails only its own report; the other reports, the portfolio
  report (which names it), ``status`` and ``portfolio`` keep working;
- kill -9, SIGTERM of ``gevinst report`` leave no worker, no kernel and no kernel
  connection file behind; a lock left by a killed run is recognised;
- a full disk, a read-only output folder and an unreachable dask scheduler are
  faults of the environment (exit 4), with a message, not a traceback.

Most runs use the small two-project workspace and the fixture notebooks of
``tests/test_report_runner.py``; the kill -9 test runs the real example.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_report_runner import AS_OF, EXAMPLE, FIXTURES, make_workspace, notebooks_dir

from gevinst.cli.main import cli
from gevinst.io import atomic
from gevinst.io import workspace as ws
from gevinst.report import runner
from gevinst.report.runlock import ReportsLocked, RunLock
from gevinst.report.runner import LOCK_NAME, PORTFOLIO_KEY, run_reports

psutil = pytest.importorskip("psutil")

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "data", {"alfa": None, "bravo": None})


def _break_start_date(root: Path, pid: str) -> None:
    path = root / "projects" / f"{pid}.yaml"
    text = path.read_text(encoding="utf-8")
    lines = [
        "  start_date: 2025-02-30" if ln.startswith("  start_date:") else ln
        for ln in text.splitlines()
    ]
    assert lines != text.splitlines(), "the plan has a project.start_date line"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- point 6


def test_a_broken_plan_fails_only_its_own_report(small: Path, tmp_path: Path) -> None:
    _break_start_date(small, "alfa")
    out = tmp_path / "reports"
    cli_runner = CliRunner()
    args = ["--workspace", str(small)]
    # check refuses the workspace, as before
    assert cli_runner.invoke(cli, ["check", *args]).exit_code == 2

    result = cli_runner.invoke(
        cli,
        ["report", "--all", *args, "--out", str(out), "--notebooks", str(FIXTURES),
         "--as-of", AS_OF, "--jobs", "1"],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    day = out / AS_OF
    assert (day / "bravo.html").is_file()
    assert (day / "portefolje.html").is_file()
    assert not (day / "alfa.html").exists()
    assert "1 rapporter feilet" in result.output
    assert "  - alfa: planen eller målingene har 1 feil" in result.output
    assert "start_date" in result.output and "2025-02-30" in result.output
    # there was no good alfa report before: no claim that one was kept
    assert "forrige gode" not in result.output
    # the portfolio report names the excluded project visibly
    portfolio = (day / "portefolje.html").read_text(encoding="utf-8")
    assert "1 prosjekt er utelatt fra porteføljen" in portfolio
    assert "alfa:" in portfolio and "bravo" in portfolio

    # a report of another project alone: exit 0, untouched by alfa
    other = cli_runner.invoke(
        cli,
        ["report", "bravo", *args, "--out", str(tmp_path / "r2"), "--notebooks",
         str(FIXTURES), "--as-of", AS_OF, "--jobs", "1"],
    )  # fmt: skip
    assert other.exit_code == 0, other.output

    # status and portfolio: the others are shown, the excluded one named, exit 1
    status = cli_runner.invoke(cli, ["status", *args, "--as-of", AS_OF])
    assert status.exit_code == 1, status.output
    assert "bravo – Digital dialog" in status.output
    assert "alfa –" not in status.output
    assert "Utelatt fordi planen eller målingene har feil: alfa." in status.output
    status_json = cli_runner.invoke(cli, ["status", *args, "--as-of", AS_OF, "--json"])
    assert status_json.exit_code == 1
    assert {s["project"] for s in json.loads(status_json.stdout)["items"]} == {"bravo"}
    assert cli_runner.invoke(cli, ["status", "bravo", *args, "--as-of", AS_OF]).exit_code == 0
    assert cli_runner.invoke(cli, ["status", "nope", *args]).exit_code == 2

    pf = cli_runner.invoke(cli, ["portfolio", *args, "--as-of", AS_OF, "--json"])
    assert pf.exit_code == 1, pf.output
    data = json.loads(pf.stdout)
    assert [line["key"] for line in data["rollup"]["projects"]] == ["bravo"]
    assert "2025-02-30" in data["excluded"]["alfa"][0]["found"]
    owners = cli_runner.invoke(cli, ["owners", *args, "--as-of", AS_OF])
    assert owners.exit_code == 1 and "Utelatt fordi" in owners.output and "alfa" in owners.output


def test_the_loader_sets_aside_broken_projects(small: Path) -> None:
    _break_start_date(small, "bravo")
    (small / "projects" / "notes.txt").write_text("x", encoding="utf-8")
    loaded = ws.load_valid(small)
    assert sorted(loaded.plans) == ["alfa"] == sorted(loaded.measurements)
    assert list(loaded.excluded) == ["bravo"]
    assert loaded.excluded["bravo"][0].key == "project.start_date"
    assert [i.file.endswith("notes.txt") for i in loaded.other_issues] == [True]
    # check sees the same problems, and load() refuses
    assert ws.check(small)[1] == loaded.issues
    with pytest.raises(ws.InputError):
        ws.load(small)
    assert list(loaded.only(["bravo"]).excluded) == ["bravo"]
    with pytest.raises(ws.InputError):
        loaded.only(["nope"])


# --------------------------------------------------------------------------- point 7


def _descendants(pid: int) -> list:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _run_env(tmp_path: Path) -> dict[str, str]:
    runtime = tmp_path / "runtime"
    tmp = tmp_path / "tmp"
    runtime.mkdir()
    tmp.mkdir()
    return {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(runtime),
        "TMPDIR": str(tmp),
        "GEVINST_LANG": "nb",
    }


def _leftovers(procs: list, env: dict[str, str]) -> tuple[list, list, list]:
    alive = [p for p in procs if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    connection_files = list(Path(env["JUPYTER_RUNTIME_DIR"]).glob("kernel-*.json"))
    kernel_dirs = list(Path(env["TMPDIR"]).glob("gevinst-kernel-*"))
    return alive, connection_files, kernel_dirs


def _wait_for_kernels(main: subprocess.Popen, count: int, seconds: float) -> list:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        procs = _descendants(main.pid)
        kernels = [p for p in procs if "ipykernel" in " ".join(p.cmdline())]
        if len(kernels) >= count:
            return procs
        assert main.poll() is None, "the run ended before its kernels were up"
        time.sleep(0.2)
    raise AssertionError(f"no {count} kernels within {seconds} s")


def test_kill_9_of_report_all_leaves_nothing_running(tmp_path: Path) -> None:
    env = _run_env(tmp_path)
    work = tmp_path / "data"
    shutil.copytree(EXAMPLE, work)
    main = subprocess.Popen(
        [sys.executable, "-m", "gevinst.cli.main", "report", "--all", "--jobs", "2",
         "--workspace", str(work), "--out", str(tmp_path / "out")],
        env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        procs = _wait_for_kernels(main, 2, 90)  # two workers, each with its kernel
        assert len(procs) >= 4
        time.sleep(1.0)  # mid-run: the first notebooks are executing
        main.kill()
        main.wait()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_leftovers(procs, env)):
            time.sleep(0.1)
        alive, connection_files, kernel_dirs = _leftovers(procs, env)
        assert alive == [], [p.cmdline() for p in alive]
        assert connection_files == []
        assert kernel_dirs == []
    finally:
        for p in _descendants(main.pid):
            p.kill()


def test_sigterm_stops_workers_and_kernels_and_keeps_no_half_report(
    small: Path, tmp_path: Path
) -> None:
    env = _run_env(tmp_path)
    nbs = notebooks_dir(tmp_path, extra_cell="import time\ntime.sleep(60)")
    out = tmp_path / "out"
    main = subprocess.Popen(
        [sys.executable, "-m", "gevinst.cli.main", "report", "--all", "--jobs", "2",
         "--workspace", str(small), "--out", str(out), "--notebooks", str(nbs),
         "--as-of", AS_OF],
        env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        procs = _wait_for_kernels(main, 2, 90)
        # the workers are in a process group of their own, not the terminal's
        workers = [p for p in procs if p.ppid() == main.pid]
        assert workers and all(os.getpgid(p.pid) != os.getpgid(main.pid) for p in workers)
        assert len({os.getpgid(p.pid) for p in workers}) == 1
        time.sleep(1.0)
        main.send_signal(signal.SIGTERM)
        _, stderr = main.communicate(timeout=30)
        assert main.returncode == 128 + signal.SIGTERM
        assert "Avbrutt (SIGTERM)" in stderr
        assert "Traceback" not in stderr
        alive, connection_files, kernel_dirs = _leftovers(procs, env)
        assert (alive, connection_files, kernel_dirs) == ([], [], [])
        assert not list((out / AS_OF).glob("*.html")) if (out / AS_OF).exists() else True
        assert (out / LOCK_NAME).read_text(encoding="utf-8") == ""  # released cleanly
    finally:
        if main.poll() is None:
            main.kill()
        for p in _descendants(main.pid):
            p.kill()


def test_a_lock_left_by_a_killed_run_is_recognised(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    holder = {"pid": int(dead.stdout), "host": socket.gethostname(), "started": "2026-01-31T06:15"}
    (out / LOCK_NAME).write_text(json.dumps(holder) + "\n", encoding="utf-8")
    # not locked any more (the OS released it): the run goes ahead and says so
    result = CliRunner().invoke(
        cli,
        ["report", "alfa", "--workspace", str(small), "--out", str(out), "--notebooks",
         str(FIXTURES), "--as-of", AS_OF, "--jobs", "1"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"en tidligere kjøring (pid {holder['pid']}" in result.output
    assert (out / LOCK_NAME).read_text(encoding="utf-8") == ""

    # still locked, by processes a dead run left behind: said so, with the pid
    (out / LOCK_NAME).write_text(json.dumps({**holder, "group": 4242}), encoding="utf-8")
    keeper = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, os, sys, time\n"
         "fd = os.open(sys.argv[1], os.O_RDWR)\nfcntl.flock(fd, fcntl.LOCK_EX)\n"
         "print('held', flush=True)\ntime.sleep(60)", str(out / LOCK_NAME)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert keeper.stdout.readline().strip() == "held"
        with pytest.raises(ReportsLocked) as err:
            RunLock(out / LOCK_NAME).acquire()
        assert err.value.holder_dead
        text = err.value.format("nb")
        assert f"pid {holder['pid']}" in text and "kjører ikke lenger" in text
        assert "kill -TERM -4242" in text
        result = CliRunner().invoke(
            cli, ["report", "alfa", "--workspace", str(small), "--out", str(out),
                  "--notebooks", str(FIXTURES)],
        )  # fmt: skip
        assert result.exit_code == 3
        assert "kjører ikke lenger" in result.output
    finally:
        keeper.kill()
        keeper.wait()


# --------------------------------------------------------------------------- point 9


def test_a_full_disk_is_an_environment_fault(small: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    first = run_reports(small, ["alfa"], out=out, notebooks=FIXTURES, as_of=AS_OF, jobs=1,
                        progress=False)  # fmt: skip
    assert first.exit_code == 0
    good = (out / AS_OF / "alfa.html").read_bytes()
    real = atomic.write_bytes

    def full(target: Path, data: bytes) -> None:
        if Path(target).suffix in (".html", ".ipynb") and "failed" not in Path(target).parts:
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        real(target, data)

    monkeypatch.setattr(runner.atomic, "write_bytes", full)

    def full_place(staged: Path, target: Path) -> None:  # a report the worker wrote beside it
        full(target, b"")

    monkeypatch.setattr(runner, "_place", full_place)
    # --force: alfa is unchanged and would be skipped; made again, it cannot be written
    result = CliRunner().invoke(
        cli,
        ["report", "alfa", "bravo", "--workspace", str(small), "--out", str(out),
         "--notebooks", str(FIXTURES), "--as-of", AS_OF, "--jobs", "1", "--force"],
    )  # fmt: skip
    assert result.exit_code == 4, result.output
    assert "disken er full" in result.output
    assert "Traceback" not in result.output
    # alfa had a good report: it is kept and said so; bravo had none: nothing claimed
    assert (out / AS_OF / "alfa.html").read_bytes() == good
    lines = result.output.splitlines()
    kept = [ln for ln in lines if "den forrige gode rapporten er beholdt" in ln]
    assert len(kept) == 1 and "alfa.html" in kept[0]


def test_a_read_only_output_folder_exits_4(small: Path, tmp_path: Path, monkeypatch) -> None:
    real_mkdir = Path.mkdir

    def read_only(self: Path, *args, **kwargs) -> None:
        if self.name == "ro":
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", read_only)
    result = CliRunner().invoke(
        cli,
        ["report", "alfa", "--workspace", str(small), "--out", str(tmp_path / "ro"),
         "--notebooks", str(FIXTURES), "--as-of", AS_OF],
    )  # fmt: skip
    assert result.exit_code == 4, result.output
    assert "Feil i miljøet" in result.output and "skrivebeskyttet" in result.output
    assert "ro" in result.output


def test_an_unreachable_scheduler_exits_4(small: Path, tmp_path: Path, monkeypatch) -> None:
    pytest.importorskip("distributed")
    with socket.socket() as s:  # a free port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(runner, "DASK_CONNECT_TIMEOUT", 2.0)
    started = time.monotonic()
    result = CliRunner().invoke(
        cli,
        ["report", "alfa", "--workspace", str(small), "--out", str(tmp_path / "out"),
         "--notebooks", str(FIXTURES), "--scheduler", f"tcp://127.0.0.1:{port}"],
    )  # fmt: skip
    assert result.exit_code == 4, result.output
    assert "fikk ikke kontakt med dask-klyngen" in result.output
    assert time.monotonic() - started < 30
    assert not list((tmp_path / "out").glob("*/alfa.html"))


def test_excluded_results_are_reported_by_the_runner(small: Path, tmp_path: Path) -> None:
    _break_start_date(small, "bravo")
    summary = run_reports(small, ["bravo"], out=tmp_path / "out", notebooks=FIXTURES,
                          as_of=AS_OF, progress=False)  # fmt: skip
    assert summary.exit_code == 1
    [r] = summary.results
    assert (r.key, r.ok, r.html, r.notebook) == ("bravo", False, None, None)
    assert summary.excluded == [r] and "2025-02-30" in str(r.issues[0].found)
    assert PORTFOLIO_KEY not in {x.key for x in summary.results}


@pytest.fixture
def small_tmpfs(tmp_path: Path):
    """Mount a tiny tmpfs (root only; skipped where mounting is not allowed)."""
    mounted: list[Path] = []

    def mount(name: str, options: str) -> Path:
        point = tmp_path / name
        point.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)],
                              capture_output=True, text=True)  # fmt: skip
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() or 'not root'})")
        mounted.append(point)
        return point

    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root and mount(8)")
    yield mount
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], check=False)


def test_a_real_full_disk_and_read_only_folder_exit_4(small: Path, small_tmpfs) -> None:
    full = small_tmpfs("full", "size=12k")
    args = ["--workspace", str(small), "--notebooks", str(FIXTURES), "--as-of", AS_OF,
            "--jobs", "1"]  # fmt: skip
    result = CliRunner().invoke(cli, ["report", "alfa", *args, "--out", str(full)])
    assert result.exit_code == 4, result.output
    assert "disken er full" in result.output and "Traceback" not in result.output
    assert "forrige gode" not in result.output  # there was none
    assert not list(full.rglob(".gevinst-tmp-*"))  # nothing half-written left

    read_only = small_tmpfs("ro", "ro,size=64k")
    result = CliRunner().invoke(cli, ["report", "alfa", *args, "--out", str(read_only / "r")])
    assert result.exit_code == 4, result.output
    assert "skrivebeskyttet" in result.output and "Traceback" not in result.output


def test_the_portfolio_warning_escapes_what_it_quotes() -> None:
    from gevinst.errors import Issue
    from gevinst.report.text import excluded_html

    loaded = ws.Loaded(root=Path("."), workspace=None)
    loaded.excluded["x"] = [Issue("invalid", file="projects/x.yaml", found="<img src=x onerror=1>")]
    markup = excluded_html(loaded, "en")
    assert "1 project is left out" in markup
    assert "<img" not in markup and "&lt;img src=x onerror=1&gt;" in markup
    assert excluded_html(ws.Loaded(root=Path("."), workspace=None)) == ""


def test_a_kernel_ends_itself_and_removes_its_files_when_its_worker_is_killed(
    tmp_path: Path,
) -> None:
    env = _run_env(tmp_path)
    worker = subprocess.Popen(
        [sys.executable, "-c",
         "import time\nfrom gevinst.report.warmkernel import WarmKernel\n"
         "k = WarmKernel().start()\n"
         "print(k.km.provisioner.process.pid, k._sockets, flush=True)\ntime.sleep(120)"],
        env=env, cwd=REPO, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        pid, folder = worker.stdout.readline().split()
        kernel = psutil.Process(int(pid))
        assert Path(folder, "kernel.json").is_file()  # the connection file is private
        assert list(Path(env["JUPYTER_RUNTIME_DIR"]).glob("kernel-*.json")) == []
        worker.kill()  # no clean-up from the worker: the kernel must see to itself
        worker.wait()
        gone, _ = psutil.wait_procs([kernel], timeout=5)
        assert gone, "the kernel outlived its worker"
        deadline = time.monotonic() + 2
        while Path(folder).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not Path(folder).exists()
    finally:
        if worker.poll() is None:
            worker.kill()
        for p in _descendants(worker.pid):
            p.kill()
