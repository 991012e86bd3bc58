"""Status, project status and decision items in words (bokmål, or English with ``lang="en"``).

The one place where an item's status, its freshness, its forecast, the
project's overall status (:mod:`gevinst.model.overall`) and the steering
group's decision items (:mod:`gevinst.model.decisions`) become sentences. The
CLI, the reports and the explorer all call these functions; numbers and dates
go through :mod:`gevinst.report.text` (``fmt_*``), so decimals are Norwegian.

Overdue is said *beside* the progress, never instead of it:

>>> from types import SimpleNamespace as S
>>> import datetime as dt
>>> s = S(status="red", overdue=True, next_due=dt.date(2026, 11, 30), as_of=dt.date(2026, 12, 1),
...       started=True, realisation_start=None)
>>> progress_label(s)
'✖ Bak plan · måling forfalt 30.11'
>>> progress_label(s, "en")
'✖ Behind plan · measurement overdue since 30 Nov'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from gevinst.model import tracking
from gevinst.model.schema import DecisionPoint
from gevinst.report.text import (
    MONTHS,
    fmt_date,
    fmt_nok,
    fmt_number,
    fmt_percent,
    fmt_value,
    join_words,
    noun,
    t,
)

SEPARATOR = " · "
"""Between the progress and the freshness: «✖ Bak plan · måling forfalt 30.11»."""

STATUS_SYMBOLS = tracking.STATUS_SYMBOLS
"""✔ på plan, ▲ litt bak, ✖ bak plan, ? ikke målt, ○ ikke startet."""


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "nb"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def fmt_day(day: dt.date | None, lang: str = "nb", *, as_of: dt.date | None = None) -> str:
    """A date, without the year when it is ``as_of``'s year: ``30.11`` / ``30 Nov``.

    >>> fmt_day(dt.date(2026, 11, 30), as_of=dt.date(2026, 12, 1))
    '30.11'
    >>> fmt_day(dt.date(2025, 10, 15), as_of=dt.date(2026, 12, 1))
    '15.10.2025'
    """
    if day is None:
        return "–"
    if as_of is None or day.year != as_of.year:
        return fmt_date(day, lang)
    if lang == "en":
        return f"{day.day} {MONTHS['en'][day.month - 1][:3]}"
    return f"{day.day:02d}.{day.month:02d}"


# --------------------------------------------------------------------------- item status


def status_word(status: str, lang: str = "nb") -> str:
    """``på plan``, ``litt bak``, ``bak plan``, ``ikke målt``, ``ikke startet``."""
    return tracking.STATUS_WORDS[_lang(lang)][status]


def status_label(status: str, lang: str = "nb") -> str:
    """Symbol and word, capitalised: ``✖ Bak plan`` (never colour alone).

    >>> status_label("not_started")
    '○ Ikke startet'
    """
    return f"{STATUS_SYMBOLS[status]} {_cap(status_word(status, lang))}"


def overdue_text(s: Any, lang: str = "nb") -> str:
    """``måling forfalt 30.11`` when the item's next measurement is overdue, else ``""``."""
    if not getattr(s, "overdue", False):
        return ""
    day = fmt_day(s.next_due, lang, as_of=getattr(s, "as_of", None))
    return t(lang, f"måling forfalt {day}", f"measurement overdue since {day}")


def progress_label(s: Any, lang: str = "nb") -> str:
    """The status with the freshness beside it: ``✖ Bak plan · måling forfalt 30.11``."""
    label = status_label(s.status, lang)
    late = overdue_text(s, lang)
    return f"{label}{SEPARATOR}{late}" if late else label


def next_measurement_text(s: Any, lang: str = "nb") -> str:
    """``30.11.2026 (forfalt)``, ``innen 01.03.2027``: when the next measurement is due."""
    if s.next_due is None:
        return "–"
    day = fmt_date(s.next_due, lang)
    if s.overdue:
        return day + t(lang, " (forfalt)", " (overdue)")
    return day


# --------------------------------------------------------------------------- forecast


def forecast_note(note: str, lang: str = "nb") -> str:
    """What a forecast note means: ``for få målinger``, ``ikke startet``, ..."""
    return tracking.FORECAST_NOTES[_lang(lang)].get(note, note)


