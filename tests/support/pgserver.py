"""A throw-away PostgreSQL server from the installed binaries, for the tests and benchmarks that
need one: initdb in a temporary folder, a free port on 127.0.0.1, trust authentication, stopped
and deleted afterwards. As root (initdb refuses root) the server runs as ``nobody``.

    with PgServer() as server:
        url = server.create_database("t1")   # postgresql://silkwire@127.0.0.1:PORT/t1

``find_bindir()`` says where the binaries are (None: not installed; ``./dev test`` installs
Debian's postgresql package when it can).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

USER = "silkwire"
RUN_AS = "nobody"  # when root


def find_bindir() -> Path | None:
    """The newest PostgreSQL server binaries on this machine (Debian's layout, else the PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def why_unavailable() -> str | None:
    """None when a server can be started here, else why not (a skip reason)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[postgres]')"
    if find_bindir() is None:
        return "PostgreSQL server binaries not found (apt-get install postgresql; ./dev test does it as root)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """A PostgreSQL server of its own (see the module doc). ``durable=False`` (tests) turns fsync
    off: faster, and a crash of the machine loses a database nobody keeps."""

    def __init__(self, durable: bool = False, settings: dict[str, str] | None = None) -> None:
        bindir = find_bindir()
        if bindir is None:
            raise RuntimeError(why_unavailable() or "no PostgreSQL")
        self.bindir = bindir
        self.durable = durable
        self.settings = settings or {}
        self.root = Path(tempfile.mkdtemp(prefix="silkwire-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self._root_user = os.geteuid() == 0

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self._root_user:
            command = ["runuser", "-u", RUN_AS, "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, cwd=self.root)

    def start(self) -> PgServer:
        if self._root_user:
            shutil.chown(self.root, RUN_AS)
        self._run("initdb", "-D", str(self.data), "-U", USER, "--auth=trust", "--encoding=UTF8", "--locale=C",
                  "--no-sync", "--no-instructions")
        options = {"listen_addresses": "127.0.0.1", "port": str(self.port), "unix_socket_directories": str(self.root),
                   "max_connections": "200", "shared_buffers": "256MB"}
        if not self.durable:
            options.update(fsync="off", synchronous_commit="off", full_page_writes="off")
        options.update(self.settings)
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.writelines(f"{k} = '{v}'\n" for k, v in options.items())
        result = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "-t", "60",
                           "start", check=False)
        if result.returncode != 0:
            log = (self.root / "server.log").read_text(errors="replace") if (self.root / "server.log").exists() else ""
            self.stop()
            raise RuntimeError(f"PostgreSQL did not start: {result.stderr}\n{log[-2000:]}")
        return self

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        for _ in range(50):
            if not (self.data / "postmaster.pid").exists():
                break
            time.sleep(0.1)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PgServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
