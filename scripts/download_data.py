"""Download the public datasets from their original repositories.

newsmtsc, gvfc, frac, polnear and ukraine_news_bias:

    python scripts/download_data.py                    # all five, into $FRAMING_DATA_ROOT
    python scripts/download_data.py polnear --root ~/data
    python scripts/download_data.py --verify           # check what is there; no network
    python scripts/download_data.py --write-manifest --root ../shared/datasets

Every file is pinned to a commit and checked against the sha256 checksums in data/datasets.json.
The data root defaults to $FRAMING_DATA_ROOT, else ../shared/datasets next to the project.
A dataset that already verifies is left alone unless --force. Needs internet access to
github.com (raw.githubusercontent.com and codeload.github.com).
"""

from __future__ import annotations

import sys

from framing.data.download import main

if __name__ == "__main__":
    sys.exit(main())
