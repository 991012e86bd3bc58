"""The cost/benefit analysis (kost/nytte-analyse) of one project plan.

Follows the Ministry of Finance's rundskriv R-109/2021 and DFØ's *Veileder i
samfunnsøkonomiske analyser* (2023). All amounts are NOK in real prices of the
plan's price year. The method in short (details in ``docs/cba.md``):

1. The plan becomes lines × analysis years (:mod:`gevinst.model.cba_flows`):
   costs by line and category, benefits from baseline → target × valuation ×
   realisation profile, dis-benefits against them, non-priced effects beside.
2. Flows are discounted by R-109 step-wise 4/3/2 % (or a flat rate)
   (:mod:`gevinst.model.discount`); year 0 is the first analysis year and the
   flow of year t is discounted t years (``timing: start``) or t + 1 (``end``).
3. Results: NPV (netto nåverdi), NPV per budget krone (NNB), benefit/cost
   ratio, IRR, simple and discounted payback, the cash-only NPV; the tax
   financing cost (skattefinansieringskostnad) when the workspace turns it on.
4. The split between the participating kommuner by the cost-sharing key.
5. Sensitivity (tornado, switching values) and Monte Carlo
   (:mod:`gevinst.model.uncertainty`).

**Expected values.** The base case — ``npv``, the per-year table, BCR, IRR,
payback, the cash-only NPV, NNB, the tax financing cost and the per-kommune
figures — takes every cost, benefit and dis-benefit line at its planned amount
× its *expected* multiplier, (low + likely + high) / 3 for the triangular
uncertainty (:attr:`gevinst.model.cba_flows.Lines.expected`), as DFØ's guide
asks (forventningsverdier; kap. 3.4). A line without uncertainty (1, 1, 1)
counts at its planned amount. The NPV is linear in the multipliers, so the
Monte Carlo mean estimates the same number. ``npv_as_planned`` is the NPV of
the plan's own amounts (every multiplier 1.0), before any uncertainty
adjustment, kept beside it for comparison.

Per-year table (``CbaResult.per_year``): planned amount × expected multiplier,
all NOK, costs as positive numbers (a negative tax financing cost, i.e. a net
budget saving, lowers them):

* ``cost_investment``, ``cost_operation``, ``cost_internal``: costs by category;
* ``tax_financing_cost`` = τ · ``budget_cost`` (0 when off), where
  ``budget_cost`` = investment + operation − cash benefits is the net effect
  on public budgets (R-109/2021: τ = 20 %);
* ``costs`` = the three categories + ``tax_financing_cost``;
* ``benefits_gross`` (gevinster), ``disbenefits`` (ulemper, positive),
  ``benefits`` = gevinster − ulemper; ``cash_benefits`` = cash gevinster − cash
  ulemper; ``cash_benefits_gross`` = cash gevinster alone (part of
  ``benefits_gross``, so never more than it);
* ``net`` = ``benefits`` − ``costs``; ``present_value`` = ``net`` ·
  ``discount_factor``; ``cumulative_present_value``; ``cumulative_net``;
* ``take_outs``: planned uttak (the budget picture, not in the NPV).

``npv`` is the sum of ``present_value``, exactly.

>>> from gevinst.model.discount import discount_factors
>>> flows = [-100.0, 30.0, 30.0, 30.0, 30.0]
>>> round(float(np.dot(flows, discount_factors(5, "flat", 0.04))), 4)
8.8969
>>> round(irr(flows), 6)
0.077138
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from gevinst.model import explain, uncertainty
from gevinst.model.cba_flows import (
    Assumptions,
    FractionCache,
    Lines,
    build_lines,
    line_weights,
)
from gevinst.model.discount import discount_factors, rates_in_use
from gevinst.model.schema import CostCategory, Plan, Workspace
from gevinst.model.uncertainty import MonteCarloResult, SensitivityRow

__all__ = [
    "Assumptions",
    "CbaResult",
    "MonteCarloResult",
    "MunicipalityResult",
    "SensitivityRow",
    "analyse",
    "discount_factors",
    "irr",
    "payback_year",
]

IRR_BOUNDS = (-0.99, 10.0)
"""IRR is searched for in this interval of rates (−99 % … 1000 %)."""

PER_YEAR_COLUMNS = [
    "year",
    "t",
    "cost_investment",
    "cost_operation",
    "cost_internal",
    "tax_financing_cost",
    "costs",
    "benefits_gross",
    "disbenefits",
    "benefits",
    "cash_benefits",
    "cash_benefits_gross",
    "budget_cost",
    "net",
    "cumulative_net",
    "discount_factor",
    "present_value",
    "cumulative_present_value",
    "take_outs",
]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class MunicipalityResult:
    """One kommune's part: present values (NOK) that add up over kommuner to the totals.

    ``share`` is its share in the project's cost-sharing key. ``costs`` are its
    share of every cost line (and of the tax financing cost), ``benefits`` its
    share of every benefit net of dis-benefits — a benefit that names specific
    kommuner is split between those only, by the key restricted to them.
    ``npv`` = ``benefits`` − ``costs``.
    """

    name: str
    share: float
    costs: float
    benefits: float
    npv: float

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "share": self.share,
            "costs": self.costs,
            "benefits": self.benefits,
            "npv": self.npv,
        }


@dataclass(frozen=True)
class CbaResult:
    """Everything the analysis found; ``to_json()`` is the ``gevinst cba --json`` object.

    Every figure except ``npv_as_planned`` is an expected value: each line's
    planned amount × its expected multiplier (see the module docstring).
    """

    npv: float
    """Netto nåverdi: Σ present_value (NOK), each line at its expected multiplier."""
    npv_as_planned: float
    """NPV of the plan's own amounts (every multiplier 1.0), before uncertainty adjustments."""
    npv_cash_only: float
    """NPV with only cash benefits (net of cash dis-benefits) against all costs."""
    npv_per_budget_krone: float | None
    """NNB: NPV / PV of the net public budget cost; None when that is ≤ 0."""
    bcr: float | None
    """Benefit/cost ratio: PV benefits / PV costs; None when PV costs ≤ 0."""
    irr: float | None
    """Internal rate of return; None when undefined or not unique."""
    payback_year: int | None
    """First calendar year from which the cumulative net flow stays ≥ 0."""
    discounted_payback_year: int | None
    """The same for the cumulative present value."""
    tax_financing_cost: float
    """PV of the tax financing cost (0.0 when the setting is off)."""
    per_year: pd.DataFrame = field(compare=False)
    """One row per analysis year; columns ``PER_YEAR_COLUMNS`` (see the module docstring)."""
    monte_carlo: MonteCarloResult | None
    sensitivity: list[SensitivityRow]
    municipalities: list[MunicipalityResult]
    pv_costs: float = 0.0
    pv_benefits: float = 0.0
    pv_budget_cost: float = 0.0
    project_id: str = ""
    price_year: int = 0
    start_year: int = 0
    analysis_years: int = 0
    discounting: dict[str, Any] = field(default_factory=dict)
    """``rule``, ``rates``, ``timing`` as used (after the assumptions)."""
    hourly_cost: float = 0.0
    tax_rate: float = 0.0
    """τ used (0.0 when the tax financing cost is off)."""
    assumptions: Assumptions = field(default_factory=Assumptions)
    non_priced: tuple[str, ...] = ()
    """Benefit/dis-benefit ids kept out of the NPV (non-priced)."""
    outside_period: dict[str, list[int]] = field(default_factory=dict)
    """Cost id → years with amounts outside the analysis period (left out)."""
    npv_gap: tuple[explain.GapLine, ...] = ()
    """Each line's part of ``npv_as_planned − npv``, largest first (:func:`explain.npv_gap`)."""

    def to_json(self) -> dict[str, Any]:
        """The ``gevinst cba --json`` object (plain JSON types; no NaN)."""
        rows = []
        for rec in self.per_year.to_dict("records"):
            rows.append({k: (int(v) if k in ("year", "t") else float(v)) for k, v in rec.items()})
        return {
            "project_id": self.project_id,
            "price_year": self.price_year,
            "start_year": self.start_year,
            "analysis_years": self.analysis_years,
            "currency": "NOK",
            "discounting": self.discounting,
            "hourly_cost": self.hourly_cost,
            "tax_financing": {"enabled": self.tax_rate > 0, "rate": self.tax_rate},
            "assumptions": {
                "discount_rate": self.assumptions.discount_rate,
                "hourly_cost": self.assumptions.hourly_cost,
                "delay_years": self.assumptions.delay_years,
                "benefit_scale": self.assumptions.benefit_scale,
                "cost_overrun": self.assumptions.cost_overrun,
                "tax_financing": self.assumptions.tax_financing,
            },
            "npv": self.npv,
            "npv_as_planned": self.npv_as_planned,
            "npv_cash_only": self.npv_cash_only,
            "npv_per_budget_krone": self.npv_per_budget_krone,
            "bcr": self.bcr,
            "irr": self.irr,
            "payback_year": self.payback_year,
            "discounted_payback_year": self.discounted_payback_year,
            "tax_financing_cost": self.tax_financing_cost,
            "pv_costs": self.pv_costs,
            "pv_benefits": self.pv_benefits,
            "pv_budget_cost": self.pv_budget_cost,
            "per_year": rows,
            "monte_carlo": self.monte_carlo.to_json() if self.monte_carlo else None,
            "sensitivity": [row.to_json() for row in self.sensitivity],
            "municipalities": [m.to_json() for m in self.municipalities],
            "non_priced": list(self.non_priced),
            "outside_period": {k: list(v) for k, v in self.outside_period.items()},
        }


