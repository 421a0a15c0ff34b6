"""Who may do what: every route of the app × every kind of account (issue 8).

The routes come from `app.url_map`, so a new route that is not in `MATRIX` fails
`test_every_route_is_in_the_matrix`: whoever adds a route says here who may use it.
Each role then runs every request on a world of its own:

- ICHCAP's published event `webinar` (one session, one registrant) and a draft event,
  created by ICHCAP's own organiser, with ICHCAP as organiser;
- a festival; a pending festival submission by another member; a pending request (claim)
  by another account to act for ICHCAP.

"Allowed" means the request reached the action: any answer but 401, 403, 404, a redirect
to the log-in page or a server error (bodies are empty or harmless, so 400, 409 and 422
are the usual answers for writes). Denied means exactly the status given. Forms are posted
without their CSRF token (the check is switched off here: CSRF has its own tests), so
that the answer says who may, not who forgot a token.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from kb.extensions import db
from kb.models import Event, Organization
from kb.services import affiliations, membership, roles, signup, submissions
from kb.services.common import by_slug
from tests.eventkit import account, bearer, client_of, event_body, login, person
from tests.factories import create_country, create_festival, create_organization
from tests.journeys import festival_body

ROLES = (
    "anonymous",
    "member",
    "organizer_confirmed",
    "organizer_claimed",
    "organizer_unaffiliated",
    "moderator",
    "coordinator",
    "admin",
)
LOGGED_IN = frozenset(ROLES) - {"anonymous"}
ORGANIZERS = frozenset(
    {"organizer_confirmed", "organizer_claimed", "organizer_unaffiliated", "admin"}
)
MANAGERS = frozenset({"organizer_confirmed", "admin"})  # of ICHCAP's events
MODERATORS = frozenset({"moderator", "admin"})
ADMINS = frozenset({"admin"})
COORDINATORS = frozenset({"coordinator", "admin"})
APPLICANTS = frozenset({"organizer_confirmed"})  # an account whose affiliation is confirmed
NOBODY = frozenset()


@dataclass
class Case:
    """One request, and who may make it."""

    path: str
    allowed: frozenset | None = None  # None: anyone (a public route)
    denied: int | dict = 403  # the status of everyone else (a dict: per role)
    anonymous: int | str | None = None  # "login" for pages, 401 for the API, unless given
    data: dict = field(default_factory=dict)
    last: int = 0  # changes the world for the requests after it: run later (by this order)

    def expected(self, role: str) -> int | str:
        if self.allowed is None or role in self.allowed:
            return "allowed"
        if role == "anonymous":
            if self.anonymous is not None:
                return self.anonymous
            return 401 if self.path.startswith("/api/") else "login"
        return self.denied.get(role, 404) if isinstance(self.denied, dict) else self.denied


def public(path: str, **kw) -> Case:
    return Case(path, None, **kw)


def missing(path: str) -> Case:
    """A path to nothing (an unknown token, key or id): 404 for everyone, logged in or not."""
    return Case(path, NOBODY, 404, 404)


SUBMITTER_ONLY = {"moderator": 403, "admin": 403}  # moderators see it, only its author edits

#: (endpoint, method) → the request and who may make it.
MATRIX: dict[tuple[str, str], Case] = {
    ("root", "GET"): public("/"),
    ("healthz", "GET"): public("/healthz"),
    ("static", "GET"): public("/static/css/site.css"),
    ("media.image_file", "GET"): missing("/images/no-such-key-w400.jpg"),
    ("calendars.all_events_calendar", "GET"): public("/events.ics"),
    ("calendars.event_calendar", "GET"): public("/events/webinar.ics"),
    ("calendars.festival_calendar", "GET"): public("/festivals/{festival}.ics"),
    # What crawlers, browsers and harvesters read (issue 11): public, read-only
    ("crawl.robots", "GET"): public("/robots.txt"),
    ("crawl.sitemap_index", "GET"): public("/sitemap.xml"),
    ("crawl.sitemap_pages", "GET"): public("/sitemaps/pages.xml"),
    ("crawl.sitemap", "GET"): public("/sitemaps/festivals-1.xml"),
    ("crawl.favicon", "GET"): public("/favicon.ico"),
    ("pages.manifest", "GET"): public("/en/manifest.webmanifest"),
    ("pages.changes_feed", "GET"): public("/ru/feed.atom"),
    ("exports.export", "GET"): public("/festivals.csv"),
    ("pages.collection_feed", "GET"): public("/ko/feeds/events.atom"),
    ("oai.endpoint", "GET"): public("/oai?verb=Identify"),
    ("oai.endpoint", "POST"): public("/oai", data={"verb": "Identify"}),
    # Public pages and forms
    ("pages.home", "GET"): public("/en/"),
    ("pages.collection", "GET"): public("/en/festivals/"),
    ("pages.record", "GET"): public("/en/festivals/{festival}"),
    ("pages.event", "GET"): public("/en/events/webinar"),
    ("pages.register", "GET"): public("/en/events/webinar/register"),
    ("pages.register", "POST"): public("/en/events/webinar/register"),
    ("pages.registered", "GET"): public("/en/events/webinar/registered"),
    ("pages.time_zone", "GET"): public("/en/time-zone"),
    ("pages.cancel_registration", "GET"): missing("/en/registrations/not-a-token/cancel"),
    ("pages.cancel_registration", "POST"): missing("/en/registrations/not-a-token/cancel"),
    ("pages.glossary", "GET"): public("/en/glossary"),
    ("pages.glossary_term", "GET"): missing("/en/glossary/1"),
    ("pages.map", "GET"): public("/en/map"),
    ("pages.map_places", "GET"): public("/en/map/places.json"),
    ("pages.calendar", "GET"): public("/en/calendar?year=2020&month=11"),
    ("pages.search", "GET"): public("/en/search?q=festival"),
    ("pages.signup_page", "GET"): public("/en/account/signup"),
    ("pages.signup_page", "POST"): public("/en/account/signup"),
    ("pages.confirm", "GET"): public("/en/account/confirm/not-a-token"),
    ("pages.resend_confirmation", "GET"): public("/en/account/confirm"),
    ("pages.resend_confirmation", "POST"): public("/en/account/confirm"),
    ("pages.login", "GET"): public("/en/account/login"),
    ("pages.login", "POST"): public("/en/account/login"),
    ("pages.reset_request", "GET"): public("/en/account/reset"),
    ("pages.reset_request", "POST"): public("/en/account/reset"),
    ("pages.reset", "GET"): public("/en/account/reset/not-a-token"),
    ("pages.reset", "POST"): public("/en/account/reset/not-a-token"),
    ("pages.logout", "POST"): public("/en/account/logout", last=2),
    # One's own account
    ("pages.account", "GET"): Case("/en/account/", LOGGED_IN),
    ("pages.preferences", "POST"): Case("/en/account/preferences", LOGGED_IN),
    ("pages.organization", "POST"): Case(
        "/en/account/organization", LOGGED_IN, data={"org-organization": "ichcap"}
    ),
    ("pages.change_password", "POST"): Case(
        "/en/account/password",
        LOGGED_IN,
        data={"pw-current_password": "not it", "pw-password": "x", "pw-password_again": "x"},
    ),
    ("pages.new_token", "POST"): Case(
        "/en/account/tokens", LOGGED_IN, data={"token-name": "m", "token-expires": "30"}
    ),
    ("pages.revoke_token", "POST"): Case("/en/account/tokens/999999/revoke", NOBODY, 404),
    # Administrators' account tools (the submitter's account is the one acted on)
    ("pages.users", "GET"): Case("/en/account/users/?email=submitter@example.org", ADMINS),
    ("pages.revoke_user_tokens", "POST"): Case(
        "/en/account/users/{submitter_id}/revoke-tokens", ADMINS
    ),
    ("pages.deactivate_user", "POST"): Case(
        "/en/account/users/{submitter_id}/deactivate", ADMINS, last=1
    ),
    ("pages.reactivate_user", "POST"): Case(
        "/en/account/users/{submitter_id}/reactivate", ADMINS, last=1
    ),
    # Roles on the web: admins grant and revoke (with a reason); institutions ask
    ("pages.grant_role", "POST"): Case("/en/account/users/{submitter_id}/roles", ADMINS),
    ("pages.revoke_role", "POST"): Case(
        "/en/account/users/{submitter_id}/roles/member/revoke", ADMINS
    ),
    ("pages.request_organizer_role", "POST"): Case("/en/account/organizer-request", LOGGED_IN),
    ("pages.decide_role_request", "POST"): Case(
        "/en/coordination/role-requests/{role_request}/decline", COORDINATORS, 404
    ),
    # Submissions and moderation
    ("pages.new_submission", "GET"): Case("/en/submissions/new", LOGGED_IN),
    ("pages.new_submission", "POST"): Case("/en/submissions/new", LOGGED_IN),
    ("pages.propose_change", "GET"): Case("/en/festivals/{festival}/propose", LOGGED_IN),
    ("pages.propose_change", "POST"): Case("/en/festivals/{festival}/propose", LOGGED_IN),
    ("pages.submission", "GET"): Case("/en/submissions/{submission}", MODERATORS, 404),
    ("pages.edit_submission", "GET"): Case(
        "/en/submissions/{submission}/edit", NOBODY, SUBMITTER_ONLY
    ),
    ("pages.edit_submission", "POST"): Case(
        "/en/submissions/{submission}/edit", NOBODY, SUBMITTER_ONLY
    ),
    ("pages.submission_images", "GET"): Case(
        "/en/submissions/{submission}/images", NOBODY, SUBMITTER_ONLY
    ),
    ("pages.submission_images", "POST"): Case(
        "/en/submissions/{submission}/images", NOBODY, SUBMITTER_ONLY
    ),
    ("pages.decide", "POST"): Case("/en/submissions/{submission}/return", MODERATORS, 404),
    ("pages.queue", "GET"): Case("/en/moderation/", MODERATORS),
    ("pages.affiliation_queue", "GET"): Case("/en/moderation/affiliations", MODERATORS),
    ("pages.decide_affiliation", "POST"): Case(
        "/en/moderation/affiliations/{claim}/decline", MODERATORS, last=1
    ),
    ("pages.manage_images", "GET"): Case("/en/festivals/{festival}/images", MODERATORS),
    # Proposing a change to any record; moderators' edits of proposals
    ("pages.propose_record_change", "GET"): Case("/en/organizations/iicas/propose", LOGGED_IN),
    ("pages.propose_record_change", "POST"): Case("/en/organizations/iicas/propose", LOGGED_IN),
    ("pages.revise_submission", "GET"): Case("/en/submissions/{submission}/revise", MODERATORS),
    ("pages.revise_submission", "POST"): Case("/en/submissions/{submission}/revise", MODERATORS),
    ("pages.manage_images", "POST"): Case("/en/festivals/{festival}/images", MODERATORS),
    # Organising events: ICHCAP's event is managed by ICHCAP's confirmed organisers only
    ("pages.organize_events", "GET"): Case("/en/organize/events/", ORGANIZERS),
    ("pages.new_event", "GET"): Case("/en/organize/events/new", ORGANIZERS),
    ("pages.new_event", "POST"): Case("/en/organize/events/new", ORGANIZERS),
    ("pages.manage_event", "GET"): Case("/en/organize/events/webinar", MANAGERS),
    ("pages.manage_event", "POST"): Case("/en/organize/events/webinar", MANAGERS),
    ("pages.publish_event", "POST"): Case("/en/organize/events/draft-event/publish", MANAGERS),
    ("pages.registrants", "GET"): Case("/en/organize/events/webinar/registrations", MANAGERS),
    ("pages.registrants_csv", "GET"): Case(
        "/en/organize/events/webinar/registrations.csv", MANAGERS
    ),
    ("pages.manage_session", "GET"): Case(
        "/en/organize/events/webinar/sessions/{session}", MANAGERS
    ),
    ("pages.manage_session", "POST"): Case(
        "/en/organize/events/webinar/sessions/{session}", MANAGERS
    ),
    ("pages.move_session", "POST"): Case(
        "/en/organize/events/webinar/sessions/{session}/move", MANAGERS, data={"direction": "up"}
    ),
    ("pages.remove_session", "GET"): Case(
        "/en/organize/events/webinar/sessions/{session}/remove", MANAGERS
    ),
    ("pages.remove_session", "POST"): Case(
        "/en/organize/events/webinar/sessions/{session}/remove", MANAGERS, last=1
    ),
    # Network membership (issue 14): applying, coordinating, the member directory
    ("pages.apply_for_membership", "GET"): Case("/en/membership/apply", APPLICANTS),
    ("pages.apply_for_membership", "POST"): Case("/en/membership/apply", APPLICANTS),
    ("pages.membership_application", "GET"): Case(
        "/en/membership/applications/{application}", COORDINATORS, 404
    ),
    ("pages.act_on_application", "POST"): Case(
        "/en/membership/applications/{application}/ask", COORDINATORS, 404
    ),
    ("pages.coordination", "GET"): Case("/en/coordination/", COORDINATORS),
    ("pages.members", "GET"): public("/en/members/"),
    ("pages.member_page", "GET"): public("/en/members/{member}"),
    ("pages.change_member_role", "POST"): Case(
        "/en/members/{member}/role", COORDINATORS, data={"role-role": "nonsense"}
    ),
    ("pages.end_membership", "POST"): Case("/en/members/{member}/end", COORDINATORS),
    ("api.apply_for_membership", "POST"): Case("/api/v1/membership-applications", APPLICANTS),
    ("api.list_membership_applications", "GET"): Case(
        "/api/v1/membership-applications", COORDINATORS
    ),
    ("api.get_membership_application", "GET"): Case(
        "/api/v1/membership-applications/{application}", COORDINATORS, 404
    ),
    # Only the applying institution's accounts answer; coordinators see it but may not.
    ("api.answer_membership_application", "POST"): Case(
        "/api/v1/membership-applications/{application}/answer",
        NOBODY,
        {"coordinator": 403, "admin": 403},
    ),
    ("api.ask_membership_application", "POST"): Case(
        "/api/v1/membership-applications/{application}/ask", COORDINATORS
    ),
    ("api.decline_membership_application", "POST"): Case(
        "/api/v1/membership-applications/{application}/decline", COORDINATORS
    ),
    ("api.approve_membership_application", "POST"): Case(
        "/api/v1/membership-applications/{application}/approve",
        COORDINATORS,
        data={"role": "nonsense"},
    ),
    ("api.ask_for_organizer_role", "POST"): Case("/api/v1/role-requests", APPLICANTS),
    ("api.list_role_requests", "GET"): Case("/api/v1/role-requests", COORDINATORS),
    ("api.grant_role_request", "POST"): Case(
        "/api/v1/role-requests/{role_request}/grant", COORDINATORS, last=1
    ),
    ("api.decline_role_request", "POST"): Case(
        "/api/v1/role-requests/{role_request}/decline", COORDINATORS
    ),
    ("api.members", "GET"): public("/api/v1/members"),
    ("api.member", "GET"): public("/api/v1/members/{member}"),
    ("api.change_member", "PATCH"): Case(
        "/api/v1/members/{member}", COORDINATORS, data={"role": "nonsense"}
    ),
    ("api.end_membership", "POST"): Case("/api/v1/members/{member}/end", COORDINATORS),
    # The API: public reads
    ("api.collection", "GET"): public("/api/v1/festivals"),
    ("api.record", "GET"): public("/api/v1/festivals/{festival}"),
    ("api.record_history", "GET"): public("/api/v1/festivals/{festival}/history"),
    ("api.glossary", "GET"): public("/api/v1/glossary"),
    ("api.glossary_term", "GET"): missing("/api/v1/glossary/1"),
    ("api.openapi_document", "GET"): public("/api/v1/openapi.json"),
    ("api.search_records", "GET"): public("/api/v1/search?q=festival"),
    ("api.create_registration", "POST"): public("/api/v1/events/webinar/registrations"),
    # The API: events (a draft is seen by its managers only)
    ("api.event_detail", "GET"): Case("/api/v1/events/draft-event", MANAGERS, 404, 404),
    ("api.create_event", "POST"): Case("/api/v1/events", ORGANIZERS),
    ("api.update_event", "PATCH"): Case("/api/v1/events/webinar", MANAGERS),
    ("api.publish_event", "POST"): Case("/api/v1/events/draft-event/publish", MANAGERS),
    # The API: submissions and moderation
    ("api.submit_festival", "POST"): Case("/api/v1/festivals", LOGGED_IN),
    ("api.get_submission", "GET"): Case("/api/v1/submissions/{submission}", MODERATORS, 404),
    ("api.approve_submission", "POST"): Case(
        "/api/v1/submissions/{submission}/approve", MODERATORS, last=1
    ),
    ("api.return_submission", "POST"): Case("/api/v1/submissions/{submission}/return", MODERATORS),
    ("api.reject_submission", "POST"): Case("/api/v1/submissions/{submission}/reject", MODERATORS),
    ("api.edit_submission", "POST"): Case("/api/v1/submissions/{submission}/edit", MODERATORS),
    ("api.propose_change", "POST"): Case("/api/v1/festivals/{festival}/proposals", LOGGED_IN),
    # The API: requests to act for an organisation
    ("api.list_affiliations", "GET"): Case("/api/v1/affiliations", MODERATORS),
    ("api.claim_affiliation", "POST"): Case("/api/v1/affiliations", LOGGED_IN),
    ("api.get_affiliation", "GET"): Case("/api/v1/affiliations/{claim}", MODERATORS, 404),
    ("api.confirm_affiliation", "POST"): Case(
        "/api/v1/affiliations/{claim}/confirm", MODERATORS, last=1
    ),
    ("api.decline_affiliation", "POST"): Case(
        "/api/v1/affiliations/{claim}/decline", MODERATORS, last=1
    ),
}


def _routes(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_is_in_the_matrix(app):
    routes = _routes(app)
    assert routes - MATRIX.keys() == set(), "routes nobody said who may use"
    assert MATRIX.keys() - routes == set(), "the matrix names routes that do not exist"


def _world(app) -> dict:
    """The records and accounts every role's run starts from; returns the ids in paths."""
    create_country("KZ")
    create_organization(slug="ichcap", name={"en": "ICHCAP"})
    create_organization(slug="iicas", name={"en": "IICAS"})
    festival = create_festival()
    owner = account("owner@ichcap.org", organization="ichcap")
    api, headers = client_of(app), bearer(owner)
    links = {"organizations": [{"organization": "ichcap", "role": "organizer"}]}
    assert (
        api.post("/api/v1/events", json=event_body("webinar", **links), headers=headers).status_code
        < 300
    )
    assert api.post("/api/v1/events/webinar/publish", headers=headers).status_code < 300
    assert (
        api.post(
            "/api/v1/events", json=event_body("draft-event", **links), headers=headers
        ).status_code
        < 300
    )
    assert (
        api.post("/api/v1/events/webinar/registrations", json=person("a@kz.kz")).status_code < 300
    )

    submitter = account("submitter@example.org", "member")
    with app.test_request_context():  # its e-mails build links
        item = submissions.start(
            submitter, "festival", festival_body(countries=["KZ"], elements=[])
        )
        submissions.submit(item, submitter)  # pending: moderators see it, others do not
    claimant = account("claimant@example.org")
    claim = signup.choose_organization(claimant, "ichcap")
    db.session.commit()
    application, member, role_request = _membership_world(app)
    return {
        "role_request": role_request,
        "application": application,
        "member": member,
        "festival": festival.slug,
        "submission": item.id,
        "claim": claim.id,
        "submitter_id": submitter.id,
        "session": by_slug(Event, "webinar").sessions[0].uid,  # its lasting id
    }


