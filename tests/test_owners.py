"""Owner history (eierhistorikk), benefits without a current owner, follow-up after BP5."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from gevinst.io import workspace as ws
from gevinst.model import decisions as dec
from gevinst.model import tracking as tr
from gevinst.model.schema import OwnerPeriod
from gevinst.report import status_text as st

EXAMPLE = Path(__file__).resolve().parents[1] / "data"


def _benefit(plan, item_id):
    return next(b for b in plan.benefits if b.id == item_id)


def test_current_owner_follows_the_history() -> None:
    plan = ws.load_plan(EXAMPLE, "velferdsteknologi")
    g2 = _benefit(plan, "G2")
    assert tr.current_owner(g2, dt.date(2024, 1, 1)) == "Avdelingsleder hjemmetjenesten, Notodden"
    assert tr.current_owner(g2, dt.date(2025, 8, 31)) == "Avdelingsleder hjemmetjenesten, Notodden"
    assert tr.current_owner(g2, dt.date(2025, 9, 1)) == "Enhetsleder hjemmetjenesten, Notodden"
    g4 = _benefit(plan, "G4")
    assert tr.current_owner(g4, dt.date(2026, 10, 31)) == "Enhetsleder hjemmetjenesten, Tinn"
    assert tr.current_owner(g4, dt.date(2026, 11, 1)) == ""
    assert tr.previous_owner(g4, dt.date(2026, 11, 1)) == (
        "Enhetsleder hjemmetjenesten, Tinn",
        dt.date(2026, 10, 31),
    )


def test_benefit_without_current_owner_in_status_and_decisions() -> None:
    _w, plan, ms = ws.load_project(EXAMPLE, "velferdsteknologi")
    config = ws.load_config(EXAMPLE)
    when = dt.date(2026, 12, 1)
    statuses = tr.portfolio_status({plan.project.id: plan}, {plan.project.id: ms}, when, config)
    g4 = next(s for s in statuses if s.id == "G4")
    assert g4.owner == ""
    items = dec.project_decisions(plan, statuses, when)
    missing = [d for d in items if d.kind == "missing_owner"]
    assert [d.item_id for d in missing] == ["G4"]  # one rule: not listed twice
    assert missing[0].numbers["previous_owner"] == "Enhetsleder hjemmetjenesten, Tinn"
    text = st.decision_texts(missing, "nb")[0]
    assert "overleverte 31.10.2026" in text
    # before the handover nothing is missing
    earlier = dec.project_decisions(plan, statuses, dt.date(2026, 10, 1))
    assert not [d for d in earlier if d.kind == "missing_owner"]


def test_final_report_due_after_follow_up() -> None:
    plan = ws.load_plan(EXAMPLE, "ebyggesak")
    assert plan.project.follow_up_years == 2
    assert dec.follow_up_end(plan) == dt.date(2026, 9, 30)

    def final(when: dt.date):
        return [d for d in dec.project_decisions(plan, [], when) if d.kind == "final_report_due"]

    assert final(dt.date(2026, 3, 1)) == []  # more than 180 days before
    (near,) = final(dt.date(2026, 6, 1))
    assert (near.severity, near.numbers["days_until"]) == ("medium", 121)
    (late,) = final(dt.date(2026, 12, 1))
    assert (late.severity, late.numbers["days_until"]) == ("high", -62)
    assert "62 dager siden" in st.decision_texts([late], "nb")[0]
    assert "final benefits report" in st.decision_texts([late], "en")[0]


def test_leap_day_end() -> None:
    plan = ws.load_plan(EXAMPLE, "ebyggesak")
    project = plan.project.model_copy(
        update={"end_date": dt.date(2024, 2, 29), "follow_up_years": 3}
    )
    assert dec.follow_up_end(plan.model_copy(update={"project": project})) == dt.date(2027, 2, 28)


def test_open_history_period() -> None:
    class B:
        owner = "X"
        owner_history = (OwnerPeriod(owner="Y", since=dt.date(2025, 1, 1)),)

    assert tr.current_owner(B, dt.date(2024, 12, 31)) == ""
    assert tr.current_owner(B, dt.date(2030, 1, 1)) == "Y"


def test_owner_history_rules() -> None:
    from gevinst.model.validate import plan_issues

    plan = ws.load_plan(EXAMPLE, "velferdsteknologi")
    g2 = _benefit(plan, "G2")
    bad = [
        OwnerPeriod(owner="A", since=dt.date(2024, 1, 1), handover_date=dt.date(2023, 1, 1)),
        OwnerPeriod(owner="B", since=dt.date(2024, 6, 1)),
        OwnerPeriod(owner="C", since=dt.date(2025, 1, 1)),  # B never handed over
    ]
    broken = plan.model_copy(
        update={
            "benefits": [
                b.model_copy(update={"owner_history": bad}) if b.id == "G2" else b
                for b in plan.benefits
            ]
        }
    )
    issues = [(i.problem, i.key) for i in plan_issues(broken)]
    n = plan.benefits.index(g2)
    assert ("dates_out_of_order", f"benefits[{n}].owner_history[0].handover_date") in issues
    assert ("invalid", f"benefits[{n}].owner_history[2].since") in issues
    assert plan_issues(plan) == []


def test_owner_history_survives_the_workbook(tmp_path: Path) -> None:
    from gevinst.io.excel import read_workbook
    from gevinst.io.excel.write import write_project

    config, plan, ms = ws.load_project(EXAMPLE, "velferdsteknologi")
    path = write_project(tmp_path / "v.xlsx", plan, ms, workspace=config)
    back = read_workbook(path, workspace=config)
    assert back.plan == plan
