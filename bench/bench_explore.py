"""Benchmark: one slider change in the explorer, beside a full redraw, in the same run.

Run:  .venv/bin/python bench/bench_explore.py [--workspace data] [--repeats 12]

Measured in the kernel's own process (no browser): the time from a slider value
to new key figures and charts in the explorer's widgets.

* **update** – :meth:`gevinst.report.explore.Explorer.set` on the example's largest
  project (most cost and benefit lines × analysis years): recompute with
  :func:`gevinst.model.cba.analyse` (the result at the default values is kept per
  project), update the live charts in place (:mod:`gevinst.report.live`) and the
  key-figure table. A sequence of moves of every slider, so that some updates must
  also redraw a chart's background (new axis limits).
* **full redraw** – what the explorer did before: analyse the project *and* the
  defaults, build the report's four figures from scratch
  (:mod:`gevinst.report.figures`) and render each to an embedded PNG at report
  resolution, plus the table.

Target (issue 10): update ≤ 300 ms (median). The machine may be shared: the load
average is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from gevinst.io.workspace import load
from gevinst.model import cba
from gevinst.report import explore, figures, tables

REPO = Path(__file__).resolve().parents[1]
MOVES = [
    {"hourly_cost": 800.0},
    {"discount_rate_pct": 3.0},
    {"benefit_scale": 0.8},
    {"cost_overrun_pct": 20.0},
    {"delay_years": 1},
    {"hourly_cost": 850.0},
    {"benefit_scale": 1.2},
    {"discount_rate_pct": 5.0},
    {"cost_overrun_pct": 40.0},
    {"delay_years": 0},
    {"hourly_cost": 700.0},
    {"benefit_scale": 1.0},
]


def largest(loaded) -> str:
    """The project with the most cost and benefit lines × analysis years."""

    def size(pid: str) -> int:
        plan = loaded.plans[pid]
        lines = len(plan.costs) + len(plan.benefits) + len(plan.disbenefits)
        years = cba.analyse(plan, loaded.workspace, monte_carlo=False, sensitivity=False)
        return lines * len(years.per_year)

    return max(sorted(loaded.plans), key=size)


def full_redraw(plan, ws, settings, lang="nb") -> None:
    ex = explore.explore(plan, ws, settings, lang)
    tables.table_html(ex.key_figures(), row_headers=True, lang=lang)
    for build in (
        figures.cash_flow,
        figures.cumulative_discounted,
        figures.monte_carlo_histogram,
        figures.tornado,
    ):
        chart = build(ex.result, lang)
        figures.figure_html(chart)
        figures.close(chart)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workspace", default=str(REPO / "data"))
    ap.add_argument("--repeats", type=int, default=len(MOVES))
    args = ap.parse_args()
    loaded = load(Path(args.workspace))
    pid = largest(loaded)
    plan, ws = loaded.plans[pid], loaded.workspace
    print(f"project: {pid} ({len(plan.costs)} cost, {len(plan.benefits)} benefit lines)")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    app = explore.Explorer(loaded.plans, ws, pid)
    app.timings.clear()
    moves = (MOVES * (1 + args.repeats // len(MOVES)))[: args.repeats]
    redraws = []
    for move in moves:
        app.set(**move)
        started = time.perf_counter()
        full_redraw(plan, ws, app.settings())
        redraws.append(time.perf_counter() - started)
    updates = app.timings

    def line(name: str, xs: list[float]) -> str:
        ms = [1000 * x for x in xs]
        return (
            f"{name:<12} median {statistics.median(ms):7.0f} ms   min {min(ms):5.0f}   "
            f"max {max(ms):5.0f}   (n={len(ms)})"
        )

    print(line("update", updates))
    print(line("full redraw", redraws))
    print(f"speed-up (median): {statistics.median(redraws) / statistics.median(updates):.1f}×")
    print(f"charts drawn in full (of {len(moves)} updates): {[c.full_draws for c in app.charts]}")
    ok = statistics.median(updates) <= 0.300
    print(f"target update ≤ 300 ms: {'met' if ok else 'NOT met'}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
