"""Log records of the library to stderr, the one format every command uses."""

from __future__ import annotations

import logging
import sys

FORMAT = "[%(asctime)s][%(name)s][%(levelname)s] %(message)s"


def log_to_stderr(level: int = logging.INFO) -> None:
    """Send log records to stderr (stdout stays for a command's output)."""
    logging.basicConfig(level=level, stream=sys.stderr, format=FORMAT)
