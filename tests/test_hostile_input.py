"""Hostile input at every door: no 5xx, and nothing written.

The doors are enumerated from `app.url_map`, so a route added later is walked too: every
form and API write is sent NUL bytes and control characters in every field, a 100,000-
character time zone, JSON nested 5,000 deep, a body over the limit, numbers beyond 64 bits
and an event in the year 9999 in Pacific/Pago_Pago; every page and API read gets `%00` in
its slugs, ids beyond 32 bits and absurd query arguments. Each answer must be below 500,
and the database must hold exactly what it held before.
"""

from __future__ import annotations

import json
import re
import socket
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.routing import AnyConverter, IntegerConverter
from werkzeug.serving import make_server

from kb.edge import MAX_JSON_DEPTH
from kb.extensions import db
from kb.models import Submission
from tests.eventkit import event_body
from tests.factories import create_case_study, create_event, create_festival
from tests.journeys import (
    csrf_token,
    directory,
    festival_body,
    fresh_client,
    log_in,
    make_account,
    token_for,
    token_header,
)
from tests.workerkit import run_worker_once

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
SKIP = {"static", "media.image_file"}
SLUG = "target"
NUL, CONTROL = "x\x00y", "x\x1by"
HUGE = 2**70  # beyond 64 bits
#: Columns a request may touch without writing anything asked for (when a token was last used).
VOLATILE = {"last_used_at", "last_seen_at", "last_login_at"}


def _snapshot() -> dict:
    """Every row of every table (sorted), to prove a refusal wrote nothing."""
    db.session.rollback()
    db.session.expire_all()
    out = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name not in VOLATILE]
            rows = conn.execute(sa.select(*columns)).all()
            out[table.name] = sorted(repr(tuple(row)) for row in rows)
    return out


def _changed(before: dict) -> list[str]:
    after = _snapshot()
    return [name for name in before if before[name] != after[name]]


@pytest.fixture
def world(app):
    """A record of every type with the slug `target`, a pending submission, an admin."""
    directory()
    create_festival(slug=SLUG)
    create_case_study(slug=SLUG)
    from tests.factories import create_element, create_organization

    create_element(slug=SLUG)
    create_organization(slug=SLUG)
    create_event(
        slug=SLUG,
        sessions=[
            {
                "title": {"en": "Opening"},
                "starts_at": "2030-11-18T13:00:00+09:00",
                "ends_at": "2030-11-18T14:00:00+09:00",
            }
        ],
    )
    member = make_account("member@example.org", organization="ichcap")
    response = fresh_client(app).post(
        "/api/v1/festivals",
        json=festival_body(slug="proposed"),
        headers=token_header(token_for(member)),
    )
    assert response.status_code == 202
    admin = make_account("admin@example.org", role="admin")
    return {
        "token": token_for(admin),
        "submission": db.session.scalar(sa.select(Submission.id)),
    }


def _rules(app, methods: set[str]):
    # logging out comes last: a request it does not refuse ends the session
    order = lambda r: ("logout" in r.endpoint, r.rule, r.endpoint)  # noqa: E731
    for rule in sorted(app.url_map.iter_rules(), key=order):
        if rule.endpoint in SKIP or not (rule.methods & methods):
            continue
        yield rule


def _url(rule, world, **replace) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if name in replace:
            values[name] = replace[name]
        elif isinstance(converter, AnyConverter):
            items = sorted(converter.items)
            values[name] = "events" if "events" in items else items[0]
        elif isinstance(converter, IntegerConverter):
            values[name] = world["submission"] if name == "submission_id" else 0
        elif name == "lang":
            values[name] = "en"
        else:
            values[name] = SLUG
    return rule.build(values, append_unknown=False)[1]


def _string_args(rule) -> list[str]:
    return [
        name
        for name in rule.arguments
        if name != "lang"
        and not isinstance(rule._converters[name], AnyConverter | IntegerConverter)
    ]


