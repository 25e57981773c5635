"""Downloads with a bound on what they inflate to, for every layer of compression.

httpx decodes ``Content-Encoding`` itself and without a bound: a 272-byte body sent as
``gzip, gzip, gzip`` inflates to gigabytes in memory before any size check runs. Here
the raw bytes are read (``iter_raw``) and each layer is inflated by its own
``zlib.decompressobj`` in steps of at most :data:`STEP` bytes of output, so memory
stays at a few steps per layer and the total is checked as it grows.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

STEP = 64 * 1024
"""Largest output of one decompression step of one layer."""
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


def _decoder(encoding: str) -> Any:
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return None  # zlib-wrapped or raw: decided on the first two bytes
    raise DownloadError(f"unsupported Content-Encoding {encoding[:40]!r}")


def _inflate(chunks: Iterable[bytes], encoding: str) -> Iterator[bytes]:
    """One layer: yields at most :data:`STEP` bytes per step, whatever the ratio."""
    decoder = _decoder(encoding)
    pending = b""
    try:
        for chunk in chunks:
            data, pending = pending + chunk, b""
            if decoder is None:
                if len(data) < 2:
                    pending = data
                    continue
                decoder = zlib.decompressobj(_deflate_wbits(data))
            while data:
                if decoder.eof:  # another gzip member follows, or padding
                    if not data.strip(b"\x00"):
                        break
                    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
                out = decoder.decompress(data, STEP)
                if out:
                    yield out
                data = decoder.unused_data if decoder.eof else decoder.unconsumed_tail
                while len(out) == STEP and not data and not decoder.eof:
                    out = decoder.decompress(b"", STEP)  # output zlib still held
                    if out:
                        yield out
                    data = decoder.unused_data if decoder.eof else decoder.unconsumed_tail
        if decoder is None or not decoder.eof:
            raise DownloadError(f"the {encoding} data is cut short")
    except zlib.error as error:
        raise DownloadError(f"the {encoding} data is damaged ({error})") from None


def _deflate_wbits(start: bytes) -> int:
    """``deflate`` is meant to be zlib-wrapped, but some servers send raw deflate."""
    zlib_header = start[0] & 0x0F == 8 and (start[0] << 8 | start[1]) % 31 == 0
    return zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS


def decoded_chunks(
    raw: Iterable[bytes], encodings: Sequence[str], limit: int, deadline: float | None = None
) -> Iterator[bytes]:
    """The body's bytes with every layer inflated; raises TooLargeError past ``limit``.

    ``encodings`` is the ``Content-Encoding`` list as sent (applied first to last, so
    inflated last to first). ``deadline`` is a ``time.monotonic()`` value.
    """
    if len(encodings) > MAX_LAYERS:
        raise DownloadError(f"{len(encodings)} stacked Content-Encodings (at most {MAX_LAYERS})")
    chunks: Iterable[bytes] = _bounded_raw(raw, limit, deadline)
    for encoding in reversed(encodings):
        chunks = _inflate(chunks, encoding)
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise TooLargeError(f"larger than {limit // 1024**2 or 1} MB once decompressed")
        yield chunk


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
