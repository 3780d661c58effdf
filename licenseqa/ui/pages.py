"""The app's pages (shared so pages can link to each other)."""

from __future__ import annotations

import streamlit as st


def _chat() -> None:
    from licenseqa.ui.chat import chat_page

    chat_page()


def _browser() -> None:
    from licenseqa.ui.browser import browser_page

    browser_page()


def _manage() -> None:
    from licenseqa.ui.manage import manage_page

    manage_page()


CHAT = st.Page(_chat, title="Chat", url_path="chat", default=True)
BROWSER = st.Page(_browser, title="License browser", url_path="browser")
MANAGE = st.Page(_manage, title="Manage corpus", url_path="manage")
ALL = [CHAT, BROWSER, MANAGE]
