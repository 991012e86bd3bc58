"""Benchmark: ``gevinst report --all`` against papermill + nbconvert run one by one.

Run:  .venv/bin/python bench/bench_report.py [--jobs 2] [--repeats 1] [--workspace data]

Both sides run the same notebooks (``notebooks/prosjektrapport.ipynb`` per
project and ``notebooks/porteføljerapport.ipynb``) with the same parameters on a
copy of the example workspace, in the same run of this script:

* **baseline** – per report, one after the other, the command lines
  ``papermill NB OUT.ipynb -p project_id … -p workspace … -p as_of … -p lang nb``
  and ``jupyter nbconvert --to html --no-input --template gevinst_html OUT.ipynb``
  (the same template, so the HTML work is the same). Each report pays for a
  Python start, the papermill and nbconvert imports, a kernel start and the
  kernel's imports of pandas, matplotlib and gevinst.
* **gevinst** – ``gevinst report --all --jobs N`` as a subprocess: the whole
  command, with its own start-up, the worker pool, the warm kernels, the
  export and the writing of the files.

Figures: seconds per report (wall clock) and the speed-up, the baseline's
seconds per report divided by gevinst's (= the throughput ratio). Target (issue
5): at least 4× with ``--jobs 2`` on a 2-core machine. The machine may be shared
with other work: every figure is printed, with the load average before each
measurement, so that a noisy run can be seen as one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NOTEBOOKS = REPO / "notebooks"
TEMPLATES = REPO / "templates"
TARGET = 4.0


def project_ids(workspace: Path) -> list[str]:
    return sorted(p.stem for p in (workspace / "projects").glob("*.yaml"))


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, check=False, **kw)


def baseline(
    workspace: Path,
    out: Path,
    as_of: str,
    *,
    ids: list[str] | None = None,
    portfolio: bool = True,
) -> tuple[float, int, list[str]]:
    """Seconds for the reports one by one with the command lines; reports; failures.

    All projects and the portfolio by default; ``ids`` and ``portfolio`` pick a sample.
    """
    jobs = [("portefolje", "porteføljerapport.ipynb", "")] if portfolio else []
    jobs += [
        (pid, "prosjektrapport.ipynb", pid)
        for pid in (project_ids(workspace) if ids is None else ids)
    ]
    failures = []
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for key, notebook, pid in jobs:
        executed = out / f"{key}.ipynb"
        pm = run(
            [
                str(BIN / "papermill"),
                str(NOTEBOOKS / notebook),
                str(executed),
                "-p", "project_id", pid,
                "-p", "workspace", str(workspace),
                "-p", "as_of", as_of,
                "-p", "lang", "nb",
                "--no-progress-bar",
                "--cwd", str(NOTEBOOKS),
            ]
        )  # fmt: skip
        if pm.returncode != 0:
            failures.append(f"{key}: papermill exit {pm.returncode}")
            continue
        nc = run(
            [
                str(BIN / "jupyter"),
                "nbconvert",
                "--to", "html",
                "--no-input",
                "--template", "gevinst_html",
                f"--TemplateExporter.extra_template_basedirs={TEMPLATES}",
                "--output-dir", str(out),
                str(executed),
            ]
        )  # fmt: skip
        if nc.returncode != 0:
            failures.append(f"{key}: nbconvert exit {nc.returncode}: {nc.stderr[-300:]}")
    return time.perf_counter() - started, len(jobs), failures


def gevinst_all(workspace: Path, out: Path, as_of: str, jobs: int) -> tuple[float, int, str]:
    """Seconds for ``gevinst report --all --jobs N``; reports; the command's output."""
    n = len(project_ids(workspace)) + 1
    started = time.perf_counter()
    proc = run(
        [
            str(BIN / "gevinst"),
            "report", "--all",
            "--workspace", str(workspace),
            "--out", str(out),
            "--as-of", as_of,
            "--jobs", str(jobs),
        ]
    )  # fmt: skip
    seconds = time.perf_counter() - started
    return seconds, n, (proc.stdout + proc.stderr).strip()


def load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=1, help="measure each side R times")
    parser.add_argument("--workspace", type=Path, default=REPO / "data")
    parser.add_argument("--as-of", default=dt.date.today().isoformat())
    args = parser.parse_args()

    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="gevinst-bench-") as tmp:
        tmp = Path(tmp)
        workspace = tmp / "data"
        shutil.copytree(args.workspace, workspace)
        n = len(project_ids(workspace)) + 1
        print(f"{n} reports ({n - 1} projects + the portfolio), as of {args.as_of}\n")
        # prime the .pyc caches and the kernel spec lookup, outside the measurements
        run([str(BIN / "gevinst"), "--version"])
        run([str(BIN / "papermill"), "--help"])

        base_times, ours_times = [], []
        for r in range(args.repeats):
            print(f"[{r + 1}] load average {load()}")
            secs, count, output = gevinst_all(workspace, tmp / f"ours{r}", args.as_of, args.jobs)
            ours_times.append(secs / count)
            print(
                f"    gevinst report --all --jobs {args.jobs}: {secs:6.1f} s  "
                f"{secs / count:5.2f} s/report"
            )
            for line in output.splitlines():
                print(f"      | {line}")
            print(f"[{r + 1}] load average {load()}")
            secs, count, failures = baseline(workspace, tmp / f"base{r}", args.as_of)
            base_times.append(secs / count)
            print(
                f"    papermill + nbconvert, one by one: {secs:6.1f} s  "
                f"{secs / count:5.2f} s/report"
            )
            for f in failures:
                print(f"      ! {f}")

    base, ours = statistics.median(base_times), statistics.median(ours_times)
    speedup = base / ours
    print()
    print(f"baseline  {base:5.2f} s per report (median of {len(base_times)})")
    print(f"gevinst   {ours:5.2f} s per report (median of {len(ours_times)}, --jobs {args.jobs})")
    verdict = "met" if speedup >= TARGET else "NOT met"
    print(f"speed-up  {speedup:5.1f}×  (target ≥ {TARGET:.0f}×: {verdict})")


if __name__ == "__main__":
    main()
