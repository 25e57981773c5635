"""Hostile model folders, archives and hub answers: refused in one line, bounded in time."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tarfile
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from reader.core.model_install import InstallError, download_entry
from reader.core.model_registry import CatalogueEntry, CatalogueFile, Quality
from reader.paths import get_paths
from reader.service import ReaderService, ServiceError
from tests.conftest import run_reader
from tests.support.tiny_families import TinyFamilies

pytestmark = pytest.mark.timeout(60)


def leftovers() -> list[str]:
    folder = get_paths().own_models_dir
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_fifo_posing_as_model_bin_does_not_hang(
    tiny_families: TinyFamilies, tmp_path: Path
) -> None:
    folder = shutil.copytree(tiny_families.nllb, tmp_path / "fifo-model")
    (folder / "model.bin").unlink()
    os.mkfifo(folder / "model.bin")
    with pytest.raises(ServiceError, match="special file"):
        ReaderService().models_install(str(folder))
    assert leftovers() == []


def test_a_zip_bomb_is_refused_before_it_is_extracted(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zip_file:
        zip_file.writestr("bomb/model.bin", b"\0" * (40 * 1024**2))
        zip_file.writestr("bomb/config.json", b"{}")
    with pytest.raises(ServiceError, match="zip bomb"):
        ReaderService().models_install(str(archive))
    assert leftovers() == []


def test_links_inside_a_tar_are_refused(tmp_path: Path) -> None:
    archive = tmp_path / "links.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        link = tarfile.TarInfo("model/model.bin")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tar.addfile(link)
    with pytest.raises(ServiceError, match="link"):
        ReaderService().models_install(str(archive))
    assert leftovers() == []


def test_escape_sequences_in_a_name_never_reach_the_terminal(
    tiny_families: TinyFamilies, tmp_path: Path
) -> None:
    folder = shutil.copytree(tiny_families.nllb, tmp_path / "evil\x1b]0;owned\x07\x1b[31m")
    result = run_reader("models", "install", str(folder))
    assert result.returncode == 1
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert leftovers() == []


def test_a_vocabulary_that_is_not_a_list(tiny_families: TinyFamilies, tmp_path: Path) -> None:
    folder = shutil.copytree(tiny_families.nllb, tmp_path / "odd-vocab")
    (folder / "shared_vocabulary.json").write_text('{"kor_Hang": 1}', "utf-8")
    with pytest.raises(ServiceError, match="not a JSON list"):
        ReaderService().models_install(str(folder))


def test_a_server_sending_more_than_the_catalogue_says(
    httpserver: HTTPServer, tiny_families: TinyFamilies, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", httpserver.url_for("/").rstrip("/"))
    path = tiny_families.nllb / "config.json"
    data = path.read_bytes()
    file = CatalogueFile(
        "config.json", "r/x", "0" * 40, len(data), hashlib.sha256(data).hexdigest()
    )
    entry = CatalogueEntry(
        "hostile", "nllb", ("ko-en",), "MIT", False, len(data), 1,
        (Quality("ko-en", "-", "-"),), "", "", "r/x", "0" * 40, (file,),
    )  # fmt: skip
    httpserver.expect_request("/r/x/resolve/" + "0" * 40 + "/config.json").respond_with_data(
        data + b" " * (2 * 1024**2)
    )
    with pytest.raises(InstallError, match="larger than expected"):
        download_entry(entry, get_paths().own_models_dir)
    unsized = replace(entry, files=(replace(file, size=None, sha256=None),))
    with pytest.raises(InstallError, match="larger than expected"):
        download_entry(unsized, get_paths().own_models_dir)  # over the entry's size + 10 % + 1 MB
    assert leftovers() == []


def test_a_member_with_an_unsafe_name_in_a_zip(tmp_path: Path) -> None:
    archive = tmp_path / "names.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zip_file:
        zip_file.writestr("model/../../escape.txt", b"x")
    archive.write_bytes(buffer.getvalue())
    with pytest.raises(ServiceError, match="unsafe"):
        ReaderService().models_install(str(archive))
    assert not (tmp_path.parent / "escape.txt").exists()
