"""Streamlit entry point: `streamlit run app.py` (or `make run`). Pages live in licenseqa/ui/."""

from __future__ import annotations

import streamlit as st

from licenseqa.ui import pages

st.set_page_config(page_title="licenseqa", layout="wide")
st.navigation(pages.ALL).run()
