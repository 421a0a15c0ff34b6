"""Moderation decisions and publications are serialised (issue 9, item 2).

Two moderators deciding at once: one wins, the other gets 409 `already_decided` (API) or
the page says another moderator decided; never a second revision, step or e-mail, never
a 500. Slugs of new records are reserved when submitted, by one rule for every type.
The threaded races need PostgreSQL's row locks; the conditional logic is tested on both.
"""

from __future__ import annotations

import html
import threading

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from kb.extensions import db
from kb.models import Festival, Revision, Submission, SubmissionStep
from kb.services import moderation
from kb.services.common import ServiceError
from tests.conftest import PG_URL
from tests.factories import create_event, create_festival
from tests.journeys import (
    csrf_token,
    directory,
    festival_body,
    fresh_client,
    log_in,
    make_account,
    queued_mail,
    token_for,
    token_header,
)


@pytest.fixture
def client(app):
    return fresh_client(app)


def _submit(client, token, **kw) -> int:
    response = client.post(
        "/api/v1/festivals", json=festival_body(**kw), headers=token_header(token)
    )
    assert response.status_code == 202, response.get_json()
    return response.get_json()["id"]


def _count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _published_mails(to: str) -> list[str]:
    return [m.subject for m in queued_mail() if m.to == to and m.subject.startswith("Published")]


def _commit_elsewhere(statement) -> None:
    """Commit `statement` in a session of its own, as another request would."""
    with Session(db.engine) as other:
        other.execute(statement)
        other.commit()


@pytest.fixture
def people(app):
    directory()
    member = make_account("member@example.org")
    return {
        "member": token_for(member),
        "mod1": token_for(make_account("mod1@example.org", role="moderator")),
        "mod2": token_for(make_account("mod2@example.org", role="moderator")),
    }


# -- the conditional logic (any database) ------------------------------------------------


def test_a_decision_on_a_stale_submission_is_refused_and_changes_nothing(app, client, people):
    sid = _submit(client, people["member"])
    moderator = make_account("mod3@example.org", role="moderator")
    stale = db.session.get(Submission, sid)
    assert stale.state == "pending"
    # Another moderator approves while this one has the page open (state read: pending).
    _commit_elsewhere(sa.update(Submission).where(Submission.id == sid).values(state="rejected"))

    for decide in (
        lambda: moderation.approve(stale, moderator, None),
        lambda: moderation.reject(stale, moderator, "no"),
        lambda: moderation.send_back(stale, moderator, "why"),
    ):
        set_committed_value(stale, "state", "pending")  # as read before the other decided
        with pytest.raises(ServiceError) as refused:
            decide()
        assert refused.value.code == "already_decided"
        db.session.rollback()
    assert _count(Festival) == 0 and _count(Revision, Revision.record_type == "festival") == 0
    assert _count(SubmissionStep, SubmissionStep.submission_id == sid) == 1  # submitted only


def test_the_api_answers_409_already_decided_to_the_second_decision(app, client, people):
    sid = _submit(client, people["member"])
    url = f"/api/v1/submissions/{sid}"
    assert (
        client.post(url + "/approve", json={}, headers=token_header(people["mod1"])).status_code
        == 200
    )
    response = client.post(
        url + "/reject", json={"reason": "x"}, headers=token_header(people["mod2"])
    )
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] in ("conflict", "already_decided")
    assert _count(Revision, Revision.record_type == "festival") == 1 and _published_mails(
        "member@example.org"
    ) == ["Published: Boysun Bahori"]


def test_the_page_says_another_moderator_decided_first(app, client, people):
    sid = _submit(client, people["member"])
    for lang, email in (("en", "mod1@example.org"), ("ru", "mod2@example.org")):
        pages = fresh_client(app)
        log_in(pages, email, lang=lang)
        page_url = f"/{lang}/submissions/{sid}"
        token = csrf_token(pages.get(page_url).text)  # the page, opened while pending
        if lang == "en":
            _commit_elsewhere(
                sa.update(Submission).where(Submission.id == sid).values(state="approved")
            )
        response = pages.post(
            page_url + "/reject", data={"reject-csrf_token": token, "reject-reason": "late"}
        )
        assert response.status_code == 409
        with force_locale(lang):
            expected = gettext("Only a submission awaiting review can be decided on.")
        assert html.escape(expected, quote=False) in response.text
    assert _count(SubmissionStep, SubmissionStep.submission_id == sid) == 1


def test_a_stale_object_cannot_take_the_submission_on_sqlite_either(app, people, client):
    """The UPDATE's condition, not the object read earlier, decides."""
    sid = _submit(client, people["member"])
    moderator = make_account("mod4@example.org", role="moderator")
    stale = db.session.get(Submission, sid)
    _commit_elsewhere(sa.update(Submission).where(Submission.id == sid).values(state="returned"))
    with pytest.raises(ServiceError) as refused:
        moderation.approve(stale, moderator, None)
    assert refused.value.code == "already_decided"
    db.session.rollback()
    assert db.session.get(Submission, sid).state == "returned"


