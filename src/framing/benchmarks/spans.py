"""The PolNeAR attribution benchmark: train the span tagger, then score rules, learned and
combined attribution on PolNeAR test and on the project corpus's test articles; record it all.

Modes, on every sentence:
- rules: the pipeline's rule attribution (`framing.pipeline.attribution.attribute`,
  sentences as claims); its Source and Cue spans as found, Content = the rest of an
  attributed sentence's words.
- learned: the tagger's spans (the pipeline's `attribution=tagger`).
- combined: the rules' spans where the rules attribute the sentence, else the tagger's (the
  pipeline's `attribution=rules_tagger`).
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from framing.benchmarks.evaluate import attribution_scores, corpus_claims
from framing.benchmarks.span_scores import sentence_scores, span_scores
from framing.core.errors import InputError
from framing.core.paths import project_path
from framing.data.corpus import fingerprint
from framing.data.polnear import (
    ROLES,
    Article,
    RoleSpan,
    Sentence,
    load_polnear,
    sentences,
    words,
)
from framing.data.public import Skipped
from framing.data.tasks import corpus_splits
from framing.learning.base import set_seed
from framing.learning.checkpoint import remove_checkpoint, resumed_run, training_run
from framing.learning.tagger import TokenTagger
from framing.pipeline.article import Attribution, Claim
from framing.pipeline.attribution import attribute
from framing.pipeline.claims import load_nlp
from framing.pipeline.tagged import learned_attribution
from framing.runs import records
from framing.runs.config import TrainConfig

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

MODES = ("rules", "learned", "combined")
SpanT = tuple[str, int, int]
_ALNUM = re.compile(r"\w")


def dev_select(texts: list[str], gold: list[list[SpanT]], pred: list[list[SpanT]]) -> float:
    """Checkpoint choice on dev: mean overlap F1 of Source, Cue and Content."""
    s = span_scores(texts, gold, pred)
    return float(np.mean([s[f"{r.lower()}_overlap"]["f1"] for r in ROLES]))


# ------------------------------------------------------------------------------------- rules


def content_from(text: str, taken: list[tuple[int, int]]) -> list[SpanT]:
    """Content spans of a rule-attributed sentence: the runs of words outside the source and
    cue spans that hold a letter or digit.

    >>> content_from("Prices rise, he said.", [(13, 15), (16, 20)])
    [('Content', 0, 12)]
    """
    runs: list[list[int]] = []
    prev_in = True
    for a, b in words(text):
        inside = any(a < e and b > s for s, e in taken)
        if inside:
            prev_in = True
            continue
        if prev_in or not runs:
            runs.append([a, b])
        else:
            runs[-1][1] = b
        prev_in = False
    out = [("Content", a, b) for a, b in runs if _ALNUM.search(text[a:b])]
    # a run of one word ("he said Monday.") is not the content, unless no run has more
    longer = [c for c in out if _n_words(text[c[1] : c[2]]) > 1]
    return longer or out[:1]


def _n_words(text: str) -> int:
    """Words holding a letter or digit (punctuation does not count)."""
    return sum(1 for a, b in words(text) if _ALNUM.search(text[a:b]))


def rule_spans(article_text: str, sents: list[Sentence], nlp: Language) -> list[list[SpanT]]:
    """Source / Cue / Content spans per sentence from the rule-based attribution."""
    claims = [Claim(f"s{k}", s.start, s.start + len(s.text), s.text) for k, s in enumerate(sents)]
    out = []
    for sent, claim in zip(sents, attribute(claims, article_text, nlp)):
        att = claim.attribution
        if not att.attributed:
            out.append([])
            continue
        lo, hi = sent.start, sent.start + len(sent.text)
        spans: list[SpanT] = []
        for role, span in (("Source", att.source_span), ("Cue", att.cue)):
            if span is not None and lo <= span.start and span.end <= hi:
                spans.append((role, span.start - lo, span.end - lo))
        spans += content_from(sent.text, [(s, e) for _, s, e in spans])
        out.append(sorted(spans, key=lambda x: x[1]))
    return out


def polnear_scores(
    articles: list[Article],
    sents_by_article: list[list[Sentence]],
    learned: list[list[SpanT]],
    nlp: Language,
) -> tuple[dict, list[dict]]:
    """Span and sentence scores of each mode on the articles' sentences (`sentences(a)` of each
    article, in order; `learned` the tagger's spans of them), and prediction rows."""
    flat = [s for ss in sents_by_article for s in ss]
    rules: list[list[SpanT]] = []
    for a, ss in zip(articles, sents_by_article):
        rules += rule_spans(a.text, ss, nlp)
    preds = {
        "rules": rules,
        "learned": learned,
        "combined": [rp if rp else lp for lp, rp in zip(learned, rules)],
    }
    texts = [s.text for s in flat]
    gold = [s.spans for s in flat]
    metrics = {
        m: {"spans": span_scores(texts, gold, p), "sentences": sentence_scores(gold, p)}
        for m, p in preds.items()
    }
    rows = [
        {
            "split": "test",
            "id": s.id,
            "text": s.text,
            "gold": [list(x) for x in s.spans],
            **{m: [list(x) for x in preds[m][k]] for m in MODES},
        }
        for k, s in enumerate(flat)
    ]
    return metrics, rows


