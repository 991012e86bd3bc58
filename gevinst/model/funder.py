"""The funder's view (issue 12, point 6): Digdir's co-financing scheme and the 50 % rule.

Digdir's medfinansieringsordning asks for a yearly report by 1 March (status of the
benefits, deviations, accounts) and a final report with the benefits realisation
plan, and requires that half of the *internal* net gains be taken out of budgets
(*uttak*). gevinst keeps the rule as data: ``project.take_out_requirement`` (0.5 for
Digdir; empty: no rule applies).

With s the :class:`~gevinst.model.tracking.ItemStatus` rows of the project at ``as_of``:

* **internal net gains** G = Σ ``realised_nok`` of the priced benefits whose category
  is the organisation's own (``own_budget``: effect on the own budget;
  ``freed_resources``: freed time) − Σ ``realised_nok`` of dis-benefits in those
  categories (realised to ``as_of``, the one rule of
  :func:`gevinst.model.tracking.realised_nok`);
* **uttak** U = U_cash + U_time: U_cash = Σ ``realised_nok`` of the *cash* benefits (a
  cash benefit releases budget when it is realised – the same rule as the
  gevinstregnskap, :func:`gevinst.model.cba.benefit_accounts`); U_time = Σ the plan's
  ``take_outs`` of non-cash benefits in budget years that have ended (year <
  ``as_of.year``) – planned cuts in budgets already adopted, to be confirmed by the
  kommune;
* **share** U / G (None when G ≤ 0), met when share ≥ the requirement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from gevinst.model.schema import BenefitCategory, BenefitKind, Plan

INTERNAL = (BenefitCategory.OWN_BUDGET, BenefitCategory.FREED_RESOURCES)


@dataclass(frozen=True)
class TakeOutCheck:
    """The take-out rule at ``as_of`` (see the module docstring)."""

    required_share: float | None
    internal_gains: float
    taken_out_cash: float
    taken_out_time: float
    as_of: dt.date

    @property
    def taken_out(self) -> float:
        return self.taken_out_cash + self.taken_out_time

    @property
    def share(self) -> float | None:
        return self.taken_out / self.internal_gains if self.internal_gains > 0 else None

    @property
    def applies(self) -> bool:
        return self.required_share is not None

    @property
    def met(self) -> bool | None:
        """True / False when the rule applies and gains are realised; else None."""
        if self.required_share is None or self.share is None:
            return None
        return self.share >= self.required_share

    @property
    def missing(self) -> float:
        """NOK still to take out to meet the requirement (0 when met)."""
        if self.required_share is None:
            return 0.0
        return max(0.0, self.required_share * max(0.0, self.internal_gains) - self.taken_out)

    def to_json(self) -> dict[str, Any]:
        return {
            "required_share": self.required_share,
            "internal_gains": self.internal_gains,
            "taken_out_cash": self.taken_out_cash,
            "taken_out_time": self.taken_out_time,
            "taken_out": self.taken_out,
            "share": self.share,
            "met": self.met,
            "missing": self.missing,
            "as_of": self.as_of.isoformat(),
        }


def take_out_check(plan: Plan, statuses: Iterable[Any], as_of: dt.date) -> TakeOutCheck:
    """The 50 % rule (or the plan's own requirement) for ``plan`` at ``as_of``."""
    realised = {
        s.id: float(s.realised_nok)
        for s in statuses
        if getattr(s, "realised_nok", None) is not None
        and getattr(s, "project", plan.project.id) == plan.project.id
    }
    gains = sum(realised.get(b.id, 0.0) for b in plan.benefits if b.category in INTERNAL)
    gains -= sum(realised.get(b.id, 0.0) for b in plan.disbenefits if b.category in INTERNAL)
    cash = sum(realised.get(b.id, 0.0) for b in plan.benefits if b.kind == BenefitKind.CASH)
    time = sum(
        t.amount
        for b in plan.benefits
        if b.kind != BenefitKind.CASH
        for t in b.take_outs
        if t.year < as_of.year
    )
    return TakeOutCheck(
        required_share=plan.project.take_out_requirement,
        internal_gains=float(gains),
        taken_out_cash=float(cash),
        taken_out_time=float(time),
        as_of=as_of,
    )


def latest_comments(measurements: Iterable[Any], as_of: dt.date) -> dict[str, str]:
    """The comment of each item's latest measurement on or before ``as_of`` (the owner's
    stated reason for a deviation), by item id; items without a comment are left out."""
    latest: dict[str, tuple[dt.date, str]] = {}
    for m in measurements:
        if (
            m.date <= as_of
            and m.comment
            and (m.target_id not in latest or m.date >= latest[m.target_id][0])
        ):
            latest[m.target_id] = (m.date, m.comment)
    return {k: v for k, (_, v) in latest.items()}