# -- slugs: reserved when submitted, one rule -------------------------------------------


def test_a_submitted_slug_is_reserved_until_rejected(app, client, people):
    other = token_for(make_account("other@example.org"))
    first = _submit(client, people["member"])
    response = client.post("/api/v1/festivals", json=festival_body(), headers=token_header(other))
    assert response.status_code == 422 and "slug" in response.get_json()["error"]["fields"]
    derived = _submit(client, other, slug="")  # no slug given: the next free one
    assert db.session.get(Submission, derived).reserved_slug == "boysun-bahori-2"

    url = f"/api/v1/submissions/{first}/reject"
    assert (
        client.post(url, json={"reason": "dup"}, headers=token_header(people["mod1"])).status_code
        == 200
    )
    assert db.session.get(Submission, first).reserved_slug is None
    again = _submit(client, other)  # freed by the rejection
    assert db.session.get(Submission, again).reserved_slug == "boysun-bahori"


def test_a_slug_taken_behind_our_back_is_a_409_not_a_500(app, client, people, monkeypatch):
    sid = _submit(client, people["member"])
    create_festival(slug="boysun-bahori")  # e.g. by the seed, past every check
    monkeypatch.setattr(moderation, "slug_taken", lambda *a, **kw: False)
    url = f"/api/v1/submissions/{sid}/approve"
    response = client.post(url, json={}, headers=token_header(people["mod1"]))
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["error"]["code"] == "exists"
    assert db.session.get(Submission, sid).state == "pending"


def test_publishing_twice_writes_one_revision(app):
    from kb.services import organizing

    organizer = make_account("org@example.org", role="organizer")
    event = create_event()
    event.status = "draft"
    db.session.commit()
    stale = db.session.get(type(event), event.id)
    assert stale.status == "draft"
    _commit_elsewhere(sa.text("UPDATE event SET status = 'published'"))
    set_committed_value(stale, "status", "draft")  # as read before the other published
    assert organizing.publish_event(stale, organizer) is False
    db.session.commit()
    assert _count(Revision, Revision.action == "publish") == 0


# -- real races (PostgreSQL's row locks) -------------------------------------------------

pg_only = pytest.mark.skipif(not PG_URL, reason="row locks: PostgreSQL only")


def _race(app, monkeypatch, calls) -> list:
    """Run `calls` (each posts with its own client) in threads that pass the state check
    together, so both reach the conditional UPDATE while the submission is pending."""
    barrier = threading.Barrier(len(calls), timeout=10)
    take = moderation._take

    def both_then_take(submission):
        barrier.wait()
        return take(submission)

    monkeypatch.setattr(moderation, "_take", both_then_take)
    results = [None] * len(calls)

    def run(i):
        with app.app_context():
            results[i] = calls[i]()
            db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pg_only
@pytest.mark.parametrize("second", ["approve", "reject"])
def test_two_moderators_at_once_one_wins(app, people, monkeypatch, second):
    sid = _submit(fresh_client(app), people["member"])
    url = f"/api/v1/submissions/{sid}"
    a, b = fresh_client(app), fresh_client(app)
    results = _race(
        app,
        monkeypatch,
        [
            lambda: a.post(url + "/approve", json={}, headers=token_header(people["mod1"])),
            lambda: b.post(
                url + f"/{second}", json={"reason": "r"}, headers=token_header(people["mod2"])
            ),
        ],
    )
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 409], [r.get_json() for r in results]
    loser = next(r for r in results if r.status_code == 409)
    assert loser.get_json()["error"]["code"] == "already_decided"
    steps = db.session.scalars(
        sa.select(SubmissionStep.action).where(SubmissionStep.submission_id == sid)
    ).all()
    final = db.session.get(Submission, sid).state
    assert steps == ["submitted", final]  # one decision, and the state it says
    assert _count(Festival) == (1 if final == "approved" else 0)
    assert _count(Revision, Revision.record_type == "festival") == (1 if final == "approved" else 0)
    expected = ["Published: Boysun Bahori"] if final == "approved" else []
    assert _published_mails("member@example.org") == expected


@pg_only
def test_two_approvals_of_a_change_make_one_revision(app, people, monkeypatch):
    create_festival(
        slug="boysun-bahori", name={"en": "Boysun Bahori"}, website="https://old.example"
    )
    sid = _submit(fresh_client(app), people["member"], website="https://new.example")
    assert db.session.get(Submission, sid).is_change
    url = f"/api/v1/submissions/{sid}/approve"
    a, b = fresh_client(app), fresh_client(app)
    results = _race(
        app,
        monkeypatch,
        [
            lambda: a.post(url, json={}, headers=token_header(people["mod1"])),
            lambda: b.post(url, json={}, headers=token_header(people["mod2"])),
        ],
    )
    assert sorted(r.status_code for r in results) == [200, 409]
    assert _count(Revision, Revision.record_type == "festival", Revision.action != "create") == 1
    assert len(_published_mails("member@example.org")) == 1
