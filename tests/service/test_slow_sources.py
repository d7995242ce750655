"""Slow servers (issue 18): a fetch ends at its deadline whatever the server does, a slow outlet
delays no other source of a watch, and the connection goes to the address that was checked.

Servers on 127.0.0.1 (and 127.0.0.2, another host for the watch): one sends a header line a
second, one a body byte a second, for a minute; the bounds below are a few seconds, so a
fetch that waited for them would fail, not merely be slow.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from silkwire.net import Fetcher, FetchError, FetchPolicy, safety
from silkwire.net.connect import PinnedTransport
from silkwire.service import articles as service
from silkwire.service import watch as watching
from silkwire.service.sources import Source

POLICY = FetchPolicy(timeout=1.0, total_timeout=1.5, retries=2, backoff=0.1, robots=False, per_host_delay=0)


def feed(name: str) -> bytes:
    items = "".join(f"<item><title>{name} {i}</title><description>Accord {name} numéro {i} sur l'eau du Syr-Daria."
                    f"</description><guid>{name}-{i}</guid></item>" for i in range(3))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>{items}</channel></rss>'.encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        name = self.path.strip("/").removesuffix(".xml")
        body = feed(name)
        try:
            self.send_response(200)
            if name == "slowheaders":
                for i in range(60):
                    self.wfile.write(f"X-Slow-{i}: x\r\n".encode())
                    self.wfile.flush()
                    time.sleep(1)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if name == "slowbody":
                for i in range(60):
                    self.wfile.write(body[i:i + 1])
                    self.wfile.flush()
                    time.sleep(1)
            else:
                self.wfile.write(body)
        except OSError:
            pass


def start(host: str) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def servers() -> Iterator[tuple[str, str]]:
    slow = start("127.0.0.1")
    try:
        other = start("127.0.0.2")
    except OSError:
        slow.shutdown()
        pytest.skip("127.0.0.2 cannot be bound here (the watch needs a second host)")
    yield f"http://127.0.0.1:{slow.server_address[1]}", f"http://127.0.0.2:{other.server_address[1]}"
    slow.shutdown()
    other.shutdown()


@pytest.mark.parametrize("path", ["/slowheaders.xml", "/slowbody.xml"])
def test_a_fetch_ends_at_its_deadline_whatever_the_server_sends(servers, path):
    started = time.monotonic()
    with Fetcher(POLICY) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get(servers[0] + path, allow_private=True)
    took = time.monotonic() - started
    assert took < POLICY.total_timeout + 1.0, f"{took:.1f} s"  # retries included: no time left for them
    assert "the fetch took over 1.5 s in all" in caught.value.message


def test_a_slow_source_delays_no_other_in_a_watch(servers, tmp_path):
    slow, other = servers
    sources = [Source("lent-entetes", f"{slow}/slowheaders.xml", allow_private=True),
               Source("lent-corps", f"{slow}/slowbody.xml", allow_private=True),
               Source("rapide-a", f"{other}/fast-a.xml", allow_private=True),
               Source("rapide-b", f"{other}/fast-b.xml", allow_private=True)]
    arrived: dict[str, float] = {}
    started = time.monotonic()
    with service.open_workspace(str(tmp_path / "w.db"), create=True) as ws, Fetcher(POLICY) as fetcher:
        results = {}
        for r in watching.poll_sources(ws, fetcher, sources, parallel=4):
            results[r.source] = r
            arrived[r.source] = time.monotonic() - started
        stored = ws.store.count()
    assert {n: r.status for n, r in results.items()} == {"lent-entetes": "error", "lent-corps": "error",
                                                          "rapide-a": "ok", "rapide-b": "ok"}
    assert stored == 6
    # the fast host's sources came in while the slow host was still being waited for
    assert max(arrived["rapide-a"], arrived["rapide-b"]) < min(arrived["lent-entetes"], arrived["lent-corps"])
    # the slow host's two sources, one after the other, each within its deadline
    assert max(arrived.values()) < 2 * (POLICY.total_timeout + 1.0)


def test_the_connection_goes_to_the_address_checked(servers, monkeypatch):
    """DNS rebinding: whatever a second lookup would say, the socket goes where the check looked."""
    port = int(servers[0].rsplit(":", 1)[1])
    lookups: list[str] = []
    real = socket.getaddrinfo

    def second_answer(host, *args, **kwargs):  # what the connection would get if it asked again
        if host == "127.0.0.1":  # a numeric address: no lookup
            return real(host, *args, **kwargs)
        lookups.append(host)
        raise socket.gaierror(f"{host}: asked a second time")

    monkeypatch.setattr(socket, "getaddrinfo", second_answer)
    monkeypatch.setattr(safety, "address_kind", lambda ip: None)  # let 127.0.0.1 pass as a public address
    fetcher = Fetcher(POLICY, resolver=lambda host, port: ["127.0.0.1"])
    with fetcher:
        fetched = fetcher.get(f"http://nouvelles.example:{port}/fast.xml")
    assert fetched.status == 200 and b"fast 0" in fetched.content
    assert lookups == []


def test_pinned_transport_reaches_the_pinned_address(servers):
    port = int(servers[0].rsplit(":", 1)[1])
    transport = PinnedTransport()
    transport.pin("ailleurs.example", "127.0.0.1")
    with httpx.Client(transport=transport) as client:
        assert client.get(f"http://ailleurs.example:{port}/fast.xml").status_code == 200
