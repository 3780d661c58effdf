"""Gaps and restarts in a document's top-level clause numbering, for ``corpus validate``.

A licence whose clauses run 1., 3., 4. (a deleted clause) or start again at 1. (two texts in one
file, a draft) is indexed as it is (the ingest keeps every number), but a person should look at it:
the check reports each place where the top-level numbering does not go on by one.

It reads only line-start markers: ``Section 3``, ``Article 3``, ``§ 3``, ``3.`` and ``3)`` at the
smallest indentation of the text (in Markdown, ``## 3. Title`` headings at the highest heading
level). A marker counts when the line before it does not stop mid-sentence and the text after it
starts like a clause (upper case, a quote or a parenthesis), so a number that merely wraps to the
start of a line ("... section\\n3. of ...") is not one. The top-level style is the word style
(``Section 3``) when the text has it, else the style of the first marker. A list that starts at 1
under a line ending in ``:`` or under a title-only clause ("1. Definitions") is nested in that
clause, whatever its style, until the top-level numbering resumes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from licenseqa.corpus.documents import document_problems

_WORD_RE = re.compile(r"^(?:Section|SECTION|Article|ARTICLE|§)\s*(\d{1,3})\b\s*(?:--|[:.\-–—])?\s*(.*)$")
_NUMBER_RE = re.compile(r"^(\d{1,3})([.)])(?!\d)\s*(.*)$")
_MD_HEADING_RE = re.compile(r"^(#{1,6})\s+(\d{1,3})\.?(?:\s+(.*))?$")
_MID_SENTENCE_RE = re.compile(r"(?:[a-z,\-–]|\b(?i:section|sections|clause|paragraph|article)|§)$")


@dataclass(frozen=True)
class _Mark:
    style: str  # "word", "N.", "N)" or "#" + level
    number: int
    line: int  # 1-based file line
    indent: int
    opens_list: bool  # the line before ends with ":" or is a title-only marker line: a nested list may start


def _clause_start(text: str) -> bool:
    first = text[:1]
    return not first or first.isupper() or (first.isalpha() and not first.islower()) or first in "\"“‘'("


def _plain(line: str) -> str:
    return line.strip().replace("**", "").strip("*").strip()


def _marker(text: str) -> tuple[str, int, str] | None:
    m = _WORD_RE.match(text)
    if m and _clause_start(m.group(2)):
        return "word", int(m.group(1)), m.group(2)
    m = _NUMBER_RE.match(text)
    if m and _clause_start(m.group(3)):
        return "N" + m.group(2), int(m.group(1)), m.group(3)
    return None


def _marks(body: str, first_line: int, markdown: bool) -> list[_Mark]:
    marks: list[_Mark] = []
    lines = body.split("\n")
    before = ""  # the line before, as markers are read ("" when blank)
    last = ""  # the last non-blank line
    for i, raw in enumerate(lines):
        stripped = _plain(raw)
        prev, before = before, stripped
        if not stripped:
            continue
        text_before, last = last, stripped
        indent = len(raw.expandtabs(4)) - len(raw.expandtabs(4).lstrip())
        line = first_line + i
        if markdown:
            m = _MD_HEADING_RE.match(stripped)
            if m:
                marks.append(_Mark("#" * len(m.group(1)), int(m.group(2)), line, 0, False))
            continue
        if _MID_SENTENCE_RE.search(prev):
            continue  # a number wrapped to the start of a line, not a marker
        found = _marker(stripped)
        if found is not None:
            head = _marker(text_before)
            title_only = head is not None and len(head[2].split()) <= 8 and not text_before.endswith(";")
            opens = text_before.endswith(":") or title_only
            marks.append(_Mark(found[0], found[1], line, indent, opens))
    return marks


def _top_level(marks: list[_Mark], markdown: bool) -> list[_Mark]:
    if not marks:
        return []
    if markdown:
        level = min(len(m.style) for m in marks)
        return [m for m in marks if len(m.style) == level]
    words = [m for m in marks if m.style == "word"]
    if len(words) >= 2:
        marks = words
    indent = min(m.indent for m in marks)
    marks = [m for m in marks if m.indent <= indent + 1]
    style = marks[0].style
    return [m for m in marks if m.style == style]


def numbering_problems(body: str, first_line: int = 1, markdown: bool = False) -> list[str]:
    """One message per gap (``3`` after ``1``) or restart (``1`` after ``6``) in the top-level numbering."""
    out: list[str] = []
    top = _top_level(_marks(body, first_line, markdown), markdown)
    prev: _Mark | None = None
    nested: int | None = None  # the last number of a nested list that reuses the top-level style
    for mark in top:
        if nested is not None and mark.number == nested + 1:
            nested = mark.number
            continue
        if prev is None or mark.number == prev.number + 1:
            prev, nested = mark, None
            continue
        if mark.number <= 1 and mark.opens_list:
            nested = mark.number
            continue
        if nested is not None:
            continue  # an irregular number inside a nested list is not the top level's
        if mark.number > prev.number + 1:
            missing = (
                str(prev.number + 1)
                if mark.number == prev.number + 2
                else f"{prev.number + 1}-{mark.number - 1}"
            )
            out.append(
                f"top-level numbering skips {missing}: clause {prev.number} (line {prev.line}) "
                f"is followed by clause {mark.number} (line {mark.line})"
            )
        else:
            out.append(
                f"top-level numbering restarts: clause {prev.number} (line {prev.line}) "
                f"is followed by clause {mark.number} (line {mark.line})"
            )
        prev, nested = mark, None
    return out


def numbering_warnings(path: Path) -> list[str]:
    """:func:`numbering_problems` of one corpus file (none for a file that cannot be read or parsed)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return []
    meta, body, first_line, problems = document_problems(raw)
    if meta is None or problems:
        return []
    markdown = path.suffix.lower() == ".md" and re.search(r"^#{1,6}\s", body, re.MULTILINE) is not None
    return numbering_problems(body, first_line, markdown)
