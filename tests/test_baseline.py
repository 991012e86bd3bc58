"""Approved baselines (godkjent plan): the snapshot, its immutability and the comparison."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from gevinst.cli.main import cli
from gevinst.io import baselines as bl
from gevinst.io import workspace as ws
from gevinst.model import baseline as mb
from gevinst.model.schema import Direction

EXAMPLE = Path(__file__).resolve().parents[1] / "data"


def invoke(root: Path, *args: str):
    return CliRunner().invoke(cli, [*args, "--workspace", str(root)])


@pytest.fixture
def fresh(workspace: Path) -> Path:
    """The example workspace without its shipped baselines."""
    shutil.rmtree(workspace / "baselines")
    return workspace


def test_second_baseline_refused_and_accepted_with_reason(fresh: Path) -> None:
    first = invoke(
        fresh,
        "baseline",
        "felles-avfall",
        "--decision-point",
        "BP2",
        "--approved-by",
        "Styringsgruppen",
        "--date",
        "2026-05-21",
    )
    assert first.exit_code == 0, first.output
    path = fresh / "baselines" / "felles-avfall" / "BP2.yaml"
    before = path.read_bytes()
    second = invoke(fresh, "baseline", "felles-avfall", "--decision-point", "BP2")
    assert second.exit_code == 2
    assert "allerede en godkjent plan" in second.output
    no_reason = invoke(fresh, "baseline", "felles-avfall", "--decision-point", "BP2", "--supersede")
    assert no_reason.exit_code == 2
    ok = invoke(
        fresh,
        "baseline",
        "felles-avfall",
        "--decision-point",
        "BP2",
        "--supersede",
        "--reason",
        "Ny kostnadskalkyle",
    )
    assert ok.exit_code == 0, ok.output
    assert path.read_bytes() == before  # the first one is kept as it was
    newer = bl.latest(fresh, "felles-avfall")
    assert newer is not None
    assert (newer.revision, newer.supersedes, newer.reason) == (2, "BP2.yaml", "Ny kostnadskalkyle")
    first_one = bl.read(path)
    assert (first_one.approved_by, first_one.approved_on.isoformat()) == (
        "Styringsgruppen",
        "2026-05-21",
    )
    assert len(first_one.input_fingerprint) == 64
    assert "npv" in first_one.summary
    assert invoke(fresh, "check").exit_code == 0


def test_check_detects_a_tampered_snapshot(workspace: Path) -> None:
    assert invoke(workspace, "check").exit_code == 0
    path = workspace / "baselines" / "digital-dialog" / "BP2.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("target: 20000", "target: 22000", 1), encoding="utf-8")
    result = invoke(workspace, "check")
    assert result.exit_code == 2
    assert "BP2.yaml" in result.output and "endret etter godkjenning" in result.output
    as_json = json.loads(invoke(workspace, "check", "--json").stdout)
    assert [i["problem"] for i in as_json["issues"]] == ["baseline_tampered"]


def test_check_detects_a_removed_digest(workspace: Path) -> None:
    path = workspace / "baselines" / "ebyggesak" / "BP2.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rsplit("content_digest", 1)[0], encoding="utf-8")
    result = invoke(workspace, "check", "--json")
    assert [i["problem"] for i in json.loads(result.stdout)["issues"]] == ["baseline_invalid"]


def test_example_ships_baselines_for_projects_past_bp2() -> None:
    for pid in ws.project_ids(EXAMPLE):
        plan = ws.load_plan(EXAMPLE, pid)
        if plan.project.phase and plan.project.phase.value >= "BP2":
            assert bl.latest(EXAMPLE, pid) is not None, pid


def test_moved_target_in_status_json() -> None:
    result = invoke(
        EXAMPLE, "status", "digital-dialog", "ebyggesak", "--json", "--as-of", "2026-11-30"
    )
    assert result.exit_code == 0, result.output
    items = {(i["project"], i["id"]): i for i in json.loads(result.stdout)["items"]}
    g1 = items[("digital-dialog", "G1")]
    assert g1["baseline"]["decision_point"] == "BP2"
    assert g1["baseline"]["target"] == 20000.0
    assert g1["baseline"]["target_date"] == "2026-12-31"
    assert g1["baseline"]["planned_nok"] > 0
    assert [(c["kind"], c["before"], c["after"], c["unexplained"]) for c in g1["changes"]] == [
        ("target_lowered", 20000.0, 22000.0, True)
    ]
    eg1 = items[("ebyggesak", "G1")]["changes"]
    assert eg1[0]["kind"] == "target_lowered" and not eg1[0]["unexplained"] and eg1[0]["reason"]
    eg2 = items[("ebyggesak", "G2")]["changes"]
    assert [(c["kind"], c["before"], c["after"]) for c in eg2] == [
        ("date_pushed", "2025-06-30", "2025-12-31")
    ]
    assert items[("ebyggesak", "G3")]["changes"] == []


def test_cba_json_gives_baseline_npv(workspace: Path) -> None:
    data = json.loads(invoke(workspace, "cba", "digital-dialog", "--json", "--draws", "200").stdout)
    config = ws.load_config(workspace)
    from gevinst.model.cba import analyse

    approved = bl.latest(workspace, "digital-dialog")
    assert approved is not None
    expected = analyse(approved.plan, config, monte_carlo=False, sensitivity=False).npv
    assert data["baseline_npv"] == pytest.approx(expected)
    # 2 000 fewer calls a year approved than planned now: the approved plan is worth more
    assert data["baseline_npv"] > data["npv"]
    assert data["baseline"]["decision_point"] == "BP2"


def test_no_baseline_gives_null(fresh: Path) -> None:
    data = json.loads(invoke(fresh, "cba", "felles-avfall", "--json", "--draws", "200").stdout)
    assert data["baseline_npv"] is None and data["baseline"] is None


class _Item:
    id = "g1"
    name = "Saker"
    baseline = 100.0
    target = 60.0
    direction = Direction.DECREASE
    target_date = __import__("datetime").date(2027, 1, 1)
    change_reason = ""


def test_raised_target_and_earlier_date_are_not_flagged() -> None:
    import datetime as dt

    class Better(_Item):
        target = 50.0
        target_date = dt.date(2026, 6, 30)

    kinds = [(c.kind, c.unexplained) for c in mb.item_changes(_Item, Better, "benefits")]
    assert kinds == [("target_raised", False), ("date_earlier", False)]


def test_lowered_target_increase_direction() -> None:
    class Up(_Item):
        direction = Direction.INCREASE
        baseline = 10.0
        target = 40.0

    class Less(Up):
        target = 30.0
        change_reason = "Færre brukere"

    (change,) = mb.item_changes(Up, Less, "benefits")
    assert (change.kind, change.unexplained, change.reason) == (
        "target_lowered",
        False,
        "Færre brukere",
    )


def test_added_and_removed_benefits() -> None:
    approved = ws.load_plan(EXAMPLE, "felles-avfall")
    current = approved.model_copy(update={"benefits": approved.benefits[1:]})
    changes = mb.plan_changes(approved, current)
    assert [(c.item, c.kind) for c in changes] == [(approved.benefits[0].id, "removed")]
    back = mb.plan_changes(current, approved)
    assert [(c.item, c.kind) for c in back] == [(approved.benefits[0].id, "added")]


def test_attainment_against_bp2() -> None:
    approved = bl.latest(EXAMPLE, "digital-dialog")
    assert approved is not None
    current = ws.load_plan(EXAMPLE, "digital-dialog")

    class S:
        id = "G1"
        latest_value = 26000.0  # nullpunkt 30 000 (decrease)

    (g1,) = [a for a in mb.attainment_against(approved.plan, current, [S]) if a.item == "G1"]
    g1_plan = next(b for b in current.benefits if b.id == "G1")
    base = float(g1_plan.baseline)
    assert g1.share_of_approved == pytest.approx((base - 26000) / (base - 20000))
    assert g1.share_of_current == pytest.approx((base - 26000) / (base - 22000))


def test_report_section_tables() -> None:
    from gevinst.model import tracking as tr
    from gevinst.report import baselines as rb
    from gevinst.report import tables

    config, plan, ms = ws.load_project(EXAMPLE, "ebyggesak")
    comparison = rb.compare_project(EXAMPLE, plan, config, with_npv=True)
    assert comparison is not None
    assert rb.section_title(comparison) == "Endringer siden godkjent plan (BP2)"
    assert rb.section_title(comparison, "en") == "Changes since the approved plan (BP2)"
    sentence = rb.changes_sentence(comparison)
    assert "BP2 25.11.2021 (Styringsgruppen): 2 endringer, 1 av dem" in sentence
    table = tables.baseline_changes_table(comparison.changes)
    rows = table.to_dict("records")
    assert [(r["ID"], r["Endring"], r["Godkjent"], r["Nå"]) for r in rows] == [
        ("G1", "Målverdi senket", "10\u00a0000", "11\u00a0000"),
        ("G2", "Måldato utsatt", "30.06.2025", "31.12.2025"),
    ]
    assert rows[0]["Begrunnelse"].startswith("Nullpunktsmålingen")
    assert rows[1]["Begrunnelse"] == "⚠ Ingen begrunnelse"
    npv = rb.npv_table(comparison, 1.0).to_dict("records")
    assert len(npv) == 3
    statuses = tr.project_status(plan, ms, dt.date(2026, 12, 1), config)
    attained = rb.bp5_attainment(EXAMPLE, plan, statuses)
    assert attained is not None  # ebyggesak is at BP5
    g1 = attained.to_dict("records")[0]
    assert g1["ID"] == "G1" and g1["Målverdi BP2"] == "10\u00a0000"
    other = ws.load_plan(EXAMPLE, "digital-dialog")
    assert rb.bp5_attainment(EXAMPLE, other, []) is None  # not at BP5 yet


def test_empty_changes_table() -> None:
    from gevinst.report import tables

    table = tables.baseline_changes_table([])
    assert table.empty and "Ingen mål" in table.attrs["empty"]
