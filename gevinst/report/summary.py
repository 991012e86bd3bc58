"""The steering group's first screen and the portfolio board's decision list.

They only *assemble*: the project status comes from :func:`gevinst.model.overall.overall_status`,
the decision items from :mod:`gevinst.model.decisions`, and every sentence from
:mod:`gevinst.report.status_text`; the key figures and the gap sentence from
:mod:`gevinst.report.text`. Nothing here decides what is red or what must be decided.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from gevinst.model import decisions, overall
from gevinst.report import status_text
from gevinst.report.tables import _frame, report_link, table_text
from gevinst.report.text import (
    Summary,
    contents_html,
    display_html,
    esc,
    key_figures,
    npv_gap_sentence,
    section,
    status_sentence,
    t,
    text_html,
)

SEVERITY_WORDS = {
    "high": ("Høy", "High"),
    "medium": ("Middels", "Medium"),
    "info": ("Til orientering", "For information"),
}
"""How urgent a decision item is, in words (the severity comes from the model)."""


def severity_label(severity: str, lang: str = "nb") -> str:
    nb, en = SEVERITY_WORDS.get(severity, (severity, severity))
    return t(lang, nb, en)


def project_summary(
    plan: Any,
    statuses: Sequence[Any],
    cba: Any,
    as_of: dt.date,
    lang: str = "nb",
    *,
    claims: Iterable[Any] = (),
) -> Summary:
    """The one-screen summary: project status in words, the status sentences, the key
    figures with the planned/expected gap, and «Hva styringsgruppen må ta stilling til».

    ``statuses``: the project's :func:`gevinst.model.tracking.project_status`; ``cba`` its
    :class:`~gevinst.model.cba.CbaResult` (or None); ``claims`` the portfolio's double
    claims (:func:`gevinst.model.portfolio.double_claims`), for the double-claim item.
    """
    p = plan.project
    s = Summary(title=p.name, as_of=as_of, lang=lang)
    s.overall = status_text.overall_sentences(overall.overall_status(plan, statuses, as_of), lang)
    for kind in ("benefit", "result", "disbenefit"):
        sentence = status_sentence(statuses, as_of, lang, kind=kind)
        if sentence:
            s.status.append(sentence)
    if not s.status:
        s.status.append(t(lang, "Ingen gevinster er registrert.", "No benefits are registered."))
    phase = p.phase.label(lang) if p.phase is not None else t(lang, "før BP1", "before DP1")
    s.status.append(
        t(lang, f"Siste passerte beslutningspunkt: {phase}.", f"Last decision point passed: {phase}.")
    )
    s.key_figures = key_figures(cba, lang)
    gap = npv_gap_sentence(cba, lang)
    if gap:
        s.notes.append(gap)
    items = decisions.project_decisions(
        plan, statuses, as_of, economics=decisions.Economics.from_cba(cba), claims=claims
    )
    s.decisions = [status_text.decision_text(d, lang, as_of=as_of) for d in items]
    s.decisions_title = status_text.decisions_heading(lang)
    return s


def show_summary(s: Summary) -> None:
    """Display the steering group's summary."""
    display_html(s.to_html(), s.to_text())


# --------------------------------------------------------------------------- portfolio


def _without_project(text: str, project: str) -> str:
    prefix = f"{project}: "
    return text[len(prefix) :] if text.startswith(prefix) else text


def board_decisions_table(
    plans: Mapping[str, Any],
    statuses: Sequence[Any],
    as_of: dt.date,
    lang: str = "nb",
    *,
    economics: Mapping[str, Any] | None = None,
    claims: Iterable[Any] | None = None,
) -> pd.DataFrame:
    """«Hva porteføljestyret må ta stilling til»: one row per item, most severe first.

    ``economics``: project id → :class:`~gevinst.model.decisions.Economics` (or a
    ``CbaResult``, turned into one). The project column is the project's name; its
    link to the project report is added by :func:`board_decisions_html`.
    """
    econ = {
        pid: e if isinstance(e, decisions.Economics) else decisions.Economics.from_cba(e)
        for pid, e in (economics or {}).items()
    }
    items = decisions.portfolio_decisions(plans, statuses, as_of, economics=econ, claims=claims)
    c = [
        t(lang, "Prosjekt", "Project"),
        t(lang, "Hvor viktig", "Priority"),
        t(lang, "Hva det gjelder", "What it is about"),
    ]
    rows = []
    ids = []
    for d in items:
        plan = plans.get(d.project)
        name = plan.project.name if plan is not None else d.project
        sentence = _without_project(status_text.decision_text(d, lang, as_of=as_of), d.project)
        rows.append([name, severity_label(d.severity, lang), sentence])
        ids.append(d.project)
    df = _frame(
        rows,
        c,
        caption=t(lang, "Saker for porteføljestyret, de viktigste først", "Items for the portfolio board, most important first"),
        empty=t(lang, "Ingen saker krever beslutning nå.", "Nothing needs a decision now."),
    )
    df.attrs["project_ids"] = ids
    return df


def board_decisions_html(df: pd.DataFrame, lang: str = "nb") -> str:
    """The board's items grouped by project (the project with the most severe item first),
    each project's name a heading that links to its report, its items a list."""
    e = esc
    if df.empty:
        return f"<p>{e(df.attrs.get('empty', ''))}</p>"
    groups: dict[str, list[tuple[str, str]]] = {}
    names: dict[str, str] = {}
    for pid, (name, severity, sentence) in zip(
        df.attrs.get("project_ids", []), df.itertuples(index=False), strict=True
    ):
        groups.setdefault(pid, []).append((severity, sentence))
        names[pid] = name
    out = ['<div class="gevinst-board-decisions">']
    for pid, items in groups.items():
        out.append(
            f'<h3><a href="{e(report_link(pid))}">{e(names[pid])}</a></h3><ul>'
        )
        out += [
            f"<li><strong>{e(severity)}:</strong> {text_html(sentence[:1].upper() + sentence[1:])}</li>"
            for severity, sentence in items
        ]
        out.append("</ul>")
    out.append("</div>")
    return "".join(out)


def show_board_decisions(df: pd.DataFrame, lang: str = "nb") -> None:
    display_html(board_decisions_html(df, lang), table_text(df, lang=lang))


PORTFOLIO_SECTIONS = (
    "board_decisions",
    "portfolio_status",
    "ranking",
    "portfolio_municipalities",
    "double_claims",
    "overdue",
    "budget",
    "roadmap",
)
"""The portfolio report's sections, in order (the table of contents links to each)."""


def show_portfolio_contents(plans: Mapping[str, Any], lang: str = "nb") -> None:
    """The portfolio report's table of contents and a link to every project report."""
    reports = [(plan.project.name, report_link(pid)) for pid, plan in plans.items()]
    markup = contents_html(PORTFOLIO_SECTIONS, lang, reports=reports)
    plain = "\n".join(section(k, lang) for k in PORTFOLIO_SECTIONS)
    display_html(markup, plain)
