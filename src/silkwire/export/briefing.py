"""A digest's content as plain data, and its Markdown rendering (the HTML one: briefing_html).

The digest use case (``silkwire.service.digest``) fills these from the database; the renderers only
lay them out, so both formats say the same thing. Every text that comes from an article is
escaped: in Markdown, markup characters are backslash-escaped and ``< > &`` become entities,
so an article containing ``<script>`` stays text wherever the Markdown is rendered.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from urllib.parse import quote

from silkwire.dates import french_date, french_range

# Paths of the web UI (silkwire serve): article and country pages.
ARTICLE_PATH = "/articles/{id}"
COUNTRY_PATH = "/pays/{code}"
ENTITY_PATH = "/entites/{id}"


@dataclass(frozen=True, slots=True)
class ArticleRef:
    id: str
    title: str | None
    published: str | None


@dataclass(frozen=True, slots=True)
class EventLine:
    type: str
    date: str | None
    status: str | None
    source: tuple[str, ...]  # actor names (countries in French)
    target: tuple[str, ...]
    place: str | None
    amounts: tuple[str, ...]  # as written: "500 millions de dollars"
    evidence: str
    article: ArticleRef


@dataclass(frozen=True, slots=True)
class EventGroup:
    type: str
    label: str
    total: int
    events: tuple[EventLine, ...]  # the first ones shown (total may be more)


@dataclass(frozen=True, slots=True)
class Story:
    label: str
    articles: int
    first: str | None
    last: str | None
    countries: tuple[tuple[str, str], ...]  # (code, name)
    examples: tuple[ArticleRef, ...]
    total: int | None = None  # articles of the whole story (stories only; the period may hold fewer)
    follows: str | None = None  # label of the story this one follows up (a thread)


@dataclass(frozen=True, slots=True)
class NewEntity:
    id: str
    type: str
    name: str
    country: str | None
    first_seen: str
    articles: int
    article: ArticleRef  # the first article of the period naming it


@dataclass(frozen=True, slots=True)
class Figure:
    text: str
    value: float
    unit: str | None
    evidence: str
    article: ArticleRef


@dataclass(frozen=True, slots=True)
class Digest:
    title: str
    since: str | None
    until: str | None
    by: str
    country: tuple[str, str] | None  # (code, name)
    articles: int
    base_url: str
    stories: tuple[Story, ...] = ()
    stories_basis: str = "none"  # stories | stories_none (none of 2+ articles: by event type) | event_type | none
    events: tuple[EventGroup, ...] | None = None  # None: no event data in these records
    upcoming: tuple[EventLine, ...] = ()  # planned, announced in the period, dated after it
    new_entities: tuple[NewEntity, ...] = ()
    figures: tuple[Figure, ...] = ()
    per_day: tuple[tuple[str, int], ...] = ()  # (day or month, articles)
    top_countries: tuple[tuple[str, str, int], ...] = ()  # (code, name, articles)
    notes: tuple[str, ...] = field(default=())  # what is missing and why, said in the output

    def link(self, path: str, **values: str) -> str:
        return self.base_url.rstrip("/") + path.format(**{k: quote(v, safe="") for k, v in values.items()})


@functools.cache
def type_labels() -> dict[str, str]:
    """French headings of the PLOVER types (data/plover_labels_fr.tsv)."""
    text = (resources.files("silkwire.export") / "data" / "plover_labels_fr.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    return {t: label for t, label in rows[1:]}


STATUS_FR = {"done": "réalisé", "planned": "prévu"}
def story_size(s: Story) -> str:
    """"3 articles" or, for a story that goes beyond the period, "3 articles (12 en tout)"."""
    size = plural(s.articles, "article")
    return size + (f" ({s.total} en tout)" if s.total is not None and s.total != s.articles else "")


SECTION_NOTES = {
    "event_type": "Pas encore de données de sujets : les articles sont regroupés par type de leur "
                  "événement principal.",
    "stories_none": "Aucun sujet de plusieurs articles sur la période : les articles sont regroupés par "
                    "type de leur événement principal.",
    "none": "Ni sujets ni événements dans ces données : section omise.",
}

# Inline markup only: every article text sits mid-line, after the digest's own "- " or "# ".
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md(text: str | None) -> str:
    """Text safe inline in Markdown: one line, markup escaped, HTML as entities."""
    flat = " ".join((text or "").split())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", flat)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


def period_text(d: Digest) -> str:
    """The digest's period in French words: "du 1er au 30 juin 2025"."""
    return french_range(d.since, d.until) if d.since or d.until else "toute la base"


