"""Token-range helpers for the attribution rules: which tokens lie inside quotation marks, and
how far a noun phrase reaches."""

from __future__ import annotations

from typing import TYPE_CHECKING

from framing.pipeline.lexicon import CLOSE_QUOTES, OPEN_QUOTES

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


def quoted_tokens(doc: Doc, start: int, end: int, depth: int = 0) -> list[bool]:
    """For each token in [start, end): is it inside a quotation (quote marks themselves too)?"""
    out = []
    for t in doc[start:end]:
        if t.text in OPEN_QUOTES or (t.text == '"' and depth == 0):
            depth += 1
            out.append(True)
        elif t.text in CLOSE_QUOTES or t.text == '"':
            depth = max(0, depth - 1)
            out.append(True)
        else:
            out.append(depth > 0)
    return out


def np_range(tok: Token, lo: int, hi: int) -> tuple[int, int]:
    """Token range of the noun phrase headed by `tok`: up to the first comma after its head,
    without relative or participial clauses, and covering any name it cuts into.

    "Song Kaiwen, a Beijing-based expert," -> "Song Kaiwen"; "a joint statement issued after
    the talks" -> "a joint statement"; "analysts in Tokyo" stays whole.
    """
    doc = tok.doc
    drop: set[int] = set()
    for child in tok.children:
        who = doc[child.left_edge.i].lower_ == "who"
        if child.i > tok.i and child.dep_ in ("relcl", "acl", "advcl") and not who:
            drop.update(t.i for t in child.subtree)
    keep = [t.i for t in tok.subtree if t.i not in drop and lo <= t.i < hi]
    first, last = min(keep, default=tok.i), max(keep, default=tok.i)
    i = tok.i + 1
    while i <= last:
        close = next((j for j in range(i, last) if doc[j].text == ")"), None)
        if doc[i].text == "(" and close is not None:
            i = close + 1  # "Lt Gen (retd) Vikram Sahni"; a closing "(JCS)" is cut below
            continue
        if i in drop or doc[i].text in (",", ";", ":", "—", "–", "("):
            last = i - 1
            break
        i += 1
    for ent in doc.ents:  # "Jeon Ha-yoon" parsed as "Jeon Ha" + a modifier "-yoon"
        if ent.start <= last and ent.end > first and ent.label_ in ("PERSON", "ORG"):
            first, last = max(lo, min(first, ent.start)), min(hi - 1, max(last, ent.end - 1))
    while last > first and (doc[last].is_punct and doc[last].text != ")" or doc[last].is_space):
        last -= 1
    while first < last and doc[first].is_punct:
        first += 1
    return first, last + 1


def without_clauses(span) -> str:
    """A mention's text up to the first relative or participial clause on one of its nouns:
    "A U.S. congressional aide who spoke on condition of anonymity" -> "A U.S. congressional
    aide", "a report by the X Center published last month" -> "a report by the X Center".
    A pronoun head keeps its clause ("those who attended")."""
    root = span.root
    if root.pos_ == "PRON" or root.tag_ == "DT":
        return span.text.strip()
    cut = span.end
    for t in span:
        for c in t.children:
            if c.dep_ in ("relcl", "acl") and c.i > t.i and t.pos_ in ("NOUN", "PROPN"):
                cut = min(cut, c.left_edge.i)
    doc = span.doc
    cut = _without_tail(doc, span.start, cut)
    if cut <= span.start:
        return span.text.strip()
    return doc[span.start : cut].text.strip()


def _without_tail(doc: Doc, start: int, cut: int) -> int:
    """Where a mention ends without what trails its name: a date or time ("a spokesman for X on
    Thursday", "the convention from 1936"), an unclosed bracket ("a poll by the Institute (KI"),
    a dangling preposition or article, punctuation."""
    opened = [t.i for t in doc[start:cut] if t.text == "("]
    if opened and not any(t.text == ")" for t in doc[opened[-1] : cut]):
        cut = opened[-1]
    while cut > start + 1:
        last = doc[cut - 1]
        dated = last.ent_type_ in ("DATE", "TIME") and doc[start].ent_type_ not in ("DATE", "TIME")
        closing = last.text == ")" and any(t.text == "(" for t in doc[start:cut])
        if (last.is_punct and not closing) or last.is_space or dated:
            cut -= 1
        elif last.pos_ in ("ADP", "DET", "CCONJ"):
            cut -= 1
        else:
            break
    return cut
