"""Licence detection from the forms people type (no model needed)."""

from __future__ import annotations

import pytest

from licenseqa.answering.detect import DocName, LicenseDetector


@pytest.fixture(scope="module")
def detector(corpus_docs):
    return LicenseDetector(DocName.from_meta(d.meta) for d in corpus_docs.values())


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Can I use an AGPL library in our SaaS?", ["AGPL-3.0-only"]),
        ("What does the Affero clause require?", ["AGPL-3.0-only"]),
        ("Under GPLv3, what is conveying?", ["GPL-3.0-only"]),
        ("Is LGPL 2.1 OK for dynamic linking?", ["LGPL-2.1-only"]),
        ("Does Apache 2 need a NOTICE file?", ["Apache-2.0"]),
        ("Do I have to follow the AUP of Llama 3.1?", ["llama3.1"]),
        ("May I use the Llama trademark with a Llama 3.3 model?", ["llama3.3"]),
        ("Is CC BY-NC data usable for training?", ["CC-BY-NC-4.0"]),
        ("What does the Stable Diffusion license forbid?", ["creativeml-openrail-m"]),
        ("Copying MIT-licensed code", ["MIT"]),
        ("BSD-3-Clause vs Apache-2.0", ["BSD-3-Clause", "Apache-2.0"]),
        ("How do I reset my laptop password?", []),
        ("Is this JSON file valid?", []),
    ],
)
def test_detects_named_licences(detector, question, expected):
    assert detector.detect(question) == expected


def test_family_names_cover_every_version(detector):
    assert set(detector.detect("OpenRAIL use restrictions")) >= {
        "bigscience-openrail-m",
        "creativeml-openrail-m",
        "openrail++",
        "bigcode-openrail-m",
    }
    ids, rest = detector.detect_with_rest("What does GPLv3 say about patents?")
    assert ids == ["GPL-3.0-only"] and "gpl" not in rest and "patents" in rest


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # an exception by its own short name, without the licence it modifies
        (
            "Is the LLVM exception enough to combine the runtime with GPL-2.0 code?",
            ["LLVM-exception", "GPL-2.0-only"],
        ),
        ("Does the Classpath exception cover subclassing?", ["Classpath-exception-2.0"]),
        # by the program it was written for, where the question speaks of that program's licence
        (
            "Does LLVM's license allow linking its runtime into a GPLv2 kernel?",
            ["LLVM-exception", "GPL-2.0-only"],
        ),
        ("What does the licence of Autoconf say about configure scripts?", ["Autoconf-exception-3.0"]),
        (
            "We patched Autoconf. Does the exception still cover the scripts it generates?",
            ["Autoconf-exception-3.0"],
        ),
        # the program alone, or a word that is also the program's term, is not the exception
        ("Can we ship a modified Autoconf to customers?", []),
        ("We put the jar on the classpath of our GPL-2.0 app. Fine?", ["GPL-2.0-only"]),
        # a project name that is also a licence name, spoken of as the licence of the thing just named
        ("We link zlib into our game. Its license asks for an acknowledgment: required?", ["Zlib"]),
        ("Is the zlib licence compatible with GPL-2.0?", ["Zlib", "GPL-2.0-only"]),
        ("We compress assets with zlib at build time.", []),
        # a name that is also an ordinary word needs the licence word itself, not "its licence"
        ("Our tool is written in Python. Its license is our EULA.", []),
        ("Does the Python license require a copyright notice?", ["PSF-2.0", "Python-2.0"]),
    ],
)
def test_names_spoken_of_as_a_licence(detector, question, expected):
    assert detector.detect(question) == expected
