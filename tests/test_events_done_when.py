"""Issue 5's "Done when", literally: an organiser's API event, registration, links, .ics."""

from datetime import UTC, datetime

import icalendar

from tests.eventkit import account, bearer, client_of, event_body, outbox, person
from tests.workerkit import run_worker_once

SECRETS = ("secret-room-4821", "session-room-7713")


def test_api_event_registration_and_links_exactly_once(app, runner):
    organizer = account("organizer@ichcap.org")
    api = client_of(app)
    headers = bearer(organizer)
    created = api.post("/api/v1/events", json=event_body("network-webinar"), headers=headers)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["status"] == "draft"
    published = api.post("/api/v1/events/network-webinar/publish", headers=headers)
    assert published.status_code == 200
    assert published.get_json()["registration_state"] == "open"

    visitor = client_of(app)
    url = "/api/v1/events/network-webinar/registrations"
    first = visitor.post(url, json=person("aigerim@example.kz"))
    assert first.status_code == 201, first.get_json()
    run_worker_once()  # the worker sends what the request queued
    mails = outbox()
    assert [m["To"] for m in mails] == ["aigerim@example.kz"]

    again = visitor.post(url, json=person("Aigerim@Example.kz", name="Someone else"))
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "already_registered"
    assert visitor.post(url, json=person("timur@example.uz", language="en")).status_code == 201
    run_worker_once()
    assert len(outbox()) == 2  # one confirmation each, no more

    for _run in range(2):
        result = runner.invoke(args=["events", "send-links", "--event", "network-webinar"])
        assert result.exit_code == 0, result.output
    links = [m for m in outbox() if all(s in m.get_body(("plain",)).get_content() for s in SECRETS)]
    assert sorted(m["To"] for m in links) == ["aigerim@example.kz", "timur@example.uz"]
    assert len(outbox()) == 4

    answers = [
        first,
        again,
        created,
        published,
        visitor.get("/api/v1/events/network-webinar"),
        visitor.get("/api/v1/events?per_page=100"),
        visitor.get("/api/v1/events?when=upcoming"),
        visitor.get("/api/v1/organizations?per_page=100"),
        visitor.get("/events/network-webinar.ics"),
        visitor.get("/events.ics"),
    ]
    for lang in ("en", "ru", "ko"):
        answers += [
            visitor.get(f"/{lang}/events/network-webinar"),
            visitor.get(f"/{lang}/events/network-webinar/register"),
            visitor.get(f"/{lang}/events/"),
            visitor.get(f"/{lang}/"),
        ]
    for response in answers:
        body = response.get_data(as_text=True).lower()
        assert response.status_code < 500
        for private in (*SECRETS, "aigerim@example.kz", "timur@example.uz", '"join_url"'):
            assert private not in body, (response.request.path, private)
    spec = visitor.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert spec["Event"]["properties"]["join_url"]["writeOnly"] is True


def test_the_seed_webinar_calendar_starts_at_four_utc(seeded_client):
    response = seeded_client.get("/events/2020-silk-roads-ich-webinar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    event = next(
        c
        for c in calendar.walk("VEVENT")
        if str(c["UID"]).startswith("event-2020-silk-roads-ich-webinar-20201118@")
    )
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2020, 11, 18, 4, 0, tzinfo=UTC)
