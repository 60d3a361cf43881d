"""scripts/download_data.py and framing.data (datasets, fetch, download), without the
network: a fake opener serves bytes from a dict and the PolNeAR-style archive is a small
tar.gz built in tmp_path."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import subprocess
import tarfile
import urllib.error
from pathlib import Path

import pytest
from conftest import REPO, SCRIPTS, run_script

from framing.data import datasets
from framing.data import fetch as fetching
from framing.data.datasets import build_manifest, load_manifest, tree_digest, verify
from framing.data.fetch import (
    ARCHIVE_URL,
    RAW_URL,
    DownloadError,
    NetworkError,
    extract_members,
    fetch,
)

SHARED = REPO.parent / "shared" / "datasets"
REPO_NAME, COMMIT = "someone/toy", "0123456789abcdef0123456789abcdef01234567"
FILES = {"a.txt": b"alpha\n", "sub/b.csv": b"x,y\n1,2\n"}
TREE = {"one.txt": b"first\n", "two.txt": b"second\n", "deep/three.ann": b"T1\tSource 0 3\n"}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tree_sha(files: dict[str, bytes]) -> str:
    lines = "".join(f"{sha(files[rel])}  {rel}\n" for rel in sorted(files))
    return sha(lines.encode())


def toy_manifest(trees: bool = False) -> dict:
    """One dataset `toy`: two single files (source path = 'src/' + local path), optionally a
    tree `docs` <- `corpus/docs` in the repository."""
    entry = {
        "repo": REPO_NAME,
        "commit": COMMIT,
        "licence": "test",
        "files": {rel: {"source": f"src/{rel}", "sha256": sha(b)} for rel, b in FILES.items()},
    }
    if trees:
        entry["trees"] = {
            "docs": {"source": "corpus/docs", "files": len(TREE), "sha256": tree_sha(TREE)}
        }
    return {"datasets": {"toy": entry}}


def write_toy(root: Path, trees: bool = False) -> Path:
    folder = root / "toy"
    for rel, data in FILES.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    if trees:
        for rel, data in TREE.items():
            (folder / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / "docs" / rel).write_bytes(data)
    return folder


def raw_url(rel: str) -> str:
    return RAW_URL.format(repo=REPO_NAME, commit=COMMIT, path=f"src/{rel}")


class FakeWeb:
    """An opener serving `pages` (url -> bytes); an unknown URL is a 404. Records requests."""

    def __init__(self, pages: dict[str, bytes]):
        self.pages, self.requests = pages, []

    def __call__(self, url: str) -> io.BytesIO:
        self.requests.append(url)
        if url not in self.pages:
            raise urllib.error.HTTPError(url, 404, "Not Found", None, None)  # type: ignore[arg-type]
        return io.BytesIO(self.pages[url])


def raw_pages(override: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """The raw URLs of FILES, with the bodies in `override` (local path -> bytes) swapped in."""
    return {raw_url(rel): (override or {}).get(rel, data) for rel, data in FILES.items()}


def make_tar(path: Path, members: dict[str, bytes], top: str = "toy-0123abc") -> Path:
    """A .tar.gz like GitHub's: every member under one top folder (unless its name starts
    with '!', which is used verbatim)."""
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name[1:] if name.startswith("!") else f"{top}/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def archive_members() -> dict[str, bytes]:
    """Everything the toy archive dataset wants, plus members it must not keep."""
    return {
        **{f"src/{rel}": b for rel, b in FILES.items()},
        **{f"corpus/docs/{rel}": b for rel, b in TREE.items()},
        "corpus/corenlp/big.xml": b"<parse/>",
        "corpus/docs_extra/x.txt": b"a sibling folder sharing the prefix",
        "README.md": b"not wanted",
    }


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir())


# ------------------------------------------------------------------------------ verify


def test_tree_digest_matches_the_documented_rule(tmp_path: Path) -> None:
    folder = write_toy(tmp_path, trees=True) / "docs"
    assert tree_digest(folder) == (tree_sha(TREE), 3)


def test_verify_ok_missing_and_mismatch(tmp_path: Path) -> None:
    manifest = toy_manifest(trees=True)
    assert verify(tmp_path, "toy", manifest) == [f"missing folder {tmp_path / 'toy'}"]
    folder = write_toy(tmp_path, trees=True)
    (folder / "unlisted.txt").write_text("ignored")
    assert verify(tmp_path, "toy", manifest) == []

    (folder / "sub" / "b.csv").unlink()
    (folder / "a.txt").write_bytes(b"alpha!\n")
    (folder / "docs" / "deep" / "three.ann").unlink()
    assert verify(tmp_path, "toy", manifest) == [
        "checksum mismatch in a.txt",
        "missing file sub/b.csv",
        "checksum mismatch in docs/ (2 files, expected 3)",
    ]


def test_verify_tree_with_an_extra_file_or_missing_folder(tmp_path: Path) -> None:
    manifest = toy_manifest(trees=True)
    folder = write_toy(tmp_path, trees=True)
    (folder / "docs" / "stray.txt").write_text("x")
    assert verify(tmp_path, "toy", manifest) == [
        "checksum mismatch in docs/ (4 files, expected 3)"
    ]
    for p in sorted((folder / "docs").rglob("*"), reverse=True):
        p.rmdir() if p.is_dir() else p.unlink()
    (folder / "docs").rmdir()
    assert verify(tmp_path, "toy", manifest) == ["missing folder docs/"]


# ------------------------------------------------------------------------------ single files


def test_fetch_writes_verified_files_and_skips_when_present(tmp_path: Path) -> None:
    web = FakeWeb(raw_pages())
    root = tmp_path / "data"
    assert fetch(root, "toy", toy_manifest(), opener=web, log=lambda _: None) == "downloaded"
    assert sorted(web.requests) == sorted(raw_url(rel) for rel in FILES)
    assert leftovers(root) == ["toy"]
    assert {rel: (root / "toy" / rel).read_bytes() for rel in FILES} == FILES

    offline = FakeWeb({})
    assert fetch(root, "toy", toy_manifest(), opener=offline, log=lambda _: None) == "present"
    assert offline.requests == []


def test_force_replaces_but_keeps_the_previous_folder(tmp_path: Path) -> None:
    write_toy(tmp_path)
    (tmp_path / "toy" / "notes.txt").write_text("mine")
    lines: list[str] = []
    got = fetch(tmp_path, "toy", toy_manifest(), opener=FakeWeb(raw_pages()), force=True,
                log=lines.append)  # fmt: skip
    assert got == "downloaded"
    previous = [p for p in tmp_path.iterdir() if p.name.startswith("toy.previous-")]
    assert len(previous) == 1 and (previous[0] / "notes.txt").read_text() == "mine"
    assert not (tmp_path / "toy" / "notes.txt").exists()
    assert str(previous[0]) in lines[-1]


def test_corrupted_download_leaves_nothing_in_place(tmp_path: Path) -> None:
    corrupt = b"x,y\n1,3\n"
    web = FakeWeb(raw_pages({"sub/b.csv": corrupt}))
    with pytest.raises(DownloadError) as e:
        fetch(tmp_path, "toy", toy_manifest(), opener=web, log=lambda _: None)
    msg = str(e.value)
    assert "checksum mismatch in toy/sub/b.csv" in msg and raw_url("sub/b.csv") in msg
    assert f"expected {sha(FILES['sub/b.csv'])}, got {sha(corrupt)}" in msg
    assert leftovers(tmp_path) == []


def test_failed_download_keeps_an_existing_folder_untouched(tmp_path: Path) -> None:
    folder = write_toy(tmp_path)
    (folder / "a.txt").write_bytes(b"edited")  # does not verify, so a download is attempted
    with pytest.raises(NetworkError):
        fetch(tmp_path, "toy", toy_manifest(), opener=FakeWeb({}), log=lambda _: None)
    assert leftovers(tmp_path) == ["toy"]
    assert (folder / "a.txt").read_bytes() == b"edited"


def test_network_failure_names_the_url(tmp_path: Path) -> None:
    def offline(url: str) -> io.BytesIO:
        raise urllib.error.URLError("Name or service not known")

    with pytest.raises(NetworkError) as e:
        fetch(tmp_path, "toy", toy_manifest(), opener=offline, log=lambda _: None)
    msg = str(e.value)
    assert raw_url("a.txt") in msg and "github.com" in msg and "Name or service" in msg
    assert "copy the folder 'toy'" in msg
    assert leftovers(tmp_path) == []


def test_connection_lost_mid_file(tmp_path: Path) -> None:
    class Broken(io.BytesIO):
        def read(self, n: int = -1) -> bytes:
            raise ConnectionResetError("reset by peer")

    with pytest.raises(NetworkError, match="reset by peer"):
        fetch(tmp_path, "toy", toy_manifest(), opener=lambda url: Broken(), log=lambda _: None)
    assert leftovers(tmp_path) == []


# ------------------------------------------------------------------------------ archives


def test_archive_keeps_only_wanted_members(tmp_path: Path) -> None:
    tar = make_tar(tmp_path / "repo.tar.gz", archive_members())
    url = ARCHIVE_URL.format(repo=REPO_NAME, commit=COMMIT)
    root = tmp_path / "data"
    web = FakeWeb({url: tar.read_bytes()})
    assert fetch(root, "toy", toy_manifest(trees=True), opener=web, log=lambda _: None) == (
        "downloaded"
    )
    assert web.requests == [url]
    got = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    want = [f"toy/{r}" for r in FILES] + [f"toy/docs/{r}" for r in TREE]
    assert got == sorted(want)
    assert verify(root, "toy", toy_manifest(trees=True)) == []


def test_archive_missing_a_file_or_tree_changed_fails(tmp_path: Path) -> None:
    url = ARCHIVE_URL.format(repo=REPO_NAME, commit=COMMIT)
    members = archive_members()
    del members["src/a.txt"]
    web = FakeWeb({url: make_tar(tmp_path / "a.tar.gz", members).read_bytes()})
    with pytest.raises(DownloadError, match=r"toy/a.txt: not found in someone/toy"):
        fetch(tmp_path / "d", "toy", toy_manifest(trees=True), opener=web, log=lambda _: None)
    assert leftovers(tmp_path / "d") == []

    members = {**archive_members(), "corpus/docs/new.txt": b"added upstream"}
    web = FakeWeb({url: make_tar(tmp_path / "b.tar.gz", members).read_bytes()})
    with pytest.raises(DownloadError, match=r"mismatch in toy/docs/ .*\(4 files, expected 3\)"):
        fetch(tmp_path / "d", "toy", toy_manifest(trees=True), opener=web, log=lambda _: None)
    assert leftovers(tmp_path / "d") == []


@pytest.mark.parametrize("bad", ["!../evil.txt", "corpus/docs/../../../evil.txt", "!/tmp/evil"])
def test_archive_rejects_members_outside_the_target(tmp_path: Path, bad: str) -> None:
    members = {"corpus/docs/one.txt": b"ok", bad: b"pwned"}
    tar = make_tar(tmp_path / "archive.tar.gz", members)
    target = tmp_path / "out" / "inner"
    target.mkdir(parents=True)
    with open(tar, "rb") as f, pytest.raises(DownloadError, match="unsafe path"):
        extract_members(f, target, {}, {"corpus/docs": "docs"})
    assert not list(tmp_path.rglob("evil.txt")) and not Path("/tmp/evil").exists()


def test_archive_rejects_a_wanted_symlink(tmp_path: Path) -> None:
    path = tmp_path / "link.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("top/corpus/docs/one.txt")
        info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(info)
    with open(path, "rb") as f, pytest.raises(DownloadError, match="not a regular file"):
        extract_members(f, tmp_path / "out", {}, {"corpus/docs": "docs"})
    assert not (tmp_path / "out" / "docs" / "one.txt").exists()


def test_truncated_archive_is_an_error(tmp_path: Path) -> None:
    data = make_tar(tmp_path / "t.tar.gz", archive_members()).read_bytes()
    url = ARCHIVE_URL.format(repo=REPO_NAME, commit=COMMIT)
    for broken in (data[: len(data) // 2], data[:-4], data[:20] + bytes(len(data) - 20)):
        web = FakeWeb({url: broken})
        with pytest.raises(DownloadError, match="corrupt or truncated"):
            fetch(tmp_path / "d", "toy", toy_manifest(trees=True), opener=web, log=lambda _: None)
        assert leftovers(tmp_path / "d") == []


# ------------------------------------------------------------------------------ the CLI


def cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return run_script("download_data.py", *args, cwd=cwd, timeout=60)


@pytest.mark.parametrize("args", [["nosuchdata"], ["frac", "--bogus"]])
def test_cli_bad_input_is_one_error_line(args: list[str], tmp_path: Path) -> None:
    p = cli(*args, "--root", str(tmp_path))
    assert p.returncode == 2
    assert p.stdout == "" and "Traceback" not in p.stderr
    assert len(p.stderr.splitlines()) == 1 and p.stderr.startswith("error: ")
    assert leftovers(tmp_path) == []


def test_cli_verify_reports_each_dataset(tmp_path: Path) -> None:
    # the script takes only the real names: the toy entry stands in for `frac`
    manifest = tmp_path / "m.json"
    manifest.write_text(json.dumps({"datasets": {"frac": toy_manifest()["datasets"]["toy"]}}))
    root = tmp_path / "root"
    write_toy(root).rename(root / "frac")
    p = cli("--verify", "--root", str(root), "--manifest", str(manifest), "frac")
    assert (p.returncode, p.stdout, p.stderr) == (0, "frac: ok\n", "")
    (root / "frac" / "a.txt").unlink()
    p = cli("--verify", "--root", str(root), "--manifest", str(manifest), "frac")
    assert (p.returncode, p.stdout) == (1, "frac: missing file a.txt\n")


def load_script():
    spec = importlib.util.spec_from_file_location("download_data", SCRIPTS / "download_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_network_failure_is_one_error_line(tmp_path, monkeypatch, capsys) -> None:
    def offline(url: str) -> io.BytesIO:
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(fetching, "urlopen", offline)
    rc = load_script().main(["gvfc", "--root", str(tmp_path)])
    out, err = capsys.readouterr()
    assert rc == 2 and out == ""
    assert len(err.splitlines()) == 1
    url = RAW_URL.format(
        repo="arajshah/NLP_headline_body_sentiment",
        commit="dbb115e4782cba47c394e0909a8d0c1ee2d048ab",
        path="data/GVFC_extension_multimodal.csv",
    )
    assert err.startswith(f"error: could not download {url} (") and "github.com" in err
    assert leftovers(tmp_path) == []


def test_default_root_follows_the_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FRAMING_DATA_ROOT", str(tmp_path))
    assert datasets.default_root() == tmp_path
    monkeypatch.delenv("FRAMING_DATA_ROOT")
    assert datasets.default_root() == REPO.parent / "shared" / "datasets"


# ------------------------------------------------------------------------------ the real manifest

needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"{SHARED} is not on this machine")


@needs_shared
def test_committed_manifest_matches_the_shared_copies() -> None:
    manifest = load_manifest()
    assert manifest == build_manifest(SHARED)
    for name in datasets.NAMES:
        assert verify(SHARED, name, manifest) == [], name
    assert (REPO / "data" / "datasets.json").stat().st_size < 60_000


@needs_shared
def test_fetch_from_raw_urls_of_the_real_manifest(tmp_path: Path) -> None:
    """The URLs built from the manifest's repo/commit/source serve the bytes it expects."""
    entry = load_manifest()["datasets"]["frac"]
    pages = {
        RAW_URL.format(repo=entry["repo"], commit=entry["commit"], path=f["source"]): (
            SHARED / "frac" / rel
        ).read_bytes()
        for rel, f in entry["files"].items()
    }
    assert fetch(tmp_path, "frac", opener=FakeWeb(pages), log=lambda _: None) == "downloaded"
    assert verify(tmp_path, "frac") == []


