"""Uncertainty in the cost/benefit analysis: Monte Carlo and sensitivity (tornado).

Both work on the line weights of :func:`gevinst.model.cba_flows.line_weights`:
the NPV is linear in the lines' multipliers m,

    NPV(m) = Σ_l m_l · w_l,

where w_l is line l's present value with its sign (and its share of the tax
financing cost). A simulation is then one matrix product.

**Monte Carlo** (the state's quality-assurance practice, KS1/KS2; DFØ's guide
on uncertainty analysis): every cost and benefit line gets an independent
triangular multiplier (low, likely, high); lines with low = high are fixed at
that value. Draws come from ``numpy.random.Generator(PCG64(seed))`` by the
inverse of the triangular CDF, so the same plan and seed give the same numbers
(with the same numpy version: NEP 19 lets a Generator's streams change between
numpy releases). Reported: P10, P50, P85, P90 and the mean of the NPV, and the
probability that NPV > 0. The point NPV of the analysis takes every line at
its expected multiplier E[m_l] = (low + likely + high) / 3 (the expected value,
forventningsverdi, that DFØ's guide asks for); since the NPV is linear in the
multipliers, E[NPV] = Σ_l E[m_l] · w_l is that same number, and the simulated
mean estimates it (within a few standard errors std/√draws). For the NPV the
cautious figure is the low tail: P15 ("NNV med 85 % sannsynlighet minst …", the
figure the reports show; ``p15``) and P10 (90 % chance of doing better); P85
of the present value of *costs* (the KS2 cost-frame convention) is given as
``cost_p85``.

**Sensitivity**: each uncertain line at its low and its high multiplier with the
rest at their expected multipliers, plus the main inputs (all costs ±20 %, all
benefits ±20 %, hourly cost ±20 %, discount rate ±1 percentage point, delay ±1
year) around the expected base case, sorted by swing — the data of a tornado
chart. The **switching value** (*brytverdi*, DFØ's guide) is the change of one
input from the expected base case that brings the NPV to 0, with the rest
unchanged; None when no such change exists (e.g. costs would have to become
negative).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gevinst.model.cba_flows import BENEFIT, COST, Lines

PERCENTILES = (10, 50, 85, 90)
MAIN_RELATIVE_RANGE = 0.20
"""Main inputs costs, benefits and hourly cost are tested at −20 % and +20 %."""
RATE_RANGE = 0.01
"""The discount rate(s) are tested at −1 and +1 percentage point."""
DELAY_RANGE = 1
"""Benefit realisation is tested one year earlier and one year later."""


# --------------------------------------------------------------------------- Monte Carlo


@dataclass(frozen=True)
class MonteCarloResult:
    """Distribution of the NPV over the simulated draws (NOK, present value)."""

    p10: float
    p15: float
    """The cautious NPV: 85 % of draws give at least this much (the 15th percentile)."""
    p50: float
    p85: float
    p90: float
    mean: float
    std: float
    prob_positive: float
    """Share of draws with NPV > 0."""
    draws: int
    seed: int
    cost_p50: float
    """P50 of the present value of costs (incl. tax financing cost when on)."""
    cost_p85: float
    """P85 of the present value of costs: 85 % of draws cost no more (KS2 convention)."""
    npv: np.ndarray = field(repr=False, compare=False)
    """NPV of every draw, shape (draws,)."""

    def to_json(self) -> dict[str, Any]:
        """Summary for ``--json`` (without the draws array)."""
        return {
            "p10": self.p10,
            "p15": self.p15,
            "p50": self.p50,
            "p85": self.p85,
            "p90": self.p90,
            "mean": self.mean,
            "std": self.std,
            "prob_positive": self.prob_positive,
            "draws": self.draws,
            "seed": self.seed,
            "cost_p50": self.cost_p50,
            "cost_p85": self.cost_p85,
        }


def triangular_multipliers(
    rng: np.random.Generator,
    low: np.ndarray,
    likely: np.ndarray,
    high: np.ndarray,
    draws: int,
) -> np.ndarray:
    """Independent triangular draws, shape (draws, n), by the inverse CDF.

    With a = low, c = likely, b = high, u ~ U(0, 1) and F_c = (c − a)/(b − a):

        x = a + √(u (b − a)(c − a))            if u < F_c
        x = b − √((1 − u)(b − a)(b − c))       otherwise

    Columns with a = b are the constant a (no random numbers are spent on them
    beyond the shared uniform matrix).

    >>> rng = np.random.Generator(np.random.PCG64(1))
    >>> x = triangular_multipliers(rng, np.array([0.5, 1.0]), np.array([1.0, 1.0]),
    ...                            np.array([2.0, 1.0]), 20000)
    >>> bool(abs(x[:, 0].mean() - 3.5 / 3) < 0.01), bool((x[:, 1] == 1.0).all())
    (True, True)
    """
    a = np.asarray(low, dtype=float)
    c = np.asarray(likely, dtype=float)
    b = np.asarray(high, dtype=float)
    width = b - a
    u = rng.random((draws, a.size))
    safe = np.where(width > 0, width, 1.0)
    split = np.where(width > 0, (c - a) / safe, 0.0)
    lower = u < split
    root = np.sqrt(np.where(lower, u * (safe * (c - a)), (1.0 - u) * (safe * (b - c))))
    x = np.where(lower, a + root, b - root)
    return np.where(width > 0, x, a)


def simulate(
    weights: np.ndarray,
    low: np.ndarray,
    likely: np.ndarray,
    high: np.ndarray,
    draws: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Simulated (benefit PV, cost PV) per draw: multipliers (draws × lines) @ weights.

    ``weights`` has shape (n_lines, 2) (:func:`~gevinst.model.cba_flows.line_weights`).
    Only the uncertain lines (low < high) are drawn; the rest add a constant.
    Returns two arrays of shape (draws,); NPV = benefits − costs.
    """
    weights = np.asarray(weights, dtype=float).reshape(-1, 2)
    low, likely, high = (np.asarray(x, dtype=float) for x in (low, likely, high))
    rng = np.random.Generator(np.random.PCG64(seed))
    uncertain = high > low
    fixed = likely[~uncertain] @ weights[~uncertain]
    if uncertain.any():
        m = triangular_multipliers(rng, low[uncertain], likely[uncertain], high[uncertain], draws)
        sides = m @ weights[uncertain] + fixed
    else:
        sides = np.broadcast_to(fixed, (draws, 2)).copy()
    return sides[:, 0], sides[:, 1]


