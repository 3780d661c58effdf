"""Issue 17, Output: the exported conversation is as inert as the chat page (11), an LLM answer streams
as escaped text (12), headings inside a clause are context and never a sentence of the answer, and file
names show as written (13).

One small real corpus (real files, the bundled model, real Chroma) with guidance written for these
cases; the exported Markdown and the streamed HTML are read by a real CommonMark parser (markdown-it,
HTML enabled, as a Markdown viewer or Streamlit's renderer would).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import ROOT, free_port, make_corpus
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from markdown_it import MarkdownIt

pytestmark = pytest.mark.slow

HOSTILE = (
    "---\nid: export-hostile\ntitle: Zebra Export Policy\nkind: guidance\n---\n\n"
    "## 1. Zebra Exports\n\n"
    'Every zebra export needs a signed zebra permit <script>alert("x")</script> and '
    "<img src=x onerror=alert(1)> and <svg onload=alert(2)> and ![tracker](https://evil.example/pixel.png) "
    "before the zebra leaves the country.\n\n"
    "## 2. Okapi Exports\n\n"
    'Every okapi export needs a signed okapi permit <iframe src="https://evil.example/frame"></iframe> '
    "and [open the form](javascript:alert(3)) and [data form](data:text/html;base64,PHNjcmlwdD4=) and "
    "[spelled form](&#106;avascript:alert(4)) and &lt;b&gt;entity&lt;/b&gt; and <javascript:alert(5)> "
    "and <https://evil.example/auto> before the okapi leaves the country.\n"
)
VENDOR = (
    "---\nid: vendor-models\ntitle: Vendor Model Policy\nkind: guidance\n---\n\n"
    "# Vendor Model Policy\n\n"
    "## 1. Vendor Models\n\n"
    "### Vendor Portal Access\n\n"
    "Engineers request vendor model access through the procurement portal. Access is granted per team "
    "and reviewed every quarter.\n\n"
    "Approval\n"
    "Every new vendor model needs written approval from the licensing team before it is used in a "
    "product.\n\n"
    "Security Review\n"
    "---------------\n"
    "The security team reviews each vendor model for data retention before approval is granted.\n\n"
    "## 2. Retention\n\n"
    "Vendor Data Handling\n"
    "Vendors must delete our prompts and outputs within thirty days of each request.\n\n"
    "RETENTION EXCEPTIONS\n"
    "Vendors may keep invoices for seven years when tax law requires it.\n\n"
    "- Approved Vendor List\n"
    "- Vendors must register every subprocessor with procurement before onboarding.\n"
)
HEADINGS = {
    "Vendor Model Policy",
    "Vendor Portal Access",
    "Approval",
    "Security Review",
    "Vendor Data Handling",
    "RETENTION EXCEPTIONS",
}


@pytest.fixture(scope="module")
def small_index(tmp_path_factory, embedder):
    from ingest.pipeline import run_ingest
    from licenseqa.config import load_settings
    from licenseqa.index.store import ChromaStore

    root = tmp_path_factory.mktemp("output")
    corpus = make_corpus(root / "corpus", ["MIT", "Apache-2.0"])
    (corpus / "guidance").mkdir()
    (corpus / "guidance" / "export-hostile.md").write_text(HOSTILE)
    (corpus / "guidance" / "vendor-models.md").write_text(VENDOR)
    index = root / "index"
    store = ChromaStore.open(load_settings(index_dir=index, corpus_dir=corpus), create=True)
    run_ingest(corpus, store, lambda: embedder, embedder.name, index_dir=index)
    return corpus, index


@pytest.fixture(scope="module")
def small_retriever(small_index, embedder):
    from licenseqa.answering.retrieval import Retriever
    from licenseqa.config import load_settings
    from licenseqa.index.store import ChromaStore

    return Retriever(ChromaStore.open(load_settings(index_dir=small_index[1])), embedder)


# -- reading Markdown as a viewer does ---------------------------------------------------------------

MD = MarkdownIt("commonmark")  # raw HTML allowed, as in most Markdown viewers


def active_markdown(text: str) -> list[str]:
    """Everything in ``text`` that a Markdown viewer would make live: raw HTML, images, links."""
    found: list[str] = []

    def walk(tokens):
        for t in tokens:
            if t.type in ("html_block", "html_inline"):
                found.append(f"{t.type}: {t.content[:80]}")
            elif t.type == "image":
                found.append(f"image: {t.attrGet('src')}")
            elif t.type == "link_open":
                found.append(f"link: {t.attrGet('href')}")
            if t.children:
                walk(t.children)

    walk(MD.parse(text))
    return found


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, tuple]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, tuple(attrs)))

    def handle_data(self, data):
        self.text += data


def html_tags(fragment: str) -> _Tags:
    parser = _Tags()
    parser.feed(fragment)
    return parser


# -- 11. exported conversations -----------------------------------------------------------------------


def _export(turns) -> str:
    from licenseqa.ui.export import conversation_markdown

    return conversation_markdown(turns)


def _assert_only_document_tags(rendered: str) -> None:
    """The rendered export holds the tags of its own structure only, none with an attribute."""
    tags = html_tags(rendered).tags
    assert {t for t, _ in tags} <= {"h1", "h2", "p", "ul", "li", "blockquote", "em", "code"}, tags
    assert not [a for _, a in tags if a], tags


def test_export_of_hostile_corpus_text_and_question_is_inert(small_retriever):
    """The issue's example: <script>, <img onerror>, <svg onload> and a remote image from the corpus
    and from the question."""
    from licenseqa.answering.compose import answer

    question = (
        "What does a zebra export need? <script>alert('q')</script> <svg onload=alert(8)> "
        "![q](https://evil.example/q.png)"
    )
    ans = answer(question, small_retriever)
    assert ans.citations and ans.citations[0].doc_id == "export-hostile", ans.text
    assert "<script>" in ans.citations[0].quote  # the corpus text does reach the export
    md = _export([ans])
    assert active_markdown(md) == []
    rendered = MD.render(md)
    _assert_only_document_tags(rendered)
    # ... and it still reads as the original text
    shown = html_tags(rendered).text
    assert 'zebra permit <script>alert("x")</script> and <img src=x onerror=alert(1)>' in shown
    assert "![tracker](https://evil.example/pixel.png)" in shown
    assert "<svg onload=alert(8)> ![q](https://evil.example/q.png)" in shown  # the question heading
    # the structure of the export is still Markdown
    tokens = [t.type for t in MD.parse(md)]
    assert tokens.count("heading_open") == 2 and "bullet_list_open" in tokens and "blockquote_open" in tokens


def test_export_siblings_iframe_javascript_data_entities_autolinks(small_retriever):
    from licenseqa.answering.compose import answer

    ans = answer("What does an okapi export need?", small_retriever)
    assert ans.citations and ans.citations[0].doc_id == "export-hostile", ans.text
    assert "<iframe" in ans.citations[0].quote
    # a model's answer text (LLM mode) and a multi-line question are as untrusted as the corpus
    llm_text = (
        "Yes, a permit [1].\n\n[1]: javascript:alert(6)\n\n- Use [the form][1] or "
        "[x](vbscript:msgbox(1)) <a href='javascript:alert(9)'>here</a> [1]\n"
        "<details open ontoggle=alert(10)>"
    )
    llm = replace(
        ans, mode="llm", text=llm_text, question="Okapi?\n\n<iframe src=//evil.example>\n[r]: data:x"
    )
    md = _export([ans, llm])
    assert active_markdown(md) == []
    rendered = MD.render(md)
    _assert_only_document_tags(rendered)
    shown = html_tags(rendered).text
    assert "[open the form](javascript:alert(3))" in shown
    assert "[spelled form](&#106;avascript:alert(4))" in shown  # the reference is not decoded
    assert "&lt;b&gt;entity" in shown and "<javascript:alert(5)>" in shown
    assert "[1]: javascript:alert(6)" in shown and "<details open ontoggle=alert(10)>" in shown
    assert "Okapi? <iframe src=//evil.example> [r]: data:x" in shown  # one heading line
    assert "Citations:" in md and "`corpus/guidance/export-hostile.md` lines" in md


def test_export_file_names_are_code_spans_even_with_backticks():
    from licenseqa.ui.render import md_code

    for name in ("policy.md", "corpus/guidance/my_policy_v2.md", "odd`name`.md", "``x"):
        span = md_code(name)
        tokens = MD.parseInline(span)[0].children
        assert [t.type for t in tokens] == ["code_inline"] and tokens[0].content == name


# -- 12. LLM streaming --------------------------------------------------------------------------------

APACHE_Q = "Does Apache License 2.0 require me to give recipients a copy of the license?"
JS_LINK = "[the full licence](javascript:alert(document.domain))"
LLM_REPLY = (
    f"Yes: you must give any other recipients a copy of this License [1]. Read {JS_LINK} and "
    "<img src=x onerror=alert(2)> and <a href='javascript:alert(3)'>this</a> [1]."
)
SIBLING_REPLY = (
    "Yes [1]. ![pixel](https://evil.example/p.png) [click](&#106;avascript:alert(4)) "
    "<svg onload=alert(5)> <javascript:alert(6)> [1]."
)


def _assert_inert_answer_html(shown: str) -> None:
    """What the page shows: one escaped HTML block of our own tags, no live link or handler."""
    assert active_markdown(shown) == [f"html_block: {shown[:80]}"]
    tags = html_tags(shown).tags
    assert {t for t, _ in tags} <= {"div", "p", "ul", "li", "br"}, tags
    assert [a for _, a in tags if a] == [(("class", "lqa-answer"),)] * sum(1 for t, _ in tags if t == "div")


@pytest.mark.parametrize("reply", [LLM_REPLY, SIBLING_REPLY], ids=["javascript-link", "image-entity-svg"])
def test_streamed_llm_text_is_escaped_at_every_step(small_retriever, reply):
    from licenseqa.answering.llm import LLMAnswerer
    from licenseqa.ui.render import stream_html

    model = GenericFakeChatModel(messages=iter([AIMessage(content=reply)]))
    holder = []
    steps = list(stream_html(LLMAnswerer(small_retriever, model).stream(APACHE_Q, on_answer=holder.append)))
    assert len(steps) > 10  # the fake model streams word by word
    for shown in steps:
        _assert_inert_answer_html(shown)
    assert reply.rstrip(".") in html_tags(steps[-1]).text  # shown as written, as text
    assert holder[0].mode == "llm"


class _StreamingOpenAI(BaseHTTPRequestHandler):
    """An OpenAI-compatible endpoint on 127.0.0.1 that streams ``LLM_REPLY`` word by word."""

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        base = {"id": "c1", "created": 0, "model": body["model"], "object": "chat.completion.chunk"}
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for word in LLM_REPLY.split(" "):
            delta = {"index": 0, "delta": {"content": word + " "}, "finish_reason": None}
            self.wfile.write(f"data: {json.dumps({**base, 'choices': [delta]})}\n\n".encode())
            self.wfile.flush()
            time.sleep(0.01)
        end = {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())


def test_chat_page_streams_llm_text_escaped(small_index, monkeypatch):
    """AppTest: every Markdown body the page sends while the answer streams is escaped HTML."""
    from streamlit.delta_generator import DeltaGenerator
    from streamlit.testing.v1 import AppTest

    corpus, index = small_index
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _StreamingOpenAI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sent: list[tuple[str, bool]] = []
    streamed: list[object] = []
    markdown = DeltaGenerator.markdown

    def recording_markdown(self, body, *args, **kwargs):
        sent.append((str(body), bool(kwargs.get("unsafe_allow_html"))))
        return markdown(self, body, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "markdown", recording_markdown)
    monkeypatch.setattr(DeltaGenerator, "write_stream", lambda self, s, **k: streamed.append(s))
    monkeypatch.setenv("LICENSEQA_INDEX_DIR", str(index))
    monkeypatch.setenv("LICENSEQA_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("LICENSEQA_LLM", "openai:gpt-4o-mini")
    monkeypatch.setenv("LICENSEQA_LLM_BASE_URL", f"http://127.0.0.1:{server.server_address[1]}/v1")
    monkeypatch.setenv("LICENSEQA_LLM_API_KEY", "sk-test")
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
        at.chat_input[0].set_value(APACHE_Q).run(timeout=120)
    finally:
        server.shutdown()
    assert not at.exception
    assert any("· llm ·" in c.value for c in at.caption)
    assert not streamed  # the raw model text never goes through st.write_stream (Markdown)
    with_model_text = [body for body, _ in sent if "javascript:alert(document.domain)" in body]
    assert len(with_model_text) > 5  # the stream was shown as it grew (and the verified answer)
    for body in with_model_text:
        _assert_inert_answer_html(body)


# -- 13. headings inside clauses ----------------------------------------------------------------------


def _bullets(text: str) -> list[tuple[str, int]]:
    """The answer's bullets as (sentence, citation number)."""
    out = []
    for line in text.split("\n"):
        if line.startswith("- "):
            sentence, n = line[2:].rsplit(" [", 1)
            out.append((sentence, int(n.rstrip("]"))))
    return out


