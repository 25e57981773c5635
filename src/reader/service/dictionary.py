"""Offline dictionaries: install, list, remove, look up, glosses."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.text import clean_line
from reader.service.errors import ServiceError
from reader.service.results import DictionaryGloss

if TYPE_CHECKING:
    from reader.core.dictionary import Dictionary, LookupResult
    from reader.core.dictionary_formats import ProgressCallback as DictionaryProgress
    from reader.service.facade import ReaderService


MAX_LOOKUP_CHARS = 200
"""Longest text ``dict lookup`` analyses (a word or a short phrase)."""


def dict_install(
    service: ReaderService, path: Path, progress: DictionaryProgress | None = None
) -> Dictionary:
    """Import a KRDict XML (or zip), kengdic TSV or Yomitan zip; replaces the same
    dictionary if installed. Raises :class:`ServiceError`; nothing changes then."""
    from reader.core.dictionary import DictionaryError

    try:
        return service.dictionaries.install(path, progress)
    except DictionaryError as error:
        raise ServiceError(str(error)) from None


def dict_list(service: ReaderService) -> list[Dictionary]:
    from reader.core.dictionary import DictionaryError

    try:
        return service.dictionaries.dictionaries()
    except DictionaryError as error:
        raise ServiceError(str(error)) from None


def dict_remove(service: ReaderService, name: str) -> Dictionary:
    from reader.core.dictionary import DictionaryError

    try:
        return service.dictionaries.remove(name)
    except DictionaryError as error:
        raise ServiceError(str(error)) from None


def dict_lookup(
    service: ReaderService, word: str, limit: int = 50, lemma: str | None = None
) -> LookupResult:
    """Entries for a word as it appears in text, found by its lemma (kiwipiepy is
    made by the analyser unless the caller gives ``lemma``), best first."""
    from reader.core.dictionary import DictionaryError, word_language

    word = clean_line(word)
    if not word:
        raise ServiceError("nothing to look up")
    if len(word) > MAX_LOOKUP_CHARS:
        raise ServiceError(f"too long to look up (more than {MAX_LOOKUP_CHARS} characters)")
    language = word_language(word)
    lemma = lemma or _lookup_lemma(service, word, language)
    try:
        return service.dictionaries.lookup(word, lemma, english=language == "en", limit=limit)
    except DictionaryError as error:
        raise ServiceError(str(error)) from None


def _lookup_lemma(service: ReaderService, word: str, language: str) -> str:
    """The lemma a looked-up word is found under (``dictionary.lemma_of``'s rule, the
    analysis made by the analyser)."""
    import unicodedata

    if language == "other":
        return unicodedata.normalize("NFC", word).strip()
    return service.analyser.lemma_for(word, language) or word


def dictionary_glosses(
    service: ReaderService, word: str, lemma: str, lang: str, *, exact: bool = False, limit: int = 6
) -> list[DictionaryGloss]:
    """Glosses the installed dictionaries give a word, as (gloss, dictionary name):
    for a Korean word its English equivalents, for an English word the Korean
    headwords that translate it; exact-lemma entries first (only those with
    ``exact``). Empty without dictionaries. ``lemma`` comes from the caller, so
    this never analyses text."""
    from reader.core.dictionary import DictionaryError

    if not service.paths.dictionaries_database.exists() or not word.strip():
        return []
    try:
        result = service.dictionaries.lookup(word, lemma or word, english=lang == "en", limit=20)
    except DictionaryError:
        return []
    found: list[DictionaryGloss] = []
    for entry in result.entries:
        if exact and entry.match != "exact":
            continue
        if entry.match == "compound":
            break
        if lang == "en":
            glosses = [entry.headword] if entry.match == "gloss" else []
        else:
            glosses = [
                part.strip()
                for sense in entry.senses
                for part in sense.gloss.split(";")
                if part.strip()
            ][:3]
        for gloss in glosses:
            if gloss not in (known for known, _ in found):
                found.append(DictionaryGloss(gloss, entry.dictionary))
    return found[:limit]
