"""``gevinst report --scheduler`` on a real dask cluster: one ``dask scheduler`` and
two ``dask worker`` processes on 127.0.0.1, started here as subprocesses on free
ports, bounded in time and always stopped (each in its own process group, which
is killed at the end with everything in it).

- the reports made on the cluster are the same as those made locally;
- each worker keeps its kernel warm: three reports on two single-thread workers
  run in at most two kernels;
- when every worker is lost in the middle of a run, the reports not made fail
  after ``--worker-timeout`` with a message that says so, and the lock on the
  output folder is released (the next run is not refused);
- ``--jobs`` with ``--scheduler`` is refused with a message.

The fixture notebooks of ``tests/test_report_runner.py`` keep each report short.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner
from test_report_runner import AS_OF, make_workspace, notebooks_dir

from gevinst.cli.main import cli
from gevinst.report.runner import LOCK_NAME, PORTFOLIO_KEY, run_reports

distributed = pytest.importorskip("distributed")

DASK = Path(sys.executable).with_name("dask")
"""The ``dask`` command of this environment; without it, the same programs through
``python -m distributed.cli.dask_scheduler`` / ``dask_worker``."""
START_TIMEOUT = 60.0
"""Seconds the scheduler and the workers may take to come up on a loaded machine."""
NOW = dt.datetime(2026, 1, 31, 12, 0, tzinfo=dt.UTC)


def _dask(kind: str) -> list[str]:
    """The command line that starts a dask ``scheduler`` or ``worker``."""
    if DASK.exists():
        return [str(DASK), kind]
    return [sys.executable, "-m", f"distributed.cli.dask_{kind}"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A dask scheduler and its workers, each a process group of its own."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.port = _free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.scheduler: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []

    def _spawn(self, name: str, kind: str, *args: str) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            [*_dask(kind), *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.tmp,
            start_new_session=True,  # its own group: stopped with everything it started
        )
        log.close()
        return proc

    def start_scheduler(self) -> None:
        self.scheduler = self._spawn(
            "scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(self.port),
            "--no-dashboard", "--no-show",
        )  # fmt: skip

    def start_workers(self, n: int = 2) -> None:
        args = [self.address, "--host", "127.0.0.1", "--nthreads", "1",
                "--nworkers", "1", "--no-dashboard", "--death-timeout", "60"]  # fmt: skip
        for _ in range(n):
            self.workers.append(self._spawn(f"worker-{len(self.workers)}", "worker", *args))
        with distributed.Client(self.address, timeout=START_TIMEOUT) as client:
            client.wait_for_workers(n, timeout=START_TIMEOUT)

    def kill_workers(self) -> None:
        for proc in self.workers:
            _kill_group(proc, signal.SIGKILL)
        self.workers = []

    def stop(self) -> None:
        for proc in [*self.workers, *([self.scheduler] if self.scheduler else [])]:
            _kill_group(proc, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                _kill_group(proc, signal.SIGKILL)
                proc.wait(timeout=10)
        self.workers, self.scheduler = [], None

    def log(self) -> str:
        return "\n".join(
            p.read_text(errors="replace")[-2000:] for p in sorted(self.tmp.glob("*.log"))
        )


def _kill_group(proc: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        c.start_scheduler()
        c.start_workers(2)
        yield c
    except Exception as exc:  # pragma: no cover - the cluster did not come up
        c.stop()
        pytest.fail(f"the dask cluster did not start: {exc}\n{c.log()}")
    finally:
        c.stop()


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "data", {"alfa": None, "bravo": None})


def _normalised(html: str) -> str:
    """The report without what differs between two runs by nature: nothing, since
    both runs are given the same time; only matplotlib's ids in inline SVG, if any."""
    return re.sub(r'id="[0-9a-f]{12,}"', 'id=""', html)


