"""Errors every layer raises: bad user input is one line, never a traceback."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input from the user (data, config, paths): reported as one line, never a traceback."""


def one_line(exc: BaseException) -> str:
    """Hydra/OmegaConf's message and its cause on one line, without the details that follow
    (`full_key:`, the config search path)."""
    lines: list[str] = []
    while exc is not None:
        for line in str(exc).strip().splitlines():
            line = line.strip()
            if line.startswith(("full_key:", "Config search path")):
                break
            if line.startswith("To append to your config"):  # we refuse `+key=` overrides
                continue
            if line and line not in lines:
                lines.append(line)
        exc = exc.__cause__
    return " ".join(lines)
