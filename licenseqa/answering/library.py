"""The library tier in answering: find LicenseDB licences a question names, and answer from their texts.

Names. :class:`LibraryNames` holds every name of every indexable LicenseDB licence the curated corpus does
not hold (``corpus.library``: key, name, short name, SPDX ids, ``LicenseRef-scancode-*``), normalised like
the corpus names (``detect.normalise``). A question is matched by word n-grams, longest first. General
properties keep ordinary words from reading as licence names: a name made only of generic licence words
("Commercial License", "Free Software License") is not a name; a one-word name ("Sleepycat", "Ruby")
counts only next to a licence word ("Sleepycat license", "licensed under Ruby"), as the corpus detector
treats its ambiguous short names.

Answers. :class:`LibraryTier` is searched only when the question names licences that only the library
holds (the analysis's ``not_in_corpus`` with LicenseDB keys): the named texts' clauses are read from the
library collection on demand (no library vectors are loaded at start-up) and ranked by the same hybrid
retrieval as the corpus, restricted to them. Every citation is ``tier = "library"`` and labelled
:data:`~licenseqa.corpus.library.NOT_REVIEWED`.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from licenseqa.answering.detect import normalise, title_forms
from licenseqa.corpus.library import NOT_REVIEWED, Library, LibraryEntry, catalog, held_keys
from licenseqa.errors import IndexMissingError
from licenseqa.index.library import BUILD_HINT, LibraryStore
from licenseqa.index.store import IndexState

log = logging.getLogger(__name__)

# words that make no licence name on their own (with the vocabulary's generic_licence_words)
_NOISE = {
    "license", "licence", "licenses", "licences", "licensed", "agreement", "terms", "of", "use", "the",
    "public", "and", "for", "version", "v", "notice", "conditions", "general", "community",
}  # fmt: skip
_LICENCE_WORD = {"license", "licence", "licensed", "licenses", "licences", "terms", "agreement"}
MAX_KEYS_PER_NAME = 3


@dataclass(frozen=True)
class LibraryMention:
    start: int  # character offsets in the normalised question
    end: int
    phrase: str
    keys: tuple[str, ...]


class LibraryNames:
    """Names of the library-only licences (module docstring)."""

    def __init__(
        self, entries: Iterable[LibraryEntry], generic: Iterable[str] = (), reserved: Iterable[str] = ()
    ) -> None:
        """``reserved``: names that belong to the corpus (its documents' names, the vocabulary's family
        names, the names of LicenseDB entries it holds); a library name equal to one is dropped."""
        generic_words = set(generic) | _NOISE
        taken = {normalise(n) for n in reserved if n}
        # a one-word name that is a word of a corpus name ("NVIDIA" of "NVIDIA Open Model License") may mean
        # that corpus licence, typed loosely ("NVIDIA's open model license"): it is not a library name
        taken_words = {w for n in taken for w in n.split()}
        table: dict[tuple[str, ...], list[tuple[int, str]]] = {}
        self.entries: dict[str, LibraryEntry] = {}
        for e in entries:
            self.entries[e.key] = e
            ids = (e.key, e.spdx, *e.other_spdx, f"LicenseRef-scancode-{e.key}")
            exact = {normalise(n) for n in ids if n}
            names = {normalise(n) for n in (e.name, e.short_name) if n} - exact
            # looser forms: without parentheticals ("MIT (SEI)" -> "MIT"), a trailing version, year or
            # "Agreement"; a loose form names a licence only when no licence has it as its name
            loose = {_loosened(normalise(f)) for n in (e.name, e.short_name) for f in title_forms(n)}
            for rank, phrases in ((0, exact), (1, names), (2, loose - exact - names)):
                for phrase in phrases:
                    words = tuple(phrase.split())
                    if not words or phrase in taken or all(w in generic_words or w.isdigit() for w in words):
                        continue
                    distinct = [w for w in words if w not in generic_words]
                    if len(distinct) == 1 and distinct[0] in taken_words:
                        continue
                    table.setdefault(words, []).append((rank, e.key))
        self._table: dict[tuple[str, ...], tuple[int, tuple[str, ...]]] = {}
        for words, found in table.items():
            best = min(r for r, _ in found)
            keys = sorted({k for r, k in found if r == best}, reverse=best == 2)  # loose: newest key first
            self._table[words] = (best, tuple(self._english_first(keys))[:MAX_KEYS_PER_NAME])
        self._generic = generic_words
        self._longest = max((len(w) for w in self._table), default=0)

    def _english_first(self, keys: Sequence[str]) -> list[str]:
        """``keys`` with each one's English translation (LicenseDB's ``<key>-en`` entry, e.g. ``cecill-b-en``
        of the French ``cecill-b``) right before it: the question, the answer and the search model are
        English."""
        out: list[str] = []
        for k in keys:
            english = f"{k}-en"
            out.extend((english, k) if english in self.entries and english not in keys else (k,))
        return list(dict.fromkeys(out))

    def distinct(self, phrase: str) -> frozenset[str]:
        """The words of a normalised name that are not generic licence words ("sleepycat" of
        "sleepycat license")."""
        return frozenset(w for w in phrase.split() if w not in self._generic)

    def find(self, text: str) -> list[LibraryMention]:
        """Library licence names in ``text`` (already normalised), longest first, no overlaps."""
        words = text.split()
        offsets: list[int] = []
        pos = 0
        for w in words:
            pos = text.index(w, pos)
            offsets.append(pos)
            pos += len(w)
        candidates: list[tuple[int, int, tuple[str, ...]]] = []
        for i in range(len(words)):
            for n in range(min(self._longest, len(words) - i), 0, -1):
                gram = tuple(words[i : i + n])
                found = self._table.get(gram)
                if found is None:
                    continue
                rank, keys = found
                after = i + n
                while after < len(words) and words[after] in _LICENCE_WORD:
                    after += 1
                if rank == 2 and after < len(words) and _VERSIONISH.match(words[after]):
                    continue  # a loose form followed by a version: that version is another licence's name
                distinct = [w for w in gram if w not in self._generic]
                if len(distinct) < 2 and not _beside_licence_word(words, i, i + n):
                    continue
                candidates.append((i, i + n, keys))
        candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
        taken: list[tuple[int, int, tuple[str, ...]]] = []
        for c in candidates:
            if all(c[1] <= t[0] or t[1] <= c[0] for t in taken):
                taken.append(c)
        out = []
        for i, j, keys in sorted(taken):
            start, end = offsets[i], offsets[j - 1] + len(words[j - 1])
            out.append(LibraryMention(start, end, text[start:end], keys))
        return out


_VERSIONISH = re.compile(r"^\d+(?:\.\d+)*$")
_TRAILING = re.compile(r"(?:\s+(?:\d+(?:\.\d+)*|agreement|only|or later))+$")


def _loosened(phrase: str) -> str:
    """``phrase`` without trailing versions, years and the words "agreement", "only", "or later"."""
    return _TRAILING.sub("", phrase).strip()


def _beside_licence_word(words: Sequence[str], i: int, j: int) -> bool:
    """A licence word right after the name ("X license"), or "under" / "licensed under" right before it."""
    after = words[j] if j < len(words) else ""
    before = words[i - 1] if i > 0 else ""
    return after in _LICENCE_WORD or before in {"under", "licensed"}


@lru_cache(maxsize=8)
def _names_for(
    held: frozenset[str], generic: tuple[str, ...], reserved: tuple[str, ...], library: Library
) -> LibraryNames:
    started = time.perf_counter()
    own = [n for k in held for n in _entry_names(library.entries[k])]
    names = LibraryNames((e for e in library.indexable() if e.key not in held), generic, [*reserved, *own])
    log.info("library names of %d licences in %.2fs", len(names.entries), time.perf_counter() - started)
    return names


def _entry_names(e: LibraryEntry) -> tuple[str, ...]:
    return (e.key, e.name, e.short_name, e.spdx, *e.other_spdx)


def library_names(
    corpus_names: Iterable[str], generic: Iterable[str] = (), reserved: Iterable[str] = ()
) -> LibraryNames:
    """The names of the bundled LicenseDB licences the corpus (its ids, SPDX ids, aliases) does not hold;
    ``reserved``: further names of the corpus (titles, family names) that no library name may take."""
    library = catalog()
    corpus_names = list(corpus_names)
    held = frozenset(held_keys(library, corpus_names))
    return _names_for(held, tuple(sorted(generic)), tuple(sorted({*corpus_names, *reserved})), library)


def corpus_names_of(state: IndexState) -> list[str]:
    """Every id, SPDX id and alias of the corpus documents in ``state``."""
    out: list[str] = []
    for d in state.docs.values():
        out += [d.doc_id, d.spdx, *d.aliases]
    return [n for n in out if n]


class LibraryTier:
    """The built library behind the answers (module docstring). Reads its state at most every
    ``refresh_seconds``; clause snapshots of the licences asked are cached (``cache_size`` sets)."""

    def __init__(
        self,
        store: LibraryStore,
        refresh_seconds: float = 2.0,
        cache_size: int = 32,
        encoder: tuple[str, str] | None = None,
    ) -> None:
        self.store = store
        # (model, encoder backend) the questions are embedded with: a library built with another one is
        # not searchable (its vectors live in another space) and counts as not built until rebuilt
        self.encoder = encoder
        self.refresh_seconds = refresh_seconds
        self.cache_size = cache_size
        self._state: IndexState | None = None
        self._checked = -1e9
        self._lock = threading.Lock()
        self._snapshots: OrderedDict[tuple[str, ...], object] = OrderedDict()

    def state(self) -> IndexState | None:
        now = time.monotonic()
        if now - self._checked >= self.refresh_seconds:
            with self._lock:
                state = self.store.read_state()
                if (
                    state is not None
                    and self._state is not None
                    and state.corpus_version != self._state.corpus_version
                ):
                    self.store = self.store.fresh()
                    self._snapshots.clear()
                    state = self.store.read_state()
                if (
                    state is not None
                    and self.encoder is not None
                    and (state.embedding_model, state.encoder) != self.encoder
                ):
                    log.warning(
                        "The LicenseDB library was built with %s (encoder %s), the questions are embedded "
                        "with %s (encoder %s): it is ignored until `licenseqa library build` rebuilds it.",
                        state.embedding_model,
                        state.encoder,
                        *self.encoder,
                    )
                    state = None
                self._state, self._checked = state, time.monotonic()
        return self._state

    @property
    def built(self) -> bool:
        return self.state() is not None

    def built_keys(self, keys: Iterable[str]) -> list[str]:
        """The built ones of ``keys``, in order; a text whose English translation (``<key>-en``) is built
        too is left out (see :meth:`LibraryNames._english_first`)."""
        state = self.state()
        built = [k for k in keys if state is not None and k in state.docs]
        return [k for k in built if f"{k}-en" not in built]

    def snapshot(self, keys: Sequence[str], make: Callable[[IndexState, list[Any]], Any]) -> Any:
        """A retrieval snapshot of the built texts ``keys``: ``make(state, records)`` of the sub-state that
        holds only them and their stored records (``ChromaStore.live_vectors``), cached."""
        state = self.state()
        if state is None:
            raise IndexMissingError(f"The LicenseDB library is not built. {BUILD_HINT}")
        wanted = tuple(sorted(k for k in keys if k in state.docs))
        with self._lock:
            snap = self._snapshots.get(wanted)
            if snap is not None:
                self._snapshots.move_to_end(wanted)
                return snap
        sub = IndexState(
            collection=state.collection,
            embedding_model=state.embedding_model,
            corpus_version=state.corpus_version,
            built_at=state.built_at,
            docs={k: state.docs[k] for k in wanted},
            splitter_version=state.splitter_version,
            encoder=state.encoder,
        )
        snap = make(sub, self.store.live_vectors(sub))
        with self._lock:
            self._snapshots[wanted] = snap
            while len(self._snapshots) > self.cache_size:
                self._snapshots.popitem(last=False)
        return snap


def named_keys(unknown: Iterable[Any]) -> list[str]:
    """The LicenseDB keys of the analysis's unknown licences, in order, once each."""
    return list(dict.fromkeys(k for u in unknown for k in u.scancode_keys))


