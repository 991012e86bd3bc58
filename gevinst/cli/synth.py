"""``gevinst synth``: write a synthetic regional workspace (for benchmarks and scale tests)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from gevinst.cli.common import lang_option, say
from gevinst.io import synth
from gevinst.io.workspace import display


@click.command("synth")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Mappen arbeidsområdet skrives til (uten planer og målinger fra før).",
)
@click.option(
    "--projects",
    type=click.IntRange(min=1),
    default=120,
    show_default=True,
    help="Antall prosjekter.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Frø for tilfeldige tall.")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=synth.DEFAULT_AS_OF.isoformat(),
    show_default=True,
    help="Siste dato med målinger (ÅÅÅÅ-MM-DD); fast standard, så utdata ikke avhenger av i dag.",
)
@lang_option
def synth_cmd(out: Path, projects: int, seed: int, as_of: dt.datetime, lang: str) -> None:
    """Lag et syntetisk regionalt arbeidsområde: Rogalands 23 kommuner og N prosjekter.

    Samme --projects, --seed og --as-of gir alltid de samme filene. Prosjektene er
    fiktive; innbyggertallene er SSBs for 1. januar 2024 (avrundet).
    """
    try:
        made = synth.write(out, projects, seed, as_of.date())
    except FileExistsError as exc:
        raise click.UsageError(
            say(
                lang,
                f"{exc.args[0]} har filer fra før; velg en tom mappe.",
                f"{exc.args[0]} already holds files; choose an empty folder.",
            )
        ) from None
    click.echo(
        say(lang, "Skrev ", "Wrote ")
        + f"{display(out)}: "
        + synth.summary_line(made.counts, made.workspace.municipalities, lang)
    )


COMMANDS = [synth_cmd]
