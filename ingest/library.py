"""``python -m ingest.library`` / ``licenseqa library build``: index the LicenseDB library tier.

Every indexable text of the bundled LicenseDB copy (``licenseqa.corpus.library``) is split, embedded and
upserted into the library collections (``licenseqa.index.library``) by the corpus pipeline
(``ingest.pipeline.ingest_documents``: same splitter, model and crash-safe incremental steps). A text's
digest is the SHA-256 of its ``.LICENSE`` file, so a new data version re-embeds only the texts that changed.

Texts whose licence the curated corpus holds (its ids, SPDX ids and aliases name the LicenseDB key) are
skipped: the curated copy is the one our legal team reviewed, and the library is only searched for a
licence the corpus lacks, so a second, unreviewed copy would never be used and would only cost build time.

A no-op run (same selection, data, model and splitter as the built state) returns before reading the
archive or loading the model.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import resource
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.cli import _progress_factory
from ingest.loader import LIBRARY_KIND, CorpusDocument, LoadResult, library_document_text, load_corpus
from ingest.pipeline import IngestReport, ingest_documents
from ingest.splitter import SPLITTER_VERSION
from licenseqa.config import Settings, load_settings
from licenseqa.corpus.library import (
    ARCHIVE,
    CATALOG,
    DATA_DIR,
    Library,
    LibraryEntry,
    catalog,
    held_keys,
    lookup,
    read_texts,
)
from licenseqa.errors import InputError, LicenseQAError
from licenseqa.index.embeddings import Embedder, canonical_model_name
from licenseqa.index.library import LibraryStore, open_library_store, record_metadata
from licenseqa.logs import configure_logging

log = logging.getLogger("ingest.library")


@dataclass(frozen=True)
class Selection:
    entries: tuple[LibraryEntry, ...]
    held: tuple[str, ...]  # keys skipped: the curated corpus holds that licence


def corpus_names(corpus_dir: Path) -> list[str]:
    """Every id, SPDX id and alias of the curated corpus documents."""
    names: list[str] = []
    if not corpus_dir.is_dir():
        return names
    for doc in load_corpus(corpus_dir).documents:
        names += [doc.doc_id, str(doc.meta.get("spdx") or "")]
        names += [str(a) for a in doc.meta.get("aliases") or []]
    return [n for n in names if n]


def select(
    library: Library, corpus: Iterable[str], only: Sequence[str] | None = None, limit: int | None = None
) -> Selection:
    """The entries to index: ``only`` (keys, SPDX ids or names; an unknown one is an :class:`InputError`),
    else every indexable entry; minus those the corpus holds; the first ``limit`` by key."""
    held = held_keys(library, corpus)
    if only:
        chosen: list[LibraryEntry] = []
        for name in only:
            entry = library.entries.get(name) or lookup(name, library)
            if entry is None:
                raise InputError(
                    f"{name!r} is not a LicenseDB key or licence name (e.g. sleepycat, cecill-2.1)."
                )
            if not entry.indexable:
                raise InputError(f"LicenseDB entry {entry.key!r} has no licence text of its own to index.")
            if entry not in chosen:
                chosen.append(entry)
    else:
        chosen = library.indexable()
    kept = sorted((e for e in chosen if e.key not in held), key=lambda e: e.key)
    if limit is not None:
        kept = kept[:limit]
    return Selection(tuple(kept), tuple(sorted(e.key for e in chosen if e.key in held)))


def load_library(
    selection: Selection, data_dir: Path = DATA_DIR, library: Library | None = None
) -> LoadResult:
    """The selected texts as pipeline documents (doc id = LicenseDB key, kind ``library``)."""
    result = LoadResult()
    for text in read_texts([e.key for e in selection.entries], data_dir / ARCHIVE.name, library):
        e = text.entry
        meta: dict[str, Any] = {
            "id": e.key,
            "title": e.name,
            "kind": LIBRARY_KIND,
            "spdx": e.spdx,
            "aliases": list(e.other_names),
        }
        doc_text = library_document_text(e.key, e.name, e.source, text.body, text.first_line)
        result.documents.append(CorpusDocument(e.key, ARCHIVE, e.source, e.sha256, meta, doc_text))
    return result


def up_to_date(store: LibraryStore, selection: Selection, model: str, encoder: str) -> IngestReport | None:
    """The report of a no-op run when the built state already holds exactly ``selection`` (same digests,
    model, encoder and splitter), else None."""
    state = store.read_state()
    if state is None or (state.embedding_model, state.encoder) != (canonical_model_name(model), encoder):
        return None
    if state.splitter_version != SPLITTER_VERSION or state.collection not in store.clause_collections():
        return None
    if {k: d.digest for k, d in state.docs.items()} != {e.key: e.sha256 for e in selection.entries}:
        return None
    report = IngestReport(embedding_model=state.embedding_model, corpus_version=state.corpus_version)
    report.docs_total = report.unchanged = len(state.docs)
    report.chunks_total = state.chunks_total
    return report


STAMP = "library.stamp.json"


def _stamp_value(selection: Selection, model: str, encoder: str) -> dict[str, Any]:
    digest = hashlib.sha256()
    for e in selection.entries:
        digest.update(f"{e.key}\0{e.sha256}\n".encode())
    return {
        "selection": digest.hexdigest(),
        "model": canonical_model_name(model),
        "encoder": encoder,
        "splitter": SPLITTER_VERSION,
    }


def stamped_report(settings: Settings, selection: Selection) -> IngestReport | None:
    """The no-op report from the stamp the last completed build left in the index folder, when it built
    this selection with this model and splitter; None otherwise (then the state in Chroma decides).

    The stamp only caches a completed run's outcome to skip opening Chroma (importing chromadb alone
    takes seconds): it is written after the state, so a killed run leaves the previous stamp, which no
    longer matches, and deleting the index deletes it too."""
    if settings.chroma_url:
        return None
    try:
        data = json.loads((Path(settings.index_dir) / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("value") != _stamp_value(
        selection, settings.embedding_model, settings.embedding_backend
    ):
        return None
    report = IngestReport(embedding_model=str(data["value"]["model"]))
    report.corpus_version = str(data.get("corpus_version", ""))
    report.docs_total = report.unchanged = len(selection.entries)
    report.chunks_total = int(data.get("chunks_total", 0))
    return report


def write_stamp(settings: Settings, selection: Selection, report: IngestReport) -> None:
    if settings.chroma_url or report.skipped:
        return
    path = Path(settings.index_dir) / STAMP
    payload = {
        "value": _stamp_value(selection, settings.embedding_model, settings.embedding_backend),
        "corpus_version": report.corpus_version,
        "chunks_total": report.chunks_total,
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload), encoding="utf-8")
    tmp.replace(path)


def disk_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else 0


def build(
    settings: Settings,
    only: Sequence[str] | None = None,
    limit: int | None = None,
    rebuild: bool = False,
    progress: bool = False,
    embedder_factory: Callable[[], Embedder] | None = None,
    data_dir: Path = DATA_DIR,
) -> dict[str, Any]:
    """Build or update the library from the bundled copy in ``data_dir``; the report as a dict (see
    :func:`main` for the fields). ``embedder_factory``: default, the configured model."""
    from licenseqa.index.embeddings import embedder_for

    started = time.perf_counter()
    library = catalog(data_dir / CATALOG.name)
    if embedder_factory is None:

        def embedder_factory() -> Embedder:
            return embedder_for(settings)

    selection = select(library, corpus_names(Path(settings.corpus_dir)), only, limit)
    report = None if rebuild else stamped_report(settings, selection)
    if report is None:
        store = open_library_store(settings, create=True)
        store.record_meta = {e.key: record_metadata(e) for e in selection.entries}
        report = (
            None
            if rebuild
            else up_to_date(store, selection, settings.embedding_model, settings.embedding_backend)
        )
    if report is None:
        report = ingest_documents(
            load_library(selection, data_dir, library),
            store,
            embedder_factory,
            settings.embedding_model,
            rebuild=rebuild,
            progress=_progress_factory(progress),
            index_dir=None if settings.chroma_url else Path(settings.index_dir),
            batch_size=settings.embed_batch_size,
            encoder=settings.embedding_backend,
        )
    write_stamp(settings, selection, report)
    seconds = time.perf_counter() - started
    out = report.to_dict()
    out.update(
        {
            "data_version": library.version,
            "texts": report.docs_total,
            "clauses": report.chunks_total,
            "skipped_held_by_corpus": list(selection.held),
            "seconds": round(seconds, 2),
            "clauses_per_second": round(report.chunks_embedded / seconds, 1)
            if report.chunks_embedded
            else 0.0,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "index_disk_mb": round(disk_bytes(Path(settings.index_dir)) / 2**20, 1),
        }
    )
    return out


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="licenseqa library build",
        description="Index the ScanCode LicenseDB texts (the library tier) into their own collection. "
        "Only new or changed texts are embedded; the selection of this run is what the library holds.",
    )
    parser.add_argument("--only", nargs="+", metavar="KEY", help="index only these LicenseDB keys / names")
    parser.add_argument("--limit", type=int, metavar="N", help="index only the first N texts (by key)")
    parser.add_argument("--index", type=Path, help="index folder (default: LICENSEQA_INDEX_DIR or .index/)")
    parser.add_argument("--corpus", type=Path, help="corpus folder: its licences are not indexed again")
    parser.add_argument("--rebuild", action="store_true", help="re-embed everything into a fresh collection")
    parser.add_argument("--json", action="store_true", help="print one JSON report on stdout")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.limit is not None and args.limit < 1:
        print("error: --limit must be at least 1", file=sys.stderr)
        return 2
    try:
        settings = load_settings(corpus_dir=args.corpus, index_dir=args.index)
        configure_logging(settings.log_level)
        show_bar = not args.json and not args.quiet and sys.stderr.isatty()
        out = build(settings, args.only, args.limit, args.rebuild, show_bar)
    except LicenseQAError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(
            "interrupted; the library keeps its previous content and the next run completes it",
            file=sys.stderr,
        )
        return 130
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
        return 0
    print(
        f"library: {out['texts']} texts, {out['clauses']} clauses (added {out['added']}, updated "
        f"{out['updated']}, deleted {out['deleted']}, unchanged {out['unchanged']}); embedded "
        f"{out['chunks_embedded']} clauses in {out['seconds']:.1f}s ({out['clauses_per_second']} clauses/s); "
        f"peak RSS {out['peak_rss_mb']} MB; index on disk {out['index_disk_mb']} MB; {out['data_version']}"
    )
    if out["skipped_held_by_corpus"]:
        print(f"{len(out['skipped_held_by_corpus'])} LicenseDB texts skipped: the curated corpus holds them")
    return 0


if __name__ == "__main__":
    sys.exit(main())
