"""Sentence and cloze cards for Anki: a term studied in the sentence it was met in.

Two note types beside the term cards of :mod:`reader.core.anki`:

* **sentence** — front: the sentence with the term marked; back: the sentence's
  translation, the term's gloss and note, the installed dictionaries' entry for its
  lemma, and the source article (title, link);
* **cloze** — the sentence with the term as cloze deletion ``{{c1::…}}``; the same
  back.

Every field is text from outside (feeds, the user's notes, dictionary files), so it
goes through :func:`reader.core.anki.field_html` (HTML-escaped, Anki's media, LaTeX
and MathJax syntax made literal); braces are entities too, so that no text can open
or close a cloze, and inside the deletion a colon is one, so that no ``::`` in the
term's text starts a hint. A link is kept only when it is http(s).

The note types, the deck and every note have stable ids: a note's guid comes from
the card kind, the term's language and lemma, so a re-export updates the cards in
Anki (keeping their reviews) instead of adding copies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from reader.core.anki import field_html, write_package
from reader.core.models import Term
from reader.core.urls import is_web_url

if TYPE_CHECKING:
    from reader.core.dictionary import LookupResult

CARD_KINDS = ("term", "sentence", "cloze")
"""What ``terms export --format anki --cards`` makes: one note per term of a kind."""

SENTENCE_MODEL_ID = 1_742_618_303
"""The sentence note type's id; never change it, or Anki sees a new note type."""
CLOZE_MODEL_ID = 1_742_618_304
"""The cloze note type's id; never change it either."""
SENTENCE_DECK_ID = 1_742_618_305
SENTENCE_DECK_NAME = "reader sentences"

SENTENCE_FIELDS = (
    "Sentence",
    "Term",
    "Lemma",
    "Gloss",
    "Translation",
    "Dictionary",
    "Note",
    "Source",
    "Link",
    "Language",
)
CLOZE_FIELDS = ("Text", *SENTENCE_FIELDS[1:])

_BACK_DETAILS = """{{#Translation}}<div class="translation">{{Translation}}</div>{{/Translation}}
<div class="gloss"><span class="term">{{Term}}</span> {{Gloss}}</div>
{{#Dictionary}}<div class="dictionary">{{Dictionary}}</div>{{/Dictionary}}
{{#Note}}<div class="note">{{Note}}</div>{{/Note}}
{{#Source}}<div class="source">{{#Link}}<a href="{{Link}}">{{/Link}}{{Source}}\
{{#Link}}</a>{{/Link}}</div>{{/Source}}"""
_SENTENCE_FRONT = '<div class="sentence">{{Sentence}}</div>'
_SENTENCE_BACK = '{{FrontSide}}\n<hr id="answer">\n' + _BACK_DETAILS
_CLOZE_FRONT = '<div class="sentence">{{cloze:Text}}</div>'
_CLOZE_BACK = '<div class="sentence">{{cloze:Text}}</div>\n<hr id="answer">\n' + _BACK_DETAILS
_CSS = """.card { font-family: sans-serif; font-size: 22px; text-align: center; }
.sentence { font-size: 24px; }
.sentence b.term, .cloze { color: #1f6feb; font-weight: bold; }
.translation { font-size: 18px; margin: 0.5em 0; }
.gloss { font-size: 18px; }
.dictionary, .note, .source { font-size: 14px; color: #666; margin-top: 0.5em; }"""

_BRACES = {"{": "&#123;", "}": "&#125;"}


@dataclass(frozen=True)
class CardSource:
    """What a card shows besides the term itself."""

    title: str = ""
    """The title of the article the sentence was met in."""
    link: str = ""
    """Its address (kept only when http or https)."""
    dictionary: str = ""
    """The installed dictionaries' entries for the lemma, with their attribution."""


def card_text(text: str) -> str:
    """Outside text as a field of these note types: :func:`field_html`, and braces as
    entities (no ``{{c1::`` or ``}}`` can come from the text)."""
    escaped = field_html(text)
    return escaped.replace("{", _BRACES["{"]).replace("}", _BRACES["}"])


def cloze_answer(text: str) -> str:
    """The term's own text inside ``{{c1::…}}``: :func:`card_text`, colons as entities
    (a ``::`` would start the cloze's hint)."""
    return card_text(text).replace(":", "&#58;")


def term_span(term: Term) -> tuple[int, int] | None:
    """Where the term occurs in its sentence: the lemma-aware match the article view
    highlights (``외교`` in ``외교를``), else the text itself ignoring case; None when
    neither is there."""
    from reader.core import terms

    sentence = term.sentence
    if not sentence:
        return None
    pattern = term.pattern or terms.term_pattern(term.text, term.lang)
    index = terms.TermIndex([terms.IndexedTerm(term.id, term.lang, pattern, term.status)])
    matches = terms.match_terms(sentence, term.lang, index)
    if matches:
        return matches[0].start, matches[0].end
    found = sentence.casefold().find(term.text.casefold())
    if found < 0 or len(sentence.casefold()) != len(sentence):
        return None
    return found, found + len(term.text)


