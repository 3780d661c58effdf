"""Hybrid retrieval: dense (Chroma) + lexical (BM25) over the same clauses, fused by reciprocal rank.

Dense search is exact: each corpus-version snapshot holds the stored clause vectors (read from
Chroma) and scores them with one matrix product, well under a millisecond for thousands of clauses.
Chroma's HNSW search is approximate, and it missed a newly added clause whose content is far from the
rest of the corpus (an off-topic guidance page) even at ef_search 500 — a recall miss a citation tool
cannot afford. Chroma stays the store of record (vectors, texts, metadata, index state).

Two lanes. Licence texts and our guidance are ranked separately, each by its own fused lists, and then
merged: the lane that leads (licences when the question names one; otherwise guidance for a question
about our process, else the lane whose best clause is closer to the question) takes ranks 1-4, the other
rank 5, and then they alternate. So a named licence's clause is always near the top and guidance never
takes every slot (long guidance sections used to outrank the clause that governs), nor is it dropped. The
lead lane has four of the five places because the clause that governs is often not the one whose words are
closest to the question (a definition, the section a condition sits in), while the other lane's best match
is what it adds (a second guidance section follows at rank 7).

Licences named in the question are preferred within the licence lane: their clauses get two more ranked
lists (dense and BM25 restricted to them), so they outrank look-alike clauses of sibling licences
(Llama 3.1/3.2/3.3). A warranty or liability disclaimer (a text property: "AS IS", "WITHOUT WARRANTY",
"DISCLAIM") is boilerplate that answers only warranty questions, so it is down-weighted unless the
question's situation is warranty / liability. Near-identical clauses of other documents are collapsed so
they cannot crowd the list, and the chunks of one long clause (the splitter cuts a clause longer than the
model reads) count once: the best chunk takes the clause's place, the others follow the top ten.

The clause a verdict rests on comes first. When the licence facts (or our policy's rules) decide a
yes/no question, the answer states the conclusion and cites the clauses it rests on; the first place,
which the answer names "the most relevant clause", is then one of those (``decisive``): the one the
ranking above places best, so the question's words still choose among them. Measured (session 32,
docs/evaluation.md): dev2 MRR 0.701 -> 0.811, hit@5 0.882 -> 0.927; dev MRR 0.944 -> 0.957; hit@1 up
on all four public-thread sets. Moving more than one verdict clause up raised hit@5 a little more but
pushed other clauses out of the three quoted, so fewer answers quoted the governing clause.

A long question is searched by the part of it the embedding model reads (``max_tokens`` word pieces,
256 for the bundled model; the rest would be cut off silently, and the question asked usually comes
last): its sentences in the analysis's ``key_order`` (asked, naming a licence, naming a situation, the
rest) while they fit, in question order. Both lanes' dense and lexical lists use that search text; the
analysis still reads the whole question, and ``Retrieval.unused`` counts the sentences left out.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from licenseqa.answering.analysis import Analysis, QuestionAnalyser
from licenseqa.answering.detect import DocName, LicenseDetector, remove_spans
from licenseqa.corpus.documents import resolve_names
from licenseqa.errors import InputError
from licenseqa.index.embeddings import Embedder, canonical_model_name, encoder_of
from licenseqa.index.store import ChromaStore, IndexState
from licenseqa.models import MAX_K, Clause, Hit

log = logging.getLogger(__name__)

RRF_K = 60
# the weight of the steered list (clauses reviewed knowledge ties to the question) after the first place:
# 2 measured best on dev2 (hit@5 0.864 -> 0.882, licence hit@5 0.840 -> 0.860, citation 0.927 -> 0.936) and
# on two fresh question sets (hit@5 +0.09 / +0.05), with dev's MRR 0.949 -> 0.944 (one question one place
# lower); 3 moved more clauses around for little more (docs/evaluation.md, session 30)
STEER_WEIGHT = 2.0
DENSE_CANDIDATES = 60
LEXICAL_CANDIDATES = 60
NEAR_DUPLICATE = 0.85
# unnumbered text (titles, preambles, how-to-apply appendices) of a licence that has numbered
# clauses is rarely the operative term a question is about
UNNUMBERED_PRIOR = 0.5

_WORD = re.compile(r"[a-z0-9]+")
DISCLAIMER_PRIOR = 0.5
_DISCLAIMER = re.compile(r"\bAS IS\b|WITHOUT (?:ANY )?WARRANT|\bdisclaim|NO WARRANTY", re.I)
# the named-licence query adds the labels of the situation's activities (the question model steers it)
EXPAND_WITH_SITUATION = True
# a definition question ("what does X mean", "what counts as Y") is answered by a definition: a clause
# headed "Definitions" or one that defines a term ("'Convey' means", "X shall mean")
DEFINITION_PRIOR = 2.0
_DEFINITION_HEADING = re.compile(r"\bdefinitions?\b|\binterpretation\b", re.I)
_DEFINES = re.compile(
    r"[\"\u201c][^\"\u201d]{1,60}[\"\u201d],? (?:means|refers to|shall mean|is defined)\b"
    r"|\bTo \u201c\w+\u201d",
    re.I,
)
LEAD_SLOTS = 4
OTHER_SLOTS = 1
GUIDANCE = "guidance"


def _tokens(text: str) -> set[str]:
    return {t for t in _WORD.findall(text.lower()) if not t.isdigit()}


@dataclass(frozen=True)
class Retrieval:
    """Ranked clauses plus the evidence used to decide whether to answer at all."""

    hits: tuple[Hit, ...]
    named: tuple[str, ...]
    best_dense: float
    corpus_version: str
    mentions: tuple[tuple[int, str], ...] = ()  # (position in the normalised question, named doc id)
    analysis: Analysis | None = None
    query: str = ""  # the text searched: the question, or the part of a long one the model reads
    unused: int = 0  # sentences of a long question left out of the search
    sentences: int = 0  # sentences of the question
    tokens: int = 0  # word pieces of the whole question, when it is longer than the model reads
    budget: int = 0  # word pieces the embedding model reads, when the question is longer


class _Snapshot:
    """Clauses, BM25 index and licence detector of one corpus version."""

    def __init__(
        self, state: IndexState, records: list[tuple[str, Clause, Any]], library_names: bool = True
    ) -> None:
        """``library_names``: the analyser resolves names against the LicenseDB library (the corpus
        snapshot); False for a snapshot of library texts (``answering.library``)."""
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG on import

        self.state = state
        clauses = [c for _, c, _ in records]
        self.clauses = clauses
        # the stored (normalised) clause vectors, for exact dense search
        _single_threaded_blas()
        self.vectors = np.asarray([v for _, _, v in records], dtype=np.float32).reshape(len(records), -1)
        self.doc_of = np.array([c.doc_id for c in clauses])
        self.kind_of = np.array([c.kind for c in clauses])
        self.token_sets = [_tokens(c.text) for c in clauses]
        numbered_docs = {c.doc_id for c in clauses if c.section}
        self.unnumbered_in_numbered = np.array(
            [c.section is None and c.doc_id in numbered_docs for c in clauses]
        )
        self.disclaimer = np.array([bool(_DISCLAIMER.search(c.text)) for c in clauses])
        self.definition = np.array(
            [bool(_DEFINITION_HEADING.search(c.heading or "") or _DEFINES.search(c.text)) for c in clauses]
        )
        self.guidance = self.kind_of == GUIDANCE
        self.by_section: dict[tuple[str, str | None], list[int]] = {}
        for i, c in enumerate(clauses):
            self.by_section.setdefault((c.doc_id, c.section), []).append(i)
        self.bm25 = bm25s.BM25()
        corpus_tokens = bm25s.tokenize([c.embed_text for c in clauses], stopwords="en", show_progress=False)
        self.bm25.index(corpus_tokens, show_progress=False)
        self.detector = LicenseDetector(
            DocName(d.doc_id, d.title, d.spdx, tuple(d.aliases), tuple(d.versions), d.kind)
            for d in state.docs.values()
        )
        self.analyser = QuestionAnalyser(
            self.detector, library=_library_names(state) if library_names else None
        )

    def positions(self, keys: Sequence[tuple[str, str | None]]) -> list[int]:
        """Clause positions of (document id, section) keys, in the order given."""
        out: list[int] = []
        for doc_id, section in keys:
            out += [i for i in self.by_section.get((doc_id, section), ()) if i not in out]
        return out

    def top_dense(self, vector: Any, allowed: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Exact cosine top-k among ``allowed`` clauses (vectors are stored normalised)."""
        if not len(self.clauses) or not allowed.any():
            return []
        q = np.asarray(vector, dtype=np.float32)
        scores = np.where(allowed, self.vectors @ q, -np.inf)
        k = min(k, int(allowed.sum()))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top]

    def bm25_scores(self, question: str) -> np.ndarray:
        import bm25s

        tokens = bm25s.tokenize([question], stopwords="en", show_progress=False, return_ids=False)
        words = [w for w in tokens[0] if w in self.bm25.vocab_dict] if tokens else []
        if not words:
            return np.zeros(len(self.clauses), dtype=np.float32)
        return np.asarray(self.bm25.get_scores(words), dtype=np.float32)


