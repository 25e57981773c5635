"""Every number in config.toml has a documented range; values that parse but break
(a huge thread count, an overflowing retention, nan) are one-line errors."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from reader import config as config_module
from reader.config import Config, ConfigError, load_config

README = Path(__file__).resolve().parents[2] / "README.md"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[translation]\nthreads = 100000\n", ":2: translation.threads: must be between 0 and 256"),
        (
            "[refresh]\nretention_days = 9223372036854775807\n",
            ":2: refresh.retention_days: must be between 0 and 36500, not 9223372036854775807",
        ),
        ("[refresh]\nretention_days = 1000000000\n", "refresh.retention_days: must be between"),
        ("[refresh]\ntotal_timeout = nan\n", ":2: refresh.total_timeout: must be a finite number"),
        ("[refresh]\nread_timeout = inf\n", "refresh.read_timeout: must be a finite number"),
        ("[refresh]\nconnect_timeout = -inf\n", "refresh.connect_timeout: must be a finite"),
        (
            "[translation]\nbeam_size = 100000\n",
            ":2: translation.beam_size: must be between 1 and 16",
        ),
        ("[refresh]\nmax_body_bytes = " + "9" * 4000 + "\n", "not 99999999999999999999…"),
        ("[refresh]\nmax_body_bytes = " + "9" * 5000 + "\n", "invalid TOML: a number too long"),
    ],
)
def test_numbers_outside_their_range_are_one_line_errors(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert expected in message
    assert "\n" not in message and len(message) < 300


def test_the_ends_of_every_range_are_accepted(tmp_path: Path) -> None:
    for name, (low, high) in config_module.RANGES.items():
        section = "refresh" if hasattr(Config().refresh, name) else "translation"
        for value in (low, high):
            config = load_config(write(tmp_path, f"[{section}]\n{name} = {value}\n"))
            assert getattr(getattr(config, section), name) == value


def test_every_number_has_a_range_holding_its_default_and_readme_documents_it() -> None:
    config = Config()
    numbers = {
        f.name: getattr(section, f.name)
        for section in (config.refresh, config.translation)
        for f in fields(section)
        if isinstance(getattr(section, f.name), int | float)
        and not isinstance(getattr(section, f.name), bool)
    }
    ranges = config_module.RANGES
    assert set(numbers) == set(ranges)
    readme = README.read_text(encoding="utf-8")
    for name, default in numbers.items():
        low, high = ranges[name]
        assert low <= default <= high, name
        shown = f"{low:g}" if isinstance(low, float) else str(low)
        shown += "–" + (f"{high:g}" if isinstance(high, float) else str(high))
        assert re.search(rf"`\w+\.{name}` \| {re.escape(shown)}", readme), (name, shown)
