"""The claim model (task=claims, model=multitask): one fine-tuned encoder for frame, stance and
attribution of claims in context; training, resume, the recorded run, and the pipeline."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import torch
from conftest import compose_train, shrink
from omegaconf import OmegaConf
from test_polnear import Killed, kill_at_step
from test_ukraine import write_article

from framing.core.errors import InputError
from framing.data.claims import ClaimRow, context_of, context_text
from framing.experiments.runner import run_experiment
from framing.learning.multitask import ClaimModel, MultitaskConfig
from framing.runs import records

LABELS = {
    "framing": ["defensive_cooperation", "threat", "neutral_report"],
    "stance": ["favor", "against", "neutral"],
    "attribution": ["attributed", "unattributed"],
}
CLAIMS = [
    ("The navies began a drill.", None, "neutral_report", "neutral"),
    ("The ministry said the drill was routine.", "The ministry", "defensive_cooperation", "favor"),
    ("Analysts said the drill was a threat.", "Analysts", "threat", "against"),
    ("The navies began a drill.", None, "neutral_report", "neutral"),
]


def rows() -> list[ClaimRow]:
    out, previous = [], ""
    for k, (text, source, frame, stance) in enumerate(CLAIMS):
        labels = {"framing": frame, "stance": stance}
        labels["attribution"] = "attributed" if source else "unattributed"
        ctx = context_of(source, "The navies began a drill.", previous)
        out.append(ClaimRow(f"a:{k}", text, ctx, "the drill", labels))
        previous = text
    return out


def config(tiny_model: str, **kw) -> MultitaskConfig:
    base = {"name": tiny_model, "device": "cpu", "max_steps": 5, "train_batch_size": 2}
    return MultitaskConfig(_target_="x", family="multitask", **{**base, **kw})


def new_model(cfg: MultitaskConfig) -> ClaimModel:
    torch.manual_seed(0)  # as the runner's set_seed
    return ClaimModel(cfg, LABELS, seed=0)


def test_context_reads_as_labelled_fields() -> None:
    ctx = context_of(None, "Drills end", "")
    assert context_text(ctx, ["source", "headline", "previous"]) == (
        "source: the outlet | headline: Drills end"
    )


@pytest.mark.parametrize("lora_rank", [0, 2])
def test_fit_save_load_gives_the_same_probabilities(tiny_model, tmp_path, lora_rank) -> None:
    model = new_model(config(tiny_model, lora_rank=lora_rank))
    data = rows()
    model.fit(data, data)
    assert [h["step"] for h in model.history] == [2, 4, 5]  # every epoch end and the last step
    texts, ctx = [r.text for r in data], [r.context for r in data]
    probs = {t: model.probs(t, texts, ctx, ["the drill"] * 4) for t in LABELS}
    assert {t: p.shape for t, p in probs.items()} == {t: (4, len(v)) for t, v in LABELS.items()}
    assert np.allclose(probs["framing"].sum(1), 1.0)
    model.save(tmp_path / "m")
    files = {p.name for p in (tmp_path / "m").iterdir()}
    assert files == (
        {"classifier.json", "heads.safetensors"} | ({"adapter"} if lora_rank else {"hf"})
    )
    again = ClaimModel.load(tmp_path / "m", "cpu")
    for task in LABELS:
        got = again.probs(task, texts, ctx, ["the drill"] * 4)
        assert np.allclose(got, probs[task], atol=1e-5), task
    # another target changes stance, not the claim side
    other = again.probs("stance", texts, ctx, ["the sanctions"] * 4)
    assert not np.allclose(other, probs["stance"])


def test_a_claim_longer_than_max_length_is_cut_not_refused(tiny_model) -> None:
    model = new_model(config(tiny_model, max_length=16))
    long = " ".join(["the navies began a drill"] * 10)
    ctx = [context_of("Analysts", "The navies began a drill.", long)]
    assert model.probs("framing", [long], ctx).shape == (1, 3)


def test_the_heads_of_one_model_share_one_encoder_pass(tiny_model, monkeypatch) -> None:
    model = new_model(config(tiny_model))
    calls = []
    real = model.net.pool
    monkeypatch.setattr(
        model.net, "pool", lambda enc: calls.append(len(enc["input_ids"])) or real(enc)
    )
    texts = [r.text for r in rows()]
    model.probs("framing", texts)
    model.probs("attribution", texts)
    model.probs("stance", texts, None, ["the drill"] * 4)
    assert calls == [4, 1]  # the claims once (one batch), then the one target


def test_a_model_that_reads_the_target_reads_each_claims_own(tiny_model, monkeypatch) -> None:
    from framing.learning.fast_claims import ClaimView
    from framing.pipeline.heads import Head, predict

    model = new_model(config(tiny_model, context=["target", "source"]))
    seconds = []
    real = model._encode
    monkeypatch.setattr(model, "_encode", lambda t, sec=None: seconds.append(sec) or real(t, sec))
    views = {t: Head(t, t == "stance", ClaimView(model, t), None, "") for t in LABELS}
    texts, ctx = [r.text for r in rows()], [r.context for r in rows()]
    out = predict(views, texts, ["the drill", "the sanctions"], ctx)
    # frame, attribution and stance toward the first target share one pass; the second
    # target is read with the claims again
    assert [s[0] if s else None for s in seconds] == [
        "target: the drill | source: the outlet",
        None,
        "target: the sanctions | source: the outlet",
        None,
    ]
    assert out["stance"] == out["stance@the drill"] != out["stance@the sanctions"]
    # the frame of a claim depends on the target it was read with
    drill = model.probs("framing", texts, [{**c, "target": "the drill"} for c in ctx])
    sanctions = model.probs("framing", texts, [{**c, "target": "the sanctions"} for c in ctx])
    assert not np.allclose(drill, sanctions)


def test_the_target_is_no_context_for_a_model_that_does_not_read_it(tiny_model) -> None:
    model = new_model(config(tiny_model))  # source, headline, previous
    ctx = [context_of("Li", "Drills", "", "the drill")]
    assert model._contexts(ctx) == ["source: Li | headline: Drills"]


def test_a_killed_claim_model_resumes_to_the_uninterrupted_weights(
    tiny_model, tmp_path, monkeypatch
) -> None:
    cfg = config(tiny_model, max_steps=6, checkpoint_steps=2)
    data = rows()
    whole = new_model(cfg)
    whole.fit(data, data)
    ckpt = tmp_path / "checkpoint"
    first = new_model(cfg)
    kill_at_step(monkeypatch, 4)
    with pytest.raises(Killed):
        first.fit(data, data, checkpoint=ckpt)
    monkeypatch.undo()
    assert json.loads((ckpt / "state.json").read_text())["step"] == 2
    again = ClaimModel(cfg, LABELS, seed=0)
    again.fit(data, data, checkpoint=ckpt, resume=True)
    assert again.history == whole.history and [r["step"] for r in again.resumes] == [2]
    final, expected = again.net.state_dict(), whole.net.state_dict()
    assert all(torch.equal(final[k], expected[k]) for k in expected)
    with pytest.raises(InputError, match="training data or step count differ"):
        ClaimModel(cfg, LABELS, seed=0).fit(data[:-1], data, checkpoint=ckpt, resume=True)


def test_an_adapter_over_another_base_is_one_error(tiny_model, tmp_path) -> None:
    model = new_model(config(tiny_model, max_steps=1, lora_rank=2))
    model.fit(rows())
    model.save(tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "classifier.json").read_text())
    meta["base_fingerprint"] = "0" * 16
    (tmp_path / "m" / "classifier.json").write_text(json.dumps(meta))
    with pytest.raises(InputError, match="does not fit the base encoder"):
        ClaimModel.load(tmp_path / "m", "cpu")
    (tmp_path / "m" / "heads.safetensors").write_bytes(b"junk")
    meta["base_fingerprint"] = model.base_fingerprint
    (tmp_path / "m" / "classifier.json").write_text(json.dumps(meta))
    with pytest.raises(InputError, match="heads.safetensors: unreadable"):
        ClaimModel.load(tmp_path / "m", "cpu")


@pytest.fixture
def claims_run_config(tiny_model, tiny_corpus, tmp_path):
    root, labels = tmp_path / "real", tmp_path / "ukraine"
    for n in (0, 4, 61):
        write_article(root, labels, n)
    out_root = tmp_path / "experiments"
    overrides = [
        "experiment=claims_multitask",
        f"data.root={tiny_corpus}",
        f"data.real={labels}",
        f"data.real_root={root}",
    ]

    def make(*extra: str):
        cfg = shrink(compose_train([*overrides, *extra]), tiny_model, out_root)
        return OmegaConf.to_object(cfg)

    return make, overrides, out_root


def test_a_claims_run_scores_every_task_on_corpus_and_real_splits(claims_run_config) -> None:
    make, overrides, out_root = claims_run_config
    run = run_experiment(make(), overrides=overrides)
    assert run.parent == out_root / "claims_multitask"
    m = records.read_json(run / "metrics.json")
    assert m["evals"] == ["dev", "test", "real_dev", "real_test"]
    for split in m["evals"]:  # no attribution head: the context names the source
        assert set(m[split]) == {"framing", "stance"}
        assert "macro_f1_ci95" in m[split]["stance"]
    by_source = m["real_test"]["framing"]["by_source_type"]
    assert by_source["unnamed"]["n"] == 1 and by_source["unattributed"]["n"] == 1
    assert m["meta"]["seconds_per_claim"]["test"] > 0
    assert (run / "model" / "heads.safetensors").is_file() and not (run / "checkpoint").exists()
    rows = [json.loads(x) for x in (run / "predictions.jsonl").read_text().splitlines()]
    assert {"split", "gold_framing", "pred_stance", "probs_stance"} <= set(rows[0])
    modes = {p.stat().st_mode & 0o777 for p in run.rglob("*") if p.is_file()}
    assert len(modes) == 1
    from framing.experiments.compare import collect, paired_test

    table = collect(out_root)  # one row per task, comparable with single-task runs
    assert sorted(table["task"]) == ["framing", "stance"]
    assert set(table["family"]) == {"multitask"} and table["test_macro_f1"].notna().all()
    with pytest.raises(InputError, match="is a claim model run"):
        paired_test(run, run)


def test_a_killed_claims_run_resumes_in_its_own_folder(claims_run_config, monkeypatch) -> None:
    make, overrides, out_root = claims_run_config
    kill_at_step(monkeypatch, 3)
    with pytest.raises(Killed):
        run_experiment(make("model.checkpoint_steps=2"), overrides=overrides)
    monkeypatch.undo()
    (run,) = (out_root / "claims_multitask").iterdir()
    assert records.read_json(run / "status.json")["status"] == "failed"
    assert run_experiment(make("model.checkpoint_steps=2", f"resume={run}")) == run
    assert records.read_json(run / "status.json")["status"] == "complete"
    assert [r["step"] for r in records.read_json(run / "meta.json")["resumes"]] == [2]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["task=framing"], "model=multitask predicts frame, stance and attribution together"),
        (["model=encoder_logreg"], "task=claims needs model=multitask"),
        (["model.context=[source,byline]"], "model.context has ['byline']"),
        (["data=table", "data.train=x.csv"], "the claim model reads articles"),
    ],
)
def test_claims_bad_settings_fail_before_any_run_folder(claims_run_config, extra, message):
    make, overrides, out_root = claims_run_config
    with pytest.raises(InputError, match=re.escape(message)):
        run_experiment(make(*extra))
    assert not out_root.exists() or not any(out_root.iterdir())


def test_the_pipeline_reads_claims_in_context_with_a_claims_run(
    claims_run_config, head_dirs
) -> None:
    from framing.pipeline.analyze import Pipeline, PipelineConfig
    from framing.pipeline.article import Document
    from framing.pipeline.heads import load_heads

    make, overrides, _ = claims_run_config
    run = run_experiment(make("model.context=[headline,previous]"), overrides=overrides)
    heads = load_heads([str(run)], "cpu", ("framing", "stance", "attribution"), None)
    assert {t: type(h.model).__name__ for t, h in heads.items()} == dict.fromkeys(
        ("framing", "stance", "attribution"), "ClaimView"
    )
    run = run_experiment(make(), overrides=overrides)  # with the source: no attribution head
    dirs = [head_dirs["attribution"], head_dirs["source_type"]]
    cfg = PipelineConfig(model_dir=[str(run), *dirs], device="cpu", claim_model=None)
    text = "Navies end drills\n\nThe navies began a drill. Analysts said the drill was a threat."
    rows = Pipeline(cfg).analyze(Document("a", text))
    assert [r["source"] for r in rows] == [None, "Analysts"]
    assert all(list(r["frame_probs"]) == heads["framing"].model.labels for r in rows)


def test_the_shipped_claim_model_loads_offline_and_reads_claims_in_context() -> None:
    from framing.data.claims import context_of
    from framing.pipeline.heads import DEFAULT_MODEL_DIR, load_heads

    shipped = DEFAULT_MODEL_DIR / "claims"
    source = json.loads((shipped / "SOURCE.json").read_text())
    assert source["made_by"] == "python scripts/make_default_model.py --claims"
    size = sum(p.stat().st_size for p in shipped.rglob("*") if p.is_file())
    assert size < 5_000_000  # an adapter and heads, not a model
    heads = load_heads([], "cpu", ("framing", "stance"), "default")
    assert {type(h.model).__name__ for h in heads.values()} == {"ClaimView"}
    model = heads["framing"].model.claim_model
    assert set(model.labels) == {"framing", "stance"}  # no attribution head: source in context
    text = "The drills are routine and target no third party, the ministry said."
    ctx = [context_of("the ministry", "China, Russia hold naval drills", "")]
    target = ["China-Russia military cooperation"]
    frame = model.probs("framing", [text], ctx)[0]
    stance = model.probs("stance", [text], ctx, target)[0]
    assert model.labels["framing"][frame.argmax()] == "defensive_cooperation"
    assert model.labels["stance"][stance.argmax()] == "favor"
