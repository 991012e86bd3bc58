"""`gevinst cba ID`: JSON for every example project, the readable summary, and bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from required_keys import CBA_JSON_KEYS

from gevinst.cli.main import cli
from gevinst.io import workspace as ws
from gevinst.model.cba import analyse
from gevinst.model.discount import base_year_factors
from gevinst.report.tables import municipality_table
from gevinst.report.text import key_figures

EXAMPLE = Path(__file__).resolve().parents[1] / "data"
PROJECT_IDS = ws.project_ids(EXAMPLE)


def run(root: Path, *args: str):
    return CliRunner().invoke(cli, ["cba", *args, "--workspace", str(root)])


def test_there_are_example_projects() -> None:
    assert PROJECT_IDS


@pytest.mark.parametrize("project_id", PROJECT_IDS)
def test_json_for_every_example_project(workspace: Path, project_id: str) -> None:
    result = run(workspace, project_id, "--json", "--draws", "1000")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for key in CBA_JSON_KEYS:
        assert key in data, key
    config = ws.load_config(workspace)
    plan = ws.load_plan(workspace, project_id, config)
    rows = data["per_year"]
    analysis = [r for r in rows if not r["residual"]]
    assert len(analysis) == data["analysis_years"]
    assert len(rows) - len(analysis) == (1 if data["residual_value"] else 0)
    # Every example project is discounted to the workspace's one base year, in its price year.
    assert data["base_year"] == config.base_year and data["price_year"] == config.price_year
    # The per-year table discounts exactly by the workspace rule, moved to the base year.
    years = np.array([r["year"] for r in rows])
    expected = base_year_factors(
        years,
        data["start_year"],
        config.base_year,
        config.discounting.rule.value,
        config.discounting.flat_rate,
        config.discounting.timing.value,
    )
    np.testing.assert_allclose([r["discount_factor"] for r in rows], expected, rtol=1e-12)
    for r in rows:
        assert r["costs"] >= -1e-9 or config.tax_financing.enabled
        net = r["benefits"] - r["costs"] + r["residual_value"]
        assert r["net"] == pytest.approx(net, abs=1e-6)
        assert 0 <= r["benefits_gross_cash"] <= r["benefits_gross"] + 1e-6  # herav kontant
        assert 0 <= r["disbenefits_cash"] <= r["disbenefits"] + 1e-6
        assert r["present_value"] == pytest.approx(r["net"] * r["discount_factor"], abs=1e-6)
    assert sum(r["present_value"] for r in rows) == pytest.approx(data["npv"], rel=1e-12, abs=1e-6)
    # The kommune figures add up to the whole.
    kommuner = data["municipalities"]
    assert [m["name"] for m in kommuner] == plan.project.municipalities
    assert sum(m["share"] for m in kommuner) == pytest.approx(1.0)
    assert sum(m["npv"] for m in kommuner) == pytest.approx(data["npv"], rel=1e-9, abs=1e-6)
    assert sum(m["costs"] for m in kommuner) == pytest.approx(data["pv_costs"], rel=1e-9)
    assert sum(m["benefits"] for m in kommuner) == pytest.approx(data["pv_benefits"], rel=1e-9)
    mc = data["monte_carlo"]
    assert mc["draws"] == 1000 and mc["seed"] == config.monte_carlo.seed
    assert mc["p10"] <= mc["p50"] <= mc["p85"] <= mc["p90"]
    assert 0 <= mc["prob_positive"] <= 1
    # The NPV is an expected value (every line at its expected multiplier), and the NPV is
    # linear in the multipliers: the simulated mean estimates the same number.
    assert abs(mc["mean"] - data["npv"]) <= 3 * mc["mean_se"] + 1e-6
    assert all({"input_id", "label", "low_npv", "high_npv"} <= set(s) for s in data["sensitivity"])


@pytest.mark.parametrize("project_id", PROJECT_IDS)
def test_monte_carlo_mean_agrees_with_the_npv_at_full_draws(
    workspace: Path, project_id: str
) -> None:
    # The steering group's two answers (NPV and the Monte Carlo mean) must not contradict:
    # with the workspace's own draws and seed the mean is within 3 standard errors. Each
    # project has its own stream (workspace seed + project id); the check holds for simple
    # random draws too, where the standard error is exact rather than an upper bound.
    data = json.loads(run(workspace, project_id, "--json").stdout)
    mc = data["monte_carlo"]
    assert mc["sampling"] == "lhs" and mc["mean_se"] == pytest.approx(
        mc["std"] / np.sqrt(mc["draws"])
    )
    assert abs(mc["mean"] - data["npv"]) <= 3 * mc["mean_se"] + 1e-6
    config = ws.load_config(workspace)
    plan = ws.load_plan(workspace, project_id, config)
    random = config.model_copy(
        update={"monte_carlo": config.monte_carlo.model_copy(update={"sampling": "random"})}
    )
    r = analyse(plan, random, sensitivity=False)
    assert abs(r.monte_carlo.mean - r.npv) <= 3 * r.monte_carlo.mean_se


def test_default_draws_and_seed_come_from_the_workspace_and_repeat(workspace: Path) -> None:
    pid = PROJECT_IDS[0]
    first = run(workspace, pid, "--json")
    second = run(workspace, pid, "--json")
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout  # same plan, same seed: the same numbers
    mc = json.loads(first.stdout)["monte_carlo"]
    config = ws.load_config(workspace)
    assert (mc["draws"], mc["seed"]) == (config.monte_carlo.draws, config.monte_carlo.seed)
    other = json.loads(run(workspace, pid, "--json", "--seed", "7").stdout)["monte_carlo"]
    assert other["seed"] == 7


def test_readable_summary_in_norwegian_and_english(workspace: Path) -> None:
    pid = PROJECT_IDS[0]
    nb = run(workspace, pid, "--draws", "500")
    assert nb.exit_code == 0, nb.output
    assert "Netto nåverdi (NNV)" in nb.stdout
    assert "Per kommune" in nb.stdout
    assert "Sannsynlighet for positiv NNV" in nb.stdout
    en = run(workspace, pid, "--lang", "en", "--draws", "500")
    assert "Net present value (NPV)" in en.stdout
    assert "Per municipality" in en.stdout


def test_readable_summary_formats_the_key_figures_as_the_report_does(workspace: Path) -> None:
    pid = PROJECT_IDS[0]
    out = run(workspace, pid, "--draws", "200").stdout
    config = ws.load_config(workspace)
    result = analyse(ws.load_plan(workspace, pid, config), config, draws=200)
    shown = key_figures(result, "nb", short=False, uncertainty=False, abbreviations=True)
    assert shown[0][0] == "Netto nåverdi (NNV), forventet"
    assert shown[1][0] == "Netto nåverdi som planlagt (uten usikkerhetsjustering)"
    for label, value in shown:
        assert re.search(rf"^  {re.escape(label)} +{re.escape(value)}$", out, re.M), label
    kommuner = municipality_table(result, "nb")
    assert kommuner.iloc[-1, 0] == "Sum"
    for row in kommuner.itertuples(index=False):  # every kommune and the total, same cells
        assert re.search(r"  ".join(re.escape(c) + " *" for c in row), out), row[0]


def test_unknown_project_exits_2_like_check(workspace: Path) -> None:
    result = run(workspace, "finnes-ikke")
    assert result.exit_code == 2
    assert "ukjent prosjekt" in result.stderr
    assert "finnes-ikke" in result.stderr
    assert result.stdout == ""
    unsafe = run(workspace, "../hemmelig")
    assert unsafe.exit_code == 2
    assert "ID-en kan ikke brukes i et filnavn" in unsafe.stderr


def test_invalid_plan_exits_2_with_the_same_issues_as_check(workspace: Path) -> None:
    pid = PROJECT_IDS[0]
    path = workspace / "projects" / f"{pid}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["benefits"][0]["target"] = data["benefits"][0]["baseline"]  # target = baseline
    data["costs"][0]["uncertainty"] = {"low": 1.5, "likely": 1.0, "high": 1.2}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    result = run(workspace, pid, "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    check = CliRunner().invoke(cli, ["check", "--workspace", str(workspace)])
    assert check.exit_code == 2

    def issue_lines(text: str) -> set[str]:
        return {line.strip() for line in text.splitlines() if line.strip().startswith("- ")}

    ours = issue_lines(result.stderr)
    assert len(ours) == 2
    assert ours <= issue_lines(check.stderr)
    assert any("benefits[0].target" in line for line in ours)


def test_bad_measurements_do_not_block_the_cost_benefit_analysis(workspace: Path) -> None:
    pid = PROJECT_IDS[0]
    (workspace / "measurements" / f"{pid}.csv").write_text("not,a,register\n", encoding="utf-8")
    result = run(workspace, pid, "--json", "--draws", "200")
    assert result.exit_code == 0, result.output


def test_draws_must_be_a_sensible_number(workspace: Path) -> None:
    result = run(workspace, PROJECT_IDS[0], "--draws", "5")
    assert result.exit_code == 2