def _form_fields(html: str) -> set[str]:
    names = set(re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', html))
    return {n for n in names if n != "csrf_token"}


def _logged_in(app):
    client = fresh_client(app)
    log_in(client, "admin@example.org")
    return client


def _nested(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


def test_every_form_refuses_control_characters_and_writes_nothing(app, world):
    walked = zones = 0
    client = _logged_in(app)  # once: logging in is rate-limited
    for rule in _rules(app, WRITES):
        if rule.rule.startswith("/api/"):
            continue
        url = _url(rule, world)
        page = client.get(url if "GET" in rule.methods else "/en/account/")
        # a write that is not a form (OAI-PMH's POST) has no token to take
        has_token = page.status_code == 200 and "csrf_token" in page.text
        token = csrf_token(page.text) if has_token else ""
        fields = (
            _form_fields(page.text) if "GET" in rule.methods and page.status_code == 200 else set()
        )
        zoned = set(fields)
        fields |= {"reason", "name", "email", "locale", "organization", "action", "timezone"}
        for bad in (NUL, CONTROL, "x\x7fy"):
            before = _snapshot()
            data = {"csrf_token": token, **{name: bad for name in fields}}
            response = client.post(url, data=data)
            assert response.status_code == 422, (rule.rule, repr(bad), response.status_code)
            assert not _changed(before), (rule.rule, repr(bad), _changed(before))
        if "timezone" in zoned:  # a zone of 100,000 characters, everything else empty
            before = _snapshot()
            response = client.post(url, data={"csrf_token": token, "timezone": "A" * 100_000})
            assert response.status_code in (200, 422), (rule.rule, response.status_code)
            assert not _changed(before), (rule.rule, _changed(before))
            zones += 1
        # a body beyond the limit
        big = {"csrf_token": token, "name": "x" * (app.config["MAX_BODY_LENGTH"] + 1)}
        response = client.post(url, data=big)
        assert response.status_code == 413, (rule.rule, response.status_code)
        walked += 1
    assert walked >= 15 and zones >= 2  # the pages' forms were found


HOSTILE_JSON = {
    "slug": NUL,
    "title": {"en": NUL},
    "name": {"en": CONTROL},
    "email": "a\x00@example.org",
    "reason": NUL,
    "timezone": "Asia/Seoul\x00",
    "sessions": [{"title": {"en": "\ud800"}}],
    "k\x00ey": "value",
}


def test_every_api_write_refuses_hostile_json_and_writes_nothing(app, world):
    client = fresh_client(app)
    auth = token_header(world["token"])
    walked = 0
    for rule in _rules(app, WRITES):
        if not rule.rule.startswith("/api/"):
            continue
        url = _url(rule, world)
        method = sorted(rule.methods & WRITES)[0]
        send = getattr(client, method.lower())

        before = _snapshot()
        hostile = json.dumps(HOSTILE_JSON)  # ASCII: the lone surrogate travels as \\ud800
        response = send(url, data=hostile, content_type="application/json", headers=auth)
        assert response.status_code == 422, (rule.rule, response.status_code)
        error = response.get_json()["error"]
        assert error["code"] == "invalid"
        assert all(isinstance(v, list) for v in error["fields"].values())
        assert {"slug", "title.en", "name.en", "sessions.0.title.en"} <= set(error["fields"])
        assert not _changed(before), (rule.rule, _changed(before))

        response = send(url, data=_nested(5000), content_type="application/json", headers=auth)
        assert response.status_code == 400, (rule.rule, response.status_code)
        assert str(MAX_JSON_DEPTH) in response.get_json()["error"]["fields"]["_schema"][0]

        big = b'{"a": "' + b"x" * app.config["MAX_BODY_LENGTH"] + b'"}'
        response = send(url, data=big, content_type="application/json", headers=auth)
        assert response.status_code == 413, (rule.rule, response.status_code)
        assert response.get_json()["error"]["code"] == "request_entity_too_large"

        for body in (
            {"timezone": "A" * 100_000},
            event_body("zone-too-long", timezone="A" * 100_000),
            event_body("many", registration={"capacity": HUGE}),
            {"capacity": HUGE, "page": HUGE, "id": HUGE, "year": HUGE},
            [1, 2, 3],
        ):
            response = send(url, json=body, headers=auth)
            assert response.status_code < 500, (rule.rule, body, response.status_code)
            assert not _changed(before), (rule.rule, _changed(before))
        walked += 1
    assert walked >= 8


def test_an_event_in_the_year_9999_in_pago_pago_is_refused_and_calendars_still_answer(app, world):
    client = fresh_client(app)
    auth = token_header(world["token"])
    for starts, ends in (
        ("9999-12-31T23:00:00-11:00", "9999-12-31T23:30:00-11:00"),
        ("9999-12-31T10:00:00-11:00", "9999-12-31T11:00:00-11:00"),
    ):
        body = event_body(
            "far-future", timezone="Pacific/Pago_Pago", starts_at=starts, ends_at=ends
        )
        response = client.post("/api/v1/events", json=body, headers=auth)
        assert response.status_code == 422, response.get_json()
        assert "starts_at" in response.get_json()["error"]["fields"]
    body = event_body(
        "far-future", timezone="Pacific/Pago_Pago", starts_at=None, ends_at=None,
        start_date="9999-12-31", end_date="9999-12-31", sessions=[],
    )  # fmt: skip
    response = client.post("/api/v1/events", json=body, headers=auth)
    assert response.status_code == 422 and "start_date" in response.get_json()["error"]["fields"]
    # the same event written into the database directly still leaves the calendars whole
    event = create_event(slug="stored-far", timezone="Pacific/Pago_Pago")
    db.session.execute(
        sa.text(
            "UPDATE event SET starts_at = NULL, ends_at = NULL, status = 'published', "
            "start_date = :d, end_date = :d WHERE id = :id"
        ),
        {"d": "9999-12-31", "id": event.id},
    )
    db.session.commit()
    assert client.get("/events.ics").status_code == 200
    assert client.get("/events/stored-far.ics").status_code == 200
    assert "9999" in client.get("/en/events/stored-far").text


def test_every_read_refuses_nul_slugs_huge_ids_and_absurd_arguments(app, world):
    client = _logged_in(app)
    walked = 0
    for rule in _rules(app, {"GET"}):
        for name in _string_args(rule):
            url = _url(rule, world, **{name: "a\x00b"})
            assert "%00" in url
            response = client.get(url)
            assert response.status_code == 404, (url, response.status_code)
        for name, converter in rule._converters.items():
            if isinstance(converter, IntegerConverter):
                for number in (2**31, 2**40, HUGE):
                    response = client.get(_url(rule, world, **{name: number}))
                    assert response.status_code == 404, (rule.rule, number, response.status_code)
        url = _url(rule, world)
        for query in (
            {"page": HUGE},
            {"page": str(2**64)},
            {"page": "²"},
            {"per_page": HUGE},
            {"year": HUGE},
            {"month": HUGE},
            {"tz": "A" * 100_000},
            {"lang": "zz"},
            {"q": "a" * 5000},
        ):
            response = client.get(url, query_string=query)
            response.close()  # a file (the favicon) is streamed: close it, as a server does
            assert response.status_code < 500, (url, query, response.status_code)
        for query in ({"q": NUL}, {"country": "U\x00Z"}, {"x\x00": "1"}):
            response = client.get(url, query_string=query)
            response.close()
            assert response.status_code in (400, 404), (url, query, response.status_code)
        walked += 1
    assert walked >= 30


def test_a_nul_in_a_query_argument_is_a_field_level_400_in_the_readers_language(app):
    client = fresh_client(app)
    response = client.get("/api/v1/search?q=a%00b&lang=ru")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert list(error["fields"]) == ["q"] and re.search("[а-я]", error["fields"]["q"][0])
    page = client.get("/ko/search?q=a%00b")
    assert page.status_code == 400 and re.search("[가-힣]", page.text)


def test_the_body_limits_are_settings(app, backend, tmp_path):
    from tests.conftest import make_app

    small = make_app(
        tmp_path / "small", backend.fresh("empty", tmp_path / "small"), MAX_BODY_LENGTH=100
    )
    response = small.test_client().post("/api/v1/events", json={"x": "y" * 200})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "request_entity_too_large"


def test_registration_times_and_capacity_are_bounded(app, world):
    client = fresh_client(app)
    auth = token_header(world["token"])
    body = event_body("bounded", registration={"capacity": HUGE})
    response = client.post("/api/v1/events", json=body, headers=auth)
    assert response.status_code == 422
    assert "registration.capacity" in response.get_json()["error"]["fields"]
    later = event_body("later", starts_in=timedelta(days=20))
    assert client.post("/api/v1/events", json=later, headers=auth).status_code == 201


def test_a_method_an_address_does_not_take_answers_405_with_allow(app):
    client = fresh_client(app)
    response = client.delete("/api/v1/events")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    page = client.put("/en/")
    assert page.status_code == 405 and "GET" in page.headers["Allow"]


def _raw_get(port: int, target: str) -> tuple[int, str]:
    """GET `target` written into the request line as raw UTF-8 (not percent-encoded)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(
            b"GET " + target.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode("utf-8", "replace")


def test_the_development_server_takes_raw_utf8_in_the_url(app):
    """`kb run` serves with Werkzeug's server, which encoded a raw URL a second time."""
    create_festival(slug="navruz", name={"en": "Navruz", "ru": "Навруз"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        status, page = _raw_get(server.port, "/ru/search?q=фестиваль+навруз")
        assert status == 200 and "фестиваль навруз" in page
        status, page = _raw_get(server.port, "/ru/festivals/navruz?from=поиск")
        assert status == 200 and "Навруз" in page
        status, _ = _raw_get(server.port, "/ru/festivals/навруз")
        assert status == 404  # slugs are ASCII: nothing has this address
        status, page = _raw_get(server.port, "/ru/search?q=%D1%84%D0%B5%D1%81%D1%82")
        assert status == 200 and "фест" in page
    finally:
        server.shutdown()
        thread.join()


def test_a_query_string_whose_raw_bytes_are_not_utf8_is_read_as_if_encoded(app):
    """`?q=\xff` sent unencoded (a proxy passes it on as it came) made every page a 500:
    it reads as `%FF` would, and the language switch repeats it encoded."""
    create_festival(slug="navruz", name={"en": "Navruz"})
    run_worker_once()
    client = fresh_client(app)
    for path in ("/en/search", "/en/festivals/", "/en/festivals/navruz", "/api/v1/search"):
        for query in ("q=\xff", "q=navruz&x=\xff", "\xff=1"):
            response = client.get(path, environ_overrides={"QUERY_STRING": query})
            assert response.status_code == 200, (path, query)
    page = client.get("/en/search", environ_overrides={"QUERY_STRING": "q=navruz&x=\xff"}).text
    assert 'href="/ru/search?q=navruz&amp;x=%FF"' in page and "Navruz" in page


def test_a_slug_or_language_code_with_a_final_line_break_is_refused(app, world):
    """Python's `$` matched before a final line break: "naadam\\n" was taken as a slug."""
    member = make_account("applicant@example.org", organization="ichcap")
    response = fresh_client(app).post(
        "/api/v1/festivals",
        json=festival_body(slug="line-break\n"),
        headers=token_header(token_for(member)),
    )
    assert response.status_code == 422, response.get_json()
    assert "slug" in response.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Submission)) == 1

    response = fresh_client(app).get("/api/v1/search", query_string={"language": "en\n"})
    assert response.status_code == 400
    assert "language" in response.get_json()["error"]["fields"]
