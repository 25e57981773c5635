"""The query language's vocabulary and tree: its flags, fields, measures and limits,
the :class:`Node` types a query parses into (:mod:`~reader.core.query_parse`) and
compiles from (:mod:`~reader.core.query_compile`), :class:`QuerySyntaxError`, and
questions about a tree (does it read analysed articles' data?).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

MAX_QUERY_CHARS = 2000
"""Longer queries are refused (they come from the command line or a saved search)."""
MAX_DEPTH = 50
"""Nesting depth (parentheses and ``not``) the parser follows before refusing."""

FLAGS = ("unread", "starred", "translated")
FIELDS = ("feed", "folder", "lang", "after", "before", "title", "has", "status")
MEASURES = ("known", "unknown", "words")
OPERATORS = (">=", "<=", ">", "<", "=")
KEYWORDS = ("and", "or", "not")
KNOWN_STATUSES = ("known", "ignored")
LEARNING_STATUSES = ("1", "2", "3", "4", "5")
STATUS_VALUES = {
    "learning": LEARNING_STATUSES,
    "known": ("known",),
    "ignored": ("ignored",),
    **{level: (level,) for level in LEARNING_STATUSES},
}


class QuerySyntaxError(ValueError):
    """A query that cannot be parsed or compiled; ``position`` is the 0-based offset of
    the character the error is at (the query's length for "it ended too soon")."""

    def __init__(self, position: int, message: str) -> None:
        super().__init__(f"position {position}: {message}")
        self.position = position
        self.reason = message


# -- the tree ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    name: str
    position: int


@dataclass(frozen=True)
class Field:
    name: str
    value: str
    position: int


@dataclass(frozen=True)
class Measure:
    name: str
    operator: str
    value: float
    position: int


@dataclass(frozen=True)
class Text:
    value: str
    position: int


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]


Node = Flag | Field | Measure | Text | Not | And | Or


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, ``node`` first."""
    yield node
    if isinstance(node, Not):
        yield from walk(node.operand)
    elif isinstance(node, And | Or):
        for operand in node.operands:
            yield from walk(operand)


VOCABULARY_FIELDS = frozenset({"has", "status"})
VOCABULARY_MEASURES = frozenset({"known", "unknown"})


def uses_vocabulary(node: Node) -> bool:
    """Whether the query reads what only analysed articles have (glossary terms, known
    words, sentences): articles not analysed yet never match those terms."""
    return any(
        (isinstance(n, Field) and n.name in VOCABULARY_FIELDS)
        or (isinstance(n, Measure) and n.name in VOCABULARY_MEASURES)
        or (isinstance(n, Flag) and n.name == "translated")
        for n in walk(node)
    )


def uses_translation(node: Node) -> bool:
    """Whether compiling the query needs the translation engines (``translated``)."""
    return any(isinstance(n, Flag) and n.name == "translated" for n in walk(node))
