"""Real browser: an LLM answer streams into the chat page as escaped text, never as live Markdown.

The app runs as users run it (`streamlit run app.py`, configured by `LICENSEQA_LLM*` only) against an
OpenAI-compatible endpoint this test starts on 127.0.0.1 (the documented `LICENSEQA_LLM_BASE_URL`
way, no test-only switch in the app). The endpoint streams, slowly, a reply with a `javascript:`
Markdown link and raw HTML; while it streams the test polls the page's DOM (and a MutationObserver
records every change) for a `javascript:` link or an event-handler attribute.

Run: `.venv/bin/python -m pytest -m browser tests/test_browser_stream.py` (needs /usr/bin/chromium).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import free_port, make_corpus

from bench.ui_latency import CHROMIUM, FLAGS, PLACEHOLDER, running_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUESTION = "Does Apache License 2.0 require me to give recipients a copy of the license?"
LINK = "[the full licence](javascript:alert(document.domain))"
REPLY = (
    f"Yes: you must give any other recipients a copy of this License [1]. Read {LINK} and "
    "<img src=x onerror=alert(2)> before you ship, then check the NOTICE file and keep every "
    "attribution notice of the Work in what you distribute to recipients [1]."
)
WORD_DELAY_S = 0.25  # about 9 s of streaming: many DOM polls while the link text is on screen


class _SlowOpenAI(BaseHTTPRequestHandler):
    """An OpenAI-compatible chat endpoint that streams ``REPLY`` word by word."""

    streamed = 0

    def log_message(self, *args):  # keep test output clean
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        base = {"id": "chatcmpl-1", "created": 0, "model": body["model"], "object": "chat.completion.chunk"}
        assert body.get("stream"), "the chat page streams"
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for word in REPLY.split(" "):
            delta = {"index": 0, "delta": {"content": word + " "}, "finish_reason": None}
            self.wfile.write(f"data: {json.dumps({**base, 'choices': [delta]})}\n\n".encode())
            self.wfile.flush()
            time.sleep(WORD_DELAY_S)
        end = {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())
        _SlowOpenAI.streamed += 1


@pytest.fixture
def llm_app(tmp_path, embedder):
    from ingest.pipeline import run_ingest
    from licenseqa.config import load_settings
    from licenseqa.index.store import ChromaStore

    corpus = make_corpus(tmp_path / "corpus", ["Apache-2.0", "MIT"])
    index = tmp_path / "index"
    store = ChromaStore.open(load_settings(index_dir=index, corpus_dir=corpus), create=True)
    run_ingest(corpus, store, lambda: embedder, embedder.name, index_dir=index)
    port = free_port()
    endpoint = ThreadingHTTPServer(("127.0.0.1", port), _SlowOpenAI)
    threading.Thread(target=endpoint.serve_forever, daemon=True).start()
    _SlowOpenAI.streamed = 0
    env = {
        "LICENSEQA_INDEX_DIR": str(index),
        "LICENSEQA_CORPUS_DIR": str(corpus),
        "LICENSEQA_FEEDBACK_PATH": str(tmp_path / "feedback.jsonl"),
        "LICENSEQA_LLM": "openai:gpt-4o-mini",
        "LICENSEQA_LLM_BASE_URL": f"http://127.0.0.1:{port}/v1",
        "LICENSEQA_LLM_API_KEY": "sk-test",
        "LICENSEQA_LLM_TIMEOUT": "120",
    }
    try:
        with running_app(env) as (url, _started):
            yield url
    finally:
        endpoint.shutdown()


# Every DOM change is checked, not only the moments the test polls.
OBSERVER = """
window.__activeSeen = [];
new MutationObserver(() => {
  const q = 'a[href^="javascript:" i], [data-testid=stChatMessage] [onerror], '
    + '[data-testid=stChatMessage] [onload]';
  for (const el of document.querySelectorAll(q)) {
    window.__activeSeen.push(el.outerHTML.slice(0, 200));
  }
}).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
"""
# a javascript: link, an event handler or an image anywhere in the chat, or the model's link made a link
ACTIVE = """() => Array.from(document.querySelectorAll(
  'a[href^="javascript:" i], [data-testid=stChatMessage] [onerror], [data-testid=stChatMessage] img, '
  + '[data-testid=stChatMessage] a'
)).filter(el => el.tagName !== 'A' || !el.href.startsWith('http') || el.innerText.includes('full licence'))
  .map(el => el.outerHTML.slice(0, 200))"""
LAST_MESSAGE = """() => {
  const msgs = document.querySelectorAll('[data-testid=stChatMessage]');
  return msgs.length ? msgs[msgs.length - 1].innerText : '';
}"""


def test_llm_answer_streams_as_text_without_a_javascript_link(llm_app):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian chromium (apt-get install chromium)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        page.add_init_script(OBSERVER)
        page.goto(llm_app)
        box = page.get_by_placeholder(PLACEHOLDER)
        box.wait_for(timeout=120_000)
        box.fill(QUESTION)
        box.press("Enter")
        polls = link_text_polls = 0
        seen_streaming: list[str] = []
        active: list[str] = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            text = page.evaluate(LAST_MESSAGE)
            active += page.evaluate(ACTIVE)
            polls += 1
            if "Corpus version" in text:  # the verified answer replaced the stream
                break
            if "javascript:alert(document.domain)" in text:
                link_text_polls += 1  # the link is on screen, as text
                seen_streaming.append(text)
            page.wait_for_timeout(100)
        final = page.evaluate(LAST_MESSAGE)
        active += page.evaluate(ACTIVE)
        observed = page.evaluate("window.__activeSeen")
        browser.close()
    assert "Corpus version" in final and "· llm ·" in final, final[-400:]
    assert _SlowOpenAI.streamed == 1
    assert not active, active  # no javascript: link, no event handler, no image at any poll
    assert not observed, observed  # ... nor at any DOM change in between
    # the stream was watched while the link was on screen as text, many times
    assert link_text_polls >= 5, (polls, link_text_polls)
    assert LINK in seen_streaming[-1] and "<img src=x onerror=alert(2)>" in seen_streaming[-1]
