"""The Stack check page in a real browser: upload an SBOM, switch to SaaS, see the conflict, follow its
clause link into the licence browser. Run with `make test-browser` (needs /usr/bin/chromium)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CORPUS

from bench.ui_latency import CHROMIUM, FLAGS, running_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BOM = {
    "bomFormat": "CycloneDX",
    "specVersion": "1.5",
    "version": 1,
    "metadata": {"component": {"type": "application", "name": "acme-api", "bom-ref": "acme-api"}},
    "components": [
        {"type": "library", "name": "ghostdb", "version": "2.0.0", "bom-ref": "ghostdb",
         "licenses": [{"license": {"id": "AGPL-3.0-only"}}]},
        {"type": "library", "name": "orm-lite", "version": "1.1.0", "bom-ref": "orm-lite",
         "licenses": [{"expression": "MIT OR Apache-2.0"}]},
    ],
    "dependencies": [
        {"ref": "acme-api", "dependsOn": ["orm-lite"]},
        {"ref": "orm-lite", "dependsOn": ["ghostdb"]},
    ],
}  # fmt: skip


def test_upload_check_in_saas_and_open_the_cited_clause(full_index, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian chromium (apt-get install chromium)"
    sbom = tmp_path / "acme.bom.json"
    sbom.write_text(json.dumps(BOM), encoding="utf-8")
    env = {"LICENSEQA_INDEX_DIR": str(full_index), "LICENSEQA_CORPUS_DIR": str(CORPUS)}
    with running_app(env) as (url, _), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(f"{url}/stack")
        expect(page.get_by_role("heading", name="Stack check")).to_be_visible(timeout=60_000)
        page.locator("[data-testid=stFileUploader]").filter(has_text="SBOMs or manifests").locator(
            "input[type=file]"
        ).set_input_files(str(sbom))
        page.locator('[data-testid="stSelectbox"]').first.click()
        page.get_by_role("option", name="network service (SaaS / API)").click()
        page.get_by_role("button", name="Check").click()
        expect(page.get_by_text("2 components, 2 resolved, 0 need review, 1 conflicts")).to_be_visible(
            timeout=60_000
        )
        expect(page.get_by_text("Where the conflicts sit in the dependency graph")).to_be_visible()
        page.get_by_role("link", name="AGPL-3.0-only §13").first.click()
        expect(page.get_by_text("Showing §13")).to_be_visible(timeout=60_000)
        assert "doc=AGPL-3.0-only" in page.url
        browser.close()
