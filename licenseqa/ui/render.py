"""Safe rendering helpers: corpus text is always shown as text, never as active content.

Corpus-derived text is HTML-escaped and emitted as a single-line HTML block (newlines become
``<br>``), so Markdown never parses it: no links, no autolinked URLs, no emphasis, no raw HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator

# How each corpus ``kind`` is labelled on every page.
KIND_LABELS = {
    "guidance": "Our guidance",
    "software-permissive": "Permissive",
    "weak-copyleft": "Weak copyleft",
    "strong-copyleft": "Strong copyleft",
    "network-copyleft": "Network copyleft",
    "public-domain": "Public domain",
    "source-available": "Source-available",
    "content-data": "Content and data",
    "model": "Model licences",
    "exception": "Exceptions",
}


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~=$&:])")
_MONO = (
    "white-space: pre-wrap; font-family: 'Source Code Pro', monospace; font-size: 0.82rem; line-height: 1.45;"
)


def citation_place(source: str, start_line: int, end_line: int, page_label: str = "") -> str:
    """Where a citation's quote is: ``corpus/licenses/X.txt, p. 2, lines 10-12`` (the page of a
    PDF-derived document first)."""
    page = f", {page_label}" if page_label else ""
    return f"{source}{page}, lines {start_line}-{end_line}"


def md_escape(text: str) -> str:
    """Escape Markdown (and HTML) so short text renders literally in ``st.markdown``.

    Backslash escapes do nothing inside a code span: show names there with :func:`md_code`."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_code(text: str) -> str:
    """``text`` (a file name, an id) as an inline code span: shown verbatim, never parsed.

    The fence is one backtick longer than any run of backticks in the text, so none can close it."""
    text = " ".join(text.splitlines())
    if not text:
        return ""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text[0] == "`" or text[-1] == "`" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


# What can make Markdown text active beyond HTML: link and image brackets (inline, reference and
# definitions), code fences and the backslash itself.
_MD_LINK_SYNTAX = re.compile(r"([\\`\[\]])")


def md_inert(text: str) -> str:
    """Untrusted text (corpus, question, model) for a Markdown *document*, as inert as the chat page.

    The same HTML escaping as the page (``&``, ``<``, ``>``): no raw HTML (``<script>``, ``<img onerror>``,
    ``<svg onload>``, ``<iframe>``), no ``<scheme:...>`` autolinks and no character references that
    could spell a ``javascript:`` target; and every ``[``/``]`` backslash-escaped, so no inline or
    reference link or image (``[x](javascript:...)``, ``![x](https://...)``) can form. Reads as the
    original text once rendered."""
    return _MD_LINK_SYNTAX.sub(r"\\\1", html.escape(text, quote=False))


def _text(s: str) -> str:
    """Escaped text on one line: newlines become <br> so the HTML block is never split."""
    return html.escape(s).replace("\r", "").replace("\n", "<br>")


def answer_html(text: str) -> str:
    """The answer (lead line + ``- sentence [n]`` bullets) as escaped, single-line HTML."""
    parts: list[str] = []
    items: list[str] = []
    for line in text.split("\n"):
        if line.startswith("- "):
            items.append(f"<li>{_text(line[2:])}</li>")
            continue
        if items:
            parts.append("<ul>" + "".join(items) + "</ul>")
            items = []
        if line.strip():
            parts.append(f"<p>{_text(line)}</p>")
    if items:
        parts.append("<ul>" + "".join(items) + "</ul>")
    return '<div class="lqa-answer">' + "".join(parts) + "</div>"


def stream_html(pieces: Iterable[str]) -> Iterator[str]:
    """A streamed answer as it grows: after every piece, the whole text so far as :func:`answer_html`.

    The model's text is untrusted like the corpus: streamed through Markdown (``st.write_stream``), a
    ``[x](javascript:...)`` link or raw HTML would be live on the page until the verified answer
    replaced it. Escaping the accumulated text (not each piece) keeps an entity or tag that spans two
    pieces escaped too."""
    text = ""
    for piece in pieces:
        text += piece
        yield answer_html(text)


def highlighted_clause_html(clause_text: str, quote: str) -> str:
    """The clause as escaped, pre-wrapped HTML with the quote marked."""
    start = clause_text.find(quote) if quote else -1
    if start < 0:
        body = _text(clause_text)
    else:
        end = start + len(quote)
        body = (
            _text(clause_text[:start])
            + '<mark class="lqa-quote">'
            + _text(clause_text[start:end])
            + "</mark>"
            + _text(clause_text[end:])
        )
    return f'<div class="lqa-clause" style="{_MONO}">{body}</div>'


def text_block_html(lines: list[str], anchor: str | None = None, highlight: bool = False) -> str:
    style = _MONO + " margin: 0; padding: 0.15rem 0.5rem;"
    if highlight:
        style += " background: #fff3b0; border-left: 4px solid #e0a800;"
    attrs = f' id="{html.escape(anchor)}"' if anchor else ""
    cls = "lqa-section lqa-highlight" if highlight else "lqa-section"
    return f'<div{attrs} class="{cls}" style="{style}">{_text(chr(10).join(lines))}</div>'
