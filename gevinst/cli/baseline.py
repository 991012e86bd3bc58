"""``gevinst baseline``: store the plan approved at a decision point (godkjent plan).

The snapshot is immutable: a second one for the same decision point is refused (exit 2)
unless ``--supersede --reason``, which keeps both. ``gevinst check`` verifies every
snapshot against its digest. Files: :mod:`gevinst.io.baselines`; comparison:
:mod:`gevinst.model.baseline`; docs/baselines.md.
"""

from __future__ import annotations

import datetime as dt
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
from gevinst.io import baselines as bl
from gevinst.io import workspace as ws
from gevinst.model.baseline import cba_summary
from gevinst.model.cba import analyse
from gevinst.model.schema import DecisionPoint
from gevinst.report.fingerprint import input_digest


@click.command("baseline")
@click.argument("project_id")
@click.option(
    "--decision-point",
    "decision_point",
    type=click.Choice([d.value for d in DecisionPoint]),
    required=True,
    help="Beslutningspunktet som godkjente planen (BP1–BP5).",
)
@click.option("--approved-by", default="", help="Hvem som godkjente (f.eks. styringsgruppen).")
@click.option(
    "--date",
    "approved_on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Godkjenningsdato (ÅÅÅÅ-MM-DD). Standard: i dag.",
)
@click.option("--supersede", is_flag=True, help="Erstatt en godkjent plan (den gamle beholdes).")
@click.option("--reason", default="", help="Hvorfor planen erstattes (påkrevd med --supersede).")
@click.option("--json", "as_json", is_flag=True, help="Skriv det lagrede som JSON.")
@workspace_option
@lang_option
@handle_input_errors
def baseline_cmd(
    project_id: str,
    decision_point: str,
    approved_by: str,
    approved_on: dt.datetime | None,
    supersede: bool,
    reason: str,
    as_json: bool,
    workspace: Path | None,
    lang: str,
) -> None:
    """Lagre planen til prosjektet ID slik beslutningspunktet godkjente den."""
    root = root_of(workspace)
    config = ws.load_config(root, lang=lang)
    plan = ws.load_plan(root, project_id, config, lang=lang)
    result = analyse(plan, config, monte_carlo=False, sensitivity=False)
    path = bl.write(
        root,
        plan,
        decision_point,
        approved_by=approved_by,
        approved_on=approved_on.date() if approved_on else dt.date.today(),
        recorded_at=ws.recorded_now(),
        input_fingerprint=input_digest(root, project_id, with_baselines=False),
        summary=cba_summary(result.to_json()),
        supersede=supersede,
        reason=reason,
    )
    if as_json:
        echo_json({"project": project_id, "decision_point": decision_point, "path": str(path)})
    else:
        echo(
            say(
                lang,
                f"Godkjent plan lagret: {ws.display(path)}",
                f"Approved baseline stored: {ws.display(path)}",
            )
        )


COMMANDS = [baseline_cmd]
