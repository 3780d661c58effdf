"""Thumbs up/down on answers, appended to a JSONL file for the legal team's review."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from licenseqa.answering.compose import answer_to_dict
from licenseqa.errors import LicenseQAError
from licenseqa.jsonl import append_record
from licenseqa.models import Answer

_lock = threading.Lock()


def record_feedback(path: Path, ans: Answer, rating: str, comment: str = "") -> dict[str, object]:
    """Append one record; ``rating`` is "up" or "down". Returns the record written."""
    if rating not in ("up", "down"):
        raise LicenseQAError("Feedback must be 'up' or 'down'.")
    data = answer_to_dict(ans)
    record = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "rating": rating,
        "question": ans.question,
        "answer": ans.text,
        "abstained": ans.abstained,
        "citations": data["citations"],
        "corpus_version": ans.corpus_version,
        "mode": ans.mode,
        "comment": comment,
    }
    try:
        with _lock:
            append_record(path, record)
    except OSError as exc:
        raise LicenseQAError(f"Cannot save feedback to {path}: {exc.strerror}.") from None
    return record
