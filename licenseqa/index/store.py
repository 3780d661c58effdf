"""Chroma adapter: the only module that talks to Chroma.

Layout. One small *state* collection holds, in its metadata, the JSON state of
the index: which clauses collection is active, the embedding model that built
it, the corpus version, and for every document its content hash and source. The
active *clauses* collection holds one record per clause, tagged with
``doc_key = "<doc_id>@<hash>"``. Readers only see clauses whose ``doc_key`` is
in the state, so a document switches from its previous to its new content in
one atomic metadata write, and chunks written by an interrupted ingest stay
invisible until the next run completes or removes them.

Why not LangChain's ``Chroma`` vector store and indexing API: the indexing API
keeps its record manager in a separate database, so a crash between the two
writes can show a document's old and new chunks side by side, and its
``incremental`` clean-up cannot hide them atomically; ``Chroma.add_texts`` embeds
the stored text, while we embed the clause *with* its title/section header and
store the clause verbatim. The chromadb client gives both directly. Embeddings
still come through LangChain (``langchain-huggingface``), see ``embeddings.py``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from licenseqa.config import Settings
from licenseqa.errors import IndexCorruptError, IndexMissingError, IndexModelMismatchError, StoreError
from licenseqa.models import Clause

log = logging.getLogger(__name__)

STATE_SCHEMA = 1


def doc_key(doc_id: str, digest: str) -> str:
    """Identifies one version of one document in the index (its clauses carry it)."""
    return f"{doc_id}@{digest[:16]}"


@dataclass(frozen=True)
class DocState:
    doc_id: str
    digest: str
    source: str
    title: str
    kind: str
    chunks: int
    aliases: list[str] = field(default_factory=list)
    spdx: str = ""
    versions: list[str] = field(default_factory=list)  # front matter ``versions``: the model versions covered

    @property
    def key(self) -> str:
        return doc_key(self.doc_id, self.digest)


@dataclass(frozen=True)
class IndexState:
    collection: str
    embedding_model: str
    corpus_version: str
    built_at: str
    docs: dict[str, DocState] = field(default_factory=dict)
    splitter_version: int = 0
    # the backend that computed the vectors (licenseqa.index.embeddings); states written before it was
    # recorded were all built by sentence-transformers on torch
    encoder: str = "torch"

    @property
    def live_keys(self) -> list[str]:
        return sorted(d.key for d in self.docs.values())

    @property
    def chunks_total(self) -> int:
        return sum(d.chunks for d in self.docs.values())

    def check_model(self, configured: str, encoder: str = "torch") -> None:
        """Raise :class:`IndexModelMismatchError` unless the index was embedded with ``configured``
        (a canonical model name) on ``encoder`` (a backend of ``licenseqa.config.EMBEDDING_BACKENDS``):
        query vectors from another encoder are close but not the vectors the index was built from."""
        if self.embedding_model != configured or self.encoder != encoder:
            raise IndexModelMismatchError(
                f"The index was built with {self.embedding_model} (encoder {self.encoder}) but "
                f"{configured} (encoder {encoder}) is configured. Rebuild it with `licenseqa ingest`."
            )

    def to_json(self) -> str:
        data = asdict(self)
        data["schema"] = STATE_SCHEMA
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> IndexState:
        data = json.loads(text)
        if data.get("schema") != STATE_SCHEMA:
            raise ValueError(f"unknown state schema {data.get('schema')!r}")
        docs = {k: DocState(**v) for k, v in data["docs"].items()}
        return cls(
            collection=data["collection"],
            embedding_model=data["embedding_model"],
            corpus_version=data["corpus_version"],
            built_at=data["built_at"],
            docs=docs,
            splitter_version=int(data.get("splitter_version", 0)),
            encoder=str(data.get("encoder", "torch")),
        )


def clause_metadata(clause: Clause, doc_key: str) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "doc_id": clause.doc_id,
        "doc_key": doc_key,
        "title": clause.title,
        "kind": clause.kind,
        "source": clause.source,
        "start_line": clause.start_line,
        "end_line": clause.end_line,
        "part": clause.part,
        "parts": clause.parts,
    }
    if clause.section is not None:
        meta["section"] = clause.section
    if clause.heading is not None:
        meta["heading"] = clause.heading
    if clause.page is not None:
        meta["page"] = clause.page
    return meta


def clause_from_record(text: str, meta: dict[str, Any]) -> Clause:
    return Clause(
        doc_id=str(meta["doc_id"]),
        title=str(meta["title"]),
        kind=str(meta["kind"]),
        section=meta.get("section"),
        heading=meta.get("heading"),
        text=text,
        source=str(meta["source"]),
        start_line=int(meta["start_line"]),
        end_line=int(meta["end_line"]),
        part=int(meta.get("part", 0)),
        parts=int(meta.get("parts", 1)),
        page=int(meta["page"]) if meta.get("page") is not None else None,
        tier=str(meta.get("tier") or "corpus"),
    )


def clause_id(doc_key: str, index: int) -> str:
    return f"{doc_key}#{index}"


class ChromaStore:
    """Clause storage in Chroma (embedded ``PersistentClient`` or a server via ``HttpClient``)."""

    def __init__(
        self, client: Any, prefix: str = "licenseqa", location: str = "", settings: Settings | None = None
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.location = location
        self.settings = settings
        self._state_name = f"{prefix}-state"
        self._collections: dict[str, Any] = {}

    # -- construction ---------------------------------------------------------
    def fresh(self) -> ChromaStore:
        """A store that sees what another process wrote since this one was opened.

        An embedded Chroma client caches its vector index per folder and process; after an
        ingest in another process (the app's "build/update index" button, `licenseqa ingest`) that
        cache is stale. Dropping chromadb's per-process cache makes the next client load the
        index from disk; clients already handed out keep working on their own copy.
        """
        if self.settings is None or self.settings.chroma_url:
            return self
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
        return type(self).open(self.settings)  # the same kind of store (corpus or library)

    @classmethod
    def open(cls, settings: Settings, create: bool = False) -> ChromaStore:
        """Open the configured store. ``create=False`` never creates an empty index."""
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if settings.chroma_url:
            url = urlparse(settings.chroma_url)
            if url.scheme not in ("http", "https") or not url.hostname:
                from licenseqa.errors import ConfigError

                raise ConfigError(
                    f"LICENSEQA_CHROMA_URL must look like http://host:port, got {settings.chroma_url!r}"
                )
            try:
                client = chromadb.HttpClient(
                    host=url.hostname,
                    port=url.port or (443 if url.scheme == "https" else 8000),
                    ssl=url.scheme == "https",
                    settings=chroma_settings,
                )
                client.heartbeat()
            except Exception as exc:  # noqa: BLE001 - any connection failure
                raise StoreError(
                    f"Cannot reach the Chroma server at {settings.chroma_url}: {exc}. "
                    "Start it (chroma run --path DIR) or unset LICENSEQA_CHROMA_URL."
                ) from None
            return cls(client, settings.collection, settings.chroma_url, settings)
        path = Path(settings.index_dir)
        if not create and not path.is_dir():
            raise IndexMissingError(f"No index at {path}. Build it with `licenseqa ingest` (or `make run`).")
        if path.exists() and not path.is_dir():
            raise IndexCorruptError(f"The index path {path} is a file, not a folder. Remove it and rebuild.")
        try:
            path.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
        except Exception as exc:  # noqa: BLE001
            raise IndexCorruptError(
                f"The index at {path} cannot be opened ({exc}). "
                "Rebuild it: delete the folder and run `licenseqa ingest`."
            ) from None
        return cls(client, settings.collection, str(path), settings)

    # -- state ----------------------------------------------------------------
    def read_state(self) -> IndexState | None:
        try:
            names = self.collection_names()
            if self._state_name not in names:
                return None
            meta = self.client.get_collection(self._state_name).metadata or {}
        except Exception as exc:  # noqa: BLE001
            raise IndexCorruptError(
                f"The index at {self.location} cannot be read ({exc}). "
                "Rebuild it with `licenseqa ingest --rebuild`."
            ) from None
        raw = meta.get("state")
        if not raw:
            return None
        try:
            return IndexState.from_json(str(raw))
        except (ValueError, KeyError, TypeError) as exc:
            raise IndexCorruptError(
                f"The index state at {self.location} is unreadable ({exc}). "
                "Rebuild it with `licenseqa ingest --rebuild`."
            ) from None

    def require_state(self) -> IndexState:
        state = self.read_state()
        if state is None:
            raise IndexMissingError(
                f"The index at {self.location} is empty. Build it with `licenseqa ingest` (or `make run`)."
            )
        return state

    def write_state(self, state: IndexState) -> None:
        """Switch readers to ``state`` in one metadata write."""
        col = self.client.get_or_create_collection(self._state_name)
        col.modify(metadata={"state": state.to_json(), "updated": time.time()})

    # -- collections ----------------------------------------------------------
    def collection_names(self) -> list[str]:
        cols = self.client.list_collections()
        return [c if isinstance(c, str) else c.name for c in cols]

    def clause_collections(self) -> list[str]:
        return [n for n in self.collection_names() if n.startswith(f"{self.prefix}-clauses-")]

    def new_collection_name(self) -> str:
        return f"{self.prefix}-clauses-{time.strftime('%Y%m%d%H%M%S')}-{time.time_ns() % 1_000_000:06d}"

    def _collection(self, name: str) -> Any:
        col = self._collections.get(name)
        if col is None:
            col = self.client.get_or_create_collection(name, configuration={"hnsw": {"space": "cosine"}})
            self._collections[name] = col
        return col

    def drop_collection(self, name: str) -> None:
        self._collections.pop(name, None)
        try:
            self.client.delete_collection(name)
        except Exception as exc:  # noqa: BLE001 - already gone is fine
            log.debug("could not drop %s: %s", name, exc)

    # -- writes ---------------------------------------------------------------
    def upsert(
        self,
        collection: str,
        doc_key: str,
        clauses: Sequence[Clause],
        embeddings: Sequence[Sequence[float]],
        offset: int = 0,
    ) -> None:
        self.upsert_records(collection, [(doc_key, offset + i, c) for i, c in enumerate(clauses)], embeddings)

    def upsert_records(
        self,
        collection: str,
        records: Sequence[tuple[str, int, Clause]],
        embeddings: Sequence[Sequence[float]],
    ) -> None:
        """Write clauses of any documents in one call: ``(doc_key, clause index, clause)`` per record."""
        if not records:
            return
        self._collection(collection).upsert(
            ids=[clause_id(key, n) for key, n, _ in records],
            embeddings=[list(v) for v in embeddings],
            documents=[c.text for _, _, c in records],
            metadatas=[{**clause_metadata(c, key), **self.extra_metadata(c)} for key, _, c in records],
        )

    def extra_metadata(self, clause: Clause) -> dict[str, Any]:
        """Metadata a tier adds to every record of ``clause``'s document (none for the corpus)."""
        return {}

    def record_keys(self, collection: str) -> dict[str, str]:
        """id -> doc_key of every record in ``collection``."""
        got = self._collection(collection).get(include=["metadatas"])
        return {
            i: str((m or {}).get("doc_key", ""))
            for i, m in zip(got["ids"], got["metadatas"] or [], strict=False)
        }

    def delete_ids(self, collection: str, ids: Iterable[str]) -> None:
        ids = list(ids)
        col = self._collection(collection)
        for start in range(0, len(ids), 500):
            col.delete(ids=ids[start : start + 500])

    # -- reads ----------------------------------------------------------------
    def live_vectors(
        self, state: IndexState, embeddings: bool = True
    ) -> list[tuple[str, Clause, list[float] | None]]:
        """(record id, clause, stored vector) of every live clause, in document and line order."""
        include = ["documents", "metadatas", *(["embeddings"] if embeddings else [])]
        try:
            got = self._collection(state.collection).get(
                where={"doc_key": {"$in": state.live_keys}}, include=include
            )
        except Exception as exc:  # noqa: BLE001
            raise StoreError(f"The index cannot be read: {exc}") from None
        vectors = got.get("embeddings") if embeddings else None
        if vectors is None:
            vectors = [None] * len(got["ids"])
        records = [
            (i, clause_from_record(t or "", dict(m or {})), v)
            for i, t, m, v in zip(got["ids"], got["documents"], got["metadatas"], vectors, strict=True)
        ]
        records.sort(key=lambda r: (r[1].doc_id, r[1].start_line, r[1].part))
        return records

    def live_clauses(self, state: IndexState) -> list[Clause]:
        """Every clause of the documents in ``state``, in document and line order."""
        return [c for _, c, _ in self.live_vectors(state, embeddings=False)]
