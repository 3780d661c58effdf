"""``python -m ingest.splitter_eval [--json] [--verbose] [--gold FILE]``: the splitter against hand labels.

Reads the hand-checked gold labels of LicenseDB texts that are not in the corpus
(``tests/data/splitter_unseen/gold.yaml``, format described at its top), splits each text
with the ingest's splitter (the configured embedding model's tokenizer and limit) and prints:

- label accuracy: a gold clause counts when the chunk at its first line carries its label, the
  clause starts its own chunk (it is not merged into a neighbour) and, where the gold names a
  heading, the chunk carries that heading (case-insensitive);
- merged clauses: a clause that starts inside a chunk begun by a clause with another label, or
  an unnumbered section (kind ``heading`` / ``lost-numbers``) that does not start its own chunk;
- counts per kind and per style, and the properties the splitter keeps: no chunk over the
  model's input limit, every chunk's text inside its line range, no year or version number
  used as a label.

Exit status 0 (the figures are for a person to read; the tests assert the goal).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ingest.preview import make_splitter, read_licensedb
from ingest.splitter import ClauseSplitter, DocumentText
from licenseqa.models import Clause

GOLD = Path(__file__).resolve().parents[1] / "tests" / "data" / "splitter_unseen" / "gold.yaml"

# a label that is a year (1990-2099) or a dotted version of a text's title ("2.0") is a number in
# running text read as a marker
_YEAR_RE = re.compile(r"^(19|20)\d\d\b")


@dataclass
class ClauseResult:
    doc: str
    style: str
    kind: str
    label: str | None
    words: str
    line: int | None
    got: str | None = None
    got_heading: str | None = None
    heading: str | None = None
    merged: bool = False
    ok: bool = False
    note: str = ""


@dataclass
class Report:
    results: list[ClauseResult] = field(default_factory=list)
    chunks: int = 0
    over_limit: int = 0
    outside_range: int = 0
    year_labels: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        def figures(items: list[ClauseResult]) -> dict[str, Any]:
            n = len(items)
            ok = sum(1 for r in items if r.ok)
            return {
                "clauses": n,
                "correct": ok,
                "accuracy": round(ok / n, 4) if n else None,
                "merged": sum(1 for r in items if r.merged),
            }

        by_kind: dict[str, list[ClauseResult]] = defaultdict(list)
        by_style: dict[str, list[ClauseResult]] = defaultdict(list)
        by_doc: dict[str, list[ClauseResult]] = defaultdict(list)
        for r in self.results:
            by_kind[r.kind].append(r)
            by_style[r.style].append(r)
            by_doc[r.doc].append(r)
        return {
            **figures(self.results),
            "texts": len(by_doc),
            "chunks": self.chunks,
            "chunks_over_limit": self.over_limit,
            "chunks_outside_line_range": self.outside_range,
            "year_or_version_labels": self.year_labels,
            "per_kind": {k: figures(v) for k, v in sorted(by_kind.items())},
            "per_style": {k: figures(v) for k, v in sorted(by_style.items())},
            "per_text": {k: figures(v) for k, v in sorted(by_doc.items())},
        }


def _norm(text: str) -> str:
    """A line as gold first words are written: no Markdown emphasis or heading marks, one space."""
    text = text.replace("**", "").strip()
    text = re.sub(r"^#{1,6}\s+", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _find_lines(doc: DocumentText, clauses: list[list[Any]]) -> list[int | None]:
    """The 1-based file line where each gold clause starts, searched in order."""
    body = doc.body.split("\n")
    normed = [_norm(line) for line in body]
    out: list[int | None] = []
    pos = 0
    for row in clauses:
        words = _norm(str(row[1]))
        found = None
        for k in range(pos, len(body)):
            if normed[k].startswith(words):
                found = k
                break
        out.append(None if found is None else doc.first_line + found)
        if found is not None:
            pos = found + 1
    return out


def evaluate_text(
    splitter: ClauseSplitter, path: Path, entry: dict[str, Any], report: Report
) -> list[Clause]:
    doc = read_licensedb(path)
    chunks = splitter.split(doc)
    report.chunks += len(chunks)
    file_lines = path.read_text(encoding="utf-8").split("\n")
    for c in chunks:
        if splitter.count_tokens(c.embed_text) > splitter.max_tokens:
            report.over_limit += 1
        if c.text not in "\n".join(file_lines[c.start_line - 1 : c.end_line]):
            report.outside_range += 1
        if c.section and _YEAR_RE.match(c.section):
            report.year_labels.append(f"{doc.doc_id}:{c.section}")
    rows = entry["clauses"]
    lines = _find_lines(doc, rows)
    starts = {ln: row[0] for ln, row in zip(lines, rows, strict=True) if ln is not None}
    first_gold = min(starts, default=None)
    for row, line in zip(rows, lines, strict=True):
        label, words = row[0], str(row[1])
        kind = row[2] if len(row) > 2 and row[2] else "plain"
        heading = row[3] if len(row) > 3 else None
        res = ClauseResult(doc.doc_id, entry.get("style", "?"), kind, label, words, line, heading=heading)
        report.results.append(res)
        if line is None:
            res.note = "first words not found in the text"
            continue
        at = next((c for c in chunks if c.start_line == line), None)
        if at is None:
            inside = next((c for c in chunks if c.start_line < line <= c.end_line), None)
            if inside is not None:
                at = inside
                # merged: the chunk was begun by a clause with another label, or an unnumbered
                # section shares its chunk with the text before it (a document's title excepted)
                begun_by = starts.get(inside.start_line, label)
                before_gold = first_gold is not None and inside.start_line < first_gold
                res.merged = begun_by != label or (kind in ("heading", "lost-numbers") and not before_gold)
            else:  # a bare title line is no chunk of its own: its clause starts with the next chunk
                at = next((c for c in chunks if c.start_line > line), None)
        if at is None:
            res.note = "no chunk at or after this line"
            continue
        res.got, res.got_heading = at.section, at.heading
        heading_ok = heading is None or (at.heading or "").casefold() == str(heading).casefold()
        res.ok = at.section == label and not res.merged and heading_ok
    return chunks


def run(gold_path: Path = GOLD, splitter: ClauseSplitter | None = None) -> Report:
    """Split every text named in ``gold_path`` and compare with its labels."""
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    if splitter is None:
        splitter = make_splitter()
    report = Report()
    for key, entry in gold.items():
        evaluate_text(splitter, gold_path.parent / f"{key}.LICENSE", entry, report)
    return report


def _print(report: Report, verbose: bool) -> None:
    s = report.summary()
    print(
        f"label accuracy {s['accuracy']:.3f} ({s['correct']}/{s['clauses']} clauses, {s['texts']} texts); "
        f"merged clauses {s['merged']}"
    )
    print(
        f"chunks {s['chunks']}: over the input limit {s['chunks_over_limit']}, outside their line range "
        f"{s['chunks_outside_line_range']}, year/version labels {len(s['year_or_version_labels'])}"
    )
    tables = (("per kind", s["per_kind"]), ("per style", s["per_style"]), ("per text", s["per_text"]))
    for title, table in tables:
        print(f"\n{title}:")
        for name, f in table.items():
            print(f"  {name:30} {f['correct']:3}/{f['clauses']:<3} {f['accuracy']:.3f}  merged {f['merged']}")
    wrong = [r for r in report.results if not r.ok]
    if verbose and wrong:
        print("\nwrong:")
        for r in wrong:
            got = f"got {r.got!r}" + (f" heading {r.got_heading!r}" if r.heading else "")
            why = r.note or ("merged" if r.merged else got)
            print(f"  {r.doc}:{r.line} [{r.kind}] want {r.label!r}: {why}  | {r.words[:50]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingest.splitter_eval", description=__doc__.splitlines()[0].split(": ", 1)[-1]
    )
    parser.add_argument("--gold", type=Path, default=GOLD, help="gold labels (YAML; default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every clause that is wrong")
    args = parser.parse_args(argv)
    report = run(args.gold)
    if args.json:
        data = report.summary()
        data["wrong"] = [r.__dict__ for r in report.results if not r.ok]
        print(json.dumps(data, ensure_ascii=False))
    else:
        _print(report, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
