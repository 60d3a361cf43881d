"""Read articles (plain text or HTML, files, folders or stdin) into Documents, never normalising
the text; bad inputs come back as one-line IngestErrors so the other files go on."""

from __future__ import annotations

import codecs
import logging
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, BinaryIO

from framing.core.errors import InputError
from framing.pipeline.article import Document

logger = logging.getLogger(__name__)

MAX_BYTES = 50 * 2**20
_LIMIT = "50 MB"  # MAX_BYTES in words, for the messages
ARTICLE_SUFFIXES = (".txt", ".html", ".htm")
HTML_SUFFIXES = (".html", ".htm")
STDIN = "<stdin>"  # the path that errors and meta give for "-"
# Control bytes other than tab, newline, form feed and carriage return: a few in a text file
# are stray, more than this share of the first 8 KB means it is not text.
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"
_MAX_CONTROL_SHARE = 0.05
_HTML_SNIFF = re.compile(
    r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)


class IngestError(InputError):
    """One input that could not be read: `path` and a message saying what to do about it."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def read_documents(
    paths: Iterable[str], stdin: BinaryIO | None = None
) -> Iterator[Document | IngestError]:
    """Yield one Document per article, or an IngestError for an input that cannot be read.

    `paths` are files, folders (their .txt/.html/.htm files, sorted, not recursive) or "-" for
    `stdin` (default: the process's binary stdin).
    """
    for item in list_inputs(paths):
        yield item if isinstance(item, IngestError) else read_input(item, stdin)


def list_inputs(paths: Iterable[str]) -> list[str | IngestError]:
    """The article files (and "-") that `paths` name, folders listed; an IngestError for a
    folder that cannot be listed or holds no articles. Nothing is read yet."""
    out: list[str | IngestError] = []
    for path in paths:
        if path == "-" or not Path(path).is_dir():
            out.append(path)
            continue
        try:
            files = article_files(Path(path))
        except OSError as e:
            out.append(IngestError(path, f"cannot list the folder ({e.strerror or e}); check it"))
            continue
        if not files:
            out.append(
                IngestError(
                    path,
                    "folder has no .txt, .html or .htm files; give article files or a folder "
                    "that holds them",
                )
            )
        out += [str(f) for f in files]
    return out


def read_input(path: str, stdin: BinaryIO | None = None) -> Document | IngestError:
    """One listed input read: a file, or "-" for `stdin` (default: the process's stdin)."""
    if path == "-":
        return _guard(STDIN, _read_stdin, stdin or sys.stdin.buffer)
    return _guard(path, read_document, path)


def article_files(folder: Path) -> list[Path]:
    """The .txt/.html/.htm files directly in `folder`, sorted by name (hidden files skipped)."""
    return sorted(
        f
        for f in folder.iterdir()
        if f.suffix.lower() in ARTICLE_SUFFIXES and not f.name.startswith(".") and f.is_file()
    )


def _guard(path: str, read: Callable[[Any], Document], arg: Any) -> Document | IngestError:
    try:
        return read(arg)
    except IngestError as e:
        logger.debug("skipped %s", e)
        return e
    except OSError as e:
        return IngestError(path, f"cannot read ({e.strerror or e}); check its permissions")


def read_document(path: str | Path) -> Document:
    """Read one article file; raises IngestError when it is missing, too big or not an article."""
    p, name = Path(path), str(path)
    if not p.exists():
        raise IngestError(name, "no such file or folder; check the path")
    size = p.stat().st_size
    if size > MAX_BYTES:
        raise IngestError(name, _too_big(size))
    with open(p, "rb") as f:
        data = f.read(MAX_BYTES + 1)  # bounded even when the file grew or is not regular
    if len(data) > MAX_BYTES:
        raise IngestError(name, _too_big(len(data)))
    html = True if p.suffix.lower() in HTML_SUFFIXES else None
    return parse_bytes(data, doc_id=p.stem, path=name, html=html)


def _read_stdin(stream: BinaryIO) -> Document:
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise IngestError(STDIN, f"input is over the {_LIMIT} limit; pass one article at a time")
    return parse_bytes(data, doc_id="stdin", path=STDIN)


def _too_big(size: int) -> str:
    return (
        f"file is {size / 2**20:.1f} MB, over the {_LIMIT} limit; "
        "split it into one file per article"
    )


def parse_bytes(data: bytes, doc_id: str, path: str, html: bool | None = None) -> Document:
    """Decode `data` and build a Document; `html=None` sniffs HTML from the content.

    Plain text is kept exactly as decoded (a UTF-8 BOM is dropped, as `utf-8-sig` does);
    HTML is reduced to its article text, one block (title, heading, paragraph, caption) a line.
    """
    if not data:
        raise IngestError(path, "empty file; give a file with the article text")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding, warnings = data.decode("utf-16", errors="replace"), "utf-16", []
    else:
        sample = data[:8192]
        controls = len(sample) - len(sample.translate(None, _CONTROL))
        if b"\0" in data:
            raise IngestError(
                path,
                "binary file (contains NUL bytes), not text; give a UTF-8 "
                ".txt or an .html article",
            )
        if controls > _MAX_CONTROL_SHARE * len(sample):
            raise IngestError(
                path,
                "binary file (mostly control bytes), not text; give a UTF-8 "
                ".txt or an .html article",
            )
        text, encoding, warnings = _decode(data)
    if not text.strip():
        raise IngestError(path, "empty file (only whitespace); give a file with the article text")
    if html is None:
        html = bool(_HTML_SNIFF.match(text[:4096]))
    meta: dict = {"path": path, "format": "html" if html else "text", "encoding": encoding}
    if html:
        text, found = article_html(text)
        meta.update(found)
        if not text.strip():
            raise IngestError(
                path,
                "HTML has no article text (no title, headings or "
                "paragraphs); save the article page itself",
            )
    if not any(ch.isalpha() for ch in text):
        raise IngestError(path, "no sentences: the text has no letters; give an article in prose")
    for w in warnings:
        logger.warning("%s: %s", path, w)
    meta["warnings"] = warnings
    return Document(id=doc_id, text=text, meta=meta)


def _decode(data: bytes) -> tuple[str, str, list[str]]:
    """UTF-8 (BOM optional); else cp1252 if it decodes cleanly; else UTF-8 with U+FFFD."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data.decode("utf-8-sig"), "utf-8-sig", []
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as e:
        where = f"not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})"
    try:
        text = data.decode("cp1252")
        return text, "cp1252", [f"{where}; decoded as cp1252 instead, check the characters"]
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        return text, "utf-8", [f"{where}; decoded as UTF-8 with bad bytes replaced by U+FFFD"]


# Blocks that become lines; everything inside a dropped element is skipped.
_BLOCKS = {
    "address", "article", "blockquote", "br", "dd", "div", "dt", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p",
    "pre", "section", "table", "td", "th", "title", "tr", "ul",
}  # fmt: skip
_DROPPED = {
    "aside", "button", "form", "iframe", "nav", "noscript", "script", "select", "style", "svg",
    "template", "textarea",
}  # fmt: skip


class _ArticleText(HTMLParser):
    """Collect the text of block elements as lines; the <title> separately."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.title = ""
        self.has_h1 = False
        self._buf: list[str] = []
        self._dropped = 0  # depth inside dropped elements
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _DROPPED:
            self._dropped += 1
        elif tag in _BLOCKS:
            self._flush()
            self._in_title = tag == "title"
            self.has_h1 = self.has_h1 or tag == "h1"

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self._dropped = max(0, self._dropped - 1)
        elif tag in _BLOCKS:
            self._flush()

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._dropped:
            self._buf.append(data)

    def _flush(self) -> None:
        # HTML collapses ASCII whitespace; a non-breaking space (&nbsp;) is kept as U+00A0.
        line = re.sub(r"[ \t\r\n\f]+", " ", "".join(self._buf)).strip(" ")
        self._buf = []
        if line.strip():
            if self._in_title:
                self.title = self.title or line
            else:
                self.lines.append(line)
        self._in_title = False


def article_html(html: str) -> tuple[str, dict]:
    """The article of an HTML page and its metadata (title, outlet, date, author; None when
    unknown). The page's blocks (`html_to_text`: one line each, inline markup joined) are kept
    where trafilatura counts them as the article's main text, so navigation, footers, cookie
    banners and related links go; the title leads. Without a main text found, all blocks."""
    found: dict = dict.fromkeys(("title", "outlet", "date", "author"))
    try:
        import trafilatura

        page = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    except Exception as e:  # noqa: BLE001 - a page trafilatura cannot read: all blocks
        logger.debug("trafilatura: %s", e)
        page = None
    if page is not None:
        found.update(
            title=page.title or None,
            outlet=page.sitename or None,
            date=page.date or None,
            author=page.author or None,
        )
    lines = [x for x in html_to_text(html).split("\n\n") if x.strip()]
    main = _plain(page.text or "") if page is not None else ""
    if main:
        lines = [
            x for k, x in enumerate(lines) if _plain(x) in main or k == 0 and _is_title(x, found)
        ]
    title = found["title"]
    if title and (not lines or _plain(lines[0]) != _plain(title)):
        lines.insert(0, title)
    found["title"] = found["title"] or (lines[0] if lines else None)
    return "\n\n".join(x.strip() for x in lines) + "\n" if lines else "", found


def _plain(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def _is_title(line: str, found: dict) -> bool:
    return bool(found["title"]) and _plain(found["title"]) in _plain(line)


def html_to_text(html: str) -> str:
    """The article text of an HTML page: the h1 (or else the <title>) and each block a line.

    >>> html_to_text("<title>T</title><script>x()</script><h1>Head</h1><p>A <b>b</b>.</p>")
    'Head\\n\\nA b.\\n'
    """
    parser = _ArticleText()
    parser.feed(html)
    parser.close()
    parser._flush()
    lines = parser.lines
    if parser.title and not parser.has_h1:
        lines = [parser.title, *lines]
    return "\n\n".join(lines) + "\n" if lines else ""
