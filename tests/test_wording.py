"""Strings readers found awkward now read as whole phrases in their own language."""

from __future__ import annotations

import re

import pytest

from tests.eventkit import account, bearer, client_of, event_body, login, outbox, person
from tests.journeys import directory, fresh_client, log_in, make_account
from tests.workerkit import run_worker_once


def _event_with_registrants(app) -> object:
    organizer = account("organizer@ichcap.org")
    api, headers = client_of(app), bearer(organizer)
    body = event_body("webinar", registration={"capacity": 100})
    assert api.post("/api/v1/events", json=body, headers=headers).status_code == 201
    assert api.post("/api/v1/events/webinar/publish", headers=headers).status_code == 200
    for email in ("a@example.kz", "b@example.kr"):
        assert api.post("/api/v1/events/webinar/registrations", json=person(email)).status_code
    browser = client_of(app)
    login(browser, organizer)
    return browser


def test_registrant_counts_follow_each_languages_word_order(app):
    browser = _event_with_registrants(app)
    url = "/{}/organize/events/webinar/registrations"
    ko = browser.get(url.format("ko")).text
    assert "정원 <strong>100</strong>명" in ko and "100 명 정원" not in ko
    assert "신청 확정 <strong>2</strong>명" in ko
    assert "접속 링크 발송 <strong>0</strong>명" in ko
    ru = browser.get(url.format("ru")).text
    assert "<strong>2</strong> регистрации подтверждены" in ru
    assert "<strong>100</strong> мест" in ru
    assert "Ссылки отправлены <strong>0</strong> участникам" in ru
    en = browser.get(url.format("en")).text
    assert "<strong>100</strong> places" in en and "<strong>2</strong> confirmed" in en


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", "Did you mean <a"),
        ("ru", "Возможно, вы имели в виду <a"),
        ("ko", "이 검색어를 찾으셨나요? <a"),
    ],
)
def test_did_you_mean_is_one_sentence(seeded_client, lang, sentence):
    html = seeded_client.get(f"/{lang}/search?q=falcnory").text
    assert sentence in html and f'href="/{lang}/search?q=falconry"' in html


def test_sdgs_are_named_as_sdgs_in_korean(seeded_client):
    html = seeded_client.get("/ko/case-studies/jeonju-sori-festival-and-pansori").text
    assert "SDG 4" in html and "목표 4:" not in html


def test_signing_up_and_registering_are_different_words_in_russian(app):
    _event_with_registrants(app)
    visitor = client_of(app)
    buttons = {
        url: re.findall(r'class="actions"><button type="submit">([^<]+)<', visitor.get(url).text)
        for url in ("/ru/account/signup", "/ru/events/webinar/register")
    }
    assert buttons == {
        "/ru/account/signup": ["Открыть учётную запись"],
        "/ru/events/webinar/register": ["Зарегистрироваться"],
    }


def test_festival_editions_are_years_of_the_festival_on_the_russian_form(app):
    directory()
    make_account("org@example.org")
    member = fresh_client(app)
    log_in(member, "org@example.org", "ru")
    form = member.get("/ru/submissions/new").text
    assert "Год проведения № 1" in form and "Проведение 1" not in form


def test_a_russian_e_mail_says_utc_plainly_when_the_zone_is_unknown(app):
    _event_with_registrants(app)
    body = person("unknown@example.org", language="ru")
    body.pop("timezone", None)
    api = client_of(app)
    assert api.post("/api/v1/events/webinar/registrations", json=body).status_code == 201
    run_worker_once()
    mail = next(m for m in outbox() if m["To"] == "unknown@example.org")
    text = mail.get_body(("plain",)).get_content()
    assert "По UTC:" in text and "всемирному координированному" not in text
