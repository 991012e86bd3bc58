"""Benchmark: a regional portfolio at scale (issue 13's "Done when").

Run:  .venv/bin/python bench/bench_scale.py [--small 6] [--large 120] [--sample 12]
      [--naive-sample 3] [--repeats 3] [--repeats-large 3] [--jobs 2] [--full]

In one run of this script, ``gevinst synth`` writes two workspaces (6 and 120
projects, the same seed) and then, on those:

a) ``check``, ``status --all --json`` and ``portfolio --json`` as subprocesses
   on both; the slope (t120 − t6) / (120 − 6) in ms per extra project, from
   the median of ``--repeats`` runs (``--repeats-large`` on the large one, the two
   sizes run in turn so that a machine growing slower or faster hits both), twice:
   *cold* (every run with an empty results cache, :mod:`gevinst.io.cache`: each
   plan parsed, validated and analysed) and *warm* (a run before them filled the
   cache and nothing changed since – the nightly run where a few plans changed).
   Wall time and the CPU time of the command (user + system, from ``wait4``) are
   both shown: on a shared machine the wall time also counts waiting for other
   people's processes. Target ≤ 10 ms.
b) ``gevinst report`` at ``--jobs 2`` on the 120-project workspace for a sample
   of ``--sample`` project reports (``--full``: all 120), seconds per project
   report – the wall time of the whole command, start of the workers and their
   kernels included; beside it the naive pipeline – ``papermill`` then ``jupyter
   nbconvert`` per report, one after the other – on the first ``--naive-sample``
   projects of the same sample. Target ≤ 1.05 s a report.
c) the portfolio notebook's own time (papermill's duration recorded in the
   executed notebook) at 120 projects (the command of (b) again with
   ``--portfolio``: the project reports are unchanged and skipped) against 6
   (``gevinst report --all`` on the small workspace). Target ratio ≤ 3.
d) the main ``gevinst report`` process's resident memory (RSS, sampled with
   psutil every 0.1 s) in (b) from the first finished report to the end of the
   run, and that growth per report. With a sample, the growth over 121 reports is
   projected linearly, and said so; beside it the growth over the second half
   of the run (a one-off rise, such as the largest report arriving, is not
   growth per report). Target ≤ 50 MB over 121 reports.
e) the command of (c) again with nothing changed, as a share of (b) + (c), the
   full run (every report is skipped: its build fingerprint is unchanged).
   Target ≤ 5 %. Then one plan of the sample is changed and the command run once
   more: that project and the portfolio are made, nothing else.

The results cache lives in the benchmark's own temporary folder
(``GEVINST_CACHE_DIR``), never the user's; parts (b)–(e) run with it warm from (a).
Every figure is measured in this run; none is stored. The load average is
printed before each part so that a noisy run can be seen as one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
from bench_report import baseline, load

from gevinst.io import synth

BIN = Path(sys.executable).parent
AS_OF = synth.DEFAULT_AS_OF.isoformat()
SEED = 1

SLOPE_MS = 10.0
REPORT_S = 1.05
PORTFOLIO_RATIO = 3.0
MEMORY_MB = 50.0
MEMORY_REPORTS = 121
RERUN_SHARE = 0.05

COMMANDS = {
    "check": ["check"],
    "status --all --json": ["status", "--all", "--json", "--as-of", AS_OF],
    "portfolio --json": ["portfolio", "--json", "--as-of", AS_OF],
}


def machine_reference(runs: int = 5) -> float:
    """Seconds for a fixed workload that does not depend on gevinst's code (median of ``runs``).

    The targets are absolute, but the speed of these shared machines drifts, by as
    much as a factor of two between days: this figure, printed with the results, says
    how fast the machine was when they were measured (lower is faster). Pure Python
    (dict, str and float work, as in parsing and validating) and a numpy part (a sort
    and element-wise arithmetic, as in the Monte Carlo simulation), single-threaded.
    """
    import numpy as np

    def work() -> float:
        started = time.perf_counter()
        table: dict[str, float] = {}
        for k in range(200_000):
            key = f"g{k % 5000}"
            table[key] = table.get(key, 0.0) + (k % 97) * 1.5
        rng = np.random.default_rng(1)
        x = rng.random(1_000_000)
        for _ in range(5):
            np.sort(x)
            np.sqrt(x * 0.5 + 1.0)
        return time.perf_counter() - started

    return statistics.median(work() for _ in range(runs))


def mark(ok: bool) -> str:
    return "OK" if ok else "NOT MET"


@dataclass
class Timed:
    wall: float
    cpu: float
    returncode: int
    output: str


def timed(
    cmd: list[str], *, watch_rss: Path | None = None, env: dict[str, str] | None = None
) -> tuple[Timed, list[tuple[float, float, int]]]:
    """Run ``cmd``; wall and CPU seconds (the child and its waited-for children, via wait4).

    With ``watch_rss`` (an output folder), the process's RSS is sampled every
    0.1 s as (seconds since start, MB, number of .html files in that folder).
    """
    samples: list[tuple[float, float, int]] = []
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
        ps = psutil.Process(proc.pid)
        while True:  # wait4 (not poll) so that the child's CPU time is ours to read
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG if watch_rss else 0)
            if pid:
                break
            try:
                rss = ps.memory_info().rss / 2**20
            except psutil.Error:
                rss = float("nan")
            done = len(list(watch_rss.glob("*/*.html"))) if watch_rss.exists() else 0
            samples.append((time.perf_counter() - started, rss, done))
            time.sleep(0.1)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return Timed(wall, usage.ru_utime + usage.ru_stime, proc.returncode, text), samples


def gevinst(*args: str) -> list[str]:
    return [str(BIN / "gevinst"), *args]


def part_a(
    small: Path, large: Path, n_small: int, n_large: int, repeats: tuple[int, int], cache: Path
) -> None:
    print(f"(a) per extra project, slope between {n_small} and {n_large} projects (median of "
          f"{repeats[0]} and {repeats[1]} runs; target ≤ {SLOPE_MS:.0f} ms)  [load {load()}]")  # fmt: skip
    print(f"    {'command':<22} {'cache':<5} {'wall ' + str(n_small):>9} {'wall ' + str(n_large):>9} "
          f"{'ms/proj':>8} {'':8} {'cpu ' + str(n_small):>9} {'cpu ' + str(n_large):>9} {'ms/proj':>8}")  # fmt: skip
    fresh = iter(range(10**6))
    for name, args in COMMANDS.items():
        for state in ("cold", "warm"):
            res = {}

            def env(state: str = state) -> dict[str, str]:
                folder = cache / ("warm" if state == "warm" else f"cold-{next(fresh)}")
                return {**os.environ, "GEVINST_CACHE_DIR": str(folder)}

            if state == "warm":
                for root in (small, large):  # fills it
                    timed(gevinst(*args, "--workspace", str(root)), env=env())
            # Interleaved (small, large, small, large, ...): the speed of a shared machine
            # drifts over minutes, and a drift must not land on one size only.
            runs_of: dict[Path, list[Timed]] = {small: [], large: []}
            for k in range(max(repeats)):
                for root, times in zip((small, large), repeats, strict=True):
                    if k < times:
                        runs_of[root].append(
                            timed(gevinst(*args, "--workspace", str(root)), env=env())[0]
                        )
            for root in (small, large):
                runs = runs_of[root]
                bad = [r for r in runs if r.returncode != 0]
                if bad:
                    print(
                        f"    {name}: exit {bad[0].returncode} on {root.name}: {bad[0].output[-400:]}"
                    )
                res[root] = (
                    statistics.median(r.wall for r in runs),
                    statistics.median(r.cpu for r in runs),
                )
            (w6, c6), (w120, c120) = res[small], res[large]
            sw = (w120 - w6) / (n_large - n_small) * 1000
            sc = (c120 - c6) / (n_large - n_small) * 1000
            print(
                f"    {name:<22} {state:<5} {w6:8.2f}s {w120:8.2f}s {sw:7.1f}  {mark(sw <= SLOPE_MS):<8} "
                f"{c6:8.2f}s {c120:8.2f}s {sc:7.1f}  {mark(sc <= SLOPE_MS)}"
            )


def portfolio_seconds(out: Path) -> float | None:
    """papermill's recorded duration of the executed portfolio notebook in ``out``."""
    for nb in out.glob("*/portefolje.ipynb"):
        meta = json.loads(nb.read_text(encoding="utf-8")).get("metadata", {})
        duration = meta.get("papermill", {}).get("duration")
        return float(duration) if duration is not None else None
    return None


