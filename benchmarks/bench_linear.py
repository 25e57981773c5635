"""n against 4n timings of every pass over outside text (tests/hostile/linear_cases.py).

A linear pass takes about 4 times as long at 4n; a quadratic one about 16 times.
n starts at the case's own size and doubles until a run is measurable (10 ms);
a case whose n run takes longer than --slow seconds is not run at 4n (a quadratic
pass would take minutes there): it prints the n time only. --scale shrinks every
starting n (to time the quadratic versions of the passes at all).

Run: .venv/bin/python benchmarks/bench_linear.py [-k substring] [--scale 0.1]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dataclasses import replace

from tests.hostile.linear_cases import CASES, ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-k", default="", help="only the cases whose name contains this")
    parser.add_argument("--slow", type=float, default=3.0)
    parser.add_argument("--scale", type=float, default=1.0)
    arguments = parser.parse_args()
    print(f"{'case':48} {'n':>8} {'t(n) s':>9} {'t(4n) s':>9} {'ratio':>7}")
    for case in CASES:
        if arguments.k not in case.name:
            continue
        scaled = replace(case, n=max(1, int(case.n * arguments.scale)))
        try:
            n, small, large, times = ratio(scaled, repeats=2, give_up=arguments.slow)
            if large == float("inf"):
                figures = f"{n:>8} {small:9.4f} {'skipped':>9} {'-':>7}"
            else:
                figures = f"{n:>8} {small:9.4f} {large:9.4f} {times:7.1f}"
        except Exception as error:
            figures = f"  n/a: {type(error).__name__}: {str(error)[:60]}"
        print(f"{case.name:48} {figures}", flush=True)


if __name__ == "__main__":
    main()
