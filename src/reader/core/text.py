"""Plain-text clean-up: every string that may reach a screen passes through here.

Feed text is hostile. Control characters (C0, C1), escape sequences (CSI, OSC,
DCS …) and bidirectional overrides are removed; newlines and tabs are kept only
where a caller asks for them.
"""

from __future__ import annotations

import re
import unicodedata

# ESC-introduced sequences: CSI (ESC [ … final), OSC/DCS/PM/APC/SOS (ESC ] … BEL or ST),
# and two-byte escapes. Their 8-bit C1 forms are handled the same way.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?              # CSI
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])       # OSC, DCS, SOS, PM, APC
      [^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?         #   … up to BEL or ST
    | \x1b[ -/]*[0-~]?                              # other ESC sequences
    """,
    re.VERBOSE,
)
_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_ZERO_WIDTH = "\u00ad\u034f\u180e\u200b\u200c\u2060\u2061\u2062\u2063\u2064\ufeff\ufff9\ufffa\ufffb"
"""Invisible format characters that Korean and English text never needs: soft hyphen,
zero-width space and non-joiner, word joiner, invisible operators, BOM, annotation
marks. They split words for search and matching while showing nothing. The zero-width
joiner U+200D stays: emoji sequences (👩‍👩‍👧) are built with it; variation selectors stay too."""
_INVISIBLE = "\u2028\u2029\u206a\u206b\u206c\u206d\u206e\u206f" + _ZERO_WIDTH + _BIDI_CONTROLS
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + re.escape(_INVISIBLE) + "]")
NEEDS_LINE_CLEANING = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00a0\u2000-\u200a\u202f\u205f\u3000" + re.escape(_INVISIBLE) + "]|  "
)
"""Characters :func:`clean_line` would change (plus double spaces): a fast check for
callers that clean many short strings, most of which need nothing."""
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n")
_LETTERS = re.compile(r"[^\W\d_]")
"""Letters (and the rare non-decimal numerals such as ①), counted by the regex engine:
a Python loop over ``str.isalpha`` was 5 % of the time spent parsing a feed."""
_HANGUL = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3131-\u318e]")


_ANY_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f" + re.escape(_INVISIBLE) + "]")
"""Whatever :func:`strip_controls` changes: every escape sequence starts with ESC or a C1
control. One character class is searched about ten times faster than the sequences'
alternatives (a 1,000,000-character article: 12 ms instead of 135 ms)."""


def strip_controls(text: str, keep_newlines: bool = False) -> str:
    """Remove escape sequences and control characters; tabs become spaces."""
    if _ANY_CONTROL.search(text) is None:
        return text
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if not keep_newlines:
        text = text.replace("\n", " ")
    return _CONTROL_CHARS.sub("", text)


def clean_line(text: str | None) -> str:
    """One line of display text: controls stripped, NFC, whitespace collapsed."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", strip_controls(text))
    return _SPACES.sub(" ", text).strip()


ERROR_LIMIT = 300
"""The longest error text shown or stored: errors quote outside text (reason phrases,
addresses, parser messages), and an error is one line."""


def error_line(text: str | None, limit: int = ERROR_LIMIT) -> str:
    """One line of error text, cut to ``limit`` characters (an ellipsis marks the cut)."""
    line = clean_line(text[: limit * 4] if text else text)
    return line if len(line) <= limit else line[: limit - 1] + "…"


def clean_paragraphs(paragraphs: list[str]) -> list[str]:
    """Clean each paragraph as one line and drop the empty ones."""
    cleaned = (clean_line(p) for p in paragraphs)
    return [p for p in cleaned if p]


def split_plain_text(text: str) -> list[str]:
    """Split plain text into paragraphs at blank lines; single newlines join lines.

    A text with no blank lines at all (one paragraph per line) is split at every line.
    """
    text = strip_controls(text, keep_newlines=True)
    blocks = _BLANK_LINES.split(text) if _BLANK_LINES.search(text) else text.split("\n")
    return clean_paragraphs(blocks)


def _hangul_share(text: str) -> float | None:
    """Share of letters that are Hangul (syllables or jamo); None when there are no letters."""
    letters = len(_LETTERS.findall(text))
    return len(_HANGUL.findall(text)) / letters if letters else None


def hangul_ratio(text: str) -> float:
    """Share of letters in ``text`` that are Hangul (syllables or jamo)."""
    return _hangul_share(text) or 0.0


def detect_language(text: str) -> str | None:
    """``ko`` or ``en`` from the Hangul ratio, None when there are no letters."""
    share = _hangul_share(text)
    if share is None:
        return None
    return "ko" if share >= 0.3 else "en"


LANGUAGE_SAMPLE_PARAGRAPHS = 20
"""How many first paragraphs a document's language is detected from."""


def sample_language(paragraphs: list[str], title: str = "") -> str | None:
    """The language of a document, detected from its title and first paragraphs (None
    when they have no letters)."""
    sample = (
        [title, *paragraphs[:LANGUAGE_SAMPLE_PARAGRAPHS]]
        if title
        else paragraphs[:LANGUAGE_SAMPLE_PARAGRAPHS]
    )
    return detect_language(" ".join(sample))
