"""Translation: directions, splitting, translating text and articles, glossary
steering, confidence details, and the reader's own translations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from reader.core.models import (
    Article,
    Term,
)
from reader.core.paragraph_split import sentences_by_language
from reader.core.text import clean_line, detect_language, sample_language, split_plain_text
from reader.service import glossary
from reader.service.errors import ServiceError
from reader.service.results import (
    GlossSuggestion,
    KeptTranslation,
    PairDetails,
    SentencePair,
    Translation,
)

if TYPE_CHECKING:
    from reader.core.models import Sentence
    from reader.core.steering import Glossary
    from reader.core.translation import Outcome
    from reader.service.facade import ReaderService


def direction_for(
    service: ReaderService, item: Article | str, source: str = "auto", target: str | None = None
) -> tuple[str, str]:
    """(source, target): Korean text goes to English, anything else to Korean.

    Either side can be forced; a forced target alone implies the other language;
    an article of a feed with its own direction (``feeds set … direction=``) takes it.
    """
    forced = service.feed_direction(item) if isinstance(item, Article) else None
    if forced and source not in ("ko", "en") and target is None:
        source, target = forced
    if source not in ("ko", "en") and target in ("ko", "en"):
        source = "en" if target == "ko" else "ko"
    elif source not in ("ko", "en"):
        if isinstance(item, str):
            source = detect_language(item[:5000]) or service.config.source_lang
        else:
            detected = sample_language(item.paragraphs, item.title)
            source = detected or item.language or service.config.source_lang
    target = target or ("en" if source == "ko" else "ko")
    if target == source or target not in ("ko", "en"):
        raise ServiceError(f"cannot translate {source} to {target}: use ko→en or en→ko")
    return source, target


def split_sentences(service: ReaderService, paragraph: str, lang: str) -> list[Sentence]:
    return service.analyser.split([paragraph], lang)[0]


def split_paragraphs(
    service: ReaderService, paragraphs: Sequence[str], lang: str
) -> list[list[Sentence]]:
    """The sentences of each paragraph, split in ``lang`` in one batch."""
    return service.analyser.split(paragraphs, lang)


def split_by_language(
    service: ReaderService, paragraphs: Sequence[str], lang: str
) -> list[list[Sentence]]:
    """The sentences of each paragraph, split by the rules of its own language (``lang``
    for one without letters: an English quote in a Korean article is split at its
    periods too), in one analyser call per language rather than one per paragraph."""
    return sentences_by_language(service.split_paragraphs, list(paragraphs), lang)


def warm_up_analysis(service: ReaderService, lang: str) -> None:
    """Get the analyser of ``lang`` ready in the background (the TUI's helper process
    loads kiwipiepy for Korean, which takes seconds); returns at once."""
    service.analyser.warm_up(lang)


def paragraph_directions(
    service: ReaderService,
    paragraphs: list[str],
    direction: tuple[str, str],
    per_paragraph: bool | None = None,
) -> list[tuple[str, str] | None]:
    """The direction each paragraph is translated in; None keeps it as it is.

    A paragraph written in the target language (a Korean quote in an English page)
    is translated the other way when ``per_paragraph`` (default: the
    ``[translation] per_paragraph`` setting) is on and both directions have a model;
    otherwise it is kept as it is. Pass ``per_paragraph=False`` for a direction the
    user forced.
    """
    source, target = direction
    languages = [detect_language(paragraph) for paragraph in paragraphs]
    if per_paragraph is None:
        per_paragraph = service.config.translation.per_paragraph
    if per_paragraph and target in languages and service.can_translate(target, source):
        return [(target, source) if lang == target else direction for lang in languages]
    return [None if lang == target else direction for lang in languages]


def _serves(service: ReaderService, model: str | None, source: str, target: str) -> bool:
    """True when the installed model ``model`` translates ``source`` into ``target``."""
    from reader.core.model_registry import find_by_name

    found = find_by_name(service.translations.installed(), model) if model else None
    return found is not None and found.serves(source, target)


def can_translate(service: ReaderService, source: str, target: str) -> bool:
    """True when a model (or a pivot) translates ``source`` into ``target``."""
    from reader.core.translation import NoModelError

    try:
        service.translations.engine(source, target)
    except NoModelError:
        return False
    return True


def translate_paragraphs(
    service: ReaderService,
    paragraphs: list[str],
    source: str,
    target: str,
    per_paragraph: bool | None = None,
    model: str | None = None,
    glossary: bool | None = None,
) -> Translation:
    """Translate sentence by sentence: ``{"source_lang", "target_lang", "model", "pairs"}``
    (see :class:`~reader.service.results.Translation`).

    Each paragraph goes the way :meth:`paragraph_directions` says: one in the target
    language is translated the other way (its pairs then carry their own
    ``source_lang``, ``target_lang`` and ``model``) or passed through as it is.
    ``model`` names the model for this call (``reader translate --model``) instead of
    the direction's chosen one; the other way uses it too when it serves it.
    ``glossary`` (default: the ``[translation] glossary`` setting) lets the glossary
    steer the translation; each pair then carries its ``terms``, ``confidence`` and
    ``reason`` (see :meth:`pair_details`).
    """
    from reader.core.translation import NoModelError

    directions = service.paragraph_directions(paragraphs, (source, target), per_paragraph)
    sentences = [
        (index, number, sentence.text)
        for index, split in enumerate(split_by_language(service, paragraphs, source))
        for number, sentence in enumerate(split)
    ]
    translated: dict[tuple[int, int], Outcome | None] = {}
    models: dict[tuple[str, str], str] = {}
    try:
        engine = service.translations.engine(source, target, model)
        models[(source, target)] = engine.model.model_id
        for way in dict.fromkeys(d for d in directions if d is not None):
            named = model if way == (source, target) or _serves(service, model, *way) else None
            group = [s for s in sentences if directions[s[0]] == way]
            steering = service.glossary_for(way, glossary)
            outcomes = service.translations.translate(
                [s[2] for s in group], *way, model=named, glossary=steering
            )
            models[way] = service.translations.engine(*way, named).model.model_id
            translated.update(((s[0], s[1]), o) for s, o in zip(group, outcomes, strict=True))
    except NoModelError as error:
        raise ServiceError(str(error)) from None
    pairs: list[SentencePair] = []
    for index, number, text in sentences:
        outcome = translated.get((index, number))
        pair: SentencePair = {
            "paragraph": index,
            "sentence": number,
            "source": text,
            "target": text,
        }
        if outcome is not None:
            pair["target"] = outcome.target
            if outcome.error:
                pair["error"] = outcome.error
            _add_details(pair, pair_details(outcome))
        own = directions[index]
        if own is not None and own != (source, target):
            pair["source_lang"], pair["target_lang"], pair["model"] = own[0], own[1], models[own]
        pairs.append(pair)
    return {
        "source_lang": source,
        "target_lang": target,
        "model": models[(source, target)],
        "pairs": pairs,
    }


def translate_text(
    service: ReaderService,
    text: str,
    source: str = "auto",
    target: str | None = None,
    model: str | None = None,
    glossary: bool | None = None,
) -> Translation:
    """Translate plain text; with the direction guessed (``source="auto"``, no target)
    each paragraph goes into the other language, a forced direction applies to all."""
    guessed = source not in ("ko", "en") and target not in ("ko", "en")
    source, target = service.direction_for(text, source, target)
    per_paragraph = None if guessed else False
    return service.translate_paragraphs(
        split_plain_text(text), source, target, per_paragraph, model=model, glossary=glossary
    )


def translate_article_pairs(service: ReaderService, article: Article) -> Translation:
    source, target = service.direction_for(article)
    return service.translate_paragraphs(article.paragraphs, source, target)


def gloss_suggestions(
    service: ReaderService, text: str, sentence: str, lang: str
) -> list[GlossSuggestion]:
    """The engine's translations of a term and of the sentence it was met in, as
    (what, translation) pairs for the annotation form; empty without a model."""
    from reader.core.translation import NoModelError

    wanted = [(what, value) for what, value in (("term", text), ("sentence", sentence)) if value]
    if not wanted:
        return []
    try:
        source, target = service.direction_for(text, lang)
        outcomes = service.translations.translate([value for _, value in wanted], source, target)
    except (NoModelError, ServiceError):
        return []
    return [
        GlossSuggestion(what, outcome.target)
        for (what, _), outcome in zip(wanted, outcomes, strict=True)
        if outcome is not None and not outcome.error and outcome.target.strip()
    ]


def glossary_for(
    service: ReaderService, direction: tuple[str, str], use: bool | None = None
) -> Glossary | None:
    """The glossary that steers a direction, or None when steering is off (``use``
    False, or ``[translation] glossary = false`` when ``use`` is None)."""
    if not (service.config.translation.glossary if use is None else use):
        return None
    service.term_index()  # fills the patterns of terms stored without one
    analyser = service.analyser
    return service.translations.glossary(
        *direction, analyse=lambda texts, lang: analyser.analyse_many(texts, lang, keep=False)
    )


def translate_sentence_again(
    service: ReaderService,
    sentence: str,
    direction: tuple[str, str],
    beam: int | None = None,
    model: str | None = None,
) -> Outcome:
    """One sentence translated afresh with ``beam`` or by the installed ``model`` (the
    app's re-translate key), steered as the setting says; not cached. Raises
    ServiceError (no such model, no beam for an argostranslate model)."""
    from reader.core.translation import NoModelError

    try:
        return service.translations.translate_again(
            sentence, *direction, beam=beam, model=model, glossary=glossary_for(service, direction)
        )
    except (NoModelError, ValueError) as error:
        raise ServiceError(str(error)) from None


def pair_details(outcome: Outcome) -> PairDetails:
    """What a translated pair says beyond its target: the glossary terms it holds
    (``{"term", "gloss", "applied"}``), its confidence and reason, the n-best
    alternatives, and ``edited`` when the translation is the reader's own."""
    details: PairDetails = {
        "terms": [term.as_json() for term in outcome.terms],
        "confidence": outcome.confidence,
        "reason": outcome.reason,
        "alternatives": list(outcome.alternatives),
    }
    if outcome.user:
        details["edited"] = outcome.user
    return details


def _add_details(pair: SentencePair, details: PairDetails) -> None:
    """``pair`` with ``details``' keys, in their order (the JSON output keeps it)."""
    pair["terms"] = details["terms"]
    pair["confidence"] = details["confidence"]
    pair["reason"] = details["reason"]
    pair["alternatives"] = details["alternatives"]
    if "edited" in details:
        pair["edited"] = details["edited"]


def set_term_keep(service: ReaderService, term_id: int, keep: bool = True) -> Term:
    """Flag a term "keep as is" (a name, a brand: shown untranslated) or unflag it."""
    from reader.core import translation_records

    term = service.term(term_id)
    with service.store.transaction() as connection:
        translation_records.set_kept(connection, term.id, keep)
    return term


def keep_term_text(
    service: ReaderService, text: str, lang: str | None = None, keep: bool = True
) -> int:
    """Flag (or unflag) "keep as is" the terms whose text or lemma is ``text``, as
    ``reader terms keep`` does; returns how many."""
    from reader.core import translation_records

    found = glossary.term_ids_named(service, text, lang)
    with service.store.transaction() as connection:
        for term_id in found:
            translation_records.set_kept(connection, term_id, keep)
    return len(found)


def set_sentence_translation(
    service: ReaderService,
    source: str,
    source_lang: str,
    target_lang: str,
    target: str,
    kind: str = "edit",
) -> str:
    """Keep the reader's own translation of a sentence: ``kind`` is ``edit`` (written
    by the reader) or ``alternative`` (one of the model's n-best, chosen). It beats
    any model and any cache wherever the same sentence is translated the same way,
    and stays until the source sentence changes. An empty ``target`` forgets it.
    Returns the translation as kept (one line, control characters gone)."""
    from reader.core import translation_records as records
    from reader.core.translation import sentence_hash

    text = clean_line(target)
    if len(text) > records.MAX_USER_TRANSLATION_CHARS:
        raise ServiceError(
            f"a translation of at most {records.MAX_USER_TRANSLATION_CHARS} characters"
        )
    if kind not in records.USER_KINDS:
        raise ServiceError(f"unknown kind of translation {kind!r}")
    digest = sentence_hash(source)
    with service.store.transaction() as connection:
        if not text:
            records.delete_user_translation(connection, source_lang, target_lang, digest)
        else:
            records.set_user_translation(
                connection, source_lang, target_lang, digest, source, text, kind
            )
    return text


def set_text_translation(
    service: ReaderService,
    text: str,
    translation: str,
    source: str = "auto",
    target: str | None = None,
) -> KeptTranslation:
    """Keep the reader's translation of one sentence given as plain text (``reader
    translate --set``); the direction is guessed as for :meth:`translate_text`.
    Returns (sentence, direction as ``ko→en``, the translation kept — empty when
    forgotten). Raises ServiceError for more or less than one sentence."""
    source, target = service.direction_for(text, source, target)
    sentences = [
        sentence.text
        for paragraph in split_plain_text(text)
        for sentence in service.split_sentences(paragraph, source)
    ]
    if len(sentences) != 1:
        raise ServiceError(
            f"--set keeps the translation of one sentence; the text has {len(sentences)}"
        )
    kept = service.set_sentence_translation(sentences[0], source, target, translation)
    return KeptTranslation(sentences[0], f"{source}→{target}", kept)


def kept_terms(service: ReaderService) -> frozenset[int]:
    """Ids of the terms flagged "keep as is"."""
    from reader.core import translation_records

    return translation_records.kept_terms(service.store.connection)
