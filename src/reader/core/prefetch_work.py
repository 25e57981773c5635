"""An article made ready to translate ahead: read, its text cleaned, split into
sentences and each paragraph given its direction and glossary, as the article screen
would submit it (so what is translated ahead is what opening it finds in the cache)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from reader.core.models import Article, Sentence
from reader.core.paragraph_split import Splitter
from reader.core.text import strip_controls

if TYPE_CHECKING:
    from reader.core.steering import Glossary


class ArticleSource(Protocol):
    """What preparing an article needs (the service)."""

    def article(self, article_id: int) -> Article: ...

    def direction_for(self, item: Article) -> tuple[str, str]: ...

    def paragraph_directions(
        self, paragraphs: list[str], direction: tuple[str, str]
    ) -> list[tuple[str, str] | None]: ...

    def can_translate(self, source: str, target: str) -> bool: ...

    def glossary_for(self, direction: tuple[str, str]) -> Glossary | None: ...


@dataclass(frozen=True)
class ArticleWork:
    """An article's sentences as the article screen submits them: paragraphs kept as
    they are (already in the target language) are empty; ``own`` gives the paragraphs
    translated the other way their direction."""

    article_id: int
    title: str
    paragraphs: list[list[Sentence]]
    direction: tuple[str, str]
    own: Mapping[int, tuple[str, str]] = field(default_factory=dict)
    glossaries: Mapping[tuple[str, str], Glossary | None] = field(default_factory=dict)
    """The glossary steering each direction, as the article screen's job has it, so that
    what is translated ahead is what opening the article looks up in the cache."""

    @property
    def sentences(self) -> int:
        return sum(len(paragraph) for paragraph in self.paragraphs)


def prepare_article(source: ArticleSource, article_id: int, split: Splitter) -> ArticleWork:
    """The article's sentences, directions and kept paragraphs, as the article screen
    would submit them (its text cleaned of control characters first, as shown).

    Raises NoModelError (before splitting anything) when no model translates the
    article's direction, and what ``source`` raises for an article that is gone.
    """
    from reader.core.packages.common import no_model_message
    from reader.core.translation import NoModelError

    article = source.article(article_id)
    article.paragraphs = [strip_controls(paragraph) for paragraph in article.paragraphs]
    direction = source.direction_for(article)
    if not source.can_translate(*direction):
        raise NoModelError(no_model_message(*direction))
    sentences = split(article.paragraphs, direction[0])
    ways = source.paragraph_directions(article.paragraphs, direction)
    paragraphs = [[] if way is None else split for split, way in zip(sentences, ways, strict=True)]
    own = {index: way for index, way in enumerate(ways) if way is not None and way != direction}
    glossaries = {
        way: source.glossary_for(way) for way in dict.fromkeys([direction, *own.values()])
    }
    return ArticleWork(article.id, article.title, paragraphs, direction, own, glossaries)
