"""Digests (use case): a briefing of a period — main stories, key events by type, people and
organisations seen for the first time, figures — from what the stored records hold.

Sections degrade honestly: without story data the "main stories" are groups of articles by
the type of their main event (and the digest says so); without event data the events section
is omitted with a note. Nothing depends on the clock: the default period ends at the newest
article matching the filters, so the same database always gives the same digest.

    from silkwire.service import digest
    from silkwire.service import articles as service
    with service.open_workspace("news.db") as ws:
        d = digest.build(ws, country="KZ", since="2025-06-01", until="2025-06-30")
        html = digest.render(d, "html")
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from silkwire.dates import first_day, start_day
from silkwire.errors import QueryError
from silkwire.export.briefing import ArticleRef, Digest, EventGroup, EventLine, Figure, NewEntity, Story, type_labels
from silkwire.model import SearchFilters
from silkwire.nlp.kb.files import country_names
from silkwire.service.export import matching_records
from silkwire.service.relations import timeline
from silkwire.service.workspace import Workspace

DEFAULT_DAYS = 7
EVENTS_PER_TYPE = 8
MAX_EVENTS = 100_000  # a period's events, counted per type (only EVENTS_PER_TYPE of each are shown)
STORIES = 8
NEW_ENTITIES = 20
FIGURES_PER_CURRENCY = 5
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def default_period(ws: Workspace, filters: SearchFilters) -> tuple[str | None, str | None]:
    """The given bounds; a missing end is the newest matching publication (or event) date, a
    missing start DEFAULT_DAYS before the end."""
    since, until = filters.since, filters.until
    if until is None:
        # the filters but the dates (search's semantics: every country, any source)
        newest = ws.store.newest_date(filters.by, filters.sources, filters.countries)
        if newest is None:
            return since, None
        until = newest
        if since is not None and since > until:
            until = since
    if since is None and until is not None:
        since = (dt.date.fromisoformat(until) - dt.timedelta(days=DEFAULT_DAYS - 1)).isoformat()
    return since, until


def _ref(record: Mapping[str, Any]) -> ArticleRef:
    return ArticleRef(record["id"], record.get("title"), record.get("published"))


def _evidence(text: str, span: Any, limit: int = 320) -> str:
    if not span or len(span) != 2:
        return ""
    piece = " ".join(text[span[0]:span[1]].replace("\n\n", " — ").split())  # title — lead
    return piece if len(piece) <= limit else piece[:limit - 1].rstrip() + "…"


def money(value: float, unit: str | None) -> str:
    """500000000, USD -> "500 millions USD"; 1.5e9 -> "1,5 milliard"; 75000 -> "75 000"."""
    for size, word in ((1e9, "milliard"), (1e6, "million")):
        if abs(value) >= size:
            n = value / size
            shown = f"{n:.2f}".rstrip("0").rstrip(".").replace(".", ",")
            number = f"{shown} {word}{'s' if n >= 2 else ''}"
            break
    else:
        number = f"{value:,.2f}".rstrip("0").rstrip(".").replace(",", " ").replace(".", ",")
    return f"{number} {unit}" if unit else number


def _event_line(e: Mapping[str, Any], names: Mapping[str, str]) -> EventLine:
    """A timeline event (``analysis.timeline``) or a record's event with its article, for display."""
    source, target = (tuple(names.get(x, x) for x in e.get(side) or ()) for side in ("source", "target"))
    amounts = tuple(dict.fromkeys(money(float(a["value"]), a.get("unit")) for a in e.get("amounts") or ()))
    evidence = " ".join(str(e.get("evidence_text") or "").replace("\n\n", " — ").split())
    evidence = evidence if len(evidence) <= 320 else evidence[:319].rstrip() + "…"
    return EventLine(e["type"], e.get("date"), e.get("status"), source, target, e.get("place"), amounts, evidence,
                     ArticleRef(e["article"], e.get("title"), e.get("published")))


