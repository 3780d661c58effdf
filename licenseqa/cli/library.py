"""``licenseqa library build|status|pack``: the LicenseDB library tier.

``build`` runs ``python -m ingest.library`` as its own process (licenseqa never imports ingest); ``status``
compares the built library with the bundled copy; ``pack`` (maintainers) makes the bundled copy from a
LicenseDB folder such as ``../shared/data/scancode-licensedb``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from licenseqa.config import Settings


def add_library_parser(sub: Any) -> None:
    lib = sub.add_parser("library", help="the ScanCode LicenseDB library tier (build, status)")
    lsub = lib.add_subparsers(dest="library_command", required=True)
    build = lsub.add_parser(
        "build", help="index the LicenseDB texts (same as `python -m ingest.library`)", add_help=False
    )
    build.add_argument("args", nargs=argparse.REMAINDER)
    status = lsub.add_parser("status", help="show what the library holds")
    status.add_argument("--json", action="store_true", help="print one JSON object")
    pack = lsub.add_parser("pack", help="maintainers: bundle a LicenseDB folder into the package")
    pack.add_argument(
        "source", type=Path, help="folder with licenses/*.LICENSE, e.g. ../shared/data/scancode-licensedb"
    )


def run_build(args: list[str]) -> int:
    return subprocess.call([sys.executable, "-m", "ingest.library", *args], env=os.environ.copy())


def run_library(settings: Settings, args: argparse.Namespace) -> int:
    if args.library_command == "pack":
        from licenseqa.corpus.library import pack

        lib = pack(args.source)
        print(
            f"bundled {len(lib.entries)} LicenseDB entries ({len(lib.indexable())} indexable): {lib.version}"
        )
        return 0
    from licenseqa.index.library import library_status

    status = library_status(settings)
    if args.json:
        print(json.dumps(asdict(status)))
        return 0 if status.built else 1
    if not status.built:
        print(status.message, file=sys.stderr)
        return 1
    print(
        f"library {status.location}: {status.texts} of {status.bundled_indexable} LicenseDB texts, "
        f"{status.clauses} clauses, built {status.built_at} with {status.embedding_model}; "
        f"bundled data {status.data_version}"
    )
    if status.message:
        print(status.message, file=sys.stderr)
    return 0
