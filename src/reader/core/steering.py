"""Glossary-steered translation: the reader's own glossary decides how a term comes out.

Before a sentence goes to the model, every occurrence of a glossary term that has a
gloss in the target language (status 1–5 or known) is replaced by a *sentinel*, a
bracketed number such as ``[1]`` (one number per occurrence). Every CTranslate2
family copies it (digits and ASCII brackets are in every real vocabulary, and the
tests show the tiny model of each family and its SentencePiece models carry it
through). After translation the sentinels are checked — each of this sentence's
numbers exactly once; order is free, Korean and English order words differently —
and the user's gloss is put in place of each. ``ignored`` terms and terms flagged
"keep as is" (names, brands) go the same way, with the term's own text in place of
a gloss, so they stay untranslated.

A damaged sentinel (dropped, duplicated, cut in half) means the steered output cannot
be trusted: the caller falls back to the unsteered translation of that sentence and
marks its terms "not applied". A sentinel never reaches the user: restoring either
replaces all of them or returns None.

Verbs and adjectives are not steered (see :func:`is_predicate`): their gloss is a
dictionary form, and the sentence needs them inflected.

Korean particles: a Korean term's particles (``외교를``) are inside its match and so
inside the sentinel, which keeps them out of the English. Into Korean, the model
writes the particle for the sentinel, not for the gloss: :func:`agree_particle` picks
the form that fits the gloss's last syllable (``정책을`` but ``외교를``, ``서울로`` and
``도시로`` but ``집으로``).

Numbers already written in the sentence as ``[n]`` (footnotes) are never used as
sentinels, so the sentence's own brackets pass through untouched.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from reader.core.models import Term
from reader.core.terms import Analysis, IndexedTerm, TermIndex, analyse_many, normalize_lang
from reader.core.text import clean_line

SENTINEL = re.compile(r"\[(\d{1,4})\]")
"""A sentinel as the model writes it: a bracketed number."""
_SENTINEL_WITH_TAIL = re.compile(r"\[(\d{1,4})\]([가-힣]*)")
STEERED_STATUSES = frozenset({"1", "2", "3", "4", "5", "known"})
"""Statuses whose gloss replaces the model's choice."""
KEPT_STATUS = "ignored"
"""An ignored term is kept as it is written (like a "keep as is" term)."""
MAX_GLOSS_CHARS = 80
"""A longer gloss is a note, not a translation: such a term is not steered."""
_GLOSS_SEPARATORS = re.compile(r"[;,]|\s[/|·–—-]\s")

Analyse = Callable[[Sequence[str], str], list[Analysis]]
"""Analyses of sentences in a language (the service passes its analyser's, so that
Korean is analysed where kiwipiepy may load: never in the TUI's process)."""


def _analyse_here(sentences: Sequence[str], lang: str) -> list[Analysis]:
    return analyse_many(sentences, lang, keep=False)


@dataclass(frozen=True)
class SteerTerm:
    """A glossary term as steering needs it."""

    term_id: int
    text: str
    gloss: str
    """What the term becomes in the target language; empty when it is kept as is."""
    keep: bool


@dataclass(frozen=True)
class Slot:
    """One sentinel of a sentence: which number stands for which term occurrence."""

    number: int
    term: SteerTerm
    replacement: str
    """The gloss, or the occurrence's own text for a kept term."""


@dataclass(frozen=True)
class AppliedTerm:
    """A glossary term found in a sentence, and whether its gloss is in the translation."""

    term: str
    gloss: str
    applied: bool
    term_id: int = 0
    """The glossary term (0: not known, e.g. a cache entry from before it was kept)."""

    def as_json(self) -> dict[str, object]:
        return {"term": self.term, "gloss": self.gloss, "applied": self.applied}

    def as_stored(self) -> dict[str, object]:
        """:meth:`as_json` with the term's id, as the translation details keep it."""
        return {**self.as_json(), "id": self.term_id}


@dataclass(frozen=True)
class Protected:
    """A sentence with its terms replaced by sentinels."""

    source: str
    text: str
    """What goes to the model."""
    slots: tuple[Slot, ...]
    target: str = ""
    """The target language (``ko``: particles after a gloss are made to agree)."""

    @property
    def signature(self) -> str:
        """The glossary entries used, for the cache key: editing one of them (or adding a
        term to the sentence) makes a new key, so only such sentences are re-translated."""
        if not self.slots:
            return ""
        used = sorted({(s.term.term_id, s.replacement, s.term.keep) for s in self.slots})
        return json.dumps(used, ensure_ascii=False, separators=(",", ":"))

    def terms(self, applied: bool) -> tuple[AppliedTerm, ...]:
        """The terms of the sentence, each once, in the order they occur."""
        seen: dict[int, AppliedTerm] = {}
        for slot in self.slots:
            seen.setdefault(
                slot.term.term_id,
                AppliedTerm(slot.term.text, slot.replacement, applied, slot.term.term_id),
            )
        return tuple(seen.values())


def first_meaning(gloss: str) -> str:
    """The first meaning of a gloss (``diplomacy; foreign affairs`` → ``diplomacy``), on
    one line, control characters gone; empty when there is none."""
    line = clean_line(gloss)
    for part in _GLOSS_SEPARATORS.split(line):
        part = part.strip()
        if part:
            return part
    return ""


