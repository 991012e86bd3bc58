"""Owner forms: `gevinst measure forms` writes one workbook per owner, a filled one imports,
and a folder with one bad file records the others and leaves the register unchanged for it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from gevinst.cli.main import cli
from gevinst.io import forms as io_forms
from gevinst.io import workspace as ws

AS_OF = "2026-12-01"


def invoke(root: Path, *args: str):
    return CliRunner().invoke(cli, [*args, "--workspace", str(root)])


def _fill(path: Path, value) -> None:
    """Write ``value`` into every row of the «verdi» column, as an owner would in Excel."""
    wb = openpyxl.load_workbook(path)
    sheet = wb["Målinger"]
    header = [c.value for c in sheet[4]]
    col = header.index("verdi") + 1
    for r in range(5, sheet.max_row + 1):
        sheet.cell(r, col, value)
    wb.save(path)


def _forms(workspace: Path, out: Path) -> dict:
    result = invoke(workspace, "measure", "forms", "--out", str(out), "--as-of", AS_OF, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_one_workbook_per_owner_with_only_due_items(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "forms"
    data = _forms(workspace, out)
    owners = [f["owner"] for f in data["forms"]]
    assert len(owners) == len(set(owners)) == len(list(out.glob("*.xlsx")))
    erp = next(f for f in data["forms"] if f["owner"] == "Økonomisjef, Notodden")
    assert [(i["project"], i["id"]) for i in erp["items"]] == [
        ("felles-erp", "R2"),
        ("felles-erp", "R3"),
    ]
    assert data["without_owner"] == [{"project": "velferdsteknologi", "id": "G4"}]
    wb = openpyxl.load_workbook(erp["file"])
    assert wb.sheetnames == ["Målinger"]
    sheet = wb["Målinger"]
    header = [c.value for c in sheet[4]]
    assert header[:3] == ["prosjekt-ID", "gevinst/resultatmål-ID", "navn"]
    assert {"enhet", "planlagt verdi", "siste verdi", "dato", "verdi"} <= set(header)
    row = {h: sheet.cell(5, n + 1).value for n, h in enumerate(header)}
    assert (row["prosjekt-ID"], row["gevinst/resultatmål-ID"]) == ("felles-erp", "R2")
    assert row["verdi"] is None and row["rapportert av"] == "Økonomisjef, Notodden"
    assert row["dato"].date() == dt.date(2026, 11, 30)
    assert isinstance(row["planlagt verdi"], float)
    assert not sheet.data_validations.dataValidation  # no dropdowns
    assert all(
        not (isinstance(c.value, str) and c.value.startswith("="))
        for r in sheet.iter_rows()
        for c in r
    )


def test_filled_form_imports(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "forms"
    _forms(workspace, out)
    path = out / "okonomisjef-notodden.xlsx"
    _fill(path, 6)
    register = workspace / "measurements" / "felles-erp.csv"
    before = register.read_text(encoding="utf-8")
    returned = tmp_path / "returned"
    returned.mkdir()
    path.rename(returned / path.name)
    result = invoke(workspace, "measure", "import", str(returned), "--as-of", AS_OF, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["files"][0]["ok"] and data["files"][0]["added"] == 2
    assert data["reported"]["Økonomisjef, Notodden"] == {"reported": 2, "due": 2}
    assert "Økonomisjef, Notodden" not in data["not_reported"]
    assert "Personalsjef, Notodden" in data["not_reported"]
    added = register.read_text(encoding="utf-8")[len(before) :].splitlines()
    assert [line.split(",")[:3] for line in added] == [
        ["R2", "2026-11-30", "6"],
        ["R3", "2026-11-30", "6"],
    ]
    assert all("Økonomisjef, Notodden" in line for line in added)
    assert invoke(workspace, "check").exit_code == 0


def test_folder_with_one_bad_file(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "forms"
    _forms(workspace, out)
    _fill(out / "okonomisjef-notodden.xlsx", 7)
    _fill(out / "prosjektleder-velferdsteknologi.xlsx", "mye")  # not a number: whole file refused
    registers = {p.name: p.read_bytes() for p in (workspace / "measurements").glob("*.csv")}
    result = invoke(workspace, "measure", "import", str(out), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "prosjektleder-velferdsteknologi.xlsx: avvist" in result.output
    assert "rad 5" in result.output and "«value»" in result.output
    assert "Har ikke rapportert:" in result.output
    assert "  Prosjektleder velferdsteknologi" in result.output.split("Har ikke rapportert:")[1]
    after = {p.name: p.read_bytes() for p in (workspace / "measurements").glob("*.csv")}
    assert after["velferdsteknologi.csv"] == registers["velferdsteknologi.csv"]
    assert after["felles-erp.csv"] != registers["felles-erp.csv"]
    assert {k for k in after if after[k] != registers[k]} == {"felles-erp.csv"}


def test_partly_filled_form_records_the_filled_rows(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "forms"
    _forms(workspace, out)
    path = out / "prosjektleder-velferdsteknologi.xlsx"
    wb = openpyxl.load_workbook(path)
    sheet = wb["Målinger"]
    header = [c.value for c in sheet[4]]
    sheet.cell(5, header.index("verdi") + 1, 100)
    wb.save(path)
    result = io_forms.import_form(workspace, path)
    assert result.ok and (result.added, result.empty) == (1, 1)


def test_slug_is_file_safe() -> None:
    assert io_forms.slug("../../etc") == "etc"
    assert io_forms.slug("Ærlig Åse, Bø") == "aerlig-ase-bo"
    assert ws.is_safe_id(io_forms.slug("Leder IKT-brukerstøtte, Kongsberg"), project=True)
