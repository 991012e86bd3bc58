"""Milestone-bound realisation (issue 12, point 4): a slipped milestone moves the
profiles that start at it, and its delay cost is computed by hand.

Builders and conventions as in ``test_cba``: flat 4 %, timing ``start``, analysis
2024–2028, a step benefit of 30 NOK a year.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_cba import benefit, cost, make_plan, workspace

from gevinst.model import milestones as ms
from gevinst.model.cba import analyse
from gevinst.model.profile import item_window, planned_value
from gevinst.model.schema import Plan
from gevinst.model.validate import plan_issues

D = dt.date
EXAMPLE = Path(__file__).resolve().parents[1] / "data"


def with_milestone(plan: Plan, forecast: dt.date | None, **item: object) -> Plan:
    """``plan`` with milestone M1 (planned 2024-06-01) and benefit G1 starting at it."""
    data = plan.model_dump()
    data["milestones"] = [
        {"id": "M1", "name": "Oppstart", "date": D(2024, 6, 1), "forecast_date": forecast}
    ]
    data["benefits"][0]["starts_at"] = "M1"
    data["benefits"][0].update(item)
    return Plan.model_validate(data)


def base() -> Plan:
    # Cost 100 in 2024; G1: step from baseline 2024-01-01 to target 2025-01-01, 30 a year.
    return make_plan([cost("K1", {2024: 100})], [benefit("G1", 30, 2025)], years=5)


def test_on_time_milestone_starts_the_window_at_its_planned_date() -> None:
    plan = with_milestone(base(), None)
    assert plan_issues(plan, workspace()) == []
    assert item_window(plan.benefits[0]) == (D(2024, 6, 1), D(2025, 1, 1))
    # Nothing slipped: the same NPV as without the milestone (step at 2025-01-01).
    assert analyse(plan, workspace()).npv == pytest.approx(analyse(base(), workspace()).npv)
    assert ms.milestone_delays(plan, workspace()) == []


def test_slip_moves_the_whole_profile_and_costs_one_discounted_year() -> None:
    plan = with_milestone(base(), D(2025, 6, 1))  # 365 days late
    b = plan.benefits[0]
    # Window (P + d, T + d) = (2025-06-01, 2026-01-01).
    assert item_window(b) == (D(2025, 6, 1), D(2026, 1, 1))
    # Tracking follows: the planned value in mid-2025 is the baseline, not the target.
    assert planned_value(b, D(2025, 7, 1)) == 0.0
    assert planned_value(b, D(2026, 7, 1)) == 1.0
    # Step profile: 2025 (mid-year 2025-07-01 < 2026-01-01) is lost, 2026–2028 remain.
    # Delay cost = 30 · 1.04^-1 = 28.846154.
    delays = ms.milestone_delays(plan, workspace())
    assert len(delays) == 1
    d = delays[0]
    assert (d.id, d.delay_days, d.items) == ("M1", 365, ("G1",))
    assert d.delay_cost == pytest.approx(30 / 1.04, abs=1e-9)
    assert d.npv_planned - d.npv_current == pytest.approx(d.delay_cost)
    assert ms.delay_cost(plan, workspace(), "M1") == pytest.approx(28.846154, abs=1e-6)
    # NPV as planned: −100 + 30·A = 8.896857 (test_cba); now 8.896857 − 28.846154.
    assert d.npv_current == pytest.approx(8.896857 - 28.846154, abs=1e-6)
    # The original plan is unchanged by the comparison.
    assert item_window(plan.benefits[0]) == (D(2025, 6, 1), D(2026, 1, 1))


def test_actual_date_wins_over_forecast() -> None:
    data = with_milestone(base(), D(2025, 6, 1)).model_dump()
    data["milestones"][0]["actual_date"] = D(2024, 6, 1)
    data["milestones"][0]["done"] = True
    plan = Plan.model_validate(data)
    assert item_window(plan.benefits[0]) == (D(2024, 6, 1), D(2025, 1, 1))
    assert ms.slipped(plan) == []


def test_bad_starts_at_is_reported() -> None:
    data = base().model_dump()
    data["benefits"][0]["starts_at"] = "M9"
    data["benefits"][0]["realisation_start"] = D(2024, 3, 1)
    issues = plan_issues(Plan.model_validate(data), workspace())
    assert [(i.problem, i.key) for i in issues] == [("unknown_reference", "benefits[0].starts_at")]
    both = with_milestone(base(), None, realisation_start=D(2024, 3, 1))
    assert [(i.problem, i.field) for i in plan_issues(both, workspace())] == [
        ("invalid", "starts_at")
    ]
    late = with_milestone(base(), None)
    data = late.model_dump()
    data["milestones"][0]["date"] = D(2025, 2, 1)
    issues = plan_issues(Plan.model_validate(data), workspace())
    assert [(i.problem, i.field) for i in issues] == [("dates_out_of_order", "starts_at")]


def test_example_slipped_milestone_and_a_year_more_lowers_the_npv() -> None:
    from gevinst.io import workspace as wsio

    loaded = wsio.load(EXAMPLE)
    plan, w = loaded.plans["felles-erp"], loaded.workspace
    assert plan_issues(plan, w) == []
    delays = ms.milestone_delays(plan, w)
    assert [(d.id, d.items) for d in delays] == [("M5b", ("G2",))]
    assert delays[0].delay_cost > 0
    # Moving M5b one more year (forecast + 365 days) lowers the NPV again.
    data = plan.model_dump()
    m5b = next(m for m in data["milestones"] if m["id"] == "M5b")
    m5b["forecast_date"] = m5b["forecast_date"] + dt.timedelta(days=365)
    later = Plan.model_validate(data)
    now = analyse(plan, w, monte_carlo=False).npv
    assert analyse(later, w, monte_carlo=False).npv < now
    # Only the benefit that starts at M5b moves.
    g2_now, g2_later = plan.benefits[1], later.benefits[1]
    assert g2_later.id == "G2" and item_window(g2_later)[0] > item_window(g2_now)[0]
    assert item_window(later.benefits[0]) == item_window(plan.benefits[0])


def test_delay_table_and_sentence() -> None:
    from gevinst.report import plan_life_text, tables

    plan = with_milestone(base(), D(2025, 6, 1))
    delays = ms.milestone_delays(plan, workspace())
    table = tables.milestone_delay_table(delays, plan, "nb")
    assert list(table.iloc[0]) == [
        "M1: Oppstart",
        "01.06.2024",
        "01.06.2025",
        "365",
        "G1 Gevinst G1",
        "29\u00a0kr",
    ]
    sentence = plan_life_text.delay_sentences(delays, "en")
    assert "moves G1" in sentence and "NOK\u00a029 of NPV" in sentence
    assert tables.milestone_delay_table([], plan, "nb").empty
