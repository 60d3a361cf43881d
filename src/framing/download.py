"""Fetch the public datasets (NewsMTSC, GVFC, FrAC, PolNeAR) from their original repositories.

Every file is pinned to a commit and checked against `data/datasets.json`: a sha256 per file,
and for the many-file PolNeAR folders one tree digest per folder (see `tree_digest`). A dataset
is downloaded into a temporary folder under the data root, verified, then renamed into place, so
a failed or interrupted download never leaves a half-written dataset behind.

`SPECS` says what to fetch from where; `build_manifest` turns it plus a local copy into the
manifest, and `fetch` / `verify` read only the manifest. Standard library only.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import os
import shutil
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path, PurePosixPath
from typing import IO, Any, NamedTuple

from framing.config import PROJECT_ROOT, InputError

MANIFEST_PATH = PROJECT_ROOT / "data" / "datasets.json"
ROOT_ENV = "FRAMING_DATA_ROOT"
RAW_URL = "https://raw.githubusercontent.com/{repo}/{commit}/{path}"
ARCHIVE_URL = "https://codeload.github.com/{repo}/tar.gz/{commit}"
TIMEOUT_S = 60
CHUNK = 1 << 16
TREE_DIGEST_RULE = (
    "sha256 of the lines '<sha256 of file>  <path relative to the folder>\\n' for every file "
    "under the folder, sorted by path (byte order); the same as "
    "`cd FOLDER && find . -type f -printf '%P\\n' | LC_ALL=C sort | xargs sha256sum | sha256sum`"
)

# An opener takes a URL and returns a readable binary stream usable as a context manager
# (urllib.request.urlopen's response, or io.BytesIO in tests).
Opener = Callable[[str], AbstractContextManager[IO[bytes]]]

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
}
NAMES = tuple(SPECS)


class DownloadError(InputError):
    """A download, archive or checksum failure: reported as one line, never a traceback."""


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


# ----------------------------------------------------------------------------- fetch


def urlopen(url: str) -> AbstractContextManager[IO[bytes]]:
    """The default opener: an HTTP GET with a timeout."""
    request = urllib.request.Request(url, headers={"User-Agent": "framing-download-data"})
    return urllib.request.urlopen(request, timeout=TIMEOUT_S)  # noqa: S310 (https only)


class NetworkError(DownloadError):
    """A URL could not be fetched (no connection, HTTP error, truncated response)."""


def _network_error(url: str, e: BaseException, name: str, root: Path) -> NetworkError:
    if isinstance(e, urllib.error.HTTPError):
        why = f"HTTP {e.code} {e.reason}"
    else:
        why = str(getattr(e, "reason", None) or e) or type(e).__name__
    return NetworkError(
        f"could not download {url} ({why}). This machine needs internet access to github.com; "
        f"otherwise copy the folder '{name}' from a machine that has it into {root}"
    )


_READ_ERRORS = (OSError, urllib.error.URLError, http.client.HTTPException, EOFError)


class _Reader:
    """Wrap a response so a failed read raises NetworkError naming the URL, while errors of
    writing to disk stay plain OSErrors."""

    def __init__(self, stream: IO[bytes], on_error: Callable[[BaseException], NetworkError]):
        self.stream, self.on_error = stream, on_error

    def read(self, n: int = -1) -> bytes:
        try:
            return self.stream.read(n)
        except _READ_ERRORS as e:
            raise self.on_error(e) from None


@contextmanager
def _response(opener: Opener, url: str, name: str, root: Path) -> Iterator[_Reader]:
    """A reader over the response of `url`; NetworkError if it cannot be opened or read."""
    try:
        response = opener(url)
    except (*_READ_ERRORS, ValueError) as e:
        raise _network_error(url, e, name, root) from None
    with response as stream:
        yield _Reader(stream, lambda e: _network_error(url, e, name, root))


def _fetch_file(opener: Opener, url: str, target: Path, name: str, root: Path) -> str:
    """Stream `url` into `target`; return the sha256 of what was written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    with _response(opener, url, name, root) as reader, open(target, "wb") as out:
        for chunk in iter(lambda: reader.read(CHUNK), b""):
            h.update(chunk)
            out.write(chunk)
    return h.hexdigest()


def _inside(folder: Path, rel: str) -> Path:
    """`folder / rel`, refusing a path that would resolve outside `folder`."""
    path = (folder / rel).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise DownloadError(f"unsafe path {rel!r}; refusing to write outside {folder}")
    return path


def safe_member_path(member_name: str) -> PurePosixPath:
    """The member's path inside the archive's top folder; DownloadError for an absolute path or
    a `..` component (a member that would land outside the target folder)."""
    path = PurePosixPath(member_name)
    if path.is_absolute() or ".." in path.parts:
        raise DownloadError(f"unsafe path {member_name!r} in the archive; refusing to extract")
    return PurePosixPath(*path.parts[1:]) if len(path.parts) > 1 else PurePosixPath()


