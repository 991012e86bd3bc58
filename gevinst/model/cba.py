"""The cost/benefit analysis (kost/nytte-analyse) of one project plan.

Follows the Ministry of Finance's rundskriv R-109/2021 and DFØ's *Veileder i
samfunnsøkonomiske analyser* (2023). All amounts are NOK in real prices of the
workspace's price year (plans converted with its price index), else the plan's;
every present value is at the workspace's base year (sammenstillingsår). The
method in short (details in ``docs/cba.md``):

1. The plan becomes lines × analysis years (:mod:`gevinst.model.cba_flows`):
   costs by line and category, benefits from baseline → target × valuation ×
   realisation profile, dis-benefits against them, non-priced effects beside.
2. Flows are discounted by R-109 step-wise 4/3/2 % (or a flat rate), the steps
   counted from the first analysis year, then moved to the base year
   (:func:`gevinst.model.discount.base_year_factors`); costs before the first
   analysis year are sunk costs (shown, not in the NPV); investments with a
   lifetime are reinvested and leave a residual value.
3. Results: NPV (netto nåverdi), NPV per budget krone (NNB), benefit/cost
   ratio, IRR (conventional flows only), simple and discounted payback, the
   cash-only NPV; the tax financing cost (skattefinansieringskostnad, on by
   default) of the net budget effect, which cash benefits and uttak reduce.
4. The split between the participating kommuner (:func:`municipality_results`,
   the one per-kommune rule) and the gevinstregnskap (:func:`benefit_accounts`).
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
all NOK in real prices of ``price_year``, costs as positive numbers (a negative
tax financing cost, i.e. a net budget saving, lowers them). One row per
analysis year, and one more (``residual`` True, the year after the period) when
an investment has a residual value:

* ``cost_investment`` (with reinvestments), ``cost_operation``, ``cost_internal``;
* ``budget_cost`` = investment + operation − ``cash_benefits`` −
  ``take_outs_budget``: the net effect on public budgets;
* ``tax_financing_cost`` = τ · ``budget_cost`` (0 when off; R-109/2021: τ = 20 %);
* ``costs`` = the three categories + ``tax_financing_cost``;
* ``benefits_gross`` (gevinster) and its cash part ``benefits_gross_cash``
  (herav kontant, never above it); ``disbenefits`` (ulemper, positive) and
  ``disbenefits_cash``; ``benefits`` = gevinster − ulemper; ``cash_benefits`` =
  ``benefits_gross_cash`` − ``disbenefits_cash``;
* ``take_outs``: all planned uttak; ``take_outs_budget``: those of non-cash
  benefits, which reduce the budget cost;
* ``residual_value``: the residual value (restverdi), only in the residual row;
* ``net`` = ``benefits`` − ``costs`` + ``residual_value``; ``discount_factor``
  to the base year; ``present_value`` = ``net`` · ``discount_factor``;
  ``cumulative_present_value``; ``cumulative_net``; ``residual`` (row flag).

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

from gevinst.errors import InputError, Issue
from gevinst.model import explain, uncertainty
from gevinst.model.cba_flows import (
    Assumptions,
    FractionCache,
    Lines,
    build_lines,
    line_weights,
)
from gevinst.model.discount import base_year_factors, discount_factors, rates_in_use
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
    "benefits_gross_cash",
    "disbenefits",
    "disbenefits_cash",
    "benefits",
    "cash_benefits",
    "take_outs",
    "take_outs_budget",
    "budget_cost",
    "residual_value",
    "net",
    "cumulative_net",
    "discount_factor",
    "present_value",
    "cumulative_present_value",
    "residual",
]
"""Columns of ``CbaResult.per_year``, documented in the module docstring and docs/cba.md."""

IRR_REASONS = {
    "no_sign_change": (
        "internrente finnes ikke: strømmene skifter ikke fortegn",
        "no IRR: the flows do not change sign",
    ),
    "not_conventional": (
        "internrente vises ikke: strømmene er ikke konvensjonelle (ett fortegnsskifte fra − til +)",
        "no IRR: the flows are not conventional (one sign change from − to +)",
    ),
    "no_root": (
        "internrente finnes ikke mellom −99 % og 1000 %",
        "no IRR between −99 % and 1000 %",
    ),
}
"""Why ``irr`` is None: code → (nb, en)."""


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class MunicipalityResult:
    """One kommune's part: present values (NOK) that add up over kommuner to the totals.

    ``share`` is its share in the project's cost-sharing key. ``costs`` are its
    share of every cost line (and of the tax financing cost), ``benefits`` its
    share of every benefit net of dis-benefits — a benefit that names specific
    kommuner is split between those only, by the key restricted to them.
    ``npv`` = ``benefits`` − ``costs``. This is the one per-kommune computation:
    the portfolio, the reports and the explorer all use it.

    The budget picture (gevinstregnskap, undiscounted sums over the analysis
    years in real prices, expected values): ``costs_paid`` (investment and
    operation), ``cash_benefits`` (net of cash dis-benefits) and
    ``take_outs_planned`` (all planned uttak); ``budget_cost`` the PV of its net
    budget effect (investment + operation − cash benefits − uttak of freed time).
    """

    name: str
    share: float
    costs: float
    benefits: float
    npv: float
    costs_paid: float = 0.0
    cash_benefits: float = 0.0
    take_outs_planned: float = 0.0
    budget_cost: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "share": self.share,
            "costs": self.costs,
            "benefits": self.benefits,
            "npv": self.npv,
            "costs_paid": self.costs_paid,
            "cash_benefits": self.cash_benefits,
            "take_outs_planned": self.take_outs_planned,
            "budget_cost": self.budget_cost,
        }


@dataclass(frozen=True)
class CbaResult:
    """Everything the analysis found; ``to_json()`` is the ``gevinst cba --json`` object.

    Every figure except ``npv_as_planned`` is an expected value: each line's
    planned amount × its expected multiplier (see the module docstring).
    """

    npv: float
    """Netto nåverdi: Σ present_value (NOK at the base year), lines at their expected multiplier."""
    npv_as_planned: float
    """NPV of the plan's own amounts (every multiplier 1.0), before uncertainty adjustments."""
    npv_cash_only: float
    """NPV with only cash benefits (net of cash dis-benefits) against all costs."""
    npv_per_budget_krone: float | None
    """NNB: NPV / PV of the net public budget cost; None when that is ≤ 0."""
    bcr: float | None
    """Benefit/cost ratio: PV benefits / PV costs; None when PV costs ≤ 0."""
    irr: float | None
    """Internal rate of return; None when the flows are not conventional or it is undefined."""
    payback_year: int | None
    """First calendar year from which the cumulative net flow stays ≥ 0."""
    discounted_payback_year: int | None
    """The same for the cumulative present value."""
    tax_financing_cost: float
    """PV of the tax financing cost (0.0 when the setting is off)."""
    per_year: pd.DataFrame = field(compare=False)
    """One row per analysis year (+ one residual-value row); ``PER_YEAR_COLUMNS``."""
    monte_carlo: MonteCarloResult | None
    sensitivity: list[SensitivityRow]
    municipalities: list[MunicipalityResult]
    pv_costs: float = 0.0
    pv_benefits: float = 0.0
    pv_budget_cost: float = 0.0
    project_id: str = ""
    price_year: int = 0
    """The price year of every amount (the workspace's when it converts, else the plan's)."""
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
    """Cost id → years with amounts after the analysis period (left out)."""
    base_year: int = 0
    """Sammenstillingsår: the year every present value is discounted to."""
    plan_price_year: int = 0
    """The plan's own price year (before conversion)."""
    price_factor: float = 1.0
    """Index(price_year) / index(plan_price_year)."""
    price_index_source: str = ""
    irr_reason: str | None = None
    """Why ``irr`` is None: a key of ``IRR_REASONS``."""
    residual_value: float = 0.0
    """Residual value (restverdi) at the year after the period, undiscounted, expected."""
    pv_residual_value: float = 0.0
    """Its present value at the base year (in the NPV)."""
    sunk_costs: dict[str, dict[int, float]] = field(default_factory=dict)
    """Påløpte kostnader: cost id → {year: NOK} before the first analysis year; not in the NPV."""
    decision_year: int | None = None
    decision_note: str = ""
    tax_off_reason: str = ""
    """The workspace's reason for leaving out the tax financing cost (when off)."""
    budget_constrained: bool = False
    """The workspace ranks by NNB (budgets are the constraint)."""
    warnings: list[dict[str, str]] = field(default_factory=list)
    """``code``, ``nb``, ``en``: things to check (e.g. benefits outlive every cost line)."""
    lines: Lines | None = field(default=None, compare=False, repr=False)
    """The lines behind the figures (for the portfolio Monte Carlo)."""
    weights: np.ndarray | None = field(default=None, compare=False, repr=False)
    """Their line weights (:func:`~gevinst.model.cba_flows.line_weights`)."""

    @property
    def sunk_cost_total(self) -> float:
        return float(sum(sum(v.values()) for v in self.sunk_costs.values()))
    npv_gap: tuple[explain.GapLine, ...] = ()
    """Each line's part of ``npv_as_planned − npv``, largest first (:func:`explain.npv_gap`)."""

    def to_json(self) -> dict[str, Any]:
        """The ``gevinst cba --json`` object (plain JSON types; never NaN or infinity)."""
        rows = []
        for rec in self.per_year.to_dict("records"):
            rows.append(
                {
                    k: (int(v) if k in ("year", "t") else bool(v) if k == "residual" else float(v))
                    for k, v in rec.items()
                }
            )
        out = {
            "project_id": self.project_id,
            "base_year": self.base_year,
            "price_year": self.price_year,
            "plan_price_year": self.plan_price_year,
            "price_factor": self.price_factor,
            "price_index_source": self.price_index_source,
            "start_year": self.start_year,
            "analysis_years": self.analysis_years,
            "decision_year": self.decision_year,
            "decision_note": self.decision_note,
            "currency": "NOK",
            "discounting": self.discounting,
            "hourly_cost": self.hourly_cost,
            "tax_financing": {
                "enabled": self.tax_rate > 0,
                "rate": self.tax_rate,
                "off_reason": self.tax_off_reason,
            },
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
            "irr_reason": self.irr_reason,
            "payback_year": self.payback_year,
            "discounted_payback_year": self.discounted_payback_year,
            "tax_financing_cost": self.tax_financing_cost,
            "pv_costs": self.pv_costs,
            "pv_benefits": self.pv_benefits,
            "pv_budget_cost": self.pv_budget_cost,
            "residual_value": self.residual_value,
            "pv_residual_value": self.pv_residual_value,
            "sunk_costs": {
                k: {str(y): a for y, a in v.items()} for k, v in self.sunk_costs.items()
            },
            "sunk_cost_total": self.sunk_cost_total,
            "budget_constrained": self.budget_constrained,
            "per_year": rows,
            "monte_carlo": self.monte_carlo.to_json() if self.monte_carlo else None,
            "sensitivity": [row.to_json() for row in self.sensitivity],
            "municipalities": [m.to_json() for m in self.municipalities],
            "non_priced": list(self.non_priced),
            "outside_period": {k: list(v) for k, v in self.outside_period.items()},
            "warnings": list(self.warnings),
        }
        return out


