"""What each key really does once the user's ``[keys]`` are applied: names and conflicts.

Textual looks a key up along a chain of bindings — the focused widget's, then its
screen's, then the app's — and the first binding holding the key wins. A keymap can
therefore give one key to two actions (``next_sentence = "n,down"`` takes ``n`` from
"next unread" in the article screen) without any error. :func:`find_conflicts`
replays that lookup for every place keys are used, so the app can say so once at
start and the help and key hints can show only the keys that still work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from textual.binding import Binding
from textual.keys import format_key, key_to_character

MAX_KEYMAP_ENTRIES = 1_000
"""``[keys]`` entries read at most: reader has about 110 ids; more is a broken file
(a million entries took the app 30–40 s to appear)."""

WORD_KEYS = {"escape", "enter", "space", "tab", "home", "end", "backspace", "delete", "insert"}
SHOWN_AS = {
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "pageup": "pageup",
    "pagedown": "pagedown",
}


class KeySource(Protocol):
    """Where the key hints read the keys each binding really has (the app)."""

    def shown_app_bindings(self) -> list[Binding]:
        """The app-wide bindings every screen's key hints end with."""
        ...

    def keys_for(self, binding: Binding) -> str:
        """The keys ``binding`` answers to after the user's keymap, ``""`` when none."""
        ...


def key_list(keys: str) -> list[str]:
    """``"j, down"`` as ``["j", "down"]``."""
    return [key.strip() for key in keys.split(",") if key.strip()]


def display_key(key: str) -> str:
    """A key as a user types it: ``#`` for ``number_sign``, ``ctrl+p``, ``escape``, ``↓``."""
    modifiers, plus, base = key.strip().rpartition("+")
    if base in SHOWN_AS:
        shown = SHOWN_AS[base]
    elif len(base) == 1 or base in WORD_KEYS or (base.startswith("f") and base[1:].isdigit()):
        shown = base
    else:
        formatted = format_key(base)
        shown = formatted if len(formatted) == 1 else key_to_character(base) or base
    return f"{modifiers}{plus}{shown}"


def hint_key(key: str) -> str:
    """The short form for the one-line key hints: ``^p``, ``esc``, ``⏎``."""
    shown = {"enter": "⏎", "escape": "esc"}.get(key, display_key(key))
    if shown.startswith("ctrl+"):
        return "^" + shown.removeprefix("ctrl+")
    return shown


@dataclass(frozen=True)
class KeyContext:
    """One place keys are pressed: the binding layers searched, most specific first."""

    name: str
    layers: tuple[tuple[Binding, ...], ...]


@dataclass(frozen=True)
class Conflict:
    """``key`` runs ``winner`` in ``where``; ``loser`` is bound to it there too, in vain."""

    key: str
    winner: Binding
    loser: Binding
    where: str

    def describe(self) -> str:
        return f"{display_key(self.key)} does {self.winner.id} in {self.where}, not {self.loser.id}"


def keys_of(binding: Binding, keymap: Mapping[str, str]) -> list[str]:
    """The keys a binding answers to after the keymap (an entry replaces all its keys)."""
    if binding.id and binding.id in keymap:
        return key_list(keymap[binding.id])
    return key_list(binding.key)


def _lookup_order(context: KeyContext) -> list[Binding]:
    """Bindings in the order Textual tries them: priority ones from the app down, then
    the rest from the focused widget up."""
    priority = [b for layer in reversed(context.layers) for b in layer if b.priority]
    normal = [b for layer in context.layers for b in layer if not b.priority]
    return [*priority, *normal]


def find_conflicts(contexts: Sequence[KeyContext], keymap: Mapping[str, str]) -> list[Conflict]:
    """Every key held by two different bindings where both are looked up."""
    conflicts: list[Conflict] = []
    for context in contexts:
        owner: dict[str, Binding] = {}
        for binding in _lookup_order(context):
            for key in keys_of(binding, keymap):
                held = owner.setdefault(key, binding)
                if held.id != binding.id:
                    conflicts.append(Conflict(key, held, binding, context.name))
    return conflicts


def user_conflicts(conflicts: Sequence[Conflict], keymap: Mapping[str, str]) -> list[Conflict]:
    """The conflicts the user's keymap made, each once (an app-wide key clashes on
    every screen: it is named at its first)."""
    seen: set[tuple[str, str | None, str | None]] = set()
    found: list[Conflict] = []
    for conflict in conflicts:
        if conflict.winner.id not in keymap and conflict.loser.id not in keymap:
            continue
        identity = (conflict.key, conflict.winner.id, conflict.loser.id)
        if identity not in seen:
            seen.add(identity)
            found.append(conflict)
    return found


def lost_keys(contexts: Sequence[KeyContext], conflicts: Sequence[Conflict]) -> dict[str, set[str]]:
    """Keys each binding id does not really have, for the help and the key hints.

    A screen's binding loses a key taken from it where that screen is mostly used
    (its first context: the article screen's ``n`` is lost when the sentence cursor
    takes it, even though the suggestions panel would leave it); an app-wide binding
    only when the key is taken from it everywhere.
    """
    places: dict[str, list[str]] = {}
    for context in contexts:
        for layer in context.layers:
            for binding in layer:
                if binding.id and context.name not in places.setdefault(binding.id, []):
                    places[binding.id].append(context.name)
    taken: dict[tuple[str, str], set[str]] = {}
    for conflict in conflicts:
        if conflict.loser.id:
            taken.setdefault((conflict.loser.id, conflict.key), set()).add(conflict.where)
    lost: dict[str, set[str]] = {}
    for (binding_id, key), where in taken.items():
        seen_in = places.get(binding_id, [])
        everywhere = len(seen_in) == len(contexts)
        if (everywhere and where >= set(seen_in)) or (not everywhere and seen_in[0] in where):
            lost.setdefault(binding_id, set()).add(key)
    return lost