def _has_hangul(text: str) -> bool:
    return any("가" <= char <= "힣" or "ㄱ" <= char <= "ㆎ" for char in text)


def gloss_in_language(gloss: str, lang: str) -> bool:
    """True when a gloss is written in ``lang``: Hangul for Korean, Latin letters and no
    Hangul otherwise (a Korean term's gloss may be a Korean definition: not steered)."""
    if lang == "ko":
        return _has_hangul(gloss)
    return not _has_hangul(gloss) and any(char.isalpha() for char in gloss)


def steer_term(term: Term, target: str, keep: bool) -> SteerTerm | None:
    """The steering entry of a term for translating into ``target``, or None when the
    term does not steer (a status or gloss that gives nothing to put in)."""
    if keep or term.status == KEPT_STATUS:
        return SteerTerm(term.id, term.text, "", keep=True)
    if term.status not in STEERED_STATUSES:
        return None
    gloss = first_meaning(term.gloss)
    if not gloss or len(gloss) > MAX_GLOSS_CHARS or not gloss_in_language(gloss, target):
        return None
    return SteerTerm(term.id, term.text, gloss, keep=False)


_PREDICATE_GLOSS_ENDINGS = ("하다", "되다", "시키다", "지다", "있다", "없다", "스럽다", "롭다")
"""Korean glosses ending so are verbs or adjectives (``결정하다``); a bare 다 is not
enough (``바다`` is the sea)."""


def is_predicate(pattern: str, gloss: str) -> bool:
    """True for a verb or adjective: a Korean term whose pattern holds a predicate key
    (``먹다/V``), or a Korean gloss with a predicate ending (``결정하다``). Their gloss
    is a dictionary form while the sentence needs them inflected (``먹었다`` is not
    ``eat``), so they are left to the model."""
    if any(key.endswith("/V") for key in pattern.split()):
        return True
    return gloss.rstrip(" .").endswith(_PREDICATE_GLOSS_ENDINGS)


class Glossary:
    """The terms that steer one direction, matched lemma-aware in each sentence."""

    def __init__(
        self,
        source: str,
        target: str,
        terms: Iterable[tuple[SteerTerm, str]],
        analyse: Analyse | None = None,
    ) -> None:
        """``terms`` are (entry, match pattern) pairs of terms of the source language;
        ``analyse`` analyses the sentences to protect (default: in this process)."""
        self.source = normalize_lang(source)
        self.target = normalize_lang(target)
        self._analyse = analyse or _analyse_here
        self._entries: dict[int, SteerTerm] = {}
        indexed = []
        for entry, pattern in terms:
            if pattern.strip():
                self._entries[entry.term_id] = entry
                indexed.append(IndexedTerm(entry.term_id, self.source, pattern, "1"))
        self._index = TermIndex(indexed)

    @classmethod
    def from_terms(
        cls,
        terms: Iterable[Term],
        source: str,
        target: str,
        keep_ids: frozenset[int],
        analyse: Analyse | None = None,
    ) -> Glossary:
        """The glossary of ``source`` terms for translating into ``target``."""
        lang = normalize_lang(source)
        entries = []
        for term in terms:
            if normalize_lang(term.lang) != lang:
                continue
            entry = steer_term(term, normalize_lang(target), term.id in keep_ids)
            if entry is not None and (entry.keep or not is_predicate(term.pattern, entry.gloss)):
                entries.append((entry, term.pattern))
        return cls(source, target, entries, analyse)

    def __len__(self) -> int:
        return len(self._entries)

    def protect_many(self, sentences: Sequence[str]) -> list[Protected]:
        """Each sentence with its terms replaced by sentinels (unchanged when it has none)."""
        if not self._entries:
            return [Protected(sentence, sentence, (), self.target) for sentence in sentences]
        analyses = self._analyse(sentences, self.source)
        return [
            self.protect(sentence, analysis)
            for sentence, analysis in zip(sentences, analyses, strict=True)
        ]

    def protect(self, sentence: str, analysis: Analysis) -> Protected:
        """One sentence, from its analysis (the analysis text is the NFC sentence)."""
        matches = self._index.match(analysis)
        if not matches:
            return Protected(sentence, sentence, (), self.target)
        text = analysis.text
        taken = {int(found.group(1)) for found in SENTINEL.finditer(text)}
        numbers = (n for n in range(1, 10_000) if n not in taken)
        pieces: list[str] = []
        slots: list[Slot] = []
        position = 0
        for match in matches:
            if not _whole_words(text, match.start, match.end):
                continue  # 외교 inside 외교부 or 실용외교: another word, left to the model
            entry = self._entries[match.term_id]
            number = next(numbers, None)
            if number is None:
                break  # every number is written in the sentence already: the rest stay as is
            core_end = _core_end(analysis, match.start, match.end)
            replacement = text[match.start : core_end] if entry.keep else entry.gloss
            slots.append(Slot(number, entry, replacement))
            pieces.append(text[position : match.start])
            pieces.append(f"[{number}]")
            position = match.end
        if not slots:
            return Protected(sentence, sentence, (), self.target)
        pieces.append(text[position:])
        return Protected(sentence, "".join(pieces), tuple(slots), self.target)


