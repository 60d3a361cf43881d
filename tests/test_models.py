"""The four model families behind one interface, built with the tiny BERT; save/load by family."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import TABLE_LABELS, compose_train, shrink, table_rows
from omegaconf import OmegaConf

from framing.core.errors import InputError
from framing.learning.base import META_FILE
from framing.learning.encoders import ZeroShot, resolve_device, resolve_model_name
from framing.learning.registry import build_model, load_model
from framing.learning.tfidf import TfidfLogRegConfig, join_pair

FAMILIES = ["tfidf_logreg", "encoder_logreg", "finetune", "zero_shot"]
LABELS = list(TABLE_LABELS)
ROWS = table_rows()
TRAIN = ROWS[:45]
TEST = ROWS[45:]


@pytest.fixture(scope="module")
def model_cfg(tiny_model: str, tmp_path_factory: pytest.TempPathFactory):
    """model_cfg(family, *overrides) -> the shrunk model dataclass and the schema's frames."""
    out_root = tmp_path_factory.mktemp("unused_out_root")

    def make(family: str, *overrides: str):
        cfg = OmegaConf.to_object(
            shrink(compose_train([f"model={family}", *overrides]), tiny_model, out_root)
        )
        return cfg.model, cfg.schema.label_sets["frames"]

    return make


@pytest.fixture(scope="module")
def trained(model_cfg):
    """trained(family) -> one model per family fitted on TRAIN, shared by read-only tests."""
    cache: dict = {}

    def get(family: str):
        if family not in cache:
            cache[family] = fitted(model_cfg, family)
        return cache[family]

    return get


def build(model_cfg, family: str, labels=LABELS, seed: int = 0):
    config, descriptions = model_cfg(family)
    return build_model(config, labels, seed, descriptions=descriptions)


def texts(rows: list[dict]) -> list[str]:
    return [r["text"] for r in rows]


def golds(rows: list[dict]) -> list[str]:
    return [r["label"] for r in rows]


def fitted(model_cfg, family: str, labels=LABELS, seed: int = 0):
    model = build(model_cfg, family, labels, seed)
    model.fit(texts(TRAIN), golds(TRAIN))
    return model


@pytest.mark.parametrize("family", FAMILIES)
def test_fit_and_predict_proba(trained, family: str) -> None:
    model = trained(family)
    assert model.labels == LABELS
    assert model.config.family == family
    probs = model.predict_proba(texts(TEST))
    assert probs.shape == (len(TEST), 3)
    assert np.all(probs >= 0) and np.all(probs <= 1)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-6)
    assert model.predict(texts(TEST)) == [LABELS[i] for i in probs.argmax(axis=1)]


@pytest.mark.parametrize(
    "family",
    [
        "tfidf_logreg",
        "encoder_logreg",
        "finetune",
        "zero_shot",
    ],
)
def test_predict_proba_of_no_texts(trained, family: str) -> None:
    assert trained(family).predict_proba([]).shape == (0, 3)


def test_tfidf_learns_the_table_and_columns_follow_labels(trained) -> None:
    model = trained("tfidf_logreg")
    probs = model.predict_proba(texts(TRAIN))
    assert [LABELS[i] for i in probs.argmax(axis=1)] == golds(TRAIN)
    assert model.predict(texts(TEST)) == golds(TEST)  # label words make the table separable


@pytest.mark.parametrize("family", ["tfidf_logreg", "encoder_logreg", "zero_shot"])
def test_columns_follow_the_label_order(model_cfg, family: str) -> None:
    forward = fitted(model_cfg, family, LABELS).predict_proba(texts(TEST))
    backward = fitted(model_cfg, family, LABELS[::-1]).predict_proba(texts(TEST))
    np.testing.assert_allclose(backward, forward[:, ::-1], atol=1e-4)


