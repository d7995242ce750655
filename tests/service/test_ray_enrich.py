"""Enrichment on Ray (service/distributed.py): a local Ray cluster of 2 CPUs enriches the demo
corpus in a PostgreSQL store, one of its workers killed on the way, and the records are those
of the local path, byte for byte; a second run has nothing left to do."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from silkwire.cli.main import app
from silkwire.service import articles as service

pytestmark = pytest.mark.slow
runner = CliRunner()


@pytest.fixture(scope="module")
def ray_cluster():
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install -e '.[ray]')")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False,
             object_store_memory=200 * 1024 * 1024)
    yield ray
    ray.shutdown()


def export(db: str) -> str:
    result = runner.invoke(app, ["export", "--db", db])
    assert result.exit_code == 0, result.output
    return result.output


def test_ray_workers_give_the_records_of_the_local_path(ray_cluster, pg_server, tmp_path, monkeypatch):
    from silkwire.service.distributed import enrich_on_ray
    from silkwire.store.pg_connection import close_pools

    local, distributed = pg_server.create_database("local"), pg_server.create_database("ray")
    for name, db in (("local", local), ("ray", distributed)):
        monkeypatch.setenv("SILKWIRE_INDEX", str(tmp_path / f"{name}.index"))
        with service.open_workspace(db, create=True) as ws:
            service.ingest(ws, service.demo_files())
            if name == "local":
                service.enrich(ws, service.default_enricher(), batch_size=32)
                continue
            killed: list[object] = []

            def kill_one(report, actors, killed=killed):
                if not killed:  # a worker dies with batches in flight: they go to a new actor
                    killed.append(actors[0])
                    ray_cluster.kill(actors[0], no_restart=True)

            report = enrich_on_ray(ws, workers=2, batch_size=32, on_batch=kill_one)
            assert killed and report.enriched == ws.store.count()
            assert enrich_on_ray(ws, workers=2, batch_size=32).enriched == 0  # idempotent: nothing left
    monkeypatch.setenv("SILKWIRE_INDEX", str(tmp_path / "reader.index"))
    records = export(local)
    assert records.count("\n") >= 150 and '"entities"' in records
    assert export(distributed) == records
    close_pools()


def test_cli_engine_ray(ray_cluster, pg_url):
    ingest = runner.invoke(app, ["ingest", *service.demo_files()[:1], "--db", pg_url])
    assert ingest.exit_code == 0, ingest.output
    # the test's cluster is this process's: --address would connect to another
    result = runner.invoke(app, ["enrich", "--engine", "ray", "--workers", "1", "--db", pg_url])
    assert result.exit_code == 0, result.output
    assert "articles enriched" in result.output and not result.output.startswith("0 ")
    bad = runner.invoke(app, ["enrich", "--engine", "spark", "--db", pg_url])
    assert bad.exit_code == 2 and "--engine" in bad.output
