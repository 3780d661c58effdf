"""Crash safety (SIGKILL of a real ingest) and a real `chroma run` server."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, free_port, make_corpus, run_ingest_cli

pytestmark = pytest.mark.slow

# a fresh process reads the index, as another user would: every document must be
# at its old or its new content (never both, never missing), and queries must work
PROBE = r"""
import json, sys
from licenseqa.config import load_settings
from licenseqa.service import open_retriever
retriever = open_retriever(load_settings())  # what the app and the CLI read through
snap = retriever.snapshot()
state = snap.state
hits = [(h.clause, h.score) for h in retriever.retrieve(sys.argv[1], k=20).hits]
clauses = snap.clauses
print(json.dumps({
    "docs": {d.doc_id: d.digest for d in state.docs.values()},
    "chunks": {d.doc_id: d.chunks for d in state.docs.values()},
    "live": [[c.doc_id, c.text] for c in clauses],
    "hits": [[c.doc_id, c.text] for c, _ in hits],
}))
"""


def _probe(env: dict[str, str], question: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, question],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def _digests(corpus: Path) -> dict[str, str]:
    from ingest.loader import load_corpus

    return {d.doc_id: d.digest for d in load_corpus(corpus).documents}


def _texts(corpus: Path) -> dict[str, str]:
    from ingest.loader import load_corpus

    return {d.doc_id: d.path.read_text(encoding="utf-8") for d in load_corpus(corpus).documents}


def _edit(corpus: Path, generation: int) -> None:
    for doc_id in ("Apache-2.0", "GPL-3.0-only", "MIT"):
        path = corpus / "licenses" / f"{doc_id}.txt"
        text = path.read_text(encoding="utf-8")
        marker = f"Edited by legal, generation {generation}."
        text = (
            text.replace("\n---\n", f"\n---\n\n{marker}\n", 1)
            if "generation" not in text
            else (text.replace(f"generation {generation - 1}.", f"generation {generation}."))
        )
        path.write_text(text.replace("Licensor", f"Licensor{generation}"), encoding="utf-8")


def _check_consistent(result: dict, versions: dict[str, dict[str, str]]) -> None:
    """Each document is at one complete version of its file (old or new), never a mix."""
    for doc_id, digest in result["docs"].items():
        assert digest in versions[doc_id], doc_id
        source = versions[doc_id][digest]
        live = [t for d, t in result["live"] if d == doc_id]
        assert len(live) == result["chunks"][doc_id], doc_id
        assert all(t in source for t in live), f"{doc_id}: a clause from another version is visible"
    for doc_id, text in result["hits"]:
        assert text in versions[doc_id][result["docs"][doc_id]]


def _remember(versions: dict[str, dict[str, str]], corpus: Path) -> None:
    digests, texts = _digests(corpus), _texts(corpus)
    for doc_id, digest in digests.items():
        versions.setdefault(doc_id, {})[digest] = texts[doc_id]


def test_sigkill_at_several_points_leaves_a_working_index(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", ["MIT", "Apache-2.0", "GPL-3.0-only", "BSD-3-Clause"])
    env = {"LICENSEQA_INDEX_DIR": str(tmp_path / "index"), "LICENSEQA_CORPUS_DIR": str(corpus)}
    first = run_ingest_cli("--json", env=env)
    assert first.returncode == 0, first.stderr

    # kill points: while loading the model, after the first upsert batch, mid-way,
    # right after the state switch (before clean-up)
    kill_after = [("delay", 1.0), ("nth", "upserted", 1), ("nth", "upserted", 2), ("line", "state written")]
    versions: dict[str, dict[str, str]] = {}
    _remember(versions, corpus)
    for generation, (how, when, *nth) in enumerate(kill_after, start=1):
        _edit(corpus, generation)
        _remember(versions, corpus)
        new = _digests(corpus)
        proc = subprocess.Popen(
            [sys.executable, "-m", "ingest"],
            cwd=ROOT,
            env={
                **os.environ,
                "PYTHONPATH": str(ROOT),
                **env,
                "LICENSEQA_LOG_LEVEL": "INFO",
                "LICENSEQA_EMBED_BATCH_SIZE": "8",
            },
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
        )
        killed_at = None
        if how == "delay":
            time.sleep(float(when))
            killed_at = "delay"
        else:
            deadline = time.monotonic() + 300
            assert proc.stderr is not None
            seen = 0
            for line in proc.stderr:
                seen += str(when) in line
                if seen >= (nth[0] if nth else 1):
                    killed_at = line.strip()
                    break
                assert time.monotonic() < deadline
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        assert killed_at, f"ingest finished before reaching {when!r}"
        assert proc.returncode == -signal.SIGKILL

        result = _probe(env, "What are the conditions for redistribution?")
        _check_consistent(result, versions)
        assert result["hits"]
        if when == "state written":
            assert result["docs"] == new  # switched over; stale clauses hidden until clean-up

    done = run_ingest_cli("--json", env=env)
    assert done.returncode == 0, done.stderr
    final = _probe(env, "redistribution conditions")
    assert final["docs"] == _digests(corpus)
    texts = _texts(corpus)
    assert all(t in texts[d] for d, t in final["live"])
    # nothing stale left behind
    assert len(final["live"]) == sum(final["chunks"].values())
    again = json.loads(run_ingest_cli("--json", env=env).stdout)
    assert again["chunks_embedded"] == 0


@pytest.mark.skipif(
    shutil.which("chroma", path=str(Path(sys.executable).parent)) is None, reason="no chroma CLI"
)
def test_ingest_and_query_through_a_real_chroma_server(tmp_path):
    port = free_port()
    chroma = str(Path(sys.executable).parent / "chroma")
    server = subprocess.Popen(
        [chroma, "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        import urllib.request

        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "chroma server did not start"
                time.sleep(0.3)
        corpus = make_corpus(tmp_path / "corpus", ["MIT", "Apache-2.0"])
        env = {"LICENSEQA_CHROMA_URL": url, "LICENSEQA_INDEX_DIR": str(tmp_path / "unused")}
        done = run_ingest_cli("--corpus", str(corpus), "--json", env=env)
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        assert report["docs_total"] == 2 and report["chunks_embedded"] > 10
        assert not (tmp_path / "unused").exists()
        result = _probe(env, "Does the Apache license give a patent license?")
        assert result["hits"][0][0] == "Apache-2.0"
        assert "Patent" in " ".join(t for _, t in result["hits"][:3])
        again = json.loads(run_ingest_cli("--corpus", str(corpus), "--json", env=env).stdout)
        assert again["chunks_embedded"] == 0
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_unreachable_server_is_a_clear_error(tmp_path, small_corpus):
    env = {"LICENSEQA_CHROMA_URL": f"http://127.0.0.1:{free_port()}"}
    done = run_ingest_cli("--corpus", str(small_corpus), env=env)
    assert done.returncode != 0
    assert "Cannot reach the Chroma server" in done.stderr and "Traceback" not in done.stderr
