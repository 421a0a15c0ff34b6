"""Membership in a real browser (issue 14, done-when): an institution's account applies in
Russian, a coordinator asks for more in English, the applicant answers, the coordinator
approves, and the institution is in /ko/members/ under its country with its role — with
the network unplugged, and the pages passing axe-core."""

import pytest

from tests.browserkit import CHROMIUM, DESKTOP, PHONE, axe_violations, offline_context, serve
from tests.journeys import browser_log_in, institution_and_coordinator, queued_mail

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="no system Chromium (make test installs it)")


def test_an_institution_applies_in_russian_and_becomes_a_member_in_korean(app, browser):
    institution_and_coordinator()
    base, stop = serve(app)
    try:
        applicant_context, blocked = offline_context(browser, viewport=PHONE)
        applicant = browser_log_in(applicant_context, base, "dilnoza@boysun.uz", "ru")
        applicant.goto(f"{base}/ru/account/")
        applicant.click("text=Вступить в сеть")
        applicant.fill("#contact_name", "Дилноза Каримова")
        applicant.check("input[name=brings][value=festivals]")
        applicant.fill("#languages", "uz, ru")
        applicant.select_option("#statement_language", "ru")
        applicant.fill("#statement", "Мы проводим фестиваль Бойсун бахори.")
        applicant.check("#terms")
        applicant.click("main form button[type=submit]")
        applicant.wait_for_load_state("load")
        application_url = applicant.url
        assert "/ru/membership/applications/" in application_url
        assert applicant.locator("#application-state").inner_text() == "Ожидает решения"
        assert not axe_violations(applicant)

        coordinator_context, _ = offline_context(browser, viewport=DESKTOP)
        coordinator = browser_log_in(coordinator_context, base, "coord@ichcap.org")
        coordinator.goto(f"{base}/en/coordination/")
        coordinator.click("text=Boysun Festival Office")
        coordinator.fill("#ask-note", "Which festivals do you organise?")
        coordinator.click("text=Ask for more")
        coordinator.wait_for_load_state("load")

        applicant.goto(application_url)
        assert "Which festivals do you organise?" in applicant.content()
        applicant.fill("#answer-note", "Бойсун бахори, с 2002 года.")
        applicant.click("main form button[type=submit]")
        applicant.wait_for_load_state("load")
        assert applicant.locator("#application-state").inner_text() == "Ожидает решения"

        coordinator.goto(application_url.replace("/ru/", "/en/"))
        assert "Бойсун бахори, с 2002 года." in coordinator.content()
        coordinator.select_option("#approve-role", "partner")
        coordinator.click("text=Approve")
        coordinator.wait_for_load_state("load")

        reader_context, reader_blocked = offline_context(browser, viewport=PHONE)
        reader = reader_context.new_page()
        reader.goto(f"{base}/ko/members/")
        section = reader.locator("section.member-country")
        assert section.count() == 1
        assert "우즈베키스탄" in section.locator("h2").inner_text()
        card = section.locator("li.card")
        assert "보이순 축제 사무국" in card.inner_text() and "파트너 기관" in card.inner_text()
        assert not axe_violations(reader)
        assert not blocked and not reader_blocked
        for context in (applicant_context, coordinator_context, reader_context):
            context.close()
    finally:
        stop()

    with app.app_context():
        subjects = {}
        for message in queued_mail():
            subjects.setdefault(message.to, []).append(message.subject)
    assert subjects["dilnoza@boysun.uz"] == [
        "Заявка получена: Дирекция фестиваля Бойсун",
        "Нужны сведения: заявка «Дирекция фестиваля Бойсун»",
        "Добро пожаловать в сеть: Дирекция фестиваля Бойсун",
    ]
    assert subjects["coord@ichcap.org"] == ["Answered: the application of Boysun Festival Office"]
