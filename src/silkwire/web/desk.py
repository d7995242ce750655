"""The analyst's desk on the web: corrections from the article page (a form guarded by the
server's write token) and their list, saved alerts with their matches, and the digest of a
country and period (the content of ``silkwire digest``, printable).

The forms post ``application/x-www-form-urlencoded`` bodies, read here without a multipart
library. The token is typed in the form (a password field) and compared in constant time: a
page from another site cannot post a correction, since it does not know the token. A server
started without a token shows no form.
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from silkwire.errors import SilkwireError
from silkwire.model import Correction
from silkwire.service import alerts as alerting
from silkwire.service import corrections, explore
from silkwire.service import digest as digests
from silkwire.service.pool import WorkspacePool
from silkwire.web import labels

MAX_FORM = 20_000  # bytes: a correction form is a few hundred
ALERT_MATCHES = 200  # the latest matches an alert's page lists
KIND_LABELS = {"country": "pays", "entity": "entité", "place": "lieu", "event": "événement", "topic": "thème",
               "date": "date", "amount": "montant"}
ACTION_LABELS = {"reject": "rejet", "add": "ajout", "merge": "fusion", "rename": "nouveau nom",
                 "wikidata": "identifiant Wikidata"}


def reject_choices(record: dict[str, Any], country_name: Callable[[str], str],
                   event_label: Callable[[str], str]) -> list[tuple[str, str]]:
    """(form value, French label) of every fact of the article that can be rejected."""
    text = record["text"]
    out: list[tuple[str, str]] = []
    out += [(f"country|{c['code']}", f"pays : {country_name(c['code'])}") for c in record.get("countries") or ()]
    out += [(f"entity|{e['id']}", f"entité : {e['name']}") for e in record.get("entities") or ()]
    out += [(f"place|{p['name']}", f"lieu : {p['name']}") for p in record.get("places") or ()]
    out += [(f"event|{v['type']}|{v['trigger'][0]}|{v['trigger'][1]}",
             f"événement : {event_label(v['type'])} (« {text[v['trigger'][0]:v['trigger'][1]]} »)")
            for v in record.get("events") or ()]
    out += [(f"topic|{t['code']}", f"thème : {t['label']}") for t in record.get("topics") or ()]
    out += [(f"{k}|{f['span'][0]}|{f['span'][1]}", f"{KIND_LABELS[k]} : « {text[f['span'][0]:f['span'][1]]} »")
            for k, key in (("date", "dates"), ("amount", "amounts")) for f in record.get(key) or ()]
    return out


def _picked(choice: str) -> tuple[str, dict[str, Any]]:
    kind, _, rest = choice.partition("|")
    parts = rest.split("|")
    if kind == "event" and len(parts) == 3:
        return kind, {"type": parts[0], "trigger": [int(parts[1]), int(parts[2])]}
    if kind in ("date", "amount") and len(parts) == 2:
        return kind, {"span": [int(parts[0]), int(parts[1])]}
    key = {"country": "code", "entity": "id", "place": "name", "topic": "code"}.get(kind)
    if key is None:
        raise ValueError(choice)
    return kind, {key: rest}


def correction_of(form: dict[str, str], article_id: str, text: str) -> Correction:
    """The correction a form asks for (``action``: reject | add | merge | rename | wikidata)."""
    action, author, reason = form.get("action", ""), form.get("author", "").strip(), form.get("reason") or None
    if action == "reject":
        try:
            kind, fact = _picked(form.get("fact", ""))
        except ValueError:
            raise SilkwireError("choisissez le fait à rejeter") from None
        return Correction("reject", kind, fact, author, reason, article_id)
    if action == "add":
        passage = form.get("passage", "")
        where = text.find(passage) if passage else -1
        if where < 0 and form.get("kind") != "topic":
            raise SilkwireError(f"« {passage} » : ce passage n’est pas dans le texte de l’article")
        span = [where, where + len(passage)] if where >= 0 else None
        kind = form.get("kind", "")
        unit = form.get("unit") or None
        fact = corrections.fact_of("add", kind, form.get("value") or None, span, type=form.get("type"), unit=unit,
                                   kind=("percent" if unit == "%" else "money" if unit else "count")
                                   if kind == "amount" else None)
        return Correction("add", kind, fact, author, reason, article_id)
    entity = form.get("entity", "")
    if action == "merge":
        return Correction("merge", "entity", {"id": entity, "into": form.get("into", "").strip()}, author, reason)
    if action == "rename":
        return Correction("rename", "entity", {"id": entity, "name": form.get("name", "")}, author, reason)
    if action == "wikidata":
        return Correction("wikidata", "entity", {"id": entity, "wikidata": form.get("qid", "")}, author, reason)
    raise SilkwireError(f"{action!r} : action inconnue")


def _search_link(query: str, filters: dict[str, Any]) -> str:
    """The feed's search for an alert's query and filters (its matches so far, live)."""
    keys = {"countries": "country", "entities": "entity", "places": "place", "sources": "source"}
    params = [("q", query)] + [(keys[k], v) for k, values in filters.items() if k in keys for v in values]
    params += [(k, filters[k]) for k in ("since", "until") if filters.get(k)]
    return "/?" + urlencode(params)


async def read_form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > MAX_FORM:
        raise SilkwireError("formulaire trop long")
    return {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}


def install_desk(app: FastAPI, pool: WorkspacePool, token: str | None, write_lock: threading.Lock,
                 show_article: Callable[..., HTMLResponse], page: Callable[..., HTMLResponse],
                 after_write: Callable[[], None]) -> None:
    """The form's targets: ``POST /articles/{id}/corrections`` and ``/corrections/{n}/annuler``;
    the pages ``/corrections``, ``/alertes``, ``/alertes/{name}`` and ``/synthese`` (a digest)."""

    def allowed(form: dict[str, str]) -> bool:
        return token is not None and hmac.compare_digest(form.get("token", "").encode(), token.encode())

    @app.post("/articles/{article_id}/corrections", include_in_schema=False)
    async def correct(request: Request, article_id: str) -> Response:
        form = await read_form(request)
        if not allowed(form):
            return show_article(request, article_id, 403, "Jeton d’écriture absent ou faux : rien n’a été changé.",
                                form)
        try:
            with write_lock, pool.take() as ws:
                record_text = ws.store.get(article_id).text
                corrections.correct(ws, correction_of(form, ws.store.get(article_id).id, record_text))
        except SilkwireError as exc:
            return show_article(request, article_id, 400, f"Correction refusée : {exc}", form)
        after_write()
        return RedirectResponse(f"/articles/{article_id}#corrections", status_code=303)

    @app.post("/corrections/{number}/annuler", include_in_schema=False)
    async def undo(request: Request, number: int) -> Response:
        form = await read_form(request)
        back = form.get("back", "/corrections")
        back = back if back.startswith("/") and not back.startswith("//") else "/corrections"
        if not allowed(form):
            return page(request, "error.html", 403, title="Accès refusé", status=403,
                        message="Jeton d’écriture absent ou faux : rien n’a été changé.")
        with write_lock, pool.take() as ws:
            corrections.undo(ws, number, form.get("author") or "?")
        after_write()
        return RedirectResponse(back, status_code=303)

    @app.get("/alertes", response_class=HTMLResponse, include_in_schema=False)
    def alert_index(request: Request) -> HTMLResponse:
        with pool.take() as ws:
            found = [(a, alerting.alert_matches(ws, a.name, 0)[1]) for a in alerting.list_alerts(ws)]
        return page(request, "alerts.html", title="Alertes", alerts=found, link=_search_link)

    @app.get("/alertes/{name}", response_class=HTMLResponse, include_in_schema=False)
    def alert_page(request: Request, name: str) -> HTMLResponse:
        with pool.take() as ws:
            alert, total, matches = alerting.alert_matches(ws, name, ALERT_MATCHES)
        return page(request, "alert.html", title=f"Alerte « {alert.name} »", alert=alert, total=total,
                    matches=matches, search=_search_link(alert.query, alert.filters))

    @app.get("/synthese", response_class=HTMLResponse, include_in_schema=False)
    def digest_page(request: Request) -> HTMLResponse:
        params = request.query_params
        country = (params.get("country") or "").strip().upper() or None
        by = "event" if params.get("by") == "event" else "published"
        since, until = (labels.form_date(params.get(k), n) for k, n in (("since", "depuis"), ("until", "jusqu’au")))
        with pool.take() as ws:
            if country:
                explore.check_country(country)
            d = digests.build(ws, country, since, until, by, str(request.base_url).rstrip("/"))
            choices = [(c["code"], c["name"]) for c in explore.countries(ws)]
        return page(request, "digest.html", title=d.title, d=d, body=Markup(digests.render(d, "body")),
                    countries=choices, country=country or "", since=d.since or "", until=d.until or "", by=by)

    @app.get("/corrections", response_class=HTMLResponse, include_in_schema=False)
    def listing(request: Request) -> HTMLResponse:
        every = request.query_params.get("toutes") == "1"
        with pool.take() as ws:
            rows = corrections.corrections(ws, include_undone=every)
        return page(request, "corrections.html", title="Corrections", rows=rows[::-1], every=every,
                    can_write=token is not None, kind_labels=KIND_LABELS, action_labels=ACTION_LABELS)
