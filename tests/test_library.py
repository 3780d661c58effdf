"""The LicenseDB library tier: a small subset build (real Chroma, the bundled model, the bundled data),
incremental re-runs, answers from library texts with their label, and the decline when not built."""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

import pytest

from licenseqa.config import load_settings
from licenseqa.corpus.library import ARCHIVE, NOT_REVIEWED, catalog, pack
from tests.conftest import make_corpus

# three licences only the library holds (the examples), 17 short texts, and `isc`, which the
# small corpus holds (so the build skips it)
NAMED = ["sleepycat", "cecill-2.1", "stability-ai-nc-2023-12-06"]
SHORT = [
    "beerware", "fair", "ntp-0", "x11", "curl", "libpng", "bsd-original", "zlib-acknowledgement",
    "mit-old-style", "fsf-ap", "bsd-simplified-darwin", "w3c", "apache-1.1", "wtfpl-1.0", "ruby", "rsalv2",
    "confluent-community-1.0",
]  # fmt: skip
KEYS = [*NAMED, *SHORT, "isc"]

QUESTIONS = {
    "sleepycat": "Can we link Berkeley DB under the Sleepycat license into a proprietary app without "
    "releasing our source code?",
    "cecill-2.1": "Does CeCILL 2.1 let us relicense modified code under the GNU GPL?",
    "stability-ai-nc-2023-12-06": "Can we use a model released under stability-ai-nc-2023-12-06 in a "
    "commercial product?",
}


@pytest.fixture(scope="module")
def indexes(tmp_path_factory, embedder):
    """(index with corpus and library, index with the corpus only, corpus dir)."""
    from ingest.pipeline import run_ingest
    from licenseqa.index.store import ChromaStore

    root = tmp_path_factory.mktemp("library")
    corpus = make_corpus(root / "corpus")
    bare = root / "bare-index"
    settings = load_settings(corpus_dir=corpus, index_dir=bare)
    run_ingest(corpus, ChromaStore.open(settings, create=True), lambda: embedder, settings.embedding_model)
    full = root / "index"
    shutil.copytree(bare, full)
    return full, bare, corpus


def _build(index: Path, corpus: Path, embedder, **kw):
    from ingest.library import build

    return build(
        load_settings(corpus_dir=corpus, index_dir=index), KEYS, embedder_factory=lambda: embedder, **kw
    )


@pytest.fixture(scope="module")
def built(indexes, embedder):
    index, _, corpus = indexes
    return _build(index, corpus, embedder)


def test_build_indexes_each_text_with_its_metadata(built, indexes):
    from licenseqa.index.library import open_library_store

    index, _, corpus = indexes
    assert built["texts"] == 20 and built["added"] == 20
    assert built["skipped_held_by_corpus"] == ["isc"]  # the curated ISC text stays the only one
    assert built["chunks_embedded"] == built["clauses"] > 20
    for field in ("seconds", "clauses_per_second", "peak_rss_mb", "index_disk_mb", "data_version"):
        assert built[field]
    store = open_library_store(load_settings(corpus_dir=corpus, index_dir=index))
    state = store.require_state()
    assert sorted(state.docs) == sorted(k for k in KEYS if k != "isc")
    got = store._collection(state.collection).get(where={"key": "sleepycat"}, include=["metadatas"])
    meta = got["metadatas"][0]
    assert meta["tier"] == "library" and meta["spdx"] == "Sleepycat" and meta["category"] == "Copyleft"
    assert meta["name"] == catalog().entries["sleepycat"].name and "Sleepycat License" in meta["other_names"]
    # the corpus collections are untouched
    from licenseqa.index.store import ChromaStore

    assert ChromaStore.open(load_settings(index_dir=index)).require_state().docs.keys() == {
        "MIT",
        "Apache-2.0",
        "BSD-3-Clause",
        "ISC",
        "Zlib",
    }


