"""Requests to act for an organisation through the API: asking, and moderators' decisions.

Asking grants nothing; a moderator or an admin confirms or declines (see
`kb.services.affiliations`). Writing needs an API token or a session with its CSRF token.
"""

from __future__ import annotations

from flask import jsonify, request, url_for

from kb.api import bp, json_body, page_json
from kb.api.openapi import describe
from kb.auth import api_account, require_api
from kb.extensions import db
from kb.schemas.args import PageArgs
from kb.schemas.submissions import AffiliationDecisionSchema, AffiliationSchema, ClaimSchema
from kb.services import affiliations, signup


@bp.get("/affiliations")
@require_api("moderator")
def list_affiliations():
    """Requests awaiting a decision, oldest first."""
    args = PageArgs().load(request.args)
    page = affiliations.queue(api_account(), **args)
    return jsonify(page_json(page, AffiliationSchema(many=True).dump(page.items)))


@bp.post("/affiliations")
@require_api()
def claim_affiliation():
    """Ask to act for a published organisation (grants nothing until confirmed)."""
    account = api_account()
    slug = ClaimSchema().load(json_body())["organization"].strip().lower()
    item = signup.choose_organization(account, slug)
    db.session.commit()
    if item is None:  # the account acts for it already
        return jsonify({"organization": slug, "state": "confirmed"}), 200
    response = jsonify(AffiliationSchema().dump(item))
    response.status_code = 202
    response.headers["Location"] = url_for("api.get_affiliation", affiliation_id=item.id)
    return response


@bp.get("/affiliations/<int:affiliation_id>")
@require_api()
def get_affiliation(affiliation_id: int):
    """A request, for its asker and for moderators."""
    return jsonify(AffiliationSchema().dump(affiliations.visible(affiliation_id, api_account())))


def _decide(affiliation_id: int, decide):
    account = api_account()
    reason = AffiliationDecisionSchema().load(json_body())["reason"]
    item = affiliations.visible(affiliation_id, account)
    decide(item, account, reason)
    db.session.commit()
    return jsonify(AffiliationSchema().dump(item))


@bp.post("/affiliations/<int:affiliation_id>/confirm")
@require_api("moderator")
def confirm_affiliation(affiliation_id: int):
    """Grant a request: the person acts for the organisation from now on."""
    return _decide(affiliation_id, affiliations.confirm)


@bp.post("/affiliations/<int:affiliation_id>/decline")
@require_api("moderator")
def decline_affiliation(affiliation_id: int):
    """Refuse a request; the person is told by e-mail."""
    return _decide(affiliation_id, affiliations.decline)


TOKEN = [{"token": []}]


def _json(schema: str) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return {"description": description, **_json("Error")}


ID = {"in": "path", "name": "affiliation_id", "required": True, "schema": {"type": "integer"}}
AUTH_ERRORS = {
    "401": _error("No session and no API token"),
    "403": _error("The account may not do this"),
}


def document() -> None:
    """Add the endpoints to the OpenAPI document."""
    describe(
        "/api/v1/affiliations",
        "get",
        {
            "summary": "Requests to act for an organisation, awaiting a decision",
            "description": "For moderators and admins; only requests from confirmed addresses.",
            "tags": ["moderation"],
            "security": TOKEN,
            "responses": {"200": {"description": "One page of requests"}, **AUTH_ERRORS},
        },
        [AffiliationSchema],
    )
    describe(
        "/api/v1/affiliations",
        "post",
        {
            "summary": "Ask to act for an organisation",
            "description": (
                "Grants nothing: the request waits for a moderator's or an admin's decision, "
                "and the asker is told by e-mail. A new request replaces an open one."
            ),
            "tags": ["moderation"],
            "security": TOKEN,
            "requestBody": {"required": True, **_json("Claim")},
            "responses": {
                "202": {"description": "Asked", **_json("Affiliation")},
                "200": {"description": "The account acts for this organisation already"},
                "401": AUTH_ERRORS["401"],
                "422": _error("The slug is missing, or no published organisation has it"),
            },
        },
        [ClaimSchema, AffiliationSchema],
    )
    describe(
        "/api/v1/affiliations/{affiliation_id}",
        "get",
        {
            "summary": "A request to act for an organisation",
            "tags": ["moderation"],
            "security": TOKEN,
            "parameters": [ID],
            "responses": {
                "200": {"description": "The request", **_json("Affiliation")},
                "401": AUTH_ERRORS["401"],
                "404": _error("No request with this id that you may see"),
            },
        },
    )
    for path, summary in (
        ("confirm", "Confirm a request: the person acts for the organisation"),
        ("decline", "Decline a request"),
    ):
        describe(
            f"/api/v1/affiliations/{{affiliation_id}}/{path}",
            "post",
            {
                "summary": summary,
                "description": "Not one's own request. The person is told by e-mail.",
                "tags": ["moderation"],
                "security": TOKEN,
                "parameters": [ID],
                "requestBody": {"required": False, **_json("AffiliationDecision")},
                "responses": {
                    "200": {"description": "Decided", **_json("Affiliation")},
                    **AUTH_ERRORS,
                    "404": _error("No request with this id"),
                    "409": _error("Not awaiting a decision, or the address is unconfirmed"),
                    "422": _error("The note is too long"),
                },
            },
            [AffiliationDecisionSchema],
        )


document()
