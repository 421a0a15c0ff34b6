"""Requests for the organizer role through the API: asking, and coordinators' decisions.

See `kb.services.roles`: the asker's affiliation must be confirmed; a coordinator of
another institution decides; the asker is told by e-mail.
"""

from __future__ import annotations

from flask import jsonify, request

from kb.api import bp, json_body, page_json
from kb.api.openapi import describe
from kb.auth import api_account, require_api
from kb.extensions import db
from kb.schemas.args import PageArgs
from kb.schemas.membership import RoleDecisionSchema, RoleRequestInputSchema, RoleRequestSchema
from kb.services import roles


@bp.post("/role-requests")
@require_api()
def ask_for_organizer_role():
    """Ask for the organizer role for the institution the account acts for."""
    data = RoleRequestInputSchema().load(json_body())
    item = roles.request_organizer(api_account(), data["message"])
    db.session.commit()
    response = jsonify(RoleRequestSchema().dump(item))
    response.status_code = 201
    return response


@bp.get("/role-requests")
@require_api("coordinator")
def list_role_requests():
    """Requests awaiting a decision, oldest first."""
    args = PageArgs().load(request.args)
    page = roles.requests_queue(api_account(), **args)
    return jsonify(page_json(page, RoleRequestSchema(many=True).dump(page.items)))


def _decide(request_id: int, grant_it: bool):
    account = api_account()
    reason = RoleDecisionSchema().load(json_body())["reason"]
    item = roles.get_request(request_id, account)
    roles.decide(item, account, grant_it, reason)
    db.session.commit()
    return jsonify(RoleRequestSchema().dump(item))


@bp.post("/role-requests/<int:request_id>/grant")
@require_api("coordinator")
def grant_role_request(request_id: int):
    """Grant a request: the asker becomes an organizer."""
    return _decide(request_id, True)


@bp.post("/role-requests/<int:request_id>/decline")
@require_api("coordinator")
def decline_role_request(request_id: int):
    """Decline a request, saying why."""
    return _decide(request_id, False)


def _json(schema) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return {"description": description, **_json("Error")}


AUTH = {"401": _error("No session and no API token"), "403": _error("The account may not")}


def document() -> None:
    """Add the endpoints to the OpenAPI document."""
    describe(
        "/api/v1/role-requests",
        "post",
        {
            "summary": "Ask for the organizer role for one's institution",
            "description": "The account's affiliation must be confirmed; a coordinator decides.",
            "tags": ["membership"],
            "security": [{"token": []}],
            "requestBody": {"required": False, **_json("RoleRequestInput")},
            "responses": {
                "201": {"description": "Asked", **_json("RoleRequest")},
                **AUTH,
                "409": _error("Asked already, or the account is an organizer already"),
                "422": _error("The message is too long"),
            },
        },
        [RoleRequestInputSchema, RoleRequestSchema],
    )
    describe(
        "/api/v1/role-requests",
        "get",
        {
            "summary": "Requests for a role awaiting a decision (coordinators)",
            "tags": ["membership"],
            "security": [{"token": []}],
            "parameters": [{"in": "query", "schema": PageArgs}],
            "responses": {
                "200": {"description": "One page of requests"},
                "400": _error("A query argument is not valid"),
                **AUTH,
            },
        },
    )
    for decision in ("grant", "decline"):
        describe(
            f"/api/v1/role-requests/{{request_id}}/{decision}",
            "post",
            {
                "summary": f"{decision.capitalize()} a request for a role",
                "description": "Not from one's own institution; declining needs a reason.",
                "tags": ["membership"],
                "security": [{"token": []}],
                "parameters": [
                    {
                        "in": "path",
                        "name": "request_id",
                        "required": True,
                        "schema": {"type": "integer"},
                    }
                ],
                "requestBody": {"required": False, **_json("RoleDecision")},
                "responses": {
                    "200": {"description": "Decided", **_json("RoleRequest")},
                    **AUTH,
                    "404": _error("No request with this id"),
                    "409": _error("Decided already, or the asker no longer acts for it"),
                    "422": _error("The reason is missing or too long"),
                },
            },
            [RoleDecisionSchema],
        )


document()
