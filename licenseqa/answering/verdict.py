"""Verdict-first answers: a yes/no question about an activity under a licence, decided by the licence facts.

:func:`decide` reads the question model (:class:`~licenseqa.answering.analysis.Analysis`) and the reviewed
facts (:mod:`licenseqa.knowledge.facts`) and returns a :class:`Verdict`, or None when the question is not
a yes/no question or the facts do not decide it (the answer then stays extractive and says so). The rules,
each resting on the cited facts, never on the wording of one example:

1. What is asked (``asks`` of the vocabulary, read on the sentences that end with "?"):
   - *obligation* ("do we have to keep the header?", "does that trigger the source offer?"): yes when an
     activity of the situation carries the obligation named (any obligation when none is named), no when
     the facts of every activity of the situation are decided and none carries it;
   - *avoid* ("can the module stay proprietary?", "can we drop the header?"): the mirror image: no when
     the obligation applies, yes when it does not;
   - otherwise *permission* ("can we sell it?"): no when an activity of the situation is ``not-allowed``,
     yes when every one is permitted (``allowed``, ``allowed-if`` - the conditions are stated -,
     ``not-triggered``).
2. The situation is the question's activities other than ``attribution`` (notices are an obligation, not
   a way of using the software); when it is empty, or when an obligation or avoid question names no
   distribution mode ("can we remove the notice from code we modified?"), the activity that names the
   obligation stands in (``attribution`` for notices and names): its fact says when the obligation binds.
3. A fact that is ``not-addressed`` decides nothing; when nothing is decided there is no verdict.
4. A family subject (GPL: GPL-3.0-only, GPL-2.0-only) gets one verdict when its versions agree, else one
   sentence per version and the value ``conditional``. Two licences combined: the OSADL compatibility
   verdict of the direction asked decides (Yes -> yes, No -> no, Check dependency -> conditional).
5. A permission question whose asked sentence names no activity ("... Is that allowed?") is read against
   the situation the question described before it, and answered only when that situation includes an
   activity the licence does not allow ("no"). A "yes" would need what the question adds to that situation
   (the twist it asks about: who said so, whether a fix in the next release suffices) to be understood,
   which the facts cannot tell; so it stays without a verdict.
6. A permission or avoid question that describes a kind of use a model licence or its use policy forbids (the
   vocabulary's ``restricted_uses``: critical infrastructure, undisclosed machine generation, fully
   automated decisions ...) is answered "no" under each licence whose facts list that kind, citing its
   clause. A kind the licence's facts do not list decides nothing for it: the lists are not read by analogy.
7. "Does X violate / breach / go against the licence?" (the vocabulary's ``violation`` ask) and "do we
   need the author's permission to X?" (``needs-permission``) are the permission or avoid question about X
   with yes and no turned round: an act the licence does not allow breaks it, or needs permission. A
   breach stated as a premise ("if we violate it, do we get the licence back?", "we got a violation
   notice") is not turned round: the question asks what follows from it.
8. A question whose asker holds the rights in the whole work ("I am the only contributor", the
   vocabulary's ``licensor`` ask) gets no verdict: a licence binds those who receive the work under it,
   and its facts say nothing about what the copyright holder may do with their own work.
9. A question about the licensor changing the licence of later releases ("the maintainers switched to a
   commercial licence: are the versions we run still covered?", the vocabulary's ``upstream-change`` ask)
   asks whether an earlier grant stays in force: no activity fact states that, the licence's own words on
   its duration do (facts ``grant_duration``: Apache-2.0 §2 "perpetual ... irrevocable", GPL-3.0 §2 "for
   the term of copyright ... irrevocable"). With them the versions received stay licensed (yes; "can
   they revoke it?" no); without them (MIT, BSD state no duration) there is no verdict.
10. Conditions attached to conveyed copies (facts ``on_conveying``: the conditions of selling copies, GPL-3.0
    §4) are not triggered when the situation states that no copy changes hands (a hosted service or
    internal use, with no distribution mode: :func:`conveys_no_copy`); obligations a clause binds only in a
    narrower case (facts ``scoped``: GPL-3.0 §6 Installation Information for a User Product) make a
    question about them ``conditional``, as options one of which avoids them (``alternatives``) do.
11. The question asked: of two yes/no questions joined by "or" (or ", and") the first
    (:func:`asked_sentences`); an anaphoric permission question ("can we ship it like that?") after a
    situation stated as lacking what an obligation requires ("has no copyright header"), or as planning
    to remove it ("drop its Invariant Sections"), asks to avoid that obligation (:func:`lacked_obligations`).
12. The subjects: a licence named only as a contrast ("unlike Llama 2"), as the standard of comparison
    ("like Apache does", "the way we do for the CC BY ones") or as a mistaken identification ("a teammate
    thinks that's the Business Source License") is not a subject, and no party to a combination
    (:func:`not_contrasted`); dropping a notice while combining is decided by the facts, not by OSADL.
13. Material the question says is missing: an obligation that binds only on material the work carries
    (facts ``if_present``: Apache-2.0 §4(d), "If the Work includes a NOTICE text file") binds nothing when
    the question states it is missing ("no NOTICE file at all"), and makes a question whether it binds
    ``conditional`` otherwise (asking to remove it presumes it is there).
14. Separate works: when the question describes the asker's own work as separate and independent of the
    licensed material (the vocabulary's ``separate-work`` ask: "a separate program", "the billing system we
    write separately", works placed "on the same installer ISO") and the situation does not link or combine
    them, the licence's own words on separate works (facts ``separate_works``: GPL-3.0 §5 aggregate, GPL-2.0
    §2) decide whether its same-licence or source obligations reach that work. The asked sentence may name
    that work again as "the X" after the question introduced it as "our ... X" (:func:`names_our_work_again`).
    SSPL-1.0 has no such entry: its §13 reaches the programs used to offer the service.
15. A reported claim: a short check ("Is he right?", "Is that true?") after someone's claim introduced by a
    reporting verb ("our legal team says that ...", "a new hire insists ...") asks about that claim, so the
    claim is read as the asked sentence (:func:`reported_claim`); a negated claim gets no verdict. A claim
    that a work has to *be* under a subject licence ("has to be Apache too") names the same-licence
    obligation by the licence's own name.
16. Publishing the source *to the public* ("do we have to publish our changes publicly?", the vocabulary's
    ``to-the-public`` ask): the source obligations of the facts are owed to the recipients or the users of
    the work, so a "yes" becomes ``conditional`` (it depends on who receives or uses it); a "no" stays.
17. Completeness: "is including the licence text all we need to do?" (the vocabulary's ``completeness``
    ask, with an obligation named) is answered yes when the facts of the situation carry no obligation
    beyond those named, no when one carries another (:func:`_complete`).
18. The duty a ban implies: an obligation question naming no obligation of the vocabulary but the duty a
    restricted use's ban implies ("does the licence require us to tell users they're talking to a
    machine?": the ``duty`` phrases of undisclosed machine generation) is answered yes under a licence whose
    facts list that restricted use as a duty (``duty: true``), citing its item; otherwise there is no
    verdict (:func:`_duty_of_a_ban`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from licenseqa.answering.analysis import Analysis, Subject
from licenseqa.answering.detect import normalise, remove_spans
from licenseqa.knowledge.facts import ActivityFact, FactCitation, FactsBook, LicenceFacts, SecondaryLicences
from licenseqa.knowledge.vocabulary import Term, Vocabulary

PERMITTED = ("allowed", "allowed-if", "not-triggered")
# activities that name an obligation rather than a way of using the material
OBLIGATION_ACTIVITIES = {"attribution"}
# activities named by the verbs that also govern an obligation ("ship the notice", "publish our changes")
VERB_ACTIVITIES = {"distribute-source", "distribute-binary", "include-in-work"}
# arrangements a question can describe before asking about "that" (prohibited by some licences)
ARRANGEMENTS = {"restrict-recipients", "use-restrictions"}
# activities that make one work of the licensed material and the asker's: their work is then not separate
_COMBINING = {"static-linking", "dynamic-linking", "include-in-work"}
# the distribution modes: the context an obligation question is read in
MODES = {"internal-use", "distribute-source", "distribute-binary", "network-service"}
# activities whose conditions attach to conveying the result (they take the internal-use fact in-house)
CONVEYING_CONDITIONED = {"modify", "static-linking", "dynamic-linking", "include-in-work"}
# the activity whose fact speaks to an obligation when the question names no other activity
STAND_IN = {
    "notice": "attribution",
    "notice-file": "attribution",
    "naming": "attribution",
    "separate-licence": "user-thresholds",
    "pass-terms": "use-restrictions",
    "same-licence": "include-in-work",
    "invariant-sections": "modify",  # leaving one out makes a Modified Version (GFDL §4)
    "latest-version": "internal-use",  # the duty binds using the model at all (OpenRAIL-M §7)
}
# activities of training and of a model's outputs: whether what they produce is a work that includes the
# material is not what any fact states (each licence's fact for the activity says what the text says about
# training or outputs), so no "work that includes it" stands in for them
MODEL_MATERIAL = {"train-on-data", "model-outputs"}
COMPAT_VALUES = {"Yes": "yes", "No": "no", "Check dependency": "conditional"}
WORD = {"yes": "Yes.", "no": "No.", "conditional": "It depends."}


@dataclass(frozen=True)
class VerdictSentence:
    """One plain sentence of the verdict and the facts' clauses it rests on."""

    text: str
    cite: tuple[FactCitation, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """``value`` yes | no | conditional; ``asks`` permission | obligation | avoid | violation (whether an
    act breaks the licence: the permission answer turned round); the sentences."""

    value: str
    asks: str
    sentences: tuple[VerdictSentence, ...]
    obligations: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()

    def citations(self) -> list[FactCitation]:
        out: list[FactCitation] = []
        for s in self.sentences:
            out += [c for c in s.cite if c not in out]
        return out


_ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|etc|vs|cf|approx|incl)\.", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[,;:()]|\s[-–—]\s")
_CONJUNCTIONS = {"so", "and", "but", "then", "also", "or", "yet"}
_WH = {"what", "which", "how", "who", "whom", "whose", "why"}  # not "when": "When we ship it, do we ...?"
_DEMONSTRATIVE = {"that", "this", "it", "so"}
# words that set two alternatives side by side ("X or Y?", "is X the same as Y?"): such a question is not a
# yes or no about one act. ALTERNATIVES leaves out "compare" / "differ", which in a policy question can name
# the act itself ("publish the eval set so others can compare results"); COMPARING adds them.
_ALTERNATIVE_WORDS = r"or|vs|versus|difference between|better|worse|same as"
ALTERNATIVES = re.compile(rf"\b({_ALTERNATIVE_WORDS})\b")
_COMPARING = re.compile(rf"\b({_ALTERNATIVE_WORDS}|difference|differ|compared?)\b")


