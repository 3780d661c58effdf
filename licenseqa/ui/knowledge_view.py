"""Rendering of OSADL checklists and compatibility verdicts (data from licenseqa.knowledge.osadl)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from licenseqa.knowledge.osadl import Knowledge
from licenseqa.ui.render import md_escape

LinkFn = Callable[[dict[str, Any], str], None]


def cite_text(c: dict[str, Any] | None) -> str:
    if not c:
        return "no clause found for this item"
    section = f" §{c['section']}" if c.get("section") else ""
    return f"{c['doc_id']}{section}, {c['source']} lines {c['start_line']}-{c['end_line']}"


def render_checklist(ob: dict[str, Any], link: LinkFn, key: str) -> None:
    if not ob.get("items"):
        if ob.get("note"):
            st.caption(md_escape(ob["note"]))
        return
    st.markdown(f"**Obligations checklist (OSADL) — {md_escape(ob['use_case'] or '')}**")
    for n, item in enumerate(ob["items"]):
        verb = "MUST NOT" if item["kind"] == "must_not" else "MUST"
        cond = f" · if {'; '.join(item['conditions'])}" if item.get("conditions") else ""
        alt = item.get("alternative")
        either = f" · alternative {alt['option'] + 1} of choice {alt['group']}" if alt else ""
        cols = st.columns([3, 2])
        cols[0].markdown(md_escape(f"YOU {verb} {item['text']}{cond}{either}"))
        with cols[1]:
            if item.get("citation"):
                link(item["citation"], f"{key}_{n}")
            else:
                st.caption("no clause found for this item")


def render_compat(c: dict[str, Any], link: LinkFn, key: str) -> None:
    verdict = c.get("verdict") or "not covered by OSADL"
    st.markdown(
        md_escape(f"Compatibility (OSADL): {c['subordinate']} inside a {c['leading']} work — ")
        + f"**{md_escape(verdict)}**"
    )
    if c.get("direction"):
        st.caption(md_escape(c["direction"]))
    st.caption(md_escape(c.get("explanation") or ""))
    for n, cit in enumerate(c.get("citations", [])):
        link(cit, f"{key}_{n}")


def use_case_switch(kb: Knowledge, ob: dict[str, Any], key: str) -> dict[str, Any]:
    """Let the user pick another use case of the same licence."""
    names = ob.get("use_cases") or []
    if not names:
        return ob
    current = ob.get("use_case") if ob.get("use_case") in names else None
    choice = st.radio(
        "Use case", names, index=names.index(current) if current else None, key=key, horizontal=True
    )
    if choice and choice != current:
        return kb.obligations(ob["license"], choice)
    return ob
