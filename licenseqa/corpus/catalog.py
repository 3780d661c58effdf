"""Document catalogue for browsing: facts from front matter, outline from the index, full text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from licenseqa.models import Clause


@dataclass(frozen=True)
class OutlineEntry:
    section: str | None
    heading: str | None
    start_line: int
    end_line: int

    @property
    def anchor(self) -> str:
        return section_anchor(self.section, self.start_line)


@dataclass(frozen=True)
class DocumentView:
    doc_id: str
    title: str
    kind: str
    spdx: str
    source: str
    aliases: tuple[str, ...]
    facts: dict[str, Any]
    outline: tuple[OutlineEntry, ...]
    lines: tuple[str, ...] = field(repr=False)

    def clause_for(self, section: str | None, line: int | None = None) -> OutlineEntry | None:
        """The outline entry named by ``section`` (and ``line`` when a section has several parts)."""
        candidates = [e for e in self.outline if section is not None and e.section == section]
        if line is not None:
            for e in self.outline:
                if e.start_line <= line <= e.end_line and (section is None or e.section == section):
                    return e
        return candidates[0] if candidates else None


def section_anchor(section: str | None, start_line: int) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", (section or "text").lower()).strip("-")
    return f"sec-{slug}-l{start_line}"


def document_view(root: Path, source: str, clauses: list[Clause]) -> DocumentView:
    """Build the view of one document. ``root`` is the folder ``source`` paths are relative to."""
    from licenseqa.corpus.documents import DocumentError, parse_front_matter

    try:
        raw = (root / source).read_bytes()
    except OSError:
        raw = b""
    text = raw.decode("utf-8", errors="replace").replace("\r\n", "\n")  # as read_text did
    try:
        meta = parse_front_matter(raw)[0] if raw else {}
    except DocumentError:
        meta = {}  # a file the ingest would skip: no facts
    first = clauses[0] if clauses else None
    entries: list[OutlineEntry] = []
    for c in sorted(clauses, key=lambda c: (c.start_line, c.part)):
        if entries and entries[-1].section == c.section and c.start_line <= entries[-1].end_line + 1:
            prev = entries[-1]
            entries[-1] = OutlineEntry(
                prev.section, prev.heading, prev.start_line, max(prev.end_line, c.end_line)
            )
        else:
            entries.append(OutlineEntry(c.section, c.heading, c.start_line, c.end_line))
    facts = {
        k: meta[k]
        for k in (
            "kind",
            "spdx",
            "versions",
            "url",
            "source",
            "owner",
            "last_reviewed",
            "permissions",
            "conditions",
            "limitations",
        )
        if meta.get(k)
    }
    return DocumentView(
        doc_id=str(meta.get("id") or (first.doc_id if first else source)),
        title=str(meta.get("title") or (first.title if first else source)),
        kind=str(meta.get("kind") or (first.kind if first else "")),
        spdx=str(meta.get("spdx") or ""),
        source=source,
        aliases=tuple(str(a) for a in meta.get("aliases") or ()),
        facts=facts,
        outline=tuple(entries),
        lines=tuple(text.split("\n")),
    )


def search_documents(
    docs: list[dict[str, Any]], query: str, kinds: list[str] | None = None
) -> list[dict[str, Any]]:
    """Filter catalogue rows (``doc_id``, ``title``, ``kind``, ``aliases``, ``spdx``) by text and kind."""
    q = query.strip().lower()
    out = []
    for d in docs:
        if kinds and d["kind"] not in kinds:
            continue
        names = [d["doc_id"], d["title"], d.get("spdx", ""), *d.get("aliases", [])]
        if q and not any(q in str(n).lower() for n in names):
            continue
        out.append(d)
    return sorted(out, key=lambda d: (d["kind"], d["title"].lower()))
