"""Portfolio roll-up, prioritisation and double claims, against hand-computed values."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from gevinst.model import portfolio as pf
from gevinst.model import tracking as t
from gevinst.model.schema import Benefit, Measurement, Plan, Workspace

D = dt.date
YEAR = 365.25
AS_OF = D(2024, 10, 1)


def ws(**kw) -> Workspace:
    data = {
        "organisation": "Testregionen",
        "municipalities": [
            {"name": "A", "population": 3000},
            {"name": "B", "population": 1000},
            {"name": "C", "population": 4000},
        ],
        "hourly_cost": 720,
    }
    data.update(kw)
    return Workspace.model_validate(data)


def benefit(id="G1", **kw) -> dict:
    data = {
        "id": id,
        "name": f"Gevinst {id}",
        "effect_goal": "E1",
        "owner": "Eier",
        "kind": "time",
        "category": "freed_resources",
        "indicator": "Manuelle henvendelser per år",
        "unit": "saker",
        "direction": "increase",
        "baseline": 0,
        "baseline_date": D(2024, 1, 1),
        "target": 100,
        "target_date": D(2025, 1, 1),
        "frequency": "quarterly",
        "valuation": {"nok_per_unit": 10},
    }
    data.update(kw)
    return Benefit.model_validate(data).model_dump()


def plan(
    pid, municipalities, benefits=(), disbenefits=(), result_goals=(), risks=(), **project
) -> Plan:
    proj = {
        "id": pid,
        "name": f"Prosjekt {pid}",
        "organisation": "Testregionen",
        "municipalities": municipalities,
        "owner": "Eier",
        "project_manager": "PL",
        "start_date": D(2023, 1, 1),
        "end_date": D(2025, 1, 1),
        "price_year": 2024,
    }
    proj.update(project)
    return Plan.model_validate(
        {
            "project": proj,
            "goals": {"main_goal": "Bedre tjenester"},
            "effect_goals": [
                {"id": "E1", "text": "Færre henvendelser", "indicator": "Henvendelser"},
                {"id": "E2", "text": "Fornøyde innbyggere", "indicator": "Score"},
            ],
            "benefits": list(benefits),
            "disbenefits": list(disbenefits),
            "result_goals": list(result_goals),
            "risks": list(risks),
        }
    )


def m(target, date, value) -> Measurement:
    return Measurement(target_id=target, date=date, value=value)


# --------------------------------------------------------------------------- kommune shares


def test_kommune_shares_by_rule():
    w = ws()
    p = plan("p1", ["A", "B"])
    assert pf.kommune_shares(p, w) == pytest.approx({"A": 0.75, "B": 0.25})
    assert pf.kommune_shares(p, w, ["B"]) == {"B": 1.0}
    eq = plan("p2", ["A", "B", "C"], cost_sharing="equal")
    assert pf.kommune_shares(eq, w) == pytest.approx({"A": 1 / 3, "B": 1 / 3, "C": 1 / 3})
    fixed = plan(
        "p3", ["A", "B", "C"], cost_sharing="fixed", fixed_shares={"A": 0.5, "B": 0.3, "C": 0.2}
    )
    # Restricted to A and B: 0.5 and 0.3 scaled to add up to 1.
    assert pf.kommune_shares(fixed, w, ["A", "B"]) == pytest.approx({"A": 0.625, "B": 0.375})


# --------------------------------------------------------------------------- roll-up


@pytest.fixture
def portfolio():
    w = ws()
    p1 = plan(
        "p1",
        ["A", "B"],
        benefits=[benefit("G1"), benefit("G2", municipalities=["B"], effect_goal="E2")],
        disbenefits=[benefit("U1", valuation={"nok_per_unit": 1})],
        result_goals=[
            {
                "id": "R1",
                "text": "Skjema på nett",
                "effect_goal": "E1",
                "indicator": "Skjema",
                "baseline": 0,
                "baseline_date": D(2024, 1, 1),
                "target": 10,
                "due_date": D(2025, 1, 1),
            }
        ],
    )
    p2 = plan(
        "p2",
        ["A", "C"],
        cost_sharing="equal",
        benefits=[
            benefit("G1", indicator="manuelle henvendelser, per år"),
            benefit("G3", kind="quality", category="non_priced", valuation=None),
        ],
    )
    plans = {"p1": p1, "p2": p2}
    ms = {
        "p1": [m("G1", D(2024, 7, 1), 40), m("G2", D(2024, 7, 1), 10), m("U1", D(2024, 9, 1), 5)],
        "p2": [m("G1", D(2024, 7, 1), 60), m("G3", D(2024, 9, 1), 60)],
    }
    statuses = t.portfolio_status(plans, ms, AS_OF, w)
    npv = {"p1": 1000.0, "p2": -400.0}
    return w, plans, statuses, npv


def test_rollup_adds_up(portfolio):
    w, plans, statuses, npv = portfolio
    r = pf.rollup(statuses, npv, plans, w, AS_OF)
    assert [p.key for p in r.projects] == ["p1", "p2"]
    for attr in ("planned_nok", "realised_nok"):
        total = getattr(r.total, attr)
        assert sum(getattr(p, attr) for p in r.projects) == pytest.approx(total)
        assert sum(getattr(k, attr) for k in r.municipalities) == pytest.approx(total)
        assert sum(getattr(e, attr) for e in r.effect_goals) == pytest.approx(total)
        assert total == pytest.approx(sum(getattr(s, attr) or 0 for s in statuses))
    assert r.total.npv == pytest.approx(600.0)
    assert sum(k.npv or 0 for k in r.municipalities) == pytest.approx(600.0)
    # Status counts: project lines add up to the total.
    for st in t.STATUSES:
        assert sum(p.benefits[st] for p in r.projects) == r.total.benefits[st]
    assert sum(r.total.benefits.values()) == 5 and sum(r.total.results.values()) == 1
    # Overdue is counted beside the statuses, from the same item statuses: the benefits were
    # measured 2024-07-01 or later (quarterly: due 2024-10-01, not yet); R1 never, due
    # 2024-04-01 (start + 3 months).
    assert r.total.overdue == 0 and r.total.results_overdue == 1
    assert sum(p.overdue for p in r.projects) == r.total.overdue
    json.dumps(r.to_json())


def test_rollup_by_hand(portfolio):
    w, plans, statuses, npv = portfolio
    r = pf.rollup(statuses, npv, plans, w, AS_OF)
    # G1 (p1): 0 → 40 on day 182, flat to day 274: 7320 unit-days × 10 NOK.
    g1 = 10 * 7320 / YEAR
    # G2: 0 → 10, same dates: 10·182/2 + 10·92 = 1830 unit-days.
    g2 = 10 * 1830 / YEAR
    # U1 (ulempe, 1 NOK/unit): 0 → 5 over 244 days (to 2024-09-01), flat 30 days: 610 + 150.
    u1 = -1 * (5 * 244 / 2 + 5 * 30) / YEAR
    # G1 (p2): 0 → 60 on day 182, flat: 60·91 + 60·92 = 10980 unit-days.
    g1b = 10 * 10980 / YEAR
    lines = {p.key: p for p in r.projects}
    assert lines["p1"].realised_nok == pytest.approx(g1 + g2 + u1)
    assert lines["p2"].realised_nok == pytest.approx(g1b)
    kommuner = {k.key: k for k in r.municipalities}
    # p1 by population over A, B (0.75/0.25), G2 only in B; p2 equally over A and C.
    assert kommuner["A"].realised_nok == pytest.approx(0.75 * (g1 + u1) + 0.5 * g1b)
    assert kommuner["B"].realised_nok == pytest.approx(0.25 * (g1 + u1) + g2)
    assert kommuner["C"].realised_nok == pytest.approx(0.5 * g1b)
    assert kommuner["A"].npv == pytest.approx(0.75 * 1000 - 0.5 * 400)
    goals = {(e.project, e.key): e for e in r.effect_goals}
    assert goals[("p1", "E2")].realised_nok == pytest.approx(g2)
    assert goals[("p2", "E2")].realised_nok == 0


# --------------------------------------------------------------------------- prioritisation


def _three():
    risks = [
        {"id": "X1", "description": "r", "probability": 2, "consequence": 3},
        {"id": "X2", "description": "r", "probability": 1, "consequence": 1},
    ]
    p1 = plan("p1", ["A", "B"], phase="BP3", risks=risks)
    worst = [{"id": "X", "description": "r", "probability": 5, "consequence": 5}]
    p2 = plan("p2", ["A", "B", "C"], phase="BP1", risks=worst)
    p3 = plan("p3", ["C"])
    w = ws(strategic_fit={"p1": 5, "p2": 3})
    return [p1, p2, p3], w, {"p1": 100.0, "p2": 300.0, "p3": 200.0}


def test_prioritisation_by_hand():
    plans, w, npv = _three()
    ranked = pf.prioritise(plans, w, npv)
    # p1: .3·1 + .25·0 + .15·(1 − 5/24) + .15·.6 + .15·(2/3) = 0.60875
    # p2: .3·.5 + .25·1 + .15·0 + .15·.2 + .15·1 = 0.58
    # p3: .3·0 + .25·.5 + .15·0 + .15·0 + .15·(1/3) = 0.175 (no fit score, no risks)
    assert [(r.rank, r.project) for r in ranked] == [(1, "p1"), (2, "p2"), (3, "p3")]
    assert [r.score for r in ranked] == pytest.approx([0.60875, 0.58, 0.175])
    assert ranked[0].criteria["risk"] == pytest.approx(19 / 24)
    assert ranked[0].raw["risk"] == 6
    assert ranked[2].missing == ("strategic_fit", "risk")
    json.dumps([r.to_json() for r in ranked])


def test_prioritisation_weights_from_the_workspace():
    plans, w, npv = _three()
    w = w.model_copy(update={"prioritisation": {"npv": 2.0, "unknown": 5.0}})
    ranked = pf.prioritise(plans, w, npv)
    assert [r.project for r in ranked] == ["p2", "p3", "p1"]
    assert [r.score for r in ranked] == pytest.approx([1.0, 0.5, 0.0])


def test_prioritisation_mean_risk_and_ties():
    plans, w, npv = _three()
    ranked = pf.prioritise(plans, w, npv, risk_measure="mean")
    assert ranked[0].raw["risk"] == pytest.approx(3.5)
    w = w.model_copy(update={"prioritisation": {"strategic_fit": 1.0}})
    tied = pf.prioritise(plans, w.model_copy(update={"strategic_fit": {"p1": 4, "p2": 4}}), npv)
    assert [(r.rank, r.project) for r in tied] == [(1, "p1"), (1, "p2"), (3, "p3")]


def test_prioritisation_risk_scores_override():
    plans, w, npv = _three()
    ranked = pf.prioritise(plans, w, npv, risk_scores={"p3": 1.0})
    p3 = next(r for r in ranked if r.project == "p3")
    assert p3.criteria["risk"] == 1.0 and "risk" not in p3.missing


# --------------------------------------------------------------------------- double claims


def test_double_claims():
    a = plan("p1", ["A", "B"], benefits=[benefit("G1")])
    b = plan(
        "p2", ["A", "C"], benefits=[benefit("G7", indicator=" manuelle  henvendelser, per ÅR ")]
    )
    claims = pf.double_claims([a, b])
    assert len(claims) == 1
    c = claims[0]
    assert c.municipalities == ("A",)
    assert c.period == (D(2024, 1, 1), D(2025, 1, 1))
    assert (c.first.project, c.first.benefit, c.second.project, c.second.benefit) == (
        "p1",
        "G1",
        "p2",
        "G7",
    )
    json.dumps(c.to_json())


def test_no_double_claim_without_common_kommune_period_or_indicator():
    a = plan("p1", ["A", "B"], benefits=[benefit("G1", municipalities=["B"])])
    other_kommune = plan("p2", ["A", "C"], benefits=[benefit("G1")])
    later = plan(
        "p3",
        ["B"],
        benefits=[
            benefit("G1", baseline_date=D(2025, 1, 2), target_date=D(2026, 1, 1)),
        ],
    )
    other_indicator = plan("p4", ["B"], benefits=[benefit("G1", indicator="Digitale søknader")])
    assert pf.double_claims([a, other_kommune, later, other_indicator]) == []
    # Two benefits in the same project are not a double claim between projects.
    same = plan("p5", ["A"], benefits=[benefit("G1"), benefit("G2")])
    assert pf.double_claims([same]) == []


def test_double_claim_period_starts_at_realisation_start():
    # p1 claims 2024-01-01 … 2025-01-01; p2's baseline is in that period, but its change
    # only starts after p1's target date: the two periods do not overlap.
    a = plan("p1", ["A"], benefits=[benefit("G1")])
    late_start = plan(
        "p2",
        ["A"],
        benefits=[benefit("G1", realisation_start=D(2025, 2, 1), target_date=D(2026, 1, 1))],
    )
    assert pf.double_claims([a, late_start]) == []
    # A realisation start inside p1's period: the overlap begins there.
    mid_start = plan("p3", ["A"], benefits=[benefit("G1", realisation_start=D(2024, 7, 1))])
    (claim,) = pf.double_claims([a, mid_start])
    assert claim.second.start == D(2024, 7, 1)
    assert claim.period == (D(2024, 7, 1), D(2025, 1, 1))