def extract_members(
    stream: Any, target: Path, files: dict[str, str], trees: dict[str, str]
) -> set[str]:
    """Stream-extract a .tar.gz (the top folder stripped, as in GitHub's archives) into
    `target`, keeping only the repository paths in `files` (source -> local path) and the
    regular files under the folders in `trees` (source folder -> local folder). Every member's
    path is checked before anything is written. Returns the local paths written."""
    written: set[str] = set()
    target = target.resolve()
    try:
        gz = gzip.GzipFile(fileobj=stream, mode="rb")  # not "r|gz": that misses a truncated end
        with gz, tarfile.open(fileobj=gz, mode="r|") as tar:
            for member in tar:
                rel = safe_member_path(member.name).as_posix()
                if rel in files:
                    local = files[rel]
                else:
                    folder = next((s for s in trees if rel.startswith(s + "/")), None)
                    if folder is None or member.isdir():
                        continue
                    local = trees[folder] + rel[len(folder) :]
                if not member.isfile():
                    raise DownloadError(f"{member.name!r} in the archive is not a regular file")
                dest = _inside(target, local)
                dest.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                assert source is not None  # a regular file always has data
                with source, open(dest, "wb") as out:
                    shutil.copyfileobj(source, out, CHUNK)
                written.add(local)
            while gz.read(CHUNK):  # to the end, so gzip checks its length and CRC
                pass
    except (tarfile.TarError, gzip.BadGzipFile, EOFError, zlib.error) as e:
        raise DownloadError(f"the archive is corrupt or truncated ({e})") from None
    return written


def _download_into(
    tmp: Path, name: str, entry: dict[str, Any], root: Path, opener: Opener
) -> None:
    """Download every file of one manifest entry into `tmp`; DownloadError on any failure."""
    repo, commit = entry["repo"], entry["commit"]
    files, trees = entry.get("files", {}), entry.get("trees", {})
    if trees:  # one archive holds everything
        url = ARCHIVE_URL.format(repo=repo, commit=commit)
        wanted = {f["source"]: rel for rel, f in files.items()}
        folders = {t["source"]: rel for rel, t in trees.items()}
        try:
            with _response(opener, url, name, root) as reader:
                extract_members(reader, tmp, wanted, folders)
        except NetworkError:
            raise
        except DownloadError as e:
            raise DownloadError(f"{url}: {e}") from None
    else:
        for rel, want in files.items():
            url = RAW_URL.format(repo=repo, commit=commit, path=want["source"])
            got = _fetch_file(opener, url, _inside(tmp, rel), name, root)
            if got != want["sha256"]:
                raise DownloadError(
                    f"checksum mismatch in {name}/{rel} from {url}: "
                    f"expected {want['sha256']}, got {got}"
                )
    for p in check(tmp, entry):
        if p.kind == "missing":
            raise DownloadError(f"{name}/{p.path}: not found in {repo} at {commit}")
        note = f" ({p.note})" if p.note else ""
        raise DownloadError(
            f"checksum mismatch in {name}/{p.path} ({repo} at {commit[:12]}): "
            f"expected {p.expected}, got {p.got}{note}"
        )


def fetch(
    root: Path,
    name: str,
    manifest: dict[str, Any] | None = None,
    opener: Opener | None = None,
    force: bool = False,
    log: Callable[[str], None] = print,
) -> str:
    """Download dataset `name` into `<root>/<name>`, verified against the manifest.

    Returns 'present' when the folder already verifies (and not `force`), else 'downloaded'.
    The files go to a temporary folder under `root` that is renamed into place only once every
    checksum matches; it is deleted on any failure. A previous `<root>/<name>` that is being
    replaced is kept, renamed to `<name>.previous-<time>`, never deleted. `opener` defaults
    to `urlopen` (tests pass one that serves bytes from memory)."""
    entry = dataset_entry(manifest if manifest is not None else load_manifest(), name)
    root = Path(root)
    dest = root / name
    if dest.exists() and not force and not verify(root, name, {"datasets": {name: entry}}):
        log(f"{name}: ok, already present at {dest}")
        return "present"
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}.download-", dir=root))
    try:
        _download_into(tmp, name, entry, root, opener or urlopen)
        previous = None
        if dest.exists() or dest.is_symlink():
            stamp = time.strftime("%Y%m%d-%H%M%S")
            previous = next(
                p
                for i in range(1000)
                if not (p := root / f"{name}.previous-{stamp}{f'-{i}' if i else ''}").exists()
            )
            os.rename(dest, previous)
        try:
            os.rename(tmp, dest)
        except OSError:
            if previous is not None:
                os.rename(previous, dest)
            raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    n = len(entry.get("files", {})) + sum(t["files"] for t in entry.get("trees", {}).values())
    log(f"{name}: downloaded {n} files from {entry['repo']}@{entry['commit'][:12]} to {dest}")
    if previous is not None:
        log(f"{name}: the previous folder was kept at {previous}; delete it when not needed")
    return "downloaded"
