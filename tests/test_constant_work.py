"""Finding 7: sign-up, password reset and resending the confirmation answer the same page
and do the same expensive work whether or not the address has an account (counted hash calls
and queued e-mails, not timings; bench/auth_timing.py measures the timings)."""

import pytest

from kb.services import accounts
from tests.journeys import PASSWORD, fresh_client, make_account, post_form, queued_mail

KNOWN = "curator@example.org"
UNKNOWN = "nobody@example.org"


@pytest.fixture
def hashes(monkeypatch):
    """Counts the password hashes computed (the slow step of a sign-up)."""
    calls = []
    real = accounts.hash_password

    def counting(password):
        calls.append(password)
        return real(password)

    monkeypatch.setattr(accounts, "hash_password", counting)
    return calls


def _work(app, url: str, data: dict, hashes: list):
    """The page answered, the hashes computed and the e-mails queued by one POST."""
    before_hashes, before_mail = len(hashes), len(queued_mail())
    response = post_form(fresh_client(app), url, data)
    return response, len(hashes) - before_hashes, queued_mail()[before_mail:]


def test_sign_up_does_the_same_work_for_a_known_and_an_unknown_address(app, hashes):
    make_account(KNOWN)
    hashes.clear()

    def sign_up(email):
        data = {"email": email, "password": PASSWORD, "password_again": PASSWORD}
        return _work(app, "/en/account/signup", {**data, "locale": "en"}, hashes)

    known, known_hashes, known_mail = sign_up(KNOWN)
    unknown, unknown_hashes, unknown_mail = sign_up(UNKNOWN)
    assert known.status_code == unknown.status_code == 200
    assert known.text == unknown.text
    assert known_hashes == unknown_hashes == 1
    assert [m.to for m in known_mail] == [KNOWN] and [m.to for m in unknown_mail] == [UNKNOWN]
    assert known_mail[0].subject == "You already have an account"
    assert unknown_mail[0].subject == "Confirm your e-mail address"


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_reset_does_the_same_work_for_a_known_and_an_unknown_address(app, hashes, lang):
    make_account(KNOWN)
    known, _, known_mail = _work(app, f"/{lang}/account/reset", {"email": KNOWN}, hashes)
    unknown, _, unknown_mail = _work(app, f"/{lang}/account/reset", {"email": UNKNOWN}, hashes)
    assert known.status_code == unknown.status_code == 200
    assert known.text == unknown.text
    assert [m.to for m in known_mail] == [KNOWN] and [m.to for m in unknown_mail] == [UNKNOWN]
    assert "/en/account/reset/" in known_mail[0].text  # the account's own language: en
    notice = unknown_mail[0]
    assert f"/{lang}/account/signup" in notice.text and "/account/reset/" not in notice.text
    assert f'lang="{lang}"' in notice.html


def test_a_deactivated_account_gets_no_reset_link(app, runner, hashes):
    make_account(KNOWN)
    runner.invoke(args=["users", "deactivate", KNOWN])
    response, _, mail = _work(app, "/en/account/reset", {"email": KNOWN}, hashes)
    assert response.status_code == 200
    assert [m.to for m in mail] == [KNOWN] and "/account/reset/" not in mail[0].text


def test_resending_the_confirmation_does_the_same_work_for_every_address(app, hashes):
    make_account(KNOWN)  # confirmed already
    signup = {"email": "new@example.org", "password": PASSWORD, "password_again": PASSWORD}
    response = post_form(fresh_client(app), "/en/account/signup", {**signup, "locale": "en"})
    assert response.status_code == 200
    answers = {}
    for email in ("new@example.org", KNOWN, UNKNOWN):
        answers[email] = _work(app, "/en/account/confirm", {"email": email}, hashes)
    pages = {response.text for response, _, _ in answers.values()}
    assert len(pages) == 1
    mails = {email: mail for email, (_, _, mail) in answers.items()}
    assert all([m.to for m in mail] == [email] for email, mail in mails.items())
    assert "/en/account/confirm/" in mails["new@example.org"][0].text
    for email in (KNOWN, UNKNOWN):
        assert "/account/confirm/" not in mails[email][0].text
        assert "/en/account/login" in mails[email][0].text
    assert all(count == 0 for _, count, _ in answers.values())


def test_not_an_address_gets_the_same_page_and_no_mail(app, hashes):
    make_account(KNOWN)
    known, _, _ = _work(app, "/en/account/reset", {"email": KNOWN}, hashes)
    odd, _, mail = _work(app, "/en/account/reset", {"email": "a@b"}, hashes)
    assert odd.text == known.text and mail == []
