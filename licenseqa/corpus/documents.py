"""Corpus documents: which files are documents, and validation of one file's bytes.

Shared by the ingest (``ingest.loader``), the corpus management (``licenseqa.corpus.admin``),
the index status and the evaluation, so all of them judge the corpus the same way: a file the
admin accepts is a file the ingest loads, and one the ingest skips is never reported as a change.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from licenseqa.corpus.hashing import sha256_bytes
from licenseqa.errors import InputError, LicenseQAError

MAX_FILE_BYTES = 2 * 1024 * 1024
ALLOWED_SUFFIXES = (".md", ".txt")
REQUIRED_FIELDS = ("id", "title", "kind")
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+_-]{0,99}$")
VERSION_RE = re.compile(r"^\d{1,4}(?:\.\d{1,4}){0,3}$")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~3x faster
FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


class DocumentError(LicenseQAError, ValueError):
    """Why one file cannot be used (the message is the skip reason)."""


class UnknownNameError(InputError):
    """A document id, kind or licence name that is none of the valid ones (a usage error, exit code 2)."""


def close_matches(value: str, valid: Iterable[str], n: int = 3) -> list[str]:
    """The valid names closest to ``value`` (case-insensitive, difflib), then those containing it."""
    names = sorted(set(valid), key=str.lower)
    by_lower: dict[str, str] = {}
    for name in names:
        by_lower.setdefault(name.lower(), name)
    wanted = value.strip().lower()
    found = [by_lower[m] for m in difflib.get_close_matches(wanted, list(by_lower), n=n, cutoff=0.6)]
    if len(wanted) >= 3:
        found += [name for name in names if wanted in name.lower() and name not in found]
    return found[:n]


def resolve_name(
    value: str,
    valid: Iterable[str],
    what: str = "document id",
    lead: str | None = None,
    error: type[UnknownNameError] = UnknownNameError,
    listing: str | None = None,
) -> str:
    """``value`` as spelled in ``valid``: ids and kinds are case-insensitive everywhere.

    An unknown value raises ``error`` (:class:`UnknownNameError` or a subclass): ``lead`` (default
    "Unknown {what} '{value}'."), the close matches, then ``listing`` (default "Valid {what}s") and every
    valid value.
    Document ids are unique case-insensitively (``scan_corpus`` refuses a second ``mit`` beside ``MIT``);
    should two valid values differ only in case, the exact spelling decides.
    """
    names = sorted(set(valid), key=lambda n: (n.lower(), n))
    text = value.strip() if isinstance(value, str) else ""
    if text in names:
        return text
    same = [n for n in names if n.lower() == text.lower()]
    if len(same) == 1:
        return same[0]
    if same:
        raise error(f"The {what} {value!r} is ambiguous: give one of {', '.join(same)}.")
    near = close_matches(text, names)
    hint = f" Did you mean {' or '.join(near)}?" if near else ""
    listing = listing or f"Valid {what}s"
    every = f" {listing}: {', '.join(names)}." if names else f" {listing}: none."
    raise error(f"{lead or f'Unknown {what} {value!r}.'}{hint}{every}")


def resolve_names(
    values: Iterable[str] | None, valid: Iterable[str], what: str = "document id"
) -> list[str] | None:
    """Each of ``values`` resolved with :func:`resolve_name` (order kept, repeats dropped); ``None`` or
    empty stays as it is (no filter)."""
    if values is None:
        return None
    names = list(valid)
    out: list[str] = []
    for value in values:
        name = resolve_name(value, names, what)
        if name not in out:
            out.append(name)
    return out


def decode_text(raw: bytes) -> str:
    """UTF-8 text without BOM and with ``\\n`` line ends, or :class:`DocumentError`."""
    if b"\x00" in raw:
        raise DocumentError("binary file (contains NUL bytes); expected UTF-8 text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"not valid UTF-8 (byte {exc.start})") from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def has_front_matter(text: str) -> bool:
    """Whether ``text`` starts with a ``---`` YAML block (well-formed or not)."""
    return FRONT_MATTER_RE.match(text.removeprefix("\ufeff").replace("\r\n", "\n")) is not None


def document_problems(raw: bytes) -> tuple[dict[str, Any] | None, str, int, list[str]]:
    """Every problem found in one file's bytes, in the order the ingest checks them.

    Returns ``(front matter or None, body, first body line, problems)``. Checks that
    cannot run once an earlier one failed (no front matter to read in a binary file)
    are not run; independent ones (size, each front matter field) are all reported.
    """
    problems: list[str] = []
    if not raw.strip():
        return None, "", 0, ["empty file"]
    if len(raw) > MAX_FILE_BYTES:
        problems.append(f"file is {len(raw) / 1_048_576:.1f} MB; the limit is 2 MB")
    try:
        text = decode_text(raw)
    except DocumentError as exc:
        return None, "", 0, [*problems, str(exc)]
    match = FRONT_MATTER_RE.match(text)
    if not match:
        problems.append("missing front matter: the file must start with a '---' YAML block")
        return None, "", 0, problems
    try:
        meta = yaml.load(match.group(1), Loader=_YAML_LOADER)  # a safe loader (C or Python)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problems.append(f"malformed front matter{where}: {getattr(exc, 'problem', exc)}")
        return None, "", 0, problems
    if not isinstance(meta, dict):
        problems.append("malformed front matter: expected 'key: value' pairs")
        return None, "", 0, problems
    missing = [k for k in REQUIRED_FIELDS if not isinstance(meta.get(k), str) or not meta[k].strip()]
    if missing:
        problems.append(f"front matter lacks {', '.join(missing)}")
    if "id" not in missing and not ID_RE.match(meta["id"]):
        problems.append(f"invalid id {meta['id']!r}: use letters, digits, '.', '+', '_' or '-' (max 100)")
    aliases = meta.get("aliases", [])
    if aliases is None:
        aliases = []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        problems.append("front matter 'aliases' must be a list of strings")
    problems += _versions_problems(meta.get("versions"))
    body = text[match.end() :]
    if not body.strip():
        problems.append("no text after the front matter")
    first_line = match.group(0).count("\n") + 1
    if not match.group(0).endswith("\n"):
        first_line += 1
    return meta, body, first_line, problems


def _versions_problems(versions: object) -> list[str]:
    """The optional ``versions``: the model versions or generations the text covers (``["2.5"]``: the Qwen
    licence of 2024 is that of Qwen2.5, not of Qwen1.5 or Qwen2). Quoted strings, so that ``2.10`` stays
    ``2.10``."""
    if versions is None:
        return []
    if (
        not isinstance(versions, list)
        or not versions
        or not all(isinstance(v, str) and VERSION_RE.match(v.strip()) for v in versions)
    ):
        return [
            "front matter 'versions' must be a non-empty list of quoted version numbers "
            'such as ["2.5"] (the model versions the text covers)'
        ]
    return []


def document_versions(meta: dict[str, Any]) -> list[str]:
    """The ``versions`` a valid document's front matter states (empty: the text names none)."""
    return [v.strip() for v in meta.get("versions") or [] if isinstance(v, str) and v.strip()]


