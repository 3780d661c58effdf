"""``licenseqa facts ...``: a licence's cited facts, their validation, and two licences side by side.

``licenseqa facts ID [--json]`` prints one licence's facts with their citations; ``licenseqa facts validate
[--only ID ...] [--json]`` checks the schema of every facts file, that every corpus licence has one, and that
every citation resolves in the index to a clause that contains its support phrase (exit 1 on a problem);
``licenseqa facts compare A B [--json]`` puts two licences side by side and marks the rows that differ;
``licenseqa facts clauses ID`` prints a document's clauses as the index holds them (what facts cite).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from licenseqa.config import Settings
from licenseqa.corpus.documents import resolve_name, resolve_names
from licenseqa.errors import InputError
from licenseqa.knowledge.facts import EFFECT_WORDS, FactsBook, LicenceFacts, check_citations, compare


def add_facts_parser(sub: Any) -> None:
    """The ``facts`` subcommand of ``licenseqa``."""
    facts = sub.add_parser(
        "facts",
        help="a licence's facts, each cited (`facts ID`, `facts validate`, `facts compare A B`)",
        description="`licenseqa facts ID`, `licenseqa facts validate [--only ID]`, "
        "`licenseqa facts compare A B`.",
    )
    facts.add_argument(
        "target", metavar="ID|validate|compare", help="a document id, `validate`, `compare` or `clauses`"
    )
    facts.add_argument("more", nargs="*", metavar="ID", help="with compare: the two document ids")
    facts.add_argument("--only", action="append", metavar="ID", help="validate: only these ids (repeatable)")
    facts.add_argument("--json", action="store_true", help="print one JSON object")


def _corpus(settings: Settings) -> tuple[dict[str, str], list[Any]]:
    """Document kinds and every clause of the index (the split the answers cite)."""
    from licenseqa.index.store import ChromaStore

    store = ChromaStore.open(settings)
    state = store.require_state()
    return {d.doc_id: d.kind for d in state.docs.values()}, store.live_clauses(state)


def _licence_ids(kinds: dict[str, str]) -> list[str]:
    return sorted(d for d, k in kinds.items() if k != "guidance")


def run_facts(settings: Settings, args: argparse.Namespace) -> int:
    if args.target == "validate":
        return _validate(settings, args)
    if args.target == "clauses":
        return _clauses(settings, args)
    book = FactsBook.load()
    if args.target == "compare":
        if len(args.more) != 2:
            raise InputError("Usage: licenseqa facts compare A B (two document ids).")
        a, b = (_get(book, x) for x in args.more)
        rows = compare(a, b)
        if args.json:
            print(json.dumps({"a": a.doc_id, "b": b.doc_id, "rows": rows}, ensure_ascii=False))
        else:
            print("\n".join(render_compare(a, b, rows)))
        return 0
    if args.more:
        raise InputError("Give one document id, e.g. `licenseqa facts Apache-2.0`.")
    facts = _get(book, args.target)
    if args.json:
        print(json.dumps(facts.to_dict(), ensure_ascii=False))
    else:
        print("\n".join(render_facts(facts)))
    return 0


def _get(book: FactsBook, doc_id: str) -> LicenceFacts:
    name = resolve_name(
        doc_id, book.ids(), lead=f"No licence facts for {doc_id!r}.", listing="Licences with facts"
    )
    facts = book.get(name)
    assert facts is not None
    return facts


def _clauses(settings: Settings, args: argparse.Namespace) -> int:
    """The clauses of one document as the index holds them: what a fact's ``section`` and phrase refer to."""
    if len(args.more) != 1:
        raise InputError("Usage: licenseqa facts clauses ID (one document id).")
    _, clauses = _corpus(settings)
    doc_id = resolve_name(args.more[0], {c.doc_id for c in clauses})
    own = [c for c in clauses if c.doc_id == doc_id]
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "section": c.section,
                        "heading": c.heading,
                        "start_line": c.start_line,
                        "end_line": c.end_line,
                        "text": c.text,
                    }
                    for c in own
                ],
                ensure_ascii=False,
            )
        )
        return 0
    for c in own:
        head = f"§{c.section}" if c.section else "(unnumbered: section null)"
        print(f"--- {head} {c.heading or ''} lines {c.start_line}-{c.end_line}")
        print(c.text)
    return 0


