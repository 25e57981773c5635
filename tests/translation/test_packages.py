"""Model packages: validation, atomic install, upgrade, removal, download from an index."""

from __future__ import annotations

import hashlib
import json
import time
import zipfile
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from reader.core import packages
from reader.core.packages import PackageError, install_file, validate_archive
from reader.paths import get_paths
from reader.service import ReaderService, ServiceError
from tests.support.tiny_argos import TinyPackages


def models_dir() -> Path:
    return get_paths().effective_models_dir()


def leftovers() -> list[str]:
    folder = models_dir()
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def rewrite(archive: Path, target: Path, change: dict[str, bytes | None]) -> Path:
    """A copy of ``archive`` with some members replaced (bytes) or removed (None)."""
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            name = item.filename.split("/", 1)[1] if "/" in item.filename else item.filename
            if name in change:
                if change[name] is not None:
                    out.writestr(item, change[name])  # type: ignore[arg-type]
                continue
            out.writestr(item, source.read(item))
    return target


class TestInstallFile:
    def test_install_and_list(self, tiny_packages: TinyPackages) -> None:
        service = ReaderService()
        model = service.models_install(str(tiny_packages.ko_en))
        assert (model.pair, model.version, model.name) == ("ko-en", "1.0", "translate-ko_en")
        installed, available = service.models_list()
        assert [m.pair for m in installed] == ["ko-en"]
        assert installed[0].size_bytes > 1000
        assert available is None
        assert leftovers() == ["translate-ko_en-1_0"]  # named from metadata.json

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"metadata.json": None}, "no metadata.json"),
            ({"metadata.json": b"{not json"}, "not valid JSON"),
            ({"metadata.json": b'{"from_code": "ko", "to_code": "fr"}'}, "from_code/to_code"),
            ({"model/model.bin": None}, "no model/model.bin"),
            ({"sentencepiece.model": None}, "no sentencepiece.model or bpe.model"),
            ({"model/model.bin": b"garbage"}, "the CTranslate2 model does not load"),
        ],
    )
    def test_broken_package_leaves_nothing(
        self,
        tiny_packages: TinyPackages,
        tmp_path: Path,
        change: dict[str, bytes | None],
        message: str,
    ) -> None:
        broken = rewrite(tiny_packages.ko_en, tmp_path / "broken.argosmodel", change)
        with pytest.raises(ServiceError, match=message) as raised:
            ReaderService().models_install(str(broken))
        assert "\n" not in str(raised.value)
        assert leftovers() == []

    def test_not_a_zip(self, tmp_path: Path) -> None:
        fake = tmp_path / "fake.argosmodel"
        fake.write_text("hello")
        with pytest.raises(PackageError, match="not a zip archive"):
            validate_archive(fake)

    def test_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(ServiceError, match="no such file"):
            ReaderService().models_install(str(tmp_path / "nothing.argosmodel"))

    def test_two_top_level_folders(self, tmp_path: Path) -> None:
        archive = tmp_path / "two.argosmodel"
        with zipfile.ZipFile(archive, "w") as zip_file:
            zip_file.writestr("a/metadata.json", "{}")
            zip_file.writestr("b/metadata.json", "{}")
        with pytest.raises(PackageError, match="one top-level folder, found 2"):
            validate_archive(archive)

    def test_unsafe_paths_are_refused(self, tmp_path: Path) -> None:
        archive = tmp_path / "slip.argosmodel"
        with zipfile.ZipFile(archive, "w") as zip_file:
            zip_file.writestr("pkg/../../evil.txt", "x")
        with pytest.raises(PackageError, match="unsafe path"):
            validate_archive(archive)

    def test_upgrade_replaces_and_drops_only_old_cache(
        self, tiny_packages: TinyPackages, tmp_path: Path
    ) -> None:
        service = ReaderService()
        service.models_install(str(tiny_packages.ko_en))
        service.models_install(str(tiny_packages.en_ko))
        service.translations.translate(["고양이."], "ko", "en")
        service.translations.translate(["The cat."], "en", "ko")
        newer = _with_version(tiny_packages.ko_en, tmp_path / "newer.argosmodel", "1.1")
        model = service.models_install(str(newer))
        assert model.version == "1.1"
        assert [m.version for m in service.models_list()[0] if m.pair == "ko-en"] == ["1.1"]
        cached = [row[0] for row in service.store.query("SELECT model FROM translations")]
        assert cached == ["translate-en_ko@1.0"]
        assert service.translate_text("고양이.")["model"] == "translate-ko_en@1.1"

    def test_remove(self, installed_tiny_models: Path) -> None:
        service = ReaderService()
        removed = service.models_remove("ko-en")
        assert [m.pair for m in removed] == ["ko-en"]
        assert leftovers() == ["translate-en_ko-1_0"]
        with pytest.raises(ServiceError, match="no ko→en model is installed"):
            service.models_remove("ko-en")
        with pytest.raises(ServiceError, match="unknown language pair"):
            service.models_remove("ko-fr")


