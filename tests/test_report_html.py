"""The steering-group HTML: no code, self-contained, accessible, hostile text escaped.

Three levels:

- :func:`gevinst.report.export.finish_html` on hand-written HTML (what it removes,
  what it adds);
- the fixture notebooks run through the whole runner, with a plan whose project
  name is ``<script>alert(1)</script>``;
- the real report notebooks (``notebooks/``) on a copy of the example workspace:
  one project (with the hostile name) and the portfolio. That run takes some
  seconds; select it alone with ``-k real_notebooks``.
"""

from __future__ import annotations

import base64
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from test_report_runner import AS_OF, FIXTURES, make_workspace

from gevinst import __version__
from gevinst.io import workspace as ws
from gevinst.report.export import finish_html
from gevinst.report.fingerprint import input_fingerprint
from gevinst.report.runner import run_reports

REPO = Path(__file__).resolve().parents[1]
HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def assert_steering_html(html: str, lang: str = "nb") -> BeautifulSoup:
    """What every report HTML must satisfy; returns the parsed document."""
    soup = BeautifulSoup(html, "html.parser")
    # no code, no prompts
    assert "jp-InputArea" not in html
    assert "In&nbsp;[" not in html and "In [" not in html and "Out[" not in html
    assert not soup.select(".jp-CodeCell, .input_area, .highlight")
    # no scripts at all, no event handlers, nothing fetched from the network
    assert not re.search(r"<\s*script", html, re.IGNORECASE)
    assert not re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE)
    assert not soup.find_all(["iframe", "object", "embed", "link", "base"])
    assert not re.search(r"\b(src|srcset|poster)\s*=\s*[\"']?\s*(https?:)?//", html, re.I)
    for tag in soup.find_all(href=True):
        if tag.name != "a":
            assert not re.match(r"\s*(https?:)?//", tag["href"]), tag
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", html, re.IGNORECASE)
    assert "@import" not in html
    # language, landmarks, headings
    assert soup.html["lang"] == lang
    assert len(soup.find_all("main")) == 1
    assert soup.find("main").find("h1") is not None
    assert soup.title is not None and soup.title.get_text(strip=True)
    # images embedded and described
    for img in soup.find_all("img"):
        assert img.get("src", "").startswith("data:image/"), str(img)[:120]
        assert img.get("alt", "").strip(), str(img)[:120]
    # table headers tell a screen reader what they head
    for th in soup.find_all("th"):
        assert th.get("scope") in ("col", "row"), th
    # print: A4, figures and tables kept whole
    css = " ".join(s.get_text() for s in soup.find_all("style"))
    assert "@page" in css and "size: A4" in css
    assert "break-inside: avoid" in css
    return soup


def footer_facts(soup: BeautifulSoup) -> dict[str, str]:
    footer = soup.find("footer")
    assert footer is not None and footer.find_parent("main") is None
    return {
        dt.get_text(strip=True): dd.get_text(strip=True)
        for dt, dd in zip(footer.find_all("dt"), footer.find_all("dd"), strict=True)
    }


# --------------------------------------------------------------------------- finish_html


def test_finish_html_removes_what_could_run_or_fetch() -> None:
    raw = """<!DOCTYPE html><html lang="nb"><head>
    <link rel="stylesheet" href="https://cdn.example.org/x.css">
    <script src="https://cdn.example.org/require.js"></script>
    <style>@import url("https://fonts.example.org/a.css"); body { background: url(http://x/y.png) }
    .ok { background: url("data:image/png;base64,AAAA") }</style></head><body><main>
    <h2>Nytte per år</h2>
    <img src="data:image/png;base64,AAAA">
    <img src="https://tracker.example.org/p.gif" alt="sporing">
    <a href="javascript:alert(1)">klikk</a>
    <a href="https://www.prosjektveiviseren.no/">Prosjektveiviseren</a>
    <div onclick="alert(1)" style="background-image: url(//x.example.org/a.png)">tekst</div>
    <svg><image href="https://x.example.org/a.png"/></svg>
    <iframe src="https://x.example.org/"></iframe>
    <table><thead><tr><th></th><th>År</th></tr></thead>
    <tbody><tr><th>Kongsberg</th><td>1</td></tr></tbody></table>
    <table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>
    <h1 id="x">Tittel<a class="anchor-link" href="#x">¶</a></h1>
    </main></body></html>"""
    html = finish_html(raw)
    soup = BeautifulSoup(html, "html.parser")
    assert "<script" not in html and "<iframe" not in html and "<link" not in html
    assert "onclick" not in html and "javascript:" not in html
    assert "@import" not in html and "http://x/y.png" not in html and "//x.example.org" not in html
    assert "data:image/png;base64,AAAA" in html  # a data: URL stays
    imgs = soup.find_all("img")
    assert imgs[0]["alt"] == "Figur: Nytte per år"  # nearest preceding heading
    # the remote image is gone (no broken-image icon); the inline SVG is an image now,
    # in which a browser runs nothing and loads nothing, with alt text
    assert "tracker.example.org" not in html and "sporing" not in html
    assert len(imgs) == 2 and imgs[1]["src"].startswith("data:image/svg+xml;base64,")
    assert imgs[1]["alt"] == "Figur: Nytte per år"
    svg = base64.b64decode(imgs[1]["src"].split(",", 1)[1]).decode()
    assert "<image" in svg and "href" not in svg
    assert soup.find("svg") is None
    assert soup.find("a", string="Prosjektveiviseren")["href"].startswith("https://")
    heads = [(th.get_text(), th["scope"]) for th in soup.find_all("th")]
    assert heads == [("", "col"), ("År", "col"), ("Kongsberg", "row"), ("A", "col"), ("B", "col")]
    assert "¶" not in html


