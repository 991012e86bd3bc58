"""Benchmark: the portfolio Monte Carlo, 120 projects × 10 000 draws.

Run:  .venv/bin/python bench/bench_portfolio.py [--projects N] [--draws N] [--repeats R]

The six example projects (``data/``) are analysed once and repeated under new
ids until there are ``--projects`` of them (each id gets its own random
stream). Timed in the same run:

* ``gevinst.model.uncertainty.simulate_portfolio`` (each project one matrix
  product into preallocated columns, from its own stream) + one summary;
* the baseline: a per-project loop of each project's own ``monte_carlo()``
  (with its percentiles and standard errors, as ``analyse`` runs it), the draws
  summed — checked equal draw by draw;
* the error of the portfolio mean for Latin-hypercube against simple random
  draws over ``--seeds`` seeds, each at the same number of draws.

Target (issue 9): 120 projects × 10 000 draws in under 1 second.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np

from gevinst.io import workspace as ws
from gevinst.model.cba import analyse
from gevinst.model.uncertainty import monte_carlo, simulate_portfolio, summarise

TARGET_S = 1.0
EXAMPLE = Path(__file__).resolve().parents[1] / "data"


def timed(func, repeats: int):
    """Median wall time in seconds over ``repeats`` runs (after one warm-up), and the result."""
    result = func()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=120)
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()

    loaded = ws.load(EXAMPLE)
    w = loaded.workspace
    base = [analyse(p, w, monte_carlo=False, sensitivity=False) for p in loaded.plans.values()]
    projects = [
        (
            f"{base[k % len(base)].project_id}-{k}",
            base[k % len(base)].lines,
            base[k % len(base)].weights,
        )
        for k in range(args.projects)
    ]
    lines_total = sum(int(lines.uncertain.sum()) for _, lines, _ in projects)
    seed, draws = w.monte_carlo.seed, args.draws
    print(
        f"gevinst portfolio Monte Carlo benchmark – {platform.python_version()}, numpy "
        f"{np.__version__}, {os.cpu_count()} CPU(s), {platform.machine()}"
    )
    print(
        f"{args.projects} projects ({lines_total} uncertain lines) × {draws:,} draws, "
        f"median of {args.repeats} runs\n"
    )
    for sampling in ("lhs", "random"):

        def vectorised(sampling=sampling):
            npv, cost = simulate_portfolio(projects, draws, seed, sampling)
            return summarise(npv.sum(axis=1), cost.sum(axis=1), seed=seed, sampling=sampling), npv

        def loop(sampling=sampling):
            # Each project's own Monte Carlo (as ``analyse`` runs it, with its summary), summed.
            runs = [
                monte_carlo(lines, wt, draws=draws, seed=seed, project_id=pid, sampling=sampling)
                for pid, lines, wt in projects
            ]
            npv = np.column_stack([r.npv for r in runs])
            cost = sum(
                r.npv * 0 for r in runs
            )  # the loop has no cost draws to add; not timed apart
            return summarise(npv.sum(axis=1), cost, seed=seed, sampling=sampling), npv

        t_vec, (mc, npv_vec) = timed(vectorised, args.repeats)
        t_loop, (_, npv_loop) = timed(loop, args.repeats)
        diff = float(np.max(np.abs(npv_vec - npv_loop)))
        verdict = "met" if t_vec < TARGET_S else "NOT MET"
        print(
            f"  [{sampling}] simulate_portfolio + summary      {t_vec * 1000:8.1f} ms   "
            f"target < {TARGET_S * 1000:.0f} ms: {verdict}"
        )
        print(
            f"  [{sampling}] per-project monte_carlo() loop     {t_loop * 1000:8.1f} ms   "
            f"ratio {t_loop / t_vec:.2f} ×; same draws: max |Δ| = {diff:.2g} NOK"
        )
        print(
            f"  [{sampling}] P10 {mc.p10:,.0f} (±{mc.percentile_se['p10']:,.0f}), "
            f"P50 {mc.p50:,.0f}, mean {mc.mean:,.0f} (±{mc.mean_se:,.0f})"
        )

    exact = float(sum(float(lines.expected @ (wt[:, 0] - wt[:, 1])) for _, lines, wt in projects))
    print(f"\n  error of the portfolio mean over {args.seeds} seeds (exact {exact:,.0f}):")
    for sampling in ("random", "lhs"):
        t0 = time.perf_counter()
        means = [
            simulate_portfolio(projects, draws, s, sampling)[0].sum(axis=1).mean()
            for s in range(args.seeds)
        ]
        took = (time.perf_counter() - t0) / args.seeds
        rms = float(np.sqrt(np.mean((np.array(means) - exact) ** 2)))
        print(f"    {sampling:6s}  RMS error {rms:12,.0f} NOK   {took * 1000:7.1f} ms per run")


if __name__ == "__main__":
    main()
