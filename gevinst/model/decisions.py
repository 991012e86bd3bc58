"""What the steering group must take a position on («Hva styringsgruppen må ta stilling til»).

Pure rules over a plan, its item statuses (:mod:`gevinst.model.tracking`), a few
numbers from the cost/benefit analysis (:class:`Economics`) and the portfolio's
double claims (:func:`gevinst.model.portfolio.double_claims`). Each rule gives
structured :class:`Decision` items with the numbers behind them; the words are
in :mod:`gevinst.report.status_text`.

Rules for one project (``docs/tracking.md``, «Hva styringsgruppen må ta stilling til»):

=========================  ========  ===================================================
kind                       severity  when
=========================  ========  ===================================================
``behind_plan``            high      an item is red (bak plan)
``behind_plan``            medium    an item is yellow (litt bak)
``forecast_miss``          medium    an item on plan whose trend forecast misses the target
``decision_point_overdue`` high      a decision point is past its date and not done
``milestone_overdue``      medium    a milestone is past its date and not done
``high_risk``              high      a risk's exposure (probability × consequence) ≥ 15
``negative_npv``           high      the expected NPV is below 0
``low_probability``        high      P(NPV > 0) from the Monte Carlo is below 50 %
``missing_owner``          medium    a benefit or ulempe has no current owner (empty, a
                                     placeholder, or handed over with no successor)
``final_report_due``       high      the follow-up period after BP5 (``follow_up_years``)
                                     has ended: the final benefits report is overdue
``final_report_due``       medium    it ends within :data:`FINAL_REPORT_NOTICE_DAYS`
``missing_baseline``       medium    the baseline date has passed and no measurement is
                                     registered (high once a measurement is overdue)
``double_claim``           medium    another project claims the same benefit
``measurement_overdue``    info      a measurement is overdue (items not already listed)
``next_decision_point``    info      the next decision point not yet done
=========================  ========  ===================================================

For the portfolio board (:func:`portfolio_decisions`) the same rules are run per
project and gathered into one item per project and kind (with the count and the
ids), with a ``project_status`` item for every project whose overall status
(:mod:`gevinst.model.overall`) is red (high) or yellow (medium); a double claim
is listed once for the pair. Both lists are sorted by severity, then kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gevinst.model.overall import HIGH_RISK, high_risks, overall_status, overdue_milestones
from gevinst.model.portfolio import DoubleClaim, double_claims
from gevinst.model.schema import Plan
from gevinst.model.tracking import ItemStatus, current_owner, jsonable, previous_owner

LOW_PROBABILITY = 0.5
"""P(NPV > 0) below this is a decision item."""

OWNER_PLACEHOLDERS = frozenset(
    {"", "-", "–", "?", "tbd", "n/a", "na", "ukjent", "unknown", "ikke avklart", "mangler", "ingen"}
)
"""Owner texts that name nobody (compared in lower case, stripped)."""

SEVERITIES = ("high", "medium", "info")

FINAL_REPORT_NOTICE_DAYS = 180
"""The final benefits report becomes a decision item this many days before it is due."""

KINDS = (
    "project_status",
    "behind_plan",
    "decision_point_overdue",
    "high_risk",
    "negative_npv",
    "low_probability",
    "forecast_miss",
    "milestone_overdue",
    "missing_baseline",
    "missing_owner",
    "final_report_due",
    "double_claim",
    "measurement_overdue",
    "next_decision_point",
)
"""Decision kinds in the order they are listed (within a severity)."""


@dataclass(frozen=True)
class Economics:
    """The few cost/benefit numbers the decision rules need (kept apart from the CBA engine)."""

    npv: float | None = None
    """Expected net present value (forventet NNV)."""
    prob_positive: float | None = None
    """P(NPV > 0) from the Monte Carlo simulation; None without one."""
    npv_as_planned: float | None = None

    @classmethod
    def from_cba(cls, cba: Any) -> Economics:
        """From a :class:`gevinst.model.cba.CbaResult` (or None: nothing known)."""
        if cba is None:
            return cls()
        mc = getattr(cba, "monte_carlo", None)
        return cls(
            npv=getattr(cba, "npv", None),
            prob_positive=getattr(mc, "prob_positive", None) if mc is not None else None,
            npv_as_planned=getattr(cba, "npv_as_planned", None),
        )


@dataclass(frozen=True)
class Decision:
    """One thing to decide on, with the numbers behind it (no prose)."""

    kind: str
    severity: str
    """``high``, ``medium`` or ``info``."""
    project: str
    item_id: str | None = None
    """The benefit, resultatmål, milestone or risk id; None for the project as a whole."""
    numbers: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict:
        return jsonable(self)


def _order(d: Decision) -> tuple:
    """Severity, then kind; within a kind the rule's own order (plan order, risks highest first)."""
    return (SEVERITIES.index(d.severity), KINDS.index(d.kind))


