"""A 50 MB input streams through ingest in bounded memory."""

import json
import subprocess
import sys

import pytest

CHILD = """
import resource, sys
from silkwire.service import articles as service
with service.open_workspace(sys.argv[2], create=True) as ws:
    report = service.ingest(ws, [sys.argv[1]])
print(report.new, len(report.rejected), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def ingest_in_child(path, db):
    proc = subprocess.run([sys.executable, "-c", CHILD, str(path), str(db)], capture_output=True, text=True, check=True)
    new, rejected, peak_mb = map(int, proc.stdout.split())
    return new, rejected, peak_mb


@pytest.mark.slow
def test_50_mb_input_streams_in_bounded_memory(tmp_path):
    words = [
        "Le",
        "Kazakhstan",
        "et",
        "l’Ouzbékistan",
        "ont",
        "signé",
        "à",
        "Tachkent",
        "un",
        "accord",
        "de",
        "coopération",
        "énergétique,",
        "hydraulique",
        "et",
        "ferroviaire",
        "avec",
        "la",
        "Chine",
        "et",
        "la",
        "Russie.",
    ]
    big = tmp_path / "big.jsonl"
    n = 0
    with big.open("w", encoding="utf-8") as fh:
        while fh.tell() < 50 * 1024 * 1024:
            body = " ".join(words[(n + i) % len(words)] for i in range(300)) + f" Article {n}."
            fh.write(json.dumps({"title": f"Dépêche {n}", "lead": body}, ensure_ascii=False) + "\n")
            n += 1
    small = tmp_path / "small.jsonl"
    small.write_text("".join(big.open(encoding="utf-8").readline() for _ in range(1)), encoding="utf-8")

    _, _, baseline_mb = ingest_in_child(small, tmp_path / "small.db")
    new, rejected, peak_mb = ingest_in_child(big, tmp_path / "big.db")

    assert (new, rejected) == (n, 0)
    # Holding the file would take > 50 MB as bytes (2-4x that as Python strings); streaming
    # needs one batch plus the index writer's fixed 32 MB buffer.
    assert peak_mb - baseline_mb < 50, f"peak {peak_mb} MB vs baseline {baseline_mb} MB"
