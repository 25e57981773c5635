"""Model families: which kind of CTranslate2 model a folder holds, and how to tokenise for it.

reader runs four families through the one engine
(core/translation/ctranslate2_engine.py); they differ only in their files and in the
tokens around a sentence:

* ``argos``: an Argos package (``metadata.json``, ``model/``, ``sentencepiece.model``);
  the source is the SentencePiece pieces, the target prefix (if any) comes from the
  package metadata.
* ``marian``: an OPUS-MT/Marian conversion, one direction: ``source.spm`` encodes,
  ``target.spm`` decodes, ``</s>`` is appended to the source.
* ``nllb``: NLLB-200, one model for every direction: the source is
  ``[kor_Hang] + pieces + [</s>]`` and the decoder is started with the target code
  (``target_prefix=[["eng_Latn"]]``), which is dropped from the output.
* ``m2m100``: M2M-100, the same with ``__ko__`` / ``__en__``.

The family is recognised from the folder's files and from its vocabulary
(``shared_vocabulary.json`` or ``.txt``, or separate source/target vocabularies):
the NLLB and M2M-100 layouts are the same, only their language codes differ.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from reader.core.text import strip_controls

ARGOS, MARIAN, NLLB, M2M100 = "argos", "marian", "nllb", "m2m100"
FAMILIES = (ARGOS, MARIAN, NLLB, M2M100)
FAMILY_LABELS = {ARGOS: "Argos", MARIAN: "OPUS-MT", NLLB: "NLLB-200", M2M100: "M2M-100"}
LANGUAGE_CODES = {
    NLLB: {"ko": "kor_Hang", "en": "eng_Latn"},
    M2M100: {"ko": "__ko__", "en": "__en__"},
}
"""The language tokens of the multilingual families, by reader's language codes."""
BOTH_DIRECTIONS = (("ko", "en"), ("en", "ko"))
MULTILINGUAL_SENTENCEPIECE = ("sentencepiece.bpe.model", "spm.model", "sentencepiece.model")
"""The SentencePiece file names NLLB/M2M-100 conversions use, in the order they are tried."""
MAX_VOCABULARY_BYTES = 64 * 1024**2
"""Largest vocabulary file read to find the language codes (NLLB's is 6 MB)."""
EOS = "</s>"


class FamilyError(Exception):
    """A folder is not a model reader can run; the message says what is missing."""


@dataclass(frozen=True)
class FolderLayout:
    """What a model folder holds: its family, and the pairs its files say it serves."""

    family: str
    model_dir: Path
    """The folder with ``model.bin`` (``model/`` inside an Argos package)."""
    pairs: tuple[tuple[str, str], ...]
    """Both directions for NLLB/M2M-100; empty when the files do not say (Marian)."""


def detect_family(folder: Path) -> FolderLayout:
    """Recognise the family of the model in ``folder``; raises FamilyError naming what is missing."""
    if not folder.is_dir():
        raise FamilyError(f"{folder}: not a folder")
    if (folder / "metadata.json").is_file() and (folder / "model").is_dir():
        return _argos_layout(folder)
    if not (folder / "model.bin").is_file():
        raise FamilyError(f"{folder}: no model.bin (not a CTranslate2 model folder)")
    if not (folder / "config.json").is_file():
        raise FamilyError(f"{folder}: no config.json beside model.bin")
    vocabularies = vocabulary_files(folder)
    if not vocabularies:
        raise FamilyError(
            f"{folder}: no vocabulary (shared_vocabulary.json/.txt, or"
            " source_vocabulary and target_vocabulary)"
        )
    if (folder / "source.spm").is_file() and (folder / "target.spm").is_file():
        return FolderLayout(MARIAN, folder, ())
    if multilingual_sentencepiece(folder) is None:
        hint = (
            " (tokenizer.json alone is not enough)" if (folder / "tokenizer.json").is_file() else ""
        )
        raise FamilyError(
            f"{folder}: no tokenizer: neither source.spm + target.spm (OPUS-MT/Marian) nor"
            f" sentencepiece.bpe.model (NLLB-200/M2M-100){hint}"
        )
    tokens = _vocabulary_tokens(vocabularies[0])
    for family in (NLLB, M2M100):
        if set(LANGUAGE_CODES[family].values()) <= tokens:
            return FolderLayout(family, folder, BOTH_DIRECTIONS)
    raise FamilyError(
        f"{folder}: the vocabulary has neither the NLLB-200 codes (kor_Hang, eng_Latn)"
        " nor the M2M-100 codes (__ko__, __en__)"
    )


