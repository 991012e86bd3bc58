"""Sentences for the plan's life (issue 12): the alternatives verdict and delay costs.

The numbers come from :mod:`gevinst.model.alternatives` and
:mod:`gevinst.model.milestones`; plan text reaches the page through the notebook's
escaping helpers (``text.show_text``), never as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gevinst.report.text import fmt_date, fmt_nok, join_words, t


def alternatives_title(lang: str = "nb") -> str:
    return t(lang, "Alternativanalyse (BP2)", "Alternatives analysis (BP2)")


def delays_title(lang: str = "nb") -> str:
    return t(lang, "Forsinkede milepæler og hva de koster", "Slipped milestones and what they cost")


def alternatives_verdict(result: Any, lang: str = "nb") -> list[str]:
    """The null alternative, the priced ranking, the recommendation and its justification
    (DFØ: priced and non-priced effects together, with a written justification)."""
    by = {r.id: r for r in result.rows}
    top = by[result.top_priced]
    ranked = t(
        lang,
        "netto nåverdi" if result.ranked_by == "npv" else "netto nåverdi per budsjettkrone (NNB)",
        "net present value" if result.ranked_by == "npv" else "NPV per budget krone (NNB)",
    )
    out = [
        t(
            lang,
            f"Nullalternativet: {result.null_alternative}",
            f"Null alternative: {result.null_alternative}",
        ),
        t(
            lang,
            f"Alle alternativer er regnet mot nullalternativet, som har netto nåverdi 0. Rangert etter {ranked} kommer ",
            f"Every alternative is measured against the null alternative, whose NPV is 0. Ranked by {ranked}, ",
        )
        + (
            t(lang, "nullalternativet først", "the null alternative comes first")
            if top.is_null
            else t(
                lang,
                f"{top.id} først ({fmt_nok(top.npv, lang, short=True)})",
                f"{top.id} comes first ({fmt_nok(top.npv, lang, short=True)})",
            )
        )
        + ".",
    ]
    rec = by.get(result.recommended or "")
    if rec is None:
        out.append(t(lang, "Ingen anbefaling er registrert.", "No recommendation is registered."))
        return out
    out.append(
        t(
            lang,
            f"Anbefalt: {rec.id} ({rec.name}), nummer {rec.rank} i den prissatte rangeringen, med {rec.plus} positive og {rec.minus} negative ikke-prissatte virkninger.",
            f"Recommended: {rec.id} ({rec.name}), number {rec.rank} in the priced ranking, with {rec.plus} positive and {rec.minus} negative non-priced effects.",
        )
    )
    if result.needs_non_priced_argument:
        out.append(
            t(
                lang,
                f"Anbefalingen er ikke det alternativet med best prissatt resultat ({top.id if not top.is_null else 'nullalternativet'}); begrunnelsen må vise at de ikke-prissatte virkningene veier opp for forskjellen på {fmt_nok(top.npv - rec.npv, lang, short=True)}.",
                f"The recommendation is not the alternative with the best priced result ({top.id if not top.is_null else 'the null alternative'}); the justification must show that the non-priced effects outweigh the difference of {fmt_nok(top.npv - rec.npv, lang, short=True)}.",
            )
        )
    out.append(
        t(lang, f"Begrunnelse: {result.justification}", f"Justification: {result.justification}")
    )
    return out


def delay_sentences(delays: Sequence[Any], lang: str = "nb") -> str:
    """One sentence per slipped milestone: its new date, what it moves, what it costs."""
    if not delays:
        return t(
            lang,
            "Ingen milepæl som gevinster starter ved, er forsinket.",
            "No milestone that benefits start at has slipped.",
        )
    parts = [
        t(
            lang,
            f"{d.id} «{d.name}» er flyttet fra {fmt_date(d.planned, lang)} til {fmt_date(d.current, lang)} og flytter {join_words(list(d.items), lang)}; det koster {fmt_nok(d.delay_cost, lang, short=True)} i netto nåverdi",
            f"{d.id} “{d.name}” has moved from {fmt_date(d.planned, lang)} to {fmt_date(d.current, lang)} and moves {join_words(list(d.items), lang)}; it costs {fmt_nok(d.delay_cost, lang, short=True)} of NPV",
        )
        for d in delays
    ]
    return ". ".join(parts) + t(
        lang,
        ". Gevinstene som starter ved en milepæl, følger prognosedatoen: de vises som forsinket, ikke som bak plan.",
        ". Benefits that start at a milestone follow its forecast date: they show as delayed, not as behind plan.",
    )


# --------------------------------------------------------------------------- the funder's report


def is_final_report(plan: Any, as_of: Any) -> bool:
    """The final report (sluttrapport) once the project is closed (BP5 passed, or past
    its end date); before that the yearly report (årsrapport)."""
    phase = plan.project.phase
    return (phase is not None and str(getattr(phase, "value", phase)) == "BP5") or (
        as_of > plan.project.end_date
    )


def funder_title(plan: Any, as_of: Any, lang: str = "nb") -> tuple[str, str]:
    """(heading, subtitle) of the funder report."""
    final = is_final_report(plan, as_of)
    p = plan.project
    head = (
        t(lang, "Sluttrapport til finansiør", "Final report to the funder")
        if final
        else t(lang, "Årsrapport til finansiør", "Yearly report to the funder")
    )
    funder = p.funder or t(lang, "finansiør ikke oppgitt", "funder not given")
    sub = t(
        lang,
        f"{p.name}. {p.organisation}. Til: {funder}. Prosjekteier: {p.owner}. Per {fmt_date(as_of, lang)}.",
        f"{p.name}. {p.organisation}. To: {funder}. Project owner: {p.owner}. As of {fmt_date(as_of, lang)}.",
    )
    return f"{head}: {p.name}", sub


def take_out_sentences(check: Any, lang: str = "nb") -> str:
    """The take-out rule in words, or that none applies."""
    from gevinst.report.text import fmt_percent

    if not check.applies:
        return t(
            lang,
            "Finansiøren stiller ikke krav om uttak av gevinster for dette prosjektet.",
            "The funder sets no take-out requirement for this project.",
        )
    rule = t(
        lang,
        f"Finansiøren krever at {fmt_percent(check.required_share, lang, 0)} av de interne netto gevinstene tas ut av budsjettene.",
        f"The funder requires {fmt_percent(check.required_share, lang, 0)} of the internal net gains to be taken out of budgets.",
    )
    if check.met is None:
        return rule + t(
            lang,
            " Ingen interne gevinster er realisert ennå.",
            " No internal gains are realised yet.",
        )
    done = t(
        lang,
        f" Per {fmt_date(check.as_of, lang)} er {fmt_nok(check.internal_gains, lang, short=True)} realisert og {fmt_nok(check.taken_out, lang, short=True)} tatt ut ({fmt_percent(check.share, lang, 0)}).",
        f" As of {fmt_date(check.as_of, lang)}, {fmt_nok(check.internal_gains, lang, short=True)} is realised and {fmt_nok(check.taken_out, lang, short=True)} taken out ({fmt_percent(check.share, lang, 0)}).",
    )
    verdict = (
        t(lang, " Kravet er oppfylt.", " The requirement is met.")
        if check.met
        else t(
            lang,
            f" Kravet er ikke oppfylt: {fmt_nok(check.missing, lang, short=True)} gjenstår å ta ut.",
            f" The requirement is not met: {fmt_nok(check.missing, lang, short=True)} remains to be taken out.",
        )
    )
    return rule + done + verdict


def funder_headings(lang: str = "nb") -> Any:
    """The funder report's section headings as attributes."""
    from types import SimpleNamespace

    return SimpleNamespace(
        benefits=t(lang, "Gevinster mot planen", "Benefits against the plan"),
        deviations=t(lang, "Avvik og årsaker", "Deviations and reasons"),
        take_out=t(lang, "Uttak av gevinster", "Take-out of benefits"),
        costs=t(lang, "Kostnader", "Costs"),
    )


def show_funder_title(plan: Any, as_of: Any, lang: str = "nb") -> None:
    """Display the funder report's ``<h1>`` and subtitle (escaped)."""
    from gevinst.report.text import display_html, heading_html, paragraph_html

    head, sub = funder_title(plan, as_of, lang)
    display_html(heading_html(head, 1) + paragraph_html(sub), f"{head}\n{sub}")
