"""Do the guidance documents and the approval policy's category table agree?

Our guidance states categories in prose ("SSPL-1.0 is not allowed in network services") and the approval
policy (``license-approval-policy`` section 3) states them in a table, which the stack check reads through
``data/categories.yaml``. Two places can drift apart; this module finds where they do.

Two checks, both reporting :class:`Disagreement` records (an empty list means they agree):

* :func:`table_disagreements` – every family row of ``categories.yaml`` that cites section 3 against the
  Markdown table of the policy document: same row, same category per column.
* :func:`prose_disagreements` – every sentence of every guidance document that states a category (the
  phrases of ``categories.yaml`` ``statements``), for exactly one policy column (the distribution modes of
  the question vocabulary, mapped by ``modes``) and no other activity (a sentence about linking or
  modifying refines the table, it does not restate it), about licences of exactly one family: the stated
  category must be the table's. A "needs legal review" sentence also agrees with an "allowed with
  conditions" cell whose condition itself calls for legal review (the library-copyleft row: "legal review
  for mobile and firmware"). Sentences that name several columns or families are not judged (the table is
  the place for those).

Where they disagree, the stricter rule holds unless the policy itself says otherwise: the documents are
changed, never this check. ``licenseqa corpus validate`` reports each disagreement as an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from licenseqa.answering.detect import DocName, LicenseDetector, normalise
from licenseqa.corpus.documents import scan_corpus
from licenseqa.knowledge.vocabulary import Term, Vocabulary
from licenseqa.stack.catalog import Catalog, load_catalog

# question-vocabulary activities that are distribution modes -> the catalog's modes
_MODE_OF_ACTIVITY = {
    "internal-use": "internal",
    "distribute-source": "source",
    "distribute-binary": "binary",
    "network-service": "saas",
}
_CELL_WORDS = (  # the policy table's own cell wording, most specific first
    ("allowed with conditions", "conditions"),
    ("needs legal review", "review"),
    ("not allowed", "not-allowed"),
    ("allowed", "allowed"),
)
_DATA = "licenseqa/stack/data/categories.yaml"
_NO_ROW = "no row"
_SENTENCE = re.compile(r"(?<=[.;!?])\s+(?=[A-Z(\"'])")
_HEADING = re.compile(r"^#{1,6}\s+(?:(\d+(?:\.\d+)*)\.?\s+)?(.*)$")


@dataclass(frozen=True)
class Disagreement:
    """One statement that differs from the policy table.

    ``path``: the file to change (corpus-relative, or the package data file); ``where``: ``doc_id
    §section`` (or ``categories.yaml``); ``text``: the sentence or table row; ``licence``: the family;
    ``column``: the policy column; ``stated`` / ``table``: categories (``allowed``, ``conditions``,
    ``review``, ``not-allowed``).
    """

    path: str
    where: str
    text: str
    licence: str
    column: str
    stated: str
    table: str

    def describe(self) -> str:
        if self.stated == _NO_ROW:
            return (
                f"{self.where}: family {self.licence} cites a row section 3's table does not have: "
                f"{self.text[:160]}"
            )
        return (
            f"{self.where}: says {self.licence} is {self.stated!r} for {self.column}, the policy table says "
            f"{self.table!r}: {self.text[:160]}"
        )


def cell_category(cell: str) -> str | None:
    """The category a policy table cell states (``"Allowed with conditions: notices"`` -> ``conditions``)."""
    text = cell.strip().lower()
    for words, category in _CELL_WORDS:
        if text.startswith(words):
            return category
    return None


def policy_table(text: str) -> dict[str, list[str]]:
    """The Markdown tables of the policy text: first cell (the family label) -> the other cells."""
    rows: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return rows


def table_disagreements(corpus_dir: Path, catalog: Catalog | None = None) -> list[Disagreement]:
    """Families of ``categories.yaml`` citing section 3 whose cells differ from the policy's table."""
    catalog = catalog or load_catalog()
    policy = _document(corpus_dir, catalog.doc_id)
    if policy is None:
        return []
    table = policy_table(policy)
    header = next(iter(table.items()), ("", []))[1]
    columns = [c.lower().replace(" ", "-") for c in header]
    out: list[Disagreement] = []
    for family in catalog.families.values():
        if family.citation["section"] != "3":
            continue
        label = family.citation["quote"].split("|")[0].strip()
        row = table.get(label)
        if row is None:
            out.append(
                Disagreement(
                    _DATA, "categories.yaml", family.citation["quote"], family.id, "-", _NO_ROW, _NO_ROW
                )
            )
            continue
        for column, cell in zip(columns, row, strict=False):
            stated = family.categories.get(column, {}).get("category")
            if stated is not None and stated != cell_category(cell):
                out.append(
                    Disagreement(
                        _DATA,
                        f"categories.yaml family {family.id}",
                        label,
                        family.id,
                        column,
                        stated,
                        cell_category(cell) or cell,
                    )
                )
    return out


