"""Plain, frozen data passed between the layers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_K = 100  # a retrieval returns at most this many hits (the -k / --k options are checked against it)


@dataclass(frozen=True)
class Clause:
    """One clause (or one window of a long clause) of a corpus document.

    ``text`` is the clause verbatim: ``source`` lines ``start_line``..``end_line``
    (1-based, inclusive) contain it. ``embed_text`` adds the document title,
    section and heading so the clause is findable by the licence's name.
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