# --------------------------------------------------------------------------- IRR and payback


def _npv_at(flows: np.ndarray, rate: float) -> float:
    t = np.arange(flows.size, dtype=float)
    return float(np.sum(flows * (1.0 + rate) ** -t))


def irr(flows: Sequence[float]) -> float | None:
    """Internal rate of return: the rate r with Σ_t flows[t] · (1 + r)^-t = 0.

    Returns None — never a made-up number — when it is undefined: the flows do
    not change sign, no root lies in (−99 %, 1000 %), or several roots do (the
    IRR is then not unique; use the NPV, as DFØ's guide advises). Flows smaller
    than 1e-12 of the largest count as 0.

    Method: with x = 1/(1 + r) the NPV is the polynomial Σ flows[t] · x^t;
    its real roots (``numpy.roots``) give candidate rates, each confirmed by a
    sign change of the NPV in a small bracket and refined by bisection to
    machine precision. The timing convention does not change the IRR.

    >>> round(irr([-100, 60, 60]), 6)
    0.130662
    >>> irr([100, 50]) is None   # no sign change
    True
    """
    c = np.asarray(flows, dtype=float)
    if c.size < 2 or not np.all(np.isfinite(c)):
        return None
    scale = float(np.max(np.abs(c)))
    if scale == 0:
        return None
    # Flows below 1e-12 of the largest are rounding noise: treat them as 0.
    c = np.where(np.abs(c) < 1e-12 * scale, 0.0, c / scale)
    if not (np.any(c > 0) and np.any(c < 0)):
        return None
    nz = np.nonzero(c)[0]
    c = c[nz[0] : nz[-1] + 1]  # leading zeros only scale the NPV by (1 + r)^-k
    try:
        roots = np.roots(c[::-1])
    except np.linalg.LinAlgError:  # pragma: no cover - cannot happen after the scaling
        return None
    lo, hi = IRR_BOUNDS
    candidates = sorted(
        {
            round(float(1.0 / x.real - 1.0), 12)
            for x in roots
            if abs(x.imag) <= 1e-7 * max(1.0, abs(x))
            and x.real > 0
            and lo < 1.0 / x.real - 1.0 < hi
        }
    )
    found: list[float] = []
    for r0 in candidates:
        root = _refine(c, r0)
        if root is not None and not any(abs(root - f) < 1e-9 for f in found):
            found.append(root)
    return float(found[0]) if len(found) == 1 else None