def _raw_asked(question: str) -> list[str]:
    text = _ABBREVIATIONS.sub(lambda m: m.group(1), question.strip())
    parts = [p for p in re.split(r"(?<=[.?!])\s+", text) if p.rstrip().endswith("?")]
    return parts or [text]


# "Is that fine under X, or does Y need a separate licence?", "Is that allowed, and do we need to do
# anything extra?": a second yes/no question joined by "or" (or by ", and"); "Are we allowed to, and what do
# we have to ship?": a second, open question joined by ", and" asks what follows from the first
_SECOND_ALTERNATIVE = re.compile(
    r"(?:,\s*(?:or|and)|\s+or)\s+(?:(?:should|must|do|does|is|are|will|would|can|could|did|has|have)\s+"
    r"\w+\b|am\s+i\b)"
    r"|,\s*and\s+(?:what|which|how|where|who)\b",
    re.IGNORECASE,
)


def asked_sentences(question: str) -> list[str]:
    """The normalised sentences that end with "?" (the whole question when none does); "e.g." and the like
    do not end a sentence. Of two yes/no questions joined by "or" ("Can we publish the tiles under our
    own licence, or does ODbL force them to be ODbL?") or ", and" ("Is that allowed, and do we need to do
    anything extra?") the first is the one asked: a yes or no answers it; the second names the
    alternative the asker fears or asks what follows, which the quoted clauses answer. So does an open
    question joined by ", and" ("Can we bundle it, and what notice must go with it?")."""
    return [normalise(_SECOND_ALTERNATIVE.split(p, maxsplit=1)[0]) for p in _raw_asked(question)]


# "Is he right?", "Are they correct?", "Is that true?": a short question checking a claim stated before it
_CHECKS_A_CLAIM = re.compile(
    r"^(?:so |but )?(?:is|are) (?:that|this|it|he|she|they|the \w+|our \w+|our \w+ \w+) "
    r"(?:right|correct|true|wrong)(?: here| about (?:that|this|it))?$"
)
# the reporting verbs that introduce someone's claim ("our legal team says that ...", "a new hire insists")
_REPORTING = re.compile(
    r"\b(?:says|said|insists|insisted|claims|claimed|argues|argued|thinks|thought|believes|believed|"
    r"told us|tells us|told me|warns|warned|reckons|maintains|is convinced|are convinced|says we|"
    r"keeps saying|kept saying)\b(?: that\b)?"
)


# the licence as the subject of a ban in a reported claim ("the LGPL flat out forbids static linking")
_BAN = re.compile(r"\b(?:flat out |outright |completely |totally )?(?:forbids|prohibits|bans|disallows)\b")


def reported_claim(question: str, sentences: Sequence[str]) -> str | None:
    """The claim a short check ("Is he right?", "Is that true?") asks about, normalised: what follows the
    last reporting verb ("... insists that makes our backend a Derivative Work that has to be Apache
    too") in the sentences before it. A negated claim is not returned: its yes would be the no of the
    positive one only when the negation governs the claim's main verb, which word order alone does not
    show. None when the asked sentence checks no reported claim."""
    if len(sentences) != 1 or not _CHECKS_A_CLAIM.match(sentences[0]):
        return None
    text = _ABBREVIATIONS.sub(lambda m: m.group(1), question.strip())
    before = [p for p in re.split(r"(?<=[.?!])\s+", text) if not p.rstrip().endswith("?")]
    for sentence in reversed(before):
        said = list(_REPORTING.finditer(normalise(sentence)))
        if said:
            claim = normalise(sentence)[said[-1].end() :].strip()
            if len(claim.split()) < 3 or _NEGATION.search(claim):
                return None
            return claim
    return None


def _yes_no_leading() -> frozenset[str]:
    """The words that open a yes/no question: the vocabulary's ``yes-no`` form (one list for both readers)."""
    leading = next(t for t in Vocabulary.load().forms if t.id == "yes-no").leading
    # compared with normalised words: "doesn't" reads "doesn t", so its first word is the one to match
    return frozenset(normalise(w).split()[0] for w in leading if normalise(w))


def is_polar(sentences: Sequence[str], question: str | None = None) -> bool:
    """A yes/no question: an asked sentence, or a clause of it after a comma, colon or dash, opens with an
    auxiliary ("Quick one: for Llama 2, do we need ...?"), or it ends with "allowed?" / "ok?" / "right?"."""
    if any(s.split()[:1] and s.split()[0] in _WH for s in sentences):
        return False  # "Which terms apply, and is that okay?" asks for an explanation first
    pieces = list(sentences)
    if question is not None:
        pieces += [normalise(c) for p in _raw_asked(question) for c in _CLAUSE_BREAK.split(p)]
    for s in pieces:
        words = s.split()
        while words[:1] and words[0] in _CONJUNCTIONS:
            words = words[1:]  # "..., so does that give us ...?": the clause opens after the conjunction
        if words and words[0] in _yes_no_leading():
            return True
        if words and words[-1] in {"allowed", "ok", "okay", "right", "fine"}:
            return True
    return False


def is_anaphoric(sentences: Sequence[str]) -> bool:
    """The asked sentence only points back at what the question described: short, with a demonstrative
    ("Is that allowed?", "Does the policy allow that?", "Allowed?")."""
    words = " ".join(sentences).split()
    return len(words) <= 8 and (bool(_DEMONSTRATIVE & set(words)) or len(words) <= 2)


# words that state something is missing, right before what is missing ("no copyright header", "without
# the licence text", "stripped of its notices")
_LACKING = {"no", "without", "lacks", "lacking", "missing", "stripped", "removed", "dropped", "omitting"}
# verbs of a planned removal right before what is to be removed ("drop its long Invariant Sections")
_REMOVING = {"drop", "strip", "remove", "omit", "delete", "cut", "skip"}
# ... or right after it ("its copyright notice stripped", "the header was removed")
_LACKING_AFTER = {"stripped", "removed", "missing", "dropped", "deleted", "gone"}


