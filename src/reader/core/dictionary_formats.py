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

import codecs
import contextlib
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from reader.core.text import NEEDS_LINE_CLEANING, clean_line

MAX_ENTRIES = 2_000_000
"""Entries one dictionary may hold (KRDict has about 50,000, JMdict-sized Yomitan
dictionaries a few hundred thousand)."""
MAX_HEADWORD_CHARS = 200
MAX_TEXT_CHARS = 2_000
"""A gloss, definition or attribution longer than this is cut (with an ellipsis)."""
MAX_SENSES = 64
MAX_GLOSSES = 32
MAX_LINE_BYTES = 64 * 1024
MAX_MEMBER_BYTES = 256 * 2**20
"""Largest zip member inflated (a KRDict volume is about 40 MB)."""
MAX_INDEX_BYTES = 1 * 2**20
"""Largest Yomitan ``index.json`` (parsed whole; real ones are a few hundred bytes)."""
MAX_ROW_CHARS = 1 * 2**20
"""Largest single term row of a Yomitan term bank (banks are read row by row)."""
MAX_TOTAL_INFLATED_BYTES = 4 * 2**30
MAX_MEMBERS = 10_000
MAX_JSON_DEPTH = 40
HEAD_BYTES = 64 * 1024

KRDICT_LICENCE = "CC BY-SA 2.0 KR"
KRDICT_ATTRIBUTION = (
    "한국어기초사전 (Basic Korean Dictionary), © National Institute of Korean Language "
    "(국립국어원), krdict.korean.go.kr, licensed CC BY-SA 2.0 KR"
)
KENGDIC_LICENCE = "MPL 2.0 or LGPL 2.0+"
KENGDIC_ATTRIBUTION = (
    "kengdic, by Joe Speigle and the ezcorean.com contributors, github.com/garfieldnate/kengdic"
)
KENGDIC_COLUMNS = ("id", "surface", "hanja", "gloss", "level", "created", "source")

_NEEDS_CLEANING = NEEDS_LINE_CLEANING
"""Skipping clean_line's regexes for strings that need nothing makes an import a fifth faster."""

ProgressCallback = Callable[[int, int], None]
"""Called with (bytes read, total bytes) as a file is imported."""


class DictionaryFormatError(Exception):
    """A dictionary file that is not one of the known formats, or is malformed."""


@dataclass(frozen=True)
class Sense:
    """One meaning: English gloss(es), an English definition, the source-language one."""

    gloss: str
    definition: str = ""
    native: str = ""


@dataclass(frozen=True)
class Entry:
    headword: str
    senses: tuple[Sense, ...]
    reading: str = ""
    hanja: str = ""
    pos: str = ""
    level: str = ""
    score: int = 0


@dataclass
class DictionaryInfo:
    """What a file says about itself (filled in while it is read)."""

    format: str
    title: str
    name: str
    revision: str = ""
    licence: str = ""
    attribution: str = ""


@dataclass
class DictionaryFile:
    """An opened dictionary file: its description and its entries, read lazily."""

    info: DictionaryInfo
    entries: Iterator[Entry]
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for close in self.closers:
            close()


def text_field(value: object, limit: int = MAX_TEXT_CHARS) -> str:
    """A display-safe string from hostile input: controls and escapes removed, capped."""
    if value is None or isinstance(value, bool):
        return ""
    text = value if isinstance(value, str) else str(value)
    if (
        _NEEDS_CLEANING.search(text)
        or text[:1].isspace()
        or text[-1:].isspace()
        or not unicodedata.is_normalized("NFC", text)
    ):
        text = clean_line(text)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


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


# -- KRDict XML --------------------------------------------------------------------------


class _CountingReader(io.RawIOBase):
    """A read-only stream that counts bytes, reports progress and enforces a cap."""

    def __init__(
        self, raw: IO[bytes], limit: int, report: Callable[[int], None] | None = None
    ) -> None:
        self._raw = raw
        self._limit = limit
        self._report = report
        self.count = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size if size >= 0 else 1 << 20)
        self.count += len(data)
        if self.count > self._limit:
            raise DictionaryFormatError(
                f"a dictionary member inflates past {self._limit // 2**20} MB (refused)"
            )
        if self._report is not None:
            self._report(len(data))
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


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


# -- kengdic TSV ---------------------------------------------------------------------------


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


# -- zips: Yomitan dictionaries and zipped KRDict volumes --------------------------------------


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


def _check_depth(value: Any, label: str) -> None:
    if _depth(value) > MAX_JSON_DEPTH:
        raise DictionaryFormatError(f"{label}: JSON nested too deeply (refused)")


_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_JSON_DECODER = json.JSONDecoder()
_READ_CHARS = 1 << 20