def _refine(c: np.ndarray, r0: float) -> float | None:
    """Bisect the NPV in a bracket around r0 with a sign change, else None."""
    lo, hi = IRR_BOUNDS
    for width in (1e-9, 1e-7, 1e-5, 1e-3):
        a, b = max(lo, r0 - width * (1 + abs(r0))), min(hi, r0 + width * (1 + abs(r0)))
        fa, fb = _npv_at(c, a), _npv_at(c, b)
        if fa == 0:
            return a
        if fb == 0:
            return b
        if (fa > 0) != (fb > 0):
            for _ in range(200):
                m = 0.5 * (a + b)
                fm = _npv_at(c, m)
                if fm == 0 or b - a < 1e-15 * (1 + abs(m)):
                    return m
                if (fm > 0) == (fa > 0):
                    a, fa = m, fm
                else:
                    b = m
            return 0.5 * (a + b)
    return None


def payback_year(cumulative: Sequence[float], years: Sequence[int]) -> int | None:
    """First calendar year from which ``cumulative`` is ≥ 0 and stays so; None if never.

    Used with the cumulative net flow (simple payback, *inntjeningstid*) and the
    cumulative present value (discounted payback). A tolerance of 1e-9 of the
    largest absolute value absorbs rounding.

    >>> payback_year([-100, -70, -40, -10, 20], [2024, 2025, 2026, 2027, 2028])
    2028
    >>> payback_year([-100, 10, -5], [2024, 2025, 2026]) is None
    True
    """
    cum = np.asarray(cumulative, dtype=float)
    if cum.size == 0:
        return None
    tol = 1e-9 * max(1.0, float(np.max(np.abs(cum))))
    negative = np.nonzero(cum < -tol)[0]
    if negative.size == 0:
        return int(years[0])
    last = int(negative[-1])
    return None if last == cum.size - 1 else int(years[last + 1])


