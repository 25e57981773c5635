"""Config files: defaults, valid settings, and one-line errors naming file, line and key."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from reader.config import (
    DEFAULT_CONFIG_TEXT,
    Config,
    ConfigError,
    RefreshConfig,
    TranslationConfig,
    load_config,
    setting_of,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path / "absent.toml") == Config()


def test_documented_default_file_is_valid_and_equals_defaults(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, DEFAULT_CONFIG_TEXT)) == Config()


def test_the_commented_defaults_uncommented_parse_back_to_the_defaults(tmp_path: Path) -> None:
    """The text is generated from the fields, so it cannot drift from them: every setting
    is in it once, with its default, and the [keys] example is a valid binding."""
    uncommented = re.sub(r"^# (\w+ = .*)$", r"\1", DEFAULT_CONFIG_TEXT, flags=re.MULTILINE)
    assert load_config(write(tmp_path, uncommented)) == Config(keys={"next_sentence": "j,down"})
    config = Config()
    for owner in (config, config.refresh, config.translation):
        for described in fields(owner):
            if not isinstance(
                getattr(owner, described.name), dict | RefreshConfig | TranslationConfig
            ):
                assert len(re.findall(rf"^# {described.name} = ", DEFAULT_CONFIG_TEXT, re.M)) == 1


def test_every_setting_has_a_comment_or_shares_the_one_before() -> None:
    """Above each commented default, in its run of comment lines, is an explanation."""
    lines = DEFAULT_CONFIG_TEXT.splitlines()
    setting_line = re.compile(r"^# \w+ = ")
    for index, line in enumerate(lines):
        if not setting_line.match(line) or line.startswith("# next_sentence"):
            continue
        above = index - 1
        while lines[above].startswith("# ") and setting_line.match(lines[above]):
            above -= 1
        assert lines[above].startswith("# "), f"{line!r} has no comment"
    assert all(setting_of(f).doc for f in fields(RefreshConfig)[:1] + fields(TranslationConfig))


def test_settings_are_read(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            'theme = "paper"\nsource_lang = "en"\ntarget_lang = "ko"\n'
            "[refresh]\nconcurrency = 4\ntotal_timeout = 30\n"
            '[keys]\nnext_sentence = "j,down"\n',
        )
    )
    assert config.theme == "paper"
    assert (config.source_lang, config.target_lang) == ("en", "ko")
    assert config.refresh.concurrency == 4
    assert config.refresh.total_timeout == 30.0
    assert config.keys == {"next_sentence": "j,down"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('theme = "paper"\nbogus = 1\n', ":2: bogus: unknown setting"),
        (
            "[refresh]\n\nconcurrency = 0\n",
            ":3: refresh.concurrency: must be between 1 and 1024, not 0",
        ),
        ('[refresh]\nper_host = "four"\n', ":2: refresh.per_host: expected int, got str"),
        ('source_lang = "fr"\n', ":1: source_lang: must be one of ko, en"),
        ("refresh = 3\n", ":1: refresh: must be a table"),
        ("[keys]\nquit = 5\n", ":2: keys.quit: expected keys"),
        ("theme = \n", "invalid TOML"),
    ],
)
def test_invalid_config_names_file_line_and_key(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert expected in message
    assert "\n" not in message


def test_reader_theme_environment_overrides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READER_THEME", "paper")
    assert load_config(write(tmp_path, 'theme = "night"\n')).theme == "paper"