MISSES = ("prognose: når ikke målet", "forecast: misses the target")
MEASURED_MISSES = ("når ikke målet", "missed the target")


def forecast_cell(s: Any, lang: str = "nb") -> str:
    """The status table's forecast cell: the value, and «prognose: når ikke målet» when it misses.

    For a passed target date the value measured there («målt: …»).
    """
    fc = getattr(s, "forecast", None)
    value = getattr(s, "forecast_at_target", None)
    if value is None:
        return forecast_note(getattr(s, "forecast_note", "") or "", lang)
    text = fmt_value(value, lang)
    measured = fc is not None and fc.method == "measured"
    if measured:
        text = t(lang, f"målt: {text}", f"measured: {text}")
    if getattr(s, "forecast_misses_target", False):
        text += SEPARATOR + t(lang, *(MEASURED_MISSES if measured else MISSES))
    return text


def forecast_basis(fc: Any, lang: str = "nb", *, as_of: dt.date | None = None) -> str:
    """The forecast's basis in words: method, measurements used, whether it was held at the target."""
    if fc is None:
        return ""
    if fc.method == "trend":
        span = f"{fmt_day(fc.window_start, lang, as_of=as_of)}–{fmt_day(fc.window_end, lang, as_of=as_of)}"
        text = t(
            lang,
            f"trend gjennom {fc.points} målinger ({span}), lest av på måldatoen {fmt_date(fc.target_date, lang)}",
            f"trend through {fc.points} measurements ({span}), read at the target date {fmt_date(fc.target_date, 'en')}",
        )
        if fc.capped:
            text += t(lang, ", holdt ved målverdien", ", held at the target")
        return text
    if fc.method == "measured":
        if fc.points == 1:
            return t(
                lang,
                f"måldatoen {fmt_date(fc.target_date, lang)} er passert: målt {fmt_date(fc.window_end, lang)}",
                f"the target date {fmt_date(fc.target_date, 'en')} has passed: measured {fmt_date(fc.window_end, 'en')}",
            )
        return t(
            lang,
            f"måldatoen {fmt_date(fc.target_date, lang)} er passert: mellom målingene "
            f"{fmt_date(fc.window_start, lang)} og {fmt_date(fc.window_end, lang)}",
            f"the target date {fmt_date(fc.target_date, 'en')} has passed: between the measurements "
            f"of {fmt_date(fc.window_start, 'en')} and {fmt_date(fc.window_end, 'en')}",
        )
    return forecast_note(fc.note, lang)


def status_cells(s: Any, lang: str = "nb") -> dict[str, str]:
    """The status-table cells that carry this module's rules, for one ``ItemStatus``.

    ``status`` (progress with the freshness beside), ``planned`` (the planned share the
    status was judged against), ``planned_today``, ``forecast`` (with «prognose: når
    ikke målet»), ``forecast_basis`` and ``next`` (the next measurement, «(forfalt)»).
    The CLI's table and the reports' tables both take their cells from here.
    """
    return {
        "status": progress_label(s, lang),
        "planned": fmt_percent(s.planned_share_judged, lang, 0),
        "planned_today": fmt_percent(s.planned_share, lang, 0),
        "forecast": forecast_cell(s, lang),
        "forecast_basis": forecast_basis(getattr(s, "forecast", None), lang, as_of=s.as_of),
        "next": next_measurement_text(s, lang),
    }


# --------------------------------------------------------------------------- counts


def status_counts_text(statuses: Sequence[Any], lang: str = "nb") -> str:
    """``✔ på plan: 13, ▲ litt bak: 4, … · måling forfalt: 9`` (overdue beside, never instead)."""
    counts = tracking.status_counts(statuses)
    parts = [f"{STATUS_SYMBOLS[k]} {status_word(k, lang)}: {counts[k]}" for k in tracking.STATUSES]
    late = tracking.overdue_count(statuses)
    return (
        ", ".join(parts)
        + SEPARATOR
        + t(lang, f"måling forfalt: {late}", f"measurement overdue: {late}")
    )


