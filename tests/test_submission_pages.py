"""Festivals proposed, corrected and moderated through the pages, in three languages."""

import re

import pytest
import sqlalchemy as sa

from kb.extensions import db
from kb.models import Festival, Submission
from tests.factories import create_festival
from tests.journeys import (
    csrf_token,
    directory,
    fresh_client,
    log_in,
    make_account,
    queued_mail,
)


@pytest.fixture
def client(app):
    """Each request in its own app context (see IsolatedClient)."""
    return fresh_client(app)


def _logged_in(app, email, lang="en", **kw):
    make_account(email, **kw)
    client = fresh_client(app)
    log_in(client, email, lang)
    return client


def _post(client, url, data, page_url=None):
    page = client.get(page_url or url)
    assert page.status_code == 200, page.status_code
    return client.post(url, data={"csrf_token": csrf_token(page.text), **data})


GOOD = {
    "text_en-name": "Boysun Bahori",
    "text_ru-name": "Бойсун бахори",
    "text_ko-name": "보이순 바호리",
    "text_en-summary": "A spring festival of the Boysun district.",
    "countries-0": "UZ",
    "latitude": "38,2",  # a decimal comma is taken as a point
    "longitude": "67.2",
    "periodicity": "irregular",
    "usual_months": ["4", "5"],
    "first_year": "2002",
    "editions-0-year": "2019",
    "editions-0-start_date": "2019-05-10",
    "editions-0-end_date": "2019-05-12",
    "editions-0-city": "Boysun",
    "editions-0-country": "UZ",
    "elements-0": "shashmaqom",
    "organizers-0": "ichcap",
    "website": "https://example.org/boysun",
    "sources-0": "https://example.org/source",
    "other_names-0-lang": "uz",
    "other_names-0-text": "Boysun bahori",
}


def _field_error(html: str, field_id: str) -> str:
    tag = re.search(rf'<(?:input|select|textarea)[^>]*id="{field_id}"[^>]*>', html)
    assert tag, f"no field {field_id}"
    assert 'aria-invalid="true"' in tag.group(0) and f"{field_id}-err" in tag.group(0), tag.group(0)
    message = re.search(rf'<p class="error" id="{field_id}-err">([^<]*)</p>', html)
    assert message, f"no error for {field_id}"
    return message.group(1)


