"""Network membership through the API: applying, coordinators' decisions, the members.

Applying needs an account whose affiliation with its institution is confirmed; deciding
needs the `coordinator` role (or admin). The member directory is public and shows public
fields only. See `kb.services.membership`.
"""

from __future__ import annotations

from flask import jsonify, request, url_for

from kb.api import bp, json_body, page_json
from kb.api.membership_doc import document
from kb.auth import api_account, require_api
from kb.extensions import db
from kb.schemas.membership import (
    MemberArgs,
    MemberChangeSchema,
    MemberDetailSchema,
    MemberSchema,
    MembershipApplicationSchema,
    MembershipApprovalSchema,
    MembershipNoteSchema,
    QueueArgs,
)
from kb.services import members as member_service
from kb.services import membership


def _application(item, status: int = 200):
    response = jsonify(MembershipApplicationSchema().dump(item))
    response.status_code = status
    return response


@bp.post("/membership-applications")
@require_api()
def apply_for_membership():
    """Apply to join the network for the institution the account acts for."""
    item = membership.apply(api_account(), json_body())
    db.session.commit()
    response = _application(item, 201)
    response.headers["Location"] = url_for("api.get_membership_application", application_id=item.id)
    return response


@bp.get("/membership-applications")
@require_api("coordinator")
def list_membership_applications():
    """Applications for coordinators, oldest first."""
    args = QueueArgs().load(request.args)
    state = None if args["state"] == "all" else args["state"]
    page = membership.queue(
        api_account(), state=state, page=args["page"], per_page=args["per_page"]
    )
    return jsonify(page_json(page, MembershipApplicationSchema(many=True).dump(page.items)))


@bp.get("/membership-applications/<int:application_id>")
@require_api()
def get_membership_application(application_id: int):
    """An application with its steps, for its institution's accounts and coordinators."""
    return _application(membership.visible(application_id, api_account()))


def _act(application_id: int, act, schema=MembershipNoteSchema):
    account = api_account()
    data = schema().load(json_body())
    item = membership.visible(application_id, account)
    act(item, account, **data)
    db.session.commit()
    return _application(item)


@bp.post("/membership-applications/<int:application_id>/answer")
@require_api()
def answer_membership_application(application_id: int):
    """The institution answers a coordinator's question."""
    return _act(application_id, membership.answer)


@bp.post("/membership-applications/<int:application_id>/ask")
@require_api("coordinator")
def ask_membership_application(application_id: int):
    """Ask the institution for more before deciding."""
    return _act(application_id, membership.ask)


@bp.post("/membership-applications/<int:application_id>/decline")
@require_api("coordinator")
def decline_membership_application(application_id: int):
    """Decline an application, saying why."""
    return _act(application_id, membership.decline)


@bp.post("/membership-applications/<int:application_id>/approve")
@require_api("coordinator")
def approve_membership_application(application_id: int):
    """Approve: the institution is a member from today, with a network role."""
    return _act(application_id, membership.approve, MembershipApprovalSchema)


@bp.get("/members")
def members():
    """The network's members (public fields only), with counts per country."""
    args = MemberArgs().load(request.args)
    page = member_service.members(**args)
    body = page_json(page, MemberSchema(many=True).dump(page.items))
    body["countries"] = page.facets["country"]
    return jsonify(body)


@bp.get("/members/<slug>")
def member(slug: str):
    """A member, with its public membership history."""
    return jsonify(MemberDetailSchema().dump(membership.member(slug)))


@bp.patch("/members/<slug>")
@require_api("coordinator")
def change_member(slug: str):
    """Change a member's network role (the member's own GET body is accepted)."""
    account = api_account()
    data = MemberChangeSchema().load(json_body())
    item = membership.membership_for_coordinator(slug, account)
    membership.change_role(item, account, data["role"], data["note"])
    db.session.commit()
    return jsonify(MemberDetailSchema().dump(item))


@bp.post("/members/<slug>/end")
@require_api("coordinator")
def end_membership(slug: str):
    """End a membership, saying why; it is kept, with its history."""
    account = api_account()
    data = MembershipNoteSchema().load(json_body())
    item = membership.membership_for_coordinator(slug, account)
    membership.end(item, account, data["note"])
    db.session.commit()
    return jsonify(MemberDetailSchema().dump(item))


document()
