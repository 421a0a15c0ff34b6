"""Benchmark (not a test): does a mail server that never answers slow the site?

    .venv/bin/python bench/slow_mail.py --requests 200 --clients 4 --mails 50

Sets up a throw-away instance (SQLite, migrated and seeded, index built), queues
`--mails` e-mails, then runs the site (`kb run`) and `kb worker` as separate processes,
as `make run` does, and measures the home page (`/en/`) with `--clients` concurrent
clients, twice:

- without: no mail server configured (e-mails are written as files);
- with: `KB_MAIL_URL` names an SMTP server that accepts connections and never answers
  (a "black hole"): each delivery attempt hangs until `KB_MAIL_TIMEOUT`.

Prints p50/p95/max of both runs and the ratio of the p95s (issue 9: before the worker,
due mail was delivered at the end of requests and this page took 35-45 s). Every run
finishes: requests time out after `--timeout` seconds (counted as failures), the
processes are stopped at the end whatever happened, and the black hole closes.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KB = str(Path(sys.executable).with_name("kb"))


class BlackHole:
    """An SMTP 'server' that accepts every connection and never says a word."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self.accepted = 0
        self.closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            self.held.append(conn)  # kept open, never written to

    def close(self) -> None:
        self.closed.set()
        for conn in [self.sock, *self.held]:
            with contextlib.suppress(OSError):
                conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def kb(env: dict, *args: str, timeout: float = 600) -> None:
    subprocess.run([KB, *args], env=env, check=True, timeout=timeout, capture_output=True)


def prepare(instance: Path, mails: int) -> dict:
    """Migrate, seed and index a new instance; queue `mails` due e-mails."""
    env = {
        **os.environ,
        "KB_INSTANCE_PATH": str(instance),
        "KB_SECRET_KEY": "bench",
        "KB_BASE_URL": "http://127.0.0.1",
    }
    env.pop("KB_DATABASE_URL", None)
    env.pop("KB_MAIL_URL", None)
    kb(env, "db", "upgrade")
    kb(env, "seed")
    kb(env, "search", "reindex")
    script = (
        "from kb import create_app\n"
        "from kb.extensions import db\n"
        "from kb.mail import queue_mail\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        f"    for n in range({mails}):\n"
        "        queue_mail(f'reader{n}@example.org', f'Bench {n}', 'Body')\n"
        "    db.session.commit()\n"
    )
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=120)
    return env


def fetch(url: str, timeout: float) -> float | None:
    """Seconds to fetch `url` whole, or None if it failed or timed out."""
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            if response.status != 200:
                return None
    except (urllib.error.URLError, OSError, TimeoutError):
        return None
    return time.perf_counter() - start


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def measure(env: dict, args, mail_url: str | None, hole: BlackHole | None = None) -> dict:
    """Run the site and the worker with `mail_url`; time the home page (once the worker
    hangs on `hole`, if given)."""
    env = dict(env)
    if mail_url:
        env["KB_MAIL_URL"] = mail_url
    port = free_port()
    url = f"http://127.0.0.1:{port}/en/"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    site = subprocess.Popen([KB, "run", "--port", str(port), "--no-reload"], env=env, **quiet)
    worker = subprocess.Popen([KB, "worker"], env=env, **quiet)
    try:
        deadline = time.monotonic() + args.start_timeout
        while fetch(url, 5) is None:  # up and serving (warms the searcher and templates too)
            if time.monotonic() > deadline or site.poll() is not None:
                raise SystemExit(f"the site did not start within {args.start_timeout:.0f} s")
            time.sleep(0.2)
        while hole is not None and not hole.accepted:  # the worker is hanging on it now
            if time.monotonic() > deadline or worker.poll() is not None:
                raise SystemExit("the worker never connected to the mail server")
            time.sleep(0.2)
        time.sleep(args.settle)
        with ThreadPoolExecutor(args.clients) as pool:
            results = list(pool.map(lambda _: fetch(url, args.timeout), range(args.requests)))
    finally:
        stop(site)
        stop(worker)
    times = [r * 1000 for r in results if r is not None]
    return {"times": times, "failed": len(results) - len(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--mails", type=int, default=50, help="e-mails due when the run starts")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per request")
    parser.add_argument("--settle", type=float, default=2, help="seconds before measuring")
    parser.add_argument(
        "--start-timeout", type=float, default=300, help="seconds the site may take to start"
    )
    args = parser.parse_args()
    hole = BlackHole()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            print("preparing an instance (migrate, seed, index)…", flush=True)
            runs = {}
            for name, mail_url in (("without", None), ("with", f"smtp://127.0.0.1:{hole.port}")):
                env = prepare(Path(tmp) / name, args.mails)
                print(f"measuring {name} the silent mail server…", flush=True)
                runs[name] = measure(env, args, mail_url, hole if mail_url else None)
    finally:
        hole.close()
    print(
        f"\nhome page, {args.requests} requests by {args.clients} clients, {args.mails} e-mails due"
    )
    print(f"{'mail server':<34} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'failed':>7}")
    labels = {"without": "none (file outbox)", "with": "accepts, never answers"}
    for name, run in runs.items():
        t = run["times"] or [float("nan")]
        print(
            f"{labels[name]:<34} {pct(t, 50):>8.1f} {pct(t, 95):>8.1f} {max(t):>8.1f}"
            f" {run['failed']:>7}"
        )
    ratio = pct(runs["with"]["times"] or [float("nan")], 95) / pct(
        runs["without"]["times"] or [float("nan")], 95
    )
    print(f"\np95 with / without: {ratio:.2f}x; connections the black hole held: {hole.accepted}")
    if runs["with"]["failed"] or runs["without"]["failed"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
