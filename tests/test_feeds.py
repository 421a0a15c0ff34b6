"""Calendar feeds for other systems: a festival's editions, events per country and kind."""

import re
from datetime import date, timedelta

import icalendar

from kb.extensions import db
from tests.eventkit import client_of
from tests.factories import create_country, create_element, create_event, create_festival


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


ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _atom(response):
    """The feed, checked against what RFC 4287 requires of a feed and of each entry."""
    from lxml import etree

    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    assert "max-age=" in response.headers["Cache-Control"]
    feed = etree.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    for element in [feed, *feed.findall(f"{ATOM}entry")]:
        for required in ("id", "title", "updated"):
            assert len(element.findall(f"{ATOM}{required}")) == 1, (element, required)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", element.findtext(f"{ATOM}updated"))
        assert element.find(f"{ATOM}author/{ATOM}name").text
        (alternate,) = element.findall(f"{ATOM}link[@rel='alternate']")
        assert alternate.get("href").startswith("http://")
        assert element.findtext(f"{ATOM}id").startswith("http://")
    self_link = feed.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == feed.findtext(f"{ATOM}id")
    return feed


def _entries(feed) -> list[str]:
    return [e.find(f"{ATOM}link[@rel='alternate']").get("href") for e in feed.iter(f"{ATOM}entry")]


def test_atom_feeds_list_public_changes_newest_first_per_language_and_type(app):
    base = app.config["BASE_URL"].rstrip("/")
    create_country("UZ")
    create_element(
        slug="katta-ashula",
        name={"en": "Katta ashula", "ru": "Катта ашула"},
        summary={"en": "Sung with a tray.", "ru": "Поют с подносом."},
    )
    hidden = create_element(slug="hidden-draft")
    hidden.status = "draft"
    db.session.commit()
    create_event(slug="spring-webinar", title={"en": "Spring webinar"})
    client = client_of(app)

    feed = _atom(client.get("/ru/feed.atom", base_url="http://evil.example"))
    assert feed.get(XML_LANG) == "ru"
    links = _entries(feed)
    assert links[0] == f"{base}/ru/events/spring-webinar"  # the newest change comes first
    assert f"{base}/ru/elements/katta-ashula" in links and f"{base}/ru/countries/uz" in links
    assert not any("hidden-draft" in link or "evil.example" in link for link in links)
    entry = next(e for e in feed.iter(f"{ATOM}entry") if "katta-ashula" in e.findtext(f"{ATOM}id"))
    assert entry.findtext(f"{ATOM}title") == "Катта ашула"
    assert entry.findtext(f"{ATOM}summary") == "Поют с подносом."
    assert entry.find(f"{ATOM}category").get("term") == "element"

    elements = _atom(client.get("/ko/feeds/elements.atom"))
    assert _entries(elements) == [f"{base}/ko/elements/katta-ashula"]
    fallback = next(elements.iter(f"{ATOM}entry")).find(f"{ATOM}title")
    assert fallback.get(XML_LANG) == "en"  # no Korean name: the English one, tagged as such
    assert _atom(client.get("/en/feeds/countries.atom")) is not None
    assert client.get("/en/feeds/nothing.atom").status_code == 404
    assert client.get("/xx/feed.atom").status_code == 404
    events = _atom(client.get("/en/feeds/events.atom"))  # not taken for an event's slug
    assert _entries(events) == [f"{base}/en/events/spring-webinar"]


def test_an_empty_knowledge_base_has_a_valid_empty_feed(app):
    feed = _atom(client_of(app).get("/en/feed.atom"))
    assert _entries(feed) == []


def test_pages_link_their_feeds_and_calendars_in_the_head(seeded_app, seeded_client):
    def alternates(url):
        page = seeded_client.get(url)
        assert page.status_code == 200
        found = re.findall(
            r'<link rel="alternate" type="([^"]+)" title="[^"]+" href="([^"]+)">', page.text
        )
        return set(found)

    home = alternates("/ru/")
    assert ("application/atom+xml", "/ru/feed.atom") in home
    listing = alternates("/ko/festivals/")
    assert ("application/atom+xml", "/ko/feeds/festivals.atom") in listing
    assert ("application/atom+xml", "/ko/feed.atom") in listing
    assert ("text/csv", "/festivals.csv") in listing
    assert ("application/json", "/festivals.json") in listing
    assert ("text/csv", "/festivals.csv") not in alternates("/ko/festivals/atlas-bayrami")
    assert ("text/calendar", "/events.ics?kind=webinar&amp;lang=en") in alternates(
        "/en/events/?kind=webinar"
    )
    assert ("text/calendar", "/events.ics?country=UZ&amp;lang=ru") in alternates("/ru/countries/uz")
    for _type, href in home | listing:
        assert seeded_client.get(href.replace("&amp;", "&")).status_code == 200