def legend(thresholds: Any, lang: str = "nb") -> str:
    """What the statuses mean, with the workspace's thresholds."""
    g = fmt_percent(thresholds.green, lang, 0)
    y = fmt_percent(thresholds.yellow, lang, 0)
    return t(
        lang,
        f"Status: {status_label('green')} (minst {g} av planen på datoen for siste måling), "
        f"{status_label('yellow')} (minst {y}), {status_label('red')} (under {y}), "
        f"{status_label('grey')} (ingen måling siden realiseringen startet), "
        f"{status_label('not_started')} (realiseringen har ikke startet). "
        "For ulemper gjelder det omvendte: over plan er bak. «Måling forfalt» står ved siden av "
        "statusen når neste måling er for sent; da måles framdriften mot planen ved periodens slutt.",
        f"Status: {status_label('green', 'en')} (at least {g} of the plan on the latest "
        f"measurement's date), {status_label('yellow', 'en')} (at least {y}), "
        f"{status_label('red', 'en')} (below {y}), {status_label('grey', 'en')} (no measurement "
        f"since the realisation started), {status_label('not_started', 'en')} (realisation has "
        "not started). For dis-benefits the reverse holds: above plan is behind. 'Measurement "
        "overdue' stands beside the status when the next measurement is late; progress is then "
        "judged against the plan at the end of the missed period.",
    )


# --------------------------------------------------------------------------- project status

LEVEL_WORDS = {
    "nb": {
        "green": "på plan",
        "yellow": "krever oppmerksomhet",
        "red": "bak plan",
        "grey": "kan ikke vurderes (ikke målt)",
        "not_started": "gevinstrealiseringen har ikke startet",
    },
    "en": {
        "green": "on track",
        "yellow": "needs attention",
        "red": "behind plan",
        "grey": "cannot be judged (not measured)",
        "not_started": "benefits realisation has not started",
    },
}


def level_label(level: str, lang: str = "nb") -> str:
    """``✖ Bak plan``, ``▲ Krever oppmerksomhet``: the project status with its symbol."""
    return f"{STATUS_SYMBOLS[level]} {_cap(LEVEL_WORDS[_lang(lang)][level])}"


def overall_headline(o: Any, lang: str = "nb") -> str:
    """``Prosjektstatus: ✖ Bak plan``."""
    return t(lang, "Prosjektstatus: ", "Project status: ") + level_label(o.level, lang)


def _ids(ids: Iterable[str], lang: str) -> str:
    return join_words(list(ids), lang)


