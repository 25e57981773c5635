"""Typed settings read from ``config.toml``.

Every field has a documented default, so a missing file is a valid config. A
broken file never produces a traceback: :class:`ConfigError` carries a one-line
message naming the file, the line and the key.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from reader.core.files import read_regular_file

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
# The glossary steers the translation: a term with a gloss in the target language
# comes out as its gloss, ignored and "keep as is" terms stay as they are written.
# glossary = true
# Sentences whose confidence (0 to 1) is below this are shown as unsure.
# low_confidence = 0.5
# An output more than this many times longer or shorter than the language pair
# usually gives is unsure.
# length_tolerance = 3.0
# Also measure each sentence's least sure word (one more pass of the model, no search).
# token_scores = false

[keys]
# Rebind any action by its id, e.g.:
# next_sentence = "j,down"
"""


MAX_CONFIG_BYTES = 1024 * 1024
"""The config is a few dozen lines; a larger file (or a FIFO, a device) is refused."""


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
    glossary: bool = True
    low_confidence: float = 0.5
    length_tolerance: float = 3.0
    token_scores: bool = False


@dataclass
class Config:
    theme: str = "night"
    source_lang: str = "ko"
    target_lang: str = "en"
    refresh: RefreshConfig = field(default_factory=RefreshConfig)
    translation: TranslationConfig = field(default_factory=TranslationConfig)
    keys: dict[str, str] = field(default_factory=dict)


LANGUAGES = ("ko", "en")
RANGES: dict[str, tuple[int | float, int | float]] = {
    "concurrency": (1, 1024),
    "per_host": (1, 64),
    "downloads": (1, 256),
    "connect_timeout": (0.1, 600.0),
    "read_timeout": (0.1, 3600.0),
    "total_timeout": (0.1, 3600.0),
    "max_body_bytes": (1024, 2**30),
    "retention_days": (0, 36500),
    "beam_size": (1, 16),
    "max_batch_tokens": (16, 65536),
    "max_sentence_tokens": (4, 8192),
    "threads": (0, 256),
    "low_confidence": (0.0, 1.0),
    "length_tolerance": (1.0, 100.0),
}
"""The accepted range of every number (both ends included), documented in README:
values outside it validate as numbers but break things (100000 threads crash
CTranslate2, a huge retention overflows the date arithmetic, a huge beam takes
minutes and gigabytes for one word)."""


def load_config(path: Path) -> Config:
    """Read ``path``; a missing file gives the defaults, a bad one raises ConfigError."""
    try:
        text = read_regular_file(path, MAX_CONFIG_BYTES).decode("utf-8")
    except FileNotFoundError:
        return _apply_env(Config())
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read config file: {error}") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except ValueError:  # an integer of more than 4300 digits (sys.get_int_max_str_digits)
        raise ConfigError(f"{path}: invalid TOML: a number too long to read") from None
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
    if key in RANGES:
        _check_range(value, RANGES[key], path, text, dotted)
    setattr(target, key, value)


def _check_range(
    value: float, bounds: tuple[float, float], path: Path, text: str, dotted: str
) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise _fail(path, text, dotted, "must be a finite number (not nan or inf)")
    low, high = bounds
    if not low <= value <= high:
        message = f"must be between {_number(low)} and {_number(high)}, not {_number(value)}"
        raise _fail(path, text, dotted, message)


def _number(value: float) -> str:
    """A number for a message: ints in full (cut after 20 digits), floats short."""
    if isinstance(value, int):
        digits = str(value)
        return digits if len(digits) <= 20 else digits[:20] + "…"
    return f"{value:g}"


def _keys(value: Any, path: Path, text: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _fail(path, text, "keys", "must be a table, like [keys]")
    for action, keys in value.items():
        if not isinstance(keys, str) or not keys.strip():
            raise _fail(path, text, f"keys.{action}", 'expected keys like "j,down"')
    return dict(value)
