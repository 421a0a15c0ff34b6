"""Network membership: applying, coordinators' decisions, members' roles and their end.

An account applies for the organisation it acts for, and only if that affiliation is
confirmed (`Account.organization`): a claim grants nothing here either. Coordinators (the
`coordinator` role, and admins) approve, ask for more or decline; the applicant answers a
question, and the application waits for the coordinators again. Nobody decides on an
application of the organisation they act for.

Decisions are serialised like moderation's: each takes the application with a conditional
UPDATE on the state it expects, which on PostgreSQL also locks the row until the commit;
of two coordinators deciding at once the second finds the state changed and is refused
(code `already_decided`, 409): never a second step or a second e-mail.

Every step is a `MembershipStep` (who, when, the note) and an e-mail to the person it
concerns, in their language (`kb.services.membership_notices`).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from marshmallow import ValidationError

from kb.extensions import db
from kb.models import (
    Account,
    Country,
    Membership,
    MembershipApplication,
    MembershipStep,
    Organization,
)
from kb.models.base import utcnow
from kb.models.membership import OPEN_STATES
from kb.schemas import messages
from kb.schemas.membership import MAX_NOTE, MembershipApplicationInputSchema
from kb.schemas.messages import flatten
from kb.services import membership_notices as notices
from kb.services.common import NotFound, Page, ServiceError, paginate
from kb.services.directory import save_organization
from kb.services.payloads import Invalid
from kb.services.records import Actor
from kb.services.submissions import Forbidden


def _directory_role(membership: Membership, coordinator: Account, role: str | None) -> None:
    """Show the membership's role on the organisation's record (its history keeps it)."""
    save_organization({"network_role": role}, Actor.of(coordinator), record=membership.organization)


def is_coordinator(account: Account | None) -> bool:
    """Whether the account decides on membership (coordinators and admins)."""
    return bool(account) and account.has_role("coordinator")


def open_application(organization: Organization) -> MembershipApplication | None:
    """The organisation's application that still waits for someone, if any."""
    return db.session.scalar(
        sa.select(MembershipApplication)
        .where(
            MembershipApplication.organization_id == organization.id,
            MembershipApplication.state.in_(OPEN_STATES),
        )
        .order_by(MembershipApplication.id.desc())
        .limit(1)
    )


def membership_of(organization: Organization) -> Membership | None:
    """The organisation's membership (active or ended), if it ever had one."""
    return db.session.scalar(
        sa.select(Membership).where(Membership.organization_id == organization.id)
    )


def applications_of(organization: Organization) -> list[MembershipApplication]:
    """Every application of the organisation, newest first."""
    return list(
        db.session.scalars(
            sa.select(MembershipApplication)
            .where(MembershipApplication.organization_id == organization.id)
            .order_by(MembershipApplication.id.desc())
        )
    )


def history(organization: Organization) -> list[MembershipStep]:
    """The organisation's membership history, oldest first."""
    return list(
        db.session.scalars(
            sa.select(MembershipStep)
            .where(MembershipStep.organization_id == organization.id)
            .order_by(MembershipStep.id)
        )
    )


def _load(data: dict) -> dict:
    try:
        return MembershipApplicationInputSchema().load(data)
    except ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for path, message in flatten(messages.translate(exc.messages)):
            errors.setdefault(path or "_schema", []).append(message)
        raise Invalid(errors) from exc


def _note(note: str | None, required: bool, message=None) -> str | None:
    note = (note or "").strip()
    if required and not note:
        raise Invalid({"note": [message or _("Say why, so that the institution knows.")]})
    if len(note) > MAX_NOTE:
        raise Invalid({"note": [_("Longer than %(max)d characters.", max=MAX_NOTE)]})
    return note or None


def _step(application, action: str, account, note=None, changes=None) -> MembershipStep:
    step = MembershipStep(
        organization_id=application.organization_id,
        application=application,
        action=action,
        account=account,
        note=note,
        changes=changes or {},
    )
    db.session.add(step)
    db.session.flush()
    return step


