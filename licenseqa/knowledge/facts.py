"""Licence facts: per licence, what each activity of the question vocabulary may do, each fact cited.

One reviewed YAML file per licence document of the corpus, ``data/facts/<doc id>.yaml``. Schema
(checked by :func:`parse_facts`; every error names the file and the entry)::

    id: Apache-2.0                 # the corpus document id (equal to the file name)
    copyleft: none                 # none | file | library | work | network: how far the licence's own
                                   #   terms reach into code combined with it (copyleft scope)
    summary: "One plain sentence."
    seeded_from: [choosealicense, osadl]   # optional: sources besides the licence text
    adds_to_base: true             # optional: an exception or additional condition that modifies a base
                                   #   licence (Classpath, Commons Clause); its facts govern where they speak
    activities:                    # one entry for EVERY activity id of data/vocabulary.yaml
      distribute-binary:
        effect: allowed-if         # allowed | allowed-if | not-allowed | not-triggered | not-addressed
        text: "Give recipients a copy of the licence, keep the NOTICE file ..."   # plain words
        obligations: [notice, state-changes]   # obligation ids of the vocabulary that apply
        requires: [modify]         # optional: the obligations apply only when these activities are part
                                   #   of the situation too (AGPL-3.0 §13: a modified version)
        alternatives: [source]     # optional, a subset of obligations: met by one of several options the
                                   #   clause offers, one of which avoids it (Artistic-2.0 §4 "at least ONE")
        scoped: [install-info]     # optional, a subset of obligations: they bind only in a narrower case
                                   #   the clause defines (GPL-3.0 §6: Installation Information only for a
                                   #   User Product), so a question about them alone is conditional
        if_present: [notice-file]  # optional, a subset of obligations: they bind only on material the work
                                   #   already carries (Apache-2.0 §4(d): "If the Work includes a NOTICE
                                   #   text file"), so a question about them alone is conditional, and one
                                   #   that states the material is missing is not bound by them
        on_conveying: true         # optional: the obligations attach to copies conveyed (sold, shipped);
                                   #   a situation that states no copy changes hands (a hosted service,
                                   #   internal use) does not trigger them (GPL-3.0 §0, §4: selling copies)
        cite:                      # one or more; none only for not-addressed
          - section: "4(a)"        # the clause's section label as the splitter gives it, null if unnumbered
            phrase: "give any other recipients of the Work"   # occurs in that clause
            doc: Apache-2.0        # optional, default the file's id (e.g. an AUP incorporated by reference)
    terms:                         # optional for software licences; model and data licences list every
      threshold:                   #   topic of MODEL_TOPICS / DATA_TOPICS
        addressed: true            # false: the text says nothing about it (then no citation)
        text: "Over 700 million monthly active users need a licence from Meta."
        value: 700000000           # optional number or string (a threshold, a required name)
        cite: [...]
    secondary_licences:            # optional: licences the text lets its code go out under in a combined
      licences: [GPL-2.0-only]     #   work only when a condition is met (EPL-2.0 §1, §3.2(a), Exhibit A):
      condition: "Only if ..."     #   facts ids; a combination into one of them is then conditional
      cite: [...]
    separate_works:                # optional: what the licence says of separate, independent works that
      text: "Separate, independent programs shipped beside it (an aggregate) stay under their own terms."
      cite: [...]                  #   merely sit beside its material (GPL-3.0 §5 aggregate, GPL-2.0 §2)
    grant_duration:                # optional: how long the grant lasts and whether it can be revoked, as
      text: "The copyright licence is perpetual and irrevocable."   # the licence says ("perpetual,
      cite: [...]                  #   irrevocable", "for the term of copyright"; Apache-2.0 §2, GPL-3.0 §2)
    restricted_uses:               # optional, only where activities.use-restrictions is not-allowed: each
      critical-infrastructure:     #   kind of use (an id of the vocabulary's restricted_uses) the licence
        text: "Not for operating critical infrastructure ..."   # or its policy forbids, and the clause
        cite: [...]
        duty: false                #   optional: true when the item states a positive duty ("disclaim ...")

Effects (the source of each rule is the cited clause):

- ``allowed``: the licence permits the activity and attaches no condition to it;
- ``allowed-if``: permitted when the listed ``obligations`` are met;
- ``not-allowed``: forbidden, or outside the grant (e.g. commercial use under a NonCommercial licence);
- ``not-triggered``: permitted, and it does not trigger the licence's conditions, which attach to another
  activity (e.g. GPL-3.0 network use is not conveying);
- ``not-addressed``: no clause speaks to it; never a guess.

Citations are checked by :func:`check_citations` against the clauses of the index (the same split the
answers cite): the clause with the section must contain the phrase (lower case, quotes straightened,
whitespace collapsed; ``*`` marks a gap, as in the OSADL linking of :mod:`licenseqa.knowledge.build`).
Errors: :class:`FactsError` (schema), with every problem listed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from licenseqa.errors import LicenseQAError
from licenseqa.knowledge.build import DocumentLinker
from licenseqa.knowledge.vocabulary import Vocabulary
from licenseqa.models import Clause

log = logging.getLogger(__name__)

FACTS_DIR = Path(__file__).resolve().parent / "data" / "facts"
EFFECTS = ("allowed", "allowed-if", "not-allowed", "not-triggered", "not-addressed")
# each effect in the plain words every view shows (CLI, chat comparison, licence browser)
EFFECT_WORDS = {
    "allowed": "can",
    "allowed-if": "can, if",
    "not-allowed": "cannot",
    "not-triggered": "not triggered",
    "not-addressed": "not addressed",
}
COPYLEFT_SCOPES = ("none", "file", "library", "work", "network")
SEEDS = ("choosealicense", "osadl")
MODEL_TOPICS = (
    "use-restrictions",  # use-based restrictions in the licence or an incorporated acceptable-use policy
    "acceptable-use-policy",  # the AUP the licence incorporates by reference, if any
    "threshold",  # user-count or revenue thresholds (value: the number)
    "outputs",  # rules on outputs of the model
    "training-other-models",  # using the model or its outputs to train other models
    "naming",  # attribution strings and naming of derivatives (value: the string)
    "downstream",  # what must pass to recipients of the model or its derivatives
    "termination",  # termination triggers (e.g. patent or IP litigation)
)
DATA_TOPICS = (
    "noncommercial",  # NonCommercial scope
    "noderivatives",  # NoDerivatives scope
    "sharealike",  # ShareAlike / copyleft of adapted material
    "database-vs-produced",  # ODbL: the database versus a produced work
    "training",  # what the text says (or does not say) about training models on the material
)
MODEL_KINDS = ("model",)
DATA_KINDS = ("content-data",)


class FactsError(LicenseQAError):
    """A licence facts file does not follow its schema or its citations do not resolve."""


@dataclass(frozen=True)
class FactCitation:
    """Where a fact rests: ``doc`` (document id), ``section`` (label or None for unnumbered), ``phrase``."""

    doc: str
    section: str | None
    phrase: str

    @property
    def label(self) -> str:
        return f"{self.doc} §{self.section}" if self.section else self.doc


@dataclass(frozen=True)
class ActivityFact:
    """The effect of one activity under one licence, its conditions in plain words and its clauses."""

    activity: str
    effect: str
    text: str
    obligations: tuple[str, ...] = ()
    cite: tuple[FactCitation, ...] = ()
    requires: tuple[str, ...] = ()
    alternatives: tuple[str, ...] = ()  # obligations an option of the clause avoids (schema above)
    on_conveying: bool = False  # the obligations attach to copies conveyed (schema above)
    scoped: tuple[str, ...] = ()  # obligations that bind only in a narrower case (schema above)
    if_present: tuple[str, ...] = ()  # obligations that bind only on material the work carries (schema above)


@dataclass(frozen=True)
class TermFact:
    """One licence term of a model or data licence (``topic`` of MODEL_TOPICS / DATA_TOPICS)."""

    topic: str
    addressed: bool
    text: str
    value: str | float | None = None
    cite: tuple[FactCitation, ...] = ()


@dataclass(frozen=True)
class SecondaryLicences:
    """Licences (facts ids) the text lets its code be distributed under in a combined work, and the
    condition it sets (EPL-2.0: only where the initial Contributor attached the Exhibit A notice)."""

    licences: tuple[str, ...]
    condition: str
    cite: tuple[FactCitation, ...]


@dataclass(frozen=True)
class SeparateWorks:
    """What a licence says of separate, independent works beside its material (GPL-3.0 §5: an aggregate
    does not cause the licence to apply to the other parts)."""

    text: str
    cite: tuple[FactCitation, ...]


@dataclass(frozen=True)
class RestrictedUse:
    """A kind of use (``use``: an id of the vocabulary's ``restricted_uses``) a licence forbids, and where."""

    use: str
    text: str
    cite: tuple[FactCitation, ...]
    # the item states a positive duty (OpenRAIL Attachment A: "without expressly and intelligibly
    # disclaiming that it is machine generated"), not only a ban ("claiming it was created by a human")
    duty: bool = False


@dataclass(frozen=True)
class LicenceFacts:
    """The reviewed facts of one licence document."""

    doc_id: str
    copyleft: str
    summary: str
    activities: Mapping[str, ActivityFact]
    terms: Mapping[str, TermFact] = field(default_factory=dict)
    seeded_from: tuple[str, ...] = ()
    path: str = ""
    adds_to_base: bool = False
    restricted_uses: Mapping[str, RestrictedUse] = field(default_factory=dict)
    secondary: SecondaryLicences | None = None
    separate_works: SeparateWorks | None = None
    # how long the grant lasts, as the licence states it (same shape: text and citations)
    grant_duration: SeparateWorks | None = None

    def citations(self) -> list[FactCitation]:
        return [c for _, c in _where_cited(self)]

    def to_dict(self) -> dict[str, Any]:
        """JSON shape: ``{"id", "copyleft", "summary", "seeded_from", "activities": {id: {..}}, "terms",
        "restricted_uses": {use id: {"text", "cite"}}}``."""
        return {
            "id": self.doc_id,
            "copyleft": self.copyleft,
            "summary": self.summary,
            "seeded_from": list(self.seeded_from),
            "adds_to_base": self.adds_to_base,
            "activities": {
                a: {
                    "effect": f.effect,
                    "text": f.text,
                    "obligations": list(f.obligations),
                    "requires": list(f.requires),
                    "alternatives": list(f.alternatives),
                    "on_conveying": f.on_conveying,
                    "scoped": list(f.scoped),
                    "if_present": list(f.if_present),
                    "cite": [_cite_dict(c) for c in f.cite],
                }
                for a, f in self.activities.items()
            },
            "terms": {
                t: {
                    "addressed": f.addressed,
                    "text": f.text,
                    "value": f.value,
                    "cite": [_cite_dict(c) for c in f.cite],
                }
                for t, f in self.terms.items()
            },
            "restricted_uses": {
                u: {"text": f.text, "cite": [_cite_dict(c) for c in f.cite], "duty": f.duty}
                for u, f in self.restricted_uses.items()
            },
            "secondary_licences": None
            if self.secondary is None
            else {
                "licences": list(self.secondary.licences),
                "condition": self.secondary.condition,
                "cite": [_cite_dict(c) for c in self.secondary.cite],
            },
            "separate_works": None
            if self.separate_works is None
            else {
                "text": self.separate_works.text,
                "cite": [_cite_dict(c) for c in self.separate_works.cite],
            },
            "grant_duration": None
            if self.grant_duration is None
            else {
                "text": self.grant_duration.text,
                "cite": [_cite_dict(c) for c in self.grant_duration.cite],
            },
        }


def _cite_dict(c: FactCitation) -> dict[str, Any]:
    return {"doc": c.doc, "section": c.section, "phrase": c.phrase, "label": c.label}


# -- parsing ----------------------------------------------------------------------------------------------


def _text(value: Any, where: str, problems: list[str]) -> str:
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where} needs a non-empty text.")
        return ""
    return " ".join(value.split())


