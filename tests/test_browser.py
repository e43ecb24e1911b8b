"""Every report page in a real browser (issue 13, item 5): headless Chromium opens the run and operate
reports of the default example, the plan report of the Zhongwei plan example cut to two weeks and the
report of a two-point sweep of a day, and checks that each loads with no script error and no network request,
that chart text is text (SVG ``<text>``) drawn at a computed size of at least 9 px, and saves a
screenshot of each (to ``$SUANDIAN_SCREENSHOTS`` when set, else the test's temporary folder); with a font
with Chinese glyphs installed, that 中卫 and 宁夏 in the chart font are drawn as glyphs, not boxes.

The checks run in a copy of the page with a small script added (the reports themselves carry none); the
browser resolves no host name (``--host-resolver-rules``), and the page's resource timing must be empty.
Skips with its reason where no Chromium is installed (``.ci/run`` installs Debian's ``chromium``).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from engine.cli import main

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")
MIN_FONT_PX = 9.0
EXAMPLES = Path(__file__).parents[1] / "examples"
REPORTS = ("run", "operate", "plan", "sweep")
MIN_CHARTS = {"run": (2, 50), "operate": (2, 50), "plan": (2, 50), "sweep": (1, 10)}
"""Fewest SVG charts and chart texts on each page."""
SWEEP = """name = "browser-sweep"
base = "{base}"
kind = "run"

[grid]
hours = [24]
"links[from=shanghai,to=zhongwei].gbps" = [0, 50]

[[report.plots]]
title = "Cost against bandwidth"
x = "links[from=shanghai,to=zhongwei].gbps"
y = "coordinated_cost_cny"
"""

CHECK = """<script>window.__errors = [];
window.addEventListener("error", event => window.__errors.push(String(event.message)));
window.addEventListener("load", () => {
  const sizes = [...document.querySelectorAll("svg text")].map(text => {
    const svg = text.ownerSVGElement, box = svg.viewBox.baseVal;
    const scale = box && box.width ? svg.getBoundingClientRect().width / box.width : 1;
    return parseFloat(getComputedStyle(text).fontSize) * scale;
  });
  // widths in em of Chinese and of unassigned code points (the missing-glyph box) in the chart font
  const canvas = document.createElement("canvas").getContext("2d");
  canvas.font = "40px " + getComputedStyle(document.querySelector("svg text") || document.body).fontFamily;
  const em = text => canvas.measureText(text).width / text.length / 40;
  document.body.setAttribute("data-check", JSON.stringify({
    cjk_em: em("中卫宁夏"), missing_em: em("\u0378\u0378\u0378\u0378"),
    texts: sizes.length, min_px: Math.min(...sizes), svgs: document.querySelectorAll("svg").length,
    resources: performance.getEntriesByType("resource").map(entry => entry.name),
    errors: window.__errors}));
});</script>"""


def _browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(f"no headless browser: none of {', '.join(BROWSERS)} is on PATH (.ci/run installs Debian's "
                "chromium with apt-get; it could not here)")


def _chromium(browser: str, *arguments: str) -> subprocess.CompletedProcess:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
             "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1280,1000",
             "--enable-logging=stderr", "--v=0"]
    return subprocess.run([browser, *flags, *arguments], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    _browser()  # skip before the studies when there is no browser
    root = tmp_path_factory.mktemp("browser")
    assert main(["run", "--out", str(root / "run")]) == 0
    assert main(["operate", "--out", str(root / "operate")]) == 0
    plan = root / "plan.toml"  # two weeks of the year plan: a 7 s sizing
    plan.write_text((EXAMPLES / "zhongwei_plan_green.toml").read_text(encoding="utf-8").replace(
        "\nhours = 8760", "\nhours = 336", 1), encoding="utf-8")
    assert main(["plan", str(plan), "--out", str(root / "plan")]) == 0
    sweep = root / "sweep.toml"
    sweep.write_text(SWEEP.format(base=(EXAMPLES / "east_west.toml").as_posix()), encoding="utf-8")
    assert main(["sweep", str(sweep), "--workers", "2", "--out", str(root / "sweep")]) == 0
    return {report: root / report / "report.html" for report in REPORTS}


def _check(browser: str, page: Path, folder: Path) -> tuple[dict, str]:
    """The page's check record (see CHECK) and the browser's log, from a copy of the page with CHECK."""
    checked = folder / f"{page.parent.name}-checked.html"
    checked.write_text(page.read_text(encoding="utf-8").replace("<head>", "<head>" + CHECK, 1),
                       encoding="utf-8")
    result = _chromium(browser, "--virtual-time-budget=10000", "--dump-dom", checked.as_uri())
    found = re.search(r'data-check="([^"]*)"', result.stdout)
    assert found, f"the page did not load: {result.stderr[-2000:]}"
    return json.loads(html.unescape(found.group(1))), result.stderr


def _cjk_fonts() -> list[str]:
    """The installed fonts with Chinese glyphs (fontconfig), empty when none or no fc-list."""
    if shutil.which("fc-list") is None:
        return []
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=60)
    return [line for line in listed.stdout.splitlines() if line.strip()]


@pytest.mark.parametrize("report", REPORTS)
def test_report_in_a_browser(pages, report, tmp_path):
    browser = _browser()
    page = pages[report]
    check, log = _check(browser, page, tmp_path)
    assert check["errors"] == [] and "Uncaught" not in log, check["errors"]
    assert check["resources"] == [], "a report page must not fetch anything"
    charts, texts = MIN_CHARTS[report]
    assert check["svgs"] >= charts and check["texts"] >= texts  # chart text is SVG text, not glyph paths
    assert check["min_px"] >= MIN_FONT_PX, f"smallest chart text {check['min_px']:.1f} px"

    shots = Path(os.environ.get("SUANDIAN_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    shot = shots / f"{report}.png"
    _chromium(browser, "--window-size=1280,6000", f"--screenshot={shot}", page.as_uri())
    assert shot.is_file() and shot.stat().st_size > 10_000
    assert page.stat().st_size < 5_000_000  # still one light offline page


def test_chinese_in_charts_is_drawn_in_a_chinese_font(pages, tmp_path):
    """With a CJK font installed (.ci/run installs Debian's fonts-wqy-zenhei), 中卫 and 宁夏 in the chart
    font of the run report are drawn 1 em wide each, not as missing-glyph boxes (0.6 em in DejaVu Sans).
    Looked at in the screenshot too: the map's 中卫, 北京, 和林格尔 are real glyphs."""
    browser = _browser()
    fonts = _cjk_fonts()
    if not fonts:
        pytest.skip("no font with Chinese glyphs installed (fc-list :lang=zh is empty; .ci/run installs "
                    "fonts-wqy-zenhei with apt-get, it could not here)")
    check, _ = _check(browser, pages["run"], tmp_path)
    assert abs(check["cjk_em"] - 1.0) < 0.05, (check, fonts)
    assert abs(check["cjk_em"] - check["missing_em"]) > 0.1, (check, fonts)
