"""Verdict-first answers: a yes/no question the licence facts decide starts with a cited yes / no; the
facts steer retrieval; questions the facts cannot decide say so and stay extractive.

The questions here are our own, written from the field's vocabulary (not from the dev sets)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from licenseqa.answering.compose import NO_VERDICT_LEAD, answer
from licenseqa.answering.evaluation import load_gold, run_evaluation
from licenseqa.answering.verdict import asked_sentences, is_polar, read_asks
from licenseqa.knowledge.vocabulary import Vocabulary
from tests.conftest import ROOT, run_cli

OWN = ROOT / "eval" / "verdicts-own.jsonl"
DEV2 = ROOT / "eval" / "dev2.jsonl"

CASES = [
    # (question, verdict, a clause the verdict must cite)
    (
        "Can we run a GPLv3 tool in our SaaS backend without releasing its source?",
        "yes",
        ("GPL-3.0-only", "0"),
    ),
    (
        "Does offering a modified AGPL-3.0 service over the network oblige us to offer the source to users?",
        "yes",
        ("AGPL-3.0-only", "13"),
    ),
    ("We host an unmodified AGPL-3.0 database behind our SaaS. Must we publish its source?", "no", None),
    (
        "Do we have to keep the MIT copyright notice when we ship MIT code in our mobile app?",
        "yes",
        ("MIT", None),
    ),
    ("Under MIT-0, do we need to keep the copyright notice in our shipped binary?", "no", ("MIT-0", None)),
    ("Can we use CC BY-NC 4.0 photos in a paid advertising campaign?", "no", None),
    ("Is it OK to ship a modified CC BY-ND 4.0 diagram in our product manual?", "no", None),
    ("Can we put Apache-2.0 code into our proprietary product?", "yes", ("Apache-2.0", None)),
    (
        "Can our own source files stay proprietary if we ship them next to modified MPL-2.0 files?",
        "yes",
        None,
    ),
    (
        "Under GPL-2.0, if we violate the licence and then fix it, are our rights back automatically?",
        "no",
        ("GPL-2.0-only", "4"),
    ),
    ("Which licence terms apply to the weights of a Llama 3.1 fine-tune, and is that okay?", None, None),
    # zlib §3 binds source distributions only; §1's product acknowledgement is "not required"
    (
        "Our firmware links zlib. Its licence talks about an acknowledgment in the product documentation: "
        "do we have to add one?",
        "no",
        ("Zlib", "1"),
    ),
    ("If we redistribute zlib's source in our SDK, must its licence notice stay in the files?", "yes", None),
    # rule 5: "Is that allowed?" is read against the situation described before it, and only a prohibition
    # of that situation answers it
    ("Sales wants a CC BY-NC 4.0 chart in the brochure we hand to paying clients. Is that okay?", "no", None),
    (
        "The docs team rewrote a CC BY-ND 4.0 tutorial and wants to post the rewrite on our site. Allowed?",
        "no",
        None,
    ),
    ("We ship an MIT parser in our desktop app and a colleague says that's fine. Is it?", None, None),
    # asked in the first person singular: "my code" is the asker's own work as "our code" is
    (
        "If I use an LGPL library via dynamic linking in my closed-source app, do I have to release my code?",
        "no",
        None,
    ),
    ("I run a GPLv3 tool on my own servers only. Must I publish my changes to it?", "no", None),
    # no distribution mode said: the fact stating the notice rule decides whether a notice may go
    ("Can I remove the copyright notice from BSD-licensed code I modified?", "no", None),
    ("Can we drop the MIT header from a file we rewrote?", "no", ("MIT", None)),
    # two licences, direction not stated: both directions, and they differ (failure kind 3 of issue 13)
    ("Is MIT compatible with GPL-3.0?", "conditional", None),
    ("Can we put GPL-3.0 code into our MIT-licensed library?", "no", None),
    # relicensing X material as Y: X's own same-licence terms decide, not the compatibility check's direction
    ("Can we relicense our GPL-3.0 fork under MIT?", "no", ("GPL-3.0-only", None)),
    ("Can we relicense our fork of an MIT library as Apache-2.0?", "yes", ("MIT", None)),
    ("We modified an MPL-2.0 library. Can we release our version under Apache-2.0?", "no", ("MPL-2.0", None)),
    # rule 6: a kind of use the licence or its policy forbids, cited to the item that forbids it
    (
        "Can we use a BLOOM checkpoint to screen job applicants and reject them automatically?",
        "no",
        ("bigscience-bloom-rail-1.0", "Attachment A (8)"),
    ),
    (
        "Our newsletter tool writes posts with a BLOOM model. Can we publish them without any AI disclaimer?",
        "no",
        ("bigscience-bloom-rail-1.0", "Attachment A (5)"),
    ),
    ("Can we fine-tune Llama 4 for a defence contractor's targeting system?", "no", ("llama4-aup", "2(a)")),
    ("Can our Gemma-based app track employees' keystrokes without telling them?", "no", None),
    # negated: the use is ruled out by the asker, so it decides nothing
    ("We will never use Llama 4 for military purposes. Can we use it in our logistics app?", None, None),
    # a use no item of the licence lists stays undecided (the lists are not read by analogy)
    ("Can we use a CreativeML OpenRAIL-M model to make product images for our shop?", None, None),
    # "does X break the licence?": the permission (or avoid) answer turned round
    ("Does using the BSD-3-Clause project's name to promote our fork violate the licence?", "yes", None),
    ("Would selling copies of an MIT library breach its licence?", "no", None),
    ("Is it a violation of Apache-2.0 to remove the NOTICE file from our binary distribution?", "yes", None),
    ("Does it break the licence to put CC BY-NC 4.0 photos in a paid ad campaign?", "yes", None),
    # a proprietary licence as the target is the same-licence obligation avoided
    ("Can we ship a modified EPL-2.0 plugin under a proprietary licence?", "no", ("EPL-2.0", None)),
    # the copyright holder of the whole work is not bound as a licensee: the facts do not decide
    (
        "I wrote all the code of my GPL-3.0 project myself. Can I also sell it under a proprietary licence?",
        None,
        None,
    ),
    ("Can I change the license of my project from GPL to MIT if I am the only contributor?", None, None),
    # "must our ...?" asks an obligation; the use restrictions pass on to a fine-tuned derivative
    (
        "If I fine-tune a BLOOM model, must my fine-tuned version carry the same use restrictions?",
        "yes",
        ("bigscience-bloom-rail-1.0", None),
    ),
    # whether a trained model is a work that includes its training material is not what a fact says
    ("Is a model trained on GPL code required to be released under the GPL?", None, None),
    # "do we need the author's permission to X?": the licence's grant turned round
    ("Do I need permission from the author to use MIT code in a commercial product?", "no", ("MIT", None)),
    ("Do we need written permission to use the BSD-3-Clause authors' names in our ads?", "yes", None),
    # "keep our changes secret" avoids the source obligation; "the app" in an "if" clause is not its object
    (
        "Does the LGPL allow me to modify the library and keep my changes secret if I distribute the app?",
        "no",
        None,
    ),
    # the advertising clause is a notice obligation
    ("Can I patch an OpenSSL-licensed library and ship it without the advertising clause?", "no", None),
    # another way of meeting the obligation ("if we put the source on our website") is a sufficiency question
    (
        "Is it a GPL violation to ship binaries without the source if I put the source on my website?",
        None,
        None,
    ),
    # an exception written for a program's output governs shipping that output with a product in any form
    # (Autoconf-exception-3.0 section 1: "permission to propagate output of Autoconf")
    (
        "Our proprietary installer ships a configure script generated by GNU Autoconf. Can it stay closed?",
        "yes",
        ("Autoconf-exception-3.0", "1"),
    ),
    # "do we need the X?" asks whether an obligation applies, like "do we need to X?"
    ('Our chatbot runs on Llama 2. Do we need the "Built with Llama" label?', "no", ("llama2", None)),
    ('Our chatbot runs on Llama 3.1. Do we need the "Built with Llama" label?', "yes", None),
    ("For our MIT-licensed SDK, do I need a copy of the licence in our binaries?", "yes", ("MIT", None)),
    # an obligation the clause lets you meet by one of several options, one of which avoids it (Artistic-2.0
    # section 4: "at least ONE of the following"), binds depending on the option taken
    (
        "We modified an Artistic-2.0 tool and ship compiled builds. Must we publish our changes?",
        "conditional",
        ("Artistic-2.0", "4"),
    ),
    # a licence that names another as a licence its code may go out under on a condition (EPL-2.0's
    # Secondary Licenses: the Exhibit A notice) makes the combination conditional where OSADL says No;
    # the other direction, which no such route opens, stays No
    ("Can EPL-2.0 code go into a GPL-3.0 program we distribute?", "conditional", ("EPL-2.0", "3.2(a)")),
    ("Can we put GPL-2.0 code into our EPL-2.0 plugin?", "no", None),
    # passing on the source offer received from upstream is one way of meeting the source obligation (GPL-2.0
    # 3(c) and GPL-3.0 6(c) allow it for noncommercial distribution only): a sufficiency question, not a grant
    (
        "We sell routers with GPL-3.0 firmware from a vendor. May we pass on the vendor's source offer?",
        None,
        None,
    ),
    (
        "Our distributor got a written offer with the GPL-2.0 binaries. Can they forward that offer?",
        None,
        None,
    ),
    # the licensor changing the licence of later releases: whether the earlier grant stays in force is not
    # what an activity fact says, the licence's words on its duration are (rule 9, facts grant_duration) ...
    (
        "The maintainers moved their Apache-2.0 library to a commercial licence. Are the versions we already "
        "have still under Apache-2.0?",
        "yes",
        ("Apache-2.0", "2"),
    ),
    (
        "The authors switched their GPL-3.0 tool to a commercial licence. Can they revoke the GPL for the "
        "releases we already run?",
        "no",
        ("GPL-3.0-only", "2"),
    ),
    # ... and where the licence states no duration (MPL-2.0, BSD-3-Clause) there is no verdict
    (
        "The vendor switched to the BSL. Can we keep using the last MPL-2.0 release in our pipeline?",
        None,
        None,
    ),
    (
        "The project changed its licence to SSPL. May we ship the BSD-3-Clause version released before?",
        None,
        None,
    ),
]


@pytest.mark.parametrize(("question", "value", "clause"), CASES)
def test_verdict_first(retriever, question, value, clause):
    ans = answer(question, retriever)
    assert not ans.abstained
    if value is None:
        assert ans.verdict is None
        return
    assert ans.verdict is not None, ans.text
    assert ans.verdict["value"] == value, ans.verdict
    first = ans.text.split("\n", 1)[0]
    assert first.startswith({"yes": "Yes.", "no": "No.", "conditional": "It depends."}[value])
    # every verdict sentence is cited, and every number points at a citation of the answer
    numbers = [int(n) for n in re.findall(r"\[(\d+)\]", ans.verdict["text"])]
    assert numbers and set(numbers) <= {c.n for c in ans.citations}
    assert ans.verdict["citations"] == list(dict.fromkeys(numbers))
    if clause is not None:
        doc, section = clause
        cited = [ans.citations[n - 1] for n in numbers]
        assert any(c.doc_id == doc and (section is None or c.section == section) for c in cited), cited


def test_facts_steer_the_governing_clause_into_the_citations(retriever):
    """Worded without the licence's own terms, the question still cites the clause the fact rests on."""
    ans = answer(
        "Our team wants to run a tweaked AGPL analytics server for outside users. Must we share it?",
        retriever,
    )
    assert any(c.doc_id == "AGPL-3.0-only" and c.section == "13" for c in ans.citations), ans.citations


