"""The corpus: licence texts and our guidance as files under ``corpus/``, and the legal team's edits to them.

Owns reading and validating corpus files (``documents``: front matter, the corpus walk), content hashes and
the corpus version (``hashing``), validated, atomic, audited writes (``admin``), gaps and restarts in the
clause numbering (``numbering``, a ``corpus validate`` warning), the import of a ScanCode LicenseDB text as a
corpus document (``scancode``) and the browsing view of a document (``catalog``).
May import the ground floor only (``config``, ``errors``, ``models``, ``logs``, ``jsonl``).
"""
