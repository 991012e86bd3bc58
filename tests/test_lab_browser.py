"""The explorer in a real JupyterLab, driven by a real browser.

Starts ``jupyter lab`` on 127.0.0.1 (a free port from the OS, a fresh random token,
its own config, data and runtime folders), on a *copy* of ``notebooks/`` and ``data/``
so that Lab's autosave can never write outputs into the tracked notebooks. Debian's
``chromium`` with ``chromium-driver`` (selenium) opens ``notebooks/utforsk.ipynb``
as an analyst would – no path edited: the kernel starts in ``notebooks/`` and finds
``data/`` above it – and

1. runs all cells (Lab's own *Run All* command);
2. checks that the key figures are there at once, for the first project;
3. chooses another project, then moves a slider (keyboard on the slider handle),
   and checks that the key figures change each time and that the readout is
   Norwegian (``730,00``);
4. checks that no widget error, no error output and no browser console error
   appeared, and that the hostile project name put in the copy
   (``<img src=x onerror=…>``) is shown as text: no such element exists.

Skipped, saying why, only when chromium or chromedriver is not installed
(``.ci/run`` installs both).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None
)
CHROMEDRIVER = shutil.which("chromedriver") or (
    "/usr/bin/chromedriver" if os.access("/usr/bin/chromedriver", os.X_OK) else None
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="chromium and chromium-driver are not installed "
    "(Debian: apt-get install chromium chromium-driver); the JupyterLab browser test needs both",
)
HOSTILE = "<img src=x onerror=alert(1)>"
TIMEOUT = 180


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyter_lab(root: Path, home: Path):
    port, token = free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
    }
    env.pop("GEVINST_WORKSPACE", None)  # the notebook must find data/ by itself
    # the kernel spec of this environment (the venv's python with gevinst installed)
    data_dir = home / "data"
    subprocess.run(
        [sys.executable, "-m", "ipykernel", "install", "--prefix", str(home / "prefix")],
        check=True,
        env=env,
        capture_output=True,
    )
    env["JUPYTER_PATH"] = str(home / "prefix" / "share" / "jupyter")
    data_dir.mkdir(parents=True, exist_ok=True)
    log = (home / "lab.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            *(["--allow-root"] if os.geteuid() == 0 else []),  # CI containers run as root
        ],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((home / "lab.log").read_text()[-3000:]) from None
                time.sleep(0.5)
        yield base, token
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()


@contextlib.contextmanager
def chromium(profile: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(TIMEOUT)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver, condition, what: str, timeout: float = TIMEOUT):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # a widget re-rendering replaces its elements: one read between the two is stale,
    # and the next poll reads the new ones (without this, the wait failed at once)
    wait = WebDriverWait(
        driver, timeout, poll_frequency=0.3, ignored_exceptions=[StaleElementReferenceException]
    )
    try:
        return wait.until(lambda d: condition(d))
    except Exception as exc:
        shot = Path(os.environ.get("TMPDIR", "/tmp")) / "gevinst-lab-failure.png"
        with contextlib.suppress(Exception):
            driver.save_screenshot(str(shot))
        raise AssertionError(f"timed out waiting for {what} (screenshot: {shot})") from exc


def key_figures(driver) -> str:
    """The text of the explorer's key-figure table ('' while there is none)."""
    from selenium.webdriver.common.by import By

    tables = driver.find_elements(By.CSS_SELECTOR, ".widget-html table.gevinst-table")
    return tables[0].text if tables else ""


def test_explorer_in_jupyterlab(tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    root = tmp_path / "checkout"
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    shutil.copytree(REPO / "data", root / "data")
    plan_file = root / "data" / "projects" / "ebyggesak.yaml"
    plan = yaml.safe_load(plan_file.read_text(encoding="utf-8"))
    plan["project"]["name"] = HOSTILE
    plan_file.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), "utf-8")

    with jupyter_lab(root, tmp_path / "home") as (base, token), chromium(tmp_path / "profile") as d:
        d.get(f"{base}/lab/tree/notebooks/utforsk.ipynb?token={token}")
        wait_for(
            d,
            lambda d: d.execute_script(
                "const app = window.jupyterapp; if (!app) return false;"
                "const w = app.shell.currentWidget;"
                "return !!(w && w.sessionContext && w.sessionContext.session"
                " && w.sessionContext.session.kernel"
                " && w.sessionContext.session.kernel.connectionStatus === 'connected');"
            ),
            "the notebook and its kernel",
        )
        d.execute_script("window.jupyterapp.commands.execute('notebook:run-all-cells')")

        first = wait_for(d, lambda d: key_figures(d), "the key figures after Run All")
        project = Select(d.find_element(By.CSS_SELECTOR, ".widget-dropdown select"))
        assert project.first_selected_option.text.startswith("Digital dialog")

        # another project: the hostile name, as text
        project.select_by_visible_text(HOSTILE)
        second = wait_for(
            d, lambda d: (k := key_figures(d)) and k != first and k, "new figures for the project"
        )
        summary = d.find_element(By.CSS_SELECTOR, ".widget-html p").text
        assert summary.startswith(HOSTILE + ":"), summary
        assert d.find_elements(By.CSS_SELECTOR, "img[src='x']") == []

        # a slider: the hourly cost, one step to the right with the keyboard
        sliders = d.find_elements(By.CSS_SELECTOR, ".widget-slider")
        hourly = next(s for s in sliders if "Timekostnad" in s.text)
        handle = hourly.find_element(By.CSS_SELECTOR, ".noUi-handle")
        handle.click()
        handle.send_keys(Keys.ARROW_RIGHT)
        wait_for(d, lambda d: (k := key_figures(d)) and k != second, "new figures for the slider")
        readout = hourly.find_element(By.XPATH, "following-sibling::*[1]").text
        assert readout == "730,00", readout

        page = d.find_element(By.TAG_NAME, "body").text
        assert "Error displaying widget" not in page
        assert "Traceback" not in page
        errors = d.find_elements(
            By.CSS_SELECTOR,
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
        )
        assert errors == [], [e.text for e in errors]
        console = [
            entry
            for entry in d.get_log("browser")
            if entry["level"] == "SEVERE" and "favicon" not in entry["message"]
        ]
        assert console == [], console
