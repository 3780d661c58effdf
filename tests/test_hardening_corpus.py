"""Issue #17, corpus kinds 5 and 6: gaps and restarts in clause numbering; a skipped file still cited.

Real splitter with the real tokenizer, real corpus files, a real Chroma index built with the bundled model,
the real CLI and the real Streamlit page.
"""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import ROOT, make_corpus, run_cli
from streamlit.testing.v1 import AppTest

from ingest.splitter import DocumentText

FRONT = "---\nid: {id}\ntitle: {title}\nkind: software-permissive\n---\n"


def _split(splitter, body: str, doc_id: str = "GAP") -> list:
    return splitter.split(
        DocumentText(doc_id, "Gap Licence", "test", f"corpus/{doc_id}.txt", body, first_line=1)
    )


def _labels(clauses) -> list[str | None]:
    return list(dict.fromkeys(c.section for c in clauses))


def _clause_with(clauses, words: str):
    found = [c for c in clauses if words in c.text]
    assert found, f"no clause holds {words!r}: {[(c.section, c.text[:40]) for c in clauses]}"
    return found[0]


# -- kind 5: numbering gaps, restarts ----------------------------------------------------------------------

ISSUE_EXAMPLE = """\
EXAMPLE LICENSE

1. Grant. You may use, copy and modify the Software for any purpose.

3. Attribution. You must keep the copyright notice in every copy.

4. Termination. This licence ends automatically if you breach any of its terms.
"""


def test_issue_example_clause_numbers_1_3_4_are_three_clauses(splitter):
    clauses = _split(splitter, ISSUE_EXAMPLE)
    assert _labels(clauses) == ["1", "3", "4"]
    termination = _clause_with(clauses, "ends automatically if you breach")
    assert (termination.section, termination.heading) == ("4", "Termination")
    assert "You may use" not in termination.text
    assert _clause_with(clauses, "keep the copyright notice").section == "3"


@pytest.mark.parametrize(
    ("style", "first", "second", "third"),
    [("({})", "(a)", "(c)", "(d)"), ("{})", "a)", "c)", "d)"), ("{}.", "a.", "c.", "d.")],
)
def test_a_gap_in_letters_opens_a_sibling(splitter, style, first, second, third):
    body = (
        "1. Conditions. Redistribution of the Software is permitted on the following terms.\n\n"
        f"{first} Notices. Keep every copyright notice.\n\n"
        f"{second} Source. Offer the source code to every recipient.\n\n"
        f"{third} Patents. A patent claim ends this licence.\n\n"
        "2. Warranty. There is none.\n"
    )
    clauses = _split(splitter, body)
    assert _labels(clauses) == ["1", "1(a)", "1(c)", "1(d)", "2"]
    assert _clause_with(clauses, "Offer the source code").section == "1(c)"
    assert _clause_with(clauses, "A patent claim").section == "1(d)"


def test_a_gap_in_decimals_opens_a_sibling(splitter):
    body = (
        "1. Definitions\n\n"
        "1.1 Software means the program.\n\n"
        "1.3 Licensee means you.\n\n"
        "1.4 Contribution means a change.\n\n"
        "2. Grant\n\n"
        "2.1 You may copy the Software.\n\n"
        "2.4 You may sell copies of the Software.\n"
    )
    clauses = _split(splitter, body)
    assert [s for s in _labels(clauses) if s not in ("1", "2")] == ["1.1", "1.3", "1.4", "2.1", "2.4"]
    assert _clause_with(clauses, "Licensee means you").section == "1.3"
    assert _clause_with(clauses, "sell copies").section == "2.4"


RESTART = """\
PART ONE: THE SOFTWARE LICENCE 2024

1. Grant. You may use the Software.

2. Notices. Keep the notices.

3. Liability. None is accepted.

PART TWO: THE DOCUMENTATION LICENCE 2024

1. Grant. You may copy the documentation.

2. Termination. This part ends when you stop distributing the documentation.
"""


