"""Term colours stay visible in every shipped theme: against the sentence cursor, the
background and each other, in truecolor and mapped to 256 and 16 colours (what a
terminal without COLORTERM=truecolor shows), with the text readable on them."""

from __future__ import annotations

import math
from itertools import combinations

import pytest
from rich.color import Color, ColorSystem
from rich.color_triplet import ColorTriplet
from rich.style import Style

from reader.service import ReaderService
from reader.ui.themes import SHIPPED_THEMES_DIR
from reader.ui.widgets.bilingual import BilingualView
from tests.ui.conftest import make_app, settle

SHIPPED = sorted(path.stem for path in SHIPPED_THEMES_DIR.glob("*.toml"))
MIN_DIFFERENCE = 10.0
"""CIE76 ΔE between two backgrounds that must be told apart (about 2.3 is "just noticeable")."""
MIN_TEXT_CONTRAST = 4.5
"""WCAG contrast ratio of text on a term's background (AA for normal text)."""


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def luminance(color: ColorTriplet) -> float:
    red, green, blue = (_linear(channel) for channel in color)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: ColorTriplet, second: ColorTriplet) -> float:
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def lab(color: ColorTriplet) -> tuple[float, float, float]:
    red, green, blue = (_linear(channel) for channel in color)
    x = (0.4124 * red + 0.3576 * green + 0.1805 * blue) / 0.95047
    y = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    z = (0.0193 * red + 0.1192 * green + 0.9505 * blue) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def difference(first: ColorTriplet, second: ColorTriplet) -> float:
    return math.dist(lab(first), lab(second))


def in_256(color: Color) -> tuple[int, ColorTriplet]:
    mapped = color.downgrade(ColorSystem.EIGHT_BIT)
    assert mapped.number is not None
    return mapped.number, mapped.get_truecolor()


def in_16(color: Color) -> int:
    mapped = color.downgrade(ColorSystem.STANDARD)
    assert mapped.number is not None
    return mapped.number


async def drawn_colours(service: ReaderService, theme: str) -> dict[str, Color]:
    """The colours the article view really draws with, from the app's CSS and theme."""
    app = make_app(service)
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = theme
        await settle(pilot)
        view = app.screen.query_one(BilingualView)

        def part(component: str) -> Style:
            return view.get_component_rich_style(component, partial=True)

        colours = {
            "background": view.rich_style.bgcolor,
            "cursor": part("bilingual--highlight").bgcolor,
            "source text": part("bilingual--source").color,
            "cursor text": part("bilingual--highlight").color,
        }
        for level in (1, 2, 3):
            colours[f"term-{level}"] = part(f"bilingual--term-{level}").bgcolor
    assert all(colour is not None and colour.triplet for colour in colours.values()), colours
    return {name: colour for name, colour in colours.items() if colour is not None}


def problems(colours: dict[str, Color]) -> list[str]:
    """Every way a term colour can vanish or its text become unreadable."""
    found = []
    terms = ["term-1", "term-2", "term-3"]
    pairs = [(term, other) for term in terms for other in ("background", "cursor")]
    pairs += list(combinations(terms, 2))
    for first, second in pairs:
        one, two = colours[first], colours[second]
        assert one.triplet is not None and two.triplet is not None
        if difference(one.triplet, two.triplet) < MIN_DIFFERENCE:
            found.append(f"{first} ~ {second} in truecolor")
        (index_one, rgb_one), (index_two, rgb_two) = in_256(one), in_256(two)
        if index_one == index_two or difference(rgb_one, rgb_two) < MIN_DIFFERENCE:
            found.append(f"{first} ~ {second} in 256 colours ({index_one}, {index_two})")
        if in_16(one) == in_16(two):
            found.append(f"{first} ~ {second} in 16 colours ({in_16(one)})")
    for term in terms:
        for text in ("source text", "cursor text"):
            background, ink = colours[term], colours[text]
            assert background.triplet is not None and ink.triplet is not None
            if contrast(background.triplet, ink.triplet) < MIN_TEXT_CONTRAST:
                found.append(f"{text} on {term}: contrast too low")
            if contrast(in_256(background)[1], in_256(ink)[1]) < MIN_TEXT_CONTRAST:
                found.append(f"{text} on {term}: contrast too low in 256 colours")
    return found


def test_every_shipped_theme_is_checked() -> None:
    assert {"night", "paper"} <= set(SHIPPED)


@pytest.mark.parametrize("theme", SHIPPED)
async def test_term_colours_stay_distinct_and_readable(service: ReaderService, theme: str) -> None:
    colours = await drawn_colours(service, theme)
    assert problems(colours) == []


def test_the_check_catches_the_reported_clash() -> None:
    """Night's old learning colour and its cursor both became 256-colour 58."""
    colours = {
        "background": Color.parse("#161a21"),
        "cursor": Color.parse("#4a3e22"),
        "source text": Color.parse("#d3d7de"),
        "cursor text": Color.parse("#f3e9d2"),
        "term-1": Color.parse("#5a2f2a"),
        "term-2": Color.parse("#584a22"),
        "term-3": Color.parse("#2e4a2e"),
    }
    assert "term-2 ~ cursor in 256 colours (58, 58)" in problems(colours)
