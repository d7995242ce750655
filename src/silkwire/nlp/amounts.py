"""``find_amounts``: money (ISO 4217), counts (with the noun they count) and percentages.

- money: "1,5 milliard d'euros" -> 1.5e9 EUR, "2 mds $" -> 2e9 USD, "$500 millions" -> 5e8 USD,
  "120 milliards de tenge" -> KZT (names and symbols in ``data/currencies.tsv``);
- percent: "12 %", "12,5 pour cent" -> unit "%";
- count: "7,5 millions d'étrangers" -> 7.5e6 "étrangers", "130 ethnies", "treize pays"; a
  number with no noun after it is a count (unit None) only when it is large (>= 1000 or with a
  multiplier, "en hausse de 600.000"): small bare numbers are mostly ranks and references.

Money whose currency is written once for several numbers:
- a range "de 70 000 à 85 000 tenge": the first number is money in the second's currency;
- a scaled number with no noun ("le solde, quelque 527 millions", "par rapport aux 89,4
  milliards de 2023") after money in the same text: money in the currency of the nearest
  money before it (a news lead does not switch currency without saying so).
A vague amount ("plusieurs milliards de dollars": a multiplier with no number) has no value and
is left out, as the gold does (ANNOTATION.md §8).

Not amounts: years (2025) and dates (30 juillet), durations (trois ans), ordinals (43e), names
with a number (COP29, ATP 250, Vision 2030), phone-like digit runs, and "un"/"une" alone.
Spans index the original text (the work is done on the textnorm copy).
"""

from __future__ import annotations

import re
from pathlib import Path

from silkwire.model import Amount
from silkwire.nlp.numbers_fr import DIGITS_RE, NUMBER_WORDS_RE, parse_digits, parse_words, read_tsv, trie_alternation
from silkwire.nlp.temporal.lexicon import MONTHS, UNITS
from silkwire.textnorm import normalize

_CURRENCY_FILE = Path(__file__).parent / "data" / "currencies.tsv"
_CURRENCIES: dict[str, str] = {row[0].lower(): row[1] for row in read_tsv(_CURRENCY_FILE)}


def is_currency_name(name: str) -> bool:
    """Is ``name`` (any case) a currency's name or symbol in data/currencies.tsv ("Tenge", "manat")?"""
    return name.strip().lower() in _CURRENCIES


def _currency_re(names: list[str]) -> str:
    # Longest first, as a trie (the regex is tried at every position); a name ending in a letter
    # must end a word ("som" is not the start of "sommet"), a symbol need not ("$500").
    return "(?i:" + trie_alternation(names, lambda name: r"(?![\w])" if name[-1].isalnum() else "") + ")"


_CURRENCY = _currency_re(list(_CURRENCIES))
# Before the number only symbols and codes ("$500 millions", "USD 20"), never names.
_CURRENCY_PREFIX = _currency_re([n for n in _CURRENCIES if not n.isalpha() or n.isupper() or len(n) == 3])
_MULTIPLIERS = {"milliard": 1e9, "md": 1e9, "mrd": 1e9, "mds": 1e9, "mrds": 1e9, "million": 1e6, "mln": 1e6,
                "m": 1e6, "mille": 1e3, "k": 1e3}
# Case matters: "M" is a million, "m" a metre.
_MULTIPLIER = r"(?:[mM]illiards?|[mM]illions?|mille|[mM]ds|[mM]rds?|Md|mln|M|k)(?![\w])"
_NUMBER = rf"(?:{DIGITS_RE}|(?i:{NUMBER_WORDS_RE}))"

