"""What a benefit is worth in NOK: shared by the cost/benefit engine and tracking.

A benefit's valuation prices one unit of change in its indicator per year
(KS: "tasks avoided per year × today's cost per task"):

* ``nok_per_unit``                       → that price;
* ``hours_per_unit`` × ``hourly_cost``   → freed time at the full hourly cost
  (wage plus social costs, DFØ); the benefit's own hourly cost when given,
  else the workspace default.

The change is measured in the good direction: |value − baseline|, signed so
that movement the wrong way counts negative.

>>> from gevinst.model.schema import Valuation
>>> unit_value(Valuation(hours_per_unit=0.25), default_hourly_cost=720)
180.0
"""

from __future__ import annotations

from gevinst.model.schema import Benefit, BenefitCategory, Direction, ResultGoal, Valuation


def unit_value(valuation: Valuation | None, default_hourly_cost: float) -> float | None:
    """NOK per year for one unit of change in the indicator; None when non-priced."""
    if valuation is None:
        return None
    if valuation.nok_per_unit is not None:
        return float(valuation.nok_per_unit)
    if valuation.hours_per_unit is not None:
        rate = valuation.hourly_cost if valuation.hourly_cost is not None else default_hourly_cost
        return float(valuation.hours_per_unit) * float(rate)
    return None


def improvement(item: Benefit | ResultGoal, value: float) -> float:
    """Change from the baseline in the good direction (negative if it went the wrong way).

    >>> from gevinst.model.schema import Direction
    >>> class B: baseline = 100.0; direction = Direction.DECREASE
    >>> improvement(B, 80.0)
    20.0
    """
    delta = float(value) - float(item.baseline)
    return -delta if item.direction == Direction.DECREASE else delta


def planned_change(item: Benefit | ResultGoal) -> float:
    """Full planned change |target − baseline| (always ≥ 0 for a valid plan)."""
    return abs(float(item.target) - float(item.baseline))


def annual_value_at_target(benefit: Benefit, default_hourly_cost: float) -> float | None:
    """NOK per year once the target is reached: planned change × unit value."""
    price = unit_value(benefit.valuation, default_hourly_cost)
    return None if price is None else planned_change(benefit) * price


def is_priced(benefit: Benefit) -> bool:
    """Priced benefits enter the NPV; non-priced ones are shown beside it (DFØ)."""
    return benefit.valuation is not None and benefit.category != BenefitCategory.NON_PRICED
