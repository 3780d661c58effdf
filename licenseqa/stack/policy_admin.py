"""Edits to the stack policy file's decision records, through the corpus admin's token and audit trail.

One call adds, updates or removes the decision record of one component (matched by ``name`` and
``version``; no version means "any version"). Every edit is checked in this order, and a rejection
writes nothing: the admin token (the same ``LICENSEQA_ADMIN_TOKEN`` the Manage page asks for, compared in
constant time), the actor, the fields, then the whole new file against the schema the check reads it with
(``context.validate_policy``). The file is written atomically and one JSON line is appended to the
corpus audit trail (``CorpusAdmin.audit_path``, the corpus admin's record fields plus ``component``,
``before`` and ``after``), both under the corpus admin's write lock, so the Manage page's audit tab
lists policy edits beside document edits.

The file is written back with ``yaml.safe_dump``: values and their order are kept, comments are not.
"""

from __future__ import annotations

import hmac
import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from licenseqa.corpus.admin import (
    AuditRecord,
    CorpusAdmin,
    RejectedError,
    _atomic_write,
    _require_actor,
)
from licenseqa.corpus.hashing import sha256_bytes
from licenseqa.jsonl import append_record
from licenseqa.stack.context import MODES, load_policy, validate_policy
from licenseqa.stack.model import StackInputError
from licenseqa.stack.resolve import Resolver

DECISIONS = ("approved", "not-allowed")
DECISION_FIELDS = ("decision", "license", "mode", "by", "date", "why")
POLICY_ENV = "LICENSEQA_STACK_POLICY"
DEFAULT_POLICY = Path("stack-policy.yaml")
MAX_FIELD = 2000  # characters of one field
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class PolicyEditRejected(RejectedError):
    """An edit of the policy file was refused (``reasons`` lists every problem); nothing was written."""

    exit_code = 2


class AdminTokenError(PolicyEditRejected):
    """No admin token is configured, or the one given is wrong."""


@dataclass(frozen=True)
class PolicyChange:
    """What one edit did: the audit line written, and the decision before and after."""

    action: str  # "decision-add" | "decision-update" | "decision-remove"
    component: str  # name, or name@version
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    audit: dict[str, Any]


def check_token(given: str | None, expected: str | None) -> None:
    """The Manage page's check: a configured token, compared in constant time."""
    if not expected:
        raise AdminTokenError(
            [
                "editing the policy is disabled: set an admin token (LICENSEQA_ADMIN_TOKEN, or admin_token "
                "in .streamlit/secrets.toml), as for corpus management"
            ]
        )
    if not hmac.compare_digest((given or "").encode("utf-8"), expected.encode("utf-8")):
        raise AdminTokenError(["wrong admin token"])


