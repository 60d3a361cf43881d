"""A transformer token classifier for attribution spans: BIO tags for Source, Cue and Content.

Trained sentence by sentence on character spans (PolNeAR's, or any data in the same form):
each word-piece takes the tag of the span its first character falls in. Predicted tags are
decoded back to character spans. A step budget (`max_steps`) and dev-based checkpoint choice
keep training within reach of a CPU.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import math
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from framing.core.errors import InputError
from framing.learning.bio import TAGS, Span, decode, token_tags
from framing.learning.checkpoint import load_checkpoint, save_checkpoint
from framing.learning.encoders import load_labelled, resolve_device
from framing.learning.loop import TrainingConfig
from framing.learning.lora import (
    ADAPTER_DIR,
    add_lora,
    base_fingerprint,
    load_adapter,
    save_adapter,
)

log = logging.getLogger(__name__)


@dataclass
class TaggerConfig(TrainingConfig):
    """Token classifier for attribution spans (`TokenTagger`), trained with a step budget."""

    eval_steps: int = 0  # > 0: score dev every eval_steps and keep the best weights


META_FILE = "tagger.json"


class TokenTagger:
    """fit(sentences, spans) / predict(sentences) -> spans; save/load as a folder."""

    config_class = TaggerConfig  # the Hydra schema of configs/model/<family>.yaml

    def __init__(
        self,
        config: TaggerConfig,
        seed: int = 0,
        weights: str | None = None,
        adapter: str | None = None,
        fingerprint: str | None = None,
    ) -> None:
        """A new tagger on `config.name` (with a fresh LoRA adapter when `lora_rank` > 0), or
        a saved one: all its `weights` (a model folder), or its `adapter` over the base."""
        from transformers import AutoModelForTokenClassification

        self.config, self.seed = config, seed
        self.device = resolve_device(config.device)
        self.tokenizer, self.model = load_labelled(
            weights or config.name, AutoModelForTokenClassification, TAGS
        )
        if not getattr(self.tokenizer, "is_fast", False):
            raise InputError(f"model.name={config.name!r}: the tagger needs a fast tokenizer")
        self.base_fingerprint: str | None = None  # the base weights a LoRA adapter goes over
        if adapter is not None:
            self.base_fingerprint = fingerprint
            self.model = load_adapter(self.model, Path(adapter), config.name, fingerprint)
        elif weights is None and config.lora_rank > 0:
            self.base_fingerprint = base_fingerprint(self.model)
            self.model = add_lora(self.model, config.lora_rank, config.lora_alpha)
        self.model.to(self.device)
        self.runner = self.model  # what predict calls: the model, or its ONNX Runtime session
        self.history: list[dict] = []
        self.truncated = 0  # texts cut at max_length so far (training and prediction)
        self.resumes: list[dict] = []  # the steps a training run was resumed from

    def _encode(self, texts: list[str]) -> dict:
        """Word pieces with offsets, cut at max_length; words past the cut get no tag (count
        kept in `truncated`)."""
        enc = self.tokenizer(
            texts,
            truncation=True,
            max_length=self.config.max_length,
            return_offsets_mapping=True,
        )
        cut = sum(1 for ids in enc["input_ids"] if len(ids) >= self.config.max_length)
        if cut:  # info, not a warning: long real sentences are common; -v shows it
            log.info("%d of %d texts cut at %d tokens", cut, len(texts), self.config.max_length)
            self.truncated += cut
        return enc

    def _batch(self, enc: dict, idx: list[int], labels: list[list[int]] | None = None) -> dict:
        n = max(len(enc["input_ids"][i]) for i in idx)
        pad = self.tokenizer.pad_token_id or 0
        batch = {
            "input_ids": [
                enc["input_ids"][i] + [pad] * (n - len(enc["input_ids"][i])) for i in idx
            ],
            "attention_mask": [
                [1] * len(enc["input_ids"][i]) + [0] * (n - len(enc["input_ids"][i])) for i in idx
            ],
        }
        if "token_type_ids" in enc:
            batch["token_type_ids"] = [[0] * n for _ in idx]
        if labels is not None:
            batch["labels"] = [labels[i] + [-100] * (n - len(labels[i])) for i in idx]
        return {k: torch.tensor(v, device=self.device) for k, v in batch.items()}

    def fit(
        self,
        texts: list[str],
        spans: list[list[Span]],
        dev: tuple[list[str], list[list[Span]]] | None = None,
        select=None,
        checkpoint: Path | None = None,
        resume: bool = False,
    ) -> None:
        """Train with AdamW and a linear schedule for `max_steps` (or `epochs`); with `dev`
        and `select(texts, gold, pred) -> float`, score dev every `eval_steps` and at the end
        and keep the best weights.

        With `checkpoint` (a folder), the whole training state is saved there every
        `checkpoint_steps` and at the last step; with `resume`, training continues from it and
        ends exactly where an uninterrupted run would on CPU (same batches, dropout and
        weights). The caller removes the folder once the run's results are written."""
        c = self.config
        self.runner = self.model  # trained in torch; use_backend again after fitting
        torch.manual_seed(self.seed)
        rng = random.Random(self.seed)
        enc = self._encode(texts)
        labels = [token_tags(o, s) for o, s in zip(enc["offset_mapping"], spans)]
        per_epoch = math.ceil(len(texts) / c.train_batch_size)
        total = c.max_steps if c.max_steps > 0 else int(math.ceil(c.epochs * per_epoch))
        no_decay = ("bias", "LayerNorm.weight", "layer_norm", "norm")
        params = [
            {
                "params": [
                    p
                    for n, p in self.model.named_parameters()
                    if p.requires_grad and not any(k in n for k in no_decay)
                ],
                "weight_decay": c.weight_decay,
            },
            {
                "params": [
                    p
                    for n, p in self.model.named_parameters()
                    if p.requires_grad and any(k in n for k in no_decay)
                ],
                "weight_decay": 0.0,
            },
        ]
        opt = torch.optim.AdamW(params, lr=c.learning_rate)
        warmup = int(c.warmup_ratio * total)
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt,
            lambda s: (
                (s + 1) / max(1, warmup)
                if s < warmup
                else max(0.0, (total - s) / max(1, total - warmup))
            ),
        )
        data_id = _data_id(texts, spans, total)
        best, best_score = None, -1.0
        order: list[int] = []
        step, running = 0, []
        if resume:
            if checkpoint is None:
                raise InputError("resume needs the checkpoint folder of the interrupted run")
            state, best = load_checkpoint(checkpoint, self.model, opt, sched, rng)
            if state.get("data") != data_id:
                raise InputError(
                    f"{checkpoint}: the training data or step count differ from the interrupted "
                    "run's; resume it with the same data and config"
                )
            step, order, running = state["step"], state["order"], state["running"]
            best_score, self.history = state["best_score"], state["history"]
            self.truncated = state["truncated"]  # counted by the interrupted run, train included
            self.resumes = [*state["resumes"], {"step": step, "time": time.time()}]
            log.info("resumed at step %d of %d from %s", step, total, checkpoint)
        self.model.train()
        bar = _progress(total, step)
        started, start_step = time.perf_counter(), step
        while step < total:
            if not order:
                order = list(range(len(texts)))
                rng.shuffle(order)
            idx, order = order[: c.train_batch_size], order[c.train_batch_size :]
            loss = self.model(**self._batch(enc, idx, labels)).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            running.append(loss.item())
            bar.update(1)
            at_eval = c.eval_steps > 0 and step % c.eval_steps == 0
            if dev is not None and select is not None and (at_eval or step == total):
                score = select(dev[0], dev[1], self.predict(dev[0]))
                self.model.train()
                self.history.append(
                    {"step": step, "train_loss": float(np.mean(running)), "dev_score": score}
                )
                log.info("step %d/%d: loss %.4f dev %.4f", step, total, np.mean(running), score)
                running = []
                if score > best_score:
                    best_score = score
                    best = copy.deepcopy(self.model.state_dict())
            elif step % 50 == 0:
                eta = (time.perf_counter() - started) / (step - start_step) * (total - step)
                log.info(
                    "step %d/%d: loss %.4f, about %s left",
                    step,
                    total,
                    np.mean(running[-50:]),
                    _duration(eta),
                )
            if checkpoint is not None and c.checkpoint_steps > 0:
                if step % c.checkpoint_steps == 0 or step == total:
                    state = {
                        "step": step,
                        "order": order,
                        "running": running,
                        "best_score": best_score,
                        "history": self.history,
                        "resumes": self.resumes,
                        "truncated": self.truncated,
                        "data": data_id,
                    }
                    save_checkpoint(checkpoint, self.model, opt, sched, rng, state, best)
        bar.close()
        if best is not None:
            self.model.load_state_dict(best)
            chosen = max(self.history, key=lambda h: h["dev_score"])
            log.info("kept the weights of step %d (dev %.4f)", chosen["step"], best_score)
        self.model.eval()

    @torch.inference_mode()
    def predict(self, texts: list[str]) -> list[list[Span]]:
        """Predicted spans per sentence (character offsets into each sentence)."""
        self.model.eval()
        if not texts:
            return []
        enc = self._encode(texts)
        order = sorted(range(len(texts)), key=lambda i: len(enc["input_ids"][i]))
        out: list[list[Span]] = [[] for _ in texts]
        bs = self.config.batch_size
        for k in range(0, len(order), bs):
            idx = order[k : k + bs]
            logits = self.runner(**self._batch(enc, idx)).logits
            tags = logits.argmax(-1).cpu().tolist()
            for row, i in enumerate(idx):
                n = len(enc["input_ids"][i])
                out[i] = decode(tags[row][:n], enc["offset_mapping"][i])
        return out

    def use_backend(self, backend: str) -> None:
        """Predict with torch, or ONNX Runtime on CPU ("onnx": the same tags, about twice as
        fast; "onnx_int8": int8 weights), the model (a LoRA one merged) exported into the
        cache once (`learning.onnx_backend`). Torch on a GPU or when the cache cannot be
        written."""
        from framing.learning.fast import check_backend

        check_backend(backend)
        self.runner = self.model
        if backend == "torch" or self.device.type != "cpu":
            return
        from framing.learning.onnx_backend import onnx_runner

        self.model.eval()
        uses_types = "token_type_ids" in self.tokenizer.model_input_names
        self.runner = onnx_runner(self.model, uses_types, "logits", backend) or self.model

    def save(self, path: Path) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        meta = {
            "family": "tagger",
            "config": asdict(self.config),
            "tags": TAGS,
            "history": self.history,
        }
        (path / META_FILE).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        if hasattr(self.model, "peft_config"):  # the adapter only; the base comes from `name`
            meta["base_fingerprint"] = self.base_fingerprint
            (path / META_FILE).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
            save_adapter(self.model, path / ADAPTER_DIR, self.config.name)
            return
        self.model.save_pretrained(path / "hf", safe_serialization=True)
        self.tokenizer.save_pretrained(path / "hf")

    @classmethod
    def load(cls, path: Path, device: str | None = None) -> TokenTagger:
        f = Path(path) / META_FILE
        if not f.is_file():
            raise InputError(f"{path} is not a saved span tagger (no {META_FILE})")
        meta = json.loads(f.read_text(encoding="utf-8"))
        fields = dict(meta["config"])
        if device is not None:
            fields["device"] = device
        if (Path(path) / ADAPTER_DIR).is_dir():
            adapter = str(Path(path) / ADAPTER_DIR)
            return cls(
                TaggerConfig(**fields), adapter=adapter, fingerprint=meta.get("base_fingerprint")
            )
        return cls(TaggerConfig(**fields), weights=str(Path(path) / "hf"))


def _data_id(texts: list[str], spans: list[list[Span]], total: int) -> str:
    """A short hash of the training data and step count, kept with a checkpoint."""
    blob = json.dumps([texts, spans, total], ensure_ascii=False).encode("utf-8")
    return hashlib.sha1(blob).hexdigest()[:16]


def _progress(total: int, done: int):
    """A progress bar with rate and time left on stderr (hidden when stderr is no terminal)."""
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=done, unit="step", desc="span tagger", disable=None)


def _duration(seconds: float) -> str:
    """
    >>> _duration(75), _duration(3725)
    ('1m15s', '1h02m')
    """
    s = int(round(seconds))
    return f"{s // 3600}h{s % 3600 // 60:02d}m" if s >= 3600 else f"{s // 60}m{s % 60:02d}s"
