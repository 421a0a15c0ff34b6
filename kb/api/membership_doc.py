"""The OpenAPI description of the membership endpoints (kept apart from the handlers)."""

from __future__ import annotations

from kb.api.openapi import describe
from kb.schemas.membership import (
    MemberArgs,
    MemberChangeSchema,
    MemberDetailSchema,
    MemberSchema,
    MembershipApplicationInputSchema,
    MembershipApplicationSchema,
    MembershipApprovalSchema,
    MembershipNoteSchema,
    QueueArgs,
)

TOKEN = [{"token": []}]
TAGS = ["membership"]


def _json(schema) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return {"description": description, **_json("Error")}


def _page(name: str, extra: dict | None = None) -> dict:
    return {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            **(extra or {}),
        },
    }


def _path(name: str, kind: str = "integer") -> dict:
    return {"in": "path", "name": name, "required": True, "schema": {"type": kind}}


AUTH = {"401": _error("No session and no API token"), "403": _error("The account may not")}
APP_ID = _path("application_id")
SLUG = _path("slug", "string")


def document() -> None:
    """Add the membership endpoints to the OpenAPI document."""
    describe(
        "/api/v1/membership-applications",
        "post",
        {
            "summary": "Apply to join the network",
            "description": (
                "For the institution the account acts for; the affiliation must be confirmed. "
                "The statement is keyed by the working language it is written in; `terms` "
                "must be true. Every step is e-mailed to the applicant in their language."
            ),
            "tags": TAGS,
            "security": TOKEN,
            "requestBody": {"required": True, **_json("MembershipApplicationInput")},
            "responses": {
                "201": {"description": "Applied", **_json("MembershipApplication")},
                **AUTH,
                "409": _error("An application is waiting already, or it is a member already"),
                "422": _error("A field is missing or not valid"),
            },
        },
        [MembershipApplicationInputSchema, MembershipApplicationSchema],
    )
    describe(
        "/api/v1/membership-applications",
        "get",
        {
            "summary": "Applications, for coordinators",
            "tags": TAGS,
            "security": TOKEN,
            "parameters": [
                {"in": "query", "schema": QueueArgs},
            ],
            "responses": {
                "200": {"description": "One page", **_json(_page("MembershipApplication"))},
                "400": _error("A query argument is not valid"),
                **AUTH,
            },
        },
    )
    describe(
        "/api/v1/membership-applications/{application_id}",
        "get",
        {
            "summary": "An application with its history",
            "description": "For coordinators and the accounts acting for its institution.",
            "tags": TAGS,
            "security": TOKEN,
            "parameters": [APP_ID],
            "responses": {
                "200": {"description": "The application", **_json("MembershipApplication")},
                "401": AUTH["401"],
                "404": _error("No application with this id that you may see"),
            },
        },
    )
    for action, summary, schema in (
        ("answer", "The institution answers a coordinator's question", MembershipNoteSchema),
        ("ask", "A coordinator asks the institution for more", MembershipNoteSchema),
        ("decline", "A coordinator declines the application, saying why", MembershipNoteSchema),
        (
            "approve",
            "A coordinator approves: the institution is a member",
            MembershipApprovalSchema,
        ),
    ):
        describe(
            f"/api/v1/membership-applications/{{application_id}}/{action}",
            "post",
            {
                "summary": summary,
                "description": (
                    "Not on an application of the institution one acts for (coordinators). "
                    "The other side is told by e-mail, in their language."
                ),
                "tags": TAGS,
                "security": TOKEN,
                "parameters": [APP_ID],
                "requestBody": {"required": False, **_json(schema.__name__[:-6])},
                "responses": {
                    "200": {"description": "Done", **_json("MembershipApplication")},
                    **AUTH,
                    "404": _error("No application with this id that you may see"),
                    "409": _error(
                        "Not in a state for this (`conflict`), or someone acted on it at the "
                        "same moment (`already_decided`)"
                    ),
                    "422": _error("The note is missing or too long, or the role is unknown"),
                },
            },
            [schema],
        )
    describe(
        "/api/v1/members",
        "get",
        {
            "summary": "The network's members",
            "description": (
                "Active members, by country; public fields only (the contact person only "
                "where the institution made it public). `countries` counts members per "
                "country code under every filter but `country`."
            ),
            "tags": TAGS,
            "parameters": [
                {"in": "query", "schema": MemberArgs},
            ],
            "responses": {
                "200": {
                    "description": "One page",
                    **_json(
                        _page(
                            "Member",
                            {
                                "countries": {
                                    "type": "object",
                                    "additionalProperties": {"type": "integer"},
                                }
                            },
                        )
                    ),
                },
                "400": _error("A query argument is not valid"),
            },
        },
        [MemberSchema],
    )
    describe(
        "/api/v1/members/{slug}",
        "get",
        {
            "summary": "A member, with its public membership history",
            "tags": TAGS,
            "parameters": [SLUG],
            "responses": {
                "200": {"description": "The member", **_json("MemberDetail")},
                "404": _error("No active member has this slug"),
            },
        },
        [MemberDetailSchema],
    )
    describe(
        "/api/v1/members/{slug}",
        "patch",
        {
            "summary": "Change a member's network role",
            "description": (
                "For coordinators. The member's own GET body is accepted: only `role` (and "
                "`note`, the reason kept in the history) are read."
            ),
            "tags": TAGS,
            "security": TOKEN,
            "parameters": [SLUG],
            "requestBody": {"required": True, **_json("MemberChange")},
            "responses": {
                "200": {"description": "Changed", **_json("MemberDetail")},
                **AUTH,
                "404": _error("No membership for this slug"),
                "409": _error("The membership has ended"),
                "422": _error("The role is unknown or the note too long"),
            },
        },
        [MemberChangeSchema],
    )
    describe(
        "/api/v1/members/{slug}/end",
        "post",
        {
            "summary": "End a membership (kept, with its history)",
            "tags": TAGS,
            "security": TOKEN,
            "parameters": [SLUG],
            "requestBody": {"required": True, **_json("MembershipNote")},
            "responses": {
                "200": {"description": "Ended", **_json("MemberDetail")},
                **AUTH,
                "404": _error("No membership for this slug"),
                "409": _error("The membership has ended already"),
                "422": _error("The reason is missing or too long"),
            },
        },
        [MembershipNoteSchema],
    )
