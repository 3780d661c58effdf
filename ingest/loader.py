"""Read and validate corpus files: front matter, encoding, size, duplicates, symlinks.

A file that cannot be used is skipped with its path and a reason a person can act
on; it never stops the others from loading.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.splitter import DocumentText
from licenseqa.documents import (
    ALLOWED_SUFFIXES,
    ID_RE,
    MAX_FILE_BYTES,
    REQUIRED_FIELDS,
    DocumentError,
    parse_front_matter,
)
from licenseqa.hashing import sha256_bytes

log = logging.getLogger(__name__)

SUFFIXES = ALLOWED_SUFFIXES

__all__ = [
    "ID_RE",
    "MAX_FILE_BYTES",
    "REQUIRED_FIELDS",
    "SUFFIXES",
    "CorpusDocument",
    "DocumentError",
    "LoadResult",
    "Skipped",
    "load_corpus",
    "parse_document",
]


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass
class CorpusDocument:
    doc_id: str
    path: Path
    source: str  # path relative to the repository (or corpus parent), posix
    digest: str
    meta: dict[str, Any]
    text: DocumentText


@dataclass
class LoadResult:
    documents: list[CorpusDocument] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def parse_document(raw: bytes, source: str, suffix: str) -> tuple[dict[str, Any], DocumentText]:
    """Validate one file's bytes and return its front matter and text, or raise DocumentError."""
    meta, body, first_line = parse_front_matter(raw)
    doc = DocumentText(
        doc_id=meta["id"],
        title=meta["title"].strip(),
        kind=meta["kind"].strip(),
        source=source,
        body=body,
        first_line=first_line,
        markdown=suffix == ".md" and re.search(r"^#{1,6}\s", body, re.MULTILINE) is not None,
    )
    return meta, doc


def _source_name(path: Path, corpus: Path) -> str:
    """Repository-relative path when the corpus sits in a repository, else corpus-relative."""
    rel = path.relative_to(corpus)
    return (Path(corpus.name) / rel).as_posix()


def load_corpus(corpus: Path) -> LoadResult:
    """Load every ``*.md`` / ``*.txt`` file in the sub-folders of ``corpus``.

    Top-level files (``NOTICE.md``, the audit trail) and hidden files are not documents.
    """
    corpus = corpus.resolve() if not corpus.is_symlink() else corpus.absolute()
    result = LoadResult()
    if not corpus.is_dir():
        return result
    root_real = corpus.resolve()
    seen: dict[str, CorpusDocument] = {}
    for path in sorted(p for p in corpus.rglob("*") if p.parent != corpus):
        rel = path.relative_to(corpus)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_dir():
            continue
        source = _source_name(path, corpus)
        if path.suffix.lower() not in SUFFIXES:
            result.skipped.append(
                Skipped(source, f"unsupported file type {path.suffix or '(none)'}; use .md or .txt")
            )
            continue
        if path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(root_real):
                result.skipped.append(Skipped(source, "symlink points outside the corpus"))
                continue
        try:
            raw = path.read_bytes()
        except OSError as exc:
            result.skipped.append(Skipped(source, f"cannot read file: {exc.strerror}"))
            continue
        try:
            meta, text = parse_document(raw, source, path.suffix.lower())
        except DocumentError as exc:
            result.skipped.append(Skipped(source, str(exc)))
            continue
        doc = CorpusDocument(meta["id"], path, source, sha256_bytes(raw), meta, text)
        other = seen.get(doc.doc_id.lower())
        if other is not None:
            result.skipped.append(
                Skipped(source, f"duplicate id {doc.doc_id!r} (already used by {other.source})")
            )
            continue
        seen[doc.doc_id.lower()] = doc
        result.documents.append(doc)
    for item in result.skipped:
        log.warning("skipped %s: %s", item.path, item.reason)
    return result
