"""Downloads with a bound on what they inflate to, for every layer of compression.

httpx decodes ``Content-Encoding`` itself and without a bound: a 272-byte body sent as
``gzip, gzip, gzip`` inflates to gigabytes in memory before any size check runs. Here
the raw bytes are read (``iter_raw``) and inflated by :mod:`reader.core.decoding`, the
same decoder feeds use: at most 64 KiB of output per step and layer, so memory stays at a few steps per layer and the total is checked as it grows.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from reader.core.decoding import BoundedDecoder, DecodingError

MAX_LAYERS = 3
"""More stacked encodings than this are refused (each layer holds a zlib window)."""
ACCEPT_ENCODING = "gzip, deflate"
"""What reader asks for: the encodings :func:`decoded_chunks` can inflate."""


class DownloadError(Exception):
    """A body is too large, too slow, or cannot be decoded; one line for the user."""


class TooLargeError(DownloadError):
    """The body inflates past the limit."""


def content_encodings(headers: Any) -> list[str]:
    """The ``Content-Encoding`` layers of a response, outermost last (as sent)."""
    values = headers.get_list("content-encoding", split_commas=True)
    layers = [value.strip().lower() for value in values if value.strip()]
    return [layer for layer in layers if layer != "identity"]


def decoded_chunks(
    raw: Iterable[bytes], encodings: Sequence[str], limit: int, deadline: float | None = None
) -> Iterator[bytes]:
    """The body's bytes with every layer inflated; raises TooLargeError past ``limit``.

    ``encodings`` is the ``Content-Encoding`` list as sent (applied first to last, so
    inflated last to first). ``deadline`` is a ``time.monotonic()`` value.
    """
    if len(encodings) > MAX_LAYERS:
        raise DownloadError(f"{len(encodings)} stacked Content-Encodings (at most {MAX_LAYERS})")
    total = 0
    for chunk in _inflated(_bounded_raw(raw, limit, deadline), encodings):
        total += len(chunk)
        if total > limit:
            raise TooLargeError(f"larger than {limit // 1024**2 or 1} MB once decompressed")
        yield chunk


def _inflated(raw: Iterable[bytes], encodings: Sequence[str]) -> Iterator[bytes]:
    """The raw chunks through every layer, a bounded step at a time (the feeds' decoder)."""
    try:
        decoder = BoundedDecoder(encodings)
        for chunk in raw:
            yield from decoder.feed(chunk)
        yield from decoder.finish()
    except DecodingError as error:
        raise DownloadError(str(error)) from None


def _bounded_raw(raw: Iterable[bytes], limit: int, deadline: float | None) -> Iterator[bytes]:
    """The raw bytes, which may not exceed the limit either (a little framing aside)."""
    total = 0
    for chunk in raw:
        total += len(chunk)
        if total > limit + 65536:
            raise TooLargeError(f"larger than {limit // 1024**2 or 1} MB")
        if deadline is not None and time.monotonic() > deadline:
            raise DownloadError("too slow (the download took over its time limit)")
        yield chunk
