"""Calendar feeds for other systems: a festival's editions, events per country and kind."""

from datetime import date, timedelta

import icalendar

from tests.eventkit import client_of
from tests.factories import create_country, create_event, create_festival


def _calendar(response) -> icalendar.Calendar:
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    return icalendar.Calendar.from_ical(response.data)


def test_a_festivals_dated_editions_are_all_day_entries_in_the_readers_language(app):
    create_country("UZ")
    create_festival(
        slug="boysun-bahori",
        name={"en": "Boysun Bahori", "ru": "Бойсун бахори"},
        city={"en": "Boysun", "ru": "Байсун"},
        countries=["UZ"],
        editions=[
            {"year": 2019, "start_date": "2019-05-10", "end_date": "2019-05-12", "country": "UZ"},
            {"year": 2021},  # no date: not in a calendar
        ],
    )
    client = client_of(app)
    cal = _calendar(client.get("/festivals/boysun-bahori.ics?lang=ru"))
    (entry,) = cal.walk("VEVENT")
    assert str(entry["SUMMARY"]) == "Бойсун бахори 2019"
    assert entry.decoded("DTSTART") == date(2019, 5, 10)
    assert entry.decoded("DTEND") == date(2019, 5, 12) + timedelta(days=1)  # exclusive end
    assert str(entry["LOCATION"]) == "Байсун, Узбекистан"
    assert str(entry["URL"]).endswith("/ru/festivals/boysun-bahori")
    assert client.get("/festivals/no-such.ics").status_code == 404


def test_events_feed_per_country_and_kind(app):
    create_country("UZ")
    create_country("KR")
    create_event(slug="tashkent-meeting", kind="meeting", country="UZ", venue={"en": "Hall"})
    create_event(slug="seoul-webinar", kind="webinar", country="KR", online=True)
    client = client_of(app)

    def slugs(url):
        cal = _calendar(client.get(url))
        # One entry per day block, named by the event and the block's first day.
        uids = [str(e["UID"]).split("@")[0] for e in cal.walk("VEVENT")]
        assert all(uid[-8:].isdigit() for uid in uids), uids
        return sorted(uid[: -len("-YYYYMMDD")] for uid in uids)

    assert slugs("/events.ics") == ["event-seoul-webinar", "event-tashkent-meeting"]
    assert slugs("/events.ics?country=uz") == ["event-tashkent-meeting"]
    assert slugs("/events.ics?kind=webinar") == ["event-seoul-webinar"]
    assert slugs("/events.ics?kind=webinar&country=UZ") == []
    named = _calendar(client.get("/events.ics?country=UZ&lang=ru"))
    assert "Узбекистан" in str(named["X-WR-CALNAME"])
    bad = client.get("/events.ics?country=Uzbekistan")
    assert bad.status_code == 400 and "country" in bad.text


def test_the_calendar_feeds_are_linked_from_the_pages(seeded_app, seeded_client):
    import sqlalchemy as sa

    from kb.extensions import db
    from kb.models import Festival

    with seeded_app.app_context():
        festival = db.session.scalars(
            sa.select(Festival).where(Festival.status == "published", Festival.editions.any())
        ).first()
        slug = festival.slug
        dated = any(e.start_date for e in festival.editions)
    page = seeded_client.get(f"/ko/festivals/{slug}").text
    assert (f'href="/festivals/{slug}.ics?lang=ko"' in page) == dated
    assert 'href="/events.ics?country=UZ&amp;lang=ru"' in seeded_client.get("/ru/countries/uz").text
    listing = seeded_client.get("/en/events/?kind=webinar").text
    assert 'href="/events.ics?kind=webinar&amp;lang=en"' in listing
