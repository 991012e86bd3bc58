"""The synthetic regional workspace (gevinst.io.synth, ``gevinst synth``): valid, seeded, realistic."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from gevinst.cli.main import cli
from gevinst.io import synth
from gevinst.io import workspace as ws

AS_OF = synth.DEFAULT_AS_OF


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """Eight projects written by the CLI, as a user would."""
    root = tmp_path_factory.mktemp("synth") / "region"
    result = CliRunner().invoke(
        cli, ["synth", "--out", str(root), "--projects", "8", "--seed", "3"]
    )
    assert result.exit_code == 0, result.output
    assert "23 kommuner, 8 prosjekter" in result.output
    return root


def test_small_workspace_passes_check(small: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--workspace", str(small), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["ok"] is True and report["issues"] == []
    assert len(report["projects"]) == 8


def test_rogaland_kommuner_and_populations(small: Path) -> None:
    config = ws.load_config(small)
    pops = config.population()
    assert len(pops) == 23  # Rogaland since 2020
    assert pops["Stavanger"] > pops["Sandnes"] > pops["Sola"] > pops["Utsira"]
    # SSB 1 January 2024: Rogaland had about 499 000 inhabitants
    assert 490_000 < sum(pops.values()) < 510_000
    assert "SSB" in ws.Paths(small).config.read_text(encoding="utf-8")


def test_same_seed_same_bytes_other_seed_other_plans(tmp_path: Path) -> None:
    synth.write(tmp_path / "a", 6, seed=11)
    synth.write(tmp_path / "b", 6, seed=11)
    synth.write(tmp_path / "c", 6, seed=12)
    a, b, c = (_files(tmp_path / x) for x in "abc")
    assert a == b
    assert a != c


def test_refuses_a_folder_with_plans(small: Path) -> None:
    result = CliRunner().invoke(cli, ["synth", "--out", str(small), "--projects", "2"])
    assert result.exit_code == 2
    assert "projects" in result.output


def test_plans_have_the_shape_of_the_example(small: Path) -> None:
    loaded = ws.load(small)
    kinds = Counter(pid.rsplit("-", 1)[0] for pid in loaded.plans)
    # six consecutive projects hold one of each kind of the example workspace
    assert set(kinds) == {k.slug for k in synth.KINDS}
    for plan in loaded.plans.values():
        assert plan.benefits and plan.result_goals and plan.costs
        assert plan.risks and plan.milestones and plan.non_priced_effects
        assert {m.decision_point.value for m in plan.milestones} == {
            "BP1",
            "BP2",
            "BP3",
            "BP4",
            "BP5",
        }
        assert all(
            b.valuation is not None or b.category.value == "non_priced" for b in plan.benefits
        )
        assert set(plan.project.municipalities) <= set(loaded.workspace.population())
    profiles = {b.profile.value for p in loaded.plans.values() for b in p.benefits + p.disbenefits}
    assert {"linear", "s_curve", "step"} <= profiles
    frequencies = {
        i.frequency.value for p in loaded.plans.values() for i in p.measurable().values()
    }
    assert frequencies == {"monthly", "quarterly", "yearly"}


def test_measurements_have_noise_gaps_and_late_reports(small: Path) -> None:
    loaded = ws.load(small)
    lags, gaps, values = [], 0, []
    for pid, plan in loaded.plans.items():
        rows = loaded.measurements[pid]
        for m in rows:
            assert m.date <= AS_OF and m.recorded_at is not None
            assert m.recorded_at.date() <= AS_OF  # nothing recorded after the as-of date
            lags.append((m.recorded_at.date() - m.date).days)
        for item in plan.measurable().values():
            dates = sorted(m.date for m in rows if m.target_id == item.id)
            values.append([m.value for m in rows if m.target_id == item.id])
            step = {"monthly": 31, "quarterly": 92, "yearly": 366}[item.frequency.value]
            gaps += sum(1 for d0, d1 in itertools.pairwise(dates) if (d1 - d0).days > step)
    assert sum(len(v) for v in values) > 300
    assert min(lags) >= 2 and max(lags) >= 20  # most within days, some weeks late
    assert gaps > 0
    # noise: a measured series is not a straight line of planned values
    wiggly = [
        v
        for v in values
        if len(v) > 4 and len({round(b - a, 6) for a, b in itertools.pairwise(v)}) > 2
    ]
    assert len(wiggly) > 5


@pytest.mark.scale
def test_scale_forty_projects_check_and_status(tmp_path: Path) -> None:
    """40 projects: written, checked and followed up (status --all --json) in one go."""
    root = tmp_path / "region"
    made = synth.write(root, 40, seed=1)
    counts = made.counts
    assert counts["projects"] == 40 and counts["measurements"] > 3000
    runner = CliRunner()
    checked = runner.invoke(cli, ["check", "--workspace", str(root)])
    assert checked.exit_code == 0, checked.output
    assert f"{counts['measurements']} målinger er gyldige" in checked.output
    status = runner.invoke(
        cli,
        ["status", "--all", "--json", "--workspace", str(root), "--as-of", AS_OF.isoformat()],
    )
    assert status.exit_code == 0, status.output
    rows = json.loads(status.output)["items"]
    assert {r["project"] for r in rows} == set(made.plans)
    assert len(rows) == counts["benefits"] + counts["result_goals"]
    # a realistic spread: on plan, behind and not measured all occur
    seen = Counter(r["status"] for r in rows)
    assert {"green", "yellow", "red", "grey"} <= set(seen), seen
    assert dt.date.fromisoformat(rows[0]["as_of"]) == AS_OF