def test_noop_rebuild_embeds_nothing(built, indexes, embedder):
    from ingest.library import STAMP

    index, _, corpus = indexes
    again = _build(index, corpus, embedder)
    assert again["chunks_embedded"] == 0 and again["unchanged"] == 20 and again["clauses"] == built["clauses"]
    (index / STAMP).unlink()  # without the stamp, the state in Chroma tells the same
    again = _build(index, corpus, embedder)
    assert again["chunks_embedded"] == 0 and again["unchanged"] == 20


def test_answers_library_only_licences_from_their_clauses(built, indexes):
    from licenseqa.answering.compose import answer, answer_to_dict, render_text
    from licenseqa.service import open_retriever

    index, _, corpus = indexes
    retriever = open_retriever(load_settings(corpus_dir=corpus, index_dir=index))
    for key, question in QUESTIONS.items():
        ans = answer(question, retriever)
        assert not ans.abstained, (key, ans.text)
        assert ans.citations and all(c.doc_id == key and c.tier == "library" for c in ans.citations)
        assert all(c.quote and c.source == f"licensedb/{key}.LICENSE" for c in ans.citations)
        assert NOT_REVIEWED in ans.text and NOT_REVIEWED in render_text(ans)
        cited = answer_to_dict(ans)["citations"]
        assert all(c["tier"] == "library" and c["label"] == NOT_REVIEWED for c in cited)
    # the Sleepycat answer quotes its source-code condition (clause 3)
    sleepy = answer(QUESTIONS["sleepycat"], retriever)
    assert any(c.section == "3" for c in sleepy.citations)


def test_curated_question_unaffected(built, indexes):
    from licenseqa.answering.compose import answer
    from licenseqa.service import open_retriever

    index, _, corpus = indexes
    retriever = open_retriever(load_settings(corpus_dir=corpus, index_dir=index))
    question = "What must we keep when we copy MIT-licensed code into our product?"
    with_library = answer(question, retriever)
    retriever.library = None
    without = answer(question, retriever)
    assert not with_library.abstained and with_library.citations[0].doc_id == "MIT"
    assert all(c.tier == "corpus" for c in with_library.citations)
    assert [(c.doc_id, c.section) for c in with_library.citations] == [
        (c.doc_id, c.section) for c in without.citations
    ]


def test_not_built_declines_with_build_hint(indexes):
    from licenseqa.answering.compose import answer
    from licenseqa.service import open_retriever

    _, bare, corpus = indexes
    retriever = open_retriever(load_settings(corpus_dir=corpus, index_dir=bare))
    ans = answer(QUESTIONS["cecill-2.1"], retriever)
    assert ans.abstained and ans.abstain_reason == "not_in_corpus"
    assert "`cecill-2.1`" in ans.text and "licenseqa library build" in ans.text
    assert not ans.citations


def test_changed_text_reembeds_only_it(built, indexes, embedder, tmp_path):
    """A new data version where one text changed: only that text is embedded again."""
    index, _, corpus = indexes
    source = tmp_path / "licensedb"
    (source / "licenses").mkdir(parents=True)
    with tarfile.open(ARCHIVE, "r:xz") as tar:
        for member in tar:
            key = member.name.removeprefix("licenses/").removesuffix(".LICENSE")
            if key in KEYS:
                handle = tar.extractfile(member)
                assert handle is not None
                raw = handle.read()
                if key == "beerware":
                    raw += b"\nAn added sentence of a newer LicenseDB release.\n"
                (source / member.name).write_bytes(raw)
    data = tmp_path / "data"
    lib = pack(source, data)
    assert lib.entries["beerware"].sha256 != catalog().entries["beerware"].sha256
    report = _build(index, corpus, embedder, data_dir=data)
    from licenseqa.index.library import open_library_store

    assert report["updated"] == 1 and report["unchanged"] == 19 and report["added"] == 0
    state = open_library_store(load_settings(corpus_dir=corpus, index_dir=index)).require_state()
    assert report["chunks_embedded"] == state.docs["beerware"].chunks > 0


