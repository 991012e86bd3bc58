"""Measurement intake: good rows are appended; any bad row leaves the register untouched."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from gevinst.errors import InputError
from gevinst.io import intake
from gevinst.io import workspace as ws
from gevinst.model.schema import Measurement, Plan, label

D = dt.date
NOW = dt.datetime(2026, 11, 25, 12, 0)

CONFIG = """\
organisation: Testregionen
municipalities:
  - {name: A, population: 3000}
  - {name: B, population: 1000}
hourly_cost: 720
"""


def _plan(pid: str) -> Plan:
    return Plan.model_validate(
        {
            "project": {
                "id": pid,
                "name": "Prosjekt",
                "organisation": "Testregionen",
                "municipalities": ["A", "B"],
                "owner": "Eier",
                "project_manager": "PL",
                "start_date": "2024-01-01",
                "end_date": "2025-12-31",
                "price_year": 2024,
            },
            "goals": {"main_goal": "Bedre"},
            "effect_goals": [{"id": "E1", "text": "Raskere", "indicator": "Svartid"}],
            "benefits": [
                {
                    "id": "G1",
                    "name": "Spart tid",
                    "effect_goal": "E1",
                    "owner": "Kari",
                    "kind": "time",
                    "category": "freed_resources",
                    "indicator": "Saker",
                    "unit": "saker",
                    "direction": "decrease",
                    "baseline": 1000,
                    "baseline_date": "2024-01-01",
                    "target": 600,
                    "target_date": "2026-12-31",
                    "frequency": "quarterly",
                }
            ],
            "result_goals": [
                {
                    "id": "R1",
                    "text": "Skjema",
                    "effect_goal": "E1",
                    "indicator": "Skjema",
                    "baseline": 0,
                    "baseline_date": "2024-06-01",
                    "target": 10,
                    "due_date": "2025-12-31",
                }
            ],
        }
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    root.mkdir()
    (root / "gevinst.yaml").write_text(CONFIG, encoding="utf-8")
    ws.save_plan(root, _plan("p1"))
    ws.save_plan(root, _plan("p2"))
    ws.save_measurements(
        root,
        "p1",
        [
            Measurement(target_id="G1", date=D(2024, 4, 1), value=950, reported_by="Kari"),
            Measurement(target_id="G1", date=D(2024, 7, 1), value=900, reported_by="Kari"),
        ],
    )
    return root


def register(root: Path, pid: str = "p1") -> Path:
    return root / "measurements" / f"{pid}.csv"


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "measurements").iterdir())}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(root: Path, call) -> InputError:
    """Run ``call``; it must raise InputError and leave every register byte as it was."""
    before = snapshot(root)
    with pytest.raises(InputError) as exc:
        call()
    assert snapshot(root) == before
    assert not list((root / "measurements").glob(".gevinst-tmp-*"))
    return exc.value


# --------------------------------------------------------------------------- add


def test_add_appends_and_keeps_existing_bytes(root):
    before = register(root).read_bytes()
    result = intake.add_measurement(
        root, "p1", "G1", "2024-10-01", "850", comment="Q3", reported_by="Kari", now=NOW
    )
    after = register(root).read_bytes()
    assert after.startswith(before)
    assert after[len(before) :] == b"G1,2024-10-01,850,Q3,Kari,2026-11-25T12:00:00\n"
    assert result.added == {"p1": 1}
    _, _plan, ms = ws.load_project(root, "p1")
    assert [(m.date, m.value) for m in ms][-1] == (D(2024, 10, 1), 850)
    assert ms[-1].recorded_at == NOW


def test_add_creates_a_missing_register(root):
    assert not register(root, "p2").exists()
    intake.add_measurement(root, "p2", "R1", "2024-12-01", "3", reported_by="PL", now=NOW)
    text = register(root, "p2").read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(ws.MEASUREMENT_COLUMNS)
    assert text.splitlines()[1].startswith("R1,2024-12-01,3,,PL,")


def test_add_refuses_exact_duplicate_as_already_recorded(root):
    err = refused(
        root, lambda: intake.add_measurement(root, "p1", "G1", "2024-07-01", "900", now=NOW)
    )
    (issue,) = err.issues
    assert issue.problem == "duplicate_measurement"
    assert "allerede registrert" in issue.format("nb")
    assert "measurements/p1.csv rad 3" in issue.format("nb")


def test_add_refuses_conflicting_value(root):
    err = refused(
        root, lambda: intake.add_measurement(root, "p1", "G1", "2024-07-01", "880", now=NOW)
    )
    (issue,) = err.issues
    assert issue.problem == "conflicting_measurement" and issue.field == "value"
    assert "900" in issue.detail


@pytest.mark.parametrize(
    ("args", "problem", "field"),
    [
        (("p1", "G9", "2024-10-01", "1"), "unknown_reference", "target_id"),
        (("p1", "G1", "2023-12-31", "1"), "date_before_baseline", "date"),
        (("p1", "G1", "2026-11-26", "1"), "date_in_future", "date"),
        (("p1", "G1", "2024-10-01", "tolv"), "wrong_type", "value"),
        (("p1", "G1", "1.10.2024x", "1"), "bad_date", "date"),
        (("p9", "G1", "2024-10-01", "1"), "unknown_project", "project"),
    ],
)
def test_add_refuses_bad_input(root, args, problem, field):
    err = refused(root, lambda: intake.add_measurement(root, *args, now=NOW))
    assert [(i.problem, i.field) for i in err.issues] == [(problem, field)]


def test_add_reports_every_problem_in_the_row_at_once(root):
    err = refused(
        root, lambda: intake.add_measurement(root, "p1", "G9", "2027-01-01", "abc", now=NOW)
    )
    assert sorted((i.field, i.problem) for i in err.issues) == [
        ("date", "date_in_future"),
        ("target_id", "unknown_reference"),
        ("value", "wrong_type"),
    ]
    assert "felt «value»" in err.format("nb")


def test_add_accepts_norwegian_number_and_date(root):
    intake.add_measurement(root, "p1", "G1", "1.10.2024", "849,5", now=NOW)
    assert register(root).read_text().splitlines()[-1].startswith("G1,2024-10-01,849.5,")


@pytest.mark.parametrize(
    ("typed", "written"),
    [("1 234,5", "1234.5"), ("\u2212849,5", "-849.5"), ("849.5", "849.5"), (" 850 ", "850")],
)
def test_add_reads_numbers_as_the_excel_import_does(root, typed, written):
    intake.add_measurement(root, "p1", "G1", "2024-10-01", typed, now=NOW)
    assert register(root).read_text().splitlines()[-1].startswith(f"G1,2024-10-01,{written},")


def test_a_number_too_large_is_refused_as_typed(root):
    err = refused(
        root, lambda: intake.add_measurement(root, "p1", "G1", "2024-10-01", "1e999", now=NOW)
    )
    assert [(i.problem, i.field, i.found) for i in err.issues] == [("wrong_type", "value", "1e999")]


# --------------------------------------------------------------------------- CSV import


def test_import_csv_register_header(root, tmp_path):
    f = write(
        tmp_path,
        "inn.csv",
        "target_id,date,value,comment,reported_by,recorded_at\n"
        "G1,2024-10-01,850,,Kari,\n"
        "R1,2024-12-01,2,to skjema,,\n",
    )
    before = register(root).read_bytes()
    result = intake.import_file(root, f, project="p1", reported_by="Sekretariatet", now=NOW)
    assert result.added == {"p1": 2}
    new = register(root).read_bytes()[len(before) :].decode().splitlines()
    assert new == [
        "G1,2024-10-01,850,,Kari,2026-11-25T12:00:00",
        "R1,2024-12-01,2,to skjema,Sekretariatet,2026-11-25T12:00:00",
    ]


def test_import_csv_short_header_with_projects(root, tmp_path):
    f = write(
        tmp_path,
        "inn.csv",
        "project,target_id,date,value,comment,reported_by\n"
        "p1,G1,2024-10-01,850,,Kari\n"
        "p2,G1,2024-10-01,990,,Ola\n",
    )
    result = intake.import_file(root, f, now=NOW)
    assert result.added == {"p1": 1, "p2": 1}
    assert register(root, "p2").read_text().splitlines()[1].startswith("G1,2024-10-01,990,,Ola,")


def test_import_semicolon_csv_with_decimal_comma(root, tmp_path):
    f = write(tmp_path, "inn.csv", "target_id;date;value\nG1;2024-10-01;849,5\n")
    intake.import_file(root, f, project="p1", now=NOW)
    assert register(root).read_text().splitlines()[-1].startswith("G1,2024-10-01,849.5,")


def test_import_refuses_every_bad_row_and_names_row_and_field(root, tmp_path):
    f = write(
        tmp_path,
        "inn.csv",
        "project,target_id,date,value,comment,reported_by\n"
        "p1,G1,2024-10-01,850,,Kari\n"  # row 2: good
        "p1,G9,2024-10-01,850,,Kari\n"  # row 3: unknown id
        "p1,G1,2023-06-01,850,,Kari\n"  # row 4: before the baseline
        "p1,G1,2025-01-01,mange,,Kari\n"  # row 5: text in a number column
        "p1,G1,2024-10-01,850,,Kari\n"  # row 6: the same as row 2
        "p1,R1,2024-12-01,3,,Kari\n"  # row 7: good
        "p1,R1,2024-12-01,4,,Kari\n"  # row 8: conflicts with row 7
        "p1,G1,2024-07-01,900,,Kari\n"  # row 9: already in the register
        "p1,G1,2024-04-01,951,,Kari\n"  # row 10: conflicts with the register
        "p7,G1,2024-10-01,1,,Kari\n",  # row 11: unknown project
    )
    err = refused(root, lambda: intake.import_file(root, f, now=NOW))
    got = [(i.row, i.field, i.problem) for i in err.issues]
    assert got == [
        (3, "target_id", "unknown_reference"),
        (4, "date", "date_before_baseline"),
        (5, "value", "wrong_type"),
        (6, "date", "duplicate_row"),
        (8, "date", "conflicting_row"),
        (9, "date", "duplicate_measurement"),
        (10, "value", "conflicting_measurement"),
        (11, "project", "unknown_project"),
    ]
    assert all(i.file.endswith("inn.csv") for i in err.issues)
    text = err.issues[2].format("nb")
    assert "inn.csv" in text and "rad 5" in text and "value" in text and "'mange'" in text
    assert "se rad 2" in err.issues[3].format("nb")
    assert "allerede registrert" in err.issues[5].format("nb")


def test_import_refuses_bad_header(root, tmp_path):
    f = write(tmp_path, "inn.csv", "target,date,verdi2\nG1,2024-10-01,1\n")
    err = refused(root, lambda: intake.import_file(root, f, project="p1", now=NOW))
    (issue,) = err.issues
    assert issue.problem == "bad_header" and issue.row == 1
    assert "target_id,date,value,comment,reported_by,recorded_at" in issue.allowed


def test_import_needs_a_project(root, tmp_path):
    f = write(tmp_path, "inn.csv", "target_id,date,value\nG1,2024-10-01,1\n")
    err = refused(root, lambda: intake.import_file(root, f, now=NOW))
    assert [(i.problem, i.field, i.row) for i in err.issues] == [("missing", "project", 2)]


def test_import_project_column_must_match_option(root, tmp_path):
    f = write(tmp_path, "inn.csv", "project,target_id,date,value\np2,G1,2024-10-01,1\n")
    err = refused(root, lambda: intake.import_file(root, f, project="p1", now=NOW))
    assert [i.problem for i in err.issues] == ["project_mismatch"]


def test_import_refuses_when_register_is_missing_too(root, tmp_path):
    f = write(tmp_path, "inn.csv", "target_id,date,value\nR1,2024-12-01,x\n")
    with pytest.raises(InputError):
        intake.import_file(root, f, project="p2", now=NOW)
    assert not register(root, "p2").exists()
    assert not list(root.rglob("*.lock"))


def test_import_empty_file_and_unknown_type(root, tmp_path):
    f = write(tmp_path, "inn.csv", "target_id,date,value\n")
    assert (
        refused(root, lambda: intake.import_file(root, f, project="p1", now=NOW)).issues[0].problem
        == "empty_file"
    )
    g = write(tmp_path, "inn.json", "[]")
    assert (
        refused(root, lambda: intake.import_file(root, g, project="p1", now=NOW)).issues[0].problem
        == "unsupported_file"
    )


def test_csv_text_without_a_header_row_is_an_empty_file():
    with pytest.raises(InputError) as exc:
        intake.read_csv_rows("", "inn.csv")
    assert [(i.problem, i.file) for i in exc.value.issues] == [("empty_file", "inn.csv")]


# --------------------------------------------------------------------------- Excel import


def workbook(tmp_path: Path, rows: list[list], *, sheet="Målinger", project_sheet=None) -> Path:
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Veiledning"
    first["A1"] = "Fyll inn målingene i arket «Målinger»."
    if project_sheet:
        ps = book.create_sheet("Prosjekt")
        ps.append(["Felt", "Verdi"])
        ps.append(["prosjekt-ID", project_sheet])
    s = book.create_sheet(sheet)
    s.append(["Målinger for Prosjekt"])
    s.append(
        [
            label(Measurement, "target_id"),
            "navn",
            label(Measurement, "date"),
            label(Measurement, "value"),
            label(Measurement, "comment"),
            label(Measurement, "reported_by"),
        ]
    )
    for r in rows:
        s.append(r)
    path = tmp_path / "svar.xlsx"
    book.save(path)
    return path


def test_import_xlsx_maalinger_sheet(root, tmp_path):
    f = workbook(
        tmp_path,
        [
            ["G1", "Spart tid", dt.datetime(2024, 10, 1), 850, "Q3", "Kari"],
            ["R1", "Skjema", None, None, None, None],  # left blank by the owner: skipped
            ["R1", "Skjema", dt.date(2024, 12, 1), 2.5, None, None],
        ],
        project_sheet="p1",
    )
    result = intake.import_file(root, f, reported_by="Sekretariatet", now=NOW)
    assert result.added == {"p1": 2}
    lines = register(root).read_text().splitlines()[-2:]
    assert lines == [
        "G1,2024-10-01,850,Q3,Kari,2026-11-25T12:00:00",
        "R1,2024-12-01,2.5,,Sekretariatet,2026-11-25T12:00:00",
    ]


def test_import_xlsx_bad_row_names_sheet_row_and_field(root, tmp_path):
    f = workbook(
        tmp_path,
        [
            ["G1", "Spart tid", dt.datetime(2024, 10, 1), 850, None, None],
            ["G1", "Spart tid", dt.datetime(2025, 1, 1), "åtte hundre", None, None],
        ],
    )
    err = refused(root, lambda: intake.import_file(root, f, project="p1", now=NOW))
    (issue,) = err.issues
    assert (issue.sheet, issue.row, issue.field, issue.problem) == (
        "Målinger",
        4,
        "value",
        "wrong_type",
    )
    assert "svar.xlsx, ark «Målinger», rad 4" in issue.format("nb")


def test_import_xlsx_without_the_sheet(root, tmp_path):
    f = workbook(tmp_path, [], sheet="Ark1")
    err = refused(root, lambda: intake.import_file(root, f, project="p1", now=NOW))
    assert err.issues[0].problem == "sheet_missing"


def test_import_not_a_workbook(root, tmp_path):
    f = write(tmp_path, "svar.xlsx", "not a zip")
    assert (
        refused(root, lambda: intake.import_file(root, f, project="p1", now=NOW)).issues[0].problem
        == "not_xlsx"
    )


def test_skip_recorded_leaves_out_exact_repeats_only(root, tmp_path):
    f = write(
        tmp_path,
        "inn.csv",
        "target_id,date,value\nG1,2024-07-01,900\nG1,2024-10-01,850\n",
    )
    err = refused(root, lambda: intake.import_file(root, f, project="p1", now=NOW))
    assert "--skip-recorded" in err.issues[0].format("nb")
    result = intake.import_file(root, f, project="p1", now=NOW, skip_recorded=True)
    assert result.added == {"p1": 1} and len(result.skipped) == 1
    # A different value for a recorded date is still refused.
    g = write(tmp_path, "inn2.csv", "target_id,date,value\nG1,2024-07-01,901\n")
    err = refused(
        root, lambda: intake.import_file(root, g, project="p1", now=NOW, skip_recorded=True)
    )
    assert [i.problem for i in err.issues] == ["conflicting_measurement"]


def test_workbook_sent_back_by_the_owner(root, tmp_path):
    """The workbook from gevinst.io.excel, with the earlier measurements and one new row."""
    excel = pytest.importorskip("gevinst.io.excel")
    w, plan, ms = ws.load_project(root, "p1")
    new = Measurement(target_id="G1", date=D(2024, 10, 1), value=850, reported_by="Kari")
    path = tmp_path / "p1.xlsx"
    excel.build_workbook(plan, [*ms, new], workspace=w).save(path)
    before = register(root).read_bytes()
    result = intake.import_file(root, path, now=NOW, skip_recorded=True)  # project from the book
    assert result.added == {"p1": 1} and len(result.skipped) == len(ms)
    added = register(root).read_bytes()[len(before) :].decode()
    assert added == "G1,2024-10-01,850,,Kari,2026-11-25T12:00:00\n"
