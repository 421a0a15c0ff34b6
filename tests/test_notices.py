"""Notices to the people who act (issue 14, item 4): batched e-mails, the header count.

Done when a moderator receives one notice e-mail for three submissions made within the
hour. Requests only leave the work in the database; `kb worker`'s `notices` task sends.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from kb.extensions import db
from kb.models import Account, Submission
from tests.journeys import (
    directory,
    festival_body,
    fresh_client,
    log_in,
    make_account,
    post_form,
    queued_mail,
    token_for,
    token_header,
)
from tests.workerkit import run_worker_once


def _notices(to: str) -> list:
    return [m for m in queued_mail() if m.to == to and (m.key or "").startswith("notice:")]


def _submit(api, token, slug: str) -> None:
    body = festival_body(slug=slug, name={"en": f"Festival {slug}"})
    response = api.post("/api/v1/festivals", json=body, headers=token_header(token))
    assert response.status_code == 202, response.get_json()


def _hour_passes() -> None:
    """Move every time the notices read an hour and a minute back, as if it had passed."""
    back = timedelta(hours=1, minutes=1)
    for account in db.session.scalars(sa.select(Account)):
        if account.notice_sent_at:
            account.notice_sent_at -= back
    for submission in db.session.scalars(sa.select(Submission)):
        if submission.submitted_at:
            submission.submitted_at -= back
    db.session.commit()


def test_three_submissions_within_the_hour_make_one_notice(app):
    directory()
    make_account("mod@example.org", role="moderator")
    member = token_for(make_account("member@example.org"))
    api = fresh_client(app)
    for slug in ("one", "two", "three"):
        _submit(api, member, slug)
    assert _notices("mod@example.org") == []  # requests only enqueue the work

    run_worker_once("notices")
    notices = _notices("mod@example.org")
    assert len(notices) == 1
    assert notices[0].subject == "3 new items wait for you"
    assert "3 submissions wait for review." in notices[0].text
    assert "/en/moderation/" in notices[0].text

    _submit(api, member, "four")  # within the hour: no second e-mail
    run_worker_once("notices")
    assert len(_notices("mod@example.org")) == 1

    _hour_passes()
    run_worker_once("notices")
    notices = _notices("mod@example.org")
    assert len(notices) == 2
    assert notices[1].subject == "1 new item waits for you"
    assert "4 submissions wait for review." in notices[1].text  # what waits in all

    _hour_passes()
    run_worker_once("notices")  # nothing new since: nothing sent
    assert len(_notices("mod@example.org")) == 2


def test_notices_are_in_the_persons_language_and_can_be_turned_off(app):
    directory()
    make_account("mod-ko@example.org", role="moderator", locale="ko")
    make_account("quiet@example.org", role="moderator")
    make_account("coord-ru@example.org", role="coordinator", locale="ru")
    member = token_for(make_account("member@example.org"))
    quiet = fresh_client(app)
    log_in(quiet, "quiet@example.org")
    saved = post_form(
        quiet,
        "/en/account/preferences",
        {"prefs-name": "", "prefs-locale": "en"},  # the box left unticked
        page_url="/en/account/",
        prefix="prefs-",
    )
    assert saved.status_code == 302
    _submit(fresh_client(app), member, "one")
    run_worker_once("notices")
    assert _notices("quiet@example.org") == []
    notice = _notices("mod-ko@example.org")
    assert len(notice) == 1 and "/ko/moderation/" in notice[0].text
    assert notice[0].subject == "새로 처리할 항목 1건이 있습니다"
    assert _notices("coord-ru@example.org") == []  # a submission is not a coordinator's


def test_the_header_counts_what_waits_for_a_moderator(app):
    directory()
    make_account("mod@example.org", role="moderator")
    member = token_for(make_account("member@example.org"))
    _submit(fresh_client(app), member, "one")
    _submit(fresh_client(app), member, "two")
    browser = fresh_client(app)
    log_in(browser, "mod@example.org")
    page = browser.get("/en/")
    assert '<span class="count" aria-label="2 wait">2</span>' in page.text
    member_page = fresh_client(app)
    log_in(member_page, "member@example.org")
    assert 'class="count"' not in member_page.get("/en/").text
