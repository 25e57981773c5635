"""Peak memory and time of the model-package bombs of issue 17 (items 30 and 38).

Three cases, each a fresh ``reader`` process over a fresh READER_HOME and a local
server on 127.0.0.1; the figure is the process's ``VmHWM`` read just before it exits:

1. ``models list --available`` with the index sent as ``Content-Encoding: gzip, gzip,
   gzip`` over gzip(gzip(gzip(2 GiB of zeros))) (~280 bytes);
2. ``models install ko-en`` with the package sent the same way (the index states the
   tiny package's real size);
3. ``models install FILE`` of a 2 MB zip whose ``metadata.json`` inflates to 1.9 GB.

``--before SRC`` runs the same cases with another source tree first (e.g. the commit
before the fix, from ``git archive <commit> src | tar -x -C /tmp/before``).

Run: .venv/bin/python benchmarks/bench_package_bombs.py [--before /tmp/before/src] [--mib 2048]

Last run (2 cores, 2026-12-01, 2048 MiB): before (a0e19a9) 4,135 / 6,181 / 3,843 MB
peak RSS and 20–58 s each (the package bomb also wrote 2 GiB into the cache); after
42 / 35 / 23 MB and 0.3–0.8 s, each refused in one line.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.bombs import (  # noqa: E402
    members_of,
    stacked_gzip_of_zeros,
    write_zip,
    zero_member,
)
from tests.support.measure import _RUN_AND_REPORT_PEAK  # noqa: E402
from tests.support.tiny_argos import build_tiny_packages  # noqa: E402


class Routes(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[bytes, dict[str, str]]]] = {}

    def do_GET(self) -> None:
        body, headers = self.routes[self.path]
        self.send_response(200)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def run_case(work: Path, base: str, source: Path | None, *args: str) -> str:
    home = Path(tempfile.mkdtemp(prefix="home-", dir=work))
    env = {**os.environ, "READER_HOME": str(home), "ARGOS_PACKAGE_INDEX": base + "/"}
    env["READER_TEST_PEAK_FILE"] = str(home / "peak")
    if source is not None:
        env["PYTHONPATH"] = str(source)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _RUN_AND_REPORT_PEAK, *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.monotonic() - started
    peak_mb = int((home / "peak").read_text()) // 1024
    said = (done.stderr.strip().splitlines() or [""])[-1][:100]
    return f"exit {done.returncode}  peak {peak_mb:>5} MB  {elapsed:5.1f} s  {said}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, help="a source tree (its src/) to run first")
    parser.add_argument("--mib", type=int, default=2048, help="MiB of zeros in each bomb")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-bombs-"))
    tiny = build_tiny_packages(work / "tiny")
    bomb = stacked_gzip_of_zeros(options.mib * 2**20, layers=3)
    metadata_bomb = write_zip(
        work / "metadata-bomb.argosmodel",
        [
            zero_member("translate-ko_en-tiny/metadata.json", options.mib * 93 // 100 * 2**20),
            *members_of(tiny.ko_en, skip={"metadata.json"}),
        ],
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), Routes)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    stacked = {"Content-Encoding": "gzip, gzip, gzip"}
    index = [
        {
            "from_code": "ko",
            "to_code": "en",
            "package_version": "1.0",
            "links": [base + "/package"],
            "size": tiny.ko_en.stat().st_size,
        }
    ]
    print(
        f"{options.mib} MiB of zeros: stacked body {len(bomb)} bytes,"
        f" metadata bomb {metadata_bomb.stat().st_size} bytes on disk"
    )
    builds = [("before", options.before)] if options.before else []
    for name, source in [*builds, ("after", None)]:
        Routes.routes = {"/index.json": (bomb, stacked)}
        print(
            f"{name:6} index bomb     ",
            run_case(work, base, source, "models", "list", "--available"),
        )
        Routes.routes = {
            "/index.json": (json.dumps(index).encode(), {}),
            "/package": (bomb, stacked),
        }
        print(
            f"{name:6} package bomb   ", run_case(work, base, source, "models", "install", "ko-en")
        )
        print(
            f"{name:6} metadata bomb  ",
            run_case(work, base, source, "models", "install", str(metadata_bomb)),
        )
    server.shutdown()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
