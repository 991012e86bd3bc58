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
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from filelock import Timeout

from gevinst.errors import ENVIRONMENT_ERRNOS, EnvironmentFault, InputError
from gevinst.io.transaction import recover
from gevinst.io.workspace import resolve_root
from gevinst.report.text import t

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_LOCKED = 3
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
    """The workspace folder; an import interrupted between its renames is finished first
    (:func:`gevinst.io.transaction.recover`)."""
    root = resolve_root(workspace)
    recover(root)
    return root


say = t
"""Pick the Norwegian or the English text (the report's :func:`~gevinst.report.text.t`)."""


def cut(text: str, width: int) -> str:
    """``text`` shortened to ``width`` characters with an ellipsis (for fixed-width columns)."""
    return text if len(text) <= width else text[: width - 1] + "…"


MAX_PRINTED_ISSUES = 50
"""At most this many problems are printed; the rest are counted (a million bad rows
would otherwise print a million lines)."""


def echo_issues(issues: list[Any], lang: str) -> None:
    """The first :data:`MAX_PRINTED_ISSUES` issues to stderr, and a count of the rest."""
    for i in issues[:MAX_PRINTED_ISSUES]:
        echo("  - " + i.format(lang), err=True)
    rest = len(issues) - MAX_PRINTED_ISSUES
    if rest > 0:
        click.echo(
            say(
                lang,
                f"  … og {rest} feil til (rett de første og kjør igjen)",
                f"  … and {rest} more (fix the first ones and run again)",
            ),
            err=True,
        )


def fail_input(exc: InputError, lang: str) -> None:
    """Print the issues (:func:`echo_issues`) to stderr and exit 2."""
    head = say(
        lang, f"Feil i inndata ({len(exc.issues)}):", f"Errors in input ({len(exc.issues)}):"
    )
    click.echo(head, err=True)
    echo_issues(exc.issues, lang)
    sys.exit(EXIT_BAD_INPUT)


_ESCAPES = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC … BEL/ST (titles, hyperlinks)
    r"|\x1b\[[0-?]*[ -/]*[@-~]"  # CSI (colours, cursor movement, erase)
    r"|\x1b[@-Z\\-_]"  # other two-byte escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: Any, *, keep_newlines: bool = True) -> str:
    """Plan text made safe for a terminal: ANSI/OSC escape sequences and other control
    characters (incl. bidirectional overrides) removed, tabs kept; newlines kept unless
    ``keep_newlines`` is false (then they become spaces). Every echo of plan or file text
    goes through this.

    >>> terminal_text("Plan\x1b]0;pwned\x07 \x1b[31mrød\x1b[0m")
    'Plan rød'
    """
    out = _CONTROLS.sub("", _ESCAPES.sub("", str(text)))
    return out if keep_newlines else out.replace("\n", " ")


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
        except Timeout:
            click.echo(
                say(
                    lang,
                    "En annen gevinst-kommando skriver til arbeidsområdet nå; prøv igjen om litt.",
                    "Another gevinst command is writing to the workspace; try again shortly.",
                ),
                err=True,
            )
            sys.exit(EXIT_LOCKED)
        except OSError as exc:
            if exc.errno not in ENVIRONMENT_ERRNOS:
                raise
            fail_environment(EnvironmentFault.from_oserror(exc), lang)

    return wrapper


def echo(text: Any = "", **kwargs: Any) -> None:
    """``click.echo`` for text that holds plan or file text: through :func:`terminal_text`."""
    click.echo(terminal_text(text), **kwargs)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
