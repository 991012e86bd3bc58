"""The notebooks' parameters, checked once: language, as-of date, workspace, project.

Every notebook's first code cell after the ``parameters`` cell calls
:func:`notebook_parameters`. A bad value stops the notebook right there with one
line in Norwegian (English with ``lang="en"``) instead of a traceback – for
example::

    Ugyldig parameter: felt «as_of»: ugyldig dato; funnet: '25.11.2026'; tillatt: ÅÅÅÅ-MM-DD (f.eks. 2026-11-25)

:class:`ParameterError` is an :class:`~gevinst.errors.InputError`, so the runner
and the CLI report it as bad input (exit code 2). The runner calls the same
checks (:func:`check_lang`, :func:`check_as_of`, :func:`check_projects`) before
it runs anything, so ``gevinst report`` never starts a notebook with a bad
parameter.

The workspace is found by :func:`gevinst.io.workspace.resolve_root` (the
parameter, else ``$GEVINST_WORKSPACE``, else the nearest ``data/`` with a
``gevinst.yaml`` from the working directory upwards) – the same rule as the CLI.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from gevinst.errors import InputError, Issue
from gevinst.io import workspace as ws
from gevinst.report.text import parse_as_of, t

LANGS = ("nb", "en")
DATE_HINT = "ÅÅÅÅ-MM-DD (f.eks. 2026-11-25)"
DATE_HINT_EN = "YYYY-MM-DD (e.g. 2026-11-25)"


class ParameterError(InputError):
    """A bad notebook parameter. In a notebook it shows as one line per problem (no
    traceback: IPython uses :meth:`_render_traceback_`); elsewhere it is an
    :class:`InputError` like any other bad input."""

    def __init__(self, issues: Iterable[Issue], lang: str = "nb"):
        super().__init__(issues)
        self.lang = lang if lang in LANGS else "nb"

    def message(self) -> str:
        """One line per problem, in the notebook's language."""
        head = t(self.lang, "Ugyldig parameter: ", "Bad parameter: ")
        return "\n".join(head + i.format(self.lang) for i in self.issues)

    def _render_traceback_(self) -> list[str]:  # IPython's hook for a custom traceback
        return self.message().splitlines()

    def __str__(self) -> str:
        return self.message()


@dataclass(frozen=True)
class Parameters:
    """The checked parameters of a notebook run."""

    project_id: str
    root: Path
    """The workspace folder (see :func:`gevinst.io.workspace.resolve_root`)."""
    as_of: dt.date
    lang: str


def _issue(field: str, problem: str, found: object, allowed: str) -> Issue:
    return Issue(problem, field=field, found=found, allowed=allowed)


def check_lang(lang: object) -> str:
    """``lang`` if it is ``nb`` or ``en``; else a :class:`ParameterError` (in Norwegian)."""
    if lang in LANGS:
        return str(lang)
    raise ParameterError([_issue("lang", "not_allowed", lang, ", ".join(LANGS))])


def check_as_of(as_of: object, today: dt.date, lang: str = "nb") -> dt.date:
    """The as-of date: an ISO date (``2026-11-25``), empty for ``today``."""
    try:
        return parse_as_of(as_of, today)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        hint = t(lang, DATE_HINT, DATE_HINT_EN)
        raise ParameterError([_issue("as_of", "bad_date", as_of, hint)], lang) from None


def check_projects(ids: Iterable[str], known: Iterable[str], lang: str = "nb") -> list[str]:
    """``ids`` (duplicates dropped) if every one is a project of the workspace."""
    chosen, known = list(dict.fromkeys(ids)), set(known)
    allowed = ", ".join(sorted(known))
    unknown = [i for i in chosen if i not in known]
    if unknown:
        raise ParameterError(
            [_issue("project_id", "unknown_project", i, allowed) for i in unknown], lang
        )
    return chosen


def check_workspace(workspace: str | os.PathLike[str] | None, lang: str = "nb") -> Path:
    """The workspace folder (found as the CLI finds it); it must hold a ``gevinst.yaml``."""
    root = ws.resolve_root(workspace or None)
    config = root / ws.CONFIG_NAME
    if not config.is_file():
        detail = t(
            lang,
            f"oppgi workspace, sett {ws.ENV_VAR}, eller start fra en mappe med data/ over seg",
            f"give workspace, set {ws.ENV_VAR}, or start from a folder with data/ above it",
        )
        raise ParameterError([Issue("file_missing", file=str(config), detail=detail)], lang)
    return root


def notebook_parameters(
    *,
    project_id: str = "",
    workspace: str | os.PathLike[str] | None = "",
    as_of: str | dt.date | None = "",
    lang: str = "nb",
    needs_project: bool = True,
    today: dt.date | None = None,
) -> Parameters:
    """Check a notebook's parameters (in this order: lang, as_of, workspace, project).

    ``needs_project=False`` for the portfolio report, where ``project_id`` is not
    used. Raises :class:`ParameterError` at the first bad one.
    """
    lang = check_lang(lang)
    day = check_as_of(as_of, today or dt.date.today(), lang)
    root = check_workspace(workspace, lang)
    if needs_project:
        check_projects([str(project_id)], ws.project_ids(root), lang)
    return Parameters(str(project_id), root, day, lang)


__all__ = [
    "LANGS",
    "ParameterError",
    "Parameters",
    "check_as_of",
    "check_lang",
    "check_projects",
    "check_workspace",
    "notebook_parameters",
]
