"""What a report says about itself: title, language, as-of date, input fingerprint, version, run time.

One dictionary (:func:`report_metadata`) that both ways of making a report use, so
that they give the same HTML (apart from the run time):

* the report notebooks *display* it in their set-up cell (:func:`show`) as an
  output of its own MIME type, ``application/vnd.gevinst.report+json``. Front ends
  show nothing for it; the nbconvert template ``gevinst_html`` reads it for
  ``<title>``, ``<html lang>`` and the footer. So an executed notebook carries its
  own report metadata however it was run – ``gevinst report``, papermill,
  ``jupyter nbconvert --execute`` or *Run All* in JupyterLab – and
  ``jupyter nbconvert --to html --template gevinst_html`` makes the same report as
  ``gevinst report`` (see docs/notebooks.md);
* the runner stores the same dictionary (with the run's start as ``run_at``) in
  ``nb.metadata.gevinst`` of the executed notebook (:mod:`gevinst.report.runner`);
  the template takes that first when it is there.

:func:`from_notebook` reads it back in the template's order.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from gevinst import __version__
from gevinst.report.fingerprint import input_digest
from gevinst.report.text import fmt_date, t

MIME = "application/vnd.gevinst.report+json"
METADATA_KEY = "gevinst"


def report_title(kind: str, name: str, lang: str = "nb") -> str:
    """``Prosjektrapport: <prosjekt>`` / ``Porteføljerapport: <organisasjon>``."""
    if kind == "portfolio":
        return t(lang, f"Porteføljerapport: {name}", f"Portfolio report: {name}")
    if kind == "funder":
        return t(lang, f"Rapport til finansiør: {name}", f"Report to the funder: {name}")
    return t(lang, f"Prosjektrapport: {name}", f"Project report: {name}")


def date_text(day: dt.date, lang: str) -> str:
    """The footer's date: Norwegian as in the report body (25.11.2026), English in ISO 8601."""
    return day.isoformat() if lang == "en" else fmt_date(day, lang)


def time_text(when: dt.datetime, lang: str) -> str:
    if lang == "en":
        return when.strftime("%Y-%m-%d %H:%M %Z").strip()
    return f"{fmt_date(when.date(), lang)} kl. {when:%H.%M}"


def report_metadata(
    *,
    kind: str,
    name: str,
    root: str | Path,
    project_id: str | None,
    as_of: dt.date,
    lang: str,
    run_at: dt.datetime | None = None,
) -> dict[str, Any]:
    """The report's metadata (``kind`` ``project`` or ``portfolio``; ``name`` the project's
    name or the organisation). ``run_at`` defaults to now (local time, whole seconds)."""
    when = (run_at or dt.datetime.now().astimezone()).replace(microsecond=0)
    digest = input_digest(Path(root), project_id or None)
    return {
        "kind": kind,
        "project_id": project_id or "",
        "title": report_title(kind, name, lang),
        "lang": lang,
        "as_of": as_of.isoformat(),
        "as_of_text": date_text(as_of, lang),
        "fingerprint": digest[:12],
        "fingerprint_sha256": digest,
        "version": __version__,
        "run_at": when.isoformat(),
        "run_at_text": time_text(when, lang),
    }


def show(**kwargs: Any) -> dict[str, Any]:
    """Display the report metadata as a (invisible) output of its own MIME type.

    The ``text/plain`` part is empty, so a front end without a renderer for the
    type shows nothing either.
    """
    from IPython.display import display

    meta = report_metadata(**kwargs)
    display({MIME: meta, "text/plain": ""}, raw=True)
    return meta


def show_project(plan: Any, parameters: Any) -> dict[str, Any]:
    """:func:`show` for a project report (``parameters``: :class:`~gevinst.report.params.Parameters`)."""
    return show(kind="project", name=plan.project.name, **_where(parameters, project=True))


def show_portfolio(workspace: Any, parameters: Any) -> dict[str, Any]:
    """:func:`show` for the portfolio report."""
    return show(kind="portfolio", name=workspace.organisation, **_where(parameters, project=False))


def _where(p: Any, *, project: bool) -> dict[str, Any]:
    return {
        "root": p.root,
        "project_id": p.project_id if project else None,
        "as_of": p.as_of,
        "lang": p.lang,
    }


def from_notebook(nb: Any) -> dict[str, Any]:
    """The report metadata of an executed notebook: ``nb.metadata.gevinst`` (set by the
    runner), else the output the notebook displayed – the template's order too."""
    if nb.get("metadata", {}).get(METADATA_KEY):
        return dict(nb["metadata"][METADATA_KEY])
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            data = output.get("data") or {}
            if MIME in data:
                return dict(data[MIME])
    return {}


__all__ = [
    "MIME",
    "date_text",
    "from_notebook",
    "report_metadata",
    "report_title",
    "show",
    "show_portfolio",
    "show_project",
    "time_text",
]
