"""Accounts from the command line, API tokens and role checks."""

import sqlalchemy as sa

from kb.extensions import db
from kb.models import Account, ApiToken
from kb.services.accounts import account_for_token, check_password
from tests.factories import create_organization


def test_users_create_with_password_from_stdin(runner, app):
    create_organization(slug="ichcap")
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Curator@Example.org",
            "--role",
            "moderator",
            "--organization",
            "ichcap",
            "--password-stdin",
        ],
        input="a long enough secret\n",
    )
    assert result.exit_code == 0, result.output
    account = db.session.scalar(sa.select(Account))
    assert account.email == "Curator@example.org"
    assert account.roles == {"moderator"} and account.organization.slug == "ichcap"
    assert check_password(account, "a long enough secret")
    assert "a long enough secret" not in (account.password_hash or "")


def test_users_create_refuses_bad_input_and_changes_nothing(runner, app):
    for args, stdin, expected in [
        (
            ["users", "create", "not-an-email", "--password-stdin"],
            "a long enough secret\n",
            "email",
        ),
        (["users", "create", "a@example.org", "--password-stdin"], "short\n", "password"),
        (
            ["users", "create", "a@example.org", "--organization", "nope", "--password-stdin"],
            "a long enough secret\n",
            "organization",
        ),
    ]:
        result = runner.invoke(args=args, input=stdin)
        assert result.exit_code != 0 and expected in result.output, result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Account)) == 0


def test_users_token_prints_a_token_whose_hash_only_is_kept(runner, app):
    runner.invoke(
        args=["users", "create", "org@example.org", "--password-stdin"],
        input="a long enough secret\n",
    )
    result = runner.invoke(args=["users", "token", "org@example.org"])
    assert result.exit_code == 0
    token = result.output.strip()
    stored = db.session.scalar(sa.select(ApiToken))
    assert token.startswith("kb_") and token not in stored.token_hash
    assert account_for_token(token).email == "org@example.org"
    assert account_for_token(token + "x") is None


def test_users_token_for_an_unknown_account_fails(runner, app):
    result = runner.invoke(args=["users", "token", "nobody@example.org"])
    assert result.exit_code != 0 and "no account" in result.output
