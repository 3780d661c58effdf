"""Build ``licenseqa/knowledge/data/osadl.json`` from the OSADL license obligations checklists (OSLOC).

This is the offline build step of the knowledge package, run by a maintainer when the corpus or the
OSLOC data changes: ``make knowledge``, i.e.
``python -m ingest.knowledge --shared ../shared [--corpus corpus] [--out FILE]``.
The ingest supplies the clauses of the corpus, split by its own splitter so that citation line ranges
match the index; this module never imports ``ingest``.

For every row of ``../shared/corpus/manifest.tsv`` with an ``osadl`` checklist it parses
``../shared/data/osadl-osloc/licenses/<file>`` (CC0-1.0). The checklist language nests by leading
TABs: ``USE CASE`` (alternatives joined by ``OR`` on the same line), ``YOU MUST`` / ``YOU MUST NOT``
atoms (the items), ``IF`` / ``EXCEPT IF`` conditions, ``EITHER`` ... ``OR`` and ``EITHER IF`` ...
``OR IF`` alternatives, ``ATTRIBUTE`` refinements, and the licence-level ``COPYLEFT CLAUSE``,
``PATENT HINTS``, ``COMPATIBILITY``, ``INCOMPATIBILITY`` and ``DEPENDING COMPATIBILITY`` lines. The
text after ``|`` is the reference phrase from the licence text (``*`` marks a gap, further ``|``
separate several phrases, ``||`` starts a remark, which is not kept).

Each item is linked to the clause of OUR corpus (split by the project's :class:`ClauseSplitter`)
that contains its reference phrase: both sides are lower-cased, curly quotes straightened and
whitespace collapsed; the phrase is cut at ``*`` into fragments that must all occur, in order, in
the clause text (adjacent chunks with the same section label and heading are joined, so windows of
one long clause count as one clause; the citation names the fewest chunks that hold the phrase).
Among qualifying clauses the most specific wins (longest section label, then shortest text). There
is no fuzzy matching: an item whose phrase is not found keeps ``"citation": null``. When a
reference has several phrases, the first one that links and is neither a definition
(``"X" means ...``) nor shorter than three words is cited; the others are a fall-back, in file
order.

The compatibility verdicts come from ``compatibility-matrix/matrixseqexpl.json``, restricted to
pairs of OSADL ids that both map to one of our documents. The output is deterministic and is
committed; nothing at run time reads ``../shared``.
"""

from __future__ import annotations

import bisect
import copy
import csv
import json
import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from licenseqa.models import Clause

log = logging.getLogger(__name__)

SOURCE = "OSADL Open Source License Obligations Checklists (OSLOC), https://www.osadl.org/OSLOC"
DATA_LICENSE = "CC0-1.0"
OSLOC_DIR = Path("data/osadl-osloc")
MATRIX_FILE = OSLOC_DIR / "compatibility-matrix" / "matrixseqexpl.json"
DEFAULT_OUT = Path("licenseqa/knowledge/data/osadl.json")

ITEM_KEYWORDS = ("YOU MUST", "YOU MUST NOT")
# longest first, so that "YOU MUST NOT" is not read as "YOU MUST" and "OR IF" not as "OR"
KEYWORDS = (
    "DEPENDING COMPATIBILITY",
    "INCOMPATIBILITY",
    "COMPATIBILITY",
    "COPYLEFT CLAUSE",
    "PATENT HINTS",
    "USE CASE",
    "YOU MUST NOT",
    "YOU MUST",
    "EXCEPT IF",
    "EITHER IF",
    "OR IF",
    "EITHER",
    "ATTRIBUTE",
    "IF",
    "OR",
)
_KEYWORD_RE = re.compile(r"^(" + "|".join(re.escape(k) for k in KEYWORDS) + r")(?=\s|\||$)")
_BRANCH_START = ("EITHER", "EITHER IF")
_BRANCH_NEXT = ("OR", "OR IF")
_CONDITIONS = ("IF", "EXCEPT IF", "EITHER IF", "OR IF")