def test_a_restart_of_the_numbering_opens_siblings(splitter):
    clauses = _split(splitter, RESTART)
    assert [c.section for c in clauses if c.section] == ["1", "2", "3", "1", "2"]
    ends = _clause_with(clauses, "This part ends")
    assert (ends.section, ends.heading) == ("2", "Termination")
    assert "None is accepted" not in _clause_with(clauses, "copy the documentation").text


def test_a_repeated_number_opens_a_sibling(splitter):
    body = (
        "2.1 Rights covered. This document covers:\n\n"
        "a. Copyright. Any copyright in the work.\n\n"
        "2.1 Rights not covered. This document does not cover:\n\n"
        "a. Patents. No patent rights are licensed.\n\n"
        "2.2 Facts. Facts are free.\n"
    )
    clauses = _split(splitter, body)
    patents = _clause_with(clauses, "No patent rights")
    assert (patents.section, patents.heading) == ("2.1(a)", "Patents")
    assert "Any copyright in the work" not in patents.text


GUARDS = """\
1. Grant. You may use the Software as long as you keep the conditions in section
3. The conditions also bind every recipient.

2. Conditions

1. Keep the copyright notice.

2. Keep this licence text.

3. Scope. The licence covers Python
1.6.1 FOR ANY PURPOSE and later versions.

1. The nested item stands inside clause 3.

4. Termination. Any breach ends the licence. It lists 400 copies.

40. Forty is a number in running text after a blank line.

5. Law. The law of Ruritania applies.
"""


def test_numbers_that_are_not_siblings_stay_text(splitter):
    clauses = _split(splitter, GUARDS)
    assert [c.section for c in clauses if c.section] == ["1", "2(1)", "2(2)", "3", "4", "5"]
    # a cross-reference wrapped to the start of a line
    assert _clause_with(clauses, "The conditions also bind").section == "1"
    # a nested list reusing the top-level style right under a title-only clause is a list of its own
    # (issue 16: BLOOM RAIL's definitions are 1(2)...), and "3. Scope." with a title like the top-level
    # clauses goes back to the top level
    assert _clause_with(clauses, "Keep the copyright notice").section == "2(1)"
    assert _clause_with(clauses, "Keep this licence text").section == "2(2)"
    # a version number, and a nested item the next top-level number (4) shows to be nested
    assert _clause_with(clauses, "1.6.1 FOR ANY PURPOSE").section == "3"
    assert _clause_with(clauses, "The nested item").section == "3"
    # a number far beyond the next one is not a deleted-clause gap
    assert _clause_with(clauses, "Forty is a number").section == "4"
    assert _clause_with(clauses, "Ruritania").section == "5"


def test_lists_introduced_by_a_colon_stay_nested(splitter):
    body = (
        "1. Grant. You may use it.\n\n"
        "2. Conditions. You must:\n\n"
        "1. Keep the notice.\n\n"
        "2. Keep the licence.\n"
    )
    clauses = _split(splitter, body)
    # the list is clause 2's own (issue 16: a nested list in the top-level style gets its own labels)
    assert [c.section for c in clauses if c.section] == ["1", "2", "2(1)", "2(2)"]
    assert _clause_with(clauses, "Keep the notice").section == "2(1)"
    assert _clause_with(clauses, "Keep the licence").section == "2(2)"


