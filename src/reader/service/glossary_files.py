"""The glossary in files: CSV/TSV import, and export as CSV, TSV or Anki decks (term,
sentence and cloze cards)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from reader.core.files import path_text
from reader.core.models import (
    Article,
    Term,
)
from reader.service import glossary
from reader.service.errors import ServiceError
from reader.service.results import (
    ImportResult,
)

if TYPE_CHECKING:
    from reader.core.exports import TermFilter
    from reader.service.facade import ReaderService


_IMPORT_CHUNK = 1000
"""Terms analysed together on import (well under what the analysis cache holds)."""


def export_terms(
    service: ReaderService,
    format_name: str,
    target: Path | BinaryIO,
    *,
    cards: str = "term",
    selection: TermFilter | None = None,
) -> int:
    """Write the glossary as an Anki deck, CSV or TSV; returns how many terms (for
    sentence and cloze cards: how many notes, a term without a sentence has none).

    ``selection`` keeps only some terms (status, tag, created since); ``cards`` is
    ``term``, ``sentence`` or ``cloze`` (Anki only). A file is replaced atomically
    (:func:`reader.core.files.atomic_output`): a kill or a full disk leaves the
    previous file whole. ``target`` may also be an open binary stream (standard
    output); CSV/TSV then have no byte-order mark.
    """
    from reader.core.files import atomic_output

    if cards != "term" and format_name != "anki":
        raise ServiceError(f"--cards {cards} makes Anki notes: use it with --format anki")
    terms = service.store.terms(order="lemma")
    if selection is not None:
        terms = [term for term in terms if selection.keeps(term)]

    def write(output: BinaryIO, work_dir: Path | None, bom: bool) -> int:
        if cards == "term":
            return _write_glossary(format_name, terms, output, work_dir, bom)
        return _write_sentence_cards(service, terms, cards, output, work_dir)

    if not isinstance(target, Path):
        try:
            return write(target, None, False)
        except BrokenPipeError:
            raise
        except OSError as error:
            reason = error.strerror or error
            raise ServiceError(f"standard output: cannot write: {reason}") from None
    try:
        with atomic_output(target) as handle:
            return write(handle, target.parent, True)
    except OSError as error:
        raise ServiceError(
            f"{path_text(target)}: cannot write: {error.strerror or error}"
        ) from None


def import_terms(service: ReaderService, path: Path) -> ImportResult:
    """Read a CSV/TSV glossary; terms of a lemma already stored are merged into it."""
    from reader.core import exports, terms

    try:
        rows = exports.read_terms(path)
    except exports.GlossaryFileError as error:
        raise ServiceError(str(error)) from None
    added = merged = 0
    kept = [row for row in rows if glossary.is_term_text(row.text)]
    refused, rows = len(rows) - len(kept), kept
    for row in rows:
        row.lang = glossary.term_lang(row.lang or None, row.text)
    with service.store.transaction():
        for start in range(0, len(rows), _IMPORT_CHUNK):
            chunk = rows[start : start + _IMPORT_CHUNK]
            for lang in {row.lang for row in chunk}:  # one kiwipiepy batch per chunk
                service.analyser.analyse_many([row.text for row in chunk if row.lang == lang], lang)
            for row in chunk:
                result = glossary.save_term(service, row)
                added += result.created
                merged += not result.created
    service._term_index = None
    terms.clear_analysis_cache()
    return ImportResult(added=added, merged=merged, refused=refused)


def _write_sentence_cards(
    service: ReaderService, terms: list[Term], kind: str, output: BinaryIO, work_dir: Path | None
) -> int:
    """Sentence or cloze notes of ``terms``, each with its source article and the
    installed dictionaries' entry for its lemma."""
    from reader.core import sentence_cards

    articles: dict[int, Article | None] = {}
    lookup = _card_dictionary(service)

    def cards() -> Iterator[tuple[Term, sentence_cards.CardSource]]:
        for term in terms:
            if not term.sentence:
                continue
            article = None
            if term.article_id is not None:
                if term.article_id not in articles:
                    articles[term.article_id] = service.store.article(term.article_id)
                article = articles[term.article_id]
            source = sentence_cards.CardSource(
                title=article.title if article else "",
                link=(article.url or "") if article else "",
                dictionary=lookup(term),
            )
            yield term, source

    return sentence_cards.write_sentence_apkg(cards(), kind, output, work_dir)


def _card_dictionary(service: ReaderService) -> Callable[[Term], str]:
    """A term's dictionary text for its card; empty when no dictionary is installed
    (the dictionaries file is not created just for an export)."""
    from reader.core import sentence_cards
    from reader.core.dictionary import DictionaryError

    if not service.paths.dictionaries_database.exists():
        return lambda term: ""
    store = service.dictionaries

    def lookup(term: Term) -> str:
        try:
            result = store.lookup(term.text, term.lemma, english=term.lang == "en", limit=5)
        except DictionaryError:
            return ""
        return sentence_cards.dictionary_text(result)

    return lookup


def _write_glossary(
    format_name: str, terms: list[Term], output: BinaryIO, work_dir: Path | None, bom: bool
) -> int:
    from reader.core import anki, exports

    if format_name == "anki":
        return anki.write_apkg(terms, output, work_dir)
    delimiter = "\t" if format_name == "tsv" else ","
    return exports.write_terms(terms, output, delimiter, bom)