# an asked sentence that points back at the situation described ("can we ship it like that?")
_POINTS_BACK = re.compile(r"\b(?:like that|like this|that way|this way|as it is|as they are)\b")


# "it doesn't ship a NOTICE file", "the repo does not have any licence file": a negated having or shipping
_NOT_HAVING = re.compile(
    r"\b(?:doesn t|does not|don t|do not|didn t|did not|never)\s+(?:have|has|ship|ships|include|includes|"
    r"contain|contains|come with|comes with)(?:\s+(?:a|an|any|its|their))?\s*$"
)


def lacked_obligations(text: str, vocabulary: Vocabulary, planned: bool = False) -> tuple[str, ...]:
    """The obligation ids whose mention in ``text`` (normalised) is stated as missing: a word of
    ``_LACKING`` at most three words before it ("has no copyright header in it", "ships without a
    licence file"), a negated having or shipping right before it ("it doesn't ship a NOTICE file") or one
    of ``_LACKING_AFTER`` in the two words after it ("its notice stripped"). ``planned``: a removal the
    question plans ("drop its Invariant Sections ... Allowed?", ``_REMOVING``) counts too; it is not a
    statement that the material is missing (asking to remove it presumes it is there)."""
    lacking = _LACKING | _REMOVING if planned else _LACKING
    return tuple(
        oid
        for oid, spans in vocabulary.obligation_mentions(text).items()
        if any(
            lacking & set(text[max(0, a - 40) : a].split()[-3:])
            or _NOT_HAVING.search(text[max(0, a - 40) : a])
            or _LACKING_AFTER & set(text[e:].split()[:2])
            for a, e in spans
        )
    )


def read_asks(sentences: Sequence[str], vocabulary: Vocabulary) -> tuple[str, tuple[str, ...]]:
    """(``permission`` | ``obligation`` | ``avoid`` | ``sufficiency``, obligation ids named in the asked
    sentences)."""
    text = " ".join(sentences)
    named = tuple(vocabulary.obligation_mentions(text))
    found = {t.id for t in vocabulary.asks if t.find(text)}
    if any(s.split()[:1] in (["must"], ["shall"]) for s in sentences):
        found.add("obligation")  # "Must new adapters be registered?" asks whether an obligation applies
    if "completeness" in found:
        # "is including the licence text all we need to do?"; without an obligation named ("is attaching
        # the MPL text all we need?") what is offered as complete is not known: undecided, like sufficiency
        return ("completeness" if named else "sufficiency"), named
    if "sufficiency" in found:
        return "sufficiency", named
    opens_with_can = any(s.split()[:1] and s.split()[0] in {"can", "could", "may"} for s in sentences)
    if "avoid" in found and (opens_with_can or "obligation" not in found):
        return "avoid", named
    if "obligation" in found:
        return "obligation", named
    return "permission", named


# "if we breach it, ...": a breach stated as a premise of the question, not what is asked
_PREMISE = {"if", "when", "after", "once", "since", "because", "got", "received", "notice"}


def ask_term(vocabulary: Vocabulary, term_id: str) -> Term:
    """The vocabulary's ``asks`` term ``term_id``."""
    return next(t for t in vocabulary.asks if t.id == term_id)


def violation_is_a_premise(text: str, vocabulary: Vocabulary, question: str | None = None) -> bool:
    """Whether every mention of breaking the licence in ``text`` is a premise ("if we violate ...", "we got a
    violation notice"): then the question asks what follows from it (termination, cure), not whether an act
    breaks the licence. With the raw ``question``, a mention is also a premise when the clause holding it
    (split at commas, colons, dashes) opens with a premise word ("if a holder notifies us of a first
    violation and we cure it within 30 days, is the licence reinstated?")."""
    term = ask_term(vocabulary, "violation")
    if all(_PREMISE & set(text[max(0, s - 40) : s].split()[-4:]) for s, _ in term.find(text)):
        return True
    if question is None:
        return False
    clauses = [normalise(c) for p in _raw_asked(question) for c in _CLAUSE_BREAK.split(p)]
    holding = [c.split() for c in clauses if term.find(c)]
    return bool(holding) and all(words[:1] and words[0] in _PREMISE for words in holding)


def _without_obligation_verbs(text: str, vocabulary: Vocabulary) -> str:
    """``text`` without the conveying verbs that govern an obligation mention two words or less after them:
    in "ship the Notice file" or "publish our changes" the verb belongs to the obligation, not to the
    situation."""
    obligation_starts = [a for t in vocabulary.obligations for a, _ in t.find(text)]
    if not obligation_starts:
        return text
    out = text
    for term in vocabulary.activities:
        if term.id not in VERB_ACTIVITIES:
            continue
        for start, end in term.find(text):
            if " " in text[start:end]:
                continue  # a verb is one word ("ship", "publish", "include"); "into our" is not one
            gap = [a for a in obligation_starts if a >= end and len(text[end:a].split()) <= 2]
            if gap:
                out = out[:start] + " " * (end - start) + out[end:]
    return out


def situation(
    analysis: Analysis,
    sentences: Sequence[str],
    asks: str,
    obligations: Sequence[str],
    vocabulary: Vocabulary,
) -> tuple[str, ...]:
    """The activities the verdict is about (module docstring, rule 2)."""
    from licenseqa.answering.analysis import confirms, find_activities

    def acts_in(text: str) -> tuple[str, ...]:
        found = find_activities(text, vocabulary.activities, confirms(text, vocabulary))
        return tuple(a for a in found if a not in OBLIGATION_ACTIVITIES)

    asked = [_without_obligation_verbs(x, vocabulary) for x in sentences]
    acts = acts_in(" ".join(asked))
    if asks in ("obligation", "avoid"):
        # whether an obligation applies depends on how the material is used or shipped, which the question
        # usually says before it asks ("we never ship it, people use the portal online. Must we ...?")
        whole = normalise(analysis.question)
        for raw, stripped in zip(sentences, asked, strict=True):
            whole = whole.replace(raw, stripped)
        context = acts_in(whole)
        acts = tuple(dict.fromkeys((*acts, *(a for a in context if a in MODES or not acts))))
    elif asks == "permission" and _DEMONSTRATIVE & set(" ".join(sentences).split()):
        # "Can we agree to that and keep shipping?": the arrangement described before is part of what is
        # asked; it is judged against the licence's prohibitions of arrangements
        context = acts_in(normalise(analysis.question))
        acts = tuple(dict.fromkeys((*acts, *(a for a in context if a in ARRANGEMENTS))))
    if asks in ("obligation", "avoid") and acts and not set(acts) & MODES:
        # "can we remove the notice from code we modified?": no distribution mode is said, and the fact that
        # states the obligation asked about (attribution for notices) says when it binds
        stand_ins = [STAND_IN[o] for o in obligations if o in STAND_IN]
        if set(acts) & MODEL_MATERIAL:
            stand_ins = [a for a in stand_ins if a != "include-in-work"]
        acts = tuple(dict.fromkeys((*acts, *stand_ins)))
    acts = _settle(acts)
    if acts:
        return acts
    if asks == "permission":
        return ()
    stand_in = [STAND_IN[o] for o in obligations if o in STAND_IN]
    return tuple(dict.fromkeys(stand_in))


def described_situation(analysis: Analysis, vocabulary: Vocabulary) -> tuple[str, ...]:
    """The activities of the whole question (not only its asked sentences), as the described situation of an
    anaphoric permission question (module docstring, rule 5)."""
    from licenseqa.answering.analysis import confirms, find_activities

    text = normalise(analysis.question)
    found = find_activities(text, vocabulary.activities, confirms(text, vocabulary))
    return _settle(tuple(a for a in found if a not in OBLIGATION_ACTIVITIES))


def _settle(acts: tuple[str, ...]) -> tuple[str, ...]:
    """``acts`` with in-house use read as the field reads it: others using it over the network is not
    in-house use, and in-house use conveys nothing (changing or linking the code in-house is part of it)."""
    if "network-service" in acts and "internal-use" in acts:
        acts = tuple(a for a in acts if a != "internal-use")
    if "internal-use" in acts:
        acts = tuple(a for a in acts if a not in CONVEYING_CONDITIONED)
    return acts


