"""Paragraphs split into sentences by the rules of each one's own language: an English
quote in a Korean article is split at its periods too. One splitter call per language,
not per paragraph; the splitter (the service's analyser) does the splitting."""

from __future__ import annotations

from collections.abc import Callable

from reader.core.models import Sentence
from reader.core.text import detect_language

Splitter = Callable[[list[str], str], list[list[Sentence]]]
"""``split(paragraphs, lang)``: the sentences of each paragraph."""


def sentences_by_language(
    split: Splitter, paragraphs: list[str], lang: str
) -> list[list[Sentence]]:
    """The sentences of each paragraph, split by the rules of its own language (``lang``
    for one without letters), one ``split`` call per language; a paragraph the splitter
    finds no sentence in gets an empty list."""
    languages = [detect_language(paragraph) or lang for paragraph in paragraphs]
    result: list[list[Sentence]] = [[] for _ in paragraphs]
    for language in dict.fromkeys(languages):
        indexes = [i for i, each in enumerate(languages) if each == language]
        for index, sentences in zip(
            indexes, split([paragraphs[i] for i in indexes], language), strict=True
        ):
            result[index] = sentences
    return result


def split_by_language(split: Splitter, paragraphs: list[str], lang: str) -> list[list[Sentence]]:
    """Split each paragraph by the rules of its own language (``lang`` when it has no
    letters), one batch per language; never an empty list for a paragraph (as the
    article screen splits, so the sentences, and their cache keys, are the same)."""
    return [
        sentences or [Sentence(paragraph, 0, len(paragraph))]
        for paragraph, sentences in zip(
            paragraphs, sentences_by_language(split, paragraphs, lang), strict=True
        )
    ]