def actors_text(e: EventLine) -> str:
    """"Kazakhstan → Afghanistan"; both ways (meetings, joint acts): "Chine ↔ Kazakhstan"."""
    if e.source and set(e.source) == set(e.target):
        return " ↔ ".join(e.source)
    return " → ".join(x for x in (", ".join(e.source), ", ".join(e.target)) if x)


def _article_md(d: Digest, a: ArticleRef) -> str:
    title = md(a.title) if a.title else "(sans titre)"
    return f"[{title}]({d.link(ARTICLE_PATH, id=a.id)})"


def _event_md(d: Digest, e: EventLine) -> str:
    when = md(french_date(e.date)) if e.date else "date inconnue"
    status = f" ({STATUS_FR.get(e.status or '', md(e.status))})" if e.status else ""
    actors = md(actors_text(e))
    parts = [f"**{when}**{status}"]
    if actors:
        parts.append(actors)
    if e.place:
        parts.append(f"à {md(e.place)}")
    if e.amounts:
        parts.append("montants : " + ", ".join(md(a) for a in e.amounts))
    return f"- {' — '.join(parts)} : « {md(e.evidence)} » {_article_md(d, e.article)}"


def render_markdown(d: Digest) -> str:
    out = [f"# {md(d.title)}", ""]
    scope = f"{plural(d.articles, 'article')}, {period_text(d)}"
    if d.by == "event":
        scope += " (par date d'événement)"
    if d.country:
        scope += f" — pays : [{md(d.country[1])}]({d.link(COUNTRY_PATH, code=d.country[0])})"
    out += [scope, ""]
    if d.top_countries:
        out += ["Pays les plus cités : " + ", ".join(
            f"[{md(name)}]({d.link(COUNTRY_PATH, code=code)}) ({n})" for code, name, n in d.top_countries), ""]
    out += ["## Principaux sujets", ""]
    if d.stories_basis in SECTION_NOTES:
        out += [f"_{SECTION_NOTES[d.stories_basis]}_", ""]
    if not d.stories and d.stories_basis != "none":
        out += ["Aucun événement principal sur la période.", ""]
    for s in d.stories:
        span = " – ".join(french_date(x) for x in dict.fromkeys((s.first, s.last)) if x)
        countries = ", ".join(md(name) for _, name in s.countries)
        out.append(f"- **{md(s.label)}** : {story_size(s)}" + (f", {md(span)}" if span else "")
                   + (f" ; {countries}" if countries else "")
                   + (f" ; suite de « {md(s.follows)} »" if s.follows else ""))
        out += [f"  - {_article_md(d, a)}" for a in s.examples]
    if d.stories:
        out.append("")
    out += ["## Événements clés", ""]
    if d.events is None:
        out += ["_Pas de données d'événements dans ces articles (enrichissement sans événements) : "
                "section omise._", ""]
    elif not d.events:
        out += ["Aucun événement sur la période.", ""]
    for group in d.events or ():
        out += [f"### {md(group.label)} — {group.total}", ""]
        out += [_event_md(d, e) for e in group.events]
        if group.total > len(group.events):
            out.append(f"- … et {group.total - len(group.events)} autres")
        out.append("")
    if d.upcoming:
        out += ["### À venir (annoncé sur la période, prévu ensuite)", ""]
        out += [_event_md(d, e) for e in d.upcoming] + [""]
    out += ["## Nouvelles personnes et organisations", ""]
    if not d.new_entities:
        out += ["Aucune personne ou organisation vue pour la première fois sur la période.", ""]
    for x in d.new_entities:
        kind = "personne" if x.type == "PER" else "organisation"
        country = f", {md(x.country)}" if x.country else ""
        out.append(f"- **[{md(x.name)}]({d.link(ENTITY_PATH, id=x.id)})** ({kind}{country}) — première mention "
                   f"le {md(french_date(x.first_seen))}, {plural(x.articles, 'article')} : {_article_md(d, x.article)}")
    out += ["", "## Chiffres", ""]
    if not d.figures:
        out += ["Aucun montant sur la période.", ""]
    for f in d.figures:
        out.append(f"- **{md(f.text)}** : « {md(f.evidence)} » {_article_md(d, f.article)}")
    if d.notes:
        out += ["", "## Notes", ""] + [f"- {md(n)}" for n in d.notes]
    return "\n".join(out).rstrip() + "\n"
