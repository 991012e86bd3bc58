"""Benefit tracking (gevinstoppfølging): where each benefit and resultatmål stands.

Pure functions: the as-of date is always a parameter; nothing here reads the
clock, a file or prints. The profile maths is :mod:`gevinst.model.profile`, the
NOK per unit of change is :mod:`gevinst.model.valuation`.

For one item (a benefit, a dis-benefit (ulempe) or a resultatmål) at ``as_of``:

* **planned trajectory** – ``profile.planned_value(item, t)``:
  baseline + f(t) · (target − baseline), f from the item's realisation profile.
* **realisation start** s – ``profile.item_window(item)[0]``. Measurements dated
  on or before s are baseline measurements; progress is judged from the
  measurements after s, dated on or before ``as_of`` (later ones are ignored:
  the status is what one could know at ``as_of``).
* **realised share** = (latest − baseline) / (target − baseline). The sign of the
  denominator makes this right for benefits where a decrease is good: 52 000 →
  36 000 henvendelser, measured 44 000, gives (44 000 − 52 000)/(36 000 − 52 000) = 0.5.
* **planned share** f(t) = ``profile.item_fraction_at(item, t)``: ``planned_share``
  is f(as_of), ``planned_share_at_latest`` f(latest date).
* **freshness** (:func:`freshness`) – the next measurement applies to the end of
  the period one interval (monthly 1, quarterly 3, yearly 12 calendar months)
  after the latest progress measurement (or after s), and is due the
  workspace's grace (``measurement_grace_days``) later; **overdue** when that
  is before ``as_of``; never before s.
* **status** (thresholds g = 0.9 and y = 0.7 by default, ``workspace.status_thresholds``),
  judged against f(judged_at), where ``judged_at`` is the latest measurement's
  date – or, when the next measurement is overdue, the end of the latest period
  whose measurement is missing (no value is no progress):

  - ``not_started`` before s; ``grey`` ("ikke målt") from s on while there is no
    progress measurement;
  - benefits and resultatmål: green when realised ≥ g · planned, yellow when
    realised ≥ y · planned, red below; when nothing is planned yet (planned = 0)
    green unless realised < 0 (moved the wrong way), then red;
  - dis-benefits (ulemper), where *more* realised is worse, mirror the rule:
    green when realised ≤ (2 − g) · planned (at most 10 % over plan), yellow when
    realised ≤ (2 − y) · planned, red above; with planned = 0, green unless
    realised > 0.

  Comparisons allow 10⁻⁹ for rounding, so a share exactly at a threshold counts
  as reaching it. Overdue is a flag beside the status, never instead of it.
* **forecast** (:func:`forecast`) – a least-squares trend through the recent
  measurements (last 6 months, at least 3), held between baseline and target,
  read at the target date; no forecast for a passed target date (the value
  measured there instead), before s, or for a step profile; ``misses_target``
  when the forecast is red against the plan at the target date.
* **NOK so far** for priced benefits (valuation present, category not
  non-priced; DFØ: only priced effects are counted in kroner): with u the value
  of one unit of change per year (``valuation.unit_value``) and i(v) the change
  from the baseline in the good direction (``valuation.improvement``),

      NOK(as_of) = u · ∫ i(v(t)) dt   from the realisation start s to as_of, t in years

  (a year is 365.25 days). For the *planned* NOK v(t) is the planned trajectory,
  sampled daily and integrated by the trapezoid rule (exact for the linear and
  explicit profiles, within 10⁻⁶ of the exact value for the S-curve; a step
  profile is read as a one-day ramp). For the *realised* NOK v(t) is the
  measurements joined by straight lines, starting from the baseline at the
  baseline date and held flat after the latest measurement; that integral is
  exact. Dis-benefits count negative: u · (change towards their target).
  Non-priced items and resultatmål have no NOK (None); an item with no
  measurements has no realised NOK (None).

>>> import datetime as dt
>>> add_months(dt.date(2026, 1, 31), 1)
datetime.date(2026, 2, 28)
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields

import numpy as np

from gevinst.model import profile
from gevinst.model.schema import (
    Benefit,
    Measurement,
    MeasurementGrace,
    Plan,
    Profile,
    ResultGoal,
    StatusThresholds,
    Workspace,
)
from gevinst.model.valuation import improvement, is_priced, unit_value

DAYS_PER_YEAR = 365.25
"""Length of a year in days when NOK per year is integrated over dates."""

TOLERANCE = 1e-9
"""Slack in threshold comparisons, so that a share exactly at a threshold reaches it."""

STATUSES = ("green", "yellow", "red", "grey", "not_started")
"""Progress statuses, in the order they are listed, counted and drawn."""

JUDGED = ("green", "yellow", "red")
"""The statuses that judge progress against plan (grey and not_started do not)."""

STATUS_SYMBOLS = {"green": "✔", "yellow": "▲", "red": "✖", "grey": "?", "not_started": "○"}

STATUS_WORDS = {
    "nb": {
        "green": "på plan",
        "yellow": "litt bak",
        "red": "bak plan",
        "grey": "ikke målt",
        "not_started": "ikke startet",
    },
    "en": {
        "green": "on track",
        "yellow": "slightly behind",
        "red": "behind plan",
        "grey": "not measured",
        "not_started": "not started",
    },
}

KIND_WORDS = {
    "nb": {"benefit": "gevinst", "disbenefit": "ulempe", "result": "resultatmål"},
    "en": {"benefit": "benefit", "disbenefit": "dis-benefit", "result": "result goal"},
}

FORECAST_OK = "ok"
TOO_FEW = "too_few_measurements"
NOT_STARTED = "not_started"
TARGET_PASSED = "target_passed"
NOT_MEASURED_BY_TARGET = "not_measured_by_target"
STEP_PROFILE = "step_profile"

FORECAST_NOTES = {
    "nb": {
        FORECAST_OK: "trend siste målinger",
        TOO_FEW: "for få målinger",
        NOT_STARTED: "ikke startet",
        TARGET_PASSED: "målt ved måldato",
        NOT_MEASURED_BY_TARGET: "ikke målt før måldato",
        STEP_PROFILE: "trinnvis plan, ingen trend",
    },
    "en": {
        FORECAST_OK: "trend of recent measurements",
        TOO_FEW: "too few measurements",
        NOT_STARTED: "not started",
        TARGET_PASSED: "measured at target date",
        NOT_MEASURED_BY_TARGET: "not measured by the target date",
        STEP_PROFILE: "step plan, no trend",
    },
}
"""What a forecast's ``note`` means (the words live in :mod:`gevinst.report.status_text`)."""

