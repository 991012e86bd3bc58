"""Issue 11, point 11: any number export writes is read back identically by both import
paths (``excel import`` and ``measure import``); and a real client (LibreOffice) re-saving
an exported workbook changes nothing gevinst reads."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gevinst.io import excel as xl
from gevinst.io import intake
from gevinst.io import workspace as ws
from gevinst.model.schema import MAX_MAGNITUDE, Measurement

REPO = Path(__file__).resolve().parents[1]
PID = "digital-dialog"
NOW = dt.datetime(2026, 11, 30, 12, 0)

values = st.floats(
    min_value=-MAX_MAGNITUDE, max_value=MAX_MAGNITUDE, allow_nan=False, allow_infinity=False
)
numbers = st.one_of(
    values,
    st.integers(min_value=-(10**12), max_value=10**12).map(float),
    st.decimals(min_value=-10_000, max_value=10_000, places=3).map(float),
)


def both_paths(path: Path) -> tuple[list[float], list[float]]:
    read = xl.read_workbook(path, today=NOW.date())
    via_excel = [
        m.value for _, m in read.measurements if m.date.year == 2026 and m.date.month == 11
    ]
    rows, _ = intake.read_intake_file(path)
    via_intake = []
    for raw in rows:
        m, problems, _ = intake._measurement(raw, "", NOW, "nb")
        assert not problems, problems
        if m.date.year == 2026 and m.date.month == 11:
            via_intake.append(m.value)
    return via_excel, via_intake


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(numbers, min_size=1, max_size=8), st.sampled_from(["nb", "en"]))
def test_exported_numbers_read_back_identically(
    tmp_path_factory, chosen: list[float], lang: str
) -> None:
    _, plan, measurements = ws.load_project(REPO / "data", PID)
    new = [
        Measurement(target_id="G1", date=dt.date(2026, 11, 1 + n), value=v)
        for n, v in enumerate(chosen)
    ]
    path = tmp_path_factory.mktemp("rt") / "dd.xlsx"
    xl.write_project(path, plan, [*measurements, *new], lang=lang)
    via_excel, via_intake = both_paths(path)
    assert via_excel == chosen
    assert via_intake == chosen


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
def test_libreoffice_resave_reads_back(tmp_path: Path) -> None:
    """A real spreadsheet program opens and re-saves the export; gevinst reads the same."""
    _, plan, measurements = ws.load_project(REPO / "data", PID)
    chosen = [0.1 + 0.2, 1234567.891, -17.5, 2.125, 1e-7]
    new = [
        Measurement(target_id="G1", date=dt.date(2026, 11, 1 + n), value=v)
        for n, v in enumerate(chosen)
    ]
    src = tmp_path / "dd.xlsx"
    xl.write_project(src, plan, [*measurements, *new])
    out = tmp_path / "out"
    profile = tmp_path / "profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    resaved = out / "dd.xlsx"
    assert resaved.exists()
    via_excel, via_intake = both_paths(resaved)
    assert via_excel == chosen
    assert via_intake == chosen
    assert xl.read_workbook(resaved, today=NOW.date()).plan == plan
