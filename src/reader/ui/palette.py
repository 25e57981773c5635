"""The command palette (``ctrl+p``): every action bound where the user is, named with
the keys that really run it; on an article, one command per installed model of its
direction and one to translate with or without the glossary; then Textual's own
commands, less its "Keys" panel (the ``?`` list is the reader's).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen


def system_commands(
    app: App[Any],
    screen: Screen[object],
    keys_for: Callable[[Binding], str],
    textual_commands: Iterable[SystemCommand],
) -> Iterator[SystemCommand]:
    """The palette's commands on ``screen``; ``keys_for`` says which keys run a binding
    once the user's keymap is applied, ``textual_commands`` are Textual's own."""
    from reader.ui.keys import pretty_keys

    seen: set[str] = set()
    titles: set[str] = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.id or binding.id in seen or binding.id == "command_palette":
            continue
        seen.add(binding.id)
        title = binding.description or binding.action
        titles.add(title)
        keys = pretty_keys(keys_for(binding)) or "no key"
        yield SystemCommand(
            title,
            f"{binding.id} ({keys})",
            partial(app.call_later, app.run_action, binding.action, active.node),
        )
    yield from model_commands(screen)
    for command in textual_commands:
        if command.title not in titles:  # Textual's own "Keys" panel: ours is the ? list
            yield command


def model_commands(screen: Screen[object]) -> Iterator[SystemCommand]:
    """On an article: one command per installed model for its direction, to switch."""
    from reader.ui.screens.article import ArticleScreen

    if not isinstance(screen, ArticleScreen):
        return
    source, target = screen.direction
    steering = "without" if screen.steered else "with"
    yield SystemCommand(
        f"Translate {steering} the glossary",
        "compare the translation steered by the glossary and without it (this session)",
        screen.toggle_glossary,
    )
    for name in screen.models_here:
        current = " (in use)" if name == screen.model_name else ""
        yield SystemCommand(
            f"Translate {source}→{target} with {name}{current}",
            f"use the model {name} for {source}→{target} from now on",
            partial(screen.use_model, name),
        )
