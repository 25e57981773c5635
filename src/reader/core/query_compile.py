"""Compiling a parsed query into an SQL condition and its parameters (:class:`Compiled`),
over ``articles`` joined to ``feeds`` and ``article_stats``, for
:mod:`reader.core.query_store` to run; a :class:`QueryContext` carries what the
compiler cannot know by itself (the model and options of each translation direction,
for ``translated``). Nothing here touches a database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reader.core.folders import SEPARATOR
from reader.core.query_nodes import STATUS_VALUES, And, Field, Flag, Measure, Node, Not, Or


@dataclass(frozen=True)
class QueryContext:
    """What compiling needs from outside the query: the model and options each
    translation direction uses now (``translated``), as ``(source, target) → (model id,
    options)``."""

    engines: Mapping[tuple[str, str], tuple[str, str]] = field(default_factory=dict)


@dataclass
class Compiled:
    """An SQL condition over ``articles``, ``feeds`` and ``stats`` (``article_stats``)."""

    sql: str
    params: list[Any]


def compile_query(node: Node, context: QueryContext | None = None) -> Compiled:
    """The SQL condition of a parsed query, with its ``?`` parameters in order."""
    params: list[Any] = []
    sql = _Compiler(context or QueryContext(), params).condition(node)
    return Compiled(sql, params)


def _escaped(value: str) -> str:
    """``value`` as literal text in a LIKE pattern (``\\`` escapes)."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like(value: str) -> str:
    """A LIKE pattern matching ``value`` anywhere."""
    return f"%{_escaped(value)}%"


_DERIVED_HEAD = (
    "CASE WHEN instr(t.pattern, ' ') > 0 AND t.pattern NOT LIKE '% % %'"
    " AND substr(t.pattern, instr(t.pattern, ' ') + 1) LIKE '%/XS_'"
    " THEN substr(t.pattern, 1, instr(t.pattern, ' ') - 1) ELSE t.pattern END"
)
"""The noun of a verb or adjective made from it (``발표/N 하/XSV`` → ``발표/N``): the
stored vocabulary keeps the two as separate words."""

_TERM_ARTICLES = (
    "articles.id IN (SELECT w.article_id FROM terms t"
    " JOIN article_words w ON w.kind IN ('w', 'k', 'p')"
    f" AND w.key IN (t.pattern, {_DERIVED_HEAD})"
    " JOIN article_stats ts ON ts.article_id = w.article_id AND ts.lang = t.lang"
    " WHERE t.pattern != '' AND {condition})"
)
"""Articles containing a glossary term that satisfies ``condition`` (over ``t``): the
stored content words, other words and noun phrases of each analysed article (a
phrase that is not a noun phrase is not stored, and is not found)."""

_SHARE_KNOWN = (
    "CASE WHEN stats.content_words = 0 THEN 100.0"
    " ELSE stats.known_words * 100.0 / stats.content_words END"
)


@dataclass
class _Compiler:
    context: QueryContext
    params: list[Any]

    def condition(self, node: Node) -> str:
        if isinstance(node, And):
            return "(" + " AND ".join(self.condition(n) for n in node.operands) + ")"
        if isinstance(node, Or):
            return "(" + " OR ".join(self.condition(n) for n in node.operands) + ")"
        if isinstance(node, Not):
            return f"(NOT {self.condition(node.operand)})"
        if isinstance(node, Flag):
            return self.flag(node)
        if isinstance(node, Field):
            return self.field(node)
        if isinstance(node, Measure):
            return self.measure(node)
        return self.text(node.value)

    def flag(self, node: Flag) -> str:
        if node.name == "unread":
            return "articles.read = 0"
        if node.name == "starred":
            return "articles.starred = 1"
        return self.translated()

    def field(self, node: Field) -> str:
        value = node.value
        if node.name == "feed":
            if value.isdigit():
                self.params.append(int(value))
                return "articles.feed_id = ?"
            self.params += [_like(value), _like(value)]
            return (
                "coalesce(coalesce(feeds.title, articles.feed_title) LIKE ? ESCAPE '\\'"
                " OR feeds.url LIKE ? ESCAPE '\\', 0)"
            )
        if node.name == "folder":  # the folder and the folders inside it (``home/News``)
            self.params += [value, _escaped(value) + SEPARATOR + "%"]
            return "coalesce(feeds.folder = ? COLLATE NOCASE OR feeds.folder LIKE ? ESCAPE '\\', 0)"
        if node.name == "lang":
            self.params += [value, value]
            return (
                "coalesce(coalesce(stats.lang, lower(articles.language)) = ?"
                " OR (stats.lang IS NULL AND lower(articles.language) LIKE ? || '-%'), 0)"
            )
        if node.name in ("after", "before"):
            self.params.append(value)
            operator = ">=" if node.name == "after" else "<"
            return f"coalesce(articles.published, articles.fetched) {operator} ?"
        if node.name == "title":
            self.params.append(_like(value))
            return "articles.title LIKE ? ESCAPE '\\'"
        if node.name == "has":
            self.params += [value, value]
            return _TERM_ARTICLES.format(
                condition="(lower(t.text) = lower(?) OR lower(t.lemma) = lower(?))"
            )
        statuses = STATUS_VALUES[value]
        self.params += list(statuses)
        marks = ", ".join("?" * len(statuses))
        return _TERM_ARTICLES.format(condition=f"t.status IN ({marks})")

    def measure(self, node: Measure) -> str:
        operator = node.operator
        if node.name == "words":
            self.params.append(node.value)
            return f"coalesce(stats.words, 0) {operator} ?"
        self.params.append(node.value)
        if node.name == "known":
            value = _SHARE_KNOWN
        else:
            value = "(stats.content_words - stats.known_words)"
        return f"coalesce(stats.content_words IS NOT NULL AND {value} {operator} ?, 0)"

    def text(self, value: str) -> str:
        """Free text: the trigram index for three characters or more, else LIKE over
        the same table (as :meth:`reader.core.store.Store.search`)."""
        if len(value) >= 3:
            self.params.append('"' + value.replace('"', '""') + '"')
            return "articles.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
        pattern = _like(value)
        self.params += [pattern, pattern]
        return (
            "articles.id IN (SELECT rowid FROM articles_fts"
            " WHERE title LIKE ? ESCAPE '\\' OR body LIKE ? ESCAPE '\\')"
        )

    def translated(self) -> str:
        """Every sentence of the article (as split when it was analysed) is in the
        translation cache of the model its direction uses now."""
        engines = dict(self.context.engines)
        if not engines:
            return "coalesce(stats.sentences = 0, 0)"
        models, options = [], []
        for (source, target), (model, option) in engines.items():
            models += [f"{source}>{target}", model]
            options += [f"{source}>{target}", option]
        whens = " ".join("WHEN ? THEN ?" for _ in engines)
        self.params += [*models, *options]
        direction = "x.source_lang || '>' || x.target_lang"
        return (
            "coalesce(stats.sentences IS NOT NULL AND NOT EXISTS (SELECT 1 FROM article_sentences x"
            " WHERE x.article_id = articles.id AND NOT EXISTS (SELECT 1 FROM translations tr"
            f" WHERE tr.model = (CASE {direction} {whens} END)"
            " AND tr.source_lang = x.source_lang AND tr.target_lang = x.target_lang"
            f" AND tr.options = (CASE {direction} {whens} END)"
            " AND tr.source_hash = x.hash)), 0)"
        )
