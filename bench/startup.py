"""Start-up time of commands that need no NLP model (target: under 0.5 s).

Runs each command 10 times in a fresh process and prints the median and the worst, next to a
bare `python -c pass` as the floor of this machine in the same run.
Usage: python bench/startup.py [DB]  (DB: a database to search; default: builds the demo one)
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 10


def timed(cmd: list[str]) -> tuple[float, float]:
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), max(times)


def main() -> int:
    silkwire = str(Path(sys.executable).with_name("silkwire"))
    with tempfile.TemporaryDirectory() as tmp:
        db = sys.argv[1] if len(sys.argv) > 1 else str(Path(tmp) / "demo.db")
        if len(sys.argv) == 1:
            subprocess.run([silkwire, "demo", "--out", db], check=True, capture_output=True)
        rows = [
            ("python -c pass (floor)", [sys.executable, "-c", "pass"]),
            ("silkwire --help", [silkwire, "--help"]),
            ("silkwire search ouzbek", [silkwire, "search", "ouzbek", "--db", db]),
            ("silkwire stats", [silkwire, "stats", "--db", db]),
        ]
        print("| command | median | worst |\n|---|---|---|")
        for name, cmd in rows:
            median, worst = timed(cmd)
            print(f"| `{name}` | {median * 1000:.0f} ms | {worst * 1000:.0f} ms |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
