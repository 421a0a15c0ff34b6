"""Event days and sessions: days with their own hours, sessions inside them, in time order,
moved among ties, removed after confirmation, with calendar UIDs that last."""

from datetime import UTC, date, datetime, time

import icalendar
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from kb.extensions import db
from kb.models import Event, EventDay
from tests.eventkit import account, bearer, client_of, csrf, login
from tests.factories import create_organization

DAYS = [
    {"day": "2031-11-18", "starts": "13:00", "ends": "17:30"},
    {"day": "2031-11-19", "starts": "13:00", "ends": "17:30"},
]


def _body(slug="two-days", sessions=None):
    return {
        "slug": slug,
        "kind": "meeting",
        "title": {"en": "Two afternoons"},
        "timezone": "Asia/Seoul",
        "days": DAYS,
        "organizations": [{"organization": "ichcap", "role": "organizer"}],
        "sessions": sessions or [],
    }


def _session(title, start=None, end=None, **kw):
    return {
        "title": {"en": title},
        **({"starts_at": f"{start}+09:00"} if start else {}),
        **({"ends_at": f"{end}+09:00"} if end else {}),
        **kw,
    }


def _api(app):
    create_organization(slug="ichcap")
    organizer = account("organizer@ichcap.org", organization="ichcap")
    return client_of(app), bearer(organizer), organizer


