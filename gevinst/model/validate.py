"""Rules that span fields and objects in a plan: every problem at once.

Field-level rules (types, ranges, id patterns, formula injection) are in the
schema; these are the rest: dates in order, targets that differ from baselines
and move the stated way, references to ids that exist, unique ids, kommuner that
exist in the workspace, fixed shares that add up.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Iterable

from gevinst.errors import InputError, Issue
from gevinst.model.cba_flows import first_analysis_year, price_factor, sunk_costs
from gevinst.model.criteria import criteria_issues
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


def _owner_history_rules(path: str, item: Benefit, lang: str) -> Iterable[Issue]:
    """Each owner period ends (handover) on or after it starts, and periods do not overlap
    (the next owner starts after the previous one's handover)."""
    en = lang == "en"
    periods = sorted(enumerate(item.owner_history), key=lambda p: p[1].since)
    for n, period in periods:
        if period.handover_date is not None and period.handover_date < period.since:
            yield Issue(
                "dates_out_of_order",
                key=f"{path}.owner_history[{n}].handover_date",
                field="handover_date",
                found=f"since={period.since}, handover_date={period.handover_date}",
                allowed="on or after «since»" if en else "på eller etter «fra»",
            )
    for (_a, first), (m, second) in itertools.pairwise(periods):
        if first.handover_date is None or second.since <= first.handover_date:
            yield Issue(
                "invalid",
                key=f"{path}.owner_history[{m}].since",
                field="since",
                found=f"{first.owner}: {first.since}–{first.handover_date or '…'}; "
                f"{second.owner}: {second.since}",
                allowed="after the previous owner's handover date"
                if en
                else "etter forrige eiers overleveringsdato",
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


def _alternatives_issues(plan: Plan, lang: str) -> Iterable[Issue]:
    """The alternatives analysis: at least two alternatives with unique ids (not
    ``null``), references to lines and non-priced effects that exist, and a null
    alternative, a recommended alternative and a justification."""
    if not plan.alternatives:
        return
    en = lang == "en"
    if len(plan.alternatives) < 2:
        yield Issue(
            "invalid",
            key="alternatives",
            field="alternatives",
            found=len(plan.alternatives),
            allowed="at least two alternatives besides the null alternative"
            if en
            else "minst to alternativer i tillegg til nullalternativet",
        )
    lines = {x.id for x in [*plan.costs, *plan.benefits, *plan.disbenefits]}
    effects = {e.id for e in plan.non_priced_effects}
    seen: set[str] = set()
    for n, alt in enumerate(plan.alternatives):
        path = f"alternatives[{n}]"
        if alt.id in seen or alt.id.casefold() == "null":
            yield Issue(
                "duplicate_id",
                key=f"{path}.id",
                field="id",
                found=alt.id,
                allowed="a unique id other than «null»" if en else "en unik ID som ikke er «null»",
            )
        seen.add(alt.id)
        for k, ref in enumerate(alt.excluded_lines):
            if ref not in lines:
                yield Issue(
                    "unknown_reference",
                    key=f"{path}.excluded_lines[{k}]",
                    field="excluded_lines",
                    found=ref,
                    allowed=", ".join(sorted(lines)) or "-",
                )
        for ref in alt.scores:
            if ref not in effects:
                yield Issue(
                    "unknown_reference",
                    key=f"{path}.scores.{ref}",
                    field="scores",
                    found=ref,
                    allowed=", ".join(sorted(effects)) or "-",
                )
    choice = plan.alternatives_choice
    for name, value in (
        ("null_alternative", choice.null_alternative),
        ("justification", choice.justification),
    ):
        if not value:
            yield Issue(
                "missing",
                key=f"alternatives_choice.{name}",
                field=name,
                found="",
                allowed="a description (DFØ: required when alternatives are compared)"
                if en
                else "en beskrivelse (DFØ: påkrevd når alternativer sammenlignes)",
            )
    if choice.recommended not in seen:
        yield Issue(
            "unknown_reference" if choice.recommended else "missing",
            key="alternatives_choice.recommended",
            field="recommended",
            found=choice.recommended or "",
            allowed=", ".join(a.id for a in plan.alternatives),
        )


def _milestone_start_issues(plan: Plan, lang: str) -> Iterable[Issue]:
    """``starts_at`` names a milestone, is not combined with ``realisation_start`` and
    falls before the item's target (due) date."""
    milestones = {m.id: m for m in plan.milestones}
    groups = (
        ("benefits", plan.benefits),
        ("disbenefits", plan.disbenefits),
        ("result_goals", plan.result_goals),
    )
    for group, items in groups:
        for n, item in enumerate(items):
            if item.starts_at is None:
                continue
            path = f"{group}[{n}].starts_at"
            m = milestones.get(item.starts_at)
            if m is None:
                yield Issue(
                    "unknown_reference",
                    key=path,
                    field="starts_at",
                    found=item.starts_at,
                    allowed=", ".join(sorted(milestones)) or "-",
                )
                continue
            if isinstance(item, Benefit) and item.realisation_start is not None:
                yield Issue(
                    "invalid",
                    key=path,
                    field="starts_at",
                    found=f"starts_at={item.starts_at}, realisation_start={item.realisation_start}",
                    allowed="one of starts_at and realisation_start"
                    if lang == "en"
                    else "ett av «starter ved milepæl» og «realisering starter»",
                )
            end = item.due_date if isinstance(item, ResultGoal) else item.target_date
            if m.date >= end:
                yield Issue(
                    "dates_out_of_order",
                    key=path,
                    field="starts_at",
                    found=f"{m.id}.date={m.date}, target_date={end}",
                    allowed="a milestone planned before the target date"
                    if lang == "en"
                    else "en milepæl planlagt før måldatoen",
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
            out.extend(_owner_history_rules(path, b, lang))
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

    out.extend(_milestone_start_issues(plan, lang))
    out.extend(_alternatives_issues(plan, lang))

    for n, c in enumerate(plan.costs):
        out.extend(_uncertainty_rule(f"costs[{n}]", c.uncertainty, lang))

    out.extend(cba_issues(plan, workspace, lang=lang))

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
    milestones = {m.id for m in plan.milestones}
    for k, d in enumerate(plan.depends_on):
        if d.needed_by is not None and d.needed_by not in milestones:
            out.append(
                Issue(
                    "unknown_reference",
                    key=f"depends_on[{k}].needed_by",
                    field="needed_by",
                    found=d.needed_by,
                    allowed=", ".join(sorted(milestones)) or "–",
                )
            )
        if d.on == p.id:
            out.append(
                Issue("not_allowed", key=f"depends_on[{k}].on", field="on", found=d.on,
                      allowed="another project or an external solution")
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


def cba_issues(plan: Plan, workspace: Workspace | None = None, *, lang: str = "nb") -> list[Issue]:
    """Problems with the plan's cost/benefit fields (docs/cba.md): time, lifetimes, groups."""
    en = lang == "en"
    out: list[Issue] = []
    p = plan.project
    first = first_analysis_year(plan)
    sunk = sunk_costs(plan)
    if sunk and (p.decision_year is None or not p.decision_note):
        where = "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in sunk.items())
        out.append(
            Issue(
                "missing",
                key="project.decision_year" if p.decision_year is None else "project.decision_note",
                field="decision_year" if p.decision_year is None else "decision_note",
                detail=(
                    f"costs before the first analysis year {first} ({where}): set decision_year "
                    "and decision_note (why the analysis starts then); those costs are then "
                    "shown as sunk costs"
                    if en
                    else f"kostnader før analysens første år {first} ({where}): oppgi "
                    "beslutningsår og begrunnelse; kostnadene vises da som påløpte kostnader"
                ),
            )
        )
    cost_ids = [c.id for c in plan.costs]
    for n, c in enumerate(plan.costs):
        if c.reinvest and not c.lifetime:
            out.append(
                Issue(
                    "missing",
                    key=f"costs[{n}].lifetime",
                    field="lifetime",
                    detail="reinvest needs a lifetime" if en else "reinvestering krever levetid",
                )
            )
    for group, items in (("benefits", plan.benefits), ("disbenefits", plan.disbenefits)):
        for n, b in enumerate(items):
            for k, dep in enumerate(b.depends_on):
                if dep not in cost_ids:
                    out.append(
                        Issue(
                            "unknown_reference",
                            key=f"{group}[{n}].depends_on[{k}]",
                            field="depends_on",
                            found=dep,
                            allowed=", ".join(cost_ids),
                        )
                    )
    line_ids = [*cost_ids, *(b.id for b in plan.benefits), *(b.id for b in plan.disbenefits)]
    used: dict[str, str] = {}
    for n, g in enumerate(plan.correlation_groups):
        for k, line in enumerate(g.lines):
            key = f"correlation_groups[{n}].lines[{k}]"
            if line not in line_ids:
                out.append(
                    Issue(
                        "unknown_reference",
                        key=key,
                        field="lines",
                        found=line,
                        allowed=", ".join(line_ids),
                    )
                )
            elif line in used:
                out.append(
                    Issue(
                        "duplicate_id",
                        key=key,
                        field="lines",
                        found=line,
                        allowed=(
                            f"a line in one group only (already in {used[line]})"
                            if en
                            else f"en linje i én gruppe (står alt i {used[line]})"
                        ),
                    )
                )
            else:
                used[line] = g.id
    if workspace is not None:
        if workspace.price_year is None and p.price_year > first:
            out.append(
                Issue(
                    "not_allowed",
                    key="project.price_year",
                    field="price_year",
                    found=p.price_year,
                    allowed=f"≤ {first}"
                    + (
                        " (or convert: price_year and price_index in gevinst.yaml)"
                        if en
                        else " (eller regn om: price_year og price_index i gevinst.yaml)"
                    ),
                    detail=(
                        "the price year is after the first analysis year"
                        if en
                        else "prisnivået er etter analysens første år"
                    ),
                )
            )
        try:
            price_factor(plan, workspace)
        except InputError as exc:
            out.extend(i for i in exc.issues if i.key.startswith("project."))
    return out


def workspace_issues(workspace: Workspace, *, lang: str = "nb") -> list[Issue]:
    """Cross-field problems in ``gevinst.yaml``: tax financing off without a reason, price years."""
    en = lang == "en"
    out: list[Issue] = []
    tf = workspace.tax_financing
    if not tf.enabled and not tf.off_reason:
        out.append(
            Issue(
                "missing",
                key="tax_financing.off_reason",
                field="off_reason",
                detail=(
                    "R-109 asks for the tax financing cost in the public sector; say why it is off"
                    if en
                    else "R-109 krever skattefinansieringskostnad i offentlig sektor; "
                    "begrunn hvorfor den er av"
                ),
            )
        )
    if workspace.price_year is not None:
        index = workspace.price_index
        values = {} if index is None else index.values
        if int(workspace.price_year) not in values:
            out.append(
                Issue(
                    "missing" if index is None else "not_allowed",
                    key="price_index" if index is None else "price_year",
                    field="price_index" if index is None else "price_year",
                    found=None if index is None else workspace.price_year,
                    allowed="" if index is None else f"{min(values)}–{max(values)}",
                    detail=(
                        "a price year needs a price index that covers it"
                        if en
                        else "et prisnivå krever en prisindeks som dekker året"
                    ),
                )
            )
    out += criteria_issues(workspace, lang=lang)
    seen: set[str] = set()
    for k, e in enumerate(workspace.external_solutions):
        if e.id in seen:
            out.append(Issue("duplicate_id", key=f"external_solutions[{k}].id", field="id", found=e.id))
        seen.add(e.id)
    for k, prop in enumerate(workspace.proposals):
        for name in ("investment", "operation_per_year", "benefit_per_year"):
            r = getattr(prop, name)
            if r.high < r.low:
                out.append(
                    Issue(
                        "range_out_of_order",
                        key=f"proposals[{k}].{name}",
                        field="high",
                        found=r.high,
                        allowed=f">= {r.low:g}",
                    )
                )
        unknown = [m for m in prop.municipalities if m not in workspace.population()]
        for m in unknown:
            out.append(
                Issue(
                    "unknown_reference",
                    key=f"proposals[{k}].municipalities",
                    field="municipalities",
                    found=m,
                    allowed=", ".join(workspace.population()),
                )
            )
    return out