FORECAST_WINDOW_MONTHS = 6
"""The trend is fitted to the measurements of the last this many months up to the latest."""

FORECAST_MIN_POINTS = 3
"""... extended back to at least this many measurements when there are that many."""


def status_label(status: str, lang: str = "nb") -> str:
    """Symbol and word for a status, never colour alone: ``"✔ på plan"``.

    >>> status_label("grey")
    '? ikke målt'
    >>> status_label("yellow", "en")
    '▲ slightly behind'
    """
    words = STATUS_WORDS.get(lang, STATUS_WORDS["nb"])
    return f"{STATUS_SYMBOLS[status]} {words[status]}"


def kind_label(kind: str, lang: str = "nb") -> str:
    return KIND_WORDS.get(lang, KIND_WORDS["nb"]).get(kind, kind)


# --------------------------------------------------------------------------- dates


def add_months(when: dt.date, months: int) -> dt.date:
    """``when`` moved by whole calendar months; the day is clipped to the month's end."""
    y, m = divmod(when.month - 1 + months, 12)
    year, month = when.year + y, m + 1
    return dt.date(year, month, min(when.day, calendar.monthrange(year, month)[1]))


def _years(start: dt.date, end: dt.date) -> float:
    return (end - start).days / DAYS_PER_YEAR


# --------------------------------------------------------------------------- items

Item = Benefit | ResultGoal


def item_kind(plan: Plan, item: Item) -> str:
    """``benefit``, ``disbenefit`` or ``result`` (ids are unique within a plan)."""
    if isinstance(item, ResultGoal):
        return "result"
    if any(b.id == item.id for b in plan.disbenefits) and not any(
        b.id == item.id for b in plan.benefits
    ):
        return "disbenefit"
    return "benefit"


def item_target_date(item: Item) -> dt.date:
    return profile.item_window(item)[1]


def item_measurements(
    item: Item, measurements: Iterable[Measurement], as_of: dt.date | None = None
) -> list[Measurement]:
    """The item's measurements dated on or before ``as_of`` (all if None), oldest first."""
    out = [m for m in measurements if m.target_id == item.id and (as_of is None or m.date <= as_of)]
    return sorted(out, key=lambda m: m.date)


def planned_trajectory(item: Item, dates: Sequence[dt.date]) -> list[float]:
    """The planned indicator value at each date (``profile.planned_value``).

    >>> import datetime as dt
    >>> from gevinst.model.schema import ResultGoal
    >>> r = ResultGoal(id="R1", text="t", effect_goal="E1", indicator="i", baseline=4,
    ...     baseline_date=dt.date(2024, 1, 1), target=26, due_date=dt.date(2025, 1, 1))
    >>> planned_trajectory(r, [dt.date(2024, 1, 1), dt.date(2025, 1, 1)])
    [4.0, 26.0]
    """
    days = np.array([d.toordinal() for d in dates], dtype=float)
    return [float(v) for v in profile.planned_values(item, days)]


def realised_share(item: Item, value: float) -> float | None:
    """(value − baseline) / (target − baseline): 0 at the baseline, 1 at the target.

    None when the target equals the baseline (a plan error that ``gevinst check``
    reports; there is no change to measure a share of).
    """
    change = float(item.target) - float(item.baseline)
    if change == 0:
        return None
    return (float(value) - float(item.baseline)) / change