def library_decline_note(analysis: Any, tier: LibraryTier | None) -> str:
    """Why the library cannot answer a ``not_in_corpus`` question whose licence LicenseDB holds, and how to
    build it; "" when LicenseDB has no text for it."""
    library = catalog()
    keys = [k for k in named_keys(analysis.unknown) if k in library.entries and library.entries[k].indexable]
    if not keys:
        return ""
    shown = ", ".join(f"`{k}`" for k in keys[:3])
    if tier is None or not tier.built:
        return f"The LicenseDB library holds its text ({shown}) but is not built. {BUILD_HINT}"
    return (
        f"The LicenseDB library was built without {shown}: run `licenseqa library build` to index every text."
    )


def library_lead(keys: Sequence[str]) -> str:
    """The first line of an answer from library texts: which licences, their category, and the label."""
    library = catalog()
    named = []
    for k in keys:
        e = library.entries.get(k)
        named.append(f"{e.name} (`{k}`, {e.category or 'no category'})" if e else f"`{k}`")
    return (
        f"Our reviewed corpus does not hold {', '.join(named)}. The clauses below are quoted from its "
        f"{NOT_REVIEWED}."
    )


__all__ = [
    "BUILD_HINT",
    "LibraryMention",
    "LibraryNames",
    "LibraryTier",
    "corpus_names_of",
    "library_decline_note",
    "library_lead",
    "library_names",
    "named_keys",
]
