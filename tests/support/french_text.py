"""What a French page must not show: English codes of the records, English month names, raw ISO
dates and ranges, cut ids. Used by the page crawl (TestClient) and the browser tests."""

from __future__ import annotations

import re
from html.parser import HTMLParser

PLOVER = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"]
CHECKS = {
    "entity type code": re.compile(r"\b(PER|ORG|LOC|MISC)\b"),
    "PLOVER code": re.compile(rf"\b({'|'.join(PLOVER)})\b"),
    "English code": re.compile(r"\b(demonym|capital|deadline|recurrence|interval|money|percent|count|quarter|"
                               r"planned|done|day|week|month|year|decade|season|story|stories|name)\b"),  # not point: French too
    "English month": re.compile(r"\b(January|February|March|April|June|July|August|September|October|November|"
                                r"December)\b"),
    "raw ISO date": re.compile(r"(?<![\d/])\d{4}-\d{2}(-\d{2})?(?![\d])"),
    "English place name": re.compile(r"\b(Aral Sea|Ekibastuz|Balykchy)\b"),
    "cut id": re.compile(r"\b(per|org|loc|misc):[\w-]+…"),
}


class _Text(HTMLParser):
    """The text a reader sees: text nodes and title attributes, outside script, style and code."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "code", "textarea"):
            self._skip += 1
        self.parts += [v for k, v in attrs if k in ("title", "aria-label", "placeholder") and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code", "textarea") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_nodes(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return [p for p in parser.parts if p.strip()]


def problems(nodes: list[str], corpus: str = "") -> list[str]:
    """Each match of a check, with its context. A piece of text (12 characters or more) found
    as is in ``corpus`` (the articles' own texts, which are the sources' words) is left out."""
    found = []
    for node in nodes:
        piece = " ".join(node.split())
        if len(piece) >= 12 and piece in corpus:
            continue
        for what, pattern in CHECKS.items():
            for m in pattern.finditer(piece):
                found.append(f"{what}: {piece[max(0, m.start() - 50):m.end() + 50]!r}")
    return found
