"""LoRA adapters (peft) over a pip-shipped base encoder: train a few low-rank matrices and the
task head instead of every weight, save only those (`adapter_model.safetensors` +
`adapter_config.json`), and load them back onto the same base."""

from __future__ import annotations

import warnings
from pathlib import Path

import torch

from framing.core.errors import InputError
from framing.learning.base import weights_digest

# BERT-style linear layers: attention query/key/value, and every "dense" (attention output,
# intermediate, output); the token-classification head is trained and saved whole.
TARGET_MODULES = ["query", "key", "value", "dense"]
ADAPTER_DIR = "adapter"


def add_lora(model: torch.nn.Module, rank: int, alpha: float, dropout: float = 0.1):
    """`model` (a token classifier) with trainable LoRA matrices; the rest frozen but the head."""
    from peft import LoraConfig, TaskType, get_peft_model

    config = LoraConfig(
        task_type=TaskType.TOKEN_CLS,
        r=rank,
        lora_alpha=alpha,
        lora_dropout=dropout,
        target_modules=TARGET_MODULES,
    )
    return get_peft_model(model, config)


def base_fingerprint(model: torch.nn.Module) -> str:
    """A short hash of a base model's weights (its freshly initialised head left out): an
    adapter records the base it was trained over."""
    return weights_digest(model, skip="classifier")


def save_adapter(model, folder: Path, base_name: str) -> None:
    """The adapter and head only, as safetensors (peft's generated model card is dropped);
    the base is recorded by its config name, not by the folder it was loaded from."""
    for config in model.peft_config.values():
        config.base_model_name_or_path = base_name
    with warnings.catch_warnings():  # peft looks for a config file at the alias name
        warnings.simplefilter("ignore", UserWarning)
        model.save_pretrained(str(folder), safe_serialization=True)
    (Path(folder) / "README.md").unlink(missing_ok=True)


def load_adapter(
    base: torch.nn.Module, folder: Path, base_name: str, fingerprint: str | None = None
) -> torch.nn.Module:
    """`base` with the adapter in `folder` merged into its weights (plain model, no peft at
    inference). An adapter made for another base (other shapes, or weights whose
    `fingerprint` differs), or unreadable files, is an InputError."""
    from peft import PeftModel
    from safetensors import SafetensorError

    folder = Path(folder)
    if not (folder / "adapter_config.json").is_file():
        raise InputError(f"{folder}: not a LoRA adapter (no adapter_config.json)")
    if fingerprint is not None and base_fingerprint(base) != fingerprint:
        raise InputError(
            f"{folder}: the adapter does not fit the base encoder {base_name} (trained over "
            f"weights {fingerprint}, found {base_fingerprint(base)})"
        )
    try:
        with warnings.catch_warnings():  # peft asks transformers a deprecated question
            warnings.simplefilter("ignore", FutureWarning)
            model = PeftModel.from_pretrained(base, str(folder))
    except (RuntimeError, ValueError, KeyError, TypeError, OSError, SafetensorError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise InputError(
            f"{folder}: the adapter is unreadable or does not fit the base encoder {base_name} "
            f"({first[:200]}); regenerate it (python scripts/make_default_model.py --attribution "
            "for the shipped one)"
        ) from None
    return model.merge_and_unload()
