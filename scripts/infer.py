"""Claims of news articles with attribution, source, stance and frame.

    python scripts/infer.py article.txt                 # readable table
    python scripts/infer.py a.txt b.html dir/ format=jsonl > claims.jsonl
    cat a.txt | python scripts/infer.py - out=claims.parquet summary=summary.json
    python scripts/infer.py a.txt "targets=[China-Russia military cooperation,US-Japan alliance]"
    python scripts/infer.py corpus/ out=claims.parquet report=report/ manifest=outlets.csv
    python scripts/infer.py corpus/ out=claims.jsonl engine=ray workers=4

Arguments with `=` are config overrides (configs/infer.yaml); the others are files, folders or
`-` for stdin; `-v` shows the log. With out= rows are written as articles finish and rerunning
the same command resumes. A bad file is reported and the others go on (exit code 2).
"""

from __future__ import annotations

import logging
import sys

from framing.core.errors import InputError
from framing.core.logs import log_to_stderr, quiet_third_party


def main(argv: list[str]) -> int:
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__)
        return 0
    verbose = "-v" in argv
    argv = [a for a in argv if a != "-v"]
    if not verbose:
        quiet_third_party()
    log_to_stderr(logging.INFO if verbose else logging.WARNING)
    from framing.pipeline.analyze import compose_infer_config  # after quiet_third_party
    from framing.pipeline.infer import infer

    paths = [a for a in argv if "=" not in a]
    overrides = [a for a in argv if "=" in a]
    try:
        cfg = compose_infer_config(overrides)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return infer(cfg, paths)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
