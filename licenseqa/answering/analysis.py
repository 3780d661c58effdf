"""The question model: what a question names and asks, computed once and read by every later stage.

``QuestionAnalyser.analyse(question)`` returns a frozen :class:`Analysis`:

- ``subjects``: each licence named, as written; a family name ("GPL", "LGPL") is one subject with its
  candidate versions (document ids, newest first);
- ``unknown``: licence names the corpus does not hold, each with the ScanCode LicenseDB keys it matches
  (empty: an unknown name). Two general properties find them: a capitalised name ending in "License" /
  "Licence" / "Terms" that names no corpus document, and a corpus name followed by a version that none
  of its documents has ("Apache License 1.1", "CC BY 3.0");
- ``activities``: the situation, ids from the vocabulary's activities (``knowledge/data/vocabulary.yaml``).
  A mention inside a longer mention of another activity does not count ("our own servers" is internal use,
  not a network service), nor one negated by the three words before it ("we don't ship it");
- ``form``: the question form (``our-process``, ``compare``, ``define``, ``yes-no``, ``what-must``,
  ``statement``);
- ``combinations``: (leading, subordinate) document pairs when two subjects are combined. The licence of
  the product ("our GPL-3.0 project", after "our"/"my") leads, unless the question relicenses it ("relicense
  our GPL-3.0 fork as MIT": the licence it moves to leads); else the one named after "into", "inside",
  "within", "in" or "under" between the two names; when the question states neither, both directions are
  answered;
- ``out_of_scope``: the out-of-scope subject (tax, employment, export control...) the question is about;
- ``cleaning``: the question is read in one canonical form (``answering.normalise``: NFKC, no invisible
  characters, plain dashes, quotes and spaces); ``Analysis.question`` is that form, ``cleaning`` records
  the question as typed and what changed;
- ``language``: the language the question is clearly written in when that is not English
  (``answering.language``); the corpus and the embedding model are English, so it is declined;
- ``sentences`` / ``key_order``: the question's sentences, and the ones a search that cannot read it
  all should take, in this order: the sentences asked, then those naming a licence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from licenseqa.answering.detect import LicenseDetector, Mention, normalise, remove_spans
from licenseqa.answering.language import foreign_language, language_name
from licenseqa.answering.normalise import CleanQuestion, clean_question
from licenseqa.knowledge.licensedb import keys_for_name, version_key
from licenseqa.knowledge.vocabulary import Term, Vocabulary

if TYPE_CHECKING:
    from licenseqa.answering.library import LibraryNames

_NEGATION = {"not", "never", "no", "t", "nothing", "without", "nor", "neither", "nobody", "none"}
_AUXILIARIES = {"can", "could", "may", "might", "must", "should", "shall", "will", "would", "do", "does"}
_SUBJECTS = {"we", "i", "you", "they", "it", "our", "us"}
_NAME_RE = re.compile(
    r"((?:[A-Z][\w.+&']*[ -]){1,6}?)(?:Licen[cs]e|Terms of Use|Terms)\b"
    r"(?:[ -]+(?:v(?:ersion)?\s*)?(\d{1,2}(?:\.\d+)*)\b)?"
)
# "<name> [Software|Public|General] [License] <version>"; "3 clause" is a clause count, not a version
_VERSION_AFTER = re.compile(
    r"^(?: (?:software|public|general|license|licence)){0,3} (\d{1,2}(?:\.\d+)*)\b(?! clause)"
)
_DOC_VERSION = re.compile(r"\d+(?:\.\d+)*")
# a model's size right after its family name ("Falcon 180B", "Llama 70B"): which model is meant, not a version
_SIZE_AFTER = re.compile(r"^ (\d{1,4}(?:\.\d+)?[bm])\b")
_OWN = re.compile(r"\b(?:our|my)(?: own)?(?: \S+){0,2} $")
_INTO = re.compile(r"\b(?:into|inside|within|in|under)\b")
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
MAX_COMBINATIONS = 4


@dataclass(frozen=True)
class Subject:
    """A licence the question names: the phrase as normalised, and its candidate documents."""

    name: str
    doc_ids: tuple[str, ...]

    @property
    def family(self) -> bool:
        return len(self.doc_ids) > 1

    def label(self) -> str:
        return f"{self.name} ({', '.join(self.doc_ids)})" if self.family else self.doc_ids[0]


@dataclass(frozen=True)
class UnknownLicence:
    """A licence name the corpus does not hold; ``scancode_keys`` when LicenseDB knows it by that name;
    ``other_versions``: the corpus documents of the same name, which cover other versions ("Qwen 2": ``qwen``,
    the licence of Qwen2.5)."""

    name: str
    scancode_keys: tuple[str, ...] = ()
    other_versions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Analysis:
    question: str
    subjects: tuple[Subject, ...] = ()
    unknown: tuple[UnknownLicence, ...] = ()
    activities: tuple[str, ...] = ()
    form: str = "statement"
    combinations: tuple[tuple[str, str], ...] = ()
    direction_stated: bool = False
    out_of_scope: str | None = None
    rest: str = ""
    mentions: tuple[tuple[int, str], ...] = ()
    labels: dict[str, str] = field(default_factory=dict, compare=False)
    cleaning: CleanQuestion | None = None
    language: str | None = None
    sentences: tuple[str, ...] = ()
    key_order: tuple[int, ...] = ()

    @property
    def named(self) -> tuple[str, ...]:
        """Every candidate document of every subject, in order of mention."""
        out: list[str] = []
        for s in self.subjects:
            out += [d for d in s.doc_ids if d not in out]
        return tuple(out)

    @property
    def use_case(self) -> str | None:
        """The OSADL use case the situation selects: network before binary before source."""
        cases = {self.labels.get(f"use_case:{a}") for a in self.activities}
        return next((c for c in ("network", "binary", "source") if c in cases), None)

    @property
    def abstain_reason(self) -> str | None:
        """``out_of_scope``; ``not_in_corpus`` when the licences named are not in the corpus (an unknown
        licence named beside only ambiguous family or product names counts: the named licence governs);
        ``other_language`` first, for a question in another language (the corpus and model are English)."""
        if self.language:
            return "other_language"
        if self.out_of_scope:
            return "out_of_scope"
        if self.unknown and all(s.family for s in self.subjects):
            return "not_in_corpus"
        return None

    def summary(self) -> str:
        """One line for people: "GPL (GPL-3.0-only, GPL-2.0-only) · network service · yes/no question"."""
        parts = [f"in {language_name(self.language)}"] if self.language else []
        parts += [s.label() for s in self.subjects]
        parts += [f"{u.name} (not in the corpus)" for u in self.unknown]
        parts += [self.labels.get(a, a) for a in self.activities]
        if self.out_of_scope:
            parts.append(f"out of scope: {self.labels.get(self.out_of_scope, self.out_of_scope)}")
        parts.append(self.labels.get(self.form, self.form))
        return " · ".join(parts)

    @property
    def normalised(self) -> bool:
        """Whether the question as read differs from the question as typed."""
        return self.cleaning is not None and self.cleaning.changed

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "subjects": [
                {"name": s.name, "doc_ids": list(s.doc_ids), "family": s.family} for s in self.subjects
            ],
            "unknown_licences": [
                {
                    "name": u.name,
                    "scancode_keys": list(u.scancode_keys),
                    "other_versions": list(u.other_versions),
                }
                for u in self.unknown
            ],
            "activities": list(self.activities),
            "form": self.form,
            "combinations": [{"leading": a, "subordinate": b} for a, b in self.combinations],
            "direction_stated": self.direction_stated,
            "out_of_scope": self.out_of_scope,
            "language": self.language,
            "summary": self.summary(),
        }
        if self.cleaning is not None and self.cleaning.changed:
            out["normalised"] = {"original": self.cleaning.original, "changes": list(self.cleaning.changes)}
        return out


class QuestionAnalyser:
    """Analyses questions against the corpus names (``detector``) and the ``vocabulary``."""

    def __init__(
        self,
        detector: LicenseDetector,
        vocabulary: Vocabulary | None = None,
        library: LibraryNames | None = None,
    ) -> None:
        """``library``: the names of the LicenseDB licences the corpus does not hold (``answering.library``);
        a question naming one has it among ``unknown`` with its LicenseDB key."""
        self.detector = detector
        self.library = library
        self.vocabulary = vocabulary or Vocabulary.load()
        v = self.vocabulary
        self._labels = {t.id: t.label for t in (*v.activities, *v.forms, *v.out_of_scope)}
        self._labels.update({f"use_case:{t.id}": t.use_case for t in v.activities if t.use_case})
        self._labels["statement"] = "statement"

    def analyse(self, question: str) -> Analysis:
        cleaning = clean_question(question)
        question = cleaning.text
        text, found = self.detector.find(question)
        found, unknown = self._versions(text, found)
        unknown += self._unknown_names(question, unknown)
        unknown = self._library_names(text, found, unknown)
        found = _distinct(found)
        subjects = tuple(Subject(m.phrase, _newest_first(m.doc_ids)) for m in found)
        activities = _activities(text, self.vocabulary.activities, confirms(text, self.vocabulary))
        out_of_scope = next((t.id for t in self.vocabulary.out_of_scope if t.find(text)), None)
        combos, stated = _combinations(text, found, activities)
        rest = remove_spans(text, [(m.start, m.end) for m in found])
        sentences = _split_sentences(question)
        return Analysis(
            question=question,
            subjects=subjects,
            unknown=tuple(unknown),
            activities=activities,
            form=_form(question, text, self.vocabulary.forms),
            combinations=combos,
            direction_stated=stated,
            out_of_scope=out_of_scope,
            rest=rest,
            mentions=tuple(sorted((m.start, d) for m in found for d in m.doc_ids)),
            labels=self._labels,
            cleaning=cleaning,
            language=foreign_language(_without_ids(rest)),
            sentences=sentences,
            key_order=self._key_order(sentences),
        )

    def _key_order(self, sentences: tuple[str, ...]) -> tuple[int, ...]:
        """The key sentences, in question order: those asked (ending with "?"; else the last one) and
        those naming a licence. A long question's context (how we build, what we already checked)
        would otherwise fill the search with its own words."""
        if not sentences:
            return ()
        asked = {i for i, s in enumerate(sentences) if s.rstrip().endswith("?")} or {len(sentences) - 1}
        naming = {i for i, s in enumerate(sentences) if i not in asked and self.detector.find(s)[1]}
        return tuple(sorted(asked)) + tuple(sorted(naming))

    def _versions(self, text: str, found: list[Mention]) -> tuple[list[Mention], list[UnknownLicence]]:
        """Drop a name followed by a version none of its documents has; it names a licence we lack.

        A document's versions are those its front matter states it covers (``versions: ["2.5"]``: "Qwen 2.5"
        and "Qwen2.5-72B" are its text, "Qwen1.5" and "Qwen2-72B" are not), else the version in its id
        ("llama3.1"); a document with neither is never excluded by a version."""
        kept: list[Mention] = []
        unknown: list[UnknownLicence] = []
        covers = self.detector.versions
        for m in found:
            after = _VERSION_AFTER.match(text[m.end :])
            versions = [covers.get(d) or _DOC_VERSION.findall(d)[:1] for d in m.doc_ids]
            if after and not re.search(r"\d", m.phrase) and all(versions):
                v = after.group(1)
                if not any(
                    _covered(v, stated) if d in covers else _same_version(v, stated[0])
                    for d, stated in zip(m.doc_ids, versions, strict=True)
                ):
                    unknown.append(_other_version(m, v))
                    continue
            size = _SIZE_AFTER.match(text[m.end :]) if after is None else None
            # the documents state the model versions they cover and the question names a model by its size
            # alone ("Falcon 180B" against the Falcon 2 licence): a model whose licence we lack
            if (
                size
                and not re.search(r"\d", m.phrase)
                and all(d in covers for d in m.doc_ids)
                and not any(_covered(size.group(1), covers[d]) for d in m.doc_ids)
            ):
                unknown.append(_other_version(m, size.group(1)))
                continue
            kept.append(m)
        return kept, unknown

    def _library_names(
        self, text: str, found: list[Mention], unknown: list[UnknownLicence]
    ) -> list[UnknownLicence]:
        """``unknown`` plus the LicenseDB licences named in ``text`` outside every corpus mention; a name
        already read as unknown ("Sleepycat License") gets the library's keys first."""
        if self.library is None:
            return unknown
        out = list(unknown)
        for lm in self.library.find(text):
            if any(lm.start < m.end and m.start < lm.end for m in found):
                continue  # part of a corpus licence's name: the corpus governs
            # the same name already read as unknown ("Sleepycat License") takes the library's keys; a
            # longer name that contains it ("Zorblax Fair Source License") is another licence
            words = self.library.distinct(lm.phrase)
            names = [self.library.distinct(normalise(u.name)) for u in out]
            if any(words < n for n in names):
                continue
            same = [i for i, n in enumerate(names) if n == words]
            for i in same:
                u = out[i]
                out[i] = UnknownLicence(u.name, _merge_keys(lm.keys, u.scancode_keys), u.other_versions)
            # another wording of a licence already read as unknown is the same LicenseDB text
            if not same and not any(set(lm.keys) & set(u.scancode_keys) for u in out):
                entry = self.library.entries[lm.keys[0]]
                out.append(UnknownLicence(entry.short_name or entry.name, lm.keys))
        return out

    def _unknown_names(self, question: str, already: list[UnknownLicence]) -> list[UnknownLicence]:
        """Capitalised "... License" names that name no corpus document."""
        out: list[UnknownLicence] = []
        generic = self.vocabulary.generic_licence_words
        for m in _NAME_RE.finditer(question):
            words = normalise(m.group(1)).split()
            while words and words[0] in generic:
                words.pop(0)
            if not words or all(w in generic for w in words):
                continue
            name = " ".join(words)
            if self.detector.find(m.group(0))[1] or any(
                name in normalise(u.name) or normalise(u.name) in name for u in already + out
            ):
                continue
            version = m.group(2)
            label = m.group(0).strip()
            out.append(UnknownLicence(label, keys_for_name(words, version)))
        return out


