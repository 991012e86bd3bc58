"""Figures: every function returns a Chart (Figure + non-empty alt text) that renders,
on a small plan built here and on the example workspace; plan text is escaped."""

from __future__ import annotations

import datetime as dt
import html
import io
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from gevinst.io.workspace import load
from gevinst.model import cba, portfolio, tracking
from gevinst.model.schema import Measurement, Plan, Workspace
from gevinst.report import figures
from gevinst.report.figures import Chart

AS_OF = dt.date(2025, 11, 25)
HOSTILE = "<script>alert(1)</script>"


# --------------------------------------------------------------------------- a small plan


def small_plan(
    name: str = "Digital dialog med innbyggerne", benefit_name: str = "Spart tid"
) -> Plan:
    """Two effektmål, two resultatmål, three benefits (one non-priced), one ulempe."""
    return Plan.model_validate(
        {
            "project": {
                "id": "test-prosjekt",
                "name": name,
                "organisation": "Kongsbergregionen",
                "municipalities": ["Kongsberg", "Notodden"],
                "owner": "Rådmannsutvalget",
                "project_manager": "Kari Nordmann",
                "phase": "BP3",
                "start_date": "2024-01-01",
                "end_date": "2025-12-31",
                "price_year": 2024,
                "analysis_years": 8,
            },
            "goals": {
                "main_goal": "Innbyggerne i regionen får enkel og trygg digital kontakt med "
                "kommunen, uansett hvor de bor og når på døgnet de tar kontakt."
            },
            "effect_goals": [
                {"id": "E1", "text": "Færre manuelle henvendelser", "indicator": "Henvendelser"},
                {
                    "id": "E2",
                    "text": "Raskere saksbehandling av byggesøknader og andre søknader som "
                    "krever dokumentasjon",
                    "indicator": "Dager",
                },
            ],
            "result_goals": [
                {
                    "id": "R1",
                    "text": "Chatbot og digitale skjema for de 26 mest brukte tjenestene",
                    "effect_goal": "E1",
                    "indicator": "Tjenester",
                    "unit": "tjenester",
                    "baseline": 4,
                    "baseline_date": "2024-01-01",
                    "target": 26,
                    "due_date": "2025-12-31",
                    "owner": "Prosjektleder",
                },
                {
                    "id": "R2",
                    "text": "Alle ansatte har fått opplæring",
                    "effect_goal": "E2",
                    "indicator": "Andel",
                    "unit": "%",
                    "baseline": 0,
                    "baseline_date": "2024-01-01",
                    "target": 100,
                    "due_date": "2025-06-30",
                },
            ],
            "benefits": [
                {
                    "id": "G1",
                    "name": benefit_name,
                    "effect_goal": "E1",
                    "owner": "Leder servicetorget",
                    "kind": "time",
                    "category": "freed_resources",
                    "indicator": "Manuelle henvendelser per år",
                    "unit": "henvendelser/år",
                    "direction": "decrease",
                    "baseline": 52000,
                    "baseline_date": "2024-01-01",
                    "target": 36000,
                    "target_date": "2026-12-31",
                    "valuation": {"hours_per_unit": 0.25},
                    "profile": "s_curve",
                    "uncertainty": {"low": 0.6, "likely": 1.0, "high": 1.2},
                    "frequency": "quarterly",
                },
                {
                    "id": "G2",
                    "name": "Kortere saksbehandlingstid",
                    "effect_goal": "E2",
                    "owner": "Byggesakssjef",
                    "kind": "quality",
                    "category": "non_priced",
                    "indicator": "Dager",
                    "unit": "dager",
                    "direction": "decrease",
                    "baseline": 40,
                    "baseline_date": "2024-01-01",
                    "target": 25,
                    "target_date": "2026-06-30",
                    "frequency": "monthly",
                },
                {
                    "id": "G3",
                    "name": "Lavere portokostnader",
                    "effect_goal": "E1",
                    "owner": "Økonomisjef",
                    "kind": "cash",
                    "category": "own_budget",
                    "indicator": "Brev per år",
                    "unit": "brev",
                    "direction": "decrease",
                    "baseline": 20000,
                    "baseline_date": "2024-01-01",
                    "target": 5000,
                    "target_date": "2025-12-31",
                    "valuation": {"nok_per_unit": 14},
                    "frequency": "yearly",
                    "municipalities": ["Kongsberg"],
                },
            ],
            "disbenefits": [
                {
                    "id": "U1",
                    "name": "Mer veiledning av innbyggere",
                    "effect_goal": "E1",
                    "owner": "Leder servicetorget",
                    "kind": "time",
                    "category": "freed_resources",
                    "indicator": "Timer veiledning",
                    "unit": "timer",
                    "direction": "decrease",
                    "baseline": 0,
                    "baseline_date": "2024-01-01",
                    "target": 500,
                    "target_date": "2025-12-31",
                    "valuation": {"hours_per_unit": 1},
                    "frequency": "yearly",
                }
            ],
            "costs": [
                {
                    "id": "K1",
                    "name": "Lisens",
                    "category": "operation",
                    "amounts": {2024: 450000, 2025: 450000, 2026: 450000},
                },
                {
                    "id": "K2",
                    "name": "Innføring",
                    "category": "investment",
                    "amounts": {2024: 1200000},
                    "uncertainty": {"low": 0.9, "likely": 1.0, "high": 1.5},
                },
            ],
            "non_priced_effects": [
                {
                    "id": "V1",
                    "name": "Bedre tilgjengelighet",
                    "affected": "Innbyggere",
                    "significance": "medium",
                    "scope": "large",
                    "score": "++",
                    "justification": "Døgnåpent",
                },
                {
                    "id": "V2",
                    "name": "Digitalt utenforskap",
                    "affected": "Eldre",
                    "significance": "large",
                    "scope": "small",
                    "score": -1,
                    "justification": "Noen faller utenfor",
                },
            ],
            "risks": [
                {"id": "RI1", "description": "Lav bruk", "probability": 3, "consequence": 4},
                {"id": "RI2", "description": "Sen leveranse", "probability": 2, "consequence": 3},
                {
                    "id": "RI3",
                    "description": "Nøkkelperson slutter",
                    "probability": 5,
                    "consequence": 5,
                },
            ],
            "milestones": [
                {
                    "id": "M1",
                    "name": "Konsept godkjent",
                    "date": "2023-10-01",
                    "decision_point": "BP2",
                    "done": True,
                },
                {
                    "id": "M2",
                    "name": "Oppstart",
                    "date": "2024-01-15",
                    "decision_point": "BP3",
                    "done": True,
                },
                {"id": "M3", "name": "Chatbot i drift", "date": "2024-09-01", "done": True},
                {
                    "id": "M4",
                    "name": "Overlevering til linjen",
                    "date": "2025-11-01",
                    "decision_point": "BP4",
                },
                {
                    "id": "M5",
                    "name": "Prosjektet avsluttet",
                    "date": "2026-03-01",
                    "decision_point": "BP5",
                },
            ],
        }
    )


