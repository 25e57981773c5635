"""``reader models install`` for folders, archives and hub downloads: checked and atomic."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import socket
import tarfile
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from reader.core.model_install import InstallError, download_entry
from reader.core.model_registry import CatalogueEntry, CatalogueFile, Quality
from reader.core.translation import Outcome
from reader.paths import get_paths
from reader.service import LicenceNotAcceptedError, ReaderService, ServiceError
from tests.conftest import run_reader
from tests.support.tiny_families import TinyFamilies, tar_folder, zip_folder

KO = "고양이 가 학교 간다."
REPO, REVISION = "tests/nllb-tiny-ct2", "0123456789abcdef0123456789abcdef01234567"


def own_dir() -> Path:
    return get_paths().own_models_dir


def leftovers() -> list[str]:
    """Everything in reader's models folder (staging folders would show here)."""
    folder = own_dir()
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


class TestFromAPath:
    def test_a_marian_folder_with_its_pair_in_its_name(self, tiny_families: TinyFamilies) -> None:
        service = ReaderService()
        model = service.models_install(str(tiny_families.marian_ko_en))
        assert (model.name, model.family, model.pairs) == (
            "opus-mt-ko-en",
            "marian",
            (("ko", "en"),),
        )
        assert model.version.startswith("local-")
        assert leftovers() == ["opus-mt-ko-en"]
        info = json.loads((model.path / "reader-model.json").read_text("utf-8"))
        assert info["pairs"] == ["ko-en"] and info["family"] == "marian"
        outcome = service.translations.translate(["고양이 학교 책."], "ko", "en")
        assert outcome == [Outcome("cat school book.")]
        assert tiny_families.marian_ko_en.exists()  # the source is copied, not moved

    def test_name_and_pair_given(self, tiny_families: TinyFamilies, tmp_path: Path) -> None:
        folder = shutil.copytree(tiny_families.marian_ko_en, tmp_path / "weights")
        service = ReaderService()
        with pytest.raises(ServiceError, match="--pair ko-en or en-ko") as caught:
            service.models_install(str(folder))
        assert "\n" not in str(caught.value) and leftovers() == []
        model = service.models_install(str(folder), name="my-opus", pair="ko-en")
        assert (model.name, model.pairs) == ("my-opus", (("ko", "en"),))
        with pytest.raises(ServiceError, match="unsuitable model name"):
            service.models_install(str(folder), name="../evil", pair="ko-en")

    @pytest.mark.parametrize("kind", ["zip", "tar.gz"])
    def test_an_archive_of_a_folder(
        self, tiny_families: TinyFamilies, tmp_path: Path, kind: str
    ) -> None:
        pack = zip_folder if kind == "zip" else tar_folder
        archive = pack(tiny_families.nllb, tmp_path / f"nllb-tiny.{kind}")
        service = ReaderService()
        model = service.models_install(str(archive))
        assert (model.name, model.family) == ("nllb-tiny", "nllb")
        assert leftovers() == ["nllb-tiny"]
        assert service.translations.translate([KO], "ko", "en") == [Outcome("cat 가 school 간다.")]
        assert service.translations.translate(["The cat reads a book."], "en", "ko") == [
            Outcome("The 고양이 reads a 책.")
        ]

    def test_an_archive_of_the_files_themselves(
        self, tiny_families: TinyFamilies, tmp_path: Path
    ) -> None:
        archive = tmp_path / "m2m-flat.zip"
        with zipfile.ZipFile(archive, "w") as zip_file:
            for path in tiny_families.m2m100.iterdir():
                zip_file.write(path, path.name)
        model = ReaderService().models_install(str(archive))
        assert (model.name, model.family) == ("m2m-flat", "m2m100")

    def test_installing_again_replaces_and_drops_only_the_old_cache(
        self, tiny_families: TinyFamilies
    ) -> None:
        service = ReaderService()
        first = service.models_install(str(tiny_families.nllb))
        service.models_install(str(tiny_families.m2m100))
        service.translations.translate([KO], "ko", "en", model="nllb-tiny")
        service.translations.translate([KO], "ko", "en", model="m2m100-tiny")
        again = service.models_install(str(tiny_families.nllb))  # the same files: cache kept
        assert again.model_id == first.model_id
        assert service.store.query("SELECT COUNT(*) FROM translations")[0][0] == 2
        other = service.models_install(str(tiny_families.m2m100), name="nllb-tiny")
        assert other.family == "m2m100" and other.version != first.version
        rows = service.store.query("SELECT model FROM translations ORDER BY model")
        assert [row[0] for row in rows] == [f"m2m100-tiny@{other.version}"]
        assert leftovers() == ["m2m100-tiny", "nllb-tiny"]

    @pytest.mark.parametrize(
        ("damage", "message"),
        [
            ("no-model", "no model.bin"),
            ("garbage-model", "does not load"),
            ("no-tokenizer", "no tokenizer"),
        ],
    )
    def test_a_broken_folder_leaves_nothing(
        self, tiny_families: TinyFamilies, tmp_path: Path, damage: str, message: str
    ) -> None:
        folder = shutil.copytree(tiny_families.nllb, tmp_path / "broken-nllb")
        if damage == "no-model":
            (folder / "model.bin").unlink()
        elif damage == "garbage-model":
            (folder / "model.bin").write_bytes(b"\x00" * 4096)
        else:
            (folder / "sentencepiece.bpe.model").unlink()
        with pytest.raises(ServiceError, match=message) as caught:
            ReaderService().models_install(str(folder))
        assert "\n" not in str(caught.value)
        assert leftovers() == []

    def test_links_and_unsafe_paths_are_refused(
        self, tiny_families: TinyFamilies, tmp_path: Path
    ) -> None:
        folder = shutil.copytree(tiny_families.nllb, tmp_path / "linked")
        (folder / "extra.txt").symlink_to("/etc/passwd")
        service = ReaderService()
        with pytest.raises(ServiceError, match="link"):
            service.models_install(str(folder))
        archive = tmp_path / "escape.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            data = b"evil"
            info = tarfile.TarInfo("../outside.txt")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        with pytest.raises(ServiceError, match="unsafe path"):
            service.models_install(str(archive))
        assert not (own_dir().parent / "outside.txt").exists()
        linked = tmp_path / "a-link"
        linked.symlink_to(tiny_families.nllb)
        with pytest.raises(ServiceError, match="symbolic link"):
            service.models_install(str(linked))
        assert leftovers() == []

    def test_something_that_is_none_of_them(self, tmp_path: Path) -> None:
        with pytest.raises(ServiceError, match="no such file or folder, nor a model of"):
            ReaderService().models_install(str(tmp_path / "no-such-folder"))
        with pytest.raises(ServiceError, match="unknown language pair"):
            ReaderService().models_install("ko-fr")

    def test_the_cli_says_one_line(self, tiny_families: TinyFamilies, tmp_path: Path) -> None:
        good = run_reader("models", "install", str(tiny_families.m2m100), "--name", "m2m")
        assert good.returncode == 0, good.stderr
        assert good.stdout.startswith("installed m2m (ko-en,en-ko) local-")
        bad = run_reader("models", "install", str(tmp_path / "missing.zip"))
        assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1


