"""PolNeAR attribution benchmark: the BRAT reader and loader, sentences and span scores, the BIO
token tagger on the tiny BERT, the benchmarks.spans helpers and one end-to-end run on a fake
dataset.

Every article here is invented; the fake dataset only copies PolNeAR's layout."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import torch
from conftest import compose_train, shrink
from omegaconf import OmegaConf

from framing.benchmarks.span_scores import sentence_scores, span_scores
from framing.benchmarks.spans import MODES, content_from, rule_spans
from framing.core.errors import InputError
from framing.data.polnear import (
    ROLES,
    Article,
    RoleSpan,
    load_polnear,
    parse_ann,
    sentence_spans,
    sentences,
)
from framing.data.public import Skipped
from framing.experiments.runner import run_experiment
from framing.learning.bio import TAGS, decode, token_tags
from framing.learning.tagger import TaggerConfig, TokenTagger
from framing.runs import records


@pytest.fixture(scope="module", autouse=True)
def _one_torch_thread():
    """One intra-op thread: on busy cores two threads spin-wait on each other (a 3-step fit of the
    tiny BERT took ~2.5 s with two threads against ~0.02 s with one)."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


# ------------------------------------------------------------------------------------ helpers

_MARK = re.compile(r"\{(Source|Cue|Content)\|([^{}]*)\}")


def markup(src: str) -> tuple[str, list[tuple[str, int, int]]]:
    """'{Source|Jane Cole} {Cue|said} ...' -> the plain text and its (role, start, end) spans."""
    text, spans, pos = "", [], 0
    for m in _MARK.finditer(src):
        text += src[pos : m.start()]
        spans.append((m[1], len(text), len(text) + len(m[2])))
        text += m[2]
        pos = m.end()
    return text + src[pos:], spans


def ann_lines(text: str, spans: list[tuple[str, int, int]]) -> str:
    """A BRAT .ann file for `spans`, with the Attribution trigger and event PolNeAR adds."""
    out, k = [], 0
    for role, s, e in spans:
        k += 1
        out.append(f"T{k}\t{role} {s} {e}\t{text[s:e]}")
    cue = next(((s, e) for r, s, e in spans if r == "Cue"), None)
    if cue:
        out.append(f"T{k + 1}\tAttribution {cue[0]} {cue[1]}\t{text[cue[0] : cue[1]]}")
        out.append(f"E1\tAttribution:T{k + 1} Cue:T2")
    return "\n".join(out) + "\n"


def polnear_root(parent: Path, articles: dict[str, dict[str, str]]) -> Path:
    """<parent>/polnear laid out like the release: {split: {article_id: markup}}; one good
    annotator file (4b22) per article."""
    root = parent / "polnear"
    (root / "data").mkdir(parents=True)
    (root / "data" / "metadata.tsv").write_text("compartment\tfilename\n", encoding="utf-8")
    for split, arts in articles.items():
        (root / "data" / split / "text").mkdir(parents=True)
        (root / "data" / split / "attributions").mkdir()
        for aid, src in arts.items():
            text, spans = markup(src)
            (root / "data" / split / "text" / f"{aid}.txt").write_text(text, encoding="utf-8")
            ann = root / "data" / split / "attributions" / f"{aid}_4b22.ann"
            ann.write_text(ann_lines(text, spans), encoding="utf-8")
    return root


# ---------------------------------------------------------------------------------- parse_ann

ANN_TEXT = "The navy said on Monday that the drill\nwas routine. Critics disagreed."


def test_parse_ann_multiline_fragments_and_ignored_records(tmp_path: Path) -> None:
    t = ANN_TEXT
    content = (t.index("the drill"), t.index("routine") + len("routine"))
    assert t[content[0] : content[1]] == "the drill\nwas routine"
    ann = tmp_path / "a_4b22.ann"
    ann.write_text(
        "T1\tSource 0 8\tThe navy\n"
        "T2\tCue 9 13\tsaid\n"
        f"T3\tContent {content[0]} {content[1]}\tthe drill\n"
        "was routine\n"
        "T4\tAttribution 9 13\tsaid\n"
        "E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3\n"
        "T5\tDiscuss 52 59\tCritics\n"
        "A1\tNegated E1\n"
        "R1\tRelated Arg1:T1 Arg2:T5\n"
        "#1\tAnnotatorNotes T3\ta note\n"
        "T6\tSource 0 8;14 23\tThe navy on Monday\n",
        encoding="utf-8",
    )
    assert parse_ann(ann, t) == [
        RoleSpan("Source", [(0, 8)]),
        RoleSpan("Cue", [(9, 13)]),
        RoleSpan("Content", [content]),
        RoleSpan("Source", [(0, 8), (14, 23)]),
    ]


