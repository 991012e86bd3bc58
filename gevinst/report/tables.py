"""Tables for the reports: DataFrames with Norwegian headers and formatted cells.

Each function takes plan data or model results and returns a
:class:`pandas.DataFrame` ready to show: headers in Norwegian (English with
``lang="en"``), numbers and dates formatted by :mod:`gevinst.report.text`
(``1 234 567 kr``, ``12,5 %``, ``25.11.2026``), status as symbol *and* word
(``✔ På plan``). The names of right-aligned (numeric) columns are listed in
``df.attrs["numeric"]``.

:func:`table_html` turns a table into accessible HTML (``<caption>``,
``<th scope="col">``, every cell escaped) and :func:`show_table` displays it in
a notebook.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from gevinst.model import tracking
from gevinst.model.schema import IMPACT_SYMBOLS, Plan
from gevinst.report.text import (
    display_html,
    fmt_date,
    fmt_nok,
    fmt_number,
    fmt_percent,
    fmt_value,
    key_figures,
    noun,
    risk_level,
    risks_by_level,
    sensitivity_label,
    sensitivity_rows,
    status_count_parts,
    status_label,
    switching_text,
    t,
)


def _frame(
    rows: list[list[Any]],
    columns: Sequence[str],
    numeric: Iterable[str] = (),
    *,
    caption: str = "",
    empty: str = "",
) -> pd.DataFrame:
    """A table of display strings; caption, empty-table text and numeric columns in ``attrs``."""
    df = pd.DataFrame(rows, columns=list(columns), dtype=object)
    df.attrs["numeric"] = [c for c in numeric if c in df.columns]
    df.attrs["caption"] = caption
    df.attrs["empty"] = empty
    return df


def _value(value: float | None, unit: str, lang: str) -> str:
    number = fmt_value(value, lang)
    return f"{number}\u00a0{unit}" if unit and value is not None else number


def _text(value: Any) -> str:
    return "" if value is None else str(value)


# --------------------------------------------------------------------------- goals


def goal_table(plan: Plan, lang: str = "nb") -> pd.DataFrame:
    """The goal hierarchy: hovedmål, each effektmål and the resultatmål under it."""
    c = [t(lang, "Nivå", "Level"), "ID", t(lang, "Mål", "Goal"), t(lang, "Indikator", "Indicator")]
    rows = [[t(lang, "Hovedmål", "Main goal"), "", plan.goals.main_goal, ""]]
    for eg in plan.effect_goals:
        rows.append([t(lang, "Effektmål", "Effect goal"), eg.id, eg.text, eg.indicator])
        for rg in plan.result_goals:
            if rg.effect_goal == eg.id:
                target = _value(rg.target, rg.unit, lang)
                rows.append(
                    [
                        t(lang, "Resultatmål", "Result goal"),
                        rg.id,
                        rg.text,
                        f"{rg.indicator}: {target} {t(lang, 'innen', 'by')} {fmt_date(rg.due_date, lang)}",
                    ]
                )
    return _frame(
        rows,
        c,
        caption=t(
            lang,
            "Målhierarki: hovedmål, effektmål og resultatmål",
            "Goal hierarchy: main goal, effect goals and result goals",
        ),
    )


# --------------------------------------------------------------------------- status


STATUS_COLUMNS: dict[str, tuple[str, str, bool]] = {
    "project": ("Prosjekt", "Project", False),
    "id": ("ID", "ID", False),
    "kind": ("Type", "Kind", False),
    "name": ("Navn", "Name", False),
    "owner": ("Ansvarlig", "Owner", False),
    "status": ("Status", "Status", False),
    "realised": ("Realisert andel", "Realised share", True),
    "planned": ("Planlagt andel", "Planned share", True),
    "latest": ("Siste måling", "Latest measurement", True),
    "measured": ("Siste måling", "Latest measurement", False),
    "plan": ("Plan: nullpunkt → mål", "Plan: baseline → target", False),
    "unit": ("Enhet", "Unit", False),
    "forecast": ("Prognose ved måldato", "Forecast at target date", True),
    "next": ("Neste måling", "Next measurement", False),
}
"""The columns a status table can have: key → (Norwegian header, English header, numeric).

