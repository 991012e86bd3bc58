"""Issue 11, point 3: an import that changes a plan and its register writes both or neither.

The import runs in a child process that SIGKILLs itself at a chosen step of the commit
(after staging, after the journal, between the two renames); the next command finishes
or discards the change, and the workspace is either all old or all new.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from gevinst.cli.main import cli
from gevinst.io import excel as xl
from gevinst.io import transaction
from gevinst.io import workspace as ws

PID = "digital-dialog"

CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from gevinst.io import excel as xl, transaction

    step = sys.argv[3]
    real_replace, real_stage = os.replace, transaction._stage
    seen = {"renames": 0}

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    def stage(target, data):
        tmp = real_stage(target, data)
        if step == "staged" and target.name != transaction.JOURNAL_NAME:
            die()
        return tmp

    def replace(src, dst):
        real_replace(src, dst)
        if Path(dst).name == transaction.JOURNAL_NAME:
            if step == "journal":
                die()
        elif step == "between":
            die()

    transaction._stage = stage
    os.replace = replace
    xl.import_workbook(Path(sys.argv[1]), Path(sys.argv[2]))
    """
)


def changed_workbook(root: Path, tmp_path: Path) -> Path:
    """A workbook that renames benefit G1 (plan) and adds a G9-free measurement (register)."""
    path = tmp_path / "dd.xlsx"
    xl.export_project(root, PID, path)
    wb = openpyxl.load_workbook(path)
    benefits = wb["Gevinster"]
    header = [c.value for c in benefits[1]]
    benefits.cell(2, header.index("navn") + 1, "Nytt navn på G1")
    sheet = wb["Målinger"]
    header = [c.value for c in sheet[1]]
    row = sheet.max_row + 1
    for name, value in [
        ("gevinst/resultatmål-ID", "G1"),
        ("dato", dt.date(2026, 11, 29)),
        ("verdi", 123),
    ]:
        sheet.cell(row, header.index(name) + 1, value)
    wb.save(path)
    return path


def state(root: Path) -> tuple[bool, bool]:
    """(plan is new, register is new)."""
    plan = (root / "projects" / f"{PID}.yaml").read_text(encoding="utf-8")
    register = (root / "measurements" / f"{PID}.csv").read_text(encoding="utf-8")
    return "Nytt navn på G1" in plan, "G1,2026-11-29,123" in register


@pytest.mark.parametrize(
    ("step", "after"),
    [("staged", (False, False)), ("journal", (True, True)), ("between", (True, True))],
)
def test_killed_import_is_all_or_nothing(workspace: Path, tmp_path: Path, step: str, after) -> None:
    path = changed_workbook(workspace, tmp_path)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(workspace), str(path), step],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert child.returncode == -9, child.stderr.decode()
    if step == "between":
        assert state(workspace) in ((True, False), (False, True))  # half-written on disk
    # the next command recovers; check then passes and the workspace is all old or all new
    result = CliRunner().invoke(cli, ["check", "--workspace", str(workspace)])
    assert result.exit_code == 0, result.output
    assert state(workspace) == after
    assert not (workspace / transaction.JOURNAL_NAME).exists()
    ws.load_project(workspace, PID)


def test_lock_lives_outside_the_workspace(workspace: Path, tmp_path: Path) -> None:
    """`.gevinst-intake.lock` was left in the versioned workspace."""
    path = changed_workbook(workspace, tmp_path)
    xl.import_workbook(workspace, path)
    assert not [p for p in workspace.rglob("*") if p.name.endswith(".lock")]
    assert not transaction.lock_path(workspace).is_relative_to(workspace.resolve())


def test_import_keeps_the_plans_comments(workspace: Path, tmp_path: Path) -> None:
    plan_path = workspace / "projects" / f"{PID}.yaml"
    comments = [
        line
        for line in plan_path.read_text(encoding="utf-8").splitlines()
        if line.lstrip().startswith("#")
    ]
    assert comments
    xl.import_workbook(workspace, changed_workbook(workspace, tmp_path))
    text = plan_path.read_text(encoding="utf-8")
    assert "Nytt navn på G1" in text
    for line in comments:
        assert line in text
