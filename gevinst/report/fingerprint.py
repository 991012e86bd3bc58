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

>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> _ = (root / "gevinst.yaml").write_text("organisation: X\\n")
>>> len(input_fingerprint(root))
12
"""

from __future__ import annotations

import hashlib
from pathlib import Path

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
    h = hashlib.sha256()
    for p in input_files(root, project_id, with_baselines=with_baselines):
        data = p.read_bytes()
        h.update(p.relative_to(root).as_posix().encode("utf-8"))
        h.update(b"\0")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def input_fingerprint(root: Path, project_id: str | None = None) -> str:
    """The first :data:`SHORT` hex digits of :func:`input_digest` (shown in the footer)."""
    return input_digest(root, project_id)[:SHORT]


__all__ = ["SHORT", "input_digest", "input_files", "input_fingerprint"]
