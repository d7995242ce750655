from conftest import FIXTURES
from silkwire.errors import InputError
from silkwire.ingest import read_paths
from silkwire.model import Article


def test_jsonl_with_missing_and_extra_fields():
    items = list(read_paths([str(FIXTURES / "records.jsonl")]))
    assert all(isinstance(a, Article) for a in items)
    a, b, c, d = items
    assert a.title == "Sommet à Samarcande" and a.source == "Silk Dépêches"
    assert a.published == "2025-04-04" and a.url == "https://example.org/a1" and a.ref == "a1"
    assert a.text == "Sommet à Samarcande\n\nLes dirigeants se sont retrouvés à Samarcande."
    assert b.title is None and b.source == "records" and b.published is None
    assert c.published == "2025-05-01" and c.body.startswith("Le texte complet")
    assert d.published == "2020-07-02"
    assert d.text == "Alias OrangeSum\n\nLe chapeau sous son nom OrangeSum.\n\nLe corps de l’article."


def test_csv_with_quotes_and_empty_cells():
    items = list(read_paths([str(FIXTURES / "records.csv")]))
    assert [type(i) for i in items] == [Article, Article]
    assert items[0].title == "Bichkek, capitale"
    assert items[0].body == 'Un chapeau avec une virgule, et des "guillemets".'
    assert items[0].source == "Steppe Hebdo" and items[0].ref == "c1"
    assert items[1].published is None and items[1].source == "records"


def test_bad_fields_are_named(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"title": "Sans texte"}\n'
        '{"lead": "Texte", "published": "hier"}\n'
        '{"lead": 12}\n'
        "[1, 2]\n"
        '{"lead": "Bon article."}\n',
        encoding="utf-8",
    )
    items = list(read_paths([str(path)]))
    errors = [i for i in items if isinstance(i, InputError)]
    good = [i for i in items if isinstance(i, Article)]
    assert len(good) == 1 and good[0].body == "Bon article."
    assert [e.origin for e in errors] == [f"{path}:{n}" for n in (1, 2, 3, 4)]
    assert "expected a non-empty field 'lead', 'text' or 'body'" in errors[0].message
    assert "field 'published'" in errors[1].message and "'hier'" in errors[1].message
    assert "field 'lead': expected a string" in errors[2].message
    assert "expected a JSON object" in errors[3].message


def test_csv_without_text_column(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("title,published\nA,2025-01-01\n", encoding="utf-8")
    items = list(read_paths([str(path)]))
    assert len(items) == 1 and isinstance(items[0], InputError)
    assert "expected a column 'lead', 'text' or 'body'" in items[0].message


def test_directories_globs_and_stdin(tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.jsonl").write_text('{"lead": "Premier."}\n', encoding="utf-8")
    (tmp_path / "sub" / "b.jsonl").write_text('{"lead": "Second."}\n', encoding="utf-8")
    (tmp_path / "sub" / "notes.bin").write_bytes(b"\x00\x01")
    from_dir = [a.body for a in read_paths([str(tmp_path / "sub")])]
    from_glob = [a.body for a in read_paths([str(tmp_path / "sub" / "*.jsonl")])]
    assert from_dir == from_glob == ["Premier.", "Second."]
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(b'{"lead": "Depuis stdin."}\n'))))
    items = list(read_paths(["-"]))
    assert [a.body for a in items] == ["Depuis stdin."] and items[0].source == "stdin"


def test_gzip_input(tmp_path):
    import gzip

    path = tmp_path / "items.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write('{"title": "Compressé", "lead": "Un article dans un fichier gzip."}\n')
    items = list(read_paths([str(path)]))
    assert [a.title for a in items] == ["Compressé"] and items[0].source == "items"


def test_same_content_other_typography_keeps_its_id(tmp_path):
    a = tmp_path / "a.jsonl"
    a.write_text('{"lead": "L’Ouzbékistan accueille le sommet.", "source": "x"}\n', encoding="utf-8")
    b = tmp_path / "b.jsonl"
    b.write_text('{"lead": "L\'Ouzbékistan  accueille le sommet.", "source": "x"}\n', encoding="utf-8")
    (ia,), (ib,) = list(read_paths([str(a)])), list(read_paths([str(b)]))
    assert ia.id == ib.id
