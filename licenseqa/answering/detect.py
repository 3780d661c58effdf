"""Detect the licences a question names: by id, SPDX id, title, alias, and the forms people type.

Names come from the index state (id, ``spdx``, ``title``, ``aliases`` of every
document) plus generated variants ("GPL-3.0-only" -> "GPL-3.0", "GPL 3", "GPLv3",
"GPL3") and the family names of the vocabulary (``knowledge/data/vocabulary.yaml``:
"AGPL", "Affero", "OpenRAIL", "Llama", "Stable Diffusion license"). Matching is on normalised text,
longest name first, so "LGPL 2.1" wins over "GPL" and "Llama 3.1" over "Llama".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from licenseqa.corpus.documents import document_versions
from licenseqa.knowledge.vocabulary import Vocabulary, normalise_text

# words that look like licence names but are ordinary English in questions
# names that need "license" after them to count; and short names accepted when typed in capitals
_NEEDS_LICENSE_WORD = {"json", "rail", "postgresql", "python", "unicode"}
_AMBIGUOUS = {"isc", "zlib", "mit", "unlicense", *_NEEDS_LICENSE_WORD}
# licence names that are also the name of a program: capitalised, they still name the program ("Zlib")
_ALSO_A_PROGRAM = {"zlib"}


normalise = normalise_text  # one normalisation for questions, names and vocabulary phrases


def name_variants(name: str) -> set[str]:
    """``GPL-3.0-only`` -> {"gpl 3.0 only", "gpl 3.0", "gpl 3"}; ``Apache-2.0`` -> {..., "apache 2"}."""
    base = normalise(name)
    out = {base}
    stripped = re.sub(r"\s+(only|or later|\+)$", "", base)
    out.add(stripped)
    for item in list(out):
        out.add(re.sub(r"(\d+)\.0\b", r"\1", item))
    return {v for v in out if v}


def title_forms(title: str) -> list[str]:
    """A title as written, without its parentheticals, without a trailing dotted version, and its own
    short name in parentheses: "Universal Permissive License (UPL) v1.0" -> that, "Universal Permissive
    License v1.0", "Universal Permissive License", "UPL". Dates in parentheses are not short names."""
    if not title:
        return []
    bare = re.sub(r"\s*\([^)]*\)", "", title).strip()
    forms = [title, bare]
    unversioned = re.sub(r"\s+v?\d+\.\d+(?:\.\d+)*$", "", bare).strip()
    if unversioned != bare and len(unversioned.split()) >= 2:
        forms.append(unversioned)
    forms += [
        m for m in re.findall(r"\(([A-Za-z][A-Za-z0-9+]{1,9})\)", title) if sum(c.isalpha() for c in m) >= 2
    ]
    # an exception is called by its own name without the licence it modifies: "LLVM Exception to
    # Apache 2.0" -> "LLVM Exception", "Classpath exception to GPL 2.0 or later" -> "Classpath exception"
    short = re.match(r"(.+?\bexception)\s+to\b", bare, re.I)
    if short and len(short.group(1).split()) >= 2:
        forms.append(short.group(1))
    return forms


def program_name(title: str) -> str:
    """The program an exception's title names, the words before "Exception": "LLVM Exception to Apache
    2.0" -> "LLVM", "GCC Runtime Library Exception v3.1" -> "GCC Runtime Library"; "" when the title
    does not have that shape. An exception is written for the use of one program (its output, its
    runtime library), so people ask about "LLVM's licence" or "the Autoconf licence"."""
    m = re.match(r"(.+?)\s+exception\b", re.sub(r"\s*\([^)]*\)", "", title or ""), re.I)
    return m.group(1).strip() if m else ""


@dataclass(frozen=True)
class Mention:
    """A licence name found in the normalised question: its span, the phrase and the documents it names."""

    start: int
    end: int
    phrase: str
    doc_ids: tuple[str, ...]


