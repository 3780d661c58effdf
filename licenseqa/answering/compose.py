"""Extractive answers: the most relevant sentences of the top clauses, each cited, or an honest refusal.

Nothing is invented: every bullet is a sentence of a retrieved clause (trimmed
when long), and every citation carries the verbatim quote with its source path
and line range.
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from licenseqa.answering.analysis import Analysis
from licenseqa.answering.guidance_verdict import decide_by_guidance
from licenseqa.answering.language import language_name
from licenseqa.answering.normalise import clean_question
from licenseqa.answering.retrieval import GUIDANCE, Retrieval, Retriever, check_k
from licenseqa.answering.verdict import WORD as VERDICT_WORD
from licenseqa.answering.verdict import (
    Verdict,
    VerdictSentence,
    asked_sentences,
    decide,
    is_polar,
    relevant_facts,
)
from licenseqa.answering.verdict import steer as facts_steer
from licenseqa.corpus.library import NOT_REVIEWED
from licenseqa.corpus.library import TIER as LIBRARY_TIER
from licenseqa.errors import InputError
from licenseqa.index.status import source_changes
from licenseqa.knowledge.build import DocumentLinker
from licenseqa.knowledge.facts import EFFECT_WORDS, FACTS_DIR, FactCitation, FactsBook, FactsError
from licenseqa.knowledge.facts import compare as compare_facts
from licenseqa.knowledge.guidance_rules import GuidanceRules, GuidanceRulesError
from licenseqa.knowledge.osadl import Knowledge
from licenseqa.knowledge.vocabulary import Vocabulary
from licenseqa.models import PAGE_MARKER, Answer, Citation, Clause, Hit

MAX_QUESTION_CHARS = 4000
DISCLAIMER = "Information from the cited clauses, not legal advice."
ABSTAIN_TEXT = (
    "This is not covered by the licensing corpus: no clause or guidance section answers it. "
    "Please ask the legal team (Legal - Open Source Program Office)."
)

# Abstention calibration (see docs/evaluation.md): the question must resemble a clause
# (best dense cosine similarity) or name a licence in the corpus.
MIN_DENSE_SIMILARITY = 0.30
MAX_BULLETS = 6
MAX_LICENCE_CLAUSES = 3
MAX_POLICY_SECTIONS = 2
POLICY_HEADING = "Our policy:"
HOW_TO_ADD = (
    "The legal team can add it to the corpus (`licenseqa corpus import-scancode KEY`, or a text on the "
    "Manage "
    "corpus page); until then please ask the legal team (Legal - Open Source Program Office)."
)
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
_SENTENCE_END = re.compile(
    r"(?<=[.;:!?])[\"”)]?\s+(?=[\"“(]?[A-Z0-9(])|\n\s*\n|\n(?=\s*[-*] )|\n(?=[ \t]*\|)"  # a table row is one
)
_TABLE_ROW = re.compile(r"^\|(.*)\|$")
_CELL_BAR = re.compile(r"(?<!\\)\|")


def validate_question(question: str) -> str:
    """Return the stripped question or raise :class:`InputError` with a message for the user."""
    if not isinstance(question, str):
        raise InputError("The question must be text.")
    text = question.strip()
    if not text:
        raise InputError("The question is empty. Ask about a licence, a clause or our guidance.")
    if not clean_question(text).text:
        raise InputError(
            "The question has only invisible characters. Ask about a licence, a clause or our guidance."
        )
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


# Headings inside a clause's text are context, never a sentence of the answer (see ``_heading_lines``).
_ATX_HEADING = re.compile(r" {0,3}#{1,6}(?:\s.*)?")
_SETEXT_UNDERLINE = re.compile(r" {0,3}(?:=+|-{2,})\s*")
_LIST_ITEM = re.compile(r"\s*(?:[-*+•]|\d+[.)])\s")
_TITLE_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "vs",
        "via",
        "per",
        "nor",
        "but",
        "under",
        "over",
    ]
)
_TITLE_MAX_WORDS = 8
_TITLE_MAX_CHARS = 60


def _is_title_line(line: str) -> bool:
    """A short title-case line without end punctuation ("Vendor Portal Access", "Approval")."""
    text = line.strip().strip("*_").strip()
    if not text or len(text) > _TITLE_MAX_CHARS or _LIST_ITEM.match(line) or text[-1] in ".,;:!?)]\"'”’-":
        return False
    words = text.split()
    if len(words) > _TITLE_MAX_WORDS or not words[0][0].isupper():
        return False
    for word in words:
        bare = word.strip("()[]\"'“”‘’,&/")
        if not bare or bare.lower() in _TITLE_SMALL_WORDS:
            continue
        if not (bare[0].isupper() or bare[0].isdigit()):
            return False
    return any(ch.isalpha() for ch in text)


def _heading_lines(text: str) -> list[tuple[int, int]]:
    """Character spans of the heading lines of a clause's text: Markdown ``#`` headings, underlined
    (setext) headings with their underline, and short title-case lines without end punctuation that
    stand on their own line (after the start, a blank line, a finished sentence or another heading)
    and are followed by a line break and more text that does not continue them in lower case."""
    lines: list[tuple[int, int]] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        lines.append((pos, pos + len(raw.rstrip("\r\n"))))
        pos += len(raw)
    out: list[tuple[int, int]] = []
    for i, (s, e) in enumerate(lines):
        line = text[s:e]
        nxt = text[lines[i + 1][0] : lines[i + 1][1]] if i + 1 < len(lines) else ""
        prev = text[lines[i - 1][0] : lines[i - 1][1]].rstrip() if i > 0 else ""
        after_break = not prev or bool(out and out[-1] == lines[i - 1]) or prev[-1] in ".;:!?"
        if out and out[-1] == (s, e):
            continue  # the underline of the heading above
        if _ATX_HEADING.fullmatch(line):
            out.append((s, e))
        elif line.strip() and nxt.strip() and _SETEXT_UNDERLINE.fullmatch(nxt) and not _LIST_ITEM.match(line):
            out += [(s, e), lines[i + 1]]
        elif after_break and nxt.strip() and not nxt.lstrip()[0].islower() and _is_title_line(line):
            out.append((s, e))
    return out


def _sentences(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for hs, he in _heading_lines(text):  # a heading ends the text before it and is no sentence
        spans += _split_sentences(text, pos, hs)
        pos = he
    spans += _split_sentences(text, pos, len(text))
    return spans


def _split_sentences(text: str, begin: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = begin
    for m in _SENTENCE_END.finditer(text, begin, end):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, end))
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
        if len(words) < 3 or _is_header_row(clause.text, e):
            continue
        overlap = len(qwords & set(words))
        score = overlap + (0.5 if i == 0 else 0.0) + min(len(words), 40) / 400
        scored.append(_Span(s, e, score))
    if not scored:
        s, e = spans[0] if spans else (0, len(clause.text))
        return [_Span(s, e, 0.0)]
    best = sorted(scored, key=lambda x: -x.score)[:limit]
    return sorted(best, key=lambda x: x.start)


def _cells(line: str) -> list[str] | None:
    """The cells of a Markdown table row ``| a | b |``, or None when ``line`` is not one."""
    row = _TABLE_ROW.match(line.strip())
    return [c.strip().replace("\\|", "|") for c in _CELL_BAR.split(row.group(1))] if row else None


def _table_header(text: str, start: int) -> list[str] | None:
    """The header cells of the Markdown table whose row starts at ``text[start]`` (None: not in a table)."""
    before = text[:start].split("\n")[:-1]
    rows = []
    for line in reversed(before):
        if _cells(line) is None:
            break
        rows.append(line)
    if len(rows) < 2 or not re.fullmatch(r"[\s|:-]+", rows[-2]):
        return None  # the first row of a table is its header, the second its | --- | line
    return _cells(rows[-1])


def _is_header_row(text: str, end: int) -> bool:
    """Whether the line ending at ``text[end]`` is a Markdown table's header (its next line is ``|---|``)."""
    following = text[end:].split("\n", 2)
    return len(following) > 1 and re.fullmatch(r"\|[\s|:-]*-[\s|:-]*\|", following[1].strip()) is not None