_QUOTES = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
    }
)
_DEFINITION_RE = re.compile(r'^"[^"]+" (?:means|refers to|shall mean)\b')
_MIN_PHRASE_WORDS = 3


# -- checklist parsing ---------------------------------------------------------------------------


@dataclass
class Line:
    """One checklist line: ``<TABs>KEYWORD argument | phrase | phrase || remark``."""

    lineno: int
    depth: int
    keyword: str
    arg: str
    phrase: str | None  # the reference text as in the file (``|``-separated phrases), no remark
    phrases: list[str]
    children: list[Line] = field(default_factory=list)


@dataclass
class Item:
    kind: str  # "must" | "must_not"
    text: str
    phrase: str | None
    phrases: list[str]
    conditions: list[str]
    alternative: dict[str, int] | None
    attributes: list[str]
    lineno: int


@dataclass
class UseCase:
    names: list[str]
    phrase: str | None
    phrases: list[str]
    items: list[Item]


@dataclass
class Checklist:
    name: str
    use_cases: list[UseCase] = field(default_factory=list)
    copyleft: Line | None = None
    patent_hints: Line | None = None
    compatibility: list[str] = field(default_factory=list)
    incompatibility: list[Line] = field(default_factory=list)
    depending_compatibility: list[str] = field(default_factory=list)

    @property
    def items(self) -> list[Item]:
        return [item for uc in self.use_cases for item in uc.items]


class ChecklistError(ValueError):
    """The checklist does not follow the OSLOC language as this parser knows it."""


def parse_line(raw: str, lineno: int) -> Line:
    body = raw.lstrip("\t")
    depth = len(raw) - len(body)
    match = _KEYWORD_RE.match(body)
    if not match:
        raise ChecklistError(f"line {lineno}: unknown construct {body[:60]!r}")
    keyword = match.group(1)
    rest = body[match.end() :]
    head = rest.split("||", 1)[0]
    arg, bar, ref = head.partition("|")
    phrase = ref.strip() if bar and ref.strip() else None
    phrases = [p.strip() for p in ref.split("|") if p.strip()] if bar else []
    return Line(lineno, depth, keyword, arg.strip(), phrase, phrases)


def parse_lines(text: str) -> list[Line]:
    """The checklist as a tree of lines (children are the lines indented one TAB deeper)."""
    roots: list[Line] = []
    stack: list[Line] = []
    for n, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        if not raw.strip():
            continue
        line = parse_line(raw.rstrip(), n)
        while stack and stack[-1].depth >= line.depth:
            stack.pop()
        parent_depth = stack[-1].depth if stack else -1
        if line.depth > parent_depth + 1:
            raise ChecklistError(f"line {n}: indented deeper than its parent")
        (stack[-1].children if stack else roots).append(line)
        stack.append(line)
    return roots


def _condition(line: Line) -> str:
    text = re.sub(r"^NOT\b", "not", line.arg)
    return f"except if {text}" if line.keyword == "EXCEPT IF" else text


def _has_items(lines: Iterable[Line]) -> bool:
    return any(line.keyword in ITEM_KEYWORDS or _has_items(line.children) for line in lines)


def _siblings(lines: list[Line]) -> Iterator[list[Line]]:
    """Sibling lines, an ``EITHER``/``EITHER IF`` and its ``OR``/``OR IF`` branches as one group."""
    group: list[Line] = []
    for line in lines:
        if line.keyword in _BRANCH_NEXT:
            if not group or group[0].keyword not in _BRANCH_START:
                raise ChecklistError(f"line {line.lineno}: {line.keyword} without a preceding EITHER")
            group.append(line)
            continue
        if group:
            yield group
        group = [line]
    if group:
        yield group


def _attribute_text(branches: list[Line]) -> str | None:
    """An EITHER/OR group of attributes as ``A OR B AND C`` (OSLOC notation)."""
    options = []
    for branch in branches:
        names = [c.arg for c in branch.children if c.keyword == "ATTRIBUTE"]
        if names:
            options.append(" AND ".join(names))
    return " OR ".join(options) or None


