"""Sentence translation over installed models, fast and cached.

The fast path never imports ``argostranslate.translate`` (seconds at start-up).
For each direction it loads the model's CTranslate2 model and SentencePiece
model(s) once, and translates all pending sentences in large ``translate_batch``
calls (sentences sorted by length and grouped up to ``max_batch_tokens``), with
the decoding options argostranslate uses, so an Argos package's output matches
``argostranslate.translate`` sentence for sentence. The other families (OPUS-MT,
NLLB-200, M2M-100) run through the same engine; only their tokens differ, and
core/model_families.py knows those.

Packages the fast path cannot handle (a BPE tokenizer, a multilingual package,
or no direct package so a pivot is needed) go through argostranslate's own
classes instead, with the reason logged.

Results are cached in the store keyed by package name and version, direction,
decoding options and the sentence's hash: reopening an article never calls the
model, and removing or upgrading a model drops only its entries.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from reader.config import TranslationConfig
from reader.core import translation_records as records
from reader.core.confidence import (
    ModelNumbers,
    alternative_share,
    assess,
    mean_probability,
    repeats_itself,
)
from reader.core.model_families import ARGOS, Tokenization, model_dir, tokenization_for
from reader.core.model_registry import PREFERENCE_KEY, ModelEntry, all_models, choose, find_by_name
from reader.core.models import Sentence
from reader.core.packages import InstalledModel, installed_models, no_model_message
from reader.core.sentences import split_long_sentence
from reader.core.steering import Analyse, AppliedTerm, Glossary, Protected, restore
from reader.core.store import Store
from reader.core.text import clean_line, strip_controls

log = logging.getLogger(__name__)

LENGTH_PENALTY = 0.2
"""argostranslate's length penalty; kept so that outputs match it."""
CACHE_FORMAT = 1
"""Bumped when the way targets are produced changes, which invalidates the cache."""


class NoModelError(Exception):
    """No package can translate a direction; the message names the install command."""


MAX_ALTERNATIVES = 3
"""Hypotheses asked of the decode (at most the beam size): the best and its n-best."""
LARGEST_BEAM = 16


def larger_beam(beam: int) -> int:
    """The beam of a re-translation "with a larger beam": twice the setting, at least 8
    and at most :data:`LARGEST_BEAM`."""
    return min(LARGEST_BEAM, max(8, 2 * beam))


@dataclass(frozen=True)
class Outcome:
    """The translation of one sentence, or why it failed."""

    target: str
    error: str | None = None
    cached: bool = False
    terms: tuple[AppliedTerm, ...] = ()
    """The glossary terms found in the sentence, and whether each was applied."""
    # Measurements about the translation, not the translation: outcomes that say the
    # same thing compare equal whatever their scores.
    confidence: float | None = field(default=None, compare=False)
    """0–1 (see core/confidence.py); None when not measured (an older cache entry)."""
    reason: str = field(default="", compare=False)
    alternatives: tuple[str, ...] = field(default=(), compare=False)
    """The model's other hypotheses from the same decode, best first."""
    numbers: ModelNumbers | None = field(default=None, compare=False)
    """What the decode said (engine outcomes only; not cached)."""
    user: str = ""
    """``edit`` or ``alternative`` when the translation is the reader's own."""


class Translator(Protocol):
    """Something that translates sentences for one direction."""

    model: InstalledModel
    options: str
    """The decoding options, as stored in the cache key."""

    def load(self) -> None:
        """Load the model now rather than on the first sentence."""
        ...

    def translate(self, sentences: Sequence[str]) -> list[Outcome]:
        """Translate each sentence; a failure is an Outcome with ``error`` set."""
        ...


def sentence_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


# -- the fast path -----------------------------------------------------------------------


