"""The portfolio view: roll-up, prioritisation and double claims (porteføljestyret).

Pure functions over plans, item statuses (:mod:`gevinst.model.tracking`) and
NPVs computed elsewhere (``gevinst.model.cba``).

**Roll-up** (:func:`rollup`) per project, in total, per kommune and per
effektmål: NPV, planned and realised NOK to date (benefits count positive,
dis-benefits negative; non-priced items and resultatmål carry no NOK; an
unmeasured item adds nothing to the realised sum), and the number of benefits
(gevinster and ulemper) and of resultatmål in each status
(:data:`~gevinst.model.tracking.STATUSES`, from the one status rule
``tracking.item_status``), with the number whose measurement is overdue beside.

* Per kommune, each benefit's NOK is split by the project's cost-sharing key
  (fordelingsnøkkel, the one the cost/benefit analysis uses), restricted to the
  benefit's own kommuner when it names any: *population* – innbyggertall / the
  sum over those kommuner; *equal* – 1/n; *fixed* – the project's fixed shares
  of those kommuner, scaled to add up to 1 (equal if they are all zero). A kommune's NPV is the sum of the
  projects' per-kommune NPVs from the cost/benefit analysis (:func:`kommune_npvs`;
  one rule, in :func:`gevinst.model.cba.municipality_results`). The shares add
  up to 1, so the kommune figures add up to the total. A benefit's status is counted once in every kommune it names.
* Per effektmål (keyed by project and effektmål id) the items that serve it.

**Prioritisation** (:func:`prioritise`): every criterion is scored 0–1 (higher is
better), and the score is Σ wᵢ·sᵢ / Σ wᵢ over the criteria with a weight in
``workspace.prioritisation``:

* ``strategic_fit`` – the board's 1–5 score (``workspace.strategic_fit``): (s − 1)/4;
* ``npv`` – min–max across the projects ranked: (NPV − min)/(max − min);
  0.5 for all when every NPV is the same;
* ``risk`` – exposure = probability × consequence (1–25) of the plan's risks,
  their maximum by default (or mean): 1 − (exposure − 1)/24, lower risk
  scores higher;
* ``readiness`` – the last decision point passed, BP1…BP5: k/5 (0 before BP1);
* ``participation`` – the share of the workspace's kommuner taking part.

A value that is missing (no strategic-fit score, no NPV, no risks registered)
scores 0 and is listed in ``missing``: a project is not rewarded for a gap in
its documentation. Ties share a rank (1, 1, 3).

**Double claims** (:func:`double_claims`): two benefits in different projects
with the same indicator (compared after normalising the text: case, accents
kept, punctuation and repeated spaces removed), at least one kommune in common
and overlapping periods (realisation start, or the baseline date when none is
given, … target date: :func:`~gevinst.model.profile.item_window`) – the
portfolio would count the same gain twice.

>>> normalise_indicator("  Manuelle  henvendelser, per år. ")
'manuelle henvendelser per år'
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from gevinst.errors import InputError
from gevinst.model import cba, criteria, uncertainty
from gevinst.model.cba_flows import restricted_shares, sharing_key
from gevinst.model.profile import item_window
from gevinst.model.proposals import proposal_plan
from gevinst.model.schema import Benefit, DecisionPoint, Plan, Workspace
from gevinst.model.tracking import STATUSES, ItemStatus, jsonable

CRITERIA = ("strategic_fit", "npv", "risk", "readiness", "participation")
"""The prioritisation criteria gevinst knows; weights for others are ignored."""


def _plans(plans: Mapping[str, Plan] | Iterable[Plan]) -> list[Plan]:
    return list(plans.values()) if isinstance(plans, Mapping) else list(plans)


# --------------------------------------------------------------------------- kommune shares


def kommune_shares(
    plan: Plan, workspace: Workspace, municipalities: Iterable[str] = ()
) -> dict[str, float]:
    """Shares (adding up to 1) of the named kommuner, or of all the project's kommuner.

    The project's fordelingsnøkkel (``cba_flows.sharing_key``: population, equal
    or fixed), restricted to ``municipalities`` and scaled to add up to 1
    (``cba_flows.restricted_shares``) – the same split as the cost/benefit
    analysis uses per kommune.

    >>> from gevinst.model.schema import Workspace
    >>> ws = Workspace(organisation="o", hourly_cost=1, municipalities=[
    ...     {"name": "A", "population": 3000}, {"name": "B", "population": 1000}])
    >>> class P:  # the project part of a plan is all this needs
    ...     class project: municipalities = ["A", "B"]; cost_sharing = "population"; fixed_shares = {}
    >>> kommune_shares(P, ws)
    {'A': 0.75, 'B': 0.25}
    """
    names = list(plan.project.municipalities)
    subset = [n for n in municipalities if n in names]
    shares = restricted_shares(sharing_key(plan, workspace), names, subset)
    keep = set(subset or names)
    return {n: float(s) for n, s in zip(names, shares, strict=True) if n in keep}


# --------------------------------------------------------------------------- roll-up


@dataclass
class Line:
    """One row of the roll-up: a project, a kommune, an effektmål or the total."""

    key: str
    name: str = ""
    npv: float | None = None
    planned_nok: float = 0.0
    realised_nok: float = 0.0
    benefits: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    """Number of benefits and dis-benefits in each status."""
    results: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    """Number of resultatmål in each status."""
    project: str = ""
    unmeasured_priced: int = 0
    """Priced items with no measurement yet (their realised NOK is unknown)."""
    overdue: int = 0
    """Benefits and ulemper whose next measurement is overdue (beside the status counts)."""
    results_overdue: int = 0
    """Resultatmål whose next measurement is overdue."""

    def add_npv(self, value: float | None) -> None:
        if value is not None:
            self.npv = (self.npv or 0.0) + value

    def to_json(self) -> dict:
        return jsonable(self)


@dataclass
class Rollup:
    as_of: dt.date
    projects: list[Line]
    total: Line
    municipalities: list[Line]
    effect_goals: list[Line]

    def to_json(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "projects": [p.to_json() for p in self.projects],
            "total": self.total.to_json(),
            "municipalities": [m.to_json() for m in self.municipalities],
            "effect_goals": [e.to_json() for e in self.effect_goals],
        }


def _count(line: Line, s: ItemStatus) -> None:
    (line.results if s.kind == "result" else line.benefits)[s.status] += 1
    if s.overdue:
        if s.kind == "result":
            line.results_overdue += 1
        else:
            line.overdue += 1


def combine(lines: Iterable[Line], key: str, name: str = "") -> Line:
    """The sum of ``lines`` as one line: NPV (None when no line has one), planned and
    realised NOK, status and overdue counts — the portfolio total, or a group of projects
    such as the rest a chart does not draw one by one («øvrige prosjekter»).

    >>> a = Line("a", npv=2.0, planned_nok=10.0, realised_nok=4.0)
    >>> b = Line("b", npv=None, planned_nok=5.0, realised_nok=1.0)
    >>> c = combine([a, b], "ab")
    >>> c.npv, c.planned_nok, c.realised_nok
    (2.0, 15.0, 5.0)
    """
    out = Line(key, name)
    for line in lines:
        out.add_npv(line.npv)
        out.planned_nok += line.planned_nok
        out.realised_nok += line.realised_nok
        out.unmeasured_priced += line.unmeasured_priced
        out.overdue += line.overdue
        out.results_overdue += line.results_overdue
        for st in STATUSES:
            out.benefits[st] += line.benefits.get(st, 0)
            out.results[st] += line.results.get(st, 0)
    return out


def kommune_npvs(results: Mapping[str, object]) -> dict[str, dict[str, float]]:
    """Project id → kommune → NPV, taken from each project's cost/benefit result.

    ``results`` maps project ids to :class:`gevinst.model.cba.CbaResult` (or
    None). The per-kommune NPV is computed once, in the analysis
    (:func:`gevinst.model.cba.municipality_results`, which respects benefits
    limited to some kommuner); the portfolio only adds those numbers up.
    """
    return {
        pid: {m.name: float(m.npv) for m in getattr(r, "municipalities", [])}
        for pid, r in results.items()
        if r is not None
    }


def rollup(
    statuses: list[ItemStatus],
    npv_by_project: Mapping[str, float | None],
    plans: Mapping[str, Plan] | Iterable[Plan],
    workspace: Workspace,
    as_of: dt.date,
    *,
    kommune_npv: Mapping[str, Mapping[str, float]] | None = None,
) -> Rollup:
    """Per project, total, per kommune and per effektmål (see the module docstring).

    ``statuses`` are ``tracking.project_status`` rows of the plans; the total is
    the sum of the project lines, and the kommune lines add up to the total's
    NOK and NPV. A kommune's NPV is the sum of the projects' per-kommune NPVs
    in ``kommune_npv`` (:func:`kommune_npvs`), exactly; without it the kommune
    lines carry no NPV (the portfolio never splits an NPV by a rule of its own).
    """
    by_id = {p.project.id: p for p in _plans(plans)}
    projects: dict[str, Line] = {
        pid: Line(pid, p.project.name, npv=npv_by_project.get(pid), project=pid)
        for pid, p in by_id.items()
    }
    kommuner: dict[str, Line] = {m.name: Line(m.name, m.name) for m in workspace.municipalities}
    goals: dict[tuple[str, str], Line] = {}
    for pid, p in by_id.items():
        for g in p.effect_goals:
            goals[(pid, g.id)] = Line(g.id, g.text, project=pid)
        for name, value in (kommune_npv or {}).get(pid, {}).items():
            kommuner.setdefault(name, Line(name, name)).add_npv(value)

    for s in statuses:
        plan = by_id.get(s.project)
        if plan is None:
            continue
        line = projects[s.project]
        goal = goals.setdefault((s.project, s.effect_goal), Line(s.effect_goal, project=s.project))
        planned, realised = s.planned_nok or 0.0, s.realised_nok or 0.0
        for target in (line, goal):
            target.planned_nok += planned
            target.realised_nok += realised
            if s.planned_nok is not None and s.realised_nok is None:
                target.unmeasured_priced += 1
            _count(target, s)
        if s.kind == "result":
            continue
        shares = kommune_shares(plan, workspace, s.municipalities)
        for name, share in shares.items():
            k = kommuner.setdefault(name, Line(name, name))
            k.planned_nok += planned * share
            k.realised_nok += realised * share
            _count(k, s)

    return Rollup(
        as_of=as_of,
        projects=list(projects.values()),
        total=combine(projects.values(), "total"),
        municipalities=list(kommuner.values()),
        effect_goals=list(goals.values()),
    )


# --------------------------------------------------------------------------- prioritisation


@dataclass(frozen=True)
class RankedProject:
    rank: int
    project: str
    name: str
    score: float
    """Weighted score 0–1."""
    criteria: dict[str, float]
    """Each criterion's normalised score 0–1."""
    raw: dict[str, float | None]
    """The input behind each criterion (fit 1–5, NPV, risk exposure 1–25, BP number, share)."""
    weights: dict[str, float]
    missing: tuple[str, ...] = ()
    npv: float | None = None
    """The project's NPV (at the workspace's base year)."""
    nnb: float | None = None
    """Its NPV per budget krone (NNB); None when the net budget cost is ≤ 0."""
    basis: str = "npv"
    """What the ``npv`` criterion scores: ``npv``, or ``nnb`` when budgets are the constraint."""
    criteria_set: str = ""
    """Id of the adopted criteria set the weights came from ("" : ``workspace.prioritisation``)."""
    criteria_set_label: str = ""
    """The set named for a reader: «kriterier-2026-1, vedtatt av Porteføljestyret 14.03.2026»."""
    proposal: bool = False
    """A proposal (prosjektforslag, idea or BP1) scored beside the running projects."""

    def to_json(self) -> dict:
        return jsonable(self)