def reason_text(r: Any, lang: str = "nb", *, as_of: dt.date | None = None) -> str:
    """One reason of a project status as a sentence, with its numbers."""
    n = r.numbers
    if r.kind == "benefits":
        shares = n.get("value_shares") or {}
        level = n.get("level")
        if level == "not_started":
            first = n.get("first_start")
            when = (
                t(
                    lang,
                    f" Den første starter {fmt_date(first, lang)}.",
                    f" The first starts on {fmt_date(first, 'en')}.",
                )
                if first
                else ""
            )
            return t(
                lang,
                f"Ingen gevinster er startet ennå.{when}",
                f"No benefit has started yet.{when}",
            )
        if not shares:
            return t(
                lang,
                "Ingen gevinster er målt siden realiseringen startet.",
                "No benefit has been measured since its realisation started.",
            )
        value = n.get("judged_value") or 0
        red, yellow = shares.get("red", 0.0), shares.get("yellow", 0.0)
        red_ids, yellow_ids = n.get("red_ids") or [], n.get("yellow_ids") or []
        if value:
            head = t(
                lang,
                f"Av gevinstverdien som kan vurderes ({fmt_nok(value, lang, short=True)} per år) er "
                f"{fmt_percent(red, lang, 0)} bak plan og {fmt_percent(yellow, lang, 0)} litt bak.",
                f"Of the benefit value that can be judged ({fmt_nok(value, 'en', short=True)} a year), "
                f"{fmt_percent(red, 'en', 0)} is behind plan and {fmt_percent(yellow, 'en', 0)} slightly behind.",
            )
        else:
            head = t(
                lang,
                f"Av gevinstene som kan vurderes er {fmt_percent(red, lang, 0)} bak plan og "
                f"{fmt_percent(yellow, lang, 0)} litt bak.",
                f"Of the benefits that can be judged, {fmt_percent(red, 'en', 0)} are behind plan "
                f"and {fmt_percent(yellow, 'en', 0)} slightly behind.",
            )
        parts = []
        if red_ids:
            parts.append(
                t(lang, f"bak plan: {_ids(red_ids, lang)}", f"behind plan: {_ids(red_ids, 'en')}")
            )
        if yellow_ids:
            parts.append(
                t(
                    lang,
                    f"litt bak: {_ids(yellow_ids, lang)}",
                    f"slightly behind: {_ids(yellow_ids, 'en')}",
                )
            )
        if not parts:
            return head
        tail = "; ".join(parts)
        return f"{head} {tail[:1].upper()}{tail[1:]}."
    if r.kind == "forecasts":
        return t(
            lang,
            f"Prognosen når ikke målet for {_ids(r.ids, lang)} ({fmt_percent(n['value_share'], lang, 0)} av gevinstverdien).",
            f"The forecast misses the target for {_ids(r.ids, 'en')} ({fmt_percent(n['value_share'], 'en', 0)} of the benefit value).",
        )
    if r.kind == "results":
        return t(
            lang,
            f"{n['count']} av {n['of']} resultatmål er bak plan ({_ids(r.ids, lang)}).",
            f"{n['count']} of {n['of']} result goals are behind plan ({_ids(r.ids, 'en')}).",
        )
    if r.kind == "decision_points":
        dps = _ids([_dp(v, lang) for v in n.get("decision_points") or []] or list(r.ids), lang)
        return t(
            lang,
            f"Beslutningspunkt {dps} er ikke tatt; det skulle vært tatt {fmt_date(n['earliest'], lang)} ({fmt_number(n['days_overdue'], 0, lang)} dager siden).",
            f"Decision point {dps} has not been taken; it was due {fmt_date(n['earliest'], 'en')} ({fmt_number(n['days_overdue'], 0, 'en')} days ago).",
        )
    if r.kind == "milestones":
        return t(
            lang,
            f"{n['count']} {'milepæl' if n['count'] == 1 else 'milepæler'} er passert uten å være nådd ({_ids(r.ids, lang)}), den første {fmt_date(n['earliest'], lang)}.",
            f"{n['count']} {'milestone' if n['count'] == 1 else 'milestones'} passed without being reached ({_ids(r.ids, 'en')}), the first on {fmt_date(n['earliest'], 'en')}.",
        )
    if r.kind == "risks":
        return t(
            lang,
            f"{n['count']} {'risiko er svært høy' if n['count'] == 1 else 'risikoer er svært høye'} (eksponering minst {n['threshold']} av 25, høyest {n['max_exposure']}): {_ids(r.ids, lang)}.",
            f"{n['count']} {'risk is' if n['count'] == 1 else 'risks are'} very high (exposure at least {n['threshold']} of 25, highest {n['max_exposure']}): {_ids(r.ids, 'en')}.",
        )
    if r.kind == "measurements_overdue":
        day = fmt_date(n["earliest_due"], lang)
        return t(
            lang,
            f"Måling er forfalt for {n['count']} mål ({_ids(r.ids, lang)}), den eldste {day}.",
            f"A measurement is overdue for {n['count']} {'item' if n['count'] == 1 else 'items'} ({_ids(r.ids, 'en')}), the oldest since {fmt_date(n['earliest_due'], 'en')}.",
        )
    return r.kind


def overall_sentences(o: Any, lang: str = "nb") -> list[str]:
    """The headline and one sentence per reason."""
    return [
        overall_headline(o, lang) + ".",
        *(reason_text(r, lang, as_of=o.as_of) for r in o.reasons),
    ]


# --------------------------------------------------------------------------- decisions


def decisions_heading(lang: str = "nb", *, portfolio: bool = False) -> str:
    """«Hva styringsgruppen må ta stilling til» (or the portfolio board's)."""
    if portfolio:
        return t(
            lang, "Hva porteføljestyret må ta stilling til", "What the portfolio board must decide"
        )
    return t(lang, "Hva styringsgruppen må ta stilling til", "What the steering group must decide")


