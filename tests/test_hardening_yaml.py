"""Issue 11, point 1 (YAML side): what a plan file says is read exactly, or refused.

Each case reproduces an attack on a copy of the example workspace, checks that
`gevinst check` refuses it with exit 2 and a message naming the file and line, and
that the workspace is byte-identical afterwards.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from gevinst.cli.main import cli
from gevinst.errors import InputError
from gevinst.io import workspace as ws
from gevinst.io.yamlfile import MAX_DEPTH, core_scalar, load_yaml

PLAN = "projects/digital-dialog.yaml"


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of a workspace and its bytes (to compare before and after a refusal)."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def edit(root: Path, old: str, new: str, path: str = PLAN) -> None:
    target = root / path
    text = target.read_text(encoding="utf-8")
    assert old in text, old
    target.write_text(text.replace(old, new, 1), encoding="utf-8")


def refused(root: Path, *problems: str) -> str:
    before = snapshot(root)
    result = CliRunner().invoke(cli, ["check", "--workspace", str(root), "--lang", "en"])
    assert result.exit_code == 2, result.output
    _, issues = ws.check(root)
    found = {i.problem for i in issues}
    assert set(problems) <= found, [i.as_dict() for i in issues]
    assert snapshot(root) == before
    assert "Traceback" not in result.output
    return result.output


@pytest.mark.parametrize(
    ("old", "new", "problems"),
    [
        # YAML 1.1 sexagesimal: 1:30 was read as 90 hours
        ("{hours_per_unit: 0.15}", "{hours_per_unit: 1:30}", ["wrong_type"]),
        # YAML 1.1 octal: 031000 was read as 12 800
        ("baseline: 31000", "baseline: 031000", ["yaml_leading_zero"]),
        # keys compared after resolution: 0x7E7 is 2023
        ("{2023: 1800000, 2024:", "{2023: 1800000, 0x7E7: 1, 2024:", ["duplicate_key"]),
        ("    probability: 3", "    probability: true", ["bool_coercion"]),
        ("  start_date: 2022-09-01", "  start_date: 0", ["date_coercion"]),
        ("baseline: 31000", "baseline: 1e308", ["out_of_range"]),
        ("baseline: 31000", "baseline: .inf", []),
    ],
    ids=[
        "sexagesimal",
        "octal",
        "hex-duplicate",
        "bool-as-number",
        "number-as-date",
        "huge",
        "inf",
    ],
)
def test_yaml_numbers_are_exact_or_refused(workspace: Path, old, new, problems) -> None:
    edit(workspace, old, new)
    out = refused(workspace, *problems)
    assert "digital-dialog.yaml" in out and "line" in out


def test_yes_is_not_a_boolean(workspace: Path) -> None:
    edit(workspace, "  enabled: true", "  enabled: no", "gevinst.yaml")
    refused(workspace, "bool_coercion")


def test_merge_key_refused(workspace: Path) -> None:
    edit(
        workspace,
        "    valuation: {hours_per_unit: 0.15}",
        "    <<: {owner: x}\n    valuation: {hours_per_unit: 0.15}",
    )
    out = refused(workspace, "yaml_merge_key")
    assert "<<" in out


@pytest.mark.parametrize(("depth", "problem"), [(100, "yaml_too_deep"), (100_000, None)])
def test_deep_nesting_is_a_message(tmp_path: Path, depth: int, problem: str | None) -> None:
    """Once a RecursionError; now our limit, or libyaml's own (a syntax error) far beyond it."""
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * depth + "]" * depth + "\n")
    with pytest.raises(InputError) as info:
        load_yaml(path)
    if problem:
        assert [i.problem for i in info.value.issues] == [problem]
        assert f"≤ {MAX_DEPTH}" in info.value.format("en")
    assert info.value.issues[0].line == 1


def test_50_mb_file_refused_quickly(workspace: Path) -> None:
    with (workspace / PLAN).open("a", encoding="utf-8") as fh:
        fh.write("# " + "x" * 100 + "\n" * 1)
        fh.write(("# " + "x" * 1000 + "\n") * 50_000)
    start = time.perf_counter()
    out = refused(workspace, "file_too_large")
    assert time.perf_counter() - start < 5
    assert "too large" in out


def test_core_schema_values() -> None:
    assert core_scalar("0x7E7") == 2023
    assert core_scalar("0o17") == 15
    assert core_scalar("1:30") == "1:30"
    assert core_scalar("on") == "on"
    assert core_scalar("True") is True
    assert core_scalar("~") is None
    assert core_scalar("2024-01-01") == "2024-01-01"
    assert core_scalar("07", plain=False) == "07"
    assert core_scalar("-1.5e3") == -1500.0


def test_example_plans_still_load() -> None:
    root = Path(__file__).resolve().parents[1] / "data"
    for path in sorted((root / "projects").glob("*.yaml")):
        data, lines = load_yaml(path)
        assert data["project"]["id"] == path.stem
        assert lines["project.id"] > 1


def test_keys_that_the_mapping_would_merge_are_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "keys.yaml"
    path.write_text("a: {1: x, true: y}\nb: {2023: 1, 2023.0: 2}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_yaml(path)
    assert [i.problem for i in info.value.issues] == ["duplicate_key", "duplicate_key"]