``latest`` is the value with its date, ``measured`` only the date (``aldri målt``
when never measured); the shares are of the planned change (0 % at the
baseline, 100 % at the target); the forecast is the linear trend at the target
date; ``next`` says ``(forfalt)`` when overdue.
"""


def _measured(day: dt.date | None, lang: str) -> str:
    return fmt_date(day, lang) if day else t(lang, "aldri målt", "never measured")


def _status_cells(s: Any, lang: str, plans: Any = None) -> dict[str, str]:
    """Every :data:`STATUS_COLUMNS` cell of one :class:`ItemStatus`."""
    latest = "–"
    if s.latest_value is not None:
        latest = f"{fmt_value(s.latest_value, lang)} ({fmt_date(s.latest_date, lang)})"
    name = s.name
    if s.kind == "disbenefit":
        name += f" ({noun('disbenefit', 1, lang)})"
    forecast = (
        fmt_value(s.forecast_at_target, lang)
        if s.forecast_at_target is not None
        else tracking.FORECAST_NOTES["en" if lang == "en" else "nb"][s.forecast_note]
    )
    next_due = fmt_date(s.next_due, lang)
    if s.overdue:
        next_due += t(lang, " (forfalt)", " (overdue)")
    return {
        "project": _project_name(plans, s.project),
        "id": s.id,
        "kind": noun(s.kind, 1, lang),
        "name": name,
        "owner": s.owner,
        "status": status_label(s.status, lang),
        "realised": fmt_percent(s.realised_share, lang, 0),
        "planned": fmt_percent(s.planned_share, lang, 0),
        "latest": latest,
        "measured": _measured(s.latest_date, lang),
        "plan": f"{fmt_value(s.baseline, lang)} → {fmt_value(s.target, lang)} "
        f"{t(lang, 'innen', 'by')} {fmt_date(s.target_date, lang)}",
        "unit": s.unit,
        "forecast": forecast,
        "next": next_due,
    }


def _status_frame(
    statuses: Iterable[Any],
    lang: str,
    keys: Sequence[str],
    headers: dict[str, tuple[str, str]] | None = None,
    *,
    plans: Any = None,
    caption: str = "",
    empty: str = "",
) -> pd.DataFrame:
    """A table of :data:`STATUS_COLUMNS` ``keys`` (``headers`` renames some: key → (nb, en))."""
    names = {k: (headers or {}).get(k, STATUS_COLUMNS[k][:2]) for k in keys}
    c = {k: t(lang, *names[k]) for k in keys}
    rows = []
    for s in statuses:
        cells = _status_cells(s, lang, plans)
        rows.append([cells[k] for k in keys])
    numeric = [c[k] for k in keys if STATUS_COLUMNS[k][2]]
    return _frame(rows, list(c.values()), numeric, caption=caption, empty=empty)


_STATUS_KEYS = ("id", "name", "owner", "status", "realised", "planned", "latest", "plan", "unit")


def benefit_status_table(
    statuses: Iterable[Any], lang: str = "nb", *, kinds: Sequence[str] = ("benefit", "disbenefit")
) -> pd.DataFrame:
    """Benefits (and ulemper) against plan: status as symbol and word, shares, forecast.

    Shares are of the planned change (0 % at the baseline, 100 % at the target);
    "Siste måling" is the value with its date; the forecast is the linear trend
    at the target date; "Neste måling" says "(forfalt)" when overdue.
    """
    return _status_frame(
        [s for s in statuses if s.kind in kinds],
        lang,
        (*_STATUS_KEYS, "forecast", "next"),
        {"name": ("Gevinst", "Benefit"), "owner": ("Gevinsteier", "Benefit owner")},
        caption=t(
            lang,
            "Gevinster og ulemper: status mot plan",
            "Benefits and dis-benefits: status against plan",
        ),
        empty=t(lang, "Ingen gevinster er registrert.", "No benefits are registered."),
    )


def result_goal_table(statuses: Iterable[Any], lang: str = "nb") -> pd.DataFrame:
    """Resultatmål against plan (same columns as the benefits, without the forecast)."""
    return _status_frame(
        [s for s in statuses if s.kind == "result"],
        lang,
        _STATUS_KEYS,
        {"name": ("Resultatmål", "Result goal"), "owner": ("Ansvarlig", "Responsible")},
        caption=t(lang, "Resultatmål: status mot plan", "Result goals: status against plan"),
        empty=t(lang, "Ingen resultatmål er registrert.", "No result goals are registered."),
    )


STATUS_TABLE_COLUMNS = (
    "id",
    "kind",
    "name",
    "status",
    "realised",
    "planned",
    "latest",
    "plan",
    "forecast",
)
"""The columns of :func:`status_table` unless told otherwise."""


def status_table(
    statuses: Iterable[Any],
    lang: str = "nb",
    *,
    columns: Sequence[str] = STATUS_TABLE_COLUMNS,
    plans: Any = None,
) -> pd.DataFrame:
    """Benefits, ulemper and resultatmål together against plan (``columns``: :data:`STATUS_COLUMNS` keys)."""
    return _status_frame(
        statuses,
        lang,
        columns,
        plans=plans,
        caption=t(lang, "Status mot plan", "Status against plan"),
        empty=t(
            lang,
            "Ingen gevinster eller resultatmål er registrert.",
            "No benefits or result goals are registered.",
        ),
    )


# --------------------------------------------------------------------------- cost/benefit


def key_figures_table(cba: Any, lang: str = "nb") -> pd.DataFrame:
    """The key figures of a :class:`CbaResult` (label, formatted value)."""
    c = [t(lang, "Nøkkeltall", "Key figure"), t(lang, "Verdi", "Value")]
    return _frame(
        [list(r) for r in key_figures(cba, lang)],
        c,
        [c[1]],
        caption=t(lang, "Nøkkeltall", "Key figures"),
    )


def cash_flow_table(cba: Any, lang: str = "nb") -> pd.DataFrame:
    """The per-year table behind the cash-flow charts (NOK, real prices)."""
    c = {
        "year": t(lang, "År", "Year"),
        "costs": t(lang, "Kostnader", "Costs"),
        "benefits": t(lang, "Nytte", "Benefits"),
        "cash": t(lang, "herav kontant", "of which cash"),
        "dis": t(lang, "Ulemper", "Dis-benefits"),
        "net": t(lang, "Netto", "Net"),
        "factor": t(lang, "Diskonteringsfaktor", "Discount factor"),
        "pv": t(lang, "Nåverdi", "Present value"),
        "cum": t(lang, "Akkumulert nåverdi", "Cumulative present value"),
    }
    rows = [
        [
            f"{int(r.year)} ({t(lang, 'restverdi', 'residual value')})"
            if getattr(r, "residual", False)
            else str(int(r.year)),
            fmt_nok(r.costs, lang),
            fmt_nok(r.benefits, lang),
            fmt_nok(r.cash_benefits, lang),
            fmt_nok(r.disbenefits, lang),
            fmt_nok(r.net, lang),
            fmt_number(r.discount_factor, 4, lang),
            fmt_nok(r.present_value, lang),
            fmt_nok(r.cumulative_present_value, lang),
        ]
        for r in cba.per_year.itertuples(index=False)
    ]
    return _frame(
        rows,
        list(c.values()),
        [v for k, v in c.items() if k != "year"],
        caption=t(
            lang,
            "Kontantstrøm per år (forventede verdier, kroner, faste priser)",
            "Cash flow per year (expected values, NOK, real prices)",
        ),
    )


def sensitivity_table(cba: Any, lang: str = "nb") -> pd.DataFrame:
    """The tornado's data: NPV with each input low and high, and its switching value."""
    c = [
        t(lang, "Forutsetning", "Input"),
        t(lang, "Nåverdi ved lav verdi", "NPV at low value"),
        t(lang, "Nåverdi ved høy verdi", "NPV at high value"),
        t(lang, "Hva som gir nåverdi 0", "What brings NPV to 0"),
    ]
    body = [
        [
            sensitivity_label(r, lang),
            fmt_nok(r.low_npv, lang, short=True),
            fmt_nok(r.high_npv, lang, short=True),
            _sens_switch(r, lang),
        ]
        for r in sensitivity_rows(cba)
    ]
    return _frame(
        body,
        c,
        c[1:3],
        caption=t(
            lang,
            "Følsomhet: netto nåverdi når én forutsetning endres",
            "Sensitivity: NPV when one input changes",
        ),
    )


