"""The seven guidance documents: front matter, numbered sections, length, no placeholders."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml
from conftest import CORPUS

IDS = [
    "license-approval-policy",
    "copyleft-and-saas",
    "ml-models-and-weights",
    "datasets-and-training-data",
    "attribution-and-notices",
    "sbom-and-audits",
    "protecting-our-ip",
]


@pytest.mark.parametrize("doc_id", IDS)
def test_guidance_document(doc_id):
    text = (CORPUS / "guidance" / f"{doc_id}.md").read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    assert meta["id"] == doc_id and meta["kind"] == "guidance"
    assert meta["title"] and meta["owner"] and isinstance(meta["applies_to"], list) and meta["applies_to"]
    assert isinstance(meta["last_reviewed"], dt.date)
    headings = re.findall(r"^## (\d+)\. (.+)$", body, re.MULTILINE)
    assert [int(n) for n, _ in headings] == list(range(1, len(headings) + 1)) and len(headings) >= 6
    assert headings[0][1] == "Scope"
    assert 800 <= len(body.split()) <= 2000
    assert body.rstrip().splitlines()[-1].startswith("Related:")
    for placeholder in ("TBD", "lorem", "[Company]", "TODO", "XXX"):
        assert placeholder.lower() not in body.lower()
    others = [i for i in IDS if i != doc_id]
    assert any(o in body for o in others), "the Related line names other guidance"


def test_guidance_cites_clauses_in_our_numbering():
    body = (CORPUS / "guidance" / "attribution-and-notices.md").read_text(encoding="utf-8")
    assert "Apache-2.0 §4(d)" in body
    assert "AGPL-3.0 §13" in (CORPUS / "guidance" / "copyleft-and-saas.md").read_text(encoding="utf-8")


# -- the guidance agrees with the approval policy's category table (issue #17 kind 15) --------------------


def _corpus_copy(tmp_path):
    import shutil

    dest = tmp_path / "corpus"
    shutil.copytree(CORPUS, dest, ignore=shutil.ignore_patterns(".*"))
    return dest


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_guidance_and_the_policy_table_agree():
    from licenseqa.stack.catalog import load_catalog
    from licenseqa.stack.guidance_check import check_guidance, policy_table

    assert check_guidance(CORPUS) == []
    # settled: SSPL-1.0 in network services is not allowed (copyleft-and-saas §6, the stricter rule), and the
    # stack check reads the same cell
    row = policy_table((CORPUS / "guidance" / "license-approval-policy.md").read_text(encoding="utf-8"))
    assert row["Service-source (SSPL-1.0)"][2] == "Not allowed"
    assert load_catalog().policy("SSPL-1.0", "saas").category == "not-allowed"
    assert load_catalog().policy("AGPL-3.0-only", "saas").category == "review"


def test_a_contradicting_guidance_sentence_is_found(tmp_path):
    from licenseqa.stack.guidance_check import check_guidance

    corpus = _corpus_copy(tmp_path)
    saas = corpus / "guidance" / "copyleft-and-saas.md"
    # the example, reversed: the prose loosens what the table says
    _edit(
        saas, "SSPL-1.0 is not allowed in network services", "SSPL-1.0 needs legal review in network services"
    )
    # a sibling in another document, another mode and family
    _edit(
        corpus / "guidance" / "ml-models-and-weights.md",
        "\n## 2.",
        "\nGPL-3.0 components are not allowed in internal tools.\n\n## 2.",
    )
    found = {(d.path, d.licence, d.column, d.stated, d.table) for d in check_guidance(corpus)}
    assert found == {
        ("guidance/copyleft-and-saas.md", "service-source", "network-service", "review", "not-allowed"),
        ("guidance/ml-models-and-weights.md", "strong-copyleft", "internal-tool", "not-allowed", "allowed"),
    }


def test_statements_the_table_allows_or_does_not_cover_are_not_flagged(tmp_path):
    from licenseqa.stack.guidance_check import check_guidance

    corpus = _corpus_copy(tmp_path)
    _edit(
        corpus / "guidance" / "sbom-and-audits.md",
        "\n## 2.",
        # agrees: the library-copyleft cell's condition itself asks for legal review in firmware
        "\nLGPL-2.1 components in device firmware need legal review.\n\n"
        # two columns at once: the table is the place for that, not judged
        "MIT is allowed in internal tools and in distributed products.\n\n"
        # about linking, a refinement the table's columns do not have
        "A GPL-2.0 plugin statically linked into a network service needs legal review.\n\n## 2.",
    )
    assert check_guidance(corpus) == []


def test_table_and_categories_data_must_agree(tmp_path):
    from licenseqa.stack.guidance_check import check_guidance

    corpus = _corpus_copy(tmp_path)
    _edit(
        corpus / "guidance" / "license-approval-policy.md",
        "| Permissive (MIT, BSD-3-Clause, Apache-2.0) | Allowed |",
        "| Permissive (MIT, BSD-3-Clause, Apache-2.0) | Needs legal review |",
    )
    found = [(d.path, d.licence, d.column, d.stated, d.table) for d in check_guidance(corpus)]
    assert (
        "licenseqa/stack/data/categories.yaml",
        "permissive",
        "internal-tool",
        "allowed",
        "review",
    ) in found


def test_corpus_validate_reports_a_contradiction(tmp_path):
    import json

    from conftest import run_cli

    corpus = _corpus_copy(tmp_path)
    _edit(
        corpus / "guidance" / "copyleft-and-saas.md",
        "SSPL-1.0 is not allowed in network services",
        "SSPL-1.0 is allowed in network services",
    )
    out = run_cli("corpus", "validate", "--corpus", str(corpus), "--json")
    assert out.returncode == 1, out.stderr
    report = json.loads(out.stdout)
    [problem] = [p for p in report["problems"] if p["path"] == "guidance/copyleft-and-saas.md"]
    assert problem["level"] == "error"
    assert "'allowed' for network-service" in problem["message"]
    assert "'not-allowed'" in problem["message"]


def test_a_table_row_the_categories_data_cites_must_exist(tmp_path):
    from licenseqa.stack.guidance_check import check_guidance

    corpus = _corpus_copy(tmp_path)
    # the table as it was before the guidance was settled: one row for AGPL-3.0 and SSPL-1.0
    _edit(
        corpus / "guidance" / "license-approval-policy.md",
        "| Network copyleft (AGPL-3.0) |",
        "| Network copyleft (AGPL-3.0, SSPL-1.0) |",
    )
    [problem] = check_guidance(corpus)
    assert problem.licence == "network-copyleft"
    assert "cites a row section 3's table does not have" in problem.describe()
