"""framing.data.tasks and .tables: tables (CSV/JSONL, given or carved splits), the corpus per
task, input errors."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import REPO, TABLE_LABELS, table_rows, write_table

from framing.core.errors import InputError
from framing.core.paths import project_path
from framing.data.tables import read_table
from framing.data.tasks import load_task_data

SCHEMA_FRAMES = [
    "defensive_cooperation",
    "threat",
    "counter_hegemony",
    "western_hostility",
    "neutral_report",
]
SCHEMA_ORDER_OF_TABLE = ["defensive_cooperation", "threat", "neutral_report"]


@pytest.fixture
def load(make_cfg):
    """load(*overrides) -> TaskData, through the real composed configs."""

    def _load(*overrides: str):
        cfg = make_cfg(*overrides)
        return load_task_data(cfg.data, cfg.task, cfg.schema)

    return _load


def rows_of(ex) -> list[tuple]:
    return list(zip(ex.ids, ex.texts, ex.labels, ex.pairs or [None] * len(ex)))


# ---------------------------------------------------------------- tables


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_table_carved_by_group(load, table: SimpleNamespace, fmt: str) -> None:
    data = load("data=table", f"data.train={getattr(table, fmt)}", "data.group_column=doc")
    assert data.labels == SCHEMA_ORDER_OF_TABLE  # schema order, not file order
    sizes = [len(data.train), len(data.dev), len(data.test)]
    assert sum(sizes) == 60
    # 12 documents of 5 rows: 8 train, 2 dev, 2 test documents
    assert sizes == [40, 10, 10]
    groups = {
        name: {i.split(":")[0] for i in data.split(name).ids} for name in ("train", "dev", "test")
    }
    assert not groups["train"] & groups["dev"]
    assert not groups["train"] & groups["test"]
    assert not groups["dev"] & groups["test"]
    # every row comes back once, with its own text and label
    by_text = {(r["doc"], r["text"]): r["label"] for r in table.rows}
    for name in ("train", "dev", "test"):
        ex = data.split(name)
        assert ex.pairs is None
        for ex_id, text, label in zip(ex.ids, ex.texts, ex.labels):
            assert by_text[(ex_id.split(":")[0], text)] == label


def test_csv_and_jsonl_give_the_same_examples(load, table: SimpleNamespace) -> None:
    a = load("data=table", f"data.train={table.csv}", "data.group_column=doc")
    b = load("data=table", f"data.train={table.jsonl}", "data.group_column=doc")
    for name in ("train", "dev", "test"):
        assert rows_of(a.split(name)) == rows_of(b.split(name))
    assert a.fingerprint != b.fingerprint  # different bytes, different data version


def test_table_carved_stratified_without_groups(load, table: SimpleNamespace) -> None:
    data = load("data=table", f"data.train={table.csv}")
    # 20 rows per label; 30% held out, half of it dev: 14/3/3 per label
    assert Counter(data.train.labels) == {lab: 14 for lab in TABLE_LABELS}
    assert Counter(data.dev.labels) == {lab: 3 for lab in TABLE_LABELS}
    assert Counter(data.test.labels) == {lab: 3 for lab in TABLE_LABELS}
    ids = data.train.ids + data.dev.ids + data.test.ids
    assert sorted(ids) == sorted(f"{i}:{i}" for i in range(60))


@pytest.mark.parametrize("group", [[], ["data.group_column=doc"]], ids=["stratified", "grouped"])
def test_table_split_is_deterministic_by_split_seed(load, table, group) -> None:
    base = ["data=table", f"data.train={table.csv}", *group]
    a, b = load(*base, "data.split_seed=5"), load(*base, "data.split_seed=5")
    assert rows_of(a.test) == rows_of(b.test) and rows_of(a.dev) == rows_of(b.dev)
    others = {tuple(load(*base, f"data.split_seed={s}").test.ids) for s in (1, 2, 3, 4)}
    assert len(others) > 1, "split_seed should change the split"


def test_table_split_ignores_the_run_seed(load, table) -> None:
    base = ["data=table", f"data.train={table.csv}", "data.group_column=doc"]
    assert load(*base, "seed=1").test.ids == load(*base, "seed=2").test.ids


def test_given_dev_and_test_files_are_used_as_is(load, tmp_path: Path) -> None:
    rows = table_rows()
    paths = {
        name: write_table(tmp_path / f"{name}.csv", part)
        for name, part in [("train", rows[:40]), ("dev", rows[40:50]), ("test", rows[50:])]
    }
    data = load("data=table", *(f"data.{k}={v}" for k, v in paths.items()))
    assert data.train.texts == [r["text"] for r in rows[:40]]
    assert data.dev.texts == [r["text"] for r in rows[40:50]]
    assert data.test.texts == [r["text"] for r in rows[50:]]
    assert data.test.labels == [r["label"] for r in rows[50:]]
    assert data.test.ids[:2] == ["0:0", "1:1"]  # no group column: the row index


def test_configurable_columns_and_pairs(load, tmp_path: Path) -> None:
    renamed = [
        {
            "sentence": r["text"],
            "frame": r["label"],
            "article": r["doc"],
            "about": f"topic {i % 2}",
        }
        for i, r in enumerate(table_rows())
    ]
    path = write_table(tmp_path / "renamed.jsonl", renamed)
    data = load(
        "data=table",
        f"data.train={path}",
        "data.text_column=sentence",
        "data.label_column=frame",
        "data.group_column=article",
        "data.pair_column=about",
        "task.use_pair=true",
    )
    assert data.labels == SCHEMA_ORDER_OF_TABLE
    pair_of = {(r["article"], r["sentence"]): r["about"] for r in renamed}
    for ex in (data.train, data.dev, data.test):
        assert len(ex.pairs) == len(ex.texts)
        assert ex.pairs == [pair_of[(i.split(":")[0], t)] for i, t in zip(ex.ids, ex.texts)]


def test_stance_on_a_table_uses_the_pair_column(load, tmp_path: Path) -> None:
    stances = ["favor", "against", "neutral"]
    rows = [dict(r, label=stances[i % 3]) for i, r in enumerate(table_rows())]
    path = write_table(tmp_path / "stance.csv", rows)
    data = load("task=stance", "data=table", f"data.train={path}", "data.pair_column=target")
    assert data.labels == stances
    assert set(data.train.pairs) == {"military cooperation"}


# ---------------------------------------------------------------- the corpus, per task

CORPUS_TASKS = [
    # task, labels in schema order, train label counts (3 train articles x 7 body claims)
    (
        "framing",
        SCHEMA_FRAMES,
        {
            "neutral_report": 6,
            "defensive_cooperation": 6,
            "threat": 3,
            "counter_hegemony": 3,
            "western_hostility": 3,
        },
    ),
    ("stance", ["favor", "against", "neutral"], {"favor": 12, "neutral": 6, "against": 3}),
    ("attribution", ["attributed", "unattributed"], {"attributed": 18, "unattributed": 3}),
    (
        "source_type",
        ["unattributed", "named_person", "named_organization", "document", "unnamed"],
        {
            "named_person": 9,
            "named_organization": 3,
            "unnamed": 3,
            "document": 3,
            "unattributed": 3,
        },
    ),
]


@pytest.mark.parametrize("task,labels,counts", CORPUS_TASKS, ids=[t[0] for t in CORPUS_TASKS])
def test_corpus_examples_per_task(
    load, corpus_overrides, tiny_corpus: Path, task, labels, counts
) -> None:
    data = load(f"task={task}", *corpus_overrides)
    assert data.labels == labels
    splits = json.loads((tiny_corpus / "splits.json").read_text(encoding="utf-8"))
    for name in ("train", "dev", "test"):
        ex = data.split(name)
        assert len(ex) == 21
        assert Counter(ex.labels) == counts  # every article carries the same label mix
        assert sorted({i.split(":")[0] for i in ex.ids}) == splits[name]
        if task == "stance":
            assert ex.pairs == ["China-Russia military cooperation"] * 21
        else:
            assert ex.pairs is None
    # ids point at claims by index; claim 0 is the headline, which task.claim_kinds leaves out
    first = data.train.ids[0]
    assert first.endswith(":1")
    assert data.train.texts[0].startswith("The two navies began a joint drill near")


def test_corpus_claim_kinds_can_include_headlines(load, corpus_overrides) -> None:
    data = load(*corpus_overrides, "task.claim_kinds=[body,headline]")
    assert len(data.train) == 24
    assert data.train.texts[0].startswith("Navies hold joint drill near")


def test_corpus_fingerprint_changes_with_the_files(load, tiny_corpus, tmp_path) -> None:
    root = tmp_path / "corpus"
    shutil.copytree(tiny_corpus, root)
    before = load(f"data.root={root}").fingerprint
    assert before == load(f"data.root={tiny_corpus}").fingerprint  # names and bytes only
    article = root / "articles" / "west_03.txt"
    article.write_text(article.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert load(f"data.root={root}").fingerprint != before


# ---------------------------------------------------------------- errors


def test_error_missing_file(load, tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    with pytest.raises(InputError) as err:
        load("data=table", f"data.train={missing}")
    assert str(err.value) == f"data file not found: {missing}"


def test_error_empty_file(load, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputError) as err:
        load("data=table", f"data.train={empty}")
    assert str(err.value) == f"data file is empty: {empty}"


def test_error_header_only(load, tmp_path: Path) -> None:
    header = tmp_path / "header.csv"
    header.write_text("text,label\n")
    with pytest.raises(InputError) as err:
        load("data=table", f"data.train={header}")
    assert str(err.value) == f"data file has no rows: {header}"


def test_error_missing_columns_names_expected_and_found(load, table) -> None:
    with pytest.raises(InputError) as err:
        load(
            "data=table",
            f"data.train={table.csv}",
            "data.text_column=sentence",
            "data.group_column=doc",
        )
    assert str(err.value) == (
        f"{table.csv}: missing column(s) ['sentence']; expected ['sentence', 'label', 'doc'], "
        "found ['text', 'label', 'doc', 'target']"
    )


def test_error_pair_task_without_pair_column(load, table) -> None:
    with pytest.raises(InputError) as err:
        load("task=stance", "data=table", f"data.train={table.csv}")
    assert str(err.value) == "task stance scores a text pair: set data.pair_column=<column>"


def test_error_empty_text(load, tmp_path: Path) -> None:
    rows = table_rows()
    rows[2]["text"] = "   "
    path = write_table(tmp_path / "blank.csv", rows)
    with pytest.raises(InputError) as err:
        load("data=table", f"data.train={path}")
    assert str(err.value) == f"{path}: empty text in row(s) [3]"


def test_error_unreadable_jsonl(load, tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text('{"text": "a", "label": "threat"}\n{"text": \n')
    with pytest.raises(InputError, match=rf"^cannot read {path} as \.jsonl: "):
        load("data=table", f"data.train={path}")


def test_error_test_label_unknown_to_training(load, tmp_path: Path) -> None:
    rows = table_rows()
    train = [r for r in rows if r["label"] != "threat"]
    paths = [
        write_table(tmp_path / "train.csv", train),
        write_table(tmp_path / "dev.csv", train[:5]),
        write_table(tmp_path / "test.csv", rows[:6]),
    ]
    with pytest.raises(InputError) as err:
        load("data=table", *(f"data.{k}={p}" for k, p in zip(("train", "dev", "test"), paths)))
    assert str(err.value) == "test label(s) ['threat'] never occur in training data"


@pytest.mark.parametrize("split", ["train", "dev", "test"])
def test_error_label_not_in_schema(load, tmp_path: Path, split: str) -> None:
    rows = table_rows()
    parts = {"train": rows[:40], "dev": rows[40:50], "test": rows[50:]}
    parts[split][0]["label"] = "peace"
    paths = {name: write_table(tmp_path / f"{name}.csv", part) for name, part in parts.items()}
    with pytest.raises(InputError) as err:
        load("data=table", *(f"data.{k}={v}" for k, v in paths.items()))
    assert str(err.value) == (
        f"{split} labels ['peace'] are not in schema framing-default.v1 label set 'frames' "
        f"{SCHEMA_FRAMES}; for your own labels add configs/schema/<name>.yaml (defaults: "
        "[schema_schema], name, version, label_sets: {frames: {<label>: <one-line "
        "description>}}) and pass schema=<name>"
    )


@pytest.mark.parametrize("grouped", [True, False], ids=["three groups", "three rows"])
def test_error_table_too_small_to_split(load, tmp_path: Path, grouped: bool) -> None:
    rows = table_rows()
    if grouped:
        rows = [r for r in rows if r["doc"] in ("doc00", "doc01", "doc02")]
    else:
        rows = rows[:3]
    path = write_table(tmp_path / "small.csv", rows)
    group = ["data.group_column=doc"] if grouped else []
    with pytest.raises(InputError) as err:
        load("data=table", f"data.train={path}", *group)
    unit = "groups (doc)" if grouped else "rows"
    assert str(err.value) == (
        f"{path}: too few {unit} to split into train/dev/test; add rows or give data.dev and "
        "data.test"
    )


def test_error_only_one_of_dev_and_test(load, table) -> None:
    with pytest.raises(InputError) as err:
        load("data=table", f"data.train={table.csv}", f"data.dev={table.csv}")
    assert str(err.value) == "give both data.dev and data.test, or neither (then train is split)"


def test_error_schema_without_the_task_label_set(load, corpus_overrides) -> None:
    with pytest.raises(InputError) as err:
        load("task=stance", "schema=mfc", *corpus_overrides)
    assert str(err.value) == "schema mfc-generic.v1 has no label set 'stances'; it has ['frames']"


def test_error_missing_corpus_folder(load, tmp_path: Path) -> None:
    root = tmp_path / "no_corpus"
    with pytest.raises(InputError) as err:
        load(f"data.root={root}")
    assert str(err.value) == (
        f"corpus not found: {root}/splits.json is missing (set data.root=<corpus folder>)"
    )


def test_error_split_names_an_article_without_annotation(load, tiny_corpus, tmp_path) -> None:
    root = tmp_path / "corpus"
    shutil.copytree(tiny_corpus, root)
    splits = json.loads((root / "splits.json").read_text(encoding="utf-8"))
    splits["test"].append("ghost_01")
    (root / "splits.json").write_text(json.dumps(splits), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load(f"data.root={root}")
    assert str(err.value) == f"{root / 'splits.json'}: article 'ghost_01' has no annotation"


def test_error_invalid_corpus_annotation(load, tiny_corpus, tmp_path) -> None:
    root = tmp_path / "corpus"
    shutil.copytree(tiny_corpus, root)
    path = root / "annotations" / "south_02.json"
    ann = json.loads(path.read_text(encoding="utf-8"))
    ann["claims"][5]["frame"] = "peace"
    path.write_text(json.dumps(ann), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load(f"data.root={root}")
    assert str(err.value).startswith(
        f"corpus at {root} is invalid: south_02 claim 5: frame 'peace', expected one of"
    )


def test_read_table_keeps_strings_as_written(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("text,label\nNA,007\nnull,1.50\n")
    df = read_table(path)
    assert df["text"].tolist() == ["NA", "null"]
    assert df["label"].tolist() == ["007", "1.50"]


def test_relative_corpus_root_falls_back_to_the_checkout(tmp_path, monkeypatch) -> None:
    """data.root=data/corpus works from any working folder (editable install)."""
    monkeypatch.chdir(tmp_path)
    assert project_path("data/corpus") == REPO / "data" / "corpus"
    (tmp_path / "data" / "corpus").mkdir(parents=True)
    assert project_path("data/corpus") == Path("data/corpus")  # the working folder wins
    assert project_path(tmp_path / "x") == tmp_path / "x"
    assert project_path("no/such/folder") == Path("no/such/folder")
