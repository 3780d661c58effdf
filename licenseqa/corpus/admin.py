"""Corpus management for the legal team: list, add, update and remove documents, with an audit trail.

Every write is validated first (all problems are reported at once), is atomic (a
hidden temporary file in the target folder, fsynced, then ``os.replace``), holds a
process-wide lock plus an ``flock`` on ``corpus_dir/.admin.lock``, and appends one
JSON line to the audit file. A rejected write changes nothing on disk.

This module never imports ``ingest``: re-indexing after a write is the caller's job
(``python -m ingest`` as a subprocess).
"""

from __future__ import annotations

import builtins
import fcntl
import json
import logging
import os
import re
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from licenseqa.corpus.documents import (
    ALLOWED_SUFFIXES,
    ID_RE,
    MAX_FILE_BYTES,
    DocumentError,
    UnknownNameError,
    decode_text,
    document_problems,
    resolve_name,
    scan_corpus,
)
from licenseqa.corpus.hashing import corpus_version as _corpus_version
from licenseqa.corpus.hashing import sha256_bytes
from licenseqa.corpus.numbering import numbering_warnings
from licenseqa.errors import CorpusError, LicenseQAError
from licenseqa.jsonl import append_record

log = logging.getLogger(__name__)

AUDIT_FILE = "audit.jsonl"
LOCK_FILE = ".admin.lock"
GUIDANCE_DIR = "guidance"
LICENSES_DIR = "licenses"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # a PDF/DOCX upload, before its text is extracted
LOCK_TIMEOUT = 30.0

_PROCESS_LOCK = threading.Lock()

MetaCheck = Callable[[dict[str, Any]], list[str]]  # front matter -> its problems (empty: fine)


