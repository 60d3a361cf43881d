"""The HTML report (pipeline/html_*.py, scripts/report.py): article pages, the index and its
CSV tables from hand-made rows; every rows format; bad input; and the founding article through
the real default pipeline, loaded in headless Chromium."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, SCRIPTS, run_script

from framing.core.errors import InputError
from framing.pipeline.html_index import bootstrap_shares
from framing.pipeline.html_report import write_report
from framing.pipeline.html_rows import read_rows
from framing.pipeline.report import write_rows

SEED = REPO.parent / "shared" / "articles" / "000_9441d596a4cd1f47.txt"
FRAMES = ("defensive_cooperation", "threat", "neutral_report")
EVIL = '<img src=x onerror="window.pwned=1"></script><script>window.pwned=1</script>'


def make_article(article_id: str, sentences: list[dict], outlet: str | None = "Daily A"):
    """(text, rows) of an article whose sentences are its claims; each sentence dict gives the
    claim's text and optionally source (a phrase in it), cue, frame, stance, probabilities."""
    text, rows = "Headline of " + article_id + "\n\n", []
    for k, s in enumerate(sentences, 1):
        start = len(text)
        text += s["text"] + " "
        frame, stance = s.get("frame", "neutral_report"), s.get("stance", "neutral")
        fp, sp = s.get("fp", 0.9), s.get("sp", 0.9)
        row = {
            "article_id": article_id,
            "claim_id": f"c{k:03d}",
            "text": s["text"],
            "start": start,
            "end": start + len(s["text"]),
            "kind": "body",
            "attributed": "source" in s,
            "implicit": False,
            "source": s.get("source"),
            "source_type": s.get("type", "unnamed") if "source" in s else None,
            "cue": s.get("cue"),
            "stance": stance,
            "stance_probs": _probs(("favor", "against", "neutral"), stance, sp),
            "frame": frame,
            "frame_probs": _probs(FRAMES, frame, fp),
            "source_span": _span(s, start, "source"),
            "cue_span": _span(s, start, "cue"),
            "channel": None,
            "channel_span": None,
            "content_span": None,
            "target": "the drills",
            "title": f"Title {article_id}",
            "date": "2024-05-01",
            "author": None,
        }
        if outlet is not None:
            row["outlet"] = outlet
        rows.append(row)
    return text, rows


def _probs(labels, top: str, p: float) -> dict[str, float]:
    rest = (1 - p) / (len(labels) - 1)
    return {x: round(p if x == top else rest, 4) for x in labels}


def _span(s: dict, start: int, key: str) -> list[int] | None:
    if key not in s:
        return None
    at = s["text"].index(s[key])
    return [start + at, start + at + len(s[key])]


SAID = {"text": "Critics said the drill was dangerous.", "source": "Critics", "cue": "said"}
CORPUS = {
    "a1": [
        {**SAID, "frame": "threat", "stance": "against"},
        {"text": "The ships sailed on Monday.", "fp": 0.45},
        {
            "text": "Ada Quill told reporters the drill was routine.",
            "source": "Ada Quill",
            "type": "named_person",
            "cue": "told",
            "frame": "defensive_cooperation",
            "stance": "favor",
        },
    ],
    "a2": [{"text": "The drill ended.", "sp": 0.5}, {**SAID, "frame": "threat"}],
    "b1": [{"text": "Analysts said it was calm.", "source": "Analysts", "cue": "said"}],
}


def corpus(outlets=(("a1", "Daily A"), ("a2", "Daily A"), ("b1", "Daily B"))):
    texts, rows = {}, []
    for aid, outlet in outlets:
        texts[aid], article_rows = make_article(aid, CORPUS[aid], outlet)
        rows += article_rows
    return texts, rows


def marks(html: str) -> list[str]:
    return re.findall(r'<mark class="claim[^"]*"', html)


# ------------------------------------------------------------------ pages and tables