def _argos_layout(folder: Path) -> FolderLayout:
    missing = [
        name for name in ("model/model.bin", "model/config.json") if not (folder / name).is_file()
    ]
    if not (folder / "sentencepiece.model").is_file() and not (folder / "bpe.model").is_file():
        missing.append("sentencepiece.model or bpe.model")
    if missing:
        raise FamilyError(f"{folder}: an Argos package without {', '.join(missing)}")
    try:
        metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
        pair = (str(metadata["from_code"]), str(metadata["to_code"]))
    except (OSError, ValueError, KeyError, TypeError):
        raise FamilyError(f"{folder}: metadata.json has no from_code/to_code") from None
    return FolderLayout(ARGOS, folder / "model", (pair,))


def vocabulary_files(folder: Path) -> list[Path]:
    """The folder's vocabulary files: the shared one, or the source one then the target one."""
    for suffix in (".json", ".txt"):
        shared = folder / f"shared_vocabulary{suffix}"
        if shared.is_file():
            return [shared]
    source = _first_file(folder, "source_vocabulary")
    target = _first_file(folder, "target_vocabulary")
    return [source, target] if source and target else []


def _first_file(folder: Path, stem: str) -> Path | None:
    for suffix in (".json", ".txt"):
        if (folder / f"{stem}{suffix}").is_file():
            return folder / f"{stem}{suffix}"
    return None


def multilingual_sentencepiece(folder: Path) -> Path | None:
    for name in MULTILINGUAL_SENTENCEPIECE:
        if (folder / name).is_file():
            return folder / name
    return None


def _vocabulary_tokens(path: Path) -> frozenset[str]:
    """The tokens of a CTranslate2 vocabulary file (a JSON list, or one token a line).

    Read once per file version: NLLB's is 6 MB, and models are listed on every start.
    """
    info = path.stat()
    return _read_vocabulary(path, info.st_size, info.st_mtime_ns)


@lru_cache(maxsize=16)
def _read_vocabulary(path: Path, size: int, mtime_ns: int) -> frozenset[str]:
    if size > MAX_VOCABULARY_BYTES:
        raise FamilyError(f"{path}: vocabulary larger than {MAX_VOCABULARY_BYTES // 2**20} MB")
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".json":
        try:
            tokens = json.loads(text)
        except ValueError:
            raise FamilyError(f"{path}: not valid JSON") from None
        if not isinstance(tokens, list):
            raise FamilyError(f"{path}: not a JSON list of tokens")
        return frozenset(token for token in tokens if isinstance(token, str))
    return frozenset(text.splitlines())


_PAIR_IN_NAME = re.compile(r"(?:^|[-_.])(ko|en|kor|eng)[-_](ko|en|kor|eng)(?=$|[-_.])", re.I)
_THREE_LETTER = {"kor": "ko", "eng": "en"}


def infer_pair(name: str) -> tuple[str, str] | None:
    """The direction in a model name such as ``opus-mt-ko-en`` or ``opus-mt-tc-big-ko-en``."""
    matches = [
        (_THREE_LETTER.get(s.lower(), s.lower()), _THREE_LETTER.get(t.lower(), t.lower()))
        for s, t in _PAIR_IN_NAME.findall(name)
    ]
    pairs = [(s, t) for s, t in matches if s != t]
    return pairs[-1] if pairs else None


# -- tokenisation per family ----------------------------------------------------------------


