"""The calendar page: a month grid with its days listed, a year, filters by country, type
and element, times in the reader's zone, festivals by their usual months when their dates
are not known, and the `.ics` subscription that carries the same filters."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
import sqlalchemy as sa

from kb.extensions import db
from kb.tz import today_in

WEBINAR = "/events/2020-silk-roads-ich-webinar"
MEETING = "/events/2020-silk-roads-ich-strategic-meeting"


def _page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def _cells(page: str) -> dict[int, str]:
    """The month grid's cells by day of the month (cells of other months left out)."""
    grid = page.split('<table class="month-grid">', 1)[1].split("</table>", 1)[0]
    cells = {}
    for cell in re.findall(r"<td[^>]*>(.*?)</td>", grid, re.S):
        number = re.search(r'class="day-num"[^>]*>(\d+)', cell)
        if number:
            cells[int(number.group(1))] = cell
    return cells


def _agenda_day(page: str, day: str) -> str:
    match = re.search(rf'<li id="d-{day}">(.*?)</li>\s*(?:<li id="d-|</ol>)', page, re.S)
    return match.group(1) if match else ""


def _feed(page: str) -> str:
    return html.unescape(re.search(r'<p class="cal-feed"><a href="([^"]+)"', page).group(1))


def test_the_month_view_shows_the_2020_meetings_on_18_and_19_november(seeded_client):
    page = _page(seeded_client, "/en/calendar?year=2020&month=11")
    cells = _cells(page)
    assert sorted(cells) == list(range(1, 31))
    for day in (18, 19):
        assert f"/en{WEBINAR}" in cells[day] and f"/en{MEETING}" in cells[day]
    assert not any(f"/en{WEBINAR}" in cells[d] for d in cells if d not in (18, 19))
    # The list below the grid gives the hours in the reader's zone (UTC until chosen)
    # and in the event's own.
    day = _agenda_day(page, "2020-11-18")
    assert "04:00–08:30" in day and "13:00–17:30" in day and "Asia/Seoul" in day
    assert "Wednesday, November 18, 2020" in day
    assert "<table" in page and "<caption>" in page and 'scope="col"' in page


def test_times_follow_the_readers_zone_and_the_choice_is_kept(seeded_client):
    response = seeded_client.get("/en/calendar?year=2020&month=11&tz=America/Los_Angeles")
    assert response.status_code == 200
    assert "tz=America/Los_Angeles" in response.headers["Set-Cookie"]
    page = response.get_data(as_text=True)
    cells = _cells(page)
    # 13:00 in Seoul is 20:00 the evening before in Los Angeles.
    assert f"/en{WEBINAR}" in cells[17] and f"/en{WEBINAR}" in cells[18]
    assert f"/en{WEBINAR}" not in cells[19]
    evening = _agenda_day(page, "2020-11-17")
    assert "20:00–Wed, Nov 18, 00:30" in evening and "13:00–17:30" in evening
    # The cookie alone keeps the zone on the next visit.
    assert f"/en{WEBINAR}" in _cells(_page(seeded_client, "/en/calendar?year=2020&month=11"))[17]


def test_the_zone_choice_is_short_and_every_other_zone_is_one_link_away(seeded_client):
    page = _page(seeded_client, "/en/calendar?year=2020&month=11&country=KR&tz=Asia/Tashkent")
    select = re.search(r'<select id="c-tz" name="tz">(.*?)</select>', page, re.S).group(1)
    # The reader's zone (named by its city and offset) and UTC, not 420 options.
    assert re.findall(r'<option value="([^"]+)"', select) == ["Asia/Tashkent", "UTC"]
    assert "Tashkent (UTC+5)" in select
    other = html.unescape(re.search(r'<a class="small" href="([^"]+)"', page).group(1))
    assert urlsplit(other).path == "/en/time-zone"
    back = parse_qs(urlsplit(other).query)["next"][0]
    # Choosing there comes back to this view, its filters kept and the old zone dropped.
    assert urlsplit(back).path == "/en/calendar"
    assert parse_qs(urlsplit(back).query) == {"year": ["2020"], "month": ["11"], "country": ["KR"]}


def test_a_festival_edition_stands_on_its_dates(seeded_client):
    cells = _cells(_page(seeded_client, "/en/calendar?year=2016&month=9"))
    link = "/en/festivals/world-nomad-games"
    assert [d for d in cells if link in cells[d]] == [3, 4, 5, 6, 7, 8]
    page = _page(seeded_client, "/en/calendar?year=2016&month=9")
    first = re.sub(r"<[^>]+>", "", _agenda_day(page, "2016-09-03"))
    assert "World Nomad Games 2016" in first and "Sep 3\u2009–\u20098, 2016" in first
    assert "(continues)" in _agenda_day(page, "2016-09-04")


