"""Accounts through the pages: sign up, confirm, log in and out, reset, propose an organisation."""

import re

import pytest
import sqlalchemy as sa

from kb.extensions import db
from kb.models import Account, Organization, Submission
from kb.services.affiliations import open_claim
from tests.journeys import (
    PASSWORD,
    csrf_token,
    directory,
    fresh_client,
    link_in,
    log_in,
    make_account,
    post_form,
    queued_mail,
)


@pytest.fixture
def client(app):
    """Each request in its own app context (see IsolatedClient)."""
    return fresh_client(app)


def _signup(client, lang="en", **fields):
    data = {
        "email": "curator@example.org",
        "name": "Dilnoza",
        "password": PASSWORD,
        "password_again": PASSWORD,
        "locale": lang,
        "organization": "ichcap",
        **fields,
    }
    return post_form(client, f"/{lang}/account/signup", data)


def test_sign_up_confirm_log_in_and_out_in_korean(app, client):
    directory()
    response = _signup(client, "ko")
    assert response.status_code == 200 and '<html lang="ko">' in response.text
    account = db.session.scalar(sa.select(Account))
    assert account.confirmed_at is None and account.locale == "ko"
    assert account.roles == {"member"}
    # Choosing an organisation at sign-up asks to act for it; it grants nothing yet.
    assert account.organization is None and open_claim(account).organization.slug == "ichcap"

    response = post_form(
        client, "/ko/account/login", {"email": "curator@example.org", "password": PASSWORD}
    )
    assert response.status_code == 422 and "/ko/account/confirm" in response.text

    (mail,) = queued_mail()
    assert mail.to == "curator@example.org" and 'lang="ko"' in mail.html
    link = link_in(mail.text, "/ko/account/confirm/")
    response = client.get(link)
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/ko/account/login"
    )

    log_in(client, "curator@example.org", "ko")
    page = client.get("/ko/account/")
    assert page.status_code == 200 and "curator@example.org" in page.text
    assert (
        client.post("/ko/account/logout", data={"csrf_token": csrf_token(page.text)}).status_code
        == 302
    )
    assert client.get("/ko/account/").status_code == 302


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(app, client):
    make_account("curator@example.org")
    wrong = post_form(
        client, "/en/account/login", {"email": "curator@example.org", "password": "nope nope nope"}
    )
    unknown = post_form(
        client, "/en/account/login", {"email": "nobody@example.org", "password": "nope nope nope"}
    )
    assert wrong.status_code == unknown.status_code == 422
    message = "The e-mail address or the password is not right."
    assert message in wrong.text and message in unknown.text


def test_signing_up_again_with_a_known_address_tells_only_its_owner(app, client):
    make_account("curator@example.org")
    response = _signup(client, organization="")
    assert response.status_code == 200 and "Check your e-mail" in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Account)) == 1
    (mail,) = queued_mail()
    assert mail.subject == "You already have an account" and "/en/account/reset" in mail.text


@pytest.mark.parametrize(
    ("fields", "field_id", "message"),
    [
        ({"email": "not-an-address"}, "email", "Not a valid e-mail address."),
        (
            {"password": "short", "password_again": "short"},
            "password",
            "Use at least 10 characters.",
        ),
        (
            {"password_again": "something else entirely"},
            "password_again",
            "The two passwords differ.",
        ),
        ({"email": ""}, "email", "This field is required."),
        (
            {"organization": "new", "new_kind": "ngo"},
            "new_name",
            "Give the text in at least one language.",
        ),
        (
            {"organization": "new", "new_name": "Boysun Centre"},
            "new_kind",
            "This field is required.",
        ),
        (
            {"organization": "new", "new_name": "B", "new_kind": "ngo", "new_country": "ZZ"},
            "new_country",
            "No country has the code ZZ.",
        ),
        (
            {"organization": "new", "new_name": "B", "new_kind": "ngo", "new_website": "example"},
            "new_website",
            "Not a valid web address (URL).",
        ),
        ({"organization": "no-such-org"}, "organization", "No organization has the slug"),
    ],
)
def test_sign_up_refuses_each_bad_field_next_to_it(app, client, fields, field_id, message):
    directory()
    response = _signup(client, **fields)
    assert response.status_code == 422
    html = response.text
    assert f'id="{field_id}-err"' in html and message in html
    tag = re.search(rf'<(?:input|select)[^>]*id="{field_id}"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in tag and f"{field_id}-err" in tag
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Account)) == 0
    assert queued_mail() == []


