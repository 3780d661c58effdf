"""Extractive answers: the most relevant sentences of the top clauses, each cited, or an honest refusal.

Nothing is invented: every bullet is a sentence of a retrieved clause (trimmed
when long), and every citation carries the verbatim quote with its source path
and line range.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from licenseqa.answering.retrieval import Retrieval, Retriever
from licenseqa.answering.situation import (
    guess_use_case,
    leading_and_subordinate,
    wants_compat,
    wants_obligations,
)
from licenseqa.errors import InputError
from licenseqa.knowledge.osadl import Knowledge
from licenseqa.models import Answer, Citation, Clause, Hit

MAX_QUESTION_CHARS = 4000
DISCLAIMER = "Information from the cited clauses, not legal advice."
ABSTAIN_TEXT = (
    "This is not covered by the licensing corpus: no clause or guidance section answers it. "
    "Please ask the legal team (Legal - Open Source Program Office)."
)

# Abstention calibration (see docs/evaluation.md): the question must resemble a clause
# (best dense cosine similarity) or name a licence in the corpus.
MIN_DENSE_SIMILARITY = 0.30
MAX_BULLETS = 5
MAX_CITED_CLAUSES = 4
MAX_BULLET_WORDS = 60
# a further clause is cited only if its fused score is at least this share of the best one
RELATIVE_SCORE_CUT = 0.6

_STOP = set(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "for",
        "and",
        "or",
        "is",
        "are",
        "be",
        "can",
        "may",
        "must",
        "do",
        "does",
        "did",
        "i",
        "we",
        "you",
        "my",
        "our",
        "your",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "with",
        "by",
        "as",
        "at",
        "from",
        "under",
        "what",
        "which",
        "who",
        "whom",
        "how",
        "when",
        "where",
        "why",
        "if",
        "any",
        "all",
        "not",
        "no",
        "have",
        "has",
        "had",
        "will",
        "would",
        "should",
        "could",
        "into",
        "about",
        "there",
        "their",
        "they",
        "them",
        "than",
        "then",
        "so",
        "such",
        "license",
        "licence",
        "licenses",
        "licences",
        "licensed",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")
_SENTENCE_END = re.compile(r"(?<=[.;:!?])[\"”)]?\s+(?=[\"“(]?[A-Z0-9(])|\n\s*\n|\n(?=\s*[-*] )")


def validate_question(question: str) -> str:
    """Return the stripped question or raise :class:`InputError` with a message for the user."""
    if not isinstance(question, str):
        raise InputError("The question must be text.")
    text = question.strip()
    if not text:
        raise InputError("The question is empty. Ask about a licence, a clause or our guidance.")
    if len(text) > MAX_QUESTION_CHARS:
        raise InputError(
            f"The question is {len(text):,} characters long; the limit is {MAX_QUESTION_CHARS:,}. Shorten it."
        )
    bad = [ch for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\t\r"]
    if bad:
        shown = ", ".join(repr(c) for c in sorted(set(bad)))[:60]
        raise InputError(f"The question contains control characters ({shown}). Remove them and ask again.")
    return text


def _words(text: str) -> list[str]:
    out = []
    for w in _WORD.findall(text.lower()):
        if w in _STOP or len(w) < 2:
            continue
        out.append(w[:-1] if len(w) > 4 and w.endswith("s") else w)
    return out


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    score: float


def _sentences(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    out = []
    for s, e in spans:
        seg = text[s:e]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg.rstrip())
        if seg.strip():
            out.append((s + lead, s + trail))
    return out


def _best_sentences(clause: Clause, qwords: set[str], limit: int) -> list[_Span]:
    spans = _sentences(clause.text)
    scored: list[_Span] = []
    for i, (s, e) in enumerate(spans):
        words = _words(clause.text[s:e])
        if len(words) < 3:
            continue
        overlap = len(qwords & set(words))
        score = overlap + (0.5 if i == 0 else 0.0) + min(len(words), 40) / 400
        scored.append(_Span(s, e, score))
    if not scored:
        s, e = spans[0] if spans else (0, len(clause.text))
        return [_Span(s, e, 0.0)]
    best = sorted(scored, key=lambda x: -x.score)[:limit]
    return sorted(best, key=lambda x: x.start)


def _display(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\*\*(.+?)\*\*|__(.+?)__|`([^`]+)`", lambda m: next(g for g in m.groups() if g), text)
    text = re.sub(r"^(\(?[0-9a-zA-Z]{1,5}[.)]|\d+(\.\d+)*\.?|[-*])\s+(?=\S)", "", text)
    words = text.split(" ")
    if len(words) > MAX_BULLET_WORDS:
        text = " ".join(words[:MAX_BULLET_WORDS]).rstrip(",;:") + " …"
    return text


def _line_range(clause: Clause, start: int, end: int) -> tuple[int, int]:
    first = clause.start_line + clause.text.count("\n", 0, start)
    last = clause.start_line + clause.text.count("\n", 0, end)
    return first, last


def cite_label(title: str, section: str | None) -> str:
    return f"{title} §{section}" if section else title


def compose(question: str, retrieval: Retrieval) -> tuple[str, tuple[Citation, ...], bool]:
    """Build the answer text and its citations from retrieved clauses; abstain without evidence."""
    hits = retrieval.hits
    if not hits or (retrieval.best_dense < MIN_DENSE_SIMILARITY and not retrieval.named):
        return ABSTAIN_TEXT, (), True
    qwords = set(_words(question))
    chosen: list[Hit] = []
    seen_sections: set[tuple[str, str | None]] = set()
    top_score = hits[0].score
    for hit in hits:
        if chosen and hit.score < RELATIVE_SCORE_CUT * top_score:
            break  # the rest are much weaker than the best clause: do not pad the answer
        if chosen and not qwords & set(_words(hit.clause.text)):
            continue  # shares no content word with the question
        key = (hit.clause.doc_id, hit.clause.section)
        if key in seen_sections and hit.clause.section is not None:
            continue
        seen_sections.add(key)
        chosen.append(hit)
        if len(chosen) >= MAX_CITED_CLAUSES:
            break
    bullets: list[str] = []
    citations: list[Citation] = []
    for n, hit in enumerate(chosen, start=1):
        clause = hit.clause
        spans = _best_sentences(clause, qwords, 2 if n == 1 else 1)
        quote_start, quote_end = spans[0].start, spans[-1].end
        for span in spans:
            if len(bullets) < MAX_BULLETS:
                bullets.append(f"- {_display(clause.text[span.start : span.end])} [{n}]")
        first, last = _line_range(clause, quote_start, quote_end)
        citations.append(
            Citation(
                n=n,
                doc_id=clause.doc_id,
                title=clause.title,
                section=clause.section,
                heading=clause.heading,
                quote=clause.text[quote_start:quote_end],
                source=clause.source,
                start_line=first,
                end_line=last,
            )
        )
    top = chosen[0].clause
    where = cite_label(top.title, top.section) + (f" ({top.heading})" if top.heading else "")
    lead = f"The most relevant clause is {where} [1]."
    return lead + "\n\n" + "\n".join(bullets), tuple(citations), False


def answer(
    question: str,
    retriever: Retriever,
    *,
    k: int = 10,
    doc_ids: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
    knowledge: Knowledge | None = None,
) -> Answer:
    """Answer ``question`` from the index behind ``retriever`` (extractive mode).

    When the question asks what a named licence requires, or whether two named licences
    combine, the OSADL checklist / compatibility verdict (``knowledge``, default: the
    bundled data) is attached with its citations.
    """
    started = time.perf_counter()
    text = validate_question(question)
    retrieval = retriever.retrieve(text, k=k, doc_ids=doc_ids, kinds=kinds)
    retrieved_at = time.perf_counter()
    body, citations, abstained = compose(text, retrieval)
    obligations, compatibility = (None, None)
    if retrieval.named:
        kb = knowledge if knowledge is not None else default_knowledge()
        if kb is not None:
            obligations, compatibility = checklist_for(
                text, list(retrieval.named), list(retrieval.mentions), kb
            )
    if compatibility is not None:
        verdict = compatibility.get("verdict") or "not covered"
        lead = (
            f"OSADL compatibility, {compatibility['subordinate']} inside a {compatibility['leading']} work: "
            f"{verdict}."
        )
        body = lead + "\n" + body
    elif obligations is not None and obligations.get("items"):
        body = (
            f"OSADL checklist for {obligations['license']} ({obligations['use_case']}): "
            f"{len(obligations['items'])} obligations, each cited below.\n" + body
        )
    done = time.perf_counter()
    warnings: list[str] = []
    unknown = [d for d in (doc_ids or []) if d not in retriever.state.docs]
    if unknown:
        warnings.append(f"Unknown document id(s) in the filter: {', '.join(unknown)}")
    return Answer(
        question=text,
        text=body,
        abstained=abstained,
        citations=citations,
        retrieved=retrieval.hits,
        corpus_version=retrieval.corpus_version,
        mode="extractive",
        warnings=tuple(warnings),
        obligations=obligations,
        compatibility=compatibility,
        timings_ms={
            "retrieve": round((retrieved_at - started) * 1000, 2),
            "compose": round((done - retrieved_at) * 1000, 2),
            "total": round((done - started) * 1000, 2),
        },
    )


def default_knowledge() -> Knowledge | None:
    from licenseqa.knowledge.osadl import DATA

    return Knowledge.load() if DATA.exists() else None


def checklist_for(
    question: str, named: list[str], positions: list[tuple[int, str]], kb: Knowledge
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(obligations, compatibility) the question asks for, or (None, None)."""
    if len(named) >= 2 and wants_compat(question):
        lead, sub = leading_and_subordinate(question, named, positions)
        try:
            return None, kb.compat(lead, sub)
        except InputError as exc:
            return None, {
                "leading": lead,
                "subordinate": sub,
                "verdict": None,
                "explanation": f"{exc} The answer is from the clauses.",
                "direction": None,
                "citations": [],
            }
    if wants_obligations(question):
        return kb.obligations(named[0], guess_use_case(question)), None
    return None, None