def _other_version(m: Mention, version: str) -> UnknownLicence:
    """The licence a family name with a version (or model size) none of its documents covers names: its
    LicenseDB keys from the name as typed, else from the stem of a corpus id of the family ("MPL-2.0" ->
    "mpl"); the family's documents are kept for comparison."""
    stems = [m.phrase.split()] + [re.findall(r"[a-z]+", d.lower()) for d in m.doc_ids]
    keys = next((k for k in (keys_for_name(s, version) for s in stems) if k), ())
    return UnknownLicence(f"{m.phrase} {version}", keys, _newest_first(m.doc_ids))


def _merge_keys(*groups: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(k for g in groups for k in g))[:5]


def _split_sentences(question: str) -> tuple[str, ...]:
    """The question's sentences (and lines), as typed."""
    parts = [p.strip() for line in question.splitlines() for p in _SENTENCE_END.split(line)]
    return tuple(p for p in parts if p)


def _without_ids(rest: str) -> str:
    """The question without its licence names (``rest``) and without the words holding digits (ids,
    versions, years): the words that tell its language."""
    return " ".join(w for w in rest.split() if not any(ch.isdigit() for ch in w))


def _distinct(found: list[Mention]) -> list[Mention]:
    """One mention per set of documents (the first); a later name of the same licence adds nothing."""
    out: list[Mention] = []
    for m in found:
        if all(set(m.doc_ids) != set(x.doc_ids) for x in out):
            out.append(m)
    return out


