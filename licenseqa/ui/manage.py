"""Manage corpus: upload, edit, delete, re-index and audit — for the legal team, behind an admin token."""

from __future__ import annotations

import hmac
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import streamlit as st

from licenseqa.errors import LicenseQAError
from licenseqa.ui.render import md_code, md_escape, md_inert
from licenseqa.ui.resources import ROOT, build_index, settings

KINDS = [
    "guidance",
    "software-permissive",
    "weak-copyleft",
    "strong-copyleft",
    "network-copyleft",
    "public-domain",
    "source-available",
    "content-data",
    "model",
    "exception",
]
MAX_DELAY_S = 8.0


def configured_token() -> str | None:
    """LICENSEQA_ADMIN_TOKEN, else ``admin_token`` in Streamlit secrets; None disables the page."""
    s = settings()
    if s.admin_token is not None and s.admin_token.get_secret_value():
        return s.admin_token.get_secret_value()
    try:
        value = st.secrets.get("admin_token")
    except Exception:  # noqa: BLE001 - no secrets file is the normal case
        value = None
    return str(value) if value else None


def _sign_in(token: str) -> bool:
    if st.session_state.get("admin_actor"):
        return True
    st.caption("Sign in with the admin token. Your name is recorded in the audit trail.")
    with st.form("admin_sign_in"):
        given = st.text_input("Admin token", type="password", key="admin_token_input")
        name = st.text_input("Your name", key="admin_name_input")
        submitted = st.form_submit_button("Sign in")
    if not submitted:
        return False
    failures = int(st.session_state.get("admin_failures", 0))
    if failures:
        time.sleep(min(0.25 * 2**failures, MAX_DELAY_S))  # repeated failures are slowed down
    ok = hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))
    if not ok:
        st.session_state["admin_failures"] = failures + 1
        st.error("Wrong token.")
        return False
    if not name.strip():
        st.error("Enter your name: it is recorded as the actor of every change.")
        return False
    st.session_state["admin_failures"] = 0
    st.session_state["admin_actor"] = name.strip()
    st.rerun()
    return True


