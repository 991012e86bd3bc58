"""Alternatives analysis at BP2: each alternative against the null alternative.

DFØ's guide (Veileder i samfunnsøkonomiske analyser, kap. 3.1–3.2 and 5) asks for a
null alternative (*nullalternativet*: the expected future without the measure) and
at least two alternatives, with priced and non-priced effects compared side by side
before one is recommended. Every effect is measured *relative to the null
alternative*, so the null alternative has NPV 0 and every non-priced score 0.

An alternative (:class:`~gevinst.model.schema.Alternative`) is the main plan with
changes: lines left out, costs × ``cost_factor``, benefits × ``benefit_factor`` and
benefits ``delay_years`` later. Its NPV and NNB are those of
:func:`gevinst.model.cba.analyse` (expected values, no Monte Carlo) of that plan
under :class:`~gevinst.model.cba.Assumptions` (``cost_overrun = cost_factor − 1``,
``benefit_scale = benefit_factor``, ``delay_years``) – the same engine, base year and
price level as the main analysis. Its non-priced effects are the plan's, re-scored.

**Ranking logic** (DFØ kap. 5, «samlet vurdering»): the priced ranking is by NPV
(by NNB, NPV per budget krone, when the workspace says the budget is the
constraint), the null alternative included at 0. Non-priced effects are shown
beside it, never added into it: their plus and minus counts and the sum of scores
are given as a reading aid only. The recommendation is the analyst's
(``alternatives_choice.recommended`` with a written justification); the result says
whether it is the top of the priced ranking, and when it is not, the justification
has to argue that the non-priced effects outweigh the NPV difference
(``needs_non_priced_argument``).
"""

from __future__ import annotations

from dataclasses import dataclass

from gevinst.model.cba import Assumptions, analyse
from gevinst.model.schema import Alternative, Plan, Workspace

NULL_ID = "null"
"""Id of the null alternative in :class:`AlternativeResult` lists."""


@dataclass(frozen=True)
class AlternativeResult:
    """One alternative relative to the null alternative."""

    id: str
    name: str
    npv: float
    npv_per_budget_krone: float | None
    pv_costs: float
    pv_benefits: float
    scores: dict[str, int]
    """Score (−4 … 4) per non-priced effect id, in plan order."""
    rank: int
    """1 = best in the priced ranking (NPV, or NNB when the budget is the constraint)."""
    recommended: bool = False
    is_null: bool = False

    @property
    def plus(self) -> int:
        """Number of non-priced effects scored positive."""
        return sum(1 for v in self.scores.values() if v > 0)

    @property
    def minus(self) -> int:
        """Number of non-priced effects scored negative."""
        return sum(1 for v in self.scores.values() if v < 0)

    @property
    def score_sum(self) -> int:
        """Sum of the scores: a reading aid, not a value (never added to the NPV)."""
        return sum(self.scores.values())

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "is_null": self.is_null,
            "npv": self.npv,
            "npv_per_budget_krone": self.npv_per_budget_krone,
            "pv_costs": self.pv_costs,
            "pv_benefits": self.pv_benefits,
            "non_priced_scores": dict(self.scores),
            "non_priced_plus": self.plus,
            "non_priced_minus": self.minus,
            "non_priced_sum": self.score_sum,
            "rank": self.rank,
            "recommended": self.recommended,
        }


@dataclass(frozen=True)
class AlternativesResult:
    """The comparison: the null alternative first, then the plan's alternatives."""

    null_alternative: str
    rows: list[AlternativeResult]
    ranked_by: str
    """``npv`` or ``npv_per_budget_krone``."""
    recommended: str | None
    justification: str
    top_priced: str
    """Id of the alternative first in the priced ranking (may be the null alternative)."""

    @property
    def needs_non_priced_argument(self) -> bool:
        """The recommendation is not the top of the priced ranking: the justification
        must show that the non-priced effects outweigh the NPV difference."""
        return self.recommended is not None and self.recommended != self.top_priced

    def to_json(self) -> dict[str, object]:
        return {
            "null_alternative": self.null_alternative,
            "ranked_by": self.ranked_by,
            "recommended": self.recommended,
            "justification": self.justification,
            "top_priced": self.top_priced,
            "needs_non_priced_argument": self.needs_non_priced_argument,
            "alternatives": [r.to_json() for r in self.rows],
        }