def small_workspace() -> Workspace:
    return Workspace.model_validate(
        {
            "organisation": "Test",
            "hourly_cost": 720,
            "municipalities": [
                {"name": "Kongsberg", "population": 28420},
                {"name": "Notodden", "population": 13150},
            ],
            "monte_carlo": {"draws": 2000, "seed": 1},
        }
    )


def small_measurements() -> list[Measurement]:
    rows = [
        ("G1", "2024-06-30", 51000),
        ("G1", "2024-12-31", 48500),
        ("G1", "2025-06-30", 45000),
        ("G1", "2025-09-30", 44000),
        ("G2", "2024-12-31", 38),
        ("G2", "2025-03-31", 37),
        ("G3", "2024-12-31", 15000),
        ("R1", "2024-06-30", 8),
        ("R1", "2025-10-31", 18),
        ("U1", "2025-09-30", 300),
    ]
    return [Measurement(target_id=a, date=b, value=c) for a, b, c in rows]


def project_charts(
    plan: Plan, ws: Workspace, ms: list[Measurement], as_of: dt.date, lang: str
) -> dict[str, Chart]:
    statuses = tracking.project_status(plan, ms, as_of, ws)
    result = cba.analyse(plan, ws, draws=500)
    charts = {
        "benefit_map": figures.benefit_map(plan, lang),
        "result_progress": figures.result_progress(statuses, lang),
        "cash_flow": figures.cash_flow(result, lang),
        "cumulative_discounted": figures.cumulative_discounted(result, lang),
        "tornado": figures.tornado(result, lang),
        "monte_carlo_histogram": figures.monte_carlo_histogram(result, lang),
        "municipality_bars": figures.municipality_bars(result, lang),
        "risk_matrix": figures.risk_matrix(plan, lang),
        "milestone_timeline": figures.milestone_timeline(plan, as_of, lang),
    }
    for i, chart in enumerate(figures.benefit_charts(plan, ms, statuses, lang)):
        charts[f"benefit_chart_{i}"] = chart
    return charts


