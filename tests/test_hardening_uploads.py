"""Hardening of uploads (issue #17, kinds 7-9): DOCX tables, PDF page citations, partly scanned PDFs."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from conftest import ROOT, make_corpus, make_pdf, run_cli

from licenseqa.corpus.admin import NoTextLayerError, compose_document, extract_text
from licenseqa.errors import LicenseQAError


def _docx_bytes(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_docx_with_table() -> bytes:
    """The issue's example: a paragraph, a table holding the rules, a paragraph."""
    import docx

    document = docx.Document()
    document.add_paragraph("Vendor Model Rules")
    document.add_paragraph("1. Scope. These rules cover every vendor model we deploy.")
    table = document.add_table(rows=3, cols=2)
    for row, cells in zip(
        table.rows,
        [
            ("Model family", "Rule"),
            ("Llama", "Requires the Built with Llama notice in the product documentation"),
            ("Gemma", "Requires a copy of the Gemma prohibited use policy for every recipient"),
        ],
        strict=True,
    ):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    document.add_paragraph("2. Review. Legal reviews these rules every quarter.")
    return _docx_bytes(document)


def make_docx_first_table_merged_nested() -> bytes:
    """A sibling: the table is the first block, a category cell spans two rows, a cell spans two columns
    and holds a nested table, and a cell text has a pipe."""
    import docx

    document = docx.Document()
    table = document.add_table(rows=4, cols=3)
    values = [
        ("Category", "Licence", "Rule"),
        ("Permissive", "MIT", "Keep the copyright notice"),
        ("", "Apache-2.0", "Keep the NOTICE file | and state changes"),
        ("Copyleft", "GPL-3.0", ""),
    ]
    for row, cells in zip(table.rows, values, strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    table.cell(1, 0).merge(table.cell(2, 0))  # "Permissive" spans two rows
    merged = table.cell(3, 1).merge(table.cell(3, 2))  # GPL-3.0 spans two columns
    inner = merged.add_table(rows=2, cols=2)
    for (r, c), text in {
        (0, 0): "Internal use",
        (0, 1): "allowed",
        (1, 0): "Distribution",
        (1, 1): "needs legal review",
    }.items():
        inner.cell(r, c).text = text
    document.add_paragraph("3. Exceptions. The OSPO decides on every exception.")
    return _docx_bytes(document)


# -- fixtures ---------------------------------------------------------------------------------------

PAGED = [
    ["Paged Agreement", "1. Scope. This agreement covers the shared telemetry data."],
    ["2. Termination. Either party may end this agreement with ninety days notice."],
    ["3. Law. The laws of Ruritania apply to this agreement."],
]
SPANNING = [
    ["Span Terms", "1. Scope. These terms cover the archive.", "2. Payment. The fee is due monthly and"],
    ["is payable in euros to the account named by the archive owner.", "3. Law. Ruritania."],
]
PART_SCANNED = [
    ["Part Scanned Terms", "1. Scope. These terms cover the map archive."],
    "image",
    ["3. Law. Ruritania."],
]


def _snapshot(corpus: Path) -> dict[str, bytes]:
    return {
        p.relative_to(corpus).as_posix(): p.read_bytes() for p in sorted(corpus.rglob("*")) if p.is_file()
    }


def _add(corpus: Path, path: Path, *extra: str):
    return run_cli(
        "corpus", "add", str(path), "--corpus", str(corpus), "--actor", "test", "--no-index", *extra
    )


@pytest.fixture(scope="module")
def uploaded(tmp_path_factory, embedder):
    """A corpus with MIT and four uploads (added with ``corpus add``), ingested with the real model."""
    from ingest.pipeline import run_ingest
    from licenseqa.config import load_settings
    from licenseqa.index.store import ChromaStore

    root = tmp_path_factory.mktemp("uploads")
    corpus = make_corpus(root / "corpus", ["MIT"])
    files = {
        "Vendor Rules.docx": (make_docx_with_table(), "guidance"),
        "Paged Agreement.pdf": (make_pdf(PAGED), "data-agreement"),
        "Span Terms.pdf": (make_pdf(SPANNING), "data-agreement"),
        "Part Scanned.pdf": (make_pdf(PART_SCANNED), "data-agreement"),
    }
    added = {}
    for name, (data, kind) in files.items():
        (root / name).write_bytes(data)
        added[name] = _add(corpus, root / name, "--kind", kind)
        assert added[name].returncode == 0, added[name].stderr
    index = root / "index"
    store = ChromaStore.open(load_settings(index_dir=index, corpus_dir=corpus), create=True)
    run_ingest(corpus, store, lambda: embedder, embedder.name, index_dir=index)
    return corpus, index, added


def _answer(index: Path, question: str, **kw):
    from licenseqa.answering.compose import answer
    from licenseqa.config import load_settings
    from licenseqa.service import open_retriever

    return answer(question, open_retriever(load_settings(index_dir=index)), **kw)


# -- 7. DOCX tables -----------------------------------------------------------------------------------


def test_docx_table_rows_are_extracted_in_body_order():
    extracted = extract_text("Vendor Rules.docx", make_docx_with_table())
    assert extracted.text.split("\n") == [
        "Vendor Model Rules",
        "1. Scope. These rules cover every vendor model we deploy.",
        "",
        "| Model family | Rule |",
        "| --- | --- |",
        "| Llama | Requires the Built with Llama notice in the product documentation |",
        "| Gemma | Requires a copy of the Gemma prohibited use policy for every recipient |",
        "",
        "2. Review. Legal reviews these rules every quarter.",
        "",
    ]


def test_docx_first_table_with_merged_and_nested_cells():
    lines = extract_text("Rules.docx", make_docx_first_table_merged_nested()).text.split("\n")
    assert lines == [
        "| Category | Licence | Rule |",
        "| --- | --- | --- |",
        "| Permissive | MIT | Keep the copyright notice |",
        "| Permissive | Apache-2.0 | Keep the NOTICE file \\| and state changes |",  # a row span repeats
        # a column span once, its nested table on one line
        "| Copyleft | GPL-3.0 Internal use — allowed; Distribution — needs legal review |  |",
        "",
        "3. Exceptions. The OSPO decides on every exception.",
        "",
    ]


def test_a_rule_in_a_docx_table_is_answered_and_cited(uploaded):
    corpus, index, _ = uploaded
    text = (corpus / "guidance" / "Vendor-Rules.txt").read_text()
    assert "| Gemma | Requires a copy of the Gemma prohibited use policy for every recipient |" in text
    ans = _answer(index, "What must we give every recipient of a Gemma vendor model?")
    assert not ans.abstained and ans.citations[0].doc_id == "Vendor-Rules"
    assert (
        "- Gemma — Rule: Requires a copy of the Gemma prohibited use policy for every recipient [1]"
        in ans.text.split("\n")
    )
    lines = text.split("\n")
    cited = lines[ans.citations[0].start_line - 1 : ans.citations[0].end_line]
    assert any(line.startswith("| Gemma |") for line in cited)
    llama = _answer(index, "Which notice does a Llama vendor model need in the product documentation?")
    assert any(
        line.startswith("- Llama — Rule: Requires the Built with Llama notice")
        for line in llama.text.split("\n")
    )


def test_policy_table_row_reads_with_its_column_names():
    from licenseqa.answering.compose import _display, _is_header_row, _table_header

    table = (
        "Intro.\n\n| Family | Internal tool | Network service |\n|---|---|---|\n"
        "| Strong copyleft (GPL-3.0) | Allowed | Allowed with conditions: server-side only |\n"
    )
    start = table.index("| Strong")
    row = table[start:].strip()
    assert _display(row, _table_header(table, start)) == (
        "Strong copyleft (GPL-3.0) — Internal tool: Allowed; Network service: Allowed with conditions: "
        "server-side only"
    )
    assert _table_header(table, table.index("Intro")) is None
    assert _is_header_row(table, table.index(" |\n|---") + 2)
    assert not _is_header_row(table, len(table) - 1)


# -- 8. PDF pages ---------------------------------------------------------------------------------------


def _split(filename: str, data: bytes):
    from ingest.loader import parse_document
    from ingest.splitter import ClauseSplitter

    extracted = extract_text(filename, data)
    raw = compose_document({"id": "X", "title": "X", "kind": "data-agreement"}, extracted.text)
    _meta, doc = parse_document(raw, "corpus/licenses/X.txt", ".txt")
    return ClauseSplitter(lambda t: len(t.split()), 256).split(doc)


def test_page_marker_opens_its_page_not_the_previous_clause():
    clauses = {c.section: c for c in _split("p.pdf", make_pdf(PAGED))}
    assert clauses["1"].text == "1. Scope. This agreement covers the shared telemetry data."
    assert clauses["2"].text == "2. Termination. Either party may end this agreement with ninety days notice."
    assert [(clauses[s].page, clauses[s].pages_of(0, len(clauses[s].text))) for s in "123"] == [
        (1, (1, 1)),
        (2, (2, 2)),
        (3, (3, 3)),
    ]
    # a clause opening a page is still a clause (the marker line is no text before it), even in lower case
    opened = _split("o.pdf", make_pdf([["1. Scope. All data."], ["2. either party may end it with notice."]]))
    assert [(c.section, c.page, c.text) for c in opened] == [
        ("1", 1, "1. Scope. All data."),
        ("2", 2, "2. either party may end it with notice."),
    ]


def test_pdf_citation_names_its_page_in_json_text_and_chat(uploaded, monkeypatch):
    corpus, index, _ = uploaded
    env = {"LICENSEQA_INDEX_DIR": str(index), "LICENSEQA_CORPUS_DIR": str(corpus)}
    done = run_cli("ask", "When can either party end the Paged Agreement?", "--json", env=env)
    assert done.returncode == 0, done.stderr
    first = json.loads(done.stdout)["citations"][0]
    assert (first["doc_id"], first["section"], first["page"], first["page_end"]) == (
        "Paged-Agreement",
        "2",
        2,
        2,
    )
    lines = (corpus / "licenses" / "Paged-Agreement.txt").read_text().split("\n")
    assert "[page 2]" in lines[: first["start_line"]] and "[page 3]" not in lines[: first["start_line"]]

    from licenseqa.answering.compose import render_text

    ans = _answer(index, "When can either party end the Paged Agreement?")
    c = ans.citations[0]
    assert f"({c.source}:{c.start_line}-{c.end_line}, p. 2)" in render_text(ans)

    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("LICENSEQA_INDEX_DIR", str(index))
    monkeypatch.setenv("LICENSEQA_CORPUS_DIR", str(corpus))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
    at.chat_input[0].set_value("When can either party end the Paged Agreement?")
    at = at.run(timeout=300)
    assert not at.exception
    assert at.expander[0].label == "[1] Paged Agreement §2 — Termination (p. 2)"
    assert any(cap.value == f"{c.source}, p. 2, lines {c.start_line}-{c.end_line}" for cap in at.caption)


def test_a_quote_across_a_page_break_names_the_range_and_text_documents_no_page(uploaded):
    _, index, _ = uploaded
    ans = _answer(index, "In which currency is the Span Terms fee payable?")
    c = ans.citations[0]
    assert (c.doc_id, c.section, c.pages, c.page_label) == ("Span-Terms", "2", (1, 2), "pp. 1-2")
    assert (
        "- The fee is due monthly and is payable in euros to the account named by the archive owner."
        in ans.text
    )
    from licenseqa.answering.compose import answer_to_dict

    assert answer_to_dict(ans)["citations"][0]["page"] == 1
    assert answer_to_dict(ans)["citations"][0]["page_end"] == 2
    mit = _answer(index, "Does the MIT license require the copyright notice in copies?")
    assert mit.citations[0].doc_id == "MIT" and mit.citations[0].pages is None
    assert answer_to_dict(mit)["citations"][0]["page"] is None


# -- 9. partly scanned PDFs -----------------------------------------------------------------------------


def test_partly_scanned_pdf_reports_the_page_without_text(uploaded):
    extracted = extract_text("Part Scanned.pdf", make_pdf(PART_SCANNED))
    assert extracted.no_text_pages == (2,)
    assert extracted.warnings() == (
        "page 2 of 3 has no text layer (a scanned image or a blank page): that content is not in the "
        "extracted text and cannot be answered. Run OCR on the PDF and upload it again to include it.",
    )
    _, _, added = uploaded
    out = added["Part Scanned.pdf"]
    assert "added Part-Scanned (licenses/Part-Scanned.txt)" in out.stdout
    assert "warning: Part Scanned.pdf: page 2 of 3 has no text layer" in out.stderr
    assert "no text layer" not in added["Paged Agreement.pdf"].stderr  # every page has text: no warning


def test_blank_and_scanned_pages_are_listed_as_ranges():
    extracted = extract_text(
        "mixed.pdf", make_pdf([["1. Scope. Text on the first page."], "image", "blank", ["4. End."], "image"])
    )
    assert extracted.no_text_pages == (2, 3, 5)
    assert extracted.warnings()[0].startswith("pages 2-3, 5 of 5 have no text layer")
    assert "[page 4]\n4. End." in extracted.text


@pytest.mark.parametrize("pages", [["image", "image"], ["blank"], ["image", "blank", "image"]])
def test_pdf_without_any_text_is_refused_and_nothing_written(tmp_path, pages):
    data = make_pdf(pages)
    with pytest.raises(NoTextLayerError, match="no page of the PDF has a text layer") as err:
        extract_text("scan.pdf", data)
    assert isinstance(err.value, LicenseQAError)
    corpus = make_corpus(tmp_path / "corpus", ["MIT"])
    before = _snapshot(corpus)
    (tmp_path / "scan.pdf").write_bytes(data)
    done = _add(corpus, tmp_path / "scan.pdf", "--kind", "data-agreement")
    assert done.returncode == 1 and done.stdout == ""
    assert f"error: no page of the PDF has a text layer ({len(pages)} page" in done.stderr
    assert "run OCR" in done.stderr and "Traceback" not in done.stderr
    assert _snapshot(corpus) == before


TOKEN = "uploads-admin-token"


def _manage() -> None:
    from licenseqa.ui.manage import manage_page

    manage_page()


@pytest.fixture
def manage_at(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    corpus = make_corpus(tmp_path / "corpus", ["MIT"])
    monkeypatch.setenv("LICENSEQA_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("LICENSEQA_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("LICENSEQA_ADMIN_TOKEN", TOKEN)
    at = AppTest.from_function(_manage, default_timeout=120).run()
    at.text_input(key="admin_token_input").input(TOKEN)
    at.text_input(key="admin_name_input").input("Ana Legal")
    at.button[0].click().run()
    assert not at.exception
    return corpus, at


def test_manage_page_warns_about_scanned_pages(manage_at):
    _, at = manage_at
    at.get("file_uploader")[0].set_value(
        ("Part Scanned.pdf", make_pdf(PART_SCANNED), "application/pdf")
    ).run()
    assert not at.exception and not at.error
    assert [w.value for w in at.warning if "no text layer" in w.value] == [
        "page 2 of 3 has no text layer (a scanned image or a blank page): that content is not in the "
        "extracted text and cannot be answered. Run OCR on the PDF and upload it again to include it."
    ]
    assert at.button(key="add_save")


def test_manage_page_refuses_a_pdf_without_text(manage_at):
    corpus, at = manage_at
    before = _snapshot(corpus)
    at.get("file_uploader")[0].set_value(
        ("Scan.pdf", make_pdf(["image", "image", "image"]), "application/pdf")
    )
    at.run()
    assert [e.value for e in at.error] == [
        "no page of the PDF has a text layer (3 pages, all scanned images or blank), so there is no text to "
        "answer from; run OCR on it first and upload the result"
    ]
    assert "add_save" not in [b.key for b in at.button]
    assert _snapshot(corpus) == before