# -- downloads ---------------------------------------------------------------------------------


def tiny_entry(folder: Path, **changes: object) -> CatalogueEntry:
    """A catalogue entry for the tiny NLLB model, as it would be served by the hub."""
    files = tuple(
        CatalogueFile(
            path=path.name,
            repo=REPO,
            revision=REVISION,
            size=path.stat().st_size,
            sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        )
        for path in sorted(folder.iterdir())
    )
    entry = CatalogueEntry(
        name="nllb-tiny-hub",
        family="nllb",
        pairs=("ko-en", "en-ko"),
        licence="CC-BY-NC-4.0",
        non_commercial=True,
        size_bytes=sum(f.size or 0 for f in files),
        rank=1,
        quality=(Quality("ko-en", "n/a", "test"),),
        note="",
        verified="test",
        repo=REPO,
        revision=REVISION,
        files=files,
    )
    return replace(entry, **changes)  # type: ignore[arg-type]


def serve_like_the_hub(server: HTTPServer, folder: Path, etag: bool = False) -> None:
    for path in folder.iterdir():
        headers = {"ETag": f'"{hashlib.sha256(path.read_bytes()).hexdigest()}"'} if etag else {}
        server.expect_request(f"/{REPO}/resolve/{REVISION}/{path.name}").respond_with_data(
            path.read_bytes(), headers=headers
        )


