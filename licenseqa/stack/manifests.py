"""Dependency manifests and model cards: what they declare, read with the formats' own libraries.

- ``requirements.txt``: each requirement through ``packaging.requirements`` (PEP 508); pip options and
  comments are skipped. No licence in the file, so every entry is "needs review" (never fetched).
- ``pyproject.toml`` (``tomllib``): PEP 621 ``dependencies`` and ``optional-dependencies``; the project's own
  ``license`` (PEP 639) is the product's, not a component's.
- An installed environment (``importlib.metadata``): ``License-Expression`` (PEP 639), else the legacy
  ``License`` field and the ``License ::`` classifiers as candidate spellings of one licence.
- ``package.json`` (dependencies without licences) and ``package-lock.json`` v2/v3 (a ``license`` per
  ``packages`` entry; ``dev`` entries are not shipped and are left out, counted in the notes).
- Hugging Face model and dataset cards (``README.md`` YAML front matter through ``huggingface_hub``'s
  ``ModelCard`` / ``DatasetCard``, offline): ``license`` (``other`` -> ``license_name``), ``license_link``,
  ``base_model`` and ``datasets`` (upstream components whose licences the card does not give).
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from licenseqa.stack.model import Component, Inventory, StackInputError

log = logging.getLogger(__name__)

LONG_LICENSE_FIELD = 200  # a legacy License field longer than this is the whole licence text, not a name


# -- Python ----------------------------------------------------------------------------------------
def _requirement(line: str, name: str) -> Component | None:
    from packaging.requirements import InvalidRequirement, Requirement

    text = line.split(" #", 1)[0].strip()
    if not text or text.startswith(("#", "-")):
        return None
    try:
        req = Requirement(text)
    except InvalidRequirement as exc:
        raise StackInputError(f"{name}: {text!r} is not a valid requirement ({exc}).") from None
    pinned = [s.version for s in req.specifier if s.operator in ("==", "===")]
    version = pinned[0] if pinned else (str(req.specifier) or None)
    return Component(
        name=req.name,
        version=version,
        purl=f"pkg:pypi/{req.name.lower()}" + (f"@{pinned[0]}" if pinned else ""),
        source=name,
    )


def read_requirements(text: str, name: str) -> Inventory:
    """``requirements.txt`` -> Inventory (no licences: every entry needs review)."""
    joined = text.replace("\\\n", " ")
    components = [c for line in joined.splitlines() if (c := _requirement(line, name))]
    return Inventory(components=tuple(components), formats=("requirements.txt",), notes=_no_licence(name))


def read_pyproject(text: str, name: str) -> Inventory:
    """``pyproject.toml`` (PEP 621) -> Inventory of its dependencies (no licences in the file)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StackInputError(f"{name} is not valid TOML ({exc}).") from None
    project = data.get("project")
    if not isinstance(project, dict):
        raise StackInputError(f"{name} has no [project] table (PEP 621), so it lists no dependencies.")
    lines: list[str] = list(project.get("dependencies") or [])
    for extra in (project.get("optional-dependencies") or {}).values():
        lines.extend(extra)
    components = [c for line in lines if (c := _requirement(str(line), name))]
    return Inventory(
        components=tuple(components), formats=("pyproject.toml (PEP 621)",), notes=_no_licence(name)
    )


def read_environment(paths: list[str] | None, label: str) -> Inventory:
    """The distributions installed on ``paths`` (``None``: this interpreter's ``sys.path``)."""
    components = []
    for dist in metadata.distributions(**({"path": paths} if paths is not None else {})):
        meta = dist.metadata
        dist_name = meta["Name"]
        if not dist_name:
            continue
        candidates: list[str] = []
        expression = meta.get("License-Expression")
        if expression:
            candidates.append(expression.strip())
        else:
            legacy = (meta.get("License") or "").strip()
            if legacy and len(legacy) <= LONG_LICENSE_FIELD and "\n" not in legacy:
                candidates.append(legacy)
            candidates.extend(c for c in meta.get_all("Classifier") or [] if c.startswith("License ::"))
        components.append(
            Component(
                name=dist_name,
                version=meta["Version"],
                purl=f"pkg:pypi/{dist_name.lower()}@{meta['Version']}",
                declared=tuple(candidates),
                declared_kind=("expression" if expression else "candidates") if candidates else "none",
                source=label,
            )
        )
    components.sort(key=lambda c: c.name.lower())
    return Inventory(components=tuple(components), formats=("installed Python environment",))


