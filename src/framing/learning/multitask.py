"""One fine-tuned encoder for a claim's frame, stance and attribution (`ClaimModel`).

The claim is read with its context (source, headline, previous claim: `framing.data.claims`) in
one encoder pass; the mean-pooled vector u feeds a frame head, an attribution head and the claim
side of a stance head that scores [u, t, u * t] against a target vector t (the target encoded
once, so any number of targets cost no further claim pass). With `lora_rank` > 0 only LoRA
matrices and the heads are trained and saved (over the base encoder named by `name`).
"""

from __future__ import annotations

import json
import logging
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from framing.core.errors import InputError
from framing.data.claims import CONTEXT_FIELDS, ClaimRow, context_text, with_targets
from framing.learning.base import META_FILE, weights_digest
from framing.learning.encoders import load_pretrained, resolve_device
from framing.learning.fast_claims import check_claim_task, pooled_by_length
from framing.learning.loop import TrainingConfig, TrainLoop

log = logging.getLogger(__name__)
HEADS_FILE = "heads.safetensors"


@dataclass
class MultitaskConfig(TrainingConfig):
    epochs: float = 6.0
    learning_rate: float = 3e-4
    lora_rank: int = 16  # 0: every encoder weight is trained and saved
    # what the claim is read with; with "source" there is no attribution head (the task=claims
    # runner drops it: the context would give its answer away)
    context: list[str] = field(default_factory=lambda: ["source", "headline", "previous"])
    balanced: bool = True  # class weights inverse to frequency in each task's loss

    def __post_init__(self) -> None:
        super().__post_init__()
        bad = [c for c in self.context if c not in CONTEXT_FIELDS]
        if bad:
            raise InputError(f"model.context has {bad}; expected any of {list(CONTEXT_FIELDS)}")


