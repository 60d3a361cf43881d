"""Log records of the library to stderr, the one format every command uses."""

from __future__ import annotations

import logging
import os
import sys
import warnings

FORMAT = "[%(asctime)s][%(name)s][%(levelname)s] %(message)s"


def log_to_stderr(level: int = logging.INFO) -> None:
    """Send log records to stderr (stdout stays for a command's output)."""
    logging.basicConfig(level=level, stream=sys.stderr, format=FORMAT)


def quiet_third_party() -> None:
    """No progress bars, warnings or info lines of the libraries on a normal run (the
    "Loading weights" bar of transformers, Hugging Face hub bars, Python warnings, Ray's
    banners); set before those libraries are imported."""
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    warnings.simplefilter("ignore")
    for name in ("transformers", "huggingface_hub", "datasets", "ray", "onnxruntime", "spacy"):
        logging.getLogger(name).setLevel(logging.ERROR)
