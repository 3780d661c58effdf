"""``python -m ingest.preview FILE [--json]``: how one corpus file would be split, without indexing it.

``FILE`` is a corpus file (``.md`` / ``.txt`` with our front matter) or a ScanCode LicenseDB
``.LICENSE`` file. With ``--json`` the object also lists every chunk (``clauses``): its ``section``,
``heading``, ``start_line`` / ``end_line`` (1-based file lines), ``part`` / ``parts`` (windows of one
long clause), ``word_pieces`` (the model's tokens in the embedded text: title, section and heading
header plus the clause text; at most the model's input limit) and ``text``, so anyone can check a split.

``python -m ingest.preview --all DIR [--json]`` previews every loadable document of a
corpus folder with the model loaded once (files the loader skips are listed as errors; no
per-chunk list).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.loader import DocumentError, library_document_text, load_corpus, parse_document
from ingest.splitter import ClauseSplitter, DocumentText
from licenseqa.corpus.documents import ALLOWED_SUFFIXES
from licenseqa.corpus.library import split_license_file
from licenseqa.errors import LicenseQAError
from licenseqa.models import Clause


@dataclass
class Preview:
    path: str
    doc_id: str | None = None
    title: str | None = None
    kind: str | None = None
    chunks: int = 0
    sections: list[str] = field(default_factory=list)
    unnumbered_chunks: int = 0
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    clauses: list[dict[str, Any]] | None = None  # per chunk, for a single file

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        extra = {} if self.clauses is None else {"clauses": self.clauses}
        return {
            "ok": self.ok,
            "path": self.path,
            "doc_id": self.doc_id,
            "title": self.title,
            "kind": self.kind,
            "chunks": self.chunks,
            "sections": self.sections,
            "unnumbered_chunks": self.unnumbered_chunks,
            "warnings": self.warnings,
            "errors": self.errors,
            **extra,
        }


def make_splitter() -> ClauseSplitter:
    """The ingest's splitter for the configured embedding model (LICENSEQA_EMBEDDING_MODEL)."""
    from licenseqa.config import load_settings
    from licenseqa.index.embeddings import embedder_for

    return ClauseSplitter.for_embedder(embedder_for(load_settings()))


def summarise(preview: Preview, doc: DocumentText, clauses: list[Clause]) -> Preview:
    """Fill ``preview`` from the chunks of one document."""
    preview.doc_id, preview.title, preview.kind = doc.doc_id, doc.title, doc.kind
    preview.chunks = len(clauses)
    seen: set[str] = set()
    for clause in clauses:
        if clause.section is not None and clause.section not in seen:
            seen.add(clause.section)
            preview.sections.append(clause.section)
    preview.unnumbered_chunks = sum(1 for c in clauses if c.section is None)
    if not clauses:
        preview.errors.append("no text to index after splitting")
        return preview
    if not preview.sections:
        preview.warnings.append("no numbered sections found; paragraphs are the units")
    windowed = sum(1 for c in clauses if c.parts > 1 and c.part == 0)
    if windowed:
        preview.warnings.append(
            f"{windowed} chunk{'s were' if windowed > 1 else ' was'} split into windows "
            "(longer than the embedding model's input)"
        )
    return preview


def read_licensedb(path: Path) -> DocumentText:
    """A LicenseDB ``.LICENSE`` file (YAML front matter with ``key`` and ``name``, then the text) as the
    splitter's input, read exactly as the library build reads it (``split_license_file``).

    Raises OSError for an unreadable file and :class:`LibraryDataError` (a :class:`LicenseQAError`) for
    one that is not UTF-8 or has no front matter with a key."""
    meta, body, first_line = split_license_file(path.read_bytes(), path.name)
    key = str(meta["key"])
    return library_document_text(key, str(meta.get("name") or key), str(path), body, first_line)


def chunk_details(clauses: list[Clause], splitter: ClauseSplitter) -> list[dict[str, Any]]:
    """Per chunk: label, heading, 1-based file lines, window part, word pieces of the embedded text, text."""
    return [
        {
            "section": c.section,
            "heading": c.heading,
            "start_line": c.start_line,
            "end_line": c.end_line,
            "part": c.part,
            "parts": c.parts,
            "word_pieces": splitter.count_tokens(c.embed_text),
            "text": c.text,
        }
        for c in clauses
    ]