def _dp(value: str | None, lang: str) -> str:
    """A decision point's short name: ``BP3`` (nb) or ``DP3`` (en)."""
    if not value:
        return ""
    return DecisionPoint(value).label(lang).split(" – ")[0]


def _q(text: str, lang: str) -> str:
    return f"'{text}'" if lang == "en" else f"«{text}»"


def _item(n: dict, item_id: str | None, lang: str) -> str:
    kind = n.get("kind") or "benefit"
    name = n.get("name")
    word = _cap(noun(kind, 1, lang))
    return f"{word} {item_id} {_q(name, lang)}" if name else f"{word} {item_id}"


def decision_text(d: Any, lang: str = "nb", *, as_of: dt.date | None = None) -> str:
    """One decision item as a sentence with the number behind it."""
    n = d.numbers
    what = _item(n, d.item_id, lang) if d.item_id else ""
    count = n.get("count")
    if count is not None and d.kind != "project_status":
        return _gathered_text(d, lang)
    if d.kind == "project_status":
        return t(
            lang,
            f"{d.project}: prosjektstatus {level_label(n['level'], lang)}.",
            f"{d.project}: project status {level_label(n['level'], 'en')}.",
        )
    if d.kind in ("behind_plan", "forecast_miss"):
        real = fmt_percent(n.get("realised_share"), lang, 0)
        plan = fmt_percent(n.get("planned_share_judged"), lang, 0)
        on = fmt_date(n.get("judged_at"), lang)
        owner = n.get("owner") or t(lang, "ikke oppgitt", "not given")
        if d.kind == "forecast_miss":
            fc = fmt_percent(n.get("forecast_share"), lang, 0)
            return t(
                lang,
                f"{what} er på plan, men prognosen når ikke målet: {fc} av målet ved måldatoen (eier: {owner}).",
                f"{what} is on track, but the forecast misses the target: {fc} of the target at the target date (owner: {owner}).",
            )
        state = status_word(n["status"], lang)
        text = t(
            lang,
            f"{what} er {state}: {real} realisert mot {plan} planlagt per {on} (eier: {owner})",
            f"{what} is {state}: {real} realised against {plan} planned as of {on} (owner: {owner})",
        )
        extra = []
        if n.get("overdue"):
            extra.append(
                t(
                    lang,
                    f"måling forfalt {fmt_date(n['next_due'], lang)}",
                    f"measurement overdue since {fmt_date(n['next_due'], 'en')}",
                )
            )
        if n.get("forecast_misses_target"):
            extra.append(t(lang, *MISSES))
        return text + (SEPARATOR + SEPARATOR.join(extra) if extra else "") + "."
    if d.kind == "decision_point_overdue":
        return t(
            lang,
            f"{_dp(n['decision_point'], lang)} {_q(n['name'], lang)} skulle vært tatt {fmt_date(n['date'], lang)} og er ikke registrert som gjennomført ({fmt_number(n['days_overdue'], 0, lang)} dager på overtid).",
            f"{_dp(n['decision_point'], 'en')} {_q(n['name'], 'en')} was due {fmt_date(n['date'], 'en')} and is not recorded as done ({fmt_number(n['days_overdue'], 0, 'en')} days overdue).",
        )
    if d.kind == "milestone_overdue":
        return t(
            lang,
            f"Milepælen {_q(n['name'], lang)} skulle vært nådd {fmt_date(n['date'], lang)} ({fmt_number(n['days_overdue'], 0, lang)} dager siden).",
            f"The milestone {_q(n['name'], 'en')} was due {fmt_date(n['date'], 'en')} ({fmt_number(n['days_overdue'], 0, 'en')} days ago).",
        )
    if d.kind == "next_decision_point":
        return t(
            lang,
            f"Neste beslutningspunkt: {_dp(n['decision_point'], lang)} {_q(n['name'], lang)} {fmt_date(n['date'], lang)} (om {fmt_number(n['days_until'], 0, lang)} dager).",
            f"Next decision point: {_dp(n['decision_point'], 'en')} {_q(n['name'], 'en')} on {fmt_date(n['date'], 'en')} (in {fmt_number(n['days_until'], 0, 'en')} days).",
        )
    if d.kind == "high_risk":
        mitigation = (
            ""
            if n.get("has_mitigation")
            else t(lang, " Ingen tiltak er registrert.", " No mitigation is registered.")
        )
        return t(
            lang,
            f"Risiko {d.item_id} {_q(n['description'], lang)} er svært høy: sannsynlighet {n['probability']} × konsekvens {n['consequence']} = {n['exposure']} av 25.{mitigation}",
            f"Risk {d.item_id} {_q(n['description'], 'en')} is very high: probability {n['probability']} × consequence {n['consequence']} = {n['exposure']} of 25.{mitigation}",
        )
    if d.kind == "negative_npv":
        return t(
            lang,
            f"Forventet netto nåverdi er negativ ({fmt_nok(n['npv'], lang, short=True)}): er de ikke-prissatte virkningene verdt det?",
            f"The expected net present value is negative ({fmt_nok(n['npv'], 'en', short=True)}): are the non-priced effects worth it?",
        )
    if d.kind == "low_probability":
        return t(
            lang,
            f"Bare {fmt_percent(n['prob_positive'], lang, 0)} sannsynlighet for positiv netto nåverdi (under {fmt_percent(n['threshold'], lang, 0)}).",
            f"Only {fmt_percent(n['prob_positive'], 'en', 0)} probability of a positive net present value (below {fmt_percent(n['threshold'], 'en', 0)}).",
        )
    if d.kind == "missing_owner":
        if n.get("previous_owner"):
            return t(
                lang,
                f"{what} har ingen gevinsteier etter at {_q(n['previous_owner'], lang)} overleverte {fmt_date(n.get('handover_date'), lang)}.",
                f"{what} has no benefit owner since {_q(n['previous_owner'], 'en')} handed over on {fmt_date(n.get('handover_date'), 'en')}.",
            )
        return t(lang, f"{what} har ingen gevinsteier.", f"{what} has no benefit owner.")
    if d.kind == "final_report_due":
        days = int(n["days_until"])
        return t(
            lang,
            (
                f"Sluttrapporten for gevinstrealiseringen var frist {fmt_date(n['due'], lang)} ({fmt_number(-days, 0, lang)} dager siden)"
                if days < 0
                else f"Sluttrapporten for gevinstrealiseringen har frist {fmt_date(n['due'], lang)} (om {fmt_number(days, 0, lang)} dager)"
            )
            + f", ved slutten av {fmt_number(n['follow_up_years'], 0, lang)} års oppfølging etter BP5.",
            (
                f"The final benefits report was due on {fmt_date(n['due'], 'en')} ({fmt_number(-days, 0, 'en')} days ago)"
                if days < 0
                else f"The final benefits report is due on {fmt_date(n['due'], 'en')} (in {fmt_number(days, 0, 'en')} days)"
            )
            + f", at the end of {fmt_number(n['follow_up_years'], 0, 'en')} years of follow-up after BP5.",
        )
    if d.kind == "missing_baseline":
        start = fmt_date(n.get("realisation_start"), lang)
        return t(
            lang,
            f"{what} har ingen registrert nullpunktsmåling (nullpunktsdato {fmt_date(n['baseline_date'], lang)}, realiseringen starter {start}; eier: {n.get('owner')}).",
            f"{what} has no registered baseline measurement (baseline date {fmt_date(n['baseline_date'], 'en')}, realisation starts {fmt_date(n.get('realisation_start'), 'en')}; owner: {n.get('owner')}).",
        )
    if d.kind == "double_claim":
        kommuner = join_words(n.get("municipalities", []), lang)
        return t(
            lang,
            f"{what} kan være telt to ganger: {n['other_project']} {n['other_item']} {_q(n['other_name'], lang)} har samme indikator i {kommuner} ({fmt_date(n['period_start'], lang)}–{fmt_date(n['period_end'], lang)}).",
            f"{what} may be counted twice: {n['other_project']} {n['other_item']} {_q(n['other_name'], 'en')} has the same indicator in {kommuner} ({fmt_date(n['period_start'], 'en')}–{fmt_date(n['period_end'], 'en')}).",
        )
    if d.kind == "measurement_overdue":
        return t(
            lang,
            f"Måling forfalt {fmt_date(n['next_due'], lang)} for {what[:1].lower() + what[1:]} (ansvarlig: {n.get('owner')}).",
            f"Measurement overdue since {fmt_date(n['next_due'], 'en')} for {what[:1].lower() + what[1:]} (owner: {n.get('owner')}).",
        )
    return d.kind


