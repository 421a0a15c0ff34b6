"""Template helpers of the account and submission pages: histories, field names, errors."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, FormField

from kb.catalog import BY_MODEL, BY_SINGULAR, RecordType
from kb.i18n import pick
from kb.services import history, submissions
from kb.services.common import Page
from kb.services.compare import field_label
from kb.services.organizing import can_move
from kb.views import bp

#: How many changes a record page lists; the API pages through all of them.
SHOWN = 20


@bp.app_template_global("record_history")
def record_history(record) -> Page:
    """The newest changes of a record, for its page."""
    return history.history(BY_MODEL[type(record)].singular, record.id, per_page=SHOWN)


@bp.app_template_global("collection_of")
def collection_of(record) -> str:
    """The collection a record belongs to, e.g. "case-studies" (its URL segment)."""
    return BY_MODEL[type(record)].name


@bp.app_template_global("record_kind")
def record_kind(singular: str) -> RecordType:
    """The catalog entry of a record type by its singular name (e.g. "case_study")."""
    return BY_SINGULAR[singular]


@bp.app_template_global("submission_title")
def submission_title(submission) -> dict:
    """What a submission is about, per language: its proposed name, or its record's."""
    for key in ("name", "title"):
        value = submission.payload.get(key)
        if isinstance(value, dict) and value:
            return value
    record = submissions.target(submission)
    return record.label if record is not None else {}


@bp.app_template_global("error_summary")
def error_summary(form) -> list[tuple[str, str, str]]:
    """Every field error of a form as (field id, label, message), in the form's order."""
    out = []
    for field in form:
        if isinstance(field, FormField):
            out += error_summary(field.form)
        elif isinstance(field, FieldList):
            for entry in field:
                out += error_summary(entry.form) if isinstance(entry, FormField) else _own(entry)
        else:
            out += _own(field)
    return out


def _own(field) -> list[tuple[str, str, str]]:
    return [(field.id, str(field.label.text), str(message)) for message in field.errors]


bp.app_template_global("field_label")(field_label)


STATES = {
    "draft": _l("Draft"),
    "pending": _l("Awaiting review"),
    "returned": _l("Returned for changes"),
    "rejected": _l("Not accepted"),
    "approved": _l("Published"),
}
STEPS = {
    "submitted": _l("Sent for review"),
    "edited": _l("Edited by a moderator"),
    "resubmitted": _l("Sent again for review"),
    "returned": _l("Returned for changes"),
    "rejected": _l("Not accepted"),
    "approved": _l("Approved and published"),
}


@bp.app_template_global("state_label")
def state_label(state: str) -> str:
    """The translated name of a submission's state."""
    return str(STATES.get(state, state))


@bp.app_template_global("step_label")
def step_label(action: str) -> str:
    """The translated name of a step in a submission's life."""
    return str(STEPS.get(action, action))


bp.app_template_filter("field_label")(field_label)


@bp.app_template_global("person")
def person(who, fallback: str) -> str:
    """A person as the public sees them: "Name (Organisation)", or `fallback`."""
    if who is None:
        return fallback
    org = pick(who.organization.name) if who.organization is not None else None
    if who.name and org:
        return f"{who.name} ({org})"
    return who.name or (str(org) if org else fallback)


@bp.app_template_filter("person_or")
def person_or(who, fallback: str) -> str:
    """`person` as a filter, for lists of people."""
    return person(who, fallback)


bp.app_template_global("can_move_session")(can_move)