def classify(
    realised: float | None,
    planned: float,
    thresholds: StatusThresholds,
    *,
    disbenefit: bool = False,
) -> str:
    """green / yellow / red for a realised against a planned share (None → grey).

    >>> from gevinst.model.schema import StatusThresholds
    >>> t = StatusThresholds()
    >>> [classify(r, 0.5, t) for r in (0.45, 0.44, 0.35, 0.34)]
    ['green', 'yellow', 'yellow', 'red']
    >>> classify(0.6, 0.5, t, disbenefit=True), classify(0.7, 0.5, t, disbenefit=True)
    ('yellow', 'red')
    """
    if realised is None:
        return "grey"
    g, y = thresholds.green, thresholds.yellow
    if not disbenefit:
        if planned <= TOLERANCE:
            return "green" if realised >= -TOLERANCE else "red"
        if realised >= g * planned - TOLERANCE:
            return "green"
        if realised >= y * planned - TOLERANCE:
            return "yellow"
        return "red"
    if planned <= TOLERANCE:
        return "green" if realised <= TOLERANCE else "red"
    if realised <= (2 - g) * planned + TOLERANCE:
        return "green"
    if realised <= (2 - y) * planned + TOLERANCE:
        return "yellow"
    return "red"


# --------------------------------------------------------------------------- forecast


@dataclass(frozen=True)
class Forecast:
    """Where an item is heading at its target date, and the basis for saying so.

    ``method`` is ``trend`` (a least-squares line through the recent
    measurements, held between the baseline and the target), ``measured`` (the
    target date has passed: the value measured at or nearest before it, no
    forecast) or ``none`` (``note`` says why: too few measurements, not started,
    not measured by the target date).
    """

    target_date: dt.date
    value_at_target: float | None
    """The forecast (``trend``) or measured (``measured``) indicator value; None for ``none``."""
    slope_per_year: float | None
    """Change in the indicator per year (365.25 days) along the trend (``trend`` only)."""
    points: int
    """Measurements the forecast is based on (the trend's window; 1 for ``measured``)."""
    note: str
    """``ok``, ``too_few_measurements``, ``not_started``, ``target_passed``, ``not_measured_by_target``."""
    share_at_target: float | None = None
    """The value as a share of the planned change (1 = reaches the target)."""
    method: str = "none"
    """``trend``, ``measured`` or ``none``."""
    window_start: dt.date | None = None
    """Date of the first measurement used."""
    window_end: dt.date | None = None
    """Date of the last measurement used."""
    anchor_value: float | None = None
    """The trend line's value at ``window_end`` (``trend`` only)."""
    capped: bool = False
    """True when the trend was held at the target (or at the baseline side) at the target date."""
    bounds: tuple[float, float] | None = None
    """The (low, high) indicator values the trend is held within."""
    status_at_target: str | None = None
    """green / yellow / red of ``share_at_target`` against the plan at the target date."""
    misses_target: bool = False
    """True when ``status_at_target`` is red: the forecast misses by more than the yellow threshold."""

    def value_at(self, day: dt.date) -> float | None:
        """The trend's value at ``day`` (held within ``bounds``); None unless ``method == "trend"``."""
        if self.method != "trend" or self.anchor_value is None or self.window_end is None:
            return None
        value = self.anchor_value + (self.slope_per_year or 0.0) * _years(self.window_end, day)
        if self.bounds is not None:
            value = min(max(value, self.bounds[0]), self.bounds[1])
        return float(value)


def _value_at_share(item: Item, share: float) -> float:
    return float(item.baseline) + share * (float(item.target) - float(item.baseline))


def trend_window(
    progress: Sequence[Measurement],
    months: int = FORECAST_WINDOW_MONTHS,
    min_points: int = FORECAST_MIN_POINTS,
) -> list[Measurement]:
    """The measurements a trend is fitted to: the last ``months`` up to the latest, at least ``min_points``.

    ``progress`` is oldest first. A series that has levelled off is then
    forecast from its level part, not by a straight line through the whole
    history.

    >>> import datetime as dt
    >>> from gevinst.model.schema import Measurement
    >>> ms = [Measurement(target_id="G", date=dt.date(2026, m, 1), value=m) for m in range(1, 12)]
    >>> [m.date.month for m in trend_window(ms)]
    [5, 6, 7, 8, 9, 10, 11]
    >>> [m.date.month for m in trend_window(ms[:4], 1)]
    [2, 3, 4]
    """
    if not progress:
        return []
    since = add_months(progress[-1].date, -months)
    window = [m for m in progress if m.date >= since]
    if len(window) < min_points:
        window = list(progress[-min_points:])
    return window


