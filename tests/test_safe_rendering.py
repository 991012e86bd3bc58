"""Plan text reaches notebook outputs only through one escaping path (gevinst.report.text.esc).

1. A static check of the package: ``html.escape`` is called in one place only
   (:func:`gevinst.report.text.esc`), and no Markdown output or IPython ``HTML``/
   ``Markdown`` object is built anywhere (Markdown would let plan text through as
   live HTML).
2. Hostile text in *every* free-text field of a plan that validation accepts (each
   string field is tried in turn and kept when the plan still validates), in the
   measurements' comments and reporters, and in the organisation's name; the three
   notebooks run on that workspace with papermill, and no HTML output may hold the
   hostile markup as markup – it must show as text.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from gevinst.errors import InputError
from gevinst.io import workspace as ws
from gevinst.io.yamlfile import dump_yaml, load_yaml

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "gevinst"
NOTEBOOKS = REPO / "notebooks"
HOSTILE = '<img src=x onerror=alert(1)><script>alert("x")</script>'
AS_OF = "2026-11-25"


def test_one_escaping_helper_and_no_markdown_outputs():
    escapes, markdown = [], []
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        rel = path.relative_to(REPO).as_posix()
        for m in re.finditer(r"html\.escape\(", source):
            escapes.append(f"{rel}:{source[: m.start()].count(chr(10)) + 1}")
        if (
            re.search(r"[\"']text/markdown[\"']\s*:", source)
            or re.search(r"from IPython\.display import[^\n]*\b(HTML|Markdown)\b", source)
            or re.search(r"\bdisplay\.(HTML|Markdown)\(|\bMarkdown\(", source)
        ):
            markdown.append(rel)
    assert escapes == ["gevinst/report/text.py:" + escapes[0].split(":")[1]], escapes
    assert markdown == [], markdown


def _string_leaves(data, path=()):
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _string_leaves(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _string_leaves(v, (*path, i))
    elif isinstance(data, str):
        yield path


def _set(data, path, value):
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def _hostile_plan(file: Path, workspace) -> list[str]:
    """Put HOSTILE in every string field the plan still validates with; return their paths."""
    data, _lines = load_yaml(file)  # the strict YAML 1.2 reader: `on:` stays a text key
    accepted = []
    for path in list(_string_leaves(data)):
        before = _get(data, path)
        _set(data, path, HOSTILE)
        try:
            ws.parse_plan(data, file.name, {}, workspace)
        except InputError:
            _set(data, path, before)
        else:
            accepted.append(".".join(map(str, path)))
    file.write_text(dump_yaml(data), encoding="utf-8")
    return accepted


def _get(data, path):
    for key in path:
        data = data[key]
    return data


def _hostile_measurements(file: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(file.read_text(encoding="utf-8"))))
    for row in rows:
        row["comment"] = HOSTILE
        row["reported_by"] = HOSTILE
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    file.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture
def hostile_workspace(workspace):
    config = workspace / "gevinst.yaml"
    cfg, _lines = load_yaml(config)
    cfg["organisation"] = HOSTILE
    config.write_text(dump_yaml(cfg), encoding="utf-8")
    wsc = ws.load_config(workspace)
    fields = _hostile_plan(workspace / "projects" / "digital-dialog.yaml", wsc)
    _hostile_measurements(workspace / "measurements" / "digital-dialog.csv")
    _loaded, issues = ws.check(workspace)
    assert not issues, [i.format() for i in issues]
    # the free-text fields are in: names, descriptions, goals, owners, risks, ...
    for expected in ("project.name", "project.description", "goals.main_goal", "project.owner"):
        assert expected in fields, fields
    assert len(fields) >= 30, fields
    return workspace


def _run(name: str, workspace: Path, tmp_path: Path) -> nbformat.NotebookNode:
    import papermill

    out = tmp_path / f"{name}.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS / f"{name}.ipynb"),
        str(out),
        parameters={"workspace": str(workspace), "as_of": AS_OF, "project_id": "digital-dialog"},
        kernel_name="python3",
        cwd=str(tmp_path),
        progress_bar=False,
    )
    return nbformat.read(out, as_version=4)


@pytest.mark.parametrize("name", ["utforsk", "prosjektrapport", "porteføljerapport"])
def test_hostile_text_in_every_field_is_shown_as_text(hostile_workspace, tmp_path, name):
    nb = _run(name, hostile_workspace, tmp_path)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if "text/markdown" in o.get("data", {})]
    shown = 0
    for o in outputs:
        markup = o.get("data", {}).get("text/html")
        if not markup:
            continue
        soup = BeautifulSoup(markup, "html.parser")
        assert soup.find("script") is None, markup[:300]
        assert soup.find("img", src="x") is None, markup[:300]
        assert not soup.find_all(attrs={"onerror": True})
        shown += soup.get_text().count(HOSTILE)
    assert shown >= 1, "the hostile text should appear, as text"
