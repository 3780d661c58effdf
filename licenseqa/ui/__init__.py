"""Streamlit pages: they render what the other packages return; no retrieval or licence logic lives here.

Owns the page registry (``pages``, the only module that knows every page), the pages (``chat``,
``browser``, ``stack_page``, ``manage``), shared rendering (``render``, ``knowledge_view``), process-wide
resources (``resources``) and what the chat writes for people (``export``, ``feedback``). May import every
package except ``cli``; nothing outside ``app.py`` imports it.
"""
