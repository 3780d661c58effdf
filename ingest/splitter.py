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

How list levels open and close (issue 16, measured by ``python -m ingest.splitter_eval``):

- A paragraph starts after a blank line, or after a long line that ends a sentence (a text
  that is not hard-wrapped). A marker line right after text with lower-case text after it is
  an item when it continues an open list, or starts one under an item ending in ``:``.
- A restart (``1.``) under a line ending in ``:`` or under a title-only line of the same style
  opens a nested list in that style; a marker that continues an outer list exactly (``7.``
  after ``6.``) goes back to it, and one that continues both goes to the outer list when it has
  a title like the outer clauses and the nested items have none.
- A list introduced by ``:``, or whose items follow each other line by line, closes at the next
  paragraph that is no item (it belongs to the enclosing clause); an item with a title is a
  clause, not a list item, and keeps its paragraphs. The next item of a list so closed, at its
  indentation, reopens it (a paragraph between two items belongs to the one before); a decimal
  (``2.2``) is a clause, never such an item. A bulleted paragraph left of every open list closes them.
- A letter or Roman numeral alone on its line is an item (its text on the next line); the first item
  after a lead-in line ending in ``:`` is one when that line is an item, or when item 2 starts a line
  too. A titled clause standing alone (``1. DEFINITIONS``) after a flat list in unnumbered text opens
  the numbered body.
- Upper-case Roman numerals rank above Arabic numbers; ``V.1`` / ``V.B.2`` paths under an open
  top level ``V`` are labelled in the licence's own form (``V.1``, ``V(B)(2)``); letters and
  Roman numerals keep their case.
- Headings: a title line before a blank line, one followed directly by its text, one underlined
  with ``===`` / ``---``, a Markdown ``#`` line in a plain text, a short sentence-case line in
  unnumbered text; in unnumbered text a run-in title (``Redistribution. You may ...``) names the
  paragraph. Headings never become numbers: a text that lost its numbering keeps section None.

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
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from licenseqa.models import PAGE_MARKER, Clause, context_header

if TYPE_CHECKING:
    from licenseqa.index.embeddings import Embedder

TokenCounter = Callable[[str], int]