def test_finetune_head_follows_the_label_order(model_cfg) -> None:
    model = build(model_cfg, "finetune")
    assert model.model.config.id2label == dict(enumerate(LABELS))
    assert model.model.config.num_labels == 3


@pytest.mark.parametrize("family", ["tfidf_logreg", "encoder_logreg"])
def test_label_absent_from_training_gets_a_zero_column(model_cfg, family: str) -> None:
    rows = [r for r in TRAIN if r["label"] != "threat"]
    model = build(model_cfg, family)
    model.fit(texts(rows), golds(rows))
    probs = model.predict_proba(texts(TEST))
    assert probs.shape == (len(TEST), 3)
    assert np.all(probs[:, LABELS.index("threat")] == 0)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-6)


# safetensors writes an array's raw buffer and sklearn's multinomial coef_ is Fortran-ordered:
# these round trips fail unless learning.logreg.logreg_tensors makes the arrays C-contiguous.
ROUND_TRIP = [
    "tfidf_logreg",
    "encoder_logreg",
    "finetune",
    "zero_shot",
]


@pytest.mark.parametrize("family", ROUND_TRIP)
def test_save_and_load_give_identical_probabilities(trained, family: str, tmp_path: Path) -> None:
    model = trained(family)
    pairs = ["sea patrol"] * len(TEST)
    before = model.predict_proba(texts(TEST)), model.predict_proba(texts(TEST), pairs)
    model.save(tmp_path / "model")
    meta = json.loads((tmp_path / "model" / META_FILE).read_text(encoding="utf-8"))
    assert meta["family"] == family and meta["labels"] == LABELS
    assert meta["target"] == model.config._target_
    assert not list((tmp_path / "model").rglob("*.pkl")), "nothing is pickled"
    loaded = load_model(tmp_path / "model")
    assert type(loaded) is type(model) and loaded.labels == LABELS
    assert loaded.config == model.config
    np.testing.assert_array_equal(loaded.predict_proba(texts(TEST)), before[0])
    np.testing.assert_array_equal(loaded.predict_proba(texts(TEST), pairs), before[1])


def test_a_model_saved_before_the_package_move_loads_by_its_family(
    trained, tmp_path: Path
) -> None:
    """classifier.json names the class where it lived when saved (framing.models.TfidfLogReg
    before the move to packages); the family picks the class, so old runs stay loadable."""
    model = trained("tfidf_logreg")
    model.save(tmp_path / "model")
    meta_file = tmp_path / "model" / META_FILE
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    meta["target"] = meta["config"]["_target_"] = "framing.models.TfidfLogReg"
    meta_file.write_text(json.dumps(meta), encoding="utf-8")
    loaded = load_model(tmp_path / "model")
    assert type(loaded) is type(model)
    np.testing.assert_array_equal(
        loaded.predict_proba(texts(TEST)), model.predict_proba(texts(TEST))
    )


def test_tfidf_with_two_labels_round_trips(model_cfg, tmp_path: Path) -> None:
    """Binary logistic regression stores one coefficient row; loading must still work."""
    rows = [r for r in ROWS if r["label"] != "threat"]
    labels = ["defensive_cooperation", "neutral_report"]
    model = build(model_cfg, "tfidf_logreg", labels)
    model.fit(texts(rows[:30]), golds(rows[:30]))
    before = model.predict_proba(texts(rows[30:]))
    assert before.shape == (len(rows) - 30, 2)
    model.save(tmp_path / "m")
    np.testing.assert_array_equal(
        load_model(tmp_path / "m").predict_proba(texts(rows[30:])), before
    )


@pytest.mark.parametrize("family", FAMILIES)
def test_text_pairs(model_cfg, family: str) -> None:
    model = build(model_cfg, family)
    pairs = [f"target {i % 2}" for i in range(len(TRAIN))]
    model.fit(texts(TRAIN), golds(TRAIN), pairs)
    test_pairs = ["navy drill"] * len(TEST)
    probs = model.predict_proba(texts(TEST), test_pairs)
    assert probs.shape == (len(TEST), 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-6)
    if family != "zero_shot":  # the second text reaches the model
        assert not np.allclose(probs, model.predict_proba(texts(TEST)))


