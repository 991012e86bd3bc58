"""Discounting (diskontering) by the Ministry of Finance's rule, R-109/2021.

Rundskriv R-109/2021 (Finansdepartementet), on the discount rate, sets the real discount
rate (kalkulasjonsrente) for public measures with normal systematic risk:

* 4 % for the first 40 years,
* 3 % from year 40 to year 75,
* 2 % after year 75,

applied **step-wise**: the rate of a period only applies to the years within
it, so the discount factor of year t is

    D(t) = 1.04^-t                                  for 0 ≤ t ≤ 40
    D(t) = 1.04^-40 · 1.03^-(t−40)                  for 40 < t ≤ 75
    D(t) = 1.04^-40 · 1.03^-35 · 1.02^-(t−75)       for t > 75

(DFØ's *Veileder i samfunnsøkonomiske analyser*, on discounting, gives the same
example: the factor for year 50 is 1.04^-40 · 1.03^-10). A flat rate r gives
D(t) = (1 + r)^-t.

**Timing of flows** (workspace ``discounting.timing``). Analysis year 0 is the
first year of the analysis (``project.analysis_start_year``, else the start
date's year) and the flow of analysis year t is discounted

* ``start`` (default): t years, so year 0 is undiscounted. This is
  numpy-financial's ``npv`` convention and the one used in DFØ's spreadsheet
  model, where the first year is the base year of the present value.
* ``end``: t + 1 years: every flow falls at the end of its year and the
  present value is taken at the start of year 0.

>>> discount_factors(3).round(6).tolist()
[1.0, 0.961538, 0.924556]
>>> discount_factors(2, timing="end").round(6).tolist()
[0.961538, 0.924556]
>>> bool(abs(discount_factors(51)[50] - 1.04**-40 * 1.03**-10) < 1e-15)
True
"""

from __future__ import annotations

import numpy as np

R109_STEPS: tuple[tuple[float, float], ...] = ((40, 0.04), (75, 0.03), (np.inf, 0.02))
"""(last year of the period, real rate) for R-109/2021: 4 % to year 40, 3 % to 75, then 2 %."""

RULES = ("r109", "flat")
TIMINGS = ("start", "end")


def _value(x: object) -> str:
    """An enum member's value, or the string itself."""
    return str(getattr(x, "value", x))


def stepwise_factor(exponent: np.ndarray | float, shift: float = 0.0) -> np.ndarray:
    """R-109 step-wise discount factor D(t) for (real) exponents t ≥ 0.

    ``shift`` is added to every step's rate (4/3/2 % + shift); it is used by the
    sensitivity analysis ("kalkulasjonsrenten ± 1 prosentpoeng").

    >>> float(stepwise_factor(40)) == 1.04**-40
    True
    >>> bool(abs(stepwise_factor(76) - 1.04**-40 * 1.03**-35 * 1.02**-1) < 1e-15)
    True
    """
    t = np.asarray(exponent, dtype=float)
    factor = np.ones_like(t)
    previous = 0.0
    for last, rate in R109_STEPS:
        years_in_step = np.clip(t - previous, 0.0, last - previous)
        factor = factor * (1.0 + rate + shift) ** -years_in_step
        previous = last
    return factor


def discount_factors(
    years: int,
    rule: str = "r109",
    rate: float = 0.04,
    timing: str = "start",
    *,
    shift: float = 0.0,
) -> np.ndarray:
    """Discount factors for analysis years 0 … ``years`` − 1.

    Parameters
    ----------
    years:
        Length of the analysis period (``project.analysis_years``).
    rule:
        ``"r109"``: R-109 step-wise 4/3/2 % (see the module docstring);
        ``"flat"``: (1 + ``rate``)^-t.
    rate:
        The flat rate; ignored for ``"r109"``.
    timing:
        ``"start"``: the flow of year t is discounted t years (year 0 gets 1.0);
        ``"end"``: t + 1 years.
    shift:
        Added to the rate(s): R-109's 4/3/2 % become 4+s/3+s/2+s %.

    Returns
    -------
    numpy.ndarray of shape (years,): the factor that turns a flow in analysis
    year t into a present value; ``present value = flow · factor``.

    >>> discount_factors(2, rule="flat", rate=0.10).round(6).tolist()
    [1.0, 0.909091]
    """
    rule, timing = _value(rule), _value(timing)
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}, not {rule!r}")
    if timing not in TIMINGS:
        raise ValueError(f"timing must be one of {TIMINGS}, not {timing!r}")
    if years < 0:
        raise ValueError("years must be ≥ 0")
    exponent = np.arange(years, dtype=float) + (1.0 if timing == "end" else 0.0)
    if rule == "flat":
        return (1.0 + rate + shift) ** -exponent
    return stepwise_factor(exponent, shift)


def rates_in_use(rule: str, rate: float = 0.04, shift: float = 0.0) -> list[float]:
    """The rate(s) a rule applies: [0.04, 0.03, 0.02] for R-109, [rate] for flat (+ shift)."""
    if _value(rule) == "flat":
        return [rate + shift]
    return [r + shift for _, r in R109_STEPS]


def _extended(exponent: np.ndarray, rule: str, rate: float, shift: float) -> np.ndarray:
    """D(t) for any real t: the rule's factor for t ≥ 0, compounding at the first rate for t < 0."""
    t = np.asarray(exponent, dtype=float)
    first = (rate if rule == "flat" else R109_STEPS[0][1]) + shift
    ahead = np.maximum(t, 0.0)
    forward = (1.0 + rate + shift) ** -ahead if rule == "flat" else stepwise_factor(ahead, shift)
    return np.where(t < 0, (1.0 + first) ** -np.minimum(t, 0.0), forward)


def base_year_factors(
    years: np.ndarray,
    first_year: int,
    base_year: int | None = None,
    rule: str = "r109",
    rate: float = 0.04,
    timing: str = "start",
    *,
    shift: float = 0.0,
) -> np.ndarray:
    """Discount factors to a fixed base year (*sammenstillingsår*) for calendar ``years``.

    The R-109 steps are counted from the project's ``first_year`` (R-109/2021
    counts years from the start of the analysis), and every present value is
    then moved to ``base_year`` B, as Kystverket's FRAM does, so that NPVs of
    projects that start in different years can be compared and added:

        factor(y) = D(e(y)) / D(B − s)

    with s = ``first_year``, e(y) = y − s (``timing: start``) or y − s + 1
    (``end``), and D the rule's factor (:func:`discount_factors`) extended to
    negative t by compounding at the first rate (4 % for R-109): a flow before
    B is compounded up, one after it discounted. ``base_year`` None: B = s,
    the factors of :func:`discount_factors`.

    A project starting 2027, base year 2025, R-109: the flow of 2027 is worth
    1.04^-2 in 2025; a flow of 2023 in a project starting 2023 is worth 1.04^2:

    >>> base_year_factors(np.array([2027, 2028]), 2027, 2025).round(6).tolist()
    [0.924556, 0.888996]
    >>> base_year_factors(np.array([2023]), 2023, 2025).round(4).tolist()
    [1.0816]
    """
    rule, timing = _value(rule), _value(timing)
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}, not {rule!r}")
    if timing not in TIMINGS:
        raise ValueError(f"timing must be one of {TIMINGS}, not {timing!r}")
    base = first_year if base_year is None else int(base_year)
    e = np.asarray(years, dtype=float) - first_year + (1.0 if timing == "end" else 0.0)
    return _extended(e, rule, rate, shift) / float(
        _extended(np.array([base - first_year], dtype=float), rule, rate, shift)[0]
    )
