"""Licence families, copyleft scopes and approval-policy categories, read from ``data/categories.yaml``.

The file is the category table of our guidance (``license-approval-policy`` section 3, with section 5 for
the rows the table does not have) as data with a schema (``data/categories.schema.json``); this module
only loads, validates and looks up. Policy citations point at the guidance section as the splitter labels
it (``{"doc_id": "license-approval-policy", "section": "3", ...}``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from licenseqa.stack.resolve import StackDataError, load_data_file

SCOPE_RANK = {"none": 0, "file": 1, "library": 2, "strong": 3, "network": 4}
CATEGORY_RANK = {"allowed": 0, "conditions": 1, "review": 2, "not-allowed": 3}
CATEGORY_TEXT = {
    "allowed": "allowed",
    "conditions": "allowed with conditions",
    "review": "needs legal review",
    "not-allowed": "not allowed",
}


@dataclass(frozen=True)
class Family:
    """One row of the policy table: ``copyleft`` scope, the category cell per policy column, the clause."""

    id: str
    copyleft: str
    categories: dict[str, dict[str, str]]
    citation: dict[str, Any]


@dataclass(frozen=True)
class ExceptionEffect:
    """What a WITH exception changes: the copyleft scope after it, in words, and its clause."""

    id: str
    copyleft_after: str
    effect: str
    citation: dict[str, Any]


@dataclass(frozen=True)
class LicenceTerm:
    """A term of a model, data or non-commercial licence that binds the product in ``modes``, cited."""

    license: str
    modes: tuple[str, ...]
    text: str
    citation: dict[str, Any]


@dataclass(frozen=True)
class PolicyCell:
    """The policy's category for one licence in one distribution mode."""

    family: str | None
    category: str  # allowed | conditions | review | not-allowed
    condition: str | None
    citation: dict[str, Any]


class Catalog:
    """Lookups over ``data/categories.yaml``."""

    def __init__(self, data: dict[str, Any]) -> None:
        policy = data["policy"]
        self.doc_id: str = policy["doc_id"]
        self.source: str = policy["source"]
        self.modes: dict[str, str] = data["modes"]
        self.triggers: dict[str, list[str]] = data["triggers"]
        self.statements: dict[str, list[str]] = data["statements"]
        self.approved: frozenset[str] = frozenset(data["approved"]["licenses"])
        self.families: dict[str, Family] = {}
        self.by_license: dict[str, Family] = {}
        for row in data["families"]:
            family = Family(
                id=row["id"],
                copyleft=row["copyleft"],
                categories=row["categories"],
                citation={
                    "doc_id": self.doc_id,
                    "section": row["section"],
                    "heading": row["heading"],
                    "source": self.source,
                    "quote": row["quote"],
                },
            )
            self.families[family.id] = family
            for licence in row["licenses"]:
                if licence in self.by_license:
                    raise StackDataError(f"categories.yaml lists {licence} in two families.")
                self.by_license[licence] = family
        self.exceptions: dict[str, ExceptionEffect] = {
            e["id"]: ExceptionEffect(
                id=e["id"],
                copyleft_after=e["copyleft_after"],
                effect=e["effect"],
                citation={"doc_id": e["id"], "section": None, "heading": None, "quote": e["quote"]},
            )
            for e in data["exceptions"]
        }

        self.terms: dict[str, list[LicenceTerm]] = {}
        for t in data["terms"]:
            citation = {
                "doc_id": t["doc_id"],
                "section": t["section"],
                "heading": None,
                "source": f"corpus/licenses/{t['doc_id']}.txt",
                "quote": t["quote"],
            }
            self.terms.setdefault(t["license"], []).append(
                LicenceTerm(t["license"], tuple(t["modes"]), t["text"], citation)
            )

    def terms_for(self, licence: str, mode: str) -> list[LicenceTerm]:
        """The terms of ``licence`` that bind the product in ``mode``."""
        return [t for t in self.terms.get(licence, []) if mode in t.modes]

    def family(self, licence: str) -> Family | None:
        return self.by_license.get(licence)

    def triggered(self, scope: str, mode: str) -> bool:
        """Whether a copyleft of ``scope`` is triggered by distribution mode ``mode``."""
        return mode in self.triggers.get(scope, [])

    def policy(self, licence: str, mode: str) -> PolicyCell:
        """The category of ``licence`` in ``mode``; a licence the table does not know needs review
        (section 5: "any license the Component Registry does not know")."""
        family = self.family(licence)
        if family is None:
            return PolicyCell(None, "review", None, self.section_citation("5", _UNKNOWN_QUOTE))
        cell = family.categories[self.modes[mode]]
        return PolicyCell(family.id, cell["category"], cell.get("condition"), family.citation)

    def section_citation(self, section: str, quote: str) -> dict[str, Any]:
        headings = {
            "3": "License Categories by Distribution Mode",
            "4": "Licenses Approved for Use in Products Without Legal Review",
            "5": "Licenses That Need Legal Review or Are Not Allowed",
        }
        return {
            "doc_id": self.doc_id,
            "section": section,
            "heading": headings.get(section),
            "source": self.source,
            "quote": quote,
        }


_UNKNOWN_QUOTE = "any license the Component Registry does not know"
DUAL_QUOTE = "If a package is dual-licensed and one option is on this list, choose that option"
NO_LICENSE_QUOTE = "No license, unknown or custom | Not allowed | Not allowed | Not allowed"


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """The validated catalog (cached); :class:`StackDataError` when the file breaks its schema."""
    return Catalog(load_data_file("categories"))