def forecast(
    item: Item,
    measurements: Iterable[Measurement],
    as_of: dt.date | None = None,
    *,
    thresholds: StatusThresholds | None = None,
    disbenefit: bool = False,
) -> Forecast:
    """The item's value at its target date: a recent-window trend, or the value measured there.

    Only measurements of ``item`` dated on or before ``as_of`` (all when None)
    and after the realisation start count; measurements up to the start are
    baseline measurements and say nothing about the trend. With s the realised
    share of a value and f(t) the planned share:

    * before the realisation start (``as_of`` < start): no forecast, ``not_started``;
    * **target date passed** (target date ≤ ``as_of``): no forecast; the value
      measured at the target date (``method="measured"``, note
      ``target_passed``): the measurement on that date, else the straight line
      between the nearest measurements before and after it, else the nearest
      before; none when nothing was measured by then (``not_measured_by_target``);
    * a **step** profile (everything at the target date) has no trend to
      extrapolate (``step_profile``);
    * otherwise a **trend**: the least-squares line value = a + b·t (t in
      years) through the :func:`trend_window` (the last 6 months up to the
      latest measurement, at least the last 3), b = Σ(t−t̄)(v−v̄) / Σ(t−t̄)²,
      read at the target date and **held** between the shares min(0, s_latest)
      and max(1, s_latest): never past the target, never back past the baseline
      (unless the latest measurement already is). Fewer than two distinct dates
      give no forecast (``too_few_measurements``).

    The forecast is judged with :func:`classify` against f(target date):
    ``misses_target`` when that is red (short of the target by more than the
    yellow threshold allows; mirrored for ulemper).

    >>> import datetime as dt
    >>> from gevinst.model.schema import Measurement, ResultGoal
    >>> r = ResultGoal(id="R1", text="t", effect_goal="E1", indicator="i", baseline=0,
    ...     baseline_date=dt.date(2024, 1, 1), target=10, due_date=dt.date(2024, 1, 21))
    >>> ms = [Measurement(target_id="R1", date=dt.date(2024, 1, 6), value=2),
    ...       Measurement(target_id="R1", date=dt.date(2024, 1, 11), value=4)]
    >>> round(forecast(r, ms).value_at_target, 9), forecast(r, ms).method
    (8.0, 'trend')
    """
    thresholds = thresholds or StatusThresholds()
    start, target_date = profile.item_window(item)
    own = item_measurements(item, measurements, as_of)
    when = as_of if as_of is not None else (own[-1].date if own else start)
    if when < start:
        return Forecast(target_date, None, None, 0, NOT_STARTED)
    progress = [m for m in own if m.date > start]

    def judged(value: float, **kw) -> Forecast:
        share = realised_share(item, value)
        planned = float(profile.item_fraction_at(item, target_date))
        st = classify(share, planned, thresholds, disbenefit=disbenefit)
        return Forecast(
            target_date=target_date,
            value_at_target=value,
            share_at_target=share,
            status_at_target=st,
            misses_target=st == "red",
            **kw,
        )

    if target_date <= when:
        before = [m for m in progress if m.date <= target_date]
        after = [m for m in progress if m.date > target_date]
        if not before:
            return Forecast(target_date, None, None, 0, NOT_MEASURED_BY_TARGET)
        lo = before[-1]
        if lo.date == target_date or not after:
            value, used = float(lo.value), [lo]
        else:
            hi = after[0]
            w = (target_date - lo.date).days / (hi.date - lo.date).days
            value, used = float(lo.value) + w * (float(hi.value) - float(lo.value)), [lo, hi]
        return judged(
            value,
            slope_per_year=None,
            points=len(used),
            note=TARGET_PASSED,
            method="measured",
            window_start=used[0].date,
            window_end=used[-1].date,
        )

    if item.profile == Profile.STEP:
        return Forecast(target_date, None, None, 0, STEP_PROFILE)
    window = trend_window(progress)
    if len({m.date for m in window}) < 2:
        return Forecast(target_date, None, None, len(window), TOO_FEW)
    origin = window[0].date
    t = np.array([_years(origin, m.date) for m in window])
    v = np.array([m.value for m in window], dtype=float)
    tc = t - t.mean()
    slope = float((tc * (v - v.mean())).sum() / (tc * tc).sum())
    end = window[-1].date
    anchor = float(v.mean() + slope * (_years(origin, end) - t.mean()))
    raw = anchor + slope * _years(end, target_date)
    latest_share = realised_share(item, window[-1].value) or 0.0
    ends = (
        _value_at_share(item, min(0.0, latest_share)),
        _value_at_share(item, max(1.0, latest_share)),
    )
    bounds = (min(ends), max(ends))
    value = min(max(raw, bounds[0]), bounds[1])
    return judged(
        float(value),
        slope_per_year=slope,
        points=len(window),
        note=FORECAST_OK,
        method="trend",
        window_start=origin,
        window_end=end,
        anchor_value=anchor,
        capped=abs(value - raw) > TOLERANCE,
        bounds=bounds,
    )


# --------------------------------------------------------------------------- NOK so far


def _nok_sign_and_price(plan: Plan | None, item: Item, workspace: Workspace) -> float | None:
    """Unit value u (NOK per unit of change per year), negative for a dis-benefit; None if non-priced."""
    if isinstance(item, ResultGoal) or not is_priced(item):
        return None
    price = unit_value(item.valuation, workspace.hourly_cost)
    if price is None:
        return None
    if plan is not None and item_kind(plan, item) == "disbenefit":
        return -price
    return price


