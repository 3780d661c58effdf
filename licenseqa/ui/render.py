"""Safe rendering helpers: corpus text is always shown as text, never as active content.

Corpus-derived text is HTML-escaped and emitted as a single-line HTML block (newlines become
``<br>``), so Markdown never parses it: no links, no autolinked URLs, no emphasis, no raw HTML.
"""

from __future__ import annotations

import html
import re

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
    """Escape Markdown (and HTML) so short text renders literally in ``st.markdown``."""
    return _MD_SPECIAL.sub(r"\\\1", text)


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
