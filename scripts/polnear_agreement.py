"""How often two PolNeAR annotators agree on the claim-level attribution gold (the ceiling).

    python scripts/polnear_agreement.py [--root DIR]

Sentences of the articles annotated more than once, each annotator's gold (attributed when half
of the sentence is Content), every pair of annotators compared: agreement and Cohen's kappa per
split. Records experiments/polnear_agreement/<time>/metrics.json and prints it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from framing.benchmarks.polnear_agreement import run_agreement
from framing.core.errors import InputError
from framing.data.public import default_data_root


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.path.join(default_data_root(), "polnear")
    parser.add_argument("--root", default=default, help=f"the PolNeAR folder ({default})")
    parser.add_argument("--out-root", default="experiments")
    args = parser.parse_args()
    try:
        run_dir = run_agreement(args.root, args.out_root)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    metrics = json.loads((run_dir / "metrics.json").read_text(encoding="utf-8"))
    metrics.pop("meta")
    print(json.dumps(metrics, indent=1))
    print(f"wrote {run_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