def _things(kinds: Sequence[str], n: int, lang: str) -> str:
    """``gevinst``/``ulemper``/``gevinster og ulemper``/``mål`` for the kinds a gathered item covers."""
    kinds = list(kinds)
    if len(kinds) == 1:
        return noun(kinds[0], n, lang)
    if set(kinds) == {"benefit", "disbenefit"}:
        return t(lang, "gevinster og ulemper", "benefits and dis-benefits")
    return t(lang, "mål", "items" if n != 1 else "item")


def _gathered_text(d: Any, lang: str) -> str:
    """A portfolio item gathered per project and kind: ``p1: 1 bak plan, 2 litt bak: G5, G1 og G4.``"""
    n = d.numbers
    k = n["count"]
    count = fmt_number(k, 0, lang)
    what = _things(n.get("kinds") or [], k, lang)
    ids = _ids(n.get("ids", []), lang)
    if d.kind == "behind_plan":
        red, yellow = n.get("red", 0), n.get("yellow", 0)
        parts = []
        if red:
            parts.append(t(lang, f"{red} bak plan", f"{red} behind plan"))
        if yellow:
            parts.append(t(lang, f"{yellow} litt bak", f"{yellow} slightly behind"))
        return f"{d.project}: {count} {what} – {', '.join(parts)}: {ids}."
    if d.kind == "high_risk":
        risks = noun("risk", k, lang)
        high = t(lang, "svært høy" if k == 1 else "svært høye", "very high")
        return t(
            lang,
            f"{d.project}: {count} {high} {risks} (høyest eksponering {n['max_exposure']} av 25): {ids}.",
            f"{d.project}: {count} {high} {risks} (highest exposure {n['max_exposure']} of 25): {ids}.",
        )
    if d.kind == "milestone_overdue":
        word = t(
            lang, "milepæl" if k == 1 else "milepæler", "milestone" if k == 1 else "milestones"
        )
        return t(
            lang,
            f"{d.project}: {count} {word} på overtid: {ids}.",
            f"{d.project}: {count} {word} overdue: {ids}.",
        )
    phrase = {
        "forecast_miss": ("med prognose som ikke når målet", "whose forecast misses the target"),
        "missing_owner": ("uten gevinsteier", "without an owner"),
        "missing_baseline": ("uten registrert nullpunktsmåling", "without a registered baseline"),
        "measurement_overdue": ("med forfalt måling", "with an overdue measurement"),
    }[d.kind]
    return f"{d.project}: {count} {what} {t(lang, *phrase)}: {ids}."


def decision_texts(
    decisions: Iterable[Any], lang: str = "nb", *, with_project: bool = False
) -> list[str]:
    """Every decision item as a sentence, in the order given.

    ``with_project`` (the portfolio board's list) puts the project first where the
    sentence does not already name it.
    """
    out = []
    for d in decisions:
        text = decision_text(d, lang)
        if with_project and not text.startswith(f"{d.project}:"):
            text = f"{d.project}: {text}"
        out.append(text)
    return out


__all__ = [
    "SEPARATOR",
    "decision_text",
    "decision_texts",
    "decisions_heading",
    "fmt_day",
    "forecast_basis",
    "forecast_cell",
    "forecast_note",
    "legend",
    "level_label",
    "next_measurement_text",
    "overall_headline",
    "overall_sentences",
    "overdue_text",
    "progress_label",
    "reason_text",
    "status_cells",
    "status_counts_text",
    "status_label",
    "status_word",
]