def test_encoder_pair_mode_concat(model_cfg) -> None:
    """concat: [x, t, x*t] from separate embeddings, so targets are embedded once each."""
    config, _ = model_cfg("encoder_logreg", "model.pair_mode=concat")
    model = build_model(config, LABELS, 0)
    pairs = ["navy drill" if i % 2 else "sea patrol" for i in range(len(TRAIN))]
    x = model.features(texts(TRAIN), pairs)
    assert x.shape == (len(TRAIN), 3 * 32)
    claims, targets = model.encoder.embed(texts(TRAIN)), model.encoder.embed(pairs)
    np.testing.assert_allclose(x, np.hstack([claims, targets, claims * targets]), atol=1e-6)
    model.fit(texts(TRAIN), golds(TRAIN), pairs)
    probs = model.predict_proba(texts(TEST), ["navy drill"] * len(TEST))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-6)
    assert model.features(texts(TEST)).shape == (len(TEST), 32)  # no pairs: the claim alone


def test_join_pair() -> None:
    assert join_pair(["a", "b"], None) == ["a", "b"]
    assert join_pair(["a", "b"], ["x", "y"]) == ["x || a", "y || b"]


def test_zero_shot_fills_the_target_into_descriptions(model_cfg) -> None:
    config, _ = model_cfg("zero_shot")
    descriptions = {
        "favor": "this supports {target}.",
        "against": "this opposes {target}.",
        "neutral": "this is about {target}.",
    }
    model = ZeroShot(config, list(descriptions), descriptions=descriptions)
    sentences = texts(TEST[:4])
    a = model.predict_proba(sentences, ["the navy"] * 4)
    b = model.predict_proba(sentences, ["peace"] * 4)
    assert not np.allclose(a, b)
    mixed = model.predict_proba(sentences, ["the navy", "peace", "the navy", "peace"])
    np.testing.assert_allclose(mixed[[0, 2]], a[[0, 2]], atol=1e-6)
    np.testing.assert_allclose(mixed[[1, 3]], b[[1, 3]], atol=1e-6)


def test_zero_shot_temperature_sharpens(model_cfg) -> None:
    sharp_cfg, descriptions = model_cfg("zero_shot", "model.temperature=0.01")
    soft_cfg, _ = model_cfg("zero_shot", "model.temperature=10")
    sharp = build_model(sharp_cfg, LABELS, 0, descriptions).predict_proba(texts(TEST))
    soft = build_model(soft_cfg, LABELS, 0, descriptions).predict_proba(texts(TEST))
    assert (sharp.argmax(1) == soft.argmax(1)).all()
    assert sharp.max(1).mean() > soft.max(1).mean()


@pytest.mark.parametrize(
    "descriptions,missing",
    [
        (None, LABELS),
        ({}, LABELS),
        ({"threat": "danger"}, ["defensive_cooperation", "neutral_report"]),
        ({lab: "" for lab in LABELS}, LABELS),
    ],
)
def test_zero_shot_needs_descriptions(model_cfg, descriptions, missing) -> None:
    config, _ = model_cfg("zero_shot")
    with pytest.raises(InputError) as err:
        build_model(config, LABELS, 0, descriptions=descriptions)
    assert str(err.value) == f"zero_shot needs a description for every label; missing {missing}"


@pytest.mark.parametrize("family", ["tfidf_logreg", "encoder_logreg"])
def test_predict_before_fit(model_cfg, family: str) -> None:
    with pytest.raises(RuntimeError, match="predict_proba called before fit"):
        build(model_cfg, family).predict_proba(["a"])


# ---------------------------------------------------------------- bad model paths


