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
    MAX_AMOUNT,
    AnalysisSettings,
    Benefit,
    BenefitKind,
    Cost,
    CostCategory,
    CostSharing,
    Plan,
    Workspace,
)
from gevinst.model.valuation import annual_value_at_target, is_priced

COST, BENEFIT, DISBENEFIT, TAKE_OUT = "cost", "benefit", "disbenefit", "take_out"


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

    def __post_init__(self) -> None:
        """Refuse values the analysis cannot use, with the same issues as a bad file."""
        issues = assumption_issues(self)
        if issues:
            raise InputError(issues)


ASSUMPTION_RULES: dict[str, tuple[float, float, str]] = {
    "discount_rate": (0.0, 1.0, "0 … 1 (0 %–100 %)"),
    "hourly_cost": (0.0, 1e6, "0 … 1 000 000"),
    "delay_years": (-50, 50, "−50 … 50 (whole years)"),
    "benefit_scale": (0.0, 100.0, "0 … 100"),
    "cost_overrun": (-1.0, 100.0, "−1 … 100 (−100 % … +10 000 %)"),
}
"""(lowest, highest, allowed text) for every numeric :class:`Assumptions` value."""


def assumption_issues(a: Assumptions) -> list[Issue]:
    """Problems in ``a``: a number that is not finite or outside ``ASSUMPTION_RULES``.

    ``Assumptions(discount_rate=-1)`` raises :class:`~gevinst.errors.InputError`
    with key ``assumptions.discount_rate`` (found −1, allowed 0 … 1).
    """
    out: list[Issue] = []
    for name, (lo, hi, allowed) in ASSUMPTION_RULES.items():
        value = getattr(a, name)
        if value is None and name in ("discount_rate", "hourly_cost"):
            continue
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok and name == "delay_years":
            ok = float(value).is_integer()
        if ok:
            ok = bool(np.isfinite(value)) and lo <= float(value) <= hi
        if not ok:
            out.append(
                Issue(
                    "out_of_range",
                    key=f"assumptions.{name}",
                    field=name,
                    found=value,
                    allowed=allowed,
                )
            )
    if a.tax_financing is not None and not isinstance(a.tax_financing, bool):
        out.append(
            Issue(
                "wrong_type",
                key="assumptions.tax_financing",
                field="tax_financing",
                found=a.tax_financing,
                allowed="true, false or empty",
            )
        )
    return out


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
    """Cost id → calendar years with amounts after the analysis period (left out)."""
    residual: np.ndarray | None = None
    """Residual value (restverdi) per line, NOK at the year after the analysis period,
    ≥ 0 (an investment's undepreciated value); None: no residual value."""
    sunk: dict[str, dict[int, float]] = field(default_factory=dict)
    """Cost id → {year: NOK} paid before the first analysis year (påløpte kostnader)."""
    price_factor: float = 1.0
    """Index(workspace price year) / index(plan price year): applied to the plan's amounts."""
    price_year: int = 0
    """The price year of every amount here (after conversion)."""
    warnings: tuple[tuple[str, str, str], ...] = ()
    """(code, text nb, text en) of things the analyst should see."""
    groups: tuple[tuple[str, tuple[int, ...], float], ...] = ()
    """Correlation groups: (id, line indices, correlation)."""

    @property
    def residual_values(self) -> np.ndarray:
        """Residual value per line (zeros when there is none)."""
        return np.zeros(self.n) if self.residual is None else self.residual

    @property
    def residual_year(self) -> int:
        """The year the residual value is put in: the year after the analysis period."""
        return int(self.years[-1]) + 1

    @property
    def is_take_out(self) -> np.ndarray:
        return np.array([g == TAKE_OUT for g in self.group], dtype=bool)

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
                g in (BENEFIT, DISBENEFIT) and c == BenefitKind.CASH.value
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


