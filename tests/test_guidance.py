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
