"""The økonomiplan view (gevinst budget): hand-computed two-kommune figures, the tie-out
with the engine's per-kommune present values, nominal kroner and the Excel workbook."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from test_cba import benefit, cost, make_plan, workspace

from gevinst.cli.main import cli
from gevinst.io.excel.budget import write_budget
from gevinst.model import budget as bd
from gevinst.model.cba import analyse
from gevinst.model.schema import TakeOut
from gevinst.report.tables import budget_prices_text

DATA = Path(__file__).resolve().parents[1] / "data"


def two_kommune_case(tax: bool = False):
    """Aby 3 000 and Bby 1 000 inhabitants (population key 0.75 / 0.25).

    Investment 1 000 in 2024, operation 200 a year 2025–2028, internal effort 40 in 2024;
    a cash benefit of 400 a year from 2025 limited to Bby, with uttak of 100 in 2026;
    a cash benefit of 80 a year from 2026 for both.
    """
    only_b = benefit("G1", 400, 2025, municipalities=["Bby"]).model_copy(
        update={"take_outs": [TakeOut(year=2026, amount=100)]}
    )
    both = benefit("G2", 80, 2026)
    costs = [
        cost("K1", {2024: 1000}),
        cost("K2", {y: 200 for y in range(2025, 2029)}, category="operation"),
        cost("K3", {2024: 40}, category="internal"),
    ]
    w = workspace(tax=tax)
    return analyse(make_plan(costs, [only_b, both]), w, monte_carlo=False), w


def test_budget_view_by_hand_population_key_and_a_benefit_for_one_kommune() -> None:
    r, _ = two_kommune_case()
    view = bd.budget_view({"test": r}, [2024, 2025, 2026, 2027])
    get = lambda item, m, y: view.total(item, municipality=m, year=y)  # noqa: E731
    # Investment 1 000 · 0.75 / 0.25; operation 200 · 0.75 = 150 / 50; internal 30 / 10.
    assert get("investment", "Aby", 2024) == pytest.approx(750)
    assert get("investment", "Bby", 2024) == pytest.approx(250)
    assert get("operation", "Aby", 2025) == pytest.approx(150)
    assert get("operation", "Bby", 2027) == pytest.approx(50)
    assert get("internal", "Aby", 2024) == pytest.approx(30)
    # G1 only for Bby: 400 from 2025; G2 80 from 2026 split 60 / 20.
    assert get("cash_benefits", "Aby", 2025) == 0
    assert get("cash_benefits", "Bby", 2025) == pytest.approx(400)
    assert get("cash_benefits", "Aby", 2026) == pytest.approx(60)
    assert get("cash_benefits", "Bby", 2026) == pytest.approx(420)
    # The uttak follows its benefit: all of it at Bby.
    assert get("take_outs", "Bby", 2026) == pytest.approx(100)
    assert get("take_outs", "Aby", 2026) == 0
    # Totals per project = the sum over the kommuner.
    per_project = {(row["project_id"], row["year"]): row for row in view.per_project()}
    assert per_project[("test", 2026)]["cash_benefits"] == pytest.approx(480)
    assert view.prices == "real" and all(f == 1.0 for f in view.factors.values())


@pytest.mark.parametrize("tax", [False, True])
def test_the_yearly_figures_discounted_give_the_engines_per_kommune_pv(tax: bool) -> None:
    r, _ = two_kommune_case(tax)
    pv = bd.discounted_municipality_figures(r)
    for m in r.municipalities:
        assert pv[m.name]["costs"] == pytest.approx(m.costs, rel=1e-12, abs=1e-9)
        assert pv[m.name]["benefits"] == pytest.approx(m.benefits, rel=1e-12, abs=1e-9)
    years = [int(y) for y in r.lines.years]
    view = bd.budget_view({"test": r}, years)
    for m in r.municipalities:
        paid = view.total("investment", municipality=m.name) + view.total(
            "operation", municipality=m.name
        )
        assert paid == pytest.approx(m.costs_paid, rel=1e-12)
        assert view.total("cash_benefits", municipality=m.name) == pytest.approx(
            m.cash_benefits, rel=1e-12
        )
        assert view.total("take_outs", municipality=m.name) == pytest.approx(
            m.take_outs_planned, rel=1e-12
        )


def test_the_example_ties_out_with_cba_json() -> None:
    runner = CliRunner()
    for pid in ("felles-erp", "digital-dialog"):
        out = runner.invoke(cli, ["cba", pid, "--json", "--workspace", str(DATA)])
        assert out.exit_code == 0, out.output
        engine = {m["name"]: m for m in json.loads(out.output)["municipalities"]}
        from gevinst.io import workspace as ws

        root = DATA
        w = ws.load_config(root)
        r = analyse(ws.load_plan(root, pid, w), w, monte_carlo=False, sensitivity=False)
        pv = bd.discounted_municipality_figures(r)
        for name, m in engine.items():
            assert pv[name]["costs"] == pytest.approx(m["costs"], rel=1e-12)
            assert pv[name]["benefits"] == pytest.approx(m["benefits"], rel=1e-12)


def test_nominal_kroner_by_the_index_and_the_stated_inflation_beyond_it() -> None:
    r, _ = two_kommune_case()
    index = {2024: 100.0, 2025: 104.0}
    view = bd.budget_view({"test": r}, [2024, 2025, 2026], nominal=True,
                          price_index=index, inflation=0.03)
    assert view.prices == "nominal" and view.index_last_year == 2025
    # 2025: 150 · 1.04 = 156; 2026: 150 · 1.04 · 1.03 = 160.68
    assert view.total("operation", municipality="Aby", year=2025) == pytest.approx(156)
    assert view.total("operation", municipality="Aby", year=2026) == pytest.approx(160.68)
    assert view.total("investment", municipality="Aby", year=2024) == pytest.approx(750)


def test_years_are_parsed_and_refused_when_malformed() -> None:
    assert bd.parse_years("2027-2030") == [2027, 2028, 2029, 2030]
    assert bd.parse_years("2027–2028") == [2027, 2028]
    for bad in ("2030-2027", "abc", "2027-"):
        with pytest.raises(ValueError):
            bd.parse_years(bad)
    out = CliRunner().invoke(cli, ["budget", "--years", "x", "--workspace", str(DATA)])
    assert out.exit_code == 2 and "--years" in out.output


def test_the_excel_budget_file_read_back(tmp_path: Path) -> None:
    r, _ = two_kommune_case()
    view = bd.budget_view({"test": r}, [2024, 2025, 2026])
    path = write_budget(
        tmp_path / "okonomiplan.xlsx", view, budget_prices_text(view), organisation="Testregionen"
    )
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Sammendrag", "Aby", "Bby"]
    sheet = wb["Bby"]
    header = [c.value for c in sheet[5]]
    assert header == ["Prosjekt", "Post", "2024", "2025", "2026", "Sum"]
    rows = {(row[0], row[1]): row[2:] for row in sheet.iter_rows(min_row=6, values_only=True)}
    assert rows[("test", "Investering")] == (250, 0, 0, 250)
    assert rows[("test", "Kontantgevinster forventet")] == (0, 400, 420, 820)
    assert rows[("test", "Uttak planlagt")] == (0, 0, 100, 100)
    assert sheet.cell(6, 3).number_format == "# ##0;-# ##0"
    assert "Faste 2024-kroner" in sheet.cell(2, 1).value


def test_gevinst_budget_excel_equals_the_engine_per_kommune(tmp_path: Path) -> None:
    target = tmp_path / "okonomiplan.xlsx"
    runner = CliRunner()
    out = runner.invoke(cli, ["budget", "--years", "2025-2028", "--real", "--json",
                              "--excel", str(target), "--workspace", str(DATA),
                              "--as-of", "2026-06-30"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["prices"] == "real" and data["discounted"] is False
    wb = openpyxl.load_workbook(target)
    kommuner = sorted({row["municipality"] for row in data["lines"]})
    assert wb.sheetnames == ["Sammendrag", *kommuner]
    first = kommuner[0]
    sheet = wb[first]
    rows = {(row[0], row[1]): row[2:6] for row in sheet.iter_rows(min_row=6, values_only=True)}
    for line in data["lines"]:
        if line["municipality"] != first or not line["investment"]:
            continue
        got = rows[(line["project_id"], "Investering")][[2025, 2026, 2027, 2028].index(line["year"])]
        assert got == pytest.approx(line["investment"], abs=0.01)
    # A second run overwrites its own workbook; a text file is refused.
    other = tmp_path / "notes.xlsx"
    other.write_text("not a workbook")
    out = runner.invoke(cli, ["budget", "--excel", str(other), "--workspace", str(DATA)])
    assert out.exit_code == 2


def test_nominal_by_the_examples_index_and_two_percent_beyond_it() -> None:
    out = CliRunner().invoke(cli, ["budget", "--years", "2024-2026", "--json",
                                   "--workspace", str(DATA)])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["prices"] == "nominal" and data["index_last_year"] == 2024
    assert data["factors"]["2026"] == pytest.approx(1.02**2)


def test_the_workbook_ties_out_with_cba_json_per_kommune_over_the_whole_period(
    tmp_path: Path,
) -> None:
    """Σ over the years of a project's Investering + Drift on a kommune's sheet equals
    that kommune's ``costs_paid`` in ``gevinst cba ID --json`` (real prices)."""
    runner = CliRunner()
    target = tmp_path / "hele.xlsx"
    out = runner.invoke(cli, ["budget", "--years", "2015-2054", "--real", "--excel", str(target),
                              "--workspace", str(DATA)])
    assert out.exit_code == 0, out.output
    wb = openpyxl.load_workbook(target)
    for pid in ("felles-erp", "velferdsteknologi"):
        res = runner.invoke(cli, ["cba", pid, "--json", "--workspace", str(DATA)])
        engine = json.loads(res.output)["municipalities"]
        for m in engine:
            rows = {
                (row[0], row[1]): row[-1]
                for row in wb[m["name"]].iter_rows(min_row=6, values_only=True)
            }
            paid = (rows.get((pid, "Investering")) or 0) + (rows.get((pid, "Drift")) or 0)
            assert paid == pytest.approx(m["costs_paid"], abs=0.02)
            cash = rows.get((pid, "Kontantgevinster forventet")) or 0
            assert cash == pytest.approx(m["cash_benefits"], abs=0.02)


