"""HTTP caching: validators on record pages and API records, lifetimes on the rest."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from kb.extensions import db
from kb.services.freshness import freshness
from tests.conftest import PG_URL
from tests.eventkit import client_of, login
from tests.factories import create_element
from tests.journeys import make_account


def test_a_record_page_answers_304_to_its_etag(seeded_client):
    first = seeded_client.get("/en/elements/nowruz")
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, no-cache"
    assert first.headers["Last-Modified"]
    assert "Set-Cookie" not in first.headers  # a public answer carries no one's cookie
    again = seeded_client.get("/en/elements/nowruz", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    # Another language is another page.
    other = seeded_client.get("/ru/elements/nowruz", headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["ETag"] != etag


def test_an_api_record_answers_304_to_its_etag(seeded_client):
    first = seeded_client.get("/api/v1/elements/nowruz")
    etag = first.headers["ETag"]
    again = seeded_client.get("/api/v1/elements/nowruz", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_an_event_page_answers_304_per_reader_zone(seeded_client):
    url = "/en/events/2020-silk-roads-ich-webinar"
    first = seeded_client.get(url)
    etag = first.headers["ETag"]
    assert seeded_client.get(url, headers={"If-None-Match": etag}).status_code == 304
    seeded_client.set_cookie("tz", "Asia/Tashkent")
    try:
        assert seeded_client.get(url, headers={"If-None-Match": etag}).status_code == 200
    finally:
        seeded_client.delete_cookie("tz")


def test_a_change_to_a_linked_record_changes_the_page_etag(client):
    element = create_element(slug="craft", name={"en": "Craft"})
    other = create_element(slug="song", name={"en": "Song"})
    db.session.commit()
    first = client.get("/en/elements/craft")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get("/en/elements/craft", headers={"If-None-Match": etag}).status_code == 304
    assert (
        client.get("/en/elements/craft", headers={"If-Modified-Since": modified}).status_code == 304
    )
    # Not this record: another one whose change any page may show.
    other.name = {"en": "Songs"}
    db.session.commit()
    changed = client.get("/en/elements/craft", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert element.slug == "craft"


def test_lists_are_short_lived_and_static_files_kept_a_year(seeded_client):
    listing = seeded_client.get("/en/elements/")
    assert listing.headers["Cache-Control"] == "public, max-age=60"
    again = seeded_client.get("/en/elements/", headers={"If-None-Match": listing.headers["ETag"]})
    assert again.status_code == 304
    home = seeded_client.get("/en/")
    assert home.headers["Cache-Control"] == "public, max-age=60" and home.headers["ETag"]
    filtered = seeded_client.get("/en/elements/?country=UZ")
    assert filtered.headers["ETag"] != listing.headers["ETag"]
    assert filtered.get_data() != listing.get_data()
    refused = seeded_client.get("/en/elements/?year=abc")
    assert refused.status_code == 400 and "ETag" not in refused.headers
    assert seeded_client.get("/api/v1/elements").headers["Cache-Control"] == "public, max-age=60"
    calendar = seeded_client.get("/events/2020-silk-roads-ich-webinar.ics")
    assert calendar.headers["Cache-Control"] == "public, max-age=60"
    html = seeded_client.get("/en/").get_data(as_text=True)
    name, v = re.search(r'/static/(css/site\.css)\?v=([0-9a-f]{12})"', html).groups()
    with seeded_client.get(f"/static/{name}?v={v}") as response:
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    with seeded_client.get(f"/static/{name}?v=000000000000") as response:  # not this version
        assert "immutable" not in response.headers["Cache-Control"]
    with seeded_client.get(f"/static/{name}") as response:
        assert "immutable" not in response.headers["Cache-Control"]


def test_signed_in_pages_are_private_and_never_validated(app):
    create_element(slug="craft", name={"en": "Craft"})
    account = make_account("m@example.org", role="moderator")
    client = client_of(app)
    anonymous = client.get("/en/elements/craft").headers["ETag"]
    login(client, account)
    page = client.get("/en/elements/craft", headers={"If-None-Match": anonymous})
    assert page.status_code == 200
    assert "ETag" not in page.headers
    assert page.headers["Cache-Control"] == "private, no-store"
    assert client.get("/en/elements/").headers["Cache-Control"] == "private, no-store"
    assert client.get("/en/account/").headers["Cache-Control"] == "private, no-store"


def test_text_is_gzipped_for_clients_that_accept_it_when_no_proxy_does(seeded_client):
    import gzip

    plain = seeded_client.get("/en/elements/nowruz")
    assert "Content-Encoding" not in plain.headers  # asked for nothing
    packed = seeded_client.get("/en/elements/nowruz", headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert len(packed.get_data()) < len(plain.get_data()) / 3
    api = seeded_client.get("/api/v1/elements", headers={"Accept-Encoding": "gzip"})
    assert api.headers["Content-Encoding"] == "gzip"


def test_behind_a_proxy_the_app_leaves_compression_to_it(tmp_path):
    from tests.conftest import make_app

    db_url = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'kb.db'}"}
    assert make_app(tmp_path / "a", db_url).config["COMPRESS"] is True
    assert make_app(tmp_path / "b", db_url, TRUSTED_PROXIES=1).config["COMPRESS"] is False
    assert make_app(tmp_path / "c", db_url, TRUSTED_PROXIES=1, COMPRESS="1").config["COMPRESS"]


def test_a_change_kept_only_as_a_revision_changes_the_version(app):
    """A picture added to a record changes no search document, but records a revision."""
    from kb.models import Revision
    from kb.services.freshness import freshness

    create_element(slug="craft", name={"en": "Craft"})
    before = freshness().version
    db.session.add(Revision(record_type="element", record_id=1, action="images", changes={}))
    db.session.commit()
    assert freshness().version != before


def test_an_anonymous_record_page_is_rendered_once_per_version(app):
    from flask import template_rendered

    create_element(slug="craft", name={"en": "Craft"})
    rendered = []

    def note(sender, template, context, **extra):
        rendered.append(template.name)

    template_rendered.connect(note, app)
    try:
        browser = client_of(app)
        first = browser.get("/en/elements/craft").get_data()
        assert browser.get("/en/elements/craft").get_data() == first
        assert rendered.count("records/element.html") == 1
        create_element(slug="song", name={"en": "Song"})  # a new version of the data
        browser.get("/en/elements/craft")
        assert rendered.count("records/element.html") == 2
    finally:
        template_rendered.disconnect(note, app)


def _published_event(app, slug: str, **kw):
    from tests.eventkit import account, bearer, event_body

    api, headers = client_of(app), bearer(account(f"organizer-{slug}@ichcap.org"))
    assert (
        api.post("/api/v1/events", json=event_body(slug, **kw), headers=headers).status_code == 201
    )
    assert api.post(f"/api/v1/events/{slug}/publish", headers=headers).status_code == 200
    return api, headers


def test_a_registration_changes_the_event_page_kept_for_anonymous_readers(app):
    """Registrations change no version of the data: the places left are counted each time."""
    from tests.eventkit import person

    _published_event(app, "small", registration={"capacity": 2})
    reader = client_of(app)
    first = reader.get("/en/events/small")
    assert "2 places left." in first.text
    etag = first.headers["ETag"]
    assert reader.get("/en/events/small", headers={"If-None-Match": etag}).status_code == 304
    registered = client_of(app).post(
        "/api/v1/events/small/registrations", json=person("a@example.org")
    )
    assert registered.status_code == 201
    after = reader.get("/en/events/small", headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag
    assert "1 place left." in after.text
    assert "1 place left." in reader.get("/en/events/small").text  # not the page kept before


def test_a_change_to_an_event_changes_its_kept_page(app):
    """The event's times are kept per version of the data; an edit is a new version."""
    api, headers = _published_event(app, "talk")
    reader = client_of(app)
    assert "places left" not in reader.get("/en/events/talk").text
    changed = api.patch(
        "/api/v1/events/talk", json={"registration": {"capacity": 5}}, headers=headers
    )
    assert changed.status_code == 200, changed.get_json()
    assert "5 places left." in reader.get("/en/events/talk").text


