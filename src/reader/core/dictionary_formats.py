"""Readers for the dictionary files ``reader dict install`` accepts, one entry at a time.

Three formats, recognised from their content (never from the file name):

* the National Institute of Korean Language's Basic Korean Dictionary (한국어기초사전,
  KRDict) XML export, an LMF document of ``LexicalEntry`` elements whose values are
  ``<feat att=… val=…/>`` pairs; the download is a zip of several such XML volumes,
  and one volume on its own is accepted too;
* kengdic's TSV (``id, surface, hanja, gloss, level, created, source``), with or
  without its header line;
* Yomitan dictionary zips: ``index.json`` plus ``term_bank_*.json`` arrays of
  ``[term, reading, definitionTags, rules, score, glosses, sequence, termTags]``.

Every file is hostile. Nothing is read whole: XML goes through lxml's ``iterparse``
with each entry cleared once read, TSV line by line, zips member by member with the
bytes actually inflated counted (a member's declared size is not trusted). Entities,
DTDs and network access are off, and a file that declares entities is refused. Every
string passes through :func:`reader.core.text.clean_line` and is cut to a length
cap; entries, senses, members and JSON depth are capped. A malformed file raises
:class:`DictionaryFormatError` with a one-line message.
"""

from __future__ import annotations

from pathlib import Path

from reader.core.dictionary_entries import HEAD_BYTES as HEAD_BYTES
from reader.core.dictionary_entries import MAX_ENTRIES as MAX_ENTRIES
from reader.core.dictionary_entries import MAX_GLOSSES as MAX_GLOSSES
from reader.core.dictionary_entries import MAX_HEADWORD_CHARS as MAX_HEADWORD_CHARS
from reader.core.dictionary_entries import MAX_INDEX_BYTES as MAX_INDEX_BYTES
from reader.core.dictionary_entries import MAX_JSON_DEPTH as MAX_JSON_DEPTH
from reader.core.dictionary_entries import MAX_LINE_BYTES as MAX_LINE_BYTES
from reader.core.dictionary_entries import MAX_MEMBER_BYTES as MAX_MEMBER_BYTES
from reader.core.dictionary_entries import MAX_MEMBERS as MAX_MEMBERS
from reader.core.dictionary_entries import MAX_ROW_CHARS as MAX_ROW_CHARS
from reader.core.dictionary_entries import MAX_SENSES as MAX_SENSES
from reader.core.dictionary_entries import MAX_TEXT_CHARS as MAX_TEXT_CHARS
from reader.core.dictionary_entries import MAX_TOTAL_INFLATED_BYTES as MAX_TOTAL_INFLATED_BYTES
from reader.core.dictionary_entries import DictionaryFile as DictionaryFile
from reader.core.dictionary_entries import DictionaryFormatError as DictionaryFormatError
from reader.core.dictionary_entries import DictionaryInfo as DictionaryInfo
from reader.core.dictionary_entries import Entry as Entry
from reader.core.dictionary_entries import ProgressCallback as ProgressCallback
from reader.core.dictionary_entries import Sense as Sense
from reader.core.dictionary_entries import text_field as text_field
from reader.core.dictionary_kengdic import KENGDIC_ATTRIBUTION as KENGDIC_ATTRIBUTION
from reader.core.dictionary_kengdic import KENGDIC_COLUMNS as KENGDIC_COLUMNS
from reader.core.dictionary_kengdic import KENGDIC_LICENCE as KENGDIC_LICENCE
from reader.core.dictionary_kengdic import _open_kengdic
from reader.core.dictionary_krdict import KRDICT_ATTRIBUTION as KRDICT_ATTRIBUTION
from reader.core.dictionary_krdict import KRDICT_LICENCE as KRDICT_LICENCE
from reader.core.dictionary_krdict import _open_krdict_xml
from reader.core.dictionary_yomitan import flatten_gloss as flatten_gloss
from reader.core.dictionary_zips import _open_zip


def open_dictionary(path: Path, progress: ProgressCallback | None = None) -> DictionaryFile:
    """Recognise ``path``'s format from its first bytes and open it for reading.

    Raises :class:`DictionaryFormatError` when the file is of no known format, and
    ``OSError`` when it cannot be read.
    """
    with path.open("rb") as probe:
        head = probe.read(HEAD_BYTES)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _open_zip(path, progress)
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    if b"\x00" in head:
        text = ""
    if text.lstrip().startswith("<"):
        if "<LexicalResource" not in text and "<LexicalEntry" not in text:
            raise DictionaryFormatError(
                "an XML file that is not a KRDict (한국어기초사전) export: no <LexicalResource>"
            )
        return _open_krdict_xml(path, progress)
    if "\t" in text.split("\n", 1)[0]:
        return _open_kengdic(path, progress)
    raise DictionaryFormatError(
        "unrecognised dictionary format (expected KRDict XML, kengdic TSV or a Yomitan zip)"
    )
