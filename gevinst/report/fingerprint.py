"""The fingerprint of a report's input data, printed in the report footer.

A reader holding two reports can see at a glance whether they were made from the
same data: the fingerprint is the first 12 hex digits of a SHA-256 over the input
files, taken in order of their path relative to the workspace. Each file
contributes its relative path, its length and its bytes, so renaming a file or
moving bytes between files changes the fingerprint too.

- A project report reads the workspace config, the project's plan and its
  measurements (when the file exists).
- The portfolio report reads every input file of the workspace: the config, every
  plan and every measurement file.
- Both read the approved baselines (``baselines/<id>/*.yaml``) of the projects they
  cover; the fingerprint stored *in* a baseline leaves them out (``with_baselines=False``).

:func:`build_fingerprint` adds what else makes a report – the notebook, the HTML
template, the gevinst version and sources, the as-of date and the language – and is
what ``gevinst report`` compares to skip a report whose inputs are unchanged.

>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> _ = (root / "gevinst.yaml").write_text("organisation: X\\n")
>>> len(input_fingerprint(root))
12
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path

import gevinst
from gevinst.io.baselines import snapshot_files
from gevinst.io.workspace import MEASUREMENTS_DIR, PROJECTS_DIR, Paths

SHORT = 12
"""Hex digits shown in the footer (48 bits: collisions are not a practical concern)."""


def input_files(
    root: Path, project_id: str | None = None, *, with_baselines: bool = True
) -> list[Path]:
    """The files a report reads, sorted by their path relative to ``root``.

    ``project_id=None`` means the portfolio: every input file of the workspace.
    """
    root = Path(root)
    paths = Paths(root)
    files: list[Path] = []
    if paths.config.is_file():
        files.append(paths.config)
    if project_id is None:
        for folder, pattern in ((PROJECTS_DIR, "*.yaml"), (MEASUREMENTS_DIR, "*.csv")):
            d = root / folder
            if d.is_dir():
                files.extend(
                    p for p in d.glob(pattern) if p.is_file() and not p.name.startswith(".")
                )
    else:
        for p in (paths.plan(project_id), paths.measurements(project_id)):
            if p.is_file():
                files.append(p)
    if with_baselines:
        files.extend(snapshot_files(root, project_id))
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def input_digest(root: Path, project_id: str | None = None, *, with_baselines: bool = True) -> str:
    """The full SHA-256 (hex) over :func:`input_files`."""
    root = Path(root)
    return _digest_files(input_files(root, project_id, with_baselines=with_baselines), root)


def input_fingerprint(root: Path, project_id: str | None = None) -> str:
    """The first :data:`SHORT` hex digits of :func:`input_digest` (shown in the footer)."""
    return input_digest(root, project_id)[:SHORT]


def _digest_files(files: Iterable[Path], base: Path) -> str:
    """SHA-256 over each file's path relative to ``base``, its length and its bytes."""
    h = hashlib.sha256()
    for p in files:
        data = p.read_bytes()
        h.update(p.relative_to(base).as_posix().encode("utf-8"))
        h.update(b"\0")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def _tree(folder: Path, pattern: str = "*") -> list[Path]:
    """The files under ``folder`` (recursively), caches and hidden files left out."""
    return sorted(
        (
            p
            for p in folder.rglob(pattern)
            if p.is_file()
            and "__pycache__" not in p.parts
            and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        ),
        key=lambda p: p.relative_to(folder).as_posix(),
    )


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 over the installed gevinst package's Python sources.

    The version number alone does not change while gevinst is developed or patched
    in place; the sources do. Computed once per process (about 100 files).
    """
    package = Path(gevinst.__file__).resolve().parent
    return _digest_files(_tree(package, "*.py"), package)


def build_fingerprint(
    root: Path,
    project_id: str | None,
    *,
    notebook: Path,
    template: Path,
    as_of: str,
    lang: str,
) -> str:
    """SHA-256 (hex) of everything one report is made from, to skip an unchanged report.

    It covers the report's input files (:func:`input_digest`: config, plan and
    register, or the whole workspace for the portfolio), the notebook, the HTML
    template folder, the gevinst version and its sources (:func:`code_digest`),
    the as-of date and the language. Two runs with the same build fingerprint make
    the same report (apart from the time of the run in its footer).
    """
    h = hashlib.sha256()
    notebook = Path(notebook)
    template = Path(template)
    parts = [
        ("inputs", input_digest(root, project_id)),
        ("notebook", _digest_files([notebook], notebook.parent)),
        ("template", _digest_files(_tree(template), template) if template.is_dir() else ""),
        ("version", gevinst.__version__),
        ("code", code_digest()),
        ("as_of", as_of),
        ("lang", lang),
    ]
    for name, value in parts:
        h.update(f"{name}={value}\n".encode())
    return h.hexdigest()


def listing_digest(root: Path) -> str:
    """SHA-256 over the names of the files in ``projects/`` and ``measurements/``.

    What :func:`gevinst.io.workspace.load_valid` reports as problems of no project
    (a stray file, a register without a plan, a file name that is not an id) depends
    on these names only.
    """
    root = Path(root)
    names = sorted(
        p.relative_to(root).as_posix()
        for folder in (PROJECTS_DIR, MEASUREMENTS_DIR)
        if (root / folder).is_dir()
        for p in (root / folder).iterdir()
    )
    return hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()


__all__ = [
    "SHORT",
    "build_fingerprint",
    "code_digest",
    "input_digest",
    "input_files",
    "input_fingerprint",
    "listing_digest",
]
