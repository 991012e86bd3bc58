"""Approved baselines (godkjent plan): what changed since a decision point approved the plan.

A baseline is the plan as it stood when a decision point (BP2, BP3 …) approved it. The
Prosjektveiviseren asks at BP5 whether goal attainment matches what was expected at BP2,
and audit bodies name moving baselines as a main reason benefits cannot be documented.
This module compares the approved plan with today's plan; it reads no files (the
snapshots are read by :mod:`gevinst.io.baselines`).

Rules (docs/baselines.md):

- A target is *lowered* when the planned improvement in the good direction,
  ``improvement(item, target)`` measured from the item's own nullpunkt, is smaller now
  than when approved (for an «decrease» indicator a higher target is lower).
- A date is *pushed* when the target date (a resultatmål's due date) is later now.
- A lowered target or a pushed date without a ``change_reason`` on the item is
  *unexplained* and flagged; raised targets, earlier dates and added or removed items
  are listed, not flagged.

>>> import datetime as dt
>>> from gevinst.model.schema import Direction
>>> class B:
...     id = "g1"; name = "Saker"; baseline = 100.0; target = 60.0
...     direction = Direction.DECREASE; target_date = dt.date(2027, 1, 1); change_reason = ""
>>> class C(B):
...     target = 70.0
>>> [c.kind for c in item_changes(B, C, "benefits")], item_changes(B, C, "benefits")[0].unexplained
(['target_lowered'], True)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gevinst.model.schema import Benefit, Plan, ResultGoal
from gevinst.model.tracking import jsonable
from gevinst.model.valuation import annual_value_at_target, improvement

LISTS = ("benefits", "disbenefits", "result_goals")
"""The parts of a plan whose items have targets and dates."""

CHANGE_KINDS = (
    "added",
    "removed",
    "target_raised",
    "target_lowered",
    "date_earlier",
    "date_pushed",
)


@dataclass(frozen=True)
class ItemBaseline:
    """What a decision point approved for one item."""

    decision_point: str
    approved_on: dt.date | None
    target: float
    target_date: dt.date
    planned_nok: float | None
    """NOK per year at the approved target (u · |target − nullpunkt|); None: not priced."""

    def to_json(self) -> dict:
        return jsonable(self)


@dataclass(frozen=True)
class Change:
    """One change of an item since the approved plan."""

    item: str
    part: str
    """``benefits``, ``disbenefits`` or ``result_goals``."""
    name: str
    kind: str
    """One of :data:`CHANGE_KINDS`."""
    before: Any
    after: Any
    reason: str
    unexplained: bool
    """A lowered target or a pushed date without a recorded reason."""

    def to_json(self) -> dict:
        return jsonable(self)


def _date(item: Any) -> dt.date:
    return item.due_date if isinstance(item, ResultGoal) else item.target_date


def _name(item: Any) -> str:
    return item.text if isinstance(item, ResultGoal) else item.name


def item_changes(before: Any, after: Any, part: str) -> list[Change]:
    """The changes of one item present in both plans: target and target date.

    The target is compared by the planned improvement from the item's own nullpunkt, so
    that a moved nullpunkt with the same distance to the target is no change of ambition.
    """
    out: list[Change] = []
    reason = (getattr(after, "change_reason", "") or "").strip()
    if float(before.target) != float(after.target):
        lowered = improvement(after, float(after.target)) < improvement(
            before, float(before.target)
        )
        out.append(
            Change(
                after.id,
                part,
                _name(after),
                "target_lowered" if lowered else "target_raised",
                float(before.target),
                float(after.target),
                reason,
                lowered and not reason,
            )
        )
    old, new = _date(before), _date(after)
    if old != new:
        pushed = new > old
        out.append(
            Change(
                after.id,
                part,
                _name(after),
                "date_pushed" if pushed else "date_earlier",
                old,
                new,
                reason,
                pushed and not reason,
            )
        )
    return out


def plan_changes(approved: Plan, current: Plan) -> list[Change]:
    """Every change from the approved plan to today's: added, removed and moved items.

    Ordered by part (benefits, dis-benefits, resultatmål), then as the items appear
    (removed items after the current ones).
    """
    out: list[Change] = []
    for part in LISTS:
        old = {i.id: i for i in getattr(approved, part)}
        new = {i.id: i for i in getattr(current, part)}
        for item_id, item in new.items():
            if item_id not in old:
                out.append(
                    Change(
                        item_id,
                        part,
                        _name(item),
                        "added",
                        None,
                        float(item.target),
                        (getattr(item, "change_reason", "") or "").strip(),
                        False,
                    )
                )
            else:
                out.extend(item_changes(old[item_id], item, part))
        for item_id, item in old.items():
            if item_id not in new:
                out.append(
                    Change(
                        item_id, part, _name(item), "removed", float(item.target), None, "", False
                    )
                )
    return out


def item_baselines(
    approved: Plan,
    decision_point: str,
    default_hourly_cost: float,
    approved_on: dt.date | None = None,
) -> dict[str, ItemBaseline]:
    """What the approved plan said about each item, by id."""
    out: dict[str, ItemBaseline] = {}
    for part in LISTS:
        for item in getattr(approved, part):
            nok = (
                annual_value_at_target(item, default_hourly_cost)
                if isinstance(item, Benefit)
                else None
            )
            out.setdefault(
                item.id,
                ItemBaseline(decision_point, approved_on, float(item.target), _date(item), nok),
            )
    return out


def changes_by_item(changes: Iterable[Change]) -> dict[str, list[Change]]:
    """The changes grouped by item id."""
    out: dict[str, list[Change]] = {}
    for c in changes:
        out.setdefault(c.item, []).append(c)
    return out


@dataclass(frozen=True)
class Attainment:
    """Goal attainment (måloppnåelse) against the approved target (BP5 against BP2)."""

    item: str
    name: str
    approved_target: float
    current_target: float | None
    latest_value: float | None
    share_of_approved: float | None
    """improvement(latest) / improvement(approved target); None when nothing is measured."""
    share_of_current: float | None

    def to_json(self) -> dict:
        return jsonable(self)


def _share(approved: Any, target_item: Any, value: float | None) -> float | None:
    """improvement(value) / improvement(target of ``target_item``), from the approved nullpunkt."""
    if value is None or target_item is None:
        return None
    full = improvement(approved, float(target_item.target))
    return None if full == 0 else improvement(approved, float(value)) / full


def attainment_against(approved: Plan, current: Plan, statuses: Sequence[Any]) -> list[Attainment]:
    """Goal attainment of each approved benefit and resultatmål, against the approved target
    and today's, from the latest measured value of each item's status.

    share = improvement(latest value) / improvement(target), both from the approved
    nullpunkt (DFØ: «måloppnåelse sammenlignet med BP2»).

    >>> class B:
    ...     id = "g"; name = "G"; baseline = 0.0; target = 100.0
    ...     from gevinst.model.schema import Direction; direction = Direction.INCREASE
    >>> class S:
    ...     id = "g"; latest_value = 40.0
    >>> class Pl:
    ...     benefits = [B]; disbenefits = []; result_goals = []
    >>> attainment_against(Pl, Pl, [S])[0].share_of_approved
    0.4
    """
    latest: Mapping[str, Any] = {s.id: s.latest_value for s in statuses}
    now = {i.id: i for part in LISTS for i in getattr(current, part)}
    out: list[Attainment] = []
    for part in ("benefits", "result_goals"):
        for item in getattr(approved, part):
            value = latest.get(item.id)
            cur = now.get(item.id)

            out.append(
                Attainment(
                    item.id,
                    _name(item),
                    float(item.target),
                    float(cur.target) if cur is not None else None,
                    value,
                    _share(item, item, value),
                    _share(item, cur, value),
                )
            )
    return out


SUMMARY_KEYS = (
    "npv",
    "npv_as_planned",
    "npv_cash_only",
    "npv_per_budget_krone",
    "base_year",
    "price_year",
    "start_year",
    "analysis_years",
)
"""The cost/benefit figures a snapshot keeps (as :meth:`CbaResult.to_json` names them)."""


def cba_summary(result_json: Mapping[str, Any]) -> dict[str, Any]:
    """The cost/benefit summary stored with a baseline: :data:`SUMMARY_KEYS` of the result.

    >>> cba_summary({"npv": 1.0, "irr": 0.1, "base_year": 2025})
    {'npv': 1.0, 'base_year': 2025}
    """
    return {k: result_json[k] for k in SUMMARY_KEYS if k in result_json}
