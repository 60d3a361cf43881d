"""Compare recorded runs: a table grouped by configuration (mean ± sd over seeds), CSV,
Markdown and a PNG plot; or a paired bootstrap test between two runs.

    python scripts/compare.py experiments/
    python scripts/compare.py experiments/ --task stance --out reports/
    python scripts/compare.py --paired experiments/a/RUN experiments/b/RUN
    python scripts/compare.py experiments/ --benchmarks docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from framing.benchmarks.report import write_report
from framing.core.errors import InputError
from framing.experiments.compare import paired_test, write_comparison


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", type=Path, default=Path("experiments"))
    parser.add_argument("--task")
    parser.add_argument("--data")
    parser.add_argument("--schema", help="label-set version, e.g. framing-default.v1")
    parser.add_argument("--out", type=Path, help="folder for compare.csv/.md/.png (default: root)")
    parser.add_argument("--paired", nargs=2, type=Path, metavar=("RUN_A", "RUN_B"))
    parser.add_argument("--n-boot", type=int, default=10000)
    parser.add_argument(
        "--benchmarks",
        type=Path,
        metavar="FILE.md",
        help="write the public-benchmark report (runs vs published figures) to this file",
    )
    args = parser.parse_args()
    try:
        if args.benchmarks:
            print(write_report(args.root, args.benchmarks), end="")
            print(f"wrote {args.benchmarks}", file=sys.stderr)
        elif args.paired:
            print(json.dumps(paired_test(*args.paired, n_boot=args.n_boot), indent=1))
        else:
            table, files = write_comparison(args.root, args.out, args.task, args.data, args.schema)
            print(table, end="")
            print(f"wrote {', '.join(str(f) for f in files)}", file=sys.stderr)
    except (InputError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
