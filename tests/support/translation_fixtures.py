"""Fixtures for anything that translates: tiny models built once, installed per test.

Imported by tests/conftest.py so that the translation and UI tests share them.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.tiny_argos import TinyPackages, build_tiny_packages
from tests.support.tiny_families import TinyFamilies, build_tiny_families


@pytest.fixture(scope="session")
def tiny_packages(tmp_path_factory: pytest.TempPathFactory) -> TinyPackages:
    """The tiny ko→en and en→ko ``.argosmodel`` files (built once per test session)."""
    return build_tiny_packages(tmp_path_factory.mktemp("tiny-argos"))


@pytest.fixture(scope="session")
def sentinel_breaking_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny ko→en ``.argosmodel`` that damages the glossary's sentinels (1 → 2)."""
    from tests.support.tiny_argos import build_sentinel_breaking_package

    return build_sentinel_breaking_package(tmp_path_factory.mktemp("tiny-breaking"))


@pytest.fixture(scope="session")
def ambiguous_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny ko→en ``.argosmodel`` with two equally likely translations of 고양이."""
    from tests.support.tiny_argos import build_ambiguous_package

    return build_ambiguous_package(tmp_path_factory.mktemp("tiny-ambiguous"))


@pytest.fixture(scope="session")
def random_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny ko→en ``.argosmodel`` with random weights."""
    from tests.support.tiny_argos import build_random_package

    return build_random_package(tmp_path_factory.mktemp("tiny-random"))


@pytest.fixture
def installed_tiny_models(tiny_packages: TinyPackages, reader_home: Path) -> Path:
    """Both tiny packages installed into this test's READER_HOME; returns the models folder."""
    from reader.core.packages import install_file
    from reader.paths import get_paths

    models_dir = get_paths().effective_models_dir()
    install_file(tiny_packages.ko_en, models_dir)
    install_file(tiny_packages.en_ko, models_dir)
    return models_dir


@pytest.fixture(scope="session")
def tiny_families(tmp_path_factory: pytest.TempPathFactory) -> TinyFamilies:
    """Tiny OPUS-MT ko→en, NLLB-200 and M2M-100 model folders (built once per session)."""
    return build_tiny_families(tmp_path_factory.mktemp("tiny-families"))


@pytest.fixture
def installed_families(tiny_families: TinyFamilies, reader_home: Path) -> Path:
    """The three tiny family models copied into this test's own models folder."""
    import shutil

    from reader.paths import get_paths

    own = get_paths().own_models_dir
    own.mkdir(parents=True, exist_ok=True)
    for folder in (tiny_families.marian_ko_en, tiny_families.nllb, tiny_families.m2m100):
        shutil.copytree(folder, own / folder.name)
    return own


class NetworkBlockedError(OSError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Any attempt to resolve a name or open a network connection raises; attempts are listed."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise NetworkBlockedError("network access attempted in an offline test")

    original_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family == socket.AF_UNIX:
            return original_connect(self, address)
        return refuse(address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    yield attempts
