"""What every response carries and every request body goes through, before any route runs.

``Guard`` is plain ASGI (Starlette's BaseHTTPMiddleware costs ~1 ms a request), outermost:

- **Ingest token first.** FastAPI reads and parses a body before it resolves a route's
  dependencies, so a route-level token check comes after the server has taken in whatever a
  stranger sent (measured: 200 MB unauthenticated -> +580 MB). The token of ``POST
  /api/articles`` is checked here on the headers alone: 403 when ingest is disabled, 401
  without a bearer token, 403 with a wrong one (constant-time), whatever the body.
- **Body size.** A declared ``Content-Length`` over ``max_body`` is refused (413) unread; a body
  without one (chunked) is read up to the limit, then refused. What is accepted is handed on.
- **Security headers** on every response (OWASP's secure headers): a Content-Security-Policy
  that allows only the project's own files (no script at all, styles from /static, images from
  the page or data: URLs) and no framing; ``X-Frame-Options`` for browsers without CSP 2;
  ``nosniff`` (a JSON string holding ``<script>`` is never rendered as HTML); no referrer (a
  search URL says what an analyst looks for); no camera, microphone or location.
- **Redirects stay on this site.** Starlette's trailing-slash redirect builds an absolute URL
  from the request's Host header (``Host: evil.example`` -> ``Location: http://evil.example/…``);
  every ``Location`` of ours becomes the path alone, with leading slashes collapsed so that
  ``//evil.example/`` cannot come back as a protocol-relative URL.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
)

Refusal = tuple[int, str, dict[str, str]]  # status, message, extra headers


def token_refusal(authorization: str | None, token: str | None) -> Refusal | None:
    """Why an ingest request is refused, from its ``Authorization`` header; None: let it in."""
    if token is None:
        return 403, "ingest is disabled: the server was started without an ingest token", {}
    scheme, _, credentials = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return 401, "ingest needs 'Authorization: Bearer <token>'", {"WWW-Authenticate": "Bearer"}
    # Constant time, so the token cannot be guessed from response times.
    if not hmac.compare_digest(credentials.strip().encode(), token.encode()):
        return 403, "wrong ingest token", {}
    return None


class Guard:
    """See the module doc. ``needs_token(method, path)``: whether a request must carry the token."""

    def __init__(self, app: ASGIApp, *, token: str | None, max_body: int,
                 needs_token: Callable[[str, str], bool]) -> None:
        self.app = app
        self.token = token
        self.max_body = max_body
        self.needs_token = needs_token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _secured(send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if self.needs_token(scope["method"], scope["path"]):
            refusal = token_refusal(headers.get("authorization"), self.token)
            if refusal:
                await _refuse(send, *refusal)
                return
        declared = headers.get("content-length", "")
        if declared.strip().isdigit() and int(declared) > self.max_body:
            await _refuse(send, 413, f"request body of {int(declared):,} bytes: at most {self.max_body:,}", {})
            return
        if scope["method"] in ("POST", "PUT", "PATCH") or "transfer-encoding" in headers:
            body = await self._read(receive)
            if body is None:
                await _refuse(send, 413, f"request body over {self.max_body:,} bytes", {})
                return
            receive = _replay(body, receive)
        await self.app(scope, receive, send)

    async def _read(self, receive: Receive) -> bytes | None:
        """The whole body, or None as soon as it is over the limit (the rest is never read)."""
        parts: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away: the app sees an empty body, then the disconnect
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return None
            parts.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(parts)


def _replay(body: bytes, receive: Receive) -> Receive:
    given = False

    async def replay() -> Message:
        nonlocal given
        if given:
            return await receive()  # e.g. http.disconnect, for streaming responses
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _secured(send: Send) -> Send:
    async def with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"location"]
            headers += [(b"location", _local(v)) for k, v in message.get("headers", []) if k.lower() == b"location"]
            message["headers"] = headers + list(SECURITY_HEADERS)
        await send(message)

    return with_headers


def _local(location: bytes) -> bytes:
    """A redirect target as a path on this site (see the module doc)."""
    parts = urlsplit(location.decode("latin-1"))
    path = "/" + parts.path.lstrip("/\\")
    # the fragment stays (a correction form sends the analyst back to #corrections): it names no host
    return (path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
            ).encode("latin-1")


async def _refuse(send: Send, status: int, message: str, headers: dict[str, str]) -> None:
    body = json.dumps({"error": message}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
           # the body was not read: the connection cannot carry another request
           (b"connection", b"close"), *((k.lower().encode(), v.encode()) for k, v in headers.items())]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
