"""Rendering of licence facts (data from :mod:`licenseqa.knowledge.facts`): the can / cannot / must table
of one licence and two licences side by side.

Only presentation lives here: the effects, obligations, texts, citations and the ``differs`` flags come
from ``LicenceFacts.to_dict()`` and ``compare()``; the helpers turn them into rows and escaped HTML.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from licenseqa.knowledge.facts import EFFECT_WORDS

# A citation dict ``{doc, section, phrase, label}`` -> the browser URL that opens that clause.
HrefFn = Callable[[Mapping[str, Any]], str]

EFFECT_COLOURS = {
    "allowed": "#d8f5d8",
    "allowed-if": "#fff3c4",
    "not-allowed": "#ffd9d9",
    "not-triggered": "#e3eefc",
    "not-addressed": "#eeeeee",
}
COPYLEFT_WORDS = {
    "none": "none: combined code keeps its own licence",
    "file": "file: changed files of this licence stay under it",
    "library": "library: the library and changes to it stay under it",
    "work": "work: the whole combined work falls under it",
    "network": "network: the whole work, and network users get the source",
}
_CELL = "border: 1px solid #ddd; padding: 0.3rem 0.5rem; vertical-align: top; text-align: left;"
_TABLE = "border-collapse: collapse; width: 100%; font-size: 0.9rem;"


def effect_words(effect: str | None) -> str:
    return EFFECT_WORDS.get(effect or "", effect or "absent")


def topic_label(topic: str) -> str:
    return topic.replace("-", " ")


def fact_rows(
    facts: Mapping[str, Any], activity_labels: Mapping[str, str], obligation_labels: Mapping[str, str]
) -> list[dict[str, Any]]:
    """One row per activity of ``facts`` (a ``LicenceFacts.to_dict()``), in vocabulary order:
    ``{"id", "activity", "effect", "effect_words", "obligations", "requires", "text", "cite"}``."""
    acts = facts.get("activities") or {}
    order = [a for a in activity_labels if a in acts] + [a for a in acts if a not in activity_labels]
    rows = []
    for act in order:
        f = acts[act]
        rows.append(
            {
                "id": act,
                "activity": activity_labels.get(act, act),
                "effect": f.get("effect"),
                "effect_words": effect_words(f.get("effect")),
                "obligations": [obligation_labels.get(o, o) for o in f.get("obligations") or []],
                "requires": [activity_labels.get(r, r) for r in f.get("requires") or []],
                "text": f.get("text") or "",
                "cite": list(f.get("cite") or []),
            }
        )
    return rows


def term_rows(facts: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per model / data licence term: ``{"topic", "addressed", "value", "text", "cite"}``."""
    return [
        {
            "topic": topic_label(t),
            "addressed": bool(f.get("addressed")),
            "value": f.get("value"),
            "text": f.get("text") or "",
            "cite": list(f.get("cite") or []),
        }
        for t, f in (facts.get("terms") or {}).items()
    ]


def restricted_use_rows(facts: Mapping[str, Any], use_labels: Mapping[str, str]) -> list[dict[str, Any]]:
    """One row per kind of use the licence forbids: ``{"use", "text", "cite"}``."""
    return [
        {"use": use_labels.get(u, u), "text": f.get("text") or "", "cite": list(f.get("cite") or [])}
        for u, f in (facts.get("restricted_uses") or {}).items()
    ]