def first_analysis_year(plan: Plan) -> int:
    """Year 0 of the analysis: ``analysis_start_year``, else ``decision_year``, else the start year.

    R-109's steps (4 % for 40 years, then 3 %, then 2 %) are counted from here:
    R-109/2021 counts the years from the start of the analysis.
    """
    p = plan.project
    if p.analysis_start_year is not None:
        return int(p.analysis_start_year)
    if p.decision_year is not None:
        return int(p.decision_year)
    return int(p.start_date.year)


def _payments(cost: Cost, until: int) -> list[tuple[int, float]]:
    """(year, planned NOK) of a cost line, with its reinvestments up to ``until``.

    A line with ``reinvest`` and a ``lifetime`` L repeats every payment L, 2L, …
    years later while that year is ≤ ``until`` (the last analysis year).
    """
    out = [(int(y), float(a)) for y, a in sorted(cost.amounts.items()) if a]
    if cost.reinvest and cost.lifetime:
        for y, a in list(out):
            k = y + cost.lifetime
            while k <= until:
                out.append((k, a))
                k += cost.lifetime
    return sorted(out)


def analysis_length(plan: Plan, workspace: Workspace) -> int:
    """Number of analysis years (the analysis period).

    ``project.analysis_years`` when given. Otherwise the period follows the
    lifetime of the measure (NOU 2012:16 kap. 6; DFØ's guide kap. 3.5): from
    year 0 to the end of the longest-lived cost line with a ``lifetime`` (the
    last year of life of its payments), capped at ``analysis.max_years`` — and
    that cap when a line is reinvested. Without any lifetime:
    ``analysis.default_years``. What lives beyond the period becomes residual
    value (:func:`build_lines`).
    """
    p = plan.project
    if p.analysis_years is not None:
        return int(p.analysis_years)
    settings = workspace.analysis
    with_life = [c for c in plan.costs if c.lifetime]
    if not with_life:
        return int(settings.default_years)
    if any(c.reinvest for c in with_life):
        return int(settings.max_years)
    first = first_analysis_year(plan)
    last = max(int(y) + int(c.lifetime) - 1 for c in with_life for y, a in c.amounts.items() if a)
    return int(min(settings.max_years, max(1, last - first + 1)))


def analysis_years(plan: Plan, workspace: Workspace | None = None) -> np.ndarray:
    """Calendar years of the analysis: year 0 = :func:`first_analysis_year`."""
    first = first_analysis_year(plan)
    if workspace is None:
        n = plan.project.analysis_years or AnalysisSettings().default_years
    else:
        n = analysis_length(plan, workspace)
    return np.arange(first, first + n, dtype=int)


def price_factor(plan: Plan, workspace: Workspace) -> tuple[float, int]:
    """(factor, price year): converts the plan's amounts to the workspace's price year.

    factor = I(workspace price year) / I(plan price year) with the workspace's
    ``price_index`` (e.g. SSB's KPI, annual averages). Without a workspace
    ``price_year`` every plan stays in its own price year (factor 1). A price
    year the index does not cover is refused (:class:`~gevinst.errors.InputError`).

    With the KPI 2015 = 100 of the example, 2022 = 122.8 and 2024 = 133.6, an
    amount in 2022 prices is × 133.6 / 122.8 = 1.0879… in 2024 prices.
    """
    own = int(plan.project.price_year)
    target = workspace.price_year
    if target is None or int(target) == own:
        return 1.0, own
    index = workspace.price_index
    values = {} if index is None else {int(k): float(v) for k, v in index.values.items()}
    covered = (
        f"{min(values)}–{max(values)}"
        if values
        else "ingen prisindeks i gevinst.yaml (price_index)"
    )
    issues = [
        Issue(
            "not_allowed",
            key=key,
            field="price_year",
            found=year,
            allowed=covered,
            detail="prisindeksen dekker ikke året / the price index does not cover the year",
        )
        for key, year in (("project.price_year", own), ("price_year", int(target)))
        if year not in values
    ]
    if issues:
        raise InputError(issues)
    return values[int(target)] / values[own], int(target)


