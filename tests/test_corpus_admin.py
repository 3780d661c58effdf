"""Corpus management: validated, atomic, audited writes; text extraction; the `licenseqa corpus` CLI."""

from __future__ import annotations

import ast
import io
import json
import threading
from pathlib import Path

import pytest
from conftest import ROOT, make_corpus, make_pdf, run_cli, run_ingest_cli, run_module

from licenseqa.corpus.admin import (
    AuditRecord,
    CorpusAdmin,
    DocumentInfo,
    RejectedError,
    compose_document,
    extract_text,
    suggest_front_matter,
)
from licenseqa.corpus.documents import DocumentError, parse_front_matter
from licenseqa.corpus.hashing import sha256_bytes
from licenseqa.errors import LicenseQAError

SCANCODE = ROOT.parent / "shared" / "data" / "scancode-licensedb" / "licenses"

WIDGET = (
    "---\nid: widget-policy\ntitle: Widget Shipping Policy\nkind: guidance\nowner: Legal\n---\n\n"
    "# Widget Shipping Policy\n\n## 1. Approval\n\n"
    "Every Frobnicator component must be approved by the Widget Review Board before it ships "
    "to a customer. The board meets on Thursdays.\n\n## 2. Records\n\n"
    "The board keeps the approval record for seven years.\n"
)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (hidden ones too), path -> bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def corpus(tmp_path) -> Path:
    return make_corpus(tmp_path / "corpus", ["MIT", "ISC"])


def doc(doc_id: str = "new-doc", kind: str = "guidance", body: str = "Some text.\n") -> bytes:
    return f"---\nid: {doc_id}\ntitle: A title\nkind: {kind}\n---\n\n{body}".encode()


# -- rejected writes --------------------------------------------------------------------------------

REJECTED = {
    "binary": ("blob.md", b"\x00\x01\x02binary\xff", "binary file"),
    "traversal": ("../../x.md", doc(), "must be a plain name"),
    "hidden": (".hidden.md", doc(), "must not start with '.'"),
    "too-big": ("big.md", doc(body="x" * (3 * 1024 * 1024)), "the limit is 2 MB"),
    "bad-front-matter": ("bad.md", b"---\nid: [unclosed\ntitle: x\n---\nText\n", "malformed front matter"),
    "no-front-matter": ("plain.md", b"Just text\n", "missing front matter"),
    "missing-fields": ("nofields.md", b"---\nid: x\n---\nText\n", "lacks title, kind"),
    "bad-aliases": (
        "al.md",
        b"---\nid: x\ntitle: T\nkind: k\naliases: one\n---\nT\n",
        "'aliases' must be a list",
    ),
    "duplicate-id": ("dup.md", doc("mit"), "duplicate id 'mit' (already used by licenses/MIT.txt)"),
    "empty": ("empty.md", b"", "empty file"),
    "exe": ("tool.exe", doc(), "unsupported file type .exe"),
    "not-utf8": ("latin.txt", doc(body="caf\xe9\n").replace(b"\xc3\xa9", b"\xe9"), "not valid UTF-8"),
    "exists": ("MIT.txt", doc("other", kind="software-permissive"), "licenses/MIT.txt already exists"),
}


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_rejected_add_names_the_reason_and_changes_nothing(corpus, case):
    filename, content, reason = REJECTED[case]
    admin = CorpusAdmin(corpus)
    before = snapshot(corpus.parent)
    with pytest.raises(RejectedError) as err:
        admin.add(filename, content, actor="alice")
    assert any(reason in r for r in err.value.reasons), err.value.reasons
    assert str(err.value).startswith("Rejected: ") and reason in str(err.value)
    with pytest.raises(RejectedError):
        admin.check(filename, content)
    assert snapshot(corpus.parent) == before
    assert admin.audit() == []


def test_all_reasons_are_reported_at_once(corpus):
    with pytest.raises(RejectedError) as err:
        CorpusAdmin(corpus).check("../evil.exe", b"---\nid: bad id!\ntitle: T\nkind: k\naliases: 3\n---\n")
    text = " | ".join(err.value.reasons)
    for part in (
        "plain name",
        "'..'",
        "unsupported file type .exe",
        "invalid id",
        "aliases",
        "no text after",
    ):
        assert part in text, text


