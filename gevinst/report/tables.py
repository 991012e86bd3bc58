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

from gevinst.model.schema import IMPACT_SYMBOLS, Plan
from gevinst.report.text import (
    fmt_date,
    fmt_nok,
    fmt_number,
    fmt_percent,
    key_figures,
    risk_level,
    status_label,
    t,
)


def _frame(
    rows: list[list[Any]], columns: Sequence[str], numeric: Iterable[str] = ()
) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(columns), dtype=object)
    df.attrs["numeric"] = [c for c in numeric if c in df.columns]
    return df


def _value(value: float | None, unit: str, lang: str) -> str:
    if value is None:
        return "–"
    decimals = 0 if float(value).is_integer() or abs(value) >= 100 else 1
    number = fmt_number(value, decimals, lang)
    return f"{number}\u00a0{unit}" if unit else number


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
    return _frame(rows, c)


# --------------------------------------------------------------------------- status


def benefit_status_table(
    statuses: Iterable[Any], lang: str = "nb", *, kinds: Sequence[str] = ("benefit", "disbenefit")
) -> pd.DataFrame:
    """Benefits (and ulemper) against plan: status as symbol and word, shares, forecast."""
    c = {
        "id": "ID",
        "name": t(lang, "Gevinst", "Benefit"),
        "owner": t(lang, "Gevinsteier", "Benefit owner"),
        "status": "Status",
        "baseline": t(lang, "Nullpunkt", "Baseline"),
        "latest": t(lang, "Siste måling", "Latest measurement"),
        "date": t(lang, "Målt", "Measured"),
        "realised": t(lang, "Realisert andel", "Realised share"),
        "planned": t(lang, "Planlagt andel", "Planned share"),
        "target": t(lang, "Målverdi", "Target"),
        "target_date": t(lang, "Måldato", "Target date"),
        "forecast": t(lang, "Prognose ved måldato", "Forecast at target date"),
        "next": t(lang, "Neste måling", "Next measurement"),
    }
    rows = []
    for s in statuses:
        if s.kind not in kinds:
            continue
        name = s.name if s.kind == "benefit" else f"{s.name} ({t(lang, 'ulempe', 'dis-benefit')})"
        next_due = fmt_date(s.next_due, lang)
        if s.overdue:
            next_due += t(lang, " (forfalt)", " (overdue)")
        rows.append(
            [
                s.id,
                name,
                s.owner,
                status_label(s.status, lang),
                _value(s.baseline, s.unit, lang),
                _value(s.latest_value, s.unit, lang),
                fmt_date(s.latest_date, lang),
                fmt_percent(s.realised_share, lang, 0),
                fmt_percent(s.planned_share, lang, 0),
                _value(s.target, s.unit, lang),
                fmt_date(s.target_date, lang),
                _value(s.forecast_at_target, s.unit, lang)
                if s.forecast_at_target is not None
                else t(lang, "for få målinger", "too few measurements"),
                next_due,
            ]
        )
    numeric = [c[k] for k in ("baseline", "latest", "realised", "planned", "target", "forecast")]
    return _frame(rows, list(c.values()), numeric)


def result_goal_table(statuses: Iterable[Any], lang: str = "nb") -> pd.DataFrame:
    """Resultatmål against plan."""
    c = {
        "id": "ID",
        "name": t(lang, "Resultatmål", "Result goal"),
        "owner": t(lang, "Ansvarlig", "Responsible"),
        "status": "Status",
        "baseline": t(lang, "Nullpunkt", "Baseline"),
        "latest": t(lang, "Siste måling", "Latest measurement"),
        "date": t(lang, "Målt", "Measured"),
        "realised": t(lang, "Realisert andel", "Realised share"),
        "planned": t(lang, "Planlagt andel", "Planned share"),
        "target": t(lang, "Målverdi", "Target"),
        "due": t(lang, "Frist", "Due"),
    }
    rows = [
        [
            s.id,
            s.name,
            s.owner,
            status_label(s.status, lang),
            _value(s.baseline, s.unit, lang),
            _value(s.latest_value, s.unit, lang),
            fmt_date(s.latest_date, lang),
            fmt_percent(s.realised_share, lang, 0),
            fmt_percent(s.planned_share, lang, 0),
            _value(s.target, s.unit, lang),
            fmt_date(s.target_date, lang),
        ]
        for s in statuses
        if s.kind == "result"
    ]
    numeric = [c[k] for k in ("baseline", "latest", "realised", "planned", "target")]
    return _frame(rows, list(c.values()), numeric)


# --------------------------------------------------------------------------- cost/benefit


