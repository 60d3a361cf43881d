"""The top layer: Hydra schemas and override checks (`config`), the runner and its registry of
task kinds (`runner`), the classification task kind (`classification`), comparison of run
records (`compare`, its plot `compare_plot`), and regenerating the shipped default heads
(`default_model`).

May import: every other package.
"""