def answer_to_dict(ans: Answer) -> dict[str, object]:
    """The JSON shape of ``licenseqa ask --json`` (``obligations`` / ``compatibility`` when present)."""
    out = _answer_dict(ans)
    if ans.obligations is not None:
        out["obligations"] = ans.obligations
    if ans.compatibility is not None:
        out["compatibility"] = ans.compatibility
    return out


def _answer_dict(ans: Answer) -> dict[str, object]:
    return {
        "question": ans.question,
        "answer": ans.text,
        "abstained": ans.abstained,
        "citations": [
            {
                "n": c.n,
                "doc_id": c.doc_id,
                "title": c.title,
                "section": c.section,
                "heading": c.heading,
                "quote": c.quote,
                "source": c.source,
                "start_line": c.start_line,
                "end_line": c.end_line,
            }
            for c in ans.citations
        ],
        "retrieved": [
            {
                "rank": h.rank,
                "doc_id": h.clause.doc_id,
                "section": h.clause.section,
                "score": h.score,
                "source": h.clause.source,
                "start_line": h.clause.start_line,
                "end_line": h.clause.end_line,
            }
            for h in ans.retrieved[:10]
        ],
        "timings_ms": ans.timings_ms,
        "corpus_version": ans.corpus_version,
        "mode": ans.mode,
        "warnings": list(ans.warnings),
    }