def _row_text(text: str, header: list[str] | None) -> str:
    """A table row as a sentence: ``first cell — column: cell; column: cell`` (empty cells left out)."""
    cells = _cells(text) or []
    if header is None or len(header) != len(cells):
        return " — ".join(c for c in cells if c)
    rest = "; ".join(f"{h}: {c}" if h else c for h, c in zip(header[1:], cells[1:], strict=True) if c)
    return " — ".join(x for x in (cells[0], rest) if x)


def _display(text: str, header: list[str] | None = None) -> str:
    text = PAGE_MARKER.sub(" ", text)  # a page break of a PDF-derived text is no part of the sentence
    text = re.sub(r"\s+", " ", text).strip()
    if _cells(text) is not None:  # a Markdown table row (e.g. an uploaded DOCX table), under its header
        text = _row_text(text, header)
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


def _choose(hits: list[Hit], qwords: set[str], limit: int) -> list[Hit]:
    """The strongest clauses of one lane: within ``RELATIVE_SCORE_CUT`` of the lane's best, sharing a
    content word with the question, one per section."""
    chosen: list[Hit] = []
    seen: set[tuple[str, str | None]] = set()
    if not hits:
        return chosen
    top_score = hits[0].score
    for hit in hits:
        if chosen and hit.score < RELATIVE_SCORE_CUT * top_score:
            break  # the rest are much weaker than the best clause: do not pad the answer
        if chosen and not qwords & set(_words(hit.clause.text)):
            continue  # shares no content word with the question
        key = (hit.clause.doc_id, hit.clause.section)
        if key in seen and hit.clause.section is not None:
            continue
        seen.add(key)
        chosen.append(hit)
        if len(chosen) >= limit:
            break
    return chosen


