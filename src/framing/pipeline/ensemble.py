"""Attribution decided claim by claim by a learned model (`attribution=ensemble`): gradient-
boosted trees over what the rules and the span tagger each found for the claim and its
neighbours decide whether the claim is attributed; its source, cue and channel are then those
of `rules_tagger`, else the tagger's, else the rules'. The model is a JSON file of trees,
trained on PolNeAR train, the corpus train split and the real Ukraine train split, and chosen
on their dev splits (`experiments/ensemble.py`; `scripts/make_default_model.py --ensemble`)."""

from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from framing.core.errors import InputError
from framing.pipeline.article import Attribution, Claim
from framing.pipeline.attribution import attribute
from framing.pipeline.claims import fully_quoted, has_quote, quote_depth
from framing.pipeline.lexicon import OPEN_QUOTES
from framing.pipeline.speech import plain_speech
from framing.pipeline.tagged import TaggedClaim, learned_attribution, tag_claims

if TYPE_CHECKING:
    from spacy.language import Language

    from framing.learning.tagger import TokenTagger

log = logging.getLogger(__name__)

# The shipped decision model (ensemble_model=default): scripts/make_default_model.py --ensemble
DEFAULT_ENSEMBLE = Path(__file__).resolve().parents[1] / "default_model" / "attribution_ensemble"
MODEL_FILE = "ensemble.json"

# what one claim contributes; every one is also read off the claims before and after it
OWN = (
    "rules",  # the rules attribute it (explicitly or as a continuation)
    "rules_explicit",  # ... by a cue in its own sentence
    "rules_cue_inside",  # ... with the cue inside the claim
    "rules_channel",  # ... with a channel ("according to Reuters")
    "tagger",  # the tagger-mode decision (Content over half of its words)
    "tagger_implicit",
    "content",  # share of its words in predicted Content
    "source",  # ... in a predicted Source
    "cue",  # ... in a predicted Cue
    "spans",  # ... in any predicted span
    "sentence_source",  # a predicted Source in its sentence
    "sentence_cue",
    "in_quote",  # it starts inside a quotation
    "has_quote",
    "opens_quote",
    "fully_quoted",
    "log_words",
    "paragraph_start",
)
NEIGHBOURS = ("rules", "tagger", "content", "spans", "in_quote", "fully_quoted")
FEATURES = (
    OWN
    + tuple(f"previous_{f}" for f in NEIGHBOURS)
    + tuple(f"next_{f}" for f in NEIGHBOURS)
    + ("previous_same_paragraph", "next_same_paragraph")
)


@dataclass
class Views:
    """The three attributions of each claim (in the order given) and the tagger's reading."""

    rules: list[Attribution]
    tagger: list[Attribution]
    rules_tagger: list[Attribution]
    tagged: list[TaggedClaim]


def attribution_views(
    claims: list[Claim], text: str, nlp: Language, tagger: TokenTagger, cover: str = "content"
) -> Views:
    """What the rules, the tagger and the two together make of each claim (one tagger pass;
    `nlp` parses each sentence once when it is a `batch.BatchNLP`)."""
    tagged = tag_claims(claims, text, tagger)
    learned = learned_attribution(claims, text, tagger, cover, tagged)
    bare = [replace(c, attribution=Attribution()) for c in claims]

    def run(**kw) -> list[Attribution]:
        return [c.attribution for c in attribute(bare, text, nlp, **kw)]

    return Views(run(), run(learned=learned), run(learned=learned, prefer_rules=True), tagged)


def claim_features(claims: list[Claim], text: str, views: Views) -> np.ndarray:
    """One row of FEATURES per claim (in the order given)."""
    order = sorted(range(len(claims)), key=lambda k: claims[k].start)
    own: dict[int, dict[str, float]] = {}
    depth, prev_end = 0, 0
    breaks: dict[int, bool] = {}
    for k in order:
        c = claims[k]
        breaks[k] = "\n" in text[prev_end : c.start] or prev_end == 0
        if breaks[k]:
            depth = 0
        r, t, tag = views.rules[k], views.tagger[k], views.tagged[k]
        cue = r.cue
        own[k] = {
            "rules": r.attributed,
            "rules_explicit": r.attributed and not r.implicit,
            "rules_cue_inside": cue is not None and c.start <= cue.start and cue.end <= c.end,
            "rules_channel": r.channel is not None,
            "tagger": t.attributed,
            "tagger_implicit": t.implicit,
            "content": tag.content,
            "source": tag.source,
            "cue": tag.cue,
            "spans": tag.spans,
            "sentence_source": tag.source_span is not None,
            "sentence_cue": tag.cue_span is not None,
            "in_quote": depth > 0,
            "has_quote": has_quote(c.text),
            "opens_quote": c.text.lstrip()[:1] in tuple(OPEN_QUOTES + '"'),
            "fully_quoted": fully_quoted(c.text),
            "log_words": math.log1p(len(c.text.split())),
            "paragraph_start": breaks[k],
        }
        depth = quote_depth(c.text, depth)
        prev_end = c.end
    out = np.zeros((len(claims), len(FEATURES)))
    for pos, k in enumerate(order):
        before = own[order[pos - 1]] if pos > 0 else None
        after = own[order[pos + 1]] if pos + 1 < len(order) else None
        row = [float(own[k][f]) for f in OWN]
        row += [float(before[f]) if before else 0.0 for f in NEIGHBOURS]
        row += [float(after[f]) if after else 0.0 for f in NEIGHBOURS]
        row += [
            float(before is not None and not breaks[k]),
            float(after is not None and not breaks[order[pos + 1]]),
        ]
        out[k] = row
    return out