def render_text(ans: Answer) -> str:
    """Human-readable answer for the terminal."""
    lines = [ans.text, ""]
    if ans.citations:
        lines.append("Sources:")
        for c in ans.citations:
            heading = f" — {c.heading}" if c.heading else ""
            lines.append(
                f"[{c.n}] {cite_label(c.title, c.section)}{heading}  ({c.source}:{c.start_line}-{c.end_line})"
            )
            quote = re.sub(r"\s+", " ", c.quote).strip()
            lines.append(f'    "{quote[:300]}{"…" if len(quote) > 300 else ""}"')
        lines.append("")
    lines.extend(render_knowledge(ans))
    for w in ans.warnings:
        lines.append(f"warning: {w}")
    note = DISCLAIMER if ans.citations else "Not legal advice."
    lines.append(f"{note} Corpus version {ans.corpus_version}, mode {ans.mode}.")
    return "\n".join(lines)


def _cite(c: dict[str, Any] | None) -> str:
    if not c:
        return "(no clause found for this item)"
    label = cite_label(c["doc_id"], c.get("section"))
    return f"{label} ({c['source']}:{c['start_line']}-{c['end_line']})"


def render_knowledge(ans: Answer) -> list[str]:
    lines: list[str] = []
    if ans.compatibility is not None:
        lines.extend(render_compat(ans.compatibility))
        lines.append("")
    if ans.obligations is not None:
        lines.extend(render_obligations(ans.obligations))
        lines.append("")
    return lines


def render_compat(c: dict[str, Any]) -> list[str]:
    """An OSADL compatibility verdict as text lines, each cited clause with its file lines."""
    verdict = c.get("verdict") or "not covered by OSADL"
    lines = [f"Compatibility (OSADL): {c['subordinate']} inside a {c['leading']} work: {verdict}"]
    lines += [f"    {c[key]}" for key in ("direction", "explanation") if c.get(key)]
    lines += [f"    see {_cite(cit)}" for cit in c.get("citations", [])]
    return lines


def render_obligations(ob: dict[str, Any]) -> list[str]:
    head = f"Obligations checklist (OSADL) for {ob['license']}"
    lines = [head + (f", use case: {ob['use_case']}" if ob.get("use_case") else "")]
    for item in ob.get("items", []):
        verb = "MUST NOT" if item["kind"] == "must_not" else "MUST"
        cond = f" [if {'; '.join(item['conditions'])}]" if item.get("conditions") else ""
        alt = item.get("alternative")
        either = f" (alternative {alt['option'] + 1} of group {alt['group']})" if alt else ""
        lines.append(f"  - YOU {verb} {item['text']}{cond}{either} — {_cite(item.get('citation'))}")
    if ob.get("note"):
        lines.append(f"  {ob['note']}")
    return lines