def _cites(raw: Any, where: str, doc_id: str, problems: list[str]) -> tuple[FactCitation, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(f"{where}.cite must be a list of {{section, phrase}}.")
        return ()
    out = []
    for i, c in enumerate(raw):
        w = f"{where}.cite[{i}]"
        if not isinstance(c, dict) or set(c) - {"doc", "section", "phrase"}:
            problems.append(f"{w} must be a mapping with section, phrase and optionally doc.")
            continue
        section = c.get("section")
        if section is not None and not isinstance(section, str | int | float):
            problems.append(f'{w}.section must be a label such as "4(d)" or null.')
            continue
        phrase = _text(c.get("phrase"), f"{w}.phrase", problems)
        if phrase and len(phrase.split()) < 3:
            problems.append(f"{w}.phrase must be at least three words of the clause ({phrase!r}).")
        doc = c.get("doc") or doc_id
        out.append(FactCitation(str(doc), None if section is None else str(section), phrase))
    return tuple(out)


def parse_facts(data: Any, where: str, vocabulary: Vocabulary, kind: str | None = None) -> LicenceFacts:
    """Validate the parsed YAML ``data`` of one facts file and build :class:`LicenceFacts`.

    ``kind`` is the corpus kind of the document (it decides which ``terms`` topics are required).
    Raises :class:`FactsError` listing every problem.
    """
    problems: list[str] = []
    if not isinstance(data, dict):
        raise FactsError(f"{where}: a facts file must be a YAML mapping.")
    keys = {"id", "copyleft", "summary", "seeded_from", "adds_to_base", "activities", "terms"}
    keys |= {"restricted_uses", "secondary_licences", "separate_works", "grant_duration"}
    unknown = set(data) - keys
    if unknown:
        problems.append(f"unknown keys: {', '.join(sorted(unknown))}.")
    doc_id = data.get("id")
    if not isinstance(doc_id, str) or not doc_id:
        raise FactsError(f"{where}: `id` (the corpus document id) is required.")
    copyleft = data.get("copyleft")
    if copyleft not in COPYLEFT_SCOPES:
        problems.append(f"copyleft must be one of {', '.join(COPYLEFT_SCOPES)} (got {copyleft!r}).")
    summary = _text(data.get("summary"), "summary", problems)
    seeds = data.get("seeded_from") or []
    if not isinstance(seeds, list) or set(seeds) - set(SEEDS):
        problems.append(f"seeded_from must list some of {', '.join(SEEDS)}.")
        seeds = []
    obligation_ids = {t.id for t in vocabulary.obligations}
    raw_acts = data.get("activities")
    activities: dict[str, ActivityFact] = {}
    if not isinstance(raw_acts, dict):
        problems.append("activities must map every activity id to its fact.")
        raw_acts = {}
    wanted = [t.id for t in vocabulary.activities]
    missing = [a for a in wanted if a not in raw_acts]
    if missing:
        problems.append(f"activities missing: {', '.join(missing)}.")
    extra = [a for a in raw_acts if a not in wanted]
    if extra:
        problems.append(f"unknown activities: {', '.join(map(str, extra))}.")
    for act in wanted:
        raw = raw_acts.get(act)
        if raw is None:
            continue
        w = f"activities.{act}"
        if not isinstance(raw, dict) or set(raw) - {
            "effect",
            "text",
            "obligations",
            "cite",
            "requires",
            "alternatives",
            "on_conveying",
            "scoped",
            "if_present",
        }:
            problems.append(
                f"{w} must be a mapping of effect, text, obligations, requires, alternatives, "
                "on_conveying, scoped, if_present, cite."
            )
            continue
        effect = raw.get("effect")
        if effect not in EFFECTS:
            problems.append(f"{w}.effect must be one of {', '.join(EFFECTS)} (got {effect!r}).")
            continue
        obligations = raw.get("obligations") or []
        if not isinstance(obligations, list) or set(obligations) - obligation_ids:
            problems.append(f"{w}.obligations must list ids of {', '.join(sorted(obligation_ids))}.")
            obligations = []
        if effect == "allowed-if" and not obligations:
            problems.append(f"{w}: allowed-if needs the obligations it depends on.")
        requires = raw.get("requires") or []
        if not isinstance(requires, list) or set(requires) - set(wanted) or act in requires:
            problems.append(f"{w}.requires must list other activity ids.")
            requires = []
        alternatives = raw.get("alternatives") or []
        if not isinstance(alternatives, list) or set(alternatives) - set(obligations):
            problems.append(f"{w}.alternatives must list some of its obligations.")
            alternatives = []
        scoped = raw.get("scoped") or []
        if not isinstance(scoped, list) or set(scoped) - set(obligations):
            problems.append(f"{w}.scoped must list some of its obligations.")
            scoped = []
        if_present = raw.get("if_present") or []
        if not isinstance(if_present, list) or set(if_present) - set(obligations):
            problems.append(f"{w}.if_present must list some of its obligations.")
            if_present = []
        on_conveying = raw.get("on_conveying", False)
        if not isinstance(on_conveying, bool) or (on_conveying and effect != "allowed-if"):
            problems.append(f"{w}.on_conveying must be true or false, and true only for allowed-if.")
            on_conveying = False
        cites = _cites(raw.get("cite"), w, doc_id, problems)
        if effect != "not-addressed" and not cites:
            problems.append(f"{w}: effect {effect} needs at least one citation.")
        if effect == "not-addressed" and cites:
            problems.append(f"{w}: a not-addressed fact cites nothing.")
        activities[act] = ActivityFact(
            act,
            effect,
            _text(raw.get("text"), f"{w}.text", problems),
            tuple(obligations),
            cites,
            tuple(requires),
            tuple(alternatives),
            on_conveying,
            tuple(scoped),
            tuple(if_present),
        )
    terms: dict[str, TermFact] = {}
    raw_terms = data.get("terms") or {}
    allowed_topics = set(MODEL_TOPICS) | set(DATA_TOPICS)
    if not isinstance(raw_terms, dict):
        problems.append("terms must map topics to facts.")
        raw_terms = {}
    required: tuple[str, ...] = ()
    if kind in MODEL_KINDS:
        required = MODEL_TOPICS
    elif kind in DATA_KINDS:
        required = DATA_TOPICS
    missing_t = [t for t in required if t not in raw_terms]
    if missing_t:
        problems.append(f"terms missing for a {kind} licence: {', '.join(missing_t)}.")
    for topic, raw in raw_terms.items():
        w = f"terms.{topic}"
        if topic not in allowed_topics:
            problems.append(f"{w}: unknown topic (one of {', '.join(sorted(allowed_topics))}).")
            continue
        if not isinstance(raw, dict) or set(raw) - {"addressed", "text", "value", "cite"}:
            problems.append(f"{w} must be a mapping of addressed, text, value, cite.")
            continue
        addressed = raw.get("addressed")
        if not isinstance(addressed, bool):
            problems.append(f"{w}.addressed must be true or false.")
            continue
        cites = _cites(raw.get("cite"), w, doc_id, problems)
        if addressed and not cites:
            problems.append(f"{w}: an addressed term needs at least one citation.")
        if not addressed and cites:
            problems.append(f"{w}: a term the text does not address cites nothing.")
        value = raw.get("value")
        if value is not None and not isinstance(value, str | int | float):
            problems.append(f"{w}.value must be a number or a string.")
            value = None
        terms[topic] = TermFact(
            str(topic), addressed, _text(raw.get("text"), f"{w}.text", problems), value, cites
        )
    restricted = _restricted_uses(data.get("restricted_uses"), activities, doc_id, vocabulary, problems)
    secondary = _secondary_licences(data.get("secondary_licences"), doc_id, problems)
    separate = _separate_works(data.get("separate_works"), doc_id, problems)
    duration = _separate_works(data.get("grant_duration"), doc_id, problems, "grant_duration")
    adds_to_base = data.get("adds_to_base", False)
    if not isinstance(adds_to_base, bool):
        problems.append("adds_to_base must be true or false.")
        adds_to_base = False
    if problems:
        raise FactsError(f"{where}: " + " ".join(problems))
    return LicenceFacts(
        doc_id=doc_id,
        copyleft=str(copyleft),
        summary=summary,
        activities=activities,
        terms=terms,
        seeded_from=tuple(seeds),
        path=where,
        adds_to_base=adds_to_base,
        restricted_uses=restricted,
        secondary=secondary,
        separate_works=separate,
        grant_duration=duration,
    )


def _secondary_licences(raw: Any, doc_id: str, problems: list[str]) -> SecondaryLicences | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) - {"licences", "condition", "cite"}:
        problems.append("secondary_licences must be a mapping of licences, condition, cite.")
        return None
    licences = raw.get("licences")
    if not isinstance(licences, list) or not licences or not all(isinstance(x, str) for x in licences):
        problems.append("secondary_licences.licences must list facts ids.")
        return None
    cites = _cites(raw.get("cite"), "secondary_licences", doc_id, problems)
    if not cites:
        problems.append("secondary_licences needs at least one citation.")
    condition = _text(raw.get("condition"), "secondary_licences.condition", problems)
    return SecondaryLicences(tuple(licences), condition, cites)


