"""The ONNX Runtime backends (onnx: fp32, onnx_int8) and the torch-free path on a tiny BERT:
export round trips, the claim model and span tagger on ONNX, tokenization by `tokenizers`,
the cache (truncated files made again), and a warm run that never imports torch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml
from test_claim_model import LABELS, config, new_model, rows

from framing.core.errors import InputError
from framing.learning import fast, fast_claims
from framing.learning.tagger import TaggerConfig, TokenTagger
from framing.pipeline.heads import claim_heads, load_head, load_tagger

SENTENCES = [
    "The ministry said the drill was routine.",
    "Analysts said navies began a drill.",
    "Ships left.",
    "A much longer sentence, " * 12 + "the end.",
]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("FRAMING_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def tagger_dir(tiny_model: str, tmp_path: Path) -> Path:
    """A saved LoRA span tagger (what the shipped one is) trained for a few steps."""
    cfg = TaggerConfig(name=tiny_model, max_steps=3, device="cpu", lora_rank=4, max_length=32)
    tagger = TokenTagger(cfg, seed=0)
    spans = [[("Source", 0, 12), ("Cue", 13, 17), ("Content", 18, 39)]] * 2
    tagger.fit(SENTENCES[:2], spans)
    tagger.save(tmp_path / "tagger" / "model")
    return tmp_path / "tagger"


@pytest.fixture
def claims_run(tiny_model: str, tmp_path: Path) -> Path:
    """A recorded claim model run (LoRA adapter + heads) as the pipeline loads one."""
    model = new_model(config(tiny_model, lora_rank=4))
    model.fit(rows())
    run = tmp_path / "claims"
    model.save(run / "model")
    cfg = {"task": {"name": "claims", "use_pair": False}, "schema": {"version": "test.v1"}}
    (run / "config.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return run


def test_export_round_trip_fp32_equal_int8_close(tiny_model: str, cache: Path) -> None:
    from transformers import AutoTokenizer, BertForTokenClassification

    from framing.learning.onnx_backend import onnx_runner

    torch.manual_seed(0)
    model = BertForTokenClassification.from_pretrained(tiny_model, num_labels=7).eval()
    tok = AutoTokenizer.from_pretrained(tiny_model)
    enc = tok(SENTENCES, padding=True, truncation=True, max_length=32, return_tensors="pt")
    with torch.no_grad():
        want = model(**enc).logits.numpy()
    fp32 = onnx_runner(model, True, "logits", "onnx")(**enc).logits.numpy()
    np.testing.assert_allclose(fp32, want, atol=1e-4)
    int8 = onnx_runner(model, True, "logits", "onnx_int8")(**enc).logits.numpy()
    mask = enc["attention_mask"].numpy().astype(bool)
    assert (int8.argmax(-1) == want.argmax(-1))[mask].mean() >= 0.8
    assert np.abs(int8 - want).max() < 0.5
    names = sorted(p.name for p in cache.iterdir())
    assert len(names) == 2 and names[0].endswith(".int8.onnx") and not list(cache.glob("*.tmp"))


def test_claim_model_on_onnx_gives_the_torch_probabilities(
    tiny_model: str, claims_run: Path, cache: Path
) -> None:
    from framing.learning.multitask import ClaimModel

    data = rows()
    args = ([r.text for r in data], [r.context for r in data], [r.target for r in data])
    model = ClaimModel.load(claims_run / "model", "cpu")
    want = {t: model.probs(t, *args) for t in LABELS}
    model.use_backend("onnx")
    assert model.runner is not None
    for task in LABELS:
        np.testing.assert_allclose(model.probs(task, *args), want[task], atol=1e-5)
    heads = claim_heads(claims_run, "cpu", "onnx")  # the torch-free model, from a bundle
    assert isinstance(heads["framing"].model.claim_model, fast_claims.FastClaimModel)
    for task in LABELS:
        got = heads[task].model.predict_proba(args[0], args[2], args[1])
        np.testing.assert_allclose(got, want[task], atol=1e-5)
    model.use_backend("torch")
    assert model.runner is None
    with pytest.raises(InputError, match="backend='gpu'; expected one of"):
        model.use_backend("gpu")


def test_int8_claims_near_a_tie_are_scored_again_in_fp32(
    claims_run: Path, cache: Path, monkeypatch
) -> None:
    data = rows()
    texts, contexts, targets = (
        [r.text for r in data],
        [r.context for r in data],
        [r.target for r in data],
    )

    def probs(backend: str) -> tuple[dict, fast_claims.FastClaimModel]:
        heads = claim_heads(claims_run, "cpu", backend)
        got = {t: heads[t].model.predict_proba(texts, targets, contexts) for t in LABELS}
        return got, heads["framing"].model.claim_model

    want, exact = probs("onnx")
    assert exact.second_look == 0.0 and exact.looked == [0, len(LABELS) * len(data)]
    monkeypatch.setattr(fast_claims, "SECOND_LOOK", 0.0)  # int8 alone
    alone, model = probs("onnx_int8")
    assert model.looked[0] == 0
    assert not all(np.allclose(alone[t], want[t], atol=1e-5) for t in LABELS)
    monkeypatch.setattr(fast_claims, "SECOND_LOOK", 1.01)  # every claim looked at again
    looked, model = probs("onnx_int8")
    assert model.looked == [len(LABELS) * len(data)] * 2
    for task in LABELS:
        np.testing.assert_allclose(looked[task], want[task], atol=1e-5)
    # only the claims int8 leaves near a tie: a cut between the margins of these claims
    margins = {t: np.diff(np.sort(alone[t], axis=-1)[:, -2:], axis=-1)[:, 0] for t in LABELS}
    cut = float(np.median(np.concatenate(list(margins.values()))))
    monkeypatch.setattr(fast_claims, "SECOND_LOOK", cut)
    some, model = probs("onnx_int8")
    assert 0 < model.looked[0] < model.looked[1]
    for task in LABELS:
        near = margins[task] < cut
        np.testing.assert_allclose(some[task][near], want[task][near], atol=1e-5)
        np.testing.assert_allclose(some[task][~near], alone[task][~near], atol=1e-6)


def test_a_lora_model_in_memory_exports_merged(tiny_model: str, cache: Path) -> None:
    model = new_model(config(tiny_model, lora_rank=4))
    model.fit(rows())
    assert hasattr(model.net.encoder, "peft_config")  # not merged: training goes on in peft
    data = rows()
    args = ([r.text for r in data], [r.context for r in data], [r.target for r in data])
    want = model.probs("stance", *args)
    model.use_backend("onnx")
    np.testing.assert_allclose(model.probs("stance", *args), want, atol=1e-5)
    assert hasattr(model.net.encoder, "peft_config")


def test_the_lora_tagger_runs_on_onnx_and_without_torch_gives_its_tags(
    tagger_dir: Path, cache: Path
) -> None:
    torch_tagger = load_tagger(str(tagger_dir), "cpu", "torch")
    want = torch_tagger.predict(SENTENCES)
    torch_tagger.use_backend("onnx")
    assert torch_tagger.runner is not torch_tagger.model
    assert torch_tagger.predict(SENTENCES) == want
    fast_tagger = load_tagger(str(tagger_dir), "cpu", "onnx")
    assert isinstance(fast_tagger, fast.FastTagger)
    assert fast_tagger.predict(SENTENCES) == want
    assert fast_tagger.truncated == 1  # the long one, cut at 32 (as torch counts it)


def test_frozen_encoder_head_without_torch_gives_the_torch_probabilities(
    head_dirs: dict[str, str], cache: Path
) -> None:
    torch_head = load_head(head_dirs["stance"], "cpu")
    fast_head = load_head(head_dirs["stance"], "cpu", "onnx")
    assert isinstance(fast_head.model, fast.FastLogReg)
    texts, targets = SENTENCES, ["the drill"] * len(SENTENCES)
    np.testing.assert_allclose(
        fast_head.model.predict_proba(texts, targets),
        torch_head.model.predict_proba(texts, targets),
        atol=1e-5,
    )


def test_full_caches_are_emptied_without_losing_an_answer(
    head_dirs: dict[str, str], claims_run: Path, cache: Path, monkeypatch
) -> None:
    encoder = load_head(head_dirs["stance"], "cpu", "onnx").model.encoder
    want = encoder.embed(SENTENCES)
    monkeypatch.setattr(encoder, "CACHE_SIZE", 3)
    encoder.embed(SENTENCES[:2])
    np.testing.assert_allclose(encoder.embed(SENTENCES), want, atol=1e-6)  # 2 cached + 2 new
    data = rows()
    texts, contexts, targets = (
        [r.text for r in data],
        [r.context for r in data],
        [r.target for r in data],
    )
    monkeypatch.setattr(fast_claims, "SECOND_LOOK", 1.01)
    model = claim_heads(claims_run, "cpu", "onnx_int8")["framing"].model.claim_model
    full = {t: model.probs(t, texts, contexts, targets) for t in LABELS}
    monkeypatch.setattr(model, "EXACT_CACHE", 1)
    model.probs("framing", texts[:2], contexts[:2], targets[:2])  # fills it past its size
    for task in LABELS:
        np.testing.assert_allclose(
            model.probs(task, texts, contexts, targets), full[task], atol=1e-6
        )


@pytest.mark.parametrize("max_length", [8, 64])
def test_tokenizers_cut_and_pad_as_the_transformers_tokenizer(
    tiny_model: str, tmp_path: Path, max_length: int
) -> None:
    from transformers import AutoTokenizer

    hf = AutoTokenizer.from_pretrained(tiny_model)
    hf.backend_tokenizer.save(str(tmp_path / "tokenizer.json"))
    tok = fast.load_tokenizer(tmp_path, max_length, hf.pad_token_id, hf.pad_token, pad=True)
    texts = SENTENCES
    seconds = ["source: the ministry | headline: navies began a drill", "", "x", "the end"]
    for pairs in (None, seconds):
        want = hf(texts, pairs, truncation=True, max_length=max_length, padding=True)
        got = tok.encode_batch(list(zip(texts, pairs)) if pairs else texts)
        assert [e.ids for e in got] == want["input_ids"]
        assert [e.attention_mask for e in got] == want["attention_mask"]
        assert [e.type_ids for e in got] == want["token_type_ids"]


def test_tokenizers_give_the_shipped_encoder_ids_on_the_corpus_claims(tmp_path: Path) -> None:
    from transformers import AutoTokenizer

    from framing.data.claims import context_text, doc_rows
    from framing.data.tasks import corpus_splits

    root = Path(__file__).resolve().parents[1] / "data" / "corpus"
    docs = corpus_splits(root)[0]["test"]
    data = [r for d in docs for r in doc_rows(d)]
    texts = [r.text for r in data]
    seconds = [context_text(r.context, ["source", "headline", "previous"]) for r in data]
    hf = AutoTokenizer.from_pretrained(fast.resolve_model_name(fast.SHIPPED_MODEL))
    hf.backend_tokenizer.save(str(tmp_path / "tokenizer.json"))
    tok = fast.load_tokenizer(tmp_path, 128, hf.pad_token_id, hf.pad_token, pad=True)
    for i in range(0, len(texts), 32):
        t, s = texts[i : i + 32], seconds[i : i + 32]
        want = hf(t, s, truncation="longest_first", max_length=128, padding=True)
        assert [e.ids for e in tok.encode_batch(list(zip(t, s)))] == want["input_ids"]


def test_truncated_cache_files_are_made_again(tagger_dir: Path, cache: Path) -> None:
    want = load_tagger(str(tagger_dir), "cpu", "onnx_int8").predict(SENTENCES)
    (bundle,) = [p for p in cache.iterdir() if p.name.startswith("tagger-")]
    for name, backend in ((fast.int8_file(), "onnx_int8"), ("model.onnx", "onnx")):
        size = (bundle / name).stat().st_size
        (bundle / name).write_bytes((bundle / name).read_bytes()[:500])
        tagger = load_tagger(str(tagger_dir), "cpu", backend)
        assert isinstance(tagger, fast.FastTagger)
        assert (bundle / name).stat().st_size == size
    assert load_tagger(str(tagger_dir), "cpu", "onnx_int8").predict(SENTENCES) == want
    assert not [p for p in cache.iterdir() if ".tmp" in p.name]


def test_the_int8_file_is_keyed_by_the_quantization_settings(
    tagger_dir: Path, cache: Path
) -> None:
    load_tagger(str(tagger_dir), "cpu", "onnx_int8")
    (bundle,) = [p for p in cache.iterdir() if p.name.startswith("tagger-")]
    assert (bundle / fast.int8_file()).is_file()
    other = {**fast.QUANTIZATION, "per_channel": not fast.QUANTIZATION["per_channel"]}
    assert fast.int8_file(other) != fast.int8_file()
    assert not (bundle / fast.int8_file(other)).exists()


def test_an_unwritable_cache_warns_once_and_keeps_torch(
    tagger_dir: Path, unwritable_cache: Path, caplog
) -> None:
    tagger = load_tagger(str(tagger_dir), "cpu", "onnx_int8")
    assert isinstance(tagger, TokenTagger) and tagger.runner is tagger.model
    assert caplog.text.count("Set FRAMING_CACHE_DIR to a writable folder") == 1


def test_a_warm_run_does_not_import_torch(tagger_dir: Path, claims_run: Path, cache: Path) -> None:
    want = {
        "tags": load_tagger(str(tagger_dir), "cpu", "torch").predict(SENTENCES),
        "frame": claim_heads(claims_run, "cpu")["framing"].model.predict_proba(SENTENCES),
    }
    load_tagger(str(tagger_dir), "cpu", "onnx_int8")  # warm the cache
    claim_heads(claims_run, "cpu", "onnx_int8")
    code = (
        "import json, sys\n"
        "from framing.pipeline.heads import claim_heads, load_tagger\n"
        f"s = {SENTENCES!r}\n"
        f"tags = load_tagger({str(tagger_dir)!r}, 'cpu', 'onnx_int8').predict(s)\n"
        f"frame = claim_heads({str(claims_run)!r}, 'cpu', 'onnx_int8')['framing']"
        ".model.predict_proba(s).tolist()\n"
        "heavy = [m for m in ('torch', 'transformers', 'peft', 'sklearn') if m in sys.modules]\n"
        "print(json.dumps({'tags': tags, 'frame': frame, 'heavy': heavy}))\n"
    )
    env = {**os.environ, "FRAMING_CACHE_DIR": str(cache)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, check=True)
    got = json.loads(out.stdout)
    assert got["heavy"] == [] and out.stderr.decode() == ""
    assert [[tuple(s) for s in t] for t in got["tags"]] == want["tags"]
    assert (np.argmax(got["frame"], 1) == want["frame"].argmax(1)).all()
    np.testing.assert_allclose(got["frame"], want["frame"], atol=0.05)
