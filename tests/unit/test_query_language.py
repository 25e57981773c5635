"""The query language's parser: a table of valid queries and their trees, and of
invalid ones with the position and reason of the error."""

from __future__ import annotations

import pytest

from reader.core.query import (
    MAX_DEPTH,
    MAX_QUERY_CHARS,
    And,
    Field,
    Flag,
    Measure,
    Node,
    Not,
    Or,
    QueryContext,
    QuerySyntaxError,
    Text,
    compile_query,
    parse,
    uses_translation,
)

VALID: list[tuple[str, Node]] = [
    ("unread", Flag("unread", 0)),
    ("UNREAD", Flag("unread", 0)),
    ("starred", Flag("starred", 0)),
    ("translated", Flag("translated", 0)),
    ("feed:hani", Field("feed", "hani", 0)),
    ("feed:12", Field("feed", "12", 0)),
    ('feed:"Korea Herald"', Field("feed", "Korea Herald", 0)),
    ("Folder:news", Field("folder", "news", 0)),
    ("lang:KO", Field("lang", "ko", 0)),
    ("after:2026-11-01", Field("after", "2026-11-01", 0)),
    ("before:2026-02-28", Field("before", "2026-02-28", 0)),
    ("title:정상회담", Field("title", "정상회담", 0)),
    ("has:외교", Field("has", "외교", 0)),
    ("status:learning", Field("status", "learning", 0)),
    ("status:3", Field("status", "3", 0)),
    ("known>80%", Measure("known", ">", 80.0, 0)),
    ("known>=80", Measure("known", ">=", 80.0, 0)),
    ("unknown<15", Measure("unknown", "<", 15.0, 0)),
    ("words<=800", Measure("words", "<=", 800.0, 0)),
    ("words=0", Measure("words", "=", 0.0, 0)),
    ("외교", Text("외교", 0)),
    ('"실용 외교"', Text("실용 외교", 0)),
    ('"say \\"hi\\""', Text('say "hi"', 0)),
    ('"unread"', Text("unread", 0)),
    ("c++", Text("c++", 0)),
    ("1:1", Text("1:1", 0)),
    ("unread 외교", And((Flag("unread", 0), Text("외교", 7)))),
    ("unread and 외교", And((Flag("unread", 0), Text("외교", 11)))),
    ("a or b", Or((Text("a", 0), Text("b", 5)))),
    ("a b or c", Or((And((Text("a", 0), Text("b", 2))), Text("c", 7)))),
    ("a or b c", Or((Text("a", 0), And((Text("b", 5), Text("c", 7)))))),
    ("not starred", Not(Flag("starred", 4))),
    ("NOT not starred", Not(Not(Flag("starred", 8)))),
    ("not a b", And((Not(Text("a", 4)), Text("b", 6)))),
    ("(a or b) c", And((Or((Text("a", 1), Text("b", 6))), Text("c", 9)))),
    ("((unread))", Flag("unread", 2)),
    (
        "unread and (feed:hani or folder:news) and not known<50%",
        And(
            (
                Flag("unread", 0),
                Or((Field("feed", "hani", 12), Field("folder", "news", 25))),
                Not(Measure("known", "<", 50.0, 46)),
            )
        ),
    ),
    ("has:외교(unread)", And((Field("has", "외교", 0), Flag("unread", 7)))),
]


@pytest.mark.parametrize(("query", "tree"), VALID, ids=[q for q, _ in VALID])
def test_valid_queries_parse_to_their_tree(query: str, tree: Node) -> None:
    assert parse(query) == tree


INVALID: list[tuple[str, int, str]] = [
    ("", 0, "the query is empty"),
    ("   ", 0, "the query is empty"),
    ("unread and (feed:hani", 21, "expected ')'"),
    ("(", 1, "expected a search term"),
    (")", 0, "unexpected ')'"),
    ("a )", 2, "unexpected ')'"),
    ("a and", 5, "expected a search term"),
    ("a or", 4, "expected a search term"),
    ("not", 3, "expected a search term"),
    ("and a", 0, "unexpected 'and'"),
    ("a or or b", 5, "unexpected 'or'"),
    ("()", 1, "unexpected ')'"),
    ('"open', 0, "unterminated quote"),
    ('a feed:"open', 7, "unterminated quote"),
    ('""', 0, "empty quoted text"),
    ("foo:bar", 0, "unknown field 'foo:'"),
    ("unread and colour:red", 11, "unknown field 'colour:'"),
    ("known:80", 0, "unknown field 'known:'"),
    ("size>3", 0, "unknown field 'size'"),
    ("feed:", 5, "expected a value after 'feed:'"),
    ("known>>3", 6, "expected a number after 'known>'"),
    ("known=>3", 5, "unknown operator '=>'"),
    ("words!=3", 5, "unknown operator '!='"),
    ("known>", 6, "expected a number after 'known>'"),
    ("known>120%", 6, "known is a percentage"),
    ("unknown<15%", 8, "'unknown' counts words: no '%'"),
    ("words<many", 6, "expected a number after 'words<'"),
    ("after:yesterday", 6, "expected a date YYYY-MM-DD"),
    ("before:2026-02-30", 7, "no such date"),
    ("lang:korean", 5, "expected a language code"),
    ("status:expert", 7, "unknown status 'expert'"),
]


@pytest.mark.parametrize(("query", "position", "reason"), INVALID, ids=[q for q, *_ in INVALID])
def test_invalid_queries_say_where_and_why(query: str, position: int, reason: str) -> None:
    with pytest.raises(QuerySyntaxError) as raised:
        parse(query)
    assert raised.value.position == position
    assert reason in raised.value.reason
    message = str(raised.value)
    assert message.startswith(f"position {position}: ")
    assert "\n" not in message


def test_the_example_error_message() -> None:
    with pytest.raises(QuerySyntaxError, match=r"^position 21: expected '\)'$"):
        parse("unread and (feed:hani")


def test_too_long_and_too_deep_queries_are_refused() -> None:
    with pytest.raises(QuerySyntaxError, match="longer than"):
        parse("a " * MAX_QUERY_CHARS)
    with pytest.raises(QuerySyntaxError, match="nested deeper"):
        parse("(" * (MAX_DEPTH + 5) + "a" + ")" * (MAX_DEPTH + 5))
    with pytest.raises(QuerySyntaxError, match="nested deeper"):
        parse("not " * (MAX_DEPTH + 5) + "a")


def test_parameters_follow_their_placeholders() -> None:
    compiled = compile_query(parse("feed:3 and (title:x_y or 외교) and known>=80%"))
    assert compiled.sql.count("?") == len(compiled.params)
    assert compiled.params == [3, "%x\\_y%", "%외교%", "%외교%", 80.0]


def test_translated_needs_the_engines_and_compiles_with_them() -> None:
    tree = parse("unread translated")
    assert uses_translation(tree) and not uses_translation(parse("unread"))
    context = QueryContext({("ko", "en"): ("opus-ko-en@1", "{}"), ("en", "ko"): ("m2", "{o}")})
    compiled = compile_query(tree, context)
    assert compiled.sql.count("?") == len(compiled.params)
    assert compiled.params == [
        "ko>en",
        "opus-ko-en@1",
        "en>ko",
        "m2",
        "ko>en",
        "{}",
        "en>ko",
        "{o}",
    ]
