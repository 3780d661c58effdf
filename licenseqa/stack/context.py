"""The check's context: distribution mode, outbound licence, modified flag, and the policy file.

The policy file (YAML, checked by ``data/policy.schema.json``) may set ``mode``, ``outbound`` and
``modified`` for the product, and per component (matched by ``name``, and ``version`` when given) a
``modified`` override and a decision record (``decision: approved | not-allowed``, ``license``, ``mode``,
``by``, ``date``, ``why``). Command-line options win over the file's product-level values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from licenseqa.stack.model import Component, StackInputError
from licenseqa.stack.resolve import DATA, Resolver

MODES = ("internal", "source", "binary", "saas")
MODE_TEXT = {
    "internal": "internal tool (nothing leaves the company)",
    "source": "source distribution",
    "binary": "binary distribution (app, device, on-prem)",
    "saas": "network service (SaaS / API)",
}
PROPRIETARY = "proprietary"


@dataclass(frozen=True)
class Decision:
    """A recorded per-component decision of the policy file."""

    name: str
    version: str | None = None
    modified: bool | None = None
    decision: str | None = None
    license: str | None = None
    mode: str | None = None
    by: str | None = None
    date: str | None = None
    why: str | None = None

    def matches(self, component: Component) -> bool:
        return self.name == component.name and (self.version is None or self.version == component.version)


@dataclass(frozen=True)
class CheckContext:
    """``mode``: one of :data:`MODES`; ``outbound``: ``proprietary`` or a normalised SPDX id;
    ``modified``: whether components were modified (the default for every component)."""

    mode: str = "binary"
    outbound: str = PROPRIETARY
    modified: bool = False
    decisions: tuple[Decision, ...] = field(default=())

    def decision_for(self, component: Component) -> Decision | None:
        """The decision recorded for the component: for its exact version first, then a name-only one,
        then one for another version (which the check reports as no longer matching)."""
        named = [d for d in self.decisions if d.name == component.name]
        named.sort(key=lambda d: (not d.matches(component), d.version is None))
        return named[0] if named else None

    def modified_for(self, component: Component) -> bool:
        decision = self.decision_for(component)
        if decision is not None and not decision.matches(component):
            decision = None
        return decision.modified if decision is not None and decision.modified is not None else self.modified


def make_context(
    mode: str | None = None,
    outbound: str | None = None,
    modified: bool | None = None,
    policy: str | Path | None = None,
) -> CheckContext:
    """Context from options and an optional policy file; bad values raise :class:`StackInputError`."""
    data: dict[str, Any] = load_policy(policy) if policy else {}
    mode = mode or data.get("mode") or "binary"
    if mode not in MODES:
        raise StackInputError(f"Unknown distribution mode {mode!r}; use one of {', '.join(MODES)}.")
    outbound = normalise_outbound(outbound or data.get("outbound") or PROPRIETARY)
    decisions = tuple(Decision(**entry) for entry in data.get("components", []))
    flag = modified if modified is not None else bool(data.get("modified", False))
    return CheckContext(mode=mode, outbound=outbound, modified=flag, decisions=decisions)


def normalise_outbound(value: str) -> str:
    """``proprietary`` or one SPDX licence id (normalised, e.g. ``gpl-2.0`` -> ``GPL-2.0-only``)."""
    if value.strip().lower() == PROPRIETARY:
        return PROPRIETARY
    normalised = Resolver().validate(value)
    if normalised is None or " " in normalised:
        raise StackInputError(
            f"The outbound licence {value!r} is not one SPDX licence id; use e.g. Apache-2.0, "
            "GPL-3.0-only, or 'proprietary'."
        )
    return normalised


def load_policy(path: str | Path) -> dict[str, Any]:
    """The policy file, validated; errors name the file and the offending entry."""
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise StackInputError(f"The policy file {p} cannot be read ({exc.strerror}).") from None
    except yaml.YAMLError as exc:
        raise StackInputError(f"The policy file {p} is not valid YAML ({exc}).") from None
    return validate_policy(data, p)


def validate_policy(data: Any, p: str | Path) -> dict[str, Any]:
    """``data`` (read from the policy file ``p``) checked against ``data/policy.schema.json``; version
    and date strings made strings. The check and the policy editor (``policy_admin``) both use it."""
    import jsonschema

    if not isinstance(data, dict):
        raise StackInputError(f"The policy file {p} must be a YAML mapping (mode, outbound, components).")
    for entry in data.get("components") or []:
        for key in ("version", "date"):  # YAML reads 1.2 as a number and 2026-01-05 as a date
            if isinstance(entry, dict) and entry.get(key) is not None:
                entry[key] = str(entry[key])
    schema = json.loads((DATA / "policy.schema.json").read_text(encoding="utf-8"))
    error = next(iter(jsonschema.Draft7Validator(schema).iter_errors(data)), None)
    if error is not None:
        where = "/".join(str(x) for x in error.absolute_path) or "(top)"
        raise StackInputError(f"The policy file {p} is not valid at {where}: {error.message}")
    return data
