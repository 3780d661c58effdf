"""The stack check: an SBOM or dependency manifest in, per-component status, conflicts and obligations out.

Owns the component inventory read from CycloneDX, SPDX and package manifests (``inputs`` detects the
format and applies the limits; ``sbom`` and ``manifests`` parse with the formats' own libraries), the
licence strings resolved to SPDX expressions (``resolve``, with ``data/mappings.yaml`` for what
``license-expression`` and ``licenselynx`` miss), the licence families and the approval-policy categories
per distribution mode as reviewed data (``data/categories.yaml``, loaded and validated by ``catalog``), the
check context and policy file (``context``), the check itself (``check``: WITH exceptions, copyleft
triggers, OSADL verdicts, the policy lane), the choice among OR options and its reason (``choice``), the
merged, cited obligations of the mode (``obligations``), the JSON / Markdown report (``report``) and the
comparison of two inventories (``diff``). May import the ground floor, ``corpus``, ``index``,
``knowledge`` and ``answering``; never ``ui``, ``cli``, ``service`` or ``ingest``.
"""
