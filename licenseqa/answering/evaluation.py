"""``licenseqa eval``: retrieval and citation quality on gold questions, beside two baselines.

Matching rule (``../shared/eval/README.md``): a clause matches an expected item when
its document is the expected one (case-insensitive; manifest aliases, SPDX ids and
ScanCode keys count as the same document) and the expected section's tokens are a
prefix of the clause's section tokens (lower-case, drop "section" and "§", runs of
digits and runs of letters). Without a section, any clause of the document matches.

Baselines, run on the same corpus in the same process:
- ``naive``: LangChain's RecursiveCharacterTextSplitter (1000/200) over the plain
  text of each document, dense top-k in a langchain-chroma collection, scored at
  document level (its chunks have no sections);
- ``bm25``: BM25 alone over our clauses.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from licenseqa.answering.compose import answer
from licenseqa.answering.retrieval import Retriever
from licenseqa.errors import InputError
from licenseqa.index.store import IndexState

log = logging.getLogger(__name__)


def section_tokens(label: str | None) -> list[str]:
    if not label:
        return []
    text = label.lower().replace("§", " ")
    text = re.sub(r"\bsection\b", " ", text)
    return re.findall(r"\d+|[a-z]+", text)


@dataclass(frozen=True)
class Gold:
    qid: str
    question: str
    expected: tuple[tuple[str, str | None], ...]
    abstain: bool
    topic: str
    abstain_reason: str | None = None
    verdict: tuple[str, ...] = ()  # accepted verdict values of a yes/no question (empty: not graded)
    # a not_in_corpus question's LicenseDB key: answering from that library text counts as right too
    library_doc: str | None = None


def load_gold(path: Path) -> list[Gold]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror}.") from None
    rows: list[Gold] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            expected = tuple((str(e["doc"]), e.get("section")) for e in obj.get("expected", []))
            rows.append(
                Gold(
                    str(obj["id"]),
                    str(obj["question"]),
                    expected,
                    bool(obj.get("abstain")),
                    str(obj.get("topic", "-")),
                    obj.get("abstain_reason"),
                    tuple(str(v) for v in obj.get("verdict") or ()),
                    obj.get("library_doc"),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"{path}:{n}: not a gold question ({exc}).") from None
    if not rows:
        raise InputError(f"{path} holds no questions.")
    return rows


class Matcher:
    """Applies the matching rule with the index's aliases."""

    def __init__(self, state: IndexState) -> None:
        self.canonical: dict[str, str] = {}
        for d in state.docs.values():
            for name in (d.doc_id, d.spdx, *d.aliases):
                if name:
                    self.canonical.setdefault(name.lower(), d.doc_id)

        self.guidance = {d.doc_id for d in state.docs.values() if d.kind == "guidance"}

    def doc(self, name: str) -> str:
        return self.canonical.get(name.lower(), name)

    def licence_only(self, gold: Gold) -> Gold | None:
        """``gold`` restricted to its licence documents (None when it expects only guidance): the
        licence clause that governs, which a guidance section never stands in for."""
        expected = tuple(e for e in gold.expected if self.doc(e[0]) not in self.guidance)
        return Gold(gold.qid, gold.question, expected, gold.abstain, gold.topic) if expected else None

    def matches(self, doc_id: str, section: str | None, gold: Gold, doc_level: bool = False) -> bool:
        for exp_doc, exp_section in gold.expected:
            if self.doc(exp_doc).lower() != doc_id.lower():
                continue
            if doc_level or not exp_section:
                return True
            want = section_tokens(exp_section)
            if section_tokens(section)[: len(want)] == want:
                return True
        return False


