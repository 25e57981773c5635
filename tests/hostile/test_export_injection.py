"""Outside text in exported files: spreadsheet formulas, Anki's media/LaTeX/MathJax
markup and HTML, characters XML forbids in OPML. Each is neutralised on the way out
and the round trip through reader's own files stays exact."""

from __future__ import annotations

import csv
import html
import re
import sqlite3
import xml.etree.ElementTree as ElementTree
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from reader.core.opml import export_opml, parse_opml
from reader.service import ReaderService

FORMULAS = [
    '=HYPERLINK("http://127.0.0.1/x","click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
    "'already quoted",
]


@pytest.fixture
def service() -> Iterator[ReaderService]:
    reader = ReaderService()
    yield reader
    reader.close()


@pytest.mark.parametrize("format_name", ["csv", "tsv"])
def test_formulas_are_quoted_on_export_and_restored_on_import(
    service: ReaderService, tmp_path: Path, format_name: str
) -> None:
    for number, formula in enumerate(FORMULAS):
        service.add_term(f"word{number}", gloss=formula, note=formula, lang="en", sentence=formula)
    service.add_term("-ish", gloss="plain", lang="en")  # a term cell a spreadsheet would run
    path = tmp_path / f"glossary.{format_name}"
    service.export_terms(format_name, path)

    delimiter = "\t" if format_name == "tsv" else ","
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=delimiter))
    cells = [cell for row in rows[1:] for cell in row]
    assert cells, rows
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert '\'=HYPERLINK("http://127.0.0.1/x","click")' in cells
    assert "''already quoted" in cells

    before = {(t.text, t.gloss, t.note, t.sentence) for t in service.list_terms()}
    for term in service.list_terms():
        service.delete_term(term.id)
    service.import_terms(path)
    after = {(t.text, t.gloss, t.note, t.sentence) for t in service.list_terms()}
    assert after == before


def test_another_programs_file_keeps_its_leading_quote(
    service: ReaderService, tmp_path: Path
) -> None:
    path = tmp_path / "other.csv"
    path.write_text("term,gloss\n'tis,it is\n", encoding="utf-8")
    service.import_terms(path)
    assert [t.text for t in service.list_terms()] == ["'tis"]


def _deck_fields(path: Path, tmp_path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        archive.extract("collection.anki2", tmp_path / "deck")
    connection = sqlite3.connect(tmp_path / "deck" / "collection.anki2")
    rows = connection.execute("SELECT flds FROM notes").fetchall()
    connection.close()
    return [field for (flds,) in rows for field in flds.split("\x1f")]


ANKI_ATTACKS = [
    "[sound:evil.mp3]",
    r"[latex]\immediate\write18{id}[/latex]",
    "[$]x[/$] [$$]y[/$$]",
    r"\(\href{javascript:alert(3)}{x}\) and \[x\]",
    "<img src=x onerror=alert(1)>",
]


def test_anki_fields_escape_html_and_ankis_own_markup(
    service: ReaderService, tmp_path: Path
) -> None:
    source = tmp_path / "hostile.csv"
    rows = ["term,gloss,lang,note,sentence,sentence_translation"]
    rows.append('attack,"[sound:a.mp3]","<img src=x onerror=alert(2)>",n,s,t')
    for number, attack in enumerate(ANKI_ATTACKS):
        quoted = attack.replace('"', '""')
        rows.append(f'w{number},"{quoted}",en,"{quoted}","{quoted}","{quoted}"')
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    service.import_terms(source)
    deck = tmp_path / "deck.apkg"
    service.export_terms("anki", deck)

    fields = _deck_fields(deck, tmp_path)
    for field in fields:
        assert "[" not in field, field
        assert "<img" not in field, field
        # MathJax matches delimiters within one text run: no backslash shares one with "(" or "[".
        assert not re.search(r"&#92;(?!</span>)", field), field
        assert "\\" not in field, field
    for attack in ANKI_ATTACKS:
        expected = html.escape(attack, quote=True).replace("[", "&#91;")
        expected = expected.replace("\\", "<span>&#92;</span>")
        assert expected in fields
        shown = html.unescape(re.sub(r"</?span>", "", expected))
        assert shown == attack
    assert "&lt;img src=x onerror=alert(2)&gt;" in fields


def _strict_parse(text: str) -> None:
    etree.fromstring(text.encode("utf-8"))
    ElementTree.fromstring(text.encode("utf-8"))


def test_opml_export_drops_characters_xml_forbids(service: ReaderService) -> None:
    feed, _ = service.store.add_feed(
        "http://127.0.0.1/feed\ufffe", "Bad \ufffe\uffff title\x01", "Folder \uffff"
    )
    service.store.update_feed(feed.id, site_url="http://127.0.0.1/\ufffe")
    text = service.export_opml()
    _strict_parse(text)
    assert "\ufffe" not in text and "\uffff" not in text
    [parsed] = parse_opml(text.encode("utf-8")).feeds
    assert (parsed.title, parsed.folder) == ("Bad title", "Folder")


def test_opml_import_drops_characters_xml_forbids() -> None:
    document = (
        '<?xml version="1.0" encoding="utf-8"?><opml version="2.0"><body>'
        '<outline text="News \ufffe\uffff"><outline type="rss" text="A \uffff feed"'
        ' xmlUrl="http://127.0.0.1/a"/></outline></body></opml>'
    ).encode()
    [feed] = parse_opml(document).feeds
    assert (feed.title, feed.folder, feed.url) == ("A feed", "News", "http://127.0.0.1/a")
    _strict_parse(export_opml([]))
