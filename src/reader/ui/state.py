"""UI choices that persist between runs (theme, reading layout), kept in ``paths.state_file``.

The file is small JSON written atomically; a missing or unreadable file gives the
defaults, so a damaged state file can never stop the app from starting.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from reader.core.files import read_regular_file, write_file_atomically

MAX_STATE_BYTES = 64 * 1024
"""The state is a few short values; anything larger is not ours and gives the defaults."""
LAYOUTS = ("side", "translation", "source", "interlinear")
"""Reading layouts in the order ``t`` cycles through them."""


@dataclass
class UiState:
    theme: str | None = None
    """The theme last picked in the app; None until the user picks one."""
    layout: str = "side"


def load_state(path: Path) -> UiState:
    """The saved state, or the defaults when the file is missing or damaged."""
    try:
        raw = json.loads(read_regular_file(path, MAX_STATE_BYTES).decode("utf-8"))
    except (OSError, ValueError):
        return UiState()
    if not isinstance(raw, dict):
        return UiState()
    theme = raw.get("theme")
    layout = raw.get("layout")
    return UiState(
        theme=theme if isinstance(theme, str) else None,
        layout=layout if layout in LAYOUTS else "side",
    )


def save_state(path: Path, state: UiState) -> None:
    """Write the state through a temporary file so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_file_atomically(path, json.dumps(asdict(state), indent=2).encode("utf-8"))
