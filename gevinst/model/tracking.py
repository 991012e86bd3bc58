"""Benefit tracking (gevinstoppfølging): where each benefit and resultatmål stands.

Pure functions: the as-of date is always a parameter; nothing here reads the
clock, a file or prints. The profile maths is :mod:`gevinst.model.profile`, the
NOK per unit of change is :mod:`gevinst.model.valuation`.

For one item (a benefit, a dis-benefit (ulempe) or a resultatmål) at ``as_of``:

* **planned trajectory** – ``profile.planned_value(item, t)``:
  baseline + f(t) · (target − baseline), f from the item's realisation profile.
* **latest measurement** – the newest measurement dated on or before ``as_of``
  (later ones are ignored: the status is what one could know at ``as_of``).
* **realised share** = (latest − baseline) / (target − baseline). The sign of the
  denominator makes this right for benefits where a decrease is good: 52 000 →
  36 000 henvendelser, measured 44 000, gives (44 000 − 52 000)/(36 000 − 52 000) = 0.5.
* **planned share** = f(as_of) = ``profile.item_fraction_at(item, as_of)``;
  **deviation** = realised share − planned share.
* **status** (thresholds g = 0.9 and y = 0.7 by default, ``workspace.status_thresholds``):

  - grey "not measured" when there is no measurement on or before ``as_of``, or
    the newest is older than the item's measurement interval (monthly 1,
    quarterly 3, yearly 12 calendar months): latest + interval < as_of;
  - benefits and resultatmål: green when realised ≥ g · planned, yellow when
    realised ≥ y · planned, red below; when nothing is planned yet (planned = 0)
    green unless realised < 0 (moved the wrong way), then red;
  - dis-benefits (ulemper), where *more* realised is worse, mirror the rule:
    green when realised ≤ (2 − g) · planned (at most 10 % over plan), yellow when
    realised ≤ (2 − y) · planned, red above; with planned = 0, green unless
    realised > 0.

  Comparisons allow 10⁻⁹ for rounding, so a share exactly at a threshold counts
  as reaching it.
* **forecast** – an ordinary least-squares line through the measurements
  (value against time), read at the target date; fewer than two measurements
  (on distinct dates) gives no forecast ("too_few_measurements").
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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from gevinst.model import profile
from gevinst.model.schema import (
    Benefit,
    Measurement,
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

STATUSES = ("green", "yellow", "red", "grey")

STATUS_SYMBOLS = {"green": "✔", "yellow": "▲", "red": "✖", "grey": "?"}

STATUS_WORDS = {
    "nb": {"green": "på plan", "yellow": "litt bak", "red": "bak plan", "grey": "ikke målt"},
    "en": {
        "green": "on track",
        "yellow": "slightly behind",
        "red": "behind plan",
        "grey": "not measured",
    },
}

KIND_WORDS = {
    "nb": {"benefit": "gevinst", "disbenefit": "ulempe", "result": "resultatmål"},
    "en": {"benefit": "benefit", "disbenefit": "dis-benefit", "result": "result goal"},
}

FORECAST_OK = "ok"
TOO_FEW = "too_few_measurements"

FORECAST_NOTES = {
    "nb": {FORECAST_OK: "lineær trend", TOO_FEW: "for få målinger"},
    "en": {FORECAST_OK: "linear trend", TOO_FEW: "too few measurements"},
}


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
    return [float(profile.planned_value(item, d)) for d in dates]


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
    """A linear trend through the measurements, read at the target date."""

    target_date: dt.date
    value_at_target: float | None
    slope_per_year: float | None
    """Change in the indicator per year (365.25 days) along the trend."""
    points: int
    note: str
    """``ok`` or ``too_few_measurements``."""
    share_at_target: float | None = None
    """The forecast as a share of the planned change (1 = reaches the target)."""


def forecast(item: Item, measurements: Iterable[Measurement]) -> Forecast:
    """Least-squares line value = a + b·t through the item's measurements, at the target date.

    With t in years, b = Σ(t−t̄)(v−v̄) / Σ(t−t̄)², a = v̄ − b·t̄; the forecast is
    a + b·t(target date). Measurements of other items are ignored; fewer than
    two distinct dates → no forecast, note ``too_few_measurements``.

    >>> import datetime as dt
    >>> from gevinst.model.schema import Measurement, ResultGoal
    >>> r = ResultGoal(id="R1", text="t", effect_goal="E1", indicator="i", baseline=0,
    ...     baseline_date=dt.date(2024, 1, 1), target=10, due_date=dt.date(2024, 1, 21))
    >>> ms = [Measurement(target_id="R1", date=dt.date(2024, 1, 1), value=0),
    ...       Measurement(target_id="R1", date=dt.date(2024, 1, 11), value=4)]
    >>> round(forecast(r, ms).value_at_target, 9)
    8.0
    """
    target_date = item_target_date(item)
    own = item_measurements(item, measurements)
    if len({m.date for m in own}) < 2:
        return Forecast(target_date, None, None, len(own), TOO_FEW)
    origin = own[0].date
    t = np.array([_years(origin, m.date) for m in own])
    v = np.array([m.value for m in own], dtype=float)
    tc = t - t.mean()
    slope = float((tc * (v - v.mean())).sum() / (tc * tc).sum())
    value = float(v.mean() + slope * (_years(origin, target_date) - t.mean()))
    return Forecast(target_date, value, slope, len(own), FORECAST_OK, realised_share(item, value))


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
        return (values - float(item.baseline)) * sign
    return np.array([improvement(item, v) for v in values], dtype=float)


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
    rest is added as a rectangle.
    """
    start, _ = profile.item_window(item)
    if as_of <= start:
        return 0.0
    flat = max(start, min(as_of, _flat_from(item)))
    days = (flat - start).days
    total = 0.0
    if days > 0:
        dates = [start + dt.timedelta(days=k) for k in range(days + 1)]
        values = np.array(planned_trajectory(item, dates))
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
    """Where one benefit, dis-benefit or resultatmål stands at ``as_of``."""

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
    latest_date: dt.date | None
    realised_share: float | None
    planned_share: float
    deviation: float | None
    status: str
    """``green``, ``yellow``, ``red`` or ``grey``."""
    forecast_at_target: float | None
    forecast_note: str
    realised_nok: float | None
    planned_nok: float | None
    next_due: dt.date | None
    as_of: dt.date | None = None
    planned_value: float | None = None
    """The planned indicator value at ``as_of``."""
    frequency: str = ""
    indicator: str = ""
    measurements: int = 0
    """Number of measurements on or before ``as_of``."""
    overdue: bool = False
    """True when ``next_due`` is before ``as_of``."""
    municipalities: tuple[str, ...] = field(default=())
    """Kommuner where the benefit arises (empty: all the project's kommuner)."""

    def label(self, lang: str = "nb") -> str:
        return status_label(self.status, lang)

    def to_json(self) -> dict:
        out = asdict(self)
        for k, v in out.items():
            if isinstance(v, dt.date):
                out[k] = v.isoformat()
            elif isinstance(v, tuple):
                out[k] = list(v)
        return out


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
    own = item_measurements(item, measurements, as_of)
    latest = own[-1] if own else None
    share = realised_share(item, latest.value) if latest else None
    planned_share = float(profile.item_fraction_at(item, as_of))
    interval = item.frequency.months
    next_due = add_months(latest.date if latest else item.baseline_date, interval)
    stale = latest is None or add_months(latest.date, interval) < as_of
    status = (
        "grey"
        if stale
        else classify(share, planned_share, workspace.status_thresholds, disbenefit=disbenefit)
    )
    fc = forecast(item, own)
    price = _nok_sign_and_price(plan, item, workspace)
    planned = realised = None
    if price is not None:
        planned = planned_nok(item, as_of, price, disbenefit=disbenefit)
        realised = realised_nok(item, own, as_of, price, disbenefit=disbenefit) if own else None
    if isinstance(item, ResultGoal):
        name, owner, munis = item.text, item.owner or plan.project.project_manager, ()
    else:
        name, owner, munis = item.name, item.owner, tuple(item.municipalities)
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
        deviation=None if share is None else share - planned_share,
        status=status,
        forecast_at_target=fc.value_at_target,
        forecast_note=fc.note,
        realised_nok=realised,
        planned_nok=planned,
        next_due=next_due,
        as_of=as_of,
        planned_value=float(profile.planned_value(item, as_of)),
        frequency=item.frequency.value,
        indicator=item.indicator,
        measurements=len(own),
        overdue=next_due < as_of,
        municipalities=munis,
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


