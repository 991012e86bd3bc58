"""Issue 9's rules against hand-computed cases: base year, price year, lifetime, residual
value, reinvestment, uttak in the budget picture, sunk costs, IRR, validation, correlated
draws, per-project streams and the portfolio.

Builders and the constant A = Σ_{t=1..4} 1.04^-t come from ``test_cba``: flat 4 %,
timing ``start``, kommuner Aby (3000) and Bby (1000), analysis 2024–2028.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from test_cba import A, benefit, cost, make_plan, workspace

from gevinst.cli.main import cli
from gevinst.errors import InputError
from gevinst.io import workspace as ws
from gevinst.model import portfolio as pf
from gevinst.model import uncertainty as unc
from gevinst.model.cba import Assumptions, analyse, benefit_accounts, irr, irr_reason
from gevinst.model.cba_flows import analysis_length, build_lines, line_weights
from gevinst.model.schema import (
    AnalysisSettings,
    CorrelationGroup,
    PriceIndex,
    TakeOut,
    Workspace,
)
from gevinst.model.validate import plan_issues, workspace_issues

EXAMPLE = Path(__file__).resolve().parents[1] / "data"
KPI = PriceIndex(source="SSB tabell 03014 (test)", values={2022: 122.8, 2023: 129.6, 2024: 133.6})


def with_(w: Workspace, **update) -> Workspace:
    return Workspace.model_validate({**w.model_dump(), **update})


# --------------------------------------------------------------------------- base year


def test_base_year_after_the_start_compounds_earlier_flows_up() -> None:
    # Project 2024–2028 discounted to 2026: factor(y) = 1.04^-(y − 2026).
    plan = make_plan([cost("K1", {2024: 100})], [benefit("G1", 30, 2025)])
    r = analyse(plan, with_(workspace(), base_year=2026), monte_carlo=False)
    f = r.per_year["discount_factor"].to_numpy()
    np.testing.assert_allclose(f, [1.04**2, 1.04, 1.0, 1.04**-1, 1.04**-2], rtol=1e-14)
    # NPV at 2026 = NPV at 2024 · 1.04^2 = (−100 + 30·A) · 1.0816
    assert r.npv == pytest.approx((-100 + 30 * A) * 1.0816, rel=1e-12)
    assert r.base_year == 2026 and r.to_json()["base_year"] == 2026


def test_base_year_before_the_start_discounts_further() -> None:
    # Project starting 2027 (start date), base year 2025: every flow 2 more years discounted.
    plan = make_plan([cost("K1", {2027: 100})], [benefit("G1", 30, 2028)], start=2027)
    r = analyse(plan, with_(workspace(), base_year=2025), monte_carlo=False)
    assert r.npv == pytest.approx((-100 + 30 * A) * 1.04**-2, rel=1e-12)
    # Without a base year each project keeps its own first year (the old behaviour).
    own = analyse(plan, workspace(), monte_carlo=False)
    assert own.base_year == 2027 and own.npv == pytest.approx(-100 + 30 * A, rel=1e-12)


def test_r109_steps_are_counted_from_the_first_analysis_year() -> None:
    # R-109, project from 2030 for 60 years, base year 2025: the flow of 2075 (t = 45) has
    # D(45) = 1.04^-40 · 1.03^-5, moved 5 years further back at 4 %: × 1.04^-5.
    plan = make_plan([cost("K1", {2030: 10})], [benefit("G1", 1, 2031)], start=2030, years=60)
    r = analyse(plan, with_(workspace(rule="r109"), base_year=2025), monte_carlo=False)
    row = r.per_year.set_index("year").loc[2075]
    assert row["discount_factor"] == pytest.approx(1.04**-40 * 1.03**-5 * 1.04**-5, rel=1e-13)


# --------------------------------------------------------------------------- price year


def test_price_conversion_with_the_index() -> None:
    # Plan in 2022 prices, workspace in 2024 prices: × 133.6 / 122.8 = 1.087948.
    plan = make_plan([cost("K1", {2024: 100})], [benefit("G1", 30, 2025)])
    plan = plan.model_copy(update={"project": plan.project.model_copy(update={"price_year": 2022})})
    w = with_(workspace(), price_year=2024, price_index=KPI.model_dump())
    r = analyse(plan, w, monte_carlo=False)
    k = 133.6 / 122.8
    assert r.price_factor == pytest.approx(k) and r.price_year == 2024 and r.plan_price_year == 2022
    assert r.npv == pytest.approx((-100 + 30 * A) * k, rel=1e-12)
    assert r.to_json()["price_year"] == 2024


def test_freed_time_at_the_workspace_hourly_cost_is_not_converted() -> None:
    # The workspace's hourly cost is in the workspace's price year already.
    plan = make_plan([], [benefit("G1", 0, 2025, kind="time", hours=1)])
    plan = plan.model_copy(update={"project": plan.project.model_copy(update={"price_year": 2022})})
    w = with_(workspace(), price_year=2024, price_index=KPI.model_dump())
    assert analyse(plan, w, monte_carlo=False).npv == pytest.approx(700 * A)


def test_an_uncovered_price_year_is_refused() -> None:
    plan = make_plan([cost("K1", {2024: 100})], [benefit("G1", 30, 2025)])
    plan = plan.model_copy(update={"project": plan.project.model_copy(update={"price_year": 2019})})
    w = with_(workspace(), price_year=2024, price_index=KPI.model_dump())
    with pytest.raises(InputError) as err:
        analyse(plan, w, monte_carlo=False)
    issue = err.value.issues[0]
    assert (issue.key, issue.found, issue.allowed) == ("project.price_year", 2019, "2022–2024")
    assert [i.key for i in plan_issues(plan, w)] == ["project.price_year"]
    # A workspace price year the index does not cover is an error in gevinst.yaml.
    bad = with_(workspace(), price_year=2025, price_index=KPI.model_dump())
    assert [i.key for i in workspace_issues(bad)] == ["price_year"]
    assert [i.key for i in workspace_issues(with_(workspace(), price_year=2024))] == ["price_index"]


def test_a_price_year_after_the_analysis_start_needs_conversion() -> None:
    plan = make_plan([cost("K1", {2024: 100})], [benefit("G1", 30, 2025)])
    later = plan.model_copy(
        update={"project": plan.project.model_copy(update={"price_year": 2025})}
    )
    issues = plan_issues(later, workspace())
    assert [(i.key, i.found) for i in issues] == [("project.price_year", 2025)]
    converted = with_(
        workspace(),
        price_year=2024,
        price_index={"source": "t", "values": {2024: 133.6, 2025: 137.0}},
    )
    assert plan_issues(later, converted) == []


# --------------------------------------------------------------------------- lifetime


def test_reinvestment_and_residual_value_by_hand() -> None:
    # 2024–2028: an investment of 300 in 2024, lifetime 3, reinvested in 2027; the 2027
    # payment lives 2027–2029, 1 of 3 years after 2028: residual 300 · 1/3 = 100 in 2029.
    k = cost("K1", {2024: 300}).model_copy(update={"lifetime": 3, "reinvest": True})
    plan = make_plan([k], [benefit("G1", 100, 2025)])
    r = analyse(plan, workspace(), monte_carlo=False)
    t = r.per_year
    assert t["cost_investment"].tolist() == [300, 0, 0, 300, 0, 0]
    last = t.iloc[-1]
    assert bool(last["residual"]) and last["year"] == 2029 and last["residual_value"] == 100
    assert last["discount_factor"] == pytest.approx(1.04**-5)
    # NPV = −300 − 300·1.04^-3 + 100·A + 100·1.04^-5
    npv = -300 - 300 * 1.04**-3 + 100 * A + 100 * 1.04**-5
    assert r.npv == pytest.approx(npv, rel=1e-12)
    assert r.residual_value == 100 and r.pv_residual_value == pytest.approx(100 * 1.04**-5)
    assert sum(m.npv for m in r.municipalities) == pytest.approx(r.npv)
    assert r.npv == pytest.approx(r.pv_benefits - r.pv_costs)


def test_benefits_end_with_the_solution_unless_reinvested() -> None:
    k = cost("K1", {2024: 100}).model_copy(update={"lifetime": 2})
    g = benefit("G1", 30, 2025).model_copy(update={"depends_on": ["K1"]})
    r = analyse(make_plan([k], [g]), workspace(), monte_carlo=False)
    # K1 is in service 2024–2025: the benefit only counts in 2025.
    assert r.per_year["benefits"].tolist()[:5] == [0, 30, 0, 0, 0]
    k2 = k.model_copy(update={"reinvest": True})
    again = analyse(make_plan([k2], [g]), workspace(), monte_carlo=False)
    assert again.per_year["benefits"].tolist()[:5] == [0, 30, 30, 30, 30]
    assert again.per_year["cost_investment"].tolist()[:5] == [100, 0, 100, 0, 100]


def test_a_warning_when_benefits_outlive_every_cost_line() -> None:
    k = cost("K1", {2024: 100}).model_copy(update={"lifetime": 2})
    r = analyse(make_plan([k], [benefit("G1", 30, 2025)]), workspace(), monte_carlo=False)
    assert [w["code"] for w in r.warnings] == ["benefits_outlive_costs"]
    fine = analyse(
        make_plan([cost("K1", {2024: 100})], [benefit("G1", 30, 2024)], years=1),
        workspace(),
        monte_carlo=False,
    )
    assert fine.warnings == []


def test_the_analysis_period_follows_the_lifetime_capped_by_the_workspace() -> None:
    k = cost("K1", {2024: 100}).model_copy(update={"lifetime": 8})
    plan = make_plan([k], [benefit("G1", 30, 2025)])
    open_ended = plan.model_copy(
        update={"project": plan.project.model_copy(update={"analysis_years": None})}
    )
    assert analysis_length(open_ended, workspace()) == 8  # 2024 … 2031
    capped = with_(workspace(), analysis={"default_years": 10, "max_years": 6})
    assert analysis_length(open_ended, capped) == 6
    reinvested = open_ended.model_copy(update={"costs": [k.model_copy(update={"reinvest": True})]})
    assert analysis_length(reinvested, workspace()) == AnalysisSettings().max_years
    assert analysis_length(plan, workspace()) == 5  # given in the plan


# --------------------------------------------------------------------------- budget picture


def test_uttak_of_freed_time_enters_the_budget_picture_nnb_and_tax() -> None:
    # Investment 100 in 2024; freed time worth 30 a year 2025–2028 (not cash), of which
    # 20 a year is taken out of the budget (uttak).
    g = benefit("G1", 30, 2025, kind="time").model_copy(
        update={"take_outs": [TakeOut(year=y, amount=20) for y in range(2025, 2029)]}
    )
    plan = make_plan([cost("K1", {2024: 100})], [g])
    off = analyse(plan, workspace(), monte_carlo=False)
    # Budget cost PV = 100 − 20·A = 27.4021; NNB = (−100 + 30·A) / (100 − 20·A) = 0.3247
    assert off.pv_budget_cost == pytest.approx(100 - 20 * A)
    assert off.npv_per_budget_krone == pytest.approx((-100 + 30 * A) / (100 - 20 * A))
    assert off.per_year["take_outs_budget"].tolist() == [0, 20, 20, 20, 20]
    on = analyse(plan, workspace(tax=True), monte_carlo=False)
    # Tax financing cost = 0.2 · (100 − 20·A); NPV = −100 + 30·A − that.
    assert on.tax_financing_cost == pytest.approx(0.2 * (100 - 20 * A))
    assert on.npv == pytest.approx(-100 + 30 * A - 0.2 * (100 - 20 * A))
    assert sum(m.npv for m in on.municipalities) == pytest.approx(on.npv)
    assert sum(m.budget_cost for m in on.municipalities) == pytest.approx(on.pv_budget_cost)
    # A cash benefit's uttak is shown but not counted twice in the budget.
    cash = benefit("G1", 30, 2025).model_copy(update={"take_outs": g.take_outs})
    c = analyse(make_plan([cost("K1", {2024: 100})], [cash]), workspace(), monte_carlo=False)
    assert c.pv_budget_cost == pytest.approx(100 - 30 * A)
    assert c.per_year["take_outs"].sum() == 80 and c.per_year["take_outs_budget"].sum() == 0


def test_gevinstregnskap_per_kommune() -> None:
    g = benefit("G1", 30, 2025).model_copy(
        update={"take_outs": [TakeOut(year=2025, amount=8, budget="Bby")]}
    )
    r = analyse(make_plan([cost("K1", {2024: 100})], [g]), workspace(), monte_carlo=False)

    class S:  # an ItemStatus of the cash benefit with 40 NOK realised
        project, id, realised_nok = "test", "G1", 40.0

    rows = {a.name: a for a in benefit_accounts(r, [S])}
    assert rows["Aby"].costs_paid == 75 and rows["Bby"].costs_paid == 25
    assert rows["Aby"].cash_benefits == 90 and rows["Bby"].cash_benefits == 30
    assert rows["Bby"].take_outs_planned == 8 and rows["Aby"].take_outs_planned == 0
    assert rows["Aby"].take_outs_realised == 30 and rows["Bby"].take_outs_realised == 10


def test_tax_financing_is_on_by_default_and_off_needs_a_reason() -> None:
    w = Workspace(organisation="o", municipalities=[{"name": "A", "population": 1}], hourly_cost=1)
    assert w.tax_financing.enabled and workspace_issues(w) == []
    off = with_(w, tax_financing={"enabled": False})
    assert [i.key for i in workspace_issues(off)] == ["tax_financing.off_reason"]
    assert workspace_issues(with_(w, tax_financing={"enabled": False, "off_reason": "x"})) == []


# --------------------------------------------------------------------------- sunk costs


def test_sunk_costs_need_a_decision_year_and_stay_out_of_the_npv() -> None:
    costs = [cost("K1", {2022: 500, 2023: 250, 2024: 100})]
    plan = make_plan(costs, [benefit("G1", 30, 2025)], decision_year=2024, decision_note="Ny BP")
    r = analyse(plan, workspace(), monte_carlo=False)
    assert r.sunk_costs == {"K1": {2022: 500.0, 2023: 250.0}} and r.sunk_cost_total == 750
    assert r.npv == pytest.approx(-100 + 30 * A) and r.decision_year == 2024
    assert r.to_json()["sunk_costs"] == {"K1": {"2022": 500.0, "2023": 250.0}}
    with pytest.raises(AssertionError):  # make_plan asserts the plan is valid
        make_plan(costs, [benefit("G1", 30, 2025)], analysis_start_year=2024)
    bad = plan.model_copy(
        update={"project": plan.project.model_copy(update={"decision_year": None})}
    )
    bad = bad.model_copy(
        update={"project": bad.project.model_copy(update={"analysis_start_year": 2024})}
    )
    assert [i.key for i in plan_issues(bad, workspace())] == ["project.decision_year"]


# --------------------------------------------------------------------------- IRR, validation


def test_irr_only_for_conventional_flows() -> None:
    assert (
        irr([100_000, -110_000]) is None and irr_reason([100_000, -110_000]) == "not_conventional"
    )
    assert irr([-100, 230, -132]) is None  # two sign changes (roots 10 % and 20 %)
    assert irr_reason([10, 20]) == "no_sign_change"
    assert irr([-100, 0, 121]) == pytest.approx(0.1)
    lend = make_plan([cost("K1", {2025: 110})], [benefit("G1", 100, 2024)], years=2)
    r = analyse(lend, workspace(), monte_carlo=False)
    assert r.irr is None and r.to_json()["irr_reason"] == "not_conventional"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("discount_rate", -1.0),
        ("discount_rate", float("nan")),
        ("hourly_cost", float("inf")),
        ("delay_years", 1.5),
        ("benefit_scale", -0.1),
        ("cost_overrun", -2.0),
        ("tax_financing", "yes"),
    ],
)
def test_assumptions_are_validated_like_the_files(field: str, value: object) -> None:
    with pytest.raises(InputError) as err:
        Assumptions(**{field: value})
    issue = err.value.issues[0]
    assert issue.key == f"assumptions.{field}" and issue.field == field and issue.allowed


def test_no_infinity_reaches_json() -> None:
    # 1e308 is refused by the schema (amounts and values up to MAX_MAGNITUDE = 1e12); a
    # valuation that overflows (a huge indicator change, set past the schema) is refused by
    # the analysis.
    with pytest.raises(ValueError):
        cost("K1", {2024: 1e308})
    g = benefit("G1", 1e12, 2025).model_copy(update={"target": 1e300})
    with pytest.raises(InputError):
        analyse(make_plan([cost("K1", {2024: 100})], [g]), workspace())


# --------------------------------------------------------------------------- uncertainty


def four_line_plan(correlation: float | None):
    lines = [
        benefit(f"G{k}", 100_000 * (k + 1), 2025, uncertainty=(0.5, 1.0, 1.2)) for k in range(4)
    ]
    groups = (
        []
        if correlation is None
        else [
            CorrelationGroup(
                id="C1", name="driver", lines=[g.id for g in lines], correlation=correlation
            )
        ]
    )
    plan = make_plan([cost("K1", {2024: 100})], lines)
    return plan.model_copy(update={"correlation_groups": groups})


def test_a_full_correlation_group_has_the_analytic_spread() -> None:
    # Triangular(0.5, 1.0, 1.2): σ² = (a² + b² + c² − ab − ac − bc)/18 = 0.01722…
    a, c, b = 0.5, 1.0, 1.2
    sigma = np.sqrt((a * a + b * b + c * c - a * b - a * c - b * c) / 18)
    w = workspace()
    full = analyse(four_line_plan(1.0), w, sensitivity=False)
    lines = full.lines
    pv = line_weights(lines, np.array([1.0, *1.04 ** -np.arange(1, 5)]))[:, 0]
    weights = pv[lines.is_benefit]
    # Fully correlated lines of the same shape: the SDs add; independent: in quadrature.
    assert full.monte_carlo.std == pytest.approx(sigma * weights.sum(), rel=0.02)
    indep = analyse(four_line_plan(None), w, sensitivity=False)
    assert indep.monte_carlo.std == pytest.approx(sigma * np.sqrt((weights**2).sum()), rel=0.02)
    assert indep.monte_carlo.independent and not full.monte_carlo.independent
    half = analyse(four_line_plan(0.5), w, sensitivity=False).monte_carlo.std
    assert indep.monte_carlo.std < half < full.monte_carlo.std
    for r in (full, indep):  # the mean stays the expected NPV
        assert abs(r.monte_carlo.mean - r.npv) <= 3 * r.monte_carlo.mean_se


def test_streams_are_per_project_and_independent_of_order() -> None:
    w = workspace()
    plans = [four_line_plan(None), four_line_plan(1.0)]
    plans[1] = plans[1].model_copy(
        update={"project": plans[1].project.model_copy(update={"id": "other"})}
    )
    results = {p.project.id: analyse(p, w, sensitivity=False) for p in plans}
    projects = [(pid, r.lines, r.weights) for pid, r in results.items()]
    npv, _ = unc.simulate_portfolio(projects, 10_000, w.monte_carlo.seed, "lhs")
    back, _ = unc.simulate_portfolio(projects[::-1], 10_000, w.monte_carlo.seed, "lhs")
    np.testing.assert_array_equal(npv[:, 0], back[:, 1])
    # Each column is exactly that project's own Monte Carlo.
    for j, r in enumerate(results.values()):
        np.testing.assert_allclose(npv[:, j], r.monte_carlo.npv, rtol=1e-12)
    # Two projects with the same uncertain lines no longer get identical draws.
    assert not np.allclose(npv[:, 0] - npv[:, 0].mean(), npv[:, 1] - npv[:, 1].mean())


def test_standard_errors_and_latin_hypercube_narrow_the_error() -> None:
    plan = four_line_plan(None)
    lines = build_lines(plan, workspace())
    weights = line_weights(lines, np.array([1.0, *1.04 ** -np.arange(1, 5)]))
    exact = float(lines.expected @ (weights[:, 0] - weights[:, 1]))
    errors = {}
    for sampling in ("random", "lhs"):
        means = [
            unc.monte_carlo(
                lines, weights, draws=2000, seed=s, project_id="x", sampling=sampling
            ).mean
            for s in range(20)
        ]
        errors[sampling] = float(np.sqrt(np.mean((np.array(means) - exact) ** 2)))
    mc = unc.monte_carlo(lines, weights, draws=2000, seed=1, project_id="x", sampling="random")
    assert mc.mean_se == pytest.approx(mc.std / np.sqrt(2000))
    assert errors["random"] == pytest.approx(mc.mean_se, rel=0.5)  # the SE is what we see
    assert errors["lhs"] < errors["random"] / 5  # LHS: far narrower for the same draws
    assert set(mc.percentile_se) == {"p10", "p15", "p50", "p85", "p90"}
    assert all(v > 0 for v in mc.percentile_se.values())


# --------------------------------------------------------------------------- portfolio


def test_portfolio_sums_the_projects_to_the_krone() -> None:
    runner = CliRunner()
    data = json.loads(
        runner.invoke(cli, ["portfolio", "--json", "--workspace", str(EXAMPLE)]).stdout
    )
    config = ws.load_config(EXAMPLE)
    projects = {}
    for pid in ws.project_ids(EXAMPLE):
        out = runner.invoke(
            cli, ["cba", pid, "--json", "--draws", "100", "--workspace", str(EXAMPLE)]
        )
        projects[pid] = json.loads(out.stdout)
        assert projects[pid]["base_year"] == config.base_year
    assert data["cba"]["npv"] == pytest.approx(sum(p["npv"] for p in projects.values()), abs=0.5)
    assert data["rollup"]["total"]["npv"] == pytest.approx(data["cba"]["npv"], abs=0.5)
    for line in data["rollup"]["municipalities"]:
        expected = sum(
            m["npv"]
            for p in projects.values()
            for m in p["municipalities"]
            if m["name"] == line["key"]
        )
        assert (line["npv"] or 0.0) == pytest.approx(expected, abs=0.5)
    mc = data["cba"]["monte_carlo"]
    assert mc["mean"] == pytest.approx(data["cba"]["npv"], abs=3 * mc["mean_se"] + 1)
    assert {r["basis"] for r in data["ranking"]} == {"npv"}
    assert all("nnb" in r and "npv" in r for r in data["ranking"])


def test_ranking_by_nnb_when_budgets_are_the_constraint() -> None:
    loaded = ws.load(EXAMPLE)
    results = {
        pid: analyse(p, loaded.workspace, monte_carlo=False, sensitivity=False)
        for pid, p in loaded.plans.items()
    }
    npv = {pid: r.npv for pid, r in results.items()}
    nnb = {pid: r.npv_per_budget_krone for pid, r in results.items()}
    # The workspace's own weights (no adopted criteria set, which would take precedence),
    # the projects only (no proposals).
    tight = with_(
        loaded.workspace,
        budget_constrained=True,
        prioritisation={"npv": 1.0},
        criteria_sets=[],
        criteria_set=None,
    )
    ranked = pf.prioritise(loaded.plans, tight, npv, nnb_by_project=nnb, include_proposals=False)
    with_nnb = [r for r in ranked if r.nnb is not None]
    assert [r.project for r in with_nnb] == sorted(nnb, key=lambda p: -(nnb[p] or -1e9))[
        : len(with_nnb)
    ]
    assert all(r.basis == "nnb" for r in ranked)
    assert all(r.npv == npv[r.project] for r in ranked)


def test_portfolio_monte_carlo_is_fast_and_matches_the_loop() -> None:
    # A smaller version of bench/bench_portfolio.py: 30 projects × 10 000 draws.
    loaded = ws.load(EXAMPLE)
    base = [
        analyse(p, loaded.workspace, monte_carlo=False, sensitivity=False)
        for p in loaded.plans.values()
    ]
    projects = [
        (f"p{k}", base[k % len(base)].lines, base[k % len(base)].weights) for k in range(30)
    ]
    start = time.perf_counter()
    npv, _ = unc.simulate_portfolio(projects, 10_000, 1, "lhs")
    elapsed = time.perf_counter() - start
    loop = np.column_stack(
        [
            unc.simulate_sides(lines, w, 10_000, 1, pid, "lhs") @ [1.0, -1.0]
            for pid, lines, w in projects
        ]
    )
    np.testing.assert_allclose(npv, loop, rtol=1e-9, atol=1e-6)
    assert elapsed > 0  # the speed itself is bench/bench_portfolio.py's matter, not a test's


def test_portfolio_monte_carlo_from_the_projects_draws_is_the_same_distribution() -> None:
    # The portfolio sums the draws each project's own analysis kept (issue 13) – the
    # very numbers a fresh simulation of the same streams gives, to the last bit.
    loaded = ws.load(EXAMPLE)
    w = loaded.workspace
    results = {pid: analyse(p, w, sensitivity=False) for pid, p in loaded.plans.items()}
    summed = pf.portfolio_monte_carlo(results, w)
    mc = w.monte_carlo
    drawn = unc.portfolio_monte_carlo(
        [(pid, r.lines, r.weights) for pid, r in sorted(results.items())],
        draws=mc.draws,
        seed=mc.seed,
        sampling=str(getattr(mc.sampling, "value", mc.sampling)),
    )
    assert summed == drawn  # every summary figure, exactly
    np.testing.assert_array_equal(summed.npv, drawn.npv)
    np.testing.assert_array_equal(summed.costs, drawn.costs)
    # fewer draws asked for than the analyses made: drawn again, not summed
    fewer = pf.portfolio_monte_carlo(results, w, draws=1000)
    assert fewer.draws == 1000
    # a project analysed without Monte Carlo: the portfolio draws every project itself
    bare = dict(results)
    first = next(iter(bare))
    bare[first] = analyse(loaded.plans[first], w, monte_carlo=False, sensitivity=False)
    assert pf.portfolio_monte_carlo(bare, w) == drawn


# --------------------------------------------------------------------------- what people read


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_reports_and_summary_state_the_basis(lang: str) -> None:
    from gevinst.report import cba_text, tables

    loaded = ws.load(EXAMPLE)
    r = analyse(loaded.plans["velferdsteknologi"], loaded.workspace, draws=1000)
    text = " ".join(cba_text.basis_sentences(r, lang))
    assert "2025" in text and "2024" in text  # base year and price year
    assert ("Påløpte" if lang == "nb" else "Sunk") in text
    basis = tables.cba_basis_table(r, lang)
    assert len(basis) == 7 and "2025" in basis.iloc[0, 1]
    assert len(tables.sunk_costs_table(r, lang)) == len(r.sunk_costs) == 4
    note = cba_text.monte_carlo_note(r.monte_carlo, lang)
    assert ("uavhengig" if lang == "nb" else "independently") in note
    errors = tables.monte_carlo_error_table(r.monte_carlo, lang)
    assert list(errors.iloc[:, 0])[:4] == ["P10", "P50", "P85", "P90"]
    accounts = tables.benefit_account_table(benefit_accounts(r), lang)
    assert len(accounts) == len(r.municipalities)
    erp = analyse(loaded.plans["felles-erp"], loaded.workspace, draws=1000)
    assert erp.residual_value > 0 and erp.per_year["residual"].iloc[-1]
    assert "restverdi" in tables.cash_flow_table(erp, "nb").iloc[-1, 0]
    eb = analyse(loaded.plans["ebyggesak"], loaded.workspace, draws=1000)
    assert "G1, G2" in cba_text.monte_carlo_note(eb.monte_carlo, lang)
    out = CliRunner().invoke(
        cli,
        [
            "cba",
            "velferdsteknologi",
            "--lang",
            lang,
            "--draws",
            "1000",
            "--workspace",
            str(EXAMPLE),
        ],
    )
    assert out.exit_code == 0 and (
        "diskontert til 2025" in out.stdout or "discounted to 2025" in out.stdout
    )


def test_a_workspace_wide_correlation_for_benefits_of_one_kind() -> None:
    plan = four_line_plan(None)
    w = workspace()
    w = with_(w, monte_carlo={**w.monte_carlo.model_dump(), "kind_correlation": {"cash": 1.0}})
    r = analyse(plan, w, sensitivity=False)
    full = analyse(four_line_plan(1.0), workspace(), sensitivity=False)
    assert [g["id"] for g in r.monte_carlo.correlation] == ["workspace:cash"]
    assert r.monte_carlo.std == pytest.approx(full.monte_carlo.std, rel=0.02)
    # A plan's own group wins: its lines are not grouped again.
    again = analyse(four_line_plan(0.5), w, sensitivity=False)
    assert [g["id"] for g in again.monte_carlo.correlation] == ["C1"]