class RejectedError(LicenseQAError):
    """A write was refused; ``reasons`` lists every problem found."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = list(reasons)
        super().__init__("Rejected: " + "; ".join(self.reasons))


class UnknownDocumentError(UnknownNameError):
    """No valid document in the corpus has this id (a usage error, like every unknown id)."""


class CorpusBusyError(LicenseQAError):
    """Another process holds the corpus write lock for too long."""


class NoTextLayerError(DocumentError):
    """No page of an uploaded PDF has a text layer (a scanned or blank PDF): there is nothing to index."""


@dataclass(frozen=True)
class DocumentInfo:
    doc_id: str
    title: str
    kind: str
    path: str  # corpus-relative, posix: "licenses/MIT.txt"
    digest: str  # sha256 of the file bytes
    size: int  # bytes


@dataclass(frozen=True)
class AuditRecord:
    time: str  # UTC, ISO 8601
    actor: str
    action: str  # "add" | "update" | "remove" | "import"
    doc_id: str
    path: str
    old_hash: str | None
    new_hash: str | None
    corpus_version: str  # after the write

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Extracted:
    text: str
    pages: tuple[tuple[int, int], ...]  # (page number, 1-based line of its "[page N]" marker in text)
    no_text_pages: tuple[int, ...] = ()  # PDF pages without a text layer (scanned images, blank pages)

    def warnings(self) -> tuple[str, ...]:
        """What the person uploading should know: the pages whose content is not in the text."""
        if not self.no_text_pages:
            return ()
        which = page_list(self.no_text_pages)
        return (
            f"{which} of {len(self.pages)} {'has' if len(self.no_text_pages) == 1 else 'have'} no text "
            "layer (a scanned image or a blank page): that content is not in the extracted text and "
            "cannot be answered. Run OCR on the PDF and upload it again to include it.",
        )


def page_list(pages: tuple[int, ...]) -> str:
    """``"page 2"``, ``"pages 2, 4-6"``: page numbers, consecutive runs as ranges."""
    runs: list[list[int]] = []
    for number in sorted(set(pages)):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    parts = [str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs]
    return ("page " if len(pages) == 1 else "pages ") + ", ".join(parts)


# -- conversion helpers -------------------------------------------------------------------------


def extract_text(filename: str, data: bytes) -> Extracted:
    """The text of an upload: ``.md``/``.txt`` as UTF-8, ``.pdf`` page by page (``[page N]`` lines),
    ``.docx`` paragraphs and tables (Markdown rows) in body order."""
    suffix = Path(filename).suffix.lower()
    if suffix in ALLOWED_SUFFIXES:
        return Extracted(decode_text(data), ())
    if suffix not in (".pdf", ".docx"):
        raise DocumentError(f"unsupported file type {suffix or '(none)'}; upload .md, .txt, .pdf or .docx")
    if len(data) > MAX_UPLOAD_BYTES:
        raise DocumentError(
            f"file is {len(data) / 1_048_576:.1f} MB; the limit for {suffix} uploads is "
            f"{MAX_UPLOAD_BYTES // 1_048_576} MB"
        )
    extracted = _extract_pdf(data) if suffix == ".pdf" else _extract_docx(data)
    if not extracted.text.strip() or not _has_words(extracted):
        hint = " (a scanned PDF needs OCR first)" if suffix == ".pdf" else ""
        raise DocumentError(f"no text could be extracted from {suffix} file{hint}")
    return extracted


def _has_words(extracted: Extracted) -> bool:
    lines = extracted.text.split("\n")
    markers = {line for line in lines if re.fullmatch(r"\[page \d+\]", line)}
    return any(line.strip() and line not in markers for line in lines)


def _extract_pdf(data: bytes) -> Extracted:
    import io

    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError:  # pragma: no cover - install problem
        raise DocumentError("PDF support is missing: install the package 'pypdf'") from None
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DocumentError("the PDF is encrypted; upload an unprotected copy")
        lines: list[str] = []
        pages: list[tuple[int, int]] = []
        no_text: list[int] = []
        for number, page in enumerate(reader.pages, start=1):
            # the marker opens the page's text: a sentence running on to the next page stays one
            pages.append((number, len(lines) + 1))
            lines.append(f"[page {number}]")
            text = (page.extract_text() or "").replace("\r\n", "\n").replace("\r", "\n")
            text = text.replace("\x00", "")
            if not re.search(r"\w", text):
                no_text.append(number)  # no text layer: a scanned image, a blank page
                continue
            lines.extend(line.rstrip() for line in text.strip("\n").split("\n"))
    except DocumentError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentError(f"cannot read the PDF: {exc}") from None
    if not pages:
        raise NoTextLayerError("the PDF has no pages")
    if len(no_text) == len(pages):
        raise NoTextLayerError(
            f"no page of the PDF has a text layer ({len(pages)} "
            f"{'page' if len(pages) == 1 else 'pages'}, all scanned images or blank), so there is no text "
            "to answer from; run OCR on it first and upload the result"
        )
    if no_text:
        log.info("PDF pages without a text layer: %s", no_text)
    return Extracted(_join(lines), tuple(pages), tuple(no_text))


def _extract_docx(data: bytes) -> Extracted:
    import io
    import zipfile

    try:
        import docx
    except ImportError:  # pragma: no cover - install problem
        raise DocumentError("DOCX support is missing: install the package 'python-docx'") from None
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DocumentError(f"cannot read the DOCX file: {exc}") from None
    from docx.table import Table

    lines: list[str] = []
    for block in document.iter_inner_content():  # paragraphs and tables, in the body's order
        if isinstance(block, Table):
            rows = _table_rows(block)
            if rows:
                lines.extend(["", *rows, ""])
        else:
            lines.append(block.text.replace("\r", "").rstrip())
    return Extracted(_join(lines), ())


def _table_rows(table: Any) -> list[str]:
    """A DOCX table as Markdown rows: the first row is the header, then ``| --- |``, then the rest.

    A cell spanning columns gives its text once (the spanned columns are empty); a cell spanning rows
    repeats in each row, so every row reads on its own. Empty rows are left out.
    """
    grid: list[list[str]] = []
    for row in table.rows:
        cells = [""] * row.grid_cols_before
        previous = None
        for cell in row.cells:
            cells.append("" if cell._tc is previous else _cell_text(cell))
            previous = cell._tc
        cells.extend([""] * row.grid_cols_after)
        if any(cells):
            grid.append(cells)
    if not grid:
        return []
    width = max(len(r) for r in grid)
    grid = [r + [""] * (width - len(r)) for r in grid]
    out = ["| " + " | ".join(r) + " |" for r in grid]
    out.insert(1, "| " + " | ".join(["---"] * width) + " |")
    return out


def _cell_text(cell: Any) -> str:
    """A cell's paragraphs (and nested tables, rows joined by "; ") on one line, pipes escaped."""
    from docx.table import Table

    parts: list[str] = []
    for block in cell.iter_inner_content():
        if isinstance(block, Table):
            rows = [" — ".join(c for c in (_cell_text(x) for x in _unique(r.cells)) if c) for r in block.rows]
            parts.append("; ".join(r for r in rows if r))
        else:
            parts.append(block.text)
    text = re.sub(r"\s+", " ", " ".join(parts)).strip()
    return text.replace("|", "\\|")


