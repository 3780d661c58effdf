"""``licenseqa ask``: one question, or a JSONL batch with the models loaded once."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import IO, Any

from licenseqa.answering.compose import answer, answer_to_dict, render_text, validate_question
from licenseqa.config import Settings
from licenseqa.errors import InputError, LicenseQAError
from licenseqa.models import Answer


def run_ask(settings: Settings, args: argparse.Namespace) -> int:
    if args.batch and args.question:
        raise InputError("Give either a question or --batch FILE, not both.")
    if not args.batch:
        if args.question is None:
            raise InputError('Ask a question: licenseqa ask "Does Apache-2.0 require a NOTICE file?"')
        question = validate_question(args.question)  # before loading any model
        from licenseqa.service import open_retriever

        retriever = open_retriever(settings)
        ask = _answer_fn(settings, args, retriever)
        ans = ask(question)
        if args.json:
            print(json.dumps(answer_to_dict(ans), ensure_ascii=False))
        else:
            print(render_text(ans))
        return 0
    return _batch(settings, args)


def _answer_fn(settings: Settings, args: argparse.Namespace, retriever: Any) -> Callable[[str], Answer]:
    """Extractive by default; through the configured LLM when LICENSEQA_LLM is set. The --doc / --kind
    filters are resolved once (case-insensitive; an unknown one is a usage error before any question)."""
    args.doc, args.kind = retriever.resolve_filters(args.doc, args.kind)
    if settings.llm and not args.extractive:
        from licenseqa.answering.llm import LLMAnswerer, build_chat_model

        llm = LLMAnswerer(retriever, build_chat_model(settings), settings.llm_timeout)
        return lambda q: llm.ask(q, k=args.k, doc_ids=args.doc, kinds=args.kind)
    return lambda q: answer(q, retriever, k=args.k, doc_ids=args.doc, kinds=args.kind)


def _open_batch(path: str) -> IO[str]:
    if path == "-":
        return sys.stdin
    try:
        return open(path, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror}.") from None


def _batch(settings: Settings, args: argparse.Namespace) -> int:
    from licenseqa.service import open_retriever

    fh = _open_batch(args.batch)
    retriever = open_retriever(settings)
    ask = _answer_fn(settings, args, retriever)
    failures = 0
    try:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            out: dict[str, Any]
            try:
                item = json.loads(line)
                if not isinstance(item, dict) or "question" not in item:
                    raise InputError("each line must be a JSON object with 'id' and 'question'")
                qid = item.get("id", f"line-{lineno}")
                ans = ask(str(item["question"]))
                out = {"id": qid, **answer_to_dict(ans)}
            except json.JSONDecodeError as exc:
                failures += 1
                out = {"id": f"line-{lineno}", "error": f"line {lineno} is not valid JSON: {exc.msg}"}
            except LicenseQAError as exc:
                failures += 1
                qid = item.get("id", f"line-{lineno}") if isinstance(item, dict) else f"line-{lineno}"
                out = {"id": qid, "error": str(exc)}
            if args.json:
                print(json.dumps(out, ensure_ascii=False), flush=True)
            else:
                print(f"## {out['id']}")
                print(out.get("error") or render_text(ans))
                print()
    finally:
        if fh is not sys.stdin:
            fh.close()
    return 1 if failures else 0