def _separate_works(
    raw: Any, doc_id: str, problems: list[str], key: str = "separate_works"
) -> SeparateWorks | None:
    """A ``{text, cite}`` statement of the licence under ``key`` (``separate_works``, ``grant_duration``)."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) - {"text", "cite"}:
        problems.append(f"{key} must be a mapping of text, cite.")
        return None
    cites = _cites(raw.get("cite"), key, doc_id, problems)
    if not cites:
        problems.append(f"{key} needs at least one citation.")
    return SeparateWorks(_text(raw.get("text"), f"{key}.text", problems), cites)


def _restricted_uses(
    raw: Any, activities: Mapping[str, ActivityFact], doc_id: str, vocabulary: Vocabulary, problems: list[str]
) -> dict[str, RestrictedUse]:
    if raw is None:
        return {}
    known = {t.id for t in vocabulary.restricted_uses}
    if not isinstance(raw, dict):
        problems.append("restricted_uses must map use ids to {text, cite}.")
        return {}
    fact = activities.get("use-restrictions")
    if raw and (fact is None or fact.effect != "not-allowed"):
        problems.append("restricted_uses needs activities.use-restrictions to be not-allowed.")
    out: dict[str, RestrictedUse] = {}
    for use, entry in raw.items():
        w = f"restricted_uses.{use}"
        if use not in known:
            problems.append(f"{w}: unknown use (one of {', '.join(sorted(known))}).")
            continue
        if not isinstance(entry, dict) or set(entry) - {"text", "cite", "duty"}:
            problems.append(f"{w} must be a mapping of text, cite and an optional duty.")
            continue
        cites = _cites(entry.get("cite"), w, doc_id, problems)
        if not cites:
            problems.append(f"{w} needs at least one citation.")
        duty = entry.get("duty", False)
        if not isinstance(duty, bool):
            problems.append(f"{w}.duty must be true or false.")
            duty = False
        text = _text(entry.get("text"), f"{w}.text", problems)
        out[str(use)] = RestrictedUse(str(use), text, cites, duty)
    return out


def read_facts_file(path: Path, vocabulary: Vocabulary, kind: str | None = None) -> LicenceFacts:
    """One facts file, parsed and schema-checked; its ``id`` must equal the file name."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise FactsError(f"{path.name} cannot be read ({exc}).") from None
    facts = parse_facts(data, path.name, vocabulary, kind)
    if facts.doc_id != path.stem:
        raise FactsError(f"{path.name}: id {facts.doc_id!r} differs from the file name.")
    return facts


