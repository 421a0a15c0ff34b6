"""Organisers' journeys: pages (CSRF on) and API; who may manage which event."""

from datetime import timedelta

import sqlalchemy as sa

from kb.extensions import db
from kb.models import Event, Revision
from tests.eventkit import account, bearer, client_of, csrf, event_body, iso, login
from tests.factories import create_organization


def _form(client, url, **fields):
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return client.post(url, data={"csrf_token": csrf(page.text), **fields})


def test_an_organiser_creates_edits_programmes_and_publishes_through_pages(app):
    create_organization(slug="ichcap", name={"en": "ICHCAP"})
    create_organization(slug="iicas", name={"en": "IICAS"})
    create_organization(slug="unesco", name={"en": "UNESCO Silk Roads Programme"})
    browser = client_of(app)
    login(browser, account("organizer@ichcap.org", organization="ichcap"))

    created = _form(
        browser,
        "/en/organize/events/new",
        slug="online-meeting",
        kind="meeting",
        online="yes",
        title_en="Online strategic meeting",
        title_ru="Стратегическое онлайн-совещание",
        timezone="Asia/Seoul",
        starts_at="2031-11-18T13:00",
        ends_at="2031-11-18T17:30",
        languages=["en", "ru", "ko"],
        co_organizers=["ichcap", "iicas"],
        supporters=["unesco"],
        join_url="https://meet.example.org/private-room",
    )
    assert created.status_code == 302, created.text
    event = db.session.scalar(sa.select(Event).where(Event.slug == "online-meeting"))
    assert event.status == "draft" and event.starts_at.hour == 4  # 13:00 in Seoul, in UTC
    assert {(link.organization.slug, link.role) for link in event.organization_links} == {
        ("ichcap", "co-organizer"),
        ("iicas", "co-organizer"),
        ("unesco", "supporter"),
    }
    assert client_of(app).get("/en/events/online-meeting").status_code == 404  # a draft

    session = _form(
        browser,
        "/en/organize/events/online-meeting/sessions/new",
        title_en="Cooperation and solidarity",
        starts_at="2031-11-18T14:00",
        ends_at="2031-11-18T15:30",
        chair="Dmitriy Voyakin",
        speakers="Gi Hyung Keum | ICHCAP | Opening remarks\nHelena Norberg-Hodge",
        languages=["en", "ru"],
        interpretation="y",
        join_url="https://meet.example.org/session-room",
    )
    assert session.status_code == 302
    edit = browser.get("/en/organize/events/online-meeting")
    assert "private-room" in edit.text  # organisers see their own link
    saved = browser.post(
        "/en/organize/events/online-meeting",
        data={
            "csrf_token": csrf(edit.text),
            "slug": "online-meeting",
            "kind": "meeting",
            "online": "yes",
            "title_en": "Online strategic meeting on ICH networking",
            "timezone": "Asia/Seoul",
            "starts_at": "2031-11-18T13:00",
            "ends_at": "2031-11-18T17:30",
            "co_organizers": ["ichcap"],
            "join_url": "https://meet.example.org/private-room",
        },
    )
    assert saved.status_code == 302
    db.session.expire_all()
    event = db.session.scalar(sa.select(Event).where(Event.slug == "online-meeting"))
    (kept,) = event.sessions
    assert kept.join_url == "https://meet.example.org/session-room" and kept.interpretation
    assert [s.name for s in kept.speakers] == [
        {"en": "Gi Hyung Keum"},
        {"en": "Helena Norberg-Hodge"},
    ]
    assert kept.speakers[0].affiliation == {"en": "ICHCAP"}
    assert event.title == {"en": "Online strategic meeting on ICH networking"}

    page = browser.get("/en/organize/events/online-meeting")
    assert (
        browser.post(
            "/en/organize/events/online-meeting/publish", data={"csrf_token": csrf(page.text)}
        ).status_code
        == 302
    )
    public = client_of(app).get("/en/events/online-meeting")
    assert public.status_code == 200 and "Cooperation and solidarity" in public.text
    assert "private-room" not in public.text and "session-room" not in public.text
    actions = db.session.scalars(
        sa.select(Revision.action).where(Revision.record_id == event.id).order_by(Revision.id)
    ).all()
    assert actions[0] == "create" and actions[-1] == "publish"


def test_bad_form_input_is_refused_field_by_field(app):
    browser = client_of(app)
    login(browser, account("organizer@ichcap.org"))
    refused = _form(
        browser,
        "/en/organize/events/new",
        slug="Not A Slug",
        kind="webinar",
        online="",
        timezone="Asia/Seoul",
        starts_at="2031-11-18T13:00",
        ends_at="2031-11-18T12:00",
    )
    assert refused.status_code == 422
    assert refused.text.count('aria-invalid="true"') == 2  # the slug and the title
    assert "Use lower-case letters, digits and hyphens only." in refused.text
    backwards = _form(
        browser,
        "/en/organize/events/new",
        slug="fine",
        kind="webinar",
        online="",
        title_en="Fine",
        timezone="Asia/Seoul",
        starts_at="2031-11-18T13:00",
        ends_at="2031-11-18T12:00",
    )
    assert backwards.status_code == 422
    assert "The event ends before it starts." in backwards.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0


