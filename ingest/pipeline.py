"""Incremental, idempotent, crash-safe ingest: corpus files -> clauses -> embeddings -> Chroma.

Order of writes (see ``licenseqa.index.store`` for the layout):

1. embed and upsert the clauses of added/changed documents, tagged with their new
   ``doc_key`` (invisible to readers: the state does not list them yet);
2. write the new state in one atomic metadata update (readers switch over);
3. delete records whose ``doc_key`` is no longer live, and stale collections.

A run killed at any point leaves readers on the previous or the new content of
each document. The next run finds the leftovers in step 3 and finishes the job;
records already upserted by the killed run are reused, not embedded again.
"""

from __future__ import annotations

import fcntl
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.loader import CorpusDocument, LoadResult, Skipped, load_corpus
from ingest.splitter import SPLITTER_VERSION, ClauseSplitter
from licenseqa.config import DEFAULT_EMBEDDING_BACKEND
from licenseqa.corpus.documents import document_versions
from licenseqa.corpus.hashing import corpus_version
from licenseqa.errors import CorpusError, LicenseQAError
from licenseqa.index.embeddings import Embedder, canonical_model_name, encoder_of
from licenseqa.index.store import ChromaStore, DocState, IndexState, clause_id, doc_key
from licenseqa.models import Clause

log = logging.getLogger(__name__)

ProgressFactory = Callable[[int, str], Any]


@dataclass
class IngestReport:
    docs_total: int = 0
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    chunks_total: int = 0
    chunks_embedded: int = 0
    seconds: float = 0.0
    corpus_version: str = ""
    embedding_model: str = ""
    encoder: str = DEFAULT_EMBEDDING_BACKEND
    rebuilt: bool = False
    strict_failed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "docs_total": self.docs_total,
            "added": self.added,
            "updated": self.updated,
            "deleted": self.deleted,
            "unchanged": self.unchanged,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "chunks_total": self.chunks_total,
            "chunks_embedded": self.chunks_embedded,
            "seconds": round(self.seconds, 3),
            "corpus_version": self.corpus_version,
            "embedding_model": self.embedding_model,
            "encoder": self.encoder,
        }


class IngestLockedError(LicenseQAError):
    """Another ingest holds the index lock."""


