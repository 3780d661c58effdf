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
from licenseqa.corpus.documents import MAX_FILE_BYTES, DocumentError, parse_front_matter, scan_corpus

log = logging.getLogger(__name__)

__all__ = [
    "MAX_FILE_BYTES",
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


LIBRARY_KIND = "library"  # the kind of a LicenseDB library text (``licenseqa library build``)


def library_document_text(key: str, name: str, source: str, body: str, first_line: int) -> DocumentText:
    """A LicenseDB text as the splitter reads it, the same for the library build and the preview: ``body``
    and ``first_line`` as :func:`licenseqa.corpus.library.split_license_file` returns them."""
    return DocumentText(key, name, LIBRARY_KIND, source, body, first_line, markdown=False)


def _document_text(
    meta: dict[str, Any], body: str, first_line: int, source: str, suffix: str
) -> DocumentText:
    return DocumentText(
        doc_id=meta["id"],
        title=meta["title"].strip(),
        kind=meta["kind"].strip(),
        source=source,
        body=body,
        first_line=first_line,
        markdown=suffix == ".md" and re.search(r"^#{1,6}\s", body, re.MULTILINE) is not None,
    )


def parse_document(raw: bytes, source: str, suffix: str) -> tuple[dict[str, Any], DocumentText]:
    """Validate one file's bytes and return its front matter and text, or raise DocumentError."""
    meta, body, first_line = parse_front_matter(raw)
    return meta, _document_text(meta, body, first_line, source, suffix)


def load_corpus(corpus: Path) -> LoadResult:
    """Load every document of ``corpus`` (see :func:`licenseqa.documents.scan_corpus`).

    Files that cannot be used are listed in ``skipped`` with the reason; the caller reports them.
    """
    result = LoadResult()
    name = (corpus.absolute() if corpus.is_symlink() else corpus.resolve()).name
    for f in scan_corpus(corpus):
        source = f"{name}/{f.rel}"  # repository-relative when the corpus sits in a repository
        if not f.ok or f.meta is None or f.digest is None:
            result.skipped.append(Skipped(source, f.problems[0]))
            continue
        text = _document_text(f.meta, f.body, f.first_line, source, f.path.suffix.lower())
        result.documents.append(CorpusDocument(f.meta["id"], f.path, source, f.digest, f.meta, text))
    for item in result.skipped:
        log.debug("skipped %s: %s", item.path, item.reason)
    return result
