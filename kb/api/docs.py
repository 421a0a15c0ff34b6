"""The OpenAPI description of the event endpoints that write (reads come from the catalog)."""

from __future__ import annotations

from kb.api.openapi import describe
from kb.schemas.events import EventDetailSchema
from kb.schemas.records import EventSchema
from kb.schemas.registrations import RegistrationSchema

SLUG = {"in": "path", "name": "slug", "required": True, "schema": {"type": "string"}}
TOKEN = [{"token": []}]


def _json(schema: str) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return {"description": description, **_json("Error")}


def describe_events() -> None:
    """Describe the organisers' event endpoints and registration."""
    auth = {
        "401": _error("No credentials: send `Authorization: Bearer <token>`"),
        "403": _error("The account is not an organizer, or does not manage this event"),
    }
    describe(
        "/api/v1/events",
        "post",
        {
            "summary": "Create a draft event (organizers)",
            "description": "The body has the shape of an event answer; `sessions` included. "
            "`join_url` (event and sessions) is write-only: it is never answered.",
            "tags": ["events"],
            "security": TOKEN,
            "requestBody": {"required": True, **_json("EventDetail")},
            "responses": {
                "201": {"description": "The draft", **_json("EventDetail")},
                **auth,
                "409": _error("code `exists`: an event has this slug"),
                "422": _error("Invalid fields, named in `fields`"),
            },
        },
        [EventSchema, EventDetailSchema],
    )
    describe(
        "/api/v1/events/{slug}",
        "patch",
        {
            "summary": "Change an event (its organizers and admins)",
            "description": "Only the fields given change. `sessions` replaces the programme; "
            "a session given without `join_url` keeps the link of the session at its "
            "position, `join_url: null` removes it.",
            "tags": ["events"],
            "security": TOKEN,
            "parameters": [SLUG],
            "requestBody": {"required": True, **_json("EventDetail")},
            "responses": {
                "200": {"description": "The event", **_json("EventDetail")},
                **auth,
                "404": _error("No event has this slug"),
                "422": _error("Invalid fields, named in `fields`"),
            },
        },
    )
    describe(
        "/api/v1/events/{slug}/publish",
        "post",
        {
            "summary": "Publish a draft event (its organizers and admins)",
            "description": "Registration opens at publication unless `registration.opens_at` "
            "says otherwise, and closes when the event starts unless `closes_at` says so.",
            "tags": ["events"],
            "security": TOKEN,
            "parameters": [SLUG],
            "responses": {
                "200": {"description": "The published event", **_json("EventDetail")},
                **auth,
                "404": _error("No event has this slug"),
            },
        },
    )
    describe(
        "/api/v1/events/{slug}/registrations",
        "post",
        {
            "summary": "Register for an event (open to anyone; rate-limited)",
            "description": "A confirmation e-mail in `language` follows, with the event's "
            "calendar file and a cancellation link. The answer never repeats the e-mail.",
            "tags": ["events"],
            "parameters": [SLUG],
            "requestBody": {"required": True, **_json("Registration")},
            "responses": {
                "201": {"description": "Registered", **_json("Registration")},
                "404": _error("No published event has this slug"),
                "409": _error(
                    "code `already_registered` (this e-mail is registered for the event), "
                    "`registration_closed`, `registration_full` or `registration_not_open_yet`"
                ),
                "422": _error("Invalid fields, named in `fields`"),
                "429": _error("Too many registrations from this address: wait and retry"),
            },
        },
        [RegistrationSchema],
    )
