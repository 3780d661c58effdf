"""Reviewed licence knowledge as data: files under ``data/`` with their loaders, and the offline build.

Owns ``data/osadl.json`` (OSADL obligations checklists and compatibility matrix, each item cited to a
corpus clause) with its loader (``osadl``) and its build from ``../shared`` (``build``; run as
``python -m ingest.knowledge`` / ``make knowledge``, the ingest supplying the split clauses); the question
vocabulary (``data/vocabulary.yaml``, loaded and validated by ``vocabulary``); and the ScanCode LicenseDB
keys bundled in ``license-expression`` (``licensedb``). Code here loads and applies data; it does not read
questions. May import the ground floor, ``corpus`` and ``index``.
"""