def preview_file(path: Path, splitter: ClauseSplitter | None = None) -> Preview:
    """How ``path`` would be split, with every chunk listed (``Preview.clauses``)."""
    preview = Preview(path=str(path))
    suffix = path.suffix.lower()
    if suffix == ".license":
        # a LicenseDB text (YAML front matter with key and name), as the library tier reads it
        try:
            doc = read_licensedb(path)
        except OSError as exc:
            preview.errors.append(f"cannot read LicenseDB file: {exc.strerror}")
            return preview
        except LicenseQAError as exc:
            preview.errors.append(f"cannot read LicenseDB file: {exc}")
            return preview
        splitter = splitter or make_splitter()
        clauses = splitter.split(doc)
        preview.clauses = chunk_details(clauses, splitter)
        return summarise(preview, doc, clauses)
    if suffix not in ALLOWED_SUFFIXES:
        preview.errors.append(f"unsupported file type {path.suffix or '(none)'}; use .md, .txt or .LICENSE")
        return preview
    try:
        raw = path.read_bytes()
    except OSError as exc:
        preview.errors.append(f"cannot read file: {exc.strerror}")
        return preview
    try:
        _meta, doc = parse_document(raw, path.name, suffix)
    except DocumentError as exc:
        preview.errors.append(str(exc))
        return preview
    splitter = splitter or make_splitter()
    clauses = splitter.split(doc)
    preview.clauses = chunk_details(clauses, splitter)
    return summarise(preview, doc, clauses)


def preview_corpus(corpus: Path) -> list[Preview]:
    """Every file the loader finds under ``corpus``; paths corpus-relative (``licenses/MIT.txt``)."""
    loaded = load_corpus(corpus)
    prefix = corpus.resolve().name + "/"
    out = [Preview(path=s.path.removeprefix(prefix), errors=[s.reason]) for s in loaded.skipped]
    splitter = make_splitter() if loaded.documents else None
    for doc in loaded.documents:
        assert splitter is not None
        preview = Preview(path=doc.source.removeprefix(prefix))
        out.append(summarise(preview, doc.text, splitter.split(doc.text)))
    return sorted(out, key=lambda p: p.path)


def _print_text(preview: Preview) -> None:
    if preview.doc_id:
        print(f"{preview.path}: {preview.doc_id} ({preview.kind}) - {preview.title}")
        print(f"  {preview.chunks} chunks, {preview.unnumbered_chunks} unnumbered")
        if preview.sections:
            print(f"  sections: {', '.join(preview.sections)}")
    else:
        print(f"{preview.path}:")
    for warning in preview.warnings:
        print(f"  warning: {warning}")
    for error in preview.errors:
        print(f"  error: {error}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingest.preview", description=__doc__.splitlines()[0].split(": ", 1)[-1]
    )
    parser.add_argument(
        "file", nargs="?", type=Path, help="a corpus file (.md or .txt) or a LicenseDB .LICENSE file"
    )
    parser.add_argument("--all", metavar="DIR", type=Path, help="preview every document of a corpus folder")
    parser.add_argument("--json", action="store_true", help="print JSON (one object; with --all, a list)")
    args = parser.parse_args(argv)
    if (args.file is None) == (args.all is None):
        parser.error("give either FILE or --all DIR")
    try:
        if args.all is not None:
            if not args.all.is_dir():
                print(f"error: corpus folder {args.all} does not exist", file=sys.stderr)
                return 2
            previews = preview_corpus(args.all)
        else:
            previews = [preview_file(args.file)]
    except LicenseQAError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    if args.json:
        data: Any = [p.to_dict() for p in previews] if args.all is not None else previews[0].to_dict()
        print(json.dumps(data, ensure_ascii=False))
    else:
        for preview in previews:
            _print_text(preview)
    return 0 if all(p.ok for p in previews) else 1


if __name__ == "__main__":
    raise SystemExit(main())
