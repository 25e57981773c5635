"""Themes: TOML files turned into Textual ``Theme`` objects.

The shipped themes (``themes/`` at the top of the source tree) and the user's own
(``reader locate themes``) use the same schema, described in ``themes/README.md``.
A theme file that cannot be used is skipped and reported once, with its path and
the reason; it never stops the app.
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual.color import Color, ColorParseError
from textual.theme import Theme

from reader.core.files import read_regular_file


def _shipped_themes_dir() -> Path:
    """The ``themes/`` folder of the source tree (checkouts and editable installs), or the
    copy a wheel installs under ``<prefix>/share/reader/themes`` (see pyproject.toml)."""
    source_tree = Path(__file__).resolve().parents[3] / "themes"
    if source_tree.is_dir():
        return source_tree
    return Path(sys.prefix) / "share" / "reader" / "themes"


SHIPPED_THEMES_DIR = _shipped_themes_dir()

FALLBACK_THEME = "textual-dark"

COLOR_KEYS = (
    "primary",
    "secondary",
    "accent",
    "warning",
    "error",
    "success",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)

READER_VARIABLES: dict[str, str] = {
    "source": "$foreground",
    "translation": "$foreground 85%",
    "highlight": "$accent 30%",
    "highlight-text": "$foreground",
    "placeholder": "$foreground 40%",
    "notice": "$warning",
    "rule": "$foreground 25%",
    "unread": "$accent",
    "star": "$warning",
    "term-1": "$error 35%",
    "term-2": "$warning 35%",
    "term-3": "$success 25%",
    "unsure": "$error",
    "edited": "$foreground 50%",
}
"""App variables (``$reader-<name>`` in TCSS) and their defaults when a theme leaves them out."""


MAX_THEME_BYTES = 256 * 1024
"""A theme is a few dozen lines; a larger file (or a FIFO, or /dev/zero) is refused."""


class ThemeError(Exception):
    """A theme file that cannot be used; the message names the file and the problem."""


@dataclass
class LoadedThemes:
    themes: dict[str, Theme] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    """One line per skipped file, to be reported once."""


def theme_variable_defaults() -> dict[str, str]:
    return {f"reader-{name}": value for name, value in READER_VARIABLES.items()}


_REFERENCE = re.compile(r"\$([A-Za-z0-9_-]+)")


def resolve_references(variables: dict[str, str]) -> dict[str, str]:
    """Replace ``$name`` inside reader's variables by that variable's colour.

    Textual substitutes variables in stylesheets but not inside other variables'
    values, so defaults like ``"$accent 30%"`` are resolved here, against the
    colours of the current theme.
    """
    resolved = dict(variables)

    def colour(match: re.Match[str]) -> str:
        value = variables.get(match.group(1))
        if value is None:
            return match.group(0)
        try:
            return Color.parse(value.split()[0]).hex
        except ColorParseError:
            return value

    for name, value in variables.items():
        if name.startswith("reader-") and "$" in value:
            resolved[name] = _REFERENCE.sub(colour, value)
    return resolved


def load_theme_file(path: Path) -> Theme:
    """Parse one theme file; raises :class:`ThemeError` with a one-line reason."""
    try:
        raw = tomllib.loads(read_regular_file(path, MAX_THEME_BYTES).decode("utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ThemeError(f"{path}: cannot read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ThemeError(f"{path}: invalid TOML: {error}") from None
    return theme_from_dict(raw, path)


def theme_from_dict(raw: dict[str, Any], path: Path) -> Theme:
    unknown = set(raw) - {"name", "dark", "description", "colors", "reader"}
    if unknown:
        raise ThemeError(f"{path}: unknown key {sorted(unknown)[0]!r}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ThemeError(f"{path}: 'name' is required (a string)")
    dark = raw.get("dark", True)
    if not isinstance(dark, bool):
        raise ThemeError(f"{path}: 'dark' must be true or false")
    colors = _table(raw, "colors", path)
    if "primary" not in colors:
        raise ThemeError(f"{path}: colors.primary is required")
    for key, value in colors.items():
        if key not in COLOR_KEYS:
            raise ThemeError(f"{path}: unknown colour colors.{key}")
        _check_color(value, f"colors.{key}", path)
    reader = _table(raw, "reader", path)
    for key, value in reader.items():
        if key not in READER_VARIABLES:
            raise ThemeError(f"{path}: unknown variable reader.{key}")
        _check_color(value, f"reader.{key}", path)
    return Theme(
        name=name.strip(),
        primary=colors["primary"],
        secondary=colors.get("secondary"),
        accent=colors.get("accent"),
        warning=colors.get("warning"),
        error=colors.get("error"),
        success=colors.get("success"),
        foreground=colors.get("foreground"),
        background=colors.get("background"),
        surface=colors.get("surface"),
        panel=colors.get("panel"),
        boost=colors.get("boost"),
        dark=dark,
        variables={f"reader-{key}": value for key, value in reader.items()},
    )


def _table(raw: dict[str, Any], key: str, path: Path) -> dict[str, str]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise ThemeError(f"{path}: '{key}' must be a table, like [{key}]")
    return value


def _check_color(value: object, key: str, path: Path) -> None:
    if not isinstance(value, str):
        raise ThemeError(f'{path}: {key} must be a colour string like "#1e1e1e"')
    if value.startswith("$"):
        return
    try:
        Color.parse(value.split()[0] if value.split() else value)
    except ColorParseError:
        raise ThemeError(f"{path}: {key}: not a colour: {value!r}") from None


def load_themes(*folders: Path) -> LoadedThemes:
    """Every ``*.toml`` theme in ``folders``; later folders override earlier names."""
    loaded = LoadedThemes()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                theme = load_theme_file(path)
            except ThemeError as error:
                loaded.errors.append(str(error))
                continue
            loaded.themes[theme.name] = theme
    return loaded