def _newest_first(doc_ids: tuple[str, ...]) -> tuple[str, ...]:
    """Document ids by their first version number, highest first ("3.10" after "3.9" is newer)."""

    def key(d: str) -> tuple[tuple[int, ...], str]:
        v = _DOC_VERSION.findall(d)
        return (tuple(-int(n) for n in v[0].split(".")) if v else (), d)

    return tuple(sorted(doc_ids, key=key))


def _same_version(asked: str, doc: str) -> bool:
    """``2`` names ``2.1`` and ``2.0``; ``2.0`` equals ``2``; ``1.1`` does not name ``2.0``."""
    a, d = version_key(asked), version_key(doc)
    return d == a or d.startswith(a + ".")


def _covered(asked: str, stated: tuple[str, ...] | list[str]) -> bool:
    """Whether a document stating it covers ``stated`` versions covers ``asked``: one of them, or a
    release of one ("2.5.1" of "2.5"); a stated generation is exact, so "2" is not "2.5"."""
    a = version_key(asked)
    return any(a == version_key(s) or a.startswith(version_key(s) + ".") for s in stated)


_CONJUNCTIONS = {"and", "but", "or", "so", "then", "while", "because", "although", "though", "yet"}


def _clause_before(text: str) -> list[str]:
    """Up to six words before a mention, back to the nearest conjunction: the words a negation of the
    mention sits in ("no user ever talks to it over a network"; not "we don't modify it and ship it")."""
    words = text.split()[-6:]
    for i in range(len(words) - 1, -1, -1):
        if words[i] in _CONJUNCTIONS:
            return words[i + 1 :]
        if words[i] in _AUXILIARIES and words[i + 1 : i + 2] and words[i + 1] in _SUBJECTS:
            # "if we don't touch it, can we ship ...": a question starts its own clause (normalising drops
            # the comma before it), so the negation before it does not reach the mention
            return words[i:]
    return words