@pytest.mark.parametrize("family", ["encoder_logreg", "finetune", "zero_shot"])
def test_model_path_that_is_not_a_model(make_cfg, tmp_path: Path, family: str) -> None:
    folder = tmp_path / "not_a_model"
    folder.mkdir()
    (folder / "notes.txt").write_text("hello")
    cfg = make_cfg(f"model={family}")
    cfg.model.name = str(folder)
    with pytest.raises(InputError) as err:
        build_model(cfg.model, LABELS, 0, cfg.schema.label_sets["frames"])
    assert str(err.value) == (
        f"model.name={str(folder)!r} is not a transformers model (no config.json)"
    )


def test_model_folder_with_a_broken_config(make_cfg, tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "config.json").write_text("{not json")
    cfg = make_cfg("model=encoder_logreg")
    cfg.model.name = str(folder)
    with pytest.raises(InputError, match=r"^model\.name='.*broken': cannot load this folder: "):
        build_model(cfg.model, LABELS, 0)


def test_load_model_from_a_folder_that_is_not_a_saved_model(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        load_model(tmp_path)
    assert str(err.value) == f"{tmp_path} is not a saved framing model (no {META_FILE})"


def test_load_model_refuses_a_foreign_factory(tmp_path: Path) -> None:
    (tmp_path / META_FILE).write_text(json.dumps({"target": "os.system", "config": {}}))
    with pytest.raises(InputError) as err:
        load_model(tmp_path)
    assert str(err.value) == f"{tmp_path}: unknown model factory 'os.system'"


def test_load_model_refuses_an_unregistered_family(tmp_path: Path) -> None:
    (tmp_path / META_FILE).write_text(json.dumps({"family": "mine", "target": "x.Y"}))
    with pytest.raises(InputError) as err:
        load_model(tmp_path)
    assert str(err.value).startswith(f"{tmp_path}: unknown model family 'mine'; expected one of")


def test_build_model_refuses_a_target_that_is_not_the_family_class() -> None:
    config = TfidfLogRegConfig(_target_="my.pkg.Model", family="tfidf_logreg")
    with pytest.raises(InputError) as err:
        build_model(config, ["a", "b"], 0)
    assert str(err.value) == (
        "model._target_=my.pkg.Model is not the class of family tfidf_logreg "
        "(framing.learning.tfidf.TfidfLogReg); a new class is a new family in "
        "framing.learning.registry.FAMILIES"
    )


def test_resolve_model_name_passes_other_names_through(tiny_model: str) -> None:
    assert resolve_model_name(tiny_model) == tiny_model
    assert resolve_model_name("bert-base-uncased") == "bert-base-uncased"


@pytest.mark.parametrize(
    "device,message",
    [
        ("tpu", "device='tpu'; expected auto, cpu or cuda"),
        ("cuda", "device=cuda but no CUDA device is available; use device=auto or cpu"),
    ],
)
def test_resolve_device_errors(device: str, message: str) -> None:
    if device == "cuda" and torch.cuda.is_available():
        pytest.skip("a CUDA device is present")
    with pytest.raises(InputError) as err:
        resolve_device(device)
    assert str(err.value) == message


def test_resolve_device_auto() -> None:
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert resolve_device("auto").type == expected
    assert resolve_device("cpu") == torch.device("cpu")


@pytest.mark.slow
def test_shipped_model_loads_through_its_alias() -> None:
    from framing.learning.encoders import SHIPPED_MODEL, Encoder

    folder = Path(resolve_model_name(SHIPPED_MODEL))
    assert (folder / "config.json").is_file()
    encoder = Encoder(SHIPPED_MODEL, device="cpu")
    x = encoder.embed(
        [
            "The navies began a joint drill.",
            "Two navies started joint exercises.",
            "The recipe needs two eggs.",
        ]
    )
    assert x.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-5)
    assert x[0] @ x[1] > x[0] @ x[2] + 0.2  # a real sentence encoder, not random weights
