"""Shared fixtures: a tiny random BERT, a small labelled table, a small annotated corpus, and the
real Hydra configs composed and shrunk so every run is hermetic and takes seconds on a CPU."""

from __future__ import annotations

import csv
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

# Hermetic: never reach the Hugging Face hub (a bad model name must fail locally, not download).
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Runs record `git status`; never let that take the index lock others may be committing under.
os.environ.setdefault("GIT_OPTIONAL_LOCKS", "0")

from hydra import compose, initialize_config_dir  # noqa: E402
from omegaconf import DictConfig, OmegaConf  # noqa: E402

from framing.core.compose import VERSION_BASE
from framing.data.corpus import resolve_offsets, write_splits
from framing.experiments import config as framing_config
from framing.experiments.runner import run_experiment
from framing.runs.config import TrainConfig

REPO = Path(__file__).resolve().parents[1]
CONFIGS = REPO / "configs"
SCRIPTS = REPO / "scripts"
TABLE_LABELS = ("defensive_cooperation", "threat", "neutral_report")

# ~100 lowercase words: everything the table rows and the tiny corpus say, plus fillers.
WORDS = """
the a an of and to in on at by for with from that is was were it its this they them their
two navies navy ships ship drill drills joint began monday friday week year next more port
region near said told says say added reported according statement reads critics analysts
expert naval ministry defence routine peaceful partnership stability trust normal no third
party aimed peace helps such will continue dangerous aggressive bloc risk war show force
raises threat threatens partnership deters hegemony builds multipolar world western media
again spread groundless accusations about return arrived schedule sailed visit official
cooperation military calm sea exercise patrol bombers flew flight
""".split()
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ",", "-", "“", "”", "##s", "##ed"]
VOCAB += list(dict.fromkeys(WORDS))