def test_search_finds_any_licence_by_name_key_or_spdx():
    from licenseqa.corpus.library import lookup, search

    assert search("sleepycat")[0].key == "sleepycat"
    assert search("LicenseRef-scancode-cecill-2.1")[0].key == "cecill-2.1"
    assert "stability-ai-nc-2023-12-06" in [e.key for e in search("stability ai non-commercial")]
    assert lookup("Sleepycat").key == "sleepycat" and lookup("CECILL-2.1").key == "cecill-2.1"
    assert lookup("no such licence") is None


def test_browser_opens_a_library_text_labelled_not_reviewed(monkeypatch, tmp_path):
    """No index is needed: the browser reads the bundled LicenseDB text."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("LICENSEQA_INDEX_DIR", str(tmp_path / "no-index"))
    monkeypatch.setenv("LICENSEQA_FEEDBACK_PATH", str(tmp_path / "feedback.jsonl"))

    def entry() -> None:
        from licenseqa.ui.browser import browser_page
        from licenseqa.ui.pages import BROWSER

        browser_page(BROWSER)

    at = AppTest.from_function(entry, default_timeout=120)
    at.query_params["library"] = "sleepycat"
    at.run()
    assert not at.exception, at.exception
    assert any(NOT_REVIEWED in w.value for w in at.warning)
    assert any("Redistributions in any form must be accompanied" in m.value for m in at.markdown)
    assert at.selectbox(key="library_key").value == "sleepycat"


def test_stack_names_a_library_only_licence_with_its_licensedb_category(tmp_path):
    import json

    from licenseqa.stack.check import check_files
    from licenseqa.stack.context import make_context

    entries = {
        "": {"name": "product", "version": "1.0.0"},
        "node_modules/bdb": {"version": "1.0.0", "license": "Sleepycat"},
        "node_modules/plain": {"version": "1.0.0", "license": "MIT"},
    }
    lock = tmp_path / "package-lock.json"
    lock.write_text(json.dumps({"name": "product", "lockfileVersion": 3, "packages": entries}))
    report = check_files([str(lock)], make_context(mode="binary"))
    bdb = next(r for r in report.components if r.component.name == "bdb")
    plain = next(r for r in report.components if r.component.name == "plain")
    assert bdb.status == "needs-review" and bdb.licensedb_category == "Copyleft"
    assert any("ScanCode LicenseDB: Sleepycat License" in r and "Copyleft" in r for r in bdb.reasons)
    assert plain.licensedb_category is None and plain.family


def test_an_english_translation_answers_before_the_original(indexes, embedder, tmp_path):
    """LicenseDB keeps a French original (``cecill-b``) beside its English translation (``cecill-b-en``):
    an English question is answered from the English text, whichever name it uses."""
    from ingest.library import build
    from licenseqa.answering.compose import answer
    from licenseqa.answering.detect import normalise
    from licenseqa.answering.library import library_names
    from licenseqa.service import open_retriever

    _, bare, corpus = indexes
    index = tmp_path / "index"
    shutil.copytree(bare, index)
    settings = load_settings(corpus_dir=corpus, index_dir=index)
    build(settings, ["cecill-b", "cecill-b-en"], embedder_factory=lambda: embedder)
    retriever = open_retriever(settings)
    ans = answer(
        "Can we ship modified CeCILL-B code in a closed-source product if we keep the notices?", retriever
    )
    assert not ans.abstained and ans.citations
    assert {c.doc_id for c in ans.citations} == {"cecill-b-en"}, [c.doc_id for c in ans.citations]
    # the sibling: the names table puts the English text first for every original that has one
    names = library_names([])
    for phrase in ("etalab 2.0", "cecill-c"):
        found = names.find(normalise(phrase + " license"))
        assert found and found[0].keys[0].endswith("-en"), (phrase, found)
