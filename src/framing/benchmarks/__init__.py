"""Scoring the pipeline and the models against gold: end to end on corpus articles
(`evaluate`) and on real news, PolNeAR, from raw text (`real_news`); the PolNeAR span
benchmark run (`spans`, a task kind) with its span and sentence scores (`span_scores`); and
the public-benchmark report (`report`, `published`).

`spans` trains the span tagger too: its run is a benchmark of the pipeline's rule attribution
against the tagger on PolNeAR and the corpus, so it needs the pipeline and lives above it; the
experiments runner reaches it only through its task-kind registry.

May import: everything below it (core, data, runs, learning, pipeline).
"""