def portfolio_charts(
    plans: dict[str, Plan], ws: Workspace, ms: dict, as_of: dt.date, lang: str
) -> dict[str, Chart]:
    npv = {pid: cba.analyse(p, ws, monte_carlo=False).npv for pid, p in plans.items()}
    statuses = tracking.portfolio_status(plans, ms, as_of, ws)
    roll = portfolio.rollup(statuses, npv, plans, ws, as_of)
    return {
        "portfolio_overview": figures.portfolio_overview(roll, lang),
        "portfolio_status_counts": figures.portfolio_status_counts(roll, lang),
        "portfolio_municipalities": figures.portfolio_municipalities(roll, lang),
        "roadmap": figures.roadmap(plans, ws, as_of, lang),
    }


def assert_chart(chart: Chart) -> None:
    fig, alt = chart.figure, chart.alt
    assert isinstance(fig, Figure)
    assert isinstance(alt, str) and len(alt.strip()) > 20
    # a short summary without symbols a screen reader would read aloud (issue 8)
    assert len(alt) <= figures.MAX_ALT, (len(alt), alt)
    assert not any(symbol in alt for symbol in ("✔", "▲", "✖", "○", "?")), alt
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=40)  # drawing catches layout and text errors
    assert buf.getvalue().startswith(b"\x89PNG")


def texts(fig: Figure) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(Text))


# --------------------------------------------------------------------------- small plan


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_project_figure_on_a_small_plan(lang):
    charts = project_charts(small_plan(), small_workspace(), small_measurements(), AS_OF, lang)
    assert len([k for k in charts if k.startswith("benefit_chart")]) == 4  # 3 gevinster + 1 ulempe
    for chart in charts.values():
        assert_chart(chart)


def test_alt_text_is_norwegian_by_default_and_english_on_request():
    nb = figures.risk_matrix(small_plan()).alt
    en = figures.risk_matrix(small_plan(), "en").alt
    assert nb.startswith("Risikomatrise med 3 risikoer, høyest først: RI3")
    assert en.startswith("Risk matrix with 3 risks, highest first: RI3")


def test_benefit_map_names_every_box_and_owner():
    chart = figures.benefit_map(small_plan())
    drawn = texts(chart.figure)
    for word in (
        "Resultatmål R1",
        "Gevinst G1",
        "Ulempe U1",
        "Effektmål E2",
        "Hovedmål",
        "Eier: Økonomisjef",
    ):
        assert word in drawn
    assert "2 resultatmål, 3 gevinster og 1 ulempe bidrar til 2 effektmål" in chart.alt
    # every link of the map is in the table under it, not in the alt text
    links = chart.data.set_index("Bidrar")["Til effektmål"]
    assert links["gevinst G3 «Lavere portokostnader» (eier: Økonomisjef)"].startswith("E")


def test_status_is_told_by_symbol_and_word_not_colour_alone():
    plan, ws, ms = small_plan(), small_workspace(), small_measurements()
    statuses = {s.id: s for s in tracking.project_status(plan, ms, AS_OF, ws)}
    assert statuses["G3"].status == "red"
    chart = figures.benefit_chart(plan.benefits[2], statuses["G3"], ms)
    assert "✖ Bak plan" in texts(chart.figure)
    assert "Bak plan" in chart.alt and "✖" not in chart.alt  # the word, not the symbol
    progress = figures.result_progress(list(statuses.values()))
    assert "? Ikke målt" in texts(progress.figure) or "✖ Bak plan" in texts(progress.figure)


def test_benefit_chart_alt_reads_the_numbers_in_norwegian():
    plan, ws, ms = small_plan(), small_workspace(), small_measurements()
    status = tracking.project_status(plan, ms, AS_OF, ws)[0]
    alt = figures.benefit_chart(plan.benefits[0], status, ms).alt
    assert "Siste måling er 44\u00a0000 henvendelser/år (30.09.2025)" in alt
    assert "50\u00a0% av endringen er realisert" in alt
    assert alt.endswith("Tallene står i tabellen under figuren.")
    data = figures.benefit_chart(plan.benefits[0], status, ms).data
    assert list(data.columns) == ["Dato", "Målt (henvendelser/år)", "Plan (henvendelser/år)"]
    assert "30.09.2025" in list(data["Dato"])


