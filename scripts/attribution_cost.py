"""Time the article pipeline per claim in several attribution modes and backends, in one process.

    python scripts/attribution_cost.py ../shared/datasets/polnear/data/test/text
    python scripts/attribution_cost.py ARTICLES... --variants rules:torch rules_tagger:onnx

A variant is <mode>[:<backend>] (backend onnx by default). The first is the reference (default:
rules:torch, the default before the shipped tagger and the ONNX backend).
Records experiments/attribution_cost/<time>/metrics.json and prints it.
"""

from __future__ import annotations

import argparse
import json
import sys

from framing.benchmarks.cost import run_cost
from framing.core.errors import InputError
from framing.core.logs import log_to_stderr
from framing.pipeline.analyze import PipelineConfig
from framing.pipeline.ingest import IngestError, read_documents


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="article files or folders")
    parser.add_argument(
        "--variants",
        nargs="+",
        default=["rules:torch", "rules_tagger:onnx", "rules_tagger:torch", "rules:onnx"],
    )
    parser.add_argument("--out-root", default="experiments")
    args = parser.parse_args()
    log_to_stderr()
    try:
        docs = []
        for d in read_documents(args.paths):
            if isinstance(d, IngestError):
                print(f"error: {d}", file=sys.stderr)
            else:
                docs.append(d)
        run_dir = run_cost(PipelineConfig(device="cpu"), docs, args.variants, args.out_root)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    timing = json.loads((run_dir / "metrics.json").read_text())["variants"]
    print(json.dumps(timing, indent=1), file=sys.stderr)
    print(run_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
