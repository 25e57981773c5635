"""Stacked compression bombs against every feed and page download path.

A real server on 127.0.0.1 sends a few hundred bytes of gzip(gzip(gzip(zeros)));
each download runs in its own process, which reports its peak RSS (VmHWM), so the
figure is that of the download alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from collections.abc import Iterator
from functools import cache

import pytest
from pytest_httpserver import HTTPServer

from reader.core.decoding import STEP, BoundedDecoder, DecodingError

INFLATED = 512 * 2**20
"""What the bomb inflates to: far past the 10 MB body cap."""

PEAK_LIMIT_MB = 300
"""A process that imports reader, httpx and feedparser and downloads a 10 MB body."""


def gzip_stream(chunks: Iterator[bytes]) -> Iterator[bytes]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    for chunk in chunks:
        compressed = compressor.compress(chunk)
        if compressed:
            yield compressed
    yield compressor.flush()


def zeros(size: int) -> Iterator[bytes]:
    block = bytes(2**20)
    for _ in range(size // len(block)):
        yield block


@cache
def stacked_bomb(layers: int = 3, size: int = INFLATED) -> bytes:
    stream: Iterator[bytes] = zeros(size)
    for _ in range(layers):
        stream = gzip_stream(stream)
    return b"".join(stream)


DOWNLOAD = """
import json, sys
from reader.config import Config, RefreshConfig
from reader.service import ReaderService

kind, url = sys.argv[1], sys.argv[2]
service = ReaderService(config=Config(refresh=RefreshConfig(total_timeout=30.0)))
error = None
try:
    if kind == "add":
        service.add_feed(url)
    elif kind == "refresh":
        feeds = [service.store.add_feed(f"{url}?n={n}")[0] for n in range(3)]
        results = service.refresh(feed_ids=[feed.id for feed in feeds])
        error = "; ".join(sorted({result.error or "" for result in results}))
    elif kind == "open":
        service.open_url(url)
    elif kind == "fetch-full":
        from reader.core.models import EntryData
        feed, _ = service.store.add_feed("http://127.0.0.1:9/feed.xml")
        service.store.upsert_entries(feed.id, [EntryData(guid="1", title="t", paragraphs=["x"], url=url)])
        (article,) = service.list_articles()
        service.fetch_full(article.id)
except Exception as failure:
    error = str(failure)
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
print(json.dumps({"peak_mb": peak // 1024, "error": error}))
"""


def download_in_process(kind: str, url: str) -> dict[str, object]:
    process = subprocess.run(
        [sys.executable, "-c", DOWNLOAD, kind, url],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
    )
    assert process.returncode == 0, process.stderr[-2000:]
    result: dict[str, object] = json.loads(process.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["add", "refresh", "open", "fetch-full"])
def test_stacked_gzip_is_refused_at_the_cap_with_little_memory(
    httpserver: HTTPServer, kind: str
) -> None:
    bomb = stacked_bomb()
    assert len(bomb) < 20_000
    httpserver.expect_request("/bomb").respond_with_data(
        bomb,
        headers={"Content-Type": "application/rss+xml", "Content-Encoding": "gzip, gzip, gzip"},
    )
    outcome = download_in_process(kind, httpserver.url_for("/bomb"))
    assert "too large" in str(outcome["error"])
    assert int(str(outcome["peak_mb"])) < PEAK_LIMIT_MB, outcome


class TestBoundedDecoder:
    def test_every_piece_is_bounded(self) -> None:
        decoder = BoundedDecoder(["gzip", "gzip"])
        bomb = stacked_bomb(2, 8 * 2**20)
        pieces = [len(piece) for piece in decoder.feed(bomb)] + [
            len(piece) for piece in decoder.finish()
        ]
        assert sum(pieces) == 8 * 2**20
        assert max(pieces) <= STEP

    def test_layers_are_undone_last_first_and_deflate_both_ways(self) -> None:
        text = b"<rss>hello</rss>" * 1000
        raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        raw_deflate = raw.compress(text) + raw.flush()
        gzipped = b"".join(gzip_stream(iter([raw_deflate])))
        decoder = BoundedDecoder(["deflate", "gzip"])
        decoded = b"".join([*decoder.feed(gzipped[:100]), *decoder.feed(gzipped[100:])])
        assert decoded + b"".join(decoder.finish()) == text
        wrapped = BoundedDecoder(["deflate"])
        assert b"".join(wrapped.feed(zlib.compress(text))) == text

    @pytest.mark.parametrize(
        "encodings", [["br"], ["gzip"] * 5, ["zstd", "gzip"]], ids=["br", "five", "zstd"]
    )
    def test_refused_encodings(self, encodings: list[str]) -> None:
        with pytest.raises(DecodingError):
            BoundedDecoder(encodings)

    def test_damaged_stream(self) -> None:
        decoder = BoundedDecoder(["gzip"])
        with pytest.raises(DecodingError):
            list(decoder.feed(b"\x1f\x8b\x08\x00garbage-garbage"))