def prose_disagreements(corpus_dir: Path, catalog: Catalog | None = None) -> list[Disagreement]:
    """Guidance sentences stating a category for one family and one column that differs from the table."""
    catalog = catalog or load_catalog()
    files = [f for f in scan_corpus(corpus_dir) if f.ok and f.meta is not None]
    detector = LicenseDetector(
        DocName.from_meta(f.meta) for f in files if f.meta is not None and f.meta.get("kind") != "guidance"
    )
    spdx_of = {
        str(f.meta["id"]): str(f.meta.get("spdx") or f.meta["id"]) for f in files if f.meta is not None
    }
    vocab = Vocabulary.load()
    statements = sorted(
        ((phrase, category) for category, phrases in catalog.statements.items() for phrase in phrases),
        key=lambda pc: -len(pc[0]),
    )
    out: list[Disagreement] = []
    for f in files:
        if f.meta is None or f.meta.get("kind") != "guidance":
            continue
        for section, sentence in _sentences(f.body):
            stated = _stated(sentence, statements)
            if stated is None:
                continue
            named = _activities(normalise(sentence), vocab.activities)
            if named - set(_MODE_OF_ACTIVITY):
                continue  # about linking, modifying...: a refinement the table's columns do not have
            modes = {_MODE_OF_ACTIVITY[a] for a in named}
            columns = {catalog.modes[m] for m in modes}
            if len(columns) != 1:
                continue
            (column,) = columns
            mode = next(m for m in sorted(modes))
            families = {}
            for doc_id in detector.detect(sentence):
                family = catalog.family(spdx_of.get(doc_id, doc_id))
                if family is not None:
                    families.setdefault(family.id, doc_id)
            if len(families) != 1:
                continue
            ((family_id, doc_id),) = families.items()
            cell = catalog.policy(spdx_of.get(doc_id, doc_id), mode)
            if _agrees(stated, cell.category, cell.condition):
                continue
            where = f"{f.meta['id']} §{section}" if section else str(f.meta["id"])
            out.append(Disagreement(f.rel, where, sentence, family_id, column, stated, cell.category))
    return out


def check_guidance(corpus_dir: Path) -> list[Disagreement]:
    """Both checks; what ``licenseqa corpus validate`` reports."""
    catalog = load_catalog()
    return table_disagreements(corpus_dir, catalog) + prose_disagreements(corpus_dir, catalog)


def _activities(text: str, terms: tuple[Term, ...]) -> set[str]:
    """Activities named in normalised ``text``, a mention inside a longer one of another activity not
    counted. Unlike the question analysis, a negation does not remove a mode: "not allowed in network
    services" is a statement about network services."""
    spans = [(s, e, t.id) for t in terms for s, e in t.find(text)]
    return {
        term
        for s, e, term in spans
        if not any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) and t2 != term for s2, e2, t2 in spans)
    }


def _agrees(stated: str, table: str, condition: str | None) -> bool:
    if stated == table:
        return True
    return stated == "review" and table == "conditions" and "legal review" in (condition or "")


def _stated(sentence: str, statements: list[tuple[str, str]]) -> str | None:
    """The one category the sentence states, or None (none, or two different ones)."""
    low = " " + re.sub(r"\s+", " ", sentence.lower()) + " "
    found: set[str] = set()
    for phrase, category in statements:
        pattern = r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])"
        if re.search(pattern, low):
            found.add(category)
            low = re.sub(pattern, " ", low)
    return found.pop() if len(found) == 1 else None


def _sentences(body: str) -> list[tuple[str | None, str]]:
    """(section number of the enclosing ``##`` heading, sentence) for the prose of a Markdown body."""
    out: list[tuple[str | None, str]] = []
    section: str | None = None
    for block in re.split(r"\n\s*\n", body):
        first = block.strip().splitlines()[0] if block.strip() else ""
        heading = _HEADING.match(first)
        if heading:
            section = heading.group(1) or section
            block = "\n".join(block.strip().splitlines()[1:])
        if not block.strip() or block.lstrip().startswith("|"):
            continue
        for item in re.split(r"\n\s*[-*]\s+", "\n" + block):
            text = " ".join(item.split())
            out += [(section, s) for s in _SENTENCE.split(text) if s]
    return out


def _document(corpus_dir: Path, doc_id: str) -> str | None:
    for f in scan_corpus(corpus_dir):
        if f.ok and f.meta is not None and str(f.meta["id"]) == doc_id:
            return f.body
    return None