def test_rejected_update_and_remove_change_nothing(corpus):
    admin = CorpusAdmin(corpus)
    before = snapshot(corpus.parent)
    with pytest.raises(RejectedError, match="duplicate id 'ISC'"):
        admin.update("MIT", doc("ISC", kind="software-permissive"), actor="alice")
    with pytest.raises(RejectedError, match="binary file"):
        admin.update("MIT", b"\x00" * 10, actor="alice")
    with pytest.raises(RejectedError, match="No document with id 'nope'"):
        admin.update("nope", doc("nope"), actor="alice")
    with pytest.raises(LicenseQAError, match="No document with id"):
        admin.remove("nope", actor="alice")
    with pytest.raises(RejectedError, match="actor"):
        admin.remove("MIT", actor=" ")
    with pytest.raises(LicenseQAError, match="No document"):
        admin.get("nope")
    assert snapshot(corpus.parent) == before


# -- successful writes ------------------------------------------------------------------------------


def test_add_update_remove_round_trip_with_audit(corpus):
    admin = CorpusAdmin(corpus)
    v0 = admin.corpus_version()
    content = WIDGET.encode()
    assert admin.check("widget-policy.md", content)["id"] == "widget-policy"

    added = admin.add("widget-policy.md", content, actor="alice")
    assert isinstance(added, AuditRecord)
    assert (added.action, added.actor, added.doc_id, added.path) == (
        "add",
        "alice",
        "widget-policy",
        "guidance/widget-policy.md",
    )
    assert added.old_hash is None and added.new_hash == sha256_bytes(content)
    assert added.corpus_version == admin.corpus_version() != v0
    assert added.time.endswith("+00:00")
    assert (corpus / "guidance" / "widget-policy.md").read_bytes() == content
    info, text = admin.get("widget-policy")
    assert info == DocumentInfo(
        "widget-policy",
        "Widget Shipping Policy",
        "guidance",
        "guidance/widget-policy.md",
        added.new_hash,
        len(content),
    )
    assert text == WIDGET
    assert [d.doc_id for d in admin.list()] == ["ISC", "MIT", "widget-policy"]

    # a licence goes to licenses/
    lic = admin.add("Acme-1.0.txt", doc("Acme-1.0", kind="software-permissive"), actor="bob")
    assert lic.path == "licenses/Acme-1.0.txt"

    changed = WIDGET.replace("seven years", "ten years").encode()
    updated = admin.update("widget-policy", changed, actor="bob")
    assert (updated.action, updated.path) == ("update", "guidance/widget-policy.md")
    assert updated.old_hash == added.new_hash and updated.new_hash == sha256_bytes(changed)
    # the id may change (to an unused one); the path stays
    renamed = admin.update(
        "widget-policy", changed.replace(b"id: widget-policy", b"id: widgets"), actor="bob"
    )
    assert renamed.doc_id == "widgets" and renamed.path == "guidance/widget-policy.md"

    removed = admin.remove("widgets", actor="carol")
    assert (removed.action, removed.old_hash, removed.new_hash) == ("remove", renamed.new_hash, None)
    assert not (corpus / "guidance" / "widget-policy.md").exists()
    assert [d.doc_id for d in admin.list()] == ["Acme-1.0", "ISC", "MIT"]
    assert removed.corpus_version == admin.corpus_version()

    records = admin.audit()
    assert [r.action for r in records] == ["remove", "update", "update", "add", "add"]
    assert records[0] == removed and records[-1] == added
    assert [r.action for r in admin.audit(doc_id="WIDGET-policy")] == ["update", "add"]
    assert [r.doc_id for r in admin.audit(actor="bob")] == ["widgets", "widget-policy", "Acme-1.0"]
    lines = (corpus / "audit.jsonl").read_text().splitlines()
    assert len(lines) == 5 and json.loads(lines[0]) == added.to_dict()
    assert set(json.loads(lines[0])) == {
        "time",
        "actor",
        "action",
        "doc_id",
        "path",
        "old_hash",
        "new_hash",
        "corpus_version",
    }
    assert "Frobnicator" not in (corpus / "audit.jsonl").read_text()
    # no temporary files are left behind; the loader ignores the lock and the audit trail
    leftovers = [p.name for p in corpus.rglob(".*") if p.name != ".admin.lock"]
    assert leftovers == []
    assert admin.lint() == []