def _in_situation(fact: ActivityFact, acts: Sequence[str]) -> ActivityFact:
    """``fact`` as it applies to the situation: obligations that need another activity (``requires``, e.g.
    AGPL-3.0 §13 needs a modified version) are not triggered when that activity is not part of it."""
    if fact.requires and not set(fact.requires) <= set(acts) and fact.effect == "allowed-if":
        return replace(fact, effect="not-triggered", obligations=())
    if fact.on_conveying and fact.effect == "allowed-if" and conveys_no_copy(acts):
        return replace(fact, effect="not-triggered", obligations=())
    return fact


# the distribution modes in which a copy changes hands (OSADL use cases "Source code delivery", "Binary
# delivery") and the situations that state none does (OSADL "Network service"; internal use)
_CONVEYING = frozenset({"distribute-source", "distribute-binary"})
_NO_COPY = frozenset({"network-service", "internal-use"})


def conveys_no_copy(acts: Sequence[str]) -> bool:
    """Whether the situation states that no copy changes hands: a hosted service or internal use, with no
    distribution mode beside it (GPL-3.0 §0: mere interaction through a computer network is not
    conveying). A situation that says neither is not read as one."""
    return bool(_NO_COPY & set(acts)) and not (_CONVEYING & set(acts))


def _say(facts: LicenceFacts, found: Sequence[ActivityFact], limit: int = 2) -> list[VerdictSentence]:
    """One sentence per fact ("Under X: ..."), at most ``limit``, each with the fact's citations."""
    return [VerdictSentence(f"Under {facts.doc_id}: {f.text}", f.cite) for f in found[:limit]]


# a stated user count: a number (digit groups as normalise leaves them, "1 500 000"; "2 million", "120m",
# "3.5 billion") followed within three words by the users it counts ("monthly active users", "MAU")
_USER_COUNT_RE = re.compile(
    r"(?<![\d.])(\d{1,3}(?: \d{3})+|\d+(?:\.\d+)?)\s*(thousand|million|billion|k|m|mn|b|bn)?\b"
    r"(?: (?!(?:for|to|of|with|and|our|their|the|a|an|in|on|by|from)\b)[a-z]+){0,2}?"
    r" (?:monthly active users|monthly actives|monthly users|active users|maus?|users)\b"
)
_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "b": 1e9, "bn": 1e9}


def stated_user_count(question: str) -> float | None:
    """The user count a question states ("about 2 million monthly active users" -> 2e6), or None.

    Shapes: "1,500,000 MAU", "2 million monthly active users", "120M monthly actives", "3.5 billion users";
    at most two words between the number and the users, no digits or function words among them ("Llama 2
    for 5 users" counts 5; "Llama 3.1 70B for our users" states no count)."""
    m = _USER_COUNT_RE.search(normalise(question))
    if m is None:
        return None
    digits, scale = m.group(1), m.group(2)
    return float(digits.replace(" ", "")) * _SCALE.get(scale or "", 1.0)


def _by_user_count(facts: LicenceFacts, count: float, asks: str) -> tuple[str, list[VerdictSentence]] | None:
    """A question that states its user count (``count``, from :func:`stated_user_count`), under a licence
    whose threshold is a number (the facts' ``terms.threshold.value``, e.g. Llama 3.1 §2: more than 700
    million monthly active users need Meta's licence): at or below the threshold the separate licence is
    not needed, above it it is. Permission
    ("can we use it without a deal?") is yes below and no above; an obligation question ("do we need a
    licence from Meta?") the other way round."""
    term = facts.terms.get("threshold")
    if term is None or not term.addressed or not isinstance(term.value, int | float) or not term.cite:
        return None
    above = count > float(term.value)
    value = ("yes" if above else "no") if asks == "obligation" else ("no" if above else "yes")
    side = "above" if above else "not above"
    said = VerdictSentence(
        f"Under {facts.doc_id}: {term.text} The {count:,.0f} users the question states are {side} that "
        f"threshold ({float(term.value):,.0f}).",
        term.cite,
    )
    return value, [said]


# the acts a user-count threshold governs: using, serving or shipping the model (see _decide)
_USE_ACTS = frozenset(
    {
        "commercial-use",
        "user-thresholds",
        "internal-use",
        "network-service",
        "include-in-work",
        "distribute-binary",
    }
)


def decided_facts(facts: LicenceFacts, acts: Sequence[str]) -> list[ActivityFact]:
    """The facts of ``facts`` that decide something for the situation ``acts`` (not ``not-addressed``),
    each read in the situation (:func:`_in_situation`). When no copy changes hands, the facts that bind only
    conveyed copies (``on_conveying``, e.g. the conditions of selling copies, GPL-3.0 §4) are not triggered
    and say nothing about the hosted service or the internal use, whose own facts speak for it."""
    decided = [
        _in_situation(facts.activities[a], acts)
        for a in acts
        if a in facts.activities and facts.activities[a].effect != "not-addressed"
    ]
    if conveys_no_copy(acts):
        decided = [f for f in decided if not f.on_conveying] or decided
    return decided


def unique_sentences(sentences: Sequence[VerdictSentence]) -> list[VerdictSentence]:
    """``sentences`` without repeats of the same text, in order."""
    seen: dict[str, VerdictSentence] = {}
    for x in sentences:
        seen.setdefault(x.text, x)
    return list(seen.values())


def _one_licence(
    facts: LicenceFacts,
    asks: str,
    named: Sequence[str],
    acts: Sequence[str],
    own_work: bool,
    missing: Sequence[str] = (),
    separate: bool = False,
) -> tuple[str, list[VerdictSentence]] | None:
    """The value and sentences for one licence document, or None when its facts do not decide. ``missing``:
    the obligations whose material the question states is missing (:func:`lacked_obligations`);
    ``separate``: the question describes the asker's own work as separate and independent."""
    decided = decided_facts(facts, acts)
    if not decided:
        return None
    banned = [f for f in decided if f.effect == "not-allowed"]
    if asks == "permission":
        if banned:
            return "no", _say(facts, banned)
        return "yes", _say(facts, decided)
    if not named:
        return None  # which obligation is asked about (or to be avoided) is not said
    else:
        # an obligation that binds only on material the work carries (if_present: Apache-2.0 §4(d), "If the
        # Work includes a NOTICE text file") binds nothing when the question says that material is missing
        carrying = [
            f
            for f in decided
            if f.effect == "allowed-if"
            and (set(f.obligations) - (set(f.if_present) & set(missing))) & set(named)
        ]
    # the copyleft scope decides whether the asker's own, separate work is reached (same-licence / source)
    reach = set(named) & {"same-licence", "source"}
    if own_work and reach and facts.copyleft in ("none", "file", "library"):
        # the scope shows where the licensed material meets the asker's work: combining it, else shipping it
        where = next((f for kind in _WHERE_SCOPE_SHOWS for f in decided if f.activity in kind), decided[0])
        scope = VerdictSentence(
            f"Under {facts.doc_id} the copyleft scope is {facts.copyleft}: its terms do not reach your own, "
            "separate code.",
            where.cite,
        )
        return ("yes" if asks == "avoid" else "no"), [scope, *_say(facts, [where])[:1]]
    if separate and reach and facts.separate_works is not None and not set(acts) & _COMBINING:
        # the question describes the asker's own work as separate and independent (not linked or combined):
        # the licence's own words on separate works decide (GPL-3.0 §5 aggregate, GPL-2.0 §2)
        aside = VerdictSentence(
            f"Under {facts.doc_id}: {facts.separate_works.text}", facts.separate_works.cite
        )
        return ("yes" if asks == "avoid" else "no"), [aside, *_say(facts, carrying or decided)[:1]]
    # asking whether it binds leaves open whether the material is there; removing it presumes it is
    present = asks == "obligation"
    if carrying and all(
        set(f.obligations) & set(named)
        <= set(f.alternatives) | set(f.scoped) | set(f.if_present if present else ())
        for f in carrying
    ):
        # the clause meets the obligation asked about by one of several options, one of which avoids it
        # (Artistic-2.0 §4 "at least ONE of the following"), or binds it only in a narrower case it defines
        # (GPL-3.0 §6: Installation Information for a User Product): whether it binds depends on the case
        return "conditional", _say(facts, carrying)
    if asks == "obligation":
        if carrying:
            return "yes", _say(facts, carrying)
        if banned:
            return None
        return "no", _say(facts, decided)
    # avoid
    if carrying:
        return "no", _say(facts, carrying)
    if banned:
        return "no", _say(facts, banned)
    return "yes", _say(facts, decided)