def test_days_decide_the_span_and_the_calendar_has_one_block_per_day(app):
    api, headers, organizer = _api(app)
    body = _body(sessions=[_session("Second day", "2031-11-19T14:00", "2031-11-19T15:00")])
    created = api.post("/api/v1/events", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    answer = created.get_json()
    assert answer["days"] == DAYS
    assert answer["starts_at"] == "2031-11-18T13:00:00+09:00"
    assert answer["ends_at"] == "2031-11-19T17:30:00+09:00"
    api.post("/api/v1/events/two-days/publish", headers=headers)
    cal = icalendar.Calendar.from_ical(api.get("/events/two-days.ics").data)
    entries = cal.walk("VEVENT")
    blocks = [
        (e.decoded("DTSTART").astimezone(UTC), e.decoded("DTEND").astimezone(UTC))
        for e in entries[:2]
    ]
    assert blocks == [
        (datetime(2031, 11, 18, 4, tzinfo=UTC), datetime(2031, 11, 18, 8, 30, tzinfo=UTC)),
        (datetime(2031, 11, 19, 4, tzinfo=UTC), datetime(2031, 11, 19, 8, 30, tzinfo=UTC)),
    ]
    assert len(entries) == 3 and str(entries[2]["UID"]).startswith("session-")


def test_a_session_outside_the_days_is_refused_field_by_field(app):
    api, headers, organizer = _api(app)
    cases = [
        (_session("Too early", "2031-11-18T10:00"), "sessions.0.starts_at"),
        (_session("Wrong day", "2031-12-05T14:00"), "sessions.0.starts_at"),
        (_session("Too long", "2031-11-18T16:00", "2031-11-18T18:00"), "sessions.0.ends_at"),
        (_session("No such day", day="2031-11-20"), "sessions.0.day"),
    ]
    for session, field in cases:
        refused = api.post("/api/v1/events", json=_body(sessions=[session]), headers=headers)
        assert refused.status_code == 422, session
        assert field in refused.get_json()["error"]["fields"], refused.get_json()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0


def test_a_session_of_an_evening_past_midnight_may_end_after_midnight_not_after_the_end(app):
    api, headers, organizer = _api(app)

    def night(slug, *sessions):
        body = {k: v for k, v in _body(slug, list(sessions)).items() if k != "days"}
        body |= {"starts_at": "2031-11-18T22:00:00+09:00", "ends_at": "2031-11-19T02:00:00+09:00"}
        return api.post("/api/v1/events", json=body, headers=headers)

    kept = night("night", _session("Late set", "2031-11-18T23:30", "2031-11-19T00:30"))
    assert kept.status_code == 201, kept.get_json()
    assert kept.get_json()["sessions"][0]["ends_at"] == "2031-11-19T00:30:00+09:00"
    refused = night("too-late", _session("Dawn", "2031-11-18T23:30", "2031-11-19T03:00"))
    assert refused.status_code == 422
    assert "sessions.0.ends_at" in refused.get_json()["error"]["fields"]


def test_the_session_form_refuses_a_time_outside_the_event_in_the_readers_language(app):
    api, headers, organizer = _api(app)
    assert api.post("/api/v1/events", json=_body(), headers=headers).status_code == 201
    browser = client_of(app)
    login(browser, organizer)
    url = "/ru/organize/events/two-days/sessions/new"
    page = browser.get(url)
    refused = browser.post(
        url,
        data={
            "csrf_token": csrf(page.text),
            "title_en": "Morning",
            "starts_at": "2031-11-18T10:00",
        },
    )
    assert refused.status_code == 422
    assert 'id="starts_at"' in refused.text and 'aria-invalid="true"' in refused.text
    assert "Сессия начинается" in refused.text  # the reader's language, not English
    assert not db.session.scalar(sa.select(Event).where(Event.slug == "two-days")).sessions


def test_sessions_follow_their_times_ties_move_and_uids_last(app):
    api, headers, organizer = _api(app)
    sessions = [
        _session("Late", "2031-11-19T15:00"),
        _session("Tie A", "2031-11-18T14:00"),
        _session("Tie B", "2031-11-18T14:00"),
        _session("Early", "2031-11-18T13:00"),
    ]
    assert (
        api.post("/api/v1/events", json=_body(sessions=sessions), headers=headers).status_code
        == 201
    )
    event = db.session.scalar(sa.select(Event).where(Event.slug == "two-days"))
    assert [s.title["en"] for s in event.sessions] == ["Early", "Tie A", "Tie B", "Late"]
    uids = {s.title["en"]: s.uid for s in event.sessions}

    browser = client_of(app)
    login(browser, organizer)
    page = browser.get("/en/organize/events/two-days")
    token = csrf(page.text)
    move = "/en/organize/events/two-days/sessions/{}/move"
    # Times decide: "Early" cannot go below "Tie A".
    browser.post(move.format(uids["Early"]), data={"csrf_token": token, "direction": "down"})
    browser.post(move.format(uids["Tie B"]), data={"csrf_token": token, "direction": "up"})
    db.session.expire_all()
    event = db.session.scalar(sa.select(Event).where(Event.slug == "two-days"))
    assert [s.title["en"] for s in event.sessions] == ["Early", "Tie B", "Tie A", "Late"]

    remove = f"/en/organize/events/two-days/sessions/{uids['Tie B']}/remove"
    confirm = browser.get(remove)  # removing asks first; nothing is gone yet
    assert confirm.status_code == 200 and "Remove the session" in confirm.text
    db.session.expire_all()
    assert len(db.session.scalar(sa.select(Event).where(Event.slug == "two-days")).sessions) == 4
    assert browser.post(remove, data={"csrf_token": csrf(confirm.text)}).status_code == 302
    db.session.expire_all()
    event = db.session.scalar(sa.select(Event).where(Event.slug == "two-days"))
    assert {s.title["en"]: s.uid for s in event.sessions} == {
        k: v for k, v in uids.items() if k != "Tie B"
    }  # the others keep their identity, so calendars never mix them up


def test_the_migration_turns_an_old_span_into_days_honestly(app):
    migrations = str(__import__("pathlib").Path(__file__).resolve().parent.parent / "migrations")
    downgrade(directory=migrations, revision="f6d70b3624b6")
    with db.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO event (slug, status, kind, title, topics, timezone, start_date,"
                " end_date, starts_at, ends_at, languages, sources, created_at, updated_at)"
                " VALUES ('old', 'published', 'meeting', '{\"en\": \"Old\"}', '[]', 'Asia/Seoul',"
                " :d1, :d2, :s, :e, '[]', '[]', :now, :now)"
            ),
            {
                "d1": date(2020, 11, 18),
                "d2": date(2020, 11, 20),
                "s": datetime(2020, 11, 18, 4, 0),
                "e": datetime(2020, 11, 20, 8, 30),
                "now": datetime(2026, 1, 1),
            },
        )
    upgrade(directory=migrations)
    db.session.expire_all()
    days = db.session.scalars(sa.select(EventDay).order_by(EventDay.day)).all()
    # One day per date; only the hours the span said (the middle day's are not known).
    assert [(d.day.day, d.starts, d.ends) for d in days] == [
        (18, time(13, 0), None),
        (19, None, None),
        (20, None, time(17, 30)),
    ]