_AMOUNT = re.compile(
    rf"(?<![\w+/.,:-])(?:(?P<cur1>{_CURRENCY_PREFIX})\s?)?(?P<num>{_NUMBER})(?![\w/]|[.,:-]\d)"
    rf"(?:\s*(?P<mult>{_MULTIPLIER}))?"
    rf"(?:\s*(?P<pct>%|(?i:pour\s*-?\s*cent)(?![\w]))|\s*(?:de\s+|d')?(?P<cur2>{_CURRENCY}))?"
)
_NOUN_AFTER = re.compile(r"\s*(?:(?:de|des|d')\s*)?(?P<noun>[^\W\d_][\w-]*)")
_NOUN_AFTER_BARE = re.compile(r"\s+(?P<noun>[^\W\d_][\w-]*)")
_NOT_NOUNS = frozenset(
    [
        "et", "à", "a", "au", "aux", "de", "des", "du", "d", "en", "le", "la", "les", "l", "ou", "pour", "par", "sur",
        "dans", "qui", "que", "qu", "avec", "selon", "contre", "ont", "est", "sont", "sur", "sous", "vers", "entre",
        "chez", "mais", "ni", "dont", "ce", "cette", "ces", "se", "sa", "son", "ses", "leur", "leurs", "il", "elle",
        "ils", "elles", "on", "contre", "environ", "près", "plus", "moins", "soit", "après", "avant", "depuis",
        "lors",
    ]
)
_TIME_WORDS = frozenset(w.lower() for w in list(MONTHS) + list(UNITS)) | frozenset(
    ["heure", "heures", "h", "minute", "minutes", "seconde", "secondes", "siècle", "siècles", "décennie", "décennies"]
)
_YEAR_LIKE = re.compile(r"(?:19|20)\d{2}")
_ACRONYM_BEFORE = re.compile(r"(?<![\w])[A-Z][A-Z0-9]+[\s-]$")
_CAPITALISED_BEFORE = re.compile(r"(?<![\w])[A-ZÀ-Ý][\w]*[\s-]$")
_DIGIT_BEFORE = re.compile(r"\d[\s]$")
_DIGIT_AFTER = re.compile(r"\s\d")
# "de 70 000 à 85 000 tenge": a number then "à" and the next amount (only "à"/"-" join a range).
_RANGE_TO = re.compile(r"\s*(?:à|-|–|et)\s*")  # "et" only after "entre"
_RANGE_FROM = re.compile(r"(?<![\w'])(?:de|d'|entre)(?=\s*$)", re.IGNORECASE)
_BARE_MULTIPLIERS = frozenset(["millions", "milliards", "million", "milliard", "mille"])
_TEMPORAL_PREPOSITIONS = re.compile(
    r"(?:en|depuis|dès|de|d'ici|avant|après|jusqu'en|année|an|fin|début|mi)[\s-]$", re.IGNORECASE
)


def _value(m: re.Match[str]) -> float | None:
    num = m["num"]
    if num[0].isdigit():
        value = parse_digits(num)
    else:
        words = parse_words(num)
        if words is None:
            return None
        value = float(words)
    if m["mult"]:
        key = m["mult"].rstrip("s") if m["mult"] not in {"mds", "Mds", "mrds"} else "mds"
        value *= _MULTIPLIERS.get(key.lower() if key != "M" else "m", 1.0)
    return value


def _context_rejects(text: str, m: re.Match[str]) -> bool:
    """Whether the surroundings say the number is not a quantity (phone, name, year, date)."""
    start, end = m.start(), m.end()
    window = text[max(0, start - 12) : start]
    if _DIGIT_BEFORE.search(window) or _DIGIT_AFTER.match(text, end):
        return True  # part of a run of digit groups: a phone number or a code
    if m["cur1"] or m["cur2"] or m["pct"]:
        return False
    return _ACRONYM_BEFORE.search(window) is not None  # ATP 250, G20-like names