# the activities where a copyleft scope shows, in order: combining the material with the asker's work,
# then shipping it
_WHERE_SCOPE_SHOWS = (
    {"include-in-work", "static-linking", "dynamic-linking"},
    {"distribute-binary", "distribute-source", "network-service"},
)


def asks_about_own_work(text: str, vocabulary: Vocabulary) -> bool:
    """The asker's own, separate work is what the question asks to keep free: an own-work mention ("our own
    source files", "the rest of the application") four words or less before the avoid or obligation
    mention it is the subject of ("... stay proprietary", "... covered by"), or four words or less after
    the avoid mention it is the object of ("without opening our own code"), or one the avoid mention sits
    in as its attribute ("our closed-source app")."""
    terms = {t.id: t for t in vocabulary.asks}
    own = terms["own-work"].find(text)
    if not own:
        return False
    asks = [span for t in ("avoid", "obligation") for span in terms[t].find(text)]
    return any(
        (oe <= a and len(text[oe:a].split()) <= 4)
        # the avoid mention describes the own work it sits in ("into our closed-source app")
        or (os_ <= a and e <= oe)
        # ... or holds it as its object ("keep our firmware closed")
        or (a <= os_ and oe <= e)
        # an own-work mention in a clause of its own ("keep our changes secret if we ship the app") is not
        # the object of the avoid mention before it
        or (e <= os_ and len(text[e:os_].split()) <= 4 and not _CLAUSE_OPENERS & set(text[e:os_].split()))
        for os_, oe in own
        for a, e in asks
    )


_CLAUSE_OPENERS = {"if", "when", "while", "because", "since", "unless", "once", "and", "but", "so"}

# words that end a noun phrase "our closed source editor" when they follow its head noun
_PHRASE_ENDS = (
    "and|or|which|that|is|are|was|runs|run|uses|use|calls|call|ships|ship|talks|reads|in|on|with|to|for|from|as|"
    "next|beside|alongside|plus|but|while|where|we|it"
)
_OUR_HEAD = re.compile(rf"\bour (?:[a-z0-9]+ ){{0,3}}?([a-z]+)(?= (?:{_PHRASE_ENDS})\b| *$)")


def names_our_work_again(question: str, sentences: Sequence[str]) -> bool:
    """Whether the asked sentence names again, as "the X" or "our X", a work the normalised question
    introduced as the asker's own ("our closed source editor and ... Must the editor be GPL?"): the head
    noun of an "our ..." phrase, the last word before a word that ends the phrase."""
    heads = {m.group(1) for m in _OUR_HEAD.finditer(question)} - {"own", "own work", "s"}
    asked = " ".join(sentences)
    return any(re.search(rf"\b(?:the|our|this) {re.escape(h)}\b", asked) for h in heads)


def _restricts_uses(facts: LicenceFacts) -> bool:
    fact = facts.activities.get("use-restrictions")
    return fact is not None and fact.effect == "not-allowed"


# "can they revoke our licence for the old versions?": asks whether the grant can be taken back
_REVOKING = re.compile(
    r"\b(?:revok\w*|take (?:it |that |them )?back|withdraw\w*|pull (?:it|the licen\w*)|cancel\w*)\b"
)
# "do we have to move to the new licence?": a duty the change would put on us
_DUTY = re.compile(r"\b(?:have to|has to|need to|needs to|must|required to|oblig\w*|forced? to|forces us)\b")


def _grant_outlives_a_change(
    analysis: Analysis, book: FactsBook, vocabulary: Vocabulary, sentences: Sequence[str]
) -> Verdict | None:
    """Rule 9: the licensor changes the licence of later releases. When every subject licence states that
    its grant is perpetual or irrevocable, or lasts for the term of copyright (facts ``grant_duration``),
    copies already received under it stay licensed: "are they still covered?" -> yes; "can they revoke
    it?" or "do we have to move to the new licence?" -> no. A licence that states no duration (MIT, BSD)
    or calls its grant revocable decides nothing."""
    target = _relicensing_target(analysis, [normalise(analysis.question)])  # the licence moved *to*
    docs = [
        d for subject in not_contrasted(analysis) for d in subject.doc_ids if d in book.facts and d != target
    ]
    stated = [(d, book.facts[d].grant_duration) for d in dict.fromkeys(docs)]
    if not stated or any(g is None for _, g in stated):
        return None
    asks, named = read_asks(sentences, vocabulary)
    text = " ".join(sentences)
    value = "no" if _DUTY.search(text) or _REVOKING.search(text) else "yes"
    said = tuple(VerdictSentence(f"Under {d}: {g.text}", g.cite) for d, g in stated if g is not None)
    return Verdict(value, asks, said[:3], tuple(named), ())


def _complete(
    analysis: Analysis,
    book: FactsBook,
    vocabulary: Vocabulary,
    sentences: Sequence[str],
    named: Sequence[str],
) -> Verdict | None:
    """Rule 17: "Is including the licence text all we need to do?" names obligations and asks whether they
    are all that the licence attaches to the situation. Yes when, under every subject licence, the decided
    facts of the situation carry no obligation beyond those named; no when one carries another (stated
    with its clause) or the situation is not allowed; conditional when the others bind only in a narrower
    case or on material that may be missing (facts ``scoped``, ``if_present``, ``alternatives``)."""
    acts = situation(analysis, sentences, "obligation", named, vocabulary) or described_situation(
        analysis, vocabulary
    )
    if not acts:
        return None
    values: list[str] = []
    said: list[VerdictSentence] = []
    for doc_id in dict.fromkeys(d for subject in not_contrasted(analysis) for d in subject.doc_ids):
        facts = book.get(doc_id)
        if facts is None:
            continue
        decided = decided_facts(facts, acts)
        if not decided:
            continue
        banned = [f for f in decided if f.effect == "not-allowed"]
        # marking changes binds only on modified material: without a modification in the situation it is
        # no further obligation
        asked = set(named) | (set() if "modify" in acts else {"state-changes"})
        extra = [f for f in decided if f.effect == "allowed-if" and set(f.obligations) - asked]
        hedged = [
            f
            for f in extra
            if set(f.obligations) - asked <= set(f.scoped) | set(f.if_present) | set(f.alternatives)
        ]
        if banned:
            values.append("no")
            said += _say(facts, banned)
        elif extra and len(hedged) < len(extra):
            values.append("no")
            said += _say(facts, [f for f in extra if f not in hedged])
        elif extra:
            values.append("conditional")
            said += _say(facts, hedged)
        else:
            values.append("yes")
            said += _say(facts, decided)
    if not values:
        return None
    value = values[0] if len(set(values)) == 1 else ("no" if "no" in values else "conditional")
    return Verdict(value, "completeness", tuple(unique_sentences(said)[:3]), tuple(named), tuple(acts))


def _duty_of_a_ban(
    analysis: Analysis, book: FactsBook, vocabulary: Vocabulary, sentences: Sequence[str]
) -> Verdict | None:
    """Rule 18: "Does the licence require us to tell users they are talking to a machine?" names the duty a
    restricted use's ban implies (the vocabulary's ``duty`` phrases: undisclosed machine generation). Yes
    under a licence whose facts list that restricted use with ``duty: true`` (its item states the duty:
    OpenRAIL "without expressly and intelligibly disclaiming"), citing its item; a ban only of claiming
    human authorship (Gemma, Llama 4) states no duty, and a licence that does not list the use decides
    nothing (the lists are not read by analogy), so without one there is no verdict."""
    text = " ".join(sentences)
    duties = [t for t in vocabulary.restricted_uses if t.find_duty(text)]
    said: list[VerdictSentence] = []
    for doc_id in dict.fromkeys(d for subject in not_contrasted(analysis) for d in subject.doc_ids):
        facts = book.get(doc_id)
        for term in duties:
            if facts is not None and term.id in facts.restricted_uses and facts.restricted_uses[term.id].duty:
                item = facts.restricted_uses[term.id]
                said.append(VerdictSentence(f"Under {doc_id}: {item.text}", item.cite))
    if not said:
        return None
    return Verdict("yes", "obligation", tuple(said[:3]), (), ("use-restrictions",))


