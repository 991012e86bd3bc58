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
    echo,
    echo_issues,
    echo_json,
    handle_input_errors,
    lang_option,
    root_of,
    say,
    workspace_option,
)
from gevinst.errors import InputError
from gevinst.io import forms as owner_forms
from gevinst.io import intake
from gevinst.io import workspace as ws
from gevinst.io.outputs import REPORT_FOLDER, WORKBOOK, check_output
from gevinst.model import criteria as adopted_criteria
from gevinst.model import decisions as dec
from gevinst.model import forms as mforms
from gevinst.model import overall as ov
from gevinst.model import portfolio as pf
from gevinst.model import roadmap as rm
from gevinst.model import tracking as tr
from gevinst.report import status_text as st
from gevinst.report.baselines import changes_sentence, compare_project
from gevinst.report.cba_text import portfolio_cba_text
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
    fmt_date,
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
    echo(
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
        echo("  - " + line, err=True)
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
    results, warnings = _analyses(loaded, lang)
    economics = _economics(results)
    claims = pf.double_claims(loaded.plans)
    projects = []
    for pid, plan in loaded.plans.items():
        own = [s for s in statuses if s.project == pid]
        projects.append(
            (
                pid,
                plan,
                own,
                ov.overall_status(plan, own, when),
                dec.project_decisions(plan, own, when, economics=economics.get(pid), claims=claims),
            )
        )
    root = root_of(workspace)
    comparisons = {
        pid: compare_project(root, plan, loaded.workspace) for pid, plan in loaded.plans.items()
    }
    if as_json:

        def item_json(s: tr.ItemStatus) -> dict[str, Any]:
            c = comparisons.get(s.project)
            extra = c.item_json(s.id) if c else {"baseline": None, "changes": []}
            return {**s.to_json(), **extra}

        echo_json(
            {
                "as_of": when.isoformat(),
                "items": [item_json(s) for s in statuses],
                "projects": [
                    {
                        "project": pid,
                        "name": plan.project.name,
                        "status": overall.to_json(),
                        "decisions": [d.to_json() for d in items],
                        "baseline": comparisons[pid].to_json() if comparisons[pid] else None,
                    }
                    for pid, plan, _own, overall, items in projects
                ],
                "warnings": warnings,
            }
        )
        _report_excluded(loaded, lang)
        return
    echo(say(lang, f"Status per {fmt_date(when, lang)}", f"Status as of {fmt_date(when, lang)}"))
    name = t(lang, *STATUS_COLUMNS["name"][:2])
    status_col = t(lang, *STATUS_COLUMNS["status"][:2])
    forecast_col = t(lang, *STATUS_COLUMNS["forecast"][:2])
    planned_col = t(lang, *STATUS_COLUMNS["planned"][:2])
    for pid, plan, own, overall, items in projects:
        table = status_table(own, lang)
        table[name] = table[name].map(lambda text: cut(text, 36))
        if len(table):
            cells = [st.status_cells(s, lang) for s in own]
            table[status_col] = [c["status"] for c in cells]
            table[planned_col] = [c["planned"] for c in cells]
            table[forecast_col] = [c["forecast"] for c in cells]
        echo()
        echo(f"{pid} – {plan.project.name}")
        for sentence in st.overall_sentences(overall, lang):
            echo(sentence)
        approved = comparisons.get(pid)
        if approved is not None and approved.changes:
            echo(changes_sentence(approved, lang))
        echo(table_text(table, ""))
        if items:
            echo(st.decisions_heading(lang) + ":")
            for text in st.decision_texts(items, lang):
                echo(f"  - {text}")
    echo()
    echo(st.status_counts_text(statuses, lang))
    echo(st.legend(loaded.workspace.status_thresholds, lang))
    for text in warnings:
        echo(say(lang, "Advarsel: ", "Warning: ") + text, err=True)
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
        echo(
            say(
                lang,
                f"Registrert {n} {'måling' if n == 1 else 'målinger'} i {ws.display(result.files[pid])}.",
                f"Recorded {n} {'measurement' if n == 1 else 'measurements'} in {ws.display(result.files[pid])}.",
            )
        )
    for r in result.rows:
        m = r.measurement
        echo(f"  {r.project} {m.target_id} {fmt_date(m.date, lang)} = {fmt_value(m.value, lang)}")
    if result.skipped:
        n = len(result.skipped)
        echo(
            say(
                lang,
                f"Hoppet over {n} {'rad' if n == 1 else 'rader'} som allerede er registrert.",
                f"Skipped {n} {'row' if n == 1 else 'rows'} already recorded.",
            )
        )
    if not result.rows:
        echo(say(lang, "Ingen nye målinger.", "No new measurements."))


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


@measure_group.command("forms")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Mappen skjemaene skrives til (én arbeidsbok per gevinsteier).",
)
@as_of_option
@json_option
@workspace_option
@lang_option
@handle_input_errors
def measure_forms_cmd(
    out: Path, as_of: dt.datetime | None, as_json: bool, workspace: Path | None, lang: str
) -> None:
    """Skriv ett lite rapporteringsskjema per gevinsteier med bare målingene som er til
    rapportering (perioden er slutt), på tvers av prosjektene."""
    root = root_of(workspace)
    when = _as_of(as_of)
    check_output(out, root, kind=REPORT_FOLDER, lang=lang)
    forms, orphans = _owner_forms(root, when, lang)
    for form in forms:
        check_output(out / f"{owner_forms.slug(form.owner)}.xlsx", root, kind=WORKBOOK, lang=lang)
    paths = owner_forms.write_forms(out, forms, when, lang)
    if as_json:
        echo_json(
            {
                "as_of": when.isoformat(),
                "forms": [{**f.to_json(), "file": str(paths[f.owner])} for f in forms],
                "without_owner": [{"project": s.project, "id": s.id} for s in orphans],
            }
        )
        return
    echo(
        say(
            lang,
            f"{len(forms)} skjemaer per {fmt_date(when, lang)} i {ws.display(out)}:",
            f"{len(forms)} forms as of {fmt_date(when, lang)} in {ws.display(out)}:",
        )
    )
    for f in forms:
        echo(f"  {paths[f.owner].name}: {f.owner} ({len(f.items)})")
    for s in orphans:
        echo(
            say(
                lang,
                f"Advarsel: {s.project} {s.id} er til rapportering, men har ingen gevinsteier.",
                f"Warning: {s.project} {s.id} is due, but has no benefit owner.",
            ),
            err=True,
        )


