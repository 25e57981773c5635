"""Anki export: a real ``.apkg`` deck built with genanki, one note per term.

The note type, the deck and every note have stable ids — a note's guid is derived
from the term's language and lemma — so importing a newer export into Anki updates
the cards already there (and keeps their review history) instead of adding copies.
"""

from __future__ import annotations

import contextlib
import html
import itertools
import json
import os
import re
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

from reader.core.models import Term

MODEL_ID = 1_742_618_301
"""The note type's id; never change it, or Anki sees a new note type."""
DECK_ID = 1_742_618_302
DECK_NAME = "reader glossary"

FIELDS = ("Term", "Lemma", "Gloss", "Note", "Sentence", "Translation", "Language")

_FRONT = '<div class="term">{{Term}}</div>'
_BACK = """{{FrontSide}}
<hr id="answer">
<div class="gloss">{{Gloss}}</div>
{{#Lemma}}<div class="lemma">{{Lemma}}</div>{{/Lemma}}
{{#Note}}<div class="note">{{Note}}</div>{{/Note}}
{{#Sentence}}<div class="sentence">{{Sentence}}</div>{{/Sentence}}
{{#Translation}}<div class="translation">{{Translation}}</div>{{/Translation}}"""
_CSS = """.card { font-family: sans-serif; font-size: 22px; text-align: center; }
.lemma, .note, .translation { font-size: 16px; color: #666; }
.sentence { font-size: 18px; margin-top: 1em; }"""


def note_guid(term: Term) -> str:
    """The stable Anki guid of a term: from its language and lemma only."""
    import genanki

    guid: str = genanki.guid_for(term.lang, term.lemma)
    return guid


_ANKI_SYNTAX = {
    "[": "&#91;",
    "\\": "<span>&#92;</span>",
}
"""Anki's own markup in a field's HTML: ``[sound:…]``, ``[latex]…[/latex]``, ``[$]…[/$]``
are found in the field's source, so ``[`` as an entity defeats them; MathJax's
``\\(…\\)`` and ``\\[…\\]`` are found in the rendered text, where an entity is a
plain backslash again, so the backslash also sits alone in its own element (MathJax
does not match delimiters across tags)."""
_ANKI_SYNTAX_CHARS = re.compile(r"[\[\\]")


def field_html(text: str) -> str:
    """Text from outside as an Anki field: HTML-escaped (fields are HTML), Anki's
    media, LaTeX and MathJax syntax made literal, newlines as ``<br>``."""
    escaped = html.escape(text, quote=True)
    escaped = _ANKI_SYNTAX_CHARS.sub(lambda match: _ANKI_SYNTAX[match.group(0)], escaped)
    return escaped.replace("\n", "<br>")


def _model() -> Any:
    import genanki

    return genanki.Model(
        MODEL_ID,
        "reader term",
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Term → gloss", "qfmt": _FRONT, "afmt": _BACK}],
        css=_CSS,
    )


def write_apkg(
    terms: Iterable[Term],
    output: BinaryIO,
    work_dir: Path | None = None,
    deck_name: str = DECK_NAME,
) -> int:
    """Write an ``.apkg`` with one note per term into ``output``; returns how many notes.

    genanki's own ``write_to_file`` leaves its SQLite file in the system's temporary
    folder (always, and after a kill); here that file is made in ``work_dir`` (the
    output's folder) and removed in a ``finally``. ``output`` may be a pipe: the zip
    is written without seeking back.
    """
    import genanki

    model = _model()
    deck = genanki.Deck(DECK_ID, deck_name)
    for term in terms:
        lemma = term.lemma if term.lemma != term.text else ""
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[
                    field_html(term.text),
                    field_html(lemma),
                    field_html(term.gloss),
                    field_html(term.note),
                    field_html(term.sentence),
                    field_html(term.sentence_translation),
                    field_html(term.lang),
                ],
                tags=list(term.tags),
                guid=note_guid(term),
            )
        )
    write_package(genanki.Package(deck), output, work_dir)
    return len(deck.notes)


def write_package(package: Any, output: BinaryIO, work_dir: Path | None) -> None:
    """What ``genanki.Package.write_to_file`` does, with its database in ``work_dir``."""
    descriptor, database = tempfile.mkstemp(prefix=".reader-anki-", suffix=".tmp", dir=work_dir)
    os.close(descriptor)
    try:
        timestamp = time.time()
        connection = sqlite3.connect(database)
        try:
            # A scratch file zipped and deleted below: no journal, no fsync needed.
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            ids = itertools.count(int(timestamp * 1000))
            package.write_to_db(connection.cursor(), timestamp, ids)
            connection.commit()
        except sqlite3.Error as error:
            # The deck's own scratch database, not the user's: a write error (full disk).
            raise OSError(f"cannot build the deck: {error}") from None
        finally:
            connection.close()
        with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(database, "collection.anki2")
            archive.writestr("media", json.dumps({}))
    finally:
        for leftover in (database, database + "-journal"):
            with contextlib.suppress(OSError):
                Path(leftover).unlink()