def _each_version(chosen: list[Hit], hits: list[Hit], analysis: Analysis | None) -> list[Hit]:
    """For a family subject ("GPL", "LGPL"), the best clause of every version that was retrieved."""
    if analysis is None:
        return chosen
    out = list(chosen)
    for subject in analysis.subjects:
        if not subject.family:
            continue
        for doc_id in subject.doc_ids:
            if any(h.clause.doc_id == doc_id for h in out):
                continue
            best = next((h for h in hits if h.clause.doc_id == doc_id), None)
            if best is not None and len(out) < MAX_LICENCE_CLAUSES + 1:
                out.append(best)
    return out


def abstain_text(reason: str, analysis: Analysis | None, library_note: str = "") -> str:
    """The sentence for people that says why the question is declined; ``library_note``: why the LicenseDB
    library cannot answer it either (not built, or built without that text) and how to build it."""
    if reason == "other_language" and analysis is not None and analysis.language:
        return OTHER_LANGUAGE.format(language=language_name(analysis.language))
    if reason == "out_of_scope" and analysis is not None and analysis.out_of_scope:
        topic = analysis.labels.get(analysis.out_of_scope, analysis.out_of_scope)
        return (
            f"This is a question about {topic}, not about what a licence or our licensing policy says, "
            "so the "
            f"licensing corpus does not answer it. Please ask the team responsible for {topic}."
        )
    if reason == "not_in_corpus" and analysis is not None and analysis.unknown:
        parts = []
        for u in analysis.unknown:
            if u.scancode_keys:
                keys = ", ".join(f"`{k}`" for k in u.scancode_keys)
                parts.append(f"{u.name} is a licence known to ScanCode LicenseDB ({keys})")
            elif u.other_versions:
                held = ", ".join(f"`{d}`" for d in u.other_versions)
                verb = "covers" if len(u.other_versions) == 1 else "cover"
                parts.append(
                    f"{u.name} is a version whose licence text we do not hold ({held} {verb} other versions)"
                )
            else:
                parts.append(f"{u.name} is not a licence name we know")
        return (
            "; ".join(parts)
            + ", and it is not in our reviewed licence corpus, so this cannot be answered from its text. "
            + (library_note + " " if library_note else "")
            + HOW_TO_ADD
        )
    return ABSTAIN_TEXT


OTHER_LANGUAGE = (
    "This question seems to be written in {language}. The licensing corpus is in English and the search "
    "model reads English only, so it cannot be answered reliably: please ask it in English."
)


def question_notes(retrieval: Retrieval) -> list[str]:
    """Notes on how the question was read: normalised characters, a long question searched in part."""
    notes: list[str] = []
    analysis = retrieval.analysis
    note = analysis.cleaning.note() if analysis is not None and analysis.cleaning is not None else None
    if note:
        notes.append(note)
    if retrieval.unused:
        used = retrieval.sentences - retrieval.unused
        part = (
            f"{used} of its {retrieval.sentences} sentences, those asked and those naming a licence"
            if used
            else "the end of the sentence asked"
        )
        notes.append(
            f"The question is long ({retrieval.tokens:,} word pieces; the search model reads "
            f"{retrieval.budget}): the search used {part}. The rest was read only to understand the "
            "question; ask a shorter question if the answer misses part of it."
        )
    return notes


def _citation(n: int, clause: Clause, start: int, end: int) -> Citation:
    first, last = _line_range(clause, start, end)
    return Citation(
        n=n,
        doc_id=clause.doc_id,
        title=clause.title,
        section=clause.section,
        heading=clause.heading,
        quote=clause.text[start:end],
        source=clause.source,
        start_line=first,
        end_line=last,
        pages=clause.pages_of(start, end),
        tier=clause.tier,
    )


