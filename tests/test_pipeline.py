"""Article pipeline: heads from run folders, shared encoder pass, attribution modes, output
formats, the article summary and the recorded end-to-end evaluation (tiny heads, tiny corpus)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import CORPUS_TARGET, HEAD_OVERRIDES

from framing.benchmarks.evaluate import run_evaluation
from framing.core.errors import InputError
from framing.pipeline.analyze import (
    InferConfig,
    Pipeline,
    PipelineConfig,
    resolve_attribution,
)
from framing.pipeline.article import Attribution, Document, Span
from framing.pipeline.heads import load_head, load_heads, predict
from framing.pipeline.report import summarize, to_frame, to_jsonl, to_table, write_rows
from framing.runs import records

ROW_KEYS = {
    "article_id",
    "claim_id",
    "text",
    "start",
    "end",
    "kind",
    "attributed",
    "implicit",
    "source",
    "source_type",
    "cue",
    "stance",
    "stance_probs",
    "frame",
    "frame_probs",
}


@pytest.fixture(scope="module")
def pipeline(head_dirs: dict[str, str]) -> Pipeline:
    return Pipeline(PipelineConfig(model_dir=list(head_dirs.values()), device="cpu"))


@pytest.fixture(scope="module")
def article(tiny_corpus: Path) -> Document:
    path = sorted((tiny_corpus / "articles").glob("*.txt"))[0]
    return Document(path.stem, path.read_text(encoding="utf-8"))


def test_heads_come_from_run_folders(head_dirs: dict[str, str]) -> None:
    heads = load_heads(list(head_dirs.values()), "cpu", tuple(HEAD_OVERRIDES))
    assert {t: h.task for t, h in heads.items()} == {t: t for t in HEAD_OVERRIDES}
    assert heads["stance"].use_pair and not heads["framing"].use_pair
    assert heads["framing"].schema_version == "framing-default.v1"
    # one encoder object is shared by every head on the same backbone
    assert len({id(h.model.encoder) for h in heads.values()}) == 1


def test_shared_pass_matches_each_heads_own_prediction(head_dirs: dict[str, str]) -> None:
    heads = load_heads(list(head_dirs.values()), "cpu", tuple(HEAD_OVERRIDES))
    texts = ["The navies began a joint drill, the ministry said.", "Critics see a threat."]
    targets = [CORPUS_TARGET, "US-Japan military cooperation"]
    out = predict(heads, texts, targets)
    for task in ("framing", "attribution", "source_type"):
        own = heads[task].model.predict_proba(texts)
        got = np.array([[row[lab] for lab in heads[task].model.labels] for row in out[task]])
        np.testing.assert_allclose(got, own, rtol=1e-5, atol=1e-6)
    stance = heads["stance"].model
    for target in targets:
        own = stance.predict_proba(texts, [target] * len(texts))
        rows = out[f"stance@{target}"]
        got = np.array([[row[lab] for lab in stance.labels] for row in rows])
        np.testing.assert_allclose(got, own, rtol=1e-5, atol=1e-6)
    assert out["stance"] == out[f"stance@{CORPUS_TARGET}"]


def test_load_head_refuses_a_folder_without_a_model(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        load_head(tmp_path)
    assert str(err.value) == (
        f"model_dir={tmp_path} is not a recorded run with a saved model "
        "(expected config.yaml and model/ inside)"
    )


RULES = Attribution(
    True, False, "Zhang Hong", Span(0, 5, "Zhang"), "named_person", Span(6, 10, "said")
)
YES = {"attributed": 0.9, "unattributed": 0.1}
NO = {"attributed": 0.2, "unattributed": 0.8}
TYPES = {
    "unattributed": 0.5,
    "named_person": 0.1,
    "named_organization": 0.1,
    "document": 0.05,
    "unnamed": 0.25,
}


@pytest.mark.parametrize(
    ("rules", "p_attr", "mode", "expected"),
    [
        (RULES, NO, "rules", RULES),
        (RULES, NO, "combined", RULES),  # rules found a cue: they win
        (RULES, NO, "learned", Attribution()),  # the learned head alone says no
        (Attribution(), YES, "rules", Attribution()),
        (Attribution(), YES, "combined", Attribution(True, False, None, None, "unnamed", None)),
        (Attribution(), NO, "combined", Attribution()),
        (RULES, YES, "learned", RULES),  # learned says yes; spans and type from the rules
    ],
)
def test_attribution_modes(rules, p_attr, mode, expected) -> None:
    assert resolve_attribution(rules, p_attr, TYPES, mode) == expected


def test_analyze_rows_have_the_issue_keys_and_true_offsets(pipeline, article) -> None:
    rows = pipeline.analyze(article)
    assert rows and ROW_KEYS <= set(rows[0])
    for r in rows:
        assert article.text[r["start"] : r["end"]] == r["text"]
        assert r["kind"] == "body"
        assert r["frame"] == max(r["frame_probs"], key=r["frame_probs"].get)
        assert abs(sum(r["stance_probs"].values()) - 1) < 1e-3
        if not r["attributed"]:
            assert r["source"] is None and r["cue"] is None and r["source_type"] is None
    # the layout lines (headline, byline, dateline, subhead) are not claims
    claimed = " ".join(r["text"] for r in rows)
    assert "By " not in claimed and "Outlook" not in claimed
    named = {r["source"]: r["source_type"] for r in rows if r["attributed"] and r["cue"]}
    assert named.get("Critics") == "unnamed"


def test_several_targets_give_one_stance_each(head_dirs, article) -> None:
    targets = [CORPUS_TARGET, "US-Japan military cooperation"]
    cfg = PipelineConfig(model_dir=list(head_dirs.values()), device="cpu", targets=targets)
    row = Pipeline(cfg).analyze(article)[0]
    assert list(row["stances"]) == targets
    assert row["stance"] == row["stances"][CORPUS_TARGET]["stance"]


def test_text_without_sentences_is_refused(pipeline) -> None:
    with pytest.raises(InputError) as err:
        pipeline.analyze(Document("x", "By Ada Quill\nPublished: 3 March 2023\n"))
    assert str(err.value) == "no claims found: the text has no body sentences"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"attribution": "vote"},
            "attribution='vote'; expected one of "
            "['rules', 'learned', 'combined', 'tagger', 'rules_tagger', 'ensemble']",
        ),
        (
            {"attribution": "tagger", "span_tagger": None},
            "attribution=tagger needs span_tagger=default or span_tagger=<polnear_tagger run "
            "folder> (python scripts/train.py experiment=polnear_tagger)",
        ),
        ({"targets": []}, "targets must be a non-empty list of non-empty strings"),
        ({"format": "xml"}, "format='xml'; expected table, jsonl, csv or parquet"),
        ({"format": "csv"}, "format=csv needs out=<file>"),
    ],
)
def test_infer_config_errors(fields: dict, message: str) -> None:
    with pytest.raises(InputError) as err:
        InferConfig(**fields)
    assert str(err.value) == message


ROWS = [
    {
        "article_id": "a",
        "claim_id": "c001",
        "text": "One.",
        "start": 0,
        "end": 4,
        "kind": "body",
        "attributed": True,
        "implicit": False,
        "source": "Zhang Hong",
        "source_type": "named_person",
        "cue": "said",
        "stance": "favor",
        "stance_probs": {"favor": 0.7, "against": 0.1, "neutral": 0.2},
        "frame": "threat",
        "frame_probs": {"threat": 0.6, "neutral_report": 0.4},
    },
    {
        "article_id": "a",
        "claim_id": "c002",
        "text": "Two.",
        "start": 5,
        "end": 9,
        "kind": "body",
        "attributed": True,
        "implicit": True,
        "source": "Zhang Hong",
        "source_type": "named_person",
        "cue": None,
        "stance": "neutral",
        "stance_probs": {"favor": 0.1, "against": 0.1, "neutral": 0.8},
        "frame": "threat",
        "frame_probs": {"threat": 0.9, "neutral_report": 0.1},
    },
    {
        "article_id": "a",
        "claim_id": "c003",
        "text": "Three.",
        "start": 10,
        "end": 16,
        "kind": "body",
        "attributed": False,
        "implicit": False,
        "source": None,
        "source_type": None,
        "cue": None,
        "stance": "neutral",
        "stance_probs": {"favor": 0.1, "against": 0.1, "neutral": 0.8},
        "frame": "neutral_report",
        "frame_probs": {"threat": 0.2, "neutral_report": 0.8},
    },
]


def test_summary_shares_and_ranked_sources() -> None:
    s = summarize(ROWS)
    assert s["claims"] == 3
    assert s["attributed_share"] == round(2 / 3, 4)
    assert s["source_type_shares"] == {"named_person": round(2 / 3, 4), "none": round(1 / 3, 4)}
    assert s["frame_shares"] == {"threat": round(2 / 3, 4), "neutral_report": round(1 / 3, 4)}
    assert s["sources"] == [{"source": "Zhang Hong", "source_type": "named_person", "claims": 2}]


def test_jsonl_round_trip_and_table() -> None:
    lines = to_jsonl(ROWS).splitlines()
    assert [json.loads(line) for line in lines] == ROWS
    table = to_table("a", ROWS, width=140)
    assert "Zhang Hong (named_person) / said" in table
    assert "Zhang Hong (named_person) / implicit" in table
    assert "- own voice" in table and "attributed 67%" in table


@pytest.mark.parametrize("suffix", ["jsonl", "csv", "parquet"])
def test_write_rows_formats(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"claims.{suffix}"
    write_rows(ROWS, path)
    if suffix == "jsonl":
        back = [json.loads(x) for x in path.read_text().splitlines()]
        assert back == ROWS
    else:
        df = pd.read_csv(path) if suffix == "csv" else pd.read_parquet(path)
        assert list(df["claim_id"]) == ["c001", "c002", "c003"]
        assert json.loads(df["stance_probs"][0]) == ROWS[0]["stance_probs"]
    assert not list(tmp_path.glob("*.tmp"))
    assert to_frame(ROWS).shape == (3, len(ROWS[0]))


def test_write_rows_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"unknown format 'xml'; use \.jsonl, \.csv or \.parquet"):
        write_rows(ROWS, tmp_path / "claims.xml")
    with pytest.raises(InputError, match="does not exist"):
        write_rows(ROWS, tmp_path / "missing" / "claims.jsonl")


def test_evaluation_is_recorded(head_dirs, tiny_corpus: Path, tmp_path: Path) -> None:
    cfg = PipelineConfig(
        model_dir=list(head_dirs.values()), device="cpu", attribution="rules", span_tagger=None
    )
    run = run_evaluation(cfg, str(tiny_corpus), "test", str(tmp_path), n_boot=20)
    assert records.read_json(run / "status.json")["status"] == "complete"
    m = records.read_json(run / "metrics.json")
    assert m["split"] == "test" and m["articles"] >= 1
    assert set(m["attribution"]) == {"rules", "learned", "combined"}
    assert 0 <= m["segments"]["accuracy"] <= 1
    assert m["claim_boundary"]["n_gold"] > 0
    assert {"macro_f1", "accuracy", "macro_f1_ci95"} <= set(m["frame"])
    rows = [json.loads(x) for x in (run / "predictions.jsonl").read_text().splitlines()]
    assert rows and {"gold_frame", "attribution_rules", "gold_attribution"} <= set(rows[0])
    assert m["meta"]["schema_version"] == "framing-default.v1"


# ------------------------------------------------------------------ PolNeAR span tagger modes


@pytest.fixture(scope="module")
def span_tagger_dir(tiny_model: str, tmp_path_factory) -> str:
    """A tagger on the tiny BERT, trained a few steps and saved like a polnear_tagger run."""
    from framing.learning.tagger import TaggerConfig, TokenTagger

    run = tmp_path_factory.mktemp("tagger_run")
    tagger = TokenTagger(TaggerConfig(name=tiny_model, max_steps=3, device="cpu"), seed=0)
    texts = ["The ministry said the drill was routine.", "Analysts said navies began a drill."]
    spans = [[("Source", 0, 12), ("Cue", 13, 17), ("Content", 18, 39)]] * 2
    tagger.fit(texts, spans)
    tagger.save(run / "model")
    return str(run)


def test_pipeline_runs_the_span_tagger(head_dirs, span_tagger_dir: str, article) -> None:
    heads = list(head_dirs.values())
    for mode in ("tagger", "rules_tagger", "ensemble"):
        cfg = PipelineConfig(
            model_dir=heads, device="cpu", attribution=mode, span_tagger=span_tagger_dir
        )
        pipe = Pipeline(cfg)
        extra = ("ensemble",) if mode == "ensemble" else ()  # loaded only when asked for
        assert pipe.modes == ("rules", "learned", "combined", "tagger", "rules_tagger", *extra)
        rows = pipe.analyze(article)
        assert rows and all(set(r) >= ROW_KEYS for r in rows)
        for r in rows:  # a tagger source is a span of the article itself
            if r["attributed"] and r["source_span"] and mode == "tagger":
                s, e = r["source_span"]
                assert article.text[s:e] == r["source"]


def test_span_tagger_folder_is_checked(head_dirs, tmp_path: Path) -> None:
    cfg = PipelineConfig(
        model_dir=list(head_dirs.values()), attribution="tagger", span_tagger=str(tmp_path)
    )
    with pytest.raises(InputError, match="not a span tagger run"):
        Pipeline(cfg)


def test_evaluation_scores_tagger_modes(head_dirs, span_tagger_dir, tiny_corpus, tmp_path) -> None:
    cfg = PipelineConfig(model_dir=list(head_dirs.values()), span_tagger=span_tagger_dir)
    run = run_evaluation(cfg, str(tiny_corpus), "test", str(tmp_path), n_boot=0)
    m = records.read_json(run / "metrics.json")
    modes = {"rules", "learned", "combined", "tagger", "rules_tagger", "ensemble"}
    assert set(m["attribution"]) == modes  # the shipped decision over this tagger too
    assert m["attribution"]["rules_tagger"]["exact"]["n_gold"] > 0
