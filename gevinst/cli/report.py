"""``gevinst report``: run the report notebooks and write the steering-group HTML.

Exit codes: 0 every report written (or unchanged and skipped); 1 at least one
report failed (the others are written; the failed ones are listed) – including
the report of a project whose plan or measurements have errors, which is not run
(its errors are listed, the portfolio report names it), and the reports given up
when a dask cluster has had no worker for ``--worker-timeout`` seconds; 2 bad
input (the workspace config, an unknown id, arguments, ``--jobs`` with
``--scheduler``; nothing run); 3 another run holds the lock on the output folder
(nothing run); 4 a fault of the environment (the output folder is read-only or
the disk full, the dask scheduler cannot be reached); 128 + N when stopped by
signal N (130 for Ctrl-C, 143 for SIGTERM; workers and kernels are stopped,
finished reports are kept, none is half-written).
"""

from __future__ import annotations

from pathlib import Path

import click

from gevinst.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_ENVIRONMENT,
    EXIT_FAILED,
    fail_environment,
    fail_input,
    lang_option,
    root_of,
    say,
    workspace_option,
)
from gevinst.errors import EnvironmentFault, InputError
from gevinst.io.outputs import REPORT_FOLDER, check_output
from gevinst.io.workspace import display
from gevinst.report.text import fmt_number

EXIT_LOCKED = 3


@click.command("report")
@click.argument("project_ids", nargs=-1, metavar="[ID ...]")
@click.option("--all", "run_all", is_flag=True, help="Alle prosjektene og porteføljerapporten.")
@workspace_option
@click.option(
    "--as-of",
    "as_of",
    default="",
    metavar="ÅÅÅÅ-MM-DD",
    help="Rapportdato (per dato). Standard: i dag.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Mappe for rapportene; de skrives til OUT/<per dato>/.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Antall rapporter som kjøres samtidig (arbeidsprosesser).",
)
@lang_option
@click.option(
    "--scheduler",
    default=None,
    metavar="ADRESSE",
    help="Kjør på en dask.distributed-klynge (f.eks. tcp://10.0.0.5:8786) i stedet for lokalt.",
)
@click.option(
    "--notebooks",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Mappen med rapportnotebookene. Standard: $GEVINST_NOTEBOOKS eller notebooks/ i prosjektet.",
)
@click.option(
    "--templates",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Mappen med HTML-malen gevinst_html. Standard: $GEVINST_TEMPLATES eller templates/.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Lag alle rapportene på nytt, også de der ingenting de lages av, er endret.",
)
@click.option(
    "--worker-timeout",
    type=click.FloatRange(min=1),
    default=60.0,
    show_default=True,
    metavar="SEKUNDER",
    help="Med --scheduler: gi opp rapportene som gjenstår når klyngen har vært uten "
    "arbeidere så lenge.",
)
@click.option(
    "--portfolio/--no-portfolio",
    default=None,
    help="Lag porteføljerapporten også når bare noen prosjekter er valgt (standard: bare med --all).",
)
@click.option(
    "--kind",
    type=click.Choice(["project", "funder"]),
    default="project",
    show_default=True,
    help="project: styringsgrupperapportene; funder: årsrapport/sluttrapport til finansiør "
    "(finansiering.ipynb) per prosjekt, i OUT/<per dato>/finansiering/.",
)
@click.option(
    "--pdf",
    is_flag=True,
    help="Skriv hver rapport som tilgjengelig PDF også (PDF/UA-1, A4), ved siden av HTML-filen.",
)
def report_cmd(
    project_ids: tuple[str, ...],
    run_all: bool,
    workspace: Path | None,
    as_of: str,
    out: Path,
    jobs: int,
    lang: str,
    scheduler: str | None,
    notebooks: Path | None,
    templates: Path | None,
    portfolio: bool | None,
    kind: str,
    pdf: bool,
    force: bool,
    worker_timeout: float,
) -> None:
    """Lag rapportene: én HTML-rapport per prosjekt og porteføljerapporten.

    Kjører prosjektrapport.ipynb for hvert prosjekt og porteføljerapport.ipynb med
    papermill, og skriver den kjørte notebooken (.ipynb) og rapporten (.html) til
    OUT/<per dato>/. En rapport som feiler, erstatter aldri den forrige gode.
    En rapport der ingenting den lages av er endret (plan, målinger, konfigurasjon,
    notebook, mal, gevinst-versjon, per dato), lages ikke på nytt; --force lager den.
    """
    from gevinst.report.runner import ReportsLocked, RunInterrupted, run_reports

    source = click.get_current_context().get_parameter_source("jobs")
    if scheduler and source is not None and source.name != "DEFAULT":
        raise click.UsageError(
            say(
                lang,
                "--jobs gjelder de lokale arbeidsprosessene og brukes ikke med --scheduler: "
                "der bestemmer klyngens arbeidere hvor mange rapporter som kjøres samtidig "
                "(dask worker --nworkers N --nthreads 1; se docs/schedule.md).",
                "--jobs is for the local worker processes and is not used with --scheduler: "
                "there the cluster's workers decide how many reports run at once "
                "(dask worker --nworkers N --nthreads 1; see docs/schedule.md).",
            )
        )
    if run_all and project_ids:
        raise click.UsageError(
            say(
                lang,
                "Oppgi prosjekt-ID-er eller --all, ikke begge.",
                "Give IDs or --all, not both.",
            )
        )
    if not run_all and not project_ids:
        raise click.UsageError(
            say(
                lang,
                "Oppgi hvilke prosjekter (ID ...) eller --all for alle prosjektene og porteføljen.",
                "Give the projects (ID ...) or --all for every project and the portfolio.",
            )
        )
    root = root_of(workspace)
    try:
        check_output(out, root, kind=REPORT_FOLDER, lang=lang)
        summary = run_reports(
            root,
            None if run_all else list(project_ids),
            portfolio=portfolio,
            as_of=as_of or None,
            out=out,
            jobs=jobs,
            lang=lang,
            notebooks=notebooks,
            templates=templates,
            scheduler=scheduler,
            kind=kind,
            pdf=pdf,
            force=force,
            lost_workers_timeout=worker_timeout,
        )
    except InputError as exc:
        fail_input(exc, lang)
        return
    except EnvironmentFault as exc:
        fail_environment(exc, lang)
        return
    except ReportsLocked as exc:
        click.echo(exc.format(lang), err=True)
        raise SystemExit(EXIT_LOCKED) from None
    except RunInterrupted as exc:
        click.echo(
            say(
                lang,
                f"Avbrutt ({exc}): arbeidsprosessene og kjernene er stoppet; ferdige rapporter "
                "er beholdt, ingen er halvskrevet.",
                f"Interrupted ({exc}): the workers and kernels are stopped; finished reports "
                "are kept, none is half-written.",
            ),
            err=True,
        )
        raise SystemExit(exc.exit_code) from None
    _print_summary(summary, lang)
    if summary.environment_faults:
        raise SystemExit(EXIT_ENVIRONMENT)
    if summary.exit_code:
        raise SystemExit(EXIT_FAILED)


