#!/usr/bin/env python3
"""Strip outputs from Jupyter notebooks (an nbstripout-style git filter, stdlib only).

The notebooks in ``notebooks/`` are stored without outputs: an analyst who runs
them in JupyterLab and saves must not commit the results (they may hold plan data,
and they make every diff unreadable). Three ways this script is used:

* as a git *clean* filter (``.gitattributes``: ``*.ipynb filter=gevinst-strip-outputs``;
  ``make hooks`` – run by ``make lab`` – sets
  ``git config filter.gevinst-strip-outputs.clean "python3 tools/strip_outputs.py"``):
  git stores the stripped notebook, the working copy keeps its outputs;
* ``python3 tools/strip_outputs.py FILE ...`` strips files in place;
* ``python3 tools/strip_outputs.py --check FILE ...`` exits 1 naming every file that
  holds outputs (what ``tests/test_notebooks.py`` and a pre-commit hook check).

Stripped: every code cell's ``outputs`` and ``execution_count``, the widget state
and papermill's run metadata in the notebook metadata, and per-cell execution
metadata. The notebook JSON is written as Jupyter writes it (indent 1, keys sorted,
non-ASCII kept), so a notebook without outputs passes through unchanged.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

NOTEBOOK_KEYS = ("widgets", "papermill")
CELL_KEYS = ("execution", "papermill", "collapsed", "scrolled")


def strip(nb: dict) -> dict:
    """The notebook without outputs (changed in place and returned)."""
    for key in NOTEBOOK_KEYS:
        nb.get("metadata", {}).pop(key, None)
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {})
        for key in CELL_KEYS:
            meta.pop(key, None)
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return nb


def has_outputs(nb: dict) -> bool:
    return any(
        cell.get("outputs") or cell.get("execution_count") is not None
        for cell in nb.get("cells", [])
        if cell.get("cell_type") == "code"
    ) or any(key in nb.get("metadata", {}) for key in NOTEBOOK_KEYS)


def dumps(nb: dict) -> str:
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    files = [a for a in argv if a != "--check"]
    if not files:  # the git filter: notebook on stdin, stripped notebook on stdout
        text = sys.stdin.read()
        try:
            nb = json.loads(text)
        except ValueError:
            sys.stdout.write(text)  # not a notebook (e.g. a merge conflict): leave it alone
            return 0
        sys.stdout.write(dumps(strip(nb)))
        return 0
    dirty = []
    for name in files:
        path = Path(name)
        nb = json.loads(path.read_text(encoding="utf-8"))
        if check:
            if has_outputs(nb):
                dirty.append(name)
        else:
            path.write_text(dumps(strip(nb)), encoding="utf-8")
    for name in dirty:
        print(f"{name}: har utdata (outputs); kjør python3 tools/strip_outputs.py {name}")
    return 1 if dirty else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
