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
   a way of using the software); when it is empty the activity that names the obligation stands in
   (``attribution`` for notices and names).
3. A fact that is ``not-addressed`` decides nothing; when nothing is decided there is no verdict.
4. A family subject (GPL: GPL-3.0-only, GPL-2.0-only) gets one verdict when its versions agree, else one
   sentence per version and the value ``conditional``. Two licences combined: the OSADL compatibility
   verdict of the direction asked decides (Yes -> yes, No -> no, Check dependency -> conditional).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from licenseqa.answering.analysis import Analysis
from licenseqa.answering.detect import normalise
from licenseqa.knowledge.facts import ActivityFact, FactCitation, FactsBook, LicenceFacts
from licenseqa.knowledge.vocabulary import Vocabulary

PERMITTED = ("allowed", "allowed-if", "not-triggered")
# activities that name an obligation rather than a way of using the material
OBLIGATION_ACTIVITIES = {"attribution"}
# the activity whose fact speaks to an obligation when the question names no other activity
STAND_IN = {
    "notice": "attribution",
    "naming": "attribution",
    "separate-licence": "user-thresholds",
    "pass-terms": "use-restrictions",
}
COMPAT_VALUES = {"Yes": "yes", "No": "no", "Check dependency": "conditional"}
WORD = {"yes": "Yes.", "no": "No.", "conditional": "It depends."}
_YES_NO_LEADING = {
    "can", "could", "may", "must", "do", "does", "did", "is", "are", "was", "were", "will", "would",
    "should", "shall", "have", "has", "am", "isn't", "aren't", "doesn't", "don't", "ok", "okay", "allowed",
}  # fmt: skip