def find_activities(text: str, terms: tuple[Term, ...], keep_negated: bool = False) -> tuple[str, ...]:
    """The activity ids mentioned in normalised ``text`` (longer mentions win, negated ones do not count,
    unless ``keep_negated``: a statement to confirm, "am I right that it doesn't allow selling?", is about the
    negated act)."""
    return _activities(text, terms, keep_negated)


def confirms(text: str, vocabulary: Vocabulary) -> bool:
    """Whether normalised ``text`` asks to confirm a statement (the vocabulary's ``confirmation`` ask)."""
    return any(t.id == "confirmation" and bool(t.find(text)) for t in vocabulary.asks)


def _activities(text: str, terms: tuple[Term, ...], keep_negated: bool = False) -> tuple[str, ...]:
    spans = [(s, e, t.id) for t in terms for s, e in t.find(text)]
    out: list[str] = []
    for s, e, term_id in spans:
        if any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) and t2 != term_id for s2, e2, t2 in spans):
            continue  # inside a longer mention of another activity
        if not keep_negated and _NEGATION & set(_clause_before(text[:s])):
            continue  # negated here; a mention elsewhere that is not negated still counts
        if term_id not in out:
            out.append(term_id)
    order = [t.id for t in terms]
    return tuple(sorted(out, key=order.index))


