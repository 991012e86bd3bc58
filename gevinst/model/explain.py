"""Why the expected NPV differs from the NPV as planned: the lines behind the gap.

The analysis takes every line at its *expected* multiplier E[m_l] = (low + likely +
high) / 3 (DFØ's guide, kap. 3.4: forventningsverdier), while the plan's own amounts
are every multiplier at 1. The NPV is linear in the multipliers (see
:func:`gevinst.model.cba_flows.line_weights`): with w_l = benefit side_l − cost side_l
line l's NPV per unit of multiplier,

    NPV(m) = Σ_l m_l · w_l,

so the gap splits exactly into one term per line:

    NPV as planned − expected NPV = Σ_l (1 − E[m_l]) · w_l.

A line without uncertainty (E[m] = 1) adds nothing. A benefit whose range is skewed
down (e.g. 0.5 / 1.0 / 1.1: E[m] = 0.8667) or a cost skewed up (0.9 / 1.0 / 1.4:
E[m] = 1.1) makes the expected NPV lower than planned. :func:`npv_gap` gives the
terms, largest first; :func:`main_causes` the few that explain most of the gap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gevinst.model.cba_flows import Lines


@dataclass(frozen=True)
class GapLine:
    """One line's part of (NPV as planned − expected NPV), NOK present value.

    ``amount`` > 0: the line makes the expected NPV *lower* than planned.
    """

    id: str
    name: str
    group: str
    """``cost``, ``benefit`` or ``disbenefit``."""
    amount: float
    expected_multiplier: float

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "group": self.group,
            "amount": self.amount,
            "expected_multiplier": self.expected_multiplier,
        }


def npv_gap(lines: Lines, weights: np.ndarray) -> tuple[GapLine, ...]:
    """Each uncertain line's term (1 − E[m_l]) · w_l of the gap, largest |term| first.

    ``weights`` are :func:`~gevinst.model.cba_flows.line_weights` (n_lines, 2). Lines
    whose term is 0 (no uncertainty, or a symmetric range) are left out; the terms
    add up to NPV as planned − expected NPV.

    A cost of 100 (0.9, 1.0, 1.4) in year 0 and a benefit of 50 (0.7, 1.0, 1.0):
    the cost's term is (1 − 1.1) · (−100) = 10, the benefit's (1 − 0.9) · 50 = 5.

    >>> lines = Lines(
    ...     years=np.array([2025]), ids=("K1", "G1"), names=("Lisens", "Spart tid"),
    ...     group=("cost", "benefit"), category=("investment", "time"),
    ...     sign=np.array([-1.0, 1.0]), budget=np.array([True, False]),
    ...     hourly=np.array([False, False]),
    ...     low=np.array([0.9, 0.7]), likely=np.array([1.0, 1.0]),
    ...     high=np.array([1.4, 1.0]), flows=np.array([[100.0], [50.0]]),
    ...     shares=np.ones((2, 1)), municipalities=("A",), key=np.ones(1),
    ...     take_outs=np.zeros(1))
    >>> weights = np.array([[0.0, 100.0], [50.0, 0.0]])
    >>> [(g.id, round(g.amount, 9)) for g in npv_gap(lines, weights)]
    [('K1', 10.0), ('G1', 5.0)]
    """
    w = np.asarray(weights, dtype=float).reshape(-1, 2)
    expected = lines.expected
    terms = (1.0 - expected) * (w[:, 0] - w[:, 1])
    order = sorted(range(lines.n), key=lambda i: (-abs(terms[i]), lines.ids[i]))
    return tuple(
        GapLine(
            id=lines.ids[i],
            name=lines.names[i],
            group=lines.group[i],
            amount=float(terms[i]),
            expected_multiplier=float(expected[i]),
        )
        for i in order
        if abs(terms[i]) > 1e-9 * max(1.0, float(np.abs(w[i]).max()))
    )


MAIN_SHARE = 0.8
""":func:`main_causes` names lines until they explain this share of the gap."""
MAX_CAUSES = 3


def main_causes(
    gap: tuple[GapLine, ...] | list[GapLine],
    *,
    share: float = MAIN_SHARE,
    at_most: int = MAX_CAUSES,
) -> list[GapLine]:
    """The few lines, largest first, that together explain ``share`` of the gap.

    Only lines that widen the gap (same sign as the total) are named; at most
    ``at_most``. An empty list when there is no gap.

    >>> g = [GapLine("G2", "a", "benefit", 9.0, 0.8), GapLine("K1", "b", "cost", 4.0, 1.1),
    ...      GapLine("G1", "c", "benefit", -1.0, 1.05), GapLine("U1", "d", "disbenefit", 0.5, 1.2)]
    >>> [x.id for x in main_causes(g)]  # total 12.5; 9 is 72 %, 9 + 4 = 13 is ≥ 80 %
    ['G2', 'K1']
    """
    total = sum(x.amount for x in gap)
    if abs(total) < 1e-9:
        return []
    sign = 1.0 if total > 0 else -1.0
    picked: list[GapLine] = []
    covered = 0.0
    for line in sorted(gap, key=lambda x: -sign * x.amount):
        if sign * line.amount <= 0 or len(picked) >= at_most:
            break
        picked.append(line)
        covered += line.amount
        if sign * covered >= share * abs(total):
            break
    return picked
