"""The Streamlit entry point renders the index status (placeholder page)."""

from __future__ import annotations

from conftest import ROOT
from streamlit.testing.v1 import AppTest


def test_app_explains_a_missing_index(tmp_path, monkeypatch):
    monkeypatch.setenv("LICENSEQA_INDEX_DIR", str(tmp_path / "none"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "licenseqa"
    assert any("licenseqa ingest" in w.value for w in at.warning)
    assert "not legal advice" in at.caption[0].value