def test_an_unpublished_event_is_not_answered_from_what_was_kept(app):
    from kb.models import Event

    _published_event(app, "gone")
    reader = client_of(app)
    etag = reader.get("/en/events/gone").headers["ETag"]
    db.session.scalar(sa.select(Event).where(Event.slug == "gone")).status = "draft"
    db.session.commit()
    assert reader.get("/en/events/gone", headers={"If-None-Match": etag}).status_code == 404
    assert reader.get("/en/events/gone").status_code == 404


def test_an_api_collection_answers_304_and_changes_with_the_data(app):
    create_element(slug="craft", name={"en": "Craft"})
    reader = client_of(app)
    first = reader.get("/api/v1/elements")
    assert first.headers["Cache-Control"] == "public, max-age=60"
    etag = first.headers["ETag"]
    assert reader.get("/api/v1/elements", headers={"If-None-Match": etag}).status_code == 304
    create_element(slug="song", name={"en": "Song"})
    again = reader.get("/api/v1/elements", headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.get_json()["total"] == 2
    assert reader.get("/api/v1/elements?page=0").status_code == 400  # still checked first


def test_a_deleted_record_is_not_answered_from_what_was_kept(app):
    from kb.models import Element

    create_element(slug="craft", name={"en": "Craft"})
    reader = client_of(app)
    etag = reader.get("/en/elements/craft").headers["ETag"]
    assert reader.get("/api/v1/elements/craft").status_code == 200
    db.session.delete(db.session.scalar(sa.select(Element).where(Element.slug == "craft")))
    db.session.commit()
    assert reader.get("/en/elements/craft", headers={"If-None-Match": etag}).status_code == 404
    assert reader.get("/en/elements/craft").status_code == 404
    assert reader.get("/api/v1/elements/craft").status_code == 404


@pytest.mark.skipif(PG_URL is not None, reason="PostgreSQL tests share one schema per template")
def test_two_databases_at_the_same_version_keep_their_own_values(backend, tmp_path):
    """Values kept per version of the data are kept per app: two databases can be at the
    same version with different data (here: the same steps, another limit of places)."""
    from tests.conftest import empty_index, make_app

    pages, versions = [], []
    for name, registration in (("first", {}), ("second", {"registration": {"capacity": 5}})):
        instance = tmp_path / name
        site = make_app(instance, backend.fresh("empty", instance))
        empty_index(backend, instance)
        with site.app_context():
            _published_event(site, "talk", **registration)
            pages.append(client_of(site).get("/en/events/talk").text)
            versions.append(freshness().version)
            db.session.remove()
            db.engine.dispose()
    assert versions[0] == versions[1]
    assert "places left" not in pages[0]
    assert "5 places left." in pages[1]


def test_an_etag_that_does_not_match_wins_over_a_current_date(seeded_client, seeded_app):
    """A browser sends both validators; the ETag names more than the date (the build, the
    day, an event's places), so when it does not match, the page is sent, whatever the
    date says (RFC 9110, 13.2.2), also by a worker that has not kept the page."""
    first = seeded_client.get("/en/elements/nowruz")
    modified = first.headers["Last-Modified"]
    seeded_app.extensions["kb-pages"].clear()
    both = {"If-None-Match": 'W/"an-older-page"', "If-Modified-Since": modified}
    again = seeded_client.get("/en/elements/nowruz", headers=both)
    assert again.status_code == 200 and "Nowruz" in again.text
    # The same again, now that this worker keeps it.
    assert seeded_client.get("/en/elements/nowruz", headers=both).status_code == 200
    # With the date alone, an unchanged page is still not sent again.
    dated = seeded_client.get("/en/elements/nowruz", headers={"If-Modified-Since": modified})
    assert dated.status_code == 304


def test_any_etag_is_no_proof_that_a_record_exists(seeded_client):
    missing = seeded_client.get("/en/elements/no-such-element", headers={"If-None-Match": "*"})
    assert missing.status_code == 404
    api = seeded_client.get("/api/v1/elements/no-such-element", headers={"If-None-Match": "*"})
    assert api.status_code == 404


def test_an_event_page_is_validated_by_its_etag_only(app):
    """Places left change with registrations, not with the event: a date cannot tell."""
    from tests.eventkit import person

    _published_event(app, "dated", registration={"capacity": 2})
    reader = client_of(app)
    first = reader.get("/en/events/dated")
    assert "Last-Modified" not in first.headers and first.headers["ETag"]
    since = "Mon, 01 Jan 2100 00:00:00 GMT"  # later than any change
    assert (
        client_of(app)
        .post("/api/v1/events/dated/registrations", json=person("a@example.org"))
        .status_code
        == 201
    )
    app.extensions["kb-pages"].clear()
    after = reader.get("/en/events/dated", headers={"If-Modified-Since": since})
    assert after.status_code == 200 and "1 place left." in after.text


def test_a_kept_event_page_follows_its_sessions_through_the_day(app, monkeypatch):
    """The event is under way all along; its first session ends, its second begins, and
    the page kept for anonymous readers says so (no change to the data in between)."""
    from datetime import UTC, datetime, timedelta

    import kb.programme
    from tests.eventkit import account, bearer, event_body, iso

    body = event_body("day", starts_in=timedelta(minutes=-30))
    body["sessions"][0]["ends_at"] = iso(timedelta(minutes=20))
    body["sessions"].append(
        {
            "title": {"en": "Discussion", "ru": "Обсуждение", "ko": "토론"},
            "starts_at": iso(timedelta(minutes=30)),
            "ends_at": iso(timedelta(minutes=120)),
        }
    )
    api, headers = client_of(app), bearer(account("organizer-day@ichcap.org"))
    assert api.post("/api/v1/events", json=body, headers=headers).status_code == 201
    assert api.post("/api/v1/events/day/publish", headers=headers).status_code == 200
    reader = client_of(app)

    def states_at(moment):
        monkeypatch.setattr(kb.programme, "utcnow", lambda: moment)
        page = reader.get("/en/events/day")
        assert page.status_code == 200
        return re.findall(r'class="session session-(\w+)"', page.text), page.headers["ETag"]

    now = datetime.now(UTC)
    before, etag = states_at(now)
    assert before == ["ongoing", "upcoming"]
    after, etag_after = states_at(now + timedelta(minutes=75))
    assert after == ["past", "ongoing"] and etag_after != etag


def test_api_answers_vary_with_the_readers_language(seeded_client):
    for url in ("/api/v1/elements", "/api/v1/elements/nowruz"):
        vary = seeded_client.get(url).headers["Vary"]
        assert "Accept-Language" in vary and "Cookie" in vary
