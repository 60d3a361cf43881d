"""Scores of predicted attribution spans against gold, per sentence: span precision, recall
and F1 per role (exact and overlap, one-to-one matched), and sentence-level attributed-or-not."""

from __future__ import annotations

from framing.data.polnear import ROLES, word_range, words


def _ranges(spans, role: str, offsets) -> list[tuple[int, int]]:
    out = {word_range((s, e), offsets) for r, s, e in spans if r == role}
    return sorted(r for r in out if r is not None)


def span_scores(
    texts: list[str], gold: list[list[tuple]], pred: list[list[tuple]]
) -> dict[str, dict[str, float]]:
    """Precision, recall and F1 per role, exact (same first and last word) and overlap (any
    shared word; a maximum one-to-one matching of predicted and gold spans), pooled over
    sentences."""
    counts = {(r, m): [0, 0, 0] for r in ROLES for m in ("exact", "overlap")}  # tp_p, tp_g, n
    n_gold = dict.fromkeys(ROLES, 0)
    n_pred = dict.fromkeys(ROLES, 0)
    for text, g_spans, p_spans in zip(texts, gold, pred):
        offsets = words(text)
        for role in ROLES:
            g, p = _ranges(g_spans, role, offsets), _ranges(p_spans, role, offsets)
            n_gold[role] += len(g)
            n_pred[role] += len(p)
            counts[(role, "exact")][0] += len(set(g) & set(p))
            counts[(role, "overlap")][0] += _max_matching(p, g)
    out: dict[str, dict[str, float]] = {}
    for (role, mode), (tp, _, _) in counts.items():
        prec = tp / n_pred[role] if n_pred[role] else 0.0
        rec = tp / n_gold[role] if n_gold[role] else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[f"{role.lower()}_{mode}"] = {
            "precision": prec,
            "recall": rec,
            "f1": f1,
            "n_gold": n_gold[role],
            "n_pred": n_pred[role],
        }
    return out


def _max_matching(pred: list[tuple[int, int]], gold: list[tuple[int, int]]) -> int:
    """Size of a maximum one-to-one matching of overlapping word ranges (augmenting paths).

    >>> _max_matching([(0, 5), (3, 3)], [(2, 3), (5, 5)])
    2
    """
    match: dict[int, int] = {}  # gold index -> pred index

    def augment(i: int, seen: set[int]) -> bool:
        a, b = pred[i]
        for j, (c, d) in enumerate(gold):
            if j in seen or not (a <= d and c <= b):
                continue
            seen.add(j)
            if j not in match or augment(match[j], seen):
                match[j] = i
                return True
        return False

    return sum(augment(i, set()) for i in range(len(pred)))


def attributed(spans: list[tuple]) -> bool:
    """A sentence is attributed when it holds (part of) a Content span."""
    return any(r == "Content" for r, _, _ in spans)


def sentence_scores(gold: list[list[tuple]], pred: list[list[tuple]]) -> dict[str, float]:
    """Sentence-level attributed-or-not: F1 of the attributed class, macro-F1, accuracy, and the
    share of attributed sentences (what "always attributed" would score)."""
    from sklearn.metrics import accuracy_score, f1_score

    g = [attributed(s) for s in gold]
    p = [attributed(s) for s in pred]
    if not g:
        return dict.fromkeys(
            ("attributed_share", "attributed_f1", "macro_f1", "accuracy"), 0.0
        ) | {"n": 0}
    return {
        "n": len(g),
        "attributed_share": sum(g) / len(g) if g else 0.0,
        "attributed_f1": float(f1_score(g, p, pos_label=True, zero_division=0)),
        "macro_f1": float(f1_score(g, p, labels=[False, True], average="macro", zero_division=0)),
        "accuracy": float(accuracy_score(g, p)),
    }
