"""Issue 11, points 1-2 (cells and workbooks): one intake path, exact numbers, hard limits.

Every refusal is checked to leave the workspace byte-identical.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from gevinst.cli.main import cli
from gevinst.errors import InputError
from gevinst.io import excel as xl
from gevinst.io import intake
from gevinst.io import workspace as ws
from gevinst.io.cells import ambiguous_number, parse_number
from gevinst.io.workbook import MAX_COLUMNS, MAX_ROWS, inspect_workbook

PID = "digital-dialog"
HEADER = "project;target_id;date;value;comment\n"


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def run(*args: str):
    return CliRunner().invoke(cli, [*args, "--lang", "en"])


def refused_cli(root: Path, *args: str) -> str:
    before = snapshot(root)
    result = run(*args, "--workspace", str(root))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert snapshot(root) == before
    return result.output


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("17 000", 17000.0),
        ("17000", 17000.0),
        ("17,5", 17.5),
        ("17.5", 17.5),
        ("17\u00a0000", 17000.0),
        ("17\u202f000", 17000.0),
        ("0,250", 0.25),
        ("1 234,5", 1234.5),
        ("1 234.5", 1234.5),
        ("17.0001", 17.0001),
    ],
)
def test_unambiguous_numbers(text: str, number: float) -> None:
    assert parse_number(text) == number
    assert ambiguous_number(text) is None


@pytest.mark.parametrize(
    "text", ["17.000", "52.000", "23,400", "-1,500", "1.234.567", "1,234,567.5"]
)
def test_ambiguous_numbers_refused_with_reason(text: str) -> None:
    assert parse_number(text) is None
    why = ambiguous_number(text, "en")
    assert why and ("write" in why or "with a space" in why)


@pytest.mark.parametrize(
    ("typed", "hint"), [("52.000", "52 or 52 000"), ("23,400", "23.4 or 23 400")]
)
def test_semicolon_csv_refuses_ambiguous_value(
    workspace: Path, tmp_path: Path, typed, hint
) -> None:
    """`52.000` in a ;-separated CSV was recorded as 52; `23,400` as 23,4."""
    path = tmp_path / "inn.csv"
    path.write_text(HEADER + f"{PID};G1;2024-06-30;{typed};\n", encoding="utf-8")
    out = refused_cli(workspace, "measure", "import", str(path))
    assert "two readings" in out and hint in out and "row 2" in out


def test_measure_add_refuses_ambiguous_value(workspace: Path) -> None:
    out = refused_cli(workspace, "measure", "add", PID, "G1", "2024-06-30", "17.000")
    assert "17 or 17 000" in out


# --------------------------------------------------------------------------- workbooks


def exported(root: Path, tmp_path: Path) -> Path:
    out = tmp_path / "dd.xlsx"
    args = ["excel", "export", PID, "--workspace", str(root), "--out", str(out)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    return out


def add_row(path: Path, values: dict[int, object], *, at: int | None = None) -> Path:
    wb = openpyxl.load_workbook(path)
    sheet = wb["Målinger"]
    row = at or next(r for r in range(2, 10_000) if sheet.cell(r, 2).value is None)
    for col, value in values.items():
        sheet.cell(row, col, value)
    wb.save(path)
    return path


def test_far_away_cell_refused_fast_by_both_paths(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = exported(workspace, tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["Målinger"]["XFD1048576"] = 1
    wb.save(path)
    assert path.stat().st_size < 100_000
    # Refused by the streaming inspection before openpyxl builds anything (so in
    # milliseconds, not the minutes openpyxl takes to allocate the sheet): openpyxl must
    # never be asked to load it. The time itself is measured in bench/, not here.
    def no_load(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl.load_workbook called on a workbook over the limits")

    monkeypatch.setattr(openpyxl, "load_workbook", no_load)
    with pytest.raises(InputError) as info:
        inspect_workbook(path, "far.xlsx", "en")
    monkeypatch.undo()
    assert info.value.issues[0].problem == "workbook_limit"
    assert f"{MAX_ROWS:,}".replace(",", " ") in info.value.format("en")
    for command in (["excel", "import"], ["measure", "import"]):
        out = refused_cli(workspace, *command, str(path))
        assert "XFD1048576" in out and "larger than gevinst reads" in out


def test_far_column_named(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.cell(1, MAX_COLUMNS + 1, "x")
    wb.save(tmp_path / "wide.xlsx")
    with pytest.raises(InputError) as info:
        inspect_workbook(tmp_path / "wide.xlsx", "wide.xlsx", "en")
    assert info.value.issues[0].field == "columns"


def test_formula_refused_by_measure_import_too(workspace: Path, tmp_path: Path) -> None:
    """measure import recorded a formula's cached value with exit 0; excel import refused it."""
    path = exported(workspace, tmp_path)
    add_row(path, {2: "G1", 4: dt.date(2026, 11, 29), 5: "=40000+1"})
    for command in (["excel", "import"], ["measure", "import", "--skip-recorded"]):
        out = refused_cli(workspace, *command, str(path))
        assert "formula" in out


def test_hyperlink_formula_in_a_comment_refused(workspace: Path, tmp_path: Path) -> None:
    path = exported(workspace, tmp_path)
    wb = openpyxl.load_workbook(path)
    sheet = wb["Målinger"]
    header = [c.value for c in sheet[1]]
    comment = header.index("kommentar") + 1
    sheet.cell(2, comment, '=HYPERLINK("http://example.invalid/x","klikk")')
    wb.save(path)
    for command in (["excel", "import"], ["measure", "import"]):
        out = refused_cli(workspace, *command, str(path))
        assert "formula" in out