class Retriever:
    """Retrieve clauses for a question. Backends are passed in; the snapshot follows the index."""

    def __init__(
        self,
        store: ChromaStore,
        embedder: Embedder,
        refresh_seconds: float = 2.0,
        corpus_dir: Path | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.corpus_dir = corpus_dir  # the files the index was built from: answers say when one changed
        self.refresh_seconds = refresh_seconds
        self._snapshot: _Snapshot | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self.library: Any = None  # the LicenseDB tier (answering.library.LibraryTier), wired by service

    # -- index snapshot -----------------------------------------------------------
    def snapshot(self) -> _Snapshot:
        now = time.monotonic()
        snap = self._snapshot
        if snap is not None and now - self._checked < self.refresh_seconds:
            return snap
        with self._lock:
            state = self.store.require_state()
            self._checked = time.monotonic()
            changed = snap is not None and (
                state.corpus_version != snap.state.corpus_version or state.collection != snap.state.collection
            )
            if changed:
                # written by another process: reopen so the vector index is read from disk again
                self.store = self.store.fresh()
                state = self.store.require_state()
            if snap is None or changed:
                state.check_model(canonical_model_name(self.embedder.name), encoder_of(self.embedder))
                started = time.perf_counter()
                snap = _Snapshot(state, self.store.live_vectors(state))
                self._snapshot = snap
                log.info(
                    "loaded %d clauses of corpus %s in %.2fs",
                    len(snap.clauses),
                    state.corpus_version,
                    time.perf_counter() - started,
                )
            return snap

    @property
    def state(self) -> IndexState:
        return self.snapshot().state

    def clauses_of(self, doc_id: str, section: str | None = None) -> list[Clause]:
        """The clauses of one document (of one section when given), in document order."""
        snap = self.snapshot()
        if section is not None:
            return [snap.clauses[i] for i in snap.by_section.get((doc_id, section), ())]
        return [c for c in snap.clauses if c.doc_id == doc_id]

    def resolve_filters(
        self, doc_ids: Sequence[str] | None, kinds: Sequence[str] | None
    ) -> tuple[list[str] | None, list[str] | None]:
        """The document ids and kinds of a filter as the index spells them (case-insensitive); an unknown
        one is an :class:`~licenseqa.corpus.documents.UnknownNameError` listing the valid ones."""
        docs = self.snapshot().state.docs
        return (
            resolve_names(doc_ids, docs, "document id"),
            resolve_names(kinds, {d.kind for d in docs.values()}, "document kind"),
        )

    def analyse(self, question: str) -> Analysis:
        """The question model of ``question`` against the current corpus (see ``answering.analysis``)."""
        return self.snapshot().analyser.analyse(question)

    # -- retrieval ----------------------------------------------------------------
    def retrieve(
        self,
        question: str,
        k: int = 10,
        doc_ids: Sequence[str] | None = None,
        kinds: Sequence[str] | None = None,
        analysis: Analysis | None = None,
        steer: Sequence[tuple[str, str | None]] = (),
        decisive: Sequence[tuple[str, str | None, str]] = (),
    ) -> Retrieval:
        """Top ``k`` clauses in two lanes (module docstring); ``doc_ids`` / ``kinds`` restrict the search
        (None or empty: no filter); ``analysis`` is the question model (computed here when not given);
        ``steer`` lists (document id, section) clauses that reviewed knowledge ties to the question (the
        clauses an OSADL compatibility verdict rests on): they are one more ranked list. ``decisive``
        lists the clauses the answer's verdict rests on (document id, section, support phrase; in citing
        order): the one the ranking places best goes first (module docstring)."""
        check_k(k)
        snap = self.snapshot()
        state = snap.state
        doc_ids, kinds = self.resolve_filters(doc_ids, kinds)
        if analysis is None:
            analysis = snap.analyser.analyse(question)
        question = analysis.question  # the canonical form (answering.normalise)
        query, unused, tokens = self._search_text(analysis)
        allowed = np.ones(len(snap.clauses), dtype=bool)
        if doc_ids:
            allowed &= np.isin(snap.doc_of, list(doc_ids))
        if kinds:
            allowed &= np.isin(snap.kind_of, list(kinds))
        named = [d for d in analysis.named if d in state.docs and (not doc_ids or d in doc_ids)]
        if kinds:
            named = [d for d in named if state.docs[d].kind in kinds]

        # one encoder call for the question and, when licences are named, the question without them
        rest = analysis.rest if query == question else _without_names(query, snap.detector)
        if EXPAND_WITH_SITUATION and analysis.activities:
            rest = rest + ". " + "; ".join(analysis.labels.get(a, a) for a in analysis.activities)
        use_rest = bool(named) and len(rest.split()) >= 2
        vecs = self.embedder.embed_queries([query, rest] if use_rest else [query])
        vec = vecs[0]
        searched: dict[str, Any] = {
            "query": query,
            "unused": unused,
            "sentences": len(analysis.sentences),
            "tokens": tokens,
        }
        searched["budget"] = self.embedder.max_tokens if tokens else 0
        if not allowed.any():
            return Retrieval((), tuple(named), 0.0, state.corpus_version, analysis=analysis, **searched)
        lexical_scores = np.where(allowed, snap.bm25_scores(query), 0.0)
        warranty = "warranty-liability" in analysis.activities
        define = analysis.form == "define"
        named_mask = np.isin(snap.doc_of, named) if named else None

        def lane(mask: np.ndarray) -> tuple[list[tuple[int, float]], float]:
            dense = snap.top_dense(vec, mask, DENSE_CANDIDATES)
            order = np.argsort(-np.where(mask, lexical_scores, 0.0), kind="stable")[:LEXICAL_CANDIDATES]
            lexical = [(int(i), float(lexical_scores[i])) for i in order if mask[i] and lexical_scores[i] > 0]
            fused: dict[int, float] = {}

            def add(ranked: list[tuple[int, float]], weight: float = 1.0) -> None:
                for rank, (pos, _) in enumerate(ranked, start=1):
                    prior = UNNUMBERED_PRIOR if snap.unnumbered_in_numbered[pos] else 1.0
                    if snap.disclaimer[pos] and not warranty:
                        prior *= DISCLAIMER_PRIOR
                    if define and snap.definition[pos]:
                        prior *= DEFINITION_PRIOR
                    fused[pos] = fused.get(pos, 0.0) + weight * prior / (RRF_K + rank)

            add(dense)
            add(lexical)
            if named_mask is not None and (mask & named_mask).any():
                add(snap.top_dense(vecs[-1], mask & named_mask, 30))
                add([x for x in lexical if named_mask[x[0]]])
            steered = [(i, 0.0) for i in snap.positions(steer) if mask[i]] if steer else []
            add(steered)
            best = max((s for _, s in dense), default=0.0)
            ranked = sorted(fused.items(), key=lambda x: -x[1])
            if not steered or STEER_WEIGHT <= 1.0:
                return ranked, best
            # the clauses reviewed knowledge ties to the question (facts, compatibility, policy rules) count
            # STEER_WEIGHT times in the places after the first; the first place stays the question's best
            # match by its words, the clause the answer names as the most relevant
            add(steered, STEER_WEIGHT - 1.0)
            boosted = sorted(fused.items(), key=lambda x: -x[1])
            top = ranked[0][0]
            return [ranked[0], *(x for x in boosted if x[0] != top)], best

        licences, best_licence = lane(allowed & ~snap.guidance)
        licences = _each_subject_first(licences, analysis, snap, named)
        guidance, best_guidance = lane(allowed & snap.guidance)
        best_dense = max(best_licence, best_guidance)
        if named:
            lead_licences = True
        elif analysis.form == "our-process":
            lead_licences = False
        else:
            lead_licences = best_licence >= best_guidance
        first, other = (licences, guidance) if lead_licences else (guidance, licences)
        merged = _interleave(first, other)
        if decisive:
            merged = _decisive_first(merged, decisive, snap, allowed)

        kept: list[tuple[int, float]] = []
        seen_sections: set[tuple[str, str]] = set()
        later: list[tuple[int, float]] = []
        for pos, score in merged:
            clause = snap.clauses[pos]
            if clause.section is not None:
                # one numbered clause, split into several chunks to fit the model, is one source: its
                # best chunk stands for it and the others wait, so one long clause cannot take three slots
                key = (clause.doc_id, clause.section)
                if key in seen_sections:
                    later.append((pos, score))
                    continue
                seen_sections.add(key)
            tokens = snap.token_sets[pos]
            if any(
                snap.clauses[p].doc_id != snap.clauses[pos].doc_id
                and _jaccard(tokens, snap.token_sets[p]) >= NEAR_DUPLICATE
                for p, _ in kept
            ):
                continue
            kept.append((pos, score))
            if len(kept) >= max(k, 10):
                break
        kept += later[: max(k, 10) - len(kept)]
        hits = tuple(Hit(snap.clauses[p], round(s, 6), rank) for rank, (p, s) in enumerate(kept[:k], start=1))
        return Retrieval(
            hits=hits,
            named=tuple(named),
            best_dense=float(best_dense),
            corpus_version=state.corpus_version,
            mentions=tuple(m for m in analysis.mentions if m[1] in named),
            analysis=analysis,
            **searched,
        )

    def _search_text(self, analysis: Analysis) -> tuple[str, int, int]:
        """(search text, sentences left out or cut, word pieces of the whole question; 0 when it fits):
        the whole question when the embedding model reads it all, else its key sentences that fit
        (module docstring). A key sentence too long by itself keeps its end (a question is asked last)."""
        question = analysis.question
        budget = self.embedder.max_tokens
        tokens = self.embedder.count_tokens(question)
        if tokens <= budget:
            return question, 0, 0
        sentences = analysis.sentences or (question,)
        chosen: list[int] = []
        used = 2  # the [CLS] / [SEP] word pieces
        for i in analysis.key_order or (len(sentences) - 1,):
            cost = self.embedder.count_tokens(sentences[i]) - 2
            if used + cost > budget:
                continue
            chosen.append(i)
            used += cost
        if not chosen:  # the first key sentence alone is too long: its words that fit, from the end
            first = (analysis.key_order or (len(sentences) - 1,))[0]
            words = sentences[first].split()
            lo, hi = 1, len(words)
            while lo < hi:  # the most words from the end that fit
                mid = (lo + hi + 1) // 2
                fits = self.embedder.count_tokens(" ".join(words[-mid:])) <= budget
                lo, hi = (mid, hi) if fits else (lo, mid - 1)
            return " ".join(words[-lo:]), len(sentences), tokens
        query = " ".join(sentences[i] for i in sorted(chosen))
        return query, len(sentences) - len(chosen), tokens


class SnapshotRetriever(Retriever):
    """A :class:`Retriever` over one fixed snapshot (the library texts a question names)."""

    def __init__(self, snap: _Snapshot, embedder: Embedder) -> None:
        super().__init__(None, embedder)  # type: ignore[arg-type]  # never reads a store
        self._snapshot = snap

    def snapshot(self) -> _Snapshot:
        assert self._snapshot is not None
        return self._snapshot


def library_snapshot(state: IndexState, records: list[tuple[str, Clause, Any]]) -> _Snapshot:
    """The snapshot of library texts (``answering.library.LibraryTier.snapshot``'s ``make``)."""
    return _Snapshot(state, records, library_names=False)


def _library_names(state: IndexState) -> Any:
    """The LicenseDB names the corpus in ``state`` does not hold (cached per corpus); None when the bundled
    copy cannot be read (the analysis then finds unknown licences as before)."""
    from licenseqa.answering.library import corpus_names_of, library_names
    from licenseqa.corpus.library import LibraryDataError
    from licenseqa.knowledge.vocabulary import Vocabulary

    vocabulary = Vocabulary.load()
    titles = [d.title for d in state.docs.values()]
    try:
        return library_names(
            corpus_names_of(state), vocabulary.generic_licence_words, [*titles, *vocabulary.families]
        )
    except LibraryDataError as exc:
        log.warning("LicenseDB library names unavailable: %s", exc)
        return None


def _without_names(text: str, detector: LicenseDetector) -> str:
    """``text`` normalised, without the licence names in it (as ``Analysis.rest`` is for the question)."""
    normal, found = detector.find(text)
    return remove_spans(normal, [(m.start, m.end) for m in found])


def check_k(k: int) -> int:
    """``k`` when it is a whole number of clauses from 1 to ``MAX_K``, else :class:`InputError`."""
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise InputError(
            f"The number of clauses to retrieve (k) must be a whole number from 1 to {MAX_K}: {k!r}."
        )
    return k


def _each_subject_first(
    ranked: list[tuple[int, float]], analysis: Analysis, snap: _Snapshot, named: list[str]
) -> list[tuple[int, float]]:
    """The best clause of each named subject first (in score order), then the rest: the licence a question
    names governs it, so a look-alike's clause (SSPL §13 for an AGPL question) never outranks it, and a
    combination question is answered by both licences' terms, not by the one with more matching words."""
    subjects = [set(s.doc_ids) & set(named) for s in analysis.subjects]
    subjects = [s for s in subjects if s]
    if not subjects:
        return ranked
    firsts: list[tuple[int, float]] = []
    for docs in subjects:
        # a numbered clause of the subject: its operative terms (the property behind UNNUMBERED_PRIOR)
        best = next(
            (
                x
                for x in ranked
                if snap.clauses[x[0]].doc_id in docs
                and not snap.unnumbered_in_numbered[x[0]]
                and x not in firsts
            ),
            None,
        )
        if best is not None:
            firsts.append(best)
    firsts.sort(key=lambda x: -x[1])
    return firsts + [x for x in ranked if x not in firsts]


def _decisive_first(
    merged: list[tuple[int, float]],
    decisive: Sequence[tuple[str, str | None, str]],
    snap: Any,
    allowed: np.ndarray,
) -> list[tuple[int, float]]:
    """``merged`` with the clause the verdict rests on first: of the ``decisive`` clauses (document id,
    section, support phrase; of an unnumbered text, the chunks holding the phrase), the chunk ``merged``
    ranks best (the first key's first chunk when it ranks none), scored like ``merged``'s best so the
    composer's relative cut reads the rest as before; then the rest in order."""
    rank = {pos: i for i, (pos, _) in enumerate(merged)}
    chunks: list[int] = []
    for doc_id, section, phrase in decisive:
        found = [p for p in snap.positions([(doc_id, section)]) if allowed[p] and p not in chunks]
        if section is None and phrase:
            # an unnumbered text is cut into several chunks: the one that holds the fact's support phrase
            wanted = " ".join(phrase.lower().split())
            found = [p for p in found if wanted in " ".join(snap.clauses[p].text.lower().split())] or found
        chunks += found
    if not chunks:
        return merged
    best = min(chunks, key=lambda p: rank.get(p, len(rank)))  # min is stable: ties keep the keys' order
    score = max(dict(merged).get(best, 0.0), merged[0][1] if merged else 0.0)
    return [(best, score), *(x for x in merged if x[0] != best)]


def _interleave(lead: list[tuple[int, float]], other: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """The lead lane's first ``LEAD_SLOTS``, the other's first ``OTHER_SLOTS``, then alternating."""
    out = lead[:LEAD_SLOTS] + other[:OTHER_SLOTS]
    rest_lead, rest_other = lead[LEAD_SLOTS:], other[OTHER_SLOTS:]
    for i in range(max(len(rest_lead), len(rest_other))):
        out += rest_lead[i : i + 1] + rest_other[i : i + 1]
    return out


def _single_threaded_blas() -> None:
    """Limit BLAS (numpy) to one thread in this process, once.

    The dense search is a small matrix-vector product; multi-threaded BLAS workers keep spinning
    after it and slowed the next query embedding (torch) from 9 ms to 17 ms on 2 cores.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def _jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
