"""Language keys are checked at the edge, and what is stored is always shown, never a 500.

A text object keyed by a code nobody can name (`{"zz": …}`) used to be stored and then made
every page listing it answer 500. These tests send such keys through the API and the
forms (refused, 422, in the reader's language), then write unformattable values straight
into the database (an unknown key, an unknown zone, the year 9999) and read every page
that shows them.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa
from babel import Locale

from kb.extensions import db
from kb.i18n import COMMUNITY_LANGUAGES, LANGUAGES, TEXT_LANGUAGES
from kb.models import Event, Submission
from tests.eventkit import event_body
from tests.factories import create_event
from tests.journeys import (
    csrf_token,
    directory,
    festival_body,
    fresh_client,
    log_in,
    make_account,
    token_for,
    token_header,
)


def test_every_language_a_text_may_carry_is_one_babel_knows_and_names():
    assert set(LANGUAGES) <= set(TEXT_LANGUAGES)
    assert len(set(TEXT_LANGUAGES)) == len(TEXT_LANGUAGES)
    for code in COMMUNITY_LANGUAGES:
        assert len(code) == 2 and code.isascii() and code.islower()  # ISO 639-1
        locale = Locale.parse(code)  # raises for a code Babel does not know
        for reader in LANGUAGES:
            assert locale.get_display_name(reader)


def test_the_readme_lists_the_community_languages():
    from kb.config import ROOT

    readme = (ROOT / "README.md").read_text()
    listed = readme.split("Community languages", 1)[1].split("\n\n", 1)[0]
    for code in COMMUNITY_LANGUAGES:
        assert f"`{code}`" in listed, code


@pytest.mark.parametrize("lang", ["en", "ru", "ko"])
def test_an_event_with_an_unknown_language_key_is_refused_in_the_readers_language(app, lang):
    organizer = make_account("organizer@example.org", role="organizer")
    client = fresh_client(app)
    body = event_body("unknown-key", title={"en": "Webinar", "zz": "x"})
    response = client.post(
        f"/api/v1/events?lang={lang}", json=body, headers=token_header(token_for(organizer))
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    message = error["fields"]["title.zz"][0]
    assert "uz" in message and "ko" in message  # it says which codes are accepted
    if lang == "ru":
        assert "принимаются" in message
    if lang == "ko":
        assert "언어" in message
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0


def test_a_community_language_is_accepted(app):
    organizer = make_account("organizer@example.org", role="organizer")
    client = fresh_client(app)
    body = event_body("in-uzbek", title={"en": "Webinar", "uz": "Vebinar"})
    response = client.post("/api/v1/events", json=body, headers=token_header(token_for(organizer)))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["title"]["uz"] == "Vebinar"


def test_a_submission_with_an_unknown_language_key_is_refused(app):
    directory()
    member = make_account("member@example.org", organization="ichcap")
    client = fresh_client(app)
    body = festival_body(name={"en": "Boysun Bahori", "zz": "x"})
    response = client.post("/api/v1/festivals", json=body, headers=token_header(token_for(member)))
    assert response.status_code == 422
    assert "name.zz" in response.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Submission)) == 0


def test_the_festival_form_refuses_an_unknown_language_code(app):
    directory()
    make_account("member@example.org", organization="ichcap")
    client = fresh_client(app)
    log_in(client, "member@example.org")
    page = client.get("/en/submissions/new")
    response = client.post(
        "/en/submissions/new",
        data={
            "csrf_token": csrf_token(page.text),
            "text_en-name": "Boysun Bahori",
            "countries-0": "UZ",
            "other_names-0-lang": "zz",
            "other_names-0-text": "x",
            "action": "submit",
        },
    )
    assert response.status_code == 422
    assert "Texts are accepted in these languages only" in response.text
    # the member's work is kept as a draft (as for any refusal), never submitted
    assert db.session.scalars(sa.select(Submission.state)).all() in ([], ["draft"])


PAGES = [
    "/en/",
    "/ru/",
    "/ko/",
    "/en/events/",
    "/ru/events/",
    "/en/events/?when=past",
    "/en/events/{slug}",
    "/ru/events/{slug}?tz=Pacific/Pago_Pago",
    "/en/search?q=Webinar",
    "/en/search?q=x",
    "/events.ics",
    "/events/{slug}.ics",
    "/api/v1/events",
    "/api/v1/events/{slug}",
    "/en/map",
    "/en/map/places.json",
]


def _stored(event_id: int, **columns) -> None:
    """Write values into the event's row directly, as a hand edit or an old release would."""
    sets = ", ".join(f"{name} = :{name}" for name in columns)
    db.session.execute(
        sa.text(f"UPDATE event SET {sets} WHERE id = :id"), {**columns, "id": event_id}
    )
    db.session.commit()


