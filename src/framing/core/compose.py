"""Hydra settings shared by the entry points that compose configs/."""

from __future__ import annotations


VERSION_BASE = "1.3"
