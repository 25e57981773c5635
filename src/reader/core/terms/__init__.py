"""Glossary terms: lemmas, lemma-aware matching, suggestions and difficulty.

Text is turned into an :class:`Analysis` — a sequence of tokens, each with a *match
key* — and a term is the key sequence of its own text (its *pattern*). A term
matches wherever its pattern occurs as consecutive tokens of a paragraph.

Korean is analysed with kiwipiepy. A token's key is its dictionary form and word
class (``외교/N``, ``먹다/V``); particles and endings are keyed by their tag alone
(``/JKO``) so allomorphs such as 을/를 compare equal, and they are trimmed from the
end of a pattern. So ``외교`` matches ``외교를`` and ``외교는``, ``먹다`` matches
``먹었다`` and ``먹고``, and the phrase ``실용 외교`` matches both ``실용 외교를``
and ``실용외교`` (Korean spacing of compounds varies; both spellings are one term)
but not ``실용적인 외교`` or ``실용의 외교``.

English is case-insensitive and keyed by a light stemmer that maps regular
inflections to one key (``summit``/``summits``, ``deflect``/``deflected``,
``bake``/``baked``/``baking``); other Latin-script languages are only lowercased.

All text is normalised to NFC first, so decomposed Hangul (NFD jamo) matches too;
offsets in results refer to the NFC text (stored paragraphs already are NFC).

Matching never loops over terms: a :class:`TermIndex` maps each pattern's first
key to its patterns, so the cost is one dict lookup per token.

The package has one module per concern: :mod:`~.tokens` (what an analysis is),
:mod:`~.korean` and :mod:`~.english` (analysing each script), :mod:`~.analysing` (the
analysis cache and lemmas), :mod:`~.patterns` (term texts and their patterns),
:mod:`~.matching` (the term index), :mod:`~.vocabulary` (content words, suggestions,
difficulty) and :mod:`~.glossary` (term values and merging). This module re-exports
their names, so ``from reader.core.terms import …`` and ``terms.analyse_many`` work
as they always did.
"""

from __future__ import annotations

from reader.core.terms.analysing import analyse as analyse
from reader.core.terms.analysing import analyse_many as analyse_many
from reader.core.terms.analysing import cache_analyses as cache_analyses
from reader.core.terms.analysing import clear_analysis_cache as clear_analysis_cache
from reader.core.terms.analysing import lemma_for as lemma_for
from reader.core.terms.analysing import lemmas_for as lemmas_for
from reader.core.terms.english import STOPWORDS_EN as STOPWORDS_EN
from reader.core.terms.english import english_key as english_key
from reader.core.terms.glossary import KNOWN_STATUSES as KNOWN_STATUSES
from reader.core.terms.glossary import merge_terms as merge_terms
from reader.core.terms.glossary import normalize_status as normalize_status
from reader.core.terms.glossary import normalize_tags as normalize_tags
from reader.core.terms.matching import IndexedTerm as IndexedTerm
from reader.core.terms.matching import TermIndex as TermIndex
from reader.core.terms.matching import TermMatch as TermMatch
from reader.core.terms.matching import match_terms as match_terms
from reader.core.terms.patterns import TermTextError as TermTextError
from reader.core.terms.patterns import check_term_text as check_term_text
from reader.core.terms.patterns import pattern_of as pattern_of
from reader.core.terms.patterns import term_pattern as term_pattern
from reader.core.terms.patterns import term_patterns as term_patterns
from reader.core.terms.patterns import word_spans as word_spans
from reader.core.terms.tokens import ANALYSER_VERSION as ANALYSER_VERSION
from reader.core.terms.tokens import Analysis as Analysis
from reader.core.terms.tokens import normalize_lang as normalize_lang
from reader.core.terms.vocabulary import Candidate as Candidate
from reader.core.terms.vocabulary import Difficulty as Difficulty
from reader.core.terms.vocabulary import Occurrence as Occurrence
from reader.core.terms.vocabulary import Suggestion as Suggestion
from reader.core.terms.vocabulary import candidate_phrases as candidate_phrases
from reader.core.terms.vocabulary import content_word_indexes as content_word_indexes
from reader.core.terms.vocabulary import content_words as content_words
from reader.core.terms.vocabulary import difficulty as difficulty
from reader.core.terms.vocabulary import other_words as other_words
from reader.core.terms.vocabulary import rank_suggestions as rank_suggestions
from reader.core.terms.vocabulary import word_keys as word_keys
