"""The `licenseqa` command: status and the ingest delegation."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT


def licenseqa(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "licenseqa.cli", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_status_without_index_says_how_to_build_it(tmp_path):
    done = licenseqa("status", env={"LICENSEQA_INDEX_DIR": str(tmp_path / "missing")})
    assert done.returncode == 1
    assert "licenseqa ingest" in done.stderr and "Traceback" not in done.stderr


def test_invalid_setting_is_a_clear_error(tmp_path):
    done = licenseqa("status", env={"LICENSEQA_EMBED_BATCH_SIZE": "lots"})
    assert done.returncode == 2 and "LICENSEQA_EMBED_BATCH_SIZE" in done.stderr


@pytest.mark.slow
def test_ingest_subcommand_then_status(tmp_path, small_corpus):
    env = {"LICENSEQA_INDEX_DIR": str(tmp_path / "idx"), "LICENSEQA_CORPUS_DIR": str(small_corpus)}
    done = licenseqa("ingest", "--json", env=env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    status = licenseqa("status", "--json", env=env)
    assert status.returncode == 0
    data = json.loads(status.stdout)
    assert data["ready"] and data["documents"] == 5 and data["clauses"] == report["chunks_total"]
    assert data["corpus_version"] == report["corpus_version"]