def _takes_on_a_subject(analysis: Analysis, sentences: Sequence[str]) -> bool:
    """Whether an asked sentence says a work is to *be* under a subject licence ("has to be Apache too",
    "must be licensed under the MPL"): the same-licence obligation named by the licence's own name (its
    name as detected, or that name's first word: "apache" for "apache 2.0")."""
    text = " ".join(sentences)
    for subject in analysis.subjects:
        name = normalise(subject.name)
        names = {name, name.split()[0]} if len(name.split()[0]) >= 3 else {name}
        for n in names:
            if re.search(rf"\bbe (?:licensed |released )?(?:under )?(?:the )?{re.escape(n)}\b", text):
                return True
    return False


def _relicensing_target(analysis: Analysis, sentences: Sequence[str]) -> str | None:
    """The document id of a subject named right after "under" / "as" in an asked sentence ("publish it
    under CC BY-SA", "relicense it as Apache 2.0"), or as what a work is to keep being ("and keep the whole
    library MIT", "can our app stay MIT if ..."): the licence the material would move to."""
    text = " ".join(sentences)
    for subject in analysis.subjects[1:]:
        name = re.escape(normalise(subject.name))
        # whole words: "to a GPL-3.0" is not read inside "into a GPL-3.0" (inclusion, not relicensing)
        if re.search(rf"\b(?:under|as|to) (?:plain |the |a )?{name}\b", text):
            return subject.doc_ids[0]
        # the licence ends what the work keeps being ("keep the whole library mit"), not a notice to keep
        # ("keep the mit licence text")
        if re.search(rf"\b(?:keep|stay|remain)s? (?:\w+ ){{0,3}}?{name}(?= *$| (?:{_KEPT_ENDS})\b)", text):
            return subject.doc_ids[0]
    return None


_KEPT_ENDS = "and|or|if|when|after|but|too|even|while|although|though|once|licensed"


def decide(
    analysis: Analysis,
    book: FactsBook,
    vocabulary: Vocabulary,
    compatibility: Sequence[dict[str, Any]] = (),
) -> Verdict | None:
    """The verdict of a yes/no question (module docstring), or None. A question that asks us to confirm a
    negated statement ("Am I right that MPL-2.0 gives no way back once we breach it?") gets the answer of
    the positive question turned round (:func:`confirms_a_negation`)."""
    verdict = _decide(analysis, book, vocabulary, compatibility)
    if verdict is None or not confirms_a_negation(asked_sentences(analysis.question), vocabulary):
        return verdict
    return negated(verdict)


def confirms_a_negation(sentences: Sequence[str], vocabulary: Vocabulary) -> bool:
    """Whether the asked sentence asks to confirm a statement ("am I right that", "is it true that", "...,
    right?") that is itself negated ("doesn't", "not", "never", "no way", "nothing"): its yes is the no of
    the positive question. A negated question without such a frame ("Doesn't the GPL require ...?") is
    answered like the positive one, as English does."""
    text = " ".join(sentences)
    if text.endswith((" right", " correct")):  # "so we don't need the NOTICE file, right?"
        return bool(_NEGATION.search(text))
    frames = ask_term(vocabulary, "confirmation").find(text)
    return bool(frames) and bool(_NEGATION.search(text[frames[0][1] :]))


def negated(verdict: Verdict) -> Verdict:
    """``verdict`` for the negated statement: yes and no change places; a conditional stays."""
    return replace(verdict, value=_TURN.get(verdict.value, verdict.value))


# verbal negation after normalisation ("doesn't" -> "doesn t"); "no" alone is usually a noun's modifier
# ("a repo with no licence"), so only "no way" / "no longer" count
_NEGATION = re.compile(r"\b(?:not|never|nothing|cannot|no way|no longer|\w+n t)\b")


