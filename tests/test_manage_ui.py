"""Manage corpus page (AppTest) and answering while a re-index runs."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest
from conftest import ROOT, make_corpus
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.slow
TOKEN = "s3cret-admin-token"
ZEBRA = (
    "---\nid: zebra-policy\ntitle: Zebra Crossing Policy\nkind: guidance\nowner: Legal - OSPO\n---\n\n"
    "## 1. Scope\n\nEvery zebra crossing in our offices must be painted with eleven stripes, and the "
    "facilities team approves any zebra stripe change.\n"
)


def _entry() -> None:
    from licenseqa.ui.manage import manage_page

    manage_page()


@pytest.fixture
def managed(tmp_path, monkeypatch, embedder):
    from ingest.pipeline import run_ingest
    from licenseqa.config import load_settings
    from licenseqa.index.store import ChromaStore

    corpus = make_corpus(tmp_path / "corpus", ["MIT", "ISC"], ["attribution-and-notices"])
    index = tmp_path / "index"
    store = ChromaStore.open(load_settings(index_dir=index, corpus_dir=corpus), create=True)
    run_ingest(corpus, store, lambda: embedder, embedder.name, index_dir=index)
    monkeypatch.setenv("LICENSEQA_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("LICENSEQA_INDEX_DIR", str(index))
    monkeypatch.setenv("LICENSEQA_ADMIN_TOKEN", TOKEN)
    return corpus, index


def _snapshot(corpus):
    return {
        p.relative_to(corpus).as_posix(): p.read_bytes()
        for p in sorted(corpus.rglob("*"))
        if p.is_file() and p.name != "audit.jsonl"
    }


def _signed_in(name: str = "Ana Legal") -> AppTest:
    at = AppTest.from_function(_entry, default_timeout=300).run()
    at.text_input(key="admin_token_input").input(TOKEN)
    at.text_input(key="admin_name_input").input(name)
    at.button[0].click().run()
    assert not at.exception
    return at


def _answer(index, question):
    from licenseqa.answering.compose import answer
    from licenseqa.config import load_settings
    from licenseqa.service import open_retriever

    return answer(question, open_retriever(load_settings(index_dir=index)))


def test_page_disabled_without_token(monkeypatch, tmp_path):
    monkeypatch.delenv("LICENSEQA_ADMIN_TOKEN", raising=False)
    at = AppTest.from_function(_entry, default_timeout=60).run()
    assert not at.exception
    assert any("disabled" in i.value and "LICENSEQA_ADMIN_TOKEN" in i.value for i in at.info)
    assert not at.text_input


def test_wrong_token_is_refused(managed):
    at = AppTest.from_function(_entry, default_timeout=60).run()
    at.text_input(key="admin_token_input").input("not-the-token")
    at.text_input(key="admin_name_input").input("Mallory")
    at.button[0].click().run()
    assert any("Wrong token" in e.value for e in at.error)
    assert not at.tabs and at.session_state["admin_failures"] == 1


def test_valid_upload_is_saved_indexed_answerable_and_audited(managed):
    corpus, index = managed
    at = _signed_in()
    at.get("file_uploader")[0].set_value(("zebra-policy.md", ZEBRA.encode(), "text/markdown")).run()
    at.button(key="add_preview").click().run()
    assert any("clauses" in s.value for s in at.success)
    at.button(key="add_save").click().run(timeout=300)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("answerable now" in s.value for s in at.success)
    assert (corpus / "guidance" / "zebra-policy.md").read_text() == ZEBRA
    ans = _answer(index, "How many stripes must a zebra crossing in our offices have?")
    assert ans.citations[0].doc_id == "zebra-policy"
    import json

    audit = [json.loads(line) for line in (corpus / "audit.jsonl").read_text().splitlines()]
    assert audit[-1]["actor"] == "Ana Legal" and audit[-1]["action"] == "add"
    assert audit[-1]["doc_id"] == "zebra-policy" and audit[-1]["old_hash"] is None and audit[-1]["new_hash"]
    assert TOKEN not in (corpus / "audit.jsonl").read_text()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("binary.md", b"\x00\x01\x02binary"),
        ("../../x.md", ZEBRA.encode()),
        ("big.md", ZEBRA.encode() + b"x" * (3 * 1024 * 1024)),
        ("badfm.md", b"---\nid: [oops\n---\ntext\n"),
        ("dup.md", ZEBRA.replace("zebra-policy", "MIT").encode()),
        ("empty.md", b""),
    ],
)
def test_invalid_uploads_are_refused_and_nothing_changes(managed, name, data):
    corpus, _ = managed
    before = _snapshot(corpus)
    at = _signed_in()
    at.get("file_uploader")[0].set_value((name, data, "text/markdown")).run()
    if not at.error and "add_save" in [b.key for b in at.button]:
        at.button(key="add_save").click().run(timeout=300)
    assert at.error, f"{name} was not refused"
    assert _snapshot(corpus) == before
    assert not (corpus / "audit.jsonl").exists()


def test_delete_removes_the_document_from_answers(managed):
    corpus, index = managed
    assert _answer(index, "What does the ISC license permit?").citations[0].doc_id == "ISC"
    at = _signed_in()
    at.selectbox(key="edit_doc").set_value("ISC").run()
    at.checkbox(key="delete_confirm").check().run()
    at.button(key="delete").click().run(timeout=300)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert not (corpus / "licenses" / "ISC.txt").exists()
    ans = _answer(index, "What does the ISC license permit?")
    assert all(c.doc_id != "ISC" for c in ans.citations)


def test_answering_from_another_thread_while_a_reindex_runs(managed):
    from licenseqa.answering.compose import answer
    from licenseqa.config import load_settings
    from licenseqa.service import open_retriever

    corpus, index = managed
    retriever = open_retriever(load_settings(index_dir=index))
    retriever.refresh_seconds = 0.0  # follow the index as closely as possible
    errors: list[BaseException] = []
    answered = 0
    stop = threading.Event()

    def ask_loop() -> None:
        nonlocal answered
        while not stop.is_set():
            try:
                ans = answer("What must I keep when copying MIT code?", retriever)
                assert ans.citations
                answered += 1
            except BaseException as exc:  # noqa: BLE001 - recorded for the assertion
                errors.append(exc)
                return

    (corpus / "guidance" / "zebra-policy.md").write_text(ZEBRA)
    mit = corpus / "licenses" / "MIT.txt"
    mit.write_text(
        mit.read_text().replace("Permission is hereby granted", "Permission is hereby fully granted")
    )
    worker = threading.Thread(target=ask_loop)
    worker.start()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "ingest", "--json"],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        stop.set()
        worker.join(timeout=60)
    assert done.returncode == 0, done.stderr
    assert not errors, errors[0]
    assert answered > 3
    final = answer("How many stripes must a zebra crossing in our offices have?", retriever)
    assert final.citations[0].doc_id == "zebra-policy"


def test_clause_added_by_another_process_is_found_in_the_full_index(full_index, tmp_path):
    """Regression: Chroma's approximate (HNSW) search missed an off-topic clause added by a later
    ingest process; dense search is exact over the stored vectors, so it is found."""
    import shutil

    from conftest import CORPUS

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index = tmp_path / "index"
    shutil.copytree(full_index, index)
    (corpus / "guidance" / "zebra-policy.md").write_text(ZEBRA)
    done = subprocess.run(
        [sys.executable, "-m", "ingest", "--json", "--corpus", str(corpus), "--index", str(index)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert '"added": 1' in done.stdout and '"chunks_embedded": 1' in done.stdout
    ans = _answer(index, "How many stripes must a zebra crossing in our offices have?")
    assert not ans.abstained and ans.citations[0].doc_id == "zebra-policy"
