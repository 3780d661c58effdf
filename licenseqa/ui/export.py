"""Conversation export as Markdown, with the citations of every answer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from licenseqa.answering.compose import DISCLAIMER, cite_label
from licenseqa.models import Answer


def _quote(text: str) -> str:
    return "> " + re.sub(r"\s+", " ", text).strip()


def conversation_markdown(turns: Sequence[Answer], title: str = "licenseqa conversation") -> str:
    lines = [
        f"# {title}",
        "",
        f"Exported {datetime.now(UTC).isoformat(timespec='seconds')}. {DISCLAIMER}",
        "",
    ]
    for n, ans in enumerate(turns, start=1):
        lines += [f"## {n}. {ans.question}", "", ans.text, ""]
        if ans.citations:
            lines.append("Citations:")
            lines.append("")
            for c in ans.citations:
                heading = f" ({c.heading})" if c.heading else ""
                page = f" {c.page_label}," if c.pages else ""
                where = f"`{c.source}`{page} lines {c.start_line}-{c.end_line}"
                lines.append(f"[{c.n}] {cite_label(c.title, c.section)}{heading}, {where}")
                lines.append("")
                lines.append(_quote(c.quote))
                lines.append("")
        lines.append(f"_Corpus version {ans.corpus_version}, mode {ans.mode}._")
        lines.append("")
    return "\n".join(lines)