def _toward_target(item: Item, values: np.ndarray, disbenefit: bool) -> np.ndarray:
    """Change from the baseline: ``improvement`` for benefits, towards the target for ulemper."""
    if disbenefit:
        sign = 1.0 if item.target >= item.baseline else -1.0
    else:  # the sign of an improvement of one unit: the one rule, for the whole array
        sign = improvement(item, float(item.baseline) + 1.0)
    return (np.asarray(values, dtype=float) - float(item.baseline)) * sign


def _flat_from(item: Item) -> dt.date:
    """A date after which the planned trajectory no longer changes."""
    start, end = profile.item_window(item)
    if item.profile == Profile.EXPLICIT and item.profile_fractions:
        last = dt.date(start.year + len(item.profile_fractions) - 1, 7, 1)
        return max(end, last)
    return end


def planned_nok(item: Item, as_of: dt.date, price: float, *, disbenefit: bool = False) -> float:
    """u · ∫ i(planned_value(t)) dt from the realisation start to ``as_of`` (years).

    The planned trajectory is sampled every day and integrated by the trapezoid
    rule; after the profile has reached its end the value is constant, so the
    rest is added as a rectangle. The days are evaluated at once with numpy
    (``profile.planned_values``), not one ``planned_value`` call per day.
    """
    start, _ = profile.item_window(item)
    if as_of <= start:
        return 0.0
    flat = max(start, min(as_of, _flat_from(item)))
    days = (flat - start).days
    total = 0.0
    if days > 0:
        values = profile.planned_values(item, start.toordinal() + np.arange(days + 1))
        gain = _toward_target(item, values, disbenefit)
        total += float(np.sum((gain[1:] + gain[:-1]) / 2.0)) / DAYS_PER_YEAR
    rest = (as_of - flat).days
    if rest > 0:
        end_gain = _toward_target(item, np.array([profile.planned_value(item, flat)]), disbenefit)[
            0
        ]
        total += float(end_gain) * rest / DAYS_PER_YEAR
    return price * total


def realised_trajectory(
    item: Item, measurements: Sequence[Measurement]
) -> tuple[list[dt.date], list[float]]:
    """Knots of the realised path: the baseline at the baseline date, then each measurement."""
    own = sorted((m for m in measurements if m.target_id == item.id), key=lambda m: m.date)
    dates = [item.baseline_date]
    values = [float(item.baseline)]
    for m in own:
        if m.date < item.baseline_date:
            continue
        if m.date == dates[-1]:
            values[-1] = float(m.value)
        else:
            dates.append(m.date)
            values.append(float(m.value))
    return dates, values


def realised_nok(
    item: Item,
    measurements: Sequence[Measurement],
    as_of: dt.date,
    price: float,
    *,
    disbenefit: bool = False,
) -> float:
    """u · ∫ i(v(t)) dt from the realisation start to ``as_of``, v the measured path.

    v(t) joins the baseline (at the baseline date) and the measurements dated on
    or before ``as_of`` with straight lines and holds the latest value after it.
    The integrand is then piecewise linear, so the trapezoid rule over its knots
    is exact.
    """
    start, _ = profile.item_window(item)
    if as_of <= start:
        return 0.0
    dates, values = realised_trajectory(item, [m for m in measurements if m.date <= as_of])
    x_knots = np.array([d.toordinal() for d in dates], dtype=float)
    y_knots = np.array(values, dtype=float)
    lo, hi = float(start.toordinal()), float(as_of.toordinal())
    inside = x_knots[(x_knots > lo) & (x_knots < hi)]
    xs = np.concatenate([[lo], inside, [hi]])
    ys = np.interp(xs, x_knots, y_knots)
    gain = _toward_target(item, ys, disbenefit)
    integral_days = float(np.sum((gain[1:] + gain[:-1]) / 2.0 * np.diff(xs)))
    return price * integral_days / DAYS_PER_YEAR


# --------------------------------------------------------------------------- status


