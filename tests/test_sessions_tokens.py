"""Finding 5: sessions and API tokens can be cut off (log-out, password change or reset,
revocation by the owner, an admin or the CLI, deactivation, expiry)."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from kb.extensions import db
from kb.models import Account, ApiToken
from kb.models.base import utcnow
from tests.journeys import (
    PASSWORD,
    csrf_token,
    fresh_client,
    link_in,
    log_in,
    make_account,
    post_form,
    queued_mail,
    token_for,
    token_header,
)

EMAIL = "curator@example.org"
NEW = "cedar boats on the amu darya"


@pytest.fixture
def client(app):
    """Each request in its own app context (see IsolatedClient)."""
    return fresh_client(app)


def _copy_of(app, client):
    """A second browser holding a copy of `client`'s session cookie (a stolen cookie)."""
    name = app.config["SESSION_COOKIE_NAME"]
    thief = fresh_client(app)
    thief.set_cookie(name, client.get_cookie(name).value)
    return thief


def _logged_in(client) -> bool:
    return client.get("/en/account/").status_code == 200


def _api_status(token: str, client) -> int:
    """401 if the token is refused; 404 (no submission 0) once it is accepted."""
    return client.get("/api/v1/submissions/0", headers=token_header(token)).status_code


def _account() -> Account:
    return db.session.scalar(sa.select(Account).where(Account.email == EMAIL))


def test_a_copied_session_cookie_stops_working_at_log_out(app, client):
    make_account(EMAIL)
    log_in(client, EMAIL)
    thief = _copy_of(app, client)
    assert _logged_in(thief)  # the copy works while the session lives

    page = client.get("/en/account/").text
    response = client.post("/en/account/logout", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert not _logged_in(client)
    assert not _logged_in(thief)


def test_a_session_id_without_a_generation_is_not_accepted(app, client):
    account = make_account(EMAIL)
    with client.session_transaction() as session:
        session["_user_id"] = str(account.id)  # the form of session ids before generations
    assert not _logged_in(client)
    with client.session_transaction() as session:
        session["_user_id"] = account.get_id()
    assert _logged_in(client)


def test_changing_the_password_ends_every_other_session(app, client):
    make_account(EMAIL)
    log_in(client, EMAIL)
    thief = _copy_of(app, client)
    token = token_for(_account())

    wrong = post_form(
        client,
        "/en/account/password",
        {"pw-current_password": "not it at all", "pw-password": NEW, "pw-password_again": NEW},
        page_url="/en/account/",
        prefix="pw-",
    )
    assert wrong.status_code == 422 and "This is not your current password." in wrong.text
    assert _logged_in(thief)

    response = post_form(
        client,
        "/en/account/password",
        {"pw-current_password": PASSWORD, "pw-password": NEW, "pw-password_again": NEW},
        page_url="/en/account/",
        prefix="pw-",
    )
    assert response.status_code == 302
    assert _logged_in(client)  # this browser stays in, with the new generation
    assert not _logged_in(thief)
    assert _api_status(token, fresh_client(app)) == 404  # tokens survive a change (listed)
    log_in(fresh_client(app), EMAIL, password=NEW)


def test_a_password_reset_ends_sessions_and_revokes_tokens(app, client):
    make_account(EMAIL)
    log_in(client, EMAIL)
    thief = _copy_of(app, client)
    token = token_for(_account())
    assert _api_status(token, fresh_client(app)) == 404

    post_form(client, "/en/account/reset", {"email": EMAIL})
    link = link_in(queued_mail()[-1].text, "/en/account/reset/")
    response = post_form(fresh_client(app), link, {"password": NEW, "password_again": NEW})
    assert response.status_code == 302

    assert not _logged_in(client) and not _logged_in(thief)
    assert _api_status(token, fresh_client(app)) == 401
    db.session.expire_all()
    assert all(t.revoked_at is not None for t in _account().tokens)


def test_an_expired_token_is_refused(app):
    account = make_account(EMAIL)
    token = token_for(account)
    row = db.session.scalar(sa.select(ApiToken))
    row.expires_at = utcnow() + timedelta(minutes=1)
    db.session.commit()
    assert _api_status(token, fresh_client(app)) == 404
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert _api_status(token, fresh_client(app)) == 401


def _make_token_on_page(client, name="sync script", expires="30") -> str:
    response = post_form(
        client,
        "/en/account/tokens",
        {"token-name": name, "token-expires": expires},
        page_url="/en/account/",
        prefix="token-",
    )
    assert response.status_code == 200, response.text
    match = re.search(r'<code class="token-secret">(kb_[\w-]+)</code>', response.text)
    assert match, "the new token is not shown"
    return match.group(1)


def test_the_owner_makes_lists_and_revokes_tokens_on_the_account_page(app, client):
    make_account(EMAIL)
    other = make_account("other@example.org")
    other_token = token_for(other)
    log_in(client, EMAIL)

    token = _make_token_on_page(client)
    assert _api_status(token, fresh_client(app)) == 404
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.name == "sync script"))
    assert row.expires_at is not None and 29 <= (row.expires_at - utcnow()).days <= 30
    page = client.get("/en/account/").text
    assert "sync script" in page and token not in page  # listed; the secret shown only once
    assert "other@example.org" not in page

    other_row = db.session.scalar(sa.select(ApiToken).where(ApiToken.account_id == other.id))
    forbidden = client.post(
        f"/en/account/tokens/{other_row.id}/revoke", data={"csrf_token": csrf_token(page)}
    )
    assert forbidden.status_code == 404
    assert _api_status(other_token, fresh_client(app)) == 404  # someone else's still works

    response = client.post(
        f"/en/account/tokens/{row.id}/revoke", data={"csrf_token": csrf_token(page)}
    )
    assert response.status_code == 302
    assert _api_status(token, fresh_client(app)) == 401
    assert "sync script" not in client.get("/en/account/").text

    never = _make_token_on_page(client, name="", expires="never")
    assert _api_status(never, fresh_client(app)) == 404
    bad = post_form(
        client,
        "/en/account/tokens",
        {"token-name": "x", "token-expires": "100000"},
        page_url="/en/account/",
        prefix="token-",
    )
    assert bad.status_code == 422


