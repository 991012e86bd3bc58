"""The example reports in a real browser: axe-core's accessibility rules and the layout
at 1 280 px, through Debian's ``chromium`` and ``chromium-driver`` driven by selenium.

Used by ``tests/test_report_axe.py``; also runnable by hand on a folder of reports::

    .venv/bin/python tests/axe_browser.py reports/2026-12-01

What is needed, and where it is looked for:

- Chromium: ``/usr/bin/chromium`` or ``chromium`` on the PATH (Debian ``apt-get install
  chromium``);
- ChromeDriver: ``/usr/bin/chromedriver`` or ``chromedriver`` on the PATH (Debian
  ``apt-get install chromium-driver``), of the same version as Chromium;
- axe-core: ``node_modules/axe-core/axe.min.js`` at the top of the repository, installed
  with ``npm ci`` from ``package.json``/``package-lock.json`` (the version is pinned there).

:func:`missing` says which of these is absent, so a test can skip saying why. Nothing is
downloaded: selenium is given both paths, so its driver manager is never asked.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
WIDTH = 1280
"""The window width every report must fit (issue 8, point 6)."""

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--force-device-scale-factor=1",
    "--hide-scrollbars",
)


def _executable(*candidates: str | None) -> str | None:
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def chromium_path() -> str | None:
    return _executable("/usr/bin/chromium", shutil.which("chromium"),
                       shutil.which("chromium-browser"))  # fmt: skip


def chromedriver_path() -> str | None:
    return _executable("/usr/bin/chromedriver", shutil.which("chromedriver"))


def missing() -> str | None:
    """Why the browser checks cannot run here, or ``None`` when everything is there."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    if chromium_path() is None:
        return "Chromium is not installed (Debian: apt-get install chromium)"
    if chromedriver_path() is None:
        return "ChromeDriver is not installed (Debian: apt-get install chromium-driver)"
    if not AXE_JS.exists():
        return f"axe-core is not installed ({AXE_JS.relative_to(REPO)} missing: run npm ci)"
    return None


@contextmanager
def browser(width: int = WIDTH, height: int = 900) -> Iterator[object]:
    """A headless Chromium (selenium WebDriver) with a fresh profile, closed afterwards."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory(prefix="gevinst-chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = chromium_path()
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={profile}")
        options.add_argument(f"--window-size={width},{height}")
        driver = webdriver.Chrome(options=options, service=Service(chromedriver_path()))
        try:
            driver.set_script_timeout(120)
            driver.set_page_load_timeout(120)
            yield driver
        finally:
            driver.quit()


# Every table and every element that scrolls sideways: is it wider than the room it has,
# and if it scrolls, can a keyboard reach it and does it have a name?
_LAYOUT_JS = r"""
const out = {overflow: [], scrollers: [], pageWidth: document.documentElement.scrollWidth,
             viewport: window.innerWidth, bodyFont: parseFloat(getComputedStyle(document.body).fontSize),
             images: []};
for (const el of document.querySelectorAll('main *')) {
  const cs = getComputedStyle(el);
  const scrolls = (cs.overflowX === 'auto' || cs.overflowX === 'scroll');
  if (el.scrollWidth > el.clientWidth + 1 && scrolls) {
    out.scrollers.push({tag: el.tagName, cls: el.className, tabindex: el.getAttribute('tabindex'),
                        label: el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || '',
                        role: el.getAttribute('role') || '',
                        width: el.scrollWidth, room: el.clientWidth,
                        text: (el.innerText || '').slice(0, 80)});
  }
}
const main = document.querySelector('main');
const room = main.clientWidth - parseFloat(getComputedStyle(main).paddingLeft) - parseFloat(getComputedStyle(main).paddingRight);
for (const t of document.querySelectorAll('main table')) {
  const w = t.getBoundingClientRect().width;
  if (w > room + 1) {
    const cap = t.querySelector('caption');
    out.overflow.push({width: Math.round(w), room: Math.round(room),
                       caption: cap ? cap.innerText : (t.innerText || '').slice(0, 60)});
  }
}
for (const img of document.querySelectorAll('main img')) {
  out.images.push({shown: img.getBoundingClientRect().width,
                   css: parseFloat(img.getAttribute('width') || '0'),
                   alt: img.getAttribute('alt') || ''});
}
return out;
"""


@dataclass
class PageCheck:
    """What one report looks like to axe-core and at :data:`WIDTH` px."""

    path: Path
    violations: list[dict] = field(default_factory=list)
    layout: dict = field(default_factory=dict)

    def summary(self) -> list[str]:
        lines = []
        for v in self.violations:
            targets = [" ".join(map(str, n.get("target", []))) for n in v.get("nodes", [])][:3]
            lines.append(f"{self.path.name}: {v['id']} ({v.get('impact')}): {v['help']} – "
                         f"{len(v.get('nodes', []))} node(s), e.g. {targets}")  # fmt: skip
        return lines


def check_page(driver, path: Path) -> PageCheck:
    """Open ``path`` and run axe-core (every rule of its default set) and the layout probe."""
    driver.get(path.resolve().as_uri())
    driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(JSON.stringify(r.violations)))"
        ".catch(e => done(JSON.stringify([{id: 'axe-error', help: String(e), nodes: []}])));"
    )
    layout = driver.execute_script(_LAYOUT_JS)
    return PageCheck(path=path, violations=json.loads(result), layout=layout)


def main(argv: list[str]) -> int:
    reason = missing()
    if reason:
        print(reason)
        return 2
    folder = Path(argv[1])
    bad = 0
    with browser() as driver:
        for page in sorted(folder.glob("*.html")):
            check = check_page(driver, page)
            for line in check.summary():
                print(line)
            lay = check.layout
            print(f"{page.name}: page {lay['pageWidth']} px in {lay['viewport']} px, "
                  f"{len(lay['overflow'])} table(s) too wide, {len(lay['scrollers'])} scroller(s), "
                  f"body {lay['bodyFont']} px")  # fmt: skip
            for item in lay["overflow"]:
                print("   too wide:", item)
            for item in lay["scrollers"]:
                print("   scrolls:", item)
            bad += len(check.violations) + len(lay["overflow"])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
