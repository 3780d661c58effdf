"""The question-analysis vocabulary: activities, question forms, out-of-scope subjects and family names.

The data is ``data/vocabulary.yaml`` (reviewed like every knowledge file); this module loads it, checks it
against the schema below and compiles each phrase into a matcher over normalised question text. The schema:

- ``activities`` / ``obligations`` / ``asks`` / ``forms`` / ``out_of_scope`` / ``restricted_uses``: lists
  of terms ``{id, label, source, synonyms: [phrase]}``; ``restricted_uses`` are the kinds of use that
  model licences and acceptable-use policies forbid (a licence's facts say which of them it forbids, with
  the clause);
  an activity may add ``use_case`` (``source`` | ``binary`` | ``network``, the OSADL use case it selects),
  a restricted use ``other_than_subject: true`` (a use of *another* model: not when the licensed model
  itself is its object) and ``duty`` (phrases naming the duty its ban implies: "tell users it is an AI"),
  a form may add ``leading`` (words that open a question of that form);
- ``generic_licence_words``: words that make a capitalised "... License" phrase generic;
- ``families``: ``{name: [document id, ...]}``, newest version first.

A phrase is matched at word boundaries, and not right after "non" (which makes the opposite: "non
commercial"); a word ending in ``*`` matches any ending, a lone ``*`` one to four words. Errors:
:class:`VocabularyError` names the entry and what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from licenseqa.errors import LicenseQAError

VOCABULARY = Path(__file__).resolve().parent / "data" / "vocabulary.yaml"
USE_CASES = ("source", "binary", "network")
SECTIONS = {
    "version",
    "activities",
    "obligations",
    "asks",
    "forms",
    "out_of_scope",
    "restricted_uses",
    "generic_licence_words",
    "families",
}


class VocabularyError(LicenseQAError):
    """The vocabulary file does not follow its schema."""


@dataclass(frozen=True)
class Term:
    """One entry: ``id``, a label for people, where it comes from, and its compiled phrases."""

    id: str
    label: str
    source: str
    synonyms: tuple[str, ...]
    pattern: re.Pattern[str]
    use_case: str | None = None
    leading: tuple[str, ...] = ()
    # a restricted use of *another* model (``other_than_subject: true``): a mention whose object is the
    # licensed model itself ("use Llama 2 outputs to fine-tune Llama 2 7B") is not that use
    other_than_subject: bool = False
    # a restricted use's ``duty`` phrases: the duty its ban implies, as an obligation question names it
    # ("do we have to tell users they're talking to a machine?" for undisclosed machine generation)
    duty: re.Pattern[str] | None = None

    def find_duty(self, text: str) -> list[tuple[int, int]]:
        """Spans of normalised ``text`` naming the duty this restricted use implies (none without one)."""
        return [m.span() for m in self.duty.finditer(text)] if self.duty is not None else []

    def find(self, text: str) -> list[tuple[int, int]]:
        """Spans of normalised ``text`` where one of the phrases occurs."""
        return [m.span() for m in self.pattern.finditer(text)]


@dataclass(frozen=True)
class Vocabulary:
    activities: tuple[Term, ...]
    obligations: tuple[Term, ...]
    asks: tuple[Term, ...]
    forms: tuple[Term, ...]
    out_of_scope: tuple[Term, ...]
    generic_licence_words: frozenset[str]
    families: dict[str, tuple[str, ...]]
    restricted_uses: tuple[Term, ...] = ()

    def obligation_mentions(self, text: str) -> dict[str, list[tuple[int, int]]]:
        """Spans of normalised ``text`` naming each obligation, longest mention first: a mention inside a
        longer one of another obligation is not one ("notice" in "notice file" names the NOTICE file)."""
        found = {t.id: t.find(text) for t in self.obligations}
        taken = [(span, oid) for oid, spans in found.items() for span in spans]
        return {
            oid: kept
            for oid, spans in found.items()
            if (
                kept := [
                    (a, e)
                    for a, e in spans
                    if not any(
                        o != oid and a2 <= a and e <= e2 and (e2 - a2) > (e - a) for (a2, e2), o in taken
                    )
                ]
            )
        }

    def activity(self, term_id: str) -> Term:
        for term in self.activities:
            if term.id == term_id:
                return term
        raise KeyError(term_id)

    @staticmethod
    def load(path: Path | str = VOCABULARY) -> Vocabulary:
        """The vocabulary of ``path`` (default: the bundled file), validated and compiled; cached."""
        return _load(str(path))


def phrase_pattern(phrase: str, normalise: Callable[[str], str]) -> str:
    """A regex source for one phrase (see the module docstring for ``*``)."""
    words = normalise(phrase.replace("*", "zzstarzz")).split()
    parts: list[str] = []
    for word in words:
        if word == "zzstarzz":
            parts.append(r"(?:\S+ ){1,4}?")
        elif word.endswith("zzstarzz"):
            parts.append(re.escape(word.removesuffix("zzstarzz")) + r"\w* ")
        else:
            parts.append(re.escape(word) + " ")
    # "non" before a word makes its opposite ("non commercial research" is no commercial use, "non
    # exclusive" no exclusivity): a phrase right after it is not mentioned (one that opens with it is)
    return r"(?<![\w])(?<!\bnon )" + "".join(parts).rstrip(" ") + r"(?![\w])"


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise VocabularyError(f"{where} must be a non-empty list of phrases.")
    return tuple(v.strip() for v in value)


_TERM_KEYS = {"id", "label", "source", "synonyms", "use_case", "leading", "other_than_subject", "duty"}


def _terms(raw: Any, section: str, normalise: Callable[[str], str]) -> tuple[Term, ...]:
    if not isinstance(raw, list) or not raw:
        raise VocabularyError(f"Vocabulary section {section!r} must be a non-empty list.")
    seen: set[str] = set()
    out: list[Term] = []
    for i, entry in enumerate(raw):
        where = f"{section}[{i}]"
        if not isinstance(entry, dict):
            raise VocabularyError(f"{where} must be a mapping.")
        unknown = set(entry) - _TERM_KEYS
        if unknown:
            raise VocabularyError(f"{where} has unknown keys: {', '.join(sorted(unknown))}.")
        for key in ("id", "label", "source"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise VocabularyError(f"{where} needs a non-empty {key!r}.")
        if entry["id"] in seen:
            raise VocabularyError(f"{where}: duplicate id {entry['id']!r}.")
        seen.add(entry["id"])
        synonyms = _strings(entry.get("synonyms"), f"{where}.synonyms")
        use_case = entry.get("use_case")
        if use_case is not None and use_case not in USE_CASES:
            raise VocabularyError(f"{where}.use_case must be one of {', '.join(USE_CASES)}.")
        leading = _strings(entry["leading"], f"{where}.leading") if "leading" in entry else ()
        other = entry.get("other_than_subject", False)
        if not isinstance(other, bool):
            raise VocabularyError(f"{where}.other_than_subject must be true or false.")
        duty = None
        if "duty" in entry:
            duties = sorted({phrase_pattern(d, normalise) for d in _strings(entry["duty"], f"{where}.duty")})
            duty = re.compile("|".join(f"(?:{d})" for d in sorted(duties, key=len, reverse=True)))
        sources = sorted({phrase_pattern(s, normalise) for s in synonyms}, key=len, reverse=True)
        out.append(
            Term(
                id=entry["id"],
                label=entry["label"],
                source=entry["source"],
                synonyms=synonyms,
                pattern=re.compile("|".join(f"(?:{s})" for s in sources)),
                use_case=use_case,
                leading=tuple(normalise(w) for w in leading),
                other_than_subject=other,
                duty=duty,
            )
        )
    return tuple(out)


def compile_vocabulary(data: dict[str, Any], normalise: Callable[[str], str] | None = None) -> Vocabulary:
    """Validate the parsed YAML ``data`` and compile its phrases (normalised with ``normalise``)."""
    normalise = normalise or normalise_text
    if not isinstance(data, dict) or data.get("version") != 1:
        raise VocabularyError("The vocabulary must be a mapping with `version: 1`.")
    unknown = set(data) - SECTIONS
    if unknown:
        raise VocabularyError(f"Unknown vocabulary sections: {', '.join(sorted(unknown))}.")
    families = data.get("families")
    if not isinstance(families, dict) or not families:
        raise VocabularyError("`families` must map family names to lists of document ids.")
    fam = {normalise(str(k)): _strings(v, f"families.{k}") for k, v in families.items()}
    return Vocabulary(
        activities=_terms(data.get("activities"), "activities", normalise),
        obligations=_terms(data.get("obligations"), "obligations", normalise),
        asks=_terms(data.get("asks"), "asks", normalise),
        forms=_terms(data.get("forms"), "forms", normalise),
        out_of_scope=_terms(data.get("out_of_scope"), "out_of_scope", normalise),
        generic_licence_words=frozenset(
            w.lower() for w in _strings(data.get("generic_licence_words"), "generic_licence_words")
        ),
        families=fam,
        restricted_uses=_terms(data.get("restricted_uses"), "restricted_uses", normalise),
    )


def read_vocabulary(path: Path | str = VOCABULARY) -> dict[str, Any]:
    """The parsed YAML of ``path``; :class:`VocabularyError` when it cannot be read."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise VocabularyError(f"The vocabulary {path} cannot be read ({exc}).") from None
    if not isinstance(data, dict):
        raise VocabularyError(f"The vocabulary {path} must be a YAML mapping.")
    return data