class _Walker:
    def __init__(self, name: str) -> None:
        self.name = name
        self.next_group = 0

    def attributes(self, item: Line) -> list[str]:
        out: list[str] = []
        for group in _siblings(item.children):
            first = group[0]
            if first.keyword == "ATTRIBUTE":
                out.append(first.arg)
            elif first.keyword == "EITHER" and not _has_items(group):
                text = _attribute_text(group)
                if text:
                    out.append(text)
        return out

    def walk(
        self,
        lines: list[Line],
        conditions: list[str],
        alternative: dict[str, int] | None,
        out: list[Item],
        under_item: bool = False,
    ) -> None:
        previous: Item | None = None
        for group in _siblings(lines):
            first = group[0]
            if first.keyword in ITEM_KEYWORDS:
                previous = Item(
                    kind="must" if first.keyword == "YOU MUST" else "must_not",
                    text=first.arg,
                    phrase=first.phrase,
                    phrases=first.phrases,
                    conditions=list(conditions),
                    alternative=alternative,
                    attributes=self.attributes(first),
                    lineno=first.lineno,
                )
                out.append(previous)
                # items nested under an item (under IF / EITHER / directly)
                self.walk(first.children, conditions, alternative, out, under_item=True)
            elif not _has_items(group):
                if under_item:
                    continue  # the item's attributes (read by attributes()) or conditional attributes
                # an ATTRIBUTE (or EITHER of attributes) written at the level of the item it refines
                text = first.arg if first.keyword == "ATTRIBUTE" else None
                if first.keyword == "EITHER":
                    text = _attribute_text(group)
                if previous is not None and text and first.keyword in ("ATTRIBUTE", "EITHER"):
                    log.debug(
                        "%s line %d: %s attached to line %d", self.name, first.lineno, text, previous.lineno
                    )
                    previous.attributes.append(text)
                else:
                    log.debug(
                        "%s line %d: %s without obligations ignored", self.name, first.lineno, first.keyword
                    )
            elif first.keyword in _BRANCH_START:
                group_id = self.next_group
                self.next_group += 1
                for option, branch in enumerate(group):
                    extra = [_condition(branch)] if branch.keyword in _CONDITIONS else []
                    choice = {"group": group_id, "option": option}
                    self.walk(branch.children, conditions + extra, choice, out, under_item)
            elif first.keyword in ("IF", "EXCEPT IF"):
                self.walk(first.children, [*conditions, _condition(first)], alternative, out, under_item)
            else:
                raise ChecklistError(f"{self.name} line {first.lineno}: obligations under {first.keyword}")


def parse_checklist(text: str, name: str) -> Checklist:
    """Parse one OSLOC checklist file into use cases with their items and the licence-level hints."""
    checklist = Checklist(name)
    walker = _Walker(name)
    for line in parse_lines(text):
        if line.keyword == "USE CASE":
            names = [n.strip() for n in re.split(r"\s+OR\s+", line.arg) if n.strip()]
            items: list[Item] = []
            walker.walk(line.children, [], None, items)
            checklist.use_cases.append(UseCase(names, line.phrase, line.phrases, items))
        elif line.keyword == "COPYLEFT CLAUSE":
            checklist.copyleft = checklist.copyleft or line
        elif line.keyword == "PATENT HINTS":
            checklist.patent_hints = checklist.patent_hints or line
        elif line.keyword == "COMPATIBILITY":
            checklist.compatibility.append(line.arg)
        elif line.keyword == "DEPENDING COMPATIBILITY":
            checklist.depending_compatibility.append(line.arg)
        elif line.keyword == "INCOMPATIBILITY":
            checklist.incompatibility.append(line)
        else:
            raise ChecklistError(f"{name} line {line.lineno}: {line.keyword} outside a USE CASE")
    return checklist


# -- linking to our clauses ------------------------------------------------------------------------