@dataclass(frozen=True)
class ItemStatus:
    """Where one benefit, dis-benefit or resultatmål stands at ``as_of``.

    Progress (``status``) and freshness (``overdue``) are two separate things:
    ``status`` judges the latest measurement against the plan on *that
    measurement's* date, ``overdue`` says the next measurement is late. See the
    module docstring and ``docs/tracking.md``.
    """

    project: str
    id: str
    kind: str
    """``benefit``, ``disbenefit`` or ``result``."""
    name: str
    owner: str
    effect_goal: str
    unit: str
    direction: str
    baseline: float
    target: float
    target_date: dt.date
    latest_value: float | None
    """The newest measurement after the realisation start (None: nothing to judge)."""
    latest_date: dt.date | None
    realised_share: float | None
    """(latest − baseline) / (target − baseline) of ``latest_value``."""
    planned_share: float
    """The planned share f(as_of) today."""
    deviation: float | None
    """realised_share − planned_share_judged (the deviation the status judges)."""
    status: str
    """``green``, ``yellow``, ``red``, ``grey`` (nothing measured since the start) or ``not_started``."""
    forecast_at_target: float | None
    """``forecast.value_at_target`` (a trend, or the value measured at a passed target date)."""
    forecast_note: str
    """``forecast.note``."""
    realised_nok: float | None
    planned_nok: float | None
    next_due: dt.date | None
    """The date the next measurement must be reported by: period end + grace."""
    as_of: dt.date | None = None
    planned_value: float | None = None
    """The planned indicator value at ``as_of``."""
    frequency: str = ""
    indicator: str = ""
    measurements: int = 0
    """Number of measurements on or before ``as_of`` (baseline measurements included)."""
    overdue: bool = False
    """True when ``next_due`` is before ``as_of`` (never before the realisation start)."""
    municipalities: tuple[str, ...] = field(default=())
    """Kommuner where the benefit arises (empty: all the project's kommuner)."""
    planned_share_at_latest: float | None = None
    """The planned share f(latest_date) on the latest measurement's date."""
    judged_at: dt.date | None = None
    """The date the status judges against: ``latest_date``, or, when the next measurement is
    overdue, the end of the latest period whose measurement is missing (no value is taken
    as no progress since the latest one)."""
    planned_share_judged: float | None = None
    """f(judged_at): the planned share the status compares ``realised_share`` with."""
    realisation_start: dt.date | None = None
    """When the change starts (realisation start, or the baseline date; a resultatmål's baseline date)."""
    started: bool = True
    """``as_of`` is on or after the realisation start."""
    next_period_end: dt.date | None = None
    """The date the next measurement applies to (end of the measurement period)."""
    grace_days: int = 0
    """The reporting grace (days) after the period end."""
    forecast: Forecast | None = None
    """The forecast with its basis (method, points, window, value, misses_target)."""
    forecast_misses_target: bool = False
    """The forecast (or measured value at a passed target date) misses by more than the yellow threshold."""
    value_per_year: float | None = None
    """NOK per year at full realisation, u · |target − baseline| (negative for an ulempe);
    None for non-priced items and resultatmål. The weight of the item in the project status."""

    def label(self, lang: str = "nb") -> str:
        return status_label(self.status, lang)

    def to_json(self) -> dict:
        return jsonable(self)


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def jsonable(value):
    """Dates as ISO text, tuples as lists, dataclasses as mappings of their fields,
    recursively: ready for ``json.dumps``. The same as ``jsonable(asdict(x))`` without
    :func:`dataclasses.asdict`'s deep copy of every value (``status --json`` of 120
    projects turns some 1 000 items into JSON)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(type(value), "__dataclass_fields__"):
        return {name: jsonable(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


@dataclass(frozen=True)
class Freshness:
    """When an item's next measurement is due, and whether it is overdue (forfalt)."""

    started: bool
    next_period_end: dt.date
    """The date the next measurement applies to (end of its measurement period)."""
    next_due: dt.date
    """``next_period_end`` + grace: reported by then, overdue after."""
    overdue: bool
    grace_days: int
    missed_period_end: dt.date | None = None
    """When overdue: the end of the latest period whose measurement is overdue."""


def freshness(
    item: Item,
    measurements: Iterable[Measurement],
    as_of: dt.date,
    grace: MeasurementGrace | None = None,
) -> Freshness:
    """Next measurement due and overdue flag (the freshness rule, see ``docs/tracking.md``).

    With s the realisation start, P the interval (1, 3 or 12 calendar months)
    and g the grace days for the item's frequency: the next period ends P
    after the latest measurement dated after s, or P after s when there is
    none; the measurement is due g days after the period end and overdue when
    that is before ``as_of``. Before s nothing is overdue: the baseline is in
    the plan, and the first measurement falls due one period after the start.

    >>> import datetime as dt
    >>> from gevinst.model.schema import Measurement, ResultGoal
    >>> r = ResultGoal(id="R1", text="t", effect_goal="E1", indicator="i", baseline=0,
    ...     baseline_date=dt.date(2026, 1, 1), target=10, due_date=dt.date(2027, 1, 1),
    ...     frequency="monthly")
    >>> f = freshness(r, [Measurement(target_id="R1", date=dt.date(2026, 10, 31), value=5)],
    ...               dt.date(2026, 12, 1))
    >>> f.next_due, f.overdue
    (datetime.date(2026, 11, 30), True)
    """
    start, _ = profile.item_window(item)
    days = (grace or MeasurementGrace()).days(item.frequency)
    own = item_measurements(item, measurements, as_of)
    progress = [m for m in own if m.date > start]
    anchor = progress[-1].date if progress else start
    months = item.frequency.months
    grace_delta = dt.timedelta(days=days)
    period_end = add_months(anchor, months)
    due = period_end + grace_delta
    started = as_of >= start
    late = started and due < as_of
    missed = None
    if late:
        k = 1
        while add_months(anchor, (k + 1) * months) + grace_delta < as_of:
            k += 1
        missed = add_months(anchor, k * months)
    return Freshness(started, period_end, due, late, days, missed)


