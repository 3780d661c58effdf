"""The OSADL obligations data: the checklist parser, and the committed ``knowledge/data/osadl.json``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.knowledge import corpus_clauses
from licenseqa.knowledge import build as knowledge

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = ROOT / "corpus"
DATA = ROOT / "licenseqa" / "knowledge" / "data" / "osadl.json"

needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(),
    reason=f"{SHARED} (the reference data with the OSADL checklists) is not on this machine",
)


@pytest.fixture(scope="module")
def osadl_splitter():
    from ingest.splitter import ClauseSplitter
    from licenseqa.index.embeddings import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder()
    return ClauseSplitter.for_embedder(embedder)


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def _items(data: dict):
    for doc_id, checklist in data["checklists"].items():
        for use_case in checklist["use_cases"]:
            for item in use_case["items"]:
                yield doc_id, use_case, item


def _manifest_checklists() -> list[tuple[str, Path]]:
    rows = knowledge.read_manifest(SHARED)
    return [(r["id"], SHARED / knowledge.OSLOC_DIR / "licenses" / r["osadl"]) for r in rows if r["osadl"]]


@needs_shared
def test_parser_keeps_every_obligation_atom():
    checklists = _manifest_checklists()
    assert len(checklists) >= 30
    for doc_id, path in checklists:
        text = path.read_text(encoding="utf-8")
        expected = sum(1 for line in text.splitlines() if line.lstrip("\t").startswith("YOU MUST"))
        parsed = knowledge.parse_checklist(text, path.stem)
        assert len(parsed.items) == expected, (
            f"{doc_id}: {len(parsed.items)} items parsed, {expected} in file"
        )
        assert all(item.phrase for item in parsed.items), doc_id


def test_parser_constructs():
    text = (
        "USE CASE Source code delivery OR Binary delivery | Permission is granted*to copy\n"
        "\tYOU MUST Provide License text | a copy of this License || Done by default\n"
        "\t\tATTRIBUTE Highlighted | prominently\n"
        "\tIF Software modification | modify\n"
        "\t\tEXCEPT IF NOT Distributed | x\n"
        "\t\t\tYOU MUST NOT Promote | the name of\n"
        "\t\tEITHER | one of\n"
        "\t\t\tYOU MUST Provide Source code | source\n"
        "\t\t\t\tEITHER\n"
        "\t\t\t\t\tATTRIBUTE Customary medium | medium\n"
        "\t\t\t\tOR\n"
        "\t\t\t\t\tATTRIBUTE Via Internet | server\n"
        "\t\tOR\n"
        "\t\t\tYOU MUST Provide Written offer | offer | written offer\n"
        "COPYLEFT CLAUSE Yes | under the terms of this License\n"
        "PATENT HINTS Yes | patent license | patent litigation\n"
        "COMPATIBILITY MIT\n"
        "COMPATIBILITY Apache-2.0 | phrase || remark\n"
        "INCOMPATIBILITY BSD-4-Clause | advertising | no further restrictions\n"
        "DEPENDING COMPATIBILITY LGPL-2.1-only || relicense ||| remark\n"
    )
    parsed = knowledge.parse_checklist(text, "X")
    assert [uc.names for uc in parsed.use_cases] == [["Source code delivery", "Binary delivery"]]
    first, promote, source, offer = parsed.items
    assert (first.kind, first.text, first.phrase, first.attributes) == (
        "must",
        "Provide License text",
        "a copy of this License",
        ["Highlighted"],
    )
    assert promote.kind == "must_not"
    assert promote.conditions == ["Software modification", "except if not Distributed"]
    assert source.alternative == {"group": 0, "option": 0}
    assert source.attributes == ["Customary medium OR Via Internet"]
    assert offer.alternative == {"group": 0, "option": 1}
    assert offer.phrases == ["offer", "written offer"]
    assert parsed.compatibility == ["MIT", "Apache-2.0"]
    assert parsed.depending_compatibility == ["LGPL-2.1-only"]
    assert parsed.incompatibility[0].phrases == ["advertising", "no further restrictions"]
    assert parsed.patent_hints is not None and parsed.patent_hints.phrases == [
        "patent license",
        "patent litigation",
    ]


def test_linker_picks_the_most_specific_clause_and_never_guesses():
    from licenseqa.models import Clause

    def clause(section, text, start, part=0, parts=1):
        end = start + text.count("\n")
        return Clause("D", "D", "k", section, "H", text, "corpus/licenses/D.txt", start, end, part, parts)

    linker = knowledge.DocumentLinker(
        [
            clause(None, "Preamble: you must give any other recipients a copy of this License.", 1),
            clause("4", "You may redistribute copies\nof the Work, provided that:", 10),
            clause(
                "4(a)",
                "You must give any other recipients of the Work or\nDerivative Works a copy of this License",
                12,
            ),
            clause("4(d)", "If the Work includes a \u201cNOTICE\u201d text file", 15),
            clause("5", "First window: Submission of\nContributions. Unless You explicitly", 20, 0, 2),
            clause("5", "Contributions. Unless You explicitly\nstate otherwise, any Contribution", 21, 1, 2),
        ]
    )
    cit = linker.cite_phrase("You must give any other recipients*a copy of this License")
    assert cit is not None and cit["section"] == "4(a)" and (cit["start_line"], cit["end_line"]) == (12, 13)
    assert cit["quote"] == "You must give any other recipients"
    notice = linker.cite_phrase('includes a "NOTICE" text file')
    assert (
        notice is not None
        and notice["section"] == "4(d)"
        and notice["quote"] == "includes a \u201cNOTICE\u201d text file"
    )
    windows = linker.cite_phrase("Submission of Contributions. Unless You explicitly state otherwise")
    assert windows is not None and (windows["section"], windows["start_line"], windows["end_line"]) == (
        "5",
        20,
        22,
    )
    assert linker.cite_phrase("You must give any other recipients*of the Work*redistribute") is None  # order
    assert linker.cite_phrase("a copy of this Licence") is None  # no spelling normalisation
    assert (
        linker.cite_phrase("redistribute copies of the Work*a copy of this License") is None
    )  # across clauses


@needs_shared
def test_committed_data_is_current(tmp_path, osadl_splitter):
    data = knowledge.build_knowledge(SHARED, corpus_clauses(CORPUS, osadl_splitter))
    out = tmp_path / "osadl.json"
    out.write_text(knowledge.dump(data), encoding="utf-8")
    assert out.read_bytes() == DATA.read_bytes(), (
        "licenseqa/knowledge/data/osadl.json is stale: run `python -m ingest.knowledge --shared ../shared`"
    )


def test_linked_fraction(data):
    items = [item for _, _, item in _items(data)]
    assert len(items) > 500
    linked = [item for item in items if item["linked"]]
    assert len(linked) / len(items) >= 0.95
    for item in items:
        assert (item["citation"] is not None) == item["linked"]
    for doc_id, checklist in data["checklists"].items():
        counted = [item for uc in checklist["use_cases"] for item in uc["items"]]
        assert checklist["stats"] == {"items": len(counted), "linked": sum(i["linked"] for i in counted)}, (
            doc_id
        )


def test_citations_quote_our_corpus(data):
    texts: dict[str, list[str]] = {}
    for doc_id, _, item in _items(data):
        cit = item["citation"]
        if cit is None:
            continue
        assert cit["doc_id"] == doc_id
        path = ROOT / cit["source"]
        lines = texts.setdefault(cit["source"], path.read_text(encoding="utf-8").split("\n"))
        span = "\n".join(lines[cit["start_line"] - 1 : cit["end_line"]])
        assert cit["quote"] and cit["quote"] in span, (doc_id, item["text"])


def test_schema_shape(data):
    assert list(data) == ["source", "license", "matrix_timestamp", "osadl_to_doc", "checklists", "compat"]
    assert data["license"] == "CC0-1.0"
    for checklist in data["checklists"].values():
        assert list(checklist) == [
            "osadl_id",
            "use_cases",
            "copyleft",
            "patent_hints",
            "compatibility",
            "incompatibility",
            "depending_compatibility",
            "stats",
        ]
    keys = ["kind", "text", "phrase", "conditions", "alternative", "attributes", "citation", "linked"]
    assert all(list(item) == keys for _, _, item in _items(data))


def test_known_facts(data):
    apache = {uc["name"]: uc for uc in data["checklists"]["Apache-2.0"]["use_cases"]}
    binary = apache["Binary delivery"]["items"]
    assert any(
        "Provide License text" in i["text"] and i["citation"] and i["citation"]["section"] == "4(a)"
        for i in binary
    )

    agpl = {uc["name"]: uc for uc in data["checklists"]["AGPL-3.0-only"]["use_cases"]}
    network = agpl["Network service"]
    cited = [i["citation"] for i in network["items"] if i["citation"]] + [network["citation"]]
    assert any(c and c["section"] == "13" for c in cited)

    compat = data["compat"]
    assert compat["GPL-2.0-only"]["Apache-2.0"]["verdict"] == "No"
    assert compat["GPL-3.0-only"]["Apache-2.0"]["verdict"] == "Yes"
    assert compat["MIT"]["GPL-3.0-only"]["verdict"] == "No"

    assert data["osadl_to_doc"]["GPL-3.0-or-later"] == "GPL-3.0-only"
    assert data["osadl_to_doc"]["LGPL-2.1-or-later"] == "LGPL-2.1-only"
