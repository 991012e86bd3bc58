"""Benefit tracking: trajectories, status against plan, forecasts, NOK so far, overdue.

Every expected number is worked out by hand in the test.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from required_keys import STATUS_JSON_KEYS

from gevinst.model import tracking as t
from gevinst.model.schema import (
    Benefit,
    Measurement,
    Plan,
    ResultGoal,
    Workspace,
)

D = dt.date
YEAR = 365.25


def workspace(**kw) -> Workspace:
    data = {
        "organisation": "Testregionen",
        "municipalities": [
            {"name": "A", "population": 3000},
            {"name": "B", "population": 1000},
        ],
        "hourly_cost": 720,
    }
    data.update(kw)
    return Workspace.model_validate(data)


def benefit(**kw) -> Benefit:
    data = {
        "id": "G1",
        "name": "Spart tid",
        "effect_goal": "E1",
        "owner": "Leder servicetorget",
        "kind": "time",
        "category": "freed_resources",
        "indicator": "Saker per år",
        "unit": "saker",
        "direction": "increase",
        "baseline": 0,
        "baseline_date": D(2024, 1, 1),
        "target": 100,
        "target_date": D(2025, 1, 1),
        "frequency": "quarterly",
    }
    data.update(kw)
    return Benefit.model_validate(data)


def result_goal(**kw) -> ResultGoal:
    data = {
        "id": "R1",
        "text": "26 tjenester på nett",
        "effect_goal": "E1",
        "indicator": "Tjenester på nett",
        "unit": "tjenester",
        "baseline": 4,
        "baseline_date": D(2024, 1, 1),
        "target": 26,
        "due_date": D(2025, 1, 1),
    }
    data.update(kw)
    return ResultGoal.model_validate(data)


def plan(benefits=(), disbenefits=(), result_goals=(), pid="p1", **project) -> Plan:
    proj = {
        "id": pid,
        "name": "Prosjekt",
        "organisation": "Testregionen",
        "municipalities": ["A", "B"],
        "owner": "Eier",
        "project_manager": "Prosjektleder",
        "start_date": D(2023, 1, 1),
        "end_date": D(2025, 1, 1),
        "price_year": 2024,
    }
    proj.update(project)
    return Plan.model_validate(
        {
            "project": proj,
            "goals": {"main_goal": "Bedre tjenester"},
            "effect_goals": [{"id": "E1", "text": "Raskere svar", "indicator": "Svartid"}],
            "benefits": [b.model_dump() for b in benefits],
            "disbenefits": [b.model_dump() for b in disbenefits],
            "result_goals": [r.model_dump() for r in result_goals],
        }
    )


def m(date: dt.date, value: float, target: str = "G1") -> Measurement:
    return Measurement(target_id=target, date=date, value=value)


def status_of(item, measurements, as_of, ws=None, kind="benefit"):
    groups = {"benefit": "benefits", "disbenefit": "disbenefits", "result": "result_goals"}
    p = plan(**{groups[kind]: [item]})
    return t.item_status(p, item, measurements, as_of, ws or workspace())


# --------------------------------------------------------------------------- trajectories


def test_linear_trajectory():
    # 2024-01-01 → 2025-01-01 is 366 days; 2024-07-02 is day 183, exactly half-way.
    b = benefit(baseline=100, target=200)
    got = t.planned_trajectory(b, [D(2023, 6, 1), D(2024, 1, 1), D(2024, 7, 2), D(2026, 1, 1)])
    assert got == pytest.approx([100, 100, 150, 200])


def test_s_curve_trajectory():
    # Four-day window; day 1: x = 1/4, f = 3/16 − 2/64 = 0.15625; day 2: f = 0.5.
    b = benefit(baseline=100, target=200, profile="s_curve", target_date=D(2024, 1, 5))
    got = t.planned_trajectory(b, [D(2024, 1, 2), D(2024, 1, 3), D(2024, 1, 4)])
    assert got == pytest.approx([115.625, 150.0, 184.375])


def test_step_trajectory():
    b = benefit(baseline=100, target=200, profile="step")
    got = t.planned_trajectory(b, [D(2024, 6, 1), D(2024, 12, 31), D(2025, 1, 1)])
    assert got == pytest.approx([100, 100, 200])


def test_explicit_trajectory():
    # Fractions 0.2, 0.6, 1.0 at 1 July 2024, 2025, 2026; 0 at the start 2024-01-01.
    b = benefit(
        baseline=100,
        target=200,
        profile="explicit",
        profile_fractions=[0.2, 0.6, 1.0],
        target_date=D(2026, 12, 31),
    )
    got = t.planned_trajectory(
        b, [D(2024, 4, 1), D(2024, 7, 1), D(2025, 1, 1), D(2026, 7, 1), D(2027, 6, 1)]
    )
    # 2024-04-01 is day 91 of 182 → 0.1; 2025-01-01 is day 184 of 365 from 1 July.
    assert got == pytest.approx([110, 120, 120 + 40 * 184 / 365, 200, 200])


def test_decrease_is_good_trajectory():
    b = benefit(direction="decrease", baseline=52000, target=36000)
    assert t.planned_trajectory(b, [D(2024, 7, 2)]) == pytest.approx([44000])


def test_result_goal_trajectory_uses_due_date():
    r = result_goal(baseline=4, target=26)
    assert t.planned_trajectory(r, [D(2024, 7, 2), D(2025, 1, 1)]) == pytest.approx([15, 26])


# --------------------------------------------------------------------------- status

AS_OF = D(2024, 7, 2)  # planned share exactly 0.5 for the default benefit
# Progress is judged against the plan on the measurement's date, so the status tests
# measure on AS_OF itself (f = 183/366 = 0.5 exactly).


@pytest.mark.parametrize(
    ("value", "status"),
    [(45.0, "green"), (44.99, "yellow"), (35.0, "yellow"), (34.99, "red"), (80.0, "green")],
)
def test_status_at_threshold_edges(value, status):
    s = status_of(benefit(), [m(AS_OF, value)], AS_OF)
    assert s.planned_share == pytest.approx(0.5)
    assert s.planned_share_at_latest == pytest.approx(0.5)
    assert s.realised_share == pytest.approx(value / 100)
    assert s.deviation == pytest.approx(value / 100 - 0.5)
    assert s.status == status


@pytest.mark.parametrize(
    ("value", "status"), [(55.0, "green"), (55.01, "yellow"), (65.0, "yellow"), (65.01, "red")]
)
def test_status_decrease_is_good(value, status):
    b = benefit(direction="decrease", baseline=100, target=0)
    s = status_of(b, [m(AS_OF, value)], AS_OF)
    assert s.realised_share == pytest.approx((value - 100) / (0 - 100))
    assert s.status == status


def test_status_thresholds_come_from_the_workspace():
    ws = workspace(status_thresholds={"green": 0.8, "yellow": 0.5})
    assert status_of(benefit(), [m(AS_OF, 40)], AS_OF, ws).status == "green"
    assert status_of(benefit(), [m(AS_OF, 25)], AS_OF, ws).status == "yellow"
    assert status_of(benefit(), [m(AS_OF, 24)], AS_OF, ws).status == "red"


def test_nothing_planned_yet_is_green_unless_wrong_way():
    # A step profile plans nothing until the target date, though realisation has started.
    b = benefit(profile="step")
    ok = status_of(b, [m(D(2024, 3, 1), 0)], D(2024, 4, 1))
    assert ok.planned_share_at_latest == 0 and ok.status == "green"
    wrong = status_of(b, [m(D(2024, 3, 1), -5)], D(2024, 4, 1))
    assert wrong.realised_share == pytest.approx(-0.05) and wrong.status == "red"


def test_disbenefit_mirrors_the_rule():
    # More of an ulempe is worse: green up to (2 − 0.9) = 110 % of plan, yellow to 130 %.
    u = benefit(id="U1", name="Mer support", kind="time", category="freed_resources")
    for value, status in [
        (20, "green"),
        (55, "green"),
        (60, "yellow"),
        (65, "yellow"),
        (66, "red"),
    ]:
        s = status_of(u, [m(AS_OF, value, "U1")], AS_OF, kind="disbenefit")
        assert s.kind == "disbenefit"
        assert s.status == status, value


def test_result_goal_status():
    r = result_goal(frequency="monthly")
    s = status_of(r, [m(D(2024, 6, 15), 15, "R1")], AS_OF, kind="result")
    assert s.kind == "result"
    assert s.realised_share == pytest.approx(0.5)
    assert s.status == "green"
    assert s.owner == "Prosjektleder"  # no owner on the resultatmål → project manager


def test_no_measurements_is_grey():
    s = status_of(benefit(), [], AS_OF)
    assert s.status == "grey"
    assert s.latest_value is None and s.latest_date is None
    assert s.realised_share is None and s.deviation is None
    assert s.forecast_at_target is None and s.forecast_note == "too_few_measurements"
    assert s.next_due == D(2024, 4, 1)  # realisation start (= baseline date) + 3 months
    assert s.overdue


def test_stale_measurement_keeps_its_status_with_overdue_beside():
    ms = [m(D(2024, 4, 1), 40)]
    # Quarterly: 2024-04-01 + 3 months = 2024-07-01, grace 0. On that day fresh, judged on
    # 2024-04-01 (f = 91/366 = 0.2486; 0.40 ≥ 0.9 · 0.2486): green.
    fresh = status_of(benefit(), ms, D(2024, 7, 1))
    assert fresh.status == "green" and fresh.next_due == D(2024, 7, 1) and not fresh.overdue
    assert fresh.judged_at == D(2024, 4, 1)
    # The day after, overdue: judged against the plan at the end of the missed period,
    # 2024-07-01 (f = 182/366 = 0.4973): 0.40 < 0.9 · 0.4973 = 0.4475, ≥ 0.7 · 0.4973: yellow.
    stale = status_of(benefit(), ms, D(2024, 7, 2))
    assert stale.status == "yellow" and stale.overdue
    assert stale.latest_value == 40 and stale.judged_at == D(2024, 7, 1)
    assert stale.planned_share_at_latest == pytest.approx(91 / 366)
    assert stale.planned_share_judged == pytest.approx(182 / 366)


def test_monthly_interval_uses_calendar_months():
    b = benefit(frequency="monthly")
    ms = [m(D(2024, 1, 31), 1)]
    assert not status_of(b, ms, D(2024, 2, 29)).overdue
    late = status_of(b, ms, D(2024, 3, 1))
    assert late.overdue and late.next_due == D(2024, 2, 29) and late.status != "grey"
    y = benefit(frequency="yearly")
    assert not status_of(y, [m(D(2024, 2, 1), 1)], D(2025, 2, 1)).overdue
    assert status_of(y, [m(D(2024, 2, 1), 1)], D(2025, 2, 2)).overdue


def test_measurements_after_as_of_are_ignored():
    ms = [m(D(2024, 6, 1), 45), m(D(2024, 8, 1), 90)]
    s = status_of(benefit(), ms, AS_OF)
    assert s.latest_date == D(2024, 6, 1) and s.latest_value == 45
    assert s.measurements == 1


def test_other_items_measurements_are_ignored():
    s = status_of(benefit(), [m(D(2024, 6, 1), 45, "G2")], AS_OF)
    assert s.status == "grey"


# --------------------------------------------------------------------------- forecast


def test_forecast_two_points_is_the_exact_line():
    # Due 40 days after the start; +2 in 5 days (day 5 → day 10) → 4 + 0.4 · 30 = 16 at day 40.
    # (A measurement on the start date itself is a baseline measurement, not a trend point.)
    r = result_goal(baseline=0, target=20, due_date=D(2024, 2, 10))
    f = t.forecast(r, [m(D(2024, 1, 6), 2, "R1"), m(D(2024, 1, 11), 4, "R1")])
    assert f.note == "ok" and f.points == 2 and f.method == "trend"
    assert f.value_at_target == pytest.approx(16.0)
    assert f.slope_per_year == pytest.approx(0.4 * YEAR)
    assert f.share_at_target == pytest.approx(0.8)


def test_forecast_least_squares_three_points():
    # x = 1, 11, 21 days, y = 0, 4, 5: slope = 50/200 = 0.25 per day, mean (11, 3);
    # at day 41: 3 + 0.25 · 30 = 10.5.
    r = result_goal(baseline=0, target=20, due_date=D(2024, 2, 11))
    ms = [m(D(2024, 1, 2), 0, "R1"), m(D(2024, 1, 12), 4, "R1"), m(D(2024, 1, 22), 5, "R1")]
    assert t.forecast(r, ms).value_at_target == pytest.approx(10.5)


def test_forecast_one_point_is_too_few():
    f = t.forecast(result_goal(), [m(D(2024, 3, 1), 10, "R1")])
    assert f.value_at_target is None and f.note == "too_few_measurements" and f.points == 1
    assert t.forecast(result_goal(), []).note == "too_few_measurements"


def test_forecast_in_status_uses_only_measurements_up_to_as_of():
    b = benefit(target_date=D(2024, 2, 10))
    ms = [m(D(2024, 1, 6), 2), m(D(2024, 1, 11), 4), m(D(2024, 1, 21), 100)]
    s = status_of(b, ms, D(2024, 1, 15))
    assert s.forecast_at_target == pytest.approx(16.0)


# --------------------------------------------------------------------------- NOK so far


def priced(**kw) -> Benefit:
    return benefit(valuation={"nok_per_unit": 10}, **kw)  # 100 units × 10 = 1000 NOK/yr at target


def test_planned_nok_linear_by_hand():
    # Ramp 0 → 100 units over 366 days: ∫ = 100 · 366/2 unit-days; × 10 NOK / 365.25.
    b = priced()
    s = status_of(b, [], D(2025, 1, 1))
    assert s.planned_nok == pytest.approx(10 * 100 * 183 / YEAR)
    # A year later the full 1000 NOK/yr has run for 365 more days.
    s2 = status_of(b, [], D(2026, 1, 1))
    assert s2.planned_nok == pytest.approx(10 * 100 * 183 / YEAR + 1000 * 365 / YEAR)
    assert status_of(b, [], D(2024, 1, 1)).planned_nok == 0.0


def test_planned_nok_step_is_a_one_day_ramp():
    b = priced(profile="step")
    s = status_of(b, [], D(2025, 1, 11))
    assert s.planned_nok == pytest.approx(1000 * 10.5 / YEAR)


def test_planned_nok_s_curve_close_to_exact():
    # ∫₀¹ (3x² − 2x³) dx = 1/2, so at the target date: 1000 NOK/yr · 366 days / 2.
    b = priced(profile="s_curve")
    s = status_of(b, [], D(2025, 1, 1))
    assert s.planned_nok == pytest.approx(1000 * 183 / YEAR, rel=1e-6)


def test_planned_nok_explicit_by_hand():
    # f: 0 at 2024-01-01 → 0.5 at 2024-07-01 (182 days) → 0.5 held after (last fraction).
    b = priced(profile="explicit", profile_fractions=[0.5], target_date=D(2024, 12, 31))
    s = status_of(b, [], D(2024, 10, 1))  # 92 days after 1 July
    unit_days = 50 * 182 / 2 + 50 * 92
    assert s.planned_nok == pytest.approx(10 * unit_days / YEAR)


def test_realised_nok_by_hand():
    # 0 at 2024-01-01 → 40 at 2024-07-01 (day 182), flat to 2024-10-01 (day 274):
    # ∫ = 40·182/2 + 40·92 = 7320 unit-days.
    s = status_of(priced(), [m(D(2024, 7, 1), 40)], D(2024, 10, 1))
    assert s.realised_nok == pytest.approx(10 * 7320 / YEAR)


def test_realised_nok_piecewise_between_measurements():
    # 0 → 20 (day 91, 2024-04-01) → 60 (day 182, 2024-07-01), as_of day 182.
    ms = [m(D(2024, 4, 1), 20), m(D(2024, 7, 1), 60)]
    s = status_of(priced(), ms, D(2024, 7, 1))
    assert s.realised_nok == pytest.approx(10 * (20 * 91 / 2 + (20 + 60) / 2 * 91) / YEAR)


def test_realised_nok_counts_from_the_realisation_start():
    # Baseline 2023-07-01; change starts 2024-01-01; measured 20 on 2023-10-01, held flat.
    # 2024-01-01 → 2024-03-01 is 60 days: 20 · 60 unit-days.
    b = priced(baseline_date=D(2023, 7, 1), realisation_start=D(2024, 1, 1))
    s = status_of(b, [m(D(2023, 10, 1), 20)], D(2024, 3, 1))
    assert s.realised_nok == pytest.approx(10 * 20 * 60 / YEAR)


def test_nok_with_hours_and_decrease_is_good():
    # 0.5 hours × 720 NOK = 360 NOK per unit; 100 → 0 is good; measured 60 (−40) on day 182.
    b = benefit(direction="decrease", baseline=100, target=0, valuation={"hours_per_unit": 0.5})
    s = status_of(b, [m(D(2024, 7, 1), 60)], D(2024, 7, 1))
    assert s.realised_nok == pytest.approx(360 * 40 * 182 / 2 / YEAR)
    assert s.planned_nok == pytest.approx(360 * 100 * (182 / 366) * 182 / 2 / YEAR)


def test_disbenefit_nok_is_negative():
    u = benefit(id="U1", valuation={"nok_per_unit": 10})
    s = status_of(u, [m(D(2024, 7, 1), 40, "U1")], D(2024, 10, 1), kind="disbenefit")
    assert s.realised_nok == pytest.approx(-10 * 7320 / YEAR)
    assert s.planned_nok < 0


def test_non_priced_and_result_goals_have_no_nok():
    q = benefit(kind="quality", category="non_priced")
    assert status_of(q, [m(D(2024, 7, 1), 40)], AS_OF).planned_nok is None
    r = status_of(result_goal(), [m(D(2024, 7, 1), 4, "R1")], AS_OF, kind="result")
    assert r.planned_nok is None and r.realised_nok is None
    # A priced benefit with no measurements: planned known, realised unknown.
    s = status_of(priced(), [], AS_OF)
    assert s.planned_nok > 0 and s.realised_nok is None


# --------------------------------------------------------------------------- project, JSON


def test_project_status_order_kinds_and_json():
    p = plan(
        benefits=[benefit()],
        disbenefits=[benefit(id="U1", name="Ulempe")],
        result_goals=[result_goal()],
    )
    rows = t.project_status(p, [m(D(2024, 7, 1), 45)], AS_OF, workspace())
    assert [(r.id, r.kind) for r in rows] == [
        ("G1", "benefit"),
        ("U1", "disbenefit"),
        ("R1", "result"),
    ]
    j = rows[0].to_json()
    json.dumps(j)  # serialisable
    assert set(j) >= STATUS_JSON_KEYS
    assert j["target_date"] == "2025-01-01" and j["latest_date"] == "2024-07-01"
    # 45 on 2024-07-01 against f = 182/366 = 0.4973: 0.45 ≥ 0.9 · 0.4973 → green.
    assert t.status_counts(rows) == {
        "green": 1,
        "yellow": 0,
        "red": 0,
        "grey": 2,
        "not_started": 0,
    }


def test_status_labels_have_symbol_and_word():
    assert t.status_label("green") == "✔ på plan"
    assert t.status_label("yellow") == "▲ litt bak"
    assert t.status_label("red") == "✖ bak plan"
    assert t.status_label("grey") == "? ikke målt"
    assert t.status_label("red", "en") == "✖ behind plan"
    assert t.status_label("not_started") == "○ ikke startet"


# --------------------------------------------------------------------------- overdue


def test_overdue_owners():
    p1 = plan(
        benefits=[
            benefit(id="G1", owner="Kari"),
            benefit(id="G2", owner="Kari", frequency="monthly"),
            benefit(id="G3", owner="Ola", frequency="yearly"),
        ],
        result_goals=[result_goal(frequency="quarterly")],
    )
    ms = {"p1": [m(D(2024, 5, 1), 10, "G1"), m(D(2024, 6, 20), 10, "G2")]}
    out = t.overdue({"p1": p1}, ms, D(2024, 8, 5))
    # G1 due 2024-08-01 (overdue); G2 due 2024-07-20 (overdue); G3 due 2025-01-01 (not yet);
    # R1 never measured, due 2024-04-01, owned by the project manager.
    assert [(o.owner, o.project, o.item_ids, o.due_dates) for o in out] == [
        ("Prosjektleder", "p1", ["R1"], [D(2024, 4, 1)]),
        ("Kari", "p1", ["G2", "G1"], [D(2024, 7, 20), D(2024, 8, 1)]),
    ]
    json.dumps([o.to_json() for o in out])
    assert t.overdue({"p1": p1}, ms, D(2024, 1, 15)) == []


# --------------------------------------------------------------------------- issue 8 rules


def test_item_behind_and_stale_shows_both():
    # Monthly; latest 2024-04-30 at 20 %. On 2024-06-15 the May measurement (period end
    # 2024-05-30) is overdue; judged against the plan at 2024-05-30 (day 150 of 366: 0.410):
    # 0.20 < 0.7 · 0.410 → red, with the overdue flag beside.
    b = benefit(frequency="monthly")
    s = status_of(b, [m(D(2024, 4, 30), 20)], D(2024, 6, 15))
    assert s.status == "red" and s.overdue
    assert s.next_due == D(2024, 5, 30) and s.judged_at == D(2024, 5, 30)
    assert s.planned_share_at_latest == pytest.approx(120 / 366)
    assert s.planned_share_judged == pytest.approx(150 / 366)
    assert s.deviation == pytest.approx(0.2 - 150 / 366)


def test_missed_periods_judge_at_the_latest_missed_period_end():
    # Quarterly; latest 2024-01-15; by 2024-10-20 three periods (04-15, 07-15, 10-15) missed:
    # judged at 2024-10-15 (day 288 of 366), overdue since 2024-04-15.
    s = status_of(benefit(), [m(D(2024, 1, 15), 70)], D(2024, 10, 20))
    assert s.overdue and s.next_due == D(2024, 4, 15) and s.judged_at == D(2024, 10, 15)
    assert s.planned_share_judged == pytest.approx(288 / 366)
    assert s.status == "yellow"  # 0.70 ≥ 0.7 · 0.787 = 0.551, < 0.9 · 0.787 = 0.708


def test_item_not_started_is_never_overdue():
    b = benefit(
        baseline_date=D(2023, 1, 1), realisation_start=D(2025, 1, 1), target_date=D(2026, 1, 1)
    )
    # A baseline measurement before the start does not make it started or judged.
    s = status_of(b, [m(D(2023, 1, 15), 0)], D(2024, 12, 1))
    assert s.status == "not_started" and not s.started and not s.overdue
    assert s.latest_value is None and s.realised_share is None
    assert s.next_due == D(2025, 4, 1)  # first measurement one quarter after the start
    assert s.forecast.note == "not_started" and s.forecast_at_target is None
    # After the start with nothing measured: grey, overdue once the first period has passed.
    assert status_of(b, [], D(2025, 3, 1)).status == "grey"
    assert not status_of(b, [], D(2025, 4, 1)).overdue
    assert status_of(b, [], D(2025, 4, 2)).overdue


def test_grace_period_from_the_workspace():
    ws = workspace(measurement_grace_days={"quarterly": 10})
    ms = [m(D(2024, 4, 1), 40)]
    # Period end 2024-07-01, due 2024-07-11 with 10 days' grace.
    s = status_of(benefit(), ms, D(2024, 7, 11), ws)
    assert s.next_period_end == D(2024, 7, 1) and s.next_due == D(2024, 7, 11)
    assert not s.overdue and s.grace_days == 10 and s.judged_at == D(2024, 4, 1)
    late = status_of(benefit(), ms, D(2024, 7, 12), ws)
    assert late.overdue and late.judged_at == D(2024, 7, 1)
    # Other frequencies keep the default 0.
    monthly = status_of(benefit(frequency="monthly"), [m(D(2024, 6, 1), 40)], D(2024, 7, 2), ws)
    assert monthly.grace_days == 0 and monthly.overdue
    assert (
        Workspace.model_validate(
            {
                "organisation": "X",
                "municipalities": [{"name": "A", "population": 1}],
                "hourly_cost": 1,
            }
        ).measurement_grace_days.days("yearly")
        == 0
    )


def test_forecast_for_a_passed_target_date_is_the_value_measured_there():
    # Target 2025-01-01; measured 80 on 2024-10-01 and 96 on 2025-04-01 (182 days apart);
    # 2025-01-01 is 92 days in: 80 + 16 · 92/182 = 88.088.
    ms = [m(D(2024, 10, 1), 80), m(D(2025, 4, 1), 96)]
    f = t.forecast(benefit(), ms, D(2025, 6, 1))
    assert f.method == "measured" and f.note == "target_passed" and f.points == 2
    assert f.value_at_target == pytest.approx(80 + 16 * 92 / 182)
    assert (f.window_start, f.window_end) == (D(2024, 10, 1), D(2025, 4, 1))
    assert f.slope_per_year is None and f.value_at(D(2025, 1, 1)) is None
    # Only a measurement before the target date: that value (0.6 < 0.7 → misses the target).
    g = t.forecast(benefit(), [m(D(2024, 10, 1), 60)], D(2025, 6, 1))
    assert g.value_at_target == 60 and g.points == 1 and g.misses_target
    # Nothing measured by the target date.
    h = t.forecast(benefit(), [m(D(2025, 2, 1), 60)], D(2025, 6, 1))
    assert h.method == "none" and h.note == "not_measured_by_target"


def test_forecast_of_a_levelled_off_series_uses_the_recent_window():
    # Monthly, target 200 on 2025-01-01: fast rise to 60 by 2024-03, then flat at 60.
    b = benefit(target=200, frequency="monthly")
    values = [20, 40, 60, 60, 60, 60, 60, 60, 60]
    ms = [m(D(2024, k + 1, 28), v) for k, v in enumerate(values)]
    f = t.forecast(b, ms, D(2024, 10, 1))
    # Window: the last 6 months up to 2024-09-28 → 2024-03-28 … 2024-09-28, all 60.
    assert f.window_start == D(2024, 3, 28) and f.points == 7
    assert f.slope_per_year == pytest.approx(0.0, abs=1e-9)
    assert f.value_at_target == pytest.approx(60.0)
    assert f.misses_target and f.status_at_target == "red"  # 0.3 of the change
    # A straight line through the whole series would have said 60 + a rising trend.
    whole = t.forecast(b, ms[:4], D(2024, 5, 1))
    assert whole.value_at_target > 60


def test_forecast_is_held_at_the_target_and_at_the_baseline():
    # +40 a month from 2024-02-01: the line passes the target 100 long before 2025-01-01.
    ms = [m(D(2024, 2, 1), 10), m(D(2024, 3, 1), 50)]
    f = t.forecast(benefit(), ms, D(2024, 3, 15))
    assert f.capped and f.value_at_target == 100 and f.bounds == (0.0, 100.0)
    assert not f.misses_target and f.value_at(D(2024, 12, 1)) == 100
    # Falling the wrong way: held at the baseline 0.
    down = t.forecast(benefit(), [m(D(2024, 2, 1), 30), m(D(2024, 3, 1), 20)], D(2024, 3, 15))
    assert down.capped and down.value_at_target == 0 and down.misses_target


def test_disbenefit_forecast_and_status_mirror():
    # An ulempe planned to rise 0 → 100 by 2025-01-01; at 120 % of plan it is yellow,
    # a trend ending above the target is held at the latest level when already past it.
    u = benefit(id="U1", name="Merarbeid")
    s = status_of(u, [m(AS_OF, 60, "U1")], AS_OF, kind="disbenefit")
    assert s.status == "yellow"  # 0.60 ≤ 1.3 · 0.5, > 1.1 · 0.5
    f = t.forecast(u, [m(D(2024, 6, 2), 100, "U1"), m(AS_OF, 120, "U1")], AS_OF, disbenefit=True)
    assert f.bounds == (0.0, 120.0) and f.value_at_target == 120
    # 1.2 of the planned change at the target date: ≤ 1.3 → yellow, not a miss.
    assert f.status_at_target == "yellow" and not f.misses_target
    f = t.forecast(u, [m(D(2024, 6, 2), 100, "U1"), m(AS_OF, 140, "U1")], AS_OF, disbenefit=True)
    assert f.value_at_target == 140 and f.status_at_target == "red" and f.misses_target


def test_step_profile_has_no_trend():
    f = t.forecast(benefit(profile="step"), [m(D(2024, 2, 1), 0), m(D(2024, 3, 1), 0)], AS_OF)
    assert f.method == "none" and f.note == "step_profile"


def test_forecast_in_status_json_has_its_basis():
    ms = [m(D(2024, 5, 1), 30), m(D(2024, 6, 1), 40), m(AS_OF, 50)]
    j = status_of(benefit(), ms, AS_OF).to_json()
    json.dumps(j)
    fc = j["forecast"]
    assert fc["method"] == "trend" and fc["points"] == 3
    assert fc["window_start"] == "2024-05-01" and fc["window_end"] == "2024-07-02"
    assert j["forecast_misses_target"] is fc["misses_target"]


@pytest.mark.parametrize("kind", ["linear", "s_curve", "step", "explicit"])
@pytest.mark.parametrize(
    "start,end",
    [
        (dt.date(2024, 3, 15), dt.date(2026, 9, 1)),
        (dt.date(2024, 7, 1), dt.date(2025, 7, 1)),  # the start on a mid-year knot
        (dt.date(2024, 10, 2), dt.date(2024, 10, 2)),  # no span
    ],
)
def test_fractions_on_many_days_equal_fraction_at_each(kind, start, end) -> None:
    from gevinst.model import profile

    fractions = (0.2, 0.7, 1.0) if kind == "explicit" else ()
    days = [start + dt.timedelta(days=k) for k in range(-40, 1500, 7)]
    vector = profile.fractions_on(kind, start, end, [d.toordinal() for d in days], fractions)
    scalar = [profile.fraction_at(kind, start, end, d, fractions) for d in days]
    assert vector.tolist() == pytest.approx(scalar, rel=1e-12, abs=1e-15)
