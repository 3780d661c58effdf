"""Warm latency of ``answer()`` over the dev questions, beside the floor measured in the same run.

The floor is what any dense answer must pay: one query embedding plus one raw Chroma
query (top 10, no filter). Targets (issue 4): p50 <= 25 ms and p50 <= 2.5x the floor.

    .venv/bin/python bench/latency.py [--rounds 5] [--questions eval/dev.jsonl] [--json]

Uses the index configured by LICENSEQA_INDEX_DIR / LICENSEQA_CHROMA_URL (build it first).
``--library`` also times ``answer()`` with the LicenseDB library tier unplugged (as when it is not built),
interleaved in the same run (issue 16: warm p50 with the library <= 2x without); ``--questions`` may be
given twice, e.g. eval/dev.jsonl and bench/library-questions.jsonl (three library-only questions).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from licenseqa.answering.compose import answer  # noqa: E402
from licenseqa.config import load_settings  # noqa: E402
from licenseqa.service import open_retriever  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--questions", type=Path, action="append")
    parser.add_argument("--library", action="store_true", help="also time answers without the library tier")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    questions = []
    for path in args.questions or [ROOT / "eval" / "dev.jsonl"]:
        lines = path.read_text(encoding="utf-8").splitlines()
        questions += [json.loads(line)["question"] for line in lines if line.strip()]
    retriever = open_retriever(load_settings())
    state = retriever.state
    collection = retriever.store._collection(state.collection)
    embed = retriever.embedder.embed_query

    def floor(q: str) -> None:
        collection.query(query_embeddings=[embed(q)], n_results=10)

    def ours(q: str) -> None:
        answer(q, retriever)

    tier = retriever.library

    def without_library(q: str) -> None:
        retriever.library = None
        try:
            answer(q, retriever)
        finally:
            retriever.library = tier

    runs = [("floor", floor), ("answer", ours)] + ([("no-library", without_library)] if args.library else [])
    for q in questions:  # warm-up: models, caches, index pages
        for _, fn in runs:
            fn(q)
    timings: dict[str, list[float]] = {name: [] for name, _ in runs}
    for _ in range(args.rounds):
        for q in questions:  # interleaved, so all see the same machine state
            for name, fn in runs:
                started = time.perf_counter()
                fn(q)
                timings[name].append((time.perf_counter() - started) * 1000)
    result = {
        name: {
            "p50_ms": round(statistics.median(v), 2),
            "p95_ms": round(percentile(v, 0.95), 2),
            "n": len(v),
        }
        for name, v in timings.items()
    }
    result["ratio_p50"] = round(result["answer"]["p50_ms"] / result["floor"]["p50_ms"], 2)
    if args.library:
        result["library_ratio_p50"] = round(result["answer"]["p50_ms"] / result["no-library"]["p50_ms"], 2)
        library_state = tier.state() if tier is not None else None
        result["library_texts"] = len(library_state.docs) if library_state else 0
    result["clauses"] = state.chunks_total
    result["corpus_version"] = state.corpus_version
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{'':<10}{'p50 ms':>10}{'p95 ms':>10}{'n':>6}")
        for name, _ in runs:
            r = result[name]
            print(f"{name:<10}{r['p50_ms']:>10.2f}{r['p95_ms']:>10.2f}{r['n']:>6}")
        print(f"answer p50 / floor p50 = {result['ratio_p50']:.2f}  ({state.chunks_total} clauses)")
        if args.library:
            print(
                f"with library p50 / without p50 = {result['library_ratio_p50']:.2f}  "
                f"({result['library_texts']} library texts)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
