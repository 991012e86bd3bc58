"""What each benefit owner (gevinsteier) must report: the items due on their form.

An owner who reports three numbers a quarter should get a form with those three
numbers, not the project workbook. :func:`owner_forms` groups the items whose next
measurement period has ended by ``as_of`` (the freshness rule,
:func:`gevinst.model.tracking.freshness`, as the status gives it) under their current
owner (:func:`gevinst.model.tracking.current_owner`), across projects. Items without a
current owner are left out here; the decision list flags them (``missing_owner``).
Writing and reading the forms: :mod:`gevinst.io.forms`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass

from gevinst.model import profile
from gevinst.model.decisions import missing_owner
from gevinst.model.schema import Plan
from gevinst.model.tracking import ItemStatus, jsonable


@dataclass(frozen=True)
class DueItem:
    """One measurement an owner is asked for."""

    project: str
    id: str
    kind: str
    name: str
    indicator: str
    unit: str
    period_end: dt.date
    """The date the measurement applies to (end of the measurement period)."""
    due: dt.date
    """Reported by then (period end + grace)."""
    planned_value: float
    """The planned indicator value at ``period_end``."""
    target: float
    latest_value: float | None
    latest_date: dt.date | None


@dataclass(frozen=True)
class OwnerForm:
    """One owner's form: the items due, by project then id."""

    owner: str
    items: tuple[DueItem, ...]

    @property
    def projects(self) -> list[str]:
        return sorted({i.project for i in self.items})

    def to_json(self) -> dict:
        return jsonable(asdict(self))


def is_due(status: ItemStatus, as_of: dt.date) -> bool:
    """The item's next measurement period has ended by ``as_of`` (so it can be reported).

    >>> from types import SimpleNamespace as S
    >>> is_due(S(started=True, next_period_end=dt.date(2026, 9, 30)), dt.date(2026, 10, 1))
    True
    """
    return bool(
        status.started and status.next_period_end is not None and status.next_period_end <= as_of
    )


def owner_forms(
    plans: Mapping[str, Plan] | Iterable[Plan],
    statuses: Sequence[ItemStatus],
    as_of: dt.date,
) -> tuple[list[OwnerForm], list[ItemStatus]]:
    """The forms, one per owner with at least one due item (sorted by owner), and the due
    items that have no current owner (left out of every form)."""
    plist = list(plans.values()) if isinstance(plans, Mapping) else list(plans)
    items_of = {p.project.id: p.measurable() for p in plist}
    groups: dict[str, list[DueItem]] = {}
    orphans: list[ItemStatus] = []
    for s in statuses:
        if not is_due(s, as_of):
            continue
        if missing_owner(s.owner):
            orphans.append(s)
            continue
        item = items_of[s.project][s.id]
        assert s.next_period_end is not None and s.next_due is not None
        groups.setdefault(s.owner, []).append(
            DueItem(
                s.project,
                s.id,
                s.kind,
                s.name,
                s.indicator,
                s.unit,
                s.next_period_end,
                s.next_due,
                float(profile.planned_value(item, s.next_period_end)),
                s.target,
                s.latest_value,
                s.latest_date,
            )
        )
    forms = [
        OwnerForm(owner, tuple(sorted(items, key=lambda i: (i.project, i.id))))
        for owner, items in sorted(groups.items())
    ]
    return forms, orphans
