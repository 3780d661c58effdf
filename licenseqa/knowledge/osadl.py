"""Obligation checklists and compatibility verdicts (OSADL, CC0-1.0), each item cited to our clauses.

The data is derived at build time by ``python -m ingest.knowledge`` into
``licenseqa/knowledge/data/osadl.json`` and read here; run time never reads ``../shared``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from licenseqa.corpus.documents import UnknownNameError, resolve_name
from licenseqa.errors import InputError, LicenseQAError

DATA = Path(__file__).resolve().parent / "data" / "osadl.json"

USE_CASES = {
    "source": "Source code delivery",
    "binary": "Binary delivery",
    "network": "Network service",
}


class KnowledgeError(LicenseQAError):
    """The obligations data is missing or unreadable."""


class Knowledge:
    """Checklists per document id and the compatibility matrix, with id mapping through aliases."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.checklists: dict[str, Any] = data.get("checklists", {})
        self.matrix: dict[str, dict[str, Any]] = data.get("compat", {})
        self.osadl_to_doc: dict[str, str] = data.get("osadl_to_doc", {})

    @classmethod
    def load(cls, path: Path = DATA) -> Knowledge:
        return _load(str(path))

    # -- ids --------------------------------------------------------------------
    def names(self, compat: bool = False) -> set[str]:
        """The licence names the data knows: OSADL ids and the document ids they map to; with ``compat``
        those of the compatibility matrix, else those with an obligations checklist."""
        if compat:
            return set(self.matrix) | {d for o, d in self.osadl_to_doc.items() if o in self.matrix}
        return set(self.checklists) | {o for o, d in self.osadl_to_doc.items() if d in self.checklists}

    def resolve(self, name: str, compat: bool = False) -> str:
        """``name`` as the data spells it (case-insensitive), or :class:`UnknownNameError` listing the
        licences of the checklists (or, with ``compat``, of the compatibility matrix)."""
        listing = (
            "Licences of the OSADL compatibility matrix" if compat else "Licences with an OSADL checklist"
        )
        return resolve_name(name, self.names(compat), "licence", listing=listing)

    def _spelled(self, name: str, compat: bool = False) -> str:
        try:
            return self.resolve(name, compat)
        except UnknownNameError:
            return name

    def osadl_ids(self, name: str) -> list[str]:
        """OSADL ids for a doc id or an OSADL id (``GPL-3.0-or-later`` stays itself); any case."""
        name = self._spelled(name, compat=True)
        if name in self.matrix:
            return [name]
        ids = [o for o, d in self.osadl_to_doc.items() if d == name and o in self.matrix]
        ids.sort(key=lambda o: (o != name, "or-later" in o, o))
        return ids

    def doc_of(self, osadl_id: str) -> str | None:
        return self.osadl_to_doc.get(self._spelled(osadl_id))

    # -- obligations ---------------------------------------------------------------
    def use_cases(self, doc_id: str) -> list[str]:
        checklist = self.checklists.get(doc_id)
        return [u["name"] for u in checklist["use_cases"]] if checklist else []

    def obligations(self, doc_id: str, use_case: str | None) -> dict[str, Any]:
        """The checklist of one use case: ``{"license", "use_case", "items": [...], "use_cases", "note"}``."""
        checklist = self.checklists.get(doc_id)
        if checklist is None:
            return {
                "license": doc_id,
                "use_case": None,
                "items": [],
                "use_cases": [],
                "note": f"OSADL has no obligations checklist for {doc_id}; the answer is from its clauses.",
            }
        names = self.use_cases(doc_id)
        wanted = USE_CASES.get(use_case or "", use_case)
        if use_case is None:
            return {
                "license": doc_id,
                "use_case": None,
                "items": [],
                "use_cases": names,
                "note": "Choose a use case: " + ", ".join(names) + ".",
            }
        chosen = next((u for u in checklist["use_cases"] if u["name"] == wanted), None)
        if chosen is None and wanted is not None:
            chosen = next((u for u in checklist["use_cases"] if u["name"].startswith(wanted)), None)
        if chosen is None:
            note = (
                f"The OSADL checklist for {doc_id} has no network-service obligations"
                if use_case == "network"
                else f"The OSADL checklist for {doc_id} has no use case {wanted!r}"
            )
            return {
                "license": doc_id,
                "use_case": wanted,
                "items": [],
                "use_cases": names,
                "note": note + ".",
            }
        items = [
            {
                "text": it["text"],
                "kind": it["kind"],
                "conditions": list(it.get("conditions", [])),
                "alternative": it.get("alternative"),
                "citation": it.get("citation"),
            }
            for it in chosen["items"]
        ]
        return {
            "license": doc_id,
            "use_case": chosen["name"],
            "items": items,
            "use_cases": names,
            "note": None,
        }

    # -- compatibility --------------------------------------------------------------
    def compat(self, leading: str, subordinate: str) -> dict[str, Any]:
        lead_ids, sub_ids = self.osadl_ids(leading), self.osadl_ids(subordinate)
        if not lead_ids or not sub_ids:
            missing = leading if not lead_ids else subordinate
            raise InputError(f"OSADL's compatibility matrix does not cover {missing}.")
        lead, sub = lead_ids[0], sub_ids[0]
        cell = self.matrix.get(lead, {}).get(sub)
        if cell is None:
            raise InputError(f"OSADL's compatibility matrix has no entry for {lead} with {sub}.")
        citations = [c for c in (self._key_citation(lead), self._key_citation(sub)) if c]
        return {
            "leading": lead,
            "subordinate": sub,
            "verdict": cell["verdict"],
            "explanation": cell["explanation"],
            "direction": f"{sub} code included in a work under {lead}; the combined work is under {lead}",
            "citations": citations,
        }

    def _key_citation(self, osadl_id: str) -> dict[str, Any] | None:
        doc = self.doc_of(osadl_id)
        checklist = self.checklists.get(doc or "")
        if not checklist:
            return None
        copyleft = checklist.get("copyleft")
        if copyleft and copyleft.get("citation"):
            return copyleft["citation"]
        for uc in checklist["use_cases"]:
            for it in uc["items"]:
                if it.get("citation"):
                    return it["citation"]
        return None


@lru_cache(maxsize=4)
def _load(path: str) -> Knowledge:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise KnowledgeError(
            f"The obligations data {path} cannot be read ({exc}); "
            "regenerate it with `python -m ingest.knowledge`."
        ) from None
    return Knowledge(data)
