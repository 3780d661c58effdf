"""Licence facts: every corpus licence has a reviewed file, every fact's clause exists in the index and holds
its support phrase, the schema check rejects what it must, and `licenseqa facts` shows, validates and
compares them."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from licenseqa.knowledge.facts import (
    FACTS_DIR,
    MODEL_TOPICS,
    FactCitation,
    FactsBook,
    FactsError,
    check_citations,
    compare,
    parse_facts,
    resolve,
)
from licenseqa.knowledge.vocabulary import Vocabulary
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def kinds(corpus_docs):
    return {d: doc.meta["kind"] for d, doc in corpus_docs.items() if doc.meta["kind"] != "guidance"}


@pytest.fixture(scope="module")
def book(kinds):
    return FactsBook.load(kinds=kinds)


@pytest.fixture(scope="module")
def index_clauses(full_index):
    from licenseqa.config import load_settings
    from licenseqa.index.store import ChromaStore

    store = ChromaStore.open(load_settings(index_dir=full_index))
    return store.live_clauses(store.require_state())


def test_every_corpus_licence_has_facts_for_every_activity(book, kinds):
    assert sorted(kinds) == book.ids() and len(kinds) == 79
    activities = [t.id for t in Vocabulary.load().activities]
    for doc_id in book.ids():
        facts = book.facts[doc_id]
        assert list(facts.activities) == activities, doc_id
        if kinds[doc_id] == "model":
            assert set(MODEL_TOPICS) <= set(facts.terms), doc_id


def test_every_citation_resolves_in_the_index_and_holds_its_phrase(book, index_clauses):
    assert check_citations(book, index_clauses) == []
    n = sum(len(f.citations()) for f in book.facts.values())
    assert n > 1500  # the facts are cited, not asserted


def test_a_citation_that_does_not_hold_its_phrase_is_reported(book, index_clauses):
    mit = book.facts["MIT"]
    wrong = FactCitation("MIT", None, "to deal in the Software with restriction")
    assert resolve(wrong, index_clauses) is None
    broken = FactsBook({"MIT": _with_cite(mit, wrong), "Apache-2.0": book.facts["Apache-2.0"]})
    problems = check_citations(broken, index_clauses)
    assert problems and all("MIT" in p and "does not contain the phrase" in p for p in problems)
    no_section = FactsBook(
        {"MIT": _with_cite(mit, FactCitation("MIT", "4(d)", "the above copyright notice"))}
    )
    assert any("has no section '4(d)'" in p for p in check_citations(no_section, index_clauses))


def _with_cite(facts, cite):
    from dataclasses import replace

    acts = dict(facts.activities)
    acts["internal-use"] = replace(acts["internal-use"], cite=(cite,))
    return replace(facts, activities=acts)


def test_known_facts_rest_on_their_clauses(book, index_clauses):
    """A few facts the field agrees on, with the clause they must cite."""
    cases = [
        ("GPL-3.0-only", "network-service", "not-triggered", "0"),
        ("AGPL-3.0-only", "network-service", "allowed-if", "13"),
        ("CC-BY-NC-4.0", "commercial-use", "not-allowed", None),
        ("Apache-2.0", "trademarks", "not-allowed", "6"),
        ("GPL-2.0-only", "termination", "not-allowed", "4"),
        ("MIT-0", "distribute-binary", "allowed", None),
    ]
    for doc_id, act, effect, section in cases:
        fact = book.facts[doc_id].activities[act]
        assert fact.effect == effect, (doc_id, act, fact)
        if section is not None:
            assert any(c.section == section for c in fact.cite), (doc_id, act, fact.cite)
        for c in fact.cite:
            assert resolve(c, index_clauses) is not None
    # the kinds of use a model licence's Attachment A or use policy forbids, each on its own clause
    for doc_id, use, section in [
        ("llama4-aup", "critical-infrastructure", "2(d)"),
        ("bigscience-openrail-m", "undisclosed-ai", "Attachment A (e)"),
        ("bigcode-openrail-m", "medical-advice", "Attachment A (m)"),
        ("gemma-prohibited-use", "automated-decisions", None),
    ]:
        restricted = book.facts[doc_id].restricted_uses[use]
        assert any(c.section == section for c in restricted.cite), (doc_id, use, restricted.cite)
        assert all(resolve(c, index_clauses) is not None for c in restricted.cite)
    assert "medical-advice" not in book.facts["deepseek"].restricted_uses  # its Attachment A has no such item
    llama = book.facts["llama3.1"]
    assert llama.terms["threshold"].value == 700000000 or "700" in llama.terms["threshold"].text
    assert "Built with Llama" in llama.terms["naming"].text


@pytest.fixture(scope="module")
def mit_raw():
    return yaml.safe_load((FACTS_DIR / "MIT.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["activities"].pop("patents"), "activities missing: patents"),
        (lambda d: d["activities"]["modify"].update(effect="maybe"), "effect must be one of"),
        (lambda d: d["activities"]["attribution"].update(obligations=[]), "allowed-if needs the obligations"),
        (
            lambda d: d["activities"]["attribution"].update(obligations=["pay-us"]),
            "obligations must list ids",
        ),
        (lambda d: d["activities"]["modify"].pop("cite"), "needs at least one citation"),
        (
            lambda d: d["activities"]["patents"].update(cite=[{"section": None, "phrase": "to deal in the"}]),
            "a not-addressed fact cites nothing",
        ),
        (
            lambda d: d["activities"]["modify"].update(cite=[{"section": None, "phrase": "modify"}]),
            "three words",
        ),
        (lambda d: d.update(copyleft="some"), "copyleft must be one of"),
        (
            lambda d: d["activities"]["modify"].update(requires=["modify"]),
            "requires must list other activity",
        ),
        # MIT restricts no use: a restricted use needs use-restrictions to be not-allowed
        (
            lambda d: d.update(
                restricted_uses={
                    "military": {"text": "No.", "cite": [{"section": None, "phrase": "to deal in"}]}
                }
            ),
            "needs activities.use-restrictions to be not-allowed",
        ),
        (
            lambda d: d.update(restricted_uses={"astrology": {"text": "No.", "cite": []}}),
            "restricted_uses.astrology: unknown use",
        ),
        (
            lambda d: d.update(restricted_uses={"military": {"text": "No."}}),
            "restricted_uses.military needs at least one citation",
        ),
        (
            lambda d: d["activities"]["modify"].update(alternatives=["source"]),
            "alternatives must list some of its obligations",
        ),
        (
            lambda d: d["activities"]["modify"].update(scoped=["install-info"]),
            "scoped must list some of its obligations",
        ),
        (
            lambda d: d.update(separate_works={"text": "They stay under their own terms."}),
            "separate_works needs at least one citation",
        ),
        (
            lambda d: d["activities"]["modify"].update(if_present=["notice-file"]),
            "if_present must list some of its obligations",
        ),
        # MIT's modify fact is allowed (no conditions): nothing binds only conveyed copies
        (
            lambda d: d["activities"]["modify"].update(on_conveying=True),
            "on_conveying must be true or false, and true only for allowed-if",
        ),
        (
            lambda d: d.update(secondary_licences={"licences": [], "condition": "If.", "cite": []}),
            "secondary_licences.licences must list facts ids",
        ),
        (
            lambda d: d.update(secondary_licences={"licences": ["GPL-2.0-only"], "condition": "If."}),
            "secondary_licences needs at least one citation",
        ),
    ],
)
def test_the_schema_check_rejects(mit_raw, change, message):
    data = copy.deepcopy(mit_raw)
    change(data)
    with pytest.raises(FactsError, match=message):
        parse_facts(data, "MIT.yaml", Vocabulary.load(), "software-permissive")


def test_model_licences_must_state_every_model_term(mit_raw):
    with pytest.raises(FactsError, match="terms missing for a model licence"):
        parse_facts(copy.deepcopy(mit_raw), "MIT.yaml", Vocabulary.load(), "model")


def test_compare_marks_what_differs(book):
    rows = {r["row"]: r for r in compare(book.facts["MIT"], book.facts["Apache-2.0"])}
    assert rows["patents"]["differs"] and rows["trademarks"]["differs"]
    assert not rows["internal-use"]["differs"]
    same = compare(book.facts["llama3.1"], book.facts["llama3.1"])
    assert not any(r["differs"] for r in same)


def test_cli_facts_show_validate_compare(full_index):
    env = {"LICENSEQA_INDEX_DIR": str(full_index)}
    shown = run_cli("facts", "Apache-2.0", "--json", env=env)
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["id"] == "Apache-2.0" and data["activities"]["patents"]["cite"][0]["label"].startswith(
        "Apache"
    )
    text = run_cli("facts", "AGPL-3.0-only", env=env)
    assert (
        "network-service: can, if (obligations: source)" in text.stdout and "AGPL-3.0-only §13" in text.stdout
    )
    aup = run_cli("facts", "llama4-aup", env=env)
    assert "restricted uses (cannot):" in aup.stdout and "llama4-aup §2(d)" in aup.stdout
    # what the licence says of separate works and of how long its grant lasts, each cited
    assert "separate works:" in text.stdout and "AGPL-3.0-only §5" in text.stdout
    assert "how long the grant lasts: All rights granted" in text.stdout and "AGPL-3.0-only §2" in text.stdout
    assert data["grant_duration"]["cite"][0]["section"] == "2"
    ok = run_cli("facts", "validate", "--json", env=env)
    assert ok.returncode == 0, ok.stdout
    assert json.loads(ok.stdout) | {"problems": []} == json.loads(ok.stdout) and json.loads(ok.stdout)["ok"]
    cmp = run_cli("facts", "compare", "MIT", "Apache-2.0", env=env)
    assert cmp.returncode == 0 and "* patents:" in cmp.stdout
    missing = run_cli("facts", "Apache-3.0", env=env)
    assert missing.returncode != 0 and "No licence facts for 'Apache-3.0'" in missing.stderr
    assert "Traceback" not in missing.stderr
