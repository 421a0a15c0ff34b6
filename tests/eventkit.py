"""Helpers for the event tests: isolated clients, accounts, CSRF tokens, the outbox."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default
from pathlib import Path

from flask import current_app
from flask.testing import FlaskClient

from kb.extensions import db
from kb.services.accounts import create_account, issue_token


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in an app context of its own.

    The fixtures keep one app context open for the whole test; requests would share
    its `g` (the cached API account, the CSRF token) across clients otherwise.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()  # the test's session sees what the request committed
        return response


def client_of(app) -> IsolatedClient:
    """A new isolated client (a separate browser)."""
    return IsolatedClient(app, app.response_class, use_cookies=True)


def account(email: str, role: str = "organizer", organization: str | None = None):
    """A committed, confirmed account."""
    acc = create_account(
        email, role=role, organization=organization, password="a long enough secret", confirmed=True
    )
    db.session.commit()
    return acc


def bearer(acc) -> dict:
    """Authorization headers with a new API token of `acc`."""
    token = issue_token(acc)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def login(client, acc) -> None:
    """Log `acc` in on `client` (Flask-Login's session keys)."""
    with client.session_transaction() as session:
        session["_user_id"] = acc.get_id()
        session["_fresh"] = True


def csrf(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def outbox() -> list:
    """The e-mails delivered as .eml files so far, oldest first."""
    folder = Path(current_app.config["OUTBOX_DIR"])
    return [
        message_from_bytes(p.read_bytes(), policy=default) for p in sorted(folder.glob("*.eml"))
    ]


def iso(delta: timedelta, zone_offset: str = "+09:00") -> str:
    """Now plus `delta`, whole minutes, as ISO 8601 in a fixed offset."""
    hours, minutes = int(zone_offset[1:3]), int(zone_offset[4:6])
    sign = 1 if zone_offset[0] == "+" else -1
    offset = timedelta(hours=hours, minutes=minutes) * sign
    moment = (datetime.now(UTC) + delta).replace(second=0, microsecond=0) + offset
    return moment.replace(tzinfo=None).isoformat() + zone_offset


def event_body(slug: str, starts_in: timedelta = timedelta(days=10), **kw) -> dict:
    """An API body for a webinar in Seoul's zone starting `starts_in` from now."""
    return {
        "slug": slug,
        "kind": "webinar",
        "title": {
            "en": "Living heritage webinar",
            "ru": "Вебинар о живом наследии",
            "ko": "웨비나",
        },
        "timezone": "Asia/Seoul",
        "starts_at": iso(starts_in),
        "ends_at": iso(starts_in + timedelta(hours=4)),
        "languages": ["en", "ru", "ko"],
        "join_url": "https://meet.example.org/secret-room-4821",
        "sessions": [
            {
                "title": {"en": "Opening", "ru": "Открытие", "ko": "개막"},
                "starts_at": iso(starts_in),
                "ends_at": iso(starts_in + timedelta(hours=1)),
                "join_url": "https://meet.example.org/session-room-7713",
                "speakers": [{"name": "Gi Hyung Keum"}],
            }
        ],
        **kw,
    }


def person(email: str, **kw) -> dict:
    """A registration body."""
    return {
        "name": "Aigerim Nurlanovna",
        "email": email,
        "organization": "Национальный комитет",
        "country": "KZ",
        "language": "ru",
        "consent": True,
        **kw,
    }
