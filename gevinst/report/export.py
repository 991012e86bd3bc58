"""An executed report notebook → one self-contained, accessible HTML file.

Two steps:

1. nbconvert's :class:`~nbconvert.HTMLExporter` with the ``gevinst_html`` template
   (``templates/gevinst_html/``): no code, no prompts, images as ``data:`` URIs,
   inline CSS with print rules for A4, and a footer read from
   ``nb.metadata.gevinst`` (as-of date, input fingerprint, version, time of run).
2. :func:`finish_html`, which makes guarantees that do not depend on what a
   notebook displayed:

   - the body is cleaned by `nh3 <https://nh3.readthedocs.io>`_ (the binding to
     the Ammonia sanitizer, which parses HTML as a browser does) with an
     allowlist (:data:`ALLOWED_TAGS`, :data:`ALLOWED_ATTRIBUTES`): no script,
     iframe, object, form, style or SVG element, no event attribute, no
     ``javascript:`` URL however it is spelt (entities, tabs, case);
   - nothing is fetched from anywhere: an ``<img src>`` must be a ``data:image/…``
     URI; links (``<a href>``) may be ``http(s):``, ``mailto:``, relative
     (``prosjekt.html`` next to the report) or ``#fragment`` – following them is
     the reader's choice; inline ``style`` keeps only the properties of
     :data:`STYLE_PROPERTIES` (none of them takes a URL) and is dropped whole if
     it contains anything that could still load something (``url(``,
     ``image-set(``, an escape ``\\``, ``@``);
   - the head is the template's own: ``<meta>``, ``<title>`` and its ``<style>``
     (checked the same way, CSS escapes decoded first); nothing else;
   - an inline ``<svg>`` becomes an ``<img>`` with a ``data:image/svg+xml`` URI,
     in which a browser runs no script and loads nothing;
   - every ``<img>`` has alt text – when a notebook gave none, the nearest
     preceding heading («Figur: Nytte per år»);
   - every table header cell has ``scope="col"`` or ``scope="row"`` so that a
     screen reader announces which column or row a value belongs to;
   - the ``¶`` anchor links nbconvert puts in headings are removed (a screen
     reader would read them out).

The exporter is built once per process and reused (:func:`html_exporter`).
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup, Tag

from gevinst.report import locate, meta

DATA_PRIORITY = [
    "text/html",
    "text/markdown",
    "image/svg+xml",
    "image/png",
    "image/jpeg",
    "text/latex",
    "text/plain",
]
"""Which representation of an output the HTML shows (first present wins). No
JavaScript and no widget views: the report must work without scripts."""

# Cells tagged remove-cell/parameters/injected-parameters and outputs tagged remove-output
# are left out by the template itself (templates/gevinst_html), so that a report converted
# by hand with `jupyter nbconvert --template` leaves out the same cells.

ALLOWED_TAGS = frozenset(
    """a abbr article aside b bdi bdo blockquote br caption cite code col colgroup data dd del
    details dfn div dl dt em figcaption figure footer h1 h2 h3 h4 h5 h6 header hr i img ins kbd
    li main mark nav ol p pre q s samp section small span strong sub summary sup table tbody td
    tfoot th thead time tr u ul var wbr""".split()  # noqa: SIM905 - a word list reads better
)
"""The elements a report body may contain (what the template and the report helpers use)."""

ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "id", "title", "lang", "dir", "role", "style", "aria-hidden", "aria-label",
          "aria-labelledby", "aria-describedby"},
    "a": {"href", "hreflang"},
    # a wide table's scroll region must be reachable by keyboard (WCAG 2.1.1, axe-core's
    # scrollable-region-focusable): tabindex="0" on its wrapper, never a positive order
    "div": {"tabindex"},
    "img": {"src", "alt", "width", "height"},
    "th": {"scope", "colspan", "rowspan", "headers", "abbr"},
    "td": {"colspan", "rowspan", "headers"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "time": {"datetime"},
    "data": {"value"},
    "details": {"open"},
}  # fmt: skip
"""Attributes allowed per element (``*``: on every element)."""

STYLE_PROPERTIES = frozenset(
    """text-align vertical-align white-space word-break overflow-wrap hyphens
    width max-width min-width height max-height min-height
    margin margin-top margin-right margin-bottom margin-left
    padding padding-top padding-right padding-bottom padding-left
    border border-top border-right border-bottom border-left border-color border-style
    border-width border-collapse border-spacing border-radius
    color background-color opacity font-weight font-style font-size font-variant-numeric
    line-height text-decoration text-transform letter-spacing
    display float clear list-style-type table-layout caption-side""".split()  # noqa: SIM905
)
"""Inline CSS properties kept: none of them can take a URL or an image."""

URL_SCHEMES = frozenset({"http", "https", "mailto", "data"})
"""Schemes nh3 lets through in ``href``/``src``; :func:`_attribute` narrows them per use."""

_IMAGE_DATA = re.compile(r"^data:image/(png|jpeg|gif|webp|svg\+xml)[;,]", re.IGNORECASE)
_LINK_OK = re.compile(r"^(https?:|mailto:|#|[^:]*$)", re.IGNORECASE)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.DOTALL)
_CSS_FETCH = re.compile(
    r"url\s*\(|image-set\s*\(|image\s*\(|cross-fade\s*\(|element\s*\(|@import|expression\s*\(|"
    r"javascript:|behavior\s*:|-moz-binding|src\s*\(",
    re.IGNORECASE,
)
_DATA_URL = re.compile(r"""url\(\s*(["']?)\s*data:[^"')]*\1\s*\)""", re.IGNORECASE)
_STYLE_SUSPECT = re.compile(r"[\\@<>]|/\*|&#?\w")
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
_SVG_ACTIVE = ["script", "foreignobject", "style", "animate", "set", "animatemotion",
               "animatetransform", "discard", "handler", "listener"]  # fmt: skip
"""SVG elements that run, load or change something: dropped before an SVG becomes an image."""
_SVG_CAMEL = {
    n.lower(): n
    for n in [
        "viewBox",
        "preserveAspectRatio",
        "gradientUnits",
        "gradientTransform",
        "patternUnits",
        "patternContentUnits",
        "patternTransform",
        "clipPathUnits",
        "markerWidth",
        "markerHeight",
        "markerUnits",
        "refX",
        "refY",
        "textLength",
        "lengthAdjust",
        "baseProfile",
        "attributeName",
    ]
}
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")

_EXPORTERS: dict[str, Any] = {}


def html_exporter(templates: str | Path | None = None):
    """The configured :class:`nbconvert.HTMLExporter` (one per template folder and process)."""
    folder = locate.templates_dir(templates).resolve()
    key = str(folder)
    exporter = _EXPORTERS.get(key)
    if exporter is None:
        from nbconvert import HTMLExporter
        from traitlets.config import Config

        c = Config()
        c.HTMLExporter.template_name = locate.TEMPLATE_NAME
        c.HTMLExporter.extra_template_basedirs = [key]
        c.HTMLExporter.exclude_input = True
        c.HTMLExporter.exclude_input_prompt = True
        c.HTMLExporter.exclude_output_prompt = True
        c.HTMLExporter.embed_images = True
        c.NbConvertBase.display_data_priority = DATA_PRIORITY
        exporter = HTMLExporter(config=c)
        _EXPORTERS[key] = exporter
    return exporter


def notebook_to_html(nb, *, templates: str | Path | None = None, title: str = "") -> str:
    """Export an executed notebook (a ``NotebookNode``) to the finished report HTML."""
    lang = meta.from_notebook(nb).get("lang", "nb")
    resources = {"metadata": {"name": title or "Rapport"}}
    body, _ = html_exporter(templates).from_notebook_node(nb, resources=resources)
    return finish_html(body, lang=lang)


def finish_html(html: str, *, lang: str = "nb") -> str:
    """Make the HTML safe, offline and accessible whatever the notebook displayed.

    The accessibility repairs (alt text, ``th scope``) and the SVG conversion are
    made first, on the parsed document; the sanitizer comes last, so that nothing
    changes the body after it has been cleaned."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all("a", class_="anchor-link"):
        tag.decompose()
    for svg in soup.find_all("svg"):
        if svg.find_parent("svg") is None:
            _svg_to_img(svg)
    for img in soup.find_all("img"):
        if not _IMAGE_DATA.match(str(img.get("src", "")).strip()):
            img.decompose()  # it would be refused: no broken-image icon either
    _alt_texts(soup, lang)
    for table in soup.find_all("table"):
        _scope_headers(table)
    doc_lang = str(soup.html.get("lang", "")) if soup.html is not None else ""
    html_lang = doc_lang if _LANG.match(doc_lang) else lang
    head = _template_head(soup.head)
    if soup.head is not None:
        soup.head.decompose()
    body = soup.body if soup.body is not None else soup
    inner = "".join(str(c) for c in body.contents)
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n{head}</head>\n'
        f"<body>\n{_cleaner().clean(inner)}\n</body>\n</html>\n"
    )


_CLEANER: list[Any] = []


def _cleaner():
    """The nh3 cleaner with the report's allowlist (built once per process)."""
    if not _CLEANER:
        import nh3

        _CLEANER.append(
            nh3.Cleaner(
                tags=set(ALLOWED_TAGS),
                clean_content_tags={
                    "script",
                    "style",
                    "template",
                    "iframe",
                    "object",
                    "noscript",
                    "svg",
                    "math",
                    "textarea",
                    "select",
                    "title",
                },
                attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
                attribute_filter=_attribute,
                url_schemes=set(URL_SCHEMES),
                filter_style_properties=set(STYLE_PROPERTIES),
                link_rel="noopener noreferrer",
                strip_comments=True,
            )
        )
    return _CLEANER[0]


def _attribute(tag: str, name: str, value: str) -> str | None:
    """nh3's per-attribute check: images only from data: URIs, links never data:, and
    inline CSS without anything that could load something."""
    if name == "src":
        return value if _IMAGE_DATA.match(value.strip()) else None
    if name == "href":
        v = "".join(value.split())  # a browser ignores tabs and newlines in a URL
        return value if _LINK_OK.match(v) else None
    if name == "style":
        return None if _style_fetches(value) else value
    if name == "tabindex":
        return value if value.strip() in ("0", "-1") else None  # no positive tab order
    return value


def _style_fetches(css: str) -> bool:
    """Whether CSS could load something or hides something (after decoding CSS escapes)."""
    return bool(_CSS_FETCH.search(_decode_css(css)) or _STYLE_SUSPECT.search(css))


def _template_css_fetches(css: str) -> bool:
    """Whether the template's own CSS could load something: as :func:`_style_fetches`,
    except that ``url(data:…)`` (an embedded image or font) is allowed there."""
    decoded = _DATA_URL.sub("", _decode_css(css))
    return bool(_CSS_FETCH.search(decoded))


def _decode_css(css: str) -> str:
    """CSS with its escapes decoded (``u\\72l`` → ``url``), as a browser reads it."""

    def char(m: re.Match[str]) -> str:
        if m[2] is not None:
            return m[2]
        code = int(m[1], 16)
        return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"

    return _CSS_ESCAPE.sub(char, css)


def _template_head(head: Tag | None) -> str:
    """The template's head, rebuilt from what it may hold: ``meta`` (not
    ``http-equiv``), ``title`` (as text) and ``style`` (refused whole if it could
    load anything)."""
    if head is None:
        return '<meta charset="utf-8">\n'
    from html import escape

    out = []
    for tag in head.find_all(["meta", "title", "style"], recursive=False):
        if tag.name == "meta":
            attrs = {k: v for k, v in tag.attrs.items() if k in ("charset", "name", "content")}
            if "charset" in attrs or ("name" in attrs and "http-equiv" not in tag.attrs):
                out.append(
                    "<meta "
                    + " ".join(f'{k}="{escape(str(v), quote=True)}"' for k, v in attrs.items())
                    + ">"
                )
        elif tag.name == "title":
            out.append(f"<title>{escape(tag.get_text())}</title>")
        else:
            css = tag.get_text()
            if not _template_css_fetches(css) and "</" not in css:
                out.append(f"<style>{css}</style>")
    return "".join(line + "\n" for line in out)


def _svg_to_img(svg: Tag) -> None:
    """An inline SVG becomes an ``<img>`` with a data: URI: as an image, a browser
    runs none of its scripts and loads none of its references."""
    label = svg.get("aria-label") or ""
    title = svg.find("title")
    if not label and title is not None:
        label = title.get_text(" ", strip=True)
    if not svg.get("xmlns"):
        svg["xmlns"] = "http://www.w3.org/2000/svg"
    for tag in svg.find_all(_SVG_ACTIVE):
        tag.decompose()  # belt and braces: an image runs and loads nothing anyway
    for tag in [svg, *svg.find_all(True)]:
        for name in list(tag.attrs):
            value = str(tag.attrs[name]).strip()
            if name.startswith("on") or (
                name in ("href", "xlink:href", "src") and not value.startswith("#")
            ):
                del tag.attrs[name]
            elif name in _SVG_CAMEL:  # html.parser lowercased SVG's camelCase names
                tag.attrs[_SVG_CAMEL[name]] = tag.attrs.pop(name)
    data = base64.b64encode(str(svg).encode("utf-8")).decode("ascii")
    img = BeautifulSoup("", "html.parser").new_tag("img", src=f"data:image/svg+xml;base64,{data}")
    if label:
        img["alt"] = label
    svg.replace_with(img)


def _alt_texts(soup: BeautifulSoup, lang: str) -> None:
    word = "Figure" if lang == "en" else "Figur"
    heading = ""
    for tag in soup.find_all([*_HEADINGS, "img", "svg"]):
        if tag.name in _HEADINGS:
            heading = " ".join(tag.get_text(" ", strip=True).split())
        elif tag.name == "img":
            if not str(tag.get("alt", "")).strip():
                tag["alt"] = f"{word}: {heading}" if heading else word
        elif tag.find_parent("svg") is None and not (
            tag.get("aria-label") or tag.get("aria-labelledby") or tag.find("title")
        ):
            tag["role"] = "img"
            tag["aria-label"] = f"{word}: {heading}" if heading else word


def _scope_headers(table: Tag) -> None:
    for th in table.find_all("th"):
        if th.find_parent("table") is not table or th.get("scope"):
            continue
        row = th.find_parent("tr")
        in_head = th.find_parent("thead") is not None
        if in_head or row is None or not row.find("td"):
            th["scope"] = "col"
        else:
            th["scope"] = "row"