@pytest.mark.parametrize(
    "body,line,reason",
    [
        (  # line numbers count the continuation line of the multi-line T2
            "T1\tSource 0 8\tThe navy\n"
            "T2\tContent 29 50\tthe drill\nwas routine\n"
            "T3\tCue 9 13\tsays\n",
            4,
            "span text does not match the article at 9 13",
        ),
        ("T1\tSource 0 8\tThe navy\nT2\tCue 60 99\tx\n", 2, "offsets 60 99 outside the text"),
        ("T1\tSource 8 0\tThe navy\n", 1, "offsets 8 0 outside the text"),
        ("\njunk line\nT1\tSource 0 8\tThe navy\n", 2, "not a BRAT record: 'junk line'"),
        ("T1\tSource 0 8;x\tThe navy\n", 1, "malformed text-bound annotation"),
    ],
    ids=["text-mismatch", "outside", "reversed", "junk-first", "bad-offsets"],
)
def test_parse_ann_errors_name_file_and_line(tmp_path: Path, body, line, reason) -> None:
    ann = tmp_path / "art_d473.ann"
    ann.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError) as err:
        parse_ann(ann, ANN_TEXT)
    assert str(err.value).startswith(f"{ann}:{line}: {reason}")


# ------------------------------------------------------------------------------- load_polnear


def test_load_polnear_first_wellformed_annotator_and_skips(tmp_path: Path) -> None:
    aid = "outlet_2016-05-02_navy-drill"  # article ids hold underscores themselves
    root = polnear_root(
        tmp_path,
        {
            "dev": {
                aid: "{Source|Officials} {Cue|said} {Content|the drill was normal}.",
                "outlet_2016-05-03_port": "The port was calm.",
            }
        },
    )
    att = root / "data" / "dev" / "attributions"
    text = (root / "data" / "dev" / "text" / f"{aid}.txt").read_text()
    good = (att / f"{aid}_4b22.ann").read_text()
    # an alphabetically earlier annotator whose second record does not match the text
    bad = att / f"{aid}_0a0a.ann"
    bad.write_text(good.replace("T2\tCue 10 14\tsaid", "T2\tCue 10 14\tsays"), encoding="utf-8")
    (att / "orphan.ann").write_text("", encoding="utf-8")  # not <article>_<annotator>
    (att / "gone_2016_4b22.ann").write_text("", encoding="utf-8")  # no text file
    skipped = Skipped()
    arts = load_polnear(root, "dev", skipped)

    assert [(a.id, a.annotator, a.split) for a in arts] == [
        ("outlet_2016-05-02_navy-drill", "4b22", "dev"),
        ("outlet_2016-05-03_port", "4b22", "dev"),
    ]
    assert arts[0].text == text == "Officials said the drill was normal."
    assert arts[0].spans == [
        RoleSpan("Source", [(0, 9)]),
        RoleSpan("Cue", [(10, 14)]),
        RoleSpan("Content", [(15, 35)]),
    ]
    assert arts[1].spans == []
    assert skipped.items == [
        f"{att / 'orphan.ann'}:0: file name is not <article>_<annotator>.ann",
        f"{att / 'gone_2016_4b22.ann'}:0: no article text gone_2016.txt",
        f"{bad}:2: span text does not match the article at 10 14",
    ]


def test_load_polnear_missing_data_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"dataset polnear not found: .* is absent") as err:
        load_polnear(tmp_path / "polnear", "train", Skipped())
    assert "scripts/download_data.py polnear" in str(err.value)

    root = polnear_root(tmp_path, {"train": {"a_1": "The port was calm."}})
    with pytest.raises(InputError, match="dataset polnear is incomplete") as err:
        load_polnear(root, "test", Skipped())
    assert "download_data.py polnear" in str(err.value)
    assert str(root / "data" / "test" / "text") in str(err.value)

    with pytest.raises(InputError, match="split 'validation'"):
        load_polnear(root, "validation", Skipped())

    (root / "data" / "metadata.tsv").unlink()
    with pytest.raises(InputError, match="metadata.tsv is missing"):
        load_polnear(root, "train", Skipped())


def test_load_polnear_without_readable_articles(tmp_path: Path) -> None:
    root = polnear_root(tmp_path, {"train": {"a_1": "{Source|Officials} {Cue|said} so."}})
    ann = root / "data" / "train" / "attributions" / "a_1_4b22.ann"
    ann.write_text("T1\tSource 0 9\tofficials\n", encoding="utf-8")
    skipped = Skipped()
    with pytest.raises(InputError, match="no readable PolNeAR articles"):
        load_polnear(root, "train", skipped)
    assert skipped.items == [f"{ann}:1: span text does not match the article at 0 9"]


# ---------------------------------------------------------------------------------- sentences


def test_sentence_spans_abbreviations_initials_and_lines() -> None:
    text = (
        "Mr. Smith met U.S. officials in Washington. J. R. Jones said the U.S. Navy agreed. "
        'Dr. Lee left!\n"Why now?" she asked. The vote was 5 to 4. 12 members left, e.g. the '
        "chair.\n\nOutlook"
    )
    got = [text[a:b] for a, b in sentence_spans(text)]
    assert got == [
        "Mr. Smith met U.S. officials in Washington.",
        "J. R. Jones said the U.S. Navy agreed.",
        "Dr. Lee left!",
        '"Why now?" she asked.',
        "The vote was 5 to 4.",
        "12 members left, e.g. the chair.",
        "Outlook",
    ]


