from hypothesis import given
from hypothesis import strategies as st

from silkwire.textnorm import normalize, normalize_text


def test_typography_is_normalised_on_a_copy():
    original = "L’Ouzbékistan\u00a0: «\u00a0sommet\u00a0» le 1ᵉʳ avril, e\u2011sport\u200b"
    norm = normalize(original)
    assert norm.text == 'L\'Ouzbékistan : " sommet " le 1er avril, e-sport'
    assert norm.original == original


def test_spans_map_back_to_the_original():
    original = "Le 1ᵉʳ avril\u00a0: l’accord"
    norm = normalize(original)
    start = norm.text.index("1er")
    assert norm.to_original(start, start + 3) == (3, 6)
    assert original[3:6] == "1ᵉʳ"
    start = norm.text.index("l'accord")
    s, e = norm.to_original(start, start + len("l'accord"))
    assert original[s:e] == "l’accord"


def test_zero_width_characters_are_dropped_and_spans_skip_them():
    original = "Kaza\u200bkhstan"
    norm = normalize(original)
    assert norm.text == "Kazakhstan"
    assert norm.to_original(0, len(norm.text)) == (0, len(original))


def test_decomposed_accents_are_composed():
    original = "Douchanbe\u0301 et Bichkek"
    norm = normalize(original)
    assert norm.text == "Douchanbé et Bichkek"
    s, e = norm.to_original(0, len("Douchanbé"))
    assert original[s:e] == "Douchanbe\u0301"


ALPHABET = st.sampled_from(list("abcéèKZ '’-\u2011\u00a0\u202f«»\u200b\u0301\u0300ᵉʳ1.,") + ["\ufeff", "\u00ad", "œ"])


@given(st.lists(ALPHABET, max_size=60).map("".join))
def test_offset_map_is_consistent(text):
    norm = normalize(text)
    assert norm.text == normalize_text(text)
    previous = (0, 0)
    for i in range(len(norm.text)):
        s, e = norm.to_original(i, i + 1)
        assert 0 <= s < e <= len(text)
        assert s >= previous[1] or (s, e) == previous  # monotone; a composed cluster repeats
        previous = (s, e)
    s, e = norm.to_original(0, len(norm.text))
    assert 0 <= s <= e <= len(text)
