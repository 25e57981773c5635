"""What every part of package handling shares: the installed and available model
records, the one error type, the size limits, and argostranslate's package module."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from reader.core.safe_archive import (
    ArchiveLimits,
)

log = logging.getLogger("reader.core.packages")

SUPPORTED_LANGUAGES = ("ko", "en")
DEFAULT_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"
INDEX_FILE_NAME = "argos-index.json"
CONNECT_TIMEOUT = 4.0
READ_TIMEOUT = 30.0
MAX_ARCHIVE_BYTES = 2 * 1024**3
"""Largest uncompressed package accepted (real ko/en packages are ~120 MB)."""

ProgressCallback = Callable[[int, int | None], None]
"""Called with (bytes so far, total bytes or None) while downloading."""


class PackageError(Exception):
    """A package cannot be installed, found or removed; one line for the user."""


@dataclass(frozen=True)
class InstalledModel:
    """An installed translation package."""

    path: Path
    source: str
    target: str
    version: str
    tokenizer: str
    """``sentencepiece``, ``bpe`` or ``none``."""
    multilingual: bool
    target_prefix: str
    size_bytes: int
    family: str = "argos"
    """``argos``, ``marian``, ``nllb`` or ``m2m100`` (see core/model_families.py)."""
    label: str = ""
    """The model's name for the other families (its folder's name); empty for Argos."""
    licence: str | None = None

    @property
    def pair(self) -> str:
        return f"{self.source}-{self.target}"

    @property
    def name(self) -> str:
        """The cache key prefix of every version: ``translate-ko_en`` for an Argos package
        (the argospm name), the folder's name for the other families."""
        return self.label or f"translate-{self.source}_{self.target}"

    @property
    def model_id(self) -> str:
        return f"{self.name}@{self.version}"


@dataclass(frozen=True)
class AvailableModel:
    """A package listed in the Argos package index."""

    source: str
    target: str
    version: str
    links: tuple[str, ...]
    size_bytes: int | None
    checksum: str | None

    @property
    def pair(self) -> str:
        return f"{self.source}-{self.target}"


def install_command(source: str, target: str) -> str:
    return f"reader models install {source}-{target}"


def no_model_message(source: str, target: str) -> str:
    return (
        f"no {source}→{target} model installed: run `{install_command(source, target)}`"
        " (or `reader models install FILE.argosmodel`)"
    )


def argos_package_module(models_dir: Path) -> ModuleType:
    """``argostranslate.package`` with its settings pointed at ``models_dir``."""
    models_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("ARGOS_PACKAGES_DIR", str(models_dir))
    import argostranslate.package
    import argostranslate.settings

    settings: Any = argostranslate.settings
    settings.package_data_dir = models_dir
    settings.package_dirs = [models_dir]
    module: ModuleType = argostranslate.package
    return module


INSTALLED_LIMITS = ArchiveLimits()
"""What an installed package folder may hold (the same as an archive)."""

ARCHIVE_LIMITS = ArchiveLimits(
    max_total_bytes=MAX_ARCHIVE_BYTES, max_member_bytes=MAX_ARCHIVE_BYTES
)