# ------------------------------------------------------------------ in-domain (project corpus)


def corpus_sentences(doc: dict) -> list[Sentence]:
    """A corpus article's claim sentences as span-tagging examples, in PolNeAR's terms: an
    attributed claim's source mention and cue are its Source and Cue, the rest of its words
    (`content_from`) its Content; a continuation (implicit) claim is all Content. Sentences
    outside every claim (byline, dateline, captions) are left out."""
    kinds = tuple({c["kind"] for c in doc["claims"]})
    spans: list[RoleSpan] = []
    claims = corpus_claims(doc, kinds)
    for c in claims:
        att = c.attribution
        if not att.attributed:
            continue
        taken = []
        for role, span in (("Source", att.source_span), ("Cue", att.cue)):
            if span is not None:
                spans.append(RoleSpan(role, [(span.start, span.end)]))
                taken.append((span.start - c.start, span.end - c.start))
        for _, a, b in content_from(c.text, taken):
            spans.append(RoleSpan("Content", [(c.start + a, c.start + b)]))
    article = Article(doc["article_id"], "corpus", "corpus", doc["text"], spans)
    return [
        s
        for s in sentences(article)
        if any(c.start < s.start + len(s.text) and c.end > s.start for c in claims)
    ]


def corpus_scores(docs: list[dict], tagger: TokenTagger, nlp: Language) -> dict:
    """Attribution scores of each mode on the gold claims of corpus articles."""
    pairs: dict[str, list] = {m: [] for m in MODES}
    for d in docs:
        gold = corpus_claims(d)
        bare = [replace(c, attribution=Attribution()) for c in gold]
        rules = attribute(bare, d["text"], nlp)
        learned = learned_attribution(bare, d["text"], tagger)
        combined = [
            r if r.attribution.attributed else replace(r, attribution=la)
            for r, la in zip(rules, learned)
        ]
        pairs["rules"].append((gold, rules))
        pairs["learned"].append((gold, [replace(c, attribution=a) for c, a in zip(bare, learned)]))
        pairs["combined"].append((gold, combined))
    return {m: attribution_scores(p)["exact"] for m, p in pairs.items()}


# ------------------------------------------------------------------------------------ the run


