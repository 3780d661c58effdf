"""Streamlit entry point (placeholder page until the chat UI lands)."""

from __future__ import annotations

import streamlit as st

from licenseqa.config import load_settings
from licenseqa.errors import LicenseQAError
from licenseqa.status import index_status

st.set_page_config(page_title="licenseqa", page_icon="⚖️")
st.title("licenseqa")
st.caption("Answers licensing questions with citations to the exact clause. Information, not legal advice.")

try:
    status = index_status(load_settings())
except LicenseQAError as exc:
    st.error(str(exc))
else:
    if status.ready:
        st.success(
            f"Index ready: {status.documents} documents, {status.clauses} clauses "
            f"(corpus version {status.corpus_version}, built {status.built_at})."
        )
    else:
        st.warning(status.message)
st.info("The chat page arrives with the answering issue; `licenseqa status` shows the index from a terminal.")
