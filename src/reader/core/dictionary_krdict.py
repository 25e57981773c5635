"""The Basic Korean Dictionary's (한국어기초사전, KRDict) LMF XML export, read entry by
entry.

An LMF document of ``LexicalEntry`` elements whose values are ``<feat att=… val=…/>``
pairs, read with lxml's ``iterparse`` (entities, DTDs and the network off; a file
declaring entities is refused), each element freed once read. A single volume is
opened here; the zip of volumes the download is goes through
:mod:`~reader.core.dictionary_zips`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reader.core.dictionary_entries import (
    HEAD_BYTES,
    MAX_HEADWORD_CHARS,
    MAX_SENSES,
    DictionaryFile,
    DictionaryFormatError,
    DictionaryInfo,
    Entry,
    ProgressCallback,
    Sense,
    _CountingReader,
    text_field,
)

KRDICT_LICENCE = "CC BY-SA 2.0 KR"
KRDICT_ATTRIBUTION = (
    "한국어기초사전 (Basic Korean Dictionary), © National Institute of Korean Language "
    "(국립국어원), krdict.korean.go.kr, licensed CC BY-SA 2.0 KR"
)


def _refuse_entities(head: bytes) -> None:
    if re.search(rb"<!ENTITY", head, re.IGNORECASE):
        raise DictionaryFormatError("the XML file declares entities (refused: no DTD is read)")


def _open_krdict_xml(path: Path, progress: ProgressCallback | None) -> DictionaryFile:
    total = path.stat().st_size
    handle = path.open("rb")
    done = [0]

    def report(count: int) -> None:
        done[0] += count
        if progress is not None:
            progress(done[0], total)

    reader = _CountingReader(handle, max(total, 1), report)
    info = _krdict_info()
    return DictionaryFile(info, _krdict_entries(reader, ""), [handle.close])


def _krdict_info() -> DictionaryInfo:
    return DictionaryInfo(
        format="krdict",
        title="한국어기초사전 (KRDict)",
        name="krdict",
        licence=KRDICT_LICENCE,
        attribution=KRDICT_ATTRIBUTION,
    )


def _krdict_entries(stream: _CountingReader, label: str) -> Iterator[Entry]:
    """Entries of one KRDict XML volume, each element freed once read; ``label`` names
    the zip member in messages ("" for a file given on its own)."""
    from lxml import etree

    head = stream.read(HEAD_BYTES)
    _refuse_entities(head)
    source = _Prefixed(head, stream)
    events = etree.iterparse(
        source,
        events=("end",),
        tag="LexicalEntry",
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        for _event, element in events:
            entry = _krdict_entry(element)
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del element.getparent()[0]
            if entry is not None:
                yield entry
    except etree.XMLSyntaxError as error:
        where = f"{label}: " if label else ""
        raise DictionaryFormatError(text_field(f"{where}malformed XML: {error}", 300)) from None


class _Prefixed(io.RawIOBase):
    """The bytes already read for the entity check, then the rest of the stream."""

    def __init__(self, head: bytes, rest: _CountingReader) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._head:
            chunk = self._head if size < 0 else self._head[:size]
            self._head = self._head[len(chunk) :]
            return chunk
        return self._rest.read(size)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _feats(element: Any) -> dict[str, str]:
    """The ``feat att/val`` pairs directly under an element (the first of each name)."""
    values: dict[str, str] = {}
    for feat in element.iterchildren("feat"):
        name = feat.get("att")
        if name and name not in values:
            values[name] = feat.get("val") or ""
    return values


def _krdict_entry(element: Any) -> Entry | None:
    features = _feats(element)
    headword = ""
    for lemma in element.iterchildren("Lemma"):
        headword = text_field(_feats(lemma).get("writtenForm"), MAX_HEADWORD_CHARS)
        if headword:
            break
    if not headword:
        return None
    reading = ""
    for form in element.iterchildren("WordForm"):
        form_features = _feats(form)
        if form_features.get("type") == "발음" and form_features.get("pronunciation"):
            reading = text_field(form_features["pronunciation"], MAX_HEADWORD_CHARS)
            break
    senses: list[Sense] = []
    for sense in element.iterchildren("Sense"):
        if len(senses) >= MAX_SENSES:
            break
        parsed = _krdict_sense(sense)
        if parsed is not None:
            senses.append(parsed)
    level = text_field(features.get("vocabularyLevel"), 20)
    return Entry(
        headword=headword,
        senses=tuple(senses),
        reading=reading,
        hanja=text_field(features.get("origin"), MAX_HEADWORD_CHARS),
        pos=text_field(features.get("partOfSpeech"), 40),
        level="" if level == "없음" else level,
    )


def _krdict_sense(sense: Any) -> Sense | None:
    native = text_field(_feats(sense).get("definition"))
    for equivalent in sense.iterchildren("Equivalent"):
        values = _feats(equivalent)
        if values.get("language") == "영어":
            return Sense(
                gloss=text_field(values.get("lemma")),
                definition=text_field(values.get("definition")),
                native=native,
            )
    return Sense(gloss="", native=native) if native else None