class _Net(torch.nn.Module):
    def __init__(self, encoder: torch.nn.Module, hidden: int, sizes: dict[str, int]) -> None:
        super().__init__()
        self.encoder = encoder
        self.drop = torch.nn.Dropout(0.1)
        self.heads = torch.nn.ModuleDict(
            {
                t: torch.nn.Linear(3 * hidden if t == "stance" else hidden, n)
                for t, n in sizes.items()
            }
        )

    def pool(self, enc: dict) -> torch.Tensor:
        return self.mean(self.encoder(**enc).last_hidden_state, enc)

    @staticmethod
    def mean(out: torch.Tensor, enc: dict) -> torch.Tensor:
        mask = enc["attention_mask"].unsqueeze(-1).to(out.dtype)
        return (out * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

    def logits(self, u: torch.Tensor, t: torch.Tensor | None) -> dict[str, torch.Tensor]:
        u = self.drop(u)
        out = {task: head(u) for task, head in self.heads.items() if task != "stance"}
        if t is not None and "stance" in self.heads:
            out["stance"] = self.heads["stance"](torch.cat([u, t, u * t], dim=-1))
        return out


class ClaimModel:
    """Frame, stance and attribution of claims in context from one fine-tuned encoder."""

    config_class = MultitaskConfig  # the Hydra schema of configs/model/multitask.yaml

    def __init__(
        self,
        config: MultitaskConfig,
        labels: dict[str, list[str]],
        seed: int = 0,
        adapter: str | None = None,
        fingerprint: str | None = None,
    ) -> None:
        from transformers import AutoModel, AutoTokenizer

        self.config, self.labels, self.seed = config, labels, seed
        self.device = resolve_device(config.device)
        torch.manual_seed(seed)
        self.tokenizer = load_pretrained(config.name, AutoTokenizer)
        encoder = load_pretrained(config.name, AutoModel)
        self.base_fingerprint = weights_digest(encoder)
        if adapter is not None:
            from framing.learning.lora import load_adapter

            encoder = load_adapter(encoder, Path(adapter), config.name, fingerprint)
        elif config.lora_rank > 0:
            encoder = _with_lora(encoder, config.lora_rank, config.lora_alpha)
        hidden = encoder.config.hidden_size
        self.net = _Net(encoder, hidden, {t: len(v) for t, v in labels.items()}).to(self.device)
        self.history: list[dict] = []
        self.resumes: list[dict] = []
        self._cache: tuple[tuple, np.ndarray] | None = None
        self.runner = None  # what predicts in place of the encoder: its ONNX Runtime session

    def use_backend(self, backend: str) -> None:
        """Predict with torch, or with the encoder (LoRA merged) on ONNX Runtime on CPU
        ("onnx": fp32, "onnx_int8": int8 weights), exported into the cache once; the heads
        stay in torch. Torch on a GPU, and when the cache cannot be written."""
        from framing.learning.fast import check_backend

        check_backend(backend)
        self._cache, self.runner = None, None
        if backend == "torch" or self.device.type != "cpu":
            return
        from framing.learning.onnx_backend import onnx_runner

        self.net.eval()
        uses_types = "token_type_ids" in self.tokenizer.model_input_names
        self.runner = onnx_runner(self.net.encoder, uses_types, "last_hidden_state", backend)

    # ------------------------------------------------------------------ encoding

    def _pool(self, enc: dict) -> torch.Tensor:
        """`_Net.pool`, with the ONNX Runtime session in place of the encoder when in use."""
        if self.runner is None:
            return self.net.pool(enc)
        return self.net.mean(self.runner(**enc).last_hidden_state, enc)

    def _encode(self, texts: list[str], seconds: list[str] | None = None) -> dict:
        enc = self.tokenizer(
            texts,
            seconds,
            truncation="longest_first",  # the longer of claim and context is cut first
            max_length=self.config.max_length,
            padding=True,
            return_tensors="pt",
        )
        return {k: v.to(self.device) for k, v in enc.items()}

    def _contexts(self, contexts: list[dict[str, str]] | None) -> list[str] | None:
        if not self.config.context or contexts is None:
            return None
        out = [context_text(c, self.config.context) for c in contexts]
        return out if any(out) else None

    @torch.no_grad()
    def claim_vectors(self, texts: list[str], contexts: list[dict] | None = None) -> np.ndarray:
        """Pooled vectors of claims in context; the last call's result is reused for the same
        claims, so the heads of one article share one encoder pass."""
        key = (tuple(texts), json.dumps(contexts, sort_keys=True))
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        self.net.eval()
        seconds = self._contexts(contexts)
        out = pooled_by_length(
            texts,
            seconds,
            self.config.batch_size,
            self.net.encoder.config.hidden_size,
            lambda t, sec: self._pool(self._encode(t, sec)).cpu().numpy(),
        )
        self._cache = (key, out)
        return out

    @torch.no_grad()
    def probs(
        self,
        task: str,
        texts: list[str],
        contexts: list[dict] | None = None,
        targets: list[str] | None = None,
    ) -> np.ndarray:
        """Probabilities for one task (columns in `labels[task]`); stance needs `targets`."""
        if not check_claim_task(self.labels, task, texts, targets):
            return np.zeros((0, len(self.labels[task])))
        if task == "stance":  # a model that reads the target reads each claim's own
            contexts = with_targets(contexts, targets, self.config.context)
        self.net.eval()
        u = torch.from_numpy(self.claim_vectors(texts, contexts)).to(self.device)
        t = None
        if task == "stance":
            uniq = sorted(set(targets))
            vecs = self._pool(self._encode(uniq)).to(self.device)
            t = vecs[[uniq.index(x) for x in targets]]
        return torch.softmax(self.net.logits(u, t)[task], -1).cpu().numpy()

    # ------------------------------------------------------------------ training

    def fit(
        self,
        train: list[ClaimRow],
        dev: list[ClaimRow] | None = None,
        checkpoint: Path | None = None,
        resume: bool = False,
    ) -> None:
        """Train every head and the encoder (or its LoRA matrices) on `train`; with `dev`, score
        the mean frame and stance macro-F1 at the end of each epoch and keep the best weights.
        Checkpoints and resume as in `framing.learning.loop.TrainLoop`."""
        from sklearn.metrics import f1_score

        c = self.config
        self.runner = None  # trained in torch; use_backend again after fitting
        y = {
            t: torch.tensor([self.labels[t].index(r.labels[t]) for r in train])
            for t in self.labels
        }
        weights = {t: _class_weights(v, len(self.labels[t]), c.balanced) for t, v in y.items()}
        losses = {
            t: torch.nn.CrossEntropyLoss(weight=w.to(self.device)) for t, w in weights.items()
        }
        seconds = self._contexts([r.context for r in train]) or None

        def step(idx: list[int]) -> torch.Tensor:
            sec = [seconds[i] for i in idx] if seconds else None
            u = self.net.pool(self._encode([train[i].text for i in idx], sec))
            targets = [train[i].target for i in idx]
            uniq = sorted(set(targets))
            tv = self.net.pool(self._encode(uniq))[[uniq.index(x) for x in targets]]
            out = self.net.logits(u, tv)
            return sum(losses[t](out[t], y[t][idx].to(self.device)) for t in out)

        def score() -> float:
            self._cache = None
            texts, ctx = [r.text for r in dev], [r.context for r in dev]
            f1s = []
            for task in ("framing", "stance"):
                p = self.probs(task, texts, ctx, [r.target for r in dev])
                pred = [self.labels[task][i] for i in p.argmax(1)]
                gold = [r.labels[task] for r in dev]
                f1s.append(f1_score(gold, pred, average="macro", zero_division=0))
            self._cache = None
            return float(np.mean(f1s))

        loop = TrainLoop(self.net, c, self.seed, "claim model")
        read = set(c.context)  # the target counts only for a model that reads it
        seen = [{k: v for k, v in r.context.items() if k != "target" or k in read} for r in train]
        data_id = json.dumps(
            [[r.id, r.text, r.labels, ctx] for r, ctx in zip(train, seen)], sort_keys=True
        )
        loop.run(step, len(train), score if dev else None, data_id, checkpoint, resume)
        self.history, self.resumes = loop.history, loop.resumes
        self._cache = None

    # ------------------------------------------------------------------ save / load

    def save(self, path: Path) -> None:
        from safetensors.torch import save_file

        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        meta = {
            "family": "multitask",
            "config": asdict(self.config),
            "labels": self.labels,
            "history": self.history,
            "base_fingerprint": self.base_fingerprint,
        }
        heads = {k: v.detach().cpu().contiguous() for k, v in self.net.heads.state_dict().items()}
        save_file(heads, str(path / HEADS_FILE))
        encoder = self.net.encoder
        if hasattr(encoder, "peft_config"):
            from framing.learning.lora import ADAPTER_DIR, save_adapter

            save_adapter(encoder, path / ADAPTER_DIR, self.config.name)
        else:
            meta["encoder"] = "hf"
            encoder.save_pretrained(path / "hf", safe_serialization=True)
            self.tokenizer.save_pretrained(path / "hf")
        (path / META_FILE).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path, device: str | None = None) -> ClaimModel:
        from safetensors import SafetensorError
        from safetensors.torch import load_file

        from framing.learning.lora import ADAPTER_DIR

        path = Path(path)
        try:
            meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise InputError(
                f"{path} is not a saved claim model (no readable {META_FILE})"
            ) from None
        fields = dict(meta["config"])
        if device is not None:
            fields["device"] = device
        if meta.get("encoder") == "hf":
            fields["name"], fields["lora_rank"] = str(path / "hf"), 0
            model = cls(MultitaskConfig(**fields), meta["labels"])
        else:
            adapter = str(path / ADAPTER_DIR)
            model = cls(
                MultitaskConfig(**fields), meta["labels"], 0, adapter, meta["base_fingerprint"]
            )
        try:
            model.net.heads.load_state_dict(load_file(str(path / HEADS_FILE)))
        except (OSError, RuntimeError, SafetensorError) as e:
            first = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise InputError(
                f"{path / HEADS_FILE}: unreadable or of another shape ({first})"
            ) from None
        model.history = meta.get("history", [])
        model.net.eval()
        return model


def _with_lora(encoder: torch.nn.Module, rank: int, alpha: float) -> torch.nn.Module:
    from peft import LoraConfig, get_peft_model

    from framing.learning.lora import TARGET_MODULES

    cfg = LoraConfig(r=rank, lora_alpha=alpha, lora_dropout=0.1, target_modules=TARGET_MODULES)
    with warnings.catch_warnings():  # peft asks transformers a deprecated question
        warnings.simplefilter("ignore", FutureWarning)
        return get_peft_model(encoder, cfg)


def _class_weights(y: torch.Tensor, n: int, balanced: bool) -> torch.Tensor:
    """n / (k * count) per class (sklearn's "balanced"), 1 for unseen classes; or all ones."""
    if not balanced:
        return torch.ones(n)
    counts = torch.bincount(y, minlength=n).float()
    seen = counts > 0
    w = torch.ones(n)
    w[seen] = len(y) / (int(seen.sum()) * counts[seen])
    return w