def test_sentences_clip_role_spans_to_each_sentence() -> None:
    src = (
        "{Source|Mr. Smith} {Cue|said} {Content|the U.S. Navy would sail. It will return on "
        "Friday}, he added.\nOfficials agreed."
    )
    text, spans = markup(src)
    # a discontinuous Source: "Mr. Smith" ... "he"
    he = text.index("he added")
    art = Article(
        "art",
        "test",
        "4b22",
        text,
        [RoleSpan(r, [(s, e)]) for r, s, e in spans[1:]]
        + [RoleSpan("Source", [(spans[0][1], spans[0][2]), (he, he + 2)])],
    )
    sents = sentences(art)
    assert [(s.id, s.start, s.text) for s in sents] == [
        ("art:0", 0, "Mr. Smith said the U.S. Navy would sail."),
        ("art:1", 41, "It will return on Friday, he added."),
        ("art:2", 77, "Officials agreed."),
    ]
    view = [[(r, s.text[a:b]) for r, a, b in s.spans] for s in sents]
    assert view == [
        [("Source", "Mr. Smith"), ("Cue", "said"), ("Content", "the U.S. Navy would sail.")],
        [("Content", "It will return on Friday"), ("Source", "he")],
        [],
    ]
    assert sents[1].spans == [("Content", 0, 24), ("Source", 26, 28)]


# ---------------------------------------------------------------------------------- scoring

S1 = "Admiral Jane Cole said the ships would return and the port stayed calm."
S2 = "Officials said the drill was normal."


def _at(text: str, phrase: str, role: str) -> tuple[str, int, int]:
    i = text.index(phrase)
    return (role, i, i + len(phrase))


def test_span_scores_exact_and_overlap_by_hand() -> None:
    gold = [
        [
            _at(S1, "Admiral Jane Cole", "Source"),
            _at(S1, "said", "Cue"),
            _at(S1, "the ships would return", "Content"),
            _at(S1, "the port stayed calm", "Content"),
        ],
        [
            _at(S2, "Officials", "Source"),
            _at(S2, "said", "Cue"),
            _at(S2, "the drill was normal", "Content"),
        ],
    ]
    pred = [
        [
            _at(S1, "Jane Cole", "Source"),  # overlaps, not exact
            _at(S1, "said", "Cue"),
            _at(S1, "stayed", "Cue"),  # a false cue
            # one prediction over both gold contents: one overlap match, not two
            _at(S1, "the ships would return and the port stayed calm", "Content"),
        ],
        [
            ("Source", 0, 5),  # "Offic": same word as the gold source, so exact
            _at(S2, "said", "Cue"),
            _at(S2, "said", "Cue"),  # a duplicate counts once
            _at(S2, "drill was normal.", "Content"),  # partial overlap: not exact
        ],
    ]
    s = span_scores([S1, S2], gold, pred)
    assert set(s) == {f"{r.lower()}_{m}" for r in ROLES for m in ("exact", "overlap")}

    def prf(key):
        d = s[key]
        return tuple(round(d[k], 6) for k in ("precision", "recall", "f1")) + (
            d["n_gold"],
            d["n_pred"],
        )

    assert prf("source_exact") == (0.5, 0.5, 0.5, 2, 2)
    assert prf("source_overlap") == (1.0, 1.0, 1.0, 2, 2)
    assert prf("cue_exact") == (0.666667, 1.0, 0.8, 2, 3)
    assert prf("cue_overlap") == (0.666667, 1.0, 0.8, 2, 3)
    assert prf("content_exact") == (0.0, 0.0, 0.0, 3, 2)
    assert prf("content_overlap") == (1.0, 0.666667, 0.8, 3, 2)

    # nothing predicted: zeros, not a division error
    empty = span_scores([S2], gold[1:], [[]])
    assert empty["cue_overlap"] == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "n_gold": 1,
        "n_pred": 0,
    }


def test_sentence_scores_by_hand() -> None:
    c, s, q = ("Content", 0, 3), ("Source", 0, 3), ("Cue", 4, 8)
    gold = [[c], [s, c], [], [s], []]  # attributed: T T F F F (Source alone is not)
    pred = [[c], [s, q], [c], [], [q]]  # attributed: T F T F F
    got = sentence_scores(gold, pred)
    # attributed class: tp 1, fp 1, fn 1 -> F1 0.5; other class: tp 2, fp 1, fn 1 -> 2/3
    assert got == pytest.approx(
        {
            "n": 5,
            "attributed_share": 0.4,
            "attributed_f1": 0.5,
            "macro_f1": (0.5 + 2 / 3) / 2,
            "accuracy": 0.6,
        }
    )


def test_sentence_scores_of_no_sentences() -> None:
    assert sentence_scores([], []) == {
        "n": 0,
        "attributed_share": 0.0,
        "attributed_f1": 0.0,
        "macro_f1": 0.0,
        "accuracy": 0.0,
    }


# ------------------------------------------------------------------------------------ tagger


@pytest.fixture(scope="module")
def tokenizer(tiny_model: str):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_model)


def tag_names(tags: list[int]) -> list[str | None]:
    return [TAGS[t] if t >= 0 else None for t in tags]


