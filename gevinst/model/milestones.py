"""Milestone-bound realisation: slipped milestones and what the delay costs.

A benefit, dis-benefit or resultatmål with ``starts_at: <milestone id>`` starts its
realisation when that milestone is reached; its whole profile moves with the
milestone's current date (actual, else forecast, else planned). The window itself is
computed in one place, :func:`gevinst.model.profile.item_window`; this module only
compares the plan *as it is* with the plan *as planned*.

**Forsinkelseskostnad** (delay cost) of a milestone m:

    delay_cost(m) = NPV(plan with m at its planned date) − NPV(plan as it is)

both from :func:`gevinst.model.cba.analyse` (expected values, no Monte Carlo), at
the same base year and price level. Positive: the slip costs money (benefits come
later and are discounted more, or fall outside the analysis period). Only the
benefits that start at m move; costs are as planned in both (a delay that also moves
costs is entered in the cost lines themselves).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from gevinst.model.cba import Assumptions, analyse
from gevinst.model.schema import Milestone, Plan, Workspace


@dataclass(frozen=True)
class MilestoneDelay:
    """One slipped milestone: its dates, the items it moves and its delay cost (NOK)."""

    id: str
    name: str
    planned: dt.date
    current: dt.date
    delay_days: int
    items: tuple[str, ...]
    """Ids of the benefits, dis-benefits and resultatmål that start at it."""
    npv_planned: float
    """NPV with this milestone at its planned date."""
    npv_current: float
    """NPV as the plan is (the milestone at its forecast or actual date)."""
    delay_cost: float = field(default=0.0)
    """npv_planned − npv_current (forsinkelseskostnad)."""

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "planned_date": self.planned.isoformat(),
            "current_date": self.current.isoformat(),
            "delay_days": self.delay_days,
            "items": list(self.items),
            "npv_planned": self.npv_planned,
            "npv_current": self.npv_current,
            "delay_cost": self.delay_cost,
        }


def dependants(plan: Plan, milestone_id: str) -> tuple[str, ...]:
    """Ids of the items whose realisation starts at ``milestone_id``, in plan order."""
    items = [*plan.benefits, *plan.disbenefits, *plan.result_goals]
    return tuple(i.id for i in items if i.starts_at == milestone_id)


def as_planned(plan: Plan, ids: Iterable[str] | None = None) -> Plan:
    """A copy of ``plan`` with the milestones ``ids`` (all when None) at their planned
    dates: forecast and actual dates cleared. ``plan`` itself is not changed."""
    wanted = None if ids is None else set(ids)
    milestones = [
        m.model_copy(update={"forecast_date": None, "actual_date": None})
        if wanted is None or m.id in wanted
        else m
        for m in plan.milestones
    ]
    copy = plan.model_copy(deep=True, update={"milestones": milestones})
    copy._resolve_milestones()
    return copy


def slipped(plan: Plan) -> list[Milestone]:
    """Milestones whose current date differs from the planned one and that some item
    starts at, by planned date."""
    return sorted(
        (m for m in plan.milestones if m.delay_days() != 0 and dependants(plan, m.id)),
        key=lambda m: (m.date, m.id),
    )


def _npv(plan: Plan, workspace: Workspace, assumptions: Assumptions | None) -> float:
    a = assumptions if assumptions is not None else Assumptions()
    return float(analyse(plan, workspace, a, monte_carlo=False, sensitivity=False).npv)


def delay_cost(
    plan: Plan, workspace: Workspace, milestone_id: str, assumptions: Assumptions | None = None
) -> float:
    """Forsinkelseskostnad of one milestone: NPV at its planned date − NPV as it is."""
    return _npv(as_planned(plan, [milestone_id]), workspace, assumptions) - _npv(
        plan, workspace, assumptions
    )


def milestone_delays(
    plan: Plan, workspace: Workspace, assumptions: Assumptions | None = None
) -> list[MilestoneDelay]:
    """Every slipped milestone that moves a benefit, with its delay cost (pure)."""
    found = slipped(plan)
    if not found:
        return []
    now = _npv(plan, workspace, assumptions)
    out = []
    for m in found:
        planned = _npv(as_planned(plan, [m.id]), workspace, assumptions)
        out.append(
            MilestoneDelay(
                id=m.id,
                name=m.name,
                planned=m.date,
                current=m.current_date(),
                delay_days=m.delay_days(),
                items=dependants(plan, m.id),
                npv_planned=planned,
                npv_current=now,
                delay_cost=planned - now,
            )
        )
    return out