@needs_shared
def test_fetch_polnear_from_a_github_style_archive(tmp_path: Path) -> None:
    """An archive laid out like codeload's (top folder, corenlp parses beside the text)
    reproduces every PolNeAR digest of the real manifest."""
    entry = load_manifest()["datasets"]["polnear"]
    tar_path = tmp_path / "polnear.tar.gz"
    top = f"PolNeAR-{entry['commit']}"
    with tarfile.open(tar_path, "w:gz", compresslevel=1) as tar:
        for path in sorted((SHARED / "polnear").rglob("*")):
            if path.is_file():
                tar.add(path, f"{top}/{path.relative_to(SHARED / 'polnear').as_posix()}")
        info = tarfile.TarInfo(f"{top}/data/dev/corenlp/x.xml")
        tar.addfile(info, io.BytesIO(b""))
    url = ARCHIVE_URL.format(repo=entry["repo"], commit=entry["commit"])
    root = tmp_path / "root"
    assert fetch(root, "polnear", opener=FakeWeb({url: tar_path.read_bytes()}),
                 log=lambda _: None) == "downloaded"  # fmt: skip
    assert verify(root, "polnear") == []
    assert not (root / "polnear" / "data" / "dev" / "corenlp").exists()
    assert not (root / "polnear" / "SOURCE.txt").exists()
