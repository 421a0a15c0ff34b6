"""The programme in the event's zone and the reader's: UTC−5, UTC+9, UTC; day headings."""

import re
from datetime import UTC, date, datetime, timedelta

from tests import cldr
from tests.eventkit import account, bearer, client_of, event_body, iso
from tests.factories import create_event

WEBINAR = "/en/events/2020-silk-roads-ich-webinar"
START = datetime(2020, 11, 18, 4, 0, tzinfo=UTC)  # 13:00 in Seoul
END = datetime(2020, 11, 19, 8, 30, tzinfo=UTC)  # 17:30 in Seoul, the next day


def _plain(response) -> str:
    """The page's body (the head's JSON-LD names the sessions too, out of reading order)."""
    return cldr.plain(response.text.split("</head>", 1)[-1])


def test_a_reader_in_bogota_sees_both_zones_and_the_previous_day(seeded_client):
    response = seeded_client.get(WEBINAR + "?tz=America/Bogota")
    html = _plain(response)
    assert "tz=America/Bogota" in response.headers["Set-Cookie"]  # the choice is kept
    assert "(GMT+09:00, Asia/Seoul)" in html and "GMT-05:00, America/Bogota" in html
    assert "Times are shown in the event’s time zone" in html
    # 13:00 in Seoul on 18 November is 23:00 on 17 November in Bogotá.
    assert cldr.full_date(date(2020, 11, 18), "en") in html
    heading = cldr.full_date(date(2020, 11, 17), "en")
    assert f"In your time zone (America/Bogota): {heading}" in html
    assert "Tuesday" in heading and "November 17" in heading
    bogota = "America/Bogota"
    day, clock = cldr.short_day(date(2020, 11, 17), "en"), cldr.clock(START, bogota, "en")
    assert f"your time: {day}, {clock}" in html and clock == "23:00"
    # Each day's block, 13:00–17:30 in Seoul, runs over midnight in Bogotá: said per day.
    blocks = [
        f"{cldr.long_date(date(2020, 11, d), 'en')}, 23:00–"
        f"{cldr.short_day(date(2020, 11, d + 1), 'en')}, 03:30"
        for d in (17, 18)
    ]
    assert f"Your time: {'; '.join(blocks)}" in html
    assert '<option value="America/Bogota" selected>' in html


def test_a_reader_in_tokyo_sees_one_clock_and_is_told_so(seeded_client):
    seeded_client.set_cookie("tz", "Asia/Tokyo")
    html = _plain(seeded_client.get(WEBINAR))
    seeded_client.delete_cookie("tz")
    assert "which shows the same time as yours (Asia/Tokyo)" in html
    assert "your time:" not in html and "In your time zone" not in html
    days = cldr.date_range(date(2020, 11, 18), date(2020, 11, 19), "en")
    assert f"{days}, 13:00–17:30 each day" in html  # two days, not one 28.5-hour span


def test_a_reader_whose_zone_is_unknown_gets_the_event_zone_and_a_choice(seeded_client):
    """Without a script or an earlier choice: the event's own zone, said so (issue 13
    item 4: never an unexplained UTC), and a way to choose."""
    html = _plain(seeded_client.get("/ru/events/2020-silk-roads-ich-webinar"))
    assert (
        'name="tz"' in html and " selected" not in html.split('name="tz"')[1].split("</select>")[0]
    )
    assert "13:00" in html and "04:00" not in html  # in Seoul, the event's zone, not UTC
    assert "Время указано по часовому поясу мероприятия" in html
    assert 'src="/static/js/reader-zone.js?v=' in html  # versioned by its content
    heading = cldr.full_date(date(2020, 11, 18), "ru")  # the day heading, the Russian way
    assert heading in html and "среда" in heading and "ноября" in heading
    html = _plain(seeded_client.get(WEBINAR + "?tz=Not/AZone"))
    assert "13:00" in html and "04:00" not in html


