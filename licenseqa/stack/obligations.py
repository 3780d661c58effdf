"""The obligations of the mode: OSADL checklist items per licence, merged into one cited list.

Use case per distribution mode: ``source`` -> Source code delivery, ``binary`` -> Binary delivery,
``saas`` -> Network service; ``internal`` has none (nothing leaves the company).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from licenseqa.knowledge.osadl import Knowledge
from licenseqa.stack.choice import TermCheck
from licenseqa.stack.model import Component, Obligation

USE_CASE = {"source": "source", "binary": "binary", "saas": "network"}


def term_obligations(
    kb: Knowledge, doc: str | None, mode: str, modified: bool
) -> tuple[tuple[str, str, dict[str, Any] | None], ...]:
    """The OSADL checklist items of ``doc`` for ``mode`` as ``(kind, text, citation)``: items under a
    "Software modification" condition only when ``modified``; other conditions kept in the text; an item
    without its own clause cited to its use case's clause."""
    use_case = USE_CASE.get(mode)
    if doc is None or use_case is None:
        return ()
    checklist = kb.obligations(doc, use_case)
    fallback = next(
        (u.get("citation") for u in kb.checklists[doc]["use_cases"] if u["name"] == checklist["use_case"]),
        None,
    )
    out = []
    for item in checklist["items"]:
        conditions = item["conditions"]
        if any("modification" in c.lower() for c in conditions) and not modified:
            continue
        others = [c for c in conditions if "modification" not in c.lower()]
        text = item["text"] + (f" (when: {'; '.join(others)})" if others else "")
        if item["kind"] == "must_not":
            text = f"Do not: {text}"
        out.append((item["kind"], text, item.get("citation") or fallback))
    return tuple(out)


def merge_obligations(chosen: list[tuple[Component, tuple[TermCheck, ...], bool]]) -> list[Obligation]:
    """One list for the product: items merged by their text across licences, each naming its licences
    (most components first) and how many components, cited to the clause of the licence with the most
    components; sorted by components, ``must`` before ``must_not``."""
    merged: dict[str, dict[str, Any]] = {}
    for component, terms, _ in chosen:
        for t in terms:
            for kind, text, citation in t.obligations:
                entry = merged.setdefault(text, {"kind": kind, "by": defaultdict(set), "cite": {}})
                entry["by"][str(t.term)].add(component.key)
                if citation and str(t.term) not in entry["cite"]:
                    entry["cite"][str(t.term)] = citation
    out = []
    for text, entry in merged.items():
        by: dict[str, set[str]] = entry["by"]
        licences = sorted(by, key=lambda lic: (-len(by[lic]), lic))
        components = set().union(*by.values())
        citation = next((entry["cite"][lic] for lic in licences if lic in entry["cite"]), None)
        out.append(Obligation(text, tuple(licences), len(components), citation, entry["kind"]))
    out.sort(key=lambda o: (-o.components, o.kind != "must", o.text))
    return out
