"""ONNX Runtime inference for a transformers encoder (the token tagger's logits, the frozen
encoder's and the claim model's hidden states): fp32 (backend=onnx, the same numbers as torch
to float precision) or int8 weights (backend=onnx_int8). The model is exported once into a cache
folder (`$FRAMING_CACHE_DIR`, default ~/.cache/framing), keyed by a hash of its weights, and
reused by later runs; `write_bundle` exports a saved model for the torch-free path
(`framing.learning.fast`), keyed by its files."""

from __future__ import annotations

import copy
import json
import logging
import os
import shutil
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import torch

from framing.core.errors import InputError
from framing.learning.base import weights_digest
from framing.learning.fast import (
    BUNDLE_META,
    EXPORT_VERSION,
    MODEL_FILES,
    cache_dir,
    check_backend,
    model_session,
)

log = logging.getLogger(__name__)

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_warned: set[str] = set()  # cache folders already warned about (once per process)


def weights_hash(model: torch.nn.Module) -> str:
    """A short hash of every weight (names, shapes and values) and the torch version."""
    return weights_digest(model, salt=torch.__version__.encode(), shapes=True)


def plain(model: torch.nn.Module) -> torch.nn.Module:
    """`model`, or for a peft model a copy with its LoRA matrices merged into the weights (what
    the exporter can trace, and what runs fastest)."""
    if not hasattr(model, "peft_config"):
        return model
    return copy.deepcopy(model).merge_and_unload()


def export(model: torch.nn.Module, uses_token_types: bool, path: Path, output: str) -> None:
    """Write `model` (a transformers model, or a peft one: merged first; its first output named
    `output`) to `path` as fp32 ONNX, with dynamic batch and sequence axes; written to a
    temporary name first, then renamed."""
    model = plain(model)
    names = [n for n in INPUTS if n != "token_type_ids" or uses_token_types]
    example = tuple(torch.ones((1, 4), dtype=torch.long) for _ in names)
    axes = {n: {0: "batch", 1: "tokens"} for n in [*names, output]}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    training = model.training
    model.eval()  # no dropout in the graph
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _Positional(model, names, output),
                example,
                str(tmp),
                input_names=names,
                output_names=[output],
                dynamic_axes=axes,
                opset_version=17,
                dynamo=False,
            )
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
        model.train(training)


class _Positional(torch.nn.Module):
    """`model` called with its inputs by name, giving the one output tensor (what the tracer
    of the exporter can follow)."""

    def __init__(self, model: torch.nn.Module, names: list[str], output: str) -> None:
        super().__init__()
        self.model, self.names, self.output = model, names, output

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        return getattr(self.model(**dict(zip(self.names, inputs))), self.output)


class OnnxRunner:
    """Called like the torch model on a batch of tensors; returns an object with the output
    (`.logits` or `.last_hidden_state`) as a CPU tensor."""

    def __init__(self, session, output: str) -> None:
        self.session, self.output = session, output
        self.inputs = [i.name for i in self.session.get_inputs()]

    def __call__(self, **batch: torch.Tensor) -> SimpleNamespace:
        feed = {n: batch[n].cpu().numpy().astype(np.int64) for n in self.inputs}
        return SimpleNamespace(**{self.output: torch.from_numpy(self.session.run(None, feed)[0])})


def _cannot_write(path: Path, e: OSError, backend: str) -> None:
    if str(path.parent) not in _warned:
        _warned.add(str(path.parent))
        log.warning(
            "backend=%s: cannot write %s (%s); using torch. Set FRAMING_CACHE_DIR to a "
            "writable folder",
            backend,
            path,
            e.strerror or e,
        )


def onnx_runner(
    model: torch.nn.Module, uses_token_types: bool, output: str = "logits", backend: str = "onnx"
) -> OnnxRunner | None:
    """The runner of `model` (`backend` onnx: fp32, onnx_int8: int8 weights), exported into the
    cache on first use (again if the cached file does not load); None, with a warning once per
    folder, when the cache cannot be written: the caller keeps torch."""
    check_backend(backend)
    kind = "tagger" if output == "logits" else "encoder"
    stem = cache_dir() / f"{kind}-{weights_hash(model)}"
    fp32 = stem.with_name(f"{stem.name}.onnx")
    path = fp32 if backend == "onnx" else stem.with_name(f"{stem.name}.int8.onnx")
    try:
        for _ in (0, 1):
            if not fp32.is_file():
                export(model, uses_token_types, fp32, output)
            try:
                return OnnxRunner(model_session(fp32, path, torch.get_num_threads()), output)
            except InputError:
                raise
            except Exception:  # a truncated or foreign file (removed): export it again
                fp32.unlink(missing_ok=True)
        raise InputError(f"{fp32}: the exported model does not load in onnxruntime")
    except OSError as e:
        _cannot_write(fp32, e, backend)
        return None


def write_bundle(
    folder: Path, model: torch.nn.Module, tokenizer, output: str, backend: str = "onnx"
) -> bool:
    """Export `model` (a transformers model or a peft one) with its tokenizer as a bundle for
    `framing.learning.fast` at `folder` (a temporary folder first, then renamed); False, with
    a warning once per cache folder, when it cannot be written."""
    uses_types = "token_type_ids" in tokenizer.model_input_names
    tmp = folder.with_name(f"{folder.name}.{os.getpid()}.tmp")
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        export(model, uses_types, tmp / MODEL_FILES["onnx"], output)
        tokenizer.backend_tokenizer.save(str(tmp / "tokenizer.json"))
        meta = {
            "version": EXPORT_VERSION,
            "output": output,
            "pad_id": tokenizer.pad_token_id or 0,
            "pad_token": tokenizer.pad_token or "[PAD]",
            "hidden_size": plain(model).config.hidden_size,
        }
        (tmp / BUNDLE_META).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)  # a partial or stale one
        os.replace(tmp, folder)
    except OSError as e:
        _cannot_write(folder, e, backend)
        return False
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return True
