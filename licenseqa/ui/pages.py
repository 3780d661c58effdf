"""The page registry: the one module that knows every page and hands each page the handles it links to.

Page modules never import this one (that was a cycle); they receive the :class:`streamlit.Page` they link to
as an argument.
"""

from __future__ import annotations

import streamlit as st

from licenseqa.ui.browser import browser_page
from licenseqa.ui.chat import chat_page
from licenseqa.ui.manage import manage_page
from licenseqa.ui.stack_page import stack_page


def _chat() -> None:
    chat_page(browser=BROWSER)


def _browser() -> None:
    browser_page(BROWSER)


def _stack() -> None:
    stack_page(BROWSER)


CHAT = st.Page(_chat, title="Chat", url_path="chat", default=True)
BROWSER = st.Page(_browser, title="License browser", url_path="browser")
STACK = st.Page(_stack, title="Stack check", url_path="stack")
MANAGE = st.Page(manage_page, title="Manage corpus", url_path="manage")
ALL = [CHAT, BROWSER, STACK, MANAGE]