def test_article_page_highlights_every_claim_marks_sources_cues_and_low_confidence(
    tmp_path: Path,
) -> None:
    texts, rows = corpus()
    index = write_report(rows, tmp_path / "r", texts=texts, resamples=200)
    html = (tmp_path / "r" / "articles" / "a1.html").read_text()
    assert len(marks(html)) == 3
    assert html.count('class="claim fr-') == 3 and marks(html)[1].endswith(' low"')
    assert '<span class="src" title="source: Critics (unnamed)">Critics</span>' in html
    assert '<span class="cue" title="cue: said">said</span>' in html
    assert '<td class="source">Ada Quill</td><td>named_person</td>' in html
    assert "frame neutral_report (45%)" in html  # the probability on hover
    assert "low confidence: frame" in html
    assert "Headline of a1" in html and "Title a1" in html  # the full text, the row's title
    assert html.count("<svg") >= 4  # frames, stance, source types, attributed/unnamed
    a2 = (tmp_path / "r" / "articles" / "a2.html").read_text()
    assert 'class="st st-neutral low"' in a2  # a stance under 60%
    assert index == tmp_path / "r" / "index.html"


def test_several_targets_get_a_badge_and_a_column_each(tmp_path: Path) -> None:
    text, rows = make_article("m", CORPUS["a1"])
    for r in rows:
        r["stances"] = {
            "the drills": {"stance": r["stance"], "probs": r["stance_probs"]},
            "the alliance": {"stance": "favor", "probs": {"favor": 0.5, "neutral": 0.5}},
        }
    write_report(rows, tmp_path / "r", texts={"m": text}, resamples=50)
    html = (tmp_path / "r" / "articles" / "m.html").read_text()
    assert html.count('class="st st-favor low" title="the alliance: favor (50%)"') == 3
    assert "<th>stance: the drills</th><th>stance: the alliance</th>" in html
    index = (tmp_path / "r" / "index.html").read_text()
    assert index.count("<th>stance: the drills</th><th>stance: the alliance</th>") == 2
    assert "<td>Critics</td><td>threat</td><td>against</td><td>favor</td>" in index
    stance = list(csv.DictReader(open(tmp_path / "r" / "stance_shares.csv")))
    assert {r["target"] for r in stance} == {"the drills", "the alliance"}


def test_article_text_is_escaped_and_scripts_in_it_cannot_run(tmp_path: Path) -> None:
    text, rows = make_article("x<y>", [{"text": f"Bad {EVIL} words.", "source": EVIL}])
    rows[0]["source_span"] = None
    rows[0]["title"] = EVIL
    write_report(rows, tmp_path / "r", texts={"x<y>": text}, group_by="title", resamples=20)
    for page in (tmp_path / "r").rglob("*.html"):
        html = page.read_text()
        assert "<img" not in html and "window.pwned=1</script>" not in html, page.name
        assert html.count("<script") == (2 if "articles" in str(page) else 0)
    assert [p.name for p in (tmp_path / "r" / "articles").iterdir()] == ["x_y-55d5ece5.html"]


def test_claims_are_shown_alone_when_no_text_fits_their_offsets(tmp_path: Path) -> None:
    text, rows = make_article("a1", CORPUS["a1"])
    file = tmp_path / "a1.txt"
    file.write_text(text, encoding="utf-8")
    for r in rows:
        r["path"] = str(file)
    write_report(rows, tmp_path / "r1")  # no texts: the file is re-read and fits
    html = (tmp_path / "r1" / "articles" / "a1.html").read_text()
    assert "Headline of a1" in html and "claims-only" not in html.split("<body>")[1]
    file.write_text("Changed since.\n\n" + text, encoding="utf-8")
    write_report(rows, tmp_path / "r2")
    html = (tmp_path / "r2" / "articles" / "a1.html").read_text()
    assert f"{file} no longer holds the claims at their offsets" in html
    assert 'class="text claims-only"' in html and len(marks(html)) == 3
    assert "Headline of a1" not in html
    for r in rows:
        del r["path"]
    write_report(rows, tmp_path / "r3", texts={"a1": "too short"})
    assert (
        "the text given does not hold the claims" in (tmp_path / "r3/articles/a1.html").read_text()
    )