def test_token_tags_and_decode_round_trip(tokenizer) -> None:
    text = "On Monday the naval officials said the drills were routine."
    spans = [
        _at(text, "the naval officials", "Source"),  # starts mid-sentence
        _at(text, "said", "Cue"),  # adjacent spans of different roles
        _at(text, "the drills", "Content"),
        _at(text, "were routine", "Content"),  # adjacent spans of one role stay two
    ]
    enc = tokenizer(text, return_offsets_mapping=True)
    offsets = [tuple(o) for o in enc["offset_mapping"]]
    pieces = tokenizer.convert_ids_to_tokens(enc["input_ids"])
    assert pieces[5:7] == ["official", "##s"]  # a word of two pieces
    tags = token_tags(offsets, spans)
    assert tag_names(tags) == [
        None,  # [CLS]
        "O",
        "O",
        "B-Source",
        "I-Source",
        "I-Source",
        "I-Source",  # ##s
        "B-Cue",
        "B-Content",
        "I-Content",
        "B-Content",
        "I-Content",
        "O",  # the full stop
        None,  # [SEP]
    ]
    assert decode([max(t, 0) for t in tags], offsets) == spans


def test_decode_starts_spans_at_a_stray_inside_tag() -> None:
    offsets = [(0, 0), (0, 3), (4, 8), (9, 12), (13, 17), (18, 20), (0, 0)]
    i = TAGS.index
    tags = [0, i("I-Cue"), i("I-Cue"), i("I-Source"), 0, i("I-Content"), i("I-Content")]
    assert decode(tags, offsets) == [("Cue", 0, 8), ("Source", 9, 12), ("Content", 18, 20)]
    # a B- after a span of the same role starts a new span
    tags = [0, i("B-Cue"), i("B-Cue"), i("I-Cue"), 0, 0, 0]
    assert decode(tags, offsets) == [("Cue", 0, 3), ("Cue", 4, 12)]


TRAIN_SRC = [
    "{Source|The navy} {Cue|said} {Content|the drill was routine}.",
    "{Source|Critics} {Cue|said} {Content|the drill was a dangerous show of force}.",
    "The ships arrived in port on Monday.",
    "{Content|Such drills are normal}, {Source|the official} {Cue|told} them.",
]
DEV_SRC = [
    "{Source|Analysts} {Cue|said} {Content|the partnership helps peace}.",
    "The two navies sailed on Friday.",
]


def tagger_config(tiny_model: str, **kw) -> TaggerConfig:
    fields = dict(
        name=tiny_model,
        device="cpu",
        max_length=32,
        batch_size=4,
        max_steps=3,
        eval_steps=1,
        train_batch_size=2,
        learning_rate=5e-3,
        warmup_ratio=0.0,
    )
    fields.update(kw)
    return TaggerConfig(_target_="framing.learning.tagger.TokenTagger", family="tagger", **fields)


def test_token_tagger_fit_keeps_best_dev_step_and_reloads(tiny_model: str, tmp_path) -> None:
    train = [markup(s) for s in TRAIN_SRC]
    dev = [markup(s) for s in DEV_SRC]
    tagger = TokenTagger(tagger_config(tiny_model), seed=0)
    scores = iter([0.2, 0.9, 0.4])
    seen: list[dict] = []

    def select(texts, gold, pred):
        assert texts == dev_texts and gold == dev_spans
        assert len(pred) == len(dev)
        seen.append({k: v.clone() for k, v in tagger.model.state_dict().items()})
        return next(scores)

    dev_texts, dev_spans = [t for t, _ in dev], [s for _, s in dev]
    tagger.fit(
        [t for t, _ in train], [s for _, s in train], dev=(dev_texts, dev_spans), select=select
    )
    # dev was scored at every step; the weights of step 2 (the best) were kept
    assert [h["step"] for h in tagger.history] == [1, 2, 3]
    assert [h["dev_score"] for h in tagger.history] == [0.2, 0.9, 0.4]
    assert all(h["train_loss"] > 0 for h in tagger.history)
    final = tagger.model.state_dict()
    assert all(torch.equal(final[k], seen[1][k]) for k in final)
    assert not all(torch.equal(seen[1][k], seen[2][k]) for k in final)
    assert not tagger.model.training

    texts = [t for t, _ in train + dev] + ["", "Officials"]
    pred = tagger.predict(texts)
    assert len(pred) == len(texts) and pred[-2] == []
    for text, spans in zip(texts, pred):
        for role, s, e in spans:
            assert role in ROLES and 0 <= s < e <= len(text)
    assert tagger.predict([]) == []

    tagger.save(tmp_path / "model")
    meta = json.loads((tmp_path / "model" / "tagger.json").read_text())
    assert (meta["family"], meta["tags"], meta["history"]) == ("tagger", TAGS, tagger.history)
    again = TokenTagger.load(tmp_path / "model", device="cpu")
    assert again.config == tagger.config
    assert again.predict(texts) == pred
    enc = tagger._encode(texts[:4])
    with torch.inference_mode():
        a = tagger.model(**tagger._batch(enc, [0, 1, 2, 3])).logits
        b = again.model(**again._batch(enc, [0, 1, 2, 3])).logits
    torch.testing.assert_close(a, b)

    with pytest.raises(InputError, match="is not a saved span tagger"):
        TokenTagger.load(tmp_path)


