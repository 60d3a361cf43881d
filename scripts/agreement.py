"""Agreement of the two annotations of the real Ukraine-crisis articles, and their label counts.

    python scripts/agreement.py                       # data/ukraine against the data root
    python scripts/agreement.py --labels data/ukraine --root ../shared/datasets/ukraine_news_bias

Krippendorff's alpha (nominal) and raw agreement per field over every sentence of the articles
in data/ukraine/second/, and the settled gold labels counted per split. Records
experiments/agreement/<time>/metrics.json and prints the tables that data/README.md shows.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from framing.benchmarks.agreement import agreement, markdown
from framing.core.errors import InputError
from framing.data.corpus import fingerprint
from framing.data.datasets import default_root
from framing.data.ukraine import label_counts, load_real
from framing.runs import records


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", default="data/ukraine")
    parser.add_argument("--root", default=str(default_root() / "ukraine_news_bias"))
    parser.add_argument("--out-root", default="experiments")
    args = parser.parse_args()
    try:
        result = agreement(args.root, args.labels)
        counts = label_counts(load_real(args.root, args.labels)[0])
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    run_dir = records.new_run_dir(args.out_root, "agreement")
    records.set_status(run_dir, "running")
    files = sorted(Path(args.labels).glob("*/article_*.json"))
    meta = records.run_metadata(0, "cpu", fingerprint(files), "", 0.0)
    records.write_json(run_dir / "metrics.json", {**result, "meta": meta})
    records.set_status(run_dir, "complete")
    print(markdown(result) + "\n\n" + counts)
    print(run_dir, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