def test_monte_carlo_histogram_names_the_p_values():
    result = cba.analyse(small_plan(), small_workspace(), draws=500)
    chart = figures.monte_carlo_histogram(result)
    drawn = texts(chart.figure)
    for p in ("P10", "P15 (85 % minst)", "P50", "P90", "P(NNV > 0)"):
        assert p in drawn
    # the alt text says the tails in words; every percentile is in the table under it
    assert "median" in chart.alt and "med 85 % sannsynlighet minst" in chart.alt
    no_mc = cba.analyse(small_plan(), small_workspace(), monte_carlo=False)
    assert "ikke kjørt" in figures.monte_carlo_histogram(no_mc).alt


def test_a_plan_with_nothing_optional_still_draws():
    plan = small_plan().model_copy(
        update={
            "risks": [],
            "milestones": [],
            "result_goals": [],
            "non_priced_effects": [],
            "disbenefits": [],
        }
    )
    assert "ingen risikoer" in figures.risk_matrix(plan).alt
    assert "Ingen milepæler" in figures.milestone_timeline(plan, AS_OF).alt
    assert "Ingen resultatmål" in figures.result_progress([]).alt
    assert_chart(figures.benefit_map(plan))


def test_dollar_signs_in_plan_text_are_plain_text():
    plan = small_plan(name="Spar $5 og $10", benefit_name="Kost $x$ per sak")
    chart = figures.benefit_map(plan)
    assert_chart(chart)
    assert "Kost $x$ per sak" in texts(chart.figure)


# --------------------------------------------------------------------------- escaping


def test_show_escapes_hostile_alt_text(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append(obj))
    plan = small_plan(name=HOSTILE, benefit_name=HOSTILE)
    chart = figures.benefit_map(plan)
    assert HOSTILE in chart.alt  # the alt text is the plain text …
    figures.show(chart)
    markup = shown[0]["text/html"]
    assert "<script>" not in markup  # … and HTML-escaped in the output
    assert html.escape(HOSTILE, quote=True) in markup
    assert markup.count("<img ") == 1 and 'src="data:image/png;base64,' in markup
    assert shown[0]["text/plain"] == chart.alt


def test_figure_html_quotes_cannot_break_out_of_the_alt_attribute():
    plan = small_plan(name='x" onerror="alert(1)')
    markup = figures.figure_html(figures.benefit_map(plan), caption="<b>cap</b>")
    assert 'onerror="alert' not in markup
    assert "&quot; onerror=&quot;alert(1)" in markup
    assert "<figcaption>&lt;b&gt;cap&lt;/b&gt;</figcaption>" in markup


def test_show_with_a_bare_figure_needs_alt_text():
    with pytest.raises(TypeError):
        figures.show(Figure())


# --------------------------------------------------------------------------- example workspace


@pytest.fixture
def example(workspace: Path):
    return load(workspace)


def test_portfolio_figures_in_english(example):
    charts = portfolio_charts(
        example.plans, example.workspace, example.measurements, dt.date(2026, 11, 25), "en"
    )
    assert charts["portfolio_overview"].alt.startswith("The portfolio as of 25 Nov 2026")
    assert "✔ On track" in texts(charts["portfolio_status_counts"].figure)


# --------------------------------------------------------------------------- legibility


def legibility(chart: Chart) -> tuple[float, int]:
    """(the smallest text size drawn, in pt; the width it is shown at, in CSS px)."""
    fig = chart.figure
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=72, bbox_inches="tight")
    sizes = [
        x.get_fontsize() for x in fig.findobj(Text) if x.get_visible() and x.get_text().strip()
    ]
    return min(sizes), figures.css_width(buf.getvalue(), 72)