# --------------------------------------------------------------------------- overdue


@dataclass(frozen=True)
class OverdueItem:
    id: str
    kind: str
    name: str
    due: dt.date
    """The date the next measurement was due (latest or baseline date + interval)."""
    latest_date: dt.date | None
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


def overdue(
    plans: Mapping[str, Plan] | Iterable[Plan],
    measurements_by_project: Mapping[str, Iterable[Measurement]],
    as_of: dt.date,
) -> list[OverdueOwner]:
    """Owners whose next measurement was due before ``as_of``, grouped by owner and project.

    An item's next measurement is due one interval (monthly 1, quarterly 3,
    yearly 12 calendar months) after its latest measurement on or before
    ``as_of``, or after its baseline date when it has none. A resultatmål
    without an owner is the project manager's. Sorted by the earliest due date,
    then owner.
    """
    groups: dict[tuple[str, str], list[OverdueItem]] = {}
    for plan in _plans(plans):
        ms = list(measurements_by_project.get(plan.project.id, []))
        for item in [*plan.benefits, *plan.disbenefits, *plan.result_goals]:
            own = item_measurements(item, ms, as_of)
            latest = own[-1].date if own else None
            due = add_months(latest or item.baseline_date, item.frequency.months)
            if due >= as_of:
                continue
            if isinstance(item, ResultGoal):
                owner, name = item.owner or plan.project.project_manager, item.text
            else:
                owner, name = item.owner, item.name
            groups.setdefault((owner, plan.project.id), []).append(
                OverdueItem(item.id, item_kind(plan, item), name, due, latest, item.frequency.value)
            )
    out = [
        OverdueOwner(owner, project, tuple(sorted(items, key=lambda i: (i.due, i.id))))
        for (owner, project), items in groups.items()
    ]
    return sorted(out, key=lambda o: (o.earliest_due, o.owner, o.project))


__all__ = [
    "DAYS_PER_YEAR",
    "STATUSES",
    "Forecast",
    "ItemStatus",
    "OverdueItem",
    "OverdueOwner",
    "add_months",
    "classify",
    "forecast",
    "item_kind",
    "item_status",
    "overdue",
    "planned_nok",
    "planned_trajectory",
    "portfolio_status",
    "project_status",
    "realised_nok",
    "realised_share",
    "status_counts",
    "status_label",
]
