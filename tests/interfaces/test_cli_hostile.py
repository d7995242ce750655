"""The command line against a hostile query (issue 18): one line, exit 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys

from silkwire.search.query import MAX_DEPTH, parse_query


def test_nesting_up_to_the_limit_parses():
    assert parse_query("(" * MAX_DEPTH + "police" + ")" * MAX_DEPTH).node is not None


def test_ten_thousand_levels_are_one_line_and_exit_2(tmp_path):
    db = tmp_path / "q.db"
    (tmp_path / "a.jsonl").write_text('{"title": "Police", "lead": "La police kazakhe."}\n', encoding="utf-8")
    subprocess.run([sys.executable, "-m", "silkwire", "ingest", "-q", "--db", str(db), str(tmp_path / "a.jsonl")],
                   check=True, capture_output=True)
    query = "(" * 10_000 + "police" + ")" * 10_000
    proc = subprocess.run([sys.executable, "-m", "silkwire", "search", "--db", str(db), query],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: parentheses nested too deeply at column {MAX_DEPTH + 1}: at most " \
                                  f"{MAX_DEPTH} levels"
