"""``licenseqa eval``: score retrieval and citations on a gold JSONL file (see answering.evaluation)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from licenseqa.answering.evaluation import format_report, load_gold, run_evaluation
from licenseqa.config import Settings
from licenseqa.service import open_retriever


def run_eval_cli(settings: Settings, args: argparse.Namespace) -> int:
    gold = load_gold(Path(args.file))
    retriever = open_retriever(settings)
    report = run_evaluation(
        retriever, gold, args.k, Path(settings.corpus_dir), baselines=not args.no_baselines
    )
    if args.json:
        print(json.dumps(report))
    else:
        print(format_report(report))
    return 0