@dataclass
class EnsembleModel:
    """Gradient-boosted regression trees over FEATURES (P(attributed) = sigmoid(init + rate x
    the sum of the trees' leaf values)), with the decision threshold chosen on dev.

    >>> stump = {"feature": [0, -1, -1], "threshold": [0.5, 0, 0], "left": [1, -1, -1],
    ...          "right": [2, -1, -1], "value": [0, -2.0, 2.0]}
    >>> m = EnsembleModel(0.0, 1.0, [stump])
    >>> x = np.zeros((2, len(FEATURES))); x[1, 0] = 1
    >>> m.proba(x).round(3).tolist()
    [0.119, 0.881]
    """

    init: float
    rate: float
    trees: list[dict]
    threshold: float = 0.5
    info: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.trees = [_checked_tree(t) for t in self.trees]

    def proba(self, x: np.ndarray) -> np.ndarray:
        """P(attributed) per row of `x` (len(FEATURES) columns)."""
        z = np.full(len(x), self.init)
        for tree in self.trees:
            z += self.rate * _leaf_values(tree, x)
        return 1.0 / (1.0 + np.exp(-z))

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        body = {
            "features": list(FEATURES),
            "init": self.init,
            "rate": self.rate,
            "threshold": self.threshold,
            "info": self.info,
            "trees": [{k: v.tolist() for k, v in t.items()} for t in self.trees],
        }
        path = folder / MODEL_FILE
        path.write_text(json.dumps(body, separators=(",", ":")) + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, where: str | Path) -> EnsembleModel:
        """From a folder holding ensemble.json (an attribution_ensemble run, its model/ folder,
        or "default": the shipped one)."""
        folder = DEFAULT_ENSEMBLE if str(where) == "default" else Path(where)
        if (folder / "model" / MODEL_FILE).is_file():
            folder = folder / "model"
        path = folder / MODEL_FILE if folder.is_dir() else folder
        fix = "make it with python scripts/make_default_model.py --ensemble"
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
            model = cls(
                float(body["init"]),
                float(body["rate"]),
                list(body["trees"]),
                float(body["threshold"]),
                dict(body["info"]),
            )
            same = body["features"] == list(FEATURES)
        except FileNotFoundError:
            raise InputError(f"ensemble_model={where}: no {MODEL_FILE} at {path}; {fix}") from None
        except OSError as e:
            raise InputError(
                f"ensemble_model={where}: cannot read {path} ({e.strerror})"
            ) from None
        except (ValueError, KeyError, TypeError, IndexError) as e:
            raise InputError(
                f"ensemble_model={where}: {path} is not a decision model ({e}); {fix}"
            ) from None
        if not same:
            raise InputError(
                f"ensemble_model={where}: {path} reads other features than this version "
                f"makes; {fix}"
            )
        return model


def _checked_tree(tree: dict) -> dict:
    """A tree as numeric arrays, checked as sklearn builds them (an inner node's children come
    after it, inside the tree; its feature is one of FEATURES), so that a corrupt file fails
    here, not in the middle of a run."""
    out = {k: np.asarray(tree[k], dtype=int) for k in ("feature", "left", "right")}
    out |= {k: np.asarray(tree[k], dtype=float) for k in ("threshold", "value")}
    n = len(out["value"])
    if n == 0 or any(v.ndim != 1 or len(v) != n for v in out.values()):
        raise ValueError("tree arrays empty or of different lengths")
    here = np.arange(n)
    inner = out["left"] >= 0
    for child in (out["left"][inner], out["right"][inner]):
        if (child <= here[inner]).any() or (child >= n).any():
            raise ValueError("a tree node points outside its tree or back")
    feature = out["feature"][inner]
    if ((feature < 0) | (feature >= len(FEATURES))).any():
        raise ValueError("a tree node reads a feature that does not exist")
    return out


def _leaf_values(tree: dict, x: np.ndarray) -> np.ndarray:
    node = np.zeros(len(x), dtype=int)
    left, right, feature, threshold = (
        tree["left"],
        tree["right"],
        tree["feature"],
        tree["threshold"],
    )
    for _ in range(len(left)):
        inner = left[node] >= 0
        if not inner.any():
            break
        at = node[inner]
        go_left = x[inner, feature[at]] <= threshold[at]
        node[inner] = np.where(go_left, left[at], right[at])
    return tree["value"][node]


