"""argostranslate's own path, for the packages the fast path cannot run, and the test
that says which those are."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from typing import Any

from reader.config import TranslationConfig
from reader.core.model_families import ARGOS
from reader.core.packages import InstalledModel
from reader.core.text import strip_controls
from reader.core.translation.outcomes import CACHE_FORMAT, Outcome, one_line


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
                    outcomes.append(Outcome("", error="argostranslate failed: " + one_line(error)))
        return outcomes


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
