"""Safe rendering helpers: corpus text is always shown as text, never as active content."""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~=$&:])")


def md_escape(text: str) -> str:
    """Escape Markdown (and HTML) so the text renders literally in ``st.markdown``."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def answer_markdown(text: str) -> str:
    """The answer (lead line + ``- sentence [n]`` bullets) as Markdown with the corpus text escaped."""
    out = []
    for line in text.split("\n"):
        m = re.match(r"^- (.*?)( \[\d+\])?$", line)
        if m:
            marker = m.group(2) or ""
            out.append(f"- {md_escape(m.group(1))}{md_escape(marker)}")
        else:
            out.append(md_escape(line))
    return "\n".join(out)


def highlighted_clause_html(clause_text: str, quote: str) -> str:
    """The clause as escaped, pre-formatted HTML with the quote marked."""
    start = clause_text.find(quote) if quote else -1
    if start < 0:
        body = html.escape(clause_text)
    else:
        end = start + len(quote)
        body = (
            html.escape(clause_text[:start])
            + '<mark class="lqa-quote">'
            + html.escape(clause_text[start:end])
            + "</mark>"
            + html.escape(clause_text[end:])
        )
    return f'<pre class="lqa-clause" style="white-space: pre-wrap; font-size: 0.85rem;">{body}</pre>'


def text_block_html(lines: list[str], anchor: str | None = None, highlight: bool = False) -> str:
    style = "white-space: pre-wrap; font-size: 0.85rem; margin: 0; padding: 0.2rem 0.5rem;"
    if highlight:
        style += " background: #fff3b0; border-left: 4px solid #e0a800;"
    attrs = f' id="{html.escape(anchor)}"' if anchor else ""
    cls = "lqa-section lqa-highlight" if highlight else "lqa-section"
    return f'<pre{attrs} class="{cls}" style="{style}">{html.escape(chr(10).join(lines))}</pre>'
