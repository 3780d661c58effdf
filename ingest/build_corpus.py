"""Regenerate ``corpus/licenses/`` from the reference data in ``../shared``.

This is a maintainer tool, run by hand when the manifest changes::

    python -m ingest.build_corpus --shared ../shared --corpus corpus

Nothing at run time reads ``../shared``: the generated files are committed.
Bodies are copied verbatim; the choosealicense.com text is preferred because it
keeps the clause numbering, otherwise the ScanCode LicenseDB text is used.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from licenseqa.corpus.admin import compose_document
from licenseqa.corpus.scancode import SCANCODE_SOURCE, split_front_matter, strip_blank_edges

# one definition of the ScanCode document format, shared with `licenseqa corpus import-scancode`
from licenseqa.knowledge.build import read_manifest

log = logging.getLogger(__name__)

CHOOSEALICENSE_SOURCE = (
    "choosealicense.com, _licenses/{file}; MIT, Copyright (c) GitHub, Inc. and contributors"
)


def build_document(row: dict[str, str], shared: Path) -> str:
    scancode_file = shared / "data/scancode-licensedb/licenses" / f"{row['scancode_key']}.LICENSE"
    sc_meta, sc_body = split_front_matter(scancode_file.read_text(encoding="utf-8"))
    aliases = [a.strip() for a in row.get("aliases", "").split(",") if a.strip()]
    for extra in (row["scancode_key"],):
        if extra not in aliases and extra != row["id"]:
            aliases.append(extra)
    meta: dict[str, Any] = {
        "id": row["id"],
        "title": row["title"],
        "kind": row["kind"],
        "spdx": row["spdx_or_licenseref"],
        "aliases": aliases,
    }
    if row.get("choosealicense"):
        cal_file = shared / "data/choosealicense/licenses" / row["choosealicense"]
        cal_meta, body = split_front_matter(cal_file.read_text(encoding="utf-8"))
        meta["source"] = CHOOSEALICENSE_SOURCE.format(file=row["choosealicense"])
        for tag in ("permissions", "conditions", "limitations"):
            if cal_meta.get(tag):
                meta[tag] = list(cal_meta[tag])
    else:
        body = sc_body
        meta["source"] = SCANCODE_SOURCE.format(key=row["scancode_key"])
    meta["url"] = sc_meta.get("homepage_url") or ""
    if row.get("osadl"):
        meta["osadl"] = row["osadl"]
    return compose_document(meta, strip_blank_edges(body)).decode()


NOTICE_TEMPLATE = """# Third-party material in this corpus

The license texts in `licenses/` are reproduced verbatim as data; each text keeps its own terms.
They were taken from the two sources below (the `source` field of each file's front matter names
the exact file). The documents in `guidance/` are our own.

## ScanCode LicenseDB

Texts of {scancode_count} documents come from ScanCode LicenseDB, as shipped in the scancode-toolkit
32.5.0 wheel, licensed under CC-BY-4.0 (https://creativecommons.org/licenses/by/4.0/legalcode):

    Copyright (c) nexB Inc. and others. All rights reserved.
    ScanCode is a trademark of nexB Inc.
    SPDX-License-Identifier: CC-BY-4.0

Documents: {scancode_docs}.

The `url` and the ScanCode key among the `aliases` of every document also come from ScanCode LicenseDB.

## choosealicense.com

Texts of {cal_count} documents, and their `permissions` / `conditions` / `limitations` tags, come from
choosealicense.com (`_licenses/*.txt`), licensed under the MIT License:

{mit}
Documents: {cal_docs}.

## OSADL

`licenseqa/knowledge/data/osadl.json` (license obligations checklists, each item cited to a clause of the
texts in `licenses/`, and license compatibility verdicts) is derived by `python -m ingest.knowledge` from the
OSADL Open Source License Obligations Checklists and compatibility matrix (https://www.osadl.org/OSLOC),
licensed under CC0-1.0 (https://creativecommons.org/publicdomain/zero/1.0/legalcode):

    Copyright (c) 2018-2024 Open Source Automation Development Lab (OSADL) eG
    SPDX-License-Identifier: CC0-1.0

Checklists used: {osadl_docs}.
"""


def write_notice(rows: list[dict[str, str]], shared: Path, corpus: Path) -> None:
    mit = (shared / "data/choosealicense/LICENSE.md").read_text(encoding="utf-8")
    cal = [r["id"] for r in rows if r.get("choosealicense")]
    sc = [r["id"] for r in rows if not r.get("choosealicense")]
    osadl = [r["id"] for r in rows if r.get("osadl")]
    text = NOTICE_TEMPLATE.format(
        scancode_count=len(sc),
        scancode_docs=", ".join(sc),
        cal_count=len(cal),
        cal_docs=", ".join(cal),
        mit="\n".join("    " + line if line else "" for line in mit.strip().splitlines()) + "\n",
        osadl_docs=", ".join(osadl),
    )
    (corpus / "NOTICE.md").write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    out_dir = args.corpus / "licenses"
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = read_manifest(args.shared)
    for row in rows:
        (out_dir / f"{row['id']}.txt").write_text(build_document(row, args.shared), encoding="utf-8")
    write_notice(rows, args.shared, args.corpus)
    log.info("wrote %d documents to %s and %s", len(rows), out_dir, args.corpus / "NOTICE.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
