"""Clause-aware splitter: one chunk per clause or sub-clause, labelled in the licence's own numbering.

The splitter reads a document body line by line and recognises clause markers
(``Section 3 --``, ``4.``, ``1.1``, ``1.Definitions``, ``(a)``, ``a.``, ``a)``,
``(iv)``, ``ii.``, ``(1)``, ``Attachment A``, ``Exhibit B``), free-standing
headings (upper-case or title-case lines on their own) and, in Markdown files,
``## 3. Title`` headings. Markers form a stack: a marker of a type already on the
stack (at the same or a shallower indentation) closes that level and opens a
sibling; a new type opens a child. A marker is accepted when it continues its
list (``b`` after ``a``, ``4`` after ``3``) or starts one, which rejects wrapped
lines that happen to begin with a number. Numbering with a gap (``1.``, ``3.``:
a deleted clause) or a restart (``1.`` again) opens a sibling too, but only on
stronger evidence (:meth:`_Parser.irregular_sibling`): the marker starts a
paragraph or follows a finished sentence, the text after it starts like a clause,
it sits at its sibling's indentation, a restart does not follow a line that
introduces a list, and the next marker of that list carries on from it rather
than from the previous one (a nested list that reuses the style, or a wrapped
cross-reference, is followed by the old list's next number). ``i`` is a letter
after ``h`` and a roman numeral otherwise.

Section labels are normalised: top-level number, then sub-parts in parentheses,
decimals kept (``4(d)``, ``3.3``, ``1(b)(v)``, ``3(a)(1)``, ``Attachment A (h)``).
Text outside any numbered clause gets ``section=None``; there paragraphs are the
units. A unit whose embedded text exceeds the model's input limit is split at
paragraph boundaries, then into overlapping windows that keep the same label.
Every chunk's text is a verbatim substring of its ``start_line..end_line`` slice.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from licenseqa.models import PAGE_MARKER, Clause, context_header

if TYPE_CHECKING:
    from licenseqa.index.embeddings import Embedder

TokenCounter = Callable[[str], int]

# Bump when a change to this module changes the chunks it produces: the next ingest re-splits
# and re-embeds the whole corpus (an index made by an older splitter is stale).
SPLITTER_VERSION = 3

# A gap of more than this many missing numbers is not a deleted clause but a number in running text.
_MAX_MISSING = 5
_SENTENCE_END = tuple('.;:!?)"”’')

_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_ROMAN_RE = re.compile(r"^(?=[ivxlc]+$)(x{0,3})(ix|iv|v?i{0,3})$")

_SECTION_RE = re.compile(
    r"^(?:Section|SECTION|Article|ARTICLE|§)\s*(\d+|[IVXLC]+)"
    r"(?:\s*(?:--|[:\-–—])\s*|\.\s+|\.?$|\s+(?=[A-Z]))(.*)$"
)
_ANNEX_RE = re.compile(
    r"^(Attachment|ATTACHMENT|Exhibit|EXHIBIT|Appendix|APPENDIX|Schedule|SCHEDULE|Annex|ANNEX)"
    r"\s+([A-Z0-9]{1,2})\b\s*(?:--|[:.\-–—])?\s*(.*)$"
)
_DECIMAL_RE = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)(\\?\.|\)|)(?:\s+|(?=[A-Z\"“(*])|$)(.*)$")
_PAREN_RE = re.compile(r"^\(([a-zA-Z]{1,5}|\d{1,2})\)\s+(.*)$")
_DOT_RE = re.compile(r"^([a-zA-Z]{1,5})([.)])\s+(.*)$")
_MD_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_DEF_RE = re.compile(r"^\s*[\"“'‘]")


@dataclass
class _Marker:
    kind: str  # category + style, e.g. "alpha(", "roman.", "dec1", "section"
    value: str  # label part as printed in the section label
    ordinal: int  # position in its list (1 = first); 0 for decimal zero
    rest: str  # text after the marker on the same line


@dataclass
class _Node:
    kind: str
    value: str
    ordinal: int
    indent: int
    heading: str | None
    body_indent: int | None = None


@dataclass
class _Segment:
    section: str | None
    heading: str | None
    start: int  # 0-based index into body lines
    end: int  # exclusive
    definitions: bool = False


@dataclass
class DocumentText:
    """The parts of a corpus file the splitter needs."""

    doc_id: str
    title: str
    kind: str
    source: str
    body: str
    first_line: int  # 1-based file line number of the body's first line
    markdown: bool = False


def _roman_value(token: str) -> int | None:
    token = token.lower()
    if not token or not _ROMAN_RE.match(token):
        return None
    total = 0
    prev = 0
    for ch in reversed(token):
        val = _ROMAN_VALUES[ch]
        total = total - val if val < prev else total + val
        prev = max(prev, val)
    return total or None


def _letter_ordinal(token: str) -> int | None:
    if len(token) == 1 and token.isalpha():
        return ord(token.lower()) - ord("a") + 1
    return None


def _clean_heading(text: str) -> str | None:
    text = text.strip().strip("*_#").strip()
    text = re.sub(r"\s+", " ", text).rstrip(".:;,-–— ")
    if not text:
        return None
    if text.isupper() and len(text) > 3:
        text = text.title()
    return text


def _heading_from_rest(rest: str, standalone: bool) -> str | None:
    """The clause title on a marker line: ``Redistribution. You may ...`` -> ``Redistribution``."""
    rest = rest.strip()
    if not rest or not (rest[0].isupper() or rest[0] in '"“'):
        return None
    if re.search(r"\b(means|shall mean)\b", rest):
        return None
    first = re.split(r"(?<=[a-z\)\"”])\.\s+|(?<=[a-z\)\"”])\.$", rest, maxsplit=1)[0]
    words = first.split()
    if (first != rest or standalone) and 0 < len(words) <= 14 and not first.endswith(","):
        return _clean_heading(first)
    return None


def _is_title_line(line: str) -> bool:
    text = line.strip()
    if not text or len(text) > 90 or text[-1] in ".,;:" or not text[0].isupper():
        return False
    if re.search(r"\d", text) or "<" in text or "@" in text or "http" in text:
        return False
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", text)]
    if not words or len(words) > 10:
        return False
    long_words = [w for w in words if len(w) > 3]
    if not long_words:
        return text.isupper()
    capital = sum(1 for w in long_words if w[0].isupper())
    return capital / len(long_words) >= 0.7


class _Parser:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.stack: list[_Node] = []
        self.free_heading: str | None = None
        # last ordinal of each top-level list, kept across unnumbered headings
        self.last_top: dict[str, int] = {}

    # -- marker recognition -------------------------------------------------
    def parse_marker(self, text: str) -> _Marker | None:
        m = _SECTION_RE.match(text)
        if m:
            number, rest = m.group(1), m.group(2)
            if number.isdigit():
                return _Marker("section", number, int(number), rest)
            roman = _roman_value(number)
            if roman:
                return _Marker("group", number, roman, rest)
        m = _ANNEX_RE.match(text)
        if m and (not m.group(3) or m.group(3)[:1].isupper() or m.group(3)[:1] in '-–—"“'):
            word = m.group(1).title()
            return _Marker("annex", f"{word} {m.group(2)}", 0, m.group(3))
        m = _DECIMAL_RE.match(text)
        if m:
            number, dot, rest = m.group(1), m.group(2), m.group(3)
            depth = number.count(".") + 1
            if dot == ")":
                return _Marker("pnum)", number, int(number), rest) if depth == 1 else None
            if depth == 1 and not dot:
                return None
            if depth > 1 and rest and not (rest[0].isupper() or rest[0] in '"“('):
                return None
            return _Marker(f"dec{depth}", number, int(number.split(".")[-1]), rest)
        m = _PAREN_RE.match(text)
        if m:
            return self._letter_marker(m.group(1), "(", m.group(2))
        m = _DOT_RE.match(text)
        if m:
            return self._letter_marker(m.group(1), m.group(2), m.group(3))
        return None

    def _letter_marker(self, token: str, style: str, rest: str) -> _Marker | None:
        if token.isdigit():
            return _Marker("pnum" + style, token, int(token), rest)
        case = "U" if token.isupper() else ""
        letter = _letter_ordinal(token)
        roman = _roman_value(token)
        if letter is not None and roman is not None:
            # ambiguous single letter (i, v, x, l, c): a letter only if it continues a letter list
            sibling = self._find_sibling("alpha" + case + style, None)
            if sibling is not None and sibling.ordinal == letter - 1:
                return _Marker("alpha" + case + style, token.lower() if not case else token, letter, rest)
            return _Marker("roman" + case + style, token.lower(), roman, rest)
        if letter is not None:
            return _Marker("alpha" + case + style, token if case else token.lower(), letter, rest)
        if roman is not None:
            return _Marker("roman" + case + style, token.lower(), roman, rest)
        return None

    def _find_sibling(self, kind: str, indent: int | None) -> _Node | None:
        for node in reversed(self.stack):
            if node.kind == kind and (indent is None or node.indent >= indent - 1):
                return node
        return None

    def irregular_sibling(
        self, marker: _Marker, prev: int, prev_indent: int | None, ancestors: set[str], at: int | None
    ) -> bool:
        """Whether ``marker`` opens a sibling although it does not continue its list (``prev``).

        A gap (``3`` after ``1``) or a restart (``1`` after ``3``) is accepted when the marker
        line starts a paragraph or follows a finished sentence, the text after the marker starts
        like a clause (upper case, a quote or a parenthesis), the marker sits at its sibling's
        indentation, a restart does not follow a line ending in ``:`` (that introduces a nested
        list), and the next marker of the same list continues from this one, not from ``prev``.
        """
        if at is None:
            return False
        restart = marker.ordinal <= 1 < prev or (marker.ordinal == 0 and prev == 1)
        repeat = marker.ordinal == prev  # a number used twice ("2.2 ... 2.2 Rights not covered")
        missing = marker.ordinal - prev - 1
        if not (restart or repeat or 1 <= missing <= _MAX_MISSING):
            return False
        if restart and marker.kind.startswith("dec") and marker.kind != "dec1":
            return False  # 1.1 after 1.3 is a new parent's list, handled by the decimal rules
        if prev_indent is not None and abs(prev_indent - _indent(self.lines[at])) > 1:
            return False
        before = next((ln.strip() for ln in reversed(self.lines[:at]) if ln.strip()), "")
        prev_blank = at == 0 or not self.lines[at - 1].strip()
        if not prev_blank and (restart or repeat or not before.endswith(_SENTENCE_END)):
            return False
        if (restart or repeat) and (before.endswith(":") or self._same_list(before, marker)):
            return False  # a list introduced by "...:" or right under a title-only "1. Definitions"
        text = marker.rest.strip()
        if not text and at + 1 < len(self.lines):
            text = self.lines[at + 1].strip()
        first = text[:1]
        if not (first.isupper() or (first.isalpha() and not first.islower()) or first in '"“‘('):
            return False  # "(c) the licence text;" after "(a)": a lower-case item must be the next one
        return self._next_continues(marker, prev, prev_indent, ancestors, at)

    def _wrapped(self, at: int | None) -> bool:
        """Whether line ``at`` continues an unfinished sentence of the line before it."""
        if at is None or at == 0 or not self.lines[at - 1].strip():
            return False
        return not self.lines[at - 1].rstrip().endswith(_SENTENCE_END)

    def _same_list(self, line: str, marker: _Marker) -> bool:
        """Whether ``line`` is itself a marker line of ``marker``'s list."""
        other = self.parse_marker(_plain(line))
        return other is not None and other.kind == marker.kind

    def _next_continues(
        self, marker: _Marker, prev: int, prev_indent: int | None, ancestors: set[str], at: int
    ) -> bool:
        """The next marker of ``marker``'s list follows ``marker``, not the old list's ``prev``."""
        parent = marker.value.rsplit(".", 1)[0] if "." in marker.value else None
        expected = marker.ordinal + 1
        for j in range(at + 1, len(self.lines)):
            raw = self.lines[j]
            plain = _plain(raw.strip())
            if not plain:
                continue
            later = self.parse_marker(plain)
            if later is None:
                continue
            if later.kind in ancestors or later.kind in ("section", "group", "annex"):
                return True  # the enclosing list moves on: nothing resumes the old list
            if later.kind != marker.kind:
                continue
            if parent is not None and later.value.rsplit(".", 1)[0] != parent:
                return True
            if prev_indent is not None and abs(prev_indent - _indent(raw)) > 1:
                continue
            if later.ordinal == expected:
                return True
            if later.ordinal == prev + 1 or prev < later.ordinal < marker.ordinal:
                return False
        return True

    def accept(self, marker: _Marker, indent: int, at: int | None = None) -> bool:
        """Push ``marker`` if it continues or starts a list; False means it is plain text.

        ``at`` (the marker's line index) lets a gap or restart in the numbering open a sibling.
        """
        if marker.kind in ("section", "group", "annex"):
            self.stack = []
            if marker.kind == "group":
                self.free_heading = _clean_heading(marker.rest) or f"Section {marker.value}"
                return True
            if marker.kind == "section":
                last = self.last_top.get("section")
                if (
                    last is not None
                    and marker.ordinal != last + 1
                    and not self.irregular_sibling(marker, last, None, set(), at)
                ):
                    return False
                self.last_top["section"] = marker.ordinal
            self.free_heading = None
            heading = _clean_heading(marker.rest) if marker.rest else None
            self.stack.append(_Node(marker.kind, marker.value, marker.ordinal, indent, heading))
            return True
        idx = None
        for i in range(len(self.stack) - 1, -1, -1):
            node = self.stack[i]
            if node.kind == marker.kind and node.indent >= indent - 1:
                idx = i
                break
        if idx is not None:
            prev = self.stack[idx]
            if marker.kind.startswith("dec") and marker.kind != "dec1":
                prefix_ok = marker.value.rsplit(".", 1)[0] == prev.value.rsplit(".", 1)[0]
                ancestors = {n.kind for n in self.stack[:idx]}
                if not (marker.ordinal == prev.ordinal + 1 and prefix_ok):
                    new_parent = marker.value.rsplit(".", 1)[0]
                    if not (marker.ordinal in (0, 1) and new_parent != prev.value.rsplit(".", 1)[0]) and not (
                        prefix_ok and self.irregular_sibling(marker, prev.ordinal, prev.indent, ancestors, at)
                    ):
                        return False
            elif marker.ordinal != prev.ordinal + 1 and not self.irregular_sibling(
                marker, prev.ordinal, prev.indent, {n.kind for n in self.stack[:idx]}, at
            ):
                return False
            del self.stack[idx:]
        else:
            if marker.kind.startswith("dec") and marker.kind != "dec1":
                parent = marker.value.rsplit(".", 1)[0]
                numbered = [
                    n for n in self.stack if n.kind in ("dec1", "section") or n.kind.startswith("dec")
                ]
                # "... PYTHON\n1.6.1 FOR ANY ..." is a version number in running text, not clause 1.6.1
                stray = marker.ordinal not in (0, 1) or self._wrapped(at)
                if numbered and numbered[-1].value != parent and stray:
                    return False
            elif (
                marker.ordinal not in (0, 1) and not (not self.stack and self._continues_top(marker, at))
            ) or (marker.ordinal == 0 and not marker.kind.startswith("dec")):
                return False
        if not self.stack:
            self.last_top[marker.kind] = marker.ordinal
        self.stack.append(_Node(marker.kind, marker.value, marker.ordinal, indent, None))
        return True

    def _continues_top(self, marker: _Marker, at: int | None) -> bool:
        """A top-level marker after unnumbered text carries on the list it left (with a gap, too)."""
        last = self.last_top.get(marker.kind)
        if last is None:
            return False
        return last + 1 == marker.ordinal or (
            marker.ordinal > last + 1 and self.irregular_sibling(marker, last, None, set(), at)
        )

    # -- labels ---------------------------------------------------------------
    def label(self) -> str | None:
        label: str | None = None
        for node in self.stack:
            if label is None:
                label = node.value
            elif node.kind.startswith("dec") and node.value.startswith(label.split("(")[0] + "."):
                label = node.value if "(" not in label else f"{label}({node.value})"
            elif node.kind.startswith("dec") and node.kind != "dec1" and "(" not in label:
                label = node.value
            elif " " in label and "(" not in label:
                label = f"{label} ({node.value})"
            else:
                label = f"{label}({node.value})"
        return label

    def heading(self) -> str | None:
        for node in reversed(self.stack):
            if node.heading:
                return node.heading
        return None if self.stack else self.free_heading