def test_custom_audit_path_and_concurrent_adds_of_one_id(corpus, tmp_path):
    admin = CorpusAdmin(corpus, audit_path=tmp_path / "trail" / "audit.jsonl")
    results: list[object] = []

    def add(name: str) -> None:
        try:
            results.append(admin.add(name, doc("same-id"), actor=name))
        except RejectedError as exc:
            results.append(exc)

    threads = [threading.Thread(target=add, args=(f"copy{i}.md",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(isinstance(r, AuditRecord) for r in results) == 1
    assert all("duplicate id" in str(r) for r in results if isinstance(r, RejectedError))
    assert len(admin.audit()) == 1 and not (corpus / "audit.jsonl").exists()


def test_lint_reports_every_problem(corpus):
    (corpus / "licenses" / "broken.txt").write_text("---\nid: broken\n---\nText\n")
    (corpus / "licenses" / "copy.txt").write_bytes(doc("isc", kind="software-permissive"))
    (corpus / "licenses" / "notes.pdf").write_bytes(b"%PDF-1.4")
    (corpus / "licenses" / "guide.md").write_bytes(doc("guide"))
    (corpus / "NOTICE.md").write_text("top-level files are not documents\n")
    lint = CorpusAdmin(corpus).lint()
    assert ("licenses/broken.txt", "error", "front matter lacks title, kind") in lint
    assert ("licenses/copy.txt", "error", "duplicate id 'isc' (already used by licenses/ISC.txt)") in lint
    assert ("licenses/notes.pdf", "error", "unsupported file type .pdf; use .md or .txt") in lint
    assert ("licenses/guide.md", "warning", "kind 'guidance' belongs in guidance/, not licenses/") in lint
    assert len(lint) == 4
    assert [d.doc_id for d in CorpusAdmin(corpus).list()] == ["guide", "ISC", "MIT"]


# -- documents module, conversion ------------------------------------------------------------------


def test_document_validation_is_shared_with_the_loader():
    import ingest.loader as loader
    from licenseqa.corpus import documents

    assert loader.DocumentError is documents.DocumentError and loader.MAX_FILE_BYTES == 2 * 1024 * 1024
    meta, body, first = parse_front_matter(b"---\nid: a\ntitle: T\nkind: k\n---\n\nBody\n")
    assert (meta["id"], body, first) == ("a", "\nBody\n", 6)
    with pytest.raises(DocumentError, match=r"^empty file$"):
        parse_front_matter(b"  \n")
    with pytest.raises(DocumentError, match="binary file"):
        loader.parse_document(b"\x00abc", "x.md", ".md")
    _, text = loader.parse_document(b"---\nid: a\ntitle: T\nkind: k\n---\n# H\n\n1. One\n", "x.md", ".md")
    assert text.markdown and text.first_line == 6


def test_licenseqa_never_imports_ingest():
    for path in (ROOT / "licenseqa").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            assert not any(n == "ingest" or n.startswith("ingest.") for n in names), path


PDF_PAGES = [
    ["Data Sharing Agreement", "1. Scope. This agreement covers research data."],
    ["2. Term. It ends after three years.", "3. Law. The laws of Ruritania apply."],
]


def test_pdf_extraction_keeps_page_numbers():
    extracted = extract_text("agreement.pdf", make_pdf(PDF_PAGES))
    lines = extracted.text.split("\n")
    assert [p for p, _ in extracted.pages] == [1, 2]
    for number, line in extracted.pages:
        assert lines[line - 1] == f"[page {number}]"
    assert extracted.pages[0][1] == 1
    page1 = "\n".join(lines[: extracted.pages[1][1] - 1])
    page2 = "\n".join(lines[extracted.pages[1][1] - 1 :])
    assert "Data Sharing Agreement" in page1 and "1. Scope" in page1 and "Ruritania" not in page1
    assert "2. Term. It ends after three years." in page2 and "3. Law." in page2
    assert extracted.text.endswith("\n") and not extracted.text.endswith("\n\n")
    with pytest.raises(DocumentError, match="cannot read the PDF"):
        extract_text("broken.pdf", b"%PDF-1.4\nnot really a pdf")


def test_docx_extraction_one_paragraph_per_line():
    import docx

    document = docx.Document()
    document.add_heading("Model Licence Addendum", level=1)
    document.add_paragraph("1. Grant. You may run the model.")
    document.add_paragraph("2. Limits. No military use.")
    buf = io.BytesIO()
    document.save(buf)
    extracted = extract_text("Addendum.DOCX", buf.getvalue())
    assert extracted.pages == ()
    assert extracted.text.split("\n") == [
        "Model Licence Addendum",
        "1. Grant. You may run the model.",
        "2. Limits. No military use.",
        "",
    ]
    with pytest.raises(DocumentError, match="cannot read the DOCX"):
        extract_text("x.docx", b"PK not a zip")


def test_text_files_unsupported_types_compose_and_suggest():
    assert extract_text("a.txt", "\ufeffHello\r\nWorld\n".encode()).text == "Hello\nWorld\n"
    with pytest.raises(DocumentError, match="not valid UTF-8"):
        extract_text("a.md", b"caf\xe9")
    with pytest.raises(DocumentError, match=r"unsupported file type \.exe"):
        extract_text("a.exe", b"MZ")
    meta = {"id": "ai-policy", "title": "AI Policy — ünïcode", "kind": "guidance", "aliases": ["ai"]}
    composed = compose_document(meta, "\n\n# AI Policy\n\nText.\n\n\n")
    assert composed.decode().startswith("---\nid: ai-policy\ntitle: AI Policy — ünïcode\n")
    assert composed.endswith(b"---\n\n# AI Policy\n\nText.\n")
    assert parse_front_matter(composed)[0] == meta

    text = "\n# AI Usage Policy\n\n## 1. Scope\n\nText\n"
    assert suggest_front_matter("My Policy (v2).md", text) == {
        "id": "My-Policy-v2",
        "title": "AI Usage Policy",
        "kind": "guidance",
    }
    assert suggest_front_matter("Acme EULA.txt", "\n  ACME END USER LICENSE  \n\n1. Grant\n") == {
        "id": "Acme-EULA",
        "title": "ACME END USER LICENSE",
        "kind": "",
    }
    assert suggest_front_matter("__.pdf", "[page 1]\nTitle line\n")["title"] == "Title line"
    assert suggest_front_matter("__.pdf", "x")["id"] == ""


# -- CLI ------------------------------------------------------------------------------------------


def test_cli_rejections_are_clear_errors(corpus, tmp_path):
    before = snapshot(corpus)
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "tool.exe").write_bytes(b"MZ\x00")
    (uploads / "dup.md").write_bytes(doc("MIT"))
    (uploads / "notes.txt").write_text("Some notes without front matter\n\nMore text.\n")
    (uploads / "own.md").write_bytes(doc("own"))
    cases = [
        (("add", str(uploads / "tool.exe")), 1, "unsupported file type .exe"),
        (("add", str(uploads / "dup.md")), 1, "Rejected: duplicate id 'MIT'"),
        (("add", str(uploads / "missing.md")), 2, "Cannot read"),
        (("add", str(uploads / "notes.txt")), 2, "--kind KIND"),
        (("add", str(uploads / "own.md"), "--id", "x"), 2, "has its own front matter"),
        (("remove", "nope"), 2, "No document with id 'nope'"),  # an unknown id is a usage error
    ]
    for args, code, message in cases:
        done = run_cli("corpus", *args, "--corpus", str(corpus), "--no-index")
        assert done.returncode == code and message in done.stderr, (args, done.returncode, done.stderr)
        assert "Traceback" not in done.stderr and done.stdout == ""
    done = run_cli("corpus", "list", "--corpus", str(tmp_path / "missing"))
    assert done.returncode == 1 and "does not exist" in done.stderr
    assert snapshot(corpus) == before


def test_cli_add_pdf_builds_front_matter(corpus, tmp_path):
    pdf = tmp_path / "Data Sharing.pdf"
    pdf.write_bytes(make_pdf(PDF_PAGES))
    done = run_cli(
        "corpus",
        "add",
        str(pdf),
        "--corpus",
        str(corpus),
        "--kind",
        "data-agreement",
        "--alias",
        "DSA",
        "--alias",
        "sharing",
        "--source",
        "Signed copy from Legal",
        "--actor",
        "dana",
        "--no-index",
    )
    assert done.returncode == 0, done.stderr
    assert "added Data-Sharing (licenses/Data-Sharing.txt)" in done.stdout
    meta, body, _ = parse_front_matter((corpus / "licenses" / "Data-Sharing.txt").read_bytes())
    assert meta == {
        "id": "Data-Sharing",
        "title": "Data Sharing Agreement",
        "kind": "data-agreement",
        "aliases": ["DSA", "sharing"],
        "source": "Signed copy from Legal",
    }
    assert body.lstrip().startswith("[page 1]\nData Sharing Agreement") and "[page 2]" in body
    audit = run_cli("corpus", "audit", "--corpus", str(corpus), "--json")
    [record] = json.loads(audit.stdout)
    assert (record["actor"], record["action"], record["doc_id"]) == ("dana", "add", "Data-Sharing")
    docs = json.loads(run_cli("corpus", "list", "--corpus", str(corpus), "--json").stdout)
    assert [d["doc_id"] for d in docs] == ["Data-Sharing", "ISC", "MIT"]


def _cited(answer: dict) -> set[str]:
    return {c["doc_id"] for c in answer["citations"]}


@pytest.mark.slow
def test_cli_round_trip_add_ask_remove(corpus, tmp_path):
    env = {"LICENSEQA_INDEX_DIR": str(tmp_path / "index"), "LICENSEQA_CORPUS_DIR": str(corpus)}
    source = tmp_path / "widget-policy.md"
    source.write_text(WIDGET.split("---\n\n", 1)[1])  # no front matter: built from the file
    done = run_cli("corpus", "add", str(source), "--actor", "erin", env=env)
    assert done.returncode == 0, done.stderr
    assert "added widget-policy (guidance/widget-policy.md)" in done.stdout
    assert "corpus version" in done.stderr  # the re-index ran

    docs = json.loads(run_cli("corpus", "list", "--json", env=env).stdout)
    assert {"doc_id": "widget-policy", "title": "Widget Shipping Policy", "kind": "guidance"}.items() <= next(
        d for d in docs if d["doc_id"] == "widget-policy"
    ).items()

    question = "Who must approve a Frobnicator component before it ships?"
    asked = run_cli("ask", question, "--json", env=env)
    assert asked.returncode == 0, asked.stderr
    assert "widget-policy" in _cited(json.loads(asked.stdout))

    done = run_cli("corpus", "remove", "widget-policy", "--actor", "erin", env=env)
    assert done.returncode == 0, done.stderr
    docs = json.loads(run_cli("corpus", "list", "--json", env=env).stdout)
    assert "widget-policy" not in {d["doc_id"] for d in docs}
    asked = run_cli("ask", question, "--json", env=env)
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert "widget-policy" not in _cited(answer)
    assert "widget-policy" not in {r["doc_id"] for r in answer["retrieved"]}

    trail = json.loads(run_cli("corpus", "audit", "--json", env=env).stdout)
    assert [(r["action"], r["actor"]) for r in trail] == [("remove", "erin"), ("add", "erin")]
    status = json.loads(run_cli("status", "--json", env=env).stdout)
    assert status["corpus_version"] == trail[0]["corpus_version"]


@pytest.mark.slow
def test_audit_corpus_version_matches_the_ingest(corpus, tmp_path):
    env = {"LICENSEQA_INDEX_DIR": str(tmp_path / "index")}
    admin = CorpusAdmin(corpus)
    added = admin.add("widget-policy.md", WIDGET.encode(), actor="alice")
    report = run_ingest_cli("--corpus", str(corpus), "--json", env=env)
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["corpus_version"] == added.corpus_version
    removed = admin.remove("MIT", actor="alice")
    report = run_ingest_cli("--corpus", str(corpus), "--json", env=env)
    assert json.loads(report.stdout)["corpus_version"] == removed.corpus_version != added.corpus_version


@pytest.mark.slow
def test_cli_validate_exit_codes(corpus):
    clean = run_cli("corpus", "validate", "--corpus", str(corpus), "--json")
    assert clean.returncode == 0, clean.stderr
    result = json.loads(clean.stdout)
    assert result["ok"] and result["documents"] == 2 and result["errors"] == 0
    assert {
        "path": "licenses/MIT.txt",
        "level": "warning",
        "message": "no numbered sections found; paragraphs are the units",
    } in result["problems"]
    (corpus / "licenses" / "broken.txt").write_text("---\nid: broken\ntitle: [x\n---\nText\n")
    broken = run_cli("corpus", "validate", "--corpus", str(corpus))
    assert broken.returncode == 1
    assert "licenses/broken.txt: error: malformed front matter" in broken.stdout
    assert "Traceback" not in broken.stderr


@pytest.mark.slow
def test_preview_module(tmp_path):
    done = run_module("ingest.preview", str(ROOT / "corpus/licenses/Apache-2.0.txt"), "--json")
    assert done.returncode == 0, done.stderr
    preview = json.loads(done.stdout)
    assert preview["ok"] and preview["doc_id"] == "Apache-2.0" and preview["errors"] == []
    assert preview["sections"][:4] == ["1", "2", "3", "4"] and "4(d)" in preview["sections"]
    assert len(preview["sections"]) == len(set(preview["sections"]))
    bad = tmp_path / "bad.md"
    bad.write_text("---\nid: x\n---\nText\n")
    done = run_module("ingest.preview", str(bad), "--json")
    assert done.returncode == 1 and json.loads(done.stdout)["errors"] == ["front matter lacks title, kind"]


@pytest.mark.slow
@pytest.mark.skipif(not SCANCODE.is_dir(), reason="../shared/data/scancode-licensedb is not present")
def test_cli_import_scancode_writes_a_valid_document(corpus):
    done = run_cli(
        "corpus", "import-scancode", "mit-0", "--from", str(SCANCODE), "--corpus", str(corpus), "--no-index"
    )
    assert done.returncode == 0, done.stderr
    raw = (corpus / "licenses" / "mit-0.txt").read_bytes()
    meta, body, _ = parse_front_matter(raw)
    assert meta == {
        "id": "mit-0",
        "title": "MIT No Attribution",
        "kind": "software-permissive",
        "spdx": "MIT-0",
        "aliases": ["mit-0"],
        "source": "ScanCode LicenseDB (scancode-toolkit 32.5.0), licenses/mit-0.LICENSE; "
        "data CC-BY-4.0, Copyright (c) nexB Inc. and others",
        "url": "https://github.com/awsdocs/aws-cloud9-user-guide/blob/master/LICENSE-SAMPLECODE",
    }
    assert body.startswith("\nPermission is hereby granted") and raw.endswith(b"SOFTWARE.\n")
    assert CorpusAdmin(corpus).audit()[0].action == "import"
    again = run_cli("corpus", "import-scancode", "mit-0", "--from", str(SCANCODE), "--corpus", str(corpus))
    assert again.returncode == 1 and "duplicate id 'mit-0'" in again.stderr
    missing = run_cli(
        "corpus", "import-scancode", "no-such-key", "--from", str(SCANCODE), "--corpus", str(corpus)
    )
    assert missing.returncode == 2 and "No ScanCode licence 'no-such-key'" in missing.stderr
    valid = run_cli("corpus", "validate", "--corpus", str(corpus), "--json")
    assert valid.returncode == 0, valid.stdout + valid.stderr
    assert json.loads(valid.stdout)["documents"] == 3
