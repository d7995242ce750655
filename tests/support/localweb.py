"""A small threaded HTTP server on 127.0.0.1 for the network tests: fixture feeds and pages
(tests/fixtures/web), plus routes that misbehave on purpose. Started and stopped by a fixture;
its threads are daemons, so it also dies with the test process."""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

WEB = Path(__file__).parents[1] / "fixtures" / "web"
LAST_MODIFIED = formatdate(1_754_000_000, usegmt=True)
_TYPES = {".xml": "application/rss+xml; charset=utf-8", ".rdf": "application/rdf+xml", ".html": "text/html; charset=utf-8",
          ".atom": "application/atom+xml"}


@dataclass
class Site:
    """What the server serves and remembers; tests change it between requests."""

    live: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # /live/NAME.xml -> (title, lead) items
    live_delay: float = 0.0  # seconds before a /live/ answer (to kill a watch in the middle)
    feeds: dict[str, bytes] = field(default_factory=dict)  # /feeds/NAME.xml -> a feed the test wrote
    feed_delay: float = 0.0  # seconds before a /feeds/ answer
    robots: str = "User-agent: *\nDisallow: /private/\n"
    webhook_failures: int = 0  # the next N webhook POSTs answer 500
    webhook_bodies: list[Any] = field(default_factory=list)
    hits: dict[str, int] = field(default_factory=dict)
    log: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)  # (method, path, headers)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def requests_to(self, path: str) -> list[dict[str, str]]:
        return [h for _, p, h in self.log if p == path]


def live_feed(name: str, items: list[tuple[str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{t}</title><description>{d}</description><guid>{name}-{i}</guid>"
        f"<pubDate>Mon, 01 Sep 2025 10:00:00 GMT</pubDate></item>" for i, (t, d) in enumerate(items))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{name}</title>'
            f"{entries}</channel></rss>").encode()


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes = b"", ctype: str = "text/plain", headers: dict[str, str] | None = None,
              length: bool = True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        if not length:
            self.close_connection = True

    def do_POST(self) -> None:
        site = self.server.site
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with site.lock:
            site.log.append(("POST", self.path, dict(self.headers)))
            fail = site.webhook_failures > 0
            site.webhook_failures -= fail
            if not fail:
                site.webhook_bodies.append(json.loads(body))
        self._send(500 if fail else 204)

    def do_GET(self) -> None:
        site = self.server.site
        path = self.path.split("?")[0]
        with site.lock:
            site.log.append(("GET", path, dict(self.headers)))
            site.hits[path] = site.hits.get(path, 0) + 1
            hits = site.hits[path]
        for prefix, route in ROUTES:
            if path == prefix or (prefix.endswith("/") and path.startswith(prefix)):
                route(self, path, hits)
                return
        self._send(404, b"not found")


def _static(h: _Handler, path: str, hits: int) -> None:
    file = WEB / path.removeprefix("/static/")
    if not file.is_file():
        h._send(404, b"no such fixture")
        return
    h._send(200, file.read_bytes(), _TYPES.get(file.suffix, "application/octet-stream"))


def _conditional(h: _Handler, path: str, hits: int) -> None:
    """rss20.xml with validators; 304 when the client has them."""
    body = (WEB / "rss20.xml").read_bytes()
    etag = '"' + hashlib.sha1(body).hexdigest()[:12] + '"'
    if h.headers.get("If-None-Match") == etag or h.headers.get("If-Modified-Since") == LAST_MODIFIED:
        h._send(304, headers={"ETag": etag})
        return
    h._send(200, body, _TYPES[".xml"], {"ETag": etag, "Last-Modified": LAST_MODIFIED})


def _live(h: _Handler, path: str, hits: int) -> None:
    site = h.server.site
    name = path.removeprefix("/live/").removesuffix(".xml")
    if site.live_delay:
        time.sleep(site.live_delay)
    with site.lock:
        items = list(site.live.get(name, []))
    body = live_feed(name, items)
    etag = '"' + hashlib.sha1(body).hexdigest()[:12] + '"'
    if h.headers.get("If-None-Match") == etag:
        h._send(304, headers={"ETag": etag})
        return
    h._send(200, body, _TYPES[".xml"], {"ETag": etag})


def _gzip(h: _Handler, path: str, hits: int) -> None:
    assert "gzip" in h.headers.get("Accept-Encoding", "")
    h._send(200, gzip.compress((WEB / "atom.xml").read_bytes()), "application/atom+xml", {"Content-Encoding": "gzip"})


def _bomb(h: _Handler, path: str, hits: int) -> None:
    h._send(200, gzip.compress(b"<rss>" + b" " * 5_000_000), "application/rss+xml", {"Content-Encoding": "gzip"})


def _redirect(h: _Handler, path: str, hits: int) -> None:
    targets = {"/redirect/once": "/static/rss20.xml", "/redirect/twice": "/redirect/once",
               "/loop/a": "/loop/b", "/loop/b": "/loop/a", "/redirect/far": "/redirect/far2",
               "/redirect/far2": "/redirect/far3", "/redirect/far3": "/redirect/far4", "/redirect/far4": "/redirect/once",
               "/redirect/private": "http://10.255.255.1/feed.xml"}
    h._send(302 if "loop" in path else 301, b"", headers={"Location": targets[path]})


def _slow(h: _Handler, path: str, hits: int) -> None:
    time.sleep(1.5)
    h._send(200, (WEB / "rss20.xml").read_bytes(), _TYPES[".xml"])


def _big(h: _Handler, path: str, hits: int) -> None:
    h._send(200, b"<rss>" + b"x" * 300_000, "application/rss+xml", length=path == "/big/declared")


def _status(code: int) -> Any:
    return lambda h, path, hits: h._send(code, f"status {code}".encode())


def _flaky(h: _Handler, path: str, hits: int) -> None:
    if hits == 1:
        h._send(503, b"try again", headers={"Retry-After": "0"})
    else:
        _static(h, "/static/atom.xml", hits)


def _feeds(h: _Handler, path: str, hits: int) -> None:
    site = h.server.site
    if site.feed_delay:
        time.sleep(site.feed_delay)
    with site.lock:
        body = site.feeds.get(path.removeprefix("/feeds/").removesuffix(".xml"))
    if body is None:
        h._send(404, b"no such feed")
    else:
        h._send(200, body, _TYPES[".xml"])


def _robots(h: _Handler, path: str, hits: int) -> None:
    h._send(200, h.server.site.robots.encode())


ROUTES: list[tuple[str, Any]] = [
    ("/static/", _static), ("/conditional.xml", _conditional), ("/live/", _live), ("/gzip.xml", _gzip),
    ("/bomb.xml", _bomb), ("/redirect/", _redirect), ("/loop/", _redirect), ("/slow.xml", _slow), ("/big/", _big),
    ("/missing.xml", _status(404)), ("/error.xml", _status(500)), ("/flaky.xml", _flaky),
    ("/image.png", lambda h, p, n: h._send(200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")),
    ("/data.json", lambda h, p, n: h._send(200, b'{"a": 1}', "application/json")),
    ("/robots.txt", _robots), ("/private/", _static), ("/feeds/", _feeds),
]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: Site

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that timed out or stopped reading on purpose: nothing to report


@dataclass
class LocalWeb:
    site: Site
    port: int

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def serve() -> Iterator[LocalWeb]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.site = Site()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield LocalWeb(server.site, server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
