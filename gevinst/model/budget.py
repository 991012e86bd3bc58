"""The økonomiplan view: what the collaboration's projects mean for each kommune's budget.

A kommune's finance officer needs, per budget year (the økonomiplan is the
four-year plan adopted each autumn, with next year's årsbudsjett as its first
year; kommuneloven § 14-4, KS' gevinstarbeid): what the projects cost *this*
kommune (investment, operation, internal effort by each project's cost-sharing
key), the cash gains expected, the uttak (gains taken out of the budget)
planned, and — for past years — the uttak realised.

**One rule.** Every figure is the engine's own per-kommune split, year by year
(:func:`gevinst.model.cba.municipality_year_flows`, the rule behind
:func:`gevinst.model.cba.municipality_results`): undiscounted, at the expected
multipliers, in real prices of the analysis' price year. Discounted with the
engine's factors the yearly figures give ``cba --json``'s per-kommune present
values exactly; their sums are its budget picture (``costs_paid``,
``cash_benefits``, ``take_outs_planned``).

**Prices.** ``real`` keeps the engine's fixed kroner (faste kroner) of the
price year. ``nominal`` (løpende kroner, what a budget is adopted in) converts
year y by the price index: × I(y) / I(price year); for a year after the
index's last year L, × I(L) / I(price year) · (1 + π)^(y − L), π the stated
inflation assumption (the workspace's ``budget.inflation``; Norges Bank's
target, 2 %, by default). The view states which was used.

**Realised uttak.** The measurements give each cash benefit's realised NOK to
date (:attr:`gevinst.model.tracking.ItemStatus.realised_nok`), not per year;
the view reports it per kommune and project to the as-of date, split by the
benefit line's own kommune shares (:func:`gevinst.model.cba.benefit_accounts`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from gevinst.model.cba import CbaResult, benefit_accounts, municipality_year_flows
from gevinst.model.schema import Workspace

ITEMS = ("investment", "operation", "internal", "cash_benefits", "take_outs")
"""The budget lines per kommune, project and year (NOK)."""

_FLOW_OF = {
    "investment": "cost_investment",
    "operation": "cost_operation",
    "internal": "cost_internal",
    "cash_benefits": "cash_benefits",
    "take_outs": "take_outs",
}

ITEM_LABELS = {
    "investment": ("Investering", "Investment"),
    "operation": ("Drift", "Operation"),
    "internal": ("Egeninnsats", "Internal effort"),
    "cash_benefits": ("Kontantgevinster forventet", "Cash gains expected"),
    "take_outs": ("Uttak planlagt", "Take-outs planned"),
}
"""Norwegian and English labels of :data:`ITEMS` (the Excel rows and table columns)."""

_INDEX = {item: k for k, item in enumerate(ITEMS)}

DEFAULT_INFLATION = 0.02
"""π when the workspace states none: Norges Bank's inflation target (2 %)."""


@dataclass(frozen=True)
class BudgetLine:
    """One project's figures for one kommune and one budget year (NOK, undiscounted)."""

    municipality: str
    project_id: str
    year: int
    investment: float
    operation: float
    internal: float
    cash_benefits: float
    take_outs: float

    @property
    def costs(self) -> float:
        """Costs to budget: investment + operation (internal effort is staff already paid)."""
        return self.investment + self.operation

    def to_json(self) -> dict[str, Any]:
        return {
            "municipality": self.municipality,
            "project_id": self.project_id,
            "year": self.year,
            **{k: getattr(self, k) for k in ITEMS},
        }


