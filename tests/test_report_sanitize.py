"""The report HTML sanitizer (:func:`gevinst.report.export.finish_html`, nh3 with an
allowlist) against the bypasses of the hand-written clean-up it replaced (issue 11,
point 8), and a check in headless Chromium that a cleaned page fetches nothing."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from gevinst.report.export import STYLE_PROPERTIES, finish_html

HEAD = (
    '<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8">'
    '<meta http-equiv="refresh" content="0; url=https://evil.example/">'
    "<title>Rapport</title><style>body { color: #111; } @media print { h2 { break-after: avoid; } }"
    "</style></head><body><main>"
)
TAIL = "</main></body></html>"

BYPASSES = {
    "image-set": "<div style=\"background-image: image-set('http://evil.example/1.png' 1x)\">x</div>",
    "escaped url": '<div style="background: u\\72l(http://evil.example/2.png)">x</div>',
    "escaped import": "<style>@\\69mport 'http://evil.example/3.css';</style>",
    "style element url": "<style>p { background: url(http://evil.example/4.png) }</style>",
    "tab in scheme": '<a href="jav&#x09;ascript:alert(1)">klikk</a>',
    "entity scheme": '<a href="&#106;avascript:alert(1)">klikk</a>',
    "newline scheme": '<a href="java\nscript:alert(1)">klikk</a>',
    "svg animate": (
        "<svg><a><animate attributeName=href values=javascript:alert(1) />"
        '<text x="0" y="20">klikk</text></a></svg>'
    ),
    "svg set": '<svg><set attributeName="onmouseover" to="alert(1)"/></svg>',
    "remote image": '<img src="https://evil.example/5.png" alt="sporing">',
    "srcset": '<img src="data:image/png;base64,AAAA" srcset="https://evil.example/6.png 2x">',
    "data link": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "event": '<p onmouseover="alert(1)">x</p>',
    "iframe": '<iframe src="https://evil.example/7"></iframe>',
    "form": '<form action="https://evil.example/8"><button>Send</button></form>',
    "object": '<object data="https://evil.example/9.swf"></object>',
    "base": '<base href="https://evil.example/">',
    "link": '<link rel="stylesheet" href="https://evil.example/10.css">',
    "video poster": '<video poster="https://evil.example/11.png"></video>',
    "table background": '<table background="https://evil.example/12.png"><tr><td>1</td></tr></table>',
    "meta in body": '<meta http-equiv="refresh" content="0; url=https://evil.example/13">',
    "math": '<math><mtext><a href="javascript:alert(1)">x</a></mtext></math>',
    "comment": "<!--[if IE]><script>alert(1)</script><![endif]-->",
}


def clean(body: str) -> str:
    return finish_html(HEAD + body + TAIL)


@pytest.mark.parametrize("name", sorted(BYPASSES))
def test_bypass_is_neutralised(name: str) -> None:
    html = clean(BYPASSES[name])
    soup = BeautifulSoup(html, "html.parser")
    text = html.lower()
    assert "evil.example" not in text, name
    assert "javascript" not in text and "alert(" not in text, name
    assert not soup.find_all(["script", "iframe", "object", "form", "base", "link", "svg", "video"])
    assert all(not a.startswith("on") for t in soup.find_all(True) for a in t.attrs)
    for img in soup.find_all("img"):  # an SVG became an image: nothing active inside
        assert img["src"].startswith("data:image/")
        if img["src"].startswith("data:image/svg+xml;base64,"):
            svg = base64.b64decode(img["src"].split(",", 1)[1]).decode().lower()
            assert "javascript" not in svg and "<animate" not in svg and "<set" not in svg
            assert "onmouseover" not in svg
    assert [m.attrs for m in soup.find_all("meta")] == [{"charset": "utf-8"}]


def test_what_the_report_needs_is_kept() -> None:
    body = (
        "<h2>Nytte per år</h2>"
        '<figure class="figur"><img src="data:image/png;base64,AAAA" alt="Søyler: nytte" '
        'style="max-width:100%;height:auto" width="640"><figcaption>Figur 1</figcaption></figure>'
        '<table class="gevinst"><caption>Status</caption><thead><tr><th scope="col">Gevinst</th>'
        '<th scope="col">Status</th></tr></thead><tbody><tr><th scope="row">G1</th>'
        '<td class="num" style="text-align:right">12 000</td></tr></tbody></table>'
        '<p><span aria-hidden="true">●</span> <span class="status-gronn">Grønn</span></p>'
        '<p><a href="bravo.html">Prosjektrapport bravo</a> · <a href="#status">Status</a> · '
        '<a href="https://www.regjeringen.no/r-109">R-109</a> · '
        '<a href="mailto:post@kommune.no">post</a></p>'
        '<div style="position: fixed; top: 0; text-align: center">plassert</div>'
        '<footer class="rapportfot"><dl><dt>Per</dt><dd><time datetime="2026-01-31">'
        "31.01.2026</time></dd></dl></footer>"
    )
    soup = BeautifulSoup(clean(body), "html.parser")
    assert soup.html["lang"] == "nb"
    assert "@media print" in soup.head.style.get_text()  # the template's CSS stays
    img = soup.figure.img
    assert img["alt"] == "Søyler: nytte" and img["width"] == "640"
    assert img["style"].replace(" ", "") == "max-width:100%;height:auto"
    assert soup.figure.figcaption.get_text() == "Figur 1"
    assert [th["scope"] for th in soup.find_all("th")] == ["col", "col", "row"]
    assert soup.td["style"].replace(" ", "") == "text-align:right"
    assert soup.find("span", attrs={"aria-hidden": "true"}).get_text() == "●"
    hrefs = [a["href"] for a in soup.find_all("a")]
    assert hrefs == [
        "bravo.html",
        "#status",
        "https://www.regjeringen.no/r-109",
        "mailto:post@kommune.no",
    ]
    placed = soup.find("div", string="plassert")
    assert placed["style"].replace(" ", "") == "text-align:center"  # position is not allowed
    assert soup.footer.time["datetime"] == "2026-01-31"
    assert soup.main is not None and soup.caption.get_text() == "Status"


def test_the_template_style_is_refused_if_it_could_fetch() -> None:
    head = HEAD.replace("body { color: #111; }", "body { background: u\\72l(http://x.example/) }")
    soup = BeautifulSoup(finish_html(head + "<p>x</p>" + TAIL), "html.parser")
    assert soup.find("style") is None
    assert soup.title.get_text() == "Rapport"
    # an embedded image in the template's CSS is fine: it loads nothing
    embedded = HEAD.replace("body {", 'body { background: url("data:image/png;base64,AAAA");')
    soup = BeautifulSoup(finish_html(embedded + "<p>x</p>" + TAIL), "html.parser")
    assert "data:image/png;base64,AAAA" in soup.find("style").get_text()


def test_no_allowed_style_property_takes_a_url() -> None:
    # properties whose values may be <image> or <url> (CSS 2.1, Backgrounds 3, Lists 3, ...)
    fetching = {"background", "background-image", "border-image", "border-image-source",
                "list-style", "list-style-image", "content", "cursor", "mask", "mask-image",
                "filter", "shape-outside", "src", "behavior", "clip-path"}  # fmt: skip
    assert not (STYLE_PROPERTIES & fetching)
    assert all(re.fullmatch(r"[a-z-]+", p) for p in STYLE_PROPERTIES)


def test_a_cleaned_page_makes_no_request_in_chromium(tmp_path: Path) -> None:
    browser = pytest.importorskip("test_report_browser")
    if browser.CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")
    payload = "".join(BYPASSES.values())
    raw = tmp_path / "raw.html"
    raw.write_text(HEAD + payload + TAIL, encoding="utf-8")
    # the harness sees what the raw page fetches, so a clean result below means something
    seen_raw = browser.open_page(raw, tmp_path / "profile-raw")
    assert any("evil.example" in u for u in seen_raw["remote_requests"])
    cleaned = tmp_path / "clean.html"
    cleaned.write_text(clean(payload), encoding="utf-8")
    seen = browser.open_page(cleaned, tmp_path / "profile-clean")
    assert seen["remote_requests"] == []
    assert seen["errors"] == []
