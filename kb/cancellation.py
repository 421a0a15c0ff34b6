"""The signed token of a registration's cancellation link.

Below both the registration service (which resolves tokens) and the event e-mails (which
put them in links), so neither imports the other for it. The token names the
registration, not the person, and is signed with the app's secret key.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from kb.extensions import db
from kb.models import Registration


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="registration-cancel")


def cancel_token(registration: Registration) -> str:
    """The signed token of the cancellation link (it names the registration, not the person)."""
    return _signer().dumps(registration.id)


def registration_for_token(token: str) -> Registration | None:
    """The registration a cancellation token names, or None if the token is not ours."""
    try:
        registration_id = _signer().loads(token)
    except BadSignature:
        return None
    return (
        db.session.get(Registration, registration_id) if isinstance(registration_id, int) else None
    )