def test_the_cluster_makes_the_same_reports_as_a_local_run(
    cluster: Cluster, small: Path, tmp_path: Path
) -> None:
    nb = notebooks_dir(tmp_path, extra_cell="import os\nprint('kernel', os.getpid())")
    kw = dict(notebooks=nb, as_of=AS_OF, progress=False, now=NOW, lost_workers_timeout=20)
    local = run_reports(small, out=tmp_path / "local", jobs=2, **kw)
    remote = run_reports(small, out=tmp_path / "remote", scheduler=cluster.address, **kw)
    assert local.exit_code == 0, [r.error for r in local.failed]
    assert remote.exit_code == 0, [(r.key, r.error) for r in remote.failed]
    assert [r.key for r in remote.results] == [PORTFOLIO_KEY, "alfa", "bravo"]
    for key in (PORTFOLIO_KEY, "alfa", "bravo"):
        a = (tmp_path / "local" / AS_OF / f"{key}.html").read_text(encoding="utf-8")
        b = (tmp_path / "remote" / AS_OF / f"{key}.html").read_text(encoding="utf-8")
        a = a.replace(str(tmp_path / "local"), "OUT")
        b = b.replace(str(tmp_path / "remote"), "OUT")
        # the kernel's pid is printed by the extra cell: the one thing that differs
        a, b = (re.sub(r"kernel \d+", "kernel N", x) for x in (a, b))
        assert _normalised(a) == _normalised(b), key
    # warm kernels: the project reports of two runs on two single-thread workers ran
    # in at most two kernels (a fresh kernel per report would be four)
    kernels = _kernels(tmp_path / "remote" / AS_OF)
    forced = run_reports(
        small, out=tmp_path / "remote", scheduler=cluster.address, force=True, **kw
    )
    assert forced.exit_code == 0 and forced.skipped == []
    kernels |= _kernels(tmp_path / "remote" / AS_OF)
    assert 1 <= len(kernels) <= 2, kernels
    # the same run again: nothing changed, nothing is made
    again = run_reports(small, out=tmp_path / "remote", scheduler=cluster.address, **kw)
    assert len(again.skipped) == 3


def _kernels(day: Path) -> set[str]:
    """The pids of the kernels that ran the project reports in ``day``."""
    pids = set()
    for key in ("alfa", "bravo"):
        executed = nbformat.read(day / f"{key}.ipynb", as_version=4)
        text = "".join(
            o.get("text", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs
        )
        found = re.findall(r"kernel (\d+)", text)
        assert len(found) == 1, text
        pids.update(found)
    return pids


def test_jobs_with_scheduler_is_refused(small: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["report", "--all", "--workspace", str(small), "--out", str(tmp_path / "out"),
         "--scheduler", "tcp://127.0.0.1:1", "--jobs", "4"],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "--jobs gjelder de lokale arbeidsprosessene" in result.output


def test_lost_workers_fail_the_reports_after_the_timeout_and_release_the_lock(
    cluster: Cluster, small: Path, tmp_path: Path
) -> None:
    # runs last in this module: it kills the module's workers
    marker = tmp_path / "started"
    slow = f"import pathlib, time\npathlib.Path({str(marker)!r}).touch()\ntime.sleep(60)"
    nb = notebooks_dir(tmp_path, extra_cell=slow)
    out = tmp_path / "out"

    def kill_when_busy() -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        cluster.kill_workers()

    killer = threading.Thread(target=kill_when_busy, daemon=True)
    killer.start()
    started = time.monotonic()
    result = CliRunner().invoke(
        cli,
        ["report", "alfa", "bravo", "--workspace", str(small), "--out", str(out),
         "--notebooks", str(nb), "--as-of", AS_OF, "--scheduler", cluster.address,
         "--worker-timeout", "5"],
    )  # fmt: skip
    took = time.monotonic() - started
    killer.join(timeout=5)
    assert result.exit_code == 1, result.output + cluster.log()
    assert "dask-klyngen har ikke hatt noen arbeider på 5 s" in result.output
    assert "alfa:" in result.output and "bravo:" in result.output
    assert took < 50, took  # not the 60 s the notebook sleeps, nor forever
    assert not (out / AS_OF / "alfa.html").exists()
    # the lock is released: the next run is not refused (exit 3) but fails the same way
    lock = out / LOCK_NAME
    assert not lock.exists() or "pid" not in lock.read_text(encoding="utf-8")
    again = run_reports(
        small, ["alfa"], out=out, notebooks=nb, as_of=AS_OF, scheduler=cluster.address,
        progress=False, lost_workers_timeout=2,
    )  # fmt: skip
    assert [r.key for r in again.failed] == ["alfa"]
