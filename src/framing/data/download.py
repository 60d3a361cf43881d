"""The `scripts/download_data.py` command: fetch, verify or re-checksum the public datasets.

Every file is pinned to a commit and checked against the sha256 checksums in data/datasets.json.
The data root defaults to $FRAMING_DATA_ROOT, else ../shared/datasets next to the project.
A dataset that already verifies is left alone unless --force.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from framing.core.errors import InputError
from framing.data.datasets import (
    MANIFEST_PATH,
    NAMES,
    build_manifest,
    default_root,
    load_manifest,
    verify,
    write_manifest,
)
from framing.data.fetch import fetch

DESCRIPTION = (
    "Download the public datasets (newsmtsc, gvfc, frac, polnear) from their original "
    "repositories."
)


class Parser(argparse.ArgumentParser):
    """Usage errors as one `error:` line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        print(f"error: {message}", file=sys.stderr)
        sys.exit(2)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = Parser(description=DESCRIPTION)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"one of {', '.join(NAMES)}")
    parser.add_argument("--root", type=Path, help="data root (default: $FRAMING_DATA_ROOT)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--verify", action="store_true", help="only check the local files")
    mode.add_argument(
        "--write-manifest",
        action="store_true",
        help="regenerate the manifest from the local copy under --root",
    )
    parser.add_argument("--force", action="store_true", help="download even if it verifies")
    parser.add_argument("--manifest", type=Path, default=MANIFEST_PATH, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in NAMES]
    if unknown:
        parser.error(f"unknown dataset {unknown[0]!r}; expected any of: {', '.join(NAMES)}")
    return args


def run(args: argparse.Namespace) -> int:
    root = args.root if args.root is not None else default_root()
    names = list(dict.fromkeys(args.names)) or list(NAMES)
    if args.write_manifest:  # with NAMEs: only their entries change
        manifest = build_manifest(root, names)
        if args.names and args.manifest.exists():
            manifest["datasets"] = {
                **load_manifest(args.manifest)["datasets"],
                **manifest["datasets"],
            }
        write_manifest(manifest, args.manifest)
        print(f"wrote {args.manifest} from {root}")
        return 0
    manifest = load_manifest(args.manifest)
    if args.verify:
        bad = 0
        for name in names:
            problems = verify(root, name, manifest)
            bad += bool(problems)
            more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
            print(f"{name}: {'; '.join(problems[:3]) + more if problems else 'ok'}")
        return 1 if bad else 0
    for name in names:
        fetch(root, name, manifest, force=args.force)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
    except OSError as e:  # the data root: not writable, disk full, ...
        print(f"error: {e}", file=sys.stderr)
    except KeyboardInterrupt:
        print("error: interrupted; nothing half-written was left in place", file=sys.stderr)
    return 2