# --------------------------------------------------------------------------- IRR and payback


def _npv_at(flows: np.ndarray, rate: float) -> float:
    t = np.arange(flows.size, dtype=float)
    return float(np.sum(flows * (1.0 + rate) ** -t))


def _signs(flows: Sequence[float]) -> np.ndarray | None:
    """Signs (−1/+1) of the flows, those below 1e-12 of the largest dropped; None if not finite."""
    c = np.asarray(flows, dtype=float)
    if c.size == 0 or not np.all(np.isfinite(c)):
        return None
    scale = float(np.max(np.abs(c)))
    if scale == 0:
        return np.zeros(0)
    return np.sign(c[np.abs(c) >= 1e-12 * scale])


def irr_reason(flows: Sequence[float]) -> str | None:
    """Why :func:`irr` gives None for ``flows`` (a key of ``IRR_REASONS``), or None.

    The IRR is only shown for *conventional* flows: one sign change, from − to +
    (money out first, then back). Lending-type flows (+ then −) or several sign
    changes have no IRR that can be read as a return (DFØ's guide: use the NPV).

    >>> irr_reason([100, -110]), irr_reason([-100, 230, -132]), irr_reason([-100, 60, 60])
    ('not_conventional', 'not_conventional', None)
    """
    signs = _signs(flows)
    if signs is None or signs.size < 2 or not (np.any(signs > 0) and np.any(signs < 0)):
        return "no_sign_change"
    changes = int(np.count_nonzero(np.diff(signs)))
    if changes != 1 or signs[0] > 0:
        return "not_conventional"
    return None if _irr_root(flows) is not None else "no_root"