@pytest.mark.parametrize(
    "question",
    [
        "How do engineers get vendor model portal access?",  # the "- Vendor Portal Access [1]"
        "Who gives approval for a new vendor model?",  # the "Approval Every new vendor model..."
        "Does the security team review vendor models?",  # an underlined heading
        "How long may vendors keep our prompts and invoices?",  # title-case and upper-case lines
    ],
)
def test_headings_in_a_clause_are_never_answer_sentences(small_retriever, question):
    from licenseqa.answering.compose import answer

    ans = answer(question, small_retriever)
    assert any(c.doc_id == "vendor-models" for c in ans.citations), ans.text
    ours = {c.n for c in ans.citations if c.doc_id == "vendor-models"}
    bullets = [b for b, n in _bullets(ans.text) if n in ours]
    assert bullets
    for bullet in bullets:
        assert not bullet.startswith("#") and "----" not in bullet, bullet
        assert bullet not in HEADINGS, bullet
        for heading in HEADINGS:  # never glued to the sentence after it
            assert not bullet.startswith(heading + " "), bullet
        assert bullet[0].isupper() and bullet.endswith("."), bullet  # a sentence of the policy


def test_heading_detection_keeps_sentences_lists_and_wrapped_lines():
    """What is not a heading stays a sentence: list items, wrapped licence lines (a title-case or
    upper-case line that continues in lower case or follows an unfinished line)."""
    from licenseqa.answering.compose import _sentences

    text = (
        "Distribution of Compiled Forms of the Standard Version\n"
        "or Modified Versions without the Source is allowed under these terms.\n\n"
        "THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND\n"
        "CONTRIBUTORS AS IS WITHOUT ANY WARRANTY.\n\n"
        "- Apache License\n"
        "- MIT License\n\n"
        "Scope\n"
        "This policy covers every product we ship.\n"
        "**Who Approves**\n"
        "The licensing team approves exceptions."
    )
    got = [text[s:e] for s, e in _sentences(text)]
    assert got == [
        "Distribution of Compiled Forms of the Standard Version\n"
        "or Modified Versions without the Source is allowed under these terms.",
        "THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND\nCONTRIBUTORS AS IS WITHOUT ANY WARRANTY.",
        "- Apache License",
        "- MIT License",
        "This policy covers every product we ship.",
        "The licensing team approves exceptions.",
    ]


