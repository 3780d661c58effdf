"""Issue #17, kinds 4, 10 and 14: ids and kinds in any case, unknown ones and bad numbers as clear usage
errors; Unicode file names; an alias that belongs to another licence.

Real files, the real bundled model and real Chroma; the CLI runs as a user runs it.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import CORPUS, make_corpus, run_cli

from licenseqa.answering.compose import answer
from licenseqa.corpus.admin import CorpusAdmin, RejectedError, UnknownDocumentError, suggest_front_matter
from licenseqa.corpus.documents import UnknownNameError, parse_front_matter, resolve_name
from licenseqa.errors import InputError
from licenseqa.knowledge.licensedb import alias_conflicts

IDS = ["MIT", "Apache-2.0", "BSD-3-Clause", "ISC", "GPL-2.0-only", "qwen"]


@pytest.fixture(scope="module")
def small_index(tmp_path_factory, embedder) -> Path:
    """A few licences (one copyleft, the Qwen licence) and one guidance page, ingested with the real model."""
    from ingest.pipeline import run_ingest
    from licenseqa.config import load_settings
    from licenseqa.index.store import ChromaStore

    root = tmp_path_factory.mktemp("ids")
    corpus = make_corpus(root / "corpus", IDS, guidance=["license-approval-policy"])
    index = root / "index"
    store = ChromaStore.open(load_settings(corpus_dir=corpus, index_dir=index), create=True)
    run_ingest(corpus, store, lambda: embedder, embedder.name, index_dir=index, batch_size=32)
    return index


@pytest.fixture(scope="module")
def small_retriever(small_index, embedder):
    from licenseqa.answering.retrieval import Retriever
    from licenseqa.config import load_settings
    from licenseqa.index.store import ChromaStore

    return Retriever(ChromaStore.open(load_settings(index_dir=small_index)), embedder)


def _env(index: Path) -> dict[str, str]:
    return {"LICENSEQA_INDEX_DIR": str(index)}


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# -- 4. filters and ids -----------------------------------------------------------------------------


def test_unknown_kind_or_id_in_the_filter_is_a_usage_error(small_index):
    # the example: --kind permissive used to decline as "not covered"
    done = run_cli(
        "ask", "Does Apache-2.0 require a NOTICE file?", "--kind", "permissive", env=_env(small_index)
    )
    assert done.returncode == 2, done.stderr
    assert "Unknown document kind 'permissive'. Did you mean software-permissive?" in done.stderr
    assert "Valid document kinds: guidance, model, software-permissive, strong-copyleft." in done.stderr
    assert done.stdout == "" and "Traceback" not in done.stderr
    # sibling: a misspelt document id names the close match and every valid id
    done = run_cli("ask", "Does Apache-2.0 require a NOTICE file?", "--doc", "apache2", env=_env(small_index))
    assert done.returncode == 2 and "Unknown document id 'apache2'. Did you mean Apache-2.0?" in done.stderr
    assert "Valid document ids: Apache-2.0, BSD-3-Clause, GPL-2.0-only, ISC" in done.stderr


def test_unknown_kind_in_the_api_names_the_copyleft_kinds(small_retriever):
    with pytest.raises(
        UnknownNameError, match=r"Unknown document kind 'copyleft'\. Did you mean strong-copyleft"
    ):
        answer("Must I publish my source?", small_retriever, kinds=["copyleft"])
    with pytest.raises(InputError, match=r"Unknown document id 'GPL-3\.0-only'\. Did you mean GPL-2\.0-only"):
        small_retriever.retrieve("patents", doc_ids=["GPL-3.0-only"])


def test_lower_case_ids_and_kinds_filter_like_their_spelling(small_index, small_retriever):
    done = run_cli(
        "ask",
        "Does Apache-2.0 require a NOTICE file?",
        "--doc",
        "apache-2.0",
        "--json",
        env=_env(small_index),
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["warnings"] == []
    assert data["retrieved"] and {h["doc_id"] for h in data["retrieved"]} == {"Apache-2.0"}
    assert data["citations"] and data["citations"][0]["doc_id"] == "Apache-2.0"
    # sibling: upper-case kind and lower-case id through the API give exactly the canonical filter's hits
    question = "What are the conditions for redistribution?"
    canonical = small_retriever.retrieve(question, doc_ids=["BSD-3-Clause"], kinds=["software-permissive"])
    typed = small_retriever.retrieve(question, doc_ids=["bsd-3-clause"], kinds=["SOFTWARE-PERMISSIVE"])
    assert canonical.hits and typed.hits == canonical.hits
    guidance = answer("Who approves a license exception?", small_retriever, kinds=["Guidance"])
    assert {h.clause.kind for h in guidance.retrieved} == {"guidance"}


def test_obligations_and_compat_take_ids_in_any_case():
    done = run_cli("obligations", "apache-2.0")  # the example
    assert done.returncode == 0, done.stderr
    assert "Obligations checklist (OSADL) for Apache-2.0" in done.stdout
    done = run_cli("compat", "gpl-2.0-only", "apache-2.0", "--json")  # the example
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["leading"], data["subordinate"], data["verdict"]) == ("GPL-2.0-only", "Apache-2.0", "No")
    # siblings: an or-later OSADL id in lower case, an upper-case SPDX id, a use case
    done = run_cli("obligations", "lgpl-2.1-or-later", "--use-case", "binary", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["license"] == "LGPL-2.1-only"
    done = run_cli("compat", "GPL-3.0-ONLY", "mit", "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["subordinate"] == "MIT"
    # unknown: a usage error with the close match and the licences the data covers
    done = run_cli("obligations", "apache")
    assert done.returncode == 2 and "Unknown licence 'apache'. Did you mean Apache-2.0?" in done.stderr
    assert "Licences with an OSADL checklist: 0BSD, AFL-3.0" in done.stderr
    done = run_cli("compat", "gpl-2.0-only", "llama2")
    assert done.returncode == 2 and "Unknown licence 'llama2'." in done.stderr
    assert "Licences of the OSADL compatibility matrix:" in done.stderr and "Traceback" not in done.stderr


def test_facts_take_ids_in_any_case():
    done = run_cli("facts", "apache-2.0", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["id"] == "Apache-2.0"
    done = run_cli("facts", "compare", "mit", "isc", "--json")
    assert done.returncode == 0, done.stderr
    assert (json.loads(done.stdout)["a"], json.loads(done.stdout)["b"]) == ("MIT", "ISC")
    done = run_cli("facts", "Apache-3.0")
    assert (
        done.returncode == 2 and "No licence facts for 'Apache-3.0'. Did you mean Apache-2.0?" in done.stderr
    )


def test_corpus_remove_and_update_resolve_ids_the_same_way(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", ["MIT", "ISC"])
    admin = CorpusAdmin(corpus)
    with pytest.raises(UnknownDocumentError, match=r"No document with id 'MTI'.*Did you mean MIT") as caught:
        admin.remove("MTI", "dana")
    assert isinstance(caught.value, InputError) and caught.value.exit_code == 2
    with pytest.raises(RejectedError, match=r"No document with id 'nope'.*Valid document ids: ISC, MIT"):
        admin.update("nope", (corpus / "licenses" / "MIT.txt").read_bytes(), "dana")
    done = run_cli("corpus", "remove", "iSc", "--corpus", str(corpus), "--no-index", "--actor", "dana")
    assert done.returncode == 0 and "removed ISC (licenses/ISC.txt)" in done.stdout, done.stderr
    done = run_cli("corpus", "remove", "isc", "--corpus", str(corpus), "--no-index", "--actor", "dana")
    assert done.returncode == 2 and "No document with id 'isc'" in done.stderr
    assert "Valid document ids: MIT." in done.stderr


def test_resolver_is_exact_first_and_lists_every_valid_name():
    assert resolve_name("gpl-2.0-ONLY", ["GPL-2.0-only", "GPL-3.0-only"]) == "GPL-2.0-only"
    assert resolve_name(" MIT ", ["MIT"]) == "MIT"
    assert resolve_name("a", ["A", "a"]) == "a"
    with pytest.raises(UnknownNameError, match="ambiguous"):
        resolve_name("ab", ["Ab", "aB"])
    with pytest.raises(
        UnknownNameError, match=r"^Unknown document kind 'zzz'\. Valid document kinds: a, b\.$"
    ):
        resolve_name("zzz", ["b", "a"], "document kind")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ask", "What is MIT?", "-k", "0"), "argument -k/--k: must be from 1 to 100, got 0"),
        (("ask", "What is MIT?", "-k", "101"), "argument -k/--k: must be from 1 to 100, got 101"),
        (("ask", "What is MIT?", "--k", "-5"), "argument -k/--k: must be from 1 to 100, got -5"),
        (("ask", "What is MIT?", "-k", "ten"), "argument -k/--k: expected a whole number, got 'ten'"),
        (("eval", "gold.jsonl", "--k", "0"), "argument --k: must be from 1 to 100, got 0"),
    ],
)
def test_numeric_options_are_range_checked(args, message):
    done = run_cli(*args)
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_k_is_range_checked_in_the_api(small_retriever):
    for k in (0, -5, 101, 2.5, True):
        with pytest.raises(InputError, match="must be a whole number from 1 to 100"):
            answer("What does MIT require?", small_retriever, k=k)  # type: ignore[arg-type]
    assert len(answer("What does MIT require?", small_retriever, k=1).retrieved) == 1


# -- 10. Unicode file names ---------------------------------------------------------------------------


def test_umlaut_file_name_gets_a_transliterated_id(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", ["MIT"])
    upload = tmp_path / "Lizenz-Übersicht.md"  # the example
    upload.write_text("# Lizenz-Übersicht\n\n## 1. Zweck\n\nWelche Lizenzen wir nutzen.\n", encoding="utf-8")
    done = run_cli("corpus", "add", str(upload), "--corpus", str(corpus), "--no-index", "--actor", "dana")
    assert done.returncode == 0, done.stderr
    assert "added Lizenz-Uebersicht (guidance/Lizenz-Uebersicht.md)" in done.stdout
    meta = parse_front_matter((corpus / "guidance" / "Lizenz-Uebersicht.md").read_bytes())[0]
    assert meta["id"] == "Lizenz-Uebersicht" and meta["title"] == "Lizenz-Übersicht"
    # siblings: accents, ß and letters NFKD cannot take apart; a script with no Latin form is refused
    assert suggest_front_matter("Règlement_Größe.txt", "1. Text\n")["id"] == "Reglement_Groesse"
    assert suggest_front_matter("Ærø Straße (v2).md", "x\n")["id"] == "AEroe-Strasse-v2"
    cyrillic = tmp_path / "Лицензия.txt"
    cyrillic.write_text("Лицензия\n\n1. Текст\n", encoding="utf-8")
    done = run_cli(
        "corpus", "add", str(cyrillic), "--corpus", str(corpus), "--no-index", "--kind", "guidance"
    )
    assert done.returncode == 2 and "cannot be guessed: pass --id ID" in done.stderr


def test_bidi_and_look_alike_names_are_refused(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", ["MIT"])
    before = snapshot(corpus)
    # the example: a right-to-left override in the name of a file with its own front matter
    rtl = tmp_path / "policy\u202etxt.md"
    rtl.write_bytes(b"---\nid: rtl-policy\ntitle: RTL\nkind: guidance\n---\n\n## 1. Scope\n\nText.\n")
    done = run_cli("corpus", "add", str(rtl), "--corpus", str(corpus), "--no-index", "--actor", "dana")
    assert done.returncode == 1, done.stderr
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in done.stderr and "Traceback" not in done.stderr
    # siblings: no front matter (the id would be derived from the name), another bidi control, a zero-width
    # space and look-alike separators, through the CLI and the admin
    lookalike = tmp_path / "guide\u2044notes.md"
    lookalike.write_text("# Notes\n\n## 1. Scope\n\nText.\n", encoding="utf-8")
    done = run_cli("corpus", "add", str(lookalike), "--corpus", str(corpus), "--no-index", "--actor", "dana")
    assert done.returncode == 1 and "U+2044 FRACTION SLASH" in done.stderr, done.stderr
    admin = CorpusAdmin(corpus)
    body = b"---\nid: x-policy\ntitle: X\nkind: guidance\n---\n\nText.\n"
    for name, shown in [
        ("a\u2066b.md", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("ab\u200fc.md", "U+200F RIGHT-TO-LEFT MARK"),
        ("ab\u200bc.md", "U+200B ZERO WIDTH SPACE"),
        ("a\uff0fb.md", "U+FF0F FULLWIDTH SOLIDUS"),
        ("a\u2215b.md", "U+2215 DIVISION SLASH"),
        ("notes\uff0emd.md", "U+FF0E FULLWIDTH FULL STOP"),
        ("notes\u2024md.md", "U+2024 ONE DOT LEADER"),
        ("a\uff3cb.md", "U+FF3C FULLWIDTH REVERSE SOLIDUS"),
    ]:
        with pytest.raises(RejectedError, match=re.escape(shown)):
            admin.add(name, body, "dana")
        assert suggest_front_matter(name, "x\n")["id"] == ""
    with pytest.raises(RejectedError, match=r"the actor name contains .*U\+202E"):
        admin.add("fine.md", body, "eve\u202elive")
    assert snapshot(corpus) == before  # nothing written, no audit line
    # a plain Unicode name is still fine
    assert admin.add("Übersicht.md", body, "Jürgen").path == "guidance/Übersicht.md"


# -- 14. an alias of another licence ----------------------------------------------------------------------


def test_qwen_aliases_name_only_the_qwen_2024_licence():
    meta = parse_front_matter((CORPUS / "licenses" / "qwen.txt").read_bytes())[0]
    assert "Tongyi Qianwen License" not in meta["aliases"]
    assert alias_conflicts(meta) == []
    # the example, restored: the alias names LicenseDB tongyi-qianwen-2023
    wrong = {**meta, "aliases": ["Tongyi Qianwen License", *meta["aliases"]]}
    (problem,) = alias_conflicts(wrong)
    assert "alias 'Tongyi Qianwen License' is the name of another licence (tongyi-qianwen-2023" in problem


def test_every_corpus_document_still_validates():
    done = run_cli("corpus", "validate", "--json")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] and report["errors"] == 0 and report["documents"] >= 80


def test_tongyi_qianwen_questions_do_not_resolve_to_the_qwen_2024_text(small_retriever):
    for question in (
        "Does the Tongyi Qianwen License allow commercial use?",  # the example
        "Can we fine-tune a model under the Tongyi Qianwen License Agreement 2023?",
    ):
        analysis = small_retriever.analyse(question)
        assert analysis.named == (), question
        assert [u.scancode_keys for u in analysis.unknown] == [("tongyi-qianwen-2023",)], question
        ans = answer(question, small_retriever)
        assert ans.abstained and "tongyi-qianwen-2023" in ans.text
        assert not any(c.doc_id == "qwen" for c in ans.citations)
    # the Qwen 2024 licence itself is still found by its own names
    for question in (
        "Does the Qwen License Agreement 2024 allow commercial use?",
        "What does qwen-2024 require?",
    ):
        assert small_retriever.analyse(question).named == ("qwen",), question


def test_validate_and_admin_refuse_an_alias_of_another_licence(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", ["MIT", "ISC", "qwen"])
    qwen = corpus / "licenses" / "qwen.txt"
    wrong = qwen.read_bytes().replace(b"aliases:\n", b"aliases:\n- Tongyi Qianwen License\n", 1)
    admin = CorpusAdmin(corpus, meta_checks=(alias_conflicts,))
    with pytest.raises(RejectedError, match="alias 'Tongyi Qianwen License' is the name of another licence"):
        admin.update("qwen", wrong, "dana")
    # siblings: an SPDX name and a LicenseDB key of other licences on a new document
    other = (
        b"---\nid: acme\ntitle: Acme Licence\nkind: software-permissive\naliases:\n- %s\n---\n\n1. Grant.\n"
    )
    for alias, key in ((b"Apache License 2.0", "apache-2.0"), (b"bsd-new", "bsd-3-clause")):
        with pytest.raises(RejectedError, match=f"another licence \\({key} "):
            admin.add("acme.txt", other % alias, "dana")
    # own names pass: the document's SPDX name, its or-later grant, an expression with it
    mit = (corpus / "licenses" / "MIT.txt").read_bytes()
    admin.update("MIT", mit.replace(b"aliases:\n", b"aliases:\n- MIT License\n- Expat\n", 1), "dana")
    # corpus validate reports a wrong alias already on disk as an error
    shutil.copy(qwen, tmp_path / "qwen.bak")
    qwen.write_bytes(wrong)
    done = run_cli("corpus", "validate", "--json", "--corpus", str(corpus))
    assert done.returncode == 1, done.stderr
    problems = [p for p in json.loads(done.stdout)["problems"] if p["level"] == "error"]
    assert [p["path"] for p in problems] == ["licenses/qwen.txt"]
    assert "tongyi-qianwen-2023" in problems[0]["message"]


def _browser_entry() -> None:
    import streamlit as st

    from licenseqa.ui.browser import browser_page
    from licenseqa.ui.pages import BROWSER

    st.set_page_config(layout="wide")
    browser_page(BROWSER)


def test_browser_link_takes_an_id_in_any_case(small_index, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("LICENSEQA_INDEX_DIR", str(small_index))
    monkeypatch.setenv("LICENSEQA_CORPUS_DIR", str(small_index.parent / "corpus"))
    bt = AppTest.from_function(_browser_entry, default_timeout=180)
    bt.query_params["doc"] = "apache-2.0"
    bt.run()
    assert not bt.exception, bt.exception
    assert bt.selectbox(key="browser_doc").value == "Apache-2.0"
    assert not bt.warning
    bt = AppTest.from_function(_browser_entry, default_timeout=180)
    bt.query_params["doc"] = "apache2"
    bt.run()
    assert not bt.exception, bt.exception
    assert "Unknown document id 'apache2'. Did you mean Apache-2.0?" in bt.warning[0].value


# -- 14. a document states the model versions its text covers ------------------------------------------


def test_qwen_versions_the_2024_text_does_not_cover_are_not_in_the_corpus(small_retriever):
    # the index state carries the front matter's versions to the detector
    assert small_retriever.state.docs["qwen"].versions == ["2.5"]
    assert small_retriever.snapshot().detector.versions == {"qwen": ("2.5",)}
    for question, name in (
        ("Can we use Qwen2-72B in a commercial product?", "qwen 2"),  # the examples
        ("Is Qwen1.5 allowed for fine-tuning an internal chatbot?", "qwen 1.5"),
        ("What does the Qwen 2 licence require when we ship it?", "qwen 2"),  # siblings
        ("Can we redistribute Qwen3-8B weights?", "qwen 3"),
    ):
        analysis = small_retriever.analyse(question)
        assert analysis.named == (), question
        assert [(u.name, u.other_versions) for u in analysis.unknown] == [(name, ("qwen",))], question
        assert analysis.abstain_reason == "not_in_corpus", question
        ans = answer(question, small_retriever)
        assert ans.abstained, question
        assert (
            f"{name} is a version whose licence text we do not hold (`qwen` covers other versions)"
            in ans.text
        )
        assert "not in our reviewed licence corpus" in ans.text
        assert not any(c.doc_id == "qwen" for c in ans.citations), question


def test_qwen2_5_and_plain_qwen_still_resolve_to_the_qwen_licence(small_retriever):
    for question in (
        "Can we use Qwen2.5-72B in a commercial product?",
        "Does Qwen 2.5 need a licence above 100 million monthly active users?",
        "Can we use Qwen in our product?",
        "Is the Qwen License fine for Qwen2.5.1?",  # a release of a covered version
    ):
        analysis = small_retriever.analyse(question)
        assert analysis.named == ("qwen",), question
        assert analysis.unknown == (), question
    ans = answer("Can we use Qwen2.5-72B in a commercial product?", small_retriever)
    assert not ans.abstained and any(c.doc_id == "qwen" for c in ans.citations)


def test_versions_front_matter_is_optional_and_validated(tmp_path):
    from licenseqa.corpus.documents import document_problems, document_versions

    meta = parse_front_matter((CORPUS / "licenses" / "qwen.txt").read_bytes())[0]
    assert document_versions(meta) == ["2.5"]
    assert document_versions(parse_front_matter((CORPUS / "licenses" / "MIT.txt").read_bytes())[0]) == []
    doc = b"---\nid: acme\ntitle: Acme Model Licence\nkind: model\n%s---\n\n1. Grant.\n"
    assert document_problems(doc % b'versions: ["1", "2.5", "3.0.1"]\n')[3] == []
    for bad in (b"versions: 2.5\n", b"versions: [2.5]\n", b'versions: ["two"]\n', b"versions: []\n"):
        problems = document_problems(doc % bad)[3]
        assert problems == [
            "front matter 'versions' must be a non-empty list of quoted version numbers "
            'such as ["2.5"] (the model versions the text covers)'
        ], bad
    corpus = make_corpus(tmp_path / "corpus", ["MIT", "qwen"])
    qwen = corpus / "licenses" / "qwen.txt"
    qwen.write_bytes(qwen.read_bytes().replace(b'versions: ["2.5"]', b"versions: [2.5]", 1))
    done = run_cli("corpus", "validate", "--json", "--corpus", str(corpus))
    assert done.returncode == 1, done.stderr
    problems = [p for p in json.loads(done.stdout)["problems"] if p["level"] == "error"]
    assert [p["path"] for p in problems] == ["licenses/qwen.txt"]
    assert "'versions' must be a non-empty list" in problems[0]["message"]


def test_llama_versions_behave_as_before(corpus_docs):
    from licenseqa.answering.analysis import QuestionAnalyser
    from licenseqa.answering.detect import DocName, LicenseDetector
    from licenseqa.corpus.documents import document_versions

    detector = LicenseDetector(
        DocName(
            d.doc_id,
            d.text.title,
            str(d.meta.get("spdx") or ""),
            tuple(d.meta.get("aliases") or ()),
            tuple(document_versions(d.meta)),
        )
        for d in corpus_docs.values()
    )
    # the documents that state the model versions they cover
    assert detector.versions == {"qwen": ("2.5",), "falcon-2": ("2",)}
    analyser = QuestionAnalyser(detector)
    assert analyser.analyse("Does Llama 3.1 allow commercial use?").named == ("llama3.1",)
    assert analyser.analyse("Does Llama 2 allow commercial use?").named == ("llama2",)
    assert analyser.analyse("Is Llama 3 fine for us?").named == ("llama3.3", "llama3.2", "llama3.1")
    five = analyser.analyse("Does Llama 5 allow commercial use?")
    assert five.named == () and five.abstain_reason == "not_in_corpus"
    assert [u.name for u in five.unknown] == ["llama 5"]
    assert five.unknown[0].other_versions == ("llama4-aup", "llama3.3", "llama3.2", "llama3.1", "llama2")
    # a licence version by its id still works the old way: "Apache License 1.1" is LicenseDB's apache-1.1
    old = analyser.analyse("Does the Apache License 1.1 have an advertising clause?")
    assert old.named == () and old.unknown[0].scancode_keys == ("apache-1.1",)
    # and Qwen through the same names
    assert analyser.analyse("Can we use Qwen2-72B in a commercial product?").unknown[0].name == "qwen 2"
    assert analyser.analyse("Can we use Qwen 2.5 commercially?").named == ("qwen",)
    # Falcon: the Falcon 2 licence by its version, another Falcon model by its size is not it
    assert analyser.analyse("Does Falcon 2 allow commercial use?").named == ("falcon-2",)
    assert analyser.analyse("Does Falcon 180B allow commercial use?").unknown[0].name == "falcon 180b"
