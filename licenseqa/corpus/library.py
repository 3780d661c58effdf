"""The library tier's source: every licence text of ScanCode LicenseDB, bundled offline.

Source chosen: a compressed copy of the LicenseDB texts shipped in the scancode-toolkit 32.5.0 wheel
(``data/licenses.tar.xz``, 2,615 ``<key>.LICENSE`` files, 2.3 MB; 24 MB unpacked), with a catalogue of
their front matter (``data/catalog.json``), the ``scancode-data.ABOUT`` file and the CC-BY-4.0 text.
Why not the alternatives: ``licensedcode-data`` 32.1.0 on PyPI holds 2,312 texts from 2024 and lacks the
newer model licences (Llama 3.1 and later); the ``scancode-toolkit`` wheel holds the same 2,615 texts but
pulls in the whole scanner and its native dependencies for data we only read. The copy is made once by a
maintainer (``licenseqa library pack DIR``, from ``../shared/data/scancode-licensedb``); nothing reads
``../shared`` at run time.

Data licence: CC-BY-4.0, "Copyright (c) nexB Inc. and others. All rights reserved. ScanCode is a trademark
of nexB Inc." (``ATTRIBUTION``; ``data/scancode-data.ABOUT``, ``data/cc-by-4.0.LICENSE``).

Shapes: :func:`catalog` -> :class:`Library` (``entries``: key -> :class:`LibraryEntry`, ``version``);
:func:`read_texts` yields :class:`LibraryText` (entry, body, first body line) for the keys asked, each
checked against the catalogue's SHA-256 (a mismatch is a :class:`LibraryDataError`).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import tarfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from licenseqa.corpus.documents import FRONT_MATTER_RE
from licenseqa.errors import CorpusError

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).parent / "data"
ARCHIVE = DATA_DIR / "licenses.tar.xz"
CATALOG = DATA_DIR / "catalog.json"
CATALOG_SCHEMA = 1
SOURCE_NAME = "ScanCode LicenseDB (scancode-toolkit 32.5.0)"
ATTRIBUTION = (
    "Licence texts from ScanCode LicenseDB, CC-BY-4.0: Copyright (c) nexB Inc. and others. "
    "All rights reserved. ScanCode is a trademark of nexB Inc."
)
# shown beside every citation of a library text (text, ask --json, chat, browser)
NOT_REVIEWED = "LicenseDB text, not reviewed by our legal team"
TIER = "library"


class LibraryDataError(CorpusError):
    """The bundled LicenseDB copy is missing, unreadable or does not match its catalogue."""


@dataclass(frozen=True)
class LibraryEntry:
    """One LicenseDB licence: its front matter fields the product uses, and the file's SHA-256."""

    key: str
    name: str
    short_name: str
    category: str
    spdx: str  # spdx_license_key ("" when none)
    other_spdx: tuple[str, ...]
    owner: str
    homepage_url: str
    sha256: str  # of the whole .LICENSE file (front matter and text)
    has_text: bool
    is_exception: bool = False
    is_deprecated: bool = False
    is_generic: bool = False
    is_unknown: bool = False

    @property
    def source(self) -> str:
        """Where the text comes from, as a citation shows it: ``licensedb/<key>.LICENSE``."""
        return f"licensedb/{self.key}.LICENSE"

    @property
    def other_names(self) -> tuple[str, ...]:
        """Names besides ``name`` the licence is known by: short name, SPDX ids, ``LicenseRef-scancode-*``."""
        names = [self.short_name, self.spdx, *self.other_spdx, f"LicenseRef-scancode-{self.key}"]
        out: list[str] = []
        for n in names:
            if n and n != self.name and n not in out:
                out.append(n)
        return tuple(out)

    @property
    def indexable(self) -> bool:
        """Whether the library build indexes it: a text of a real licence. Generic and unknown entries
        ("public-domain", "unknown-license-reference") are detection placeholders, and a deprecated key is
        replaced by another entry holding the same licence."""
        return self.has_text and not (self.is_deprecated or self.is_generic or self.is_unknown)


@dataclass(frozen=True)
class LibraryText:
    entry: LibraryEntry
    body: str  # the licence text after the front matter, verbatim
    first_line: int  # 1-based line of ``body``'s first line in the .LICENSE file


@dataclass(frozen=True, eq=False)  # hashed by identity (lru_cache of its name table)
class Library:
    version: str  # data version: the source and a digest of every file's SHA-256
    source: str
    entries: dict[str, LibraryEntry]

    def indexable(self) -> list[LibraryEntry]:
        return [e for e in self.entries.values() if e.indexable]


