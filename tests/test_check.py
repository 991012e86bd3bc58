"""`gevinst check`: every kind of bad input is caught, located and explained."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from gevinst.cli.main import cli
from gevinst.errors import InputError
from gevinst.io import workspace as ws

CONFIG = {
    "organisation": "Testregionen",
    "municipalities": [
        {"name": "Aby", "population": 10000},
        {"name": "Bby", "population": 5000},
    ],
    "hourly_cost": 700,
}

PLAN = {
    "project": {
        "id": "demo",
        "name": "Demoprosjekt",
        "organisation": "Testregionen",
        "municipalities": ["Aby", "Bby"],
        "owner": "Kommunedirektør Aby",
        "project_manager": "Ola Nordmann",
        "phase": "BP3",
        "start_date": "2024-01-01",
        "end_date": "2025-12-31",
        "price_year": 2024,
    },
    "goals": {"main_goal": "Bedre tjenester"},
    "effect_goals": [{"id": "E1", "text": "Mindre manuelt arbeid", "indicator": "Timer per år"}],
    "result_goals": [
        {
            "id": "R1",
            "text": "Digitale skjema",
            "effect_goal": "E1",
            "indicator": "Antall skjema",
            "baseline": 0,
            "baseline_date": "2024-01-01",
            "target": 10,
            "due_date": "2025-12-31",
        }
    ],
    "benefits": [
        {
            "id": "G1",
            "name": "Spart tid",
            "effect_goal": "E1",
            "owner": "Enhetsleder",
            "kind": "time",
            "category": "freed_resources",
            "indicator": "Manuelle saker per år",
            "unit": "saker/år",
            "direction": "decrease",
            "baseline": 1000,
            "baseline_date": "2024-01-01",
            "target": 600,
            "target_date": "2026-12-31",
            "valuation": {"hours_per_unit": 0.5},
            "frequency": "quarterly",
        }
    ],
    "costs": [
        {
            "id": "K1",
            "name": "Lisens",
            "category": "operation",
            "amounts": {2024: 100000, 2025: 100000},
        }
    ],
}

MEASUREMENTS = "target_id,date,value,comment,reported_by,recorded_at\nG1,2024-06-30,950,,Kari,2024-07-02T10:00:00\n"


def write_workspace(root: Path, plan: dict | None = None, config: dict | None = None) -> Path:
    (root / "projects").mkdir(parents=True, exist_ok=True)
    (root / "measurements").mkdir(exist_ok=True)
    (root / "gevinst.yaml").write_text(
        yaml.safe_dump(config or CONFIG, allow_unicode=True), encoding="utf-8"
    )
    plan = plan or PLAN
    (root / "projects" / f"{plan['project']['id']}.yaml").write_text(
        yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    (root / "measurements" / f"{plan['project']['id']}.csv").write_text(
        MEASUREMENTS, encoding="utf-8"
    )
    return root


def run_check(root: Path, *extra: str):
    result = CliRunner().invoke(cli, ["check", "--workspace", str(root), *extra])
    return result


def issues_for(root: Path) -> list:
    _, issues = ws.check(root)
    return issues


def mutated(change) -> dict:
    plan = copy.deepcopy(PLAN)
    change(plan)
    return plan


def test_valid_workspace_exits_zero(tmp_path):
    root = write_workspace(tmp_path / "ws")
    result = run_check(root)
    assert result.exit_code == 0, result.output
    assert "1 prosjekter" in result.output


def test_example_workspace_is_valid():
    result = CliRunner().invoke(
        cli, ["check", "--workspace", str(Path(__file__).parents[1] / "data")]
    )
    assert result.exit_code == 0, result.output


def test_list_json_lists_example_projects():
    root = Path(__file__).parents[1] / "data"
    result = CliRunner().invoke(cli, ["list", "--workspace", str(root), "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert {r["id"] for r in rows} == set(ws.project_ids(root))
    assert all(set(r) == {"id", "name", "phase"} for r in rows)
    assert len(rows) >= 5


def test_workspace_from_environment(tmp_path, monkeypatch):
    root = write_workspace(tmp_path / "elsewhere")
    monkeypatch.setenv("GEVINST_WORKSPACE", str(root))
    result = CliRunner().invoke(cli, ["list", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)[0]["id"] == "demo"


def _set(path: list, value):
    def change(plan):
        target = plan
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _delete(path: list):
    def change(plan):
        target = plan
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


BAD_PLANS = [
    # (description, change, problem, key, field)
    ("missing field", _delete(["benefits", 0, "owner"]), "missing", "benefits[0].owner", "owner"),
    (
        "unknown field",
        _set(["benefits", 0, "ownr"], "x"),
        "unknown_field",
        "benefits[0].ownr",
        "ownr",
    ),
    (
        "wrong type",
        _set(["benefits", 0, "target"], "mange"),
        "wrong_type",
        "benefits[0].target",
        "target",
    ),
    (
        "unparseable date",
        _set(["benefits", 0, "target_date"], "2026-13-45"),
        "bad_date",
        "benefits[0].target_date",
        "target_date",
    ),
    (
        "dates out of order",
        _set(["benefits", 0, "target_date"], "2023-01-01"),
        "dates_out_of_order",
        "benefits[0].target_date",
        "target_date",
    ),
    (
        "project dates out of order",
        _set(["project", "end_date"], "2023-06-01"),
        "dates_out_of_order",
        "project.end_date",
        "end_date",
    ),
    (
        "target equals baseline",
        _set(["benefits", 0, "target"], 1000),
        "target_equals_baseline",
        "benefits[0].target",
        "target",
    ),
    (
        "unknown effektmål",
        _set(["benefits", 0, "effect_goal"], "E9"),
        "unknown_reference",
        "benefits[0].effect_goal",
        "effect_goal",
    ),
    (
        "unknown effektmål on resultatmål",
        _set(["result_goals", 0, "effect_goal"], "E7"),
        "unknown_reference",
        "result_goals[0].effect_goal",
        "effect_goal",
    ),
    ("duplicate id", _set(["costs", 0, "id"], "G1"), "duplicate_id", "costs[0].id", "id"),
    (
        "negative cost",
        _set(["costs", 0, "amounts"], {2024: -5}),
        "negative",
        "costs[0].amounts[2024]",
        "amounts",
    ),
    (
        "formula",
        _set(["benefits", 0, "name"], '=HYPERLINK("http://x")'),
        "formula",
        "benefits[0].name",
        "name",
    ),
    (
        "unsafe id with slash",
        _set(["benefits", 0, "id"], "../x"),
        "bad_pattern",
        "benefits[0].id",
        "id",
    ),
    ("unsafe id with space", _set(["costs", 0, "id"], "K 1"), "bad_pattern", "costs[0].id", "id"),
    (
        "enum not allowed",
        _set(["benefits", 0, "kind"], "money"),
        "not_allowed",
        "benefits[0].kind",
        "kind",
    ),
    (
        "unknown kommune",
        _set(["project", "municipalities"], ["Aby", "Cby"]),
        "unknown_reference",
        "project.municipalities[1]",
        "municipalities",
    ),
    (
        "direction contradicts target",
        _set(["benefits", 0, "target"], 1200),
        "wrong_direction",
        "benefits[0].target",
        "target",
    ),
]


@pytest.mark.parametrize(
    ("description", "change", "problem", "key", "field"), BAD_PLANS, ids=[b[0] for b in BAD_PLANS]
)
def test_bad_plan_is_located(tmp_path, description, change, problem, key, field):
    root = write_workspace(tmp_path / "ws", plan=mutated(change))
    issues = issues_for(root)
    match = [i for i in issues if i.problem == problem and i.key == key]
    assert match, f"{description}: expected {problem} at {key}, got {[i.as_dict() for i in issues]}"
    found = match[0]
    assert found.file.endswith("projects/demo.yaml")
    assert found.field == field
    assert found.line is not None and found.line > 0
    result = run_check(root)
    assert result.exit_code == 2
    assert "projects/demo.yaml" in result.output
    assert key in result.output


def test_message_names_file_line_key_found_and_allowed(tmp_path):
    root = write_workspace(tmp_path / "ws", plan=mutated(_set(["benefits", 0, "kind"], "money")))
    result = run_check(root)
    assert result.exit_code == 2
    line = next(x for x in result.output.splitlines() if "benefits[0].kind" in x)
    assert "demo.yaml" in line and "linje" in line
    assert "fant: 'money'" in line
    assert "cash" in line and "time" in line and "quality" in line


def test_english_messages(tmp_path):
    root = write_workspace(tmp_path / "ws", plan=mutated(_delete(["benefits", 0, "owner"])))
    result = run_check(root, "--lang", "en")
    assert result.exit_code == 2
    assert "required field is missing" in result.output


def test_all_errors_reported_at_once(tmp_path):
    def change(plan):
        plan["benefits"][0]["target"] = "x"
        plan["costs"][0]["id"] = "../y"
        plan["result_goals"][0]["effect_goal"] = "E5"

    root = write_workspace(tmp_path / "ws", plan=mutated(change))
    issues = issues_for(root)
    keys = {i.key for i in issues}
    assert {"benefits[0].target", "costs[0].id"} <= keys


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty_file"),
        (b"   \n\n", "empty_file"),
        ("project:\n  name: Bærum\n".encode("latin-1"), "not_utf8"),
        (b"project: !!python/object/apply:os.system ['echo hacked']\n", "yaml_tag"),
        (b"project: !custom {id: demo}\n", "yaml_tag"),
        (b"a: &x 1\nb: *x\n", "yaml_alias"),
        (b"project: {}\nproject: {}\n", "duplicate_key"),
        (b"- just\n- a list\n", "not_mapping"),
        (b"project: [unclosed\n", "yaml_syntax"),
    ],
    ids=[
        "empty",
        "blank",
        "latin1",
        "python-tag",
        "custom-tag",
        "alias",
        "duplicate-key",
        "list",
        "syntax",
    ],
)
def test_bad_files(tmp_path, content, problem):
    root = write_workspace(tmp_path / "ws")
    (root / "projects" / "demo.yaml").write_bytes(content)
    issues = issues_for(root)
    assert [i.problem for i in issues] == [problem], [i.as_dict() for i in issues]
    assert issues[0].file.endswith("demo.yaml")
    assert run_check(root).exit_code == 2


def test_yaml_tag_never_executes(tmp_path):
    marker = tmp_path / "pwned"
    root = write_workspace(tmp_path / "ws")
    (root / "projects" / "demo.yaml").write_text(
        f"project: !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8"
    )
    issues_for(root)
    assert not marker.exists()


def test_unsafe_project_file_name(tmp_path):
    root = write_workspace(tmp_path / "ws")
    (root / "projects" / "Bad Name.yaml").write_text("x: 1\n", encoding="utf-8")
    issues = issues_for(root)
    assert any(i.problem == "unsafe_id" and "Bad Name" in i.file for i in issues)


def test_project_id_must_match_file_name(tmp_path):
    root = write_workspace(tmp_path / "ws")
    (root / "projects" / "demo.yaml").rename(root / "projects" / "other.yaml")
    (root / "measurements" / "demo.csv").unlink()
    issues = issues_for(root)
    assert [i.problem for i in issues] == ["id_mismatch"]


def test_bad_config_is_located(tmp_path):
    config = copy.deepcopy(CONFIG)
    config["hourly_cost"] = "dyr"
    root = write_workspace(tmp_path / "ws", config=config)
    issues = issues_for(root)
    assert issues[0].file.endswith("gevinst.yaml") and issues[0].key == "hourly_cost"


@pytest.mark.parametrize(
    ("row", "problem", "field"),
    [
        ("G9,2024-09-30,900,,Kari,", "unknown_reference", "target_id"),
        ("G1,2023-09-30,900,,Kari,", "date_before_baseline", "date"),
        ("G1,2024-09-31,900,,Kari,", "bad_date", "date"),
        ("G1,2024-09-30,ni hundre,,Kari,", "wrong_type", "value"),
        ("G1,2024-06-30,940,,Kari,", "conflicting_measurement", "date"),
        ("G1,2024-06-30,950,,Kari,", "duplicate_measurement", "date"),
        ("G1,2024-09-30,900,=cmd|' /C calc'!A0,Kari,", "formula", "comment"),
    ],
)
def test_bad_measurement_rows(tmp_path, row, problem, field):
    root = write_workspace(tmp_path / "ws")
    path = root / "measurements" / "demo.csv"
    path.write_text(MEASUREMENTS + row + "\n", encoding="utf-8")
    issues = issues_for(root)
    assert len(issues) == 1, [i.as_dict() for i in issues]
    i = issues[0]
    assert (i.problem, i.field, i.row) == (problem, field, 3)
    assert i.file.endswith("measurements/demo.csv")


def test_measurement_row_with_another_number_of_cells(tmp_path):
    """A short row is named, with the counts in the reader's language; later rows are checked."""
    root = write_workspace(tmp_path / "ws")
    (root / "measurements" / "demo.csv").write_text(
        MEASUREMENTS + "G1,2024-09-30,900\n" + "G1,2024-10-31,ni hundre,,Kari,\n",
        encoding="utf-8",
    )
    _, issues = ws.check(root)
    assert [(i.problem, i.row, i.found, i.allowed) for i in issues] == [
        ("invalid", 3, "3 kolonner", "6 kolonner"),
        ("wrong_type", 4, "ni hundre", "et tall"),
    ]
    _, issues = ws.check(root, lang="en")
    assert (issues[0].found, issues[0].allowed) == ("3 columns", "6 columns")


def test_measurement_header_checked(tmp_path):
    root = write_workspace(tmp_path / "ws")
    (root / "measurements" / "demo.csv").write_text(
        "id,date,value\nG1,2024-06-30,1\n", encoding="utf-8"
    )
    issues = issues_for(root)
    assert issues[0].problem == "bad_header" and issues[0].row == 1


def test_load_raises_input_error_with_all_issues(tmp_path):
    root = write_workspace(tmp_path / "ws", plan=mutated(_set(["benefits", 0, "target"], "x")))
    with pytest.raises(InputError) as exc:
        ws.load(root)
    assert exc.value.issues[0].key == "benefits[0].target"


def test_broken_copy_of_example_names_file_field_and_line(workspace):
    """Done-when of the foundation issue: one broken field in a copy of the example."""
    pid = ws.project_ids(workspace)[0]
    path = workspace / "projects" / f"{pid}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["benefits"][0]["baseline_date"] = "i fjor"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = run_check(workspace)
    assert result.exit_code == 2
    assert f"projects/{pid}.yaml" in result.output
    assert "benefits[0].baseline_date" in result.output
    assert "linje" in result.output
