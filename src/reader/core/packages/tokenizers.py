"""Checking a package's tokenizer files (SentencePiece or BPE) before they are used."""

from __future__ import annotations

import functools
from pathlib import Path, PurePosixPath
from typing import Any

from reader.core.packages.common import (
    ARCHIVE_LIMITS,
    PackageError,
)
from reader.core.safe_archive import (
    ArchiveError,
    read_regular,
)
from reader.core.text import clean_line


def load_sentencepiece(path: Path) -> Any:
    """A SentencePiece processor for ``path``, which must have a vocabulary and encode;
    raises PackageError (``sentencepiece.model does not load (…)``)."""
    import sentencepiece

    try:
        data = read_regular(path, ARCHIVE_LIMITS.member_cap(PurePosixPath(path.name)))
        if not data:
            raise ValueError("the file is empty")
        processor = sentencepiece.SentencePieceProcessor(model_proto=data)
        if processor.get_piece_size() < 2:
            raise ValueError("no vocabulary")
        processor.encode("test", out_type=str)
    except Exception as error:  # sentencepiece raises OSError, RuntimeError …
        reason = clean_line(str(error)).split(". ")[0][:120] or type(error).__name__
        raise PackageError(f"{path.name} does not load ({reason})") from None
    return processor


def check_bpe(path: Path) -> None:
    try:
        data = read_regular(path, ARCHIVE_LIMITS.member_cap(PurePosixPath(path.name)))
        lines = data.decode("utf-8").splitlines()
    except (ArchiveError, UnicodeDecodeError):
        raise PackageError("bpe.model is not a readable UTF-8 text file") from None
    if not any(len(line.split()) == 2 for line in lines[:10]):
        raise PackageError("bpe.model holds no BPE merges")


@functools.lru_cache(maxsize=64)
def sentencepiece_problem(path: str, size: int, modified: int) -> str | None:
    """Why an installed sentencepiece.model does not load (checked once per version of it)."""
    try:
        load_sentencepiece(Path(path))
    except PackageError as error:
        return str(error)
    return None
