"""The fetcher's sockets: a wall-clock deadline on every byte, and the address that was checked.

httpx's timeouts bound each socket operation, not an exchange: a server that sends one header
line or one body byte a second never trips a 2 s read timeout, and holds a fetch for minutes
(measured: 121.6 s with ``--timeout 2``). Here every connect, TLS handshake, read and write is
given the smaller of its own timeout and what is left of the thread's deadline
(``deadline(seconds)``), and fails at once past it: the whole exchange, headers included, ends
on time.

The connection also goes to the address the safety check resolved and approved (``pin``),
never to a second DNS answer: a host that resolved to a public address for the check and to
127.0.0.1 for the connection (DNS rebinding) reaches the checked address. TLS still verifies
the certificate against the host name (httpcore passes it as the server name).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import httpcore
import httpx

_local = threading.local()  # .deadline: time.monotonic() value, or None


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every socket operation of this thread inside the block ends by ``seconds`` from now
    (a nested deadline can only shorten it)."""
    outer = getattr(_local, "deadline", None)
    mine = time.monotonic() + seconds
    _local.deadline = mine if outer is None else min(outer, mine)
    try:
        yield
    finally:
        _local.deadline = outer


def remaining() -> float | None:
    """Seconds left of this thread's deadline (None: no deadline)."""
    end: float | None = getattr(_local, "deadline", None)
    return None if end is None else end - time.monotonic()


def _bounded(timeout: float | None, phase: str) -> float | None:
    end: float | None = getattr(_local, "deadline", None)
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        error = httpcore.ConnectTimeout if phase == "connect" else httpcore.ReadTimeout
        raise error(f"deadline passed during {phase}")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self.inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, _bounded(timeout, "read"))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, _bounded(timeout, "write"))

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _Stream(self.inner.start_tls(ssl_context, server_hostname, _bounded(timeout, "connect")))

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self.inner = httpcore.SyncBackend()
        self.pins: dict[str, str] = {}  # host -> the address checked for it

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        address = self.pins.get(host.lower(), host)
        stream = self.inner.connect_tcp(address, port, _bounded(timeout, "connect"), local_address, socket_options)
        return _Stream(stream)

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class PinnedTransport(httpx.HTTPTransport):
    """httpx's transport over ``_Backend`` (deadlines, pinned addresses); no proxy (the checks
    must apply to the server itself)."""

    def __init__(self) -> None:
        super().__init__(trust_env=False)
        self.backend = _Backend()
        ssl_context = httpx.create_ssl_context(trust_env=False)
        self._pool = httpcore.ConnectionPool(ssl_context=ssl_context, network_backend=self.backend,
                                             max_connections=100, max_keepalive_connections=20,
                                             keepalive_expiry=5.0)

    def pin(self, host: str, address: str) -> None:
        """Connect to ``address`` whenever ``host`` is asked for (until pinned again)."""
        self.backend.pins[host.lower()] = address
        with suppress(httpx.InvalidURL, UnicodeError):  # httpcore asks by the IDNA (ASCII) form
            self.backend.pins[httpx.URL(f"http://{host}/").raw_host.decode("ascii").lower()] = address