def monte_carlo(lines: Lines, weights: np.ndarray, *, draws: int, seed: int) -> MonteCarloResult:
    """Monte Carlo NPV distribution for ``lines`` with their line ``weights``."""
    benefits, costs = simulate(weights, lines.low, lines.likely, lines.high, draws, seed)
    npv = benefits - costs
    p = np.percentile(npv, PERCENTILES)
    c = np.percentile(costs, (50, 85))
    return MonteCarloResult(
        p10=float(p[0]),
        p50=float(p[1]),
        p85=float(p[2]),
        p90=float(p[3]),
        mean=float(npv.mean()),
        std=float(npv.std()),
        prob_positive=float((npv > 0).mean()),
        draws=int(draws),
        seed=int(seed),
        cost_p50=float(c[0]),
        cost_p85=float(c[1]),
        npv=npv,
        p15=float(np.percentile(npv, 15)),
    )


# --------------------------------------------------------------------------- sensitivity


@dataclass(frozen=True)
class SensitivityRow:
    """One bar of the tornado: the NPV with one input at its low and its high value.

    ``unit`` says how to read the values: ``multiplier`` (a line's value ×),
    ``relative`` (0.2 = +20 %), ``rate_shift`` (0.01 = +1 percentage point) or
    ``years``. ``switching_value`` is the change from the base case that brings
    the NPV to 0 in ``switching_unit`` (``relative``, ``rate_shift`` or
    ``years``), explained in ``switching_text``; None when no such change exists.
    """

    input_id: str
    label: str
    label_en: str
    kind: str
    """``line`` (one cost or benefit line) or ``main`` (a main input)."""
    unit: str
    base_value: float
    low_value: float
    high_value: float
    low_npv: float
    high_npv: float
    switching_value: float | None
    switching_unit: str
    switching_text: str
    switching_text_en: str

    @property
    def swing(self) -> float:
        """|NPV at high − NPV at low|: the length of the tornado bar."""
        return abs(self.high_npv - self.low_npv)

    def to_json(self) -> dict[str, Any]:
        return {
            "input_id": self.input_id,
            "label": self.label,
            "label_en": self.label_en,
            "kind": self.kind,
            "unit": self.unit,
            "base_value": self.base_value,
            "low_value": self.low_value,
            "high_value": self.high_value,
            "low_npv": self.low_npv,
            "high_npv": self.high_npv,
            "swing": self.swing,
            "switching_value": self.switching_value,
            "switching_unit": self.switching_unit,
            "switching_text": self.switching_text,
            "switching_text_en": self.switching_text_en,
        }


def _pct(x: float, lang: str) -> str:
    """+37 % / −4,5 % (Norwegian decimal comma and minus sign)."""
    text = f"{100 * x:+.1f}" if abs(x) < 0.1 else f"{100 * x:+.0f}"
    if lang == "nb":
        text = text.replace(".", ",").replace("-", "−")
    return f"{text} %"