def test_sessions_are_grouped_by_day_with_undated_ones_last(seeded_client):
    html = _plain(seeded_client.get("/en/events/2020-silk-roads-ich-strategic-meeting?tz=UTC"))
    first = html.index(cldr.full_date(date(2020, 11, 18), "en"))
    second = html.index(cldr.full_date(date(2020, 11, 19), "en"))
    assert first < html.index("Case Studies on the Vitalization") < second
    assert second < html.index("Cooperation and Solidarity") and "04:00" in html
    html = _plain(seeded_client.get(WEBINAR))
    assert html.index("Opening ceremony") < html.index("Date to be announced")
    assert html.index("Date to be announced") < html.index('<h4><span lang="en">Viability')


def test_past_ongoing_and_upcoming_states(app):
    body = event_body("now", starts_in=timedelta(hours=-1))
    body["sessions"] = [
        {
            "title": {"en": "Done"},
            "starts_at": iso(timedelta(hours=-1)),
            "ends_at": iso(timedelta(minutes=-30)),
        },
        {
            "title": {"en": "Live"},
            "starts_at": iso(timedelta(minutes=-30)),
            "ends_at": iso(timedelta(hours=1)),
        },
        {
            "title": {"en": "Next"},
            "starts_at": iso(timedelta(hours=1)),
            "ends_at": iso(timedelta(hours=2)),
        },
    ]
    body["ends_at"] = iso(timedelta(hours=2))
    api, headers = client_of(app), bearer(account("o@ichcap.org"))
    assert api.post("/api/v1/events", json=body, headers=headers).status_code == 201
    api.post("/api/v1/events/now/publish", headers=headers)
    html = api.get("/en/events/now").text
    assert 'state state-ongoing">Happening now' in html
    order = [html.index(f"session-{s}") for s in ("past", "ongoing", "upcoming")]
    assert order == sorted(order)
    assert api.get("/api/v1/events/now").get_json()["state"] == "ongoing"


def test_an_evening_past_midnight_reads_as_one_stretch_with_the_end_s_day(app):
    create_event(
        slug="night-concert",
        starts_at="2030-11-18T22:00:00+09:00",
        ends_at="2030-11-19T02:00:00+09:00",
    )
    html = _plain(client_of(app).get("/en/events/night-concert"))
    # Not "22:00–…; …–02:00" as two days with half an hour each.
    stretch = f"{cldr.long_date(date(2030, 11, 18), 'en')}, 22:00–"
    stretch += f"{cldr.short_day(date(2030, 11, 19), 'en')}, 02:00"
    assert stretch in html and "…" not in html.split("<main", 1)[-1].split("</dl>", 1)[0]


def test_a_stretch_among_other_days_and_in_the_network_calendar_keeps_both_ends(app):
    create_event(
        slug="night-and-day",
        title={"en": "Night and day"},
        starts_at=None,
        ends_at=None,
        days=[
            {"day": "2030-11-18", "starts": "22:00"},
            {"day": "2030-11-19", "ends": "02:00"},
            {"day": "2030-11-21", "starts": "10:00", "ends": "12:00"},
        ],
        sessions=[
            {
                "title": {"en": "Late set"},
                "starts_at": "2030-11-18T23:30:00+09:00",
                "ends_at": "2030-11-19T00:30:00+09:00",
            }
        ],
    )
    stretch = f"22:00–{cldr.short_day(date(2030, 11, 19), 'en')}, 02:00"
    html = _plain(client_of(app).get("/en/events/night-and-day"))
    body = html.split("<main", 1)[-1]
    # The "When" line and the programme's heading: the stretch as one, then the other day.
    assert f"{cldr.long_date(date(2030, 11, 18), 'en')}, {stretch}; " in body
    assert f"{cldr.full_date(date(2030, 11, 18), 'en')}, {stretch}" in body
    assert "22:00–…" not in body and "…–02:00" not in body  # no half-known hours
    # The network's calendar, read in UTC: one entry on the 18th with both ends.
    month = _plain(client_of(app).get("/en/calendar?year=2030&month=11&tz=UTC"))
    entry = " ".join(re.sub("<[^>]+>", " ", month.split("Day by day", 1)[-1]).split())
    assert entry.count("Night and day") == 2  # the 18th (13:00-17:00 UTC) and the 21st
    assert "13:00–17:00 (UTC)" in entry and f"{stretch} in the event" in entry