class CTranslate2Engine:
    """A SentencePiece + CTranslate2 package, loaded once and kept loaded."""

    def __init__(self, model: InstalledModel, config: TranslationConfig) -> None:
        self.model = model
        self.config = config
        self.options = json.dumps(
            {"beam": config.beam_size, "lp": LENGTH_PENALTY, "v": CACHE_FORMAT}, sort_keys=True
        )
        self._translator: Any = None
        self._tokenization: Tokenization | None = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Load the model and the tokenizer (about 0.1 s for a 100 MB int8 model)."""
        with self._lock:
            if self._translator is not None:
                return
            import ctranslate2

            model = self.model
            self._tokenization = tokenization_for(
                model.family, model.path, model.source, model.target, model.target_prefix
            )
            self._translator = ctranslate2.Translator(
                str(model_dir(model.family, model.path)),
                device="cpu",
                compute_type="auto",
                inter_threads=1,
                intra_threads=self.config.threads,
            )

    @property
    def tokenization(self) -> Tokenization:
        """The family's tokenisation for this direction (loads the model first)."""
        self.load()
        assert self._tokenization is not None
        return self._tokenization

    def encode(self, text: str) -> list[str]:
        """The sentence's pieces, without the family's special tokens."""
        return self.tokenization.pieces(text)

    def decoding_options(self, batch: list[list[str]]) -> dict[str, Any]:
        """The ``translate_batch`` keyword arguments for a batch of source token lists."""
        longest = max(len(tokens) for tokens in batch)
        prefix = self.tokenization.target_prefix
        return {
            "target_prefix": [list(prefix)] * len(batch) if prefix else None,
            "replace_unknowns": True,
            "max_batch_size": self.config.max_batch_tokens,
            "batch_type": "tokens",
            "beam_size": self.config.beam_size,
            "num_hypotheses": min(self.config.beam_size, MAX_ALTERNATIVES),
            "return_scores": True,
            "length_penalty": LENGTH_PENALTY,
            "max_decoding_length": self.max_decoding_length(longest) + len(prefix or ()),
        }

    def translate(self, sentences: Sequence[str]) -> list[Outcome]:
        self.load()
        units: list[list[str]] = []  # token lists sent to the model
        owners: list[int] = []  # which sentence each unit belongs to
        failures: dict[int, str] = {}
        for index, sentence in enumerate(sentences):
            try:
                pieces = self._pieces_that_fit(sentence)
            except Exception as error:  # a tokenizer failure marks this sentence only
                failures[index] = "tokenizer failed: " + _one_line(error)
                continue
            for tokens in pieces:
                units.append(tokens)
                owners.append(index)
        targets = self._translate_units(units)
        parts: list[list[Decoded]] = [[] for _ in sentences]
        for owner, target in zip(owners, targets, strict=True):
            if isinstance(target, Exception):
                failures.setdefault(owner, "model failed: " + _one_line(target))
            else:
                parts[owner].append(target)
        return [
            Outcome("", error=failures[i]) if i in failures else _joined(parts[i])
            for i in range(len(sentences))
        ]

    def _pieces_that_fit(self, sentence: str) -> list[list[str]]:
        """The sentence's tokens, split at clause boundaries when over the model's limit."""
        limit = self.config.max_sentence_tokens
        tokens = self.encode(sentence)
        if len(tokens) <= limit:
            return [tokens] if tokens else []
        clauses = split_long_sentence(
            Sentence(sentence, 0, len(sentence)), lambda text: len(self.encode(text)) <= limit
        )
        pieces: list[list[str]] = []
        for clause in clauses:
            clause_tokens = self.encode(clause.text)
            # A clause cut at the middle of a word can still be over: cut the tokens then.
            pieces.extend(
                clause_tokens[start : start + limit]
                for start in range(0, len(clause_tokens), limit)
            )
        return pieces

    def _translate_units(self, units: list[list[str]]) -> list[Decoded | Exception]:
        """Translate token lists in length-sorted batches of at most max_batch_tokens."""
        results: list[Decoded | Exception] = [_EMPTY] * len(units)
        order = sorted(range(len(units)), key=lambda i: len(units[i]))
        for batch in self._batches(order, units):
            try:
                outputs = self._decode_batch([units[i] for i in batch])
            except Exception:
                outputs = self._decode_one_by_one([units[i] for i in batch])
            for index, output in zip(batch, outputs, strict=True):
                results[index] = output
        return results

    def _batches(self, order: list[int], units: list[list[str]]) -> list[list[int]]:
        batches: list[list[int]] = []
        current: list[int] = []
        longest = 0
        for index in order:
            longest_if_added = max(longest, len(units[index]))
            if current and longest_if_added * (len(current) + 1) > self.config.max_batch_tokens:
                batches.append(current)
                current, longest_if_added = [], len(units[index])
            current.append(index)
            longest = longest_if_added
        if current:
            batches.append(current)
        return batches

    def _decode_one_by_one(self, batch: list[list[str]]) -> list[Decoded | Exception]:
        outputs: list[Decoded | Exception] = []
        for tokens in batch:
            try:
                outputs.extend(self._decode_batch([tokens]))
            except Exception as error:
                outputs.append(error)
        return outputs

    def _decode_batch(self, units: list[list[str]]) -> list[Decoded | Exception]:
        if not units:
            return []
        tokenization = self.tokenization
        batch = [tokenization.source_tokens(pieces) for pieces in units]
        results = self._translator.translate_batch(batch, **self.decoding_options(batch))
        decoded = [self._decoded(result) for result in results]
        if self.config.token_scores:
            best = [result.hypotheses[0] for result in results]
            weakest = self._weakest_tokens(batch, best)
            decoded = [
                replace(item, weakest=low) for item, low in zip(decoded, weakest, strict=True)
            ]
        return list[Decoded | Exception](decoded)

    def _weakest_tokens(
        self, batch: list[list[str]], hypotheses: list[list[str]]
    ) -> list[float | None]:
        """The probability of each best hypothesis's least likely token, by forced
        decoding (``score_batch``: one more pass of the model, no search)."""
        targets = [list(hypothesis) for hypothesis in hypotheses]
        prefix = len(self.tokenization.target_prefix or ())
        scored = self._translator.score_batch(
            batch,
            targets,
            max_batch_size=self.config.max_batch_tokens,
            batch_type="tokens",
        )
        weakest: list[float | None] = []
        for result in scored:
            log_probs = list(result.log_probs)[prefix:]
            weakest.append(math.exp(min(log_probs)) if log_probs else None)
        return weakest

    def _decoded(self, result: Any) -> Decoded:
        """A CTranslate2 result as text, its mean token probability and its n-best."""
        tokenization = self.tokenization
        texts = [tokenization.detokenize(hypothesis).strip() for hypothesis in result.hypotheses]
        best = result.hypotheses[0]
        prefix = len(tokenization.target_prefix or ())
        lengths = [max(1, len(hypothesis) - prefix) + 1 for hypothesis in result.hypotheses]
        if not result.scores:
            return Decoded(texts[0], None, len(best), ())
        probability = mean_probability(result.scores[0], lengths[0], LENGTH_PENALTY)
        totals = [
            score * length**LENGTH_PENALTY
            for score, length in zip(result.scores, lengths, strict=False)
        ]
        others: dict[str, float] = {}
        for text, total in zip(texts[1:], totals[1:], strict=False):
            if text and text != texts[0] and text not in others and not repeats_itself(text):
                others[text] = alternative_share(totals[0], total)
        return Decoded(texts[0], probability, len(best), tuple(others), tuple(others.values()))

    def with_beam(self, beam: int) -> CTranslate2Engine:
        """This engine decoding with another beam, sharing the loaded model (nothing is
        loaded twice); its ``options`` name that beam."""
        self.load()
        twin = CTranslate2Engine(self.model, replace(self.config, beam_size=beam))
        twin._translator, twin._tokenization = self._translator, self._tokenization
        return twin

    def max_decoding_length(self, longest_input: int) -> int:
        """Decoding stops here even without ``</s>``: twice the longest input, plus a margin."""
        return min(self.config.max_sentence_tokens * 2, 2 * longest_input + 16)


