"""Obligations checklists and compatibility verdicts in answers, CLI and UI (committed OSADL data)."""

from __future__ import annotations

import json

import pytest
from conftest import CORPUS, ROOT, run_cli

from licenseqa.answering.compose import answer, answer_to_dict
from licenseqa.knowledge.osadl import Knowledge


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return Knowledge.load()


def test_obligations_cli_apache_binary(kb):
    done = run_cli("obligations", "Apache-2.0", "--use-case", "binary", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["license"] == "Apache-2.0" and data["use_case"] == "Binary delivery"
    licence_text = [i for i in data["items"] if "License text" in i["text"]]
    assert licence_text and licence_text[0]["kind"] == "must"
    assert licence_text[0]["citation"]["section"] == "4(a)"
    text = run_cli("obligations", "Apache-2.0", "--use-case", "binary").stdout
    assert "YOU MUST Provide License text" in text and "Apache-2.0 §4(a)" in text


def test_network_service_use_case(kb):
    agpl = kb.obligations("AGPL-3.0-only", "network")
    assert agpl["use_case"] == "Network service" and agpl["items"]
    assert any((i["citation"] or {}).get("section") == "13" for i in agpl["items"])
    mit = kb.obligations("MIT", "network")
    assert mit["items"] == [] and "no network-service obligations" in mit["note"]
    llama = kb.obligations("llama2", "binary")
    assert llama["items"] == [] and "no obligations checklist" in llama["note"]


@pytest.mark.parametrize(
    ("leading", "subordinate", "verdict"),
    [
        ("GPL-2.0-only", "Apache-2.0", "No"),
        ("GPL-3.0-only", "Apache-2.0", "Yes"),
        ("MIT", "GPL-3.0-only", "No"),
    ],
)
def test_compat_verdicts(kb, leading, subordinate, verdict):
    result = kb.compat(leading, subordinate)
    assert result["verdict"] == verdict and result["explanation"]
    done = run_cli("compat", leading, subordinate, "--json")
    assert json.loads(done.stdout)["verdict"] == verdict


def test_or_later_ids_keep_their_own_verdict(kb):
    result = kb.compat("GPL-3.0-or-later", "Apache-2.0")
    assert result["leading"] == "GPL-3.0-or-later" and result["verdict"] in {
        "Yes",
        "No",
        "Unknown",
        "Check dependency",
    }


@pytest.mark.slow
def test_situation_and_direction_come_from_the_question_model(retriever):
    def analyse(q):
        return retriever.analyse(q)

    assert analyse("Can we run it as SaaS under Apache-2.0?").use_case == "network"
    assert analyse("We ship Apache-2.0 code in our mobile app").use_case == "binary"
    stated = analyse("Can I put MIT code into our GPL-3.0 product?")
    assert stated.combinations == (("GPL-3.0-only", "MIT"),) and stated.direction_stated
    both = analyse("Is MIT compatible with GPL-3.0?")
    assert set(both.combinations) == {("MIT", "GPL-3.0-only"), ("GPL-3.0-only", "MIT")}
    assert not both.direction_stated


@pytest.mark.slow
def test_answers_carry_checklist_and_verdict(retriever):
    ans = answer("What do I need to do if I ship Apache-2.0 code in our mobile app?", retriever)
    data = answer_to_dict(ans)
    assert data["obligations"]["use_case"] == "Binary delivery"
    assert all({"text", "kind", "conditions", "citation"} <= set(i) for i in data["obligations"]["items"])
    ans = answer("Can I include Apache-2.0 code in a GPL-2.0-only program?", retriever)
    [compat] = answer_to_dict(ans)["compatibility"]
    assert (compat["leading"], compat["subordinate"], compat["verdict"]) == (
        "GPL-2.0-only",
        "Apache-2.0",
        "No",
    )
    assert compat["citations"]
    plain = answer_to_dict(answer("Which law governs the Llama 2 Community License?", retriever))
    assert "obligations" not in plain and "compatibility" not in plain


@pytest.mark.slow
def test_chat_shows_checklist_with_use_case_switch(full_index, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("LICENSEQA_INDEX_DIR", str(full_index))
    monkeypatch.setenv("LICENSEQA_CORPUS_DIR", str(CORPUS))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.chat_input[0].set_value("What are the obligations of the AGPL-3.0?").run(timeout=120)
    assert not at.exception
    radio = at.radio(key="usecase_0")
    assert "Network service" in radio.options
    radio.set_value("Network service").run(timeout=120)
    assert any("Obligations checklist" in m.value for m in at.markdown)


@pytest.mark.slow
def test_browser_checklist_tabs_and_compat_checker(full_index, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("LICENSEQA_INDEX_DIR", str(full_index))
    monkeypatch.setenv("LICENSEQA_CORPUS_DIR", str(CORPUS))

    def entry() -> None:
        from licenseqa.ui.browser import browser_page
        from licenseqa.ui.pages import BROWSER

        browser_page(BROWSER)

    bt = AppTest.from_function(entry, default_timeout=120)
    bt.query_params["doc"] = "GPL-2.0-only"
    bt.run()
    assert not bt.exception
    assert [t.label for t in bt.tabs][:2] == ["Source code delivery", "Binary delivery"]
    assert any("YOU MUST" in m.value for m in bt.markdown)
    assert bt.selectbox(key="compat_leading").value == "GPL-2.0-only"
    bt.selectbox(key="compat_sub").set_value("Apache-2.0").run()
    assert any("**No**" in m.value for m in bt.markdown)
    assert any(b.label.startswith("GPL-2.0-only §") for b in bt.button)
