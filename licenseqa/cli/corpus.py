"""``licenseqa corpus ...``: the corpus management of the app, from the command line.

Writes go through :class:`licenseqa.corpus_admin.CorpusAdmin` (validated, atomic,
audited); the re-index and the clause-split preview run ``ingest`` as a subprocess,
because ``licenseqa`` never imports ``ingest``.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from licenseqa.config import Settings
from licenseqa.corpus.admin import (
    AuditRecord,
    CorpusAdmin,
    RejectedError,
    compose_document,
    extract_text,
    name_problems,
    suggest_front_matter,
)
from licenseqa.corpus.documents import ALLOWED_SUFFIXES, DocumentError, has_front_matter
from licenseqa.errors import CorpusError, InputError, LicenseQAError
from licenseqa.knowledge.licensedb import alias_conflicts
from licenseqa.stack.guidance_check import check_guidance

META_OPTIONS = ("id", "title", "kind", "alias", "url", "owner", "source")


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry for this uid (containers)
        return os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"


def add_corpus_parser(sub: Any) -> None:
    """The ``corpus`` subcommand group of ``licenseqa``."""
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument(
        "--corpus", type=Path, metavar="DIR", help="corpus folder (default: LICENSEQA_CORPUS_DIR or corpus/)"
    )
    who = argparse.ArgumentParser(add_help=False)
    who.add_argument(
        "--actor", metavar="NAME", help="who makes the change, for the audit trail (default: OS user)"
    )
    who.add_argument("--no-index", action="store_true", help="do not re-index after the change")

    corpus = sub.add_parser("corpus", help="list, add, remove, validate or import corpus documents")
    csub = corpus.add_subparsers(dest="corpus_command", required=True)

    ls = csub.add_parser("list", parents=[where], help="the valid documents of the corpus")
    ls.add_argument("--json", action="store_true", help="print one JSON list")

    add = csub.add_parser(
        "add",
        parents=[where, who],
        help="add a document (.md, .txt, .pdf, .docx); builds front matter when the file has none",
    )
    add.add_argument("file", type=Path, help="the document; .pdf/.docx text is extracted and saved as .txt")
    add.add_argument("--id", help="document id (default: from the file name)")
    add.add_argument("--title", help="title (default: the first heading or line)")
    add.add_argument("--kind", help="e.g. software-permissive, software-copyleft, guidance")
    add.add_argument(
        "--alias", action="append", metavar="NAME", help="another name of the document (repeatable)"
    )
    add.add_argument("--url", help="where the text comes from")
    add.add_argument("--owner", help="owning team (guidance)")
    add.add_argument("--source", help="attribution of the text")

    up = csub.add_parser("update", parents=[where, who], help="replace the file of an existing document")
    up.add_argument("doc_id", metavar="ID")
    up.add_argument("file", type=Path, help="the new file, with its front matter (.md or .txt)")

    rm = csub.add_parser("remove", parents=[where, who], help="delete a document")
    rm.add_argument("doc_id", metavar="ID")

    val = csub.add_parser(
        "validate", parents=[where], help="check every file (front matter, duplicates, clause split)"
    )
    val.add_argument("--json", action="store_true", help="print one JSON object")

    imp = csub.add_parser(
        "import-scancode",
        parents=[where, who],
        help="add licence texts from a ScanCode LicenseDB licenses/ folder",
    )
    imp.add_argument("keys", nargs="+", metavar="KEY", help="ScanCode licence keys, e.g. mit-0")
    imp.add_argument("--from", dest="from_dir", type=Path, required=True, metavar="DIR")
    imp.add_argument("--kind", default="software-permissive", help="default: software-permissive")
    imp.add_argument("--id", help="document id (one KEY only; default: the KEY)")

    au = csub.add_parser("audit", parents=[where], help="the audit trail of changes, newest first")
    au.add_argument("--doc", metavar="ID", help="only this document")
    au.add_argument("--actor", metavar="NAME", help="only this actor")
    au.add_argument("--json", action="store_true", help="print one JSON list")


def run_corpus(settings: Settings, args: argparse.Namespace) -> int:
    corpus_dir = Path(args.corpus) if args.corpus else Path(settings.corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(
            f"Corpus folder {corpus_dir} does not exist. Pass --corpus DIR or set LICENSEQA_CORPUS_DIR."
        )
    admin = CorpusAdmin(corpus_dir, meta_checks=(alias_conflicts,))
    command = args.corpus_command
    if command == "list":
        return _list(admin, args.json)
    if command == "validate":
        return _validate(admin, corpus_dir, args.json)
    if command == "audit":
        return _audit(admin, args)
    actor = (args.actor or default_actor()).strip()
    notes: tuple[str, ...] = ()
    if command == "add":
        filename, content, notes = _prepare_add(args)
        records = [admin.add(filename, content, actor)]
    elif command == "update":
        records = [admin.update(args.doc_id, _read(args.file), actor)]
    elif command == "remove":
        records = [admin.remove(args.doc_id, actor)]
    else:
        records = _import_scancode(admin, args, actor)
    for record in records:
        print(
            f"{_past(record.action)} {record.doc_id} ({record.path}); corpus version {record.corpus_version}"
        )
    for note in notes:
        print(f"warning: {args.file.name}: {note}", file=sys.stderr)
    sys.stdout.flush()
    if args.no_index:
        print("not re-indexed (--no-index): run `licenseqa ingest` to update the index", file=sys.stderr)
        return 0
    return reindex(corpus_dir)


def _past(action: str) -> str:
    return {"add": "added", "update": "updated", "remove": "removed", "import": "imported"}.get(
        action, action
    )


def reindex(corpus_dir: Path) -> int:
    """``python -m ingest --corpus DIR`` (incremental); its output goes to stderr."""
    code = subprocess.call(
        [sys.executable, "-m", "ingest", "--corpus", str(corpus_dir)],
        env=os.environ.copy(),
        stdout=sys.stderr,
    )
    if code != 0:
        print(
            "error: the corpus change is saved, but the index was not updated; run `licenseqa ingest`.",
            file=sys.stderr,
        )
    return code


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror}.") from None


def _prepare_add(args: argparse.Namespace) -> tuple[str, bytes, tuple[str, ...]]:
    """The corpus file name and bytes for ``corpus add FILE``, and what the extraction warns about."""
    name = args.file.name
    deceptive = name_problems(name)
    if deceptive:  # refused, not cleaned up: the id and the audit trail must show what was uploaded
        raise RejectedError([p.replace("the name", f"the file name {name!r}", 1) for p in deceptive])
    data = _read(args.file)
    suffix = args.file.suffix.lower()
    if suffix in ALLOWED_SUFFIXES:
        try:
            extracted = extract_text(name, data)
        except DocumentError:
            return name, data, ()  # not text: the admin rejects it with every reason it finds
    else:
        extracted = extract_text(name, data)  # unsupported type, unreadable PDF/DOCX -> DocumentError
    given = {k: getattr(args, k) for k in META_OPTIONS if getattr(args, k)}
    if suffix in ALLOWED_SUFFIXES and has_front_matter(extracted.text):
        if given:
            options = ", ".join(f"--{k}" for k in given)
            raise InputError(
                f"{name} has its own front matter; edit it there ({options} only build front matter "
                "for files without one)."
            )
        return name, data, ()
    meta = suggest_front_matter(name, extracted.text)
    for key in ("id", "title", "kind"):
        if key in given:
            meta[key] = given[key].strip()
    hints = {
        "id": "--id ID",
        "title": '--title "..."',
        "kind": "--kind KIND (e.g. software-permissive, guidance)",
    }
    missing = [hints[k] for k in ("id", "title", "kind") if not meta[k]]
    if missing:
        raise InputError(
            f"{name} has no front matter and some fields cannot be guessed: pass {', '.join(missing)}."
        )
    if "alias" in given:
        meta["aliases"] = [a.strip() for a in given["alias"] if a.strip()]
    for key in ("source", "url", "owner"):
        if key in given:
            meta[key] = given[key].strip()
    out_suffix = suffix if suffix in ALLOWED_SUFFIXES else ".txt"
    return f"{meta['id']}{out_suffix}", compose_document(meta, extracted.text), extracted.warnings()


def _import_scancode(admin: CorpusAdmin, args: argparse.Namespace, actor: str) -> list[AuditRecord]:
    from licenseqa.corpus.scancode import scancode_document

    if args.id and len(args.keys) > 1:
        raise InputError("--id applies to one KEY only.")
    planned: list[tuple[str, str, bytes]] = []
    reasons: list[str] = []
    seen: dict[str, str] = {}
    for key in dict.fromkeys(args.keys):
        filename, content = scancode_document(key, args.from_dir, args.kind, args.id)
        doc_id = filename.rsplit(".", 1)[0]
        if doc_id.lower() in seen:
            reasons.append(f"{key}: duplicate id {doc_id!r} (also from {seen[doc_id.lower()]})")
            continue
        seen[doc_id.lower()] = key
        try:
            admin.check(filename, content)
        except RejectedError as exc:
            reasons.extend(f"{key}: {r}" for r in exc.reasons)
        planned.append((key, filename, content))
    if reasons:
        raise RejectedError(reasons)  # nothing is written unless every key can be
    return [admin.import_document(filename, content, actor) for _key, filename, content in planned]


def _list(admin: CorpusAdmin, as_json: bool) -> int:
    docs = admin.list()
    if as_json:
        print(json.dumps([asdict(d) for d in docs], ensure_ascii=False))
        return 0
    width = max((len(d.doc_id) for d in docs), default=2)
    kind_width = max((len(d.kind) for d in docs), default=4)
    for d in docs:
        print(f"{d.doc_id:<{width}}  {d.kind:<{kind_width}}  {d.path}  {d.title}")
    print(f"{len(docs)} documents; corpus version {admin.corpus_version()}", file=sys.stderr)
    return 0


def _audit(admin: CorpusAdmin, args: argparse.Namespace) -> int:
    records = admin.audit(doc_id=args.doc, actor=args.actor)
    if args.json:
        print(json.dumps([r.to_dict() for r in records], ensure_ascii=False))
        return 0
    for r in records:
        print(f"{r.time}  {r.actor}  {r.action:<6}  {r.doc_id}  {r.path}  -> {r.corpus_version}")
    return 0


def preview_all(corpus_dir: Path) -> list[dict[str, Any]]:
    """Clause-split previews of every loadable document (one ``python -m ingest.preview`` run)."""
    done = subprocess.run(
        [sys.executable, "-m", "ingest.preview", "--json", "--all", str(corpus_dir)],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        previews = json.loads(done.stdout)
    except json.JSONDecodeError:
        previews = None
    if done.returncode not in (0, 1) or not isinstance(previews, list):
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise LicenseQAError(f"The clause-split preview failed: {detail}")
    return previews


def _validate(admin: CorpusAdmin, corpus_dir: Path, as_json: bool) -> int:
    problems = [{"path": p, "level": level, "message": m} for p, level, m in admin.lint()]
    broken = {p["path"] for p in problems if p["level"] == "error"}
    documents = len(admin.list())
    if documents:
        for preview in preview_all(corpus_dir):
            if preview.get("path") in broken:
                continue  # the loader skipped it: the lint already says why
            for message in preview.get("errors") or []:
                problems.append({"path": preview["path"], "level": "error", "message": message})
            for message in preview.get("warnings") or []:
                problems.append({"path": preview["path"], "level": "warning", "message": message})
    for d in check_guidance(corpus_dir):
        problems.append({"path": d.path, "level": "error", "message": d.describe()})
    problems.sort(key=lambda p: (p["path"], p["level"] != "error"))
    errors = sum(1 for p in problems if p["level"] == "error")
    warnings = len(problems) - errors
    if as_json:
        print(
            json.dumps(
                {
                    "ok": errors == 0,
                    "documents": documents,
                    "errors": errors,
                    "warnings": warnings,
                    "problems": problems,
                },
                ensure_ascii=False,
            )
        )
    else:
        for p in problems:
            print(f"{p['path']}: {p['level']}: {p['message']}")
        print(f"{documents} valid documents; {errors} errors, {warnings} warnings")
    return 1 if errors else 0
