"""Hostile input (issue 18): bounded memory for any input, and one bad line costs that line only.

Inputs are small and made here; the limits are lowered through ``Limits`` so that a few MB stand
for the 6 GB gzip bomb and the 200 MB line of the issue. Memory is measured with tracemalloc
around the reader (what Python allocates), not with timings.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

from silkwire.ingest import Limits, read_paths
from silkwire.model import Article
from silkwire.service import articles as service

GOOD = {"title": "Accord entre Astana et Tachkent", "lead": "Le Kazakhstan et l'Ouzbékistan ont signé un accord."}
SMALL = Limits(max_line_bytes=100_000, max_article_chars=50_000, max_uncompressed=50_000_000)


def good(n: int) -> bytes:
    return (json.dumps({**GOOD, "title": f"Accord numéro {n}"}, ensure_ascii=False) + "\n").encode()


def bomb(path: Path, megabytes: int) -> Path:
    """A good line, one line of ``megabytes`` MB of 'a' in a JSON string, a good line: gzip."""
    with gzip.open(path, "wb", compresslevel=9) as fh:
        fh.write(good(1) + b'{"lead": "')
        for _ in range(megabytes):
            fh.write(b"a" * (1 << 20))
        fh.write(b'"}\n' + good(2))
    return path


def peak_while_reading(paths: list[str], limits: Limits) -> tuple[list[object], int]:
    tracemalloc.start()
    try:
        items = list(read_paths(paths, limits=limits))
        return items, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_gzip_bomb_line_is_rejected_in_bounded_memory(tmp_path):
    path = bomb(tmp_path / "bomb.jsonl.gz", 24)
    items, peak = peak_while_reading([str(path)], SMALL)
    errors = [i for i in items if not isinstance(i, Article)]
    assert [str(e) for e in errors] == [f"{path}:2: line longer than 100,000 bytes (--max-line-bytes); skipped"]
    assert [i.title for i in items if isinstance(i, Article)] == ["Accord numéro 1", "Accord numéro 2"]
    assert peak < 5_000_000, f"peak {peak:,} bytes for a 24 MB line with a 100 KB cap"


def test_gzip_bomb_stops_at_the_uncompressed_limit(tmp_path, ws):
    path = tmp_path / "many.jsonl.gz"
    with gzip.open(path, "wb") as fh:
        for n in range(20_000):
            fh.write(good(n))
    limits = Limits(max_uncompressed=60_000)
    report = service.ingest(ws, [str(path)], limits=limits)
    [error] = report.rejected
    line = int(error.origin.rsplit(":", 1)[1])
    assert "more than 60,000 bytes once decompressed (raise it with --max-uncompressed)" in error.message
    assert "the rest of the file was skipped" in error.message
    assert report.new == line - 1 > 500  # every whole line before the cut went in
    assert ws.index.count() == report.new


def test_truncated_gzip_keeps_the_lines_before(tmp_path, ws):
    whole = gzip.compress(b"".join(good(n) for n in range(1000)))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    report = service.ingest(ws, [str(path)])
    [error] = report.rejected
    assert "cannot read on from here" in error.message and error.origin.startswith(f"{path}:")
    assert report.new > 50


def test_huge_single_line_listing_is_rejected_and_the_items_around_it_go_in(tmp_path, ws):
    path = tmp_path / "bigline.txt"
    sentence = b"Le Kazakhstan et l'Ouzbekistan ont signe un accord sur l'eau du Syr-Daria. "
    with path.open("wb") as fh:
        fh.write(b"Accord entre Astana et Tachkent\nLe Kazakhstan et l'Ouzbekistan ont signe un accord.\n")
        fh.write(sentence * (8_000_000 // len(sentence)))
        fh.write(b"\nSecond accord sur l'eau\nLes deux pays ont signe un second accord sur l'eau.\n")
    _, peak = peak_while_reading([str(path)], SMALL)
    assert peak < 5_000_000, f"peak {peak:,} bytes for an 8 MB line with a 100 KB cap"
    report = service.ingest(ws, [str(path)], limits=SMALL)
    assert [str(e) for e in report.rejected] == [f"{path}:3: line longer than 100,000 bytes (--max-line-bytes); "
                                                 "skipped"]
    assert report.new == 2


def test_article_over_the_character_limit_is_rejected(tmp_path, ws):
    path = tmp_path / "long.jsonl"
    path.write_bytes(good(1) + (json.dumps({"title": "Long", "lead": "mot " * 20_000}) + "\n").encode() + good(2))
    report = service.ingest(ws, [str(path)], limits=Limits(max_article_chars=10_000))
    assert [e.origin for e in report.rejected] == [f"{path}:2"]
    assert "article of 80,005 characters, more than 10,000 (--max-article-chars)" in report.rejected[0].message
    assert report.new == 2


def test_deep_nesting_and_lone_surrogate_cost_one_line_each(tmp_path, ws):
    path = tmp_path / "hostile.jsonl"
    path.write_bytes(good(1) + b"[" * 3000 + b"\n" + b'{"title":"a\\ud800b","lead":"x"}\n' + b'{"a": ' * 5000
                     + b"\n" + good(2))
    report = service.ingest(ws, [str(path)])
    assert [(e.origin, e.message) for e in report.rejected] == [
        (f"{path}:2", "JSON nested too deeply (arrays or objects inside one another); the line was skipped"),
        (f"{path}:4", "JSON nested too deeply (arrays or objects inside one another); the line was skipped")]
    assert [w.origin for w in report.warnings] == [f"{path}:3"]
    assert "replaced by U+FFFD" in report.warnings[0].message
    assert report.new == 3
    assert ws.store.count() == ws.index.count() == 3
    titles = {a.title for _, a in ws.store.articles_after(0, 10)}
    assert "a\ufffdb" in titles


def test_csv_long_line_and_huge_field_cost_their_rows_only(tmp_path, ws):
    path = tmp_path / "rows.csv"
    path.write_text("title,lead\nUn,Premier chapeau.\nDeux," + "x" * 150_000 + "\nTrois,\"" + "y" * 70_000
                    + "\n" + "y" * 70_000 + "\"\nQuatre,Dernier chapeau.\n", encoding="utf-8")
    report = service.ingest(ws, [str(path)], limits=Limits(max_line_bytes=100_000))
    messages = [str(e) for e in report.rejected]
    assert messages[0] == f"{path}:3: line longer than 100,000 bytes (--max-line-bytes); skipped"
    assert any("field larger than field limit" in m for m in messages[1:])  # the csv module's own cap
    assert {a.title for _, a in ws.store.articles_after(0, 10)} >= {"Un", "Quatre"}


def test_cli_rejects_each_hostile_line_in_one_line_and_exits_1(tmp_path):
    path = tmp_path / "hostile.jsonl"
    path.write_bytes(good(1) + b"[" * 3000 + b"\n" + b'{"title":"a\\ud800b","lead":"x"}\n' + good(2))
    bomb_path = bomb(tmp_path / "bomb.jsonl.gz", 3)
    proc = subprocess.run([sys.executable, "-m", "silkwire", "ingest", "--db", str(tmp_path / "cli.db"),
                           "--max-line-bytes", "100000", str(path), str(bomb_path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [
        f"rejected: {path}:2: JSON nested too deeply (arrays or objects inside one another); the line was skipped",
        f"rejected: {bomb_path}:2: line longer than 100,000 bytes (--max-line-bytes); skipped",
        f"warning: {path}:3: field 'title': a lone UTF-16 surrogate (\\ud800-\\udfff) is no character; replaced "
        "by U+FFFD",
    ]
    assert proc.stdout.strip() == "5 new, 0 duplicate, 2 rejected, 1 warnings"


def test_listing_line_over_the_article_limit_is_rejected_before_decoding(tmp_path, ws):
    path = tmp_path / "long.txt"
    path.write_text("Titre correct sur Astana\nUn chapeau correct et complet, avec assez de mots pour en être un.\n"
                    + "mot " * 5_000 + "\nAutre titre sur Bichkek\nUn autre chapeau complet, lui aussi assez long.\n",
                    encoding="utf-8")
    report = service.ingest(ws, [str(path)], limits=Limits(max_article_chars=10_000))
    assert [str(e) for e in report.rejected] == [f"{path}:3: line of 20,000 characters, more than 10,000 "
                                                 "(--max-article-chars); skipped"]
    assert report.new == 2
