"""One report opened in headless Chromium: it renders with no console errors and makes
no request to any network address.

Debian's ``chromium`` (``apt-get install chromium``) at ``/usr/bin/chromium`` or on
the PATH; the test is skipped, saying why, when it is not installed. The test
installs nothing.

The browser is driven over the DevTools protocol on a pipe
(``--remote-debugging-pipe``: JSON messages ending in NUL on file descriptors 3
and 4), so that it sees what the *page* does: every request the page starts
(``Network.requestWillBeSent``), console messages (``Runtime.consoleAPICalled``),
uncaught exceptions (``Runtime.exceptionThrown``) and the browser's own error log
for the page (``Log.entryAdded``, e.g. a resource that failed to load). Name
resolution is switched off (``--host-resolver-rules="MAP * ~NOTFOUND"``), so
nothing could leave the machine even if the page tried. The browser's own
background traffic (component updates and the like) is not the page's and is
not counted.

A harness check first opens a page *with* a remote image and a
``console.error``: the test must see both, or a clean result would prove nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from test_report_runner import AS_OF, FIXTURES, make_workspace

from gevinst.report.runner import run_reports


def find_chromium() -> str | None:
    for candidate in (
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (Debian: apt-get install chromium); "
    "the browser test of the HTML report needs /usr/bin/chromium",
)

LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")


class Browser:
    """A headless Chromium driven over ``--remote-debugging-pipe``."""

    def __init__(self, profile: Path):
        to_browser_r, self._to_browser_w = os.pipe()
        self._from_browser_r, from_browser_w = os.pipe()

        def wire_fds() -> None:
            # in the child, before exec: fd 3 = commands in, fd 4 = replies out (first
            # moved out of the way, in case a pipe end already is fd 3 or 4); dup2 makes
            # them inheritable, every other descriptor of ours is closed at exec (PEP 446)
            commands = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
            replies = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
            os.dup2(commands, 3)
            os.dup2(replies, 4)

        self.proc = subprocess.Popen(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--disable-default-apps",
                "--no-first-run",
                "--no-default-browser-check",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                f"--user-data-dir={profile}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=wire_fds,
            close_fds=False,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 30) -> dict:  # fmt: skip
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser_w, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read(timeout)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 30) -> dict:
        for event in self.events:
            if event.get("method") == method:
                return event
        while True:
            event = self._read(timeout)
            self.events.append(event)
            if event.get("method") == method:
                return event

    def drain(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            try:
                self.events.append(self._read(left))
            except TimeoutError:
                return

    def _read(self, timeout: float) -> dict:
        end = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = end - time.monotonic()
            ready, _, _ = select.select([self._from_browser_r], [], [], max(left, 0))
            if not ready:
                raise TimeoutError("no message from Chromium")
            chunk = os.read(self._from_browser_r, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.send("Browser.close", timeout=5)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_browser_w)
        os.close(self._from_browser_r)


def open_page(path: Path, profile: Path) -> dict[str, list[str]]:
    """Load ``path``; return the page's requests, console errors and error log entries."""
    browser = Browser(profile)
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.send(f"{domain}.enable", session=session)
        browser.send("Page.navigate", {"url": path.resolve().as_uri()}, session=session)
        browser.wait_for("Page.loadEventFired", timeout=60)
        browser.drain(1.0)  # late console messages and failed loads
        title = browser.send("Runtime.evaluate", {"expression": "document.title"}, session=session)[
            "result"
        ].get("value", "")
        lang = browser.send(
            "Runtime.evaluate", {"expression": "document.documentElement.lang"}, session=session
        )["result"].get("value", "")
    finally:
        browser.close()
    page = [e for e in browser.events if e.get("sessionId") == session]
    requests = [
        e["params"]["request"]["url"] for e in page if e["method"] == "Network.requestWillBeSent"
    ]
    console = [
        " ".join(str(a.get("value", a.get("description", ""))) for a in e["params"]["args"])
        for e in page
        if e["method"] == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert")
    ]
    exceptions = [
        e["params"]["exceptionDetails"].get("text", "")
        for e in page
        if e["method"] == "Runtime.exceptionThrown"
    ]
    log_errors = [
        e["params"]["entry"].get("text", "")
        for e in page
        if e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"
    ]
    return {
        "remote_requests": [u for u in requests if not u.startswith(LOCAL_SCHEMES)],
        "requests": requests,
        "errors": console + exceptions + log_errors,
        "title": [title],
        "lang": [lang],
    }


def test_the_harness_sees_remote_requests_and_console_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html lang="nb"><head><title>t</title></head><body><main><h1>x</h1>'
        '<img src="https://example.org/a.png" alt="a">'
        '<script>console.error("oops")</script></main></body></html>',
        encoding="utf-8",
    )
    seen = open_page(bad, tmp_path / "profile")
    assert "https://example.org/a.png" in seen["remote_requests"]
    assert any("oops" in e for e in seen["errors"])


def test_report_renders_offline_without_errors(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "data", {"alfa": None, "bravo": "<script>alert(1)</script>"})
    summary = run_reports(root, ["bravo"], out=tmp_path / "out", notebooks=FIXTURES, as_of=AS_OF,
                          jobs=1, progress=False)  # fmt: skip
    assert summary.exit_code == 0, [r.error for r in summary.failed]
    report = summary.out_dir / "bravo.html"
    seen = open_page(report, tmp_path / "profile")
    assert seen["remote_requests"] == []
    assert seen["errors"] == []
    assert seen["requests"], "the page load itself should be seen"
    assert seen["title"] == ["Prosjektrapport: <script>alert(1)</script>"]
    assert seen["lang"] == ["nb"]


def test_real_report_renders_offline_without_errors(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[1]
    if not (repo / "notebooks" / "prosjektrapport.ipynb").exists():
        pytest.skip("notebooks/prosjektrapport.ipynb is not there yet")
    root = tmp_path / "data"
    shutil.copytree(repo / "data", root)
    pid = sorted(p.stem for p in (root / "projects").glob("*.yaml"))[0]
    summary = run_reports(root, [pid], out=tmp_path / "out", as_of=AS_OF, jobs=1, progress=False)
    assert summary.exit_code == 0, [r.error for r in summary.failed]
    seen = open_page(summary.out_dir / f"{pid}.html", tmp_path / "profile")
    assert seen["remote_requests"] == []
    assert seen["errors"] == []