def run_span_experiment(
    cfg: TrainConfig, overrides: list[str] | None = None, job: int | None = None
) -> Path:
    """Train the tagger on PolNeAR train (best dev checkpoint), score test and the corpus."""
    if cfg.data.kind != "polnear":
        raise InputError(f"task {cfg.task.name} needs data=polnear, got data.kind={cfg.data.kind}")
    if cfg.model.family != "tagger":
        raise InputError(f"task {cfg.task.name} needs model=tagger, got {cfg.model.family}")
    resumed = resumed_run(cfg)
    skipped = Skipped()
    split_articles = {s: load_polnear(cfg.data.root, s, skipped) for s in ("train", "dev", "test")}
    by_article = {s: [sentences(a) for a in arts] for s, arts in split_articles.items()}
    split_sents = {s: [x for ss in v for x in ss] for s, v in by_article.items()}
    corpus, corpus_fp = corpus_splits(cfg.data.in_domain) if cfg.data.in_domain else ({}, None)
    nlp = load_nlp()
    set_seed(cfg.seed)
    tagger = TokenTagger(cfg.model, cfg.seed)

    with training_run(cfg, overrides, job, resumed) as run_dir:
        start = time.perf_counter()
        train, dev, test = (split_sents[s] for s in ("train", "dev", "test"))
        extra = [s for d in corpus.get("train", []) for s in corpus_sentences(d)]
        train = train + extra * cfg.data.in_domain_copies
        log.info(
            "training the span tagger on %d PolNeAR sentences and %d corpus sentences x %d",
            len(split_sents["train"]),
            len(extra),
            cfg.data.in_domain_copies,
        )
        tagger.fit(
            [s.text for s in train],
            [s.spans for s in train],
            dev=([s.text for s in dev], [s.spans for s in dev]),
            select=dev_select,
            checkpoint=run_dir / "checkpoint",
            resume=resumed is not None,
        )
        dev_pred = tagger.predict([s.text for s in dev])
        dev_scores = {
            "spans": span_scores([s.text for s in dev], [s.spans for s in dev], dev_pred),
            "sentences": sentence_scores([s.spans for s in dev], dev_pred),
        }
        learned = tagger.predict([s.text for s in test])
        test_scores, rows = polnear_scores(
            split_articles["test"], by_article["test"], learned, nlp
        )
        in_domain = corpus_scores(corpus["test"], tagger, nlp) if corpus else {}
        in_domain_dev = corpus_scores(corpus["dev"], tagger, nlp) if corpus else {}
        records.write_predictions(run_dir / "predictions.jsonl", rows)
        if cfg.save_model:
            tagger.save(run_dir / "model")
        root = project_path(cfg.data.root)
        files = [
            p
            for s in ("train", "dev", "test")
            for p in (root / "data" / s / "attributions").glob("*.ann")
        ]
        meta = records.run_metadata(
            cfg.seed,
            str(tagger.device),
            fingerprint(files),
            cfg.schema.version,
            time.perf_counter() - start,
        )
        meta["n_examples"] = {s: len(v) for s, v in split_sents.items()}
        meta["n_corpus_train_sentences"] = len(extra) * cfg.data.in_domain_copies
        meta["n_articles"] = {s: len(v) for s, v in split_articles.items()}
        meta["corpus_fingerprint"] = corpus_fp
        meta["skipped_records"] = skipped.items
        meta["history"] = tagger.history
        meta["truncated_sentences"] = tagger.truncated  # longer than model.max_length tokens
        meta["resumes"] = tagger.resumes  # steps a killed run was resumed from (resume=)
        records.write_json(run_dir / "meta.json", meta)
        sent = test_scores["learned"]["sentences"]
        records.write_json(
            run_dir / "metrics.json",
            {
                "name": cfg.name,
                "task": cfg.task.name,
                "family": cfg.model.family,
                "model_name": cfg.model.name,
                "data": cfg.data.name,
                "schema_version": cfg.schema.version,
                "seed": cfg.seed,
                "labels": list(ROLES),
                # for compare.py: sentence-level attributed-or-not of the learned tagger
                "evals": ["dev", "test"],
                "dev": {**dev_scores["sentences"], "macro_f1_ci95": [None, None]},
                "test": {**sent, "macro_f1_ci95": [None, None]},
                "polnear_dev": dev_scores,
                "polnear_test": test_scores,
                "corpus_dev": in_domain_dev,
                "corpus_test": in_domain,
                "meta": meta,
            },
        )
        records.set_status(run_dir, "complete")
        remove_checkpoint(run_dir / "checkpoint")  # the results are written: not needed
    return run_dir
