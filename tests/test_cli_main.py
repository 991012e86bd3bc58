"""The CLI's lazy command table (gevinst.cli.main.MODULES) matches the modules' COMMANDS."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from gevinst.cli.main import MODULES, cli


def test_the_table_lists_every_command_of_every_module() -> None:
    for module, names in MODULES.items():
        mod = __import__(f"gevinst.cli.{module}", fromlist=["COMMANDS"])
        assert tuple(c.name for c in mod.COMMANDS) == names, module


def test_help_lists_all_commands() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for names in MODULES.values():
        for name in names:
            assert name in result.output


def test_check_does_not_import_the_report_or_excel_stack() -> None:
    code = (
        "import sys\n"
        "from gevinst.cli.main import cli\n"
        "try:\n"
        "    cli(['check', '--workspace', 'data'], standalone_mode=False)\n"
        "finally:\n"
        "    print('loaded=' + ','.join(m for m in ('pandas', 'openpyxl', 'matplotlib', 'papermill',"
        " 'gevinst.io.excel', 'gevinst.model.cba') if m in sys.modules))\n"
    )
    repo = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "loaded="
