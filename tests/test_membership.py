"""Network membership (issue 14, item 1): apply, ask for more, answer, approve — and the rest.

The done-when journey through the API: an institution's account applies in Russian, a
coordinator asks for more in English, the applicant answers, the coordinator approves;
the institution is then in the member directory under its country with its role, every
step is in its history, and every e-mail is in its recipient's language.
"""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from kb.extensions import db
from kb.models import Membership, MembershipApplication, MembershipStep, OutboxMessage
from kb.services import membership
from kb.services.common import ServiceError
from tests.conftest import PG_URL
from tests.factories import create_country, create_organization
from tests.journeys import fresh_client, make_account, queued_mail, token_for, token_header


def application_body(**kw) -> dict:
    """A valid application, its statement in Russian."""
    return {
        "kind": "festival-organizer",
        "country": "UZ",
        "contact_name": "Дилноза Каримова",
        "contact_email": "dilnoza@boysun.uz",
        "contact_public": False,
        "brings": ["festivals", "elements"],
        "languages": ["uz", "ru"],
        "statement": {"ru": "Мы проводим фестиваль Бойсун бахори и хотим делиться опытом."},
        "terms": True,
        **kw,
    }


@pytest.fixture
def world(app):
    create_country("UZ")
    create_country("KR")
    create_organization(
        slug="boysun",
        name={"en": "Boysun Festival Office", "ru": "Дирекция фестиваля Бойсун"},
        kind="festival-organizer",
        country="UZ",
    )
    applicant = make_account("dilnoza@boysun.uz", organization="boysun", locale="ru")
    coordinator = make_account("coord@ichcap.org", role="coordinator", locale="en")
    return {
        "api": fresh_client(app),
        "applicant": token_header(token_for(applicant)),
        "coordinator": token_header(token_for(coordinator)),
        "applicant_account": applicant,
        "coordinator_account": coordinator,
    }


def _mails(to: str) -> list[OutboxMessage]:
    return [m for m in queued_mail() if m.to == to]


def test_apply_ask_answer_approve_through_the_api(world):
    api, me, coord = world["api"], world["applicant"], world["coordinator"]

    applied = api.post("/api/v1/membership-applications", json=application_body(), headers=me)
    assert applied.status_code == 201, applied.get_json()
    app_id = applied.get_json()["id"]
    assert applied.get_json()["state"] == "pending"
    assert api.get("/api/v1/members/boysun").status_code == 404  # not a member yet

    queue = api.get("/api/v1/membership-applications", headers=coord).get_json()
    assert [item["id"] for item in queue["items"]] == [app_id]

    asked = api.post(
        f"/api/v1/membership-applications/{app_id}/ask",
        json={"note": "Which festivals do you organise, and since when?"},
        headers=coord,
    )
    assert asked.status_code == 200, asked.get_json()
    assert asked.get_json()["state"] == "more-info"
    # Approving now is refused: the application waits for the institution.
    early = api.post(f"/api/v1/membership-applications/{app_id}/approve", json={}, headers=coord)
    assert early.status_code == 409

    answered = api.post(
        f"/api/v1/membership-applications/{app_id}/answer",
        json={"note": "Бойсун бахори, с 2002 года."},
        headers=me,
    )
    assert answered.status_code == 200, answered.get_json()
    assert answered.get_json()["state"] == "pending"

    approved = api.post(
        f"/api/v1/membership-applications/{app_id}/approve",
        json={"role": "partner", "note": "Welcome."},
        headers=coord,
    )
    assert approved.status_code == 200, approved.get_json()
    body = approved.get_json()
    assert body["state"] == "approved"
    assert [s["action"] for s in body["steps"]] == ["applied", "asked", "answered", "approved"]
    # Who took each step, by name: the applicant reads these too, not coordinators' addresses.
    assert body["steps"][1]["by"] == {"name": world["coordinator_account"].name}
    mine = api.get(f"/api/v1/membership-applications/{app_id}", headers=me)
    assert mine.status_code == 200 and "coord@ichcap.org" not in mine.get_data(as_text=True)

    # The directory's record says so too, and its history keeps who made it so.
    organization = api.get("/api/v1/organizations?role=partner").get_json()
    assert [o["slug"] for o in organization["items"]] == ["boysun"]
    history = api.get("/api/v1/organizations/boysun/history").get_json()
    assert history["items"][0]["changes"]["network_role"] == [None, "partner"]

    members = api.get("/api/v1/members?country=UZ").get_json()
    assert [m["slug"] for m in members["items"]] == ["boysun"]
    assert members["items"][0]["role"] == "partner"
    assert members["countries"] == {"UZ": 1}
    assert members["items"][0]["contact"] is None  # not made public
    member = api.get("/api/v1/members/boysun").get_json()
    # The public history is the membership's, not how the application went.
    assert [s["action"] for s in member["history"]] == ["approved"]
    assert "note" not in member["history"][0] and "by" not in member["history"][0]

    # Each e-mail in its recipient's language: the applicant's in Russian, the coordinator's
    # (the answer to the question) in English.
    subjects = [m.subject for m in _mails("dilnoza@boysun.uz")]
    assert subjects == [
        "Заявка получена: Дирекция фестиваля Бойсун",
        "Нужны сведения: заявка «Дирекция фестиваля Бойсун»",
        "Добро пожаловать в сеть: Дирекция фестиваля Бойсун",
    ], subjects
    asked_mail = _mails("dilnoza@boysun.uz")[1]
    assert "Which festivals do you organise" in asked_mail.text
    assert f"/ru/membership/applications/{app_id}" in asked_mail.text
    to_coordinator = _mails("coord@ichcap.org")
    assert [m.subject for m in to_coordinator] == [
        "Answered: the application of Boysun Festival Office"
    ]
    assert "Бойсун бахори, с 2002 года." in to_coordinator[0].text
    assert "/en/membership/applications/" in to_coordinator[0].text


