"""Work of several articles in one call: the stages ask the spaCy pipeline (`pipe`) and the span
tagger (`predict`) for one article's texts at a time; these stand-ins answer from results made
for the whole batch of articles in one call (fewer, fuller, length-sorted batches)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any


class Prefetched:
    """`fn` (texts -> one result per text) with its results kept for the texts of a batch:
    `prefetch` computes the missing ones in one call; `__call__` answers from them (computing
    any it was not given ahead)."""

    def __init__(self, fn: Callable[[list[str]], Iterable[Any]]) -> None:
        self.fn = fn
        self.results: dict[str, Any] = {}

    def prefetch(self, texts: Iterable[str]) -> None:
        todo = [t for t in dict.fromkeys(texts) if t not in self.results]
        if todo:
            self.results.update(zip(todo, self.fn(todo)))

    def __call__(self, texts: Iterable[str]) -> list[Any]:
        texts = list(texts)
        self.prefetch(texts)
        return [self.results[t] for t in texts]


class BatchNLP:
    """A spaCy Language whose `pipe` answers from parses made for a batch of articles."""

    def __init__(self, nlp: Any, batch_size: int = 64) -> None:
        self.nlp = nlp
        self.docs = Prefetched(lambda texts: nlp.pipe(texts, batch_size=batch_size))

    def pipe(self, texts: Iterable[str], **_: Any) -> list[Any]:
        return self.docs(texts)

    def __call__(self, text: str) -> Any:
        return self.docs([text])[0]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.nlp, name)


def one_parse(nlp: Any) -> BatchNLP:
    """`nlp` answering each text from one parse: a batch's BatchNLP as it is, else a new one
    (the claim stage's paragraph parses are then the ones the attribution rules read)."""
    return nlp if isinstance(nlp, BatchNLP) else BatchNLP(nlp)


class BatchTagger:
    """A span tagger whose `predict` answers from predictions made for a batch of articles."""

    def __init__(self, tagger: Any) -> None:
        self.tagger = tagger
        self.spans = Prefetched(tagger.predict)

    def predict(self, texts: list[str]) -> list[Any]:
        return self.spans(texts)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.tagger, name)