def _sens_switch(row: Any, lang: str) -> str:
    text = switching_text(row, lang)
    if text:
        return text
    return "–" if row.switching_value is None else fmt_number(row.switching_value, 2, lang)


def municipality_table(cba: Any, lang: str = "nb") -> pd.DataFrame:
    """Per kommune: share, costs, benefits and NPV (present values), plus the total."""
    c = [
        t(lang, "Kommune", "Municipality"),
        t(lang, "Andel", "Share"),
        t(lang, "Kostnader (nåverdi)", "Costs (present value)"),
        t(lang, "Nytte (nåverdi)", "Benefits (present value)"),
        t(lang, "Netto nåverdi", "Net present value"),
    ]
    ms = list(cba.municipalities)

    def row(name: str, share: float, costs: float, benefits: float, npv: float) -> list[str]:
        return [name, fmt_percent(share, lang), *(fmt_nok(v, lang) for v in (costs, benefits, npv))]

    rows = [row(m.name, m.share, m.costs, m.benefits, m.npv) for m in ms]
    if ms:
        total = [sum(getattr(m, k) for m in ms) for k in ("share", "costs", "benefits", "npv")]
        rows.append(row(t(lang, "Sum", "Total"), *total))
    return _frame(
        rows,
        c,
        c[1:],
        caption=t(lang, "Per kommune (nåverdier)", "Per municipality (present values)"),
    )


# --------------------------------------------------------------------------- plan


def non_priced_table(plan: Plan, lang: str = "nb") -> pd.DataFrame:
    """Ikke-prissatte virkninger on DFØ's scale (−−−− … ++++), beside the NPV."""
    c = [
        "ID",
        t(lang, "Virkning", "Effect"),
        t(lang, "Berørte", "Affected"),
        t(lang, "Betydning", "Significance"),
        t(lang, "Omfang", "Scope"),
        t(lang, "Konsekvens", "Impact"),
        t(lang, "Begrunnelse", "Justification"),
    ]
    rows = [
        [
            e.id,
            e.name,
            e.affected,
            e.significance.label(lang) if e.significance else "–",
            e.scope.label(lang) if e.scope else "–",
            IMPACT_SYMBOLS[e.score],
            e.justification,
        ]
        for e in plan.non_priced_effects
    ]
    return _frame(
        rows,
        c,
        caption=t(lang, "Ikke-prissatte virkninger", "Non-priced effects"),
        empty=t(
            lang,
            "Ingen ikke-prissatte virkninger er registrert.",
            "No non-priced effects are registered.",
        ),
    )


def risk_table(plan: Plan, lang: str = "nb") -> pd.DataFrame:
    """Risks, highest score (probability × consequence) first."""
    c = [
        "ID",
        t(lang, "Risiko", "Risk"),
        t(lang, "Sannsynlighet", "Probability"),
        t(lang, "Konsekvens", "Consequence"),
        t(lang, "Risikonivå", "Risk level"),
        t(lang, "Tiltak", "Mitigation"),
        t(lang, "Eier", "Owner"),
    ]
    rows = [
        [
            r.id,
            r.description,
            str(r.probability),
            str(r.consequence),
            f"{r.probability * r.consequence} ({risk_level(r.probability, r.consequence, lang)})",
            r.mitigation,
            r.owner,
        ]
        for r in risks_by_level(plan.risks)
    ]
    return _frame(
        rows,
        c,
        c[2:5],
        caption=t(lang, "Risikoer, høyest risikonivå først", "Risks, highest level first"),
        empty=t(lang, "Ingen risikoer er registrert.", "No risks are registered."),
    )


