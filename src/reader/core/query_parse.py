"""Parsing a query: tokens (:func:`tokenize`), then recursive descent (:func:`parse`)
into the tree of :mod:`~reader.core.query_nodes`; every error is a
:class:`~reader.core.query_nodes.QuerySyntaxError` with the position it points at.
The grammar is in :mod:`reader.core.query`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from reader.core.query_nodes import (
    FIELDS,
    FLAGS,
    KEYWORDS,
    MAX_DEPTH,
    MAX_QUERY_CHARS,
    MEASURES,
    OPERATORS,
    STATUS_VALUES,
    And,
    Field,
    Flag,
    Measure,
    Node,
    Not,
    Or,
    QuerySyntaxError,
    Text,
)
from reader.core.text import clean_line


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
