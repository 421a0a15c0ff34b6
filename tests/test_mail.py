"""The outbox: stored with the transaction, delivered as files or by SMTP, retried."""

import threading
from datetime import timedelta
from email import message_from_bytes
from email.policy import default

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from kb import mail
from kb.extensions import db
from kb.mail import deliver_due, queue_mail
from kb.models import OutboxMessage
from tests.conftest import PG_URL


def _queue(**kw):
    message = queue_mail(
        "reader@example.org",
        "Привет — 안녕하세요",
        "Текст письма\n한국어 본문",
        html="<p>Текст письма</p>",
        attachments=[("event.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")],
        **kw,
    )
    db.session.commit()
    return message


def test_without_a_mail_url_messages_become_eml_files(app, tmp_path):
    _queue()
    assert deliver_due() == (1, 0)
    files = list((tmp_path / "instance" / "outbox").glob("*.eml"))
    assert len(files) == 1
    message = message_from_bytes(files[0].read_bytes(), policy=default)
    assert message["Subject"] == "Привет — 안녕하세요"
    assert "한국어 본문" in message.get_body(("plain",)).get_content()
    assert message.get_body(("html",)) is not None
    assert [part.get_filename() for part in message.iter_attachments()] == ["event.ics"]
    assert deliver_due() == (0, 0)  # sent once, never again


def test_smtp_delivery_and_retry_after_a_failure(app, smtp_server):
    url, inbox = smtp_server
    app.config["MAIL_URL"] = "smtp://127.0.0.1:1"  # nothing listens there
    _queue()
    assert deliver_due() == (0, 1)
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.sent_at is None and message.attempts == 1 and message.last_error
    assert deliver_due() == (0, 0)  # not due again yet

    app.config["MAIL_URL"] = url
    message.next_attempt_at = message.created_at
    db.session.commit()
    assert deliver_due() == (1, 0)
    assert len(inbox.messages) == 1
    assert inbox.messages[0]["To"] == "reader@example.org"


def test_a_key_queues_a_message_only_once(app):
    assert _queue(key="registration:1:links") is not None
    assert _queue(key="registration:1:links") is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1


def test_a_rolled_back_transaction_leaves_no_mail(app):
    queue_mail("reader@example.org", "Subject", "Body")
    db.session.rollback()
    assert deliver_due() == (0, 0)


def test_a_resend_after_a_lost_commit_carries_the_same_message_id(app, smtp_server, monkeypatch):
    url, inbox = smtp_server
    app.config["MAIL_URL"] = url
    message = _queue()
    real_commit, commits = db.session.commit, []

    def connection_drops_after_sending():
        commits.append(1)
        if len(commits) == 2:  # the first commits the claim; the second would record sent_at
            db.session.rollback()
            raise OperationalError("UPDATE outbox_message", {}, Exception("connection lost"))
        real_commit()

    monkeypatch.setattr(db.session, "commit", connection_drops_after_sending)
    with pytest.raises(OperationalError):
        deliver_due()
    monkeypatch.undo()
    assert len(inbox.messages) == 1
    db.session.refresh(message)
    assert message.sent_at is None and message.claimed_at is not None
    assert deliver_due() == (0, 0)  # still claimed: nobody sends it meanwhile

    message.claimed_at -= mail.CLAIM_TIMEOUT + timedelta(seconds=1)  # the claim expires
    db.session.commit()
    assert deliver_due() == (1, 0)
    first, again = inbox.messages
    assert first["Message-ID"] == again["Message-ID"] == message.message_id
    assert deliver_due() == (0, 0)


def test_every_message_has_its_own_message_id(app):
    ids = {_queue().message_id for _ in range(3)}
    assert len(ids) == 3 and all(i.startswith("<") and i.endswith(">") for i in ids)


@pytest.mark.skipif(not PG_URL, reason="two workers at once: PostgreSQL's row locks")
def test_two_workers_claiming_at_once_send_a_message_once(app, smtp_server, monkeypatch):
    """Both workers read the message as due; the claim (a conditional UPDATE) lets one send."""
    url, inbox = smtp_server
    app.config["MAIL_URL"] = url
    message_id = _queue().id
    db.session.commit()
    barrier = threading.Barrier(2, timeout=10)
    claim = mail._claim

    def together(mid):
        barrier.wait()  # both have seen it due and unclaimed
        return claim(mid)

    monkeypatch.setattr(mail, "_claim", together)
    sent = []

    def worker():
        with app.app_context():
            sent.append(mail.deliver(message_id))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(sent) == [False, True]
    assert len(inbox.messages) == 1
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message_id).sent_at is not None