@dataclass(frozen=True)
class BudgetView:
    """The økonomiplan view (see the module docstring); ``to_json()`` is ``budget --json``."""

    years: tuple[int, ...]
    prices: str
    """``real`` (faste kroner of ``price_year``) or ``nominal`` (løpende kroner)."""
    price_year: int
    lines: tuple[BudgetLine, ...]
    factors: dict[int, float] = field(default_factory=dict)
    """Year → the factor applied to the real figures (1.0 throughout for real prices)."""
    index_last_year: int | None = None
    inflation: float = DEFAULT_INFLATION
    realised: dict[str, dict[str, float]] = field(default_factory=dict)
    """Kommune → project → uttak realised to the as-of date (real NOK of the price year)."""
    skipped: tuple[str, ...] = ()
    """Projects that could not be analysed (left out)."""

    @cached_property
    def municipalities(self) -> list[str]:
        return sorted({line.municipality for line in self.lines})

    @cached_property
    def projects(self) -> list[str]:
        return sorted({line.project_id for line in self.lines})

    @cached_property
    def _sums(self) -> dict[tuple[str | None, str | None, int | None], list[float]]:
        """(kommune | None, project | None, year | None) → Σ of each :data:`ITEMS` entry.

        Built once, on the first :meth:`total`, in one pass over the lines: each line
        adds to the eight keys it matches (None = every value of that field). The
        sums are taken in the order of :attr:`lines`, as a plain ``sum`` over the
        matching lines would, so :meth:`total` gives the same floats, bit for bit.
        (``cached_property`` writes the instance ``__dict__``, which a frozen
        dataclass allows.)
        """
        sums: dict[tuple[str | None, str | None, int | None], list[float]] = {}
        for line in self.lines:
            values = [getattr(line, item) for item in ITEMS]
            for m in (line.municipality, None):
                for p in (line.project_id, None):
                    for y in (line.year, None):
                        acc = sums.get((m, p, y))
                        if acc is None:
                            sums[(m, p, y)] = [0.0 + v for v in values]
                        else:
                            for k, v in enumerate(values):
                                acc[k] += v
        return sums

    def total(self, item: str, *, municipality: str | None = None,
              project: str | None = None, year: int | None = None) -> float:
        """Σ of ``item`` (one of :data:`ITEMS`) over the lines that match every given filter.

        O(1): a look-up in the sums built once per view (``_sums``); 0.0 when no
        line matches.

        >>> a = BudgetLine("Aby", "p", 2027, 750.0, 0.0, 0.0, 40.0, 0.0)
        >>> b = BudgetLine("Aby", "p", 2028, 750.0, 0.0, 0.0, 40.0, 0.0)
        >>> view = BudgetView((2027, 2028), "real", 2024, (a, b))
        >>> view.total("investment", municipality="Aby"), view.total("investment", year=2028)
        (1500.0, 750.0)
        """
        if item not in _INDEX:
            raise ValueError(f"unknown budget item {item!r}; allowed: {', '.join(ITEMS)}")
        acc = self._sums.get((municipality, project, None if year is None else int(year)))
        return 0.0 if acc is None else float(acc[_INDEX[item]])

    def per_municipality(self) -> list[dict[str, Any]]:
        """Per kommune and year: every item summed over the projects (the totals per kommune)."""
        return [
            {"municipality": m, "year": y, **{i: self.total(i, municipality=m, year=y) for i in ITEMS}}
            for m in self.municipalities
            for y in self.years
        ]

    def per_project(self) -> list[dict[str, Any]]:
        """Per project and year: every item summed over the kommuner (the totals per project)."""
        return [
            {"project_id": p, "year": y, **{i: self.total(i, project=p, year=y) for i in ITEMS}}
            for p in self.projects
            for y in self.years
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "years": list(self.years),
            "prices": self.prices,
            "price_year": self.price_year,
            "currency": "NOK",
            "discounted": False,
            "factors": {str(y): f for y, f in self.factors.items()},
            "index_last_year": self.index_last_year,
            "inflation": self.inflation,
            "lines": [line.to_json() for line in self.lines],
            "per_municipality": self.per_municipality(),
            "per_project": self.per_project(),
            "take_outs_realised": self.realised,
            "skipped": list(self.skipped),
        }


def nominal_factors(
    years: Sequence[int],
    price_year: int,
    index: Mapping[int, float] | None,
    inflation: float = DEFAULT_INFLATION,
) -> tuple[dict[int, float], int | None]:
    """Year → factor from real kroner of ``price_year`` to nominal kroner of that year.

        factor(y) = I(y) / I(p)                           y covered by the index
        factor(y) = I(L) / I(p) · (1 + π)^(y − L)         y > L, the index's last year
        factor(y) = I(F) / I(p) · (1 + π)^(y − F)         y < F, its first year

    Without an index (or one without the price year) only π is used, from p.

    >>> f, last = nominal_factors([2024, 2025, 2026], 2024, {2024: 100.0, 2025: 103.0}, 0.02)
    >>> [round(f[y], 6) for y in (2024, 2025, 2026)], last
    ([1.0, 1.03, 1.0506], 2025)
    """
    values = {int(k): float(v) for k, v in (index or {}).items()}
    if int(price_year) not in values:
        return {int(y): (1.0 + inflation) ** (int(y) - int(price_year)) for y in years}, None
    base = values[int(price_year)]
    first, last = min(values), max(values)
    out: dict[int, float] = {}
    for y in map(int, years):
        if y in values:
            out[y] = values[y] / base
        elif y > last:
            out[y] = values[last] / base * (1.0 + inflation) ** (y - last)
        elif y < first:
            out[y] = values[first] / base * (1.0 + inflation) ** (y - first)
        else:  # a gap inside the index: from the nearest year before
            before = max(k for k in values if k < y)
            out[y] = values[before] / base * (1.0 + inflation) ** (y - before)
    return out, last


