"""Rules that span fields and objects in a plan: every problem at once.

Field-level rules (types, ranges, id patterns, formula injection) are in the
schema; these are the rest: dates in order, targets that differ from baselines
and move the stated way, references to ids that exist, unique ids, kommuner that
exist in the workspace, fixed shares that add up.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from gevinst.errors import Issue
from gevinst.model.schema import (
    Benefit,
    CostSharing,
    Direction,
    Measurement,
    Plan,
    Profile,
    ResultGoal,
    Uncertainty,
    Workspace,
)


def _date_order(path: str, earlier: str, a, later: str, b, lang: str) -> Issue | None:
    if a is not None and b is not None and a >= b:
        allowed = f"{earlier} before {later}" if lang == "en" else f"{earlier} før {later}"
        return Issue(
            "dates_out_of_order",
            key=f"{path}.{later}",
            field=later,
            found=f"{earlier}={a}, {later}={b}",
            allowed=allowed,
        )
    return None


def _target_rules(
    path: str, item: Benefit | ResultGoal, lang: str, *, disbenefit: bool = False
) -> Iterable[Issue]:
    if item.target == item.baseline:
        yield Issue(
            "target_equals_baseline",
            key=f"{path}.target",
            field="target",
            found=item.target,
            allowed="a target different from the baseline"
            if lang == "en"
            else "en målverdi ulik nullpunktet",
        )
    elif not disbenefit:
        up = item.target > item.baseline
        if up != (item.direction == Direction.INCREASE):
            yield Issue(
                "wrong_direction",
                key=f"{path}.target",
                field="target",
                found=f"baseline={item.baseline}, target={item.target}, direction={item.direction.value}",
                allowed=(
                    "a target above the baseline when increase is good, below when decrease is good"
                    if lang == "en"
                    else "målverdi over nullpunktet når økning er bra, under når nedgang er bra"
                ),
            )
    if item.profile == Profile.EXPLICIT and not item.profile_fractions:
        yield Issue(
            "missing",
            key=f"{path}.profile_fractions",
            field="profile_fractions",
            allowed="fractions per year (0–1) for the explicit profile"
            if lang == "en"
            else "andeler per år (0–1) for profilen «egne andeler per år»",
        )


def _uncertainty_rule(path: str, u: Uncertainty, lang: str) -> Iterable[Issue]:
    """A triangle needs low ≤ likely ≤ high (cost and benefit lines alike)."""
    if not (u.low <= u.likely <= u.high):
        yield Issue(
            "invalid",
            key=f"{path}.uncertainty",
            field="uncertainty",
            found=f"low={u.low}, likely={u.likely}, high={u.high}",
            allowed="low ≤ likely ≤ high" if lang == "en" else "lav ≤ sannsynlig ≤ høy",
        )


def plan_issues(plan: Plan, workspace: Workspace | None = None, *, lang: str = "nb") -> list[Issue]:
    """All cross-field problems in ``plan`` (empty when it is sound)."""
    out: list[Issue] = []
    p = plan.project
    if i := _date_order("project", "start_date", p.start_date, "end_date", p.end_date, lang):
        out.append(i)

    # Unique ids across the plan: measurements and references name them.
    seen: dict[str, str] = {}
    groups = [
        ("effect_goals", plan.effect_goals),
        ("result_goals", plan.result_goals),
        ("benefits", plan.benefits),
        ("disbenefits", plan.disbenefits),
        ("costs", plan.costs),
        ("non_priced_effects", plan.non_priced_effects),
        ("risks", plan.risks),
        ("milestones", plan.milestones),
    ]
    for name, items in groups:
        for n, item in enumerate(items):
            path = f"{name}[{n}]"
            if item.id in seen:
                out.append(
                    Issue(
                        "duplicate_id",
                        key=f"{path}.id",
                        field="id",
                        found=item.id,
                        allowed=(
                            f"an id not used before (first used at {seen[item.id]})"
                            if lang == "en"
                            else f"en ID som ikke er brukt før (først brukt i {seen[item.id]})"
                        ),
                    )
                )
            else:
                seen[item.id] = path

    effect_ids = {g.id for g in plan.effect_goals}
    allowed_effects = ", ".join(sorted(effect_ids))

    for n, goal in enumerate(plan.result_goals):
        path = f"result_goals[{n}]"
        if goal.effect_goal not in effect_ids:
            out.append(
                Issue(
                    "unknown_reference",
                    key=f"{path}.effect_goal",
                    field="effect_goal",
                    found=goal.effect_goal,
                    allowed=allowed_effects,
                )
            )
        if i := _date_order(
            path, "baseline_date", goal.baseline_date, "due_date", goal.due_date, lang
        ):
            out.append(i)
        out.extend(_target_rules(path, goal, lang))

    participating = set(p.municipalities)
    for group, items in (("benefits", plan.benefits), ("disbenefits", plan.disbenefits)):
        for n, b in enumerate(items):
            path = f"{group}[{n}]"
            if b.effect_goal not in effect_ids:
                out.append(
                    Issue(
                        "unknown_reference",
                        key=f"{path}.effect_goal",
                        field="effect_goal",
                        found=b.effect_goal,
                        allowed=allowed_effects,
                    )
                )
            if i := _date_order(
                path, "baseline_date", b.baseline_date, "target_date", b.target_date, lang
            ):
                out.append(i)
            if b.realisation_start is not None:
                if b.realisation_start < b.baseline_date:
                    out.append(
                        Issue(
                            "dates_out_of_order",
                            key=f"{path}.realisation_start",
                            field="realisation_start",
                            found=f"realisation_start={b.realisation_start}, baseline_date={b.baseline_date}",
                            allowed="on or after the baseline date"
                            if lang == "en"
                            else "på eller etter nullpunktsdatoen",
                        )
                    )
                if i := _date_order(
                    path,
                    "realisation_start",
                    b.realisation_start,
                    "target_date",
                    b.target_date,
                    lang,
                ):
                    out.append(i)
            out.extend(_target_rules(path, b, lang, disbenefit=group == "disbenefits"))
            v = b.valuation
            if v is not None and (v.nok_per_unit is None) == (v.hours_per_unit is None):
                out.append(
                    Issue(
                        "invalid",
                        key=f"{path}.valuation",
                        field="valuation",
                        found=f"nok_per_unit={v.nok_per_unit}, hours_per_unit={v.hours_per_unit}",
                        allowed="exactly one of nok_per_unit and hours_per_unit"
                        if lang == "en"
                        else "nøyaktig ett av «kr per enhet» og «timer per enhet»",
                    )
                )
            for m, name in enumerate(b.municipalities):
                if name not in participating:
                    out.append(
                        Issue(
                            "unknown_reference",
                            key=f"{path}.municipalities[{m}]",
                            field="municipalities",
                            found=name,
                            allowed=", ".join(p.municipalities),
                        )
                    )
            out.extend(_uncertainty_rule(path, b.uncertainty, lang))

    for n, c in enumerate(plan.costs):
        out.extend(_uncertainty_rule(f"costs[{n}]", c.uncertainty, lang))

    if workspace is not None:
        known = workspace.population()
        for m, name in enumerate(p.municipalities):
            if name not in known:
                out.append(
                    Issue(
                        "unknown_reference",
                        key=f"project.municipalities[{m}]",
                        field="municipalities",
                        found=name,
                        allowed=", ".join(known),
                    )
                )
    if len(set(p.municipalities)) != len(p.municipalities):
        dup = sorted({x for x in p.municipalities if p.municipalities.count(x) > 1})
        out.append(
            Issue(
                "duplicate_id",
                key="project.municipalities",
                field="municipalities",
                found=", ".join(dup),
            )
        )
    if p.cost_sharing == CostSharing.FIXED:
        shares = p.fixed_shares
        for name in shares:
            if name not in participating:
                out.append(
                    Issue(
                        "unknown_reference",
                        key=f"project.fixed_shares.{name}",
                        field="fixed_shares",
                        found=name,
                        allowed=", ".join(p.municipalities),
                    )
                )
        missing = [m for m in p.municipalities if m not in shares]
        if missing:
            out.append(
                Issue(
                    "missing",
                    key="project.fixed_shares",
                    field="fixed_shares",
                    found=None,
                    detail=", ".join(missing),
                )
            )
        total = sum(shares.values())
        if abs(total - 1.0) > 1e-6:
            out.append(
                Issue(
                    "shares_sum",
                    key="project.fixed_shares",
                    field="fixed_shares",
                    found=round(total, 6),
                    allowed="1.0",
                )
            )
    return out


def future_date_issue(date: dt.date, today: dt.date, *, lang: str = "nb") -> Issue | None:
    """A measurement dated after ``today`` (the one rule for intake, Excel import and check)."""
    if date <= today:
        return None
    return Issue(
        "date_in_future",
        field="date",
        found=str(date),
        allowed=f"on or before {today}" if lang == "en" else f"{today} eller tidligere",
    )


def recorded_at_issue(m: Measurement, *, lang: str = "nb") -> Issue | None:
    """A ``recorded_at`` before the date measured: a register cannot know a value before
    it was measured (a forged or mistyped audit trail)."""
    if m.recorded_at is None or m.recorded_at.date() >= m.date:
        return None
    return Issue(
        "recorded_before_date",
        field="recorded_at",
        found=m.recorded_at.isoformat(),
        allowed=f"on or after {m.date}" if lang == "en" else f"{m.date} eller senere",
    )


def measurement_issues(
    plan: Plan,
    rows: list[tuple[int, Measurement]],
    *,
    lang: str = "nb",
    today: dt.date | None = None,
) -> list[Issue]:
    """Problems in measurements: unknown targets, dates before baseline or after ``today``
    (when given), ``recorded_at`` before the date, duplicates.

    ``rows`` are (row number, measurement) pairs as read from the CSV.
    """
    targets = plan.measurable()
    out: list[Issue] = []
    seen: dict[tuple[str, object], tuple[int, float]] = {}
    allowed = ", ".join(targets)
    for row, m in rows:
        for issue in (
            future_date_issue(m.date, today, lang=lang) if today is not None else None,
            recorded_at_issue(m, lang=lang),
        ):
            if issue is not None:
                out.append(dataclasses.replace(issue, row=row))
        t = targets.get(m.target_id)
        if t is None:
            out.append(
                Issue(
                    "unknown_reference",
                    row=row,
                    field="target_id",
                    found=m.target_id,
                    allowed=allowed,
                )
            )
            continue
        if m.date < t.baseline_date:
            out.append(
                Issue(
                    "date_before_baseline",
                    row=row,
                    field="date",
                    found=str(m.date),
                    allowed=(
                        f"on or after {t.baseline_date}"
                        if lang == "en"
                        else f"{t.baseline_date} eller senere"
                    ),
                )
            )
        k = (m.target_id, m.date)
        if k in seen:
            first_row, first_value = seen[k]
            problem = (
                "duplicate_measurement" if first_value == m.value else "conflicting_measurement"
            )
            out.append(
                Issue(
                    problem,
                    row=row,
                    field="date",
                    found=f"{m.target_id} {m.date} = {m.value}",
                    detail=(
                        f"see row {first_row} (value {first_value})"
                        if lang == "en"
                        else f"se rad {first_row} (verdi {first_value})"
                    ),
                )
            )
        else:
            seen[k] = (row, m.value)
    return out
