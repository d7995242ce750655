"""Which URLs and addresses the fetcher may reach.

Only http and https. A host must resolve to global (public) addresses only: loopback, private,
link-local, shared (CGNAT), multicast, reserved and unspecified addresses are refused unless the
caller allows them (``--allow-private`` or ``allow_private = true`` in a source), because a URL
from a feed or a sources file must not be able to reach the machine's own services or the
local network (server-side request forgery). The check runs on every redirect hop, and again
on the address the connection actually reached; and the connection goes to the address checked
(``connect.py``), not to a second DNS answer (rebinding).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from silkwire.errors import SilkwireError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

ALLOWED_SCHEMES = ("http", "https")
_SHARED = ipaddress.ip_network("100.64.0.0/10")
PRIVATE_HINT = "use --allow-private, or allow_private = true for the source, to fetch it"


class FetchError(SilkwireError):
    """A URL that could not be fetched, or was refused; the message names the URL."""

    def __init__(self, url: str, message: str, status: int | None = None) -> None:
        super().__init__(f"{url}: {message}")
        self.url = url
        self.message = message
        self.status = status
        self.retry_after: float | None = None  # seconds, from a Retry-After header


class RefusedError(FetchError):
    """Refused before any request was sent (scheme, address, robots.txt)."""


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host`` (IPv4 and IPv6)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def address_kind(address: IPAddress) -> str | None:
    """Why an address is not a public one ('loopback', 'private'…), or None when it is global."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for kind, flag in (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("unspecified", address.is_unspecified),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("shared (CGNAT)", address in _SHARED),
    ):
        if flag:
            return kind
    return None if address.is_global else "non-global"


def check_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL; a ``RefusedError`` for anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise RefusedError(url, f"not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise RefusedError(url, f"refused: only http and https URLs are fetched, not {scheme or 'no scheme'!r}")
    host = parts.hostname
    if not host:
        raise RefusedError(url, "not a valid URL (no host)")
    return scheme, host, port or (443 if scheme == "https" else 80)


def check_address(url: str, address: str, allow_private: bool) -> None:
    """Refuse a non-global address unless private addresses are allowed."""
    if allow_private:
        return
    try:
        ip = ipaddress.ip_address(address.split("%")[0])  # drop an IPv6 zone id
    except ValueError:
        raise RefusedError(url, f"refused: {address!r} is not an IP address") from None
    kind = address_kind(ip)
    if kind is not None:
        raise RefusedError(url, f"refused: {address} is a {kind} address ({PRIVATE_HINT})")


def check_host(url: str, allow_private: bool, resolver: Resolver = system_resolver) -> list[str]:
    """The URL's scheme, and every address its host resolves to (IP literals included); returns
    the addresses checked (none when private addresses are allowed: nothing to check)."""
    _, host, port = check_url(url)
    if allow_private:
        return []
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        try:
            addresses = resolver(host, port)
        except (OSError, UnicodeError) as exc:
            raise FetchError(url, f"cannot resolve host {host!r} ({exc})") from None
    if not addresses:
        raise FetchError(url, f"cannot resolve host {host!r}")
    for address in addresses:
        check_address(url, address, allow_private)
    return addresses
