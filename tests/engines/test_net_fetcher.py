"""The safe fetcher against a real local server (127.0.0.1) and injected transports."""

from __future__ import annotations

import time

import httpx
import pytest
from localweb import serve

from silkwire.net import Fetcher, FetchError, FetchPolicy, RefusedError, Validators
from silkwire.net import fetcher as fetcher_module
from silkwire.net.robots import RobotsCache
from silkwire.net.safety import check_host

FAST = FetchPolicy(timeout=0.4, total_timeout=2.0, retries=1, backoff=0.01, per_host_delay=0.0)


@pytest.fixture
def web():
    yield from serve()


@pytest.fixture
def fetch():
    with Fetcher(FAST) as f:
        yield f


def public(host: str, port: int) -> list[str]:
    return ["93.184.216.34"]


# -- address safety -------------------------------------------------------------------------------


def test_loopback_url_is_refused_without_the_flag_and_nothing_is_sent(web, fetch):
    with pytest.raises(RefusedError) as caught:
        fetch.get(web.url("/static/rss20.xml"))
    message = str(caught.value)
    assert "127.0.0.1 is a loopback address" in message and "--allow-private" in message
    assert web.site.log == []
    assert fetch.get(web.url("/static/rss20.xml"), allow_private=True).status == 200


@pytest.mark.parametrize(("address", "kind"), [
    ("10.1.2.3", "private"), ("192.168.0.10", "private"), ("172.16.5.4", "private"), ("127.0.0.2", "loopback"),
    ("169.254.169.254", "link-local"), ("::1", "loopback"), ("fe80::1", "link-local"), ("fc00::5", "private"),
    ("::ffff:127.0.0.1", "loopback"), ("100.64.0.1", r"shared \(CGNAT\)"), ("0.0.0.0", "unspecified"), ("224.0.0.1", "multicast"),
])
def test_hosts_resolving_to_non_global_addresses_are_refused(address, kind):
    with pytest.raises(RefusedError, match=f"is a {kind} address"):
        check_host("http://feeds.example/rss", False, lambda host, port: ["93.184.216.34", address])
    check_host("http://feeds.example/rss", True, lambda host, port: [address])  # allowed when asked


def test_public_hosts_and_only_http_schemes():
    check_host("https://feeds.example/rss", False, public)
    for url in ("file:///etc/passwd", "ftp://feeds.example/x", "gopher://x/", "javascript:alert(1)"):
        with pytest.raises(RefusedError, match="only http and https"):
            check_host(url, True, public)
    with pytest.raises(RefusedError, match="loopback"):
        check_host("http://localhost:8000/", False)  # the system resolver says 127.0.0.1 / ::1


def test_every_redirect_hop_is_checked():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://metadata.internal/latest/meta-data"})

    def resolver(host: str, port: int) -> list[str]:
        return ["169.254.169.254"] if host == "metadata.internal" else ["93.184.216.34"]

    with (Fetcher(FAST, transport=httpx.MockTransport(handler), resolver=resolver) as f,
          pytest.raises(RefusedError, match=r"169.254.169.254 is a link-local address")):
        f.get("http://feeds.example/rss", check_robots=False)


def test_the_address_actually_connected_is_checked(web, fetch, monkeypatch):
    # As if DNS had said "public" and the connection then reached 127.0.0.1 (DNS rebinding).
    monkeypatch.setattr(fetcher_module, "check_host", lambda url, allow, resolver: None)
    with pytest.raises(RefusedError, match=r"127.0.0.1 is a loopback address"):
        fetch.get(web.url("/static/rss20.xml"), check_robots=False)


# -- HTTP behaviour ---------------------------------------------------------------------------------


def test_gzip_body_is_decoded(web, fetch):
    got = fetch.get(web.url("/gzip.xml"), allow_private=True)
    assert got.content.startswith(b"<?xml") and b"Achgabat" in got.content


def test_conditional_get_gives_304(web, fetch):
    first = fetch.get(web.url("/conditional.xml"), allow_private=True)
    assert first.status == 200 and first.validators.etag and first.validators.last_modified
    again = fetch.get(web.url("/conditional.xml"), allow_private=True, validators=first.validators)
    assert again.not_modified and again.content == b""
    sent = web.site.requests_to("/conditional.xml")[-1]
    assert sent["If-None-Match"] == first.validators.etag
    by_date = fetch.get(web.url("/conditional.xml"), allow_private=True,
                        validators=Validators(last_modified=first.validators.last_modified))
    assert by_date.not_modified


