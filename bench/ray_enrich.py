"""Enrichment on Ray vs here, the same items, in one run (issue 17).

The same ``--items`` OrangeSum articles (title + lead) are ingested into one PostgreSQL database
per run (a throw-away server), then enriched:
- locally with 1 and 2 processes (``silkwire enrich --workers N``: spaCy's multiprocess NER);
- on a local Ray cluster of 2 CPUs with 1 and 2 actors (``--engine ray --workers N``).
Reported: articles/s end to end (the enrich call: batches read, NLP, records written, index,
estimates, stories), the actors' start-up (spaCy loaded once per actor) apart, the ratio of Ray
with 2 actors to 2 local processes (target >= 0.8), and whether the records are identical.

Usage: python bench/ray_enrich.py [--items 2000] [--out bench/out]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))
sys.path.insert(0, str(ROOT / "bench"))

from pgserver import PgServer  # noqa: E402

from ingest_search import load_corpus, machine_info  # noqa: E402


def records(db: str) -> list[dict[str, Any]]:
    from silkwire.service import articles as service
    from silkwire.service.export import matching_records

    with service.open_workspace(db) as ws:
        return list(matching_records(ws))


def steady(marks: list[tuple[float, int]]) -> float:
    """Articles/s between the first and the last batch written: start-up (spaCy loads) and the
    follow-up (index, estimates, stories) left out."""
    (t0, n0), (t1, n1) = marks[0], marks[-1]
    return round((n1 - n0) / (t1 - t0), 1) if t1 > t0 else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--out", default=str(ROOT / "bench" / "out"))
    args = parser.parse_args()
    import ray

    from silkwire.service import articles as service
    from silkwire.service.distributed import enrich_on_ray
    from silkwire.store.pg_connection import close_pools

    scratch = Path(tempfile.mkdtemp(prefix="silkwire-ray-"))
    items = scratch / "items.jsonl"
    items.write_text("".join(json.dumps({"title": r["title"], "lead": r["heading"], "published": r["date"],
                                         "source": "orangesum", "id": r["id"]}, ensure_ascii=False) + "\n"
                             for r in load_corpus()[: args.items]), encoding="utf-8")
    result: dict[str, Any] = {"machine": machine_info(), "items": args.items}
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    runs = [("local_1", "local", 1), ("local_2", "local", 2), ("ray_1", "ray", 1), ("ray_2", "ray", 2)]
    found: dict[str, list[dict[str, Any]]] = {}
    with PgServer(durable=True) as server:
        for name, engine, workers in runs:
            db = server.create_database(name)
            os.environ["SILKWIRE_INDEX"] = str(scratch / f"{name}.index")
            with service.open_workspace(db, create=True) as ws:
                stored = service.ingest(ws, [str(items)]).new
                marks: list[tuple[float, int]] = []
                started = time.perf_counter()
                if engine == "local":
                    report = service.enrich(ws, service.default_enricher(workers),
                                            on_batch=lambda r, m=marks: m.append((time.perf_counter(), r.enriched)))
                else:
                    report = enrich_on_ray(ws, workers=workers, on_batch=lambda r, a, m=marks: m.append(
                        (time.perf_counter(), r.enriched)))
                elapsed = time.perf_counter() - started
            result[name] = {"articles": report.enriched, "stored": stored, "seconds": round(elapsed, 1),
                            "articles_per_s": round(report.enriched / elapsed, 1), "steady_per_s": steady(marks),
                            "first_batch_s": round(marks[0][0] - started, 1)}
            print(name, result[name], flush=True)
            found[name] = records(db)
        close_pools()
    ray.shutdown()
    for ray_run, local_run in (("ray_2", "local_2"), ("ray_1", "local_1")):
        for rate in ("articles_per_s", "steady_per_s"):
            ratio = result[ray_run][rate] / max(result[local_run][rate], 0.1)
            result[f"{ray_run}_vs_{local_run}_{rate}"] = round(ratio, 2)
    result["records_identical"] = all(found[name] == found["local_1"] for name in found)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "ray_enrich.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    shutil.rmtree(scratch, ignore_errors=True)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
