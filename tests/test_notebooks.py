"""The report notebooks: stored without outputs, in sync with their py:percent pair,
parameterised, and each runs top to bottom with papermill on the example workspace.

The papermill runs are the slow tests of this file (a few seconds each).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
NAMES = ["prosjektrapport", "porteføljerapport", "utforsk", "finansiering"]
PARAMETERS = {"project_id", "workspace", "as_of", "lang"}
AS_OF = "2026-11-25"
HOSTILE = "<script>alert(1)</script>"


def _sources(nb) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source.strip()) for c in nb.cells]


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_has_no_outputs(name):
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{name}: outputs stored in a cell"
            assert cell.execution_count is None
    assert nb.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_and_py_percent_pair_are_in_sync(name):
    ipynb = jupytext.read(NOTEBOOKS / f"{name}.ipynb")
    py = jupytext.read(NOTEBOOKS / f"{name}.py")
    assert _sources(ipynb) == _sources(py)
    assert [c.metadata.get("tags", []) for c in ipynb.cells] == [
        c.metadata.get("tags", []) for c in py.cells
    ]


@pytest.mark.parametrize("name", NAMES)
def test_parameters_cell_is_tagged_and_is_the_only_place_with_literals(name):
    nb = jupytext.read(NOTEBOOKS / f"{name}.py")
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    names = set(re.findall(r"^(\w+)\s*(?::\s*\w+\s*)?=", tagged[0].source, flags=re.M))
    assert names == PARAMETERS
    for cell in nb.cells:
        if cell.cell_type != "code" or cell is tagged[0]:
            continue
        code = "\n".join(line.split("#")[0] for line in cell.source.splitlines())
        assert not re.search(r"[\"']", code), (
            f"{name}: a string literal outside the parameters cell"
        )
        assert not re.search(r"(?<![\w.])\d+(?:\.\d+)?(?![\w])", code), (
            f"{name}: a number outside the parameters cell"
        )


def _run(name: str, workspace: Path, tmp_path: Path, **parameters) -> nbformat.NotebookNode:
    import papermill

    out = tmp_path / f"{name}-out.ipynb"
    params = {"workspace": str(workspace), "as_of": AS_OF, **parameters}
    papermill.execute_notebook(
        str(NOTEBOOKS / f"{name}.ipynb"),
        str(out),
        parameters=params,
        kernel_name="python3",
        cwd=str(tmp_path),
        progress_bar=False,
    )
    return nbformat.read(out, as_version=4)


def _outputs(nb) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def _html(nb) -> str:
    return "\n".join("".join(o.get("data", {}).get("text/html", "")) for o in _outputs(nb))


def _assert_no_errors(nb) -> None:
    errors = [o for o in _outputs(nb) if o.output_type == "error"]
    assert not errors, errors
    streams = "".join(
        o.get("text", "") for o in _outputs(nb) if o.output_type == "stream" and o.name == "stderr"
    )
    assert "Traceback" not in streams


def _images_have_alt(markup: str) -> int:
    images = re.findall(r"<img [^>]*>", markup)
    for img in images:
        assert re.search(r'alt="[^"]{20,}"', img), img[:200]
        assert 'src="data:image/png;base64,' in img
    return len(images)


def test_project_report_runs_on_the_example_workspace(workspace, tmp_path):
    nb = _run("prosjektrapport", workspace, tmp_path)
    _assert_no_errors(nb)
    markup = _html(nb)
    assert markup.count("<h1>") == 1
    for heading in (
        "Sammendrag for styringsgruppen",
        "Mål og gevinstkart",
        "Gevinster – status",
        "Resultatmål",
        "Kost/nytte",
        "Per kommune",
        "Ikke-prissatte virkninger",
        "Risiko",
        "Milepæler og beslutningspunkter",
    ):
        assert re.search(rf'<h2( id="[a-z-]+")?>{re.escape(html.escape(heading))}</h2>', markup)
    assert _images_have_alt(markup) >= 10
    assert "Hva styringsgruppen må ta stilling til" in markup
    assert "<caption>" in markup and 'scope="col"' in markup


def test_project_report_in_english_and_for_another_project(workspace, tmp_path):
    other = sorted(
        p.stem for p in (workspace / "projects").glob("*.yaml") if p.stem != "digital-dialog"
    )[0]
    nb = _run("prosjektrapport", workspace, tmp_path, project_id=other, lang="en")
    _assert_no_errors(nb)
    markup = _html(nb)
    assert '<h2 id="summary">Summary for the steering group</h2>' in markup
    assert "Sammendrag" not in markup


def test_project_report_escapes_hostile_plan_text(workspace, tmp_path):
    path = workspace / "projects" / "digital-dialog.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["project"]["name"] = HOSTILE
    data["benefits"][0]["name"] = HOSTILE
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    nb = _run("prosjektrapport", workspace, tmp_path)
    _assert_no_errors(nb)
    markup = _html(nb)
    assert "<script>" not in markup
    assert html.escape(HOSTILE) in markup


def test_portfolio_report_runs_on_the_example_workspace(workspace, tmp_path):
    nb = _run("porteføljerapport", workspace, tmp_path)
    _assert_no_errors(nb)
    markup = _html(nb)
    assert markup.count("<h1>") == 1
    for key, heading in (
        ("board_decisions", "Hva porteføljestyret må ta stilling til"),
        ("portfolio_status", "Status for prosjektene"),
        ("ranking", "Prioritering"),
        ("portfolio_municipalities", "Per kommune"),
        ("double_claims", "Mulig dobbelttelling"),
        ("overdue", "Forfalte målinger"),
        ("budget", "Økonomiplan per kommune"),
        ("roadmap", "Veikart og avhengigheter"),
    ):
        # each section has the anchor the table of contents links to
        anchor = key.replace("_", "-")
        assert f'<h2 id="{anchor}">{heading}</h2>' in markup
        assert f'href="#{anchor}"' in markup
    # status, counts, portfolio NPV distribution, kommuner, road map
    assert _images_have_alt(markup) == 5
    assert "Økonomiplan 2027–2030 for Kongsberg" in markup and "167 dager for sent" in markup
    assert "Porteføljens netto nåverdi" in markup and "Standardfeil" in markup
    assert "Sum portefølje" in markup


def test_explorer_runs_headless(workspace, tmp_path):
    nb = _run("utforsk", workspace, tmp_path)
    _assert_no_errors(nb)
    outputs = _outputs(nb)
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    markup = _html(nb)
    assert "Nøkkeltall med valgte forutsetninger" in markup
    assert _images_have_alt(markup) == 4


def test_funder_report_runs_in_english_and_escapes_plan_text(workspace, tmp_path):
    """Issue 12, point 6: the funder report (yearly before BP5, final after)."""
    path = workspace / "projects" / "digital-dialog.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["project"]["funder"] = HOSTILE
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    nb = _run("finansiering", workspace, tmp_path, project_id="digital-dialog", lang="en")
    _assert_no_errors(nb)
    markup = _html(nb)
    assert markup.count("<h1>") == 1
    assert "Yearly report to the funder" in markup  # digital-dialog is at BP4
    for heading in (
        "Benefits against the plan",
        "Deviations and reasons",
        "Take-out of benefits",
        "Costs",
    ):
        assert f"<h2>{heading}</h2>" in markup
    assert "The funder requires 50%" in markup
    assert "<script>" not in markup and html.escape(HOSTILE) in markup
    assert _images_have_alt(markup) >= 1