def _membership_world(app) -> tuple[int, str, int]:
    """IICAS's pending application, another institution that is a member already, and a
    pending request for the organizer role from an IICAS account."""
    create_organization(slug="member-org", name={"en": "A member"})
    body = {
        "kind": "ngo",
        "country": "KZ",
        "contact_name": "A person",
        "contact_email": "person@example.org",
        "brings": ["expertise"],
        "languages": ["kk"],
        "statement": {"en": "We would like to join."},
        "terms": True,
    }
    coordinator = account("coordinator-of-the-world@example.org", "coordinator")
    with app.test_request_context():  # its e-mails build links
        pending = membership.apply(account("applicant@iicas.org", "member", "iicas"), body)
        approved = membership.apply(account("applicant@member.org", "member", "member-org"), body)
        membership.approve(approved, coordinator)
    requester = account("requester@iicas.org", "member", "iicas")
    role_request = roles.request_organizer(requester, "Our festival's events.")
    db.session.commit()
    return pending.id, "member-org", role_request.id


def _account_for(role: str):
    if role == "anonymous":
        return None
    if role == "organizer_confirmed":
        return account("confirmed@ichcap.org", organization="ichcap")
    if role == "organizer_claimed":
        claimed = account("claimed@example.org")
        affiliations.claim(claimed, by_slug(Organization, "ichcap"))
        db.session.commit()
        assert claimed.organization is None
        return claimed
    if role == "organizer_unaffiliated":
        return account("nobody@example.org")
    return account(f"{role}@example.org", role)


def _outcome(response) -> int | str:
    location = response.headers.get("Location", "")
    if response.status_code == 302 and "/account/login" in location:
        return "login"
    if response.status_code in (401, 403, 404) or response.status_code >= 500:
        return response.status_code
    return "allowed"


@pytest.mark.parametrize("role", ROLES)
def test_who_may_do_what(app, role):
    app.config["WTF_CSRF_ENABLED"] = False
    ids = _world(app)
    who = _account_for(role)
    browser, api = client_of(app), client_of(app)
    headers = {}
    if who is not None:
        login(browser, who)
        headers = bearer(who)

    wrong = []
    order = sorted(MATRIX.items(), key=lambda item: item[1].last)
    for (endpoint, method), case in order:
        path = case.path.format(**ids)
        if path.startswith("/api/"):
            response = api.open(path, method=method, json=case.data, headers=headers)
        else:
            response = browser.open(path, method=method, data=case.data)
        got, expected = _outcome(response), case.expected(role)
        response.close()
        if got != expected:
            wrong.append(f"{method} {path} ({endpoint}): expected {expected}, got {got}")
    assert wrong == [], f"{role}:\n" + "\n".join(wrong)