def budget_view(
    results: Mapping[str, CbaResult | None],
    years: Sequence[int],
    *,
    nominal: bool = False,
    price_index: Mapping[int, float] | None = None,
    inflation: float = DEFAULT_INFLATION,
    statuses: Sequence[Any] = (),
) -> BudgetView:
    """The økonomiplan view of ``results`` (project id → :class:`CbaResult`) for ``years``.

    Years outside a project's analysis period contribute nothing. ``statuses``
    (:class:`gevinst.model.tracking.ItemStatus`) give the realised uttak to date.

    A project of 1 000 000 investment in 2027, shared by population between
    A (3 000) and B (1 000), gives A 750 000 and B 250 000 in 2027.
    """
    wanted = [int(y) for y in years]
    done = {pid: r for pid, r in results.items() if r is not None and r.lines is not None}
    price_years = {r.price_year for r in done.values()}
    price_year = min(price_years) if price_years else 0
    if nominal:
        factors, last = nominal_factors(wanted, price_year, price_index, inflation)
    else:
        factors, last = {y: 1.0 for y in wanted}, None
    out: list[BudgetLine] = []
    realised: dict[str, dict[str, float]] = {}
    for pid in sorted(done):
        r = done[pid]
        lines = r.lines
        assert lines is not None
        flows = municipality_year_flows(lines, r.tax_rate)
        if nominal and r.price_year != price_year:  # a plan left in its own price year
            own, _ = nominal_factors(wanted, r.price_year, price_index, inflation)
        else:
            own = factors
        column = {int(y): t for t, y in enumerate(lines.years)}
        for k, name in enumerate(lines.municipalities):
            for y in wanted:
                t = column.get(y)
                values = {
                    item: 0.0 if t is None else float(flows[_FLOW_OF[item]][k, t]) * own[y]
                    for item in ITEMS
                }
                out.append(BudgetLine(municipality=name, project_id=pid, year=y, **values))
        for row in benefit_accounts(r, [s for s in statuses if getattr(s, "project", "") == pid]):
            if row.take_outs_realised:
                realised.setdefault(row.name, {})[pid] = row.take_outs_realised
    return BudgetView(
        years=tuple(wanted),
        prices="nominal" if nominal else "real",
        price_year=price_year,
        lines=tuple(out),
        factors=factors,
        index_last_year=last,
        inflation=float(inflation),
        realised=realised,
        skipped=tuple(sorted(pid for pid, r in results.items() if r is None)),
    )


def workspace_budget_view(
    results: Mapping[str, CbaResult | None],
    workspace: Workspace,
    years: Sequence[int],
    *,
    nominal: bool = True,
    statuses: Sequence[Any] = (),
) -> BudgetView:
    """:func:`budget_view` with the workspace's price index and inflation assumption
    (what ``gevinst budget`` and the portfolio report show)."""
    index = workspace.price_index
    return budget_view(
        results,
        years,
        nominal=nominal,
        price_index=index.values if index is not None else None,
        inflation=workspace.budget_inflation,
        statuses=statuses,
    )


def discounted_municipality_figures(result: CbaResult) -> dict[str, dict[str, float]]:
    """Kommune → {``costs``, ``benefits``}: the yearly figures discounted with the engine's factors.

    The proof that the view and the engine agree: equals each
    :class:`~gevinst.model.cba.MunicipalityResult`'s ``costs`` and ``benefits``.
    """
    lines = result.lines
    if lines is None:
        return {}
    flows = municipality_year_flows(lines, result.tax_rate)
    table = result.per_year
    f = table.loc[~table["residual"], "discount_factor"].to_numpy(dtype=float)
    rest = table.loc[table["residual"], "discount_factor"].to_numpy(dtype=float)
    rf = float(rest[0]) if rest.size else 0.0
    cost = (
        flows["cost_investment"]
        + flows["cost_operation"]
        + flows["cost_internal"]
        + flows["tax_financing_cost"]
    )
    costs = cost @ f - flows["residual_value"] * rf
    benefits = flows["benefits"] @ f
    return {
        name: {"costs": float(costs[k]), "benefits": float(benefits[k])}
        for k, name in enumerate(lines.municipalities)
    }


def parse_years(text: str) -> list[int]:
    """``2027-2030`` (or ``2027–2030``, ``2027``) → [2027, …, 2030]; ValueError when malformed.

    >>> parse_years("2027-2030")
    [2027, 2028, 2029, 2030]
    """
    cleaned = text.strip().replace("–", "-")
    parts = cleaned.split("-")
    if len(parts) == 1 and parts[0].isdigit():
        return [int(parts[0])]
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise ValueError(text)
    a, b = int(parts[0]), int(parts[1])
    if b < a or b - a > 40:
        raise ValueError(text)
    return list(range(a, b + 1))


def default_years(as_of_year: int) -> list[int]:
    """The next økonomiplan period: the four years from the year after ``as_of_year``."""
    return list(range(as_of_year + 1, as_of_year + 5))


__all__ = [
    "DEFAULT_INFLATION",
    "ITEMS",
    "ITEM_LABELS",
    "BudgetLine",
    "BudgetView",
    "budget_view",
    "default_years",
    "discounted_municipality_figures",
    "nominal_factors",
    "parse_years",
    "workspace_budget_view",
]
