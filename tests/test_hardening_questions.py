"""Issue #17, kinds 1-3 (questions): invisible and look-alike characters, long questions, other languages.

Each kind: the issue's example and siblings written here, over the real corpus, model and index.
"""

from __future__ import annotations

import json

import pytest
from conftest import CORPUS, ROOT, run_cli
from streamlit.testing.v1 import AppTest

from licenseqa.answering.compose import answer, answer_to_dict, render_text
from licenseqa.answering.evaluation import load_gold
from licenseqa.answering.normalise import clean_question
from licenseqa.errors import InputError

pytestmark = pytest.mark.slow


def _docs(ans) -> list[str]:
    return [c.doc_id for c in ans.citations if c.doc_id not in _GUIDANCE]


_GUIDANCE = {p.stem for p in (CORPUS / "guidance").glob("*.md")}


# -- kind 1: invisible and look-alike characters ------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "plain", "change"),
    [
        ("Llama 3.\u200b1", "Llama 3.1", "U+200B ZERO WIDTH SPACE"),  # the examples
        ("GPL-\u00ad2.0", "GPL-2.0", "U+00AD SOFT HYPHEN"),
        ("\uff21\uff50\uff41\uff43\uff48\uff45-2.0", "Apache-2.0", "fullwidth"),
        ("\ufeffMIT\u2060 licence", "MIT licence", "U+FEFF"),  # byte-order mark, word joiner
        ("AGPL\u202e-3.0", "AGPL-3.0", "RIGHT-TO-LEFT OVERRIDE"),  # a bidi control
        ("MPL\u20132.0\u00a0terms", "MPL-2.0 terms", "EN DASH"),  # en dash, no-break space
        ("Ap\u0430che-2.0", "Apache-2.0", "look-alike"),  # a Cyrillic "а"
        ("E\u03a1L-2.0", "EPL-2.0", "look-alike"),  # a Greek capital rho
        ("\ufb01le a NOTICE", "file a NOTICE", "fullwidth or compatibility"),  # the "fi" ligature
    ],
)
def test_kind1_one_canonical_form_and_what_changed(typed, plain, change):
    clean = clean_question(typed)
    assert clean.text == plain and clean.changed and clean.original == typed
    assert change in clean.note()


def test_kind1_plain_text_and_other_scripts_are_left_alone():
    for text in ("Does MIT require attribution?", "Это вопрос о лицензии", "Αυτή είναι ερώτηση"):
        assert clean_question(text).text == text and not clean_question(text).changes
    # typographic quotes are made straight, but no note: a reader would not miss them
    clean = clean_question("Don\u2019t we need the \u201cNOTICE\u201d file?")
    assert clean.text == 'Don\'t we need the "NOTICE" file?' and clean.note() is None


@pytest.mark.parametrize(
    ("typed", "plain", "doc"),
    [
        ("Can we use Llama 3.\u200b1 in a commercial product?", None, "llama3.1"),
        ("Does GPL-\u00ad2.0 let us link it statically into a proprietary program?", None, "GPL-2.0-only"),
        ("Does \uff21\uff50\uff41\uff43\uff48\uff45-2.0 require a NOTICE file?", None, "Apache-2.0"),
        # siblings: a Cyrillic look-alike, an en dash with a no-break space, a zero-width joiner
        ("Does Ap\u0430che-2.0 include a patent licence?", None, "Apache-2.0"),
        ("What does MPL\u20132.0\u00a0say about larger works?", None, "MPL-2.0"),
        ("Can we fine-tune Llama\u200d 3.2 and ship the weights?", None, "llama3.2"),
    ],
)
def test_kind1_the_question_is_answered_as_if_typed_plainly(retriever, typed, plain, doc):
    plain = plain or clean_question(typed).text
    ans, want = answer(typed, retriever), answer(plain, retriever)
    assert [s["doc_ids"] for s in ans.analysis["subjects"]] == [[doc]]
    assert ans.citations == want.citations and ans.text == want.text
    assert set(_docs(ans)) == {doc}  # no Llama 4 / 3.3, no LGPL-2.1, no MPL-2.0 instead of Apache
    assert ans.question == plain and ans.analysis["normalised"]["original"] == typed
    notes = [w for w in ans.warnings if w.startswith("The question was normalised")]
    assert len(notes) == 1 and not want.warnings
    assert "normalised" not in want.analysis


