"""Full fine-tuning of AutoModelForSequenceClassification with the transformers Trainer."""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from framing.learning.base import Classifier, check_training, meta_config, read_meta
from framing.learning.encoders import EncoderConfig, load_labelled, resolve_device

log = logging.getLogger(__name__)


@dataclass
class FinetuneConfig(EncoderConfig):
    epochs: float = 8.0
    max_steps: int = -1  # > 0 caps training steps (a step budget for slow machines)
    learning_rate: float = 1e-4
    train_batch_size: int = 16
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1

    def __post_init__(self) -> None:
        super().__post_init__()
        check_training(self)


class FineTune(Classifier):
    """A transformer with a classification head, all weights trained."""

    config_class = FinetuneConfig  # the Hydra schema of configs/model/<family>.yaml

    def __init__(
        self,
        config: FinetuneConfig,
        labels: list[str],
        seed: int = 0,
        descriptions: dict[str, str] | None = None,
        weights: str | None = None,
    ) -> None:
        from transformers import AutoModelForSequenceClassification

        self.config, self.labels, self.seed = config, list(labels), seed
        self.device = resolve_device(config.device)
        self.tokenizer, self.model = load_labelled(
            weights or config.name, AutoModelForSequenceClassification, self.labels
        )
        self.model.to(self.device)

    def _encode(self, texts: list[str], pairs: list[str] | None) -> dict:
        return self.tokenizer(texts, pairs, truncation=True, max_length=self.config.max_length)

    def fit(self, texts: list[str], labels: list[str], pairs: list[str] | None = None) -> None:
        from datasets import Dataset
        from transformers import (
            DataCollatorWithPadding,
            PrinterCallback,
            Trainer,
            TrainingArguments,
            set_seed,
        )

        set_seed(self.seed)
        enc = self._encode(texts, pairs)
        enc["labels"] = [self.labels.index(v) for v in labels]
        train = Dataset.from_dict(dict(enc))
        c = self.config
        with tempfile.TemporaryDirectory() as tmp:
            args = TrainingArguments(
                output_dir=tmp,
                num_train_epochs=c.epochs,
                max_steps=c.max_steps,
                learning_rate=c.learning_rate,
                per_device_train_batch_size=c.train_batch_size,
                weight_decay=c.weight_decay,
                warmup_steps=c.warmup_ratio,
                seed=self.seed,
                data_seed=self.seed,
                use_cpu=self.device.type == "cpu",
                save_strategy="no",
                eval_strategy="no",
                report_to=[],
                logging_strategy="epoch",
                disable_tqdm=True,
                dataloader_num_workers=0,
            )
            trainer = Trainer(
                model=self.model,
                args=args,
                train_dataset=train,
                data_collator=DataCollatorWithPadding(self.tokenizer),
            )
            trainer.remove_callback(PrinterCallback)  # stdout carries results only
            result = trainer.train()
        log.info("fine-tuned %d steps, train loss %.4f", result.global_step, result.training_loss)
        self.model.to(self.device)

    @torch.inference_mode()
    def predict_proba(self, texts: list[str], pairs: list[str] | None = None) -> np.ndarray:
        self.model.eval()
        out = [np.zeros((0, len(self.labels)))]
        bs = self.config.batch_size
        for i in range(0, len(texts), bs):
            second = pairs[i : i + bs] if pairs is not None else None
            enc = self.tokenizer(
                texts[i : i + bs],
                second,
                padding=True,
                truncation=True,
                max_length=self.config.max_length,
                return_tensors="pt",
            )
            logits = self.model(**enc.to(self.device)).logits.float()
            out.append(torch.softmax(logits, dim=-1).cpu().numpy())
        return np.concatenate(out)

    def _save_weights(self, path: Path) -> None:
        self.model.save_pretrained(path / "hf", safe_serialization=True)
        self.tokenizer.save_pretrained(path / "hf")

    @classmethod
    def load(cls, path: Path, device: str | None = None) -> FineTune:
        meta = read_meta(path)
        config = meta_config(meta, FinetuneConfig, device)
        return cls(config, meta["labels"], weights=str(Path(path) / "hf"))