def test_questions_that_are_not_yes_no_get_no_verdict(retriever):
    ans = answer("What does the Apache License 2.0 say about trademarks?", retriever)
    assert ans.verdict is None and not ans.text.startswith(("Yes.", "No."))
    assert NO_VERDICT_LEAD not in ans.text


def test_an_undecided_yes_no_question_says_so(retriever):
    ans = answer(
        "Is it enough to put a link to the source in our app's About screen for the GPL-3.0 parts?", retriever
    )
    assert ans.verdict is None and ans.text.startswith(NO_VERDICT_LEAD)


def test_an_undecided_yes_no_question_still_states_the_facts_cited(retriever):
    """Without a verdict the facts of the situation are stated, each sentence cited to its clause: passing
    on a received source offer is a sufficiency question, and GPL-2.0's object-code fact names the offer
    route (noncommercial only) and §3 where it rests."""
    ans = answer(
        "We sell appliances with GPL-2.0 tools from a supplier. Can we forward the supplier's written offer "
        "to our buyers instead of giving them the source?",
        retriever,
    )
    first = ans.text.split("\n", 1)[0]
    assert ans.verdict is None and first.startswith(NO_VERDICT_LEAD), first
    assert "Under GPL-2.0-only:" in first and "noncommercial" in first, first
    numbers = {int(n) for n in re.findall(r"\[(\d+)\]", first)}
    assert numbers and numbers <= {c.n for c in ans.citations}
    cited = [c for c in ans.citations if c.n in numbers]
    assert any(c.doc_id == "GPL-2.0-only" and (c.section or "").startswith("3") for c in cited), cited


