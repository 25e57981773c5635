"""What glossary steering and confidence cost: ≤ 15% of translation time is the aim.

The model is bench_translation.py's transformer-base-sized random-weight package
(6+6 layers, d_model 512, 32k vocabulary, int8), every sentence decoded to the same
fixed length (``DECODE_STEPS``) so that runs do the same work. The text is 100 real
sentences from the Korean news corpus, with 20 glossary terms (nouns of those
sentences, one per sentence, each with an English gloss).

Measured, best of ``ROUNDS`` runs each, the cache emptied before every run:

* **without**: ``Translations.translate`` without the glossary, the engine decoding
  as it did before steering and confidence (one hypothesis, no scores);
* **with**: ``Translations.translate`` with the glossary (the 20 terms), scores, the
  n-best list and the confidence of every sentence;
* **with, token scores on**: the same with ``token_scores`` (``score_batch`` for the
  least sure word).

A random-weight model never copies a sentinel, so every sentence holding a term falls
back to the plain translation — a second decode of that sentence: that is the worst
case, reported as it is, and again with the fallback decodes' time taken out (the
cost when sentinels survive, as with a real model). The steering's own work
(matching, sentinels, restoring) and the confidence are also timed on their own.

Run: .venv/bin/python benchmarks/bench_steering.py [--model PATH]

``--model`` measures a trained ko→en model instead (a folder, ``.zip``, ``.tar.gz`` or
``.argosmodel``, as ``reader models install PATH`` takes): one that keeps sentinels
falls back rarely, so its "with" line is the real cost. Decoding stops at the end of
each sentence then, capped at ``DECODE_STEPS`` tokens.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import bench_translation as base  # noqa: E402  (the model builder and the corpus)

SENTENCES = 100
TERMS = 20
ROUNDS = 3
DECODE_STEPS = base.DECODE_STEPS


def glossary_terms(sentences: list[str]) -> list[tuple[str, int]]:
    """(noun, sentence index): one noun of two syllables or more from each of the first
    sentences that have one not chosen yet, until there are TERMS."""
    from reader.core.terms import analyse_many

    chosen: list[tuple[str, int]] = []
    seen: set[str] = set()
    for index, analysis in enumerate(analyse_many(sentences, "ko")):
        for key, tag in zip(analysis.keys, analysis.tags, strict=True):
            noun = key.split("/", 1)[0]
            if tag == "NNG" and len(noun) >= 2 and noun not in seen:
                chosen.append((noun, index))
                seen.add(noun)
                break
        if len(chosen) == TERMS:
            break
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="a trained ko→en model to measure")
    model_path: Path | None = parser.parse_args().model
    if not base.CORPUS.exists():
        sys.exit(f"corpus not found: {base.CORPUS}")
    home = base.bench_home("reader-bench-steering-")
    all_sentences = base.corpus_sentences()
    sentences = all_sentences[:SENTENCES]
    archive = model_path or base.build_package("ko", "en", all_sentences, 1)

    from reader.service import ReaderService

    service = ReaderService()
    service.models_install(str(archive))
    terms = glossary_terms(sentences)
    for number, (noun, _index) in enumerate(terms):
        service.add_term(noun, gloss=f"term{number}", lang="ko")
    glossary = service.glossary_for(("ko", "en"))
    assert glossary is not None
    holding = sum(1 for item in glossary.protect_many(sentences) if item.slots)
    decodes = f"at most {DECODE_STEPS}" if model_path else str(DECODE_STEPS)
    print(
        f"model: {archive.name}; {len(sentences)} sentences, {len(terms)} glossary terms;"
        f" {holding} sentences hold a term; every sentence decodes {decodes} tokens"
    )
    results = measure(service, sentences, glossary)
    without = results["without"]
    for name, seconds in results.items():
        print(f"{name:52} {seconds:6.2f} s   ratio {seconds / without:.3f}")
    own = steering_work(service, sentences, glossary)
    print(
        f"steering + confidence work alone (matching, sentinels, restoring, rating):"
        f" {own:.3f} s = {own / without:.1%} of the translation"
    )
    shutil.rmtree(home, ignore_errors=True)


def measure(service: Any, sentences: list[str], glossary: Any) -> dict[str, float]:
    from reader.config import Config
    from reader.core.translation import CTranslate2Engine, Outcome

    steered_sources = {item.source for item in glossary.protect_many(sentences) if item.slots}
    fallback_seconds: list[float] = []

    class FixedLength(CTranslate2Engine):
        def max_decoding_length(self, longest_input: int) -> int:
            return DECODE_STEPS

        def translate(self, texts: Any) -> list[Outcome]:
            started = time.perf_counter()
            outcomes = super().translate(texts)
            if texts and all(text in steered_sources for text in texts):
                fallback_seconds.append(time.perf_counter() - started)  # a fallback decode
            return outcomes

    class Before(FixedLength):
        """The engine's decoding before this change: one hypothesis, no scores."""

        def decoding_options(self, batch: list[list[str]]) -> dict[str, Any]:
            options = super().decoding_options(batch)
            options.update(num_hypotheses=1, return_scores=False)
            return options

    model = service.translations.engine("ko", "en").model
    translations = service.translations
    scored = Config().translation
    scored.token_scores = True
    before = Before(model, Config().translation)
    after = FixedLength(model, Config().translation)
    with_tokens = FixedLength(model, scored)
    for engine in (before, after, with_tokens):
        engine.load()
        engine.translate(sentences[:2])  # warm-up

    def run_with(engine: CTranslate2Engine, steering: Any) -> float:
        """Seconds of one run through the cache (emptied first), fallback decodes apart."""
        translations._engines[("ko", "en", "")] = engine
        service.store.connection.execute("DELETE FROM translations")
        fallback_seconds.clear()
        outcomes = translations.translate(sentences, "ko", "en", glossary=steering)
        assert all(o is not None and o.error is None for o in outcomes)
        return sum(fallback_seconds)

    runs: dict[str, Callable[[], float]] = {
        "without": lambda: run_with(before, None),
        "with glossary + confidence": lambda: run_with(after, glossary),
        "with, token scores on": lambda: run_with(with_tokens, glossary),
    }
    best: dict[str, float] = {}
    for round_number in range(1, ROUNDS + 1):
        for name, run in runs.items():
            started = time.perf_counter()
            fallback = run()
            seconds = time.perf_counter() - started
            best[name] = min(seconds, best.get(name, seconds))
            if fallback:
                kept = f"{name}, fallback decodes not counted"
                best[kept] = min(seconds - fallback, best.get(kept, seconds - fallback))
            print(f"  round {round_number}: {name}: {seconds:.2f} s (fallback {fallback:.2f} s)")
    return best


def steering_work(service: Any, sentences: list[str], glossary: Any) -> float:
    """Matching, sentinels, restoring and confidence alone, on the copy of each
    protected sentence (what a model that keeps sentinels gives back)."""
    from reader.core.confidence import ModelNumbers, assess
    from reader.core.steering import restore

    started = time.perf_counter()
    protected = glossary.protect_many(sentences)
    for item in protected:
        text = restore(item, item.text) or item.source
        assess(item.source, text, ("ko", "en"), ModelNumbers(0.9, None, (text,), (0.1,)))
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
