"""Stable content hashes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_text(text: str) -> str:
    return sha256_bytes(text.encode("utf-8"))


def corpus_version(doc_hashes: Iterable[tuple[str, str]]) -> str:
    """A stable hash of all (doc_id, document hash) pairs, order-independent."""
    lines = "\n".join(f"{doc_id}\t{digest}" for doc_id, digest in sorted(doc_hashes))
    return sha256_text(lines)[:16]