@dataclass
class SystemResult:
    name: str
    label: str  # short column name in the report
    ranks: list[int | None] = field(default_factory=list)  # first match rank within k, per answerable
    citation_hits: list[bool] | None = None
    licence_ranks: list[int | None] | None = None  # over questions that expect a licence clause
    licence_citation_hits: list[bool] | None = None
    declined: int = 0
    declined_right_reason: int = 0
    reasons_given: int = 0
    answered_from_library: int = 0  # abstain questions with a library_doc answered from that library text
    false_abstentions: int = 0
    abstain_total: int = 0
    topics: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    # per graded yes/no question: (topic, "right" | "wrong" | "none")
    verdicts: list[tuple[str, str]] = field(default_factory=list)

    def verdict_metrics(self, topic: str | None = None) -> dict[str, Any]:
        """``{"questions", "accuracy", "wrong_rate", "no_verdict"}`` over graded yes/no questions; a question
        with no verdict counts as a miss (not as wrong)."""
        got = [v for t, v in self.verdicts if topic is None or t == topic]
        n = len(got)
        if not n:
            return {"questions": 0}
        return {
            "questions": n,
            "accuracy": round(got.count("right") / n, 3),
            "wrong_rate": round(got.count("wrong") / n, 3),
            "no_verdict": got.count("none"),
        }

    def metrics(self, mask: Sequence[bool] | None = None) -> dict[str, Any]:
        idx = [i for i in range(len(self.ranks)) if mask is None or mask[i]]
        n = len(idx)
        if n == 0:
            return {"questions": 0}
        ranks = [self.ranks[i] for i in idx]
        out: dict[str, Any] = {
            "questions": n,
            "hit@1": round(sum(1 for r in ranks if r == 1) / n, 3),
            "hit@k": round(sum(1 for r in ranks if r is not None) / n, 3),
            "mrr": round(sum(1 / r for r in ranks if r) / n, 3),
        }
        if self.citation_hits is not None:
            out["citation_hit"] = round(sum(1 for i in idx if self.citation_hits[i]) / n, 3)
        if self.licence_ranks is not None and self.licence_citation_hits is not None:
            lic = [i for i in idx if self.licence_ranks[i] != -1]
            if lic:
                out["licence_questions"] = len(lic)
                out["licence_hit@k"] = round(sum(1 for i in lic if self.licence_ranks[i]) / len(lic), 3)
                out["licence_citation_hit"] = round(
                    sum(1 for i in lic if self.licence_citation_hits[i]) / len(lic), 3
                )
        return out


def _first_rank(
    hits: Sequence[tuple[str, str | None]], gold: Gold, matcher: Matcher, k: int, doc_level: bool
) -> int | None:
    for rank, (doc_id, section) in enumerate(hits[:k], start=1):
        if matcher.matches(doc_id, section, gold, doc_level):
            return rank
    return None


def evaluate_ours(retriever: Retriever, gold: list[Gold], k: int) -> SystemResult:
    matcher = Matcher(retriever.state)
    res = SystemResult(
        "licenseqa (hybrid, clause-aware)",
        "ours",
        citation_hits=[],
        licence_ranks=[],
        licence_citation_hits=[],
    )
    assert res.licence_ranks is not None and res.licence_citation_hits is not None
    for g in gold:
        started = time.perf_counter()
        ans = answer(g.question, retriever, k=max(k, 10))
        res.latencies_ms.append((time.perf_counter() - started) * 1000)
        if g.abstain:
            res.abstain_total += 1
            # eval/README.md: a licence LicenseDB holds may be answered from its library text, cited as such
            from_library = bool(g.library_doc) and any(
                c.tier == "library" and c.doc_id.lower() == str(g.library_doc).lower() for c in ans.citations
            )
            res.answered_from_library += int(from_library)
            res.declined += int(ans.abstained or from_library)
            if g.abstain_reason:
                res.reasons_given += 1
                res.declined_right_reason += int(
                    (ans.abstained and ans.abstain_reason == g.abstain_reason) or from_library
                )
            continue
        res.topics.append(g.topic)
        if g.verdict:
            value = (ans.verdict or {}).get("value")
            res.verdicts.append(
                (g.topic, "none" if value is None else "right" if value in g.verdict else "wrong")
            )
        res.false_abstentions += int(ans.abstained)
        hits = [(h.clause.doc_id, h.clause.section) for h in ans.retrieved]
        res.ranks.append(None if ans.abstained else _first_rank(hits, g, matcher, k, False))
        assert res.citation_hits is not None
        res.citation_hits.append(any(matcher.matches(c.doc_id, c.section, g) for c in ans.citations))
        lic = matcher.licence_only(g)
        if lic is None:  # -1: the question expects guidance only
            res.licence_ranks.append(-1)
            res.licence_citation_hits.append(False)
        else:
            res.licence_ranks.append(None if ans.abstained else _first_rank(hits, lic, matcher, k, False))
            res.licence_citation_hits.append(
                any(matcher.matches(c.doc_id, c.section, lic) for c in ans.citations)
            )
    return res


