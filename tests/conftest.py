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


def make_pdf(pages: list[list[str] | str]) -> bytes:
    """A small valid PDF: a page is a list of text lines (Helvetica), ``"image"`` (a scanned page: one
    image, no text layer) or ``"blank"`` (no content at all)."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length 4 >>\nstream\n\x00\xff\xff\x00\nendstream",
    ]
    kids = []
    for page in pages:
        if page == "image":
            stream = "q 612 0 0 792 0 0 cm /Im1 Do Q"
        elif page == "blank":
            stream = ""
        else:
            assert isinstance(page, list)
            stream = "BT /F1 12 Tf 72 720 Td 16 TL " + " ".join(f"({line}) Tj T*" for line in page) + " ET"
        kids.append(len(objects) + 1)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> "
            f"/XObject << /Im1 4 0 R >> >> /Contents {len(objects) + 2} 0 R >>".encode()
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream".encode())
    objects[1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