def _unique(cells: Any) -> list[Any]:
    """The cells of a row, a cell spanning several columns once."""
    out: list[Any] = []
    for cell in cells:
        if not out or cell._tc is not out[-1]._tc:
            out.append(cell)
    return out


def _join(lines: list[str]) -> str:
    text = "\n".join(lines).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", text) + "\n"


def compose_document(meta: dict[str, Any], body: str) -> bytes:
    """A corpus file: YAML front matter block, a blank line, then ``body`` ending in one newline."""
    import yaml

    header = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    body = body.replace("\r\n", "\n").strip("\n")
    return f"---\n{header}---\n\n{body}\n".encode()


# letters NFKD does not take apart, and the German umlauts, which German spells out ("Übersicht" ->
# "Uebersicht"; a bare "Ubersicht" is a different word). Unidecode (GPL-2.0+) and text-unidecode
# (Artistic/GPL) would add a copyleft dependency for a few letters, and write "Ubersicht".
_TRANSLITERATE = str.maketrans(
    {
        "Ä": "Ae",
        "Ö": "Oe",
        "Ü": "Ue",
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "ß": "ss",
        "ẞ": "SS",
        "Æ": "AE",
        "æ": "ae",
        "Œ": "OE",
        "œ": "oe",
        "Ø": "Oe",
        "ø": "oe",
        "Å": "Aa",
        "å": "aa",
        "Ð": "D",
        "ð": "d",
        "Đ": "D",
        "đ": "d",
        "Þ": "Th",
        "þ": "th",
        "Ł": "L",
        "ł": "l",
        "Ħ": "H",
        "ħ": "h",
        "ı": "i",
    }
)
_SEPARATORS = "/\\."
_SEPARATOR_NAMES = ("SOLIDUS", "SLASH", "FULL STOP", "DOT LEADER")