@dataclass(frozen=True)
class Decoded:
    """One unit's decode: its text, mean token probability, length and n-best."""

    text: str
    probability: float | None
    tokens: int
    alternatives: tuple[str, ...]
    shares: tuple[float, ...] = ()
    """For each alternative, its probability against the best one's (0–1, 0.5 = as likely)."""
    weakest: float | None = None
    """The least likely token's probability (``token_scores`` on)."""


_EMPTY = Decoded("", None, 0, ())


def _joined(parts: list[Decoded]) -> Outcome:
    """The outcome of a sentence decoded in one or more units (a long one is cut).

    The probability is the token-weighted geometric mean over the units; n-best
    alternatives are kept only for a sentence decoded whole.
    """
    text = " ".join(part.text for part in parts)
    probabilities = [(p.probability, p.tokens) for p in parts if p.probability is not None]
    probability = None
    if probabilities and len(probabilities) == len(parts):
        tokens = sum(max(n, 1) for _, n in probabilities)
        log_sum = sum(math.log(max(p, 1e-12)) * max(n, 1) for p, n in probabilities)
        probability = math.exp(log_sum / tokens)
    whole = len(parts) == 1
    weakest = [part.weakest for part in parts if part.weakest is not None]
    numbers = ModelNumbers(
        probability,
        min(weakest) if weakest else None,
        parts[0].alternatives if whole else (),
        parts[0].shares if whole else (),
    )
    return Outcome(text, numbers=numbers)