def _plain(stripped: str) -> str:
    """A stripped line as markers are read: through Markdown emphasis, escapes and boxed frames."""
    return stripped.replace("**", "").replace("\\.", ".").strip("*").strip()


def _blank(line: str) -> bool:
    """An empty line, or a ``[page N]`` marker of a PDF-derived text: both separate, neither is text."""
    stripped = line.strip()
    return not stripped or PAGE_MARKER.fullmatch(stripped) is not None


def _line_pages(lines: list[str]) -> list[int | None]:
    """The page each line is on (a marker line opens its page); None before the first marker."""
    pages: list[int | None] = []
    page: int | None = None
    for line in lines:
        m = PAGE_MARKER.fullmatch(line.strip())
        if m:
            page = int(m.group(1))
        pages.append(page)
    return pages


def _indent(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())


def _segments(lines: list[str], markdown: bool) -> list[_Segment]:
    parser = _Parser(lines)
    segments: list[_Segment] = []
    current_start = 0

    def close(at: int) -> None:
        nonlocal current_start
        if at > current_start:
            segments.append(_Segment(parser.label(), parser.heading(), current_start, at))
        current_start = at

    prev_blank = True
    md_level_stack: list[int] = []
    for i, raw in enumerate(lines):
        stripped = raw.strip()
        if _blank(raw):
            prev_blank = True
            continue
        indent = _indent(raw)
        next_blank = i + 1 >= len(lines) or _blank(lines[i + 1])
        if markdown:
            m = _MD_HEADING_RE.match(stripped)
            if m:
                level, text = len(m.group(1)), m.group(2)
                close(i)
                dm = re.match(r"^(\d{1,3}(?:\.\d{1,3})*)\.?\s+(.*)$", text)
                while md_level_stack and md_level_stack[-1] >= level:
                    md_level_stack.pop()
                    if parser.stack:
                        parser.stack.pop()
                if dm:
                    number = dm.group(1)
                    parser.stack = [n for n in parser.stack if n.value != number]
                    parser.stack.append(_Node("md", number, 0, level, _clean_heading(dm.group(2))))
                    md_level_stack.append(level)
                elif not parser.stack:
                    parser.free_heading = _clean_heading(text)
                else:
                    parser.stack.append(_Node("mdh", "", 0, level, _clean_heading(text)))
                    parser.stack[-1].value = parser.stack[-2].value
                    md_level_stack.append(level)
                prev_blank = False
                continue
            prev_blank = False
            continue
        # markers are read through Markdown emphasis, escapes and boxed frames ("*  6. ... *")
        marker = parser.parse_marker(_plain(stripped))
        if marker is not None and not prev_blank and marker.rest[:1].islower():
            marker = None  # a wrapped line that happens to start like "(1) assert ..."
        if marker is not None:
            old_stack, old_free = list(parser.stack), parser.free_heading
            if parser.accept(marker, indent, at=i):
                new_stack, new_free = parser.stack, parser.free_heading
                parser.stack, parser.free_heading = old_stack, old_free
                close(i)
                parser.stack, parser.free_heading = new_stack, new_free
                if marker.kind != "group" and parser.stack:
                    node = parser.stack[-1]
                    if node.heading is None:
                        node.heading = _heading_from_rest(marker.rest, standalone=next_blank)
                    if i + 1 < len(lines) and not _blank(lines[i + 1]):
                        node.body_indent = _indent(lines[i + 1])
                prev_blank = False
                continue
        if prev_blank:
            if next_blank and _is_title_line(stripped) and parser.stack and parser.stack[0].kind == "annex":
                if parser.stack[-1].heading is None:
                    parser.stack[-1].heading = _clean_heading(stripped)
            elif (
                next_blank
                and _is_title_line(stripped)
                and (
                    not parser.stack
                    or indent <= parser.stack[0].indent
                    or indent >= 8  # a centred heading ("END OF TERMS AND CONDITIONS")
                    or (stripped.isupper() and len(stripped.split()) >= 2)
                )
            ):
                # the heading line opens the (unnumbered) text it introduces
                close(i)
                parser.stack = []
                parser.free_heading = _clean_heading(stripped)
                prev_blank = False
                continue
            # a paragraph at or left of a hanging-indented marker is outside that clause
            popped = False
            while parser.stack:
                top = parser.stack[-1]
                if top.body_indent is not None and top.body_indent > top.indent and indent <= top.indent:
                    if not popped:
                        close(i)
                        popped = True
                    parser.stack.pop()
                else:
                    break
        prev_blank = False
    close(len(lines))
    return [s for s in segments if s.end > s.start]