@lru_cache(maxsize=4)
def _load(path: str) -> Vocabulary:
    return compile_vocabulary(read_vocabulary(path))


def normalise_text(text: str) -> str:
    """Question and phrase normalisation: lower-case; separators to spaces; ``GPLv3`` -> ``gpl 3``;
    ``version 2`` -> ``2``; ``2.0`` kept; "I" / "my" -> "we" / "our"; spaces collapsed. Every phrase of
    the vocabulary and every licence name is matched on text normalised by this function."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"\bversion\s+(?=\d)", "", text)
    text = re.sub(r"(?<=[a-z])v(?=\d)", " ", text)  # gplv3 -> gpl 3
    text = re.sub(r"\bv(?=\d)", "", text)  # v2 -> 2
    text = re.sub(r"(?<=[a-z])(?=\d)", " ", text)  # gpl3 -> gpl 3, llama2 -> llama 2
    text = re.sub(r"[-_/,;:!?()\[\]\"'’“”]+", " ", text)
    text = re.sub(r"\.(?!\d)", " ", text)
    # the first person singular reads as the plural the vocabulary is written in ("my code" is "our code",
    # "I ship" is "we ship"): people asking for themselves mean the same situations
    text = re.sub(r"\b(?:i|me|my|mine|myself)\b", lambda m: _PLURAL[m.group(0)], text)
    return re.sub(r"\s+", " ", text).strip()


_PLURAL = {"i": "we", "me": "us", "my": "our", "mine": "ours", "myself": "ourselves"}
