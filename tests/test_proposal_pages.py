"""Proposing a change to any record through the pages, with each text's language said,
and moderators' edits before approving (issue 14 items 5 and 6)."""

from html.parser import HTMLParser

import pytest

from kb.extensions import db
from kb.models import Submission
from tests.factories import create_element, create_organization
from tests.journeys import (
    csrf_token,
    directory,
    fresh_client,
    log_in,
    make_account,
    member_and_moderator,
)


class Form(HTMLParser):
    """The values a browser would send for the page's proposal form, as shown."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self.selects: dict[str, str | None] = {}
        self._select = None
        self._textarea = None
        self._first_option = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "checkbox"):
            self.values[a["name"]] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.values[self._textarea] = ""
        elif tag == "select":
            self._select, self._first_option = a.get("name"), None
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value")
            if "selected" in a:
                self.selects[self._select] = a.get("value")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            self.values[self._select] = self.selects.get(self._select, self._first_option)
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def shown(html: str) -> dict:
    """The form's fields with the values the page shows."""
    form = Form()
    form.feed(
        html.split('class="stack submission-form"')[1]
        .split("</form>")[0]
        .join(["<form ", "</form>"])
    )
    return form.values


@pytest.fixture
def people(app):
    member_and_moderator()
    member, moderator = fresh_client(app), fresh_client(app)
    log_in(member, "org@example.org", "ko")
    log_in(moderator, "mod@example.org")
    return member, moderator


def test_a_change_to_an_element_proposed_and_approved_on_the_pages_is_in_its_history(app, people):
    member, moderator = people
    create_element(slug="navruz", name={"en": "Navruz"}, sources=["https://example.org/a"])
    page = member.get("/ko/elements/navruz")
    assert "/ko/elements/navruz/propose" in page.text
    form = member.get("/ko/elements/navruz/propose")
    assert form.status_code == 200
    values = shown(form.text)
    # The record's English name is shown as English; the blank row is in Korean, the reader's.
    assert values["text_name-0-text"] == "Navruz" and values["text_name-0-lang"] == "en"
    assert values["text_name-1-lang"] == "ko" and values["text_name-1-text"] == ""
    assert "한국어" in form.text  # the form says which language a new text is taken to be in
    values.update(
        {
            "text_name-1-text": "나우루즈",
            "text_summary-0-text": "Spring new year.",
            "text_summary-0-lang": "en",  # typed on the Korean form, in English
            "sources-1": "https://example.org/b",
            "message": "From the 2016 nomination file.",
            "action": "submit",
        }
    )
    sent = member.post("/ko/elements/navruz/propose", data=values)
    assert sent.status_code == 302, sent.text
    item = db.session.scalar(db.select(Submission))
    assert item.state == "pending" and item.record_type == "element"
    assert item.payload["name"] == {"en": "Navruz", "ko": "나우루즈"}
    assert item.payload["summary"] == {"en": "Spring new year."}

    queue = moderator.get("/en/moderation/?type=element")
    assert f"/en/submissions/{item.id}" in queue.text and "ICH element" in queue.text
    show = moderator.get(f"/en/submissions/{item.id}")
    assert "Spring new year." in show.text and "Edit the proposal before deciding" in show.text
    token = csrf_token(show.text)
    approved = moderator.post(
        f"/en/submissions/{item.id}/approve",
        data={"csrf_token": token, "reason": ""},
    )
    assert approved.status_code == 302, approved.text
    again = moderator.post(f"/en/submissions/{item.id}/approve", data={"csrf_token": token})
    assert again.status_code == 409

    html = member.get("/ko/elements/navruz").text
    assert "나우루즈" in html and "Spring new year." in html
    history = html.split('id="history-h"')[1]
    assert "Mira" in history and "Dilnoza" in history
    assert "org@example.org" not in html and "mod@example.org" not in html


