"""Roles on the web (issue 14, item 3): admins grant and revoke them on the account pages;
an institution's confirmed account asks for the organizer role and a coordinator decides;
every grant and revocation is logged (who, when, why) and shown to admins."""

from __future__ import annotations

import sqlalchemy as sa

from kb.extensions import db
from kb.models import Account, RoleChange, RoleRequest
from tests.factories import create_organization
from tests.journeys import csrf_token, fresh_client, log_in, make_account, post_form, queued_mail


def _account(email: str) -> Account:
    db.session.expire_all()
    return db.session.scalar(sa.select(Account).where(Account.email == email))


def _log() -> list[tuple]:
    db.session.expire_all()
    rows = db.session.scalars(sa.select(RoleChange).order_by(RoleChange.id))
    return [
        (r.account.email, r.role, r.action, r.by.email if r.by else r.process, r.reason)
        for r in rows
    ]


def test_an_admin_grants_and_revokes_a_role_saying_why(app):
    make_account("admin@example.org", role="admin")
    person = make_account("person@example.org")
    admin = fresh_client(app)
    log_in(admin, "admin@example.org")
    users = "/en/account/users/?email=person@example.org"

    unexplained = post_form(
        admin, f"/en/account/users/{person.id}/roles", {"role": "coordinator"}, page_url=users
    )
    assert unexplained.status_code == 302
    assert "coordinator" not in _account("person@example.org").roles  # no reason, no grant

    post_form(
        admin,
        f"/en/account/users/{person.id}/roles",
        {"role": "coordinator", "reason": "Elected by the coordinating bureau."},
        page_url=users,
    )
    assert "coordinator" in _account("person@example.org").roles
    post_form(
        admin,
        f"/en/account/users/{person.id}/roles/coordinator/revoke",
        {"reason": "Term ended."},
        page_url=users,
    )
    assert "coordinator" not in _account("person@example.org").roles
    assert _log() == [
        (
            "person@example.org",
            "coordinator",
            "granted",
            "admin@example.org",
            "Elected by the coordinating bureau.",
        ),
        ("person@example.org", "coordinator", "revoked", "admin@example.org", "Term ended."),
    ]
    page = admin.get(users).text
    assert "Elected by the coordinating bureau." in page and "Term ended." in page
    assert "Term ended." in admin.get("/en/account/users/").text  # the log of everyone

    me = _account("admin@example.org")
    post_form(
        admin,
        f"/en/account/users/{me.id}/roles/admin/revoke",
        {"reason": "oops"},
        page_url=users,
    )
    assert "admin" in _account("admin@example.org").roles
    # Nobody else may: a coordinator is refused.
    make_account("coord@example.org", role="coordinator")
    other = fresh_client(app)
    log_in(other, "coord@example.org")
    page = other.get("/en/account/")
    refused = other.post(
        f"/en/account/users/{person.id}/roles",
        data={"csrf_token": csrf_token(page.text), "role": "admin", "reason": "me"},
    )
    assert refused.status_code == 403
    assert "admin" not in _account("person@example.org").roles


