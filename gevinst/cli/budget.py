"""``gevinst budget``: the økonomiplan view per kommune and budget year.

Thin: loads the workspace, runs the cost/benefit analysis of every project
(:func:`gevinst.model.cba.analyse`, without Monte Carlo and tornado: the view
needs expected values only), calls :func:`gevinst.model.budget.budget_view`
and prints a table per kommune, or ``--json``, or writes ``--excel FILE``.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import click

from gevinst.cli.common import (
    echo,
    echo_json,
    handle_input_errors,
    lang_option,
    root_of,
    say,
    workspace_option,
)
from gevinst.errors import InputError, Issue
from gevinst.io import workspace as ws
from gevinst.io.outputs import WORKBOOK, check_output
from gevinst.model import budget as bd
from gevinst.model import cba
from gevinst.model import tracking as tr


def _years(text: str | None, as_of: dt.date, lang: str) -> list[int]:
    if not text:
        return bd.default_years(as_of.year)
    try:
        return bd.parse_years(text)
    except ValueError:
        raise InputError(
            [
                Issue(
                    "not_allowed",
                    key="--years",
                    field="years",
                    found=text,
                    allowed=say(lang, "ÅÅÅÅ-ÅÅÅÅ, f.eks. 2027-2030", "YYYY-YYYY, e.g. 2027-2030"),
                )
            ]
        ) from None


@click.command("budget")
@click.option("--years", "years_text", default=None,
              help="Budsjettår, f.eks. 2027-2030. Standard: de fire årene etter i år.")
@click.option("--real", "real", is_flag=True,
              help="Faste kroner (prisnivået i gevinst.yaml) i stedet for løpende kroner.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Dato for realisert uttak (ÅÅÅÅ-MM-DD). Standard: i dag.")
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON.")
@click.option("--excel", "excel", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Skriv økonomiplanen til denne Excel-filen (ett ark per kommune + sammendrag).")
@click.option("--force", is_flag=True, help="Overskriv en fil som ikke er en arbeidsbok.")
@workspace_option
@lang_option
@handle_input_errors
def budget_cmd(
    years_text: str | None,
    real: bool,
    as_of: dt.datetime | None,
    as_json: bool,
    excel: Path | None,
    force: bool,
    workspace: Path | None,
    lang: str,
) -> None:
    """Økonomiplan per kommune og budsjettår: kostnader etter fordelingsnøkkelen,
    kontantgevinster, planlagt og realisert uttak (udiskontert)."""
    when = as_of.date() if as_of else dt.date.today()
    years = _years(years_text, when, lang)
    root = root_of(workspace)
    if excel is not None:
        check_output(excel, root, kind=WORKBOOK, force=force, lang=lang)
    loaded = ws.load(root, lang=lang)
    w = loaded.workspace
    results: dict[str, cba.CbaResult | None] = {}
    for pid, plan in loaded.plans.items():
        try:
            results[pid] = cba.analyse(plan, w, monte_carlo=False, sensitivity=False)
        except InputError:
            results[pid] = None
    statuses = tr.portfolio_status(loaded.plans, loaded.measurements, when, w)
    view = bd.workspace_budget_view(results, w, years, nominal=not real, statuses=statuses)
    from gevinst.report.tables import budget_prices_text, budget_table, table_text

    if excel is not None:
        from gevinst.io.excel.budget import write_budget

        prices = budget_prices_text(view, lang)
        write_budget(excel, view, prices, lang=lang, organisation=w.organisation)
    if as_json:
        echo_json({"as_of": when.isoformat(), **view.to_json()})
        return

    for m in view.municipalities:
        table = budget_table(view, m, lang)
        echo(table.attrs["caption"])
        echo(textwrap.indent(table_text(table, ""), "  "))
        echo("")
    if view.skipped:
        echo(say(lang, "Ikke med (planen kan ikke analyseres): ",
                 "Left out (the plan cannot be analysed): ") + ", ".join(view.skipped))
    if excel is not None:
        echo(say(lang, f"Skrev {ws.display(excel)}", f"Wrote {ws.display(excel)}"))


COMMANDS = [budget_cmd]