def risk_exposure(plan: Plan, measure: str = "max") -> float | None:
    """Probability × consequence (1–25) of the plan's risks: their max (or mean); None if none.

    >>> class P: risks = [type("R", (), {"probability": 2, "consequence": 3})(),
    ...                   type("R", (), {"probability": 4, "consequence": 4})()]
    >>> risk_exposure(P), risk_exposure(P, "mean")
    (16.0, 11.0)
    """
    scores = [float(r.probability * r.consequence) for r in plan.risks]
    if not scores:
        return None
    return max(scores) if measure == "max" else sum(scores) / len(scores)


def _readiness(plan: Plan) -> float:
    phase = plan.project.phase
    return 0.0 if phase is None else float(list(DecisionPoint).index(phase) + 1)


def prioritise(
    plans: Mapping[str, Plan] | Iterable[Plan],
    workspace: Workspace,
    npv_by_project: Mapping[str, float | None],
    risk_scores: Mapping[str, float] | None = None,
    *,
    risk_measure: str = "max",
    nnb_by_project: Mapping[str, float | None] | None = None,
    include_proposals: bool = True,
    lang: str = "nb",
) -> list[RankedProject]:
    """Rank projects by the weighted score over ``workspace.prioritisation`` (best first).

    ``risk_scores`` overrides the risk exposure (1–25) per project id; by
    default it is computed from each plan's risks with ``risk_measure``
    (``max`` or ``mean``). See the module docstring for the normalisation.

    When ``workspace.budget_constrained`` is true, the ``npv`` criterion scores
    the NPV per budget krone (NNB, ``nnb_by_project``) instead of the NPV: with
    a fixed budget, the projects that give most per krone of it come first
    (R-109/DFØ: rank by NNB under a budget constraint). Both are in every row.
    A project with no NNB (no net budget cost) then counts as missing.

    The weights are those of the adopted criteria set in force
    (:func:`gevinst.model.criteria.set_in_force`), else ``workspace.prioritisation``;
    every row names the set (``criteria_set``, ``criteria_set_label`` in ``lang``).
    With ``include_proposals`` the workspace's proposals (prosjektforslag) are
    scored beside the projects: each becomes a plan
    (:func:`gevinst.model.proposals.proposal_plan`) analysed by the engine, its
    strategic fit from the proposal unless ``workspace.strategic_fit`` gives one.
    """
    plist = _plans(plans)
    adopted = criteria.set_in_force(workspace)
    weights = {c: w for c, w in criteria.weights_in_force(workspace).items() if c in CRITERIA}
    value_by = dict(npv_by_project)
    nnb_extra: dict[str, float | None] = {}
    fits = dict(workspace.strategic_fit)
    proposed: set[str] = set()
    if include_proposals:
        known_ids = {p.project.id for p in plist}
        for prop in workspace.proposals:
            if prop.id in known_ids:
                continue
            plan = proposal_plan(prop, workspace.price_year)
            try:
                r = cba.analyse(plan, workspace, monte_carlo=False, sensitivity=False)
                value_by[prop.id], nnb_extra[prop.id] = r.npv, r.npv_per_budget_krone
            except InputError:
                value_by[prop.id], nnb_extra[prop.id] = None, None
            if prop.strategic_fit is not None:
                fits.setdefault(prop.id, int(prop.strategic_fit))
            plist.append(plan)
            proposed.add(prop.id)
    npv_by_project = value_by
    weight_sum = sum(weights.values())
    n_kommuner = len(workspace.municipalities)
    known = set(workspace.population())
    nnbs = {**dict(nnb_by_project or {}), **nnb_extra}
    basis = "nnb" if workspace.budget_constrained else "npv"
    value_of = nnbs if basis == "nnb" else npv_by_project
    npvs = [v for p in plist if (v := value_of.get(p.project.id)) is not None]
    lo, hi = (min(npvs), max(npvs)) if npvs else (0.0, 0.0)

    scored = []
    for p in plist:
        pid = p.project.id
        raw: dict[str, float | None] = {}
        norm: dict[str, float] = {}
        missing: list[str] = []

        fit = fits.get(pid)
        raw["strategic_fit"] = None if fit is None else float(fit)
        norm["strategic_fit"] = 0.0 if fit is None else (fit - 1) / 4

        npv = value_of.get(pid)
        raw["npv"] = npv
        if npv is None:
            norm["npv"] = 0.0
        else:
            norm["npv"] = 0.5 if hi == lo else (npv - lo) / (hi - lo)

        if risk_scores is not None and pid in risk_scores:
            exposure = float(risk_scores[pid])
        else:
            exposure = risk_exposure(p, risk_measure)
        raw["risk"] = exposure
        norm["risk"] = 0.0 if exposure is None else min(1.0, max(0.0, 1 - (exposure - 1) / 24))

        bp = _readiness(p)
        raw["readiness"] = bp
        norm["readiness"] = bp / 5

        taking_part = len(set(p.project.municipalities) & known)
        raw["participation"] = taking_part / n_kommuner
        norm["participation"] = taking_part / n_kommuner

        for c in ("strategic_fit", "npv", "risk"):
            if raw[c] is None and weights.get(c, 0) > 0:
                missing.append(c)
        score = sum(weights[c] * norm[c] for c in weights) / weight_sum if weight_sum > 0 else 0.0
        scored.append(
            (
                score,
                pid,
                p.project.name,
                norm,
                raw,
                tuple(missing),
                npv_by_project.get(pid),
                nnbs.get(pid),
            )
        )

    scored.sort(key=lambda r: (-round(r[0], 12), r[1]))
    out: list[RankedProject] = []
    for i, (score, pid, name, norm, raw, missing, npv, nnb) in enumerate(scored):
        rank = i + 1
        if out and round(out[-1].score, 12) == round(score, 12):
            rank = out[-1].rank
        out.append(
            RankedProject(
                rank,
                pid,
                name,
                score,
                norm,
                raw,
                dict(weights),
                missing,
                npv,
                nnb,
                basis,
                criteria_set=adopted.id if adopted is not None else "",
                criteria_set_label=criteria.set_label(adopted, lang),
                proposal=pid in proposed,
            )
        )
    return out


