"""The JSON shapes of membership: applications, their steps, decisions, and members."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates

from kb.i18n import LANGUAGES
from kb.models import APPLICATION_STATES, CONTRIBUTIONS, MEMBER_ROLES, ORGANIZATION_KINDS
from kb.schemas.args import PageArgs
from kb.schemas.fields import (
    CONTROL,
    LANG_CODE,
    LangText,
    Pattern,
    control_message,
    one_of,
    ref_json,
)
from kb.urls import absolute_url

MAX_NOTE = 5000


def _plain(max_length: int, **kw) -> fields.String:
    return fields.String(validate=validate.Length(max=max_length), **kw)


def _no_controls(value: str) -> None:
    if value and CONTROL.search(value):
        raise ValidationError([control_message()])


def _accepted(value: bool) -> None:
    if value is not True:
        raise ValidationError([_l("Agree to the network's terms to apply.")])


class MembershipApplicationInputSchema(Schema):
    """What an institution sends to apply (the page's form and the API alike)."""

    class Meta:
        unknown = EXCLUDE

    kind = fields.String(required=True, validate=one_of(ORGANIZATION_KINDS))
    country = fields.String(required=True, validate=validate.Length(equal=2))
    contact_name = fields.String(
        required=True, validate=[validate.Length(min=1, max=200), _no_controls]
    )
    contact_email = fields.Email(required=True, validate=validate.Length(max=320))
    contact_public = fields.Boolean(load_default=False)
    brings = fields.List(
        fields.String(validate=one_of(CONTRIBUTIONS)),
        required=True,
        validate=validate.Length(min=1, error=_l("Choose at least one.")),
    )
    languages = fields.List(
        fields.String(validate=Pattern(LANG_CODE, error=_l("Not a language code."))),
        required=True,
        validate=validate.Length(min=1, max=20, error=_l("Give one to 20 language codes.")),
    )
    statement = LangText(
        required=True, max_length=MAX_NOTE, metadata={"languages": LANGUAGES}
    )  # `languages`: the document names the working languages only, as `_working_language`
    terms = fields.Boolean(
        required=True,
        validate=_accepted,
        metadata={"enum": [True], "description": "Agreed to the network's terms (must be true)"},
    )

    @validates("statement")
    def _working_language(self, value, **kwargs):
        other = sorted(set(value) - set(LANGUAGES))
        if other:
            raise ValidationError(
                [
                    _l(
                        "Write the statement in a working language: %(codes)s.",
                        codes=", ".join(LANGUAGES),
                    )
                ]
            )


class MembershipPersonSchema(Schema):
    """Who took a step (shown to coordinators and to the institution's own accounts)."""

    email = fields.String()
    name = fields.String(allow_none=True)


class StepPersonSchema(Schema):
    """Who took a step, by name only: an applicant reads its steps too, and coordinators'
    addresses are not theirs to have."""

    name = fields.String(allow_none=True)


class MembershipStepSchema(Schema):
    """One step of an application or of a membership."""

    action = fields.String()
    at = fields.DateTime(attribute="created_at")
    note = fields.String(allow_none=True)
    changes = fields.Dict()
    by = fields.Nested(StepPersonSchema, attribute="account", allow_none=True)


class MembershipApplicationSchema(Schema):
    """An application, for its institution's accounts and for coordinators."""

    id = fields.Integer()
    state = fields.String(metadata={"enum": ["pending", "more-info", "approved", "declined"]})
    organization = fields.Function(lambda a: ref_json(a.organization))
    kind = fields.String()
    country = fields.Function(lambda a: a.country.code if a.country else None)
    contact_name = fields.String()
    contact_email = fields.String()
    contact_public = fields.Boolean()
    brings = fields.List(fields.String())
    languages = fields.List(fields.String())
    statement = fields.Dict()
    applicant = fields.Nested(MembershipPersonSchema, attribute="account", allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)
    steps = fields.List(fields.Nested(MembershipStepSchema))
    url = fields.Function(
        lambda a: absolute_url("api.get_membership_application", application_id=a.id)
    )


class MembershipNoteSchema(Schema):
    """A message with a step: the question, the answer, the reason, the note."""

    class Meta:
        unknown = EXCLUDE

    note = _plain(MAX_NOTE, allow_none=True, load_default=None)


class MembershipApprovalSchema(MembershipNoteSchema):
    """An approval: the network role the institution gets (default member) and a note."""

    role = fields.String(load_default="member", validate=one_of(MEMBER_ROLES))


class MemberStepSchema(Schema):
    """A step of a membership as the public sees it: no people, no notes."""

    action = fields.String()
    at = fields.DateTime(attribute="created_at")
    changes = fields.Dict()


class MemberSchema(Schema):
    """A member of the network: public fields only.

    The contact person is shown only if the institution said so when applying.
    """

    class Meta:
        unknown = EXCLUDE

    slug = fields.Function(lambda m: m.organization.slug, dump_only=True)
    name = fields.Function(lambda m: m.organization.name or None, dump_only=True)
    kind = fields.Function(lambda m: m.organization.kind, dump_only=True)
    country = fields.Function(
        lambda m: m.organization.country.code if m.organization.country else None,
        dump_only=True,
    )
    role = fields.String(required=True, validate=one_of(MEMBER_ROLES))
    since = fields.Date(dump_only=True)
    ended_on = fields.Date(dump_only=True, allow_none=True)
    brings = fields.Function(
        lambda m: m.application.brings if m.application else [], dump_only=True
    )
    languages = fields.Function(
        lambda m: m.application.languages if m.application else [], dump_only=True
    )
    website = fields.Function(lambda m: m.organization.website, dump_only=True)
    contact = fields.Method("_contact", dump_only=True)
    organization_url = fields.Function(
        lambda m: absolute_url("api.record", collection="organizations", slug=m.organization.slug),
        dump_only=True,
    )
    url = fields.Function(
        lambda m: absolute_url("api.member", slug=m.organization.slug), dump_only=True
    )

    def _contact(self, member) -> dict | None:
        application = member.application
        if application is None or not application.contact_public:
            return None
        return {"name": application.contact_name, "email": application.contact_email}


class MemberChangeSchema(Schema):
    """A coordinator's change of a member's role: the member's own GET body is accepted.

    Only `role` (and the reason, `note`) are read; every other key is ignored.
    """

    class Meta:
        unknown = EXCLUDE

    role = fields.String(required=True, validate=one_of(MEMBER_ROLES))
    note = _plain(MAX_NOTE, allow_none=True, load_default=None)


class MemberDetailSchema(MemberSchema):
    """A member with its public membership history, oldest step first."""

    history = fields.List(fields.Nested(MemberStepSchema), attribute="public_steps", dump_only=True)


class QueueArgs(PageArgs):
    """Filters of the coordinators' queue: a state, or `all`."""

    state = fields.String(load_default="pending", validate=one_of((*APPLICATION_STATES, "all")))


class MemberArgs(Schema):
    """Filters of the member directory."""

    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    country = fields.String(validate=validate.Length(equal=2))
    role = fields.String(validate=one_of(MEMBER_ROLES))
    kind = fields.String(validate=one_of(ORGANIZATION_KINDS))
    brings = fields.String(validate=one_of(CONTRIBUTIONS))


class RoleRequestInputSchema(Schema):
    """An institution's account asks for the organizer role."""

    class Meta:
        unknown = EXCLUDE

    message = _plain(2000, allow_none=True, load_default=None)


class RoleDecisionSchema(Schema):
    """A coordinator's note with a decision (needed to decline)."""

    class Meta:
        unknown = EXCLUDE

    reason = _plain(2000, allow_none=True, load_default=None)


class RoleRequestSchema(Schema):
    """A request for a role, for its asker and for coordinators."""

    id = fields.Integer()
    role = fields.String()
    state = fields.String(metadata={"enum": ["pending", "granted", "declined"]})
    account = fields.Nested(MembershipPersonSchema)
    organization = fields.Function(lambda r: ref_json(r.organization))
    message = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)
