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
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from gevinst.model.schema import IMPACT_SYMBOLS, Plan
from gevinst.report import status_text
from gevinst.report.text import (
    display_html,
    esc,
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
    show_text,
    status_count_parts,
    switching_text,
    t,
    text_html,
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
    "judged": ("Planlagt samme dato", "Planned on that date", True),
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
baseline, 100 % at the target): ``planned`` today, ``judged`` on the date the
status was judged (the latest measurement's, or the end of a missed period); the
status is the progress with the freshness beside it (``✖ Bak plan · måling forfalt
30.11``), the forecast and the next measurement as
:mod:`gevinst.report.status_text` words them.
"""


def _measured(day: dt.date | None, lang: str) -> str:
    return fmt_date(day, lang) if day else t(lang, "aldri målt", "never measured")


def _judged(s: Any, lang: str) -> str:
    """The planned share the status compares with, and on which date: ``93 % (30.11)``."""
    share = getattr(s, "planned_share_judged", None)
    day = getattr(s, "judged_at", None)
    if share is None:
        return "–"
    when = status_text.fmt_day(day, lang, as_of=getattr(s, "as_of", None))
    return f"{fmt_percent(share, lang, 0)} ({when})" if day else fmt_percent(share, lang, 0)


def _status_cells(s: Any, lang: str, plans: Any = None) -> dict[str, str]:
    """Every :data:`STATUS_COLUMNS` cell of one :class:`ItemStatus`."""
    latest = "–"
    if s.latest_value is not None:
        latest = f"{fmt_value(s.latest_value, lang)} ({fmt_date(s.latest_date, lang)})"
    name = s.name
    if s.kind == "disbenefit":
        name += f" ({noun('disbenefit', 1, lang)})"
    rules = status_text.status_cells(s, lang)  # progress · freshness, forecast, next due
    return {
        "project": _project_name(plans, s.project),
        "id": s.id,
        "kind": noun(s.kind, 1, lang),
        "name": name,
        "owner": s.owner,
        "status": rules["status"],
        "realised": fmt_percent(s.realised_share, lang, 0),
        "planned": fmt_percent(s.planned_share, lang, 0),
        "judged": _judged(s, lang),
        "latest": latest,
        "measured": _measured(s.latest_date, lang),
        "plan": f"{fmt_value(s.baseline, lang)} → {_value(s.target, s.unit, lang)} "
        f"{t(lang, 'innen', 'by')} {fmt_date(s.target_date, lang)}",
        "unit": s.unit,
        "forecast": rules["forecast"],
        "next": rules["next"],
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


_STATUS_KEYS = ("id", "name", "status", "realised", "judged")
"""The status table's columns: what the reader scans (the detail table has the rest)."""

_DETAIL_KEYS = ("id", "owner", "plan", "latest")
"""The detail table under each status table: owner, plan and latest measurement."""


def benefit_status_table(
    statuses: Iterable[Any], lang: str = "nb", *, kinds: Sequence[str] = ("benefit", "disbenefit")
) -> pd.DataFrame:
    """Benefits (and ulemper) against plan: status as symbol and word, shares, forecast.

    Shares are of the planned change (0 % at the baseline, 100 % at the target);
    the forecast is at the target date; "Neste måling" says "(forfalt)" when
    overdue. Owner, plan and latest measurement are in
    :func:`benefit_detail_table`, so that the table fits the page (1 280 px).
    """
    return _status_frame(
        [s for s in statuses if s.kind in kinds],
        lang,
        (*_STATUS_KEYS, "forecast", "next"),
        {"name": ("Gevinst", "Benefit")},
        caption=t(
            lang,
            "Gevinster og ulemper: status mot plan",
            "Benefits and dis-benefits: status against plan",
        ),
        empty=t(lang, "Ingen gevinster er registrert.", "No benefits are registered."),
    )


def benefit_detail_table(
    statuses: Iterable[Any], lang: str = "nb", *, kinds: Sequence[str] = ("benefit", "disbenefit")
) -> pd.DataFrame:
    """The details behind :func:`benefit_status_table`: owner, plan (with unit), latest value."""
    return _status_frame(
        [s for s in statuses if s.kind in kinds],
        lang,
        _DETAIL_KEYS,
        {"owner": ("Gevinsteier", "Benefit owner")},
        caption=t(
            lang,
            "Gevinster og ulemper: eier, plan og siste måling",
            "Benefits and dis-benefits: owner, plan and latest measurement",
        ),
        empty=t(lang, "Ingen gevinster er registrert.", "No benefits are registered."),
    )


def result_goal_table(statuses: Iterable[Any], lang: str = "nb") -> pd.DataFrame:
    """Resultatmål against plan: status, shares, responsible and plan (no forecast)."""
    return _status_frame(
        [s for s in statuses if s.kind == "result"],
        lang,
        (*_STATUS_KEYS, "owner", "plan", "latest"),
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


def _year_label(row: Any, lang: str) -> str:
    """The year of a per-year row; the residual-value row says so."""
    year = str(int(row.year))
    return f"{year} ({t(lang, 'restverdi', 'residual value')})" if getattr(row, "residual", False) else year


def cash_flow_table(cba: Any, lang: str = "nb") -> pd.DataFrame:
    """«Kontantstrøm per år»: columns that add up, left to right (NOK, real prices).

    Gevinster − Ulemper = Netto nytte; Netto nytte − Kostnader = Netto. "herav
    kontant" is the cash part of the gross benefits (``benefits_gross_cash``), so
    it is never more than the column it belongs to. Where the analysis has a residual
    value (restverdi), its row is labelled and a column "Restverdi" is added before
    Netto, so Netto = Netto nytte − Kostnader + Restverdi. The discounting is in
    :func:`present_value_table`.
    """
    def kr(value: float, lang: str) -> str:  # whole kroner, no "kr": the caption says so
        return fmt_number(value, 0, lang)

    residual = "residual_value" in cba.per_year and bool((cba.per_year["residual_value"] != 0).any())
    c = {
        "year": t(lang, "År", "Year"),
        "gross": t(lang, "Gevinster", "Benefits"),
        "cash": t(lang, "herav kontant", "of which cash"),
        "dis": t(lang, "Ulemper", "Dis-benefits"),
        "benefits": t(lang, "Netto nytte (gevinster − ulemper)", "Net benefits (benefits − dis-benefits)"),
        "costs": t(lang, "Kostnader", "Costs"),
        **({"residual": t(lang, "Restverdi", "Residual value")} if residual else {}),
        "net": t(lang, "Netto (nytte − kostnader)", "Net (benefits − costs)")
        if not residual
        else t(lang, "Netto (+ restverdi)", "Net (+ residual)"),
    }
    rows = [
        [
            _year_label(r, lang),
            kr(r.benefits_gross, lang),
            kr(r.benefits_gross_cash, lang),
            kr(r.disbenefits, lang),
            kr(r.benefits, lang),
            kr(r.costs, lang),
            *([kr(r.residual_value, lang)] if residual else []),
            kr(r.net, lang),
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


def present_value_table(cba: Any, lang: str = "nb") -> pd.DataFrame:
    """The discounting of the net flow per year: factor, present value, cumulative."""
    c = {
        "year": t(lang, "År", "Year"),
        "net": t(lang, "Netto", "Net"),
        "factor": t(lang, "Diskonteringsfaktor", "Discount factor"),
        "pv": t(lang, "Nåverdi", "Present value"),
        "cum": t(lang, "Akkumulert nåverdi", "Cumulative present value"),
    }
    rows = [
        [
            _year_label(r, lang),
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
            "Nåverdi per år (netto diskontert, kroner)",
            "Present value per year (net, discounted, NOK)",
        ),
    )


def uncertainty_table(cba: Any, lang: str = "nb") -> pd.DataFrame:
    """The Monte Carlo NPV in the reader's terms: each percentile with its tail in words.

    P10/P15 are the cautious side ("minst": that much or more with 90/85 %
    probability), P85/P90 the optimistic side ("høyst"); P50 is the median.
    Empty when no simulation was run.
    """
    c = [
        t(lang, "Netto nåverdi (Monte Carlo)", "Net present value (Monte Carlo)"),
        t(lang, "Persentil", "Percentile"),
        t(lang, "Verdi", "Value"),
    ]
    mc = getattr(cba, "monte_carlo", None)
    rows = []
    if mc is not None:
        for label_nb, label_en, name, value in (
            ("Med 90 % sannsynlighet minst", "At least this with 90 % probability", "P10", mc.p10),
            ("Med 85 % sannsynlighet minst", "At least this with 85 % probability", "P15", mc.p15),
            ("Median: like sannsynlig over som under", "Median: as likely above as below", "P50", mc.p50),
            ("Med 85 % sannsynlighet høyst", "At most this with 85 % probability", "P85", mc.p85),
            ("Med 90 % sannsynlighet høyst", "At most this with 90 % probability", "P90", mc.p90),
            ("Gjennomsnitt av simuleringene", "Mean of the simulations", "", mc.mean),
        ):
            rows.append([t(lang, label_nb, label_en), name or "–", fmt_nok(value, lang, short=True)])
        rows.append(
            [
                t(lang, "Sannsynlighet for positiv nåverdi", "Probability of a positive NPV"),
                "–",
                fmt_percent(mc.prob_positive, lang, 0),
            ]
        )
    return _frame(
        rows,
        c,
        [c[2]],
        caption=t(
            lang,
            f"Usikkerhet i netto nåverdi ({fmt_number(mc.draws, 0, lang)} simuleringer)"
            if mc is not None
            else "Usikkerhet i netto nåverdi",
            f"Uncertainty in the NPV ({fmt_number(mc.draws, 0, lang)} simulations)"
            if mc is not None
            else "Uncertainty in the NPV",
        ),
        empty=t(lang, "Monte Carlo-simuleringen er ikke kjørt.", "The Monte Carlo simulation was not run."),
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
        caption=t(
            lang,
            "Risikoer, høyest risikonivå først (sannsynlighet × konsekvens, 1–25: lavere er bedre)",
            "Risks, highest level first (probability × consequence, 1–25: lower is better)",
        ),
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
    "risk": ("Risiko\u00adeksponering (lavere er bedre)", "Risk exposure (lower is better)"),
    "readiness": ("Modenhet (fase)", "Readiness (phase)"),
    "participation": ("Deltakende kommuner", "Participating munici\u00adpalities"),
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
    # "Mangler" only when some project lacks an input (a column of dashes says nothing)
    missing = any(r.missing for r in ranked)
    if missing:
        c += [t(lang, "Mangler", "Missing")]
    rows = []
    for r in ranked:
        name = r.name + (t(lang, " (forslag)", " (proposal)") if getattr(r, "proposal", False) else "")
        row = [str(r.rank), name, fmt_number(100 * r.score, 0, lang)]
        row += [_raw_value(k, r.raw.get(k), lang) for k in criteria]
        if missing:
            row.append(", ".join(criterion_label(k, lang) for k in r.missing) or "–")
        rows.append(row)
    return _frame(
        rows,
        c,
        [c[0], c[2], *c[3 : 3 + len(criteria)]],
        caption=t(
            lang,
            "Prioritering: vektet poengsum over kriteriene",
            "Prioritisation: weighted score over the criteria",
        )
        + (
            f" ({ranked[0].criteria_set_label})"
            if ranked and getattr(ranked[0], "criteria_set_label", "")
            else ""
        ),
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
    df = _frame(
        rows,
        c,
        c[1:5],
        caption=t(
            lang,
            "Prosjektene: netto nåverdi, gevinster i kroner hittil og status",
            "The projects: NPV, benefits in NOK so far and status",
        ),
    )
    df.attrs["links"] = [report_link(line.key) for line in rollup.projects] + [None]
    return df


def report_link(project_id: str) -> str:
    """The project report's file name beside the portfolio report (``<id>.html``).

    :mod:`gevinst.report.runner` writes every report of a run into one folder, so a
    relative link works there, after a copy and from an unpacked zip.
    """
    return f"{project_id}.html"


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
        t(lang, "Kommunens del av netto nåverdi", "The municipality's part of the NPV"),
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
        ("project", "id", "name", "owner", "status", "realised", "judged", "measured"),
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
    row_links: Sequence[str | None] | None = None,
) -> str:
    """Accessible HTML for a table: ``<caption>``, ``<th scope="col">``, escaped cells.

    ``row_links`` (one per row, or None) makes each row's first cell a link
    (``<a href>``, e.g. to a project report).

    No index column is written (the tables carry their own ID columns). With
    ``row_headers`` the first column's cells are ``<th scope="row">``. Columns
    named in ``df.attrs["numeric"]`` are right-aligned (``class="num"``). An
    empty table becomes a short sentence (``empty``) under the caption. The
    caption and the empty-table sentence default to the table's own
    (``df.attrs["caption"]``, ``df.attrs["empty"]``).
    """
    e = esc
    caption = caption if caption is not None else df.attrs.get("caption", "")
    if df.empty:
        note = empty or df.attrs.get("empty") or t(lang, "Ingen rader.", "No rows.")
        return f'<div class="gevinst-table-empty"><p><strong>{e(caption)}</strong>: {e(note)}</p></div>'
    numeric = set(df.attrs.get("numeric", []))
    out = ['<table class="gevinst-table">', f"<caption>{e(caption)}</caption>", "<thead><tr>"]
    for col in df.columns:
        out.append(f'<th scope="col"{_align(col in numeric)}>{e(str(col))}</th>')
    out.append("</tr></thead><tbody>")
    links = list(row_links) if row_links is not None else [None] * len(df)
    for row, link in zip(df.itertuples(index=False), links, strict=True):
        out.append("<tr>")
        for i, (col, cell) in enumerate(zip(df.columns, row, strict=True)):
            cls = _align(col in numeric)
            text = text_html(_text(cell))
            if i == 0 and link:
                text = f'<a href="{e(link)}">{text}</a>'
            if row_headers and i == 0:
                out.append(f'<th scope="row"{cls}>{text}</th>')
            else:
                out.append(f"<td{cls}>{text}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return _scroll_region("".join(out), caption, len(df.columns))


WIDE_FROM = 5
"""Tables with this many columns or more sit in a region that may scroll sideways."""


def _scroll_region(table: str, caption: str, columns: int) -> str:
    """A wide table in a region a keyboard can reach and scroll, named by its caption.

    Every report table fits 1 280 px without scrolling; on a narrow screen (a
    phone, a zoomed window) a wide one scrolls inside this region, which is
    focusable (``tabindex="0"``) and labelled, as WCAG 2.1.1 and axe-core's
    ``scrollable-region-focusable`` ask.
    """
    if columns < WIDE_FROM:
        return table
    label = esc(caption or "Tabell")
    return (
        f'<div class="gevinst-table-wrap" role="region" tabindex="0" aria-label="{label}">'
        f"{table}</div>"
    )


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
    row_links: Sequence[str | None] | None = None,
) -> None:
    """Display a table in a notebook as accessible HTML (plain-text fallback included).

    ``row_links`` defaults to the table's own (``df.attrs["links"]``, e.g. the project
    reports of the rollup table).
    """
    if row_links is None:
        row_links = df.attrs.get("links")
    markup = table_html(
        df, caption, row_headers=row_headers, empty=empty, lang=lang, row_links=row_links
    )
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


# --------------------------------------------------------------------------- approved baselines

CHANGE_WORDS: dict[str, tuple[str, str]] = {
    "added": ("Ny siden godkjenning", "Added since approval"),
    "removed": ("Fjernet", "Removed"),
    "target_raised": ("Målverdi hevet", "Target raised"),
    "target_lowered": ("Målverdi senket", "Target lowered"),
    "date_earlier": ("Måldato fremskyndet", "Target date brought forward"),
    "date_pushed": ("Måldato utsatt", "Target date pushed"),
}
"""Words for :data:`gevinst.model.baseline.CHANGE_KINDS`."""


def _change_value(value: Any, lang: str) -> str:
    if value is None:
        return "–"
    if isinstance(value, dt.date):
        return fmt_date(value, lang)
    return fmt_value(float(value), lang)


def baseline_changes_table(changes: Sequence[Any], lang: str = "nb") -> pd.DataFrame:
    """What changed since the approved plan (:func:`gevinst.model.baseline.plan_changes`):
    item, change, approved and current value, the recorded reason, and ⚠ where a target
    was lowered or a date pushed without a reason."""
    heads = [
        "ID",
        t(lang, "Navn", "Name"),
        t(lang, "Endring", "Change"),
        t(lang, "Godkjent", "Approved"),
        t(lang, "Nå", "Now"),
        t(lang, "Begrunnelse", "Reason"),
    ]
    rows = [
        [
            c.item,
            c.name,
            t(lang, *CHANGE_WORDS[c.kind]),
            _change_value(c.before, lang),
            _change_value(c.after, lang),
            c.reason
            if c.reason
            else (t(lang, "⚠ Ingen begrunnelse", "⚠ No reason") if c.unexplained else ""),
        ]
        for c in changes
    ]
    return _frame(
        rows,
        heads,
        heads[3:5],
        caption=t(lang, "Endringer siden godkjent plan", "Changes since the approved plan"),
        empty=t(
            lang,
            "Ingen mål eller datoer er endret siden godkjenning.",
            "No target or date has changed since approval.",
        ),
    )


def baseline_npv_table(
    npv_at_approval: float | None,
    baseline_npv: float | None,
    npv_now: float | None,
    lang: str = "nb",
) -> pd.DataFrame:
    """Netto nåverdi then and now: at approval, the approved plan under today's rules,
    and today's plan."""
    rows = [
        [t(lang, "Ved godkjenning", "At approval"), fmt_nok(npv_at_approval, lang)],
        [
            t(lang, "Godkjent plan med dagens forutsetninger", "Approved plan under today's rules"),
            fmt_nok(baseline_npv, lang),
        ],
        [t(lang, "Dagens plan", "Today's plan"), fmt_nok(npv_now, lang)],
    ]
    heads = [t(lang, "Plan", "Plan"), t(lang, "Netto nåverdi", "NPV")]
    return _frame(rows, heads, heads[1:], caption=t(lang, "NNV da og nå", "NPV then and now"))


def attainment_table(
    attainments: Sequence[Any], decision_point: str, lang: str = "nb"
) -> pd.DataFrame:
    """Goal attainment against the approved target (:func:`gevinst.model.baseline.attainment_against`),
    as the Prosjektveiviseren asks at BP5: share of the target approved at ``decision_point``
    and of today's target reached by the latest measurement."""
    heads = [
        "ID",
        t(lang, "Navn", "Name"),
        t(lang, f"Målverdi {decision_point}", f"Target {decision_point}"),
        t(lang, "Målverdi nå", "Target now"),
        t(lang, "Siste måling", "Latest value"),
        t(lang, f"Oppnådd av mål {decision_point}", f"Attained of {decision_point} target"),
        t(lang, "Oppnådd av mål nå", "Attained of today's target"),
    ]
    rows = [
        [
            a.item,
            a.name,
            fmt_value(a.approved_target, lang),
            fmt_value(a.current_target, lang) if a.current_target is not None else "–",
            fmt_value(a.latest_value, lang) if a.latest_value is not None else "–",
            fmt_percent(a.share_of_approved, lang, 0),
            fmt_percent(a.share_of_current, lang, 0),
        ]
        for a in attainments
    ]
    return _frame(
        rows,
        heads,
        heads[2:],
        caption=t(
            lang,
            f"Måloppnåelse sammenlignet med {decision_point}",
            f"Goal attainment compared with {decision_point}",
        ),
    )
# --------------------------------------------------------------------------- issue 12: alternatives, delays


def alternatives_table(result: Any, lang: str = "nb") -> pd.DataFrame:
    """The alternatives analysis (:class:`gevinst.model.alternatives.AlternativesResult`):
    one row per alternative in priced rank order, the null alternative included, with
    NPV, NNB, each non-priced effect on DFØ's scale and the recommendation."""
    effects = list(result.rows[0].scores) if result.rows else []
    c = [
        t(lang, "Rang (prissatt)", "Rank (priced)"),
        t(lang, "Alternativ", "Alternative"),
        t(lang, "Netto nåverdi", "Net present value"),
        "NNB",
        *effects,
        t(lang, "Ikke-prissatt: pluss / minus", "Non-priced: plus / minus"),
        t(lang, "Anbefalt", "Recommended"),
    ]
    rows = []
    for r in sorted(result.rows, key=lambda r: r.rank):
        name = t(lang, "Nullalternativet", "Null alternative") if r.is_null else f"{r.id}: {r.name}"
        rows.append(
            [
                fmt_number(r.rank, 0, lang),
                name,
                fmt_nok(r.npv, lang, short=True),
                "–"
                if r.npv_per_budget_krone is None
                else fmt_number(r.npv_per_budget_krone, 2, lang),
                *[IMPACT_SYMBOLS[r.scores[e]] for e in effects],
                f"{r.plus} / {r.minus}",
                t(lang, "✔ Anbefalt", "✔ Recommended") if r.recommended else "",
            ]
        )
    ranked = t(
        lang,
        "rangert etter netto nåverdi" if result.ranked_by == "npv" else "rangert etter NNB",
        "ranked by NPV" if result.ranked_by == "npv" else "ranked by NPV per budget krone",
    )
    return _frame(
        rows,
        c,
        c[2:4],
        caption=t(
            lang,
            f"Alternativene mot nullalternativet, {ranked}; ikke-prissatte virkninger på DFØs skala (−−−− til ++++), aldri lagt sammen med nåverdien",
            f"The alternatives against the null alternative, {ranked}; non-priced effects on DFØ's scale (−−−− to ++++), never added to the NPV",
        ),
        empty=t(lang, "Planen har ingen alternativer.", "The plan has no alternatives."),
    )


def milestone_delay_table(delays: Sequence[Any], plan: Plan, lang: str = "nb") -> pd.DataFrame:
    """Slipped milestones (:class:`gevinst.model.milestones.MilestoneDelay`): dates, the
    benefits they move and what the delay costs (forsinkelseskostnad)."""
    names = {
        i.id: getattr(i, "name", None) or getattr(i, "text", i.id)
        for i in plan.measurable().values()
    }
    c = [
        t(lang, "Milepæl", "Milestone"),
        t(lang, "Planlagt", "Planned"),
        t(lang, "Prognose / faktisk", "Forecast / actual"),
        t(lang, "Forsinkelse (dager)", "Delay (days)"),
        t(lang, "Flytter", "Moves"),
        t(lang, "Forsinkelseskostnad (NNV)", "Delay cost (NPV)"),
    ]
    rows = [
        [
            f"{d.id}: {d.name}",
            fmt_date(d.planned, lang),
            fmt_date(d.current, lang),
            fmt_number(d.delay_days, 0, lang),
            "; ".join(f"{i} {names.get(i, '')}".strip() for i in d.items),
            fmt_nok(d.delay_cost, lang, short=True),
        ]
        for d in delays
    ]
    return _frame(
        rows,
        c,
        c[3:4] + c[5:6],
        caption=t(
            lang,
            "Forsinkede milepæler: netto nåverdi med planlagt dato minus netto nåverdi med prognosen",
            "Slipped milestones: NPV with the planned date minus NPV with the forecast",
        ),
        empty=t(
            lang,
            "Ingen milepæl som gevinster starter ved, er forsinket.",
            "No milestone that benefits start at has slipped.",
        ),
    )


# --------------------------------------------------------------------------- issue 12: the funder's report


def deviation_table(
    statuses: Iterable[Any], reasons: dict[str, str], lang: str = "nb"
) -> pd.DataFrame:
    """Benefits, dis-benefits and resultatmål off plan (yellow, red, or nothing measured),
    with the deviation in percentage points of the planned change and the reason the
    owner gave with the latest measurement (:func:`gevinst.model.funder.latest_comments`)."""
    keys = ("id", "name", "owner", "status", "realised", "planned")
    off = [s for s in statuses if s.status in ("yellow", "red", "grey")]
    frame = _status_frame(off, lang, keys, {"name": ("Gevinst / mål", "Benefit / goal")})
    deviation, reason = t(lang, "Avvik", "Deviation"), t(lang, "Årsak oppgitt", "Reason given")
    frame[deviation] = [
        "–"
        if s.realised_share is None or s.planned_share is None
        else t(
            lang,
            f"{fmt_number(100 * (s.realised_share - s.planned_share), 0, lang)} prosentpoeng",
            f"{fmt_number(100 * (s.realised_share - s.planned_share), 0, lang)} percentage points",
        )
        for s in off
    ]
    frame[reason] = [
        reasons.get(s.id) or t(lang, "Ingen årsak oppgitt", "No reason given") for s in off
    ]
    frame.attrs["caption"] = t(
        lang, "Avvik fra planen, med årsak", "Deviations from the plan, with reasons"
    )
    frame.attrs["empty"] = t(
        lang, "Ingen gevinster eller mål avviker fra planen.", "No benefit or goal is off plan."
    )
    return frame


def take_out_table(check: Any, lang: str = "nb") -> pd.DataFrame:
    """The take-out rule (:class:`gevinst.model.funder.TakeOutCheck`) as a small table."""
    c = [t(lang, "Post", "Item"), t(lang, "Beløp", "Amount")]
    if check.met is None:
        verdict = t(lang, "– (ingen realiserte gevinster ennå)", "– (no realised gains yet)")
    elif check.met:
        verdict = t(lang, "✔ Oppfylt", "✔ Met")
    else:
        verdict = t(
            lang,
            f"✖ Ikke oppfylt: {fmt_nok(check.missing, lang, short=True)} gjenstår",
            f"✖ Not met: {fmt_nok(check.missing, lang, short=True)} to go",
        )
    rows = [
        [
            t(lang, "Interne netto gevinster realisert", "Internal net gains realised"),
            fmt_nok(check.internal_gains, lang, short=True),
        ],
        [
            t(lang, "Uttak: kontantgevinster realisert", "Take-out: cash benefits realised"),
            fmt_nok(check.taken_out_cash, lang, short=True),
        ],
        [
            t(
                lang,
                "Uttak: vedtatte uttak av frigjort tid (avsluttede budsjettår)",
                "Take-out: adopted take-outs of freed time (ended budget years)",
            ),
            fmt_nok(check.taken_out_time, lang, short=True),
        ],
        [t(lang, "Andel tatt ut", "Share taken out"), fmt_percent(check.share, lang, 0)],
        [t(lang, "Krav", "Requirement"), fmt_percent(check.required_share, lang, 0)],
        [t(lang, "Vurdering", "Assessment"), verdict],
    ]
    return _frame(
        rows,
        c,
        c[1:],
        caption=t(
            lang,
            f"Uttak av interne netto gevinster per {fmt_date(check.as_of, lang)}",
            f"Take-out of internal net gains as of {fmt_date(check.as_of, lang)}",
        ),
    )


def cost_status_table(plan: Plan, as_of: dt.date, lang: str = "nb") -> pd.DataFrame:
    """The plan's cost lines: total, of it in budget years up to ``as_of``'s year, and
    the rest (nominal NOK of the plan's price year, as planned)."""
    c = [
        "ID",
        t(lang, "Kostnad", "Cost"),
        t(lang, "Planlagt i alt", "Planned in total"),
        t(lang, f"Til og med {as_of.year}", f"Up to {as_of.year}"),
        t(lang, "Gjenstår", "Remaining"),
    ]
    rows = []
    for k in plan.costs:
        total = sum(k.amounts.values())
        so_far = sum(v for y, v in k.amounts.items() if y <= as_of.year)
        rows.append(
            [
                k.id,
                k.name,
                fmt_nok(total, lang),
                fmt_nok(so_far, lang),
                fmt_nok(total - so_far, lang),
            ]
        )
    return _frame(
        rows,
        c,
        c[2:],
        caption=t(
            lang,
            f"Kostnader etter planen (kroner, prisnivå {plan.project.price_year})",
            f"Costs as planned (NOK, price level {plan.project.price_year})",
        ),
        empty=t(lang, "Ingen kostnader er registrert.", "No costs are registered."),
    )


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


def _budget_row(view: Any, first: str, item: str, lang: str, **where: str) -> tuple[list[str], bool]:
    """One økonomiplan row – ``first``, the item's label, its total per budget year under the
    filters ``where`` (kommune, project) and the sum – and whether any year is not 0."""
    from gevinst.model.budget import ITEM_LABELS

    values = [view.total(item, year=y, **where) for y in view.years]
    label = ITEM_LABELS[item][0 if lang == "nb" else 1]
    return [first, label, *(fmt_nok(v, lang) for v in values), fmt_nok(sum(values), lang)], any(values)


def _budget_frame(view: Any, first: str, rows: list[list[str]], caption: str, lang: str) -> pd.DataFrame:
    """An økonomiplan table: ``first`` (kommune or project), item, each budget year, sum;
    the caption ends with the prices."""
    c = [first, t(lang, "Post", "Item"), *map(str, view.years), t(lang, "Sum", "Total")]
    return _frame(rows, c, c[2:], caption=caption + " · " + budget_prices_text(view, lang))


def budget_table(view: Any, municipality: str, lang: str = "nb") -> pd.DataFrame:
    """Økonomiplan for one kommune: per project and item (rows) and budget year (columns).

    ``view`` is a :class:`gevinst.model.budget.BudgetView`; costs are the
    kommune's share by each project's cost-sharing key, cash gains and uttak
    its share of each benefit (a benefit limited to some kommuner only theirs).
    """
    from gevinst.model.budget import ITEMS

    rows = []
    for pid in view.projects:
        for item in ITEMS:
            row, nonzero = _budget_row(view, pid, item, lang, municipality=municipality, project=pid)
            if nonzero:
                rows.append(row)
    total = t(lang, "Sum", "Total")
    rows += [_budget_row(view, total, item, lang, municipality=municipality)[0] for item in ITEMS]
    years = list(view.years)
    caption = t(
        lang,
        f"Økonomiplan {years[0]}–{years[-1]} for {municipality}" if years else municipality,
        f"Financial plan {years[0]}–{years[-1]} for {municipality}" if years else municipality,
    )
    return _budget_frame(view, t(lang, "Prosjekt", "Project"), rows, caption, lang)


def budget_summary_table(view: Any, lang: str = "nb") -> pd.DataFrame:
    """Økonomiplan per kommune, summed over the projects: per kommune and item (rows)
    and budget year (columns) – the «Sum» rows of each :func:`budget_table`, one
    kommune under the other (items that are 0 in every year left out)."""
    from gevinst.model.budget import ITEMS

    rows = []
    for municipality in view.municipalities:
        for item in ITEMS:
            row, nonzero = _budget_row(view, municipality, item, lang, municipality=municipality)
            if nonzero:
                rows.append(row)
    years = list(view.years)
    span = f"{years[0]}–{years[-1]} " if years else ""
    caption = t(
        lang,
        f"Økonomiplan {span}per kommune, summert over prosjektene",
        f"Financial plan {span}per municipality, summed over the projects",
    )
    return _budget_frame(view, t(lang, "Kommune", "Municipality"), rows, caption, lang)


PORTFOLIO_MAX_ROWS = 15
"""Up to this many projects the portfolio report lists every project; above it, it
summarises. The charts (:func:`gevinst.report.figures.portfolio_overview` draws the
projects with the highest and the lowest NPV and one row for the rest, «øvrige N
prosjekter», the average per project; :func:`gevinst.report.figures.portfolio_status_counts`
the whole portfolio, the projects with most items behind plan or not measured, and the
rest, as shares) stay the same size and as quick to draw at 120 projects as at 15, and
:func:`rollup_table` has every project's numbers. The økonomiplan (:func:`show_budget`)
shows each kommune's sums in one table and folds the lines per project away: at 120
projects the 23 tables of every line were some 5 000 rows, more than half the report."""


def folded_table_html(df: pd.DataFrame, label: str, css_class: str, lang: str = "nb") -> str:
    """A table in a ``<details>`` folded away under ``label`` (escaped): opened by a click,
    no script needed; closed, it prints as its one line."""
    return (
        f'<details class="{css_class}"><summary>{esc(label)}</summary>'
        f"{table_html(df, lang=lang)}</details>"
    )


def show_budget(view: Any, lang: str = "nb", *, max_projects: int = PORTFOLIO_MAX_ROWS) -> None:
    """The portfolio report's økonomiplan: one :func:`budget_table` per kommune, or –
    above ``max_projects`` projects – the kommunes' sums (:func:`budget_summary_table`)
    with each kommune's lines per project in a folded ``<details>`` under it."""
    n = len(view.projects)
    if n <= max_projects:
        for municipality in view.municipalities:
            show_table(budget_table(view, municipality, lang), lang=lang)
        return
    show_text(
        t(
            lang,
            f"Med {n} prosjekter viser tabellen hver kommunes summer. Linjene per prosjekt "
            "ligger under, én kommune i hver sammenfoldet tabell (klikk for å åpne), og i "
            "økonomiplanen i Excel (gevinst budget --excel), med ett ark per kommune.",
            f"With {n} projects the table shows each municipality's totals. The lines per "
            "project are below, one municipality in each folded table (click to open), and "
            "in the financial plan in Excel (gevinst budget --excel), one sheet per municipality.",
        )
    )
    show_table(budget_summary_table(view, lang), lang=lang)
    for municipality in view.municipalities:
        df = budget_table(view, municipality, lang)
        label = t(
            lang,
            f"{municipality}: linjene per prosjekt ({len(df)} rader)",
            f"{municipality}: the lines per project ({len(df)} rows)",
        )
        display_html(folded_table_html(df, label, "gevinst-table-fold", lang), label)


# --------------------------------------------------------------------------- road map (issue 14)


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