def compose(
    question: str, retrieval: Retrieval, library_note: str = "", reviewed: bool = False
) -> tuple[str, tuple[Citation, ...], str | None]:
    """The answer text and its citations, or a decline: ``(text, citations, abstain_reason or None)``.

    Licence clauses and guidance sections come from their own lanes: the governing licence clauses are
    cited first (every version of a family subject that was retrieved), then, under "Our policy", the
    guidance sections; when the question names no licence and guidance leads the ranking, guidance first.
    ``reviewed``: a reviewed guidance rule ties sections to the question (they were steered into the
    ranking), so a low dense similarity is no reason to decline.
    """
    analysis = retrieval.analysis
    reason = analysis.abstain_reason if analysis is not None else None
    if reason:
        return abstain_text(reason, analysis, library_note), (), reason
    hits = retrieval.hits
    if not hits or (retrieval.best_dense < MIN_DENSE_SIMILARITY and not retrieval.named and not reviewed):
        return ABSTAIN_TEXT, (), "no_evidence"
    qwords = set(_words(retrieval.query or question))
    licence_hits = [h for h in hits if h.clause.kind != GUIDANCE]
    policy_hits = [h for h in hits if h.clause.kind == GUIDANCE]
    licences = _each_version(_choose(licence_hits, qwords, MAX_LICENCE_CLAUSES), licence_hits, analysis)
    policy = _choose(policy_hits, qwords, MAX_POLICY_SECTIONS)
    guidance_first = hits[0].clause.kind == GUIDANCE
    groups = [(policy, True), (licences, False)] if guidance_first else [(licences, False), (policy, True)]

    lines: list[str] = []
    citations: list[Citation] = []
    for group, is_policy in groups:
        if not group:
            continue
        if is_policy and citations:
            lines.append(POLICY_HEADING)
        elif not is_policy and citations:
            lines.append("Licence text:")
        for hit in group:
            n = len(citations) + 1
            clause = hit.clause
            spans = _best_sentences(clause, qwords, 2 if n == 1 else 1)
            for span in spans:
                if len([x for x in lines if x.startswith("- ")]) < MAX_BULLETS:
                    shown = _display(
                        clause.text[span.start : span.end], _table_header(clause.text, span.start)
                    )
                    lines.append(f"- {shown} [{n}]")
            citations.append(_citation(n, clause, spans[0].start, spans[-1].end))
    top = citations[0]
    where = cite_label(top.title, top.section) + (f" ({top.heading})" if top.heading else "")
    lead = f"The most relevant clause is {where} [1]."
    return lead + "\n\n" + "\n".join(lines), tuple(citations), None


