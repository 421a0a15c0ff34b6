"""Rate limits: each one a setting, counted per client address (and per e-mail address).

The client address is `request.remote_addr`: behind a reverse proxy it is the client's
only once KB_TRUSTED_PROXIES lets ProxyFix read X-Forwarded-For (otherwise every client
shares the proxy's bucket and one person locks everyone out).

Two limits count per e-mail address as well, whatever address the requests come from:
log-in attempts on one account (guessing a password from many machines) and reset or
confirmation mails to one address (filling someone's inbox). The e-mail address is kept
in the counter's key only as a hash, so the limit store (Redis) holds no addresses; an
address that has no account counts the same as one that has, so the limit tells nobody
which addresses have accounts.

When the limit store (KB_RATELIMIT_STORAGE_URL, e.g. Redis) does not answer, each process
counts in its own memory, logs a warning (logger `kb.ratelimit`), and goes back to the
store once it answers again: a request never fails because of the store.
"""

from __future__ import annotations

import hashlib

from flask import current_app, request
from limits import parse_many

#: Setting (kb/config.py; environment variable KB_<name>) → default.
LIMITS = {
    "RATELIMIT_LOGIN": "10 per minute; 60 per hour",
    "RATELIMIT_LOGIN_EMAIL": "20 per hour",
    "RATELIMIT_SIGNUP": "5 per minute; 30 per hour",
    "RATELIMIT_MAIL": "5 per minute; 30 per hour",
    "RATELIMIT_MAIL_EMAIL": "3 per 10 minutes; 10 per day",
    "RATELIMIT_REGISTRATION": "10 per hour",
}


def valid(value: str) -> bool:
    """Whether `value` is a limit such as "10 per minute; 60 per hour"."""
    try:
        return bool(parse_many(value))
    except ValueError:
        return False


def setting(name: str):
    """The limit named `name`, read from the app's settings at each request."""
    return lambda: current_app.config["LIMITS"][name]


def client_address() -> str:
    """The client's address (after ProxyFix, when proxies are trusted)."""
    return request.remote_addr or "unknown"


def email_address() -> str:
    """The e-mail address the form names, as a hash (see the module's docstring)."""
    email = (request.form.get("email") or "").strip().lower()
    if not email:
        return "ip:" + client_address()
    return "email:" + hashlib.sha256(email.encode()).hexdigest()[:32]
