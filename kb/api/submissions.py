"""Submitting festivals and moderating them through the API.

Writing needs an API token (`Authorization: Bearer …`) or a session with its CSRF
token. A submission is committed before anything else happens; its e-mail goes out
after the commit, through the outbox.
"""

from __future__ import annotations

from flask import jsonify, url_for

from kb.api import bp, json_body
from kb.api.submissions_doc import document
from kb.auth import api_account, require_api
from kb.errors import error_json
from kb.extensions import db
from kb.models import Festival
from kb.schemas.details import FestivalDetailSchema
from kb.schemas.shape import own_shape
from kb.schemas.submissions import DecisionSchema, SubmissionSchema
from kb.services import moderation, submissions
from kb.services.common import by_slug
from kb.services.payloads import Invalid
from kb.services.submissions import Forbidden


@bp.errorhandler(Forbidden)
def _forbidden(exc: Forbidden):
    return error_json(403, "forbidden", exc.message)


@bp.post("/festivals")
@require_api()
def submit_festival():
    """Propose a festival (or, with a published festival's slug, a change to it)."""
    account = api_account()
    body = json_body()
    slug = body.get("slug") if isinstance(body.get("slug"), str) else None
    record = by_slug(Festival, slug.strip().lower()) if slug else None
    if record is not None and not record.is_published:
        record = None
    # A festival's answer (GET) sent back: read-only keys unchanged are accepted.
    current = FestivalDetailSchema().dump(record) if record is not None else None
    body = own_shape(body, FestivalDetailSchema(), current)
    try:
        item = submissions.start(
            account,
            "festival",
            body,
            record=record if record is not None and record.is_published else None,
        )
        submissions.submit(item, account)
    except Invalid:
        db.session.rollback()
        raise
    db.session.commit()
    response = jsonify(SubmissionSchema().dump(item))
    response.status_code = 202
    response.headers["Location"] = url_for("api.get_submission", submission_id=item.id)
    return response


@bp.get("/submissions/<int:submission_id>")
@require_api()
def get_submission(submission_id: int):
    """A submission, for its submitter and for moderators."""
    item = submissions.visible(submission_id, api_account())
    return jsonify(SubmissionSchema().dump(item))


DECIDE = {
    "approve": moderation.approve,
    "return": moderation.send_back,
    "reject": moderation.reject,
}


def _decide(submission_id: int, decision: str):
    account = api_account()
    reason = DecisionSchema().load(json_body())["reason"]
    item = submissions.visible(submission_id, account)
    DECIDE[decision](item, account, reason)
    db.session.commit()
    return jsonify(SubmissionSchema().dump(item))


@bp.post("/submissions/<int:submission_id>/approve")
@require_api("moderator")
def approve_submission(submission_id: int):
    """Publish a pending submission (not one's own)."""
    return _decide(submission_id, "approve")


@bp.post("/submissions/<int:submission_id>/return")
@require_api("moderator")
def return_submission(submission_id: int):
    """Send a pending submission back to its submitter, with a reason."""
    return _decide(submission_id, "return")


@bp.post("/submissions/<int:submission_id>/reject")
@require_api("moderator")
def reject_submission(submission_id: int):
    """Refuse a pending submission, with a reason."""
    return _decide(submission_id, "reject")


document()
