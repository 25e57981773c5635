"""Typed settings read from ``config.toml``.

Every field has a documented default, so a missing file is a valid config. A
broken file never produces a traceback: :class:`ConfigError` carries a one-line
message naming the file, the line and the key.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

DEFAULT_CONFIG_TEXT = """\
# reader configuration. Every setting is optional; the values shown are the defaults.

# Theme name: a shipped theme (paper, night) or one from the themes folder.
# theme = "night"

# Language pair used when an article's language cannot be detected.
# source_lang = "ko"
# target_lang = "en"

[refresh]
# How many feeds are fetched at once, overall and per host, and how many of their
# bodies are downloaded at once (the bandwidth is shared by these).
# concurrency = 128
# per_host = 2
# downloads = 16
# Seconds: connecting, waiting between bytes, and a whole fetch.
# connect_timeout = 10.0
# read_timeout = 20.0
# total_timeout = 60.0
# Largest response body accepted, in bytes (larger ones are cut off with an error).
# max_body_bytes = 10485760
# Days to keep read articles (0 keeps everything). Starred and annotated ones are never deleted.
# retention_days = 0

[translation]
# Beam size for decoding (1 is greedy and fastest).
# beam_size = 2
# Sentences per model call, counted in tokens.
# max_batch_tokens = 2048
# Longest sentence sent to the model, in tokens; longer ones are split at clause boundaries.
# max_sentence_tokens = 200
# CPU threads per model call (0 lets CTranslate2 use every core).
# threads = 0
# Translate a paragraph written in the other language (a Korean quote in an English
# page) the other way, when both directions have a model; false keeps one direction
# per article (such paragraphs are shown as they are).
# per_paragraph = true

[keys]
# Rebind any action by its id, e.g.:
# next_sentence = "j,down"
"""


class ConfigError(Exception):
    """A config file that cannot be used; the message is one line for the user."""


@dataclass
class RefreshConfig:
    concurrency: int = 128
    per_host: int = 2
    downloads: int = 16
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_body_bytes: int = 10 * 1024 * 1024
    retention_days: int = 0


@dataclass
class TranslationConfig:
    beam_size: int = 2
    max_batch_tokens: int = 2048
    max_sentence_tokens: int = 200
    threads: int = 0
    per_paragraph: bool = True


@dataclass
class Config:
    theme: str = "night"
    source_lang: str = "ko"
    target_lang: str = "en"
    refresh: RefreshConfig = field(default_factory=RefreshConfig)
    translation: TranslationConfig = field(default_factory=TranslationConfig)
    keys: dict[str, str] = field(default_factory=dict)


LANGUAGES = ("ko", "en")
_POSITIVE = {
    "concurrency",
    "per_host",
    "downloads",
    "connect_timeout",
    "read_timeout",
    "total_timeout",
    "max_body_bytes",
    "beam_size",
    "max_batch_tokens",
    "max_sentence_tokens",
}


def load_config(path: Path) -> Config:
    """Read ``path``; a missing file gives the defaults, a bad one raises ConfigError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _apply_env(Config())
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read config file: {error}") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    config = _build(raw, path, text)
    return _apply_env(config)


def _apply_env(config: Config) -> Config:
    """``READER_THEME`` overrides the theme for one run (also set by ``--theme``)."""
    theme = os.environ.get("READER_THEME")
    if theme:
        config.theme = theme
    return config


def _line_of(text: str, key: str) -> int:
    pattern = re.compile(rf"^[ \t]*\"?{re.escape(key)}\"?[ \t]*=", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _fail(path: Path, text: str, key: str, message: str) -> ConfigError:
    short = key.rsplit(".", 1)[-1]
    return ConfigError(f"{path}:{_line_of(text, short)}: {key}: {message}")


def _build(raw: dict[str, Any], path: Path, text: str) -> Config:
    config = Config()
    sections: dict[str, Any] = {"refresh": config.refresh, "translation": config.translation}
    for key, value in raw.items():
        if key in sections:
            if not isinstance(value, dict):
                raise _fail(path, text, key, "must be a table, like [" + key + "]")
            _fill(sections[key], value, key, path, text)
        elif key == "keys":
            config.keys = _keys(value, path, text)
        else:
            _set_field(config, key, value, key, path, text, skip={"refresh", "translation", "keys"})
    for lang_key in ("source_lang", "target_lang"):
        if getattr(config, lang_key) not in LANGUAGES:
            raise _fail(path, text, lang_key, f"must be one of {', '.join(LANGUAGES)}")
    return config


def _fill(target: Any, values: dict[str, Any], section: str, path: Path, text: str) -> None:
    for key, value in values.items():
        _set_field(target, key, value, f"{section}.{key}", path, text, skip=set())


def _set_field(
    target: Any, key: str, value: Any, dotted: str, path: Path, text: str, skip: set[str]
) -> None:
    known = {f.name: f for f in fields(target) if f.name not in skip}
    if key not in known:
        raise _fail(path, text, dotted, "unknown setting")
    current = getattr(target, key)
    expected = type(current)
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if type(value) is not expected:
        raise _fail(path, text, dotted, f"expected {expected.__name__}, got {type(value).__name__}")
    if key in _POSITIVE and value <= 0:
        raise _fail(path, text, dotted, "must be greater than 0")
    if key in ("retention_days", "threads") and value < 0:
        raise _fail(path, text, dotted, "must be 0 or more")
    setattr(target, key, value)


def _keys(value: Any, path: Path, text: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _fail(path, text, "keys", "must be a table, like [keys]")
    for action, keys in value.items():
        if not isinstance(keys, str) or not keys.strip():
            raise _fail(path, text, f"keys.{action}", 'expected keys like "j,down"')
    return dict(value)