def _nok(x: float, lang: str) -> str:
    """412 kr / NOK 412 (thousands separated by a space in Norwegian)."""
    if lang == "nb":
        return f"{x:,.0f}".replace(",", "\u00a0") + " kr"
    return f"NOK {x:,.0f}"


def _pp(x: float, lang: str) -> str:
    text = f"{100 * x:+.2f}"
    if lang == "nb":
        return text.replace(".", ",").replace("-", "−") + " prosentpoeng"
    return text + " percentage points"


def relative_switch(npv: float, slope: float) -> float | None:
    """s with npv + s·slope = 0, or None if none exists with s ≥ −1 (value ≥ 0).

    ``slope`` is the NPV change when the input rises by 100 %.

    >>> relative_switch(100.0, -250.0)
    0.4
    >>> relative_switch(100.0, 50.0) is None   # would need −200 %
    True
    """
    if npv == 0:
        return 0.0
    if slope == 0 or not np.isfinite(slope):
        return None
    with np.errstate(over="ignore"):
        s = float(np.float64(-npv) / np.float64(slope))
    return s if np.isfinite(s) and s >= -1.0 else None


def _bisect(f: Callable[[float], float], a: float, b: float, fa: float, iterations: int = 80):
    for _ in range(iterations):
        mid = 0.5 * (a + b)
        fm = f(mid)
        if fm == 0:
            return mid
        if (fm > 0) == (fa > 0):
            a, fa = mid, fm
        else:
            b = mid
    return 0.5 * (a + b)


def rate_switch(
    npv_at_shift: Callable[[float], float], npv: float, lo: float, hi: float, steps: int = 400
) -> float | None:
    """The shift Δ ∈ [lo, hi] of the discount rate(s) nearest 0 with NPV(Δ) = 0, or None.

    Scans a grid for a sign change on each side of 0, then bisects.
    """
    if npv == 0:
        return 0.0
    best: float | None = None
    for end in (hi, lo):
        if end == 0:
            continue
        grid = np.linspace(0.0, end, steps + 1)
        prev_x, prev_f = 0.0, npv
        for x in grid[1:]:
            fx = npv_at_shift(float(x))
            if fx == 0 or (fx > 0) != (prev_f > 0):
                root = float(x) if fx == 0 else _bisect(npv_at_shift, prev_x, float(x), prev_f)
                if best is None or abs(root) < abs(best):
                    best = root
                break
            prev_x, prev_f = float(x), fx
    return best


def delay_switch(npv_at_delay: Callable[[int], float], npv: float, limit: int) -> int | None:
    """Fewest whole years of extra delay (or, when NPV < 0, of earlier realisation)
    that bring the NPV to 0 or past it; None if none within ``limit`` years."""
    if npv == 0:
        return 0
    step = 1 if npv > 0 else -1
    for k in range(1, limit + 1):
        value = npv_at_delay(step * k)
        if (value <= 0) if npv > 0 else (value >= 0):
            return step * k
    return None


def _group_label(group: str) -> tuple[str, str, str, str]:
    """(label nb, label en, subject nb, subject en) of a line's group."""
    return {
        COST: ("Kostnad", "Cost", "kostnaden", "the cost"),
        BENEFIT: ("Gevinst", "Benefit", "gevinsten", "the benefit"),
    }.get(group, ("Ulempe", "Dis-benefit", "ulempen", "the dis-benefit"))


