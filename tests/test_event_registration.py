"""Registering for an event: the page and the API, the rules, the confirmation e-mail."""

from datetime import timedelta

import icalendar
import sqlalchemy as sa
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from kb.extensions import db
from kb.models import Registration
from tests.eventkit import account, bearer, client_of, csrf, event_body, iso, outbox, person
from tests.journeys import link_in
from tests.workerkit import run_worker_once

URL = "/api/v1/events/{}/registrations"


def _published(app, slug="webinar", **kw):
    organizer = account(f"organizer-{slug}@ichcap.org")
    api, headers = client_of(app), bearer(organizer)
    response = api.post("/api/v1/events", json=event_body(slug, **kw), headers=headers)
    assert response.status_code == 201, response.get_json()
    assert api.post(f"/api/v1/events/{slug}/publish", headers=headers).status_code == 200
    return api


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Registration))


def test_a_visitor_registers_through_the_page_and_cancels_from_the_e_mail(app):
    _published(app)
    visitor = client_of(app)
    form = visitor.get("/ru/events/webinar/register")
    assert form.status_code == 200 and 'for="consent"' in form.text
    response = visitor.post(
        "/ru/events/webinar/register",
        data={
            "csrf_token": csrf(form.text),
            "name": "Дильноза Каримова",
            "email": "dilnoza@example.uz",
            "organization": "Институт искусствознания",
            "country": "UZ",
            "language": "ru",
            "timezone": "Asia/Tashkent",
            "consent": "y",
        },
    )
    assert response.status_code == 302 and response.location.endswith(
        "/ru/events/webinar/registered"
    )
    run_worker_once()  # the worker sends the confirmation
    (mail,) = outbox()
    assert mail["To"] == "dilnoza@example.uz"
    text = mail.get_body(("plain",)).get_content().replace("\u00a0", " ")
    assert "Дильноза Каримова" in text and "г.," in text  # Russian dates
    assert "Asia/Seoul" in text and "Asia/Tashkent" in text  # both zones
    assert mail.get_body(("html",)) is not None
    (ics,) = [part for part in mail.iter_attachments() if part.get_filename() == "webinar.ics"]
    assert icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")

    cancel_url = link_in(text, "/cancel")
    page = visitor.get(cancel_url)
    assert page.status_code == 200
    assert visitor.post(cancel_url, data={"csrf_token": csrf(page.text)}).status_code == 200
    assert db.session.scalar(sa.select(Registration.status)) == "cancelled"
    assert visitor.get(cancel_url.replace("/registrations/", "/registrations/x")).status_code == 404

    again = visitor.post(URL.format("webinar"), json=person("dilnoza@example.uz"))
    run_worker_once()
    assert again.status_code == 201 and len(outbox()) == 2  # registered again, confirmed again
    assert _count() == 1


def test_the_page_refuses_a_duplicate_and_a_missing_consent_with_clear_messages(app):
    _published(app)
    visitor = client_of(app)
    assert visitor.post(URL.format("webinar"), json=person("a@example.org")).status_code == 201
    form = visitor.get("/en/events/webinar/register").text
    base = {"csrf_token": csrf(form), "name": "A", "language": "en", "timezone": "UTC"}
    duplicate = visitor.post(
        "/en/events/webinar/register", data={**base, "email": "A@example.org", "consent": "y"}
    )
    assert duplicate.status_code == 422
    assert "already registered for this event" in duplicate.text
    no_consent = visitor.post(
        "/en/events/webinar/register", data={**base, "email": "b@example.org"}
    )
    assert no_consent.status_code == 422 and "Registration needs your consent" in no_consent.text
    assert 'aria-invalid="true"' in no_consent.text
    no_token = visitor.post(
        "/en/events/webinar/register", data={**base, "csrf_token": "", "email": "c@example.org"}
    )
    assert no_token.status_code == 400  # CSRF protection refuses before the form is read
    assert _count() == 1


def test_the_api_names_invalid_fields_and_saves_nothing(app):
    _published(app)
    response = client_of(app).post(
        URL.format("webinar"),
        json=person("not-an-address", language="fr", consent=False, country="XX", name=""),
    )
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"email", "language", "consent", "country", "name"}
    run_worker_once()
    assert _count() == 0 and outbox() == []