def milestone_table(plan: Plan, as_of: dt.date, lang: str = "nb") -> pd.DataFrame:
    """Milestones and decision points by date, with done / pending / past due."""
    c = [
        t(lang, "Dato", "Date"),
        t(lang, "Milepæl", "Milestone"),
        t(lang, "Beslutningspunkt", "Decision point"),
        "Status",
    ]
    rows = []
    for m in sorted(plan.milestones, key=lambda m: (m.date, m.id)):
        if m.done:
            state = t(lang, "✔ Gjennomført", "✔ Done")
        elif m.date < as_of:
            state = t(lang, "✖ Passert, ikke gjennomført", "✖ Past due, not done")
        else:
            state = t(lang, "○ Gjenstår", "○ Pending")
        rows.append(
            [
                fmt_date(m.date, lang),
                m.name,
                m.decision_point.label(lang) if m.decision_point else "",
                state,
            ]
        )
    return _frame(
        rows,
        c,
        caption=t(lang, "Milepæler og beslutningspunkter", "Milestones and decision points"),
        empty=t(lang, "Ingen milepæler er registrert.", "No milestones are registered."),
    )


# --------------------------------------------------------------------------- portfolio

CRITERIA_WORDS = {
    "strategic_fit": ("Strategisk treff", "Strategic fit"),
    "npv": ("Netto nåverdi", "Net present value"),
    "risk": ("Risikoeksponering", "Risk exposure"),
    "readiness": ("Modenhet (fase)", "Readiness (phase)"),
    "participation": ("Deltakende kommuner", "Participating municipalities"),
}


def criterion_label(name: str, lang: str = "nb") -> str:
    """A prioritisation criterion in words: ``Strategisk treff``."""
    nb, en = CRITERIA_WORDS.get(name, (name, name))
    return en if lang == "en" else nb


def weight_share(weights: dict[str, float], name: str) -> float:
    """A criterion's share of the weights (the weights need not add up to 1)."""
    total = sum(weights.values())
    return weights[name] / total if total else 0.0


def criterion_header(weights: dict[str, float], name: str, lang: str = "nb") -> str:
    """A criterion with its share of the weights: ``Strategisk treff (vekt 30 %)``."""
    share = fmt_percent(weight_share(weights, name), lang, 0)
    return f"{criterion_label(name, lang)} ({t(lang, 'vekt', 'weight')} {share})"


def _raw_value(name: str, value: float | None, lang: str) -> str:
    if value is None:
        return t(lang, "mangler", "missing")
    if name == "strategic_fit":
        return t(lang, f"{fmt_number(value, 0, lang)} av 5", f"{fmt_number(value, 0, lang)} of 5")
    if name == "npv":
        return fmt_nok(value, lang, short=True)
    if name == "risk":
        return t(lang, f"{fmt_number(value, 0, lang)} av 25", f"{fmt_number(value, 0, lang)} of 25")
    if name == "readiness":
        return f"BP{int(value)}" if value >= 1 else t(lang, "før BP1", "before DP1")
    if name == "participation":
        return fmt_percent(value, lang, 0)
    return fmt_number(value, 2, lang)


def status_counts_text(counts: dict[str, int], lang: str = "nb") -> str:
    """``✔ 2 på plan, ✖ 1 bak plan`` (statuses with a count only; ``–`` when none)."""
    return ", ".join(status_count_parts(counts, lang)) or "–"


def ranking_table(ranked: Sequence[Any], lang: str = "nb") -> pd.DataFrame:
    """The portfolio board's ranking: rank, score and each criterion's input and weight."""
    criteria = list(ranked[0].weights) if ranked else []
    c = [
        t(lang, "Rang", "Rank"),
        t(lang, "Prosjekt", "Project"),
        t(lang, "Poeng (0–100)", "Score (0–100)"),
    ]
    c += [criterion_header(ranked[0].weights, k, lang) for k in criteria]
    c += [t(lang, "Mangler", "Missing")]
    rows = []
    for r in ranked:
        rows.append(
            [
                str(r.rank),
                r.name + (t(lang, " (forslag)", " (proposal)") if getattr(r, "proposal", False) else ""),
                fmt_number(100 * r.score, 0, lang),
            ]
            + [_raw_value(k, r.raw.get(k), lang) for k in criteria]
            + [", ".join(criterion_label(k, lang) for k in r.missing) or "–"]
        )
    return _frame(
        rows,
        c,
        [c[0], c[2], *c[3:-1]],
        caption=t(
            lang,
            "Prioritering: vektet poengsum over kriteriene",
            "Prioritisation: weighted score over the criteria",
        )
        + (f" ({ranked[0].criteria_set_label})" if ranked and getattr(ranked[0], "criteria_set_label", "") else ""),
    )


def rollup_table(rollup: Any, lang: str = "nb") -> pd.DataFrame:
    """Per project and in total: NPV, planned and realised NOK so far, status counts."""
    c = [
        t(lang, "Prosjekt", "Project"),
        t(lang, "Netto nåverdi", "Net present value"),
        t(lang, "Planlagt hittil", "Planned so far"),
        t(lang, "Realisert hittil", "Realised so far"),
        t(lang, "Realisert andel", "Realised share"),
        t(lang, "Gevinster og ulemper", "Benefits and dis-benefits"),
        t(lang, "Resultatmål", "Result goals"),
    ]
    rows = [_rollup_row(line, line.name or line.key, lang) for line in rollup.projects]
    rows.append(_rollup_row(rollup.total, t(lang, "Sum portefølje", "Portfolio total"), lang))
    return _frame(
        rows,
        c,
        c[1:5],
        caption=t(
            lang,
            "Prosjektene: netto nåverdi, gevinster i kroner hittil og status",
            "The projects: NPV, benefits in NOK so far and status",
        ),
    )