# -- the facts of the corpus --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FactsBook:
    """Every licence's facts by document id."""

    facts: Mapping[str, LicenceFacts]

    def get(self, doc_id: str) -> LicenceFacts | None:
        return self.facts.get(doc_id)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.facts

    def ids(self) -> list[str]:
        return sorted(self.facts)

    @staticmethod
    def load(directory: Path = FACTS_DIR, kinds: Mapping[str, str] | None = None) -> FactsBook:
        """All ``*.yaml`` of ``directory`` (default: the bundled facts); ``kinds``: doc id -> corpus kind.

        Raises :class:`FactsError` listing every file that does not follow the schema.
        """
        return _load(str(directory), tuple(sorted((kinds or {}).items())))


@lru_cache(maxsize=4)
def _load(directory: str, kinds: tuple[tuple[str, str], ...]) -> FactsBook:
    vocabulary = Vocabulary.load()
    kind_of = dict(kinds)
    out: dict[str, LicenceFacts] = {}
    errors: list[str] = []
    for path in sorted(Path(directory).glob("*.yaml")):
        try:
            out[path.stem] = read_facts_file(path, vocabulary, kind_of.get(path.stem))
        except FactsError as exc:
            errors.append(str(exc))
    for doc_id, facts in out.items():
        unknown = [x for x in (facts.secondary.licences if facts.secondary else ()) if x not in out]
        if unknown:
            named = ", ".join(unknown)
            errors.append(f"{doc_id}.yaml: secondary_licences names licences without facts: {named}.")
    if errors:
        raise FactsError("Licence facts do not follow the schema:\n- " + "\n- ".join(errors))
    return FactsBook(out)


