"""The Excel workbook: template from the schema, lossless export/import, every error located."""

from __future__ import annotations

import datetime as dt
import typing
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from gevinst.cli.main import cli
from gevinst.errors import InputError
from gevinst.io import excel as xl
from gevinst.io import workspace as ws
from gevinst.model.schema import LabelledEnum, Measurement, Plan, label

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "data"


# --------------------------------------------------------------------------- helpers


def run(*args: object) -> typing.Any:
    return CliRunner().invoke(cli, [str(a) for a in args])


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def headers(sheet) -> list[str]:
    return [c.value for c in sheet[1] if c.value is not None]


def column(sheet, header: str) -> int:
    return headers(sheet).index(header) + 1


def set_cell(path: Path, sheet: str, row: int, header: str, value: object) -> None:
    wb = openpyxl.load_workbook(path)
    ws_ = wb[sheet]
    ws_.cell(row, column(ws_, header)).value = value
    wb.save(path)


def pick_project(root: Path) -> tuple[Plan, list[Measurement]]:
    """An example project with two or more benefits and some measurements."""
    loaded = ws.load(root)
    for pid in sorted(loaded.plans):
        plan = loaded.plans[pid]
        if len(plan.benefits) >= 2 and loaded.measurements[pid]:
            return plan, loaded.measurements[pid]
    pytest.skip("no example project with two benefits and measurements")


@pytest.fixture(scope="module")
def _export_once(tmp_path_factory) -> tuple[bytes, Plan, list[Measurement]]:
    plan, measurements = pick_project(EXAMPLE)
    out = tmp_path_factory.mktemp("export") / "plan.xlsx"
    result = run("excel", "export", plan.project.id, "--workspace", EXAMPLE, "--out", out)
    assert result.exit_code == 0, result.output
    return out.read_bytes(), plan, measurements


@pytest.fixture
def exported(workspace: Path, tmp_path: Path, _export_once) -> tuple[Path, Path, Plan, list]:
    """A copy of the example workspace and a fresh export of one of its projects."""
    data, plan, measurements = _export_once
    out = tmp_path / "plan.xlsx"
    out.write_bytes(data)
    return workspace, out, plan, measurements


def _models(model: type[BaseModel], seen: set | None = None) -> typing.Iterator[type[BaseModel]]:
    """``model`` and every model nested in it."""
    seen = set() if seen is None else seen
    if model in seen:
        return
    seen.add(model)
    yield model
    for info in model.model_fields.values():
        for tp in _types(info.annotation):
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                yield from _models(tp, seen)


def _types(annotation: object) -> typing.Iterator[object]:
    yield annotation
    for arg in typing.get_args(annotation):
        yield from _types(arg)


# --------------------------------------------------------------------------- template


