"""Embedding speed on the LicenseDB library workload: naive per-document ``encode`` vs the ingest's path.

Workload: the clauses of every ScanCode LicenseDB text (``../shared/data/scancode-licensedb/licenses``,
2,615 texts, about 25,000 clauses), split with the project's splitter. Timed in the same run, on the
same clauses, interleaved slice by slice so that both see the same machine load:

- naive: one ``SentenceTransformer.encode(clauses_of_one_text)`` call per text, the default model on
  torch, batch size 32 (what a per-document ingest does);
- optimised: ``ingest.pipeline.embed_in_groups`` (clauses of all texts of the slice sorted by length,
  cut into large groups) with the configured encoder (``--backend``, default the configured
  ``LICENSEQA_EMBEDDING_BACKEND``; the one-off ONNX export or load is timed apart), then written to
  a throw-away Chroma index as the ingest writes them (its size on disk is reported).

Prints clauses, seconds, clauses/s, the speed-up ratio, peak RSS of the process after each phase
(``resource.getrusage``, monotonic) and the projected full library build (split + embed + store,
scaled to the full workload when ``--limit`` is given). Targets (issue 16): optimised full
embedding <= 5 minutes on this machine (2 cores), >= 1.5x naive in the same run.

    .venv/bin/python bench/embed.py [--limit N] [--slices 4] [--backend onnx] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from ingest.pipeline import embed_in_groups  # noqa: E402
from ingest.splitter import ClauseSplitter, DocumentText  # noqa: E402
from licenseqa.config import EMBEDDING_BACKENDS, load_settings  # noqa: E402
from licenseqa.index.embeddings import SentenceTransformerEmbedder  # noqa: E402
from licenseqa.index.store import ChromaStore  # noqa: E402
from licenseqa.models import Clause  # noqa: E402

LICENSEDB = ROOT.parent / "shared" / "data" / "scancode-licensedb" / "licenses"
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n?(.*)\Z", re.DOTALL)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def load_texts(folder: Path, limit: int | None) -> list[DocumentText]:
    texts = []
    for path in sorted(folder.glob("*.LICENSE"))[:limit]:
        raw = path.read_text(encoding="utf-8")
        match = FRONT_MATTER.match(raw)
        meta = (yaml.safe_load(match.group(1)) if match else None) or {}
        body = match.group(2) if match else raw
        key = str(meta.get("key") or path.stem)
        texts.append(
            DocumentText(
                doc_id=key,
                title=str(meta.get("name") or key),
                kind="license",
                source=f"licensedb/{path.name}",
                body=body,
                first_line=raw[: len(raw) - len(body)].count("\n") + 1,
            )
        )
    return texts


def padded_tokens(lengths: list[int], batch_size: int) -> int:
    """Word pieces the model computes when ``lengths`` are batched longest first (padding included)."""
    ordered = sorted(lengths, reverse=True)
    return sum(ordered[i] * len(ordered[i : i + batch_size]) for i in range(0, len(ordered), batch_size))


def dir_size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def main() -> int:
    settings = load_settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="only the first N texts (alphabetical)")
    parser.add_argument("--slices", type=int, default=4, help="interleaved slices (naive, optimised)")
    parser.add_argument("--backend", choices=EMBEDDING_BACKENDS, default=settings.embedding_backend)
    parser.add_argument("--batch-size", type=int, default=settings.embed_batch_size)
    parser.add_argument("--licensedb", type=Path, default=LICENSEDB)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.licensedb.is_dir():
        print(f"error: {args.licensedb} not found (this benchmark reads ../shared)", file=sys.stderr)
        return 2
    all_texts = len(list(args.licensedb.glob("*.LICENSE")))

    started = time.perf_counter()
    naive = SentenceTransformerEmbedder(settings.embedding_model, 32, "torch")
    naive_load = time.perf_counter() - started
    texts = load_texts(args.licensedb, args.limit)
    splitter = ClauseSplitter.for_embedder(naive)
    started = time.perf_counter()
    docs: list[list[Clause]] = [c for c in (splitter.split(t) for t in texts) if c]
    split_s = time.perf_counter() - started
    clauses = sum(len(d) for d in docs)

    started = time.perf_counter()
    fast = SentenceTransformerEmbedder(
        settings.embedding_model, args.batch_size, args.backend, settings.cache_dir
    )
    fast_load = time.perf_counter() - started
    rss_loaded = peak_rss_mb()

    model = naive._model
    model.encode(["warm-up clause"] * 8)
    fast.embed_documents(["warm-up clause"] * 8)
    timings = {"naive": 0.0, "optimised": 0.0, "store": 0.0}
    rss = {}
    with tempfile.TemporaryDirectory(prefix="bench-embed-") as tmp:
        store = ChromaStore.open(settings.model_copy(update={"index_dir": Path(tmp)}), create=True)
        target = store.new_collection_name()
        slices = max(1, min(args.slices, len(docs)))
        for s in range(slices):
            part = docs[s::slices]
            t0 = time.perf_counter()
            for doc in part:
                model.encode(
                    [c.embed_text for c in doc],
                    batch_size=32,
                    normalize_embeddings=True,
                    show_progress_bar=False,
                )
            timings["naive"] += time.perf_counter() - t0
            rss["naive"] = peak_rss_mb()
            records = [(f"{doc[0].doc_id}@bench", n, c) for doc in part for n, c in enumerate(doc)]
            t0 = time.perf_counter()
            groups = list(embed_in_groups(fast, records, args.batch_size))
            t1 = time.perf_counter()
            for group, vectors in groups:
                store.upsert_records(target, group, vectors)
            t2 = time.perf_counter()
            timings["optimised"] += t1 - t0
            timings["store"] += t2 - t1
            rss["optimised"] = peak_rss_mb()
        disk_mb = dir_size_mb(Path(tmp))

    # load-independent part of the gain: word pieces fed to the model, padding included
    lengths = [[min(naive.max_tokens, naive.count_tokens(c.embed_text)) for c in doc] for doc in docs]
    padded_naive = sum(padded_tokens(doc, 32) for doc in lengths)
    padded_sorted = sum(
        padded_tokens([n for doc in lengths[s::slices] for n in doc], args.batch_size) for s in range(slices)
    )
    scale = all_texts / len(texts) if texts else 1.0
    build_s = split_s + timings["optimised"] + timings["store"]
    result = {
        "texts": len(texts),
        "clauses": clauses,
        "backend": args.backend,
        "batch_size": args.batch_size,
        "split_s": round(split_s, 1),
        "naive": {
            "seconds": round(timings["naive"], 1),
            "clauses_per_s": round(clauses / timings["naive"], 1),
        },
        "optimised": {
            "seconds": round(timings["optimised"], 1),
            "clauses_per_s": round(clauses / timings["optimised"], 1),
        },
        "speedup": round(timings["naive"] / timings["optimised"], 2),
        "store_s": round(timings["store"], 1),
        "word_pieces": {
            "real": sum(map(sum, lengths)),
            "naive_padded": padded_naive,
            "sorted_padded": padded_sorted,
        },
        "load_s": {"naive_torch": round(naive_load, 1), "optimised": round(fast_load, 1)},
        "peak_rss_mb": {
            "models_loaded": round(rss_loaded),
            "after_naive": round(rss["naive"]),
            "after_optimised": round(rss["optimised"]),
        },
        "index_disk_mb": round(disk_mb, 1),
        "projected_full_build_s": round(build_s * scale, 1),
        "projected_full_embed_s": round(timings["optimised"] * scale, 1),
        "full_run": len(texts) == all_texts,
    }
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"{len(texts)} texts, {clauses} clauses (split in {split_s:.1f} s), backend {args.backend}")
    print(f"{'':<11}{'seconds':>9}{'clauses/s':>11}")
    for name in ("naive", "optimised"):
        print(f"{name:<11}{result[name]['seconds']:>9.1f}{result[name]['clauses_per_s']:>11.1f}")
    print(f"speed-up optimised / naive = {result['speedup']:.2f}x")
    print(
        f"word pieces computed: naive {padded_naive}, optimised {padded_sorted} "
        f"({padded_naive / max(1, padded_sorted):.2f}x fewer; {sum(map(sum, lengths))} without padding)"
    )
    print(f"store (Chroma upserts) {timings['store']:.1f} s, index on disk {disk_mb:.1f} MB")
    note = " (includes the first ONNX export, if any)" if args.backend != "torch" else ""
    print(f"load: naive torch {naive_load:.1f} s, optimised {args.backend} {fast_load:.1f} s{note}")
    print(
        "peak RSS MB: models loaded {models_loaded}, after naive {after_naive}, after optimised "
        "{after_optimised}".format(**result["peak_rss_mb"])
    )
    what = "full library build" if result["full_run"] else f"full library build (x{scale:.1f} projected)"
    print(
        f"{what}: {result['projected_full_build_s']:.0f} s (split + embed + store), "
        f"embedding alone {result['projected_full_embed_s']:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
