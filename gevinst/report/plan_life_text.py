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
