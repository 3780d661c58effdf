"""Guidance rules: the schema, every rule's citation against the real index, and policy verdicts in answers.

The questions are written here in the field's and our policy's vocabulary, not taken from the eval sets.
"""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from licenseqa.answering.compose import answer
from licenseqa.knowledge.guidance_rules import (
    RULES_FILE,
    GuidanceRules,
    GuidanceRulesError,
    check_citations,
    parse_rules,
    read_rules,
)
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def raw():
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def index_clauses(full_index):
    from licenseqa.config import load_settings
    from licenseqa.index.store import ChromaStore

    store = ChromaStore.open(load_settings(index_dir=full_index))
    return store.live_clauses(store.require_state())


def test_every_rule_cites_a_guidance_section_that_holds_its_phrase(index_clauses, corpus_docs):
    rules = read_rules(known_docs=corpus_docs)
    assert len(rules.rules) >= 50
    assert check_citations(rules, index_clauses) == []
    guidance = {d for d, doc in corpus_docs.items() if doc.meta["kind"] == "guidance"}
    assert {r.cite.doc for r in rules.rules} == guidance  # every guidance document has rules


def test_a_rule_whose_phrase_is_not_in_its_section_is_reported(raw, index_clauses):
    broken = copy.deepcopy(raw)
    broken["rules"][0]["phrase"] = "a sentence no section of our guidance contains"
    problems = check_citations(parse_rules(broken), index_clauses)
    assert len(problems) == 1 and broken["rules"][0]["id"] in problems[0]


def _changed(raw, **fields):
    data = copy.deepcopy(raw)
    for key, value in fields.items():
        if value is None:
            data["rules"][0].pop(key, None)
        else:
            data["rules"][0][key] = value
    return data


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"effect": "forbidden"}, "effect must be one of"),
        ({"colour": "red"}, "unknown keys: colour"),
        ({"phrase": None}, "needs a non-empty 'phrase'"),
        ({"section": 5}, "needs a non-empty 'section'"),
        ({"when": []}, "when must be a non-empty list"),
        ({"when": [["ok"], []]}, "when[1] must be a non-empty list"),
        ({"id": "Not An Id"}, "lower case words joined by dashes"),
        ({"doc": "no-such-guidance"}, "not in the corpus: no-such-guidance"),
        ({"licences": ["MIT", "Nonexistent-1.0"]}, "not in the corpus: Nonexistent-1.0"),
    ],
)
def test_the_schema_check_rejects(raw, corpus_docs, fields, message):
    with pytest.raises(GuidanceRulesError, match=re.escape(message)):
        parse_rules(_changed(raw, **fields), known_docs=corpus_docs)


def test_duplicate_ids_and_a_wrong_version_are_rejected(raw):
    data = copy.deepcopy(raw)
    data["rules"].append(copy.deepcopy(data["rules"][0]))
    with pytest.raises(GuidanceRulesError, match="duplicate rule id"):
        parse_rules(data)
    with pytest.raises(GuidanceRulesError, match="version: 1"):
        parse_rules({**raw, "version": 2})


