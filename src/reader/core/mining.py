"""Sentence mining: stored sentences with exactly one word the reader does not know (i+1).

A sentence's words are the content words of :mod:`reader.core.terms` (nouns, verbs,
adjectives, adverbs; English words other than stopwords), keyed as terms are, and a
word is known when a glossary term of that pattern is ``known`` or ``ignored`` —
the same test as an article's difficulty. A sentence is i+1 when all its content
words but one are known, and it has at least :data:`MIN_CONTENT_WORDS` of them (a
one-word sentence teaches nothing). Candidates are ranked by how many articles of
the library contain that word (then by how many sentences), and by default only the
shortest sentence of each word is kept, so the list is one word per row.

Analysing every sentence of a library with kiwipiepy takes minutes, so the content
words of each sentence are kept in a :class:`MiningCache` — a SQLite file in the
cache folder, derived data that may be deleted at any time. An article is analysed
again only when its text changes (its digest covers the analyser's version).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from reader.core import terms
from reader.core.sentences import split_sentences
from reader.core.text import detect_language

MINING_VERSION = "2"
"""Bump when what the cache holds changes (with terms.ANALYSER_VERSION, in each digest)."""
MIN_CONTENT_WORDS = 2
MAX_SENTENCE_CHARS = 300
"""Longer sentences are not offered (a card needs a sentence one can read at a glance)."""

CACHE_FILE = "mining.sqlite"
"""The cache's file name in reader's cache folder."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    article_id INTEGER PRIMARY KEY,
    digest TEXT NOT NULL,
    lang TEXT NOT NULL,
    title TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sentences (
    article_id INTEGER NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
    paragraph INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    keys TEXT NOT NULL,
    words TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sentences_article ON sentences(article_id);
"""


@dataclass(frozen=True)
class StoredArticle:
    """An article as the store has it: its language as given and its raw JSON content."""

    article_id: int
    language: str | None
    title: str
    content: str


@dataclass(frozen=True)
class MinedSentence:
    article_id: int
    article_title: str
    paragraph: int
    start: int
    end: int
    text: str
    lang: str
    key: str
    """The unknown word's match key (``외교/N``, ``summit``)."""
    word: str
    """The word as it is written in the sentence."""
    lemma: str
    """Its dictionary form: the text of the term ``mine --add`` creates."""
    articles: int
    """How many articles of the library contain the word."""
    sentences: int
    """How many stored sentences contain it."""
    translation: str = ""
    """The sentence's cached translation, when there is one."""
    term_status: str = ""
    """The status of the glossary term of that word, when it is one being learnt."""


def article_lang(language: str | None, title: str, paragraphs: list[str]) -> str:
    """The language an article's words are analysed in (as the service decides it)."""
    sample = " ".join([title, *paragraphs[:20]])
    return terms.normalize_lang(language or detect_language(sample) or "en")


def _digest(article: StoredArticle) -> str:
    data = json.dumps([article.language, article.title, article.content], ensure_ascii=False)
    version = f"{MINING_VERSION}.{terms.ANALYSER_VERSION}:"
    return version + hashlib.sha256(data.encode("utf-8")).hexdigest()


SentenceRow = tuple[int, int, int, str, list[str], str]
"""(paragraph, start, end, text, distinct content-word keys, their words as JSON)."""

Row = tuple[int, str, str, int, int, int, str, list[str], str]
"""(article id, lang, title, paragraph, start, end, text, keys, words JSON): what
:func:`mine` reads, as :meth:`MiningCache.rows` gives it."""


def analyse_sentences(paragraphs: list[str], lang: str) -> list[SentenceRow]:
    """Every sentence with its distinct content-word keys and, for each key, where
    its first occurrence is written in the sentence and its lemma (JSON ``{key:
    [start, end, lemma]}``), so that listing the results needs no analyser."""
    rows: list[SentenceRow] = []
    analyses = terms.analyse_many(paragraphs, lang, keep=False)
    for number, (paragraph, analysis) in enumerate(zip(paragraphs, analyses, strict=True)):
        indexes = terms.content_word_indexes(analysis)
        position = 0
        for sentence in split_sentences(paragraph, lang):
            words: dict[str, list[object]] = {}
            while position < len(indexes) and analysis.starts[indexes[position]] < sentence.end:
                index = indexes[position]
                position += 1
                key = analysis.keys[index]
                if analysis.starts[index] < sentence.start or key in words:
                    continue
                words[key] = _written(analysis, index, sentence.start)
            rows.append(
                (
                    number,
                    sentence.start,
                    sentence.end,
                    sentence.text,
                    list(words),
                    json.dumps(words, ensure_ascii=False, separators=(",", ":")),
                )
            )
    return rows


def _written(analysis: terms.Analysis, index: int, offset: int) -> list[object]:
    """[start, end, lemma] of a content word, offsets relative to its sentence: a
    verb as written with its endings (먹었다), a noun without its particle (외교)."""
    start = analysis.starts[index]
    verb = analysis.keys[index].endswith("/V")
    end = analysis.span_ends[index] if verb else analysis.ends[index]
    if analysis.lang == "ko":
        lemma = analysis.lemmas[index]
    else:
        lemma = terms.lemma_for(analysis.text[start : analysis.ends[index]], analysis.lang)
    return [start - offset, end - offset, lemma]


class MiningCache:
    """The content words of every stored sentence (see the module doc)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None

    @property
    def connection(self) -> sqlite3.Connection:
        if self._connection is None:
            self._connection = self._open()
        return self._connection

    def _open(self) -> sqlite3.Connection:
        """Open (or create) the file; a damaged one is a cache, so it is made anew."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._connect()
        except sqlite3.DatabaseError:
            for leftover in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")):
                with contextlib.suppress(OSError):
                    leftover.unlink()
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA foreign_keys = ON")
            connection.executescript(_SCHEMA)
        except sqlite3.DatabaseError:
            connection.close()
            raise
        return connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def refresh(self, articles: Iterable[StoredArticle]) -> int:
        """Analyse the articles that are new or changed since the last refresh and
        forget the ones no longer stored; returns how many were analysed."""
        connection = self.connection
        known = dict(connection.execute("SELECT article_id, digest FROM articles").fetchall())
        seen: set[int] = set()
        analysed = 0
        for article in articles:
            seen.add(article.article_id)
            digest = _digest(article)
            if known.get(article.article_id) == digest:
                continue
            self._store_article(article, digest)
            analysed += 1
        gone = [article_id for article_id in known if article_id not in seen]
        with connection:
            connection.executemany(
                "DELETE FROM articles WHERE article_id = ?", [(i,) for i in gone]
            )
        return analysed

    def _store_article(self, article: StoredArticle, digest: str) -> None:
        try:
            paragraphs = [p for p in json.loads(article.content) if isinstance(p, str)]
        except (ValueError, TypeError):
            paragraphs = []
        lang = article_lang(article.language, article.title, paragraphs)
        rows = analyse_sentences(paragraphs, lang)
        with self.connection as connection:
            connection.execute("DELETE FROM articles WHERE article_id = ?", (article.article_id,))
            connection.execute(
                "INSERT INTO articles VALUES (?, ?, ?, ?)",
                (article.article_id, digest, lang, article.title),
            )
            connection.executemany(
                "INSERT INTO sentences VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (article.article_id, number, start, end, text, " ".join(keys), words)
                    for number, start, end, text, keys, words in rows
                ],
            )

    def rows(self) -> Iterator[Row]:
        """Every cached sentence (see :data:`Row`), newest article first."""
        cursor = self.connection.execute(
            'SELECT s.article_id, a.lang, a.title, s.paragraph, s.start, s."end", s.text,'
            " s.keys, s.words FROM sentences s JOIN articles a USING (article_id)"
            " ORDER BY s.article_id DESC, s.paragraph, s.start"
        )
        for row in cursor:
            yield row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7].split(), row[8]


