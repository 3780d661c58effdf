"""Streamlit timings in a real browser: cold start to the first answer, and warm answers in the page.

Starts ``streamlit run app.py`` headless on a free 127.0.0.1 port (the repository's
``.streamlit/config.toml`` applies), drives Debian Chromium through Playwright and asks the dev
questions in conversations of ``--per-session`` questions (a new browser page, i.e. a new
Streamlit session, for each), pausing ``--pause`` seconds between questions as a reader would.

- cold: seconds from starting ``streamlit run`` to the first answer on screen (process start, model
  and index load, page load, question);
- warm: milliseconds from pressing Enter to the whole answer on screen (its closing
  "Corpus version" line rendered), every question after the first;
- baseline: ``answer()`` for the same questions in this process, so the ratio shows what the page
  adds on top of answering.

Targets (issue 5): cold <= 10 s, warm <= 300 ms.

    .venv/bin/python bench/ui_latency.py [--questions eval/dev.jsonl] [--per-session 8] [--json]

Uses the index configured by LICENSEQA_INDEX_DIR / LICENSEQA_CHROMA_URL (build it first: make index).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

log = logging.getLogger("bench.ui")
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PLACEHOLDER = "Ask about a licence, a clause or our guidance"
# true once the newest assistant message shows its closing line
ANSWERED = """n => {
  const msgs = document.querySelectorAll('[data-testid=stChatMessage]');
  return msgs.length >= n && msgs[msgs.length - 1].innerText.includes('Corpus version');
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_app(env: dict[str, str] | None = None) -> Iterator[tuple[str, float]]:
    """``streamlit run app.py`` on a free 127.0.0.1 port; yields (url, monotonic start time).

    The browser test uses this too, so both measure the cold start the same way.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    proc = subprocess.Popen(
        [*command, "--server.address", "127.0.0.1"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(f"streamlit exited with code {proc.returncode}") from None
                if time.monotonic() - started > 120:
                    raise RuntimeError("streamlit did not start within 120 s") from None
                time.sleep(0.1)
        yield url, started
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def ask(page: object, question: str) -> float:
    """Submit a question; seconds until the whole answer is on screen."""
    count = page.locator("[data-testid=stChatMessage]").count()  # type: ignore[attr-defined]
    box = page.get_by_placeholder(PLACEHOLDER)  # type: ignore[attr-defined]
    box.fill(question)
    started = time.monotonic()
    box.press("Enter")
    page.wait_for_function(ANSWERED, arg=count + 2, timeout=60_000, polling="raf")  # type: ignore[attr-defined]
    return time.monotonic() - started


def baseline_ms(questions: list[str]) -> list[float]:
    from licenseqa.answering.compose import answer
    from licenseqa.config import load_settings
    from licenseqa.service import open_retriever

    retriever = open_retriever(load_settings())
    for q in questions:
        answer(q, retriever)
    out = []
    for q in questions:
        started = time.perf_counter()
        answer(q, retriever)
        out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=ROOT / "eval" / "dev.jsonl")
    parser.add_argument("--per-session", type=int, default=8, help="questions per conversation")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between questions")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every warm answer")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        print("needs Debian chromium at /usr/bin/chromium (apt-get install chromium)", file=sys.stderr)
        return 2
    lines = args.questions.read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()]
    warm: list[float] = []
    with running_app() as (url, started), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        cold = 0.0
        for s in range(0, len(questions), args.per_session):
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.goto(url)
            page.get_by_placeholder(PLACEHOLDER).wait_for(timeout=120_000)
            for i, q in enumerate(questions[s : s + args.per_session]):
                if s == 0 and i == 0:
                    ask(page, q)
                    cold = time.monotonic() - started
                else:
                    time.sleep(args.pause)
                    warm.append(ask(page, q) * 1000)
                    log.info("warm %d.%d %.0f ms  %s", s // args.per_session, i, warm[-1], q[:60])
            page.close()
        browser.close()
    base = baseline_ms(questions)
    result = {
        "cold_start_to_first_answer_s": round(cold, 2),
        "warm_answers": len(warm),
        "warm_p50_ms": round(statistics.median(warm), 1),
        "warm_p95_ms": round(statistics.quantiles(warm, n=20, method="inclusive")[18], 1),
        "warm_max_ms": round(max(warm), 1),
        "baseline_answer_p50_ms": round(statistics.median(base), 1),
        "ratio_p50": round(statistics.median(warm) / statistics.median(base), 1),
        "per_session": args.per_session,
        "pause_s": args.pause,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"cold: streamlit run -> first answer on screen  {result['cold_start_to_first_answer_s']} s")
        print(
            f"warm answer in the page ({len(warm)} questions): p50 {result['warm_p50_ms']} ms, "
            f"p95 {result['warm_p95_ms']} ms, max {result['warm_max_ms']} ms"
        )
        print(
            f"baseline answer() p50 {result['baseline_answer_p50_ms']} ms; page / answer() = "
            f"{result['ratio_p50']}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