def _form(question: str, text: str, forms: tuple[Term, ...]) -> str:
    asks = [normalise(s) for s in _SENTENCE_END.split(question.strip()) if s.rstrip().endswith("?")] or [text]
    for term in forms:
        if term.id == "yes-no":
            for sentence in asks:
                first = sentence.split()[:1]
                if (first and first[0] in term.leading) or term.find(sentence.split(" ", 1)[-1][-20:]):
                    return term.id
            continue
        if term.find(text):
            return term.id
    return "statement"


_RELICENSING = re.compile(r"\bre[- ]?licens\w*")
_TARGET = re.compile(r"\b(?:as|under|to)\b")


def _combinations(
    text: str, found: list[Mention], activities: tuple[str, ...]
) -> tuple[tuple[tuple[str, str], ...], bool]:
    """(leading, subordinate) pairs and whether the question states the direction (module docstring)."""
    combining = {"include-in-work", "static-linking", "dynamic-linking"} & set(activities)
    if len(found) < 2 or not combining:
        return (), False
    a, b = found[0], found[1]
    own = [m for m in (a, b) if _OWN.search(text[: m.start])]
    lead: Mention | None = own[0] if len(own) == 1 else None
    if _RELICENSING.search(text) and _TARGET.search(text, a.end, b.start):
        lead = b  # "relicense our GPL-3.0 fork as MIT": the licence the material moves to leads
    if lead is None and _INTO.search(text, a.end, b.start):
        lead = b
    if lead is None:
        pairs = [(x, y) for x in a.doc_ids for y in b.doc_ids] + [
            (y, x) for x in a.doc_ids for y in b.doc_ids
        ]
        return tuple(pairs[: MAX_COMBINATIONS * 2]), False
    sub = b if lead is a else a
    pairs = [(x, y) for x in _newest_first(lead.doc_ids) for y in _newest_first(sub.doc_ids)]
    return tuple(pairs[:MAX_COMBINATIONS]), True
