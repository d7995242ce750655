"""``silkwire serve``: the API on uvicorn (the CLI wires this function in)."""

from __future__ import annotations

import errno
import os
import socket
import sys

from silkwire.api.app import ApiSettings, create_app
from silkwire.errors import SilkwireError
from silkwire.service.articles import open_workspace

# The ingest token comes from the environment, never from a command-line option: a process's
# arguments are visible to every user of the machine (ps).
INGEST_TOKEN_ENV = "SILKWIRE_INGEST_TOKEN"
_LOOPBACK = ("127.0.0.1", "::1", "localhost")


def serve(host: str, port: int, db: str, ingest_token: str | None = None, log_level: str = "info") -> None:
    """Serve the API on ``host:port`` over the database ``db`` until interrupted.

    ``ingest_token``: None reads ``$SILKWIRE_INGEST_TOKEN``; when neither gives one, POST
    /api/articles answers 403. Raises ``StoreError`` when the database cannot be opened, before
    listening, so a typo in --db is one clear error rather than a 503 on every request.
    """
    import uvicorn  # here: every other command starts without loading the web stack

    token = ingest_token if ingest_token is not None else os.environ.get(INGEST_TOKEN_ENV) or None
    # Opening once up front also brings the text index up to date (after a crash or an analyser
    # change) before the first request, instead of inside it.
    with open_workspace(db, create=token is not None):
        pass
    _check_free(host, port)
    if host not in _LOOPBACK:
        print(f"warning: serving on {host}: anyone who can reach this address can read the database"
              + (" and, with the token, write to it over plain HTTP" if token else ""), file=sys.stderr)
    app = create_app(ApiSettings(db_path=db, ingest_token=token))
    uvicorn.run(app, host=host, port=port, log_level=log_level)


def _check_free(host: str, port: int) -> None:
    """A busy port is one clear error (exit 2), before uvicorn would print its own and exit 3."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise SilkwireError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        if os.name != "nt":
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as exc:
            busy = exc.errno == errno.EADDRINUSE
            raise SilkwireError(f"cannot serve on {host}:{port}: "
                                + ("the port is already in use (another server? try --port)" if busy
                                   else str(exc.strerror or exc))) from None


__all__ = ["INGEST_TOKEN_ENV", "serve"]
