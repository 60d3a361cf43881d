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


def readable_as_umask(root: str | Path) -> None:
    """Give every file under `root` (or `root` itself) the mode a plain `open` would: libraries
    that write through a private temporary file (safetensors, peft) leave 0600 behind, so
    that a run's weights were the one file the group could not read."""
    import os

    mask = os.umask(0)
    os.umask(mask)
    root = Path(root)
    files = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
    for p in files:
        mode = p.stat().st_mode & 0o777
        want = (mode | 0o666) & ~mask
        if mode != want:
            p.chmod(want)
