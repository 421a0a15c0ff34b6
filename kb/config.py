"""Settings: defaults, then KB_* environment variables, then the factory's overrides."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

#: The checkout's root. Templates, translations, migrations and seed data live beside
#: the package, so the app runs from a checkout or an editable install.
ROOT = Path(__file__).resolve().parent.parent


def _secret_key(instance: Path) -> str:
    """Return the secret key kept in the instance folder, creating it on first start."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _number(env, name: str, default: float) -> float:
    """A number from the environment, or `default` when the variable is unset or empty."""
    return float(env.get(name) or default)


def load_config(overrides: dict | None = None) -> dict:
    """Build the app's settings; every path in the result is absolute."""
    overrides = dict(overrides or {})
    env = os.environ
    instance = Path(
        overrides.pop("INSTANCE_PATH", None) or env.get("KB_INSTANCE_PATH") or ROOT / "instance"
    ).resolve()
    instance.mkdir(parents=True, exist_ok=True)
    config = {
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": env.get("KB_DATABASE_URL") or f"sqlite:///{instance / 'kb.db'}",
        "INDEX_DIR": str(Path(env.get("KB_INDEX_DIR") or instance / "index").resolve()),
        "MAIL_URL": env.get("KB_MAIL_URL") or None,
        "OUTBOX_DIR": str(instance / "outbox"),
        "MAIL_FROM": env.get("KB_MAIL_FROM") or "Silk Roads ICH Network <no-reply@localhost>",
        # The site's address in e-mails and calendar files sent from the CLI.
        "BASE_URL": env.get("KB_BASE_URL") or "http://127.0.0.1:5000",
        # `kb events send-links` sends the links of events starting within this many hours.
        "EVENT_LINKS_WINDOW_HOURS": float(env.get("KB_EVENT_LINKS_WINDOW_HOURS") or 24),
        # Seconds an SMTP server may take to answer before a delivery counts as failed.
        "MAIL_TIMEOUT": _number(env, "KB_MAIL_TIMEOUT", 15),
        # `kb worker` (see kb/worker/): how often each task runs when no commit wakes it.
        "WORKER_MAIL_SECONDS": _number(env, "KB_WORKER_MAIL_SECONDS", 10),
        "WORKER_SEARCH_SECONDS": _number(env, "KB_WORKER_SEARCH_SECONDS", 1),
        "WORKER_MERGE_SECONDS": _number(env, "KB_WORKER_MERGE_SECONDS", 60),
        "WORKER_LINKS_SECONDS": _number(env, "KB_WORKER_LINKS_SECONDS", 3600),
        "WORKER_HEARTBEAT_SECONDS": _number(env, "KB_WORKER_HEARTBEAT_SECONDS", 10),
        # A worker whose last beat is older than this counts as gone (kb.worker.heartbeat).
        "WORKER_STALE_SECONDS": _number(env, "KB_WORKER_STALE_SECONDS", 60),
        # On SIGTERM, how long running tasks may take to finish before the worker exits.
        "WORKER_STOP_SECONDS": _number(env, "KB_WORKER_STOP_SECONDS", 30),
        # A failing task is retried after its interval, doubled per failure up to this.
        "WORKER_MAX_BACKOFF_SECONDS": _number(env, "KB_WORKER_MAX_BACKOFF_SECONDS", 60),
        # Messages one round of the mail task tries before the lane looks again.
        "WORKER_MAIL_BATCH": 50,
        "SEED_DIR": str(ROOT / "seed_data"),
        "MIGRATIONS_DIR": str(ROOT / "migrations"),
        "TEMPLATES_DIR": str(ROOT / "templates"),
        "STATIC_DIR": str(ROOT / "static"),
        "TRANSLATIONS_DIR": str(ROOT / "translations"),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "PER_PAGE": 20,
        "MAX_PER_PAGE": 100,
        "JSON_SORT_KEYS": False,
        "WTF_CSRF_TIME_LIMIT": None,
        # Rate limits are counted per process in memory unless a shared store is given
        # (several workers: KB_RATELIMIT_STORAGE_URL=redis://127.0.0.1:6379).
        "RATELIMIT_STORAGE_URI": env.get("KB_RATELIMIT_STORAGE_URL") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # The map draws Natural Earth's borders from the app itself; a site with a tile
        # provider names its URL template ({z}/{x}/{y}) and the attribution it requires.
        "MAP_TILES_URL": env.get("KB_MAP_TILES_URL") or None,
        "MAP_TILES_ATTRIBUTION": env.get("KB_MAP_TILES_ATTRIBUTION") or None,
        # Images of records: their files (every size) live here; uploads up to this size.
        "IMAGES_DIR": str(Path(env.get("KB_IMAGES_DIR") or instance / "images").resolve()),
        "IMAGE_MAX_BYTES": int(env.get("KB_IMAGE_MAX_BYTES") or 10 * 1024 * 1024),
    }
    if env.get("KB_SECRET_KEY"):
        config["SECRET_KEY"] = env["KB_SECRET_KEY"]
    config.update(overrides)
    # Connections are tested before use, so one dropped by the server (a restart,
    # pg_terminate_backend) is replaced instead of failing a request (kb/resilience.py).
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        "pool_pre_ping": True,
        **config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
    }
    # A request larger than an image upload (plus its form) is refused with 413 unread;
    # a body without files (JSON, a form) larger than MAX_BODY_LENGTH too (kb/edge.py).
    if env.get("KB_MAX_CONTENT_LENGTH"):
        config.setdefault("MAX_CONTENT_LENGTH", int(env["KB_MAX_CONTENT_LENGTH"]))
    config.setdefault("MAX_CONTENT_LENGTH", config["IMAGE_MAX_BYTES"] + 1024 * 1024)
    config.setdefault("MAX_BODY_LENGTH", int(env.get("KB_MAX_BODY_LENGTH") or 1024 * 1024))
    if "SECRET_KEY" not in config:
        config["SECRET_KEY"] = _secret_key(instance)
    return config