def test_only_a_confirmed_affiliation_may_apply(app, world):
    api = world["api"]
    nobody = token_header(token_for(make_account("nobody@example.org")))
    refused = api.post("/api/v1/membership-applications", json=application_body(), headers=nobody)
    assert refused.status_code == 403
    assert api.post("/api/v1/membership-applications", json=application_body()).status_code == 401


def test_an_application_is_refused_field_by_field(world):
    api, me = world["api"], world["applicant"]
    bad = application_body(
        terms=False, brings=[], statement={"uz": "Biz…"}, country="ZZ", contact_email="x"
    )
    answer = api.post("/api/v1/membership-applications", json=bad, headers=me)
    assert answer.status_code == 422
    fields = answer.get_json()["error"]["fields"]
    assert {"terms", "brings", "statement", "contact_email"} <= set(fields), fields
    assert db.session.scalar(sa.select(sa.func.count(MembershipStep.id))) == 0


def test_one_open_application_at_a_time_and_no_deciding_for_ones_own(world):
    api, me = world["api"], world["applicant"]
    assert (
        api.post("/api/v1/membership-applications", json=application_body(), headers=me).status_code
        == 201
    )
    again = api.post("/api/v1/membership-applications", json=application_body(), headers=me)
    assert again.status_code == 409
    # A coordinator acting for the applying institution may not decide on it.
    own = make_account("coord2@boysun.uz", role="coordinator", organization="boysun")
    app_id = again_id = db.session.scalar(sa.select(sa.func.max(MembershipStep.application_id)))
    refused = api.post(
        f"/api/v1/membership-applications/{app_id}/approve",
        json={},
        headers=token_header(token_for(own)),
    )
    assert refused.status_code == 403
    assert again_id


def test_declining_needs_a_reason_and_a_second_decision_is_refused(world):
    api, me, coord = world["api"], world["applicant"], world["coordinator"]
    app_id = api.post(
        "/api/v1/membership-applications", json=application_body(), headers=me
    ).get_json()["id"]
    url = f"/api/v1/membership-applications/{app_id}"
    assert api.post(f"{url}/decline", json={}, headers=coord).status_code == 422
    assert (
        api.post(f"{url}/decline", json={"note": "Out of scope."}, headers=coord).status_code == 200
    )
    second = api.post(f"{url}/approve", json={}, headers=coord)
    assert second.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count(Membership.id))) == 0
    # Other members' accounts and ordinary members see nothing of it.
    stranger = token_header(token_for(make_account("stranger@example.org")))
    assert api.get(url, headers=stranger).status_code == 404
    assert api.get(url, headers=me).status_code == 200


def _member(world) -> None:
    api, me, coord = world["api"], world["applicant"], world["coordinator"]
    app_id = api.post(
        "/api/v1/membership-applications",
        json=application_body(contact_public=True),
        headers=me,
    ).get_json()["id"]
    approved = api.post(f"/api/v1/membership-applications/{app_id}/approve", json={}, headers=coord)
    assert approved.status_code == 200


