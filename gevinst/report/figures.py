"""Figures for the reports: functions that take data and return a :class:`Chart`.

Every function here takes plan data or results from :mod:`gevinst.model`
(a :class:`~gevinst.model.schema.Plan`, ``ItemStatus`` lists, a ``CbaResult``,
a portfolio ``Rollup``) and returns a ``Chart(figure, alt)``: a
:class:`matplotlib.figure.Figure` (built without pyplot, so no global state and
no GUI backend) and an *alt text* that says the figure's message in words, for
screen readers and for anyone who cannot see the colours. None of them reads a
file or the clock, and none computes domain numbers: they draw what the model
computed.

Conventions:

* Colours are the Okabe–Ito palette (safe for the common colour-vision
  deficiencies); status is never told by colour alone: each status also has its
  own marker and symbol (✔ på plan, ▲ litt bak, ✖ bak plan, ? ikke målt) and
  the word in the legend or label.
* Text from the plan is drawn as plain text (no mathtext: a ``$`` in a name is a
  dollar sign) and wrapped, so long Norwegian names stay readable.
* ``lang="nb"`` (default) or ``"en"`` picks the language of labels and alt text.

In a notebook, :func:`show` displays a chart as an embedded PNG with its alt
text (HTML-escaped) and frees the figure.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import io
import re
import textwrap
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

import matplotlib
import matplotlib.dates as mdates
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Patch, Rectangle
from matplotlib.ticker import FixedLocator, FuncFormatter

from gevinst.model import tracking
from gevinst.model.portfolio import Line, combine
from gevinst.model.schema import Benefit, Measurement, Plan, ResultGoal
from gevinst.report import status_text
from gevinst.report.tables import PORTFOLIO_MAX_ROWS, _frame, folded_table_html
from gevinst.report.text import (
    MONTHS,
    STATUS_ORDER,
    STATUS_SYMBOL,
    count_words,
    display_html,
    esc,
    fmt_date,
    fmt_nok,
    fmt_number,
    fmt_percent,
    fmt_value,
    join_words,
    noun,
    risk_level,
    risk_zone,
    risks_by_level,
    sensitivity_label,
    sensitivity_rows,
    status_count_parts,
    status_label,
    t,
)

# --------------------------------------------------------------------------- style

# Okabe & Ito (2008), "Color Universal Design".
BLUE = "#0072B2"
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#8C8C8C"
BLACK = "#000000"

STATUS_COLOUR = {
    "green": GREEN,
    "yellow": ORANGE,
    "red": VERMILLION,
    "grey": GREY,
    "not_started": "#FFFFFF",
}
STATUS_MARKER = {"green": "o", "yellow": "^", "red": "X", "grey": "s", "not_started": "o"}
STATUS_HATCH = {"green": "", "yellow": "..", "red": "xx", "grey": "//", "not_started": ""}

WRAP = 32
"""Characters per line in boxes and labels."""

SMALL_PT = 10.0
"""The smallest chart text, in points. Charts are shown at the size they were drawn
(:func:`css_width`, at most 10 inches = the 960 px column), so 10 pt is 13,3 CSS px:
more than 0,8 × the report's 16 px body text (12,8 px), as issue 8 asks."""
NORMAL_PT = 10.5
LARGE_PT = 12.0
MAX_WIDTH_IN = 10.0
"""The widest a drawn chart may be (legends included): the report column, 960 CSS px."""

_RC = {
    "text.parse_math": False,  # plan text is plain text: "$" is a dollar sign
    "font.family": "DejaVu Sans",
    "font.size": NORMAL_PT,
    "axes.titlesize": LARGE_PT,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "legend.frameon": False,
    "savefig.facecolor": "white",
}


def relative_luminance(colour: Any) -> float:
    """WCAG 2.x relative luminance of a colour (any matplotlib colour), 0 (black) … 1 (white)."""
    from matplotlib.colors import to_rgb

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: Any, b: Any) -> float:
    """WCAG contrast ratio (L1 + 0.05) / (L2 + 0.05) between two colours, 1 … 21.

    >>> round(contrast_ratio("#000000", "#FFFFFF"), 1), round(contrast_ratio("#333333", "#D6604D"), 2)
    (21.0, 3.39)
    """
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


MIN_CONTRAST = 4.5
"""Every text colour against its background in a chart (WCAG 1.4.3, AA)."""


class Chart(NamedTuple):
    """A figure, its alt text (the figure's message in words, at most :data:`MAX_ALT`
    characters) and, where no report table beside it has them, its numbers as a table."""

    figure: Figure
    alt: str
    data: Any = None
    """A :class:`pandas.DataFrame` of the figure's numbers (shown under it), or None."""


MAX_ALT = 300
"""Alt text is a short summary (issue 8); the numbers are in a table beside the chart."""


def short_alt(sentences: Sequence[str], note: str = "", limit: int = MAX_ALT) -> str:
    """The first whole sentences that fit in ``limit`` characters, then ``note`` (where
    the numbers are). A first sentence that is too long alone is cut at a word, with …

    >>> short_alt(["En.", "To to.", "Tre tre tre."], "Se tabellen.", limit=24)
    'En. To to. Se tabellen.'
    """
    room = limit - (len(note) + 1 if note else 0)
    out: list[str] = []
    for sentence in sentences:
        sentence = sentence.strip()
        if not sentence:
            continue
        if len(" ".join([*out, sentence])) <= room:
            out.append(sentence)
        elif not out:
            cut = sentence[: max(room - 1, 0)].rsplit(" ", 1)[0].rstrip(",;:")
            out.append(cut + "…")
            break
        else:
            break
    return " ".join([*out, note] if note else out)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ«'(0-9−])")


def sentences(text: str) -> list[str]:
    """Split a text into sentences (not at ``mill. kr``, where a lower-case word follows)."""
    return [x for x in _SENTENCE_END.split(text.strip()) if x]


def _table_note(lang: str, where: str = "under") -> str:
    """Where a chart's numbers are: «Tallene står i tabellen under.»"""
    return {
        "under": t(lang, "Tallene står i tabellen under.", "The numbers are in the table below."),
        "over": t(lang, "Tallene står i tabellen over.", "The numbers are in the table above."),
        "data": t(
            lang,
            "Tallene står i tabellen under figuren.",
            "The numbers are in the table below the figure.",
        ),
    }[where]


def _styled(func: Callable[..., Chart]) -> Callable[..., Chart]:
    """Build the figure under the report style (no mathtext, our fonts)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Chart:
        with matplotlib.rc_context(_RC):
            return func(*args, **kwargs)

    return wrapper


def wrap(text: str, width: int = WRAP) -> str:
    """Wrap text to lines of at most ``width`` characters (long words are broken)."""
    return "\n".join(textwrap.wrap(str(text), width=width, break_long_words=True)) or ""


def _mill_formatter(lang: str) -> FuncFormatter:
    """Axis ticks in millions of kroner, Norwegian decimals."""

    def fmt(value: float, _pos: int) -> str:
        millions = value / 1_000_000
        return fmt_number(millions, 0 if float(round(millions, 6)).is_integer() else 1, lang)

    return FuncFormatter(fmt)


def _mill_label(lang: str) -> str:
    return t(lang, "millioner kroner", "NOK million")


def _date_formatter(lang: str) -> FuncFormatter:
    short = {
        "nb": ["jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des"],
        "en": [m[:3] for m in MONTHS["en"]],
    }["en" if lang == "en" else "nb"]

    def fmt(value: float, _pos: int) -> str:
        day = mdates.num2date(value).date()
        if day.month == 1 and day.day == 1:
            return str(day.year)
        return f"{short[day.month - 1]} {day.year}"

    return FuncFormatter(fmt)


def _date_axis(ax: Any, lang: str) -> None:
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(_date_formatter(lang))


def _as_of_line(ax: Any, as_of: dt.date, lang: str, *, right_side: bool | None = None) -> None:
    """A dotted vertical line at the as-of date, labelled along the line (left of it, at the top).

    ``right_side`` given: the label lies flat along the bottom of the axes instead,
    right of the line (True) or left of it (False) – where a time line leaves a free
    line for it, clear of the labels above."""
    ax.axvline(as_of, color=BLACK, linestyle=":", linewidth=1.2, zorder=1)
    flat = right_side is not None
    ax.annotate(
        t(lang, f"per {fmt_date(as_of, lang)}", f"as of {fmt_date(as_of, lang)}"),
        xy=(as_of, 0.0 if flat else 1.0),
        xycoords=("data", "axes fraction"),
        xytext=((3 if right_side else -3), 3) if flat else (-3, -3),
        textcoords="offset points",
        rotation=0 if flat else 90,
        va="bottom" if flat else "top",
        ha="left" if right_side else "right",
        fontsize=SMALL_PT,
        bbox={
            "boxstyle": "square,pad=0.1",
            "facecolor": "white",
            "edgecolor": "none",
            "alpha": 0.8,
        },
        zorder=6,
    )


def _status_points(status: str) -> dict[str, Any]:
    """How a point with a status is drawn: its own marker and colour, a black edge, no line."""
    return {
        "linestyle": "none",
        "marker": STATUS_MARKER[status],
        "markersize": 8,
        "markerfacecolor": STATUS_COLOUR[status],
        "markeredgecolor": BLACK,
    }


def _status_handles(statuses: Iterable[str], lang: str) -> list[Any]:
    return [Line2D([], [], label=status_label(s, lang), **_status_points(s)) for s in statuses]


# --------------------------------------------------------------------------- display


def figure_html(
    chart: Chart | Figure,
    alt: str | None = None,
    *,
    dpi: int = 144,
    caption: str | None = None,
) -> str:
    """The chart as an HTML ``<figure>`` with an embedded PNG and escaped alt text.

    The image is a ``data:`` URI, so the HTML is self-contained (opens offline
    and from e-mail). ``alt`` and ``caption`` are HTML-escaped.
    """
    fig, alt = _unpack(chart, alt)
    freeze_date_ticks(fig)
    buf = io.BytesIO()
    # Drawn once: every figure lays itself out (``layout="constrained"``, legends
    # ``outside``), so ``bbox_inches="tight"`` – a second, measuring draw of the whole
    # figure, a third of the time of a save – is not needed (issue 13). zlib level 3
    # instead of Pillow's 6: a quarter less time for files some 7 % larger.
    fig.savefig(buf, format="png", dpi=dpi, pil_kwargs={"compress_level": PNG_COMPRESSION})
    width_px = css_width(buf.getvalue(), dpi)  # shown at the size it was drawn
    return image_html(buf.getvalue(), alt, width=width_px, caption=caption)


def freeze_date_ticks(fig: Figure) -> None:
    """Fix every date axis's ticks where its :class:`~matplotlib.dates.AutoDateLocator`
    puts them for the final limits, so that they are worked out once, not at each of
    the 30-odd times a save asks for them (the layout engine measures, then draws).

    The same ticks, so the same image to the byte (tested): an ``AutoDateLocator``
    chooses from the date range and its ``maxticks`` alone, not from the axis's length
    in pixels, which the layout changes. Number axes keep their locators – theirs do
    depend on the length. Saves 10–30 % of a date chart's save time (issue 13)."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            locator = axis.get_major_locator()
            if isinstance(locator, mdates.AutoDateLocator):
                axis.set_major_locator(FixedLocator(locator()))


def image_html(png: bytes, alt: str, *, width: int, caption: str | None = None) -> str:
    """A PNG as an HTML ``<figure>`` (``data:`` URI) with escaped alt text and caption."""
    data = base64.b64encode(png).decode("ascii")
    parts = [
        '<figure class="gevinst-figure">',
        f'<img src="data:image/png;base64,{data}" alt="{esc(alt)}" '
        f'style="max-width:100%;height:auto" width="{int(width)}">',
    ]
    if caption:
        parts.append(f"<figcaption>{esc(caption)}</figcaption>")
    parts.append("</figure>")
    return "".join(parts)


PNG_COMPRESSION = 3
"""zlib level of the embedded PNGs (0–9): measured in issue 13, 3 saves a quarter of a
chart's save time against the default 6 for 7 % more bytes; 1 is no faster."""

CSS_PX_PER_INCH = 96
"""CSS pixels per inch: a chart is shown at the size it was drawn, so 10 pt text is 13,3 px."""


def css_width(png: bytes, dpi: float) -> int:
    """The width in CSS px at which a PNG drawn at ``dpi`` shows its true size.

    Read from the PNG header (IHDR: width as 4 bytes big-endian at offset 16): the
    figure's width in inches × ``dpi``, legends outside the axes included (they are
    inside the figure under the constrained layout).
    """
    return round(int.from_bytes(png[16:20], "big") / dpi * CSS_PX_PER_INCH)


