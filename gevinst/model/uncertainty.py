"""Uncertainty in the cost/benefit analysis: Monte Carlo and sensitivity (tornado).

Both work on the line weights of :func:`gevinst.model.cba_flows.line_weights`:
the NPV is linear in the lines' multipliers m,

    NPV(m) = Σ_l m_l · w_l,

where w_l is line l's present value with its sign (and its share of the tax
financing cost). A simulation is then one matrix product.

**Monte Carlo** (the state's quality-assurance practice, KS1/KS2; DFØ's guide
on uncertainty analysis): every cost and benefit line gets a triangular
multiplier (low, likely, high); lines with low = high are fixed at that value.
Each project draws from its own stream, ``PCG64(SeedSequence([seed, h]))`` with
h from the project id (:func:`project_seed`), so results do not depend on which
other projects are analysed or in which order. Draws are Latin-hypercube
(``lhs``, the workspace default: one draw in each of n equal-probability strata
per line) or simple random, turned into multipliers by the inverse triangular
CDF. Lines in a correlation group (the plan's ``correlation_groups``, or the
workspace's ``monte_carlo.kind_correlation``) share a driver through a
one-factor Gaussian copula; the rest are independent, which the result states
(``independent``). Reported: P10, P15, P50, P85, P90, the mean, the standard
deviation and the probability that NPV > 0, each with its standard error
(:func:`percentile_se`; std/√n for the mean, an upper bound under LHS). The
point NPV of the analysis takes every line at its expected multiplier
E[m_l] = (low + likely + high) / 3; since the NPV is linear in the
multipliers, the simulated mean estimates that same number. For the NPV the
cautious figure is the low percentile (P10: 90 % chance of doing better); P85
of the present value of *costs* (the KS2 cost-frame convention) is given as
``cost_p85``. The portfolio's distribution (:func:`portfolio_monte_carlo`) is
the sum of the projects' own draws.

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

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gevinst.model.cba_flows import BENEFIT, COST, Lines

PERCENTILES = (10, 15, 50, 85, 90)
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
    """The workspace seed; the project's own stream is derived from it and the project id."""
    cost_p50: float
    """P50 of the present value of costs (incl. tax financing cost when on)."""
    cost_p85: float
    """P85 of the present value of costs: 85 % of draws cost no more (KS2 convention)."""
    npv: np.ndarray = field(repr=False, compare=False)
    """NPV of every draw, shape (draws,)."""
    mean_se: float = 0.0
    """Standard error of ``mean``: std / √draws (an upper bound with Latin-hypercube draws)."""
    percentile_se: dict[str, float] = field(default_factory=dict)
    """Standard error of each P-value (``p10`` …), by order statistics (:func:`percentile_se`)."""
    prob_positive_se: float = 0.0
    """Standard error of ``prob_positive``: √(p (1 − p) / draws)."""
    sampling: str = "random"
    """``lhs`` (Latin hypercube) or ``random``."""
    stream: str = ""
    """Which random stream was used, e.g. ``seed 20240501 + project «ebyggesak»``."""
    correlation: list[dict[str, Any]] = field(default_factory=list)
    """The correlation groups used: ``id``, ``lines``, ``correlation``; [] = all independent."""
    costs: np.ndarray | None = field(default=None, repr=False, compare=False)
    """PV of costs of every draw, shape (draws,): with ``npv``, what a portfolio sums
    (:func:`portfolio_from_draws`)."""

    @property
    def independent(self) -> bool:
        """True when every line was drawn independently (no correlation groups)."""
        return not self.correlation

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
            "mean_se": self.mean_se,
            "percentile_se": dict(self.percentile_se),
            "prob_positive_se": self.prob_positive_se,
            "sampling": self.sampling,
            "stream": self.stream,
            "independent": self.independent,
            "correlation": list(self.correlation),
        }


