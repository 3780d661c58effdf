"""Decision records written to the stack policy file through the corpus admin's token and audit trail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from licenseqa.cli import main
from licenseqa.corpus.admin import CorpusAdmin
from licenseqa.errors import LicenseQAError
from licenseqa.stack.policy_admin import (
    AdminTokenError,
    PolicyEditRejected,
    record_decision,
    remove_decision,
)

TOKEN = "s3cret-admin-token"
POLICY_TEXT = "mode: binary\ncomponents:\n  - name: patched\n    modified: true\n"


@pytest.fixture
def admin(tmp_path: Path) -> CorpusAdmin:
    corpus = tmp_path / "corpus"
    (corpus / "licenses").mkdir(parents=True)
    return CorpusAdmin(corpus)


@pytest.fixture
def policy(tmp_path: Path) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY_TEXT, encoding="utf-8")
    return path


def _lock(tmp_path: Path) -> Path:
    packages = {"": {"name": "product", "version": "1.0.0"}}
    for name in ("db", "ghostdb", "patched"):
        packages[f"node_modules/{name}"] = {"version": "1.0.0", "license": "MIT"}
    path = tmp_path / "package-lock.json"
    path.write_text(json.dumps({"name": "product", "lockfileVersion": 3, "packages": packages}), "utf-8")
    return path


def _audit(admin: CorpusAdmin) -> list[dict]:
    if not admin.audit_path.exists():
        return []
    return [json.loads(line) for line in admin.audit_path.read_text(encoding="utf-8").splitlines()]


def _decide(policy: Path, admin: CorpusAdmin, token: str | None = TOKEN, **fields):
    values = {"name": "db", "decision": "approved", "by": "OSPO counsel", "why": "OSPO-REVIEW-2291"} | fields
    return record_decision(policy, admin, token=token, expected_token=TOKEN, actor="Dana", **values)


def _report(tmp_path: Path, policy: Path, capsys) -> dict[str, dict]:
    main(["stack", str(_lock(tmp_path)), "--policy", str(policy), "--json"])
    data = json.loads(capsys.readouterr().out)
    return {c["name"]: c for c in data["components"]}


def test_a_decision_is_written_audited_and_shown_in_the_report(tmp_path, admin, policy, capsys):
    change = _decide(policy, admin, version="1.0.0", license="mit", mode="binary", when="2026-11-30")
    assert change.action == "decision-add" and change.component == "db@1.0.0"
    entries = yaml.safe_load(policy.read_text(encoding="utf-8"))["components"]
    assert entries[0] == {"name": "patched", "modified": True}  # the rest of the file is kept
    assert entries[1] == {
        "name": "db", "version": "1.0.0", "decision": "approved", "license": "MIT", "mode": "binary",
        "by": "OSPO counsel", "date": "2026-11-30", "why": "OSPO-REVIEW-2291",
    }  # fmt: skip
    not_allowed = _decide(policy, admin, name="ghostdb", decision="not-allowed", why="AGPL policy §5")
    assert not_allowed.after["decision"] == "not-allowed" and not_allowed.after["date"]

    records = _audit(admin)
    assert [r["action"] for r in records] == ["decision-add", "decision-add"]
    first = records[0]
    assert first["actor"] == "Dana" and first["component"] == "db@1.0.0" and first["time"]
    assert first["doc_id"] == "stack-policy:db@1.0.0" and first["before"] is None
    assert first["after"]["license"] == "MIT" and first["old_hash"] and first["new_hash"]
    assert [r.doc_id for r in admin.audit()] == ["stack-policy:ghostdb", "stack-policy:db@1.0.0"]
    assert not list(policy.parent.glob(".tmp-*"))  # the atomic write left no temporary file

    components = _report(tmp_path, policy, capsys)
    assert components["db"]["status"] == "ok"
    assert any("decision 'approved' by OSPO counsel 2026-11-30: OSPO-REVIEW-2291" in r
               for r in components["db"]["reasons"])  # fmt: skip
    assert components["ghostdb"]["status"] == "not-allowed"
    assert any("AGPL policy §5" in r for r in components["ghostdb"]["reasons"])

    updated = _decide(policy, admin, version="1.0.0", license="Apache-2.0", why="re-reviewed")
    assert updated.action == "decision-update" and updated.before["license"] == "MIT"
    assert _audit(admin)[-1]["before"]["why"] == "OSPO-REVIEW-2291"
    assert any("was for Apache-2.0, but the licence is now MIT" in r
               for r in _report(tmp_path, policy, capsys)["db"]["reasons"])  # fmt: skip

    removed = remove_decision(policy, admin, token=TOKEN, expected_token=TOKEN, actor="Dana", name="ghostdb")
    assert removed.action == "decision-remove" and removed.after is None
    assert "ghostdb" not in policy.read_text(encoding="utf-8")
    assert _report(tmp_path, policy, capsys)["ghostdb"]["status"] == "ok"
    assert len(_audit(admin)) == 4


@pytest.mark.parametrize(
    ("token", "fields", "message"),
    [
        ("wrong", {}, "wrong admin token"),
        ("", {}, "wrong admin token"),
        (TOKEN, {"decision": "maybe"}, "decision must be one of approved, not-allowed"),
        (TOKEN, {"mode": "cloud"}, "mode must be one of"),
        (TOKEN, {"license": "no such licence text"}, "is not an SPDX expression"),
        (TOKEN, {"why": "  "}, "why is required"),
        (TOKEN, {"name": ""}, "component name is required"),
        (TOKEN, {"when": "30/11/2026"}, "date must be YYYY-MM-DD"),
        (TOKEN, {"by": "a\nb"}, "control characters"),
    ],
)
def test_a_wrong_token_or_an_invalid_decision_writes_nothing(admin, policy, token, fields, message):
    with pytest.raises(PolicyEditRejected, match=message) as raised:
        _decide(policy, admin, token=token, **fields)
    assert isinstance(raised.value, LicenseQAError)
    assert isinstance(raised.value, AdminTokenError) == (token != TOKEN)
    assert policy.read_text(encoding="utf-8") == POLICY_TEXT
    assert _audit(admin) == []


def test_no_configured_token_disables_editing_and_other_refusals(tmp_path, admin, policy):
    with pytest.raises(AdminTokenError, match="editing the policy is disabled"):
        record_decision(policy, admin, token="x", expected_token=None, actor="Dana", name="db",
                        decision="approved", by="OSPO", why="ok")  # fmt: skip
    with pytest.raises(PolicyEditRejected, match="actor"):
        record_decision(policy, admin, token=TOKEN, expected_token=TOKEN, actor=" ", name="db",
                        decision="approved", by="OSPO", why="ok")  # fmt: skip
    with pytest.raises(PolicyEditRejected, match="holds no decision for patched"):
        remove_decision(policy, admin, token=TOKEN, expected_token=TOKEN, actor="Dana", name="patched")
    broken = tmp_path / "broken.yaml"
    broken.write_text("components:\n  - name: x\n    colour: red\n", encoding="utf-8")
    with pytest.raises(PolicyEditRejected, match="cannot be edited as it is"):
        _decide(broken, admin)
    assert broken.read_text(encoding="utf-8") == "components:\n  - name: x\n    colour: red\n"
    assert policy.read_text(encoding="utf-8") == POLICY_TEXT and _audit(admin) == []

    fresh = tmp_path / "new" / "policy.yaml"  # a policy file that does not exist yet is created
    _decide(fresh, admin)
    assert yaml.safe_load(fresh.read_text(encoding="utf-8"))["components"][0]["name"] == "db"


# -- the Stack check page ------------------------------------------------------------------------------
def _entry() -> None:
    from licenseqa.ui.pages import BROWSER
    from licenseqa.ui.stack_page import stack_page

    stack_page(BROWSER)


def test_the_page_records_a_decision_with_the_admin_token(tmp_path, admin, monkeypatch):
    from streamlit.testing.v1 import AppTest

    target = tmp_path / "app-policy.yaml"
    monkeypatch.setenv("LICENSEQA_ADMIN_TOKEN", TOKEN)
    monkeypatch.setenv("LICENSEQA_STACK_POLICY", str(target))
    monkeypatch.setenv("LICENSEQA_CORPUS_DIR", str(admin.corpus_dir))
    at = AppTest.from_function(_entry, default_timeout=120).run()
    at.text_area(key="stack_paste").input(_lock(tmp_path).read_text(encoding="utf-8"))
    at.button(key="stack_run").click().run()
    assert not at.exception

    def submit(token: str) -> None:
        at.text_input(key="decide_name").input("ghostdb")
        at.radio(key="decide_decision").set_value("not-allowed")
        at.text_input(key="decide_why").input("AGPL policy §5")
        at.text_input(key="decide_by").input("OSPO")
        at.text_input(key="decide_token").input(token)
        at.button[-1].click().run()  # the form's submit button
        assert not at.exception

    submit("wrong")
    assert any("wrong admin token" in e.value for e in at.error)
    assert not target.exists() and _audit(admin) == []
    submit(TOKEN)
    assert any("Decision recorded for ghostdb" in s.value for s in at.success)
    assert yaml.safe_load(target.read_text(encoding="utf-8"))["components"][0]["decision"] == "not-allowed"
    assert _audit(admin)[0]["actor"] == "OSPO" and _audit(admin)[0]["component"] == "ghostdb"
    table = at.dataframe[0].value
    row = table[table["component"] == "ghostdb@1.0.0"].iloc[0]
    assert row["status"] == "not-allowed" and row["decision"].startswith("not-allowed by OSPO")


# -- licenseqa stack decide ----------------------------------------------------------------------------
def test_cli_decide_needs_the_token_and_writes_an_audited_decision(
    tmp_path, admin, policy, monkeypatch, capsys
):
    import io

    monkeypatch.setenv("LICENSEQA_ADMIN_TOKEN", TOKEN)
    monkeypatch.setenv("LICENSEQA_CORPUS_DIR", str(admin.corpus_dir))
    argv = ["stack", "decide", "db", "--policy", str(policy), "--decision", "approved", "--by", "OSPO",
            "--why", "OSPO-REVIEW-7", "--license", "MIT", "--version", "1.0.0", "--token-stdin"]  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong\n"))
    assert main(argv) == 2
    assert "wrong admin token" in capsys.readouterr().err
    assert policy.read_text(encoding="utf-8") == POLICY_TEXT and _audit(admin) == []
    monkeypatch.setattr("sys.stdin", io.StringIO(TOKEN + "\n"))
    assert main(argv) == 0
    assert "decision-add: db@1.0.0" in capsys.readouterr().out
    assert _audit(admin)[0]["actor"] == "OSPO"
    db = _report(tmp_path, policy, capsys)["db"]
    assert any("decision 'approved' by OSPO" in r for r in db["reasons"])
