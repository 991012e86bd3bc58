"""Today's plan against the approved one: the one place every view gets the comparison.

``status --json``, ``cba --json`` and the project report call :func:`compare_project`;
it reads the project's newest approved baseline (:mod:`gevinst.io.baselines`) and
applies the rules of :mod:`gevinst.model.baseline`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gevinst.io import baselines as bl
from gevinst.model import baseline as mb
from gevinst.model.cba import analyse
from gevinst.model.schema import Plan


@dataclass(frozen=True)
class Comparison:
    """A project's plan compared with its newest approved baseline."""

    baseline: bl.Baseline
    items: dict[str, mb.ItemBaseline]
    changes: list[mb.Change]
    baseline_npv: float | None = None
    """NPV of the approved plan under today's rules (workspace config, prices, rate)."""

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
    )
