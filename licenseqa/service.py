"""Wire the configured backends together (used by the CLI, the app and the benchmarks)."""

from __future__ import annotations

from pathlib import Path

from licenseqa.answering.library import LibraryTier
from licenseqa.answering.retrieval import Retriever
from licenseqa.config import Settings
from licenseqa.index.embeddings import canonical_model_name, embedder_for
from licenseqa.index.library import LibraryStore
from licenseqa.index.store import ChromaStore


def open_retriever(settings: Settings) -> Retriever:
    """Open the index and load the embedding model once; raise a user-facing error if unusable."""
    store = ChromaStore.open(settings).fresh()  # the index may have been rebuilt by another process
    state = store.require_state()
    # before the slow model load
    state.check_model(canonical_model_name(settings.embedding_model), settings.embedding_backend)
    embedder = embedder_for(settings)
    retriever = Retriever(store, embedder, corpus_dir=Path(settings.corpus_dir))
    retriever.snapshot()
    # the LicenseDB library tier: its state is read per question (cheap); its clauses only when a question
    # names a licence the corpus lacks (answering.library)
    retriever.library = LibraryTier(
        LibraryStore.open(settings),
        encoder=(canonical_model_name(settings.embedding_model), settings.embedding_backend),
    )
    return retriever
