"""``gevinst excel template|export|import``: the workbook project leaders fill in."""

from __future__ import annotations

from pathlib import Path

import click

from gevinst.cli.common import (
    echo,
    handle_input_errors,
    lang_option,
    root_of,
    say,
    workspace_option,
)
from gevinst.io import excel as xl
from gevinst.io import workspace as ws
from gevinst.io.outputs import WORKBOOK, check_output

DEFAULT_TEMPLATE = Path("templates") / "gevinst-mal.xlsx"
PROPOSAL_TEMPLATE = Path("templates") / "prosjektforslag-mal.xlsx"


_force_option = click.option(
    "--force",
    is_flag=True,
    help="Erstatt en fil som finnes og ikke er en arbeidsbok (aldri arbeidsområdets egne filer).",
)


@click.group("excel")
def excel_group() -> None:
    """Excel-arbeidsbok for prosjektledere og gevinsteiere: mal, eksport og import."""


@excel_group.command("template")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_TEMPLATE,
    show_default=True,
    help="Hvor malen skrives (med --proposal: templates/prosjektforslag-mal.xlsx).",
)
@click.option(
    "--proposal",
    is_flag=True,
    help="Skriv et kort skjema for prosjektforslag (idé eller BP1) i stedet for plan-malen.",
)
@_force_option
@workspace_option
@lang_option
@handle_input_errors
def template_cmd(out: Path, proposal: bool, force: bool, workspace: Path | None, lang: str) -> None:
    """Skriv en tom arbeidsbok (mal) laget ut fra skjemaet."""
    root = root_of(workspace)
    if proposal and out == DEFAULT_TEMPLATE:
        out = PROPOSAL_TEMPLATE
    check_output(out, root, kind=WORKBOOK, force=force, lang=lang)
    config = ws.load_config(root, lang=lang) if ws.Paths(root).config.exists() else None
    if proposal:
        from gevinst.io.excel.proposal import write_proposal_template

        path = write_proposal_template(out, workspace=config, lang=lang)
        click.echo(
            say(lang, f"Skrev forslagsskjemaet {ws.display(path)}.",
                f"Wrote the proposal form {ws.display(path)}.")
        )
        return
    path = xl.write_template(out, workspace=config, lang=lang)
    click.echo(
        say(lang, f"Skrev malen {ws.display(path)}.", f"Wrote the template {ws.display(path)}.")
    )


@excel_group.command("export")
@click.argument("project_id", metavar="ID")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Hvor arbeidsboken skrives. Standard: <ID>.xlsx i gjeldende mappe.",
)
@_force_option
@workspace_option
@lang_option
@handle_input_errors
def export_cmd(
    project_id: str, out: Path | None, force: bool, workspace: Path | None, lang: str
) -> None:
    """Skriv ett prosjekts utfylte arbeidsbok (planen og målingene)."""
    root = root_of(workspace)
    target = out if out is not None else Path(f"{project_id}.xlsx")
    check_output(target, root, kind=WORKBOOK, force=force, lang=lang)
    path = xl.export_project(root, project_id, target, lang=lang)
    click.echo(say(lang, f"Skrev {ws.display(path)}.", f"Wrote {ws.display(path)}."))


@excel_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Tillat å endre eller slette målinger som allerede er registrert.",
)
@click.option(
    "--dry-run", is_flag=True, help="Vis hva som ville blitt endret, men skriv ingenting."
)
@workspace_option
@lang_option
@handle_input_errors
def import_cmd(file: Path, force: bool, dry_run: bool, workspace: Path | None, lang: str) -> None:
    """Les en utfylt arbeidsbok inn i arbeidsområdet (plan og målinger).

    Alt kontrolleres først; ved feil skrives ingenting (exit 2).
    """
    root = root_of(workspace)
    result = xl.import_workbook(root, file, force=force, dry_run=dry_run, lang=lang)
    _report(result, file, lang)


def _report(result: xl.ImportResult, file: Path, lang: str) -> None:
    echo(
        say(
            lang,
            f"Prosjekt «{result.project_id}» fra {ws.display(file)}:",
            f"Project '{result.project_id}' from {ws.display(file)}:",
        )
    )
    if result.changes:
        echo(
            say(
                lang,
                f"Planen: {len(result.changes)} {'endring' if len(result.changes) == 1 else 'endringer'}",
                f"Plan: {len(result.changes)} {'change' if len(result.changes) == 1 else 'changes'}",
            )
            if result.changes[0].action != "new_project"
            else say(lang, "Planen:", "Plan:")
        )
        for change in result.changes:
            echo("  " + change.format(lang))
    else:
        echo(say(lang, "Planen: ingen endringer", "Plan: no changes"))
    merge = result.merge
    echo(
        say(
            lang,
            f"Målinger: {len(merge.added)} {'ny' if len(merge.added) == 1 else 'nye'}, "
            f"{len(merge.changed)} endret, "
            f"{len(merge.deleted)} slettet",
            f"Measurements: {len(merge.added)} new, {len(merge.changed)} changed, "
            f"{len(merge.deleted)} deleted",
        )
    )
    row = say(lang, "rad", "row")
    for n, m in merge.added:
        echo(f"  + {m.target_id} {m.date} = {xl.display_number(m.value, lang)} ({row} {n})")
    for n, old, new in merge.changed:
        echo(
            f"  ~ {new.target_id} {new.date}: {xl.display_number(old.value, lang)} → "
            f"{xl.display_number(new.value, lang)} ({row} {n})"
        )
    for m in merge.deleted:
        echo(f"  - {m.target_id} {m.date} = {xl.display_number(m.value, lang)}")
    if result.dry_run:
        echo(
            say(lang, "Tørrkjøring (--dry-run): ingenting er skrevet.", "Dry run: nothing written.")
        )
    elif result.written:
        names = ", ".join(ws.display(p) for p in result.written)
        echo(say(lang, f"Skrev {names}.", f"Wrote {names}."))
    else:
        echo(say(lang, "Ingenting å skrive.", "Nothing to write."))


COMMANDS = [excel_group]
