"""Bad input for the stack check: each a clear message for the user, no traceback; and the data files."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from licenseqa.cli import main
from licenseqa.stack.check import StackChecker
from licenseqa.stack.context import make_context
from licenseqa.stack.inputs import MAX_BYTES, read_path
from licenseqa.stack.model import StackInputError
from licenseqa.stack.resolve import DATA, load_data_file

ROOT = Path(__file__).resolve().parents[1]

BOM = {
    "bomFormat": "CycloneDX",
    "specVersion": "1.5",
    "version": 1,
    "components": [
        {"type": "library", "name": "a", "version": "1", "bom-ref": "a1", "purl": "pkg:npm/a@1"},
        {
            "type": "library",
            "name": "b",
            "version": "2",
            "bom-ref": "b2",
            "licenses": [{"license": {"id": "MIT"}}],
        },
    ],
}

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.4" version="1"><components><component type="library">
<name>&lol3;</name></component></components></bom>
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bom.json", '{"bomFormat": "CycloneDX", "specVersion": "1.5",', "is not valid JSON"),
        ("bom.xml", "<bom><unclosed></bom>", "not well-formed XML"),
        (
            "bom.json",
            json.dumps({**BOM, "components": [{"type": "library"}]}),
            "is not valid CycloneDX 1.5 JSON",
        ),
        ("bom.json", json.dumps({**BOM, "specVersion": "1.1"}), "spec version '1.1' is not supported"),
        ("laughs.xml", LAUGHS, "entities; they are refused"),
        ("empty.json", "   \n", "is empty"),
        ("notes.txt.md", "just some words\n", "unknown format"),
        ("data.json", json.dumps({"hello": "world"}), "not CycloneDX"),
        ("requirements.txt", "requests ==== 2\n", "is not a valid requirement"),
        ("pyproject.toml", "[project\nname=", "is not valid TOML"),
        ("lock.json", json.dumps({"lockfileVersion": 1, "dependencies": {}}), "lockfileVersion 1"),
        (
            "spdx.json",
            json.dumps({"spdxVersion": "SPDX-2.3", "SPDXID": "x"}),
            "is not a valid SPDX 2 document",
        ),
        ("bin.json", "", "is empty"),
        ("README.md", "---\nlicense: [unclosed\n---\n# card\n", "front matter cannot be read"),
    ],
)
def test_bad_input_is_one_clear_message(tmp_path, capsys, name, text, message):
    path = _write(tmp_path, name, text)
    with pytest.raises(StackInputError, match=message):
        read_path(path)
    assert main(["stack", str(path)]) == 3
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message.split()[0] in err and "Traceback" not in err


def test_a_file_over_50_mb_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.json"
    with big.open("wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: the limit is checked on the size, nothing is read
    with pytest.raises(StackInputError, match="the limit is 50 MB"):
        read_path(big)


def test_not_utf8_and_missing_file(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xff\xfe{\x00")
    with pytest.raises(StackInputError, match="not UTF-8"):
        read_path(path)
    with pytest.raises(StackInputError, match="does not exist"):
        read_path(tmp_path / "nope.json")


def test_no_licences_at_all_means_every_component_needs_review(tmp_path):
    bom = {**BOM, "components": [{"type": "library", "name": n, "version": "1"} for n in "xyz"]}
    report = StackChecker().check(read_path(_write(tmp_path, "bom.json", json.dumps(bom))), make_context())
    assert report.summary["needs_review"] == 3 and report.summary["resolved"] == 0
    assert report.exit_code == 2


def test_duplicate_components_are_counted_once_with_a_note(tmp_path):
    twice = dict(BOM["components"][1], **{"bom-ref": "b2-again"})
    bom = {**BOM, "components": [*BOM["components"], twice]}
    inventory = read_path(_write(tmp_path, "bom.json", json.dumps(bom)))
    assert [c.name for c in inventory.components] == ["a", "b"]
    assert "1 duplicate component entries were counted once (b@2)" in inventory.notes[0]
    identical = {**BOM, "components": [*BOM["components"], BOM["components"][1]]}
    with pytest.raises(StackInputError, match="listed more than once"):
        read_path(_write(tmp_path, "same.json", json.dumps(identical)))


def test_cyclonedx_1_6_ml_model_and_nested_components(tmp_path):
    bom = {
        **BOM,
        "specVersion": "1.6",
        "components": [
            {
                "type": "machine-learning-model",
                "name": "m",
                "licenses": [{"expression": "Apache-2.0 AND CC-BY-4.0"}],
                "components": [
                    {"type": "data", "name": "d", "licenses": [{"license": {"id": "CC-BY-NC-4.0"}}]}
                ],
            }
        ],
    }
    report = StackChecker().check(
        read_path(_write(tmp_path, "bom.json", json.dumps(bom))), make_context("saas")
    )
    kinds = {r.component.name: (r.component.kind, r.status) for r in report.components}
    assert kinds == {"m": ("machine-learning-model", "ok"), "d": ("data", "not-allowed")}
    assert report.exit_code == 1


def test_bad_options_and_policy_files(tmp_path, capsys):
    lock = _write(tmp_path, "package-lock.json", json.dumps({"lockfileVersion": 3, "packages": {}}))
    assert main(["stack", str(lock), "--outbound", "not a licence"]) == 3
    assert "is not one SPDX licence id" in capsys.readouterr().err
    policy = _write(tmp_path, "policy.yaml", "components:\n  - version: 1\n")
    assert main(["stack", str(lock), "--policy", str(policy)]) == 3
    assert "'name' is a required property" in capsys.readouterr().err
    with pytest.raises(StackInputError, match="cannot be read"):
        make_context(policy=tmp_path / "missing.yaml")


# -- the data files ------------------------------------------------------------------------------------
def test_data_files_pass_their_schemas_and_a_broken_one_fails():
    for name in ("mappings", "categories"):
        load_data_file(name)
    schema = json.loads((DATA / "categories.schema.json").read_text(encoding="utf-8"))
    data = yaml.safe_load((DATA / "categories.yaml").read_text(encoding="utf-8"))
    data["families"][0]["categories"]["internal-tool"]["category"] = "fine"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_every_policy_and_exception_quote_is_in_the_cited_document():
    data = load_data_file("categories")
    policy = (ROOT / data["policy"]["source"]).read_text(encoding="utf-8")
    for family in data["families"]:
        assert family["quote"] in policy, family["id"]
        assert f"## {family['section']}. {family['heading']}" in policy
    assert data["approved"]["quote"] in policy
    for term in data["terms"]:
        text = (ROOT / "corpus" / "licenses" / f"{term['doc_id']}.txt").read_text(encoding="utf-8")
        assert term["quote"] in text, term
    for exception in data["exceptions"]:
        if exception["quote"]:
            text = (ROOT / "corpus" / "licenses" / f"{exception['id']}.txt").read_text(encoding="utf-8")
            assert exception["quote"] in text, exception["id"]


def test_every_mapping_resolves_and_families_do_not_overlap():
    from licenseqa.stack.catalog import load_catalog
    from licenseqa.stack.resolve import Resolver

    resolver = Resolver()
    catalog = load_catalog()
    for entry in load_data_file("mappings")["mappings"]:
        hit = resolver.resolve_string(entry["match"])
        assert hit is not None, entry["match"]
        for symbol in hit.expression.replace("(", " ").replace(")", " ").split():
            if symbol.startswith("LicenseRef-"):
                assert catalog.family(symbol), f"{symbol} has no family in categories.yaml"


def test_every_cited_section_is_one_the_splitter_gives(splitter):
    """The section labels that data/categories.yaml cites (policy rows, licence terms) exist in the
    corpus document as the ingest splits it."""
    from ingest.preview import preview_file

    data = load_data_file("categories")
    wanted: dict[str, set[str]] = {data["policy"]["source"]: {f["section"] for f in data["families"]}}
    for term in data["terms"]:
        wanted.setdefault(f"corpus/licenses/{term['doc_id']}.txt", set()).add(term["section"])
    for path, sections in sorted(wanted.items()):
        found = set(preview_file(ROOT / path, splitter).sections)
        assert sections <= found, (path, sections - found)


def test_the_example_policy_file_is_valid():
    context = make_context(policy=ROOT / "docs" / "stack-policy.example.yaml")
    assert context.mode == "binary" and context.outbound == "proprietary"
    assert {d.name for d in context.decisions} == {"jackson-databind", "ranker", "ghostdb"}


def test_fast_schema_checks_keep_the_library_semantics(tmp_path):
    ref = {"type": "website", "url": "https://例え.jp/パス"}  # an IRI, not an ASCII URI: valid
    bom = {**BOM, "components": [{"type": "library", "name": "a", "externalReferences": [ref]}]}
    assert read_path(_write(tmp_path, "iri.json", json.dumps(bom))).components[0].name == "a"
    bad = {**BOM, "components": [{"type": "library", "name": "a", "licenses": [{"license": {"id": "MITX"}}]}]}
    with pytest.raises(StackInputError, match=r"is not valid CycloneDX 1\.5 JSON"):
        read_path(_write(tmp_path, "enum.json", json.dumps(bad)))