def sunk_costs(plan: Plan) -> dict[str, dict[int, float]]:
    """Cost id → {year: planned NOK} paid before the first analysis year (påløpte kostnader).

    Sunk costs cannot be changed by the decision the analysis supports, so they
    are not in the NPV (DFØ's guide: sunk costs are irrelevant to the choice);
    they are shown beside it. In the plan's own price year.
    """
    first = first_analysis_year(plan)
    out: dict[str, dict[int, float]] = {}
    for cost in plan.costs:
        for year, amount in sorted(cost.amounts.items()):
            if int(year) < first and amount:
                out.setdefault(cost.id, {})[int(year)] = float(amount)
    return out


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


def _alive(cost: Cost, years: np.ndarray, until: int) -> np.ndarray:
    """True in the years a cost line's solution is in service (its lifetime after each payment)."""
    if not cost.lifetime:
        return np.ones(years.size, dtype=bool)
    alive = np.zeros(years.size, dtype=bool)
    for y, _ in _payments(cost, until):
        alive |= (years >= y) & (years < y + cost.lifetime)
    return alive


def _residual(cost: Cost, first: int, last: int) -> float:
    """Residual value (restverdi) at year ``last + 1`` of a cost line, planned NOK.

    Linear depreciation over the lifetime L: a payment A in year y (first ≤ y ≤
    last, reinvestments included) in service in years y … y + L − 1 still has
    R = y + L − 1 − last years of life after the period, and is worth
    A · R / L then (DFØ's guide kap. 3.5; NOU 2012:16 kap. 6: the value of
    what outlives the analysis period). Lines without a lifetime have none.

    >>> from gevinst.model.schema import Cost
    >>> c = Cost(id="K", name="k", category="investment", amounts={2025: 800}, lifetime=8)
    >>> _residual(c, 2025, 2030)   # 2 of 8 years of life left after 2030
    200.0
    """
    if not cost.lifetime or cost.category != CostCategory.INVESTMENT:
        return 0.0
    total = 0.0
    for y, amount in _payments(cost, last):
        if first <= y <= last:
            remaining = y + cost.lifetime - 1 - last
            if remaining > 0:
                total += amount * remaining / cost.lifetime
    return total


