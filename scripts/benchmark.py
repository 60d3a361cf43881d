"""What inference costs, as ratios measured side by side in one run; writes docs/performance.md.

    python scripts/benchmark.py                       # corpus dev+test articles; RSS at 100-5,000
    python scripts/benchmark.py ARTICLES... --sizes 100 1000 --parts throughput cold

Records experiments/benchmark/<time>/metrics.json (every number in the page comes from it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from framing.core.errors import InputError
from framing.core.logs import log_to_stderr, quiet_third_party

REPO = Path(__file__).resolve().parents[1]
PARTS = ("throughput", "cold", "rss")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="article files or folders (default: corpus)")
    parser.add_argument("--sizes", nargs="+", type=int, default=[100, 1000, 5000])
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--doc", default=str(REPO / "docs" / "performance.md"))
    parser.add_argument("--out-root", default="experiments")
    args = parser.parse_args()
    quiet_third_party()
    log_to_stderr()
    from framing.benchmarks.performance import render, run_benchmark, split_docs
    from framing.pipeline.ingest import IngestError, read_documents

    try:
        docs = [d for d in read_documents(args.paths) if not isinstance(d, IngestError)]
        docs = docs if args.paths else split_docs(REPO / "data" / "corpus", ("dev", "test"))
        if not docs or min(args.sizes) < 1:
            raise InputError("no readable articles, or a size under 1")
        article = Path(args.paths[0]) if args.paths else REPO / "data" / "corpus" / "articles"
        article = article if article.is_file() else sorted(article.glob("*.txt"))[0]
        run_dir, metrics = run_benchmark(docs, article, args.sizes, args.parts, args.out_root)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    command = "python scripts/benchmark.py " + " ".join(sys.argv[1:])
    Path(args.doc).parent.mkdir(parents=True, exist_ok=True)
    Path(args.doc).write_text(render(metrics, str(run_dir), command.strip()), encoding="utf-8")
    print(run_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
