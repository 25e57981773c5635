"""A feed's bytes to text: the HTTP charset, a BOM, the XML declaration or HTML
``<meta charset>``, then detection (charset-normalizer), so undeclared EUC-KR becomes
Hangul instead of windows-1252 mojibake; labels are normalised (``ks_c_5601-1987`` is
CP949) and a label that decodes nothing sensible is not trusted.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from reader.core.text import hangul_ratio

DETECTION_SAMPLE_BYTES = 256 * 1024
"""charset-normalizer reads at most this much of a body: enough to be sure, cheap on 10 MB."""

_KOREAN_ENCODINGS = {"cp949", "euc_kr", "johab", "iso2022_kr"}
_ENCODING_ALIASES = {
    # EUC-KR as served in practice is Windows code page 949, a superset.
    "euc_kr": "cp949",
    "ks_c_5601_1987": "cp949",
    "ksc5601": "cp949",
    "x_windows_949": "cp949",
    "windows_949": "cp949",
    "uhc": "cp949",
    # HTML and XML in the wild: Latin-1 labels mean Windows-1252.
    "latin_1": "cp1252",
    "iso8859_1": "cp1252",
    "ascii": "cp1252",
}

_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?\?>", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)


@dataclass
class DecodedBody:
    text: str
    encoding: str


# -- character sets ------------------------------------------------------------------


def normalise_encoding(label: str | None) -> str | None:
    """Python's codec name for an encoding label, widened as browsers do; None if unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    key = name.replace("-", "_")
    return _ENCODING_ALIASES.get(key, key)


def charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None


def decode_body(data: bytes, content_type: str | None = None) -> DecodedBody:
    """Decode a feed or page body: BOM, HTTP charset, in-document label, then detection.

    A declared encoding that does not decode cleanly, or decodes into text that
    cannot be the document (see :func:`_sensible`), is not trusted: the next label,
    then UTF-8, then detection is tried. Undecodable bytes become U+FFFD, never an
    exception.
    """
    bom = _bom_encoding(data)
    if bom:
        return DecodedBody(data.decode(bom, errors="replace").lstrip("\ufeff"), bom)
    declared = [
        normalise_encoding(charset_from_content_type(content_type)),
        normalise_encoding(_in_document_label(data)),
    ]
    for encoding in [e for e in declared if e] + ["utf_8"]:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _sensible(text, data):
            return DecodedBody(text, encoding)
    detected = _detect_encoding(data)
    return DecodedBody(data.decode(detected, errors="replace"), detected)


def _sensible(text: str, data: bytes) -> bool:
    """Whether a decoding can be the document: no NUL (UTF-16 bytes read as UTF-8), and
    a body whose bytes open with ``<`` still opens with ``<`` (``charset=utf-16`` on a
    UTF-8 body turned ``<?xml`` into ``㼼浸``)."""
    head = text[:4096]
    if "\x00" in head:
        return False
    return data.lstrip()[:1] != b"<" or head.lstrip()[:1] == "<"


def _bom_encoding(data: bytes) -> str | None:
    for bom, name in (
        (codecs.BOM_UTF8, "utf_8_sig"),
        (codecs.BOM_UTF32_LE, "utf_32"),
        (codecs.BOM_UTF32_BE, "utf_32"),
        (codecs.BOM_UTF16_LE, "utf_16"),
        (codecs.BOM_UTF16_BE, "utf_16"),
    ):
        if data.startswith(bom):
            return name
    return None


def _in_document_label(data: bytes) -> str | None:
    head = data[:2048]
    declaration = _XML_DECLARATION.match(head)
    if declaration:
        found = _DECLARED_ENCODING.search(declaration.group(0))
        if found:
            return found.group(1).decode("ascii")
    meta = _META_CHARSET.search(head)
    return meta.group(1).decode("ascii") if meta else None


def _detect_encoding(data: bytes) -> str:
    """charset-normalizer's best guess; Korean code pages are preferred when they decode."""
    from charset_normalizer import from_bytes

    sample = data[:DETECTION_SAMPLE_BYTES]
    matches = from_bytes(sample)
    best = matches.best()
    guess = normalise_encoding(best.encoding) if best is not None else None
    if guess in _KOREAN_ENCODINGS:
        return "cp949"
    if _decodes_as_korean(sample):
        return "cp949"
    return guess or "cp1252"


def _decodes_as_korean(sample: bytes) -> bool:
    """Whether the bytes are valid CP949 and read as mostly Hangul."""
    try:
        text = sample.decode("cp949")
    except UnicodeDecodeError:
        # A sample cut in the middle of a character still counts.
        try:
            text = sample[:-1].decode("cp949")
        except UnicodeDecodeError:
            return False
    return hangul_ratio(text) >= 0.3