def normalise(text: str) -> tuple[str, list[int]]:
    """Lower-case, straight quotes, one space for any whitespace run; and each char's source index."""
    out: list[str] = []
    index: list[int] = []
    space_at: int | None = None
    for i, ch in enumerate(text):
        if ch.isspace():
            if space_at is None and out:
                space_at = i
            continue
        if space_at is not None:
            out.append(" ")
            index.append(space_at)
            space_at = None
        for c in ch.translate(_QUOTES).lower():
            out.append(c)
            index.append(i)
    return "".join(out), index


def fragments(phrase: str) -> list[str]:
    """The normalised pieces of a reference phrase between ``*`` gaps."""
    return [f for f in (normalise(part)[0] for part in phrase.split("*")) if f]


def _match(text: str, frags: list[str], start: int) -> tuple[int, int] | None:
    """Leftmost in-order match of all fragments from ``start``: (first fragment's start, end of last)."""
    pos = start
    first = -1
    for frag in frags:
        found = text.find(frag, pos)
        if found < 0:
            return None
        if first < 0:
            first = found
        pos = found + len(frag)
    return first, pos


@dataclass
class _Run:
    """Adjacent chunks of one document with the same section label, joined into one clause text."""

    chunks: list[Clause]
    text: str
    norm: str
    index: list[int]
    starts: list[int]  # normalised offset where each chunk begins
    ends: list[int]  # normalised offset where each chunk ends


def _join(chunks: list[Clause]) -> tuple[str, list[tuple[int, int]]]:
    """Concatenate chunk texts, dropping the overlap between windows of one clause."""
    text = ""
    spans: list[tuple[int, int]] = []
    for n, chunk in enumerate(chunks):
        body = chunk.text
        overlap = 0
        if n and chunk.part > 0 and chunk.start_line <= chunks[n - 1].end_line:
            for size in range(min(len(text), len(body)), 0, -1):
                if text.endswith(body[:size]):
                    overlap = size
                    break
        if overlap:
            start = len(text) - overlap
            text += body[overlap:]
        else:
            if text:
                text += "\n"
            start = len(text)
            text += body
        spans.append((start, len(text)))
    return text, spans


def _runs(clauses: list[Clause]) -> list[_Run]:
    groups: list[list[Clause]] = []
    for clause in clauses:
        prev = groups[-1][-1] if groups else None
        if prev is not None and (prev.section, prev.heading) == (clause.section, clause.heading):
            groups[-1].append(clause)
        else:
            groups.append([clause])
    runs = []
    for chunks in groups:
        text, spans = _join(chunks)
        norm, index = normalise(text)
        starts = [bisect.bisect_left(index, a) for a, _ in spans]
        ends = [bisect.bisect_left(index, b) for _, b in spans]
        runs.append(_Run(chunks, text, norm, index, starts, ends))
    return runs


class DocumentLinker:
    """Finds the most specific clause of one document that contains a reference phrase."""

    def __init__(self, clauses: list[Clause]) -> None:
        self.runs = _runs(clauses)

    def cite_phrase(self, phrase: str) -> dict[str, Any] | None:
        frags = fragments(phrase)
        if not frags:
            return None
        best: tuple[tuple[int, int, int], dict[str, Any]] | None = None
        for order, run in enumerate(self.runs):
            found = self._smallest(run, frags)
            if found is None:
                continue
            i, j, first = found
            section = run.chunks[i].section
            key = (-len(section or ""), run.ends[j] - run.starts[i], order)
            if best is None or key < best[0]:
                best = (key, self._citation(run, i, j, first, len(frags[0])))
        return best[1] if best else None

    @staticmethod
    def _smallest(run: _Run, frags: list[str]) -> tuple[int, int, int] | None:
        """The shortest chunk range ``i..j`` that contains the fragments, and the first one's offset."""
        best: tuple[int, int, int] | None = None
        for i, start in enumerate(run.starts):
            hit = _match(run.norm, frags, start)
            if hit is None:
                break  # a later start cannot match either
            first, end = hit
            j = next(k for k in range(i, len(run.ends)) if run.ends[k] >= end)
            if best is None or run.ends[j] - start < run.ends[best[1]] - run.starts[best[0]]:
                best = (i, j, first)
        return best

    @staticmethod
    def _citation(run: _Run, i: int, j: int, first: int, length: int) -> dict[str, Any]:
        head = run.chunks[i]
        quote = run.text[run.index[first] : run.index[first + length - 1] + 1]
        return {
            "doc_id": head.doc_id,
            "section": head.section,
            "heading": head.heading,
            "source": head.source,
            "start_line": head.start_line,
            "end_line": run.chunks[j].end_line,
            "quote": quote,
        }

    def cite(self, phrases: list[str]) -> dict[str, Any] | None:
        """Citation of the first operative phrase that links (definitions and short phrases last)."""
        ordered = sorted(phrases, key=lambda p: _is_context(p))
        for phrase in ordered:
            citation = self.cite_phrase(phrase)
            if citation is not None:
                return citation
        return None