def _print_summary(summary, lang: str) -> None:
    if summary.stale_lock:
        holder = summary.stale_lock
        click.echo(
            say(
                lang,
                f"Merk: en tidligere kjøring (pid {holder.get('pid')} på {holder.get('host')}) "
                "ble avbrutt uten å rydde opp; låsen er tatt over.",
                f"Note: an earlier run (pid {holder.get('pid')} on {holder.get('host')}) was "
                "stopped without cleaning up; its lock was taken over.",
            ),
            err=True,
        )
    skipped = len(summary.skipped)
    n = len(summary.results) - skipped
    done = n - len(summary.failed)
    per = summary.seconds / n if n else 0.0
    if n or not skipped:
        click.echo(
            say(
                lang,
                f"{done} av {n} rapporter laget på {fmt_number(summary.seconds, 1, lang)} s "
                f"({fmt_number(per, 1, lang)} s per rapport) i {display(summary.out_dir)}.",
                f"{done} of {n} reports made in {fmt_number(summary.seconds, 1, lang)} s "
                f"({fmt_number(per, 1, lang)} s per report) in {display(summary.out_dir)}.",
            )
        )
    if skipped:
        click.echo(
            say(
                lang,
                f"{skipped} rapporter er uendret og ikke laget på nytt (ingenting de lages av, "
                f"er endret; --force lager dem): {_keys(summary.skipped)}.",
                f"{skipped} reports are unchanged and were not made again (nothing they are "
                f"made from changed; --force makes them): {_keys(summary.skipped)}.",
            )
        )
    if summary.failed:
        click.echo(
            say(
                lang,
                f"{len(summary.failed)} rapporter feilet:",
                f"{len(summary.failed)} reports failed:",
            ),
            err=True,
        )
        for r in summary.failed:
            click.echo(f"  - {r.key}: {r.error}", err=True)
            for issue in r.issues:
                click.echo("      " + issue.format(lang), err=True)
            if r.notebook is not None:
                click.echo(
                    say(lang, "    kjørt notebook: ", "    executed notebook: ")
                    + display(r.notebook),
                    err=True,
                )
            if r.html is not None:
                click.echo(
                    say(
                        lang,
                        "    den forrige gode rapporten er beholdt: ",
                        "    the previous good report is kept: ",
                    )
                    + display(r.html),
                    err=True,
                )
    if summary.workspace_issues:
        click.echo(
            say(
                lang,
                f"Feil i arbeidsområdet som ikke hører til noe prosjekt "
                f"({len(summary.workspace_issues)}; kjør «gevinst check»):",
                f"Errors in the workspace that belong to no project "
                f"({len(summary.workspace_issues)}; run 'gevinst check'):",
            ),
            err=True,
        )
        for issue in summary.workspace_issues:
            click.echo("  - " + issue.format(lang), err=True)
    if summary.portfolio_html is not None:
        click.echo(
            say(lang, "Åpne porteføljerapporten: ", "Open the portfolio report: ")
            + display(summary.portfolio_html)
        )
    else:
        ok = [r for r in summary.results if r.ok and r.html is not None]
        if ok:
            click.echo(say(lang, "Åpne rapportene:", "Open the reports:"))
            for r in ok:
                click.echo(f"  {display(r.html)}")
                if r.pdf is not None:
                    click.echo(f"  {display(r.pdf)}")


def _keys(results, most: int = 8) -> str:
    keys = [r.key for r in results]
    return ", ".join(keys[:most]) + (f", … (+{len(keys) - most})" if len(keys) > most else "")


COMMANDS = [report_cmd]

__all__ = ["COMMANDS", "EXIT_BAD_INPUT", "EXIT_LOCKED", "report_cmd"]
