"""Content-Encoding decoding with a bound on output at every step, for every layer.

httpx's decoders inflate each chunk completely, and with ``Content-Encoding: gzip,
gzip, gzip`` every layer does so in turn: 272 bytes of gzip(gzip(gzip(2 GiB of
zeros))) became 2 GiB in memory before the body cap could see a single byte. Here
each layer inflates at most :data:`STEP` bytes per call and hands them to the next
layer before inflating more, so the caller sees the decoded body in small pieces
and can stop at its cap with only a few steps' worth of memory in use.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence

STEP = 64 * 1024
"""The most any layer inflates in one call."""

MAX_LAYERS = 4
"""More compression layers than this is not a real server: refused."""

IDENTITY = frozenset({"", "identity", "none"})
UNSUPPORTED = frozenset({"br", "zstd", "compress", "x-compress"})


class DecodingError(Exception):
    """A body that cannot be decoded; the message is one line for the user."""


class _Inflater:
    """One gzip or deflate layer."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        self._raw_fallback = not self._gzip
        self._inflater = zlib.decompressobj(zlib.MAX_WBITS | 16 if self._gzip else zlib.MAX_WBITS)
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Inflate ``data`` in pieces of at most :data:`STEP` bytes."""
        pending = data
        while True:
            if self._inflater.eof:
                return  # like httpx: anything after the end of the stream is ignored
            try:
                piece = self._inflater.decompress(pending, STEP)
            except zlib.error as error:
                pending = self._retry_as_raw_deflate(pending, error)
                continue
            self._started = True
            pending = self._inflater.unconsumed_tail
            if piece:
                yield piece
            elif not pending:
                return

    def finish(self) -> Iterator[bytes]:
        """Whatever the layer still holds, in bounded pieces (a truncated stream ends here)."""
        yield from self.feed(b"")

    def _retry_as_raw_deflate(self, pending: bytes, error: zlib.error) -> bytes:
        """Servers send ``deflate`` both with and without the zlib header (as httpx allows)."""
        if not self._raw_fallback or self._started:
            raise DecodingError(f"the server sent a damaged compressed body ({error})") from None
        self._raw_fallback = False
        self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        return pending


class BoundedDecoder:
    """Decodes a body through its Content-Encoding layers, a bounded step at a time.

    Raises DecodingError for an encoding reader cannot decode, for more than
    :data:`MAX_LAYERS` layers and for a damaged stream.
    """

    def __init__(self, encodings: Sequence[str]) -> None:
        names = [name.strip().lower() for name in encodings]
        names = [name for name in names if name not in IDENTITY]
        for name in names:
            if name in UNSUPPORTED:
                raise DecodingError(
                    f"the server sent a body in {name[:20]!r}, which is not supported"
                )
        known = [name for name in names if name in ("gzip", "x-gzip", "deflate")]
        if len(known) > MAX_LAYERS:
            raise DecodingError(f"the body is compressed {len(known)} times over (refused)")
        # Encodings are listed in the order they were applied: undo them from the last.
        self._layers = [_Inflater(name) for name in reversed(known)]

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The decoded pieces of one raw chunk; none is longer than :data:`STEP`."""
        yield from self._through(0, data)

    def finish(self) -> Iterator[bytes]:
        """The decoded pieces still held by the layers once the raw body has ended."""
        for index, layer in enumerate(self._layers):
            for piece in layer.finish():
                yield from self._through(index + 1, piece)

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._layers):
            if data:
                yield data
            return
        for piece in self._layers[index].feed(data):
            yield from self._through(index + 1, piece)
