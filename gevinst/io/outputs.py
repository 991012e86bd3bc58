"""Where an output may be written: never over the workspace's own files.

``gevinst excel export``, ``gevinst excel template`` and ``gevinst report --out`` call
:func:`check_output` before they write anything. It refuses, as bad input (exit 2):

* a target that is, or lies inside, one of the workspace's managed files: the config
  (``gevinst.yaml``), the plans (``projects/``) and the registers (``measurements/``) –
  always, also with ``--force``: an xlsx in place of a register is never meant;
* an existing target that is not of the output's own kind (a workbook for the Excel
  commands; a folder for the reports), unless ``force``.

Paths are compared after resolving symbolic links and ``..``, so a link into
``measurements/`` is refused like the folder itself.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from gevinst.errors import InputError, Issue
from gevinst.io import workspace as ws

WORKBOOK = "workbook"
REPORT_FOLDER = "report folder"


def _inside(path: Path, other: Path) -> bool:
    return path == other or path.is_relative_to(other)


def managed_paths(root: Path) -> list[Path]:
    """The files and folders of a workspace that only gevinst's own readers write."""
    paths = ws.Paths(root)
    return [p.resolve() for p in (paths.config, paths.projects, paths.measurements_dir)]


def _is_workbook(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as book:
            return "xl/workbook.xml" in book.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def check_output(
    target: Path, root: Path | None, *, kind: str, force: bool = False, lang: str = "nb"
) -> None:
    """Refuse ``target`` for an output of ``kind`` (:data:`WORKBOOK` or :data:`REPORT_FOLDER`);
    see the module docstring. ``root`` is the workspace (``None``: no workspace to guard)."""
    en = lang == "en"
    name = ws.display(Path(target))
    resolved = Path(target).resolve()
    if root is not None:
        hits = [m for m in managed_paths(Path(root)) if _inside(resolved, m)]
        if kind == REPORT_FOLDER and resolved == Path(root).resolve():
            hits.append(resolved)  # reports go to OUT/<as-of>/: not into the workspace itself
        if hits:
            raise InputError(
                [
                    Issue(
                        "output_in_workspace",
                        file=name,
                        found=ws.display(hits[0]),
                        allowed=(
                            "a path outside the workspace's plans, registers and config"
                            if en
                            else "en sti utenfor arbeidsområdets planer, registre og oppsett"
                        ),
                    )
                ]
            )
    if not resolved.exists() or force:
        return
    own = (
        resolved.is_dir()
        if kind == REPORT_FOLDER
        else resolved.is_file() and _is_workbook(resolved)
    )
    if not own:
        what = {
            WORKBOOK: ("an Excel workbook (.xlsx)", "en Excel-arbeidsbok (.xlsx)"),
            REPORT_FOLDER: ("a folder", "en mappe"),
        }[kind]
        raise InputError(
            [
                Issue(
                    "output_not_own_kind",
                    file=name,
                    found=("a folder" if en else "en mappe")
                    if resolved.is_dir()
                    else ("another kind of file" if en else "en annen type fil"),
                    allowed=(what[0] if en else what[1]) + " (--force)",
                )
            ]
        )


__all__ = ["REPORT_FOLDER", "WORKBOOK", "check_output", "managed_paths"]