def _unpack(chart: Chart | Figure | tuple, alt: str | None) -> tuple[Figure, str]:
    if isinstance(chart, Figure):
        if alt is None:
            raise TypeError("a Figure needs its alt text: show(fig, alt)")
        return chart, alt
    fig, own_alt = chart[0], chart[1]
    return fig, own_alt if alt is None else alt


def data_html(chart: Chart | Figure, lang: str = "nb") -> str:
    """The chart's numbers (:attr:`Chart.data`) as a table in a ``<details>`` under it
    («Tallene i figuren»): beside the chart for anyone who cannot read it, folded away
    for the rest; no script needed. ``""`` when the chart has no table of its own."""
    data = getattr(chart, "data", None)
    if data is None or len(data) == 0:
        return ""
    lang = data.attrs.get("lang", lang)
    label = t(lang, "Tallene i figuren", "The numbers in the figure")
    return folded_table_html(data, label, "gevinst-figure-data", lang)


def close(chart: Chart | Figure) -> None:
    """Let the figure's memory go: its axes are taken out of it, so that nothing a
    figure kept alive holds them (the figures are not registered with pyplot; the
    garbage collector frees the rest).

    Not ``Figure.clear()``: that resets every axes first (new axis, ticks and spines,
    only to drop them), some 9 ms a chart and 15 charts a report, for no less memory
    (measured in issue 13).
    """
    fig = chart if isinstance(chart, Figure) else chart[0]
    for ax in tuple(fig.axes):
        fig.delaxes(ax)


def show(
    chart: Chart | Figure,
    alt: str | None = None,
    *,
    caption: str | None = None,
    lang: str = "nb",
) -> None:
    """Display a chart in a notebook as an embedded PNG with alt text, then free it.

    ``show(chart)`` or ``show(fig, alt)``. The plain-text fallback of the output
    is the alt text itself.
    """
    fig, alt = _unpack(chart, alt)
    markup = figure_html(fig, alt, caption=caption) + data_html(chart, lang)
    close(fig)
    display_html(markup, alt)


# --------------------------------------------------------------------------- gevinstkart


def _box(
    ax: Any,
    x: float,
    y: float,
    w: float,
    h: float,
    text: str,
    *,
    face: str,
    edge: str,
    dashed: bool = False,
) -> None:
    """A rounded box; the first line of ``text`` is its bold heading."""
    ax.add_patch(
        FancyBboxPatch(
            (x, y),
            w,
            h,
            boxstyle="round,pad=0,rounding_size=0.25",
            facecolor=face,
            edgecolor=edge,
            linewidth=1.3,
            linestyle="--" if dashed else "-",
        )
    )
    head, _, body = text.partition("\n")
    n = body.count("\n") + 1 if body else 0
    top = y + (h - (n + 1) * _LINE) / 2
    ax.text(x + 0.3, top, head, va="top", ha="left", fontsize=SMALL_PT, fontweight="bold")
    if body:
        ax.text(x + 0.3, top + _LINE, body, va="top", ha="left", fontsize=SMALL_PT, linespacing=1.25)


_UNIT_IN = 0.19
"""Inches per data unit in the benefits map (one text line plus air)."""
_LINE = 9 * 1.25 / 72 / _UNIT_IN
"""Height of one 9-point text line (line spacing 1.25) in the benefits map's data units."""


def _arrow(ax: Any, start: tuple[float, float], end: tuple[float, float]) -> None:
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={
            "arrowstyle": "-|>",
            "color": "#444444",
            "linewidth": 1.0,
            "shrinkA": 0,
            "shrinkB": 0,
        },
    )


@_styled
def benefit_map(plan: Plan, lang: str = "nb") -> Chart:
    """Gevinstkart: resultatmål and gevinster (with owners) → effektmål → hovedmål.

    Three columns read left to right; each effektmål sits beside the resultatmål,
    gevinster and ulemper that serve it, and arrows show what contributes to what.
    Each box says what it is (``Resultatmål R1``, ``Gevinst G1``, ``Ulempe U1``)
    so the kinds are told by words and border style, not by colour alone.
    """
    line_h = 1.0  # data units per text line
    pad = 0.7
    gap = 0.6
    group_gap = 1.3
    col_w = 11.0
    col_x = [0.0, col_w + 2.5, 2 * (col_w + 2.5)]
    width = WRAP

    def lines(text: str) -> int:
        return text.count("\n") + 1

    def box_text(kind: str, x: Any) -> str:
        head = f"{_kind_title(kind, lang)} {x.id}"
        if kind == "result":
            extra = t(lang, f"Ansvarlig: {x.owner}", f"Responsible: {x.owner}") if x.owner else ""
            return "\n".join(y for y in (head, wrap(x.text, width), wrap(extra, width)) if y)
        owner = wrap(t(lang, f"Eier: {x.owner}", f"Owner: {x.owner}"), width)
        return f"{head}\n{wrap(x.name, width)}\n{owner}"

    groups = []
    for eg in plan.effect_goals:
        contributors = _contributors(plan, eg.id)
        items = [(kind, box_text(kind, x)) for kind, x in contributors]
        eg_text = f"{_kind_title('effect', lang)} {eg.id}\n{wrap(eg.text, width)}"
        groups.append((eg, eg_text, items, contributors))

    # vertical layout: y grows downwards (axis is inverted)
    boxes: list[tuple[str, float, float, float, str]] = []  # kind, x, y, h, text
    arrows: list[tuple[tuple[float, float], tuple[float, float]]] = []
    y = 0.0
    eg_centres = []
    for _eg, eg_text, items, _contribs in groups:
        heights = [lines(text) * line_h + pad for _, text in items]
        eg_h = lines(eg_text) * line_h + pad
        items_span = sum(heights) + gap * max(0, len(items) - 1)
        span = max(items_span, eg_h)
        iy = y + (span - items_span) / 2
        eg_y = y + (span - eg_h) / 2
        eg_centre = eg_y + eg_h / 2
        for (kind, text), h in zip(items, heights, strict=True):
            boxes.append((kind, col_x[0], iy, h, text))
            arrows.append(((col_x[0] + col_w, iy + h / 2), (col_x[1], eg_centre)))
            iy += h + gap
        boxes.append(("effect", col_x[1], eg_y, eg_h, eg_text))
        eg_centres.append(eg_centre)
        y += span + group_gap
    total = max(y - group_gap, 1.0)
    main_text = t(lang, "Hovedmål", "Main goal") + "\n" + wrap(plan.goals.main_goal, width)
    main_h = lines(main_text) * line_h + pad
    main_y = max(0.0, (total - main_h) / 2)
    total = max(total, main_y + main_h)
    boxes.append(("main", col_x[2], main_y, main_h, main_text))
    for c in eg_centres:
        arrows.append(((col_x[1] + col_w, c), (col_x[2], main_y + main_h / 2)))

    header = 3.4
    bottom = total + 0.4
    fig = Figure(figsize=(9.4, (bottom + header) * _UNIT_IN))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-0.2, col_x[2] + col_w + 0.2)
    ax.set_ylim(bottom, -header)
    ax.axis("off")
    styles = {
        "result": ("#DCEBF7", BLUE, False),
        "benefit": ("#D9F0E8", GREEN, False),
        "disbenefit": ("#FBE3D3", VERMILLION, True),
        "effect": ("#FFF3D1", ORANGE, False),
        "main": ("#EEEEEE", BLACK, False),
    }
    for kind, x, by, h, text in boxes:
        face, edge, dashed = styles[kind]
        _box(ax, x, by, col_w, h, text, face=face, edge=edge, dashed=dashed)
    for start, end in arrows:
        _arrow(ax, start, end)
    heads = [
        t(lang, "Resultatmål og gevinster (eier)", "Result goals and benefits (owner)"),
        t(lang, "Effektmål", "Effect goals"),
        t(lang, "Hovedmål", "Main goal"),
    ]
    for x, head in zip(col_x, heads, strict=True):
        ax.text(x, -1.4, head, fontsize=NORMAL_PT, fontweight="bold", va="top")
    title = t(lang, f"Gevinstkart: {plan.project.name}", f"Benefits map: {plan.project.name}")
    ax.text(0, -header + 0.2, wrap(title, 100), fontsize=LARGE_PT, fontweight="bold", va="top")

    # alt text: the structure in words
    n_r, n_b, n_d = len(plan.result_goals), len(plan.benefits), len(plan.disbenefits)
    counts = join_words(
        [
            count_words(n_r, "result", lang),
            count_words(n_b, "benefit", lang),
            count_words(n_d, "disbenefit", lang),
        ],
        lang,
    )
    effect_count = count_words(len(plan.effect_goals), "effect", lang)
    parts = [
        t(
            lang,
            f"Gevinstkart for {plan.project.name}: {counts} bidrar til {effect_count}, som bidrar til hovedmålet «{plan.goals.main_goal}».",
            f"Benefits map for {plan.project.name}: {counts} contribute to {effect_count}, which serve the main goal '{plan.goals.main_goal}'.",
        )
    ]
    for eg, _eg_text, _items, contributors in groups:
        words = [_contributor_words(kind, x, lang) for kind, x in contributors]
        if words:
            parts.append(
                t(
                    lang,
                    f"Effektmål {eg.id} «{eg.text}» får bidrag fra {join_words(words, lang)}.",
                    f"Effect goal {eg.id} '{eg.text}' is served by {join_words(words, lang)}.",
                )
            )
        else:
            parts.append(
                t(
                    lang,
                    f"Effektmål {eg.id} «{eg.text}» har ingen resultatmål eller gevinster knyttet til seg.",
                    f"Effect goal {eg.id} '{eg.text}' has no result goals or benefits linked to it.",
                )
            )
    rows = [
        [_contributor_words(kind, x, lang), f"{eg.id} {eg.text}"]
        for eg, _eg_text, _items, contributors in groups
        for kind, x in contributors
    ]
    data = _frame(
        rows,
        [t(lang, "Bidrar", "Contributes"), t(lang, "Til effektmål", "To effect goal")],
        caption=t(lang, "Gevinstkartet som tabell", "The benefits map as a table"),
    )
    data.attrs["lang"] = lang
    return Chart(fig, short_alt(parts[:1], _table_note(lang, "data")), data)


def _contributors(plan: Plan, effect_goal: str) -> list[tuple[str, Any]]:
    """(kind, item) of the resultatmål, gevinster and ulemper serving one effektmål, in that order."""
    pools = (
        ("result", plan.result_goals),
        ("benefit", plan.benefits),
        ("disbenefit", plan.disbenefits),
    )
    return [(kind, x) for kind, pool in pools for x in pool if x.effect_goal == effect_goal]


def _contributor_words(kind: str, x: Any, lang: str) -> str:
    """``gevinst G1 «Navn» (eier: Eier)``, ``resultatmål R1 «Tekst»`` (for alt text)."""
    what = f"{noun(kind, 1, lang)} {x.id}"
    if kind == "result":
        return t(lang, f"{what} «{x.text}»", f"{what} '{x.text}'")
    return t(lang, f"{what} «{x.name}» (eier: {x.owner})", f"{what} '{x.name}' (owner: {x.owner})")


# --------------------------------------------------------------------------- risk matrix

RISK_COLOURS = ("#F2F2F2", "#FDD9A8", "#F4A582", "#D6604D")
"""Fill per risk zone (low → very high, :data:`gevinst.report.text.RISK_ZONES`); light to dark."""


def _risk_colour(score: int) -> str:
    return RISK_COLOURS[risk_zone(score)]


