"""Finding 8: easily guessed passwords are refused, with a translated reason by the field,
on sign-up, reset and password change, and by `kb users create`."""

import pytest
import sqlalchemy as sa

from kb.extensions import db
from kb.models import Account
from kb.services.common import ServiceError
from kb.services.passwords import check_strength
from tests.journeys import (
    PASSWORD,
    directory,
    fresh_client,
    link_in,
    log_in,
    make_account,
    post_form,
    queued_mail,
)

WEAK = ("aaaaaaaaaa", "1234567890")


@pytest.fixture
def client(app):
    """Each request in its own app context (see IsolatedClient)."""
    return fresh_client(app)


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("aaaaaaaaaa", "Repeated characters"),
        ("1234567890", "one of the most common passwords"),
        ("qwertyuiop", "one of the most common passwords"),
        ("abcdefghijk", "Sequences"),
        ("password2019", "Common words"),
        ("dilnoza.karimova", "your e-mail address or your name"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(app, password, why):
    with app.test_request_context("/en/"), pytest.raises(ServiceError) as caught:
        check_strength(password, email="dilnoza.karimova@example.org", name="Dilnoza")
    assert caught.value.field == "password" and caught.value.code == "weak_password"
    assert why in caught.value.message


def test_long_uncommon_passphrases_pass(app):
    with app.test_request_context("/en/"):
        check_strength(PASSWORD, email="a@example.org")
        check_strength("cedar boats on the amu darya", email="a@example.org")
        long = (
            "the caravan left samarkand at dawn with silk, paper and seventeen crates of apricots"
        )
        check_strength(long * 2)  # longer than zxcvbn's limit: judged by its start, no error
        with pytest.raises(ServiceError, match="at least 10"):
            check_strength("Zq8!x")


SIGNUP_REFUSAL = {
    "ru": "Этот пароль слишком легко угадать. Повторы символов или слов",
    "ko": "이 비밀번호는 너무 쉽게 추측됩니다. “aaaa”나 “abcabc”처럼",
}


@pytest.mark.parametrize("lang", ["ru", "ko"])
def test_sign_up_refuses_a_weak_password_by_the_field_in_the_readers_language(app, client, lang):
    directory()
    data = {
        "email": "curator@example.org",
        "password": "aaaaaaaaaa",
        "password_again": "aaaaaaaaaa",
        "locale": lang,
        "organization": "ichcap",
    }
    response = post_form(client, f"/{lang}/account/signup", data)
    assert response.status_code == 422
    assert '<p class="error" id="password-err">' + SIGNUP_REFUSAL[lang] in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Account)) == 0
    assert queued_mail() == []


def test_reset_refuses_a_weak_password_in_korean(app, client):
    make_account("curator@example.org", locale="ko")
    post_form(client, "/ko/account/reset", {"email": "curator@example.org"})
    link = link_in(queued_mail()[-1].text, "/ko/account/reset/")
    response = post_form(client, link, {"password": WEAK[1], "password_again": WEAK[1]})
    assert response.status_code == 422
    assert "가장 흔한 비밀번호 중 하나입니다." in response.text
    assert 'id="password-err"' in response.text
    log_in(fresh_client(app), "curator@example.org")  # the old password still works


def test_password_change_refuses_a_weak_password_in_russian(app, client):
    make_account("curator@example.org")
    log_in(client, "curator@example.org", lang="ru")
    response = post_form(
        client,
        "/ru/account/password",
        {"pw-current_password": PASSWORD, "pw-password": WEAK[1], "pw-password_again": WEAK[1]},
        page_url="/ru/account/",
        prefix="pw-",
    )
    assert response.status_code == 422
    assert '<p class="error" id="pw-password-err">Этот пароль слишком легко угадать.' in (
        response.text
    )
    assert "Это один из самых распространённых паролей." in response.text
    log_in(fresh_client(app), "curator@example.org")


@pytest.mark.parametrize("weak", WEAK)
def test_users_create_refuses_a_weak_password(runner, app, weak):
    result = runner.invoke(
        args=["users", "create", "org@example.org", "--password-stdin"], input=weak + "\n"
    )
    assert result.exit_code != 0 and "too easy to guess" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Account)) == 0