def test_every_figure_on_the_example_workspace_draws_legibly(example):
    # Every figure draws (assert_chart). Legibility: body text is 16 px (templates/gevinst_html); 0.8 × 16 = 12.8 px = 9.6 pt at 96 px
    # per inch. Every chart is drawn at most 960 px wide (the report column), so it is
    # shown at the size it was drawn (tests/test_report_axe.py checks that in a browser).
    assert figures.SMALL_PT * 96 / 72 >= 0.8 * 16
    as_of = dt.date(2026, 12, 1)
    ws = example.workspace
    charts = {}
    for pid, plan in example.plans.items():
        for name, chart in project_charts(plan, ws, example.measurements.get(pid, []), as_of,
                                          "nb").items():  # fmt: skip
            charts[(pid, name)] = chart
    for name, chart in portfolio_charts(example.plans, ws, example.measurements, as_of,
                                        "nb").items():  # fmt: skip
        charts[("portfolio", name)] = chart
    bad = illegible(charts)
    assert bad == [], "\n".join(map(str, bad))


def illegible(charts: dict) -> list[tuple]:
    """Every chart draws (:func:`assert_chart`); the ones with text under 10 pt, wider
    than the 960 px column or with a text colour under the WCAG contrast (then freed)."""
    bad = []
    for key, chart in charts.items():
        assert_chart(chart)
        smallest, width = legibility(chart)
        if smallest < figures.SMALL_PT or width > figures.MAX_WIDTH_IN * 96:
            bad.append((key, smallest, width))
        for text, background, ratio in text_contrasts(chart.figure):
            if ratio < figures.MIN_CONTRAST:
                bad.append((key, text, background, round(ratio, 2)))
        chart.figure.clear()
    return bad


def _over(colour, alpha, under) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    top, bottom = to_rgb(colour), to_rgb(under)
    return tuple(alpha * a + (1 - alpha) * b for a, b in zip(top, bottom, strict=True))


