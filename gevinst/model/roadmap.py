"""The road map (veikart): projects, external solutions and the dependencies between them.

A plan's ``depends_on`` names what it needs — an external (national or
regional) solution in the workspace, or another project — and by which of its
own milestones (``needed_by``; empty: the project's end date). The date of
what it depends on is the solution's ``expected_date`` or the other project's
end date (when it delivers). A dependency is **broken** (late) when that date
is later than the date of the milestone that needs it and the solution is not
delivered (:func:`dependency_warnings`); an ``on`` that names nothing known is
reported too (``unknown``). Pure functions of the plans and the workspace.

>>> import datetime as dt
>>> late_by(dt.date(2027, 3, 1), dt.date(2027, 1, 1))
59
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

from gevinst.model.schema import Plan, SolutionStatus, Workspace

EXTERNAL, PROJECT, UNKNOWN = "external", "project", "unknown"


@dataclass(frozen=True)
class DependencyLink:
    """One dependency of one project, resolved: what, whose date, needed when."""

    project: str
    on: str
    kind: str
    """``external``, ``project`` or ``unknown``."""
    on_name: str
    on_date: dt.date | None
    needed_by: str
    """The milestone id that needs it ("" : the project's end date)."""
    needed_name: str
    needed_date: dt.date
    status: str = ""
    """The external solution's status (``delivered``: never late)."""
    note: str = ""

    @property
    def days_late(self) -> int:
        """How many days after the milestone the dependency arrives (0 when on time)."""
        if self.on_date is None or self.status == SolutionStatus.DELIVERED.value:
            return 0
        return max(0, late_by(self.on_date, self.needed_date))

    @property
    def broken(self) -> bool:
        return self.kind == UNKNOWN or self.days_late > 0

    def to_json(self) -> dict:
        out = asdict(self)
        out["on_date"] = self.on_date.isoformat() if self.on_date else None
        out["needed_date"] = self.needed_date.isoformat()
        out["days_late"] = self.days_late
        out["broken"] = self.broken
        return out


def late_by(available: dt.date, needed: dt.date) -> int:
    """Days from the date needed to the date available (negative: in time)."""
    return (available - needed).days


def dependency_links(
    plans: Mapping[str, Plan] | Iterable[Plan], workspace: Workspace
) -> list[DependencyLink]:
    """Every dependency of every plan, resolved against the workspace and the other plans."""
    plist = list(plans.values()) if isinstance(plans, Mapping) else list(plans)
    by_id = {p.project.id: p for p in plist}
    solutions = {s.id: s for s in workspace.external_solutions}
    out: list[DependencyLink] = []
    for plan in plist:
        p = plan.project
        milestones = {m.id: m for m in plan.milestones}
        for d in plan.depends_on:
            m = milestones.get(d.needed_by or "")
            needed_date = m.date if m is not None else p.end_date
            needed_name = m.name if m is not None else ""
            if d.on in solutions:
                s = solutions[d.on]
                kind, name, date, status = EXTERNAL, s.name, s.expected_date, s.status.value
            elif d.on in by_id:
                other = by_id[d.on].project
                kind, name, date, status = PROJECT, other.name, other.end_date, ""
            else:
                kind, name, date, status = UNKNOWN, d.on, None, ""
            out.append(
                DependencyLink(
                    project=p.id,
                    on=d.on,
                    kind=kind,
                    on_name=name,
                    on_date=date,
                    needed_by=m.id if m is not None else "",
                    needed_name=needed_name,
                    needed_date=needed_date,
                    status=status,
                    note=d.note,
                )
            )
    return out


def dependency_warnings(
    plans: Mapping[str, Plan] | Iterable[Plan], workspace: Workspace
) -> list[DependencyLink]:
    """The broken dependencies: later than the milestone that needs them, or unknown.

    Most days late first, then by project and dependency.
    """
    broken = [d for d in dependency_links(plans, workspace) if d.broken]
    return sorted(broken, key=lambda d: (-d.days_late, d.project, d.on))


def warning_text(d: DependencyLink, lang: str = "nb") -> str:
    """One sentence a reader can act on."""
    when = d.needed_name or ("the end of the project" if lang == "en" else "prosjektslutt")
    if d.kind == UNKNOWN:
        return (
            f"{d.project}: depends on «{d.on}», which is neither an external solution nor a project"
            if lang == "en"
            else f"{d.project}: avhenger av «{d.on}», som verken er en ekstern løsning eller et prosjekt"
        )
    fmt = "%Y-%m-%d" if lang == "en" else "%d.%m.%Y"
    on_date = d.on_date.strftime(fmt) if d.on_date else "?"
    needed = d.needed_date.strftime(fmt)
    return (
        f"{d.project}: «{d.on_name}» is expected {on_date}, {d.days_late} days after "
        f"«{when}» ({needed}) that needs it"
        if lang == "en"
        else f"{d.project}: «{d.on_name}» ventes {on_date}, {d.days_late} dager etter "
        f"«{when}» ({needed}) som trenger den"
    )


@dataclass(frozen=True)
class RoadmapRow:
    """One project on the road map."""

    project: str
    name: str
    group: str
    start: dt.date
    end: dt.date
    phase: str
    milestones: tuple[tuple[str, str, dt.date, str, bool], ...]
    """(id, name, date, decision point or "", done)."""


def roadmap_rows(plans: Mapping[str, Plan] | Iterable[Plan]) -> list[RoadmapRow]:
    """Projects sorted by group (programme/theme, else organisation), then start date."""
    plist = list(plans.values()) if isinstance(plans, Mapping) else list(plans)
    rows = [
        RoadmapRow(
            project=p.project.id,
            name=p.project.name,
            group=p.project.programme or p.project.organisation,
            start=p.project.start_date,
            end=p.project.end_date,
            phase=p.project.phase.value if p.project.phase else "",
            milestones=tuple(
                (
                    m.id,
                    m.name,
                    m.date,
                    m.decision_point.value if m.decision_point else "",
                    bool(m.done),
                )
                for m in sorted(p.milestones, key=lambda m: (m.date, m.id))
            ),
        )
        for p in plist
    ]
    return sorted(rows, key=lambda r: (r.group, r.start, r.project))


__all__ = [
    "EXTERNAL",
    "PROJECT",
    "UNKNOWN",
    "DependencyLink",
    "RoadmapRow",
    "dependency_links",
    "dependency_warnings",
    "late_by",
    "roadmap_rows",
    "warning_text",
]