# -- npm -------------------------------------------------------------------------------------------
def read_package_json(data: dict[str, Any], name: str) -> Inventory:
    """``package.json`` -> Inventory of ``dependencies``, ``optionalDependencies``, ``peerDependencies``."""
    components = []
    for section in ("dependencies", "optionalDependencies", "peerDependencies"):
        for dep, spec in (data.get(section) or {}).items():
            components.append(Component(name=dep, version=str(spec), purl=f"pkg:npm/{dep}", source=name))
    notes = list(_no_licence(name))
    dev = len(data.get("devDependencies") or {})
    if dev:
        notes.append(f"{name}: {dev} devDependencies are build tools, not shipped; not checked.")
    return Inventory(components=tuple(components), formats=("package.json",), notes=tuple(notes))


def read_package_lock(data: dict[str, Any], name: str) -> Inventory:
    """``package-lock.json`` v2 / v3 -> Inventory with the licence each ``packages`` entry embeds."""
    version = data.get("lockfileVersion")
    packages = data.get("packages")
    if version not in (2, 3) or not isinstance(packages, dict):
        raise StackInputError(
            f"{name}: package-lock lockfileVersion {version!r} has no per-package licences; "
            "regenerate it with npm 7 or later (lockfileVersion 2 or 3)."
        )
    components = []
    dev = 0
    for path, entry in packages.items():
        if not path or not isinstance(entry, dict):
            continue  # "" is the product itself
        if entry.get("dev") or entry.get("devOptional"):
            dev += 1
            continue
        package = entry.get("name") or path.rsplit("node_modules/", 1)[-1]
        licence = entry.get("license")
        if isinstance(licence, dict):  # old style {"type": "MIT"}
            licence = licence.get("type")
        declared = (str(licence),) if licence else ()
        components.append(
            Component(
                name=package,
                version=entry.get("version"),
                purl=f"pkg:npm/{package}@{entry.get('version')}" if entry.get("version") else None,
                declared=declared,
                declared_kind="expression" if declared else "none",
                ref=path,
                source=name,
            )
        )
    notes = (f"{name}: {dev} development-only packages are not shipped; not checked.",) if dev else ()
    return Inventory(components=tuple(components), formats=(f"package-lock.json v{version}",), notes=notes)


# -- Hugging Face cards ----------------------------------------------------------------------------
DATASET_KEYS = {"task_categories", "size_categories", "dataset_info", "configs", "source_datasets"}


def read_card(text: str, name: str) -> Inventory:
    """A model or dataset card -> the model / dataset itself plus its ``base_model`` and ``datasets``."""
    from huggingface_hub import DatasetCard, ModelCard

    try:
        card: Any = ModelCard(text, ignore_metadata_errors=True)
        meta = card.data.to_dict()
        if DATASET_KEYS & set(meta):
            card = DatasetCard(text, ignore_metadata_errors=True)
            meta = card.data.to_dict()
    except (ValueError, TypeError, yaml.YAMLError) as exc:
        detail = " ".join(str(exc).split())[:200]
        raise StackInputError(f"{name}: the card's YAML front matter cannot be read ({detail}).") from None
    is_dataset = bool(DATASET_KEYS & set(meta))
    licence = meta.get("license")
    if isinstance(licence, list):
        licence = " AND ".join(str(x) for x in licence)
    declared: tuple[str, ...] = ()
    extra: list[tuple[str, str]] = []
    if licence and str(licence).lower() == "other":
        if meta.get("license_name"):
            declared = (str(meta["license_name"]),)
        extra.append(("license", "other"))
    elif licence:
        declared = (str(licence),)
    if meta.get("license_link"):
        extra.append(("license_link", str(meta["license_link"])))
    title = meta.get("pretty_name") or meta.get("model_name") or Path(name).parent.name or Path(name).stem
    main = Component(
        name=str(title),
        declared=declared,
        declared_kind="expression" if declared else "none",
        kind="data" if is_dataset else "machine-learning-model",
        source=name,
        extra=tuple(extra),
    )
    upstream = [
        Component(name=str(m), kind="machine-learning-model", source=name, extra=(("role", "base_model"),))
        for m in _as_list(meta.get("base_model"))
    ] + [
        Component(name=str(d), kind="data", source=name, extra=(("role", "training dataset"),))
        for d in _as_list(meta.get("datasets"))
    ]
    label = "Hugging Face dataset card" if is_dataset else "Hugging Face model card"
    notes = (
        (f"{name}: the card does not give the licences of its base models and datasets; they need review.",)
        if upstream
        else ()
    )
    return Inventory(components=(main, *upstream), formats=(label,), notes=notes)


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    return list(value) if isinstance(value, Iterable) and not isinstance(value, str) else [value]


def _no_licence(name: str) -> tuple[str, ...]:
    return (f"{name}: the file gives no licences; each entry needs review (nothing is fetched).",)