# -- citations --------------------------------------------------------------------------------------------


def resolve(citation: FactCitation, clauses: Iterable[Clause]) -> dict[str, Any] | None:
    """The clause of ``clauses`` (any documents) that carries ``citation``, as a citation dict
    (``doc_id, section, heading, source, start_line, end_line, quote``), or None when the clause with that
    section does not contain the phrase."""
    own = [
        c for c in clauses if c.doc_id == citation.doc and (c.section or None) == (citation.section or None)
    ]
    if not own:
        return None
    return DocumentLinker(own).cite_phrase(citation.phrase)


def check_citations(book: FactsBook, clauses: Iterable[Clause]) -> list[str]:
    """Every citation of ``book`` that does not resolve against ``clauses``, as a message per problem."""
    by_doc: dict[str, list[Clause]] = {}
    for c in clauses:
        by_doc.setdefault(c.doc_id, []).append(c)
    problems = []
    for doc_id in book.ids():
        facts = book.facts[doc_id]
        for where, cite in _where_cited(facts):
            if cite.doc not in by_doc:
                problems.append(f"{doc_id} {where}: document {cite.doc!r} is not in the index.")
                continue
            sections = {c.section or None for c in by_doc[cite.doc]}
            if (cite.section or None) not in sections:
                shown = ", ".join(sorted(s for s in sections if s)) or "none"
                problems.append(
                    f"{doc_id} {where}: {cite.doc} has no section {cite.section!r} (sections: {shown})."
                )
                continue
            if resolve(cite, by_doc[cite.doc]) is None:
                problems.append(
                    f"{doc_id} {where}: {cite.label} does not contain the phrase {cite.phrase!r}."
                )
    return problems