def test_festivals_without_dates_stand_in_their_usual_months_marked_as_such(seeded_client):
    page = _page(seeded_client, "/en/calendar?year=2016&month=9")
    usual = page.split('<section class="usual"', 1)[1].split("</section>", 1)[0]
    assert "/en/festivals/jeonju-international-sori-festival" in usual
    assert "Dates not known; usually held in September." in usual
    assert "Every year" in usual  # how often it is held, since the year's dates are not known
    # Not in the grid, and not where the festival has dates that year.
    assert "jeonju" not in "".join(_cells(page).values())
    assert "world-nomad-games" not in usual
    # An edition recorded without its dates is named.
    page = _page(seeded_client, "/en/calendar?year=2018&month=9")
    assert "Dates of the 2018 edition not known; usually held in September." in page
    # Not before the festival's first year.
    assert "jeonju" not in _page(seeded_client, "/en/calendar?year=1999&month=9")


def test_filters_narrow_by_country_type_and_element(seeded_client):
    url = "/en/calendar?year=2022&month=9"
    assert "/en/festivals/world-nomad-games" in "".join(_cells(_page(seeded_client, url)).values())
    # The 2022 Games were held in Türkiye, not in Kyrgyzstan.
    assert "world-nomad-games" in "".join(
        _cells(_page(seeded_client, url + "&country=TR")).values()
    )
    assert "world-nomad-games" not in _page(seeded_client, url + "&country=KG")
    webinars = _cells(_page(seeded_client, "/en/calendar?year=2020&month=11&type=webinar"))
    assert f"/en{WEBINAR}" in webinars[18] and f"/en{MEETING}" not in webinars[18]
    festivals = _page(seeded_client, "/en/calendar?year=2016&month=9&type=festival-edition")
    assert "world-nomad-games" in festivals
    assert "world-nomad-games" not in _page(
        seeded_client, "/en/calendar?year=2016&month=9&type=webinar"
    )
    # Events are linked to no element: with one, only festivals presenting it remain.
    bakhshi = _page(seeded_client, "/en/calendar?year=2019&month=4&element=bakhshi-art")
    cells = _cells(bakhshi)
    assert "/en/festivals/international-bakhshi-art-festival" in cells[5]
    assert "boysun" not in "".join(cells.values()) + _agenda_day(bakhshi, "2019-04-05")
    assert "boysun" in "".join(
        _cells(_page(seeded_client, "/en/calendar?year=2018&month=4")).values()
    )
    assert f"/en{WEBINAR}" not in _page(
        seeded_client, "/en/calendar?year=2020&month=11&element=bakhshi-art"
    )


def test_the_year_view_lists_each_month(seeded_client):
    page = _page(seeded_client, "/en/calendar?year=2020")
    assert "<h1>2020</h1>" in page
    november = page.split('id="m-11"', 1)[1].split("</tbody>", 1)[0]
    assert f"/en{WEBINAR}" in november and f"/en{MEETING}" in november
    assert "Nov 18\u2009–\u200919, 2020" in november
    assert 'href="/en/calendar?year=2020&amp;month=11"' in page
    april = page.split('id="m-4"', 1)[1].split("</tbody>", 1)[0]
    assert "/en/events/2020-silk-roads-ich-advisory-meeting" in april
    assert "Dates not known" in page.split('id="m-9"', 1)[1].split("</tbody>", 1)[0]


@pytest.mark.parametrize(
    ("lang", "month", "weekday"),
    [
        ("en", "November 2020", "Wednesday"),
        ("ru", "Ноябрь 2020\u202fг.", "среда"),
        ("ko", "2020년 11월", "수요일"),
    ],
)
def test_the_calendar_reads_in_each_language(seeded_client, lang, month, weekday):
    page = _page(seeded_client, f"/{lang}/calendar?year=2020&month=11")
    assert f"<h1>{month}</h1>" in page
    assert weekday in page
    assert f'href="/{lang}{WEBINAR}"' in page
    assert f"lang={lang}" in _feed(page)


def test_this_month_is_the_default(seeded_client):
    page = _page(seeded_client, "/en/calendar")
    assert 'aria-current="date"' in page
    assert '<table class="month-grid">' in page


@pytest.mark.parametrize(
    "query",
    [
        "month=13",
        "year=1",
        "year=99999999999999999999",
        "year=2020&month=0",
        "type=party",
        "country=Uzbekistan",
        "year=abc",
    ],
)
def test_bad_filters_are_refused_with_a_message(seeded_client, query):
    page = _page(seeded_client, f"/en/calendar?{query}", status=400)
    assert 'role="alert"' in page and "cal-feed" not in page