def apply(account: Account, data: dict) -> MembershipApplication:
    """Apply to join the network for the organisation the account acts for (confirmed)."""
    organization = account.organization
    if organization is None:
        raise Forbidden(
            _(
                "Only an account whose affiliation with an institution is confirmed may "
                "apply for it."
            )
        )
    loaded = _load(data)
    country = db.session.scalar(sa.select(Country).where(Country.code == loaded["country"].upper()))
    if country is None:
        raise Invalid({"country": [_("No country has the code %(code)s.", code=loaded["country"])]})
    if open_application(organization) is not None:
        raise ServiceError(
            None, _("Your institution's application is waiting already."), code="conflict"
        )
    membership = membership_of(organization)
    if membership is not None and membership.active:
        raise ServiceError(None, _("Your institution is a member already."), code="conflict")
    application = MembershipApplication(
        organization=organization,
        account=account,
        state="pending",
        kind=loaded["kind"],
        country=country,
        contact_name=loaded["contact_name"].strip(),
        contact_email=loaded["contact_email"].strip(),
        contact_public=loaded["contact_public"],
        brings=sorted(set(loaded["brings"])),
        languages=list(dict.fromkeys(code.lower() for code in loaded["languages"])),
        statement=loaded["statement"],
        terms_accepted_at=utcnow(),
    )
    db.session.add(application)
    db.session.flush()
    step = _step(application, "applied", account)
    notices.tell_applicant(application, step)
    return application


def visible(application_id: int, account: Account | None) -> MembershipApplication:
    """An application, for coordinators and the accounts acting for its organisation."""
    application = db.session.get(MembershipApplication, application_id)
    if application is None or account is None:
        raise NotFound()
    if not (is_coordinator(account) or account.organization_id == application.organization_id):
        raise NotFound()
    return application


def queue(
    account: Account | None, *, state: str | None = "pending", page: int = 1, per_page: int = 20
) -> Page:
    """Applications for coordinators, oldest first; `state` None for every state."""
    if not is_coordinator(account):
        raise Forbidden()
    query = sa.select(MembershipApplication)
    if state:
        query = query.where(MembershipApplication.state == state)
    query = query.order_by(MembershipApplication.updated_at, MembershipApplication.id)
    return paginate(query, page, per_page)


