"""Issue 11, points 4-5: outputs never overwrite the workspace; spreadsheet injection is
neutralised and the round trip stays lossless; long text is refused, never cut."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from gevinst.cli.main import cli
from gevinst.io import excel as xl
from gevinst.io import intake
from gevinst.io import workspace as ws
from gevinst.io.cells import EXCEL_MAX_TEXT, from_spreadsheet_safe, spreadsheet_safe

PID = "digital-dialog"


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def invoke(*args: str):
    return CliRunner().invoke(cli, [*args, "--lang", "en"])


@pytest.mark.parametrize(
    "command",
    [
        ["excel", "export", PID, "--out", "measurements/digital-dialog.csv"],
        ["excel", "export", PID, "--out", "measurements/digital-dialog.csv", "--force"],
        ["excel", "template", "--out", "projects/x.yaml"],
        ["excel", "template", "--out", "gevinst.yaml", "--force"],
        ["excel", "export", PID, "--out", "projects/digital-dialog.yaml"],
    ],
    ids=[
        "export-register",
        "export-register-force",
        "template-plan",
        "template-config",
        "export-plan",
    ],
)
def test_outputs_refuse_managed_files(workspace: Path, command: list[str]) -> None:
    """`excel export --out W/measurements/digital-dialog.csv` replaced the register (exit 0)."""
    before = snapshot(workspace)
    args = [a if "/" not in a and not a.endswith(".yaml") else str(workspace / a) for a in command]
    result = invoke(*args, "--workspace", str(workspace))
    assert result.exit_code == 2, result.output
    assert "workspace's own files" in result.output
    assert snapshot(workspace) == before


def test_symlink_into_the_registers_refused(workspace: Path, tmp_path: Path) -> None:
    link = tmp_path / "innocent.xlsx"
    link.symlink_to(workspace / "measurements" / f"{PID}.csv")
    before = snapshot(workspace)
    result = invoke("excel", "export", PID, "--out", str(link), "--workspace", str(workspace))
    assert result.exit_code == 2
    assert snapshot(workspace) == before


def test_existing_file_of_another_kind_needs_force(workspace: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.xlsx"
    notes.write_text("my notes", encoding="utf-8")
    result = invoke("excel", "export", PID, "--out", str(notes), "--workspace", str(workspace))
    assert result.exit_code == 2 and "--force" in result.output
    assert notes.read_text(encoding="utf-8") == "my notes"
    result = invoke(
        "excel", "export", PID, "--out", str(notes), "--workspace", str(workspace), "--force"
    )
    assert result.exit_code == 0, result.output
    # a workbook may be replaced by a workbook without --force
    result = invoke("excel", "export", PID, "--out", str(notes), "--workspace", str(workspace))
    assert result.exit_code == 0, result.output


def test_report_out_refuses_the_workspace(workspace: Path) -> None:
    before = snapshot(workspace)
    for out in (workspace, workspace / "projects"):
        result = invoke("report", PID, "--out", str(out), "--workspace", str(workspace))
        assert result.exit_code == 2, result.output
        assert "workspace's own files" in result.output
    assert snapshot(workspace) == before


# --------------------------------------------------------------------------- injection

ATTACKS = [
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "'+already quoted",
    "'plain",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_spreadsheet_safe_round_trip(text: str) -> None:
    stored = spreadsheet_safe(text)
    assert not stored.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert from_spreadsheet_safe(stored) == text


def test_injection_stored_quoted_and_read_back_exactly(workspace: Path, tmp_path: Path) -> None:
    """`+cmd|' /C calc'!A0` went into the register as it was, a CSV people open in Excel."""
    csv_in = tmp_path / "inn.csv"
    lines = ["project,target_id,date,value,comment"]
    lines += [
        f'{PID},G1,2026-11-{20 + n},1,"{spreadsheet_safe(t).replace(chr(34), chr(34) * 2)}"'
        for n, t in enumerate(ATTACKS)
    ]
    csv_in.write_text("\n".join(lines) + "\n", encoding="utf-8")
    intake.import_file(workspace, csv_in)
    register = (workspace / "measurements" / f"{PID}.csv").read_text(encoding="utf-8")
    for text in ATTACKS:
        assert (
            f",{spreadsheet_safe(text)}," in register or f',"{spreadsheet_safe(text)}",' in register
        )
    for line in register.splitlines()[1:]:
        for cell in line.split(","):
            assert not cell.startswith(("=", "+", "-", "@")), line
    _, _plan, measurements = ws.load_project(workspace, PID)
    comments = [m.comment for m in measurements if m.comment in ATTACKS]
    assert sorted(comments) == sorted(ATTACKS)
    # the workbook holds them as text cells (never formulas), and import reads them back
    out = tmp_path / "dd.xlsx"
    xl.export_project(workspace, PID, out)
    wb = openpyxl.load_workbook(out)
    cells = [c for row in wb["Målinger"].iter_rows() for c in row if c.value in ATTACKS]
    assert len(cells) == len(ATTACKS) and all(c.data_type == "s" for c in cells)
    read = xl.read_workbook(out)
    assert [m for _, m in read.measurements] == measurements


def test_injection_where_a_number_is_expected_is_refused(workspace: Path, tmp_path: Path) -> None:
    before = snapshot(workspace)
    result = invoke(
        "measure",
        "add",
        PID,
        "G1",
        "2026-11-20",
        "+cmd|' /C calc'!A0",
        "--workspace",
        str(workspace),
    )
    assert result.exit_code == 2
    assert snapshot(workspace) == before


def test_export_refuses_text_longer_than_a_cell(workspace: Path, tmp_path: Path) -> None:
    """Export cut text over 32 767 characters without a word."""
    plan_path = workspace / "projects" / f"{PID}.yaml"
    text = plan_path.read_text(encoding="utf-8")
    long = "x" * (EXCEL_MAX_TEXT + 1)
    plan_path.write_text(
        text.replace("  main_goal:", f"  main_goal: {long}\n  _old_main_goal:", 1), encoding="utf-8"
    )
    data = plan_path.read_text(encoding="utf-8")
    if "_old_main_goal" in data:  # keep the plan valid: drop the old value line
        lines = data.splitlines(keepends=True)
        k = next(i for i, line in enumerate(lines) if line.startswith("  _old_main_goal:"))
        del lines[k]
        while k < len(lines) and lines[k].startswith("    "):
            del lines[k]
        plan_path.write_text("".join(lines), encoding="utf-8")
    assert CliRunner().invoke(cli, ["check", "--workspace", str(workspace)]).exit_code == 0
    out = tmp_path / "dd.xlsx"
    result = invoke("excel", "export", PID, "--out", str(out), "--workspace", str(workspace))
    assert result.exit_code == 2, result.output
    assert "32 767" in result.output and not out.exists()