def test_reading_the_question():
    voc = Vocabulary.load()

    def asks(q: str) -> tuple[str, tuple[str, ...]]:
        return read_asks(asked_sentences(q), voc)

    assert asks("Do we have to include the licence text?") == ("obligation", ("notice",))
    assert asks("Can the rest of our app stay proprietary?")[0] == "avoid"
    assert asks("Can we sell it, e.g. as a paid download?") == ("permission", ())
    assert is_polar(
        asked_sentences("Quick one: for Llama 2, do we need a badge?"),
        "Quick one: for Llama 2, do we need a badge?",
    )
    assert not is_polar(asked_sentences("Which licences allow this?"))


def test_a_breach_as_a_premise_is_not_turned_round(retriever):
    # "if we violate ..., do we get it back?" asks what follows from a breach (GPL-3.0 section 8), not
    # whether an act breaks the licence
    ans = answer(
        "If we violate the GPL-3.0 and then fix it within 30 days, do we get our licence back?", retriever
    )
    assert ans.verdict is not None and ans.verdict["asks"] != "violation"
    asked = answer("Would selling copies of an MIT library breach its licence?", retriever)
    assert asked.verdict is not None and asked.verdict["asks"] == "violation"


def test_ask_json_has_the_verdict(full_index):
    out = run_cli(
        "ask", "--json", "Can we use CC BY-NC 4.0 photos in a paid advertising campaign?",
        env={"LICENSEQA_INDEX_DIR": str(full_index)},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["verdict"]["value"] == "no" and data["verdict"]["citations"]
    assert data["answer"].startswith("No.")


def assert_verdict(retriever, question: str, value: str) -> None:
    """The answer to ``question`` leads with a verdict of ``value`` (the failure shows the answer's lead)."""
    ans = answer(question, retriever)
    assert ans.verdict is not None and ans.verdict["value"] == value, ans.text.split("\n", 1)[0]


def _verdicts(retriever, path: Path) -> dict:
    report = run_evaluation(retriever, load_gold(path), k=5, corpus_dir=None, baselines=False)
    return report["systems"][0]["verdicts"]


def test_verdicts_on_our_own_set(retriever):
    """Our own 48 yes/no questions (eval/verdicts-own.jsonl, written apart from the dev sets): floors at the
    measured figures (accuracy 0.833, wrong 0.042); the issue's bars (0.85 / 0.05) are not met yet."""
    v = _verdicts(retriever, OWN)
    assert v["questions"] == 48
    assert v["accuracy"] >= 0.833, v
    assert v["wrong_rate"] <= 0.042, v


def test_verdicts_on_dev2_do_not_regress(retriever):
    """dev2's 102 graded yes/no questions: floors at the measured figures (accuracy 0.765, wrong 0.010); the
    issue's bars (0.85 / 0.05) are not met yet."""
    v = _verdicts(retriever, DEV2)
    assert v["questions"] == 102
    assert v["accuracy"] >= 0.784, v
    assert v["wrong_rate"] <= 0.01, v


@pytest.mark.parametrize(
    ("name", "questions", "accuracy", "wrong"),
    [
        # paraphrased from public threads (eval/README.md); floors at the figures measured 2026-12-04;
        # threads-confirm was only measured, the others were read to find failure kinds
        ("threads-software.jsonl", 27, 0.777, 0.038),
        ("threads-models.jsonl", 26, 0.5, 0.039),
        ("threads-mixed.jsonl", 28, 0.607, 0.072),
        ("threads-confirm.jsonl", 28, 0.535, 0.072),
    ],
)
def test_verdicts_on_questions_from_public_threads(retriever, name, questions, accuracy, wrong):
    v = _verdicts(retriever, OWN.parent / name)
    assert v["questions"] == questions
    assert v["accuracy"] >= accuracy, v
    assert v["wrong_rate"] <= wrong, v


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("For the vendor assessment: does the ISC licence provide any warranty?", "no"),
        ("If a BSD-2-Clause library loses our customers' data, can we sue the authors for damages?", "no"),
        ("Is there any warranty in the Llama 3.1 Community License?", "no"),
        # the asker's own warranty is another question: Apache-2.0 §9 lets us offer one on our own behalf
        ("Can we sell our own warranty to customers for an Apache-2.0 project we redistribute?", "yes"),
        # a licence with no disclaimer does not decide it
        ("Does the WTFPL give any warranty?", None),
    ],
)
def test_whether_the_licensor_warrants_is_answered_by_its_disclaimer(retriever, question, value):
    ans = answer(question, retriever)
    got = ans.verdict["value"] if ans.verdict else None
    assert got == value, ans.text.split("\n", 1)[0]
    if value == "no":
        assert ans.verdict["activities"] == ["warranty-liability"]