def answer(
    question: str,
    retriever: Retriever,
    *,
    k: int = 10,
    doc_ids: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
    knowledge: Knowledge | None = None,
    facts: FactsBook | None = None,
) -> Answer:
    """Answer ``question`` from the index behind ``retriever`` (extractive mode).

    When the question asks what a named licence requires, or whether two named licences
    combine, the OSADL checklist / compatibility verdict (``knowledge``, default: the
    bundled data) is attached with its citations. A yes/no question the licence ``facts`` (default: the
    bundled facts) decide starts with the verdict, each sentence cited (``answering.verdict``).
    """
    started = time.perf_counter()
    text = validate_question(question)
    check_k(k)
    doc_ids, kinds = retriever.resolve_filters(doc_ids, kinds)  # case-insensitive; unknown ones: an error
    analysis = retriever.analyse(text)
    text = analysis.question  # its canonical form (answering.normalise): every later stage reads this
    kb = knowledge if knowledge is not None else default_knowledge()
    obligations: dict[str, Any] | None = None
    compatibility: tuple[dict[str, Any], ...] = ()
    if analysis.named and analysis.abstain_reason is None and kb is not None:
        obligations, compatibility = checklist_for(analysis, kb)
    # the clauses each compatibility verdict rests on steer retrieval (knowledge, not wording, finds them)
    steer = tuple((c["doc_id"], c.get("section")) for v in compatibility for c in v.get("citations", []))
    book = facts if facts is not None else default_facts()
    if book is not None and analysis.abstain_reason is None:
        steer += tuple(k for k in facts_steer(analysis, book) if k not in steer)
    # what our policy decides (a yes/no question about our own process): it does not depend on retrieval,
    # and the guidance sections its rules cite are steered into the answer like the facts' clauses
    rules = default_guidance_rules() if analysis.abstain_reason is None else None
    vocabulary = Vocabulary.load()
    policy = decide_by_guidance(analysis, rules, vocabulary) if rules is not None else None
    if policy is not None and not kinds and not doc_ids:
        steer += tuple(k for k in ((c.doc, c.section) for c in policy.citations()) if k not in steer)
    library_note = ""
    if analysis.abstain_reason == "not_in_corpus" and not doc_ids and not kinds:
        from licenseqa.answering.library import library_decline_note

        tier = getattr(retriever, "library", None)
        found = answer_from_library(text, analysis, retriever, tier, k=k, started=started)
        if found is not None:
            return found
        library_note = library_decline_note(analysis, tier)
    verdict = None
    if book is not None and analysis.abstain_reason is None:
        process = policy is not None and rules is not None and rules.asks_about_process(asked_sentences(text))
        verdict = _with_policy(decide(analysis, book, vocabulary, compatibility), policy, process)
    retrieval = retriever.retrieve(
        text, k=k, doc_ids=doc_ids, kinds=kinds, analysis=analysis, steer=steer, decisive=_decisive(verdict)
    )
    retrieved_at = time.perf_counter()
    body, citations, abstain_reason = compose(text, retrieval, library_note, reviewed=policy is not None)
    verdict_out: dict[str, Any] | None = None
    facts_rows: tuple[dict[str, Any], ...] = ()
    head = ""  # the direct answer (a verdict, or that the facts do not decide): always the first line
    if abstain_reason is not None:
        obligations, compatibility = None, ()
    elif book is not None:
        if verdict is not None:
            head, citations, verdict_out = _verdict_lead(verdict, citations, retriever)
        elif analysis.subjects and is_polar(asked_sentences(text), text):
            said = relevant_facts(analysis, book, vocabulary)
            head, citations = _no_verdict_lead(said, citations, retriever)
        pair = _compared_pair(analysis, book)
        if pair is not None:
            facts_rows = tuple(compare_facts(*pair))
            body += "\n\n" + "\n".join(render_facts_compare(pair[0].doc_id, pair[1].doc_id, facts_rows))
    if abstain_reason is None and _names_a_stack(analysis.question):
        body += "\n\n" + STACK_POINTER
    if compatibility:
        leads = [
            f"OSADL compatibility, {c['subordinate']} inside a {c['leading']} work: "
            f"{c.get('verdict') or 'not covered'}."
            for c in compatibility
        ]
        body = "\n".join(leads) + "\n" + body
    elif obligations is not None and obligations.get("items"):
        body += (
            f"\nOSADL checklist for {obligations['license']} ({obligations['use_case']}): "
            f"{len(obligations['items'])} obligation{'' if len(obligations['items']) == 1 else 's'}, "
            "each cited below."
        )
    if head:
        body = head + "\n\n" + body
    done = time.perf_counter()
    warnings: list[str] = question_notes(retrieval)
    warnings += source_notes(retriever, citations, obligations, compatibility)
    return Answer(
        question=text,
        text=body,
        abstained=abstain_reason is not None,
        citations=citations,
        retrieved=retrieval.hits,
        corpus_version=retrieval.corpus_version,
        mode="extractive",
        warnings=tuple(warnings),
        obligations=obligations,
        compatibility=compatibility,
        analysis=analysis.to_dict(),
        abstain_reason=abstain_reason,
        verdict=verdict_out,
        facts_compare=facts_rows,
        timings_ms={
            "retrieve": round((retrieved_at - started) * 1000, 2),
            "compose": round((done - retrieved_at) * 1000, 2),
            "total": round((done - started) * 1000, 2),
        },
    )


