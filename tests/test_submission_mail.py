"""E-mails to submitters: in their language, HTML and plain text, never lost to a bad server."""

import pytest
import sqlalchemy as sa

from kb.extensions import db
from kb.mail import deliver_due
from kb.models import OutboxMessage, Submission
from tests.journeys import (
    delivered_files,
    directory,
    festival_body,
    fresh_client,
    make_account,
    token_for,
    token_header,
)
from tests.workerkit import run_worker_once


@pytest.fixture
def client(app):
    """Each request in its own app context (see IsolatedClient)."""
    return fresh_client(app)


def test_the_receipt_goes_through_a_real_smtp_server_in_the_submitters_language(
    app, client, smtp_server
):
    url, inbox = smtp_server
    app.config["MAIL_URL"] = url
    directory()
    token = token_for(make_account("org@example.org", locale="ko", name="김지수"))
    response = client.post("/api/v1/festivals", json=festival_body(), headers=token_header(token))
    assert response.status_code == 202
    assert inbox.messages == []  # the request only queued it
    run_worker_once()
    (message,) = inbox.messages  # delivered by the worker, once it was committed
    assert message["To"] == "org@example.org"
    assert message["Subject"] == "접수 완료: 보이순 바호리"
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "김지수" in plain and "/ko/submissions/" in plain
    assert '<html lang="ko">' in html and "/ko/submissions/" in html


def test_a_failing_mail_server_delays_the_mail_but_never_the_submission(app, client, smtp_server):
    url, inbox = smtp_server
    app.config["MAIL_URL"] = "smtp://127.0.0.1:1"  # nothing listens there
    directory()
    token = token_for(make_account("org@example.org"))
    response = client.post("/api/v1/festivals", json=festival_body(), headers=token_header(token))
    assert response.status_code == 202
    assert db.session.scalar(sa.select(Submission.state)) == "pending"
    run_worker_once()
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.sent_at is None and message.attempts == 1 and message.last_error

    app.config["MAIL_URL"] = url
    message.next_attempt_at = message.created_at
    db.session.commit()
    assert deliver_due() == (1, 0)
    assert inbox.messages[0]["Subject"] == "Received: Boysun Bahori"


def test_every_decision_is_written_to_the_file_outbox(app, client):
    directory()
    member = token_for(make_account("org@example.org", locale="ru"))
    moderator = token_for(make_account("mod@example.org", role="moderator"))
    body = festival_body(name={"en": "Boysun Bahori", "ru": "Бойсун бахори"})
    first = client.post("/api/v1/festivals", json=body, headers=token_header(member)).get_json()[
        "id"
    ]
    client.post(
        f"/api/v1/submissions/{first}/reject",
        json={"reason": "Not a festival."},
        headers=token_header(moderator),
    )
    second = client.post("/api/v1/festivals", json=body, headers=token_header(member)).get_json()[
        "id"
    ]
    client.post(
        f"/api/v1/submissions/{second}/return",
        json={"reason": "Add a source."},
        headers=token_header(moderator),
    )
    client.post(
        f"/api/v1/submissions/{second}/approve", headers=token_header(moderator)
    )  # not pending

    messages = delivered_files()
    assert [m["Subject"] for m in messages] == [
        "Заявка получена: Бойсун бахори",
        "Заявка отклонена: Бойсун бахори",
        "Заявка получена: Бойсун бахори",
        "Требуется доработка: Бойсун бахори",
    ]
    for message in messages:
        assert message["To"] == "org@example.org"
        assert message.get_body(("html",)) is not None and message.get_body(("plain",)) is not None
    assert "Not a festival." in messages[1].get_body(("plain",)).get_content()
    assert "Add a source." in messages[3].get_body(("html",)).get_content()
