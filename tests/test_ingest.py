"""framing.pipeline.ingest: decoding without normalising, HTML extraction, stdin, folders, bad
inputs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from framing.core.errors import InputError
from framing.pipeline import ingest
from framing.pipeline.article import Document
from framing.pipeline.ingest import IngestError, html_to_text, read_document, read_documents

# Invented text with curly quotes and a non-breaking space.
ARTICLE = "Harbor talks end\n\nThe “Portville” talks ended on\u00a0Friday, the envoy said.\n"


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


def read_one(path: Path) -> Document | IngestError:
    (out,) = read_documents([str(path)])
    return out


@pytest.mark.parametrize(
    "raw, text",
    [
        (ARTICLE.encode(), ARTICLE),
        (b"\xef\xbb\xbf" + ARTICLE.encode(), ARTICLE),  # BOM dropped, as utf-8-sig reads it
        (ARTICLE.replace("\n", "\r\n").encode(), ARTICLE.replace("\n", "\r\n")),
        (b"\xff\xfe" + ARTICLE.encode("utf-16-le"), ARTICLE),
    ],
    ids=["utf8", "bom", "crlf", "utf16"],
)
def test_plain_text_is_kept_exactly(tmp_path: Path, raw: bytes, text: str) -> None:
    doc = read_document(write(tmp_path, "talks.txt", raw))
    assert doc.text == text
    assert doc.id == "talks"
    assert doc.meta["format"] == "text" and doc.meta["warnings"] == []
    start = doc.text.index("“")
    assert doc.text[start : start + 11] == "“Portville”"
    assert "\u00a0Friday" in doc.text


def test_bom_encoding_is_recorded(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "a.txt", b"\xef\xbb\xbf" + ARTICLE.encode()))
    assert doc.meta == {
        "path": str(tmp_path / "a.txt"),
        "format": "text",
        "encoding": "utf-8-sig",
        "warnings": [],
    }


PAGE = """<!DOCTYPE html><html><head><title>Harbor talks end - Site</title>
<style>p { color: red }</style><script>var x = "<p>no</p>";</script></head>
<body><nav><a href="/">Home</a> | <a href="/w">World</a></nav>
<h1>Harbor talks end</h1>
<p>The   <b>Portville</b>
talks ended&nbsp;on Friday &amp; the envoy said so.</p>
<figure><img src="a.jpg"><figcaption>A ship in port. Photo: Harbor Wire</figcaption></figure>
<h2>Next steps</h2><p>Talks resume in May.<br>Both sides agreed.</p>
<footer>All rights reserved</footer></body></html>"""
PAGE_TEXT = (
    "Harbor talks end\n\n"
    "The Portville talks ended\u00a0on Friday & the envoy said so.\n\n"
    "A ship in port. Photo: Harbor Wire\n\n"
    "Next steps\n\n"
    "Talks resume in May.\n\n"
    "Both sides agreed.\n"
)  # the footer is not the article's (trafilatura's main text)


def test_html_extracts_article_text(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "page.html", PAGE))
    assert doc.text == PAGE_TEXT
    assert doc.meta["format"] == "html"
    assert doc.id == "page"


BANNERED = """<html><head><title>Navies end drill | Eastport Times</title>
<meta property="og:site_name" content="Eastport Times"><meta name="author" content="Ada Quill">
<meta property="article:published_time" content="2023-04-17T08:00:00Z"></head><body>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies.</div>
<article><h1>Navies end drill near Eastport</h1>
<p>The two navies ended a five-day drill on Friday, the defence ministry said.</p>
<p>Critics said the drill was a dangerous show of force aimed at the region.</p></article>
<aside><a href="/more">Related: Ships return to port</a></aside>
<footer><p>Sign up for our newsletter</p><p>Terms of use | Privacy policy</p></footer>
</body></html>"""


def test_html_drops_banners_and_footers_and_keeps_metadata(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "drill.html", BANNERED))
    assert doc.text.split("\n\n") == [
        "Navies end drill near Eastport",
        "The two navies ended a five-day drill on Friday, the defence ministry said.",
        "Critics said the drill was a dangerous show of force aimed at the region.\n",
    ]
    assert {k: doc.meta[k] for k in ("title", "outlet", "date", "author")} == {
        "title": "Navies end drill near Eastport",
        "outlet": "Eastport Times",
        "date": "2023-04-17",
        "author": "Ada Quill",
    }


def test_html_title_is_the_headline_without_h1() -> None:
    html = "<html><title>Talks end</title><body><div>Envoys met.</div><p>They left.</p></body>"
    assert html_to_text(html) == "Talks end\n\nEnvoys met.\n\nThey left.\n"


@pytest.mark.parametrize("name", ["page.txt", "page.htm", "PAGE.HTML", "page"])
def test_html_is_sniffed_or_known_by_suffix(tmp_path: Path, name: str) -> None:
    doc = read_document(write(tmp_path, name, PAGE))
    assert (doc.meta["format"], doc.text) == ("html", PAGE_TEXT)


def test_stdin_is_read_with_dash() -> None:
    docs = list(read_documents(["-"], stdin=io.BytesIO(b"\xef\xbb\xbf" + ARTICLE.encode())))
    assert [(d.id, d.text, d.meta["path"]) for d in docs] == [("stdin", ARTICLE, "<stdin>")]
    (page,) = read_documents(["-"], stdin=io.BytesIO(PAGE.encode()))
    assert page.meta["format"] == "html"


def test_folders_and_files_in_one_call(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in ("b.txt", "a.html", "c.htm", "notes.md", ".hidden.txt"):
        write(folder, name, PAGE if "htm" in name else ARTICLE)
    (folder / "sub.txt").mkdir()  # a folder named like an article is not one
    single = write(tmp_path, "z.txt", ARTICLE)
    docs = list(read_documents([str(single), str(folder)]))
    assert [d.id for d in docs] == ["z", "a", "b", "c"]
    assert [d.meta["format"] for d in docs] == ["text", "html", "text", "html"]


def test_bad_inputs_are_reported_and_the_rest_go_on(tmp_path: Path) -> None:
    good = write(tmp_path, "good.txt", ARTICLE)
    out = list(read_documents([str(tmp_path / "gone.txt"), str(good)]))
    assert isinstance(out[0], IngestError) and isinstance(out[1], Document)
    assert isinstance(out[0], InputError)
    assert str(out[0]) == f"{tmp_path / 'gone.txt'}: no such file or folder; check the path"
    assert (out[0].path, out[0].message) == (
        str(tmp_path / "gone.txt"),
        "no such file or folder; check the path",
    )


BINARY = "binary file ({}), not text; give a UTF-8 .txt or an .html article"
EMPTY = "empty file{}; give a file with the article text"


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", EMPTY.format("")),
        (b"  \r\n\t\n", EMPTY.format(" (only whitespace)")),
        (b"\xef\xbb\xbf\n", EMPTY.format(" (only whitespace)")),
        (b"Title\n\0\x01body", BINARY.format("contains NUL bytes")),
        (bytes(range(1, 9)) * 20 + b"text", BINARY.format("mostly control bytes")),
        (
            b"2024-05-03 -- 17:45 | 42 %\n",
            "no sentences: the text has no letters; give an article in prose",
        ),
        (
            b"<html><head><script>go()</script></head><body></body></html>",
            "HTML has no article text (no title, headings or paragraphs); save the article page "
            "itself",
        ),
    ],
    ids=["empty", "blank", "bom-only", "nul", "control", "no-letters", "html-empty"],
)
def test_refused_files(tmp_path: Path, data: bytes, message: str) -> None:
    err = read_one(write(tmp_path, "bad.txt", data))
    assert isinstance(err, IngestError)
    assert str(err) == f"{tmp_path / 'bad.txt'}: {message}"


def test_folder_without_articles(tmp_path: Path) -> None:
    write(tmp_path, "notes.md", ARTICLE)
    (err,) = read_documents([str(tmp_path)])
    assert str(err) == (
        f"{tmp_path}: folder has no .txt, .html or .htm files; give article files or a folder "
        "that holds them"
    )


def test_cp1252_fallback_warns(tmp_path: Path) -> None:
    raw = "Caf\u00e9 talks \u201cend\u201d\n".encode("cp1252")
    doc = read_one(write(tmp_path, "old.txt", raw))
    assert doc.text == "Caf\u00e9 talks \u201cend\u201d\n"
    assert doc.meta["encoding"] == "cp1252"
    assert doc.meta["warnings"] == [
        "not valid UTF-8 (byte 0xe9 at offset 3); decoded as cp1252 instead, check the characters"
    ]


def test_undecodable_bytes_are_replaced_with_a_warning(tmp_path: Path) -> None:
    raw = b"Talks \x81\x8d end\n"  # 0x81 and 0x8d are undefined in cp1252 too
    doc = read_one(write(tmp_path, "odd.txt", raw))
    assert doc.text == "Talks \ufffd\ufffd end\n"
    assert doc.meta["encoding"] == "utf-8"
    assert doc.meta["warnings"] == [
        "not valid UTF-8 (byte 0x81 at offset 6); decoded as UTF-8 with bad bytes replaced by "
        "U+FFFD"
    ]


def test_huge_file_is_refused_before_reading(tmp_path: Path, monkeypatch) -> None:
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(ingest.MAX_BYTES + 1)  # sparse: no disk or memory used

    def no_open(*args, **kwargs):
        raise AssertionError("a file over the limit must not be opened")

    monkeypatch.setattr(ingest, "open", no_open, raising=False)
    err = read_one(big)
    assert (
        str(err)
        == f"{big}: file is 50.0 MB, over the 50 MB limit; split it into one file per article"
    )


class EndlessStream(io.RawIOBase):
    """A stdin that never ends; only reads of the asked size are served."""

    def read(self, n: int = -1) -> bytes:
        assert n > 0, "stdin must be read with a bound"
        return b"a" * n


def test_huge_stdin_is_refused_with_bounded_memory() -> None:
    (err,) = read_documents(["-"], stdin=EndlessStream())
    assert str(err) == "<stdin>: input is over the 50 MB limit; pass one article at a time"


def test_unreadable_file(tmp_path: Path, monkeypatch) -> None:
    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    p = write(tmp_path, "locked.txt", ARTICLE)
    monkeypatch.setattr(ingest, "open", denied, raising=False)
    assert str(read_one(p)) == f"{p}: cannot read (Permission denied); check its permissions"