@pytest.fixture
def hub(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> HTTPServer:
    monkeypatch.setenv("HF_ENDPOINT", httpserver.url_for("/").rstrip("/"))
    return httpserver


class TestDownload:
    def test_success_with_progress(self, hub: HTTPServer, tiny_families: TinyFamilies) -> None:
        serve_like_the_hub(hub, tiny_families.nllb)
        entry = tiny_entry(tiny_families.nllb)
        seen: list[tuple[int, int | None]] = []
        installed = download_entry(entry, own_dir(), lambda done, total: seen.append((done, total)))
        model = installed.model
        assert (model.name, model.family, model.version) == ("nllb-tiny-hub", "nllb", REVISION[:12])
        assert model.licence == "CC-BY-NC-4.0"
        assert seen[-1] == (entry.size_bytes, entry.size_bytes)
        assert leftovers() == ["nllb-tiny-hub"]
        translated = ReaderService().translations.translate([KO], "ko", "en", model=model.name)
        assert translated == [Outcome("cat 가 school 간다.")]

    def test_the_lfs_etag_is_the_checksum_when_the_catalogue_has_none(
        self, hub: HTTPServer, tiny_families: TinyFamilies
    ) -> None:
        serve_like_the_hub(hub, tiny_families.nllb, etag=True)
        entry = tiny_entry(tiny_families.nllb)
        unsummed = replace(
            entry, files=tuple(replace(f, sha256=None, size=None) for f in entry.files)
        )
        assert download_entry(unsummed, own_dir()).model.name == "nllb-tiny-hub"

    def test_a_wrong_etag_is_refused(self, hub: HTTPServer, tiny_families: TinyFamilies) -> None:
        for path in tiny_families.nllb.iterdir():
            hub.expect_request(f"/{REPO}/resolve/{REVISION}/{path.name}").respond_with_data(
                path.read_bytes(), headers={"ETag": '"' + "0" * 64 + '"'}
            )
        entry = tiny_entry(tiny_families.nllb)
        unsummed = replace(entry, files=tuple(replace(f, sha256=None) for f in entry.files))
        with pytest.raises(InstallError, match="sha256 does not match"):
            download_entry(unsummed, own_dir())
        assert leftovers() == []

    def test_wrong_checksum(self, hub: HTTPServer, tiny_families: TinyFamilies) -> None:
        serve_like_the_hub(hub, tiny_families.nllb)
        entry = tiny_entry(tiny_families.nllb)
        files = list(entry.files)
        files[-1] = replace(files[-1], sha256="f" * 64)
        with pytest.raises(InstallError, match="damaged"):
            download_entry(replace(entry, files=tuple(files)), own_dir())
        assert leftovers() == []

    def test_truncated_body(self, hub: HTTPServer, tiny_families: TinyFamilies) -> None:
        entry = tiny_entry(tiny_families.nllb)
        for file in entry.files:
            data = (tiny_families.nllb / file.path).read_bytes()
            hub.expect_request(f"/{REPO}/resolve/{REVISION}/{file.path}").respond_with_data(
                data[: len(data) // 2]
            )
        with pytest.raises(InstallError, match="incomplete"):
            download_entry(entry, own_dir())
        assert leftovers() == []

    def test_a_connection_cut_short(self, hub: HTTPServer, tiny_families: TinyFamilies) -> None:
        def cut(request: Request) -> Response:
            return Response(b"x" * 100, headers={"Content-Length": "100000"})

        entry = tiny_entry(tiny_families.nllb)
        hub.expect_request(
            f"/{REPO}/resolve/{REVISION}/{entry.files[0].path}"
        ).respond_with_handler(cut)
        with pytest.raises(InstallError) as caught:
            download_entry(entry, own_dir())
        assert "\n" not in str(caught.value)
        assert leftovers() == []

    def test_404(self, hub: HTTPServer, tiny_families: TinyFamilies) -> None:
        entry = tiny_entry(tiny_families.nllb)
        hub.expect_request(f"/{REPO}/resolve/{REVISION}/{entry.files[0].path}").respond_with_data(
            "Entry not found", status=404
        )
        with pytest.raises(InstallError, match="HTTP 404"):
            download_entry(entry, own_dir())
        assert leftovers() == []

    def test_refused_connection_fails_fast(
        self, tiny_families: TinyFamilies, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
        started = time.monotonic()
        with pytest.raises(InstallError, match="are you offline") as caught:
            download_entry(tiny_entry(tiny_families.nllb), own_dir())
        assert time.monotonic() - started < 5
        assert "\n" not in str(caught.value)
        assert leftovers() == []

    def test_a_non_commercial_licence_needs_a_yes(self, hub: HTTPServer) -> None:
        service = ReaderService()
        with pytest.raises(LicenceNotAcceptedError, match=r"CC-BY-NC-4\.0.*--accept-licence"):
            service.models_install("nllb-200-distilled-600M-int8")
        assert hub.log == []  # nothing was requested
        cli = run_reader("models", "install", "nllb-200-distilled-600M-int8")
        assert cli.returncode == 1
        assert "non-commercial use only" in cli.stderr and "--accept-licence" in cli.stderr
        assert hub.log == []
        accepted = run_reader(
            "models", "install", "nllb-200-distilled-600M-int8", "--accept-licence"
        )
        assert accepted.returncode == 1 and "HTTP 500" in accepted.stderr  # the server has none
        assert len(hub.log) == 1  # the first file was asked for, from the pinned revision
        assert "/osa911/nllb-200-distilled-600M-ct2-int8/resolve/46858753" in hub.log[0][0].url
        assert leftovers() == []

    def test_an_entry_without_a_verified_download_says_how_to_get_it(self) -> None:
        with pytest.raises(ServiceError, match="ct2-transformers-converter"):
            ReaderService().models_install("opus-mt-ko-en")
