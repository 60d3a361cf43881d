"""framing.benchmarks.real_news: PolNeAR attribution end to end from raw text, on a tiny
hand-made PolNeAR folder (invented articles) and hand-built claims with known scores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framing.benchmarks.evaluate import evaluate_dataset
from framing.benchmarks.real_news import (
    GoldClaim,
    claim_gold,
    run_polnear_evaluation,
    score_mode,
)
from framing.core.errors import InputError
from framing.data.polnear import Article, load_polnear
from framing.data.public import Skipped
from framing.pipeline.analyze import PipelineConfig
from framing.pipeline.article import Attribution, Claim, Span
from framing.runs import records

# Two invented articles: a headline line, then body sentences. Each attribution names its
# Source, Cue and Content phrases (each phrase occurs once in its article).
ARTICLES = {
    "wire_2016-02-01_budget_1a1a": (
        "Budget talks stall\n\n"
        "Senator Ann Cole said that the budget would certainly pass before the end of next week. "
        "Markets were calm on Tuesday. "
        "“We will not give in to pressure from the unions this year or next,” Mayor Dana Price "
        "told reporters.\n",
        [
            (
                "Senator Ann Cole",
                "said",
                "the budget would certainly pass before the end of next week",
            ),
            (
                "Mayor Dana Price",
                "told",
                "“We will not give in to pressure from the unions this year or next,”",
            ),
        ],
    ),
    "wire_2016-02-02_harbor_2b2b": (
        "Harbor reopens\n\nThe harbor reopened on Monday after a long strike. "
        "Officials warned that repairs could take months to finish.\n",
        [("Officials", "warned", "repairs could take months to finish")],
    ),
}


def write_polnear(parent: Path, articles: dict = ARTICLES) -> Path:
    """<parent>/polnear with a test split: one annotator file per article, each attribution as
    three text-bound spans and an Attribution event, as PolNeAR lays them out."""
    root = parent / "polnear"
    (root / "data").mkdir(parents=True)
    (root / "data" / "metadata.tsv").write_text("compartment\tfilename\n", encoding="utf-8")
    text_dir = root / "data" / "test" / "text"
    ann_dir = root / "data" / "test" / "attributions"
    text_dir.mkdir(parents=True)
    ann_dir.mkdir(parents=True)
    for aid, (text, groups) in articles.items():
        (text_dir / f"{aid}.txt").write_text(text, encoding="utf-8")
        lines, t = [], 0
        for e, phrases in enumerate(groups, 1):
            ids = []
            for role, phrase in zip(("Source", "Cue", "Content"), phrases):
                s = text.index(phrase)
                t += 1
                lines.append(f"T{t}\t{role} {s} {s + len(phrase)}\t{phrase}")
                ids.append(f"{role}:T{t}")
            cue = text.index(phrases[1])
            t += 1  # PolNeAR's trigger of the event: the cue again, as an Attribution span
            lines.append(f"T{t}\tAttribution {cue} {cue + len(phrases[1])}\t{phrases[1]}")
            lines.append(f"E{e}\tAttribution:T{t} {' '.join(ids)}")
        (ann_dir / f"{aid}_4b22.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_groups_are_read_from_the_attribution_events(tmp_path: Path) -> None:
    root = write_polnear(tmp_path)
    arts = {a.id: a for a in load_polnear(root, "test", Skipped())}
    harbor = arts["wire_2016-02-02_harbor_2b2b"]
    text = harbor.text
    (group,) = harbor.groups
    assert {role: [text[a:b] for a, b in frags] for role, frags in group.items()} == {
        "Source": ["Officials"],
        "Cue": ["warned"],
        "Content": ["repairs could take months to finish"],
    }


def test_an_event_naming_an_unknown_span_skips_that_annotator(tmp_path: Path) -> None:
    root = write_polnear(tmp_path)
    ann = root / "data" / "test" / "attributions" / "wire_2016-02-02_harbor_2b2b_4b22.ann"
    ann.write_text(ann.read_text() + "E9\tAttribution:T99 Cue:T2\n", encoding="utf-8")
    skipped = Skipped()
    arts = load_polnear(root, "test", skipped)
    assert [a.id for a in arts] == ["wire_2016-02-01_budget_1a1a"]
    assert skipped.items == [f"{ann}:6: event names an unknown span 'T99'"]


def test_claim_gold_majority_of_non_space_characters_and_the_covering_group() -> None:
    text = "Ann Lee said taxes will rise soon. It rained."
    groups = [
        {"Source": [(0, 7)], "Cue": [(8, 12)], "Content": [(13, 33)]},
        {"Source": [(40, 42)], "Content": [(38, 44)]},  # a second group, covering less
    ]
    art = Article("a", "test", "x", text, [], groups)
    assert claim_gold(art, 0, 34) == GoldClaim(True, [(0, 7)], [(8, 12)])  # 17 of 28 covered
    assert claim_gold(art, 0, 20) == GoldClaim(False)  # 6 of 16 covered
    assert claim_gold(art, 35, 45) == GoldClaim(True, [(40, 42)], [])  # 6 of 9 covered
    assert claim_gold(art, 33, 35) == GoldClaim(False)  # a full stop, covered by no Content
    assert claim_gold(Article("b", "test", "x", text, []), 0, 34) == GoldClaim(False)


def test_scheme_reading_leaves_source_and_cue_out_of_the_count() -> None:
    # "Rates fall, the central bank said." : Content 0-10, Source 12-28, Cue 29-33
    text = "Rates fall, the central bank said. Bo said that Al claimed rain falls."
    groups = [
        {"Content": [(0, 10)], "Source": [(12, 28)], "Cue": [(29, 33)]},
        # nested: Bo says that Al claimed ...; Al's source and cue lie inside Bo's Content
        {"Source": [(35, 37)], "Cue": [(38, 42)], "Content": [(48, 69)]},
        {"Source": [(48, 50)], "Cue": [(51, 58)], "Content": [(59, 69)]},
    ]
    art = Article("a", "test", "x", text, [], groups)
    assert claim_gold(art, 0, 34, "content") == GoldClaim(False)  # 9 of 28 are Content
    assert claim_gold(art, 0, 34, "scheme") == GoldClaim(True, [(12, 28)], [(29, 33)])  # 9 of 11
    # the outer attribution covers most of what is left: Bo is the source in both readings
    for reading in ("content", "scheme"):
        assert claim_gold(art, 35, 70, reading) == GoldClaim(True, [(35, 37)], [(38, 42)])
    assert claim_gold(art, 29, 34, "scheme") == GoldClaim(False)  # "said." is all cue but "."
    with pytest.raises(InputError, match="reading='spans'"):
        claim_gold(art, 0, 34, "spans")


def test_score_mode_by_hand() -> None:
    text = "Ann Lee said taxes rise. Rain fell. Bo Kim warned of cuts. Then it ended."

    def claim(a: int, b: int) -> Claim:
        return Claim(f"c{a}", a, b, text[a:b])

    def span(ab: tuple[int, int] | None) -> Span | None:
        return Span(ab[0], ab[1], text[ab[0] : ab[1]]) if ab else None

    def att(src: tuple[int, int], cue: tuple[int, int] | None = None) -> Attribution:
        return Attribution(True, False, text[src[0] : src[1]], span(src), "unnamed", span(cue))

    items = [
        # right, with exact source and cue
        (text, claim(0, 24), GoldClaim(True, [(0, 7)], [(8, 12)]), att((0, 7), (8, 12))),
        # right: neither attributed
        (text, claim(25, 35), GoldClaim(False), Attribution()),
        # right, source overlapping but not exact, no cue found
        (text, claim(36, 58), GoldClaim(True, [(36, 42)], [(43, 49)]), att((39, 42))),
        # wrong: attributed where the gold is not, with a source and no cue
        (text, claim(59, 73), GoldClaim(False), att((59, 63))),
    ]
    s = score_mode(items, n_boot=0, seed=0)
    assert s["accuracy"] == 0.75 and s["attributed_share"] == 0.5
    assert s["per_class"]["attributed"]["precision"] == pytest.approx(2 / 3)
    assert s["per_class"]["attributed"]["recall"] == 1.0
    assert s["source_overlap_rate"] == 1.0
    src, cue = s["source"], s["cue"]
    assert (src["n_pred"], src["n_gold"]) == (3, 2)
    assert src["exact"] == pytest.approx({"precision": 1 / 3, "recall": 0.5, "f1": 0.4})
    assert src["overlap"] == pytest.approx({"precision": 2 / 3, "recall": 1.0, "f1": 0.8})
    assert (cue["n_pred"], cue["n_gold"]) == (1, 2)
    assert cue["exact"] == pytest.approx({"precision": 1.0, "recall": 0.5, "f1": 2 / 3})


def test_run_records_every_mode_on_the_tiny_polnear(
    tmp_path: Path, head_dirs: dict[str, str]
) -> None:
    root = write_polnear(tmp_path)
    cfg = PipelineConfig(model_dir=list(head_dirs.values()), device="cpu")
    run = run_polnear_evaluation(cfg, root, "test", tmp_path / "exp", n_boot=20)

    assert run.parent == tmp_path / "exp" / "evaluate_polnear"
    assert records.read_json(run / "status.json")["status"] == "complete"
    m = records.read_json(run / "metrics.json")
    assert (m["split"], m["articles"], m["articles_without_claims"]) == ("test", 2, [])
    # no gold-unattributed claim here is mostly made of attribution spans
    # the shipped tagger and decision too
    modes = ["rules", "learned", "combined", "tagger", "rules_tagger", "ensemble"]
    assert m["unattributed_mostly_attribution"] == {
        "n": 0,
        "predicted_attributed": dict.fromkeys(modes, 0),
    }
    assert list(m["modes"]) == list(m["modes_scheme"]) == modes
    rows = [json.loads(x) for x in (run / "predictions.jsonl").read_text().splitlines()]
    # body sentences only (the headlines are not claims): 3 + 2 claims
    assert [r["text"] for r in rows] == [
        "Senator Ann Cole said that the budget would certainly pass before the end of next week.",
        "Markets were calm on Tuesday.",
        "“We will not give in to pressure from the unions this year or next,” Mayor Dana Price "
        "told reporters.",
        "The harbor reopened on Monday after a long strike.",
        "Officials warned that repairs could take months to finish.",
    ]
    assert [r["gold"]["attributed"] for r in rows] == [True, False, True, False, True]
    assert [r["gold_scheme_attributed"] for r in rows] == [True, False, True, False, True]
    assert [r["gold_attribution_cover"] for r in rows][1::2] == [0.0, 0.0]
    # uncovered: "that" and "." (5 of 72 and of 50 characters), "reporters." (10 of 83)
    assert [r["gold_attribution_cover"] for r in rows][::2] == [0.9306, 0.8795, 0.9]
    # the rules attribute exactly the three attributed claims, with the annotated sources
    rules = m["modes"]["rules"]
    assert rules["accuracy"] == 1.0 and rules["n"] == 5
    assert [r["attribution_rules"]["attributed"] for r in rows] == [True, False, True, False, True]
    assert rules["source"]["exact"]["f1"] == 1.0
    # the rules' cue "told reporters" overlaps the annotated "told" but is not it
    assert rules["cue"]["exact"]["f1"] == pytest.approx(2 / 3)
    assert rules["cue"]["overlap"]["f1"] == 1.0
    # the shipped tagger, on plain copy, finds the same claims and the senator by name
    assert [r["attribution_tagger"]["attributed"] for r in rows] == [
        True,
        False,
        True,
        False,
        True,
    ]
    assert rows[0]["attribution_tagger"]["source"] == "Ann Cole"
    meta = records.read_json(run / "meta.json")
    assert meta["n_claims"] == 5 and meta["skipped_records"] == []
    assert records.read_json(run / "metrics.json")["meta"]["data_fingerprint"]


def test_evaluate_dataset_polnear_missing_folder_is_one_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="dataset polnear not found"):
        evaluate_dataset("polnear", "test", str(tmp_path / "nope"), str(tmp_path / "exp"))
    assert not (tmp_path / "exp").exists()
