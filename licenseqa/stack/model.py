"""The frozen records passed between the stages of the stack check, and its input error."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from licenseqa.errors import LicenseQAError


class StackInputError(LicenseQAError):
    """An input file cannot be read as an SBOM or manifest; the message says which file and why.

    Exit code 3, so a CI gate tells "the file is broken" apart from 1 (conflicts) and 2 (needs review).
    """

    exit_code = 3


@dataclass(frozen=True)
class Component:
    """One component as the input file declares it.

    ``declared``: the licence strings as written (SPDX ids, names, expressions; empty when the file has
    none); ``declared_kind``: ``"expression"`` when the file gives one SPDX expression, ``"list"`` when it
    lists licences (taken as all apply), ``"none"``. ``kind``: CycloneDX component type (``library``,
    ``machine-learning-model``, ``data``, ``service``, ...) or the manifest's equivalent.
    """

    name: str
    version: str | None = None
    purl: str | None = None
    declared: tuple[str, ...] = ()
    declared_kind: str = "none"
    kind: str = "library"
    ref: str | None = None
    source: str = ""
    extra: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}" if self.version else self.name


@dataclass(frozen=True)
class Inventory:
    """Components of one or more input files. ``dependencies``: ``(ref, (depends-on refs...))``.

    ``formats``: one label per file (e.g. ``"CycloneDX 1.4 JSON"``); ``notes``: what the reader changed or
    could not use (duplicates merged, entries without a licence), written for the user.
    """

    components: tuple[Component, ...]
    formats: tuple[str, ...] = ()
    dependencies: tuple[tuple[str, tuple[str, ...]], ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resolution:
    """A licence declaration resolved to one SPDX expression, or not.

    ``expression``: normalised SPDX expression or None; ``via``: what resolved it (``license-expression``,
    ``licenselynx``, ``mapping``, or a ``+``-joined mix); ``unresolved``: the strings nothing resolved;
    ``notes``: how it was read (e.g. a deprecated id replaced).
    """

    expression: str | None
    via: str = ""
    unresolved: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    library_only: bool = False  # license-expression alone resolved it (for the benchmark's comparison)


@dataclass(frozen=True)
class Conflict:
    """A licence that cannot be combined as the context needs. ``verdict``: OSADL's (``No``) or
    ``copyleft`` when the copyleft scope of a triggered licence reaches a proprietary product."""

    component: str
    license: str
    with_: str
    verdict: str
    explanation: str
    citations: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class ComponentResult:
    """The check of one component: ``status`` is ``ok``, ``conflict``, ``needs-review`` or ``not-allowed``."""

    component: Component
    resolved: str | None
    chosen: str | None
    licenses: tuple[str, ...]
    status: str
    reasons: tuple[str, ...]
    citations: tuple[dict[str, Any], ...]
    category: str | None = None
    family: str | None = None
    # a licence outside our policy table that ScanCode LicenseDB knows: its LicenseDB category
    licensedb_category: str | None = None

    @property
    def headline(self) -> str:
        """The reason that decided the status (for one-line views): the first reason that speaks of a
        conflict, a review, "not allowed" or an unresolved licence, else the last reason."""
        keys = {
            "conflict": ("cannot", "copyleft of", "conflict"),
            "not-allowed": ("not allowed",),
            "needs-review": ("no licence", "review", "not covered", "OSADL says", "no longer matches"),
        }.get(self.status, ())
        found = next((r for r in self.reasons if any(k in r for k in keys)), None)
        return found or (self.reasons[-1] if self.reasons else "")


@dataclass(frozen=True)
class Obligation:
    """One de-duplicated obligation of the mode: the OSADL item text, the licences it comes from, how many
    components, and the clause it is cited to (of the licence with the most components)."""

    text: str
    licenses: tuple[str, ...]
    components: int
    citation: dict[str, Any] | None
    kind: str = "must"


@dataclass(frozen=True)
class StackReport:
    """The whole check. ``summary`` keys: components, resolved, needs_review, conflicts, not_allowed, mode,
    outbound (the JSON shape of issue 15)."""

    summary: dict[str, Any]
    components: tuple[ComponentResult, ...]
    obligations: tuple[Obligation, ...]
    conflicts: tuple[Conflict, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def exit_code(self) -> int:
        """0 clean, 1 conflicts or not allowed, 2 needs review only."""
        if self.summary["conflicts"] or self.summary["not_allowed"]:
            return 1
        return 2 if self.summary["needs_review"] else 0
