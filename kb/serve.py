"""`python -m kb.serve` (`make serve`): the production profile on one host.

Checks the settings production cannot do without, brings the database to the latest
migration, then starts gunicorn (gunicorn.conf.py at the checkout's root) and one
`kb worker` beside it, and supervises both: SIGTERM or SIGINT stops both cleanly (each
gets its own grace period), SIGHUP reloads gunicorn's workers, and when either process
exits the other is stopped too and the exit status is not 0, so a service manager
restarts the pair. The children run in sessions of their own (a terminal's Ctrl-C
reaches only this supervisor, which stops each once) and are told to stop if the
supervisor dies.

On a host managed by systemd, deploy/kb-web.service and deploy/kb-worker.service run the
two as separate services instead; this module is the one-command form of the same.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from urllib.parse import urlsplit

from kb.config import ROOT

#: Settings without which production must not start, and why.
REQUIRED = {
    "KB_SECRET_KEY": "it signs sessions and forms; every web process and host must share it "
    "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))')",
    "KB_BASE_URL": "it is the site's public address (https://kb.example.org), used in e-mails, "
    "feeds and calendar files",
    "KB_DATABASE_URL": "it names the database, e.g. postgresql+psycopg://kb@127.0.0.1:5432/kb",
}
#: How long a child may take to stop after SIGTERM before it is killed.
STOP_GRACE = 40.0


def problems(env=os.environ) -> list[str]:
    """What is missing or wrong in the environment for production; empty when ready."""
    found = [f"{name} is not set: {why}." for name, why in REQUIRED.items() if not env.get(name)]
    base = env.get("KB_BASE_URL")
    if base:
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            found.append(f"KB_BASE_URL must be an http(s) address with a host, not {base!r}.")
    secret = env.get("KB_SECRET_KEY")
    if secret and len(secret) < 32:
        found.append("KB_SECRET_KEY is too short: use at least 32 random characters.")
    return found


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        url = url.replace(f":{parts.password}@", ":***@", 1)
    return url


def _die_with_parent() -> None:
    """In the child: start a session of its own; get SIGTERM if the supervisor dies."""
    os.setsid()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the supervisor's own handlers must do
        pass


def _start(argv: list[str]) -> subprocess.Popen:
    return subprocess.Popen(argv, cwd=ROOT, preexec_fn=_die_with_parent)  # noqa: PLW1509


def _stop(procs: dict[str, subprocess.Popen]) -> None:
    for proc in procs.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE
    for name, proc in procs.items():
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"kb.serve: {name} did not stop within {STOP_GRACE:.0f} s; killed", flush=True)
            proc.kill()
            proc.wait()


def migrate() -> None:
    """Bring the database to the latest migration (Alembic; nothing to do is quick)."""
    from flask_migrate import upgrade

    from kb import create_app

    app = create_app()
    with app.app_context():
        upgrade(directory=app.config["MIGRATIONS_DIR"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kb.serve", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--no-migrate",
        action="store_true",
        help="do not run the migrations first (several hosts: run `kb db upgrade` once)",
    )
    parser.add_argument(
        "--check", action="store_true", help="only check the settings and the database, then exit"
    )
    args = parser.parse_args(argv)

    found = problems()
    if found:
        print("kb.serve: refusing to start in production:", file=sys.stderr)
        for problem in found:
            print(f"  - {problem}", file=sys.stderr)
        return 2

    from kb.dbcheck import answers

    url = os.environ["KB_DATABASE_URL"]
    if not answers(url):
        print(f"kb.serve: the database at {_redacted(url)} does not answer.", file=sys.stderr)
        return 3
    limits = os.environ.get("KB_RATELIMIT_STORAGE_URL") or "memory://"
    if limits.startswith("memory://"):
        print(
            "kb.serve: warning: KB_RATELIMIT_STORAGE_URL is not set, so each web process "
            "counts rate limits on its own (set redis://127.0.0.1:6379 to share them).",
            file=sys.stderr,
        )
    if args.check:
        print("kb.serve: settings and database are ready")
        return 0
    if not args.no_migrate:
        migrate()

    procs = {
        "web": _start(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                str(ROOT / "gunicorn.conf.py"),
                "kb:create_app()",
            ]
        ),
        "worker": _start([sys.executable, "-m", "flask", "--app", "kb:create_app", "worker"]),
    }
    stopping = {"signal": None}

    def on_signal(signum, frame):
        if signum == signal.SIGHUP:
            procs["web"].send_signal(signal.SIGHUP)  # gunicorn: reload its workers
            return
        stopping["signal"] = signum

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, on_signal)
    print(
        f"kb.serve: web (pid {procs['web'].pid}) and worker (pid {procs['worker'].pid}) started",
        flush=True,
    )
    exited = None
    while stopping["signal"] is None and exited is None:
        exited = next((name for name, p in procs.items() if p.poll() is not None), None)
        time.sleep(0.2)
    if exited:
        code = procs[exited].returncode
        print(f"kb.serve: {exited} exited with status {code}; stopping the other", flush=True)
    else:
        print(f"kb.serve: {signal.Signals(stopping['signal']).name}: stopping both", flush=True)
    _stop(procs)
    return 1 if exited else 0


if __name__ == "__main__":
    sys.exit(main())
