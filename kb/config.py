"""Settings: defaults, then KB_* environment variables, then the factory's overrides."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask.helpers import get_debug_flag

from kb.ratelimits import LIMITS, valid

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
        # The address OAI-PMH harvesters are told to write to (Identify's adminEmail);
        # KB_MAIL_FROM's address when not set.
        "OAI_ADMIN_EMAIL": env.get("KB_OAI_ADMIN_EMAIL") or None,
        # The site's public address: every absolute link (e-mails, calendars, feeds, the
        # API's `url`s) starts with it, never with a request's Host header. Required
        # unless debugging or testing (see base_url below).
        "BASE_URL": env.get("KB_BASE_URL") or None,
        # How many reverse proxies stand in front of the app (nginx: 1). Their
        # X-Forwarded-For and X-Forwarded-Proto give the client's address (rate limits)
        # and scheme; 0 trusts no such header.
        "TRUSTED_PROXIES": env.get("KB_TRUSTED_PROXIES") or 0,
        # Gzip text answers in the app (kb/compress.py): `1`/`0`; unset, only when no
        # proxy stands in front (one that does, as deploy/nginx-kb.conf does, is faster).
        "COMPRESS": env.get("KB_COMPRESS") or None,
        # `kb events send-links` sends the links of events starting within this many hours.
        "EVENT_LINKS_WINDOW_HOURS": float(env.get("KB_EVENT_LINKS_WINDOW_HOURS") or 24),
        # Seconds an SMTP server may take to answer before a delivery counts as failed.
        "MAIL_TIMEOUT": _number(env, "KB_MAIL_TIMEOUT", 15),
        # `kb worker` (see kb/worker/): how often each task runs when no commit wakes it.
        "WORKER_MAIL_SECONDS": _number(env, "KB_WORKER_MAIL_SECONDS", 10),
        "WORKER_SEARCH_SECONDS": _number(env, "KB_WORKER_SEARCH_SECONDS", 1),
        "WORKER_MERGE_SECONDS": _number(env, "KB_WORKER_MERGE_SECONDS", 60),
        # Search change-log rows older than this are pruned even if an index lags
        # (that index then rebuilds); indexes not seen for as long are forgotten.
        "SEARCH_LOG_RETENTION_DAYS": _number(env, "KB_SEARCH_LOG_RETENTION_DAYS", 7),
        "WORKER_LINKS_SECONDS": _number(env, "KB_WORKER_LINKS_SECONDS", 3600),
        "WORKER_NOTICES_SECONDS": _number(env, "KB_WORKER_NOTICES_SECONDS", 300),
        "WORKER_HEARTBEAT_SECONDS": _number(env, "KB_WORKER_HEARTBEAT_SECONDS", 10),
        # A worker whose last beat is older than this counts as gone (kb.worker.heartbeat).
        "WORKER_STALE_SECONDS": _number(env, "KB_WORKER_STALE_SECONDS", 60),
        # On SIGTERM, how long running tasks may take to finish before the worker exits.
        "WORKER_STOP_SECONDS": _number(env, "KB_WORKER_STOP_SECONDS", 30),
        # A failing task is retried after its interval, doubled per failure up to this.
        "WORKER_MAX_BACKOFF_SECONDS": _number(env, "KB_WORKER_MAX_BACKOFF_SECONDS", 60),
        # `/healthz` calls the outbox (search queue) degraded when its oldest unsent
        # message (waiting change) is older than this many seconds.
        "HEALTH_OUTBOX_SECONDS": _number(env, "KB_HEALTH_OUTBOX_SECONDS", 900),
        "HEALTH_SEARCH_SECONDS": _number(env, "KB_HEALTH_SEARCH_SECONDS", 300),
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
        # The store not answering never fails a request: each process counts in memory
        # meanwhile (and logs it); any other error of the limiter is logged, not raised.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        # Each limit (kb/ratelimits.py): KB_RATELIMIT_LOGIN, …_SIGNUP, …_REGISTRATION, …
        "LIMITS": {name: env.get(f"KB_{name}") or value for name, value in LIMITS.items()},
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
    # Passwords are hashed with Werkzeug's default (scrypt). Not a KB_ setting on purpose:
    # only the test suite lowers it (tests/conftest.py), where thousands of accounts are
    # made and the hash's cost is not what is tested.
    config.setdefault("PASSWORD_HASH_METHOD", "scrypt")
    if "SECRET_KEY" not in config:
        config["SECRET_KEY"] = _secret_key(instance)
    config["BASE_URL"] = base_url(config)
    # Cookies: never readable by scripts, not sent with other sites' POSTs, and only over
    # https when the site is served over https (behind a proxy too: the flag follows the
    # site's address, not the request).
    https = config["BASE_URL"].startswith("https://")
    for cookie in ("SESSION_COOKIE", "REMEMBER_COOKIE"):
        config.setdefault(f"{cookie}_HTTPONLY", True)
        config.setdefault(f"{cookie}_SAMESITE", "Lax")
        config.setdefault(f"{cookie}_SECURE", https)
    config["TRUSTED_PROXIES"] = _proxies(config["TRUSTED_PROXIES"])
    if config["COMPRESS"] is None:
        config["COMPRESS"] = not config["TRUSTED_PROXIES"]
    elif isinstance(config["COMPRESS"], str):
        config["COMPRESS"] = config["COMPRESS"].strip().lower() in ("1", "true", "yes", "on")
    if config["RATELIMIT_STORAGE_URI"].startswith(("redis://", "rediss://")):
        # A store that does not answer costs a request one second, not a hang.
        config.setdefault(
            "RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 1, "socket_timeout": 1}
        )
    for name, value in config["LIMITS"].items():
        if not valid(value):
            raise ConfigError(
                f"KB_{name}={value!r} is not a rate limit: write e.g. '10 per minute; 60 per hour'"
            )
    return config


class ConfigError(RuntimeError):
    """A setting is missing or wrong: the app refuses to start, saying which and why."""


#: `make run`'s address: the default of KB_BASE_URL in debug and test runs only.
DEV_BASE_URL = "http://127.0.0.1:{port}"


def base_url(config: dict) -> str:
    """The checked KB_BASE_URL (no trailing slash); a default only in debug and tests."""
    value = config.get("BASE_URL")
    if not value:
        if not (config.get("TESTING") or config.get("DEBUG") or get_debug_flag()):
            raise ConfigError(
                "KB_BASE_URL is not set. Set it to the site's public address, e.g. "
                "KB_BASE_URL=https://kb.example.org: every link in e-mails, calendar files "
                "and feeds starts with it (the request's Host header is never trusted). "
                "Only debug and test runs have a default."
            )
        value = DEV_BASE_URL.format(port=os.environ.get("FLASK_RUN_PORT") or 5000)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ConfigError(
            f"KB_BASE_URL={value!r} is not a site address: give http:// or https://, a host "
            "and at most a path, e.g. https://kb.example.org"
        )
    return value.rstrip("/")


def _proxies(value) -> int:
    try:
        count = int(value)
    except (TypeError, ValueError):
        count = -1
    if count < 0:
        raise ConfigError(
            f"KB_TRUSTED_PROXIES={value!r}: give the number of reverse proxies in front of "
            "the app (0 when clients connect to it directly, 1 behind one nginx)"
        )
    return count
