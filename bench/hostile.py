"""Hostile input, slow servers, big bodies (issue 18): memory and time, measured from outside.

Each case runs silkwire in a child process (the CLI, or ``silkwire serve``) and samples its
resident memory from /proc every 20 ms (peak = the kernel's VmHWM); a child past ``--rss-cap``
MB is killed and reported as such, so the "before" runs do not take the machine down.

- ``bomb``: a gzip file (a few MB) holding one good JSONL line, one line of ``--bomb-mb`` MB of
  'a' inside a JSON string, one good line; ``silkwire ingest``.
- ``bigline``: a ``--line-mb`` MB single-line .txt between two good listing items.
- ``hostile``: JSONL with a 3,000-level ``[`` nest and a lone surrogate among good lines.
- ``slow``: ``silkwire watch --once --force --timeout 2`` over 4 sources on 127.0.0.1, one of
  which sends a header line a second, another a body byte a second.
- ``post``: ``silkwire serve`` with an ingest token; a 200 MB ``POST /api/articles`` without
  token (one, then three at once): the answer and the server's memory growth.
- ``templated``: ingest time of 1k, 3k and 10k near-identical templated items, and of 10k
  OrangeSum items (``../shared/data/orangesum/orangesum.jsonl.gz``) when present.

Usage: python bench/hostile.py [--cases bomb,bigline,hostile,slow,post,templated] [--src DIR]
(``--src`` runs another checkout's code, e.g. main's, for a before/after.)
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ORANGESUM = ROOT.parent / "shared" / "data" / "orangesum" / "orangesum.jsonl.gz"
GOOD = {"title": "Accord entre Astana et Tachkent", "lead": "Le Kazakhstan et l'Ouzbékistan ont signé un accord."}


def _rss_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def run_child(args: list[str], env: dict[str, str], cap_mb: int, timeout: float = 600.0,
              keep: int = 300) -> dict[str, Any]:
    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak, killed = 0, False
    while proc.poll() is None:
        peak = max(peak, _rss_kb(proc.pid, "VmHWM"))
        if peak > cap_mb * 1024 or time.perf_counter() - started > timeout:
            proc.kill()
            killed = True
            break
        time.sleep(0.02)
    out, err = proc.communicate()
    return {"seconds": round(time.perf_counter() - started, 2), "peak_mb": peak // 1024, "killed": killed,
            "exit": proc.returncode, "stdout": out.strip()[-keep:], "stderr_lines": len(err.splitlines()),
            "stderr": err.strip()[-400:]}


def cli(src: str, *args: str) -> list[str]:
    return [sys.executable, "-c", f"import sys; sys.path.insert(0, {src!r}); from silkwire.cli.main import main; "
                                  "sys.argv[0] = 'silkwire'; main()", *args]


def case_bomb(tmp: Path, src: str, env: dict[str, str], opts: argparse.Namespace) -> dict[str, Any]:
    path = tmp / "bomb.jsonl.gz"
    with gzip.open(path, "wb", compresslevel=9) as fh:
        fh.write((json.dumps(GOOD) + "\n").encode())
        fh.write(b'{"lead": "')
        block = b"a" * (1 << 20)
        for _ in range(opts.bomb_mb):
            fh.write(block)
        fh.write(b'"}\n')
        fh.write((json.dumps({**GOOD, "title": "Second accord"}) + "\n").encode())
    result = run_child(cli(src, "ingest", "--db", str(tmp / "bomb.db"), str(path)), env, opts.rss_cap)
    result["file_mb"] = round(path.stat().st_size / 1e6, 1)
    result["unpacked_mb"] = opts.bomb_mb
    return result


def case_bigline(tmp: Path, src: str, env: dict[str, str], opts: argparse.Namespace) -> dict[str, Any]:
    path = tmp / "bigline.txt"
    sentence = b"Le Kazakhstan et l'Ouzbekistan ont signe un accord sur l'eau du Syr-Daria. "
    with path.open("wb") as fh:
        fh.write(b"Accord entre Astana et Tachkent\nLe Kazakhstan et l'Ouzbekistan ont signe un accord.\n")
        for _ in range(opts.line_mb * (1 << 20) // len(sentence)):
            fh.write(sentence)
        fh.write(b"\nSecond accord sur l'eau\nLes deux pays ont signe un second accord sur l'eau.\n")
    return run_child(cli(src, "ingest", "--db", str(tmp / "bigline.db"), str(path)), env, opts.rss_cap)


def case_hostile(tmp: Path, src: str, env: dict[str, str], opts: argparse.Namespace) -> dict[str, Any]:
    path = tmp / "hostile.jsonl"
    lines = [json.dumps({**GOOD, "title": f"Accord {i}"}) for i in range(3)]
    lines.insert(1, "[" * 3000)
    lines.insert(3, '{"title":"a\\ud800b","lead":"x"}')
    path.write_text("\n".join(lines) + "\n")
    db = tmp / "hostile.db"
    result = run_child(cli(src, "ingest", "--db", str(db), str(path)), env, opts.rss_cap)
    stats = run_child(cli(src, "stats", "--db", str(db), "--json"), env, opts.rss_cap)
    result["stats"] = stats["stdout"][-200:]
    return result


class _Slow(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        name = self.path.strip("/").removesuffix(".xml")
        body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>'
                + "".join(f"<item><title>{name} {i}</title><description>Accord {name} numero {i} sur l'eau."
                          f"</description><guid>{name}-{i}</guid></item>" for i in range(5))
                + "</channel></rss>").encode()
        if self.path == "/robots.txt":
            body = b"User-agent: *\nAllow: /\n"
        try:
            self.send_response(200)
            if name == "slowheaders":
                for i in range(120):
                    self.send_header(f"X-Slow-{i}", "x")
                    self.wfile.write(b"".join(self._headers_buffer))  # type: ignore[attr-defined]
                    self._headers_buffer = []  # type: ignore[attr-defined]
                    self.wfile.flush()
                    time.sleep(1)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if name == "slowbody":
                for byte in body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(1)
            else:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


def case_slow(tmp: Path, src: str, env: dict[str, str], opts: argparse.Namespace) -> dict[str, Any]:
    """Twice: the four sources on one host (fetched one after the other, whatever the version),
    then each on its own host (127.0.0.1-4: fetched in parallel where the version can)."""
    out: dict[str, Any] = {}
    names = ("fast1", "slowheaders", "slowbody", "fast2")
    for layout, hosts in (("one_host", ["127.0.0.1"] * 4), ("four_hosts", [f"127.0.0.{i}" for i in range(1, 5)])):
        servers = {}
        for host in dict.fromkeys(hosts):
            servers[host] = ThreadingHTTPServer((host, 0), _Slow)
            servers[host].daemon_threads = True
            threading.Thread(target=servers[host].serve_forever, daemon=True).start()
        sources = tmp / f"slow-{layout}.sources.toml"
        sources.write_text("".join(f'[[source]]\nname = "{n}"\nurl = "http://{h}:{servers[h].server_address[1]}/'
                                   f'{n}.xml"\nallow_private = true\n\n' for n, h in zip(names, hosts, strict=True)))
        db = tmp / f"slow-{layout}.db"
        result = run_child(cli(src, "watch", "--db", str(db), "--sources", str(sources), "--once", "--force",
                               "--timeout", "2", "--per-host-delay", "0"), env, opts.rss_cap, timeout=400)
        for server in servers.values():
            server.shutdown()
        stats = run_child(cli(src, "stats", "--db", str(db), "--json"), env, opts.rss_cap, keep=100_000)
        result["sources_stored"] = json.loads(stats["stdout"] or "{}").get("sources") if not stats["killed"] else None
        startup = run_child(cli(src, "--help"), env, opts.rss_cap)
        result["cli_startup_seconds"] = startup["seconds"]
        out[layout] = result
    return out


def _post(port: int, size: int, out: list[str]) -> None:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(f"POST /api/articles HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {size}\r\n\r\n".encode())
    chunk = b'[{"lead": "' + b"a" * ((1 << 20) - 11)
    sent = 0
    try:
        sock.sendall(b"[")
        sent = 1
        while sent < size:
            piece = chunk[: min(len(chunk), size - sent)]
            sock.sendall(piece)
            sent += len(piece)
    except OSError:  # the server answered and closed: what we measure
        pass
    sock.settimeout(30)
    try:
        answer = sock.recv(200).decode("latin-1").split("\r\n")[0]
    except OSError as exc:
        answer = f"no answer ({exc})"
    out.append(f"{answer} after {sent // (1 << 20)} MB sent")
    sock.close()


def case_post(tmp: Path, src: str, env: dict[str, str], opts: argparse.Namespace) -> dict[str, Any]:
    db = tmp / "post.db"
    subprocess.run(cli(src, "ingest", "--db", str(db), str(ROOT / "tests" / "fixtures" / "records.jsonl")),
                   env=env, capture_output=True, check=False)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(cli(src, "serve", "--db", str(db), "--port", str(port)),
                            env={**env, "SILKWIRE_INGEST_TOKEN": "secret"}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port)).close()
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(0.5)
        base = _rss_kb(proc.pid, "VmRSS")
        results: dict[str, Any] = {"server_rss_mb_before": base // 1024}
        for parallel in (1, 3):
            answers: list[str] = []
            threads = [threading.Thread(target=_post, args=(port, opts.post_mb << 20, answers))
                       for _ in range(parallel)]
            peak = 0
            started = time.perf_counter()
            for t in threads:
                t.start()
            while any(t.is_alive() for t in threads):
                peak = max(peak, _rss_kb(proc.pid, "VmRSS"))
                time.sleep(0.02)
            results[f"x{parallel}"] = {"answers": answers, "seconds": round(time.perf_counter() - started, 2),
                                       "rss_growth_mb": round((peak - base) / 1024, 1)}
        return results
    finally:
        proc.terminate()
        proc.wait()


def case_templated(tmp: Path, src: str, env: dict[str, str], opts: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for n in (1000, 3000, 10000):
        path = tmp / f"templated-{n}.jsonl"
        with path.open("w") as fh:
            for i in range(n):
                fh.write(json.dumps({"title": f"Cours du change du jour numéro {i}",
                                     "lead": f"Le tenge vaut {400 + i % 97},{i % 100:02d} pour un dollar selon la "
                                             f"banque nationale du Kazakhstan, bulletin {i}.",
                                     "published": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}"}) + "\n")
        r = run_child(cli(src, "ingest", "-q", "--db", str(tmp / f"t{n}.db"), str(path)), env, opts.rss_cap)
        out[f"templated_{n}"] = {"seconds": r["seconds"], "stdout": r["stdout"], "killed": r["killed"]}
    if ORANGESUM.exists():
        path = tmp / "orangesum-10k.jsonl"
        with gzip.open(ORANGESUM, "rt") as fh, path.open("w") as dst:
            kept = 0
            for line in fh:
                record = json.loads(line)
                if record.get("lead") or record.get("heading"):
                    dst.write(line)
                    kept += 1
                    if kept == 10000:
                        break
        r = run_child(cli(src, "ingest", "-q", "--db", str(tmp / "os.db"), str(path)), env, opts.rss_cap)
        out["orangesum_10000"] = {"seconds": r["seconds"], "stdout": r["stdout"]}
    return out


CASES = {"bomb": case_bomb, "bigline": case_bigline, "hostile": case_hostile, "slow": case_slow,
         "post": case_post, "templated": case_templated}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--src", default=str(ROOT / "src"))
    parser.add_argument("--bomb-mb", type=int, default=6000)
    parser.add_argument("--line-mb", type=int, default=200)
    parser.add_argument("--post-mb", type=int, default=200)
    parser.add_argument("--rss-cap", type=int, default=3000, help="kill a child past this many MB")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "hostile.json"))
    opts = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": opts.src}
    print(f"# {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"src {opts.src}", flush=True)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in opts.cases.split(","):
            results[name] = CASES[name](Path(tmp), opts.src, env, opts)
            print(name, json.dumps(results[name], ensure_ascii=False), flush=True)
    Path(opts.out).parent.mkdir(parents=True, exist_ok=True)
    Path(opts.out).write_text(json.dumps(results, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
