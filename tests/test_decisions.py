"""Project status in words (model/overall) and the decision list (model/decisions).

Small hand-made plans; every share and number is worked out in the comments.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from test_tracking import benefit, m, plan, result_goal, workspace

from gevinst.io import workspace as ws
from gevinst.model import decisions as dec
from gevinst.model import overall as ov
from gevinst.model import portfolio as pf
from gevinst.model import tracking as t
from gevinst.model.schema import Plan
from gevinst.report import status_text as st

D = dt.date
AS_OF = D(2024, 7, 2)  # linear 2024-01-01 → 2025-01-01: planned share exactly 0.5
REPO = Path(__file__).resolve().parents[1]


def with_extras(p: Plan, **extra) -> Plan:
    data = p.model_dump()
    data.update(extra)
    return Plan.model_validate(data)


def two_benefits(g1: float, g2: float, g2_price: float = 30) -> tuple[Plan, list]:
    """G1: 100 units × 10 kr = 1 000 kr/yr; G2: 100 units × ``g2_price``; both measured on AS_OF."""
    b1 = benefit(id="G1", valuation={"nok_per_unit": 10})
    b2 = benefit(id="G2", valuation={"nok_per_unit": g2_price})
    p = plan(benefits=[b1, b2])
    statuses = t.project_status(p, [m(AS_OF, g1, "G1"), m(AS_OF, g2, "G2")], AS_OF, workspace())
    return p, statuses


# --------------------------------------------------------------------------- project status


def test_red_when_red_benefits_carry_a_quarter_of_the_value():
    # G1 20 % against 50 % planned: red; G2 50 %: green. Value 1 000 of 4 000 kr/yr = 25 %.
    p, rows = two_benefits(20, 50)
    o = ov.overall_status(p, rows, AS_OF)
    assert [s.status for s in rows] == ["red", "green"]
    assert [s.value_per_year for s in rows] == [1000, 3000]
    assert o.value_shares == pytest.approx({"green": 0.75, "yellow": 0.0, "red": 0.25})
    assert o.judged_value == 4000
    assert o.level == "red"
    assert o.reasons[0].kind == "benefits" and o.reasons[0].ids == ("G1",)


def test_yellow_when_any_benefit_is_red_below_a_quarter():
    # G2 at 40 kr: 1 000 of 5 000 = 20 % red → yellow (a red benefit is never hidden).
    p, rows = two_benefits(20, 50, g2_price=40)
    assert ov.overall_status(p, rows, AS_OF).level == "yellow"


def test_green_when_slightly_behind_carries_less_than_a_quarter():
    # G1 40 % against 50 %: yellow (≥ 35 %, < 45 %), 1 000 of 5 000 = 20 % → green.
    p, rows = two_benefits(40, 50, g2_price=40)
    assert [s.status for s in rows] == ["yellow", "green"]
    o = ov.overall_status(p, rows, AS_OF)
    assert o.level == "green"
    # ... and 1 000 of 4 000 = 25 % yellow makes it yellow.
    p, rows = two_benefits(40, 50)
    assert ov.overall_status(p, rows, AS_OF).level == "yellow"


def test_high_risk_and_overdue_decision_point_make_it_yellow():
    p, rows = two_benefits(50, 50)
    assert ov.overall_status(p, rows, AS_OF).level == "green"
    risky = with_extras(
        p, risks=[{"id": "RI1", "description": "Leverandøren", "probability": 3, "consequence": 5}]
    )
    o = ov.overall_status(risky, rows, AS_OF)
    assert o.level == "yellow"
    (risk,) = [r for r in o.reasons if r.kind == "risks"]
    assert risk.ids == ("RI1",) and risk.numbers["max_exposure"] == 15
    # Exposure 12 («høy», not ≥ 15) is not a reason.
    mild = with_extras(
        p, risks=[{"id": "RI1", "description": "Leverandøren", "probability": 3, "consequence": 4}]
    )
    assert ov.overall_status(mild, rows, AS_OF).level == "green"
    late = with_extras(
        p,
        milestones=[
            {
                "id": "M1",
                "name": "Start gjennomføring",
                "date": D(2024, 6, 1),
                "decision_point": "BP3",
            }
        ],
    )
    o = ov.overall_status(late, rows, AS_OF)
    assert o.level == "yellow"
    (bp,) = [r for r in o.reasons if r.kind == "decision_points"]
    assert bp.numbers["days_overdue"] == 31 and bp.numbers["decision_points"] == ["BP3"]


def test_not_started_project():
    b = benefit(realisation_start=D(2025, 1, 1), target_date=D(2026, 1, 1))
    p = plan(benefits=[b])
    rows = t.project_status(p, [], AS_OF, workspace())
    assert rows[0].status == "not_started" and not rows[0].overdue
    o = ov.overall_status(p, rows, AS_OF)
    assert o.level == "not_started"
    assert o.reasons[0].numbers["first_start"] == D(2025, 1, 1)
    assert "01.01.2025" in st.reason_text(o.reasons[0])


def test_overdue_measurements_are_said_but_do_not_change_the_level():
    p, _ = two_benefits(50, 50)
    later = t.project_status(
        p, [m(AS_OF, 50, "G1"), m(AS_OF, 50, "G2")], D(2024, 10, 3), workspace()
    )
    # Quarterly: due 2024-10-02; on 2024-10-03 overdue, judged at 2024-10-02 (f = 275/366 = 0.751):
    # 0.50 < 0.9 · 0.751 = 0.676 and ≥ 0.7 · 0.751 = 0.526? No: 0.50 < 0.526 → red.
    assert all(s.overdue for s in later)
    assert [s.status for s in later] == ["red", "red"]
    o = ov.overall_status(p, later, D(2024, 10, 3))
    assert o.level == "red"
    (late,) = [r for r in o.reasons if r.kind == "measurements_overdue"]
    assert late.level == "info" and late.numbers["earliest_due"] == D(2024, 10, 2)
    json.dumps(o.to_json())


# --------------------------------------------------------------------------- decisions


def kinds(items):
    return [(d.kind, d.severity, d.item_id) for d in items]


def test_behind_plan_items_carry_their_numbers():
    p, rows = two_benefits(20, 40)
    items = dec.project_decisions(p, rows, AS_OF)
    assert kinds(items) == [("behind_plan", "high", "G1"), ("behind_plan", "medium", "G2")]
    n = items[0].numbers
    assert n["realised_share"] == pytest.approx(0.2)
    assert n["planned_share_judged"] == pytest.approx(0.5)
    assert n["value_per_year"] == 1000
    text = st.decision_text(items[0])
    assert "20 %" in text.replace("\xa0", " ") and "50 %" in text.replace("\xa0", " ")
    json.dumps([d.to_json() for d in items])


def test_decision_points_milestones_and_next_decision_point():
    p, rows = two_benefits(50, 50)
    p = with_extras(
        p,
        milestones=[
            {"id": "M1", "name": "Pilot ferdig", "date": D(2024, 6, 2)},
            {
                "id": "M2",
                "name": "Start gjennomføring",
                "date": D(2024, 5, 2),
                "decision_point": "BP3",
            },
            {
                "id": "M3",
                "name": "Start avslutning",
                "date": D(2024, 9, 30),
                "decision_point": "BP4",
            },
            {
                "id": "M4",
                "name": "Konsept",
                "date": D(2024, 1, 2),
                "decision_point": "BP1",
                "done": True,
            },
        ],
    )
    items = dec.project_decisions(p, rows, AS_OF)
    assert kinds(items) == [
        ("decision_point_overdue", "high", "M2"),
        ("milestone_overdue", "medium", "M1"),
        ("next_decision_point", "info", "M3"),
    ]
    assert items[0].numbers["days_overdue"] == 61  # 2024-05-02 → 2024-07-02
    assert items[2].numbers["days_until"] == 90
    assert st.decision_text(items[0]) == (
        "BP3 «Start gjennomføring» skulle vært tatt 02.05.2024 og er ikke registrert som "
        "gjennomført (61 dager på overtid)."
    )
    assert st.decision_text(items[2], "en") == (
        "Next decision point: DP4 'Start avslutning' on 30 Sep 2024 (in 90 days)."
    )


def test_high_risk_from_exposure_15():
    p, rows = two_benefits(50, 50)
    p = with_extras(
        p,
        risks=[
            {"id": "RI1", "description": "A", "probability": 3, "consequence": 5},
            {"id": "RI2", "description": "B", "probability": 2, "consequence": 5},
            {
                "id": "RI3",
                "description": "C",
                "probability": 4,
                "consequence": 4,
                "mitigation": "Plan",
            },
        ],
    )
    items = dec.project_decisions(p, rows, AS_OF)
    assert kinds(items) == [("high_risk", "high", "RI3"), ("high_risk", "high", "RI1")]
    assert [d.numbers["exposure"] for d in items] == [16, 15]
    assert "Ingen tiltak er registrert" in st.decision_text(items[1])


@pytest.mark.parametrize(
    ("npv", "prob", "expected"),
    [
        (-2_700_000, 0.42, ["negative_npv", "low_probability"]),
        (1_000_000, 0.49, ["low_probability"]),
        (1_000_000, 0.5, []),
        (-1.0, None, ["negative_npv"]),
        (None, None, []),
    ],
)
def test_economics_rules(npv, prob, expected):
    p, rows = two_benefits(50, 50)
    eco = dec.Economics(npv=npv, prob_positive=prob)
    got = [d.kind for d in dec.project_decisions(p, rows, AS_OF, economics=eco)]
    assert got == expected


def test_economics_from_a_cba_result():
    class MC:
        prob_positive = 0.3

    class Cba:
        npv = -5.0
        npv_as_planned = 10.0
        monte_carlo = MC()

    assert dec.Economics.from_cba(Cba()) == dec.Economics(-5.0, 0.3, 10.0)
    assert dec.Economics.from_cba(None) == dec.Economics()


def test_missing_owner_and_missing_baseline():
    b1 = benefit(id="G1", owner="Ikke avklart")
    b2 = benefit(id="G2", realisation_start=D(2024, 9, 1), target_date=D(2025, 6, 1))
    p = plan(benefits=[b1, b2])
    rows = t.project_status(p, [m(AS_OF, 50, "G1")], AS_OF, workspace())
    items = dec.project_decisions(p, rows, AS_OF)
    # G2: baseline date 2024-01-01 passed, nothing registered, not started → medium.
    assert kinds(items) == [("missing_baseline", "medium", "G2"), ("missing_owner", "medium", "G1")]
    assert items[0].numbers["realisation_start"] == D(2024, 9, 1)
    assert not items[0].numbers["started"]


def test_double_claim_with_another_project():
    a = plan(benefits=[benefit(id="G1")], pid="p1")
    b = plan(benefits=[benefit(id="G7")], pid="p2")
    claims = pf.double_claims([a, b])
    rows = t.project_status(a, [m(AS_OF, 50, "G1")], AS_OF, workspace())
    items = dec.project_decisions(a, rows, AS_OF, claims=claims)
    assert kinds(items) == [("double_claim", "medium", "G1")]
    assert items[0].numbers["other_project"] == "p2" and items[0].numbers["other_item"] == "G7"
    board = dec.portfolio_decisions([a, b], [*rows], AS_OF)
    assert [(d.kind, d.project) for d in board if d.kind == "double_claim"] == [
        ("double_claim", "p1")
    ]  # the pair once


def test_overdue_measurement_listed_once():
    p, _ = two_benefits(50, 50)
    when = D(2024, 10, 3)
    rows = t.project_status(p, [m(AS_OF, 50, "G1"), m(D(2024, 10, 1), 75, "G2")], when, workspace())
    # G1 red and overdue: one behind_plan item with overdue in its numbers; G2 fresh, on plan.
    items = dec.project_decisions(p, rows, when)
    assert kinds(items) == [("behind_plan", "high", "G1")]
    assert items[0].numbers["overdue"] and items[0].numbers["next_due"] == D(2024, 10, 2)
    assert "måling forfalt 02.10.2024" in st.decision_text(items[0])


def test_portfolio_gathers_per_project_and_kind():
    p, rows = two_benefits(20, 30)
    p = with_extras(
        p,
        risks=[
            {"id": "RI1", "description": "A", "probability": 3, "consequence": 5},
            {"id": "RI2", "description": "B", "probability": 4, "consequence": 5},
        ],
    )
    board = dec.portfolio_decisions({"p1": p}, rows, AS_OF)
    assert [(d.kind, d.severity, d.numbers.get("count")) for d in board] == [
        ("project_status", "high", None),
        ("behind_plan", "high", 2),
        ("high_risk", "high", 2),
    ]
    assert board[2].numbers["max_exposure"] == 20
    assert st.decision_text(board[1]) == "p1: 2 gevinster – 2 bak plan: G1 og G2."
    assert st.decision_text(board[2]) == (
        "p1: 2 svært høye risikoer (høyest eksponering 20 av 25): RI2 og RI1."
    )
    # Items that do not name the project get it in front in the board's list.
    eco = {"p1": dec.Economics(npv=-1.0)}
    texts = st.decision_texts(
        dec.portfolio_decisions({"p1": p}, rows, AS_OF, economics=eco), with_project=True
    )
    assert (
        "p1: Forventet netto nåverdi er negativ (−1\xa0kr): er de ikke-prissatte virkningene verdt det?"
        in texts
    )


def test_forecast_miss_is_a_trend_not_a_passed_target():
    # G1 on plan on 2024-07-02 (50 %) but flat since: the recent trend stays at 50 → misses.
    b = benefit(id="G1")
    p = plan(benefits=[b])
    ms = [m(D(2024, 5, 2), 50, "G1"), m(D(2024, 6, 2), 50, "G1"), m(AS_OF, 50, "G1")]
    rows = t.project_status(p, ms, AS_OF, workspace())
    assert rows[0].status == "green" and rows[0].forecast.method == "trend"
    assert rows[0].forecast_misses_target
    assert kinds(dec.project_decisions(p, rows, AS_OF)) == [("forecast_miss", "medium", "G1")]
    assert "prognose: når ikke målet" in st.forecast_cell(rows[0])
    # After the target date the value measured there is history: no forecast_miss item.
    late = t.project_status(p, [*ms, m(D(2025, 1, 1), 60, "G1")], D(2025, 1, 5), workspace())
    assert late[0].forecast.method == "measured" and late[0].forecast_misses_target
    assert "forecast_miss" not in [d.kind for d in dec.project_decisions(p, late, D(2025, 1, 5))]
    assert st.forecast_cell(late[0]) == "målt: 60 · når ikke målet"


# --------------------------------------------------------------------------- words


def test_progress_label_says_overdue_beside_never_instead():
    p, _ = two_benefits(50, 50)
    rows = t.project_status(
        p, [m(AS_OF, 50, "G1"), m(AS_OF, 50, "G2")], D(2024, 10, 3), workspace()
    )
    assert st.progress_label(rows[0]) == "✖ Bak plan · måling forfalt 02.10"
    assert st.progress_label(rows[0], "en") == "✖ Behind plan · measurement overdue since 2 Oct"
    fresh = t.project_status(p, [m(AS_OF, 50, "G1")], AS_OF, workspace())[0]
    assert st.progress_label(fresh) == "✔ På plan"


def test_result_goal_words():
    r = result_goal(frequency="monthly")
    p = plan(result_goals=[r])
    rows = t.project_status(p, [m(D(2024, 6, 1), 6, "R1")], AS_OF, workspace())
    # Monthly, 2024-06-01 + 1 month = 2024-07-01 < 2024-07-02: overdue; judged at 2024-07-01:
    # (6 − 4) / 22 = 0.091 against f = 182/366 = 0.497 → red.
    assert rows[0].overdue and rows[0].status == "red"
    o = ov.overall_status(p, rows, AS_OF)
    assert o.level == "yellow"  # no benefits to judge; a resultatmål behind plan
    sentences = st.overall_sentences(o)
    assert sentences[0] == "Prosjektstatus: ▲ Krever oppmerksomhet."
    assert "1 av 1 resultatmål er bak plan (R1)." in sentences


# --------------------------------------------------------------------------- the example


@pytest.fixture(scope="module")
def example():
    loaded = ws.load(REPO / "data")
    when = D(2026, 12, 1)
    rows = t.portfolio_status(loaded.plans, loaded.measurements, when, loaded.workspace)
    return loaded, when, {(s.project, s.id): s for s in rows}, rows


def test_done_when_delays_are_not_hidden(example):
    """Issue 8, «Done when»: the four delayed items show red or yellow with «måling forfalt»."""
    _, _, by, _ = example
    for key in [
        ("velferdsteknologi", "G1"),
        ("velferdsteknologi", "G4"),
        ("digital-kompetanse", "R1"),
        ("felles-erp", "R3"),
    ]:
        s = by[key]
        assert s.status in ("red", "yellow"), key
        assert s.overdue, key
        assert "måling forfalt" in st.progress_label(s), key


def test_done_when_nothing_measured_is_grey(example):
    _, _, _, rows = example
    for s in rows:
        if s.status == "grey":
            assert s.latest_value is None, s.id
        if s.started and s.latest_value is not None:
            assert s.status in ("green", "yellow", "red"), (s.project, s.id)


def test_done_when_not_started_is_not_overdue(example):
    _, _, by, _ = example
    for key in [("felles-avfall", "G2"), ("felles-avfall", "R2"), ("felles-erp", "U1")]:
        assert by[key].status == "not_started", key
        assert not by[key].overdue, key
    loaded, when, _, _ = example
    owners = t.overdue(loaded.plans, loaded.measurements, when, loaded.workspace)
    late = {(o.project, i) for o in owners for i in o.item_ids}
    assert ("felles-erp", "U1") not in late and ("felles-avfall", "G2") not in late


def test_example_decisions_name_what_the_issue_missed(example):
    loaded, when, _, rows = example
    plan = loaded.plans["velferdsteknologi"]
    items = dec.project_decisions(plan, rows, when)
    got = {(d.kind, d.item_id) for d in items}
    # Items behind plan and the two «svært høy» risks (issue 8: left out before).
    assert {
        ("behind_plan", "G1"),
        ("behind_plan", "G4"),
        ("high_risk", "RI1"),
        ("high_risk", "RI2"),
    } <= got