def parse_front_matter(raw: bytes) -> tuple[dict[str, Any], str, int]:
    """Validate one file's bytes: ``(front matter, body, 1-based file line of the body)``.

    Raises :class:`DocumentError` with the first problem found.
    """
    meta, body, first_line, problems = document_problems(raw)
    if problems:
        raise DocumentError(problems[0])
    assert meta is not None
    return meta, body, first_line


@dataclass(frozen=True)
class CorpusFile:
    """One file under the corpus sub-folders, judged the way the ingest judges it."""

    path: Path
    rel: str  # path inside the corpus folder, '/'-separated
    raw: bytes | None  # None when the file is not a document type or cannot be read
    digest: str | None
    meta: dict[str, Any] | None  # kept for a duplicate id too
    body: str
    first_line: int
    problems: tuple[str, ...]  # empty for a usable document

    @property
    def ok(self) -> bool:
        return not self.problems and self.meta is not None


def scan_corpus(corpus: Path) -> list[CorpusFile]:
    """Every file in the sub-folders of ``corpus``, sorted by path, with its problems.

    Top-level files (``NOTICE.md``, the audit trail) and hidden files are not documents. Suffixes
    are matched case-insensitively; a symlink leading outside the corpus and a second file with
    an id already used (case-insensitively) are problems.
    """
    root = corpus.resolve() if not corpus.is_symlink() else corpus.absolute()
    if not root.is_dir():
        return []
    root_real = root.resolve()
    files: list[CorpusFile] = []
    seen: dict[str, str] = {}
    for path in sorted(p for p in root.rglob("*") if p.parent != root):
        parts = path.relative_to(root).parts
        if any(part.startswith(".") for part in parts) or path.is_dir():
            continue
        rel = "/".join(parts)
        problem: str | None = None
        raw = b""
        if path.suffix.lower() not in ALLOWED_SUFFIXES:
            problem = f"unsupported file type {path.suffix or '(none)'}; use .md or .txt"
        elif path.is_symlink() and not path.resolve().is_relative_to(root_real):
            problem = "symlink points outside the corpus"
        else:
            try:
                raw = path.read_bytes()
            except OSError as exc:
                problem = f"cannot read file: {exc.strerror}"
        if problem is not None:
            files.append(CorpusFile(path, rel, None, None, None, "", 0, (problem,)))
            continue
        meta, body, first_line, problems = document_problems(raw)
        if meta is not None and not problems:
            other = seen.get(str(meta["id"]).lower())
            if other is not None:
                problems = [f"duplicate id {meta['id']!r} (already used by {other})"]
            else:
                seen[str(meta["id"]).lower()] = rel
        files.append(CorpusFile(path, rel, raw, sha256_bytes(raw), meta, body, first_line, tuple(problems)))
    return files
