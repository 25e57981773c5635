"""What every helper process of reader does first: keep off the terminal.

reader's helper processes (the feed parsers, the analysis helper) share the terminal
with the TUI; anything they printed would land on the screen the app is drawing. Their
results and errors travel back through their pools instead.
"""

from __future__ import annotations

import os


def silence_terminal_output() -> None:
    """Point this process's standard output and error at the null device (a process
    pool's initializer)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