def _with_version(archive: Path, target: Path, version: str) -> Path:
    with zipfile.ZipFile(archive) as zip_file:
        top = zip_file.namelist()[0].split("/")[0]
        metadata = json.loads(zip_file.read(f"{top}/metadata.json"))
    metadata["package_version"] = version
    return rewrite(archive, target, {"metadata.json": json.dumps(metadata).encode()})


class TestDownload:
    def serve(
        self, server: HTTPServer, archive: Path, monkeypatch: pytest.MonkeyPatch, **entry: object
    ) -> None:
        data = archive.read_bytes()
        index = [
            {
                "from_code": "ko",
                "to_code": "en",
                "package_version": "1.0",
                "type": "translate",
                "links": [server.url_for("/packages/ko_en.argosmodel")],
                **entry,
            }
        ]
        server.expect_request("/index.json").respond_with_json(index)
        server.expect_request("/packages/ko_en.argosmodel").respond_with_data(
            data, content_type="application/zip"
        )
        monkeypatch.setenv("ARGOS_PACKAGE_INDEX", server.url_for("/"))

    def test_install_by_pair_with_progress(
        self, httpserver: HTTPServer, tiny_packages: TinyPackages, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        digest = hashlib.sha256(tiny_packages.ko_en.read_bytes()).hexdigest()
        self.serve(httpserver, tiny_packages.ko_en, monkeypatch, sha256=digest)
        progress: list[tuple[int, int | None]] = []
        service = ReaderService()
        model = service.models_install(
            "ko-en", progress=lambda got, total: progress.append((got, total))
        )
        assert model.pair == "ko-en"
        size = tiny_packages.ko_en.stat().st_size
        assert progress[-1] == (size, size)
        _installed, available = service.models_list()
        assert available is not None and [m.pair for m in available] == ["ko-en"]

    def test_checksum_mismatch_installs_nothing(
        self, httpserver: HTTPServer, tiny_packages: TinyPackages, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        self.serve(httpserver, tiny_packages.ko_en, monkeypatch, sha256="0" * 64)
        with pytest.raises(ServiceError, match="damaged"):
            ReaderService().models_install("ko-en")
        assert leftovers() == []

    def test_size_mismatch_installs_nothing(
        self, httpserver: HTTPServer, tiny_packages: TinyPackages, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        self.serve(httpserver, tiny_packages.ko_en, monkeypatch, size=10**6)
        with pytest.raises(ServiceError, match="incomplete"):
            ReaderService().models_install("ko-en")
        assert leftovers() == []

    def test_pair_missing_from_index(
        self, httpserver: HTTPServer, tiny_packages: TinyPackages, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        self.serve(httpserver, tiny_packages.ko_en, monkeypatch)
        with pytest.raises(ServiceError, match="has no en→ko package"):
            ReaderService().models_install("en-ko")

    @pytest.mark.usefixtures("no_network")
    def test_offline_fails_fast_with_one_line(self) -> None:
        started = time.monotonic()
        with pytest.raises(ServiceError) as raised:
            ReaderService().models_install("ko-en")
        assert time.monotonic() - started < 5
        message = str(raised.value)
        assert "\n" not in message
        assert "are you offline?" in message
        assert "reader models install FILE.argosmodel" in message
        assert leftovers() == []

    def test_unreachable_index_fails_fast(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("ARGOS_PACKAGE_INDEX", "http://127.0.0.1:9/")
        started = time.monotonic()
        with pytest.raises(ServiceError, match="cannot download the Argos package index"):
            ReaderService().models_install("ko-en")
        assert time.monotonic() - started < 5


def test_listing_ignores_folders_that_are_not_packages(installed_tiny_models: Path) -> None:
    (installed_tiny_models / "stray").mkdir()
    (installed_tiny_models / "broken").mkdir()
    (installed_tiny_models / "broken" / "metadata.json").write_text("{oops")
    assert [m.pair for m in packages.installed_models(installed_tiny_models)] == ["en-ko", "ko-en"]


def test_install_file_returns_what_it_replaced(tiny_packages: TinyPackages) -> None:
    first, replaced = install_file(tiny_packages.ko_en, models_dir())
    assert replaced == []
    again, replaced = install_file(tiny_packages.ko_en, models_dir())
    assert [m.version for m in replaced] == ["1.0"]
    assert again.path == first.path