def test_index_groups_by_outlet_with_bootstrap_intervals_and_csv_tables(tmp_path: Path) -> None:
    texts, rows = corpus()
    write_report(rows, tmp_path / "r", texts=texts, resamples=500, seed=3)
    out = tmp_path / "r"
    html = (out / "index.html").read_text()
    for name in ("articles", "frame_shares", "stance_shares", "frame_by_source_type"):
        assert f'href="{name}.csv"' in html and (out / f"{name}.csv").is_file()
    assert 'href="claims_by_source_type.csv"' in html and 'href="unnamed_claims.csv"' in html
    assert re.findall(r'class="article" href="([^"]+)"', html) == [
        "articles/a1.html",
        "articles/a2.html",
        "articles/b1.html",
    ]
    shares = {(r["group"], r["label"]): r for r in csv.DictReader(open(out / "frame_shares.csv"))}
    threat = shares["Daily A", "threat"]
    assert (threat["share"], threat["claims"], threat["of_claims"]) == ("0.4", "2", "5")
    assert float(threat["lo"]) <= 0.4 <= float(threat["hi"]) and threat["articles"] == "2"
    b = shares["Daily B", "neutral_report"]  # one article: no spread to resample
    assert (b["share"], b["lo"], b["hi"]) == ("1.0", "1.0", "1.0")
    assert shares["all articles", "threat"]["of_claims"] == "6"
    cross = {
        (r["group"], r["frame"]): r for r in csv.DictReader(open(out / "frame_by_source_type.csv"))
    }
    assert cross["all articles", "threat"]["unnamed"] == "2"
    assert cross["all articles", "neutral_report"]["own voice"] == "2"
    unnamed = list(csv.DictReader(open(out / "unnamed_claims.csv")))
    assert [(r["group"], r["source"]) for r in unnamed] == [
        ("Daily A", "Critics"),
        ("Daily A", "Critics"),
        ("Daily B", "Analysts"),
    ]
    by_type = {
        (r["group"], r["source_type"]): r
        for r in csv.DictReader(open(out / "claims_by_source_type.csv"))
    }
    assert by_type["all articles", "unnamed"]["claims"] == "3"
    assert by_type["all articles", "unnamed"]["share"] == "0.5"
    first = (out / "frame_shares.csv").read_text()
    write_report(rows, out, texts=texts, resamples=500, seed=3)  # replaces its own report
    assert (out / "frame_shares.csv").read_text() == first  # a fixed seed


def test_group_by_any_field_and_articles_without_it(tmp_path: Path) -> None:
    texts, rows = corpus((("a1", "Daily A"), ("b1", None)))
    write_report(rows, tmp_path / "r", texts=texts, resamples=50)
    groups = {
        r["article_id"]: r["group"] for r in csv.DictReader(open(tmp_path / "r/articles.csv"))
    }
    assert groups == {"a1": "Daily A", "b1": "unknown"}
    write_report(rows, tmp_path / "d", texts=texts, group_by="date", resamples=50)
    assert "No article has" not in (tmp_path / "d" / "index.html").read_text()
    write_report(rows, tmp_path / "n", texts=texts, group_by="desk", resamples=50)
    assert "No article has a <code>desk</code> field" in (tmp_path / "n/index.html").read_text()


def test_provenance_is_in_the_footer_of_every_page(tmp_path: Path) -> None:
    texts, rows = corpus()
    made = {"framing": "0.1.0", "git": {"commit": "abc123def456789", "dirty": True}}
    write_report(rows, tmp_path / "r", texts=texts, provenance=made, resamples=20)
    for page in (tmp_path / "r").rglob("*.html"):
        assert "Made by framing 0.1.0; git abc123def456 (uncommitted changes)" in page.read_text()


def test_bootstrap_shares() -> None:
    same = np.array([[1, 3], [1, 3], [1, 3]], float)
    share, lo, hi = bootstrap_shares(same, same.sum(1), resamples=100)
    assert share.tolist() == lo.tolist() == hi.tolist() == [0.25, 0.75]
    counts = np.array([[0, 4], [4, 0], [2, 2], [1, 3]], float)
    share, lo, hi = bootstrap_shares(counts, counts.sum(1), resamples=2000, seed=1)
    assert share.tolist() == [7 / 16, 9 / 16]
    assert 0.05 < lo[0] < share[0] < hi[0] < 0.85
    again = bootstrap_shares(counts, counts.sum(1), resamples=2000, seed=1)
    assert again[1].tolist() == lo.tolist()


