"""gunicorn's settings for `make serve` (`python -m kb.serve`) and deploy/kb-web.service.

Every value can be overridden from the environment without editing this file:
KB_BIND, KB_WEB_WORKERS, KB_WEB_THREADS, KB_WEB_TIMEOUT, KB_WEB_PRELOAD.
"""

import os


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (containers)
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# Behind nginx on the same host (deploy/nginx-kb.conf); a Unix socket works too
# (KB_BIND=unix:/run/kb/web.sock).
bind = os.environ.get("KB_BIND") or "127.0.0.1:8000"

# Two processes per CPU: a request spends much of its time waiting on PostgreSQL, and
# the search analyser's dictionaries (tens of MiB per process) make more costly in memory.
# Four on a two-CPU host. KB_WEB_WORKERS overrides it.
workers = int(os.environ.get("KB_WEB_WORKERS") or max(2, 2 * _cpus()))
threads = int(os.environ.get("KB_WEB_THREADS") or 1)

# The app is created once in the master and the workers forked from it (kb/warm.py loads
# the search analyser's dictionaries and the templates first), so the workers share
# them copy-on-write rather than each loading its own: README "Performance" has the
# memory per worker either way. KB_WEB_PRELOAD=0 turns it off (then code changes reach
# workers on SIGHUP; with it on, only a restart of the master loads new code).
preload_app = os.environ.get("KB_WEB_PRELOAD", "1") != "0"


def when_ready(server):
    """Before the first worker is forked: warm the preloaded app (kb/warm.py)."""
    if preload_app:
        from kb.warm import warm

        warm(server.app.wsgi())


def post_fork(server, worker):
    """In each new worker: no database connection inherited from the master."""
    if preload_app:
        from kb.extensions import db

        with server.app.wsgi().app_context():
            db.engine.dispose(close=False)


# A request taking longer than this is killed and its worker restarted (no request of
# the site needs more: mail and indexing happen in `kb worker`, not in requests).
timeout = int(os.environ.get("KB_WEB_TIMEOUT") or 30)
# On SIGTERM, requests in flight get this long to finish.
graceful_timeout = 30
keepalive = 5

# The proxy in front (nginx) is trusted through the app's own KB_TRUSTED_PROXIES
# (werkzeug's ProxyFix), one place for X-Forwarded-*: gunicorn itself believes none.
forwarded_allow_ips = ""
secure_scheme_headers = {}

# Access and error logs to standard output/error: journald (or the terminal) keeps them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("KB_LOG_LEVEL", "info").lower()
# Where workers' liveness files live: memory, not a disk that may stall.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

proc_name = "kb-web"
