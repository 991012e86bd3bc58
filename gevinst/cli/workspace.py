"""``gevinst check``, ``gevinst list`` and ``gevinst schema``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from gevinst.cli.common import (
    EXIT_BAD_INPUT,
    echo,
    echo_issues,
    echo_json,
    fail_input,
    lang_option,
    root_of,
    say,
    workspace_option,
)
from gevinst.errors import InputError
from gevinst.io import listing
from gevinst.io import workspace as ws
from gevinst.io.atomic import write_text
from gevinst.model.schema import Plan
from gevinst.schema_docs import schema_markdown


@click.command("check")
@workspace_option
@lang_option
@click.option("--json", "as_json", is_flag=True, help="Skriv feilene som JSON.")
def check_cmd(workspace: Path | None, lang: str, as_json: bool) -> None:
    """Valider arbeidsområdet: konfigurasjon, alle planer og alle målinger."""
    root = root_of(workspace)
    loaded, issues = ws.check(root, lang=lang)
    if as_json:
        echo_json(
            {
                "ok": not issues,
                "projects": sorted(loaded.plans) if loaded else [],
                "issues": [i.as_dict() for i in issues],
            }
        )
    elif issues:
        click.echo(
            say(
                lang,
                f"{len(issues)} feil funnet i {ws.display(root)}:",
                f"{len(issues)} errors found in {ws.display(root)}:",
            ),
            err=True,
        )
        echo_issues(issues, lang)
    else:
        assert loaded is not None
        n_meas = sum(len(v) for v in loaded.measurements.values())
        click.echo(
            say(
                lang,
                f"OK: {ws.display(root)} – {len(loaded.plans)} prosjekter og {n_meas} målinger er gyldige.",
                f"OK: {ws.display(root)} – {len(loaded.plans)} projects and {n_meas} measurements are valid.",
            )
        )
    if issues:
        raise SystemExit(EXIT_BAD_INPUT)


@click.command("list")
@workspace_option
@lang_option
@click.option("--json", "as_json", is_flag=True, help="Skriv en JSON-liste med id, name, phase.")
def list_cmd(workspace: Path | None, lang: str, as_json: bool) -> None:
    """List prosjektene i arbeidsområdet."""
    root = root_of(workspace)
    try:
        ws.load_config(root, lang=lang)  # a folder that is no workspace gets the usual error
    except InputError as exc:
        fail_input(exc, lang)
        return
    # only each plan's project block is read: id, name and phase, nothing validated
    headers, unreadable = listing.headers(root)
    rows = [h.to_json() for h in headers]
    if as_json:
        echo_json(rows)
    else:
        width = max([len(r["id"]) for r in rows] + [2])
        echo(f"{'ID':<{width}}  {say(lang, 'Fase', 'Phase'):<5}  {say(lang, 'Navn', 'Name')}")
        for r in rows:
            echo(f"{r['id']:<{width}}  {r['phase'] or '–':<5}  {r['name'] or '–'}")
    if unreadable:
        echo(
            say(
                lang,
                f"Advarsel: {len(unreadable)} planer kunne ikke leses ({', '.join(unreadable)}); "
                "kjør «gevinst check».",
                f"Warning: {len(unreadable)} plans could not be read ({', '.join(unreadable)}); "
                "run 'gevinst check'.",
            ),
            err=True,
        )


@click.command("schema")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    help="markdown: feltreferansen (docs/schema.md); json: JSON Schema for en prosjektplan.",
)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Skriv til fil."
)
def schema_cmd(fmt: str, out: Path | None) -> None:
    """Skriv feltreferansen eller JSON Schema, generert fra skjemaet."""
    text = (
        schema_markdown()
        if fmt == "markdown"
        else json.dumps(Plan.model_json_schema(), ensure_ascii=False, indent=2) + "\n"
    )
    if out:
        write_text(out, text)
    else:
        click.echo(text, nl=False)


COMMANDS = [check_cmd, list_cmd, schema_cmd]
