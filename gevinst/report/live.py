"""The explorer's charts: figures that are drawn once and then updated in place.

The report's figures (:mod:`gevinst.report.figures`) are built from scratch for
every report, at print resolution, with a layout engine – right for a report, but
~0,3 s per figure, far too slow for a slider. The explorer's four charts are
therefore live: each :class:`LiveChart` creates its matplotlib figure and
artists once per project (per shape of the data), and on a change only

1. computes its data from the :class:`~gevinst.model.cba.CbaResult`;
2. compares it with what it shows – unchanged data is not drawn again;
3. moves the existing artists (bar heights, line data, axis limits, legend
   texts) and renders the figure at screen size (``DPI``, fixed margins, no
   layout engine, no ``bbox_inches="tight"``).

Every chart has alt text (its message in words) like the report's figures, and
its HTML goes through :func:`gevinst.report.figures.image_html`, the one place that
turns a PNG and its alt text into escaped markup. Nothing here computes a model
figure: all numbers come from the result.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from gevinst.report import figures as fig_style
from gevinst.report.text import (
    fmt_nok,
    fmt_number,
    fmt_percent,
    sensitivity_label,
    sensitivity_rows,
    t,
)

DPI = 80
"""Screen resolution: a 8.5 × 3.4 in figure is 680 × 272 pixels."""
SIZE = (8.5, 3.4)
MARGINS = {"left": 0.09, "right": 0.78, "bottom": 0.14, "top": 0.88}
"""Fixed margins (no layout engine): the legend sits right of the axes."""
BINS = 40


@dataclass
class Rendered:
    """One chart as shown: PNG bytes, alt text, and whether it changed this time."""

    png: bytes
    alt: str
    changed: bool

    def html(self) -> str:
        return fig_style.image_html(self.png, self.alt, width=round(SIZE[0] * DPI))


class LiveChart:
    """Base class: one figure, drawn once per data shape, then updated in place.

    A subclass creates its artists in :meth:`build` and lists the ones that move
    in ``self.moving``; :meth:`move` updates them. The rest of the figure (axes,
    ticks, labels, legend) is drawn once and kept as a background bitmap; an
    update restores the background and draws only the moving artists (blitting).
    The background is drawn again only when the data leave the axis limits or
    fill less than 40 % of them.
    """

    title_nb = ""
    title_en = ""
    PAD = 0.2
    """Room around the data when the limits are set (share of the data's span)."""

    def __init__(self, lang: str = "nb") -> None:
        self.lang = lang
        self.fig: Figure | None = None
        self.shape: Any = None
        self.data_key: bytes | None = None
        self.last: Rendered | None = None
        self.moving: list[Any] = []
        self._background: Any = None
        self.full_draws = 0
        """How many times the whole figure was drawn (the rest were blits)."""

    # -- subclasses

    def data(self, result: Any) -> dict[str, Any]:
        """The numbers the chart shows (arrays and scalars)."""
        raise NotImplementedError

    def shape_of(self, data: dict[str, Any]) -> Any:
        """What forces a new figure when it changes (e.g. the years along x)."""
        raise NotImplementedError

    def build(self, ax: Any, data: dict[str, Any]) -> None:
        """Create the artists (once per shape); put the moving ones in ``self.moving``."""
        raise NotImplementedError

    def ranges(self, data: dict[str, Any]) -> dict[str, tuple[float, float]]:
        """The data range per axis (``"x"``, ``"y"``) that must be visible."""
        raise NotImplementedError

    def move(self, ax: Any, data: dict[str, Any]) -> None:
        """Update the moving artists to ``data``."""
        raise NotImplementedError

    def alt(self, data: dict[str, Any]) -> str:
        raise NotImplementedError

    # -- the cycle

    def render(self, result: Any) -> Rendered:
        """The chart for ``result``; drawn again only when its data changed."""
        data = self.data(result)
        key = _key(data)
        if self.last is not None and key == self.data_key:
            return Rendered(self.last.png, self.last.alt, False)
        with matplotlib.rc_context(fig_style._RC):
            shape = self.shape_of(data)
            if self.fig is None or shape != self.shape:
                self.fig = Figure(figsize=SIZE, dpi=DPI)
                FigureCanvasAgg(self.fig)
                self.fig.subplots_adjust(**MARGINS)
                ax = self.fig.add_subplot()
                ax.set_title(t(self.lang, self.title_nb, self.title_en), loc="left")
                self.moving = []
                self.build(ax, data)
                for artist in self.moving:
                    artist.set_animated(True)  # not part of the background
                self.shape = shape
                self._background = None
            ax = self.fig.axes[0]
            self.move(ax, data)
            if _refit(ax, self.ranges(data), self.PAD) or self._background is None:
                self.fig.canvas.draw()
                self._background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
                self.full_draws += 1
            canvas = self.fig.canvas
            canvas.restore_region(self._background)
            for artist in self.moving:
                ax.draw_artist(artist)
            png = _png(canvas)
        self.data_key = key
        self.last = Rendered(png, self.alt(data), True)
        return self.last


def _png(canvas: FigureCanvasAgg) -> bytes:
    """The canvas as PNG (fast zlib level: the image is sent once and thrown away)."""
    from PIL import Image

    width, height = canvas.get_width_height()
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buf = io.BytesIO()
    image.convert("RGB").save(buf, format="png", compress_level=1)
    return buf.getvalue()


def _refit(ax: Any, ranges: dict[str, tuple[float, float]], room: float = 0.2) -> bool:
    """New axis limits when the data leave the current ones or fill less than 40 % of
    them (with ``room`` × the span around them); True when a limit changed (the background must be redrawn)."""
    changed = False
    for axis, (lo, hi) in ranges.items():
        get, set_ = (ax.get_ylim, ax.set_ylim) if axis == "y" else (ax.get_xlim, ax.set_xlim)
        lo, hi = min(lo, 0.0) if axis == "y" else lo, max(hi, 0.0) if axis == "y" else hi
        span = hi - lo or abs(hi) or 1.0
        cur_lo, cur_hi = get()
        inside = cur_lo <= lo and hi <= cur_hi
        if inside and span >= 0.4 * (cur_hi - cur_lo):
            continue
        pad = room * span
        # a y axis whose data start at 0 (counts, benefits only) starts at 0: no empty band below
        set_(lo if axis == "y" and lo == 0 else lo - pad, hi + pad)
        changed = True
    return changed


def _key(data: dict[str, Any]) -> bytes:
    parts = []
    for k in sorted(data):
        v = data[k]
        parts.append(k.encode())
        parts.append(np.asarray(v, dtype=float).tobytes() if _numeric(v) else repr(v).encode())
    return b"\0".join(parts)


def _numeric(v: Any) -> bool:
    try:
        np.asarray(v, dtype=float)
    except (TypeError, ValueError):
        return False
    return True


def _span(*arrays: Any) -> tuple[float, float]:
    values = np.concatenate([np.ravel(np.asarray(a, dtype=float)) for a in arrays])
    return float(values.min()), float(values.max())


def _years_axis(ax: Any, years: list[int], lang: str) -> None:
    ax.yaxis.set_major_formatter(fig_style._mill_formatter(lang))
    ax.set_ylabel(fig_style._mill_label(lang))
    step = 1 if len(years) <= 12 else 2
    ax.set_xticks(years[::step], [str(y) for y in years[::step]])
    ax.grid(axis="y", color="#E5E5E5", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.axhline(0, color=fig_style.BLACK, linewidth=0.8)


def _short(value: float, lang: str) -> str:
    return fmt_nok(value, lang, short=True)


# --------------------------------------------------------------------------- the charts


class CashFlowChart(LiveChart):
    """Benefits (up) and costs (down) per year, undiscounted, and the net."""

    title_nb = "Kontantstrøm per år (udiskontert)"
    title_en = "Cash flow per year (undiscounted)"

    def data(self, result):
        py = result.per_year
        return {
            "years": py["year"].to_numpy(int),
            "benefits": py["benefits"].to_numpy(float),
            "costs": -py["costs"].to_numpy(float),
            "net": py["net"].to_numpy(float),
        }

    def shape_of(self, data):
        return tuple(data["years"])

    def build(self, ax, data):
        years, lang = list(data["years"]), self.lang
        self.up = ax.bar(
            years,
            data["benefits"],
            width=0.7,
            color=fig_style.GREEN,
            edgecolor=fig_style.BLACK,
            linewidth=0.5,
            label=t(lang, "Nytte", "Benefits"),
        )
        self.down = ax.bar(
            years,
            data["costs"],
            width=0.7,
            color=fig_style.VERMILLION,
            edgecolor=fig_style.BLACK,
            hatch="..",
            linewidth=0.5,
            label=t(lang, "Kostnader", "Costs"),
        )
        (self.net,) = ax.plot(
            years,
            data["net"],
            color=fig_style.BLACK,
            marker="o",
            linewidth=1.6,
            label=t(lang, "Netto", "Net"),
        )
        _years_axis(ax, years, lang)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
        self.moving = [*self.up, *self.down, self.net]

    def ranges(self, data):
        return {"y": _span(data["benefits"], data["costs"], data["net"])}

    def move(self, ax, data):
        for bar, h in zip(self.up, data["benefits"], strict=True):
            bar.set_height(h)
        for bar, h in zip(self.down, data["costs"], strict=True):
            bar.set_height(h)
        self.net.set_ydata(data["net"])

    def alt(self, data):
        years, lang = data["years"], self.lang
        total = float(np.sum(data["net"]))
        return t(
            lang,
            f"Kontantstrøm per år {years[0]}–{years[-1]}, udiskontert: nytte opp, kostnader ned, "
            f"netto som linje. Sum netto over perioden {_short(total, lang)}.",
            f"Cash flow per year {years[0]}–{years[-1]}, undiscounted: benefits up, costs down, "
            f"net as a line. Total net over the period {_short(total, lang)}.",
        )


class CumulativeChart(LiveChart):
    """The present value of each year's net and its running total; the end is the NPV."""

    title_nb = "Akkumulert diskontert kontantstrøm"
    title_en = "Cumulative discounted cash flow"

    def data(self, result):
        py = result.per_year
        return {
            "years": py["year"].to_numpy(int),
            "pv": py["present_value"].to_numpy(float),
            "cum": py["cumulative_present_value"].to_numpy(float),
            "npv": float(result.npv),
        }

    def shape_of(self, data):
        return tuple(data["years"])

    def build(self, ax, data):
        years, lang = list(data["years"]), self.lang
        self.bars = ax.bar(
            years,
            data["pv"],
            width=0.6,
            color=fig_style.SKY,
            edgecolor=fig_style.BLACK,
            linewidth=0.4,
            label=t(lang, "Nåverdi av årets netto", "Present value of the year's net"),
        )
        (self.line,) = ax.plot(
            years,
            data["cum"],
            color=fig_style.BLUE,
            marker="o",
            linewidth=2.0,
            label=t(lang, "Akkumulert nåverdi", "Cumulative PV"),
        )
        self.label = ax.annotate(
            "",
            xy=(years[-1], 0),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
            fontweight="bold",
        )
        _years_axis(ax, years, lang)
        ax.set_xlim(years[0] - 0.6, years[-1] + 2.2)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
        self.moving = [*self.bars, self.line, self.label]

    def ranges(self, data):
        return {"y": _span(data["pv"], data["cum"])}

    def move(self, ax, data):
        for bar, h in zip(self.bars, data["pv"], strict=True):
            bar.set_height(h)
        self.line.set_ydata(data["cum"])
        end = float(data["cum"][-1])
        self.label.xy = (self.label.xy[0], end)
        self.label.set_text(t(self.lang, "NNV ", "NPV ") + _short(data["npv"], self.lang))

    def alt(self, data):
        lang, cum, years = self.lang, data["cum"], data["years"]
        low = int(np.argmin(cum))
        return t(
            lang,
            f"Akkumulert nåverdi {years[0]}–{years[-1]}: lavest i {years[low]} "
            f"({_short(cum[low], lang)}), ved periodens slutt {_short(data['npv'], lang)} (netto nåverdi).",
            f"Cumulative present value {years[0]}–{years[-1]}: lowest in {years[low]} "
            f"({_short(cum[low], lang)}), at the end {_short(data['npv'], lang)} (the NPV).",
        )


class MonteCarloChart(LiveChart):
    """The distribution of the NPV over the Monte Carlo draws, with P10, P50 and P90."""

    title_nb = "Usikkerhet i netto nåverdi (Monte Carlo)"
    title_en = "Uncertainty in the NPV (Monte Carlo)"
    PAD = 0.5  # the distribution slides with every assumption: leave it room to move

    def data(self, result):
        mc = result.monte_carlo
        if mc is None:
            return {
                "counts": np.zeros(BINS),
                "edges": np.arange(BINS + 1.0),
                "p": (0.0, 0.0, 0.0),
                "prob": 0.0,
                "draws": 0,
            }
        counts, edges = np.histogram(mc.npv, bins=BINS)
        return {
            "counts": counts.astype(float),
            "edges": edges,
            "p": (mc.p10, mc.p50, mc.p90),
            "prob": float(mc.prob_positive),
            "draws": int(mc.draws),
        }

    def shape_of(self, data):
        return BINS

    def build(self, ax, data):
        lang = self.lang
        edges = data["edges"]
        self.bars = ax.bar(
            edges[:-1],
            data["counts"],
            width=np.diff(edges),
            align="edge",
            color=fig_style.SKY,
            edgecolor="white",
            linewidth=0.3,
        )
        self.zero = ax.axvline(0, color=fig_style.VERMILLION, linewidth=1.6, label=t(lang, "NNV = 0", "NPV = 0"))
        self.plines = [
            ax.axvline(0, color=fig_style.BLACK, linestyle=s, linewidth=1.4, label=n)
            for s, n in ((":", "P10"), ("-", "P50"), ("-.", "P90"))
        ]
        ax.xaxis.set_major_formatter(fig_style._mill_formatter(lang))
        ax.set_xlabel(t(lang, "Netto nåverdi, millioner kroner", "NPV, NOK million"))
        ax.set_ylabel(t(lang, "Antall trekk", "Draws"))
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
        # the P-values in words, right of the axes under the legend
        self.values = self.fig.text(MARGINS["right"] + 0.02, 0.2, "", fontsize=8, va="bottom")
        self.moving = [*self.bars, self.zero, *self.plines, self.values]

    def ranges(self, data):
        return {"x": _span(data["edges"]), "y": (0.0, float(max(1.0, data["counts"].max())))}

    def move(self, ax, data):
        lang, edges = self.lang, data["edges"]
        widths = np.diff(edges)
        for bar, x, w, h in zip(self.bars, edges[:-1], widths, data["counts"], strict=True):
            bar.set_x(x)
            bar.set_width(w)
            bar.set_height(h)
        lines = []
        for line, value, name in zip(self.plines, data["p"], ("P10", "P50", "P90"), strict=True):
            line.set_xdata([value, value])
            lines.append(f"{name}: {_short(value, lang)}")
        lines.append(t(lang, "P(NNV > 0): ", "P(NPV > 0): ") + fmt_percent(data["prob"], lang, 0))
        self.values.set_text("\n".join(lines))

    def alt(self, data):
        lang = self.lang
        p10, p50, p90 = data["p"]
        return t(
            lang,
            f"Fordelingen av netto nåverdi over {fmt_number(data['draws'], 0, lang)} trekk: "
            f"P10 {_short(p10, lang)}, P50 {_short(p50, lang)}, P90 {_short(p90, lang)}; "
            f"sannsynligheten for positiv nåverdi er {fmt_percent(data['prob'], lang, 0)}.",
            f"The NPV over {fmt_number(data['draws'], 0, lang)} draws: P10 {_short(p10, lang)}, "
            f"P50 {_short(p50, lang)}, P90 {_short(p90, lang)}; the probability of a positive "
            f"NPV is {fmt_percent(data['prob'], lang, 0)}.",
        )


class TornadoChart(LiveChart):
    """Sensitivity: the NPV with each input at its low and its high value (widest first)."""

    title_nb = "Følsomhet: netto nåverdi når én forutsetning endres"
    title_en = "Sensitivity: the NPV when one input changes"
    ROWS = 8

    def data(self, result):
        rows = sensitivity_rows(result)[: self.ROWS]
        return {
            "ids": tuple(r.input_id for r in rows),
            "labels": tuple(fig_style.wrap(sensitivity_label(r, self.lang), 34) for r in rows),
            "low": np.array([r.low_npv for r in rows], dtype=float),
            "high": np.array([r.high_npv for r in rows], dtype=float),
            "base": float(result.npv),
        }

    def shape_of(self, data):
        return len(data["ids"])  # the labels are text artists that move with the order

    def build(self, ax, data):
        n = len(data["labels"])
        self.fig.subplots_adjust(left=0.34, right=0.97, bottom=0.16)
        y = np.arange(n)
        self.lo = ax.barh(
            y,
            np.zeros(n),
            height=0.6,
            color=fig_style.SKY,
            edgecolor=fig_style.BLACK,
            linewidth=0.5,
        )
        self.hi = ax.barh(
            y,
            np.zeros(n),
            height=0.6,
            color=fig_style.ORANGE,
            edgecolor=fig_style.BLACK,
            hatch="//",
            linewidth=0.5,
        )
        self.centre = ax.axvline(0, color=fig_style.BLACK, linewidth=1.2)
        ax.axvline(0, color=fig_style.VERMILLION, linewidth=1.0, linestyle=":")
        ax.set_yticks(y, [""] * n)
        ax.set_ylim(n - 0.5, -0.5)  # the widest bar on top
        self.labels = [
            ax.text(
                -0.01,
                k,
                "",
                transform=ax.get_yaxis_transform(),
                ha="right",
                va="center",
                fontsize=8,
            )
            for k in range(n)
        ]
        ax.xaxis.set_major_formatter(fig_style._mill_formatter(self.lang))
        ax.set_xlabel(
            t(
                self.lang,
                "Netto nåverdi, millioner kroner (blå: lav, oransje: høy)",
                "NPV, NOK million (blue: low, orange: high)",
            )
        )
        self.moving = [*self.lo, *self.hi, self.centre, *self.labels]

    def ranges(self, data):
        return {"x": _span(data["low"], data["high"], [data["base"], 0.0])}

    def move(self, ax, data):
        base = data["base"]
        for bar, v in zip(self.lo, data["low"], strict=True):
            bar.set_x(base)
            bar.set_width(v - base)
        for bar, v in zip(self.hi, data["high"], strict=True):
            bar.set_x(base)
            bar.set_width(v - base)
        self.centre.set_xdata([base, base])
        for text, label in zip(self.labels, data["labels"], strict=True):
            text.set_text(label)

    def alt(self, data):
        lang = self.lang
        if not data["labels"]:
            return t(
                lang,
                "Ingen følsomhetsanalyse er tilgjengelig.",
                "No sensitivity analysis is available.",
            )
        spread = np.abs(data["high"] - data["low"])
        k = int(np.argmax(spread))
        name = " ".join(data["labels"][k].split())
        return t(
            lang,
            f"Følsomhet rundt netto nåverdi {_short(data['base'], lang)}: størst utslag gir «{name}» "
            f"(fra {_short(min(data['low'][k], data['high'][k]), lang)} til "
            f"{_short(max(data['low'][k], data['high'][k]), lang)}).",
            f"Sensitivity around the NPV of {_short(data['base'], lang)}: the largest effect comes "
            f"from “{name}” (from {_short(min(data['low'][k], data['high'][k]), lang)} to "
            f"{_short(max(data['low'][k], data['high'][k]), lang)}).",
        )


CHARTS: tuple[type[LiveChart], ...] = (
    CashFlowChart,
    CumulativeChart,
    MonteCarloChart,
    TornadoChart,
)


def charts(lang: str = "nb") -> list[LiveChart]:
    """A fresh set of the explorer's charts."""
    return [cls(lang) for cls in CHARTS]


__all__ = ["CHARTS", "DPI", "LiveChart", "Rendered", "charts"]
