"""Regenerate ``licenseqa/knowledge/data/osadl.json`` (the knowledge package's offline build step).

Run by a maintainer when the corpus or the OSADL data changes (``make knowledge``)::

    python -m ingest.knowledge --shared ../shared [--corpus corpus] [--out FILE]

The parsing, linking and the shape of the output live in :mod:`licenseqa.knowledge.build`; this entry only
supplies what the knowledge package may not import: the corpus clauses as the ingest splits them, so that
every citation's section and line range match the index.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from ingest.loader import load_corpus
from ingest.splitter import ClauseSplitter
from licenseqa.knowledge.build import DEFAULT_OUT, build_knowledge, dump, stats_table
from licenseqa.models import Clause

log = logging.getLogger(__name__)


def corpus_clauses(corpus: Path, splitter: ClauseSplitter) -> dict[str, list[Clause]]:
    """Every document of ``corpus`` split by ``splitter``: ``{doc_id: [Clause, ...]}`` in document order."""
    return {doc.doc_id: splitter.split(doc.text) for doc in load_corpus(corpus).documents}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    from ingest.preview import make_splitter

    splitter = make_splitter()  # the ingest's, so citation line ranges match the index
    data = build_knowledge(args.shared, corpus_clauses(args.corpus, splitter))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dump(data), encoding="utf-8")
    log.info("wrote %s (%d checklists)", args.out, len(data["checklists"]))
    print(stats_table(data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
