"""The portfolio board's year: adopted criteria sets, proposals ranked beside projects,
dependencies on external solutions and the road map (issue 14)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_cba import benefit, cost, make_plan, workspace

from gevinst.cli.main import cli
from gevinst.io import workspace as ws
from gevinst.model import criteria
from gevinst.model import portfolio as pf
from gevinst.model import roadmap as rm
from gevinst.model.proposals import proposal_plan
from gevinst.model.schema import CriteriaSet, Plan, Proposal, Workspace
from gevinst.model.validate import workspace_issues

DATA = Path(__file__).resolve().parents[1] / "data"


def with_(plan: Plan, **top) -> Plan:
    """``plan`` with top-level fields replaced, validated again."""
    data = plan.model_dump()
    project = top.pop("project", {})
    data["project"].update(project)
    return Plan.model_validate({**data, **top})


def ws_with(base: Workspace | None = None, **update) -> Workspace:
    """The test workspace with fields replaced, validated again."""
    data = (base or workspace()).model_dump()
    data.update(
        {k: [x.model_dump() if hasattr(x, "model_dump") else x for x in v]
         if isinstance(v, list) else v for k, v in update.items()}
    )
    return Workspace.model_validate(data)


def adopted(id_: str = "k-2026-1", day: dt.date = dt.date(2026, 3, 14), **weights) -> CriteriaSet:
    cs = CriteriaSet(id=id_, adopted_by="Porteføljestyret", adopted_on=day,
                     weights=weights or {"strategic_fit": 1.0})
    return cs.model_copy(update={"fingerprint": criteria.fingerprint(cs)})


# --------------------------------------------------------------------------- criteria sets


def test_the_latest_adopted_set_is_in_force_and_named() -> None:
    old = adopted("k-2025-1", dt.date(2025, 3, 20), npv=1.0)
    new = adopted("k-2026-1", dt.date(2026, 3, 14), strategic_fit=1.0)
    w = ws_with(**{"criteria_sets": [new, old]})
    assert criteria.set_in_force(w).id == "k-2026-1"
    assert criteria.set_label(new) == "k-2026-1, vedtatt av Porteføljestyret 14.03.2026"
    chosen = ws_with(w, criteria_set="k-2025-1")
    assert criteria.weights_in_force(chosen) == {"npv": 1.0}
    assert workspace_issues(w) == []


def test_an_edited_adopted_set_is_refused_a_new_version_is_not() -> None:
    cs = adopted(strategic_fit=0.5, npv=0.5)
    edited = cs.model_copy(update={"weights": {"strategic_fit": 0.7, "npv": 0.3}})
    w = ws_with(**{"criteria_sets": [edited]})
    codes = [i.problem for i in workspace_issues(w)]
    assert codes == ["edited_adopted_set"]
    issue = workspace_issues(w)[0]
    assert issue.key == "criteria_sets[0]" and issue.found == cs.fingerprint
    new = adopted("k-2026-2", dt.date(2026, 9, 1), strategic_fit=0.7, npv=0.3)
    new = new.model_copy(update={"supersedes": "k-2026-1"})
    w = ws_with(**{"criteria_sets": [cs, new]})
    assert workspace_issues(w) == []
    # The same id twice is not a new version.
    w = ws_with(**{"criteria_sets": [cs, cs]})
    assert "duplicate_id" in [i.problem for i in workspace_issues(w)]


def test_check_refuses_the_example_when_an_adopted_weight_is_edited(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    shutil.copytree(DATA, root)
    config = root / "gevinst.yaml"
    text = config.read_text(encoding="utf-8")
    assert "strategic_fit: 0.35" in text
    config.write_text(text.replace("strategic_fit: 0.35", "strategic_fit: 0.45"), encoding="utf-8")
    out = CliRunner().invoke(cli, ["check", "--workspace", str(root)])
    assert out.exit_code == 2
    assert "criteria_sets[1]" in out.output and "ny versjon" in out.output


# --------------------------------------------------------------------------- proposals


def proposal(**update) -> Proposal:
    data = {
        "id": "forslag",
        "name": "Forslaget",
        "proposed_by": "Aby kommune",
        "municipalities": ["Aby", "Bby"],
        "phase": "BP1",
        "start_year": 2024,
        "years": 5,
        "investment": {"low": 80, "high": 120},
        "operation_per_year": {"low": 0, "high": 0},
        "benefit_per_year": {"low": 20, "high": 40},
        "risk_probability": 2,
        "risk_consequence": 3,
        "strategic_fit": 5,
    }
    data.update(update)
    return Proposal.model_validate(data)


def test_a_proposal_is_analysed_by_the_engine_at_the_midpoints() -> None:
    from test_cba import A

    from gevinst.model.cba import analyse

    r = analyse(proposal_plan(proposal()), workspace(), monte_carlo=False)
    # Investment E = 100 in 2024; benefit E = 30 a year 2025–2028 (flat 4 %, year 0 undiscounted).
    assert r.npv == pytest.approx(-100 + 30 * A)


def test_a_proposal_ranked_with_the_adopted_criteria_beside_the_projects() -> None:
    cs = adopted(strategic_fit=0.5, npv=0.25, readiness=0.25)
    w = ws_with(**{"criteria_sets": [cs], "proposals": [proposal()], "strategic_fit": {"test": 3}})
    plan = make_plan([cost("K1", {2024: 100})], [benefit("G1", 20, 2025)], phase="BP3")
    from gevinst.model.cba import analyse

    npv = {"test": analyse(plan, w, monte_carlo=False).npv}
    ranked = pf.prioritise({"test": plan}, w, npv)
    by_id = {r.project: r for r in ranked}
    assert set(by_id) == {"test", "forslag"} and by_id["forslag"].proposal
    assert all(r.criteria_set == "k-2026-1" for r in ranked)
    assert by_id["forslag"].criteria_set_label.endswith("Porteføljestyret 14.03.2026")
    # By hand: the proposal's NPV −100 + 30·A = 8.90 beats the project's −100 + 20·A = −27.4
    # (npv 1 vs 0); fit (5 − 1)/4 = 1 vs (3 − 1)/4 = 0.5; readiness BP1 1/5 vs BP3 3/5.
    assert by_id["forslag"].score == pytest.approx(0.5 * 1 + 0.25 * 1 + 0.25 * 0.2)
    assert by_id["test"].score == pytest.approx(0.5 * 0.5 + 0.25 * 0 + 0.25 * 0.6)
    assert by_id["forslag"].rank == 1
    assert by_id["forslag"].weights == {"strategic_fit": 0.5, "npv": 0.25, "readiness": 0.25}


def test_a_range_with_high_below_low_is_refused() -> None:
    w = ws_with(**{"proposals": [proposal(investment={"low": 200, "high": 100})]}
    )
    issues = workspace_issues(w)
    assert [(i.problem, i.key) for i in issues] == [("range_out_of_order", "proposals[0].investment")]


def test_the_example_ranks_both_proposals_with_its_adopted_set() -> None:
    out = CliRunner().invoke(
        cli, ["portfolio", "--json", "--as-of", "2026-12-01", "--workspace", str(DATA)]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    proposals = {r["project"] for r in data["ranking"] if r["proposal"]}
    assert proposals == {"smarte-vannmalere", "ki-innbyggerdialog"}
    assert {r["criteria_set"] for r in data["ranking"]} == {"kriterier-2026-1"}
    assert data["criteria_set"]["adopted_by"] == "Porteføljestyret"
    # The late national platform breaks velferdsteknologi's dependency.
    late = data["dependency_warnings"]
    assert [(d["project"], d["on"]) for d in late] == [
        ("velferdsteknologi", "digital-hjemmeoppfolging")
    ]
    assert late[0]["days_late"] == (dt.date(2027, 9, 1) - dt.date(2027, 3, 18)).days
    assert len(data["dependencies"]) == 3


# --------------------------------------------------------------------------- dependencies


def test_a_late_dependency_is_flagged_and_an_early_one_is_not() -> None:
    base = with_(make_plan(), milestones=[{"id": "M1", "name": "Go-live", "date": dt.date(2025, 6, 1)}])
    w = ws_with(**{
            "external_solutions": [
                {"id": "nasjonal", "name": "Nasjonal løsning", "owner": "Digdir",
                 "expected_date": dt.date(2025, 9, 1), "status": "delayed"},
                {"id": "tidlig", "name": "Tidlig løsning", "owner": "KS",
                 "expected_date": dt.date(2025, 1, 1)},
            ]
        })
    plan = with_(
        base,
        depends_on=[
            {"on": "nasjonal", "needed_by": "M1"},
            {"on": "tidlig", "needed_by": "M1"},
            {"on": "finnes-ikke"},
        ],
    )
    links = rm.dependency_links({"test": plan}, w)
    assert [(d.on, d.days_late, d.broken) for d in links] == [
        ("nasjonal", 92, True),
        ("tidlig", 0, False),
        ("finnes-ikke", 0, True),
    ]
    warnings = rm.dependency_warnings({"test": plan}, w)
    assert [d.on for d in warnings] == ["nasjonal", "finnes-ikke"]
    assert "92 dager etter «Go-live» (01.06.2025)" in rm.warning_text(warnings[0])
    # Delivered: never late.
    first = w.external_solutions[0].model_dump()
    delivered = ws_with(w, external_solutions=[{**first, "status": "delivered"}])
    assert rm.dependency_links({"test": plan}, delivered)[0].broken is False


def test_a_dependency_on_another_project_uses_its_end_date() -> None:
    first = make_plan()  # ends 2025-12-31
    second = with_(
        make_plan(), project={"id": "second", "end_date": dt.date(2025, 6, 30)},
        depends_on=[{"on": "test"}],
    )
    [link] = rm.dependency_links({"test": first, "second": second}, workspace())
    assert link.kind == rm.PROJECT and link.days_late == 184


def test_needed_by_must_name_a_milestone_of_the_plan() -> None:
    from gevinst.model.validate import plan_issues

    plan = with_(make_plan(), depends_on=[{"on": "x", "needed_by": "M9"}])
    assert [(i.problem, i.key) for i in plan_issues(plan)] == [
        ("unknown_reference", "depends_on[0].needed_by")
    ]


def test_the_example_loads_with_programmes() -> None:
    plans = ws.load(DATA).plans
    rows = rm.roadmap_rows(plans)
    assert {r.group for r in rows} == {"Helse og velferd", "Innbyggertjenester", "Felles administrasjon"}


# --------------------------------------------------------------------------- road map figure and table


def test_the_road_map_flags_the_broken_dependency_of_the_example() -> None:
    from gevinst.report import figures, tables

    loaded = ws.load(DATA)
    chart = figures.roadmap(loaded.plans, loaded.workspace, dt.date(2026, 12, 1))
    assert len(chart.alt) <= 300
    assert "1 for sent" in chart.alt and "velferdsteknologi" in chart.alt
    ax = chart.figure.axes[0]
    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    assert len(labels) == 2 + len(loaded.plans)  # two external solutions, six projects
    assert any(text.get_text() == "!" for text in ax.texts)
    table = tables.roadmap_table(loaded.plans, loaded.workspace, dt.date(2026, 12, 1))
    assert len(table) == 2 + len(loaded.plans)
    assert table.iloc[:, -1].str.contains("167 dager for sent").sum() == 1
    figures.close(chart)


def test_the_road_map_groups_120_projects_and_the_table_keeps_them_all() -> None:
    from gevinst.report import figures, tables

    plans = {}
    for k in range(120):
        plan = with_(make_plan(), project={"id": f"p{k:03d}", "name": f"Prosjekt {k}",
                                           "programme": f"Program {k % 6}"})
        plans[plan.project.id] = plan
    chart = figures.roadmap(plans, workspace(), dt.date(2025, 1, 1))
    labels = [tick.get_text() for tick in chart.figure.axes[0].get_yticklabels()]
    assert len(labels) == 6 and "120 prosjekter gruppert" in chart.alt
    assert len(tables.roadmap_table(plans, workspace(), dt.date(2025, 1, 1))) == 120
    figures.close(chart)


# --------------------------------------------------------------------------- proposal form


def test_excel_template_proposal_writes_the_short_form(tmp_path: Path) -> None:
    import openpyxl

    target = tmp_path / "forslag.xlsx"
    out = CliRunner().invoke(
        cli, ["excel", "template", "--proposal", "--out", str(target), "--workspace", str(DATA)]
    )
    assert out.exit_code == 0, out.output
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames[0] == "Prosjektforslag"
    sheet = wb["Prosjektforslag"]
    keys = [sheet.cell(r, 1).value for r in range(5, sheet.max_row + 1)]
    assert keys == [*[k for k in Proposal.model_fields if k != "depends_on"], "depends_on"]
    assert {sheet.cell(r, 2).value for r in range(5, sheet.max_row + 1)} >= {
        "investering (kr)",
        "gevinst per år (kr)",
        "fase",
    }
    # The committed form is the one the schema gives.
    committed = Path(__file__).resolve().parents[1] / "templates" / "prosjektforslag-mal.xlsx"
    assert committed.read_bytes() == target.read_bytes(), (
        "run: gevinst excel template --proposal"
    )