def _take(application: MembershipApplication, expected: str) -> None:
    """Hold the application for this step, or refuse: someone acted on it first."""
    result = db.session.execute(
        sa.update(MembershipApplication)
        .where(MembershipApplication.id == application.id, MembershipApplication.state == expected)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(application)
    if result.rowcount != 1:
        raise ServiceError(
            None,
            _("Someone has acted on this application already; see its history."),
            code="already_decided",
        )


def _check_coordinator(application: MembershipApplication, coordinator: Account) -> None:
    if not is_coordinator(coordinator):
        raise Forbidden()
    if coordinator.organization_id == application.organization_id:
        raise Forbidden(
            _("You cannot decide on your own institution's application; another coordinator must.")
        )
    if application.state != "pending":
        raise ServiceError(
            None, _("Only an application awaiting a decision can be decided on."), code="conflict"
        )


def ask(application: MembershipApplication, coordinator: Account, note: str | None) -> None:
    """Ask the institution for more; the application waits for its answer."""
    _check_coordinator(application, coordinator)
    note = _note(note, True, _("Say what the institution should tell you."))
    _take(application, "pending")
    application.state = "more-info"
    step = _step(application, "asked", coordinator, note)
    notices.tell_applicant(application, step)


def answer(application: MembershipApplication, account: Account, note: str | None) -> None:
    """The institution answers a coordinator's question; it waits for them again."""
    if account.organization_id != application.organization_id:
        raise Forbidden()
    if application.state != "more-info":
        raise ServiceError(None, _("Nobody has asked this application for more."), code="conflict")
    note = _note(note, True, _("Write your answer."))
    _take(application, "more-info")
    application.state = "pending"
    step = _step(application, "answered", account, note)
    notices.tell_asker(application, step)


def decline(application: MembershipApplication, coordinator: Account, note: str | None) -> None:
    """Decline the application, saying why; the institution may apply again later."""
    _check_coordinator(application, coordinator)
    note = _note(note, True)
    _take(application, "pending")
    application.state = "declined"
    application.decided_at = utcnow()
    application.decided_by = coordinator
    step = _step(application, "declined", coordinator, note)
    notices.tell_applicant(application, step)


def approve(
    application: MembershipApplication,
    coordinator: Account,
    role: str = "member",
    note: str | None = None,
) -> Membership:
    """Make the institution a member from today, with `role`."""
    _check_coordinator(application, coordinator)
    note = _note(note, False)
    _take(application, "pending")
    application.state = "approved"
    application.decided_at = utcnow()
    application.decided_by = coordinator
    membership = membership_of(application.organization)
    if membership is None:
        membership = Membership(organization=application.organization)
        db.session.add(membership)
    membership.role = role
    membership.since = date.today()
    membership.ended_on = None
    membership.application = application
    db.session.flush()
    _directory_role(membership, coordinator, role)
    step = _step(application, "approved", coordinator, note, {"role": [None, role]})
    notices.tell_applicant(application, step)
    return membership


def _check_member(membership: Membership, coordinator: Account) -> None:
    if not is_coordinator(coordinator):
        raise Forbidden()
    if coordinator.organization_id == membership.organization_id:
        raise Forbidden(
            _("You cannot change your own institution's membership; another coordinator must.")
        )
    if not membership.active:
        raise ServiceError(None, _("This membership has ended."), code="conflict")


def _hold(membership: Membership) -> None:
    """Serialise changes to one membership (a row lock on PostgreSQL)."""
    result = db.session.execute(
        sa.update(Membership)
        .where(Membership.id == membership.id, Membership.ended_on.is_(None))
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(membership)
    if result.rowcount != 1:
        raise ServiceError(None, _("This membership has ended."), code="conflict")


def _member_step(membership, action, account, note, changes) -> MembershipStep:
    step = MembershipStep(
        organization_id=membership.organization_id,
        action=action,
        account=account,
        note=note,
        changes=changes,
    )
    db.session.add(step)
    db.session.flush()
    return step


def change_role(
    membership: Membership, coordinator: Account, role: str, note: str | None
) -> MembershipStep | None:
    """Give a member another network role (None when it has that role already)."""
    _check_member(membership, coordinator)
    note = _note(note, False)
    _hold(membership)
    if membership.role == role:
        return None
    old, membership.role = membership.role, role
    _directory_role(membership, coordinator, role)
    step = _member_step(membership, "role-changed", coordinator, note, {"role": [old, role]})
    notices.tell_member(membership, step)
    return step


def end(membership: Membership, coordinator: Account, note: str | None) -> MembershipStep:
    """End a membership (kept, with its history; a new application may start it again)."""
    _check_member(membership, coordinator)
    note = _note(note, True)
    _hold(membership)
    membership.ended_on = date.today()
    _directory_role(membership, coordinator, None)
    step = _member_step(membership, "ended", coordinator, note, {"role": [membership.role, None]})
    notices.tell_member(membership, step)
    return step


def member(slug: str) -> Membership:
    """The active membership of the published organisation with `slug`; NotFound otherwise."""
    found = db.session.scalar(
        sa.select(Membership)
        .join(Organization, Membership.organization_id == Organization.id)
        .where(
            Organization.slug == slug.lower(),
            Organization.status == "published",
            Membership.ended_on.is_(None),
        )
    )
    if found is None:
        raise NotFound()
    return found


def membership_for_coordinator(slug: str, account: Account | None) -> Membership:
    """A membership by its organisation's slug, active or ended, for coordinators."""
    if not is_coordinator(account):
        raise Forbidden()
    found = db.session.scalar(
        sa.select(Membership)
        .join(Organization, Membership.organization_id == Organization.id)
        .where(Organization.slug == slug.lower())
    )
    if found is None:
        raise NotFound()
    return found
