"""A transactional outbox: queue e-mails with the change that causes them, deliver after.

`queue_mail` adds a message to the current transaction, so it exists exactly when the
change that caused it was committed, and asks (`kb.uow.after_commit`) for the local
`kb worker` to be woken once it is. Requests never deliver: the worker does, with
`deliver_due()` (so does the one-shot `kb mail deliver`).

Delivery is at least once. A message is claimed by a conditional UPDATE (unsent, and
unclaimed or claimed more than `CLAIM_TIMEOUT` ago) committed before sending, so two
workers never send it at the same time; sent, it gets `sent_at`. A transport failure
releases the claim and sets the next attempt after `BACKOFF`. A crash (or a lost
database connection) between the server's acceptance and the commit of `sent_at` leaves
the claim, which expires after `CLAIM_TIMEOUT`: then the message is sent again, with the
same `Message-ID` (fixed when it was queued), so the receiver can recognise the copy.
"""

from __future__ import annotations

import base64
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app

from kb import uow
from kb.extensions import db
from kb.mail.transport import send_file, send_smtp
from kb.models import OutboxMessage
from kb.models.base import utcnow
from kb.wake import waker

#: Delays before the 2nd, 3rd, … attempt; the last one repeats.
BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2)]
#: A claim older than this is taken to belong to a worker that died.
CLAIM_TIMEOUT = timedelta(minutes=10)


def queue_mail(
    to: str,
    subject: str,
    text: str,
    *,
    html: str | None = None,
    attachments: list[tuple[str, str, bytes]] = (),
    key: str | None = None,
) -> OutboxMessage | None:
    """Add an e-mail to the current transaction; None if one with `key` exists already.

    `attachments` are (filename, content type, bytes). Flushes; never commits.
    """
    if key and db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.key == key)):
        return None
    message = OutboxMessage(
        key=key,
        message_id=new_message_id(),
        to=to,
        subject=subject,
        text=text,
        html=html,
        attachments=[
            {"filename": name, "content_type": ctype, "data": base64.b64encode(data).decode()}
            for name, ctype, data in attachments
        ],
    )
    db.session.add(message)
    db.session.flush()
    uow.after_commit(db.session(), "wake the worker: mail", waker("mail"))
    return message


def new_message_id() -> str:
    """A Message-ID for a new outbox row, in the domain of the site's address."""
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "kb.local"
    return make_msgid(idstring="kb", domain=domain)


def build(message: OutboxMessage) -> EmailMessage:
    """The MIME message: plain text, HTML alternative, attachments."""
    mime = EmailMessage()
    mime["From"] = current_app.config["MAIL_FROM"]
    mime["To"] = message.to
    mime["Subject"] = message.subject
    mime["Date"] = format_datetime(message.created_at)
    mime["Message-ID"] = message.message_id  # the same on every attempt
    mime.set_content(message.text)
    if message.html:
        mime.add_alternative(message.html, subtype="html")
    for item in message.attachments or []:
        maintype, subtype = item["content_type"].split("/", 1)
        mime.add_attachment(
            base64.b64decode(item["data"]),
            maintype=maintype,
            subtype=subtype,
            filename=item["filename"],
        )
    return mime


def _claim(message_id: int) -> bool:
    """Take a message for delivery; False if another worker holds or sent it."""
    now = utcnow()
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None), _unclaimed(now))
        .values(claimed_at=now)
    )
    db.session.commit()
    return result.rowcount == 1


def _send(message: OutboxMessage) -> None:
    mime = build(message)
    url = current_app.config.get("MAIL_URL")
    if url:
        send_smtp(mime, url, timeout=current_app.config["MAIL_TIMEOUT"])
    else:
        stamp = message.created_at.strftime("%Y%m%dT%H%M%S")
        send_file(mime, current_app.config["OUTBOX_DIR"], f"{stamp}-{message.id:06d}")


def deliver(message_id: int) -> bool:
    """Deliver one message if it is due and unclaimed; True if it was sent now."""
    if not _claim(message_id):
        return False
    message = db.session.get(OutboxMessage, message_id)
    try:
        _send(message)
    except Exception as exc:  # any transport failure: keep it and retry later
        message.attempts += 1
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        message.next_attempt_at = utcnow() + BACKOFF[min(message.attempts, len(BACKOFF)) - 1]
        message.claimed_at = None
        db.session.commit()
        current_app.logger.warning("mail %s to %s not sent: %s", message.id, message.to, exc)
        return False
    message.attempts += 1
    message.sent_at = utcnow()
    message.last_error = None
    db.session.commit()
    return True


def _unclaimed(now):
    return sa.or_(
        OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < now - CLAIM_TIMEOUT
    )


def due_ids(limit: int | None = None) -> list[int]:
    """Ids of unsent, unclaimed messages whose next attempt is due, oldest first."""
    now = utcnow()
    query = (
        sa.select(OutboxMessage.id)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.next_attempt_at <= now,
            _unclaimed(now),
        )
        .order_by(OutboxMessage.id)
    )
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def deliver_due(limit: int | None = None) -> tuple[int, int]:
    """Try every due message once; returns (sent, still waiting)."""
    ids = due_ids(limit)
    sent = sum(deliver(i) for i in ids)
    return sent, len(ids) - sent
