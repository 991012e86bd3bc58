"""Realisation profiles: how much of the planned change is realised at a date.

Shared by the cost/benefit engine (value per year) and benefit tracking (the
planned trajectory). A benefit or resultatmål goes from its ``baseline`` to its
``target``; the realised *fraction* f(t) of that change follows the profile,
from the realisation start s (the benefit's ``realisation_start``, else its
baseline date) to the target date T (``target_date``; ``due_date`` for a
resultatmål). With x = (t − s) / (T − s), clipped to [0, 1]:

* ``linear``:   f = x
* ``s_curve``:  f = 3x² − 2x³ (smoothstep: slow start, fast middle, slow end)
* ``step``:     f = 0 before T, 1 from T on
* ``explicit``: ``profile_fractions[k]`` is the fraction realised in calendar
  year s.year + k (the last value holds for later years); between years f is
  interpolated linearly between mid-year points (1 July), from 0 at s.

The planned value is baseline + f(t) · (target − baseline).

For the cost/benefit analysis the fraction of a calendar year is f at 1 July of
that year (for ``explicit``: the year's own fraction), so that a linear ramp is
valued at its average over the year.

>>> import datetime as dt
>>> fraction_at("linear", dt.date(2025, 1, 1), dt.date(2027, 1, 1), dt.date(2026, 1, 1))
0.5
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

import numpy as np

from gevinst.model.schema import Benefit, Profile, ResultGoal


def _x(start: dt.date, end: dt.date, when: dt.date) -> float:
    span = (end - start).days
    if span <= 0:
        return 1.0 if when >= end else 0.0
    return min(1.0, max(0.0, (when - start).days / span))


def _mid_year(year: int) -> dt.date:
    return dt.date(year, 7, 1)


def fraction_at(
    profile: Profile | str,
    start: dt.date,
    end: dt.date,
    when: dt.date,
    fractions: Sequence[float] = (),
) -> float:
    """Planned fraction (0–1) of the change realised at ``when``."""
    profile = Profile(profile)
    if profile == Profile.LINEAR:
        return _x(start, end, when)
    if profile == Profile.S_CURVE:
        x = _x(start, end, when)
        return 3 * x * x - 2 * x * x * x
    if profile == Profile.STEP:
        return 1.0 if when >= end else 0.0
    # explicit
    if not fractions or when <= start:
        return 0.0
    points = [(start, 0.0)] + [
        (_mid_year(start.year + k), float(v)) for k, v in enumerate(fractions)
    ]
    points = [(d, v) for d, v in points if d >= start]
    for (d0, v0), (d1, v1) in itertools.pairwise(points):
        if d0 <= when <= d1:
            return v0 + (v1 - v0) * _x(d0, d1, when)
    return float(points[-1][1])


def fractions_on(
    profile: Profile | str,
    start: dt.date,
    end: dt.date,
    days: np.ndarray,
    fractions: Sequence[float] = (),
) -> np.ndarray:
    """:func:`fraction_at` for many dates at once, given as proleptic ordinals
    (``date.toordinal()``): the same formulas over a numpy array, for the daily
    sampling of the planned trajectory (``tracking.planned_nok``)."""
    profile = Profile(profile)
    t = np.asarray(days, dtype=float)
    s, e = float(start.toordinal()), float(end.toordinal())

    def x() -> np.ndarray:
        if e - s <= 0:
            return np.where(t >= e, 1.0, 0.0)
        return np.clip((t - s) / (e - s), 0.0, 1.0)

    if profile == Profile.LINEAR:
        return x()
    if profile == Profile.S_CURVE:
        u = x()
        return 3 * u * u - 2 * u * u * u
    if profile == Profile.STEP:
        return np.where(t >= e, 1.0, 0.0)
    # explicit: piecewise linear through the knots of fraction_at; where two knots
    # share a date (the start is 1 July) the later one holds after it, as there
    if not fractions:
        return np.zeros_like(t)
    knots: dict[float, float] = {s: 0.0}
    for k, v in enumerate(fractions):
        d = _mid_year(start.year + k)
        if d >= start:
            knots[float(d.toordinal())] = float(v)
    xs = np.array(list(knots), dtype=float)
    out = np.interp(t, xs, np.array(list(knots.values()), dtype=float))
    return np.where(t <= s, 0.0, out)


def year_fraction(
    profile: Profile | str,
    start: dt.date,
    end: dt.date,
    year: int,
    fractions: Sequence[float] = (),
) -> float:
    """Fraction of the change credited to calendar ``year`` (for cost/benefit)."""
    profile = Profile(profile)
    if profile == Profile.EXPLICIT:
        k = year - start.year
        if k < 0 or not fractions:
            return 0.0
        return float(fractions[min(k, len(fractions) - 1)])
    return fraction_at(profile, start, end, _mid_year(year))


def item_window(item: Benefit | ResultGoal) -> tuple[dt.date, dt.date]:
    """(realisation start, target date) of a benefit or resultatmål.

    The one place the realisation start is computed; tracking (planned trajectory,
    due measurements) and the cost/benefit analysis (value per year) both call it.
    With ``starts_at`` (a milestone id, resolved by the :class:`Plan`) the start is the
    milestone's planned date P, and the whole window moves by its delay
    d = current − planned (current: actual, else forecast, else planned date):
    (P + d, T + d). A slipped go-live thus shifts the profile instead of showing as
    "behind plan". Without it: (``realisation_start`` or baseline date, T).
    """
    if isinstance(item, ResultGoal):
        start, end = item.baseline_date, item.due_date
    else:
        start, end = item.realisation_start or item.baseline_date, item.target_date
    resolved = getattr(item, "_milestone_dates", None)
    if resolved is not None:
        planned, current = resolved
        delay = current - planned
        start, end = current, end + delay
    return start, end


def item_fraction_at(item: Benefit | ResultGoal, when: dt.date) -> float:
    start, end = item_window(item)
    return fraction_at(item.profile, start, end, when, item.profile_fractions)


def planned_value(item: Benefit | ResultGoal, when: dt.date) -> float:
    """Planned indicator value at ``when``: baseline + f(when) · (target − baseline)."""
    return item.baseline + item_fraction_at(item, when) * (item.target - item.baseline)


def planned_values(item: Benefit | ResultGoal, days: np.ndarray) -> np.ndarray:
    """:func:`planned_value` at many dates at once (proleptic ordinals, see :func:`fractions_on`)."""
    start, end = item_window(item)
    f = fractions_on(item.profile, start, end, days, item.profile_fractions)
    return item.baseline + f * (item.target - item.baseline)


def item_year_fractions(item: Benefit | ResultGoal, years: Sequence[int]) -> np.ndarray:
    """Fractions for each calendar year in ``years`` as an array."""
    start, end = item_window(item)
    return np.array(
        [year_fraction(item.profile, start, end, y, item.profile_fractions) for y in years],
        dtype=float,
    )