def test_manage_page_shows_the_target_file_name_as_written(tmp_path, monkeypatch):
    """The issue's `policy\\.md` and siblings with Markdown characters: a code span with the real name."""
    from streamlit.testing.v1 import AppTest

    def entry() -> None:
        from licenseqa.ui.manage import manage_page

        manage_page()

    corpus = make_corpus(tmp_path / "corpus", ["MIT"])
    monkeypatch.setenv("LICENSEQA_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("LICENSEQA_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("LICENSEQA_ADMIN_TOKEN", "tok-output")
    at = AppTest.from_function(entry, default_timeout=120).run()
    at.text_input(key="admin_token_input").input("tok-output")
    at.text_input(key="admin_name_input").input("Ana Legal")
    at.button[0].click().run()
    for name, body in (
        ("policy.md", "---\nid: policy\ntitle: Policy\nkind: guidance\n---\n\n## 1. Scope\n\nAll.\n"),
        ("notes_v2-draft.md", "Plain notes without front matter, every product.\n"),
    ):
        at.get("file_uploader")[0].set_value((name, body.encode(), "text/markdown")).run()
        assert not at.exception
        caption = next(c.value for c in at.caption if c.value.startswith("Will be saved as"))
        code = [t for t in MD.parseInline(caption)[0].children if t.type == "code_inline"]
        assert [t.content for t in code] == [name], caption


def test_export_carries_the_answer_warnings_inert(small_retriever):
    """What the chat page warns about (here a normalised question) is in the export too, as inert text."""
    import dataclasses

    from licenseqa.answering.compose import answer

    ans = answer("What does a zebra\u200b export need?", small_retriever)
    assert any("normalised" in w for w in ans.warnings), ans.warnings
    hostile = dataclasses.replace(
        ans, warnings=(*ans.warnings, "source <img src=x onerror=alert(1)> changed")
    )
    md = _export([hostile])
    assert md.count("**Warning:**") == len(hostile.warnings)
    assert active_markdown(md) == []
    shown = html_tags(MD.render(md)).text
    assert "source <img src=x onerror=alert(1)> changed" in shown and "normalised" in shown