# --------------------------------------------------------------------------- the analysis


def _settings(workspace: Workspace, assumptions: Assumptions) -> tuple[str, float, str, float]:
    d = workspace.discounting
    if assumptions.discount_rate is not None:
        rule, rate = "flat", float(assumptions.discount_rate)
    else:
        rule, rate = d.rule.value, float(d.flat_rate)
    enabled = (
        workspace.tax_financing.enabled
        if assumptions.tax_financing is None
        else assumptions.tax_financing
    )
    tax_rate = float(workspace.tax_financing.rate) if enabled else 0.0
    return rule, rate, d.timing.value, tax_rate


def per_year_table(
    lines: Lines, factors: np.ndarray, tax_rate: float, multipliers: np.ndarray | None = None
) -> pd.DataFrame:
    """The per-year table: planned amount × multiplier per line, summed by column.

    ``multipliers`` defaults to each line's expected multiplier
    (:attr:`~gevinst.model.cba_flows.Lines.expected`), so every column is an
    expected value (forventningsverdi); pass ones for the plan's own amounts.
    Columns as in the module docstring.
    """
    m = lines.expected if multipliers is None else np.asarray(multipliers, dtype=float)
    base = lines.flows * m[:, None]

    def total(mask: np.ndarray) -> np.ndarray:
        return base[mask].sum(axis=0) if mask.any() else np.zeros(lines.years.size)

    investment = total(lines.category_mask(CostCategory.INVESTMENT.value))
    operation = total(lines.category_mask(CostCategory.OPERATION.value))
    internal = total(lines.category_mask(CostCategory.INTERNAL.value))
    gross = total(lines.is_benefit)
    dis = total(lines.is_disbenefit)
    cash_gross = total(lines.is_cash & lines.is_benefit)
    cash = cash_gross - total(lines.is_cash & lines.is_disbenefit)
    budget_cost = investment + operation - cash
    tax = tax_rate * budget_cost + 0.0  # + 0.0 turns −0.0 into 0.0
    costs = investment + operation + internal + tax
    benefits = gross - dis
    net = benefits - costs
    pv = net * factors
    return pd.DataFrame(
        {
            "year": lines.years.astype(int),
            "t": np.arange(lines.years.size, dtype=int),
            "cost_investment": investment,
            "cost_operation": operation,
            "cost_internal": internal,
            "tax_financing_cost": tax,
            "costs": costs,
            "benefits_gross": gross,
            "disbenefits": dis,
            "benefits": benefits,
            "cash_benefits": cash,
            "cash_benefits_gross": cash_gross,
            "budget_cost": budget_cost,
            "net": net,
            "cumulative_net": np.cumsum(net),
            "discount_factor": factors,
            "present_value": pv,
            "cumulative_present_value": np.cumsum(pv),
            "take_outs": lines.take_outs,
        },
        columns=PER_YEAR_COLUMNS,
    )


def municipality_results(lines: Lines, weights: np.ndarray) -> list[MunicipalityResult]:
    """Each kommune's share of every line's weight at the expected multipliers."""
    at_expected = weights * lines.expected[:, None]  # (lines, 2)
    benefits = lines.shares.T @ at_expected[:, 0]
    costs = lines.shares.T @ at_expected[:, 1]
    return [
        MunicipalityResult(
            name=name,
            share=float(lines.key[k]),
            costs=float(costs[k]),
            benefits=float(benefits[k]),
            npv=float(benefits[k] - costs[k]),
        )
        for k, name in enumerate(lines.municipalities)
    ]


