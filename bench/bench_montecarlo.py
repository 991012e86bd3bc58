"""Benchmark: Monte Carlo of the cost/benefit engine, 10,000 draws × 40 years × 50 lines.

Run:  .venv/bin/python bench/bench_montecarlo.py [--draws N] [--repeats R]

A synthetic plan (25 cost lines and 25 benefit lines, all uncertain, 40
analysis years, R-109, seven kommuner) goes through the real engine:
``build_lines`` + ``line_weights`` once, then ``gevinst.model.uncertainty.monte_carlo``
(the function ``analyse`` calls) is timed. Beside it, in the same run:

* drawing the uniform random numbers alone, and the triangular multipliers;
* a naive per-draw Python loop over the *same* uniforms (inverse triangular CDF
  per line in Python, the draw's net flow, then ``numpy_financial.npv`` per
  draw). For a 40-year analysis with flows at the start of the year, R-109's
  factors are 1.04^-t for t ≤ 39, so ``npf.npv(0.04, …)`` is the same NPV and
  the two results are compared draw by draw;
* the whole ``analyse()`` (lines, per-year table, sensitivity and Monte Carlo).

Target (issue 3): the Monte Carlo under 50 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import platform
import statistics
import time
from collections.abc import Callable

import numpy as np
import numpy_financial as npf

from gevinst.model.cba import analyse
from gevinst.model.cba_flows import build_lines, line_weights
from gevinst.model.discount import discount_factors
from gevinst.model.schema import Plan, Workspace
from gevinst.model.uncertainty import monte_carlo, project_seed, triangular_multipliers

YEARS = 40
COST_LINES = 25
BENEFIT_LINES = 25
TARGET_MS = 50.0
KOMMUNER = [
    ("Kongsberg", 28420),
    ("Notodden", 13150),
    ("Tinn", 5740),
    ("Flesberg", 2760),
    ("Nore og Uvdal", 2440),
    ("Hjartdal", 1620),
    ("Rollag", 1390),
]


def synthetic(seed: int = 1) -> tuple[Plan, Workspace]:
    """A plan with 25 uncertain costs and 25 uncertain benefits over 40 years."""
    rng = np.random.default_rng(seed)
    start = 2025
    workspace = Workspace(
        organisation="Benchmark",
        municipalities=[{"name": n, "population": p} for n, p in KOMMUNER],
        hourly_cost=720,
    )
    names = [n for n, _ in KOMMUNER]
    costs = []
    for k in range(COST_LINES):
        first = start + int(rng.integers(0, 5))
        last = min(start + YEARS - 1, first + int(rng.integers(1, YEARS)))
        amount = float(rng.uniform(20_000, 800_000))
        low = float(rng.uniform(0.8, 1.0))
        costs.append(
            {
                "id": f"K{k}",
                "name": f"Kostnad {k}",
                "category": ["investment", "operation", "internal"][k % 3],
                "amounts": {y: amount for y in range(first, last + 1)},
                "uncertainty": {"low": low, "likely": 1.0, "high": float(rng.uniform(1.0, 1.6))},
            }
        )
    benefits = []
    for k in range(BENEFIT_LINES):
        realisation = dt.date(start + int(rng.integers(0, 4)), 1, 1)
        benefits.append(
            {
                "id": f"G{k}",
                "name": f"Gevinst {k}",
                "effect_goal": "E1",
                "owner": "Gevinsteier",
                "kind": ["cash", "time", "quality"][k % 3],
                "category": ["own_budget", "freed_resources", "other_public"][k % 3],
                "indicator": "Timer per år",
                "unit": "timer",
                "direction": "decrease",
                "baseline": 1_000,
                "baseline_date": realisation,
                "target": float(rng.uniform(200, 800)),
                "target_date": realisation.replace(year=realisation.year + 3),
                "valuation": {"hours_per_unit": 1.0},
                "profile": ["linear", "s_curve", "step"][k % 3],
                "uncertainty": {
                    "low": float(rng.uniform(0.4, 1.0)),
                    "likely": 1.0,
                    "high": float(rng.uniform(1.0, 1.3)),
                },
                "frequency": "yearly",
                "municipalities": list(
                    rng.choice(names, size=int(rng.integers(0, 4)), replace=False)
                ),
            }
        )
    plan = Plan.model_validate(
        {
            "project": {
                "id": "benchmark",
                "name": "Benchmark",
                "organisation": "Benchmark",
                "municipalities": names,
                "owner": "Eier",
                "project_manager": "Leder",
                "start_date": dt.date(start, 1, 1),
                "end_date": dt.date(start + 2, 12, 31),
                "price_year": start,
                "analysis_years": YEARS,
            },
            "goals": {"main_goal": "Mål"},
            "effect_goals": [{"id": "E1", "text": "Effekt", "indicator": "Timer per år"}],
            "benefits": benefits,
            "costs": costs,
        }
    )
    return plan, workspace


def timed(func: Callable[[], object], repeats: int) -> tuple[float, object]:
    """Median wall time in ms over ``repeats`` runs (after one warm-up), and the last result."""
    result = func()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = func()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


def naive_loop(u: np.ndarray, low, likely, high, signed_flows: np.ndarray) -> np.ndarray:
    """One draw at a time: Python inverse CDF per line, the net flow, npf.npv."""
    n_draws, n_lines = u.shape
    low, likely, high = low.tolist(), likely.tolist(), high.tolist()
    out = np.empty(n_draws)
    for d in range(n_draws):
        row = u[d]
        m = np.empty(n_lines)
        for k in range(n_lines):
            a, c, b = low[k], likely[k], high[k]
            x = row[k]
            if x < (c - a) / (b - a):
                m[k] = a + math.sqrt(x * (b - a) * (c - a))
            else:
                m[k] = b - math.sqrt((1 - x) * (b - a) * (b - c))
        net = m @ signed_flows
        out[d] = npf.npv(0.04, net)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--naive-repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240501)
    args = parser.parse_args()

    plan, workspace = synthetic()
    factors = discount_factors(YEARS, "r109", timing="start")
    lines = build_lines(plan, workspace)
    weights = line_weights(lines, factors)
    assert lines.n == COST_LINES + BENEFIT_LINES and lines.uncertain.all()
    draws, seed = args.draws, args.seed

    print(
        f"gevinst Monte Carlo benchmark – {platform.python_version()}, numpy {np.__version__}, "
        f"{os.cpu_count()} CPU(s), {platform.machine()}"
    )
    print(
        f"{draws:,} draws × {YEARS} years × {lines.n} lines (all uncertain), R-109, "
        f"median of {args.repeats} runs\n"
    )

    # The project's own stream (workspace seed + project id), simple random draws, so the
    # naive loop below can be fed the very same uniforms.
    stream = project_seed(seed, plan.project.id)

    def uniforms():
        return np.random.Generator(np.random.PCG64(stream)).random((draws, lines.n))

    def multipliers():
        rng = np.random.Generator(np.random.PCG64(stream))
        return triangular_multipliers(rng, lines.low, lines.likely, lines.high, draws)

    def engine():
        return monte_carlo(
            lines, weights, draws=draws, seed=seed, project_id=plan.project.id, sampling="random"
        )

    t_uniform, u = timed(uniforms, args.repeats)
    t_tri, _ = timed(multipliers, args.repeats)
    t_engine, mc = timed(engine, args.repeats)
    t_analyse, _ = timed(lambda: analyse(plan, workspace, draws=draws, seed=seed), 5)

    signed = lines.sign[:, None] * lines.flows
    t_naive, naive = timed(
        lambda: naive_loop(u, lines.low, lines.likely, lines.high, signed), args.naive_repeats
    )
    diff = float(np.max(np.abs(naive - mc.npv)))
    scale = float(np.max(np.abs(mc.npv)))
    # The analysis's NPV takes every line at its expected multiplier (low + likely + high) / 3;
    # the NPV is linear in the multipliers, so the simulated mean estimates the same number.
    expected_npv = float(lines.expected @ (weights[:, 0] - weights[:, 1]))
    z = (mc.mean - expected_npv) / (mc.std / math.sqrt(draws))

    print(f"  uniform random numbers alone      {t_uniform:9.2f} ms")
    print(f"  triangular multipliers (draws)    {t_tri:9.2f} ms")
    print(
        f"  engine monte_carlo()              {t_engine:9.2f} ms   target < {TARGET_MS:.0f} ms: "
        f"{'met' if t_engine < TARGET_MS else 'NOT MET'}"
    )
    print(
        f"  naive per-draw loop + npf.npv     {t_naive:9.2f} ms   (median of {args.naive_repeats})"
    )
    print(f"  ratio naive / engine              {t_naive / t_engine:9.0f} ×")
    print(f"  whole analyse() incl. sensitivity {t_analyse:9.2f} ms   (median of 5)")
    print(
        f"\n  same draws, same NPVs: max |naive − engine| = {diff:.3g} NOK "
        f"(relative {diff / scale:.1e}); P50 {mc.p50:,.0f}, P(NPV > 0) {mc.prob_positive:.3f}"
    )
    print(f"  mean {mc.mean:,.0f} vs expected NPV {expected_npv:,.0f}: {z:+.2f} standard errors")


if __name__ == "__main__":
    main()
