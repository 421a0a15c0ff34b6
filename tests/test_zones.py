"""Time zones people can pick (issue 13 item 4, issue 17 item 5): current zones only,
translated and grouped by country, on a page of their own rather than on every event."""

from __future__ import annotations

import re

from kb.tz import canonical, country_zone, current_zones
from tests.eventkit import account, bearer, client_of, event_body, login
from tests.factories import create_country, create_organization

WEBINAR = "/en/events/2020-silk-roads-ich-webinar"


def test_the_picker_offers_current_zones_translated_and_grouped(seeded_client):
    html = seeded_client.get("/ru/time-zone").get_data(as_text=True)
    uzbekistan = html.split('<optgroup label="Узбекистан">')[1].split("</optgroup>")[0]
    assert '<option value="Asia/Tashkent">Ташкент (UTC+5)</option>' in uzbekistan
    assert "Asmera" not in html and "Etc/" not in html and "US/Eastern" not in html
    options = re.findall(r"<option value=", html)
    assert len(options) == len(current_zones()) + 1  # and UTC
    assert len(options) < 490
    korean = seeded_client.get("/ko/time-zone").get_data(as_text=True)
    assert "타슈켄트 (UTC+5)" in korean


def test_choosing_a_zone_keeps_it_and_goes_back(app):
    browser = client_of(app)
    response = browser.get("/en/time-zone?tz=Asia/Tashkent&next=/en/events/")
    assert response.status_code == 303 and response.headers["Location"] == "/en/events/"
    assert "tz=Asia/Tashkent" in response.headers["Set-Cookie"]
    page = browser.get("/en/time-zone").get_data(as_text=True)
    assert '<option value="Asia/Tashkent" selected>' in page
    # Never sent to another site: the choice is kept, and the page shown.
    away = browser.get("/en/time-zone?tz=Asia/Seoul&next=https://example.com/")
    assert away.status_code == 200 and "tz=Asia/Seoul" in away.headers["Set-Cookie"]


def test_an_event_page_carries_a_short_choice_not_every_zone(seeded_client):
    response = seeded_client.get(WEBINAR)
    html = response.get_data(as_text=True)
    select = html.split('name="tz"')[1].split("</select>")[0]
    assert select.count("<option") <= 3  # the reader's, the event's, UTC
    assert "Seoul (UTC+9)" in select
    assert "/en/time-zone?next=/en/events/2020-silk-roads-ich-webinar" in html
    # It weighed 43 KB with 490 zones inlined, about 20 KB of them options.
    assert html.count("<option") <= 10


def test_old_zone_names_read_as_current_ones(seeded_client):
    assert canonical("Asia/Calcutta") == "Asia/Kolkata"
    assert canonical("Europe/Kiev") == "Europe/Kyiv"
    assert canonical("Etc/UTC") == "UTC"
    assert canonical("Not/AZone") is None
    seeded_client.set_cookie("tz", "Asia/Calcutta")  # what some browsers still report
    try:
        html = seeded_client.get(WEBINAR).get_data(as_text=True)
    finally:
        seeded_client.delete_cookie("tz")
    assert '<option value="Asia/Kolkata" selected>Kolkata (UTC+5:30)</option>' in html


def test_a_new_event_takes_its_organisers_country_zone(app):
    create_country("UZ")
    create_organization(slug="uz-centre", name={"en": "UZ centre"}, country="UZ")
    browser = client_of(app)
    login(browser, account("organizer@uz.example.org", organization="uz-centre"))
    html = browser.get("/en/organize/events/new").get_data(as_text=True)
    assert '<optgroup label="Uzbekistan">' in html
    assert '<option selected value="Asia/Tashkent">' in html or (
        '<option value="Asia/Tashkent" selected>' in html
    )
    assert country_zone("KR") == "Asia/Seoul" and country_zone("RU") == "Europe/Moscow"


def test_the_registration_form_offers_grouped_zones_and_the_event_zone_first(app):
    organizer = account("organizer@ichcap.org")
    api, headers = client_of(app), bearer(organizer)
    assert (
        api.post("/api/v1/events", json=event_body("webinar"), headers=headers).status_code == 201
    )
    assert api.post("/api/v1/events/webinar/publish", headers=headers).status_code == 200
    html = client_of(app).get("/en/events/webinar/register").get_data(as_text=True)
    assert '<optgroup label="South Korea">' in html and '<optgroup label="Uzbekistan">' in html
    # A reader with no zone known gets the event's own as the default, not UTC.
    assert re.search(r'<option (selected )?value="Asia/Seoul"( selected)?>Seoul \(UTC\+9\)', html)
    assert re.search(r'value="Asia/Seoul"[^>]*selected|selected[^>]*value="Asia/Seoul"', html)