def find_amounts(text: str) -> list[Amount]:
    """The money amounts, counts and percentages of ``text``, in text order."""
    norm = normalize(text)
    work = norm.text
    found: list[Amount] = []
    spans: list[tuple[int, int, bool]] = []  # per amount: its span in ``work``, whether scaled
    for m in _AMOUNT.finditer(work):
        if _context_rejects(work, m):
            continue
        if m["num"].lower() in _BARE_MULTIPLIERS:
            continue  # "plusieurs milliards de dollars", "des millions de": no number, no value
        value = _value(m)
        if value is None:
            continue
        end = m.end()
        currency = m["cur1"] or m["cur2"]
        unit: str | None
        if currency:
            kind, unit = "money", _CURRENCIES[currency.lower()]
        elif m["pct"]:
            kind, unit = "percent", "%"
        elif (shared := _range_currency(work, m)) is not None:
            (unit, factor), kind = shared, "money"
            value *= factor
        else:
            counted = _count(work, m, value)
            if counted is None:
                continue
            unit, end = counted
            kind = "count"
        start, stop = norm.to_original(m.start(), end)
        found.append(Amount(text[start:stop], (start, stop), value, unit, kind))  # type: ignore[arg-type]
        spans.append((m.start(), end, bool(m["mult"]) or m["num"].lower().endswith(("million", "millions",
                                                                                 "milliard", "milliards"))))
    return _shared_currencies(found, spans)


def _range_currency(work: str, m: re.Match[str]) -> tuple[str, float] | None:
    """The currency of "de 295 à 450 soums" for its first number, and the factor its value takes
    ("de 1,5 à 2 milliards de dollars": the first is in milliards too); None when no such range."""
    opener = _RANGE_FROM.search(work, max(0, m.start() - 8), m.start())
    joiner = _RANGE_TO.match(work, m.end())
    if opener is None or joiner is None or ("et" in joiner.group() and opener.group().lower() != "entre"):
        return None
    second = _AMOUNT.match(work, joiner.end())
    if second is None or not (second["cur2"] or second["cur1"]):
        return None
    factor = 1.0
    if second["mult"] and not m["mult"]:
        factor = (_value(second) or 0.0) / parse_digits(second["num"]) if second["num"][0].isdigit() else 1.0
    elif m["mult"] and not second["mult"]:
        return None  # "de 2 millions à 300 dollars" is no range
    return _CURRENCIES[(second["cur1"] or second["cur2"]).lower()], factor


def _shared_currencies(found: list[Amount], spans: list[tuple[int, int, bool]]) -> list[Amount]:
    """Scaled bare numbers after money take its currency (see the module doc)."""
    out = list(found)
    for i, (amount, (_, _, scaled)) in enumerate(zip(found, spans, strict=True)):
        if amount.kind != "count" or amount.unit is not None or not scaled:
            continue
        before = [a for a in out[:i] if a.kind == "money"]
        if before:
            out[i] = Amount(amount.text, amount.span, amount.value, before[-1].unit, "money")
    return out


def _count(text: str, m: re.Match[str], value: float) -> tuple[str | None, int] | None:
    """The counted noun and the span end of a count, or None when the number is no count."""
    num = m["num"]
    lowered = num.lower()
    if lowered in {"un", "une"} and not m["mult"]:
        return None
    window = text[max(0, m.start() - 12) : m.start()]
    year_like = not m["mult"] and _YEAR_LIKE.fullmatch(num) is not None
    # "trois millions de touristes": a multiplier word takes its noun after "de", like "3 millions de".
    multiplied = bool(m["mult"]) or lowered.endswith(("million", "millions", "milliard", "milliards"))
    pattern = _NOUN_AFTER if multiplied else _NOUN_AFTER_BARE
    after = pattern.match(text, m.end())
    noun = after["noun"] if after else None
    if noun is not None and (noun.lower() in _TIME_WORDS or noun.lower() in _NOT_NOUNS or noun[0].isupper()):
        if noun.lower() in _TIME_WORDS:
            return None  # a date or a duration: the temporal tagger's business
        noun = None
    if year_like:
        # "2000 soldats" counts; "en 2025", "Vision 2030", "2025 a été" do not.
        if noun is None or not noun.endswith(("s", "x")) or _TEMPORAL_PREPOSITIONS.search(window):
            return None
        if _CAPITALISED_BEFORE.search(window):
            return None
    if noun is None:
        if value < 1000 and not multiplied:
            return None
        return None, m.end()
    assert after is not None
    return noun, after.end()