def test_the_whole_journey_through_the_pages(app, client):
    directory()
    member = _logged_in(app, "org@example.org", "ru", organization="ichcap", locale="ru")
    moderator = _logged_in(app, "mod@example.org", role="moderator")

    page = member.get("/ru/submissions/new")
    assert page.status_code == 200 and '<html lang="ru">' in page.text
    assert "editions-1-year" not in page.text
    again = member.post(
        "/ru/submissions/new", data={"csrf_token": csrf_token(page.text), "add": "editions"}
    )
    assert again.status_code == 200 and "editions-1-year" in again.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Submission)) == 0

    draft = {"text_en-name": "Boysun Bahori", "latitude": "123", "action": "draft"}
    response = _post(member, "/ru/submissions/new", draft)
    assert response.status_code == 302
    submission = db.session.scalar(sa.select(Submission))
    assert submission.state == "draft" and submission.payload["latitude"] == "123"
    edit = response.headers["Location"]
    assert edit.endswith(f"/ru/submissions/{submission.id}/edit")
    assert 'value="123"' in member.get(edit).text  # finish it later: nothing lost

    bad = {
        **GOOD,
        "latitude": "123",
        "website": "example dot org",
        "countries-0": "ZZ",
        "editions-0-end_date": "2019-05-01",
        "action": "submit",
    }
    response = _post(member, edit, bad)
    assert response.status_code == 422
    # Field by field, in the reader's language.
    assert _field_error(response.text, "latitude") == "Широта должна быть в пределах от -90 до 90."
    assert _field_error(response.text, "website") == "Неверный веб-адрес (URL)."
    assert _field_error(response.text, "countries-0") == "Страны с кодом ZZ нет."
    assert _field_error(response.text, "editions-0-end_date") == (
        "Дата окончания фестиваля раньше даты его начала."
    )
    assert 'id="error-summary"' in response.text and 'href="#latitude"' in response.text
    db.session.expire_all()
    assert submission.state == "draft" and submission.payload["website"] == "example dot org"
    assert queued_mail() == []

    response = _post(member, edit, {**GOOD, "action": "submit"})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/ru/submissions/{submission.id}"
    )
    db.session.expire_all()
    assert submission.state == "pending" and submission.payload["slug"] == "boysun-bahori"
    assert (
        submission.payload["latitude"] == 38.2
        and submission.payload["name"]["uz"] == "Boysun bahori"
    )
    assert client.get("/en/festivals/boysun-bahori").status_code == 404

    assert "Boysun Bahori" in moderator.get("/en/moderation/?country=UZ").text
    assert "Boysun Bahori" not in moderator.get("/en/moderation/?country=KR").text
    url = f"/en/submissions/{submission.id}"
    review = moderator.get(url).text
    assert "org@example.org" in review and "Proposed" in review and "38.2" in review
    response = _post(moderator, url + "/return", {"return-reason": ""}, page_url=url)
    assert response.status_code == 422 and _field_error(response.text, "return-reason")
    response = _post(
        moderator, url + "/return", {"return-reason": "Add the 2023 edition, please."}, page_url=url
    )
    assert response.status_code == 302

    page = member.get(edit).text
    assert "Add the 2023 edition, please." in page
    resubmit = {**GOOD, "editions-1-year": "2023", "action": "submit"}
    assert _post(member, edit, resubmit).status_code == 302
    response = _post(moderator, url + "/approve", {"approve-reason": ""}, page_url=url)
    assert response.status_code == 302

    festival = client.get("/ko/festivals/boysun-bahori")
    assert festival.status_code == 200 and "보이순 바호리" in festival.text
    assert 'id="history-h"' in festival.text and "Dilnoza" not in festival.text
    record = db.session.scalar(sa.select(Festival))
    assert [e.year for e in record.editions] == [2019, 2023] and record.usual_months == [4, 5]
    # In the submitter's language (Russian), whichever language the moderator reads.
    assert [m.subject for m in queued_mail()] == [
        "Заявка получена: Бойсун бахори",
        "Требуется доработка: Бойсун бахори",
        "Исправленная заявка получена: Бойсун бахори",
        "Опубликовано: Бойсун бахори",
    ]
    assert all('<html lang="ru">' in m.html and "/ru/" in m.text for m in queued_mail())


def test_propose_a_change_opens_the_form_filled_in_and_waits_for_approval(app, client):
    directory()
    create_festival(
        slug="boysun-bahori",
        name={"en": "Boysun Bahori"},
        countries=["UZ"],
        website="https://old.example",
        notes={"en": "A note the form does not show."},
    )
    member = _logged_in(app, "org@example.org", organization="ichcap", name="Dilnoza")
    moderator = _logged_in(app, "mod@example.org", role="moderator")
    assert (
        'href="/en/festivals/boysun-bahori/propose"'
        in client.get("/en/festivals/boysun-bahori").text
    )

    form = member.get("/en/festivals/boysun-bahori/propose").text
    assert 'value="Boysun Bahori"' in form and 'value="https://old.example"' in form
    assert 'name="slug"' not in form
    data = {
        "text_en-name": "Boysun Bahori",
        "countries-0": "UZ",
        "website": "https://new.example",
        "action": "submit",
    }
    response = _post(member, "/en/festivals/boysun-bahori/propose", data)
    assert response.status_code == 302
    assert "https://old.example" in client.get("/en/festivals/boysun-bahori").text

    submission = db.session.scalar(sa.select(Submission))
    assert submission.is_change and submission.payload["notes"] == {
        "en": "A note the form does not show."
    }
    url = f"/en/submissions/{submission.id}"
    review = moderator.get(url).text
    assert (
        "Published now" in review
        and "https://old.example" in review
        and "https://new.example" in review
    )
    assert _post(moderator, url + "/approve", {}, page_url=url).status_code == 302

    page = client.get("/en/festivals/boysun-bahori").text
    assert "https://new.example" in page and "A note the form does not show." in page
    assert "Changed: Website" in page and "Proposed by Dilnoza" in page


