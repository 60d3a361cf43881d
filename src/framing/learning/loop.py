"""A resumable training loop: AdamW with linear warmup and decay over shuffled mini-batches, a
progress bar with time left, dev scored at every epoch end (best weights kept), and checkpoints
that a killed run continues from exactly where it stopped (`framing.learning.checkpoint`)."""

from __future__ import annotations

import copy
import hashlib
import logging
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from framing.core.errors import InputError
from framing.learning.base import check_training
from framing.learning.checkpoint import load_checkpoint, save_checkpoint
from framing.learning.encoders import EncoderConfig

log = logging.getLogger(__name__)
_NO_DECAY = ("bias", "LayerNorm.weight", "layer_norm", "norm")


@dataclass
class TrainingConfig(EncoderConfig):
    """The settings of a family trained with a step budget, checkpoints and optional LoRA (the
    span tagger, the claim model); a family changes their defaults by declaring them again."""

    epochs: float = 1.0
    max_steps: int = -1  # > 0 caps training steps
    learning_rate: float = 5e-5
    train_batch_size: int = 16
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    checkpoint_steps: int = 100  # > 0: a checkpoint every that many steps (for resume=)
    # > 0: train a LoRA adapter of this rank (peft) and the head instead of every weight; the
    # saved model is then the adapter only, loaded over the base model `name`
    lora_rank: int = 0
    lora_alpha: float = 32.0

    def __post_init__(self) -> None:
        super().__post_init__()
        check_training(self)
        if self.checkpoint_steps < 0:
            raise InputError(f"model.checkpoint_steps={self.checkpoint_steps}; expected >= 0")
        if self.lora_rank < 0 or self.lora_alpha <= 0:
            raise InputError(
                f"model.lora_rank={self.lora_rank}, model.lora_alpha={self.lora_alpha}; "
                "expected a rank >= 0 (0: no adapter) and alpha > 0"
            )


class TrainLoop:
    """Trains `net` for `config.max_steps` (if > 0) or `config.epochs` over `n` examples, as a
    `TrainingConfig` says. After `run`, `history` lists each dev score and
    `resumes` the steps a killed run was resumed from.
    """

    def __init__(self, net: torch.nn.Module, config: TrainingConfig, seed: int, name: str) -> None:
        self.net, self.config, self.seed, self.name = net, config, seed, name
        self.history: list[dict] = []
        self.resumes: list[dict] = []

    def _optimizer(self, total: int):
        c = self.config
        named = [(n, p) for n, p in self.net.named_parameters() if p.requires_grad]
        groups = [
            {
                "params": [p for n, p in named if not any(k in n for k in _NO_DECAY)],
                "weight_decay": c.weight_decay,
            },
            {
                "params": [p for n, p in named if any(k in n for k in _NO_DECAY)],
                "weight_decay": 0.0,
            },
        ]
        opt = torch.optim.AdamW(groups, lr=c.learning_rate)
        warmup = int(c.warmup_ratio * total)

        def rate(s: int) -> float:
            if s < warmup:
                return (s + 1) / max(1, warmup)
            return max(0.0, (total - s) / max(1, total - warmup))

        return opt, torch.optim.lr_scheduler.LambdaLR(opt, rate)

    def run(
        self,
        step: Callable[[list[int]], torch.Tensor],
        n: int,
        score: Callable[[], float] | None,
        data_id: str,
        checkpoint: Path | None = None,
        resume: bool = False,
    ) -> None:
        """`step(batch indices)` returns the loss of one mini-batch; `score()` the dev score
        (higher is better), called at every epoch end and at the last step."""
        c = self.config
        torch.manual_seed(self.seed)
        rng = random.Random(self.seed)
        per_epoch = math.ceil(n / c.train_batch_size)
        total = c.max_steps if c.max_steps > 0 else int(math.ceil(c.epochs * per_epoch))
        opt, sched = self._optimizer(total)
        digest = hashlib.sha1(f"{data_id}|{total}".encode()).hexdigest()[:16]
        best, best_score, order, step_no, running = None, -1.0, [], 0, []
        if resume:
            if checkpoint is None:
                raise InputError("resume needs the checkpoint folder of the interrupted run")
            state, best = load_checkpoint(checkpoint, self.net, opt, sched, rng)
            if state.get("data") != digest:
                raise InputError(
                    f"{checkpoint}: the training data or step count differ from the interrupted "
                    "run's; resume it with the same data and config"
                )
            step_no, order, running = state["step"], state["order"], state["running"]
            best_score, self.history = state["best_score"], state["history"]
            self.resumes = [*state["resumes"], {"step": step_no, "time": time.time()}]
            log.info("resumed at step %d of %d from %s", step_no, total, checkpoint)
        from tqdm.auto import tqdm

        bar = tqdm(total=total, initial=step_no, unit="step", desc=self.name, disable=None)
        started, start_step = time.perf_counter(), step_no
        self.net.train()
        while step_no < total:
            if not order:
                order = list(range(n))
                rng.shuffle(order)
            idx, order = order[: c.train_batch_size], order[c.train_batch_size :]
            loss = step(idx)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.net.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step_no += 1
            running.append(float(loss.item()))
            bar.update(1)
            if score is not None and (step_no % per_epoch == 0 or step_no == total):
                value = score()
                self.net.train()
                self.history.append(
                    {"step": step_no, "train_loss": float(np.mean(running)), "dev_score": value}
                )
                log.info("step %d/%d: loss %.4f dev %.4f", step_no, total, np.mean(running), value)
                running = []
                if value > best_score:
                    best_score, best = value, copy.deepcopy(self.net.state_dict())
            elif step_no % 50 == 0:
                left = (time.perf_counter() - started) / (step_no - start_step) * (total - step_no)
                log.info(
                    "step %d/%d: loss %.4f, %.0f s left",
                    step_no,
                    total,
                    np.mean(running[-50:]),
                    left,
                )
            if checkpoint is not None and c.checkpoint_steps > 0:
                if step_no % c.checkpoint_steps == 0 or step_no == total:
                    state = {
                        "step": step_no,
                        "order": order,
                        "running": running,
                        "best_score": best_score,
                        "history": self.history,
                        "resumes": self.resumes,
                        "data": digest,
                    }
                    save_checkpoint(checkpoint, self.net, opt, sched, rng, state, best)
        bar.close()
        if best is not None:
            self.net.load_state_dict(best)
        self.net.eval()
