"""Proposing a change to any published record, and moderators' edits of proposals.

`POST /api/v1/<type>/<slug>/proposals` takes the record in its own shape (its GET
answer, changed, is accepted back) and files a pending submission, which moderators
decide on as they do festivals. For an event, the proposal may change its facts (texts,
sources, the recording's link); its programme stays with its managers.
"""

from __future__ import annotations

from flask import jsonify, url_for
from marshmallow import Schema, fields, validate

from kb.api import bp, json_body
from kb.api.openapi import describe
from kb.auth import api_account, require_api
from kb.catalog import CATALOG, RECORD_TYPES
from kb.extensions import db
from kb.schemas.shape import own_shape
from kb.schemas.submissions import SubmissionSchema
from kb.services import moderation, submissions
from kb.services.payloads import Invalid

#: The collections whose records may receive a proposed change (`Kind.proposals`).
PROPOSABLE = tuple(rt.name for rt in RECORD_TYPES if rt.kind.proposals)
_CONVERTER = "any(" + ", ".join(f"'{name}'" for name in PROPOSABLE) + ")"


class RevisionSchema(Schema):
    """A moderator's edit of a proposal: the whole proposed record, and a note."""

    payload = fields.Dict(required=True)
    reason = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=5000))


@bp.post(f"/<{_CONVERTER}:collection>/<slug>/proposals")
@require_api()
def propose_change(collection: str, slug: str):
    """Propose a change to a published record; moderators decide on it."""
    account = api_account()
    record_type = CATALOG[collection]
    record = record_type.get(slug)
    current = record_type.detail_schema().dump(record)
    body = own_shape(json_body(), record_type.detail_schema(), current)
    try:
        item = submissions.start(account, record_type.singular, body, record=record)
        submissions.submit(item, account)
    except Invalid:
        db.session.rollback()
        raise
    db.session.commit()
    response = jsonify(SubmissionSchema().dump(item))
    response.status_code = 202
    response.headers["Location"] = url_for("api.get_submission", submission_id=item.id)
    return response


@bp.post("/submissions/<int:submission_id>/edit")
@require_api("moderator")
def edit_submission(submission_id: int):
    """A moderator's edit of a pending proposal before deciding on it."""
    account = api_account()
    body = RevisionSchema().load(json_body())
    item = submissions.visible(submission_id, account)
    moderation.revise(item, account, body["payload"], body["reason"])
    db.session.commit()
    return jsonify(SubmissionSchema().dump(item))


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": "Error"}}}


def _json(schema) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _document() -> None:
    for name in PROPOSABLE:
        record_type = CATALOG[name]
        shape = record_type.detail_schema.__name__.removesuffix("Schema")
        describe(
            f"/api/v1/{name}/{{slug}}/proposals",
            "post",
            {
                "summary": f"Propose a change to one of the {name}",
                "description": (
                    "Files a pending submission; nothing changes until a moderator approves "
                    "it, and then the change is in the record's history with both people. "
                    "Send the record in its own shape (its GET answer, changed, is accepted). "
                    + (
                        "For events, only the facts may change (title, theme, summary, "
                        "description, venue, recording_url, sources); a changed programme, "
                        "time or registration is refused by name (422): the event's managers "
                        "edit those. "
                        if name == "events"
                        else ""
                    )
                    + "Invalid input answers 422 with each field's errors; nothing is stored."
                ),
                "tags": [name, "moderation"],
                "security": [{"token": []}],
                "parameters": [
                    {"in": "path", "name": "slug", "required": True, "schema": {"type": "string"}}
                ],
                "requestBody": {"required": True, **_json(shape)},
                "responses": {
                    "202": {"description": "Accepted for moderation", **_json("Submission")},
                    "401": _error("No session and no API token"),
                    "404": _error("No published record has this slug"),
                    "422": _error("Some fields are not valid; nothing was stored"),
                },
            },
            [record_type.schema, SubmissionSchema],
        )
    describe(
        "/api/v1/submissions/{submission_id}/edit",
        "post",
        {
            "summary": "Edit a pending proposal before deciding on it",
            "description": (
                "For moderators. `payload` replaces the proposed record (for events, facts "
                "only); the edit is a step of the submission in the moderator's name and is "
                "shown in the record's history once approved. A proposal made before its "
                "record changed is brought up to date: fields its author left alone follow "
                "the record; where both changed a field, this edit decides."
            ),
            "tags": ["moderation"],
            "security": [{"token": []}],
            "parameters": [
                {
                    "in": "path",
                    "name": "submission_id",
                    "required": True,
                    "schema": {"type": "integer"},
                }
            ],
            "requestBody": {"required": True, **_json("Revision")},
            "responses": {
                "200": {"description": "Edited; the submission now", **_json("Submission")},
                "401": _error("No session and no API token"),
                "403": _error("The account may not do this"),
                "404": _error("No submission with this id that you may see"),
                "409": _error(
                    "code `conflict`: the submission is not awaiting review; "
                    "`already_decided`: a moderator decided on it at the same moment"
                ),
                "422": _error("The payload or the note is not valid; nothing changed"),
            },
        },
        [RevisionSchema, SubmissionSchema],
    )


_document()
