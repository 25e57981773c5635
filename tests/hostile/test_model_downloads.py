"""Hostile model downloads from a real HTTP server on 127.0.0.1: stacked compression,
bodies past the stated size, too many encodings. Each ends in one line, bounded memory,
and nothing left in the models or cache folders."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import time

import pytest
from pytest_httpserver import HTTPServer

from reader.core import packages
from reader.core.safe_archive import Staging
from reader.paths import get_paths
from reader.service import ReaderService, ServiceError
from tests.conftest import run_reader
from tests.support.bombs import stacked_gzip_of_zeros
from tests.support.measure import run_measured
from tests.support.tiny_argos import TinyPackages

STACKED = "gzip, gzip, gzip"


@pytest.fixture(scope="module")
def stacked_bomb() -> bytes:
    """gzip(gzip(gzip(2 GiB of zeros))): a few hundred bytes."""
    return stacked_gzip_of_zeros(2 * 1024**3, layers=3)


def index_entry(server: HTTPServer, **entry: object) -> dict[str, object]:
    return {
        "from_code": "ko",
        "to_code": "en",
        "package_version": "1.0",
        "type": "translate",
        "links": [server.url_for("/packages/ko_en.argosmodel")],
        **entry,
    }


def point_at(server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", server.url_for("/"))


def work_folders() -> list[str]:
    paths = get_paths()
    found = []
    for folder in (paths.cache_dir, paths.effective_models_dir()):
        if folder.exists():
            found += [
                p.name for p in folder.iterdir() if p.name.startswith((".installing", "download-"))
            ]
    return found


def test_a_stacked_gzip_index_is_refused_with_low_memory(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, stacked_bomb: bytes
) -> None:
    assert len(stacked_bomb) < 10_000
    httpserver.expect_request("/index.json").respond_with_data(
        stacked_bomb, headers={"Content-Encoding": STACKED}, content_type="application/json"
    )
    point_at(httpserver, monkeypatch)
    result, peak_mb = run_measured("models", "list", "--available")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "larger than 4 MB once decompressed" in result.stderr
    assert peak_mb < 300, peak_mb  # before: 4.2 GB


def test_a_compressed_index_still_works(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = gzip.compress(gzip.compress(json.dumps([index_entry(httpserver)]).encode()))
    httpserver.expect_request("/index.json").respond_with_data(
        body, headers={"Content-Encoding": "gzip, gzip"}, content_type="application/json"
    )
    point_at(httpserver, monkeypatch)
    _installed, available = ReaderService().models_list(fetch_index=True)
    assert available is not None and [m.pair for m in available] == ["ko-en"]


def test_too_many_encodings_are_refused(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = json.dumps([]).encode()
    for _ in range(5):
        body = gzip.compress(body)
    httpserver.expect_request("/index.json").respond_with_data(
        body, headers={"Content-Encoding": ", ".join(["gzip"] * 5)}
    )
    point_at(httpserver, monkeypatch)
    with pytest.raises(ServiceError, match="5 stacked Content-Encodings"):
        ReaderService().models_list(fetch_index=True)


def test_a_stacked_gzip_package_stops_at_the_stated_size(
    httpserver: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    tiny_packages: TinyPackages,
    stacked_bomb: bytes,
) -> None:
    size = tiny_packages.ko_en.stat().st_size
    httpserver.expect_request("/index.json").respond_with_json([index_entry(httpserver, size=size)])
    httpserver.expect_request("/packages/ko_en.argosmodel").respond_with_data(
        stacked_bomb, headers={"Content-Encoding": STACKED}, content_type="application/zip"
    )
    point_at(httpserver, monkeypatch)
    result, peak_mb = run_measured("models", "install", "ko-en")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "larger than the size the index states" in result.stderr
    assert peak_mb < 300, peak_mb  # before: 6.3 GB, and 2 GiB written to the cache
    assert work_folders() == []
    assert not any(get_paths().effective_models_dir().glob("translate-*"))


def test_a_package_without_a_stated_size_stops_at_the_ceiling(
    httpserver: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    tiny_packages: TinyPackages,
    stacked_bomb: bytes,
) -> None:
    monkeypatch.setattr(packages.argos_index, "MAX_ARCHIVE_BYTES", 8 * 1024**2)
    httpserver.expect_request("/index.json").respond_with_json([index_entry(httpserver)])
    httpserver.expect_request("/packages/ko_en.argosmodel").respond_with_data(
        stacked_bomb, headers={"Content-Encoding": STACKED}
    )
    point_at(httpserver, monkeypatch)
    with pytest.raises(ServiceError, match="larger than the ceiling"):
        ReaderService().models_install("ko-en")
    assert work_folders() == []


def test_an_index_stating_a_huge_size_is_refused_before_downloading(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_request("/index.json").respond_with_json(
        [index_entry(httpserver, size=50 * 1024**3)]
    )
    point_at(httpserver, monkeypatch)
    with pytest.raises(ServiceError, match="at most 2 GB"):
        ReaderService().models_install("ko-en")
    assert [request.path for request, _ in httpserver.log] == ["/index.json"]


def test_a_gzip_encoded_package_installs(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, tiny_packages: TinyPackages
) -> None:
    data = tiny_packages.ko_en.read_bytes()
    entry = index_entry(httpserver, size=len(data), sha256=hashlib.sha256(data).hexdigest())
    httpserver.expect_request("/index.json").respond_with_json([entry])
    httpserver.expect_request("/packages/ko_en.argosmodel").respond_with_data(
        gzip.compress(data), headers={"Content-Encoding": "gzip"}
    )
    point_at(httpserver, monkeypatch)
    model = ReaderService().models_install("ko-en")
    assert model.path.name == "translate-ko_en-1_0"
    assert work_folders() == []


def test_download_folders_of_a_killed_install_are_removed(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, tiny_packages: TinyPackages
) -> None:
    cache = get_paths().cache_dir
    old = cache / "download-old"  # an older reader's TemporaryDirectory, an hour old
    old.mkdir(parents=True)
    (old / "translate-ko_en.argosmodel").write_bytes(b"x" * 4096)
    hour_ago = time.time() - 3600
    os.utime(old, (hour_ago, hour_ago))
    held = Staging(cache, packages.DOWNLOAD_PREFIX)  # a live download of this process
    try:
        data = tiny_packages.ko_en.read_bytes()
        httpserver.expect_request("/index.json").respond_with_json([index_entry(httpserver)])
        httpserver.expect_request("/packages/ko_en.argosmodel").respond_with_data(data)
        point_at(httpserver, monkeypatch)
        result = run_reader("models", "install", "ko-en")
        assert result.returncode == 0, result.stderr
        assert work_folders() == [held.path.name]
    finally:
        held.close()
    assert work_folders() == []