def _decide(
    analysis: Analysis,
    book: FactsBook,
    vocabulary: Vocabulary,
    compatibility: Sequence[dict[str, Any]] = (),
) -> Verdict | None:
    if analysis.abstain_reason or not analysis.subjects:
        return None
    sentences = asked_sentences(analysis.question)
    if not is_polar(sentences, analysis.question) or analysis.form in ("define", "our-process"):
        return None
    if analysis.form == "compare" and _COMPARING.search(" ".join(sentences)):
        return None  # "MIT or Apache-2.0?" asks for a comparison, not a yes or no
    claim = reported_claim(analysis.question, sentences)
    states = ("obligation", "avoid")
    turns = ("violation", "prohibition", "needs-permission")
    # a claimed ban ("the LGPL flat out forbids static linking") asks whether the act is permitted, with
    # yes and no turned round, like "does the LGPL forbid ...?"
    claimed_ban = [m.span() for m in _BAN.finditer(claim)] if claim is not None else []
    if claim is not None and claimed_ban:
        claim = remove_spans(claim, claimed_ban)
    elif (
        claim is not None
        and read_asks([claim], vocabulary)[0] not in states
        and not any(ask_term(vocabulary, t).find(claim) for t in turns)
    ):
        # a claim that states no duty and no ban ("bundling it forces our SDK to be ISC" read as a use)
        # would be answered as a permission, whose yes says the act is permitted, not that the claim holds;
        # a claimed ban ("the LGPL forbids static linking") is turned round like the question itself
        return None
    if claim is not None:
        # "Our legal team says we'd have to open our own source too. Is that right?": the claim is what is
        # asked; its yes or no is the answer to the check (rule 15)
        sentences = [claim]
    if ask_term(vocabulary, "licensor").find(normalise(analysis.question)):
        # "I am the only contributor: can I relicense it?": the licence binds those who receive the work,
        # not the copyright holder, so its facts do not decide what the holder may do with their own work
        return None
    if ask_term(vocabulary, "upstream-change").find(normalise(analysis.question)):
        # "the project switched to a commercial licence: are the versions we run still under Apache-2.0?"
        # asks whether an earlier grant outlives the licensor's change: the licence's own words on how long
        # its grant lasts decide (facts grant_duration), no activity fact does
        return _grant_outlives_a_change(analysis, book, vocabulary, sentences)
    # "does X violate the licence?" asks whether X is permitted (or an obligation may be avoided), with the
    # answer turned round: an act the licence does not allow breaks it (yes), an allowed one does not (no)
    # "do we need the author's permission to X?" is turned round the same way: the licence's own grant
    # makes asking unnecessary (no), a use it does not grant needs the licensor's permission (yes). The
    # words of breaking or of permission are the question's verb, not an activity ("violat*" also names
    # termination), so the rest of the question is read without them
    joined = " ".join(sentences)
    turning = next(
        (
            t
            for t in (
                ask_term(vocabulary, "violation"),
                ask_term(vocabulary, "prohibition"),
                ask_term(vocabulary, "needs-permission"),
            )
            if t.find(joined)
            and not (t.id == "violation" and violation_is_a_premise(joined, vocabulary, analysis.question))
        ),
        None,
    )
    if turning is not None:
        sentences = [remove_spans(x, turning.find(x)) for x in sentences]
    breaks = turning is not None or bool(claimed_ban)
    asks, named = read_asks(sentences, vocabulary)
    takes_on = asks in ("obligation", "avoid") and _takes_on_a_subject(analysis, sentences)
    if takes_on and "same-licence" not in named:
        named = (*named, "same-licence")  # "has to be Apache too": the work takes on the licence
    if asks == "permission" and not named and (is_anaphoric(sentences) or _POINTS_BACK.search(joined)):
        # "The minified file has no copyright header. Can we ship it like that?": the described situation
        # lacks what an obligation requires, so the question asks whether that obligation may be avoided
        lacking = lacked_obligations(normalise(analysis.question), vocabulary, planned=True)
        if lacking:
            asks, named = "avoid", lacking
    warranty = _licensor_warranty(analysis, book, vocabulary, sentences)
    if warranty is not None:
        return warranty
    if asks == "sufficiency":
        return None  # whether one way of complying suffices is beyond what a fact states
    if asks == "completeness":
        return _complete(analysis, book, vocabulary, sentences, named)
    breaks = breaks and asks in ("permission", "avoid")
    circumstance = asks == "avoid" and not named
    if circumstance:
        asks = "permission"  # "without asking them first": a circumstance, not an obligation to avoid
    distinct = len({frozenset(s.doc_ids) for s in analysis.subjects}) == len(analysis.subjects) and not any(
        set(a.doc_ids) & set(b.doc_ids)
        for i, a in enumerate(analysis.subjects)
        for b in analysis.subjects[i + 1 :]
    )
    # "relicense our X fork as Y": X's own terms decide whether X material may move to Y (its same-licence
    # obligation), not the compatibility of the two in a combined work, whose direction the check would
    # have to guess (issue 13, failure kind 3)
    target = _relicensing_target(analysis, sentences)
    # dropping an obligation in the combination ("mix it in and drop the MIT licence text?") is not a
    # question of compatibility: the facts of the licence that imposes the obligation decide it
    drops = asks == "avoid" and bool(set(named) - {"same-licence", "source"})
    # a licence named only as a contrast or as a mistaken identification is no party to a combination
    subjects = not_contrasted(analysis)
    asked_ids = {d for s in subjects for d in s.doc_ids}
    if (
        analysis.combinations
        and all(lead in asked_ids and sub in asked_ids for lead, sub in analysis.combinations)
        and compatibility
        and asks != "obligation"
        and distinct
        and target is None
        and not drops
    ):
        compat = _from_compat(compatibility, asks, named, book)
        # its sentences state compatibility ("X code inside a Y work: No"), which stays as OSADL says it
        return _turned_round(compat, sentences=False) if breaks and compat is not None else compat
    if target is not None:
        subjects = [s for s in subjects if target not in s.doc_ids]
        asks, named = "avoid", tuple(dict.fromkeys((*named, "same-licence")))
    acts = situation(analysis, sentences, asks, named, vocabulary)
    described = not acts and asks == "permission"
    if described:
        # "... Is that allowed?": the asked sentence names no activity; the situation described before it is
        # what is asked about (rule 5)
        acts = described_situation(analysis, vocabulary)
    # "can we ...?" and "can we ... without the AI label?" ask whether a use is permitted (rule 6)
    uses = (
        restricted_uses_in(normalise(analysis.question), vocabulary, [s.name for s in analysis.subjects])
        if asks != "obligation"
        else ()
    )
    # the threshold governs the right to use the model at all: it decides a question about using, serving
    # or shipping it, not one about another act with its own conditions (training other models, outputs)
    count = stated_user_count(analysis.question) if set(acts) <= _USE_ACTS and not uses else None
    counted = [
        (s.name, d, *got)
        for s in subjects
        for d in s.doc_ids
        if count is not None
        and d in book.facts
        and (got := _by_user_count(book.facts[d], count, asks)) is not None
    ]
    if counted and len({c[2] for c in counted}) == 1:
        # a stated user count against the licence's numeric threshold decides (see _by_user_count)
        return Verdict(
            counted[0][2], asks, tuple(x for c in counted[:2] for x in c[3]), (), ("user-thresholds",)
        )
    if asks == "obligation" and not named:
        duty = _duty_of_a_ban(analysis, book, vocabulary, sentences)
        if duty is not None:
            return duty
    if not acts and not uses:
        return None
    own_work = asks_about_own_work(" ".join(sentences), vocabulary)
    missing = lacked_obligations(normalise(analysis.question), vocabulary)
    # "our app, which is a separate program ... Does our app have to be GPL?": the description may come
    # before the asked sentence, which then names the asker's work
    separate_work = ask_term(vocabulary, "separate-work")
    separate = bool(separate_work.find(" ".join(sentences))) or (
        bool(separate_work.find(normalise(analysis.question)))
        and (
            bool(ask_term(vocabulary, "own-work").find(" ".join(sentences)))
            or names_our_work_again(normalise(analysis.question), sentences)
        )
    )
    forbade = False  # a restricted use of some licence decided (rule 6)
    results: list[tuple[str, str, list[VerdictSentence]]] = []
    seen: set[str] = set()
    for subject in subjects:
        for doc_id in subject.doc_ids:
            facts = book.get(doc_id)
            if facts is None or doc_id in seen:
                continue
            seen.add(doc_id)
            forbidden = [facts.restricted_uses[u] for u in uses if u in facts.restricted_uses]
            if forbidden:  # rule 6
                said = [VerdictSentence(f"Under {doc_id}: {f.text}", f.cite) for f in forbidden[:2]]
                results.append((subject.name, doc_id, "no", said))
                forbade = True
                continue
            if not acts:
                continue
            got = _one_licence(facts, asks, named, acts, own_work, missing, separate)
            if (
                asks == "permission"
                and (circumstance or is_anaphoric(sentences))
                and _restricts_uses(facts)
                and (got is None or got[0] != "no")
            ):
                # the use described may be one of the restricted uses, which the facts only list: a "yes"
                # cannot be given; an act of the asked sentence the licence does not allow still says no
                continue
            if got is not None:
                results.append((subject.name, doc_id, *got))  # type: ignore[arg-type]
    if not results:
        return None
    modifiers = [r for r in results if book.facts[r[1]].adds_to_base]  # type: ignore[misc]
    if modifiers and len(modifiers) < len(results):
        # an exception or added condition modifies its base licence: where it decides, it governs
        results = modifiers
    by_subject: dict[str, set[str]] = {}
    for name, _, value, _ in results:  # type: ignore[misc]
        by_subject.setdefault(name, set()).add(value)
    if len(by_subject) > 1 and len({v for vs in by_subject.values() for v in vs}) > 1:
        return None  # licences named side by side disagree and the question does not say which governs
    values = {v for _, _, v, _ in results}  # type: ignore[misc]
    value = values.pop() if len(values) == 1 else "conditional"
    if described and value != "no":
        return None  # rule 5: only a prohibition of the situation described answers it
    said = unique_sentences([s for *_, sents in results for s in sents])
    if value == "conditional" and len(results) > 1:  # one sentence per licence, each with its own value
        said = [
            VerdictSentence(
                f"{doc_id}: {WORD[v].rstrip('.').lower()}. {ss[0].text.split(': ', 1)[-1]}", ss[0].cite
            )
            for _, doc_id, v, ss in results  # type: ignore[misc]
        ]
    if forbade:
        acts = tuple(dict.fromkeys((*acts, "use-restrictions")))
    if (
        value == "yes"
        and asks == "obligation"
        and "source" in named
        and ask_term(vocabulary, "to-the-public").find(" ".join(sentences))
    ):
        # "do we have to publish our modified code publicly?": the source is owed to those who receive the
        # work or interact with it (the facts' own wording), not to everyone, so it depends on who they are
        value = "conditional"
    verdict = Verdict(value, asks, tuple(said[:3]), tuple(named), tuple(acts))
    return _turned_round(verdict) if breaks else verdict


_TURN = {"yes": "no", "no": "yes"}
_CONTRAST = {"unlike", "opposed", "contrast", "compared", "versus"}
# "a teammate thinks that's the Business Source License": a licence someone mistook the named one for
_MISTAKEN = {"thinks", "thought", "confused", "confuses", "mistook", "mistaken", "misread", "mixed"}


# "..., like Apache does?" / "the way the GPL does": a licence named as the standard of comparison
_STANDARD_VERBS = {"does", "do", "did", "has", "have", "gives", "offers", "grants", "requires"}
_STANDARD_BEFORE = re.compile(r"\b(?:like|the way|as) (?:we|you|they|one) (?:do|did|would) (?:\w+ ){0,2}$")


def _is_mistaken(text: str, start: int) -> bool:
    """Whether the mention at ``start`` is what someone took the named licence for: a word of ``_MISTAKEN``
    and then a copula in the eight words before it ("thinks that's the Business Source License", "thought
    the header was the Business Source License")."""
    words = text[:start].split()[-8:]
    at = [i for i, w in enumerate(words) if w in _MISTAKEN]
    return bool(at) and bool({"is", "s", "was", "are", "were", "means"} & set(words[at[-1] + 1 :]))


def _is_standard(text: str, start: int) -> bool:
    """Whether the mention at ``start`` is the standard a question compares against: "like" or "the way"
    right before it and a verb standing for the question's own within three words after it."""
    if _STANDARD_BEFORE.search(text[max(0, start - 40) : start]):
        return True  # "the way we do for the CC BY ones", "like we do for MIT packages"
    before = text[:start].split()[-2:]
    if before[-1:] != ["like"] and before != ["the", "way"]:
        return False
    return bool(_STANDARD_VERBS & set(text[start:].split()[1:4]))