def text_contrasts(fig: Figure):
    """(text, background, contrast) for every visible text of a drawn figure.

    The background is the text's own box (composited over what lies under it), else the
    topmost filled rectangle or box of its axes under the text's centre (a risk-matrix
    cell, a bar), else the axes' or the figure's face colour.
    """
    from matplotlib.colors import to_rgba
    from matplotlib.patches import FancyBboxPatch, Rectangle

    fig.canvas.draw()
    for text in fig.findobj(Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        ax = text.axes
        under = ax.get_facecolor() if ax is not None else fig.get_facecolor()
        if ax is not None:
            extent = text.get_window_extent()
            x, y = (extent.x0 + extent.x1) / 2, (extent.y0 + extent.y1) / 2
            patches = [
                p for p in ax.patches
                if isinstance(p, Rectangle | FancyBboxPatch) and p.get_fill()
                and p.get_zorder() <= text.get_zorder() and p.contains_point((x, y))
            ]  # fmt: skip
            if patches:
                top = max(patches, key=lambda p: p.get_zorder())
                under = _over(top.get_facecolor()[:3], top.get_facecolor()[3], "white")
        box = text.get_bbox_patch()
        if box is not None and box.get_fill():
            rgba = to_rgba(box.get_facecolor())
            alpha = rgba[3] if box.get_alpha() is None else box.get_alpha()
            under = _over(rgba[:3], alpha, under[:3] if len(under) > 3 else under)
        background = under[:3] if len(under) > 3 else under
        yield text.get_text()[:30], background, figures.contrast_ratio(text.get_color(), background)


def copies(example, n: int = 20):
    """The example's 6 projects × ``n`` (ids and names numbered): a 120-project portfolio."""
    plans, ms = {}, {}
    for k in range(n):
        for pid, plan in example.plans.items():
            new = f"{pid}-{k}"
            project = plan.project.model_copy(update={"id": new, "name": f"{plan.project.name} {k}"})
            plans[new] = plan.model_copy(update={"project": project})
            ms[new] = example.measurements.get(pid, [])
    return plans, ms


def test_portfolio_alt_texts_stay_short_at_120_projects(example):
    # 6 example projects × 20 copies: the alt text is a summary whatever the size of the
    # portfolio (it was 11 542 characters at 120 projects); the numbers are in the tables.
    plans, ms = copies(example)
    assert len(plans) == 120
    charts = portfolio_charts(plans, example.workspace, ms, dt.date(2026, 12, 1), "nb")
    for name, chart in charts.items():
        assert 20 < len(chart.alt) <= figures.MAX_ALT, (name, len(chart.alt), chart.alt)
        chart.figure.clear()


def _labels(ax) -> list[str]:
    return [x.get_text().replace("\n", " ") for x in ax.get_yticklabels()]


def _bars(ax) -> dict[int, list[Rectangle]]:
    """The bars of a horizontal bar chart by row (the y of their centre), left to right."""
    rows: dict[int, list[Rectangle]] = {}
    for p in ax.patches:
        if isinstance(p, Rectangle) and p.get_height() < 0.8:  # not a row's background band
            rows.setdefault(round(p.get_y() + p.get_height() / 2), []).append(p)
    return {y: sorted(v, key=lambda p: p.get_x()) for y, v in rows.items()}


def rollup_of(plans, ws, ms, as_of):
    npv = {pid: cba.analyse(p, ws, monte_carlo=False, sensitivity=False).npv for pid, p in plans.items()}
    return portfolio.rollup(tracking.portfolio_status(plans, ms, as_of, ws), npv, plans, ws, as_of)


def test_the_portfolio_charts_list_every_project_up_to_the_threshold(example):
    as_of = dt.date(2026, 12, 1)
    roll = rollup_of(example.plans, example.workspace, example.measurements, as_of)
    assert len(roll.projects) == 6 <= figures.PORTFOLIO_MAX_ROWS
    names = [figures._row_label(x.name).replace("\n", " ") for x in roll.projects]
    overview = figures.portfolio_overview(roll)
    assert _labels(overview.figure.axes[0]) == names  # plan order, one row each
    npv_bars = _bars(overview.figure.axes[0])
    for y, line in enumerate(roll.projects):
        assert npv_bars[y][0].get_width() == pytest.approx(line.npv)
    status = figures.portfolio_status_counts(roll)
    assert _labels(status.figure.axes[0]) == names
    for y, line in enumerate(roll.projects):  # counts, not shares
        widths = [p.get_width() for p in _bars(status.figure.axes[0]).get(y, [])]
        assert sum(widths) == sum(line.benefits.values())


def test_above_the_threshold_the_overview_draws_the_extremes_and_the_rest_as_an_average(example):
    as_of = dt.date(2026, 12, 1)
    plans, ms = copies(example)
    roll = rollup_of(plans, example.workspace, ms, as_of)
    chart = figures.portfolio_overview(roll)
    ax_npv, ax_nok = chart.figure.axes[:2]
    labels = _labels(ax_npv)
    assert len(labels) == figures.PORTFOLIO_MAX_ROWS  # the same size at 120 as at 15
    rest_at = next(i for i, x in enumerate(labels) if x.startswith("Øvrige"))
    shown = figures.PORTFOLIO_MAX_ROWS - 1
    assert labels[rest_at] == f"Øvrige {120 - shown} prosjekter, snitt per prosjekt"
    by_npv = sorted(roll.projects, key=lambda x: -x.npv)
    top, bottom = by_npv[:rest_at], by_npv[len(by_npv) - (shown - rest_at):]
    assert rest_at == shown - shown // 3
    bars = _bars(ax_npv)
    drawn = [bars[y][0].get_width() for y in range(len(labels)) if y != rest_at]
    assert drawn == pytest.approx([x.npv for x in top + bottom])  # highest first, lowest last
    rest = [x for x in roll.projects if x not in top + bottom]
    assert bars[rest_at][0].get_width() == pytest.approx(sum(x.npv for x in rest) / len(rest))
    # the right panel: the rest's planned and realised NOK, per project
    planned, realised = _bars(ax_nok)[rest_at]  # outline first (wider), then the fill
    assert sorted([planned.get_width(), realised.get_width()]) == pytest.approx(sorted([
        sum(x.planned_nok for x in rest) / len(rest), sum(x.realised_nok for x in rest) / len(rest)
    ]))  # fmt: skip
    assert "120 prosjekter" in chart.alt and len(chart.alt) <= figures.MAX_ALT
    # every project's numbers stay in the roll-up table the chart refers to
    from gevinst.report.tables import rollup_table

    assert len(rollup_table(roll)) == 121


def test_above_the_threshold_the_status_chart_draws_shares_for_the_portfolio_the_worst_and_the_rest(
    example,
):
    as_of = dt.date(2026, 12, 1)
    plans, ms = copies(example)
    roll = rollup_of(plans, example.workspace, ms, as_of)
    chart = figures.portfolio_status_counts(roll)
    ax = chart.figure.axes[0]
    labels = _labels(ax)
    assert len(labels) <= figures.PORTFOLIO_MAX_ROWS
    assert labels[0] == "Hele porteføljen (120 prosjekter)"
    named = len(labels) - 2
    assert labels[-1] == f"Øvrige {120 - named} prosjekter"
    assert ax.get_xlim() == (0.0, 1.0)
    bars = _bars(ax)
    for y in bars:  # every row is a whole: the shares add up to 1
        assert sum(p.get_width() for p in bars[y]) == pytest.approx(1.0)
    # the whole portfolio's green share is its count over all its benefits
    total = roll.total.benefits
    assert bars[0][0].get_width() == pytest.approx(total["green"] / sum(total.values()))
    assert f"✔ {total['green']}" in texts(chart.figure)
    # the named projects are those with most benefits and resultatmål behind plan or not measured
    def attention(x):
        return sum(c["red"] + c["grey"] for c in (x.benefits, x.results))

    worst = sorted((attention(x) for x in roll.projects), reverse=True)
    assert named >= 1
    named_lines = [x for x in roll.projects
                   if figures._row_label(x.name).replace("\n", " ") in labels[1:-1]]  # fmt: skip
    assert min(attention(x) for x in named_lines) >= worst[named - 1]
    assert "andeler" in chart.alt and len(chart.alt) <= figures.MAX_ALT


def test_the_summarised_portfolio_charts_are_legible(example):
    plans, ms = copies(example)
    charts = portfolio_charts(plans, example.workspace, ms, dt.date(2026, 12, 1), "en")
    for chart in charts.values():  # one screen tall: at most the threshold's rows (+ margins)
        assert chart.figure.get_figheight() <= 1.6 + 0.62 * (figures.PORTFOLIO_MAX_ROWS + 1)
    bad = illegible(charts)
    assert bad == [], "\n".join(map(str, bad))


def test_short_alt_keeps_whole_sentences():
    text = "Første setning med 1,5 mill. kr i seg. Andre setning. Tredje."
    assert figures.sentences(text) == [
        "Første setning med 1,5 mill. kr i seg.", "Andre setning.", "Tredje."
    ]
    assert figures.short_alt(figures.sentences(text), "Se tabellen.", limit=70) == (
        "Første setning med 1,5 mill. kr i seg. Andre setning. Se tabellen."
    )
    long = "ord " * 200
    cut = figures.short_alt([long], "Se tabellen.")
    assert len(cut) <= figures.MAX_ALT and cut.endswith("… Se tabellen.")


def test_the_contrast_check_sees_text_on_a_coloured_cell():
    # harness check: the old risk-matrix label colour (#333) on the darkest zone is 3,4:1
    fig = Figure(figsize=(2, 2))
    ax = fig.add_subplot()
    ax.add_patch(Rectangle((0, 0), 1, 1, facecolor=figures.RISK_COLOURS[-1]))
    ax.text(0.5, 0.5, "svært høy", color="#333333", ha="center", va="center")
    (_, _, ratio), = list(text_contrasts(fig))
    assert ratio == pytest.approx(3.39, abs=0.01)
    # and the risk matrix itself passes: black on every zone
    chart = figures.risk_matrix(small_plan())
    assert min(r for _, _, r in text_contrasts(chart.figure)) >= figures.MIN_CONTRAST


def test_a_dis_benefits_target_star_lies_on_its_plan_line(example):
    # velferdsteknologi U1: explicit fractions 0.6, 1.0, 0.5, 0.2 from 2024: the plan peaks
    # at the target 2 400 in 2025 and falls to 1 798 by the end of the window (31.12.2025)
    plan = example.plans["velferdsteknologi"]
    u1 = plan.disbenefits[0]
    chart = figures.benefit_charts(
        plan, example.measurements["velferdsteknologi"],
        tracking.project_status(plan, example.measurements["velferdsteknologi"],
                                dt.date(2026, 12, 1), example.workspace),
    )[-1]  # fmt: skip
    ax = chart.figure.axes[0]
    plan_line, star = ax.lines[0], next(x for x in ax.lines if x.get_marker() == "*")
    x, y = star.get_xdata()[0], star.get_ydata()[0]
    days = list(plan_line.get_xdata())
    assert y == pytest.approx(plan_line.get_ydata()[days.index(x)])  # on the line
    assert y == pytest.approx(u1.target, rel=0.01)  # at the target value
    # a benefit's star is at its target date, as before
    g1 = plan.benefits[0]
    dates = [g1.baseline_date, tracking.item_target_date(g1)]
    assert figures.target_on_plan(g1, dates[1], dates, tracking.planned_trajectory(g1, dates)) == (
        dates[1], pytest.approx(g1.target)
    )


def _label_boxes(chart: Chart) -> list:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = chart.figure
    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # the layout and the text extents as they are saved
    renderer = canvas.get_renderer()
    ax = fig.axes[0]
    return [  # the milestone labels (name and date lines), not the as-of mark
        t.get_bbox_patch().get_window_extent(renderer)
        for t in ax.texts
        if t.get_bbox_patch() and "\n" in t.get_text()
    ]


@pytest.mark.parametrize("days_apart", [3, 40, 120])
def test_milestone_labels_never_overlap_however_close_the_dates(days_apart: int) -> None:
    # BP1–BP5 and two milestones a few days apart: the labels stack in tiers instead
    # of covering each other (seen on synthetic plans with BP1–BP3 within seven months)
    first = dt.date(2025, 2, 28)
    milestones = [
        {
            "id": f"M{k}",
            "name": "Konseptvalg godkjent av styringsgruppen" if k % 2 else "Start planlegging",
            "date": (first + dt.timedelta(days=days_apart * k)).isoformat(),
            **({"decision_point": f"BP{k + 1}"} if k < 5 else {}),
            "done": k < 3,
        }
        for k in range(7)
    ]
    plan = small_plan().model_copy(
        update={"milestones": Plan.model_validate(
            {**small_plan().model_dump(mode="json"), "milestones": milestones}
        ).milestones}
    )  # fmt: skip
    chart = figures.milestone_timeline(plan, AS_OF)
    boxes = _label_boxes(chart)
    assert len(boxes) == 7
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), (a, b)
    width, height = chart.figure.bbox.width, chart.figure.bbox.height
    for box in boxes:  # inside the figure
        assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= width + 1 and box.y1 <= height + 1