def test_stale_dimension_does_not_hide_rows(workspace: Path, tmp_path: Path) -> None:
    """Rows beyond a stale <dimension> were skipped by measure import, added by excel import."""
    import zipfile

    path = exported(workspace, tmp_path)
    wb = openpyxl.load_workbook(path)
    sheet = wb["Målinger"]
    header = [c.value for c in sheet[1]]
    row = sheet.max_row + 1
    sheet.cell(row, header.index("gevinst/resultatmål-ID") + 1, "G1")
    sheet.cell(row, header.index("dato") + 1, dt.date(2026, 11, 29))
    sheet.cell(row, header.index("verdi") + 1, 12345)
    wb.save(path)
    # rewrite the sheet's <dimension> so it ends before the new row
    stale = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(stale, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/") and b"<dimension" in data:
                import re

                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:B2"/>', data)
            dst.writestr(item, data)
    rows, _ = intake.read_intake_file(stale)
    assert any(r.cells.get("value") == 12345 for r in rows)
    read = xl.read_workbook(stale)
    assert any(m.value == 12345 for _, m in read.measurements)


def test_recorded_at_is_never_taken_from_a_workbook(workspace: Path, tmp_path: Path) -> None:
    """A new Målinger row with `registrert` 2001-01-01 was stored as given."""
    path = exported(workspace, tmp_path)
    wb = openpyxl.load_workbook(path)
    sheet = wb["Målinger"]
    header = [c.value for c in sheet[1]]
    row = sheet.max_row + 1
    for name, value in [
        ("gevinst/resultatmål-ID", "G1"),
        ("dato", dt.date(2026, 11, 29)),
        ("verdi", 12345),
        ("registrert", "2001-01-01T00:00:00"),
    ]:
        sheet.cell(row, header.index(name) + 1, value)
    wb.save(path)
    result = run("excel", "import", str(path), "--workspace", str(workspace))
    assert result.exit_code == 0, result.output
    text = (workspace / "measurements" / f"{PID}.csv").read_text(encoding="utf-8")
    last = text.strip().splitlines()[-1]
    assert last.startswith("G1,2026-11-29,12345")
    assert "2001-01-01" not in text
    assert last.split(",")[-1][:4] == str(dt.date.today().year)


def test_future_dates_refused_by_both_paths_and_check(workspace: Path, tmp_path: Path) -> None:
    future = dt.date.today() + dt.timedelta(days=30)
    path = exported(workspace, tmp_path)
    wb = openpyxl.load_workbook(path)
    sheet = wb["Målinger"]
    header = [c.value for c in sheet[1]]
    row = sheet.max_row + 1
    for name, value in [("gevinst/resultatmål-ID", "G1"), ("dato", future), ("verdi", 1)]:
        sheet.cell(row, header.index(name) + 1, value)
    wb.save(path)
    for command in (["excel", "import"], ["measure", "import", "--skip-recorded"]):
        out = refused_cli(workspace, *command, str(path))
        assert "in the future" in out
    register = workspace / "measurements" / f"{PID}.csv"
    with register.open("a", encoding="utf-8") as fh:
        fh.write(f"G1,{future},1,,x,{dt.datetime.now().replace(microsecond=0).isoformat()}\n")
    out = refused_cli(workspace, "check")
    assert "in the future" in out


def test_check_refuses_recorded_at_before_the_date(workspace: Path) -> None:
    register = workspace / "measurements" / f"{PID}.csv"
    with register.open("a", encoding="utf-8") as fh:
        fh.write("G1,2024-06-30,1,,x,2001-01-01T00:00:00\n")
    out = refused_cli(workspace, "check")
    assert "recorded before the date" in out


def test_a_million_bad_rows_print_a_bounded_list(workspace: Path, tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text(
        HEADER + "".join(f"{PID};G1;2024-06-30;x{n};\n" for n in range(2_000)), encoding="utf-8"
    )
    out = refused_cli(workspace, "measure", "import", str(path))
    assert out.count("\n  - ") <= 50
    assert "more (fix the first ones" in out
    assert ws.load_config(workspace)


def test_register_format_csv_keeps_machine_numbers(workspace: Path, tmp_path: Path) -> None:
    """A CSV in the register's own format (',' and its header) holds machine numbers:
    52.125 is 52,125 there (gevinst writes it so), while typed text is second-guessed."""
    path = tmp_path / "inn.csv"
    path.write_text(
        ",".join(ws.MEASUREMENT_COLUMNS) + "\nG1,2026-11-29,52.125,,Kari,\n", encoding="utf-8"
    )
    intake.import_file(workspace, path, project=PID)
    _, _, measurements = ws.load_project(workspace, PID)
    assert measurements[-1].value == 52.125
    short = tmp_path / "short.csv"
    short.write_text(
        "project,target_id,date,value\n" + f"{PID},G1,2026-11-28,52.125\n", encoding="utf-8"
    )
    out = refused_cli(workspace, "measure", "import", str(short))
    assert "write 52.1250 or 52 125" in out


def test_a_huge_sheet_is_refused_by_its_row_limit(tmp_path: Path) -> None:
    """A 1-million-row sheet printed 999 998 error lines; now the row limit is named."""
    import zipfile

    base = tmp_path / "base.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Målinger"
    book.save(base)
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x</t></is></c></row>'
        for r in range(1, 100_001)
    )
    big = tmp_path / "big.xlsx"
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"<sheetData></sheetData>", b"<sheetData>" + rows.encode() + b"</sheetData>"
                )
            dst.writestr(item.filename, data)
    start = time.perf_counter()
    with pytest.raises(InputError) as info:
        intake.read_intake_file(big, lang="en")
    assert time.perf_counter() - start < 5
    assert len(info.value.issues) == 1
    assert f"A{MAX_ROWS + 1}" in info.value.format("en")
