"""The fast path: a SentencePiece + CTranslate2 model, loaded once, translating in large
length-sorted batches with argostranslate's decoding options (see the package docstring)."""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from reader.config import TranslationConfig
from reader.core.confidence import (
    ModelNumbers,
    alternative_share,
    mean_probability,
    repeats_itself,
)
from reader.core.model_families import Tokenization, model_dir, tokenization_for
from reader.core.models import Sentence
from reader.core.packages import InstalledModel
from reader.core.sentences import split_long_sentence
from reader.core.translation.outcomes import (
    CACHE_FORMAT,
    LENGTH_PENALTY,
    MAX_ALTERNATIVES,
    Outcome,
    one_line,
)


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
                failures[index] = "tokenizer failed: " + one_line(error)
                continue
            for tokens in pieces:
                units.append(tokens)
                owners.append(index)
        targets = self._translate_units(units)
        parts: list[list[Decoded]] = [[] for _ in sentences]
        for owner, target in zip(owners, targets, strict=True):
            if isinstance(target, Exception):
                failures.setdefault(owner, "model failed: " + one_line(target))
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
