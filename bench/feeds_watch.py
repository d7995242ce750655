"""Feeds, pages and the watch loop (issue "Keep watching").

Measures, in one run on this machine:
- feed reading: items/s of ``ingest.feeds.read_feed`` (feedparser + HTML to text + ids) on a
  generated 500-item RSS 2.0 feed, beside a bare ``xml.etree`` parse of the same bytes (the
  floor any feed reader pays);
- page reading: pages/s of ``ingest.pages.read_page`` (trafilatura) on the fixture article and
  on a 60-paragraph page, beside the stdlib ``html_to_text`` stripper on the same bytes;
- a watch pass: ``watching.watch(--once --force)`` over 50 sources of 20 items on a local
  server (127.0.0.1, per-host delay 0 since they all share one host): the first pass (1,000
  items fetched, parsed, stored and indexed) and the second (every source answers 304).

Usage: python bench/feeds_watch.py   (about 30 s; no data needed)
"""

from __future__ import annotations

import hashlib
import platform
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from silkwire.ingest.feeds import read_feed  # noqa: E402
from silkwire.ingest.html_text import html_to_text  # noqa: E402
from silkwire.ingest.pages import read_page  # noqa: E402
from silkwire.service import watch as watching  # noqa: E402

ARTICLE = (ROOT / "tests" / "fixtures" / "web" / "article.html").read_bytes()


def feed(name: str, n: int) -> bytes:
    items = "".join(
        f"<item><title>{name} : dépêche {i} sur le Kazakhstan et l’Ouzbékistan</title>"
        f"<link>https://{name}.example/{i}</link><guid>{name}-{i}</guid>"
        f"<pubDate>Mon, 01 Sep 2025 10:{i % 60:02d}:00 GMT</pubDate>"
        f"<description>&lt;p&gt;Astana et Tachkent ont signé un accord numéro {i} sur l’eau du "
        f"&lt;b&gt;Syr-Daria&lt;/b&gt;, selon les deux gouvernements.&lt;/p&gt;</description></item>"
        for i in range(n))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{name}</title>'
            f"{items}</channel></rss>").encode()


def rate(fn, count: int, repeat: int) -> float:
    fn()
    started = time.perf_counter()
    for _ in range(repeat):
        fn()
    return count * repeat / (time.perf_counter() - started)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/robots.txt":
            body, status, etag = b"User-agent: *\nAllow: /\n", 200, ""
        else:
            body = feed(self.path.strip("/").removesuffix(".xml"), 20)
            etag = '"' + hashlib.sha1(body).hexdigest()[:12] + '"'
            status = 304 if self.headers.get("If-None-Match") == etag else 200
        self.send_response(status)
        if etag:
            self.send_header("ETag", etag)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", "0" if status == 304 else str(len(body)))
        self.end_headers()
        if status == 200:
            self.wfile.write(body)


def watch_passes(sources: int) -> tuple[float, float, int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            db, path = f"{tmp}/w.db", f"{tmp}/w.sources.toml"
            Path(path).write_text("".join(
                f'[[source]]\nname = "s{i}"\nurl = "http://127.0.0.1:{port}/s{i}.xml"\n' for i in range(sources)))
            options = watching.WatchOptions(once=True, force=True, allow_private=True,
                                            policy=watching.FetchPolicy(per_host_delay=0))
            results: list[watching.PollResult] = []
            started = time.perf_counter()
            watching.watch(db, path, options, on_poll=results.append)
            first = time.perf_counter() - started
            new = sum(r.new for r in results)
            results.clear()
            started = time.perf_counter()
            watching.watch(db, path, options, on_poll=results.append)
            second = time.perf_counter() - started
            assert all(r.status == "not_modified" for r in results), results
            return first, second, new
    finally:
        server.shutdown()
        server.server_close()


def main() -> None:
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}")
    big = feed("bench", 500)
    items = rate(lambda: list(read_feed(big, "bench", "bench")), 500, 5)
    floor = rate(lambda: ET.fromstring(big), 500, 20)
    print(f"feed: read_feed {items:,.0f} items/s; bare ElementTree parse {floor:,.0f} items/s "
          f"({floor / items:.0f}x)")
    long_page = ARTICLE.replace(b"</article>", (b"<p>" + b"Un paragraphe de plus sur le Kirghizstan. " * 8
                                                  + b"</p>") * 60 + b"</article>")
    for label, page in (("fixture article", ARTICLE), ("60-paragraph page", long_page)):
        pages = rate(lambda p=page: list(read_page(p, "bench", "bench")), 1, 20)
        strip = rate(lambda p=page: html_to_text(p.decode()), 1, 200)
        print(f"page ({label}, {len(page) / 1000:.0f} kB): read_page {pages:,.0f} pages/s; "
              f"stdlib tag stripper {strip:,.0f} pages/s")
    first, second, new = watch_passes(50)
    print(f"watch, 50 sources x 20 items: first pass {first:.2f} s ({new} new, {new / first:,.0f} items/s); "
          f"second pass, all 304: {second:.2f} s ({second / 50 * 1000:.1f} ms per source)")


if __name__ == "__main__":
    main()
