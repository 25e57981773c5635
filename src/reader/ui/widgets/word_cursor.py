"""The word cursor of the article view: a word, or a run of words, in one sentence.

Plain state, no Textual: the view keeps one and draws its selection. Words are the
sentence's whitespace-separated words without edge punctuation (a Korean word keeps
its particles, ``외교를``); the selection runs from the anchor, set by ``v``, to the
cursor.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def sentence_words(source: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    """(start, end) of each word of the sentence ``source[span[0]:span[1]]``, as offsets
    into ``source`` (the paragraph)."""
    from reader.core.terms import word_spans

    start, end = span
    return [(start + left, start + right) for left, right in word_spans(source[start:end])]


@dataclass
class WordCursor:
    """The cursor's word and, while extending, the word the selection started at."""

    words: list[tuple[int, int]] = field(default_factory=list)
    index: int = 0
    anchor: int | None = None

    def reset(self, words: list[tuple[int, int]]) -> None:
        """A new sentence: the cursor on its first word, no selection."""
        self.words = words
        self.index = 0
        self.anchor = None

    def move(self, delta: int) -> bool:
        """Move by ``delta`` words, staying in the sentence; False when it cannot move."""
        if not self.words:
            return False
        index = max(0, min(self.index + delta, len(self.words) - 1))
        moved = index != self.index
        self.index = index
        return moved

    def toggle_extend(self) -> None:
        """Start extending the selection from the cursor's word, or stop extending."""
        self.anchor = None if self.anchor is not None else self.index

    def selection(self) -> tuple[int, int] | None:
        """Paragraph offsets of the selected words (just the cursor's word when not
        extending), or None in a sentence without words."""
        if not self.words:
            return None
        first = self.index if self.anchor is None else min(self.anchor, self.index)
        last = self.index if self.anchor is None else max(self.anchor, self.index)
        return self.words[first][0], self.words[last][1]
