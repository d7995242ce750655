"""The one network seam: a safe HTTP fetcher over httpx.

Everything silkwire fetches (feeds, pages, robots.txt, webhooks) goes through ``Fetcher``, so
the rules hold everywhere: http/https only; hosts and the address actually connected checked
against private ranges (``safety.py``) on every redirect hop, and the connection made to the
address checked (``connect.py``); timeouts per socket operation and a wall-clock deadline on the
whole fetch (redirects, retries, robots.txt, headers and body: ``connect.py`` bounds every socket
operation by it), so a server dribbling bytes cannot hold us; a maximum body size counted on the
*decoded* bytes, streamed and cut off (a gzip bomb stops there too); redirects within a limit,
a loop being an error; retries with exponential backoff on 5xx, timeouts and connection errors;
a minimum delay between two requests to one host; robots.txt (RFC 9309); conditional GET.

Tests inject an ``httpx`` transport, or point the fetcher at a local server.
"""

from __future__ import annotations

import ipaddress
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import httpx

from silkwire import __version__
from silkwire.net.connect import PinnedTransport, deadline, remaining
from silkwire.net.robots import RobotsCache
from silkwire.net.safety import FetchError, RefusedError, Resolver, check_address, check_host, system_resolver

USER_AGENT = f"silkwire/{__version__} (news monitoring; robots.txt respected)"
ROBOTS_AGENT = "silkwire"
_REDIRECTS = (301, 302, 303, 307, 308)
_RETRY_STATUSES = (500, 502, 503, 504)
_ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.9, "
           "text/xml;q=0.9, text/html;q=0.8, */*;q=0.1")
_CHUNK = 65536
_ENCODINGS = "gzip, deflate"  # what _body decodes itself (httpx would add br/zstd when installed)