def project_seed(seed: int, project_id: str) -> np.random.SeedSequence:
    """The random stream of one project: from the workspace seed and the project id.

    ``SeedSequence([seed, h])`` with h the first 8 bytes of SHA-256 of the id:
    two projects never share draws, and a project's draws do not depend on
    which other projects are analysed or in which order.

    >>> a = np.random.Generator(np.random.PCG64(project_seed(1, "a"))).random()
    >>> b = np.random.Generator(np.random.PCG64(project_seed(1, "b"))).random()
    >>> a != b
    True
    """
    digest = int.from_bytes(hashlib.sha256(project_id.encode("utf-8")).digest()[:8], "big")
    return np.random.SeedSequence([int(seed), digest])


def _norm_cdf(x: np.ndarray) -> np.ndarray:
    """Φ(x), the standard normal CDF (math.erfc, exact to double precision)."""
    return 0.5 * _erfc(-np.asarray(x, dtype=float) / np.sqrt(2.0))


_erfc = np.vectorize(math.erfc, otypes=[float])


def _norm_ppf(p: np.ndarray) -> np.ndarray:
    """Φ⁻¹(p) for 0 < p < 1 (Acklam's rational approximation, refined by one Halley step)."""
    p = np.clip(np.asarray(p, dtype=float), 1e-300, 1 - 1e-16)
    a = (
        -3.969683028665376e01,
        2.209460984245205e02,
        -2.759285104469687e02,
        1.383577518672690e02,
        -3.066479806614716e01,
        2.506628277459239e00,
    )
    b = (
        -5.447609879822406e01,
        1.615858368580409e02,
        -1.556989798598866e02,
        6.680131188771972e01,
        -1.328068155288572e01,
    )
    c = (
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e00,
        -2.549732539343734e00,
        4.374664141464968e00,
        2.938163982698783e00,
    )
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)
    lo, hi = 0.02425, 1 - 0.02425
    q = np.sqrt(-2 * np.log(np.where(p < lo, p, np.where(p > hi, 1 - p, 0.5))))
    tail = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / (
        (((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1
    )
    r = p - 0.5
    r2 = r * r
    mid = (
        (((((a[0] * r2 + a[1]) * r2 + a[2]) * r2 + a[3]) * r2 + a[4]) * r2 + a[5])
        * r
        / (((((b[0] * r2 + b[1]) * r2 + b[2]) * r2 + b[3]) * r2 + b[4]) * r2 + 1)
    )
    x = np.where(p < lo, tail, np.where(p > hi, -tail, mid))
    e = _norm_cdf(x) - p
    u = e * np.sqrt(2 * np.pi) * np.exp(x * x / 2)
    return x - u / (1 + x * u / 2)


def uniforms(
    rng: np.random.Generator,
    draws: int,
    n: int,
    *,
    sampling: str = "random",
    groups: tuple[tuple[tuple[int, ...], float], ...] = (),
) -> np.ndarray:
    """Uniform(0, 1) numbers, shape (draws, n): one column per uncertain line.

    ``random``: independent uniforms. ``lhs``: Latin hypercube — each column
    has exactly one draw in each of the ``draws`` strata [k/draws, (k+1)/draws),
    in random order, which narrows the error of the mean for the same number
    of draws (McKay, Beckman & Conover 1979).

    ``groups``: (column indices, ρ). A group with ρ = 1 shares one column (all
    its lines at the same quantile: fully correlated); 0 < ρ < 1 uses a
    one-factor Gaussian copula, u_j = Φ(√ρ · z_g + √(1 − ρ) · z_j), with z
    standard normal from the group's and the line's own uniforms.
    """
    extra = len(groups)
    if sampling == "lhs":
        strata = rng.permuted(np.tile(np.arange(draws, dtype=float), (n + extra, 1)), axis=1).T
        u = (strata + rng.random((draws, n + extra))) / draws
    else:
        u = rng.random((draws, n + extra))
    out = u[:, :n]
    for g, (cols, rho) in enumerate(groups):
        cols = list(cols)
        if not cols or rho <= 0:
            continue
        common = u[:, n + g]
        if rho >= 1:
            out[:, cols] = common[:, None]
        else:
            z = np.sqrt(rho) * _norm_ppf(common)[:, None] + np.sqrt(1 - rho) * _norm_ppf(
                out[:, cols]
            )
            out[:, cols] = _norm_cdf(z)
    return out


def triangular_from_uniform(
    u: np.ndarray, low: np.ndarray, likely: np.ndarray, high: np.ndarray
) -> np.ndarray:
    """Triangular multipliers by the inverse CDF of uniforms ``u`` (draws × n).

    With a = low, c = likely, b = high and F_c = (c − a)/(b − a):

        x = a + √(u (b − a)(c − a))            if u < F_c
        x = b − √((1 − u)(b − a)(b − c))       otherwise

    Columns with a = b are the constant a.
    """
    a = np.asarray(low, dtype=float)
    c = np.asarray(likely, dtype=float)
    b = np.asarray(high, dtype=float)
    width = b - a
    safe = np.where(width > 0, width, 1.0)
    split = np.where(width > 0, (c - a) / safe, 0.0)
    k_low, k_high = safe * (c - a), safe * (b - c)
    lower = u < split
    # In place, few temporaries: this is the hot loop of every simulation.
    root = 1.0 - u
    root *= k_high
    np.copyto(root, u * k_low, where=lower)
    np.sqrt(root, out=root)
    x = b - root
    np.copyto(x, a + root, where=lower)
    if not np.all(width > 0):
        np.copyto(x, np.broadcast_to(a, x.shape), where=width <= 0)
    return x


def triangular_multipliers(
    rng: np.random.Generator,
    low: np.ndarray,
    likely: np.ndarray,
    high: np.ndarray,
    draws: int,
) -> np.ndarray:
    """Independent triangular draws, shape (draws, n), by the inverse CDF.

    >>> rng = np.random.Generator(np.random.PCG64(1))
    >>> x = triangular_multipliers(rng, np.array([0.5, 1.0]), np.array([1.0, 1.0]),
    ...                            np.array([2.0, 1.0]), 20000)
    >>> bool(abs(x[:, 0].mean() - 3.5 / 3) < 0.01), bool((x[:, 1] == 1.0).all())
    (True, True)
    """
    a = np.asarray(low, dtype=float)
    return triangular_from_uniform(rng.random((draws, a.size)), low, likely, high)


def _uncertain_groups(lines: Lines) -> tuple[np.ndarray, tuple[tuple[tuple[int, ...], float], ...]]:
    """The uncertain line indices and the groups as column indices among them."""
    uncertain = np.nonzero(lines.uncertain)[0]
    column = {int(k): j for j, k in enumerate(uncertain)}
    groups = tuple(
        (tuple(column[k] for k in members if k in column), rho) for _, members, rho in lines.groups
    )
    return uncertain, groups


def draw_multipliers(
    lines: Lines, draws: int, seed: int | np.random.SeedSequence, sampling: str = "random"
) -> tuple[np.ndarray, np.ndarray]:
    """(indices of the uncertain lines, their multipliers of shape (draws, k))."""
    uncertain, groups = _uncertain_groups(lines)
    rng = np.random.Generator(np.random.PCG64(seed))
    u = uniforms(rng, draws, uncertain.size, sampling=sampling, groups=groups)
    m = triangular_from_uniform(
        u, lines.low[uncertain], lines.likely[uncertain], lines.high[uncertain]
    )
    return uncertain, m


def simulate(
    weights: np.ndarray,
    low: np.ndarray,
    likely: np.ndarray,
    high: np.ndarray,
    draws: int,
    seed: int | np.random.SeedSequence,
) -> tuple[np.ndarray, np.ndarray]:
    """Simulated (benefit PV, cost PV) per draw for independent lines: multipliers @ weights.

    ``weights`` has shape (n_lines, 2) (:func:`~gevinst.model.cba_flows.line_weights`).
    Only the uncertain lines (low < high) are drawn; the rest add a constant.
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


def percentile_se(x: np.ndarray, q: float) -> float:
    """Standard error of the q-th percentile of ``x`` by order statistics (distribution-free).

    The number of draws below the true percentile is Binomial(n, p), p = q/100,
    with standard deviation d = √(n p (1 − p)); the order statistics d places
    either side of n·p bound a ±1 standard error interval, so

        SE ≈ (x_(np + d) − x_(np − d)) / 2.

    >>> x = np.arange(10001, dtype=float)   # uniform 0 … 10 000
    >>> round(percentile_se(x, 50))          # √(10001 · 0.25) ≈ 50 draws either side
    50
    """
    xs = np.asarray(x, dtype=float)
    if xs.size > 1 and not bool(np.all(xs[1:] >= xs[:-1])):
        xs = np.sort(xs)
    n = xs.size
    p = q / 100.0
    d = np.sqrt(n * p * (1 - p))
    lo = int(np.clip(np.floor(n * p - d), 0, n - 1))
    hi = int(np.clip(np.ceil(n * p + d), 0, n - 1))
    return float((xs[hi] - xs[lo]) / 2.0)


def summarise(
    npv: np.ndarray,
    costs: np.ndarray,
    *,
    seed: int,
    sampling: str,
    stream: str = "",
    correlation: list[dict[str, Any]] | None = None,
) -> MonteCarloResult:
    """Percentiles, mean, spread and their standard errors of simulated NPVs."""
    draws = int(npv.size)
    ordered = np.sort(npv)
    p = np.percentile(ordered, PERCENTILES)
    c = np.percentile(costs, (50, 85))
    prob = float((npv > 0).mean())
    std = float(npv.std())
    values = (float(v) for v in (*p, npv.mean(), std, prob))
    result = dict(
        zip(
            ("p10", "p15", "p50", "p85", "p90", "mean", "std", "prob_positive"), values, strict=True
        )
    )
    if not all(np.isfinite(list(result.values()))):
        raise ValueError("non-finite Monte Carlo result")  # analyse refuses such input first
    return MonteCarloResult(
        **result,
        draws=draws,
        seed=int(seed),
        cost_p50=float(c[0]),
        cost_p85=float(c[1]),
        npv=npv,
        mean_se=std / np.sqrt(draws),
        percentile_se={f"p{q}": percentile_se(ordered, q) for q in PERCENTILES},
        prob_positive_se=float(np.sqrt(prob * (1 - prob) / draws)),
        sampling=sampling,
        stream=stream,
        correlation=correlation or [],
        costs=costs,
    )


def monte_carlo(
    lines: Lines,
    weights: np.ndarray,
    *,
    draws: int,
    seed: int,
    project_id: str = "",
    sampling: str = "random",
) -> MonteCarloResult:
    """Monte Carlo NPV distribution for ``lines`` with their line ``weights``.

    The stream is :func:`project_seed` (``seed``, ``project_id``); lines in a
    correlation group are drawn together (:func:`uniforms`), the rest independently.
    """
    sides = simulate_sides(lines, weights, draws, seed, project_id, sampling)
    return summarise(
        sides[:, 0] - sides[:, 1],
        sides[:, 1],
        seed=seed,
        sampling=sampling,
        stream=f"seed {seed} + project «{project_id}»",
        correlation=[
            {"id": gid, "lines": [lines.ids[k] for k in members], "correlation": rho}
            for gid, members, rho in lines.groups
        ],
    )


def simulate_sides(
    lines: Lines,
    weights: np.ndarray,
    draws: int,
    seed: int,
    project_id: str = "",
    sampling: str = "random",
) -> np.ndarray:
    """(benefit PV, cost PV) per draw, shape (draws, 2), from the project's own stream."""
    weights = np.asarray(weights, dtype=float).reshape(-1, 2)
    uncertain, m = draw_multipliers(lines, draws, project_seed(seed, project_id), sampling)
    fixed_mask = np.ones(lines.n, dtype=bool)
    fixed_mask[uncertain] = False
    fixed = lines.likely[fixed_mask] @ weights[fixed_mask]
    return m @ weights[uncertain] + fixed


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


# --------------------------------------------------------------------------- portfolio


def simulate_portfolio(
    projects: list[tuple[str, Lines, np.ndarray]],
    draws: int,
    seed: int,
    sampling: str = "random",
) -> tuple[np.ndarray, np.ndarray]:
    """(NPV, PV of costs) per draw and project, each of shape (draws, n_projects).

    ``projects``: (project id, lines, line weights). Every project draws from its
    own stream (:func:`project_seed`) with its own correlation groups, exactly
    as its own analysis does, so column j equals project j's Monte Carlo draws
    whatever the order of the projects. Projects are independent of each other.

    Each project is one matrix product, (draws × its uncertain lines) @ (lines × 2),
    written into preallocated columns; the projects are not stacked into one
    (draws × all lines) matrix, which is memory-bound and measured slower
    (``bench/bench_portfolio.py``).
    """
    npv = np.empty((draws, len(projects)))
    cost = np.empty((draws, len(projects)))
    for j, (pid, lines, weights) in enumerate(projects):
        sides = simulate_sides(lines, weights, draws, seed, pid, sampling)
        np.subtract(sides[:, 0], sides[:, 1], out=npv[:, j])
        cost[:, j] = sides[:, 1]
    return npv, cost


def portfolio_from_draws(
    projects: list[tuple[str, Lines, MonteCarloResult]], *, seed: int, sampling: str
) -> MonteCarloResult:
    """:func:`portfolio_monte_carlo` from the projects' own Monte Carlo results.

    Each project's draws are those of its own analysis (the same stream), so summing
    the draws its analysis kept gives the very numbers :func:`portfolio_monte_carlo`
    draws again: the same columns, summed in the same order. The caller checks that
    every result was drawn with the workspace's draws, seed and sampling.
    """
    npv = np.column_stack([mc.npv for _, _, mc in projects])
    cost = np.column_stack([mc.costs for _, _, mc in projects])
    return _portfolio_summary([(pid, lines) for pid, lines, _ in projects], npv, cost, seed, sampling)


def _portfolio_summary(
    projects: list[tuple[str, Lines]], npv: np.ndarray, cost: np.ndarray, seed: int, sampling: str
) -> MonteCarloResult:
    groups = [
        {"id": f"{pid}:{gid}", "lines": [lines.ids[k] for k in members], "correlation": rho}
        for pid, lines in projects
        for gid, members, rho in lines.groups
    ]
    return summarise(
        npv.sum(axis=1),
        cost.sum(axis=1),
        seed=seed,
        sampling=sampling,
        stream=f"seed {seed} + project id, per project ({len(projects)} projects)",
        correlation=groups,
    )


def portfolio_monte_carlo(
    projects: list[tuple[str, Lines, np.ndarray]],
    *,
    draws: int,
    seed: int,
    sampling: str = "random",
) -> MonteCarloResult:
    """Distribution of the portfolio NPV: Σ over projects of each project's simulated NPV.

    The projects' draws are those of their own analyses (:func:`simulate_portfolio`),
    so the portfolio mean estimates Σ expected NPV; projects are drawn
    independently of each other, lines within a project with its correlation groups.
    """
    npv, cost = simulate_portfolio(projects, draws, seed, sampling)
    return _portfolio_summary([(pid, lines) for pid, lines, _ in projects], npv, cost, seed, sampling)
