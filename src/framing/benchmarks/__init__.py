"""Scoring the pipeline and the models against gold: end to end on corpus articles
(`evaluate`), the PolNeAR span benchmark run (`spans`, a task kind) with its span and sentence
scores (`span_scores`), and the public-benchmark report (`report`, `published`).

May import: everything below it (core, data, runs, learning, pipeline).
"""
