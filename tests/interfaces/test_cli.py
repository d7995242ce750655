import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from silkwire.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_ingest_twice_reports_duplicates(seed_path, tmp_path):
    db = str(tmp_path / "s.db")
    first = run("ingest", str(seed_path), "--db", db)
    assert first.exit_code == 0, first.output
    assert "21 new, 0 duplicate, 0 rejected" in first.output
    second = run("ingest", str(seed_path), "--db", db)
    assert "0 new, 21 duplicate, 0 rejected" in second.output


def test_search_seed_with_highlights(seed_path, tmp_path):
    db = str(tmp_path / "s.db")
    run("ingest", str(seed_path), "--db", db)
    for query, needle in (("ouzbek", "ouzb"), ("sommets", "sommet")):
        result = run("search", query, "--db", db, "--json", "--limit", "50")
        assert result.exit_code == 0, result.output
        payload = json.loads(result.output)
        assert payload["total"] >= 3
        for hit in payload["hits"]:
            assert hit["highlights"]
            shown = [hit["snippet"][s:e].lower() for s, e in hit["snippet_highlights"]]
            assert all(needle in s for s in shown)
    text = run("search", "sommets", "--db", db)
    assert "Sommet de Bichkek" in text.output and "of 5 results" in text.output


def test_extract_prints_21_records_in_order(seed_path):
    result = run("extract", str(seed_path), "--format", "jsonl", "--no-nlp")
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.output.splitlines()]
    assert len(records) == 21
    assert records[0]["title"] is None
    assert records[1]["title"].startswith("Sommet de Bichkek")
    assert set(records[1]) == {"id", "source", "url", "published", "title", "text"}


@pytest.mark.slow
def test_extract_with_nlp_gives_facts_with_spans(seed_path):
    result = run("extract", str(seed_path))
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert len(records) == 21
    bichkek = records[1]
    assert {"KZ", "KG"} <= {c["code"] for c in bichkek["countries"]}
    assert any(d["value"] == "2025-08-21/2025-08-22" for d in bichkek["dates"])
    for field in ("countries", "entities", "places"):
        for fact in bichkek[field]:
            for s, e in fact["spans"]:
                assert 0 <= s < e <= len(bichkek["text"])


def test_show_and_stats(seed_path, tmp_path):
    db = str(tmp_path / "s.db")
    run("ingest", str(seed_path), "--db", db)
    record = json.loads(run("extract", str(seed_path)).output.splitlines()[3])
    shown = run("show", record["id"][:8], "--db", db, "--json")
    assert json.loads(shown.output)["text"] == record["text"]
    stats = json.loads(run("stats", "--db", db, "--json").output)
    assert stats["articles"] == 21 and stats["with_title"] == 20


def test_exit_codes_and_clear_errors(tmp_path):
    db = str(tmp_path / "s.db")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"lead": "Bon."}\nnot json\n', encoding="utf-8")
    result = run("ingest", str(bad), "--db", db)
    assert result.exit_code == 1
    assert f"{bad}:2: invalid JSON" in result.output
    assert "1 new, 0 duplicate, 1 rejected" in result.output