# -- argostranslate's own path -----------------------------------------------------------


class ArgosEngine:
    """argostranslate's own translation classes, for packages the fast path cannot run.

    Importing ``argostranslate.translate`` takes seconds (torch, stanza): this is
    only used for BPE or multilingual packages and for pivots through a third
    language. Each sentence is translated on its own, so sentences stay aligned.
    """

    def __init__(self, models: Sequence[InstalledModel], config: TranslationConfig) -> None:
        self.chain = list(models)
        self.model = models[0] if len(models) == 1 else _pivot_model(models)
        self.options = json.dumps(
            {"argos": True, "pivot": [m.model_id for m in models], "v": CACHE_FORMAT},
            sort_keys=True,
        )
        self._translation: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._translation is None:
            from argostranslate import translate as argos_translate
            from argostranslate.package import Package

            steps = []
            for model in self.chain:
                package = Package(model.path)
                steps.append(
                    argos_translate.PackageTranslation(
                        argos_translate.Language(model.source, model.source),
                        argos_translate.Language(model.target, model.target),
                        package,
                    )
                )
            translation = steps[0]
            for step in steps[1:]:
                translation = argos_translate.CompositeTranslation(translation, step)
            self._translation = translation
        return self._translation

    def load(self) -> None:
        with self._lock:
            self._load()

    def translate(self, sentences: Sequence[str]) -> list[Outcome]:
        outcomes = []
        with self._lock:
            translation = self._load()
            for sentence in sentences:
                try:
                    target = strip_controls(str(translation.translate(sentence)))
                    outcomes.append(Outcome(target))
                except Exception as error:
                    outcomes.append(Outcome("", error="argostranslate failed: " + _one_line(error)))
        return outcomes


def _one_line(error: BaseException) -> str:
    """An exception as a short line for the UI (control characters gone, at most 200 chars)."""
    return (clean_line(str(error)) or type(error).__name__)[:200]


def _pivot_model(models: Sequence[InstalledModel]) -> InstalledModel:
    first, last = models[0], models[-1]
    return InstalledModel(
        path=first.path,
        source=first.source,
        target=last.target,
        version="+".join(m.version for m in models),
        tokenizer="pivot",
        multilingual=False,
        target_prefix="",
        size_bytes=sum(m.size_bytes for m in models),
    )


def fast_path_problem(model: InstalledModel) -> str | None:
    """Why the fast path cannot run ``model``, or None when it can (always, but for Argos
    packages with a BPE tokenizer or several languages)."""
    if model.family != ARGOS:
        return None
    if model.tokenizer != "sentencepiece":
        return f"tokenizer is {model.tokenizer}, not SentencePiece"
    if model.multilingual:
        return "multilingual package"
    if not (model.path / "model" / "model.bin").exists():
        return "no CTranslate2 model.bin"
    return None


# -- engines per direction and the cache ---------------------------------------------------


ResultCallback = Callable[[int, Outcome], None]
"""Called with (index in the request, outcome) as sentences are translated."""


