"""ONNX Runtime inference for a transformers encoder (the token tagger's logits, the frozen
encoder's hidden states): the same numbers as the torch model to float precision, computed
about twice as fast on CPU. The model is exported once into a cache folder keyed by a hash of
its weights (`$FRAMING_CACHE_DIR`, default ~/.cache/framing) and reused by later runs."""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import torch

from framing.core.errors import InputError
from framing.learning.base import weights_digest

log = logging.getLogger(__name__)

INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def cache_dir() -> Path:
    return Path(os.environ.get("FRAMING_CACHE_DIR") or Path.home() / ".cache" / "framing")


def weights_hash(model: torch.nn.Module) -> str:
    """A short hash of every weight (names, shapes and values) and the torch version."""
    return weights_digest(model, salt=torch.__version__.encode(), shapes=True)


def export(model: torch.nn.Module, uses_token_types: bool, path: Path, output: str) -> None:
    """Write `model` (a transformers model in eval mode; its first output named `output`) to
    `path` as ONNX, with dynamic batch and sequence axes; written to a temporary name first,
    then renamed."""
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

    def __init__(self, path: Path, output: str, threads: int | None = None) -> None:
        try:
            import onnxruntime as ort
        except ImportError:
            raise InputError(
                "backend=onnx needs onnxruntime (pip install onnxruntime), or use backend=torch"
            ) from None
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or torch.get_num_threads()
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.session.get_inputs()]
        self.output = output

    def __call__(self, **batch: torch.Tensor) -> SimpleNamespace:
        feed = {n: batch[n].cpu().numpy().astype(np.int64) for n in self.inputs}
        return SimpleNamespace(**{self.output: torch.from_numpy(self.session.run(None, feed)[0])})


def onnx_runner(
    model: torch.nn.Module, uses_token_types: bool, output: str = "logits"
) -> OnnxRunner | None:
    """The runner of `model`, exported into the cache on first use (again if the cached file
    does not load); None, with a warning, when the cache folder cannot be written: the caller
    keeps torch."""
    kind = "tagger" if output == "logits" else "encoder"
    path = cache_dir() / f"{kind}-{weights_hash(model)}.onnx"
    try:
        if path.is_file():
            try:
                return OnnxRunner(path, output)
            except (InputError, ImportError):
                raise
            except Exception:  # a truncated or foreign file: export it again
                path.unlink()
        export(model, uses_token_types, path, output)
    except OSError as e:
        log.warning(
            "backend=onnx: cannot write %s (%s); using torch. Set FRAMING_CACHE_DIR to a "
            "writable folder",
            path,
            e.strerror or e,
        )
        return None
    return OnnxRunner(path, output)
