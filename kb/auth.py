"""Who is asking: a logged-in session (Flask-Login) or an API token; role checks."""

from __future__ import annotations

from functools import wraps

from flask import Flask, g, request
from flask_babel import gettext as _
from flask_login import LoginManager, current_user

from kb.errors import error_json
from kb.extensions import csrf, db
from kb.models import Account

login_manager = LoginManager()


@login_manager.user_loader
def _load_account(session_id: str) -> Account | None:
    """The active account of a session whose generation is still the account's.

    A session id without a generation (from before generations existed) is no longer good.
    """
    account_id, _sep, generation = session_id.partition(":")
    if not (account_id.isdigit() and generation.isdigit()):
        return None
    account = db.session.get(Account, int(account_id))
    if account is None or not account.active:
        return None
    return account if account.session_generation == int(generation) else None


def api_account() -> Account | None:
    """The account behind an API request: its bearer token, else its session.

    A session-authenticated write must carry the CSRF token (header X-CSRFToken), so a
    third-party page cannot write with a visitor's cookie.
    """
    if "api_account" in g:
        return g.api_account
    from kb.services.accounts import account_for_token

    account = None
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        account = account_for_token(header[7:].strip())
        db.session.commit()  # keep last_used_at even if the request then fails
    elif current_user.is_authenticated:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            csrf.protect()
        account = current_user._get_current_object()
    g.api_account = account
    return account


def require_api(*roles: str):
    """Decorator for API views: 401 without credentials, 403 without one of `roles`."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            account = api_account()
            if account is None:
                response = error_json(401, "unauthorized", _("Log in or send an API token."))
                response.headers["WWW-Authenticate"] = 'Bearer realm="kb"'
                return response
            if roles and not account.has_role(*roles):
                return error_json(403, "forbidden", _("Your account may not do this."))
            return view(*args, **kwargs)

        return wrapper

    return decorate


def init_app(app: Flask) -> None:
    """Bind Flask-Login."""
    login_manager.init_app(app)
