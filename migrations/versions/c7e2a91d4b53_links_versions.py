"""Joining links by version: each registration records which version of the links it holds.

A registration that was sent links gets `links_count` 1 and the fingerprint of what it
was sent. Where what it was sent is still the event's links (same addresses), the
fingerprint is that of the event's links as they stand, so nothing goes out again;
where they differ, the next `send-links` sends the current ones as a replacement.

Revision ID: c7e2a91d4b53
Revises: b41d7c2e9f10
Create Date: 2026-11-30 05:20:00

"""
import hashlib
import json
from collections import Counter

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c7e2a91d4b53"
down_revision = "b41d7c2e9f10"
branch_labels = None
depends_on = None


def _fingerprint(event_url, sessions):
    # The same canonical form as kb.services.links.links_version (kept here as it was).
    body = {"event": event_url or None, "sessions": sorted([uid, url] for uid, url in sessions)}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def upgrade():
    with op.batch_alter_table("registration") as batch_op:
        batch_op.add_column(sa.Column("links_version", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("links_count", sa.Integer(), server_default="0", nullable=False)
        )
    conn = op.get_bind()
    meta = sa.MetaData()
    registration = sa.Table("registration", meta, autoload_with=conn)
    event = sa.Table("event", meta, autoload_with=conn)
    session = sa.Table("event_session", meta, autoload_with=conn)
    sent = conn.execute(
        sa.select(registration.c.id, registration.c.event_id, registration.c.links_sent).where(
            registration.c.links_sent_at.is_not(None)
        )
    ).all()
    for reg_id, event_id, links in sent:
        if isinstance(links, str):
            links = json.loads(links)
        links = links or {}
        current_event = conn.scalar(sa.select(event.c.join_url).where(event.c.id == event_id))
        current = [
            (uid, url)
            for uid, url in conn.execute(
                sa.select(session.c.uid, session.c.join_url).where(
                    session.c.event_id == event_id, session.c.join_url.is_not(None)
                )
            )
            if url
        ]
        urls = [item.get("url") for item in links.get("sessions") or []]
        same = (links.get("event") or None) == (current_event or None) and Counter(urls) == Counter(
            url for _, url in current
        )
        if same:
            version = _fingerprint(current_event, current)
        else:
            version = _fingerprint(
                links.get("event"),
                [
                    (str(item.get("session") or item.get("id")), item.get("url"))
                    for item in links.get("sessions") or []
                ],
            )
        conn.execute(
            registration.update()
            .where(registration.c.id == reg_id)
            .values(links_version=version, links_count=1)
        )


def downgrade():
    with op.batch_alter_table("registration") as batch_op:
        batch_op.drop_column("links_count")
        batch_op.drop_column("links_version")
