"""The HTML report in a real headless Chromium (Debian's chromium, driven by Playwright with
executable_path: no browser is downloaded). It must render with no console error and no network
request, its filters must change what is shown, and a hostile VM name must stay text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from hvaudit.cli import main

REPO = Path(__file__).resolve().parent.parent
ARTEFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("html")
    (d / "w.toml").write_text(
        '[[waiver]]\ncheck = "HVA-031"\nsubject = "vm:vdi-desktop-07"\n'
        'reason = "<b>bold</b> reason"\nowner = "o"\nexpires = 2030-01-01\n'
    )
    assert (
        main(
            [
                "scan",
                "--demo",
                "--format",
                "html",
                "-o",
                str(d / "report.html"),
                "--waivers",
                str(d / "w.toml"),
                "--as-of",
                "2026-11-27",
            ]
        )
        == 1
    )
    return d / "report.html"


def test_html_is_self_contained_and_escaped(report: Path) -> None:
    html = report.read_text()
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt; reason" in html
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert csp and "default-src 'none'" in csp.group(1) and "unsafe-inline" not in csp.group(1)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)


def test_html_in_headless_chromium(report: Path) -> None:
    requests: list[str] = []
    problems: list[str] = []
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("request", lambda r: requests.append(r.url))
        page.on(
            "console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None
        )
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(report.as_uri())
        page.wait_for_load_state("load")
        total = int(page.locator("#f-count").text_content() or "0")
        rows = page.locator("#results tbody tr")
        assert total == rows.count() > 100

        page.locator("#f-severity").select_option("critical")
        critical = int(page.locator("#f-count").text_content() or "0")
        assert 0 < critical < total
        page.locator("#f-severity").select_option("")
        for status in ("pass", "not_applicable", "manual", "error"):
            page.locator(f"input[name=status][value={status}]").uncheck()
        fails = int(page.locator("#f-count").text_content() or "0")
        assert fails == page.locator("#results tbody tr:visible").count()
        assert all(
            t.startswith("fail")
            for t in page.locator("#results tbody tr:visible td:first-child").all_text_contents()
        )
        page.locator("#f-search").fill("legacy-erp")
        assert 0 < int(page.locator("#f-count").text_content() or "0") < fails
        page.locator("#f-search").fill("")
        for status in ("pass", "not_applicable", "manual", "error"):
            page.locator(f"input[name=status][value={status}]").check()
        page.locator("#f-subject").select_option("vm <img src=x onerror=alert(1)> on hv-demo-01")
        hostile = page.locator("#results tbody tr:visible")
        assert hostile.count() > 5
        assert "vm <img src=x onerror=alert(1)> on hv-demo-01" in hostile.first.text_content()
        assert page.locator("img").count() == 0
        # a check failing on many VMs is one card; the subject filter finds it by any member
        group = page.locator("#failures article.group", has_text="HVA-090 fails on 8 of 8 VMs")
        assert group.count() == 1 and group.is_visible()
        page.locator("#f-subject").select_option("host hv-demo-01")
        assert not group.is_visible()
        page.locator("#f-subject").select_option("")
        # HVA-090 is HY-BF4 in the 2014 draft and HY-BF1 in Rev. 1: both function filters show it
        for fn in ("HY-BF1", "HY-BF4"):
            page.locator("#f-function").select_option(fn)
            assert group.is_visible(), fn
        page.locator("#f-function").select_option("HY-BF2")
        assert not group.is_visible()
        page.locator("#f-function").select_option("")
        page.locator("#f-subject").select_option("vm <img src=x onerror=alert(1)> on hv-demo-01")

        page.locator("#f-edition").select_option("sp800-125a-r1")
        assert page.locator("[data-edition=sp800-125a-r1]").is_visible()
        assert not page.locator("[data-edition=sp800-125a-2014]").is_visible()

        page.locator("#f-subject").select_option("")
        ARTEFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTEFACTS / "html-report.png"), full_page=False)
        browser.close()
    assert requests == [report.as_uri()]
    assert problems == []
    assert dialogs == []
