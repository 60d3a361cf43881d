"""Where the checkout is: its configs/ and data/ are found from the installed package."""

from __future__ import annotations

from pathlib import Path

# The checkout this package was installed from (editable install), for its data/ and configs/.
PROJECT_ROOT = Path(__file__).resolve().parents[3]  # src/framing/core/paths.py -> checkout


def project_path(path: str | Path) -> Path:
    """A relative path as given if it exists from the working folder, else from the checkout."""
    p = Path(path)
    if p.is_absolute() or p.exists() or not (PROJECT_ROOT / p).exists():
        return p
    return PROJECT_ROOT / p
