"""The choice among the options of an SPDX expression (``OR``), and the reason given for it.

An expression is put in disjunctive normal form by ``license-expression``; each option is the set of
licences that all apply (``AND``), each licence with its ``WITH`` exception. The option that fits the
context best wins (:func:`score`, lower is better) and :func:`explain` says why in words; ties go to the
option written first. The rule that an approved option wins comes from ``license-approval-policy`` §4 ("If a
package is dual-licensed and one option is on this list, choose that option").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from licenseqa.stack.catalog import CATEGORY_RANK, CATEGORY_TEXT, DUAL_QUOTE, SCOPE_RANK, Catalog
from licenseqa.stack.context import MODE_TEXT, CheckContext
from licenseqa.stack.model import Conflict
from licenseqa.stack.resolve import licensing

MAX_OPTIONS = 32


@dataclass(frozen=True)
class Term:
    """One licence of an option, with its exception (``GPL-2.0-only WITH Classpath-exception-2.0``)."""

    license: str
    exception: str | None = None

    def __str__(self) -> str:
        return f"{self.license} WITH {self.exception}" if self.exception else self.license


@dataclass(frozen=True)
class TermCheck:
    """What one term means in the context (cached per term, mode, outbound and modified flag)."""

    term: Term
    scope: str
    triggered: bool
    category: str
    family: str | None
    conflicts: tuple[Conflict, ...]  # component field left empty; filled per component
    undetermined: tuple[str, ...]
    reasons: tuple[str, ...]
    citations: tuple[dict[str, Any], ...]
    obligations: tuple[tuple[str, str, dict[str, Any] | None], ...]  # (kind, text, citation)
    approved: bool = False  # on the policy's section 4 list


@dataclass(frozen=True)
class OptionCheck:
    terms: tuple[TermCheck, ...]
    score: tuple[int, ...] = field(default=())

    @property
    def expression(self) -> str:
        return " AND ".join(str(t.term) for t in self.terms)


@lru_cache(maxsize=4096)
def options(expression: str) -> tuple[tuple[Term, ...], ...]:
    """The OR options of ``expression`` (disjunctive normal form), each a tuple of terms."""
    lic = licensing()
    parsed = lic.parse(expression, validate=False)
    if isinstance(parsed, lic.OR | lic.AND):
        parsed = lic.dnf(parsed)
    branches = list(parsed.args) if isinstance(parsed, lic.OR) else [parsed]
    out: list[tuple[Term, ...]] = []
    for branch in branches[:MAX_OPTIONS]:
        symbols = list(branch.args) if isinstance(branch, lic.AND) else [branch]
        out.append(tuple(_term(s) for s in symbols))
    # keep the order the expression gives (dnf sorts), so ties go to the first option written
    text = expression.replace("(", " ").replace(")", " ")
    out.sort(key=lambda opt: min((text.find(t.license) for t in opt if t.license in text), default=0))
    return tuple(out)


def score(option: OptionCheck) -> tuple[int, ...]:
    """Lower is better: conflicts, the worst policy category, options off the approved list (policy §4),
    undetermined verdicts, triggered copyleft scope, copyleft scope, obligations, licences."""
    terms = option.terms
    return (
        sum(len(t.conflicts) for t in terms),
        max(CATEGORY_RANK[t.category] for t in terms),
        sum(1 for t in terms if not t.approved),
        sum(len(t.undetermined) for t in terms),
        max((SCOPE_RANK[t.scope] if t.triggered else 0) for t in terms),
        max(SCOPE_RANK[t.scope] for t in terms),
        sum(len(t.obligations) for t in terms),
        len(terms),
    )


def explain(
    best: OptionCheck, others: list[OptionCheck], context: CheckContext, catalog: Catalog
) -> tuple[str, list[dict[str, Any]]]:
    """Why ``best`` was taken over each of ``others``: the first criterion of :func:`score` that
    differs, in words; with the policy's section 4 citation when the policy decided it."""
    parts: list[str] = []
    cites: list[dict[str, Any]] = []
    for other in others:
        name = other.expression
        b, o = best.score, other.score
        if b == o:
            parts.append(f"{name} fits equally well; the first option written is taken")
        elif b[0] < o[0]:
            parts.append(f"{name} conflicts with the outbound licence {context.outbound}")
        elif b[1] < o[1]:
            worst = max((t.category for t in other.terms), key=CATEGORY_RANK.__getitem__)
            parts.append(f"{name} is {CATEGORY_TEXT[worst]} under our guidance in {MODE_TEXT[context.mode]}")
            cites.append(catalog.section_citation("4", DUAL_QUOTE))
        elif b[2] < o[2]:
            parts.append(f"{name} is not on our approved list and {best.expression} is")
            cites.append(catalog.section_citation("4", DUAL_QUOTE))
        elif b[3] < o[3]:
            parts.append(f"{name}'s compatibility with {context.outbound} is undetermined")
        elif b[4] < o[4]:
            parts.append(f"{name}'s copyleft would be triggered by {MODE_TEXT[context.mode]}")
        elif b[5] < o[5]:
            scope_b = max((t.scope for t in best.terms), key=SCOPE_RANK.__getitem__)
            scope_o = max((t.scope for t in other.terms), key=SCOPE_RANK.__getitem__)
            parts.append(f"its copyleft scope ({scope_b}) is narrower than {name}'s ({scope_o})")
        elif b[6] < o[6]:
            ours = sum(len(t.obligations) for t in best.terms)
            theirs = sum(len(t.obligations) for t in other.terms)
            parts.append(f"it has fewer obligations in this mode than {name} ({ours} vs {theirs})")
        else:
            parts.append(f"it needs fewer licences to be met than {name}")
    return "; ".join(parts), cites


def _term(symbol: Any) -> Term:
    if hasattr(symbol, "license_symbol"):
        return Term(str(symbol.license_symbol.key), str(symbol.exception_symbol.key))
    return Term(str(symbol.key))
