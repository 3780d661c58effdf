"""SBOM readers: CycloneDX JSON / XML 1.2-1.6 and SPDX 2.2 / 2.3 / 3.0, each through the format's own library.

- CycloneDX: validated against the schema bundled in ``cyclonedx-python-lib`` first, then deserialised by it
  (``Bom.from_json`` / ``Bom.from_xml``); XML is parsed by ``defusedxml`` (no DTD, so no entity expansion)
  before anything else sees it.
- SPDX 2.x: ``spdx-tools`` (JSON and tag-value); the concluded licence wins, else the declared one.
- SPDX 3.0 JSON-LD: ``spdx-python-model``; licences live in ``hasConcludedLicense`` /
  ``hasDeclaredLicense`` relationships from the package to a licence expression.

Every reader returns an :class:`~licenseqa.stack.model.Inventory` or raises
:class:`~licenseqa.stack.model.StackInputError` with a message naming the file.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from licenseqa.stack.model import Component, Inventory, StackInputError

log = logging.getLogger(__name__)

CYCLONEDX_VERSIONS = ("1.2", "1.3", "1.4", "1.5", "1.6")
NO_LICENSE = {"NOASSERTION", "NONE", ""}


# -- CycloneDX -------------------------------------------------------------------------------------
def _schema_version(spec: str, name: str) -> Any:
    from cyclonedx.schema import SchemaVersion

    if spec not in CYCLONEDX_VERSIONS:
        raise StackInputError(
            f"{name}: CycloneDX spec version {spec!r} is not supported; use one of "
            + ", ".join(CYCLONEDX_VERSIONS)
            + "."
        )
    return SchemaVersion.from_version(spec)


def _unique_items(validator: Any, unique: bool, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
    """``uniqueItems`` in O(n): items compared by their canonical JSON text instead of pairwise.

    ``jsonschema`` compares unhashable items (every component is an object) pair by pair: 350,000
    comparisons and most of the time for juice-shop's 840 components. Canonical JSON text is equal
    exactly when the items are equal JSON values (except ``1`` vs ``1.0``, which SBOM arrays do not hold).
    """
    from jsonschema.exceptions import ValidationError

    if not unique or not validator.is_type(instance, "array"):
        return
    seen: set[str] = set()
    for item in instance:
        text = json.dumps(item, sort_keys=True, separators=(",", ":"))
        if text in seen:
            yield ValidationError(f"{_short(text, 80)} is listed more than once (uniqueItems)")
            return
        seen.add(text)


_ENUMS: dict[int, tuple[list[Any], frozenset[str]]] = {}


def _enum(validator: Any, enums: list[Any], instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
    """``enum`` of strings by set membership (the SPDX licence-id enum has 700 entries, checked one by
    one by ``jsonschema``); anything else goes to the library keyword."""
    from jsonschema._keywords import enum as library_enum
    from jsonschema.exceptions import ValidationError

    if not isinstance(instance, str):
        yield from library_enum(validator, enums, instance, schema)
        return
    cached = _ENUMS.get(id(enums))
    if cached is None or cached[0] is not enums:
        cached = (enums, frozenset(e for e in enums if isinstance(e, str)))
        _ENUMS[id(enums)] = cached
    if instance not in cached[1]:
        yield ValidationError(f"{instance!r} is not one of the values the schema allows")


@lru_cache(maxsize=8)
def _json_validator(spec: str) -> Any:
    """The library's strict JSON schema and registry, with three checks made fast.

    - ``iri-reference`` / ``iri``: ``jsonschema`` checks them through ``rfc3987-syntax``, an Earley parser
      that takes about 0.2 s per URL (48 s for laravel's 268 URLs, measured); here they are checked as
      RFC 3986 references by ``rfc3986-validator`` (a regular expression from the same
      ``jsonschema[format-nongpl]`` set).
    - ``uniqueItems`` and ``enum``: see :func:`_unique_items` and :func:`_enum`.

    The schema, its ``$ref`` registry and every other keyword and format stay the library's.
    """
    from cyclonedx.validation.json import JsonStrictValidator
    from jsonschema import FormatChecker
    from jsonschema.validators import Draft7Validator, extend
    from referencing import Registry
    from referencing.jsonschema import DRAFT7
    from rfc3986_validator import validate_rfc3986

    library = JsonStrictValidator(_schema_version(spec, "SBOM"))._validator  # the library's Draft7Validator
    names = [f for f in Draft7Validator.FORMAT_CHECKER.checkers if f not in ("iri", "iri-reference")]
    checker = FormatChecker(formats=names)

    library_checks = Draft7Validator.FORMAT_CHECKER.checkers

    def _slow(fmt: str, value: str) -> bool:  # the library's own check, for what the fast one refuses
        func, raises = library_checks[fmt]
        try:
            return bool(func(value))
        except raises:
            return False

    @checker.checks("iri-reference")
    def _iri_reference(value: object) -> bool:
        if not isinstance(value, str) or validate_rfc3986(value, rule="URI_reference"):
            return True
        return _slow("iri-reference", value)  # an IRI with non-ASCII characters

    @checker.checks("iri")
    def _iri(value: object) -> bool:
        if not isinstance(value, str) or validate_rfc3986(value, rule="URI"):
            return True
        return _slow("iri", value)

    fast = extend(Draft7Validator, validators={"uniqueItems": _unique_items, "enum": _enum})
    # jsonschema picks the validator class of a referenced resource by its "$schema" (draft 7 for the
    # library's spdx / jsf / crypto schemas), which would drop the fast keywords there: the same
    # resources are registered without that key (all are draft 7 like the BOM schema).
    registry = Registry().with_resources(
        (
            uri,
            DRAFT7.create_resource(
                {k: v for k, v in library._registry[uri].contents.items() if k != "$schema"}
            ),
        )
        for uri in library._registry
    )
    return fast(library.schema, registry=registry, format_checker=checker)


def read_cyclonedx_json(data: dict[str, Any], name: str) -> Inventory:
    """A CycloneDX JSON document (already decoded) -> Inventory; schema errors name the JSON path."""
    from cyclonedx.model.bom import Bom

    spec = str(data.get("specVersion", ""))
    _schema_version(spec, name)
    error = next(iter(_json_validator(spec).iter_errors(data)), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(document)"
        raise StackInputError(
            f"{name} is not valid CycloneDX {spec} JSON: at {where}: {_short(error.message)}"
        )
    try:
        bom = Bom.from_json(_needed(data))  # type: ignore[attr-defined]
    except Exception as exc:  # noqa: BLE001 - the deserialiser raises many kinds; the user needs one message
        raise StackInputError(f"{name}: the CycloneDX library cannot read it ({_short(str(exc))}).") from None
    return _inventory(bom, f"CycloneDX {spec} JSON", name)


KEPT = ("type", "name", "version", "group", "purl", "bom-ref", "licenses", "components", "services")


def _needed(data: dict[str, Any]) -> dict[str, Any]:
    """The validated document cut to what the check reads (the library deserialises every hash, URL and
    description otherwise: two thirds of the time for 900 components)."""

    def cut(item: dict[str, Any]) -> dict[str, Any]:
        out = {k: item[k] for k in KEPT if k in item}
        for key in ("components", "services"):
            if key in out:
                out[key] = [cut(x) for x in out[key]]
        return out

    kept = {k: data[k] for k in ("bomFormat", "specVersion", "version", "dependencies") if k in data}
    for key in ("components", "services"):
        if key in data:
            kept[key] = [cut(x) for x in data[key]]
    return kept


def read_cyclonedx_xml(text: str, name: str) -> Inventory:
    """A CycloneDX XML document -> Inventory. A DTD (so any entity expansion) is refused by defusedxml."""
    import defusedxml.ElementTree as safe_xml
    from cyclonedx.model.bom import Bom
    from cyclonedx.validation.xml import XmlValidator
    from defusedxml import DefusedXmlException

    try:
        root = safe_xml.fromstring(text, forbid_dtd=True)
    except DefusedXmlException:
        raise StackInputError(
            f"{name}: the XML declares a DTD or entities; they are refused (entity expansion can exhaust "
            "memory). Export the SBOM without a DOCTYPE."
        ) from None
    except safe_xml.ParseError as exc:
        raise StackInputError(f"{name} is not well-formed XML ({exc}).") from None
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if not namespace.startswith("http://cyclonedx.org/schema/bom/"):
        raise StackInputError(f"{name}: an XML file, but not a CycloneDX BOM (root element {root.tag!r}).")
    spec = namespace.rsplit("/", 1)[-1]
    error = XmlValidator(_schema_version(spec, name)).validate_str(text)
    if error is not None:
        raise StackInputError(f"{name} is not valid CycloneDX {spec} XML: {_short(str(error))}")
    try:
        bom = Bom.from_xml(root)  # type: ignore[attr-defined]
    except Exception as exc:  # noqa: BLE001 - see read_cyclonedx_json
        raise StackInputError(f"{name}: the CycloneDX library cannot read it ({_short(str(exc))}).") from None
    return _inventory(bom, f"CycloneDX {spec} XML", name)


def _walk(items: Iterable[Any]) -> Iterator[Any]:
    for item in items:
        yield item
        yield from _walk(getattr(item, "components", None) or getattr(item, "services", None) or ())


def _inventory(bom: Any, label: str, name: str) -> Inventory:
    from cyclonedx.model.license import LicenseExpression

    components: list[Component] = []
    for kind, items in (("component", bom.components), ("service", bom.services)):
        for item in _walk(items):
            declared: list[str] = []
            expression = False
            for lic in item.licenses or ():
                if isinstance(lic, LicenseExpression):
                    declared.append(str(lic.value))
                    expression = True
                else:
                    value = lic.id or lic.name
                    if value:
                        declared.append(str(value))
            ctype = getattr(getattr(item, "type", None), "value", None) or kind
            components.append(
                Component(
                    name=str(item.name),
                    version=str(item.version) if item.version else None,
                    purl=str(item.purl) if getattr(item, "purl", None) else None,
                    declared=tuple(declared),
                    declared_kind=_declared_kind(declared, expression),
                    kind=str(ctype) if kind == "component" else "service",
                    ref=str(item.bom_ref.value) if item.bom_ref and item.bom_ref.value else None,
                    source=name,
                )
            )
    dependencies = tuple(
        (str(dep.ref.value), tuple(str(d.ref.value) for d in dep.dependencies))
        for dep in bom.dependencies
        if dep.ref.value
    )
    return Inventory(components=tuple(components), formats=(label,), dependencies=dependencies)


def _declared_kind(declared: list[str], expression: bool) -> str:
    if not declared:
        return "none"
    return "expression" if expression or len(declared) == 1 else "list"


# -- SPDX 2.x --------------------------------------------------------------------------------------
def read_spdx2(text: str, data: dict[str, Any] | None, name: str) -> Inventory:
    """SPDX 2.2 / 2.3 as JSON (``data`` decoded) or tag-value (``data`` None) -> Inventory of packages."""
    from spdx_tools.spdx.parser.error import SPDXParsingError

    try:
        if data is not None:
            from spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser import JsonLikeDictParser

            document = JsonLikeDictParser().parse(data)
        else:
            from spdx_tools.spdx.parser.tagvalue.parser import Parser

            document = Parser().parse(text)
    except SPDXParsingError as exc:
        messages = "; ".join(exc.get_messages()[:3])
        raise StackInputError(f"{name} is not a valid SPDX 2 document: {_short(messages)}") from None
    version = document.creation_info.spdx_version
    components = []
    for package in document.packages:
        licence = _spdx2_licence(package.license_concluded) or _spdx2_licence(package.license_declared)
        purl = next(
            (r.locator for r in package.external_references if str(r.reference_type).lower() == "purl"), None
        )
        components.append(
            Component(
                name=package.name,
                version=package.version,
                purl=purl,
                declared=(licence,) if licence else (),
                declared_kind="expression" if licence else "none",
                kind="library",
                ref=package.spdx_id,
                source=name,
            )
        )
    label = f"{version} {'JSON' if data is not None else 'tag-value'}"
    return Inventory(components=tuple(components), formats=(label,), dependencies=_spdx2_edges(document))


def _spdx2_edges(document: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``DEPENDS_ON`` / ``CONTAINS`` relationships as parent -> children (``DEPENDENCY_OF`` reversed)."""
    from spdx_tools.spdx.model import RelationshipType

    children: dict[str, list[str]] = {}
    for rel in document.relationships:
        a, b = rel.spdx_element_id, rel.related_spdx_element_id
        if not isinstance(b, str):
            continue  # NONE / NOASSERTION
        if rel.relationship_type in (RelationshipType.DEPENDS_ON, RelationshipType.CONTAINS):
            children.setdefault(a, []).append(b)
        elif rel.relationship_type == RelationshipType.DEPENDENCY_OF:
            children.setdefault(b, []).append(a)
    return tuple((parent, tuple(kids)) for parent, kids in children.items())


def _spdx2_licence(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return None if text in NO_LICENSE else text


# -- SPDX 3.0 --------------------------------------------------------------------------------------
def read_spdx3(data: dict[str, Any], name: str) -> Inventory:
    """SPDX 3.0 JSON-LD -> Inventory of packages (AI and dataset packages included); the licence comes from
    the package's ``hasConcludedLicense`` relationship, else ``hasDeclaredLicense``."""
    import spdx_python_model

    try:
        model, objects = spdx_python_model.load_data(data)
    except (spdx_python_model.LoadError, TypeError, ValueError, KeyError) as exc:
        raise StackInputError(f"{name} is not a readable SPDX 3 document ({_short(str(exc))}).") from None
    licences: dict[str, dict[str, str]] = {}
    wanted = {
        str(model.RelationshipType.hasConcludedLicense): "concluded",
        str(model.RelationshipType.hasDeclaredLicense): "declared",
    }
    for rel in objects.foreach_type(model.Relationship):
        which = wanted.get(str(rel.relationshipType))
        if which is None or rel.from_ is None:
            continue
        source = rel.from_ if isinstance(rel.from_, str) else rel.from_._id
        for target in rel.to:
            text = _spdx3_licence(target)
            if text:
                licences.setdefault(source, {})[which] = text
    components = []
    for package in objects.foreach_type(model.software_Package):
        found = licences.get(package._id, {})
        licence = found.get("concluded") or found.get("declared")
        kind = "library"
        if isinstance(package, model.ai_AIPackage):
            kind = "machine-learning-model"
        elif isinstance(package, model.dataset_DatasetPackage):
            kind = "data"
        components.append(
            Component(
                name=str(package.name),
                version=package.software_packageVersion,
                purl=package.software_packageUrl,
                declared=(licence,) if licence else (),
                declared_kind="expression" if licence else "none",
                kind=kind,
                ref=package._id,
                source=name,
            )
        )
    return Inventory(components=tuple(components), formats=("SPDX 3.0 JSON-LD",))


def _spdx3_licence(target: Any) -> str | None:
    if isinstance(target, str):
        return None
    text = getattr(target, "simplelicensing_licenseExpression", None)
    if text is None:
        text = getattr(target, "name", None) or target._id.rsplit("/", 1)[-1]
    text = str(text).strip()
    return None if text in NO_LICENSE else text


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def decode_json(text: str, name: str) -> Any:
    """``json.loads`` with the error as a user message (line and column)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise StackInputError(
            f"{name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None