def test_unreadable_file_is_a_user_error(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("rules: [unclosed", encoding="utf-8")
    with pytest.raises(GuidanceRulesError, match="cannot be read"):
        read_rules(path)


def test_matching_needs_every_group_and_respects_unless_and_licences():
    rules = GuidanceRules.load()
    pending = "The review ticket is still pending: may we merge to the release branch?"
    ids = {r.id for r in rules.matching(pending)}
    assert "no-merge-while-review-open" in ids
    # a sandbox branch is the policy's own carve-out
    ids = {r.id for r in rules.matching("Review ticket pending: may we merge into our sandbox branch?")}
    assert "no-merge-while-review-open" not in ids
    # a rule tied to a licence needs that licence among the question's subjects
    q = "Internal-only use of an unmodified tool: do we need a ticket?"
    assert "internal-unmodified-agpl-no-ticket" not in {r.id for r in rules.matching(q)}
    assert "internal-unmodified-agpl-no-ticket" in {r.id for r in rules.matching(q, ["AGPL-3.0-only"])}


# (question, verdict value, guidance document, section): policy questions no licence clause decides
POLICY_CASES = [
    (
        "Our director okayed the SSPL database over a Teams message. Is that a valid exception?",
        "no",
        "license-approval-policy",
        "8",
    ),
    (
        "Does an exception granted for version 2 of a library carry over to its next major version?",
        "no",
        "license-approval-policy",
        "8",
    ),
    (
        "OSPO has not approved the component yet and the ticket is still open. May we land it on the release "
        "branch today?",
        "no",
        "license-approval-policy",
        "6",
    ),
    (
        "Is reusing source code from a customer's repository in our own product allowed?",
        "no",
        "license-approval-policy",
        "5",
    ),
    (
        "We want to add a Zlib-licensed compression library to the installer. Do we have to open a review "
        "ticket first?",
        "no",
        "license-approval-policy",
        "4",
    ),
    (
        "Can a single OSPO counsel sign off an AGPL-3.0 dependency in our hosted API on their own?",
        "no",
        "license-approval-policy",
        "7",
    ),
    (
        "An LGPL-2.1 library would be statically linked into our firmware. Does that need legal review?",
        "yes",
        "copyleft-and-saas",
        "3",
    ),
    (
        "We noticed a GPL component in a release that already shipped. Should we silently replace it and "
        "rewrite history?",
        "no",
        "copyleft-and-saas",
        "9",
    ),
    (
        "Can the team manually correct the generated notice file to fix a typo?",
        "no",
        "attribution-and-notices",
        "8",
    ),
    (
        "Is it enough to credit the open-source libraries in our Play Store listing?",
        "no",
        "attribution-and-notices",
        "5",
    ),
    (
        "Can we sign up for a gated model's licence with a personal Hugging Face account?",
        "no",
        "ml-models-and-weights",
        "3",
    ),
    ("Must new LoRA adapters be registered in the Model Registry?", "yes", "ml-models-and-weights", "1"),
    (
        "Can we use a research-only dataset to train a model for a paid product?",
        "no",
        "datasets-and-training-data",
        "3",
    ),
    (
        "Can we release our internal eval set publicly so others can compare results?",
        "no",
        "datasets-and-training-data",
        "7",
    ),
    (
        "Can an engineer personally sign the contributor licence agreement of an upstream project?",
        "no",
        "protecting-our-ip",
        "8",
    ),
    ("May we delete license decision records that are three years old?", "no", "sbom-and-audits", "7"),
    (
        "We sell an appliance; can its firmware image include an SSPL-1.0 database?",
        "no",
        "license-approval-policy",
        "5",
    ),
    (
        "Does our hosted analytics service need an open-source notices page?",
        "yes",
        "attribution-and-notices",
        "6",
    ),
]


def test_a_policy_stricter_than_the_licence_answers_no_and_states_both(retriever):
    # AGPL-3.0 itself allows conveying object code with its source (§6); our policy does not allow AGPL
    # components in distributed products (license-approval-policy §5)
    ans = answer("May we bundle an AGPL-3.0 library into the desktop app we sell to customers?", retriever)
    assert ans.verdict is not None and ans.verdict["value"] == "no", ans.text
    first = ans.text.split("\n", 1)[0]
    assert first.startswith("No. Our policy") and "Under AGPL-3.0-only" in first, first
    cited = {(ans.citations[n - 1].doc_id, ans.citations[n - 1].section) for n in ans.verdict["citations"]}
    assert ("license-approval-policy", "5") in cited and any(d == "AGPL-3.0-only" for d, _ in cited), cited


@pytest.mark.parametrize(("question", "value", "doc", "section"), POLICY_CASES)
def test_policy_questions_get_a_cited_policy_verdict(retriever, question, value, doc, section):
    ans = answer(question, retriever)
    assert not ans.abstained, ans.text
    assert ans.verdict is not None, ans.text
    assert ans.verdict["value"] == value, ans.verdict
    first = ans.text.split("\n", 1)[0]
    assert first.startswith({"yes": "Yes.", "no": "No."}[value]) and "Our policy" in first
    numbers = [int(n) for n in re.findall(r"\[(\d+)\]", ans.verdict["text"])]
    assert numbers and set(numbers) <= {c.n for c in ans.citations}
    cited = [ans.citations[n - 1] for n in numbers]
    assert any(c.doc_id == doc and c.section == section for c in cited), cited


def test_rules_that_disagree_give_no_verdict():
    from licenseqa.answering.analysis import Analysis
    from licenseqa.answering.guidance_verdict import decide_by_guidance
    from licenseqa.knowledge.vocabulary import Vocabulary

    where = {"doc": "license-approval-policy", "section": "6", "phrase": "x"}
    data = {
        "version": 1,
        "process_steps": ["review"],
        "rules": [
            {"id": "a", **where, "effect": "allowed", "text": "A.", "when": [["widget"]]},
            {"id": "b", **where, "effect": "not-allowed", "text": "B.", "when": [["widget"], ["frobnicate"]]},
        ],
    }
    rules = parse_rules(data)
    vocabulary = Vocabulary.load()
    assert decide_by_guidance(Analysis("Can we frobnicate the widget?"), rules, vocabulary) is None
    one = decide_by_guidance(Analysis("Can we polish the widget?"), rules, vocabulary)
    assert one is not None and one.value == "yes" and one.sentences[0].text == "A."
    # "does it break our policy" turns the permission answer round
    broke = decide_by_guidance(Analysis("Would polishing the widget violate the policy?"), rules, vocabulary)
    assert broke is not None and broke.value == "no"
    # not a yes/no question: no verdict
    assert decide_by_guidance(Analysis("How do we polish the widget?"), rules, vocabulary) is None


def test_a_licence_verdict_still_answers_licence_questions(retriever):
    ans = answer(
        "Does offering a modified AGPL-3.0 program to users over a network require offering its source?",
        retriever,
    )
    assert ans.verdict is not None and ans.verdict["value"] == "yes"
    assert not ans.text.split("\n", 1)[0].startswith("Yes. Our policy")


def test_facts_validate_checks_the_guidance_rules(full_index):
    out = run_cli("facts", "validate", env={"LICENSEQA_INDEX_DIR": str(full_index)})
    assert out.returncode == 0, out.stderr
    assert re.search(r"\d+ guidance rules", out.stdout), out.stdout