def answer_from_library(
    text: str, analysis: Analysis, retriever: Retriever, tier: Any, *, k: int, started: float
) -> Answer | None:
    """The answer from the LicenseDB library texts of the licences ``analysis`` finds only there (its
    ``unknown`` licences' keys that the built library holds, at most ``MAX_LICENCE_CLAUSES``); None when
    ``tier`` is None or holds none of them. Same ranking and composition as the corpus, restricted to those
    texts; every citation is ``tier = "library"`` and the answer says they are not reviewed."""
    from dataclasses import replace

    from licenseqa.answering.library import library_lead, named_keys
    from licenseqa.answering.retrieval import SnapshotRetriever, library_snapshot

    if tier is None:
        return None
    built = tier.built_keys(named_keys(analysis.unknown))[:MAX_LICENCE_CLAUSES]
    if not built:
        return None
    snap = tier.snapshot(built, library_snapshot)
    plain = replace(analysis, unknown=())  # the licences are found: answer, do not decline
    retrieval = SnapshotRetriever(snap, retriever.embedder).retrieve(text, k=k, analysis=plain)
    retrieval = replace(retrieval, named=tuple(built), corpus_version=retriever.state.corpus_version)
    retrieved_at = time.perf_counter()
    body, citations, reason = compose(text, retrieval)
    if reason is not None:
        return None
    body = library_lead(built) + "\n\n" + body
    done = time.perf_counter()
    info = analysis.to_dict()
    info["library"] = list(built)
    return Answer(
        question=text,
        text=body,
        abstained=False,
        citations=citations,
        retrieved=retrieval.hits,
        corpus_version=retrieval.corpus_version,
        mode="extractive",
        warnings=tuple(question_notes(retrieval)),
        analysis=info,
        timings_ms={
            "retrieve": round((retrieved_at - started) * 1000, 2),
            "compose": round((done - retrieved_at) * 1000, 2),
            "total": round((done - started) * 1000, 2),
        },
    )


def source_notes(retriever: Retriever, citations: Sequence[Citation], *cited: Any) -> list[str]:
    """A note per cited document whose file changed on disk since it was indexed (emptied, edited, skipped
    by the ingest, removed): the quotes and line ranges are the indexed text's. ``cited``: obligations /
    compatibility data whose ``citation(s)`` name documents too."""
    corpus = getattr(retriever, "corpus_dir", None)
    if corpus is None:
        return []
    doc_ids = [c.doc_id for c in citations]
    stack = list(cited)
    while stack:  # doc ids of the checklist items' and verdicts' citations
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("doc_id"), str) and "start_line" in item:
                doc_ids.append(item["doc_id"])
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    changed = source_changes(corpus, retriever.state, doc_ids)
    return [
        f"The source of {doc_id} changed since it was indexed: {how}. The cited lines quote the indexed "
        "text and may not match the file."
        for doc_id, how in changed.items()
    ]


STACK_POINTER = (
    "To check a whole SBOM or dependency manifest, use the Stack check page (or `licenseqa stack FILE`): "
    "it reads CycloneDX, SPDX and package manifests and lists every component's obligations and conflicts."
)


def _names_a_stack(question: str) -> bool:
    from licenseqa.answering.detect import normalise

    term = next(t for t in Vocabulary.load().asks if t.id == "stack-check")
    return bool(term.find(normalise(question)))


def _compared_pair(analysis: Analysis, book: FactsBook) -> tuple[Any, Any] | None:
    """The two licences a comparison question names, when both have facts (first version of a family)."""
    if analysis.form != "compare" or len(analysis.subjects) < 2:
        return None
    docs = [s.doc_ids[0] for s in analysis.subjects[:2]]
    if docs[0] == docs[1] and len(analysis.subjects[1].doc_ids) > 1:
        docs[1] = analysis.subjects[1].doc_ids[1]
    found = [book.get(d) for d in docs]
    if found[0] is None or found[1] is None or docs[0] == docs[1]:
        return None
    return found[0], found[1]


def render_facts_compare(a: str, b: str, rows: Sequence[dict[str, Any]], limit: int = 8) -> list[str]:
    """The rows of a facts comparison that differ, as lines: "- patents: MIT not addressed; Apache-2.0 can
    (Apache-2.0 §3)"."""
    lines = [f"Licence facts, {a} vs {b} (where they differ; the full table is in the licence browser):"]
    shown = 0
    for r in rows:
        if not r["differs"] or r["kind"] != "activity":
            continue
        cells = []
        for doc, cell in ((a, r["a"]), (b, r["b"])):
            if cell is None:
                cells.append(f"{doc} -")
                continue
            ob = f" ({', '.join(cell['obligations'])})" if cell["obligations"] else ""
            labels = list(dict.fromkeys(c["label"] for c in cell["cite"]))[:2]
            where = f" ({'; '.join(labels)})" if labels else ""
            cells.append(f"{doc} {EFFECT_WORDS[cell['effect']]}{ob}{where}")
        lines.append(f"- {r['row']}: " + "; ".join(cells))
        shown += 1
        if shown >= limit:
            break
    if shown == 0:
        lines.append("- no difference in the activities' effects")
    return lines


