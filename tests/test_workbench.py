"""The analyst's workbench (issue 10): the workspace found the same way everywhere,
typed and checked notebook parameters, the notebooks run where they are opened, one
report whichever way it is made, notebooks stored without outputs, and the app view.

The notebook runs start kernels: a few seconds each.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from gevinst.cli.main import cli
from gevinst.io import workspace as ws
from gevinst.report import meta, params

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
NAMES = ["prosjektrapport", "porteføljerapport", "utforsk"]
BIN = Path(sys.executable).parent
AS_OF = "2026-11-25"


# --------------------------------------------------------------------------- discovery


def test_workspace_is_the_parameter_then_the_environment_then_the_nearest_data(
    tmp_path, monkeypatch
):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "gevinst.yaml").write_text("organisation: X\n", encoding="utf-8")
    deep = tmp_path / "notebooks" / "sub"
    deep.mkdir(parents=True)
    monkeypatch.delenv(ws.ENV_VAR, raising=False)
    assert ws.resolve_root(None, start=deep) == tmp_path / "data"
    monkeypatch.chdir(tmp_path)
    assert ws.resolve_root() == Path("data")  # found here: as the user would type it
    monkeypatch.chdir(deep)
    assert ws.resolve_root() == (tmp_path / "data").resolve()
    monkeypatch.setenv(ws.ENV_VAR, "/somewhere/else")
    assert ws.resolve_root() == Path("/somewhere/else")
    assert ws.resolve_root("mine") == Path("mine")
    monkeypatch.delenv(ws.ENV_VAR)
    monkeypatch.chdir(tmp_path / "notebooks")
    (tmp_path / "data" / "gevinst.yaml").unlink()  # a data/ without config does not count
    assert ws.resolve_root() == Path("data")


def test_the_cli_finds_the_workspace_from_a_subfolder(workspace, monkeypatch):
    monkeypatch.delenv(ws.ENV_VAR, raising=False)
    sub = workspace.parent / "notebooks"
    sub.mkdir()
    monkeypatch.chdir(sub)
    result = CliRunner().invoke(cli, ["list", "--json"])
    assert result.exit_code == 0, result.output
    assert "digital-dialog" in result.output


# --------------------------------------------------------------------------- parameters


def test_bad_parameters_give_one_line_in_the_notebooks_language(workspace):
    today = dt.date(2026, 11, 25)
    with pytest.raises(params.ParameterError) as err:
        params.notebook_parameters(workspace=workspace, lang="de", today=today)
    assert err.value.message() == (
        "Ugyldig parameter: felt «lang»: verdien er ikke tillatt; fant: 'de'; tillatt: nb, en"
    )
    with pytest.raises(params.ParameterError) as err:
        params.notebook_parameters(workspace=workspace, as_of="25.11.2026", lang="en")
    assert err.value._render_traceback_() == [
        "Bad parameter: field «as_of»: not a valid date; found: '25.11.2026'; "
        "allowed: YYYY-MM-DD (e.g. 2026-11-25)"
    ]
    with pytest.raises(params.ParameterError) as err:
        params.notebook_parameters(workspace=workspace, project_id="finnes-ikke")
    assert "ukjent prosjekt" in err.value.message() and "\n" not in err.value.message()
    assert isinstance(err.value, ws.InputError)  # bad input for the runner and the CLI
    p = params.notebook_parameters(
        workspace=workspace, project_id="digital-dialog", as_of=AS_OF, today=today
    )
    assert (p.root, p.as_of, p.lang) == (workspace, dt.date(2026, 11, 25), "nb")


def test_papermill_help_shows_typed_described_parameters():
    out = subprocess.run(
        [str(BIN / "papermill"), "--help-notebook", str(NOTEBOOKS / "prosjektrapport.ipynb")],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert "Unknown type" not in out
    for name in ("project_id", "workspace", "as_of", "lang"):
        line = next(x for x in out.splitlines() if x.strip().startswith(name + ":"))
        assert line.strip().startswith(f"{name}: str (default"), line
    assert "nb (bokmål) eller en (English)" in out
    assert "ÅÅÅÅ-MM-DD" in out


def _papermill(name: str, out: Path, cwd: Path, **parameters) -> nbformat.NotebookNode:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    with contextlib.suppress(PapermillExecutionError):
        papermill.execute_notebook(
            str(NOTEBOOKS / f"{name}.ipynb"),
            str(out),
            parameters=parameters,
            kernel_name="python3",
            cwd=str(cwd),
            progress_bar=False,
        )
    return nbformat.read(out, as_version=4)


@pytest.mark.parametrize(
    ("value", "line"),
    [
        ({"lang": "de"}, "Ugyldig parameter: felt «lang»: verdien er ikke tillatt; fant: 'de'"),
        ({"as_of": "25.11.2026", "lang": "en"}, "Bad parameter: field «as_of»: not a valid date"),
        ({"project_id": "finnes-ikke"}, "Ugyldig parameter: felt «project_id»: ukjent prosjekt"),
    ],
)
def test_a_bad_parameter_stops_the_notebook_at_its_first_cell(workspace, tmp_path, value, line):
    nb = _papermill(
        "prosjektrapport", tmp_path / "out.ipynb", tmp_path, workspace=str(workspace), **value
    )
    errors = [
        (i, o)
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]
    assert len(errors) == 1
    index, error = errors[0]
    before = [
        c for c in nb.cells[:index] if "papermill-error-cell-tag" not in c.metadata.get("tags", [])
    ]
    tags = before[-1].metadata.get("tags", [])
    assert "injected-parameters" in tags  # the first cell after the parameters
    assert error.ename == "ParameterError"
    assert len(error.traceback) == 1 and error.traceback[0].startswith(line), error.traceback


def test_gevinst_report_calls_a_bad_parameter_bad_input(workspace, tmp_path):
    runner = CliRunner()
    args = ["report", "--all", "--workspace", str(workspace), "--out", str(tmp_path)]
    bad_date = runner.invoke(cli, [*args, "--as-of", "25.11.2026"])
    assert bad_date.exit_code == 2 and "as_of" in bad_date.output
    assert runner.invoke(cli, [*args, "--lang", "de"]).exit_code == 2
    unknown = runner.invoke(cli, ["report", "finnes-ikke", *args[2:]])
    assert unknown.exit_code == 2 and "ukjent prosjekt" in unknown.output


# --------------------------------------------------------------------------- where they are opened


@pytest.mark.parametrize("name", NAMES)
def test_each_notebook_runs_from_notebooks_with_its_defaults(name, tmp_path, monkeypatch):
    """`jupyter nbconvert --execute` in notebooks/ of the checkout, no parameter given."""
    monkeypatch.delenv(ws.ENV_VAR, raising=False)
    env = {k: v for k, v in os.environ.items() if k != ws.ENV_VAR}
    subprocess.run(
        [
            str(BIN / "jupyter"),
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            f"{name}.ipynb",
            "--output-dir",
            str(tmp_path),
        ],
        cwd=NOTEBOOKS,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    nb = nbformat.read(tmp_path / f"{name}.ipynb", as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("text/html" in o.get("data", {}) for o in outputs)
    plain = [o["data"]["text/plain"] for o in outputs if "text/plain" in o.get("data", {})]
    reprs = [p for p in plain if re.match(r"^[A-Z]\w*\(", p)]
    assert reprs == [], "an object repr in the outputs"
    # the tracked notebook was not touched
    assert nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4).cells[1].get("outputs") == []


# --------------------------------------------------------------------------- one report


def _report_view(markup: str) -> dict:
    soup = BeautifulSoup(markup, "html.parser")
    footer = soup.find("footer")
    items = [dd.get_text(" ", strip=True) for dd in footer.find_all("dd")]
    return {
        "lang": soup.html.get("lang"),
        "title": soup.title.get_text(),
        "h1": [h.get_text() for h in soup.find_all("h1")],
        "h2": [h.get_text() for h in soup.find_all("h2")],
        "footer": items[:-1],  # without the run time
        "images": len(soup.find_all("img")),
        "tables": len(soup.find_all("table")),
        "text": " ".join(soup.main.get_text(" ", strip=True).split()),
        "code": soup.find(string=lambda s: s and "notebook_parameters" in s) is not None,
    }


def test_hand_made_report_is_the_report_gevinst_makes(workspace, tmp_path):
    from gevinst.report.runner import run_reports

    summary = run_reports(
        workspace,
        ["digital-dialog"],
        as_of=AS_OF,
        lang="en",
        out=tmp_path / "out",
        jobs=1,
        progress=False,
    )
    assert summary.ok, summary.failed
    made = summary.results[0].html.read_text(encoding="utf-8")
    # by hand: papermill in notebooks/, then nbconvert with the template
    hand = tmp_path / "hand.ipynb"
    nb = _papermill(
        "prosjektrapport", hand, NOTEBOOKS, workspace=str(workspace), as_of=AS_OF, lang="en"
    )
    assert meta.from_notebook(nb)["title"] == "Project report: Digital dialog med innbyggerne"
    subprocess.run(
        [
            str(BIN / "jupyter"),
            "nbconvert",
            "--to",
            "html",
            "--template",
            str(REPO / "templates" / "gevinst_html"),
            str(hand),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    by_hand = hand.with_suffix(".html").read_text(encoding="utf-8")
    a, b = _report_view(made), _report_view(by_hand)
    assert b["lang"] == "en" and b["title"] == "Project report: Digital dialog med innbyggerne"
    assert len(b["h1"]) == 1 and b["footer"][0] == AS_OF and b["footer"][1]
    assert not b["code"]
    assert a == b


# --------------------------------------------------------------------------- no outputs in git


def test_strip_tool_and_the_committed_notebooks():
    tool = REPO / "tools" / "strip_outputs.py"
    files = [str(p) for p in sorted(NOTEBOOKS.glob("*.ipynb"))]
    check = subprocess.run([sys.executable, str(tool), "--check", *files], capture_output=True)
    assert check.returncode == 0, check.stdout
    assert "filter=gevinst-strip-outputs" in (REPO / ".gitattributes").read_text()
    if shutil.which("git") and (REPO / ".git").exists():
        for path in files:
            rel = Path(path).relative_to(REPO).as_posix()
            shown = subprocess.run(
                ["git", "show", f"HEAD:{rel}"], cwd=REPO, capture_output=True, check=False
            )
            if shown.returncode == 0:  # committed: must be without outputs
                nb = json.loads(shown.stdout)
                assert all(
                    not c.get("outputs") and c.get("execution_count") is None
                    for c in nb["cells"]
                    if c["cell_type"] == "code"
                ), f"{rel}: committed with outputs"


def test_the_git_filter_strips_outputs_on_add(tmp_path):
    if not shutil.which("git"):
        pytest.skip("git is not installed")
    tool = REPO / "tools" / "strip_outputs.py"
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "1 + 1",
                execution_count=3,
                outputs=[
                    nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=3)
                ],
            )
        ]
    )
    repo = tmp_path / "repo"
    repo.mkdir()

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=repo, check=True, capture_output=True, text=True
        ).stdout

    git("init", "-q")
    git("config", "filter.gevinst-strip-outputs.clean", f"{sys.executable} {tool}")
    shutil.copy(REPO / ".gitattributes", repo / ".gitattributes")
    nbformat.write(nb, repo / "x.ipynb")
    git("add", "x.ipynb")
    stored = json.loads(git("show", ":x.ipynb"))
    assert stored["cells"][0]["outputs"] == [] and stored["cells"][0]["execution_count"] is None
    assert json.loads((repo / "x.ipynb").read_text())["cells"][0]["outputs"]  # working copy kept
    dirty = subprocess.run([sys.executable, str(tool), "--check", str(repo / "x.ipynb")])
    assert dirty.returncode == 1


# --------------------------------------------------------------------------- the app view


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gevinst_explore_serves_the_explorer_with_voila(workspace, tmp_path):
    port = _free_port()
    env = {**os.environ, "HOME": str(tmp_path), "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt")}
    proc = subprocess.Popen(
        [
            str(BIN / "gevinst"),
            "explore",
            "--workspace",
            str(workspace),
            "--port",
            str(port),
            "--no-browser",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline, page = time.monotonic() + 150, ""
        while not page:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=120) as r:
                    page = r.read().decode("utf-8")
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(proc.stderr.read().decode()[-2000:]) from None
                time.sleep(0.5)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        proc.stderr.close()
    assert "application/vnd.jupyter.widget-view+json" in page
    assert "Utforsk forutsetningene" in page
    assert "Kongsbergregionen" in page
    assert "notebook_parameters" not in page  # no code shown
    assert "ParameterError" not in page and "Traceback" not in page


def test_gevinst_explore_checks_its_input_and_parameterises_a_copy(workspace, tmp_path):
    from gevinst.cli.explore import parameterised_copy

    bad = CliRunner().invoke(
        cli, ["explore", "--workspace", str(workspace), "--project", "finnes-ikke"]
    )
    assert bad.exit_code == 2 and "ukjent prosjekt" in bad.output
    missing = CliRunner().invoke(cli, ["explore", "--workspace", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "gevinst.yaml" in missing.output
    copy = parameterised_copy(
        NOTEBOOKS / "utforsk.ipynb", {"lang": "en", "workspace": str(workspace)}, tmp_path
    )
    nb = nbformat.read(copy, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "lang = 'en'" in injected[0].source.replace('"', "'")
    assert copy.parent == tmp_path and nbformat.read(NOTEBOOKS / "utforsk.ipynb", as_version=4)


def test_the_template_leaves_out_tagged_cells_and_reads_the_report_metadata():
    from gevinst.report import export

    v4 = nbformat.v4
    data = {meta.MIME: {"lang": "en", "title": "T <b>", "as_of": AS_OF, "fingerprint": "abc"}}
    nb = v4.new_notebook(
        cells=[
            v4.new_markdown_cell("# Intro for analysts", metadata={"tags": ["remove-cell"]}),
            v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
            v4.new_code_cell(
                "", outputs=[v4.new_output("display_data", {**data, "text/plain": ""})]
            ),
            v4.new_code_cell(
                "",
                metadata={"tags": ["remove-output"]},
                outputs=[v4.new_output("display_data", {"text/html": "<p>hidden output</p>"})],
            ),
            v4.new_code_cell(
                "", outputs=[v4.new_output("display_data", {"text/html": "<p>shown</p>"})]
            ),
        ]
    )
    markup = export.notebook_to_html(nb)
    soup = BeautifulSoup(markup, "html.parser")
    assert soup.html["lang"] == "en" and soup.title.get_text() == "T <b>"
    assert "Intro for analysts" not in markup and "hidden output" not in markup
    assert "x = 1" not in markup and "shown" in markup
    assert soup.find("footer").find("time")["datetime"] == AS_OF
