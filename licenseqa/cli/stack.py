"""``licenseqa stack FILE...`` and ``licenseqa stack diff OLD NEW``: the stack check from the command line.
``licenseqa stack decide NAME --policy FILE ...`` records (or ``--remove``s) a component's decision in the
policy file, with the admin token (asked for, or one line on stdin with ``--token-stdin``) and the corpus
audit trail, as the Stack check page does.

Exit codes, so CI can gate on them: 0 clean, 1 conflicts or not allowed, 2 needs review only, 3 an input
file cannot be read. A progress bar (tqdm, on stderr, only on a terminal) shows on large inputs.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import Any

from licenseqa.stack.context import MODES, make_context

PROGRESS_FROM = 300  # components


def add_stack_parser(sub: Any) -> None:
    """The ``stack`` subcommand of ``licenseqa``."""
    stack = sub.add_parser(
        "stack",
        help="check an SBOM or manifest: per-component status, conflicts, obligations (each cited)",
        description="Check SBOMs (CycloneDX, SPDX) or manifests (requirements.txt, pyproject.toml, "
        "package.json, package-lock.json, model cards, an environment folder). "
        "`licenseqa stack diff OLD NEW` compares two. Exit 0 clean, 1 conflicts or not allowed, "
        "2 needs review only, 3 unreadable input. `licenseqa stack decide NAME --policy FILE --decision "
        "approved --by WHO --why TEXT [--version V] [--license L] [--mode M]` records a decision "
        "(admin token, corpus audit trail).",
    )
    stack.add_argument("files", nargs="+", metavar="FILE", help="input files (or: diff OLD NEW)")
    stack.add_argument(
        "--mode", choices=MODES, help="distribution mode (default: binary, or the policy file's)"
    )
    stack.add_argument(
        "--outbound", metavar="LICENSE", help="the product's licence: proprietary (default) or an SPDX id"
    )
    stack.add_argument(
        "--policy", metavar="FILE", help="YAML policy file: modified flags and decisions per component"
    )
    stack.add_argument("--modified", action="store_true", default=None, help="components were modified")
    decide = stack.add_argument_group("decide NAME (record a decision in the --policy file)")
    decide.add_argument("--decision", choices=("approved", "not-allowed"), help="the decision")
    decide.add_argument("--version", dest="decide_version", metavar="V", help="for this version only")
    decide.add_argument("--license", dest="decide_license", metavar="SPDX", help="the licence approved")
    decide.add_argument("--by", metavar="WHO", help="who decided")
    decide.add_argument("--why", metavar="TEXT", help="why (review ticket, conditions)")
    decide.add_argument("--date", metavar="YYYY-MM-DD", help="when (default: today)")
    decide.add_argument("--remove", action="store_true", help="remove the component's decision instead")
    decide.add_argument("--actor", metavar="NAME", help="who makes the change (default: --by, or OS user)")
    decide.add_argument("--token-stdin", action="store_true", help="read the admin token from stdin")
    out = stack.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print one JSON object")
    out.add_argument("--markdown", action="store_true", help="print a Markdown report")


def _progress(items: Iterable[Any]) -> Iterable[Any]:
    from tqdm import tqdm

    seq = list(items)
    if len(seq) < PROGRESS_FROM:
        return seq
    return tqdm(seq, desc="checking", unit="component", file=sys.stderr, disable=None, leave=False)


def run_stack(args: argparse.Namespace) -> int:
    from licenseqa.stack.check import check_files
    from licenseqa.stack.report import to_json, to_markdown, to_text

    if args.files[0] == "decide":
        return _decide(args)
    context = make_context(args.mode, args.outbound, args.modified, args.policy)
    if args.files[0] == "diff" and len(args.files) == 3:
        return _diff(args, context)
    report = check_files(args.files, context, progress=_progress)
    if args.json:
        print(json.dumps(to_json(report), ensure_ascii=False))
    elif args.markdown:
        print(to_markdown(report), end="")
    else:
        print(to_text(report))
    return report.exit_code


def _diff(args: argparse.Namespace, context: Any) -> int:
    from licenseqa.stack.diff import diff_files, diff_json, diff_text

    result = diff_files(args.files[1], args.files[2], context)
    if args.json:
        print(json.dumps(diff_json(result), ensure_ascii=False))
    else:
        print(diff_text(result))
    return result.new.exit_code


def _decide(args: argparse.Namespace) -> int:
    import getpass
    from pathlib import Path

    from licenseqa.cli.corpus import default_actor
    from licenseqa.config import load_settings
    from licenseqa.corpus.admin import CorpusAdmin
    from licenseqa.errors import InputError
    from licenseqa.stack.policy_admin import record_decision, remove_decision

    if len(args.files) != 2 or not args.policy:
        raise InputError(
            "Use: licenseqa stack decide NAME --policy FILE --decision approved --by WHO --why TEXT"
        )
    settings = load_settings()
    expected = settings.admin_token.get_secret_value() if settings.admin_token is not None else None
    token = sys.stdin.readline().rstrip("\n") if args.token_stdin else getpass.getpass("Admin token: ")
    common: dict[str, Any] = {
        "token": token,
        "expected_token": expected,
        "actor": args.actor or args.by or default_actor(),
        "name": args.files[1],
        "version": args.decide_version,
    }
    admin = CorpusAdmin(Path(settings.corpus_dir))
    if args.remove:
        change = remove_decision(args.policy, admin, **common)
    else:
        change = record_decision(
            args.policy, admin, decision=args.decision or "", by=args.by or "", why=args.why or "",
            license=args.decide_license, mode=args.mode, when=args.date, **common,
        )  # fmt: skip
    print(f"{change.action}: {change.component} in {args.policy} (audit: {admin.audit_path})")
    return 0
