"""The ``licenseqa`` command: argument parsing and one thin module per command.

Owns: ``main`` (the console script), ``ask`` (``licenseqa ask``), ``corpus`` (``licenseqa corpus ...``),
``evaluate`` (``licenseqa eval``), ``facts`` (``licenseqa facts``), ``stack`` (``licenseqa stack ...``),
``library`` (``licenseqa library ...``). Each
command parses its options, calls the job's package, prints one format and sets the exit code. May import
every package except ``ui`` (and never ``ingest``: ``licenseqa ingest`` runs it as its own process).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING

from licenseqa.config import load_settings
from licenseqa.errors import LicenseQAError
from licenseqa.logs import configure_logging
from licenseqa.models import MAX_K

if TYPE_CHECKING:
    from licenseqa.config import Settings


def int_in_range(low: int, high: int) -> Callable[[str], int]:
    """An argparse ``type``: a whole number from ``low`` to ``high``, else a usage error (exit 2)."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}, got {value}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="licenseqa",
        description="Answers licensing questions with citations to the exact clause. "
        "Information with citations, not legal advice.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    ingest = sub.add_parser(
        "ingest",
        help="build or update the clause index (same as `python -m ingest`)",
        add_help=False,
    )
    ingest.add_argument("args", nargs=argparse.REMAINDER)
    status = sub.add_parser("status", help="show what the index holds")
    status.add_argument("--json", action="store_true", help="print one JSON object")

    ask = sub.add_parser("ask", help="answer a question with clause citations")
    ask.add_argument("question", nargs="?", help="the question (omit with --batch)")
    ask.add_argument(
        "--json", action="store_true", help="print exactly one JSON object (one per line with --batch)"
    )
    ask.add_argument("--batch", metavar="FILE", help="JSONL file of {id, question} objects; '-' reads stdin")
    ask.add_argument("--doc", action="append", metavar="ID", help="only these document ids (repeatable)")
    ask.add_argument("--kind", action="append", metavar="KIND", help="only these document kinds (repeatable)")
    ask.add_argument(
        "-k",
        "--k",
        type=int_in_range(1, MAX_K),
        default=10,
        help=f"clauses to retrieve, 1-{MAX_K} (default 10)",
    )
    ask.add_argument("--extractive", action="store_true", help="do not use the configured LLM")

    ob = sub.add_parser("obligations", help="OSADL obligations checklist of a licence, each item cited")
    ob.add_argument("license", help="document id, e.g. Apache-2.0")
    ob.add_argument("--use-case", choices=["source", "binary", "network"], help="default: list the use cases")
    ob.add_argument("--json", action="store_true", help="print one JSON object")
    co = sub.add_parser(
        "compat", help="OSADL compatibility verdict: LEADING licence including SUBORDINATE code"
    )
    co.add_argument("leading", help="licence of the combined work, e.g. GPL-2.0-only")
    co.add_argument("subordinate", help="licence of the included code, e.g. Apache-2.0")
    co.add_argument("--json", action="store_true", help="print one JSON object")

    ev = sub.add_parser("eval", help="evaluate retrieval and citations on a gold JSONL file")
    ev.add_argument("file", help="gold questions, e.g. ../shared/eval/dev.jsonl")
    ev.add_argument(
        "--k",
        type=int_in_range(1, MAX_K),
        default=5,
        help=f"cut-off for hit@k and MRR, 1-{MAX_K} (default 5)",
    )
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    ev.add_argument("--no-baselines", action="store_true", help="skip the naive LangChain and BM25 baselines")

    from licenseqa.cli.corpus import add_corpus_parser
    from licenseqa.cli.facts import add_facts_parser

    add_corpus_parser(sub)
    add_facts_parser(sub)
    from licenseqa.cli.stack import add_stack_parser

    add_stack_parser(sub)
    from licenseqa.cli.library import add_library_parser

    add_library_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["ingest"]:
        # ingest imports licenseqa, never the other way round: run it as its own module
        return subprocess.call([sys.executable, "-m", "ingest", *argv[1:]], env=os.environ.copy())
    if argv[:2] == ["library", "build"]:
        from licenseqa.cli.library import run_build

        return run_build(argv[2:])
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        configure_logging(settings.log_level)
        if args.command == "status":
            return _status(settings, args.json)
        if args.command == "ask":
            from licenseqa.cli.ask import run_ask

            return run_ask(settings, args)
        if args.command in ("obligations", "compat"):
            return _knowledge(args)
        if args.command == "corpus":
            from licenseqa.cli.corpus import run_corpus

            return run_corpus(settings, args)
        if args.command == "facts":
            from licenseqa.cli.facts import run_facts

            return run_facts(settings, args)
        if args.command == "stack":
            from licenseqa.cli.stack import run_stack

            return run_stack(args)
        if args.command == "library":
            from licenseqa.cli.library import run_library

            return run_library(settings, args)
        if args.command == "eval":
            from licenseqa.cli.evaluate import run_eval_cli

            return run_eval_cli(settings, args)
    except LicenseQAError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return 0
    except Exception as exc:
        logging.getLogger("licenseqa").debug("unexpected failure", exc_info=True)
        print(
            f"error: unexpected failure ({type(exc).__name__}: {exc}). "
            "Run with LICENSEQA_LOG_LEVEL=DEBUG for details.",
            file=sys.stderr,
        )
        return 1
    return 2


def _knowledge(args: argparse.Namespace) -> int:
    from licenseqa.answering.compose import render_compat, render_obligations
    from licenseqa.knowledge.osadl import Knowledge

    kb = Knowledge.load()
    if args.command == "obligations":
        name = kb.resolve(args.license)  # any case; an unknown licence lists those with a checklist
        doc = name if name in kb.checklists else kb.doc_of(name) or name
        result = kb.obligations(doc, args.use_case)
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        else:
            print("\n".join(render_obligations(result)))
            if args.use_case is None and result.get("use_cases"):
                print("Use --use-case source|binary|network.")
        return 0
    leading, subordinate = (kb.resolve(x, compat=True) for x in (args.leading, args.subordinate))
    result = kb.compat(leading, subordinate)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print("\n".join(render_compat(result)))
    return 0


def _status(settings: Settings, as_json: bool) -> int:
    from licenseqa.index.status import index_status

    status = index_status(settings)
    if as_json:
        print(json.dumps(asdict(status)))
    elif status.ready:
        print(
            f"index {status.location}: {status.documents} documents, {status.clauses} clauses, "
            f"corpus version {status.corpus_version}, built {status.built_at} with {status.embedding_model}"
        )
        if status.stale:
            print(status.message, file=sys.stderr)
            for change in status.changes:
                print(f"  {change}", file=sys.stderr)
            for skipped in status.skipped:
                print(f"  skipped (indexed version kept): {skipped}", file=sys.stderr)
    else:
        print(status.message, file=sys.stderr)
    return 0 if status.ready else 1


if __name__ == "__main__":
    raise SystemExit(main())
