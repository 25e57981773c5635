"""``Translations``: one engine per direction (and model), shared by every caller, in
front of the cache — the reader's own translations first, then the cached ones, then
the model, steered by the glossary."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from reader.config import TranslationConfig
from reader.core import translation_records as records
from reader.core.model_registry import PREFERENCE_KEY, ModelEntry, all_models, choose, find_by_name
from reader.core.packages import InstalledModel, installed_models, no_model_message
from reader.core.steering import Analyse, AppliedTerm, Glossary, Protected
from reader.core.store import Store
from reader.core.translation.argos_engine import ArgosEngine, fast_path_problem
from reader.core.translation.ctranslate2_engine import CTranslate2Engine
from reader.core.translation.outcomes import NoModelError, Outcome, Translator, sentence_hash
from reader.core.translation.steered import cache_key, steered_outcomes

log = logging.getLogger(__name__)

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
        keys = [cache_key(item) for item in protected]
        results: list[Outcome | None] = [None] * len(sentences)
        if own_translations:
            self._from_user(sentences, source, target, results, on_result)
        pending = self._from_cache(engine, sentences, keys, source, target, results, on_result)
        for start in range(0, len(pending), chunk_size):
            if should_stop is not None and should_stop():
                break
            chunk = pending[start : start + chunk_size]
            outcomes = steered_outcomes(
                engine,
                [protected[i] for i in chunk],
                (source, target),
                self.config.length_tolerance,
            )
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
        return steered_outcomes(
            engine, [protected], (source, target), self.config.length_tolerance
        )[0]

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