@pytest.mark.parametrize(
    "question",
    [
        "Does the MPL-2.0 require the original authors to approve our changes before we ship them?",
        "Do we need the copyright holder's approval to translate a CC BY 4.0 report?",
    ],
)
def test_the_licensors_approval_is_asked_like_its_permission(retriever, question):
    # the licence's own grant makes the licensor's approval unnecessary: "No", as for "need permission"
    ans = answer(question, retriever)
    assert ans.verdict is not None and ans.verdict["value"] == "no", ans.text.split("\n", 1)[0]


@pytest.mark.parametrize(
    ("question", "value"),
    [
        # a breach inside an if-clause is the premise: the question asks what follows (GPL-3.0 §8 cure)
        (
            "Under AGPL-3.0, if the copyright holder tells us about our first violation and we fix it within "
            "30 days, do we get our licence back for good?",
            "yes",
        ),
        (
            "Under GPL-2.0, if we violated it once and then fixed it, are our rights automatically restored?",
            "no",
        ),
        # the breach asked about: "without source" names the source obligation
        ("If we hand customers the GPL-2.0 executable without source, does that breach the licence?", "yes"),
        # "only the binaries" avoids the source obligation
        ("Can we distribute only the binaries of our patched GPL-3.0 utility?", "no"),
    ],
)
def test_premises_and_binary_only_distribution(retriever, question, value):
    assert_verdict(retriever, question, value)


@pytest.mark.parametrize(
    ("question", "value"),
    [
        # confirming a negated statement: the answer to the positive question turned round
        ("Am I right that the Apache License 2.0 doesn't allow selling copies?", "no"),
        ("Is it true that a CC0 dedication doesn't license the dedicator's patents?", "yes"),
        ("So we don't have to keep the copyright notice when we ship an ISC library, right?", "no"),
        # a negated question without a frame is answered like the positive one
        ("Doesn't the AGPL-3.0 require offering source to network users of a modified version?", "yes"),
        # "is there anything stopping us" asks whether the act is forbidden
        ("Is there anything in the BSD-2-Clause licence that stops us from selling the library?", "no"),
        ("Does CC BY-NC 4.0 prohibit using the dataset for a paid product?", "yes"),
    ],
)
def test_confirmations_negations_and_prohibitions(retriever, question, value):
    assert_verdict(retriever, question, value)


def test_a_licence_named_as_a_contrast_is_not_a_subject(retriever):
    # GPL-3.0 would require the source; the question asks about MIT only
    ans = answer(
        "Unlike the GPL-3.0, does the MIT licence let us ship binaries without any source?", retriever
    )
    assert ans.verdict is not None and ans.verdict["value"] == "yes", ans.text.split("\n", 1)[0]
    assert "GPL-3.0-only" not in ans.verdict["text"]


@pytest.mark.parametrize(
    ("question", "value"),
    [
        # imposing terms on recipients that the licence's own grant does not allow (GPL §6 / §10, LGPL §6)
        ("When we convey our GPLv3 fork, may we add a clause that recipients may not redistribute it?", "no"),
        (
            "Our app uses an LGPL-3.0 library as a shared library. May our EULA ban reverse engineering?",
            "no",
        ),
        # the customers of a hosted service receive no copy: only a modified AGPL program owes them source
        (
            "We run the unmodified AGPL server for our customers. Does that oblige us to offer source?",
            "no",
        ),
        ("We run our modified AGPL server for paying customers. Do we have to offer them the source?", "yes"),
        # production use under BUSL-1.1 needs the Additional Use Grant or a commercial licence
        ("Can we use a BUSL-1.1 tool in production without buying a commercial licence?", "no"),
        # ODbL share-alike reaches only what is publicly conveyed
        (
            "We merged an ODbL database with our data and use it within our company. Can it stay closed?",
            "yes",
        ),
        # "closed-source" describing the asker's own app: the copyleft scope decides
        ("May we dynamically link an LGPL-2.1 library into our closed-source desktop application?", "yes"),
        ("May we statically link a GPL-2.0 library into our closed-source desktop application?", "no"),
        # keeping our changes to copyleft files closed is avoiding the file's own copyleft (MPL-2.0 §3.2)
        ("We ship MPL-2.0 files we patched inside our app. Can we keep our patches to them closed?", "no"),
        # a restricted use of a source-available licence, with no redistribution at all (ELv2 Limitations)
        (
            "We run Elastic License 2.0 software on our own servers. May we disable the licence key check?",
            "no",
        ),
    ],
)
def test_situations_read_from_the_field_s_terms(retriever, question, value):
    assert_verdict(retriever, question, value)


