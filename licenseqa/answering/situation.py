"""What a question says of its situation: the use case, and whether it asks for obligations or a combination.

These read the question text only; the OSADL data they select from lives in :mod:`licenseqa.knowledge`.
"""

from __future__ import annotations

import re

from licenseqa.answering.detect import normalise

_NETWORK = re.compile(
    r"\b(saas|hosted|hosting|host(?:s|ed)? it|network|web ?services?|apis?|servers?|cloud|online services?|"
    r"remote(?:ly)?)\b",
    re.I,
)
_BINARY = re.compile(
    r"\b(ship(?:s|ping|ped)?|apps?|application|binar(?:y|ies)|devices?|mobile|firmware|embedded|"
    r"distribut(?:e|es|ed|ing|ion)|sell(?:s|ing)?|on-prem(?:ise)?)\b",
    re.I,
)
_SOURCE = re.compile(
    r"\b(publish(?:es|ed|ing)?|source code|open[- ]source it|github|repository|source release)\b", re.I
)
_OBLIGATION = re.compile(
    r"\b(obligations?|requires?|requirements?|must|need to|have to|conditions?|comply|compliance|what do i|"
    r"can (?:we|i) ship|allowed to (?:ship|use|distribute))\b",
    re.I,
)
_COMBINE = re.compile(
    r"\b(combin(?:e|es|ed|ing|ation)|compatib(?:le|ility)|includ(?:e|es|ed|ing)|incorporat(?:e|es|ed|ing)|"
    r"link(?:s|ed|ing)?|mix(?:es|ed|ing)?|together|bundl(?:e|es|ed|ing)|merg(?:e|es|ed|ing)|embed(?:s|ded|ding)?)\b"
    r"|\b(?:put|use|using)\b.*\b(?:in|into|inside|with)\b",
    re.I,
)


def guess_use_case(question: str) -> str | None:
    if _NETWORK.search(question):
        return "network"
    if _BINARY.search(question):
        return "binary"
    if _SOURCE.search(question):
        return "source"
    return None


def wants_obligations(question: str) -> bool:
    return _OBLIGATION.search(question) is not None or guess_use_case(question) is not None


def wants_compat(question: str) -> bool:
    return _COMBINE.search(question) is not None


def leading_and_subordinate(
    question: str, named: list[str], positions: list[tuple[int, str]]
) -> tuple[str, str]:
    """Which named licence governs the combined work (leading) and which is included (subordinate).

    "Can I put MIT code into our GPL-3.0 product?" -> GPL-3.0 leads (named after "in/into");
    otherwise the first licence named leads ("Is GPL-2.0 compatible with Apache-2.0?").
    """
    first, second = named[0], named[1]
    text = normalise(question)
    m = re.search(r"\b(?:in|into|inside|within|under)\b", text)
    if m:
        pos = {doc: min(p for p, d in positions if d == doc) for doc in (first, second)}
        after = [d for d in (first, second) if pos[d] > m.start()]
        before = [d for d in (first, second) if pos[d] < m.start()]
        if len(after) == 1 and len(before) == 1:
            return after[0], before[0]
    return first, second
