"""Membership through the pages (issue 14, done-when): apply in Russian, asked in English,
answer, approval; then the institution is in /ko/members/ under its country with its role."""

from __future__ import annotations

import re

import sqlalchemy as sa

from kb.extensions import db
from kb.models import MembershipApplication
from tests.journeys import (
    csrf_token,
    fresh_client,
    institution_and_coordinator,
    log_in,
    make_account,
    post_form,
    queued_mail,
)


def _application_id() -> int:
    return db.session.scalar(sa.select(sa.func.max(MembershipApplication.id)))


def test_the_membership_journey_through_the_pages(app):
    institution_and_coordinator()
    applicant, coordinator = fresh_client(app), fresh_client(app)
    log_in(applicant, "dilnoza@boysun.uz", lang="ru")
    log_in(coordinator, "coord@ichcap.org")

    form = applicant.get("/ru/membership/apply")
    assert form.status_code == 200 and "Вступить в сеть" in form.text
    refused = applicant.post(
        "/ru/membership/apply",
        data={
            "csrf_token": csrf_token(form.text),
            "kind": "festival-organizer",
            "country": "UZ",
            "statement_language": "ru",
        },
    )
    assert refused.status_code == 422
    assert refused.text.count("Чтобы подать заявку, примите условия сети.") == 2  # top, field
    applied = post_form(
        applicant,
        "/ru/membership/apply",
        {
            "kind": "festival-organizer",
            "country": "UZ",
            "contact_name": "Дилноза Каримова",
            "contact_email": "dilnoza@boysun.uz",
            "brings": ["festivals", "expertise"],
            "languages": "uz, ru",
            "statement_language": "ru",
            "statement": "Мы проводим фестиваль Бойсун бахори.",
            "terms": "y",
        },
    )
    assert applied.status_code == 302, applied.text
    app_id = _application_id()
    page_url = f"/en/membership/applications/{app_id}"

    queue = coordinator.get("/en/coordination/")
    assert queue.status_code == 200 and "Boysun Festival Office" in queue.text
    asked = post_form(
        coordinator,
        f"{page_url}/ask",
        {"ask-note": "Which festivals do you organise?"},
        page_url=page_url,
    )
    assert asked.status_code == 302

    ru_page = f"/ru/membership/applications/{app_id}"
    shown = applicant.get(ru_page)
    assert "Which festivals do you organise?" in shown.text
    answered = post_form(
        applicant,
        f"{ru_page}/answer",
        {"answer-note": "Бойсун бахори, с 2002 года."},
        page_url=ru_page,
    )
    assert answered.status_code == 302

    approved = post_form(
        coordinator,
        f"{page_url}/approve",
        {"approve-role": "partner", "approve-note": ""},
        page_url=page_url,
    )
    assert approved.status_code == 302, approved.text
    history = coordinator.get(page_url).text
    for step in ("Applied", "More asked", "Answered", "Approved"):
        assert step in history

    directory = fresh_client(app).get("/ko/members/")
    assert directory.status_code == 200
    section = re.search(r'<section class="member-country".*?</section>', directory.text, re.S)
    assert section, directory.text
    assert "우즈베키스탄" in section.group(0)  # under its country, named in Korean
    assert "보이순 축제 사무국" in section.group(0)
    assert "파트너 기관" in section.group(0)  # its role, in Korean
    member = fresh_client(app).get("/ko/members/boysun")
    assert member.status_code == 200 and "dilnoza@boysun.uz" not in member.text

    by_recipient = {}
    for message in queued_mail():
        by_recipient.setdefault(message.to, []).append(message.subject)
    assert by_recipient["dilnoza@boysun.uz"] == [
        "Заявка получена: Дирекция фестиваля Бойсун",
        "Нужны сведения: заявка «Дирекция фестиваля Бойсун»",
        "Добро пожаловать в сеть: Дирекция фестиваля Бойсун",
    ]
    assert by_recipient["coord@ichcap.org"] == [
        "Answered: the application of Boysun Festival Office"
    ]


def test_an_account_without_a_confirmed_affiliation_is_told_how_to_get_one(app):
    make_account("nobody@example.org")
    browser = fresh_client(app)
    log_in(browser, "nobody@example.org")
    page = browser.get("/en/membership/apply")
    assert page.status_code == 403
    assert "once a moderator has confirmed it" in page.text


def test_an_empty_directory_says_nobody_has_joined_yet_not_that_filters_match_nothing(app):
    page = fresh_client(app).get("/en/members/").get_data(as_text=True)
    assert "No institution has joined the network through this site yet" in page
    assert "No member matches these filters" not in page
    filtered = fresh_client(app).get("/en/members/?country=UZ").get_data(as_text=True)
    assert "No member matches these filters" in filtered
    assert "не вступила" in fresh_client(app).get("/ru/members/").get_data(as_text=True)
