"""``gevinst status``, ``gevinst measure add|import|overdue``, ``gevinst owners``, ``gevinst portfolio``.

Thin: each command loads the workspace, calls :mod:`gevinst.model.tracking`,
:mod:`gevinst.model.portfolio` or :mod:`gevinst.io.intake`, and prints. The
as-of date defaults to today (read here, never in the model).
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from gevinst.cli.common import (
    EXIT_FAILED,
    cut,
    echo_json,
    handle_input_errors,
    lang_option,
    root_of,
    say,
    workspace_option,
)
from gevinst.errors import InputError
from gevinst.io import intake
from gevinst.io import workspace as ws
from gevinst.model import portfolio as pf
from gevinst.model import tracking as tr
from gevinst.report.tables import (
    STATUS_COLUMNS,
    criterion_label,
    status_table,
    table_text,
    text_grid,
    weight_share,
)
from gevinst.report.text import (
    excluded_lines,
    fmt_nok,
    fmt_number,
    fmt_percent,
    fmt_value,
    t,
)

# --------------------------------------------------------------------------- shared bits


def as_of_option(func):
    return click.option(
        "--as-of",
        "as_of",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        help="Status per denne datoen (ÅÅÅÅ-MM-DD). Standard: i dag.",
    )(func)


def json_option(func):
    return click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON.")(func)


def _as_of(value: dt.datetime | None) -> dt.date:
    return value.date() if value else dt.date.today()


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _legend(lang: str, workspace: Any) -> str:
    g = fmt_percent(workspace.status_thresholds.green, lang, 0)
    y = fmt_percent(workspace.status_thresholds.yellow, lang, 0)
    return say(
        lang,
        f"Status: {tr.status_label('green')} (minst {g} av plan), "
        f"{tr.status_label('yellow')} (minst {y}), {tr.status_label('red')} (under {y}), "
        f"{tr.status_label('grey')} (ingen måling innenfor måleintervallet). "
        "For ulemper gjelder det omvendte: over plan er bak.",
        f"Status: {tr.status_label('green', 'en')} (at least {g} of plan), "
        f"{tr.status_label('yellow', 'en')} (at least {y}), {tr.status_label('red', 'en')} "
        f"(below {y}), {tr.status_label('grey', 'en')} (no measurement within the interval). "
        "For dis-benefits the reverse holds: above plan is behind.",
    )


def _load_selected(root: Path, ids: Sequence[str], lang: str) -> ws.Loaded:
    """The workspace's valid projects – all, or just those named – and the ones left
    out because their input has errors (:func:`gevinst.io.workspace.load_valid`).
    A broken config or an unknown id is bad input (exit 2)."""
    loaded = ws.load_valid(root, lang=lang)
    return loaded.only(ids) if ids else loaded


def _report_excluded(loaded: ws.Loaded, lang: str) -> None:
    """After the output of the valid projects: name those left out, with their errors,
    on stderr, and exit 1 (the command's documented policy)."""
    if not loaded.excluded and not loaded.other_issues:
        return
    names = ", ".join(loaded.excluded) or "–"
    click.echo(
        say(
            lang,
            f"Utelatt fordi planen eller målingene har feil: {names}. "
            "Tallene over gjelder bare de andre prosjektene; kjør «gevinst check».",
            f"Left out because their plan or measurements have errors: {names}. "
            "The figures above cover the other projects only; run 'gevinst check'.",
        ),
        err=True,
    )
    for line in excluded_lines(loaded, lang):
        click.echo("  - " + line, err=True)
    raise SystemExit(EXIT_FAILED)


# --------------------------------------------------------------------------- status


@click.command("status")
@click.argument("ids", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Alle prosjektene (standard uten ID).")
@as_of_option
@json_option
@workspace_option
@lang_option
@handle_input_errors
def status_cmd(
    ids: tuple[str, ...],
    all_: bool,
    as_of: dt.datetime | None,
    as_json: bool,
    workspace: Path | None,
    lang: str,
) -> None:
    """Status for gevinster, ulemper og resultatmål mot plan (måloppnåelse).

    Et prosjekt med feil i planen eller målingene utelates: de andre vises, det
    utelatte nevnes med feilene, og koden er 1."""
    if all_ and ids:
        raise click.UsageError(
            say(lang, "Bruk enten prosjekt-ID-er eller --all.", "Give project ids or --all.")
        )
    when = _as_of(as_of)
    loaded = _load_selected(root_of(workspace), ids, lang)
    statuses = tr.portfolio_status(loaded.plans, loaded.measurements, when, loaded.workspace)
    if as_json:
        echo_json([s.to_json() for s in statuses])
        _report_excluded(loaded, lang)
        return
    click.echo(say(lang, f"Status per {when.isoformat()}", f"Status as of {when.isoformat()}"))
    name = t(lang, *STATUS_COLUMNS["name"][:2])
    for pid, plan in loaded.plans.items():
        table = status_table([s for s in statuses if s.project == pid], lang)
        table[name] = table[name].map(lambda text: cut(text, 36))
        click.echo()
        click.echo(f"{pid} – {plan.project.name}")
        click.echo(table_text(table, ""))
    counts = tr.status_counts(statuses)
    click.echo()
    click.echo(", ".join(f"{tr.status_label(k, lang)}: {counts[k]}" for k in tr.STATUSES))
    click.echo(_legend(lang, loaded.workspace))
    _report_excluded(loaded, lang)


# --------------------------------------------------------------------------- measure


def _default_reporter() -> str:
    """Who records: ``$GEVINST_USER``, else the login name."""
    try:
        return os.environ.get("GEVINST_USER") or getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover - no login name
        return ""


def _report_intake(result: intake.IntakeResult, as_json: bool, lang: str) -> None:
    if as_json:
        echo_json(
            {
                "added": result.added,
                "skipped": len(result.skipped),
                "files": {pid: ws.display(p) for pid, p in result.files.items()},
                "rows": [
                    {"project": r.project, **r.measurement.model_dump(mode="json")}
                    for r in result.rows
                ],
            }
        )
        return
    for pid, n in result.added.items():
        click.echo(
            say(
                lang,
                f"Registrert {n} måling(er) i {ws.display(result.files[pid])}.",
                f"Recorded {n} measurement(s) in {ws.display(result.files[pid])}.",
            )
        )
    for r in result.rows:
        m = r.measurement
        click.echo(f"  {r.project} {m.target_id} {m.date.isoformat()} = {fmt_value(m.value, lang)}")
    if result.skipped:
        n = len(result.skipped)
        click.echo(
            say(
                lang,
                f"Hoppet over {n} rad(er) som allerede er registrert.",
                f"Skipped {n} row(s) already recorded.",
            )
        )
    if not result.rows:
        click.echo(say(lang, "Ingen nye målinger.", "No new measurements."))


@click.group("measure")
def measure_group() -> None:
    """Registrer målinger (måling av gevinster og resultatmål)."""


@measure_group.command("add")
@click.argument("project_id", metavar="ID")
@click.argument("target_id")
@click.argument("date")
@click.argument("value")
@click.option("--comment", default="", help="Kommentar til målingen.")
@click.option("--by", "by", default=None, help="Hvem som rapporterte (standard: innlogget bruker).")
@json_option
@workspace_option
@lang_option
@handle_input_errors
def measure_add_cmd(
    project_id: str,
    target_id: str,
    date: str,
    value: str,
    comment: str,
    by: str | None,
    as_json: bool,
    workspace: Path | None,
    lang: str,
) -> None:
    """Registrer én måling: prosjekt-ID, gevinst/resultatmål-ID, dato og verdi."""
    result = intake.add_measurement(
        root_of(workspace),
        project_id,
        target_id,
        date,
        value,
        comment=comment,
        reported_by=by if by is not None else _default_reporter(),
        lang=lang,
    )
    _report_intake(result, as_json, lang)


@measure_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--project", default=None, help="Prosjektet, når filen ikke har en project-kolonne.")
@click.option("--by", "by", default=None, help="Hvem som rapporterte, der filen ikke sier det.")
@click.option(
    "--skip-recorded",
    is_flag=True,
    help="Hopp over rader som allerede er registrert med samme verdi (f.eks. tidligere "
    "målinger i en utfylt Excel-fil) i stedet for å avvise filen.",
)
@json_option
@workspace_option
@lang_option
@handle_input_errors
def measure_import_cmd(
    file: Path,
    project: str | None,
    by: str | None,
    skip_recorded: bool,
    as_json: bool,
    workspace: Path | None,
    lang: str,
) -> None:
    """Les inn målinger fra en CSV-fil eller arket «Målinger» i en Excel-fil.

    Alle rader kontrolleres før noe skrives; ved én feil skrives ingenting.
    """
    result = intake.import_file(
        root_of(workspace),
        file,
        project=project,
        reported_by=by if by is not None else _default_reporter(),
        lang=lang,
        skip_recorded=skip_recorded,
    )
    _report_intake(result, as_json, lang)


# --------------------------------------------------------------------------- owners


def _print_overdue(owners: list[tr.OverdueOwner], when: dt.date, lang: str) -> None:
    if not owners:
        click.echo(
            say(
                lang,
                f"Ingen målinger er forfalt per {when.isoformat()}.",
                f"No measurements are overdue as of {when.isoformat()}.",
            )
        )
        return
    n = sum(len(o.items) for o in owners)
    click.echo(
        say(
            lang,
            f"Forfalte målinger per {when.isoformat()}: {n} hos {len(owners)} ansvarlige",
            f"Overdue measurements as of {when.isoformat()}: {n} with {len(owners)} owners",
        )
    )
    for o in owners:
        click.echo()
        click.echo(f"{o.owner} – {o.project}")
        for i in o.items:
            last = (
                say(lang, f"sist målt {i.latest_date}", f"last measured {i.latest_date}")
                if i.latest_date
                else say(lang, "aldri målt", "never measured")
            )
            click.echo(
                f"  {i.id} {i.name} ({tr.kind_label(i.kind, lang)}): "
                + say(lang, f"skulle vært målt {i.due} ({last})", f"due {i.due} ({last})")
            )


@click.command("owners")
@as_of_option
@json_option
@workspace_option
@lang_option
@handle_input_errors
def owners_cmd(as_of: dt.datetime | None, as_json: bool, workspace: Path | None, lang: str) -> None:
    """Gevinsteiere med forfalte målinger, med gevinstene og datoen hver skulle vært målt."""
    _owners(as_of, as_json, workspace, lang)


@measure_group.command("overdue")
@as_of_option
@json_option
@workspace_option
@lang_option
@handle_input_errors
def measure_overdue_cmd(
    as_of: dt.datetime | None, as_json: bool, workspace: Path | None, lang: str
) -> None:
    """Det samme som «gevinst owners»: forfalte målinger per ansvarlig."""
    _owners(as_of, as_json, workspace, lang)


def _owners(as_of: dt.datetime | None, as_json: bool, workspace: Path | None, lang: str) -> None:
    when = _as_of(as_of)
    loaded = _load_selected(root_of(workspace), (), lang)
    owners = tr.overdue(loaded.plans, loaded.measurements, when)
    if as_json:
        echo_json([o.to_json() for o in owners])
    else:
        _print_overdue(owners, when, lang)
    _report_excluded(loaded, lang)


# --------------------------------------------------------------------------- portfolio


def _npvs(loaded: ws.Loaded, lang: str) -> tuple[dict[str, float | None], list[str]]:
    """NPV per project from the cost/benefit engine (imported lazily), and any warnings."""
    warnings: list[str] = []
    try:
        from gevinst.model import cba
    except ImportError:
        return dict.fromkeys(loaded.plans), [
            say(
                lang,
                "Kost/nytte-modulen er ikke tilgjengelig; netto nåverdi vises ikke.",
                "The cost/benefit module is not available; NPV is not shown.",
            )
        ]
    out: dict[str, float | None] = {}
    for pid, plan in loaded.plans.items():
        try:
            out[pid] = float(cba.analyse(plan, loaded.workspace, monte_carlo=False).npv)
        except InputError as exc:
            out[pid] = None
            warnings.append(f"{pid}: " + "; ".join(i.format(lang) for i in exc.issues))
    return out, warnings


def _count_cells(counts: dict[str, int]) -> list[str]:
    return [str(counts[k]) for k in tr.STATUSES]


@click.command("portfolio")
@as_of_option
@json_option
@workspace_option
@lang_option
@handle_input_errors
def portfolio_cmd(
    as_of: dt.datetime | None, as_json: bool, workspace: Path | None, lang: str
) -> None:
    """Porteføljen: nåverdi, planlagt mot realisert, status per prosjekt, kommune og effektmål,
    prioritering og advarsler om dobbelttelling.

    Et prosjekt med feil i planen eller målingene utelates: porteføljen vises for de
    andre, det utelatte nevnes med feilene (i JSON under «excluded»), og koden er 1."""
    when = _as_of(as_of)
    loaded = _load_selected(root_of(workspace), (), lang)
    w = loaded.workspace
    statuses = tr.portfolio_status(loaded.plans, loaded.measurements, when, w)
    npv, warnings = _npvs(loaded, lang)
    roll = pf.rollup(statuses, npv, loaded.plans, w, when)
    ranking = pf.prioritise(loaded.plans, w, npv)
    claims = pf.double_claims(loaded.plans)
    unknown = [c for c in w.prioritisation if c not in pf.CRITERIA]
    if unknown:
        warnings.append(
            say(
                lang,
                f"Ukjente prioriteringskriterier ignoreres: {', '.join(unknown)} "
                f"(kjente: {', '.join(pf.CRITERIA)})",
                f"Unknown prioritisation criteria ignored: {', '.join(unknown)} "
                f"(known: {', '.join(pf.CRITERIA)})",
            )
        )
    if as_json:
        echo_json(
            {
                "as_of": when.isoformat(),
                "rollup": roll.to_json(),
                "ranking": [r.to_json() for r in ranking],
                "double_claims": [d.to_json() for d in claims],
                "warnings": warnings,
                "excluded": {pid: [i.as_dict() for i in v] for pid, v in loaded.excluded.items()},
            }
        )
        _report_excluded(loaded, lang)
        return

    status_heads = [tr.status_label(k, lang) for k in tr.STATUSES]
    money = [
        say(lang, "Netto nåverdi", "NPV"),
        say(lang, "Planlagt hittil", "Planned to date"),
        say(lang, "Realisert hittil", "Realised to date"),
    ]
    right = tuple(range(1, 8))
    click.echo(
        say(lang, f"Porteføljen per {when.isoformat()}", f"The portfolio as of {when.isoformat()}")
    )
    click.echo(
        say(
            lang,
            "Gevinster i kroner fra realiseringsstart til datoen; antall gevinster per status.",
            "Benefits in NOK from the realisation start to the date; benefits per status.",
        )
    )

    def money_cells(line: pf.Line) -> list[str]:
        return [fmt_nok(v, lang) for v in (line.npv, line.planned_nok, line.realised_nok)]

    rows = [[ln.key, *money_cells(ln), *_count_cells(ln.benefits)] for ln in roll.projects]
    rows.append(
        [say(lang, "Sum", "Total"), *money_cells(roll.total), *_count_cells(roll.total.benefits)]
    )
    click.echo()
    click.echo(say(lang, "Per prosjekt", "Per project"))
    click.echo(text_grid([say(lang, "Prosjekt", "Project"), *money, *status_heads], rows, right))

    rows = [[ln.key, *money_cells(ln), *_count_cells(ln.benefits)] for ln in roll.municipalities]
    click.echo()
    click.echo(
        say(lang, "Per kommune (etter fordelingsnøkkelen)", "Per kommune (by the cost-sharing key)")
    )
    click.echo(
        text_grid([say(lang, "Kommune", "Municipality"), *money, *status_heads], rows, right)
    )

    rows = [
        [
            f"{ln.project} {ln.key}",
            cut(ln.name, 40),
            fmt_nok(ln.planned_nok, lang),
            fmt_nok(ln.realised_nok, lang),
            *_count_cells(ln.benefits),
        ]
        for ln in roll.effect_goals
    ]
    click.echo()
    click.echo(say(lang, "Per effektmål", "Per effect goal"))
    click.echo(
        text_grid(
            [say(lang, "Effektmål", "Effect goal"), "", *money[1:], *status_heads],
            rows,
            tuple(range(2, 8)),
        )
    )

    weights = ranking[0].weights if ranking else {}
    crit = [c for c in pf.CRITERIA if c in weights]
    rows = [
        [
            str(r.rank),
            r.project,
            fmt_number(r.score * 100, 0, lang),
            *[fmt_number(r.criteria[c] * 100, 0, lang) for c in crit],
            ", ".join(criterion_label(c, lang) for c in r.missing),
        ]
        for r in ranking
    ]
    click.echo()
    shares = ", ".join(
        f"{_lower_first(criterion_label(c, lang))} {fmt_percent(weight_share(weights, c), lang, 0)}"
        for c in crit
    )
    click.echo(say(lang, f"Prioritering (vekter: {shares})", f"Prioritisation (weights: {shares})"))
    click.echo(
        text_grid(
            [
                say(lang, "Rang", "Rank"),
                say(lang, "Prosjekt", "Project"),
                say(lang, "Poeng (0–100)", "Score (0–100)"),
                *[criterion_label(c, lang) for c in crit],
                say(lang, "Mangler", "Missing"),
            ],
            rows,
            tuple(range(2, 3 + len(crit))),
        )
    )

    click.echo()
    if claims:
        click.echo(say(lang, "⚠ Mulig dobbelttelling av gevinster:", "⚠ Possible double counting:"))
        for d in claims:
            kommuner = ", ".join(d.municipalities)
            click.echo(
                f"  «{d.indicator}» – {kommuner}, {d.period[0]}–{d.period[1]}: "
                f"{d.first.project} {d.first.benefit} "
                + say(lang, "og", "and")
                + f" {d.second.project} {d.second.benefit}"
            )
    else:
        click.echo(say(lang, "Ingen dobbelttelling funnet.", "No double counting found."))
    for text in warnings:
        click.echo(say(lang, "Advarsel: ", "Warning: ") + text, err=True)
    _report_excluded(loaded, lang)


COMMANDS = [status_cmd, measure_group, owners_cmd, portfolio_cmd]
