"""The OpenAPI description of the submission and moderation endpoints."""

from __future__ import annotations

from kb.api.openapi import describe
from kb.schemas.records import FestivalSchema
from kb.schemas.submissions import DecisionSchema, SubmissionSchema

TOKEN = [{"token": []}]


def _json(schema: str) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return {"description": description, **_json("Error")}


def _id(name: str = "submission_id") -> dict:
    return {"in": "path", "name": name, "required": True, "schema": {"type": "integer"}}


AUTH_ERRORS = {
    "401": _error("No session and no API token"),
    "403": _error("The account may not do this"),
}


def _decision(path: str, summary: str, description: str) -> None:
    describe(
        f"/api/v1/submissions/{{submission_id}}/{path}",
        "post",
        {
            "summary": summary,
            "description": description,
            "tags": ["moderation"],
            "security": TOKEN,
            "parameters": [_id()],
            "requestBody": {"required": path != "approve", **_json("Decision")},
            "responses": {
                "200": {"description": "Decided; the submission now", **_json("Submission")},
                **AUTH_ERRORS,
                "404": _error("No submission with this id that you may see"),
                "409": _error(
                    "code `conflict`: the submission is not awaiting review; "
                    "`already_decided`: another moderator decided on it at the same moment; "
                    "`exists`: a record took its slug"
                ),
                "422": _error("The reason is missing or too long; nothing changed"),
            },
        },
        [DecisionSchema],
    )


def document() -> None:
    """Add the endpoints to the OpenAPI document."""
    describe(
        "/api/v1/festivals",
        "post",
        {
            "summary": "Submit a festival for moderation",
            "description": (
                "Creates a pending submission; nothing is public until a moderator approves "
                "it. With the slug of a published festival, the submission proposes a change "
                "to that festival. Invalid input answers 422 with each field's errors keyed by "
                "its dotted path (e.g. `editions.0.end_date`), and nothing is stored."
            ),
            "tags": ["festivals", "moderation"],
            "security": TOKEN,
            "requestBody": {"required": True, **_json("FestivalDetail")},
            "responses": {
                "202": {"description": "Accepted for moderation", **_json("Submission")},
                "401": AUTH_ERRORS["401"],
                "422": _error("Some fields are not valid; nothing was stored"),
            },
        },
        [FestivalSchema, SubmissionSchema],
    )
    describe(
        "/api/v1/submissions/{submission_id}",
        "get",
        {
            "summary": "A submission, for its submitter and for moderators",
            "tags": ["moderation"],
            "security": TOKEN,
            "parameters": [_id()],
            "responses": {
                "200": {"description": "The submission", **_json("Submission")},
                "401": AUTH_ERRORS["401"],
                "404": _error("No submission with this id that you may see"),
            },
        },
        [SubmissionSchema],
    )
    _decision(
        "approve",
        "Approve and publish a submission",
        "For moderators; never one's own submission. `reason` is an optional note kept in "
        "the record's history.",
    )
    _decision("return", "Return a submission to its submitter", "For moderators; give `reason`.")
    _decision("reject", "Reject a submission", "For moderators; give `reason`.")
