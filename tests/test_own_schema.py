"""A researcher's own label scheme, first class: a schema file they add is all it takes to train
on their labels and to run the pipeline with the resulting model (no Hydra `+` tricks)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from conftest import CONFIGS, table_rows, write_table

from framing.core.errors import InputError
from framing.pipeline.analyze import Pipeline, PipelineConfig
from framing.pipeline.article import Document

LABELS = {"peace": "The ties keep the peace.", "menace": "The ties menace others."}


@pytest.fixture
def own_schema():
    """configs/schema/<name>.yaml as a researcher would add it (removed afterwards)."""
    name = f"test_{uuid.uuid4().hex[:8]}"
    path = CONFIGS / "schema" / f"{name}.yaml"
    lines = ["defaults:", "  - schema_schema", f"name: {name}", f"version: {name}.v1"]
    lines += ["label_sets:", "  frames:", *(f"    {k}: {v}" for k, v in LABELS.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        yield name
    finally:
        os.unlink(path)


def test_train_and_infer_on_an_added_schema(own_schema, make_cfg, tmp_path, head_dirs) -> None:
    from framing.experiments.runner import run_experiment

    rows = table_rows()
    for k, r in enumerate(rows):
        r["label"] = "peace" if k % 2 else "menace"
    train = write_table(tmp_path / "t.csv", rows)
    overrides = ["data=table", f"data.train={train}", f"schema={own_schema}", "model=tfidf_logreg"]
    run = run_experiment(make_cfg(*overrides), overrides=overrides)

    dirs = [head_dirs[t] for t in ("stance", "attribution", "source_type")]
    text = "Drills end\n\nThe navies began a drill. Analysts said it keeps the peace."
    cfg = PipelineConfig(
        model_dir=[*dirs, str(run)],
        device="cpu",
        claim_model=None,
        schema=own_schema,
        attribution="rules",
        span_tagger=None,
    )
    out = Pipeline(cfg).analyze(Document("a", text))
    assert {r["frame"] for r in out} <= set(LABELS) and set(out[0]["frame_probs"]) == set(LABELS)

    # the frame head must be on the schema that defines frames
    cfg.model_dir = dirs + [head_dirs["framing"]]
    with pytest.raises(
        InputError, match=rf"schema={own_schema} \({own_schema}.v1\) defines frames"
    ):
        Pipeline(cfg)


def test_an_unknown_schema_names_the_file_to_add() -> None:
    with pytest.raises(InputError, match=r"schema=nope: no configs/schema/nope.yaml; add it"):
        Pipeline(
            PipelineConfig(
                schema="nope",
                device="cpu",
                claim_model=None,
                span_tagger=None,
                attribution="rules",
            )
        )


def test_infer_accepts_schema_and_model_dir_without_plus(tmp_path: Path) -> None:
    from framing.pipeline.analyze import compose_infer_config

    cfg = compose_infer_config(["schema=mfc", f"model_dir=[{tmp_path}]"])
    assert cfg.schema.version == "mfc-generic.v1" and cfg.model_dir == [str(tmp_path)]
    assert compose_infer_config([]).schema.version == "framing-default.v1"
