"""Conversation export as Markdown, with the citations of every answer.

The export is as inert as the chat page: every piece of text that comes from the question, the corpus
or a model goes through :func:`licenseqa.ui.render.md_inert` (HTML escaped, no link or image syntax),
file names through :func:`licenseqa.ui.render.md_code`; only the document's own structure (headings,
the answer's ``- `` bullets, the quote markers) is Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from licenseqa.answering.compose import DISCLAIMER, cite_label
from licenseqa.models import Answer
from licenseqa.ui.render import md_code, md_inert


def _line(text: str) -> str:
    """Untrusted text on one line (a newline cannot start a new Markdown block)."""
    return md_inert(re.sub(r"\s+", " ", text).strip())


def _quote(text: str) -> str:
    return "> " + _line(text)


def _answer_lines(text: str) -> list[str]:
    """The answer text: its ``- `` bullets stay bullets, every line's words are inert."""
    out = []
    for line in text.split("\n"):
        if line.startswith("- "):
            out.append("- " + _line(line[2:]))
        else:
            out.append(_line(line))
    return out


def conversation_markdown(turns: Sequence[Answer], title: str = "licenseqa conversation") -> str:
    lines = [
        f"# {title}",
        "",
        f"Exported {datetime.now(UTC).isoformat(timespec='seconds')}. {DISCLAIMER}",
        "",
    ]
    for n, ans in enumerate(turns, start=1):
        lines += [f"## {n}. {_line(ans.question)}", "", *_answer_lines(ans.text), ""]
        # the chat page's warnings (a normalised or long question, a source changed since indexing...)
        lines += [f"**Warning:** {_line(w)}" for w in ans.warnings]
        lines += [""] if ans.warnings else []
        if ans.citations:
            lines.append("Citations:")
            lines.append("")
            for c in ans.citations:
                heading = f" ({c.heading})" if c.heading else ""
                page = f" {c.page_label}," if c.pages else ""
                where = f"{md_code(c.source)}{page} lines {c.start_line}-{c.end_line}"
                lines.append(f"[{c.n}] {_line(cite_label(c.title, c.section) + heading)}, {where}")
                lines.append("")
                lines.append(_quote(c.quote))
                lines.append("")
        lines.append(f"_Corpus version {_line(ans.corpus_version)}, mode {_line(ans.mode)}._")
        lines.append("")
    return "\n".join(lines)