@dataclass(frozen=True, slots=True)
class Validators:
    """What a server said about a response, to ask next time only for a newer one."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # the final URL, after redirects
    status: int
    content: bytes
    content_type: str | None
    validators: Validators
    redirects: tuple[str, ...] = ()  # the URLs that redirected, in order
    location: str | None = None  # where a redirect points

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    timeout: float = 15.0  # seconds, for each of connect / read / write
    total_timeout: float = 60.0  # seconds for one fetch in all: redirects, retries, headers, body
    max_bytes: int = 10_000_000  # decoded body
    max_redirects: int = 5
    retries: int = 2  # extra attempts on 5xx, timeouts, connection errors
    backoff: float = 1.0  # seconds; doubles each attempt (a Retry-After up to max_retry_after wins)
    max_retry_after: float = 30.0
    per_host_delay: float = 1.0  # seconds between two requests to the same host
    robots: bool = True
    user_agent: str = USER_AGENT


@dataclass
class _Clock:
    now: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


@dataclass
class Fetcher:
    """Use as a context manager; one instance keeps its host delays and robots.txt cache.
    Threads may share one (``watch`` fetches its hosts in parallel); one host at a time each."""

    policy: FetchPolicy = field(default_factory=FetchPolicy)
    transport: httpx.BaseTransport | None = None
    resolver: Resolver = system_resolver
    clock: _Clock = field(default_factory=_Clock)

    def __post_init__(self) -> None:
        # trust_env=False: no proxy from the environment, since the address checks must apply
        # to the server itself; certificates are still verified.
        # Our own transport unless a test injects one: deadlines and pinned addresses (connect.py).
        self._pinned = PinnedTransport() if self.transport is None else None
        self.client = httpx.Client(transport=self.transport or self._pinned, follow_redirects=False,
                                   trust_env=False, timeout=httpx.Timeout(self.policy.timeout))
        self._last_request: dict[str, float] = {}
        self.robots = RobotsCache(self._robots_text, ROBOTS_AGENT)
        self.requests = 0  # requests sent, retries included (for reports and tests)
        self._lock = threading.Lock()
        self._local = threading.local()  # .robots: robots.txt goes right before the first request

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    # -- public ---------------------------------------------------------------------------

    def get(self, url: str, *, allow_private: bool = False, validators: Validators | None = None,
            check_robots: bool | None = None) -> Fetched:
        """GET with redirects, safety checks, retries; a 304 comes back as ``not_modified``."""
        headers = {"Accept": _ACCEPT, "Accept-Encoding": _ENCODINGS}
        if validators and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        robots = self.policy.robots if check_robots is None else check_robots
        with deadline(self.policy.total_timeout):
            return self._follow("GET", url, headers, None, allow_private, robots)

    def post_json(self, url: str, payload: Any, *, allow_private: bool = False) -> Fetched:
        """POST a JSON body once (no retries, no redirects: a webhook delivery is not idempotent)."""
        self._pin(url, check_host(url, allow_private, self.resolver))
        request = self.client.build_request("POST", url, json=payload, headers={
            "User-Agent": self.policy.user_agent, "Accept-Encoding": _ENCODINGS})
        with deadline(self.policy.total_timeout):
            return self._attempt(request, allow_private, redirect_ok=False)

    # -- internals ------------------------------------------------------------------------

    def _follow(self, method: str, url: str, headers: dict[str, str], body: bytes | None,
                allow_private: bool, robots: bool) -> Fetched:
        seen = [url]
        current = url
        while True:
            self._pin(current, check_host(current, allow_private, self.resolver))
            refusal = self.robots.refusal(current, allow_private) if robots else None
            if refusal:
                raise RefusedError(current, refusal)
            request = self.client.build_request(
                method, current, headers={**headers, "User-Agent": self.policy.user_agent}, content=body)
            fetched = self._with_retries(request, allow_private)
            if fetched.status not in _REDIRECTS:
                return Fetched(fetched.url, fetched.status, fetched.content, fetched.content_type,
                               fetched.validators, tuple(seen[:-1]))
            target = urljoin(current, fetched.location or "")
            if target in seen:
                raise FetchError(url, f"redirect loop: {' -> '.join([*seen, target])}", fetched.status)
            if len(seen) > self.policy.max_redirects:
                raise FetchError(url, f"too many redirects (more than {self.policy.max_redirects})", fetched.status)
            seen.append(target)
            current = target

    def _with_retries(self, request: httpx.Request, allow_private: bool) -> Fetched:
        attempt = 0
        while True:
            try:
                fetched = self._attempt(request, allow_private)
            except FetchError as exc:
                if isinstance(exc, RefusedError) or not _retryable(exc) or attempt >= self.policy.retries:
                    raise
                wait = self.policy.backoff * 2**attempt
                retry_after = exc.retry_after
                if retry_after is not None and retry_after <= self.policy.max_retry_after:
                    wait = max(wait, retry_after)
                left = remaining()
                if left is not None and left <= wait:  # no time for another attempt
                    raise
                self.clock.sleep(wait)
                attempt += 1
                continue
            return fetched

    def _attempt(self, request: httpx.Request, allow_private: bool, redirect_ok: bool = True) -> Fetched:
        url = str(request.url)
        self._wait_for_host(request.url.host)
        started = self.clock.now()
        with self._lock:
            self.requests += 1
        try:
            response = self.client.send(request, stream=True)
        except httpx.TimeoutException:
            raise _Retryable(url, self._timed_out("")) from None
        except httpx.TransportError as exc:
            raise _Retryable(url, f"cannot connect ({exc or type(exc).__name__})") from None
        try:
            _check_peer(url, response, allow_private)
            status = response.status_code
            validators = Validators(response.headers.get("ETag"), response.headers.get("Last-Modified"))
            ctype = response.headers.get("Content-Type")
            if status in _REDIRECTS and redirect_ok:
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(url, f"HTTP {status} redirect without a Location header", status)
                return Fetched(url, status, b"", ctype, validators, location=location)
            if status == 304:
                return Fetched(url, status, b"", ctype, validators)
            if status >= 300:
                error = _Retryable if status in _RETRY_STATUSES else FetchError
                failure = error(url, f"HTTP {status} {response.reason_phrase}".rstrip(), status)
                failure.retry_after = _retry_after(response.headers.get("Retry-After"))
                raise failure
            content = b"".join(self._body(url, response, started))
            return Fetched(url, status, content, ctype, validators)
        finally:
            response.close()

    def _body(self, url: str, response: httpx.Response, started: float) -> Iterator[bytes]:
        limit = self.policy.max_bytes
        declared = response.headers.get("Content-Length", "")
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        if declared.isdigit() and int(declared) > limit:  # compressed or not, the body would be larger
            raise FetchError(url, f"response too large ({declared} bytes; the limit is {limit})")
        if encoding not in ("identity", "gzip", "x-gzip", "deflate"):
            raise FetchError(url, f"unsupported Content-Encoding {encoding!r}")
        decoder = None if encoding == "identity" else zlib.decompressobj(wbits=47)  # 47: gzip or zlib header
        chunks: Iterable[bytes] = response.iter_raw(_CHUNK)
        if response.is_stream_consumed:  # a transport that handed over the body whole, decoded (tests' mocks)
            chunks, decoder = [response.content], None
        size = 0
        try:
            for raw in chunks:
                if self.clock.now() - started > self.policy.total_timeout:
                    raise _Retryable(url, f"timed out (the response took over {self.policy.total_timeout:g} s)")
                pending = raw
                while pending:
                    if decoder is None:
                        chunk, pending = pending, b""
                    else:
                        # max_length bounds what one compressed chunk may inflate to.
                        chunk = decoder.decompress(pending, limit - size + 1)
                        pending = decoder.unconsumed_tail
                    size += len(chunk)
                    if size > limit:
                        raise FetchError(url, f"response too large (over {limit} bytes, stopped reading)")
                    yield chunk
        except httpx.TimeoutException:
            raise _Retryable(url, self._timed_out(" while reading")) from None
        except httpx.TransportError as exc:
            raise _Retryable(url, f"connection lost while reading ({exc or type(exc).__name__})") from None
        except zlib.error as exc:
            raise FetchError(url, f"corrupt {encoding} body ({exc})") from None

    def _timed_out(self, doing: str) -> str:
        left = remaining()
        if left is not None and left <= 0.05:
            return f"timed out{doing} (the fetch took over {self.policy.total_timeout:g} s in all)"
        return f"timed out{doing} (nothing for {self.policy.timeout:g} s)"

    def _pin(self, url: str, addresses: list[str]) -> None:
        """The connection to this URL's host goes to an address just checked (IPv4 first)."""
        if self._pinned is None or not addresses:
            return
        host = httpx.URL(url).host
        ordered = sorted(addresses, key=lambda a: ipaddress.ip_address(a.split("%")[0]).version)
        self._pinned.pin(host, ordered[0])

    def _wait_for_host(self, host: str) -> None:
        if getattr(self._local, "robots", False):
            return
        with self._lock:
            last = self._last_request.get(host)
            wait = 0.0 if last is None else self.policy.per_host_delay - (self.clock.now() - last)
            self._last_request[host] = self.clock.now() + max(wait, 0.0)
        if wait > 0:
            self.clock.sleep(wait)

    def _robots_text(self, robots_url: str, allow_private: bool) -> tuple[int, str]:
        """(status, text) of a robots.txt; an unreachable site raises (the fetch fails with why)."""
        self._local.robots = True
        try:
            fetched = self.get(robots_url, allow_private=allow_private, check_robots=False)
        except FetchError as exc:
            if isinstance(exc, RefusedError) or exc.status is None:
                raise
            return exc.status, ""
        finally:
            self._local.robots = False
        return fetched.status, fetched.content[:500_000].decode("utf-8", "replace")


class _Retryable(FetchError):
    """A failure worth another attempt (5xx, timeout, connection)."""


def _retryable(exc: FetchError) -> bool:
    return isinstance(exc, _Retryable)


def _retry_after(value: str | None) -> float | None:
    return float(value) if value and value.strip().isdigit() else None


def _check_peer(url: str, response: httpx.Response, allow_private: bool) -> None:
    """The address the connection reached, when the transport tells it (real sockets do)."""
    stream = response.extensions.get("network_stream")
    if stream is None or allow_private:
        return
    peer = stream.get_extra_info("server_addr")
    if peer:
        check_address(url, str(peer[0]), allow_private)
