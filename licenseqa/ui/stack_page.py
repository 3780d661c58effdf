"""The "Stack check" page: upload SBOMs / manifests or paste one, pick mode and outbound licence, read the
report. Every rule lives in ``licenseqa.stack``; this page only collects input and shows the report, with
each obligation, conflict and policy citation linked to its clause in the licence browser."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import streamlit as st

from licenseqa.errors import LicenseQAError
from licenseqa.stack.check import StackChecker
from licenseqa.stack.context import MODE_TEXT, MODES, CheckContext, make_context
from licenseqa.stack.diff import diff_reports
from licenseqa.stack.inputs import merge, read_bytes
from licenseqa.stack.model import Inventory, StackInputError, StackReport
from licenseqa.stack.policy_admin import (
    DECISIONS,
    AdminTokenError,
    policy_path,
    record_decision,
    remove_decision,
)
from licenseqa.stack.report import DISCLAIMER, cite, summary_line, to_json, to_markdown
from licenseqa.ui.render import md_escape, md_inert
from licenseqa.ui.resources import ROOT, settings

PASTE_AS = {
    "auto (CycloneDX / SPDX JSON or XML, tag-value, package-lock, model card)": "pasted",
    "requirements.txt": "requirements.txt",
    "pyproject.toml": "pyproject.toml",
    "package.json": "package.json",
}
STATUS_ORDER = ["conflict", "not-allowed", "needs-review", "ok"]
MAX_GRAPH_EDGES = 60


@st.cache_resource(show_spinner=False)
def _checker() -> StackChecker:
    return StackChecker()


def _link(browser: st.Page, citation: dict[str, Any], key: str) -> None:
    params = {"doc": citation["doc_id"], "section": citation.get("section") or ""}
    if citation.get("start_line"):
        params["line"] = str(citation["start_line"])
    st.page_link(browser, label=cite(citation) or citation["doc_id"], query_params=params)


def _inventory(uploads: list[Any], pasted: str, paste_name: str) -> Inventory:
    parts = [read_bytes(f.getvalue(), f.name) for f in uploads]
    if pasted.strip():
        parts.append(read_bytes(pasted.encode("utf-8"), paste_name))
    if not parts:
        raise StackInputError("Upload a file or paste a manifest first.")
    return merge(parts)


def stack_page(browser: st.Page) -> None:
    st.title("Stack check")
    st.caption(
        "An SBOM or a dependency manifest in; each component's licence, the conflicts and the combined "
        f"obligations for the way the product ships out, each cited. {DISCLAIMER}"
    )
    cols = st.columns(2)
    mode = cols[0].selectbox(
        "Distribution mode", MODES, index=MODES.index("binary"), key="stack_mode", format_func=MODE_TEXT.get
    )
    outbound = cols[1].text_input("Outbound licence", value="proprietary", key="stack_outbound")
    policy = _policy()
    if policy.exists():
        st.caption(md_escape(f"Decisions recorded in {policy} are applied."))
    check_tab, diff_tab = st.tabs(["Check", "Compare two versions"])
    with check_tab:
        _check(browser, mode, outbound)
    with diff_tab:
        _compare(mode, outbound)
    with st.expander("Record a decision", expanded="decide_done" in st.session_state):
        _decide(mode, outbound)


def _policy() -> Path:
    return policy_path(ROOT)


def _context(mode: str, outbound: str) -> CheckContext:
    """The page's mode and outbound licence, with the decisions of the app's policy file when it exists."""
    policy = _policy()
    return make_context(mode, outbound, policy=policy if policy.exists() else None)


def _check(browser: st.Page, mode: str, outbound: str) -> None:
    uploads = st.file_uploader(
        "SBOMs or manifests", accept_multiple_files=True, key="stack_files",
        help="CycloneDX JSON/XML, SPDX 2/3, requirements.txt, pyproject.toml, package(-lock).json, a card",
    )  # fmt: skip
    pasted = st.text_area("or paste one", key="stack_paste", height=140)
    paste_as = st.selectbox("pasted text is", list(PASTE_AS), key="stack_paste_as")
    if st.button("Check", key="stack_run", type="primary"):
        try:
            inventory = _inventory(list(uploads or []), pasted, PASTE_AS[paste_as])
            context = _context(mode, outbound)
            report = _checker().check(inventory, context)
        except LicenseQAError as exc:
            st.session_state.pop("stack_report", None)
            st.error(md_inert(str(exc)))
            return
        st.session_state["stack_report"] = (report, inventory, context)
    found = st.session_state.get("stack_report")
    if found:
        _show(found[0], found[1], browser, found[2])


def _side(label: str, key: str) -> tuple[Any, str]:
    upload = st.file_uploader(label, key=f"{key}_file")
    pasted = st.text_area(f"or paste the {label.lower()}", key=f"{key}_paste", height=100)
    return upload, pasted


def _compare(mode: str, outbound: str) -> None:
    """Two versions of the same product: what was added, removed, upgraded and relicensed."""
    cols = st.columns(2)
    with cols[0]:
        old_file, old_text = _side("Old version", "stack_old")
    with cols[1]:
        new_file, new_text = _side("New version", "stack_new")
    if not st.button("Compare", key="stack_compare"):
        return
    try:
        context = _context(mode, outbound)
        old = _checker().check(_inventory([old_file] if old_file else [], old_text, "old.json"), context)
        new = _checker().check(_inventory([new_file] if new_file else [], new_text, "new.json"), context)
    except LicenseQAError as exc:
        st.error(md_inert(str(exc)))
        return
    result = diff_reports(old, new)
    st.markdown(md_escape(f"Old: {summary_line(old)}"))
    st.markdown(md_escape(f"New: {summary_line(new)}"))
    relicensed = [c for c in result.changes if c.kind == "relicensed"]
    for c in relicensed:
        st.warning(md_inert(f"Relicensed: {c.name}: {c.old} -> {c.new}"))
    st.dataframe(
        [
            {"component": c.name, "change": c.kind, "old": c.old or "", "new": c.new or ""}
            for c in result.changes
        ],
        hide_index=True,
        width="stretch",
    )
    for title, items in (
        ("New conflicts", result.conflicts_added),
        ("Conflicts gone", result.conflicts_removed),
        ("New obligations", result.obligations_added),
        ("Obligations gone", result.obligations_removed),
    ):
        if items:
            st.markdown(f"**{title}**")
            st.markdown("\n".join(f"- {md_escape(x)}" for x in items))


def _show(report: StackReport, inventory: Inventory, browser: st.Page, context: CheckContext) -> None:
    s = report.summary
    st.subheader(summary_line(report))
    metrics = st.columns(6)
    for col, (label, value) in zip(
        metrics,
        [
            ("components", s["components"]),
            ("licences", len({lic for r in report.components for lic in r.licenses})),
            ("conflicts", s["conflicts"]),
            ("not allowed", s["not_allowed"]),
            ("needs review", s["needs_review"]),
            ("obligations", len(report.obligations)),
        ],
        strict=True,
    ):
        col.metric(label, value)
    for note in report.notes:
        st.info(md_inert(note))
    downloads = st.columns(2)
    downloads[0].download_button(
        "Download Markdown", to_markdown(report), "stack-check.md", "text/markdown", key="stack_dl_md"
    )
    downloads[1].download_button(
        "Download JSON", json.dumps(to_json(report), indent=1), "stack-check.json", "application/json",
        key="stack_dl_json",
    )  # fmt: skip
    mix = Counter(
        (
            r.family
            or (f"LicenseDB: {r.licensedb_category}" if r.licensedb_category else None)
            or ("unresolved" if r.resolved is None else "several licences")
        ).replace("-", " ")
        for r in report.components
    )
    st.markdown("**Licence mix by category**")
    st.bar_chart({"components": dict(mix.most_common())}, horizontal=True)
    _conflicts(report, inventory, browser)
    _obligations(report, browser)
    _table(report, context)
    _details(report, browser)


def _conflicts(report: StackReport, inventory: Inventory, browser: st.Page) -> None:
    st.markdown(f"### Conflicts ({len(report.conflicts)})")
    if not report.conflicts:
        st.caption("None found for this mode and outbound licence.")
    for n, c in enumerate(report.conflicts[:50]):
        with st.container(border=True):
            st.markdown(
                f"**{md_escape(c.component)}**: {md_escape(c.license)} with {md_escape(c.with_)} — "
                f"**{md_escape(c.verdict)}**"
            )
            st.caption(md_escape(c.explanation))
            for m, citation in enumerate(c.citations):
                _link(browser, citation, f"conflict_{n}_{m}")
    refs = {r.component.ref: r.component.key for r in report.components if r.component.ref}
    flagged = {c.component for c in report.conflicts}
    edges = _paths_to(flagged, inventory.dependencies, refs)
    if edges:
        st.markdown("**Where the conflicts sit in the dependency graph**")
        lines = [f'"{a}" -> "{b}";' for a, b in edges] + [f'"{k}" [color=red];' for k in flagged]
        st.graphviz_chart("digraph { rankdir=LR; node [shape=box]; " + " ".join(lines) + " }")


def _paths_to(
    flagged: set[str], dependencies: tuple[tuple[str, tuple[str, ...]], ...], refs: dict[str, str]
) -> list[tuple[str, str]]:
    """The dependency edges on the way from the product down to each flagged component (up to
    :data:`MAX_GRAPH_EDGES`), by component key."""
    parents: dict[str, set[str]] = {}
    for parent, children in dependencies:
        for child in children:
            parents.setdefault(refs.get(child, child), set()).add(refs.get(parent, parent))
    edges: list[tuple[str, str]] = []
    todo, seen = list(flagged), set(flagged)
    while todo and len(edges) < MAX_GRAPH_EDGES:
        node = todo.pop()
        for parent in sorted(parents.get(node, ())):
            edges.append((parent, node))
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return edges[:MAX_GRAPH_EDGES]


def _obligations(report: StackReport, browser: st.Page) -> None:
    st.markdown(f"### Obligations ({len(report.obligations)})")
    if not report.obligations:
        st.caption("None listed for this distribution mode.")
    for n, o in enumerate(report.obligations[:40]):
        cols = st.columns([3, 2])
        cols[0].markdown(
            md_escape(f"{o.text}: {o.components} component{'s' if o.components != 1 else ''} under ")
            + md_escape(", ".join(o.licenses))
        )
        with cols[1]:
            if o.citation:
                _link(browser, o.citation, f"obligation_{n}")
            else:
                st.caption("no clause found for this item")


def _table(report: StackReport, context: CheckContext) -> None:
    st.markdown("### Components")
    statuses = st.multiselect("Status", STATUS_ORDER, default=[], key="stack_status_filter")
    query = st.text_input("Filter by name or licence", key="stack_filter")
    rows = [
        {
            "component": r.component.key,
            "declared": "; ".join(r.component.declared) or "none",
            "resolved": r.resolved or "",
            "chosen": r.chosen or "",
            "status": r.status,
            "decision": _decision_text(context, r.component),
            "reason": r.headline,
            "clauses": ", ".join(cite(c) for c in r.citations),
        }
        for r in sorted(report.components, key=lambda r: STATUS_ORDER.index(r.status))
        if (not statuses or r.status in statuses)
        and (not query or query.lower() in f"{r.component.key} {r.resolved} {r.component.declared}".lower())
    ]
    st.dataframe(rows, hide_index=True, width="stretch")


def _details(report: StackReport, browser: st.Page) -> None:
    """One component's reasons, each clause a link into the licence browser."""
    keys = [r.component.key for r in sorted(report.components, key=lambda r: STATUS_ORDER.index(r.status))]
    if not keys:
        return
    wanted = st.selectbox("Details of", keys, key="stack_detail")
    result = next(r for r in report.components if r.component.key == wanted)
    st.markdown(f"**{md_escape(result.component.key)}**: {result.status}")
    if result.resolved:
        chosen = f" (chosen: {result.chosen})" if result.chosen else ""
        st.caption(md_escape(f"{result.resolved}{chosen}"))
    st.markdown("\n".join(f"- {md_escape(reason)}" for reason in result.reasons))
    for n, citation in enumerate(result.citations):
        _link(browser, citation, f"detail_{n}")