def irr(flows: Sequence[float]) -> float | None:
    """Internal rate of return of conventional flows: the r with Σ_t flows[t] · (1 + r)^-t = 0.

    Returns None — never a made-up number — when it is undefined or misleading
    (:func:`irr_reason`): the flows do not change sign, they are not
    conventional (one sign change from − to +), or no root lies in
    (−99 %, 1000 %). Flows smaller than 1e-12 of the largest count as 0.

    Method: with x = 1/(1 + r) the NPV is the polynomial Σ flows[t] · x^t;
    its real roots (``numpy.roots``) give candidate rates, each confirmed by a
    sign change of the NPV in a small bracket and refined by bisection to
    machine precision. The timing convention does not change the IRR.

    >>> round(irr([-100, 60, 60]), 6)
    0.130662
    >>> irr([100, 50]) is None   # no sign change
    True
    >>> irr([100_000, -110_000]) is None   # lending: "10 %" would mislead
    True
    """
    return None if irr_reason(flows) is not None else _irr_root(flows)


def _irr_root(flows: Sequence[float]) -> float | None:
    """The unique root of the NPV polynomial in ``IRR_BOUNDS``, or None."""
    c = np.asarray(flows, dtype=float)
    if c.size < 2 or not np.all(np.isfinite(c)):
        return None
    scale = float(np.max(np.abs(c)))
    if scale == 0:
        return None
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
    lines: Lines,
    factors: np.ndarray,
    tax_rate: float,
    multipliers: np.ndarray | None = None,
    residual_factor: float = 0.0,
) -> pd.DataFrame:
    """The per-year table: planned amount × multiplier per line, summed by column.

    ``multipliers`` defaults to each line's expected multiplier
    (:attr:`~gevinst.model.cba_flows.Lines.expected`), so every column is an
    expected value (forventningsverdi); pass ones for the plan's own amounts.
    When a line has a residual value, one more row follows the analysis years:
    ``year`` = the year after the period, ``residual`` True, only
    ``residual_value`` (and ``net``, ``present_value``) non-zero, discounted
    with ``residual_factor``. Columns as in the module docstring.
    """
    m = lines.expected if multipliers is None else np.asarray(multipliers, dtype=float)
    base = lines.flows * m[:, None]
    n = lines.years.size

    def total(mask: np.ndarray) -> np.ndarray:
        return base[mask].sum(axis=0) if mask.any() else np.zeros(n)

    investment = total(lines.category_mask(CostCategory.INVESTMENT.value))
    operation = total(lines.category_mask(CostCategory.OPERATION.value))
    internal = total(lines.category_mask(CostCategory.INTERNAL.value))
    gross = total(lines.is_benefit)
    gross_cash = total(lines.is_cash & lines.is_benefit)
    dis = total(lines.is_disbenefit)
    dis_cash = total(lines.is_cash & lines.is_disbenefit)
    cash = gross_cash - dis_cash
    take_all = total(lines.is_take_out)
    take_budget = total(lines.is_take_out & lines.budget)
    budget_cost = investment + operation - cash - take_budget
    tax = tax_rate * budget_cost + 0.0  # + 0.0 turns −0.0 into 0.0
    costs = investment + operation + internal + tax
    benefits = gross - dis
    residual = np.zeros(n)
    net = benefits - costs
    years = lines.years.astype(int)
    t = np.arange(n, dtype=int)
    flag = np.zeros(n, dtype=bool)
    columns = [
        investment,
        operation,
        internal,
        tax,
        costs,
        gross,
        gross_cash,
        dis,
        dis_cash,
        benefits,
        cash,
        take_all,
        take_budget,
        budget_cost,
        residual,
        net,
    ]
    rest = float(lines.residual_values @ m)
    if lines.residual is not None:
        columns = [np.append(c, 0.0) for c in columns]
        columns[14][-1] = rest
        columns[15][-1] = rest
        years = np.append(years, lines.residual_year)
        t = np.append(t, n)
        flag = np.append(flag, True)
        factors = np.append(factors, residual_factor)
    names = PER_YEAR_COLUMNS[2:18]
    frame = dict(zip(names, columns, strict=True))
    net = frame["net"]
    pv = net * factors
    frame.update(
        year=years,
        t=t,
        cumulative_net=np.cumsum(net),
        discount_factor=factors,
        present_value=pv,
        cumulative_present_value=np.cumsum(pv),
        residual=flag,
    )
    return pd.DataFrame(frame, columns=PER_YEAR_COLUMNS)