def key_figures_table(cba: Any, lang: str = "nb") -> pd.DataFrame:
    """The key figures of a :class:`CbaResult` (label, formatted value)."""
    c = [t(lang, "Nøkkeltall", "Key figure"), t(lang, "Verdi", "Value")]
    return _frame([list(r) for r in key_figures(cba, lang)], c, [c[1]])


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
            str(int(r.year)),
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
    return _frame(rows, list(c.values()), [v for k, v in c.items() if k != "year"])


def sensitivity_table(cba: Any, lang: str = "nb") -> pd.DataFrame:
    """The tornado's data: NPV with each input low and high, and its switching value."""
    c = [
        t(lang, "Forutsetning", "Input"),
        t(lang, "Nåverdi ved lav verdi", "NPV at low value"),
        t(lang, "Nåverdi ved høy verdi", "NPV at high value"),
        t(lang, "Hva som gir nåverdi 0", "What brings NPV to 0"),
    ]
    rows = sorted(cba.sensitivity, key=lambda r: -abs(r.high_npv - r.low_npv))
    body = [
        [
            _sens_label(r, lang),
            fmt_nok(r.low_npv, lang, short=True),
            fmt_nok(r.high_npv, lang, short=True),
            _sens_switch(r, lang),
        ]
        for r in rows
    ]
    return _frame(body, c, c[1:3])


def _sens_label(row: Any, lang: str) -> str:
    if lang == "en":
        return getattr(row, "label_en", None) or row.label
    return row.label


def _sens_switch(row: Any, lang: str) -> str:
    text = getattr(row, "switching_text_en" if lang == "en" else "switching_text", "")
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
    rows = [
        [
            m.name,
            fmt_percent(m.share, lang),
            fmt_nok(m.costs, lang),
            fmt_nok(m.benefits, lang),
            fmt_nok(m.npv, lang),
        ]
        for m in cba.municipalities
    ]
    if rows:
        rows.append(
            [
                t(lang, "Sum", "Total"),
                fmt_percent(sum(m.share for m in cba.municipalities), lang),
                fmt_nok(sum(m.costs for m in cba.municipalities), lang),
                fmt_nok(sum(m.benefits for m in cba.municipalities), lang),
                fmt_nok(sum(m.npv for m in cba.municipalities), lang),
            ]
        )
    return _frame(rows, c, c[1:])


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
    return _frame(rows, c)


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
    ranked = sorted(
        plan.risks, key=lambda r: (-(r.probability * r.consequence), -r.consequence, r.id)
    )
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
        for r in ranked
    ]
    return _frame(rows, c, c[2:5])


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
    return _frame(rows, c)


# --------------------------------------------------------------------------- HTML


def table_html(
    df: pd.DataFrame,
    caption: str,
    *,
    row_headers: bool = False,
    empty: str | None = None,
    lang: str = "nb",
) -> str:
    """Accessible HTML for a table: ``<caption>``, ``<th scope="col">``, escaped cells.

    No index column is written (the tables carry their own ID columns). With
    ``row_headers`` the first column's cells are ``<th scope="row">``. Columns
    named in ``df.attrs["numeric"]`` are right-aligned (``class="num"``). An
    empty table becomes a short sentence (``empty``) under the caption.
    """
    e = html.escape
    if df.empty:
        note = empty or t(lang, "Ingen rader.", "No rows.")
        return f'<div class="gevinst-table-empty"><p><strong>{e(caption)}</strong>: {e(note)}</p></div>'
    numeric = set(df.attrs.get("numeric", []))
    out = ['<table class="gevinst-table">', f"<caption>{e(caption)}</caption>", "<thead><tr>"]
    for col in df.columns:
        cls = ' class="num"' if col in numeric else ""
        out.append(f'<th scope="col"{cls}>{e(str(col))}</th>')
    out.append("</tr></thead><tbody>")
    for row in df.itertuples(index=False):
        out.append("<tr>")
        for i, (col, cell) in enumerate(zip(df.columns, row, strict=True)):
            cls = ' class="num"' if col in numeric else ""
            text = e(_text(cell))
            if row_headers and i == 0:
                out.append(f'<th scope="row"{cls}>{text}</th>')
            else:
                out.append(f"<td{cls}>{text}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def show_table(
    df: pd.DataFrame,
    caption: str,
    *,
    row_headers: bool = False,
    empty: str | None = None,
    lang: str = "nb",
) -> None:
    """Display a table in a notebook as accessible HTML (plain-text fallback included)."""
    from IPython.display import display

    markup = table_html(df, caption, row_headers=row_headers, empty=empty, lang=lang)
    plain = caption + "\n" + (df.to_string(index=False) if not df.empty else (empty or ""))
    display({"text/html": markup, "text/plain": plain}, raw=True)
