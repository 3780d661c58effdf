"""Guidance rules: what our guidance documents say about a situation, as reviewed data, each rule cited.

The licence facts (:mod:`licenseqa.knowledge.facts`) state what a licence says. Many questions ask what
*our policy* says instead (who approves, whether a chat message counts as an exception, whether a late
copyleft finding may be removed quietly): no licence clause speaks to them, so without these rules they
get no direct answer. One reviewed YAML file, ``data/guidance_rules.yaml``. Schema (checked by
:func:`parse_rules`; every error names the rule)::

    version: 1
    process_steps: [approv*, review, ticket, exception]   # words naming a step of our own process
    rules:
      - id: chat-approval-is-not-an-exception    # unique, lower case with dashes
        doc: license-approval-policy             # a guidance document id of the corpus
        section: "8"                             # its section label as the splitter gives it
        phrase: "Verbal or chat approvals are not exceptions"   # occurs in that section (checked)
        effect: not-allowed                      # allowed|allowed-if|not-allowed|required|not-required
        text: "Our policy: ..."                  # the rule in one or two plain sentences
        when:                                    # every group must match the question (AND of ORs)
          - [verbal*, in slack, chat message]    #   phrases in the vocabulary's syntax: ``word*`` any
          - [approv*, go ahead, exception]       #   ending, a lone ``*`` one to four words
        unless: [sandbox]                        # optional: any of these in the question: the rule is out
        licences: [AGPL-3.0-only]                # optional: only when the question names one of these
        unlicensed: true                         # optional: only when the question names no licence (a
                                                 #   rule about material that has none)

``when`` describes the act the rule is about; ``effect`` says what the policy does with it. The value of
a yes/no question follows from the effect and what is asked (``asks`` of the vocabulary, as for the
licence facts, :func:`licenseqa.answering.verdict.read_asks`):

=============== ================ ================= ============= ============================
effect          permission       obligation        avoid         sufficiency ("is X enough?")
=============== ================ ================= ============= ============================
allowed         yes              (none)            yes           yes
allowed-if      yes              (none)            (none)        (none)
not-allowed     no               (none)            no            no
required        (none)           yes               no            (none)
not-required    yes              no                yes           yes
=============== ================ ================= ============= ============================

"(none)": the rule does not decide that form of question ("do we have to X?" about a forbidden X asks
something the rule does not state). Reviewer's rule of thumb: a ``required`` rule names what is required
(review, ticket, sign-off) in one of its ``when`` groups, so that it answers only questions about that step.

Errors: :class:`GuidanceRulesError` (schema), with every problem listed; :func:`check_citations` lists the
rules whose section is not in the index or does not contain the phrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from licenseqa.errors import LicenseQAError
from licenseqa.knowledge.facts import FactCitation, resolve
from licenseqa.knowledge.vocabulary import normalise_text, phrase_pattern
from licenseqa.models import Clause

RULES_FILE = Path(__file__).resolve().parent / "data" / "guidance_rules.yaml"
EFFECTS = ("allowed", "allowed-if", "not-allowed", "required", "not-required")
# the table of the module docstring: (effect, ask) -> value; a missing pair decides nothing
VALUES: dict[tuple[str, str], str] = {
    ("allowed", "permission"): "yes",
    ("allowed", "avoid"): "yes",
    ("allowed", "sufficiency"): "yes",
    ("allowed-if", "permission"): "yes",
    ("not-allowed", "permission"): "no",
    ("not-allowed", "avoid"): "no",
    ("not-allowed", "sufficiency"): "no",
    ("required", "obligation"): "yes",
    ("required", "avoid"): "no",
    ("not-required", "permission"): "yes",
    ("not-required", "obligation"): "no",
    ("not-required", "avoid"): "yes",
    ("not-required", "sufficiency"): "yes",
}
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TOP_KEYS = {"version", "rules", "process_steps"}
_KEYS = {"id", "doc", "section", "phrase", "effect", "text", "when", "unless", "licences", "unlicensed"}


class GuidanceRulesError(LicenseQAError):
    """The guidance rules file does not follow its schema."""


@dataclass(frozen=True)
class GuidanceRule:
    """One rule: ``when`` (compiled groups, all must match), ``unless`` (any vetoes), ``effect``, the plain
    ``text`` and the guidance clause it rests on (``cite``)."""

    id: str
    effect: str
    text: str
    cite: FactCitation
    when: tuple[re.Pattern[str], ...]
    unless: re.Pattern[str] | None = None
    licences: tuple[str, ...] = ()
    unlicensed: bool = False

    def matches(self, question: str, named: Sequence[str] = ()) -> int:
        """The number of ``when`` groups when every group occurs in the normalised ``question`` (and one of
        the rule's ``licences`` is among the ``named`` documents when it lists any; none is named when the
        rule is ``unlicensed``), else 0. ``named``: the licences the question asks about (a licence named
        only as a contrast, "unlike Llama 2", is not among them)."""
        if self.licences and not set(self.licences) & set(named):
            return 0
        if self.unlicensed and named:
            return 0  # "a 0BSD library shipped with no licence file" has a licence: the rule is not about it
        if self.unless is not None and self.unless.search(question):
            return 0
        return len(self.when) if all(p.search(question) for p in self.when) else 0

    def value(self, asks: str) -> str | None:
        """yes | no for a question that asks ``asks`` (module table); None: the rule does not decide it."""
        return VALUES.get((self.effect, asks))


@dataclass(frozen=True)
class GuidanceRules:
    """The rules, and the words that name a step of our own process (``process_steps``: approval, review,
    ticket, exception...): a question that asks about such a step asks what our policy decides."""

    rules: tuple[GuidanceRule, ...]
    process: re.Pattern[str] | None = None

    def asks_about_process(self, sentences: Sequence[str]) -> bool:
        """Whether the normalised asked ``sentences`` name a step of our process."""
        return self.process is not None and any(self.process.search(s) for s in sentences)

    def matching(self, question: str, named: Sequence[str] = ()) -> list[GuidanceRule]:
        """The rules whose situation the question describes, the most specific (most groups) first."""
        text = normalise_text(question)
        scored = [(r.matches(text, named), i, r) for i, r in enumerate(self.rules)]
        return [r for n, _, r in sorted((s for s in scored if s[0]), key=lambda s: (-s[0], s[1]))]

    @staticmethod
    def load(path: Path = RULES_FILE) -> GuidanceRules:
        """The rules of ``path`` (default: the bundled file), validated and compiled; cached."""
        return _load(str(path))


def _compile(phrases: Sequence[str]) -> re.Pattern[str]:
    sources = sorted({phrase_pattern(p, normalise_text) for p in phrases}, key=len, reverse=True)
    return re.compile("|".join(f"(?:{s})" for s in sources))


def _phrases(value: Any, where: str, problems: list[str]) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(f"{where} must be a non-empty list of phrases.")
        return []
    return [v.strip() for v in value]


def _rule(raw: Any, where: str, problems: list[str]) -> GuidanceRule | None:
    if not isinstance(raw, dict):
        problems.append(f"{where} must be a mapping.")
        return None
    before = len(problems)
    unknown = set(raw) - _KEYS
    if unknown:
        problems.append(f"{where} has unknown keys: {', '.join(sorted(unknown))}.")
    for key in ("id", "doc", "section", "phrase", "text"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            problems.append(f"{where} needs a non-empty {key!r} (a string; quote section labels).")
    if isinstance(raw.get("id"), str) and not _ID.match(raw["id"]):
        problems.append(f"{where}: id {raw['id']!r} must be lower case words joined by dashes.")
    if not isinstance(raw.get("unlicensed", False), bool):
        problems.append(f"{where}.unlicensed must be true or false.")
    if raw.get("effect") not in EFFECTS:
        problems.append(f"{where}.effect must be one of {', '.join(EFFECTS)}.")
    groups = raw.get("when")
    if not isinstance(groups, list) or not groups:
        problems.append(f"{where}.when must be a non-empty list of phrase lists.")
        groups = []
    when = [_phrases(g, f"{where}.when[{i}]", problems) for i, g in enumerate(groups)]
    unless = _phrases(raw["unless"], f"{where}.unless", problems) if "unless" in raw else []
    licences = _phrases(raw["licences"], f"{where}.licences", problems) if "licences" in raw else []
    if len(problems) > before:
        return None
    return GuidanceRule(
        id=raw["id"],
        effect=raw["effect"],
        text=" ".join(raw["text"].split()),
        cite=FactCitation(doc=raw["doc"], section=raw["section"], phrase=raw["phrase"]),
        when=tuple(_compile(g) for g in when),
        unless=_compile(unless) if unless else None,
        licences=tuple(licences),
        unlicensed=raw.get("unlicensed", False),
    )


def parse_rules(
    data: Any, where: str = "guidance rules", known_docs: Iterable[str] | None = None
) -> GuidanceRules:
    """Validate parsed YAML ``data``; ``known_docs``: the corpus document ids that ``doc`` and ``licences``
    may name (unchecked when None). Raises :class:`GuidanceRulesError` listing every problem."""
    problems: list[str] = []
    if not isinstance(data, dict) or data.get("version") != 1 or set(data) - _TOP_KEYS:
        raise GuidanceRulesError(f"{where} must be a mapping with `version: 1`, `rules` and `process_steps`.")
    steps = _phrases(data.get("process_steps"), f"{where}.process_steps", problems)
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise GuidanceRulesError(f"{where}: `rules` must be a non-empty list.")
    rules: list[GuidanceRule] = []
    seen: set[str] = set()
    docs = set(known_docs) if known_docs is not None else None
    for i, raw in enumerate(raw_rules):
        label = raw.get("id", i) if isinstance(raw, dict) else i
        rule = _rule(raw, f"{where} rule {label}", problems)
        if rule is None:
            continue
        if rule.id in seen:
            problems.append(f"{where}: duplicate rule id {rule.id!r}.")
        seen.add(rule.id)
        if docs is not None:
            strays = [d for d in (rule.cite.doc, *rule.licences) if d not in docs]
            if strays:
                problems.append(f"{where} rule {rule.id}: not in the corpus: {', '.join(strays)}.")
        rules.append(rule)
    if problems:
        raise GuidanceRulesError("; ".join(problems))
    return GuidanceRules(tuple(rules), _compile(steps))


def read_rules(path: Path = RULES_FILE, known_docs: Iterable[str] | None = None) -> GuidanceRules:
    """The rules of ``path``; :class:`GuidanceRulesError` when it cannot be read or is invalid."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise GuidanceRulesError(f"The guidance rules {path} cannot be read ({exc}).") from None
    return parse_rules(data, str(Path(path).name), known_docs)


@lru_cache(maxsize=4)
def _load(path: str) -> GuidanceRules:
    return read_rules(Path(path))


def check_citations(rules: GuidanceRules, clauses: Iterable[Clause]) -> list[str]:
    """Every rule whose guidance section is not among ``clauses`` or does not contain its phrase."""
    by_doc: dict[str, list[Clause]] = {}
    for c in clauses:
        by_doc.setdefault(c.doc_id, []).append(c)
    problems = []
    for rule in rules.rules:
        own = by_doc.get(rule.cite.doc)
        if not own:
            problems.append(f"rule {rule.id}: document {rule.cite.doc!r} is not in the index.")
        elif resolve(rule.cite, own) is None:
            label = rule.cite.label
            problems.append(f"rule {rule.id}: {label} does not contain the phrase {rule.cite.phrase!r}.")
    return problems