def _rollup_row(line: Any, name: str, lang: str) -> list[str]:
    share = line.realised_nok / line.planned_nok if line.planned_nok else None
    return [
        name,
        fmt_nok(line.npv, lang, short=True),
        fmt_nok(line.planned_nok, lang, short=True),
        fmt_nok(line.realised_nok, lang, short=True),
        fmt_percent(share, lang, 0),
        status_counts_text(line.benefits, lang),
        status_counts_text(line.results, lang),
    ]


def municipality_totals_table(rollup: Any, lang: str = "nb") -> pd.DataFrame:
    """Per kommune across the portfolio: share of the NPV, NOK so far, benefit status counts."""
    c = [
        t(lang, "Kommune", "Municipality"),
        t(lang, "Andel av netto nåverdi", "Share of the NPV"),
        t(lang, "Planlagt hittil", "Planned so far"),
        t(lang, "Realisert hittil", "Realised so far"),
        t(lang, "Gevinster", "Benefits"),
    ]
    rows = [
        [
            m.name or m.key,
            fmt_nok(m.npv, lang, short=True),
            fmt_nok(m.planned_nok, lang, short=True),
            fmt_nok(m.realised_nok, lang, short=True),
            status_counts_text(m.benefits, lang),
        ]
        for m in rollup.municipalities
    ]
    return _frame(
        rows,
        c,
        c[1:4],
        caption=t(lang, "Porteføljen per kommune", "The portfolio per municipality"),
    )


def attention_table(
    statuses: Iterable[Any], lang: str = "nb", *, plans: Any = None
) -> pd.DataFrame:
    """Across the portfolio: the items behind plan (red) or not measured (grey), by project."""
    return _status_frame(
        [s for s in statuses if s.status in ("red", "grey")],
        lang,
        ("project", "id", "name", "owner", "status", "realised", "planned", "measured"),
        {"name": ("Gevinst eller resultatmål", "Benefit or result goal")},
        plans=plans,
        caption=t(lang, "Bak plan eller ikke målt", "Behind plan or not measured"),
        empty=t(
            lang,
            "Alle gevinster og resultatmål er målt og i rute.",
            "Every benefit and result goal is measured and on course.",
        ),
    )


def _project_name(plans: Any, pid: str) -> str:
    if plans is None:
        return pid
    plan = plans.get(pid) if hasattr(plans, "get") else None
    return plan.project.name if plan is not None else pid


def double_claims_table(
    claims: Sequence[Any], lang: str = "nb", *, plans: Any = None
) -> pd.DataFrame:
    """Benefits claimed by two projects (same indicator, kommune and period)."""
    c = [
        t(lang, "Indikator", "Indicator"),
        t(lang, "Felles kommuner", "Common municipalities"),
        t(lang, "Overlappende periode", "Overlapping period"),
        t(lang, "Første prosjekt og gevinst", "First project and benefit"),
        t(lang, "Andre prosjekt og gevinst", "Second project and benefit"),
    ]
    rows = [
        [
            d.indicator,
            ", ".join(d.municipalities),
            f"{fmt_date(d.period[0], lang)}–{fmt_date(d.period[1], lang)}",
            f"{_project_name(plans, d.first.project)}: {d.first.benefit} {d.first.name}",
            f"{_project_name(plans, d.second.project)}: {d.second.benefit} {d.second.name}",
        ]
        for d in claims
    ]
    return _frame(
        rows,
        c,
        caption=t(
            lang,
            "Gevinster som kan være telt i to prosjekter",
            "Benefits that may be counted in two projects",
        ),
        empty=t(
            lang,
            "Ingen gevinster er telt i mer enn ett prosjekt.",
            "No benefit is counted in more than one project.",
        ),
    )


def overdue_table(owners: Sequence[Any], lang: str = "nb", *, plans: Any = None) -> pd.DataFrame:
    """Benefit owners with overdue measurements: who to remind, for what, due since when."""
    c = [
        t(lang, "Ansvarlig", "Owner"),
        t(lang, "Prosjekt", "Project"),
        t(lang, "Hva skal måles", "What to measure"),
        t(lang, "Forfalt siden", "Due since"),
        t(lang, "Siste måling", "Latest measurement"),
    ]
    rows = []
    for o in owners:
        for item in o.items:
            rows.append(
                [
                    o.owner,
                    _project_name(plans, o.project),
                    f"{item.id} {item.name}",
                    fmt_date(item.due, lang),
                    _measured(item.latest_date, lang),
                ]
            )
    return _frame(
        rows,
        c,
        caption=t(
            lang, "Forfalte målinger: hvem som skal purres", "Overdue measurements: whom to remind"
        ),
        empty=t(lang, "Ingen målinger er forfalt.", "No measurements are overdue."),
    )


# --------------------------------------------------------------------------- HTML


