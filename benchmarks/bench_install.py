"""The size and time of a fresh ``pip install .``, and the closure it replaced.

Run: ``python benchmarks/bench_install.py`` (about a minute on the local mirror).

1. A new venv, ``pip install .`` (what pip/pipx users do), timed; its size with ``du``.
2. ``pip install --dry-run --report`` of the same requirements with ``argostranslate``
   instead of ``argos-translate-lt`` (the old closure): the packages it would add and
   the sum of their wheel sizes (installing torch and CUDA is too slow to repeat here).

pip resolves against whatever index pip is configured with; on the build machine
that is the local mirror, so nothing reaches outside the machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "stanza", "spacy", "nvidia-")


def du_bytes(path: Path) -> int:
    output = subprocess.run(["du", "-sb", str(path)], capture_output=True, text=True, check=True)
    return int(output.stdout.split()[0])


def fresh_install(work: Path) -> tuple[float, int, list[str]]:
    venv = work / "venv"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", str(ROOT)],
        check=True,
        env={**os.environ, "PIP_NO_CACHE_DIR": "1"},
    )
    seconds = time.perf_counter() - started
    listing = subprocess.run(
        [str(venv / "bin" / "pip"), "list", "--format=json"], capture_output=True, text=True
    )
    names = [item["name"].lower() for item in json.loads(listing.stdout)]
    return seconds, du_bytes(venv), names


def old_closure(work: Path) -> tuple[int, int, list[str]]:
    """(packages, summed wheel bytes, heavy packages) with argostranslate instead."""
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    old = ["argostranslate" if d.startswith("argos-translate-lt") else d for d in dependencies]
    report = work / "report.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--dry-run",
            "--ignore-installed",
            "--report",
            str(report),
            *old,
        ],
        check=True,
    )
    installs = json.loads(report.read_text())["install"]
    total = 0
    for item in installs:
        url = item["download_info"]["url"]
        if url.startswith("file://"):
            total += (
                Path(urllib.request.url2pathname(urllib.parse.urlparse(url).path)).stat().st_size
            )
    names = [item["metadata"]["name"].lower() for item in installs]
    heavy = [name for name in names if name.startswith(HEAVY)]
    return len(installs), total, heavy


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-install-") as folder:
        work = Path(folder)
        seconds, size, names = fresh_install(work)
        heavy_now = [name for name in names if name.startswith(HEAVY)]
        print(f"pip install . into a new venv: {seconds:.0f} s, {size / 2**20:.0f} MB on disk")
        print(
            f"  {len(names)} packages; torch/stanza/spacy/nvidia among them: {heavy_now or 'none'}"
        )
        count, wheels, heavy = old_closure(work)
        print(
            f"with argostranslate instead (dry run): {count} packages,"
            f" {wheels / 2**20:.0f} MB of wheels (compressed), heavy: {len(heavy)}"
        )
        print("  " + ", ".join(sorted(heavy)))


if __name__ == "__main__":
    main()
