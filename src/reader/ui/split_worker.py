"""Korean sentence splitting in a helper process, until kiwipiepy is loaded here.

Loading kiwipiepy (its model, then its first analysis) takes several seconds and
holds the GIL the whole time, so loading it on a worker thread still freezes the
screen. The first articles are therefore split in a separate process; once
kiwipiepy is in this process for another reason, splitting happens here. This
module imports nothing from Textual: the helper process imports it.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from reader.core.models import Sentence

T = TypeVar("T")

_pool: Any = None
_pool_lock = threading.Lock()


def split_in_this_process(paragraphs: list[str], lang: str) -> list[list[Sentence]]:
    """What the helper process runs (and the fallback here)."""
    from reader.core.sentences import split_sentences

    return [split_sentences(paragraph, lang) for paragraph in paragraphs]


def needs_helper(lang: str) -> bool:
    """Korean, and kiwipiepy not loaded in this process yet."""
    return lang == "ko" and "kiwipiepy" not in sys.modules


def _start_pool() -> Any:
    """One spawned helper process, silent, terminated (not awaited) at exit.

    multiprocessing hands ``sys.stderr``'s file descriptor to its resource tracker;
    inside the app Textual has replaced ``sys.stderr`` with an object without a real
    one, so a null device stands in while the processes start.
    """
    import multiprocessing

    saved = sys.stderr
    with open(os.devnull, "w") as null:
        sys.stderr = null
        try:
            return multiprocessing.get_context("spawn").Pool(processes=1, initializer=_silence)
        finally:
            sys.stderr = saved


def _silence() -> None:
    """In the helper: nothing it prints may reach the terminal the app is drawing on."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)


def helper_pool() -> Any:
    """The session's one helper process (started on first use), for anything that would
    load kiwipiepy here: sentence splitting, and term analysis in ``term_worker``."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = _start_pool()
            atexit.register(_stop_pool)
        return _pool


def _stop_pool() -> None:
    """Terminate the helper before the interpreter tears modules down (which would make
    the pool's own finalizer print an ignored exception)."""
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.terminate()
            _pool = None


def run_in_helper(function: Callable[..., T], *args: Any) -> T:
    """Run a module-level ``function(*args)`` in the helper process and return its result.

    Call from a worker thread: waiting on the helper releases the GIL.
    """
    result: T = helper_pool().apply_async(function, args).get()
    return result


def split_in_helper(paragraphs: list[str], lang: str) -> list[list[Sentence]]:
    """Split in the helper process."""
    return run_in_helper(split_in_this_process, paragraphs, lang)