@pytest.mark.parametrize(
    ("question", "value"),
    [
        # the conditions of selling copies (on_conveying) bind copies conveyed: none changes hands here
        (
            "Our consultancy uses a GPL-3.0 tool in-house for paid client work. Must we publish our patches?",
            "no",
        ),
        (
            "Our firm uses an LGPL-2.1 library only internally for commercial work. Must we release source?",
            "no",
        ),
        # ... and they still bind when copies are sold
        ("We sell a desktop app that bundles a GPL-2.0 library. Do we have to provide source code?", "yes"),
    ],
)
def test_conditions_on_conveyed_copies_need_a_copy_to_change_hands(retriever, question, value):
    assert_verdict(retriever, question, value)


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("about 2 million monthly active users", 2e6),
        ("120M monthly actives", 1.2e8),
        ("1,500,000 MAU", 1.5e6),
        ("3.5 billion users", 3.5e9),
        ("Llama 3.1 70B for our users", None),  # a model size is no user count
        ("Llama 2 for 5 users", 5.0),
    ],
)
def test_a_stated_user_count_is_read(text, count):
    from licenseqa.answering.verdict import stated_user_count

    assert stated_user_count(text) == count


@pytest.mark.parametrize(
    ("question", "value"),
    [
        (
            "With 3 million monthly active users, may we put Llama 3.1 in our paid app without a Meta deal?",
            "yes",
        ),
        ("We have 900 million monthly active users. Do we need a licence from Meta to use Llama 2?", "yes"),
        (
            "Our service has 150 million monthly active users. Can we use Qwen under its standard licence?",
            "no",
        ),
        # another act keeps its own conditions whatever the user count
        (
            "We have 2 million monthly active users. Can we use Llama 2 outputs to train a competing LLM?",
            "no",
        ),
    ],
)
def test_a_stated_user_count_is_weighed_against_the_threshold(retriever, question, value):
    assert_verdict(retriever, question, value)


@pytest.mark.parametrize(
    ("question", "value"),
    [
        # the described situation lacks what an obligation requires; the asked sentence points back at it
        (
            "We ship a DLL under the zlib licence with no licence file beside it. Can we ship it that way?",
            "yes",
        ),
        (
            "The BSD-2-Clause parser we vendor had its copyright notice stripped. May we ship it like this?",
            "no",
        ),
        # a licence named as the standard of comparison is not a subject
        ("Does the MIT licence grant us a patent licence the way Apache-2.0 does?", None),
        ("Does CC0 license the affirmer's patents to us, like Apache-2.0 does?", "no"),
        # dropping an obligation while combining is decided by the licence that imposes it, not by OSADL
        ("We combine Apache-2.0 code into our GPL-3.0 project. May we drop its NOTICE attributions?", "no"),
        # the field's words for the obligations
        (
            "We run a GPL-2.0 analytics server for our SaaS. Does that mean we must open source our SaaS?",
            "no",
        ),
        (
            "We ship our product with a GPL-2.0 JDK under the Classpath exception. Must our product go GPL?",
            "no",
        ),
        ("Can we run a BUSL-1.1 database in production without signing an agreement with the vendor?", "no"),
    ],
)
def test_lacking_standards_of_comparison_and_the_field_s_obligation_words(retriever, question, value):
    ans = answer(question, retriever)
    got = ans.verdict["value"] if ans.verdict is not None else None
    if value is None:  # MIT says nothing about patents: its facts do not decide, Apache's must not either
        assert got is None or "Apache" not in ans.verdict["text"], ans.text.split("\n", 1)[0]
    else:
        assert got == value, ans.text.split("\n", 1)[0]


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        # two yes/no questions joined by "or" / ", and": the first is the one a yes or no answers
        (
            "Can we ship the MPL-2.0 files in our app, or does that make our whole app MPL?",
            "can we ship the mpl 2.0 files in our app",
        ),
        ("Is the ISC licence fine for our SDK or is there a catch?", "is the isc licence fine for our sdk"),
        ("Is that allowed, and do we need to credit the authors?", "is that allowed"),
        # a yes/no question and an open one joined by ", and": the open one asks what follows
        (
            "Can we bundle the MIT parser in our installer, and what notice must go with it?",
            "can we bundle the mit parser in our installer",
        ),
        ("Is it fine to fork the tool, and how should we credit the authors?", "is it fine to fork the tool"),
        # "what" inside one question is not a second question
        ("Can we ship what the ISC tool generates?", "can we ship what the isc tool generates"),
        # one question with "or" between two objects is not split
        ("Can we use MIT or BSD code here?", "can we use mit or bsd code here"),
    ],
)
def test_the_first_of_two_joined_yes_no_questions_is_the_one_asked(question, sentence):
    from licenseqa.answering.verdict import asked_sentences

    assert asked_sentences(question) == [sentence]


