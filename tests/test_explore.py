"""The explorer's widgets without a browser: results at once, always for the project and
values on screen, one recomputation per change (also for a reset), Norwegian readouts,
live charts that skip what did not change, and no object repr anywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from gevinst.io.workspace import load
from gevinst.model import cba
from gevinst.report import explore, live
from gevinst.report.text import NBSP

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def example():
    return load(REPO / "data")


@pytest.fixture
def app(example):
    return explore.Explorer(example.plans, example.workspace, "digital-dialog", draws=400)


def _npv_cell(app) -> str:
    soup = BeautifulSoup(app.table.value, "html.parser")
    return soup.find("tbody").find("tr").get_text(" ", strip=True)


def test_results_are_there_at_once(app):
    assert app.timings and len(app.timings) == 1  # computed in the constructor
    assert "Nøkkeltall med valgte forutsetninger" in app.table.value
    assert all('src="data:image/png;base64,' in image.value for image in app.images)
    assert all(re.search(r'alt="[^"]{30,}"', image.value) for image in app.images)
    assert app.summary.value.startswith("<p>Digital dialog med innbyggerne: netto nåverdi")


def test_readouts_are_norwegian(app):
    assert app.readouts["hourly_cost"].value == "720,00"
    assert app.readouts["discount_rate_pct"].value == f"4,0{NBSP}%"
    app.set(hourly_cost=730, cost_overrun_pct=-5)
    assert app.readouts["hourly_cost"].value == "730,00"
    assert app.readouts["cost_overrun_pct"].value == f"−5,0{NBSP}%"
    assert all(s.readout is False for s in app.sliders.values())  # not the browser's 720.00


def test_every_change_recomputes_once_for_what_is_on_screen(app, example):
    before = _npv_cell(app)
    app.sliders["benefit_scale"].value = 0.5  # as a person moves it: the observer fires
    assert len(app.timings) == 2
    assert app.last.settings.benefit_scale == 0.5 and _npv_cell(app) != before
    app.project.value = "felles-erp"
    assert len(app.timings) == 3
    assert app.last.plan.project.id == "felles-erp" and app.last.settings.benefit_scale == 0.5
    expected = cba.analyse(
        example.plans["felles-erp"],
        example.workspace,
        explore.to_assumptions(app.settings(), example.workspace),
        draws=400,
    )
    assert app.last.result.npv == pytest.approx(expected.npv)
    app.set(hourly_cost=900, delay_years=2)
    assert len(app.timings) == 4
    app.reset()
    assert len(app.timings) == 5  # one recomputation for five sliders
    assert app.settings() == explore.defaults(example.workspace)
    assert app.last.baseline is None  # back at the defaults


def test_charts_are_updated_in_place_and_skipped_when_unchanged(app):
    figures_before = [c.fig for c in app.charts]
    app.set(hourly_cost=740)
    assert [c.fig for c in app.charts] == figures_before  # the same figures, artists moved
    images = [i.value for i in app.images]
    app.set(discount_rate_pct=4.0)  # no change at all: nothing is drawn again
    assert [i.value for i in app.images] == images
    assert all(not c.render(app.last.result).changed for c in app.charts)


def test_nothing_but_the_widgets_and_their_output_is_displayed(app, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objs, raw=False: shown.extend(objs))
    app.show()
    assert len(shown) == 1
    bundle = shown[0]
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"] == app.last.summary()
    assert "Nøkkeltall med valgte forutsetninger" in bundle["text/html"]
    assert len(repr(app)) < 300 and len(repr(app.last)) < 300


def test_hostile_project_name_is_text(example):
    plan = example.plans["digital-dialog"]
    hostile = plan.model_copy(
        update={"project": plan.project.model_copy(update={"name": "<img src=x onerror=alert(1)>"})}
    )
    app = explore.Explorer({"x": hostile}, example.workspace, "x", draws=400)
    markup = app.snapshot_html()
    soup = BeautifulSoup(markup, "html.parser")
    assert soup.find("img", src="x") is None
    assert "<img src=x onerror=alert(1)>: netto nåverdi" in soup.get_text()


def test_live_charts_have_a_sensible_size(app):
    for chart in app.charts:
        width, height = chart.fig.canvas.get_width_height()
        assert (width, height) == (round(live.SIZE[0] * live.DPI), round(live.SIZE[1] * live.DPI))
