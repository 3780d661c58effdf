"""Index status: what is indexed, with which model, and whether it matches the corpus."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from licenseqa.config import Settings
from licenseqa.corpus.documents import scan_corpus
from licenseqa.errors import IndexMissingError, IndexModelMismatchError
from licenseqa.index.embeddings import canonical_model_name
from licenseqa.index.store import ChromaStore, IndexState


def corpus_changes(corpus: Path, state: IndexState, limit: int = 50) -> tuple[str, ...]:
    """Files added, changed or removed since the index was built (usable documents only).

    Cheap (hashes the files, reads front matter, loads no model) and judged like the ingest
    (:func:`licenseqa.documents.scan_corpus`): a file the ingest would skip is not a change.
    """
    files = scan_corpus(corpus)
    name = (corpus.absolute() if corpus.is_symlink() else corpus.resolve()).name
    indexed = {d.source: d.digest for d in state.docs.values()}
    digests = set(indexed.values())
    changes = [
        f"{'changed' if f'{name}/{f.rel}' in indexed else 'new'}: {name}/{f.rel}"
        for f in files
        if f.ok and f.digest not in digests
    ]
    present = {f"{name}/{f.rel}" for f in files}
    changes += [f"removed: {source}" for source in sorted(set(indexed) - present)]
    return tuple(changes[:limit])


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
    changes: tuple[str, ...] = ()

    @property
    def stale(self) -> bool:
        return bool(self.changes)


def index_status(settings: Settings) -> IndexStatus:
    """Describe the configured index without loading any model."""
    location = settings.chroma_url or str(settings.index_dir)
    try:
        store = ChromaStore.open(settings)
        state = store.require_state()
    except IndexMissingError as exc:
        return IndexStatus(location, False, str(exc))
    try:
        state.check_model(canonical_model_name(settings.embedding_model))
    except IndexModelMismatchError as exc:
        ready, message, changes = False, str(exc), ()
    else:
        changes = corpus_changes(Path(settings.corpus_dir), state)
        ready, message = True, "ready"
        if changes:
            message = (
                f"The index is stale: {len(changes)} corpus file(s) changed since it was built. "
                "Update it with `licenseqa ingest`."
            )
    return IndexStatus(
        location,
        ready,
        message,
        state.corpus_version,
        len(state.docs),
        state.chunks_total,
        state.built_at,
        state.embedding_model,
        changes,
    )
