"""R-109 step-wise discounting and the timing convention (gevinst.model.discount)."""

from __future__ import annotations

import numpy as np
import pytest

from gevinst.model.discount import discount_factors, rates_in_use, stepwise_factor

# R-109/2021: 4 % to year 40, 3 % from 40 to 75, 2 % after; step-wise.
# Hand-computed (10 significant digits):
#   D(39)  = 1.04^-39                               = 0.2166206064
#   D(40)  = 1.04^-40                               = 0.2082890447
#   D(41)  = 1.04^-40 · 1.03^-1                     = 0.2022223735
#   D(50)  = 1.04^-40 · 1.03^-10                    = 0.1549866107
#   D(75)  = 1.04^-40 · 1.03^-35                    = 0.07402246842
#   D(76)  = 1.04^-40 · 1.03^-35 · 1.02^-1          = 0.07257104747
#   D(100) = 1.04^-40 · 1.03^-35 · 1.02^-25         = 0.04511897961
R109_HAND = {
    0: 1.0,
    1: 1 / 1.04,
    39: 0.2166206064,
    40: 0.2082890447,
    41: 0.2022223735,
    50: 0.1549866107,
    75: 0.07402246842,
    76: 0.07257104747,
    100: 0.04511897961,
}


@pytest.mark.parametrize("year", sorted(R109_HAND))
def test_r109_factor_matches_hand_value(year: int) -> None:
    factors = discount_factors(101, "r109", timing="start")
    assert factors[year] == pytest.approx(R109_HAND[year], rel=1e-9)


def test_r109_factor_is_exactly_the_closed_form() -> None:
    f = discount_factors(101)
    assert f[40] == 1.04**-40
    assert f[50] == 1.04**-40 * 1.03**-10
    assert f[76] == pytest.approx(1.04**-40 * 1.03**-35 * 1.02**-1, rel=1e-15)


def test_year_to_year_ratio_is_the_rate_of_that_step() -> None:
    # D(t-1)/D(t) = 1 + r_t with r_t = 4 % for t ≤ 40, 3 % for 41..75, 2 % after.
    f = discount_factors(101)
    ratio = f[:-1] / f[1:]
    t = np.arange(1, 101)
    expected = np.where(t <= 40, 1.04, np.where(t <= 75, 1.03, 1.02))
    np.testing.assert_allclose(ratio, expected, rtol=1e-12)


def test_timing_start_discounts_year_t_by_t_years_and_end_by_t_plus_one() -> None:
    start = discount_factors(5, "r109", timing="start")
    end = discount_factors(5, "r109", timing="end")
    assert start[0] == 1.0  # year 0 undiscounted
    assert end[0] == pytest.approx(1 / 1.04)
    np.testing.assert_allclose(end, start / 1.04, rtol=1e-15)
    # At the R-109 step the end factor of year 40 is D(41): one 3 % year after forty 4 % years.
    f_end = discount_factors(41, "r109", timing="end")
    assert f_end[40] == pytest.approx(R109_HAND[41], rel=1e-9)


def test_flat_rate_and_enum_arguments() -> None:
    from gevinst.model.schema import DiscountRule, Timing

    f = discount_factors(3, DiscountRule.FLAT, 0.10, Timing.END)
    np.testing.assert_allclose(f, [1 / 1.1, 1 / 1.21, 1 / 1.331])


def test_shift_moves_every_step() -> None:
    # +1 pp: 5 % to year 40, 4 % to 75.
    f = discount_factors(51, shift=0.01)
    assert f[50] == pytest.approx(1.05**-40 * 1.04**-10, rel=1e-12)
    assert rates_in_use("r109", shift=0.01) == pytest.approx([0.05, 0.04, 0.03])
    assert rates_in_use("flat", 0.06) == [0.06]


def test_stepwise_factor_broadcasts() -> None:
    t = np.array([[0, 40], [75, 100]])
    out = stepwise_factor(t)
    assert out.shape == (2, 2)
    assert out[1, 1] == pytest.approx(R109_HAND[100], rel=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"rule": "r-109"}, "rule"), ({"timing": "middle"}, "timing"), ({"years": -1}, "years")],
)
def test_bad_arguments_are_refused(kwargs: dict, message: str) -> None:
    args = {"years": 3, **kwargs}
    with pytest.raises(ValueError, match=message):
        discount_factors(**args)
