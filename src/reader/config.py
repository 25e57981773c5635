"""Typed settings read from ``config.toml``.

Every field has a documented default, so a missing file is a valid config. A
broken file never produces a traceback: :class:`ConfigError` carries a one-line
message naming the file, the line and the key.

The fields below are the one source of truth: each carries its comment for the
commented defaults (:data:`DEFAULT_CONFIG_TEXT`) and its limits (a range or a list of
choices), and both that text and the validation are generated from them.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Iterator
from dataclasses import Field, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, TypeVar

from reader.core.files import read_regular_file

MAX_CONFIG_BYTES = 1024 * 1024
"""The config is a few dozen lines; a larger file (or a FIFO, a device) is refused."""

_SETTING = "reader.setting"
"""The key of a field's :class:`Setting` in its dataclass metadata."""

_T = TypeVar("_T")


class ConfigError(Exception):
    """A config file that cannot be used; the message is one line for the user."""


@dataclass(frozen=True)
class Setting:
    """What the config file says about one field, beyond its type and default.

    ``doc`` is the comment written above it in the commented defaults (empty when the
    comment of the field before covers it too); ``low``/``high`` are the accepted range
    (both ends included), ``choices`` the accepted values, ``example`` a line shown
    commented out under a table that has no defaults (``[keys]``).
    """

    doc: str = ""
    low: int | float | None = None
    high: int | float | None = None
    choices: tuple[str, ...] = ()
    example: str = ""


def setting(
    default: _T,
    doc: str = "",
    *,
    low: int | float | None = None,
    high: int | float | None = None,
    choices: tuple[str, ...] = (),
) -> _T:
    """A dataclass field with a default, its comment and its limits (see :class:`Setting`)."""
    described = Setting(doc=doc, low=low, high=high, choices=choices)
    made: _T = field(default=default, metadata={_SETTING: described})
    return made


@dataclass
class RefreshConfig:
    concurrency: int = setting(
        128,
        "How many feeds are fetched at once, overall and per host, and how many of their\n"
        "bodies are downloaded at once (the bandwidth is shared by these).",
        low=1,
        high=1024,
    )
    per_host: int = setting(2, low=1, high=64)
    downloads: int = setting(16, low=1, high=256)
    connect_timeout: float = setting(
        10.0, "Seconds: connecting, waiting between bytes, and a whole fetch.", low=0.1, high=600.0
    )
    read_timeout: float = setting(20.0, low=0.1, high=3600.0)
    total_timeout: float = setting(60.0, low=0.1, high=3600.0)
    max_body_bytes: int = setting(
        10 * 1024 * 1024,
        "Largest response body accepted, in bytes (larger ones are cut off with an error).",
        low=1024,
        high=2**30,
    )
    retention_days: int = setting(
        0,
        "Days to keep read articles (0 keeps everything). Starred and annotated ones are never"
        " deleted.",
        low=0,
        high=36500,
    )
    page_delay: float = setting(
        1.0,
        'Seconds between two page requests to one host when feeds with full_text = "auto"\n'
        "get their new articles' pages during a refresh.",
        low=0.0,
        high=60.0,
    )


@dataclass
class TranslationConfig:
    beam_size: int = setting(2, "Beam size for decoding (1 is greedy and fastest).", low=1, high=16)
    max_batch_tokens: int = setting(
        2048, "Sentences per model call, counted in tokens.", low=16, high=65536
    )
    max_sentence_tokens: int = setting(
        200,
        "Longest sentence sent to the model, in tokens; longer ones are split at clause"
        " boundaries.",
        low=4,
        high=8192,
    )
    threads: int = setting(
        0, "CPU threads per model call (0 lets CTranslate2 use every core).", low=0, high=256
    )
    per_paragraph: bool = setting(
        True,
        "Translate a paragraph written in the other language (a Korean quote in an English\n"
        "page) the other way, when both directions have a model; false keeps one direction\n"
        "per article (such paragraphs are shown as they are).",
    )
    glossary: bool = setting(
        True,
        "The glossary steers the translation: a term with a gloss in the target language\n"
        'comes out as its gloss, ignored and "keep as is" terms stay as they are written.',
    )
    low_confidence: float = setting(
        0.5,
        "Sentences whose confidence (0 to 1) is below this are shown as unsure.",
        low=0.0,
        high=1.0,
    )
    length_tolerance: float = setting(
        3.0,
        "An output more than this many times longer or shorter than the language pair\n"
        "usually gives is unsure.",
        low=1.0,
        high=100.0,
    )
    token_scores: bool = setting(
        False,
        "Also measure each sentence's least sure word (one more pass of the model, no search).",
    )
    prefetch: int = setting(
        3,
        "In the app, the next unread articles of the list translated in the background while\n"
        "you read (and the one under the list cursor), when nothing else is translating;\n"
        "0 turns this off.",
        low=0,
        high=50,
    )
    per_refresh: int = setting(
        20,
        'New articles translated after a refresh (of feeds with translate = "auto", or\n'
        "every feed with `reader refresh --translate`), newest first: at most this many.",
        low=0,
        high=10000,
    )