class Translations:
    """One engine per direction (and model), shared by every caller, in front of the cache."""

    def __init__(
        self,
        store: Store,
        models_dir: Path,
        config: TranslationConfig,
        own_models_dir: Path,
    ) -> None:
        self.store = store
        self.models_dir = models_dir
        """argostranslate's package folder (Argos packages)."""
        self.own_models_dir = own_models_dir
        """reader's folder of OPUS-MT, NLLB-200 and M2M-100 models."""
        self.config = config
        self._engines: dict[tuple[str, str, str], Translator] = {}
        self._lock = threading.Lock()

    def engine(self, source: str, target: str, model: str | None = None) -> Translator:
        """The engine for a direction, created on first use; raises NoModelError.

        ``model`` names the model to use (``reader translate --model``); without it, the
        one chosen with ``reader models use``, else the best installed one.
        """
        with self._lock:
            key = (source, target, model or "")
            engine = self._engines.get(key)
            if engine is None:
                engine = self._create_engine(source, target, model)
                self._engines[key] = engine
            return engine

    def forget(self) -> None:
        """Drop loaded engines (after a model is installed, removed or chosen)."""
        with self._lock:
            self._engines.clear()

    def preferred_model(self, source: str, target: str) -> str | None:
        """The model the user chose for a direction (``reader models use``), if any."""
        return self.store.get_meta(PREFERENCE_KEY.format(pair=f"{source}-{target}"))

    def installed(self) -> list[ModelEntry]:
        return all_models(self.models_dir, self.own_models_dir)

    def _create_engine(self, source: str, target: str, name: str | None) -> Translator:
        models = self.installed()
        if name:
            chosen = find_by_name(models, name)
            if chosen is None:
                raise NoModelError(
                    f"no model named {name!r} is installed (see `reader models list`)"
                )
            if not chosen.serves(source, target):
                raise NoModelError(f"model {name} does not translate {source}→{target}")
        else:
            chosen = choose(models, source, target, self.preferred_model(source, target))
        if chosen is None:
            chain = self._pivot_chain(source, target)
            if chain is None:
                raise NoModelError(no_model_message(source, target))
            log.info("translation %s→%s: pivot through %s", source, target, chain[0].target)
            return ArgosEngine(chain, self.config)
        model = chosen.for_direction(source, target)
        problem = fast_path_problem(model)
        if problem is not None:
            log.info("translation %s: argostranslate's own path (%s)", model.pair, problem)
            return ArgosEngine([model], self.config)
        return CTranslate2Engine(model, self.config)

    def _pivot_chain(self, source: str, target: str) -> list[InstalledModel] | None:
        models = installed_models(self.models_dir)
        for first in models:
            if first.source != source:
                continue
            for second in models:
                if (second.source, second.target) == (first.target, target):
                    return [first, second]
        return None

    def translate(
        self,
        sentences: Sequence[str],
        source: str,
        target: str,
        on_result: ResultCallback | None = None,
        should_stop: Callable[[], bool] | None = None,
        chunk_size: int = 64,
        model: str | None = None,
        glossary: Glossary | None = None,
        own_translations: bool = True,
    ) -> list[Outcome | None]:
        """Translate sentences through the cache; None marks ones skipped after a stop.

        The reader's own translations (edits, chosen alternatives) come first and beat
        everything (``own_translations=False`` skips them, to see the model's). Cached
        sentences are reported next; the rest go to the model in chunks of
        ``chunk_size`` sentences, each chunk cached as soon as it is done. ``model``
        names the model to use instead of the direction's chosen one. With a
        ``glossary``, its terms steer the translation (see core/steering.py); the cache
        key of a sentence with terms includes the entries used.
        """
        engine = self.engine(source, target, model)
        protected = (
            glossary.protect_many(sentences)
            if glossary is not None and len(glossary)
            else [Protected(sentence, sentence, (), target) for sentence in sentences]
        )
        keys = [_cache_key(item) for item in protected]
        results: list[Outcome | None] = [None] * len(sentences)
        if own_translations:
            self._from_user(sentences, source, target, results, on_result)
        pending = self._from_cache(engine, sentences, keys, source, target, results, on_result)
        for start in range(0, len(pending), chunk_size):
            if should_stop is not None and should_stop():
                break
            chunk = pending[start : start + chunk_size]
            outcomes = self._steered(engine, [protected[i] for i in chunk], (source, target))
            self._store(engine, source, target, [keys[i] for i in chunk], outcomes)
            for index, outcome in zip(chunk, outcomes, strict=True):
                results[index] = outcome
                if on_result is not None:
                    on_result(index, outcome)
        return results

    def translate_again(
        self,
        sentence: str,
        source: str,
        target: str,
        *,
        beam: int | None = None,
        model: str | None = None,
        glossary: Glossary | None = None,
    ) -> Outcome:
        """One sentence translated afresh by a model, neither from the cache nor the
        reader's own translation, and not cached: by the installed model ``model`` (else
        the direction's), decoding with ``beam`` when given. Raises NoModelError, or
        ValueError when ``beam`` is given for a model argostranslate runs (no beam there).
        """
        engine = self.engine(source, target, model)
        if beam is not None:
            if not isinstance(engine, CTranslate2Engine):
                raise ValueError(f"{engine.model.name} runs through argostranslate: no beam to set")
            engine = engine.with_beam(beam)
        protected = (
            glossary.protect_many([sentence])[0]
            if glossary is not None and len(glossary)
            else Protected(sentence, sentence, (), target)
        )
        return self._steered(engine, [protected], (source, target))[0]

    def _steered(
        self, engine: Translator, items: list[Protected], direction: tuple[str, str]
    ) -> list[Outcome]:
        """Translate protected sentences, restore their glosses, fall back to the plain
        translation of any whose sentinels the model damaged, and rate each."""
        outcomes = engine.translate([item.text for item in items])
        restored: list[Outcome] = []
        damaged: list[int] = []
        for index, (item, outcome) in enumerate(zip(items, outcomes, strict=True)):
            if not item.slots:
                restored.append(_plain(outcome))
                continue
            if outcome.error is not None:
                restored.append(_without_terms(outcome, item))
                continue
            text = restore(item, outcome.target)
            chosen: Outcome | None = outcome
            if text is None:
                chosen = _kept_alternative(outcome, item)
                text = None if chosen is None else restore(item, chosen.target)
            if chosen is None or text is None:
                damaged.append(index)
                restored.append(outcome)
                continue
            restored.append(_restored(chosen, item, text))
        if damaged:
            log.info("glossary: %d sentences fell back to the plain translation", len(damaged))
            plain = engine.translate([items[i].source for i in damaged])
            for index, outcome in zip(damaged, plain, strict=True):
                restored[index] = _without_terms(outcome, items[index])
        return [
            self._rated(item, outcome, direction)
            for item, outcome in zip(items, restored, strict=True)
        ]

    def _rated(self, item: Protected, outcome: Outcome, direction: tuple[str, str]) -> Outcome:
        if outcome.error is not None:
            return outcome
        numbers = outcome.numbers or ModelNumbers()
        kept = [term.gloss for term in outcome.terms if term.applied]
        missing = [term.term for term in outcome.terms if not term.applied]
        rated = assess(
            item.source,
            outcome.target,
            direction,
            numbers,
            kept=kept,
            not_applied=missing,
            length_tolerance=self.config.length_tolerance,
        )
        return replace(outcome, confidence=rated.value, reason=rated.reason)

    def _from_user(
        self,
        sentences: Sequence[str],
        source: str,
        target: str,
        results: list[Outcome | None],
        on_result: ResultCallback | None,
    ) -> None:
        """Fill ``results`` with the reader's own translations of these sentences."""
        hashes = [sentence_hash(sentence) for sentence in sentences]
        found = records.user_translations(self.store.connection, source, target, hashes)
        for index, digest in enumerate(hashes):
            own = found.get(digest)
            if own is None or own.source != sentences[index]:
                continue
            reason = "edited by you" if own.kind == records.EDIT else "alternative you chose"
            results[index] = Outcome(
                own.target, cached=True, confidence=1.0, reason=reason, user=own.kind
            )
            if on_result is not None:
                on_result(index, results[index])  # type: ignore[arg-type]

    def _from_cache(
        self,
        engine: Translator,
        sentences: Sequence[str],
        keys: Sequence[str],
        source: str,
        target: str,
        results: list[Outcome | None],
        on_result: ResultCallback | None,
    ) -> list[int]:
        """Fill ``results`` from the cache; returns the indexes still to translate."""
        wanted = sorted({key for index, key in enumerate(keys) if results[index] is None})
        found = self.store.cached_translations(
            engine.model.model_id, source, target, engine.options, wanted
        )
        details = records.read_details(
            self.store.connection,
            (engine.model.model_id, source, target, engine.options),
            sorted(found),
        )
        pending = []
        for index, digest in enumerate(keys):
            if results[index] is not None:
                continue
            if not sentences[index].strip():
                results[index] = Outcome("", cached=True)
            elif digest in found:
                results[index] = _cached(found[digest], details.get(digest))
            else:
                pending.append(index)
                continue
            if on_result is not None:
                on_result(index, results[index])  # type: ignore[arg-type]
        return pending

    def _store(
        self,
        engine: Translator,
        source: str,
        target: str,
        keys: list[str],
        outcomes: list[Outcome],
    ) -> None:
        pairs = {
            key: outcome.target
            for key, outcome in zip(keys, outcomes, strict=True)
            if outcome.error is None
        }
        if not pairs:
            return
        cache_key = (engine.model.model_id, source, target, engine.options)
        details = {
            key: records.Details(
                tuple(term.as_stored() for term in outcome.terms),
                outcome.confidence,
                outcome.reason,
                outcome.alternatives,
            )
            for key, outcome in zip(keys, outcomes, strict=True)
            if outcome.error is None
        }
        try:
            self.store.cache_translations(*cache_key, pairs)
            with self.store.transaction() as connection:
                records.write_details(connection, cache_key, details)
        except sqlite3.OperationalError as error:
            # The cache only saves work: a database still locked after the store's
            # long wait (or full) must not cost the reader the translations.
            log.warning("translation cache not written (%d sentences): %s", len(pairs), error)

    def glossary(self, source: str, target: str, analyse: Analyse | None = None) -> Glossary:
        """The glossary that steers ``source``→``target`` now (terms and "keep as is"
        flags as stored); ``analyse`` analyses the sentences it protects."""
        keep = records.kept_terms(self.store.connection)
        return Glossary.from_terms(self.store.terms(lang=source), source, target, keep, analyse)


