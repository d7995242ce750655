"""What the temporal tagger says on the texts the project owns, as plain data (JSON-ready).

tests/test_compiled.py computes it twice, with the compiled modules and, in a subprocess, with
the interpreted sources (pure_python.py), and compares.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "src" / "silkwire" / "demo"
PEER = ROOT.parent / "shared" / "data" / "recognizers-text-fr"  # optional: used when present


def texts() -> list[tuple[str, str | None]]:
    """(text, publication date) pairs: the temporal gold, the demo articles (title, lead and both
    together, with and without their date), the demo listings line by line and whole; and, when
    ../shared/data is there, every Recognizers-Text French case (with its reference date)."""
    pairs: list[tuple[str, str | None]] = []
    for line in (ROOT / "tests" / "fixtures" / "temporal_gold.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        pairs.append((row["text"], row["published"]))
    for path in sorted(DEMO.glob("news-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            for text in (row["title"], row["lead"], f"{row['title']}. {row['lead']}"):
                pairs += [(text, row["published"]), (text, None)]
    for path in sorted(DEMO.glob("listing-*.txt")):
        listing = path.read_text(encoding="utf-8")
        pairs += [(line, "2025-06-15") for line in listing.splitlines() if line.strip()]
        pairs.append((listing, None))
    for path in sorted(PEER.glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8-sig")):
            reference = (case.get("Context") or {}).get("ReferenceDateTime")
            pairs.append((case["Input"], reference[:10] if reference else None))
    return pairs


def outputs() -> list[Any]:
    from silkwire.nlp.temporal import event_date_and_status, tag_dates

    out: list[Any] = []
    for text, published in texts():
        refs = tag_dates(text, published)
        found = [[r.text, list(r.span), r.value, r.grain, r.kind, r.anchor] for r in refs]
        out.append([text, published, found, list(event_date_and_status(text, refs, published))])
    return out
