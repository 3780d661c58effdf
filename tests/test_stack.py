"""The stack check end to end: real SBOMs from ../shared, small files the tests write, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from licenseqa.cli import main
from licenseqa.stack.check import StackChecker, check_files
from licenseqa.stack.context import make_context
from licenseqa.stack.inputs import read_inputs, read_path
from licenseqa.stack.report import to_json, to_markdown
from licenseqa.stack.resolve import Resolver

SHARED = Path(__file__).resolve().parents[2] / "shared"
EXAMPLES = SHARED / "data" / "sbom-examples"
CDX = EXAMPLES / "cyclonedx"
SPDX = EXAMPLES / "spdx"
needs_shared = pytest.mark.skipif(
    not EXAMPLES.is_dir(), reason="../shared/data/sbom-examples is not present (real SBOM examples)"
)


@pytest.fixture(scope="module")
def checker() -> StackChecker:
    return StackChecker()


def _lock(tmp_path: Path, packages: dict[str, str | None], name: str = "package-lock.json") -> Path:
    entries: dict[str, dict] = {"": {"name": "product", "version": "1.0.0"}}
    for pkg, licence in packages.items():
        entry: dict = {"version": "1.0.0"}
        if licence:
            entry["license"] = licence
        entries[f"node_modules/{pkg}"] = entry
    path = tmp_path / name
    path.write_text(
        json.dumps({"name": "product", "lockfileVersion": 3, "packages": entries}), encoding="utf-8"
    )
    return path


def _result(report, name: str):
    return next(r for r in report.components if r.component.name == name)


# -- real SBOMs ---------------------------------------------------------------------------------------
@needs_shared
def test_laravel_json_and_xml_read_the_same_and_are_clean_in_binary(checker):
    ctx = make_context("binary")
    as_json = checker.check(read_path(CDX / "laravel-7.12.0.bom.1.4.json"), ctx)
    as_xml = checker.check(read_path(CDX / "laravel-7.12.0.bom.1.4.xml"), ctx)
    assert as_json.summary == as_xml.summary
    assert as_json.summary["components"] == 62 and as_json.summary["resolved"] == 62
    assert as_json.exit_code == 0
    first = as_json.obligations[0]
    assert first.text == "Provide License text" and "MIT" in first.licenses and first.components >= 57
    assert first.citation["doc_id"] == "MIT"


@needs_shared
def test_dropwizard_dual_licence_resolves_and_an_option_is_chosen_with_a_reason(checker):
    report = checker.check(read_path(CDX / "dropwizard-1.3.15.bom.json"), make_context("saas", "proprietary"))
    dual = next(r for r in report.components if "CDDL-1.0 OR" in (r.resolved or ""))
    assert dual.resolved == "CDDL-1.0 OR GPL-2.0-only WITH Classpath-exception-2.0"
    assert dual.chosen == "CDDL-1.0"
    assert any("is taken" in reason and "narrower" in reason for reason in dual.reasons), dual.reasons
    assert report.summary["conflicts"] == 0  # GPL with Classpath in saas: not triggered
    gpl = [r for r in report.components if r.resolved == "GPL-2.0-only WITH Classpath-exception-2.0"]
    assert gpl and all(r.status == "ok" for r in gpl)
    assert any("not triggered" in x for x in gpl[0].reasons)
    assert any("Classpath-exception-2.0" in x for x in gpl[0].reasons)
    amqp = _result(report, "amqp-client")  # three <license> entries: a choice, not all three
    assert amqp.resolved.count(" OR ") == 2 and amqp.chosen == "Apache-2.0", amqp.resolved
    assert any("read as a choice (OR)" in r for r in amqp.reasons)
    unresolved = [r for r in report.components if r.resolved is None]
    assert unresolved and all(r.status == "needs-review" for r in unresolved)
    assert report.exit_code == 2


@needs_shared
def test_juice_shop_expressions_in_license_name_resolve(checker):
    report = checker.check(read_path(CDX / "juice-shop-11.1.2.bom.json"), make_context("binary"))
    rc = _result(report, "rc")
    assert rc.resolved == "BSD-2-Clause OR MIT OR Apache-2.0" and rc.chosen
    assert report.summary["resolved"] / report.summary["components"] > 0.95
    licence_text = next(o for o in report.obligations if o.text == "Provide License text")
    assert licence_text.components > 700 and {"MIT", "ISC"} <= set(licence_text.licenses)


@needs_shared
def test_proton_bridge_and_saasbom(checker):
    proton = checker.check(read_path(CDX / "proton-bridge-1.8.0.bom.json"), make_context("binary"))
    assert {"MPL-2.0", "LGPL-3.0-only"} <= {r.resolved for r in proton.components}
    saas = read_path(CDX / "saasbom-apigateway.bom.json")
    assert saas.components and all(c.kind == "service" for c in saas.components)
    assert checker.check(saas, make_context("saas")).summary["needs_review"] == len(saas.components)


@needs_shared
def test_spdx_examples(checker):
    two = read_path(SPDX / "example11.spdx.json")
    assert two.formats == ("SPDX-2.3 JSON",)
    assert {c.name: c.declared for c in two.components}["hyper"] == ("MIT",)  # concluded wins
    assert dict(two.dependencies)["SPDXRef-Package-hello-server-src"]  # DEPENDS_ON relationships
    tag = read_path(SPDX / "example6-bin.spdx")
    assert tag.formats == ("SPDX-2.2 tag-value",)
    report = checker.check(tag, make_context("binary"))
    assert report.components[0].status == "needs-review"  # LicenseRef-Golang-BSD-plus-Patents
    three = read_path(SPDX / "example11.spdx3.json")
    declared = {c.name: c.declared for c in three.components}
    assert declared["pretty_env_logger"] == ("(MIT OR Apache-2.0)",)
    assert declared["tokio"] == ("MIT",)


@needs_shared
def test_resolved_share_beats_license_expression_alone():
    resolver = Resolver()
    for name in ("dropwizard-1.3.15.bom.json", "juice-shop-11.1.2.bom.json"):
        components = read_path(CDX / name).components
        ours = sum(1 for c in components if resolver.resolve(c).expression)
        alone = sum(1 for c in components if c.declared and all(resolver.validate(d) for d in c.declared))
        assert ours > alone, name


# -- files the tests write ------------------------------------------------------------------------------
def test_agpl_in_saas_with_proprietary_outbound_is_a_conflict(tmp_path, checker):
    lock = _lock(tmp_path, {"left-pad": "MIT", "ghostdb": "AGPL-3.0-only"})
    report = checker.check(read_path(lock), make_context("saas", "proprietary"))
    agpl = _result(report, "ghostdb")
    assert agpl.status == "conflict"
    conflict = report.conflicts[0]
    assert conflict.component == "ghostdb@1.0.0" and conflict.with_ == "proprietary"
    assert any(c["doc_id"] == "AGPL-3.0-only" and c["section"] == "13" for c in conflict.citations)
    assert _result(report, "left-pad").status == "ok"
    assert report.exit_code == 1
    assert any(o.text == "Provide Source code" and "AGPL-3.0-only" in o.licenses for o in report.obligations)


def test_gpl_in_saas_is_not_triggered_but_in_binary_it_is(tmp_path, checker):
    lock = _lock(tmp_path, {"gplthing": "GPL-2.0-only", "apachething": "Apache-2.0"})
    saas = checker.check(read_path(lock), make_context("saas"))
    assert _result(saas, "gplthing").status == "ok"
    assert any("not triggered" in r for r in _result(saas, "gplthing").reasons)
    binary = checker.check(read_path(lock), make_context("binary"))
    assert _result(binary, "gplthing").status == "conflict"
    assert any(c["doc_id"] == "GPL-2.0-only" for c in binary.conflicts[0].citations)
    # between components: Apache-2.0 code cannot go into a GPL-2.0-only work (OSADL: No), one entry per pair
    between = [c for c in binary.conflicts if c.verdict == "No"]
    assert [(c.component, c.license, c.with_) for c in between] == [
        ("gplthing@1.0.0", "GPL-2.0-only", "Apache-2.0 (1 component)")
    ]
    assert _result(binary, "apachething").status == "ok"


def test_spdx_outbound_uses_the_osadl_matrix_and_not_covered_is_never_compatible(tmp_path, checker):
    lock = _lock(tmp_path, {"a": "Apache-2.0", "b": "CC-BY-4.0", "c": "MIT"})
    report = checker.check(read_path(lock), make_context("binary", "GPL-2.0-only"))
    a = _result(report, "a")
    assert a.status == "conflict"
    assert any(c.verdict == "No" and c.with_ == "GPL-2.0-only" for c in report.conflicts)
    b = _result(report, "b")
    assert b.status == "needs-review" and any("not covered" in r for r in b.reasons)
    assert _result(report, "c").status == "ok"


def test_or_prefers_the_option_that_fits_the_outbound_licence(tmp_path, checker):
    lock = _lock(tmp_path, {"dual": "GPL-3.0-only OR MIT", "lib": "LGPL-2.1-only OR Apache-2.0"})
    report = checker.check(read_path(lock), make_context("binary", "proprietary"))
    dual = _result(report, "dual")
    assert dual.chosen == "MIT" and dual.status == "ok"
    assert any("conflicts with the outbound licence" in r for r in dual.reasons)
    assert _result(report, "lib").chosen == "Apache-2.0"


def test_requirements_and_pyproject_need_review_without_fetching(tmp_path, checker):
    req = tmp_path / "requirements.txt"
    req.write_text("# pinned\nrequests==2.32.3\nnumpy>=1.26  # maths\n-e .\n", encoding="utf-8")
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "x"\nlicense = "MIT"\ndependencies = ["httpx>=0.27", "rich==13.7.1"]\n'
        '[project.optional-dependencies]\ndev = ["pytest>=8"]\n',
        encoding="utf-8",
    )
    inventory = read_inputs([req, pyproject])
    assert [c.name for c in inventory.components] == ["requests", "numpy", "httpx", "rich", "pytest"]
    assert inventory.components[0].version == "2.32.3"
    report = checker.check(inventory, make_context("binary"))
    assert report.summary["needs_review"] == 5 and report.exit_code == 2
    assert any("nothing is fetched" in n for n in report.notes)


def test_package_json_and_lock_v2(tmp_path, checker):
    pkg = tmp_path / "package.json"
    pkg.write_text(
        json.dumps({"name": "p", "dependencies": {"lodash": "^4"}, "devDependencies": {"jest": "1"}})
    )
    assert [c.name for c in read_path(pkg).components] == ["lodash"]
    lock = tmp_path / "lock2.json"
    lock.write_text(
        json.dumps(
            {
                "lockfileVersion": 2,
                "packages": {
                    "": {"name": "p"},
                    "node_modules/a": {"version": "1.0.0", "license": "(MIT OR Apache-2.0)"},
                    "node_modules/jest": {"version": "29.0.0", "license": "MIT", "dev": True},
                },
            }
        )
    )
    inventory = read_path(lock)
    assert [c.name for c in inventory.components] == ["a"] and "development-only" in inventory.notes[0]


def test_model_card_llama_and_other_license(tmp_path, checker):
    card = tmp_path / "README.md"
    card.write_text(
        "---\nlicense: llama3.1\nbase_model: meta-llama/Llama-3.1-8B\ndatasets:\n- squad\n---\n# My model\n",
        encoding="utf-8",
    )
    report = checker.check(read_path(card), make_context("binary"))
    model = report.components[0]
    assert model.component.kind == "machine-learning-model"
    assert model.resolved == "LicenseRef-scancode-llama-3.1-license-2024"
    assert model.status == "needs-review"
    assert any("use restricted model" in r for r in model.reasons)
    assert any(c["doc_id"] == "license-approval-policy" and c["section"] == "3" for c in model.citations)
    built_with = next(o for o in report.obligations if "Built with Llama" in o.text)
    assert built_with.citation["doc_id"] == "llama3.1" and built_with.citation["section"] == "1(b)(i)"
    assert any("700 million" in o.text for o in report.obligations)
    assert {r.component.name for r in report.components[1:]} == {"meta-llama/Llama-3.1-8B", "squad"}
    assert all(r.status == "needs-review" for r in report.components[1:])

    other = tmp_path / "other" / "README.md"
    other.parent.mkdir()
    other.write_text(
        "---\nlicense: other\nlicense_name: acme-model-license\nlicense_link: LICENSE\n---\n",
        encoding="utf-8",
    )
    result = checker.check(read_path(other), make_context("internal")).components[0]
    assert result.component.declared == ("acme-model-license",)
    assert result.status == "needs-review" and "acme-model-license" in result.reasons[0]


def test_policy_file_decisions_and_modified_overrides(tmp_path, checker):
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: llama3.1\n---\n", encoding="utf-8")
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "components:\n  - name: " + tmp_path.name + "\n    decision: approved\n"
        "    license: LicenseRef-scancode-llama-3.1-license-2024\n    by: OSPO counsel\n"
        "    date: 2026-11-02\n    why: EXC-2026-0117\n",
        encoding="utf-8",
    )
    report = checker.check(read_path(card), make_context("binary", policy=policy))
    assert report.components[0].status == "ok"
    assert any("approved" in r and "OSPO counsel" in r for r in report.components[0].reasons)
    stale = tmp_path / "stale.yaml"
    stale.write_text(
        f"components:\n  - name: {tmp_path.name}\n    decision: approved\n    license: MIT\n",
        encoding="utf-8",
    )
    flagged = checker.check(read_path(card), make_context("binary", policy=stale)).components[0]
    assert flagged.status == "needs-review" and any("was for MIT" in r for r in flagged.reasons)

    lock = _lock(tmp_path, {"db": "MIT"}, "lock-db.json")  # db@1.0.0
    old = tmp_path / "old.yaml"
    old.write_text(
        "components:\n  - name: db\n    version: 0.9.0\n    decision: approved\n", encoding="utf-8"
    )
    upgraded = _result(checker.check(read_path(lock), make_context("binary", policy=old)), "db")
    assert upgraded.status == "needs-review"
    assert any("was for version 0.9.0, not 1.0.0" in r for r in upgraded.reasons)

    lock = _lock(tmp_path, {"a": "Apache-2.0", "b": "Apache-2.0"})
    mod = tmp_path / "mod.yaml"
    mod.write_text("components:\n  - name: a\n    modified: true\n", encoding="utf-8")
    report = checker.check(read_path(lock), make_context("source", policy=mod))
    notice = next(o for o in report.obligations if o.text == "Provide Modification notice")
    assert notice.components == 1


def test_json_report_has_the_issue_shape(tmp_path, checker):
    lock = _lock(tmp_path, {"ghostdb": "AGPL-3.0-only", "x": None})
    data = to_json(checker.check(read_path(lock), make_context("saas")))
    assert set(data) == {"summary", "components", "obligations", "conflicts"}
    assert set(data["summary"]) == {
        "components", "resolved", "needs_review", "conflicts", "not_allowed", "mode", "outbound",
    }  # fmt: skip
    assert set(data["components"][0]) == {
        "name", "version", "purl", "declared", "resolved", "chosen", "status", "reasons", "citations",
    }  # fmt: skip
    assert set(data["obligations"][0]) == {"text", "licenses", "components", "citation"}
    assert set(data["conflicts"][0]) == {
        "component",
        "license",
        "with",
        "verdict",
        "explanation",
        "citations",
    }
    assert data["components"][1]["resolved"] is None and data["components"][1]["status"] == "needs-review"
    json.dumps(data)


def test_diff_reports_a_relicensing(tmp_path, capsys):
    old = _lock(tmp_path, {"db": "Apache-2.0", "gone": "MIT"}, "old.json")
    new = _lock(tmp_path, {"db": "BUSL-1.1", "fresh": "ISC"}, "new.json")
    code = main(["stack", "diff", str(old), str(new), "--mode", "binary", "--json"])
    out = json.loads(capsys.readouterr().out)
    kinds = {c["name"]: c["kind"] for c in out["changes"]}
    assert kinds == {"db": "relicensed", "gone": "removed", "fresh": "added"}
    assert out["new"]["not_allowed"] == 1 and code == 1


# -- the CLI ---------------------------------------------------------------------------------------------
def test_cli_exit_codes_and_formats(tmp_path, capsys):
    clean = _lock(tmp_path, {"a": "MIT"}, "clean.json")
    assert main(["stack", str(clean)]) == 0
    assert "1 components, 1 resolved" in capsys.readouterr().out
    review = _lock(tmp_path, {"a": None}, "review.json")
    assert main(["stack", str(review), "--markdown"]) == 2
    assert "## Needs review (1)" in capsys.readouterr().out
    bad = _lock(tmp_path, {"a": "AGPL-3.0-only"}, "bad.json")
    assert main(["stack", str(bad), "--mode", "saas", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["summary"]["conflicts"] == 1


def test_markdown_report_names_obligations_and_citations(tmp_path, checker):
    lock = _lock(tmp_path, {"a": "Apache-2.0", "b": "MIT"})
    text = to_markdown(checker.check(read_path(lock), make_context("binary")))
    assert "Provide License text: 2 components under" in text and "Apache-2.0 §4(a)" in text


def test_check_files_reads_and_checks(tmp_path):
    lock = _lock(tmp_path, {"a": "MIT"})
    assert check_files([str(lock)], make_context("source")).summary["resolved"] == 1


def test_installed_environment_reads_license_expression_legacy_field_and_classifiers(tmp_path, checker):
    site = tmp_path / "site-packages"
    for name, lines in {
        "modern": ["License-Expression: Apache-2.0 OR MIT"],
        "legacy": ["License: BSD", "Classifier: License :: OSI Approved :: MIT License"],
        "bare": [],
    }.items():
        info = site / f"{name}-1.0.dist-info"
        info.mkdir(parents=True)
        meta = ["Metadata-Version: 2.4", f"Name: {name}", "Version: 1.0", *lines]
        (info / "METADATA").write_text("\n".join(meta) + "\n", encoding="utf-8")
    inventory = read_path(site)
    assert inventory.formats == ("installed Python environment",)
    report = checker.check(inventory, make_context("binary"))
    by_name = {r.component.name: r for r in report.components}
    modern = by_name["modern"]
    assert modern.resolved == "Apache-2.0 OR MIT" and modern.chosen == "Apache-2.0"
    assert any("fewer obligations in this mode than MIT" in r for r in modern.reasons), modern.reasons
    assert by_name["legacy"].resolved == "MIT"  # "BSD" is ambiguous; the classifier resolves
    assert by_name["bare"].status == "needs-review"