def test_an_admin_revokes_tokens_and_deactivates_an_account(app, client):
    make_account("admin@example.org", role="admin")
    user = make_account(EMAIL)
    token = token_for(user)
    victim = fresh_client(app)
    log_in(victim, EMAIL)

    member = fresh_client(app)
    log_in(member, EMAIL)
    assert member.get("/en/account/users/").status_code == 403

    log_in(client, "admin@example.org")
    page = client.get(f"/en/account/users/?email={EMAIL}")
    assert page.status_code == 200 and EMAIL in page.text
    unknown = client.get("/en/account/users/?email=nobody@example.org")
    assert "No account has this e-mail address." in unknown.text
    assert client.get("/en/account/users/?email=not-an-address").status_code == 200

    response = client.post(
        f"/en/account/users/{user.id}/revoke-tokens", data={"csrf_token": csrf_token(page.text)}
    )
    assert response.status_code == 302
    assert _api_status(token, fresh_client(app)) == 401
    assert _logged_in(victim)  # revoking tokens leaves the sessions alone

    second = token_for(_account())
    response = client.post(
        f"/en/account/users/{user.id}/deactivate", data={"csrf_token": csrf_token(page.text)}
    )
    assert response.status_code == 302
    assert not _logged_in(victim)
    assert _api_status(second, fresh_client(app)) == 401
    refused = post_form(
        fresh_client(app), "/en/account/login", {"email": EMAIL, "password": PASSWORD}
    )
    assert refused.status_code == 422

    client.post(
        f"/en/account/users/{user.id}/reactivate", data={"csrf_token": csrf_token(page.text)}
    )
    log_in(fresh_client(app), EMAIL)
    assert _api_status(second, fresh_client(app)) == 401  # old tokens stay revoked


def test_cli_revokes_tokens_and_deactivates(app, runner):
    account = make_account(EMAIL)
    session = fresh_client(app)
    log_in(session, EMAIL)
    first, second = token_for(account), token_for(account)

    result = runner.invoke(args=["users", "revoke-tokens", EMAIL])
    assert result.exit_code == 0 and "2 tokens revoked" in result.output
    assert _api_status(first, fresh_client(app)) == 401
    assert _api_status(second, fresh_client(app)) == 401
    assert _logged_in(session)

    result = runner.invoke(args=["users", "token", EMAIL, "--expires-in", "7", "--name", "ci"])
    assert result.exit_code == 0
    third = result.output.strip()
    db.session.expire_all()
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.name == "ci"))
    assert row.expires_at is not None and 6 <= (row.expires_at - utcnow()).days <= 7
    assert runner.invoke(args=["users", "token", EMAIL, "--expires-in", "0"]).exit_code != 0

    result = runner.invoke(args=["users", "deactivate", EMAIL])
    assert result.exit_code == 0
    assert not _logged_in(session)
    assert _api_status(third, fresh_client(app)) == 401
    assert runner.invoke(args=["users", "deactivate", "nobody@example.org"]).exit_code != 0

    assert runner.invoke(args=["users", "activate", EMAIL]).exit_code == 0
    log_in(fresh_client(app), EMAIL)
