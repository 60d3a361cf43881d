"""Article -> claim rows: layout, claims, attribution (rules, learned or combined), stance, frame.

Only composes the stage modules; each row is the JSONL object `scripts/infer.py` prints.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from framing.core.compose import compose
from framing.core.errors import InputError, one_line
from framing.data.claims import context_of
from framing.data.corpus import DEFAULT_TARGET
from framing.pipeline.article import Attribution, Claim, Document
from framing.pipeline.attribution import attribute
from framing.pipeline.claims import load_nlp, split_claims
from framing.pipeline.heads import Head, load_heads, onnx_encoders, predict
from framing.pipeline.merge import content_span
from framing.pipeline.segment import segment
from framing.pipeline.tagged import COVERS, learned_attribution, load_span_tagger

log = logging.getLogger(__name__)

ATTRIBUTION_MODES = ("rules", "learned", "combined")
# With the span tagger (span_tagger=default or a run): its decision and spans, the source resolved
# by the rules' reading of the article; or rules first, then the tagger.
TAGGER_MODES = ("tagger", "rules_tagger")
HEAD_TASKS = ("framing", "stance", "attribution", "source_type")


@dataclass
class PipelineConfig:
    """What `scripts/infer.py` and `scripts/evaluate.py` run (configs/infer.yaml)."""

    targets: list[str] = field(default_factory=lambda: [DEFAULT_TARGET])
    model_dir: list[str] = field(default_factory=list)  # run folders replacing default heads
    device: str = "auto"
    include_headline: bool = False
    attribution: str = "rules_tagger"  # rules | learned | combined | tagger | rules_tagger
    span_tagger: str | None = "default"  # the shipped tagger, or a polnear_tagger run folder
    tagger_cover: str = "content"  # content | spans: what makes the tagger call a claim attributed
    backend: str = (
        "onnx"  # onnx (ONNX Runtime on CPU for the encoders: same labels, faster) | torch
    )
    # frame, stance and attribution from one fine-tuned claim model reading each claim in
    # context: the shipped one (default, when present), a task=claims run folder, or null for
    # the frozen-encoder heads
    claim_model: str | None = "default"
    # the label scheme: a configs/schema/<name>.yaml name (infer.py schema=<name> composes the
    # file into this field); every head of a task whose label set it defines must have been
    # trained on it (model_dir= a run with that schema)
    schema: Any = "default"

    def __post_init__(self) -> None:
        modes = [*ATTRIBUTION_MODES, *TAGGER_MODES]
        if self.attribution not in modes:
            raise InputError(f"attribution={self.attribution!r}; expected one of {modes}")
        if self.attribution in TAGGER_MODES and not self.span_tagger:
            raise InputError(
                f"attribution={self.attribution} needs span_tagger=default or "
                "span_tagger=<polnear_tagger run folder> (python scripts/train.py "
                "experiment=polnear_tagger)"
            )
        if self.backend not in ("onnx", "torch"):
            raise InputError(f"backend={self.backend!r}; expected onnx or torch")
        if self.tagger_cover not in COVERS:
            raise InputError(f"tagger_cover={self.tagger_cover!r}; expected one of {list(COVERS)}")
        if not self.targets or any(not t.strip() for t in self.targets):
            raise InputError("targets must be a non-empty list of non-empty strings")


@dataclass
class InferConfig(PipelineConfig):
    """`scripts/infer.py`: pipeline settings plus where and how rows are written."""

    format: str = "table"  # table | jsonl | csv | parquet
    out: str | None = None  # stream rows to this file (resumable: see pipeline/stream.py)
    summary: str | None = None  # write per-article summaries (JSON) to this file
    engine: str = "local"  # local | ray (Ray Data over a pool of pipeline replicas)
    workers: int = 2  # engine=ray: pipeline replicas (actors)
    articles_per_batch: int = 16  # articles analysed together (spaCy and encoder batches)
    part_rows: int = 5000  # out=*.parquet: rows per part file (written at least once a minute)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.format not in ("table", "jsonl", "csv", "parquet"):
            raise InputError(f"format={self.format!r}; expected table, jsonl, csv or parquet")
        if self.format in ("csv", "parquet") and not self.out:
            raise InputError(f"format={self.format} needs out=<file>")
        if self.out and self.out_format not in ("jsonl", "csv", "parquet"):
            raise InputError(
                f"out={self.out}: unknown format {self.out_format!r}; use .jsonl, .csv or "
                ".parquet (or format=jsonl|csv|parquet)"
            )
        if self.engine not in ("local", "ray"):
            raise InputError(f"engine={self.engine!r}; expected local or ray")
        for name in ("workers", "articles_per_batch", "part_rows"):
            if getattr(self, name) < 1:
                raise InputError(f"{name}={getattr(self, name)}; expected a whole number >= 1")

    @property
    def out_format(self) -> str:
        """The format of `out`: `format` unless table, else the file's suffix (jsonl if none)."""
        if self.format != "table":
            return self.format
        return Path(self.out or "").suffix.lstrip(".").lower() or "jsonl"


