"""The article query language of ``reader list --where``, the search box and saved searches.

A query is tokenised, parsed by recursive descent into a small tree of
:class:`Node` objects, then compiled into an SQL condition (with its parameters)
over ``articles`` joined to ``feeds`` and ``article_stats`` (see
:mod:`reader.core.query_store`, which runs it). Nothing here touches a database.

Grammar (keywords and field names are case-insensitive)::

    query    := or_expr
    or_expr  := and_expr ("or" and_expr)*
    and_expr := unary (["and"] unary)*        -- two terms side by side: "and"
    unary    := "not" unary | primary
    primary  := "(" or_expr ")" | term
    term     := flag | field ":" value | measure op number | word | "quoted text"

Flags: ``unread``, ``starred``, ``translated``. Fields: ``feed:`` (a feed id, or a
substring of the feed's title or URL), ``folder:`` (the folder's name),
``lang:``, ``after:``/``before:`` (``YYYY-MM-DD``, UTC), ``title:`` (a substring of
the title), ``has:`` (a glossary term, by its text or lemma; matched lemma-aware)
and ``status:`` (``learning``, ``1``–``5``, ``known``, ``ignored``). Measures:
``known`` (percent of the distinct content words known or ignored), ``unknown``
(distinct content words not known or ignored) and ``words`` (words in the text),
with ``<``, ``<=``, ``>``, ``>=`` or ``=``. Anything else is free text, looked for
in titles and bodies (substrings, Korean included).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reader.core.text import clean_line

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


# -- tokens ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str
    """``(``, ``)``, ``and``, ``or``, ``not``, ``term`` or ``end``."""
    position: int
    node: Node | None = None


_FIELD = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)
_MEASURE = re.compile(r"([A-Za-z]+)(>=|<=|=>|=<|!=|<>|>|<|=)(.*)", re.DOTALL)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LANG = re.compile(r"[a-z]{2,3}")
_SEPARATORS = frozenset('()"')


def tokenize(query: str) -> list[Token]:
    """The tokens of ``query``, ending with an ``end`` token at its length."""
    tokens: list[Token] = []
    index = 0
    while index < len(query):
        char = query[index]
        if char.isspace():
            index += 1
        elif char in "()":
            tokens.append(Token(char, index))
            index += 1
        elif char == '"':
            text, index_after = _quoted(query, index)
            tokens.append(Token("term", index, _text_node(text, index)))
            index = index_after
        else:
            start = index
            while index < len(query) and not query[index].isspace():
                if query[index] in _SEPARATORS:
                    break
                index += 1
            bare = query[start:index]
            if bare.endswith(":") and index < len(query) and query[index] == '"':
                value, index = _quoted(query, index)
                tokens.append(Token("term", start, _field(bare[:-1], value, start)))
            else:
                tokens.append(_bare_token(bare, start))
    tokens.append(Token("end", len(query)))
    return tokens


def _quoted(query: str, start: int) -> tuple[str, int]:
    """The text of the quoted string opening at ``start`` (``\\"`` and ``\\\\`` escape)
    and the index after its closing quote."""
    parts: list[str] = []
    index = start + 1
    while index < len(query):
        char = query[index]
        if char == "\\" and index + 1 < len(query) and query[index + 1] in '"\\':
            parts.append(query[index + 1])
            index += 2
        elif char == '"':
            return "".join(parts), index + 1
        else:
            parts.append(char)
            index += 1
    raise QuerySyntaxError(start, "unterminated quote")


def _bare_token(bare: str, start: int) -> Token:
    lowered = bare.lower()
    if lowered in KEYWORDS:
        return Token(lowered, start)
    if lowered in FLAGS:
        return Token("term", start, Flag(lowered, start))
    matched = _FIELD.fullmatch(bare)
    if matched:
        return Token("term", start, _field(matched[1], matched[2], start))
    matched = _MEASURE.fullmatch(bare)
    if matched:
        return Token("term", start, _measure(matched[1], matched[2], matched[3], start))
    return Token("term", start, _text_node(bare, start))


def _text_node(text: str, start: int) -> Text:
    cleaned = clean_line(text)
    if not cleaned:
        raise QuerySyntaxError(start, "empty quoted text")
    return Text(cleaned, start)


def _field(name: str, value: str, start: int) -> Field:
    lowered = name.lower()
    if lowered not in FIELDS:
        hint = " (a measure: use known>, unknown< or words<)" if lowered in MEASURES else ""
        raise QuerySyntaxError(start, f"unknown field '{name}:'{hint}; {_fields_hint()}")
    value_at = start + len(name) + 1
    cleaned = clean_line(value)
    if not cleaned:
        raise QuerySyntaxError(value_at, f"expected a value after '{lowered}:'")
    return Field(lowered, _checked_value(lowered, cleaned, value_at), start)


def _checked_value(name: str, value: str, position: int) -> str:
    """The value of a field in the form the compiler uses; QuerySyntaxError if invalid."""
    if name in ("after", "before"):
        if not _DATE.fullmatch(value):
            raise QuerySyntaxError(position, f"expected a date YYYY-MM-DD after '{name}:'")
        try:
            date.fromisoformat(value)
        except ValueError:
            raise QuerySyntaxError(position, f"no such date {value!r}") from None
    elif name == "lang":
        value = value.lower()
        if not _LANG.fullmatch(value):
            raise QuerySyntaxError(position, "expected a language code such as ko or en")
    elif name == "status":
        value = value.lower()
        if value not in STATUS_VALUES:
            raise QuerySyntaxError(
                position, f"unknown status {value!r}; use learning, 1-5, known or ignored"
            )
    return value


def _measure(name: str, operator: str, value: str, start: int) -> Measure:
    lowered = name.lower()
    if lowered not in MEASURES:
        raise QuerySyntaxError(start, f"unknown field '{name}'; {_fields_hint()}")
    operator_at = start + len(name)
    if operator not in OPERATORS:
        raise QuerySyntaxError(operator_at, f"unknown operator '{operator}'; use < <= > >= =")
    value_at = operator_at + len(operator)
    percent = value.endswith("%")
    number = value[:-1] if percent else value
    if not _NUMBER.fullmatch(number):
        raise QuerySyntaxError(value_at, f"expected a number after '{lowered}{operator}'")
    if percent and lowered != "known":
        raise QuerySyntaxError(value_at, f"'{lowered}' counts words: no '%'")
    amount = float(number)
    if lowered == "known" and amount > 100:
        raise QuerySyntaxError(value_at, "known is a percentage: 0 to 100")
    return Measure(lowered, operator, amount, start)


def _fields_hint() -> str:
    fields = ", ".join(f"{name}:" for name in FIELDS)
    return f"fields are {fields}; quote the text to search for it as it is"


# -- parsing -----------------------------------------------------------------------------


def parse(query: str) -> Node:
    """The tree of ``query``; QuerySyntaxError (with the position) when it is not valid."""
    if len(query) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(MAX_QUERY_CHARS, f"query longer than {MAX_QUERY_CHARS} characters")
    parser = _Parser(tokenize(query))
    if parser.peek().kind == "end":
        raise QuerySyntaxError(0, "the query is empty")
    node = parser.or_expr(0)
    token = parser.peek()
    if token.kind != "end":
        raise QuerySyntaxError(token.position, _unexpected(token))
    return node


def _unexpected(token: Token) -> str:
    return "unexpected ')'" if token.kind == ")" else f"unexpected '{token.kind}'"


_STARTS_TERM = frozenset({"term", "(", "not"})


@dataclass
class _Parser:
    tokens: list[Token]
    index: int = 0

    def peek(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def or_expr(self, depth: int) -> Node:
        operands = [self.and_expr(depth)]
        while self.peek().kind == "or":
            self.take()
            operands.append(self.and_expr(depth))
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def and_expr(self, depth: int) -> Node:
        operands = [self.unary(depth)]
        while True:
            kind = self.peek().kind
            if kind == "and":
                self.take()
            elif kind not in _STARTS_TERM:
                break
            operands.append(self.unary(depth))
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def unary(self, depth: int) -> Node:
        token = self.peek()
        if depth >= MAX_DEPTH:
            raise QuerySyntaxError(token.position, f"nested deeper than {MAX_DEPTH} levels")
        if token.kind == "not":
            self.take()
            return Not(self.unary(depth + 1))
        return self.primary(depth)

    def primary(self, depth: int) -> Node:
        token = self.take()
        if token.kind == "(":
            node = self.or_expr(depth + 1)
            closing = self.take()
            if closing.kind != ")":
                raise QuerySyntaxError(closing.position, "expected ')'")
            return node
        if token.kind == "term" and token.node is not None:
            return token.node
        if token.kind == "end":
            raise QuerySyntaxError(token.position, "expected a search term")
        raise QuerySyntaxError(token.position, f"{_unexpected(token)}; expected a search term")


# -- compiling ---------------------------------------------------------------------------


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
            self.params += [value, _escaped(value) + "/%"]
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
