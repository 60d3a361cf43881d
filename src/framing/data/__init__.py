"""Where examples come from: the project corpus (`corpus`), a researcher's CSV/JSONL tables
(`tables`), the public benchmarks (`public`, `polnear`), their manifest and download
(`datasets`, `fetch`, `download`), and task examples per split (`tasks`, `examples`) with the
task/data/schema config schemas (`config`).

May import: framing.core.
"""
