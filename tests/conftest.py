"""Shared fixtures: the real bundled embedding model, real corpus files, real Chroma."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def embedder():
    from licenseqa.index.embeddings import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def splitter(embedder):
    from ingest.splitter import ClauseSplitter

    return ClauseSplitter.for_embedder(embedder)


@pytest.fixture(scope="session")
def corpus_docs():
    from ingest.loader import load_corpus

    result = load_corpus(CORPUS)
    assert not result.skipped, result.skipped
    return {d.doc_id: d for d in result.documents}


@pytest.fixture(scope="session")
def split_corpus(corpus_docs, splitter):
    return {doc_id: splitter.split(doc.text) for doc_id, doc in corpus_docs.items()}


SMALL = ["MIT", "Apache-2.0", "BSD-3-Clause", "ISC", "Zlib"]


def make_corpus(dest: Path, ids: list[str] = SMALL, guidance: list[str] = ()) -> Path:
    (dest / "licenses").mkdir(parents=True, exist_ok=True)
    for doc_id in ids:
        shutil.copy(CORPUS / "licenses" / f"{doc_id}.txt", dest / "licenses" / f"{doc_id}.txt")
    if guidance:
        (dest / "guidance").mkdir(exist_ok=True)
        for doc_id in guidance:
            shutil.copy(CORPUS / "guidance" / f"{doc_id}.md", dest / "guidance" / f"{doc_id}.md")
    return dest


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    return make_corpus(tmp_path / "corpus")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_module(
    module: str, *args: str, env: dict[str, str] | None = None, stdin: str | None = None, timeout: int = 600
):
    """Run ``python -m module args`` from the repository root, as a user would."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=full_env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_ingest_cli(*args: str, env: dict[str, str] | None = None, timeout: int = 600):
    return run_module("ingest", *args, env=env, timeout=timeout)


@pytest.fixture(scope="session")
def full_index(tmp_path_factory, embedder) -> Path:
    """The whole real corpus, ingested once per test session with the real model."""
    from ingest.pipeline import run_ingest
    from licenseqa.config import load_settings
    from licenseqa.index.store import ChromaStore

    index = tmp_path_factory.mktemp("full") / "index"
    settings = load_settings(corpus_dir=CORPUS, index_dir=index)
    store = ChromaStore.open(settings, create=True)
    run_ingest(CORPUS, store, lambda: embedder, embedder.name, index_dir=index, batch_size=32)
    return index


@pytest.fixture(scope="session")
def retriever(full_index, embedder):
    from licenseqa.answering.retrieval import Retriever
    from licenseqa.config import load_settings
    from licenseqa.index.store import ChromaStore

    store = ChromaStore.open(load_settings(index_dir=full_index))
    return Retriever(store, embedder)


def run_cli(*args: str, env: dict[str, str] | None = None, stdin: str | None = None, timeout: int = 600):
    return run_module("licenseqa.cli", *args, env=env, stdin=stdin, timeout=timeout)