def item_status(
    plan: Plan,
    item: Item,
    measurements: Iterable[Measurement],
    as_of: dt.date,
    workspace: Workspace,
) -> ItemStatus:
    """The status of one item of ``plan`` at ``as_of`` (see the module docstring)."""
    kind = item_kind(plan, item)
    disbenefit = kind == "disbenefit"
    thresholds = workspace.status_thresholds
    start, _ = profile.item_window(item)
    own = item_measurements(item, measurements, as_of)
    progress = [m for m in own if m.date > start]
    fresh = freshness(item, own, as_of, workspace.measurement_grace_days)
    latest = progress[-1] if progress and fresh.started else None
    share = realised_share(item, latest.value) if latest else None
    planned_share = float(profile.item_fraction_at(item, as_of))
    planned_at_latest = float(profile.item_fraction_at(item, latest.date)) if latest else None
    judged_at = (fresh.missed_period_end or latest.date) if latest else None
    planned_judged = float(profile.item_fraction_at(item, judged_at)) if judged_at else None
    if not fresh.started:
        status = "not_started"
    elif latest is None:
        status = "grey"
    else:
        status = classify(share, planned_judged, thresholds, disbenefit=disbenefit)
    fc = forecast(item, own, as_of, thresholds=thresholds, disbenefit=disbenefit)
    price = _nok_sign_and_price(plan, item, workspace)
    planned = realised = value = None
    if price is not None:
        value = price * abs(float(item.target) - float(item.baseline))
        planned = planned_nok(item, as_of, price, disbenefit=disbenefit)
        realised = realised_nok(item, own, as_of, price, disbenefit=disbenefit) if own else None
    owner = item_owner(plan, item, as_of)
    if isinstance(item, ResultGoal):
        name, munis = item.text, ()
    else:
        name, munis = item.name, tuple(item.municipalities)
    return ItemStatus(
        project=plan.project.id,
        id=item.id,
        kind=kind,
        name=name,
        owner=owner,
        effect_goal=item.effect_goal,
        unit=item.unit,
        direction=item.direction.value,
        baseline=float(item.baseline),
        target=float(item.target),
        target_date=item_target_date(item),
        latest_value=float(latest.value) if latest else None,
        latest_date=latest.date if latest else None,
        realised_share=share,
        planned_share=planned_share,
        deviation=None if share is None or planned_judged is None else share - planned_judged,
        status=status,
        forecast_at_target=fc.value_at_target,
        forecast_note=fc.note,
        realised_nok=realised,
        planned_nok=planned,
        next_due=fresh.next_due,
        as_of=as_of,
        planned_value=float(profile.planned_value(item, as_of)),
        frequency=item.frequency.value,
        indicator=item.indicator,
        measurements=len(own),
        overdue=fresh.overdue,
        municipalities=munis,
        planned_share_at_latest=planned_at_latest,
        judged_at=judged_at,
        planned_share_judged=planned_judged,
        realisation_start=start,
        started=fresh.started,
        next_period_end=fresh.next_period_end,
        grace_days=fresh.grace_days,
        forecast=fc,
        forecast_misses_target=fc.misses_target,
        value_per_year=value,
    )


def project_status(
    plan: Plan, measurements: Iterable[Measurement], as_of: dt.date, workspace: Workspace
) -> list[ItemStatus]:
    """Status of every benefit, then every dis-benefit, then every resultatmål."""
    ms = list(measurements)
    items: list[Item] = [*plan.benefits, *plan.disbenefits, *plan.result_goals]
    return [item_status(plan, item, ms, as_of, workspace) for item in items]


def portfolio_status(
    plans: Mapping[str, Plan] | Iterable[Plan],
    measurements_by_project: Mapping[str, Iterable[Measurement]],
    as_of: dt.date,
    workspace: Workspace,
) -> list[ItemStatus]:
    """``project_status`` for every plan, in the order given."""
    out: list[ItemStatus] = []
    for plan in _plans(plans):
        out.extend(
            project_status(plan, measurements_by_project.get(plan.project.id, []), as_of, workspace)
        )
    return out


def _plans(plans: Mapping[str, Plan] | Iterable[Plan]) -> list[Plan]:
    return list(plans.values()) if isinstance(plans, Mapping) else list(plans)


def status_counts(statuses: Iterable[ItemStatus]) -> dict[str, int]:
    """Number of items in each status, every status present (zero when none)."""
    counts = dict.fromkeys(STATUSES, 0)
    for s in statuses:
        counts[s.status] += 1
    return counts


def overdue_count(statuses: Iterable[ItemStatus]) -> int:
    """Number of items whose next measurement is overdue (shown beside the status counts)."""
    return sum(1 for s in statuses if s.overdue)


# --------------------------------------------------------------------------- overdue


@dataclass(frozen=True)
class OverdueItem:
    id: str
    kind: str
    name: str
    due: dt.date
    """The date the next measurement was due (:func:`freshness`: period end + grace)."""
    latest_date: dt.date | None
    """The latest measurement after the realisation start (None: never measured)."""
    frequency: str


