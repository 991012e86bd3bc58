"""``gevinst explore``: the explorer as an app (Voilà) for colleagues who do not code.

Serves ``notebooks/utforsk.ipynb`` with Voilà on 127.0.0.1: the same widgets as in
JupyterLab, no code cells, and the browser cannot run code of its own (Voilà
refuses execute requests). Each browser tab gets its own kernel. The workspace is
found as everywhere else (``--workspace``, ``$GEVINST_WORKSPACE``, the nearest
``data/`` with a ``gevinst.yaml``); it, ``--lang`` and ``--project`` are checked
first (bad input: exit 2) and then given to the notebook as its parameters, the
way papermill does (a parameterised copy in a temporary folder, which Voilà
serves). Stop it with Ctrl+C.

On a JupyterHub, see docs/explorer.md: there Voilà runs as a server extension of
the user's own server (``/user/<name>/voila/render/notebooks/utforsk.ipynb``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from gevinst.cli.common import fail_input, lang_option, say, workspace_option
from gevinst.errors import InputError, Issue
from gevinst.io import workspace as ws
from gevinst.report import locate, params

DEFAULT_PORT = 8866
HOST = "127.0.0.1"


def voila_argv(notebook: Path, port: int, *, browser: bool) -> list[str]:
    """The Voilà command line for the explorer (used as ``Voila.launch_instance(argv=...)``)."""
    return [
        str(notebook),
        f"--port={port}",
        f"--Voila.ip={HOST}",
        "--Voila.port_retries=0",  # the port asked for, or an error: never a surprise port
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--theme=light",
        # the notebook's intro for analysts (tagged remove-cell) is not part of the app
        "--TagRemovePreprocessor.enabled=True",
        "--TagRemovePreprocessor.remove_cell_tags=remove-cell",
        *([] if browser else ["--no-browser"]),
    ]


@click.command("explore")
@workspace_option
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Porten appen lytter på (bare på 127.0.0.1).",
)
@click.option(
    "--browser/--no-browser",
    default=True,
    show_default=True,
    help="Åpne appen i nettleseren når den er klar.",
)
@click.option(
    "--notebooks",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Mappen med utforsk.ipynb. Standard: $GEVINST_NOTEBOOKS eller notebooks/ i prosjektet.",
)
@click.option(
    "--project",
    "project_id",
    default=None,
    metavar="ID",
    help="Prosjektet som vises først. Standard: notatbokens.",
)
@lang_option
def explore_cmd(
    workspace: Path | None,
    port: int,
    browser: bool,
    notebooks: Path | None,
    project_id: str | None,
    lang: str,
) -> None:
    """Start utforskeren som app (Voilà) på http://127.0.0.1:PORT/ – uten kode.

    Velg prosjekt og flytt glidebryterne; nøkkeltall og figurer regnes på nytt.
    Stopp med Ctrl+C.
    """
    try:
        root = params.check_workspace(workspace, lang).resolve()
        if project_id is not None:
            params.check_projects([project_id], ws.project_ids(root), lang)
        nb_dir = locate.notebooks_dir(notebooks).resolve()
    except InputError as exc:
        fail_input(exc, lang)
        return
    notebook = nb_dir / locate.EXPLORE_NOTEBOOK
    if not notebook.exists():
        fail_input(InputError([Issue("file_missing", file=str(notebook))]), lang)
        return
    from voila.app import Voila

    values = {"workspace": str(root), "lang": lang}
    if project_id is not None:
        values["project_id"] = project_id
    click.echo(
        say(
            lang,
            f"Utforskeren for {root} på http://{HOST}:{port}/ (stopp med Ctrl+C)",
            f"The explorer for {root} at http://{HOST}:{port}/ (stop with Ctrl+C)",
        ),
        err=True,
    )
    with tempfile.TemporaryDirectory(prefix="gevinst-explore-") as folder:
        app_notebook = parameterised_copy(notebook, values, Path(folder))
        Voila.launch_instance(argv=voila_argv(app_notebook, port, browser=browser))


def parameterised_copy(notebook: Path, values: dict[str, str], folder: Path) -> Path:
    """``notebook`` with ``values`` injected after its parameters cell (as papermill does)."""
    import nbformat
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = parameterize_notebook(load_notebook_node(str(notebook)), values)
    target = folder / notebook.name
    nbformat.write(nb, target)
    return target


COMMANDS = [explore_cmd]

__all__ = ["COMMANDS", "explore_cmd", "parameterised_copy", "voila_argv"]