def analyse(
    plan: Plan,
    workspace: Workspace,
    assumptions: Assumptions = Assumptions(),  # noqa: B008 - frozen, immutable
    *,
    monte_carlo: bool = True,
    draws: int | None = None,
    seed: int | None = None,
    sensitivity: bool = True,
) -> CbaResult:
    """Cost/benefit analysis of ``plan`` under ``assumptions``.

    ``draws`` and ``seed`` default to ``workspace.monte_carlo``; with
    ``monte_carlo=False`` the simulation is skipped (``monte_carlo`` is None),
    with ``sensitivity=False`` the tornado (``sensitivity`` is []) — for quick
    slider updates. Pure: the same inputs give the same result.

    The base case uses each line's expected multiplier (low + likely + high) / 3;
    ``npv_as_planned`` uses 1.0 for every line (the plan's own amounts).
    """
    rule, rate, timing, tax_rate = _settings(workspace, assumptions)
    years = plan.project.analysis_years
    cache = FractionCache()
    lines = build_lines(plan, workspace, assumptions, cache=cache)
    factors = discount_factors(years, rule, rate, timing)
    weights = line_weights(lines, factors, tax_rate)
    table = per_year_table(lines, factors, tax_rate)

    npv = float(table["present_value"].sum())
    # The plan's own amounts (every multiplier 1.0), summed the same way as ``npv``,
    # so that a plan without uncertainty gives exactly the same number.
    as_planned = per_year_table(lines, factors, tax_rate, np.ones(lines.n))
    npv_as_planned = float(as_planned["present_value"].sum())
    pv_costs = float(np.dot(table["costs"], factors))
    pv_benefits = float(np.dot(table["benefits"], factors))
    pv_cash = float(np.dot(table["cash_benefits"], factors))
    pv_budget = float(np.dot(table["budget_cost"], factors))
    pv_tax = float(np.dot(table["tax_financing_cost"], factors))

    def npv_at_shift(shift: float) -> float:
        f = discount_factors(years, rule, rate, timing, shift=shift)
        w = line_weights(lines, f, tax_rate)
        return float(lines.expected @ (w[:, 0] - w[:, 1]))

    def npv_at_delay(extra: int) -> float:
        moved = replace(assumptions, delay_years=assumptions.delay_years + extra)
        other = build_lines(plan, workspace, moved, cache=cache)
        w = line_weights(other, factors, tax_rate)
        return float(other.expected @ (w[:, 0] - w[:, 1]))

    mc = None
    if monte_carlo:
        mc = uncertainty.monte_carlo(
            lines,
            weights,
            draws=int(draws if draws is not None else workspace.monte_carlo.draws),
            seed=int(seed if seed is not None else workspace.monte_carlo.seed),
        )
    hourly_cost = (
        assumptions.hourly_cost if assumptions.hourly_cost is not None else workspace.hourly_cost
    )
    rates = rates_in_use(rule, rate)
    rows = (
        uncertainty.sensitivity(
            lines,
            weights,
            npv,
            hourly_cost=float(hourly_cost),
            rates=rates,
            npv_at_shift=npv_at_shift,
            npv_at_delay=npv_at_delay,
            max_delay=years,
        )
        if sensitivity
        else []
    )
    return CbaResult(
        npv=npv,
        npv_as_planned=npv_as_planned,
        npv_cash_only=pv_cash - pv_costs,
        npv_per_budget_krone=npv / pv_budget if pv_budget > 0 else None,
        bcr=pv_benefits / pv_costs if pv_costs > 0 else None,
        irr=irr(table["net"].to_numpy()),
        payback_year=payback_year(table["cumulative_net"].to_numpy(), lines.years),
        discounted_payback_year=payback_year(
            table["cumulative_present_value"].to_numpy(), lines.years
        ),
        tax_financing_cost=pv_tax,
        per_year=table,
        monte_carlo=mc,
        sensitivity=rows,
        municipalities=municipality_results(lines, weights),
        pv_costs=pv_costs,
        pv_benefits=pv_benefits,
        pv_budget_cost=pv_budget,
        project_id=plan.project.id,
        price_year=plan.project.price_year,
        start_year=int(lines.years[0]),
        analysis_years=years,
        discounting={"rule": rule, "rates": rates, "timing": timing},
        hourly_cost=float(hourly_cost),
        tax_rate=tax_rate,
        assumptions=assumptions,
        non_priced=lines.non_priced,
        outside_period=lines.outside_period,
        npv_gap=explain.npv_gap(lines, weights),
    )