def _validate(settings: Settings, args: argparse.Namespace) -> int:
    from licenseqa.knowledge.facts import FACTS_DIR, FactsError, read_facts_file
    from licenseqa.knowledge.guidance_rules import GuidanceRulesError, read_rules
    from licenseqa.knowledge.guidance_rules import check_citations as check_rule_citations
    from licenseqa.knowledge.vocabulary import Vocabulary

    kinds, clauses = _corpus(settings)
    vocabulary = Vocabulary.load()
    problems: list[str] = []
    wanted = resolve_names(args.only, _licence_ids(kinds), "licence id") or _licence_ids(kinds)
    found: dict[str, LicenceFacts] = {}
    for doc_id in wanted:
        path = FACTS_DIR / f"{doc_id}.yaml"
        if not path.is_file():
            problems.append(f"{doc_id}: no facts file (licenseqa/knowledge/data/facts/{doc_id}.yaml).")
            continue
        try:
            found[doc_id] = read_facts_file(path, vocabulary, kinds.get(doc_id))
        except FactsError as exc:
            problems.append(str(exc))
    problems += check_citations(FactsBook(found), clauses)
    if not args.only:
        strays = [p.stem for p in sorted(FACTS_DIR.glob("*.yaml")) if p.stem not in kinds]
        problems += [f"{d}: facts file for a document that is not in the corpus." for d in strays]
    n_cites = sum(len(f.citations()) for f in found.values())
    n_rules = 0
    if not args.only:  # the guidance rules cite guidance sections: checked with the whole corpus
        try:
            rules = read_rules(known_docs=kinds)
            n_rules = len(rules.rules)
            problems += check_rule_citations(rules, clauses)
        except GuidanceRulesError as exc:
            problems.append(str(exc))
    if args.json:
        print(
            json.dumps(
                {
                    "ok": not problems,
                    "licences": len(wanted),
                    "citations": n_cites,
                    "guidance_rules": n_rules,
                    "problems": problems,
                },
                ensure_ascii=False,
            )
        )
    else:
        for p in problems:
            print(f"problem: {p}")
        rules_part = f", {n_rules} guidance rules" if not args.only else ""
        print(
            f"{len(wanted)} licences, {n_cites} citations{rules_part}: "
            + ("ok" if not problems else f"{len(problems)} problems")
        )
    return 0 if not problems else 1


def _cites(cites: list[dict[str, Any]]) -> str:
    return "; ".join(f'[{c["label"]}: "{c["phrase"]}"]' for c in cites)


def render_facts(facts: LicenceFacts) -> list[str]:
    """The text view: a header, then one line per activity (effect, plain words, citations), then terms,
    then the kinds of use the licence forbids, then the licences its code may go out under on a condition,
    then what it says of separate works and of how long its grant lasts."""
    d = facts.to_dict()
    lines = [f"{facts.doc_id}: {facts.summary}", f"copyleft scope: {facts.copyleft}"]
    if facts.seeded_from:
        lines.append("seeded from: " + ", ".join(facts.seeded_from) + " (and read from the licence text)")
    lines.append("")
    for act, f in d["activities"].items():
        obligations = f" (obligations: {', '.join(f['obligations'])})" if f["obligations"] else ""
        if f.get("requires"):
            obligations += f" (only together with: {', '.join(f['requires'])})"
        lines.append(f"- {act}: {EFFECT_WORDS[f['effect']]}{obligations}. {f['text']}")
        if f["cite"]:
            lines.append(f"    {_cites(f['cite'])}")
    if d["terms"]:
        lines.append("")
        lines.append("terms:")
        for topic, t in d["terms"].items():
            value = f" [{t['value']}]" if t["value"] is not None else ""
            state = "" if t["addressed"] else " (not addressed)"
            lines.append(f"- {topic}{state}{value}: {t['text']}")
            if t["cite"]:
                lines.append(f"    {_cites(t['cite'])}")
    if d["restricted_uses"]:
        lines.append("")
        lines.append("restricted uses (cannot):")
        for use, r in d["restricted_uses"].items():
            lines.append(f"- {use}: {r['text']}")
            lines.append(f"    {_cites(r['cite'])}")
    secondary = d.get("secondary_licences")
    if secondary:
        lines.append("")
        lines.append(f"secondary licences ({', '.join(secondary['licences'])}): {secondary['condition']}")
        lines.append(f"    {_cites(secondary['cite'])}")
    for key, label in (("separate_works", "separate works"), ("grant_duration", "how long the grant lasts")):
        stated = d.get(key)
        if stated:
            lines += ["", f"{label}: {stated['text']}", f"    {_cites(stated['cite'])}"]
    return lines


def render_compare(a: LicenceFacts, b: LicenceFacts, rows: list[dict[str, Any]]) -> list[str]:
    """Two licences row by row; ``*`` marks a row that differs."""
    lines = [f"{a.doc_id} vs {b.doc_id} (* = differs)"]
    for r in rows:
        mark = "*" if r["differs"] else " "

        def cell(x: dict[str, Any] | None, kind: str = r["kind"]) -> str:
            if x is None:
                return "-"
            if kind == "scope":
                return str(x["text"])
            if kind == "activity":
                ob = f" ({', '.join(x['obligations'])})" if x["obligations"] else ""
                return f"{EFFECT_WORDS[x['effect']]}{ob} {_cites(x['cite'])}".strip()
            value = f" [{x['value']}]" if x.get("value") is not None else ""
            return (x["text"] + value) if x["addressed"] else "not addressed"

        lines.append(f"{mark} {r['row']}: {a.doc_id}: {cell(r['a'])} | {b.doc_id}: {cell(r['b'])}")
    return lines