def not_contrasted(analysis: Analysis) -> list[Subject]:
    """The subjects the question asks about: a licence named only as a contrast ("Unlike Llama 2, does the
    Qwen licence ...?", "as opposed to the GPL"), as the standard of comparison ("like Apache does") or as
    a mistaken identification ("a teammate thinks that's the Business Source License") is left out,
    unless nothing else is named."""
    text = normalise(analysis.question)
    contrasted = {
        d
        for start, d in analysis.mentions
        if _CONTRAST & set(text[:start].split()[-3:])
        or _is_mistaken(text, start)
        or _is_standard(text, start)
    }
    kept = [s for s in analysis.subjects if not set(s.doc_ids) <= contrasted]
    return kept or list(analysis.subjects)


def _licensor_warranty(
    analysis: Analysis, book: FactsBook, vocabulary: Vocabulary, sentences: Sequence[str]
) -> Verdict | None:
    """ "Does the MIT licence give any warranty?", "Can we hold the authors liable?": whether the licensor
    warrants the work or accepts liability, which the warranty-liability fact of every named licence
    answers with its disclaimer (the effect ``allowed`` states an as-is grant, without warranty). "No"
    when every named licence's fact is such a disclaimer; None when the question does not ask it, or a
    licence has no disclaimer (``not-addressed``) or qualifies it."""
    joined = " ".join(sentences)
    asked = ask_term(vocabulary, "licensor-warranty").find(joined)
    if not (asked and vocabulary.activity("warranty-liability").find(joined)):
        return None
    said: list[VerdictSentence] = []
    for doc_id in analysis.named:
        facts = book.get(doc_id)
        fact = facts.activities.get("warranty-liability") if facts is not None else None
        if fact is None or fact.effect != "allowed":
            return None
        said.append(VerdictSentence(f"Under {doc_id}: {fact.text}", fact.cite))
    if not said:
        return None
    return Verdict("no", "permission", tuple(said[:3]), (), ("warranty-liability",))


def _turned_round(verdict: Verdict, sentences: bool = True) -> Verdict:
    """The verdict of "does X break the licence?" from that of "may we do X?": yes and no change places,
    in the value and (``sentences``) in the per-licence sentences of a conditional verdict ("GPL-3.0-only:
    no. ..."); ``asks`` becomes ``violation``."""
    value = _TURN.get(verdict.value, verdict.value)
    if not sentences:
        return replace(verdict, value=value, asks="violation")
    said = []
    for s in verdict.sentences:
        head, sep, rest = s.text.partition(". ")
        lead, colon, word = head.rpartition(": ")
        if colon and word.lower() in _TURN:
            other = _TURN[word.lower()]
            s = VerdictSentence(
                f"{lead}{colon}{other.title() if word[0].isupper() else other}{sep}{rest}", s.cite
            )
        said.append(s)
    return replace(verdict, value=value, asks="violation", sentences=tuple(said))


# words that negate a restricted-use phrase within six words before it ("we will never use it for
# military ..."; "don't" is normalised to "don t")
_NEGATIONS = {"not", "never", "no", "without", "nor", "t"}


def restricted_uses_in(
    text: str, vocabulary: Vocabulary, subject_names: Sequence[str] = ()
) -> tuple[str, ...]:
    """Ids of the vocabulary's restricted uses that normalised ``text`` describes (rule 6): a phrase within
    six words after a negation does not count, unless the phrase opens with the negation itself
    ("without disclaiming ..."). A use of another model (``other_than_subject``) does not count when a
    subject's name (``subject_names``: the licensed model) is within six words after the phrase: its
    object is the licensed model itself ("... outputs to fine tune llama 2 7b")."""
    names = [normalise(n) for n in subject_names if normalise(n)]
    found: list[str] = []
    for term in vocabulary.restricted_uses:
        for start, end in term.find(text):
            after = " " + " ".join(text[end:].split()[:6]) + " "
            if term.other_than_subject and any(f" {n} " in after or after.startswith(f" {n}") for n in names):
                continue
            opens_negated = text[start:end].split()[0] in _NEGATIONS
            if opens_negated or not _NEGATIONS & set(text[:start].split()[-6:]):
                found.append(term.id)
                break
    return tuple(found)


def _from_compat(
    compatibility: Sequence[dict[str, Any]], asks: str, named: Sequence[str], book: FactsBook
) -> Verdict | None:
    """The verdict of the OSADL compatibility checks: one value when every direction checked agrees, else
    ``conditional`` with a sentence per direction (the question did not say which code goes into which
    work: "Is MIT compatible with GPL-3.0?" is yes one way and no the other; issue 13, failure kind 3)."""
    said: list[VerdictSentence] = []
    values: list[str] = []
    for c in compatibility:
        value = COMPAT_VALUES.get(str(c.get("verdict")))
        if value is None:
            return None  # a direction the matrix does not cover: the answer stays with the clauses
        text = (
            f"OSADL: {c['subordinate']} code inside a {c['leading']} work: {c['verdict']}. "
            f"{c.get('explanation') or ''}"
        ).strip()
        cites = tuple(
            FactCitation(x["doc_id"], x.get("section"), x.get("quote") or "")
            for x in c.get("citations", [])
            if x.get("doc_id")
        )
        secondary = _secondary_route(c, book) if value in ("no", "yes") else None
        if secondary is not None:
            # the subordinate licence itself names the leading one as a licence its code may go out under,
            # on a condition (EPL-2.0's Secondary Licenses, which need the Exhibit A notice; MPL-2.0's,
            # which the Exhibit B notice takes away): the combination depends on that condition
            value = "conditional"
            matrix = "without that condition: No" if c["verdict"] == "No" else f"{c['verdict']}"
            text = (
                f"{c['subordinate']} code inside a {c['leading']} work: only on a condition of "
                f"{c['subordinate']} itself. {secondary.condition} (OSADL: {matrix}.)"
            )
            cites = secondary.cite + cites
        values.append(value)
        said.append(VerdictSentence(text, cites))
    value = values[0] if len(set(values)) == 1 else "conditional"
    return Verdict(value, asks, tuple(said[:3]), tuple(named), ())


def relevant_facts(
    analysis: Analysis, book: FactsBook, vocabulary: Vocabulary, limit: int = 2
) -> tuple[VerdictSentence, ...]:
    """What the facts state for the question's situation when they give no verdict (issue 14: the answer
    says that the facts do not decide, and still shows the reviewed facts it would have rested on): one
    sentence per (subject licence, activity) pair whose fact is not ``not-addressed``, at most ``limit``,
    each with the fact's citations. The situation is read as :func:`decide` reads it (the asked sentences,
    else the whole question); empty when the question names no licence with facts or no activity."""
    if analysis.abstain_reason or not analysis.subjects:
        return ()
    sentences = asked_sentences(analysis.question)
    asks, named = read_asks(sentences, vocabulary)
    reading = "obligation" if asks in ("sufficiency", "completeness") else asks
    acts = situation(analysis, sentences, reading, named, vocabulary)
    acts = acts or described_situation(analysis, vocabulary)
    out: list[VerdictSentence] = []
    for doc_id in dict.fromkeys(d for subject in not_contrasted(analysis) for d in subject.doc_ids):
        facts = book.get(doc_id)
        if facts is None:
            continue
        found = [facts.activities.get(a) for a in acts]
        stated = [f for f in found if f is not None and f.effect != "not-addressed" and f.cite]
        out += [s for s in _say(facts, stated, limit) if s not in out]
    return tuple(out[:limit])


def _secondary_route(check: dict[str, Any], book: FactsBook) -> SecondaryLicences | None:
    """The subordinate licence's conditional route into the leading one of an OSADL ``check`` (its
    ``secondary_licences`` facts name the leading licence), or None."""
    facts = book.get(str(check.get("subordinate")))
    route = facts.secondary if facts is not None else None
    return route if route is not None and check.get("leading") in route.licences else None


def steer(analysis: Analysis, book: FactsBook) -> list[tuple[str, str | None]]:
    """(document id, section) of every clause a fact cites for a (subject licence, activity) pair of the
    question: reviewed knowledge's route to the governing clause, whatever the wording."""
    out: list[tuple[str, str | None]] = []
    for subject in analysis.subjects:
        for doc_id in subject.doc_ids:
            facts = book.get(doc_id)
            if facts is None:
                continue
            for act in analysis.activities:
                fact = facts.activities.get(act)
                for c in fact.cite if fact else ():
                    key = (c.doc, c.section)
                    if key not in out:
                        out.append(key)
    return out