def municipality_results(
    lines: Lines, weights: np.ndarray, tax_rate: float, factors: np.ndarray
) -> list[MunicipalityResult]:
    """Each kommune's share of every line at the expected multipliers: the one per-kommune rule.

    NPV parts: shares.T @ (line weights × E[m]). Budget picture (undiscounted
    sums over the analysis years): shares.T @ (line totals × E[m]) for the
    investment and operation lines, the cash lines and the uttak lines. The
    kommune figures add up to the project's.
    """
    m = lines.expected
    at_expected = weights * m[:, None]  # (lines, 2)
    benefits = lines.shares.T @ at_expected[:, 0]
    costs = lines.shares.T @ at_expected[:, 1]
    totals = lines.flows.sum(axis=1) * m
    pv = (lines.flows @ factors) * m
    paid = lines.is_cost & lines.budget
    cash = np.where(lines.is_cash, lines.sign, 0.0)
    take = lines.is_take_out
    budget_sign = np.where(paid, 1.0, 0.0) - cash - np.where(take & lines.budget, 1.0, 0.0)
    per = lines.shares.T
    costs_paid = per @ np.where(paid, totals, 0.0)
    cash_benefits = per @ (cash * totals)
    planned = per @ np.where(take, totals, 0.0)
    budget_cost = per @ (budget_sign * pv)
    return [
        MunicipalityResult(
            name=name,
            share=float(lines.key[k]),
            costs=float(costs[k]),
            benefits=float(benefits[k]),
            npv=float(benefits[k] - costs[k]),
            costs_paid=float(costs_paid[k]),
            cash_benefits=float(cash_benefits[k]),
            take_outs_planned=float(planned[k]),
            budget_cost=float(budget_cost[k]),
        )
        for k, name in enumerate(lines.municipalities)
    ]


