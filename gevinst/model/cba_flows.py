"""Cash flows per line and year for the cost/benefit analysis (kost/nytte).

A plan becomes a table of *lines*: one per cost, priced benefit (gevinst) and
priced dis-benefit (ulempe), each with its planned NOK per analysis year, its
triangular uncertainty and its split between the participating kommuner. The
analysis (:mod:`gevinst.model.cba`), the sensitivity analysis and the Monte
Carlo simulation (:mod:`gevinst.model.uncertainty`) all work on this table, so
they can never disagree about what a line is worth.

Conventions (see ``docs/cba.md``):

* **Real prices** of the plan's ``price_year``; no inflation inside the
  analysis (R-109/2021; DFØ's guide: fixed prices).
* **Analysis years**: year 0 is ``project.analysis_start_year`` or the start
  date's year; there are ``project.analysis_years`` of them. Cost amounts in
  calendar years outside this window are left out and listed in
  :attr:`Lines.outside_period`.
* **Benefits** per calendar year y = realised fraction of the change in y
  (:func:`gevinst.model.profile.item_year_fractions`) × value per year at the
  target (:func:`gevinst.model.valuation.annual_value_at_target`). After the
  target date the fraction stays at its last value, so a benefit continues at
  the target level to the end of the analysis period. Non-priced benefits
  (:func:`gevinst.model.valuation.is_priced` is false) are not lines; they are
  reported beside the NPV, never in it (DFØ's guide on non-priced effects).
* **Dis-benefits** (``plan.disbenefits``) are valued the same way and count
  against the benefits.
* **Delay** (``Assumptions.delay_years`` = d) shifts the realisation of every
  benefit and dis-benefit d years later: the fraction for year y is the planned
  fraction for year y − d. Planned take-outs (uttak) stay as planned.
* **Uncertainty** multipliers (low, likely, high) apply to a line's planned
  value. The base case (the NPV, the per-year table, the per-kommune split)
  uses each line's *expected* multiplier, the mean of its triangular
  distribution (low + likely + high) / 3 (:attr:`Lines.expected`): DFØ's guide
  asks for costs and benefits as expected values (forventningsverdier), and
  the Monte Carlo mean then estimates the same NPV. ``likely`` is the mode,
  the single most probable value, which for a skewed triangle is not the mean.
* **Public budget**: investment and operation costs and cash benefits/dis-benefits
  go through public budgets; internal effort (egeninnsats) is staff time already
  on the payroll, and freed time is not cash unless taken out, so neither
  changes a budget (the economic and the budget picture differ; DFØ's guide
  on budget effects).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from gevinst.errors import InputError, Issue
from gevinst.model.profile import item_year_fractions
from gevinst.model.schema import (
    Benefit,
    BenefitKind,
    CostCategory,
    CostSharing,
    Plan,
    Workspace,
)
from gevinst.model.valuation import annual_value_at_target, is_priced

COST, BENEFIT, DISBENEFIT = "cost", "benefit", "disbenefit"


@dataclass(frozen=True)
class Assumptions:
    """What the analyst's sliders change; the defaults change nothing.

    With the defaults the analysis is the plan's amounts at the workspace's
    rules, each line at its expected multiplier (see :attr:`Lines.expected`).

    * ``discount_rate``: a flat real rate; ``None`` uses the workspace rule
      (R-109 step-wise 4/3/2 %, or the workspace's flat rate).
    * ``hourly_cost``: NOK per hour for time valued at the workspace default;
      ``None`` uses ``workspace.hourly_cost``. A benefit's own
      ``valuation.hourly_cost`` still wins.
    * ``delay_years``: benefits and dis-benefits realised this many years later.
    * ``benefit_scale``: every benefit (gevinst, not ulempe) × this.
    * ``cost_overrun``: every cost × (1 + this).
    * ``tax_financing``: include the tax financing cost; ``None`` uses
      ``workspace.tax_financing.enabled``.
    """

    discount_rate: float | None = None
    hourly_cost: float | None = None
    delay_years: int = 0
    benefit_scale: float = 1.0
    cost_overrun: float = 0.0
    tax_financing: bool | None = None


@dataclass(frozen=True)
class Lines:
    """The plan as lines × analysis years (planned NOK, multiplier 1, real prices)."""

    years: np.ndarray
    """Calendar years of the analysis, shape (n_years,)."""
    ids: tuple[str, ...]
    names: tuple[str, ...]
    group: tuple[str, ...]
    """``cost``, ``benefit`` or ``disbenefit`` per line."""
    category: tuple[str, ...]
    """Cost category (investment/operation/internal) or benefit kind (cash/time/quality)."""
    sign: np.ndarray
    """+1 for a benefit, −1 for a cost or dis-benefit."""
    budget: np.ndarray
    """True where the line changes a public budget (investment, operation, cash)."""
    hourly: np.ndarray
    """True where the value is hours × the default hourly cost (moves with it)."""
    low: np.ndarray
    likely: np.ndarray
    high: np.ndarray
    flows: np.ndarray
    """Planned NOK per line and year at multiplier 1, ≥ 0; shape (n_lines, n_years)."""
    shares: np.ndarray
    """Each line's split between the kommuner (rows sum to 1); (n_lines, n_municipalities)."""
    municipalities: tuple[str, ...]
    key: np.ndarray
    """The project's cost-sharing key (fordelingsnøkkel) per kommune, sums to 1."""
    take_outs: np.ndarray
    """Planned uttak per analysis year (NOK), the budget picture."""
    non_priced: tuple[str, ...] = ()
    """Ids of benefits and dis-benefits left out of the NPV (non-priced)."""
    outside_period: dict[str, list[int]] = field(default_factory=dict)
    """Cost id → calendar years with amounts outside the analysis period (left out)."""

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def is_cost(self) -> np.ndarray:
        return np.array([g == COST for g in self.group], dtype=bool)

    @property
    def is_benefit(self) -> np.ndarray:
        return np.array([g == BENEFIT for g in self.group], dtype=bool)

    @property
    def is_disbenefit(self) -> np.ndarray:
        return np.array([g == DISBENEFIT for g in self.group], dtype=bool)

    @property
    def is_cash(self) -> np.ndarray:
        return np.array(
            [
                g != COST and c == BenefitKind.CASH.value
                for g, c in zip(self.group, self.category, strict=True)
            ],
            dtype=bool,
        )

    def category_mask(self, category: str) -> np.ndarray:
        return np.array(
            [g == COST and c == category for g, c in zip(self.group, self.category, strict=True)],
            dtype=bool,
        )

    @property
    def uncertain(self) -> np.ndarray:
        """Lines whose value is uncertain (low ≠ high)."""
        return self.high > self.low

    @property
    def expected(self) -> np.ndarray:
        """Each line's expected multiplier (forventningsverdi), shape (n_lines,).

        The mean of the triangular distribution (low a, mode c, high b):

            E[m] = (a + c + b) / 3

        DFØ's *Veileder i samfunnsøkonomiske analyser* asks for expected values,
        not the most likely ones (kap. 3.4, the work tasks of phase 4: "Beregn
        forventningsverdier"). A line without uncertainty (a = b) keeps
        exactly its ``likely`` value, so a plan without uncertainty is
        unchanged to the last bit.

        A cost of 100 with (0.9, 1.0, 1.4) is expected to cost
        100 · (0.9 + 1.0 + 1.4) / 3 = 110:

        >>> lines = Lines(
        ...     years=np.array([2025]), ids=("K1", "K2"), names=("a", "b"),
        ...     group=(COST, COST), category=("investment", "investment"),
        ...     sign=np.array([-1.0, -1.0]), budget=np.array([True, True]),
        ...     hourly=np.array([False, False]),
        ...     low=np.array([0.9, 1.0]), likely=np.array([1.0, 1.0]),
        ...     high=np.array([1.4, 1.0]), flows=np.array([[100.0], [50.0]]),
        ...     shares=np.ones((2, 1)), municipalities=("A",), key=np.ones(1),
        ...     take_outs=np.zeros(1))
        >>> [round(float(x), 12) for x in lines.expected * lines.flows[:, 0]]
        [110.0, 50.0]
        """
        mean = (self.low + self.likely + self.high) / 3.0
        return np.where(self.uncertain, mean, self.likely)


def analysis_years(plan: Plan) -> np.ndarray:
    """Calendar years of the analysis: year 0 = ``analysis_start_year`` or the start year."""
    p = plan.project
    first = p.analysis_start_year if p.analysis_start_year is not None else p.start_date.year
    return np.arange(first, first + p.analysis_years, dtype=int)


def sharing_key(plan: Plan, workspace: Workspace) -> np.ndarray:
    """The fordelingsnøkkel: each participating kommune's share (sums to 1).

    * ``population``: population / total population of the participants
      (populations from the workspace);
    * ``equal``: 1 / number of participants;
    * ``fixed``: ``project.fixed_shares`` (normalised so the shares sum to exactly 1).
    """
    p = plan.project
    names = list(p.municipalities)
    if p.cost_sharing == CostSharing.EQUAL:
        weights = np.ones(len(names))
    elif p.cost_sharing == CostSharing.FIXED:
        weights = np.array([float(p.fixed_shares.get(m, 0.0)) for m in names])
    else:
        population = workspace.population()
        missing = [m for m in names if m not in population]
        if missing:
            raise InputError(
                [
                    Issue(
                        "unknown_reference",
                        key=f"project.municipalities[{names.index(m)}]",
                        field="municipalities",
                        found=m,
                        allowed=", ".join(population),
                    )
                    for m in missing
                ]
            )
        weights = np.array([float(population[m]) for m in names])
    total = weights.sum()
    if total <= 0:
        return np.full(len(names), 1.0 / len(names))
    return weights / total


def restricted_shares(key: np.ndarray, names: Sequence[str], subset: Sequence[str]) -> np.ndarray:
    """The key restricted to ``subset`` and renormalised (equal split if their key is 0).

    A benefit that names specific kommuner goes to those only, split between
    them by the project's key.

    >>> restricted_shares(np.array([0.5, 0.3, 0.2]), ["A", "B", "C"], ["B", "C"]).tolist()
    [0.0, 0.6, 0.4]
    """
    if not subset:
        return key.copy()
    mask = np.array([m in set(subset) for m in names], dtype=bool)
    out = np.where(mask, key, 0.0)
    total = out.sum()
    if total <= 0:
        return mask / mask.sum()
    return out / total


class FractionCache:
    """Realised fractions per item and calendar year, computed once per analysis.

    The sensitivity analysis rebuilds the lines for other delays; the profile
    maths (:mod:`gevinst.model.profile`) then only runs for years not seen before.
    """

    def __init__(self) -> None:
        self._store: dict[tuple[str, int], dict[int, float]] = {}

    def get(self, key: tuple[str, int], item: Benefit, years: np.ndarray) -> np.ndarray:
        store = self._store.setdefault(key, {})
        missing = [int(y) for y in years if int(y) not in store]
        if missing:
            store.update(zip(missing, item_year_fractions(item, missing).tolist(), strict=True))
        return np.array([store[int(y)] for y in years], dtype=float)


def build_lines(
    plan: Plan,
    workspace: Workspace,
    assumptions: Assumptions = Assumptions(),
    *,
    cache: FractionCache | None = None,
) -> Lines:
    """Turn a plan into :class:`Lines` (planned NOK per line and analysis year).

    Costs: ``amounts[year] × (1 + cost_overrun)``. Benefits:
    ``fraction(year − delay) × annual_value_at_target × benefit_scale``;
    dis-benefits the same without ``benefit_scale``.
    """
    cache = cache or FractionCache()
    years = analysis_years(plan)
    names = tuple(plan.project.municipalities)
    key = sharing_key(plan, workspace)
    hourly_cost = (
        assumptions.hourly_cost if assumptions.hourly_cost is not None else workspace.hourly_cost
    )
    index = {int(y): k for k, y in enumerate(years)}

    ids: list[str] = []
    labels: list[str] = []
    group: list[str] = []
    category: list[str] = []
    sign: list[float] = []
    budget: list[bool] = []
    hourly: list[bool] = []
    low: list[float] = []
    likely: list[float] = []
    high: list[float] = []
    flows: list[np.ndarray] = []
    shares: list[np.ndarray] = []
    outside: dict[str, list[int]] = {}

    for cost in plan.costs:
        row = np.zeros(len(years))
        for year, amount in sorted(cost.amounts.items()):
            if int(year) in index:
                row[index[int(year)]] += float(amount)
            elif amount:
                outside.setdefault(cost.id, []).append(int(year))
        ids.append(cost.id)
        labels.append(cost.name)
        group.append(COST)
        category.append(cost.category.value)
        sign.append(-1.0)
        budget.append(cost.category != CostCategory.INTERNAL)
        hourly.append(False)
        low.append(cost.uncertainty.low)
        likely.append(cost.uncertainty.likely)
        high.append(cost.uncertainty.high)
        flows.append(row * (1.0 + assumptions.cost_overrun))
        shares.append(key.copy())

    non_priced: list[str] = []
    shifted = years - int(assumptions.delay_years)
    for name, items in ((BENEFIT, plan.benefits), (DISBENEFIT, plan.disbenefits)):
        for n, b in enumerate(items):
            if not is_priced(b):
                non_priced.append(b.id)
                continue
            value = annual_value_at_target(b, hourly_cost)
            if value is None:  # pragma: no cover - is_priced guarantees a price
                non_priced.append(b.id)
                continue
            scale = assumptions.benefit_scale if name == BENEFIT else 1.0
            fractions = cache.get((name, n), b, shifted)
            v = b.valuation
            ids.append(b.id)
            labels.append(b.name)
            group.append(name)
            category.append(b.kind.value)
            sign.append(1.0 if name == BENEFIT else -1.0)
            budget.append(b.kind == BenefitKind.CASH)
            hourly.append(
                v is not None
                and v.nok_per_unit is None
                and v.hours_per_unit is not None
                and v.hourly_cost is None
            )
            low.append(b.uncertainty.low)
            likely.append(b.uncertainty.likely)
            high.append(b.uncertainty.high)
            flows.append(fractions * value * scale)
            shares.append(restricted_shares(key, names, b.municipalities))

    take_outs = np.zeros(len(years))
    for b in plan.benefits:
        for t in b.take_outs:
            if int(t.year) in index:
                take_outs[index[int(t.year)]] += float(t.amount)

    n_years, n_kommuner = len(years), len(names)
    return Lines(
        years=years,
        ids=tuple(ids),
        names=tuple(labels),
        group=tuple(group),
        category=tuple(category),
        sign=np.array(sign, dtype=float),
        budget=np.array(budget, dtype=bool),
        hourly=np.array(hourly, dtype=bool),
        low=np.array(low, dtype=float),
        likely=np.array(likely, dtype=float),
        high=np.array(high, dtype=float),
        flows=np.array(flows, dtype=float).reshape(len(ids), n_years),
        shares=np.array(shares, dtype=float).reshape(len(ids), n_kommuner),
        municipalities=names,
        key=key,
        take_outs=take_outs,
        non_priced=tuple(non_priced),
        outside_period=outside,
    )


def line_present_values(lines: Lines, factors: np.ndarray) -> np.ndarray:
    """Present value of each line's planned flows: ``flows @ factors`` (NOK, ≥ 0)."""
    return lines.flows @ factors


def line_weights(lines: Lines, factors: np.ndarray, tax_rate: float = 0.0) -> np.ndarray:
    """Each line's contribution to the NPV per unit of its multiplier, shape (n_lines, 2).

    Column 0 is the benefit side (PV of benefits net of dis-benefits), column 1
    the cost side (PV of costs including the tax financing cost), so that

        NPV(m) = m @ W[:, 0] − m @ W[:, 1]

    for a vector m of line multipliers. With PV_l the line's present value at
    multiplier 1, s_l its sign and b_l = 1 where it changes a public budget:

        benefit side_l = s_l · PV_l                 for benefits and dis-benefits, else 0
        cost side_l    = PV_l · [cost] + τ · b_l · (−s_l) · PV_l

    The second term is the tax financing cost (skattefinansieringskostnad,
    R-109/2021): τ (20 %) of the net effect on public budgets.
    """
    pv = line_present_values(lines, factors)
    benefit_side = np.where(lines.is_cost, 0.0, lines.sign * pv)
    cost_side = np.where(lines.is_cost, pv, 0.0) + tax_rate * lines.budget * (-lines.sign) * pv
    return np.column_stack([benefit_side, cost_side])
