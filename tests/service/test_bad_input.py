"""Bad input: a clear error naming file and line, the good items still go in, the store stays consistent."""

from silkwire.service import articles as service


def test_each_kind_of_bad_input_is_reported_and_good_items_go_in(ws, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    latin1 = tmp_path / "latin1.jsonl"
    latin1.write_bytes(
        b'{"lead": "Premier article correct."}\n'
        + '{"lead": "Douchanbé en latin-1"}\n'.encode("latin-1")
        + '{"lead": "Troisième article correct."}\n'.encode()
    )
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"lead": "Bon."}\n{"lead": "coupé\n{"lead": "Encore bon."}\n', encoding="utf-8")

    report = service.ingest(ws, [str(p) for p in (empty, binary, latin1, broken)])

    assert report.new == 4
    messages = {e.origin: e.message for e in report.rejected}
    assert "empty" in messages[str(empty)]
    assert "NUL bytes" in messages[str(binary)]
    assert "invalid UTF-8" in messages[f"{latin1}:2"] and "0xe9" in messages[f"{latin1}:2"]
    assert "invalid JSON" in messages[f"{broken}:2"]
    assert len(report.rejected) == 4
    assert ws.store.count() == 4
    # nothing half-written: every stored article is searchable
    assert ws.index.count() == 4


def test_rejected_listing_line_keeps_the_others(ws, tmp_path):
    path = tmp_path / "listing.txt"
    path.write_bytes(
        b"Titre correct sur Astana\n"
        + "Un chapeau correct et complet, avec assez de mots pour être reconnu comme un chapeau.\n".encode()
        + b"\xff\xfe garbage line\n"
        + b"Autre titre sur Bichkek\n"
        + "Un autre chapeau complet, lui aussi assez long pour être reconnu comme un chapeau.\n".encode()
    )
    report = service.ingest(ws, [str(path)])
    assert report.new == 2
    assert [e.origin for e in report.rejected] == [f"{path}:3"]