def test_a_moderator_cannot_approve_their_own_submission(app, client):
    directory()
    moderator = _logged_in(app, "mod@example.org", role="moderator")
    assert _post(moderator, "/en/submissions/new", {**GOOD, "action": "submit"}).status_code == 302
    submission = db.session.scalar(sa.select(Submission))
    url = f"/en/submissions/{submission.id}"
    page = moderator.get(url).text
    assert "another moderator must approve it" in page and "/approve" not in page
    response = _post(moderator, url + "/approve", {}, page_url=url)
    assert response.status_code == 403
    db.session.expire_all()
    assert submission.state == "pending" and db.session.scalar(sa.select(Festival)) is None


def test_user_text_is_escaped_everywhere(app, client):
    directory()
    member = _logged_in(app, "org@example.org")
    moderator = _logged_in(app, "mod@example.org", role="moderator")
    evil = '<script>alert("x")</script>'
    data = {
        **GOOD,
        "text_en-name": evil,
        "text_en-description": evil,
        "slug": "evil",
        "action": "submit",
    }
    assert _post(member, "/en/submissions/new", data).status_code == 302
    submission = db.session.scalar(sa.select(Submission))
    url = f"/en/submissions/{submission.id}"
    pages = [
        member.get("/en/account/").text,
        moderator.get("/en/moderation/").text,
        moderator.get(url).text,
    ]
    _post(moderator, url + "/return", {"return-reason": evil}, page_url=url)
    pages += [member.get(url).text, member.get(url + "/edit").text]
    for html in pages:
        assert "<script>" not in html and "&lt;script&gt;" in html
    mail = queued_mail()[-1]
    assert "<script>" not in mail.html and "&lt;script&gt;" in mail.html


@pytest.mark.parametrize("lang", ["en", "ru", "ko"])
def test_the_form_and_the_account_pages_answer_in_each_language(app, lang):
    directory()
    member = _logged_in(app, "org@example.org", lang)
    for url in (f"/{lang}/submissions/new", f"/{lang}/account/"):
        response = member.get(url)
        assert response.status_code == 200 and f'<html lang="{lang}">' in response.text
        labels = set(re.findall(r'<label for="([^"]+)"', response.text))
        fields = set(re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', response.text))
        assert {f for f in fields if not f.endswith("csrf_token")} <= labels  # hidden ones


def test_the_review_warns_when_the_record_changed_since_the_proposal(app, client):
    directory()
    create_festival(slug="boysun-bahori", name={"en": "Boysun Bahori"}, countries=["UZ"])
    member = _logged_in(app, "org@example.org")
    other = _logged_in(app, "other@example.org")
    moderator = _logged_in(app, "mod@example.org", role="moderator")
    data = {"text_en-name": "Boysun Bahori", "countries-0": "UZ", "action": "submit"}
    _post(member, "/en/festivals/boysun-bahori/propose", {**data, "first_year": "2002"})
    _post(other, "/en/festivals/boysun-bahori/propose", {**data, "website": "https://b.example"})
    first, second = db.session.scalars(sa.select(Submission).order_by(Submission.id)).all()
    assert (
        "has changed since this proposal" not in moderator.get(f"/en/submissions/{first.id}").text
    )
    url = f"/en/submissions/{second.id}"
    assert _post(moderator, url + "/approve", {}, page_url=url).status_code == 302
    review = moderator.get(f"/en/submissions/{first.id}").text
    assert "has changed since this proposal" in review
    assert "https://b.example" in review  # approving as proposed would undo it: shown


def test_a_festival_form_with_one_coordinate_is_refused_on_the_missing_one(app):
    directory()
    member = _logged_in(app, "member@example.org", lang="ko", organization="ichcap")
    half = {**GOOD, "longitude": "", "action": "submit"}
    response = _post(member, "/ko/submissions/new", half)
    assert response.status_code == 422
    assert (
        _field_error(response.text, "longitude")
        == "위도와 경도를 모두 입력하거나 둘 다 비워 두십시오."
    )
    nan = {**GOOD, "latitude": "nan", "action": "submit"}
    response = _post(member, "/ko/submissions/new", nan)
    assert response.status_code == 422 and _field_error(response.text, "latitude")