def table_html(
    df: pd.DataFrame,
    caption: str | None = None,
    *,
    row_headers: bool = False,
    empty: str | None = None,
    lang: str = "nb",
) -> str:
    """Accessible HTML for a table: ``<caption>``, ``<th scope="col">``, escaped cells.

    No index column is written (the tables carry their own ID columns). With
    ``row_headers`` the first column's cells are ``<th scope="row">``. Columns
    named in ``df.attrs["numeric"]`` are right-aligned (``class="num"``). An
    empty table becomes a short sentence (``empty``) under the caption. The
    caption and the empty-table sentence default to the table's own
    (``df.attrs["caption"]``, ``df.attrs["empty"]``).
    """
    e = html.escape
    caption = caption if caption is not None else df.attrs.get("caption", "")
    if df.empty:
        note = empty or df.attrs.get("empty") or t(lang, "Ingen rader.", "No rows.")
        return f'<div class="gevinst-table-empty"><p><strong>{e(caption)}</strong>: {e(note)}</p></div>'
    numeric = set(df.attrs.get("numeric", []))
    out = ['<table class="gevinst-table">', f"<caption>{e(caption)}</caption>", "<thead><tr>"]
    for col in df.columns:
        out.append(f'<th scope="col"{_align(col in numeric)}>{e(str(col))}</th>')
    out.append("</tr></thead><tbody>")
    for row in df.itertuples(index=False):
        out.append("<tr>")
        for i, (col, cell) in enumerate(zip(df.columns, row, strict=True)):
            cls = _align(col in numeric)
            text = e(_text(cell))
            if row_headers and i == 0:
                out.append(f'<th scope="row"{cls}>{text}</th>')
            else:
                out.append(f"<td{cls}>{text}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _align(numeric: bool) -> str:
    """Class and inline alignment (the inline style wins over notebook front ends' own CSS)."""
    if numeric:
        return ' class="num" style="text-align:right"'
    return ' style="text-align:left"'


def text_grid(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], right: Iterable[int] = ()
) -> str:
    """A plain-text table: header, a rule of dashes, one line per row.

    Columns are two spaces apart; those whose index is in ``right`` (numbers) are
    right-aligned, the others left-aligned.

    >>> print(text_grid(["Kommune", "Andel"], [["Tinn", "10 %"], ["Kongsberg", "51 %"]], [1]))
    Kommune    Andel
    ---------  -----
    Tinn        10 %
    Kongsberg   51 %
    """
    body = [[_text(c) for c in row] for row in rows]
    right = set(right)
    widths = [len(h) for h in headers]
    for row in body:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if k in right else c.ljust(w)
            for k, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(list(headers)), rule, *(line(r) for r in body)])


def table_text(
    df: pd.DataFrame,
    caption: str | None = None,
    *,
    empty: str | None = None,
    lang: str = "nb",
) -> str:
    """A table as plain text (for the terminal): the caption, then :func:`text_grid`.

    Numeric columns (``df.attrs["numeric"]``) are right-aligned. The caption and
    the empty-table sentence default to the table's own, as in :func:`table_html`;
    ``caption=""`` leaves the caption line out.
    """
    caption = caption if caption is not None else df.attrs.get("caption", "")
    if df.empty:
        body = empty or df.attrs.get("empty") or t(lang, "Ingen rader.", "No rows.")
    else:
        numeric = set(df.attrs.get("numeric", []))
        right = [i for i, col in enumerate(df.columns) if col in numeric]
        body = text_grid([str(c) for c in df.columns], df.itertuples(index=False), right)
    return f"{caption}\n{body}" if caption else body


def show_table(
    df: pd.DataFrame,
    caption: str | None = None,
    *,
    row_headers: bool = False,
    empty: str | None = None,
    lang: str = "nb",
) -> None:
    """Display a table in a notebook as accessible HTML (plain-text fallback included)."""
    markup = table_html(df, caption, row_headers=row_headers, empty=empty, lang=lang)
    display_html(markup, table_text(df, caption, empty=empty, lang=lang))


# --------------------------------------------------------------------------- cost/benefit basis (issue 9)


def cba_basis_table(cba: Any, lang: str = "nb") -> pd.DataFrame:
    """Base year, price year, period, residual value, sunk costs, tax financing and IRR status."""
    last = cba.start_year + cba.analysis_years - 1
    price = (
        f"{cba.price_year}"
        if cba.plan_price_year == cba.price_year
        else t(
            lang,
            f"{cba.price_year} (fra {cba.plan_price_year}, × {fmt_number(cba.price_factor, 4, lang)})",
            f"{cba.price_year} (from {cba.plan_price_year}, × {fmt_number(cba.price_factor, 4, lang)})",
        )
    )
    sunk_years = sorted({y for v in cba.sunk_costs.values() for y in v})
    rows = [
        [
            t(lang, "Sammenstillingsår (diskontert til)", "Base year (discounted to)"),
            str(cba.base_year),
        ],
        [t(lang, "Prisnivå (faste kroner)", "Price year (real NOK)"), price],
        [
            t(lang, "Analyseperiode", "Analysis period"),
            t(
                lang,
                f"{cba.start_year}–{last} ({cba.analysis_years} år)",
                f"{cba.start_year}–{last} ({cba.analysis_years} years)",
            ),
        ],
        [
            t(lang, f"Restverdi i {last + 1} (nåverdi)", f"Residual value in {last + 1} (PV)"),
            f"{fmt_nok(cba.residual_value, lang)} ({fmt_nok(cba.pv_residual_value, lang)})",
        ],
        [
            t(lang, "Påløpte kostnader (ikke i NNV)", "Sunk costs (not in the NPV)"),
            fmt_nok(cba.sunk_cost_total, lang)
            + (f" ({sunk_years[0]}–{sunk_years[-1]})" if sunk_years else ""),
        ],
        [
            t(lang, "Beslutningsår", "Decision year"),
            "–" if cba.decision_year is None else str(cba.decision_year),
        ],
        [
            t(lang, "Skattefinansieringskostnad", "Tax financing cost"),
            fmt_nok(cba.tax_financing_cost, lang)
            if cba.tax_rate > 0
            else t(lang, f"ikke med: {cba.tax_off_reason}", f"left out: {cba.tax_off_reason}"),
        ],
    ]
    return _frame(
        rows,
        [t(lang, "Forutsetning", "Basis"), t(lang, "Verdi", "Value")],
        caption=t(
            lang, "Grunnlaget for kost/nytte-tallene", "The basis of the cost/benefit figures"
        ),
    )