def _cache_key(item: Protected) -> str:
    """The cache hash of a sentence: of its text, plus the glossary entries it used."""
    if not item.slots:
        return sentence_hash(item.source)
    return sentence_hash(item.source + "\x00" + item.signature)


def _restored(outcome: Outcome, item: Protected, text: str) -> Outcome:
    """A steered outcome with its glosses put in (alternatives too, those that kept
    every sentinel; the others are dropped: a sentinel never reaches the reader)."""
    alternatives: dict[str, float] = {}
    numbers = outcome.numbers or ModelNumbers()
    shares = numbers.shares or (0.0,) * len(numbers.alternatives)
    for alternative, share in zip(numbers.alternatives, shares, strict=True):
        put = restore(item, alternative)
        if put is not None and put != text:
            alternatives.setdefault(put, share)
    return replace(
        outcome,
        target=text,
        terms=item.terms(applied=True),
        alternatives=tuple(alternatives),
        numbers=replace(
            numbers, alternatives=tuple(alternatives), shares=tuple(alternatives.values())
        ),
    )


def _kept_alternative(outcome: Outcome, item: Protected) -> Outcome | None:
    """When the best hypothesis damaged a sentinel, the first n-best alternative that
    kept them all, as the outcome (the others after it); None when none did — then
    the sentence is decoded again without the glossary."""
    numbers = outcome.numbers or ModelNumbers()
    for position, alternative in enumerate(numbers.alternatives):
        if restore(item, alternative) is not None:
            rest = numbers.alternatives[position + 1 :]
            shares = numbers.shares[position + 1 :] if numbers.shares else ()
            return replace(
                outcome,
                target=alternative,
                numbers=replace(numbers, alternatives=rest, shares=shares),
            )
    return None


def _plain(outcome: Outcome) -> Outcome:
    """An unsteered outcome, its n-best alternatives as the decode gave them."""
    numbers = outcome.numbers or ModelNumbers()
    return replace(outcome, alternatives=numbers.alternatives)


def _without_terms(outcome: Outcome, item: Protected) -> Outcome:
    """The plain translation of a sentence whose terms could not be applied."""
    numbers = outcome.numbers or ModelNumbers()
    return replace(outcome, terms=item.terms(applied=False), alternatives=numbers.alternatives)


def _cached(target: str, details: records.Details | None) -> Outcome:
    if details is None:
        return Outcome(target, cached=True)
    terms = tuple(
        AppliedTerm(
            str(t.get("term", "")),
            str(t.get("gloss", "")),
            bool(t.get("applied")),
            t["id"] if isinstance(t.get("id"), int) else 0,
        )
        for t in details.terms
    )
    return Outcome(
        target,
        cached=True,
        terms=terms,
        confidence=details.confidence,
        reason=details.reason,
        alternatives=details.alternatives,
    )