def _entry(key: str, meta: dict[str, Any], sha: str, has_text: bool) -> LibraryEntry:
    other = meta.get("other_spdx_license_keys") or []
    return LibraryEntry(
        key=key,
        name=str(meta.get("name") or meta.get("short_name") or key),
        short_name=str(meta.get("short_name") or ""),
        category=str(meta.get("category") or ""),
        spdx=str(meta.get("spdx_license_key") or ""),
        other_spdx=tuple(str(x) for x in other if x),
        owner=str(meta.get("owner") or ""),
        homepage_url=str(meta.get("homepage_url") or ""),
        sha256=sha,
        has_text=has_text,
        is_exception=bool(meta.get("is_exception")),
        is_deprecated=bool(meta.get("is_deprecated")),
        is_generic=bool(meta.get("is_generic")),
        is_unknown=bool(meta.get("is_unknown")),
    )


def split_license_file(raw: bytes, name: str) -> tuple[dict[str, Any], str, int]:
    """(front matter, body, first body line) of one ``.LICENSE`` file; :class:`LibraryDataError` if bad."""
    try:
        text = raw.decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise LibraryDataError(f"{name} is not UTF-8") from None
    match = FRONT_MATTER_RE.match(text)
    if not match:
        raise LibraryDataError(f"{name} has no front matter")
    try:
        meta = yaml.load(match.group(1), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        raise LibraryDataError(f"{name} has malformed front matter") from None
    if not isinstance(meta, dict) or not meta.get("key"):
        raise LibraryDataError(f"{name} has no key in its front matter")
    first_line = text[: match.end()].count("\n") + 1
    return meta, text[match.end() :], first_line


def data_version(entries: Iterable[LibraryEntry], source: str = SOURCE_NAME) -> str:
    digest = hashlib.sha256()
    for e in sorted(entries, key=lambda e: e.key):
        digest.update(f"{e.key}\0{e.sha256}\n".encode())
    return f"{source} {digest.hexdigest()[:12]}"


@lru_cache(maxsize=4)
def catalog(path: Path = CATALOG) -> Library:
    """The catalogue of the bundled copy (front matter of every entry, no texts)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LibraryDataError(
            f"The LicenseDB catalogue {path} is missing; reinstall the package "
            "or run `licenseqa library pack`."
        ) from None
    except (OSError, ValueError) as exc:
        raise LibraryDataError(f"The LicenseDB catalogue {path} cannot be read: {exc}") from None
    if data.get("schema") != CATALOG_SCHEMA:
        raise LibraryDataError(f"The LicenseDB catalogue {path} has unknown schema {data.get('schema')!r}")
    entries = {}
    for row in data["entries"]:
        row = dict(row)
        row["other_spdx"] = tuple(row.get("other_spdx") or ())
        entries[row["key"]] = LibraryEntry(**row)
    return Library(str(data["version"]), str(data["source"]), entries)


def read_texts(
    keys: Iterable[str] | None = None, archive: Path = ARCHIVE, library: Library | None = None
) -> Iterator[LibraryText]:
    """The texts of ``keys`` (default: every indexable entry), in key order, each checked against the
    catalogue's SHA-256. One pass over the archive (xz: about 1 s for all 2,615 files)."""
    library = library or catalog()
    wanted = sorted(set(keys) if keys is not None else {e.key for e in library.indexable()})
    unknown = [k for k in wanted if k not in library.entries]
    if unknown:
        raise LibraryDataError(f"Not LicenseDB keys: {', '.join(unknown[:10])}")
    names = {f"licenses/{k}.LICENSE": k for k in wanted}
    found: dict[str, bytes] = {}
    try:
        with tarfile.open(archive, "r:xz") as tar:
            for member in tar:
                key = names.get(member.name)
                if key is None or not member.isfile():
                    continue
                handle = tar.extractfile(member)
                if handle is not None:
                    found[key] = handle.read()
    except FileNotFoundError:
        raise LibraryDataError(
            f"The LicenseDB archive {archive} is missing; reinstall the package."
        ) from None
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise LibraryDataError(f"The LicenseDB archive {archive} cannot be read: {exc}") from None
    for key in wanted:
        raw = found.get(key)
        entry = library.entries[key]
        if raw is None:
            raise LibraryDataError(f"licenses/{key}.LICENSE is in the catalogue but not in {archive.name}")
        if hashlib.sha256(raw).hexdigest() != entry.sha256:
            raise LibraryDataError(
                f"licenses/{key}.LICENSE does not match the catalogue (SHA-256); "
                "re-run `licenseqa library pack`"
            )
        _, body, first_line = split_license_file(raw, f"{key}.LICENSE")
        yield LibraryText(entry, body, first_line)


def read_text(key: str) -> LibraryText:
    """One entry's text (:func:`read_texts` of one key)."""
    return next(read_texts([key]))


def pack(source_dir: Path, dest_dir: Path = DATA_DIR) -> Library:
    """Maintainers: make ``licenses.tar.xz`` and ``catalog.json`` from a LicenseDB folder holding
    ``licenses/*.LICENSE``, ``scancode-data.ABOUT`` and ``cc-by-4.0.LICENSE`` (``../shared/data/
    scancode-licensedb``). Deterministic: sorted members, zero times and owners."""
    licenses = sorted((source_dir / "licenses").glob("*.LICENSE"))
    if not licenses:
        raise LibraryDataError(f"No licenses/*.LICENSE files in {source_dir}")
    dest_dir.mkdir(parents=True, exist_ok=True)
    entries: dict[str, LibraryEntry] = {}
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:xz", preset=9) as tar:
        for path in licenses:
            raw = path.read_bytes()
            meta, body, _ = split_license_file(raw, path.name)
            key = str(meta["key"])
            if f"{key}.LICENSE" != path.name:
                raise LibraryDataError(f"{path.name} holds key {key!r}")
            entries[key] = _entry(key, meta, hashlib.sha256(raw).hexdigest(), bool(body.strip()))
            info = tarfile.TarInfo(f"licenses/{path.name}")
            info.size, info.mtime, info.mode = len(raw), 0, 0o644
            tar.addfile(info, io.BytesIO(raw))
    (dest_dir / ARCHIVE.name).write_bytes(buffer.getvalue())
    for extra in ("scancode-data.ABOUT", "cc-by-4.0.LICENSE"):
        if (source_dir / extra).is_file():
            (dest_dir / extra).write_bytes((source_dir / extra).read_bytes())
    version = data_version(entries.values())
    rows = []
    for e in entries.values():
        row = asdict(e)
        row["other_spdx"] = list(e.other_spdx)
        rows.append(row)
    head = json.dumps({"schema": CATALOG_SCHEMA, "source": SOURCE_NAME, "version": version})[:-1]
    body = ",\n".join(json.dumps(r, sort_keys=True, separators=(",", ":")) for r in rows)
    # one entry per line: a data update reads as a diff of the entries that changed
    (dest_dir / CATALOG.name).write_text(f'{head}, "entries": [\n{body}\n]}}\n', encoding="utf-8")
    catalog.cache_clear()
    return Library(version, SOURCE_NAME, entries)


_KEYISH = re.compile(r"^licenseref-scancode-", re.IGNORECASE)


def lookup(name: str, library: Library | None = None) -> LibraryEntry | None:
    """The entry whose key, SPDX id (or other SPDX id), ``LicenseRef-scancode-<key>``, name or short name
    is exactly ``name`` (case-insensitive), else None."""
    table = _name_table(library or catalog())
    return table.get(name.strip().lower())


@lru_cache(maxsize=4)
def _name_table(library: Library) -> dict[str, LibraryEntry]:
    table: dict[str, LibraryEntry] = {}
    # indexable entries win over deprecated / generic ones with the same name
    for entry in sorted(library.entries.values(), key=lambda e: (e.indexable, e.key)):
        for name in (entry.key, entry.name, *entry.other_names):
            table[name.lower()] = entry
    for name in list(table):
        stripped = _KEYISH.sub("", name)
        table.setdefault(stripped, table[name])
    return table


def held_keys(library: Library, names: Iterable[str]) -> set[str]:
    """LicenseDB keys of the licences the curated corpus holds: each corpus id, SPDX id and alias that is
    exactly an entry's key, SPDX id or name (:func:`lookup`)."""
    out: set[str] = set()
    for name in names:
        entry = lookup(name, library) if name else None
        if entry is not None:
            out.add(entry.key)
    return out


def search(query: str, library: Library | None = None, limit: int = 50) -> list[LibraryEntry]:
    """Entries whose key, name or other names contain ``query`` (case-insensitive), exact matches first,
    then by key; every indexable entry (by key) for an empty query. At most ``limit``."""
    library = library or catalog()
    q = query.strip().lower()
    entries = sorted(library.indexable(), key=lambda e: e.key)
    if not q:
        return entries[:limit]
    scored = []
    for e in entries:
        names = [n.lower() for n in (e.key, e.name, *e.other_names)]
        if any(q == n for n in names):
            scored.append((0, e.key, e))
        elif any(q in n for n in names):
            scored.append((1, e.key, e))
    return [e for _, _, e in sorted(scored, key=lambda x: (x[0], x[1]))][:limit]