def sunk_costs_table(cba: Any, lang: str = "nb") -> pd.DataFrame:
    """Påløpte kostnader per cost line and year (before the analysis; not in the NPV)."""
    years = sorted({y for v in cba.sunk_costs.values() for y in v})
    rows = [
        [
            cost_id,
            *[fmt_nok(v.get(y), lang) if y in v else "" for y in years],
            fmt_nok(sum(v.values()), lang),
        ]
        for cost_id, v in cba.sunk_costs.items()
    ]
    heads = [t(lang, "Kostnad", "Cost"), *map(str, years), t(lang, "Sum", "Total")]
    return _frame(
        rows,
        heads,
        heads[1:],
        caption=t(
            lang,
            "Påløpte kostnader før analysen (ikke med i NNV)",
            "Sunk costs before the analysis (not in the NPV)",
        ),
        empty=t(lang, "Ingen påløpte kostnader.", "No sunk costs."),
    )


def benefit_account_table(rows: Sequence[Any], lang: str = "nb") -> pd.DataFrame:
    """Gevinstregnskap per kommune (:func:`gevinst.model.cba.benefit_accounts`), NOK."""
    heads = [
        t(lang, "Kommune", "Municipality"),
        t(lang, "Kostnader betalt", "Costs paid"),
        t(lang, "Kontantgevinster", "Cash benefits"),
        t(lang, "Uttak planlagt", "Take-outs planned"),
        t(lang, "Uttak realisert hittil", "Take-outs realised to date"),
    ]
    body = [
        [
            r.name,
            fmt_nok(r.costs_paid, lang),
            fmt_nok(r.cash_benefits, lang),
            fmt_nok(r.take_outs_planned, lang),
            fmt_nok(r.take_outs_realised, lang),
        ]
        for r in rows
    ]
    return _frame(
        body,
        heads,
        heads[1:],
        caption=t(
            lang,
            "Gevinstregnskap per kommune (faste kroner, udiskontert)",
            "Benefit accounts per municipality (real NOK, undiscounted)",
        ),
    )


def monte_carlo_error_table(mc: Any, lang: str = "nb") -> pd.DataFrame:
    """P10, P50, P85, P90 and the mean with their standard errors (Monte Carlo)."""
    se = mc.percentile_se or {}
    rows = [
        [name, fmt_nok(value, lang), fmt_nok(err, lang)]
        for name, value, err in (
            ("P10", mc.p10, se.get("p10")),
            ("P50", mc.p50, se.get("p50")),
            ("P85", mc.p85, se.get("p85")),
            ("P90", mc.p90, se.get("p90")),
            (t(lang, "Forventning", "Mean"), mc.mean, mc.mean_se),
        )
    ]
    heads = [
        t(lang, "Mål", "Measure"),
        t(lang, "Netto nåverdi", "NPV"),
        t(lang, "Standardfeil", "Standard error"),
    ]
    return _frame(
        rows,
        heads,
        heads[1:],
        caption=t(lang, "Monte Carlo med standardfeil", "Monte Carlo with standard errors"),
    )


def ranking_npv_nnb_table(ranked: Sequence[Any], lang: str = "nb") -> pd.DataFrame:
    """Each ranked project's NPV and NPV per budget krone (NNB), and which one the ranking used."""
    basis = ranked[0].basis if ranked else "npv"
    rows = [
        [
            str(r.rank),
            r.name or r.project,
            fmt_nok(r.npv, lang),
            "–" if r.nnb is None else fmt_number(r.nnb, 2, lang),
        ]
        for r in ranked
    ]
    heads = [
        t(lang, "Rang", "Rank"),
        t(lang, "Prosjekt", "Project"),
        t(lang, "Netto nåverdi", "NPV"),
        t(lang, "NNV per budsjettkrone", "NPV per budget krone"),
    ]
    caption = (
        t(
            lang,
            "Rangert etter NNV per budsjettkrone (budsjettet er skranken); NNV ved siden av",
            "Ranked by NPV per budget krone (the budget is the constraint); NPV beside it",
        )
        if basis == "nnb"
        else t(
            lang,
            "Rangert med netto nåverdi; NNV per budsjettkrone ved siden av",
            "Ranked with the NPV; NPV per budget krone beside it",
        )
    )
    return _frame(rows, heads, heads[2:], caption=caption)


# --------------------------------------------------------------------------- økonomiplan


