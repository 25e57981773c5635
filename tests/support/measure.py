"""Run the real ``reader`` command and measure that one process's peak memory."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

_RUN_AND_REPORT_PEAK = """
import os, sys
from reader.cli import main
try:
    code = main(sys.argv[1:])
finally:
    with open("/proc/self/status") as status:
        peak = next(line for line in status if line.startswith("VmHWM:"))
    with open(os.environ["READER_TEST_PEAK_FILE"], "w") as out:
        out.write(peak.split()[1])
sys.exit(code)
"""


def run_measured(
    *args: str, timeout: float = 60, input_text: str | None = None
) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run ``reader`` and return it with its own peak RSS in MB.

    The figure is the child's ``VmHWM`` read just before it exits: ``ru_maxrss`` from
    ``wait4`` would include the parent's memory at the fork (Linux carries the old
    address space's high-water mark across exec), i.e. the test process's.
    """
    with tempfile.TemporaryDirectory() as folder:
        peak_file = Path(folder) / "peak"
        completed = subprocess.run(
            [sys.executable, "-c", _RUN_AND_REPORT_PEAK, *args],
            input=input_text,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "READER_TEST_PEAK_FILE": str(peak_file)},
        )
        return completed, int(peak_file.read_text()) // 1024
