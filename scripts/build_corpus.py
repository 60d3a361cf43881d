"""Resolve offsets in the corpus annotations, validate them, and write the article split.

    python scripts/build_corpus.py              # every annotation + data/corpus/splits.json
    python scripts/build_corpus.py data/corpus/annotations/x.json   # just these files
    python scripts/build_corpus.py --stats              # + label counts per split (data card)

Annotators write claim, source-mention and cue texts; this fills in their character offsets.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from framing.data.corpus import build_corpus

ROOT = Path(__file__).resolve().parents[1] / "data" / "corpus"
SPLIT_SEED = 13


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--stats", action="store_true", help="print label counts per split")
    args = parser.parse_args()
    errors, report = build_corpus(ROOT, args.files, SPLIT_SEED, args.stats)
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        return 1
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