def record_decision(
    policy: str | Path,
    admin: CorpusAdmin,
    *,
    token: str | None,
    expected_token: str | None,
    actor: str,
    name: str,
    decision: str,
    by: str,
    why: str,
    version: str | None = None,
    license: str | None = None,
    mode: str | None = None,
    when: str | None = None,
) -> PolicyChange:
    """Add the decision record of ``name`` (``version``), or replace the one it has; other keys of the
    entry (``modified``) are kept. ``license`` is stored as the check resolves it (``gpl-2.0`` ->
    ``GPL-2.0-only``) so it compares with the report; ``when`` defaults to today (UTC)."""
    check_token(token, expected_token)
    actor = _actor(actor)
    reasons: list[str] = []
    name_ = _text("component name", name, reasons, required=True)
    version_ = _text("version", version, reasons)
    fields: dict[str, Any] = {}
    if decision not in DECISIONS:
        reasons.append(f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
    fields["decision"] = decision
    licence = _text("licence", license, reasons)
    if licence:
        hit = Resolver().resolve_string(licence)
        if hit is None:
            reasons.append(f"licence {licence!r} is not an SPDX expression or a known licence name")
        else:
            fields["license"] = hit.expression
    if mode:
        if mode not in MODES:
            reasons.append(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        fields["mode"] = mode
    fields["by"] = _text("who decided (by)", by, reasons, required=True)
    day = (when or "").strip() or datetime.now(UTC).date().isoformat()
    if not _DATE.match(day) or not _is_date(day):
        reasons.append(f"date must be YYYY-MM-DD, not {day!r}")
    fields["date"] = day
    fields["why"] = _text("why", why, reasons, required=True)
    if reasons:
        raise PolicyEditRejected(reasons)
    return _edit(Path(policy), admin, actor, name_ or "", version_, fields)


def remove_decision(
    policy: str | Path,
    admin: CorpusAdmin,
    *,
    token: str | None,
    expected_token: str | None,
    actor: str,
    name: str,
    version: str | None = None,
) -> PolicyChange:
    """Remove the decision record of ``name`` (``version``); an entry left with ``modified`` stays."""
    check_token(token, expected_token)
    actor = _actor(actor)
    reasons: list[str] = []
    name_ = _text("component name", name, reasons, required=True)
    version_ = _text("version", version, reasons)
    if reasons:
        raise PolicyEditRejected(reasons)
    return _edit(Path(policy), admin, actor, name_ or "", version_, None)


def policy_path(root: Path) -> Path:
    """The app's policy file: ``LICENSEQA_STACK_POLICY``, else ``stack-policy.yaml``; relative to ``root``."""
    path = Path(os.environ.get(POLICY_ENV) or DEFAULT_POLICY).expanduser()
    return path if path.is_absolute() else root / path


def decisions_in(policy: str | Path) -> list[dict[str, Any]]:
    """The entries of the policy file that hold a decision (none when the file does not exist)."""
    p = Path(policy)
    if not p.exists():
        return []
    return [e for e in load_policy(p).get("components") or [] if e.get("decision")]


# -- the write ------------------------------------------------------------------------------------


def _edit(
    path: Path, admin: CorpusAdmin, actor: str, name: str, version: str | None, fields: dict[str, Any] | None
) -> PolicyChange:
    key = f"{name}@{version}" if version else name
    with admin._locked():  # the corpus admin's lock: the audit trail has one writer at a time
        old_bytes = path.read_bytes() if path.exists() else None
        try:
            data = load_policy(path) if old_bytes is not None else {}
        except StackInputError as exc:
            raise PolicyEditRejected([f"the policy file cannot be edited as it is: {exc}"]) from None
        components = list(data.get("components") or [])
        at = next(
            (n for n, e in enumerate(components) if e.get("name") == name and e.get("version") == version),
            None,
        )
        entry = dict(components[at]) if at is not None else None
        before = _decision_of(entry)
        if fields is None:
            if before is None:
                raise PolicyEditRejected([f"the policy file {path} holds no decision for {key}"])
            assert entry is not None and at is not None
            for f in DECISION_FIELDS:
                entry.pop(f, None)
            if set(entry) - {"name", "version"}:
                components[at] = entry
            else:
                del components[at]
            action, after = "decision-remove", None
        else:
            new = entry or ({"name": name, "version": version} if version else {"name": name})
            for f in DECISION_FIELDS:
                new.pop(f, None)
            new.update(fields)
            if at is None:
                components.append(new)
            else:
                components[at] = new
            action = "decision-add" if before is None else "decision-update"
            after = _decision_of(new)
        data["components"] = components
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
        try:  # the file as the check will read it
            validate_policy(yaml.safe_load(text), path)
        except StackInputError as exc:
            raise PolicyEditRejected([str(exc)]) from None
        content = text.encode("utf-8")
        path.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(path, content)
        record = AuditRecord(
            time=datetime.now(UTC).isoformat(timespec="milliseconds"),
            actor=actor,
            action=action,
            doc_id=f"stack-policy:{key}",
            path=str(path),
            old_hash=sha256_bytes(old_bytes) if old_bytes is not None else None,
            new_hash=sha256_bytes(content),
            corpus_version=admin.corpus_version(),
        ).to_dict()
        record.update(component=key, before=before, after=after)
        append_record(admin.audit_path, record)
    return PolicyChange(action, key, before, after, record)


def _decision_of(entry: dict[str, Any] | None) -> dict[str, Any] | None:
    if entry is None or not entry.get("decision"):
        return None
    return {f: entry[f] for f in DECISION_FIELDS if entry.get(f) is not None}


def _actor(actor: str) -> str:
    try:
        return _require_actor(actor)
    except RejectedError as exc:
        raise PolicyEditRejected(exc.reasons) from None


def _text(label: str, value: str | None, reasons: list[str], required: bool = False) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            reasons.append(f"{label} is required")
        return None
    if any(ord(ch) < 32 and ch not in "\t" for ch in text) or "\x7f" in text:
        reasons.append(f"{label} contains control characters (or a line break)")
    if len(text) > MAX_FIELD:
        reasons.append(f"{label} is longer than {MAX_FIELD} characters")
    return text


def _is_date(day: str) -> bool:
    try:
        date.fromisoformat(day)
    except ValueError:
        return False
    return True


__all__ = [
    "DECISIONS",
    "POLICY_ENV",
    "AdminTokenError",
    "PolicyChange",
    "PolicyEditRejected",
    "check_token",
    "decisions_in",
    "policy_path",
    "record_decision",
    "remove_decision",
]
