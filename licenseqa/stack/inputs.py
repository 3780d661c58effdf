"""Input files -> one :class:`~licenseqa.stack.model.Inventory`: format detection, limits, duplicates.

Detection looks at the content first (``bomFormat``, ``spdxVersion``, an SPDX 3 ``@context``,
``lockfileVersion``, a CycloneDX XML namespace, ``SPDXVersion:`` tag-value, YAML front matter) and at the
file name only where the content cannot tell (``pyproject.toml``, ``package.json``, ``requirements*.txt``).
A directory is read as an installed Python environment (its ``*.dist-info``).

Limits: a file over :data:`MAX_BYTES` (50 MB) is refused before it is read; an empty file, text that is
not UTF-8, invalid JSON / XML / TOML, a valid document of an unknown or wrong schema each raise
:class:`~licenseqa.stack.model.StackInputError` naming the file. Components listed more than once (same
name, version and purl) are counted once, with a note.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from licenseqa.stack import manifests, sbom
from licenseqa.stack.model import Component, Inventory, StackInputError

log = logging.getLogger(__name__)

MAX_BYTES = 50 * 1024 * 1024


def read_inputs(paths: Iterable[str | Path]) -> Inventory:
    """Read every file (or environment directory) and merge them; the first error stops the read."""
    parts = [read_path(Path(p)) for p in paths]
    if not parts:
        raise StackInputError("No input file given.")
    return merge(parts)


def read_path(path: Path) -> Inventory:
    """One file or directory -> Inventory."""
    if path.is_dir():
        return manifests.read_environment(_site_dirs(path), str(path))
    if not path.is_file():
        raise StackInputError(f"{path} does not exist or is not a file.")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise StackInputError(
            f"{path} is {size / 1024 / 1024:.1f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB. "
            "Split the SBOM (e.g. one per service) and check the parts."
        )
    return read_bytes(path.read_bytes(), str(path))


def read_bytes(raw: bytes, name: str) -> Inventory:
    """The content of one file (as uploaded or read) -> Inventory; ``name`` is used for detection and
    messages."""
    if len(raw) > MAX_BYTES:
        raise StackInputError(f"{name} is over the {MAX_BYTES // 1024 // 1024} MB limit.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StackInputError(f"{name} is not UTF-8 text; SBOMs and manifests must be UTF-8.") from None
    if not text.strip():
        raise StackInputError(f"{name} is empty.")
    inventory = merge([_dispatch(text, name)])
    if not inventory.components:
        note = f"{name} lists no components."
        inventory = replace(inventory, notes=(*inventory.notes, note))
    return inventory


def _dispatch(text: str, name: str) -> Inventory:
    stripped = text.lstrip()
    lower = Path(name).name.lower()
    if lower.endswith(".toml"):
        return manifests.read_pyproject(text, name)
    if stripped.startswith(("{", "[")):
        data = sbom.decode_json(text, name)
        return _dispatch_json(data, name, lower)
    if stripped.startswith("<"):
        return sbom.read_cyclonedx_xml(text, name)
    if stripped.startswith("---"):
        return manifests.read_card(text, name)
    if any(line.startswith("SPDXVersion:") for line in stripped.splitlines()[:50]):
        return sbom.read_spdx2(text, None, name)
    if lower.endswith(".txt") or lower.startswith("requirements"):
        return manifests.read_requirements(text, name)
    raise StackInputError(
        f"{name}: unknown format. Supported: CycloneDX JSON/XML 1.2-1.6, SPDX 2.2/2.3 JSON or tag-value, "
        "SPDX 3.0 JSON-LD, requirements.txt, pyproject.toml, package.json, package-lock.json, "
        "a Hugging Face model or dataset card (README.md), an environment folder."
    )


def _dispatch_json(data: Any, name: str, lower: str) -> Inventory:
    if not isinstance(data, dict):
        raise StackInputError(f"{name}: a JSON {type(data).__name__}, not an SBOM or manifest object.")
    if data.get("bomFormat") == "CycloneDX":
        return sbom.read_cyclonedx_json(data, name)
    if str(data.get("spdxVersion", "")).startswith("SPDX-2"):
        return sbom.read_spdx2("", data, name)
    context = data.get("@context")
    if isinstance(context, str | list) and "spdx" in str(context).lower():
        return sbom.read_spdx3(data, name)
    if "lockfileVersion" in data:
        return manifests.read_package_lock(data, name)
    if lower.endswith("package.json") or ("name" in data and "dependencies" in data):
        return manifests.read_package_json(data, name)
    raise StackInputError(
        f"{name}: a JSON file, but not CycloneDX (no bomFormat), SPDX (no spdxVersion / @context) or an "
        "npm manifest."
    )


def _site_dirs(path: Path) -> list[str]:
    if any(path.glob("*.dist-info")):
        return [str(path)]
    found = sorted(str(p) for p in path.glob("lib/python*/site-packages"))
    if not found:
        raise StackInputError(
            f"{path} is a folder without installed distributions (*.dist-info) or lib/python*/site-packages."
        )
    return found


def merge(parts: list[Inventory]) -> Inventory:
    """Concatenate inventories, keeping the first of components with the same name, version and purl."""
    seen: dict[tuple[str, str | None, str | None], Component] = {}
    duplicates: list[str] = []
    for part in parts:
        for component in part.components:
            key = (component.name, component.version, component.purl)
            if key in seen:
                duplicates.append(component.key)
                continue
            seen[key] = component
    notes = [n for part in parts for n in part.notes]
    if duplicates:
        shown = ", ".join(sorted(set(duplicates))[:5])
        notes.append(
            f"{len(duplicates)} duplicate component entries were counted once ({shown}"
            + (", ..." if len(set(duplicates)) > 5 else "")
            + ")."
        )
    return Inventory(
        components=tuple(seen.values()),
        formats=tuple(f for part in parts for f in part.formats),
        dependencies=tuple(d for part in parts for d in part.dependencies),
        notes=tuple(notes),
    )