def test_total_is_the_plain_sum_over_the_matching_lines_bit_for_bit() -> None:
    """:meth:`BudgetView.total` looks the sum up in an index built once; it must give the
    very floats a plain ``sum`` over the matching lines gives, for every combination of
    filters (None = all), including filters that match nothing."""
    from gevinst.io import workspace as ws

    loaded = ws.load_valid(DATA)
    results = {
        pid: analyse(plan, loaded.workspace, monte_carlo=False, sensitivity=False)
        for pid, plan in loaded.plans.items()
    }
    view = bd.workspace_budget_view(results, loaded.workspace, [2024, 2025, 2026, 2027, 2028])
    assert len(view.municipalities) > 1 and len(view.projects) > 1

    def naive(item, m, p, y):
        return float(sum(
            getattr(line, item) for line in view.lines
            if (m is None or line.municipality == m) and (p is None or line.project_id == p)
            and (y is None or line.year == y)
        ))  # fmt: skip

    checked = 0
    for item in bd.ITEMS:
        for m in [None, *view.municipalities, "Ingenby"]:
            for p in [None, *view.projects, "ukjent"]:
                for y in [None, *view.years, 1999]:
                    got = view.total(item, municipality=m, project=p, year=y)
                    assert got == naive(item, m, p, y), (item, m, p, y)
                    checked += 1
    assert checked > 1000
    assert view.total("investment", municipality="Ingenby") == 0.0
    assert any(view.total(i, municipality=m) for i in bd.ITEMS for m in view.municipalities)
    with pytest.raises(ValueError, match="unknown budget item"):
        view.total("costs")


