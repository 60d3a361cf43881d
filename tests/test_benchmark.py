"""scripts/benchmark.py's parts: the page and its verdicts from a run's metrics, and peak memory
of a streaming run sampled as articles are written."""

from __future__ import annotations

from framing.benchmarks.performance import render, rss_scaling, verdicts
from framing.pipeline.article import Document

ARTICLE = (
    "Navies wrap up drill\n\nThe two navies ended a drill on Friday, the ministry said. "
    "Critics said the drill was a show of force.\n"
)


def metrics() -> dict:
    agree = {"claims": 10, "frame": 1.0, "stance": 0.98, "attributed": 1.0}
    return {
        "machine": "2 cores",
        "throughput": {
            "claims": 10,
            "articles": 2,
            "default": {"backend": "onnx", "int8": ["tagger"]},
            "variants": {"torch": {"backend": "torch"}},
            "pipeline_claims_per_s": {"default": 40.0, "torch": 20.0},
            "stage_seconds": {"default": {"heads": 0.1, "spacy": 0.1}, "torch": {"heads": 0.3}},
            "bare_encoder_claims_per_s": {"torch": 50.0, "onnx_int8": 150.0},
            "pipeline_vs_bare_encoder": 0.8,
            "int8_encoder_vs_torch": 3.0,
            "agreement_vs_torch": {"default": agree, "onnx_int8": agree},
            "second_look_share": {"onnx_int8": 0.2},
            "second_look_margin": 0.5,
        },
        "cold": {"bare_import_s": 2.0, "cold_article_s": 4.0, "cold_vs_bare_import": 2.0},
    }


def test_verdicts_and_page() -> None:
    v = verdicts(metrics())
    assert v["pipeline_vs_bare_encoder"]["met"] is True  # 0.8 >= 0.8
    assert v["int8_label_agreement"] == {"value": 0.98, "target": ">= 0.99", "met": False}
    assert v["cold_vs_bare_import"]["met"] is False
    assert v["rss_largest_vs_smallest"] == {"value": None, "target": "<= 1.1", "met": None}
    page = render(metrics(), "experiments/benchmark/x", "python scripts/benchmark.py")
    assert "| int8_label_agreement | 0.980 | >= 0.99 | **no** |" in page
    assert "| default | - | 40.0 | 0.1 | 0.1 | 1.0000 | 0.9800 | 1.0000 |" in page
    assert "| torch | {'backend': 'torch'} | 20.0 | 0.3 | 0.0 | - | - | - |" in page
    assert "`experiments/benchmark/x`" in page and "not measured" in page
    assert (
        "less than 0.5 apart (`fast_claims.SECOND_LOOK`): 20.0% of the scorings in onnx_int8"
        in page
    )


def test_rss_is_sampled_as_articles_are_written(head_dirs: dict[str, str]) -> None:
    docs = [Document("a", ARTICLE), Document("b", ARTICLE.replace("Friday", "Monday"))]
    heads = "model_dir=[" + ",".join(head_dirs.values()) + "]"
    out = rss_scaling(docs, [2, 6], [heads, "claim_model=null", "attribution=rules"])
    peaks = out["peak_rss_mb"]
    assert set(peaks) == {"2", "6"} and all(v > 50 for v in peaks.values())
    assert out["rss_largest_vs_smallest"] >= 1.0 and out["articles_per_s"] > 0