def budget_prices_text(view: Any, lang: str = "nb") -> str:
    """One sentence: real or nominal kroner, and the assumption beyond the price index."""
    if view.prices == "real":
        return t(
            lang,
            f"Faste {view.price_year}-kroner, udiskontert (forventningsverdier).",
            f"Real {view.price_year} NOK, undiscounted (expected values).",
        )
    beyond = [y for y in view.years if view.index_last_year is None or y > view.index_last_year]
    note = ""
    if beyond:
        pct = fmt_percent(view.inflation, lang, 1)
        note = t(
            lang,
            f" For {', '.join(map(str, beyond))} (etter prisindeksen) er prisveksten antatt {pct} per år.",
            f" For {', '.join(map(str, beyond))} (beyond the price index) inflation is assumed at {pct} a year.",
        )
    return t(
        lang,
        f"Løpende kroner: faste {view.price_year}-kroner regnet om med prisindeksen, udiskontert.",
        f"Nominal NOK: real {view.price_year} NOK converted by the price index, undiscounted.",
    ) + note


def budget_heading(lang: str = "nb") -> str:
    """The heading of the økonomiplan section in the portfolio report."""
    return t(lang, "Økonomiplan per kommune", "Financial plan per municipality")


def budget_table(view: Any, municipality: str, lang: str = "nb") -> pd.DataFrame:
    """Økonomiplan for one kommune: per project and item (rows) and budget year (columns).

    ``view`` is a :class:`gevinst.model.budget.BudgetView`; costs are the
    kommune's share by each project's cost-sharing key, cash gains and uttak
    its share of each benefit (a benefit limited to some kommuner only theirs).
    """
    from gevinst.model.budget import ITEM_LABELS, ITEMS

    years = list(view.years)
    c = [
        t(lang, "Prosjekt", "Project"),
        t(lang, "Post", "Item"),
        *map(str, years),
        t(lang, "Sum", "Total"),
    ]
    rows = []
    for pid in view.projects:
        for item in ITEMS:
            values = [view.total(item, municipality=municipality, project=pid, year=y) for y in years]
            if not any(values):
                continue
            label = ITEM_LABELS[item][0 if lang == "nb" else 1]
            rows.append([pid, label, *(fmt_nok(v, lang) for v in values), fmt_nok(sum(values), lang)])
    for item in ITEMS:
        values = [view.total(item, municipality=municipality, year=y) for y in years]
        label = ITEM_LABELS[item][0 if lang == "nb" else 1]
        rows.append(
            [t(lang, "Sum", "Total"), label, *(fmt_nok(v, lang) for v in values), fmt_nok(sum(values), lang)]
        )
    return _frame(
        rows,
        c,
        c[2:],
        caption=t(
            lang,
            f"Økonomiplan {years[0]}–{years[-1]} for {municipality}" if years else municipality,
            f"Financial plan {years[0]}–{years[-1]} for {municipality}" if years else municipality,
        )
        + " · "
        + budget_prices_text(view, lang),
    )


# --------------------------------------------------------------------------- road map (issue 14)


def roadmap_heading(lang: str = "nb") -> str:
    """The heading of the road map section in the portfolio report."""
    return t(lang, "Veikart og avhengigheter", "Road map and dependencies")


def roadmap_table(plans: Any, workspace: Any, as_of: dt.date, lang: str = "nb") -> pd.DataFrame:
    """The road map's data: every project (by group) and external solution, with its
    period, phase or status, next milestone and its dependencies (late ones flagged)."""
    from gevinst.model import roadmap as rm

    c = [
        t(lang, "Gruppe", "Group"),
        t(lang, "Prosjekt / løsning", "Project / solution"),
        t(lang, "Fase / status", "Phase / status"),
        t(lang, "Fra", "From"),
        t(lang, "Til / forventet", "To / expected"),
        t(lang, "Neste milepæl", "Next milestone"),
        t(lang, "Avhengigheter", "Dependencies"),
    ]
    links: dict[str, list[Any]] = {}
    for d in rm.dependency_links(plans, workspace):
        links.setdefault(d.project, []).append(d)
    rows = []
    for s in sorted(workspace.external_solutions, key=lambda s: (s.expected_date, s.id)):
        rows.append(
            [
                t(lang, "Ekstern løsning", "External solution"),
                f"{s.name} ({s.owner})",
                s.status.label(lang),
                "–",
                fmt_date(s.expected_date, lang),
                "–",
                "–",
            ]
        )
    for r in rm.roadmap_rows(plans):
        upcoming = [m for m in r.milestones if not m[4] and m[2] >= as_of]
        nxt = (
            f"{(upcoming[0][3] + ': ') if upcoming[0][3] else ''}{upcoming[0][1]} "
            f"{fmt_date(upcoming[0][2], lang)}"
            if upcoming
            else "–"
        )
        deps = []
        for d in links.get(r.project, []):
            flag = (
                t(lang, f" ⚠ {d.days_late} dager for sent", f" ⚠ {d.days_late} days late")
                if d.broken and d.kind != rm.UNKNOWN
                else t(lang, " ⚠ ukjent", " ⚠ unknown")
                if d.kind == rm.UNKNOWN
                else ""
            )
            deps.append(f"{d.on_name} ({fmt_date(d.on_date, lang)}){flag}")
        rows.append(
            [
                r.group,
                r.name,
                r.phase or t(lang, "før BP1", "before DP1"),
                fmt_date(r.start, lang),
                fmt_date(r.end, lang),
                nxt,
                "; ".join(deps) or "–",
            ]
        )
    return _frame(
        rows,
        c,
        caption=t(lang, "Veikart: prosjekter og eksterne løsninger", "Road map: projects and external solutions"),
    )