def _decision_text(context: CheckContext, component: Any) -> str:
    decision = context.decision_for(component)
    if decision is None or decision.decision is None:
        return ""
    by = f"by {decision.by}" if decision.by else ""
    text = " ".join(x for x in (decision.decision, by, decision.date) if x)
    return text if decision.matches(component) else f"{text} (for version {decision.version})"


def _decide(mode: str, outbound: str) -> None:
    """Add, update or remove one decision record of the policy file: admin token, then validated, atomic
    and audited by ``licenseqa.stack.policy_admin`` (the corpus admin's lock and audit trail)."""
    from licenseqa.corpus.admin import CorpusAdmin
    from licenseqa.ui.manage import MAX_DELAY_S, configured_token

    token = configured_token()
    if not token:
        st.info(
            "Recording decisions is disabled. Set an admin token as for Manage corpus "
            '(`LICENSEQA_ADMIN_TOKEN`, or `admin_token = "..."` in `.streamlit/secrets.toml`).'
        )
        return
    st.caption(
        md_escape(
            f"Written to {_policy()} (set LICENSEQA_STACK_POLICY to use another file) and recorded in the "
            "corpus audit trail. Needs the admin token, as Manage corpus does."
        )
    )
    if st.session_state.get("decide_done"):  # shown once, after the page re-ran with the new decision
        st.success(md_escape(st.session_state.pop("decide_done")))
    with st.form("stack_decision"):
        c1, c2, c3 = st.columns(3)
        name = c1.text_input("Component name", key="decide_name")
        version = c2.text_input("Version (empty: any version)", key="decide_version")
        licence = c3.text_input("Licence (SPDX)", key="decide_license")
        c1, c2 = st.columns(2)
        decision = c1.radio(
            "Decision",
            DECISIONS,
            horizontal=True,
            key="decide_decision",
            format_func=lambda d: d.replace("-", " "),
        )
        for_mode = c2.selectbox("For mode", ["(any)", *MODES], key="decide_mode")
        why = st.text_input("Why (review ticket, conditions)", key="decide_why")
        c1, c2 = st.columns(2)
        who = c1.text_input("Who decided", value=st.session_state.get("admin_actor", ""), key="decide_by")
        given = c2.text_input("Admin token", type="password", key="decide_token")
        remove = st.checkbox("Remove this component's decision instead", key="decide_remove")
        submitted = st.form_submit_button("Save decision")
    if not submitted:
        return
    failures = int(st.session_state.get("admin_failures", 0))
    if failures:
        time.sleep(min(0.25 * 2**failures, MAX_DELAY_S))  # repeated failures are slowed down, as on Manage
    actor = st.session_state.get("admin_actor") or who
    admin = CorpusAdmin(Path(settings().corpus_dir))
    common: dict[str, Any] = {"token": given, "expected_token": token, "actor": actor, "name": name}
    try:
        if remove:
            change = remove_decision(_policy(), admin, version=version or None, **common)
        else:
            change = record_decision(
                _policy(), admin, decision=decision, by=who, why=why, version=version or None,
                license=licence or None, mode=None if for_mode == "(any)" else for_mode, **common,
            )  # fmt: skip
    except LicenseQAError as exc:
        if isinstance(exc, AdminTokenError):
            st.session_state["admin_failures"] = failures + 1
        st.error(md_inert(str(exc)))
        return
    st.session_state["admin_failures"] = 0
    done = {"decision-add": "recorded", "decision-update": "updated", "decision-remove": "removed"}
    st.session_state["decide_done"] = f"Decision {done[change.action]} for {change.component}."
    found = st.session_state.get("stack_report")
    if found:  # the report on the page shows the new decision at once
        context = _context(mode, outbound)
        st.session_state["stack_report"] = (_checker().check(found[1], context), found[1], context)
        st.rerun()
    st.success(md_escape(st.session_state.pop("decide_done")))