def test_an_institution_asks_for_the_organizer_role_and_a_coordinator_grants_it(app):
    create_organization(slug="boysun", name={"en": "Boysun Festival Office"})
    make_account("dilnoza@boysun.uz", organization="boysun", locale="ru")
    make_account("coord@ichcap.org", role="coordinator")
    make_account("coord@boysun.uz", role="coordinator", organization="boysun")
    applicant, coordinator, own = fresh_client(app), fresh_client(app), fresh_client(app)
    log_in(applicant, "dilnoza@boysun.uz", lang="ru")
    log_in(coordinator, "coord@ichcap.org")
    log_in(own, "coord@boysun.uz")

    account_page = applicant.get("/ru/account/")
    assert "Запросить роль организатора" in account_page.text
    asked = post_form(
        applicant,
        "/ru/account/organizer-request",
        {"message": "Мы проводим фестиваль каждый год."},
        page_url="/ru/account/",
    )
    assert asked.status_code == 302
    request_id = db.session.scalar(sa.select(RoleRequest.id))
    assert "Вы запросили роль организатора" in applicant.get("/ru/account/").text

    queue = coordinator.get("/en/coordination/")
    assert "Мы проводим фестиваль каждый год." in queue.text
    # A coordinator acting for the same institution may not decide.
    post_form(
        own, f"/en/coordination/role-requests/{request_id}/grant", {}, page_url="/en/coordination/"
    )
    assert "organizer" not in _account("dilnoza@boysun.uz").roles

    granted = post_form(
        coordinator,
        f"/en/coordination/role-requests/{request_id}/grant",
        {"reason": ""},
        page_url="/en/coordination/",
    )
    assert granted.status_code == 302
    assert "organizer" in _account("dilnoza@boysun.uz").roles
    assert _log() == [
        (
            "dilnoza@boysun.uz",
            "organizer",
            "granted",
            "coord@ichcap.org",
            f"Request {request_id}, for its institution.",
        ),
    ]
    mail = [m for m in queued_mail() if m.to == "dilnoza@boysun.uz"]
    assert [m.subject for m in mail] == ["Теперь вы организатор мероприятий"]
    # Decided once: a second decision changes nothing.
    again = post_form(
        coordinator,
        f"/en/coordination/role-requests/{request_id}/decline",
        {"reason": "No."},
        page_url="/en/coordination/",
    )
    assert again.status_code == 302
    assert db.session.get(RoleRequest, request_id).state == "granted"


def test_an_account_without_a_confirmed_affiliation_cannot_ask(app):
    make_account("nobody@example.org")
    browser = fresh_client(app)
    log_in(browser, "nobody@example.org")
    assert "organizer-request" not in browser.get("/en/account/").text
    post_form(
        browser, "/en/account/organizer-request", {"message": "please"}, page_url="/en/account/"
    )
    assert db.session.scalar(sa.select(sa.func.count(RoleRequest.id))) == 0


def test_kb_users_create_logs_its_grant(app, runner):
    result = runner.invoke(
        args=["users", "create", "mod@example.org", "--role", "moderator", "--password-stdin"],
        input="a long enough secret\n",
    )
    assert result.exit_code == 0, result.output
    assert _log() == [("mod@example.org", "moderator", "granted", "cli", "kb users create")]


def test_the_users_page_shows_an_accounts_organization_and_its_open_claim(app):
    from kb.models import Organization
    from kb.services import affiliations
    from kb.services.common import by_slug

    create_organization(slug="ichcap", name={"en": "ICHCAP"})
    make_account("admin@example.org", role="admin")
    person = make_account("person@example.org")
    affiliations.claim(person, by_slug(Organization, "ichcap"))
    db.session.commit()
    admin = fresh_client(app)
    log_in(admin, "admin@example.org")
    page = admin.get("/en/account/users/?email=person@example.org").text
    assert 'Asks to act for “<span lang="en">ICHCAP</span>”.' in page
    assert "/en/moderation/affiliations" in page


def test_the_organizer_role_through_the_api(app):
    from tests.journeys import token_for, token_header

    create_organization(slug="boysun", name={"en": "Boysun Festival Office"})
    asker = token_header(token_for(make_account("dilnoza@boysun.uz", organization="boysun")))
    coordinator = token_header(token_for(make_account("coord@ichcap.org", role="coordinator")))
    api = fresh_client(app)
    asked = api.post("/api/v1/role-requests", json={"message": "Festivals."}, headers=asker)
    assert asked.status_code == 201, asked.get_json()
    assert api.post("/api/v1/role-requests", json={}, headers=asker).status_code == 409
    assert api.get("/api/v1/role-requests", headers=asker).status_code == 403
    queue = api.get("/api/v1/role-requests", headers=coordinator).get_json()
    assert [item["state"] for item in queue["items"]] == ["pending"]
    url = f"/api/v1/role-requests/{asked.get_json()['id']}"
    assert api.post(f"{url}/decline", json={}, headers=coordinator).status_code == 422
    granted = api.post(f"{url}/grant", json={}, headers=coordinator)
    assert granted.status_code == 200 and granted.get_json()["state"] == "granted"
    assert "organizer" in _account("dilnoza@boysun.uz").roles
    assert (
        api.post(f"{url}/decline", json={"reason": "No."}, headers=coordinator).status_code == 409
    )
