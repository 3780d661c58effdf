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

from licenseqa.knowledge.vocabulary import Vocabulary, normalise_text

# words that look like licence names but are ordinary English in questions
# names that need "license" after them to count; and short names accepted when typed in capitals
_NEEDS_LICENSE_WORD = {"json", "rail", "postgresql", "python", "unicode"}
_AMBIGUOUS = {"isc", "zlib", "mit", "unlicense", *_NEEDS_LICENSE_WORD}


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
    return forms


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
        for phrase, ids in families.items():
            for doc_id in ids:
                if doc_id in known:
                    add(normalise(phrase), doc_id)
        # longest phrase first; regex per phrase with word boundaries
        self._phrases = sorted(table.items(), key=lambda kv: (-len(kv[0]), kv[0]))
        self._patterns = [
            (re.compile(r"(?<![\w.])" + re.escape(p) + r"(?![\w]|\.\d)"), ids) for p, ids in self._phrases
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


def remove_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` without the character ``spans``, spaces collapsed."""
    for s, e in sorted(spans, reverse=True):
        text = text[:s] + " " + text[e:]
    return re.sub(r"\s+", " ", text).strip()


def _looks_like_licence_context(question: str, phrase: str) -> bool:
    """``MIT``/``ISC`` typed in capitals, or followed by "license"/"licensed"."""
    if phrase not in _NEEDS_LICENSE_WORD and re.search(rf"\b{re.escape(phrase.upper())}\b", question):
        return True
    return re.search(rf"\b{re.escape(phrase)}[\s-]+licen[cs]", question, re.IGNORECASE) is not None
