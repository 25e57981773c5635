"""An article with its translation as Markdown, HTML or EPUB."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from reader.core.files import path_text
from reader.core.models import (
    FeedKind,
)
from reader.service.errors import ServiceError
from reader.service.results import SentencePair

if TYPE_CHECKING:
    from reader.core import bilingual_export
    from reader.core.bilingual_export import BilingualDocument
    from reader.core.models import Sentence
    from reader.core.terms import (
        TermMatch,
    )
    from reader.service.facade import ReaderService


def export_article(
    service: ReaderService, article_id: int, format_name: str, layout: str, target: Path | BinaryIO
) -> BilingualDocument:
    """Write an article with its translation as Markdown, HTML or EPUB (see
    :mod:`reader.core.bilingual_export`); a file is replaced atomically, a stream
    (standard output) written as it is. Raises :class:`ServiceError` (no model for
    the article's language, an unwritable file)."""
    from reader.core import bilingual_export, epub
    from reader.core.files import atomic_output
    from reader.core.store import utc_now

    if format_name not in bilingual_export.FORMATS:
        raise ServiceError(f"unknown format {format_name!r}: use md, html or epub")
    if layout not in bilingual_export.LAYOUTS:
        raise ServiceError(f"unknown layout {layout!r}: use interlinear or side-by-side")
    document = service.bilingual_document(article_id)
    if format_name == "epub":
        modified = utc_now().replace("+00:00", "Z")
        data = epub.epub_bytes(document, layout, modified)
    elif format_name == "html":
        data = bilingual_export.to_html(document, layout).encode("utf-8")
    else:
        data = bilingual_export.to_markdown(document, layout).encode("utf-8")
    if not isinstance(target, Path):
        try:
            target.write(data)
        except BrokenPipeError:
            raise
        except OSError as error:
            reason = error.strerror or error
            raise ServiceError(f"standard output: cannot write: {reason}") from None
        return document
    try:
        with atomic_output(target) as handle:
            handle.write(data)
    except OSError as error:
        raise ServiceError(
            f"{path_text(target)}: cannot write: {error.strerror or error}"
        ) from None
    return document


def bilingual_document(service: ReaderService, article_id: int) -> BilingualDocument:
    """An article's sentences with their translations (cached ones reused, the
    others made now) and its glossary terms being learnt, numbered as footnotes."""
    import uuid

    from reader.core import bilingual_export as bilingual

    article = service.article(article_id)
    translated = service.translate_article_pairs(article)
    source, target = translated["source_lang"], translated["target_lang"]
    matches = service.article_term_matches(article)
    by_paragraph: dict[int, list[SentencePair]] = {}
    for pair in translated["pairs"]:
        by_paragraph.setdefault(pair["paragraph"], []).append(pair)
    notes: dict[int, bilingual.Footnote] = {}
    paragraphs = []
    split = service.split_by_language(article.paragraphs, source)
    for index, sentences in enumerate(split):
        segments = []
        for number, pair in enumerate(by_paragraph.get(index, [])):
            found = sentences[number] if number < len(sentences) else None
            marks: list[bilingual.Mark] = []
            if found is not None and found.text == pair["source"]:
                marks = _export_marks(service, matches[index], found, notes)
            own_source = pair.get("source_lang", source)
            own_target = pair.get("target_lang", target)
            segments.append(
                bilingual.Segment(
                    pair["source"],
                    pair["target"],
                    own_source,
                    own_target,
                    tuple(marks),
                    edited=bool(pair.get("edited")),
                )
            )
        paragraphs.append(segments)
    key = article.url or f"reader:article:{article.guid or article.id}"
    feed = service.store.feed(article.feed_id) if article.feed_id is not None else None
    publisher = article.feed_title if feed is not None and feed.kind == FeedKind.FEED else ""
    return bilingual.BilingualDocument(
        title=article.title,
        title_translation=_title_translation(service, article.title, source, target),
        source_lang=source,
        target_lang=target,
        paragraphs=paragraphs,
        notes=sorted(notes.values(), key=lambda note: note.number),
        publisher=publisher,
        url=article.url or "",
        published=article.published or "",
        author=article.author or "",
        identifier=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}",
    )


def _export_marks(
    service: ReaderService,
    matches: Sequence[TermMatch],
    sentence: Sentence,
    notes: dict[int, bilingual_export.Footnote],
) -> list[bilingual_export.Mark]:
    """The terms being learnt inside one sentence, offsets relative to it; a term met
    for the first time gets the next footnote number (``notes`` is filled in)."""
    from reader.core import bilingual_export as bilingual

    marks = []
    for match in matches:
        level = bilingual.status_level(match.status)
        if not level or match.start < sentence.start or match.end > sentence.end:
            continue
        note = notes.get(match.term_id)
        first = note is None
        if note is None:
            term = service.store.term(match.term_id)
            if term is None:
                continue
            note = bilingual.Footnote(len(notes) + 1, term.text, term.lemma, term.gloss, term.lang)
            notes[match.term_id] = note
        start, end = match.start - sentence.start, match.end - sentence.start
        marks.append(bilingual.Mark(start, end, note.number, level, first))
    return marks


def _title_translation(service: ReaderService, title: str, source: str, target: str) -> str:
    """The title's translation, or empty when it cannot be made."""
    from reader.core.translation import NoModelError

    if not title.strip():
        return ""
    try:
        outcome = service.translations.translate([title], source, target)[0]
    except NoModelError:
        return ""
    if outcome is None or outcome.error:
        return ""
    return str(outcome.target)
