"""``python -m ingest`` / ``licenseqa ingest``: build or update the clause index."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from licenseqa.config import Settings, load_settings
from licenseqa.errors import LicenseQAError
from licenseqa.logs import configure_logging

log = logging.getLogger("ingest")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ingest",
        description="Load the corpus, split it into clauses, embed them and update the Chroma index. "
        "Only new or changed documents are embedded.",
    )
    parser.add_argument(
        "--corpus", type=Path, help="corpus folder (default: LICENSEQA_CORPUS_DIR or corpus/)"
    )
    parser.add_argument("--index", type=Path, help="index folder (default: LICENSEQA_INDEX_DIR or .index/)")
    parser.add_argument("--rebuild", action="store_true", help="re-embed everything into a fresh collection")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 without touching the index if any file is skipped"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON report on stdout")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    return parser


def _progress_factory(enabled: bool) -> Any:
    if not enabled:
        return None

    def make(total: int, desc: str) -> Any:
        from tqdm import tqdm

        return tqdm(total=total, desc=desc, unit="clause", file=sys.stderr, dynamic_ncols=True)

    return make


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(corpus_dir=args.corpus, index_dir=args.index)
        configure_logging(settings.log_level)  # logs go to stderr; --json output to stdout
        return _run(settings, args)
    except LicenseQAError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(
            "interrupted; the index keeps its previous content and the next run completes it", file=sys.stderr
        )
        return 130


def _run(settings: Settings, args: argparse.Namespace) -> int:
    from ingest.pipeline import run_ingest
    from licenseqa.index.embeddings import embedder_for
    from licenseqa.index.store import ChromaStore

    store = ChromaStore.open(settings, create=True)
    show_bar = not args.json and not args.quiet and sys.stderr.isatty()
    report = run_ingest(
        Path(settings.corpus_dir),
        store,
        lambda: embedder_for(settings),
        settings.embedding_model,
        rebuild=args.rebuild,
        strict=args.strict,
        progress=_progress_factory(show_bar),
        index_dir=None if settings.chroma_url else Path(settings.index_dir),
        batch_size=settings.embed_batch_size,
        encoder=settings.embedding_backend,
    )
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        for item in report.skipped:
            print(f"skipped {item.path}: {item.reason}", file=sys.stderr)
        if report.strict_failed:
            print(
                f"--strict: {len(report.skipped)} file(s) cannot be used; the index was not changed.",
                file=sys.stderr,
            )
        else:
            print(
                f"{report.docs_total} documents, {report.chunks_total} clauses "
                f"(added {report.added}, updated {report.updated}, deleted {report.deleted}, "
                f"unchanged {report.unchanged}); embedded {report.chunks_embedded} clauses "
                f"in {report.seconds:.1f}s; corpus version {report.corpus_version}"
            )
    return 1 if report.strict_failed else 0
