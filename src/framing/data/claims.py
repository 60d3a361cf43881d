"""Claims in context, for models that read more than the claim: each body claim with its source,
the article's headline and the claim before it, the article's stance target and every gold label.

From the corpus (`framing.data.corpus`) and the real articles (`framing.data.ukraine`); the same
context is built by the pipeline at inference (`context_of`), from its own attribution.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from framing.core.errors import InputError
from framing.core.paths import project_path
from framing.data.config import DataConfig

CONTEXT_FIELDS = ("source", "headline", "previous", "target")
# the tasks one claim model predicts, and the schema label set of each
CLAIM_TASKS = {"framing": "frames", "stance": "stances", "attribution": "attribution"}


@dataclass
class ClaimRow:
    """One claim: text, context (field -> text), stance target, gold label per task."""

    id: str
    text: str
    context: dict[str, str]
    target: str
    labels: dict[str, str] = field(default_factory=dict)
    source_type: str = "unattributed"  # for scores per source type


def context_of(
    source: str | None, headline: str, previous: str, target: str | None = None
) -> dict[str, str]:
    """The context of one claim: who says it ("the outlet" in its own voice), the headline,
    the previous claim ("" for the first) and, when given, the stance target."""
    out = {"source": source or "the outlet", "headline": headline, "previous": previous}
    if target:
        out["target"] = target
    return out


def with_targets(
    contexts: list[dict[str, str]] | None, targets: list[str] | None, fields
) -> list[dict[str, str]] | None:
    """The contexts with each claim's stance target in them, for a model that reads the
    target as context (`"target"` in `fields`); otherwise the contexts as they are.

    >>> with_targets([{"source": "Li"}], ["drills"], ["target", "source"])
    [{'source': 'Li', 'target': 'drills'}]
    """
    if "target" not in fields or targets is None:
        return contexts
    return [{**(c or {}), "target": t} for c, t in zip(contexts or [{}] * len(targets), targets)]


def context_text(context: dict[str, str], fields: list[str] | tuple[str, ...]) -> str:
    """The second segment a claim model reads: the chosen context fields, labelled.

    >>> context_text({"source": "Li Na", "headline": "Drills end", "previous": ""},
    ...              ["source", "headline"])
    'source: Li Na | headline: Drills end'
    """
    return " | ".join(f"{f}: {context[f]}" for f in fields if context.get(f))


def doc_rows(doc: dict, split_id: str = "") -> list[ClaimRow]:
    """The body claims of one corpus-shaped article (`load_corpus` or `as_corpus_doc`)."""
    from framing.data.tasks import claim_label  # scikit-learn: not for the pipeline's imports

    head = next((c["text"] for c in doc["claims"] if c["kind"] == "headline"), "")
    if not head:
        head = next((s.get("text", "") for s in doc["segments"] if s["kind"] == "headline"), "")
    rows, previous = [], ""
    for k, c in enumerate(doc["claims"]):
        if c["kind"] != "body":
            continue
        source = c["source"] if c["attributed"] else None
        rows.append(
            ClaimRow(
                f"{doc['article_id']}:{k}",
                c["text"],
                context_of(source, head, previous, doc["target"]),
                doc["target"],
                {task: claim_label(task, c) for task in CLAIM_TASKS},
                c["source_type"] or "unattributed",
            )
        )
        previous = c["text"]
    return rows


def claim_splits(data: DataConfig) -> tuple[dict[str, list[ClaimRow]], str]:
    """Claim rows per split for the data config: the corpus (kind corpus), with `data.real`
    also real_dev and real_test (and with `data.real_train` the real train/dev joined to train
    and dev), or the real articles alone (kind ukraine); and the data fingerprint."""
    from framing.data.tasks import corpus_splits
    from framing.data.ukraine import as_corpus_doc, load_real

    out: dict[str, list[ClaimRow]] = {}
    fps = []
    if data.kind == "corpus":
        articles, fp = corpus_splits(data.root)
        out = {s: [r for d in docs for r in doc_rows(d)] for s, docs in articles.items()}
        fps.append(fp)
    elif data.kind != "ukraine":
        raise InputError(
            f"data.kind={data.kind}: the claim model reads articles (data=corpus, "
            "data=corpus_real or data=ukraine)"
        )
    if data.real:
        real, fp = load_real(project_path(data.real_root), project_path(data.real))
        fps.append(fp)
        rows = {
            s: [r for a in arts for r in doc_rows(as_corpus_doc(a))] for s, arts in real.items()
        }
        if data.kind == "ukraine":
            out = rows
        else:
            if data.real_train:
                out["train"] = out["train"] + rows["train"] * data.real_copies
                out["dev"] = out["dev"] + rows["dev"]
            out["real_dev"], out["real_test"] = rows["dev"], rows["test"]
    return out, "+".join(fps)