def test_a_licence_named_as_what_we_do_elsewhere_is_not_a_subject(retriever):
    q = "We bundle Unlicense snippets in our app. Must we show their notices the way we do for the MIT ones?"
    ans = answer(q, retriever)
    assert ans.verdict is not None and ans.verdict["value"] == "no", ans.text.split("\n", 1)[0]


@pytest.mark.parametrize(
    ("question", "value"),
    [
        # Installation Information binds only for a User Product (GPL-3.0 §6): 'scoped' in the facts
        (
            "Our GPL-3.0 firmware goes into lab equipment we sell. Must we give buyers our signing keys?",
            "conditional",
        ),
        # MPL-2.0 code goes into a GPL work as a Secondary License unless marked with Exhibit B (§3.3, §1.5)
        ("Can we ship MPL-2.0 files inside our GPL-2.0 program?", "conditional"),
    ],
)
def test_obligations_scoped_to_a_narrower_case_and_conditions_of_the_subordinate_licence(
    retriever, question, value
):
    assert_verdict(retriever, question, value)


@pytest.mark.parametrize(
    ("question", "value"),
    [
        # a negation before a question does not reach into it ("if we don't patch it, can we ship ...")
        (
            "If we don't patch the LGPL-2.1 library, can we ship our game with it as a shared library?",
            "yes",
        ),
        # the asker's own game, firmware, platform ... is the own work the copyleft scope decides about
        ("We ship our firmware with unmodified MPL-2.0 files. Can we keep our firmware closed?", "yes"),
        # a licence someone mistook the named one for is no party to a combination
        (
            "A colleague thinks the BSL-1.0 header we use is the Business Source License. Can we ship it?",
            "yes",
        ),
    ],
)
def test_negation_scope_own_work_nouns_and_mistaken_identities(retriever, question, value):
    assert_verdict(retriever, question, value)


@pytest.mark.parametrize(
    ("question", "value"),
    [
        # bypassing a safety guardrail ends the rights (NVIDIA Open Model License, restricted use)
        ("May we turn off the safety guardrails of a model under the NVIDIA Open Model License?", "no"),
        # ... adding one of our own is no such use
        ("Can we fine-tune a model under the NVIDIA Open Model License for our chatbot?", "yes"),
    ],
)
def test_bypassing_a_safety_guardrail_is_a_restricted_use(retriever, question, value):
    assert_verdict(retriever, question, value)


@pytest.mark.parametrize(
    ("question", "value"),
    [
        # Apache-2.0 §4(d) binds only "If the Work includes a NOTICE text file" (facts if_present)
        (
            "Our vendored Apache-2.0 parser has a LICENSE but no NOTICE file. Must we write a NOTICE file?",
            "no",
        ),
        (
            "Upstream doesn't ship a NOTICE file with the Apache-2.0 crate. Must we add a NOTICE file?",
            "no",
        ),
        (
            "Do we need to include the NOTICE file when we ship an Apache-2.0 library in our app?",
            "conditional",
        ),
        # the licence copy binds whether or not there is a NOTICE file
        (
            "Must our installer carry the Apache-2.0 licence text though the project has no NOTICE file?",
            "yes",
        ),
        # a NOTICE file is Apache's: BSD asks for the notice in the documentation, not for a NOTICE file
        ("Do we have to include a NOTICE file when we ship BSD-3-Clause code in our product?", "no"),
        # "does X require ...?" asks whether an obligation applies
        ("Does the MIT License require a NOTICE file like Apache does?", "no"),
        ("Does BSD-2-Clause require attribution in our app's about screen?", "yes"),
        # the model licences' "Notice" text file binds every copy distributed
        ("When we redistribute Llama 3.1 weights, do we need a Notice text file?", "yes"),
    ],
)
def test_a_notice_file_binds_as_its_clause_says(retriever, question, value):
    assert_verdict(retriever, question, value)


def test_a_shorter_obligation_inside_a_longer_mention_is_not_named():
    voc = Vocabulary.load()
    assert list(voc.obligation_mentions("do we have to keep the notice file")) == ["notice-file"]
    assert set(voc.obligation_mentions("keep the copyright notice and the notice file")) == {
        "notice",
        "notice-file",
    }


@pytest.mark.parametrize(
    ("question", "value"),
    [
        # the asker's own work described as separate and independent: the licence's words on separate works
        # (GPL-3.0 §5 aggregate, GPL-2.0 §2, AGPL-3.0 §5) decide
        (
            "We put a GPL-3.0 command-line tool on the same installer as our desktop app, which is a "
            "separate program that never links to it. Does our app have to be GPL too?",
            "no",
        ),
        (
            "We host a modified AGPL-3.0 wiki for clients. Is the invoicing tool we wrote separately "
            "bound by the AGPL as well?",
            "no",
        ),
        # works merely placed on one medium (GPL-2.0 §2 "mere aggregation"), and a work named again as
        # "the X" after "our X" was described as a separate process
        (
            "May we put our closed-source installer and a GPL-2.0 utility on the same DVD without "
            "licensing the installer under the GPL?",
            "yes",
        ),
        (
            "We ship our closed-source editor and an unmodified GPL-3.0 spell checker in the same zip; the "
            "editor runs it as a separate process. Must the editor be GPL?",
            "no",
        ),
        # linked into one program, the asker's code is not a separate work
        (
            "Our proprietary program links the GPL-3.0 library statically. Is it a separate work that "
            "can stay closed?",
            "no",
        ),
    ],
)
def test_separate_works_are_read_as_the_licence_says(retriever, question, value):
    assert_verdict(retriever, question, value)


