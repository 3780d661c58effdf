"""The library tier's collections: LicenseDB clauses in their own Chroma state and clauses collection.

Same layout and crash-safety as the corpus index (``index.store``), under the name prefix
``<collection>-library`` (``licenseqa-library-state``, ``licenseqa-library-clauses-*``): the corpus ingest
never sees or drops them, and the library build never touches the corpus collections. Each record carries,
besides the clause metadata, the licence's LicenseDB ``key``, ``name``, ``spdx``, ``category``,
``other_names`` (``"; "``-joined: Chroma metadata values are scalars) and ``tier = "library"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from licenseqa.config import Settings
from licenseqa.corpus.library import TIER, LibraryEntry
from licenseqa.index.store import ChromaStore, IndexState
from licenseqa.models import Clause

LIBRARY_SUFFIX = "-library"


def record_metadata(entry: LibraryEntry) -> dict[str, Any]:
    """The per-record metadata of one LicenseDB licence (scalars only)."""
    return {
        "tier": TIER,
        "key": entry.key,
        "name": entry.name,
        "spdx": entry.spdx,
        "category": entry.category,
        "other_names": "; ".join(entry.other_names),
    }


class LibraryStore(ChromaStore):
    """A :class:`ChromaStore` on the library collections; ``record_meta`` (doc id -> metadata, from
    :func:`record_metadata`) is added to every record upserted."""

    def __init__(
        self, client: Any, prefix: str = "licenseqa", location: str = "", settings: Settings | None = None
    ) -> None:
        super().__init__(client, prefix + LIBRARY_SUFFIX, location, settings)
        self.record_meta: Mapping[str, dict[str, Any]] = {}

    def extra_metadata(self, clause: Clause) -> dict[str, Any]:
        """The LicenseDB metadata of the clause's own text (a write may mix clauses of many texts)."""
        return dict(self.record_meta.get(clause.doc_id) or {"tier": TIER})


def open_library_store(settings: Settings, create: bool = False) -> LibraryStore:
    """The library store of the configured index (see :meth:`ChromaStore.open` for the errors)."""
    store = LibraryStore.open(settings, create=create)
    assert isinstance(store, LibraryStore)
    return store


def library_state(settings: Settings) -> IndexState | None:
    """The built library's state, or None when the index or the library is not built."""
    from licenseqa.errors import IndexMissingError

    try:
        return open_library_store(settings).read_state()
    except IndexMissingError:
        return None


BUILD_HINT = "Build it with `licenseqa library build` (all texts, several minutes) or `make library`."


@dataclass(frozen=True)
class LibraryStatus:
    """What the library tier holds: ``built`` False when no library was built (``message`` says how)."""

    built: bool
    location: str
    texts: int = 0
    clauses: int = 0
    built_at: str = ""
    embedding_model: str = ""
    data_version: str = ""  # of the bundled copy
    bundled_indexable: int = 0  # texts of the bundled copy the build can index
    changed: tuple[str, ...] = ()  # built keys whose bundled text differs from the indexed one
    message: str = ""


def library_status(settings: Settings) -> LibraryStatus:
    """The library's state against the bundled LicenseDB copy (no model load)."""
    from licenseqa.corpus.library import catalog

    library = catalog()
    location = settings.chroma_url or str(settings.index_dir)
    state = library_state(settings)
    common = {"data_version": library.version, "bundled_indexable": len(library.indexable())}
    if state is None:
        return LibraryStatus(
            False, location, message=f"The LicenseDB library is not built. {BUILD_HINT}", **common
        )
    changed = tuple(
        sorted(
            k for k, d in state.docs.items() if k in library.entries and library.entries[k].sha256 != d.digest
        )
    )
    message = (
        f"{len(changed)} library texts changed in the bundled data; run `licenseqa library build` to update."
        if changed
        else ""
    )
    return LibraryStatus(
        True,
        location,
        texts=len(state.docs),
        clauses=state.chunks_total,
        built_at=state.built_at,
        embedding_model=state.embedding_model,
        changed=changed,
        message=message,
        **common,
    )
