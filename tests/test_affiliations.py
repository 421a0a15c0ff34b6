"""Acting for an organisation is granted, not claimed (issue 8, finding 1).

An organiser who merely *asks* to act for another institution gets nothing of it: not its
events, not their registrants, not the CSV, not the API. Moderators and admins confirm or
decline, the person is told by e-mail in their language, and only then does it count.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from kb.config import ROOT
from kb.extensions import db
from kb.models import Account, Affiliation
from kb.services.affiliations import open_claim
from tests.eventkit import account, bearer, client_of, event_body, login, person
from tests.factories import create_organization
from tests.journeys import csrf_token, queued_mail

EVIL = {"join_url": "https://evil.example/phish"}


def _institutions():
    create_organization(slug="ichcap", name={"en": "ICHCAP", "ru": "ИКЦАП", "ko": "유네스코"})
    create_organization(slug="iicas", name={"en": "IICAS"})


def _ichcap_event(app) -> None:
    """A published event organised by ICHCAP (created by ICHCAP's own organiser), one registrant."""
    owner = account("owner@ichcap.org", organization="ichcap")
    api, headers = client_of(app), bearer(owner)
    body = event_body("webinar", organizations=[{"organization": "ichcap", "role": "organizer"}])
    assert api.post("/api/v1/events", json=body, headers=headers).status_code == 201
    assert api.post("/api/v1/events/webinar/publish", headers=headers).status_code == 200
    registered = api.post("/api/v1/events/webinar/registrations", json=person("aigerim@kz.kz"))
    assert registered.status_code in (201, 202)


def _post(client, url, page_url, data):
    page = client.get(page_url)
    assert page.status_code == 200, page.status_code
    prefix = "org-" if url.endswith("/organization") else ""
    return client.post(url, data={f"{prefix}csrf_token": csrf_token(page.text), **data})


def _ask_for_ichcap(app, who) -> None:
    browser = client_of(app)
    login(browser, who)
    response = _post(
        browser, "/en/account/organization", "/en/account/", {"org-organization": "ichcap"}
    )
    assert response.status_code == 302
    db.session.refresh(who)


def _manages(app, who) -> dict[str, int]:
    """What `who` gets on the event's management pages, CSV and API."""
    browser = client_of(app)
    login(browser, who)
    base = "/en/organize/events/webinar"
    out = {
        url: browser.get(base + url).status_code
        for url in ("", "/registrations", "/registrations.csv")
    }
    out["PATCH"] = client_of(app).patch("/api/v1/events/webinar", json=EVIL, headers=bearer(who))
    out["PATCH"] = out["PATCH"].status_code
    return out


def test_a_claimed_affiliation_gives_nothing_of_another_institutions_event(app):
    _institutions()
    _ichcap_event(app)
    attacker = account("organizer@iicas.org", organization="iicas")
    _ask_for_ichcap(app, attacker)

    assert attacker.organization.slug == "iicas"  # still: asking changes nothing
    assert open_claim(attacker).organization.slug == "ichcap"
    assert _manages(app, attacker) == {
        "": 403,
        "/registrations": 403,
        "/registrations.csv": 403,
        "PATCH": 403,
    }
    event_links = client_of(app).get(
        "/api/v1/events/webinar", headers=bearer(account("admin@x.org", "admin"))
    )
    assert "evil.example" not in event_links.text

    # Signing up with ICHCAP chosen is the same claim, and grants nothing either.
    newcomer = account("newcomer@example.org")
    from kb.services import signup

    signup.choose_organization(newcomer, "ichcap")
    db.session.commit()
    assert newcomer.organization is None
    assert set(_manages(app, newcomer).values()) == {403}


def test_a_moderator_confirms_and_the_person_is_told_in_their_language(app):
    _institutions()
    _ichcap_event(app)
    colleague = account("colleague@ichcap.org")
    colleague.locale = "ru"
    db.session.commit()
    _ask_for_ichcap(app, colleague)

    moderator = client_of(app)
    login(moderator, account("moderator@x.org", "moderator"))
    queue = moderator.get("/en/moderation/affiliations")
    assert queue.status_code == 200 and "colleague@ichcap.org" in queue.text
    claim = open_claim(colleague)
    confirmed = moderator.post(
        f"/en/moderation/affiliations/{claim.id}/confirm",
        data={"csrf_token": csrf_token(queue.text), "reason": "Checked with ICHCAP by telephone."},
    )
    assert confirmed.status_code == 302
    db.session.refresh(colleague)
    assert colleague.organization.slug == "ichcap" and open_claim(colleague) is None
    assert _manages(app, colleague) == {
        "": 200,
        "/registrations": 200,
        "/registrations.csv": 200,
        "PATCH": 200,
    }
    mails = [m for m in queued_mail() if m.to == "colleague@ichcap.org"]
    assert len(mails) == 1
    assert "ИКЦАП" in mails[0].subject and "/ru/account/" in mails[0].text
    assert "Checked with ICHCAP by telephone." in mails[0].text and 'lang="ru"' in mails[0].html
    # Decided once: deciding again is a conflict, not a second e-mail.
    again = moderator.post(
        f"/en/moderation/affiliations/{claim.id}/decline",
        data={"csrf_token": csrf_token(queue.text)},
    )
    assert again.status_code == 409
    assert [m.to for m in queued_mail()].count("colleague@ichcap.org") == 1


def test_declined_through_the_api_and_nobody_decides_their_own(app):
    _institutions()
    asker = account("asker@example.org", organization="iicas")
    api = client_of(app)
    asked = api.post("/api/v1/affiliations", json={"organization": "ichcap"}, headers=bearer(asker))
    assert asked.status_code == 202 and asked.get_json()["state"] == "claimed"
    claim_id = asked.get_json()["id"]
    assert api.get(asked.headers["Location"], headers=bearer(asker)).status_code == 200
    unknown = api.post("/api/v1/affiliations", json={"organization": "nope"}, headers=bearer(asker))
    assert unknown.status_code == 422

    member = account("member@example.org", "member")
    assert api.get("/api/v1/affiliations", headers=bearer(member)).status_code == 403
    assert api.get(f"/api/v1/affiliations/{claim_id}", headers=bearer(member)).status_code == 404
    assert (
        api.post(f"/api/v1/affiliations/{claim_id}/confirm", headers=bearer(member)).status_code
        == 403
    )
    assert asker.organization.slug == "iicas"

    admin = account("admin@example.org", "admin")
    listed = api.get("/api/v1/affiliations", headers=bearer(admin)).get_json()
    assert [item["account"]["email"] for item in listed["items"]] == ["asker@example.org"]
    declined = api.post(
        f"/api/v1/affiliations/{claim_id}/decline",
        json={"reason": "ICHCAP does not know you."},
        headers=bearer(admin),
    )
    assert declined.status_code == 200 and declined.get_json()["state"] == "declined"
    db.session.refresh(asker)
    assert asker.organization.slug == "iicas"
    (mail,) = [m for m in queued_mail() if m.to == "asker@example.org"]
    assert "ICHCAP does not know you." in mail.text and "ICHCAP" in mail.subject

    # An admin's own request waits for someone else.
    own = api.post("/api/v1/affiliations", json={"organization": "ichcap"}, headers=bearer(admin))
    own_id = own.get_json()["id"]
    refused = api.post(f"/api/v1/affiliations/{own_id}/confirm", headers=bearer(admin))
    assert refused.status_code == 403
    assert db.session.get(Account, admin.id).organization is None


def test_a_claim_from_an_unconfirmed_address_waits(app):
    _institutions()
    from kb.services import signup

    with app.test_request_context():
        signup.sign_up(
            "director@ichcap.org",
            "a long enough secret",
            name=None,
            locale="en",
            organization="ichcap",
        )
    db.session.commit()
    claim = db.session.scalar(sa.select(Affiliation))
    assert claim.state == "claimed" and claim.account.organization is None
    admin = account("admin@example.org", "admin")
    api = client_of(app)
    assert api.get("/api/v1/affiliations", headers=bearer(admin)).get_json()["total"] == 0
    answer = api.post(f"/api/v1/affiliations/{claim.id}/confirm", headers=bearer(admin))
    assert answer.status_code == 409


def test_the_cli_grants_a_confirmed_affiliation(app, runner):
    _institutions()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "org@ichcap.org",
            "--role",
            "organizer",
            "--organization",
            "ichcap",
            "--password-stdin",
        ],
        input="a long enough secret\n",
    )
    assert result.exit_code == 0, result.output
    created = db.session.scalar(sa.select(Account).where(Account.email == "org@ichcap.org"))
    assert created.organization.slug == "ichcap"
    (row,) = db.session.scalars(sa.select(Affiliation).where(Affiliation.account_id == created.id))
    assert row.state == "confirmed" and row.granted_by == "admin"

    other = account("other@example.org")
    result = runner.invoke(args=["users", "affiliate", "other@example.org", "iicas"])
    assert result.exit_code == 0, result.output
    assert db.session.get(Account, other.id).organization.slug == "iicas"
    assert runner.invoke(args=["users", "affiliate", "other@example.org", "nope"]).exit_code != 0


