"""READER_HOME puts everything under one folder; without it platformdirs decides."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.paths import get_paths


def test_reader_home_holds_everything(reader_home: Path) -> None:
    paths = get_paths()
    for path in (
        paths.config_file,
        paths.database,
        paths.cache_dir,
        paths.themes_dir,
        paths.effective_models_dir(),
        paths.log_file,
    ):
        assert path.is_relative_to(reader_home)


def test_without_reader_home_platformdirs_decide(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("READER_HOME")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("ARGOS_PACKAGES_DIR", raising=False)
    paths = get_paths()
    assert paths.config_file == tmp_path / "xdg-config" / "reader" / "config.toml"
    assert paths.database.is_relative_to(tmp_path / "xdg-data" / "reader")
    # Translation models are shared with argostranslate (and LibreTranslate) by default.
    assert paths.effective_models_dir() == tmp_path / "xdg-data" / "argos-translate" / "packages"