def test_a_proposed_organization_is_published_by_a_moderator(app, client):
    directory()
    make_account("mod@example.org", role="moderator")
    response = _signup(
        client,
        organization="new",
        new_name="Boysun Folk Centre",
        new_kind="ngo",
        new_country="UZ",
        new_city="Boysun",
        new_website="https://boysun.example",
    )
    assert response.status_code == 200
    proposal = db.session.scalar(sa.select(Submission))
    assert proposal.state == "draft" and proposal.record_type == "organization"
    client.get(link_in(queued_mail()[0].text, "/account/confirm/"))
    db.session.expire_all()
    assert proposal.state == "pending"

    moderator = fresh_client(app)
    log_in(moderator, "mod@example.org")
    queue = moderator.get("/en/moderation/?type=organization").text
    assert "Boysun Folk Centre" in queue
    url = f"/en/submissions/{proposal.id}"
    response = post_form(moderator, url + "/approve", {}, page_url=url, prefix="approve-")
    assert response.status_code == 302
    organization = db.session.scalar(
        sa.select(Organization).where(Organization.slug == "boysun-folk-centre")
    )
    assert organization is not None and organization.country.code == "UZ"
    assert (
        db.session.scalar(
            sa.select(Account).where(Account.email == "curator@example.org")
        ).organization
        == organization
    )
    assert client.get("/en/organizations/boysun-folk-centre").status_code == 200


def test_password_reset_by_e_mail_works_once(app, client):
    make_account("curator@example.org")
    response = post_form(client, "/en/account/reset", {"email": "curator@example.org"})
    assert response.status_code == 200
    unknown = post_form(client, "/en/account/reset", {"email": "nobody@example.org"})
    assert unknown.text.count("If an account has this address") == 1
    mail, notice = queued_mail()  # the unknown address is told no account has it
    assert mail.to == "curator@example.org" and notice.to == "nobody@example.org"
    assert "/en/account/reset/" not in notice.text
    link = link_in(mail.text, "/en/account/reset/")
    new = "another long secret"
    response = post_form(client, link, {"password": new, "password_again": new})
    assert response.status_code == 302
    log_in(fresh_client(app), "curator@example.org", password=new)
    assert client.get(link).status_code == 400  # the password changed: the link is spent


def test_log_in_and_sign_up_are_rate_limited(app, client):
    page = client.get("/en/account/login").text
    token = csrf_token(page)
    statuses = [
        client.post(
            "/en/account/login",
            data={"csrf_token": token, "email": "a@example.org", "password": "x"},
        ).status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [422] * 10 and statuses[10] == 429
    signups = [
        client.post("/en/account/signup", data={"csrf_token": token, "email": "x"}).status_code
        for _ in range(6)
    ]
    assert signups[:5] == [422] * 5 and signups[5] == 429


def test_forms_refuse_a_post_without_the_csrf_token(app, client):
    make_account("curator@example.org")
    response = client.post(
        "/en/account/login", data={"email": "curator@example.org", "password": PASSWORD}
    )
    assert response.status_code == 400


def test_preferences_and_organization_on_the_account_page(app, client):
    directory()
    make_account("curator@example.org")
    log_in(client, "curator@example.org")
    response = post_form(
        client,
        "/en/account/preferences",
        {"prefs-name": "Dilnoza", "prefs-locale": "ru"},
        page_url="/en/account/",
        prefix="prefs-",
    )
    assert response.status_code == 302
    response = post_form(
        client,
        "/en/account/organization",
        {"org-organization": "ichcap"},
        page_url="/en/account/",
        prefix="org-",
    )
    assert response.status_code == 302
    account = db.session.scalar(sa.select(Account))
    db.session.refresh(account)
    assert account.name == "Dilnoza" and account.locale == "ru"
    assert account.organization is None and open_claim(account).organization.slug == "ichcap"