def test_the_migration_turns_self_declared_affiliations_into_claims(app):
    """Existing data: only an affiliation a moderator saw (its approved proposal) stays."""
    migrations = str(ROOT / "migrations")
    _institutions()
    proposer = account("proposer@example.org")
    declared = account("declared@example.org")
    # read before the downgrade: later migrations' columns are gone until the upgrade
    proposer_id, declared_id = proposer.id, declared.id
    # end the session's transaction: on PostgreSQL its read locks would block the
    # downgrade's ALTER TABLE (run on another connection) for ever
    db.session.commit()
    db.session.close()
    with app.app_context():
        downgrade(directory=migrations, revision="7c3e9b14d0a2")
    ids = {
        row.slug: row.id for row in db.session.execute(sa.text("SELECT id, slug FROM organization"))
    }
    db.session.execute(
        sa.text("UPDATE account SET organization_id = :o WHERE email = :e"),
        [
            {"o": ids["ichcap"], "e": "proposer@example.org"},
            {"o": ids["iicas"], "e": "declared@example.org"},
        ],
    )
    db.session.execute(
        sa.text(
            "INSERT INTO submission (record_type, account_id, state, payload, country_codes, "
            "created_at, updated_at) VALUES ('organization', :a, 'approved', :p, ',', "
            "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ),
        {"a": proposer_id, "p": '{"slug": "ichcap", "name": {"en": "ICHCAP"}}'},
    )
    db.session.commit()
    with app.app_context():
        upgrade(directory=migrations)
    db.session.expire_all()
    proposer, declared = db.session.get(Account, proposer_id), db.session.get(Account, declared_id)
    assert proposer.organization.slug == "ichcap"
    assert declared.organization is None and open_claim(declared).organization.slug == "iicas"