def test_kind1_a_question_of_invisible_characters_only_is_refused(retriever):
    with pytest.raises(InputError, match="invisible"):
        answer("\u200b\u200c\u00ad\ufeff", retriever)


# -- kind 2: long questions ---------------------------------------------------------------------------

SBOM_CONTEXT = (
    "Some background first. Our platform team maintains a software bill of materials for every release. "
    "The SBOM is generated in CI with a CycloneDX plugin and stored next to the container image. "
    "We review the SBOM before each release and attach it to the release notes for our customers. "
    "Our security team scans the SBOM for known vulnerabilities every night and opens tickets. "
    "The dependency manifests are package.json, requirements.txt and a Maven pom file. "
    "We also keep a spreadsheet of components that were approved in earlier reviews. "
) * 8
REVIEW_CONTEXT = (
    "To give you the full picture: every merge request needs two approvals from the owning team. "
    "Our build runs on self-hosted runners, and artefacts are signed and pushed to an internal registry. "
    "The documentation site is rebuilt nightly and the changelog is written by hand by the release "
    "manager. Support tickets are triaged each morning and escalated to engineering when needed. "
) * 12


def _long(context: str, question: str) -> str:
    text = context[: 3900 - len(question) - 1].rsplit(". ", 1)[0] + ". " + question
    assert 3700 < len(text) <= 4000
    return text


def _long_note(ans) -> str:
    return next(w for w in ans.warnings if w.startswith("The question is long"))


def test_kind2_the_question_after_long_context_is_searched(retriever):
    """The issue's example: SBOM context, then an AGPL question; before, the SBOM guidance was cited and
    the AGPL network clause (§13) was not."""
    question = "What does the AGPL require when users interact with our modified version over a network?"
    ans = answer(_long(SBOM_CONTEXT, question), retriever)
    assert ans.citations[0].doc_id == "AGPL-3.0-only"
    assert ("AGPL-3.0-only", "13") in [(c.doc_id, c.section) for c in ans.citations]
    assert "sbom-and-audits" not in [c.doc_id for c in ans.citations]
    note = _long_note(ans)
    assert "reads 256" in note and "1 of its" in note
    assert "not legal advice" in render_text(ans).lower() and note in render_text(ans)


def test_kind2_sibling_other_context_other_licence(retriever):
    question = "Does the Apache-2.0 licence require us to keep the NOTICE file when we redistribute it?"
    short = answer(question, retriever)
    ans = answer(_long(REVIEW_CONTEXT, question), retriever)
    assert not short.warnings and not ans.abstained
    assert ans.citations[0].doc_id == "Apache-2.0" and ans.citations[0].section == short.citations[0].section
    assert "4(d)" in [c.section for c in ans.citations if c.doc_id == "Apache-2.0"]
    assert "The question is long" in _long_note(ans)


def test_kind2_sibling_a_licence_named_in_the_context_is_kept(retriever):
    """The question asked does not name the licence; a context sentence does: both are searched."""
    context = "We ship a command-line tool that includes a library under the MPL-2.0. " + REVIEW_CONTEXT
    text = context[:3780].rsplit(". ", 1)[0] + ". Do we have to publish our changes to its files?"
    retrieval = retriever.retrieve(text, k=10)
    assert retrieval.unused > 0 and "MPL-2.0" in retrieval.query and retrieval.query.endswith("files?")
    assert retrieval.hits[0].clause.doc_id == "MPL-2.0"


def test_kind2_sibling_one_long_sentence_keeps_its_end(retriever):
    words = "we keep a register of every component and its owner and its review date and its version"
    text = (words + " and ") * 40 + "is attribution required for MIT code in our binaries?"
    assert len(text) < 4000
    retrieval = retriever.retrieve(text, k=5)
    assert (
        retrieval.query.endswith("in our binaries?")
        and retriever.embedder.count_tokens(retrieval.query) <= retriever.embedder.max_tokens
    )
    ans = answer(text, retriever)
    assert "the end of the sentence asked" in _long_note(ans)


