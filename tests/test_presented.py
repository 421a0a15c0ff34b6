"""What a session presented: links to records with a role, shown both ways, edited by managers."""

import sqlalchemy as sa

from kb.extensions import db
from kb.models import ProgrammeLink
from tests.eventkit import account, bearer, client_of, csrf, event_body, login
from tests.factories import create_case_study, create_element, create_festival


def _event_with_links(app, festival, element):
    api, headers = client_of(app), bearer(account("organizer@ichcap.org"))
    body = event_body("webinar")
    body["sessions"][0]["presented"] = [
        {"type": "festival", "record": festival.slug, "role": "presented"},
        {"type": "element", "record": element.slug, "role": "performed"},
    ]
    body["presented"] = [{"type": "organization", "record": "nobody", "role": "discussed"}]
    refused = api.post("/api/v1/events", json=body, headers=headers)
    assert refused.status_code == 422
    assert "presented.0.record" in refused.get_json()["error"]["fields"]
    body.pop("presented")
    created = api.post("/api/v1/events", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    assert api.post("/api/v1/events/webinar/publish", headers=headers).status_code == 200
    return api, headers


def test_a_session_links_to_what_it_presented_and_the_records_link_back(app):
    festival = create_festival(name={"en": "Boysun Spring", "ru": "Бойсунская весна"})
    element = create_element(name={"en": "Bakhshi art", "ru": "Искусство бахши"})
    api, headers = _event_with_links(app, festival, element)

    detail = api.get("/api/v1/events/webinar").get_json()
    assert detail["sessions"][0]["presented"] == [
        {
            "type": "festival",
            "record": {"slug": festival.slug, "name": festival.name},
            "role": "presented",
        },
        {
            "type": "element",
            "record": {"slug": element.slug, "name": element.name},
            "role": "performed",
        },
    ]
    # The record's own answer goes back through PATCH unchanged (nothing new is written).
    again = api.patch("/api/v1/events/webinar", json=detail, headers=headers)
    assert (
        again.status_code == 200
        and again.get_json()["sessions"][0]["presented"] == detail["sessions"][0]["presented"]
    )

    page = client_of(app).get("/ru/events/webinar")
    assert "Бойсунская весна" in page.text and f"/ru/festivals/{festival.slug}" in page.text
    back = client_of(app).get(f"/ru/festivals/{festival.slug}")
    assert back.status_code == 200
    assert "Вебинар о живом наследии" in back.text and "/ru/events/webinar#session-" in back.text
    element_page = client_of(app).get(f"/en/elements/{element.slug}")
    assert "Opening" in element_page.text and "Living heritage webinar" in element_page.text


def test_only_published_events_and_records_show(app):
    festival = create_festival()
    api, headers = client_of(app), bearer(account("organizer@ichcap.org"))
    body = event_body("draft-one")
    body["sessions"][0]["presented"] = [
        {"type": "festival", "record": festival.slug, "role": "discussed"}
    ]
    assert api.post("/api/v1/events", json=body, headers=headers).status_code == 201
    assert "draft-one" not in client_of(app).get(f"/en/festivals/{festival.slug}").text
    hidden = create_case_study()
    hidden.status = "draft"
    db.session.commit()
    body["sessions"][0]["presented"] = [
        {"type": "case-study", "record": hidden.slug, "role": "discussed"}
    ]
    refused = api.patch(
        "/api/v1/events/draft-one", json={"sessions": body["sessions"]}, headers=headers
    )
    assert refused.status_code == 422
    assert "sessions.0.presented.0.record" in refused.get_json()["error"]["fields"]


def test_managers_edit_the_links_on_the_session_page_and_others_cannot(app):
    festival = create_festival()
    element = create_element()
    _event_with_links(app, festival, element)
    case = create_case_study()
    owner = db.session.scalar(sa.select(ProgrammeLink)).session
    uid = owner.uid
    from kb.models import Account

    manager = db.session.scalar(sa.select(Account).where(Account.email == "organizer@ichcap.org"))
    browser = client_of(app)
    login(browser, manager)
    url = f"/en/organize/events/webinar/sessions/{uid}"
    form = browser.get(url)
    assert form.status_code == 200 and f"festivals/{festival.slug} | presentation" in form.text
    bad = browser.post(
        url,
        data={"csrf_token": csrf(form.text), "title_en": "Opening", "presented": "nothing here"},
    )
    assert bad.status_code == 422 and "Line 1" in bad.text
    unknown = browser.post(
        url,
        data={
            "csrf_token": csrf(form.text),
            "title_en": "Opening",
            "presented": "festivals/no-such | discussion",
        },
    )
    assert unknown.status_code == 422 and "no-such" in unknown.text
    saved = browser.post(
        url,
        data={
            "csrf_token": csrf(form.text),
            "title_en": "Opening",
            "presented": f"https://kb.example.org/en/case-studies/{case.slug}\nelements/{element.slug} | performance",
        },
    )
    assert saved.status_code == 302
    links = db.session.scalars(sa.select(ProgrammeLink).order_by(ProgrammeLink.position)).all()
    assert [(link.target.slug, link.role) for link in links] == [
        (case.slug, "presented"),
        (element.slug, "performed"),
    ]

    stranger = client_of(app)
    login(stranger, account("other@example.org"))
    page = stranger.get(url)
    assert page.status_code == 403
    other_api = bearer(account("someone@example.org"))
    refused = client_of(app).patch(
        "/api/v1/events/webinar",
        json={"presented": [{"type": "festival", "record": festival.slug, "role": "presented"}]},
        headers=other_api,
    )
    assert refused.status_code == 403


def test_the_seed_links_what_its_sources_name_and_nothing_else(seeded_client):
    page = seeded_client.get("/ru/organizations/srlhn")
    assert page.status_code == 200
    text = page.text
    # Sessions 2 and 3 of the 2020 strategic meeting discussed the network-to-be.
    assert "Сотрудничество и солидарность в работе сети НКН Шёлковых путей" in text
    assert "Совместная работа и её польза в деятельности сети НКН Шёлковых путей" in text
    assert "/ru/events/2020-silk-roads-ich-strategic-meeting#session-" in text
    assert "/ru/events/2021-srlhn-launching-ceremony" in text
    event = seeded_client.get("/api/v1/events/2020-silk-roads-ich-strategic-meeting").get_json()
    first = event["sessions"][0]
    assert first["title"]["en"].startswith("Case Studies on the Vitalization")
    assert first["presented"] == []  # the sources name no festival for it
    assert [s["presented"][0]["record"]["slug"] for s in event["sessions"][1:]] == ["srlhn"] * 2
