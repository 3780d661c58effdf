"""Warm time of the stack check on a 900-component CycloneDX JSON, and the share of components resolved.

The SBOM is generated from the real examples' components (``../shared/data/sbom-examples/cyclonedx``,
the CycloneDX 1.2 files: juice-shop, dropwizard, proton-bridge, cern), unique by ``bom-ref``, first 900. Each
round runs what ``licenseqa stack FILE --json`` runs: read, schema validation, deserialisation, resolution,
the check and the JSON report. Warm: one round first (imports, schema, OSADL data), then ``--rounds`` timed
with the same checker. Target (issue 15): <= 5 s. Beside it, the share resolved by ``license-expression``
alone in the same run, for the generated SBOM and for each example.

    .venv/bin/python bench/stack.py [--rounds 3] [--components 900] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from licenseqa.stack.check import StackChecker, check_files  # noqa: E402
from licenseqa.stack.context import make_context  # noqa: E402
from licenseqa.stack.inputs import read_path  # noqa: E402
from licenseqa.stack.report import to_json  # noqa: E402
from licenseqa.stack.resolve import Resolver  # noqa: E402

EXAMPLES = ROOT.parent / "shared" / "data" / "sbom-examples"
SOURCES = (
    "juice-shop-11.1.2.bom.json",
    "dropwizard-1.3.15.bom.json",
    "proton-bridge-1.8.0.bom.json",
    "cern-lhc-vdm-editor.bom.json",
)


def generate(n: int, out: Path) -> int:
    components: dict[str, dict] = {}
    for name in SOURCES:
        data = json.loads((EXAMPLES / "cyclonedx" / name).read_text(encoding="utf-8"))
        for c in data.get("components", []):
            components.setdefault(c.get("bom-ref") or f"{c['name']}@{c.get('version')}", c)
    chosen = list(components.values())[:n]
    bom = {"bomFormat": "CycloneDX", "specVersion": "1.2", "version": 1, "components": chosen}
    out.write_text(json.dumps(bom), encoding="utf-8")
    return len(chosen)


def shares(path: Path, resolver: Resolver) -> dict[str, float | int]:
    components = read_path(path).components
    ours = sum(1 for c in components if resolver.resolve(c).expression)
    alone = sum(1 for c in components if c.declared and all(resolver.validate(d) for d in c.declared))
    total = len(components) or 1
    return {
        "components": len(components),
        "resolved": ours,
        "resolved_share": round(ours / total, 4),
        "license_expression_alone": alone,
        "license_expression_alone_share": round(alone / total, 4),
    }


def _examples() -> list[Path]:
    found = sorted((EXAMPLES / "cyclonedx").glob("*.json")) + sorted((EXAMPLES / "spdx").glob("*"))
    return [p for p in found if p.suffix in (".json", ".spdx")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--components", type=int, default=900)
    parser.add_argument("--mode", default="binary")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not EXAMPLES.is_dir():
        print(f"{EXAMPLES} is missing: the benchmark needs the real SBOM examples", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        sbom = Path(tmp) / "bench-900.bom.json"
        count = generate(args.components, sbom)
        context = make_context(args.mode)
        checker = StackChecker()
        to_json(check_files([str(sbom)], context, checker=checker))  # warm-up
        timings = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            report = check_files([str(sbom)], context, checker=checker)
            to_json(report)
            timings.append(time.perf_counter() - started)
        resolver = Resolver()
        result = {
            "components": count,
            "rounds": args.rounds,
            "warm_median_s": round(statistics.median(timings), 3),
            "warm_max_s": round(max(timings), 3),
            "target_s": 5.0,
            "summary": report.summary,
            "generated": shares(sbom, resolver),
            "examples": {p.name: shares(p, resolver) for p in _examples()},
        }
    if args.json:
        print(json.dumps(result))
        return 0
    print(
        f"{count} components, warm median {result['warm_median_s']:.2f} s, max {result['warm_max_s']:.2f} s "
        f"over {args.rounds} rounds (target <= 5 s)"
    )
    g = result["generated"]
    alone = g["license_expression_alone_share"]
    print(f"resolved {g['resolved_share']:.1%} vs license-expression alone {alone:.1%}")
    print(f"{'example':<36}{'n':>6}{'ours':>9}{'alone':>9}")
    for name, s in result["examples"].items():
        print(
            f"{name:<36}{s['components']:>6}{s['resolved_share']:>9.1%}{s['license_expression_alone_share']:>9.1%}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