def test_a_coordinator_changes_a_role_with_the_members_own_body_and_ends_it(world):
    api, coord = world["api"], world["coordinator"]
    _member(world)
    body = api.get("/api/v1/members/boysun").get_json()
    assert body["role"] == "member"
    assert body["contact"] == {"name": "Дилноза Каримова", "email": "dilnoza@boysun.uz"}
    body["role"] = "co-organizer"
    changed = api.patch("/api/v1/members/boysun", json=body, headers=coord)
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["role"] == "co-organizer"
    assert (
        api.patch("/api/v1/members/boysun", json=body, headers=world["applicant"]).status_code
        == 403
    )

    assert api.post("/api/v1/members/boysun/end", json={}, headers=coord).status_code == 422
    ended = api.post("/api/v1/members/boysun/end", json={"note": "Left."}, headers=coord)
    assert ended.status_code == 200
    assert ended.get_json()["ended_on"]
    assert api.get("/api/v1/members/boysun").status_code == 404
    assert api.get("/api/v1/members").get_json()["total"] == 0
    assert api.get("/api/v1/organizations/boysun").get_json()["network_role"] is None
    # Kept, never deleted: the row and every step.
    actions = list(db.session.scalars(sa.select(MembershipStep.action).order_by(MembershipStep.id)))
    assert actions == ["applied", "approved", "role-changed", "ended"]
    assert db.session.scalar(sa.select(sa.func.count(Membership.id))) == 1
    subjects = [m.subject for m in _mails("dilnoza@boysun.uz")]
    assert subjects[-2:] == [
        "Новая роль в сети: Дирекция фестиваля Бойсун",
        "Членство прекращено: Дирекция фестиваля Бойсун",
    ]


def test_the_directory_filters_by_kind_role_and_contribution(world):
    _member(world)
    api = world["api"]
    assert api.get("/api/v1/members?kind=festival-organizer").get_json()["total"] == 1
    assert api.get("/api/v1/members?kind=museum").get_json()["total"] == 0
    assert api.get("/api/v1/members?brings=festivals").get_json()["total"] == 1
    assert api.get("/api/v1/members?brings=expertise").get_json()["total"] == 0
    assert api.get("/api/v1/members?role=partner").get_json()["total"] == 0
    assert api.get("/api/v1/members?role=nonsense").status_code == 400


def test_a_decision_on_a_stale_application_is_refused_and_changes_nothing(app, world):
    api, me = world["api"], world["applicant"]
    app_id = api.post(
        "/api/v1/membership-applications", json=application_body(), headers=me
    ).get_json()["id"]
    stale = db.session.get(MembershipApplication, app_id)
    with Session(db.engine) as other:  # another coordinator declined it meanwhile
        other.execute(sa.text("UPDATE membership_application SET state = 'declined'"))
        other.commit()
    set_committed_value(stale, "state", "pending")  # as read before the other decided
    with app.test_request_context(), pytest.raises(ServiceError) as refused:
        membership.approve(stale, world["coordinator_account"])
    assert refused.value.code == "already_decided"
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Membership.id))) == 0


@pytest.mark.skipif(not PG_URL, reason="concurrent decisions need PostgreSQL's row locks")
def test_two_coordinators_approving_at_once_make_one_member(app, world, monkeypatch):
    api, me = world["api"], world["applicant"]
    app_id = api.post(
        "/api/v1/membership-applications", json=application_body(), headers=me
    ).get_json()["id"]
    other = token_header(token_for(make_account("coord3@example.org", role="coordinator")))
    barrier = threading.Barrier(2, timeout=10)
    take = membership._take

    def both_then_take(application, expected):
        barrier.wait()  # both passed the state check: only the row lock decides now
        return take(application, expected)

    monkeypatch.setattr(membership, "_take", both_then_take)
    statuses = [None, None]

    def decide(i, headers):
        with app.app_context():
            client = fresh_client(app)
            url = f"/api/v1/membership-applications/{app_id}/approve"
            statuses[i] = client.post(url, json={}, headers=headers).status_code
            db.session.remove()

    heads = (world["coordinator"], other)
    threads = [threading.Thread(target=decide, args=(i, h)) for i, h in enumerate(heads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses) == [200, 409]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Membership.id))) == 1
    approvals = sa.select(sa.func.count(MembershipStep.id)).where(
        MembershipStep.action == "approved"
    )
    assert db.session.scalar(approvals) == 1
    welcome = [m for m in _mails("dilnoza@boysun.uz") if m.subject.startswith("Добро")]
    assert len(welcome) == 1