# Bump when a change to this module changes the chunks it produces: the next ingest re-splits
# and re-embeds the whole corpus (an index made by an older splitter is stale).
SPLITTER_VERSION = 9

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
    # the annex's id: a letter, a number or a Roman numeral ("Exhibit B", "Annex 2", "Annex IV"), not a
    # word ("SCHEDULE OF FEES" is a title)
    r"\s+([A-Z]|\d{1,2}|[IVX]{1,4})\b\s*(?:--|[:.\-–—])?\s*(.*)$"
)
_DECIMAL_RE = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)(\\?\.|\)|-(?=\s)|)(?:\s+|(?=[A-Z\"“(*])|$)(.*)$")
# a number with a letter glued to it ("7a) Assignment."): item a of clause 7
_GLUED_RE = re.compile(r"^(\d{1,3})([a-z])[.)]\s+(?=[A-Z\"“(])(.*)$")
# a dotted path that is not all decimals: an upper-case Roman numeral with decimals ("V.1."), or parts
# that mix numbers and letters ("V.B.2", "5.1.a"); read after the decimal pattern
_PATH_RE = re.compile(r"^((?:[IVXLC]+|\d{1,3})(?:\.(?:[A-Za-z]|\d{1,3}))+)(?:\.|\))?(?:\s+|$)(.*)$")
# "(a)under ..." (no space after the marker) as "(a) under ..."
# a marker may stand alone on its line, its text on the next ("(a)" / "to copy the Program ...")
_PAREN_RE = re.compile(r"^\(([a-zA-Z]{1,5}|\d{1,2})\)(?:\s+|(?=[a-z]{2})|$)(.*)$")
_DOT_RE = re.compile(r"^([a-zA-Z]{1,5})([.)])(?:\s+|$)(.*)$")
_MD_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_DEF_RE = re.compile(r"^\s*[\"“'‘]")
_UNDERLINE_RE = re.compile(r"^\s*(?:={3,}|-{3,})\s*$")
# a line that ends mid-way through a cross-reference ("... under Section\n(b) of ..."): no item follows
_MID_REFERENCE_RE = re.compile(r"(?i)(?:\b(?:sub)?(?:sections?|clauses?|paragraphs?|articles?)|§)$")
# an unwrapped text: a line this long is a whole paragraph, so the line after a finished one starts a new one
_UNWRAPPED = 100


@dataclass
class _Marker:
    kind: str  # category + style, e.g. "alpha(", "roman.", "dec1", "section"
    value: str  # label part as printed in the section label
    ordinal: int  # position in its list (1 = first); 0 for decimal zero
    rest: str  # text after the marker on the same line
    head: str | None = None  # a dotted path's first part ("V" of "V.1"), which must be the open top level


@dataclass
class _Node:
    kind: str
    value: str
    ordinal: int
    indent: int
    heading: str | None
    body_indent: int | None = None
    # a list introduced by a line ending in ":" (or by a title-only line of its own style), or whose items
    # follow each other line by line: a paragraph after it that is no item belongs to the enclosing clause
    lead_in: bool = False
    tight: bool = False
    titled: bool = False  # the marker line carries a title ("3. Scope. ..."): a clause, not a list item


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


def _path_label(parts: list[str]) -> str:
    """A dotted path in the licence's own form: decimals stay decimals, a letter or number after a
    letter goes in parentheses (``V.1`` -> ``V.1``, ``V.B.2`` -> ``V(B)(2)``, ``5.1.a`` -> ``5.1(a)``)."""
    label = parts[0]
    for part in parts[1:]:
        label += f".{part}" if part.isdigit() and "(" not in label else f"({part})"
    return label


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
    if rest.isupper() and rest.endswith(".") and len(rest.split()) <= 8:
        return _clean_heading(rest)  # "2. L'ÉTENDUE DE LA JOUISSANCE." with its text on the next line
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
        # the stack as it was before a paragraph closed its lists (close_lists): the next item of a
        # closed list ("E." after a paragraph that ended item "D.") reopens it (see _reopened)
        self.closed: list[_Node] | None = None

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
            if dot == "-":
                # "1- OBJET." (a number and a dash): a top-level clause as "1." is
                return (
                    _Marker("dec1", number, int(number), rest) if depth == 1 and rest[:1].isupper() else None
                )
            if depth == 1 and not dot:
                # "1 Produire ..." (a number and a space): an item only inside a list (see accept)
                return _Marker("bare", number, int(number), rest) if rest[:1].isupper() else None
            if depth > 1 and rest and not (rest[0].isupper() or rest[0] in "\"“'‘("):
                return None
            return _Marker(f"dec{depth}", number, int(number.split(".")[-1]), rest)
        m = _GLUED_RE.match(text)
        if m:
            return _Marker("path", _path_label([m.group(1), m.group(2)]), 0, m.group(3), head=m.group(1))
        m = _PATH_RE.match(text)
        if m and (m.group(2)[:1].isupper() or m.group(2)[:1] in '"“(' or not m.group(2)):
            parts = m.group(1).split(".")
            if (_roman_value(parts[0]) and parts[0].isupper()) or any(p.isalpha() for p in parts[1:]):
                return _Marker("path", _path_label(parts), 0, m.group(2), head=parts[0])
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
            return _Marker("roman" + case + style, token if case else token.lower(), roman, rest)
        if letter is not None:
            return _Marker("alpha" + case + style, token if case else token.lower(), letter, rest)
        if roman is not None:
            return _Marker("roman" + case + style, token if case else token.lower(), roman, rest)
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

    def _mid_sentence(self, at: int | None) -> bool:
        """Whether line ``at`` carries on a sentence of body text: the line right before it is a line
        of prose (six words or more, not a title) that stops on a lower-case word or a comma."""
        if at is None or at == 0 or not self.lines[at - 1].strip():
            return False
        before = self.lines[at - 1].strip()
        return len(before.split()) >= 6 and (before[-1:].islower() or before.endswith(","))

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
        stack, closed = self.stack, self.closed
        reopened = None
        if marker.kind not in ("section", "group", "annex"):
            self.closed = None  # a closed list can be reopened only by the marker right after it
            reopened = self._reopened(marker, indent, closed)
            if reopened is not None:
                self.stack = reopened
        if self._accept(marker, indent, at):
            return True
        if reopened is not None:
            self.stack, self.closed = stack, closed  # a reopened list stays closed for plain text
        return False

    def _accept(self, marker: _Marker, indent: int, at: int | None) -> bool:
        if marker.kind in ("section", "annex") and self._mid_sentence(at):
            return False  # "... the notice in\nExhibit A. You must also ...": a reference in running text
        if marker.kind in ("section", "group", "annex"):
            self.stack, self.closed = [], None
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
        before = self._line_before(at)
        if (
            marker.ordinal == 1
            and self.stack
            and self.stack[0].lead_in
            and all(n.kind != marker.kind for n in self.stack)
            and not before.endswith(":")
            and self._blank_before(at)
            and (at is None or at + 1 >= len(self.lines) or not self.lines[at + 1].strip())
            and self._titled(marker, at)
        ):
            # a titled clause standing alone ("1. DEFINITIONS") after a list that a sentence of
            # unnumbered text introduced ("... the three rights below: (i) ... (iii) ...") opens the
            # numbered body: such a list is flat, its items have no titled sub-clauses
            self.stack = []
        if marker.kind == "path":
            # "V.1" is a part of the open top-level clause V: a path under any other is plain text
            if not self.stack or self.stack[0].value != marker.head:
                return False
            del self.stack[1:]
            self.stack.append(_Node("path", marker.value, 0, indent, None))
            return True
        if marker.kind == "bare" and self._numbered_title(marker, at):
            # "1 Definitions" / "4 Making and Conveying Products": a top-level clause whose number
            # lost its dot, read as "1." would be
            marker = replace(marker, kind="dec1")
        elif marker.kind == "bare":
            # a bare number is an item only where a list is plainly open: the first after a line
            # ending in ":", or the next one right after its sibling's line
            sibling = self._find_sibling("bare", None)
            if not (
                (marker.ordinal == 1 and before.endswith(":"))
                or (
                    sibling is not None
                    and sibling.ordinal + 1 == marker.ordinal
                    and not self._blank_before(at)
                )
            ):
                return False
        if (
            marker.kind.startswith("romanU")
            and self.stack
            and not self.stack[0].kind.startswith("romanU")
            and self.stack[0].kind not in ("section", "group", "annex")
            and indent <= self.stack[0].indent + 1
            and (marker.ordinal == 1 or self.last_top.get(marker.kind) == marker.ordinal - 1)
        ):
            # upper-case Roman numerals rank above Arabic numbers and letters: "I. Preamble" after
            # "0. Information" opens the top level again, it is no item of clause 0
            self.stack = []
        idx = None
        # a marker on a line of its own (not a wrapped "13." of running text) that is no letter also read
        # as a Roman numeral ("i." indented under "h." opens a Roman list)
        loose = not self._wrapped(at) and not (marker.kind.startswith("alpha") and _roman_value(marker.value))
        same = [
            i
            for i in range(len(self.stack) - 1, -1, -1)
            if self.stack[i].kind == marker.kind
            # a decimal's parent is in its number, not its indentation ("11.5" indented under "11.4");
            # the next item of a list may sit a few columns right of the one before (right-aligned
            # markers: "(iv)" then "  (v)"), as a list opened there would start at 1, not continue
            and (
                self.stack[i].indent >= indent - 1
                or (marker.kind.startswith("dec") and marker.kind != "dec1")
                or (
                    loose
                    and self.stack[i].ordinal + 1 == marker.ordinal > 1
                    and self.stack[i].indent >= indent - 4
                )
            )
        ]
        if same:
            idx = same[0]
            outer = next((i for i in same[1:] if self.stack[i].ordinal + 1 == marker.ordinal), None)
            if outer is not None and (marker.kind == "dec1" or not marker.kind.startswith("dec")):
                # a nested list that reuses an outer list's style: a marker that continues the outer
                # list exactly (7 after 6, the nested list at 2) closes the nested one; when it continues
                # both, it is the outer list's if it has a title like the outer clauses and the nested
                # items have none ("3. Scope. ..." after "2. Conditions" / "1. Keep the notice.")
                inner = self.stack[idx]
                if inner.ordinal + 1 != marker.ordinal or (
                    self.stack[outer].titled and not inner.titled and self._titled(marker, at)
                ):
                    idx = outer
        if (
            idx is not None
            and marker.ordinal == 1
            and self.stack[idx].ordinal != 0
            and (marker.kind == "dec1" or not marker.kind.startswith("dec"))
            and (self._opens_list(before, marker) or self._under_open_item(idx, indent))
        ):
            # "1." under "4. ... the following conditions:" or right under "1. Definitions": a nested
            # list in the same style as its parent, opened as a child
            idx = None
            nested = True
        else:
            nested = False
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
            # items that follow each other line by line make a tight list; decimals are clauses
            # (their parent is in their number), never items of one
            tight = marker.ordinal == prev.ordinal + 1 and not (
                marker.kind.startswith("dec") and marker.kind != "dec1"
            )
            lead_in, tight = prev.lead_in, tight and (prev.tight or not self._blank_before(at))
            if marker.kind.startswith("dec") and marker.kind != "dec1":
                lead_in = False  # a decimal is a clause, as above
            del self.stack[idx:]
            self.stack.append(
                _Node(marker.kind, marker.value, marker.ordinal, indent, None, None, lead_in, tight)
            )
            if len(self.stack) == 1:
                self.last_top[marker.kind] = marker.ordinal
            return True
        else:
            if nested:
                pass
            elif marker.kind.startswith("dec") and marker.kind != "dec1":
                parent = marker.value.rsplit(".", 1)[0]
                numbered = [
                    n for n in self.stack if n.kind in ("dec1", "section") or n.kind.startswith("dec")
                ]
                # "... PYTHON\n1.6.1 FOR ANY ..." is a version number in running text, not clause 1.6.1
                stray = marker.ordinal not in (0, 1) or self._wrapped(at)
                if numbered and numbered[-1].value != parent and stray:
                    return False
            elif (
                marker.ordinal not in (0, 1)
                and not (self._left_of_lists(indent) and self._continues_top(marker, at))
            ) or (marker.ordinal == 0 and not marker.kind.startswith("dec")):
                return False
            elif marker.ordinal not in (0, 1):
                # the top-level list resumes left of a list opened after an unnumbered paragraph
                # ("2." at the margin after an indented "i. ... ii." list): that list is closed
                self.stack = []
        if not self.stack:
            self.last_top[marker.kind] = marker.ordinal
        # decimals are clauses (their parent is in their number), never items of a list introduced by ":"
        clause = marker.kind.startswith("dec") and marker.kind != "dec1"
        lead_in = (nested or before.endswith(":")) and not clause
        self.stack.append(_Node(marker.kind, marker.value, marker.ordinal, indent, None, None, lead_in))
        return True

    def _left_of_lists(self, indent: int) -> bool:
        """Whether a line at ``indent`` sits left of every open list (none open counts)."""
        return not self.stack or indent + 2 <= self.stack[0].indent

    def _numbered_title(self, marker: _Marker, at: int | None) -> bool:
        """Whether a bare number ("4 Making and Conveying Products") is a clause heading: a title-only
        line standing alone (blank lines around it) whose number starts the top level (1) or follows the
        last top-level clause, counting the parents of decimal clauses ("3.4" -> 3)."""
        if at is None or not self._blank_before(at):
            return False
        if at + 1 < len(self.lines) and self.lines[at + 1].strip():
            return False
        if not _is_title_line(marker.rest):
            return False
        last = max(
            [self.last_top.get("dec1", 0)]
            + [int(n.value.split(".")[0]) for n in self.stack if n.kind.startswith("dec")]
        )
        return marker.ordinal == last + 1 or (marker.ordinal == 1 and not self.stack)

    def _under_open_item(self, idx: int, indent: int) -> bool:
        """Whether a first item (``1.``) in the style of open node ``idx`` sits under a deeper item of
        another list that is open below that node ("3." then "A." then "1."): a list numbered from 1 while
        its would-be sibling still has an open sub-item is that sub-item's nested list, not a restart."""
        deeper = self.stack[idx + 1 :]
        return (
            bool(deeper)
            and all(n.kind != self.stack[idx].kind for n in deeper)
            and indent >= deeper[-1].indent - 1
        )

    def _titled(self, marker: _Marker, at: int | None) -> bool:
        """Whether ``marker``'s line carries a clause title (see :func:`_is_title_line`)."""
        standalone = at is None or at + 1 >= len(self.lines) or not self.lines[at + 1].strip()
        heading = _heading_from_rest(marker.rest, standalone)
        return heading is not None and _is_title_line(heading)

    def _line_before(self, at: int | None) -> str:
        """The last non-blank line before line ``at``, as markers are read ("" at the start)."""
        if at is None:
            return ""
        return next((_plain(ln.strip()) for ln in reversed(self.lines[:at]) if ln.strip()), "")

    def _blank_before(self, at: int | None) -> bool:
        return at is None or at == 0 or not self.lines[at - 1].strip()

    def _opens_list(self, before: str, marker: _Marker) -> bool:
        """Whether the line before ``marker`` introduces a list: it ends in ":" or is itself a
        title-only marker line of the same style ("1. Definitions")."""
        if before.endswith(":"):
            return True
        other = self.parse_marker(before)
        return other is not None and other.kind == marker.kind and len(other.rest.split()) <= 8

    def continues_list(self, marker: _Marker, at: int) -> bool:
        """Whether a marker on a line right after text (no blank line, lower-case text after it) is an
        item all the same: the next item of an open list, or the first item after a line ending in ":".
        A line that ends mid-way through a cross-reference ("... Section") is followed by no item."""
        before = self._line_before(at)
        if _MID_REFERENCE_RE.search(before):
            return False
        if marker.kind in ("path", "bare"):
            return False
        sibling = self._find_sibling(marker.kind, None)
        if sibling is not None and sibling.ordinal + 1 == marker.ordinal:
            return True
        # the first item of a list that an item introduces ("b) its license agreement:" / "i) ..."), or
        # one whose second item starts a line of its own too ("... will\nterminate:\n(a) automatically
        # ...\n(b) immediately ..."), not "(1) assert ... (2) offer ..." inline after prose ending in ":"
        return (
            marker.ordinal == 1
            and before.endswith(":")
            and (self.parse_marker(before) is not None or self._second_item_starts_line(marker, at))
        )

    def _second_item_starts_line(self, marker: _Marker, at: int) -> bool:
        """Whether item 2 of ``marker``'s list starts one of the next lines of the same paragraph."""
        for j in range(at + 1, min(at + 16, len(self.lines))):
            plain = _plain(self.lines[j].strip())
            if not plain:
                return False
            later = self.parse_marker(plain)
            if later is not None and later.kind == marker.kind and later.ordinal == 2:
                return True
        return False

    def close_lists(self, indent: int) -> bool:
        """A paragraph that is no item, at or left of the open items, closes the lists introduced by a
        line ending in ":" and the lists whose items follow line by line (it belongs to their clause).
        Returns whether anything was closed."""
        closed = False
        before = list(self.stack)
        while self.stack:
            top = self.stack[-1]
            if (top.lead_in or top.tight) and indent <= top.indent + 1:
                self.stack.pop()
                closed = True
            else:
                break
        if closed and (self.closed is None or len(self.closed) <= len(before)):
            self.closed = before
        return closed

    def _reopened(self, marker: _Marker, indent: int, closed: list[_Node] | None) -> list[_Node] | None:
        """The stack to reopen when ``marker`` is the next item, at its indentation, of a list that a
        paragraph closed (``closed``: the stack before close_lists) and nothing was opened since; None
        otherwise. A paragraph between two items ("D. ..." / a wrapped paragraph of D / "E. ...") belongs
        to the item before it and does not end the list."""
        if closed is None or len(self.stack) >= len(closed):
            return None
        if any(a is not b for a, b in zip(self.stack, closed, strict=False)):
            return None
        if any(n.kind == marker.kind and n.ordinal + 1 == marker.ordinal for n in self.stack):
            return None  # it also continues a list still open: the sibling rules of accept decide
        for i in range(len(closed) - 1, len(self.stack) - 1, -1):
            node = closed[i]
            if (
                node.kind == marker.kind
                and node.ordinal + 1 == marker.ordinal
                and abs(node.indent - indent) <= 1
            ):
                # a list with a paragraph between its items is not one a paragraph ends: its items
                # keep the paragraphs after them
                return [*closed[:i], replace(node, lead_in=False, tight=False)]
        return None

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
            if label is None or node.kind == "path":
                label = node.value
            elif node.kind.startswith("dec") and node.value.startswith(label.split("(")[0] + "."):
                label = node.value if "(" not in label else f"{label}({node.value})"
            elif " " in label and "(" not in label:
                # an annex's own items, decimals too: "Exhibit B (2.1)" is not clause 2.1 of the licence
                label = f"{label} ({node.value})"
            elif node.kind.startswith("dec") and node.kind != "dec1" and "(" not in label:
                label = node.value
            else:
                label = f"{label}({node.value})"
        return label

    def heading(self) -> str | None:
        for node in reversed(self.stack):
            if node.heading:
                return node.heading
        return None if self.stack else self.free_heading


def _plain(stripped: str) -> str:
    """A stripped line as markers are read: through Markdown emphasis, heading marks (a plain text
    written in Markdown), escapes and boxed frames."""
    stripped = re.sub(r"^#{1,6}\s+", "", stripped)
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


_MD_LINE_RE = re.compile(r"^#{1,6}\s+\S")
_RUN_IN_RE = re.compile(r"^([A-Z][^.:;!?]{1,60}?)\.\s+(?=[A-Z\"“(])")
# an unnumbered list item's bullet ("* Acceptance. ...", "• Notice. ..."): a marker with no number
_BULLET_RE = re.compile(r"^[*•▪◦‣–-]\s+")


def _clause_title(text: str) -> bool:
    """Whether ``text`` (a heading, or the text after a marker) is a clause's title: a title line, or
    a short phrase without inner punctuation ("Rights granted"), not a sentence or list item."""
    text = text.strip().rstrip(".").strip()
    if not text:
        return False
    return _is_title_line(text) or (len(text.split()) <= 5 and re.search(r"[,;:]", text) is None)


def _after_unwrapped(lines: list[str], i: int) -> bool:
    """Whether line ``i`` follows a whole paragraph written on one long line that ends a sentence."""
    if i == 0 or _blank(lines[i - 1]):
        return False
    prev = lines[i - 1].expandtabs(4).rstrip()
    return len(prev) > _UNWRAPPED and prev.endswith(_SENTENCE_END)


def _standalone_title(lines: list[str], i: int, unnumbered: bool) -> str | None:
    """The heading on line ``i`` (which starts a paragraph), or None.

    A title line (short, title-case or upper-case, no digits) that stands on its own line before a
    blank line; or one followed directly by the text it introduces, when it is short, the next line
    starts a sentence and is not more of the same upper-case run. A trailing full stop is allowed
    where the title cannot be a sentence: an upper-case title, or any title in unnumbered text
    ("Grant of Copyright License." in a text that lost its numbers).
    """
    stripped = lines[i].strip()
    next_blank = i + 1 >= len(lines) or _blank(lines[i + 1])
    title = stripped
    if title.endswith(".") and not title.endswith("..") and (title.isupper() or unnumbered):
        title = title[:-1].rstrip()
    if not _is_title_line(title):
        # in unnumbered text, a one-line paragraph of up to three words in sentence case ("No warranty")
        words = title.split()
        short = 0 < len(words) <= 3 and title[:1].isupper() and title[-1:] not in ".,;:"
        if not (unnumbered and next_blank and short and re.fullmatch(r"[A-Za-z' -]+", title)):
            return None
    if next_blank:
        return title
    nxt = lines[i + 1].strip()
    if len(title) > 60 or len(title.split()) > 8 or not (nxt[:1].isupper() or nxt[:1] in '"“'):
        return None
    if title.isupper() and nxt.isupper() and not stripped.endswith("."):
        return None  # a wrapped upper-case disclaimer
    return title


def _run_in_title(stripped: str) -> str | None:
    """``Definitions. The following ...`` -> ``Definitions``: a short run-in title, at least half of
    its longer words capitalised ("Grant of Copyright license"), so no sentence ("You must give ...")."""
    m = _RUN_IN_RE.match(stripped)
    if not m or len(m.group(1).split()) > 6:
        return None
    text = m.group(1)
    long_words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", text) if len(w) > 3]
    if re.search(r"\d", text) or not long_words:
        return None
    if sum(1 for w in long_words if w[0].isupper()) * 2 < len(long_words):
        return None
    return _clean_heading(text)


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
        # a line after a whole unwrapped paragraph (a long line that ends a sentence) starts a new one,
        # as a line after a blank line does
        para_start = prev_blank or _after_unwrapped(lines, i)
        md_heading = _MD_LINE_RE.match(stripped) is not None
        underlined = i + 1 < len(lines) and _UNDERLINE_RE.match(lines[i + 1]) is not None
        # markers are read through Markdown emphasis, escapes and boxed frames ("*  6. ... *")
        marker = parser.parse_marker(_plain(stripped))
        if (
            marker is not None
            and not para_start
            # lower-case text after the marker, or none after a letter (a letter alone on its line): read
            # as an item only where a list is plainly open ("... required by Exhibit\nA." ends a sentence)
            and (
                marker.rest[:1].islower()
                or (not marker.rest.strip() and marker.kind.startswith(("alpha", "roman", "pnum")))
            )
            and not parser.continues_list(marker, i)
        ):
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
                        node.heading = _heading_from_rest(marker.rest, standalone=next_blank or md_heading)
                    node.titled = node.heading is not None and _is_title_line(node.heading)
                    if _clause_title(node.heading or marker.rest):
                        # an item with a title ("1.0 Definitions of Capitalised Words", "3. REQUIREMENTS")
                        # is a clause, not a list item: a paragraph after it stays in it
                        node.lead_in = node.tight = False
                    if i + 1 < len(lines) and not _blank(lines[i + 1]):
                        node.body_indent = _indent(lines[i + 1])
                prev_blank = False
                continue
        if md_heading or (underlined and len(stripped) <= 90 and not _UNDERLINE_RE.match(stripped)):
            # a Markdown "## Title" or a title underlined with === / --- in a plain text: always a heading
            close(i)
            parser.stack, parser.closed = [], None
            parser.free_heading = _clean_heading(_plain(stripped))
            prev_blank = False
            continue
        if para_start:
            title = _standalone_title(lines, i, unnumbered=not parser.stack)
            if title and parser.stack and parser.stack[0].kind == "annex":
                if parser.stack[-1].heading is None:
                    parser.stack[-1].heading = _clean_heading(stripped)
            elif title and (
                not parser.stack
                or indent <= parser.stack[0].indent
                or indent >= 8  # a centred heading ("END OF TERMS AND CONDITIONS")
                or (stripped.isupper() and len(stripped.split()) >= 2)
            ):
                # the heading line opens the (unnumbered) text it introduces
                close(i)
                parser.stack, parser.closed = [], None
                parser.free_heading = _clean_heading(title)
                prev_blank = False
                continue
            # a paragraph at or left of a hanging-indented marker is outside that clause
            popped = False
            hanging = list(parser.stack)
            while parser.stack:
                top = parser.stack[-1]
                if top.body_indent is not None and top.body_indent > top.indent and indent <= top.indent:
                    if not popped:
                        close(i)
                        popped = True
                    parser.stack.pop()
                else:
                    break
            if popped:
                parser.closed = hanging  # the next item of a list it closed reopens it (_Parser._reopened)
            # a paragraph after a list introduced by "...:" (or one item per line) that is no item
            # belongs to the enclosing clause ("You may add Your own ..." after 4(d); "7." after 6(d))
            if (
                parser.stack
                and parser.stack[0].kind != "annex"  # an exhibit's bulleted lists stay in the exhibit
                and _BULLET_RE.match(stripped)
                and indent + 2 <= parser.stack[0].indent
            ):
                # a bulleted paragraph left of every open list is an item of an outer, unnumbered list:
                # the numbered lists indented under the bullet before it are closed
                if not popped:
                    close(i)
                    popped = True
                parser.stack, parser.closed = [], None
            if parser.stack:
                old_stack = list(parser.stack)
                if parser.close_lists(indent):
                    new_stack, parser.stack = parser.stack, old_stack
                    if not popped:
                        close(i)
                    parser.stack = new_stack
            if not parser.stack:
                # unnumbered text: a paragraph that starts with a run-in title ("Redistribution. You
                # may ...") opens a section under that title (a text that lost its numbers keeps its
                # headings as labels; no number is invented)
                run_in = _run_in_title(_BULLET_RE.sub("", stripped))
                if run_in:
                    close(i)
                    parser.free_heading = run_in
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
            if (
                words <= 8
                and n + 1 < len(trimmed)
                and _is_heading_only(seg, trimmed[n + 1][0])
                and len(_paragraphs(lines, start, end)) == 1
                and not lines[end - 1].rstrip().endswith(":")
            ):
                # a bare title ("5. Intellectual Property.") adds nothing of its own; a short line
                # that introduces a list ("b) its license agreement:") or a title with a lead-in
                # sentence is text and is kept
                continue
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
