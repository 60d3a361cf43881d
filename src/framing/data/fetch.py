"""Download a public dataset from its repository at the pinned commit, verified against the
manifest (`framing.data.datasets`), and install it atomically.

A dataset is downloaded into a temporary folder under the data root, verified, then renamed
into place, so a failed or interrupted download never leaves a half-written dataset behind.
Standard library only.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import os
import shutil
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path, PurePosixPath
from typing import IO, Any

from framing.core.errors import InputError
from framing.data.datasets import CHUNK, check, dataset_entry, load_manifest, verify

RAW_URL = "https://raw.githubusercontent.com/{repo}/{commit}/{path}"


ARCHIVE_URL = "https://codeload.github.com/{repo}/tar.gz/{commit}"


TIMEOUT_S = 60


# An opener takes a URL and returns a readable binary stream usable as a context manager
# (urllib.request.urlopen's response, or io.BytesIO in tests).
Opener = Callable[[str], AbstractContextManager[IO[bytes]]]


class DownloadError(InputError):
    """A download, archive or checksum failure: reported as one line, never a traceback."""


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