@pytest.mark.parametrize(
    ("question", "value"),
    [
        # OFL-1.1 §1: the font may not be sold by itself (restricted use standalone-sale) ...
        ("May we sell our modified OFL font separately, for a fee?", "no"),
        ("Is it OK to offer an OFL-1.1 typeface as a standalone product in our shop?", "no"),
        # ... but it may be sold bundled with software (§2)
        ("Can we sell our app with an OFL font bundled in it?", "yes"),
    ],
)
def test_a_font_sold_by_itself_is_a_restricted_use(retriever, question, value):
    assert_verdict(retriever, question, value)


def test_an_act_the_licence_withholds_answers_a_short_question_about_it(retriever):
    """A short question pointing back ("Can we sell that service?") under a licence with use restrictions
    gets no "yes" (the use described may be restricted), but an asked act its facts withhold answers "no"
    (Commons Clause: the right to Sell)."""
    assert_verdict(
        retriever,
        "We offer paid hosting of a database that is Apache-2.0 with the Commons Clause. Can we sell that?",
        "no",
    )


def test_non_commercial_use_is_not_read_as_commercial_use(retriever):
    """ "non-commercial research" names no commercial use, so CC BY-NC's NonCommercial limit is no "no" here
    (the licence does not mention training: no verdict rather than a wrong one)."""
    got = answer("Can we train a model for non-commercial research on a CC BY-NC 4.0 dataset?", retriever)
    assert got.verdict is None or got.verdict["value"] != "no", got.verdict


@pytest.mark.parametrize(
    ("question", "value"),
    [
        # GFDL-1.3 §4(L): a Modified Version preserves all Invariant Sections (vocabulary invariant-sections),
        # asked directly or as a planned removal the short question points back at
        ("Our docs reuse a GFDL manual. May we leave out its Invariant Sections in the print edition?", "no"),
        (
            "We mirror a GFDL-1.3 handbook on our intranet and plan to delete the invariant sections. OK?",
            "no",
        ),
    ],
)
def test_invariant_sections_stay(retriever, question, value):
    assert_verdict(retriever, question, value)


@pytest.mark.parametrize(
    ("question", "value"),
    [
        # "X says P. Is he right?": the reported claim P is what is asked (rule 15)
        (
            "Our architect says that putting an MPL-2.0 file in our app means the whole app has to be MPL. "
            "Is he right?",
            "no",
        ),
        (
            "Our CTO says we must publish the source of our modified AGPL-3.0 server because customers use "
            "it over the web. Is he right?",
            "yes",
        ),
        # a claimed ban is turned round like "does MIT forbid ...?"
        ("A colleague says the MIT licence forbids selling our app. Is that true?", "no"),
    ],
)
def test_a_reported_claim_is_what_a_short_check_asks(retriever, question, value):
    assert_verdict(retriever, question, value)


def test_a_negated_reported_claim_gets_no_verdict(retriever):
    """Whether "don't" governs the claim's main verb is not read from word order: no verdict, not a guess."""
    got = answer(
        "A colleague says we don't need to keep the MIT notice in our binary. Is that true?", retriever
    )
    assert got.verdict is None, got.verdict


@pytest.mark.parametrize(
    ("question", "value"),
    [
        # the source is owed to recipients and users, not to everyone (rule 16) ...
        (
            "We host a modified AGPL-3.0 wiki for clients. Do we have to publish our changes to the public?",
            "conditional",
        ),
        # ... and a source obligation that does not bind stays a no
        (
            "We use an unmodified MIT library in our app. Do we have to publish our source on a public repo?",
            "no",
        ),
    ],
)
def test_the_source_is_owed_to_recipients_not_the_public(retriever, question, value):
    assert_verdict(retriever, question, value)


@pytest.mark.parametrize(
    ("question", "value"),
    [
        # rule 17: the obligations named are all the licence attaches to the situation ...
        (
            "We ship an MIT library in our app. Is keeping the copyright notice and licence all we need?",
            "yes",
        ),
        # ... except a NOTICE file, which binds only if the work has one (Apache-2.0 §4(d), if_present) ...
        (
            "We ship an Apache-2.0 library in our app. Is including the licence text all we have to do?",
            "conditional",
        ),
        # ... or not: a modified GPL-3.0 tool also owes change notices and the Corresponding Source
        ("We distribute a modified GPL-3.0 tool as binaries. Is keeping the licence text all we need?", "no"),
    ],
)
def test_whether_the_obligations_named_are_all(retriever, question, value):
    assert_verdict(retriever, question, value)


@pytest.mark.parametrize(
    ("question", "value"),
    [
        # Llama 2 §1(b)(v): its outputs may not improve another large language model (restricted use) ...
        ("Can we use Llama 2 outputs to train our own Mistral-based model?", "no"),
        (
            "We generate chat transcripts with Llama 2 70B and use them to fine-tune a Mistral model. OK?",
            "no",
        ),
        # ... fine-tuning Llama 2 itself is not that use
        ("Can we fine-tune Llama 2 on our support tickets and sell access to it?", "yes"),
    ],
)
def test_outputs_improving_another_model(retriever, question, value):
    assert_verdict(retriever, question, value)


