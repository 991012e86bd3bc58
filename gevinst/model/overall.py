"""The project's overall status (prosjektstatus): one level and the reasons for it.

Pure: computed from the plan and the item statuses of :mod:`gevinst.model.tracking`
(the as-of date is a parameter). The words live in :mod:`gevinst.report.status_text`.

The rule (``docs/tracking.md``, «Prosjektstatus»), with V the value per year at
full realisation of the priced benefits and ulemper whose progress is judged
(status green, yellow or red; ``ItemStatus.value_per_year``, in absolute value):

1. **Benefits**, weighted by value: *red* when the red ones carry at least
   :data:`VALUE_SHARE` (25 %) of V; *yellow* when red and yellow together carry
   at least 25 %, or any of them is red; *green* otherwise. With no priced item
   judged, every judged benefit and ulempe weighs the same.
2. **Forecasts**: priced items whose trend forecast misses the target (red at
   the target date) carrying at least 25 % of V make it at least *yellow*.
3. **Resultatmål** behind plan (red): at least *yellow*.
4. **Decision points and milestones** past their date and not done: at least *yellow*.
5. **Risks** with exposure (probability × consequence) at least
   :data:`HIGH_RISK` (15, «svært høy»): at least *yellow*.
6. Overdue measurements are a reason of their own (``info``): they do not change
   the level, but they are always said beside it, never instead of it.

The level is the worst of the reasons. With no reason yellow or red it is the
benefits' level; when no benefit can be judged yet it is ``not_started`` (none
has started) or ``grey`` (started, nothing measured since).

>>> VALUE_SHARE, HIGH_RISK
(0.25, 15)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from gevinst.model.schema import Plan
from gevinst.model.tracking import JUDGED, ItemStatus, jsonable

VALUE_SHARE = 0.25
"""Share of the judged priced value that makes the project red (red items) or yellow."""

HIGH_RISK = 15
"""Risk exposure (probability × consequence, 1–25) from which a risk is «svært høy»."""

LEVELS = ("green", "yellow", "red", "grey", "not_started")
"""Project status levels (the same words as an item's status)."""

_RANK = {"info": 0, "green": 1, "yellow": 2, "red": 3}

_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Reason:
    """One reason behind a project status, with the numbers behind it."""

    kind: str
    """``benefits``, ``forecasts``, ``results``, ``decision_points``, ``milestones``,
    ``risks`` or ``measurements_overdue``."""
    level: str
    """``green``, ``yellow``, ``red`` or ``info`` (said, does not change the level)."""
    ids: tuple[str, ...] = ()
    """The items, milestones or risks it concerns."""
    numbers: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict:
        return jsonable(self)


@dataclass(frozen=True)
class OverallStatus:
    """A project's status in one level, and why."""

    project: str
    as_of: dt.date
    level: str
    """``green``, ``yellow``, ``red``, ``grey`` or ``not_started``."""
    reasons: tuple[Reason, ...]
    """Worst first; ``benefits`` is always there."""
    value_shares: dict[str, float] = field(default_factory=dict)
    """Share of the judged value per status (green, yellow, red); empty when nothing is judged."""
    judged_value: float = 0.0
    """V: NOK per year at full realisation of the judged priced items (0 when weighted by count)."""

    def to_json(self) -> dict:
        return jsonable(self)


def high_risks(plan: Plan, threshold: int = HIGH_RISK) -> list[Any]:
    """The plan's risks with exposure (probability × consequence) ≥ ``threshold``, highest first."""
    out = [r for r in plan.risks if r.probability * r.consequence >= threshold]
    return sorted(out, key=lambda r: (-(r.probability * r.consequence), -r.consequence, r.id))


def overdue_milestones(plan: Plan, as_of: dt.date) -> list[Any]:
    """Milestones and decision points dated before ``as_of`` and not done, earliest first."""
    return sorted(
        (m for m in plan.milestones if not m.done and m.date < as_of), key=lambda m: (m.date, m.id)
    )


def value_shares(statuses: Iterable[ItemStatus]) -> tuple[dict[str, float], float]:
    """Share of the judged value in green, yellow and red, and the judged value V.

    Priced benefits and ulemper whose status is green, yellow or red weigh
    |value_per_year|; when there is no such value, every judged benefit and
    ulempe weighs 1 and V is 0.

    >>> from types import SimpleNamespace as S
    >>> rows = [S(kind="benefit", status="red", value_per_year=300.0),
    ...         S(kind="benefit", status="green", value_per_year=900.0)]
    >>> value_shares(rows)
    ({'green': 0.75, 'yellow': 0.0, 'red': 0.25}, 1200.0)
    """
    judged = [s for s in statuses if s.kind != "result" and s.status in JUDGED]
    priced = [s for s in judged if s.value_per_year]
    if priced:
        weights = [(s.status, abs(float(s.value_per_year))) for s in priced]
    else:
        weights = [(s.status, 1.0) for s in judged]
    total = sum(w for _, w in weights)
    if total <= 0:
        return {}, 0.0
    shares = {k: sum(w for st, w in weights if st == k) / total for k in JUDGED}
    return shares, (total if priced else 0.0)


def overall_status(plan: Plan, statuses: Sequence[ItemStatus], as_of: dt.date) -> OverallStatus:
    """The project's status in one level with its reasons (the rule in the module docstring).

    ``statuses`` are ``tracking.project_status(plan, …, as_of, …)``.
    """
    own = [s for s in statuses if s.project == plan.project.id]
    benefits = [s for s in own if s.kind != "result"]
    shares, value = value_shares(benefits)
    reasons: list[Reason] = []

    if shares:
        red, behind = shares["red"], shares["red"] + shares["yellow"]
        if red >= VALUE_SHARE - _TOLERANCE:
            level = "red"
        elif behind >= VALUE_SHARE - _TOLERANCE or any(s.status == "red" for s in benefits):
            level = "yellow"
        else:
            level = "green"
        ids = tuple(s.id for s in benefits if s.status in ("red", "yellow"))
    elif benefits and all(s.status == "not_started" for s in benefits):
        level, ids = "not_started", ()
    else:
        level, ids = "grey", ()
    counts = {k: sum(1 for s in benefits if s.status == k) for k in LEVELS}
    starts = [s.realisation_start for s in benefits if not s.started and s.realisation_start]
    reasons.append(
        Reason(
            "benefits",
            level if level in ("green", "yellow", "red") else "info",
            ids,
            {
                "level": level,
                "counts": counts,
                "value_shares": shares,
                "judged_value": value,
                "first_start": min(starts) if starts else None,
                "red_ids": [s.id for s in benefits if s.status == "red"],
                "yellow_ids": [s.id for s in benefits if s.status == "yellow"],
            },
        )
    )

    priced = [s for s in benefits if s.status in JUDGED and s.value_per_year]
    total = sum(abs(float(s.value_per_year)) for s in priced)
    missing = [
        s
        for s in priced
        if s.forecast_misses_target and s.forecast is not None and s.forecast.method == "trend"
    ]
    miss_share = sum(abs(float(s.value_per_year)) for s in missing) / total if total else 0.0
    if missing and miss_share >= VALUE_SHARE - _TOLERANCE:
        reasons.append(
            Reason(
                "forecasts",
                "yellow",
                tuple(s.id for s in missing),
                {"value_share": miss_share, "count": len(missing)},
            )
        )

    results = [s for s in own if s.kind == "result"]
    red_results = [s for s in results if s.status == "red"]
    if red_results:
        reasons.append(
            Reason(
                "results",
                "yellow",
                tuple(s.id for s in red_results),
                {"count": len(red_results), "of": len(results)},
            )
        )

    late = overdue_milestones(plan, as_of)
    points = [m for m in late if m.decision_point is not None]
    others = [m for m in late if m.decision_point is None]
    for kind, group in (("decision_points", points), ("milestones", others)):
        if group:
            reasons.append(
                Reason(
                    kind,
                    "yellow",
                    tuple(m.id for m in group),
                    {
                        "count": len(group),
                        "earliest": group[0].date,
                        "days_overdue": (as_of - group[0].date).days,
                        "decision_points": [
                            m.decision_point.value for m in group if m.decision_point is not None
                        ],
                    },
                )
            )

    risky = high_risks(plan)
    if risky:
        reasons.append(
            Reason(
                "risks",
                "yellow",
                tuple(r.id for r in risky),
                {
                    "count": len(risky),
                    "max_exposure": max(r.probability * r.consequence for r in risky),
                    "threshold": HIGH_RISK,
                },
            )
        )

    overdue = [s for s in own if s.overdue]
    if overdue:
        reasons.append(
            Reason(
                "measurements_overdue",
                "info",
                tuple(s.id for s in overdue),
                {"count": len(overdue), "earliest_due": min(s.next_due for s in overdue)},
            )
        )

    worst = max((r.level for r in reasons), key=lambda lv: _RANK[lv])
    overall = worst if _RANK[worst] >= _RANK["yellow"] else level
    ordered = sorted(reasons, key=lambda r: -_RANK[r.level])
    return OverallStatus(
        project=plan.project.id,
        as_of=as_of,
        level=overall,
        reasons=tuple(ordered),
        value_shares=shares,
        judged_value=value,
    )


__all__ = [
    "HIGH_RISK",
    "LEVELS",
    "VALUE_SHARE",
    "OverallStatus",
    "Reason",
    "high_risks",
    "overall_status",
    "overdue_milestones",
    "value_shares",
]
