"""Words and numbers for people: Norwegian (bokmål) by default, English with ``lang="en"``.

Number conventions (Språkrådet): a space between thousands and a comma for
decimals, a space before ``%`` and ``kr``, a real minus sign (−), dates as
``25.11.2026``. The spaces are *non-breaking* (U+00A0), so that ``1 234 567 kr``
never breaks across two lines in a table or on paper.

>>> fmt_nok(1234567)
'1\\xa0234\\xa0567\\xa0kr'
>>> fmt_percent(0.125)
'12,5\\xa0%'
>>> import datetime as dt
>>> fmt_date(dt.date(2026, 11, 25))
'25.11.2026'

The steering group's one-screen summary (:func:`summary`) is also here: status
in words, the key figures, and what the group must decide. It only *describes*
results computed by :mod:`gevinst.model`; it computes no domain numbers itself.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from gevinst.model import tracking
from gevinst.model.explain import main_causes

NBSP = "\u00a0"
MINUS = "\u2212"

MONTHS = {
    "nb": [
        "januar",
        "februar",
        "mars",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "desember",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}


def esc(text: object) -> str:
    """Plan text → HTML text: the one escaping helper for everything that reaches an output.

    ``&``, ``<``, ``>``, ``"`` and ``'`` become entities, so a project name such as
    ``<img src=x onerror=alert(1)>`` is shown as text, in element content and in
    attribute values alike. Every HTML fragment the package builds (headings,
    paragraphs, tables, figures' alt text, the explorer) escapes through this
    function; ``tests/test_safe_rendering.py`` checks that nothing else does.

    >>> esc('<b title="x">Tinn & Notodden</b>')
    '&lt;b title=&quot;x&quot;&gt;Tinn &amp; Notodden&lt;/b&gt;'
    """
    return html.escape(str(text), quote=True)


def t(lang: str, nb: str, en: str) -> str:
    """Pick the Norwegian or the English text."""
    return en if lang == "en" else nb


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_number(value: float | None, decimals: int = 0, lang: str = "nb") -> str:
    """A number with thousands grouped: ``1 234,5`` (nb) or ``1,234.5`` (en); ``–`` if missing.

    >>> fmt_number(-1234.56, 1)
    '−1\\xa0234,6'
    >>> fmt_number(1234.56, 1, lang="en")
    '1,234.6'
    """
    if _missing(value):
        return "–"
    value = float(value)
    if value == 0 or round(value, decimals) == 0:
        value = 0.0  # no "−0"
    text = f"{abs(value):,.{decimals}f}"
    if lang != "en":
        text = text.replace(",", NBSP).replace(".", ",")
    return (MINUS if value < 0 else "") + text


SHORT_FROM = 100_000
"""With ``short=True``, amounts from this size on are shown in millions (``0,8 mill. kr``)."""


def fmt_value(value: float | None, lang: str = "nb") -> str:
    """An indicator value with as many decimals as it needs (at most 2; none from 100).

    >>> fmt_value(4.25), fmt_value(13.9), fmt_value(23500.0)
    ('4,25', '13,9', '23\xa0500')
    """
    if _missing(value):
        return "–"
    value = float(value)
    decimals = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    text = fmt_number(value, decimals, lang)
    sep = "." if lang == "en" else ","
    if sep in text:
        text = text.rstrip("0").rstrip(sep)
    return text


def fmt_nok(value: float | None, lang: str = "nb", *, short: bool = False) -> str:
    """Kroner: ``1 234 567 kr``; with ``short`` amounts from 100 000 in millions: ``1,2 mill. kr``.

    >>> fmt_nok(-2_500_000, short=True)
    '−2,5\\xa0mill.\\xa0kr'
    >>> fmt_nok(2_500_000, lang="en", short=True)
    'NOK\\xa02.5\\xa0m'
    """
    if _missing(value):
        return "–"
    if short and abs(value) >= SHORT_FROM:
        number = fmt_number(value / 1_000_000, 1, lang)
        return f"NOK{NBSP}{number}{NBSP}m" if lang == "en" else f"{number}{NBSP}mill.{NBSP}kr"
    number = fmt_number(value, 0, lang)
    return f"NOK{NBSP}{number}" if lang == "en" else f"{number}{NBSP}kr"


def fmt_percent(share: float | None, lang: str = "nb", decimals: int = 1) -> str:
    """A share (0.125) as a percentage: ``12,5 %`` (nb) or ``12.5%`` (en)."""
    if _missing(share):
        return "–"
    number = fmt_number(100 * float(share), decimals, lang)
    return f"{number}%" if lang == "en" else f"{number}{NBSP}%"


def fmt_rate(rate: float, lang: str = "nb") -> str:
    """An interest rate, with a decimal only when it has one: ``4 %``, ``2,5 %``.

    >>> fmt_rate(0.04), fmt_rate(0.025, "en")
    ('4\xa0%', '2.5%')
    """
    return fmt_percent(rate, lang, 1 if round(100 * rate, 6) % 1 else 0)


def fmt_date(day: dt.date | None, lang: str = "nb") -> str:
    """``25.11.2026`` (nb) or ``25 Nov 2026`` (en); ``–`` if missing."""
    if day is None:
        return "–"
    if lang == "en":
        return f"{day.day} {MONTHS['en'][day.month - 1][:3]} {day.year}"
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def fmt_month(day: dt.date, lang: str = "nb", *, as_of: dt.date | None = None) -> str:
    """``mars`` (the year added when it differs from ``as_of``'s), e.g. ``mars 2025``."""
    name = MONTHS["en" if lang == "en" else "nb"][day.month - 1]
    if as_of is None or day.year != as_of.year:
        return f"{name} {day.year}"
    return name


def join_words(parts: Sequence[str], lang: str = "nb") -> str:
    """``a, b og c`` / ``a, b and c``."""
    parts = [p for p in parts if p]
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + t(lang, " og ", " and ") + parts[-1]


def parse_as_of(value: str | dt.date | None, today: dt.date) -> dt.date:
    """The report's as-of date: an ISO date, or ``today`` (passed in) when empty.

    A bad date raises :class:`ValueError`.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None or not str(value).strip():
        return today
    return dt.date.fromisoformat(str(value).strip())


# --------------------------------------------------------------------------- HTML text

_SYMBOL_TOKEN = re.compile(r"(?<!\S)(\S)(?=\s|$)")


def _decorative(char: str) -> bool:
    """A status or state symbol (``✔ ▲ ✖ ○ ★``, or ``?`` standing alone): said by the word beside it."""
    return char == "?" or unicodedata.category(char) == "So"


def text_html(text: Any) -> str:
    """Plain text as escaped HTML, its decorative symbols hidden from screen readers.

    Status is always told by a symbol *and* a word (``✔ På plan``); the symbol is
    for the eye, so it gets ``aria-hidden="true"`` and a screen reader reads only
    the word. Only a symbol standing alone as a word is hidden (``?`` in
    ``Hva nå?`` is not), and meaningful signs such as ``−`` or ``→`` are kept.

    >>> text_html("✔ På plan & <i>")
    '<span aria-hidden="true">✔</span> På plan &amp; &lt;i&gt;'
    >>> text_html("Hva nå?")
    'Hva nå?'
    """
    out = []
    last = 0
    raw = "" if text is None else str(text)
    for m in _SYMBOL_TOKEN.finditer(raw):
        if not _decorative(m.group(1)):
            continue
        out.append(esc(raw[last : m.start()]))
        out.append(f'<span aria-hidden="true">{esc(m.group(1))}</span>')
        last = m.end()
    out.append(esc(raw[last:]))
    return "".join(out)


# --------------------------------------------------------------------------- status words

STATUS_ORDER = tracking.STATUSES
"""green, yellow, red, grey: the order statuses are listed, counted and drawn in."""

STATUS_SYMBOL = tracking.STATUS_SYMBOLS
"""✔ på plan, ▲ litt bak, ✖ bak plan, ? ikke målt (from :mod:`gevinst.model.tracking`)."""


# Verb phrases for sentences: "3 av 5 gevinster er på plan".
_STATUS_PHRASE = {
    "green": {"nb": "er på plan", "en": "on track"},
    "yellow": {"nb": "er litt bak plan", "en": "slightly behind"},
    "red": {"nb": "er bak plan", "en": "behind plan"},
    "grey": {"nb": "er ikke målt", "en": "not measured"},
    "not_started": {"nb": "er ikke startet", "en": "not started"},
}


def status_label(status: str, lang: str = "nb") -> str:
    """Symbol and word, so status is never told by colour alone: ``✔ På plan``.

    >>> status_label("grey")
    '? Ikke målt'
    """
    text = tracking.status_label(status, "en" if lang == "en" else "nb")
    symbol, _, word = text.partition(" ")
    return f"{symbol} {word[:1].upper()}{word[1:]}"


def status_count_parts(
    counts: dict[str, int], lang: str = "nb", *, symbols: bool = True
) -> list[str]:
    """The statuses with a count, in order: ``["✔ 2 på plan", "✖ 1 bak plan"]``.

    Without ``symbols`` (for alt text): ``["2 på plan", "1 bak plan"]``.
    """
    words = tracking.STATUS_WORDS["en" if lang == "en" else "nb"]
    return [
        f"{STATUS_SYMBOL[s]} {counts[s]} {words[s]}" if symbols else f"{counts[s]} {words[s]}"
        for s in STATUS_ORDER
        if counts.get(s)
    ]


NOUNS = {
    "benefit": ("gevinst", "gevinster", "benefit", "benefits"),
    "disbenefit": ("ulempe", "ulemper", "dis-benefit", "dis-benefits"),
    "result": ("resultatmål", "resultatmål", "result goal", "result goals"),
    "effect": ("effektmål", "effektmål", "effect goal", "effect goals"),
    "risk": ("risiko", "risikoer", "risk", "risks"),
}
"""(nb singular, nb plural, en singular, en plural) of what the reports count."""


def noun(kind: str, n: int = 1, lang: str = "nb") -> str:
    """The word for ``n`` things of a kind: ``noun("benefit", 2) == "gevinster"``."""
    forms = NOUNS[kind]
    if lang == "en":
        return forms[2] if n == 1 else forms[3]
    return forms[0] if n == 1 else forms[1]


def count_words(n: int, kind: str, lang: str = "nb") -> str:
    """``3 gevinster``, ``1 risk``; ``""`` for none (so :func:`join_words` leaves it out)."""
    return f"{n} {noun(kind, n, lang)}" if n else ""


def status_sentence(
    statuses: Iterable[Any], as_of: dt.date, lang: str = "nb", *, kind: str = "benefit"
) -> str:
    """Status of the items of one ``kind`` in words.

    ``statuses`` are :class:`gevinst.model.tracking.ItemStatus` (or anything with
    ``kind``, ``status`` and ``latest_date``). Example: "3 av 5 gevinster er på
    plan, 1 er bak plan og 1 er ikke målt siden mars."
    """
    items = [s for s in statuses if s.kind == kind]
    if not items:
        return ""
    total = len(items)
    counts = {k: sum(1 for s in items if s.status == k) for k in STATUS_ORDER}
    parts = []
    first = True
    for key in STATUS_ORDER:
        n = counts[key]
        if not n:
            continue
        phrase = _STATUS_PHRASE[key]["en" if lang == "en" else "nb"]
        if key == "grey":
            phrase += _grey_since(items, as_of, lang)
        if first:
            noun_ = noun(kind, total, lang)
            if lang == "en":
                verb = "is" if n == 1 else "are"
                parts.append(f"{n} of {total} {noun_} {verb} {phrase}")
            else:
                parts.append(f"{n} av {total} {noun_} {phrase}")
            first = False
        else:
            if lang == "en":
                parts.append(f"{n} {'is' if n == 1 else 'are'} {phrase}")
            else:
                parts.append(f"{n} {phrase}")
    return join_words(parts, lang) + "."


def _grey_since(items: Sequence[Any], as_of: dt.date, lang: str) -> str:
    """ " siden mars" (newest measurement among the grey items) or " ennå"."""
    grey = [s for s in items if s.status == "grey"]
    dates = [s.latest_date for s in grey if s.latest_date is not None]
    if not dates:
        return t(lang, " ennå", " yet")
    if len(dates) < len(grey):
        return ""  # some never measured, some measured long ago: no single "since"
    return t(lang, " siden ", " since ") + fmt_month(max(dates), lang, as_of=as_of)


# --------------------------------------------------------------------------- risk words

RISK_ZONES = (
    # (lowest score, nb, en); score = probability × consequence on 1–5 scales
    (1, "lav", "low"),
    (5, "middels", "medium"),
    (10, "høy", "high"),
    (15, "svært høy", "very high"),
)
"""Risk zones of the common 5×5 matrix (a presentation convention, not a model rule)."""


def risk_zone(score: int) -> int:
    """Index into :data:`RISK_ZONES` for a score (probability × consequence)."""
    zone = 0
    for i, (low, _nb, _en) in enumerate(RISK_ZONES):
        if score >= low:
            zone = i
    return zone


def risk_level(probability: int, consequence: int, lang: str = "nb") -> str:
    """``lav``, ``middels``, ``høy`` or ``svært høy`` for a risk.

    >>> risk_level(3, 4)
    'høy'
    """
    _low, nb, en = RISK_ZONES[risk_zone(probability * consequence)]
    return en if lang == "en" else nb


def risks_by_level(risks: Iterable[Any]) -> list[Any]:
    """Risks highest first: by score (probability × consequence), then consequence, then id."""
    return sorted(risks, key=lambda r: (-(r.probability * r.consequence), -r.consequence, r.id))


# --------------------------------------------------------------------------- sensitivity words


def sensitivity_rows(cba: Any) -> list[Any]:
    """The tornado's rows, the largest swing in NPV (high − low) first."""
    return sorted(cba.sensitivity, key=lambda r: -abs(r.high_npv - r.low_npv))


def sensitivity_label(row: Any, lang: str = "nb") -> str:
    """What a sensitivity row varies, in ``lang`` (the Norwegian label when no English one)."""
    if lang == "en":
        return getattr(row, "label_en", None) or row.label
    return row.label


def switching_text(row: Any, lang: str = "nb") -> str:
    """What brings the NPV to 0 for a sensitivity row, in words; ``""`` when nothing does."""
    return getattr(row, "switching_text_en" if lang == "en" else "switching_text", "") or ""


# --------------------------------------------------------------------------- the summary

@dataclass
class Summary:
    """The steering group's first screen."""

    title: str
    as_of: dt.date
    overall: list[str] = field(default_factory=list)
    """The project status in words: the headline («Prosjektstatus: ✖ Bak plan.»), then its reasons."""
    status: list[str] = field(default_factory=list)
    """Sentences on status (benefits, resultatmål)."""
    key_figures: list[tuple[str, str]] = field(default_factory=list)
    """(label, formatted value)."""
    notes: list[str] = field(default_factory=list)
    """Sentences under the key figures (why expected and planned NPV differ)."""
    decisions: list[str] = field(default_factory=list)
    """What the steering group must take a position on."""
    decisions_title: str = ""
    """The decision section's heading (``status_text.decisions_heading``)."""
    lang: str = "nb"

    def to_html(self) -> str:
        """Accessible HTML: headings, a table of key figures with row headers; all text escaped."""
        e = esc
        lang = self.lang
        out = [f'<section class="gevinst-summary" lang="{e(lang)}">']
        if self.overall:
            head, *reasons = self.overall
            out.append(f'<p class="gevinst-overall"><strong>{text_html(head)}</strong></p>')
            if reasons:
                out.append("<ul>" + "".join(f"<li>{text_html(r)}</li>" for r in reasons) + "</ul>")
        out.append(
            f"<p><strong>{e(t(lang, 'Per', 'As of'))} {e(fmt_date(self.as_of, lang))}.</strong> "
        )
        out.append(" ".join(text_html(s) for s in self.status) + "</p>")
        if self.key_figures:
            out.append(f"<h3>{e(t(lang, 'Nøkkeltall', 'Key figures'))}</h3>")
            out.append('<table class="gevinst-table gevinst-key-figures"><tbody>')
            for label_, value in self.key_figures:
                out.append(
                    f'<tr><th scope="row" style="text-align:left">{e(label_)}</th>'
                    f'<td class="num" style="text-align:right">{text_html(value)}</td></tr>'
                )
            out.append("</tbody></table>")
        if self.notes:
            out.append(paragraph_html(self.notes))
        out.append(
            f"<h3>{e(self.decisions_title or t(lang, 'Hva styringsgruppen må ta stilling til', 'What the steering group must decide'))}</h3>"
        )
        if self.decisions:
            out.append("<ul>" + "".join(f"<li>{text_html(d)}</li>" for d in self.decisions) + "</ul>")
        else:
            out.append(
                f"<p>{e(t(lang, 'Ingen saker krever beslutning nå.', 'Nothing needs a decision now.'))}</p>"
            )
        out.append("</section>")
        return "".join(out)

    def to_text(self) -> str:
        lines = [*self.overall, *self.status, ""]
        lines += [f"{a}: {b}" for a, b in self.key_figures]
        lines += self.notes
        lines += ["", (self.decisions_title or t(self.lang, "Hva styringsgruppen må ta stilling til", "To decide")) + ":"]
        lines += [f"- {d}" for d in self.decisions]
        return "\n".join(lines)


def fmt_year(year: int | None, lang: str = "nb") -> str:
    """A payback year, or ``ikke nedbetalt innen analyseperioden`` when it does not pay back."""
    if year is not None:
        return str(year)
    return t(lang, "ikke nedbetalt innen analyseperioden", "not paid back within the analysis period")


def payback_label(lang: str = "nb", *, discounted: bool = True) -> str:
    """The key figure's name: the year the investment is earned back (discounted or not)."""
    if discounted:
        return t(lang, "Investeringen tjent inn, diskontert (år)", "Payback year, discounted")
    return t(lang, "Investeringen tjent inn, udiskontert (år)", "Payback year, undiscounted")


def cautious_npv_label(lang: str = "nb") -> str:
    """The cautious NPV in words, saying which tail: the 15th percentile of the draws."""
    return t(lang, "NNV med 85 % sannsynlighet minst (P15)", "NPV at least this with 85 % probability (P15)")


def key_figures(
    cba: Any,
    lang: str = "nb",
    *,
    short: bool = True,
    uncertainty: bool = True,
    abbreviations: bool = False,
) -> list[tuple[str, str]]:
    """The few numbers that matter, formatted, from a :class:`CbaResult`: (label, value).

    ``short`` gives amounts from 100 000 kr in millions (the reports), else whole
    kroner (``gevinst cba``); ``uncertainty`` adds the Monte Carlo median (P50),
    the cautious figure "NNV med 85 % sannsynlighet minst …" (P15, the low tail:
    85 % of the draws give at least this) and the probability of a positive NPV
    when the result has a simulation;
    ``abbreviations`` names the abbreviations NNV and NNB in the labels, for a
    text that uses them afterwards.
    """
    if cba is None:
        return []
    undefined = t(lang, "ikke definert", "undefined")
    npv = t(lang, "Netto nåverdi", "Net present value")
    per_krone = t(lang, "Netto nåverdi per budsjettkrone", "NPV per budget krone")
    if abbreviations:
        npv += t(lang, " (NNV)", " (NPV)")
        per_krone += t(lang, " (NNB)", "")
    npv += t(lang, ", forventet", ", expected")  # DFØ: expected values (forventningsverdier)
    rows = [
        (npv, fmt_nok(cba.npv, lang, short=short)),
        (
            t(
                lang,
                "Netto nåverdi som planlagt (uten usikkerhetsjustering)",
                "NPV as planned (no uncertainty adjustment)",
            ),
            fmt_nok(cba.npv_as_planned, lang, short=short),
        ),
        (
            t(lang, "Netto nåverdi, kun kontantgevinster", "NPV, cash benefits only"),
            fmt_nok(cba.npv_cash_only, lang, short=short),
        ),
        (
            per_krone,
            fmt_number(cba.npv_per_budget_krone, 2, lang)
            if cba.npv_per_budget_krone is not None
            else t(lang, "ikke definert (sparer budsjettmidler)", "undefined (saves budget money)"),
        ),
        (
            t(lang, "Nytte/kostnad-forhold", "Benefit/cost ratio"),
            fmt_number(cba.bcr, 2, lang) if cba.bcr is not None else undefined,
        ),
        (
            t(lang, "Internrente", "Internal rate of return"),
            fmt_percent(cba.irr, lang) if cba.irr is not None else undefined,
        ),
        # the discounted payback, the one that agrees with the NPV: a project whose NPV is
        # negative is never paid back within the period
        (payback_label(lang), fmt_year(cba.discounted_payback_year, lang)),
    ]
    mc = getattr(cba, "monte_carlo", None)
    if uncertainty and mc is not None:
        rows.append(
            (
                t(lang, "NNV, median av simuleringene (P50)", "NPV, median of the simulations (P50)"),
                fmt_nok(mc.p50, lang, short=True),
            )
        )
        rows.append((cautious_npv_label(lang), fmt_nok(mc.p15, lang, short=True)))
        rows.append(
            (
                t(lang, "Sannsynlighet for positiv nåverdi", "Probability of a positive NPV"),
                fmt_percent(mc.prob_positive, lang, 0),
            )
        )
    return rows


def _group_word(group: str, lang: str) -> str:
    return {
        "cost": t(lang, "kostnaden", "the cost"),
        "benefit": t(lang, "gevinsten", "the benefit"),
        "disbenefit": t(lang, "ulempen", "the dis-benefit"),
    }.get(group, "")


def npv_gap_sentence(cba: Any, lang: str = "nb") -> str:
    """One sentence on why the expected NPV differs from the NPV as planned, naming the
    lines that cause most of it (:func:`gevinst.model.explain.main_causes`); ``""``
    when the two are the same (no skewed uncertainty).

    Each line's part is (1 − E[m]) × its NPV per unit (see :mod:`gevinst.model.explain`).
    """
    if cba is None:
        return ""
    gap = cba.npv_as_planned - cba.npv
    if abs(gap) < 0.5 or abs(gap) < 1e-4 * max(abs(cba.npv_as_planned), 1.0):
        return ""
    causes = main_causes(getattr(cba, "npv_gap", ()) or ())
    direction = t(lang, "lavere", "lower") if gap > 0 else t(lang, "høyere", "higher")
    head = t(
        lang,
        f"Forventet netto nåverdi ({fmt_nok(cba.npv, lang, short=True)}) er {fmt_nok(abs(gap), lang, short=True)} {direction} enn som planlagt ({fmt_nok(cba.npv_as_planned, lang, short=True)}) fordi usikkerheten er skjev: forventet verdi er snittet av lav, sannsynlig og høy verdi",
        f"The expected NPV ({fmt_nok(cba.npv, lang, short=True)}) is {fmt_nok(abs(gap), lang, short=True)} {direction} than as planned ({fmt_nok(cba.npv_as_planned, lang, short=True)}) because the uncertainty is skewed: the expected value is the mean of the low, likely and high values",
    )
    if not causes:
        return head + "."
    named = join_words(
        [
            f"{_group_word(c.group, lang)} {c.id} «{c.name}» ({fmt_nok(c.amount, lang, short=True)})"
            if lang != "en"
            else f"{_group_word(c.group, lang)} {c.id} '{c.name}' ({fmt_nok(c.amount, lang, short=True)})"
            for c in causes
        ],
        lang,
    )
    most = t(lang, "; det meste skyldes ", "; most of it comes from ")
    return f"{head}{most}{named}."


# --------------------------------------------------------------------------- display

SECTIONS: dict[str, tuple[str, str]] = {
    "project_report": ("Prosjektrapport", "Project report"),
    "portfolio_report": ("Porteføljerapport", "Portfolio report"),
    "explore": ("Utforsk forutsetningene", "Explore the assumptions"),
    "summary": ("Sammendrag for styringsgruppen", "Summary for the steering group"),
    "goals": ("Mål og gevinstkart", "Goals and benefits map"),
    "benefits": ("Gevinster – status", "Benefits – status"),
    "benefit_charts": ("Gevinstene mot plan", "Each benefit against its plan"),
    "results": ("Resultatmål", "Result goals"),
    "cba": ("Kost/nytte", "Cost/benefit"),
    "municipalities": ("Per kommune", "Per municipality"),
    "non_priced": ("Ikke-prissatte virkninger", "Non-priced effects"),
    "risk": ("Risiko", "Risk"),
    "milestones": ("Milepæler og beslutningspunkter", "Milestones and decision points"),
    "portfolio_status": ("Status for prosjektene", "Status of the projects"),
    "ranking": ("Prioritering", "Prioritisation"),
    "portfolio_municipalities": ("Per kommune", "Per municipality"),
    "double_claims": ("Mulig dobbelttelling", "Possible double counting"),
    "overdue": ("Forfalte målinger", "Overdue measurements"),
    "budget": ("Økonomiplan per kommune", "Financial plan per municipality"),
    "roadmap": ("Veikart og avhengigheter", "Road map and dependencies"),
    "board_decisions": ("Hva porteføljestyret må ta stilling til", "What the portfolio board must decide"),
    "assumptions": ("Forutsetninger", "Assumptions"),
    "results_now": ("Resultater med valgte forutsetninger", "Results under the chosen assumptions"),
}
"""Report section headings (Norwegian, English)."""


def section(key: str, lang: str = "nb") -> str:
    """The heading of a report section in ``lang``."""
    nb, en = SECTIONS[key]
    return en if lang == "en" else nb


class Heading(str):
    """A section heading's text that knows its section key (for its anchor)."""

    key: str = ""


def _heading(key: str, lang: str) -> Heading:
    h = Heading(section(key, lang))
    h.key = key
    return h


def headings(lang: str = "nb") -> SimpleNamespace:
    """All section headings in ``lang`` as attributes: ``headings("nb").risk == "Risiko"``.

    Each is a :class:`Heading` (a ``str``) that knows its key, so that
    :func:`show_heading` gives it its anchor even where two sections share a title
    («Per kommune»).
    """
    return SimpleNamespace(**{key: _heading(key, lang) for key in SECTIONS})


def heading_html(title: str, level: int = 2, *, anchor: str = "") -> str:
    """A real HTML heading ``<h1>``–``<h6>``; the title is escaped; ``anchor`` its ``id``."""
    level = min(6, max(1, int(level)))
    ident = f' id="{esc(anchor)}"' if anchor else ""
    return f"<h{level}{ident}>{esc(title)}</h{level}>"


def section_anchor(key: str) -> str:
    """The in-page anchor of a report section: ``portfolio_status`` → ``portfolio-status``."""
    return key.replace("_", "-")


def contents_html(keys: Sequence[str], lang: str = "nb", *, reports: Sequence[tuple[str, str]] = ()) -> str:
    """A table of contents (``<nav>``) linking to the sections ``keys`` of this report, and
    the other reports ``reports`` ((title, relative file name)) of the same folder."""
    e = esc
    title = t(lang, "Innhold", "Contents")
    out = [f'<nav class="gevinst-contents" aria-label="{e(title)}">', f"<h2>{e(title)}</h2><ol>"]
    out += [f'<li><a href="#{e(section_anchor(k))}">{e(section(k, lang))}</a></li>' for k in keys]
    out.append("</ol>")
    if reports:
        out.append(f"<h3>{e(t(lang, 'Prosjektrapportene', 'The project reports'))}</h3><ul>")
        out += [f'<li><a href="{e(href)}">{e(name)}</a></li>' for name, href in reports]
        out.append("</ul>")
    out.append("</nav>")
    return "".join(out)


def display_html(markup: str, plain: str, *, extra: dict[str, Any] | None = None) -> None:
    """Display HTML in a notebook, with a plain-text fallback (what every ``show_*`` does).

    ``extra`` adds representations to the same output (the explorer adds its widget view,
    which JupyterLab and Voilà show in place of the HTML).
    """
    from IPython.display import display

    display({**(extra or {}), "text/html": markup, "text/plain": plain}, raw=True)


def show_heading(key_or_title: str, lang: str = "nb", level: int = 2) -> None:
    """Display a section heading (a key of :data:`SECTIONS`, or a title) as a real heading.

    A report section's heading gets its anchor (``id``), so a table of contents can link
    to it, whether it is given by key or as ``headings(lang).risk``.
    """
    key = getattr(key_or_title, "key", "") or (key_or_title if key_or_title in SECTIONS else "")
    title = section(key_or_title, lang) if key_or_title in SECTIONS else key_or_title
    anchor = section_anchor(key) if key else ""
    display_html(heading_html(title, level, anchor=anchor), title)


def _title(plan: Any, as_of: dt.date, lang: str, kind: str) -> tuple[str, str]:
    """(heading, subtitle) of a report about ``plan`` (``None``: no project)."""
    if plan is None:
        return section(kind, lang), f"{t(lang, 'Per', 'As of')} {fmt_date(as_of, lang)}"
    p = plan.project
    sub = t(
        lang,
        f"{p.organisation}. Prosjekteier: {p.owner}. Prosjektleder: {p.project_manager}. Per {fmt_date(as_of, lang)}.",
        f"{p.organisation}. Project owner: {p.owner}. Project manager: {p.project_manager}. As of {fmt_date(as_of, lang)}.",
    )
    return f"{section(kind, lang)}: {p.name}", sub


def _title_markup(head: str, sub: str) -> str:
    return f'{heading_html(head, 1)}<p class="gevinst-subtitle">{esc(sub)}</p>'


def title_html(plan: Any, as_of: dt.date, lang: str = "nb", *, kind: str = "project_report") -> str:
    """The report's ``<h1>`` and a line with organisation, project owner and as-of date."""
    return _title_markup(*_title(plan, as_of, lang, kind))


def show_title(
    plan: Any, as_of: dt.date, lang: str = "nb", *, kind: str = "project_report"
) -> None:
    """Display the report title (``<h1>``) for a project, or for the portfolio with ``plan=None``."""
    head, sub = _title(plan, as_of, lang, kind)
    display_html(_title_markup(head, sub), f"{head}\n{sub}")


def show_portfolio_title(workspace: Any, as_of: dt.date, lang: str = "nb") -> None:
    """Display the portfolio report's title (``<h1>``) with the organisation and as-of date."""
    _show_title(section("portfolio_report", lang), workspace.organisation, as_of, lang)


def show_explore_title(workspace: Any, as_of: dt.date, lang: str = "nb") -> None:
    """Display the explorer's title (``<h1>``)."""
    _show_title(section("explore", lang), workspace.organisation, as_of, lang)


def _show_title(head: str, organisation: str, as_of: dt.date, lang: str) -> None:
    sub = f"{organisation}. {t(lang, 'Per', 'As of')} {fmt_date(as_of, lang)}."
    display_html(_title_markup(head, sub), f"{head}\n{sub}")


def paragraph_html(sentences: str | Sequence[str]) -> str:
    """``<p>`` with the text escaped."""
    text = sentences if isinstance(sentences, str) else " ".join(sentences)
    return f"<p>{text_html(text)}</p>"


def show_text(sentences: str | Sequence[str]) -> None:
    """Display a paragraph of text (escaped)."""
    text = sentences if isinstance(sentences, str) else " ".join(sentences)
    display_html(paragraph_html(text), text)


# --------------------------------------------------------------------------- section texts


def cba_method_text(cba: Any, lang: str = "nb") -> str:
    """How the cost/benefit numbers were made, in two or three sentences."""
    d = cba.discounting or {}
    rates = [fmt_rate(r, lang) for r in d.get("rates", [])]
    if d.get("rule") == "r109":
        rule = t(
            lang,
            f"diskontert etter Finansdepartementets rundskriv R-109 (trinnvis {'/'.join(rates)})",
            f"discounted by the Ministry of Finance's circular R-109 (step-wise {'/'.join(rates)})",
        )
    else:
        rule = t(
            lang,
            f"diskontert med fast rente {join_words(rates, lang)}",
            f"discounted at a flat rate of {join_words(rates, lang)}",
        )
    timing = {
        "start": t(lang, "år 0 er udiskontert", "year 0 is not discounted"),
        "end": t(lang, "strømmene regnes ved årets slutt", "flows fall at the end of each year"),
    }.get(d.get("timing", ""), "")
    last = cba.start_year + cba.analysis_years - 1
    out = [
        t(
            lang,
            f"Kost/nytte-analysen er i faste {cba.price_year}-kroner over {cba.analysis_years} år ({cba.start_year}–{last}), {rule}; {timing}.",
            f"The cost/benefit analysis is in real {cba.price_year} NOK over {cba.analysis_years} years ({cba.start_year}–{last}), {rule}; {timing}.",
        ),
        t(
            lang,
            f"Spart tid er verdsatt til {fmt_nok(cba.hourly_cost, lang)} per time; den er bare en kontantgevinst når den tas ut av et budsjett.",
            f"Freed time is valued at {fmt_nok(cba.hourly_cost, lang)} per hour; it is only a cash benefit when taken out of a budget.",
        ),
    ]
    if cba.tax_rate > 0:
        out.append(
            t(
                lang,
                f"Skattefinansieringskostnaden ({fmt_percent(cba.tax_rate, lang, 0)}) er med: {fmt_nok(cba.tax_financing_cost, lang, short=True)} i nåverdi.",
                f"The tax financing cost ({fmt_percent(cba.tax_rate, lang, 0)}) is included: {fmt_nok(cba.tax_financing_cost, lang, short=True)} in present value.",
            )
        )
    if cba.outside_period:
        ids = join_words(sorted(cba.outside_period), lang)
        out.append(
            t(
                lang,
                f"Kostnader utenfor analyseperioden er holdt utenfor ({ids}).",
                f"Costs outside the analysis period are left out ({ids}).",
            )
        )
    return " ".join(out)


def non_priced_text(plan: Any, cba: Any = None, lang: str = "nb") -> str:
    """Why non-priced effects stand beside the NPV, and which benefits are non-priced."""
    out = t(
        lang,
        "Ikke-prissatte virkninger er vurdert etter betydning og omfang på DFØs skala fra −−−− til ++++. De står ved siden av netto nåverdi og er ikke lagt inn i den.",
        "Non-priced effects are assessed on significance and scope on DFØ's scale from −−−− to ++++. They stand beside the net present value and are not added into it.",
    )
    ids = list(getattr(cba, "non_priced", ()) or ())
    if ids:
        names = {b.id: b.name for b in [*plan.benefits, *plan.disbenefits]}
        listed = join_words(
            [
                f"{i} «{names.get(i, i)}»" if lang != "en" else f"{i} '{names.get(i, i)}'"
                for i in ids
            ],
            lang,
        )
        out += t(
            lang,
            f" Disse gevinstene følges opp, men er ikke prissatt: {listed}.",
            f" These benefits are followed up but not priced: {listed}.",
        )
    return out


def portfolio_sentences(
    rollup: Any,
    ranked: Sequence[Any],
    claims: Sequence[Any],
    owners: Sequence[Any],
    lang: str = "nb",
) -> list[str]:
    """The portfolio board's first paragraph: status, money, ranking, warnings."""
    total = rollup.total
    n = len(rollup.projects)
    counts = total.benefits
    n_items = sum(counts.values())
    out = []
    parts = [
        f"{counts[k]} {_STATUS_PHRASE[k]['en' if lang == 'en' else 'nb']}"
        for k in STATUS_ORDER
        if counts.get(k)
    ]
    out.append(
        t(
            lang,
            f"Porteføljen har {n} prosjekter med {n_items} gevinster og ulemper: {join_words(parts, lang)}.",
            f"The portfolio has {n} projects with {n_items} benefits and dis-benefits: {join_words(parts, lang)}.",
        )
    )
    share = total.realised_nok / total.planned_nok if total.planned_nok else None
    out.append(
        t(
            lang,
            f"Samlet netto nåverdi er {fmt_nok(total.npv, lang, short=True)}. Hittil er {fmt_nok(total.realised_nok, lang, short=True)} realisert av {fmt_nok(total.planned_nok, lang, short=True)} planlagt ({fmt_percent(share, lang, 0)}).",
            f"The total net present value is {fmt_nok(total.npv, lang, short=True)}. So far {fmt_nok(total.realised_nok, lang, short=True)} is realised of {fmt_nok(total.planned_nok, lang, short=True)} planned ({fmt_percent(share, lang, 0)}).",
        )
    )
    if ranked:
        top = [r.name for r in ranked if r.rank == ranked[0].rank]
        out.append(
            t(
                lang,
                f"Høyest prioritert: {join_words(top, lang)}.",
                f"Highest priority: {join_words(top, lang)}.",
            )
        )
    if claims:
        out.append(
            t(
                lang,
                f"{count_words(len(claims), 'benefit', lang)} kan være telt i to prosjekter (se «Mulig dobbelttelling»).",
                f"{count_words(len(claims), 'benefit', lang)} may be counted in two projects (see 'Possible double counting').",
            )
        )
    if owners:
        k = sum(len(o.items) for o in owners)
        out.append(
            t(
                lang,
                f"{k} målinger er forfalt hos {len({o.owner for o in owners})} ansvarlige.",
                f"{k} measurements are overdue with {len({o.owner for o in owners})} owners.",
            )
        )
    return out


def excluded_lines(loaded: Any, lang: str = "nb") -> list[str]:
    """One line per project left out of a report because its input has errors
    (:attr:`gevinst.io.workspace.Loaded.excluded`), with the first error, and one
    for each problem that belongs to no project."""
    lines = []
    for pid, issues in loaded.excluded.items():
        first = issues[0].format(lang) if issues else ""
        more = len(issues) - 1
        rest = t(lang, f" (og {more} feil til)", f" (and {more} more)") if more > 0 else ""
        lines.append(f"{pid}: {first}{rest}")
    lines.extend(i.format(lang) for i in loaded.other_issues)
    return lines


def excluded_html(loaded: Any, lang: str = "nb") -> str:
    """A visible warning naming the projects left out (``""`` when none is)."""
    lines = excluded_lines(loaded, lang)
    if not lines:
        return ""
    n = len(loaded.excluded)
    head = t(
        lang,
        f"⚠ {n} {'prosjekt' if n == 1 else 'prosjekter'} er utelatt fra porteføljen fordi planen "
        "eller målingene har feil. Tallene nedenfor gjelder bare de andre prosjektene. "
        "Kjør «gevinst check» for alle feilene.",
        f"⚠ {n} {'project is' if n == 1 else 'projects are'} left out of the portfolio because "
        "the plan or the measurements have errors. The figures below cover the other projects "
        "only. Run 'gevinst check' for every error.",
    )
    if n == 0:  # only problems that belong to no project (a stray file)
        head = t(
            lang,
            "⚠ Arbeidsområdet har feil som ikke hører til noe prosjekt; kjør «gevinst check».",
            "⚠ The workspace has errors that belong to no project; run 'gevinst check'.",
        )
    items = "".join(f"<li>{esc(line)}</li>" for line in lines)
    return (
        '<div class="gevinst-advarsel" role="note" style="border-left:4px solid #b35900;'
        'padding:0.4rem 0.9rem;margin:1rem 0;background-color:#fff4e5">'
        f"<p><strong>{esc(head)}</strong></p><ul>{items}</ul></div>"
    )


def show_excluded(loaded: Any, lang: str = "nb") -> None:
    """Display :func:`excluded_html` (nothing when every project could be read)."""
    markup = excluded_html(loaded, lang)
    if markup:
        display_html(markup, "\n".join(excluded_lines(loaded, lang)))
