"""framing: claim-level attribution, stance and framing analysis of news articles.

Packages by concern; imports only go down this list (tests/test_layers.py checks it):

1. `core`        errors, the checkout's paths, Hydra composition, lazy references by name
2. `data`        the project corpus, user tables, public datasets, PolNeAR reader, download
3. `runs`        one run's config, its record folder, and the metrics it reports
4. `learning`    the Classifier interface and the model families (registry), token tagger
5. `pipeline`    article stages: ingest, layout, claims, attribution, heads, output
6. `benchmarks`  end-to-end evaluation, the PolNeAR span benchmark, the benchmark report
7. `experiments` the training entry: Hydra schemas, the runner and its task kinds, comparison

docs/architecture.md walks the path of data through `infer.py` and `train.py`.
"""
