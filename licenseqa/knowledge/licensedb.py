"""Licence keys known outside the corpus: the ScanCode LicenseDB index bundled in ``license-expression``.

Used to tell "a licence we do not hold" (a ScanCode key exists) from "a name we do not know". The index
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
