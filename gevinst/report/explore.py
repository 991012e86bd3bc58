"""The interactive explorer (``notebooks/utforsk.ipynb``): sliders → assumptions → analysis → figures.

The logic is plain functions, testable without a kernel:

* :func:`defaults` – the slider values that reproduce the plan as written;
* :func:`to_assumptions` – slider values → :class:`gevinst.model.cba.Assumptions`
  (a slider left at its default keeps the workspace's own setting, so the
  default discount rate keeps R-109's step-wise rates rather than a flat 4 %);
* :func:`explore` – one project under one set of slider values → an
  :class:`Exploration` (the :class:`CbaResult`, its key figures and charts);
* :func:`render` – display an exploration in a notebook.

:class:`Explorer` wires these to ipywidgets (a project dropdown and five
sliders); in a kernel without a front end (papermill) the widgets render as
static text and :meth:`Explorer.update` prints the results as ordinary outputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from gevinst.model import cba as cba_model
from gevinst.model.discount import rates_in_use
from gevinst.model.schema import Plan, Workspace
from gevinst.report import figures, tables
from gevinst.report.text import (
    fmt_nok,
    fmt_number,
    fmt_percent,
    fmt_value,
    join_words,
    show_text,
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

    def label(self, lang: str = "nb") -> str:
        return self.en if lang == "en" else self.nb


SLIDERS: tuple[Slider, ...] = (
    Slider("discount_rate_pct", "Kalkulasjonsrente (%)", "Discount rate (%)", 0.0, 10.0, 0.5),
    Slider("hourly_cost", "Timekostnad (kr)", "Hourly cost (NOK)", 300.0, 1500.0, 10.0),
    Slider("delay_years", "Forsinket realisering (år)", "Realisation delay (years)", 0, 5, 1),
    Slider("benefit_scale", "Gevinster × (skalering)", "Benefits × (scale)", 0.0, 2.0, 0.05),
    Slider("cost_overrun_pct", "Kostnadsoverskridelse (%)", "Cost overrun (%)", -30.0, 100.0, 5.0),
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
    charts: list[figures.Chart] = field(default_factory=list)

    def key_figures(self) -> pd.DataFrame:
        """Key figures under these assumptions, beside the plan as written."""
        df = tables.key_figures_table(self.result, self.lang)
        if self.baseline is not None:
            column = t(self.lang, "Standardforutsetninger", "Default assumptions")
            df[column] = tables.key_figures_table(self.baseline, self.lang).iloc[:, 1].to_numpy()
            df.attrs["numeric"] = [*df.attrs.get("numeric", []), column]
        return df

    def summary(self) -> str:
        """One sentence on what changed, e.g. for the plain-text output."""
        r = self.result
        text = t(
            self.lang,
            f"{self.plan.project.name}: netto nåverdi {fmt_nok(r.npv, self.lang, short=True)}",
            f"{self.plan.project.name}: net present value {fmt_nok(r.npv, self.lang, short=True)}",
        )
        if self.baseline is not None:
            text += t(
                self.lang,
                f" (standardforutsetninger: {fmt_nok(self.baseline.npv, self.lang, short=True)})",
                f" (default assumptions: {fmt_nok(self.baseline.npv, self.lang, short=True)})",
            )
        if r.monte_carlo is not None:
            text += t(
                self.lang,
                f"; sannsynlighet for positiv nåverdi {fmt_percent(r.monte_carlo.prob_positive, self.lang, 0)}",
                f"; probability of a positive NPV {fmt_percent(r.monte_carlo.prob_positive, self.lang, 0)}",
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
    return t(
        lang,
        f"Kalkulasjonsrente: {rate}; timekostnad {fmt_nok(settings.hourly_cost, lang)}; "
        f"forsinkelse {settings.delay_years} år; gevinster × {fmt_number(settings.benefit_scale, 2, lang)}; "
        f"kostnadsoverskridelse {fmt_percent(settings.cost_overrun_pct / 100, lang, 0)}.",
        f"Discount rate: {rate}; hourly cost {fmt_nok(settings.hourly_cost, lang)}; "
        f"delay {settings.delay_years} years; benefits × {fmt_number(settings.benefit_scale, 2, lang)}; "
        f"cost overrun {fmt_percent(settings.cost_overrun_pct / 100, lang, 0)}.",
    )


def explore(
    plan: Plan,
    workspace: Workspace,
    settings: Settings | None = None,
    lang: str = "nb",
    *,
    draws: int | None = None,
    charts: bool = True,
) -> Exploration:
    """Analyse ``plan`` under the slider values and build the explorer's charts.

    ``draws`` defaults to the workspace's Monte Carlo draws. The charts are the
    cash flow, the cumulative discounted flow, the Monte Carlo distribution and
    the tornado (all from :mod:`gevinst.report.figures`).
    """
    settings = settings or defaults(workspace)
    assumptions = to_assumptions(settings, workspace)
    result = cba_model.analyse(plan, workspace, assumptions, draws=draws)
    baseline = None
    if assumptions != cba_model.Assumptions():
        baseline = cba_model.analyse(plan, workspace, draws=draws)
    out = Exploration(plan, settings, assumptions, result, baseline, lang)
    if charts:
        out.charts = [
            figures.cash_flow(result, lang),
            figures.cumulative_discounted(result, lang),
            figures.monte_carlo_histogram(result, lang),
            figures.tornado(result, lang),
        ]
    return out


def render(exploration: Exploration, workspace: Workspace) -> None:
    """Display an exploration: assumptions, key figures and charts (in a notebook)."""
    from IPython.display import display

    lang = exploration.lang
    display(
        {
            "text/markdown": f"**{exploration.summary()}** {describe_settings(exploration.settings, workspace, lang)}",
            "text/plain": exploration.summary(),
        },
        raw=True,
    )
    tables.show_table(
        exploration.key_figures(),
        t(lang, "Nøkkeltall med valgte forutsetninger", "Key figures under the chosen assumptions"),
        row_headers=True,
        lang=lang,
    )
    for chart in exploration.charts:
        figures.show(chart)


# --------------------------------------------------------------------------- widgets


class Explorer:
    """ipywidgets around :func:`explore`: a project dropdown and the five sliders.

    ``plans`` maps project id → plan. Interactively, moving a slider redraws the
    results in :attr:`output`; :meth:`update` with ``static=True`` displays them
    as ordinary cell outputs (what a headless papermill run keeps).
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
        start = defaults(workspace)
        options = [(p.project.name, pid) for pid, p in plans.items()]
        self.project = w.Dropdown(
            options=options,
            value=project_id if project_id in plans else options[0][1],
            description=t(lang, "Prosjekt", "Project"),
            style={"description_width": "initial"},
            layout=w.Layout(width="60%"),
        )
        self.sliders: dict[str, Any] = {}
        for s in SLIDERS:
            value = getattr(start, s.key)
            cls = (
                w.IntSlider if isinstance(s.step, int) and isinstance(value, int) else w.FloatSlider
            )
            low, high = min(s.low, value), max(s.high, value)
            self.sliders[s.key] = cls(
                value=value,
                min=low,
                max=high,
                step=s.step,
                description=s.label(lang),
                continuous_update=False,
                style={"description_width": "14em"},
                layout=w.Layout(width="70%"),
            )
        self.reset_button = w.Button(description=t(lang, "Tilbakestill", "Reset"))
        self.reset_button.on_click(lambda _b: self.reset())
        self.output = w.Output()
        self.controls = w.VBox([self.project, *self.sliders.values(), self.reset_button])
        self.last: Exploration | None = None
        for widget in (self.project, *self.sliders.values()):
            widget.observe(self._changed, names="value")

    # -- state

    def settings(self) -> Settings:
        """The current slider values."""
        values = {k: s.value for k, s in self.sliders.items()}
        values["delay_years"] = int(values["delay_years"])
        return Settings(**values)

    def set(self, **values: Any) -> None:
        """Set sliders by key (as a person would move them); redraws once observers fire."""
        for key, value in values.items():
            self.sliders[key].value = value

    def reset(self) -> None:
        start = defaults(self.workspace)
        for key, slider in self.sliders.items():
            slider.value = getattr(start, key)

    def compute(self) -> Exploration:
        plan = self.plans[self.project.value]
        self.last = explore(plan, self.workspace, self.settings(), self.lang, draws=self.draws)
        return self.last

    # -- display

    def _changed(self, _change: Any) -> None:
        self.update(static=False)

    def update(self, *, static: bool = True) -> Exploration:
        """Recompute and display: into the output widget, or as ordinary outputs (``static``)."""
        result = self.compute()
        if static:
            render(result, self.workspace)
        else:
            from IPython.display import clear_output

            with self.output:
                clear_output(wait=True)
                render(result, self.workspace)
        return result

    def display(self) -> None:
        """Show the controls, a line saying what they do (kept in static copies), and the output area."""
        from IPython.display import display

        display(self.controls)
        show_text(controls_text(self.lang))
        display(self.output)


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
    "render",
    "to_assumptions",
]
