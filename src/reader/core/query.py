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

The parts: :mod:`~reader.core.query_nodes` (the tree and the language's words),
:mod:`~reader.core.query_parse` (text to tree) and :mod:`~reader.core.query_compile`
(tree to SQL); their names are re-exported here.
"""

from __future__ import annotations

from reader.core.query_compile import Compiled as Compiled
from reader.core.query_compile import QueryContext as QueryContext
from reader.core.query_compile import compile_query as compile_query
from reader.core.query_nodes import FIELDS as FIELDS
from reader.core.query_nodes import FLAGS as FLAGS
from reader.core.query_nodes import KEYWORDS as KEYWORDS
from reader.core.query_nodes import KNOWN_STATUSES as KNOWN_STATUSES
from reader.core.query_nodes import LEARNING_STATUSES as LEARNING_STATUSES
from reader.core.query_nodes import MAX_DEPTH as MAX_DEPTH
from reader.core.query_nodes import MAX_QUERY_CHARS as MAX_QUERY_CHARS
from reader.core.query_nodes import MEASURES as MEASURES
from reader.core.query_nodes import OPERATORS as OPERATORS
from reader.core.query_nodes import STATUS_VALUES as STATUS_VALUES
from reader.core.query_nodes import VOCABULARY_FIELDS as VOCABULARY_FIELDS
from reader.core.query_nodes import VOCABULARY_MEASURES as VOCABULARY_MEASURES
from reader.core.query_nodes import And as And
from reader.core.query_nodes import Field as Field
from reader.core.query_nodes import Flag as Flag
from reader.core.query_nodes import Measure as Measure
from reader.core.query_nodes import Node as Node
from reader.core.query_nodes import Not as Not
from reader.core.query_nodes import Or as Or
from reader.core.query_nodes import QuerySyntaxError as QuerySyntaxError
from reader.core.query_nodes import Text as Text
from reader.core.query_nodes import uses_translation as uses_translation
from reader.core.query_nodes import uses_vocabulary as uses_vocabulary
from reader.core.query_nodes import walk as walk
from reader.core.query_parse import Token as Token
from reader.core.query_parse import parse as parse
from reader.core.query_parse import tokenize as tokenize
