"""Joining links that change: each registrant gets each version of the links once.

Through the CLI (`kb events send-links`), the worker's `links` lane and the outbox's
real `.eml` files; the cancellation page says what is true about links already sent.
"""

import json
from collections import Counter
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext
from flask_migrate import downgrade, upgrade

from kb.config import ROOT
from kb.extensions import db
from kb.i18n import in_language
from kb.models import Registration
from tests.eventkit import account, bearer, client_of, csrf, event_body, outbox, person
from tests.journeys import link_in
from tests.workerkit import run_worker_once

OLD, NEW, NEWER = "secret-room-4821", "moved-room-5502", "third-room-6613"
PEOPLE = {"a@example.org": "en", "b@example.org": "ru", "c@example.org": "ko"}
TITLE = {"en": "Living heritage webinar", "ru": "Вебинар о живом наследии", "ko": "웨비나"}


def _subject(message: str, lang: str) -> str:
    with in_language(lang):
        return gettext(message, title=TITLE[lang])


def _event(app, starts_in=timedelta(hours=5)):
    api, headers = client_of(app), bearer(account("organizer@ichcap.org"))
    body = event_body("webinar", starts_in=starts_in)
    assert api.post("/api/v1/events", json=body, headers=headers).status_code == 201
    assert api.post("/api/v1/events/webinar/publish", headers=headers).status_code == 200
    for email, lang in PEOPLE.items():
        response = api.post(
            "/api/v1/events/webinar/registrations", json=person(email, language=lang)
        )
        assert response.status_code == 201
    run_worker_once("mail")  # the confirmations
    return api, headers


def _move(api, headers, room: str, *, session_room: str | None = None) -> None:
    """The organiser changes the event's joining link (and perhaps the session's)."""
    change = {"join_url": f"https://meet.example.org/{room}"}
    if session_room:
        detail = api.get("/api/v1/events/webinar").get_json()
        sessions = [
            {**s, "join_url": f"https://meet.example.org/{session_room}"}
            for s in detail["sessions"]
        ]
        change["sessions"] = sessions
    response = api.patch("/api/v1/events/webinar", json=change, headers=headers)
    assert response.status_code == 200, response.get_json()


def _links_mail(messages, seen: int = 0) -> list:
    """The links e-mails among `messages[seen:]`: (to, subject, plain text)."""
    out = []
    for m in messages[seen:]:
        text = m.get_body(("plain",)).get_content()
        if "meet.example.org" in text:
            out.append((m["To"], str(m["Subject"]), text))
    return out


def _replacements(mails) -> Counter:
    """How many 'new joining links' e-mails each address got, checked in its language."""
    counts = Counter()
    for to, subject, _text in mails:
        lang = PEOPLE.get(to, "en")
        if subject == _subject("New joining links: %(title)s", lang):
            counts[to] += 1
    return counts


def test_a_changed_link_goes_once_to_everyone_who_had_the_old_one(app, runner):
    api, headers = _event(app)
    first = runner.invoke(args=["events", "send-links"])
    assert "3 links e-mails queued for 1 events" in first.output, first.output
    firsts = _links_mail(outbox())
    assert {to for to, _s, text in firsts if OLD in text} == set(PEOPLE)
    assert _replacements(firsts) == Counter()

    _move(api, headers, NEW)
    seen = len(outbox())
    for _run in range(2):
        result = runner.invoke(args=["events", "send-links"])
        assert result.exit_code == 0, result.output
    assert "0 links e-mails queued" in result.output  # the second run sent nothing more
    mails = _links_mail(outbox(), seen)
    assert _replacements(mails) == Counter(dict.fromkeys(PEOPLE, 1))
    assert len(mails) == 3
    for to, _subject_line, text in mails:
        assert NEW in text and OLD not in text
        lang = PEOPLE[to]
        with in_language(lang):
            says = gettext(
                "The joining links for “%(title)s” have changed. These links replace the ones "
                "we sent you earlier: please use these. Please keep them to yourself.",
                title=TITLE[lang],
            )
        assert " ".join(says.split()) in " ".join(text.split())
    keys = [r.links_sent["key"] for r in db.session.scalars(sa.select(Registration))]
    assert all(key.endswith(":links:2") for key in keys)


