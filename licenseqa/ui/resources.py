"""Process-wide resources (models, index) loaded once per process, and the index build runner."""

from __future__ import annotations

import gc
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from licenseqa.answering.retrieval import Retriever
from licenseqa.config import Settings, load_settings
from licenseqa.index.status import IndexStatus, index_status

ROOT = Path(__file__).resolve().parents[2]


def settings() -> Settings:
    return load_settings()


@st.cache_resource(show_spinner="Loading the embedding model and the clause index…")
def retriever_for(index_key: str) -> Retriever:
    """One retriever (model + index snapshot) per process and index location."""
    from licenseqa.service import open_retriever

    del index_key  # part of the cache key only
    retriever = open_retriever(settings())
    # The model, torch and the index snapshot live for the whole process: move them out of the
    # garbage collector's view, so its occasional full collections do not stall an answer.
    gc.freeze()
    return retriever


@st.cache_resource(show_spinner=False)
def llm_for(key: str) -> object | None:
    """The configured chat model (once per process), or None when no LLM is configured."""
    del key
    s = settings()
    if not s.llm:
        return None
    from licenseqa.answering.llm import build_chat_model

    return build_chat_model(s)


def get_llm() -> object | None:
    s = settings()
    return llm_for(f"{s.llm}|{s.llm_base_url}|{s.llm_timeout}")


def get_retriever() -> Retriever:
    s = settings()
    return retriever_for(f"{s.chroma_url or s.index_dir}|{s.embedding_model}|{s.collection}")


@st.cache_data(ttl=5, show_spinner=False)
def _status_for(key: str) -> IndexStatus:
    del key  # part of the cache key only
    return index_status(settings())


def current_status() -> IndexStatus:
    """Index status, re-read at most every 5 seconds (it hashes the corpus files)."""
    s = settings()
    return _status_for(f"{s.chroma_url or s.index_dir}|{s.corpus_dir}|{s.embedding_model}|{s.collection}")


_PROGRESS = re.compile(r"upserted (\d+)/(\d+) clauses")


def build_index(on_progress: Callable[[float, str], None]) -> tuple[bool, str]:
    """Run ``python -m ingest`` (ingest is never imported by licenseqa) and report its progress."""
    env = {**os.environ, "LICENSEQA_LOG_LEVEL": "INFO", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ingest", "--json"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    errors: list[str] = []
    assert proc.stderr is not None
    on_progress(0.0, "Loading the corpus and the embedding model…")
    for line in proc.stderr:
        m = _PROGRESS.search(line)
        if m:
            done, total = int(m.group(1)), int(m.group(2))
            on_progress(done / max(total, 1), f"Embedded {done:,} of {total:,} clauses")
        elif line.startswith("error:") or line.startswith("ERROR"):
            errors.append(line.strip())
    out = proc.stdout.read() if proc.stdout else ""
    code = proc.wait()
    if code != 0:
        return False, " ".join(errors) or f"The index build failed (exit code {code})."
    on_progress(1.0, "Index ready")
    retriever_for.clear()
    _status_for.clear()
    return True, out