def test_who_may_manage_an_event(app):
    create_organization(slug="ichcap")
    create_organization(slug="iicas")
    creator = account("creator@example.org")
    api = client_of(app)
    body = event_body("shared", organizations=[{"organization": "ichcap", "role": "co-organizer"}])
    assert api.post("/api/v1/events", json=body, headers=bearer(creator)).status_code == 201

    colleague = account("colleague@ichcap.org", organization="ichcap")
    stranger = account("stranger@iicas.org", organization="iicas")
    member = account("member@ichcap.org", role="member", organization="ichcap")
    admin = account("admin@example.org", role="admin")
    patch = {"title": {"en": "Renamed"}}
    for who, status in [(colleague, 200), (admin, 200), (stranger, 403), (member, 403)]:
        response = api.patch("/api/v1/events/shared", json=patch, headers=bearer(who))
        assert response.status_code == status, who.email
    assert api.patch("/api/v1/events/shared", json=patch).status_code == 401

    for who, status in [(stranger, 403), (colleague, 200), (member, 403)]:
        browser = client_of(app)
        login(browser, who)
        assert browser.get("/en/organize/events/shared").status_code == status, who.email
    anonymous = client_of(app).get("/en/organize/events/shared")  # sent to the log-in page
    assert (
        anonymous.status_code == 302 and "/en/account/login?next=" in anonymous.headers["Location"]
    )
    browser = client_of(app)
    login(browser, stranger)
    listing = browser.get("/en/organize/events/")
    assert listing.status_code == 200 and "/organize/events/shared" not in listing.text


def test_the_api_writes_drafts_keeps_links_write_only_and_publishes(app):
    create_organization(slug="ichcap")
    organizer = account("organizer@ichcap.org")
    api, headers = client_of(app), bearer(organizer)
    body = event_body("api-event", organizations=[{"organization": "ichcap", "role": "organizer"}])
    created = api.post("/api/v1/events", json=body, headers=headers)
    assert created.status_code == 201 and created.headers["Location"].endswith("/events/api-event")
    answer = created.get_json()
    assert "join_url" not in answer and "join_url" not in answer["sessions"][0]
    assert [o["slug"] for o in answer["organizers_by_role"]["organizer"]] == ["ichcap"]
    assert answer["starts_at"].endswith("+09:00") and answer["timezone"] == "Asia/Seoul"

    assert api.post("/api/v1/events", json=body, headers=headers).get_json()["error"]["code"] == (
        "exists"
    )
    invalid = api.post("/api/v1/events", json={"slug": "x", "kind": "party"}, headers=headers)
    assert invalid.status_code == 422
    assert {"kind", "title", "timezone"} <= set(invalid.get_json()["error"]["fields"])
    assert client_of(app).get("/api/v1/events/api-event").status_code == 404  # a draft
    assert api.get("/api/v1/events/api-event", headers=headers).status_code == 200

    sessions = [{"title": {"en": "Opening, renamed"}}]  # no join_url given: the link stays
    patched = api.patch(
        "/api/v1/events/api-event",
        json={"sessions": sessions, "ends_at": iso(timedelta(days=10, hours=6))},
        headers=headers,
    )
    assert patched.status_code == 200, patched.get_json()
    event = db.session.scalar(sa.select(Event).where(Event.slug == "api-event"))
    assert event.sessions[0].join_url == "https://meet.example.org/session-room-7713"
    assert event.join_url == "https://meet.example.org/secret-room-4821"
    backwards = api.patch(
        "/api/v1/events/api-event",
        json={"ends_at": "2000-01-01T00:00:00+09:00"},
        headers=headers,
    )
    assert backwards.status_code == 422 and "ends_at" in backwards.get_json()["error"]["fields"]
    removed = api.patch("/api/v1/events/api-event", json={"join_url": None}, headers=headers)
    assert removed.status_code == 200
    db.session.expire_all()
    assert db.session.scalar(sa.select(Event.join_url).where(Event.slug == "api-event")) is None

    published = api.post("/api/v1/events/api-event/publish", headers=headers)
    assert published.get_json()["status"] == "published"
    listed = client_of(app).get("/api/v1/events?when=upcoming&kind=webinar&language=ko")
    assert [e["slug"] for e in listed.get_json()["items"]] == ["api-event"]
    assert client_of(app).get("/api/v1/events?when=past").get_json()["total"] == 0


def test_a_body_that_is_not_a_json_object_is_refused_and_changes_nothing(app):
    organizer = account("malformed@ichcap.org")
    api, headers = client_of(app), bearer(organizer)
    assert api.post("/api/v1/events", json=event_body("forum"), headers=headers).status_code == 201
    revisions = db.session.scalar(sa.select(sa.func.count()).select_from(Revision))
    for method, url, data in [
        ("patch", "/api/v1/events/forum", '{"title": {"en": "broken'),
        ("patch", "/api/v1/events/forum", '["title"]'),
        ("post", "/api/v1/events", '"an event"'),
        ("post", "/api/v1/festivals", '{"name": '),
    ]:
        response = getattr(api, method)(
            url, data=data, headers={**headers, "Content-Type": "application/json"}
        )
        assert response.status_code == 422, (method, url, data)
        error = response.get_json()["error"]
        assert error["code"] == "invalid" and error["fields"] == {
            "_schema": ["Send a JSON object."]
        }
    db.session.expire_all()
    assert db.session.scalar(sa.select(Event.title).where(Event.slug == "forum"))["en"] != "broken"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Revision)) == revisions
