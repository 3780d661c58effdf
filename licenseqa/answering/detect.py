"""Detect the licences a question names: by id, SPDX id, title, alias, and the forms people type.

Names come from the index state (id, ``spdx``, ``title``, ``aliases`` of every
document) plus generated variants ("GPL-3.0-only" -> "GPL-3.0", "GPL 3", "GPLv3",
"GPL3") and a short table of family names ("AGPL", "Affero", "OpenRAIL", "Llama",
"Stable Diffusion license"). Matching is on normalised text, longest name first,
so "LGPL 2.1" wins over "GPL" and "Llama 3.1" over "Llama".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Family and colloquial names -> document ids. Versionless names cover every version.
FAMILY_NAMES: dict[str, tuple[str, ...]] = {
    "agpl": ("AGPL-3.0-only",),
    "affero": ("AGPL-3.0-only",),
    "affero gpl": ("AGPL-3.0-only",),
    "gpl": ("GPL-3.0-only", "GPL-2.0-only"),
    "gnu gpl": ("GPL-3.0-only", "GPL-2.0-only"),
    "general public license": ("GPL-3.0-only", "GPL-2.0-only"),
    "lgpl": ("LGPL-3.0-only", "LGPL-2.1-only"),
    "lesser gpl": ("LGPL-3.0-only", "LGPL-2.1-only"),
    "lesser general public license": ("LGPL-3.0-only", "LGPL-2.1-only"),
    "mpl": ("MPL-2.0",),
    "mozilla": ("MPL-2.0",),
    "epl": ("EPL-2.0", "EPL-1.0"),
    "eclipse": ("EPL-2.0", "EPL-1.0"),
    "apache": ("Apache-2.0",),
    "apache license": ("Apache-2.0",),
    "mit": ("MIT",),
    "expat": ("MIT",),
    "bsd": ("BSD-3-Clause", "BSD-2-Clause"),
    "new bsd": ("BSD-3-Clause",),
    "simplified bsd": ("BSD-2-Clause",),
    "original bsd": ("BSD-4-Clause",),
    "4 clause bsd": ("BSD-4-Clause",),
    "3 clause bsd": ("BSD-3-Clause",),
    "2 clause bsd": ("BSD-2-Clause",),
    "boost": ("BSL-1.0",),
    "boost license": ("BSL-1.0",),
    "cddl": ("CDDL-1.1", "CDDL-1.0"),
    "eupl": ("EUPL-1.2",),
    "sspl": ("SSPL-1.0",),
    "server side public license": ("SSPL-1.0",),
    "business source license": ("BUSL-1.1",),
    "bsl 1.1": ("BUSL-1.1",),
    "elastic license": ("Elastic-2.0",),
    "commons clause": ("Commons-Clause",),
    "odbl": ("ODbL-1.0",),
    "open database license": ("ODbL-1.0",),
    "cdla": ("CDLA-Permissive-2.0", "CDLA-Sharing-1.0"),
    "gfdl": ("GFDL-1.3-only",),
    "fdl": ("GFDL-1.3-only",),
    "ofl": ("OFL-1.1",),
    "cc0": ("CC0-1.0",),
    "cc by": ("CC-BY-4.0",),
    "cc by sa": ("CC-BY-SA-4.0",),
    "cc by nc": ("CC-BY-NC-4.0",),
    "cc by nd": ("CC-BY-ND-4.0",),
    "cc by nc sa": ("CC-BY-NC-SA-4.0",),
    "cc by nc nd": ("CC-BY-NC-ND-4.0",),
    "creative commons attribution": ("CC-BY-4.0",),
    "llama": ("llama3.3", "llama3.2", "llama3.1", "llama2", "llama4-aup"),
    "llama 2": ("llama2",),
    "llama 3": ("llama3.3", "llama3.2", "llama3.1"),
    "llama 3.1": ("llama3.1",),
    "llama 3.2": ("llama3.2",),
    "llama 3.3": ("llama3.3",),
    "llama 4": ("llama4-aup",),
    "meta llama": ("llama3.3", "llama3.2", "llama3.1", "llama2"),
    "gemma": ("gemma", "gemma-prohibited-use"),
    "gemma prohibited use": ("gemma-prohibited-use",),
    "openrail": (
        "bigscience-openrail-m",
        "creativeml-openrail-m",
        "openrail++",
        "bigcode-openrail-m",
        "bigscience-bloom-rail-1.0",
    ),
    "open rail": ("bigscience-openrail-m", "creativeml-openrail-m", "openrail++", "bigcode-openrail-m"),
    "rail": ("bigscience-bloom-rail-1.0", "bigscience-openrail-m"),
    "bigscience openrail m": ("bigscience-openrail-m",),
    "bloom": ("bigscience-bloom-rail-1.0",),
    "bigcode": ("bigcode-openrail-m",),
    "creativeml": ("creativeml-openrail-m",),
    "stable diffusion": ("creativeml-openrail-m", "openrail++"),
    "stable diffusion license": ("creativeml-openrail-m",),
    "qwen": ("qwen",),
    "deepseek": ("deepseek",),
    "falcon": ("falcon-2",),
    "nvidia open model": ("nvidia-open-model",),
    "unicode": ("Unicode-3.0", "Unicode-DFS-2016"),
    "python license": ("Python-2.0", "PSF-2.0"),
    "psf": ("PSF-2.0",),
    "classpath exception": ("Classpath-exception-2.0",),
    "llvm exception": ("LLVM-exception",),
    "gcc runtime library exception": ("GCC-exception-3.1",),
    "autoconf exception": ("Autoconf-exception-3.0",),
}

# words that look like licence names but are ordinary English in questions
# names that need "license" after them to count; and short names accepted when typed in capitals
_NEEDS_LICENSE_WORD = {"json", "rail", "postgresql", "python", "unicode"}
_AMBIGUOUS = {"isc", "zlib", "mit", "unlicense", *_NEEDS_LICENSE_WORD}


def normalise(text: str) -> str:
    """Lower-case; separators to spaces; ``v3`` -> ``3``; ``2.0`` kept; collapse spaces."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"\bversion\s+(?=\d)", "", text)
    text = re.sub(r"(?<=[a-z])v(?=\d)", " ", text)  # gplv3 -> gpl 3
    text = re.sub(r"\bv(?=\d)", "", text)  # v2 -> 2
    text = re.sub(r"(?<=[a-z])(?=\d)", " ", text)  # gpl3 -> gpl 3, llama2 -> llama 2
    text = re.sub(r"[-_/,;:!?()\[\]\"'’“”]+", " ", text)
    text = re.sub(r"\.(?!\d)", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def name_variants(name: str) -> set[str]:
    """``GPL-3.0-only`` -> {"gpl 3.0 only", "gpl 3.0", "gpl 3"}; ``Apache-2.0`` -> {..., "apache 2"}."""
    base = normalise(name)
    out = {base}
    stripped = re.sub(r"\s+(only|or later|\+)$", "", base)
    out.add(stripped)
    for item in list(out):
        out.add(re.sub(r"(\d+)\.0\b", r"\1", item))
    return {v for v in out if v}


@dataclass(frozen=True)
class DocName:
    doc_id: str
    title: str
    spdx: str = ""
    aliases: tuple[str, ...] = ()


class LicenseDetector:
    """Find the documents a question names."""

    def __init__(self, docs: Iterable[DocName]) -> None:
        docs = list(docs)
        known = {d.doc_id for d in docs}
        table: dict[str, set[str]] = {}

        def add(phrase: str, doc_id: str) -> None:
            if len(phrase) >= 2:
                table.setdefault(phrase, set()).add(doc_id)

        for d in docs:
            for name in (d.doc_id, d.spdx, d.title, *d.aliases):
                if not name or name.startswith("LicenseRef"):
                    continue
                for v in name_variants(name):
                    add(v, d.doc_id)
        for phrase, ids in FAMILY_NAMES.items():
            for doc_id in ids:
                if doc_id in known:
                    add(normalise(phrase), doc_id)
        # longest phrase first; regex per phrase with word boundaries
        self._phrases = sorted(table.items(), key=lambda kv: (-len(kv[0]), kv[0]))
        self._patterns = [
            (re.compile(r"(?<![\w.])" + re.escape(p) + r"(?![\w]|\.\d)"), ids) for p, ids in self._phrases
        ]

    def detect(self, question: str) -> list[str]:
        """Document ids named in ``question``, in order of first mention."""
        return self.detect_with_rest(question)[0]

    def detect_with_rest(self, question: str) -> tuple[list[str], str]:
        """Named document ids, and the normalised question with the licence names removed."""
        ids, rest, _ = self.mentions(question)
        return ids, rest

    def mentions(self, question: str) -> tuple[list[str], str, list[tuple[int, str]]]:
        """Named ids, the question without them, and (position in the normalised text, id) pairs."""
        text = normalise(question)
        taken: list[tuple[int, int]] = []
        found: list[tuple[int, str]] = []
        for pattern, ids in self._patterns:
            for m in pattern.finditer(text):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                phrase = m.group(0)
                if phrase in _AMBIGUOUS and not _looks_like_licence_context(question, phrase):
                    continue
                if len(ids) > 1 and any(i in {d for _, d in found} for i in ids):
                    continue  # "Llama" after "Llama 3.3": the specific version wins over the family
                taken.append((m.start(), m.end()))
                found.extend((m.start(), i) for i in sorted(ids))
        ordered: list[str] = []
        for _, doc_id in sorted(found):
            if doc_id not in ordered:
                ordered.append(doc_id)
        rest = text
        for s, e in sorted(taken, reverse=True):
            rest = rest[:s] + " " + rest[e:]
        return ordered, re.sub(r"\s+", " ", rest).strip(), sorted(found)


def _looks_like_licence_context(question: str, phrase: str) -> bool:
    """``MIT``/``ISC`` typed in capitals, or followed by "license"/"licensed"."""
    if phrase not in _NEEDS_LICENSE_WORD and re.search(rf"\b{re.escape(phrase.upper())}\b", question):
        return True
    return re.search(rf"\b{re.escape(phrase)}[\s-]+licen[cs]", question, re.IGNORECASE) is not None