def decide(
    claims: list[Claim],
    views: Views,
    p: np.ndarray,
    threshold: float,
    speech: set[int] | frozenset[int] = frozenset(),
) -> list[Attribution]:
    """The attribution of each claim: unattributed where p < threshold; otherwise the first
    explicit one (`_explicit`) of rules_tagger, the rules and the tagger; else the first
    continuation of the rules, rules_tagger and the tagger (the rules read a quotation whose
    cue comes after it; the tagger only carries the speaker before it on); or else the last
    named speaker before it in the article (implicitly: the decision calls the claim reported
    speech that none of the three gave a source), or else an attribution without a source.
    Claims in `speech` (plain speech the rules found, `pipeline.speech`) are attributed at any
    p."""
    order = sorted(range(len(claims)), key=lambda k: claims[k].start)
    out: dict[int, Attribution] = {}
    last: Attribution | None = None
    for k in order:
        if p[k] < threshold and k not in speech:
            out[k] = Attribution()
            continue
        both, rules, tagger = views.rules_tagger[k], views.rules[k], views.tagger[k]
        found = next((a for a in (both, rules, tagger) if _explicit(a)), None)
        if found is not None and not rules.attributed and _action_cue(found):
            out[k] = Attribution()  # the tagger took a deed for a cue: "X sanctioned Li"
            continue
        if found is None:
            found = next((a for a in (rules, both, tagger) if a.attributed), None)
        if found is None:
            found = replace(last, implicit=True, cue=None) if last else Attribution(True)
        out[k] = found
        last = found if found.source else last
    return [out[k] for k in range(len(claims))]


# Verbs of deeds that the tagger now and then marks as a cue; none reports speech (3 of
# PolNeAR train's 19,832 gold cues use one of them).
_DEEDS = re.compile(
    r"(sanction|purchas|buy|bought|sell|sold|build|built|deploy|visit|arriv|kill|arrest|"
    r"invad|bomb|travel|attend)\w*",
    re.I,
)


def _action_cue(a: Attribution) -> bool:
    """Whether the cue is only verbs of deeds ("sanctioned"), with no word of speech."""
    words = re.findall(r"[A-Za-z]+", a.cue.text) if a.cue is not None else []
    return bool(words) and all(_DEEDS.fullmatch(w) for w in words)


def _explicit(a: Attribution) -> bool:
    """An attribution of the claim's own: a source or at least a cue ("it was reported")."""
    return a.attributed and not a.implicit and (a.source is not None or a.cue is not None)


def load_ensemble(cfg, all_modes: bool = False) -> EnsembleModel | None:
    """The decision a PipelineConfig names when its attribution is ensemble; with `all_modes`
    (scoring every mode) the one named, else the shipped one when present, else None."""
    named = cfg.attribution == "ensemble" or cfg.ensemble_model != "default"
    if not (cfg.attribution == "ensemble" or all_modes):
        return None
    if not named and not (DEFAULT_ENSEMBLE / "model" / MODEL_FILE).is_file():
        return None
    model = EnsembleModel.load(cfg.ensemble_model)
    trained = _trained_over(cfg.ensemble_model)
    if trained is not None and trained != str(cfg.span_tagger):
        log.warning(
            "ensemble_model=%s was trained over span_tagger=%s, not %s; it reads the tagger's "
            "output, so train one over this tagger: python scripts/train_ensemble.py "
            "--span-tagger %s",
            cfg.ensemble_model,
            trained,
            cfg.span_tagger,
            cfg.span_tagger,
        )
    return model


def _trained_over(where: str | Path) -> str | None:
    """The span_tagger setting of the run that made a decision (its config.yaml), if known."""
    import yaml

    folder = DEFAULT_ENSEMBLE if str(where) == "default" else Path(where)
    for config in (folder / "config.yaml", folder.parent / "config.yaml"):
        if config.is_file():
            try:
                saved = yaml.safe_load(config.read_text(encoding="utf-8"))
            except (OSError, yaml.YAMLError):
                return None
            return str(saved.get("span_tagger")) if isinstance(saved, dict) else None
    return None


def ensemble_attribution(
    claims: list[Claim], text: str, nlp: Language, tagger: TokenTagger, model: EnsembleModel, cfg
) -> list[Attribution]:
    """Each claim's attribution under attribution=ensemble (`nlp` a BatchNLP: one parse)."""
    views = attribution_views(claims, text, nlp, tagger, cfg.tagger_cover)
    p = model.proba(claim_features(claims, text, views))
    speech = {
        k
        for k, (c, a) in enumerate(zip(claims, views.rules))
        if p[k] < model.threshold and plain_speech(c, a, nlp)
    }
    return decide(claims, views, p, model.threshold, speech)