# ------------------------------------------------------------------ rows files and bad input


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_every_rows_format_gives_the_same_report(tmp_path: Path, fmt: str) -> None:
    texts, rows = corpus()
    write_report(rows, tmp_path / "ref", resamples=100)
    path = tmp_path / f"rows.{fmt}"
    write_rows(rows, path)
    write_report(read_rows(path), tmp_path / "r", resamples=100)
    for name in ("articles.csv", "frame_shares.csv", "claims_by_source_type.csv"):
        assert (tmp_path / "r" / name).read_text() == (tmp_path / "ref" / name).read_text()
    ref = (tmp_path / "ref" / "articles" / "a1.html").read_text()
    assert (tmp_path / "r" / "articles" / "a1.html").read_text() == ref


def report(*args: str, cwd: Path = REPO):
    return run_script("report.py", *args, cwd=cwd)


def test_script_writes_a_report_from_a_parquet_folder(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from framing.pipeline.report import flat

    _, rows = corpus()
    (tmp_path / "rows.parquet").mkdir()
    for k, part in enumerate((rows[:3], rows[3:])):
        table = pa.Table.from_pylist([flat(r) for r in part])
        pq.write_table(table, tmp_path / "rows.parquet" / f"part-{k:05d}.parquet")
    res = report("rows.parquet", "out=rep", "group_by=outlet", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stderr == f"wrote {Path('rep') / 'index.html'}\n"
    assert len(list((tmp_path / "rep" / "articles").iterdir())) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep", "rows.parquet"]


def bad_rows(tmp_path: Path) -> Path:
    _, rows = corpus()
    path = tmp_path / "rows.csv"
    write_rows([{k: v for k, v in r.items() if k not in ("frame", "stance")} for r in rows], path)
    return path


@pytest.mark.parametrize(
    "case, message",
    [
        ("missing", "error: {d}/nope.jsonl: no such rows file"),
        ("columns", "error: {d}/rows.csv: missing columns ['stance', 'frame']; a rows file needs"),
        (
            "parent is a file",
            "error: out={d}/rows.csv/rep: {d}/rows.csv is not an existing folder",
        ),
        ("other folder", "error: out={d}/other: a folder with other files in it"),
        ("read-only", "error: out=/sys/framing-report: cannot write in /sys ("),
        ("option", "error: unknown options ['groupby']"),
        ("threshold", "error: low_confidence=2.0: expected a number in (0, 1]"),
    ],
)
def test_bad_input_is_one_error_line_and_nothing_written(
    tmp_path: Path, case: str, message: str
) -> None:
    rows = bad_rows(tmp_path)
    good = tmp_path / "good.jsonl"
    write_rows(corpus()[1], good)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    args = {
        "missing": [str(tmp_path / "nope.jsonl"), f"out={tmp_path}/rep"],
        "columns": [str(rows), f"out={tmp_path}/rep"],
        "parent is a file": [str(good), f"out={rows}/rep"],
        "other folder": [str(good), f"out={tmp_path}/other"],
        "read-only": [str(good), "out=/sys/framing-report"],  # sysfs: even root cannot
        "option": [str(good), f"out={tmp_path}/rep", "groupby=outlet"],
        "threshold": [str(good), f"out={tmp_path}/rep", "low_confidence=2"],
    }[case]
    if case == "read-only" and not Path("/sys/kernel").is_dir():
        pytest.skip("no sysfs at /sys")
    before = sorted(p.name for p in tmp_path.iterdir())
    res = report(*args)
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.count("\n") == 1 and res.stderr.startswith(message.format(d=tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert [p.name for p in (tmp_path / "other").iterdir()] == ["notes.txt"]


def test_a_failure_midway_keeps_the_previous_report(tmp_path: Path) -> None:
    texts, rows = corpus()
    write_report(rows, tmp_path / "r", texts=texts, resamples=20)
    before = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    broken = rows[:5] + [{k: v for k, v in rows[5].items() if k != "frame"}]
    with pytest.raises(InputError, match=r"a row of article b1 lacks \['frame'\]"):
        write_report(broken, tmp_path / "r", texts=texts)
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == before
    with pytest.raises(InputError, match="no claim rows to report"):
        write_report([], tmp_path / "empty")
    assert not (tmp_path / "empty").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_an_unwritable_folder_is_one_error_line(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    write_rows(corpus()[1], rows)
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    res = report(str(rows), f"out={locked}/rep")
    assert res.returncode == 2
    assert res.stderr.startswith(f"error: out={locked}/rep: cannot write in {locked}")


def test_the_report_loads_neither_torch_nor_transformers() -> None:
    code = (
        "import sys, framing.pipeline.html_report, framing.pipeline.html_rows; "
        "print(sorted(m for m in ('torch', 'transformers', 'pandas') if m in sys.modules))"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0 and res.stdout.strip() == "[]", res.stderr


# ------------------------------------------------------------------ in a real browser


def browser_or_skip():
    """Headless Chromium under selenium, or a skip saying what is missing."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.skip(
            "Debian's chromium and chromium-driver are not installed (.ci/run installs them)"
        )
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed (pip install -e '.[dev]')")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver), options=options)


@pytest.fixture(scope="module")
def browser():
    driver = browser_or_skip()
    yield driver
    driver.quit()


def load(driver, page: Path) -> list[dict]:
    """Open a page; the console messages at error level it logged."""
    driver.get(page.as_uri())
    assert driver.execute_script("return document.readyState") == "complete"
    return [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]


@pytest.mark.slow
@pytest.mark.skipif(not SEED.exists(), reason="founding article not in ../shared")
def test_founding_article_report_in_a_browser(browser, tmp_path: Path) -> None:
    """The real default pipeline on the founding article, its rows file to report.py, and every
    page in headless Chromium: no console error, every source in the sources table, one
    highlight per row, the index listing the article, probabilities shown on click."""
    from selenium.webdriver.common.by import By

    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    rows_file = tmp_path / "claims.jsonl"
    res = subprocess.run(
        [sys.executable, str(SCRIPTS / "infer.py"), str(SEED), f"out={rows_file}"],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    rows = [json.loads(line) for line in rows_file.read_text().splitlines()]
    res = report(str(rows_file), f"out={tmp_path / 'rep'}")
    assert res.returncode == 0, res.stderr
    page = tmp_path / "rep" / "articles" / f"{SEED.stem}.html"
    assert load(browser, page) == []
    assert browser.find_elements(By.CSS_SELECTOR, "p.note") == []  # the text was re-read
    highlighted = browser.find_elements(By.CSS_SELECTOR, "#text mark.claim")
    assert len(highlighted) == len(rows) > 25
    listed = {e.text for e in browser.find_elements(By.CSS_SELECTOR, "#sources td.source")}
    sources = {r["source"] for r in rows if r["attributed"] and r["source"]}
    assert sources and sources <= listed
    assert {"Zhang Hong", "Vladimir Putin"} <= listed
    low = browser.find_elements(By.CSS_SELECTOR, "#text mark.claim.low")
    assert len(low) == sum(
        max(r["frame_probs"].values()) < 0.6 or max(r["stance_probs"].values()) < 0.6 for r in rows
    )
    highlighted[0].click()
    detail = browser.find_element(By.ID, "detail").text
    assert f"Claim {rows[0]['claim_id']}" in detail and "%" in detail
    assert "Made by framing" in browser.find_element(By.TAG_NAME, "footer").text
    assert load(browser, tmp_path / "rep" / "index.html") == []
    links = browser.find_elements(By.CSS_SELECTOR, "a.article")
    assert [a.get_attribute("href") for a in links] == [page.as_uri()]


def test_hand_made_report_in_a_browser(browser, tmp_path: Path) -> None:
    """Every page of a small corpus loads without a console error; text that looks like HTML
    stays text (no script in it runs); the index lists every article."""
    from selenium.webdriver.common.by import By

    texts, rows = corpus()
    text, evil = make_article("evil", [{"text": f"Bad {EVIL} words.", "source": EVIL}])
    evil[0]["source_span"] = None
    texts["evil"] = text
    write_report(rows + evil, tmp_path / "r", texts=texts, resamples=50)
    pages = sorted((tmp_path / "r").rglob("*.html"))
    assert len(pages) == 5
    for page in pages:
        assert load(browser, page) == [], page.name
        assert browser.execute_script("return window.pwned") is None
    load(browser, tmp_path / "r" / "articles" / "evil.html")
    assert EVIL in browser.find_element(By.CSS_SELECTOR, "#sources td.source").text
    assert f"Bad {EVIL} words." in browser.find_element(By.ID, "text").text
    load(browser, tmp_path / "r" / "index.html")
    links = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "a.article")]
    assert links == ["Title a1", "Title a2", "Title evil", "Title b1"]
