"""Properties of the cost/benefit engine that must hold for every plan (hypothesis)."""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cba import benefit, cost, make_plan, workspace

from gevinst.model.cba import Assumptions, analyse, irr

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = ("Aby", "Bby", "Cby", "Dby")
amount = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)
multiplier = st.tuples(
    st.floats(0.5, 1.0), st.floats(1.0, 1.0), st.floats(1.0, 2.0)
)  # low ≤ likely = 1 ≤ high


@st.composite
def plans(draw, *, tax: bool | None = None):
    """A random small plan with its workspace (2–4 kommuner, any sharing key)."""
    n = draw(st.integers(2, 4))
    names = NAMES[:n]
    populations = [(m, draw(st.integers(1, 100_000))) for m in names]
    sharing = draw(st.sampled_from(["population", "equal", "fixed"]))
    fixed = None
    if sharing == "fixed":
        raw = [draw(st.floats(0.01, 1.0)) for _ in names]
        fixed = {m: x / sum(raw) for m, x in zip(names, raw, strict=True)}
        fixed[names[-1]] = 1.0 - sum(fixed[m] for m in names[:-1])
    ws = workspace(
        rule=draw(st.sampled_from(["r109", "flat"])),
        rate=draw(st.floats(0.0, 0.15)),
        timing=draw(st.sampled_from(["start", "end"])),
        tax=draw(st.booleans()) if tax is None else tax,
        populations=populations,
    )
    costs = [
        cost(
            f"K{k}",
            draw(st.dictionaries(st.integers(2024, 2032), amount, min_size=1, max_size=4)),
            draw(st.sampled_from(["investment", "operation", "internal"])),
            draw(multiplier),
        )
        for k in range(draw(st.integers(1, 4)))
    ]

    def some_benefits(prefix: str, most: int):
        return [
            benefit(
                f"{prefix}{k}",
                draw(st.floats(0, 1e6)),
                draw(st.integers(2024, 2032)),
                kind=draw(st.sampled_from(["cash", "time", "quality"])),
                uncertainty=draw(multiplier),
                municipalities=draw(
                    st.lists(st.sampled_from(names), unique=True, max_size=len(names))
                ),
            )
            for k in range(draw(st.integers(0, most)))
        ]

    plan = make_plan(
        costs,
        some_benefits("G", 4),
        some_benefits("U", 2),
        years=draw(st.integers(3, 15)),
        municipalities=names,
        sharing=sharing,
        fixed=fixed,
        ws=ws,
    )
    return plan, ws


def scaled(plan, k: float):
    """The same plan with every cost amount and every benefit value × k."""
    costs = [
        c.model_copy(update={"amounts": {y: a * k for y, a in c.amounts.items()}})
        for c in plan.costs
    ]

    def scale(b):
        v = b.valuation.model_copy(update={"nok_per_unit": b.valuation.nok_per_unit * k})
        return b.model_copy(update={"valuation": v})

    return plan.model_copy(
        update={
            "costs": costs,
            "benefits": [scale(b) for b in plan.benefits],
            "disbenefits": [scale(b) for b in plan.disbenefits],
        }
    )


@SETTINGS
@given(plans(), st.floats(0.01, 100))
def test_npv_scales_linearly_with_all_flows(case, k: float) -> None:
    plan, ws = case
    base = analyse(plan, ws, monte_carlo=False)
    big = analyse(scaled(plan, k), ws, monte_carlo=False)
    size = 1 + base.pv_costs + abs(base.pv_benefits)
    assert big.npv == pytest.approx(k * base.npv, rel=1e-9, abs=1e-9 * k * size)
    assert big.npv_as_planned == pytest.approx(
        k * base.npv_as_planned, rel=1e-9, abs=1e-9 * k * size
    )
    assert big.tax_financing_cost == pytest.approx(
        k * base.tax_financing_cost, rel=1e-9, abs=1e-9 * k * size
    )
    assert big.npv_cash_only == pytest.approx(k * base.npv_cash_only, rel=1e-9, abs=1e-9 * k * size)
    np.testing.assert_allclose(big.per_year["net"], k * base.per_year["net"], atol=1e-9 * k * size)
    if base.irr is not None:  # the IRR does not depend on the scale
        assert big.irr == pytest.approx(base.irr, abs=1e-8)


def without_uncertainty(plan):
    """The same plan with every line's uncertainty (1, 1, 1): its own amounts."""
    one = {"low": 1.0, "likely": 1.0, "high": 1.0}

    def strip(items):
        return [
            x.model_copy(update={"uncertainty": x.uncertainty.model_copy(update=one)})
            for x in items
        ]

    return plan.model_copy(
        update={
            "costs": strip(plan.costs),
            "benefits": strip(plan.benefits),
            "disbenefits": strip(plan.disbenefits),
        }
    )


@SETTINGS
@given(plans())
def test_npv_as_planned_is_the_npv_without_uncertainty(case) -> None:
    plan, ws = case
    r = analyse(plan, ws, monte_carlo=False, sensitivity=False)
    plain = analyse(without_uncertainty(plan), ws, monte_carlo=False, sensitivity=False)
    assert plain.npv == plain.npv_as_planned  # no uncertainty: expected = as planned, exactly
    size = 1 + r.pv_costs + abs(r.pv_benefits)
    assert r.npv_as_planned == pytest.approx(plain.npv, rel=1e-12, abs=1e-12 * size)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(), st.integers(0, 2**32 - 1))
