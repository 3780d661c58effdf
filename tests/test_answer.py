"""Answers with citations over the real corpus, the `ask` CLI, and the dev evaluation bars."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, run_cli

from licenseqa.answering.compose import answer, answer_to_dict
from licenseqa.answering.evaluation import load_gold, run_evaluation, section_tokens
from licenseqa.errors import InputError

pytestmark = pytest.mark.slow
DEV = ROOT / "eval" / "dev.jsonl"


DEV2 = ROOT / "eval" / "dev2.jsonl"


def test_dev_copies_match_shared():
    for copy, n in ((DEV, 41), (DEV2, 120)):
        shared = ROOT.parent / "shared" / "eval" / copy.name
        if shared.exists():  # CI and developer machines have ../shared; the copies must not drift
            assert copy.read_text(encoding="utf-8") == shared.read_text(encoding="utf-8"), copy.name
        assert len(load_gold(copy)) == n


def test_dev_evaluation_meets_the_bars(retriever):
    report = run_evaluation(retriever, load_gold(DEV), k=5, corpus_dir=CORPUS, baselines=True)
    ours, naive, bm25 = report["systems"]
    m = ours["overall"]
    assert m["hit@k"] >= 0.95, m
    assert m["licence_hit@k"] >= 0.95, m
    assert m["mrr"] >= 0.85, m
    assert m["citation_hit"] >= 0.95, m
    assert ours["declined"] == ours["abstain_questions"] == 2
    assert ours["false_abstentions"] == 0
    # the baselines ran on the same corpus and are worse
    assert naive["overall"]["questions"] == bm25["overall"]["questions"] == m["questions"] == 39
    assert naive["overall"]["mrr"] < m["mrr"] and bm25["overall"]["mrr"] < m["mrr"]


def test_dev2_evaluation_does_not_regress(retriever):
    """dev2 (written the way people ask) is below the question-analysis issue's bars (hit@5, licence
    hit@5 and citation hit >= 0.95, MRR >= 0.85): these are floors at the measured figures (our search is
    exact, so the figures repeat), so that no change lowers them; raise them as the figures rise."""
    report = run_evaluation(retriever, load_gold(DEV2), k=5, corpus_dir=None, baselines=False)
    [ours] = report["systems"]
    m = ours["overall"]
    assert m["hit@k"] >= 0.936, m
    assert m["licence_hit@k"] >= 0.92, m
    assert m["mrr"] >= 0.829, m
    assert m["citation_hit"] >= 0.945, m
    assert ours["declined"] >= 9 and ours["declined_right_reason"] >= 9, ours
    assert ours["false_abstentions"] == 0


# yes/no questions in our own words that the licence facts decide
DECIDED = (
    (
        "Can we sell binaries of a GPL-2.0 utility without providing the source code?",
        ("GPL-2.0-only", "3(b)"),
    ),
    (
        "Do we need to keep the NOTICE file when we redistribute an Apache-2.0 library inside our app?",
        ("Apache-2.0", "4(d)"),
    ),
    ("Can we use a CC BY-NC 4.0 dataset to train a model we sell?", ("CC-BY-NC-4.0", "1(i)")),
    (
        "Does the MPL-2.0 let us keep our own separate files proprietary when we ship them with MPL files?",
        None,
    ),
    ("Are we allowed to use Llama 3.1 outputs to improve a different large language model?", None),
)


@pytest.mark.parametrize("question,first", DECIDED)
def test_the_clause_a_verdict_rests_on_comes_first(retriever, question, first):
    """When the facts decide, the clause the answer names as the most relevant ([1], the first retrieved)
    is one the verdict cites: the conclusion and the clause shown first agree."""
    ans = answer(question, retriever)
    assert ans.verdict is not None, ans.text.split("\n", 1)[0]
    cited = {(c.doc_id, c.section) for c in ans.citations if c.n in ans.verdict["citations"]}
    top = (ans.retrieved[0].clause.doc_id, ans.retrieved[0].clause.section)
    assert top in cited and (ans.citations[0].doc_id, ans.citations[0].section) == top, (top, cited)
    if first is not None:
        assert top == first


def test_section_tokens_rule():
    assert section_tokens("1(b)(v)") == section_tokens("1.b.v") == section_tokens("1 b v") == ["1", "b", "v"]
    assert section_tokens("Section 4(d)") == ["4", "d"]
    assert section_tokens("§3.3") == ["3", "3"]
    assert section_tokens("3.30")[:2] != section_tokens("3.3")[:2] or section_tokens("3.30") != ["3", "3"]


def test_answer_cites_verbatim_quotes_with_line_ranges(retriever):
    ans = answer("Does Apache License 2.0 require me to give recipients a copy of the license?", retriever)
    assert not ans.abstained and ans.citations
    assert (ans.citations[0].doc_id, ans.citations[0].section) == ("Apache-2.0", "4(a)")
    bullets = [line for line in ans.text.splitlines() if line.startswith("- ")]
    assert 1 <= len(bullets) <= 6 and all(re.search(r"\[\d+\]$", b) for b in bullets)
    for c in ans.citations:
        lines = (ROOT / c.source).read_text(encoding="utf-8").split("\n")
        assert c.quote in "\n".join(lines[c.start_line - 1 : c.end_line])
    assert ans.corpus_version == retriever.state.corpus_version
    assert len(ans.retrieved) == 10 and [h.rank for h in ans.retrieved] == list(range(1, 11))


def test_bullets_are_sentences_of_the_cited_clause(retriever):
    ans = answer("What must binary redistributions of BSD-2-Clause software reproduce?", retriever)
    by_n = {c.n: c for c in ans.citations}
    for bullet in (b for b in ans.text.splitlines() if b.startswith("- ")):
        n = int(re.search(r"\[(\d+)\]$", bullet).group(1))
        words = bullet[2:].rsplit(" [", 1)[0].rstrip(" …").split()
        clause_text = " ".join(
            (ROOT / by_n[n].source).read_text().split("\n")[by_n[n].start_line - 1 : by_n[n].end_line]
        )
        assert " ".join(words[-5:]) in " ".join(clause_text.split())


@pytest.mark.parametrize(
    "question", ["How do I reset my laptop password?", "Recommend a good restaurant for the team dinner."]
)
def test_off_topic_questions_abstain(retriever, question):
    ans = answer(question, retriever)
    assert ans.abstained and not ans.citations
    assert "not covered by the licensing corpus" in ans.text and "legal team" in ans.text


def test_named_licence_is_not_crowded_out_by_siblings(retriever):
    for version in ("llama3.1", "llama3.2", "llama3.3"):
        name = version.replace("llama", "Llama ")
        ans = answer(f"May I use the Llama trademark when I redistribute a {name} model?", retriever)
        # two lanes: the licence slots of the top 5 (4 of them) all belong to the named version, no sibling;
        # the fifth is our guidance
        top = [h.clause for h in ans.retrieved[:5]]
        licence_top = [c.doc_id for c in top if c.kind != "guidance"]
        assert licence_top == [version] * 4, licence_top
        assert ans.citations[0].doc_id == version


@pytest.mark.parametrize(
    "question",
    [
        "What must a commercial distributor of EPL-2.0 code do to protect the other contributors?",
        "Does the GPL-3.0 let us lock down the firmware of a consumer device that runs GPL code?",
        "What does Apache-2.0 say about patent litigation against contributors?",
    ],
)
def test_one_clause_takes_one_slot(retriever, question):
    """A long clause the splitter cut into several chunks (EPL-2.0 §4, GPL-3.0 §6, Apache-2.0 §3) is one
    source: its chunks never take two of the top five places."""
    ans = answer(question, retriever)
    top = [(h.clause.doc_id, h.clause.section) for h in ans.retrieved[:5] if h.clause.section is not None]
    assert len(top) == len(set(top)), top
    # the other chunks are not lost: they follow the top ten distinct clauses
    assert len(ans.retrieved) == 10


def test_filters_by_document_and_kind(retriever):
    ans = answer("What are the conditions for redistribution?", retriever, doc_ids=["BSD-3-Clause"])
    assert {h.clause.doc_id for h in ans.retrieved} == {"BSD-3-Clause"}
    ans = answer("Who approves a license exception?", retriever, kinds=["guidance"])
    assert {h.clause.kind for h in ans.retrieved} == {"guidance"}


def test_empty_filters_mean_no_filter(retriever):
    question = "What does the GPL-3.0 say about patents?"
    unfiltered = retriever.retrieve(question)
    assert unfiltered.named == ("GPL-3.0-only",)
    empty = retriever.retrieve(question, doc_ids=[], kinds=[])
    assert (empty.named, empty.hits) == (unfiltered.named, unfiltered.hits)


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("x" * 4001, "limit is 4,000"),
        ("What\x00 is MIT?", "control characters"),
    ],
)
def test_bad_questions_raise_input_error(retriever, question, message):
    with pytest.raises(InputError, match=message):
        answer(question, retriever)


def test_ask_json_prints_exactly_one_object(full_index):
    done = run_cli(
        "ask",
        "--json",
        "Which law governs the Llama 2 Community License?",
        env={"LICENSEQA_INDEX_DIR": str(full_index)},
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)  # exactly one JSON document on stdout
    assert set(data) == {
        "question",
        "answer",
        "abstained",
        "abstain_reason",
        "analysis",
        "citations",
        "retrieved",
        "timings_ms",
        "corpus_version",
        "mode",
        "warnings",
        "verdict",
        "facts_compare",
    }
    assert data["mode"] == "extractive" and data["abstained"] is False and data["warnings"] == []
    assert data["verdict"] is None and data["facts_compare"] == []  # not a yes/no question, not a comparison
    assert set(data["citations"][0]) == {
        "n",
        "doc_id",
        "title",
        "section",
        "heading",
        "quote",
        "source",
        "start_line",
        "end_line",
        "page",  # the PDF page a citation is on (#17 kind 8); null for a text document
        "page_end",
        "tier",  # "corpus"; "library" (with a "label") for a LicenseDB text (#16)
    }
    assert data["citations"][0]["page"] is None and data["citations"][0]["page_end"] is None
    assert data["citations"][0]["tier"] == "corpus"
    assert (data["citations"][0]["doc_id"], data["citations"][0]["section"]) == ("llama2", "7")
    assert set(data["retrieved"][0]) == {
        "rank",
        "doc_id",
        "section",
        "score",
        "source",
        "start_line",
        "end_line",
    }
    assert len(data["retrieved"]) == 10
    assert set(data["timings_ms"]) == {"retrieve", "compose", "total"}


def test_ask_batch_loads_once_and_keeps_ids(full_index, tmp_path):
    batch = tmp_path / "q.jsonl"
    batch.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "question": "Does GPLv3 include a patent license?", "topic": "x"}),
                json.dumps({"id": "b", "question": "   "}),
                "not json",
                json.dumps({"id": "c", "question": "What does the Commons Clause forbid?"}),
            ]
        )
    )
    done = run_cli("ask", "--json", "--batch", str(batch), env={"LICENSEQA_INDEX_DIR": str(full_index)})
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["a", "b", "line-3", "c"]
    assert rows[0]["citations"] and rows[3]["citations"][0]["doc_id"] == "Commons-Clause"
    assert "empty" in rows[1]["error"] and "not valid JSON" in rows[2]["error"]
    assert done.returncode == 1  # some lines failed; the others were answered


def test_ask_human_output(full_index):
    done = run_cli(
        "ask", "What does CC BY 4.0 mean by Adapted Material?", env={"LICENSEQA_INDEX_DIR": str(full_index)}
    )
    assert done.returncode == 0, done.stderr
    assert "Sources:" in done.stdout and "not legal advice" in done.stdout and "§1(a)" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", ""], "empty"),
        (["ask", "  "], "empty"),
        (["ask", "y" * 4001], "limit is 4,000"),
        (["ask", "bad\x07bell"], "control characters"),
    ],
)
def test_ask_bad_input_is_a_clear_error(full_index, args, message):
    done = run_cli(*args, env={"LICENSEQA_INDEX_DIR": str(full_index)})
    assert done.returncode != 0 and message in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_ask_missing_and_corrupt_index(tmp_path):
    missing = run_cli("ask", "What is MIT?", env={"LICENSEQA_INDEX_DIR": str(tmp_path / "nothing")})
    assert (
        missing.returncode != 0 and "licenseqa ingest" in missing.stderr and "Traceback" not in missing.stderr
    )
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "chroma.sqlite3").write_bytes(b"this is not a database" * 300)
    bad = run_cli("ask", "What is MIT?", env={"LICENSEQA_INDEX_DIR": str(corrupt)})
    assert bad.returncode != 0 and "cannot be" in bad.stderr and "Traceback" not in bad.stderr


def test_eval_cli_prints_one_table(full_index):
    done = run_cli(
        "eval",
        str(DEV),
        "--no-baselines",
        env={"LICENSEQA_INDEX_DIR": str(full_index), "LICENSEQA_CORPUS_DIR": str(CORPUS)},
    )
    assert done.returncode == 0, done.stderr
    assert "hit@5" in done.stdout and "MRR@5" in done.stdout and "citation hit" in done.stdout
    data = json.loads(
        run_cli(
            "eval", str(DEV), "--no-baselines", "--json", env={"LICENSEQA_INDEX_DIR": str(full_index)}
        ).stdout
    )
    assert data["systems"][0]["overall"]["questions"] == 39


def test_answer_dict_roundtrip(retriever):
    ans = answer("Is the Business Source License an open source license for production use?", retriever)
    data = answer_to_dict(ans)
    assert json.loads(json.dumps(data)) == data
    assert Path(ROOT / data["citations"][0]["source"]).exists()
