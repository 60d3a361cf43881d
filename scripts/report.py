"""The HTML report of claim rows already written by `scripts/infer.py`.

    python scripts/report.py claims.parquet out=report/               # grouped by outlet
    python scripts/report.py claims.jsonl out=report/ group_by=date   # any metadata field
    python scripts/report.py claims.csv out=report/ low_confidence=0.7

Writes report/index.html (articles side by side, grouped; shares with bootstrap 95% intervals;
frame x source-type cross-tab; claims by source type; every table as CSV) and one page per
article in report/articles/. Rows: .jsonl, .csv or .parquet (a file or a folder of parts).
Bad input gives one `error:` line and exit code 2, and nothing is written.
"""

from __future__ import annotations

import logging
import sys

from framing.core.errors import InputError
from framing.core.logs import log_to_stderr


def main(argv: list[str]) -> int:
    if not argv or argv[:1] in (["-h"], ["--help"]):
        print(__doc__)
        return 0 if argv else 2
    log_to_stderr(logging.WARNING)
    from framing.pipeline.html_report import parse_args, report_from_file

    try:
        index = report_from_file(parse_args(argv))
    except (InputError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"wrote {index}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