class Pipeline:
    """Loads spaCy and the heads once; `analyze` turns one Document into claim rows."""

    def __init__(self, cfg: PipelineConfig, all_modes: bool = False) -> None:
        """`all_modes`: also load the span tagger when `cfg.attribution` does not use it (to
        score every mode)."""
        self.cfg = cfg
        self.nlp = load_nlp()
        self.heads: dict[str, Head] = load_heads(
            cfg.model_dir, cfg.device, HEAD_TASKS, cfg.claim_model
        )
        check_schema(self.heads, cfg.schema)
        if cfg.backend == "onnx":
            for task, encoder in onnx_encoders(self.heads).items():
                self.heads[task].model.encoder = encoder
        wanted = cfg.span_tagger and (all_modes or cfg.attribution in TAGGER_MODES)
        self.tagger = (
            load_span_tagger(cfg.span_tagger, cfg.device, cfg.backend) if wanted else None
        )

    @property
    def modes(self) -> tuple[str, ...]:
        """Attribution modes this pipeline can run (tagger modes only with a span tagger)."""
        return ATTRIBUTION_MODES + (TAGGER_MODES if self.tagger is not None else ())

    def attributions(
        self, claims: list[Claim], text: str, probs: dict, mode: str
    ) -> list[Attribution]:
        """Each claim's attribution under `mode` (claims carry the rules' attribution)."""
        if mode in TAGGER_MODES:
            learned = learned_attribution(claims, text, self.tagger, self.cfg.tagger_cover)
            bare = [replace(c, attribution=Attribution()) for c in claims]
            merged = attribute(bare, text, self.nlp, learned, prefer_rules=mode == "rules_tagger")
            return [c.attribution for c in merged]
        return [
            resolve_attribution(
                claim.attribution, probs["attribution"][k], probs["source_type"][k], mode
            )
            for k, claim in enumerate(claims)
        ]

    def claims(self, doc: Document, rules: bool = True) -> list[Claim]:
        """Layout, claim splitting and (with `rules`) rule-based attribution."""
        segments = segment(doc.text)
        claims = split_claims(doc.text, segments, self.nlp, self.cfg.include_headline)
        return attribute(claims, doc.text, self.nlp) if rules else claims

    def predict(
        self, claims: list[Claim], text: str, targets: list[str]
    ) -> tuple[dict, list[Attribution]]:
        """The heads' probabilities and the configured mode's attribution of `claims` (which
        carry the rules' attribution unless the mode is a tagger mode). A mode that needs no
        head runs first, so that a claim model reads each claim with the source found for it."""
        mode, texts = self.cfg.attribution, [c.text for c in claims]
        head = headline_of(text)
        given = [c.attribution for c in claims]
        if mode in TAGGER_MODES:
            given = self.attributions(claims, text, {}, mode)
        probs = predict(self.heads, texts, targets, claim_contexts(claims, given, head))
        if mode in TAGGER_MODES or mode == "rules":
            return probs, given
        return probs, self.attributions(claims, text, probs, mode)

    def predict_modes(
        self, claims: list[Claim], text: str, targets: list[str]
    ) -> tuple[dict, dict[str, list[Attribution]]]:
        """`predict`, and the attribution of every mode this pipeline can run (the configured
        one is the one `predict` made, not made again)."""
        probs, made = self.predict(claims, text, targets)
        return probs, {
            m: made if m == self.cfg.attribution else self.attributions(claims, text, probs, m)
            for m in self.modes
        }

    def analyze_many(self, docs: list[Document]) -> list[list[dict] | InputError]:
        """`analyze` of each document; an InputError in place of one that has no claims."""
        out: list[list[dict] | InputError] = []
        for doc in docs:
            try:
                out.append(self.analyze(doc))
            except InputError as e:
                out.append(e)
        return out

    def analyze(self, doc: Document) -> list[dict]:
        claims = self.claims(doc, rules=self.cfg.attribution not in TAGGER_MODES)
        if not claims:
            raise InputError("no claims found: the text has no body sentences")
        probs, atts = self.predict(claims, doc.text, self.cfg.targets)
        return [
            claim_row(doc.id, claim, att, probs, k, self.cfg.targets)
            for k, (claim, att) in enumerate(zip(claims, atts))
        ]


