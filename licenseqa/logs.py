"""Logging set-up for the command-line entry points (libraries only create loggers)."""

from __future__ import annotations

import logging
import warnings


def configure_logging(level: str = "WARNING") -> None:
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s")
    logging.getLogger().setLevel(level)
    for noisy in ("chromadb", "httpx", "sentence_transformers", "transformers", "urllib3"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    warnings.filterwarnings("ignore", category=FutureWarning)
