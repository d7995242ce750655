from pathlib import Path

from conftest import FIXTURES
from silkwire.errors import InputError, InputWarning
from silkwire.ingest import read_paths
from silkwire.ingest.listing import LEAD, TITLE, decode, lead_log_odds
from silkwire.model import Article


def articles(path: Path | str) -> list[Article]:
    return [a for a in read_paths([str(path)]) if isinstance(a, Article)]


def test_seed_listing_gives_21_articles_first_without_title(seed_path):
    items = articles(seed_path)
    assert len(items) == 21
    lines = seed_path.read_text(encoding="utf-8").splitlines()
    assert items[0].title is None
    assert items[0].text == lines[0]
    for i, article in enumerate(items[1:]):
        title, lead = lines[1 + 2 * i], lines[2 + 2 * i]
        assert article.title == title
        assert article.text == f"{title}\n\n{lead}"
        assert article.body == lead
    assert items[1].title.startswith("Sommet de Bichkek")
    assert len({a.id for a in items}) == 21


def test_sample_listing_pairs_by_shape_not_by_count():
    items = articles(FIXTURES / "listing-sample.txt")
    assert [a.title for a in items] == [
        None,
        "Astana accueille un forum sur l’eau en Asie centrale",
        "Tachkent et Douchanbé relancent leurs échanges ferroviaires",
        "Ouzbékistan : les exportations de coton textile progressent",
    ]
    # a lead without a final period is still a lead
    assert items[2].body.endswith("pour les voyageurs")


def test_crlf_bom_blank_lines_and_no_final_newline(tmp_path):
    content = (
        "\ufeffTitre un : le Kazakhstan et la Chine\r\n"
        "\r\n"
        "Un chapeau qui raconte ce qui s’est passé, en une phrase complète et assez longue pour un chapeau.\r\n"
        "\r\n\r\n"
        "Titre deux sur l’Ouzbékistan\r\n"
        "Le deuxième chapeau raconte une autre histoire, avec des détails et une fin de phrase."
    )
    path = tmp_path / "odd.txt"
    path.write_bytes(content.encode("utf-8"))
    items = articles(path)
    assert [a.title for a in items] == ["Titre un : le Kazakhstan et la Chine", "Titre deux sur l’Ouzbékistan"]
    assert items[1].body.endswith("fin de phrase.")
    assert "\r" not in items[0].text


def test_file_ending_on_a_title_warns_and_keeps_it(tmp_path):
    path = tmp_path / "end.txt"
    path.write_text(
        "Premier titre sur Bichkek\n"
        "Un chapeau complet qui décrit la nouvelle avec assez de mots pour ressembler à un chapeau.\n"
        "Un titre orphelin en fin de page\n",
        encoding="utf-8",
    )
    items = list(read_paths([str(path)]))
    kept = [a for a in items if isinstance(a, Article)]
    warnings = [w for w in items if isinstance(w, InputWarning)]
    assert [a.title for a in kept] == ["Premier titre sur Bichkek", "Un titre orphelin en fin de page"]
    assert kept[1].text == "Un titre orphelin en fin de page" and kept[1].body == ""
    assert len(warnings) == 1 and warnings[0].origin.endswith(":3")
    assert "title without its lead" in warnings[0].message


def test_missing_title_in_the_middle_does_not_shift_the_rest(tmp_path):
    lead = "Un chapeau complet, qui décrit la nouvelle avec assez de mots pour être un chapeau."
    lines = ["Titre A", lead, lead.replace("Un", "Le second"), "Titre C", lead.replace("Un", "Un troisième")]
    path = tmp_path / "gap.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_paths([str(path)]))
    kept = [a for a in items if isinstance(a, Article)]
    assert [a.title for a in kept] == ["Titre A", None, "Titre C"]
    assert any(isinstance(w, InputWarning) and "lead without its title" in w.message for w in items)


def test_shape_scores():
    assert lead_log_odds("Tennis : le Kazakhstan accueille l’ATP 250 Almaty Open") < 0
    assert lead_log_odds("Le sommet s’est tenu à Bichkek. Les présidents ont signé trois accords de coopération.") > 0


def test_online_decoding_matches_whole_file_decoding(tmp_path):
    # Long enough to cross several decoding windows, with irregularities inside.
    lines = []
    for i in range(1500):
        lines.append(f"Titre numéro {i} : Astana et Tachkent")
        if i % 97 != 0:  # now and then a title loses its lead
            lines.append(f"Le chapeau numéro {i} raconte une nouvelle entière, avec plusieurs mots et un point final.")
    path = tmp_path / "long.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    streamed = [a.title for a in articles(path)]
    best, _ = decode(lines, None, final=True)
    expected = []
    i = 0
    while i < len(lines):
        if best[i] == TITLE:
            expected.append(lines[i])
            i += 2 if i + 1 < len(lines) and best[i + 1] == LEAD else 1
        else:
            expected.append(None)
            i += 1
    assert streamed == expected
    assert len(streamed) == 1500


def test_unknown_path_is_an_error():
    items = list(read_paths(["/nonexistent/file.txt"]))
    assert len(items) == 1 and isinstance(items[0], InputError)
    assert "no such file" in items[0].message
