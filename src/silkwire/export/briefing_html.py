"""A digest as one self-contained HTML page: inline CSS, inline SVG charts drawn here, links
into the web UI. Every text and every URL goes through ``html.escape`` (attributes quoted), so
nothing from an article can become markup. No script, no external resource."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from silkwire.dates import french_date
from silkwire.export.briefing import (
    ARTICLE_PATH,
    COUNTRY_PATH,
    ENTITY_PATH,
    SECTION_NOTES,
    STATUS_FR,
    ArticleRef,
    Digest,
    EventLine,
    actors_text,
    period_text,
    plural,
    story_size,
)

_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d232a;max-width:60rem;margin:2rem auto;
padding:0 1rem;background:#fff}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:2px solid #d8dee4;padding-bottom:.2rem;margin-top:2rem}
h3{font-size:1.05rem;margin-bottom:.3rem}a{color:#0b5cad}.meta,.note{color:#57606a}.note{font-style:italic}
ul{padding-left:1.2rem}li{margin:.25rem 0}blockquote{margin:.2rem 0 .2rem .8rem;color:#3d444d;font-size:.93rem}
.status-done{color:#116329}.status-planned{color:#9a6700}.charts{display:flex;flex-wrap:wrap;gap:1.5rem}
svg text{font:11px system-ui,sans-serif;fill:#1d232a}
"""


def _e(text: object) -> str:
    return escape("" if text is None else str(text), quote=True)


def _a(href: str, text: str) -> str:
    return f'<a href="{_e(href)}">{_e(text)}</a>'


def _article(d: Digest, a: ArticleRef) -> str:
    return _a(d.link(ARTICLE_PATH, id=a.id), a.title or "(sans titre)")


