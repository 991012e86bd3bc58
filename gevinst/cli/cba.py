"""``gevinst cba ID``: the cost/benefit analysis of one project.

Thin: loads the workspace config and the plan (the same validation and the
same issues as ``gevinst check``), calls :func:`gevinst.model.cba.analyse` and
prints a Norwegian (or English) summary, or with ``--json`` the object of
:meth:`gevinst.model.cba.CbaResult.to_json`. Bad input: exit 2.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import click

from gevinst.cli.common import (
    cut,
    echo,
    echo_json,
    handle_input_errors,
    lang_option,
    root_of,
    say,
    workspace_option,
)
from gevinst.io import workspace as ws
from gevinst.model.alternatives import compare_alternatives
from gevinst.model.cba import CbaResult, analyse
from gevinst.model.milestones import milestone_delays
from gevinst.model.schema import Plan
from gevinst.report.baselines import compare_project
from gevinst.report.cba_text import basis_sentences, monte_carlo_note
from gevinst.report.tables import municipality_table, table_text
from gevinst.report.text import (
    cautious_npv_label,
    fmt_nok,
    fmt_number,
    fmt_percent,
    fmt_rate,
    fmt_year,
    key_figures,
    payback_label,
    section,
    sensitivity_label,
    sensitivity_rows,
    switching_text,
)

TOP_SENSITIVITY = 6
LABEL_WIDTH = 48


def _rules(result: CbaResult, lang: str) -> str:
    d = result.discounting
    rates = "/".join(fmt_rate(r, lang) for r in d["rates"])
    rule = (
        say(lang, f"R-109 trinnvis {rates}", f"R-109 step-wise {rates}")
        if d["rule"] == "r109"
        else say(lang, f"fast rente {rates}", f"flat rate {rates}")
    )
    timing = (
        say(lang, "år 0 udiskontert", "year 0 undiscounted")
        if d["timing"] == "start"
        else say(lang, "strømmer ved årets slutt", "flows at year end")
    )
    return f"{rule}, {timing}"


def summary_text(plan: Plan, result: CbaResult, lang: str = "nb") -> str:
    """The readable summary printed by ``gevinst cba`` (no logic, only wording)."""
    r = result
    last = r.start_year + r.analysis_years - 1
    lines = [
        f"{section('cba', lang)}: {plan.project.name} ({plan.project.id})",
        say(
            lang,
            f"Faste {r.price_year}-kroner · diskontert til {r.base_year} · {r.start_year}–{last} "
            f"({r.analysis_years} år) · {_rules(r, lang)} · timekostnad {fmt_nok(r.hourly_cost, lang)}",
            f"Real {r.price_year} NOK · discounted to {r.base_year} · {r.start_year}–{last} "
            f"({r.analysis_years} years) · {_rules(r, lang)} · hourly cost "
            f"{fmt_nok(r.hourly_cost, lang)}",
        ),
        "",
    ]
    rows = key_figures(r, lang, short=False, uncertainty=False, abbreviations=True)
    rows += [
        (
            payback_label(lang, discounted=False),
            fmt_year(r.payback_year, lang),
        ),
        (
            say(lang, "Nåverdi av kostnader / nytte", "PV of costs / benefits"),
            f"{fmt_nok(r.pv_costs, lang)} / {fmt_nok(r.pv_benefits, lang)}",
        ),
        (
            say(lang, "Skattefinansieringskostnad", "Tax financing cost"),
            fmt_nok(r.tax_financing_cost, lang)
            + say(
                lang,
                f" ({fmt_percent(r.tax_rate, lang, 0)}, med i NNV)",
                f" ({fmt_percent(r.tax_rate, lang, 0)}, in the NPV)",
            )
            if r.tax_rate > 0
            else say(lang, "ikke med (av i gevinst.yaml)", "not included (off in gevinst.yaml)"),
        ),
    ]
    width = max(len(label) for label, _ in rows)
    lines += [f"  {label:<{width}}  {value}" for label, value in rows]

    mc = r.monte_carlo
    if mc is not None:
        lines += [
            "",
            say(
                lang,
                f"Usikkerhet (Monte Carlo, {fmt_number(mc.draws, 0, lang)} trekk, frø {mc.seed}):",
                f"Uncertainty (Monte Carlo, {fmt_number(mc.draws, 0, lang)} draws, seed {mc.seed}):",
            ),
            f"  {cautious_npv_label(lang)}: {fmt_nok(mc.p15, lang, short=True)}",
            f"  P10 {fmt_nok(mc.p10, lang, short=True)} · P50 {fmt_nok(mc.p50, lang, short=True)} · "
            f"P85 {fmt_nok(mc.p85, lang, short=True)} · P90 {fmt_nok(mc.p90, lang, short=True)} · "
            + say(lang, "forventning ", "mean ")
            + fmt_nok(mc.mean, lang, short=True),
            say(
                lang,
                f"  Sannsynlighet for positiv NNV: {fmt_percent(mc.prob_positive, lang, 0)}",
                f"  Probability of a positive NPV: {fmt_percent(mc.prob_positive, lang, 0)}",
            ),
            *textwrap.wrap(
                monte_carlo_note(mc, lang), 100, initial_indent="  ", subsequent_indent="  "
            ),
        ]

    if r.sensitivity:
        lines += [
            "",
            say(lang, "Følsomhet (størst utslag først):", "Sensitivity (largest swing first):"),
        ]
        top = sensitivity_rows(r)[:TOP_SENSITIVITY]
        labels = [cut(sensitivity_label(row, lang), LABEL_WIDTH) for row in top]
        lw = max(len(label) for label in labels)
        npv = say(lang, "NNV", "NPV")
        for row, label in zip(top, labels, strict=True):
            switch = switching_text(row, lang)
            lines.append(
                f"  {label:<{lw}}  {npv} {fmt_nok(row.low_npv, lang, short=True)} … "
                f"{fmt_nok(row.high_npv, lang, short=True)}"
                + (
                    say(lang, f"  · NNV = 0 når {switch}", f"  · NPV = 0 when {switch}")
                    if switch
                    else ""
                )
            )

    if r.municipalities:
        table = municipality_table(r, lang)
        lines += ["", f"{table.attrs['caption']}:", textwrap.indent(table_text(table, ""), "  ")]

    if r.non_priced:
        lines += [
            "",
            say(
                lang,
                f"Ikke-prissatte gevinster står ved siden av NNV, ikke i den: {', '.join(r.non_priced)}.",
                f"Non-priced benefits stand beside the NPV, not in it: {', '.join(r.non_priced)}.",
            ),
        ]
    lines += ["", say(lang, "Grunnlag:", "Basis:")]
    for sentence in basis_sentences(r, lang):
        lines += textwrap.wrap(sentence, 100, initial_indent="  ", subsequent_indent="    ")
    for cost_id, years in r.outside_period.items():
        lines.append(
            say(
                lang,
                f"Merk: kostnad {cost_id} har beløp etter analyseperioden ({', '.join(map(str, years))}); de er holdt utenfor.",
                f"Note: cost {cost_id} has amounts after the analysis period ({', '.join(map(str, years))}); they are left out.",
            )
        )
    lines += [
        "",
        say(
            lang,
            f"Tall per år: gevinst cba {plan.project.id} --json",
            f"Figures per year: gevinst cba {plan.project.id} --json",
        ),
    ]
    return "\n".join(lines)


@click.command("cba")
@click.argument("project_id")
@workspace_option
@lang_option
@click.option("--json", "as_json", is_flag=True, help="Skriv hele resultatet som JSON.")
@click.option(
    "--draws",
    type=click.IntRange(100, 1_000_000),
    default=None,
    help="Antall Monte Carlo-trekk. Standard: monte_carlo.draws i gevinst.yaml.",
)
@click.option(
    "--seed",
    type=int,
    default=None,
    help="Frø for Monte Carlo. Standard: monte_carlo.seed i gevinst.yaml.",
)
@handle_input_errors
def cba_cmd(
    project_id: str,
    workspace: Path | None,
    lang: str,
    as_json: bool,
    draws: int | None,
    seed: int | None,
) -> None:
    """Kost/nytte-analyse av prosjektet ID: NNV, usikkerhet, følsomhet, per kommune."""
    root = root_of(workspace)
    config = ws.load_config(root, lang=lang)
    plan = ws.load_plan(root, project_id, config, lang=lang)
    result = analyse(plan, config, draws=draws, seed=seed)
    if as_json:
        comparison = compare_project(root, plan, config, with_npv=True)
        out = result.to_json()
        out["baseline_npv"] = comparison.baseline_npv if comparison else None
        out["baseline"] = comparison.to_json() if comparison else None
        # Issue 12: the alternatives analysis (null for a plan without alternatives)
        # and the delay cost of each slipped milestone.
        alternatives = compare_alternatives(plan, config)
        out["alternatives"] = alternatives.to_json() if alternatives else None
        out["milestone_delays"] = [d.to_json() for d in milestone_delays(plan, config)]
        echo_json(out)
    else:
        echo(summary_text(plan, result, lang))


COMMANDS = [cba_cmd]