def evaluate_ranker(
    name: str,
    label: str,
    rank: Callable[[str], list[tuple[str, str | None]]],
    matcher: Matcher,
    gold: list[Gold],
    k: int,
    doc_level: bool,
) -> SystemResult:
    res = SystemResult(name, label)
    for g in gold:
        if g.abstain:
            res.abstain_total += 1  # a ranker always returns something: never declines
            continue
        res.topics.append(g.topic)
        res.ranks.append(_first_rank(rank(g.question), g, matcher, k, doc_level))
    return res


def bm25_ranker(retriever: Retriever, k: int) -> Callable[[str], list[tuple[str, str | None]]]:
    snap = retriever.snapshot()

    def rank(question: str) -> list[tuple[str, str | None]]:
        scores = snap.bm25_scores(question)
        order = np.argsort(-scores, kind="stable")[:k]
        return [(snap.clauses[i].doc_id, snap.clauses[i].section) for i in order]

    return rank


def _plain_documents(corpus_dir: Path) -> list[tuple[str, str]]:
    """(doc_id, body) of every corpus document, front matter removed (the baseline's 'plain text')."""
    from licenseqa.corpus.documents import scan_corpus

    return [(str(f.meta["id"]), f.body) for f in scan_corpus(corpus_dir) if f.ok and f.meta is not None]


def naive_langchain_ranker(
    retriever: Retriever, corpus_dir: Path, k: int
) -> Callable[[str], list[tuple[str, str | None]]]:
    """The tutorial pipeline: 1000/200 character chunks, dense top-k through langchain-chroma."""
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    state = retriever.state
    embeddings = retriever.embedder.langchain  # type: ignore[attr-defined]
    name = f"{retriever.store.prefix}-baseline-{state.corpus_version}"
    store = Chroma(
        client=retriever.store.client,
        collection_name=name,
        embedding_function=embeddings,
        collection_configuration={"hnsw": {"space": "cosine"}},
    )
    if store._collection.count() == 0:
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        chunks = splitter.split_documents(
            [
                Document(page_content=body, metadata={"doc_id": doc_id})
                for doc_id, body in _plain_documents(corpus_dir)
            ]
        )
        log.info("baseline: embedding %d naive chunks", len(chunks))
        for start in range(0, len(chunks), 256):
            store.add_documents(chunks[start : start + 256])
    for other in retriever.store.collection_names():
        if other.startswith(f"{retriever.store.prefix}-baseline-") and other != name:
            retriever.store.drop_collection(other)

    def rank(question: str) -> list[tuple[str, str | None]]:
        return [(d.metadata["doc_id"], None) for d in store.similarity_search(question, k=k)]

    return rank


