"""Streamlit pages with AppTest: chat flow, citations, filters, feedback, browser page, missing index."""

from __future__ import annotations

import json
import re

import pytest
from conftest import CORPUS, ROOT, make_corpus
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.slow
APP = str(ROOT / "app.py")


@pytest.fixture
def app_env(monkeypatch, full_index, tmp_path):
    monkeypatch.setenv("LICENSEQA_INDEX_DIR", str(full_index))
    monkeypatch.setenv("LICENSEQA_CORPUS_DIR", str(CORPUS))
    monkeypatch.setenv("LICENSEQA_FEEDBACK_PATH", str(tmp_path / "feedback.jsonl"))
    return tmp_path


def _ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question)
    return at.run(timeout=120)


def _all_markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_chat_answers_with_citations_and_browser_links(app_env):
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert len(at.sidebar.button) >= 4  # example questions
    assert any("not legal advice" in c.value for c in at.sidebar.caption)
    assert any("Corpus version" in c.value for c in at.sidebar.caption)
    at = _ask(at, "Does Apache License 2.0 require me to give recipients a copy of the license?")
    assert not at.exception
    text = _all_markdown(at)
    assert '<div class="lqa-answer">' in text and "[1]</li>" in text
    labels = [e.label for e in at.expander]
    assert labels and labels[0].startswith("[1] Apache License 2.0 §4(a)")
    clause_html = next(m.value for m in at.markdown if "lqa-clause" in m.value)
    assert '<mark class="lqa-quote">' in clause_html and "You must give any other recipients" in clause_html
    links = at.get("page_link")
    assert (links and "doc=Apache-2.0" in links[0].proto.page) or "Apache-2.0" in str(links[0].proto)
    assert at.get("download_button")
    # a second question keeps the conversation
    at = _ask(at, "Which law governs the Llama 2 Community License?")
    assert len(at.chat_message) == 4
    assert any(e.label.startswith("[1] Llama 2 Community License Agreement 2023 §7") for e in at.expander)


def test_example_question_and_filters(app_env):
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.sidebar.button[0].click().run(timeout=120)
    assert not at.exception
    assert any("Affero" in e.label for e in at.expander)
    at.sidebar.multiselect(key="filter_docs").set_value(["BSD-3-Clause"]).run(timeout=120)
    at = _ask(at, "What are the conditions for redistribution?")
    new_labels = [e.label for e in at.chat_message[-1].expander]  # the citations of the last answer
    assert new_labels and all("BSD-3-Clause" in label for label in new_labels), new_labels


def test_feedback_is_stored_with_answer_and_citations(app_env):
    at = AppTest.from_file(APP, default_timeout=120).run()
    at = _ask(at, "What does the Commons Clause forbid?")
    at.get("feedback")[0].set_value(0).run(timeout=120)
    assert not at.exception
    rows = [json.loads(line) for line in (app_env / "feedback.jsonl").read_text().splitlines()]
    assert len(rows) == 1 and rows[0]["rating"] == "down"
    assert rows[0]["question"] == "What does the Commons Clause forbid?"
    assert rows[0]["citations"][0]["doc_id"] == "Commons-Clause" and rows[0]["corpus_version"]


def test_bad_question_shows_the_message_not_a_traceback(app_env):
    at = AppTest.from_file(APP, default_timeout=120).run()
    at = _ask(at, "x" * 5000)
    assert not at.exception
    assert any("limit is 4,000" in e.value for e in at.error)