class _JsonArrayReader:
    """The items of one top-level JSON array, decoded one at a time from 1 MB reads, so
    a term bank is never held whole (only the row being decoded is)."""

    def __init__(self, stream: _CountingReader, label: str) -> None:
        self._stream = stream
        self._label = label
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self._buffer = ""
        self._position = 0
        self._eof = False

    def _error(self, what: str) -> DictionaryFormatError:
        return DictionaryFormatError(text_field(f"{self._label}: {what}", 300))

    def _fill(self) -> bool:
        """Read more text after what is left; False at the end of the member."""
        if self._eof:
            return False
        chunk = self._stream.read(_READ_CHARS)
        try:
            text = self._decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError:
            raise self._error("not UTF-8 text") from None
        self._buffer = self._buffer[self._position :] + text
        self._position = 0
        self._eof = not chunk
        return True

    def _next_char(self) -> str:
        """The next character that is not white space (not consumed); '' at the end."""
        while True:
            match = _JSON_SPACE.match(self._buffer, self._position)
            self._position = match.end() if match else self._position
            if self._position < len(self._buffer):
                return self._buffer[self._position]
            if not self._fill():
                return ""

    def items(self) -> Iterator[Any]:
        if self._next_char() != "[":
            raise self._error("not a JSON array of terms")
        self._position += 1
        first = True
        while True:
            char = self._next_char()
            if not char:
                raise self._error("not valid JSON (cut short)")
            if char == "]":
                self._position += 1
                break
            if not first:
                if char != ",":
                    raise self._error("not valid JSON (expected , or ] between terms)")
                self._position += 1
                self._next_char()
            first = False
            yield self._decode_item()
        if self._next_char():
            raise self._error("not valid JSON (text after the array)")

    def _decode_item(self) -> Any:
        while True:
            try:
                value, end = _JSON_DECODER.raw_decode(self._buffer, self._position)
            except RecursionError:
                raise self._error("JSON nested too deeply (refused)") from None
            except ValueError:
                if len(self._buffer) - self._position > MAX_ROW_CHARS:
                    raise self._error(
                        f"a term row longer than {MAX_ROW_CHARS} characters"
                    ) from None
                if not self._fill():
                    raise self._error("not valid JSON (cut short or malformed)") from None
                continue
            if end >= len(self._buffer) and self._fill():
                continue  # a number may go on in the next read
            self._position = end
            _check_depth(value, self._label)
            return value


def _depth(value: Any) -> int:
    """Nesting depth of a JSON value, without recursion (a hostile file may be deep)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_JSON_DEPTH:
            return depth
        if isinstance(item, list):
            stack.extend((child, depth + 1) for child in item if isinstance(child, list | dict))
        elif isinstance(item, dict):
            stack.extend(
                (child, depth + 1) for child in item.values() if isinstance(child, list | dict)
            )
    return deepest


def _yomitan_info(index: Any) -> DictionaryInfo:
    if not isinstance(index, dict):
        raise DictionaryFormatError("index.json is not a JSON object")
    title = text_field(index.get("title"), MAX_HEADWORD_CHARS)
    if not title:
        raise DictionaryFormatError("index.json has no title")
    version = index.get("format", index.get("version"))
    if version not in (1, 3):
        raise DictionaryFormatError(
            text_field(f"Yomitan dictionary format {version!r} is not supported (1 or 3)", 200)
        )
    credits = [text_field(index.get(key)) for key in ("attribution", "author", "url")]
    return DictionaryInfo(
        format="yomitan",
        title=title,
        name=title,
        revision=text_field(index.get("revision"), 100),
        licence=text_field(index.get("license") or index.get("licence"), 200),
        attribution=" · ".join(dict.fromkeys(credit for credit in credits if credit)),
    )


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


def _yomitan_entry(row: Any, where: str) -> Entry | None:
    if not isinstance(row, list) or len(row) < 6 or not isinstance(row[0], str):
        raise DictionaryFormatError(f"{where}: not a [term, reading, tags, rules, score, …] row")
    headword = text_field(row[0], MAX_HEADWORD_CHARS)
    if not headword:
        return None
    glosses_source = row[5] if isinstance(row[5], list) else row[5:]
    glosses = [flatten_gloss(item) for item in glosses_source[:MAX_GLOSSES]]
    senses = tuple(Sense(gloss=gloss) for gloss in glosses if gloss)
    if not senses:
        return None
    term_tags = text_field(row[7], 200) if len(row) > 7 and isinstance(row[7], str) else ""
    score = row[4] if isinstance(row[4], int | float) and not isinstance(row[4], bool) else 0
    return Entry(
        headword=headword,
        senses=senses,
        reading=text_field(row[1], MAX_HEADWORD_CHARS) if isinstance(row[1], str) else "",
        pos=text_field(row[2], 40) if isinstance(row[2], str) else "",
        level=next((tag for tag in term_tags.split() if tag in ("초급", "중급", "고급")), ""),
        score=int(max(-(2**31), min(2**31, score))),
    )


_BLOCK_TAGS = frozenset({"div", "li", "ol", "ul", "tr", "table", "details", "summary", "p"})


def flatten_gloss(item: Any) -> str:
    """A Yomitan gloss as plain text: strings as they are, ``text`` objects' text, and
    structured content flattened (its tags dropped, ``br`` and blocks become ``; ``,
    ruby readings kept in parentheses, images and links' targets left out)."""
    if isinstance(item, str):
        return text_field(item)
    if not isinstance(item, dict):
        return ""
    if item.get("type") == "text":
        return text_field(item.get("text"))
    if item.get("type") == "structured-content":
        parts: list[str] = []
        _flatten_content(item.get("content"), parts, 0)
        joined = "".join(parts)
        pieces = (piece.strip() for piece in joined.split("\n"))
        return text_field("; ".join(piece for piece in pieces if piece))
    return ""


def _flatten_content(content: Any, parts: list[str], depth: int) -> None:
    if depth > MAX_JSON_DEPTH or sum(map(len, parts)) > MAX_TEXT_CHARS:
        return
    if isinstance(content, str):
        parts.append(content)
    elif isinstance(content, list):
        for child in content:
            _flatten_content(child, parts, depth + 1)
    elif isinstance(content, dict):
        tag = content.get("tag")
        if tag in ("img", "rp"):
            return
        if tag == "br":
            parts.append("\n")
            return
        if tag == "rt":
            parts.append("(")
            _flatten_content(content.get("content"), parts, depth + 1)
            parts.append(")")
            return
        block = tag in _BLOCK_TAGS
        if block:
            parts.append("\n")
        _flatten_content(content.get("content"), parts, depth + 1)
        if block:
            parts.append("\n")
