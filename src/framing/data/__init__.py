"""Where examples come from: the project corpus (`corpus`), a researcher's CSV/JSONL tables
(`tables`), the public benchmarks (`public`, `polnear`), their manifest and download
(`datasets`, `fetch`, `download`), task examples per split (`tasks`, `examples`), and the
task/data/schema config schemas with the registry of tasks (`config.TASKS`).

May import: framing.core.
"""
