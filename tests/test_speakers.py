"""Speakers as people: a name per language, an affiliation, a role; names kept in their script."""

import sqlalchemy as sa

from kb.extensions import db
from kb.models import Account, Speaker
from tests.eventkit import account, bearer, client_of, csrf, event_body, login


def _event(app, speakers):
    api, headers = client_of(app), bearer(account("organizer@ichcap.org"))
    body = event_body("webinar")
    body["sessions"][0]["speakers"] = speakers
    response = api.post("/api/v1/events", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    assert api.post("/api/v1/events/webinar/publish", headers=headers).status_code == 200
    return api, headers


def test_names_per_language_roles_and_directory_affiliations_through_the_api(app):
    from tests.factories import create_organization

    org = create_organization(slug="ichcap", name={"en": "ICHCAP", "ru": "ИКХКАП"})
    api, headers = _event(
        app,
        [
            {
                "name": {"en": "Gi Hyung Keum", "ru": "Кым Кихён", "ko": "금기형"},
                "organization": org.slug,
                "role": "chair",
                "note": {"en": "Director-General"},
            },
            {"name": "Helena Norberg-Hodge", "affiliation": {"en": "Local Futures"}},
            {"name": "Кым Кихён"},
        ],
    )
    detail = api.get("/api/v1/events/webinar").get_json()
    first, second, third = detail["sessions"][0]["speakers"]
    assert first["name"] == {"en": "Gi Hyung Keum", "ru": "Кым Кихён", "ko": "금기형"}
    assert first["organization"]["slug"] == "ichcap" and first["role"] == "chair"
    assert second["name"] == {"en": "Helena Norberg-Hodge"} and second["role"] == "speaker"
    assert third["name"] == {"ru": "Кым Кихён"}  # a plain text is filed by its script
    assert api.patch("/api/v1/events/webinar", json=detail, headers=headers).status_code == 200
    bad = api.patch(
        "/api/v1/events/webinar",
        json={"sessions": [{**detail["sessions"][0], "speakers": [{"name": "A", "role": "host"}]}]},
        headers=headers,
    )
    assert (
        bad.status_code == 422 and "sessions.0.speakers.0.role" in bad.get_json()["error"]["fields"]
    )

    ru = client_of(app).get("/ru/events/webinar").text
    assert '<span lang="ru">Кым Кихён</span>' in ru
    assert '<span lang="en">Gi Hyung Keum</span>' not in ru  # (the JSON-LD keeps every form)
    assert "/ru/organizations/ichcap" in ru
    ko = client_of(app).get("/ko/events/webinar").text
    assert '<span lang="ko">금기형</span>' in ko
    # Where there is no Cyrillic form, the Russian page shows the Latin one, marked as such.
    assert '<span lang="en">Helena Norberg-Hodge</span>' in ru


def test_a_latin_name_typed_on_the_russian_form_is_not_russian_text(app):
    _event(app, [{"name": {"en": "Gi Hyung Keum", "ko": "금기형"}}])
    manager = db.session.scalar(sa.select(Account).where(Account.email == "organizer@ichcap.org"))
    browser = client_of(app)
    login(browser, manager)
    uid = db.session.scalar(sa.select(Speaker)).session.uid
    url = f"/ru/organize/events/webinar/sessions/{uid}"
    form = browser.get(url)
    assert "Gi Hyung Keum" in form.text
    saved = browser.post(
        url,
        data={
            "csrf_token": csrf(form.text),
            "title_ru": "Открытие",
            "speakers": "Gi Hyung Keum | ICHCAP | председатель\n"
            "Dmitriy Voyakin | organizations/nope\n"
            "Кым Кихён",
        },
    )
    assert saved.status_code == 422 and "nope" in saved.text  # no such organisation
    assert 'id="speakers-err"' in saved.text  # on the speakers box
    saved = browser.post(
        url,
        data={
            "csrf_token": csrf(form.text),
            "title_ru": "Открытие",
            "speakers": "Gi Hyung Keum | ICHCAP | председатель | вступительное слово\n"
            "Helena Norberg-Hodge | Local Futures\nАйгерим Нурлановна",
        },
    )
    assert saved.status_code == 302, saved.text
    speakers = db.session.scalars(sa.select(Speaker).order_by(Speaker.position)).all()
    keum, helena, aigerim = speakers
    assert keum.name == {"en": "Gi Hyung Keum", "ko": "금기형"}  # not {"ru": …}; Hangul kept
    assert keum.role == "chair" and keum.note == {"ru": "вступительное слово"}
    assert keum.affiliation == {"ru": "ICHCAP"}
    assert helena.name == {"en": "Helena Norberg-Hodge"} and helena.role == "speaker"
    assert aigerim.name == {"ru": "Айгерим Нурлановна"}


def test_the_seed_gives_names_in_three_forms_and_the_russian_page_shows_cyrillic(seeded_client):
    ru = seeded_client.get("/ru/events/2020-silk-roads-ich-webinar").text
    for cyrillic in ("Кым Кихён", "Чон Джэсук", "Дмитрий Воякин", "Хелена Норберг-Ходж"):
        assert f'<span lang="ru">{cyrillic}</span>' in ru
    assert '<span lang="en">Gi Hyung Keum</span>' not in ru
    advisory = seeded_client.get("/api/v1/events/2020-silk-roads-ich-advisory-meeting").get_json()
    people = advisory["sessions"][0]["speakers"]
    assert people[0]["name"] == {"en": "Park Seong-yong", "ru": "Пак Сонъён", "ko": "박성용"}
    assert people[0]["role"] == "moderator"
    assert {p["name"]["ko"] for p in people} == {"박성용", "박필호", "금기형", "김성인", "오은경"}


def test_the_migration_files_existing_names_by_their_script(app):
    from flask_migrate import downgrade, upgrade

    from kb.config import ROOT

    _event(app, [{"name": "Gi Hyung Keum"}])
    db.session.commit()
    db.session.close()  # PostgreSQL: no read locks left to block the ALTER TABLEs
    migrations = str(ROOT / "migrations")
    with app.app_context():
        downgrade(directory=migrations, revision="557213a928d5")
    assert db.session.execute(sa.text("SELECT name FROM speaker")).scalar() == "Gi Hyung Keum"
    session_id = db.session.execute(sa.text("SELECT session_id FROM speaker")).scalar()
    db.session.execute(
        sa.text(
            "INSERT INTO speaker (session_id, position, name, role) "
            "VALUES (:s, 1, 'Кым Кихён', NULL), (:s, 2, '금기형', NULL)"
        ),
        {"s": session_id},
    )
    db.session.commit()
    with app.app_context():
        upgrade(directory=migrations)
    db.session.expire_all()
    speakers = db.session.scalars(sa.select(Speaker).order_by(Speaker.position)).all()
    assert [(s.name, s.role) for s in speakers] == [
        ({"en": "Gi Hyung Keum"}, "speaker"),
        ({"ru": "Кым Кихён"}, "speaker"),
        ({"ko": "금기형"}, "speaker"),
    ]


def test_a_chair_is_a_person_and_an_old_client_may_still_send_chair(app):
    api, headers = _event(app, [{"name": "Helena Norberg-Hodge"}])
    detail = api.get("/api/v1/events/webinar").get_json()
    session = {**detail["sessions"][0], "chair": "Дмитрий Воякин"}
    response = api.patch("/api/v1/events/webinar", json={"sessions": [session]}, headers=headers)
    assert response.status_code == 200, response.get_json()
    (answer,) = response.get_json()["sessions"]
    assert "chair" not in answer
    assert [(s["name"], s["role"]) for s in answer["speakers"]] == [
        ({"ru": "Дмитрий Воякин"}, "chair"),
        ({"en": "Helena Norberg-Hodge"}, "speaker"),
    ]
    ru = client_of(app).get("/ru/events/webinar").text
    assert '<span lang="ru">Дмитрий Воякин</span></strong> <span class="speaker-role">' in ru


def test_the_migration_makes_each_chair_the_first_speaker(app):
    from flask_migrate import downgrade, upgrade

    from kb.config import ROOT

    _event(app, [{"name": "Helena Norberg-Hodge"}])
    db.session.commit()
    db.session.close()
    migrations = str(ROOT / "migrations")
    with app.app_context():
        downgrade(directory=migrations, revision="e5b19c7a2d40")
    db.session.execute(sa.text("UPDATE event_session SET chair = 'Eunkyung Oh'"))
    db.session.commit()
    with app.app_context():
        upgrade(directory=migrations)
    db.session.expire_all()
    speakers = db.session.scalars(sa.select(Speaker).order_by(Speaker.position)).all()
    assert [(s.position, s.name, s.role) for s in speakers] == [
        (0, {"en": "Eunkyung Oh"}, "chair"),
        (1, {"en": "Helena Norberg-Hodge"}, "speaker"),
    ]