def test_errors_are_one_line_without_traceback(tmp_path):
    env = {**os.environ, "SILKWIRE_DB": str(tmp_path / "absent.db")}
    proc = subprocess.run(
        [sys.executable, "-m", "silkwire", "search", "ouzbek"], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 2
    assert "no such database" in proc.stderr and "Traceback" not in proc.stderr
    db = tmp_path / "x.db"
    subprocess.run(
        [sys.executable, "-m", "silkwire", "ingest", "--db", str(db), "-"],
        input='{"lead": "Un article."}\n',
        capture_output=True,
        text=True,
        check=True,
    )
    proc = subprocess.run(
        [sys.executable, "-m", "silkwire", "search", '"unclosed', "--db", str(db)], capture_output=True, text=True
    )
    assert proc.returncode == 2 and "unclosed quote" in proc.stderr and "Traceback" not in proc.stderr


def test_commands_that_need_no_model_do_not_import_it():
    code = (
        "import sys; from silkwire.cli.main import app; "
        "print(any(m.split('.')[0] in ('spacy', 'thinc', 'torch') for m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "False"


def test_every_command_is_documented_in_help_and_readme():
    readme = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")  # the reference, generated from --help
    top = run("--help").output
    import typer.main

    commands = list(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    assert commands
    for name in commands:
        assert re.search(rf"\b{name}\b", top), f"{name} missing from --help"
        help_text = run(name, "--help")
        assert help_text.exit_code == 0
        assert f"silkwire {name}" in readme, f"'silkwire {name}' is not in docs/cli.md"


def test_demo_builds_an_enriched_database(tmp_path):
    db = str(tmp_path / "demo.db")
    result = run("demo", "--out", db, "--no-serve")
    assert result.exit_code == 0, result.output
    match = re.search(r"(\d+) articles \(0 duplicate, 0 rejected\), (\d+) enriched", result.output)
    assert match and int(match[1]) == int(match[2]) >= 80
    stats = json.loads(run("stats", "--db", db, "--json").output)
    assert stats["articles"] == stats["enriched"] == stats["indexed"] == int(match[1])


@pytest.mark.slow
def test_eval_scores_the_stored_facts_and_checks_floors(tmp_path):
    from silkwire.service import articles as service

    db = str(tmp_path / "demo.db")
    assert run("demo", "--out", db, "--no-serve").exit_code == 0
    payload = json.loads(run("eval", *service.gold_files(), "--db", db, "--json").output)
    assert payload["articles"] == 160 and not payload["missing"]
    assert set(payload["scores"]) >= {"countries", "persons", "organisations", "places", "event_date", "money"}
    strict = tmp_path / "floors.toml"
    strict.write_text("[demo]\ncountries = 0.9999\n", encoding="utf-8")
    result = run("eval", *service.gold_files(), "--db", db, "--floors", str(strict))
    assert result.exit_code == 1 and "below the floor: countries" in result.output


@pytest.mark.slow
def test_entities_lists_counts_and_filters(tmp_path):
    db = str(tmp_path / "demo.db")
    assert run("demo", "--out", db, "--no-serve").exit_code == 0
    people = json.loads(run("entities", "--db", db, "--type", "PER", "--json", "--limit", "500").output)
    assert people and all(p["type"] == "PER" for p in people)
    counts = [p["articles"] for p in people]
    assert counts == sorted(counts, reverse=True)
    top = people[0]
    hits = json.loads(run("search", top["name"].split()[-1], "--entity", top["id"], "--db", db, "--json",
                          "--limit", "500").output)
    assert 0 < hits["total"] <= top["articles"]
    uz = json.loads(run("entities", "--db", db, "--country", "UZ", "--json").output)
    assert uz and all(e["country"] == "UZ" for e in uz)
    assert run("entities", "--db", db, "--type", "XYZ").exit_code == 2


@pytest.mark.slow
def test_extract_with_a_user_knowledge_base(tmp_path):
    src = tmp_path / "items.jsonl"
    src.write_text('{"title": "Visite à Zarechny", "lead": "Le maire Ivanov Petrov a reçu Bakytjan Urmanov, '
                   'directeur de la société Steppe Lithium, à Almaty."}\n', encoding="utf-8")
    plain = json.loads(run("extract", str(src)).output)
    people = tmp_path / "mine.people.tsv"
    header = (ROOT / "src/silkwire/knowledge/people.tsv").read_text(encoding="utf-8").splitlines()[0]
    columns = header.split("\t")
    row = {c: "" for c in columns}
    row.update({"id": "per:bakytjan-ourmanov", "name": "Bakytjan Ourmanov", "country": "KZ",
                "aliases": "Bakytjan Urmanov", "surnames": "Ourmanov|Urmanov", "source": "test fixture"})
    people.write_text(header + "\n" + "\t".join(row[c] for c in columns) + "\n", encoding="utf-8")
    mine = json.loads(run("extract", str(src), "--kb", str(people)).output)
    known = {e["id"]: e for e in mine["entities"]}["per:bakytjan-ourmanov"]
    assert known["name"] == "Bakytjan Ourmanov" and known["country"] == "KZ"  # canonical, from the user's file
    assert "Bakytjan Ourmanov" not in {e["name"] for e in plain["entities"]}


def test_search_does_not_load_the_duplicate_finder(tmp_path):
    """Readers of duplicate links (search, show) must not pay for datasketch/scipy at start-up."""
    db = str(tmp_path / "s.db")
    assert run("ingest", str(ROOT / "tests" / "fixtures" / "listing-sample.txt"), "--db", db).exit_code == 0
    code = ("import sys; from typer.testing import CliRunner; from silkwire.cli.main import app; "
            f"r = CliRunner().invoke(app, ['search', 'sommet', '--db', {db!r}]); assert r.exit_code == 0, r.output; "
            "print(sorted(m for m in ('datasketch', 'scipy', 'spacy') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"