@_styled
def risk_matrix(plan: Plan, lang: str = "nb") -> Chart:
    """5×5 risk matrix: probability (up) × consequence (right), risk ids in their cells.

    Cells are shaded by zone (low → very high) and the zone word is written in
    each cell, so the zones are not told by colour alone.
    """
    fig = Figure(figsize=(6.8, 5.4), layout="constrained")
    ax = fig.add_subplot()
    cells: dict[tuple[int, int], list[str]] = {}
    for r in plan.risks:
        cells.setdefault((r.probability, r.consequence), []).append(r.id)
    for p in range(1, 6):
        for c in range(1, 6):
            score = p * c
            ax.add_patch(
                Rectangle(
                    (c - 0.5, p - 0.5),
                    1,
                    1,
                    facecolor=_risk_colour(score),
                    edgecolor="white",
                    linewidth=2,
                )
            )
            ax.text(
                c + 0.45,
                p - 0.45,
                risk_level(p, c, lang),
                fontsize=SMALL_PT,
                ha="right",
                va="bottom",
                color=BLACK,  # 5,6:1 on the darkest zone; grey (#333) was 3,4:1
            )
            ids = cells.get((p, c))
            if ids:
                ax.text(
                    c,
                    p + 0.05,
                    wrap(", ".join(ids), 12),
                    ha="center",
                    va="center",
                    fontsize=NORMAL_PT,
                    fontweight="bold",
                )
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_xticks(range(1, 6))
    ax.set_yticks(range(1, 6))
    ax.set_xlabel(
        t(
            lang,
            "Konsekvens (1 = svært liten, 5 = svært stor)",
            "Consequence (1 = very small, 5 = very large)",
        )
    )
    ax.set_ylabel(
        t(
            lang,
            "Sannsynlighet (1 = svært lav, 5 = svært høy)",
            "Probability (1 = very low, 5 = very high)",
        )
    )
    ax.set_aspect("equal")
    ax.spines[["left", "bottom"]].set_visible(False)
    ax.tick_params(length=0)
    ax.set_title(t(lang, "Risikomatrise", "Risk matrix"), loc="left")
    if not plan.risks:
        return Chart(
            fig,
            t(
                lang,
                "Risikomatrise: ingen risikoer er registrert.",
                "Risk matrix: no risks are registered.",
            ),
        )
    described = [
        f"{r.id} ({r.probability * r.consequence}, {risk_level(r.probability, r.consequence, lang)})"
        for r in risks_by_level(plan.risks)
    ]
    n = count_words(len(plan.risks), "risk", lang)
    alt = t(
        lang,
        f"Risikomatrise med {n}, høyest først: {join_words(described, lang)}.",
        f"Risk matrix with {n}, highest first: {join_words(described, lang)}.",
    )
    note = t(
        lang,
        "Risikonivået er sannsynlighet × konsekvens; lavere er bedre. Hver risiko står i tabellen under.",
        "The risk level is probability × consequence; lower is better. Each risk is in the table below.",
    )
    return Chart(fig, short_alt([alt], note))


# --------------------------------------------------------------------------- milestones


_TIMELINE_AXES_IN = 8.6
"""Width of the time line's axes (inches) in the 9.4-inch figure, for placing labels."""
_CHAR_IN = 0.085
"""Width of an average character of a 10-pt label (DejaVu Sans, bold), inches."""
_LINE_IN = 0.2
"""Height of one line of a 10-pt label with its box, inches: the unit of the y axis."""


def stagger_labels(
    x: Sequence[float], widths: Sequence[float], lines: Sequence[int], gap: float = 0.15
) -> list[tuple[float, float]]:
    """Where the labels of a time line go: (y, height) per label, y in text lines.

    Labels alternate above (y > 0, text upwards) and below (y < 0, downwards) the
    line; on each side a label goes to the lowest tier where it does not touch the
    labels already there (``x`` centre and ``widths`` in inches, ``gap`` between),
    so no two labels overlap however close the dates are. A tier is as high as its
    tallest label (``lines``) plus half a line; the first tier starts one line off
    the time line.
    """
    sides: dict[int, list[list[tuple[float, float, int]]]] = {1: [], -1: []}
    chosen: list[tuple[int, int]] = []
    for i, (cx, w, n) in enumerate(zip(x, widths, lines, strict=True)):
        side = 1 if i % 2 == 0 else -1
        tiers = sides[side]
        left, right = cx - w / 2, cx + w / 2
        for k, tier in enumerate(tiers):
            if all(right + gap <= a or left >= b + gap for a, b, _ in tier):
                tier.append((left, right, n))
                chosen.append((side, k))
                break
        else:
            tiers.append([(left, right, n)])
            chosen.append((side, len(tiers) - 1))
    bases: dict[tuple[int, int], float] = {}
    for side, tiers in sides.items():
        y = 1.0
        for k, tier in enumerate(tiers):
            bases[(side, k)] = y
            y += max(n for _, _, n in tier) + 0.5
    return [(side * bases[(side, k)], float(n)) for (side, k), n in zip(chosen, lines, strict=True)]


@_styled
def milestone_timeline(plan: Plan, as_of: dt.date, lang: str = "nb") -> Chart:
    """Milestones and decision points (BP1–BP5) on a time line, with the as-of date.

    Decision points are diamonds labelled with their BP, other milestones circles;
    filled when done, hollow when not (the legend says which), labels staggered.
    """
    p = plan.project
    items = sorted(plan.milestones, key=lambda m: (m.date, m.id))
    start = min([p.start_date, as_of, *(m.date for m in items)])
    end = max([p.end_date, as_of, *(m.date for m in items)])
    margin = dt.timedelta(days=max(45, (end - start).days // 12))
    lo, hi = start - margin, end + margin
    texts = []
    for m in items:
        head = f"{m.decision_point.value}: " if m.decision_point is not None else ""
        done = t(lang, " (gjennomført)", " (done)") if m.done else ""
        texts.append(f"{wrap(head + m.name, 24)}\n{fmt_date(m.date, lang)}{done}")
    span = max(1, (hi - lo).days)
    places = stagger_labels(
        [(m.date - lo).days / span * _TIMELINE_AXES_IN for m in items],
        [max(map(len, x.split("\n"))) * _CHAR_IN for x in texts],
        [x.count("\n") + 1 for x in texts],
    )
    up = max((y + h for y, h in places if y > 0), default=0.0)
    down = max((-y + h for y, h in places if y < 0), default=0.0)
    # the y axis counts text lines, so the figure grows with the stacked labels
    fig = Figure(figsize=(9.4, 1.7 + (up + down + 2.0) * _LINE_IN), layout="constrained")
    ax = fig.add_subplot()
    ax.axhspan(-0.35, 0.35, xmin=0, xmax=1, color="#F2F2F2", zorder=0)
    ax.plot(
        [p.start_date, p.end_date],
        [0, 0],
        color=BLUE,
        linewidth=6,
        solid_capstyle="butt",
        zorder=1,
        label=t(lang, "Prosjektperiode", "Project period"),
    )
    for m, label_text, (level, _height) in zip(items, texts, places, strict=True):
        is_dp = m.decision_point is not None
        colour = VERMILLION if is_dp else BLACK
        ax.plot([m.date, m.date], [0, level], color="#777777", linewidth=0.8, zorder=1)
        ax.plot(
            m.date,
            0,
            marker="D" if is_dp else "o",
            markersize=11 if is_dp else 8,
            markerfacecolor=colour if m.done else "white",
            markeredgecolor=colour,
            markeredgewidth=1.8,
            zorder=3,
        )
        ax.text(
            m.date,
            level,
            label_text,
            ha="center",
            va="bottom" if level > 0 else "top",
            fontsize=SMALL_PT,
            fontweight="bold" if is_dp else "normal",
            bbox={
                "boxstyle": "round,pad=0.2",
                "facecolor": "white",
                "edgecolor": "none",
                "alpha": 0.9,
            },
            zorder=5,
        )
    # flat along the free line under the lowest labels, on the side with room
    _as_of_line(ax, as_of, lang, right_side=(as_of - lo).days / span < 0.75)
    ax.set_ylim(-(down + 1.0), up + 1.0)
    ax.set_xlim(lo, hi)
    ax.set_yticks([])
    ax.spines[["left"]].set_visible(False)
    _date_axis(ax, lang)
    handles = [
        Line2D([], [], color=BLUE, linewidth=6, label=t(lang, "Prosjektperiode", "Project period"))
    ]
    for marker, size, colour, filled, label in (
        (
            "D",
            9,
            VERMILLION,
            True,
            t(lang, "Beslutningspunkt, gjennomført", "Decision point, done"),
        ),
        (
            "D",
            9,
            VERMILLION,
            False,
            t(lang, "Beslutningspunkt, gjenstår", "Decision point, pending"),
        ),
        ("o", 8, BLACK, True, t(lang, "Milepæl, nådd", "Milestone, reached")),
        ("o", 8, BLACK, False, t(lang, "Milepæl, gjenstår", "Milestone, pending")),
    ):
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker=marker,
                markersize=size,
                markerfacecolor=colour if filled else "white",
                markeredgecolor=colour,
                label=label,
            )
        )
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=SMALL_PT)
    ax.set_title(
        t(lang, "Milepæler og beslutningspunkter", "Milestones and decision points"), loc="left"
    )

    done = [m for m in items if m.done]
    pending = [m for m in items if not m.done]
    parts = [
        t(
            lang,
            f"Tidslinje for {p.name} fra {fmt_date(p.start_date, lang)} til {fmt_date(p.end_date, lang)}, per {fmt_date(as_of, lang)}.",
            f"Time line for {p.name} from {fmt_date(p.start_date, lang)} to {fmt_date(p.end_date, lang)}, as of {fmt_date(as_of, lang)}.",
        )
    ]
    if not items:
        parts.append(t(lang, "Ingen milepæler er registrert.", "No milestones are registered."))
        return Chart(fig, short_alt(parts))
    late = [m for m in pending if m.date < as_of]
    parts.append(
        t(
            lang,
            f"{len(done)} av {len(items)} milepæler er gjennomført, {len(pending)} gjenstår"
            + (f", {len(late)} av dem med passert dato." if late else "."),
            f"{len(done)} of {len(items)} milestones are done, {len(pending)} pending"
            + (f", {len(late)} of them past their date." if late else "."),
        )
    )
    nxt = [m for m in pending if m.date >= as_of]
    if nxt:
        parts.append(t(lang, f"Neste: {_milestone_words(nxt[0], lang)}.", f"Next: {_milestone_words(nxt[0], lang)}."))
    return Chart(fig, short_alt(parts, _table_note(lang)))


def _milestone_words(m: Any, lang: str) -> str:
    head = f"{m.decision_point.value} " if m.decision_point is not None else ""
    return (
        f"{head}«{m.name}» {fmt_date(m.date, lang)}"
        if lang != "en"
        else f"{head}'{m.name}' {fmt_date(m.date, lang)}"
    )


# --------------------------------------------------------------------------- benefits


def _kind_title(kind: str, lang: str) -> str:
    """``Gevinst``, ``Ulempe``, ``Resultatmål``, ``Effektmål`` (en: ``Benefit`` …) to start a label."""
    return noun(kind, 1, lang).capitalize()


def _q(text: str, lang: str) -> str:
    """Quote plan text: «…» in Norwegian, '…' in English; no full stop inside the quotes."""
    text = str(text).rstrip().rstrip(".")
    return f"'{text}'" if lang == "en" else f"«{text}»"


def _percent_axis(ax: Any, lang: str, axis: str = "x") -> None:
    formatter = FuncFormatter(lambda v, _p: fmt_percent(v, lang, 0))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(formatter)