def _example_view():
    from gevinst.io import workspace as ws

    loaded = ws.load_valid(DATA)
    results = {
        pid: analyse(plan, loaded.workspace, monte_carlo=False, sensitivity=False)
        for pid, plan in loaded.plans.items()
    }
    return bd.workspace_budget_view(results, loaded.workspace, [2025, 2026, 2027, 2028])


def test_budget_summary_is_each_kommunes_sum_rows() -> None:
    """The portfolio report's summary at scale (one table, the kommunes one under the
    other) shows exactly the «Sum» rows of each kommune's own table: the same function
    (BudgetView.total) and the same formatting, so the two can never disagree."""
    from gevinst.report.tables import budget_summary_table, budget_table
    from gevinst.report.text import fmt_nok

    view = _example_view()
    summary = budget_summary_table(view, "nb")
    expected = []
    for m in view.municipalities:
        own = budget_table(view, m, "nb")
        sums = own[own["Prosjekt"] == "Sum"]
        for row in sums.itertuples(index=False):
            if any(v != fmt_nok(0.0, "nb") for v in list(row)[2:-1]):
                expected.append([m, *list(row)[1:]])
    got = [list(r) for r in summary.itertuples(index=False)]
    assert got == expected
    assert len(got) >= len(view.municipalities)
    assert list(summary.columns) == ["Kommune", "Post", "2025", "2026", "2027", "2028", "Sum"]
    assert "per kommune, summert over prosjektene" in summary.attrs["caption"]
    english = budget_summary_table(view, "en")
    assert list(english.columns)[:2] == ["Municipality", "Item"]


