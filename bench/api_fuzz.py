"""The REST API under schemathesis (issue 18): every operation of /api/openapi.json, valid and
invalid examples, against a live ``silkwire serve`` with an ingest token; the goal is 0 server
errors (5xx) and every answer as the schema says.

schemathesis is not a silkwire dependency (it pins its own hypothesis and jsonschema): install it
in a venv of its own and name its executable, e.g.

    python -m venv /tmp/st && /tmp/st/bin/pip install schemathesis
    python bench/api_fuzz.py --st /tmp/st/bin/schemathesis [--max-examples 30]

The database is the bundled demo corpus, ingested (not enriched: the facets are empty, which the
schema allows) in a scratch folder.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--st", default="schemathesis", help="the schemathesis executable")
    parser.add_argument("--max-examples", type=int, default=30)
    opts = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "fuzz.db")
        demo = [str(p) for p in sorted((ROOT / "src" / "silkwire" / "demo").glob("*.txt"))]
        subprocess.run([py, "-m", "silkwire", "ingest", "-q", "--db", db, *demo], check=False, capture_output=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen([py, "-m", "silkwire", "serve", "--db", db, "--port", str(port)],
                                  env={**os.environ, "SILKWIRE_INGEST_TOKEN": "fuzz-token"},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            for _ in range(200):
                try:
                    socket.create_connection(("127.0.0.1", port)).close()
                    break
                except OSError:
                    time.sleep(0.1)
            print(f"# {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}", flush=True)
            started = time.perf_counter()
            run = subprocess.run([opts.st, "run", f"http://127.0.0.1:{port}/api/openapi.json",
                                  "--checks", "not_a_server_error", "-n", str(opts.max_examples),
                                  "-H", "Authorization: Bearer fuzz-token", "--no-color"],
                                 capture_output=True, text=True, check=False)
            print(run.stdout[-4000:])
            print(f"schemathesis exit {run.returncode} in {time.perf_counter() - started:.0f} s")
            return run.returncode
        finally:
            server.terminate()
            _, errors = server.communicate(timeout=30)
            tracebacks = errors.count("Traceback")
            print(f"server tracebacks: {tracebacks}")


if __name__ == "__main__":
    sys.exit(main())
