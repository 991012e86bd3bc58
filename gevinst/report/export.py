"""An executed report notebook → one self-contained, accessible HTML file.

Two steps:

1. nbconvert's :class:`~nbconvert.HTMLExporter` with the ``gevinst_html`` template
   (``templates/gevinst_html/``): no code, no prompts, images as ``data:`` URIs,
   inline CSS with print rules for A4, and a footer read from
   ``nb.metadata.gevinst`` (as-of date, input fingerprint, version, time of run).
2. :func:`finish_html`, which makes guarantees that do not depend on what a
   notebook displayed:

   - no ``<script>``, ``<iframe>``, ``<object>``, ``<embed>``, ``<link>`` or
     ``<base>`` element, no ``on…=`` event attribute, no ``javascript:`` URL;
   - nothing is fetched from a network address: a ``src``-like attribute or a CSS
     ``url()``/``@import`` that points outside the file is dropped (links in
     ``<a href>`` stay: following them is the reader's choice);
   - every ``<img>`` has alt text – when a notebook gave none, the nearest
     preceding heading («Figur: Nytte per år»); an inline ``<svg>`` gets
     ``role="img"`` and an ``aria-label`` the same way;
   - every table header cell has ``scope="col"`` or ``scope="row"`` so that a
     screen reader announces which column or row a value belongs to;
   - the ``¶`` anchor links nbconvert puts in headings are removed (a screen
     reader would read them out).

The exporter is built once per process and reused (:func:`html_exporter`).
"""

from __future__ import annotations

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

_DANGEROUS = ("script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "link")
_FETCHING_ATTRS = (
    "src",
    "srcset",
    "poster",
    "background",
    "data",
    "xlink:href",
    "lowsrc",
    "dynsrc",
)
_LINK_ATTRS = ("href", "action", "formaction")
_SCRIPT_URL = re.compile(r"^\s*(javascript|vbscript|livescript)\s*:", re.IGNORECASE)
_LOCAL_URL = re.compile(r"^\s*(data:|#|$)", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import[^;]*;?", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*(?!['\"]?\s*(?:data:|#))[^)]*\)", re.IGNORECASE)
_CSS_EXPRESSION = re.compile(r"expression\s*\(", re.IGNORECASE)
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
    """Make the HTML safe, offline and accessible whatever the notebook displayed."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(_DANGEROUS):
        tag.decompose()
    for tag in soup.find_all("meta"):
        if str(tag.get("http-equiv", "")).lower() == "refresh":
            tag.decompose()
    for tag in soup.find_all("a", class_="anchor-link"):
        tag.decompose()
    for tag in soup.find_all(True):
        _clean_attributes(tag)
    for style in soup.find_all("style"):
        if style.string is not None:
            style.string.replace_with(_clean_css(style.string))
    _alt_texts(soup, lang)
    for table in soup.find_all("table"):
        _scope_headers(table)
    return str(soup)


# --------------------------------------------------------------------------- helpers


def _clean_attributes(tag: Tag) -> None:
    for name in list(tag.attrs):
        value = tag.attrs[name]
        text = " ".join(value) if isinstance(value, list) else str(value)
        lname = name.lower()
        script_url = _SCRIPT_URL.match(text) and lname in (*_FETCHING_ATTRS, *_LINK_ATTRS)
        if lname.startswith("on") or script_url:
            del tag.attrs[name]
        elif lname == "style":
            tag.attrs[name] = _clean_css(text)
        elif lname in _FETCHING_ATTRS and not _LOCAL_URL.match(text):
            # a file next to the report would not travel with an e-mail either
            del tag.attrs[name]
        elif lname == "href" and tag.name != "a" and not _LOCAL_URL.match(text):
            del tag.attrs[name]  # e.g. <image href> or <use href> inside an inline SVG


def _clean_css(css: str) -> str:
    css = _CSS_IMPORT.sub("", css)
    css = _CSS_URL.sub("none", css)
    return _CSS_EXPRESSION.sub("(", css)


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
