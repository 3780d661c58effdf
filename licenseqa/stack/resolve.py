"""Licence strings -> one normalised SPDX expression, or "needs review".

The order, first hit wins for each string:

1. ``license-expression`` (``get_spdx_licensing().validate``): SPDX ids and expressions, ScanCode keys;
   its errors (and the ``AttributeError`` its ``validate()`` raises on some malformed input) are caught.
2. ``data/mappings.yaml``: our reviewed table for what both libraries miss (deprecated compound ids such as
   ``GPL-2.0-with-classpath-exception``, Hugging Face ids such as ``llama3.1``, ``openrail``).
3. ``licenselynx``: free-text names and Python classifiers (its stable map, then its risky one).
4. An expression some of whose symbols failed: each symbol through 1-3 and the expression put back
   together (so ``(CDDL-1.0 OR GPL-2.0-with-classpath-exception)`` resolves); free text joined by
   " or " / " and " is read the same way.

A CycloneDX component that lists several licences without an expression is read as a choice (``OR``):
``cyclonedx-python-lib`` models the entries as ``DisjunctiveLicense`` and the lists come from Maven POMs
with several ``<license>`` entries, which dual-license (logback: EPL-1.0 or LGPL-2.1; amqp-client: Apache-2.0,
GPL-2.0 or MPL-1.1). The reason says so, and the choice is reported like any ``OR``. Anything left over
is unresolved: the component needs review and is counted, never taken as clean.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from licenseqa.errors import LicenseQAError
from licenseqa.stack.model import Component, Resolution

log = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"
_SPLIT = re.compile(r"(\(|\)|\s+(?:AND|OR|WITH)\s+)", re.IGNORECASE)
_OPERATOR = re.compile(r"\s*(AND|OR|WITH)\s*", re.IGNORECASE)


class StackDataError(LicenseQAError):
    """A data file of the stack check is missing or breaks its schema (a reviewed-data bug)."""


def load_data_file(name: str) -> Any:
    """``data/<name>.yaml`` checked against ``data/<name>.schema.json`` (JSON Schema draft 7)."""
    import jsonschema

    try:
        data = yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))
        schema = json.loads((DATA / f"{name}.schema.json").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, json.JSONDecodeError) as exc:
        raise StackDataError(f"licenseqa/stack/data/{name}.yaml cannot be read ({exc}).") from None
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top)"
        raise StackDataError(
            f"licenseqa/stack/data/{name}.yaml breaks its schema at {where}: {first.message}"
        )
    return data


@lru_cache(maxsize=1)
def mappings() -> dict[str, tuple[str, str]]:
    """``{casefolded string: (SPDX expression, why)}`` from ``data/mappings.yaml``."""
    data = load_data_file("mappings")
    return {m["match"].casefold(): (m["expression"], m["why"]) for m in data["mappings"]}


@lru_cache(maxsize=1)
def licensing() -> Any:
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()


@dataclass(frozen=True)
class _Hit:
    expression: str
    via: str
    note: str | None = None


class Resolver:
    """Resolves declarations; results are cached per string (SBOMs repeat the same few licences)."""

    def __init__(self) -> None:
        self._map = mappings()
        self._cache: dict[str, _Hit | None] = {}
        self._valid: dict[str, str | None] = {}

    # -- one string --------------------------------------------------------------------------------
    def validate(self, text: str) -> str | None:
        """``license-expression`` alone: the normalised expression, or None when it reports an error."""
        if text not in self._valid:
            self._valid[text] = _validate(text)
        return self._valid[text]

    def _mapped(self, text: str) -> _Hit | None:
        found = self._map.get(text.strip().casefold())
        if found is None:
            return None
        expression, why = found
        normalised = self.validate(expression) or (expression if _only_refs_unknown(expression) else None)
        if normalised is None:
            log.warning("mapping for %r gives an invalid expression %r", text, expression)
            return None
        return _Hit(normalised, "mapping", f"{text!r} read as {normalised} ({why})")

    def _lynx(self, text: str) -> _Hit | None:
        from licenselynx.licenselynx import LicenseLynx

        found = LicenseLynx.map(text) or LicenseLynx.map(text, risky=True)
        if found is None:
            return None
        mapped = self._mapped(found.id)
        if mapped is not None:
            return _Hit(mapped.expression, "licenselynx+mapping", f"{text!r} read as {mapped.expression}")
        normalised = self.validate(found.id)
        if normalised is None:
            return None
        return _Hit(normalised, "licenselynx", f"{text!r} read as {normalised} (licenselynx)")

    def _single(self, text: str) -> _Hit | None:
        normalised = self.validate(text)
        if normalised is not None:
            return _Hit(normalised, "license-expression")
        return self._mapped(text) or self._lynx(text)

    def resolve_string(self, text: str) -> _Hit | None:
        text = text.strip()
        if text in self._cache:
            return self._cache[text]
        hit = self._single(text) or self._by_symbols(text)
        self._cache[text] = hit
        return hit

    def _by_symbols(self, text: str) -> _Hit | None:
        pieces = [p for p in _SPLIT.split(text) if p and p.strip()]
        if len(pieces) < 2:
            return None
        out: list[str] = []
        vias: set[str] = set()
        notes: list[str] = []
        for piece in pieces:
            stripped = piece.strip()
            if stripped in "()":
                out.append(stripped)
            elif _OPERATOR.fullmatch(piece):
                out.append(f" {stripped.upper()} ")
            else:
                hit = self._single(stripped)
                if hit is None:
                    return None
                out.append(f"({hit.expression})" if " " in hit.expression else hit.expression)
                vias.add(hit.via)
                if hit.note:
                    notes.append(hit.note)
        joined = "".join(out)
        normalised = self.validate(joined) or (joined if _only_refs_unknown(joined) else None)
        if normalised is None:
            return None
        return _Hit(normalised, "+".join(sorted(vias)), "; ".join(notes) or None)

    # -- a component -------------------------------------------------------------------------------
    def resolve(self, component: Component) -> Resolution:
        """The component's declaration -> :class:`Resolution` (see the module doc for the order)."""
        declared = [d for d in component.declared if d.strip()]
        if not declared:
            return Resolution(None, notes=("no licence is declared in the file",))
        library_only = all(self.validate(d) for d in declared)
        if component.declared_kind == "candidates":
            for text in declared:
                hit = self.resolve_string(text)
                if hit is not None:
                    notes = (hit.note,) if hit.note else ()
                    return Resolution(hit.expression, hit.via, (), notes, bool(self.validate(declared[0])))
            return Resolution(None, unresolved=tuple(declared))
        hits = [(d, self.resolve_string(d)) for d in declared]
        unresolved = tuple(d for d, h in hits if h is None)
        if unresolved:
            return Resolution(None, unresolved=unresolved, library_only=False)
        found = [h for _, h in hits if h is not None]
        notes = tuple(h.note for h in found if h.note)
        vias = "+".join(sorted({h.via for h in found}))
        if len(found) == 1:
            return Resolution(found[0].expression, vias, (), notes, library_only)
        joined = " OR ".join(f"({h.expression})" if " " in h.expression else h.expression for h in found)
        expression = self.validate(joined) or joined
        note = (
            f"the file lists {len(found)} licences without an expression; read as a choice (OR), as "
            "CycloneDX's disjunctive licence list and a Maven POM's several <license> entries mean"
        )
        return Resolution(expression, vias, (), (*notes, note), library_only)


def _validate(text: str) -> str | None:
    from license_expression import ExpressionError, ExpressionParseError

    try:
        info = licensing().validate(text)
    except (ExpressionError, ExpressionParseError, AttributeError, TypeError, ValueError):
        return None
    if info.errors or not info.normalized_expression:
        return None
    return str(info.normalized_expression)


def _only_refs_unknown(expression: str) -> bool:
    """True when every symbol ``license-expression`` does not know is a ``LicenseRef-`` of our table."""
    try:
        info = licensing().validate(expression)
    except (AttributeError, TypeError, ValueError):
        return False
    return bool(info.invalid_symbols) and all(s.startswith("LicenseRef-") for s in info.invalid_symbols)