def test_a_use_of_another_model_is_not_read_when_the_licensed_model_is_its_object():
    from licenseqa.answering.verdict import restricted_uses_in
    from licenseqa.knowledge.vocabulary import normalise_text

    vocab = Vocabulary.load()
    other = normalise_text("We use Llama 2 outputs to fine-tune our Mistral model")
    itself = normalise_text("We use Llama 2 outputs to fine-tune Llama 2 7B")
    assert "improve-other-models" in restricted_uses_in(other, vocab, ["llama 2"])
    assert "improve-other-models" not in restricted_uses_in(itself, vocab, ["llama 2"])


@pytest.mark.parametrize(
    ("question", "value"),
    [
        # "Share" (the CC 4.0 term for distributing) is a distribution; "does X apply" asks whether an
        # obligation applies
        ("Can we share a CC BY-ND 4.0 report after converting it from PDF to EPUB?", "yes"),
        (
            "We copied a CC BY-SA 4.0 dataset into our product database. If we share the database, does "
            "ShareAlike apply to it?",
            "yes",
        ),
        ("Does the GPL-3.0 source requirement apply if we only run the tool internally?", "no"),
        # OFL-1.1 condition 3: the Reserved Font Name binds Modified Versions only (scoped)
        ("We ship an unmodified OFL font in our app. Do we have to rename it?", "conditional"),
        (
            "We subset an OFL-1.1 font with a Reserved Font Name and ship it in our app. Must we rename it?",
            "yes",
        ),
    ],
)
def test_sharing_applying_and_reserved_names(retriever, question, value):
    assert_verdict(retriever, question, value)


@pytest.mark.parametrize(
    "question",
    [
        # rule 18: the duty a ban implies, where the item states it (OpenRAIL: "without expressly and
        # intelligibly disclaiming that it is machine generated")
        "Must we tell users of our BigScience OpenRAIL-M chatbot that they are chatting with an AI?",
        "Our assistant runs on a BLOOM model. Do we need to disclose to users that it is a bot?",
    ],
)
def test_the_duty_a_ban_implies(retriever, question):
    assert_verdict(retriever, question, "yes")


@pytest.mark.parametrize(
    "question",
    [
        # no restricted uses listed: the duty is not read into the licence by analogy
        "Our chatbot uses an Apache-2.0 model. Must we tell users they are talking to a bot?",
        # Gemma's policy bans claiming human authorship; it states no duty to label
        "Our support bot runs on Gemma. Do we have to disclose to users that replies are AI generated?",
    ],
)
def test_a_duty_no_item_states_gets_no_yes(retriever, question):
    got = answer(question, retriever)
    assert got.verdict is None or got.verdict["value"] != "yes", got.verdict


@pytest.mark.parametrize(
    ("question", "value"),
    [
        # a work that is to keep being under a licence ("keep the whole library MIT") names the target of a
        # same-licence question, not a notice to keep
        ("Can our app stay MIT if we copy a GPL-3.0 function into it?", "no"),
        ("We add a few MPL-2.0 files to our Apache-2.0 project. Can it stay Apache-2.0?", "yes"),
        # OpenRAIL-M §7: reasonable efforts to use the latest version (not in Open RAIL++-M)
        (
            "We run Stable Diffusion 1.5 under the CreativeML OpenRAIL-M licence. Must we update to the "
            "latest version of the model?",
            "yes",
        ),
        ("Must we upgrade to the latest version of an SDXL model under CreativeML Open RAIL++-M?", "no"),
    ],
)
def test_kept_licences_and_the_latest_version(retriever, question, value):
    assert_verdict(retriever, question, value)


@pytest.mark.parametrize(
    ("question", "value"),
    [
        # royalty-free grants: no fee is owed for the licence (obligation fee) ...
        ("Do we have to pay royalties to ship an Apache-2.0 library in our product?", "no"),
        ("Do we owe Meta a licence fee for running our chatbot on Llama 3.1?", "no"),
    ],
)
def test_no_fee_is_owed_under_a_royalty_free_grant(retriever, question, value):
    assert_verdict(retriever, question, value)


def test_a_fee_question_where_the_use_is_not_granted_gets_no_verdict(retriever):
    """Commercial use is outside CC BY-NC's grant: whether a fee buys it is the licensor's offer."""
    got = answer("Do we have to pay a license fee to use a CC BY-NC 4.0 dataset in our paid app?", retriever)
    assert got.verdict is None, got.verdict


@pytest.mark.parametrize(
    ("question", "value"),
    [
        # a required name prefix is the naming obligation (Llama 3.x: names beginning with "Llama") ...
        ("We fine-tuned Llama 3.3 and will publish it. Must its name begin with Llama?", "yes"),
        # ... which Apache-2.0 does not have
        ("We fine-tuned a Mistral Apache-2.0 model. Must its name start with Mistral?", "no"),
    ],
)
def test_a_required_name_prefix(retriever, question, value):
    assert_verdict(retriever, question, value)


@pytest.mark.parametrize(
    "question",
    [
        # a reported claim that states no duty the vocabulary names is not answered as a permission
        "Our auditor claims that bundling an unmodified ISC library forces our SDK to be ISC. Is she right?",
        # "all we need" without an obligation named: what is offered as complete is not known
        "Is attaching the MPL-2.0 text all we need when we ship unmodified MPL files in our installer?",
    ],
)
def test_claims_and_completeness_questions_that_name_no_duty_get_no_yes(retriever, question):
    got = answer(question, retriever)
    assert got.verdict is None or got.verdict["value"] != "yes", got.verdict