def _whole_words(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` neither starts nor ends inside a longer word."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not after.isalnum()


def _core_end(analysis: Analysis, start: int, end: int) -> int:
    """Where a match's word ends without its particles and endings (``외교를`` → after
    ``외교``): the end of its last token that is not a particle, an ending or a symbol.
    Only the match's own tokens are read (bisected: n terms cost n log n, not n²)."""
    core = start
    first = bisect.bisect_left(analysis.starts, start)
    for index in range(first, len(analysis.starts)):
        token_start, token_end = analysis.starts[index], analysis.ends[index]
        if token_start >= end:
            break
        if token_end <= end and not _functional(analysis.tags[index], analysis.lang):
            core = max(core, token_end)
    return core if core > start else end


def _functional(tag: str, lang: str) -> bool:
    if lang == "ko":
        return tag[0] in "JEZ" or tag.startswith("S") or tag == "VCP"
    return tag == "SP"


def restore(protected: Protected, output: str) -> str | None:
    """The model's output with each sentinel replaced by its gloss, or None when a
    sentinel of this sentence is missing or written more than once.

    Replacement is one pass over the output, so a gloss that itself looks like a
    sentinel (``[2]``) is put in as it is. Sentinel-like text that is not one of this
    sentence's numbers (a footnote copied from the source) is left alone.
    """
    if not protected.slots:
        return output
    by_number = {slot.number: slot for slot in protected.slots}
    counts = Counter(
        int(found.group(1))
        for found in SENTINEL.finditer(output)
        if int(found.group(1)) in by_number
    )
    if any(counts[number] != 1 for number in by_number):
        return None
    korean_target = protected.target == "ko"

    def put(found: re.Match[str]) -> str:
        slot = by_number.get(int(found.group(1)))
        tail = found.group(2)
        if slot is None:
            return found.group(0)
        if not tail:
            return slot.replacement
        if not korean_target:
            # A Korean particle left in English output goes; other Hangul stays.
            return slot.replacement + ("" if _is_particle_chain(tail) else tail)
        return slot.replacement + agree_particle(slot.replacement, tail)

    return _SENTINEL_WITH_TAIL.sub(put, output)


def steered_text_is_clean(text: str, protected: Protected) -> bool:
    """True when no sentinel of ``protected`` is left in ``text``."""
    numbers = {slot.number for slot in protected.slots}
    return not any(int(found.group(1)) in numbers for found in SENTINEL.finditer(text))


# -- Korean particles --------------------------------------------------------------------

# (after a final consonant, after a vowel, what may follow it in the same word)
_PARTICLES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("이라고", "라고", ("", "는", "도")),
    ("이랑", "랑", ("", "은", "도")),
    ("이나", "나", ("",)),
    ("이며", "며", ("",)),
    ("으로", "로", ("", "서", "써", "부터", "는", "도", "의", "만", "서는", "써는")),
    ("은", "는", ("",)),
    ("이", "가", ("",)),
    ("을", "를", ("",)),
    ("과", "와", ("", "의", "는", "도", "만")),
)
_RIEUL_FINAL = 8
"""The jongseong index of ㄹ: (으)로 takes 로 after it, as after a vowel."""


def final_consonant(word: str) -> int | None:
    """The jongseong index (0 = none) of the last Hangul syllable of ``word``, ignoring
    trailing punctuation and spaces; None when the word does not end in Hangul."""
    stripped = word.rstrip(" .,!?;:'\"”’)]}»」』")
    if not stripped:
        return None
    last = unicodedata.normalize("NFC", stripped)[-1]
    if not "가" <= last <= "힣":
        return None
    return (ord(last) - ord("가")) % 28


def agree_particle(word: str, attached: str) -> str:
    """The Hangul written right after a gloss, with its first particle in the form that
    fits the gloss's last syllable: ``agree_particle("정책", "를")`` is ``"을"``.

    Anything that is not one of the alternating particles (은/는, 이/가, 을/를, 와/과,
    (으)로, 이나/나, 이랑/랑, 이라고/라고, 이며/며) — or a word that does not end in a
    Hangul syllable — is returned unchanged.
    """
    final = final_consonant(word)
    if final is None or not attached:
        return attached
    for consonant_form, vowel_form, followers in _PARTICLES:
        for form in (consonant_form, vowel_form):
            rest = attached[len(form) :]
            if attached.startswith(form) and rest in followers:
                if consonant_form == "으로":
                    wanted = vowel_form if final in (0, _RIEUL_FINAL) else consonant_form
                else:
                    wanted = consonant_form if final else vowel_form
                return wanted + rest
    return attached


def _is_particle_chain(attached: str) -> bool:
    """True when Hangul attached to a sentinel is only particles (``를``, ``으로는``)."""
    if attached in ("의", "도", "만", "에", "에서", "에게", "께서", "부터", "까지", "보다"):
        return True
    return agree_particle("가", attached) != attached or agree_particle("각", attached) != attached