def build_lines(
    plan: Plan,
    workspace: Workspace,
    assumptions: Assumptions = Assumptions(),
    *,
    cache: FractionCache | None = None,
) -> Lines:
    """Turn a plan into :class:`Lines` (planned NOK per line and analysis year).

    Costs: ``payments[year] × price factor × (1 + cost_overrun)``, payments
    including reinvestments (:func:`_payments`); before the first analysis
    year they are sunk (:attr:`Lines.sunk`), after the last left out
    (:attr:`Lines.outside_period`). Benefits: ``fraction(year − delay) ×
    annual_value_at_target × benefit_scale``, zero in years where none of the
    cost lines in ``depends_on`` is in service; dis-benefits the same without
    ``benefit_scale``. Uttak of non-cash benefits are ``take_out`` lines: they
    change the budget picture, not the NPV.
    """
    cache = cache or FractionCache()
    years = analysis_years(plan, workspace)
    first, last = int(years[0]), int(years[-1])
    names = tuple(plan.project.municipalities)
    key = sharing_key(plan, workspace)
    factor, price_year = price_factor(plan, workspace)
    hourly_cost = (
        assumptions.hourly_cost if assumptions.hourly_cost is not None else workspace.hourly_cost
    )
    index = {int(y): k for k, y in enumerate(years)}
    costs_by_id = {c.id: c for c in plan.costs}

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
    residual: list[float] = []
    outside: dict[str, list[int]] = {}

    def add(line_id, name, grp, cat, sgn, bud, hrs, unc, row, share, rest=0.0) -> None:
        ids.append(line_id)
        labels.append(name)
        group.append(grp)
        category.append(cat)
        sign.append(sgn)
        budget.append(bud)
        hourly.append(hrs)
        low.append(unc.low if unc else 1.0)
        likely.append(unc.likely if unc else 1.0)
        high.append(unc.high if unc else 1.0)
        flows.append(row)
        shares.append(share)
        residual.append(rest)

    overrun = 1.0 + assumptions.cost_overrun
    for cost in plan.costs:
        row = np.zeros(len(years))
        for year, amount in _payments(cost, last):
            if year in index:
                row[index[year]] += amount
            elif year > last:
                outside.setdefault(cost.id, []).append(year)
        add(
            cost.id,
            cost.name,
            COST,
            cost.category.value,
            -1.0,
            cost.category != CostCategory.INTERNAL,
            False,
            cost.uncertainty,
            row * factor * overrun,
            key.copy(),
            _residual(cost, first, last) * factor * overrun,
        )

    non_priced: list[str] = []
    shifted = years - int(assumptions.delay_years)
    last_benefit_year: int | None = None
    for name, items in ((BENEFIT, plan.benefits), (DISBENEFIT, plan.disbenefits)):
        for n, b in enumerate(items):
            if not is_priced(b):
                non_priced.append(b.id)
                continue
            value = annual_value_at_target(b, hourly_cost)
            if value is None:  # pragma: no cover - is_priced guarantees a price
                non_priced.append(b.id)
                continue
            if not np.isfinite(value) or abs(value) * max(factor, 1.0) > MAX_AMOUNT:
                raise InputError(
                    [
                        Issue(
                            "out_of_range",
                            key=f"{'benefits' if name == BENEFIT else 'disbenefits'}[{n}]",
                            field="valuation",
                            found=value,
                            allowed=f"|target − baseline| × price ≤ {MAX_AMOUNT:.0e} NOK a year",
                        )
                    ]
                )
            scale = assumptions.benefit_scale if name == BENEFIT else 1.0
            fractions = cache.get((name, n), b, shifted)
            deps = [costs_by_id[d] for d in b.depends_on if d in costs_by_id]
            if deps:
                alive = np.zeros(len(years), dtype=bool)
                for d in deps:
                    alive |= _alive(d, years, last)
                fractions = np.where(alive, fractions, 0.0)
            v = b.valuation
            by_hour = (
                v is not None
                and v.nok_per_unit is None
                and v.hours_per_unit is not None
                and v.hourly_cost is None
            )
            row = fractions * value * scale * (1.0 if by_hour else factor)
            if name == BENEFIT and np.any(row > 0):
                year = int(years[np.nonzero(row > 0)[0][-1]])
                last_benefit_year = max(last_benefit_year or year, year)
            add(
                b.id,
                b.name,
                name,
                b.kind.value,
                1.0 if name == BENEFIT else -1.0,
                b.kind == BenefitKind.CASH,
                by_hour,
                b.uncertainty,
                row,
                restricted_shares(key, names, b.municipalities),
            )

    take_outs = np.zeros(len(years))
    for b in plan.benefits:
        budget_rows: dict[str, np.ndarray] = {}
        for t in b.take_outs:
            if int(t.year) in index:
                amount = float(t.amount) * factor
                take_outs[index[int(t.year)]] += amount
                where = t.budget if t.budget in names else ""
                budget_rows.setdefault(where, np.zeros(len(years)))[index[int(t.year)]] += amount
        # A cash benefit is in the budget already: its uttak is shown, not counted twice.
        in_budget = b.kind != BenefitKind.CASH
        for where, row in budget_rows.items():
            share = (
                restricted_shares(key, names, [where])
                if where
                else restricted_shares(key, names, b.municipalities)
            )
            add(
                f"{b.id}:uttak" + (f":{where}" if where else ""),
                f"Uttak: {b.name}",
                TAKE_OUT,
                b.kind.value,
                0.0,
                in_budget,
                False,
                None,
                row,
                share,
            )

    warnings: list[tuple[str, str, str]] = []
    if plan.costs and last_benefit_year is not None:
        ends = []
        for c in plan.costs:
            paid = [y for y, _ in _payments(c, last)]
            ends.append(max(paid) + (c.lifetime - 1 if c.lifetime else 0) if paid else first)
        if last_benefit_year > max(ends):
            warnings.append(
                (
                    "benefits_outlive_costs",
                    f"Gevinstene varer til {last_benefit_year}, lenger enn alle kostnadslinjene "
                    f"(siste {max(ends)}): mangler drift, levetid eller reinvestering?",
                    f"Benefits last until {last_benefit_year}, longer than every cost line "
                    f"(last {max(ends)}): is operation, a lifetime or a reinvestment missing?",
                )
            )

    index_of = {line_id: k for k, line_id in enumerate(ids)}
    groups = [
        (g.id, tuple(index_of[x] for x in g.lines if x in index_of), float(g.correlation))
        for g in plan.correlation_groups
    ]
    grouped = {k for _, members, _ in groups for k in members}
    for kind, rho in workspace.monte_carlo.kind_correlation.items():
        kind = getattr(kind, "value", kind)
        members = tuple(
            k
            for k, (g, c) in enumerate(zip(group, category, strict=True))
            if g == BENEFIT and c == kind and k not in grouped
        )
        if len(members) > 1 and rho > 0:
            groups.append((f"workspace:{kind}", members, float(rho)))
    sunk = {
        cid: {y: a * factor for y, a in by_year.items()}
        for cid, by_year in sunk_costs(plan).items()
    }
    n_years, n_kommuner = len(years), len(names)
    rest = np.array(residual, dtype=float)
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
        residual=rest if rest.any() else None,
        sunk=sunk,
        price_factor=factor,
        price_year=price_year,
        warnings=tuple(warnings),
        groups=tuple(groups),
    )


