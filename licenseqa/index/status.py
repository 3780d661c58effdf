"""Index status: what is indexed, with which model, and whether it matches the corpus."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from licenseqa.config import Settings
from licenseqa.corpus.documents import ALLOWED_SUFFIXES, document_problems, scan_corpus
from licenseqa.corpus.hashing import sha256_bytes
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


def _corpus_name(corpus: Path) -> str:
    return (corpus.absolute() if corpus.is_symlink() else corpus.resolve()).name


def skipped_sources(corpus: Path, state: IndexState, limit: int = 50) -> tuple[str, ...]:
    """Indexed files that differ from the indexed version and that the ingest now skips, with the reason.

    The ingest keeps the last good version of such a document (a bad edit never loses what was
    there), so the index still answers from text the file no longer holds: ``"<source>: <reason>"``.
    """
    name = _corpus_name(corpus)
    indexed = {d.source: d.digest for d in state.docs.values()}
    out = [
        f"{name}/{f.rel}: {f.problems[0]}"
        for f in scan_corpus(corpus)
        if not f.ok and f.problems and indexed.get(f"{name}/{f.rel}", f.digest) != f.digest
    ]
    return tuple(out[:limit])


def source_changes(corpus: Path, state: IndexState, doc_ids: Iterable[str]) -> dict[str, str]:
    """For each of ``doc_ids`` whose file differs from its indexed version: how (``{doc_id: reason}``).

    Reads and hashes only those files. A document indexed from another corpus folder (its source
    does not start with this folder's name) is not judged.
    """
    name = _corpus_name(corpus)
    out: dict[str, str] = {}
    for doc_id in dict.fromkeys(doc_ids):
        doc = state.docs.get(doc_id)
        if doc is None or not doc.source.startswith(f"{name}/"):
            continue
        path = corpus / doc.source.removeprefix(f"{name}/")
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            out[doc_id] = f"{doc.source} was removed"
            continue
        except OSError as exc:
            out[doc_id] = f"{doc.source} cannot be read ({exc.strerror})"
            continue
        if sha256_bytes(raw) == doc.digest:
            continue
        problems = document_problems(raw)[3] if path.suffix.lower() in ALLOWED_SUFFIXES else []
        if problems:
            out[doc_id] = f"{doc.source} is skipped by the ingest now ({problems[0]})"
        else:
            out[doc_id] = f"{doc.source} was edited and not indexed again yet"
    return out


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
    # indexed files the ingest now skips (emptied, unreadable, bad front matter...): "<source>: <reason>"
    skipped: tuple[str, ...] = ()

    @property
    def stale(self) -> bool:
        return bool(self.changes or self.skipped)


def index_status(settings: Settings) -> IndexStatus:
    """Describe the configured index without loading any model."""
    location = settings.chroma_url or str(settings.index_dir)
    try:
        store = ChromaStore.open(settings)
        state = store.require_state()
    except IndexMissingError as exc:
        return IndexStatus(location, False, str(exc))
    try:
        state.check_model(canonical_model_name(settings.embedding_model), settings.embedding_backend)
    except IndexModelMismatchError as exc:
        ready, message, changes, skipped = False, str(exc), (), ()
    else:
        changes = corpus_changes(Path(settings.corpus_dir), state)
        skipped = skipped_sources(Path(settings.corpus_dir), state)
        ready, message = True, "ready"
        notes = []
        if changes:
            notes.append(
                f"The index is stale: {len(changes)} corpus file(s) changed since it was built. "
                "Update it with `licenseqa ingest`."
            )
        if skipped:
            notes.append(
                f"{len(skipped)} indexed file(s) changed on disk but the ingest skips them, so the index "
                "still answers from their last indexed version (answers citing them say so). "
                "Fix the file(s), then run `licenseqa ingest`."
            )
        message = " ".join(notes) or message
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
        skipped,
    )