# --------------------------------------------------------------------------- portfolio Monte Carlo


def portfolio_monte_carlo(
    results: Mapping[str, object],
    workspace: Workspace,
    *,
    draws: int | None = None,
) -> uncertainty.MonteCarloResult | None:
    """The distribution of the portfolio NPV from the projects' cost/benefit results.

    ``results``: project id → :class:`gevinst.model.cba.CbaResult` (None skipped).
    Each project is drawn from its own stream with its correlation groups, the
    same draws as its own analysis; the projects are independent of each other
    (stated in ``correlation`` and in the report). ``None`` without projects.
    """
    projects = [
        (pid, r.lines, r.weights)
        for pid, r in sorted(results.items())
        if r is not None and getattr(r, "lines", None) is not None
    ]
    if not projects:
        return None
    mc = workspace.monte_carlo
    n = int(draws if draws is not None else mc.draws)
    sampling = str(getattr(mc.sampling, "value", mc.sampling))
    own = [getattr(results[pid], "monte_carlo", None) for pid, _, _ in projects]
    if all(
        m is not None and m.costs is not None and m.draws == n and m.seed == int(mc.seed)
        and m.sampling == sampling
        for m in own
    ):  # every project kept its draws: sum them rather than draw them again
        return uncertainty.portfolio_from_draws(
            [(pid, lines, m) for (pid, lines, _), m in zip(projects, own, strict=True)],
            seed=int(mc.seed),
            sampling=sampling,
        )
    return uncertainty.portfolio_monte_carlo(projects, draws=n, seed=int(mc.seed), sampling=sampling)


