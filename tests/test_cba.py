"""The cost/benefit engine against small cases computed by hand.

Every expected number is written out with its arithmetic in a comment. Unless
said otherwise: flat 4 %, timing ``start`` (year 0 undiscounted), two kommuner
Aby (3000 inhabitants) and Bby (1000), analysis 2024–2028 (5 years).

A = Σ_{t=1..4} 1.04^-t = 0.961538 + 0.924556 + 0.888996 + 0.854804 = 3.6298952
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import numpy as np
import numpy_financial as npf
import pytest
from required_keys import CBA_JSON_KEYS

from gevinst.errors import InputError
from gevinst.model.cba import (
    PER_YEAR_COLUMNS,
    Assumptions,
    CbaResult,
    analyse,
    irr,
    payback_year,
)
from gevinst.model.schema import (
    Benefit,
    Cost,
    Discounting,
    Municipality,
    Plan,
    TaxFinancing,
    Workspace,
)
from gevinst.model.validate import plan_issues

A = 3.6298952242568534  # Σ_{t=1..4} 1.04^-t


# --------------------------------------------------------------------------- builders


def workspace(
    *,
    rule: str = "flat",
    rate: float = 0.04,
    timing: str = "start",
    tax: bool = False,
    hourly_cost: float = 700.0,
    populations: Sequence[tuple[str, int]] = (("Aby", 3000), ("Bby", 1000)),
) -> Workspace:
    return Workspace(
        organisation="Testregionen",
        municipalities=[Municipality(name=n, population=p) for n, p in populations],
        hourly_cost=hourly_cost,
        discounting=Discounting(rule=rule, flat_rate=rate, timing=timing),
        tax_financing=TaxFinancing(enabled=tax, rate=0.2, off_reason="" if tax else "test"),
    )


def cost(
    id: str,
    amounts: dict[int, float],
    category: str = "investment",
    uncertainty: tuple[float, float, float] = (1.0, 1.0, 1.0),
) -> Cost:
    low, likely, high = uncertainty
    return Cost(
        id=id,
        name=f"Kostnad {id}",
        category=category,
        amounts=amounts,
        uncertainty={"low": low, "likely": likely, "high": high},
    )


def benefit(
    id: str,
    annual: float,
    first_year: int,
    *,
    kind: str = "cash",
    uncertainty: tuple[float, float, float] = (1.0, 1.0, 1.0),
    municipalities: Sequence[str] = (),
    hours: float | None = None,
    own_hourly_cost: float | None = None,
    priced: bool = True,
) -> Benefit:
    """A benefit worth ``annual`` NOK a year in full from ``first_year`` on (step profile).

    Baseline 0 on 1 January of the year before, target 1 on 1 January of
    ``first_year``; the step profile credits a calendar year in full when its
    mid-year is on or after the target date. With ``hours`` the valuation is
    hours × hourly cost, and ``annual`` is ignored.
    """
    if hours is not None:
        valuation = {"hours_per_unit": hours, "hourly_cost": own_hourly_cost}
    else:
        valuation = {"nok_per_unit": annual}
    category = {"cash": "own_budget", "time": "freed_resources", "quality": "other_public"}[kind]
    low, likely, high = uncertainty
    return Benefit(
        id=id,
        name=f"Gevinst {id}",
        effect_goal="E1",
        owner="Enhetsleder",
        kind=kind,
        category=category if priced else "non_priced",
        indicator="Indikator",
        unit="enheter",
        direction="increase",
        baseline=0,
        baseline_date=dt.date(first_year - 1, 1, 1),
        target=1,
        target_date=dt.date(first_year, 1, 1),
        valuation=valuation,
        profile="step",
        uncertainty={"low": low, "likely": likely, "high": high},
        frequency="yearly",
        municipalities=list(municipalities),
    )


def make_plan(
    costs: Sequence[Cost] = (),
    benefits: Sequence[Benefit] = (),
    disbenefits: Sequence[Benefit] = (),
    *,
    start: int = 2024,
    years: int = 5,
    municipalities: Sequence[str] = ("Aby", "Bby"),
    sharing: str = "population",
    fixed: dict[str, float] | None = None,
    ws: Workspace | None = None,
    **project: object,
) -> Plan:
    plan = Plan(
        project={
            "id": "test",
            "name": "Testprosjekt",
            "organisation": "Testregionen",
            "municipalities": list(municipalities),
            "cost_sharing": sharing,
            "fixed_shares": fixed or {},
            "owner": "Kommunedirektør",
            "project_manager": "Prosjektleder",
            "start_date": dt.date(start, 1, 1),
            "end_date": dt.date(start + 1, 12, 31),
            "price_year": start,
            "analysis_years": years,
            **project,
        },
        goals={"main_goal": "Bedre tjenester"},
        effect_goals=[{"id": "E1", "text": "Effekt", "indicator": "Indikator"}],
        benefits=list(benefits),
        disbenefits=list(disbenefits),
        costs=list(costs),
    )
    assert plan_issues(plan, ws or workspace()) == []
    return plan


def simple_case(**benefit_kwargs) -> Plan:
    """Cost 100 in 2024 (year 0), a benefit of 30 a year 2025–2028 (years 1–4)."""
    return make_plan(
        [cost("K1", {2024: 100})], [benefit("G1", 30, 2025, **benefit_kwargs)], years=5
    )


# --------------------------------------------------------------------------- NPV by hand


def test_simple_case_npv_irr_payback_by_hand() -> None:
    r = analyse(simple_case(), workspace())
    # NPV = −100 + 30·(1.04^-1 + 1.04^-2 + 1.04^-3 + 1.04^-4) = −100 + 30·3.6298952 = 8.896857
    assert r.npv == pytest.approx(8.896857, abs=1e-6)
    # Cross-check: numpy-financial's npv uses the same convention (first flow undiscounted).
    assert r.npv == pytest.approx(npf.npv(0.04, [-100, 30, 30, 30, 30]), rel=1e-12)
    # IRR: 30·(1 − 1.077138^-4)/0.077138 = 100.00 → r = 7.7138 %
    assert r.irr == pytest.approx(0.0771385, abs=1e-7)
    assert r.irr == pytest.approx(npf.irr([-100, 30, 30, 30, 30]), abs=1e-10)
    # Cumulative net: −100, −70, −40, −10, +20 → first ≥ 0 in 2028.
    assert r.payback_year == 2028
    # Cumulative PV: −100, −100 + 28.846154, … + 26.669890 = −16.747270, + 25.644127 = 8.896857
    # → first ≥ 0 in 2028.
    assert r.discounted_payback_year == 2028
    np.testing.assert_allclose(
        r.per_year["cumulative_present_value"],
        [-100, -71.153846, -43.417160, -16.747270, 8.896857],
        atol=1e-6,
    )
    # BCR = 30·A / 100 = 1.088969
    assert r.bcr == pytest.approx(30 * A / 100)
    # A cash benefit: budget cost PV = 100 − 30·A = −8.9 ≤ 0 → NNB undefined.
    assert r.npv_per_budget_krone is None
    assert r.npv_cash_only == pytest.approx(r.npv)
    assert r.tax_financing_cost == 0.0


def test_timing_end_discounts_one_more_year() -> None:
    r = analyse(simple_case(), workspace(timing="end"))
    # Every flow one more year: NPV = 8.896857 / 1.04 = 8.554670
    assert r.npv == pytest.approx(8.554670, abs=1e-6)
    assert r.per_year["discount_factor"].iloc[0] == pytest.approx(1 / 1.04)
    assert r.irr == pytest.approx(0.0771385, abs=1e-7)  # timing does not move the IRR


def test_time_benefit_is_not_cash_and_gives_npv_per_budget_krone() -> None:
    r = analyse(simple_case(kind="time"), workspace())
    assert r.npv == pytest.approx(8.896857, abs=1e-6)
    # Only cash counts in the budget: cash-only NPV = 0 − 100 = −100.
    assert r.npv_cash_only == pytest.approx(-100.0)
    # NNB = NPV / PV(investment + operation − cash) = 8.896857 / 100
    assert r.npv_per_budget_krone == pytest.approx(0.08896857, abs=1e-8)
    assert r.per_year["cash_benefits"].sum() == 0.0


def test_cash_part_of_the_gross_benefits_never_exceeds_them() -> None:
    # G1 cash 30 a year, G2 time 20 a year, U1 a time dis-benefit 40 a year (from 2025):
    # gross benefits 50, of which cash 30; dis-benefits 40; net benefits 10. The old
    # "herav kontant" (cash net of cash dis-benefits) was 30 beside a total of 10.
    plan = make_plan(
        [cost("K1", {2024: 100})],
        [benefit("G1", 30, 2025), benefit("G2", 20, 2025, kind="time")],
        [benefit("U1", 40, 2025, kind="time")],
    )
    t = analyse(plan, workspace(), monte_carlo=False).per_year
    np.testing.assert_allclose(t["benefits_gross"], [0, 50, 50, 50, 50])
    np.testing.assert_allclose(t["benefits_gross_cash"], [0, 30, 30, 30, 30])
    np.testing.assert_allclose(t["disbenefits"], [0, 40, 40, 40, 40])
    np.testing.assert_allclose(t["benefits"], [0, 10, 10, 10, 10])
    assert (t["benefits_gross_cash"] <= t["benefits_gross"]).all()


def test_internal_effort_is_not_a_budget_cost() -> None:
    plan = make_plan(
        [cost("K1", {2024: 100}), cost("K2", {2024: 50}, "internal")],
        [benefit("G1", 40, 2025, kind="time")],
    )
    r = analyse(plan, workspace())
    # NNB denominator = PV(investment + operation − cash) = 100 (internal left out).
    # NPV = −150 + 40·A = −4.804191 → NNB = −0.04804191
    assert r.npv == pytest.approx(-150 + 40 * A)
    assert r.npv_per_budget_krone == pytest.approx((-150 + 40 * A) / 100)
    row = r.per_year.iloc[0]
    assert (row.cost_investment, row.cost_internal, row.costs) == (100, 50, 150)


def test_r109_per_year_factors_and_sum_equal_npv_exactly() -> None:
    # 60 years, R-109, a cost in year 0 and a benefit of 1000 a year from year 1.
    plan = make_plan([cost("K1", {2024: 10_000})], [benefit("G1", 1000, 2025)], years=60)
    r = analyse(plan, workspace(rule="r109"), monte_carlo=False)
    f = r.per_year["discount_factor"].to_numpy()
    assert f[40] == 1.04**-40
    assert f[50] == pytest.approx(1.04**-40 * 1.03**-10, rel=1e-15)
    assert f[41] == pytest.approx(0.2022223735, rel=1e-9)  # 1.04^-40 · 1.03^-1
    assert r.per_year["present_value"].sum() == r.npv  # exactly: npv is that sum
    # NPV = −10 000 + 1000·(Σ_{t=1..40} 1.04^-t + 1.04^-40·Σ_{k=1..19} 1.03^-k)
    #     = −10 000 + 1000·(19.792774 + 0.208289·14.323799) = 12 776.27
    assert r.npv == pytest.approx(12776.27, abs=0.01)
    assert r.discounting == {"rule": "r109", "rates": [0.04, 0.03, 0.02], "timing": "start"}


def test_per_year_columns_and_identities() -> None:
    r = analyse(simple_case(), workspace())
    t = r.per_year
    assert list(t.columns) == PER_YEAR_COLUMNS
    assert t["year"].tolist() == [2024, 2025, 2026, 2027, 2028]
    assert t["t"].tolist() == [0, 1, 2, 3, 4]
    np.testing.assert_allclose(t["net"], t["benefits"] - t["costs"])
    np.testing.assert_allclose(t["present_value"], t["net"] * t["discount_factor"])
    np.testing.assert_allclose(t["costs"], [100, 0, 0, 0, 0])
    np.testing.assert_allclose(t["benefits"], [0, 30, 30, 30, 30])


def test_tax_financing_cost_by_hand() -> None:
    plan = make_plan(
        [cost("K1", {2024: 100}), cost("K2", {2024: 50}, "internal")],
        [benefit("G1", 30, 2025, kind="cash"), benefit("G2", 10, 2025, kind="time")],
    )
    off = analyse(plan, workspace(tax=False))
    on = analyse(plan, workspace(tax=True))
    # Net public budget cost per year: 100 (investment) in year 0, −30 (cash) in years 1–4.
    # Tax financing cost = 0.2 · (100 − 30·A) = 20 − 21.779371 = −1.779371 (a net gain)
    assert on.tax_financing_cost == pytest.approx(0.2 * (100 - 30 * A))
    assert off.tax_financing_cost == 0.0
    np.testing.assert_allclose(on.per_year["tax_financing_cost"], [20, -6, -6, -6, -6])
    # NPV = −150 + 40·A − 0.2·(100 − 30·A) = −3.024820
    assert on.npv == pytest.approx(-3.0248197, abs=1e-6)
    assert off.npv == pytest.approx(-150 + 40 * A)
    # Cash-only NPV = 30·A − 150 − tax = −39.323772
    assert on.npv_cash_only == pytest.approx(-39.3237719, abs=1e-6)
    assert on.per_year["present_value"].sum() == on.npv
    # The assumption overrides the workspace setting.
    assert analyse(plan, workspace(tax=True), Assumptions(tax_financing=False)).npv == off.npv


def test_disbenefits_count_against_and_non_priced_stay_out() -> None:
    plan = make_plan(
        [cost("K1", {2024: 100})],
        [benefit("G1", 30, 2025), benefit("G9", 1_000_000, 2025, priced=False)],
        [benefit("U1", 5, 2025, kind="quality")],
    )
    r = analyse(plan, workspace())
    # benefits = 30 − 5 = 25 a year; NPV = −100 + 25·A = −9.252619
    assert r.npv == pytest.approx(-100 + 25 * A)
    np.testing.assert_allclose(r.per_year["disbenefits"], [0, 5, 5, 5, 5])
    np.testing.assert_allclose(r.per_year["benefits"], [0, 25, 25, 25, 25])
    np.testing.assert_allclose(r.per_year["benefits_gross"], [0, 30, 30, 30, 30])
    assert r.non_priced == ("G9",)


def test_hourly_cost_valuation_and_overrides() -> None:
    # 100 units × 0.5 hours × 700 kr = 35 000 a year.
    g = benefit("G1", 0, 2025, kind="time", hours=0.5)
    g = g.model_copy(update={"target": 100})
    own = benefit("G2", 0, 2025, kind="time", hours=1.0, own_hourly_cost=500)
    plan = make_plan([cost("K1", {2024: 100_000})], [g, own])
    r = analyse(plan, workspace(hourly_cost=700), monte_carlo=False)
    # years 1–4: 35 000 + 500 (own hourly cost) = 35 500
    np.testing.assert_allclose(r.per_year["benefits"], [0, 35_500, 35_500, 35_500, 35_500])
    r2 = analyse(plan, workspace(hourly_cost=700), Assumptions(hourly_cost=800), monte_carlo=False)
    # 100 × 0.5 × 800 = 40 000; G2 keeps its own 500.
    np.testing.assert_allclose(r2.per_year["benefits"].iloc[1], 40_500)
    assert r2.hourly_cost == 800


def test_assumptions_scale_overrun_rate_and_delay() -> None:
    plan = simple_case()
    ws = workspace()
    # Costs +50 %, benefits × 2: NPV = −150 + 60·A = 67.793713
    r = analyse(plan, ws, Assumptions(cost_overrun=0.5, benefit_scale=2.0))
    assert r.npv == pytest.approx(-150 + 60 * A)
    # A flat 10 % instead: −100 + 30·(1.1^-1 + 1.1^-2 + 1.1^-3 + 1.1^-4) = −4.904037
    assert analyse(plan, ws, Assumptions(discount_rate=0.10)).npv == pytest.approx(
        -4.904037, abs=1e-6
    )
    # One year late: benefit in 2026–2028 only: −100 + 30·(1.04^-2 + 1.04^-3 + 1.04^-4) = −19.949297
    late = analyse(plan, ws, Assumptions(delay_years=1))
    assert late.npv == pytest.approx(-19.949297, abs=1e-6)
    np.testing.assert_allclose(late.per_year["benefits"], [0, 0, 30, 30, 30])


def test_benefits_continue_at_target_to_the_end() -> None:
    # A linear ramp from 2024-01-01 to 2026-01-01: mid-year fractions 0.25, 0.75, then 1.
    g = benefit("G1", 100, 2025).model_copy(
        update={
            "profile": "linear",
            "baseline_date": dt.date(2024, 1, 1),
            "target_date": dt.date(2026, 1, 1),
        }
    )
    r = analyse(make_plan([cost("K1", {2024: 10})], [g], years=6), workspace(), monte_carlo=False)
    b = r.per_year["benefits"].to_numpy()
    # 1 July 2024 is day 182 of 731 → 24.90; 1 July 2025 day 547 → 74.83; then 100 to the end.
    np.testing.assert_allclose(b, [100 * 182 / 731, 100 * 547 / 731, 100, 100, 100, 100])


def test_costs_outside_the_period_are_listed() -> None:
    plan = make_plan(
        [cost("K1", {2023: 40, 2024: 100, 2030: 5})],
        [benefit("G1", 30, 2025)],
        decision_year=2024,
        decision_note="Videreføring",
    )
    r = analyse(plan, workspace(), monte_carlo=False)
    # 2030 is after the period (left out, listed); 2023 is before it: a sunk cost, shown.
    assert r.outside_period == {"K1": [2030]}
    assert r.sunk_costs == {"K1": {2023: 40.0}} and r.sunk_cost_total == 40.0
    assert r.per_year["costs"].sum() == 100


def test_analysis_start_year_sets_year_zero() -> None:
    plan = simple_case()
    plan = plan.model_copy(
        update={"project": plan.project.model_copy(update={"analysis_start_year": 2025})}
    )
    r = analyse(plan, workspace(), monte_carlo=False)
    # Year 0 = 2025: the cost in 2024 is sunk; benefits 30 in 2025–2029 undiscounted first.
    assert r.start_year == 2025
    assert r.outside_period == {} and r.sunk_costs == {"K1": {2024: 100.0}}
    assert r.npv == pytest.approx(30 * (1 + A))


# --------------------------------------------------------------------------- kommuner


def test_cost_sharing_by_population_with_a_benefit_for_one_kommune() -> None:
    plan = make_plan(
        [cost("K1", {2024: 100})],
        [benefit("G1", 30, 2025, municipalities=["Aby"]), benefit("G2", 10, 2025)],
    )
    r = analyse(plan, workspace())
    aby, bby = r.municipalities
    # Key 3000 : 1000 = 0.75 : 0.25. Aby: costs 75, benefits 30·A + 0.75·10·A = 37.5·A
    assert (aby.name, aby.share, bby.share) == ("Aby", 0.75, 0.25)
    assert aby.costs == pytest.approx(75)
    assert aby.benefits == pytest.approx(37.5 * A)
    assert bby.costs == pytest.approx(25)
    assert bby.benefits == pytest.approx(2.5 * A)
    assert aby.npv == pytest.approx(37.5 * A - 75)
    assert aby.npv + bby.npv == pytest.approx(r.npv, rel=1e-12)
    assert aby.costs + bby.costs == pytest.approx(r.pv_costs, rel=1e-12)


def test_cost_sharing_equal_and_fixed() -> None:
    three = (("Aby", 3000), ("Bby", 1000), ("Cby", 1000))
    ws = workspace(populations=three)
    kwargs = {"municipalities": ("Aby", "Bby", "Cby"), "ws": ws}
    equal = make_plan(
        [cost("K1", {2024: 90})], [benefit("G1", 30, 2025)], sharing="equal", **kwargs
    )
    r = analyse(equal, ws)
    assert [m.share for m in r.municipalities] == pytest.approx([1 / 3] * 3)
    assert [m.costs for m in r.municipalities] == pytest.approx([30, 30, 30])
    fixed = make_plan(
        [cost("K1", {2024: 100})],
        [benefit("G1", 30, 2025, municipalities=["Bby", "Cby"])],
        sharing="fixed",
        fixed={"Aby": 0.5, "Bby": 0.3, "Cby": 0.2},
        **kwargs,
    )
    r = analyse(fixed, ws)
    # Costs 50/30/20; G1 only in Bby and Cby split 0.3 : 0.2 → 0.6 : 0.4 of 30·A.
    assert [m.costs for m in r.municipalities] == pytest.approx([50, 30, 20])
    assert [m.benefits for m in r.municipalities] == pytest.approx([0, 18 * A, 12 * A])
    assert sum(m.npv for m in r.municipalities) == pytest.approx(r.npv, rel=1e-12)


def test_unknown_population_is_an_input_error() -> None:
    plan = make_plan([cost("K1", {2024: 100})], [benefit("G1", 30, 2025)])
    ws = workspace(populations=(("Aby", 3000),))
    with pytest.raises(InputError) as err:
        analyse(plan, ws)
    assert err.value.issues[0].found == "Bby"


# --------------------------------------------------------------------------- IRR and payback


def test_irr_cross_checked_with_numpy_financial() -> None:
    cases = [
        [-100, 30, 30, 30, 30],
        [-1000, 0, 0, 500, 500, 500],
        [0, 0, -250, 100, 100, 100],  # leading zeros
        [-100, 100],  # IRR exactly 0
        [-100, 10, 10, 10],  # negative IRR
        [-5_000_000, 800_000, 1_200_000, 1_500_000, 1_500_000, 1_500_000, 0, 0],
    ]
    for flows in cases:
        ours = irr(flows)
        assert ours is not None
        assert ours == pytest.approx(npf.irr(flows), abs=1e-9), flows
        assert npf.npv(ours, flows) == pytest.approx(0, abs=1e-6 * max(map(abs, flows)))


def test_irr_none_when_undefined() -> None:
    assert irr([100, 50, 20]) is None  # no sign change
    assert irr([-100, -50]) is None
    assert irr([0, 0, 0]) is None
    assert irr([5]) is None
    # −100 + 230/(1+r) − 132/(1+r)² = 0 has two roots, 10 % and 20 %: not unique.
    assert irr([-100, 230, -132]) is None
    # −100 + x + x² = 0 (x = 1/(1+r)) has one positive root x = 9.51, r = −89.5 %: inside
    # the search interval (−99 %, 1000 %), so it is reported, as numpy-financial does.
    assert irr([-100, 1, 1]) == pytest.approx(npf.irr([-100, 1, 1]), abs=1e-9)


def test_payback_rules() -> None:
    years = [2024, 2025, 2026, 2027]
    assert payback_year([-10, -5, 1, 2], years) == 2026
    assert payback_year([-10, 1, -1, 2], years) == 2027  # must stay ≥ 0
    assert payback_year([-10, -5, -1, -2], years) is None
    assert payback_year([0, 1, 2, 3], years) == 2024
    r = analyse(make_plan([cost("K1", {2024: 1000})], [benefit("G1", 30, 2025)]), workspace())
    assert r.payback_year is None and r.discounted_payback_year is None and r.irr is not None


# --------------------------------------------------------------------------- uncertainty


def test_expected_multiplier_is_the_triangle_mean_by_hand() -> None:
    # K1 investment 100 with (0.9, 1.0, 1.4): expected (0.9 + 1.0 + 1.4)/3 · 100 = 3.3/3 · 100 = 110.
    # K2 internal effort 10, no uncertainty: stays 10.
    # G1 cash benefit 30 a year (years 1–4) with (0.7, 1.0, 1.0): (0.7 + 1 + 1)/3 · 30 = 0.9 · 30 = 27.
    # Tax financing cost on (τ = 20 %): budget cost 110 in year 0 and −27 in years 1–4.
    plan = make_plan(
        [
            cost("K1", {2024: 100}, uncertainty=(0.9, 1.0, 1.4)),
            cost("K2", {2024: 10}, "internal"),
        ],
        [benefit("G1", 30, 2025, uncertainty=(0.7, 1.0, 1.0))],
    )
    r = analyse(plan, workspace(tax=True), draws=1000)
    t = r.per_year
    np.testing.assert_allclose(t["cost_investment"], [110, 0, 0, 0, 0])
    np.testing.assert_allclose(t["cost_internal"], [10, 0, 0, 0, 0])  # (1, 1, 1): unchanged
    np.testing.assert_allclose(t["benefits"], [0, 27, 27, 27, 27])
    np.testing.assert_allclose(t["cash_benefits"], [0, 27, 27, 27, 27])
    np.testing.assert_allclose(t["benefits_gross_cash"], [0, 27, 27, 27, 27])  # no ulemper here
    # Tax: 0.2 · 110 = 22 in year 0, 0.2 · −27 = −5.4 in years 1–4.
    np.testing.assert_allclose(t["tax_financing_cost"], [22, -5.4, -5.4, -5.4, -5.4])
    np.testing.assert_allclose(t["costs"], [142, -5.4, -5.4, -5.4, -5.4])
    # NPV = −142 + (27 + 5.4)·A = −142 + 32.4 · 3.6298952 = −24.391395
    assert r.npv == pytest.approx(-142 + 32.4 * A)
    assert r.npv == pytest.approx(-24.391395, abs=1e-6)
    assert t["present_value"].sum() == r.npv
    # As planned (every multiplier 1): −100 − 10 + 30·A − 0.2·(100 − 30·A) = −130 + 36·A = 0.676228
    assert r.npv_as_planned == pytest.approx(-130 + 36 * A)
    assert r.npv_as_planned == pytest.approx(0.676228, abs=1e-6)
    # Tax PV = 22 − 5.4·A = 2.398566; PV costs = 142 − 5.4·A = 122.398566; PV benefits = 27·A.
    assert r.tax_financing_cost == pytest.approx(22 - 5.4 * A)
    assert r.pv_costs == pytest.approx(142 - 5.4 * A)
    assert r.pv_benefits == pytest.approx(27 * A)
    # BCR = 98.007171 / 122.398566 = 0.800722; only cash benefits, so cash-only NPV = NPV.
    assert r.bcr == pytest.approx(27 * A / (142 - 5.4 * A))
    assert r.bcr == pytest.approx(0.800722, abs=1e-6)
    assert r.npv_cash_only == pytest.approx(r.npv)
    # NNB = NPV / PV(110 − 27 in years 1–4) = −24.391395 / (110 − 27·A = 11.992829) = −2.033832
    assert r.npv_per_budget_krone == pytest.approx((-142 + 32.4 * A) / (110 - 27 * A))
    assert r.npv_per_budget_krone == pytest.approx(-2.033832, abs=1e-6)
    # Net −142, +32.4 × 4: cumulative −142, −109.6, −77.2, −44.8, −12.4 → no payback; IRR < 0.
    assert r.payback_year is None and r.discounted_payback_year is None
    assert r.irr == pytest.approx(npf.irr([-142, 32.4, 32.4, 32.4, 32.4]), abs=1e-9)
    # Kommuner 0.75 : 0.25 of everything (no benefit names a kommune).
    aby, bby = r.municipalities
    assert aby.costs == pytest.approx(0.75 * (142 - 5.4 * A))
    assert aby.benefits == pytest.approx(0.75 * 27 * A)
    assert aby.npv + bby.npv == pytest.approx(r.npv, rel=1e-12)
    data = r.to_json()
    assert data["npv"] == r.npv and data["npv_as_planned"] == r.npv_as_planned


def test_no_uncertainty_means_expected_equals_as_planned_exactly() -> None:
    r = analyse(simple_case(), workspace(tax=True), monte_carlo=False, sensitivity=False)
    assert r.npv_as_planned == r.npv  # bit for bit: every multiplier is exactly 1.0


def test_monte_carlo_mean_is_the_expected_npv_on_a_hand_case() -> None:
    # Two skewed lines: K1 cost 100 (0.9, 1.0, 1.4) → 110, G1 benefit 30 a year (0.5, 1.0, 1.1)
    # → (0.5 + 1.0 + 1.1)/3 = 0.866667 → 26 a year. NPV = −110 + 26·A = −15.622724.
    plan = make_plan(
        [cost("K1", {2024: 100}, uncertainty=(0.9, 1.0, 1.4))],
        [benefit("G1", 30, 2025, uncertainty=(0.5, 1.0, 1.1))],
    )
    r = analyse(plan, workspace(), draws=100_000, seed=11)
    assert r.npv == pytest.approx(-110 + 26 * A)
    assert r.npv == pytest.approx(-15.622724, abs=1e-6)
    mc = r.monte_carlo
    standard_error = mc.std / np.sqrt(mc.draws)
    # NPV is linear in the multipliers, so E[NPV] = NPV at the expected multipliers.
    assert abs(mc.mean - r.npv) < 4 * standard_error
    # The plan's own amounts (8.896857) are far from the simulated mean: the old point estimate.
    assert abs(mc.mean - r.npv_as_planned) > 100 * standard_error


def test_p15_is_the_cautious_npv_by_hand() -> None:
    # One cost of 100 in year 0 (factor 1) with the triangle (0.5, 1.0, 1.5), nothing else:
    # NPV = −100 · m. "85 % probability that the NPV is at least X" is the 15th percentile
    # of the NPV, i.e. −100 × the 85th percentile of m. For p ≥ 0.5 the inverse CDF of a
    # triangle (a, c, b) is b − √((1 − p)(b − a)(b − c)) = 1.5 − √(0.15 · 1 · 0.5) = 1.226139,
    # so P15 = −122.6139; P85 = −100 × (a + √(p' (b − a)(c − a))) with p' = 0.15 = −77.3861.
    plan = make_plan([cost("K1", {2024: 100}, uncertainty=(0.5, 1.0, 1.5))])
    mc = analyse(plan, workspace(), draws=200_000, seed=3).monte_carlo
    assert mc.p15 == pytest.approx(-122.6139, abs=0.3)
    assert mc.p85 == pytest.approx(-77.3861, abs=0.3)
    assert mc.p10 < mc.p15 < mc.p50 and mc.to_json()["p15"] == mc.p15


def test_sensitivity_by_hand() -> None:
    plan = make_plan(
        [cost("K1", {2024: 100}, uncertainty=(0.9, 1.0, 1.3))],
        [benefit("G1", 30, 2025, uncertainty=(0.5, 1.0, 1.0))],
    )
    r = analyse(plan, workspace())
    rows = {row.input_id: row for row in r.sensitivity}
    # Expected multipliers: K1 (0.9 + 1.0 + 1.3)/3 = 3.2/3 = 1.066667 → expected cost 106.666667;
    # G1 (0.5 + 1.0 + 1.0)/3 = 2.5/3 = 0.833333 → expected benefit 25 a year.
    # NPV = −106.666667 + 25·A = −106.666667 + 90.747381 = −15.919286
    e_k1, e_g1 = 3.2 / 3, 2.5 / 3
    npv = -100 * e_k1 + 30 * e_g1 * A
    assert r.npv == pytest.approx(-15.919286, abs=1e-6)
    assert r.npv == pytest.approx(npv, rel=1e-12)
    # As planned (every multiplier 1): −100 + 30·A = 8.896857.
    assert r.npv_as_planned == pytest.approx(8.896857, abs=1e-6)
    # K1 at 0.9 and 1.3 with G1 at its expected value: NPV + (1.066667 − 0.9)·100 = NPV + 16.666667
    # = 0.747381, and NPV − (1.3 − 1.066667)·100 = NPV − 23.333333 = −39.252619.
    assert rows["K1"].base_value == pytest.approx(e_k1)
    assert rows["K1"].low_npv == pytest.approx(npv + 100 * (e_k1 - 0.9))
    assert rows["K1"].low_npv == pytest.approx(0.747381, abs=1e-6)
    assert rows["K1"].high_npv == pytest.approx(npv - 100 * (1.3 - e_k1))
    assert rows["K1"].high_npv == pytest.approx(-39.252619, abs=1e-6)
    # K1's expected 106.666667 would have to fall 15.919286 / 106.666667 = 14.92 % for NPV = 0.
    assert rows["K1"].switching_value == pytest.approx(npv / (100 * e_k1))
    assert rows["K1"].switching_value == pytest.approx(-0.1492433, abs=1e-7)
    assert rows["K1"].switching_text == "kostnaden −15 %"
    # G1 at 0.5: NPV − (0.833333 − 0.5)·30·A = NPV − 10·A = −52.218238;
    # at 1.0: NPV + (1 − 0.833333)·30·A = NPV + 5·A = 2.230190.
    assert rows["G1"].low_npv == pytest.approx(npv - 10 * A)
    assert rows["G1"].high_npv == pytest.approx(2.230190, abs=1e-6)
    # Main inputs around the expected base: costs ±20 % → NPV ∓ 0.2·106.666667 = ∓ 21.333333;
    # switching value: costs −15.919286 / 106.666667 = −14.92 %.
    assert rows["costs"].low_npv == pytest.approx(npv + 0.2 * 100 * e_k1)
    assert rows["costs"].low_npv == pytest.approx(5.414047, abs=1e-6)
    assert rows["costs"].switching_value == pytest.approx(-0.1492433, abs=1e-7)
    assert rows["costs"].switching_text == "kostnadene −15 %"
    # Benefits: 15.919286 / (25·A = 90.747381) = +17.54 %
    assert rows["benefits"].switching_value == pytest.approx(-npv / (30 * e_g1 * A))
    assert rows["benefits"].switching_value == pytest.approx(0.1754242, abs=1e-7)
    # Discount rate at 3 %: −106.666667 + 25·(1.03^-1 + … + 1.03^-4) = −106.666667 + 25·3.717098
    # = −13.739207. Even at 0 % the NPV is −106.666667 + 100 = −6.67 < 0, and a higher rate
    # only lowers it: no switching value.
    assert rows["discount_rate"].low_npv == pytest.approx(
        npf.npv(0.03, [-100 * e_k1, 25, 25, 25, 25])
    )
    assert rows["discount_rate"].low_npv == pytest.approx(-13.739207, abs=1e-6)
    assert rows["discount_rate"].switching_value is None
    # Delay one year: −106.666667 + 25·(1.04^-2 + 1.04^-3 + 1.04^-4) = −39.957748;
    # one year earlier: −106.666667 + 25·(1 + A) = 9.080714 ≥ 0 → switching value −1 year.
    assert rows["delay"].high_npv == pytest.approx(-39.957748, abs=1e-6)
    assert rows["delay"].low_npv == pytest.approx(9.080714, abs=1e-6)
    assert rows["delay"].switching_value == -1
    assert rows["delay"].switching_text == "gevinstene 1 år tidligere"
    # No benefit is valued with the default hourly cost → no swing, no switching value.
    assert rows["hourly_cost"].swing == 0 and rows["hourly_cost"].switching_value is None
    # Sorted by swing (the tornado's order).
    swings = [row.swing for row in r.sensitivity]
    assert swings == sorted(swings, reverse=True)
    assert {row.kind for row in r.sensitivity} == {"line", "main"}


def test_sensitivity_main_inputs_without_uncertainty_by_hand() -> None:
    # No uncertainty: the expected case is the plan, NPV = −100 + 30·A = 8.896857.
    r = analyse(simple_case(), workspace())
    rows = {row.input_id: row for row in r.sensitivity}
    npv = -100 + 30 * A
    assert r.npv == r.npv_as_planned == pytest.approx(8.896857, abs=1e-6)
    assert {row.kind for row in r.sensitivity} == {"main"}  # no uncertain line
    # Costs ±20 % → NPV ∓ 20; switching value +8.90 %.
    assert rows["costs"].low_npv == pytest.approx(npv + 20)
    assert rows["costs"].switching_value == pytest.approx(0.08896857, abs=1e-8)
    assert rows["costs"].switching_text == "kostnadene +8,9 %"
    # Benefits: −8.896857 / 108.896857 = −8.17 %
    assert rows["benefits"].switching_value == pytest.approx(-npv / (30 * A))
    # Discount rate: NPV = 0 at the IRR, 7.7138 % = 4 % + 3.7138 pp.
    assert rows["discount_rate"].switching_value == pytest.approx(0.0371385, abs=1e-6)
    assert rows["discount_rate"].low_npv == pytest.approx(npf.npv(0.03, [-100, 30, 30, 30, 30]))
    # Delay one year: −19.949297 ≤ 0 → switching value 1 year.
    assert rows["delay"].high_npv == pytest.approx(-19.949297, abs=1e-6)
    assert rows["delay"].switching_value == 1


def test_switching_value_none_when_costs_would_have_to_be_negative() -> None:
    # NPV = −100 + 10·A = −63.70: costs must fall 63.70 % or benefits rise
    # 63.70 / 36.30 = +175.5 %.
    r = analyse(make_plan([cost("K1", {2024: 100})], [benefit("G1", 10, 2025)]), workspace())
    rows = {row.input_id: row for row in r.sensitivity}
    assert rows["costs"].switching_value == pytest.approx(-(100 - 10 * A) / 100)
    assert rows["benefits"].switching_value == pytest.approx((100 - 10 * A) / (10 * A))
    # No benefits at all: no change in benefits can help.
    r = analyse(make_plan([cost("K1", {2024: 100})]), workspace())
    rows = {row.input_id: row for row in r.sensitivity}
    assert rows["benefits"].switching_value is None
    assert rows["costs"].switching_value == pytest.approx(-1.0)  # costs to zero


def test_monte_carlo_deterministic_lines_and_triangular_mean() -> None:
    fixed = analyse(simple_case(), workspace(), draws=2000, seed=1)
    mc = fixed.monte_carlo
    assert mc is not None and mc.draws == 2000 and mc.seed == 1
    assert np.all(mc.npv == pytest.approx(fixed.npv))  # low == high everywhere
    assert mc.p10 == pytest.approx(fixed.npv) and mc.prob_positive == 1.0

    plan = make_plan(
        [cost("K1", {2024: 100}, uncertainty=(0.8, 1.0, 1.5))], [benefit("G1", 30, 2025)]
    )
    r = analyse(plan, workspace(), draws=200_000, seed=7)
    # Mean multiplier of a triangle (0.8, 1.0, 1.5) = 3.3/3 = 1.1 → expected cost 110, and the
    # NPV (an expected value) = −110 + 30·A = −1.103143; as planned −100 + 30·A = 8.896857.
    assert r.npv == pytest.approx(-1.103143, abs=1e-6)
    assert r.npv_as_planned == pytest.approx(8.896857, abs=1e-6)
    # The simulated mean estimates the same expected NPV.
    assert r.monte_carlo.mean == pytest.approx(r.npv_as_planned - 10, abs=0.1)
    assert r.monte_carlo.mean == pytest.approx(r.npv, abs=0.1)
    # P(NPV > 0) = P(m < 1.08897): F(x) = (x − 0.8)² / ((1.5 − 0.8)(1.0 − 0.8)) for x ≤ 1,
    # else 1 − (1.5 − x)² / (0.7 · 0.5): 1 − (0.41103)²/0.35 = 0.51729
    assert r.monte_carlo.prob_positive == pytest.approx(0.51729, abs=0.005)
    # P50 of costs = median multiplier: 1.5 − √(0.5 · 0.35) = 1.08167 → 108.17
    assert r.monte_carlo.cost_p50 == pytest.approx(108.167, abs=0.3)
    p = r.monte_carlo
    assert p.p10 <= p.p50 <= p.p85 <= p.p90


def test_monte_carlo_defaults_from_workspace_and_can_be_skipped() -> None:
    r = analyse(simple_case(), workspace())
    assert r.monte_carlo.draws == 10_000 and r.monte_carlo.seed == 20240501
    quick = analyse(simple_case(), workspace(), monte_carlo=False, sensitivity=False)
    assert quick.monte_carlo is None and quick.sensitivity == []
    assert quick.npv == r.npv


def test_an_empty_plan_gives_zeros_not_errors() -> None:
    r = analyse(make_plan(), workspace())
    assert (r.npv, r.irr, r.bcr, r.npv_per_budget_krone) == (0.0, None, None, None)
    assert r.monte_carlo.p50 == 0.0
    assert {row.input_id: row.switching_value for row in r.sensitivity}["costs"] == 0.0


# --------------------------------------------------------------------------- JSON


def test_to_json_is_plain_json_with_the_required_keys() -> None:
    plan = make_plan(
        [cost("K1", {2024: 100}, uncertainty=(0.9, 1.0, 1.3))],
        [benefit("G1", 30, 2025, uncertainty=(0.5, 1.0, 1.2))],
    )
    r: CbaResult = analyse(plan, workspace(), draws=1000)
    data = json.loads(json.dumps(r.to_json(), allow_nan=False))
    for key in CBA_JSON_KEYS:
        assert key in data
    assert data["npv"] == r.npv
    assert data["npv_as_planned"] == r.npv_as_planned
    row = data["per_year"][0]
    assert row["year"] == 2024 and isinstance(row["year"], int)
    for key in ("year", "costs", "benefits", "net", "discount_factor", "present_value"):
        assert key in row
    assert set(data["monte_carlo"]) >= {
        "p10",
        "p50",
        "p85",
        "p90",
        "mean",
        "prob_positive",
        "draws",
        "seed",
    }
    assert "npv" not in data["monte_carlo"]
    assert set(data["municipalities"][0]) == {
        "name", "share", "costs", "benefits", "npv",
        "costs_paid", "cash_benefits", "take_outs_planned", "budget_cost",
    }
    assert {"input_id", "label", "low_npv", "high_npv", "switching_value"} <= set(
        data["sensitivity"][0]
    )