def missing_owner(owner: str | None) -> bool:
    """True when ``owner`` names nobody: empty, or a placeholder such as «ikke avklart».

    >>> missing_owner(" Ikke avklart "), missing_owner("Økonomisjef, Notodden")
    (True, False)
    """
    return (owner or "").strip().casefold() in OWNER_PLACEHOLDERS


def follow_up_end(plan: Plan) -> dt.date | None:
    """When benefits follow-up after BP5 ends and the final benefits report (sluttrapport
    for gevinstrealiseringen) is due: the project's end date + ``follow_up_years`` years
    (29 February → 28 February). None without a follow-up period.

    >>> from types import SimpleNamespace as N
    >>> follow_up_end(N(project=N(end_date=dt.date(2024, 9, 30), follow_up_years=3)))
    datetime.date(2027, 9, 30)
    """
    years = plan.project.follow_up_years
    if years is None:
        return None
    end = plan.project.end_date
    try:
        return end.replace(year=end.year + years)
    except ValueError:  # 29 February
        return end.replace(year=end.year + years, day=28)


def _forecast_misses(s: ItemStatus) -> bool:
    """A trend forecast that misses the target (a passed target date is history, not a forecast)."""
    return bool(s.forecast_misses_target and s.forecast and s.forecast.method == "trend")


def _item_numbers(s: ItemStatus) -> dict[str, Any]:
    return {
        "kind": s.kind,
        "name": s.name,
        "owner": s.owner,
        "status": s.status,
        "realised_share": s.realised_share,
        "planned_share_judged": s.planned_share_judged,
        "planned_share_at_latest": s.planned_share_at_latest,
        "judged_at": s.judged_at,
        "latest_date": s.latest_date,
        "overdue": s.overdue,
        "next_due": s.next_due,
        "value_per_year": s.value_per_year,
        "forecast_misses_target": s.forecast_misses_target,
        "forecast_share": s.forecast.share_at_target if s.forecast else None,
    }