# --------------------------------------------------------------------------- double claims


def normalise_indicator(text: str) -> str:
    """Lower case, punctuation removed, spaces collapsed (NFC; æ, ø, å kept)."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Claim:
    """One benefit's claim: its kommuner and period (``item_window``)."""

    project: str
    benefit: str
    name: str
    municipalities: tuple[str, ...]
    start: dt.date
    """Realisation start, or the baseline date when none is given."""
    end: dt.date
    """Target date."""


@dataclass(frozen=True)
class DoubleClaim:
    """Two projects claiming the same benefit: same indicator, kommune and period."""

    indicator: str
    municipalities: tuple[str, ...]
    """The kommuner both claim."""
    period: tuple[dt.date, dt.date]
    """The overlap of the two periods."""
    first: Claim
    second: Claim

    def to_json(self) -> dict:
        return jsonable(self)


def _claim(plan: Plan, b: Benefit) -> Claim:
    munis = tuple(b.municipalities or plan.project.municipalities)
    return Claim(plan.project.id, b.id, b.name, munis, *item_window(b))


def double_claims(plans: Mapping[str, Plan] | Iterable[Plan]) -> list[DoubleClaim]:
    """Pairs of benefits in different projects that would count the same gain twice."""
    claims: dict[str, list[Claim]] = {}
    for p in _plans(plans):
        for b in p.benefits:
            claims.setdefault(normalise_indicator(b.indicator), []).append(_claim(p, b))
    out: list[DoubleClaim] = []
    for indicator, group in claims.items():
        for a, b in itertools.combinations(group, 2):
            if a.project == b.project:
                continue
            common = tuple(m for m in a.municipalities if m in set(b.municipalities))
            start, end = max(a.start, b.start), min(a.end, b.end)
            if common and start <= end:
                out.append(DoubleClaim(indicator, common, (start, end), a, b))
    return sorted(out, key=lambda d: (d.first.project, d.first.benefit, d.second.project))


__all__ = [
    "CRITERIA",
    "Claim",
    "DoubleClaim",
    "Line",
    "RankedProject",
    "Rollup",
    "combine",
    "double_claims",
    "kommune_npvs",
    "kommune_shares",
    "normalise_indicator",
    "portfolio_monte_carlo",
    "prioritise",
    "risk_exposure",
    "rollup",
]