def transliterate(text: str) -> str:
    """``text`` in ASCII letters where it can be: the explicit table, then NFKD without the accents
    ("Übersicht" -> "Uebersicht", "Réglement" -> "Reglement"); letters of other scripts stay as they are."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFC", text).translate(_TRANSLITERATE))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_problems(name: str) -> list[str]:
    """Characters that make a name deceptive: control and invisible formatting characters (the bidi
    controls U+202A-202E, U+2066-2069, U+200E/F that reorder what a reader sees, zero-width characters)
    and look-alikes of the path separators and the dot (fullwidth solidus, division slash, fullwidth or
    leader dots)."""
    problems: list[str] = []
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        problems.append("the name contains control characters")
    invisible = sorted({ch for ch in name if unicodedata.category(ch) == "Cf"})
    if invisible:
        shown = ", ".join(f"U+{ord(ch):04X} {unicodedata.name(ch, 'FORMAT CHARACTER')}" for ch in invisible)
        problems.append(
            f"the name contains invisible or text-direction characters ({shown}); they hide what the "
            "name really says: rename it"
        )
    lookalike = sorted({ch for ch in name if _looks_like_separator(ch)})
    if lookalike:
        shown = ", ".join(f"U+{ord(ch):04X} {unicodedata.name(ch, '?')}" for ch in lookalike)
        problems.append(
            f"the name contains look-alikes of '/', '\\' or '.' ({shown}); use the plain characters or none"
        )
    return problems


def _looks_like_separator(ch: str) -> bool:
    if ch in _SEPARATORS or ch.isascii():
        return False
    if any(c in _SEPARATORS for c in unicodedata.normalize("NFKC", ch)):
        return True
    name = unicodedata.name(ch, "")
    return any(word in name for word in _SEPARATOR_NAMES)


def sanitise_id(text: str) -> str:
    """``text`` turned into a valid document id (``ID_RE``), or ``""`` when nothing is left or the text
    has deceptive characters (:func:`name_problems`). Letters are transliterated (:func:`transliterate`)."""
    if name_problems(text):
        return ""
    cleaned = re.sub(r"[^A-Za-z0-9.+_-]+", "-", transliterate(text).strip())
    cleaned = re.sub(r"-{2,}", "-", cleaned)
    cleaned = re.sub(r"^[^A-Za-z0-9]+", "", cleaned)[:100].rstrip("-.")
    return cleaned if ID_RE.match(cleaned) else ""


def suggest_front_matter(filename: str, text: str) -> dict[str, Any]:
    """Prefill for a document without front matter: id from the file name, title, kind."""
    path = Path(filename.replace("\\", "/"))
    title = ""
    lines = [line.strip() for line in text.split("\n")]
    for line in lines:
        m = re.match(r"^#{1,6}\s+(.*?)\s*#*$", line)
        if m and m.group(1):
            title = m.group(1)
            break
    if not title:
        title = next((line for line in lines if line and not re.fullmatch(r"\[page \d+\]", line)), "")
    title = re.sub(r"\s+", " ", title.strip("#*_ ")).strip()[:200]
    is_markdown = path.suffix.lower() == ".md"
    kind = "guidance" if is_markdown and re.search(r"^## ", text, re.MULTILINE) else ""
    return {"id": sanitise_id(path.stem), "title": title, "kind": kind}


def destination_folder(kind: str) -> str:
    """Corpus sub-folder of a document of this kind."""
    return GUIDANCE_DIR if kind.strip() == "guidance" else LICENSES_DIR


def filename_problems(filename: str) -> list[str]:
    """Why ``filename`` cannot be a corpus file name (a plain base name with .md or .txt)."""
    problems: list[str] = []
    name = filename.strip()
    if not name:
        return ["the file name is empty"]
    if "/" in name or "\\" in name or os.path.isabs(name) or re.match(r"^[A-Za-z]:", name):
        problems.append(f"file name {filename!r} must be a plain name, not a path")
    if ".." in name:
        problems.append(f"file name {filename!r} must not contain '..'")
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    if base.startswith("."):
        problems.append(f"file name {filename!r} must not start with '.' (hidden files are ignored)")
    problems += [p.replace("the name", "the file name", 1) for p in name_problems(name)]
    if len(name.encode("utf-8")) > 200:
        problems.append("the file name is longer than 200 bytes")
    suffix = Path(base).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        problems.append(
            f"unsupported file type {suffix or '(none)'}; use .md or .txt "
            "(convert .pdf/.docx uploads to text first)"
        )
    return problems


# -- the corpus -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    """One file found under the corpus sub-folders."""

    path: Path
    rel: str
    info: DocumentInfo | None  # None when the file is not a usable document
    problems: tuple[str, ...]
    meta: dict[str, Any] | None


class CorpusAdmin:
    """Reads and writes the documents of one corpus folder."""

    def __init__(
        self,
        corpus_dir: Path,
        audit_path: Path | None = None,
        meta_checks: Sequence[MetaCheck] = (),
    ) -> None:
        """``meta_checks``: more checks of a document's front matter, each returning its problems, run by
        every add / update (a problem rejects the write) and by :meth:`lint` (an error). The callers pass
        the checks of higher layers, e.g. ``knowledge.licensedb.alias_conflicts``."""
        self.corpus_dir = Path(corpus_dir)
        self.audit_path = Path(audit_path) if audit_path is not None else self.corpus_dir / AUDIT_FILE
        self.meta_checks = tuple(meta_checks)

    def _meta_problems(self, meta: dict[str, Any]) -> builtins.list[str]:
        return [problem for check in self.meta_checks for problem in check(meta)]

    # -- reading ----------------------------------------------------------------------------------
    def _require_dir(self) -> Path:
        if not self.corpus_dir.is_dir():
            raise CorpusError(
                f"Corpus folder {self.corpus_dir} does not exist. Pass --corpus DIR or set "
                "LICENSEQA_CORPUS_DIR."
            )
        return self.corpus_dir.resolve() if not self.corpus_dir.is_symlink() else self.corpus_dir.absolute()

    def _scan(self) -> builtins.list[_Entry]:
        """Every file under the sub-folders, in the ingest's order, as the ingest would judge it."""
        entries: builtins.list[_Entry] = []
        for f in scan_corpus(self._require_dir()):
            info = None
            if f.ok and f.meta is not None and f.raw is not None and f.digest is not None:
                meta = f.meta
                info = DocumentInfo(
                    meta["id"], meta["title"].strip(), meta["kind"].strip(), f.rel, f.digest, len(f.raw)
                )
            entries.append(_Entry(f.path, f.rel, info, f.problems, f.meta))
        return entries

    def list(self) -> builtins.list[DocumentInfo]:
        """Valid documents in the sub-folders, sorted by id (case-insensitive)."""
        docs = [e.info for e in self._scan() if e.info is not None]
        return sorted(docs, key=lambda d: (d.doc_id.lower(), d.doc_id))

    def _find(self, doc_id: str, scanned: builtins.list[_Entry] | None = None) -> _Entry:
        entries = {e.info.doc_id: e for e in (self._scan() if scanned is None else scanned) if e.info}
        found = resolve_name(
            doc_id,
            entries,
            lead=f"No document with id {doc_id!r} in {self.corpus_dir}.",
            error=UnknownDocumentError,
        )
        return entries[found]

    def get(self, doc_id: str) -> tuple[DocumentInfo, str]:
        """A document's info and its full file text (front matter included)."""
        entry = self._find(doc_id)
        assert entry.info is not None
        text = entry.path.read_bytes().decode("utf-8")
        return entry.info, text

    def corpus_version(self) -> str:
        """The version the ingest reports for this corpus: a hash over (id, file sha256) of valid docs."""
        return _corpus_version((d.doc_id, d.digest) for d in self.list())

    def lint(self) -> builtins.list[tuple[str, str, str]]:
        """``(path, "error" | "warning", message)`` for every problem of every file (no splitting)."""
        out: builtins.list[tuple[str, str, str]] = []
        for entry in self._scan():
            for problem in entry.problems:
                out.append((entry.rel, "error", problem))
            if entry.info is None:
                continue
            if entry.meta is not None:
                out += [(entry.rel, "error", problem) for problem in self._meta_problems(entry.meta)]
            folder = entry.rel.split("/", 1)[0]
            expected = destination_folder(entry.info.kind)
            if folder != expected:
                out.append(
                    (entry.rel, "warning", f"kind {entry.info.kind!r} belongs in {expected}/, not {folder}/")
                )
            stem = Path(entry.rel).stem
            if stem.lower() != entry.info.doc_id.lower():
                out.append(
                    (entry.rel, "warning", f"file name {stem!r} differs from the id {entry.info.doc_id!r}")
                )
            out.extend((entry.rel, "warning", message) for message in numbering_warnings(entry.path))
        return out

    # -- validation -------------------------------------------------------------------------------
    def check(self, filename: str, content: bytes, replacing: str | None = None) -> dict[str, Any]:
        """Validate a write without doing it; the front matter, or :class:`RejectedError` (all reasons)."""
        meta, _target, _entries = self._validate(filename, content, replacing)
        return meta

    def _validate(
        self, filename: str, content: bytes, replacing: str | None
    ) -> tuple[dict[str, Any], Path, builtins.list[_Entry]]:
        entries = self._scan()
        reasons = filename_problems(filename) if replacing is None else []
        old: _Entry | None = None
        if replacing is not None:
            try:
                old = self._find(replacing, entries)
            except UnknownDocumentError as exc:
                raise RejectedError([str(exc)]) from None
        meta, _body, _line, problems = document_problems(content)
        reasons.extend(problems)
        if meta is not None and not problems:
            reasons.extend(self._meta_problems(meta))
        target = self.corpus_dir
        if meta is not None and isinstance(meta.get("id"), str) and meta["id"].strip():
            doc_id = meta["id"]
            for entry in entries:
                if entry.info is None or entry is old or (old is not None and entry.path == old.path):
                    continue
                if entry.info.doc_id.lower() == doc_id.lower():
                    reasons.append(f"duplicate id {doc_id!r} (already used by {entry.rel})")
                    break
        if old is not None:
            target = old.path
        elif not filename_problems(filename):
            kind = meta.get("kind") if meta is not None else None
            folder = destination_folder(kind if isinstance(kind, str) else "")
            target = self.corpus_dir / folder / filename.strip()
            if target.exists() or target.is_symlink():
                reasons.append(f"{folder}/{filename.strip()} already exists; update that document instead")
        if reasons or meta is None:
            raise RejectedError(reasons or ["the document cannot be read"])
        return meta, target, entries

    # -- writing ----------------------------------------------------------------------------------
    @contextmanager
    def _locked(self) -> Iterator[None]:
        self._require_dir()
        deadline = time.monotonic() + LOCK_TIMEOUT
        if not _PROCESS_LOCK.acquire(timeout=LOCK_TIMEOUT):
            raise CorpusBusyError("The corpus is being changed by someone else; try again in a moment.")
        try:
            with (self.corpus_dir / LOCK_FILE).open("a") as fh:
                while True:
                    try:
                        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() > deadline:
                            raise CorpusBusyError(
                                "The corpus is being changed by another process; try again in a moment."
                            ) from None
                        time.sleep(0.05)
                try:
                    yield
                finally:
                    fcntl.flock(fh, fcntl.LOCK_UN)
        finally:
            _PROCESS_LOCK.release()

    def add(self, filename: str, content: bytes, actor: str) -> AuditRecord:
        """Save a new document in ``guidance/`` (kind guidance) or ``licenses/``."""
        return self._add(filename, content, actor, "add")

    def import_document(self, filename: str, content: bytes, actor: str) -> AuditRecord:
        """Like :meth:`add`, recorded in the audit as an ``import`` (e.g. from ScanCode LicenseDB)."""
        return self._add(filename, content, actor, "import")

    def _add(self, filename: str, content: bytes, actor: str, action: str) -> AuditRecord:
        actor = _require_actor(actor)
        self.check(filename, content)  # before taking the lock: a rejection touches nothing
        with self._locked():
            meta, target, _ = self._validate(filename, content, None)
            target.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(target, content)
            return self._record(actor, action, meta["id"], target, None, sha256_bytes(content))

    def update(self, doc_id: str, content: bytes, actor: str) -> AuditRecord:
        """Replace the file of an existing document (same path); its id may change, not to a used one."""
        actor = _require_actor(actor)
        self.check("", content, replacing=doc_id)
        with self._locked():
            meta, target, _ = self._validate("", content, doc_id)
            old_hash = sha256_bytes(target.read_bytes())
            _atomic_write(target, content)
            return self._record(actor, "update", meta["id"], target, old_hash, sha256_bytes(content))

    def remove(self, doc_id: str, actor: str) -> AuditRecord:
        """Delete a document's file."""
        actor = _require_actor(actor)
        self._find(doc_id)
        with self._locked():
            entry = self._find(doc_id)
            assert entry.info is not None
            old_hash = sha256_bytes(entry.path.read_bytes())
            entry.path.unlink()
            _fsync_dir(entry.path.parent)
            return self._record(actor, "remove", entry.info.doc_id, entry.path, old_hash, None)

    # -- audit ------------------------------------------------------------------------------------
    def _record(
        self, actor: str, action: str, doc_id: str, target: Path, old: str | None, new: str | None
    ) -> AuditRecord:
        root = self._require_dir()
        rel = target.resolve().relative_to(root.resolve()).as_posix()
        record = AuditRecord(
            time=datetime.now(UTC).isoformat(timespec="milliseconds"),
            actor=actor,
            action=action,
            doc_id=doc_id,
            path=rel,
            old_hash=old,
            new_hash=new,
            corpus_version=self.corpus_version(),
        )
        append_record(self.audit_path, record.to_dict())
        log.info("%s %s %s (%s) by %s", action, doc_id, rel, record.corpus_version, actor)
        return record

    def audit(self, doc_id: str | None = None, actor: str | None = None) -> builtins.list[AuditRecord]:
        """Audit records, newest first, optionally of one document (any case) and/or one actor."""
        try:
            lines = self.audit_path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise CorpusError(f"Cannot read the audit trail {self.audit_path}: {exc.strerror}.") from None
        records: builtins.list[AuditRecord] = []
        for n, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                record = AuditRecord(**{k: data.get(k) for k in AuditRecord.__dataclass_fields__})
            except (json.JSONDecodeError, TypeError, AttributeError):
                log.warning("ignoring unreadable line %d of %s", n, self.audit_path)
                continue
            if doc_id is not None and str(record.doc_id).lower() != doc_id.lower():
                continue
            if actor is not None and record.actor != actor:
                continue
            records.append(record)
        records.reverse()
        return records


def _require_actor(actor: str) -> str:
    actor = (actor or "").strip()
    if not actor:
        raise RejectedError(["name who makes the change (actor)"])
    problems = name_problems(actor)
    if problems:
        raise RejectedError([p.replace("the name", "the actor name", 1) for p in problems])
    return actor


def _atomic_write(target: Path, content: bytes) -> None:
    """Write ``content`` to ``target`` via a hidden temporary file in the same folder, fsynced."""
    fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


__all__ = [
    "MAX_FILE_BYTES",
    "AuditRecord",
    "CorpusAdmin",
    "DocumentInfo",
    "Extracted",
    "RejectedError",
    "compose_document",
    "extract_text",
    "name_problems",
    "suggest_front_matter",
    "transliterate",
]
