"""Small pieces of the UI that need no app: state file, ages, theme variables, splitting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reader.ui.format import age, literal
from reader.ui.state import UiState, load_state, save_state
from reader.ui.themes import resolve_references, theme_variable_defaults
from reader.ui.widgets.bilingual import ParagraphUnit, _rows_of, _target_span

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("delta", "shown"),
    [
        (timedelta(seconds=10), "now"),
        (timedelta(minutes=5), "5m"),
        (timedelta(hours=3), "3h"),
        (timedelta(days=2), "2d"),
        (timedelta(days=15), "2w"),
        (timedelta(days=800), "2y"),
    ],
)
def test_age_is_short(delta: timedelta, shown: str) -> None:
    assert age((NOW - delta).isoformat(), NOW) == shown


def test_age_of_missing_or_broken_dates_is_empty() -> None:
    assert age(None, NOW) == ""
    assert age("yesterday-ish", NOW) == ""
    assert age("2026-03-01T10:00:00", NOW) == "2h"  # no zone: read as UTC


def test_literal_text_is_never_markup_and_has_no_escapes() -> None:
    text = literal("[bold]x[/bold] \x1b[31mred\x1b[0m")
    assert text.plain == "[bold]x[/bold] red"
    assert not text.spans


def test_state_round_trips_and_survives_damage(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    assert load_state(path) == UiState()
    save_state(path, UiState(theme="paper", layout="interlinear"))
    assert load_state(path) == UiState(theme="paper", layout="interlinear")
    path.write_text('{"layout": "sideways", "theme": 3}', encoding="utf-8")
    assert load_state(path) == UiState()
    path.write_text("{not json", encoding="utf-8")
    assert load_state(path) == UiState()


def test_reader_variables_refer_to_theme_colours() -> None:
    colours = {"accent": "#ff0000", "foreground": "#101010", "warning": "#ffaa00"}
    colours |= {"error": "#aa0000", "success": "#00aa00"}
    variables = {**colours, **theme_variable_defaults()}
    resolved = resolve_references(variables)
    assert resolved["reader-highlight"] == "#FF0000 30%"
    assert resolved["reader-source"] == "#101010"
    assert "$" not in "".join(v for k, v in resolved.items() if k.startswith("reader-"))


def test_translation_spans_follow_placeholders_and_text() -> None:
    unit = ParagraphUnit("One. Two. Three.", [(0, 4), (5, 9), (10, 16)])
    unit.targets = ["Un.", None, "Trois."]
    assert _target_span(unit, 0) == (0, 3)
    assert _target_span(unit, 1) == (4, 7)  # the placeholder
    assert _target_span(unit, 2) == (8, 14)


def test_rows_of_a_span_in_wrapped_lines() -> None:
    starts = [0, 10, 20, 30]
    assert _rows_of((0, 5), starts) == (0, 0)
    assert _rows_of((8, 22), starts) == (0, 2)
    assert _rows_of((30, 31), starts) == (3, 3)


def test_folder_paths_nest_by_their_parts_but_not_past_the_depth_limit() -> None:
    from reader.ui.widgets.folders import MAX_DEPTH, folder_path, parent_and_name, tree_folders

    assert folder_path("news/korea") == ["news", "news/korea"]
    assert parent_and_name("news/korea") == ("news", "korea")
    assert folder_path("a//b") == ["a//b"] and parent_and_name("a//b") == (None, "a//b")
    deep = "/".join(f"f{n}" for n in range(MAX_DEPTH + 4))
    path = folder_path(deep)
    assert len(path) == MAX_DEPTH and path[-1] == deep
    parent, name = parent_and_name(deep)
    assert parent == path[-2] and f"{parent}/{name}" == deep
    assert tree_folders(["News B", "news/korea", "alpha"]) == [
        "alpha",
        "news",
        "news/korea",
        "News B",
    ]
