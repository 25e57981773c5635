"""The UI's side of translation: sentence splitting and events from the background queue.

Everything here that may import a heavy library (the sentence splitter loads
kiwipiepy, the queue loads CTranslate2) is called from worker threads only.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from reader.core.models import Sentence
from reader.ui.widgets.paragraphs import SentenceTranslation

if TYPE_CHECKING:
    from collections.abc import Mapping

    from reader.core.models import Article
    from reader.core.steering import Glossary
    from reader.service import ReaderService


_SPLIT_CACHE: OrderedDict[tuple[str, int], list[list[Sentence]]] = OrderedDict()
_SPLIT_CACHE_SIZE = 32
_split_lock = threading.Lock()
PART_CHARACTERS = 20_000
"""Characters of source text split (and then submitted) together when a long article
is opened part by part; an article shorter than this is one part."""


def split_paragraphs(
    service: ReaderService, paragraphs: list[str], lang: str
) -> list[list[Sentence]]:
    """Sentences of each paragraph, with offsets; never an empty list for a paragraph.

    The last few articles' splits are kept, so going back to an article does not
    split it again (Korean splitting is the slowest step of opening one).
    """
    key = (lang, hash(tuple(paragraphs)))
    with _split_lock:
        if key in _SPLIT_CACHE:
            _SPLIT_CACHE.move_to_end(key)
            return _SPLIT_CACHE[key]
    result = _split(service, paragraphs, lang)
    with _split_lock:
        _SPLIT_CACHE[key] = result
        while len(_SPLIT_CACHE) > _SPLIT_CACHE_SIZE:
            _SPLIT_CACHE.popitem(last=False)
    return result


def warm_up(service: ReaderService, article: Article) -> None:
    """Get ready to open ``article`` (call from a worker thread, e.g. when it is
    previewed): start its language's analyser in the background (kiwipiepy takes
    seconds to load for Korean), so that opening it starts translating at once. The model is not preloaded here: importing
    CTranslate2 holds the GIL, which would freeze the list the reader is using."""
    service.warm_up_analysis(service.direction_for(article)[0])


def split_in_parts(
    service: ReaderService, paragraphs: list[str], lang: str, first: range
) -> Iterator[tuple[int, list[list[Sentence]]]]:
    """The sentences of ``paragraphs`` part by part, as ``(first paragraph, sentences)``:
    the paragraphs of ``first`` (those on screen) first, then the rest in parts of
    about :data:`PART_CHARACTERS`, so that a 10 MB article starts translating what the
    reader sees before the rest is split. A finished article is cached whole like
    :func:`split_paragraphs`'s (an unfinished one, when the reader left, is not).
    """
    key = (lang, hash(tuple(paragraphs)))
    with _split_lock:
        cached = _SPLIT_CACHE.get(key)
        if cached is not None:
            _SPLIT_CACHE.move_to_end(key)
    if cached is not None:
        yield 0, cached
        return
    result: list[list[Sentence]] = [[] for _ in paragraphs]
    for start, stop in part_ranges([len(p) for p in paragraphs], first):
        sentences = _split(service, paragraphs[start:stop], lang)
        result[start:stop] = sentences
        yield start, sentences
    with _split_lock:
        _SPLIT_CACHE[key] = result
        while len(_SPLIT_CACHE) > _SPLIT_CACHE_SIZE:
            _SPLIT_CACHE.popitem(last=False)


def part_ranges(lengths: list[int], first: range) -> list[tuple[int, int]]:
    """``(start, stop)`` paragraph ranges covering every paragraph once: ``first``, then
    what follows it, then what precedes it, each at most :data:`PART_CHARACTERS` long
    (or one paragraph). One range when the whole text is shorter than that."""
    count = len(lengths)
    if sum(lengths) <= PART_CHARACTERS:
        return [(0, count)] if count else []
    head = range(max(0, min(first.start, count)), max(0, min(first.stop, count)))
    ranges = [(head.start, head.stop)] if head else []
    ranges += _pieces(lengths, head.stop if head else 0, count)
    ranges += _pieces(lengths, 0, head.start if head else 0)
    return ranges


def _pieces(lengths: list[int], start: int, stop: int) -> list[tuple[int, int]]:
    pieces, begin, size = [], start, 0
    for index in range(start, stop):
        size += lengths[index]
        if size >= PART_CHARACTERS:
            pieces.append((begin, index + 1))
            begin, size = index + 1, 0
    if begin < stop:
        pieces.append((begin, stop))
    return pieces


def _split(service: ReaderService, paragraphs: list[str], lang: str) -> list[list[Sentence]]:
    """Split each paragraph by the rules of its own language (``lang`` when it has no
    letters): an English paragraph in a Korean article is split at its periods too."""
    from reader.core.paragraph_split import split_by_language

    return split_by_language(service.split_paragraphs, paragraphs, lang)


def direction_models(service: ReaderService, direction: tuple[str, str]) -> tuple[list[str], str]:
    """(the installed models for ``direction``, the one in use, "" for none); call from
    a worker thread: it reads model folders."""
    from reader.core.translation import NoModelError

    names = [model.name for model in service.models_for_direction(*direction)]
    try:
        in_use = service.translations.engine(*direction).model.name
    except NoModelError:
        in_use = ""
    return names, in_use


def translation_plan(
    service: ReaderService,
    paragraphs: list[str],
    direction: tuple[str, str],
    forced: bool = False,
) -> tuple[set[int], dict[int, tuple[str, str]]]:
    """(paragraphs shown as they are, paragraphs translated in their own direction).

    A paragraph in the target language goes the other way when both directions have a
    model and ``[translation] per_paragraph`` is on; a ``forced`` direction (``x``)
    applies to every paragraph, those already in the target language kept as they are.
    """
    directions = service.paragraph_directions(
        paragraphs, direction, per_paragraph=False if forced else None
    )
    skip = {index for index, way in enumerate(directions) if way is None}
    own = {
        index: way for index, way in enumerate(directions) if way is not None and way != direction
    }
    return skip, own


def to_submit(sentences: list[list[Sentence]], skip: set[int]) -> list[list[Sentence]]:
    """The job's paragraphs: skipped ones are empty, so paragraph numbers stay the same."""
    return [[] if index in skip else split for index, split in enumerate(sentences)]


def passthrough_results(
    sentences: list[list[Sentence]], skip: set[int]
) -> list[SentenceTranslation]:
    """``set_translations`` rows that show skipped paragraphs' sentences as their own."""
    return [
        SentenceTranslation(paragraph, number, sentence.text)
        for paragraph in sorted(skip)
        for number, sentence in enumerate(sentences[paragraph])
    ]


def glossaries_for(
    service: ReaderService,
    direction: tuple[str, str],
    own: Mapping[int, tuple[str, str]],
    known: dict[tuple[str, str], Glossary | None] | None = None,
) -> dict[tuple[str, str], Glossary | None]:
    """The glossary steering each direction of a job (call from a worker thread): the
    glossary as it is now, or None for every direction while steering is off (the
    ``[translation] glossary`` setting, flipped for the session from the palette).
    ``known`` holds those built for earlier parts of the same article (building one
    over a large glossary takes a fraction of a second); new ones are added to it."""
    known = {} if known is None else known
    for way in dict.fromkeys([direction, *own.values()]):
        if way not in known:
            known[way] = service.glossary_for(way)
    return {way: known[way] for way in dict.fromkeys([direction, *own.values()])}