_Candidate = tuple[tuple[str, str], tuple[int, str, int, int, int, str, str]]
"""((lang, key) of the unknown word, (article id, title, paragraph, start, end, text,
words JSON))."""


def mine(
    rows: Iterable[Row],
    known: dict[str, set[str]],
    learning: dict[tuple[str, str], str] | None = None,
    limit: int = 50,
    per_word: int = 1,
    include_terms: bool = False,
) -> list[MinedSentence]:
    """The i+1 sentences among ``rows`` (see :meth:`MiningCache.rows`), best first.

    ``known`` maps a language to the patterns of its known and ignored terms;
    ``learning`` maps (lang, pattern) to the status of a term still being learnt.
    A word already in the glossary is left out unless ``include_terms`` (so a word
    added from the list leaves it); at most ``per_word`` sentences per word.
    """
    learning = learning or {}
    article_counts: Counter[tuple[str, str]] = Counter()
    sentence_counts: Counter[tuple[str, str]] = Counter()
    candidates: list[_Candidate] = []
    current_article, article_keys = -1, set[tuple[str, str]]()
    for article_id, lang, title, paragraph, start, end, text, keys, written in rows:
        if article_id != current_article:
            article_counts.update(article_keys)
            current_article, article_keys = article_id, set()
        words = [(lang, key) for key in keys]
        article_keys.update(words)
        sentence_counts.update(words)
        if len(keys) < MIN_CONTENT_WORDS or len(text) > MAX_SENTENCE_CHARS:
            continue
        known_here = known.get(lang, set())
        unknown = [word for word in words if word[1] not in known_here]
        if len(unknown) == 1 and (include_terms or unknown[0] not in learning):
            candidates.append(
                (unknown[0], (article_id, title, paragraph, start, end, text, written))
            )
    article_counts.update(article_keys)
    candidates.sort(
        key=lambda item: (
            -article_counts[item[0]],
            -sentence_counts[item[0]],
            item[0],
            len(item[1][5]),
            -item[1][0],
        )
    )
    chosen: list[_Candidate] = []
    per: Counter[tuple[str, str]] = Counter()
    for word, sentence in candidates:
        if per[word] < per_word:
            per[word] += 1
            chosen.append((word, sentence))
            if len(chosen) >= limit:
                break
    return _described(chosen, article_counts, sentence_counts, learning)


def _described(
    chosen: list[_Candidate],
    article_counts: Counter[tuple[str, str]],
    sentence_counts: Counter[tuple[str, str]],
    learning: dict[tuple[str, str], str],
) -> list[MinedSentence]:
    """The chosen sentences with their word as written and its lemma (from the
    words each row carries: no analyser is loaded to list the results)."""
    found = []
    for (lang, key), (article_id, title, paragraph, start, end, text, written) in chosen:
        word_start, word_end, lemma = json.loads(written)[key]
        found.append(
            MinedSentence(
                article_id=article_id,
                article_title=title,
                paragraph=paragraph,
                start=start,
                end=end,
                text=text,
                lang=lang,
                key=key,
                word=text[word_start:word_end],
                lemma=str(lemma),
                articles=article_counts[(lang, key)],
                sentences=sentence_counts[(lang, key)],
                term_status=learning.get((lang, key), ""),
            )
        )
    return found
