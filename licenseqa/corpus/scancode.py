"""Corpus documents made from ScanCode LicenseDB `<key>.LICENSE` files, as ingest.build_corpus makes them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from licenseqa.corpus.admin import compose_document
from licenseqa.corpus.documents import FRONT_MATTER_RE, ID_RE, DocumentError
from licenseqa.errors import InputError

SCANCODE_SOURCE = (
    "ScanCode LicenseDB (scancode-toolkit 32.5.0), licenses/{key}.LICENSE; "
    "data CC-BY-4.0, Copyright (c) nexB Inc. and others"
)
DEFAULT_KIND = "software-permissive"


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Return (front matter, body) of a file that starts with a ``---`` block."""
    match = FRONT_MATTER_RE.match(text)
    if not match:
        return {}, text
    data = yaml.safe_load(match.group(1)) or {}
    return data, text[match.end() :]


def strip_blank_edges(body: str) -> str:
    lines = body.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines) + "\n"


def scancode_document(
    key: str, licenses_dir: Path, kind: str = DEFAULT_KIND, doc_id: str | None = None
) -> tuple[str, bytes]:
    """``(file name, file bytes)`` of the corpus document for ScanCode licence ``key``."""
    if not ID_RE.match(key):
        raise InputError(f"{key!r} is not a ScanCode licence key (e.g. mit-0, apache-2.0).")
    path = Path(licenses_dir) / f"{key}.LICENSE"
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"No ScanCode licence {key!r} in {licenses_dir} (expected {path.name}).") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Cannot read {path}: {exc}.") from None
    try:
        sc_meta, body = split_front_matter(raw.replace("\r\n", "\n"))
    except yaml.YAMLError:
        raise DocumentError(f"{path.name} has malformed front matter") from None
    if not isinstance(sc_meta, dict):
        raise DocumentError(f"{path.name} has malformed front matter")
    doc_id = doc_id or key
    meta: dict[str, Any] = {
        "id": doc_id,
        "title": str(sc_meta.get("name") or sc_meta.get("short_name") or key),
        "kind": kind,
    }
    if sc_meta.get("spdx_license_key"):
        meta["spdx"] = str(sc_meta["spdx_license_key"])
    meta["aliases"] = [key]
    meta["source"] = SCANCODE_SOURCE.format(key=key)
    meta["url"] = str(sc_meta.get("homepage_url") or "")
    return f"{doc_id}.txt", compose_document(meta, strip_blank_edges(body) if body.strip() else "")
