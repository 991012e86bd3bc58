"""The tracking commands on a copy of the example portfolio (data/)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from required_keys import FORECAST_JSON_KEYS, STATUS_JSON_KEYS

from gevinst.cli.main import cli
from gevinst.io import workspace as ws
from gevinst.model import tracking as tr
from gevinst.report import status_text, tables
from gevinst.report.text import fmt_percent

AS_OF = "2026-11-25"
STATUS_KEYS = STATUS_JSON_KEYS


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def registers(root: Path) -> dict[str, bytes]:
    folder = root / "measurements"
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))} if folder.is_dir() else {}


def first_item(root: Path):
    loaded = ws.load(root)
    pid, plan = next(iter(loaded.plans.items()))
    item = next(iter(plan.measurable().values()))
    return pid, item, loaded.measurements.get(pid, [])


def test_status_all_json_shows_every_colour(workspace):
    result = run("status", "--all", "--json", "--as-of", AS_OF, "--workspace", str(workspace))
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["as_of"] == AS_OF
    items = out["items"]
    assert isinstance(items, list) and items
    for item in items:
        assert set(item) >= STATUS_KEYS
        assert set(item["forecast"]) >= FORECAST_JSON_KEYS
        assert item["kind"] in {"benefit", "disbenefit", "result"}
        assert item["status"] in set(tr.STATUSES)
        assert isinstance(item["overdue"], bool)
    assert {i["status"] for i in items} == set(tr.STATUSES)
    assert {"benefit", "result"} <= {i["kind"] for i in items}
    # One project status with its reasons and the decision list per project.
    assert [p["project"] for p in out["projects"]] == list(ws.load(workspace).plans)
    for p in out["projects"]:
        assert p["status"]["level"] in {"green", "yellow", "red", "grey", "not_started"}
        assert p["status"]["reasons"]
        assert all(
            {"kind", "severity", "project", "item_id", "numbers"} <= set(d) for d in p["decisions"]
        )


def test_status_text_has_symbol_and_word(workspace):
    result = run("status", "--as-of", AS_OF, "--workspace", str(workspace))
    assert result.exit_code == 0, result.output
    assert "Status per 25.11.2026" in result.output
    assert "✔ på plan" in result.output and "Prosjektstatus: " in result.output
    assert "Hva styringsgruppen må ta stilling til:" in result.output
    assert "Prognose ved måldato" in result.output
    english = run("status", "--as-of", AS_OF, "--workspace", str(workspace), "--lang", "en")
    assert "Forecast at target" in english.output and "✔ on track" in english.output


def test_status_text_has_the_report_status_cells(workspace):
    """The terminal table is the report's status table: same words, numbers and dates.

    Status, planned share and forecast are the status_text cells (progress with the
    freshness beside, the plan the status was judged against, the forecast's miss flag).
    """
    out = run("status", "--as-of", AS_OF, "--workspace", str(workspace)).output
    loaded = ws.load(workspace)
    statuses = tr.portfolio_status(
        loaded.plans, loaded.measurements, dt.date.fromisoformat(AS_OF), loaded.workspace
    )
    table = tables.status_table(statuses)
    assert len(table) == len(statuses)
    cells = [status_text.status_cells(s) for s in statuses]
    table["Status"] = [c["status"] for c in cells]
    table["Planlagt andel"] = [c["planned"] for c in cells]
    table["Prognose ved måldato"] = [c["forecast"] for c in cells]
    assert cells[0]["planned"] == fmt_percent(statuses[0].planned_share_judged, "nb", 0)
    lines = out.splitlines()
    for row in table.itertuples(index=False):
        cells = [re.escape(c) for c in row]
        cells[2] = ".+"  # the name is cut to fit
        pattern = r"^" + r"\s+".join(cells) + r"$"
        assert any(re.match(pattern, line) for line in lines), cells


def test_status_of_one_project_and_unknown_id(workspace):
    pid, _, _ = first_item(workspace)
    result = run("status", pid, "--json", "--as-of", AS_OF, "--workspace", str(workspace))
    assert result.exit_code == 0
    assert {i["project"] for i in json.loads(result.output)["items"]} == {pid}
    bad = run("status", "finnes-ikke", "--workspace", str(workspace))
    assert bad.exit_code == 2
    assert "ukjent prosjekt" in bad.stderr and "finnes-ikke" in bad.stderr


def test_measure_add_then_status_sees_it(workspace):
    pid, item, ms = first_item(workspace)
    latest = max((m.date for m in ms if m.target_id == item.id), default=item.baseline_date)
    new_date = latest + dt.timedelta(days=1)  # after the latest measurement
    assert new_date <= dt.date.today()
    before = registers(workspace).get(f"{pid}.csv", b"")
    result = run(
        "measure",
        "add",
        pid,
        item.id,
        new_date.isoformat(),
        str(item.target),
        "--by",
        "Testeren",
        "--comment",
        "fra test",
        "--workspace",
        str(workspace),
    )
    assert result.exit_code == 0, result.output
    assert "Registrert 1 måling" in result.output
    after = registers(workspace)[f"{pid}.csv"]
    assert after.startswith(before)
    assert b"fra test,Testeren," in after[len(before) :]
    status = run(
        "status", pid, "--json", "--as-of", new_date.isoformat(), "--workspace", str(workspace)
    )
    row = next(i for i in json.loads(status.output)["items"] if i["id"] == item.id)
    assert row["latest_date"] == new_date.isoformat() and row["latest_value"] == item.target
    # The same again is refused as already recorded, and nothing changes.
    again = registers(workspace)
    dup = run(
        "measure", "add", pid, item.id, new_date.isoformat(), str(item.target),
        "--workspace", str(workspace),
    )  # fmt: skip
    assert dup.exit_code == 2
    assert "allerede registrert" in dup.stderr
    assert registers(workspace) == again


def test_measure_import_bad_file_changes_nothing(workspace, tmp_path):
    pid, item, _ = first_item(workspace)
    bad = tmp_path / "svar.csv"
    bad.write_text(
        "project,target_id,date,value,comment,reported_by\n"
        f"{pid},{item.id},2026-01-15,1,,Ola\n"
        f"{pid},FINNES_IKKE,2026-01-15,1,,Ola\n"
        f"{pid},{item.id},1999-01-01,1,,Ola\n"
        f"{pid},{item.id},2026-02-15,tolv,,Ola\n",
        encoding="utf-8",
    )
    before = registers(workspace)
    result = run("measure", "import", str(bad), "--workspace", str(workspace))
    assert result.exit_code == 2
    assert registers(workspace) == before
    err = result.stderr
    assert "svar.csv, rad 3" in err and "target_id" in err
    assert "svar.csv, rad 4" in err and "før nullpunktsdatoen" in err
    assert "svar.csv, rad 5" in err and "'tolv'" in err


def test_measure_import_good_csv(workspace, tmp_path):
    pid, item, ms = first_item(workspace)
    taken = {m.date for m in ms if m.target_id == item.id}
    day = next(
        d
        for k in range(1, 400)
        if (d := item.baseline_date + dt.timedelta(days=k)) not in taken and d <= dt.date.today()
    )
    f = tmp_path / "svar.csv"
    f.write_text(f"target_id,date,value\n{item.id},{day.isoformat()},{item.baseline}\n")
    result = run(
        "measure", "import", str(f), "--project", pid, "--by", "Ola", "--json",
        "--workspace", str(workspace),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["added"] == {pid: 1}
    assert out["rows"][0]["reported_by"] == "Ola"


def test_owners_json_and_text(workspace):
    result = run("owners", "--json", "--as-of", AS_OF, "--workspace", str(workspace))
    assert result.exit_code == 0, result.output
    owners = json.loads(result.output)
    for o in owners:
        assert {"owner", "project", "item_ids", "due_dates", "items"} <= set(o)
        assert all(d < AS_OF for d in o["due_dates"])
    text = run("measure", "overdue", "--as-of", AS_OF, "--workspace", str(workspace))
    assert text.exit_code == 0
    if owners:
        assert "skulle vært målt" in text.output
        assert owners[0]["owner"] in text.output
    # Far in the future every item is overdue (every realisation has started by 2099).
    late = json.loads(
        run("owners", "--json", "--as-of", "2099-01-01", "--workspace", str(workspace)).output
    )
    n_items = sum(len(p.measurable()) for p in ws.load(workspace).plans.values())
    assert sum(len(o["item_ids"]) for o in late) == n_items


def test_portfolio_json_adds_up(workspace):
    result = run("portfolio", "--json", "--as-of", AS_OF, "--workspace", str(workspace))
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert set(out) >= {
        "as_of",
        "rollup",
        "ranking",
        "double_claims",
        "warnings",
        "project_status",
        "decisions",
    }
    assert set(out["project_status"]) == set(ws.load(workspace).plans)
    roll = out["rollup"]
    for key in ("planned_nok", "realised_nok"):
        total = roll["total"][key]
        assert sum(p[key] for p in roll["projects"]) == pytest.approx(total)
        assert sum(k[key] for k in roll["municipalities"]) == pytest.approx(total)
    npvs = [p["npv"] for p in roll["projects"]]
    if all(v is not None for v in npvs):
        assert sum(npvs) == pytest.approx(roll["total"]["npv"])
        assert sum(k["npv"] or 0 for k in roll["municipalities"]) == pytest.approx(
            roll["total"]["npv"]
        )
    ranks = [r["rank"] for r in out["ranking"]]
    assert ranks == sorted(ranks) and ranks[0] == 1
    # The projects and the workspace's proposals (prosjektforslag) are ranked together.
    projects = [r for r in out["ranking"] if not r["proposal"]]
    assert len(projects) == len(roll["projects"])
    assert {r["project"] for r in out["ranking"] if r["proposal"]} == {
        p.id for p in ws.load(workspace).workspace.proposals
    }


def test_portfolio_text(workspace):
    result = run("portfolio", "--as-of", AS_OF, "--workspace", str(workspace))
    assert result.exit_code == 0, result.output
    for words in (
        "Per prosjekt",
        "Per kommune",
        "Per effektmål",
        "Prioritering",
        "Sum",
        "Prosjektstatus",
        "Hva porteføljestyret må ta stilling til:",
    ):
        assert words in result.output