def test_a_moderator_moves_a_text_to_its_language_and_the_edit_is_theirs(app, people):
    member, moderator = people
    create_organization(slug="iicas", name={"en": "IICAS"})
    values = shown(member.get("/ko/organizations/iicas/propose").text)
    assert values["text_name-1-lang"] == "ko"
    # The proposer types the Latin-script acronym's expansion but leaves the language as ko.
    values.update(
        {
            "text_city-0-text": "Samarkand",
            "text_city-0-lang": "ko",
            "action": "submit",
        }
    )
    assert member.post("/ko/organizations/iicas/propose", data=values).status_code == 302
    item = db.session.scalar(db.select(Submission))
    assert item.payload["city"] == {"ko": "Samarkand"}

    page = moderator.get(f"/en/submissions/{item.id}/revise")
    assert page.status_code == 200
    edit = shown(page.text)
    city_row = next(k for k, v in edit.items() if v == "Samarkand").rsplit("-", 1)[0]
    edit[f"{city_row}-lang"] = "en"  # moved to the language it is in
    edit["message"] = "The city's name is in English."
    saved = moderator.post(f"/en/submissions/{item.id}/revise", data=edit)
    assert saved.status_code == 302, saved.text
    db.session.expire_all()
    item = db.session.get(Submission, item.id)
    assert item.payload["city"] == {"en": "Samarkand"}
    assert [s.action for s in item.steps] == ["submitted", "edited"]
    assert item.steps[-1].account.name == "Mira"

    token = csrf_token(moderator.get(f"/en/submissions/{item.id}").text)
    moderator.post(f"/en/submissions/{item.id}/approve", data={"csrf_token": token})
    api = fresh_client(app).get("/api/v1/organizations/iicas").get_json()
    assert api["city"] == {"en": "Samarkand"}
    html = fresh_client(app).get("/en/organizations/iicas").text.split('id="history-h"')[1]
    assert "Edited before publication by Mira." in html


def test_two_texts_in_one_language_are_refused_on_the_form(app, people):
    member, _moderator = people
    create_element(slug="navruz", name={"en": "Navruz"})
    values = shown(member.get("/en/elements/navruz/propose").text)
    values.update({"text_name-1-text": "Nowruz", "text_name-1-lang": "en", "action": "submit"})
    refused = member.post("/en/elements/navruz/propose", data=values)
    assert refused.status_code == 422
    assert "Another text of this field is in this language already." in refused.text
    assert db.session.query(Submission).count() == 0


def test_only_moderators_edit_proposals(app, people):
    member, _moderator = people
    create_element(slug="navruz", name={"en": "Navruz"})
    values = shown(member.get("/en/elements/navruz/propose").text)
    values["action"] = "submit"
    member.post("/en/elements/navruz/propose", data=values)
    item = db.session.scalar(db.select(Submission))
    assert member.get(f"/en/submissions/{item.id}/revise").status_code == 403


def test_an_organisation_proposed_on_the_korean_form_with_an_english_name_is_under_en(app):
    from tests.journeys import PASSWORD, post_form

    directory()
    client = fresh_client(app)
    form = client.get("/ko/account/signup").text
    # The form shows the language a name is taken to be in: the page's, Korean.
    assert 'name="new_name_lang"' in form
    values = shown_select(form, "new_name_lang")
    assert values == "ko"
    data = {
        "email": "curator@example.org",
        "name": "Dilnoza",
        "password": PASSWORD,
        "password_again": PASSWORD,
        "locale": "ko",
        "organization": "new",
        "new_name": "Boysun Folk Centre",
        "new_name_lang": "en",
        "new_kind": "ngo",
        "new_country": "UZ",
        "new_city": "보이순",
        "new_city_lang": "ko",
    }
    assert post_form(client, "/ko/account/signup", data).status_code == 200
    proposal = db.session.scalar(db.select(Submission))
    assert proposal.payload["name"] == {"en": "Boysun Folk Centre"}
    assert proposal.payload["city"] == {"ko": "보이순"}


def shown_select(html: str, name: str) -> str | None:
    """The option a select shows as chosen."""
    form = Form()
    form.feed(html)
    return form.values.get(name)