@dataclass
class _Scan:
    """What the digest keeps of the period's records, one at a time: small summaries (never
    the texts), so its memory follows the number of articles of the period, not their size."""

    by: str
    last: str | None
    names: Mapping[str, str]
    articles: int = 0
    duplicates: int = 0
    has_events: bool = False
    has_stories: bool = False  # the records carry `story` (null for an article alone)
    per_day: Counter[str] = field(default_factory=Counter)
    countries: Counter[str] = field(default_factory=Counter)
    by_story: dict[str, list[Mapping[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    by_main_type: dict[str, list[Mapping[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    upcoming: list[EventLine] = field(default_factory=list)
    entities: dict[str, tuple[Mapping[str, Any], ArticleRef]] = field(default_factory=dict)  # -> earliest article
    entity_articles: Counter[str] = field(default_factory=Counter)
    figures: dict[str, list[Figure]] = field(default_factory=lambda: defaultdict(list))

    def add(self, record: Mapping[str, Any]) -> None:
        if record.get("duplicate_of"):  # a copy of another article: counted once, as its original
            self.duplicates += 1
            return
        self.articles += 1
        ref = _ref(record)
        text = record.get("text") or ""
        light = {"id": ref.id, "title": ref.title, "published": ref.published,
                 "countries": [{"code": c["code"]} for c in record.get("countries") or ()]}
        day = record.get("published") if self.by == "published" else record.get("event_date")
        if isinstance(day, str) and "/" not in day and len(day) >= 10:
            self.per_day[day[:10]] += 1
        self.countries.update({c["code"] for c in record.get("countries") or ()})
        self.has_stories = self.has_stories or "story" in record
        story = record.get("story")
        if story is not None:
            key = story if isinstance(story, str) else str(story.get("id"))
            self.by_story[key].append(light)
        if record.get("events") is not None:
            self.has_events = True
            if record["events"]:
                self.by_main_type[record["events"][0]["type"]].append(light)
        after = start_day(self.last) if self.last else None
        for e in record.get("events") or ():
            if after and e.get("status") == "planned" and (_day(e.get("date")) or 0) > after:
                self.upcoming.append(_event_line({**e, "article": ref.id, "title": ref.title,
                                                  "published": ref.published,
                                                  "evidence_text": _evidence(text, e.get("evidence"))}, self.names))
        for x in record.get("entities") or ():
            if x.get("type") in ("PER", "ORG"):
                known = self.entities.get(x["id"])
                if known is None or (ref.published or "9999") < (known[1].published or "9999"):
                    self.entities[x["id"]] = ({k: x.get(k) for k in ("type", "name", "country")}, ref)
                self.entity_articles[x["id"]] += 1
        for a in record.get("amounts") or ():
            if a.get("kind") == "money":
                self.figures[a.get("unit") or "?"].append(Figure(a["text"], float(a["value"]), a.get("unit"),
                                                                 _evidence(text, _sentence(text, a["span"])), ref))


def build(ws: Workspace, country: str | None = None, since: str | None = None, until: str | None = None,
          by: str = "published", base_url: str = DEFAULT_BASE_URL, sources: Sequence[str] = ()) -> Digest:
    """The digest of the articles matching the filters in the period (see ``default_period``);
    with ``sources``, of those sources' articles (and events) only."""
    if not base_url.startswith(("http://", "https://")):
        raise QueryError(f"--base-url {base_url!r}: expected an http:// or https:// URL")
    names = country_names()
    code = country.upper() if country else None
    if code and code not in names:
        raise QueryError(f"--country {country!r}: not an ISO 3166-1 alpha-2 code silkwire knows")
    base = SearchFilters(since=since, until=until, by=by, countries=(code,) if code else (), sources=tuple(sources))
    first, last = default_period(ws, base)
    filters = SearchFilters(since=first, until=last, by=by, countries=base.countries, sources=base.sources)
    notes: list[str] = []
    if first is None and last is None:
        notes.append("Aucun article daté : la synthèse couvre toute la base.")

    scan = _Scan(by, last, names)
    for record in matching_records(ws, None, filters):
        scan.add(record)
    if scan.duplicates:
        n = scan.duplicates
        notes.append(f"{n} doublon{'s' if n > 1 else ''} écarté{'s' if n > 1 else ''} "
                     "(articles repris d'un autre, comptés une fois).")
    labels = type_labels()
    if scan.by_story:
        basis = "stories"
        stories = _main_stories(ws, scan.by_story, names)
    elif scan.has_events:  # no story data, or no story of two articles or more in the period
        basis = "stories_none" if scan.has_stories else "event_type"
        stories = sorted((_story(labels.get(k, k), recs, names) for k, recs in scan.by_main_type.items()),
                         key=lambda s: (-s.articles, s.label))[:STORIES]
    else:
        basis, stories = "none", []
    event_groups: tuple[EventGroup, ...] | None = None
    if scan.has_events or _event_data(ws):
        event_groups = _key_events(ws, code, first, last, names, labels, base.sources)
    title = "Synthèse" + (f" — {names[code]}" if code else "")
    if base.sources:
        title += f" — source{'s' if len(base.sources) > 1 else ''} : {', '.join(base.sources)}"
    return Digest(
        title=title, since=first, until=last, by=by, country=(code, names[code]) if code else None,
        articles=scan.articles, base_url=base_url, stories=tuple(stories), stories_basis=basis,
        events=event_groups, upcoming=tuple(sorted(scan.upcoming, key=_event_order)[:EVENTS_PER_TYPE * 2]),
        new_entities=_new_entities(ws, scan.entities, scan.entity_articles, first, last),
        figures=_figures(scan.figures), per_day=_per_day(scan.per_day, first, last),
        top_countries=tuple((c, names.get(c, c), n) for c, n in
                            sorted(scan.countries.items(), key=lambda x: (-x[1], x[0])) if c != code)[:6],
        notes=tuple(notes),
    )


def _sentence(text: str, span: Any) -> tuple[int, int]:
    """The sentence (or line) around a span: the evidence of a figure."""
    start = max(text.rfind(". ", 0, span[0]) + 2 if text.rfind(". ", 0, span[0]) >= 0 else 0,
                text.rfind("\n", 0, span[0]) + 1)
    stops = [i for i in (text.find(". ", span[1]), text.find("\n", span[1])) if i >= 0]
    return start, (min(stops) + 1 if stops else len(text))


def _main_stories(ws: Workspace, by_story: Mapping[str, list[Mapping[str, Any]]],
                  names: Mapping[str, str]) -> list[Story]:
    """The stories with the most articles in the period, each with its label, its size in all
    and the story it follows up (``stories.story``)."""
    from silkwire.service import stories as storylines

    top = sorted(by_story.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:STORIES]
    out = []
    for story_id, records in top:
        summary = storylines.story(ws, story_id)
        follows = storylines.story(ws, summary["follows"])["label"] if summary.get("follows") else None
        out.append(_story(str(summary["label"]), records, names, int(summary["articles"]), follows))
    return out


def _story(label: str, records: list[Mapping[str, Any]], names: Mapping[str, str], total: int | None = None,
           follows: str | None = None) -> Story:
    days = sorted(d for d in (r.get("published") for r in records) if isinstance(d, str) and "/" not in d)
    codes: Counter[str] = Counter(c["code"] for r in records for c in r.get("countries") or ())
    newest = sorted(records, key=lambda r: (r.get("published") or "", r["id"]), reverse=True)[:3]
    return Story(label, len(records), days[0] if days else None, days[-1] if days else None,
                 tuple((c, names.get(c, c)) for c, _ in sorted(codes.items(), key=lambda x: (-x[1], x[0]))[:4]),
                 tuple(_ref(r) for r in newest), total, follows)


def _day(value: str | None) -> int | None:
    """YYYYMMDD of a date value's first day; None for no date or a recurrence ("R/P1Y": every year)."""
    return first_day(value)


def _event_data(ws: Workspace) -> bool:
    """Does the database hold event data (an enrichment with an ``events`` field, even empty)?"""
    return ws.store.stores_field("events")


def _key_events(ws: Workspace, country: str | None, first: str | None, last: str | None,
                names: Mapping[str, str], labels: Mapping[str, str],
                sources: Sequence[str] = ()) -> tuple[EventGroup, ...]:
    """The period's events (dated in it; the country among their actors; from these sources'
    articles when given), by type, busiest first."""
    by_type: dict[str, list[EventLine]] = defaultdict(list)
    for e in timeline(ws, country=country, since=first, until=last, limit=MAX_EVENTS, sources=sources):
        by_type[e["type"]].append(_event_line(e, names))
    return tuple(sorted((EventGroup(t, labels.get(t, t), len(lines), tuple(lines[:EVENTS_PER_TYPE]))
                         for t, lines in by_type.items()), key=lambda g: (-g.total, g.type)))


def _event_order(e: EventLine) -> tuple[str, str, str]:
    return (e.date or "9999", e.article.id, e.evidence)


def _figures(by_unit: Mapping[str, list[Figure]]) -> tuple[Figure, ...]:
    """The largest money amounts per currency (never summed or converted across articles)."""
    out: list[Figure] = []
    for unit in sorted(by_unit, key=lambda u: (-len(by_unit[u]), u)):
        seen: set[tuple[str, float]] = set()
        for f in sorted(by_unit[unit], key=lambda f: (-f.value, f.article.id, f.text)):
            if (f.article.id, f.value) not in seen and len(seen) < FIGURES_PER_CURRENCY:
                seen.add((f.article.id, f.value))
                out.append(f)
    return tuple(out)


def _per_day(counts: Counter[str], first: str | None, last: str | None) -> tuple[tuple[str, int], ...]:
    """Articles per day over the whole period (empty days included), per month beyond 92 days."""
    if not counts:
        return ()
    start = dt.date.fromisoformat(first or min(counts))
    end = dt.date.fromisoformat(last or max(counts))
    if (end - start).days > 92:
        months: Counter[str] = Counter()
        for day, n in counts.items():
            months[day[:7]] += n
        keys = sorted({f"{y:04d}-{m:02d}" for y in range(start.year, end.year + 1) for m in range(1, 13)
                       if f"{start:%Y-%m}" <= f"{y:04d}-{m:02d}" <= f"{end:%Y-%m}"})
        return tuple((k, months.get(k, 0)) for k in keys)
    days = [(start + dt.timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]
    return tuple((d, counts.get(d, 0)) for d in days)


def _new_entities(ws: Workspace, found: Mapping[str, tuple[Mapping[str, Any], ArticleRef]],
                  counts: Counter[str], first: str | None, last: str | None) -> tuple[NewEntity, ...]:
    """People and organisations of the period whose first dated article in the whole database
    falls in the period (first seen = the earliest publication date naming them)."""
    if first is None or not found:
        return ()
    ids = sorted(found)
    seen = ws.store.first_seen(ids)
    new = [NewEntity(i, found[i][0]["type"], found[i][0]["name"], found[i][0].get("country"), seen[i], counts[i],
                     found[i][1])
           for i in ids if i in seen and first <= seen[i] <= (last or seen[i])]
    return tuple(sorted(new, key=lambda x: (-x.articles, x.first_seen, x.name, x.id))[:NEW_ENTITIES])


def render(d: Digest, fmt: str) -> str:
    if fmt == "md":
        from silkwire.export.briefing import render_markdown

        return render_markdown(d)
    if fmt == "html":
        from silkwire.export.briefing_html import render_html

        return render_html(d)
    if fmt == "body":  # the HTML content without its page, for the web's digest page
        from silkwire.export.briefing_html import render_body

        return render_body(d)
    raise QueryError(f"--format {fmt!r}: expected md or html")
