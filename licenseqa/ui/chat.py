"""Chat page: questions in, cited answers out; every citation one click from its clause."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from licenseqa.answering.compose import DISCLAIMER, answer, cite_label
from licenseqa.corpus.library import NOT_REVIEWED
from licenseqa.corpus.library import TIER as LIBRARY_TIER
from licenseqa.errors import LicenseQAError
from licenseqa.models import Answer, Citation, Clause
from licenseqa.ui.export import conversation_markdown
from licenseqa.ui.feedback import record_feedback
from licenseqa.ui.knowledge_view import LinkFn, render_checklist, render_compat, use_case_switch
from licenseqa.ui.render import (
    KIND_LABELS,
    answer_html,
    citation_place,
    highlighted_clause_html,
    md_escape,
    md_inert,
    stream_html,
)
from licenseqa.ui.resources import build_index, current_status, get_llm, get_retriever, settings

EXAMPLES = (
    "Does AGPL-3.0 require me to offer source code to users of my network service?",
    "Does Apache License 2.0 require me to give recipients a copy of the license?",
    "Can I use Llama 3.1 if my product has more than 700 million monthly active users?",
    "Which licenses are approved for use in our products without legal review?",
    "How do I write the NOTICE file for our product release?",
    "What does CC BY 4.0 mean by Adapted Material?",
)


def _turns() -> list[Answer]:
    return st.session_state.setdefault("turns", [])


def _ask_example(question: str) -> None:
    st.session_state["pending_question"] = question


def sidebar(status_ready: bool) -> tuple[list[str] | None, list[str] | None]:
    """Examples, filters, index status and the not-legal-advice note. Returns (doc ids, kinds)."""
    doc_ids: list[str] | None = None
    kinds: list[str] | None = None
    with st.sidebar:
        st.subheader("Try asking")
        for n, q in enumerate(EXAMPLES):
            st.button(q, key=f"example_{n}", on_click=_ask_example, args=(q,), use_container_width=True)
        if status_ready:
            state = get_retriever().state
            st.subheader("Filters")
            all_kinds = sorted({d.kind for d in state.docs.values()})
            kinds = st.multiselect(  # nothing selected: no filter
                "Document kinds", all_kinds, key="filter_kinds", format_func=lambda k: KIND_LABELS.get(k, k)
            )
            titles = {d.doc_id: f"{d.title} ({d.doc_id})" for d in state.docs.values()}
            doc_ids = st.multiselect(
                "Specific licences or documents",
                sorted(titles, key=lambda i: titles[i].lower()),
                key="filter_docs",
                format_func=lambda i: titles[i],
            )
        st.subheader("Index")
        status = current_status()
        if status.corpus_version:
            st.caption(
                f"Corpus version `{status.corpus_version}` · {status.documents} documents · "
                f"{status.clauses:,} clauses · built {status.built_at}"
            )
        else:
            st.caption("No index yet.")
        st.caption(DISCLAIMER)
    return doc_ids, kinds


def _clause_of(ans: Answer, c: Citation) -> Clause | None:
    for hit in ans.retrieved:
        cl = hit.clause
        if cl.doc_id == c.doc_id and cl.section == c.section and cl.start_line <= c.start_line <= cl.end_line:
            return cl
    return None


def _on_feedback(index: int) -> None:
    value = st.session_state.get(f"feedback_{index}")
    turns = _turns()
    if value is None or index >= len(turns):
        return
    try:
        record_feedback(Path(settings().feedback_path), turns[index], "up" if value == 1 else "down")
        st.session_state[f"feedback_saved_{index}"] = True
    except LicenseQAError as exc:
        st.session_state[f"feedback_error_{index}"] = str(exc)


def render_answer(ans: Answer, index: int, browser: st.Page) -> None:
    """One answer with its citations; ``browser`` is the licence browser page the citations open."""
    for warning in ans.warnings:
        st.warning(md_inert(warning))
    if ans.analysis:
        st.caption(md_escape(f"Understood: {ans.analysis['summary']}"))
    st.markdown(answer_html(ans.text), unsafe_allow_html=True)
    for c in ans.citations:
        heading = f" — {c.heading}" if c.heading else ""
        page = f" ({c.page_label})" if c.pages else ""
        library = c.tier == LIBRARY_TIER
        label = f" · {NOT_REVIEWED}" if library else ""
        with st.expander(f"[{c.n}] {cite_label(c.title, c.section)}{heading}{page}{label}"):
            clause = _clause_of(ans, c)
            if library:
                st.warning(NOT_REVIEWED)
            st.markdown(
                highlighted_clause_html(clause.text if clause else c.quote, c.quote), unsafe_allow_html=True
            )
            st.caption(citation_place(c.source, c.start_line, c.end_line, c.page_label))
            st.page_link(
                browser,
                label="Open in the license browser",
                query_params={"library": c.doc_id}
                if library
                else {"doc": c.doc_id, "section": c.section or "", "line": str(c.start_line)},
            )
    _render_knowledge(ans, index, _citation_link(browser))
    meta = f"Corpus version {ans.corpus_version} · {ans.mode} · {ans.timings_ms.get('total', 0):.0f} ms"
    st.caption(md_escape(meta))
    st.feedback("thumbs", key=f"feedback_{index}", on_change=_on_feedback, args=(index,))
    if st.session_state.get(f"feedback_saved_{index}"):
        st.caption("Thanks — your feedback was saved for the legal team.")
    if st.session_state.get(f"feedback_error_{index}"):
        st.error(md_inert(st.session_state[f"feedback_error_{index}"]))


def _answer(question: str, retriever: object, doc_ids: list[str] | None, kinds: list[str] | None) -> Answer:
    """Extractive, or streamed from the configured LLM and then shown verified."""
    model = get_llm()
    if model is None:
        return answer(question, retriever, doc_ids=doc_ids, kinds=kinds)  # type: ignore[arg-type]
    from licenseqa.answering.llm import LLMAnswerer

    holder: list[Answer] = []
    llm = LLMAnswerer(retriever, model, settings().llm_timeout)  # type: ignore[arg-type]
    live = st.empty()
    pieces = llm.stream(question, doc_ids=doc_ids, kinds=kinds, on_answer=holder.append)
    for shown in stream_html(pieces):  # escaped like the answer: the model's Markdown is never live
        live.markdown(shown, unsafe_allow_html=True)
    live.empty()  # replaced by the verified answer and its citations
    return holder[0]


def _citation_link(browser: st.Page) -> LinkFn:
    """A link from a cited clause (OSADL citation dict) to that clause in the ``browser`` page."""

    def link(c: dict, key: str) -> None:
        section = f" §{c['section']}" if c.get("section") else ""
        st.page_link(
            browser,
            label=f"{c['doc_id']}{section} (lines {c['start_line']}-{c['end_line']})",
            query_params={
                "doc": c["doc_id"],
                "section": c.get("section") or "",
                "line": str(c["start_line"]),
            },
        )

    return link


def _render_knowledge(ans: Answer, index: int, link: LinkFn) -> None:
    from licenseqa.knowledge.osadl import Knowledge

    for n, verdict in enumerate(ans.compatibility):
        with st.container(border=True):
            render_compat(verdict, link, f"compat_{index}_{n}")
    if ans.obligations is not None:
        with st.container(border=True):
            ob = ans.obligations
            if ob.get("use_cases"):
                ob = use_case_switch(Knowledge.load(), ob, f"usecase_{index}")
            render_checklist(ob, link, f"ob_{index}")


def _missing_index(message: str) -> None:
    st.warning(md_inert(message))
    if st.button("Build the index now", type="primary", key="build_index"):
        bar = st.progress(0.0, text="Starting…")
        ok, detail = build_index(lambda f, text: bar.progress(min(max(f, 0.0), 1.0), text=text))
        if ok:
            st.success("The index is ready.")
            st.rerun()
        else:
            st.error(md_inert(detail))


def chat_page(browser: st.Page) -> None:
    """The chat; ``browser`` is the licence browser page that citations link to."""
    st.title("licenseqa")
    st.caption("Ask about open-source, model and dataset licences or our guidance. " + DISCLAIMER)
    try:
        status = current_status()
    except LicenseQAError as exc:
        sidebar(False)
        st.error(md_inert(str(exc)))
        return
    doc_ids, kinds = sidebar(status.ready)
    if not status.ready:
        _missing_index(status.message)
        return
    if status.stale:
        st.info(md_inert(status.message))
        if st.button("Update the index", key="update_index"):
            bar = st.progress(0.0, text="Starting…")
            ok, detail = build_index(lambda f, text: bar.progress(min(max(f, 0.0), 1.0), text=text))
            if ok:
                st.rerun()
            st.error(md_inert(detail))
    try:
        retriever = get_retriever()
    except LicenseQAError as exc:
        st.error(md_inert(str(exc)))
        return

    turns = _turns()
    for i, ans in enumerate(turns):
        with st.chat_message("user"):
            st.markdown(md_escape(ans.question))
        with st.chat_message("assistant"):
            render_answer(ans, i, browser)

    typed = st.chat_input("Ask about a licence, a clause or our guidance")
    question = typed or st.session_state.pop("pending_question", None)
    if question:
        with st.chat_message("user"):
            st.markdown(md_escape(question))
        with st.chat_message("assistant"):
            try:
                ans = _answer(question, retriever, doc_ids, kinds)
            except LicenseQAError as exc:
                st.error(md_inert(str(exc)))
            else:
                turns.append(ans)
                render_answer(ans, len(turns) - 1, browser)

    if turns:
        st.download_button(
            "Download conversation (Markdown)",
            conversation_markdown(turns),
            file_name="licenseqa-conversation.md",
            mime="text/markdown",
            key="download_conversation",
        )
