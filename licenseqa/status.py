"""Index status: what is indexed, with which model, and whether it matches the corpus."""

from __future__ import annotations

from dataclasses import dataclass

from licenseqa.config import Settings
from licenseqa.embeddings import canonical_model_name
from licenseqa.errors import IndexMissingError
from licenseqa.store import ChromaStore


@dataclass(frozen=True)
class IndexStatus:
    location: str
    ready: bool
    message: str
    corpus_version: str | None = None
    documents: int = 0
    clauses: int = 0
    built_at: str | None = None
    embedding_model: str | None = None


def index_status(settings: Settings) -> IndexStatus:
    """Describe the configured index without loading any model."""
    location = settings.chroma_url or str(settings.index_dir)
    try:
        store = ChromaStore.open(settings)
        state = store.require_state()
    except IndexMissingError as exc:
        return IndexStatus(location, False, str(exc))
    configured = canonical_model_name(settings.embedding_model)
    if state.embedding_model != configured:
        return IndexStatus(
            location,
            False,
            f"The index was built with {state.embedding_model} but {configured} is configured. "
            "Rebuild it with `licenseqa ingest --rebuild`.",
            state.corpus_version,
            len(state.docs),
            state.chunks_total,
            state.built_at,
            state.embedding_model,
        )
    return IndexStatus(
        location,
        True,
        "ready",
        state.corpus_version,
        len(state.docs),
        state.chunks_total,
        state.built_at,
        state.embedding_model,
    )