def test_finish_html_alt_fallback_in_english() -> None:
    soup = BeautifulSoup(finish_html('<img src="data:image/png;base64,AA" alt=" ">', lang="en"),
                         "html.parser")  # fmt: skip
    assert soup.img["alt"] == "Figure"


# --------------------------------------------------------------------------- fixture notebooks


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("html")
    root = make_workspace(tmp / "data", {"alfa": None, "bravo": HOSTILE})
    summary = run_reports(root, out=tmp / "out", notebooks=FIXTURES, as_of=AS_OF, progress=False)
    assert summary.exit_code == 0, [r.error for r in summary.failed]
    return root, summary


def test_fixture_report_html(fixture_run) -> None:
    root, summary = fixture_run
    html = (summary.out_dir / "alfa.html").read_text(encoding="utf-8")
    soup = assert_steering_html(html)
    assert soup.h1.get_text(strip=True) == "Prosjektrapport: Digital dialog med innbyggerne"
    # headings from the markdown cells, in order
    assert [h.get_text(strip=True) for h in soup.main.find_all(["h2", "h3"])] == [
        "Nøkkeltall",
        "Gevinst per år",
        "Utvikling uten alt-tekst",
    ]
    alts = [img["alt"] for img in soup.find_all("img")]
    assert alts == ["Linje: gevinst per år 2025–2027", "Figur: Utvikling uten alt-tekst"]
    # stderr (warnings for the analyst) is not in the report; code is not either
    assert "advarsel til analytikeren" not in html
    assert "load_project" not in html and "import " not in html
    facts = footer_facts(soup)
    assert facts["Per dato"] == "31.01.2026"
    assert facts["Fingeravtrykk for inndata"] == input_fingerprint(root, "alfa")
    assert facts["gevinst-versjon"] == __version__
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} kl\. \d\d\.\d\d", facts["Kjørt"])
    assert soup.find("time", attrs={"datetime": AS_OF}) is not None


def test_hostile_project_name_is_shown_as_text(fixture_run) -> None:
    _, summary = fixture_run
    for key in ("bravo", "portefolje"):
        html = (summary.out_dir / f"{key}.html").read_text(encoding="utf-8")
        soup = assert_steering_html(html)
        assert ESCAPED in html
        assert HOSTILE in soup.get_text()  # the reader sees the name as written
    bravo = BeautifulSoup((summary.out_dir / "bravo.html").read_text(encoding="utf-8"),
                          "html.parser")  # fmt: skip
    assert bravo.title.get_text() == f"Prosjektrapport: {HOSTILE}"
    assert bravo.h1.get_text() == f"Prosjektrapport: {HOSTILE}"


def test_english_report(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "data", {"alfa": None})
    summary = run_reports(root, ["alfa"], out=tmp_path / "out", notebooks=FIXTURES, as_of=AS_OF,
                          lang="en", jobs=1, progress=False)  # fmt: skip
    assert summary.exit_code == 0, [r.error for r in summary.failed]
    soup = assert_steering_html(
        (summary.out_dir / "alfa.html").read_text(encoding="utf-8"), lang="en"
    )
    facts = footer_facts(soup)
    assert facts["As of"] == AS_OF
    assert facts["Input data fingerprint"] == input_fingerprint(root, "alfa")
    assert soup.title.get_text() == "Project report: Digital dialog med innbyggerne"


# --------------------------------------------------------------------------- real notebooks


def test_real_notebooks_one_project_and_portfolio(tmp_path: Path) -> None:
    notebooks = REPO / "notebooks"
    if not (notebooks / "prosjektrapport.ipynb").exists():
        pytest.skip("notebooks/prosjektrapport.ipynb is not there yet")
    root = tmp_path / "data"
    shutil.copytree(REPO / "data", root)
    pid = ws.project_ids(root)[0]
    plan = ws.load_plan(root, pid, ws.load_config(root))
    hostile = plan.model_copy(update={"project": plan.project.model_copy(update={"name": HOSTILE})})
    ws.save_plan(root, hostile)
    summary = run_reports(root, [pid], portfolio=True, out=tmp_path / "out", as_of=AS_OF,
                          progress=False)  # fmt: skip
    assert summary.exit_code == 0, [(r.key, r.error) for r in summary.failed]
    for key in (pid, "portefolje"):
        html = (summary.out_dir / f"{key}.html").read_text(encoding="utf-8")
        soup = assert_steering_html(html)
        assert ESCAPED in html, f"{key}: the hostile project name is not shown as text"
        facts = footer_facts(soup)
        assert facts["Per dato"] == "31.01.2026"
        assert facts["Fingeravtrykk for inndata"] == input_fingerprint(
            root, None if key == "portefolje" else pid
        )
        assert len(soup.find_all("img")) >= 2
