"""Reports as accessible PDF for the kommune's case and archive system (issue 12, point 6).

The steering-group HTML (:mod:`gevinst.report.export`) is rendered by WeasyPrint, a
maintained HTML-to-PDF library that needs no browser, as **PDF/UA-1**
(``pdf_variant="pdf/ua-1"``): a tagged structure tree (headings, paragraphs, tables,
figures), the document language from ``<html lang>``, the title from ``<title>``
(shown as the window title), the figures' ``alt`` texts as the figures' alternate
descriptions, and every font embedded (WeasyPrint always embeds subsets). The page is
A4 with margins, and every page carries the report title and «side n av m» in its
foot; the report's own footer (as-of date, fingerprint, version) ends the document as
in the HTML. WeasyPrint marks PDF/UA support as experimental: the test
(``tests/test_pdf.py``) checks the structure tree, language, title, alt texts and
fonts of a real report with pikepdf.
"""

from __future__ import annotations

import html
import re

PAGE_CSS = """
@page {{
  size: A4;
  margin: 18mm 16mm 22mm 16mm;
  @bottom-left {{ content: {title}; font-size: 8pt; color: #444; }}
  @bottom-right {{ content: {page}; font-size: 8pt; color: #444; }}
}}
html, body {{ font-family: "DejaVu Sans", "Noto Sans", "Liberation Sans", sans-serif; }}
main, .rapport {{ max-width: none; }}
img {{ max-width: 100%; height: auto; }}
table {{ page-break-inside: auto; }}
tr, figure, img {{ page-break-inside: avoid; }}
h1, h2, h3 {{ page-break-after: avoid; }}
"""


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (quotes, backslashes and newlines escaped)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _title(markup: str) -> str:
    m = re.search(r"<title>(.*?)</title>", markup, re.S | re.I)
    return html.unescape(m.group(1)).strip() if m else ""


def page_css(title: str, lang: str = "nb") -> str:
    """The print style: A4, margins, title and page numbers in every page's foot."""
    page = (
        '"Page " counter(page) " of " counter(pages)'
        if lang == "en"
        else '"Side " counter(page) " av " counter(pages)'
    )
    return PAGE_CSS.format(title=_css_string(title), page=page)


def html_to_pdf(markup: str | bytes, *, base_url: str | None = None) -> bytes:
    """The report ``markup`` (a whole HTML document) as PDF/UA-1 bytes (A4)."""
    from weasyprint import CSS, HTML  # heavy import, only when a PDF is asked for

    text = markup.decode("utf-8") if isinstance(markup, bytes) else markup
    m = re.search(r"<html[^>]*\blang=\"([a-z]{2})", text, re.I)
    lang = m.group(1) if m else "nb"
    document = HTML(string=text, base_url=base_url)
    return document.write_pdf(
        stylesheets=[CSS(string=page_css(_title(text), lang))],
        pdf_variant="pdf/ua-1",
        pdf_tags=True,
    )
