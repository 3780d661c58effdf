"""Real browser end to end: `streamlit run app.py` headless, driven through Debian chromium.

Run locally: `make test-browser` (needs /usr/bin/chromium: `apt-get install chromium`).
Screenshots and timings go to artifacts/ (git-ignored).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT

from bench.ui_latency import CHROMIUM, FLAGS, PLACEHOLDER, running_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ARTIFACTS = ROOT / "artifacts"


@pytest.fixture
def server(full_index, tmp_path):
    env = {
        "LICENSEQA_INDEX_DIR": str(full_index),
        "LICENSEQA_CORPUS_DIR": str(CORPUS),
        "LICENSEQA_FEEDBACK_PATH": str(tmp_path / "feedback.jsonl"),
    }
    with running_app(env) as (url, started):  # the launcher bench/ui_latency.py measures with
        yield url, started


def test_ask_open_citation_and_follow_link(server):
    from playwright.sync_api import expect, sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian chromium (apt-get install chromium)"
    url, started = server
    ARTIFACTS.mkdir(exist_ok=True)
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(url)
        box = page.get_by_placeholder(PLACEHOLDER)
        box.wait_for(timeout=60_000)
        box.fill("Does Apache License 2.0 require me to give recipients a copy of the license?")
        box.press("Enter")
        first = page.get_by_text("[1] Apache License 2.0 §4(a)").first
        first.wait_for(timeout=60_000)
        cold_seconds = time.monotonic() - started  # `streamlit run` -> first answer on screen
        page.screenshot(path=str(shots / "chat-answer.png"), full_page=True)

        # warm answer time in the page
        t0 = time.monotonic()
        box.fill("Which law governs the Llama 2 Community License?")
        box.press("Enter")
        page.get_by_text("[1] Llama 2 Community License Agreement 2023 §7").first.wait_for(timeout=30_000)
        warm_ms = (time.monotonic() - t0) * 1000

        # open the first citation of the first answer: the quote is highlighted in the clause
        first.click()
        mark = page.locator("mark.lqa-quote").first
        expect(mark).to_contain_text("You must give any other recipients")
        page.wait_for_timeout(800)  # let the expander finish opening
        page.screenshot(path=str(shots / "citation-open.png"), full_page=True)

        # follow its link to the license browser: the clause is highlighted there
        page.get_by_role("link", name="Open in the license browser").first.click()
        page.wait_for_url("**/browser?**", timeout=30_000)
        assert ("doc=Apache-2.0" in page.url and "section=4%28a%29" in page.url) or "section=4(a)" in page.url
        highlighted = page.locator("div.lqa-highlight")
        expect(highlighted).to_contain_text("You must give any other recipients", timeout=30_000)
        expect(highlighted).not_to_contain_text("You must cause any modified files")
        expect(highlighted).to_be_in_viewport(timeout=15_000)  # the page scrolled to the clause
        expect(page.get_by_test_id("stTableStyledTable")).to_contain_text("Apache-2.0")  # metadata
        expect(page.locator("table.lqa-facts")).to_contain_text("internal use")  # the licence facts table
        page.screenshot(path=str(shots / "browser-clause.png"), full_page=False)
        browser.close()
    timings = {"cold_start_to_first_answer_s": round(cold_seconds, 2), "warm_answer_ms": round(warm_ms, 1)}
    (ARTIFACTS / "ui-timings.json").write_text(json.dumps(timings, indent=2))
    print(f"\nUI timings: {timings}")
