"""Issue 11, point 9 (intake side): ids, terminal output, messages instead of tracebacks."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from click.testing import CliRunner

from gevinst.cli.common import terminal_text
from gevinst.cli.main import cli
from gevinst.errors import id_rule
from gevinst.model.schema import ID_PATTERN, PROJECT_ID_PATTERN, WINDOWS_RESERVED, is_safe_id

PID = "digital-dialog"


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def invoke(*args: str):
    return CliRunner().invoke(cli, [*args, "--lang", "en"])


@pytest.mark.parametrize("name", ["con", "nul", "aux", "prn", "com1", "LPT9"])
def test_windows_reserved_names_refused_as_ids(name: str) -> None:
    assert not is_safe_id(name.lower(), project=True)
    assert not is_safe_id(name)


def test_reserved_project_id_refused_by_check(workspace: Path) -> None:
    src = workspace / "projects" / f"{PID}.yaml"
    text = src.read_text(encoding="utf-8").replace(f"id: {PID}", "id: con", 1)
    (workspace / "projects" / "con.yaml").write_text(text, encoding="utf-8")
    src.unlink()
    (workspace / "measurements" / f"{PID}.csv").rename(workspace / "measurements" / "con.csv")
    before = snapshot(workspace)
    result = invoke("check", "--workspace", str(workspace))
    assert result.exit_code == 2
    assert "unsafe as a file name" in result.output and "not con" in result.output
    assert snapshot(workspace) == before


def test_id_rule_message_matches_the_rule() -> None:
    """The message said 'a–z/A–Z, '-' and '_' (max 64)' for a rule of a–z, 0–9, '-', at most 63."""
    project = id_rule(project=True, lang="en")
    assert "63" in project and "A–Z" not in project and "_" not in project
    assert PROJECT_ID_PATTERN.endswith("{0,62}$")  # 1 + 62 = 63
    other = id_rule(project=False, lang="en")
    assert "64" in other and "'_'" in other
    assert ID_PATTERN.endswith("{0,63}$")
    assert all(n in project for n in ("con", "nul", "com1"))
    assert {"con", "nul", "com1", "lpt9"} <= WINDOWS_RESERVED


def test_measure_add_with_unsafe_project_id_names_the_rule(workspace: Path) -> None:
    result = invoke(
        "measure", "add", "../x", "G1", "2026-11-20", "1", "--workspace", str(workspace)
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.output


ESCAPES = "Digital\x1b]0;pwned\x07 dialog\x1b[31m rød\x1b[0m\x9b2J\u202e"


def test_terminal_text_strips_escapes() -> None:
    assert terminal_text(ESCAPES) == "Digital dialog rød"
    assert terminal_text("a\tb\nc") == "a\tb\nc"


def test_list_and_status_strip_escapes(workspace: Path) -> None:
    """Plan text with ANSI/OSC escape sequences was printed raw by list and status."""
    plan = workspace / "projects" / f"{PID}.yaml"
    text = plan.read_text(encoding="utf-8")
    escaped = '"Digital\\e]0;pwned\\a dialog\\e[31m rød\\e[0m"'
    plan.write_text(
        text.replace("  name: Digital dialog med innbyggerne", f"  name: {escaped}", 1),
        encoding="utf-8",
    )
    for command in (["list"], ["status", PID]):
        result = invoke(*command, "--workspace", str(workspace))
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output
        assert "Digital dialog rød" in result.output


@pytest.mark.parametrize("code", [errno.EROFS, errno.ENOSPC])
def test_full_or_read_only_disk_is_exit_4_in_every_intake_command(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    from gevinst.io import excel as xl
    from gevinst.io import transaction

    wb = tmp_path / "dd.xlsx"
    xl.export_project(workspace, PID, wb)
    csv_in = tmp_path / "inn.csv"
    csv_in.write_text(f"project,target_id,date,value\n{PID},G1,2026-11-29,1\n", encoding="utf-8")

    def fail(*_args, **_kwargs):
        raise OSError(code, "simulated")

    monkeypatch.setattr(transaction, "_stage", fail)
    monkeypatch.setattr("gevinst.io.atomic.tempfile.mkstemp", fail)
    before = snapshot(workspace)
    plan = workspace / "projects" / f"{PID}.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace(
            "  name: Digital dialog med", "  name: Digital dialog for", 1
        ),
        encoding="utf-8",
    )
    before = snapshot(workspace)
    for command in (
        ["measure", "add", PID, "G1", "2026-11-29", "1"],
        ["measure", "import", str(csv_in)],
        ["excel", "import", str(wb), "--force"],
        ["excel", "export", PID, "--out", str(tmp_path / "out.xlsx")],
    ):
        result = invoke(*command, "--workspace", str(workspace))
        assert result.exit_code == 4, (command, result.output)
        assert "Traceback" not in result.output
        assert snapshot(workspace) == before