def test_token_tagger_eval_every_other_step_and_without_dev(tiny_model: str) -> None:
    train = [markup(s) for s in TRAIN_SRC]
    tagger = TokenTagger(tagger_config(tiny_model, eval_steps=2), seed=0)
    tagger.fit(
        [t for t, _ in train],
        [s for _, s in train],
        dev=([markup(DEV_SRC[0])[0]], [markup(DEV_SRC[0])[1]]),
        select=lambda texts, gold, pred: 0.5,
    )
    assert [h["step"] for h in tagger.history] == [2, 3]  # every eval_steps and the last
    plain = TokenTagger(tagger_config(tiny_model), seed=0)
    plain.fit([t for t, _ in train], [s for _, s in train])
    assert plain.history == [] and not plain.model.training


class Killed(Exception):
    """Stands for a SIGKILL in the middle of training."""


def kill_at_step(monkeypatch, step: int) -> None:
    """Make training die inside step `step` (clip_grad_norm_ runs once per step)."""
    calls = {"n": 0}
    real = torch.nn.utils.clip_grad_norm_

    def clip(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == step:
            raise Killed(f"killed in step {step}")
        return real(*args, **kwargs)

    monkeypatch.setattr(torch.nn.utils, "clip_grad_norm_", clip)


@pytest.mark.parametrize("lora_rank", [0, 4])
def test_a_killed_tagger_resumes_to_the_weights_of_an_uninterrupted_run(
    tiny_model: str, tmp_path: Path, monkeypatch, lora_rank: int
) -> None:
    train = [markup(s) for s in TRAIN_SRC * 2]
    dev = [markup(s) for s in DEV_SRC]
    texts, spans = [t for t, _ in train], [s for _, s in train]
    devset = ([t for t, _ in dev], [s for _, s in dev])
    cfg = tagger_config(
        tiny_model, max_steps=7, eval_steps=2, checkpoint_steps=3, lora_rank=lora_rank
    )
    eval_steps, scores = [2, 4, 6, 7], {2: 0.3, 4: 0.8, 6: 0.5, 7: 0.1}  # step 4 is the best

    def new_tagger() -> TokenTagger:
        torch.manual_seed(0)  # as the runner's set_seed: the same initial weights
        return TokenTagger(cfg, seed=0)

    def fit(tagger: TokenTagger, **kw) -> None:
        def select(*_):  # dev scores by step; the step is the number of evaluations so far
            return scores[eval_steps[len(tagger.history)]]

        tagger.fit(texts, spans, dev=devset, select=select, **kw)

    whole = new_tagger()
    fit(whole)
    ckpt = tmp_path / "checkpoint"
    first = new_tagger()
    kill_at_step(monkeypatch, 5)
    with pytest.raises(Killed):
        fit(first, checkpoint=ckpt)
    monkeypatch.undo()
    state = json.loads((ckpt / "state.json").read_text())
    assert state["step"] == 3 and [h["step"] for h in state["history"]] == [2]

    again = TokenTagger(cfg, seed=0)  # a fresh process: new model, its own generators
    fit(again, checkpoint=ckpt, resume=True)
    assert [h["step"] for h in again.history] == eval_steps
    assert again.history == whole.history
    assert [r["step"] for r in again.resumes] == [3]
    final, expected = again.model.state_dict(), whole.model.state_dict()
    assert all(torch.equal(final[k], expected[k]) for k in expected)  # the step-4 weights
    # the last step is checkpointed too: a kill after training resumes with nothing to train
    assert json.loads((ckpt / "state.json").read_text())["step"] == 7
    done = TokenTagger(cfg, seed=0)
    fit(done, checkpoint=ckpt, resume=True)
    assert done.history == whole.history
    assert all(torch.equal(done.model.state_dict()[k], expected[k]) for k in expected)
    with pytest.raises(InputError, match="training data or step count differ"):
        TokenTagger(cfg, seed=0).fit(texts[:-1], spans[:-1], checkpoint=ckpt, resume=True)


def test_a_corrupt_or_missing_checkpoint_is_one_input_error(tiny_model: str, tmp_path) -> None:
    train = [markup(s) for s in TRAIN_SRC]
    texts, spans = [t for t, _ in train], [s for _, s in train]
    cfg = tagger_config(tiny_model, max_steps=3, checkpoint_steps=1)
    with pytest.raises(InputError, match="no checkpoint to resume from"):
        TokenTagger(cfg, seed=0).fit(texts, spans, checkpoint=tmp_path / "none", resume=True)
    ckpt = tmp_path / "checkpoint"
    ckpt.mkdir()
    (ckpt / "state.json").write_text("{}")
    (ckpt / "model.safetensors").write_bytes(b"not weights")
    with pytest.raises(InputError, match=r"checkpoint at .* is unreadable"):
        TokenTagger(cfg, seed=0).fit(texts, spans, checkpoint=ckpt, resume=True)
    with pytest.raises(InputError, match=r"model.checkpoint_steps=-1; expected >= 0"):
        tagger_config(tiny_model, checkpoint_steps=-1)


# ------------------------------------------------------------------- benchmarks.spans helpers


def test_content_from_runs_outside_source_and_cue() -> None:
    assert content_from("Prices rise, he said.", [(13, 15), (16, 20)]) == [("Content", 0, 12)]
    text = "The drill, Jane Cole said, was routine."
    cole, said = text.index("Jane Cole"), text.index("said")
    assert content_from(text, [(cole, cole + 9), (said, said + 4)]) == [
        ("Content", 0, 10),  # "The drill,"
        ("Content", 25, len(text)),  # ", was routine."
    ]
    # a single trailing word after the cue is not content (no final full stop here)
    assert content_from("Prices rise, he said Monday", [(13, 15), (16, 20)]) == [
        ("Content", 0, 12)
    ]
    # only single-word runs: the first is kept; only source and cue: nothing
    assert content_from("Yes he said Monday", [(4, 6), (7, 11)]) == [("Content", 0, 3)]
    assert content_from("he said", [(0, 2), (3, 7)]) == []


def test_content_from_drops_a_trailing_word_before_the_full_stop() -> None:
    assert content_from("Prices rise, he said Monday.", [(13, 15), (16, 20)]) == [
        ("Content", 0, 12)
    ]


def test_rule_spans_on_a_said_sentence(nlp) -> None:
    text = (
        "The port was calm on Monday. Admiral Jane Cole said the ships would return next week."
        " Prices rose."
    )
    art = Article("a", "test", "4b22", text, [])
    sents = sentences(art)
    got = rule_spans(text, sents, nlp)
    assert len(got) == 3 and got[0] == [] and got[2] == []
    s = sents[1].text
    assert [(r, s[a:b]) for r, a, b in got[1]] == [
        ("Source", "Admiral Jane Cole"),
        ("Cue", "said"),
        ("Content", "the ships would return next week."),
    ]


# ------------------------------------------------------------------------------- end to end

FAKE_POLNEAR = {
    "train": {
        "wire_2016-01-04_drill": (
            "The navy began a drill on Monday. {Source|Admiral Jane Cole} {Cue|said} "
            "{Content|the ships would return next week}.\n{Content|The drill is\nroutine}, "
            "{Source|officials} {Cue|told} reporters."
        ),
        "wire_2016-01-05_port": (
            "{Source|Critics} {Cue|said} {Content|the drill was a dangerous show of force}. "
            "The port stayed calm."
        ),
    },
    "dev": {
        "wire_2016-02-01_talks": (
            "{Source|Analysts} {Cue|said} {Content|the partnership helps peace}. Ships sailed."
        ),
        "wire_2016-02-02_visit": "The visit ended on Friday. {Source|He} {Cue|said} {Content|"
        "it was normal}.",
    },
    "test": {
        "wire_2016-03-01_fleet": (
            "The fleet arrived on Monday. {Source|Minister Paul Roy} {Cue|said} {Content|the "
            "drill would continue next year}.\nThe ships left port."
        ),
        "wire_2016-03-02_ministry": (
            "{Content|The exercise is peaceful}, {Source|the ministry} {Cue|said} in a "
            "statement. Critics disagreed."
        ),
    },
}


def test_run_experiment_polnear_tagger_end_to_end(tiny_model, tmp_path, nlp) -> None:
    from framing.benchmarks.evaluate import corpus_claims
    from framing.data.tasks import corpus_splits

    data_root = tmp_path / "datasets"
    root = polnear_root(data_root, FAKE_POLNEAR)
    att = root / "data" / "train" / "attributions"
    bad = att / "wire_2016-01-05_port_0a0a.ann"  # earlier annotator, offsets past the text
    bad.write_text("T1\tSource 0 7\tCritics\nT2\tCue 8 999\tsaid\n", encoding="utf-8")
    multi = (att / "wire_2016-01-04_drill_4b22.ann").read_text().splitlines()
    assert multi[3:5] == ["T4\tContent 91 111\tThe drill is", "routine"]  # a multi-line span
    out_root = tmp_path / "experiments"
    overrides = ["experiment=polnear_tagger", f"data_root={data_root}"]
    cfg = shrink(compose_train(overrides), tiny_model, out_root)
    cfg.model.max_steps, cfg.model.eval_steps, cfg.model.train_batch_size = 2, 1, 4
    cfg = OmegaConf.to_object(cfg)
    assert (cfg.task.name, cfg.model.family, cfg.data.root) == (
        "attribution_spans",
        "tagger",
        f"{data_root}/polnear",
    )

    run = run_experiment(cfg, overrides=overrides)

    assert run.parent == out_root / "polnear_tagger"
    assert records.read_json(run / "status.json")["status"] == "complete"
    assert (run / "model" / "tagger.json").is_file() and (run / "model" / "hf").is_dir()
    m = records.read_json(run / "metrics.json")
    assert (m["task"], m["family"], m["data"], m["model_name"]) == (
        "attribution_spans",
        "tagger",
        "polnear",
        tiny_model,
    )
    assert (m["schema_version"], m["labels"], m["evals"]) == (
        "polnear-spans.v1",
        ["Source", "Cue", "Content"],
        ["dev", "test"],
    )
    # gold sentences of the test split, read back independently
    test_arts = load_polnear(root, "test", Skipped())
    test_sents = [s for a in test_arts for s in sentences(a)]
    assert len(test_sents) == 5

    span_keys = {f"{r.lower()}_{k}" for r in ROLES for k in ("exact", "overlap")}
    assert set(m["polnear_test"]) == set(MODES)
    rows = [json.loads(x) for x in (run / "predictions.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == [s.id for s in test_sents]
    assert [r["gold"] for r in rows] == [[list(x) for x in s.spans] for s in test_sents]
    texts, gold = [r["text"] for r in rows], [r["gold"] for r in rows]
    for mode in MODES:
        got = m["polnear_test"][mode]
        assert set(got["spans"]) == span_keys
        assert got["sentences"]["n"] == 5
        assert got["sentences"]["attributed_share"] == pytest.approx(2 / 5)
        # the metrics are exactly those of the recorded predictions
        assert got["spans"] == span_scores(texts, gold, [r[mode] for r in rows])
        assert got["sentences"] == sentence_scores(gold, [r[mode] for r in rows])
    for r in rows:  # combined: the rules where they attribute the sentence, else the tagger
        assert r["combined"] == (r["rules"] or r["learned"])
    # the rules find "Minister Paul Roy said ..." in the second test sentence
    assert rows[1]["rules"][:2] == [["Source", 0, 17], ["Cue", 18, 22]]
    assert m["test"] == {
        **m["polnear_test"]["learned"]["sentences"],
        "macro_f1_ci95": [None, None],
    }
    assert set(m["polnear_dev"]) == {"spans", "sentences"}
    assert m["dev"]["n"] == 4

    corpus, _ = corpus_splits("data/corpus")
    n_claims = sum(len(corpus_claims(d)) for d in corpus["test"])
    assert set(m["corpus_test"]) == set(MODES)
    for mode in MODES:
        assert m["corpus_test"][mode]["n_gold"] == m["corpus_test"][mode]["matched"] == n_claims

    meta = m["meta"]
    assert meta == records.read_json(run / "meta.json")
    assert meta["n_articles"] == {"train": 2, "dev": 2, "test": 2}
    assert meta["n_examples"] == {"train": 6, "dev": 4, "test": 5}
    assert [h["step"] for h in meta["history"]] == [1, 2]
    n_chars = len(markup(FAKE_POLNEAR["train"]["wire_2016-01-05_port"])[0])
    assert meta["skipped_records"] == [
        f"{bad}:2: offsets 8 999 outside the text ({n_chars} chars)"
    ]

    # the saved tagger reproduces the recorded learned spans
    tagger = TokenTagger.load(run / "model", device="cpu")
    assert [[list(x) for x in p] for p in tagger.predict(texts)] == [r["learned"] for r in rows]

    # a data root without polnear: InputError before any run folder exists
    empty_out = tmp_path / "empty_out"
    cfg2 = shrink(
        compose_train(["experiment=polnear_tagger", f"data_root={tmp_path / 'nothing'}"]),
        tiny_model,
        empty_out,
    )
    with pytest.raises(InputError, match="dataset polnear not found") as err:
        run_experiment(OmegaConf.to_object(cfg2))
    assert "download_data.py polnear" in str(err.value)
    assert not empty_out.exists()


def test_overlap_matching_is_maximal_for_nested_spans() -> None:
    # greedy matching would pair the long prediction with the first gold span, leaving one out
    text = "a b c d e f"
    gold = [[("Content", 4, 7), ("Content", 10, 11)]]
    pred = [[("Content", 0, 11), ("Content", 6, 7)]]
    s = span_scores([text], gold, pred)["content_overlap"]
    assert (s["precision"], s["recall"]) == (1.0, 1.0)


def test_a_killed_polnear_tagger_run_resumes_in_its_own_folder(
    tiny_model, tmp_path, nlp, monkeypatch
) -> None:
    data_root = tmp_path / "datasets"
    polnear_root(data_root, FAKE_POLNEAR)
    out_root = tmp_path / "experiments"
    overrides = ["experiment=polnear_tagger", f"data_root={data_root}"]

    def config(*extra: str):
        cfg = shrink(compose_train([*overrides, *extra]), tiny_model, out_root)
        cfg.model.max_steps, cfg.model.eval_steps, cfg.model.train_batch_size = 4, 2, 4
        cfg.model.checkpoint_steps = 2
        return OmegaConf.to_object(cfg)

    kill_at_step(monkeypatch, 4)
    with pytest.raises(Killed):
        run_experiment(config(), overrides=overrides)
    monkeypatch.undo()
    (run,) = (out_root / "polnear_tagger").iterdir()
    assert records.read_json(run / "status.json")["status"] == "failed"
    assert json.loads((run / "checkpoint" / "state.json").read_text())["step"] == 2

    with pytest.raises(InputError) as err:  # another config cannot continue it
        run_experiment(config(f"resume={run}", "seed=5"))
    assert str(err.value) == (
        f"resume={run}: the run was made with another config (seed: 0 -> 5); "
        "give the overrides of the interrupted run"
    )
    assert run_experiment(config(f"resume={run}")) == run
    assert list((out_root / "polnear_tagger").iterdir()) == [run]  # no new folder
    assert records.read_json(run / "status.json")["status"] == "complete"
    meta = records.read_json(run / "meta.json")
    assert [r["step"] for r in meta["resumes"]] == [2]
    assert [h["step"] for h in meta["history"]] == [2, 4]
    assert not (run / "checkpoint").exists() and (run / "model" / "tagger.json").is_file()
    assert "resumed at step 2 of 4" in (run / "run.log").read_text()
    with pytest.raises(InputError, match="that run is complete; there is nothing to resume"):
        run_experiment(config(f"resume={run}"))


def test_resume_is_refused_for_other_runs_and_folders(tmp_path) -> None:
    cfg = OmegaConf.to_object(compose_train([f"resume={tmp_path}", "model=tfidf_logreg"]))
    with pytest.raises(InputError, match="only span tagger and claim model runs .* resume"):
        run_experiment(cfg)
    cfg = OmegaConf.to_object(compose_train(["experiment=polnear_tagger", f"resume={tmp_path}"]))
    with pytest.raises(InputError, match="not a run folder"):
        run_experiment(cfg)


def test_a_lora_tagger_saves_only_its_adapter_and_reloads_over_the_base(
    tiny_model: str, tmp_path: Path
) -> None:
    train = [markup(s) for s in TRAIN_SRC]
    texts, spans = [t for t, _ in train], [s for _, s in train]
    cfg = tagger_config(tiny_model, max_steps=4, lora_rank=4, lora_alpha=8.0)
    torch.manual_seed(0)
    tagger = TokenTagger(cfg, seed=0)
    trainable = {n for n, p in tagger.model.named_parameters() if p.requires_grad}
    assert trainable and all("lora_" in n or "classifier" in n for n in trainable)
    base = {n: p.clone() for n, p in tagger.model.named_parameters() if not p.requires_grad}
    tagger.fit(texts, spans)
    frozen = {n: p for n, p in tagger.model.named_parameters() if not p.requires_grad}
    assert all(torch.equal(frozen[n], base[n]) for n in base)  # the base is untouched
    pred = tagger.predict(texts)

    tagger.save(tmp_path / "model")
    saved = sorted(p.name for p in (tmp_path / "model" / "adapter").iterdir())
    assert saved == ["adapter_config.json", "adapter_model.safetensors"]
    assert not (tmp_path / "model" / "hf").exists()
    again = TokenTagger.load(tmp_path / "model", device="cpu")
    assert not hasattr(again.model, "peft_config")  # merged into plain weights for inference
    assert again.predict(texts) == pred
    enc = tagger._encode(texts[:3])
    with torch.inference_mode():
        a = tagger.model(**tagger._batch(enc, [0, 1, 2])).logits
        b = again.model(**again._batch(enc, [0, 1, 2])).logits
    torch.testing.assert_close(a, b)


def test_an_adapter_for_another_base_is_one_input_error(tiny_model: str, tmp_path: Path) -> None:
    from transformers import BertConfig, BertModel, BertTokenizerFast

    wider = tmp_path / "wider"
    BertModel(
        BertConfig(
            vocab_size=BertTokenizerFast.from_pretrained(tiny_model).vocab_size,
            hidden_size=48,
            num_hidden_layers=2,
            num_attention_heads=2,
            intermediate_size=37,
            max_position_embeddings=128,
        )
    ).save_pretrained(wider)
    BertTokenizerFast.from_pretrained(tiny_model).save_pretrained(wider)
    tagger = TokenTagger(tagger_config(tiny_model, max_steps=1, lora_rank=2), seed=0)
    tagger.save(tmp_path / "model")
    meta_file = tmp_path / "model" / "tagger.json"
    meta = json.loads(meta_file.read_text())
    meta["config"]["name"] = str(wider)
    meta_file.write_text(json.dumps(meta))
    with pytest.raises(InputError, match=r"does not fit the base encoder .*wider"):
        TokenTagger.load(tmp_path / "model", device="cpu")
    # same shapes, other weights: caught by the base fingerprint kept in tagger.json
    same_shape = tmp_path / "same_shape"
    torch.manual_seed(123)
    BertModel(BertConfig.from_pretrained(tiny_model)).save_pretrained(same_shape)
    BertTokenizerFast.from_pretrained(tiny_model).save_pretrained(same_shape)
    meta["config"]["name"] = str(same_shape)
    meta_file.write_text(json.dumps(meta))
    with pytest.raises(InputError, match=r"does not fit the base encoder .*trained over weights"):
        TokenTagger.load(tmp_path / "model", device="cpu")
    with pytest.raises(InputError, match=r"model.lora_rank=-1"):
        tagger_config(tiny_model, lora_rank=-1)