def _where_cited(facts: LicenceFacts) -> list[tuple[str, FactCitation]]:
    out = [(f"activities.{a}", c) for a, f in facts.activities.items() for c in f.cite]
    out += [(f"terms.{t}", c) for t, f in facts.terms.items() for c in f.cite]
    out += [(f"restricted_uses.{u}", c) for u, f in facts.restricted_uses.items() for c in f.cite]
    out += [("secondary_licences", c) for c in (facts.secondary.cite if facts.secondary else ())]
    out += [("separate_works", c) for c in (facts.separate_works.cite if facts.separate_works else ())]
    out += [("grant_duration", c) for c in (facts.grant_duration.cite if facts.grant_duration else ())]
    return out


# -- comparison --------------------------------------------------------------------------------------------


def compare(a: LicenceFacts, b: LicenceFacts) -> list[dict[str, Any]]:
    """Side by side, one row per activity and term topic: ``{"row", "kind", "a", "b", "differs"}`` where
    ``a``/``b`` are ``{"effect" | "addressed", "text", "obligations", "cite"}`` (None when absent)."""
    rows: list[dict[str, Any]] = [
        {
            "row": "copyleft",
            "kind": "scope",
            "a": {"text": a.copyleft},
            "b": {"text": b.copyleft},
            "differs": a.copyleft != b.copyleft,
        },
    ]
    da, db = a.to_dict(), b.to_dict()
    for act in da["activities"].keys() | db["activities"].keys():
        fa, fb = da["activities"].get(act), db["activities"].get(act)
        key_a = (fa or {}).get("effect"), sorted((fa or {}).get("obligations", []))
        key_b = (fb or {}).get("effect"), sorted((fb or {}).get("obligations", []))
        rows.append({"row": act, "kind": "activity", "a": fa, "b": fb, "differs": key_a != key_b})
    for topic in da["terms"].keys() | db["terms"].keys():
        fa, fb = da["terms"].get(topic), db["terms"].get(topic)
        differs = (
            (fa or {}).get("addressed") != (fb or {}).get("addressed")
            or (fa or {}).get("value") != (fb or {}).get("value")
            or ((fa or {}).get("text") != (fb or {}).get("text"))
        )
        rows.append({"row": topic, "kind": "term", "a": fa, "b": fb, "differs": differs})
    order = {t.id: i for i, t in enumerate(Vocabulary.load().activities)}
    topics = {t: i for i, t in enumerate(MODEL_TOPICS + DATA_TOPICS)}
    rows.sort(
        key=lambda r: (
            {"scope": 0, "activity": 1, "term": 2}[r["kind"]],
            order.get(r["row"], topics.get(r["row"], 99)),
        )
    )
    return rows
