"""Hostile dictionary files: each is refused (or defused) with one line, in bounded time,
and the dictionaries installed before are left exactly as they were."""

from __future__ import annotations

import json
import sqlite3
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core import dictionary_formats, dictionary_zips
from reader.core.dictionary import DictionaryError, DictionaryStore, lemma_of
from reader.core.text import clean_line
from tests.dictionary.conftest import KENGDIC_TSV, KRDICT_XML, YOMITAN_DIR, build_yomitan_zip

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE LexicalResource [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<LexicalResource><Lexicon><LexicalEntry>
<Lemma><feat att="writtenForm" val="&lol9;"/></Lemma>
<Sense><Equivalent><feat att="language" val="영어"/><feat att="lemma" val="&lol9;"/></Equivalent></Sense>
</LexicalEntry></Lexicon></LexicalResource>"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE LexicalResource [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<LexicalResource><Lexicon><LexicalEntry>
<Lemma><feat att="writtenForm" val="유출"/></Lemma>
<Sense><Equivalent><feat att="language" val="영어"/><feat att="lemma" val="&xxe;"/></Equivalent></Sense>
</LexicalEntry></Lexicon></LexicalResource>"""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DictionaryStore]:
    dictionaries = DictionaryStore(tmp_path / "data" / "dictionaries.sqlite")
    yield dictionaries
    dictionaries.close()


@pytest.fixture
def installed(store: DictionaryStore) -> DictionaryStore:
    """A store that already holds KRDict and kengdic, to check they survive."""
    store.install(KRDICT_XML)
    store.install(KENGDIC_TSV)
    return store


def state_of(store: DictionaryStore) -> tuple[object, ...]:
    connection = store.connection
    return (
        connection.execute("SELECT name, entry_count FROM dictionaries ORDER BY name").fetchall(),
        connection.execute("SELECT count(*) FROM entries").fetchone(),
        connection.execute("SELECT count(*) FROM gloss_keys").fetchone(),
    )


def refused(store: DictionaryStore, path: Path, fragment: str) -> str:
    """Install ``path``, expect a one-line refusal containing ``fragment``, in bounded time."""
    before = state_of(store)
    started = time.monotonic()
    with pytest.raises(DictionaryError) as caught:
        store.install(path)
    assert time.monotonic() - started < 10
    message = str(caught.value)
    assert fragment in message
    assert "\n" not in message and "\x1b" not in message
    assert len(message) < 400
    assert state_of(store) == before
    return message


def test_truncated_xml_leaves_previous_dictionaries_intact(
    installed: DictionaryStore, tmp_path: Path
) -> None:
    data = KRDICT_XML.read_bytes()
    truncated = tmp_path / "krdict.xml"
    truncated.write_bytes(data[: len(data) * 2 // 3])
    # The same name as the installed KRDict: it must not be replaced by the broken half.
    message = refused(installed, truncated, "malformed XML")
    assert message.startswith(f"{truncated}: ")
    assert len(installed.lookup("사람", "사람", english=False).entries) == 2


def test_billion_laughs_is_refused_quickly(installed: DictionaryStore, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(BILLION_LAUGHS, encoding="utf-8")
    refused(installed, bomb, "declares entities")


def test_external_entity_is_refused_and_never_read(
    installed: DictionaryStore, tmp_path: Path
) -> None:
    xxe = tmp_path / "xxe.xml"
    xxe.write_text(XXE, encoding="utf-8")
    refused(installed, xxe, "declares entities")
    assert b"root:" not in installed.path.read_bytes()


def test_entities_past_the_first_bytes_are_not_expanded(
    store: DictionaryStore, tmp_path: Path
) -> None:
    """An undeclared entity further in is an XML error (lxml resolves no entities)."""
    text = KRDICT_XML.read_text(encoding="utf-8").replace('val="pear"', 'val="&xxe;"')
    sneaky = tmp_path / "sneaky.xml"
    sneaky.write_text(text, encoding="utf-8")
    refused(store, sneaky, "malformed XML")


def test_bad_zip_is_refused(installed: DictionaryStore, tmp_path: Path) -> None:
    bad = tmp_path / "yomitan.zip"
    bad.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 100)
    refused(installed, bad, "not a readable zip file")


def test_truncated_zip_is_refused(installed: DictionaryStore, tmp_path: Path) -> None:
    whole = build_yomitan_zip(tmp_path / "whole.zip").read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole[: len(whole) // 2])
    refused(installed, cut, "zip")


def test_zip_without_a_dictionary_is_refused(installed: DictionaryStore, tmp_path: Path) -> None:
    other = tmp_path / "photos.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "no dictionary here")
    refused(installed, other, "neither index.json")


def test_zip_bomb_member_is_cut_off(
    installed: DictionaryStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inflated bytes are counted as they come, whatever the member's header says."""
    monkeypatch.setattr(dictionary_zips, "MAX_MEMBER_BYTES", 2 * 2**20)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(YOMITAN_DIR / "index.json", "index.json")
        archive.writestr("term_bank_1.json", "[" + " " * (20 * 2**20) + "]")
    assert bomb.stat().st_size < 100_000
    refused(installed, bomb, "inflates past 2 MB")


def test_deeply_nested_json_is_refused(installed: DictionaryStore, tmp_path: Path) -> None:
    for depth, fragment in ((100_000, "nested too deeply"), (60, "nested too deeply")):
        deep = tmp_path / f"deep{depth}.zip"
        with zipfile.ZipFile(deep, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(YOMITAN_DIR / "index.json", "index.json")
            archive.writestr("term_bank_1.json", "[" * depth + "]" * depth)
        refused(installed, deep, fragment)


def test_wrong_yomitan_rows_are_refused(installed: DictionaryStore, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.zip"
    with zipfile.ZipFile(wrong, "w") as archive:
        archive.write(YOMITAN_DIR / "index.json", "index.json")
        archive.writestr(
            "term_bank_1.json", json.dumps([["외교", "", "n", "", 1, ["x"], 1, ""], {"a": 1}])
        )
    refused(installed, wrong, "term_bank_1.json: term 2")


@pytest.mark.parametrize(
    ("bank", "fragment"),
    [
        ('[["외교", "", "n", "", 1, ["diplomacy"], 1, ""]', "cut short"),
        ('[["외교", "", "n", "", 1, ["diplomacy"], 1, ""]] trailing', "text after the array"),
        ('[["외교", "", "n", "", 1, ["diplomacy"], 1, ""] ["배"]]', "expected , or ]"),
        ('{"term": "외교"}', "not a JSON array"),
        ("[" + '"' + "x" * (2 * 2**20) + '"]', "longer than"),
    ],
)
def test_malformed_term_banks_are_refused(
    installed: DictionaryStore, tmp_path: Path, bank: str, fragment: str
) -> None:
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(broken, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(YOMITAN_DIR / "index.json", "index.json")
        archive.writestr("term_bank_1.json", bank)
    refused(installed, broken, fragment)


def test_kengdic_with_wrong_columns_names_the_line(
    installed: DictionaryStore, tmp_path: Path
) -> None:
    lines = KENGDIC_TSV.read_text(encoding="utf-8").splitlines(keepends=True)
    wrong = tmp_path / "kengdic.tsv"
    wrong.write_text("".join([*lines[:5], "999\t사과\n", *lines[5:]]), encoding="utf-8")
    refused(installed, wrong, "line 6: 2 columns")


def test_tsv_that_is_not_kengdic_is_refused(installed: DictionaryStore, tmp_path: Path) -> None:
    other = tmp_path / "words.tsv"
    other.write_text("word\tmeaning\n사과\tapple\n", encoding="utf-8")
    refused(installed, other, "not kengdic TSV")


def test_non_utf8_and_overlong_lines_are_refused(
    installed: DictionaryStore, tmp_path: Path
) -> None:
    header = KENGDIC_TSV.read_bytes().split(b"\n", 1)[0] + b"\n"
    latin1 = tmp_path / "latin1.tsv"
    latin1.write_bytes(header + "1\tcaf\xe9\t\tcoffee\t\t\t\n".encode("latin-1"))
    refused(installed, latin1, "line 2: not UTF-8")
    long_line = tmp_path / "long.tsv"
    long_line.write_bytes(header + b"1\t" + b"x" * 200_000 + b"\t\tg\t\t\t\n")
    refused(installed, long_line, "line 2: longer than")


def test_unknown_formats_and_empty_files_are_refused(
    installed: DictionaryStore, tmp_path: Path
) -> None:
    for name, data, fragment in (
        ("empty.xml", b"", "unrecognised dictionary format"),
        ("rss.xml", b"<?xml version='1.0'?><rss><channel/></rss>", "not a KRDict"),
        (
            "noentries.xml",
            b"<LexicalResource><Lexicon/></LexicalResource>",
            "no dictionary entries",
        ),
        ("binary.bin", bytes(range(256)) * 10, "unrecognised dictionary format"),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        refused(installed, path, fragment)
    refused(installed, tmp_path / "missing.xml", "cannot read")


def test_hostile_glosses_are_inert_text(store: DictionaryStore, tmp_path: Path) -> None:
    store.install(KENGDIC_TSV)
    store.install(build_yomitan_zip(tmp_path / "yomitan.zip"))
    store.install(KRDICT_XML)
    glosses = {
        entry.dictionary: entry.senses[0].gloss
        for entry in store.lookup("악성", lemma_of("악성"), english=False).entries
    }
    # Escape sequences (colour, OSC title and hyperlink) are removed; markup stays literal text.
    assert glosses == {
        "kengdic": "malignant red <script>x</script>",
        "test-korean-yomitan": "red link <script>alert(1)</script> [bold]x[/bold]",
        "krdict": "<script>alert(1)</script> [bold red]malignancy[/]",
    }
    assert b"\x1b" not in store.path.read_bytes()


def test_overlong_fields_are_cut(store: DictionaryStore, tmp_path: Path) -> None:
    rows = [["긴말", "", "n", "", 0, ["word " * 100_000], 1, ""]]
    source = tmp_path / "long"
    source.mkdir()
    (source / "index.json").write_text(
        json.dumps({"title": "Long " * 1000, "revision": "1", "format": 3}), encoding="utf-8"
    )
    (source / "term_bank_1.json").write_text(json.dumps(rows), encoding="utf-8")
    installed = store.install(build_yomitan_zip(tmp_path / "long.zip", source))
    assert len(installed.title) <= dictionary_formats.MAX_HEADWORD_CHARS
    gloss = store.lookup("긴말", "긴말", english=False).entries[0].senses[0].gloss
    assert len(gloss) == dictionary_formats.MAX_TEXT_CHARS and gloss.endswith("…")


def test_entry_count_is_capped(
    store: DictionaryStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.core import dictionary

    monkeypatch.setattr(dictionary, "MAX_ENTRIES", 5)
    refused(store, KRDICT_XML, "more than 5 entries")
    assert store.dictionaries() == []


def test_zipped_xml_volume_is_cut_off_while_streaming(
    installed: DictionaryStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cap also holds inside lxml's reads of a zipped KRDict volume."""
    monkeypatch.setattr(dictionary_zips, "MAX_MEMBER_BYTES", 1 * 2**20)
    bomb = tmp_path / "krdict.zip"
    padding = "<!--" + " " * (8 * 2**20) + "-->"
    xml = KRDICT_XML.read_text(encoding="utf-8").replace("<Lexicon>", "<Lexicon>" + padding)
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("1.xml", xml)
    refused(installed, bomb, "inflates past 1 MB")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_text_fast_path_is_the_same_as_clean_line(text: str) -> None:
    """Dictionary strings skip clean_line's regexes only when it would change nothing."""
    assert dictionary_formats.text_field(text, 10_000) == clean_line(text)


def test_a_damaged_or_foreign_database_is_reported_and_left_alone(tmp_path: Path) -> None:
    for name, content in (("garbage", b"this is not a database" * 100), ("foreign", None)):
        path = tmp_path / f"{name}.sqlite"
        if content is None:
            other = sqlite3.connect(path)
            other.execute("CREATE TABLE notes (text TEXT)")
            other.commit()
            other.close()
        else:
            path.write_bytes(content)
        before = path.read_bytes()
        with pytest.raises(DictionaryError, match="move it away"):
            DictionaryStore(path).install(KRDICT_XML)
        assert path.read_bytes() == before