@contextmanager
def index_lock(index_dir: Path | None) -> Iterator[None]:
    """One ingest at a time per embedded index (a server handles its own concurrency)."""
    if index_dir is None:
        yield
        return
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / "ingest.lock").open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IngestLockedError(
                f"Another ingest is running on {index_dir}; wait for it to finish."
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class _NullBar:
    def update(self, n: int = 1) -> None:
        del n

    def close(self) -> None:
        pass


def plan_corpus(
    loaded: LoadResult, state: IndexState | None
) -> tuple[list[CorpusDocument], dict[str, DocState]]:
    """Documents to (re-)embed, and the previous state entries to keep as they are.

    A document whose file is now skipped (unreadable, bad front matter...) keeps its
    indexed version: a bad edit never loses what was there.
    """
    previous = dict(state.docs) if state else {}
    skipped_sources = {s.path for s in loaded.skipped}
    keep: dict[str, DocState] = {}
    changed: list[CorpusDocument] = []
    for doc in list(loaded.documents):
        old = previous.get(doc.doc_id)
        if old is not None and old.source != doc.source and old.source in skipped_sources:
            # the id still belongs to its indexed file, which is only unreadable for now
            loaded.documents.remove(doc)
            loaded.skipped.append(
                Skipped(doc.source, f"duplicate id {doc.doc_id!r} (already used by {old.source})")
            )
            skipped_sources.add(doc.source)
            continue
        if old is not None and old.digest == doc.digest and old.source == doc.source:
            keep[doc.doc_id] = _doc_state(doc, old.chunks)
        else:
            changed.append(doc)
    present = {d.doc_id for d in loaded.documents}
    for doc_id, old in previous.items():
        if doc_id not in present and old.source in skipped_sources:
            keep[doc_id] = old
            log.warning("keeping the indexed version of %s: its file %s was skipped", doc_id, old.source)
    return changed, keep


# batches per encoder call, each group upserted at once. One: the records are sorted by length across
# documents before they are cut, so each batch is already of like lengths, and a killed run loses at most
# one batch of work (the crash test kills between upserts)
EMBED_GROUP_BATCHES = 1


def embed_in_groups(
    embedder: Embedder | None, records: list[tuple[str, int, Clause]], batch_size: int = 32
) -> Iterator[tuple[list[tuple[str, int, Clause]], list[list[float]]]]:
    """Embed ``(doc_key, clause index, clause)`` records; yield ``(records, vectors)`` groups.

    The records of all documents are sorted by the length of their embedded text (longest
    first) before they are cut into groups of ``batch_size * EMBED_GROUP_BATCHES``: a batch then
    holds clauses of similar length, so little of it is padding (sentence-transformers sorts only
    within one call, and one call per document leaves short, ragged batches). Each vector is a
    unit vector of the model's dimension, in the order of its group's records.
    """
    ordered = sorted(records, key=lambda r: -len(r[2].embed_text))
    group = batch_size * EMBED_GROUP_BATCHES
    for start in range(0, len(ordered), group):
        part = ordered[start : start + group]
        assert embedder is not None
        yield part, embedder.embed_documents([c.embed_text for _, _, c in part])


def run_ingest(
    corpus_dir: Path,
    store: ChromaStore,
    embedder_factory: Callable[[], Embedder],
    model_name: str,
    *,
    rebuild: bool = False,
    strict: bool = False,
    progress: ProgressFactory | None = None,
    index_dir: Path | None = None,
    batch_size: int = 32,
    encoder: str = DEFAULT_EMBEDDING_BACKEND,
) -> IngestReport:
    """Bring the index in line with ``corpus_dir``. The embedder is only loaded if needed.

    ``model_name`` and ``encoder`` (the embedder's backend, ``LICENSEQA_EMBEDDING_BACKEND``) are
    recorded in the index state; an index built with another model or encoder is rebuilt.
    """
    started = time.perf_counter()
    if not corpus_dir.is_dir():
        raise CorpusError(
            f"Corpus folder {corpus_dir} does not exist. Pass --corpus DIR or set LICENSEQA_CORPUS_DIR."
        )
    loaded = load_corpus(corpus_dir)
    if not loaded.documents and not loaded.skipped:
        raise CorpusError(f"Corpus folder {corpus_dir} holds no documents (*.md, *.txt in its sub-folders).")
    return ingest_documents(
        loaded,
        store,
        embedder_factory,
        model_name,
        rebuild=rebuild,
        strict=strict,
        progress=progress,
        index_dir=index_dir,
        batch_size=batch_size,
        started=started,
        encoder=encoder,
    )


def ingest_documents(
    loaded: LoadResult,
    store: ChromaStore,
    embedder_factory: Callable[[], Embedder],
    model_name: str,
    *,
    rebuild: bool = False,
    strict: bool = False,
    progress: ProgressFactory | None = None,
    index_dir: Path | None = None,
    batch_size: int = 32,
    started: float | None = None,
    encoder: str = DEFAULT_EMBEDDING_BACKEND,
) -> IngestReport:
    """Bring ``store`` in line with the ``loaded`` documents (the corpus, or the LicenseDB library): the
    same incremental, crash-safe steps (module docstring) whatever the documents come from."""
    started = time.perf_counter() if started is None else started
    report = IngestReport(embedding_model=canonical_model_name(model_name), encoder=encoder)
    report.skipped = loaded.skipped
    if strict and loaded.skipped:
        report.strict_failed = True
        report.seconds = time.perf_counter() - started
        state = store.read_state()
        if state:
            report.docs_total, report.chunks_total = len(state.docs), state.chunks_total
            report.corpus_version = state.corpus_version
        return report

    with index_lock(index_dir):
        state = store.read_state()
        if state is not None and (state.embedding_model, state.encoder) != (report.embedding_model, encoder):
            log.warning(
                "The index was built with %s (encoder %s); the configured model is %s (encoder %s). "
                "Rebuilding the whole index.",
                state.embedding_model,
                state.encoder,
                report.embedding_model,
                encoder,
            )
            rebuild = True
        if state is not None and state.splitter_version != SPLITTER_VERSION and not rebuild:
            log.warning("The index was split by an older clause splitter; rebuilding the whole index.")
            rebuild = True
        if state is not None and state.collection not in store.clause_collections():
            log.warning("The index state names a missing collection; rebuilding.")
            rebuild = True
        if rebuild or state is None:
            target = store.new_collection_name()
            changed, keep = list(loaded.documents), {}
            report.rebuilt = True
            # documents whose file is skipped now cannot be re-embedded; keep nothing stale
        else:
            target = state.collection
            changed, keep = plan_corpus(loaded, state)

        previous = state.docs if state else {}
        report.added = sum(1 for d in changed if d.doc_id not in previous)
        report.updated = sum(1 for d in changed if d.doc_id in previous)
        report.unchanged = sum(1 for k in keep if k in {d.doc_id for d in loaded.documents})
        new_ids = {d.doc_id for d in changed} | set(keep)
        report.deleted = sum(1 for k in previous if k not in new_ids)

        existing = store.record_keys(target) if target in store.clause_collections() else {}
        existing_keys = set(existing.values())
        new_docs: dict[str, DocState] = dict(keep)
        embedder: Embedder | None = None
        splitter: ClauseSplitter | None = None
        pending: list[tuple[CorpusDocument, str, list[Any]]] = []
        for doc in changed:
            key = doc_key(doc.doc_id, doc.digest)
            if splitter is None:
                embedder = embedder_factory()
                if encoder_of(embedder) != encoder:
                    raise LicenseQAError(
                        f"The embedder computes vectors with {encoder_of(embedder)} but the ingest was "
                        f"asked to record {encoder}; pass the configured backend (encoder=...)."
                    )
                splitter = ClauseSplitter.for_embedder(embedder)
            clauses = splitter.split(doc.text)
            if not clauses:
                report.skipped.append(Skipped(doc.source, "no text to index after splitting"))
                continue
            ids_present = {i for i, k in existing.items() if k == key}
            complete = key in existing_keys and all(
                clause_id(key, n) in ids_present for n in range(len(clauses))
            )
            new_docs[doc.doc_id] = _doc_state(doc, len(clauses))
            if not complete:
                pending.append((doc, key, clauses))

        total = sum(len(c) for _, _, c in pending)
        bar = progress(total, "embedding clauses") if (progress and total) else _NullBar()
        flat = [(key, n, c) for _doc, key, clauses in pending for n, c in enumerate(clauses)]
        try:
            assert embedder is not None or not flat
            for part, vectors in embed_in_groups(embedder, flat, batch_size):
                store.upsert_records(target, part, vectors)
                report.chunks_embedded += len(part)
                bar.update(len(part))
                log.info("upserted %d/%d clauses", report.chunks_embedded, total)
        finally:
            bar.close()

        version = corpus_version((d.doc_id, d.digest) for d in new_docs.values())
        new_state = IndexState(
            collection=target,
            embedding_model=report.embedding_model,
            corpus_version=version,
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            docs=new_docs,
            splitter_version=SPLITTER_VERSION,
            encoder=encoder,
        )
        if state is None or rebuild or replace(new_state, built_at=state.built_at) != state:
            store.write_state(new_state)
            log.info("state written: corpus version %s", new_state.corpus_version)
        else:
            new_state = state

        # clean up: stale records of the active collection, then stale collections
        live = set(new_state.live_keys)
        stale = [i for i, k in store.record_keys(target).items() if k not in live]
        if stale:
            store.delete_ids(target, stale)
            log.info("removed %d stale clauses", len(stale))
        for name in store.clause_collections():
            if name != target:
                store.drop_collection(name)

    report.docs_total = len(new_state.docs)
    report.chunks_total = new_state.chunks_total
    report.corpus_version = new_state.corpus_version
    report.seconds = time.perf_counter() - started
    return report


def _doc_state(doc: CorpusDocument, chunks: int) -> DocState:
    aliases = [str(a) for a in doc.meta.get("aliases") or [] if str(a).strip()]
    spdx = str(doc.meta.get("spdx") or "")
    return DocState(
        doc.doc_id,
        doc.digest,
        doc.source,
        doc.text.title,
        doc.text.kind,
        chunks,
        aliases,
        spdx,
        document_versions(doc.meta),
    )