def test_registration_windows_capacity_and_drafts(app):
    api = _published(
        app,
        "later",
        registration={"opens_at": iso(timedelta(days=2)), "closes_at": iso(timedelta(days=3))},
    )
    visitor = client_of(app)
    refused = visitor.post(URL.format("later"), json=person("a@example.org"))
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "registration_not_open_yet"

    _published(app, "closed", registration={"closes_at": iso(timedelta(hours=-1))})
    refused = visitor.post(URL.format("closed"), json=person("a@example.org"))
    assert (
        refused.status_code == 409 and refused.get_json()["error"]["code"] == "registration_closed"
    )
    assert "closed" in visitor.get("/en/events/closed/register").text

    _published(app, "started", starts_in=timedelta(hours=-1))  # default: closes at the start
    refused = visitor.post(URL.format("started"), json=person("a@example.org"))
    assert refused.get_json()["error"]["code"] == "registration_closed"

    _published(app, "small", registration={"capacity": 1})
    assert visitor.post(URL.format("small"), json=person("a@example.org")).status_code == 201
    full = visitor.post(URL.format("small"), json=person("b@example.org"))
    assert full.status_code == 409 and full.get_json()["error"]["code"] == "registration_full"
    assert api.get("/api/v1/events/small").get_json()["places_left"] == 0

    organizer = account("drafter@ichcap.org")
    api.post("/api/v1/events", json=event_body("draft"), headers=bearer(organizer))
    assert visitor.post(URL.format("draft"), json=person("a@example.org")).status_code == 404
    assert visitor.get("/en/events/draft/register").status_code == 404
    assert _count() == 1


def test_registration_is_rate_limited_across_page_and_api(app):
    _published(app)
    app.config["LIMITS"]["RATELIMIT_REGISTRATION"] = "2 per hour"
    visitor = client_of(app)
    assert visitor.post(URL.format("webinar"), json=person("a@example.org")).status_code == 201
    form = visitor.get("/en/events/webinar/register")  # reading the form is not counted
    assert form.status_code == 200
    second = visitor.post(
        "/en/events/webinar/register",
        data={"csrf_token": csrf(form.text), "name": "B", "email": "b@example.org"},
    )
    assert second.status_code == 422
    third = visitor.post(URL.format("webinar"), json=person("c@example.org"))
    assert third.status_code == 429 and third.get_json()["error"]["code"] == "too_many_requests"


def test_the_confirmation_is_translated_into_the_registrants_language(app, tmp_path, request):
    catalog = Catalog(locale="ko")
    catalog.add("Registration confirmed: %(title)s", "등록 확인: %(title)s")
    catalog.add("Dear %(name)s,", "%(name)s 님께,")
    folder = tmp_path / "translations" / "ko" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "messages.mo", "wb") as f:
        write_mo(f, catalog)
    babel = app.extensions["babel"]
    babel.translation_directories = [str(tmp_path / "translations")]
    cache = babel.instance.domain_instance.cache  # shared by every app: leave it clean
    cache.clear()
    request.addfinalizer(cache.clear)

    _published(app)
    response = client_of(app).post(
        URL.format("webinar") + "?lang=en", json=person("minji@example.kr", language="ko")
    )
    assert response.status_code == 201
    run_worker_once()
    (mail,) = outbox()
    assert mail["Subject"] == "등록 확인: 웨비나"
    assert mail.get_body(("plain",)).get_content().startswith("Aigerim Nurlanovna 님께,")
    assert "님께," in mail.get_body(("html",)).get_content()
    assert "년" in mail.get_body(("plain",)).get_content()  # Korean dates


def test_the_confirmation_says_utc_when_the_registrant_gave_no_zone(app):
    api = _published(app, slug="zones")
    known = person("known@example.org", language="en", timezone="America/New_York")
    unknown = person("unknown@example.org", language="en")
    unknown.pop("timezone", None)
    for body in (known, unknown):
        assert api.post(URL.format("zones"), json=body).status_code == 201
    run_worker_once()
    mails = {m["To"]: m.get_body(("plain",)).get_content() for m in outbox()}
    assert "In your time zone:" in mails["known@example.org"]
    assert "America/New_York" in mails["known@example.org"]
    assert "In your time zone:" not in mails["unknown@example.org"]
    assert "In UTC:" in mails["unknown@example.org"]