@dataclass(frozen=True)
class DocName:
    doc_id: str
    title: str
    spdx: str = ""
    aliases: tuple[str, ...] = ()
    versions: tuple[str, ...] = ()  # the model versions the text covers (front matter ``versions``)
    kind: str = ""  # the document kind (front matter ``kind``); an ``exception`` is also named by its program

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any]) -> DocName:
        """The names of a document from its front matter (``id``, ``title``, ``spdx``, ``aliases``,
        ``versions``, ``kind``), as the corpus files and the index state hold them."""
        return cls(
            str(meta["id"]),
            str(meta.get("title") or ""),
            str(meta.get("spdx") or ""),
            tuple(str(a) for a in meta.get("aliases") or ()),
            tuple(document_versions(dict(meta))),
            str(meta.get("kind") or ""),
        )


class LicenseDetector:
    """Find the documents a question names."""

    def __init__(self, docs: Iterable[DocName], families: Mapping[str, Sequence[str]] | None = None) -> None:
        """``families``: family and colloquial names -> document ids (default: the vocabulary's)."""
        docs = list(docs)
        if families is None:
            families = Vocabulary.load().families
        known = {d.doc_id for d in docs}
        self.versions: dict[str, tuple[str, ...]] = {d.doc_id: d.versions for d in docs if d.versions}
        table: dict[str, set[str]] = {}

        def add(phrase: str, doc_id: str) -> None:
            if len(phrase) >= 2:
                table.setdefault(phrase, set()).add(doc_id)

        for d in docs:
            for name in (d.doc_id, d.spdx, *title_forms(d.title), *d.aliases):
                if not name or name.startswith("LicenseRef"):
                    continue
                for v in name_variants(name):
                    add(v, d.doc_id)
        # an exception's program name ("LLVM", "Autoconf") names the exception only where the question
        # speaks of that program's licence ("LLVM's licence", "the licence of Autoconf") or of an
        # exception: the bare word is the program, which may be asked about under its base licence
        self._program_names: set[str] = set()
        for d in docs:
            program = normalise(program_name(d.title)) if d.kind == "exception" else ""
            if program and program not in table:
                add(program, d.doc_id)
                self._program_names.add(program)
        for phrase, ids in families.items():
            for doc_id in ids:
                if doc_id in known:
                    add(normalise(phrase), doc_id)
        # longest phrase first; regex per phrase with word boundaries
        self._phrases = sorted(table.items(), key=lambda kv: (-len(kv[0]), kv[0]))
        self._patterns = [
            (re.compile(r"(?<![\w.])" + _owner_possessive(re.escape(p)) + r"(?![\w]|\.\d)"), ids)
            for p, ids in self._phrases
        ]

    def detect(self, question: str) -> list[str]:
        """Document ids named in ``question``, in order of first mention."""
        return self.detect_with_rest(question)[0]

    def detect_with_rest(self, question: str) -> tuple[list[str], str]:
        """Named document ids, and the normalised question with the licence names removed."""
        ids, rest, _ = self.mentions(question)
        return ids, rest

    def find(self, question: str) -> tuple[str, list[Mention]]:
        """The normalised question and every licence name in it (longest name first, no overlaps)."""
        text = normalise(question)
        found: list[Mention] = []
        named: set[str] = set()
        for pattern, ids in self._patterns:
            for m in pattern.finditer(text):
                if any(m.start() < x.end and x.start < m.end() for x in found):
                    continue
                phrase = m.group(0)
                if phrase in _AMBIGUOUS and not _looks_like_licence_context(question, phrase):
                    continue
                if phrase in self._program_names and not (
                    _speaks_of_its_licence(question, phrase)
                    or _speaks_of_its_output(question, phrase)
                    or _EXCEPTION_WORD.search(question)
                ):
                    continue
                if len(ids) > 1 and named & ids:
                    continue  # "Llama" after "Llama 3.3": the specific version wins over the family
                found.append(Mention(m.start(), m.end(), phrase, tuple(sorted(ids))))
                named |= ids
        return text, sorted(found, key=lambda x: x.start)

    def mentions(self, question: str) -> tuple[list[str], str, list[tuple[int, str]]]:
        """Named ids, the question without them, and (position in the normalised text, id) pairs."""
        text, found = self.find(question)
        pairs = sorted((x.start, i) for x in found for i in x.doc_ids)
        ordered: list[str] = []
        for _, doc_id in pairs:
            if doc_id not in ordered:
                ordered.append(doc_id)
        return ordered, remove_spans(text, [(x.start, x.end) for x in found]), pairs