def _owner_forms(root: Path, when: dt.date, lang: str):
    """The forms due at ``when`` for every valid project (one rule: the status)."""
    loaded = ws.load_valid(root, lang=lang)
    statuses = tr.portfolio_status(loaded.plans, loaded.measurements, when, loaded.workspace)
    return mforms.owner_forms(loaded.plans, statuses, when)


def _import_folder(
    folder: Path, as_of: dt.datetime | None, as_json: bool, root: Path, lang: str
) -> None:
    when = _as_of(as_of)
    expected, _orphans = _owner_forms(root, when, lang)
    result = owner_forms.import_forms(root, folder, expected, lang=lang)
    if as_json:
        echo_json({"as_of": when.isoformat(), **result.to_json()})
    else:
        for f in result.files:
            if f.ok and not (f.added or f.skipped):
                echo(
                    say(
                        lang,
                        f"{f.path.name}: ingen verdier fylt inn.",
                        f"{f.path.name}: no values filled in.",
                    )
                )
            elif f.ok:
                echo(
                    say(
                        lang,
                        f"{f.path.name}: {f.added} nye målinger ({', '.join(f.owners) or '–'}).",
                        f"{f.path.name}: {f.added} new measurements ({', '.join(f.owners) or '–'}).",
                    )
                )
            else:
                echo(
                    say(
                        lang,
                        f"{f.path.name}: avvist, ingenting fra filen er registrert:",
                        f"{f.path.name}: refused, nothing from the file was recorded:",
                    ),
                    err=True,
                )
                echo_issues(f.issues, lang)
        echo(say(lang, "Har rapportert:", "Have reported:"))
        for owner, (done, due) in result.reported.items():
            if done:
                echo(f"  {owner}: {done}/{due}")
        echo(say(lang, "Har ikke rapportert:", "Have not reported:"))
        for owner in result.not_reported:
            echo(f"  {owner}")
        if not result.not_reported:
            echo("  –")
    if any(not f.ok for f in result.files):
        raise SystemExit(EXIT_FAILED)


