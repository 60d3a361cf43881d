"""Training checkpoints a killed run resumes from: the model's weights (and the best ones so
far), the optimizer and scheduler states, the random generators and the loop's own state, all
written to one folder that replaces the previous checkpoint only once it is complete."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

import torch

from framing.core.errors import InputError

STATE_FILE = "state.json"


def _weights(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {k: v.detach().cpu().contiguous() for k, v in state.items()}


def save_checkpoint(
    folder: Path,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: Any,
    rng: random.Random,
    state: dict,
    best: dict[str, torch.Tensor] | None = None,
) -> None:
    """Write a checkpoint to `folder`: a sibling `.tmp` folder is filled, then swapped in, so
    a kill at any moment leaves the previous or the new checkpoint whole."""
    from safetensors.torch import save_file

    folder = Path(folder)
    tmp, old = folder.with_name(folder.name + ".tmp"), folder.with_name(folder.name + ".old")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    save_file(_weights(model.state_dict()), str(tmp / "model.safetensors"))
    if best is not None:
        save_file(_weights(best), str(tmp / "best.safetensors"))
    torch.save(
        {
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "torch_rng": torch.get_rng_state(),
            # dropout on a GPU draws from the CUDA generators
            "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        },
        tmp / "optimizer.pt",
    )
    version, internal, gauss = rng.getstate()
    full = {**state, "python_rng": [version, list(internal), gauss]}
    (tmp / STATE_FILE).write_text(json.dumps(full) + "\n", encoding="utf-8")
    if folder.exists():
        shutil.rmtree(old, ignore_errors=True)
        folder.rename(old)
    tmp.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def remove_checkpoint(folder: Path) -> None:
    """Delete a checkpoint (and any half-written or previous one beside it)."""
    for suffix in ("", ".tmp", ".old"):
        shutil.rmtree(Path(str(folder) + suffix), ignore_errors=True)


def checkpoint_folder(folder: Path) -> Path | None:
    """The whole checkpoint at `folder` (or the previous one, when a kill came between the two
    renames of `save_checkpoint`), or None."""
    folder = Path(folder)
    for f in (folder, folder.with_name(folder.name + ".old")):
        if (f / STATE_FILE).is_file():
            return f
    return None


def load_checkpoint(
    folder: Path,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: Any,
    rng: random.Random,
) -> tuple[dict, dict[str, torch.Tensor] | None]:
    """Restore model, optimizer, scheduler and generators from a checkpoint; return the loop's
    state and the best weights (None if not saved). A missing or unreadable checkpoint is an
    InputError."""
    import pickle

    from safetensors import SafetensorError
    from safetensors.torch import load_file

    found = checkpoint_folder(folder)
    if found is None:
        raise InputError(f"no checkpoint to resume from at {folder}")
    try:
        state = json.loads((found / STATE_FILE).read_text(encoding="utf-8"))
        model.load_state_dict(load_file(str(found / "model.safetensors")))
        best_file = found / "best.safetensors"
        best = load_file(str(best_file)) if best_file.is_file() else None
        saved = torch.load(found / "optimizer.pt", weights_only=True)
        optimizer.load_state_dict(saved["optimizer"])
        scheduler.load_state_dict(saved["scheduler"])
        torch.set_rng_state(saved["torch_rng"])
        if saved.get("cuda_rng") and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(saved["cuda_rng"])
        version, internal, gauss = state.pop("python_rng")
        rng.setstate((version, tuple(internal), gauss))
    except (OSError, ValueError, KeyError, RuntimeError, SafetensorError, pickle.PickleError) as e:
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise InputError(f"checkpoint at {found} is unreadable ({first})") from None
    return state, best


def resumed_run(cfg) -> Path | None:
    """The interrupted run folder that `cfg.resume` (a TrainConfig) names, checked before any
    work: the same config, not complete, not running, and holding a checkpoint; None without
    resume=."""
    from dataclasses import asdict

    from framing.runs import records

    if not cfg.resume:
        return None
    run_dir = records.resumable(cfg.resume, asdict(cfg))
    if checkpoint_folder(run_dir / "checkpoint") is None:
        raise InputError(
            f"resume={run_dir}: no checkpoint in it (the run stopped before step "
            f"{cfg.model.checkpoint_steps}); start it again without resume="
        )
    return run_dir


def training_run(cfg, overrides: list[str] | None, job: int | None, resumed: Path | None):
    """The run folder a checkpointed training writes to: `resumed` reopened, else a new one."""
    from dataclasses import asdict

    from framing.runs import records

    if resumed is not None:
        return records.reopen_run(resumed)
    return records.open_run(cfg.out_root, cfg.name, job, asdict(cfg), overrides)
