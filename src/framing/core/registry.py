"""Lazy references to code by name ("package.module:attribute"), as the registries of model
families and task kinds hold them: nothing is imported until a name is used."""

from __future__ import annotations

import importlib
from typing import Any


def resolve(ref: str) -> Any:
    """The object a "package.module:attribute" reference names.

    >>> resolve("framing.core.errors:InputError").__name__
    'InputError'
    """
    module, _, attr = ref.partition(":")
    if not module or not attr:
        raise ValueError(f"{ref!r} is not a 'package.module:attribute' reference")
    return getattr(importlib.import_module(module), attr)