def bar_chart(items: Sequence[tuple[str, int]], title: str, width: int = 420) -> str:
    """Horizontal bars, one per (label, count), largest scale = longest bar."""
    if not items:
        return ""
    row, label_w, top = 18, 170, 22
    top_value = max(n for _, n in items) or 1
    height = top + row * len(items) + 6
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}"><title>{_e(title)}</title>',
             f'<text x="0" y="14" font-weight="bold">{_e(title)}</text>']
    for i, (label, n) in enumerate(items):
        y = top + i * row
        w = round((width - label_w - 40) * n / top_value, 1)
        parts.append(f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end">{_e(label)}</text>'
                     f'<rect x="{label_w}" y="{y + 2}" width="{w}" height="{row - 5}" fill="#4c8bd6"/>'
                     f'<text x="{label_w + w + 4}" y="{y + 12}">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)


def column_chart(items: Sequence[tuple[str, int]], title: str, width: int = 420, height: int = 170) -> str:
    """Vertical columns over time (days or months), first and last label under the axis."""
    if not items:
        return ""
    top, bottom = 22, 24
    plot_h = height - top - bottom
    step = width / len(items)
    top_value = max(n for _, n in items) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}"><title>{_e(title)}</title>',
             f'<text x="0" y="14" font-weight="bold">{_e(title)} (max {top_value})</text>']
    for i, (label, n) in enumerate(items):
        h = round(plot_h * n / top_value, 1)
        parts.append(f'<rect x="{round(i * step + 1, 1)}" y="{round(top + plot_h - h, 1)}" '
                     f'width="{round(max(step - 2, 1), 1)}" height="{h}" fill="#4c8bd6">'
                     f'<title>{_e(french_date(label))} : {n}</title></rect>')
    base = top + plot_h
    parts.append(f'<line x1="0" y1="{base}" x2="{width}" y2="{base}" stroke="#8c959f"/>')
    parts.append(f'<text x="0" y="{height - 6}">{_e(french_date(items[0][0]))}</text>')
    if len(items) > 1:
        parts.append(f'<text x="{width}" y="{height - 6}" text-anchor="end">{_e(french_date(items[-1][0]))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _event(d: Digest, e: EventLine) -> str:
    bits = [f"<strong>{_e(french_date(e.date) if e.date else 'date inconnue')}</strong>"]
    if e.status:
        bits.append(f'<span class="status-{_e(e.status)}">{_e(STATUS_FR.get(e.status, e.status))}</span>')
    actors = actors_text(e)
    if actors:
        bits.append(_e(actors))
    if e.place:
        bits.append(f"à {_e(e.place)}")
    if e.amounts:
        bits.append("montants : " + _e(", ".join(e.amounts)))
    return (f"<li>{' — '.join(bits)} · {_article(d, e.article)}"
            f"<blockquote>{_e(e.evidence)}</blockquote></li>")


def render_html(d: Digest) -> str:
    """The digest as a standalone page (its own styles), to save, print or mail."""
    return "\n".join(['<!DOCTYPE html>', '<html lang="fr"><head><meta charset="utf-8">',
                      '<meta name="viewport" content="width=device-width, initial-scale=1">',
                      f"<title>{_e(d.title)}</title><style>{_CSS}</style></head><body>",
                      f"<h1>{_e(d.title)}</h1>", render_body(d), "</body></html>"]) + "\n"


def render_body(d: Digest) -> str:
    """The digest's content as HTML without the page around it (the web's digest page wraps it)."""
    out: list[str] = []
    scope = f"{plural(d.articles, 'article')}, {_e(period_text(d))}"
    scope += " (par date d'événement)" if d.by == "event" else ""
    if d.country:
        scope += " — pays : " + _a(d.link(COUNTRY_PATH, code=d.country[0]), d.country[1])
    out.append(f'<p class="meta">{scope}</p>')
    if d.top_countries:
        out.append('<p class="meta">Pays les plus cités : ' + ", ".join(
            f"{_a(d.link(COUNTRY_PATH, code=code), name)} ({n})" for code, name, n in d.top_countries) + "</p>")
    charts = [column_chart(d.per_day, "Articles par " + ("mois" if d.per_day and len(d.per_day[0][0]) == 7
                                                           else "jour"))]
    if d.events:
        charts.append(bar_chart([(g.label, g.total) for g in d.events], "Événements par type"))
    out.append('<div class="charts">' + "".join(charts) + "</div>")
    out.append("<h2>Principaux sujets</h2>")
    if d.stories_basis in SECTION_NOTES:
        out.append(f'<p class="note">{_e(SECTION_NOTES[d.stories_basis])}</p>')
    if not d.stories and d.stories_basis != "none":
        out.append("<p>Aucun événement principal sur la période.</p>")
    if d.stories:
        out.append("<ul>")
        for s in d.stories:
            span = " – ".join(french_date(x) for x in dict.fromkeys((s.first, s.last)) if x)
            countries = ", ".join(_a(d.link(COUNTRY_PATH, code=c), n) for c, n in s.countries)
            out.append(f"<li><strong>{_e(s.label)}</strong> : {_e(story_size(s))}"
                       + (f", {_e(span)}" if span else "") + (f" ; {countries}" if countries else "")
                       + (f" ; suite de « {_e(s.follows)} »" if s.follows else "")
                       + "<ul>" + "".join(f"<li>{_article(d, a)}</li>" for a in s.examples) + "</ul></li>")
        out.append("</ul>")
    out.append("<h2>Événements clés</h2>")
    if d.events is None:
        out.append('<p class="note">Pas de données d\'événements dans ces articles (enrichissement sans '
                   'événements) : section omise.</p>')
    elif not d.events:
        out.append("<p>Aucun événement sur la période.</p>")
    for group in d.events or ():
        out.append(f"<h3>{_e(group.label)} — {group.total}</h3><ul>")
        out += [_event(d, e) for e in group.events]
        if group.total > len(group.events):
            out.append(f"<li>… et {group.total - len(group.events)} autres</li>")
        out.append("</ul>")
    if d.upcoming:
        out.append("<h3>À venir (annoncé sur la période, prévu ensuite)</h3><ul>")
        out += [_event(d, e) for e in d.upcoming]
        out.append("</ul>")
    out.append("<h2>Nouvelles personnes et organisations</h2>")
    if not d.new_entities:
        out.append("<p>Aucune personne ou organisation vue pour la première fois sur la période.</p>")
    else:
        out.append("<ul>")
        for x in d.new_entities:
            kind = "personne" if x.type == "PER" else "organisation"
            out.append(f"<li><strong>{_a(d.link(ENTITY_PATH, id=x.id), x.name)}</strong> ({kind}"
                       f"{', ' + _e(x.country) if x.country else ''}) — première mention le "
                       f"{_e(french_date(x.first_seen))}, "
                       f"{plural(x.articles, 'article')} : {_article(d, x.article)}</li>")
        out.append("</ul>")
    out.append("<h2>Chiffres</h2>")
    if not d.figures:
        out.append("<p>Aucun montant sur la période.</p>")
    else:
        out.append("<ul>" + "".join(f"<li><strong>{_e(f.text)}</strong> · {_article(d, f.article)}"
                                    f"<blockquote>{_e(f.evidence)}</blockquote></li>" for f in d.figures) + "</ul>")
    if d.notes:
        out.append("<h2>Notes</h2><ul>" + "".join(f"<li>{_e(n)}</li>" for n in d.notes) + "</ul>")
    return "\n".join(out)
