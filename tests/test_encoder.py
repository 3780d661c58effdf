"""The embedding backends (torch, ONNX export), their setting, and the encoder recorded in the index state.

Real bundled model, real onnxruntime, real Chroma; the ONNX export runs once per session into a
temporary cache folder.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest
from conftest import make_corpus

from ingest.pipeline import embed_in_groups, run_ingest
from licenseqa.answering.retrieval import Retriever
from licenseqa.config import load_settings
from licenseqa.errors import ConfigError, EmbeddingModelError, IndexModelMismatchError
from licenseqa.index.embeddings import SentenceTransformerEmbedder, embedder_for
from licenseqa.index.status import index_status
from licenseqa.index.store import ChromaStore


@pytest.fixture(scope="session")
def onnx_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("encoder-cache")


@pytest.fixture(scope="session")
def onnx_embedder(onnx_cache):
    return SentenceTransformerEmbedder(backend="onnx", cache_dir=onnx_cache)


def _clauses(split_corpus, n: int = 8):
    """A handful of real clauses of different lengths (short title lines to full windows)."""
    clauses = [c for doc_id in ("Apache-2.0", "MIT", "GPL-3.0-only") for c in split_corpus[doc_id]]
    clauses.sort(key=lambda c: len(c.embed_text))
    step = max(1, len(clauses) // n)
    return clauses[::step][:n]


def test_backend_setting_reads_the_environment(monkeypatch, onnx_cache):
    monkeypatch.setenv("LICENSEQA_EMBEDDING_BACKEND", "onnx")
    monkeypatch.setenv("LICENSEQA_CACHE_DIR", str(onnx_cache))
    settings = load_settings()
    assert settings.embedding_backend == "onnx" and settings.cache_dir == onnx_cache
    assert embedder_for(settings).encoder == "onnx"
    monkeypatch.setenv("LICENSEQA_EMBEDDING_BACKEND", "tensorflow")
    with pytest.raises(ConfigError, match="LICENSEQA_EMBEDDING_BACKEND"):
        load_settings()


def test_onnx_vectors_match_torch_and_the_export_is_reused(embedder, onnx_embedder, onnx_cache, split_corpus):
    texts = [c.embed_text for c in _clauses(split_corpus)]
    torch_vecs = np.array(embedder.embed_documents(texts))
    onnx_vecs = np.array(onnx_embedder.embed_documents(texts))
    assert onnx_vecs.shape == torch_vecs.shape
    assert np.allclose(np.linalg.norm(onnx_vecs, axis=1), 1.0, atol=1e-4)
    cosines = (torch_vecs * onnx_vecs).sum(axis=1)
    assert cosines.min() > 0.99, cosines  # the same model, traced: only float rounding differs
    # order kept although the encoder batches by length: each vector is nearest its own text's
    assert (np.argmax(onnx_vecs @ torch_vecs.T, axis=1) == np.arange(len(texts))).all()
    exported = sorted(onnx_cache.rglob("model.onnx"))
    assert len(exported) == 1
    mtime = exported[0].stat().st_mtime_ns
    SentenceTransformerEmbedder(backend="onnx", cache_dir=onnx_cache)
    assert exported[0].stat().st_mtime_ns == mtime  # loaded from the cache, not exported again


def test_embed_in_groups_sorts_across_documents_and_keeps_each_vector_with_its_clause(embedder, split_corpus):
    records = [(doc_id, n, c) for doc_id in ("MIT", "ISC") for n, c in enumerate(split_corpus[doc_id])]
    groups = list(embed_in_groups(embedder, records, batch_size=2))
    seen = [r for part, _ in groups for r in part]
    assert sorted(seen, key=lambda r: (r[0], r[1])) == sorted(records, key=lambda r: (r[0], r[1]))
    lengths = [len(c.embed_text) for _, _, c in seen]
    assert lengths == sorted(lengths, reverse=True)
    direct = embedder.embed_documents([c.embed_text for _, _, c in seen])
    got = [v for _, vectors in groups for v in vectors]
    assert np.allclose(np.array(got), np.array(direct), atol=1e-5)


def test_index_records_its_encoder_and_another_encoder_rebuilds_it(
    tmp_path, embedder, onnx_embedder, onnx_cache
):
    corpus = make_corpus(tmp_path / "corpus", ["MIT", "ISC"])
    index = tmp_path / "index"
    torch_settings = load_settings(corpus_dir=corpus, index_dir=index, embedding_backend="torch")
    store = ChromaStore.open(torch_settings, create=True)
    run_ingest(corpus, store, lambda: embedder, embedder.name, index_dir=index, encoder="torch")
    assert store.require_state().encoder == "torch"
    assert index_status(torch_settings).ready

    onnx_settings = load_settings(
        corpus_dir=corpus, index_dir=index, embedding_backend="onnx", cache_dir=onnx_cache
    )
    status = index_status(onnx_settings)
    assert not status.ready and "encoder torch" in status.message and "encoder onnx" in status.message
    with pytest.raises(IndexModelMismatchError, match="licenseqa ingest"):
        Retriever(ChromaStore.open(onnx_settings), onnx_embedder).snapshot()

    old = store.require_state().collection
    report = run_ingest(corpus, store, lambda: onnx_embedder, embedder.name, index_dir=index, encoder="onnx")
    assert report.rebuilt and report.chunks_embedded == report.chunks_total > 0
    state = store.require_state()
    assert state.encoder == "onnx" and state.collection != old
    assert index_status(onnx_settings).ready
    hits = Retriever(ChromaStore.open(onnx_settings), onnx_embedder).snapshot().clauses
    assert {c.doc_id for c in hits} == {"MIT", "ISC"}


def test_unloadable_backend_is_a_clear_error_and_the_index_is_kept(tmp_path, embedder, monkeypatch):
    corpus = make_corpus(tmp_path / "corpus", ["MIT"])
    index = tmp_path / "index"
    store = ChromaStore.open(load_settings(index_dir=index), create=True)
    run_ingest(corpus, store, lambda: embedder, embedder.name, index_dir=index, encoder="torch")
    before = store.require_state()

    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # as if onnxruntime were not installed

    def factory():
        return SentenceTransformerEmbedder(backend="onnx", cache_dir=tmp_path / "cache")

    with pytest.raises(EmbeddingModelError, match="LICENSEQA_EMBEDDING_BACKEND=torch"):
        run_ingest(corpus, store, factory, embedder.name, index_dir=index, encoder="onnx")
    assert store.require_state() == before
    assert len(store.live_clauses(before)) == before.chunks_total


def test_questions_go_through_the_onnx_export_on_the_torch_backend(
    onnx_cache, split_corpus, monkeypatch, caplog
):
    questions = [
        "Must we publish our changes to an AGPL-3.0 server we run for customers?",
        "MIT notice",
        _clauses(split_corpus)[-1].embed_text,  # a long text: truncation is the same on both encoders
    ]
    fast = SentenceTransformerEmbedder(cache_dir=onnx_cache)
    assert fast.encoder == "torch" and fast.query_encoder == "onnx"  # the index still records torch
    torch_only = SentenceTransformerEmbedder(cache_dir=onnx_cache, onnx_queries=False)
    assert torch_only.query_encoder == "torch"
    got = np.array(fast.embed_queries(questions))
    want = np.array(torch_only.embed_queries(questions))
    assert got.shape == want.shape
    assert (got * want).sum(axis=1).min() > 0.99999  # the model's own vectors: stored clauses stay comparable
    assert np.allclose(fast.embed_query(questions[0]), want[0], atol=1e-4)
    # documents are still embedded by torch on the torch backend
    assert np.allclose(fast.embed_documents(questions), want, atol=1e-6)

    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # as if onnxruntime were not installed
    with caplog.at_level("WARNING", logger="licenseqa.index.embeddings"):
        fallback = SentenceTransformerEmbedder(cache_dir=onnx_cache)
    assert fallback.query_encoder == "torch" and "embedded with torch" in caplog.text
    assert np.allclose(np.array(fallback.embed_queries(questions)), want, atol=1e-6)


def test_query_encoder_setting(monkeypatch, onnx_cache):
    monkeypatch.setenv("LICENSEQA_CACHE_DIR", str(onnx_cache))
    assert embedder_for(load_settings()).query_encoder == "onnx"
    monkeypatch.setenv("LICENSEQA_ONNX_QUERIES", "false")
    assert embedder_for(load_settings()).query_encoder == "torch"