def _owner_possessive(pattern: str) -> str:
    """An escaped multi-word name pattern that also matches with the owner's possessive after its first
    word: licences are called by their owner's name, "NVIDIA's Open Model License" (normalised "nvidia s
    open model license") for "NVIDIA Open Model License"."""
    first, sep, rest = pattern.partition("\\ ")
    return f"{first}(?: s)?{sep}{rest}" if sep and rest else pattern


def remove_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` without the character ``spans``, spaces collapsed."""
    for s, e in sorted(spans, reverse=True):
        text = text[:s] + " " + text[e:]
    return re.sub(r"\s+", " ", text).strip()


def _looks_like_licence_context(question: str, phrase: str) -> bool:
    """``MIT``/``ISC`` typed in capitals, ``Unlicense`` capitalised inside a sentence, or the name spoken
    of as a licence (:func:`_speaks_of_its_licence`).
    Names that are also ordinary words or programs (``_NEEDS_LICENSE_WORD``: "Python", "JSON") need the
    licence word after them or a possessive ("Python's licence"), not an "its licence" later on."""
    if phrase not in _NEEDS_LICENSE_WORD and re.search(rf"\b{re.escape(phrase.upper())}\b", question):
        return True
    if phrase not in _NEEDS_LICENSE_WORD | _ALSO_A_PROGRAM and re.search(
        rf"(?<![.?!]\s)(?<!^)\b{re.escape(phrase.capitalize())}\b", question.strip()
    ):
        return True  # a proper name inside a sentence ("snippets under the Unlicense", "uses Zlib code")
    return _speaks_of_its_licence(question, phrase, anaphora=phrase not in _NEEDS_LICENSE_WORD)


def _speaks_of_its_output(question: str, phrase: str) -> bool:
    """The question speaks of what the program ``phrase`` (normalised words) produces: "generated / made by
    (GNU) X", "came from X", "X-generated", "X output", "the output of X", "X's runtime". An exception named
    after a program is written for exactly that (its output, its runtime library: see
    :func:`program_name`), so such a question is about the exception even when it does not say "exception"."""
    name = r"[\s-]+".join(re.escape(w) for w in phrase.split())
    patterns = [
        rf"\b(?:generated|produced|emitted|created|built|made|comes|came)\s+(?:by|with|from|using)\s+(?:the\s+)?"
        rf"(?:gnu\s+)?{name}\b",
        rf"\b{name}(?:['\u2019]s)?[\s-]+(?:generated|output|outputs|runtime)\b",
        rf"\b(?:output|outputs|runtime)\s+of\s+(?:the\s+)?(?:gnu\s+)?{name}\b",
    ]
    return any(re.search(p, question, re.IGNORECASE) for p in patterns)


_EXCEPTION_WORD = re.compile(r"\bexceptions?\b", re.I)
_LICENCE_WORD = r"licen[cs]e[ds]?\b|licensing\b"


def _speaks_of_its_licence(question: str, phrase: str, anaphora: bool = False) -> bool:
    """The question speaks of the licence of ``phrase`` (normalised words): "X license(d)", "X's licence",
    "the licence of X", "licensed under X"; with ``anaphora``, also "X ... its licence" in the same or the
    next sentence (the licence of the thing just named: "We link zlib. Its licence mentions...")."""
    name = r"[\s-]+".join(re.escape(w) for w in phrase.split())
    patterns = [
        rf"\b{name}(?:['\u2019]s)?[\s-]+(?:own[\s-]+)?(?:{_LICENCE_WORD})",
        rf"\b(?:licen[cs]e|terms)\s+(?:of|for)\s+(?:the\s+)?{name}\b",
        rf"\blicensed\s+under\s+(?:the\s+)?{name}\b",
    ]
    if anaphora:
        patterns.append(rf"\b{name}\b[^.?!]*(?:[.?!]\s+[^.?!]*)?\b(?:its|their)\s+(?:{_LICENCE_WORD})")
    return any(re.search(p, question, re.IGNORECASE) for p in patterns)
