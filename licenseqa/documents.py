"""Validation of one corpus document's bytes: size, encoding, front matter schema.

Pure functions, shared by the ingest (``ingest.loader``) and the corpus management
(``licenseqa.corpus_admin``), so a file the admin accepts is a file the ingest loads.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from licenseqa.errors import LicenseQAError

MAX_FILE_BYTES = 2 * 1024 * 1024
ALLOWED_SUFFIXES = (".md", ".txt")
REQUIRED_FIELDS = ("id", "title", "kind")
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+_-]{0,99}$")
FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


class DocumentError(LicenseQAError, ValueError):
    """Why one file cannot be used (the message is the skip reason)."""


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
        meta = yaml.safe_load(match.group(1))
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
    body = text[match.end() :]
    if not body.strip():
        problems.append("no text after the front matter")
    first_line = match.group(0).count("\n") + 1
    if not match.group(0).endswith("\n"):
        first_line += 1
    return meta, body, first_line, problems


def parse_front_matter(raw: bytes) -> tuple[dict[str, Any], str, int]:
    """Validate one file's bytes: ``(front matter, body, 1-based file line of the body)``.

    Raises :class:`DocumentError` with the first problem found.
    """
    meta, body, first_line, problems = document_problems(raw)
    if problems:
        raise DocumentError(problems[0])
    assert meta is not None
    return meta, body, first_line