def check_schema(heads: dict[str, Head], schema: Any) -> None:
    """InputError unless every head of a task whose label set `schema` (a configs/schema name,
    or the composed schema itself) defines was trained on that schema version; heads of other
    tasks keep their own scheme."""
    import yaml

    from framing.core.compose import CONFIG_DIR
    from framing.data.config import TASKS

    if isinstance(schema, str):
        path = CONFIG_DIR / "schema" / f"{schema}.yaml"
        if not path.is_file():
            raise InputError(
                f"schema={schema}: no {path.relative_to(CONFIG_DIR.parent)}; add it (defaults: "
                "[schema_schema], name, version, label_sets: {<set>: {<label>: <description>}})"
            )
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    else:
        spec = {k: getattr(schema, k) for k in ("name", "version", "label_sets")}
    name = spec["name"]
    for task, head in heads.items():
        if TASKS[task].label_set in spec["label_sets"] and head.schema_version != spec["version"]:
            raise InputError(
                f"schema={name} ({spec['version']}) defines {TASKS[task].label_set}, but the "
                f"{task} model {head.run_dir} was trained on {head.schema_version}: pass "
                f"model_dir=<a run of task={task} schema={name}>"
            )


def headline_of(text: str) -> str:
    """The text of the article's headline segment ("" without one)."""
    for s in segment(text):
        if s.kind == "headline":
            return text[s.start : s.end].strip()
    return ""


def claim_contexts(claims: list[Claim], atts: list[Attribution], headline: str) -> list[dict]:
    """Each claim's context for a claim model: its source, the headline, the previous claim."""
    out, previous = [], ""
    for claim, att in zip(claims, atts):
        out.append(context_of(att.source if att.attributed else None, headline, previous))
        if claim.kind == "body":
            previous = claim.text
    return out


def _top(p: dict[str, float]) -> str:
    return max(p, key=p.get)


def resolve_attribution(
    rules: Attribution, p_attr: dict[str, float], p_type: dict[str, float], mode: str
) -> Attribution:
    """Rules, the learned heads, or both: rules where they found a cue or a quote, else learned.

    Learned heads say only whether and by which type; source and cue spans come from the rules.
    """
    if mode == "rules" or (mode == "combined" and rules.attributed):
        return rules
    if _top(p_attr) != "attributed":
        return Attribution()
    kinds = {k: v for k, v in p_type.items() if k != "unattributed"}
    return Attribution(
        attributed=True,
        implicit=rules.implicit,
        source=rules.source,
        source_span=rules.source_span,
        source_type=rules.source_type if rules.source_type else _top(kinds),
        cue=rules.cue,
    )


def claim_row(
    article_id: str,
    claim: Claim,
    att: Attribution,
    probs: dict[str, list[dict[str, float]]],
    k: int,
    targets: list[str],
) -> dict:
    """The output object of one claim (keys fixed by issue #3, plus spans and extra targets)."""
    frame_p, stance_p = probs["framing"][k], probs["stance"][k]
    row = {
        "article_id": article_id,
        "claim_id": claim.id,
        "text": claim.text,
        "start": claim.start,
        "end": claim.end,
        "kind": claim.kind,
        "attributed": att.attributed,
        "implicit": att.implicit,
        "source": att.source if att.attributed else None,
        "source_type": att.source_type if att.attributed else None,
        "cue": att.cue.text if att.attributed and att.cue else None,
        "stance": _top(stance_p),
        "stance_probs": _rounded(stance_p),
        "frame": _top(frame_p),
        "frame_probs": _rounded(frame_p),
        "source_span": _span(att.source_span) if att.attributed else None,
        "cue_span": _span(att.cue) if att.attributed else None,
        "channel": att.channel.text if att.attributed and att.channel else None,
        "channel_span": _span(att.channel) if att.attributed else None,
        "content_span": _span(content_span(claim.start, claim.text, att)),
        "target": targets[0],
    }
    if len(targets) > 1:
        per_target = {t: probs[f"stance@{t}"][k] for t in targets}
        row["stances"] = {
            t: {"stance": _top(p), "probs": _rounded(p)} for t, p in per_target.items()
        }
    return row


def _rounded(p: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 4) for k, v in p.items()}


def _span(span) -> list[int] | None:
    return None if span is None else [span.start, span.end]


def compose_infer_config(overrides: list[str]) -> InferConfig:
    """configs/infer.yaml with command-line overrides, as a typed InferConfig."""
    from hydra.core.config_store import ConfigStore
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    from framing.data.config import SchemaConfig

    ConfigStore.instance().store(name="infer_schema", node=InferConfig)
    ConfigStore.instance().store(group="schema", name="schema_schema", node=SchemaConfig)
    try:
        return compose("infer", overrides)
    except (HydraException, OmegaConfBaseException) as e:
        raise InputError(one_line(e)) from None