def run_evaluation(
    retriever: Retriever, gold: list[Gold], k: int = 5, corpus_dir: Path | None = None, baselines: bool = True
) -> dict[str, Any]:
    matcher = Matcher(retriever.state)
    systems = [evaluate_ours(retriever, gold, k)]
    if baselines:
        if corpus_dir is not None and corpus_dir.is_dir():
            systems.append(
                evaluate_ranker(
                    "naive LangChain (1000/200 chunks, dense; document level)",
                    "naive LangChain",
                    naive_langchain_ranker(retriever, corpus_dir, k),
                    matcher,
                    gold,
                    k,
                    doc_level=True,
                )
            )
        systems.append(
            evaluate_ranker(
                "BM25 alone (clauses)", "BM25", bm25_ranker(retriever, k), matcher, gold, k, doc_level=False
            )
        )
    report: dict[str, Any] = {"k": k, "corpus_version": retriever.state.corpus_version, "systems": []}
    for sysres in systems:
        topics = sorted(set(sysres.topics))
        entry: dict[str, Any] = {
            "name": sysres.name,
            "label": sysres.label,
            "overall": sysres.metrics(),
            "abstain_questions": sysres.abstain_total,
            "declined": sysres.declined,
            "declined_right_reason": sysres.declined_right_reason,
            "abstain_reasons_given": sysres.reasons_given,
            "answered_from_library": sysres.answered_from_library,
            "false_abstentions": sysres.false_abstentions,
            "per_topic": {t: sysres.metrics([x == t for x in sysres.topics]) for t in topics},
        }
        if sysres.verdicts:
            entry["verdicts"] = sysres.verdict_metrics()
            entry["verdicts_per_topic"] = {t: sysres.verdict_metrics(t) for t in topics}
        if sysres.latencies_ms:
            lat = sorted(sysres.latencies_ms)
            entry["latency_ms"] = {"p50": round(lat[len(lat) // 2], 1), "max": round(lat[-1], 1)}
        report["systems"].append(entry)
    return report


def format_report(report: dict[str, Any]) -> str:
    k = report["k"]
    systems = report["systems"]
    names = [s["label"] for s in systems]
    rows = [
        ("hit@1", "hit@1"),
        (f"hit@{k}", "hit@k"),
        (f"MRR@{k}", "mrr"),
        ("citation hit", "citation_hit"),
        (f"licence hit@{k}", "licence_hit@k"),
        ("licence citation hit", "licence_citation_hit"),
    ]
    width = 16
    lines = [f"{'metric':<22}" + "".join(f"{n:>{width}}" for n in names)]
    for label, key in rows:
        cells = [s["overall"].get(key) for s in systems]
        lines.append(
            f"{label:<22}" + "".join(f"{('-' if c is None else f'{c:.3f}'):>{width}}" for c in cells)
        )
    lines.append(
        f"{'abstain declined':<22}"
        + "".join(f"{str(s['declined']) + '/' + str(s['abstain_questions']):>{width}}" for s in systems)
    )
    lines.append(
        f"{'  of which library':<22}"
        + "".join(f"{s.get('answered_from_library', 0):>{width}}" for s in systems)
    )
    lines.append(
        f"{'  with right reason':<22}"
        + "".join(
            f"{str(s['declined_right_reason']) + '/' + str(s['abstain_reasons_given']):>{width}}"
            if s["label"] == "ours"
            else f"{'-':>{width}}"
            for s in systems
        )
    )
    lines.append(
        f"{'false abstentions':<22}" + "".join(f"{s['false_abstentions']:>{width}}" for s in systems)
    )
    lines.append(
        f"{'questions':<22}" + "".join(f"{s['overall'].get('questions', 0):>{width}}" for s in systems)
    )
    lines.append("")
    lines.append(f"per topic (ours, hit@{k} / MRR / citation hit):")
    for topic, m in systems[0]["per_topic"].items():
        cite = m.get("citation_hit", 0.0)
        lines.append(f"  {topic:<18} n={m['questions']:<3} {m['hit@k']:.3f} / {m['mrr']:.3f} / {cite:.3f}")
    verdicts = systems[0].get("verdicts")
    if verdicts:
        lines.append("")
        lines.append(
            f"verdicts (ours): accuracy {verdicts['accuracy']:.3f}, wrong {verdicts['wrong_rate']:.3f}, "
            f"no verdict {verdicts['no_verdict']} of {verdicts['questions']} yes/no questions"
        )
        for topic, m in systems[0]["verdicts_per_topic"].items():
            if m.get("questions"):
                lines.append(
                    f"  {topic:<18} n={m['questions']:<3} accuracy {m['accuracy']:.3f}"
                    f" / wrong {m['wrong_rate']:.3f}"
                )
    lines.append("")
    for name, s in zip(names, systems, strict=True):
        lines.append(f"{name}: {s['name']}")
    lines.append(f"corpus version {report['corpus_version']}")
    return "\n".join(lines)