# the first words of every answer to a yes/no question the licence facts do not decide
NO_VERDICT_LEAD = "The licence facts do not decide this question, so there is no yes or no here"
NO_VERDICT = f"{NO_VERDICT_LEAD}; the clauses below are the most relevant."
# the no-verdict lead when facts speak to the situation: they are stated, without a yes or no
NO_VERDICT_FACTS = f"{NO_VERDICT_LEAD}. What they state for the situation:"


def default_facts() -> FactsBook | None:
    """The bundled licence facts, or None when there are none (the answers stay extractive)."""
    try:
        return FactsBook.load(FACTS_DIR) if any(FACTS_DIR.glob("*.yaml")) else None
    except FactsError:
        logging.getLogger(__name__).warning("licence facts do not validate; verdicts are off", exc_info=True)
        return None


def _decisive(verdict: Verdict | None) -> tuple[tuple[str, str | None, str], ...]:
    """(document id, section, support phrase) of the clauses ``verdict`` rests on, in the order its
    sentences cite them."""
    out: list[tuple[str, str | None, str]] = []
    for sentence in verdict.sentences if verdict is not None else ():
        for c in sentence.cite:
            if (c.doc, c.section, c.phrase) not in out:
                out.append((c.doc, c.section, c.phrase))
    return tuple(out)


def _with_policy(licence: Verdict | None, policy: Verdict | None, process: bool = False) -> Verdict | None:
    """The verdict of the answer from the licence facts' (``licence``) and our policy's (``policy``): a
    question about a step of our process (``process``: approval, review, exception) is answered by our
    policy, with the licence's sentence beside it when the licence facts agree; a policy stricter than the
    licence (the licence allows, our policy does not) answers "no" and states both; otherwise the licence
    decides, and our policy only where the licence facts do not."""
    if licence is None or policy is None:
        return licence or policy
    if process:
        beside = licence.sentences[:1] if licence.value == policy.value else ()
        return replace(policy, sentences=policy.sentences + beside)
    if licence.value == "yes" and policy.value == "no":
        return Verdict(value="no", asks=policy.asks, sentences=policy.sentences + licence.sentences[:1])
    return licence


def default_guidance_rules() -> GuidanceRules | None:
    """The bundled guidance rules, or None when they do not validate (policy verdicts are then off)."""
    try:
        return GuidanceRules.load()
    except GuidanceRulesError:
        log = logging.getLogger(__name__)
        log.warning("guidance rules do not validate; policy verdicts are off", exc_info=True)
        return None


def _fact_numbers(
    citations: tuple[Citation, ...], retriever: Retriever
) -> tuple[list[Citation], Callable[[FactCitation], int | None]]:
    """The answer's citations as a list, and a function giving the citation number of a fact's clause: an
    existing citation of that clause, else the clause quoted at the fact's support phrase, appended (None
    when the phrase is not found in the clause)."""
    cites = list(citations)

    def number(fc: FactCitation) -> int | None:
        for c in cites:
            same = c.doc_id == fc.doc and (c.section or None) == (fc.section or None)
            if same and (fc.section is not None or not fc.phrase or _norm(fc.phrase) in _norm(c.quote)):
                return c.n
        own = (
            retriever.clauses_of(fc.doc, fc.section)
            if fc.section
            else [c for c in retriever.clauses_of(fc.doc) if not c.section]
        )
        found = DocumentLinker(own).cite_phrase(fc.phrase) if own and fc.phrase else None
        if found is None:
            return None
        clause = next(c for c in own if c.start_line == found["start_line"])
        n = len(cites) + 1
        cites.append(
            Citation(
                n=n,
                doc_id=clause.doc_id,
                title=clause.title,
                section=clause.section,
                heading=clause.heading,
                quote=found["quote"],
                source=clause.source,
                start_line=found["start_line"],
                end_line=found["end_line"],
                pages=_quote_pages(clause, found["quote"]),
            )
        )
        return n

    return cites, number


def _cited_sentences(
    sentences: Sequence[VerdictSentence], number: Callable[[FactCitation], int | None]
) -> tuple[list[str], list[int]]:
    """Each sentence with its citation marks ("... [1] [4]", in reading order of the sources), and every
    number cited."""
    parts: list[str] = []
    all_ns: list[int] = []
    for sentence in sentences:
        ns = sorted({n for n in (number(c) for c in sentence.cite) if n is not None})
        all_ns += [n for n in ns if n not in all_ns]
        parts.append(sentence.text.rstrip() + "".join(f" [{n}]" for n in ns))
    return parts, all_ns