def line_present_values(lines: Lines, factors: np.ndarray, residual_factor: float = 0.0):
    """Present value of each line: ``flows @ factors`` − residual · ``residual_factor``.

    ``residual_factor`` is the discount factor of :attr:`Lines.residual_year`; a
    cost line's residual value is value kept, so it lowers the line's PV.
    """
    return lines.flows @ factors - lines.residual_values * residual_factor


def line_weights(
    lines: Lines, factors: np.ndarray, tax_rate: float = 0.0, residual_factor: float = 0.0
) -> np.ndarray:
    """Each line's contribution to the NPV per unit of its multiplier, shape (n_lines, 2).

    Column 0 is the benefit side (PV of benefits net of dis-benefits), column 1
    the cost side (PV of costs including the tax financing cost), so that

        NPV(m) = m @ W[:, 0] − m @ W[:, 1]

    for a vector m of line multipliers. With PV_l the line's present value at
    multiplier 1 (residual value deducted), F_l the PV of its flows in the
    analysis years alone, s_l its sign and b_l = 1 where it changes a public
    budget:

        benefit side_l = s_l · PV_l                 for benefits and dis-benefits, else 0
        cost side_l    = PV_l · [cost] + τ · b_l · (−s_l) · F_l      (costs, benefits)
        cost side_l    = −τ · F_l                                    (uttak lines)

    The τ terms are the tax financing cost (skattefinansieringskostnad,
    R-109/2021): τ (20 %) of the net effect on public budgets, which cash
    benefits and uttak of freed time both reduce. The residual value is not a
    budget flow, so it carries no tax financing cost.
    """
    pv = line_present_values(lines, factors, residual_factor)
    flow_pv = lines.flows @ factors
    cost = lines.is_cost
    take = lines.is_take_out
    benefit_side = np.where(cost | take, 0.0, lines.sign * pv)
    tax = tax_rate * lines.budget * np.where(take, -1.0, -lines.sign) * flow_pv
    cost_side = np.where(cost, pv, 0.0) + tax
    return np.column_stack([benefit_side, cost_side])
