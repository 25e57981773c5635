"""`reader export`: an article with its translation as Markdown, HTML and EPUB (issue 15).

The article is stored in a real database and translated by the tiny test models
(deterministic), so Markdown and HTML are compared with golden files in
tests/export/golden/; set READER_REGENERATE_GOLDEN=1 to rewrite them after a
deliberate change (and read the diff).
"""

from __future__ import annotations

import os
import tomllib
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.bilingual_export import NIGHT_COLOURS
from reader.core.models import EntryData
from reader.service import ReaderService, ServiceError
from tests.conftest import REPO_ROOT, run_reader

GOLDEN = Path(__file__).parent / "golden"
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
XHTML = "{http://www.w3.org/1999/xhtml}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture
def service(installed_tiny_models: Path) -> Iterator[ReaderService]:
    reader = ReaderService()
    yield reader
    reader.close()


def _store_article(service: ReaderService) -> int:
    feed, _ = service.store.add_feed("https://news.example/feed.xml", "고양이 <b>신문</b> & Co")
    service.store.upsert_entries(
        feed.id,
        [
            EntryData(
                guid="cat-1",
                title="고양이 가 잔다.",
                paragraphs=[
                    "고양이 가 잔다. 오늘 사과 를 먹는다.",
                    "<script>alert(1)</script> 사과 [x](javascript:alert(1)) *별* # 1. ![i](x)",
                ],
                url="https://news.example/articles/cat?id=1&x=<2>",
                author="김기자",
                published="2026-03-01T09:00:00+00:00",
                language="ko",
            )
        ],
    )
    service.add_term("사과", gloss="apple <i>fruit</i>", status="2")
    service.add_term("고양이", gloss="cat", status="known")  # known: not marked
    return service.store.articles()[0].id


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("READER_REGENERATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("layout", ["interlinear", "side-by-side"])
def test_markdown_matches_its_golden_file(
    service: ReaderService, tmp_path: Path, layout: str
) -> None:
    article_id = _store_article(service)
    target = tmp_path / "a.md"
    document = service.export_article(article_id, "md", layout, target)
    text = target.read_text(encoding="utf-8")
    _golden(f"article-{layout}.md", text)
    assert [note.term for note in document.notes] == ["사과"]
    assert "**사과**[^1]" in text and "[^1]: **사과**: apple \\<i\\>fruit\\</i\\>" in text
    assert "<script>" not in text and "\\<script\\>" in text
    assert "\\[x\\](javascript" in text  # the brackets escaped: no link


@pytest.mark.parametrize("layout", ["interlinear", "side-by-side"])
def test_html_matches_its_golden_file(service: ReaderService, tmp_path: Path, layout: str) -> None:
    article_id = _store_article(service)
    target = tmp_path / "a.html"
    service.export_article(article_id, "html", layout, target)
    text = target.read_text(encoding="utf-8")
    _golden(f"article-{layout}.html", text)
    assert "<script" not in text and "&lt;script&gt;" in text
    assert 'href="javascript' not in text
    assert NIGHT_COLOURS["background"] in text
    assert '<mark class="term term-2">사과</mark>' in text
    assert '<li id="note-1" lang="ko"><b>사과</b>: apple &lt;i&gt;fruit&lt;/i&gt;' in text
    assert 'lang="ko"' in text and 'lang="en"' in text


def test_epub_structure(service: ReaderService, tmp_path: Path) -> None:
    article_id = _store_article(service)
    target = tmp_path / "a.epub"
    service.export_article(article_id, "epub", "interlinear", target)
    with zipfile.ZipFile(target) as archive:
        members = archive.infolist()
        assert members[0].filename == "mimetype"
        assert members[0].compress_type == zipfile.ZIP_STORED and not members[0].extra
        assert archive.read("mimetype") == b"application/epub+zip"
        container = ET.fromstring(archive.read("META-INF/container.xml"))
        rootfile = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile")
        assert rootfile is not None
        package_path = rootfile.attrib["full-path"]
        package = ET.fromstring(archive.read(package_path))
        assert package.attrib["version"] == "3.0"
        identifier_id = package.attrib["unique-identifier"]
        identifiers = package.findall(f"{OPF}metadata/{DC}identifier")
        assert [i.attrib["id"] for i in identifiers] == [identifier_id]
        assert (identifiers[0].text or "").startswith("urn:uuid:")
        assert [e.text for e in package.findall(f"{OPF}metadata/{DC}language")] == ["ko", "en"]
        assert package.find(f"{OPF}metadata/{DC}title") is not None
        modified = package.find(f"{OPF}metadata/{OPF}meta[@property='dcterms:modified']")
        assert modified is not None and (modified.text or "").endswith("Z")
        folder = package_path.rsplit("/", 1)[0] + "/"
        items = {item.attrib["id"]: item.attrib for item in package.iter(f"{OPF}item")}
        assert any(item.get("properties") == "nav" for item in items.values())
        spine = [ref.attrib["idref"] for ref in package.iter(f"{OPF}itemref")]
        for item in items.values():
            assert folder + item["href"] in archive.namelist()
        content = archive.read(folder + items[spine[0]]["href"]).decode("utf-8")
        root = ET.fromstring(content)  # well-formed XHTML
        assert root.attrib[XML_LANG] == "ko"
        assert "사과" in content and 'epub:type="footnote"' in content
        assert 'epub:type="noteref"' in content
        assert "<script" not in content
        languages = {element.attrib.get("lang") for element in root.iter()}
        assert {"ko", "en"} <= languages
        nav = ET.fromstring(archive.read(folder + "nav.xhtml"))
        assert nav.find(f".//{XHTML}nav") is not None
    first = target.read_bytes()
    service.export_article(article_id, "epub", "interlinear", target)
    with zipfile.ZipFile(target) as again:
        package = ET.fromstring(again.read(package_path))
    assert package.find(f"{OPF}metadata/{DC}identifier").text == identifiers[0].text  # type: ignore[union-attr]
    assert len(first) > 500


def test_theme_colours_are_the_shipped_night_theme() -> None:
    theme = tomllib.loads((REPO_ROOT / "themes" / "night.toml").read_text(encoding="utf-8"))
    merged = {**theme["colors"], **theme["reader"]}
    for name, colour in NIGHT_COLOURS.items():
        assert merged[name] == colour, name


def test_without_a_model_export_fails_in_one_line(tmp_path: Path) -> None:
    document = tmp_path / "story.txt"
    document.write_text("제목\n\n고양이 가 잔다.", encoding="utf-8")
    assert run_reader("open", str(document)).returncode == 0
    done = run_reader("export", "1", "-o", str(tmp_path / "x.md"))
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert not (tmp_path / "x.md").exists()


def test_cli_export(installed_tiny_models: Path, tmp_path: Path) -> None:
    document = tmp_path / "story.txt"
    document.write_text("제목\n\n고양이 가 잔다.\n\n오늘 사과 를 먹는다.", encoding="utf-8")
    assert run_reader("open", str(document)).returncode == 0
    assert run_reader("terms", "add", "사과", "--gloss", "apple").returncode == 0
    shown = run_reader("export", "1")
    assert shown.returncode == 0, shown.stderr
    assert "고양이 가 잔다.\\\n*cat 가 잔다.*" in shown.stdout
    assert "Source: local document" in shown.stdout and "© the author" in shown.stdout
    out = tmp_path / "book.epub"
    done = run_reader("export", "1", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"exported article 1 (epub, 1 glossary note) to {out}"
    assert zipfile.is_zipfile(out)
    html_page = run_reader("export", "1", "--format", "html", "--layout", "side-by-side", "-o", "-")
    assert html_page.stdout.startswith("<!DOCTYPE html>")
    missing = run_reader("export", "99", "-o", str(tmp_path / "n.md"))
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1


def test_unknown_format_is_refused(service: ReaderService, tmp_path: Path) -> None:
    article_id = _store_article(service)
    with pytest.raises(ServiceError, match="unknown format"):
        service.export_article(article_id, "pdf", "interlinear", tmp_path / "x.pdf")