def alternative_plan(plan: Plan, alt: Alternative) -> Plan:
    """The main plan without the lines ``alt`` leaves out (milestones kept)."""
    out = set(alt.excluded_lines)
    copy = plan.model_copy(
        deep=True,
        update={
            "costs": [c for c in plan.costs if c.id not in out],
            "benefits": [b for b in plan.benefits if b.id not in out],
            "disbenefits": [b for b in plan.disbenefits if b.id not in out],
            "alternatives": [],
        },
    )
    copy._resolve_milestones()
    return copy


def alternative_assumptions(alt: Alternative, base: Assumptions | None = None) -> Assumptions:
    """The slider values that turn the main plan into ``alt`` (on top of ``base``)."""
    b = base or Assumptions()
    return Assumptions(
        discount_rate=b.discount_rate,
        hourly_cost=b.hourly_cost,
        delay_years=b.delay_years + alt.delay_years,
        benefit_scale=b.benefit_scale * alt.benefit_factor,
        cost_overrun=(1 + b.cost_overrun) * alt.cost_factor - 1,
        tax_financing=b.tax_financing,
    )


def alternative_scores(plan: Plan, alt: Alternative) -> dict[str, int]:
    """Score of each of the plan's non-priced effects in ``alt`` (the plan's when not given)."""
    return {e.id: int(alt.scores.get(e.id, e.score)) for e in plan.non_priced_effects}


def _rank_key(ranked_by: str):
    def key(r: AlternativeResult) -> tuple[float, str]:
        value = r.npv if ranked_by == "npv" else r.npv_per_budget_krone
        # An undefined NNB (no net budget cost) ranks by NPV after the defined ones.
        return (-(value if value is not None else float("-inf")), -r.npv, r.id)

    return key


def compare_alternatives(
    plan: Plan, workspace: Workspace, assumptions: Assumptions | None = None
) -> AlternativesResult | None:
    """Every alternative of ``plan`` against the null alternative; None without any."""
    if not plan.alternatives:
        return None
    choice = plan.alternatives_choice
    ranked_by = "npv_per_budget_krone" if workspace.budget_constrained else "npv"
    rows = [
        AlternativeResult(
            id=NULL_ID,
            name="",
            npv=0.0,
            npv_per_budget_krone=None,
            pv_costs=0.0,
            pv_benefits=0.0,
            scores={e.id: 0 for e in plan.non_priced_effects},
            rank=0,
            is_null=True,
        )
    ]
    for alt in plan.alternatives:
        r = analyse(
            alternative_plan(plan, alt),
            workspace,
            alternative_assumptions(alt, assumptions),
            monte_carlo=False,
            sensitivity=False,
        )
        rows.append(
            AlternativeResult(
                id=alt.id,
                name=alt.name,
                npv=float(r.npv),
                npv_per_budget_krone=r.npv_per_budget_krone,
                pv_costs=float(r.pv_costs),
                pv_benefits=float(r.pv_benefits),
                scores=alternative_scores(plan, alt),
                rank=0,
                recommended=alt.id == choice.recommended,
            )
        )
    order = sorted(rows, key=_rank_key(ranked_by))
    rank = {r.id: k + 1 for k, r in enumerate(order)}
    rows = [
        AlternativeResult(**{**r.__dict__, "rank": rank[r.id]})  # frozen: rebuild with rank
        for r in rows
    ]
    return AlternativesResult(
        null_alternative=choice.null_alternative,
        rows=rows,
        ranked_by=ranked_by,
        recommended=choice.recommended,
        justification=choice.justification,
        top_priced=order[0].id,
    )
