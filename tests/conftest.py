"""Fixtures shared by every test: each test gets its own READER_HOME."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.translation_fixtures import (  # noqa: F401  (shared fixtures)
    ambiguous_package,
    installed_families,
    installed_tiny_models,
    no_network,
    random_package,
    sentinel_breaking_package,
    tiny_families,
    tiny_packages,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_CORPUS = REPO_ROOT.parent / "shared" / "corpus"


@pytest.fixture(autouse=True)
def reader_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh, empty READER_HOME for every test (config, database, cache, models)."""
    home = tmp_path / "reader-home"
    home.mkdir()
    monkeypatch.setenv("READER_HOME", str(home))
    monkeypatch.delenv("READER_THEME", raising=False)
    # Never the developer's real keyring: account keys go to files unless a test
    # chooses a keyring backend of its own.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    yield home


@pytest.fixture
def corpus() -> Path:
    """The shared feed corpus; tests using it skip when it is absent."""
    if not SHARED_CORPUS.is_dir():
        pytest.skip("../shared/corpus is not available")
    return SHARED_CORPUS


@dataclass
class Completed:
    returncode: int
    stdout: str
    stderr: str


def run_reader(*args: str, input: str | None = None, timeout: float = 60) -> Completed:
    """Run the real ``reader`` command in a subprocess with the current environment."""
    process = subprocess.run(
        [sys.executable, "-m", "reader", *args],
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=os.environ.copy(),
    )
    return Completed(process.returncode, process.stdout, process.stderr)