def _preview(filename: str, content: bytes) -> dict[str, Any]:
    """Clause split of a document before saving (runs ``python -m ingest.preview``)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(filename).name
        path.write_bytes(content)
        done = subprocess.run(
            [sys.executable, "-m", "ingest.preview", "--json", str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        return {"ok": False, "errors": [done.stderr.strip()[-500:] or "preview failed"]}


def _show_preview(result: dict[str, Any]) -> None:
    if result.get("errors"):
        st.error(md_inert("Cannot be indexed: " + "; ".join(result["errors"])))
        return
    sections = result.get("sections", [])
    st.success(
        f"{result.get('chunks', 0)} clauses; {len(sections)} numbered sections"
        + (f" ({', '.join(sections[:30])}{' …' if len(sections) > 30 else ''})" if sections else "")
    )
    for w in result.get("warnings", []):
        st.warning(md_inert(w))


def _reindex() -> None:
    bar = st.progress(0.0, text="Re-indexing…")
    ok, detail = build_index(lambda f, text: bar.progress(min(max(f, 0.0), 1.0), text=text))
    if ok:
        st.success("Index updated: the change is answerable now.")
    else:
        st.error(md_inert(detail))


def _saved(record: Any) -> None:
    st.success(
        f"{record.action} {md_escape(record.doc_id)} ({md_code(str(record.path))}) saved; "
        f"corpus version {record.corpus_version}."
    )
    _reindex()


def _add_tab(admin: Any, actor: str) -> None:
    from licenseqa.corpus.admin import (
        RejectedError,
        compose_document,
        extract_text,
        name_problems,
        suggest_front_matter,
    )

    upload = st.file_uploader(
        "Document (.md, .txt, .pdf, .docx, max 2 MB)", type=["md", "txt", "pdf", "docx"]
    )
    if upload is None:
        return
    deceptive = name_problems(upload.name)
    if deceptive:
        st.error(
            md_inert(
                "Not accepted: " + "; ".join(p.replace("the name", "the file name", 1) for p in deceptive)
            )
        )
        return
    data = upload.getvalue()
    try:
        extracted = extract_text(upload.name, data)
    except LicenseQAError as exc:
        st.error(md_inert(str(exc)))
        return
    for warning in extracted.warnings():  # e.g. PDF pages without a text layer
        st.warning(md_inert(warning))
    has_front = extracted.text.startswith("---\n")
    if has_front:
        content = extracted.text.encode("utf-8")
        # the uploaded name as given: the corpus checks it (no paths, no hidden names, .md/.txt only)
        name = upload.name
        filename = name if name.endswith((".md", ".txt")) else name.rsplit(".", 1)[0] + ".md"
        st.caption("The file has its own front matter; it is used as is.")
    else:
        guess = suggest_front_matter(upload.name, extracted.text)
        with st.form("add_form"):
            c1, c2 = st.columns(2)
            doc_id = c1.text_input("id", value=guess.get("id", ""))
            title = c2.text_input("title", value=guess.get("title", ""))
            kind_guess = guess.get("kind") or "guidance"
            kind = c1.selectbox("kind", KINDS, index=KINDS.index(kind_guess) if kind_guess in KINDS else 0)
            aliases = c2.text_input("aliases (comma-separated)")
            url = c1.text_input("url")
            owner = c2.text_input("owner (team)")
            source = st.text_input("source and terms (where the text comes from, under which licence)")
            st.form_submit_button("Apply")
        meta: dict[str, Any] = {"id": doc_id.strip(), "title": title.strip(), "kind": kind}
        alias_list = [a.strip() for a in aliases.split(",") if a.strip()]
        if alias_list:
            meta["aliases"] = alias_list
        for key, value in (("url", url), ("owner", owner), ("source", source)):
            if value.strip():
                meta[key] = value.strip()
        content = compose_document(meta, extracted.text)
        suffix = ".md" if kind == "guidance" or upload.name.endswith(".md") else ".txt"
        filename = f"{meta['id'] or Path(upload.name).stem}{suffix}"
    st.caption(f"Will be saved as {md_code(filename)} ({len(content):,} bytes).")
    c1, c2 = st.columns(2)
    if c1.button("Preview the clause split", key="add_preview"):
        _show_preview(_preview(filename, content))
    if c2.button("Save and re-index", type="primary", key="add_save"):
        try:
            record = admin.add(filename, content, actor)
        except RejectedError as exc:
            st.error(md_inert("Not saved: " + "; ".join(exc.reasons)))
            return
        _saved(record)


def _edit_tab(admin: Any, actor: str) -> None:
    from licenseqa.corpus.admin import RejectedError

    docs = admin.list()
    if not docs:
        st.info("The corpus is empty.")
        return
    labels = {d.doc_id: f"{d.title} ({d.doc_id}) — {d.path}" for d in docs}
    doc_id = st.selectbox("Document", list(labels), format_func=lambda i: labels[i], key="edit_doc")
    info, text = admin.get(doc_id)
    edited = st.text_area(
        "Front matter and text", value=text, height=400, key=f"edit_text_{doc_id}_{info.digest[:8]}"
    )
    c1, c2 = st.columns(2)
    if c1.button("Preview", key="edit_preview"):
        _show_preview(_preview(Path(info.path).name, edited.encode("utf-8")))
    if c2.button("Save changes and re-index", type="primary", key="edit_save"):
        try:
            record = admin.update(doc_id, edited.encode("utf-8"), actor)
        except RejectedError as exc:
            st.error(md_inert("Not saved: " + "; ".join(exc.reasons)))
        else:
            _saved(record)
    replacement = st.file_uploader(
        "Replace the file (.md or .txt with front matter)", type=["md", "txt"], key="replace"
    )
    if replacement is not None and st.button("Replace and re-index", key="replace_save"):
        try:
            record = admin.update(doc_id, replacement.getvalue(), actor)
        except RejectedError as exc:
            st.error(md_inert("Not saved: " + "; ".join(exc.reasons)))
        else:
            _saved(record)
    st.divider()
    confirm = st.checkbox(f"Yes, delete {doc_id} from the corpus", key="delete_confirm")
    if st.button("Delete and re-index", disabled=not confirm, key="delete"):
        try:
            record = admin.remove(doc_id, actor)
        except LicenseQAError as exc:
            st.error(md_inert(str(exc)))
        else:
            _saved(record)


def _audit_tab(admin: Any) -> None:
    records = admin.audit()
    if not records:
        st.info("No changes recorded yet.")
        return
    c1, c2 = st.columns(2)
    doc = c1.selectbox("Document", ["(all)", *sorted({r.doc_id for r in records})], key="audit_doc")
    actor = c2.selectbox("Actor", ["(all)", *sorted({r.actor for r in records})], key="audit_actor")
    shown = admin.audit(doc_id=None if doc == "(all)" else doc, actor=None if actor == "(all)" else actor)
    st.dataframe([r.to_dict() for r in shown], use_container_width=True, hide_index=True)


def manage_page() -> None:
    st.title("Manage corpus")
    token = configured_token()
    if not token:
        st.info(
            "Corpus management is disabled. To enable it, set an admin token: the environment variable "
            '`LICENSEQA_ADMIN_TOKEN`, or `admin_token = "..."` in `.streamlit/secrets.toml`. '
            "Then restart the app and sign in with it."
        )
        return
    if not _sign_in(token):
        return
    actor = st.session_state["admin_actor"]
    c1, c2 = st.columns([4, 1])
    c1.caption(f"Signed in as {md_escape(actor)}. Every change is validated, written atomically and audited.")
    if c2.button("Sign out", key="sign_out"):
        st.session_state.pop("admin_actor", None)
        st.rerun()
    from licenseqa.corpus.admin import CorpusAdmin
    from licenseqa.knowledge.licensedb import alias_conflicts

    admin = CorpusAdmin(Path(settings().corpus_dir), meta_checks=(alias_conflicts,))
    add, edit, audit = st.tabs(["Add a document", "Edit or delete", "Audit trail"])
    with add:
        _add_tab(admin, actor)
    with edit:
        _edit_tab(admin, actor)
    with audit:
        _audit_tab(admin)
