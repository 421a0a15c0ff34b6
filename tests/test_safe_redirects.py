"""Finding 3: after log-in, `next` may only send the browser to a path on this site."""

from __future__ import annotations

import pytest

from kb.redirects import is_local_path
from tests.journeys import PASSWORD, fresh_client, make_account, post_form

HOSTILE = [
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "//evil.example",
    "///evil.example",
    "https://evil.example",
    "http:evil.example",
    "javascript:alert(1)",
    "/\\evil.example",
    "\\\\evil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "/%09/evil.example",
    "/ /evil.example",
    "evil.example",
    " /account/",
]


@pytest.mark.parametrize("target", HOSTILE)
def test_log_in_never_sends_the_browser_elsewhere(app, target):
    make_account("curator@example.org")
    client = fresh_client(app)
    url = "/en/account/login?next=" + target.replace("%", "%25").replace("\t", "%09")
    response = post_form(
        client,
        "/en/account/login",
        {"email": "curator@example.org", "password": PASSWORD, "next": target},
        page_url=url,
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/account/"


def test_a_path_of_this_site_is_followed(app):
    make_account("curator@example.org")
    client = fresh_client(app)
    response = post_form(
        client,
        "/en/account/login",
        {"email": "curator@example.org", "password": PASSWORD, "next": "/ru/festivals/?q=a%20b"},
    )
    assert response.headers["Location"] == "/ru/festivals/?q=a%20b"


def test_the_rule_itself():
    assert all(not is_local_path(t) for t in HOSTILE)
    assert not is_local_path(None) and not is_local_path("") and not is_local_path("/" * 3000)
    assert is_local_path("/en/organize/events/webinar/registrations")