@dataclass(frozen=True)
class OverdueOwner:
    """A benefit owner (gevinsteier) with measurements overdue in one project."""

    owner: str
    project: str
    items: tuple[OverdueItem, ...]

    @property
    def item_ids(self) -> list[str]:
        return [i.id for i in self.items]

    @property
    def due_dates(self) -> list[dt.date]:
        return [i.due for i in self.items]

    @property
    def earliest_due(self) -> dt.date:
        return min(self.due_dates)

    def to_json(self) -> dict:
        return {
            "owner": self.owner,
            "project": self.project,
            "item_ids": self.item_ids,
            "due_dates": [d.isoformat() for d in self.due_dates],
            "items": [
                {
                    "id": i.id,
                    "kind": i.kind,
                    "name": i.name,
                    "due": i.due.isoformat(),
                    "latest_date": i.latest_date.isoformat() if i.latest_date else None,
                    "frequency": i.frequency,
                }
                for i in self.items
            ],
        }


def current_owner(item: Benefit | ResultGoal, as_of: dt.date) -> str:
    """The benefit owner (gevinsteier) on ``as_of``; ``""`` when nobody owns it then.

    Without an ``owner_history`` the ``owner`` field holds throughout. With one, the
    owner is the period with ``since ≤ as_of ≤ handover_date`` (an open period has no
    handover date); the latest such period wins. A gap after a handover is no owner.

    >>> import datetime as dt
    >>> from gevinst.model.schema import OwnerPeriod
    >>> class B:
    ...     owner = "A"
    ...     owner_history = [OwnerPeriod(owner="A", since=dt.date(2024, 1, 1),
    ...                                  handover_date=dt.date(2025, 6, 30))]
    >>> current_owner(B, dt.date(2025, 1, 1)), current_owner(B, dt.date(2025, 7, 1))
    ('A', '')
    """
    history = getattr(item, "owner_history", None) or []
    if not history:
        return item.owner or ""
    covering = [
        p
        for p in history
        if p.since <= as_of and (p.handover_date is None or as_of <= p.handover_date)
    ]
    return max(covering, key=lambda p: p.since).owner if covering else ""


def previous_owner(item: Benefit | ResultGoal, as_of: dt.date) -> tuple[str, dt.date | None]:
    """The owner whose period ended last on or before ``as_of``, and its handover date."""
    ended = [
        p
        for p in getattr(item, "owner_history", None) or []
        if p.handover_date is not None and p.handover_date < as_of
    ]
    if not ended:
        return "", None
    last = max(ended, key=lambda p: p.handover_date)
    return last.owner, last.handover_date


def item_owner(plan: Plan, item: Benefit | ResultGoal, as_of: dt.date) -> str:
    """Who reports on ``item`` on ``as_of``: its current owner (:func:`current_owner`);
    a resultatmål without one is the project manager's."""
    if isinstance(item, ResultGoal):
        return item.owner or plan.project.project_manager
    return current_owner(item, as_of)


def overdue(
    plans: Mapping[str, Plan] | Iterable[Plan],
    measurements_by_project: Mapping[str, Iterable[Measurement]],
    as_of: dt.date,
    workspace: Workspace | None = None,
) -> list[OverdueOwner]:
    """Owners with a measurement overdue at ``as_of``, grouped by owner and project.

    Overdue is :func:`freshness`'s rule (the one every view uses): the next
    measurement is due at the end of its measurement period plus the
    workspace's grace (``measurement_grace_days``, 0 when no workspace is
    given), and never before the realisation start. A resultatmål without an
    owner is the project manager's. Sorted by the earliest due date, then owner.
    """
    grace = workspace.measurement_grace_days if workspace is not None else None
    groups: dict[tuple[str, str], list[OverdueItem]] = {}
    for plan in _plans(plans):
        ms = list(measurements_by_project.get(plan.project.id, []))
        for item in [*plan.benefits, *plan.disbenefits, *plan.result_goals]:
            fresh = freshness(item, ms, as_of, grace)
            if not fresh.overdue:
                continue
            start, _ = profile.item_window(item)
            progress = [m for m in item_measurements(item, ms, as_of) if m.date > start]
            latest = progress[-1].date if progress else None
            owner = item_owner(plan, item, as_of)
            name = item.text if isinstance(item, ResultGoal) else item.name
            groups.setdefault((owner, plan.project.id), []).append(
                OverdueItem(
                    item.id,
                    item_kind(plan, item),
                    name,
                    fresh.next_due,
                    latest,
                    item.frequency.value,
                )
            )
    out = [
        OverdueOwner(owner, project, tuple(sorted(items, key=lambda i: (i.due, i.id))))
        for (owner, project), items in groups.items()
    ]
    return sorted(out, key=lambda o: (o.earliest_due, o.owner, o.project))


__all__ = [
    "DAYS_PER_YEAR",
    "JUDGED",
    "STATUSES",
    "Forecast",
    "Freshness",
    "ItemStatus",
    "OverdueItem",
    "OverdueOwner",
    "add_months",
    "classify",
    "forecast",
    "freshness",
    "item_kind",
    "item_status",
    "jsonable",
    "overdue",
    "overdue_count",
    "planned_nok",
    "planned_trajectory",
    "portfolio_status",
    "project_status",
    "realised_nok",
    "realised_share",
    "status_counts",
    "status_label",
    "trend_window",
]
