"""The stack check: each component's licence in the context, conflicts, the cumulative obligations.

Per component (rules and their sources):

- The resolved SPDX expression's ``OR`` options are weighed in :mod:`licenseqa.stack.choice` (fewest
  conflicts, then the mildest approval-policy category, then the approved list of the policy's §4, ...);
  the option taken and the reason are reported.
- ``WITH``: the exception's effect (``data/categories.yaml``, cited to the exception's text) narrows the
  copyleft scope, e.g. Classpath-exception-2.0 lets independent modules be linked under any terms.
- Copyleft trigger by distribution mode (``triggers`` in ``data/categories.yaml``): file, library and strong
  copyleft are triggered by distribution (``source``, ``binary``); network copyleft (AGPL-3.0 §13) also
  by a network service (``saas``); nothing is triggered ``internal``. A triggered strong or network
  copyleft in a proprietary product is a conflict, cited to the licence's copyleft clause (OSADL).
- An SPDX outbound licence: OSADL's matrix with the outbound licence leading and the component's licence
  subordinate (``Knowledge.compat``): ``No`` is a conflict; ``Unknown``, ``Check dependency`` and a pair the
  matrix does not cover ("not covered", never compatible) need review.
- Between components: each triggered strong / network copyleft licence leads the combined work; the other
  licences of the product are checked as its subordinates (OSADL ``No``: one conflict per pair, on the
  copyleft component). Skipped when the outbound licence is itself strong or network copyleft: then the
  outbound check of every component already covers the combined work.
- Policy lane: the category of the licence's family in the mode's policy column (§3, §5), cited.
- Obligations: the OSADL checklist of the mode (``source`` -> Source code delivery, ``binary`` -> Binary
  delivery, ``saas`` -> Network service), items under "Software modification" only when modified, merged
  across licences by their text, each naming its licences and component count, cited to the clause.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from licenseqa.corpus.library import LibraryDataError, LibraryEntry, lookup
from licenseqa.errors import InputError
from licenseqa.knowledge.osadl import Knowledge
from licenseqa.stack.catalog import (
    CATEGORY_RANK,
    CATEGORY_TEXT,
    NO_LICENSE_QUOTE,
    SCOPE_RANK,
    Catalog,
    load_catalog,
)
from licenseqa.stack.choice import OptionCheck, Term, TermCheck, explain, options, score
from licenseqa.stack.context import MODE_TEXT, PROPRIETARY, CheckContext
from licenseqa.stack.model import (
    Component,
    ComponentResult,
    Conflict,
    Inventory,
    Resolution,
    StackReport,
)
from licenseqa.stack.obligations import USE_CASE, merge_obligations, term_obligations
from licenseqa.stack.resolve import Resolver

log = logging.getLogger(__name__)

UNDETERMINED = ("Unknown", "Check dependency")


def licensedb_entry(licence: str) -> LibraryEntry | None:
    """The ScanCode LicenseDB entry of an SPDX id or ``LicenseRef-scancode-<key>`` outside our policy table
    (the bundled library catalogue, ``corpus.library``), so it is named with its LicenseDB category; None
    when LicenseDB does not know it or the bundled copy cannot be read."""
    try:
        return lookup(licence)
    except LibraryDataError:
        return None


class StackChecker:
    """Runs the check; holds the OSADL knowledge, the catalog, the resolver and per-term caches."""

    def __init__(
        self,
        knowledge: Knowledge | None = None,
        catalog: Catalog | None = None,
        resolver: Resolver | None = None,
    ) -> None:
        self.kb = knowledge or Knowledge.load()
        self.catalog = catalog or load_catalog()
        self.resolver = resolver or Resolver()
        self._terms: dict[tuple[Term, str, str, bool], TermCheck] = {}

    # -- the report --------------------------------------------------------------------------------
    def check(
        self,
        inventory: Inventory,
        context: CheckContext,
        progress: Callable[[Iterable[Component]], Iterable[Component]] | None = None,
    ) -> StackReport:
        """Check every component of ``inventory`` in ``context`` -> :class:`StackReport`."""
        components = progress(inventory.components) if progress else inventory.components
        results: list[ComponentResult] = []
        chosen_terms: list[tuple[Component, tuple[TermCheck, ...], bool]] = []
        conflicts: list[Conflict] = []
        for component in components:
            result, terms, found = self.check_component(component, context)
            results.append(result)
            conflicts.extend(found)
            chosen_terms.append((component, terms, context.modified_for(component)))
        between = self._between(chosen_terms, context)
        if between:
            conflicts.extend(between)
            flagged = {c.component for c in between}
            results = [self._mark_conflict(r, between) if r.component.key in flagged else r for r in results]
        obligations = merge_obligations(chosen_terms)
        summary = {
            "components": len(results),
            "resolved": sum(1 for r in results if r.resolved),
            "needs_review": sum(1 for r in results if r.status == "needs-review"),
            "conflicts": sum(1 for r in results if r.status == "conflict"),
            "not_allowed": sum(1 for r in results if r.status == "not-allowed"),
            "mode": context.mode,
            "outbound": context.outbound,
        }
        return StackReport(
            summary=summary,
            components=tuple(results),
            obligations=tuple(obligations),
            conflicts=tuple(conflicts),
            notes=inventory.notes,
        )

    # -- one component ------------------------------------------------------------------------------
    def check_component(
        self, component: Component, context: CheckContext
    ) -> tuple[ComponentResult, tuple[TermCheck, ...], list[Conflict]]:
        resolution = self.resolver.resolve(component)
        if resolution.expression is None:
            return self._unresolved(component, resolution), (), []
        modified = context.modified_for(component)
        checked = [
            OptionCheck(tuple(self.term(t, context, modified) for t in opt))
            for opt in options(resolution.expression)
        ]
        checked = [replace(o, score=score(o)) for o in checked]
        best = min(checked, key=lambda o: o.score)
        reasons: list[str] = list(resolution.notes)
        citations: list[dict[str, Any]] = []
        chosen = None
        if len(checked) > 1:
            chosen = best.expression
            why, cite = explain(best, [o for o in checked if o is not best], context, self.catalog)
            reasons.append(f"{resolution.expression} is a choice (OR): {chosen} is taken; {why}")
            citations.extend(cite)
        conflicts = [replace(c, component=component.key) for t in best.terms for c in t.conflicts]
        for t in best.terms:
            reasons.extend(t.reasons)
            reasons.extend(t.undetermined)
            citations.extend(t.citations)
        worst = max((t.category for t in best.terms), key=CATEGORY_RANK.__getitem__)
        status = "ok"
        if conflicts:
            status = "conflict"
        elif worst == "not-allowed":
            status = "not-allowed"
        elif worst == "review" or any(t.undetermined for t in best.terms):
            status = "needs-review"
        status, decision_reason = self._decision(component, context, best, status)
        if decision_reason:
            reasons.append(decision_reason)
        family = best.terms[0].family if len(best.terms) == 1 else None
        known = (
            licensedb_entry(best.terms[0].term.license) if family is None and len(best.terms) == 1 else None
        )
        result = ComponentResult(
            component=component,
            resolved=resolution.expression,
            chosen=chosen,
            licenses=tuple(str(t.term) for t in best.terms),
            status=status,
            reasons=tuple(reasons),
            citations=_unique(citations),
            category=worst,
            family=family,
            licensedb_category=known.category if known is not None else None,
        )
        return result, best.terms, conflicts

    def _unresolved(self, component: Component, resolution: Resolution) -> ComponentResult:
        if resolution.unresolved:
            texts = ", ".join(repr(u) for u in resolution.unresolved)
            why = f"the declared licence {texts} does not resolve to an SPDX licence; review it"
        else:
            why = "no licence is declared in the file (nothing is fetched); find and record the licence"
        role = dict(component.extra).get("role")
        if role:
            why = f"{role} of a card: {why}"
        cite = self.catalog.section_citation("3", NO_LICENSE_QUOTE)
        return ComponentResult(
            component=component,
            resolved=None,
            chosen=None,
            licenses=(),
            status="needs-review",
            reasons=(why, "our guidance does not allow unknown licences until a review records one"),
            citations=(cite,),
        )

    def _decision(
        self, component: Component, context: CheckContext, best: OptionCheck, status: str
    ) -> tuple[str, str | None]:
        decision = context.decision_for(component)
        if decision is None or decision.decision is None:
            return status, None
        who = " ".join(x for x in (f"by {decision.by}" if decision.by else "", decision.date or "") if x)
        record = f"decision '{decision.decision}' {who}".strip() + (
            f": {decision.why}" if decision.why else ""
        )
        if not decision.matches(component):
            flagged = "needs-review" if status == "ok" else status
            return (
                flagged,
                f"{record} was for version {decision.version}, not {component.version}; review again",
            )
        if decision.license and decision.license != best.expression:
            return (
                "needs-review",
                f"{record} was for {decision.license}, but the licence is now {best.expression}",
            )
        if decision.mode and decision.mode != context.mode:
            return status, f"{record} was for mode {decision.mode}, not {context.mode}; not applied"
        if decision.decision == "not-allowed":
            return ("conflict" if status == "conflict" else "not-allowed"), record
        if status in ("needs-review", "not-allowed"):
            return "ok", record
        return status, record

    # -- terms --------------------------------------------------------------------------------------------
    def term(self, term: Term, context: CheckContext, modified: bool) -> TermCheck:
        key = (term, context.mode, context.outbound, modified)
        if key not in self._terms:
            self._terms[key] = self._term(term, context, modified)
        return self._terms[key]

    def _term(self, term: Term, context: CheckContext, modified: bool) -> TermCheck:
        mode, lic = context.mode, term.license
        reasons: list[str] = []
        citations: list[dict[str, Any]] = []
        undetermined: list[str] = []
        conflicts: list[Conflict] = []
        family = self.catalog.family(lic)
        scope = family.copyleft if family else self._osadl_scope(lic)
        doc = self.doc_for(lic)
        if term.exception:
            effect = self.catalog.exceptions.get(term.exception)
            if effect is None:
                undetermined.append(
                    f"the exception {term.exception} is not in our table; its effect needs review"
                )
            else:
                if SCOPE_RANK[effect.copyleft_after] < SCOPE_RANK[scope]:
                    scope = effect.copyleft_after
                reasons.append(f"WITH {term.exception}: {effect.effect}")
                if effect.citation.get("quote"):
                    citations.append({**effect.citation, "source": f"corpus/licenses/{term.exception}.txt"})
        triggered = self.catalog.triggered(scope, mode)
        trigger_cite = self._trigger_citation(doc, scope, mode)
        if scope != "none":
            if triggered:
                reasons.append(f"{lic}: {scope} copyleft, triggered by {MODE_TEXT[mode]}")
            else:
                reasons.append(f"{lic}: {scope} copyleft, not triggered by {MODE_TEXT[mode]}")
            if trigger_cite:
                citations.append(trigger_cite)
        if context.outbound == PROPRIETARY:
            if triggered and scope in ("strong", "network"):
                conflicts.append(
                    Conflict(
                        component="",
                        license=str(term),
                        with_=PROPRIETARY,
                        verdict="copyleft",
                        explanation=(
                            f"the {scope} copyleft of {lic} is triggered by {MODE_TEXT[mode]} and covers the "
                            f"combined work, which then cannot be licensed as proprietary"
                        ),
                        citations=(trigger_cite,) if trigger_cite else (),
                    )
                )
            elif triggered and scope == "library":
                reasons.append(f"{lic}: fits a proprietary product when linked dynamically and replaceable")
            elif triggered and scope == "file":
                reasons.append(f"{lic}: its copyleft covers its own files; publish changes to them")
        elif mode in ("source", "binary") or triggered:
            if SCOPE_RANK[scope] < SCOPE_RANK["strong"] and term.exception:
                reasons.append(f"{term.exception} leaves the outbound licence free for independent modules")
            else:
                verdict = self.verdict(context.outbound, lic)
                if verdict["verdict"] == "No":
                    conflicts.append(
                        Conflict(
                            component="",
                            license=str(term),
                            with_=context.outbound,
                            verdict="No",
                            explanation=verdict["explanation"],
                            citations=tuple(verdict["citations"]),
                        )
                    )
                elif verdict["verdict"] in (*UNDETERMINED, "not covered"):
                    undetermined.append(
                        f"{context.outbound} with {lic}: OSADL says {verdict['verdict']!r} "
                        f"({verdict['explanation']})"
                    )
                    citations.extend(verdict["citations"])
        cell = self.catalog.policy(lic, mode)
        column = self.catalog.modes[mode].replace("-", " ")
        text = CATEGORY_TEXT[cell.category] + (f": {cell.condition}" if cell.condition else "")
        if cell.family is None:
            known = licensedb_entry(lic)
            where = (
                f" (ScanCode LicenseDB: {known.name}, category {known.category}; its text is in the "
                "LicenseDB library, not reviewed by our legal team)"
                if known is not None
                else ""
            )
            reasons.append(f"{lic} is not in our licence categories{where}: needs legal review")
        else:
            reasons.append(f"{lic} ({cell.family.replace('-', ' ')}) in a {column}: {text}")
        citations.append(cell.citation)
        obligations = term_obligations(self.kb, doc, mode, modified or (triggered and scope == "network"))
        for extra in self.catalog.terms_for(lic, mode):
            reasons.append(f"{lic}: {extra.text}")
            citations.append(extra.citation)
            obligations = (*obligations, ("must", extra.text, extra.citation))
        if mode in USE_CASE and doc is None:
            reasons.append(f"OSADL has no obligations checklist for {lic}; its obligations are not listed")
        return TermCheck(
            term=term,
            scope=scope,
            triggered=triggered,
            category=cell.category,
            family=cell.family,
            conflicts=tuple(conflicts),
            undetermined=tuple(undetermined),
            reasons=tuple(reasons),
            citations=tuple(citations),
            obligations=obligations,
            approved=lic in self.catalog.approved and not term.exception,
        )

    # -- OSADL ----------------------------------------------------------------------------------------
    def doc_for(self, licence: str) -> str | None:
        """The corpus document with an OSADL checklist for ``licence`` (``-or-later`` -> ``-only``)."""
        if licence in self.kb.checklists:
            return licence
        doc = self.kb.doc_of(licence)
        if doc and doc in self.kb.checklists:
            return doc
        only = licence.replace("-or-later", "-only")
        return only if only in self.kb.checklists else None

    def _osadl_scope(self, licence: str) -> str:
        doc = self.doc_for(licence)
        copyleft = (self.kb.checklists.get(doc or "", {}).get("copyleft") or {}).get("value")
        return "strong" if copyleft == "Yes" else "none"

    def _trigger_citation(self, doc: str | None, scope: str, mode: str) -> dict[str, Any] | None:
        if doc is None or scope == "none":
            return None
        checklist = self.kb.checklists[doc]
        if scope == "network" and mode == "saas":
            network = next((u for u in checklist["use_cases"] if u["name"].startswith("Network")), None)
            if network and network.get("citation"):
                return network["citation"]
        copyleft = checklist.get("copyleft") or {}
        return copyleft.get("citation")

    def verdict(self, leading: str, subordinate: str) -> dict[str, Any]:
        """OSADL's verdict for ``subordinate`` code in a work under ``leading``; ``not covered`` when the
        matrix has no such pair (never taken as compatible)."""
        if leading == subordinate:
            return {"verdict": "Same", "explanation": "the same licence", "citations": []}
        try:
            return self.kb.compat(leading, subordinate)
        except InputError as exc:
            return {"verdict": "not covered", "explanation": str(exc), "citations": []}

    # -- across components -------------------------------------------------------------------------------
    def _between(
        self, chosen: list[tuple[Component, tuple[TermCheck, ...], bool]], context: CheckContext
    ) -> list[Conflict]:
        """Each triggered strong / network copyleft licence against the other licences of the product, one
        conflict per pair (on the copyleft component): OSADL ``No`` with the copyleft licence leading.
        Skipped when the outbound licence is itself a strong or network copyleft: the outbound check of
        every component already covers the combined work."""
        outbound = self.catalog.family(context.outbound)
        if outbound is not None and outbound.copyleft in ("strong", "network"):
            return []
        users: dict[str, set[str]] = defaultdict(set)
        leading: dict[str, str] = {}
        for component, terms, _ in chosen:
            for t in terms:
                users[t.term.license].add(component.key)
                if t.triggered and t.scope in ("strong", "network") and not t.term.exception:
                    leading.setdefault(t.term.license, component.key)
        out: list[Conflict] = []
        for lead, owner in leading.items():
            for other in sorted(users, key=lambda lic: (-len(users[lic]), lic)):
                if other == lead:
                    continue
                verdict = self.verdict(lead, other)
                if verdict["verdict"] != "No":
                    continue
                n = len(users[other])
                out.append(
                    Conflict(
                        component=owner,
                        license=lead,
                        with_=f"{other} ({n} component{'s' if n != 1 else ''})",
                        verdict="No",
                        explanation=f"a work under {lead} cannot include {other} code: "
                        + verdict["explanation"],
                        citations=tuple(verdict["citations"]),
                    )
                )
        return out

    @staticmethod
    def _mark_conflict(result: ComponentResult, conflicts: list[Conflict]) -> ComponentResult:
        mine = [c for c in conflicts if c.component == result.component.key]
        reasons = [f"{c.explanation} (in this product: {c.with_})" for c in mine]
        cites = [x for c in mine for x in c.citations]
        return replace(
            result,
            status="conflict",
            reasons=(*result.reasons, *reasons),
            citations=_unique([*result.citations, *cites]),
        )


def _unique(citations: Iterable[dict[str, Any] | None]) -> tuple[dict[str, Any], ...]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for c in citations:
        if not c:
            continue
        key = (c.get("doc_id"), c.get("section"), c.get("quote"))
        if key not in seen:
            seen.add(key)
            out.append(c)
    return tuple(out)


def check_files(
    paths: Iterable[str],
    context: CheckContext,
    progress: Callable[[Iterable[Component]], Iterable[Component]] | None = None,
    checker: StackChecker | None = None,
) -> StackReport:
    """Read ``paths`` (:func:`licenseqa.stack.inputs.read_inputs`) and check them in ``context``."""
    from licenseqa.stack.inputs import read_inputs

    inventory = read_inputs(paths)
    return (checker or StackChecker()).check(inventory, context, progress)