@dataclass(frozen=True)
class VerdictSentence:
    """One plain sentence of the verdict and the facts' clauses it rests on."""

    text: str
    cite: tuple[FactCitation, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """``value`` yes | no | conditional; ``asks`` permission | obligation | avoid; the sentences."""

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


def asked_sentences(question: str) -> list[str]:
    """The normalised sentences that end with "?" (the whole question when none does)."""
    import re

    parts = [p for p in re.split(r"(?<=[.?!])\s+", question.strip()) if p.rstrip().endswith("?")]
    return [normalise(p) for p in parts] or [normalise(question)]


def is_polar(sentences: Sequence[str]) -> bool:
    """A yes/no question: an asked sentence (or a clause after a comma / dash) opens with an auxiliary."""
    for s in sentences:
        words = s.split()
        if words and words[0] in _YES_NO_LEADING:
            return True
        if words and words[-1] in {"allowed", "ok", "okay", "right", "fine"}:
            return True
    return False


def read_asks(sentences: Sequence[str], vocabulary: Vocabulary) -> tuple[str, tuple[str, ...]]:
    """(``permission`` | ``obligation`` | ``avoid``, obligation ids named in the asked sentences)."""
    text = " ".join(sentences)
    named = tuple(t.id for t in vocabulary.obligations if t.find(text))
    found = {t.id for t in vocabulary.asks if t.find(text)}
    opens_with_can = any(s.split()[:1] and s.split()[0] in {"can", "could", "may"} for s in sentences)
    if "avoid" in found and (opens_with_can or "obligation" not in found):
        return "avoid", named
    if "obligation" in found:
        return "obligation", named
    return "permission", named


def situation(analysis: Analysis, obligations: Sequence[str]) -> tuple[str, ...]:
    acts = tuple(a for a in analysis.activities if a not in OBLIGATION_ACTIVITIES)
    if acts:
        return acts
    stand_in = [STAND_IN[o] for o in obligations if o in STAND_IN]
    if stand_in:
        return tuple(dict.fromkeys(stand_in))
    return tuple(a for a in analysis.activities if a in OBLIGATION_ACTIVITIES)


def _one_licence(
    facts: LicenceFacts, asks: str, named: Sequence[str], acts: Sequence[str]
) -> tuple[str, list[VerdictSentence]] | None:
    """The value and sentences for one licence document, or None when its facts do not decide."""
    decided: list[ActivityFact] = [
        facts.activities[a]
        for a in acts
        if a in facts.activities and facts.activities[a].effect != "not-addressed"
    ]
    if not decided:
        return None
    name = facts.doc_id
    if asks == "permission":
        banned = [f for f in decided if f.effect == "not-allowed"]
        if banned:
            return "no", [VerdictSentence(f"Under {name}: {f.text}", f.cite) for f in banned[:2]]
        return "yes", [VerdictSentence(f"Under {name}: {f.text}", f.cite) for f in decided[:2]]
    carrying = [
        f for f in decided if f.effect == "allowed-if" and (set(f.obligations) & set(named) or not named)
    ]
    if asks == "obligation":
        if carrying:
            return "yes", [VerdictSentence(f"Under {name}: {f.text}", f.cite) for f in carrying[:2]]
        if any(f.effect == "not-allowed" for f in decided):
            return None
        return "no", [VerdictSentence(f"Under {name}: {f.text}", f.cite) for f in decided[:2]]
    # avoid
    if carrying:
        return "no", [VerdictSentence(f"Under {name}: {f.text}", f.cite) for f in carrying[:2]]
    if any(f.effect == "not-allowed" for f in decided):
        banned = [f for f in decided if f.effect == "not-allowed"]
        return "no", [VerdictSentence(f"Under {name}: {f.text}", f.cite) for f in banned[:2]]
    return "yes", [VerdictSentence(f"Under {name}: {f.text}", f.cite) for f in decided[:2]]


def decide(
    analysis: Analysis,
    book: FactsBook,
    vocabulary: Vocabulary,
    compatibility: Sequence[dict[str, Any]] = (),
) -> Verdict | None:
    """The verdict of a yes/no question (module docstring), or None."""
    if analysis.abstain_reason or not analysis.subjects:
        return None
    sentences = asked_sentences(analysis.question)
    if not is_polar(sentences) or analysis.form in ("compare", "define", "our-process"):
        return None
    asks, named = read_asks(sentences, vocabulary)
    if analysis.combinations and compatibility and asks != "obligation":
        return _from_compat(compatibility, asks, named)
    acts = situation(analysis, named)
    if not acts:
        return None
    results: list[tuple[str, str, list[VerdictSentence]]] = []
    for subject in analysis.subjects[:2]:
        for doc_id in subject.doc_ids:
            facts = book.get(doc_id)
            if facts is None:
                continue
            got = _one_licence(facts, asks, named, acts)
            if got is not None:
                results.append((doc_id, *got))
        if results:
            break  # the first named subject governs; a second one is context
    if not results:
        return None
    values = {v for _, v, _ in results}
    value = values.pop() if len(values) == 1 else "conditional"
    said: list[VerdictSentence] = []
    for _, _, sents in results:
        for s in sents:
            if s.text not in [x.text for x in said]:
                said.append(s)
    if value == "conditional" and len(results) > 1:
        said = [
            VerdictSentence(
                f"{doc_id}: {WORD[v].rstrip('.').lower()}. " + s[0].text.split(": ", 1)[-1], s[0].cite
            )
            for doc_id, v, s in results
        ]
    return Verdict(value, asks, tuple(said[:3]), tuple(named), tuple(acts))


def _from_compat(compatibility: Sequence[dict[str, Any]], asks: str, named: Sequence[str]) -> Verdict | None:
    c = compatibility[0]
    value = COMPAT_VALUES.get(str(c.get("verdict")))
    if value is None:
        return None
    text = (
        f"OSADL: {c['subordinate']} code inside a {c['leading']} work: {c['verdict']}. "
        f"{c.get('explanation') or ''}"
    ).strip()
    cites = tuple(
        FactCitation(x["doc_id"], x.get("section"), x.get("quote") or "")
        for x in c.get("citations", [])
        if x.get("doc_id")
    )
    return Verdict(value, asks, (VerdictSentence(text, cites),), tuple(named), ())


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