def marked_sentence(term: Term) -> str:
    """The sentence as a field with the term in ``<b class="term">``."""
    span = term_span(term)
    if span is None:
        return card_text(term.sentence)
    start, end = span
    sentence = term.sentence
    return (
        card_text(sentence[:start])
        + '<b class="term">'
        + card_text(sentence[start:end])
        + "</b>"
        + card_text(sentence[end:])
    )


def cloze_sentence(term: Term) -> str | None:
    """The sentence with the term as ``{{c1::…}}``, or None when it is not found there."""
    span = term_span(term)
    if span is None:
        return None
    start, end = span
    sentence = term.sentence
    return (
        card_text(sentence[:start])
        + "{{c1::"
        + cloze_answer(sentence[start:end])
        + "}}"
        + card_text(sentence[end:])
    )


def dictionary_text(result: LookupResult, limit: int = 3) -> str:
    """The exact-lemma entries of a look-up as one plain text, each with its
    dictionary's title and licence (the attribution its licence asks for)."""
    lines = []
    for entry in [entry for entry in result.entries if entry.match == "exact"][:limit]:
        heading = " ".join(
            part
            for part in (
                entry.headword,
                f"({entry.hanja})" if entry.hanja else "",
                entry.pos,
                f"[{entry.level}]" if entry.level else "",
            )
            if part
        )
        senses = "; ".join(
            sense.gloss or sense.definition
            for sense in entry.senses
            if sense.gloss or sense.definition
        )
        source = result.dictionaries.get(entry.dictionary)
        credit = ""
        if source is not None:
            credit = " — " + ", ".join(
                part for part in (source.title, source.licence, source.attribution) if part
            )
        lines.append(f"{heading}: {senses}{credit}")
    return "\n".join(lines)


def note_guid(kind: str, term: Term) -> str:
    """The stable guid of a term's sentence or cloze note."""
    import genanki

    guid: str = genanki.guid_for(kind, term.lang, term.lemma)
    return guid


def _model(kind: str) -> Any:
    import genanki

    if kind == "cloze":
        return genanki.Model(
            CLOZE_MODEL_ID,
            "reader cloze",
            fields=[{"name": name} for name in CLOZE_FIELDS],
            templates=[{"name": "Cloze", "qfmt": _CLOZE_FRONT, "afmt": _CLOZE_BACK}],
            css=_CSS,
            model_type=genanki.Model.CLOZE,
        )
    return genanki.Model(
        SENTENCE_MODEL_ID,
        "reader sentence",
        fields=[{"name": name} for name in SENTENCE_FIELDS],
        templates=[{"name": "Sentence → meaning", "qfmt": _SENTENCE_FRONT, "afmt": _SENTENCE_BACK}],
        css=_CSS,
    )


def _fields(term: Term, source: CardSource, front: str) -> list[str]:
    """The fields of a sentence or cloze note, in :data:`SENTENCE_FIELDS` order."""
    link = source.link if is_web_url(source.link) else ""
    lemma = term.lemma if term.lemma != term.text else ""
    return [
        front,
        card_text(term.text),
        card_text(lemma),
        card_text(term.gloss),
        card_text(term.sentence_translation),
        card_text(source.dictionary),
        card_text(term.note),
        card_text(source.title),
        card_text(link),
        card_text(term.lang),
    ]


def write_sentence_apkg(
    cards: Iterable[tuple[Term, CardSource]],
    kind: str,
    output: BinaryIO,
    work_dir: Path | None = None,
) -> int:
    """Write an ``.apkg`` of sentence (``kind="sentence"``) or cloze notes; returns how
    many. A term without a sentence gets no card, nor does one for a cloze whose
    sentence does not contain it (Anki refuses a cloze note without a deletion)."""
    import genanki

    if kind not in ("sentence", "cloze"):
        raise ValueError(f"unknown card kind {kind!r}")
    model = _model(kind)
    deck = genanki.Deck(SENTENCE_DECK_ID, SENTENCE_DECK_NAME)
    for term, source in cards:
        if not term.sentence:
            continue
        front = cloze_sentence(term) if kind == "cloze" else marked_sentence(term)
        if front is None:
            continue
        deck.add_note(
            genanki.Note(
                model=model,
                fields=_fields(term, source, front),
                tags=list(term.tags),
                guid=note_guid(kind, term),
            )
        )
    write_package(genanki.Package(deck), output, work_dir)
    return len(deck.notes)