def test_show_budget_folds_the_project_lines_only_above_the_threshold(monkeypatch) -> None:
    from gevinst.report import tables

    shown: list[str] = []
    monkeypatch.setattr(tables, "display_html", lambda markup, plain, **_: shown.append(markup))
    monkeypatch.setattr(
        tables, "show_text", lambda text: shown.append(f"<p>{text}</p>")
    )
    view = _example_view()
    n = len(view.projects)

    tables.show_budget(view, "nb", max_projects=n)  # at the threshold: every table open
    assert len(shown) == len(view.municipalities)
    assert not any("<details" in m for m in shown)

    shown.clear()
    tables.show_budget(view, "nb", max_projects=n - 1)  # above it: sums, lines folded
    assert shown[0].startswith("<p>Med ") and "gevinst budget --excel" in shown[0]
    assert "per kommune, summert over prosjektene" in shown[1]
    folds = shown[2:]
    assert len(folds) == len(view.municipalities)
    for m, markup in zip(view.municipalities, folds, strict=True):
        assert markup.startswith('<details class="gevinst-table-fold"><summary>')
        assert f"{m}: linjene per prosjekt (" in markup and "<table" in markup


def test_budget_summary_leaves_out_items_that_are_zero_in_every_year() -> None:
    from dataclasses import replace

    from gevinst.report.tables import budget_summary_table

    view = _example_view()
    first = view.municipalities[0]
    # the first kommune pays nothing for internal effort; the others still do
    lines = tuple(
        replace(line, internal=0.0) if line.municipality == first else line for line in view.lines
    )
    quiet = replace(view, lines=lines)
    rows = [list(r) for r in budget_summary_table(quiet, "nb").itertuples(index=False)]
    items_of_first = [r[1] for r in rows if r[0] == first]
    assert "Egeninnsats" not in items_of_first
    assert items_of_first == [
        r[1] for r in budget_summary_table(view, "nb").itertuples(index=False)
        if r[0] == first and r[1] != "Egeninnsats"
    ]  # fmt: skip
    assert all("Egeninnsats" in [r[1] for r in rows if r[0] == m] for m in quiet.municipalities[1:])
