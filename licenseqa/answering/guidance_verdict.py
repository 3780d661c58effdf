"""Verdicts from our policy: a yes/no question about our own process answered from the guidance rules.

The licence facts decide what a licence allows (:func:`licenseqa.answering.verdict.decide`). Many yes/no
questions ask what our policy allows instead ("Does a thumbs-up in chat count as an exception?", "Can we
merge while the review ticket is open?"): no licence clause speaks to them. When the facts give no verdict,
:func:`decide_by_guidance` reads the same question against the reviewed rules of
:mod:`licenseqa.knowledge.guidance_rules`:

- only a yes/no question that is not a definition or comparison, and not declined;
- what is asked (permission, obligation, avoiding a step, whether something is enough) is read from the
  asked sentences with the vocabulary's ``asks`` terms, as for the licence facts; "does X break our policy"
  is the permission answer turned round, "do we need X's approval" asks whether a step is required;
- the rules whose ``when`` groups all occur in the whole question (the situation is often told before the
  question mark) and that decide what is asked; when they disagree the rules do not decide (None), never a
  guess;
- the verdict's sentences are the rules' own texts (at most two), each cited to its guidance section.
"""

from __future__ import annotations

import logging
import re

from licenseqa.answering.analysis import Analysis
from licenseqa.answering.detect import normalise
from licenseqa.answering.verdict import (
    ALTERNATIVES,
    Verdict,
    VerdictSentence,
    ask_term,
    asked_sentences,
    confirms_a_negation,
    is_polar,
    negated,
    not_contrasted,
    read_asks,
    violation_is_a_premise,
)
from licenseqa.knowledge.guidance_rules import GuidanceRule, GuidanceRules
from licenseqa.knowledge.vocabulary import Vocabulary

log = logging.getLogger(__name__)

_COUNTS_AS = re.compile(r"\bcounts? as\b")
_TURNED = {"yes": "no", "no": "yes"}
MAX_SENTENCES = 2


def decide_by_guidance(analysis: Analysis, rules: GuidanceRules, vocabulary: Vocabulary) -> Verdict | None:
    """The policy verdict of a yes/no question (module docstring), or None when no rule decides it or the
    rules that match disagree."""
    if analysis.abstain_reason or analysis.form == "define":
        return None
    sentences = asked_sentences(analysis.question)
    if not is_polar(sentences, analysis.question):
        return None
    whole = normalise(analysis.question)
    if ask_term(vocabulary, "upstream-change").find(whole) or ask_term(vocabulary, "licensor").find(whole):
        # as for the licence facts: a licensor's change of licence ("the versions released before") and a
        # question from the holder of all rights are about another grant than the component's own rules
        return None
    if ALTERNATIVES.search(" ".join(sentences)):
        return None  # "merge now or wait?", "is X the same as Y?": not a yes or no about one act
    joined = " ".join(sentences)
    breaks = bool(ask_term(vocabulary, "violation").find(joined))
    turned = breaks and not violation_is_a_premise(joined, vocabulary, analysis.question)
    turned = turned or bool(ask_term(vocabulary, "prohibition").find(joined))  # "does our policy forbid X?"
    asks, _ = read_asks(sentences, vocabulary)
    if asks == "completeness":
        asks = "sufficiency"  # "is a ticket all we need?": for a policy step, whether it is enough
    if ask_term(vocabulary, "needs-permission").find(joined):
        asks = "obligation"  # "do we need OSPO's approval to ...": whether the step is required
    if _COUNTS_AS.search(joined):
        asks = "sufficiency"  # "does a chat message count as an exception?": whether X is enough to be Y
    if turned:
        asks = "permission"
    deciding: list[tuple[GuidanceRule, str]] = []
    named = [d for s in not_contrasted(analysis) for d in s.doc_ids]
    for rule in rules.matching(analysis.question, named):
        value = rule.value(asks)
        if value is not None:
            deciding.append((rule, _TURNED[value] if turned else value))
    values = {v for _, v in deciding}
    if len(values) != 1:
        if len(values) > 1:
            log.debug("guidance rules disagree: %s", [(r.id, v) for r, v in deciding])
        return None
    seen: list[str] = []
    sentences_out: list[VerdictSentence] = []
    for rule, _ in deciding:
        if rule.text in seen:
            continue
        seen.append(rule.text)
        sentences_out.append(VerdictSentence(rule.text, (rule.cite,)))
        if len(sentences_out) == MAX_SENTENCES:
            break
    verdict = Verdict(
        value=values.pop(), asks="violation" if turned else asks, sentences=tuple(sentences_out)
    )
    return negated(verdict) if confirms_a_negation(sentences, vocabulary) else verdict