def sensitivity(
    lines: Lines,
    weights: np.ndarray,
    npv: float,
    *,
    hourly_cost: float,
    rates: list[float],
    npv_at_shift: Callable[[float], float],
    npv_at_delay: Callable[[int], float],
    max_delay: int,
) -> list[SensitivityRow]:
    """Tornado rows for the uncertain lines and the main inputs, sorted by swing.

    ``weights`` are the line weights per unit multiplier; ``npv`` the base NPV,
    with every line at its expected multiplier E[m_l] (:attr:`Lines.expected`);
    ``rates`` the discount rate(s) in use; ``npv_at_shift(Δ)`` the NPV with every
    rate + Δ; ``npv_at_delay(k)`` the NPV with benefits k more years late (both
    at the expected multipliers).

    A line's row: NPV(low) = npv + (low − E[m_l]) · w_l, the same at high, and
    base_value = E[m_l]. Its switching value s is relative to the expected
    value: npv + s · E[m_l] · w_l = 0. The main inputs costs, benefits and
    hourly cost move their lines' expected values by ±20 %.
    """
    w = weights[:, 0] - weights[:, 1]
    expected = lines.expected
    rows: list[SensitivityRow] = []
    for k in np.nonzero(lines.uncertain)[0]:
        nb, en, subject_nb, subject_en = _group_label(lines.group[k])
        base = float(expected[k])
        s = relative_switch(npv, base * w[k])
        name = lines.names[k]
        rows.append(
            SensitivityRow(
                input_id=lines.ids[k],
                label=f"{nb}: {name}",
                label_en=f"{en}: {name}",
                kind="line",
                unit="multiplier",
                base_value=base,
                low_value=float(lines.low[k]),
                high_value=float(lines.high[k]),
                low_npv=float(npv + (lines.low[k] - base) * w[k]),
                high_npv=float(npv + (lines.high[k] - base) * w[k]),
                switching_value=s,
                switching_unit="relative",
                switching_text="" if s is None else f"{subject_nb} {_pct(s, 'nb')}",
                switching_text_en="" if s is None else f"{subject_en} {_pct(s, 'en')}",
            )
        )

    r = MAIN_RELATIVE_RANGE
    at_expected = expected * w
    for input_id, mask, nb, en, nb_subject, en_subject in (
        ("costs", lines.is_cost, "Kostnader i alt", "All costs", "kostnadene", "costs"),
        ("benefits", lines.is_benefit, "Gevinster i alt", "All benefits", "gevinstene", "benefits"),
        ("hourly_cost", lines.hourly, "Timekostnad", "Hourly cost", "timekostnaden", "hourly cost"),
    ):
        slope = float(at_expected[mask].sum())
        s = relative_switch(npv, slope)
        if s is None:
            text_nb = text_en = ""
        elif input_id == "hourly_cost":
            level = hourly_cost * (1 + s)
            text_nb = f"{nb_subject} {_nok(level, 'nb')}/time ({_pct(s, 'nb')})"
            text_en = f"{en_subject} {_nok(level, 'en')}/hour ({_pct(s, 'en')})"
        else:
            text_nb = f"{nb_subject} {_pct(s, 'nb')}"
            text_en = f"{en_subject} {_pct(s, 'en')}"
        rows.append(
            SensitivityRow(
                input_id=input_id,
                label=nb if input_id != "hourly_cost" else f"{nb} ({_nok(hourly_cost, 'nb')})",
                label_en=en if input_id != "hourly_cost" else f"{en} ({_nok(hourly_cost, 'en')})",
                kind="main",
                unit="relative",
                base_value=0.0,
                low_value=-r,
                high_value=r,
                low_npv=float(npv - r * slope),
                high_npv=float(npv + r * slope),
                switching_value=s,
                switching_unit="relative",
                switching_text=text_nb,
                switching_text_en=text_en,
            )
        )

    low_shift = -min(RATE_RANGE, min(rates))
    lo_bound, hi_bound = -min(rates), 1.0 - max(rates)
    d = rate_switch(npv_at_shift, npv, lo_bound, hi_bound)
    rows.append(
        SensitivityRow(
            input_id="discount_rate",
            label="Kalkulasjonsrente",
            label_en="Discount rate",
            kind="main",
            unit="rate_shift",
            base_value=0.0,
            low_value=low_shift,
            high_value=RATE_RANGE,
            low_npv=float(npv_at_shift(low_shift)),
            high_npv=float(npv_at_shift(RATE_RANGE)),
            switching_value=d,
            switching_unit="rate_shift",
            switching_text="" if d is None else f"kalkulasjonsrenten {_pp(d, 'nb')}",
            switching_text_en="" if d is None else f"discount rate {_pp(d, 'en')}",
        )
    )

    y = delay_switch(npv_at_delay, npv, max_delay)
    if y is None:
        y_nb = y_en = ""
    elif y >= 0:
        y_nb, y_en = f"gevinstene {y} år forsinket", f"benefits {y} year{'s' * (y != 1)} late"
    else:
        y_nb, y_en = f"gevinstene {-y} år tidligere", f"benefits {-y} year{'s' * (y != -1)} early"
    rows.append(
        SensitivityRow(
            input_id="delay",
            label="Forsinket gevinstrealisering",
            label_en="Delayed benefit realisation",
            kind="main",
            unit="years",
            base_value=0.0,
            low_value=-float(DELAY_RANGE),
            high_value=float(DELAY_RANGE),
            low_npv=float(npv_at_delay(-DELAY_RANGE)),
            high_npv=float(npv_at_delay(DELAY_RANGE)),
            switching_value=None if y is None else float(y),
            switching_unit="years",
            switching_text=y_nb,
            switching_text_en=y_en,
        )
    )
    rows.sort(key=lambda row: -row.swing)
    return rows