def project_decisions(
    plan: Plan,
    statuses: Sequence[ItemStatus],
    as_of: dt.date,
    *,
    economics: Economics | None = None,
    claims: Iterable[DoubleClaim] = (),
) -> list[Decision]:
    """The decision list for one project (rules in the module docstring), most severe first.

    ``statuses`` are the project's ``tracking.project_status`` rows;
    ``economics`` the expected NPV and P(NPV > 0) (``Economics.from_cba``);
    ``claims`` the portfolio's double claims (only those naming this project count).
    """
    pid = plan.project.id
    own = [s for s in statuses if s.project == pid]
    out: list[Decision] = []
    listed: set[str] = set()
    for s in own:
        if s.status in ("red", "yellow"):
            severity = "high" if s.status == "red" else "medium"
            out.append(Decision("behind_plan", severity, pid, s.id, _item_numbers(s)))
            listed.add(s.id)
        elif s.status == "green" and _forecast_misses(s):
            out.append(Decision("forecast_miss", "medium", pid, s.id, _item_numbers(s)))
            listed.add(s.id)

    for m in overdue_milestones(plan, as_of):
        numbers = {
            "name": m.name,
            "date": m.date,
            "days_overdue": (as_of - m.date).days,
            "decision_point": m.decision_point.value if m.decision_point else None,
        }
        if m.decision_point is not None:
            out.append(Decision("decision_point_overdue", "high", pid, m.id, numbers))
        else:
            out.append(Decision("milestone_overdue", "medium", pid, m.id, numbers))
    upcoming = sorted(
        (
            m
            for m in plan.milestones
            if m.decision_point is not None and not m.done and m.date >= as_of
        ),
        key=lambda m: (m.date, m.id),
    )
    if upcoming:
        m = upcoming[0]
        out.append(
            Decision(
                "next_decision_point",
                "info",
                pid,
                m.id,
                {
                    "name": m.name,
                    "date": m.date,
                    "days_until": (m.date - as_of).days,
                    "decision_point": m.decision_point.value,
                },
            )
        )

    for r in high_risks(plan):
        out.append(
            Decision(
                "high_risk",
                "high",
                pid,
                r.id,
                {
                    "description": r.description,
                    "probability": r.probability,
                    "consequence": r.consequence,
                    "exposure": r.probability * r.consequence,
                    "threshold": HIGH_RISK,
                    "owner": r.owner,
                    "has_mitigation": bool(r.mitigation),
                },
            )
        )

    eco = economics or Economics()
    if eco.npv is not None and eco.npv < 0:
        out.append(
            Decision(
                "negative_npv",
                "high",
                pid,
                None,
                {"npv": eco.npv, "npv_as_planned": eco.npv_as_planned},
            )
        )
    if eco.prob_positive is not None and eco.prob_positive < LOW_PROBABILITY:
        out.append(
            Decision(
                "low_probability",
                "high",
                pid,
                None,
                {"prob_positive": eco.prob_positive, "threshold": LOW_PROBABILITY},
            )
        )

    by_id = {s.id: s for s in own}
    for b in [*plan.benefits, *plan.disbenefits]:
        s = by_id.get(b.id)
        owner = current_owner(b, as_of)
        if missing_owner(owner):
            before, handed_over = previous_owner(b, as_of)
            out.append(
                Decision(
                    "missing_owner",
                    "medium",
                    pid,
                    b.id,
                    {
                        "kind": s.kind if s else "benefit",
                        "name": b.name,
                        "owner": owner,
                        "previous_owner": before,
                        "handover_date": handed_over,
                    },
                )
            )
        if s is not None and s.measurements == 0 and b.baseline_date <= as_of:
            out.append(
                Decision(
                    "missing_baseline",
                    "high" if s.overdue else "medium",
                    pid,
                    b.id,
                    {
                        "kind": s.kind,
                        "name": b.name,
                        "owner": b.owner,
                        "baseline_date": b.baseline_date,
                        "realisation_start": s.realisation_start,
                        "started": s.started,
                    },
                )
            )

    end = follow_up_end(plan)
    if end is not None and as_of >= end - dt.timedelta(days=FINAL_REPORT_NOTICE_DAYS):
        out.append(
            Decision(
                "final_report_due",
                "high" if as_of > end else "medium",
                pid,
                None,
                {
                    "due": end,
                    "days_until": (end - as_of).days,
                    "follow_up_years": plan.project.follow_up_years,
                    "project_end": plan.project.end_date,
                },
            )
        )

    for d in claims:
        if pid not in (d.first.project, d.second.project):
            continue
        mine, other = (d.first, d.second) if d.first.project == pid else (d.second, d.first)
        out.append(
            Decision(
                "double_claim",
                "medium",
                pid,
                mine.benefit,
                {
                    "name": mine.name,
                    "indicator": d.indicator,
                    "other_project": other.project,
                    "other_item": other.benefit,
                    "other_name": other.name,
                    "municipalities": list(d.municipalities),
                    "period_start": d.period[0],
                    "period_end": d.period[1],
                },
            )
        )

    for s in own:
        if s.overdue and s.id not in listed:
            out.append(
                Decision(
                    "measurement_overdue",
                    "info",
                    pid,
                    s.id,
                    {
                        "kind": s.kind,
                        "name": s.name,
                        "owner": s.owner,
                        "next_due": s.next_due,
                        "latest_date": s.latest_date,
                        "status": s.status,
                    },
                )
            )
    return sorted(out, key=_order)


