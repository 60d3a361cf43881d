"""Compare recorded runs (table, CSV, plot per configuration), or two runs (paired bootstrap).

Mean ± sd over seeds and bootstrap 95% intervals; filtered: compare-<filters>.csv/.md/.png.

    python scripts/compare.py experiments/
    python scripts/compare.py experiments/ --task stance --out reports/   # compare-task=stance.*
    python scripts/compare.py --paired experiments/a/RUN experiments/b/RUN [--json]
    python scripts/compare.py experiments/ --benchmarks docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from framing.benchmarks.report import write_report
from framing.core.errors import InputError
from framing.experiments.compare import paired_report, write_comparison


def one_line_error(message: str) -> NoReturn:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.error = one_line_error  # an unknown option or a missing value: one line, exit 2
    parser.add_argument("root", nargs="?", type=Path, default=Path("experiments"))
    parser.add_argument("--task")
    parser.add_argument("--data")
    parser.add_argument("--schema", help="label-set version, e.g. framing-default.v1")
    parser.add_argument("--out", type=Path, help="folder for compare.csv/.md/.png (default: root)")
    parser.add_argument("--paired", nargs=2, type=Path, metavar=("RUN_A", "RUN_B"))
    parser.add_argument("--json", action="store_true", help="--paired: the raw result as JSON")
    parser.add_argument("--n-boot", type=int, default=10000)
    parser.add_argument("--benchmarks", type=Path, help="FILE.md: runs vs published figures")
    args = parser.parse_args()
    try:
        if args.benchmarks:
            print(write_report(args.root, args.benchmarks), end="")
            print(f"wrote {args.benchmarks}", file=sys.stderr)
        elif args.paired:
            print(paired_report(*args.paired, n_boot=args.n_boot, as_json=args.json))
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
