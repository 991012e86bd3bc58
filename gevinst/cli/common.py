"""What every command shares: --workspace, --lang, error printing and exit codes.

Exit codes: 0 success; 1 some work failed (e.g. one report of many); 2 bad input
(every problem listed, each naming file, row or key, field, found and allowed); 3 another
run holds the lock; 4 a fault of the environment, not of the input (read-only file system,
disk full, missing permission, unreachable scheduler): the input is fine, a rerun may succeed.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from gevinst.errors import ENVIRONMENT_ERRNOS, EnvironmentFault, InputError
from gevinst.io.workspace import resolve_root
from gevinst.report.text import t

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_ENVIRONMENT = 4


def workspace_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--workspace",
        "workspace",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Arbeidsområdet (mappe). Standard: $GEVINST_WORKSPACE, ellers nærmeste data/ med gevinst.yaml herfra og oppover",
    )(func)


def lang_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--lang",
        type=click.Choice(["nb", "en"]),
        default=lambda: os.environ.get("GEVINST_LANG", "nb"),
        show_default="nb",
        help="Språk for meldinger og rapporter (nb = bokmål, en = English).",
    )(func)


def root_of(workspace: Path | None) -> Path:
    return resolve_root(workspace)


say = t
"""Pick the Norwegian or the English text (the report's :func:`~gevinst.report.text.t`)."""


def cut(text: str, width: int) -> str:
    """``text`` shortened to ``width`` characters with an ellipsis (for fixed-width columns)."""
    return text if len(text) <= width else text[: width - 1] + "…"


def fail_input(exc: InputError, lang: str) -> None:
    """Print every issue to stderr and exit 2."""
    head = say(
        lang, f"Feil i inndata ({len(exc.issues)}):", f"Errors in input ({len(exc.issues)}):"
    )
    click.echo(head, err=True)
    for i in exc.issues:
        click.echo("  - " + i.format(lang), err=True)
    sys.exit(EXIT_BAD_INPUT)


def fail_environment(exc: EnvironmentFault, lang: str) -> None:
    """Print the environment fault to stderr and exit 4."""
    click.echo(say(lang, "Feil i miljøet: ", "Environment fault: ") + exc.format(lang), err=True)
    sys.exit(EXIT_ENVIRONMENT)


def handle_input_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn an InputError into the standard message and exit 2, and an environment fault
    (:class:`EnvironmentFault`, or an OSError such as EROFS/ENOSPC) into one line and exit 4."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        lang = kwargs.get("lang") or "nb"
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            fail_input(exc, lang)
        except EnvironmentFault as exc:
            fail_environment(exc, lang)
        except OSError as exc:
            if exc.errno not in ENVIRONMENT_ERRNOS:
                raise
            fail_environment(EnvironmentFault.from_oserror(exc), lang)

    return wrapper


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
