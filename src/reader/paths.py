"""Where reader keeps its files.

Everything follows platformdirs, except when ``READER_HOME`` is set: then config,
data, cache, themes and translation models all live under that one folder, which
is what the tests use and what a user who wants a portable install sets.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "reader"
HOME_ENV = "READER_HOME"


class PathsError(Exception):
    """A folder reader needs cannot be created; the message is one line for the user."""


@dataclass(frozen=True)
class Paths:
    """The folders and files reader uses; nothing is created until asked."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path
    themes_dir: Path
    models_dir: Path | None
    """None means argostranslate's own package folder (shared with LibreTranslate)."""

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def database(self) -> Path:
        return self.data_dir / "reader.sqlite3"

    @property
    def dictionaries_database(self) -> Path:
        """Installed offline dictionaries, in a file of their own (reader/core/dictionary.py)."""
        return self.data_dir / "dictionaries.sqlite"

    @property
    def log_file(self) -> Path:
        return self.cache_dir / "reader.log"

    @property
    def state_file(self) -> Path:
        """UI choices that persist between runs (theme, layout), kept apart from config."""
        return self.data_dir / "state.json"

    @property
    def own_models_dir(self) -> Path:
        """reader's own model folders (OPUS-MT, NLLB-200, M2M-100), kept out of
        argostranslate's folder, which expects Argos packages only."""
        return self.data_dir / "models"

    def effective_models_dir(self) -> Path:
        """The folder translation packages are installed into."""
        if self.models_dir is not None:
            return self.models_dir
        return argos_packages_dir()

    def ensure(self) -> None:
        """Create the folders reader writes into.

        Raises :class:`PathsError` naming the folder (and ``READER_HOME`` when it is
        set) when one cannot be created: a file in the way, a read-only or virtual
        file system such as ``/proc``, no permission.
        """
        folders = [self.config_dir, self.data_dir, self.cache_dir, self.themes_dir]
        if self.models_dir is not None:
            folders.append(self.models_dir)
        for folder in folders:
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise PathsError(_folder_error(folder, error)) from None
            if not folder.is_dir():
                raise PathsError(_folder_error(folder, NotADirectoryError("not a folder")))


def _folder_error(folder: Path, error: OSError) -> str:
    from reader.core.files import path_text

    reason = error.strerror or str(error)
    home = os.environ.get(HOME_ENV)
    where = f" (from {HOME_ENV}={path_text(home)})" if home else ""
    return f"cannot create the folder {path_text(folder)}{where}: {reason}"


def argos_packages_dir() -> Path:
    """argostranslate's package folder, computed the way argostranslate.settings does.

    Importing argostranslate.settings is cheap, but it creates folders as a side
    effect, so the location is derived here from the same environment variables.
    """
    explicit = os.environ.get("ARGOS_PACKAGES_DIR")
    if explicit:
        return Path(explicit)
    data_home = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return data_home / "argos-translate" / "packages"


def get_paths() -> Paths:
    """Resolve the paths for this process, honouring ``READER_HOME``."""
    home = os.environ.get(HOME_ENV)
    if home:
        root = Path(home).expanduser().resolve()
        return Paths(
            config_dir=root / "config",
            data_dir=root / "data",
            cache_dir=root / "cache",
            themes_dir=root / "themes",
            models_dir=root / "models",
        )
    import platformdirs

    dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
    config_dir = Path(dirs.user_config_dir)
    return Paths(
        config_dir=config_dir,
        data_dir=Path(dirs.user_data_dir),
        cache_dir=Path(dirs.user_cache_dir),
        themes_dir=config_dir / "themes",
        models_dir=None,
    )