def test_stagger_labels_uses_the_first_free_tier() -> None:
    # three labels 1 inch wide at 0, 0.5 and 3 inches: alternate sides; the third goes
    # back to the first tier above, which is free that far right
    places = figures.stagger_labels([0.0, 0.5, 1.0, 3.0], [1.0] * 4, [3, 2, 3, 2])
    assert places == [(1.0, 3.0), (-1.0, 2.0), (4.5, 3.0), (-1.0, 2.0)]


def test_frozen_date_ticks_give_the_same_image_to_the_byte(example):
    """figure_html fixes each date axis's ticks once (freeze_date_ticks) instead of letting
    the AutoDateLocator work them out at every measuring and drawing pass: the images must
    be the very same bytes, for every chart of a project and for the road map."""
    import base64
    import re

    import matplotlib.dates as mdates
    from matplotlib.ticker import FixedLocator

    plan, ws, ms = small_plan(), small_workspace(), small_measurements()

    def build() -> dict[str, Chart]:
        return {
            **project_charts(plan, ws, ms, AS_OF, "nb"),
            **portfolio_charts(example.plans, example.workspace, example.measurements, AS_OF, "nb"),
        }

    def locators(chart: Chart) -> list:
        return [axis.get_major_locator() for ax in chart.figure.axes for axis in (ax.xaxis, ax.yaxis)]

    plain, frozen = build(), build()
    dated = 0
    for name, chart in plain.items():
        buf = io.BytesIO()  # what figure_html did before: save with the locators as they are
        chart.figure.savefig(buf, format="png", dpi=144,
                             pil_kwargs={"compress_level": figures.PNG_COMPRESSION})  # fmt: skip
        twin = frozen[name]
        was_dated = any(isinstance(loc, mdates.AutoDateLocator) for loc in locators(twin))
        markup = figures.figure_html(twin)
        png = base64.b64decode(re.search(r'base64,([^"]+)"', markup).group(1))
        assert png == buf.getvalue(), name
        if was_dated:
            dated += 1
            assert not any(isinstance(loc, mdates.AutoDateLocator) for loc in locators(twin))
            assert any(isinstance(loc, FixedLocator) for loc in locators(twin))
    assert dated >= 3, dated  # the benefit charts and the milestone time line at least
