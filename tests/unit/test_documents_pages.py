"""core/documents.py and core/pages.py on their own, without a service: which local
files are read and how, which answers are web pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.documents import DocumentError, LocalDocument, read_local_document
from reader.core.pages import PageError, check_page_type, media_type


def test_a_markdown_file_is_read_with_its_heading_as_the_title(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("# 제목\n\n첫 문단.\n\n둘째 문단.\n", encoding="utf-8")
    document = read_local_document(path)
    assert isinstance(document, LocalDocument)
    assert document.title == "제목"
    assert document.paragraphs == ["첫 문단.", "둘째 문단."]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.txt", b"title\x00\x01binary", "binary file, not text"),
        ("a.pdf", b"%PDF", "unsupported file type .pdf"),
        ("a.txt", b"\n\n  \n", "file is empty"),
    ],
)
def test_a_file_that_is_no_document_is_refused_with_one_line(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DocumentError, match=message) as raised:
        read_local_document(path)
    assert "\n" not in str(raised.value)


def test_the_content_type_policy_reads_pages_and_sends_feeds_to_reader_add() -> None:
    assert media_type(None) == "text/html"
    assert media_type("Text/HTML; charset=EUC-KR") == "text/html"
    for page in ("text/html", "application/xhtml+xml; charset=utf-8", "text/plain", None):
        check_page_type("http://127.0.0.1/page", page)
    with pytest.raises(PageError, match="is a feed; subscribe to it with `reader add"):
        check_page_type("http://127.0.0.1/feed", "application/rss+xml")
    with pytest.raises(PageError, match=r"is not a web page \(image/png\)"):
        check_page_type("http://127.0.0.1/a.png", "image/png")