STORED = {
    "unknown language key": {"title": json.dumps({"zz": "Webinar zz"})},
    "only an unknown key in every text": {
        "title": json.dumps({"zz": "Webinar"}),
        "summary": json.dumps({"qq": "x", "xx-Latn": "y"}),
        "venue": json.dumps({"zz": "Hall"}),
    },
    "unknown zone": {"timezone": "Mars/Olympus_Mons"},
    "zone name of 300 characters": {"timezone": "A" * 64},
    "year 9999 all day in Pago Pago": {
        "timezone": "Pacific/Pago_Pago",
        "starts_at": None,
        "ends_at": None,
        "start_date": date(9999, 12, 31),
        "end_date": date(9999, 12, 31),
    },
    "year 9999 timed, at the calendar's last hour": {
        "timezone": "Asia/Seoul",
        "start_date": date(9999, 12, 31),
        "end_date": None,
        "starts_at": "9999-12-31 20:00:00",
        "ends_at": "9999-12-31 23:59:59",
    },
    "year 1 timed in Pago Pago": {
        "timezone": "Pacific/Pago_Pago",
        "start_date": date(1, 1, 1),
        "starts_at": "0001-01-01 00:00:00",
        "ends_at": "0001-01-01 05:00:00",
    },
}


@pytest.mark.parametrize("case", list(STORED))
def test_a_stored_value_the_code_cannot_format_is_shown_plainly(app, case):
    directory()
    event = create_event(
        slug="odd-event",
        title={"en": "Webinar"},
        summary={"en": "A summary"},
        venue={"en": "Hall"},
        sessions=[
            {
                "title": {"en": "Opening"},
                "starts_at": "2030-11-18T13:00:00+09:00",
                "ends_at": "2030-11-18T14:00:00+09:00",
            }
        ],
    )
    _stored(event.id, **STORED[case])
    db.session.execute(
        sa.text("UPDATE event_session SET title = :t"), {"t": json.dumps({"zz": "Opening zz"})}
    )
    db.session.commit()
    make_account("organizer@example.org", role="admin")
    client = fresh_client(app)
    for url in PAGES:
        response = client.get(url.format(slug="odd-event"))
        assert response.status_code in (200, 302), (url, response.status_code)
    log_in(client, "organizer@example.org")
    for url in ("/en/events/odd-event", "/en/organize/events/", "/en/organize/events/odd-event"):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)


def test_a_pending_submission_with_an_unknown_key_does_not_break_the_queue(app):
    directory()
    member = make_account("member@example.org", organization="ichcap")
    make_account("moderator@example.org", role="moderator")
    client = fresh_client(app)
    response = client.post(
        "/api/v1/festivals", json=festival_body(), headers=token_header(token_for(member))
    )
    assert response.status_code == 202
    submission_id = response.get_json()["id"]
    payload = festival_body(name={"zz": "Boysun zz"}, city={"qq": "x"})
    db.session.execute(
        sa.text("UPDATE submission SET payload = :p WHERE id = :id"),
        {"p": json.dumps(payload), "id": submission_id},
    )
    db.session.commit()
    moderator = fresh_client(app)
    log_in(moderator, "moderator@example.org")
    for lang in LANGUAGES:
        queue = moderator.get(f"/{lang}/moderation/")
        assert queue.status_code == 200 and "Boysun zz" in queue.text
        page = moderator.get(f"/{lang}/submissions/{submission_id}")
        assert page.status_code == 200 and "Boysun zz" in page.text
