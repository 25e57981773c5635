"""Bilingual exports of hostile feed text: no markup, script, link or attribute escapes (issue 15)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.bilingual_export import markdown_text
from reader.core.models import EntryData
from reader.service import ReaderService


@pytest.fixture
def service(installed_tiny_models: Path) -> Iterator[ReaderService]:
    reader = ReaderService()
    yield reader
    reader.close()


def test_hostile_language_and_links_are_inert(service: ReaderService, tmp_path: Path) -> None:
    feed, _ = service.store.add_feed("https://evil.example/feed.xml", "evil")
    service.store.upsert_entries(
        feed.id,
        [
            EntryData(
                guid="e",
                title='"><script>x</script>',
                paragraphs=["고양이 가 잔다.\x07\x1b[31m"],
                url="javascript:alert(1)",
                language='ko" onload="alert(1)',
            )
        ],
    )
    article_id = service.store.articles()[0].id
    for format_name in ("html", "epub"):
        target = tmp_path / f"e.{format_name}"
        service.export_article(article_id, format_name, "side-by-side", target)
        data = target.read_bytes()
        if format_name == "epub":
            with zipfile.ZipFile(target) as archive:
                data = archive.read("OEBPS/article.xhtml")
                ET.fromstring(data)
        text = data.decode("utf-8")
        assert "onload" not in text and "javascript:" not in text and "<script" not in text
        assert "\x1b" not in text and "\x07" not in text


@pytest.mark.parametrize(
    "text",
    ["# heading", "- item", "1. item", "[a](b)", "![i](x)", "<b>x</b>", "`code`", "a|b", "&amp;"],
)
def test_markdown_text_leaves_no_structure(text: str) -> None:
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").enable("table").render(markdown_text(text))
    assert rendered.startswith("<p>") and rendered.count("<") == 2, rendered