def test_redirects_followed_within_the_limit(web, fetch):
    got = fetch.get(web.url("/redirect/twice"), allow_private=True)
    assert got.status == 200 and got.url.endswith("/static/rss20.xml")
    assert [r.rsplit(":", 1)[1].split("/", 1)[1] for r in got.redirects] == ["redirect/twice", "redirect/once"]
    with pytest.raises(FetchError, match=r"redirect loop: .*/loop/a -> .*/loop/b -> .*/loop/a"):
        fetch.get(web.url("/loop/a"), allow_private=True)
    with (Fetcher(FetchPolicy(max_redirects=3, per_host_delay=0, retries=0)) as strict,
          pytest.raises(FetchError, match="too many redirects")):
        strict.get(web.url("/redirect/far"), allow_private=True)


def test_404_is_not_retried_500_is(web, fetch):
    with pytest.raises(FetchError, match="HTTP 404") as caught:
        fetch.get(web.url("/missing.xml"), allow_private=True)
    assert caught.value.status == 404 and web.site.hits["/missing.xml"] == 1
    with pytest.raises(FetchError, match="HTTP 500"):
        fetch.get(web.url("/error.xml"), allow_private=True)
    assert web.site.hits["/error.xml"] == 1 + FAST.retries
    assert fetch.get(web.url("/flaky.xml"), allow_private=True).status == 200  # 503, then fine
    assert web.site.hits["/flaky.xml"] == 2


def test_slow_server_times_out(web):
    with Fetcher(FetchPolicy(timeout=0.3, retries=0, per_host_delay=0)) as f:
        started = time.monotonic()
        with pytest.raises(FetchError, match="timed out"):
            f.get(web.url("/slow.xml"), allow_private=True)
        assert time.monotonic() - started < 1.4  # the server sleeps 1.5 s


def test_oversized_responses_are_cut_off(web):
    with Fetcher(FetchPolicy(max_bytes=100_000, retries=0, per_host_delay=0)) as f:
        with pytest.raises(FetchError, match=r"too large \(300005 bytes"):
            f.get(web.url("/big/declared"), allow_private=True)  # refused from Content-Length
        with pytest.raises(FetchError, match=r"too large .*stopped reading"):
            f.get(web.url("/big/streamed"), allow_private=True)  # no length: counted while streaming
        with pytest.raises(FetchError, match=r"too large .*stopped reading"):
            f.get(web.url("/bomb.xml"), allow_private=True)  # 5 MB inflated from a few kB of gzip


def test_robots_txt_is_obeyed(web, fetch):
    with pytest.raises(RefusedError, match=r"robots.txt"):
        fetch.get(web.url("/private/article.html"), allow_private=True)
    assert "/private/article.html" not in web.site.hits
    assert fetch.get(web.url("/static/article.html"), allow_private=True).status == 200
    assert web.site.hits["/robots.txt"] == 1  # cached per site


def test_robots_rules_by_status():
    answers = {"http://a.example/robots.txt": (404, ""), "http://b.example/robots.txt": (503, ""),
               "http://c.example/robots.txt": (200, "User-agent: silkwire\nDisallow: /\n\nUser-agent: *\nAllow: /\n")}
    cache = RobotsCache(lambda url, allow: answers[url], "silkwire")
    assert cache.refusal("http://a.example/x", False) is None
    assert "answered HTTP 503" in (cache.refusal("http://b.example/x", False) or "")
    assert "robots.txt" in (cache.refusal("http://c.example/x", False) or "")


class FakeClock:
    def __init__(self) -> None:
        self.t = 100.0
        self.slept: list[float] = []

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.t += seconds


def test_per_host_delay_and_backoff_with_a_fake_clock():
    statuses = iter([500, 503, 200, 200])

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(next(statuses), content=b"<rss/>")

    clock = FakeClock()
    policy = FetchPolicy(retries=2, backoff=0.5, per_host_delay=2.0, robots=False)
    with Fetcher(policy, transport=httpx.MockTransport(handler), resolver=public,
                 clock=fetcher_module._Clock(clock.now, clock.sleep)) as f:
        assert f.get("http://feeds.example/a").status == 200
        # retries: backoff 0.5 then 1.0, each retry then waits for the host delay (2 s since the last request)
        assert clock.slept == [0.5, 1.5, 1.0, 1.0]
        clock.slept.clear()
        f.get("http://feeds.example/b")
        assert clock.slept == [2.0]
        clock.slept.clear()
        statuses = iter([200])
        f.get("http://other.example/c")  # another host: no wait
        assert clock.slept == []


def test_webhook_post_is_sent_once(web, fetch):
    web.site.webhook_failures = 1
    with pytest.raises(FetchError, match="HTTP 500"):
        fetch.post_json(web.url("/hook"), {"a": 1}, allow_private=True)
    assert web.site.webhook_bodies == [] and len(web.site.requests_to("/hook")) == 1  # not retried
    assert fetch.post_json(web.url("/hook"), {"a": 2}, allow_private=True).status == 204
    assert web.site.webhook_bodies == [{"a": 2}]
    with pytest.raises(RefusedError, match="loopback"):
        fetch.post_json(web.url("/hook"), {"a": 3})
