"""`kb events send-links`: the window, exactly once, crashes, both delivery paths."""

from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

import kb.mail
import kb.mail.events
from kb.extensions import db
from kb.models import OutboxMessage, Registration
from tests import cldr
from tests.eventkit import account, bearer, client_of, event_body, outbox, person
from tests.workerkit import run_worker_once

SECRET = "secret-room-4821"


class Crash(BaseException):
    """The process dying (not an error the code could catch and retry)."""


def _event(app, slug, starts_in, people=("a@example.org", "b@example.org", "c@example.org")):
    api, headers = client_of(app), bearer(account(f"o-{slug}@ichcap.org"))
    assert (
        api.post(
            "/api/v1/events", json=event_body(slug, starts_in=starts_in), headers=headers
        ).status_code
        == 201
    )
    api.post(f"/api/v1/events/{slug}/publish", headers=headers)
    for i, email in enumerate(people):
        lang = ("en", "ru", "ko")[i % 3]
        response = api.post(
            f"/api/v1/events/{slug}/registrations", json=person(email, language=lang)
        )
        assert response.status_code == 201
    run_worker_once("mail")  # the confirmations go out


def _links_per_person(messages) -> Counter:
    return Counter(m["To"] for m in messages if SECRET in m.get_body(("plain",)).get_content())


def test_only_events_starting_within_the_window_and_never_twice(app, runner):
    _event(app, "soon", timedelta(hours=5), people=("a@example.org",))
    _event(app, "later", timedelta(days=10), people=("b@example.org",))
    first = runner.invoke(args=["events", "send-links"])
    assert first.exit_code == 0, first.output
    assert "1 links e-mails queued for 1 events; 1 sent" in first.output
    assert _links_per_person(outbox()) == {"a@example.org": 1}
    second = runner.invoke(args=["events", "send-links"])
    assert "0 links e-mails queued" in second.output and "0 sent" in second.output

    wide = runner.invoke(args=["events", "send-links", "--within", "300"])
    assert "1 links e-mails queued" in wide.output
    assert _links_per_person(outbox()) == {"a@example.org": 1, "b@example.org": 1}
    registration = db.session.scalar(
        sa.select(Registration).where(Registration.email == "b@example.org")
    )
    assert registration.links_sent_at is not None
    assert registration.links_sent["key"] == f"registration:{registration.id}:links"
    assert registration.links_sent["event"].endswith(SECRET)


def test_links_go_in_each_registrants_language_and_not_to_the_cancelled(app, runner):
    _event(app, "soon", timedelta(hours=2))
    cancelled = db.session.scalar(
        sa.select(Registration).where(Registration.email == "c@example.org")
    )
    cancelled.status = "cancelled"
    db.session.commit()
    runner.invoke(args=["events", "send-links"])
    texts = [(m["To"], m.get_body(("plain",)).get_content()) for m in outbox()]
    links = {to: text for to, text in texts if SECRET in text}
    assert set(links) == {"a@example.org", "b@example.org"}
    assert "session-room-7713" in links["a@example.org"]
    # b chose Russian: the month is named in Russian; a chose English.
    assert any(cldr.month(m, "ru") in links["b@example.org"] for m in range(1, 13))
    assert not any(cldr.month(m, "ru") in links["a@example.org"] for m in range(1, 13))
    assert any(cldr.month(m, "en") in links["a@example.org"] for m in range(1, 13))


def test_a_crash_while_queueing_sends_nothing_twice(app, runner, monkeypatch):
    _event(app, "soon", timedelta(hours=2))
    real, calls = kb.mail.events.queue_mail, []

    def dies_on_the_second(*args, **kwargs):
        calls.append(kwargs.get("key"))
        if len(calls) == 2:
            raise Crash()
        return real(*args, **kwargs)

    monkeypatch.setattr(kb.mail.events, "queue_mail", dies_on_the_second)
    with pytest.raises(Crash):
        runner.invoke(args=["events", "send-links"], catch_exceptions=False)
    db.session.rollback()
    monkeypatch.undo()
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(Registration.links_sent_at.is_not(None)))
        == 1
    )
    result = runner.invoke(args=["events", "send-links"])
    assert "2 links e-mails queued" in result.output
    runner.invoke(args=["events", "send-links"])
    assert _links_per_person(outbox()) == {
        "a@example.org": 1,
        "b@example.org": 1,
        "c@example.org": 1,
    }


def test_a_crash_while_delivering_sends_nothing_twice(app, runner, monkeypatch):
    _event(app, "soon", timedelta(hours=2))
    real, sent = kb.mail._send, []

    def dies_on_the_second(message):
        if len(sent) == 1:
            raise Crash()
        real(message)
        sent.append(message.to)

    monkeypatch.setattr(kb.mail, "_send", dies_on_the_second)
    with pytest.raises(Crash):
        runner.invoke(args=["events", "send-links"], catch_exceptions=False)
    db.session.rollback()
    monkeypatch.undo()
    assert len(_links_per_person(outbox())) == 1

    rerun = runner.invoke(args=["events", "send-links"])
    assert "0 links e-mails queued" in rerun.output and "1 sent" in rerun.output
    # The message being sent when the process died stays claimed until the claim expires.
    claimed = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)))
    claimed.claimed_at -= kb.mail.CLAIM_TIMEOUT + timedelta(seconds=1)
    db.session.commit()
    runner.invoke(args=["events", "send-links"])
    runner.invoke(args=["events", "send-links"])
    assert _links_per_person(outbox()) == {
        "a@example.org": 1,
        "b@example.org": 1,
        "c@example.org": 1,
    }


def test_links_through_a_real_smtp_server(app, runner, smtp_server):
    url, inbox = smtp_server
    app.config["MAIL_URL"] = url
    _event(app, "soon", timedelta(hours=2), people=("a@example.org", "b@example.org"))
    assert len(inbox.messages) == 2  # the confirmations, sent by the worker
    for _run in range(2):
        runner.invoke(args=["events", "send-links", "--event", "soon"])
    assert _links_per_person(inbox.messages) == {"a@example.org": 1, "b@example.org": 1}
    assert len(inbox.messages) == 4
    assert outbox() == []  # nothing went to files


def test_an_event_without_links_is_reported_and_sends_nothing(app, runner):
    api, headers = client_of(app), bearer(account("o@ichcap.org"))
    body = event_body("nolink", starts_in=timedelta(hours=2))
    body.pop("join_url")
    body["sessions"][0].pop("join_url")
    api.post("/api/v1/events", json=body, headers=headers)
    api.post("/api/v1/events/nolink/publish", headers=headers)
    api.post("/api/v1/events/nolink/registrations", json=person("a@example.org"))
    result = runner.invoke(args=["events", "send-links"])
    assert "nolink: no joining link set" in result.output
    assert "0 links e-mails queued" in result.output
    unknown = runner.invoke(args=["events", "send-links", "--event", "nothing-here"])
    assert unknown.exit_code != 0
