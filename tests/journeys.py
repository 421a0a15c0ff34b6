"""Helpers for tests that walk the pages and the API as people do: accounts, log-ins (also
in a browser), the people of the membership and proposal journeys, CSRF, mail."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa
from flask.testing import FlaskClient

from kb.extensions import db
from kb.models import OutboxMessage
from kb.services.accounts import create_account, issue_token
from tests.eventkit import client_of, outbox
from tests.factories import create_country, create_element, create_organization
from tests.workerkit import run_worker_once

PASSWORD = "a long enough secret"


def fresh_client(app) -> FlaskClient:
    """A separate browser whose requests do not share `g` or the session with the test."""
    return client_of(app)


def make_account(email: str, role: str = "member", **kw):
    """A confirmed account with the test password."""
    account = create_account(email, role=role, password=PASSWORD, confirmed=True, **kw)
    db.session.commit()
    return account


def token_for(account) -> str:
    """A new API token for `account`."""
    secret = issue_token(account)
    db.session.commit()
    return secret


def token_header(token: str) -> dict:
    """The Authorization header of an API token."""
    return {"Authorization": f"Bearer {token}"}


def directory() -> dict:
    """A small directory to link festivals to: two countries, an element, an organisation."""
    return {
        "uz": create_country("UZ"),
        "kr": create_country("KR"),
        "element": create_element(slug="shashmaqom", name={"en": "Shashmaqom music"}),
        "org": create_organization(slug="ichcap", name={"en": "ICHCAP", "ko": "아태무형유산센터"}),
    }


def institution_and_coordinator():
    """Uzbekistan, the Boysun festival office (named in English, Russian and Korean), an
    account acting for it that reads Russian (dilnoza@boysun.uz) and a coordinator who reads
    English (coord@ichcap.org): the people of the membership journeys. Returns both accounts."""
    create_country("UZ")
    create_organization(
        slug="boysun",
        name={
            "en": "Boysun Festival Office",
            "ru": "Дирекция фестиваля Бойсун",
            "ko": "보이순 축제 사무국",
        },
        kind="festival-organizer",
        country="UZ",
    )
    applicant = make_account("dilnoza@boysun.uz", organization="boysun", locale="ru")
    coordinator = make_account("coord@ichcap.org", role="coordinator", locale="en")
    return applicant, coordinator


def member_and_moderator():
    """The small `directory()`, a member acting for ICHCAP who reads Korean (org@example.org,
    Dilnoza) and a moderator (mod@example.org, Mira): the people of the proposal journeys.
    Returns both accounts."""
    directory()
    member = make_account("org@example.org", organization="ichcap", name="Dilnoza", locale="ko")
    moderator = make_account("mod@example.org", role="moderator", name="Mira")
    return member, moderator


def browser_log_in(context, base: str, email: str, lang: str = "en"):
    """Log in on the login page in a new tab of a browser context; returns the tab."""
    page = context.new_page()
    page.goto(f"{base}/{lang}/account/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("load")
    return page


def csrf_token(page: str) -> str:
    """The CSRF token of the (first) form in a page."""
    match = re.search(r'name="(?:[\w-]+-)?csrf_token" type="hidden" value="([^"]+)"', page)
    match = match or re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF token in the page"
    return match.group(1)


def post_form(client, url: str, data: dict, page_url: str | None = None, prefix: str = ""):
    """Open the page, take its CSRF token, post `data` with it."""
    page = client.get(page_url or url)
    assert page.status_code == 200, (page_url or url, page.status_code)
    return client.post(url, data={f"{prefix}csrf_token": csrf_token(page.text), **data})


def log_in(client, email: str, lang: str = "en", password: str = PASSWORD):
    """Log in through the page."""
    response = post_form(client, f"/{lang}/account/login", {"email": email, "password": password})
    assert response.status_code == 302, response.text
    return response


def queued_mail() -> list[OutboxMessage]:
    """Every queued message, oldest first."""
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def delivered_files() -> list:
    """The e-mails written to the file outbox once the worker has run, parsed, oldest first."""
    run_worker_once("mail")
    return outbox()


def link_in(text: str, path_part: str) -> str:
    """The path of the first link in a text that contains `path_part`."""
    match = re.search(r"https?://[^/\s]+(\S*" + re.escape(path_part) + r"\S*)", text)
    assert match, f"no link with {path_part} in: {text}"
    return html.unescape(match.group(1))


def festival_body(**kw) -> dict:
    """A valid festival payload for the API."""
    return {
        "slug": "boysun-bahori",
        "name": {"en": "Boysun Bahori", "ru": "Бойсун бахори", "ko": "보이순 바호리"},
        "countries": ["UZ"],
        "city": {"en": "Boysun"},
        "latitude": 38.2,
        "longitude": 67.2,
        "periodicity": "irregular",
        "usual_months": [5],
        "first_year": 2002,
        "elements": ["shashmaqom"],
        "organizers": ["ichcap"],
        "editions": [{"year": 2019, "start_date": "2019-05-10", "end_date": "2019-05-12"}],
        "website": "https://example.org/boysun",
        "sources": ["https://example.org/source"],
        **kw,
    }
