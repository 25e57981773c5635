"""Yomitan dictionary data: ``index.json`` and the rows of its ``term_bank_*.json``
arrays (``[term, reading, definitionTags, rules, score, glosses, sequence, termTags]``).

A term bank is decoded one row at a time from 1 MB reads (:class:`_JsonArrayReader`),
never held whole; JSON depth is capped without recursion; structured-content glosses
are flattened to plain text (:func:`flatten_gloss`). The zip around them is read by
:mod:`~reader.core.dictionary_zips`.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import Any

from reader.core.dictionary_entries import (
    MAX_GLOSSES,
    MAX_HEADWORD_CHARS,
    MAX_JSON_DEPTH,
    MAX_ROW_CHARS,
    MAX_TEXT_CHARS,
    DictionaryFormatError,
    DictionaryInfo,
    Entry,
    Sense,
    _CountingReader,
    text_field,
)


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