def test_monte_carlo_mean_is_the_expected_npv(case, seed: int) -> None:
    # NPV is linear in the line multipliers, so E[NPV] = NPV at the expected multipliers
    # (the analysis's npv); the simulated mean is within 3 standard errors of it (the
    # workspace default is Latin-hypercube sampling, whose std/√n is an upper bound).
    plan, ws = case
    r = analyse(plan, ws, draws=4000, seed=seed, sensitivity=False)
    mc = r.monte_carlo
    size = 1 + r.pv_costs + abs(r.pv_benefits)
    assert mc.sampling == "lhs"
    assert abs(mc.mean - r.npv) <= 3 * mc.mean_se + 1e-9 * size


@SETTINGS
@given(plans(), st.floats(0.01, 10))
def test_assumption_sliders_scale_like_the_flows(case, k: float) -> None:
    plan, ws = case
    plan = plan.model_copy(update={"disbenefits": []})  # benefit_scale leaves ulemper alone
    base = analyse(plan, ws, monte_carlo=False)
    slid = analyse(plan, ws, Assumptions(benefit_scale=k, cost_overrun=k - 1), monte_carlo=False)
    size = 1 + base.pv_costs + abs(base.pv_benefits)
    assert slid.npv == pytest.approx(k * base.npv, rel=1e-9, abs=1e-9 * k * size)


@SETTINGS
@given(plans())
def test_per_year_sums_and_kommune_shares_add_up(case) -> None:
    plan, ws = case
    r = analyse(plan, ws, monte_carlo=False)
    t = r.per_year
    assert t["present_value"].sum() == r.npv
    np.testing.assert_allclose(t["net"], t["benefits"] - t["costs"], atol=1e-6)
    size = 1 + r.pv_costs + abs(r.pv_benefits)
    tol = 1e-9 * size
    assert sum(m.share for m in r.municipalities) == pytest.approx(1.0, abs=1e-12)
    assert sum(m.npv for m in r.municipalities) == pytest.approx(r.npv, abs=tol)
    assert sum(m.costs for m in r.municipalities) == pytest.approx(r.pv_costs, abs=tol)
    assert sum(m.benefits for m in r.municipalities) == pytest.approx(r.pv_benefits, abs=tol)
    for m in r.municipalities:
        assert m.npv == pytest.approx(m.benefits - m.costs, abs=tol)


@SETTINGS
@given(
    st.floats(1, 1e7),
    st.lists(st.floats(0, 1e6), min_size=1, max_size=8),
    st.floats(0, 0.3),
    st.floats(0.0001, 0.3),
)
def test_npv_falls_as_the_rate_rises_for_a_conventional_investment(
    investment: float, later: list[float], r1: float, step: float
) -> None:
    # Cost in year 0, benefits in years 1.. (one sign change): NPV(r) decreases in r.
    benefits = [benefit(f"G{k}", v, 2025 + k) for k, v in enumerate(later)]  # each from its year on
    plan = make_plan([cost("K1", {2024: investment})], benefits, years=len(later) + 2)
    low = analyse(plan, workspace(), Assumptions(discount_rate=r1), monte_carlo=False)
    high = analyse(plan, workspace(), Assumptions(discount_rate=r1 + step), monte_carlo=False)
    assert high.npv <= low.npv + 1e-9 * investment
    # and the NPV is numpy-financial's npv of the same flows
    assert low.npv == pytest.approx(npf.npv(r1, low.per_year["net"]), rel=1e-9, abs=1e-6)
    if low.irr is not None:
        assert npf.npv(low.irr, low.per_year["net"]) == pytest.approx(0, abs=1e-6 * investment)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(), st.integers(0, 2**32 - 1))
def test_same_seed_same_monte_carlo(case, seed: int) -> None:
    plan, ws = case
    a = analyse(plan, ws, draws=500, seed=seed)
    b = analyse(plan, ws, draws=500, seed=seed)
    np.testing.assert_array_equal(a.monte_carlo.npv, b.monte_carlo.npv)
    assert a.monte_carlo == b.monte_carlo  # all the summary figures
    uncertain = any(
        x.uncertainty.low < x.uncertainty.high
        for x in [*plan.costs, *plan.benefits, *plan.disbenefits]
    )
    if not uncertain:  # no uncertainty: every draw is the point NPV
        np.testing.assert_allclose(a.monte_carlo.npv, a.npv, rtol=1e-9, atol=1e-6)


@SETTINGS
@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=30))
def test_irr_is_a_root_or_none(flows: list[float]) -> None:
    r = irr(flows)
    if r is not None:
        assert -0.99 < r < 10
        # Relative to the size of the discounted terms (they can be huge for r near −99 %).
        size = float(np.sum(np.abs(flows) * (1 + r) ** -np.arange(len(flows))))
        assert npf.npv(r, flows) == pytest.approx(0, abs=1e-9 * size)
