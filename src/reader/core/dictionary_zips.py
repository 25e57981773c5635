"""Dictionary zips: a Yomitan dictionary (``index.json`` and term banks) or the zipped
KRDict XML volumes, read member by member.

What members really inflate to is counted (:class:`_InflateBudget`: a member's
declared size is not trusted), per member and across the archive, and members and
their number are capped.
"""

from __future__ import annotations

import contextlib
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reader.core.dictionary_entries import (
    MAX_INDEX_BYTES,
    MAX_MEMBER_BYTES,
    MAX_MEMBERS,
    MAX_TOTAL_INFLATED_BYTES,
    DictionaryFile,
    DictionaryFormatError,
    DictionaryInfo,
    Entry,
    ProgressCallback,
    _CountingReader,
    text_field,
)
from reader.core.dictionary_krdict import _krdict_entries, _krdict_info
from reader.core.dictionary_yomitan import (
    _check_depth,
    _JsonArrayReader,
    _yomitan_entry,
    _yomitan_info,
)


def _open_zip(path: Path, progress: ProgressCallback | None) -> DictionaryFile:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise DictionaryFormatError(text_field(f"not a readable zip file: {error}", 300)) from None
    try:
        info, entries = _zip_contents(archive, progress)
    except BaseException:
        archive.close()
        raise
    return DictionaryFile(info, entries, [archive.close])


def _zip_contents(
    archive: zipfile.ZipFile, progress: ProgressCallback | None
) -> tuple[DictionaryInfo, Iterator[Entry]]:
    """What a zip holds: a Yomitan dictionary (``index.json``) or KRDict XML volumes."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise DictionaryFormatError(f"the zip holds more than {MAX_MEMBERS} files (refused)")
    names = {member.filename: member for member in members}
    if "index.json" in names:
        banks = sorted(
            (m for m in members if re.fullmatch(r"term_bank_\d+\.json", m.filename)),
            key=lambda m: int(re.sub(r"\D", "", m.filename)),
        )
        if not banks:
            raise DictionaryFormatError("a Yomitan zip without term_bank_*.json files")
        budget = _InflateBudget([names["index.json"], *banks], progress)
        info = _yomitan_info(_read_json_member(archive, names["index.json"], budget))
        return info, _yomitan_entries(archive, banks, budget)
    volumes = sorted(
        (m for m in members if m.filename.lower().endswith(".xml") and not m.is_dir()),
        key=lambda m: _natural_key(m.filename),
    )
    if not volumes:
        raise DictionaryFormatError(
            "a zip with neither index.json (Yomitan) nor KRDict XML volumes"
        )
    budget = _InflateBudget(volumes, progress)
    return _krdict_info(), _zipped_krdict_entries(archive, volumes, budget)


def _natural_key(name: str) -> list[tuple[int, str]]:
    """Volume names in numeric order (``2_…xml`` before ``10_…xml``, as KRDict numbers them)."""
    return [(int(part), "") if part.isdigit() else (0, part) for part in re.split(r"(\d+)", name)]


class _InflateBudget:
    """Counts what zip members really inflate to, across the whole archive."""

    def __init__(self, members: list[zipfile.ZipInfo], progress: ProgressCallback | None) -> None:
        self.inflated = 0
        self.compressed_done = 0
        self.compressed_total = max(sum(member.compress_size for member in members), 1)
        self._progress = progress

    def add(self, count: int) -> None:
        self.inflated += count
        if self.inflated > MAX_TOTAL_INFLATED_BYTES:
            raise DictionaryFormatError(
                f"the zip inflates past {MAX_TOTAL_INFLATED_BYTES // 2**30} GB (refused)"
            )

    def member_done(self, member: zipfile.ZipInfo) -> None:
        self.compressed_done += member.compress_size
        if self._progress is not None:
            self._progress(self.compressed_done, self.compressed_total)


@contextlib.contextmanager
def _member_stream(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: _InflateBudget, limit: int
) -> Iterator[_CountingReader]:
    try:
        raw = archive.open(member)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError) as error:
        raise DictionaryFormatError(text_field(f"{member.filename}: {error}", 300)) from None
    try:
        yield _CountingReader(raw, limit, budget.add)
    except (zipfile.BadZipFile, EOFError, OSError) as error:
        raise DictionaryFormatError(
            text_field(f"{member.filename}: damaged zip member: {error}", 300)
        ) from None
    finally:
        raw.close()
    budget.member_done(member)


def _zipped_krdict_entries(
    archive: zipfile.ZipFile, volumes: list[zipfile.ZipInfo], budget: _InflateBudget
) -> Iterator[Entry]:
    for volume in volumes:
        with _member_stream(archive, volume, budget, MAX_MEMBER_BYTES) as stream:
            yield from _krdict_entries(stream, volume.filename)


def _read_json_member(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: _InflateBudget
) -> Any:
    """A small JSON member (``index.json``), parsed whole."""
    with _member_stream(archive, member, budget, MAX_INDEX_BYTES) as stream:
        data = b"".join(iter(lambda: stream.read(1 << 20), b""))
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except RecursionError:
        raise DictionaryFormatError(
            f"{member.filename}: JSON nested too deeply (refused)"
        ) from None
    except (UnicodeDecodeError, ValueError) as error:
        message = f"{member.filename}: not valid JSON: {error}"
        raise DictionaryFormatError(text_field(message, 300)) from None
    _check_depth(value, member.filename)
    return value


def _yomitan_entries(
    archive: zipfile.ZipFile, banks: list[zipfile.ZipInfo], budget: _InflateBudget
) -> Iterator[Entry]:
    for bank in banks:
        with _member_stream(archive, bank, budget, MAX_MEMBER_BYTES) as stream:
            rows = _JsonArrayReader(stream, bank.filename).items()
            for number, row in enumerate(rows, 1):
                entry = _yomitan_entry(row, f"{bank.filename}: term {number}")
                if entry is not None:
                    yield entry