LANGUAGES = ("ko", "en")


@dataclass
class Config:
    theme: str = setting(
        "night", "Theme name: a shipped theme (paper, night) or one from the themes folder."
    )
    source_lang: str = setting(
        "ko", "Language pair used when an article's language cannot be detected.", choices=LANGUAGES
    )
    target_lang: str = setting("en", choices=LANGUAGES)
    refresh: RefreshConfig = field(default_factory=RefreshConfig)
    translation: TranslationConfig = field(default_factory=TranslationConfig)
    keys: dict[str, str] = field(
        default_factory=dict,
        metadata={
            _SETTING: Setting(
                doc="Rebind any action by its id, e.g.:", example='next_sentence = "j,down"'
            )
        },
    )


def setting_of(described: Field[Any]) -> Setting:
    """The :class:`Setting` of a config field (an empty one when it has none)."""
    found = described.metadata.get(_SETTING)
    return found if isinstance(found, Setting) else Setting()


def _sections(config: Config | None = None) -> Iterator[tuple[str, Any]]:
    """("refresh", config.refresh), ("translation", config.translation): the tables of fields."""
    owner = config or Config()
    for described in fields(Config):
        value = getattr(owner, described.name)
        if is_dataclass(value):
            yield described.name, value


def _ranges() -> dict[str, tuple[int | float, int | float]]:
    ranges: dict[str, tuple[int | float, int | float]] = {}
    for _, section in _sections():
        for described in fields(section):
            limits = setting_of(described)
            if limits.low is not None and limits.high is not None:
                ranges[described.name] = (limits.low, limits.high)
    return ranges


RANGES: dict[str, tuple[int | float, int | float]] = _ranges()
"""The accepted range of every number (both ends included), documented in README:
values outside it validate as numbers but break things (100000 threads crash
CTranslate2, a huge retention overflows the date arithmetic, a huge beam takes
minutes and gigabytes for one word). Generated from the fields' :class:`Setting`."""


def _toml_value(value: object) -> str:
    """A default as TOML writes it: ``true``, ``10.0``, ``"night"``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def _commented(text: str) -> list[str]:
    return [f"# {line}" for line in text.splitlines()]


def _field_lines(owner: Any) -> Iterator[tuple[Setting, list[str]]]:
    """Each plain field of ``owner`` with its comment lines and its commented default."""
    for described in fields(owner):
        value = getattr(owner, described.name)
        if is_dataclass(value) or isinstance(value, dict):
            continue
        limits = setting_of(described)
        lines = [*_commented(limits.doc), f"# {described.name} = {_toml_value(value)}"]
        yield limits, lines


def default_config_text() -> str:
    """The commented defaults: every setting with its comment, generated from the fields."""
    config = Config()
    lines = [
        "# reader configuration. Every setting is optional; the values shown are the defaults."
    ]
    for limits, field_lines in _field_lines(config):
        if limits.doc:
            lines.append("")
        lines += field_lines
    for name, section in _sections():
        lines += ["", f"[{name}]"]
        for _, field_lines in _field_lines(section):
            lines += field_lines
    for described in fields(Config):
        limits = setting_of(described)
        if limits.example:
            lines += ["", f"[{described.name}]", *_commented(limits.doc), f"# {limits.example}"]
    return "\n".join(lines) + "\n"


DEFAULT_CONFIG_TEXT = default_config_text()
"""What a config file with every default looks like, each setting commented out."""


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
    sections: dict[str, Any] = dict(_sections(config))
    for key, value in raw.items():
        if key in sections:
            if not isinstance(value, dict):
                raise _fail(path, text, key, "must be a table, like [" + key + "]")
            _fill(sections[key], value, key, path, text)
        elif key == "keys":
            config.keys = _keys(value, path, text)
        else:
            _set_field(config, key, value, key, path, text, skip={*sections, "keys"})
    _check_choices(config, path, text)
    return config


def _check_choices(config: Config, path: Path, text: str) -> None:
    """Every setting with a list of choices holds one of them (checked once all are read)."""
    for described in fields(config):
        choices = setting_of(described).choices
        if choices and getattr(config, described.name) not in choices:
            raise _fail(path, text, described.name, f"must be one of {', '.join(choices)}")


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
    limits = setting_of(known[key])
    if limits.low is not None and limits.high is not None:
        _check_range(value, (limits.low, limits.high), path, text, dotted)
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
