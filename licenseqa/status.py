"""Index status: what is indexed, with which model, and whether it matches the corpus."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from licenseqa.config import Settings
from licenseqa.embeddings import canonical_model_name
from licenseqa.errors import IndexMissingError
from licenseqa.hashing import sha256_bytes
from licenseqa.store import ChromaStore, IndexState

_SUFFIXES = (".md", ".txt")


def corpus_changes(corpus: Path, state: IndexState, limit: int = 50) -> tuple[str, ...]:
    """Files added, changed or removed since the index was built (valid-looking documents only).

    Cheap: hashes the files and reads front matter; loads no model. A file the ingest would
    skip (no front matter or id) is not counted as a change.
    """
    from licenseqa.documents import DocumentError, parse_front_matter

    if not corpus.is_dir():
        return ()
    indexed = {d.source: d.digest for d in state.docs.values()}
    digests = {d.digest for d in state.docs.values()}
    seen: set[str] = set()
    changes: list[str] = []
    for path in sorted(corpus.rglob("*")):
        if path.parent == corpus or path.suffix not in _SUFFIXES or not path.is_file():
            continue
        if any(part.startswith(".") for part in path.relative_to(corpus).parts):
            continue
        source = (Path(corpus.name) / path.relative_to(corpus)).as_posix()
        seen.add(source)
        raw = path.read_bytes()
        if sha256_bytes(raw) in digests:
            continue
        try:
            parse_front_matter(raw)
        except DocumentError:
            continue  # the ingest skips it too
        changes.append(f"{'changed' if source in indexed else 'new'}: {source}")
    for source in sorted(set(indexed) - seen):
        changes.append(f"removed: {source}")
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
    changes = corpus_changes(Path(settings.corpus_dir), state)
    message = (
        "ready"
        if not changes
        else (
            f"The index is stale: {len(changes)} corpus file(s) changed since it was built. "
            "Update it with `licenseqa ingest`."
        )
    )
    return IndexStatus(
        location,
        True,
        message,
        state.corpus_version,
        len(state.docs),
        state.chunks_total,
        state.built_at,
        state.embedding_model,
        changes,
    )
