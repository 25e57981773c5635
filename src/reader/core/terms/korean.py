"""Korean analysis with kiwipiepy: keys by dictionary form and word class, particles
and endings keyed by their tag alone, and dictionary forms of terms.

kiwipiepy is loaded on first use through :mod:`reader.core.kiwi` (never at import).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from sys import intern
from typing import Any

from reader.core.kiwi import kiwi_and_lock
from reader.core.terms.english import english_key
from reader.core.terms.tokens import (
    PLURAL_TAG,
    SYMBOL_TAGS,
    Analysis,
    is_functional_ko,
    pattern_bounds,
)

_PREDICATE_TAGS = frozenset({"VV", "VA", "VX", "VCN", "XSV", "XSA"})


def _kiwi_instance() -> tuple[Any, threading.Lock]:
    """The process's one Kiwi and the lock that serialises calls into it, both shared
    with sentence splitting (building a Kiwi takes seconds; Textual workers are threads)."""
    return kiwi_and_lock()


def _base_tag(tag: str) -> str:
    """``VA-I`` → ``VA``: irregular-conjugation marks do not change the word."""
    return tag.split("-", 1)[0]


def _korean_tag(token: Any, previous_end: int | None) -> str:
    tag = _base_tag(token.tag)
    if tag == "XSN" and token.form == "들" and previous_end == token.start:
        return PLURAL_TAG
    return tag


def _korean_key(form: str, lemma: str, tag: str) -> str:
    if is_functional_ko(tag):
        return "/" + tag
    if tag[0] == "V":
        return f"{lemma}/V"
    if tag[0] in "NM":
        return f"{form}/{tag[0]}"
    if tag == "SL":
        return english_key(form)
    return f"{form}/{tag}"


def analyse_korean_batch(texts: Sequence[str]) -> list[Analysis]:
    kiwi, lock = _kiwi_instance()
    with lock:
        results = list(kiwi.tokenize(list(texts)))
    return [_korean_analysis(text, tokens) for text, tokens in zip(texts, results, strict=True)]


def _korean_analysis(text: str, tokens: Sequence[Any]) -> Analysis:
    keys: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    tags: list[str] = []
    lemmas: list[str] = []
    for token in tokens:
        tag = intern(_korean_tag(token, ends[-1] if ends else None))
        keys.append(intern(_korean_key(token.form, token.lemma, tag)))
        starts.append(token.start)
        ends.append(token.start + token.len)
        tags.append(tag)
        lemmas.append(intern(token.lemma if tag[0] == "V" else token.form))
    return Analysis(
        text=text,
        lang="ko",
        keys=tuple(keys),
        starts=tuple(starts),
        ends=tuple(ends),
        span_ends=_korean_span_ends(starts, ends, tags),
        tags=tuple(tags),
        lemmas=tuple(lemmas),
    )


def _korean_span_ends(starts: list[int], ends: list[int], tags: list[str]) -> tuple[int, ...]:
    """For each token, where a highlight ending on it stops: particles and endings
    attached to the same word are included (``외교를``, ``먹었다``)."""
    span_ends = list(ends)
    for index in range(len(tags) - 2, -1, -1):
        following = index + 1
        if (
            is_functional_ko(tags[following])
            and tags[following] not in SYMBOL_TAGS
            and starts[following] <= ends[index]
        ):
            span_ends[index] = max(ends[index], span_ends[following])
    return tuple(span_ends)


def korean_lemma(analysis: Analysis) -> str:
    """The dictionary form of a Korean term: its pattern's morphemes joined, ``다`` added
    to a predicate (``강화했다`` → ``강화하다``), the original spacing kept."""
    first, last = pattern_bounds(analysis)
    if first >= last:
        return analysis.text.strip()
    morphemes: list[tuple[str, str, bool]] = []
    for index in range(first, last):
        tag = analysis.tags[index]
        form = analysis.lemmas[index]
        if tag[0] == "V":
            form = form.removesuffix("다") or form
        spaced = index > first and analysis.starts[index] > analysis.ends[index - 1]
        morphemes.append((form, "XSN" if tag == PLURAL_TAG else tag, spaced))
    if analysis.tags[last - 1] in _PREDICATE_TAGS:
        morphemes.append(("다", "EF", False))
    kiwi, lock = _kiwi_instance()
    try:
        with lock:
            joined: str = kiwi.join(morphemes)
    except (ValueError, RuntimeError):  # a tag join() does not know: keep the text as written
        return analysis.text[analysis.starts[first] : analysis.ends[last - 1]]
    return joined
