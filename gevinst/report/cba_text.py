"""Sentences about the cost/benefit basis: base year, price year, residual value, sunk costs,
the budget picture and how honest the uncertainty figures are.

Wording only: every number comes from :class:`gevinst.model.cba.CbaResult`,
:class:`gevinst.model.uncertainty.MonteCarloResult` or the workspace. Shown by
``gevinst cba``, ``gevinst portfolio`` and the reports, so they always say the
same. Plan text (the decision note) is returned as plain text; HTML output
escapes it in :func:`gevinst.report.text.paragraph_html`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gevinst.report.text import fmt_nok, fmt_number, fmt_percent, join_words, t

IRR_REASONS = {
    "no_sign_change": (
        "Internrente finnes ikke: strømmene skifter ikke fortegn.",
        "There is no IRR: the flows do not change sign.",
    ),
    "not_conventional": (
        "Internrente vises ikke: strømmene er ikke konvensjonelle (ett fortegnsskifte fra − til +); "
        "bruk netto nåverdi.",
        "No IRR is shown: the flows are not conventional (one sign change from − to +); use the NPV.",
    ),
    "no_root": (
        "Internrente finnes ikke mellom −99 % og 1000 %.",
        "There is no IRR between −99% and 1000%.",
    ),
}


def basis_sentences(cba: Any, lang: str = "nb") -> list[str]:
    """Base year, price year (and conversion), residual value, sunk costs, tax financing, IRR."""
    out = [
        t(
            lang,
            f"Alle nåverdier er diskontert til sammenstillingsåret {cba.base_year}; "
            f"R-109-trappen telles fra analysens første år {cba.start_year}.",
            f"Every present value is discounted to the base year {cba.base_year}; "
            f"the R-109 steps are counted from the first analysis year {cba.start_year}.",
        )
    ]
    if cba.price_factor != 1 or cba.plan_price_year != cba.price_year:
        out.append(
            t(
                lang,
                f"Beløpene er i faste {cba.price_year}-kroner, regnet om fra planens "
                f"{cba.plan_price_year}-kroner med faktor {fmt_number(cba.price_factor, 4, lang)} "
                f"({cba.price_index_source.strip().rstrip('.')}).",
                f"Amounts are in real {cba.price_year} NOK, converted from the plan's "
                f"{cba.plan_price_year} NOK by a factor of {fmt_number(cba.price_factor, 4, lang)} "
                f"({cba.price_index_source.strip().rstrip('.')}).",
            )
        )
    else:
        out.append(
            t(
                lang,
                f"Beløpene er i faste {cba.price_year}-kroner.",
                f"Amounts are in real {cba.price_year} NOK.",
            )
        )
    if cba.residual_value:
        year = cba.start_year + cba.analysis_years
        out.append(
            t(
                lang,
                f"Restverdien av investeringer som lever lenger enn analyseperioden er "
                f"{fmt_nok(cba.residual_value, lang, short=True)} i {year} "
                f"({fmt_nok(cba.pv_residual_value, lang, short=True)} i nåverdi, lineær avskrivning); "
                "den er med i NNV.",
                f"The residual value of investments that outlive the analysis period is "
                f"{fmt_nok(cba.residual_value, lang, short=True)} in {year} "
                f"({fmt_nok(cba.pv_residual_value, lang, short=True)} in present value, linear "
                "depreciation); it is in the NPV.",
            )
        )
    if cba.sunk_costs:
        years = sorted({y for v in cba.sunk_costs.values() for y in v})
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
        why = f" {cba.decision_note.strip()}" if cba.decision_note else ""
        out.append(
            t(
                lang,
                f"Påløpte kostnader før beslutningsåret {cba.decision_year} ({span}): "
                f"{fmt_nok(cba.sunk_cost_total, lang, short=True)}, vist her og ikke med i NNV.{why}",
                f"Sunk costs before the decision year {cba.decision_year} ({span}): "
                f"{fmt_nok(cba.sunk_cost_total, lang, short=True)}, shown here and not in the NPV.{why}",
            )
        )
    if cba.tax_rate > 0:
        out.append(
            t(
                lang,
                f"Skattefinansieringskostnaden er {fmt_percent(cba.tax_rate, lang, 0)} av netto "
                "budsjettvirkning (investering og drift minus kontantgevinster og uttak av frigjort tid).",
                f"The tax financing cost is {fmt_percent(cba.tax_rate, lang, 0)} of the net budget "
                "effect (investment and operation less cash benefits and take-outs of freed time).",
            )
        )
    else:
        reason = cba.tax_off_reason.strip() or t(lang, "ingen begrunnelse", "no reason given")
        out.append(
            t(
                lang,
                f"Skattefinansieringskostnaden er ikke med: {reason}",
                f"The tax financing cost is left out: {reason}",
            )
        )
    if cba.irr is None and cba.irr_reason in IRR_REASONS:
        nb, en = IRR_REASONS[cba.irr_reason]
        out.append(t(lang, nb, en))
    out.extend(w["nb"] if lang == "nb" else w["en"] for w in cba.warnings)
    return out


def monte_carlo_note(mc: Any, lang: str = "nb") -> str:
    """Sampling, standard errors and the correlation assumption, in words."""
    if mc is None:
        return ""
    se = mc.percentile_se or {}
    method = (
        t(lang, "latinsk hyperkube", "Latin hypercube")
        if mc.sampling == "lhs"
        else t(lang, "enkle tilfeldige trekk", "simple random draws")
    )
    parts = [
        t(
            lang,
            f"{fmt_number(mc.draws, 0, lang)} trekk ({method}). Standardfeil: forventning "
            f"±{fmt_nok(mc.mean_se, lang, short=True)}, P10 ±{fmt_nok(se.get('p10'), lang, short=True)}, "
            f"P50 ±{fmt_nok(se.get('p50'), lang, short=True)}, P85 ±{fmt_nok(se.get('p85'), lang, short=True)}, "
            f"P90 ±{fmt_nok(se.get('p90'), lang, short=True)}.",
            f"{fmt_number(mc.draws, 0, lang)} draws ({method}). Standard errors: mean "
            f"±{fmt_nok(mc.mean_se, lang, short=True)}, P10 ±{fmt_nok(se.get('p10'), lang, short=True)}, "
            f"P50 ±{fmt_nok(se.get('p50'), lang, short=True)}, P85 ±{fmt_nok(se.get('p85'), lang, short=True)}, "
            f"P90 ±{fmt_nok(se.get('p90'), lang, short=True)}.",
        )
    ]
    if mc.sampling == "lhs":
        parts.append(
            t(
                lang,
                "Med latinsk hyperkube er standardfeilen for forventningen en øvre grense.",
                "With a Latin hypercube the mean's standard error is an upper bound.",
            )
        )
    if mc.independent:
        parts.append(
            t(
                lang,
                "Forutsetning: alle kostnader og gevinster er trukket uavhengig av hverandre "
                "(ingen korrelasjonsgrupper i planen); har flere linjer samme driver, er spredningen undervurdert.",
                "Assumption: every cost and benefit is drawn independently (no correlation groups "
                "in the plan); where lines share a driver the spread is understated.",
            )
        )
    else:
        groups = join_words(
            [
                f"{', '.join(g['lines'])} (ρ = {fmt_number(g['correlation'], 2, lang)})"
                for g in mc.correlation
            ],
            lang,
        )
        parts.append(
            t(
                lang,
                f"Korrelerte linjer: {groups}; de øvrige er trukket uavhengig.",
                f"Correlated lines: {groups}; the others are drawn independently.",
            )
        )
    return " ".join(parts)


def portfolio_sentences(results: Mapping[str, Any], workspace: Any, mc: Any, lang: str = "nb"):
    """The portfolio's cost/benefit in words: base year, total NPV, its distribution."""
    done = [r for r in results.values() if r is not None]
    if not done:
        return []
    base = {r.base_year for r in done}
    prices = {r.price_year for r in done}
    total = sum(r.npv for r in done)
    out = [
        t(
            lang,
            f"Porteføljens netto nåverdi er {fmt_nok(total, lang, short=True)}: summen av "
            f"prosjektenes, alle diskontert til {join_words(sorted(map(str, base)), lang)} i faste "
            f"{join_words(sorted(map(str, prices)), lang)}-kroner.",
            f"The portfolio's NPV is {fmt_nok(total, lang, short=True)}: the sum of the projects', "
            f"all discounted to {join_words(sorted(map(str, base)), lang)} in real "
            f"{join_words(sorted(map(str, prices)), lang)} NOK.",
        )
    ]
    if workspace.budget_constrained:
        out.append(
            t(
                lang,
                "Budsjettet er skranken: prioriteringen bruker netto nåverdi per budsjettkrone (NNB).",
                "The budget is the constraint: the ranking uses the NPV per budget krone.",
            )
        )
    if mc is not None:
        se = mc.percentile_se
        out.append(
            t(
                lang,
                f"Monte Carlo for porteføljen: 90 % sannsynlighet for at NNV er minst "
                f"{fmt_nok(mc.p10, lang, short=True)} (P10, ±{fmt_nok(se.get('p10'), lang, short=True)}); "
                f"P50 {fmt_nok(mc.p50, lang, short=True)} "
                f"(±{fmt_nok(se.get('p50'), lang, short=True)}); forventning "
                f"{fmt_nok(mc.mean, lang, short=True)} (±{fmt_nok(mc.mean_se, lang, short=True)}); "
                f"sannsynlighet for positiv NNV {fmt_percent(mc.prob_positive, lang, 0)}. "
                "Prosjektene er trukket uavhengig av hverandre, hvert med sine korrelasjonsgrupper.",
                f"Portfolio Monte Carlo: 90% probability that the NPV is at least "
                f"{fmt_nok(mc.p10, lang, short=True)} (P10, ±{fmt_nok(se.get('p10'), lang, short=True)}); "
                f"P50 {fmt_nok(mc.p50, lang, short=True)} "
                f"(±{fmt_nok(se.get('p50'), lang, short=True)}); mean "
                f"{fmt_nok(mc.mean, lang, short=True)} (±{fmt_nok(mc.mean_se, lang, short=True)}); "
                f"probability of a positive NPV {fmt_percent(mc.prob_positive, lang, 0)}. "
                "The projects are drawn independently of each other, each with its correlation groups.",
            )
        )
    return out


def portfolio_cba_text(results: Mapping[str, Any], workspace: Any, mc: Any, lang: str = "nb"):
    """The portfolio's cost/benefit paragraph for the terminal."""
    sentences = portfolio_sentences(results, workspace, mc, lang)
    if not sentences:
        return ""
    head = t(lang, "Kost/nytte for porteføljen:", "Cost/benefit of the portfolio:")
    return "\n" + head + "\n" + "\n".join(f"  {s}" for s in sentences)
