"""Prosjektforslag: proposals at idea or BP1 stage, scored on the same footing as projects.

A proposal (:class:`~gevinst.model.schema.Proposal`) gives rough numbers as
ranges. :func:`proposal_plan` turns it into a plan the engine analyses like
any other, so the NPV of a proposal is the engine's own (one rule):

* investment (low … high) paid in the start year; operation (low … high) each
  year from the year after; the benefit (low … high) a year in full from
  ``benefits_from`` (default the year after the start) to the end of the
  period (``years``);
* each range becomes a triangular uncertainty around its midpoint
  M = (low + high) / 2: multipliers (low/M, 1, high/M), so the expected value
  (a + c + b)/3 · M = (low + M + high)/3 = M, the midpoint;
* risk = probability × consequence as one risk line, phase idea → before BP1,
  BP1 → BP1 passed (readiness 1/5).

>>> import datetime as dt
>>> from gevinst.model.schema import Proposal
>>> p = Proposal(id="forslag", name="F", proposed_by="A", municipalities=["A"],
...     start_year=2027, investment={"low": 80, "high": 120},
...     operation_per_year={"low": 0, "high": 0}, benefit_per_year={"low": 10, "high": 30})
>>> plan = proposal_plan(p)
>>> plan.costs[0].amounts, plan.costs[0].uncertainty.low, plan.costs[0].uncertainty.high
({2027: 100.0}, 0.8, 1.2)
"""

from __future__ import annotations

import datetime as dt

from gevinst.model.schema import (
    BenefitKind,
    DecisionPoint,
    Plan,
    Proposal,
    ProposalPhase,
    Range,
)

_CATEGORY = {
    BenefitKind.CASH: "own_budget",
    BenefitKind.TIME: "freed_resources",
    BenefitKind.QUALITY: "other_public",
}


def midpoint(r: Range) -> float:
    """(low + high) / 2."""
    return (float(r.low) + float(r.high)) / 2.0


def _uncertainty(r: Range) -> dict[str, float]:
    mid = midpoint(r)
    if mid <= 0:
        return {"low": 1.0, "likely": 1.0, "high": 1.0}
    return {"low": float(r.low) / mid, "likely": 1.0, "high": float(r.high) / mid}


def proposal_plan(p: Proposal, price_year: int | None = None) -> Plan:
    """The plan the engine analyses for proposal ``p`` (see the module docstring)."""
    start = int(p.start_year)
    last = start + int(p.years) - 1
    first_benefit = int(p.benefits_from) if p.benefits_from is not None else start + 1
    costs = [
        {
            "id": "investering",
            "name": "Investering (forslag)",
            "category": "investment",
            "amounts": {start: midpoint(p.investment)},
            "uncertainty": _uncertainty(p.investment),
        }
    ]
    if midpoint(p.operation_per_year) > 0 and last > start:
        costs.append(
            {
                "id": "drift",
                "name": "Drift (forslag)",
                "category": "operation",
                "amounts": {y: midpoint(p.operation_per_year) for y in range(start + 1, last + 1)},
                "uncertainty": _uncertainty(p.operation_per_year),
            }
        )
    benefits = []
    if midpoint(p.benefit_per_year) > 0:
        benefits.append(
            {
                "id": "gevinst",
                "name": "Gevinst (forslag)",
                "effect_goal": "E1",
                "owner": p.proposed_by,
                "kind": p.benefit_kind.value,
                "category": _CATEGORY[p.benefit_kind],
                "indicator": "Anslått gevinst",
                "unit": "kr",
                "direction": "increase",
                "baseline": 0,
                "baseline_date": dt.date(first_benefit - 1, 1, 1),
                "target": 1,
                "target_date": dt.date(first_benefit, 1, 1),
                "valuation": {"nok_per_unit": midpoint(p.benefit_per_year)},
                "profile": "step",
                "uncertainty": _uncertainty(p.benefit_per_year),
                "frequency": "yearly",
            }
        )
    risks = []
    if p.risk_probability is not None and p.risk_consequence is not None:
        risks.append(
            {
                "id": "R1",
                "description": "Samlet risiko (anslag i forslaget)",
                "probability": p.risk_probability,
                "consequence": p.risk_consequence,
            }
        )
    return Plan.model_validate(
        {
            "project": {
                "id": p.id,
                "name": p.name,
                "organisation": p.proposed_by,
                "municipalities": list(p.municipalities),
                "owner": p.proposed_by,
                "project_manager": p.proposed_by,
                "phase": DecisionPoint.BP1 if p.phase == ProposalPhase.BP1 else None,
                "start_date": dt.date(start, 1, 1),
                "end_date": dt.date(start, 12, 31),
                "price_year": int(price_year) if price_year is not None else start,
                "analysis_years": int(p.years),
                "description": p.description,
            },
            "goals": {"main_goal": p.name},
            "effect_goals": [{"id": "E1", "text": p.name, "indicator": "Anslått gevinst"}],
            "benefits": benefits,
            "costs": costs,
            "risks": risks,
            "depends_on": [d.model_dump() for d in p.depends_on],
        }
    )


__all__ = ["midpoint", "proposal_plan"]
