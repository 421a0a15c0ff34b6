"""The JSON shapes of submissions, moderators' decisions and records' histories."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from kb.models import SUBMISSION_STATES, SUBMISSION_TYPES
from kb.schemas.fields import one_of, ref_json
from kb.urls import absolute_url


class StepSchema(Schema):
    """One step of a submission's life."""

    action = fields.String()
    at = fields.DateTime(attribute="created_at")
    reason = fields.String(allow_none=True)


class SubmitterSchema(Schema):
    """Who submitted: shown only to the submitter and to moderators."""

    email = fields.String()
    name = fields.String(allow_none=True)


class SubmissionSchema(Schema):
    """A submission as its submitter and the moderators see it."""

    id = fields.Integer()
    record_type = fields.String(validate=one_of(SUBMISSION_TYPES))
    kind = fields.Method("_kind", metadata={"enum": ["new", "change"]})
    state = fields.String(validate=one_of(SUBMISSION_STATES))
    slug = fields.Function(lambda s: s.payload.get("slug") or None)
    payload = fields.Dict(metadata={"description": "The proposed record, in its API shape."})
    message = fields.String(allow_none=True)
    submitter = fields.Nested(SubmitterSchema, attribute="account", allow_none=True)
    organization = fields.Function(lambda s: ref_json(s.organization) if s.organization else None)
    submitted_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    steps = fields.List(fields.Nested(StepSchema))
    url = fields.Function(lambda s: absolute_url("api.get_submission", submission_id=s.id))

    def _kind(self, submission) -> str:
        return "change" if submission.is_change else "new"


class DecisionSchema(Schema):
    """A moderator's decision: the reason (required to return or reject; a note to approve)."""

    reason = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=5000))


class PersonSchema(Schema):
    """Who did something, as the public sees it: a name and organisation, never an address."""

    name = fields.String(allow_none=True)
    organization = fields.Function(lambda p: ref_json(p.organization) if p.organization else None)
    process = fields.String(allow_none=True, metadata={"description": "A named process, e.g. seed"})


class HistorySubmissionSchema(Schema):
    """The submission a published change came from."""

    id = fields.Integer(attribute="submission_id")
    submitted_by = fields.Nested(PersonSchema, allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    edited_by = fields.List(
        fields.Nested(PersonSchema),
        metadata={"description": "Moderators who edited the proposal before approving it"},
    )


class HistoryEntrySchema(Schema):
    """One published change: who published it, who proposed it, each field from → to."""

    id = fields.Integer()
    action = fields.String(metadata={"enum": ["create", "update", "publish"]})
    at = fields.DateTime()
    note = fields.String(allow_none=True)
    changes = fields.Dict(
        keys=fields.String(),
        metadata={"description": "Each changed field: [old, new], in the record's API shape."},
    )
    published_by = fields.Nested(PersonSchema, allow_none=True)
    submission = fields.Method("_submission", allow_none=True)

    def _submission(self, entry):
        return HistorySubmissionSchema().dump(entry) if entry.submission_id else None


class AffiliationSchema(Schema):
    """A request to act for an organisation, as its asker and the moderators see it."""

    id = fields.Integer()
    state = fields.String(metadata={"enum": ["claimed", "confirmed", "declined", "withdrawn"]})
    organization = fields.Function(lambda a: ref_json(a.organization))
    account = fields.Nested(SubmitterSchema)
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)
    reason = fields.String(allow_none=True)
    url = fields.Function(lambda a: absolute_url("api.get_affiliation", affiliation_id=a.id))


class ClaimSchema(Schema):
    """Ask to act for an organisation: its slug."""

    organization = fields.String(required=True, validate=validate.Length(min=1, max=120))


class AffiliationDecisionSchema(Schema):
    """A moderator's decision on a request: an optional note to the person."""

    reason = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=2000))
