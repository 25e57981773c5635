"""The UI's side of translation: sentence splitting and events from the background queue.

Everything here that may import a heavy library (the sentence splitter loads
kiwipiepy, the queue loads CTranslate2) is called from worker threads only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from reader.core.models import Sentence

if TYPE_CHECKING:
    from reader.core.translation_queue import TranslationEvent as QueueEvent
    from reader.service import ReaderService


def split_paragraphs(
    service: ReaderService, paragraphs: list[str], lang: str
) -> list[list[Sentence]]:
    """Sentences of each paragraph, with offsets; never an empty list for a paragraph."""
    result = []
    for paragraph in paragraphs:
        sentences = service.split_sentences(paragraph, lang)
        result.append(sentences or [Sentence(paragraph, 0, len(paragraph))])
    return result


@dataclass
class TranslationEvent(Message):
    """Something the translation queue reported, forwarded from its thread to a screen."""

    event: QueueEvent
