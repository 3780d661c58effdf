"""Licence keys known outside the corpus: the ScanCode LicenseDB index bundled in ``license-expression``.

Used to tell "a licence we do not hold" (a ScanCode key exists) from "a name we do not know", and to refuse
a document alias that is another licence's name or key (:func:`alias_conflicts`). The index
(``license_expression/data/scancode-licensedb-index.json``, CC-BY-4.0, nexB Inc. and others) lists each
``license_key`` with its SPDX key and category; it has no display names, so a name is matched by its words:
the key's words (without the version) must all occur among the name's words, the first word first, and a
version in the name must equal the key's.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

_VERSION = re.compile(r"^\d+(?:\.\d+)*$")
_NOISE = {"license", "licence", "licenses", "terms", "of", "use", "the", "public", "agreement"}


@dataclass(frozen=True)
class LicenseKey:
    key: str
    spdx: str
    category: str
    words: tuple[str, ...]
    version: str | None


@lru_cache(maxsize=1)
def licence_keys() -> tuple[LicenseKey, ...]:
    """Every key of the bundled ScanCode index (empty when the package carries no index)."""
    try:
        raw = (resources.files("license_expression") / "data" / "scancode-licensedb-index.json").read_text(
            encoding="utf-8"
        )
    except (OSError, ModuleNotFoundError):
        return ()
    out = []
    for entry in json.loads(raw):
        if entry.get("is_deprecated"):
            continue
        parts = [p for p in re.split(r"[-_]", entry["license_key"].lower()) if p]
        versions = [p for p in parts if _VERSION.match(p)]
        words = tuple(p for p in parts if not _VERSION.match(p) and p not in _NOISE)
        if words:
            out.append(
                LicenseKey(
                    entry["license_key"],
                    entry.get("spdx_license_key") or "",
                    entry.get("category") or "",
                    words,
                    versions[0] if versions else None,
                )
            )
    return tuple(out)


def keys_for_name(words: list[str], version: str | None) -> tuple[str, ...]:
    """ScanCode keys whose words match the licence name ``words`` (normalised, lower case) and ``version``."""
    name = [w for w in words if w not in _NOISE]
    if not name:
        return ()
    found = []
    for lk in licence_keys():
        if lk.words[0] != name[0] or not set(lk.words) <= set(name):
            continue
        if version is not None and lk.version is not None and version_key(lk.version) != version_key(version):
            continue
        found.append((len(lk.words), lk.key))
    best = max((n for n, _ in found), default=0)
    return tuple(sorted(k for n, k in found if n == best))[:5]


def version_key(version: str) -> str:
    """A version without trailing ``.0`` parts, so that ``2.0`` and ``2`` compare equal."""
    return re.sub(r"(\.0)+$", "", version)


_SCANCODE_REF = re.compile(r"^licenseref-scancode-", re.IGNORECASE)
# the "or later" grant of a licence is the same text as its "only" grant (one corpus document holds both)
_GRANT = re.compile(r"(?:-only|-or-later|\+|-plus)$")
_WITH = re.compile(r"(?:^|[\s_-])with(?:[\s_-]|$)", re.IGNORECASE)


def _canonical(name: str) -> str:
    return _GRANT.sub("", _SCANCODE_REF.sub("", name.strip().lower()))


def _lynx(name: str) -> str | None:
    """The licence ``name`` is the exact name, short name or key of (licenselynx's stable map: SPDX and
    ScanCode LicenseDB names), as a canonical key; ``None`` when it is none."""
    try:
        from licenselynx.licenselynx import LicenseLynx
    except ImportError:  # pragma: no cover - install problem
        return None
    found = LicenseLynx.map(name)
    return _canonical(found.id) if found is not None else None


def keys_named(name: str) -> tuple[str, ...]:
    """Keys of the bundled index whose words are exactly the words of ``name`` (noise words such as
    "license" and the version aside; a version on both sides must agree): "Tongyi Qianwen License" ->
    ``tongyi-qianwen-2023``. Stricter than :func:`keys_for_name`, which accepts extra words in the name."""
    from licenseqa.knowledge.vocabulary import normalise_text

    words = normalise_text(name).replace("-", " ").split()
    versions = [w.removeprefix("v") for w in words if _VERSION.match(w.removeprefix("v"))]
    plain = {w for w in words if not _VERSION.match(w.removeprefix("v")) and w not in _NOISE}
    if not plain:
        return ()
    version = versions[0] if versions else None
    return tuple(
        lk.key
        for lk in licence_keys()
        if set(lk.words) == plain
        and (version is None or lk.version is None or version_key(lk.version) == version_key(version))
    )


def alias_conflicts(meta: dict[str, Any]) -> list[str]:
    """Aliases of one document's front matter that name another licence: the exact name, short name or
    key of a different SPDX / LicenseDB licence (licenselynx), or the words of a different LicenseDB key
    (:func:`keys_named`). The document's own names are its id, ``spdx`` and title and what they map to;
    an "or later" grant counts as the same licence, and an alias naming a combination ("X WITH Y") is
    not a single licence's name."""
    aliases = meta.get("aliases") or []
    if not isinstance(aliases, list):
        return []
    spdx_of = {lk.key: lk.spdx for lk in licence_keys()}
    own = {_canonical(str(meta.get(k) or "")) for k in ("id", "spdx")} - {""}
    for name in (meta.get("id"), meta.get("spdx"), meta.get("title")):
        found = _lynx(str(name)) if isinstance(name, str) and name.strip() else None
        if found:
            own.add(found)
    own |= {_canonical(k) for k, s in spdx_of.items() if s and _canonical(s) in own}
    problems: list[str] = []
    for alias in aliases:
        if not isinstance(alias, str) or not alias.strip() or _WITH.search(alias):
            continue
        found = _lynx(alias)
        if found is not None:
            others = [] if found in own else [found]
        else:
            keys = keys_named(alias)
            others = (
                []
                if any(_canonical(k) in own or _canonical(spdx_of.get(k, "")) in own for k in keys)
                else list(keys)
            )
        if others:
            problems.append(
                f"alias {alias!r} is the name of another licence ({', '.join(others)} in SPDX / ScanCode "
                f"LicenseDB), not of {meta.get('id')!r}: remove it or give the document that licence's text"
            )
    return problems