def test_kind2_a_question_that_fits_is_searched_whole(retriever):
    question = "Does GPLv3 include a patent license? We ship binaries to customers."
    retrieval = retriever.retrieve(question, k=5)
    assert retrieval.query == question and retrieval.unused == 0
    assert not answer(question, retriever).warnings


# -- kind 3: other languages --------------------------------------------------------------------------

FRENCH = "Quelles licences peuvent être utilisées sans revue juridique ?"
GERMAN = "Welche Lizenzen können ohne rechtliche Prüfung verwendet werden?"
OTHERS = [
    (FRENCH, "French"),  # the example (it cited EUPL-1.2 §5)
    (GERMAN, "German"),
    ("¿Podemos usar código bajo la licencia MIT en un producto comercial sin publicar el código?", "Spanish"),
    ("Possiamo modificare il codice AGPL-3.0 e offrirlo come servizio senza pubblicarlo?", "Italian"),
    ("Peut-on intégrer une bibliothèque sous GPL-2.0 dans un logiciel propriétaire ?", "French"),
    ("我们可以在商业产品中使用 Apache-2.0 许可证的代码吗？", "Chinese"),  # a script without spaces
]


@pytest.mark.parametrize(("question", "language"), OTHERS)
def test_kind3_a_question_in_another_language_is_declined_with_that_reason(retriever, question, language):
    ans = answer(question, retriever)
    assert ans.abstained and ans.abstain_reason == "other_language" and not ans.citations
    assert f"written in {language}" in ans.text and "ask it in English" in ans.text
    assert ans.verdict is None and ans.obligations is None and not ans.compatibility
    assert answer_to_dict(ans)["analysis"]["language"] in {"fr", "de", "es", "it", "zh"}


@pytest.mark.parametrize(
    "question",
    [
        "MIT vs Apache-2.0?",
        "GPL-2.0-only OR MIT in SaaS?",
        "Apache or MIT for a library?",
        "patent grant termination",
        "Can we use CeCILL code in our product?",
        "Does the EUPL require us to publish changes when we run it as a service?",
        'Our supplier\'s "Lizenzbedingungen für Software" cite Apache-2.0: do we need a NOTICE file?',
        "Is the Licence Ouverte / Open Licence 2.0 allowed in our product?",
        "Gewährleistung?",
    ],
)
def test_kind3_english_with_licence_names_and_ids_is_not_declined(retriever, question):
    ans = answer(question, retriever)
    assert ans.abstain_reason != "other_language" and ans.analysis["language"] is None


def test_kind3_no_gold_question_is_taken_for_another_language(retriever):
    for path in (ROOT / "eval" / "dev.jsonl", ROOT / "eval" / "dev2.jsonl"):
        for item in load_gold(path):
            assert retriever.analyse(item.question).language is None, item.question


def test_kind3_cli_json_and_text_decline(full_index):
    env = {"LICENSEQA_INDEX_DIR": str(full_index)}
    done = run_cli("ask", "--json", FRENCH, env=env)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["abstained"] and data["abstain_reason"] == "other_language" and data["citations"] == []
    assert data["analysis"]["language"] == "fr" and "in English" in data["answer"]
    done = run_cli("ask", GERMAN, env=env)
    assert done.returncode == 0, done.stderr
    assert "written in German" in done.stdout and "Sources:" not in done.stdout


def test_kind3_chat_declines(monkeypatch, full_index, tmp_path):
    monkeypatch.setenv("LICENSEQA_INDEX_DIR", str(full_index))
    monkeypatch.setenv("LICENSEQA_CORPUS_DIR", str(CORPUS))
    monkeypatch.setenv("LICENSEQA_FEEDBACK_PATH", str(tmp_path / "feedback.jsonl"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.chat_input[0].set_value(FRENCH)
    at = at.run(timeout=120)
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert "written in French" in text and "ask it in English" in text
    assert not [e for e in at.expander if e.label.startswith("[1]")]