@_styled
def benefit_chart(
    item: Benefit | ResultGoal,
    status: Any,
    measurements: Iterable[Measurement],
    lang: str = "nb",
) -> Chart:
    """One benefit (or resultatmål) against its plan.

    The planned trajectory (solid line, from :func:`tracking.planned_trajectory`),
    the measurements up to the as-of date (points with the status's colour *and*
    marker), the linear trend (:func:`tracking.forecast`) drawn dashed to the
    target date, the target (a star) and the as-of date (dotted line).
    ``status`` is the item's :class:`~gevinst.model.tracking.ItemStatus`.
    """
    as_of = status.as_of
    own = tracking.item_measurements(item, measurements, as_of)
    start = item.baseline_date
    end = (
        max(status.target_date, as_of, *(m.date for m in own))
        if own
        else max(status.target_date, as_of)
    )
    span = (end - start).days
    end_plot = end + dt.timedelta(days=max(30, span // 25))
    step = max(1, (end_plot - start).days // 240)
    dates = [start + dt.timedelta(days=k) for k in range(0, (end_plot - start).days + 1, step)]
    planned = tracking.planned_trajectory(item, dates)

    fig = Figure(figsize=(8.0, 4.0), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(dates, planned, color=BLUE, linewidth=2, label=t(lang, "Plan", "Plan"), zorder=2)
    ax.plot(
        [start],
        [item.baseline],
        marker="o",
        markersize=7,
        markerfacecolor="white",
        markeredgecolor=BLUE,
        linestyle="none",
        zorder=3,
        label=t(lang, "Nullpunkt", "Baseline"),
    )
    star_date, star_value = target_on_plan(item, status.target_date, dates, planned)
    ax.plot(
        [star_date],
        [star_value],
        marker="*",
        markersize=15,
        color=BLUE,
        markeredgecolor=BLACK,
        linestyle="none",
        zorder=4,
        label=t(
            lang,
            f"Mål {fmt_date(star_date, lang)}",
            f"Target {fmt_date(star_date, lang)}",
        ),
    )
    fc = status.forecast or tracking.forecast(item, own, as_of)
    if fc.method == "trend" and fc.window_start is not None:
        span = (fc.target_date - fc.window_start).days
        days = [fc.window_start + dt.timedelta(days=round(span * k / 40)) for k in range(41)]
        ax.plot(
            days,
            [fc.value_at(day) for day in days],
            color=BLACK,
            linestyle="--",
            linewidth=1.3,
            zorder=2,
            label=t(lang, "Prognose (trend siste målinger)", "Forecast (recent trend)"),
        )
    if own:
        st = status.status
        ax.plot(
            [m.date for m in own],
            [m.value for m in own],
            **_status_points(st),
            zorder=5,
            label=t(
                lang,
                f"Målinger – status {status_label(st, lang)}",
                f"Measurements – status {status_label(st, lang)}",
            ),
        )
    _as_of_line(ax, as_of, lang)
    _date_axis(ax, lang)
    ax.yaxis.set_major_formatter(
        FuncFormatter(lambda v, _p: fmt_number(v, 0 if abs(v) >= 10 else 1, lang))
    )
    ax.set_ylabel(wrap(status.unit or item.indicator, 30))
    ax.set_xlim(start - dt.timedelta(days=max(15, span // 40)), end_plot)
    kind = _kind_title(status.kind, lang)
    ax.set_title(wrap(f"{kind} {item.id}: {status.name}", 70), loc="left")
    badge = f"{status_label(status.status, lang)}"
    if status.realised_share is not None:
        badge += t(
            lang,
            f" – realisert {fmt_percent(status.realised_share, lang, 0)}, planlagt {fmt_percent(status.planned_share, lang, 0)}",
            f" – realised {fmt_percent(status.realised_share, lang, 0)}, planned {fmt_percent(status.planned_share, lang, 0)}",
        )
    ax.text(
        1.02,
        0.0,
        wrap(badge, 28),
        transform=ax.transAxes,
        fontsize=SMALL_PT,
        fontweight="bold",
        va="bottom",
        bbox={
            "boxstyle": "round,pad=0.3",
            "facecolor": "white",
            "edgecolor": STATUS_COLOUR[status.status],
        },
    )
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=SMALL_PT)
    ax.grid(axis="y", color="#E5E5E5", linewidth=0.6)
    return Chart(fig, _benefit_alt(item, status, fc, lang), _benefit_data(item, status, own, lang))


def target_on_plan(
    item: Any, target_date: dt.date, dates: Sequence[dt.date], planned: Sequence[float]
) -> tuple[dt.date, float]:
    """Where the target star goes: on the plan line, where the plan reaches the target.

    Usually that is the target date. A dis-benefit whose profile rises to a peak and
    falls again (e.g. fractions 0.6, 1.0, 0.5, 0.2) reaches its target (the peak) before
    the end of its window: the star goes to the first plotted date where the plan is
    nearest the target, so it never floats off the line.
    """
    at_date = tracking.planned_trajectory(item, [target_date])[0]
    scale = max(abs(item.target - item.baseline), 1e-9)
    if abs(at_date - item.target) <= 1e-6 * scale or not dates:
        return target_date, at_date
    k = min(range(len(dates)), key=lambda i: (abs(planned[i] - item.target), i))
    return dates[k], float(planned[k])


def _status_words(status: Any, lang: str) -> str:
    """The progress and the freshness in words, without symbols (for alt text)."""
    word = status_text.status_word(status.status, lang)
    late = status_text.overdue_text(status, lang)
    return f"{word[:1].upper()}{word[1:]}" + (f", {late}" if late else "")


def _benefit_alt(item: Any, status: Any, fc: Any, lang: str) -> str:
    """A short summary: status, the latest measurement against the plan, the target."""
    kind = _kind_title(status.kind, lang)
    unit = status.unit
    parts = [
        t(
            lang,
            f"{kind} {item.id} {_q(status.name, lang)}: {_status_words(status, lang)}.",
            f"{kind} {item.id} {_q(status.name, lang)}: {_status_words(status, lang)}.",
        )
    ]
    if status.latest_value is None:
        parts.append(t(lang, "Ingen målinger ennå.", "No measurements yet."))
    else:
        judged = getattr(status, "planned_share_judged", None)
        parts.append(
            t(
                lang,
                f"Siste måling er {_plain(status.latest_value, unit, lang)} ({fmt_date(status.latest_date, lang)}): {fmt_percent(status.realised_share, lang, 0)} av endringen er realisert, mot {fmt_percent(judged, lang, 0)} planlagt.",
                f"The latest measurement is {_plain(status.latest_value, unit, lang)} ({fmt_date(status.latest_date, lang)}): {fmt_percent(status.realised_share, lang, 0)} of the change realised against {fmt_percent(judged, lang, 0)} planned.",
            )
        )
    parts.append(
        t(
            lang,
            f"Målet er {_plain(status.target, unit, lang)} innen {fmt_date(status.target_date, lang)}.",
            f"The target is {_plain(status.target, unit, lang)} by {fmt_date(status.target_date, lang)}.",
        )
    )
    return short_alt(parts, _table_note(lang, "data"))


def _benefit_data(item: Any, status: Any, own: Sequence[Measurement], lang: str) -> Any:
    """The chart's numbers: each measurement beside the plan on its date."""
    days = [m.date for m in own]
    planned = tracking.planned_trajectory(item, days) if days else []
    rows = [
        [fmt_date(m.date, lang), fmt_value(m.value, lang), fmt_value(p, lang)]
        for m, p in zip(own, planned, strict=True)
    ]
    unit = f" ({status.unit})" if status.unit else ""
    data = _frame(
        rows,
        [t(lang, "Dato", "Date"), t(lang, "Målt", "Measured") + unit, t(lang, "Plan", "Plan") + unit],
        [t(lang, "Målt", "Measured") + unit, t(lang, "Plan", "Plan") + unit],
        caption=t(lang, f"{item.id}: målinger mot plan", f"{item.id}: measurements against plan"),
    )
    data.attrs["lang"] = lang
    return data


def _plain(value: float | None, unit: str, lang: str) -> str:
    if value is None:
        return "–"
    return f"{fmt_value(value, lang)} {unit}".strip()


def benefit_charts(
    plan: Plan,
    measurements: Iterable[Measurement],
    statuses: Sequence[Any],
    lang: str = "nb",
    *,
    kinds: Sequence[str] = ("benefit", "disbenefit"),
) -> list[Chart]:
    """:func:`benefit_chart` for every benefit and ulempe of the plan with a status, in plan order."""
    items = plan.measurable()
    ms = list(measurements)
    return [
        benefit_chart(items[s.id], s, ms, lang)
        for s in statuses
        if s.kind in kinds and s.id in items
    ]


@_styled
def result_progress(
    statuses: Sequence[Any], lang: str = "nb", *, kinds: Sequence[str] = ("result",)
) -> Chart:
    """Resultatmål progress: realised share (bar, status colour) against planned share (black tick).

    The status symbol and word are written at the end of each bar.
    """
    rows = [s for s in statuses if s.kind in kinds]
    fig = Figure(figsize=(8.0, 1.2 + 0.62 * max(1, len(rows))), layout="constrained")
    ax = fig.add_subplot()
    labels = [wrap(f"{s.id} {s.name}", 34) for s in rows]
    ypos = list(range(len(rows)))
    right = 1.0
    for y, s in zip(ypos, rows, strict=True):
        realised = s.realised_share if s.realised_share is not None else 0.0
        right = max(right, realised, s.planned_share)
        ax.barh(
            y, realised, height=0.55, color=STATUS_COLOUR[s.status], edgecolor=BLACK, linewidth=0.6
        )
        ax.plot(
            [s.planned_share, s.planned_share], [y - 0.38, y + 0.38], color=BLACK, linewidth=2.5
        )
        text = status_label(s.status, lang)
        if s.realised_share is not None:
            text += f": {fmt_percent(s.realised_share, lang, 0)}"
        text += f" (plan {fmt_percent(s.planned_share, lang, 0)})"  # "plan" in both languages
        ax.text(max(realised, s.planned_share, 0) + 0.02, y, text, va="center", fontsize=SMALL_PT)
    ax.set_yticks(ypos, labels)
    ax.invert_yaxis()
    ax.set_xlim(min(0.0, *(s.realised_share or 0 for s in rows)) if rows else 0.0, right * 1.6)
    ax.axvline(1.0, color="#777777", linewidth=0.8, linestyle=":")
    _percent_axis(ax, lang)
    ax.set_xlabel(
        t(
            lang,
            "Andel av planlagt endring (100 % = målet nådd)",
            "Share of the planned change (100 % = target reached)",
        )
    )
    handles = [
        Line2D(
            [],
            [],
            color=BLACK,
            linewidth=2.5,
            label=t(lang, "Planlagt andel per i dag", "Planned share by now"),
        )
    ]
    handles += _status_handles([k for k in STATUS_ORDER if any(s.status == k for s in rows)], lang)
    fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=SMALL_PT)
    title = (
        t(lang, "Resultatmål: realisert mot planlagt", "Result goals: realised against planned")
        if kinds == ("result",)
        else t(lang, "Realisert mot planlagt", "Realised against planned")
    )
    ax.set_title(title, loc="left")
    if not rows:
        return Chart(
            fig, t(lang, "Ingen resultatmål er registrert.", "No result goals are registered.")
        )
    counts = tracking.status_counts(rows)
    parts = status_count_parts(counts, lang, symbols=False)
    head = t(lang, "Resultatmål per ", "Result goals as of ") + fmt_date(rows[0].as_of, lang)
    sentence = f"{head}: {join_words(parts, lang)}."
    return Chart(fig, short_alt([sentence], _table_note(lang, "over")))


# --------------------------------------------------------------------------- cost/benefit


def _years_span(years: Sequence[int]) -> str:
    return f"{years[0]}–{years[-1]}" if years[-1] != years[0] else str(years[0])


def _runs(years: Sequence[int], mask: Sequence[bool]) -> list[str]:
    """Consecutive years where ``mask`` holds, as ``2024–2026`` strings."""
    out, start, prev = [], None, None
    for y, m in zip(years, mask, strict=True):
        if m and start is None:
            start = y
        if not m and start is not None:
            out.append(_years_span([start, prev]))
            start = None
        prev = y
    if start is not None:
        out.append(_years_span([start, prev]))
    return out


def _years_and_millions(ax: Any, years: Sequence[int], lang: str) -> None:
    """Calendar years along x (upright up to 12 years), millions of kroner up y, light grid."""
    ax.yaxis.set_major_formatter(_mill_formatter(lang))
    ax.set_ylabel(_mill_label(lang))
    ax.set_xticks(years, [str(y) for y in years], rotation=0 if len(years) <= 12 else 90)
    ax.grid(axis="y", color="#E5E5E5", linewidth=0.6)
    ax.set_axisbelow(True)


@_styled
def cash_flow(cba: Any, lang: str = "nb") -> Chart:
    """Costs (down, by category) and benefits (up, with the cash part) per year, and the net.

    From ``cba.per_year`` (real NOK of the price year, not discounted). Each
    category has its own colour *and* hatch; the net is a black line with markers.
    """
    py = cba.per_year
    years = [int(y) for y in py["year"]]
    fig = Figure(figsize=(9.0, 4.6), layout="constrained")
    ax = fig.add_subplot()
    ax.bar(
        years,
        py["benefits_gross"],
        width=0.7,
        color=GREEN,
        edgecolor=BLACK,
        linewidth=0.5,
        label=t(lang, "Gevinster", "Benefits"),
    )
    if (py["benefits_gross_cash"] > 0).any():
        ax.bar(
            years,
            py["benefits_gross_cash"],
            width=0.35,
            color="white",
            edgecolor=BLACK,
            hatch="///",
            linewidth=0.5,
            label=t(lang, "herav kontantgevinster", "of which cash benefits"),
        )
    bottom = [0.0] * len(years)
    parts = [
        ("cost_investment", VERMILLION, "", t(lang, "Investering", "Investment")),
        ("cost_operation", ORANGE, "..", t(lang, "Drift", "Operation")),
        ("cost_internal", YELLOW, "xx", t(lang, "Egeninnsats", "Internal effort")),
        (
            "tax_financing_cost",
            PURPLE,
            "\\\\",
            t(lang, "Skattefinansieringskostnad", "Tax financing cost"),
        ),
        ("disbenefits", GREY, "--", t(lang, "Ulemper", "Dis-benefits")),
    ]
    for col, colour, hatch, label in parts:
        values = [-float(v) for v in py[col]]
        if not any(values):
            continue
        ax.bar(
            years,
            values,
            width=0.7,
            bottom=bottom,
            color=colour,
            edgecolor=BLACK,
            hatch=hatch,
            linewidth=0.5,
            label=label,
        )
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.plot(years, py["net"], color=BLACK, marker="o", linewidth=1.8, label=t(lang, "Netto", "Net"))
    ax.axhline(0, color=BLACK, linewidth=0.8)
    _years_and_millions(ax, years, lang)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=SMALL_PT)
    ax.set_title(
        t(
            lang,
            f"Kontantstrøm per år (forventede verdier, faste {cba.price_year}-kroner, udiskontert)",
            f"Cash flow per year (expected values, real {cba.price_year} NOK, undiscounted)",
        ),
        loc="left",
    )

    costs = [float(v) for v in py["costs"]]
    benefits = [float(v) for v in py["benefits"]]
    net = [float(v) for v in py["net"]]
    peak_cost = max(range(len(years)), key=lambda i: costs[i])
    peak_benefit = max(range(len(years)), key=lambda i: benefits[i])
    alt = [
        t(
            lang,
            f"Kontantstrøm per år {_years_span(years)} i faste {cba.price_year}-kroner.",
            f"Cash flow per year {_years_span(years)} in real {cba.price_year} NOK.",
        ),
        t(
            lang,
            f"Kostnadene er størst i {years[peak_cost]} ({fmt_nok(costs[peak_cost], lang, short=True)}), nytten er størst i {years[peak_benefit]} ({fmt_nok(benefits[peak_benefit], lang, short=True)}).",
            f"Costs peak in {years[peak_cost]} ({fmt_nok(costs[peak_cost], lang, short=True)}), benefits peak in {years[peak_benefit]} ({fmt_nok(benefits[peak_benefit], lang, short=True)}).",
        ),
    ]
    neg = _runs(years, [n < 0 for n in net])
    pos = _runs(years, [n > 0 for n in net])
    if neg:
        alt.append(
            t(
                lang,
                f"Netto er negativ i {join_words(neg, lang)}",
                f"The net is negative in {join_words(neg, lang)}",
            )
            + (
                t(
                    lang,
                    f" og positiv i {join_words(pos, lang)}.",
                    f" and positive in {join_words(pos, lang)}.",
                )
                if pos
                else "."
            )
        )
    elif pos:
        alt.append(
            t(
                lang,
                f"Netto er positiv i {join_words(pos, lang)}.",
                f"The net is positive in {join_words(pos, lang)}.",
            )
        )
    alt.append(
        t(
            lang,
            f"Sum netto over perioden, udiskontert: {fmt_nok(float(py['cumulative_net'].iloc[-1]), lang, short=True)}.",
            f"Total net over the period, undiscounted: {fmt_nok(float(py['cumulative_net'].iloc[-1]), lang, short=True)}.",
        )
    )
    return Chart(fig, short_alt(alt, _table_note(lang)))


@_styled
def cumulative_discounted(cba: Any, lang: str = "nb") -> Chart:
    """The cumulative discounted net flow (akkumulert nåverdi) per year; its end is the NPV."""
    py = cba.per_year
    years = [int(y) for y in py["year"]]
    cum = [float(v) for v in py["cumulative_present_value"]]
    fig = Figure(figsize=(9.0, 4.0), layout="constrained")
    ax = fig.add_subplot()
    ax.bar(
        years,
        py["present_value"],
        width=0.6,
        color=SKY,
        edgecolor=BLACK,
        linewidth=0.4,
        label=t(lang, "Nåverdi av årets netto", "Present value of the year's net"),
    )
    ax.plot(
        years,
        cum,
        color=BLUE,
        marker="o",
        linewidth=2.2,
        label=t(lang, "Akkumulert nåverdi", "Cumulative present value"),
    )
    ax.axhline(0, color=BLACK, linewidth=0.8)
    if cba.discounted_payback_year is not None:
        ax.axvline(
            cba.discounted_payback_year,
            color=GREEN,
            linestyle="--",
            linewidth=1.4,
            label=t(
                lang,
                f"Diskontert nedbetalt {cba.discounted_payback_year}",
                f"Discounted payback {cba.discounted_payback_year}",
            ),
        )
    ax.annotate(
        t(
            lang,
            f"NNV {fmt_nok(cba.npv, lang, short=True)}",
            f"NPV {fmt_nok(cba.npv, lang, short=True)}",
        ),
        xy=(years[-1], cum[-1]),
        xytext=(6, 0),
        textcoords="offset points",
        va="center",
        fontsize=SMALL_PT,
        fontweight="bold",
    )
    _years_and_millions(ax, years, lang)
    ax.set_xlim(years[0] - 0.6, years[-1] + 1.6)
    ax.legend(loc="upper left", fontsize=SMALL_PT)
    ax.set_title(
        t(lang, "Akkumulert diskontert kontantstrøm", "Cumulative discounted cash flow"), loc="left"
    )
    low = min(range(len(years)), key=lambda i: cum[i])
    alt = t(
        lang,
        f"Akkumulert nåverdi {_years_span(years)}: lavest i {years[low]} ({fmt_nok(cum[low], lang, short=True)}), og ved periodens slutt {fmt_nok(cba.npv, lang, short=True)}, som er netto nåverdi.",
        f"Cumulative present value {_years_span(years)}: lowest in {years[low]} ({fmt_nok(cum[low], lang, short=True)}), and at the end of the period {fmt_nok(cba.npv, lang, short=True)}, the net present value.",
    )
    if cba.discounted_payback_year is not None:
        alt += t(
            lang,
            f" Investeringen er diskontert nedbetalt i {cba.discounted_payback_year}.",
            f" The investment pays back, discounted, in {cba.discounted_payback_year}.",
        )
    else:
        alt += t(
            lang,
            " Investeringen er ikke diskontert nedbetalt innen analyseperioden.",
            " The investment does not pay back, discounted, within the analysis period.",
        )
    return Chart(fig, short_alt(sentences(alt), _table_note(lang, "under")))


@_styled
def tornado(cba: Any, lang: str = "nb", *, max_rows: int = 10) -> Chart:
    """Sensitivity (tornado): the NPV with each input at its low and its high value.

    The widest bars first (at most ``max_rows``); low-value bars are blue and
    plain, high-value bars orange and hatched; the base NPV is the centre line.
    """
    rows = sensitivity_rows(cba)[:max_rows]
    fig = Figure(figsize=(9.0, 1.4 + 0.45 * max(1, len(rows))), layout="constrained")
    ax = fig.add_subplot()
    base = cba.npv
    labels = []
    for y, r in enumerate(rows):
        labels.append(wrap(sensitivity_label(r, lang), 40))
        ax.barh(
            y, r.low_npv - base, left=base, height=0.6, color=SKY, edgecolor=BLACK, linewidth=0.5
        )
        ax.barh(
            y,
            r.high_npv - base,
            left=base,
            height=0.6,
            color=ORANGE,
            edgecolor=BLACK,
            hatch="//",
            linewidth=0.5,
        )
    ax.axvline(base, color=BLACK, linewidth=1.2)
    ax.axvline(0, color=VERMILLION, linewidth=1.0, linestyle=":")
    ax.set_yticks(range(len(rows)), labels)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(_mill_formatter(lang))
    ax.set_xlabel(t(lang, "Netto nåverdi, millioner kroner", "Net present value, NOK million"))
    handles = [
        Patch(
            facecolor=SKY,
            edgecolor=BLACK,
            label=t(lang, "Forutsetning ved lav verdi", "Input at low value"),
        ),
        Patch(
            facecolor=ORANGE,
            edgecolor=BLACK,
            hatch="//",
            label=t(lang, "Forutsetning ved høy verdi", "Input at high value"),
        ),
        Line2D(
            [],
            [],
            color=BLACK,
            label=t(
                lang,
                f"Forventet NNV {fmt_nok(base, lang, short=True)}",
                f"Expected NPV {fmt_nok(base, lang, short=True)}",
            ),
        ),
        Line2D([], [], color=VERMILLION, linestyle=":", label=t(lang, "NNV = 0", "NPV = 0")),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=4, fontsize=SMALL_PT)
    ax.set_title(
        t(
            lang,
            "Følsomhet: netto nåverdi når én forutsetning endres",
            "Sensitivity: NPV when one input changes",
        ),
        loc="left",
    )
    if not rows:
        return Chart(
            fig,
            t(
                lang,
                "Ingen følsomhetsanalyse er tilgjengelig.",
                "No sensitivity analysis is available.",
            ),
        )
    described = []
    for r in rows[:3]:
        label = sensitivity_label(r, lang)
        lo, hi = sorted([r.low_npv, r.high_npv])
        described.append(
            t(
                lang,
                f"{_q(label, lang)} (NNV fra {fmt_nok(lo, lang, short=True)} til {fmt_nok(hi, lang, short=True)})",
                f"{_q(label, lang)} (NPV from {fmt_nok(lo, lang, short=True)} to {fmt_nok(hi, lang, short=True)})",
            )
        )
    crosses = [r for r in rows if min(r.low_npv, r.high_npv) < 0 < max(r.low_npv, r.high_npv)]
    alt = t(
        lang,
        f"Følsomhetsanalyse rundt planens netto nåverdi {fmt_nok(base, lang, short=True)}. Størst utslag gir {join_words(described, lang)}.",
        f"Sensitivity around the plan's NPV of {fmt_nok(base, lang, short=True)}. The largest effects come from {join_words(described, lang)}.",
    )
    if crosses:
        names = join_words([_q(sensitivity_label(r, lang), lang) for r in crosses], lang)
        alt += t(
            lang,
            f" Nåverdien skifter fortegn innenfor utfallsrommet for {names}.",
            f" The NPV changes sign within the range of {names}.",
        )
    else:
        alt += t(
            lang,
            " Ingen enkeltforutsetning alene gjør at nåverdien skifter fortegn.",
            " No single input on its own changes the sign of the NPV.",
        )
    return Chart(fig, short_alt(sentences(alt), _table_note(lang, "under")))


@_styled
def monte_carlo_histogram(cba: Any, lang: str = "nb") -> Chart:
    """The Monte Carlo distribution of the NPV with P10, P50, P85 and P90 marked.

    Each P-value has its own line style and its value in the legend; the share
    of draws with NPV > 0 is written in the figure.
    """
    mc = cba.monte_carlo
    fig = Figure(figsize=(9.0, 4.2), layout="constrained")
    ax = fig.add_subplot()
    if mc is None:
        ax.axis("off")
        note = t(
            lang, "Monte Carlo-simulering er ikke kjørt.", "Monte Carlo simulation was not run."
        )
        ax.text(0.5, 0.5, note, ha="center", va="center")
        return Chart(fig, note)
    ax.hist(mc.npv, bins=60, color=SKY, edgecolor="white", linewidth=0.3)
    ax.axvline(0, color=VERMILLION, linewidth=1.8, label=t(lang, "NNV = 0", "NPV = 0"))
    for value, style, name in (
        (mc.p10, ":", "P10"),
        (mc.p15, "--", t(lang, "P15 (85 % minst)", "P15 (85 % at least)")),
        (mc.p50, "-", "P50"),
        (mc.p90, "-.", "P90"),
    ):
        ax.axvline(
            value,
            color=BLACK,
            linestyle=style,
            linewidth=1.5,
            label=f"{name}: {fmt_nok(value, lang, short=True)}",
        )
    ax.plot(
        [],
        [],
        linestyle="none",
        label=t(
            lang,
            f"P(NNV > 0): {fmt_percent(mc.prob_positive, lang, 0)}",
            f"P(NPV > 0): {fmt_percent(mc.prob_positive, lang, 0)}",
        ),
    )
    ax.xaxis.set_major_formatter(_mill_formatter(lang))
    ax.set_xlabel(t(lang, "Netto nåverdi, millioner kroner", "Net present value, NOK million"))
    ax.set_ylabel(t(lang, "Antall trekk", "Number of draws"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=SMALL_PT)
    ax.set_title(
        t(
            lang,
            f"Usikkerhet i netto nåverdi ({fmt_number(mc.draws, 0, lang)} trekk)",
            f"Uncertainty in the NPV ({fmt_number(mc.draws, 0, lang)} draws)",
        ),
        loc="left",
    )
    alt = t(
        lang,
        f"Fordelingen av netto nåverdi over {fmt_number(mc.draws, 0, lang)} simuleringer: median {fmt_nok(mc.p50, lang, short=True)}; med 85 % sannsynlighet minst {fmt_nok(mc.p15, lang, short=True)}. Sannsynligheten for positiv nåverdi er {fmt_percent(mc.prob_positive, lang, 0)}.",
        f"The distribution of the NPV over {fmt_number(mc.draws, 0, lang)} simulations: median {fmt_nok(mc.p50, lang, short=True)}; at least {fmt_nok(mc.p15, lang, short=True)} with 85 % probability. The probability of a positive NPV is {fmt_percent(mc.prob_positive, lang, 0)}.",
    )
    return Chart(fig, short_alt(sentences(alt), _table_note(lang)))


@_styled
def municipality_bars(cba: Any, lang: str = "nb") -> Chart:
    """Per kommune: costs and benefits (present values) as paired bars, the NPV as a diamond."""
    ms = list(cba.municipalities)
    fig = Figure(figsize=(9.0, 1.4 + 0.5 * max(1, len(ms))), layout="constrained")
    ax = fig.add_subplot()
    for y, m in enumerate(ms):
        ax.barh(y - 0.18, m.benefits, height=0.34, color=GREEN, edgecolor=BLACK, linewidth=0.5)
        ax.barh(
            y + 0.18,
            -m.costs,
            height=0.34,
            color=VERMILLION,
            edgecolor=BLACK,
            hatch="//",
            linewidth=0.5,
        )
        ax.plot(m.npv, y, marker="D", color=BLACK, markersize=7)
    ax.axvline(0, color=BLACK, linewidth=0.8)
    ax.set_yticks(
        range(len(ms)), [wrap(f"{m.name} ({fmt_percent(m.share, lang, 0)})", 30) for m in ms]
    )
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(_mill_formatter(lang))
    ax.set_xlabel(t(lang, "Nåverdi, millioner kroner", "Present value, NOK million"))
    handles = [
        Patch(facecolor=GREEN, edgecolor=BLACK, label=t(lang, "Nytte", "Benefits")),
        Patch(
            facecolor=VERMILLION,
            edgecolor=BLACK,
            hatch="//",
            label=t(lang, "Kostnader (vist negativt)", "Costs (shown negative)"),
        ),
        Line2D(
            [],
            [],
            linestyle="none",
            marker="D",
            color=BLACK,
            label=t(lang, "Netto nåverdi", "Net present value"),
        ),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=SMALL_PT)
    ax.set_title(
        t(
            lang,
            "Per kommune (andel i fordelingsnøkkelen)",
            "Per municipality (share in the cost-sharing key)",
        ),
        loc="left",
    )
    if not ms:
        return Chart(fig, t(lang, "Ingen kommunefordeling.", "No split between municipalities."))
    best = max(ms, key=lambda m: m.npv)
    worst = min(ms, key=lambda m: m.npv)
    negative = [m.name for m in ms if m.npv < 0]
    alt = t(
        lang,
        f"Kostnader, nytte og netto nåverdi for {len(ms)} kommuner. Høyest netto nåverdi har {best.name} ({fmt_nok(best.npv, lang, short=True)}), lavest {worst.name} ({fmt_nok(worst.npv, lang, short=True)}).",
        f"Costs, benefits and NPV for {len(ms)} municipalities. The highest NPV is {best.name}'s ({fmt_nok(best.npv, lang, short=True)}), the lowest {worst.name}'s ({fmt_nok(worst.npv, lang, short=True)}).",
    )
    if negative:
        alt += t(
            lang,
            f" Negativ netto nåverdi: {join_words(negative, lang)}.",
            f" Negative NPV: {join_words(negative, lang)}.",
        )
    else:
        alt += t(
            lang,
            " Alle kommunene har positiv netto nåverdi.",
            " Every municipality has a positive NPV.",
        )
    return Chart(fig, short_alt(sentences(alt), _table_note(lang, "over")))


# --------------------------------------------------------------------------- portfolio


def _npv_and_nok_panels(
    lines: Sequence[Any], labels: Sequence[str], row_height: float, lang: str
) -> tuple[Figure, Any, Any]:
    """Two panels sharing one row per portfolio line (a project or a kommune).

    Left the NPV (blue, or vermilion and hatched when negative; "ikke beregnet"
    when missing), right the planned NOK so far as an outline with the realised
    NOK as a filled bar inside; both axes in millions of kroner.
    """
    fig = Figure(figsize=(9.4, 1.6 + row_height * max(1, len(lines))), layout="constrained")
    ax_npv, ax_nok = fig.subplots(1, 2, sharey=True)
    for y, line in enumerate(lines):
        if line.npv is not None:
            neg = line.npv < 0
            ax_npv.barh(
                y,
                line.npv,
                height=0.6,
                color=VERMILLION if neg else BLUE,
                hatch="//" if neg else "",
                edgecolor=BLACK,
                linewidth=0.5,
            )
        else:
            ax_npv.text(0, y, t(lang, " ikke beregnet", " not computed"), va="center", fontsize=SMALL_PT)
        ax_nok.barh(
            y, line.planned_nok, height=0.6, facecolor="white", edgecolor=BLACK, linewidth=1.0
        )
        ax_nok.barh(y, line.realised_nok, height=0.36, color=GREEN, edgecolor=BLACK, linewidth=0.5)
    ax_npv.axvline(0, color=BLACK, linewidth=0.8)
    ax_npv.set_yticks(range(len(lines)), labels)
    ax_npv.invert_yaxis()
    for ax in (ax_npv, ax_nok):
        ax.xaxis.set_major_formatter(_mill_formatter(lang))
        ax.set_xlabel(_mill_label(lang))
    return fig, ax_npv, ax_nok




def _row_label(text: str, width: int = 28) -> str:
    """A project's name as a row label: at most three lines, cut with … (the table under
    the chart has the whole name); :func:`_row_height` gives the row the room it needs."""
    return "\n".join(
        textwrap.wrap(str(text), width=width, max_lines=3, placeholder=" …", break_long_words=True)
    )


def _row_height(labels: Sequence[str]) -> float:
    """Inches per row: 0,55 for labels of one or two lines, 0,62 when one has three
    (3 × 10,5 pt × 1,2 = 0,53 in), so no label runs into the next."""
    return 0.62 if any(label.count("\n") >= 2 for label in labels) else 0.55


def _rest_label(n: int, lang: str) -> str:
    return t(lang, f"Øvrige {n} prosjekter", f"Other {n} projects")


def _npv_order(lines: Sequence[Any]) -> list[Any]:
    """Highest NPV first; projects without an NPV last (in their plan order)."""
    known = sorted((x for x in lines if x.npv is not None), key=lambda x: (-x.npv, x.key))
    return known + [x for x in lines if x.npv is None]


def _overview_rows(lines: Sequence[Any], max_rows: int) -> tuple[list[Any], Any, int]:
    """(the lines to draw, the rest as one combined line or None, where the rest goes).

    Up to ``max_rows`` projects: every project, in plan order. Above it: the
    ``max_rows − 1`` projects that stand out, about two thirds with the highest NPV and
    one third with the lowest, sorted by NPV, with the combined rest between them.
    """
    if len(lines) <= max_rows:
        return list(lines), None, -1
    ordered = _npv_order(lines)
    known = [x for x in ordered if x.npv is not None]
    shown = max_rows - 1
    if len(known) <= shown:
        head, tail = known, []
    else:
        head, tail = known[: shown - shown // 3], known[len(known) - shown // 3 :]
    picked = {id(x) for x in head + tail}
    rest = [x for x in ordered if id(x) not in picked]
    return [*head, *tail], combine(rest, "rest"), len(head)


@_styled
def portfolio_overview(rollup: Any, lang: str = "nb", *, max_rows: int = PORTFOLIO_MAX_ROWS) -> Chart:
    """Per project: the NPV (left) and planned against realised benefits in NOK to date (right).

    From a :class:`gevinst.model.portfolio.Rollup`. Negative NPVs are hatched as
    well as coloured; realised NOK is a filled bar inside the planned NOK outline.
    Above ``max_rows`` projects (:data:`PORTFOLIO_MAX_ROWS`) the chart draws the
    projects with the highest and the lowest NPV, sorted by NPV, and between them one
    row for the rest: their average per project (sum ÷ number, so it is on the same
    scale as a project; its realised share is the rest's sum realised ÷ sum planned),
    drawn in a lighter colour; the roll-up table under it has every project.
    """
    all_lines = list(rollup.projects)
    lines, rest, at = _overview_rows(all_lines, max_rows)
    n_rest = len(all_lines) - len(lines)
    labels = [_row_label(line.name or line.key) for line in lines]
    drawn = list(lines)
    if rest is not None:
        with_npv = sum(1 for x in all_lines if x.npv is not None) - sum(
            1 for x in lines if x.npv is not None
        )
        mean = Line(
            "rest",
            npv=rest.npv / with_npv if rest.npv is not None and with_npv else None,
            planned_nok=rest.planned_nok / n_rest,
            realised_nok=rest.realised_nok / n_rest,
        )
        drawn.insert(at, mean)
        labels.insert(
            at,
            _row_label(_rest_label(n_rest, lang) + t(lang, ", snitt per prosjekt", ", average per project")),
        )
    fig, ax_npv, ax_nok = _npv_and_nok_panels(drawn, labels, _row_height(labels), lang)
    for y, line in enumerate(drawn):
        if line.planned_nok > 0:
            share = line.realised_nok / line.planned_nok
            ax_nok.text(
                max(line.planned_nok, line.realised_nok),
                y,
                f" {fmt_percent(share, lang, 0)}",
                va="center",
                fontsize=SMALL_PT,
            )
    if rest is not None:
        for ax in (ax_npv, ax_nok):  # the rest's row: a lighter band behind it, lines around it
            ax.axhspan(at - 0.45, at + 0.45, color="#EEEEEE", zorder=0)
            for y in (at - 0.5, at + 0.5):
                ax.axhline(y, color=GREY, linewidth=0.8, linestyle="--", zorder=0)
    for ax in (ax_npv, ax_nok):
        ax.grid(axis="x", color="#E5E5E5", linewidth=0.6)
        ax.set_axisbelow(True)
    ax_npv.set_title(
        t(lang, "Netto nåverdi", "Net present value")
        + (t(lang, " (høyest og lavest)", " (highest and lowest)") if rest is not None else ""),
        loc="left",
    )
    ax_nok.set_title(
        t(
            lang,
            f"Gevinster i kroner hittil (per {fmt_date(rollup.as_of, lang)})",
            f"Benefits in NOK so far (as of {fmt_date(rollup.as_of, lang)})",
        ),
        loc="left",
    )
    ax_nok.margins(x=0.15)
    handles = [
        Patch(facecolor=BLUE, edgecolor=BLACK, label=t(lang, "Positiv NNV", "Positive NPV")),
        Patch(
            facecolor=VERMILLION,
            edgecolor=BLACK,
            hatch="//",
            label=t(lang, "Negativ NNV", "Negative NPV"),
        ),
        Patch(
            facecolor="white", edgecolor=BLACK, label=t(lang, "Planlagt hittil", "Planned so far")
        ),
        Patch(
            facecolor=GREEN,
            edgecolor=BLACK,
            label=t(lang, "Realisert hittil (andel av plan)", "Realised so far (share of plan)"),
        ),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=4, fontsize=SMALL_PT)
    if not all_lines:
        return Chart(
            fig, t(lang, "Porteføljen har ingen prosjekter.", "The portfolio has no projects.")
        )
    total = rollup.total
    known = [x for x in all_lines if x.npv is not None]
    alt = [
        t(
            lang,
            f"Porteføljen per {fmt_date(rollup.as_of, lang)}, {len(all_lines)} prosjekter: samlet NNV {fmt_nok(total.npv, lang, short=True)}, realisert {fmt_nok(total.realised_nok, lang, short=True)} av {fmt_nok(total.planned_nok, lang, short=True)} planlagt hittil.",
            f"The portfolio as of {fmt_date(rollup.as_of, lang)}, {len(all_lines)} projects: total NPV {fmt_nok(total.npv, lang, short=True)}, realised {fmt_nok(total.realised_nok, lang, short=True)} of {fmt_nok(total.planned_nok, lang, short=True)} planned so far.",
        )
    ]
    if known:
        best = max(known, key=lambda x: x.npv)
        worst = min(known, key=lambda x: x.npv)
        alt.append(
            t(
                lang,
                f"Høyest NNV: {best.name or best.key} ({fmt_nok(best.npv, lang, short=True)}); lavest: {worst.name or worst.key} ({fmt_nok(worst.npv, lang, short=True)}).",
                f"Highest NPV: {best.name or best.key} ({fmt_nok(best.npv, lang, short=True)}); lowest: {worst.name or worst.key} ({fmt_nok(worst.npv, lang, short=True)}).",
            )
        )
    if rest is not None and lines:
        alt.append(
            t(
                lang,
                f"Figuren viser {len(lines)} av prosjektene; de øvrige {n_rest} som ett snitt.",
                f"The chart shows {len(lines)} of the projects; the other {n_rest} as one average.",
            )
        )
    return Chart(fig, short_alt(alt, _table_note(lang, "under")))


_MIN_LABELLED_SHARE = 0.1
"""A share bar's segment narrower than this (of the panel) carries no count: «✔ 207» does
not fit in it (the counts are in the roll-up table under the chart)."""


def _attention(line: Any) -> tuple[int, int]:
    """How much a project needs the board's attention: items behind plan or not measured
    (red + grey, as :func:`gevinst.report.tables.attention_table`), then a little behind."""
    both = [line.benefits, line.results]
    return (
        sum(c.get("red", 0) + c.get("grey", 0) for c in both),
        sum(c.get("yellow", 0) for c in both),
    )


def _status_rows(rollup: Any, max_rows: int, lang: str) -> tuple[list[Any], list[str], bool]:
    """(lines, labels, as shares): every project up to ``max_rows``; above it the whole
    portfolio, the ``max_rows − 2`` projects with most items needing attention and the rest."""
    lines = list(rollup.projects)
    if len(lines) <= max_rows:
        return lines, [_row_label(x.name or x.key) for x in lines], False
    order = sorted(lines, key=lambda x: tuple(-k for k in _attention(x)))
    picked = [x for x in order[: max_rows - 2] if any(_attention(x))]
    ids = {id(x) for x in picked}
    rest = [x for x in lines if id(x) not in ids]
    rows = [rollup.total, *picked, combine(rest, "rest")]
    labels = [
        _row_label(t(lang, f"Hele porteføljen ({len(lines)} prosjekter)",
                     f"The whole portfolio ({len(lines)} projects)")),
        *(_row_label(x.name or x.key) for x in picked),
        _row_label(_rest_label(len(rest), lang)),
    ]  # fmt: skip
    return rows, labels, True


@_styled
def portfolio_status_counts(rollup: Any, lang: str = "nb", *, max_rows: int = PORTFOLIO_MAX_ROWS) -> Chart:
    """Per project: the number of benefits (left) and resultatmål (right) in each status.

    Stacked bars; each status has its colour, its hatch and its symbol with the
    count written in the segment. Above ``max_rows`` projects
    (:data:`PORTFOLIO_MAX_ROWS`) the rows are the whole portfolio, the projects with
    most items behind plan or not measured, and the rest together, each bar as the
    share of its items in each status (the counts still written in the segments), so
    a project of eight benefits and the rest of five hundred read on one axis.
    """
    lines, labels, shares = _status_rows(rollup, max_rows, lang)
    n = max(1, len(lines))
    fig = Figure(figsize=(9.4, 1.6 + _row_height(labels) * n), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    for ax, attr, title in (
        (axes[0], "benefits", t(lang, "Gevinster og ulemper", "Benefits and dis-benefits")),
        (axes[1], "results", t(lang, "Resultatmål", "Result goals")),
    ):
        for y, line in enumerate(lines):
            left = 0.0
            counts = getattr(line, attr)
            whole = sum(counts.get(st, 0) for st in STATUS_ORDER) if shares else 1
            for st in STATUS_ORDER:
                k = counts.get(st, 0)
                if not k:
                    continue
                width = k / whole
                ax.barh(
                    y,
                    width,
                    left=left,
                    height=0.6,
                    color=STATUS_COLOUR[st],
                    hatch=STATUS_HATCH[st],
                    edgecolor=BLACK,
                    linewidth=0.5,
                )
                if shares and width < _MIN_LABELLED_SHARE:  # too narrow for its count
                    left += width
                    continue
                ax.text(
                    left + width / 2,
                    y,
                    f"{STATUS_SYMBOL[st]} {k}",
                    ha="center",
                    va="center",
                    fontsize=SMALL_PT,
                    fontweight="bold",
                    bbox={
                        "boxstyle": "round,pad=0.15",
                        "facecolor": "white",
                        "edgecolor": "none",
                        "alpha": 0.85,
                    },
                )
                left += width
        ax.set_title(title, loc="left")
        if shares:
            ax.set_xlim(0, 1)
            _percent_axis(ax, lang)
            ax.set_xlabel(t(lang, "Andel (antall i feltene)", "Share (numbers in the segments)"))
        else:
            ax.set_xlabel(t(lang, "Antall", "Number"))
            ax.xaxis.get_major_locator().set_params(integer=True)
    axes[0].set_yticks(range(len(lines)), labels)
    axes[0].invert_yaxis()
    if shares:
        for ax in axes:  # the whole portfolio and the rest apart from the projects named
            ax.axhline(0.5, color=BLACK, linewidth=0.8)
            ax.axhline(len(lines) - 1.5, color=GREY, linewidth=0.8, linestyle="--")
    handles = [
        Patch(
            facecolor=STATUS_COLOUR[s],
            hatch=STATUS_HATCH[s],
            edgecolor=BLACK,
            label=status_label(s, lang),
        )
        for s in STATUS_ORDER
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=4, fontsize=SMALL_PT)
    fig.suptitle(
        t(
            lang,
            f"Status per prosjekt per {fmt_date(rollup.as_of, lang)}"
            + (" (mest bak plan eller ikke målt først)" if shares else ""),
            f"Status per project as of {fmt_date(rollup.as_of, lang)}"
            + (" (most behind plan or not measured first)" if shares else ""),
        ),
        x=0.01,
        ha="left",
        fontsize=LARGE_PT,
        fontweight="bold",
    )
    projects = list(rollup.projects)
    if not projects:
        return Chart(
            fig, t(lang, "Porteføljen har ingen prosjekter.", "The portfolio has no projects.")
        )
    total = join_words(
        status_count_parts(rollup.total.benefits, lang, symbols=False), lang
    ) or t(lang, "ingen", "none")
    alt = [
        t(
            lang,
            f"Antall gevinster og ulemper i hver status for {len(projects)} prosjekter; i alt {total}.",
            f"Number of benefits and dis-benefits in each status for {len(projects)} projects; in total {total}.",
        )
    ]
    if shares:
        named = len(lines) - 2
        alt.append(
            t(
                lang,
                f"Figuren viser andeler for porteføljen, de {named} prosjektene med flest bak plan eller ikke målt, og resten samlet.",
                f"The chart shows shares for the portfolio, the {named} projects with most behind plan or not measured, and the rest together.",
            )
            if named
            else t(
                lang,
                "Ingen prosjekter har noe bak plan eller ikke målt; figuren viser andeler for porteføljen.",
                "No project has anything behind plan or not measured; the chart shows the portfolio's shares.",
            )
        )
    return Chart(fig, short_alt(alt, _table_note(lang, "under")))


@_styled
def portfolio_municipalities(rollup: Any, lang: str = "nb") -> Chart:
    """Per kommune across the portfolio: share of the NPV and realised against planned NOK."""
    lines = list(rollup.municipalities)
    fig, ax_npv, ax_nok = _npv_and_nok_panels(lines, [m.name or m.key for m in lines], 0.45, lang)
    ax_npv.set_title(
        t(lang, "Andel av porteføljens NNV", "Share of the portfolio's NPV"), loc="left"
    )
    ax_nok.set_title(t(lang, "Gevinster i kroner hittil", "Benefits in NOK so far"), loc="left")
    handles = [
        Patch(
            facecolor="white", edgecolor=BLACK, label=t(lang, "Planlagt hittil", "Planned so far")
        ),
        Patch(
            facecolor=GREEN, edgecolor=BLACK, label=t(lang, "Realisert hittil", "Realised so far")
        ),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=2, fontsize=SMALL_PT)
    if not lines:
        return Chart(fig, t(lang, "Ingen kommuner.", "No municipalities."))
    top = max(lines, key=lambda m: m.npv or 0.0)
    alt = t(
        lang,
        f"Porteføljen fordelt på {len(lines)} kommuner. Størst andel av netto nåverdi har {top.name} ({fmt_nok(top.npv, lang, short=True)}). ",
        f"The portfolio split over {len(lines)} municipalities. The largest share of the NPV is {top.name}'s ({fmt_nok(top.npv, lang, short=True)}). ",
    )
    alt += (
        "; ".join(
            t(
                lang,
                f"{m.name}: realisert {fmt_nok(m.realised_nok, lang, short=True)} av {fmt_nok(m.planned_nok, lang, short=True)} planlagt",
                f"{m.name}: realised {fmt_nok(m.realised_nok, lang, short=True)} of {fmt_nok(m.planned_nok, lang, short=True)} planned",
            )
            for m in lines
        )
        + "."
    )
    return Chart(fig, short_alt(sentences(alt), _table_note(lang, "over")))


# --------------------------------------------------------------------------- portfolio NPV (issue 9)


@_styled
def portfolio_npv_distribution(mc: Any, lang: str = "nb") -> Chart:
    """The portfolio Monte Carlo: the distribution of the portfolio NPV with P10, P50, P90.

    ``mc`` is :func:`gevinst.model.portfolio.portfolio_monte_carlo`'s result (or None).
    """
    fig = Figure(figsize=(9.0, 4.0), layout="constrained")
    ax = fig.add_subplot()
    if mc is None:
        ax.axis("off")
        note = t(lang, "Ingen prosjekter å simulere.", "No projects to simulate.")
        ax.text(0.5, 0.5, note, ha="center", va="center")
        return Chart(fig, note)
    ax.hist(mc.npv, bins=60, color=SKY, edgecolor="white", linewidth=0.3)
    ax.axvline(0, color=VERMILLION, linewidth=1.8, label=t(lang, "NNV = 0", "NPV = 0"))
    for value, style, name in ((mc.p10, ":", "P10"), (mc.p50, "-", "P50"), (mc.p90, "-.", "P90")):
        ax.axvline(
            value,
            color=BLACK,
            linestyle=style,
            linewidth=1.5,
            label=f"{name}: {fmt_nok(value, lang, short=True)}",
        )
    ax.xaxis.set_major_formatter(_mill_formatter(lang))
    ax.set_xlabel(
        t(lang, "Porteføljens netto nåverdi, millioner kroner", "Portfolio NPV, NOK million")
    )
    ax.set_ylabel(t(lang, "Antall trekk", "Number of draws"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=SMALL_PT)
    ax.set_title(
        t(
            lang,
            f"Usikkerhet i porteføljens netto nåverdi ({fmt_number(mc.draws, 0, lang)} trekk)",
            f"Uncertainty in the portfolio NPV ({fmt_number(mc.draws, 0, lang)} draws)",
        ),
        loc="left",
    )
    alt = t(
        lang,
        f"Fordelingen av porteføljens netto nåverdi: P10 {fmt_nok(mc.p10, lang, short=True)} "
        f"(90 % sannsynlighet for minst dette), P50 {fmt_nok(mc.p50, lang, short=True)}, "
        f"P90 {fmt_nok(mc.p90, lang, short=True)}; forventning {fmt_nok(mc.mean, lang, short=True)}. "
        f"Sannsynligheten for positiv nåverdi er {fmt_percent(mc.prob_positive, lang, 0)}.",
        f"The distribution of the portfolio NPV: P10 {fmt_nok(mc.p10, lang, short=True)} "
        f"(90% probability of at least this), P50 {fmt_nok(mc.p50, lang, short=True)}, "
        f"P90 {fmt_nok(mc.p90, lang, short=True)}; mean {fmt_nok(mc.mean, lang, short=True)}. "
        f"The probability of a positive NPV is {fmt_percent(mc.prob_positive, lang, 0)}.",
    )
    return Chart(fig, alt)


# --------------------------------------------------------------------------- issue 12: alternatives


@_styled
def alternatives_chart(result: Any, lang: str = "nb") -> Chart:
    """Alternatives against the null alternative: NPV bars in priced rank order, the
    non-priced effects (DFØ's symbols) written beside each bar, never added to it.

    The recommended alternative is drawn dark blue and hatched, the others sky blue;
    the null alternative is the zero line (NPV 0 by definition).
    """
    from gevinst.model.schema import IMPACT_SYMBOLS  # local: figures.py is appended to only

    rows = sorted((r for r in result.rows if not r.is_null), key=lambda r: r.rank)
    fig = Figure(figsize=(8.0, 1.6 + 0.6 * max(1, len(rows))), layout="constrained")
    ax = fig.add_subplot()
    labels = []
    for y, r in enumerate(rows):
        labels.append(wrap(f"{r.id}: {r.name}", 36))
        ax.barh(
            y,
            r.npv,
            height=0.6,
            color=BLUE if r.recommended else SKY,
            edgecolor=BLACK,
            hatch="//" if r.recommended else "",
            linewidth=0.5,
        )
    ax.axvline(0, color=BLACK, linewidth=1.2)
    ax.set_yticks(range(len(rows)), labels)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(_mill_formatter(lang))
    ax.set_xlabel(t(lang, "Netto nåverdi, millioner kroner", "Net present value, NOK million"))
    # Non-priced effects as text at the right edge, beside the priced result.
    ax2 = ax.secondary_yaxis("right")
    ax2.set_yticks(
        range(len(rows)),
        [" · ".join(f"{e} {IMPACT_SYMBOLS[v]}" for e, v in r.scores.items()) for r in rows],
    )
    ax2.tick_params(length=0)
    handles = [
        Patch(
            facecolor=BLUE, edgecolor=BLACK, hatch="//", label=t(lang, "Anbefalt", "Recommended")
        ),
        Patch(
            facecolor=SKY,
            edgecolor=BLACK,
            label=t(lang, "Andre alternativer", "Other alternatives"),
        ),
        Line2D(
            [],
            [],
            color=BLACK,
            label=t(lang, "Nullalternativet (NNV = 0)", "Null alternative (NPV = 0)"),
        ),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=8)
    ax.set_title(
        t(
            lang,
            "Alternativer: netto nåverdi mot nullalternativet\n(ikke-prissatte virkninger til høyre)",
            "Alternatives: NPV against the null alternative\n(non-priced effects on the right)",
        ),
        loc="left",
    )
    parts = [
        t(
            lang,
            f"{r.id} {_q(r.name, lang)}: netto nåverdi {fmt_nok(r.npv, lang, short=True)}, "
            f"{r.plus} positive og {r.minus} negative ikke-prissatte virkninger",
            f"{r.id} {_q(r.name, lang)}: NPV {fmt_nok(r.npv, lang, short=True)}, "
            f"{r.plus} positive and {r.minus} negative non-priced effects",
        )
        for r in rows
    ]
    recommended = next((r for r in rows if r.recommended), None)
    head = t(
        lang,
        f"Alternativanalyse: {fmt_number(len(rows), 0, lang)} alternativer mot nullalternativet "
        "(netto nåverdi 0).",
        f"Alternatives analysis: {fmt_number(len(rows), 0, lang)} alternatives against the null "
        "alternative (NPV 0).",
    )
    if recommended is not None:
        head += t(
            lang,
            f" Anbefalt: {recommended.id}, nummer {recommended.rank} i den prissatte rangeringen, "
            f"netto nåverdi {fmt_nok(recommended.npv, lang, short=True)}.",
            f" Recommended: {recommended.id}, number {recommended.rank} in the priced ranking, "
            f"NPV {fmt_nok(recommended.npv, lang, short=True)}.",
        )
    detail = t(lang, f"{join_words(parts, lang)}.", f"{join_words(parts, lang)}.")
    return Chart(fig, short_alt([*sentences(head), detail], _table_note(lang, "over")))


# --------------------------------------------------------------------------- road map (issue 14)

DARK_VERMILLION = "#B34700"
"""Vermillion darkened for text on white (5,5 : 1; Okabe–Ito's #D55E00 is 3,9 : 1): the
road map's «!» at a late dependency."""

ROADMAP_MAX_ROWS = 40
"""Above this many projects the road map draws one row per group; the table has them all."""

SOLUTION_COLOUR = {
    "planned": SKY,
    "in_progress": BLUE,
    "delivered": GREEN,
    "delayed": VERMILLION,
}


@_styled
def roadmap(
    plans: Any, workspace: Any, as_of: dt.date, lang: str = "nb", *, max_rows: int = ROADMAP_MAX_ROWS
) -> Chart:
    """The portfolio's road map (veikart): one row per project and per external solution.

    Projects are grouped by programme/theme (else organisation): their period as a
    bar, decision points as diamonds (BP), other milestones (go-live) as circles,
    filled when done; external solutions as stars at their expected date, coloured
    by status; each dependency drawn from what it waits for to the milestone that
    needs it, a broken (late) one thick, dashed and marked «!». Above ``max_rows``
    projects one row per group (period of its projects, their milestones, the
    number of broken dependencies); :func:`gevinst.report.tables.roadmap_table`
    lists every project. The as-of date is a dotted line.
    """
    from gevinst.model import roadmap as rm

    rows = rm.roadmap_rows(plans)
    links = rm.dependency_links(plans, workspace)
    solutions = sorted(workspace.external_solutions, key=lambda s: (s.expected_date, s.id))
    grouped = len(rows) > max_rows
    labels: list[str] = []
    y_of: dict[str, float] = {}
    for s in solutions:
        y_of["solution:" + s.id] = len(labels)
        labels.append(wrap(f"★ {s.name} ({s.owner})", 34))
    group_starts: list[tuple[float, str]] = []
    if grouped:
        groups: dict[str, list[Any]] = {}
        for r in rows:
            groups.setdefault(r.group, []).append(r)
        for g, members in groups.items():
            for r in members:
                y_of[r.project] = len(labels)
            labels.append(wrap(f"{g} ({len(members)} " + t(lang, "prosjekter)", "projects)"), 34))
    else:
        last_group = None
        for r in rows:
            if r.group != last_group:
                group_starts.append((len(labels) - 0.5, r.group))
                last_group = r.group
            y_of[r.project] = len(labels)
            labels.append(wrap(r.name, 34))
    n = max(1, len(labels))
    fig = Figure(figsize=(9.4, 1.6 + 0.42 * n), layout="constrained")
    ax = fig.add_subplot()
    dates = [as_of]
    # One artist per kind of mark, not one per project and milestone: the periods as one
    # LineCollection, the milestones as one marker line per (decision point?, done?), so
    # 120 grouped projects draw as quickly as six.
    periods = []
    marks: dict[tuple[bool, bool], tuple[list[Any], list[float]]] = {}
    for r in rows:
        y = y_of[r.project]
        dates += [r.start, r.end]
        periods.append([(mdates.date2num(r.start), y), (mdates.date2num(r.end), y)])
        for _mid, _name, day, dp, done in r.milestones:
            dates.append(day)
            xs, ys = marks.setdefault((bool(dp), bool(done)), ([], []))
            xs.append(day)
            ys.append(y)
    if periods:
        ax.add_collection(LineCollection(
            periods, colors=BLUE if not grouped else SKY, linewidths=7 if not grouped else 11,
            capstyle="butt", alpha=0.85 if not grouped else 0.35, zorder=1,
        ))  # fmt: skip
    for (dp, done), (xs, ys) in sorted(marks.items()):
        colour = VERMILLION if dp else BLACK
        ax.plot(xs, ys, linestyle="none", marker="D" if dp else "o", markersize=7 if dp else 6,
                markerfacecolor=colour if done else "white", markeredgecolor=colour,
                markeredgewidth=1.3, zorder=3)
    for s in solutions:
        y = y_of["solution:" + s.id]
        dates.append(s.expected_date)
        ax.plot(s.expected_date, y, linestyle="none", marker="*", markersize=15,
                markerfacecolor=SOLUTION_COLOUR.get(s.status.value, GREY), markeredgecolor=BLACK, zorder=4)
        ax.annotate(s.status.label(lang), (s.expected_date, y), xytext=(9, -3), textcoords="offset points",
                    fontsize=SMALL_PT)
    project_end = {r.project: r.end for r in rows}
    broken = 0
    for d in links:
        if d.kind == rm.UNKNOWN or d.project not in y_of:
            continue
        source = "solution:" + d.on if d.kind == rm.EXTERNAL else d.on
        if source not in y_of or d.on_date is None:
            continue
        x0 = d.on_date if d.kind == rm.EXTERNAL else project_end.get(d.on, d.on_date)
        y0, y1 = y_of[source], y_of[d.project]
        late = d.broken
        broken += late
        ax.annotate(
            "",
            xy=(d.needed_date, y1),
            xytext=(x0, y0),
            arrowprops={
                "arrowstyle": "-|>",
                "color": VERMILLION if late else GREY,
                "linewidth": 2.2 if late else 1.0,
                "linestyle": "--" if late else "-",
                "shrinkA": 4,
                "shrinkB": 4,
                "connectionstyle": "arc3,rad=0.15",
            },
            zorder=2,
        )
        if late:
            ax.annotate("!", (d.needed_date, y1), xytext=(-4, 6), textcoords="offset points",
                        color=DARK_VERMILLION, fontsize=13, fontweight="bold", zorder=6)
    for y, name in group_starts:
        ax.axhline(y, color="#BBBBBB", linewidth=0.8, zorder=0)
        ax.annotate(name, xy=(0.0, y), xycoords=("axes fraction", "data"), xytext=(3, -2),
                    textcoords="offset points", va="top", fontsize=SMALL_PT, fontstyle="italic", color="#444444")
    if solutions and rows:
        ax.axhline(len(solutions) - 0.5, color=BLACK, linewidth=1.0, zorder=0)
    _as_of_line(ax, as_of, lang)
    lo, hi = min(dates), max(dates)
    margin = dt.timedelta(days=max(30, (hi - lo).days // 25))
    ax.set_xlim(lo - margin, hi + margin)
    ax.set_ylim(n - 0.4, -0.9)
    ax.set_yticks(range(len(labels)), labels, fontsize=SMALL_PT)
    _date_axis(ax, lang)
    ax.set_title(t(lang, "Veikart: prosjekter, eksterne løsninger og avhengigheter",
                   "Road map: projects, external solutions and dependencies"), loc="left")
    handles = [
        Line2D([], [], color=BLUE, linewidth=6, label=t(lang, "Prosjektperiode", "Project period")),
        Line2D([], [], linestyle="none", marker="D", markerfacecolor=VERMILLION, markeredgecolor=VERMILLION,
               label=t(lang, "Beslutningspunkt (fylt: gjennomført)", "Decision point (filled: done)")),
        Line2D([], [], linestyle="none", marker="o", markerfacecolor="white", markeredgecolor=BLACK,
               label=t(lang, "Milepæl / oppstart (fylt: nådd)", "Milestone / go-live (filled: reached)")),
        Line2D([], [], linestyle="none", marker="*", markersize=12, markerfacecolor=SKY, markeredgecolor=BLACK,
               label=t(lang, "Ekstern løsning (forventet)", "External solution (expected)")),
        Line2D([], [], color=GREY, linewidth=1.0, label=t(lang, "Avhengighet", "Dependency")),
        Line2D([], [], color=VERMILLION, linewidth=2.2, linestyle="--",
               label=t(lang, "! Kommer for sent", "! Arrives late")),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=SMALL_PT)
    late = rm.dependency_warnings(plans, workspace)
    alt = t(
        lang,
        f"Veikart per {fmt_date(as_of, lang)}: {len(rows)} prosjekter"
        + (" gruppert" if grouped else "")
        + f", {len(solutions)} eksterne løsninger, {len(links)} avhengigheter, {len(late)} for sent.",
        f"Road map as of {fmt_date(as_of, lang)}: {len(rows)} projects"
        + (" grouped" if grouped else "")
        + f", {len(solutions)} external solutions, {len(links)} dependencies, {len(late)} late.",
    )
    for d in late:
        alt += " " + t(
            lang,
            f"{d.project} venter på «{d.on_name}» ({d.days_late} dager for sent).",
            f"{d.project} waits for '{d.on_name}' ({d.days_late} days late).",
        )
    if len(alt) > 300:
        alt = alt[:299].rsplit(" ", 1)[0] + "…"
    return Chart(fig, alt)
