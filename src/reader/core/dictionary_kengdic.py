"""kengdic's TSV (``id, surface, hanja, gloss, level, created, source``), with or
without its header line, read line by line (each line capped).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO

from reader.core.dictionary_entries import (
    MAX_HEADWORD_CHARS,
    MAX_LINE_BYTES,
    MAX_TEXT_CHARS,
    DictionaryFile,
    DictionaryFormatError,
    DictionaryInfo,
    Entry,
    ProgressCallback,
    Sense,
    text_field,
)

KENGDIC_LICENCE = "MPL 2.0 or LGPL 2.0+"
KENGDIC_ATTRIBUTION = (
    "kengdic, by Joe Speigle and the ezcorean.com contributors, github.com/garfieldnate/kengdic"
)
KENGDIC_COLUMNS = ("id", "surface", "hanja", "gloss", "level", "created", "source")


def _open_kengdic(path: Path, progress: ProgressCallback | None) -> DictionaryFile:
    handle = path.open("rb")
    info = DictionaryInfo(
        format="kengdic",
        title="kengdic",
        name="kengdic",
        licence=KENGDIC_LICENCE,
        attribution=KENGDIC_ATTRIBUTION,
    )
    total = path.stat().st_size
    return DictionaryFile(info, _kengdic_entries(handle, total, progress), [handle.close])


def _kengdic_entries(
    handle: IO[bytes], total: int, progress: ProgressCallback | None
) -> Iterator[Entry]:
    columns: dict[str, int] | None = None
    done = 0
    for number, raw in enumerate(iter(lambda: handle.readline(MAX_LINE_BYTES + 1), b""), 1):
        done += len(raw)
        if progress is not None and number % 2000 == 0:
            progress(done, total)
        if len(raw) > MAX_LINE_BYTES:
            raise DictionaryFormatError(f"line {number}: longer than {MAX_LINE_BYTES} bytes")
        try:
            line = raw.decode("utf-8").lstrip("\ufeff").rstrip("\r\n")
        except UnicodeDecodeError:
            raise DictionaryFormatError(f"line {number}: not UTF-8 text") from None
        if not line.strip():
            continue
        cells = line.split("\t")
        if columns is None:
            columns = _kengdic_columns(cells, number)
            if "surface" in (cell.strip().lower() for cell in cells):
                continue
        entry = _kengdic_entry(cells, columns, number)
        if entry is not None:
            yield entry
    if progress is not None:
        progress(total, total)


def _kengdic_columns(cells: list[str], number: int) -> dict[str, int]:
    """Column positions from the header line, or kengdic's own order when there is none."""
    names = [cell.strip().lower() for cell in cells]
    if "surface" in names:
        if "gloss" not in names:
            raise DictionaryFormatError(f"line {number}: a TSV header without a gloss column")
        return {name: index for index, name in enumerate(names) if name in KENGDIC_COLUMNS}
    if len(cells) < 4 or not cells[0].strip().isdigit():
        raise DictionaryFormatError(
            f"line {number}: not kengdic TSV (expected id, surface, hanja, gloss, … columns)"
        )
    return {name: index for index, name in enumerate(KENGDIC_COLUMNS)}


def _kengdic_entry(cells: list[str], columns: dict[str, int], number: int) -> Entry | None:
    needed = max(columns["surface"], columns["gloss"]) + 1
    if len(cells) < needed:
        raise DictionaryFormatError(
            f"line {number}: {len(cells)} columns where kengdic has at least {needed}"
        )

    def cell(name: str, limit: int = MAX_TEXT_CHARS) -> str:
        index = columns.get(name)
        if index is None or index >= len(cells):
            return ""
        value = cells[index].strip()
        return "" if value in ("\\N", "None", "NULL") else text_field(value, limit)

    headword = cell("surface", MAX_HEADWORD_CHARS)
    gloss = cell("gloss")
    hanja = cell("hanja", MAX_HEADWORD_CHARS)
    if not headword or not (gloss or hanja):
        return None
    return Entry(
        headword=headword,
        senses=(Sense(gloss=gloss),) if gloss else (),
        hanja=hanja,
        level=cell("level", 20),
    )