_GATHERED = (
    "behind_plan",
    "forecast_miss",
    "milestone_overdue",
    "high_risk",
    "missing_owner",
    "missing_baseline",
    "measurement_overdue",
)
"""Kinds the portfolio version gathers into one item per project (count and ids)."""


def portfolio_decisions(
    plans: Mapping[str, Plan] | Iterable[Plan],
    statuses: Sequence[ItemStatus],
    as_of: dt.date,
    *,
    economics: Mapping[str, Economics] | None = None,
    claims: Iterable[DoubleClaim] | None = None,
) -> list[Decision]:
    """The portfolio board's list: per project, the project rules gathered by kind.

    One ``project_status`` item per project whose overall status is red (high)
    or yellow (medium); decision points, NPV and probability items as for the
    project; the kinds in ``_GATHERED`` as one item per project with
    ``count``, ``ids`` and the worst severity (``max_exposure`` for risks); a
    double claim once per pair (under the first project); no ``next_decision_point``.
    ``claims`` default to :func:`double_claims` of ``plans``.
    """
    plist = list(plans.values()) if isinstance(plans, Mapping) else list(plans)
    claim_list = list(double_claims(plist) if claims is None else claims)
    out: list[Decision] = []
    for plan in plist:
        pid = plan.project.id
        own = [s for s in statuses if s.project == pid]
        status = overall_status(plan, own, as_of)
        if status.level in ("red", "yellow"):
            out.append(
                Decision(
                    "project_status",
                    "high" if status.level == "red" else "medium",
                    pid,
                    None,
                    {
                        "level": status.level,
                        "reasons": [r.kind for r in status.reasons if r.level in ("red", "yellow")],
                        "value_shares": status.value_shares,
                    },
                )
            )
        items = project_decisions(
            plan,
            own,
            as_of,
            economics=(economics or {}).get(pid),
            claims=[d for d in claim_list if d.first.project == pid],
        )
        gathered: dict[str, list[Decision]] = {}
        for d in items:
            if d.kind == "next_decision_point":
                continue
            if d.kind in _GATHERED:
                gathered.setdefault(d.kind, []).append(d)
            else:
                out.append(d)
        for kind, group in gathered.items():
            numbers: dict[str, Any] = {
                "count": len(group),
                "ids": [d.item_id for d in group],
                "kinds": sorted({d.numbers["kind"] for d in group if "kind" in d.numbers}),
            }
            if kind == "high_risk":
                numbers["max_exposure"] = max(d.numbers["exposure"] for d in group)
            if kind == "behind_plan":
                numbers["red"] = sum(1 for d in group if d.numbers["status"] == "red")
                numbers["yellow"] = sum(1 for d in group if d.numbers["status"] == "yellow")
            severity = min((d.severity for d in group), key=SEVERITIES.index)
            out.append(Decision(kind, severity, pid, None, numbers))
    return sorted(out, key=_order)


__all__ = [
    "FINAL_REPORT_NOTICE_DAYS",
    "KINDS",
    "LOW_PROBABILITY",
    "OWNER_PLACEHOLDERS",
    "SEVERITIES",
    "Decision",
    "Economics",
    "follow_up_end",
    "missing_owner",
    "portfolio_decisions",
    "project_decisions",
]