def restricted_uses_table_html(rows: Iterable[Mapping[str, Any]], href: HrefFn) -> str:
    """The rows of :func:`restricted_use_rows` as one escaped HTML block."""
    head = "".join(f'<th style="{_CELL}">{h}</th>' for h in ("Use", "Cannot", "In plain words", "Clauses"))
    body = [
        f'<tr><td style="{_CELL}"><b>{_e(r["use"])}</b></td>'
        + _effect_cell("not-allowed", "cannot")
        + f'<td style="{_CELL}">{_e(r["text"])}</td>'
        f'<td style="{_CELL} white-space: nowrap;">{cite_links_html(r["cite"], href)}</td></tr>'
        for r in rows
    ]
    return (
        f'<table class="lqa-restricted" style="{_TABLE}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


# what a licence states beside its activities (facts ``separate_works``, ``grant_duration``), as shown
STATEMENTS = (("separate_works", "Separate works"), ("grant_duration", "How long the grant lasts"))


def statement_rows(facts: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per statement of :data:`STATEMENTS` the facts hold: ``{"topic", "text", "cite"}``."""
    return [
        {"topic": label, "text": f.get("text") or "", "cite": list(f.get("cite") or [])}
        for key, label in STATEMENTS
        if (f := facts.get(key))
    ]


def statements_table_html(rows: Iterable[Mapping[str, Any]], href: HrefFn) -> str:
    """The rows of :func:`statement_rows` as one escaped HTML block."""
    head = "".join(f'<th style="{_CELL}">{h}</th>' for h in ("Topic", "The licence says", "Clauses"))
    body = [
        f'<tr><td style="{_CELL}"><b>{_e(r["topic"])}</b></td>'
        f'<td style="{_CELL}">{_e(r["text"])}</td>'
        f'<td style="{_CELL} white-space: nowrap;">{cite_links_html(r["cite"], href)}</td></tr>'
        for r in rows
    ]
    return (
        f'<table class="lqa-statements" style="{_TABLE}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def comparison_rows(
    rows: Iterable[Mapping[str, Any]],
    activity_labels: Mapping[str, str],
    obligation_labels: Mapping[str, str],
    only_differences: bool = False,
) -> list[dict[str, Any]]:
    """The rows of ``compare(a, b)`` with people's labels: ``{"label", "kind", "differs", "a", "b"}`` where
    ``a``/``b`` are ``{"words", "obligations", "text", "cite", "effect"}`` or None when absent."""
    out = []
    for r in rows:
        if only_differences and not r.get("differs"):
            continue
        if r["kind"] == "scope":
            label = "copyleft scope"
        elif r["kind"] == "activity":
            label = activity_labels.get(r["row"], r["row"])
        else:
            label = topic_label(r["row"])
        out.append(
            {
                "label": label,
                "kind": r["kind"],
                "differs": bool(r.get("differs")),
                "a": _side(r.get("a"), r["kind"], obligation_labels),
                "b": _side(r.get("b"), r["kind"], obligation_labels),
            }
        )
    return out


def _side(f: Mapping[str, Any] | None, kind: str, obligation_labels: Mapping[str, str]) -> dict | None:
    if f is None:
        return None
    if kind == "scope":
        return {"words": f.get("text") or "", "obligations": [], "text": "", "cite": [], "effect": None}
    if kind == "term":
        words = "addressed" if f.get("addressed") else "not addressed"
        if f.get("value") is not None:
            words += f" ({f['value']})"
        effect = None if f.get("addressed") else "not-addressed"
    else:
        words, effect = effect_words(f.get("effect")), f.get("effect")
    return {
        "words": words,
        "obligations": [obligation_labels.get(o, o) for o in f.get("obligations") or []],
        "text": f.get("text") or "",
        "cite": list(f.get("cite") or []),
        "effect": effect,
    }


# -- HTML ------------------------------------------------------------------------------------------------


def _e(text: Any) -> str:
    return html.escape(str(text)).replace("\n", " ")


def cite_links_html(cites: Iterable[Mapping[str, Any]], href: HrefFn) -> str:
    """Each citation as a link to its clause in the browser, the cited phrase as its tooltip."""
    links: dict[tuple[str, str], str] = {}  # two phrases of one clause part: one link
    for c in cites:
        url, label = href(c), str(c.get("label") or c.get("doc"))
        links.setdefault(
            (url, label),
            f'<a href="{_e(url)}" target="_self" title="{_e(c.get("phrase") or "")}" '
            f'class="lqa-fact-cite">{_e(label)}</a>',
        )
    return "<br>".join(links.values())


def _effect_cell(effect: str | None, words: str) -> str:
    colour = EFFECT_COLOURS.get(effect or "", "#ffffff")
    return f'<td style="{_CELL} background: {colour}; white-space: nowrap;"><b>{_e(words)}</b></td>'


def _list(items: Iterable[str]) -> str:
    return "<br>".join(f"• {_e(i)}" for i in items)


def facts_table_html(rows: Iterable[Mapping[str, Any]], href: HrefFn) -> str:
    """The can / cannot / must table (rows of :func:`fact_rows`) as one escaped HTML block."""
    head = "".join(
        f'<th style="{_CELL}">{h}</th>'
        for h in ("Activity", "You…", "Obligations", "In plain words", "Clauses")
    )
    body = []
    for r in rows:
        obligations = _list(r["obligations"])
        if r["requires"] and r["obligations"]:
            obligations += f"<br><i>only together with: {_e(', '.join(r['requires']))}</i>"
        body.append(
            f'<tr class="lqa-fact-row" data-activity="{_e(r["id"])}">'
            f'<td style="{_CELL}"><b>{_e(r["activity"])}</b></td>'
            + _effect_cell(r["effect"], r["effect_words"])
            + f'<td style="{_CELL}">{obligations}</td>'
            f'<td style="{_CELL}">{_e(r["text"])}</td>'
            f'<td style="{_CELL} white-space: nowrap;">{cite_links_html(r["cite"], href)}</td></tr>'
        )
    widths = "".join(f'<col style="width: {w}%">' for w in (13, 9, 25, 41, 12))
    return (
        f'<table class="lqa-facts" style="{_TABLE}"><colgroup>{widths}</colgroup>'
        f"<thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def terms_table_html(rows: Iterable[Mapping[str, Any]], href: HrefFn) -> str:
    """The model / data licence terms (rows of :func:`term_rows`) as one escaped HTML block."""
    head = "".join(
        f'<th style="{_CELL}">{h}</th>' for h in ("Term", "Addressed", "In plain words", "Clauses")
    )
    body = []
    for r in rows:
        words = "yes" if r["addressed"] else "not addressed"
        if r["value"] is not None:
            words += f" ({r['value']})"
        body.append(
            f'<tr><td style="{_CELL}"><b>{_e(r["topic"])}</b></td>'
            + _effect_cell(None if r["addressed"] else "not-addressed", words)
            + f'<td style="{_CELL}">{_e(r["text"])}</td>'
            f'<td style="{_CELL} white-space: nowrap;">{cite_links_html(r["cite"], href)}</td></tr>'
        )
    return (
        f'<table class="lqa-terms" style="{_TABLE}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _side_cells(side: Mapping[str, Any] | None, href: HrefFn) -> str:
    if side is None:
        return _effect_cell("not-addressed", "absent") + f'<td style="{_CELL}"></td>'
    detail = _list(side["obligations"])
    if side["text"]:
        text = f'<span style="color: #555; font-size: 0.82rem;">{_e(side["text"])}</span>'
        detail += ("<br>" if detail else "") + text
    links = cite_links_html(side["cite"], href)
    if links:
        detail += f"<br>{links}"
    return _effect_cell(side["effect"], side["words"]) + f'<td style="{_CELL}">{detail}</td>'


def comparison_table_html(rows: Iterable[Mapping[str, Any]], a_id: str, b_id: str, href: HrefFn) -> str:
    """Two licences side by side (rows of :func:`comparison_rows`); a differing row is marked ⚠."""
    head = (
        f'<th style="{_CELL}"></th><th style="{_CELL}">Row</th>'
        f'<th style="{_CELL}" colspan="2">{_e(a_id)}</th><th style="{_CELL}" colspan="2">{_e(b_id)}</th>'
    )
    body = []
    for r in rows:
        mark = "⚠ differs" if r["differs"] else ""
        style = " background: #fff8e1;" if r["differs"] else ""
        body.append(
            f'<tr class="lqa-compare-row{" lqa-differs" if r["differs"] else ""}">'
            f'<td style="{_CELL}{style} white-space: nowrap;">{mark}</td>'
            f'<td style="{_CELL}{style}"><b>{_e(r["label"])}</b></td>'
            + _side_cells(r["a"], href)
            + _side_cells(r["b"], href)
            + "</tr>"
        )
    return (
        f'<table class="lqa-compare" style="{_TABLE}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


# -- the Streamlit section -------------------------------------------------------------------------------


def render_facts(doc_id: str, href: HrefFn) -> None:
    """The "Facts" section of the licence browser for ``doc_id``, with its "Compare" control."""
    import streamlit as st

    from licenseqa.errors import LicenseQAError
    from licenseqa.knowledge.facts import FactsBook, compare
    from licenseqa.knowledge.vocabulary import Vocabulary
    from licenseqa.ui.render import md_escape, md_inert

    st.subheader("Facts: what you can, cannot and must do")
    try:
        book = FactsBook.load()
        vocabulary = Vocabulary.load()
    except LicenseQAError as exc:
        st.warning(md_inert(str(exc)))
        return
    facts = book.get(doc_id)
    if facts is None:
        st.caption(f"No reviewed facts for {md_escape(doc_id)}; read its clauses below.")
        return
    acts = {t.id: t.label for t in vocabulary.activities}
    obls = {t.id: t.label for t in vocabulary.obligations}
    data = facts.to_dict()
    st.markdown(f"**Copyleft scope:** {md_escape(COPYLEFT_WORDS.get(facts.copyleft, facts.copyleft))}")
    st.markdown(md_escape(facts.summary))
    if facts.adds_to_base:
        st.caption("This text adds to or modifies a base licence; where it speaks, its facts govern.")
    st.markdown(facts_table_html(fact_rows(data, acts, obls), href), unsafe_allow_html=True)
    terms = term_rows(data)
    if terms:
        st.markdown("**Model and data licence terms**")
        st.markdown(terms_table_html(terms, href), unsafe_allow_html=True)
    restricted = restricted_use_rows(data, {t.id: t.label for t in vocabulary.restricted_uses})
    if restricted:
        st.markdown("**Uses it forbids**")
        st.markdown(restricted_uses_table_html(restricted, href), unsafe_allow_html=True)
    statements = statement_rows(data)
    if statements:
        st.markdown("**What it says of separate works and of its grant**")
        st.markdown(statements_table_html(statements, href), unsafe_allow_html=True)
    if facts.secondary is not None:
        st.markdown(
            f"**May also go out under ({md_escape(', '.join(facts.secondary.licences))}), on a condition:** "
            f"{md_escape(facts.secondary.condition)}"
        )
    st.caption(
        "Reviewed facts with the clauses they rest on (links open the clause below). Not legal advice."
    )

    others = [i for i in book.ids() if i != doc_id]
    c1, c2 = st.columns([2, 1])
    other = c1.selectbox(
        "Compare with", others, index=None, key="facts_compare", placeholder="pick a licence"
    )
    only = c2.checkbox("Only rows that differ", key="facts_only_diff")
    if other:
        b = book.get(other)
        if b is None:
            return
        raw = compare(facts, b)
        rows = comparison_rows(raw, acts, obls, only_differences=only)
        n = sum(bool(r["differs"]) for r in raw)
        st.markdown(md_escape(f"{doc_id} and {other}: {n} rows differ (marked ⚠)."))
        st.markdown(comparison_table_html(rows, doc_id, other, href), unsafe_allow_html=True)
