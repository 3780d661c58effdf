"""Rendering a :class:`~licenseqa.stack.model.StackReport`: the JSON object of issue 15 and Markdown.

JSON shape::

    {"summary": {"components", "resolved", "needs_review", "conflicts", "not_allowed", "mode", "outbound"},
     "components": [{"name", "version", "purl", "declared", "resolved", "chosen",
                     "status": "ok" | "conflict" | "needs-review" | "not-allowed", "reasons", "citations"}],
     "obligations": [{"text", "licenses", "components", "citation"}],
     "conflicts": [{"component", "license", "with", "verdict", "explanation", "citations"}]}

``resolved`` is the normalised SPDX expression or null; ``chosen`` the option taken from an OR, or null.
"""

from __future__ import annotations

from typing import Any

from licenseqa.stack.context import MODE_TEXT
from licenseqa.stack.model import StackReport

DISCLAIMER = "Information with citations, not legal advice."
NO_OBLIGATIONS = {
    "internal": "nothing is distributed, so the OSADL delivery and network checklists do not apply.",
    "saas": "OSADL has network-service checklists only for licences that a network service triggers "
    "(AGPL-3.0, OSL-3.0, AFL-3.0); the others are triggered by distribution.",
}


def to_json(report: StackReport) -> dict[str, Any]:
    """The report as the JSON-ready dict above."""
    return {
        "summary": dict(report.summary),
        "components": [
            {
                "name": r.component.name,
                "version": r.component.version,
                "purl": r.component.purl,
                "declared": list(r.component.declared),
                "resolved": r.resolved,
                "chosen": r.chosen,
                "status": r.status,
                "reasons": list(r.reasons),
                "citations": [dict(c) for c in r.citations],
            }
            for r in report.components
        ],
        "obligations": [
            {
                "text": o.text,
                "licenses": list(o.licenses),
                "components": o.components,
                "citation": dict(o.citation) if o.citation else None,
            }
            for o in report.obligations
        ],
        "conflicts": [
            {
                "component": c.component,
                "license": c.license,
                "with": c.with_,
                "verdict": c.verdict,
                "explanation": c.explanation,
                "citations": [dict(x) for x in c.citations],
            }
            for c in report.conflicts
        ],
    }


def cite(citation: dict[str, Any] | None) -> str:
    """``Apache-2.0 §4(a)`` / ``license-approval-policy §3``; empty for None."""
    if not citation:
        return ""
    section = citation.get("section")
    heading = citation.get("heading")
    where = f" §{section}" if section else (f" ({heading})" if heading else "")
    return f"{citation.get('doc_id')}{where}"


def summary_line(report: StackReport) -> str:
    s = report.summary
    return (
        f"{s['components']} components, {s['resolved']} resolved, {s['needs_review']} need review, "
        f"{s['conflicts']} conflicts, {s['not_allowed']} not allowed; "
        f"mode {s['mode']}, outbound {s['outbound']}"
    )


def to_markdown(report: StackReport, obligations: int | None = None) -> str:
    """A Markdown report: summary, conflicts, not allowed / needs review, obligations, all components.
    ``obligations`` caps the obligations listed (None: all)."""
    s = report.summary
    lines = [
        "# Stack check",
        "",
        f"**{summary_line(report)}**",
        "",
        f"Distribution mode: {MODE_TEXT.get(s['mode'], s['mode'])}. {DISCLAIMER}",
        "",
    ]
    if report.notes:
        lines += ["## Notes", "", *[f"- {n}" for n in report.notes], ""]
    lines += ["## Conflicts", ""]
    if not report.conflicts:
        lines.append("None found.")
    for c in report.conflicts:
        cites = ", ".join(cite(x) for x in c.citations) or "no clause in the corpus"
        lines.append(
            f"- **{c.component}**: {c.license} with {c.with_}: {c.verdict}. {c.explanation} ({cites})"
        )
    lines.append("")
    for status, title in (("not-allowed", "Not allowed"), ("needs-review", "Needs review")):
        rows = [r for r in report.components if r.status == status]
        lines += [f"## {title} ({len(rows)})", ""]
        lines += [f"- **{r.component.key}** ({r.resolved or 'unresolved'}): {r.headline}" for r in rows]
        if not rows:
            lines.append("None.")
        lines.append("")
    shown = report.obligations if obligations is None else report.obligations[:obligations]
    lines += [f"## Obligations ({len(report.obligations)})", ""]
    if not report.obligations:
        lines.append("None for this distribution mode. " + NO_OBLIGATIONS.get(s["mode"], ""))
    for o in shown:
        lines.append(
            f"- {o.text}: {o.components} component{'s' if o.components != 1 else ''} under "
            f"{', '.join(o.licenses)} ({cite(o.citation) or 'uncited'})"
        )
    lines += [
        "",
        "## Components",
        "",
        "| component | declared | resolved | chosen | status |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in report.components:
        declared = "; ".join(r.component.declared) or "none"
        lines.append(
            f"| {_cell(r.component.key)} | {_cell(declared)} | {_cell(r.resolved or '-')} | "
            f"{_cell(r.chosen or '-')} | {r.status} |"
        )
    return "\n".join(lines) + "\n"


def to_text(report: StackReport, obligations: int = 10) -> str:
    """The terminal summary: the summary line, conflicts, review counts and the first obligations."""
    lines = [summary_line(report)]
    for n in report.notes:
        lines.append(f"note: {n}")
    for c in report.conflicts[:20]:
        lines.append(
            f"CONFLICT {c.component}: {c.license} with {c.with_} ({c.verdict}) "
            f"[{', '.join(cite(x) for x in c.citations)}]"
        )
    if len(report.conflicts) > 20:
        lines.append(f"... and {len(report.conflicts) - 20} more conflicts (use --json or --markdown)")
    for r in report.components:
        if r.status == "not-allowed":
            lines.append(f"NOT ALLOWED {r.component.key} ({r.resolved}): {r.headline}")
    review = [r for r in report.components if r.status == "needs-review"]
    if review:
        shown = ", ".join(r.component.key for r in review[:8])
        lines.append(f"NEEDS REVIEW {len(review)}: {shown}" + (", ..." if len(review) > 8 else ""))
    lines.append(f"Obligations ({len(report.obligations)}):")
    if not report.obligations:
        lines.append(f"  none listed: {NO_OBLIGATIONS.get(report.summary['mode'], '')}")
    for o in report.obligations[:obligations]:
        lines.append(
            f"  - {o.text}: {o.components} components under {', '.join(o.licenses)} [{cite(o.citation)}]"
        )
    if len(report.obligations) > obligations:
        lines.append(f"  ... {len(report.obligations) - obligations} more (use --json or --markdown)")
    lines.append(DISCLAIMER)
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