@measure_group.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--project", default=None, help="Prosjektet, når filen ikke har en project-kolonne.")
@click.option("--by", "by", default=None, help="Hvem som rapporterte, der filen ikke sier det.")
@click.option(
    "--skip-recorded",
    is_flag=True,
    help="Hopp over rader som allerede er registrert med samme verdi (f.eks. tidligere "
    "målinger i en utfylt Excel-fil) i stedet for å avvise filen.",
)
@as_of_option
@json_option
@workspace_option
@lang_option
@handle_input_errors
def measure_import_cmd(
    file: Path,
    project: str | None,
    by: str | None,
    skip_recorded: bool,
    as_of: dt.datetime | None,
    as_json: bool,
    workspace: Path | None,
    lang: str,
) -> None:
    """Les inn målinger fra en CSV-fil eller arket «Målinger» i en Excel-fil.

    Alle rader kontrolleres før noe skrives; ved én feil skrives ingenting. En mappe
    (returnerte skjemaer fra «gevinst measure forms») leses fil for fil, hver fil helt
    eller ikke i det hele tatt, og det skrives ut hvem som har og ikke har rapportert
    (per --as-of); koden er 1 når en fil ble avvist.
    """
    if file.is_dir():
        _import_folder(file, as_of, as_json, root_of(workspace), lang)
        return
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
        echo(
            say(
                lang,
                f"Ingen målinger er forfalt per {fmt_date(when, lang)}.",
                f"No measurements are overdue as of {fmt_date(when, lang)}.",
            )
        )
        return
    n = sum(len(o.items) for o in owners)
    echo(
        say(
            lang,
            f"Forfalte målinger per {fmt_date(when, lang)}: {n} hos {len(owners)} ansvarlige",
            f"Overdue measurements as of {fmt_date(when, lang)}: {n} with {len(owners)} "
            f"{'owner' if len(owners) == 1 else 'owners'}",
        )
    )
    for o in owners:
        echo()
        echo(f"{o.owner} – {o.project}")
        for i in o.items:
            last = (
                say(
                    lang,
                    f"sist målt {fmt_date(i.latest_date, lang)}",
                    f"last measured {fmt_date(i.latest_date, lang)}",
                )
                if i.latest_date
                else say(lang, "aldri målt", "never measured")
            )
            echo(
                f"  {i.id} {i.name} ({tr.kind_label(i.kind, lang)}): "
                + say(
                    lang,
                    f"skulle vært målt {fmt_date(i.due, lang)} ({last})",
                    f"due {fmt_date(i.due, lang)} ({last})",
                )
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
    owners = tr.overdue(loaded.plans, loaded.measurements, when, loaded.workspace)
    if as_json:
        echo_json([o.to_json() for o in owners])
    else:
        _print_overdue(owners, when, lang)
    _report_excluded(loaded, lang)


# --------------------------------------------------------------------------- portfolio


def _analyses(loaded: ws.Loaded, lang: str) -> tuple[dict[str, Any], list[str]]:
    """The cost/benefit result per project (None where the plan cannot be analysed), and warnings.

    With Monte Carlo (the decision list needs P(NPV > 0)), without the tornado.
    """
    from gevinst.io import cache

    warnings: list[str] = []
    out: dict[str, Any] = {}
    for pid, plan in loaded.plans.items():
        try:  # through the results cache: unchanged plans are not analysed again
            out[pid] = cache.analyse(plan, loaded.workspace, sensitivity=False)
        except InputError as exc:
            out[pid] = None
            warnings.append(f"{pid}: " + "; ".join(i.format(lang) for i in exc.issues))
    return out, warnings


def _economics(results: dict[str, Any]) -> dict[str, dec.Economics]:
    """Expected NPV and P(NPV > 0) per project for the decision rules (empty where not analysed)."""
    return {
        pid: dec.Economics() if r is None else dec.Economics.from_cba(r)
        for pid, r in results.items()
    }


def _cba_json(results: dict[str, Any], w: Any, mc: Any) -> dict[str, Any]:
    """The portfolio's cost/benefit part of ``portfolio --json``: sums of the projects' figures."""
    done = {pid: r for pid, r in results.items() if r is not None}
    return {
        "base_year": w.base_year,
        "price_year": w.price_year,
        "budget_constrained": w.budget_constrained,
        "npv": sum(r.npv for r in done.values()),
        "pv_budget_cost": sum(r.pv_budget_cost for r in done.values()),
        "projects": {
            pid: {
                "npv": r.npv,
                "npv_per_budget_krone": r.npv_per_budget_krone,
                "base_year": r.base_year,
                "price_year": r.price_year,
                "municipalities": {m.name: m.npv for m in r.municipalities},
            }
            for pid, r in done.items()
        },
        "monte_carlo": mc.to_json() if mc is not None else None,
    }


def _count_cells(line: pf.Line, lang: str) -> list[str]:
    """Benefits per status, and the number overdue beside them."""
    return [fmt_number(line.benefits[k], 0, lang) for k in tr.STATUSES] + [
        fmt_number(line.overdue, 0, lang)
    ]


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
    results, warnings = _analyses(loaded, lang)
    economics = _economics(results)
    npv = {pid: (None if r is None else r.npv) for pid, r in results.items()}
    nnb = {pid: (None if r is None else r.npv_per_budget_krone) for pid, r in results.items()}
    roll = pf.rollup(statuses, npv, loaded.plans, w, when, kommune_npv=pf.kommune_npvs(results))
    ranking = pf.prioritise(loaded.plans, w, npv, nnb_by_project=nnb, lang=lang)
    links = rm.dependency_links(loaded.plans, w)
    broken = rm.dependency_warnings(loaded.plans, w)
    adopted = adopted_criteria.set_in_force(w)
    portfolio_mc = pf.portfolio_monte_carlo(results, w)
    claims = pf.double_claims(loaded.plans)
    overall = {
        pid: ov.overall_status(plan, [s for s in statuses if s.project == pid], when)
        for pid, plan in loaded.plans.items()
    }
    board = dec.portfolio_decisions(
        loaded.plans, statuses, when, economics=economics, claims=claims
    )
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
                "criteria_set": None
                if adopted is None
                else {
                    "id": adopted.id,
                    "adopted_by": adopted.adopted_by,
                    "adopted_on": adopted.adopted_on.isoformat(),
                    "weights": dict(adopted.weights),
                    "label": adopted_criteria.set_label(adopted, lang),
                },
                "dependencies": [d.to_json() for d in links],
                "dependency_warnings": [
                    {**d.to_json(), "text": rm.warning_text(d, lang)} for d in broken
                ],
                "double_claims": [d.to_json() for d in claims],
                "project_status": {pid: o.to_json() for pid, o in overall.items()},
                "decisions": [d.to_json() for d in board],
                "cba": _cba_json(results, w, portfolio_mc),
                "warnings": warnings,
                "excluded": {pid: [i.as_dict() for i in v] for pid, v in loaded.excluded.items()},
            }
        )
        _report_excluded(loaded, lang)
        return

    status_heads = [
        *(tr.status_label(k, lang) for k in tr.STATUSES),
        say(lang, "måling forfalt", "measurement overdue"),
    ]
    money = [
        say(lang, "Netto nåverdi", "NPV"),
        say(lang, "Planlagt hittil", "Planned to date"),
        say(lang, "Realisert hittil", "Realised to date"),
    ]
    right = tuple(range(1, 4 + len(status_heads)))
    echo(
        say(
            lang,
            f"Porteføljen per {fmt_date(when, lang)}",
            f"The portfolio as of {fmt_date(when, lang)}",
        )
    )
    echo(
        say(
            lang,
            "Gevinster i kroner fra realiseringsstart til datoen; antall gevinster per status.",
            "Benefits in NOK from the realisation start to the date; benefits per status.",
        )
    )

    def money_cells(line: pf.Line) -> list[str]:
        return [fmt_nok(v, lang) for v in (line.npv, line.planned_nok, line.realised_nok)]

    rows = [[ln.key, *money_cells(ln), *_count_cells(ln, lang)] for ln in roll.projects]
    rows.append(
        [say(lang, "Sum", "Total"), *money_cells(roll.total), *_count_cells(roll.total, lang)]
    )
    echo()
    echo(say(lang, "Per prosjekt", "Per project"))
    echo(text_grid([say(lang, "Prosjekt", "Project"), *money, *status_heads], rows, right))

    echo()
    echo(say(lang, "Prosjektstatus", "Project status"))
    for pid, o in overall.items():
        echo(f"{pid}: {st.level_label(o.level, lang)}")
        for r in o.reasons:
            echo("  " + st.reason_text(r, lang))

    rows = [[ln.key, *money_cells(ln), *_count_cells(ln, lang)] for ln in roll.municipalities]
    echo()
    echo(
        say(lang, "Per kommune (etter fordelingsnøkkelen)", "Per kommune (by the cost-sharing key)")
    )
    echo(text_grid([say(lang, "Kommune", "Municipality"), *money, *status_heads], rows, right))

    rows = [
        [
            f"{ln.project} {ln.key}",
            cut(ln.name, 40),
            fmt_nok(ln.planned_nok, lang),
            fmt_nok(ln.realised_nok, lang),
            *_count_cells(ln, lang),
        ]
        for ln in roll.effect_goals
    ]
    echo()
    echo(say(lang, "Per effektmål", "Per effect goal"))
    echo(
        text_grid(
            [say(lang, "Effektmål", "Effect goal"), "", *money[1:], *status_heads],
            rows,
            tuple(range(2, 4 + len(status_heads))),
        )
    )

    weights = ranking[0].weights if ranking else {}
    crit = [c for c in pf.CRITERIA if c in weights]
    rows = [
        [
            str(r.rank),
            r.project + (say(lang, " (forslag)", " (proposal)") if r.proposal else ""),
            fmt_number(r.score * 100, 0, lang),
            *[fmt_number(r.criteria[c] * 100, 0, lang) for c in crit],
            fmt_nok(r.npv, lang, short=True),
            "–" if r.nnb is None else fmt_number(r.nnb, 2, lang),
            ", ".join(criterion_label(c, lang) for c in r.missing),
        ]
        for r in ranking
    ]
    echo()
    shares = ", ".join(
        f"{_lower_first(criterion_label(c, lang))} {fmt_percent(weight_share(weights, c), lang, 0)}"
        for c in crit
    )
    echo(say(lang, f"Prioritering (vekter: {shares})", f"Prioritisation (weights: {shares})"))
    echo(say(lang, "Kriteriesett: ", "Criteria set: ") + adopted_criteria.set_label(adopted, lang))
    echo(
        say(
            lang,
            "Poeng 0–100 per kriterium, høyere er bedre; lavere risikoeksponering gir flere poeng.",
            "Scores 0–100 per criterion, higher is better; lower risk exposure scores higher.",
        )
    )
    echo(
        text_grid(
            [
                say(lang, "Rang", "Rank"),
                say(lang, "Prosjekt", "Project"),
                say(lang, "Poeng (0–100)", "Score (0–100)"),
                *[criterion_label(c, lang) for c in crit],
                say(lang, "NNV", "NPV"),
                say(lang, "NNB", "NPV/budget krone"),
                say(lang, "Mangler", "Missing"),
            ],
            rows,
            tuple(range(2, 5 + len(crit))),
        )
    )
    echo(portfolio_cba_text(results, w, portfolio_mc, lang))

    echo()
    if broken:
        echo(say(lang, "⚠ Avhengigheter som kommer for sent:", "⚠ Dependencies that arrive late:"))
        for d in broken:
            echo("  " + rm.warning_text(d, lang))
    elif links:
        echo(say(lang, "Alle avhengigheter kommer i tide.", "Every dependency arrives in time."))

    echo()
    if claims:
        echo(say(lang, "⚠ Mulig dobbelttelling av gevinster:", "⚠ Possible double counting:"))
        for d in claims:
            kommuner = ", ".join(d.municipalities)
            echo(
                f"  «{d.indicator}» – {kommuner}, "
                f"{fmt_date(d.period[0], lang)}–{fmt_date(d.period[1], lang)}: "
                f"{d.first.project} {d.first.benefit} "
                + say(lang, "og", "and")
                + f" {d.second.project} {d.second.benefit}"
            )
    else:
        echo(say(lang, "Ingen dobbelttelling funnet.", "No double counting found."))
    echo()
    echo(st.decisions_heading(lang, portfolio=True) + ":")
    texts = st.decision_texts(board, lang, with_project=True)
    if not texts:
        echo("  " + say(lang, "Ingen saker krever beslutning nå.", "Nothing needs a decision now."))
    for text in texts:
        echo(f"  - {text}")
    for text in warnings:
        echo(say(lang, "Advarsel: ", "Warning: ") + text, err=True)
    _report_excluded(loaded, lang)


COMMANDS = [status_cmd, measure_group, owners_cmd, portfolio_cmd]