# --------------------------------------------------------------------------- tiny transformer


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A random-initialised 2-layer BERT (hidden 32) and its WordPiece tokenizer, saved to disk."""
    import torch
    from transformers import BertConfig, BertModel, BertTokenizerFast

    root = tmp_path_factory.mktemp("tiny_bert")
    vocab_dir = root / "vocab"
    vocab_dir.mkdir()
    (vocab_dir / "vocab.txt").write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast.from_pretrained(str(vocab_dir), do_lower_case=True)
    ids = tokenizer("The navies began a drill.")["input_ids"]
    assert tokenizer.unk_token_id not in ids, "the tiny vocab must cover the test sentences"

    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=37,
        max_position_embeddings=128,
    )
    model_dir = root / "model"
    BertModel(config).save_pretrained(model_dir)
    tokenizer.save_pretrained(model_dir)
    return str(model_dir)


# --------------------------------------------------------------------------- a labelled table

LABEL_WORDS = {
    "defensive_cooperation": "routine peaceful partnership stability trust normal peace".split(),
    "threat": "dangerous aggressive bloc risk war threat force".split(),
    "neutral_report": "schedule arrived sailed port monday friday visit".split(),
}
FILLER = "the two navies ships drill region sea week official military".split()


def table_rows(n_docs: int = 12, per_doc: int = 5, seed: int = 0) -> list[dict]:
    """n_docs x per_doc rows; every doc holds every label, so any group split sees them all."""
    rng = random.Random(seed)
    rows = []
    for d in range(n_docs):
        for k in range(per_doc):
            label = TABLE_LABELS[(d + k) % len(TABLE_LABELS)]
            words = rng.sample(LABEL_WORDS[label], 3) + rng.sample(FILLER, 3)
            rng.shuffle(words)
            rows.append(
                {
                    "text": " ".join(words) + ".",
                    "label": label,
                    "doc": f"doc{d:02d}",
                    "target": "military cooperation",
                }
            )
    return rows


def write_table(path: Path, rows: list[dict]) -> Path:
    """Write rows as CSV or JSONL, chosen by the file suffix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    else:
        with open(path, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return path


@pytest.fixture(scope="session")
def table(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """60 rows, 3 frame labels, a `doc` group and a `target` column, as CSV and as JSONL."""
    root = tmp_path_factory.mktemp("table")
    rows = table_rows()
    return SimpleNamespace(
        rows=rows,
        csv=write_table(root / "frames.csv", rows),
        jsonl=write_table(root / "frames.jsonl", rows),
    )


# --------------------------------------------------------------------------- a tiny corpus

# Each article fills the same claim templates with its own names, so every article carries
# every frame, stance and source type and any article split keeps all labels in training.
ARTICLE_KEYS = ("article_id", "voice", "outlet", "place", "person", "short", "org", "author")
# fmt: off
ARTICLES = [dict(zip(ARTICLE_KEYS, row)) for row in [
    ("north_01", "north_state", "Harbor Wire", "Portville", "Zhang Wei", "Zhang",
     "the defence ministry", "Mira Castell"),
    ("north_02", "north_state", "Harbor Wire", "Eastbay", "Li Ming", "Li", "the navy",
     "Oren Vale"),
    ("north_03", "north_state", "Morning Post", "Kelso", "Chen Bo", "Chen",
     "the defence ministry", "Ada Quill"),
    ("south_01", "south_press", "Southern Daily", "Marrow", "Ana Ruiz", "Ruiz",
     "the foreign ministry", "Tom Reyes"),
    ("south_02", "south_press", "Southern Daily", "Tivra", "Kofi Mensah", "Mensah", "the navy",
     "Lena Ortiz"),
    ("south_03", "south_press", "Coast Herald", "Belmar", "Ravi Nair", "Nair",
     "the defence ministry", "Ines Moura"),
    ("west_01", "west_wire", "Meridian", "Halden", "John Park", "Park", "the Pentagon",
     "Sam Hale"),
    ("west_02", "west_wire", "Meridian", "Oslo", "Eva Lund", "Lund", "the Pentagon", "Kim Berg"),
    ("west_03", "west_wire", "Atlantic Times", "Brest", "Paul Roy", "Roy", "the navy",
     "Jude Finch"),
]]
CLAIM_KEYS = ("text", "attributed", "implicit", "source", "source_mention", "source_type", "cue",
              "stance", "frame")
CLAIM_TEMPLATES = [
    ("The two navies began a joint drill near {place} on Monday, {org} said.",
     True, False, "{org}", "{org}", "named_organization", "said", "neutral", "neutral_report"),
    ("{person}, a naval expert, told {outlet} that the drill was routine and aimed at no "
     "third party.",
     True, False, "{person}", "{person}", "named_person", "told {outlet}", "favor",
     "defensive_cooperation"),
    ("“Such drills are normal,” {short} said.",
     True, False, "{person}", "{short}", "named_person", "said", "favor",
     "defensive_cooperation"),
    ("“They will continue next year.”",  # the quote goes on: implicit, no cue of its own
     True, True, "{person}", None, "named_person", None, "neutral", "neutral_report"),
    ("Critics said the drill was a dangerous show of force that raises the risk of war.",
     True, False, "Critics", "Critics", "unnamed", "said", "against", "threat"),
    ("According to a joint statement, the partnership deters hegemony and builds a multipolar "
     "world.",
     True, False, "a joint statement", "a joint statement", "document", "According to",
     "favor", "counter_hegemony"),
    ("Western media again spread groundless accusations about the drill.",
     False, False, None, None, None, None, "favor", "western_hostility"),
]
# fmt: on
CORPUS_TARGET = "China-Russia military cooperation"


def make_article(spec: dict) -> tuple[str, dict]:
    """Article text and its annotation (texts only, no offsets), from one ARTICLES entry."""
    fill = lambda s: s.format(**spec) if s else s  # noqa: E731
    claims = [fill(t[0]) for t in CLAIM_TEMPLATES]
    headline = f"Navies hold joint drill near {spec['place']}"
    dateline = f"{spec['place'].upper()}, May 2 ({spec['outlet']}) -"
    text = (
        f"{headline}\nBy {spec['author']}\n\n{dateline} {claims[0]}\n\n"
        f"{claims[1]} {claims[2]} {claims[3]}\n\n{claims[4]}\n\nOutlook\n\n"
        f"{claims[5]} {claims[6]}\n"
    )
    segments = [
        ("headline", headline),
        ("byline", f"By {spec['author']}"),
        ("dateline", dateline),
        ("body", claims[0]),
        ("body", " ".join(claims[1:4])),
        ("body", claims[4]),
        ("subhead", "Outlook"),
        ("body", " ".join(claims[5:7])),
    ]
    body = [
        dict(zip(CLAIM_KEYS, (fill(v) if isinstance(v, str) else v for v in t)), kind="body")
        for t in CLAIM_TEMPLATES
    ]
    unattributed = dict.fromkeys(("source", "source_mention", "source_type", "cue"))
    head = dict(text=headline, kind="headline", attributed=False, implicit=False,
                **unattributed, stance="neutral", frame="neutral_report")  # fmt: skip
    ann = {
        "article_id": spec["article_id"],
        "voice": spec["voice"],
        "outlet": spec["outlet"],
        "target": CORPUS_TARGET,
        "segments": [{"kind": k, "text": t} for k, t in segments],
        "claims": [head, *body],
    }
    return text, ann


def write_corpus(root: Path, specs: list[dict] = ARTICLES, split_seed: int = 13) -> Path:
    """articles/*.txt, annotations/*.json (offsets resolved) and splits.json under `root`."""
    (root / "articles").mkdir(parents=True)
    (root / "annotations").mkdir()
    docs = []
    for spec in specs:
        text, ann = make_article(spec)
        (root / "articles" / f"{spec['article_id']}.txt").write_text(text, encoding="utf-8")
        resolved = resolve_offsets(text, ann)
        (root / "annotations" / f"{spec['article_id']}.json").write_text(
            json.dumps(resolved, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        docs.append(resolved)
    write_splits(root, docs, seed=split_seed)
    return root


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Nine short articles, three per voice; split 3/3/3 by article. Read-only: copy to edit."""
    return write_corpus(tmp_path_factory.mktemp("corpus") / "corpus")


# --------------------------------------------------------------------------- Hydra configs


@pytest.fixture(scope="session", autouse=True)
def _registered_schemas() -> None:
    framing_config.register()


def run_script(
    script: str, *args: str, cwd: Path = REPO, timeout: int = 120
) -> subprocess.CompletedProcess:
    """`python scripts/<script> ARGS` in a fresh process, its output captured as text."""
    return subprocess.run(
        [sys.executable, str(SCRIPTS / script), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
    )


@pytest.fixture
def unwritable_cache(tmp_path: Path, monkeypatch) -> Path:
    """$FRAMING_CACHE_DIR under a file, so that no cache folder can be made there."""
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("x")
    monkeypatch.setenv("FRAMING_CACHE_DIR", str(blocker / "cache"))
    return blocker / "cache"


def compose_train(overrides: list[str] = ()) -> DictConfig:
    """Compose configs/train.yaml with `overrides`, exactly as scripts/train.py would."""
    with initialize_config_dir(config_dir=str(CONFIGS), version_base=VERSION_BASE):
        return compose(config_name="train", overrides=list(overrides))


def shrink(cfg: DictConfig, tiny_model: str, out_root: Path) -> DictConfig:
    """Tiny model, CPU, two fine-tuning steps, a small bootstrap, outputs under `out_root`."""
    cfg.out_root = str(out_root)
    cfg.bootstrap = 50
    if "name" in cfg.model:  # the transformer families
        cfg.model.name = tiny_model
        cfg.model.device = "cpu"
        cfg.model.max_length = 32
        cfg.model.batch_size = 16
    if cfg.model.family == "finetune":
        cfg.model.max_steps = 2
        cfg.model.train_batch_size = 8
    if cfg.model.family == "multitask":
        cfg.model.max_steps, cfg.model.train_batch_size, cfg.model.lora_rank = 3, 4, 2
    return cfg


@pytest.fixture
def out_root(tmp_path: Path) -> Path:
    return tmp_path / "experiments"


@pytest.fixture
def make_cfg(tiny_model: str, out_root: Path):
    """make_cfg(*overrides) -> a shrunk TrainConfig (dataclasses, as the library takes it)."""

    def make(*overrides: str) -> TrainConfig:
        cfg = shrink(compose_train(list(overrides)), tiny_model, out_root)
        return OmegaConf.to_object(cfg)

    return make


@pytest.fixture
def table_overrides(table: SimpleNamespace) -> list[str]:
    """Overrides that point the framing task at the CSV table, grouped by document."""
    return ["data=table", f"data.train={table.csv}", "data.group_column=doc"]


@pytest.fixture
def corpus_overrides(tiny_corpus: Path) -> list[str]:
    return [f"data.root={tiny_corpus}"]


HEAD_OVERRIDES = {
    "framing": ["task=framing"],
    "stance": ["task=stance", "model.pair_mode=concat"],
    "attribution": ["task=attribution"],
    "source_type": ["task=source_type"],
}


@pytest.fixture(scope="session")
def head_dirs(tmp_path_factory, tiny_model: str, tiny_corpus: Path) -> dict[str, str]:
    """Four encoder_logreg heads on the tiny BERT, trained and recorded like any run."""
    out = tmp_path_factory.mktemp("heads")
    dirs = {}
    for task, overrides in HEAD_OVERRIDES.items():
        cfg = compose_train(["model=encoder_logreg", f"data.root={tiny_corpus}", *overrides])
        dirs[task] = str(run_experiment(OmegaConf.to_object(shrink(cfg, tiny_model, out))))
    return dirs


@pytest.fixture(scope="session")
def nlp():
    """The spaCy pipeline of the claims/attribution stages (skips if its package is missing)."""
    from framing.pipeline.claims import ModelMissingError, load_nlp

    try:
        return load_nlp()
    except ModelMissingError as e:
        pytest.skip(str(e))