def test_real_corpus_texts_with_gaps_and_restarts(split_corpus):
    # bigcode-openrail-m: paragraphs 2 and 3 carry no number; 4-13 keep theirs (all lumped before)
    bigcode = split_corpus["bigcode-openrail-m"]
    assert _clause_with(bigcode, "Licensor claims no rights in the Output").section == "6"
    assert _clause_with(bigcode, "Disclaimer of Warranty. Unless required").section == "10"
    # Python-2.0: the BeOpen and CNRI agreements restart at 1 (were all "8" and "1.6.1")
    python = split_corpus["Python-2.0"]
    assert _clause_with(python, "BeOpen hereby grants Licensee").section == "2"
    assert _clause_with(python, "CNRI is making Python 1.6.1 available").section == "4"
    assert "1.6.1" not in {c.section for c in python}
    # MulanPSL-2.0: the English version restarts the numbering after the Chinese one
    mulan = split_corpus["MulanPSL-2.0"]
    assert _clause_with(mulan, "No trademark license is granted").section == "3"


def test_numbering_problems_warn_about_gaps_and_restarts():
    from licenseqa.corpus.numbering import numbering_problems

    (gap,) = numbering_problems(ISSUE_EXAMPLE, first_line=6)
    assert gap == "top-level numbering skips 2: clause 1 (line 8) is followed by clause 3 (line 10)"
    (restart,) = numbering_problems(RESTART)
    assert restart.startswith("top-level numbering restarts: clause 3 (line 7)")
    assert "clause 1 (line 11)" in restart
    words = "Section 1 – Scope.\n\nText.\n\nSection 2 – Grant.\n\nText.\n\nSection 5 – Law.\n\nText.\n"
    assert numbering_problems(words) == [
        "top-level numbering skips 3-4: clause 2 (line 5) is followed by clause 5 (line 9)"
    ]
    md = "## 1. Scope\n\nText.\n\n## 2. Rules\n\n1. One.\n2. Two.\n\n## 4. Contacts\n\nText.\n"
    assert numbering_problems(md, markdown=True) == [
        "top-level numbering skips 3: clause 2 (line 5) is followed by clause 4 (line 10)"
    ]
    # a regular text, nested lists, letters and wrapped numbers are no warning
    assert (
        numbering_problems(GUARDS.replace("40. Forty", "Forty").replace("\n1. The nested", "\nThe nested"))
        == []
    )
    assert numbering_problems("1. Rules. You must:\n\n1. Keep it.\n\n2. Share it.\n\n2. Law. Ours.\n") == []
    letters = "1. Grant. Yes.\n\n(a) One.\n\n(c) Three.\n\n2. Law. Ours.\n"
    assert numbering_problems(letters) == []


def test_real_corpus_numbering_warnings_are_the_real_gaps_and_restarts():
    from licenseqa.corpus.numbering import numbering_warnings

    warned = {
        p.relative_to(ROOT / "corpus").as_posix(): numbering_warnings(p)
        for p in sorted((ROOT / "corpus").rglob("*.*"))
        if p.parent != ROOT / "corpus"
    }
    assert {k: len(v) for k, v in warned.items() if v} == {
        "licenses/Python-2.0.txt": 2,
        "licenses/bigcode-openrail-m.txt": 1,
    }
    assert warned["licenses/bigcode-openrail-m.txt"] == [
        "top-level numbering skips 2-3: clause 1 (line 24) is followed by clause 4 (line 64)"
    ]


