"""Today's plan against the approved one: the one place every view gets the comparison.

``status --json``, ``cba --json`` and the project report call :func:`compare_project`;
it reads the project's newest approved baseline (:mod:`gevinst.io.baselines`) and
applies the rules of :mod:`gevinst.model.baseline`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gevinst.io import baselines as bl
from gevinst.model import baseline as mb
from gevinst.model.cba import analyse
from gevinst.model.schema import Plan
from gevinst.report import tables
from gevinst.report.text import fmt_date, fmt_number, t


@dataclass(frozen=True)
class Comparison:
    """A project's plan compared with its newest approved baseline."""

    baseline: bl.Baseline
    items: dict[str, mb.ItemBaseline]
    changes: list[mb.Change]
    baseline_npv: float | None = None
    """NPV of the approved plan under today's rules (workspace config, prices, rate)."""
    points: tuple[str, ...] = ()
    """Every decision point with an approved baseline (BP2, BP3 …), in order."""

    @property
    def by_item(self) -> dict[str, list[mb.Change]]:
        return mb.changes_by_item(self.changes)

    @property
    def unexplained(self) -> list[mb.Change]:
        return [c for c in self.changes if c.unexplained]

    def item_json(self, item_id: str) -> dict[str, Any]:
        """``{"baseline": …, "changes": […]}`` for one status item."""
        base = self.items.get(item_id)
        return {
            "baseline": base.to_json() if base else None,
            "changes": [c.to_json() for c in self.by_item.get(item_id, [])],
        }

    def to_json(self) -> dict[str, Any]:
        b = self.baseline
        return {
            "decision_point": b.decision_point,
            "revision": b.revision,
            "approved_by": b.approved_by,
            "approved_on": b.approved_on.isoformat(),
            "npv_at_approval": b.summary.get("npv"),
            "baseline_npv": self.baseline_npv,
            "changes": [c.to_json() for c in self.changes],
            "unexplained": len(self.unexplained),
        }


def compare_project(
    root: Path, plan: Plan, workspace: Any, *, with_npv: bool = False
) -> Comparison | None:
    """The comparison with the newest approved baseline, or None when there is none.

    Raises :class:`~gevinst.errors.InputError` when a snapshot is tampered with or
    unreadable (``gevinst check`` names it)."""
    base = bl.latest(root, plan.project.id)
    if base is None:
        return None
    points = {bl.decision_point_of(p) for p in bl.snapshot_files(root, plan.project.id)}
    npv = (
        analyse(base.plan, workspace, monte_carlo=False, sensitivity=False).npv
        if with_npv
        else None
    )
    return Comparison(
        baseline=base,
        items=mb.item_baselines(
            base.plan, base.decision_point, workspace.hourly_cost, base.approved_on
        ),
        changes=mb.plan_changes(base.plan, plan),
        baseline_npv=npv,
        points=tuple(sorted(points)),
    )


def approved_at(root: Path, plan: Plan, decision_point: str) -> bl.Baseline | None:
    """The newest approved baseline of ``decision_point`` (e.g. BP2), or None."""
    files = [
        p
        for p in bl.snapshot_files(root, plan.project.id)
        if bl.decision_point_of(p) == decision_point
    ]
    return bl.read(max(files, key=bl.rank)) if files else None


def attainment_due(plan: Plan) -> bool:
    """The report compares goal attainment with BP2 from BP5 on (Prosjektveiviseren)."""
    phase = plan.project.phase
    return phase is not None and phase.value == "BP5"


def section_title(comparison: Comparison, lang: str = "nb") -> str:
    """«Endringer siden godkjent plan (BP2/BP3)»."""
    points = "/".join(comparison.points)
    return t(
        lang,
        f"Endringer siden godkjent plan ({points})",
        f"Changes since the approved plan ({points})",
    )


def changes_sentence(comparison: Comparison, lang: str = "nb") -> str:
    """Who approved what when, and how many changes are without a recorded reason."""
    b = comparison.baseline
    n, k = len(comparison.changes), len(comparison.unexplained)
    by = f" ({b.approved_by})" if b.approved_by else ""
    head = t(
        lang,
        f"Sammenlignet med planen godkjent ved {b.label} {fmt_date(b.approved_on, lang)}{by}: "
        f"{fmt_number(n, 0, lang)} {'endring' if n == 1 else 'endringer'}",
        f"Compared with the plan approved at {b.label} on {fmt_date(b.approved_on, 'en')}{by}: "
        f"{fmt_number(n, 0, 'en')} {'change' if n == 1 else 'changes'}",
    )
    tail = (
        t(
            lang,
            f", {fmt_number(k, 0, lang)} av dem senker et mål eller utsetter en dato uten registrert begrunnelse.",
            f", {fmt_number(k, 0, 'en')} of them lower a target or push a date without a recorded reason.",
        )
        if k
        else "."
    )
    return head + tail


ATTAINMENT_AGAINST = "BP2"
"""The decision point whose targets goal attainment is compared with at BP5."""


def npv_table(comparison: Comparison, npv_now: float | None, lang: str = "nb"):
    """:func:`gevinst.report.tables.baseline_npv_table` for a comparison."""
    return tables.baseline_npv_table(
        comparison.baseline.summary.get("npv"), comparison.baseline_npv, npv_now, lang
    )


def bp5_attainment(root: Path, plan: Plan, statuses: Sequence[Any], lang: str = "nb"):
    """At BP5 (:func:`attainment_due`), goal attainment against the targets approved at BP2
    (:func:`gevinst.report.tables.attainment_table`); None before BP5 or without a BP2
    baseline."""
    if not attainment_due(plan):
        return None
    approved = approved_at(root, plan, ATTAINMENT_AGAINST)
    if approved is None:
        return None
    rows = mb.attainment_against(approved.plan, plan, statuses)
    return tables.attainment_table(rows, ATTAINMENT_AGAINST, lang)
