"""The language of a question, to decline one the English corpus and model cannot answer.

The corpus is English and the bundled embedding model (all-MiniLM-L6-v2) is English-only: a French
question about legal review was matched to an unrelated EUPL-1.2 clause and answered with confidence.
So a question that is clearly in another language is declined with that reason.

Detection uses ``py3langid`` (a maintained fork of langid.py, BSD-3-Clause): a 4.6 MB pure-Python wheel
whose model ships inside the package (no download at run time), deterministic, under a millisecond a
question once loaded (about a second to load, once per process, only when a question is long enough
to test). ``langdetect`` was tried and rejected: it is random unless seeded and called "patent grant
termination" French with 0.99. ``lingua-language-detector`` is a 96 MB wheel.

Licence names and ids are English-neutral but not English ("EUPL", "CeCILL", "Lizenz" in a title), and
short questions full of ids ("MIT vs Apache-2.0?") carry too little text to tell: the text tested is the
question without its licence names (``Analysis.rest``) and without words holding digits, and only a text
of at least ``MIN_WORDS`` words that the model gives English a probability of at most
``MAX_ENGLISH`` is declined (named by its most likely language). Measured on the 161 gold questions and
short id-heavy English: no English text of four words or more scored below 0.2; French, German, Spanish,
Italian, Dutch, Polish, Portuguese, Russian and Chinese questions scored 0.0001 or less. The probability
of English, not that of the top language, decides: dialects share the mass of a language ("es" 0.94 beside
Extremaduran and Aragonese).
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

log = logging.getLogger(__name__)

ENGLISH = "en"
MIN_WORDS = 4
MAX_ENGLISH = 0.001
_LETTERS = re.compile(r"[^\W\d_]{2,}")
# names for the languages people most likely write in; others are shown by their ISO 639-1 code
NAMES = {
    "ar": "Arabic",
    "cs": "Czech",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "es": "Spanish",
    "fi": "Finnish",
    "fr": "French",
    "hi": "Hindi",
    "hu": "Hungarian",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sv": "Swedish",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "zh": "Chinese",
}

_identifier: Any = None
_lock = threading.Lock()


def language_name(code: str) -> str:
    return NAMES.get(code, f"a language other than English ({code})")


def _model() -> Any:
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            log.info("language identifier loaded")
        return _identifier


def foreign_language(text: str) -> str | None:
    """The ISO 639-1 code of the language ``text`` is clearly written in, when that is not English;
    None for English and for text too short or too mixed to tell. ``text``: the question without its
    licence names (module docstring)."""
    words = _LETTERS.findall(text)
    letters = sum(len(w) for w in words)
    # scripts without spaces between words (Chinese, Japanese) carry a whole question in one "word"
    if len(words) < MIN_WORDS and letters < 4 * MIN_WORDS:
        return None
    if len(words) < MIN_WORDS and all(w.isascii() for w in words):
        return None
    ranked = _model().rank(" ".join(words))
    english = next((p for code, p in ranked if code == ENGLISH), 0.0)
    if english > MAX_ENGLISH:
        return None
    return str(next(code for code, _ in ranked if code != ENGLISH))
