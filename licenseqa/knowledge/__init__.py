"""Reviewed licence knowledge as data: files under ``data/`` with their loaders, and the offline build.

Owns ``data/osadl.json`` (OSADL obligations checklists and compatibility matrix, each item cited to a
corpus clause), its loader (``osadl``) and the build that derives it from ``../shared`` (``build``; run
as ``python -m ingest.knowledge`` / ``make knowledge``, the ingest supplying the split clauses). Code here
loads and applies data; it does not read questions. May import the ground floor, ``corpus`` and ``index``.
"""
