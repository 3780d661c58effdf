"""Plain, frozen data passed between the layers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

MAX_K = 100  # a retrieval returns at most this many hits (the -k / --k options are checked against it)

# A page marker of a PDF-derived document: the line "[page N]" opens page N's text.
PAGE_MARKER = re.compile(r"^\[page (\d+)\]$", re.MULTILINE)


@dataclass(frozen=True)
class Clause:
    """One clause (or one window of a long clause) of a corpus document.

    ``text`` is the clause verbatim: ``source`` lines ``start_line``..``end_line``
    (1-based, inclusive) contain it. ``embed_text`` adds the document title,
    section and heading so the clause is findable by the licence's name. ``page`` is the page
    of a PDF-derived document (``[page N]`` marker lines) that ``start_line`` is on, else None.
    """

    doc_id: str
    title: str
    kind: str
    section: str | None
    heading: str | None
    text: str
    source: str
    start_line: int
    end_line: int
    part: int = 0
    parts: int = 1
    page: int | None = None
    tier: str = "corpus"  # "corpus" (reviewed by our legal team), "library" (a LicenseDB text, not reviewed)

    def pages_of(self, start: int, end: int) -> tuple[int, int] | None:
        """The first and last page of ``text[start:end]`` (page markers inside the clause count)."""
        if self.page is None:
            return None
        base = self.page

        def page_at(offset: int) -> int:
            found = base
            for m in PAGE_MARKER.finditer(self.text):
                if m.start() > offset:
                    break
                found = int(m.group(1))
            return found

        first = page_at(start)
        return first, max(first, page_at(max(start, end - 1)))

    @property
    def label(self) -> str:
        """Human citation label, e.g. ``Apache-2.0 §4(d)``."""
        return f"{self.doc_id} §{self.section}" if self.section else self.doc_id

    @property
    def embed_text(self) -> str:
        return context_header(self.title, self.section, self.heading) + "\n" + self.text


def context_header(title: str, section: str | None, heading: str | None) -> str:
    parts = [title]
    if section:
        parts.append(f"§{section}")
    if heading:
        parts.append(heading)
    return " — ".join(parts)


@dataclass(frozen=True)
class Hit:
    """A retrieved clause with its score and rank (1-based)."""

    clause: Clause
    score: float
    rank: int


@dataclass(frozen=True)
class Citation:
    n: int
    doc_id: str
    title: str
    section: str | None
    heading: str | None
    quote: str
    source: str
    start_line: int
    end_line: int
    pages: tuple[int, int] | None = None  # first and last page of the quote in a PDF-derived document
    tier: str = "corpus"  # "library": a LicenseDB text, not reviewed by our legal team (corpus.library)

    @property
    def page_label(self) -> str:
        """``"p. 2"``, ``"pp. 2-3"``, or ``""`` when the document has no pages."""
        return page_label(self.pages)


def page_label(pages: tuple[int, int] | None) -> str:
    if pages is None:
        return ""
    first, last = pages
    return f"p. {first}" if first == last else f"pp. {first}-{last}"


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    abstained: bool
    citations: tuple[Citation, ...]
    retrieved: tuple[Hit, ...]
    corpus_version: str
    mode: str = "extractive"
    warnings: tuple[str, ...] = field(default_factory=tuple)
    timings_ms: dict[str, float] = field(default_factory=dict)
    obligations: dict[str, Any] | None = None  # OSADL checklist of one use case, items cited
    # OSADL verdicts, one per direction answered (leading, subordinate); empty when no combination is asked
    compatibility: tuple[dict[str, Any], ...] = ()
    analysis: dict[str, Any] | None = None  # the question model (answering.analysis.Analysis.to_dict())
    abstain_reason: str | None = None  # "not_in_corpus" | "out_of_scope" | "no_evidence" | "other_language"
    # the facts' verdict of a yes/no question: {"value": "yes"|"no"|"conditional", "text", "citations": [n],
    # "asks", "activities", "obligations"}; None when the question is not yes/no or the facts do not decide
    verdict: dict[str, Any] | None = None
    # a comparison question between two licences with facts: licenseqa.knowledge.facts.compare() rows
    facts_compare: tuple[dict[str, Any], ...] = ()