def _verdict_lead(
    verdict: Verdict, citations: tuple[Citation, ...], retriever: Retriever
) -> tuple[str, tuple[Citation, ...], dict[str, Any]]:
    """The verdict's sentences with citation numbers; fact clauses not yet cited are appended."""
    cites, number = _fact_numbers(citations, retriever)
    parts, all_ns = _cited_sentences(verdict.sentences, number)
    text = " ".join([VERDICT_WORD[verdict.value], *parts])
    out = {
        "value": verdict.value,
        "text": text,
        "citations": all_ns,
        "asks": verdict.asks,
        "activities": list(verdict.activities),
        "obligations": list(verdict.obligations),
    }
    return text, tuple(cites), out


def _no_verdict_lead(
    facts: Sequence[VerdictSentence], citations: tuple[Citation, ...], retriever: Retriever
) -> tuple[str, tuple[Citation, ...]]:
    """The no-verdict sentence, then what the facts state for the situation (each sentence cited; their
    clauses not yet cited are appended), so the reviewed facts stay in the answer without a yes or no."""
    cites, number = _fact_numbers(citations, retriever)
    parts, _ = _cited_sentences(facts, number)
    if not parts:
        return NO_VERDICT, citations
    return " ".join([NO_VERDICT_FACTS, *parts]), tuple(cites)


def _quote_pages(clause: Clause, quote: str) -> tuple[int, int] | None:
    """The pages of ``quote`` in ``clause`` (the whole clause when it is not found verbatim)."""
    start = clause.text.find(quote) if quote else -1
    return clause.pages_of(0, len(clause.text)) if start < 0 else clause.pages_of(start, start + len(quote))


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def default_knowledge() -> Knowledge | None:
    from licenseqa.knowledge.osadl import DATA

    return Knowledge.load() if DATA.exists() else None


def checklist_for(
    analysis: Analysis, kb: Knowledge
) -> tuple[dict[str, Any] | None, tuple[dict[str, Any], ...]]:
    """(obligations, compatibility verdicts) the question asks for.

    Verdicts: one per (leading, subordinate) pair of the analysis (both directions when the question states
    none; never between versions of one family subject). Obligations: the OSADL checklist of the first
    licence for the use case the situation selects, when the question asks what must be done or names a
    way of shipping or running the software.
    """
    if analysis.combinations:
        verdicts = []
        for lead, sub in analysis.combinations:
            try:
                verdicts.append(kb.compat(lead, sub))
            except InputError as exc:
                verdicts.append(
                    {
                        "leading": lead,
                        "subordinate": sub,
                        "verdict": None,
                        "explanation": f"{exc} The answer is from the clauses.",
                        "direction": None,
                        "citations": [],
                    }
                )
        return None, tuple(verdicts)
    if analysis.subjects and (analysis.form == "what-must" or analysis.use_case is not None):
        return kb.obligations(analysis.subjects[0].doc_ids[0], analysis.use_case), ()
    return None, ()


def answer_to_dict(ans: Answer) -> dict[str, object]:
    """The JSON shape of ``licenseqa ask --json`` (``obligations`` / ``compatibility`` when present)."""
    out = _answer_dict(ans)
    if ans.obligations is not None:
        out["obligations"] = ans.obligations
    if ans.compatibility:
        out["compatibility"] = list(ans.compatibility)
    return out


def _answer_dict(ans: Answer) -> dict[str, object]:
    return {
        "question": ans.question,
        "answer": ans.text,
        "abstained": ans.abstained,
        "abstain_reason": ans.abstain_reason,
        "analysis": ans.analysis,
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
                "page": c.pages[0] if c.pages else None,
                "page_end": c.pages[1] if c.pages else None,
                "tier": c.tier,
                **({"label": NOT_REVIEWED} if c.tier == LIBRARY_TIER else {}),
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
        "verdict": ans.verdict,
        "facts_compare": list(ans.facts_compare),
    }


def render_text(ans: Answer) -> str:
    """Human-readable answer for the terminal."""
    lines = [ans.text, ""]
    if ans.analysis:
        lines += [f"Understood: {ans.analysis['summary']}", ""]
    if ans.citations:
        lines.append("Sources:")
        for c in ans.citations:
            heading = f" — {c.heading}" if c.heading else ""
            page = f", {c.page_label}" if c.pages else ""
            tier = f" [{NOT_REVIEWED}]" if c.tier == LIBRARY_TIER else ""
            lines.append(
                f"[{c.n}] {cite_label(c.title, c.section)}{heading}  "
                f"({c.source}:{c.start_line}-{c.end_line}{page}){tier}"
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
    for verdict in ans.compatibility:
        lines.extend(render_compat(verdict))
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
