"""The real-article labels (data/ukraine): reading, validation, settling two annotations,
splits, and their use as task data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framing.core.errors import InputError
from framing.data.config import DataConfig, SchemaConfig, TaskConfig
from framing.data.datasets import default_root
from framing.data.tasks import load_task_data
from framing.data.ukraine import join_text, load_real, split_of

REPO_LABELS = Path(__file__).resolve().parents[1] / "data" / "ukraine"

SENTS = ["Talks stall in Minsk", "The envoy said the talks were useful.", "Both sides met."]


def lab(segment="body", attributed=False, stance="neutral", frame="neutral_report", **kw):
    out = {
        "segment": segment,
        "attributed": attributed,
        "implicit": False,
        "source": None,
        "source_type": None,
        "cue": None,
        "stance": stance,
        "frame": frame,
    }
    return {**out, **kw}


def write_article(
    root: Path, labels: Path, n: int, sub: str = "labels", sents: list[str] = SENTS, **override
) -> None:
    aid = f"article_{n}"
    text_dir = root / "all-data-as-json"
    text_dir.mkdir(parents=True, exist_ok=True)
    rows = [
        {"article": aid, "id": f"sent_{k}", "position_in_article": k, "content": t}
        for k, t in enumerate(sents)
    ]
    (text_dir / f"{aid}.json").write_text(json.dumps({"id": aid, "sentences": rows}))
    sents = {
        "sent_0": lab("headline"),
        "sent_1": lab(attributed=True, source="the envoy", source_type="unnamed", cue="said"),
        "sent_2": lab(),
    }
    sents.update(override)
    ann = {"article_id": aid, "annotator": sub, "target": "the talks", "sentences": sents}
    (labels / sub).mkdir(parents=True, exist_ok=True)
    (labels / sub / f"{aid}.json").write_text(json.dumps(ann))


def test_join_text_keeps_each_sentence_at_its_offsets() -> None:
    text, spans = join_text([(f"s{k}", t) for k, t in enumerate(SENTS)])
    assert text.startswith("Talks stall in Minsk\n\nThe envoy")
    assert [text[a:b] for a, b in spans] == SENTS


def test_split_of_keeps_60_and_up_for_test() -> None:
    assert [split_of(f"article_{n}") for n in (0, 4, 9, 59, 60, 89)] == [
        "train",
        "dev",
        "dev",
        "dev",
        "test",
        "test",
    ]


def test_load_real_reads_labels_with_text(tmp_path: Path) -> None:
    root, labels = tmp_path / "data", tmp_path / "ukraine"
    for n in (0, 4, 61):
        write_article(root, labels, n)
    arts, fp = load_real(root, labels)
    assert [len(arts[s]) for s in ("train", "dev", "test")] == [1, 1, 1]
    art = arts["test"][0]
    s = art.sentences[1]
    assert art.text[s.start : s.end] == SENTS[1] and s.labels["source"] == "the envoy"
    write_article(root, labels, 0, sent_2=lab(stance="favor"))
    assert load_real(root, labels)[1] != fp  # the fingerprint follows the labels


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"sent_2": lab(frame="peace")}, "frame='peace'"),
        ({"sent_2": lab(attributed=True)}, "attributed sentence needs source"),
        ({"sent_2": lab(source="x")}, "unattributed sentence has no source"),
        ({"sent_2": lab(stance=None)}, "needs stance and frame"),
        ({"sent_3": lab()}, "exactly the ids sent_0..sent_2"),
    ],
)
def test_bad_labels_are_one_clear_error(tmp_path: Path, override: dict, message: str) -> None:
    root, labels = tmp_path / "data", tmp_path / "ukraine"
    write_article(root, labels, 0, **override)
    with pytest.raises(InputError, match=message):
        load_real(root, labels)


def test_missing_text_says_how_to_fetch_it(tmp_path: Path) -> None:
    root, labels = tmp_path / "data", tmp_path / "ukraine"
    write_article(root, labels, 0)
    (root / "all-data-as-json" / "article_0.json").unlink()
    with pytest.raises(InputError, match="download_data.py ukraine_news_bias"):
        load_real(root, labels)


def test_two_annotations_are_settled_by_the_adjudicated_value(tmp_path: Path) -> None:
    root, labels = tmp_path / "data", tmp_path / "ukraine"
    write_article(root, labels, 0)
    write_article(root, labels, 0, sub="second", sent_2=lab(stance="against", frame="threat"))
    with pytest.raises(InputError, match="disagree on stance"):
        load_real(root, labels)
    settled = {"article_0": {"sent_2": {"stance": "against", "frame": "neutral_report"}}}
    (labels / "settled.json").write_text(json.dumps(settled))
    gold = load_real(root, labels)[0]["train"][0].sentences[2].labels
    assert (gold["stance"], gold["frame"]) == ("against", "neutral_report")
    settled["article_0"]["sent_2"]["stance"] = "favor"  # neither annotator's value
    (labels / "settled.json").write_text(json.dumps(settled))
    with pytest.raises(InputError, match="is neither's"):
        load_real(root, labels)


def schema() -> SchemaConfig:
    frames = {f: f for f in ("neutral_report", "threat")}
    return SchemaConfig("t", "t1", {"frames": frames, "stances": {"neutral": "", "favor": ""}})


def test_real_articles_as_task_data_for_stance_pairs(tmp_path: Path) -> None:
    root, labels = tmp_path / "data", tmp_path / "ukraine"
    for n, stance in ((0, "favor"), (4, "neutral"), (61, "favor")):
        write_article(root, labels, n, sent_2=lab(stance=stance))
    data = DataConfig(name="u", kind="ukraine", real=str(labels), real_root=str(root))
    task = TaskConfig(name="stance", label_set="stances", use_pair=True)
    td = load_task_data(data, task, schema())
    assert td.train.ids == ["article_0:sent_1", "article_0:sent_2"]  # body only, no headline
    assert td.train.pairs == ["the talks"] * 2 and td.test.labels == ["neutral", "favor"]


def test_kind_ukraine_needs_the_labels_folder() -> None:
    with pytest.raises(InputError, match="data.kind=ukraine needs data.real"):
        DataConfig(name="u", kind="ukraine")


@pytest.mark.skipif(not (default_root() / "ukraine_news_bias").is_dir(), reason="no data root")
def test_the_repository_labels_are_valid_against_the_dataset() -> None:
    arts, _ = load_real(default_root() / "ukraine_news_bias", REPO_LABELS)
    assert sum(len(v) for v in arts.values()) >= 1
    for art in arts["test"]:
        assert split_of(art.article_id) == "test"


def test_corpus_with_real_articles_trains_on_both_and_scores_real_test_apart(
    tmp_path: Path, tiny_corpus: Path
) -> None:
    from framing.data.corpus import FRAMES

    root, labels = tmp_path / "data", tmp_path / "ukraine"
    for n in (0, 4, 61):
        write_article(root, labels, n)
    task = TaskConfig(name="framing", label_set="frames")
    frames = SchemaConfig("t", "t1", {"frames": {f: f for f in FRAMES}})
    base = DataConfig(name="c", kind="corpus", root=str(tiny_corpus))
    plain = load_task_data(base, task, frames)
    kw = {"real": str(labels), "real_root": str(root)}
    scored = load_task_data(DataConfig(name="c", root=str(tiny_corpus), **kw), task, frames)
    assert scored.train.ids == plain.train.ids  # scored only
    assert scored.extra["real_test"].ids == ["article_61:sent_1", "article_61:sent_2"]
    both = load_task_data(
        DataConfig(name="c", root=str(tiny_corpus), real_train=True, **kw), task, frames
    )
    assert both.train.ids == plain.train.ids + ["article_0:sent_1", "article_0:sent_2"]
    assert both.dev.ids[-2:] == ["article_4:sent_1", "article_4:sent_2"]
    assert both.eval_splits == ["dev", "test", "real_dev", "real_test"]
    assert both.extra["real_test"].groups == ["unnamed", "unattributed"]  # who speaks
    twice = load_task_data(
        DataConfig(name="c", root=str(tiny_corpus), real_train=True, real_copies=2, **kw),
        task,
        frames,
    )
    assert twice.train.ids == both.train.ids + ["article_0:sent_1", "article_0:sent_2"]
    assert len(both.train.groups) == len(both.train.ids)
    assert both.fingerprint != plain.fingerprint


def test_agreement_per_field(tmp_path: Path) -> None:
    from framing.benchmarks.agreement import agreement, markdown

    root, labels = tmp_path / "data", tmp_path / "ukraine"
    for n in (0, 61):
        write_article(root, labels, n)
        write_article(root, labels, n, sub="second")
    write_article(root, labels, 61, sub="second", sent_2=lab(stance="favor"))
    out = agreement(root, labels)
    assert out["articles"] == ["article_0", "article_61"] and out["sentences"] == 6
    assert out["fields"]["frame"] == {"n": 6, "alpha": None, "agreement": 1.0}  # one value
    stance = out["fields"]["stance"]
    # By hand: 6 units, 5 agree on neutral, 1 is neutral/favor. Coincidences o_nn = 10,
    # o_nf = o_fn = 1; n_neutral = 11, n_favor = 1, n = 12. D_o = 2/12, D_e = 2*11*1/(12*11)
    # = 1/6, so alpha = 1 - D_o/D_e = 0: one disagreement on the only non-neutral value is all
    # the evidence there is.
    assert stance["agreement"] == pytest.approx(5 / 6) and stance["alpha"] == pytest.approx(0.0)
    assert out["fields"]["source"]["agreement"] == 1.0
    assert "| stance | 6 |" in markdown(out)
    write_article(root, labels, 0, sub="second", sent_2=lab())
    ann = json.loads((labels / "second" / "article_0.json").read_text())
    ann["target"] = "another target"
    (labels / "second" / "article_0.json").write_text(json.dumps(ann))
    with pytest.raises(InputError, match="different stance targets"):
        agreement(root, labels)


def test_pipeline_evaluation_on_real_articles(head_dirs, tmp_path: Path) -> None:
    from framing.benchmarks.evaluate import run_evaluation
    from framing.pipeline.analyze import PipelineConfig
    from framing.runs import records

    root, labels = tmp_path / "data", tmp_path / "ukraine"
    for n in (60, 61):
        write_article(root, labels, n)
    cfg = PipelineConfig(
        model_dir=list(head_dirs.values()), device="cpu", attribution="rules", span_tagger=None
    )
    run = run_evaluation(
        cfg, str(root), "test", str(tmp_path / "exp"), 20, dataset="ukraine", labels=str(labels)
    )
    assert run.parent.name == "evaluate_ukraine"
    m = records.read_json(run / "metrics.json")
    assert m["articles"] == 2 and m["claim_boundary"]["n_gold"] == 4  # 2 body sentences each
    rules = m["attribution"]["rules"]["exact"]
    assert rules["matched"] == 4 and rules["source_span_overlap"] is None  # no gold offsets
    assert rules["attributed_accuracy"] == 1.0  # "The envoy said ..." and plain narration
    assert rules["source_match"] == 1.0


def test_agreement_alpha_matches_a_hand_computed_table(tmp_path: Path) -> None:
    """Frames of 4 claims: A says threat, threat, neutral, neutral; B threat, threat, neutral,
    threat. Coincidences: o_tt = 4, o_nn = 2, o_tn = o_nt = 1; n_t = 5, n_n = 3, n = 8.
    D_o = 2/8, D_e = 2*5*3/(8*7) = 30/56; alpha = 1 - (2/8)/(30/56) = 16/30."""
    from framing.benchmarks.agreement import agreement

    root, labels = tmp_path / "data", tmp_path / "ukraine"
    sents = [*SENTS, "A fourth sentence."]
    first = ["threat", "threat", "neutral_report", "neutral_report"]
    second = ["threat", "threat", "neutral_report", "threat"]
    write_article(
        root, labels, 0, sents=sents, **{f"sent_{k}": lab(frame=f) for k, f in enumerate(first)}
    )
    b = {f"sent_{k}": lab(frame=f) for k, f in enumerate(second)}
    write_article(root, labels, 0, sub="second", sents=sents, **b)
    frame = agreement(root, labels)["fields"]["frame"]
    assert frame["n"] == 4 and frame["alpha"] == pytest.approx(16 / 30)


def test_label_counts_and_frames_by_speaker(tmp_path: Path) -> None:
    from framing.data.ukraine import label_counts

    root, labels = tmp_path / "data", tmp_path / "ukraine"
    write_article(root, labels, 0, sent_2=lab(frame="threat"))
    text = label_counts(load_real(root, labels)[0])
    assert "| threat | 1 | 0 | 0 | 1 |" in text  # body sentences per split
    assert "| threat | 100.0 | 0.0 | 0.0 | 0.0 | 0.0 |" in text  # the outlet's one claim
    assert "| neutral_report | 0.0 | 0.0 | 0.0 | 0.0 | 100.0 |" in text  # the unnamed envoy


@pytest.mark.skipif(not (default_root() / "ukraine_news_bias").is_dir(), reason="no data root")
def test_every_real_article_yields_claims(nlp) -> None:
    """The 90 real articles as infer.py reads their text (headline line, then the body): each
    gives claims, the headline-only and unpunctuated ones too (issue #11)."""
    from framing.pipeline.claims import split_claims
    from framing.pipeline.segment import segment

    real, _ = load_real(default_root() / "ukraine_news_bias", REPO_LABELS)
    articles = [a for split in real.values() for a in split]
    empty = [a.article_id for a in articles if not split_claims(a.text, segment(a.text), nlp)]
    assert len(articles) == 90 and empty == []