def test_an_events_facts_are_corrected_on_its_page_and_a_draft_kept(app, people):
    from tests.eventkit import account, bearer, event_body

    member, moderator = people
    api = fresh_client(app)
    headers = bearer(account("organizer@ichcap.org"))
    body = event_body("forum", organizations=[{"organization": "ichcap", "role": "organizer"}])
    assert api.post("/api/v1/events", json=body, headers=headers).status_code == 201
    assert api.post("/api/v1/events/forum/publish", headers=headers).status_code == 200
    assert "/en/events/forum/propose" in member.get("/en/events/forum").text

    page = member.get("/en/events/forum/propose")
    assert page.status_code == 200
    assert "Its programme, times and registration are kept by its organizers." in page.text
    assert "meet.example.org" not in page.text  # joining links are never on the form
    values = shown(page.text)
    assert "text_title-0-text" in values and "recording_url" in values
    assert not any(key.startswith("sessions") or key == "timezone" for key in values)
    values.update({"recording_url": "not a link", "action": "draft"})
    draft = member.post("/en/events/forum/propose", data=values)
    assert draft.status_code == 302  # a draft is kept as typed, checked when sent
    item = db.session.scalar(db.select(Submission))
    assert item.state == "draft" and item.payload["recording_url"] == "not a link"
    assert "join_url" not in item.payload and "sessions" not in item.payload

    edit_url = f"/en/submissions/{item.id}/edit"
    values = shown(member.get(edit_url).text)
    values["action"] = "submit"
    refused = member.post(edit_url, data=values)
    assert refused.status_code == 422 and 'id="recording_url-err"' in refused.text
    values["recording_url"] = "https://video.example.org/forum"
    assert member.post(edit_url, data=values).status_code == 302
    db.session.expire_all()
    assert db.session.get(Submission, item.id).state == "pending"
    token = csrf_token(moderator.get(f"/en/submissions/{item.id}").text)
    approved = moderator.post(f"/en/submissions/{item.id}/approve", data={"csrf_token": token})
    assert approved.status_code == 302
    event = fresh_client(app).get("/api/v1/events/forum").get_json()
    assert event["recording_url"] == "https://video.example.org/forum"
    assert [s["title"]["en"] for s in event["sessions"]] == ["Opening"]


def test_a_moderator_moves_a_festivals_text_with_the_same_form(app, people):
    from tests.factories import create_festival
    from tests.journeys import festival_body, token_for, token_header

    _member, moderator = people
    create_festival(slug="boysun-bahori", name={"en": "Boysun Bahori"})
    proposer = token_for(make_account("other@example.org", name="Aziz"))
    body = festival_body(summary={"ru": "A spring festival."})  # English filed under ru
    sent = fresh_client(app).post("/api/v1/festivals", json=body, headers=token_header(proposer))
    sid = sent.get_json()["id"]
    values = shown(moderator.get(f"/en/submissions/{sid}/revise").text)
    row = next(k for k, v in values.items() if v.strip() == "A spring festival.")
    row = row.rsplit("-", 1)[0]
    assert values[f"{row}-lang"] == "ru"
    values[f"{row}-lang"] = "en"
    assert moderator.post(f"/en/submissions/{sid}/revise", data=values).status_code == 302
    db.session.expire_all()
    payload = db.session.get(Submission, sid).payload
    assert payload["summary"] == {"en": "A spring festival."}
    assert payload["editions"][0]["year"] == 2019 and payload["elements"] == ["shashmaqom"]


def test_a_record_holding_a_value_todays_rules_refuse_is_proposed_against_without_a_500(
    app, people
):
    import json

    import sqlalchemy as sa

    member, moderator = people
    element = create_element(slug="navruz", name={"en": "Navruz"})
    db.session.execute(
        sa.text("UPDATE element SET summary = :s WHERE id = :id"),
        {"s": json.dumps({"zz": "Stored by an old release"}), "id": element.id},
    )
    db.session.commit()
    page = member.get("/en/elements/navruz/propose")
    assert page.status_code == 200 and "Stored by an old release" in page.text
    values = shown(page.text)
    values["action"] = "submit"
    refused = member.post("/en/elements/navruz/propose", data=values)
    assert refused.status_code == 422  # the stored key is named, on its language
    row = next(k for k, v in values.items() if v.strip() == "Stored by an old release")
    values[row.rsplit("-", 1)[0] + "-lang"] = "en"  # moved to a language it may carry
    assert member.post(f"/en/submissions/{_draft_id()}/edit", data=values).status_code == 302
    item_id = _draft_id()
    show = moderator.get(f"/en/submissions/{item_id}")
    assert show.status_code == 200
    token = csrf_token(show.text)
    approved = moderator.post(f"/en/submissions/{item_id}/approve", data={"csrf_token": token})
    assert approved.status_code == 409, approved.status_code
    assert "no longer accepts (Summary)" in approved.text
    assert moderator.get("/en/elements/navruz").status_code == 200


def _draft_id() -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(Submission.id))