def test_the_subscription_carries_the_filters_of_the_view(seeded_client):
    page = _page(seeded_client, "/en/calendar?year=2016&month=9&country=KG&type=festival-edition")
    feed = urlsplit(_feed(page))
    assert feed.path == "/events.ics"
    assert parse_qs(feed.query) == {
        "festivals": ["1"],
        "country": ["KG"],
        "kind": ["festival-edition"],
        "lang": ["en"],
    }
    cal = icalendar.Calendar.from_ical(seeded_client.get(f"{feed.path}?{feed.query}").data)
    uids = {str(e["uid"]) for e in cal.walk("VEVENT")}
    assert "festival-world-nomad-games-2016@silk-roads-ich.kb" in uids
    assert "festival-world-nomad-games-2022@silk-roads-ich.kb" not in uids  # held in Türkiye
    assert not any(uid.startswith("event-") for uid in uids)

    page = _page(seeded_client, "/en/calendar?year=2019&element=bakhshi-art")
    feed = urlsplit(_feed(page))
    assert parse_qs(feed.query)["element"] == ["bakhshi-art"]
    cal = icalendar.Calendar.from_ical(seeded_client.get(f"{feed.path}?{feed.query}").data)
    assert {str(e["uid"]) for e in cal.walk("VEVENT")} == {
        "festival-international-bakhshi-art-festival-2019@silk-roads-ich.kb"
    }


def test_the_unfiltered_subscription_holds_events_and_editions(seeded_client):
    feed = urlsplit(_feed(_page(seeded_client, "/en/calendar?year=2020&month=11")))
    assert parse_qs(feed.query) == {"festivals": ["1"], "lang": ["en"]}
    cal = icalendar.Calendar.from_ical(seeded_client.get(f"{feed.path}?{feed.query}").data)
    uids = {str(e["uid"]) for e in cal.walk("VEVENT")}
    assert "event-2020-silk-roads-ich-webinar-20201118@silk-roads-ich.kb" in uids
    assert "festival-world-nomad-games-2016@silk-roads-ich.kb" in uids
    # The plain feed keeps its contract: events only.
    plain = icalendar.Calendar.from_ical(seeded_client.get("/events.ics").data)
    assert not any(str(e["uid"]).startswith("festival-") for e in plain.walk("VEVENT"))
    assert seeded_client.get("/events.ics?festivals=perhaps").status_code == 400


def test_home_event_and_festival_pages_link_the_calendar(seeded_client):
    assert 'href="/en/calendar"' in _page(seeded_client, "/en/")
    event = _page(seeded_client, f"/en{WEBINAR}")
    assert 'href="/en/calendar?year=2020&amp;month=11"' in event
    festival = _page(seeded_client, "/en/festivals/world-nomad-games")
    assert 'href="/en/calendar?year=2024&amp;month=9"' in festival


def test_country_and_element_pages_link_their_calendar(seeded_client):
    year = today_in("UTC").year  # no zone is known to the test client
    country = _page(seeded_client, "/en/countries/uz")
    assert f'href="/en/calendar?country=UZ&amp;year={year}"' in country
    element = _page(seeded_client, "/en/elements/bakhshi-art")
    assert f'href="/en/calendar?element=bakhshi-art&amp;year={year}"' in element
    page = _page(seeded_client, f"/en/calendar?element=bakhshi-art&year={year}")
    assert "/en/festivals/international-bakhshi-art-festival" in page


@pytest.mark.parametrize(
    "url",
    [
        "/en/calendar?year=2020&month=11",
        "/en/calendar?year=2020",
        "/en/calendar?year=2016&month=9&country=KG&element=bakhshi-art",
    ],
)
def test_a_view_costs_a_few_statements_however_much_it_holds(seeded_app, seeded_client, url):
    """Eager loading, no statement per event or festival (11 or 12 on the seeded data)."""
    with seeded_app.app_context():
        engine = db.engine
    seen = []

    def note(*args):
        seen.append(args[2])

    seeded_client.get(url)  # warm
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        assert seeded_client.get(url).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    assert len(seen) <= 13, "\n".join(s.split("\n")[0][:120] for s in seen)


def test_record_pages_link_the_calendar_the_same_for_every_reader(seeded_client, monkeypatch):
    """A record page is kept per UTC day for every anonymous reader (kb.httpcache), so its
    calendar links cannot follow one reader's zone: on New Year's Eve in UTC, a reader
    already in the new year must get the page everyone gets."""
    import datetime as dt

    import kb.views.calendar as calendar_views

    monkeypatch.setattr(
        calendar_views,
        "today_in",
        lambda zone: dt.date(2026, 12, 31) if zone == "UTC" else dt.date(2027, 1, 1),
    )
    seeded_client.set_cookie("tz", "Pacific/Kiritimati")
    far = _page(seeded_client, "/en/countries/UZ")
    seeded_client.delete_cookie("tz")
    near = _page(seeded_client, "/en/countries/UZ")
    assert "year=2026" in near and "year=2027" not in far and "year=2027" not in near
