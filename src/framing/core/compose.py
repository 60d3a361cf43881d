"""Hydra composition shared by the entry points: configs/<name>.yaml plus overrides, typed."""

from __future__ import annotations

from typing import Any

from framing.core.paths import PROJECT_ROOT

VERSION_BASE = "1.3"
CONFIG_DIR = PROJECT_ROOT / "configs"


def compose(name: str, overrides: list[str]) -> Any:
    """configs/<name>.yaml with command-line overrides, as the object of its structured schema
    (registered in Hydra's ConfigStore by the caller). Hydra's own errors pass through."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from omegaconf import OmegaConf

    with initialize_config_dir(str(CONFIG_DIR), version_base=VERSION_BASE):
        cfg = hydra_compose(name, overrides=overrides)
    return OmegaConf.to_object(cfg)
