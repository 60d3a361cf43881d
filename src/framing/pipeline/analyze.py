"""Article -> claim rows: layout, claims, attribution, stance, frame. Only composes the stage
modules; each row is the JSONL object `scripts/infer.py` prints."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from framing.core.compose import compose
from framing.core.errors import InputError, one_line
from framing.data.claims import context_of
from framing.data.corpus import DEFAULT_TARGET
from framing.learning.fast import check_backend
from framing.pipeline.article import Attribution, Claim, Document
from framing.pipeline.attribution import attribute
from framing.pipeline.batch import BatchNLP, BatchTagger, one_parse
from framing.pipeline.claims import claim_sentences, load_nlp, split_claims
from framing.pipeline.ensemble import ensemble_attribution, load_ensemble
from framing.pipeline.heads import Head, load_heads, load_tagger, predict
from framing.pipeline.rows import claim_row
from framing.pipeline.segment import segment
from framing.pipeline.tagged import COVERS, learned_attribution

log = logging.getLogger(__name__)

ATTRIBUTION_MODES = ("rules", "learned", "combined")
# With the span tagger (span_tagger=default or a run): its decision and spans, the source resolved
# by the rules' reading; or rules first, then the tagger; or both decided by pipeline/ensemble.py.
TAGGER_MODES = ("tagger", "rules_tagger", "ensemble")
HEAD_TASKS = ("framing", "stance", "attribution", "source_type")
INT8_KINDS = ("claims", "tagger", "encoder")  # the claim model, span tagger, frozen encoder


@dataclass
class PipelineConfig:
    """What `scripts/infer.py` and `scripts/evaluate.py` run (configs/infer.yaml)."""

    targets: list[str] = field(default_factory=lambda: [DEFAULT_TARGET])
    model_dir: list[str] = field(default_factory=list)  # run folders replacing default heads
    device: str = "auto"
    include_headline: bool = False
    attribution: str = "ensemble"  # rules|learned|combined|tagger|rules_tagger|ensemble
    span_tagger: str | None = "default"  # the shipped tagger, or a polnear_tagger run folder
    tagger_cover: str = "content"  # content | spans: what makes the tagger call a claim attributed
    ensemble_model: str = "default"  # attribution=ensemble: the shipped decision, or a run folder
    backend: str = (
        "onnx"  # onnx (ONNX Runtime on CPU for the encoders: same labels, faster) | torch
    )
    # with backend=onnx, these kinds of model run int8 (dynamic quantization): faster, but
    # labels then depend on which claims share a batch (activation scales are per batch), so
    # none by default (docs/performance.md)
    int8: list[str] = field(default_factory=list)
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
        check_backend(self.backend)
        if any(k not in INT8_KINDS for k in self.int8):
            raise InputError(f"int8={list(self.int8)}; expected kinds of {list(INT8_KINDS)}")
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
    manifest: str | None = None  # CSV/JSONL: path -> outlet, date, ... (columns added to rows)
    report: str | None = None  # write the HTML report (article pages and index) into this folder
    group_by: str = "outlet"  # report=: the metadata field the index groups articles by

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
        self.stage_seconds: dict[str, float] = {}  # analyze_many's time in its model calls
        self.nlp = load_nlp()
        # the learned attribution heads only where a mode that reads them may run
        learned = all_modes or cfg.attribution in ("learned", "combined")
        tasks = HEAD_TASKS if learned else ("framing", "stance")
        self.backends = model_backends(cfg)
        self.heads: dict[str, Head] = load_heads(
            cfg.model_dir, cfg.device, tasks, cfg.claim_model, backend=self.backends
        )
        check_schema(self.heads, cfg.schema)
        wanted = cfg.span_tagger and (all_modes or cfg.attribution in TAGGER_MODES)
        tagger_backend = self.backends["tagger"]
        self.tagger = load_tagger(cfg.span_tagger, cfg.device, tagger_backend) if wanted else None
        self.ensemble = load_ensemble(cfg, all_modes) if self.tagger is not None else None

    @property
    def modes(self) -> tuple[str, ...]:
        """Attribution modes this pipeline can run (tagger modes only with a span tagger)."""
        learned = all(t in self.heads for t in ("attribution", "source_type"))
        modes = ATTRIBUTION_MODES if learned else ("rules",)
        tagged = TAGGER_MODES[: 3 if self.ensemble else 2] if self.tagger is not None else ()
        return modes + tagged

    def attributions(
        self, claims: list[Claim], text: str, probs: dict, mode: str
    ) -> list[Attribution]:
        """Each claim's attribution under `mode` (claims carry the rules' attribution)."""
        if mode == "ensemble":
            nlp = one_parse(self.nlp)
            return ensemble_attribution(claims, text, nlp, self.tagger, self.ensemble, self.cfg)
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
        nlp = one_parse(self.nlp)
        claims = split_claims(doc.text, segments, nlp, self.cfg.include_headline)
        return attribute(claims, doc.text, nlp) if rules else claims

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
        """Claim rows of each document (an InputError in place of one with no claims), the
        batch's spaCy parses, tagger predictions and head passes each made in one call."""
        nlp, tagger = self.nlp, self.tagger
        self.nlp = BatchNLP(nlp)
        self.tagger = BatchTagger(tagger) if tagger is not None else None
        try:
            return self._analyze_batch(docs)
        finally:
            self.nlp, self.tagger = nlp, tagger

    def _analyze_batch(self, docs: list[Document]) -> list[list[dict] | InputError]:
        mode, targets, clock = self.cfg.attribution, self.cfg.targets, self._clock
        segs = [segment(d.text) for d in docs]
        bodies = [
            d.text[s.start : s.end] for d, ss in zip(docs, segs) for s in ss if s.kind == "body"
        ]
        clock("spacy", lambda: self.nlp.docs.prefetch(bodies))
        claims = [
            split_claims(d.text, ss, self.nlp, self.cfg.include_headline)
            for d, ss in zip(docs, segs)
        ]
        if mode in TAGGER_MODES:  # the rules read the paragraphs' parses (`parses`)
            units = [t for d, c in zip(docs, claims) for t in unit_texts(c, d.text)]
            clock("tagger", lambda: self.tagger.spans.prefetch(units))
        else:
            claims = [attribute(c, d.text, self.nlp) if c else c for d, c in zip(docs, claims)]
        given = [
            self.attributions(c, d.text, {}, mode) if mode in TAGGER_MODES and c else
            [x.attribution for x in c]
            for d, c in zip(docs, claims)
        ]  # fmt: skip
        contexts = [
            claim_contexts(c, g, headline_of(d.text, ss))
            for d, c, g, ss in zip(docs, claims, given, segs)
        ]
        texts = [x.text for c in claims for x in c]
        flat = [x for c in contexts for x in c]
        probs = clock("heads", lambda: predict(self.row_heads, texts, targets, flat))
        out: list[list[dict] | InputError] = []
        pos = 0
        for doc, c, g in zip(docs, claims, given):
            if not c:
                out.append(InputError("no claims found: the text has no body sentences"))
                continue
            mine = {k: v[pos : pos + len(c)] for k, v in probs.items()}
            pos += len(c)
            atts = (
                g
                if mode in (*TAGGER_MODES, "rules")
                else self.attributions(c, doc.text, mine, mode)
            )
            out.append(
                [
                    claim_row(doc.id, x, a, mine, k, targets)
                    for k, (x, a) in enumerate(zip(c, atts))
                ]
            )
        return out

    def _clock(self, stage: str, work):
        """`work()`, its seconds added to `stage_seconds[stage]`."""
        start = time.perf_counter()
        result = work()
        self.stage_seconds[stage] = self.stage_seconds.get(stage, 0.0) + (
            time.perf_counter() - start
        )
        return result

    @property
    def row_heads(self) -> dict[str, Head]:
        """The heads the rows need: frame and stance, and in the learned modes attribution and
        source type."""
        learned = self.cfg.attribution in ("learned", "combined")
        return {t: h for t, h in self.heads.items() if learned or t in ("framing", "stance")}

    def analyze(self, doc: Document) -> list[dict]:
        """The claim rows of one document; InputError when it has no claims."""
        rows = self.analyze_many([doc])[0]
        if isinstance(rows, InputError):
            raise rows
        return rows


def unit_texts(claims: list[Claim], text: str) -> list[str]:
    """The sentence texts the attribution stages read for `claims` (`claim_sentences`)."""
    ordered = sorted(claims, key=lambda c: c.start)
    return [text[ordered[u[0]].start : ordered[u[-1]].end] for u in claim_sentences(ordered, text)]


def model_backends(cfg: PipelineConfig) -> dict[str, str]:
    """The backend of each kind of model: `cfg.backend`, int8 for the kinds in `cfg.int8`
    when it is onnx.

    >>> model_backends(PipelineConfig(backend="onnx", int8=["tagger"]))["tagger"]
    'onnx_int8'
    >>> model_backends(PipelineConfig(backend="onnx"))["tagger"]
    'onnx'
    """
    return {
        kind: "onnx_int8" if cfg.backend == "onnx" and kind in cfg.int8 else cfg.backend
        for kind in INT8_KINDS
    }


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


def headline_of(text: str, segments: list | None = None) -> str:
    """The text of the article's headline segment ("" without one); `segments`: the text's
    `segment` when already made."""
    for s in segment(text) if segments is None else segments:
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