def _is_context(phrase: str) -> bool:
    norm = " ".join(fragments(phrase))
    return bool(_DEFINITION_RE.match(norm)) or len(norm.split()) < _MIN_PHRASE_WORDS


# -- assembling the data ----------------------------------------------------------------------------


def read_manifest(shared: Path) -> list[dict[str, str]]:
    with (shared / "corpus/manifest.tsv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _strip_version(osadl_id: str) -> str:
    return re.sub(r"-(?:only|or-later)$", "", osadl_id)


def map_osadl_ids(ids: Iterable[str], rows: list[dict[str, str]]) -> dict[str, str]:
    """OSADL id -> our doc id (exact id, SPDX id, checklist name, alias, then ``-only``/``-or-later``)."""
    mapping: dict[str, str] = {}
    for osadl_id in sorted(set(ids)):
        ranked: list[tuple[int, int, str]] = []
        for order, row in enumerate(rows):
            exact = {row["id"], row["spdx_or_licenseref"], Path(row["osadl"]).stem if row["osadl"] else ""}
            aliases = {a.strip() for a in row.get("aliases", "").split(",") if a.strip()}
            if osadl_id in exact:
                ranked.append((0, order, row["id"]))
            elif osadl_id in aliases:
                ranked.append((1, order, row["id"]))
            elif _strip_version(osadl_id) in (
                _strip_version(row["id"]),
                _strip_version(row["spdx_or_licenseref"]),
            ):
                ranked.append((2, order, row["id"]))
        if not ranked:
            continue
        ranked.sort()
        if len({doc for rank, _, doc in ranked if rank == ranked[0][0]}) > 1:
            log.warning("OSADL id %s matches several documents %s; using %s", osadl_id, ranked, ranked[0][2])
        mapping[osadl_id] = ranked[0][2]
    return mapping


def _item_json(item: Item, linker: DocumentLinker | None) -> dict[str, Any]:
    citation = linker.cite(item.phrases) if linker else None
    return {
        "kind": item.kind,
        "text": item.text,
        "phrase": item.phrase,
        "conditions": item.conditions,
        "alternative": item.alternative,
        "attributes": item.attributes,
        "citation": citation,
        "linked": citation is not None,
    }


def checklist_json(checklist: Checklist, linker: DocumentLinker | None) -> dict[str, Any]:
    """One checklist in the output schema, each item cited (or ``citation: null``)."""

    def cite(phrases: list[str]) -> dict[str, Any] | None:
        return linker.cite(phrases) if linker and phrases else None

    # one entry per use case name; a name that occurs in several USE CASE lines ("A OR B", then "A")
    # gets the obligations of all of them
    use_cases: dict[str, dict[str, Any]] = {}
    for uc in checklist.use_cases:
        items = [_item_json(item, linker) for item in uc.items]
        citation = cite(uc.phrases)
        for name in uc.names:
            entry = use_cases.setdefault(
                name, {"name": name, "phrase": uc.phrase, "citation": citation, "items": []}
            )
            entry["items"].extend(copy.deepcopy(items))
    copyleft = None
    if checklist.copyleft is not None:
        line = checklist.copyleft
        copyleft = {"value": line.arg, "phrase": line.phrase, "citation": cite(line.phrases)}
    patent_hints = None
    if checklist.patent_hints is not None:
        line = checklist.patent_hints
        patent_hints = {"value": line.arg, "phrases": line.phrases, "citation": cite(line.phrases)}
    all_items = [item for uc in use_cases.values() for item in uc["items"]]
    return {
        "osadl_id": checklist.name,
        "use_cases": list(use_cases.values()),
        "copyleft": copyleft,
        "patent_hints": patent_hints,
        "compatibility": checklist.compatibility,
        "incompatibility": [
            {"license": line.arg, "phrases": line.phrases} for line in checklist.incompatibility
        ],
        "depending_compatibility": checklist.depending_compatibility,
        "stats": {"items": len(all_items), "linked": sum(1 for i in all_items if i["linked"])},
    }


def load_checklists(shared: Path, rows: list[dict[str, str]]) -> dict[str, Checklist]:
    """Our doc id -> parsed checklist, for the manifest rows that name one."""
    out: dict[str, Checklist] = {}
    for row in rows:
        if not row.get("osadl"):
            continue
        path = shared / OSLOC_DIR / "licenses" / row["osadl"]
        out[row["id"]] = parse_checklist(path.read_text(encoding="utf-8"), Path(row["osadl"]).stem)
    return out


def build_knowledge(shared: Path, clauses: Mapping[str, Sequence[Clause]]) -> dict[str, Any]:
    """The whole ``osadl.json`` document (see the module docstring).

    ``shared`` is the reference folder (``../shared``); ``clauses`` maps each corpus document id to its
    clauses in document order, as the ingest splits them.
    """
    rows = read_manifest(shared)
    checklists = load_checklists(shared, rows)
    matrix = json.loads((shared / MATRIX_FILE).read_text(encoding="utf-8"))
    names = [lic["name"] for lic in matrix["licenses"]]
    names += [c["name"] for lic in matrix["licenses"] for c in lic["compatibilities"]]
    names += [p.stem for p in (shared / OSLOC_DIR / "licenses").glob("*.txt")]
    osadl_to_doc = map_osadl_ids(names, rows)

    out_checklists: dict[str, Any] = {}
    for doc_id in sorted(checklists):
        doc_clauses = clauses.get(doc_id)
        if doc_clauses is None:
            log.warning("%s has a checklist but is not in the corpus: its items stay unlinked", doc_id)
        linker = DocumentLinker(list(doc_clauses)) if doc_clauses is not None else None
        out_checklists[doc_id] = checklist_json(checklists[doc_id], linker)

    compat: dict[str, dict[str, Any]] = {}
    for lic in sorted(matrix["licenses"], key=lambda x: x["name"]):
        if lic["name"] not in osadl_to_doc:
            continue
        row = {
            c["name"]: {"verdict": c["compatibility"], "explanation": c["explanation"]}
            for c in sorted(lic["compatibilities"], key=lambda x: x["name"])
            if c["name"] in osadl_to_doc
        }
        if row:
            compat[lic["name"]] = row

    return {
        "source": SOURCE,
        "license": DATA_LICENSE,
        "matrix_timestamp": matrix["timestamp"],
        "osadl_to_doc": osadl_to_doc,
        "checklists": out_checklists,
        "compat": compat,
    }


def dump(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False) + "\n"


def stats_table(data: dict[str, Any]) -> str:
    """Per-licence and overall linked fractions, as a Markdown table."""
    lines = ["| licence | items | linked | fraction |", "| --- | ---: | ---: | ---: |"]
    total = linked = 0
    for doc_id, checklist in data["checklists"].items():
        n, k = checklist["stats"]["items"], checklist["stats"]["linked"]
        total += n
        linked += k
        lines.append(f"| {doc_id} | {n} | {k} | {f'{k / n:.3f}' if n else 'n/a'} |")
    lines.append(
        f"| **all ({len(data['checklists'])} checklists)** | {total} | {linked} | {linked / total:.3f} |"
    )
    return "\n".join(lines)