def test_the_worker_lane_replaces_links_sent_early_whatever_the_window(app, runner):
    api, headers = _event(app, starts_in=timedelta(days=5))  # outside the 24-hour window
    early = runner.invoke(args=["events", "send-links", "--within", "200"])
    assert "3 links e-mails queued" in early.output
    assert runner.invoke(args=["events", "send-links"]).output.startswith("0 links")
    _move(api, headers, NEW, session_room=NEWER)
    seen = len(outbox())
    for _run in range(2):
        run_worker_once("links", "mail")
    mails = _links_mail(outbox(), seen)
    assert _replacements(mails) == Counter(dict.fromkeys(PEOPLE, 1)) and len(mails) == 3
    assert all(NEW in text and NEWER in text for _to, _s, text in mails)


def test_cancelling_and_registering_again_before_the_start(app, runner):
    api, headers = _event(app)
    runner.invoke(args=["events", "send-links"])
    confirmation = next(m for m in outbox() if m["To"] == "a@example.org")
    cancel_url = link_in(confirmation.get_body(("plain",)).get_content(), "/cancel")
    visitor = client_of(app)
    page = visitor.get(cancel_url)
    done = visitor.post(cancel_url, data={"csrf_token": csrf(page.text)})
    assert done.status_code == 200
    # The links already went out: the page does not pretend they will not be sent.
    assert "You will not receive the joining links." not in done.text
    assert "cannot be withdrawn" in done.text and "you will not receive the new ones" in done.text
    assert "You may register again while registration is open" in done.text

    _move(api, headers, NEW)
    seen = len(outbox())
    runner.invoke(args=["events", "send-links"])
    mails = _links_mail(outbox(), seen)
    assert _replacements(mails) == Counter({"b@example.org": 1, "c@example.org": 1})

    again = api.post("/api/v1/events/webinar/registrations", json=person("a@example.org"))
    assert again.status_code == 201
    seen = len(outbox())
    for _run in range(2):
        runner.invoke(args=["events", "send-links"])
    mails = _links_mail(outbox(), seen)
    # The current links, once, as a first sending (nothing to replace for this registration).
    assert [(to, NEW in text, OLD in text) for to, _s, text in mails] == [
        ("a@example.org", True, False)
    ]
    assert _replacements(mails) == Counter()
    registration = db.session.scalar(
        sa.select(Registration).where(Registration.email == "a@example.org")
    )
    assert registration.links_count == 2 and registration.links_sent["key"].endswith(":links:2")


def test_a_cancellation_before_the_links_says_they_will_not_come(app):
    _event(app, starts_in=timedelta(days=5))
    confirmation = next(m for m in outbox() if m["To"] == "a@example.org")
    cancel_url = link_in(confirmation.get_body(("plain",)).get_content(), "/cancel")
    visitor = client_of(app)
    page = visitor.get(cancel_url)
    done = visitor.post(cancel_url, data={"csrf_token": csrf(page.text)})
    assert "You will not receive the joining links." in done.text
    assert "cannot be withdrawn" not in done.text


def test_the_migration_keeps_links_already_sent_from_going_out_again(app, runner):
    api, headers = _event(app)
    runner.invoke(args=["events", "send-links"])
    _move(api, headers, NEW)  # changed after sending, before the upgrade
    ids = {r.email: r.id for r in db.session.scalars(sa.select(Registration))}
    db.session.commit()
    db.session.close()  # PostgreSQL: no read locks left to block the ALTER TABLEs
    migrations = str(ROOT / "migrations")
    with app.app_context():
        downgrade(directory=migrations, revision="b41d7c2e9f10")
    # a@ was sent the links as they stand now; the others the old ones
    db.session.execute(
        sa.text("UPDATE registration SET links_sent = :links WHERE id = :id"),
        {
            "id": ids["a@example.org"],
            "links": json.dumps(
                {
                    "event": f"https://meet.example.org/{NEW}",
                    "sessions": [
                        {
                            "session": db.session.scalar(sa.text("SELECT uid FROM event_session")),
                            "url": "https://meet.example.org/session-room-7713",
                        }
                    ],
                    "key": f"registration:{ids['a@example.org']}:links",
                }
            ),
        },
    )
    db.session.commit()
    with app.app_context():
        upgrade(directory=migrations)
    db.session.expire_all()
    assert all(r.links_count == 1 for r in db.session.scalars(sa.select(Registration)))
    seen = len(outbox())
    runner.invoke(args=["events", "send-links"])
    mails = _links_mail(outbox(), seen)
    assert _replacements(mails) == Counter({"b@example.org": 1, "c@example.org": 1})
    assert len(mails) == 2
