"""Where the report notebooks and the HTML template are.

The notebooks (``notebooks/``) and the nbconvert template (``templates/gevinst_html/``)
are part of the project checkout, not of the Python package: they are the report
*layout*, reviewed in git beside the code. gevinst is installed from the checkout
(``pip install -e .``, as the README does), so they are found relative to the
package. Elsewhere – a wheel installed without the checkout, a scheduled job that
keeps its own copy of the notebooks – point to them explicitly:

1. ``--notebooks DIR`` / ``--templates DIR`` (or the ``notebooks=``/``templates=``
   arguments of :func:`gevinst.report.runner.run_reports`);
2. the environment variables ``GEVINST_NOTEBOOKS`` / ``GEVINST_TEMPLATES``;
3. ``notebooks/`` and ``templates/`` beside the ``gevinst`` package (the checkout).
"""

from __future__ import annotations

import os
from pathlib import Path

from gevinst.errors import InputError, Issue

PROJECT_NOTEBOOK = "prosjektrapport.ipynb"
PORTFOLIO_NOTEBOOK = "porteføljerapport.ipynb"
EXPLORE_NOTEBOOK = "utforsk.ipynb"
FUNDER_NOTEBOOK = "finansiering.ipynb"
TEMPLATE_NAME = "gevinst_html"

NOTEBOOKS_ENV = "GEVINST_NOTEBOOKS"
TEMPLATES_ENV = "GEVINST_TEMPLATES"

CHECKOUT = Path(__file__).resolve().parents[2]
"""The folder that holds the ``gevinst`` package (the project checkout when installed -e)."""


def notebooks_dir(arg: str | os.PathLike[str] | None = None) -> Path:
    """The folder with ``prosjektrapport.ipynb`` and ``porteføljerapport.ipynb``."""
    return _find(arg, NOTEBOOKS_ENV, CHECKOUT / "notebooks", PROJECT_NOTEBOOK, "--notebooks")


def templates_dir(arg: str | os.PathLike[str] | None = None) -> Path:
    """The folder that holds the ``gevinst_html`` template folder."""
    return _find(arg, TEMPLATES_ENV, CHECKOUT / "templates", TEMPLATE_NAME, "--templates")


def _find(arg, env: str, default: Path, must_hold: str, option: str) -> Path:
    chosen = Path(arg) if arg else Path(os.environ[env]) if os.environ.get(env) else default
    if not (chosen / must_hold).exists():
        raise InputError(
            [
                Issue(
                    "file_missing",
                    file=str(chosen / must_hold),
                    detail=f"oppgi mappen med {option} eller miljøvariabelen {env}",
                )
            ]
        )
    return chosen