MUNICIPALITY_FLOW_COLUMNS = (
    "cost_investment",
    "cost_operation",
    "cost_internal",
    "tax_financing_cost",
    "benefits",
    "cash_benefits",
    "take_outs",
    "take_outs_budget",
)
"""Keys of :func:`municipality_year_flows` (as in ``PER_YEAR_COLUMNS``)."""


def municipality_year_flows(lines: Lines, tax_rate: float) -> dict[str, np.ndarray]:
    """Each kommune's undiscounted NOK per analysis year: the per-kommune rule, year by year.

    The same split as :func:`municipality_results` (each line by its own kommune
    shares, at the expected multiplier E[m]), before discounting:

        X[k, y] = Σ_l shares[l, k] · E[m_l] · flows[l, y]      over the lines of X

    for the columns of :data:`MUNICIPALITY_FLOW_COLUMNS` (shape (kommuner, years)),
    with ``tax_financing_cost`` = τ · (investment + operation − cash − uttak of
    freed time) line by line, and ``residual_value`` (shape (kommuner,)): the
    kommune's share of the residual value at :attr:`Lines.residual_year`.
    Discounted with the engine's factors f (and f_r for the residual value):

        costs_k    = Σ_y f_y · (investment + operation + internal + tax)[k, y] − f_r · residual_k
        benefits_k = Σ_y f_y · benefits[k, y]

    which are :attr:`MunicipalityResult.costs` and ``benefits``; the sums over
    the years of investment + operation, ``cash_benefits`` and ``take_outs`` are
    its ``costs_paid``, ``cash_benefits`` and ``take_outs_planned``.
    """
    m = lines.expected
    flows = lines.flows * m[:, None]
    per = lines.shares.T
    cost = lines.is_cost
    take = lines.is_take_out
    benefit_side = lines.is_benefit | lines.is_disbenefit

    def part(mask: np.ndarray, weight: np.ndarray | float = 1.0) -> np.ndarray:
        w = np.where(mask, weight, 0.0)
        return per @ (flows * w[:, None])

    cash_sign = np.where(lines.is_cash, lines.sign, 0.0)
    tax_weight = tax_rate * lines.budget * np.where(take, -1.0, -lines.sign)
    return {
        "cost_investment": part(lines.category_mask(CostCategory.INVESTMENT.value)),
        "cost_operation": part(lines.category_mask(CostCategory.OPERATION.value)),
        "cost_internal": part(lines.category_mask(CostCategory.INTERNAL.value)),
        "tax_financing_cost": part(lines.budget | take, tax_weight) + 0.0,
        "benefits": part(benefit_side, lines.sign),
        "cash_benefits": part(benefit_side, cash_sign),
        "take_outs": part(take),
        "take_outs_budget": part(take & lines.budget),
        "residual_value": per @ (lines.residual_values * m * cost),
    }