def test_missing_index_offers_a_build_button(monkeypatch, tmp_path):
    corpus = make_corpus(tmp_path / "corpus", ["MIT", "ISC"])
    monkeypatch.setenv("LICENSEQA_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("LICENSEQA_CORPUS_DIR", str(corpus))
    at = AppTest.from_file(APP, default_timeout=300).run()
    assert not at.exception
    assert any("licenseqa ingest" in w.value for w in at.warning)
    at.button(key="build_index").click().run(timeout=300)
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert (tmp_path / "index").is_dir()
    at = AppTest.from_file(APP, default_timeout=300).run()
    assert not at.warning and at.chat_input


def test_stale_index_is_reported_and_updated_from_the_page(monkeypatch, tmp_path, embedder):
    from ingest.pipeline import run_ingest
    from licenseqa.config import load_settings
    from licenseqa.index.store import ChromaStore

    corpus = make_corpus(tmp_path / "corpus", ["MIT", "ISC"])
    index = tmp_path / "index"
    store = ChromaStore.open(load_settings(index_dir=index, corpus_dir=corpus), create=True)
    run_ingest(corpus, store, lambda: embedder, embedder.name, index_dir=index)
    monkeypatch.setenv("LICENSEQA_INDEX_DIR", str(index))
    monkeypatch.setenv("LICENSEQA_CORPUS_DIR", str(corpus))
    make_corpus(corpus, ["BSD-3-Clause"])  # the legal team adds a licence after the build
    at = AppTest.from_file(APP, default_timeout=300).run()
    assert not at.exception
    assert any("stale" in i.value and "1 corpus file" in i.value for i in at.info)
    assert at.chat_input  # a stale index still answers
    at.button(key="update_index").click().run(timeout=300)
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    at = AppTest.from_file(APP, default_timeout=300).run()
    assert not at.info and not at.warning
    assert any("3 documents" in c.value for c in at.sidebar.caption)
    at = _ask(at, "What are the conditions of the BSD 3-Clause license for redistribution?")
    assert at.expander and at.expander[0].label.startswith("[1] BSD-3-Clause")


def test_download_is_the_conversation_with_its_citations(retriever):
    from licenseqa.answering.compose import answer
    from licenseqa.ui.export import conversation_markdown

    turns = [
        answer("Does Apache License 2.0 require me to give recipients a copy of the license?", retriever),
        answer("Recommend a good restaurant for the team dinner.", retriever),
    ]
    md = conversation_markdown(turns)
    assert md.startswith("# licenseqa conversation") and "not legal advice" in md
    first, second = md.split("## 1. ", 1)[1].split("## 2. ")
    assert first.startswith("Does Apache License 2.0 require me")
    cited = "[1] Apache License 2.0 §4(a) (Redistribution), `corpus/licenses/Apache-2.0.txt` lines 122-123"
    assert cited in first
    assert "> (a) You must give any other recipients of the Work or Derivative Works a copy" in first
    assert f"_Corpus version {turns[0].corpus_version}, mode extractive._" in first
    assert second.startswith("Recommend a good restaurant") and "Citations:" not in second


def test_corpus_html_and_links_render_as_text(monkeypatch, tmp_path, embedder):
    from ingest.pipeline import run_ingest
    from licenseqa.config import load_settings
    from licenseqa.index.store import ChromaStore

    corpus = make_corpus(tmp_path / "corpus", ["MIT"])
    (corpus / "guidance").mkdir()
    (corpus / "guidance" / "evil.md").write_text(
        "---\nid: evil-policy\ntitle: Evil Policy\nkind: guidance\n---\n\n## 1. Scope\n\n"
        'Zebra clause: <script>alert("x")</script> and <b>bold</b> and '
        "[click here](http://evil.example/steal) and <img src=x onerror=alert(1)> apply to zebras.\n"
    )
    index = tmp_path / "index"
    store = ChromaStore.open(load_settings(index_dir=index, corpus_dir=corpus), create=True)
    run_ingest(corpus, store, lambda: embedder, embedder.name, index_dir=index)
    monkeypatch.setenv("LICENSEQA_INDEX_DIR", str(index))
    monkeypatch.setenv("LICENSEQA_CORPUS_DIR", str(corpus))
    at = AppTest.from_file(APP, default_timeout=120).run()
    at = _ask(at, "What does the zebra clause of the Evil Policy say?")
    assert not at.exception
    rendered = _all_markdown(at)
    assert "Zebra clause" in rendered
    # corpus text is entity-escaped inside single-line HTML blocks that Markdown never parses
    assert not re.search(r"<(script|b|img)\b", rendered)
    assert "&lt;script&gt;alert" in rendered and "&lt;img src=x" in rendered and "&lt;b&gt;bold" in rendered
    assert "[click here](http://evil.example/steal)" in rendered  # literal text in an HTML block
    assert "<a " not in rendered
    for block in (m.value for m in at.markdown if "lqa-" in m.value):
        assert "\n" not in block  # one line: a blank line cannot end the HTML block early


def test_browser_page_opens_the_cited_clause(app_env):
    # the page link the chat renders carries these query parameters
    bt = AppTest.from_function(_browser_entry, default_timeout=120)
    bt.query_params["doc"] = "Apache-2.0"
    bt.query_params["section"] = "4(d)"
    bt.run()
    assert not bt.exception, bt.exception
    html = _all_markdown(bt)
    assert 'class="lqa-section lqa-highlight"' in html
    highlighted = html.split('lqa-section lqa-highlight"', 1)[1].split("</pre>", 1)[0]
    assert "NOTICE" in highlighted and "You must give any other recipients" not in highlighted
    assert any("Showing §4\\(d\\)" in m.value for m in bt.markdown)
    facts = bt.table[0].value
    assert "Apache-2.0" in facts.to_string() and "commercial-use" in facts.to_string()
    labels = [b.label for b in bt.button]
    assert any(label.startswith("§4(a)") for label in labels), labels[:20]


def _browser_entry() -> None:
    import streamlit as st

    from licenseqa.ui.browser import browser_page
    from licenseqa.ui.pages import BROWSER

    st.set_page_config(layout="wide")
    browser_page(BROWSER)


def test_browser_search_filters_documents(app_env):
    bt = AppTest.from_function(_browser_entry, default_timeout=120).run()
    bt.text_input(key="browser_query").set_value("llama").run()
    options = bt.selectbox(key="browser_doc").options
    assert options and all("Llama" in o for o in options)
    bt.multiselect(key="browser_kinds").set_value(["guidance"]).run()
    bt.text_input(key="browser_query").set_value("").run()
    options = bt.selectbox(key="browser_doc").options
    assert len(options) == 7
