"""Plans are parsed once per process (the parse cache in gevinst.io.workspace), and
``gevinst list`` reads only each plan's project block (gevinst.io.listing)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from gevinst.cli.main import cli
from gevinst.errors import InputError
from gevinst.io import listing
from gevinst.io import workspace as ws


@pytest.fixture
def parses(monkeypatch) -> Counter:
    """Count the real YAML parses by file name (the cache starts empty)."""
    seen: Counter = Counter()
    real = ws.load_yaml

    def counting(path, display=None):
        seen[Path(path).name] += 1
        return real(path, display)

    ws.clear_parse_cache()
    monkeypatch.setattr(ws, "load_yaml", counting)
    # the per-process parse cache is what these tests count: the results cache on disk
    # (tests/test_cache.py) would answer before any parse
    monkeypatch.setenv("GEVINST_CACHE", "off")
    yield seen
    ws.clear_parse_cache()


def test_status_of_three_projects_parses_the_config_once(workspace: Path, parses: Counter) -> None:
    ids = ws.project_ids(workspace)[:3]
    result = CliRunner().invoke(
        cli, ["status", *ids, "--json", "--as-of", "2026-06-30", "--workspace", str(workspace)]
    )
    assert result.exit_code == 0, result.output
    assert parses["gevinst.yaml"] == 1
    assert all(parses[f"{i}.yaml"] == 1 for i in ids)


def test_a_second_load_of_the_workspace_parses_nothing(workspace: Path, parses: Counter) -> None:
    first = ws.load(workspace)
    n = sum(parses.values())
    assert n == len(first.plans) + 1
    second = ws.load(workspace)
    assert sum(parses.values()) == n
    assert second.plans == first.plans
    # each caller gets its own objects: changing one plan leaves the other load alone
    pid = next(iter(first.plans))
    first.plans[pid].project.name = "Endret"
    assert second.plans[pid].project.name != "Endret"
    assert ws.load(workspace).plans[pid].project.name != "Endret"


def test_a_changed_file_is_parsed_again_even_with_the_same_size(
    workspace: Path, parses: Counter
) -> None:
    pid = "velferdsteknologi"
    path = ws.Paths(workspace).plan(pid)
    before = ws.load_plan(workspace, pid)
    text = path.read_text(encoding="utf-8")
    assert "Ingrid Haugen" in text
    stat = path.stat()
    path.write_text(text.replace("Ingrid Haugen", "Ingrid Hauge_"), encoding="utf-8")
    assert path.stat().st_size == stat.st_size
    after = ws.load_plan(workspace, pid)
    assert before.project.project_manager == "Ingrid Haugen"
    assert after.project.project_manager == "Ingrid Hauge_"
    assert parses[f"{pid}.yaml"] == 2


def test_a_broken_file_is_not_kept(workspace: Path, parses: Counter) -> None:
    pid = "felles-erp"
    path = ws.Paths(workspace).plan(pid)
    good = path.read_bytes()
    path.write_bytes(b"project: [unclosed\n")
    with pytest.raises(InputError):
        ws.load_plan(workspace, pid)
    with pytest.raises(InputError):  # parsed again, reported again
        ws.load_plan(workspace, pid)
    assert parses[f"{pid}.yaml"] == 2
    path.write_bytes(good)
    assert ws.load_plan(workspace, pid).project.id == pid


def test_the_cache_is_bounded(workspace: Path, parses: Counter, monkeypatch) -> None:
    monkeypatch.setattr(ws, "_CACHE_LIMIT", 2)
    for pid in ws.project_ids(workspace)[:4]:
        ws.load_plan(workspace, pid)
    assert ws.parse_cache_size() == 2


# --------------------------------------------------------------------------- gevinst list


def test_list_matches_the_full_load_and_parses_no_plan(workspace: Path, parses: Counter) -> None:
    result = CliRunner().invoke(cli, ["list", "--json", "--workspace", str(workspace)])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert set(parses) == {"gevinst.yaml"}  # the strict loader read the config only
    loaded = ws.load(workspace)
    assert rows == [
        {
            "id": pid,
            "name": plan.project.name,
            "phase": plan.project.phase.value if plan.project.phase else None,
        }
        for pid, plan in sorted(loaded.plans.items())
    ]


def test_list_shows_an_invalid_plan_and_warns_of_an_unreadable_one(workspace: Path) -> None:
    projects = workspace / "projects"
    erp = projects / "felles-erp.yaml"
    # invalid further down (check's business), the project block is fine
    erp.write_text(erp.read_text(encoding="utf-8") + "\nunknown_key: 1\n", encoding="utf-8")
    (projects / "broken.yaml").write_text("project: [unclosed\n", encoding="utf-8")
    (projects / "alias.yaml").write_text("project: &a {id: x}\nother: *a\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["list", "--workspace", str(workspace)])
    assert result.exit_code == 0
    assert "felles-erp" in result.stdout and "Felles ERP" in result.stdout
    assert "broken" not in result.stdout and "alias" not in result.stdout
    assert "2 planer kunne ikke leses (alias, broken)" in result.stderr
    assert "gevinst check" in result.stderr


def test_list_needs_a_workspace(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["list", "--workspace", str(tmp_path)])
    assert result.exit_code == 2
    assert "gevinst.yaml" in result.stderr


def test_project_block() -> None:
    text = "# plan\nproject:\n  id: a\n\n  # note\n  name: A\ngoals:\n  main_goal: x\n"
    assert listing.project_block(text) == "project:\n  id: a\n\n  # note\n  name: A"
    assert listing.project_block("goals: {}\nproject: {id: b}\n") == "project: {id: b}"
    assert listing.project_block("goals: {}\n") is None
