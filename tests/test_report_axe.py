"""All seven example reports (``gevinst report --all`` at 01.12.2026) in headless Chromium:
axe-core finds no violation, no table is wider than the page at 1 280 px, every region
that scrolls can be reached by keyboard and is named, the chart text is at least 0,8 ×
the body text, every alt text is a short summary, and the portfolio report's links to
the project reports lead to files that are there.

Needs Debian's ``chromium`` and ``chromium-driver``, selenium (a test extra) and
axe-core from npm (``npm ci``, pinned in ``package.json``); skipped, saying which is
missing, when one is not there (see ``tests/axe_browser.py``). The reports are made
once for the module (about 25 s on two cores), the browser checks take about 12 s.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from axe_browser import WIDTH, browser, check_page, missing
from bs4 import BeautifulSoup

from gevinst.report.runner import run_reports

REPO = Path(__file__).resolve().parents[1]
AS_OF = "2026-12-01"
"""The date of issue 8's walk-through (the 1st of a month, when a cron job runs)."""
MAX_ALT = 300

REASON = missing()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("axe")
    shutil.copytree(REPO / "data", root / "data")
    summary = run_reports(root / "data", None, out=root / "out", as_of=AS_OF, jobs=2,
                          progress=False)  # fmt: skip
    assert summary.exit_code == 0, [r.error for r in summary.failed]
    pages = sorted(summary.out_dir.glob("*.html"))
    assert len(pages) == 7, pages  # six projects and the portfolio
    return pages


@pytest.fixture(scope="module")
def checks(reports: list[Path]) -> dict[str, object]:
    with browser() as driver:
        return {page.stem: check_page(driver, page) for page in reports}


def test_axe_core_finds_no_violation_on_any_report(checks) -> None:
    problems = [line for check in checks.values() for line in check.summary()]
    assert problems == []


def test_no_table_is_wider_than_the_page_at_1280_px(checks) -> None:
    for name, check in checks.items():
        layout = check.layout
        assert layout["viewport"] == WIDTH
        assert layout["pageWidth"] <= WIDTH, name
        assert layout["overflow"] == [], name


def test_every_scrolling_region_is_focusable_and_named(checks) -> None:
    for name, check in checks.items():
        for region in check.layout["scrollers"]:
            assert region["tabindex"] == "0" and region["label"], (name, region)


def test_charts_are_shown_at_their_own_size(checks) -> None:
    # Each chart's <img width> is its drawn size in CSS px (96 per inch); shown at that
    # size, its text is as large as it was drawn (tests/test_figures.py checks that this
    # is at least 0,8 × the body text). A chart squeezed into the column would shrink it.
    for name, check in checks.items():
        for image in check.layout["images"]:
            assert image["css"] > 0, (name, image["alt"][:60])
            assert image["shown"] >= image["css"] - 1, (name, image["alt"][:60], image)


def test_alt_texts_are_short_summaries(checks) -> None:
    for name, check in checks.items():
        for image in check.layout["images"]:
            assert 20 <= len(image["alt"]) <= MAX_ALT, (name, len(image["alt"]), image["alt"])


def test_the_portfolio_links_to_every_project_report(reports: list[Path]) -> None:
    portfolio = next(p for p in reports if p.stem == "portefolje")
    soup = BeautifulSoup(portfolio.read_text(encoding="utf-8"), "html.parser")
    targets = set()
    for a in soup.find_all("a", href=True):
        url = urlparse(a["href"])
        if url.scheme or url.netloc or not url.path:
            continue  # in-page links (#...) and none to anywhere else
        assert not url.path.startswith("/"), a["href"]  # relative, so it works from a zip
        assert (portfolio.parent / unquote(url.path)).exists(), a["href"]
        targets.add(unquote(url.path))
    assert targets == {p.name for p in reports if p.stem != "portefolje"}