def test_template_is_generated_from_the_schema(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "mal.xlsx"
    result = run("excel", "template", "--workspace", workspace, "--out", out)
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Veiledning"
    assert wb["_gevinst"].sheet_state == "veryHidden"
    marker = {r[0]: r[1] for r in wb["_gevinst"].iter_rows(max_row=6, values_only=True)}
    assert marker["format"] == "gevinst-plan" and marker["schema"] == xl.schema_hash()

    # Every field of every model in a plan has its label in a header, a field row or a
    # sheet title (nested models flatten to «verdsetting: timer per enhet»).
    texts: set[str] = set()
    for sheet in wb.worksheets:
        texts.add(sheet.title.casefold())
        if sheet.title in ("Prosjekt", "Mål", "Alternativanalyse"):  # field sheets
            cells = [r[0] for r in sheet.iter_rows(min_row=2, max_col=1, values_only=True)]
        else:
            cells = headers(sheet)
        for text in cells:
            if text:
                texts.update(part.strip().casefold() for part in str(text).split(":"))
                texts.add(str(text).casefold())
    for model in _models(Plan):
        for name in model.model_fields:
            if model is Plan:
                continue
            nb = label(model, name, "nb").casefold()
            assert nb in texts or any(t.endswith("– " + nb) for t in texts), (model, name)

    # Every enumeration has a dropdown listing its Norwegian labels.
    lists = wb["Lister"]
    assert lists.sheet_state == "hidden"
    by_range = {}
    for col in lists.iter_cols(min_row=2, values_only=True):
        by_range[len(by_range)] = [v for v in col if v is not None]
    validations: dict[str, list[str]] = {}
    for sheet in wb.worksheets:
        for dv in sheet.data_validations.dataValidation:
            source = dv.formula1.replace("'", "")
            if dv.type == "list" and source.startswith("Lister!"):
                letter = source.split("!$")[1].split("$")[0]
                values = by_range[openpyxl.utils.column_index_from_string(letter) - 1]
                validations[f"{sheet.title}!{dv.sqref}"] = values
    enums = {
        tp
        for model in _models(Plan)
        for info in model.model_fields.values()
        for tp in _types(info.annotation)
        if isinstance(tp, type) and issubclass(tp, LabelledEnum)
    }
    assert enums
    for enum in enums:
        assert [m.label("nb") for m in enum] in validations.values(), enum
    # … and it sits on the enumeration's column.
    benefits = wb["Gevinster"]
    kind_letter = openpyxl.utils.get_column_letter(column(benefits, "type"))
    assert any(
        f"{kind_letter}2:" in str(dv.sqref) for dv in benefits.data_validations.dataValidation
    )

    # The workspace's kommuner in the Prosjekt sheet, comma-separated; frozen headers.
    project = {r[0]: r[1] for r in wb["Prosjekt"].iter_rows(min_row=2, values_only=True)}
    config = ws.load_config(workspace)
    assert project["deltakende kommuner"] == ", ".join(m.name for m in config.municipalities)
    assert benefits.freeze_panes == "B2" and wb["Prosjekt"].freeze_panes == "B2"
    # The guide explains every sheet.
    guide = " ".join(str(c) for r in wb["Veiledning"].iter_rows(values_only=True) for c in r if c)
    for spec in xl.sheet_specs():
        assert f"«{spec.title('nb')}»" in guide


def test_english_template(tmp_path: Path) -> None:
    out = tmp_path / "template.xlsx"
    assert run("excel", "template", "--lang", "en", "--out", out).exit_code == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Instructions"
    assert "target" in headers(wb["Benefits"])
    assert "valuation: hours per unit" in headers(wb["Benefits"])


def test_committed_template_matches_the_schema() -> None:
    """templates/gevinst-mal.xlsx is regenerated with `gevinst excel template`."""
    wb = openpyxl.load_workbook(REPO / "templates" / "gevinst-mal.xlsx")
    for spec in xl.sheet_specs():
        sheet = wb[spec.title("nb")]
        if spec.layout == "fields":
            found = [r[0] for r in sheet.iter_rows(min_row=2, max_col=1, values_only=True)]
        else:
            found = headers(sheet)
        assert found == [c.header("nb") for c in spec.columns], spec.key


def test_template_is_byte_for_byte_reproducible(tmp_path: Path) -> None:
    """Generating the template again (as `make example` does) leaves the committed file unchanged."""
    config = ws.load_config(REPO / "data")
    out = xl.write_template(tmp_path / "mal.xlsx", workspace=config)
    assert out.read_bytes() == (REPO / "templates" / "gevinst-mal.xlsx").read_bytes()


def test_docs_hold_the_current_column_table() -> None:
    text = (REPO / "docs" / "excel.md").read_text(encoding="utf-8")
    assert xl.column_table_markdown("nb") in text, "regenerate: python -m gevinst.io.excel"


# --------------------------------------------------------------------------- round trip


def test_export_then_import_is_lossless_for_every_example(workspace: Path, tmp_path: Path) -> None:
    loaded = ws.load(workspace)
    assert loaded.plans
    before = snapshot(workspace)
    for pid, plan in loaded.plans.items():
        out = tmp_path / f"{pid}.xlsx"
        result = run("excel", "export", pid, "--workspace", workspace, "--out", out)
        assert result.exit_code == 0, result.output
        read = xl.read_workbook(out, workspace=loaded.workspace)
        assert read.plan == plan, pid
        assert [m for _, m in read.measurements] == loaded.measurements[pid], pid
        result = run("excel", "import", out, "--workspace", workspace)
        assert result.exit_code == 0, result.output
        assert "ingen endringer" in result.output and "0 nye, 0 endret, 0 slettet" in result.output
    assert snapshot(workspace) == before


def test_round_trip_in_english_and_with_awkward_values(workspace: Path, tmp_path: Path) -> None:
    plan, measurements = pick_project(workspace)
    b = plan.benefits[0]
    awkward = b.model_copy(
        update={
            # 17 significant digits: Excel's 16 would round it, so it is kept as text
            "uncertainty": b.uncertainty.model_copy(update={"low": 0.1 + 0.2}),
            "description": "Linje 1\nlinje 2 – «sitat» & <tegn>",
            "municipalities": plan.project.municipalities[:1],
        }
    )
    plan = plan.model_copy(update={"benefits": [awkward, *plan.benefits[1:]]})
    measurements = [measurements[0].model_copy(update={"value": 1e5 / 3}), *measurements[1:]]
    for lang in ("nb", "en"):
        out = tmp_path / f"{lang}.xlsx"
        xl.write_project(out, plan, measurements, lang=lang)
        read = xl.read_workbook(out, lang=lang)
        assert read.plan == plan
        assert [m for _, m in read.measurements] == measurements


# --------------------------------------------------------------------------- bad input


ERRORS = [
    # (sheet, header, value, problem words in the message)
    ("Gevinster", "målverdi", "mange", "feil type"),
    ("Gevinster", "nullpunktsdato", "31.02.2025", "ugyldig dato"),
    ("Gevinster", "type", "ukjent", "verdien er ikke tillatt"),
    ("Gevinster", "nullpunkt", "=1+1", "formel"),
    ("Gevinster", "navn", '=HYPERLINK("http://x")', "formel"),
    ("Gevinster", "effektmål-ID", "E99", "viser til en ID som ikke finnes"),
    ("Kostnader – beløp per år (kr)", "år", 1980, "utenfor tillatt område"),
    ("Kostnader – beløp per år (kr)", "ID (kostnader)", "K99", "viser til en ID som ikke finnes"),
]


@pytest.mark.parametrize(("sheet", "header", "value", "words"), ERRORS)
def test_bad_cell_exits_2_naming_sheet_row_field(exported, sheet, header, value, words) -> None:
    root, out, _, _ = exported
    before = snapshot(root)
    set_cell(out, sheet, 2, header, value)
    result = run("excel", "import", out, "--workspace", root)
    assert result.exit_code == 2, result.output
    assert f"ark «{sheet}», rad 2" in result.stderr
    assert f"felt «{header}»" in result.stderr
    assert words in result.stderr
    assert snapshot(root) == before


def test_messages_in_english(exported) -> None:
    root, out, _, _ = exported
    set_cell(out, "Gevinster", 2, "målverdi", "mange")
    result = run("excel", "import", out, "--workspace", root, "--lang", "en")
    assert result.exit_code == 2
    assert "sheet «Gevinster», row 2, cell" in result.stderr
    assert "field «målverdi»: wrong type; found: 'mange'; allowed: a number" in result.stderr


def test_duplicate_id_is_named(exported) -> None:
    root, out, plan, _ = exported
    before = snapshot(root)
    set_cell(out, "Gevinster", 3, "ID", plan.benefits[0].id)
    result = run("excel", "import", out, "--workspace", root)
    assert result.exit_code == 2
    assert "ark «Gevinster», rad 3, celle A3, felt «ID»: ID-en er brukt før" in result.stderr
    assert snapshot(root) == before


def test_all_cell_problems_are_reported_at_once(exported) -> None:
    root, out, _, _ = exported
    before = snapshot(root)
    wb = openpyxl.load_workbook(out)
    sheet = wb["Gevinster"]
    for header, value in (("målverdi", "mange"), ("måldato", "i fjor"), ("retning", "opp")):
        sheet.cell(2, column(sheet, header)).value = value
    sheet.cell(3, column(sheet, "nullpunkt")).value = "=SUM(A1:A2)"
    m = wb["Målinger"]
    m.cell(2, column(m, "verdi")).value = "12 kr"
    wb.save(out)
    with pytest.raises(InputError) as err:
        xl.read_workbook(out)
    where = {(i.sheet, i.row, i.field, i.problem) for i in err.value.issues}
    assert ("Gevinster", 2, "målverdi", "wrong_type") in where
    assert ("Gevinster", 2, "måldato", "bad_date") in where
    assert ("Gevinster", 2, "retning", "not_allowed") in where
    assert ("Gevinster", 3, "nullpunkt", "excel_formula") in where
    assert ("Målinger", 2, "verdi", "wrong_type") in where
    assert len(err.value.issues) == 5  # no second "missing" for the refused cells
    assert run("excel", "import", out, "--workspace", root).exit_code == 2
    assert snapshot(root) == before


def test_numbers_and_dates_as_text_are_accepted(exported) -> None:
    _, out, plan, _ = exported
    b = plan.benefits[0]
    set_cell(out, "Gevinster", 2, "målverdi", "1 234,5")
    set_cell(out, "Gevinster", 2, "måldato", b.target_date.strftime("%d.%m.%Y"))
    set_cell(out, "Gevinster", 2, "type", b.kind.label("en"))  # English label
    read = xl.read_workbook(out)
    assert read.plan.benefits[0].target == 1234.5
    assert read.plan.benefits[0].target_date == b.target_date
    assert read.plan.benefits[0].kind == b.kind


@pytest.mark.parametrize(
    ("text", "number"),
    [("1 234,5", 1234.5), ("1234,5", 1234.5), ("1234.5", 1234.5), ("−3", -3.0), ("12", 12.0)],
)
def test_parse_number(text: str, number: float) -> None:
    assert xl.parse_number(text) == number


@pytest.mark.parametrize("text", ["12 kr", "1.234,5", "ti", "1,2,3", "", "nan"])
def test_parse_number_refuses_other_text(text: str) -> None:
    assert xl.parse_number(text) is None


def test_not_a_workbook(workspace: Path, tmp_path: Path) -> None:
    bad = tmp_path / "x.xlsx"
    bad.write_text("not a zip")
    result = run("excel", "import", bad, "--workspace", workspace)
    assert result.exit_code == 2 and "Excel-arbeidsbok" in result.stderr


# --------------------------------------------------------------------------- measurements


def test_changed_measurement_needs_force(exported) -> None:
    root, out, plan, measurements = exported
    before = snapshot(root)
    old = measurements[0]
    set_cell(out, "Målinger", 2, "verdi", old.value + 1)
    result = run("excel", "import", out, "--workspace", root)
    assert result.exit_code == 2
    assert "ark «Målinger», rad 2" in result.stderr and "--force" in result.stderr
    assert "en registrert måling vil bli endret" in result.stderr
    assert snapshot(root) == before

    csv_path = ws.Paths(root).measurements(plan.project.id)
    lines_before = csv_path.read_text(encoding="utf-8").splitlines()
    # recorded_at is local time, as in the register
    start = dt.datetime.now().replace(microsecond=0)
    result = run("excel", "import", out, "--workspace", root, "--force")
    assert result.exit_code == 0, result.output
    assert "1 endret" in result.output
    lines_after = csv_path.read_text(encoding="utf-8").splitlines()
    assert len(lines_after) == len(lines_before)  # only that row is rewritten
    assert [
        n for n, (a, b) in enumerate(zip(lines_before, lines_after, strict=True)) if a != b
    ] == [1]
    after = ws.load_measurements(root, plan)
    assert after[0].value == old.value + 1
    assert after[0].recorded_at is not None and after[0].recorded_at >= start
    assert after[1:] == measurements[1:]


def test_deleted_measurement_needs_force(exported) -> None:
    root, out, plan, measurements = exported
    before = snapshot(root)
    wb = openpyxl.load_workbook(out)
    wb["Målinger"].delete_rows(2)
    wb.save(out)
    result = run("excel", "import", out, "--workspace", root)
    assert result.exit_code == 2 and "vil bli slettet" in result.stderr
    assert snapshot(root) == before
    assert run("excel", "import", out, "--workspace", root, "--force").exit_code == 0
    assert ws.load_measurements(root, plan) == measurements[1:]


def add_measurement_row(out: Path, target: str, date: dt.date, value: float) -> int:
    wb = openpyxl.load_workbook(out)
    sheet = wb["Målinger"]
    row = sheet.max_row + 1
    for header, v in (("gevinst/resultatmål-ID", target), ("dato", date), ("verdi", value)):
        sheet.cell(row, column(sheet, header)).value = v
    sheet.cell(row, column(sheet, "rapportert av")).value = "Ola Nordmann"
    wb.save(out)
    return row


def test_new_measurement_is_appended_with_recorded_at(exported) -> None:
    root, out, plan, measurements = exported
    csv_path = ws.Paths(root).measurements(plan.project.id)
    old_bytes = csv_path.read_bytes()
    target = measurements[-1].target_id
    date = max(m.date for m in measurements if m.target_id == target) + dt.timedelta(days=1)
    row = add_measurement_row(out, target, date, 123.5)
    # recorded_at is local time, as in the register
    start = dt.datetime.now().replace(microsecond=0)
    result = run("excel", "import", out, "--workspace", root)
    assert result.exit_code == 0, result.output
    assert f"+ {target} {date} = 123,5 (rad {row})" in result.output
    assert csv_path.read_bytes().startswith(old_bytes)  # appended, old rows untouched
    after = ws.load_measurements(root, plan)
    assert after[:-1] == measurements
    new = after[-1]
    assert (new.target_id, new.date, new.value, new.reported_by) == (
        target,
        date,
        123.5,
        "Ola Nordmann",
    )
    assert new.recorded_at is not None and new.recorded_at >= start
    # The plan itself did not change: its YAML (with comments) is left alone.
    assert "ingen endringer" in result.output


def test_dry_run_writes_nothing(exported) -> None:
    root, out, plan, measurements = exported
    before = snapshot(root)
    set_cell(out, "Prosjekt", 3, "Verdi", "Nytt navn")  # row 3: prosjektnavn
    target = measurements[-1].target_id
    date = max(m.date for m in measurements if m.target_id == target) + dt.timedelta(days=1)
    add_measurement_row(out, target, date, 1)
    result = run("excel", "import", out, "--workspace", root, "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"~ Prosjekt «prosjektnavn»: {plan.project.name} → Nytt navn" in result.output
    assert "1 ny," in result.output and "ingenting er skrevet" in result.output
    assert snapshot(root) == before


def test_changed_plan_is_written_and_shown(exported) -> None:
    root, out, plan, _ = exported
    b = plan.benefits[0]
    set_cell(out, "Gevinster", 2, "gevinsteier", "Ny eier")
    wb = openpyxl.load_workbook(out)
    wb["Risikoer"].delete_rows(2, wb["Risikoer"].max_row)
    wb.save(out)
    result = run("excel", "import", out, "--workspace", root)
    assert result.exit_code == 0, result.output
    assert f"~ Gevinster {b.id} «gevinsteier»: {b.owner} → Ny eier" in result.output
    for r in plan.risks:
        assert f"- Risikoer {r.id} (fjernet)" in result.output
    saved = ws.load_plan(root, plan.project.id)
    assert saved.benefits[0].owner == "Ny eier" and saved.risks == []


def test_new_project(exported) -> None:
    root, out, plan, measurements = exported
    set_cell(out, "Prosjekt", 2, "Verdi", "nytt-prosjekt")
    result = run("excel", "import", out, "--workspace", root)
    assert result.exit_code == 0, result.output
    assert "Nytt prosjekt: nytt-prosjekt" in result.output
    _, new_plan, new_measurements = ws.load_project(root, "nytt-prosjekt")
    assert new_plan.benefits == plan.benefits
    assert [(m.target_id, m.date, m.value) for m in new_measurements] == [
        (m.target_id, m.date, m.value) for m in measurements
    ]