def _is_heading_only(seg: _Segment, nxt: _Segment) -> bool:
    if seg.section is None:
        return nxt.section is not None or nxt.heading == seg.heading
    if nxt.section is None:
        return False
    return nxt.section.startswith(seg.section + "(") or nxt.section.startswith(seg.section + ".")


def _trim(lines: list[str], start: int, end: int) -> tuple[int, int]:
    """Without blank lines and page markers at either end (a page's marker opens its first clause's
    page, it is no part of the previous clause)."""
    while start < end and _blank(lines[start]):
        start += 1
    while end > start and _blank(lines[end - 1]):
        end -= 1
    return start, end


def _paragraphs(lines: list[str], start: int, end: int) -> list[tuple[int, int]]:
    paras: list[tuple[int, int]] = []
    i = start
    while i < end:
        while i < end and _blank(lines[i]):
            i += 1
        if i >= end:
            break
        j = i
        while j < end and not _blank(lines[j]):
            j += 1
        paras.append((i, j))
        i = j
    return paras


class ClauseSplitter:
    """Split documents into :class:`Clause` chunks that fit the embedding model."""

    def __init__(self, count_tokens: TokenCounter, max_tokens: int = 256, overlap_lines: int = 1) -> None:
        self.count_tokens = count_tokens
        self.max_tokens = max_tokens
        self.overlap_lines = overlap_lines

    @classmethod
    def for_embedder(cls, embedder: Embedder) -> ClauseSplitter:
        """Chunks that fit ``embedder`` (its tokenizer and input limit)."""
        return cls(embedder.count_tokens, embedder.max_tokens)

    def split(self, doc: DocumentText) -> list[Clause]:
        lines = doc.body.split("\n")
        segments = _segments(lines, doc.markdown)
        units: list[tuple[_Segment, int, int]] = []
        trimmed = [(seg, *_trim(lines, seg.start, seg.end)) for seg in segments]
        trimmed = [(seg, a, b) for seg, a, b in trimmed if a < b]
        for n, (seg, start, end) in enumerate(trimmed):
            words = sum(len(lines[k].split()) for k in range(start, end))
            if words <= 8 and n + 1 < len(trimmed) and _is_heading_only(seg, trimmed[n + 1][0]):
                continue  # a bare title ("5. Intellectual Property.") adds nothing of its own
            paras = _paragraphs(lines, start, end)
            definitions = (
                len(paras) >= 3 and sum(1 for a, _ in paras if _DEF_RE.match(lines[a])) >= len(paras) // 2 + 1
            )
            if seg.section is None or definitions:
                for a, b in self._merge_small(lines, paras, seg):
                    units.append((seg, a, b))
            elif self._fits(doc, seg, "\n".join(lines[start:end])):
                units.append((seg, start, end))
            else:
                for a, b in self._group(doc, lines, paras, seg):
                    units.append((seg, a, b))
        pages = _line_pages(lines)
        clauses: list[Clause] = []
        for seg, a, b in units:
            clauses.extend(self._emit(doc, lines, seg, a, b, pages))
        return clauses

    # -- helpers --------------------------------------------------------------
    def _header(self, doc: DocumentText, seg: _Segment) -> str:
        return context_header(doc.title, seg.section, seg.heading)

    def _fits(self, doc: DocumentText, seg: _Segment, text: str) -> bool:
        return self.count_tokens(self._header(doc, seg) + "\n" + text) <= self.max_tokens

    def _merge_small(
        self, lines: list[str], paras: list[tuple[int, int]], seg: _Segment
    ) -> list[tuple[int, int]]:
        """Paragraphs as units, a very short one (a title line) joined to the next."""
        merged: list[tuple[int, int]] = []
        carry: int | None = None
        for a, b in paras:
            words = sum(len(lines[k].split()) for k in range(a, b))
            start = carry if carry is not None else a
            if words < 8 and (a, b) != paras[-1]:
                carry = start
                continue
            merged.append((start, b))
            carry = None
        if carry is not None:
            merged.append((carry, paras[-1][1]))
        return merged

    def _group(
        self, doc: DocumentText, lines: list[str], paras: list[tuple[int, int]], seg: _Segment
    ) -> list[tuple[int, int]]:
        groups: list[tuple[int, int]] = []
        cur: tuple[int, int] | None = None
        for a, b in paras:
            if cur is None:
                cur = (a, b)
            elif self._fits(doc, seg, "\n".join(lines[cur[0] : b])):
                cur = (cur[0], b)
            else:
                groups.append(cur)
                cur = (a, b)
        if cur is not None:
            groups.append(cur)
        return groups

    def _emit(
        self, doc: DocumentText, lines: list[str], seg: _Segment, a: int, b: int, pages: list[int | None]
    ) -> list[Clause]:
        text = "\n".join(lines[a:b])
        fits = self._fits(doc, seg, text)
        windows = [(a, b, text)] if fits else self._windows(doc, lines, seg, a, b)
        out = []
        for n, (wa, wb, wtext) in enumerate(windows):
            out.append(
                Clause(
                    doc_id=doc.doc_id,
                    title=doc.title,
                    kind=doc.kind,
                    section=seg.section,
                    heading=seg.heading,
                    text=wtext,
                    source=doc.source,
                    start_line=doc.first_line + wa,
                    end_line=doc.first_line + wb - 1,
                    part=n,
                    parts=len(windows),
                    page=pages[wa],
                )
            )
        return out

    def _windows(
        self, doc: DocumentText, lines: list[str], seg: _Segment, a: int, b: int
    ) -> list[tuple[int, int, str]]:
        """Overlapping windows over pieces (lines, or sentences/words of long lines)."""
        header = self._header(doc, seg) + "\n"
        budget = self.max_tokens
        # pieces: (line index, char start, char end) in that line
        pieces: list[tuple[int, int, int]] = []
        for k in range(a, b):
            line = lines[k]
            if not line.strip():
                continue
            if self.count_tokens(header + line) <= budget:
                pieces.append((k, 0, len(line)))
                continue
            for s, e in _sub_spans(line, lambda t: self.count_tokens(header + t) <= budget):
                pieces.append((k, s, e))

        def render(i: int, j: int) -> str:
            k0, s0, _ = pieces[i]
            k1, _, e1 = pieces[j - 1]
            joined = "\n".join(lines[k0 : k1 + 1])
            end = sum(len(lines[k]) + 1 for k in range(k0, k1)) + e1
            return joined[s0:end].strip()

        windows: list[tuple[int, int, str]] = []
        i = 0
        while i < len(pieces):
            j = i + 1
            while j < len(pieces) and self.count_tokens(header + render(i, j + 1)) <= budget:
                j += 1
            windows.append((pieces[i][0], pieces[j - 1][0] + 1, render(i, j)))
            if j >= len(pieces):
                break
            i = max(i + 1, j - self.overlap_lines)
        return windows


def _sub_spans(line: str, fits: Callable[[str], bool]) -> list[tuple[int, int]]:
    """Split an over-long line at sentence ends, then at spaces, into spans that fit."""
    bounds = [m.end() for m in re.finditer(r"[.;:]\s+", line)]
    cuts = [0, *bounds, len(line)]
    spans: list[tuple[int, int]] = []
    for s, e in itertools.pairwise(cuts):
        if s >= e:
            continue
        if fits(line[s:e]):
            spans.append((s, e))
            continue
        words = [m.start() for m in re.finditer(r"\S+", line[s:e])]
        start = s
        last_ok = None
        for w in words[1:]:
            if fits(line[start : s + w]):
                last_ok = s + w
            else:
                cut = last_ok if last_ok is not None else s + w
                spans.append((start, cut))
                start = cut
                last_ok = None
        spans.append((start, e))
    return spans
