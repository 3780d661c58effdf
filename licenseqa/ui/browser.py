"""License browser: find a document, read its facts and outline, and see any clause highlighted.

The URL identifies what is shown: ``?doc=<id>&section=<label>&line=<n>``.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import streamlit as st
import streamlit.components.v1 as components

from licenseqa.corpus.catalog import DocumentView, document_view, search_documents
from licenseqa.errors import LicenseQAError
from licenseqa.models import Clause
from licenseqa.ui.facts_view import HrefFn, render_facts
from licenseqa.ui.knowledge_view import LinkFn, render_checklist, render_compat
from licenseqa.ui.render import KIND_LABELS, md_code, md_escape, md_inert, text_block_html
from licenseqa.ui.resources import current_status, get_retriever, settings


def _select_section(section: str | None, line: int) -> None:
    st.query_params["section"] = section or ""
    st.query_params["line"] = str(line)


def _select_doc() -> None:
    doc = st.session_state.get("browser_doc")
    if doc:
        st.query_params.clear()
        st.query_params["doc"] = doc


def _front_matter_end(lines: tuple[str, ...]) -> int:
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() == "---":
                return i + 1
    return 0


def _render_text(view: DocumentView, highlight_start: int | None) -> None:
    lines = view.lines
    start = _front_matter_end(lines)  # 0-based index of the first body line
    blocks: list[str] = []
    by_start = {e.start_line: e for e in view.outline}
    i = start
    pending: list[str] = []
    while i < len(lines):
        entry = by_start.get(i + 1)
        if entry is None:
            pending.append(lines[i])
            i += 1
            continue
        if pending and any(p.strip() for p in pending):
            blocks.append(text_block_html(pending))
        pending = []
        chunk = list(lines[entry.start_line - 1 : entry.end_line])
        blocks.append(
            text_block_html(chunk, anchor=entry.anchor, highlight=entry.start_line == highlight_start)
        )
        i = entry.end_line
    if pending and any(p.strip() for p in pending):
        blocks.append(text_block_html(pending))
    st.markdown("".join(blocks), unsafe_allow_html=True)


def _library_browser(wanted: str | None) -> None:
    """Search and read any LicenseDB text of the bundled copy (``?library=<key>``), labelled not reviewed.
    Works without an index: the texts are read from the package (``corpus.library``)."""
    from licenseqa.corpus.library import NOT_REVIEWED, catalog, read_text, search

    library = catalog()
    query = st.text_input(
        f"Search {len(library.indexable()):,} LicenseDB licences by name, key or SPDX id",
        key="library_query",
        placeholder="e.g. Sleepycat, cecill-2.1, stability",
    )
    found = search(query, library)
    if wanted and wanted in library.entries and all(e.key != wanted for e in found):
        found.insert(0, library.entries[wanted])
    if not found:
        st.info("No LicenseDB licence matches.")
        return
    keys = [e.key for e in found]
    key = st.selectbox(
        "LicenseDB licence",
        keys,
        index=keys.index(wanted) if wanted in keys else 0,
        key="library_key",
        format_func=lambda k: f"{library.entries[k].name} ({k})",
    )
    entry = library.entries[key]
    st.warning(f"{NOT_REVIEWED}: read it as a reference, not as our legal team's reviewed copy.")
    facts = {
        "key": entry.key,
        "category": entry.category,
        "SPDX": entry.spdx,
        "other names": ", ".join(entry.other_names),
        "owner": entry.owner,
        "homepage": entry.homepage_url,
        "source": f"{entry.source}, {library.source} (CC-BY-4.0, nexB Inc. and others)",
    }
    facts = {k: v for k, v in facts.items() if v}
    st.table({"fact": list(facts), "value": list(facts.values())})
    text = read_text(key)
    st.markdown(text_block_html(text.body.split("\n")), unsafe_allow_html=True)


def browser_page(self_page: st.Page) -> None:
    """The licence browser; ``self_page`` is its own page, which links to other documents open."""
    st.title("License browser")
    library_key = st.query_params.get("library")
    # a toggle, not an expander: a collapsed expander still runs its body (reading a text out of the
    # bundled archive and showing its not-reviewed warning on every visit)
    if st.toggle(
        "LicenseDB library: every ScanCode LicenseDB text (not reviewed)",
        value=bool(library_key),
        key="library_open",
    ):
        with st.container(border=True):
            try:
                _library_browser(library_key)
            except LicenseQAError as exc:
                st.error(md_inert(str(exc)))
    try:
        status = current_status()
        if not status.ready:
            st.warning(md_inert(status.message))
            return
        retriever = get_retriever()
    except LicenseQAError as exc:
        st.error(md_inert(str(exc)))
        return
    state = retriever.state
    rows = [
        {"doc_id": d.doc_id, "title": d.title, "kind": d.kind, "spdx": d.spdx, "aliases": list(d.aliases)}
        for d in state.docs.values()
    ]
    params = st.query_params
    wanted = params.get("doc")
    if wanted:  # a link or a typed URL: ids in any case, like every other filter
        from licenseqa.corpus.documents import UnknownNameError, resolve_name

        try:
            wanted = resolve_name(wanted, state.docs)
        except UnknownNameError as exc:
            st.warning(md_inert(str(exc)))
            wanted = None
    col_q, col_k = st.columns([2, 1])
    query = col_q.text_input(
        "Search by id, title or alias", key="browser_query", placeholder="e.g. GPL, Llama, CC BY"
    )
    kinds = col_k.multiselect(
        "Kind",
        sorted({r["kind"] for r in rows}),
        key="browser_kinds",
        format_func=lambda k: KIND_LABELS.get(k, k),
    )
    matches = search_documents(rows, query, kinds or None)
    ids = [m["doc_id"] for m in matches]
    if wanted and wanted in state.docs and wanted not in ids:
        ids.insert(0, wanted)
    if not ids:
        st.info("No document matches. Clear the search or the kind filter.")
        return
    titles = {r["doc_id"]: f"{r['title']} ({r['doc_id']})" for r in rows}
    if wanted in ids:
        st.session_state["browser_doc"] = wanted
    elif st.session_state.get("browser_doc") not in ids:
        st.session_state["browser_doc"] = ids[0]
    doc_id = st.selectbox(
        f"Document ({len(matches)} match{'es' if len(matches) != 1 else ''})",
        ids,
        key="browser_doc",
        format_func=lambda i: titles.get(i, i),
        on_change=_select_doc,
    )
    doc = state.docs[doc_id]
    snap = retriever.snapshot()
    clauses = [c for c in snap.clauses if c.doc_id == doc_id]
    root = Path(settings().corpus_dir).resolve().parent
    view = document_view(root, doc.source, clauses)

    st.header(md_escape(view.title))
    facts = {"id": view.doc_id, "kind": KIND_LABELS.get(view.kind, view.kind)}
    if view.spdx:
        facts["SPDX"] = view.spdx
    for key in ("source", "url", "owner", "last_reviewed"):
        if view.facts.get(key):
            facts[key] = str(view.facts[key])
    for key in ("permissions", "conditions", "limitations"):
        if view.facts.get(key):
            facts[key] = ", ".join(str(x) for x in view.facts[key])
    if view.aliases:
        facts["aliases"] = ", ".join(view.aliases)
    if view.facts.get("versions"):
        facts["model versions covered"] = ", ".join(str(x) for x in view.facts["versions"])
    st.table({"fact": list(facts), "value": list(facts.values())})
    st.caption(f"File {md_code(view.source)} · {len(view.outline)} sections and passages in the index")

    render_facts(doc_id, _clause_href(snap.clauses))
    _knowledge_panels(doc_id, state, _section_button(self_page))

    section = params.get("section") or None
    line = params.get("line")
    target = view.clause_for(section, int(line) if line and line.isdigit() else None)
    with st.expander("Outline", expanded=target is None):
        for n, entry in enumerate(e for e in view.outline if e.section):
            label = f"§{entry.section}" + (f" {entry.heading}" if entry.heading else "")
            st.button(
                label,
                key=f"outline_{n}",
                on_click=_select_section,
                args=(entry.section, entry.start_line),
            )
    if target is not None:
        heading = f" — {target.heading}" if target.heading else ""
        shown = md_escape(f"§{target.section or ''}{heading}")
        st.markdown(f"**Showing {shown}** (lines {target.start_line}-{target.end_line})")
    _render_text(view, target.start_line if target else None)
    if target is not None:
        anchor = html.escape(target.anchor)
        components.html(
            f"<script>const el = window.parent.document.getElementById('{anchor}');"
            "if (el) { el.scrollIntoView({block: 'center'}); }</script>",
            height=0,
        )


def _clause_href(clauses: list[Clause]) -> HrefFn:
    """A facts citation ``{doc, section, phrase}`` as this page's URL of its clause (``?doc&section&line``);
    the line is that of the part of the section holding the phrase, when the index has it."""
    from licenseqa.knowledge.facts import FactCitation, resolve

    by_doc: dict[str, list[Clause]] = {}
    for c in clauses:
        by_doc.setdefault(c.doc_id, []).append(c)
    done: dict[tuple[str, str, str], str] = {}

    def href(c: Mapping[str, Any]) -> str:
        doc, section, phrase = str(c.get("doc") or ""), c.get("section") or "", str(c.get("phrase") or "")
        key = (doc, section, phrase)
        if key not in done:
            params = {"doc": doc, "section": section}
            found = resolve(FactCitation(doc, section or None, phrase), by_doc.get(doc, []))
            if found and found.get("start_line"):
                params["line"] = str(found["start_line"])
            done[key] = "?" + urlencode(params)
        return done[key]

    return href


def _section_button(page: st.Page) -> LinkFn:
    """A cited clause as a button (same document) or as a link to another document in ``page``."""

    def link(c: dict, key: str) -> None:
        section = f" §{c['section']}" if c.get("section") else ""
        label = f"{c['doc_id']}{section} (lines {c['start_line']}-{c['end_line']})"
        if c["doc_id"] == st.query_params.get("doc"):
            st.button(label, key=key, on_click=_select_section, args=(c.get("section"), c["start_line"]))
        else:
            st.page_link(
                page,
                label=label,
                query_params={
                    "doc": c["doc_id"],
                    "section": c.get("section") or "",
                    "line": str(c["start_line"]),
                },
            )

    return link


def _knowledge_panels(doc_id: str, state: object, link: LinkFn) -> None:
    """OSADL checklist per use case for this licence, and a compatibility checker."""
    from licenseqa.answering.compose import default_knowledge
    from licenseqa.errors import InputError

    kb = default_knowledge()
    if kb is None:
        return
    with st.expander("Obligations checklist (OSADL)"):
        names = kb.use_cases(doc_id)
        if not names:
            st.caption(f"OSADL has no obligations checklist for {md_escape(doc_id)}; read its clauses below.")
        else:
            for name, tab in zip(names, st.tabs(names), strict=True):
                with tab:
                    render_checklist(kb.obligations(doc_id, name), link, f"chk_{name}")
    with st.expander("Compatibility checker (OSADL)"):
        covered = sorted(kb.matrix)
        default_lead = next((i for i in kb.osadl_ids(doc_id)), None)
        c1, c2 = st.columns(2)
        lead = c1.selectbox(
            "Licence of the combined work (leading)",
            covered,
            index=covered.index(default_lead) if default_lead in covered else None,
            key="compat_leading",
        )
        sub = c2.selectbox(
            "Licence of the included code (subordinate)", covered, index=None, key="compat_sub"
        )
        if lead and sub:
            try:
                render_compat(kb.compat(lead, sub), link, "compat_cit")
            except InputError as exc:
                st.warning(md_inert(str(exc)))