def test_corpus_validate_warns_about_the_gap_but_accepts_the_file(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", ["MIT"])
    (corpus / "licenses" / "GapTest.txt").write_text(
        FRONT.format(id="GapTest", title="Gap Test Licence") + ISSUE_EXAMPLE, encoding="utf-8"
    )
    done = run_cli("corpus", "validate", "--corpus", str(corpus), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["ok"] and data["errors"] == 0 and data["documents"] == 2
    gap = [p for p in data["problems"] if "numbering" in p["message"]]
    assert gap == [
        {
            "path": "licenses/GapTest.txt",
            "level": "warning",
            "message": "top-level numbering skips 2: clause 1 (line 8) is followed by clause 3 (line 10)",
        }
    ]
    text = run_cli("corpus", "validate", "--corpus", str(corpus))
    assert text.returncode == 0
    assert "licenses/GapTest.txt: warning: top-level numbering skips 2" in text.stdout


# -- kind 6: a skipped file the index still answers from ---------------------------------------------------

QUESTION = "Does the AGPL network clause matter for our SaaS products?"
GUIDE = "guidance/copyleft-and-saas.md"


@pytest.fixture(scope="module")
def built(tmp_path_factory, embedder):
    """A small real corpus (with the SaaS guidance) and its index, built once; tests work on copies."""
    from ingest.pipeline import run_ingest
    from licenseqa.config import load_settings
    from licenseqa.index.store import ChromaStore

    base = tmp_path_factory.mktemp("built")
    corpus = make_corpus(base / "corpus", ["AGPL-3.0-only", "MIT", "GPL-3.0-only"], ["copyleft-and-saas"])
    index = base / "index"
    store = ChromaStore.open(load_settings(corpus_dir=corpus, index_dir=index), create=True)
    run_ingest(corpus, store, lambda: embedder, embedder.name, index_dir=index)
    return base


@pytest.fixture
def copy(built, tmp_path):
    shutil.copytree(built / "corpus", tmp_path / "corpus")
    shutil.copytree(built / "index", tmp_path / "index")
    return tmp_path / "corpus", tmp_path / "index"


def _reingest(corpus, index, embedder):
    from ingest.pipeline import run_ingest
    from licenseqa.config import load_settings
    from licenseqa.index.store import ChromaStore

    store = ChromaStore.open(load_settings(corpus_dir=corpus, index_dir=index))
    return run_ingest(corpus, store, lambda: embedder, embedder.name, index_dir=index)


def _answer(corpus, index, question=QUESTION, **kw):
    from licenseqa.answering.compose import answer
    from licenseqa.config import load_settings
    from licenseqa.service import open_retriever

    return answer(question, open_retriever(load_settings(corpus_dir=corpus, index_dir=index)), **kw)


def _status(corpus, index):
    from licenseqa.config import load_settings
    from licenseqa.index.status import index_status

    return index_status(load_settings(corpus_dir=corpus, index_dir=index))


def test_fresh_index_is_ready_and_answers_carry_no_source_note(copy):
    corpus, index = copy
    status = _status(corpus, index)
    assert status.ready and status.message == "ready" and not status.stale and status.skipped == ()
    ans = _answer(corpus, index)
    assert any(c.doc_id == "copyleft-and-saas" for c in ans.citations)
    assert not [w for w in ans.warnings if "changed since it was indexed" in w]


def test_issue_example_emptied_file_is_listed_by_status_and_noted_in_answers(copy, embedder):
    corpus, index = copy
    (corpus / GUIDE).write_bytes(b"")  # `: > corpus/guidance/copyleft-and-saas.md`
    report = _reingest(corpus, index, embedder)
    assert [(s.path, s.reason) for s in report.skipped] == [("corpus/" + GUIDE, "empty file")]
    assert report.docs_total == 4  # its last indexed version is kept, as designed

    status = _status(corpus, index)
    assert status.skipped == ("corpus/guidance/copyleft-and-saas.md: empty file",)
    assert status.stale and status.message != "ready" and status.changes == ()
    assert "1 indexed file(s) changed on disk but the ingest skips them" in status.message

    ans = _answer(corpus, index)
    cited = [c for c in ans.citations if c.doc_id == "copyleft-and-saas"]
    assert cited, [c.doc_id for c in ans.citations]
    (note,) = [w for w in ans.warnings if "copyleft-and-saas" in w]
    assert note == (
        "The source of copyleft-and-saas changed since it was indexed: corpus/guidance/copyleft-and-saas.md "
        "is skipped by the ingest now (empty file). The cited lines quote the indexed text and may not match "
        "the file."
    )
    from licenseqa.answering.compose import answer_to_dict, render_text

    assert f"warning: {note}" in render_text(ans)
    assert note in answer_to_dict(ans)["warnings"]
    # an answer that cites only other documents carries no note
    other = _answer(corpus, index, "What must I keep when I copy MIT code?", doc_ids=["MIT"])
    assert other.citations and all(c.doc_id != "copyleft-and-saas" for c in other.citations)
    assert not [w for w in other.warnings if "changed since it was indexed" in w]


def test_invalid_front_matter_is_listed_with_its_reason(copy, embedder):
    corpus, index = copy
    path = corpus / GUIDE
    path.write_text(path.read_text(encoding="utf-8").replace("kind: guidance", "kind: [guidance"), "utf-8")
    report = _reingest(corpus, index, embedder)
    assert [s.path for s in report.skipped] == ["corpus/" + GUIDE]
    (skipped,) = _status(corpus, index).skipped
    assert skipped.startswith("corpus/guidance/copyleft-and-saas.md: malformed front matter")
    ans = _answer(corpus, index)
    (note,) = [w for w in ans.warnings if "copyleft-and-saas" in w]
    assert "is skipped by the ingest now (malformed front matter" in note


def test_an_edit_not_yet_indexed_and_a_removed_file_are_noted(copy):
    corpus, index = copy
    path = corpus / GUIDE
    path.write_text(
        path.read_text(encoding="utf-8").replace("AGPL-3.0 §13 requires", "AGPL §13 demands"), "utf-8"
    )
    status = _status(corpus, index)
    assert status.changes == ("changed: corpus/guidance/copyleft-and-saas.md",) and status.skipped == ()
    (note,) = [w for w in _answer(corpus, index).warnings if "copyleft-and-saas" in w]
    assert "corpus/guidance/copyleft-and-saas.md was edited and not indexed again yet" in note
    path.unlink()
    (note,) = [w for w in _answer(corpus, index).warnings if "copyleft-and-saas" in w]
    assert "corpus/guidance/copyleft-and-saas.md was removed" in note


def test_cli_status_and_ask_json_show_the_skipped_file(copy, embedder):
    corpus, index = copy
    (corpus / GUIDE).write_bytes(b"")
    _reingest(corpus, index, embedder)
    env = {"LICENSEQA_CORPUS_DIR": str(corpus), "LICENSEQA_INDEX_DIR": str(index)}
    text = run_cli("status", env=env)
    assert text.returncode == 0, text.stderr
    assert "skipped (indexed version kept): corpus/guidance/copyleft-and-saas.md: empty file" in text.stderr
    data = json.loads(run_cli("status", "--json", env=env).stdout)
    assert data["skipped"] == ["corpus/guidance/copyleft-and-saas.md: empty file"]
    assert data["ready"] and data["message"] != "ready"
    asked = run_cli("ask", "--json", QUESTION, env=env)
    assert asked.returncode == 0, asked.stderr
    out = json.loads(asked.stdout)
    assert any(c["doc_id"] == "copyleft-and-saas" for c in out["citations"])
    assert any("The source of copyleft-and-saas changed since it was indexed" in w for w in out["warnings"])


@pytest.mark.slow
def test_chat_page_shows_the_skipped_file_and_the_answer_note(copy, embedder, monkeypatch, tmp_path):
    corpus, index = copy
    (corpus / GUIDE).write_bytes(b"")
    _reingest(corpus, index, embedder)
    monkeypatch.setenv("LICENSEQA_INDEX_DIR", str(index))
    monkeypatch.setenv("LICENSEQA_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("LICENSEQA_FEEDBACK_PATH", str(tmp_path / "feedback.jsonl"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
    assert not at.exception
    assert any("the ingest skips them" in i.value for i in at.info)
    at.chat_input[0].set_value(QUESTION)
    at = at.run(timeout=300)
    assert not at.exception
    assert any(
        "The source of copyleft-and-saas changed since it was indexed" in w.value and "empty file" in w.value
        for w in at.warning
    ), [w.value for w in at.warning]
