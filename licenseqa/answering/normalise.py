"""One canonical form of a question, made once before anything reads it.

Questions are pasted from PDFs, chat apps and web pages. They carry characters a reader does not see or
cannot tell apart, and each of them broke the licence detection, the lexical search or the embedding:
a zero-width space inside "Llama 3.1" found Llama 4 and 3.3, a soft hyphen in "GPL-2.0" found LGPL-2.1,
fullwidth "Ａｐａｃｈｅ-2.0" found no Apache at all. :func:`clean_question` makes, in order:

- Unicode NFKC: fullwidth and other compatibility forms (ligatures, superscripts, non-breaking and other
  odd spaces) become the plain characters they stand for;
- format characters (category Cf: zero-width spaces and joiners, soft hyphens, byte-order marks, bidi
  controls) are removed;
- dashes (category Pd, the minus sign) become "-"; typographic quotes become straight quotes; line and
  paragraph separators become new lines;
- in a word that mixes Latin letters with Cyrillic or Greek ones, the look-alike letters become Latin
  ("Apаche" with a Cyrillic "а" is "Apache"); a word wholly in another script is left as written.

Every change is listed (``CleanQuestion.changes``) so the analysis records it and the answer can say so.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Cyrillic and Greek letters that look like Latin ones (the common confusables of Unicode TR 39)
_LOOK_ALIKES = {
    **dict(zip("аеорсухіјѕԁһӏԛԝ", "aeopcyxijsdhlqw", strict=True)),
    **dict(zip("АВЕКМНОРСТХІЈЅ", "ABEKMHOPCTXIJS", strict=True)),
    **dict(zip("οαικνρτυχ", "oaikvptux", strict=True)),
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),
}
_QUOTES = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u2035", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u2036", '"'),
}
# trade and service marks: NFKC would glue "TM" to the name ("Llama™" -> "LlamaTM")
_MARKS = {"\u2122", "\u2120"}
_LINE_BREAKS = {"\u2028": "\n", "\u2029": "\n", "\x85": "\n"}
_WORD = re.compile(r"[^\W\d_]+")
# changes a reader would not notice when reading the question: the answer says so in a note
_QUIET = {"quotes"}


@dataclass(frozen=True)
class CleanQuestion:
    """The question as answered (``text``), the question as typed, and what was changed."""

    text: str
    original: str
    changes: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def note(self) -> str | None:
        """One short sentence for the answer, or None when nothing a reader would miss was changed."""
        shown = [c for c in self.changes if c.split(":", 1)[0] not in _QUIET]
        if not shown:
            return None
        return (
            "The question was normalised before answering: "
            + "; ".join(c.split(": ", 1)[-1] for c in shown)
            + "."
        )


def clean_question(text: str) -> CleanQuestion:
    """The canonical form of ``text`` (module docstring) and the list of changes made."""
    changes: list[str] = []
    out = text

    marks = {ch for ch in out if ch in _MARKS}
    if marks:
        out = "".join(ch for ch in out if ch not in _MARKS)
        changes.append(f"marks: removed {''.join(sorted(marks))}")
    nfkc = unicodedata.normalize("NFKC", out)
    if nfkc != out:
        changed = {ch for ch in out if unicodedata.normalize("NFKC", ch) != ch}
        spaces = {ch for ch in changed if unicodedata.category(ch) == "Zs"}
        words = [w for w in out.split() if any(ch in changed for ch in w)]
        if words:
            shown = ", ".join(f"{w} -> {unicodedata.normalize('NFKC', w)}" for w in dict.fromkeys(words))
            changes.append(f"compatibility: fullwidth or compatibility characters made plain ({shown[:120]})")
        if spaces:
            changes.append(f"spaces: {_count(spaces, 'unusual space')} made plain")
        out = nfkc

    invisible = [ch for ch in out if unicodedata.category(ch) == "Cf"]
    if invisible:
        out = "".join(ch for ch in out if unicodedata.category(ch) != "Cf")
        names = sorted({_name(ch) for ch in invisible})
        changes.append(
            f"invisible: removed {len(invisible)} invisible character{'s' if len(invisible) > 1 else ''} "
            f"({', '.join(names)})"
        )

    dashes = {ch for ch in out if ch != "-" and (unicodedata.category(ch) == "Pd" or ch == "\u2212")}
    if dashes:
        out = "".join("-" if ch in dashes else ch for ch in out)
        changes.append(f"dashes: {_count(dashes, 'dash')} made '-'")

    breaks = {ch for ch in out if ch in _LINE_BREAKS}
    if breaks:
        out = "".join(_LINE_BREAKS.get(ch, ch) for ch in out)
        changes.append("spaces: line separators made new lines")

    quotes = {ch for ch in out if ch in _QUOTES}
    if quotes:
        out = "".join(_QUOTES.get(ch, ch) for ch in out)
        changes.append("quotes: typographic quotes made straight")

    fixed: list[str] = []

    def latin(m: re.Match[str]) -> str:
        word = m.group(0)
        if not any(ch in _LOOK_ALIKES for ch in word) or not any(_is_latin(ch) for ch in word):
            return word
        if not all(_is_latin(ch) or ch in _LOOK_ALIKES for ch in word):
            return word
        plain = "".join(_LOOK_ALIKES.get(ch, ch) for ch in word)
        fixed.append(plain)
        return plain

    out = _WORD.sub(latin, out)
    if fixed:
        shown = ", ".join(dict.fromkeys(fixed))
        changes.append(f"look-alikes: Cyrillic or Greek look-alike letters made Latin ({shown})")
    return CleanQuestion(out.strip(), text, tuple(changes))


def _is_latin(ch: str) -> bool:
    return (ch.isascii() and ch.isalpha()) or "LATIN" in unicodedata.name(ch, "")


def _name(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'format character')}"


def _count(chars: set[str], what: str) -> str:
    return (
        f"{len(chars)} {what}{'s' if len(chars) > 1 else ''} ({', '.join(sorted(_name(c) for c in chars))})"
    )