def memory_growth(samples: list[tuple[float, float, int]]) -> tuple[float, float, int] | None:
    """(RSS when the first report was written, the highest RSS after it, reports after it)."""
    after = [(rss, done) for _, rss, done in samples if done >= 1]
    if len(after) < 2:
        return None
    first = after[0][0]
    return first, max(r for r, _ in after), after[-1][1] - after[0][1]


def late_growth(samples: list[tuple[float, float, int]]) -> tuple[float, int] | None:
    """(RSS growth, reports written) from when half the reports were written to the end."""
    if not samples:
        return None
    total = samples[-1][2]
    half = [(rss, done) for _, rss, done in samples if done >= max(1, total // 2)]
    if len(half) < 2 or total < 2:
        return None
    return max(r for r, _ in half) - half[0][0], total - half[0][1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=6)
    parser.add_argument("--large", type=int, default=120)
    parser.add_argument("--sample", type=int, default=12, help="project reports in (b), (d), (e)")
    parser.add_argument(
        "--naive-sample", type=int, default=3, help="reports for the naive pipeline"
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs of each command in (a), small")
    parser.add_argument("--repeats-large", type=int, default=3, help="the same on the large one")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--full", action="store_true", help="all projects in (b)–(e), not a sample")
    parser.add_argument(
        "--keep", type=Path, default=None, help="keep the workspaces and reports here"
    )
    args = parser.parse_args()

    print(
        f"gevinst scale benchmark – Python {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs, load {load()}"
    )
    print(f"  machine reference: {machine_reference():.3f} s (a fixed workload, median of 5; "
          "lower is faster – compare runs on different days by it)")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="gevinst-scale-") as tmp:
        base = args.keep or Path(tmp)
        cache = base / "cache"
        os.environ["GEVINST_CACHE_DIR"] = str(cache / "warm")  # (b)–(e), and what they start
        small, large = base / f"ws{args.small}", base / f"ws{args.large}"
        for root, n in ((small, args.small), (large, args.large)):
            made, _ = timed(gevinst("synth", "--out", str(root), "--projects", str(n),
                                    "--seed", str(SEED), "--as-of", AS_OF))  # fmt: skip
            if made.returncode != 0:
                sys.exit(f"gevinst synth failed: {made.output}")
            print(f"  synth {n:>4}: {made.output.strip()}  ({made.wall:.1f} s)")
        print()

        part_a(small, large, args.small, args.large, (args.repeats, args.repeats_large), cache)
        print()

        # (b), (d): the report runner on the large workspace, project reports
        ids = sorted(p.stem for p in (large / "projects").glob("*.yaml"))
        sample = ids if args.full else ids[:: max(1, len(ids) // args.sample)][: args.sample]
        n_reports = len(sample)
        out = base / "reports-large"
        common = ["--workspace", str(large), "--out", str(out), "--as-of", AS_OF,
                  "--jobs", str(args.jobs)]  # fmt: skip
        cmd = gevinst("report", *sample, "--no-portfolio", *common)
        step = max(1, len(ids) // args.sample)
        what = (
            "all projects"
            if args.full or len(sample) == len(ids)
            else f"a sample of {len(sample)} projects (every {step}th by id)"
        )
        print(f"(b) project reports at --jobs {args.jobs} on {args.large} projects: {what}, "
              f"{n_reports} reports  [load {load()}]")  # fmt: skip
        first, samples = timed(cmd, watch_rss=out)
        if first.returncode != 0:
            print(f"    ! gevinst report exit {first.returncode}: {first.output[-800:]}")
        per = first.wall / n_reports
        print(f"    gevinst report:        {first.wall:6.1f} s  {per:5.2f} s/report  "
              f"(target ≤ {REPORT_S:.2f}: {mark(per <= REPORT_S)})")  # fmt: skip
        naive_ids = sample[: args.naive_sample]
        secs, count, failures = baseline(
            large, base / "naive", AS_OF, ids=naive_ids, portfolio=False
        )
        print(f"    papermill + nbconvert: {secs:6.1f} s  {secs / count:5.2f} s/report  "
              f"({count} of the same project reports, one by one)  [load {load()}]")  # fmt: skip
        for f in failures:
            print(f"      ! {f}")
        if count and not failures:
            print(f"    speed-up over the naive pipeline: {secs / count / per:4.1f}×")
        print()

        # the portfolio report at 120 (the project reports of (b) are unchanged: skipped)
        cmd = gevinst("report", *sample, "--portfolio", *common)
        with_portfolio, _ = timed(cmd)
        if with_portfolio.returncode != 0:
            print(f"    ! gevinst report --portfolio exit {with_portfolio.returncode}: "
                  f"{with_portfolio.output[-800:]}")  # fmt: skip

        # (c) the portfolio notebook: 120 against 6 projects
        out_small = base / "reports-small"
        small_run, _ = timed(gevinst("report", "--all", "--workspace", str(small), "--out",
                                     str(out_small), "--as-of", AS_OF, "--jobs", str(args.jobs)))  # fmt: skip
        p6, p120 = portfolio_seconds(out_small), portfolio_seconds(out)
        print(
            f"(c) portfolio notebook (papermill's duration in the executed notebook)  [load {load()}]"
        )
        if p6 and p120:
            ratio = p120 / p6
            print(f"    {args.small} projects: {p6:5.1f} s   {args.large} projects: {p120:5.1f} s   "
                  f"ratio {ratio:4.1f}  (target ≤ {PORTFOLIO_RATIO:.0f}: {mark(ratio <= PORTFOLIO_RATIO)})")  # fmt: skip
        else:
            print(
                f"    not recorded (small run exit {small_run.returncode}; durations {p6}, {p120}): NOT MET"
            )
        print(f"    (the whole small run: {small_run.wall:.1f} s for {args.small + 1} reports)")
        print()

        # (d) memory of the main report process
        print("(d) memory (RSS) of the main `gevinst report` process in (b)")
        growth = memory_growth(samples)
        if growth is None:
            print("    too few samples: NOT MET")
        else:
            rss0, peak, reports = growth
            grown = peak - rss0
            print(f"    {rss0:6.0f} MB at the first finished report, at most {peak:6.0f} MB after it: "
                  f"+{grown:.1f} MB over {reports} more reports")  # fmt: skip
            if reports and not args.full:
                projected = grown / reports * (MEMORY_REPORTS - 1)
                print(f"    projected linearly to {MEMORY_REPORTS} reports: +{projected:.0f} MB "
                      f"(target ≤ {MEMORY_MB:.0f}: {mark(projected <= MEMORY_MB)})")  # fmt: skip
            else:
                print(f"    (target ≤ {MEMORY_MB:.0f} MB: {mark(grown <= MEMORY_MB)})")
            late = late_growth(samples)
            if late is not None:  # a one-off rise (the largest report) is not growth per report
                grown2, reports2 = late
                per = grown2 / reports2 if reports2 else 0.0
                print(f"    second half of the run: {grown2:+.1f} MB over {reports2} reports "
                      f"({per:+.2f} MB per report, {per * (MEMORY_REPORTS - 1):+.0f} MB "
                      f"over {MEMORY_REPORTS})")  # fmt: skip
        print()

        # (e) the same run again, nothing changed
        rerun, _ = timed(cmd)
        full = first.wall + with_portfolio.wall
        share = rerun.wall / full
        print(f"(e) rerun with nothing changed  [load {load()}]")
        print(f"    {rerun.wall:6.1f} s against {full:6.1f} s: {share:6.1%} of the full run "
              f"(target ≤ {RERUN_SHARE:.0%}: {mark(share <= RERUN_SHARE)})")  # fmt: skip
        if rerun.returncode != 0:
            print(f"    ! exit {rerun.returncode}: {rerun.output[-400:]}")
        said = [
            line for line in rerun.output.splitlines() if "uendret" in line or "unchanged" in line
        ]
        print(f"    it said: {said[0][:110] if said else '(nothing about unchanged reports)'}")
        # one plan changed: that project and the portfolio are made, nothing else
        plan = large / "projects" / f"{sample[0]}.yaml"
        plan.write_text(plan.read_text(encoding="utf-8") + "\n# endret\n", encoding="utf-8")
        changed, _ = timed(cmd)
        made = [line for line in changed.output.splitlines() if "laget på" in line]
        print(f"    after changing {plan.name}: {changed.wall:.1f} s; "
              f"{made[0].split(' i /')[0] if made else changed.output[-200:]}")  # fmt: skip


if __name__ == "__main__":
    main()