class Tokenization(Protocol):
    """How sentences become the model's tokens and back, for one direction."""

    target_prefix: list[str] | None
    """Tokens the decoder is started with (dropped from the output), or None."""

    def pieces(self, text: str) -> list[str]:
        """The sentence's subword pieces, without special tokens (what length limits count)."""
        ...

    def source_tokens(self, pieces: Sequence[str]) -> list[str]:
        """The pieces with the family's special tokens around them, as the model expects."""
        ...

    def detokenize(self, tokens: Sequence[str]) -> str:
        """A hypothesis (the target prefix included) as text."""
        ...


def _sentencepiece(path: Path) -> Any:
    import sentencepiece

    return sentencepiece.SentencePieceProcessor(model_file=str(path))


class ArgosTokenization:
    """An Argos package: its own SentencePiece model, decoded exactly as argostranslate does."""

    def __init__(self, folder: Path, target_prefix: str) -> None:
        self._processor = _sentencepiece(folder / "sentencepiece.model")
        self._prefix = target_prefix
        self.target_prefix: list[str] | None = [target_prefix] if target_prefix else None

    def pieces(self, text: str) -> list[str]:
        tokens: list[str] = self._processor.encode(text, out_type=str)
        return tokens

    def source_tokens(self, pieces: Sequence[str]) -> list[str]:
        return list(pieces)

    def detokenize(self, tokens: Sequence[str]) -> str:
        value: str = self._processor.decode_pieces(list(tokens))
        value = value.replace("▁", " ").replace("_", " ")
        if self._prefix and value.startswith(self._prefix):
            value = value[len(self._prefix) :]
        value = value[1:] if value.startswith(" ") else value
        return strip_controls(value)  # a package's vocabulary is outside input too


class MarianTokenization:
    """OPUS-MT/Marian: ``source.spm`` encodes, ``target.spm`` decodes, ``</s>`` ends the source."""

    target_prefix: list[str] | None = None

    def __init__(self, folder: Path) -> None:
        self._source = _sentencepiece(folder / "source.spm")
        self._target = _sentencepiece(folder / "target.spm")

    def pieces(self, text: str) -> list[str]:
        tokens: list[str] = self._source.encode(text, out_type=str)
        return tokens

    def source_tokens(self, pieces: Sequence[str]) -> list[str]:
        return [*pieces, EOS]

    def detokenize(self, tokens: Sequence[str]) -> str:
        value: str = self._target.decode_pieces([t for t in tokens if t != EOS])
        return strip_controls(value.strip())


class MultilingualTokenization:
    """NLLB-200 / M2M-100: ``[source code] + pieces + [</s>]``, the target code as prefix."""

    def __init__(self, folder: Path, family: str, source: str, target: str) -> None:
        path = multilingual_sentencepiece(folder)
        if path is None:
            raise FamilyError(f"{folder}: no sentencepiece.bpe.model")
        self._processor = _sentencepiece(path)
        codes = LANGUAGE_CODES[family]
        self._source_code = codes[source]
        self._target_code = codes[target]
        self.target_prefix: list[str] | None = [self._target_code]

    def pieces(self, text: str) -> list[str]:
        tokens: list[str] = self._processor.encode(text, out_type=str)
        return tokens

    def source_tokens(self, pieces: Sequence[str]) -> list[str]:
        return [self._source_code, *pieces, EOS]

    def detokenize(self, tokens: Sequence[str]) -> str:
        body = list(tokens[1:] if tokens and tokens[0] == self._target_code else tokens)
        value: str = self._processor.decode_pieces([t for t in body if t != EOS])
        return strip_controls(value.strip())


def tokenization_for(
    family: str, folder: Path, source: str, target: str, target_prefix: str = ""
) -> Tokenization:
    """The tokenisation of a model of ``family`` in ``folder`` for one direction."""
    if family == ARGOS:
        return ArgosTokenization(folder, target_prefix)
    if family == MARIAN:
        return MarianTokenization(folder)
    if family in LANGUAGE_CODES:
        return MultilingualTokenization(folder, family, source, target)
    raise FamilyError(f"unknown model family {family!r}")


def model_dir(family: str, folder: Path) -> Path:
    """Where ``model.bin`` is: ``model/`` inside an Argos package, the folder itself otherwise."""
    return folder / "model" if family == ARGOS else folder
