"""Calendar files: zones, sessions, all-day entries, only published events, no links."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from tests.eventkit import account, bearer, client_of, event_body
from tests.factories import create_event


def _calendar(response) -> icalendar.Calendar:
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    return icalendar.Calendar.from_ical(response.data)


def test_an_event_with_its_sessions_in_its_zone(seeded_client):
    cal = _calendar(seeded_client.get("/events/2020-silk-roads-ich-strategic-meeting.ics?lang=ru"))
    zones = [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")]
    assert zones == ["Asia/Seoul"]
    entries = cal.walk("VEVENT")
    days, sessions = entries[:2], entries[2:]
    # Two day blocks, 13:00–17:30 in Seoul each day: not one 28.5-hour block.
    assert [
        (d.decoded("DTSTART").astimezone(UTC), d.decoded("DTEND").astimezone(UTC)) for d in days
    ] == [
        (datetime(2020, 11, 18, 4, 0, tzinfo=UTC), datetime(2020, 11, 18, 8, 30, tzinfo=UTC)),
        (datetime(2020, 11, 19, 4, 0, tzinfo=UTC), datetime(2020, 11, 19, 8, 30, tzinfo=UTC)),
    ]
    assert all(d["DTSTART"].params["TZID"] == "Asia/Seoul" for d in days)
    assert str(days[0]["SUMMARY"]).startswith("Стратегическое")  # the title in Russian
    assert len(sessions) == 1  # only the session with a time; day-only ones ride on their day
    assert sessions[0].decoded("DTSTART").astimezone(UTC) == datetime(2020, 11, 19, 4, tzinfo=UTC)
    assert str(sessions[0]["RELATED-TO"]) == str(days[1]["UID"])


def test_date_only_events_are_all_day_and_the_feed_has_every_published_event(app):
    create_event(
        slug="festival-days",
        timezone="Asia/Tashkent",
        starts_at=None,
        ends_at=None,
        start_date="2030-09-10",
        end_date="2030-09-15",
    )
    client = client_of(app)
    # Days without hours, one after another, are one all-day block.
    (entry,) = _calendar(client.get("/events/festival-days.ics")).walk("VEVENT")
    assert entry.decoded("DTSTART") == date(2030, 9, 10)
    assert entry.decoded("DTEND") == date(2030, 9, 16)  # exclusive end: the 15th is included

    api, headers = client_of(app), bearer(account("o@ichcap.org"))
    # At 10:00 in Seoul ten days on: this test is about drafts and the feed, whatever the
    # hour it runs at.
    seoul = ZoneInfo("Asia/Seoul")
    ten_days = datetime.now(seoul).replace(hour=10, minute=0, second=0, microsecond=0)
    starts_in = ten_days + timedelta(days=10) - datetime.now(seoul)
    api.post("/api/v1/events", json=event_body("draft-only", starts_in), headers=headers)
    feed = _calendar(client.get("/events.ics"))
    uids = {str(e["UID"]) for e in feed.walk("VEVENT")}
    assert any(uid.startswith("event-festival-days-20300910@") for uid in uids)
    assert not any("draft-only" in uid for uid in uids)
    assert client.get("/events/draft-only.ics").status_code == 404
    api.post("/api/v1/events/draft-only/publish", headers=headers)
    body = client.get("/events/draft-only.ics").get_data(as_text=True)
    assert "secret-room" not in body and "session-room" not in body
    start = _calendar(client.get("/events/draft-only.ics")).walk("VEVENT")[0].decoded("DTSTART")
    assert timedelta(days=9) < start - datetime.now(UTC) < timedelta(days=11)


def test_an_evening_that_runs_past_midnight_is_one_timed_entry_not_whole_days(app):
    # 22:00 to 02:00 in Seoul: the organiser gave two instants, so a calendar shows those
    # four hours, not two whole days with the hours lost.
    create_event(
        slug="night-concert",
        starts_at="2030-11-18T22:00:00+09:00",
        ends_at="2030-11-19T02:00:00+09:00",
    )
    (entry,) = _calendar(client_of(app).get("/events/night-concert.ics")).walk("VEVENT")
    assert entry["DTSTART"].params["TZID"] == "Asia/Seoul"
    assert entry.decoded("DTSTART").astimezone(UTC) == datetime(2030, 11, 18, 13, tzinfo=UTC)
    assert entry.decoded("DTEND").astimezone(UTC) == datetime(2030, 11, 18, 17, tzinfo=UTC)
    # A span over several days, given by its first start and last end, likewise.
    create_event(
        slug="three-day-forum",
        starts_at="2030-06-01T10:00:00+05:00",
        ends_at="2030-06-03T18:00:00+05:00",
        timezone="Asia/Tashkent",
    )
    (entry,) = _calendar(client_of(app).get("/events/three-day-forum.ics")).walk("VEVENT")
    assert entry.decoded("DTSTART").astimezone(UTC) == datetime(2030, 6, 1, 5, tzinfo=UTC)
    assert entry.decoded("DTEND").astimezone(UTC) == datetime(2030, 6, 3, 13, tzinfo=UTC)


def test_a_feed_in_the_browsers_language_tells_caches_it_varies_by_that(seeded_client):
    urls = ("/events.ics", "/events/2020-silk-roads-ich-webinar.ics", "/festivals/naadam.ics")
    for url in urls:
        ru = seeded_client.get(url, headers={"Accept-Language": "ru"})
        en = seeded_client.get(url, headers={"Accept-Language": "en"})
        assert ru.status_code == en.status_code == 200, url
        assert ru.data != en.data  # the names are in the asked language
        assert "accept-language" in ru.headers["Vary"].lower(), url
        # With the language in the address, the answer is the same for every browser.
        fixed = seeded_client.get(f"{url}?lang=ko", headers={"Accept-Language": "ru"})
        assert "accept-language" not in fixed.headers.get("Vary", "").lower()
