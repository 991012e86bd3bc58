"""The interactive explorer (``notebooks/utforsk.ipynb``, ``gevinst explore``):
sliders → assumptions → analysis → key figures and charts.

The logic is plain functions, testable without a kernel:

* :func:`defaults` – the slider values that reproduce the plan as written;
* :func:`to_assumptions` – slider values → :class:`gevinst.model.cba.Assumptions`
  (a slider left at its default keeps the workspace's own setting, so the
  default discount rate keeps R-109's step-wise rates rather than a flat 4 %);
* :func:`explore` – one project under one set of slider values → an
  :class:`Exploration` (the :class:`CbaResult`, the result at the default
  values beside it, the key figures).

:class:`Explorer` wires these to ipywidgets: a project dropdown, five sliders
with Norwegian readouts (``720,00``, ``4,0 %``), a reset button, and the results
below them – shown at once when the explorer is displayed and recomputed on every
change, always for the project and the values on screen. It is fast because

* the result at the default values is computed once per project and kept;
* a reset or any other change of several sliders recomputes once;
* the charts are :mod:`gevinst.report.live` charts: drawn once, then updated in
  place at screen resolution, and not drawn at all when their data did not change;
* widget values that did not change send nothing to the browser.

``bench/bench_explore.py`` measures an update beside a full redraw.

:meth:`Explorer.show` displays the widgets *and*, in the same output, a static
HTML copy of the current results: JupyterLab and Voilà show the live widgets; a
notebook run headless (papermill) and exported to HTML shows the copy. All plan
text in the HTML goes through :func:`gevinst.report.text.esc`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pandas as pd

from gevinst.model import cba as cba_model
from gevinst.model.discount import rates_in_use
from gevinst.model.schema import Plan, Workspace
from gevinst.report import live, tables
from gevinst.report.text import (
    display_html,
    fmt_nok,
    fmt_number,
    fmt_percent,
    fmt_value,
    join_words,
    paragraph_html,
    t,
)


@dataclass(frozen=True)
class Slider:
    """One slider: its key in :class:`Settings`, labels, range and step."""

    key: str
    nb: str
    en: str
    low: float
    high: float
    step: float
    readout: str = "number"
    """How the value is shown: ``percent`` (4,0 %), ``money`` (720,00), ``years``, ``number``."""

    def label(self, lang: str = "nb") -> str:
        return self.en if lang == "en" else self.nb

    def show(self, value: float, lang: str = "nb") -> str:
        """The readout beside the slider, in Norwegian (or English) number format.

        >>> SLIDERS[0].show(4.0), SLIDERS[1].show(720), SLIDERS[2].show(1)
        ('4,0\xa0%', '720,00', '1 år')
        """
        if self.readout == "percent":
            return fmt_percent(value / 100, lang, 1)
        if self.readout == "money":
            return fmt_number(value, 2, lang)
        if self.readout == "years":
            return f"{int(value)} {t(lang, 'år', 'years' if int(value) != 1 else 'year')}"
        return fmt_number(value, 2, lang)


SLIDERS: tuple[Slider, ...] = (
    Slider(
        "discount_rate_pct", "Kalkulasjonsrente (%)", "Discount rate (%)", 0.0, 10.0, 0.5, "percent"
    ),
    Slider("hourly_cost", "Timekostnad (kr)", "Hourly cost (NOK)", 300.0, 1500.0, 10.0, "money"),
    Slider(
        "delay_years", "Forsinket realisering (år)", "Realisation delay (years)", 0, 5, 1, "years"
    ),
    Slider("benefit_scale", "Gevinster × (skalering)", "Benefits × (scale)", 0.0, 2.0, 0.05),
    Slider(
        "cost_overrun_pct",
        "Kostnadsoverskridelse (%)",
        "Cost overrun (%)",
        -30.0,
        100.0,
        5.0,
        "percent",
    ),
)


@dataclass(frozen=True)
class Settings:
    """Slider values in the units a person reads (percent, kroner, years)."""

    discount_rate_pct: float
    hourly_cost: float
    delay_years: int = 0
    benefit_scale: float = 1.0
    cost_overrun_pct: float = 0.0


def defaults(workspace: Workspace) -> Settings:
    """The slider values that reproduce the plan as written under the workspace's settings.

    The discount rate shown is the rule's first rate (4 % for R-109).
    """
    d = workspace.discounting
    first_rate = rates_in_use(d.rule.value, float(d.flat_rate))[0]
    return Settings(
        discount_rate_pct=round(100 * first_rate, 6), hourly_cost=float(workspace.hourly_cost)
    )


def to_assumptions(settings: Settings, workspace: Workspace) -> cba_model.Assumptions:
    """Slider values → :class:`Assumptions`.

    A discount rate or hourly cost equal to the default gives ``None`` (use the
    workspace's rule and cost); any other rate is a flat rate. Percentages are
    divided by 100.

    >>> from gevinst.model.schema import Workspace
    >>> ws = Workspace(organisation="X", municipalities=[{"name": "A", "population": 1}],
    ...                hourly_cost=720)
    >>> to_assumptions(Settings(5.0, 720, 1, 0.8, 10), ws)
    Assumptions(discount_rate=0.05, hourly_cost=None, delay_years=1, benefit_scale=0.8, cost_overrun=0.1, tax_financing=None)
    """
    base = defaults(workspace)
    same_rate = abs(settings.discount_rate_pct - base.discount_rate_pct) < 1e-9
    same_cost = abs(settings.hourly_cost - base.hourly_cost) < 1e-9
    return cba_model.Assumptions(
        discount_rate=None if same_rate else settings.discount_rate_pct / 100,
        hourly_cost=None if same_cost else float(settings.hourly_cost),
        delay_years=int(settings.delay_years),
        benefit_scale=float(settings.benefit_scale),
        cost_overrun=settings.cost_overrun_pct / 100,
    )


@dataclass
class Exploration:
    """One project under one set of slider values."""

    plan: Plan
    settings: Settings
    assumptions: cba_model.Assumptions
    result: Any
    """The :class:`gevinst.model.cba.CbaResult`."""
    baseline: Any = None
    """The result at the default settings, for comparison (None when these are the defaults)."""
    lang: str = "nb"

    def __repr__(self) -> str:  # short: never the whole result in a notebook or a log
        return (
            f"Exploration(project={self.plan.project.id!r}, npv={self.result.npv:.0f}, "
            f"settings={self.settings})"
        )

    def key_figures(self) -> pd.DataFrame:
        """Key figures under these assumptions, beside the plan as written."""
        df = tables.key_figures_table(self.result, self.lang)
        if self.baseline is not None:
            column = t(self.lang, "Standardforutsetninger", "Default assumptions")
            df[column] = tables.key_figures_table(self.baseline, self.lang).iloc[:, 1].to_numpy()
            df.attrs["numeric"] = [*df.attrs.get("numeric", []), column]
        return df

    def summary(self) -> str:
        """One sentence on the result (plain text; escaped where it becomes HTML)."""
        r, lang = self.result, self.lang
        text = t(
            lang,
            f"{self.plan.project.name}: netto nåverdi {fmt_nok(r.npv, lang, short=True)}",
            f"{self.plan.project.name}: net present value {fmt_nok(r.npv, lang, short=True)}",
        )
        if self.baseline is not None:
            text += t(
                lang,
                f" (standardforutsetninger: {fmt_nok(self.baseline.npv, lang, short=True)})",
                f" (default assumptions: {fmt_nok(self.baseline.npv, lang, short=True)})",
            )
        if r.monte_carlo is not None:
            p = fmt_percent(r.monte_carlo.prob_positive, lang, 0)
            text += t(
                lang,
                f"; sannsynlighet for positiv nåverdi {p}",
                f"; probability of a positive NPV {p}",
            )
        return text + "."


def describe_settings(settings: Settings, workspace: Workspace, lang: str = "nb") -> str:
    """The assumptions in words, for a caption."""
    base = defaults(workspace)
    rate = (
        t(lang, "arbeidsområdets regel", "the workspace rule")
        if abs(settings.discount_rate_pct - base.discount_rate_pct) < 1e-9
        else t(lang, "fast ", "flat ") + fmt_percent(settings.discount_rate_pct / 100, lang)
    )
    scale = fmt_number(settings.benefit_scale, 2, lang)
    overrun = fmt_percent(settings.cost_overrun_pct / 100, lang, 0)
    return t(
        lang,
        f"Kalkulasjonsrente: {rate}; timekostnad {fmt_nok(settings.hourly_cost, lang)}; "
        f"forsinkelse {settings.delay_years} år; gevinster × {scale}; "
        f"kostnadsoverskridelse {overrun}.",
        f"Discount rate: {rate}; hourly cost {fmt_nok(settings.hourly_cost, lang)}; "
        f"delay {settings.delay_years} years; benefits × {scale}; cost overrun {overrun}.",
    )


def explore(
    plan: Plan,
    workspace: Workspace,
    settings: Settings | None = None,
    lang: str = "nb",
    *,
    draws: int | None = None,
    baseline: Any = None,
) -> Exploration:
    """Analyse ``plan`` under the slider values (:func:`gevinst.model.cba.analyse`).

    ``draws`` defaults to the workspace's Monte Carlo draws. ``baseline``, the
    result at the default values, is computed when not given and needed (the
    explorer passes the one it keeps per project).
    """
    settings = settings or defaults(workspace)
    assumptions = to_assumptions(settings, workspace)
    if assumptions == cba_model.Assumptions():
        result = baseline if baseline is not None else _analyse(plan, workspace, None, draws)
        return Exploration(plan, settings, assumptions, result, None, lang)
    result = _analyse(plan, workspace, assumptions, draws)
    if baseline is None:
        baseline = _analyse(plan, workspace, None, draws)
    return Exploration(plan, settings, assumptions, result, baseline, lang)


def _analyse(plan: Plan, workspace: Workspace, assumptions: Any, draws: int | None) -> Any:
    if assumptions is None:
        return cba_model.analyse(plan, workspace, draws=draws)
    return cba_model.analyse(plan, workspace, assumptions, draws=draws)


def key_figures_html(exploration: Exploration) -> str:
    """The key-figures table of an exploration (escaped, accessible HTML)."""
    lang = exploration.lang
    return tables.table_html(
        exploration.key_figures(),
        t(lang, "Nøkkeltall med valgte forutsetninger", "Key figures under the chosen assumptions"),
        row_headers=True,
        lang=lang,
    )


def summary_html(exploration: Exploration, workspace: Workspace) -> str:
    """The result in one sentence and the assumptions in words (escaped)."""
    return paragraph_html(
        [
            exploration.summary(),
            describe_settings(exploration.settings, workspace, exploration.lang),
        ]
    )


# --------------------------------------------------------------------------- widgets


class Explorer:
    """ipywidgets around :func:`explore`: a project dropdown, five sliders, the results.

    ``plans`` maps project id → plan. The results are computed in the
    constructor, so they are there as soon as the explorer is displayed
    (:meth:`show`), and again on every change of the project or a slider.
    :meth:`set` and :meth:`reset` change several sliders and recompute once.
    :attr:`timings` holds the seconds each update took in the kernel.
    """

    def __init__(
        self,
        plans: dict[str, Plan],
        workspace: Workspace,
        project_id: str | None = None,
        lang: str = "nb",
        *,
        draws: int | None = None,
    ) -> None:
        import ipywidgets as w

        if not plans:
            raise ValueError("no plans to explore")
        self.plans = plans
        self.workspace = workspace
        self.lang = lang
        self.draws = draws
        self.last: Exploration | None = None
        self.timings: list[float] = []
        self._baselines: dict[str, Any] = {}
        self._muted = False
        start = defaults(workspace)
        options = [(p.project.name, pid) for pid, p in plans.items()]
        self.project = w.Dropdown(
            options=options,
            value=project_id if project_id in plans else options[0][1],
            description=t(lang, "Prosjekt", "Project"),
            style={"description_width": "14em"},
            layout=w.Layout(width="48em"),
        )
        self.sliders: dict[str, Any] = {}
        self.readouts: dict[str, Any] = {}
        rows = []
        for s in SLIDERS:
            value = getattr(start, s.key)
            integer = isinstance(s.step, int) and isinstance(value, int)
            cls = w.IntSlider if integer else w.FloatSlider
            self.sliders[s.key] = slider = cls(
                value=value,
                min=min(s.low, value),
                max=max(s.high, value),
                step=s.step,
                description=s.label(lang),
                continuous_update=False,
                readout=False,  # the browser's readout would say 720.00; ours says 720,00
                style={"description_width": "14em"},
                layout=w.Layout(width="40em"),
            )
            self.readouts[s.key] = w.Label(s.show(value, lang), layout=w.Layout(width="8em"))
            rows.append(w.HBox([slider, self.readouts[s.key]]))
        self.reset_button = w.Button(
            description=t(lang, "Tilbakestill", "Reset"),
            tooltip=t(lang, "Sett alle glidebrytere tilbake", "Put every slider back"),
        )
        self.reset_button.on_click(lambda _b: self.reset())
        self.summary = w.HTML()
        self.table = w.HTML()
        self.charts = live.charts(lang)
        self.images = [w.HTML() for _ in self.charts]
        self.results = w.VBox([self.summary, self.table, *self.images])
        self.controls = w.VBox([self.project, *rows, self.reset_button])
        self.view = w.VBox([self.controls, self.results])
        for widget in (self.project, *self.sliders.values()):
            widget.observe(self._changed, names="value")
        self.update()

    # -- state

    def settings(self) -> Settings:
        """The current slider values."""
        values = {k: s.value for k, s in self.sliders.items()}
        values["delay_years"] = int(values["delay_years"])
        return Settings(**values)

    def set(self, project_id: str | None = None, **values: Any) -> Exploration:
        """Choose a project and/or move sliders (by key), then recompute once."""
        self._muted = True
        try:
            if project_id is not None:
                self.project.value = project_id
            for key, value in values.items():
                self.sliders[key].value = value
        finally:
            self._muted = False
        return self.update()

    def reset(self) -> Exploration:
        """Every slider back to its default value; one recomputation."""
        start = defaults(self.workspace)
        return self.set(**{key: getattr(start, key) for key in self.sliders})

    def baseline(self, project_id: str) -> Any:
        """The project's result at the default values (computed once, then kept)."""
        if project_id not in self._baselines:
            self._baselines[project_id] = _analyse(
                self.plans[project_id], self.workspace, None, self.draws
            )
        return self._baselines[project_id]

    def compute(self) -> Exploration:
        pid = self.project.value
        self.last = explore(
            self.plans[pid],
            self.workspace,
            self.settings(),
            self.lang,
            draws=self.draws,
            baseline=self.baseline(pid),
        )
        return self.last

    # -- display

    def _changed(self, _change: Any) -> None:
        if not self._muted:
            self.update()

    def update(self) -> Exploration:
        """Recompute for the project and values on screen and refresh what changed."""
        started = time.perf_counter()
        for key, slider in self.sliders.items():
            self.readouts[key].value = _slider(key).show(slider.value, self.lang)
        result = self.compute()
        self.summary.value = summary_html(result, self.workspace)
        self.table.value = key_figures_html(result)
        for chart, image in zip(self.charts, self.images, strict=True):
            shown = chart.render(result.result)
            if shown.changed:
                image.value = shown.html()
        self.timings.append(time.perf_counter() - started)
        return result

    def snapshot_html(self) -> str:
        """The current results as static HTML (what a copy without a kernel shows)."""
        assert self.last is not None
        parts = [
            paragraph_html(controls_text(self.lang)),
            self.summary.value,
            self.table.value,
            *(image.value for image in self.images),
        ]
        return "".join(parts)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """The live widgets, with the current results as static HTML and a one-line text."""
        bundle = dict(self.view._repr_mimebundle_(**kwargs) or {})
        bundle["text/html"] = self.snapshot_html()
        bundle["text/plain"] = self.last.summary() if self.last else ""
        return bundle

    def show(self) -> None:
        """Display the explorer (and nothing else: no object repr)."""
        bundle = self._repr_mimebundle_()
        plain = bundle.pop("text/plain")
        html_ = bundle.pop("text/html")
        display_html(html_, plain, extra=bundle)

    def __repr__(self) -> str:
        return f"Explorer(project={self.project.value!r}, settings={self.settings()})"


def _slider(key: str) -> Slider:
    return next(s for s in SLIDERS if s.key == key)


def controls_text(lang: str = "nb") -> str:
    """What the sliders are and their ranges, in words (for static copies of the explorer)."""
    ranges = [
        f"{s.label(lang)} {fmt_value(s.low, lang)}–{fmt_value(s.high, lang)}" for s in SLIDERS
    ]
    return t(
        lang,
        f"Glidebrytere: {join_words(ranges, lang)}. De virker når notatboken kjøres i Jupyter; "
        "resultatene under viser utgangsverdiene.",
        f"Sliders: {join_words(ranges, lang)}. They work when the notebook runs in Jupyter; "
        "the results below show the starting values.",
    )


__all__ = [
    "SLIDERS",
    "Exploration",
    "Explorer",
    "Settings",
    "controls_text",
    "defaults",
    "describe_settings",
    "explore",
    "key_figures_html",
    "summary_html",
    "to_assumptions",
]
