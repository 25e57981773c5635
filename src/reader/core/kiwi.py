"""The process's one kiwipiepy analyser and the lock that serialises calls into it.

Building a ``Kiwi`` takes seconds and hundreds of megabytes, so the process keeps one
for its whole life; sentence splitting and term analysis share it. Textual workers
and the translation worker are threads, and a ``Kiwi`` is not safe to call from two
at once, so every call into it holds :data:`analysis_lock`.

kiwipiepy is imported on first use only: the TUI process must never load it (the UI
analyses in a helper process), and importing this module costs nothing.
"""

from __future__ import annotations

import threading
from typing import Any

_kiwi: Any = None
_kiwi_lock = threading.Lock()
analysis_lock = threading.Lock()
"""Held around every call into the shared analyser."""


def get_kiwi() -> Any:
    """The shared ``kiwipiepy.Kiwi``, built (and kiwipiepy imported) on the first call.

    Raises ImportError when kiwipiepy is not installed.
    """
    global _kiwi
    with _kiwi_lock:
        if _kiwi is None:
            from kiwipiepy import Kiwi

            _kiwi = Kiwi()
        return _kiwi


def kiwi_and_lock() -> tuple[Any, threading.Lock]:
    """The shared analyser and the lock to hold while calling it."""
    return get_kiwi(), analysis_lock