def _refuse_non_finite(table: pd.DataFrame, plan: Plan) -> None:
    """No infinity or NaN may reach JSON or a report: refuse the input that produced it."""
    numbers = table.drop(columns=["residual"]).to_numpy(dtype=float)
    if np.all(np.isfinite(numbers)) and np.all(np.abs(numbers) < 1e300):
        return
    raise InputError(
        [
            Issue(
                "out_of_range",
                key="project",
                field="amounts",
                found=plan.project.id,
                allowed="beløp som gir endelige summer / amounts whose sums are finite",
                detail="beløpene er for store til å regne med / the amounts are too large",
            )
        ]
    )


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

    Every present value is at the workspace's ``base_year`` (else the first
    analysis year), in real prices of the workspace's ``price_year`` (else the
    plan's). The base case uses each line's expected multiplier; ``npv_as_planned``
    uses 1.0 for every line (the plan's own amounts).
    """
    rule, rate, timing, tax_rate = _settings(workspace, assumptions)
    cache = FractionCache()
    lines = build_lines(plan, workspace, assumptions, cache=cache)
    years = lines.years.size
    first = int(lines.years[0])
    base = int(workspace.base_year) if workspace.base_year is not None else first

    def factors_at(shift: float = 0.0) -> tuple[np.ndarray, float]:
        f = base_year_factors(
            np.append(lines.years, lines.residual_year),
            first,
            base,
            rule,
            rate,
            timing,
            shift=shift,
        )
        return f[:-1], float(f[-1])

    factors, residual_factor = factors_at()
    weights = line_weights(lines, factors, tax_rate, residual_factor)
    table = per_year_table(lines, factors, tax_rate, residual_factor=residual_factor)
    _refuse_non_finite(table, plan)

    npv = float(table["present_value"].sum())
    # The plan's own amounts (every multiplier 1.0), summed the same way as ``npv``,
    # so that a plan without uncertainty gives exactly the same number.
    as_planned = per_year_table(lines, factors, tax_rate, np.ones(lines.n), residual_factor)
    npv_as_planned = float(as_planned["present_value"].sum())
    f_all = table["discount_factor"].to_numpy()
    pv_residual = float(np.dot(table["residual_value"], f_all))
    # The residual value is value kept: it lowers the PV of costs (as in the line weights).
    pv_costs = float(np.dot(table["costs"], f_all)) - pv_residual
    pv_benefits = float(np.dot(table["benefits"], f_all))
    pv_cash = float(np.dot(table["cash_benefits"], f_all))
    pv_budget = float(np.dot(table["budget_cost"], f_all))
    pv_tax = float(np.dot(table["tax_financing_cost"], f_all))

    def npv_at_shift(shift: float) -> float:
        f, fr = factors_at(shift)
        w = line_weights(lines, f, tax_rate, fr)
        return float(lines.expected @ (w[:, 0] - w[:, 1]))

    def npv_at_delay(extra: int) -> float:
        moved = replace(assumptions, delay_years=assumptions.delay_years + extra)
        other = build_lines(plan, workspace, moved, cache=cache)
        w = line_weights(other, factors, tax_rate, residual_factor)
        return float(other.expected @ (w[:, 0] - w[:, 1]))

    mc = None
    if monte_carlo:
        mc = uncertainty.monte_carlo(
            lines,
            weights,
            draws=int(draws if draws is not None else workspace.monte_carlo.draws),
            seed=int(seed if seed is not None else workspace.monte_carlo.seed),
            project_id=plan.project.id,
            sampling=str(
                getattr(workspace.monte_carlo.sampling, "value", workspace.monte_carlo.sampling)
            ),
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
    analysis_rows = table[~table["residual"]]
    net_flows = table["net"].to_numpy()
    index = workspace.price_index
    return CbaResult(
        npv=npv,
        npv_as_planned=npv_as_planned,
        npv_cash_only=pv_cash - pv_costs,
        npv_per_budget_krone=npv / pv_budget if pv_budget > 0 else None,
        bcr=pv_benefits / pv_costs if pv_costs > 0 else None,
        irr=irr(net_flows),
        irr_reason=irr_reason(net_flows),
        payback_year=payback_year(analysis_rows["cumulative_net"].to_numpy(), lines.years),
        discounted_payback_year=payback_year(
            analysis_rows["cumulative_present_value"].to_numpy(), lines.years
        ),
        tax_financing_cost=pv_tax,
        per_year=table,
        monte_carlo=mc,
        sensitivity=rows,
        municipalities=municipality_results(lines, weights, tax_rate, factors),
        pv_costs=pv_costs,
        pv_benefits=pv_benefits,
        pv_budget_cost=pv_budget,
        project_id=plan.project.id,
        price_year=lines.price_year,
        plan_price_year=plan.project.price_year,
        price_factor=lines.price_factor,
        price_index_source=index.source if index is not None and lines.price_factor != 1 else "",
        start_year=first,
        analysis_years=years,
        base_year=base,
        discounting={"rule": rule, "rates": rates, "timing": timing},
        hourly_cost=float(hourly_cost),
        tax_rate=tax_rate,
        tax_off_reason="" if tax_rate > 0 else workspace.tax_financing.off_reason,
        assumptions=assumptions,
        non_priced=lines.non_priced,
        outside_period=lines.outside_period,
        residual_value=float(table["residual_value"].sum()),
        pv_residual_value=pv_residual,
        sunk_costs=lines.sunk,
        decision_year=plan.project.decision_year,
        decision_note=plan.project.decision_note,
        budget_constrained=workspace.budget_constrained,
        warnings=[{"code": c, "nb": nb, "en": en} for c, nb, en in lines.warnings],
        lines=lines,
        weights=weights,
        npv_gap=explain.npv_gap(lines, weights),
    )


# --------------------------------------------------------------------------- gevinstregnskap


@dataclass(frozen=True)
class AccountRow:
    """One kommune's gevinstregnskap: what it pays and what comes back to its budget (NOK).

    Undiscounted sums over the analysis years in real prices, expected values:
    ``costs_paid`` (its share of investment and operation), ``cash_benefits``
    (of cash benefits net of cash dis-benefits), ``take_outs_planned`` (of every
    planned uttak) and ``take_outs_realised`` (realised NOK to date of the cash
    benefits, from the measurements). ``balance`` = cash benefits + uttak of
    freed time − costs paid is what its budget gains in all.
    """

    name: str
    costs_paid: float
    cash_benefits: float
    take_outs_planned: float
    take_outs_realised: float

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "costs_paid": self.costs_paid,
            "cash_benefits": self.cash_benefits,
            "take_outs_planned": self.take_outs_planned,
            "take_outs_realised": self.take_outs_realised,
        }


def benefit_accounts(result: CbaResult, statuses: Sequence[Any] = ()) -> list[AccountRow]:
    """The gevinstregnskap per kommune of one project (see :class:`AccountRow`).

    Planned figures come from :attr:`CbaResult.municipalities` (the one
    per-kommune rule); realised uttak from ``statuses``
    (:class:`gevinst.model.tracking.ItemStatus` of this project): each cash
    benefit's ``realised_nok`` split by that benefit line's own kommune shares.
    """
    lines = result.lines
    realised = np.zeros(len(result.municipalities))
    if lines is not None:
        row_of = {line_id: k for k, line_id in enumerate(lines.ids)}
        cash = lines.is_cash & lines.is_benefit
        for s in statuses:
            k = row_of.get(getattr(s, "id", ""))
            if (
                getattr(s, "project", result.project_id) == result.project_id
                and k is not None
                and cash[k]
                and getattr(s, "realised_nok", None) is not None
            ):
                realised += float(s.realised_nok) * lines.shares[k]
    return [
        AccountRow(
            name=m.name,
            costs_paid=m.costs_paid,
            cash_benefits=m.cash_benefits,
            take_outs_planned=m.take_outs_planned,
            take_outs_realised=float(realised[k]),
        )
        for k, m in enumerate(result.municipalities)
    ]
