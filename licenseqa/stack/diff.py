"""Two inventories of the same product compared: components added, removed, upgraded, relicensed, and
what that changes in conflicts, needs-review and obligations (both checked in the same context)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from licenseqa.stack.check import StackChecker
from licenseqa.stack.context import CheckContext
from licenseqa.stack.inputs import read_inputs
from licenseqa.stack.model import ComponentResult, StackReport
from licenseqa.stack.report import summary_line


@dataclass(frozen=True)
class Change:
    """One component that differs: ``kind`` is ``added``, ``removed``, ``upgraded`` or ``relicensed``
    (a relicensing may come with an upgrade); ``old`` / ``new`` as ``version licence status``."""

    name: str
    kind: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class StackDiff:
    old: StackReport
    new: StackReport
    changes: tuple[Change, ...]
    obligations_added: tuple[str, ...]
    obligations_removed: tuple[str, ...]
    conflicts_added: tuple[str, ...]
    conflicts_removed: tuple[str, ...]


def _by_name(report: StackReport) -> dict[str, ComponentResult]:
    return {
        r.component.purl.split("@")[0] if r.component.purl else r.component.name: r for r in report.components
    }


def _describe(r: ComponentResult) -> str:
    return f"{r.component.version or '-'} {r.chosen or r.resolved or 'unresolved'} {r.status}"


def diff_reports(old: StackReport, new: StackReport) -> StackDiff:
    """Compare two reports component by component (matched by purl without version, else name)."""
    before, after = _by_name(old), _by_name(new)
    changes: list[Change] = []
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        if a is None and b is not None:
            changes.append(Change(b.component.name, "added", None, _describe(b)))
        elif b is None and a is not None:
            changes.append(Change(a.component.name, "removed", _describe(a), None))
        elif a is not None and b is not None:
            if a.resolved != b.resolved:
                changes.append(Change(b.component.name, "relicensed", _describe(a), _describe(b)))
            elif a.component.version != b.component.version:
                changes.append(Change(b.component.name, "upgraded", _describe(a), _describe(b)))
    old_ob = {o.text for o in old.obligations}
    new_ob = {o.text for o in new.obligations}
    old_cf = {f"{c.component}: {c.license} with {c.with_}" for c in old.conflicts}
    new_cf = {f"{c.component}: {c.license} with {c.with_}" for c in new.conflicts}
    return StackDiff(
        old=old,
        new=new,
        changes=tuple(changes),
        obligations_added=tuple(sorted(new_ob - old_ob)),
        obligations_removed=tuple(sorted(old_ob - new_ob)),
        conflicts_added=tuple(sorted(new_cf - old_cf)),
        conflicts_removed=tuple(sorted(old_cf - new_cf)),
    )


def diff_files(old: str, new: str, context: CheckContext, checker: StackChecker | None = None) -> StackDiff:
    checker = checker or StackChecker()
    return diff_reports(
        checker.check(read_inputs([old]), context), checker.check(read_inputs([new]), context)
    )


def diff_json(d: StackDiff) -> dict[str, Any]:
    return {
        "old": d.old.summary,
        "new": d.new.summary,
        "changes": [{"name": c.name, "kind": c.kind, "old": c.old, "new": c.new} for c in d.changes],
        "obligations_added": list(d.obligations_added),
        "obligations_removed": list(d.obligations_removed),
        "conflicts_added": list(d.conflicts_added),
        "conflicts_removed": list(d.conflicts_removed),
    }


def diff_text(d: StackDiff) -> str:
    lines = [f"old: {summary_line(d.old)}", f"new: {summary_line(d.new)}"]
    counts = {
        k: sum(1 for c in d.changes if c.kind == k) for k in ("added", "removed", "upgraded", "relicensed")
    }
    lines.append(", ".join(f"{n} {k}" for k, n in counts.items()))
    for c in d.changes:
        if c.kind == "relicensed":
            lines.append(f"RELICENSED {c.name}: {c.old} -> {c.new}")
    for c in d.changes:
        if c.kind in ("added", "removed"):
            lines.append(f"{c.kind.upper()} {c.name}: {c.new or c.old}")
    lines += [f"+ conflict {x}" for x in d.conflicts_added] + [f"- conflict {x}" for x in d.conflicts_removed]
    lines += [f"+ obligation {x}" for x in d.obligations_added]
    lines += [f"- obligation {x}" for x in d.obligations_removed]
    return "\n".join(lines)
