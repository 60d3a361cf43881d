"""The shipped attribution tagger: trained on PolNeAR plus the corpus, regenerated from a
recorded run, loaded offline by default, and its spans made whole by the rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import compose_train, shrink
from omegaconf import OmegaConf
from test_polnear import FAKE_POLNEAR, polnear_root

from framing.benchmarks.spans import corpus_sentences
from framing.core.errors import InputError
from framing.data.config import DataConfig
from framing.data.tasks import corpus_splits
from framing.experiments.default_model import make_default_tagger
from framing.experiments.runner import run_experiment
from framing.pipeline.tagged import DEFAULT_TAGGER, load_span_tagger
from framing.runs import records


def _doc() -> dict:
    """One corpus article as load_corpus returns it: an explicit claim, its quoted
    continuation (implicit) and an unattributed one."""
    text = (
        "Headline here\n\nThe drills are routine, Li Na said. "
        '"They follow a yearly plan." Ships left port on Monday.'
    )

    def at(s: str) -> int:
        return text.index(s)

    def claim(t, attributed, implicit=False, mention=None, cue=None):
        src = (at(mention), at(mention) + len(mention)) if mention else (None, None)
        cue_at = (at(cue), at(cue) + len(cue)) if cue else (None, None)
        return {
            "kind": "body",
            "text": t,
            "start": at(t),
            "end": at(t) + len(t),
            "attributed": attributed,
            "implicit": implicit,
            "source": mention,
            "source_start": src[0],
            "source_end": src[1],
            "source_type": "named_person" if attributed else None,
            "cue": cue,
            "cue_start": cue_at[0],
            "cue_end": cue_at[1],
        }

    claims = [
        claim("The drills are routine, Li Na said.", True, mention="Li Na", cue="said"),
        claim('"They follow a yearly plan."', True, implicit=True),
        claim("Ships left port on Monday.", False),
    ]
    return {"article_id": "a1", "text": text, "claims": claims}


def test_corpus_claims_become_source_cue_content_spans() -> None:
    doc = _doc()
    sents = corpus_sentences(doc)
    got = [[(role, s.text[a:b]) for role, a, b in s.spans] for s in sents]
    assert [s.text for s in sents] == [
        "The drills are routine, Li Na said.",
        '"They follow a yearly plan."',
        "Ships left port on Monday.",
    ]  # the headline is in no claim: left out
    assert got == [
        [("Content", "The drills are routine,"), ("Source", "Li Na"), ("Cue", "said")],
        [("Content", '"They follow a yearly plan."')],
        [],
    ]


def test_in_domain_copies_are_checked() -> None:
    with pytest.raises(InputError, match="in_domain_copies=-1"):
        DataConfig(name="polnear", kind="polnear", in_domain="data/corpus", in_domain_copies=-1)
    with pytest.raises(InputError, match="needs data.in_domain"):
        DataConfig(name="polnear", kind="polnear", in_domain=None, in_domain_copies=2)


@pytest.fixture(scope="module")
def mixed_run(tiny_model: str, tmp_path_factory) -> Path:
    """The default tagger's experiment, shrunk: a tiny model, two steps, corpus copies x 2."""
    tmp = tmp_path_factory.mktemp("mixed")
    data_root = tmp / "datasets"
    polnear_root(data_root, FAKE_POLNEAR)
    overrides = ["experiment=polnear_corpus_tagger_lora", f"data_root={data_root}"]
    cfg = shrink(compose_train(overrides), tiny_model, tmp / "experiments")
    cfg.model.max_steps, cfg.model.eval_steps, cfg.model.train_batch_size = 2, 1, 4
    cfg.model.lora_rank = 2
    cfg.data.in_domain_copies = 2
    return run_experiment(OmegaConf.to_object(cfg), overrides=overrides)


def test_the_tagger_trains_on_polnear_and_corpus_copies(mixed_run: Path) -> None:
    m = records.read_json(mixed_run / "metrics.json")
    corpus, _ = corpus_splits("data/corpus")
    n_corpus = sum(len(corpus_sentences(d)) for d in corpus["train"])
    assert n_corpus > 500
    assert m["meta"]["n_corpus_train_sentences"] == 2 * n_corpus
    assert m["meta"]["n_examples"]["train"] == 6  # PolNeAR's, counted apart
    assert set(m["corpus_dev"]) == set(m["corpus_test"]) == {"rules", "learned", "combined"}
    assert (mixed_run / "model" / "adapter" / "adapter_config.json").is_file()


