"""The licence browser shows the reviewed facts of the selected licence and compares two (AppTest)."""

from __future__ import annotations

import pytest
from conftest import CORPUS
from streamlit.testing.v1 import AppTest

from licenseqa.knowledge.facts import FactsBook, compare
from licenseqa.knowledge.vocabulary import Vocabulary
from licenseqa.ui.facts_view import comparison_rows, fact_rows, facts_table_html


@pytest.fixture
def app_env(monkeypatch, full_index, tmp_path):
    monkeypatch.setenv("LICENSEQA_INDEX_DIR", str(full_index))
    monkeypatch.setenv("LICENSEQA_CORPUS_DIR", str(CORPUS))
    monkeypatch.setenv("LICENSEQA_FEEDBACK_PATH", str(tmp_path / "feedback.jsonl"))
    return tmp_path


def _browser_entry() -> None:
    import streamlit as st

    from licenseqa.ui.browser import browser_page
    from licenseqa.ui.pages import BROWSER

    st.set_page_config(layout="wide")
    browser_page(BROWSER)


def _open(doc: str) -> AppTest:
    at = AppTest.from_function(_browser_entry, default_timeout=120)
    at.query_params["doc"] = doc
    at.run()
    assert not at.exception, at.exception
    return at


def _html(at: AppTest, cls: str) -> str:
    return next(m.value for m in at.markdown if f'class="{cls}"' in m.value)


def _row(table: str, marker: str) -> str:
    return next(r for r in table.split("<tr")[1:] if marker in r)


def _labels() -> tuple[dict[str, str], dict[str, str]]:
    v = Vocabulary.load()
    return {t.id: t.label for t in v.activities}, {t.id: t.label for t in v.obligations}


def test_rows_follow_the_facts_and_escape_their_text():
    acts, obls = _labels()
    data = FactsBook.load().get("MIT").to_dict()
    rows = fact_rows(data, acts, obls)
    assert [r["id"] for r in rows] == [a for a in acts if a in data["activities"]]
    data["activities"]["modify"]["text"] = "<script>alert(1)</script>"
    html = facts_table_html(fact_rows(data, acts, obls), lambda c: "?doc=" + c["doc"])
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_browser_shows_the_facts_table_of_the_licence(app_env):
    at = _open("AGPL-3.0-only")
    text = "\n".join(m.value for m in at.markdown)
    assert "Copyleft scope:" in text and "network" in text
    table = _html(at, "lqa-facts")
    row = _row(table, 'data-activity="network-service"')
    assert "network service" in row and "<b>can, if</b>" in row
    assert ">AGPL-3.0-only §13</a>" in row
    assert 'href="?doc=AGPL-3.0-only&amp;section=13&amp;line=' in row  # opens the clause in the browser
    assert "provide or offer the source code" in row  # the obligation, labelled as in the vocabulary
    assert "only together with: modification" in row
    internal = _row(table, 'data-activity="internal-use"')
    assert "<b>not triggered</b>" in internal
    # the citation link opens that clause, highlighted
    at = AppTest.from_function(_browser_entry, default_timeout=120)
    at.query_params.update({"doc": "AGPL-3.0-only", "section": "13"})
    at.run()
    assert not at.exception
    assert any("Showing §13" in m.value for m in at.markdown)


def test_model_licence_shows_its_terms(app_env):
    at = _open("llama2")
    terms = _html(at, "lqa-terms")
    assert "threshold" in terms and "700000000" in terms


def test_a_use_policy_shows_the_uses_it_forbids(app_env):
    at = _open("llama4-aup")
    table = _html(at, "lqa-restricted")
    row = _row(table, "operating critical infrastructure")
    assert "cannot" in row and "2(d)" in row
    assert "lqa-restricted" not in "".join(m.value for m in _open("MIT").markdown)  # MIT forbids no use


def test_the_licence_s_statements_on_separate_works_and_its_grant(app_env):
    table = _html(_open("GPL-3.0-only"), "lqa-statements")
    assert "Separate works" in _row(table, "aggregate") and "§5" in _row(table, "aggregate")
    row = _row(table, "How long the grant lasts")
    assert "irrevocable provided the stated conditions are met" in row and "§2" in row
    assert "lqa-statements" not in "".join(m.value for m in _open("MIT").markdown)  # MIT states neither


def test_compare_marks_the_rows_that_differ(app_env):
    at = _open("MIT")
    at.selectbox(key="facts_compare").set_value("Apache-2.0").run()
    assert not at.exception, at.exception
    table = _html(at, "lqa-compare")
    assert ">MIT</th>" in table and ">Apache-2.0</th>" in table
    assert "⚠ differs" in _row(table, "<b>patents</b>")
    assert "⚠ differs" not in _row(table, "<b>commercial use</b>")
    at.checkbox(key="facts_only_diff").check().run()
    table = _html(at, "lqa-compare")
    assert "<b>patents</b>" in table and "<b>commercial use</b>" not in table
    acts, obls = _labels()
    book = FactsBook.load()
    differing = [r for r in compare(book.get("MIT"), book.get("Apache-2.0")) if r["differs"]]
    assert table.count("⚠ differs") == len(comparison_rows(differing, acts, obls))
