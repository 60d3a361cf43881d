"""The public datasets (NewsMTSC, GVFC, FrAC, PolNeAR, Ukraine news bias): where each comes
from, and the manifest of checksums (`data/datasets.json`) that a local copy is verified against.

Every file is pinned to a commit and checked by sha256; the many-file PolNeAR folders by one
tree digest per folder (see `tree_digest`). `SPECS` says what to fetch from where;
`build_manifest` turns it plus a local copy into the manifest, and `verify` (here) and
`framing.data.fetch.fetch` read only the manifest. Standard library only.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from framing.core.errors import InputError
from framing.core.paths import PROJECT_ROOT

MANIFEST_PATH = PROJECT_ROOT / "data" / "datasets.json"
ROOT_ENV = "FRAMING_DATA_ROOT"
CHUNK = 1 << 16
TREE_DIGEST_RULE = (
    "sha256 of the lines '<sha256 of file>  <path relative to the folder>\\n' for every file "
    "under the folder, sorted by path (byte order); the same as "
    "`cd FOLDER && find . -type f -printf '%P\\n' | LC_ALL=C sort | xargs sha256sum | sha256sum`"
)


_NEWSMTSC_OFFICIAL = "NewsSentiment/controller_data/datasets/NewsMTSC-dataset"
_NEWSMTSC_SPLITS = "NewsSentiment/experiments/default/datasets"
_NEWSMTSC_PAPER_FILES = [f"newsmtsc-{v}/{s}.jsonl" for v in ("rw", "mt") for s in ("dev", "test")]

# name -> where it comes from. `files`: local path -> path in the repository; `trees`: local
# folder -> folder in the repository (every file under it). A dataset with trees is fetched as
# one archive of the commit, of which only the named members are kept.
SPECS: dict[str, dict[str, Any]] = {
    "newsmtsc": {
        "repo": "fhamborg/NewsMTSC",
        "commit": "b9d9b79704ed1b35cecaf1d7c2343dc1bd734fb7",
        "licence": (
            "MIT (the repository's LICENSE). The sentences are short excerpts of US news "
            "articles. Cite Hamborg & Donnay, EACL 2021."
        ),
        "files": {
            "LICENSE": "LICENSE",
            "official/readme.md": f"{_NEWSMTSC_OFFICIAL}/readme.md",
            "official/train.jsonl": f"{_NEWSMTSC_OFFICIAL}/train.jsonl",
            **{f"paper_splits/{f}": f"{_NEWSMTSC_SPLITS}/{f}" for f in _NEWSMTSC_PAPER_FILES},
        },
    },
    "gvfc": {
        "repo": "arajshah/NLP_headline_body_sentiment",
        "commit": "dbb115e4782cba47c394e0909a8d0c1ee2d048ab",
        "licence": (
            "No licence stated, neither by the original GVFC release nor by the repository that "
            "redistributes it: research use, do not republish. Cite Liu et al., CoNLL 2019 and "
            "Tourni et al., Findings of EMNLP 2021."
        ),
        "files": {"GVFC_extension_multimodal.csv": "data/GVFC_extension_multimodal.csv"},
    },
    "frac": {
        "repo": "mattguida/FrAC",
        "commit": "7c67c201d1985fc5fc9e220d577c52e6fe726fdc",
        "licence": (
            "Annotations under the licences of the source texts (SOCC: CC BY 4.0; NYT: CC "
            "BY-NC-SA 4.0), sentences not marked by origin, so treat all as CC BY-NC-SA 4.0. "
            "Cite Guida et al. 2025 (arXiv:2507.04612)."
        ),
        "files": {
            "README.md": "README.md",
            "gold_standard_single_label_all.csv": "gold_standard_single_label_all.csv",
        },
    },
    "polnear": {
        "repo": "networkdynamics/PolNeAR",
        "commit": "c3eee833c035bf7b8c84f55b58c0bf7346cfae76",
        "licence": (
            "No data licence stated; the article texts belong to their publishers. Research use "
            "only, do not redistribute. Cite Newell, Margolin & Ruths, LREC 2018."
        ),
        "files": {"README.md": "README.md", "data/metadata.tsv": "data/metadata.tsv"},
        "trees": {
            f"data/{split}/{kind}": f"data/{split}/{kind}"
            for split in ("train", "dev", "test")
            for kind in ("text", "attributions")
        },
    },
    "ukraine_news_bias": {
        "repo": "michaelfaerber/ukraine-news-bias",
        "commit": "a783d1a81c5ca9cc56ed4c506f0b84fd380f85c8",
        "licence": (
            "CC BY-NC (the Zenodo record 10.5281/zenodo.3885351; the repository states none). "
            "Sentences of 90 Ukraine-crisis news articles from 33 countries. Cite Faerber et al., "
            "CIKM 2020. The project's own labels for them are in data/ukraine/."
        ),
        "files": {"README.md": "README.md"},
        "trees": {"all-data-as-json": "all-data-as-json"},
    },
}
NAMES = tuple(SPECS)


# ----------------------------------------------------------------------------- digests


def file_digest(path: Path) -> str:
    """The sha256 hex digest of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def tree_files(folder: Path) -> list[str]:
    """Every regular file under `folder`, as sorted POSIX paths relative to it."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def tree_digest(folder: Path) -> tuple[str, int]:
    """(digest, number of files) of a folder, by TREE_DIGEST_RULE."""
    files = tree_files(folder)
    lines = "".join(f"{file_digest(folder / rel)}  {rel}\n" for rel in files)
    return hashlib.sha256(lines.encode("utf-8")).hexdigest(), len(files)


# ----------------------------------------------------------------------------- manifest


def build_manifest(root: Path, names: Iterable[str] = NAMES) -> dict[str, Any]:
    """The manifest of `SPECS`, with checksums computed from the local copy under `root`."""
    datasets: dict[str, Any] = {}
    for name in names:
        spec, base = SPECS[name], Path(root) / name
        entry = {k: spec[k] for k in ("repo", "commit", "licence")}
        entry["files"] = {}
        for rel, source in spec["files"].items():
            if not (base / rel).is_file():
                raise InputError(f"{base / rel}: missing; cannot compute its checksum")
            entry["files"][rel] = {"source": source, "sha256": file_digest(base / rel)}
        if spec.get("trees"):
            entry["trees"] = {}
            for rel, source in spec["trees"].items():
                if not (base / rel).is_dir():
                    raise InputError(f"{base / rel}: missing folder; cannot compute its digest")
                digest, count = tree_digest(base / rel)
                entry["trees"][rel] = {"source": source, "files": count, "sha256": digest}
        datasets[name] = entry
    return {"tree_digest": TREE_DIGEST_RULE, "datasets": datasets}


def write_manifest(manifest: dict[str, Any], path: Path = MANIFEST_PATH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")


def load_manifest(path: Path = MANIFEST_PATH) -> dict[str, Any]:
    """The manifest as written by `write_manifest`; InputError if absent or malformed."""
    try:
        manifest = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: manifest not found") from None
    except (OSError, ValueError) as e:
        raise InputError(f"{path}: cannot read the manifest ({e})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("datasets"), dict):
        raise InputError(f"{path}: not a dataset manifest (no 'datasets' object)")
    return manifest


def dataset_entry(manifest: dict[str, Any], name: str) -> dict[str, Any]:
    try:
        return manifest["datasets"][name]
    except KeyError:
        known = ", ".join(manifest["datasets"])
        raise InputError(f"unknown dataset {name!r}; expected one of: {known}") from None


def default_root() -> Path:
    """$FRAMING_DATA_ROOT, else `../shared/datasets` next to the project checkout."""
    env = os.environ.get(ROOT_ENV)
    return Path(env) if env else PROJECT_ROOT.parent / "shared" / "datasets"


# ----------------------------------------------------------------------------- verify


class Problem(NamedTuple):
    """One way a folder differs from its manifest entry; `path` of a tree ends in '/'."""

    kind: str  # missing | mismatch
    path: str
    expected: str
    got: str = ""
    note: str = ""  # trees: the file counts

    def __str__(self) -> str:
        if self.kind == "missing":
            return f"missing {'folder' if self.path.endswith('/') else 'file'} {self.path}"
        return f"checksum mismatch in {self.path}" + (f" ({self.note})" if self.note else "")


def check(folder: Path, entry: dict[str, Any]) -> list[Problem]:
    """How `folder` differs from one manifest entry; files it does not name are ignored."""
    problems = []
    for rel, want in entry.get("files", {}).items():
        path = folder / rel
        if not path.is_file():
            problems.append(Problem("missing", rel, want["sha256"]))
        elif (got := file_digest(path)) != want["sha256"]:
            problems.append(Problem("mismatch", rel, want["sha256"], got))
    for rel, want in entry.get("trees", {}).items():
        path = folder / rel
        if not path.is_dir():
            problems.append(Problem("missing", rel + "/", want["sha256"]))
            continue
        digest, count = tree_digest(path)
        if digest != want["sha256"]:
            note = f"{count} files, expected {want['files']}"
            problems.append(Problem("mismatch", rel + "/", want["sha256"], digest, note))
    return problems


def verify(root: Path, name: str, manifest: dict[str, Any] | None = None) -> list[str]:
    """Problems of `<root>/<name>` against the manifest, one line each; [] when it verifies.
    Files not named in the manifest are ignored."""
    entry = dataset_entry(manifest if manifest is not None else load_manifest(), name)
    folder = Path(root) / name
    if not folder.is_dir():
        return [f"missing folder {folder}"]
    return [str(p) for p in check(folder, entry)]