def test_make_default_tagger_copies_a_complete_run(mixed_run: Path, tmp_path: Path) -> None:
    dest = tmp_path / "pkg" / "attribution_spans"
    assert make_default_tagger(mixed_run, dest) == dest
    note = json.loads((dest / "SOURCE.json").read_text())
    assert note["run"] == str(mixed_run)
    assert note["made_by"] == "python scripts/make_default_model.py --attribution"
    assert (dest / "config.yaml").read_text() == (mixed_run / "config.yaml").read_text()
    assert load_span_tagger(str(dest), "cpu").predict(["Li Na said it."]) is not None
    assert not dest.with_name("attribution_spans.tmp").exists()


def test_make_default_tagger_refuses_other_folders(tmp_path: Path) -> None:
    dest = tmp_path / "attribution_spans"
    with pytest.raises(InputError, match="not a complete recorded run"):
        make_default_tagger(tmp_path, dest)
    run = tmp_path / "run"
    run.mkdir()
    records.set_status(run, "complete")
    records.write_json(run / "metrics.json", {"name": "polnear_tagger"})
    with pytest.raises(InputError, match="not a saved run of experiment=polnear_corpus"):
        make_default_tagger(run, dest)
    assert not dest.exists()


def test_the_shipped_tagger_is_small_and_loads_offline(monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    weights = [p for p in DEFAULT_TAGGER.parent.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in weights) <= 15 * 2**20  # every default weight
    note = json.loads((DEFAULT_TAGGER / "SOURCE.json").read_text())
    assert "polnear_corpus_tagger_lora" in note["run"]
    tagger = load_span_tagger("default", "cpu")
    (spans,) = tagger.predict(["The plan is sound, the minister said on Monday."])
    roles = {role for role, _, _ in spans}
    assert {"Source", "Cue", "Content"} <= roles


def test_a_corrupt_shipped_style_adapter_is_one_error_line(tmp_path: Path) -> None:
    import shutil

    from test_infer import SEED, infer

    bad = tmp_path / "tagger"
    shutil.copytree(DEFAULT_TAGGER, bad)
    weights = bad / "model" / "adapter" / "adapter_model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    out = tmp_path / "rows.jsonl"
    proc = infer(str(SEED), "attribution=tagger", f"span_tagger={bad}", f"out={out}")
    err = proc.stderr.decode().strip().splitlines()
    assert proc.returncode == 2
    assert len(err) == 1 and "adapter is unreadable or does not fit" in err[0], err
    assert not out.exists()


# ------------------------------------------------------ the tagger's decision, made whole


def _claims(text: str) -> list:
    from framing.pipeline.article import Claim

    out, pos = [], 0
    for k, sent in enumerate(text.split("\n")):
        out.append(Claim(f"c{k}", pos, pos + len(sent), sent))
        pos += len(sent) + 1
    return out


def _learned(text: str, claims: list, spans: list) -> list:
    """Learned attributions: per claim None (unattributed) or (source, cue) phrases ("" for
    none), as the tagger gives them, in article offsets."""
    from framing.pipeline.article import Attribution, Span

    out = []
    for c, sp in zip(claims, spans):
        if sp is None:
            out.append(Attribution())
            continue

        def at(phrase, c=c):
            if not phrase:
                return None
            s = text.index(phrase, c.start)
            return Span(s, s + len(phrase), phrase)

        src, cue = at(sp[0]), at(sp[1])
        out.append(Attribution(True, False, src and src.text, src, None, cue))
    return out


TEXT = "\n".join(
    [
        "Tan Wenlu, a naval researcher in Shanghai, spoke on Monday.",
        "The patrol was routine, Tan argued.",
        "It followed a yearly plan.",
        "The ships will stay a week, the ministry said.",
        "Crews rested at sea.",
    ]
)


def test_tagger_sources_are_resolved_typed_and_continued(nlp) -> None:
    from framing.pipeline.attribution import attribute

    claims = _claims(TEXT)
    spans = [None, ("Tan", "argued"), ("", ""), None, None]
    got = [c.attribution for c in attribute(claims, TEXT, nlp, _learned(TEXT, claims, spans))]
    assert not got[0].attributed
    assert (got[1].source, got[1].source_type, got[1].cue.text) == (
        "Tan Wenlu",
        "named_person",
        "argued",
    )
    assert TEXT[got[1].source_span.start : got[1].source_span.end] == "Tan"
    # Content without a source in its sentence: the speaker goes on (implicit)
    assert (got[2].attributed, got[2].implicit, got[2].source) == (True, True, "Tan Wenlu")
    # the tagger decides: the rules' "the ministry said" is dropped in tagger mode ...
    assert not got[3].attributed and not got[4].attributed
    # ... and kept with prefer_rules (rules_tagger), with the rules' resolution and type
    kept = attribute(claims, TEXT, nlp, _learned(TEXT, claims, spans), prefer_rules=True)
    assert (kept[3].attribution.source, kept[3].attribution.source_type) == (
        "the ministry",
        "named_organization",
    )


def test_tagger_and_rules_on_one_source_keep_the_rules_channel(nlp) -> None:
    from framing.pipeline.attribution import attribute

    text = "Putin announced that the drills would go on, TASS reported."
    claims = _claims(text)
    (att,) = [
        c.attribution
        for c in attribute(claims, text, nlp, _learned(text, claims, [("Putin", "announced")]))
    ]
    assert (att.source, att.cue.text, att.channel.text) == ("Putin", "announced", "TASS")
    # the tagger taking the outlet for the source: the speaker stays, the outlet is the channel
    learned = _learned(text, claims, [("TASS", "reported")])
    (att,) = [c.attribution for c in attribute(claims, text, nlp, learned)]
    assert (att.source, att.channel.text) == ("Putin", "TASS")


class _FixedTagger:
    """Stands in for TokenTagger: the same spans (by phrase) for every sentence."""

    def __init__(self, phrases: list[tuple[str, str]]) -> None:
        self.phrases = phrases

    def predict(self, texts: list[str]) -> list[list[tuple[str, int, int]]]:
        out = []
        for t in texts:
            out.append([(r, t.index(p), t.index(p) + len(p)) for r, p in self.phrases if p in t])
        return out


def test_tagger_cover_content_or_all_spans() -> None:
    from framing.pipeline.tagged import learned_attribution

    text = "Lin Ya, a senior fellow at a research institute in Tianjin, said that it works."
    claims = _claims(text)
    tagger = _FixedTagger(
        [("Source", "Lin Ya, a senior fellow at a research institute in Tianjin"), ("Cue", "said")]
        + [("Content", "that it works")]
    )
    (by_content,) = learned_attribution(claims, text, tagger, cover="content")
    (by_spans,) = learned_attribution(claims, text, tagger, cover="spans")
    assert not by_content.attributed  # the Content is a quarter of the claim's words
    assert by_spans.attributed and by_spans.cue.text == "said"
    no_content = _FixedTagger([("Source", "Lin Ya"), ("Cue", "said")])
    (att,) = learned_attribution(claims, text, no_content, cover="spans")
    assert not att.attributed  # spans without Content attribute nothing


def test_time_variants_counts_the_same_claims_in_every_variant(
    head_dirs, tmp_path: Path, monkeypatch
) -> None:
    from framing.benchmarks.cost import run_cost
    from framing.pipeline.analyze import PipelineConfig
    from framing.pipeline.article import Document

    monkeypatch.setenv("FRAMING_CACHE_DIR", str(tmp_path / "cache"))
    docs = [
        Document("a", "Drill ends\n\nThe drill ended on Friday, the ministry said. Ships left."),
        Document("b", "By Ada Quill"),  # no claims: left out of every variant
        Document("c", "Talks resume\n\nOfficials said talks would resume. Critics disagreed."),
    ]
    cfg = PipelineConfig(model_dir=list(head_dirs.values()), device="cpu")
    variants = ["rules:torch", "tagger:onnx", "tagger:torch"]
    run = run_cost(cfg, docs, variants, str(tmp_path))
    m = records.read_json(run / "metrics.json")
    assert records.read_json(run / "status.json")["status"] == "complete"
    assert [m["variants"][v]["claims"] for v in variants] == [4, 4, 4]
    assert m["variants"]["rules:torch"]["cost_vs_rules:torch"] == 1.0
    assert m["variants"]["tagger:onnx"]["ms_per_claim"] > 0
    with pytest.raises(InputError, match="variant 'rules:gpu'"):
        run_cost(cfg, docs, ["rules:gpu"], str(tmp_path / "other"))
    assert not (tmp_path / "other").exists()  # refused before any run folder


def test_onnx_encoder_copy_embeds_like_torch_and_leaves_the_shared_one(
    tiny_model: str, tmp_path: Path, monkeypatch
) -> None:
    import numpy as np

    from framing.learning.encoders import get_encoder

    monkeypatch.setenv("FRAMING_CACHE_DIR", str(tmp_path / "cache"))
    enc = get_encoder(tiny_model, 32, 16, "cpu")
    texts = ["The drill ended.", "Officials said talks would resume on Monday after a pause."]
    want = enc._embed(texts)
    fast = enc.onnx_copy()
    assert fast is not enc and enc.runner is enc.model and fast.runner is not fast.model
    np.testing.assert_allclose(fast._embed(texts), want, atol=1e-5)


@pytest.mark.skipif(not Path(__file__).parents[2].joinpath("shared").exists(), reason="no seed")
def test_the_default_pipeline_on_the_founding_article_offline(tmp_path: Path) -> None:
    from test_infer import SEED, infer

    out = tmp_path / "rows.jsonl"
    proc = infer(str(SEED), "format=jsonl", f"out={out}")  # every setting at its default
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    # no load reports, progress bars or warnings: only the note of what was written
    assert proc.stderr.decode().strip().splitlines() == [
        f"wrote {len(out.read_text().splitlines())} claims of 1 article to {out}"
    ]
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    sources: dict[str, set[str]] = {}
    for r in rows:
        if r["attributed"] and r["source"]:
            sources.setdefault(r["source"].lower(), set()).add(r["source_type"])
    for person in ("zhang hong", "song zhongping", "cui heng"):
        assert sources.get(person) == {"named_person"}, (person, sorted(sources))
    assert any("xinhua" in s for s in sources), sorted(sources)
    for vague in ("experts", "observers"):
        assert sources.get(vague) == {"unnamed"}, (vague, sorted(sources))
    analysts = [s for s in sources if s.endswith("analysts")]
    assert len(analysts) == 1 and sources[analysts[0]] == {"unnamed"}, sorted(sources)
    assert not any(s in ("wenlu", "zhongping", "hong") for s in sources)


def test_onnx_backend_gives_the_torch_tags_and_is_cached(
    tiny_model: str, tmp_path: Path, monkeypatch
) -> None:
    from framing.learning.tagger import TaggerConfig, TokenTagger

    monkeypatch.setenv("FRAMING_CACHE_DIR", str(tmp_path / "cache"))
    tagger = TokenTagger(TaggerConfig(name=tiny_model, max_steps=3, device="cpu"), seed=0)
    texts = ["The ministry said the drill was routine.", "Analysts said navies began a drill."]
    tagger.fit(texts, [[("Source", 0, 12), ("Cue", 13, 17), ("Content", 18, 39)]] * 2)
    tagger.save(tmp_path / "run" / "model")
    sentences = [*texts, "Ships left.", "A much longer sentence, " * 12 + "the end."]
    torch_tags = load_span_tagger(str(tmp_path / "run"), "cpu", "torch").predict(sentences)
    onnx_tagger = load_span_tagger(str(tmp_path / "run"), "cpu", "onnx")
    assert onnx_tagger.runner is not onnx_tagger.model
    assert onnx_tagger.predict(sentences) == torch_tags
    (exported,) = (tmp_path / "cache").glob("tagger-*.onnx")
    stamp = exported.stat().st_mtime_ns
    load_span_tagger(str(tmp_path / "run"), "cpu", "onnx")  # the same weights: reused
    assert exported.stat().st_mtime_ns == stamp
    assert not list((tmp_path / "cache").glob("*.tmp"))


def test_backend_is_checked() -> None:
    from framing.pipeline.analyze import PipelineConfig

    with pytest.raises(
        InputError, match="backend='gpu'; expected one of \\['torch', 'onnx', 'onnx_int8'\\]"
    ):
        PipelineConfig(backend="gpu")


def test_onnx_cache_that_cannot_be_written_falls_back_to_torch(
    tiny_model: str, unwritable_cache: Path, caplog
) -> None:
    from framing.learning.encoders import get_encoder

    enc = get_encoder(tiny_model, 32, 16, "cpu")
    assert enc.onnx_copy() is enc  # torch, with a warning saying what to do
    assert "Set FRAMING_CACHE_DIR to a writable folder" in caplog.text


def test_a_truncated_cached_export_is_made_again(tiny_model: str, tmp_path: Path, monkeypatch):
    import numpy as np

    from framing.learning.encoders import get_encoder

    monkeypatch.setenv("FRAMING_CACHE_DIR", str(tmp_path))
    enc = get_encoder(tiny_model, 32, 16, "cpu")
    enc.onnx_copy()
    (exported,) = tmp_path.glob("encoder-*.onnx")
    exported.write_bytes(exported.read_bytes()[:500])
    fast = enc.onnx_copy()
    assert fast is not enc and exported.stat().st_size > 500
    texts = ["The drill ended."]
    np.testing.assert_allclose(fast._embed(texts), enc._embed(texts), atol=1e-5)
